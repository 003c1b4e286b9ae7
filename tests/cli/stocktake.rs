//! Stocktakes (SPEC §13) through the real binary: the sheet, blind
//! sheets, counts with the book at counting, review with values, apply
//! (zero variances recorded, movements since counting kept, uncounted
//! lines refused), cancel, scanning, files, audit and bad input.

use crate::common::Lab;

/// A fridge with a lot-tracked reagent in two lots and a consumable.
fn lab() -> Lab {
    let lab = Lab::new();
    lab.ok(&["location", "add", "FRIDGE-1", "--name", "Reagent fridge"]);
    lab.ok(&[
        "item",
        "add",
        "RGT",
        "--name",
        "CRP reagent",
        "--lot-tracked",
        "--unit-cost",
        "12.50",
        "--gtin",
        "09501101530003",
    ]);
    lab.ok(&[
        "item",
        "add",
        "TIP",
        "--name",
        "Filter tips",
        "--unit-cost",
        "2.00",
    ]);
    lab.ok(&[
        "receive",
        "RGT",
        "10",
        "--lot",
        "A1",
        "--expiry",
        "2027-06-30",
        "--location",
        "FRIDGE-1",
    ]);
    lab.ok(&[
        "receive",
        "RGT",
        "4",
        "--lot",
        "B2",
        "--expiry",
        "2027-09-30",
        "--location",
        "FRIDGE-1",
    ]);
    lab.ok(&["receive", "TIP", "20", "--location", "FRIDGE-1"]);
    lab
}

fn start(lab: &Lab, extra: &[&str]) -> String {
    let mut args = vec!["stocktake", "start", "--location", "FRIDGE-1"];
    args.extend_from_slice(extra);
    lab.ok(&args).trim().to_owned()
}

fn qty(lab: &Lab, item: &str, lot: &str) -> i64 {
    lab.csv(&["stock", "--location", "FRIDGE-1"])
        .into_iter()
        .skip(1)
        .find(|r| r[0] == item && r[2] == lot)
        .map_or(0, |r| r[5].parse().unwrap())
}

#[test]
fn the_sheet_lists_every_balance_with_its_book_and_a_blind_sheet_hides_it() {
    let lab = lab();
    let id = start(&lab, &[]);
    assert_eq!(id, "1");
    let sheet = lab.csv(&["stocktake", "sheet", &id]);
    assert_eq!(
        sheet[0],
        [
            "item",
            "name",
            "lot",
            "expiry",
            "location",
            "book",
            "counted",
            "opened_on"
        ]
    );
    assert_eq!(
        sheet[1],
        [
            "RGT",
            "CRP reagent",
            "A1",
            "2027-06-30",
            "FRIDGE-1",
            "10",
            "",
            ""
        ]
    );
    assert_eq!(
        sheet[2][2..6],
        [
            "B2".to_string(),
            "2027-09-30".into(),
            "FRIDGE-1".into(),
            "4".into()
        ]
    );
    assert_eq!(
        sheet[3][0..6],
        ["TIP", "Filter tips", "", "", "FRIDGE-1", "20"].map(String::from)
    );
    lab.ok(&["stocktake", "cancel", &id]);
    let blind = start(&lab, &["--blind"]);
    let sheet = lab.csv(&["stocktake", "sheet", &blind]);
    assert!(sheet[1..].iter().all(|r| r[5].is_empty()), "{sheet:?}");
    // A category narrows the sheet.
    lab.ok(&["stocktake", "cancel", &blind]);
}

#[test]
fn apply_keeps_movements_made_between_counting_and_applying() {
    let lab = lab();
    let id = start(&lab, &[]);
    // Counted 9 of A1 against a book of 10 ...
    lab.ok(&["stocktake", "count", &id, "RGT", "9", "--lot", "A1"]);
    // ... then 2 are issued before the stocktake is applied.
    lab.ok(&["issue", "RGT", "2", "--lot", "A1", "--location", "FRIDGE-1"]);
    lab.ok(&["stocktake", "count", &id, "RGT", "4", "--lot", "B2"]);
    lab.ok(&["stocktake", "count", &id, "TIP", "20"]);
    lab.ok(&["stocktake", "apply", &id]);
    // 8 now, moved by counted - book at counting = -1.
    assert_eq!(qty(&lab, "RGT", "A1"), 7);
    assert_eq!(qty(&lab, "RGT", "B2"), 4);
    assert_eq!(qty(&lab, "TIP", ""), 20);
    lab.ok(&["check"]);
}

#[test]
fn zero_variance_lines_are_recorded_as_count_movements() {
    let lab = lab();
    let id = start(&lab, &[]);
    for (item, q, lot) in [
        ("RGT", "10", Some("A1")),
        ("RGT", "4", Some("B2")),
        ("TIP", "20", None),
    ] {
        let mut args = vec!["stocktake", "count", &id, item, q];
        if let Some(lot) = lot {
            args.extend(["--lot", lot]);
        }
        lab.ok(&args);
    }
    lab.ok(&["stocktake", "apply", &id]);
    let history = lab.csv(&["history", "TIP"]);
    let header = &history[0];
    let kind = header.iter().position(|h| h == "kind").unwrap();
    let counts: Vec<_> = history
        .iter()
        .skip(1)
        .filter(|r| r[kind] == "count")
        .collect();
    assert_eq!(counts.len(), 1, "{history:?}");
    let audit = lab.ok(&["audit", "--format", "csv"]);
    assert!(audit.contains("stocktake"), "{audit}");
    assert!(audit.contains("applied"), "{audit}");
    assert_eq!(qty(&lab, "RGT", "A1"), 10);
}

#[test]
fn uncounted_lines_are_refused_unless_zeroed() {
    let lab = lab();
    let id = start(&lab, &[]);
    lab.ok(&["stocktake", "count", &id, "RGT", "10", "--lot", "A1"]);
    let before = lab.db_bytes();
    let err = lab.fails(&["stocktake", "apply", &id], 65);
    assert!(
        err.contains("2 uncounted") && err.contains("TIP") && err.contains("RGT lot B2"),
        "{err}"
    );
    assert_eq!(lab.db_bytes(), before);
    lab.ok(&["stocktake", "apply", &id, "--zero-uncounted"]);
    assert_eq!(qty(&lab, "RGT", "B2"), 0);
    assert_eq!(qty(&lab, "TIP", ""), 0);
    assert_eq!(qty(&lab, "RGT", "A1"), 10);
    lab.ok(&["check"]);
}

#[test]
fn review_values_each_variance_and_totals_them() {
    let lab = lab();
    let id = start(&lab, &[]);
    lab.ok(&["stocktake", "count", &id, "RGT", "8", "--lot", "A1"]);
    lab.ok(&["stocktake", "count", &id, "RGT", "9", "--lot", "A1"]); // a recount stands
    lab.ok(&["stocktake", "count", &id, "TIP", "23"]);
    let out = lab
        .cmd()
        .args(["stocktake", "review", &id, "--format", "csv"])
        .output()
        .unwrap();
    let rows = crate::common::parse_csv(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(
        rows[0],
        [
            "item",
            "name",
            "lot",
            "location",
            "book",
            "counted",
            "variance",
            "unit_cost",
            "variance_value",
            "opened_on"
        ]
    );
    assert_eq!(
        rows[1][2..],
        ["A1", "FRIDGE-1", "10", "9", "-1", "12.50", "-12.50", ""].map(String::from)
    );
    assert_eq!(
        rows[2][2..],
        ["B2", "FRIDGE-1", "4", "", "", "12.50", "", ""].map(String::from)
    );
    assert_eq!(
        rows[3][4..],
        ["20", "23", "3", "2.00", "6.00", ""].map(String::from)
    );
    let totals = String::from_utf8_lossy(&out.stderr);
    assert!(
        totals.contains("2 lines counted, 1 uncounted") && totals.contains("-6.50"),
        "{totals}"
    );
}

#[test]
fn a_lot_the_book_does_not_have_here_may_be_counted() {
    let lab = lab();
    lab.ok(&[
        "receive",
        "RGT",
        "3",
        "--lot",
        "C3",
        "--expiry",
        "2027-12-31",
    ]);
    let id = start(&lab, &[]);
    lab.ok(&["stocktake", "count", &id, "RGT", "2", "--lot", "C3"]);
    lab.ok(&["stocktake", "apply", &id, "--zero-uncounted"]);
    assert_eq!(qty(&lab, "RGT", "C3"), 2);
    lab.ok(&["check"]);
}

#[test]
fn counting_by_scanning_names_item_and_lot_and_counts_one_per_scan() {
    let lab = lab();
    let id = start(&lab, &[]);
    for _ in 0..3 {
        lab.ok(&[
            "stocktake",
            "count",
            &id,
            "--scan",
            "(01)09501101530003(17)270930(10)B2",
        ]);
    }
    let sheet = lab.csv(&["stocktake", "sheet", &id]);
    let b2 = sheet.iter().find(|r| r[2] == "B2").unwrap();
    assert_eq!(b2[6], "3");
    lab.ok(&[
        "stocktake",
        "count",
        &id,
        "--scan",
        "(01)09501101530003(17)270630(10)A1",
        "10",
    ]);
    let sheet = lab.csv(&["stocktake", "sheet", &id]);
    assert_eq!(sheet.iter().find(|r| r[2] == "A1").unwrap()[6], "10");
}

#[test]
fn a_counts_file_is_entered_all_or_nothing() {
    let lab = lab();
    let id = start(&lab, &[]);
    let bad = lab.file(
        "bad.csv",
        "item,lot,location,counted\nRGT,A1,FRIDGE-1,9\nTIP,,MAIN,20\n",
    );
    let before = lab.db_bytes();
    let err = lab.fails(&["stocktake", "enter", &id, bad.to_str().unwrap()], 65);
    assert!(err.contains("line 3") && err.contains("MAIN"), "{err}");
    assert_eq!(lab.db_bytes(), before);
    let good = lab.file(
        "good.csv",
        "item,lot,location,counted\nRGT,A1,FRIDGE-1,9\nRGT,B2,,4\nTIP,,FRIDGE-1,20\n",
    );
    lab.ok(&["stocktake", "enter", &id, good.to_str().unwrap()]);
    lab.ok(&["stocktake", "apply", &id]);
    assert_eq!(qty(&lab, "RGT", "A1"), 9);
}

#[test]
fn bad_stocktake_input_is_refused_and_writes_nothing() {
    let lab = lab();
    lab.fails(&["stocktake", "start", "--location", "NOWHERE"], 65);
    let id = start(&lab, &[]);
    let before = lab.db_bytes();
    let err = lab.fails(&["stocktake", "start", "--location", "fridge-1"], 65);
    assert!(err.contains("still open"), "{err}");
    let err = lab.fails(&["stocktake", "count", &id, "TIP", "-1"], 65);
    assert!(err.contains("0 or more"), "{err}");
    let err = lab.fails(
        &["stocktake", "count", &id, "TIP", "3", "--location", "MAIN"],
        65,
    );
    assert!(err.contains("counts FRIDGE-1, not MAIN"), "{err}");
    lab.fails(&["stocktake", "count", &id, "RGT", "3"], 65); // lot-tracked: needs --lot
    lab.fails(&["stocktake", "count", &id, "RGT", "3", "--lot", "ZZ"], 65);
    lab.fails(&["stocktake", "count", "99", "TIP", "3"], 65);
    lab.fails(&["stocktake", "sheet", "x"], 65);
    assert_eq!(lab.db_bytes(), before);
    lab.ok(&["stocktake", "cancel", &id]);
    let before = lab.db_bytes();
    for args in [
        vec!["stocktake", "apply", &id],
        vec!["stocktake", "cancel", &id],
        vec!["stocktake", "count", &id, "TIP", "3"],
    ] {
        let err = lab.fails(&args, 65);
        assert!(err.contains("cancelled"), "{err}");
    }
    assert_eq!(lab.db_bytes(), before);
    let list = lab.csv(&["stocktake", "list"]);
    assert_eq!(list[1][6], "cancelled");
    lab.ok(&["check"]);
}

#[test]
fn an_applied_stocktake_cannot_be_applied_again() {
    let lab = lab();
    let id = start(&lab, &[]);
    lab.ok(&["stocktake", "apply", &id, "--zero-uncounted"]);
    let err = lab.fails(&["stocktake", "apply", &id, "--zero-uncounted"], 65);
    assert!(err.contains("applied"), "{err}");
    // A new one may start once the first has ended.
    start(&lab, &[]);
}

#[test]
fn a_category_narrows_the_sheet() {
    let lab = Lab::new();
    lab.ok(&[
        "item",
        "add",
        "RGT",
        "--name",
        "Reagent",
        "--category",
        "reagents",
    ]);
    lab.ok(&[
        "item",
        "add",
        "TIP",
        "--name",
        "Tips",
        "--category",
        "consumables",
    ]);
    lab.ok(&["receive", "RGT", "3"]);
    lab.ok(&["receive", "TIP", "5"]);
    let id = lab.ok(&[
        "stocktake",
        "start",
        "--location",
        "MAIN",
        "--category",
        "Reagents",
    ]);
    let sheet = lab.csv(&["stocktake", "sheet", id.trim()]);
    assert_eq!(sheet.len(), 2, "{sheet:?}");
    assert_eq!(sheet[1][0], "RGT");
    let err = lab.fails(&["stocktake", "count", id.trim(), "TIP", "5"], 65);
    assert!(err.contains("category"), "{err}");
    lab.ok(&["stocktake", "count", id.trim(), "RGT", "3"]);
    lab.ok(&["stocktake", "apply", id.trim()]);
    assert_eq!(lab.csv(&["stock"]).len(), 3);
}

#[test]
fn a_lot_labstock_has_never_seen_is_counted_with_its_expiry() {
    let lab = lab();
    let id = start(&lab, &[]);
    let before = lab.db_bytes();
    let err = lab.fails(
        &["stocktake", "count", &id, "RGT", "2", "--lot", "NEW-9"],
        65,
    );
    assert!(err.contains("--expiry"), "{err}");
    assert_eq!(lab.db_bytes(), before);
    lab.ok(&[
        "stocktake",
        "count",
        &id,
        "RGT",
        "2",
        "--lot",
        "NEW-9",
        "--expiry",
        "2028-02-29",
    ]);
    lab.ok(&["stocktake", "apply", &id, "--zero-uncounted"]);
    assert_eq!(qty(&lab, "RGT", "NEW-9"), 2);
    let sheet = lab.csv(&["lot", "list", "RGT"]);
    assert!(
        sheet
            .iter()
            .any(|r| r[0] == "NEW-9" && r[1] == "2028-02-29"),
        "{sheet:?}"
    );
    lab.ok(&["check"]);
}
