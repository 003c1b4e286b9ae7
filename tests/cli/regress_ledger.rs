//! Regression tests for the ledger-truth defects of issue 12 that live in
//! the ledger itself: time (future and backdated movements, the lab's time
//! zone, the range of `--as-of`), bounds on quantities and money, lots on
//! items that are not lot-tracked, and receipts against an order line.
//! Each test is named after the defect it pins.

use crate::common::Lab;

fn lab_with_gloves() -> Lab {
    let lab = Lab::new();
    lab.ok(&["item", "add", "GLV", "--name", "Nitrile gloves, medium"]);
    lab
}

/// (item, lot, location, quantity) rows of `stock`, with extra arguments.
fn stock(lab: &Lab, extra: &[&str]) -> Vec<(String, String, String, i64)> {
    let mut args = vec!["stock"];
    args.extend_from_slice(extra);
    lab.csv(&args)
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

fn import_movements(lab: &Lab, csv: &str) -> std::process::Output {
    lab.run_stdin(&["import", "movements", "-"], csv)
}

#[test]
fn defect_01_a_future_dated_import_is_refused_and_writes_nothing() {
    let lab = lab_with_gloves();
    let before = lab.db_bytes();
    let out = import_movements(
        &lab,
        "timestamp,kind,item,quantity\n2030-01-01,receive,GLV,10\n",
    );
    assert_eq!(out.status.code(), Some(65));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("future"), "{err}");
    assert!(err.contains("line 2"), "{err}");
    assert_eq!(lab.db_bytes(), before);
    // A timestamp later today (after now) is refused too.
    let out = import_movements(
        &lab,
        "timestamp,kind,item,quantity\n2026-11-21T09:00:01Z,receive,GLV,10\n",
    );
    assert_eq!(out.status.code(), Some(65));
    // Now itself and a bare date of today (before noon means now) are fine.
    let out = import_movements(
        &lab,
        "timestamp,kind,item,quantity\n2026-11-21,receive,GLV,10\n",
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    lab.ok(&["issue", "GLV", "10"]);
    assert!(stock(&lab, &[]).is_empty());
    lab.ok(&["check"]);
}

#[test]
fn defect_02_a_backdated_issue_may_not_make_an_earlier_date_negative() {
    let lab = lab_with_gloves();
    lab.ok(&["receive", "GLV", "10"]);
    let before = lab.db_bytes();
    let out = import_movements(
        &lab,
        "timestamp,kind,item,quantity\n2026-01-15,issue,GLV,4\n",
    );
    assert_eq!(out.status.code(), Some(65));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("2026-01-15"), "{err}");
    assert!(err.contains("0 available"), "{err}");
    assert_eq!(lab.db_bytes(), before);
    assert!(stock(&lab, &["--as-of", "2026-02-01"]).is_empty());
    lab.ok(&["check"]);
}

#[test]
fn defect_02_a_backdated_issue_is_checked_at_every_later_movement_naming_the_first() {
    let lab = lab_with_gloves();
    let out = import_movements(
        &lab,
        "timestamp,kind,item,quantity\n2026-01-10,receive,GLV,10\n2026-03-01,issue,GLV,8\n2026-04-01,receive,GLV,5\n",
    );
    assert_eq!(out.status.code(), Some(0));
    // On 1 February there were 10: issuing 5 then leaves 10 - 5 - 8 = -3
    // after the issue of 1 March (movement 2).
    let before = lab.db_bytes();
    let out = import_movements(
        &lab,
        "timestamp,kind,item,quantity\n2026-02-01,issue,GLV,5\n",
    );
    assert_eq!(out.status.code(), Some(65));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("movement #2"), "{err}");
    assert!(err.contains("-3"), "{err}");
    assert_eq!(lab.db_bytes(), before);
    // Two fit: 10 - 2 - 8 = 0 on 1 March, never below.
    let out = import_movements(
        &lab,
        "timestamp,kind,item,quantity\n2026-02-01,issue,GLV,2\n",
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stock(&lab, &["--as-of", "2026-02-01"])[0].3, 8);
    assert!(stock(&lab, &["--as-of", "2026-03-01"]).is_empty());
    assert_eq!(stock(&lab, &[])[0].3, 5);
    lab.ok(&["check"]);
}

#[test]
fn defect_02_a_backdated_count_records_the_difference_from_the_book_at_its_time() {
    let lab = lab_with_gloves();
    let out = import_movements(
        &lab,
        "timestamp,kind,item,quantity\n2026-01-10,receive,GLV,10\n2026-03-01,issue,GLV,3\n",
    );
    assert_eq!(out.status.code(), Some(0));
    // Counted 9 on 1 February: the book then said 10, so -1; today 6.
    let out = import_movements(
        &lab,
        "timestamp,kind,item,quantity\n2026-02-01,count,GLV,9\n",
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stock(&lab, &["--as-of", "2026-02-01"])[0].3, 9);
    assert_eq!(stock(&lab, &[])[0].3, 6);
    lab.ok(&["check"]);
}

#[test]
fn defect_02_check_names_a_balance_that_stood_below_zero_in_time() {
    crate::common::sqlite_file_test("it tampers through a raw SQLite connection");
    // Such a ledger can only come from before this rule (or from SQL):
    // build it beneath the rules, as an older binary would have.
    let lab = lab_with_gloves();
    lab.ok(&["receive", "GLV", "10"]);
    {
        let raw = lab.raw();
        let conn = &raw;
        conn.execute_batch("DROP TRIGGER movements_no_update")
            .unwrap();
        // Re-date the receipt after an issue that comes before it in time.
        conn.execute(
            "INSERT INTO movements (id, at, kind, item_id, lot_id, location_id, quantity, user, recorded_at, hash) \
             SELECT 2, '2026-01-15T12:00:00Z', 'issue', item_id, lot_id, location_id, -4, 'x', '2026-11-21T09:00:00Z', hash FROM movements WHERE id = 1",
            [],
        )
        .unwrap();
        conn.execute("UPDATE balances SET quantity = 6", [])
            .unwrap();
    }
    let out = lab.run(&["check"]);
    assert_eq!(out.status.code(), Some(3));
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains("below zero in time after movement #2"),
        "{text}"
    );
}

#[test]
fn defect_07_as_of_accepts_the_whole_range_and_refuses_beyond_it() {
    let lab = lab_with_gloves();
    lab.ok(&["receive", "GLV", "10"]);
    assert_eq!(stock(&lab, &["--as-of", "9999-12-30"])[0].3, 10);
    assert!(stock(&lab, &["--as-of", "1900-01-01"]).is_empty());
    for bad in ["9999-12-31", "1899-12-31"] {
        let err = lab.fails(&["stock", "--as-of", bad], 65);
        assert!(err.contains(bad) && err.contains("9999-12-30"), "{err}");
        lab.fails(&["report", "expiry", "--as-of", bad], 65);
    }
}

#[test]
fn defect_09_quantities_and_money_are_bounded_never_wrapped() {
    let lab = lab_with_gloves();
    let before = lab.db_bytes();
    for q in ["9223372036854775807", "99999999999999999999", "1000000001"] {
        let err = lab.fails(&["receive", "GLV", q], 65);
        assert!(
            err.contains("too large") && err.contains("1000000000"),
            "{err}"
        );
    }
    let err = lab.fails(&["receive", "GLV", "5012345000015"], 65);
    assert!(err.contains("barcode"), "{err}");
    lab.fails(&["adjust", "GLV", "-1000000001", "--reason", "x"], 65);
    assert_eq!(lab.db_bytes(), before);
    // The bound holds per balance too.
    lab.ok(&["receive", "GLV", "1000000000"]);
    let err = lab.fails(&["receive", "GLV", "1"], 65);
    assert!(err.contains("balance"), "{err}");
    let err = lab.fails(
        &[
            "item",
            "add",
            "GOLD",
            "--name",
            "Gold",
            "--unit-cost",
            "10000000.01",
        ],
        65,
    );
    assert!(err.contains("10000000.00"), "{err}");
    lab.ok(&[
        "item",
        "add",
        "GOLD",
        "--name",
        "Gold",
        "--unit-cost",
        "10000000.00",
    ]);
    lab.fails(
        &[
            "item",
            "add",
            "X",
            "--name",
            "X",
            "--reorder-level",
            "1000000001",
        ],
        65,
    );
    // Reorder arithmetic at the bounds stays exact: the largest level and
    // cost make a line cost far inside i64.
    lab.ok(&[
        "item",
        "add",
        "BIG",
        "--name",
        "Big",
        "--reorder-level",
        "999999999",
        "--max-level",
        "1000000000",
        "--pack-size",
        "7",
        "--unit-cost",
        "10000000.00",
    ]);
    let rows = lab.csv(&["report", "reorder"]);
    let header = &rows[0];
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let big = rows.iter().find(|r| r[col("item")] == "BIG").unwrap();
    assert_eq!(big[col("suggested_qty")], "1000000001");
    assert_eq!(big[col("line_cost")], "10000000010000000.00");
    lab.ok(&["check"]);
}

#[test]
fn defect_10_a_lot_on_an_item_that_is_not_lot_tracked_is_refused() {
    let lab = lab_with_gloves();
    let before = lab.db_bytes();
    let err = lab.fails(
        &[
            "receive",
            "GLV",
            "5",
            "--lot",
            "L1",
            "--expiry",
            "2027-01-01",
        ],
        65,
    );
    assert!(
        err.contains("not lot-tracked") && err.contains("--lot-tracked"),
        "{err}"
    );
    assert_eq!(lab.db_bytes(), before);
    lab.ok(&["receive", "GLV", "5"]);
    // A count naming a lot can no longer invent stock in a new lot.
    lab.fails(&["count", "GLV", "3", "--lot", "L1"], 65);
    assert_eq!(
        stock(&lab, &[]),
        vec![("GLV".into(), String::new(), "MAIN".into(), 5)]
    );
}

#[test]
fn defect_11_a_receipt_against_an_order_goes_to_the_lines_location() {
    let lab = Lab::new();
    lab.ok(&["location", "add", "FRIDGE-A", "--name", "Reagent fridge"]);
    lab.ok(&[
        "item",
        "add",
        "RGT",
        "--name",
        "Reagent",
        "--lot-tracked",
        "--storage",
        "2-8C",
    ]);
    lab.ok(&[
        "order",
        "add",
        "PO-1",
        "--item",
        "RGT",
        "--quantity",
        "10",
        "--location",
        "FRIDGE-A",
    ]);
    lab.ok(&[
        "receive",
        "RGT",
        "4",
        "--lot",
        "A1",
        "--expiry",
        "2027-06-30",
        "--order",
        "PO-1",
    ]);
    assert_eq!(
        stock(&lab, &[]),
        vec![("RGT".into(), "A1".into(), "FRIDGE-A".into(), 4)]
    );
    // Named explicitly elsewhere: received there, with a warning.
    let out = lab.run(&[
        "receive",
        "RGT",
        "2",
        "--lot",
        "A1",
        "--order",
        "PO-1",
        "--location",
        "MAIN",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("FRIDGE-A") && err.contains("received at MAIN"),
        "{err}"
    );
    assert_eq!(stock(&lab, &["--location", "MAIN"])[0].3, 2);
}

#[test]
fn defect_14_today_is_judged_in_the_labs_time_zone() {
    let mut lab = Lab::empty();
    lab.ok(&["init", "--timezone", "Europe/London"]);
    assert_eq!(
        lab.ok(&["config", "get", "timezone"]).trim(),
        "Europe/London"
    );
    lab.ok(&["item", "add", "RGT", "--name", "Reagent", "--lot-tracked"]);
    lab.now = "2026-06-30T12:00:00Z".into();
    lab.ok(&[
        "receive",
        "RGT",
        "2",
        "--lot",
        "OLD",
        "--expiry",
        "2026-07-01",
    ]);
    lab.ok(&[
        "receive",
        "RGT",
        "2",
        "--lot",
        "NEW",
        "--expiry",
        "2026-08-01",
    ]);
    // 00:30 BST on 2 July is 23:30 UTC on 1 July: lot OLD expired yesterday.
    lab.now = "2026-07-01T23:30:00Z".into();
    lab.ok(&["issue", "RGT", "1"]);
    let rows = stock(&lab, &[]);
    assert!(
        rows.contains(&("RGT".into(), "NEW".into(), "MAIN".into(), 1)),
        "{rows:?}"
    );
    assert!(
        rows.contains(&("RGT".into(), "OLD".into(), "MAIN".into(), 2)),
        "{rows:?}"
    );
    // A calibration today is not in the future; the waste register's
    // default date is the lab's today.
    lab.ok(&["equipment", "add", "BAL-1", "--calibration-interval", "1y"]);
    lab.ok(&[
        "calibrate",
        "BAL-1",
        "--date",
        "2026-07-02",
        "--result",
        "pass",
    ]);
    lab.ok(&[
        "waste",
        "record",
        "--stream",
        "18 01 03*",
        "--quantity",
        "2",
        "--unit",
        "kg",
    ]);
    let waste = lab.csv(&["waste", "list"]);
    assert!(waste[1].iter().any(|c| c == "2026-07-02"), "{waste:?}");
    // Stock as of 1 July ends at local midnight (23:00 UTC).
    let rows = stock(&lab, &["--as-of", "2026-07-01"]);
    assert!(
        rows.contains(&("RGT".into(), "NEW".into(), "MAIN".into(), 2)),
        "{rows:?}"
    );
}

#[test]
fn defect_14_the_time_zone_is_a_recorded_setting() {
    let lab = Lab::new();
    assert_eq!(lab.ok(&["config", "get", "timezone"]).trim(), "UTC");
    let before = lab.db_bytes();
    let err = lab.fails(&["config", "set", "timezone", "Mars/Olympus"], 65);
    assert!(err.contains("Mars/Olympus"), "{err}");
    lab.fails(&["config", "set", "colour", "blue"], 65);
    lab.fails(&["init", "--timezone", "Nowhere"], 65);
    assert_eq!(lab.db_bytes(), before);
    lab.ok(&["config", "set", "timezone", "Europe/London"]);
    let list = lab.csv(&["config", "list"]);
    assert_eq!(
        list[1][0..2],
        ["timezone".to_string(), "Europe/London".to_string()]
    );
    let audit = lab.ok(&["audit", "--format", "csv"]);
    assert!(audit.contains("timezone = Europe/London"), "{audit}");
    assert!(audit.contains("timezone = UTC"), "{audit}");
    lab.ok(&["check"]);
}

#[test]
fn defect_03_stock_and_reports_read_lot_status_as_it_was_on_the_date() {
    let mut lab = Lab::new();
    lab.ok(&[
        "item",
        "add",
        "RGT",
        "--name",
        "Reagent",
        "--lot-tracked",
        "--reorder-level",
        "5",
    ]);
    lab.now = "2026-03-01T09:00:00Z".into();
    lab.ok(&[
        "receive",
        "RGT",
        "4",
        "--lot",
        "L1",
        "--expiry",
        "2026-04-01",
    ]);
    lab.now = "2026-03-10T09:00:00Z".into();
    lab.ok(&["lot", "quarantine", "RGT", "L1", "--reason", "QC failed"]);
    lab.now = crate::common::NOW.into();
    let status_of = |rows: Vec<Vec<String>>, column: &str| -> String {
        let col = rows[0].iter().position(|h| h == column).unwrap();
        rows[1][col].clone()
    };
    // Before the quarantine: available in both readings.
    assert_eq!(
        status_of(lab.csv(&["stock", "--as-of", "2026-03-05"]), "status"),
        "available"
    );
    assert_eq!(
        status_of(
            lab.csv(&[
                "report",
                "expiry",
                "--as-of",
                "2026-03-05",
                "--within",
                "60"
            ]),
            "status"
        ),
        "available"
    );
    // After it: quarantined in both.
    assert_eq!(
        status_of(lab.csv(&["stock", "--as-of", "2026-03-12"]), "status"),
        "quarantined"
    );
    assert_eq!(
        status_of(
            lab.csv(&[
                "report",
                "expiry",
                "--as-of",
                "2026-03-12",
                "--within",
                "60"
            ]),
            "status"
        ),
        "quarantined"
    );
    // Reorder agrees: usable on 5 March (4 on hand), not on 12 March.
    let on_hand = |date: &str| {
        let rows = lab.csv(&["report", "reorder", "--as-of", date]);
        status_of(rows, "on_hand")
    };
    assert_eq!(on_hand("2026-03-05"), "4");
    assert_eq!(on_hand("2026-03-12"), "0");
}

#[test]
fn defect_03_reorder_as_of_a_date_uses_the_item_settings_of_that_date() {
    let mut lab = Lab::new();
    lab.now = "2026-03-01T09:00:00Z".into();
    lab.ok(&[
        "item",
        "add",
        "P",
        "--name",
        "Pipette tips",
        "--reorder-level",
        "5",
        "--pack-size",
        "10",
    ]);
    lab.ok(&["receive", "P", "3"]);
    lab.now = "2026-03-10T09:00:00Z".into();
    lab.ok(&[
        "item",
        "edit",
        "P",
        "--reorder-level",
        "2",
        "--pack-size",
        "1",
    ]);
    lab.now = crate::common::NOW.into();
    let row = |date: &str| -> Option<Vec<String>> {
        let rows = lab.csv(&["report", "reorder", "--as-of", date]);
        rows.into_iter().skip(1).find(|r| r[2] == "P")
    };
    // On 5 March the level was 5 and the pack 10: 3 <= 5, order 3 up to 6 -> one pack of 10.
    let then = row("2026-03-05").expect("P was to be reordered on 5 March");
    assert!(then.contains(&"10".to_string()), "{then:?}");
    // Since 10 March the level is 2: 3 > 2, nothing to order.
    assert!(row("2026-03-12").is_none());
    assert!(row("2026-11-21").is_none());
}
