//! Orders, the reorder report, acceptance and stocktakes on PostgreSQL
//! (SPEC §12, issue 15): each command gives the same answer, the same
//! refusal and the same writes on both engines. The demo lab is copied to
//! a fresh PostgreSQL database, then every command runs on the SQLite
//! file and on the copy and their output is compared.

use crate::postgres::{PgDb, demo, same_on_both, stderr};

/// Run a refusal on both engines: the same exit code and message, and
/// nothing written to `table` on PostgreSQL.
fn refused_on_both(lab: &crate::common::Lab, db: &PgDb, table: &str, args: &[&str]) {
    let before = db.count(table);
    let sqlite = lab.run(args);
    assert!(!sqlite.status.success(), "{args:?} should be refused");
    same_on_both(lab, db, args);
    assert_eq!(db.count(table), before, "{args:?} wrote to {table}");
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
        same_on_both(&lab, &db, &args);
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
        same_on_both(&lab, &db, args);
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
