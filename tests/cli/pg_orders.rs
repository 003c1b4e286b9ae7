//! Orders, the reorder report, acceptance and stocktakes on PostgreSQL
//! (SPEC §12, issue 15): each command gives the same answer, the same
//! refusal and the same writes on both engines. The demo lab is copied to
//! a fresh PostgreSQL database, then every command runs on the SQLite
//! file and on the copy and their output is compared.

use crate::postgres::{PgDb, demo, same_on_both, stderr, stdout};

/// Run a refusal on both engines: the same exit code and message, and
/// nothing written to `table` on PostgreSQL.
fn refused_on_both(lab: &crate::common::Lab, db: &PgDb, table: &str, args: &[&str]) {
    let before = db.count(table);
    let sqlite = lab.run(args);
    assert!(!sqlite.status.success(), "{args:?} should be refused");
    same_on_both(lab, db, args);
    assert_eq!(db.count(table), before, "{args:?} wrote to {table}");
}

/// Run a command that must succeed on both engines, with the same output.
fn ok_on_both(lab: &crate::common::Lab, db: &PgDb, args: &[&str]) {
    let sqlite = lab.run(args);
    assert!(sqlite.status.success(), "{args:?}: {}", stderr(&sqlite));
    let mut on_pg = vec!["--db", db.url.as_str()];
    on_pg.extend(args.iter().copied());
    let pg = lab.run(&on_pg);
    assert!(
        pg.status.success(),
        "{args:?} on PostgreSQL: {}",
        stderr(&pg)
    );
    assert_eq!(stdout(&pg), stdout(&sqlite), "{args:?}");
    assert_eq!(stderr(&pg), stderr(&sqlite), "{args:?}");
}

fn copied_demo(name: &str) -> Option<(crate::common::Lab, PgDb)> {
    let db = PgDb::new(name)?;
    let lab = demo();
    let out = lab.run(&["copy", "--to", &db.url]);
    assert!(out.status.success(), "{}", stderr(&out));
    Some((lab, db))
}

#[test]
fn pg_orders_add_list_receive_cancel_close_as_on_sqlite() {
    let Some((lab, db)) = copied_demo("orders") else {
        return;
    };
    for args in [
        vec!["order", "list"],
        vec!["order", "list", "--all"],
        vec!["order", "list", "--all", "--format", "json"],
        vec!["order", "list", "--item", "rgt-crp"],
        vec!["order", "list", "--all", "--supplier", "roche diagnostics"],
    ] {
        ok_on_both(&lab, &db, &args);
    }
    // Refusals: unknown item, supplier, order; nothing written.
    refused_on_both(
        &lab,
        &db,
        "orders",
        &["order", "list", "--item", "RGT-CRPX"],
    );
    refused_on_both(
        &lab,
        &db,
        "orders",
        &["order", "list", "--supplier", "Rosh"],
    );
    refused_on_both(
        &lab,
        &db,
        "orders",
        &[
            "order",
            "add",
            "PO-2026-0412",
            "--item",
            "RGT-CRP",
            "--quantity",
            "1",
        ],
    );
    refused_on_both(
        &lab,
        &db,
        "orders",
        &[
            "order",
            "add",
            "po-2026-0412",
            "--item",
            "RGT-GLU",
            "--quantity",
            "1",
            "--supplier",
            "Medline",
        ],
    );
    refused_on_both(
        &lab,
        &db,
        "orders",
        &[
            "order",
            "add",
            "PO-9",
            "--item",
            "RGT-GLU",
            "--quantity",
            "2",
            "--ordered",
            "2026-11-20",
            "--expected",
            "2026-11-19",
        ],
    );
    // (An unknown location's suggestions are listed in a different order
    // on PostgreSQL: `catalogue::find_location`, not this area's.)
    refused_on_both(
        &lab,
        &db,
        "order_events",
        &["order", "cancel", "PO-2026-04"],
    );
    refused_on_both(
        &lab,
        &db,
        "order_events",
        &["order", "close", "PO-2026-0412", "--item", "RGT-GLU"],
    );
    // Writes: a new line (another line of an order takes its supplier),
    // a receipt before its line exists, receipts against lines, a
    // reversal, ending lines.
    let script: &[&[&str]] = &[
        &[
            "order",
            "add",
            "PO-2026-0412",
            "--item",
            "RGT-GLU",
            "--quantity",
            "3",
        ],
        &[
            "receive",
            "RGT-ALT",
            "2",
            "--lot",
            "ALT-1",
            "--expiry",
            "2027-05-31",
            "--location",
            "FRIDGE-1",
            "--reference",
            "PO-2026-0500",
        ],
        &[
            "order",
            "add",
            "po-2026-0500",
            "--item",
            "RGT-ALT",
            "--quantity",
            "5",
            "--location",
            "FRIDGE-1",
            "--expected",
            "2026-12-01",
        ],
        &[
            "receive",
            "RGT-CRP",
            "6",
            "--lot",
            "CRP-2",
            "--expiry",
            "2027-06-30",
            "--location",
            "FRIDGE-1",
            "--order",
            "PO-2026-0412",
        ],
        &[
            "receive",
            "RGT-GLU",
            "4",
            "--lot",
            "GLU-9",
            "--expiry",
            "2027-06-30",
            "--location",
            "FRIDGE-1",
            "--order",
            "po-2026-0412",
        ],
        &["reverse", "--last", "--reason", "wrong order"],
        &[
            "receive",
            "RGT-ALT",
            "4",
            "--lot",
            "ALT-1",
            "--location",
            "FRIDGE-1",
            "--order",
            "PO-2026-0500",
        ],
        &["order", "list", "--all"],
        &[
            "order",
            "cancel",
            "PO-2026-0412",
            "--item",
            "CAL-CFAS",
            "--reason",
            "discontinued",
        ],
        &[
            "order",
            "close",
            "PO-2026-0500",
            "--reason",
            "over-delivered, accepted",
        ],
        &["order", "cancel", "PO-2026-0415"],
        &["order", "list"],
        &["order", "list", "--all"],
    ];
    for args in script {
        ok_on_both(&lab, &db, args);
    }
    // A line already ended is refused the same way, writing nothing.
    refused_on_both(
        &lab,
        &db,
        "order_events",
        &["order", "cancel", "PO-2026-0415"],
    );
    refused_on_both(
        &lab,
        &db,
        "order_events",
        &["order", "close", "PO-2026-0412", "--item", "CAL-CFAS"],
    );
    assert_eq!(db.count("orders"), 11);
    assert_eq!(db.count("order_events"), 3);
    // What was received on each line, and the maintained cache of it, are
    // the same on both engines; `check` on SQLite proves the cache.
    let csv_pg = lab.csv(&["--db", &db.url, "order", "list", "--all"]);
    assert_eq!(csv_pg, lab.csv(&["order", "list", "--all"]));
    let stored: Vec<(String, i64)> = db
        .client()
        .query(
            "SELECT reference || ' ' || item_id, received FROM orders ORDER BY id",
            &[],
        )
        .expect("orders")
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let raw = lab.raw();
    let mut stmt = raw
        .prepare("SELECT reference || ' ' || item_id, received FROM orders ORDER BY id")
        .expect("prepare");
    let on_sqlite: Vec<(String, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("orders")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(stored, on_sqlite);
    lab.ok(&["check"]);
}

#[test]
fn pg_reorder_report_and_item_levels_as_on_sqlite() {
    let Some(db) = PgDb::new("reorder") else {
        return;
    };
    let lab = demo();
    // Another site, so that --site has something to leave out.
    lab.ok(&["location", "add", "SPOKE-FRIDGE", "--site", "SPOKE"]);
    lab.ok(&[
        "receive",
        "RGT-CRP",
        "3",
        "--lot",
        "SPK-1",
        "--expiry",
        "2027-02-28",
        "--location",
        "SPOKE-FRIDGE",
    ]);
    let out = lab.run(&["copy", "--to", &db.url]);
    assert!(out.status.success(), "{}", stderr(&out));
    let reads: &[&[&str]] = &[
        &["report", "reorder"],
        &["report", "reorder", "--format", "json"],
        &["report", "reorder", "--format", "table"],
        &["report", "reorder", "--location", "FRIDGE-1"],
        &[
            "report",
            "reorder",
            "--location",
            "fridge-1",
            "--format",
            "json",
        ],
        &["report", "reorder", "--site", "main"],
        &["report", "reorder", "--site", "SPOKE", "--format", "csv"],
        &["report", "reorder", "--supplier", "roche diagnostics"],
        &["report", "reorder", "--as-of", "2026-11-01"],
        &[
            "report",
            "reorder",
            "--as-of",
            "2026-10-15",
            "--location",
            "MAIN",
        ],
        &["item", "level", "RGT-CRP"],
    ];
    for args in reads {
        ok_on_both(&lab, &db, args);
    }
    refused_on_both(
        &lab,
        &db,
        "item_levels",
        &["report", "reorder", "--site", "NOWHERE"],
    );
    refused_on_both(
        &lab,
        &db,
        "item_levels",
        &["report", "reorder", "--supplier", "Rosh"],
    );
    refused_on_both(
        &lab,
        &db,
        "item_levels",
        &[
            "item",
            "level",
            "RGT-CRP",
            "--location",
            "FRIDGE-1",
            "--reorder-level",
            "5",
            "--max-level",
            "4",
        ],
    );
    // A location's own levels change its list, on both engines alike.
    let script: &[&[&str]] = &[
        &[
            "item",
            "level",
            "RGT-CRP",
            "--location",
            "FRIDGE-1",
            "--reorder-level",
            "30",
            "--max-level",
            "40",
        ],
        &[
            "item",
            "level",
            "RGT-GLU",
            "--location",
            "fridge-1",
            "--reorder-level",
            "9",
        ],
        &["item", "level", "RGT-CRP"],
        &["report", "reorder", "--location", "FRIDGE-1"],
        &[
            "item",
            "level",
            "RGT-GLU",
            "--location",
            "FRIDGE-1",
            "--clear",
        ],
        &[
            "item",
            "level",
            "RGT-GLU",
            "--location",
            "FRIDGE-1",
            "--clear",
        ],
        &[
            "report",
            "reorder",
            "--location",
            "FRIDGE-1",
            "--format",
            "json",
        ],
        &[
            "order",
            "add",
            "PO-2026-0600",
            "--item",
            "RGT-CRP",
            "--quantity",
            "12",
            "--location",
            "SPOKE-FRIDGE",
        ],
        &["report", "reorder", "--site", "SPOKE"],
        &["report", "reorder"],
    ];
    for args in script {
        ok_on_both(&lab, &db, args);
    }
    assert_eq!(db.count("item_levels"), 1);
}

#[test]
fn pg_lot_accept_and_acceptance_report_as_on_sqlite() {
    let Some((lab, db)) = copied_demo("acceptance") else {
        return;
    };
    let script: &[&[&str]] = &[
        &["report", "acceptance"],
        &[
            "receive",
            "RGT-TSH",
            "2",
            "--lot",
            "TSH-NEW",
            "--expiry",
            "2027-08-31",
            "--location",
            "FRIDGE-1",
        ],
        &[
            "receive",
            "RGT-FERR",
            "3",
            "--lot",
            "FERR-NEW",
            "--expiry",
            "2027-09-30",
            "--location",
            "FRIDGE-1",
        ],
        &[
            "transfer", "RGT-FERR", "1", "--lot", "FERR-NEW", "--from", "FRIDGE-1", "--to", "MAIN",
        ],
        &["report", "acceptance"],
        &["report", "acceptance", "--format", "json"],
        &["report", "acceptance", "--location", "main"],
        &["report", "acceptance", "--as-of", "2026-11-01"],
        &["report", "reorder"],
        &[
            "lot",
            "accept",
            "RGT-TSH",
            "TSH-NEW",
            "--result",
            "pass",
            "--reference",
            "QC-1",
        ],
        &[
            "lot",
            "accept",
            "rgt-ferr",
            "FERR-NEW",
            "--result",
            "fail",
            "--reference",
            "QC-2",
            "--notes",
            "controls out of range",
        ],
        &["report", "acceptance"],
        &["stock", "--item", "RGT-FERR"],
        &["stock", "--item", "RGT-TSH"],
    ];
    for args in script {
        ok_on_both(&lab, &db, args);
    }
    // A decided lot, an unknown lot: refused alike, nothing written.
    for table in ["lot_acceptances", "lot_events"] {
        refused_on_both(
            &lab,
            &db,
            table,
            &["lot", "accept", "RGT-TSH", "TSH-NEW", "--result", "fail"],
        );
        refused_on_both(
            &lab,
            &db,
            table,
            &["lot", "accept", "RGT-TSH", "TSH-NEWX", "--result", "pass"],
        );
    }
    lab.ok(&["check"]);
}

#[test]
fn pg_stocktakes_as_on_sqlite() {
    let Some((lab, db)) = copied_demo("stocktake") else {
        return;
    };
    let reads: &[&[&str]] = &[
        &["stocktake", "list"],
        &["stocktake", "sheet", "1"],
        &["stocktake", "sheet", "2"],
        &["stocktake", "review", "1"],
        &["stocktake", "review", "2", "--format", "json"],
    ];
    for args in reads {
        ok_on_both(&lab, &db, args);
    }
    refused_on_both(
        &lab,
        &db,
        "stocktakes",
        &["stocktake", "start", "--location", "freezer-1"],
    );
    refused_on_both(&lab, &db, "stocktake_events", &["stocktake", "apply", "2"]);
    refused_on_both(&lab, &db, "stocktake_events", &["stocktake", "cancel", "1"]);
    refused_on_both(&lab, &db, "stocktake_counts", &["stocktake", "sheet", "99"]);
    refused_on_both(
        &lab,
        &db,
        "stocktake_counts",
        &[
            "stocktake",
            "count",
            "2",
            "RGT-TAQ",
            "3",
            "--lot",
            "2380228",
            "--location",
            "MAIN",
        ],
    );
    refused_on_both(
        &lab,
        &db,
        "stocktake_counts",
        &[
            "stocktake",
            "count",
            "1",
            "RGT-TAQ",
            "3",
            "--lot",
            "2380228",
        ],
    );
    let counts = lab.file(
        "counts.csv",
        "item,lot,location,counted\nCHM-PBS-TAB,PT-2609B,BENCH-HAEM,70\nPRP-PBS,PBS-261118,,4\n",
    );
    let bad = lab.file(
        "bad.csv",
        "item,lot,location,counted\nCHM-PBS-TAB,PT-2611A,BENCH-HAEM,70\nPRP-PBS,PBS-261118,MAIN,4\n",
    );
    let script: &[&[&str]] = &[
        &["open", "CHM-GIEMSA", "1", "--location", "BENCH-HAEM"],
        &["stocktake", "start", "--location", "bench-haem"],
        &[
            "stocktake",
            "start",
            "--location",
            "MAIN",
            "--category",
            "chemical",
            "--blind",
        ],
        &["stocktake", "list"],
        &["stocktake", "sheet", "3"],
        &["stocktake", "sheet", "4"],
        &[
            "stocktake",
            "count",
            "3",
            "CHM-GIEMSA",
            "480",
            "--lot",
            "GS-8841",
        ],
        &[
            "stocktake",
            "count",
            "3",
            "CHM-GIEMSA",
            "488",
            "--lot",
            "GS-8841",
        ],
        &[
            "stocktake",
            "count",
            "3",
            "CHM-PBS-TAB",
            "80",
            "--lot",
            "PT-2611A",
            "--location",
            "BENCH-HAEM",
        ],
        &[
            "stocktake",
            "count",
            "3",
            "PRP-PBS",
            "1",
            "--lot",
            "PBS-NEW",
            "--expiry",
            "2026-12-20",
        ],
        &[
            "stocktake",
            "enter",
            "3",
            counts.to_str().unwrap_or_default(),
        ],
        &["stocktake", "review", "3"],
        &["stocktake", "sheet", "3"],
        &["stocktake", "list"],
    ];
    for args in script {
        ok_on_both(&lab, &db, args);
    }
    refused_on_both(
        &lab,
        &db,
        "stocktake_counts",
        &["stocktake", "enter", "3", bad.to_str().unwrap_or_default()],
    );
    refused_on_both(&lab, &db, "movements", &["stocktake", "apply", "3"]);
    let script: &[&[&str]] = &[
        &["stocktake", "apply", "3", "--zero-uncounted"],
        &["stocktake", "cancel", "4"],
        &[
            "stocktake",
            "count",
            "2",
            "RGT-TAQ",
            "2",
            "--lot",
            "2380228",
        ],
        &["stocktake", "review", "2"],
        &["stocktake", "apply", "2", "--zero-uncounted"],
        &["stocktake", "list"],
        &["stocktake", "review", "3"],
        &["stock", "--location", "BENCH-HAEM"],
        &["stock", "--location", "FREEZER-1"],
    ];
    for args in script {
        ok_on_both(&lab, &db, args);
    }
    refused_on_both(
        &lab,
        &db,
        "stocktake_counts",
        &[
            "stocktake",
            "count",
            "3",
            "CHM-GIEMSA",
            "1",
            "--lot",
            "GS-8841",
        ],
    );
    lab.ok(&["check"]);
}
