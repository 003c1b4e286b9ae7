//! The stock ledger through the real binary: every movement kind, FEFO,
//! the never-negative rule, reversals, append-only enforcement and `check`.

use crate::common::Lab;

/// A lab with a fridge, a lot-tracked reagent and a plain consumable.
fn stocked_lab() -> Lab {
    let lab = Lab::new();
    lab.ok(&[
        "location",
        "add",
        "FRIDGE-1",
        "--name",
        "Reagent fridge 2-8C",
    ]);
    lab.ok(&[
        "item",
        "add",
        "RGT-CRP",
        "--name",
        "CRP reagent cartridge",
        "--lot-tracked",
        "--unit",
        "kit",
        "--storage",
        "2-8C",
        "--in-use-days",
        "28",
    ]);
    lab.ok(&[
        "item",
        "add",
        "GLV-NIT-M",
        "--name",
        "Nitrile gloves, medium",
        "--unit",
        "box",
    ]);
    lab
}

/// Balances as (item, lot, location, quantity) from `stock --format csv`.
fn balances(lab: &Lab) -> Vec<(String, String, String, i64)> {
    lab.csv(&["stock"])
        .into_iter()
        .skip(1)
        .map(|r| {
            (
                r[0].clone(),
                r[2].clone(),
                r[4].clone(),
                r[5].parse().unwrap(),
            )
        })
        .collect()
}

fn qty(lab: &Lab, item: &str, lot: &str, location: &str) -> i64 {
    balances(lab)
        .into_iter()
        .find(|(i, l, loc, _)| i == item && l == lot && loc == location)
        .map_or(0, |b| b.3)
}

#[test]
fn every_movement_kind_changes_the_balance_as_specified() {
    let lab = stocked_lab();
    lab.ok(&["receive", "GLV-NIT-M", "20", "--reference", "DN-5531"]);
    assert_eq!(qty(&lab, "GLV-NIT-M", "", "MAIN"), 20);
    lab.ok(&["issue", "GLV-NIT-M", "3"]);
    assert_eq!(qty(&lab, "GLV-NIT-M", "", "MAIN"), 17);
    lab.ok(&[
        "transfer",
        "GLV-NIT-M",
        "5",
        "--from",
        "MAIN",
        "--to",
        "FRIDGE-1",
    ]);
    assert_eq!(qty(&lab, "GLV-NIT-M", "", "MAIN"), 12);
    assert_eq!(qty(&lab, "GLV-NIT-M", "", "FRIDGE-1"), 5);
    lab.ok(&[
        "adjust",
        "GLV-NIT-M",
        "-2",
        "--reason",
        "damaged in transit",
    ]);
    assert_eq!(qty(&lab, "GLV-NIT-M", "", "MAIN"), 10);
    lab.ok(&["adjust", "GLV-NIT-M", "4", "--reason", "found in returns"]);
    assert_eq!(qty(&lab, "GLV-NIT-M", "", "MAIN"), 14);
    lab.ok(&["count", "GLV-NIT-M", "11"]);
    assert_eq!(qty(&lab, "GLV-NIT-M", "", "MAIN"), 11);
    lab.ok(&["dispose", "GLV-NIT-M", "1", "--reason", "contaminated"]);
    assert_eq!(qty(&lab, "GLV-NIT-M", "", "MAIN"), 10);
    // Movement 3 is the transfer: reversing it moves the stock back.
    lab.ok(&["reverse", "3", "--reason", "sent to the wrong fridge"]);
    assert_eq!(qty(&lab, "GLV-NIT-M", "", "MAIN"), 15);
    assert_eq!(qty(&lab, "GLV-NIT-M", "", "FRIDGE-1"), 0);

    let history = lab.csv(&["history", "GLV-NIT-M"]);
    let kinds: Vec<&str> = history.iter().skip(1).map(|r| r[2].as_str()).collect();
    assert_eq!(
        kinds,
        [
            "receive", "issue", "transfer", "adjust", "adjust", "count", "dispose", "reverse"
        ]
    );
    let last_balance: i64 = history.last().unwrap()[8].parse().unwrap();
    assert_eq!(last_balance, 15, "bin card running balance");
    // The count recorded the difference (11 counted, 14 on the book).
    assert_eq!(history[6][6], "-3");
    assert_eq!(history[6][9], "11");
    lab.ok(&["check"]);
}

#[test]
fn fefo_issues_the_earliest_usable_expiry_first_and_skips_expired_lots() {
    let lab = stocked_lab();
    // Received out of expiry order; one lot already expired on the test date.
    lab.ok(&[
        "receive",
        "RGT-CRP",
        "4",
        "--lot",
        "L-LATE",
        "--expiry",
        "2027-06-30",
    ]);
    lab.ok(&[
        "receive",
        "RGT-CRP",
        "4",
        "--lot",
        "L-OLD",
        "--expiry",
        "2026-11-20",
    ]);
    lab.ok(&[
        "receive",
        "RGT-CRP",
        "4",
        "--lot",
        "L-SOON",
        "--expiry",
        "2026-12-15",
    ]);
    lab.ok(&[
        "receive",
        "RGT-CRP",
        "4",
        "--lot",
        "L-MID",
        "--expiry",
        "2027-01-31",
    ]);

    lab.ok(&["issue", "RGT-CRP", "6"]);
    assert_eq!(
        qty(&lab, "RGT-CRP", "L-OLD", "MAIN"),
        4,
        "expired lot is skipped"
    );
    assert_eq!(
        qty(&lab, "RGT-CRP", "L-SOON", "MAIN"),
        0,
        "earliest usable lot first"
    );
    assert_eq!(
        qty(&lab, "RGT-CRP", "L-MID", "MAIN"),
        2,
        "then the next expiry"
    );
    assert_eq!(
        qty(&lab, "RGT-CRP", "L-LATE", "MAIN"),
        4,
        "longest-dated lot untouched"
    );
    // One issue spanning two lots writes two ledger rows.
    let history = lab.csv(&["history", "RGT-CRP"]);
    let issues: Vec<&Vec<String>> = history.iter().filter(|r| r[2] == "issue").collect();
    assert_eq!(issues.len(), 2);
    assert_eq!(
        (issues[0][3].as_str(), issues[0][6].as_str()),
        ("L-SOON", "-4")
    );
    assert_eq!(
        (issues[1][3].as_str(), issues[1][6].as_str()),
        ("L-MID", "-2")
    );
}

#[test]
fn quarantined_recalled_and_opened_past_in_use_lots_are_not_usable() {
    let lab = stocked_lab();
    lab.ok(&[
        "receive",
        "RGT-CRP",
        "2",
        "--lot",
        "Q1",
        "--expiry",
        "2027-01-01",
    ]);
    lab.ok(&[
        "receive",
        "RGT-CRP",
        "2",
        "--lot",
        "R1",
        "--expiry",
        "2027-02-01",
    ]);
    // O1 arrived before it was opened (an opening may not precede it).
    let received = lab
        .cmd()
        .env("LABSTOCK_NOW", "2026-10-20T09:00:00Z")
        .args([
            "receive",
            "RGT-CRP",
            "2",
            "--lot",
            "O1",
            "--expiry",
            "2027-03-01",
        ])
        .output()
        .unwrap();
    assert!(received.status.success(), "{received:?}");
    lab.ok(&[
        "lot",
        "quarantine",
        "RGT-CRP",
        "Q1",
        "--reason",
        "QC failure",
    ]);
    lab.ok(&["lot", "recall", "RGT-CRP", "R1", "--reason", "FSN 2026-117"]);
    // Opened 30 days ago with 28 in-use days: past its effective expiry.
    lab.ok(&["lot", "open", "RGT-CRP", "O1", "2", "--date", "2026-10-22"]);
    let err = lab.fails(&["issue", "RGT-CRP", "1"], 65);
    assert!(err.contains("0 available"), "{err}");
    assert!(
        err.contains("6 more held in expired, quarantined or recalled lots"),
        "{err}"
    );
    let err = lab.fails(&["issue", "RGT-CRP", "1", "--lot", "Q1"], 65);
    assert!(err.contains("quarantined"), "{err}");
    let err = lab.fails(&["issue", "RGT-CRP", "1", "--lot", "O1"], 65);
    assert!(err.contains("expired on 2026-11-19"), "{err}");
    lab.ok(&["issue", "RGT-CRP", "1", "--lot", "O1", "--allow-expired"]);
    lab.ok(&[
        "lot",
        "release",
        "RGT-CRP",
        "Q1",
        "--reason",
        "QC repeat passed",
    ]);
    lab.ok(&["issue", "RGT-CRP", "1"]);
    assert_eq!(qty(&lab, "RGT-CRP", "Q1", "MAIN"), 1);
    // A recalled lot can still be disposed of.
    lab.ok(&[
        "dispose", "RGT-CRP", "2", "--lot", "R1", "--reason", "recalled",
    ]);
    let err = lab.fails(&["lot", "release", "RGT-CRP", "R1"], 65);
    assert!(err.contains("recalled"), "{err}");
}

#[test]
fn a_refused_issue_leaves_ledger_and_balances_byte_for_byte_unchanged() {
    let lab = stocked_lab();
    lab.ok(&[
        "receive",
        "RGT-CRP",
        "3",
        "--lot",
        "A1",
        "--expiry",
        "2027-01-01",
    ]);
    lab.ok(&["location", "add", "BENCH-HAEM"]);
    lab.ok(&[
        "receive",
        "RGT-CRP",
        "2",
        "--lot",
        "A1",
        "--location",
        "FRIDGE-1",
    ]);
    let before = lab.db_bytes();
    let err = lab.fails(&["issue", "RGT-CRP", "5"], 65);
    assert!(err.contains("5 requested, 3 available"), "{err}");
    assert!(err.contains("usable elsewhere: 2 at FRIDGE-1"), "{err}");
    assert_eq!(lab.db_bytes(), before, "a refused issue must write nothing");
    let err = lab.fails(
        &[
            "transfer",
            "RGT-CRP",
            "9",
            "--from",
            "MAIN",
            "--to",
            "BENCH-HAEM",
            "--lot",
            "A1",
        ],
        65,
    );
    assert!(err.contains("9 requested, 3 available"), "{err}");
    let err = lab.fails(
        &[
            "dispose", "RGT-CRP", "4", "--lot", "A1", "--reason", "damaged",
        ],
        65,
    );
    assert!(err.contains("4 requested, 3 available"), "{err}");
    let err = lab.fails(
        &[
            "adjust", "RGT-CRP", "-4", "--lot", "A1", "--reason", "breakage",
        ],
        65,
    );
    assert!(err.contains("3 available"), "{err}");
    assert_eq!(lab.db_bytes(), before);
}

#[test]
fn bad_input_is_refused_with_the_value_named_and_nothing_written() {
    let lab = stocked_lab();
    lab.ok(&["receive", "GLV-NIT-M", "5"]);
    let before = lab.db_bytes();
    let cases: &[(&[&str], &str)] = &[
        (
            &["issue", "GLV-NIT-N", "1"],
            "unknown item \"GLV-NIT-N\" (did you mean GLV-NIT-M?)",
        ),
        (
            &["receive", "GLV-NIT-M", "1", "--location", "FRIDGE1"],
            "unknown location \"FRIDGE1\" (did you mean FRIDGE-1?)",
        ),
        (&["receive", "GLV-NIT-M", "0"], "invalid quantity \"0\""),
        (&["receive", "GLV-NIT-M", "-3"], "invalid quantity \"-3\""),
        (
            &["issue", "GLV-NIT-M", "2.5"],
            "invalid quantity \"2.5\": expected a whole number",
        ),
        (&["issue", "GLV-NIT-M", "two"], "invalid quantity \"two\""),
        (
            &[
                "receive",
                "RGT-CRP",
                "1",
                "--lot",
                "X9",
                "--expiry",
                "2026-02-30",
            ],
            "invalid expiry \"2026-02-30\": no such date",
        ),
        (
            &[
                "receive",
                "RGT-CRP",
                "1",
                "--lot",
                "X9",
                "--expiry",
                "30/11/2026",
            ],
            "invalid expiry \"30/11/2026\": expected a date as YYYY-MM-DD",
        ),
        (
            &["receive", "RGT-CRP", "1", "--lot", "X9"],
            "needs --expiry",
        ),
        (&["receive", "RGT-CRP", "1"], "needs --lot"),
        (
            &["item", "add", "glv-nit-m", "--name", "Duplicate gloves"],
            "item \"GLV-NIT-M\" already exists",
        ),
        (&["issue", "GLV-NIT-M", "6"], "6 requested, 5 available"),
        (
            &["reverse", "999", "--reason", "x"],
            "unknown movement \"999\"",
        ),
        (&["adjust", "GLV-NIT-M", "0", "--reason", "x"], "non-zero"),
        (&["adjust", "GLV-NIT-M", "2"], "reason is required"),
        (&["dispose", "GLV-NIT-M", "1"], "reason is required"),
        (&["count", "GLV-NIT-M", "-1"], "counted quantity"),
        (
            &[
                "transfer",
                "GLV-NIT-M",
                "1",
                "--from",
                "MAIN",
                "--to",
                "main",
            ],
            "somewhere other than MAIN",
        ),
        (
            &[
                "item",
                "add",
                "PIP-TIP",
                "--name",
                "Tips",
                "--reorder-level",
                "10",
                "--max-level",
                "5",
            ],
            "invalid max_level \"5\": must be greater than reorder_level 10",
        ),
        (
            &[
                "item",
                "add",
                "PIP-TIP",
                "--name",
                "Tips",
                "--pack-size",
                "0",
            ],
            "pack_size",
        ),
        (
            &[
                "item",
                "add",
                "PIP-TIP",
                "--name",
                "Tips",
                "--unit-cost",
                "1.005",
            ],
            "finer than a penny",
        ),
        (
            &[
                "item",
                "add",
                "PIP-TIP",
                "--name",
                "Tips",
                "--gtin",
                "05012345678901",
            ],
            "gtin",
        ),
        (&["stock", "--as-of", "2026-13-01"], "invalid --as-of date"),
    ];
    for (args, expected) in cases {
        let err = lab.fails(args, 65);
        assert!(
            err.contains(expected),
            "labstock {args:?}: expected {expected:?} in {err}"
        );
    }
    assert_eq!(lab.db_bytes(), before, "refused commands must not write");
}

#[test]
fn reverse_negates_once_and_the_original_stays() {
    let lab = stocked_lab();
    lab.ok(&["receive", "GLV-NIT-M", "10"]);
    lab.ok(&["issue", "GLV-NIT-M", "4"]);
    lab.ok(&["reverse", "2", "--reason", "issued in error"]);
    assert_eq!(qty(&lab, "GLV-NIT-M", "", "MAIN"), 10);
    let err = lab.fails(&["reverse", "2", "--reason", "again"], 65);
    assert!(err.contains("already reversed by movement 3"), "{err}");
    let err = lab.fails(&["reverse", "3", "--reason", "undo"], 65);
    assert!(err.contains("itself a reversal"), "{err}");
    let history = lab.csv(&["history", "GLV-NIT-M"]);
    assert_eq!(history.len(), 4, "original, issue and reversal all kept");
    // Reversing a receipt whose stock has gone is refused (never negative).
    lab.ok(&["issue", "GLV-NIT-M", "10"]);
    let err = lab.fails(&["reverse", "1", "--reason", "wrong"], 65);
    assert!(err.contains("10 requested, 0 available"), "{err}");
}

#[test]
fn the_database_refuses_update_and_delete_on_the_ledger() {
    crate::common::sqlite_file_test("SQLite's append-only triggers (PostgreSQL's: postgres::)");
    let lab = stocked_lab();
    lab.ok(&["receive", "GLV-NIT-M", "10"]);
    let raw = lab.raw();
    let conn = &raw;
    let update = conn.execute("UPDATE movements SET quantity = 99 WHERE id = 1", []);
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = conn.execute("DELETE FROM movements WHERE id = 1", []);
    assert!(delete.unwrap_err().to_string().contains("append-only"));
    let q: i64 = conn
        .query_row("SELECT quantity FROM movements WHERE id = 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(q, 10);
}

#[test]
fn check_finds_and_names_every_balance_corrupted_by_raw_sql() {
    crate::common::sqlite_file_test(
        "it tampers through a raw SQLite connection (on PostgreSQL: pg_check::)",
    );
    let lab = stocked_lab();
    lab.ok(&[
        "receive",
        "RGT-CRP",
        "20",
        "--lot",
        "L-42",
        "--expiry",
        "2027-01-01",
    ]);
    lab.ok(&[
        "transfer", "RGT-CRP", "17", "--from", "MAIN", "--to", "FRIDGE-1", "--lot", "L-42",
    ]);
    lab.ok(&["receive", "GLV-NIT-M", "8"]);
    lab.ok(&["check"]);
    {
        lab.raw()
            .execute_batch(
                "UPDATE balances SET quantity = 20 WHERE location_id = (SELECT id FROM locations WHERE code = 'FRIDGE-1');
                 UPDATE balances SET quantity = 5 WHERE item_id = (SELECT id FROM items WHERE code = 'GLV-NIT-M');",
            )
            .unwrap();
    }
    let out = lab.run(&["check"]);
    assert_eq!(out.status.code(), Some(3));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(
            "lot L-42 of RGT-CRP at FRIDGE-1: ledger sums to 17, balance says 20 (difference -3); run `labstock history RGT-CRP --lot L-42`"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "GLV-NIT-M (no lot) at MAIN: ledger sums to 8, balance says 5 (difference +3)"
        ),
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("2 balance difference(s)"), "{stderr}");
}

#[test]
fn commands_on_a_database_never_initialised_exit_66_with_a_hint() {
    let lab = Lab::empty();
    let err = lab.fails(&["stock"], 66);
    assert!(err.contains("no labstock database"), "{err}");
    assert!(err.contains("init"), "{err}");
    assert!(
        !lab.db.exists(),
        "a command must never create the database silently"
    );
}

#[test]
fn a_file_that_is_not_a_labstock_database_is_refused() {
    crate::common::sqlite_file_test("a file at the database path");
    let lab = Lab::empty();
    std::fs::write(&lab.db, "this is a spreadsheet, not a database").unwrap();
    let err = lab.fails(&["stock"], 1);
    assert!(err.contains("is not a labstock database"), "{err}");
    // A SQLite database of another program.
    std::fs::remove_file(&lab.db).unwrap();
    rusqlite::Connection::open(&lab.db)
        .unwrap()
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    let err = lab.fails(&["stock"], 1);
    assert!(err.contains("is not a labstock database"), "{err}");
}

#[test]
fn a_database_newer_than_the_binary_is_refused() {
    crate::common::sqlite_file_test(
        "it writes a newer schema version into the SQLite file (PostgreSQL: postgres::)",
    );
    let lab = Lab::new();
    rusqlite::Connection::open(&lab.db)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let err = lab.fails(&["stock"], 1);
    assert!(err.contains("schema version 99"), "{err}");
}

#[test]
fn init_twice_is_refused_and_changes_nothing() {
    let lab = Lab::new();
    let before = lab.db_bytes();
    let err = lab.fails(&["init"], 1);
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(lab.db_bytes(), before);
}

#[test]
fn the_store_sets_durable_pragmas() {
    crate::common::sqlite_file_test("SQLite's pragmas");
    let lab = Lab::new();
    let d = lab.store().durability().unwrap();
    assert_eq!(
        (
            d.foreign_keys,
            d.journal_mode.as_str(),
            d.synchronous.as_str()
        ),
        (true, "wal", "full")
    );
}

#[test]
fn lists_come_in_every_format_and_csv_survives_commas_and_quotes() {
    let lab = Lab::new();
    lab.ok(&[
        "item",
        "add",
        "TIP-200F",
        "--name",
        "Tips, filtered 200 µL \"low retention\"",
        "--unit-cost",
        "12.5",
    ]);
    lab.ok(&["receive", "TIP-200F", "3"]);
    let rows = lab.csv(&["stock"]);
    assert_eq!(
        rows[0],
        [
            "item",
            "name",
            "lot",
            "expiry",
            "location",
            "quantity",
            "opened_on",
            "expires",
            "status"
        ]
    );
    assert_eq!(rows[1][1], "Tips, filtered 200 µL \"low retention\"");
    let json: serde_json::Value =
        serde_json::from_str(&lab.ok(&["stock", "--format", "json"])).unwrap();
    assert_eq!(json[0]["quantity"], 3);
    assert_eq!(json[0]["name"], "Tips, filtered 200 µL \"low retention\"");
    let table = lab.ok(&["stock", "--format", "table"]);
    assert!(
        table.contains("TIP-200F") && table.contains("quantity"),
        "{table}"
    );
    let items = lab.csv(&["item", "list"]);
    assert_eq!(
        items[1][11], "12.50",
        "money printed as pounds with two decimals"
    );
    // --output writes the file instead of stdout.
    lab.ok(&["stock", "--output", "stock.csv"]);
    let written = std::fs::read_to_string(lab.path().join("stock.csv")).unwrap();
    assert!(written.starts_with("item,name,lot,expiry,location,quantity"));
}

#[test]
fn stock_as_of_a_past_date_shows_the_ledger_as_it_stood() {
    let mut lab = Lab::new();
    lab.ok(&["item", "add", "SWAB-70", "--name", "Alcohol swabs 70% IPA"]);
    lab.now = "2026-11-01T10:00:00Z".into();
    lab.ok(&["receive", "SWAB-70", "10"]);
    lab.now = "2026-11-10T10:00:00Z".into();
    lab.ok(&["issue", "SWAB-70", "4"]);
    lab.now = crate::common::NOW.into();
    let then = lab.csv(&["stock", "--as-of", "2026-11-05"]);
    assert_eq!(then[1][5], "10");
    let before_any = lab.csv(&["stock", "--as-of", "2026-10-31"]);
    assert_eq!(
        before_any.len(),
        1,
        "nothing on hand before the first receipt"
    );
    let now = lab.csv(&["stock"]);
    assert_eq!(now[1][5], "6");
}

#[test]
fn trace_follows_every_unit_of_a_lot() {
    let lab = stocked_lab();
    lab.ok(&[
        "receive",
        "RGT-CRP",
        "10",
        "--lot",
        "L7",
        "--expiry",
        "2027-05-01",
        "--reference",
        "DN-88",
    ]);
    lab.ok(&[
        "transfer", "RGT-CRP", "4", "--from", "MAIN", "--to", "FRIDGE-1", "--lot", "L7",
    ]);
    lab.ok(&[
        "issue",
        "RGT-CRP",
        "3",
        "--location",
        "FRIDGE-1",
        "--reference",
        "WS-1182",
    ]);
    lab.ok(&[
        "dispose", "RGT-CRP", "1", "--lot", "L7", "--reason", "damaged",
    ]);
    let out = lab.run(&["trace", "RGT-CRP", "L7", "--format", "csv"]);
    assert!(out.status.success());
    let rows = crate::common::parse_csv(&String::from_utf8_lossy(&out.stdout));
    let flows: Vec<(String, String, String)> = rows
        .iter()
        .skip(1)
        .map(|r| (r[3].clone(), r[4].clone(), r[5].clone()))
        .collect();
    assert_eq!(
        flows,
        [
            ("delivery DN-88".into(), "MAIN".into(), "10".into()),
            ("MAIN".into(), "FRIDGE-1".into(), "4".into()),
            ("FRIDGE-1".into(), "issued (WS-1182)".into(), "3".into()),
            ("MAIN".into(), "disposed".into(), "1".into()),
        ]
    );
    let summary = String::from_utf8_lossy(&out.stderr);
    assert!(
        summary.contains("received 10, issued 3, disposed 1"),
        "{summary}"
    );
    assert!(
        summary.contains("on hand 6 (1 at FRIDGE-1, 5 at MAIN)"),
        "{summary}"
    );
    // Lots match exactly (GS1 lots are case-sensitive).
    lab.fails(&["trace", "RGT-CRP", "l7"], 65);
}

#[test]
fn codes_match_case_insensitively_and_are_stored_as_first_given() {
    let lab = stocked_lab();
    lab.ok(&["receive", "glv-nit-m", "2", "--location", "fridge-1"]);
    let rows = lab.csv(&["stock"]);
    assert_eq!(
        (rows[1][0].as_str(), rows[1][4].as_str()),
        ("GLV-NIT-M", "FRIDGE-1")
    );
}

#[test]
fn retired_items_keep_history_but_are_not_received() {
    let lab = stocked_lab();
    lab.ok(&["receive", "GLV-NIT-M", "2"]);
    lab.ok(&["item", "retire", "GLV-NIT-M"]);
    let err = lab.fails(&["receive", "GLV-NIT-M", "1"], 65);
    assert!(err.contains("retired"), "{err}");
    lab.ok(&["issue", "GLV-NIT-M", "2"]);
    assert_eq!(lab.csv(&["history", "GLV-NIT-M"]).len(), 3);
    assert!(
        !lab.ok(&["item", "list", "--format", "csv"])
            .contains("GLV-NIT-M")
    );
    assert!(
        lab.ok(&["item", "list", "--all", "--format", "csv"])
            .contains("GLV-NIT-M")
    );
    lab.ok(&["item", "edit", "GLV-NIT-M", "--active"]);
    lab.ok(&["receive", "GLV-NIT-M", "1"]);
}

#[test]
fn usage_errors_exit_2_and_help_lists_exit_codes() {
    let lab = Lab::new();
    let out = lab.run(&["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    let help = lab.ok(&["--help"]);
    assert!(help.contains("65  invalid input data"), "{help}");
    assert!(help.contains("LABSTOCK_NOW"), "{help}");
}

#[test]
fn a_write_blocked_by_another_process_past_the_busy_timeout_exits_75() {
    let lab = stocked_lab();
    let before = lab.db_bytes();
    let holder = lab.hold_write_lock();
    // A short timeout: the default (60 s) waits out a long import.
    let err = lab.fails(&["receive", "GLV-NIT-M", "1", "--busy-timeout", "1s"], 75);
    assert!(
        err.contains("is busy: it is locked by another process"),
        "{err}"
    );
    assert!(err.contains("within 1 s"), "{err}");
    // Readers are not blocked by a writer (SQLite: WAL).
    lab.ok(&["stock"]);
    drop(holder);
    assert_eq!(lab.db_bytes(), before);
    lab.ok(&["receive", "GLV-NIT-M", "1"]);
}

#[test]
fn an_item_holding_stock_without_a_lot_cannot_become_lot_tracked() {
    let lab = stocked_lab();
    lab.ok(&["receive", "GLV-NIT-M", "3"]);
    let before = lab.db_bytes();
    let err = lab.fails(&["item", "edit", "GLV-NIT-M", "--lot-tracked", "true"], 65);
    assert!(err.contains("holds 3 without a lot number"), "{err}");
    assert_eq!(lab.db_bytes(), before);
    lab.ok(&["issue", "GLV-NIT-M", "3"]);
    lab.ok(&["item", "edit", "GLV-NIT-M", "--lot-tracked", "true"]);
}

#[test]
fn item_edits_are_recorded_with_old_and_new_values_and_cannot_be_erased() {
    crate::common::sqlite_file_test("it tries to erase records through a raw SQLite connection");
    let lab = stocked_lab();
    let out = lab.run(&[
        "item",
        "edit",
        "GLV-NIT-M",
        "--reorder-level",
        "20",
        "--unit-cost",
        "4.95",
        "--supplier",
        "Medline",
    ]);
    assert!(out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("item GLV-NIT-M: reorder_level (empty) -> 20"),
        "{said}"
    );
    assert!(
        said.contains("item GLV-NIT-M: unit_cost (empty) -> 4.95"),
        "{said}"
    );
    lab.ok(&["item", "edit", "GLV-NIT-M", "--reorder-level", "25"]);
    lab.ok(&["item", "retire", "GLV-NIT-M"]);
    let shown: serde_json::Value =
        serde_json::from_str(&lab.ok(&["item", "show", "GLV-NIT-M", "--format", "json"])).unwrap();
    let changes: Vec<(String, String, String)> = shown["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["field"].as_str().unwrap().to_owned(),
                c["old_value"].as_str().unwrap_or("").to_owned(),
                c["new_value"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        [
            ("reorder_level".into(), String::new(), "20".into()),
            ("supplier".into(), String::new(), "Medline".into()),
            ("unit_cost".into(), String::new(), "4.95".into()),
            ("reorder_level".into(), "20".into(), "25".into()),
            ("active".into(), "true".into(), "false".into()),
        ]
    );
    assert_eq!(shown["changes"][0]["user"], "a.tester");
    let raw = lab.raw();
    let err = raw.execute("DELETE FROM item_changes", []).unwrap_err();
    assert!(err.to_string().contains("append-only"));
    let err = raw
        .execute("UPDATE item_changes SET new_value = '5'", [])
        .unwrap_err();
    assert!(err.to_string().contains("append-only"));
}

#[test]
fn a_malformed_pinned_clock_is_refused_before_anything_is_written() {
    let mut lab = Lab::new();
    let before = lab.db_bytes();
    lab.now = "21/11/2026 09:00".into();
    let err = lab.fails(&["location", "add", "FRIDGE-2"], 65);
    assert!(
        err.contains("invalid LABSTOCK_NOW \"21/11/2026 09:00\""),
        "{err}"
    );
    assert_eq!(lab.db_bytes(), before);
}

#[test]
fn a_page_of_the_bin_card_newest_first_has_the_running_balances_of_the_whole_card() {
    let lab = Lab::empty();
    lab.ok(&["demo"]);
    let store = lab.store();
    for item in ["RGT-CRP", "PPE-GLV-M", "CHM-ETOH70", "PLS-TIP-200F"] {
        let mut all = store.history(item, None, None).unwrap();
        all.reverse();
        for (offset, limit) in [
            (0, 5),
            (3, 7),
            (0, 1000),
            (all.len().saturating_sub(2), 10),
            (all.len() + 5, 10),
        ] {
            let (page, total) = store.history_page(item, offset, limit).unwrap();
            assert_eq!(total, all.len(), "{item}");
            let expected: Vec<_> = all.iter().skip(offset).take(limit).collect();
            assert_eq!(page.len(), expected.len(), "{item} {offset} {limit}");
            for (got, want) in page.iter().zip(expected) {
                assert_eq!(
                    (got.id, got.change, got.balance),
                    (want.id, want.change, want.balance),
                    "{item} at offset {offset}"
                );
            }
        }
    }
}

/// A movement names its item and its location in any case, for every
/// letter (SPEC §10, §12). On PostgreSQL it first reads both by the codes
/// as stored, byte for byte, in one statement (no ICU collation); a code
/// typed in another case is then found by the case-insensitive lookup of
/// each, and an unknown one is still named, with its suggestion.
#[test]
fn a_movement_finds_its_item_and_location_typed_in_another_case() {
    let lab = Lab::new();
    lab.ok(&["location", "add", "ÉTUVE-1"]);
    lab.ok(&["item", "add", "ÄTHANOL-70", "--name", "Ethanol 70%"]);
    lab.ok(&["receive", "ÄTHANOL-70", "5", "--location", "ÉTUVE-1"]);
    lab.ok(&["receive", "äthanol-70", "2", "--location", "ÉTUVE-1"]);
    lab.ok(&["issue", "ÄTHANOL-70", "1", "--location", "étuve-1"]);
    lab.ok(&["issue", "äthanol-70", "1", "--location", "étuve-1"]);
    let rows = lab.csv(&["stock", "--item", "äthanol-70"]);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(
        (
            rows[1][0].as_str(),
            rows[1][4].as_str(),
            rows[1][5].as_str()
        ),
        ("ÄTHANOL-70", "ÉTUVE-1", "5"),
        "{rows:?}"
    );
    let before = lab.db_bytes();
    for (args, said) in [
        (
            ["issue", "ÄTHANOL-71", "1", "--location", "étuve-1"],
            "unknown item \"ÄTHANOL-71\" (did you mean ÄTHANOL-70?)",
        ),
        (
            ["issue", "äthanol-70", "1", "--location", "ÉTUVE-2"],
            "unknown location \"ÉTUVE-2\" (did you mean ÉTUVE-1?)",
        ),
    ] {
        let out = lab.run(&args);
        assert_eq!(out.status.code(), Some(65), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(said), "{args:?}: {err}");
    }
    assert_eq!(lab.db_bytes(), before, "nothing written");
}
