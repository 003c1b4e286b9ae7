//! `report reorder`, `report expiry`, `report usage` and `item level`:
//! SPEC §3 and §10 through the real binary.

use crate::common::{Lab, fixture, parse_csv};

/// The reorder list as CSV rows (header first).
fn reorder(lab: &Lab, extra: &[&str]) -> Vec<Vec<String>> {
    let mut args = vec!["report", "reorder"];
    args.extend_from_slice(extra);
    lab.csv(&args)
}

/// The cell of `column` in the row for `item`, if the item is listed.
fn cell(rows: &[Vec<String>], item: &str, column: &str) -> Option<String> {
    let header = &rows[0];
    let c = header
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("no column {column} in {header:?}"));
    let i = header.iter().position(|h| h == "item").unwrap();
    rows[1..]
        .iter()
        .find(|r| r[i] == item)
        .map(|r| r[c].clone())
}

fn listed(rows: &[Vec<String>], item: &str) -> bool {
    cell(rows, item, "item").is_some()
}

fn suggested(rows: &[Vec<String>], item: &str) -> Option<i64> {
    cell(rows, item, "suggested_qty").map(|q| q.parse().unwrap())
}

/// An item with the given reorder settings (`--flag value` pairs).
fn item(lab: &Lab, code: &str, settings: &[&str]) {
    let mut args = vec!["item", "add", code, "--name", code];
    args.extend_from_slice(settings);
    lab.ok(&args);
}

fn receive(lab: &Lab, code: &str, qty: &str, extra: &[&str]) {
    let mut args = vec!["receive", code, qty];
    args.extend_from_slice(extra);
    lab.ok(&args);
}

#[test]
fn the_spec_header_comes_first_even_when_nothing_is_due() {
    let lab = Lab::new();
    let rows = reorder(&lab, &[]);
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0][..13].join(","),
        "supplier,supplier_ref,item,name,unit,on_hand,on_order,reorder_level,max_level,suggested_qty,pack_size,unit_cost,line_cost"
    );
    assert_eq!(rows[0][13], "reason");
}

#[test]
fn max_level_branch_orders_up_to_the_max() {
    let lab = Lab::new();
    item(
        &lab,
        "GLOVE-M",
        &["--reorder-level", "5", "--max-level", "20"],
    );
    receive(&lab, "GLOVE-M", "4", &[]);
    let rows = reorder(&lab, &[]);
    assert_eq!(suggested(&rows, "GLOVE-M"), Some(16));
    assert_eq!(cell(&rows, "GLOVE-M", "on_hand").unwrap(), "4");
    assert_eq!(cell(&rows, "GLOVE-M", "max_level").unwrap(), "20");
    assert_eq!(
        cell(&rows, "GLOVE-M", "reason").unwrap(),
        "position 4 (on hand 4 + on order 0) <= level 5; up to max 20 = 16"
    );
}

#[test]
fn reorder_qty_branch_orders_a_fixed_quantity() {
    let lab = Lab::new();
    item(&lab, "CUV", &["--reorder-level", "6", "--reorder-qty", "5"]);
    receive(&lab, "CUV", "4", &[]);
    let rows = reorder(&lab, &[]);
    assert_eq!(suggested(&rows, "CUV"), Some(5));
    assert_eq!(cell(&rows, "CUV", "max_level").unwrap(), "");
    assert!(
        cell(&rows, "CUV", "reason")
            .unwrap()
            .contains("reorder qty 5 = 5")
    );
}

#[test]
fn neither_max_nor_qty_orders_up_to_level_plus_one() {
    let lab = Lab::new();
    item(&lab, "MARKER", &["--reorder-level", "5"]);
    receive(&lab, "MARKER", "3", &[]);
    let rows = reorder(&lab, &[]);
    assert_eq!(suggested(&rows, "MARKER"), Some(3));
    assert!(
        cell(&rows, "MARKER", "reason")
            .unwrap()
            .contains("up to level + 1 (6) = 3")
    );
}

#[test]
fn max_level_wins_when_reorder_qty_is_also_set() {
    let lab = Lab::new();
    item(
        &lab,
        "UNIV",
        &[
            "--reorder-level",
            "5",
            "--max-level",
            "15",
            "--reorder-qty",
            "50",
        ],
    );
    receive(&lab, "UNIV", "4", &[]);
    assert_eq!(suggested(&reorder(&lab, &[]), "UNIV"), Some(11));
}

#[test]
fn need_13_in_packs_of_12_orders_24() {
    let lab = Lab::new();
    item(
        &lab,
        "SHARPS",
        &[
            "--reorder-level",
            "10",
            "--max-level",
            "20",
            "--pack-size",
            "12",
        ],
    );
    receive(&lab, "SHARPS", "7", &[]);
    let rows = reorder(&lab, &[]);
    assert_eq!(suggested(&rows, "SHARPS"), Some(24));
    assert_eq!(cell(&rows, "SHARPS", "pack_size").unwrap(), "12");
    assert_eq!(
        cell(&rows, "SHARPS", "reason").unwrap(),
        "position 7 (on hand 7 + on order 0) <= level 10; up to max 20 = 13; rounded to pack 12 = 24 (2 packs)"
    );
}

#[test]
fn position_at_the_level_is_listed_and_one_above_is_not() {
    let lab = Lab::new();
    item(&lab, "AT", &["--reorder-level", "10", "--max-level", "30"]);
    item(
        &lab,
        "ABOVE",
        &["--reorder-level", "10", "--max-level", "30"],
    );
    receive(&lab, "AT", "10", &[]);
    receive(&lab, "ABOVE", "11", &[]);
    let rows = reorder(&lab, &[]);
    assert_eq!(suggested(&rows, "AT"), Some(20));
    assert!(!listed(&rows, "ABOVE"));
}

#[test]
fn an_item_with_nothing_in_stock_at_all_is_listed() {
    let lab = Lab::new();
    item(&lab, "NEVER", &["--reorder-level", "0", "--max-level", "3"]);
    let rows = reorder(&lab, &[]);
    assert_eq!(cell(&rows, "NEVER", "on_hand").unwrap(), "0");
    assert_eq!(suggested(&rows, "NEVER"), Some(3));
}

#[test]
fn expired_quarantined_and_recalled_lots_do_not_count() {
    let lab = Lab::new();
    item(
        &lab,
        "RGT",
        &["--lot-tracked", "--reorder-level", "4", "--max-level", "10"],
    );
    receive(
        &lab,
        "RGT",
        "5",
        &["--lot", "OLD", "--expiry", "2026-11-20"],
    );
    receive(
        &lab,
        "RGT",
        "6",
        &["--lot", "HELD", "--expiry", "2027-06-30"],
    );
    receive(
        &lab,
        "RGT",
        "7",
        &["--lot", "BAD", "--expiry", "2027-06-30"],
    );
    receive(
        &lab,
        "RGT",
        "2",
        &["--lot", "GOOD", "--expiry", "2027-06-30"],
    );
    lab.ok(&["lot", "quarantine", "RGT", "HELD", "--reason", "QC failure"]);
    lab.ok(&["lot", "recall", "RGT", "BAD", "--reason", "FSN-1"]);
    let rows = reorder(&lab, &[]);
    assert_eq!(cell(&rows, "RGT", "on_hand").unwrap(), "2");
    assert_eq!(suggested(&rows, "RGT"), Some(8));
    assert!(
        cell(&rows, "RGT", "reason")
            .unwrap()
            .contains("not counted: 5 expired, 6 quarantined, 7 recalled")
    );
}

#[test]
fn stock_expiring_today_is_still_usable() {
    let lab = Lab::new();
    item(
        &lab,
        "APTT",
        &["--lot-tracked", "--reorder-level", "4", "--max-level", "10"],
    );
    receive(
        &lab,
        "APTT",
        "5",
        &["--lot", "TODAY", "--expiry", "2026-11-21"],
    );
    assert!(!listed(&reorder(&lab, &[]), "APTT"));
}

#[test]
fn an_opened_lot_past_its_in_use_days_does_not_count() {
    let lab = Lab::new();
    item(
        &lab,
        "CRP",
        &[
            "--lot-tracked",
            "--in-use-days",
            "28",
            "--reorder-level",
            "4",
            "--max-level",
            "10",
        ],
    );
    // Received before they were opened (an opening may not precede it).
    let mut lab = lab;
    lab.now = "2026-09-30T09:00:00Z".into();
    receive(&lab, "CRP", "3", &["--lot", "A", "--expiry", "2027-12-31"]);
    receive(&lab, "CRP", "3", &["--lot", "B", "--expiry", "2027-12-31"]);
    lab.now = crate::common::NOW.into();
    // A was opened 2026-10-01: in use until 2026-10-29, long past.
    lab.ok(&["lot", "open", "CRP", "A", "3", "--date", "2026-10-01"]);
    // B was opened last week: in use until 2026-12-12, still good.
    lab.ok(&["lot", "open", "CRP", "B", "3", "--date", "2026-11-14"]);
    let rows = reorder(&lab, &[]);
    assert_eq!(cell(&rows, "CRP", "on_hand").unwrap(), "3");
    assert_eq!(suggested(&rows, "CRP"), Some(7));
    assert!(
        cell(&rows, "CRP", "reason")
            .unwrap()
            .contains("not counted: 3 expired")
    );
}

#[test]
fn an_open_order_that_lifts_position_above_the_level_removes_the_row() {
    let lab = Lab::new();
    item(&lab, "TROP", &["--reorder-level", "4", "--max-level", "8"]);
    receive(&lab, "TROP", "2", &[]);
    assert_eq!(suggested(&reorder(&lab, &[]), "TROP"), Some(6));
    lab.ok(&["order", "add", "PO-15", "--item", "TROP", "--quantity", "3"]);
    assert!(
        !listed(&reorder(&lab, &[]), "TROP"),
        "2 + 3 on order > level 4"
    );
    // Cancelling the order puts the item back on the list.
    lab.ok(&["order", "cancel", "PO-15"]);
    assert_eq!(suggested(&reorder(&lab, &[]), "TROP"), Some(6));
}

#[test]
fn an_order_too_small_to_lift_position_is_shown_in_the_row() {
    let lab = Lab::new();
    item(&lab, "LIPH", &["--reorder-level", "6", "--max-level", "12"]);
    receive(&lab, "LIPH", "2", &[]);
    lab.ok(&["order", "add", "PO-17", "--item", "LIPH", "--quantity", "3"]);
    let rows = reorder(&lab, &[]);
    assert_eq!(cell(&rows, "LIPH", "on_order").unwrap(), "3");
    assert_eq!(suggested(&rows, "LIPH"), Some(7));
    assert!(
        cell(&rows, "LIPH", "reason")
            .unwrap()
            .starts_with("position 5 (on hand 2 + on order 3 on PO-17) <= level 6")
    );
}

#[test]
fn a_partial_receipt_against_an_order_moves_quantity_from_on_order_to_on_hand() {
    let lab = Lab::new();
    item(&lab, "CRP", &["--reorder-level", "12", "--max-level", "24"]);
    receive(&lab, "CRP", "1", &[]);
    lab.ok(&["order", "add", "PO-12", "--item", "CRP", "--quantity", "10"]);
    receive(&lab, "CRP", "4", &["--order", "po-12"]);
    let rows = reorder(&lab, &[]);
    assert_eq!(cell(&rows, "CRP", "on_hand").unwrap(), "5");
    assert_eq!(cell(&rows, "CRP", "on_order").unwrap(), "6");
    assert_eq!(suggested(&rows, "CRP"), Some(13));
}

#[test]
fn as_of_shows_the_ledger_before_later_movements() {
    let mut lab = Lab::new();
    item(&lab, "TIPS", &["--reorder-level", "8", "--max-level", "20"]);
    lab.now = "2026-11-10T10:00:00Z".into();
    receive(&lab, "TIPS", "10", &[]);
    lab.now = "2026-11-15T10:00:00Z".into();
    lab.ok(&["issue", "TIPS", "8"]);
    lab.now = "2026-11-17T10:00:00Z".into();
    lab.ok(&["order", "add", "PO-9", "--item", "TIPS", "--quantity", "4"]);
    lab.now = "2026-11-19T10:00:00Z".into();
    receive(&lab, "TIPS", "3", &["--order", "PO-9"]);
    lab.now = crate::common::NOW.into();

    let numbers = |as_of: &[&str]| {
        let r = reorder(&lab, as_of);
        listed(&r, "TIPS").then(|| {
            (
                cell(&r, "TIPS", "on_hand").unwrap(),
                cell(&r, "TIPS", "on_order").unwrap(),
                suggested(&r, "TIPS").unwrap(),
            )
        })
    };
    let n = |h: &str, o: &str, s| Some((h.to_owned(), o.to_owned(), s));
    // Today: 5 on hand, 1 still to come.
    assert_eq!(numbers(&[]), n("5", "1", 14));
    // Ordered, not yet received: the order counts in full.
    assert_eq!(numbers(&["--as-of", "2026-11-18"]), n("2", "4", 14));
    // After the issue, before the order.
    assert_eq!(numbers(&["--as-of", "2026-11-16"]), n("2", "0", 18));
    // Before the issue: 10 on hand, above the level.
    assert_eq!(numbers(&["--as-of", "2026-11-12"]), None);
    // Before anything.
    assert_eq!(numbers(&["--as-of", "2026-11-09"]), n("0", "0", 20));
}

#[test]
fn as_of_judges_expiry_against_that_date() {
    let mut lab = Lab::new();
    item(
        &lab,
        "QC",
        &["--lot-tracked", "--reorder-level", "2", "--max-level", "6"],
    );
    lab.now = "2026-11-01T10:00:00Z".into();
    receive(
        &lab,
        "QC",
        "4",
        &["--lot", "26460", "--expiry", "2026-11-15"],
    );
    lab.now = crate::common::NOW.into();
    let today = reorder(&lab, &[]);
    assert_eq!(cell(&today, "QC", "on_hand").unwrap(), "0");
    assert!(!listed(&reorder(&lab, &["--as-of", "2026-11-15"]), "QC"));
}

#[test]
fn a_line_cancelled_after_the_as_of_date_still_counted_then() {
    let mut lab = Lab::new();
    item(&lab, "GEL", &["--reorder-level", "4", "--max-level", "8"]);
    lab.now = "2026-11-01T10:00:00Z".into();
    receive(&lab, "GEL", "2", &[]);
    lab.now = crate::common::NOW.into();
    lab.ok(&[
        "order",
        "add",
        "PO-3",
        "--item",
        "GEL",
        "--quantity",
        "5",
        "--ordered",
        "2026-11-10",
    ]);
    lab.now = "2026-11-20T10:00:00Z".into();
    lab.ok(&["order", "cancel", "PO-3", "--reason", "discontinued"]);
    lab.now = crate::common::NOW.into();
    assert!(listed(&reorder(&lab, &[]), "GEL"));
    assert!(listed(&reorder(&lab, &["--as-of", "2026-11-20"]), "GEL"));
    assert!(!listed(&reorder(&lab, &["--as-of", "2026-11-19"]), "GEL"));
    // Ordered on the 10th: as of the 9th it did not count.
    assert!(listed(&reorder(&lab, &["--as-of", "2026-11-09"]), "GEL"));
}

#[test]
fn a_name_with_a_comma_and_a_quote_parses_back_to_the_same_values() {
    let lab = Lab::new();
    let name = "Tips, filtered 200 µL \"low retention\"";
    lab.ok(&[
        "item",
        "add",
        "TIP-200F",
        "--name",
        name,
        "--supplier",
        "Thermo, Fisher \"UK\"",
        "--reorder-level",
        "5",
        "--unit-cost",
        "12.5",
    ]);
    let out = lab.ok(&["report", "reorder", "--format", "csv"]);
    let rows = parse_csv(&out);
    assert_eq!(cell(&rows, "TIP-200F", "name").unwrap(), name);
    assert_eq!(
        cell(&rows, "TIP-200F", "supplier").unwrap(),
        "Thermo, Fisher \"UK\""
    );
    assert_eq!(cell(&rows, "TIP-200F", "unit_cost").unwrap(), "12.50");
    assert_eq!(cell(&rows, "TIP-200F", "line_cost").unwrap(), "75.00");
    assert!(out.contains("\"Tips, filtered 200 µL \"\"low retention\"\"\""));
}

#[test]
fn rows_sort_by_supplier_then_code_with_no_supplier_first_and_money_in_pounds() {
    let lab = Lab::new();
    item(
        &lab,
        "B",
        &[
            "--reorder-level",
            "1",
            "--supplier",
            "Zeta",
            "--unit-cost",
            "0.07",
        ],
    );
    item(
        &lab,
        "D",
        &[
            "--reorder-level",
            "1",
            "--supplier",
            "Alpha",
            "--unit-cost",
            "3",
        ],
    );
    item(&lab, "A", &["--reorder-level", "1", "--supplier", "Alpha"]);
    item(&lab, "C", &["--reorder-level", "1"]);
    item(
        &lab,
        "a-lower",
        &["--reorder-level", "1", "--supplier", "Alpha"],
    );
    let rows = reorder(&lab, &[]);
    let order: Vec<&str> = rows[1..].iter().map(|r| r[2].as_str()).collect();
    assert_eq!(order, ["C", "A", "D", "a-lower", "B"]);
    assert_eq!(cell(&rows, "B", "unit_cost").unwrap(), "0.07");
    assert_eq!(cell(&rows, "B", "line_cost").unwrap(), "0.14");
    assert_eq!(cell(&rows, "D", "line_cost").unwrap(), "6.00");
    assert_eq!(cell(&rows, "A", "unit_cost").unwrap(), "");
    assert_eq!(cell(&rows, "A", "line_cost").unwrap(), "");
}

#[test]
fn retired_items_and_items_without_a_level_are_not_listed() {
    let lab = Lab::new();
    item(&lab, "NOLEVEL", &[]);
    item(&lab, "OLD", &["--reorder-level", "5"]);
    lab.ok(&["item", "retire", "OLD"]);
    let rows = reorder(&lab, &[]);
    assert_eq!(rows.len(), 1);
}

#[test]
fn supplier_filter_matches_case_insensitively_and_unknown_suppliers_are_refused() {
    let lab = Lab::new();
    item(
        &lab,
        "R1",
        &["--reorder-level", "1", "--supplier", "Roche Diagnostics"],
    );
    item(
        &lab,
        "S1",
        &["--reorder-level", "1", "--supplier", "Sarstedt"],
    );
    let rows = reorder(&lab, &["--supplier", "roche diagnostics"]);
    assert!(listed(&rows, "R1"));
    assert!(!listed(&rows, "S1"));
    let err = lab.fails(&["report", "reorder", "--supplier", "Roche Diagnostic"], 65);
    assert!(
        err.contains("unknown supplier \"Roche Diagnostic\""),
        "{err}"
    );
    assert!(err.contains("Roche Diagnostics"), "{err}");
    let err = lab.fails(&["report", "reorder", "--supplier", "Qwxyz"], 65);
    assert!(
        err.contains("Roche Diagnostics") && err.contains("Sarstedt"),
        "few suppliers: all suggested: {err}"
    );
}

#[test]
fn unknown_location_filter_is_refused_with_the_known_locations() {
    let lab = Lab::new();
    lab.ok(&["location", "add", "FRIDGE-1"]);
    let err = lab.fails(&["report", "reorder", "--location", "FRIDGE-2"], 65);
    assert!(err.contains("unknown location \"FRIDGE-2\""), "{err}");
    assert!(err.contains("FRIDGE-1"), "{err}");
    let err = lab.fails(&["report", "expiry", "--location", "NOWHERE"], 65);
    assert!(err.contains("MAIN"), "{err}");
}

#[test]
fn location_counts_only_the_stock_at_it_and_the_orders_to_it() {
    let lab = Lab::new();
    lab.ok(&["location", "add", "FRIDGE-1"]);
    item(&lab, "GLU", &["--reorder-level", "4", "--max-level", "10"]);
    receive(&lab, "GLU", "10", &[]);
    receive(&lab, "GLU", "1", &["--location", "FRIDGE-1"]);
    lab.ok(&["order", "add", "PO-1", "--item", "GLU", "--quantity", "2"]);
    assert!(!listed(&reorder(&lab, &[]), "GLU"));
    let rows = reorder(&lab, &["--location", "fridge-1"]);
    assert_eq!(cell(&rows, "GLU", "on_hand").unwrap(), "1");
    assert_eq!(
        cell(&rows, "GLU", "on_order").unwrap(),
        "0",
        "PO-1 goes to MAIN"
    );
    assert_eq!(suggested(&rows, "GLU"), Some(9));
    lab.ok(&[
        "order",
        "add",
        "PO-2",
        "--item",
        "GLU",
        "--quantity",
        "3",
        "--location",
        "FRIDGE-1",
    ]);
    let rows = reorder(&lab, &["--location", "FRIDGE-1"]);
    assert_eq!(cell(&rows, "GLU", "on_order").unwrap(), "3");
    assert!(!listed(&reorder(&lab, &["--location", "MAIN"]), "GLU"));
}

#[test]
fn location_lists_only_the_items_kept_there() {
    let lab = Lab::new();
    lab.ok(&["location", "add", "FRIDGE-1"]);
    item(
        &lab,
        "GLOVES",
        &["--reorder-level", "4", "--max-level", "10"],
    );
    item(
        &lab,
        "REAGENT",
        &["--reorder-level", "4", "--max-level", "10"],
    );
    item(
        &lab,
        "ORDERED",
        &["--reorder-level", "4", "--max-level", "10"],
    );
    receive(&lab, "GLOVES", "2", &[]);
    receive(&lab, "REAGENT", "1", &["--location", "FRIDGE-1"]);
    lab.ok(&[
        "order",
        "add",
        "PO-1",
        "--item",
        "ORDERED",
        "--quantity",
        "1",
        "--location",
        "FRIDGE-1",
    ]);
    let rows = reorder(&lab, &["--location", "FRIDGE-1"]);
    assert!(!listed(&rows, "GLOVES"), "never kept in the fridge");
    assert_eq!(suggested(&rows, "REAGENT"), Some(9));
    assert_eq!(suggested(&rows, "ORDERED"), Some(9));
    // Stock that has left the fridge still marks the item as kept there.
    lab.ok(&[
        "transfer", "REAGENT", "1", "--from", "FRIDGE-1", "--to", "MAIN",
    ]);
    assert_eq!(
        suggested(&reorder(&lab, &["--location", "FRIDGE-1"]), "REAGENT"),
        Some(10)
    );
    let main = reorder(&lab, &["--location", "MAIN"]);
    assert!(listed(&main, "GLOVES") && listed(&main, "REAGENT") && !listed(&main, "ORDERED"));
}

#[test]
fn per_location_levels_override_the_items_levels_at_that_location() {
    let lab = Lab::new();
    lab.ok(&["location", "add", "BENCH-1"]);
    item(
        &lab,
        "TIPS",
        &[
            "--reorder-level",
            "20",
            "--max-level",
            "60",
            "--pack-size",
            "10",
        ],
    );
    receive(&lab, "TIPS", "100", &[]);
    receive(&lab, "TIPS", "3", &["--location", "BENCH-1"]);
    // With the item's levels the bench (3 <= 20) would be topped up to 60.
    assert_eq!(
        suggested(&reorder(&lab, &["--location", "BENCH-1"]), "TIPS"),
        Some(60)
    );
    lab.ok(&[
        "item",
        "level",
        "TIPS",
        "--location",
        "BENCH-1",
        "--reorder-level",
        "4",
        "--max-level",
        "12",
    ]);
    let rows = reorder(&lab, &["--location", "BENCH-1"]);
    assert_eq!(cell(&rows, "TIPS", "reorder_level").unwrap(), "4");
    assert_eq!(cell(&rows, "TIPS", "max_level").unwrap(), "12");
    assert_eq!(suggested(&rows, "TIPS"), Some(10));
    assert!(
        cell(&rows, "TIPS", "reason")
            .unwrap()
            .contains("<= level 4 at BENCH-1; up to max 12 = 9; rounded to pack 10 = 10")
    );
    // The override applies only with --location.
    assert!(!listed(&reorder(&lab, &[]), "TIPS"));
    let shown = lab.csv(&["item", "level", "TIPS"]);
    assert_eq!(shown[1], ["TIPS", "BENCH-1", "4", "12"]);
    // A bench level for an item that has no level of its own.
    item(&lab, "WIPES", &[]);
    lab.ok(&[
        "item",
        "level",
        "WIPES",
        "--location",
        "BENCH-1",
        "--reorder-level",
        "1",
    ]);
    let rows = reorder(&lab, &["--location", "BENCH-1"]);
    assert_eq!(suggested(&rows, "WIPES"), Some(2));
    assert!(!listed(&reorder(&lab, &[]), "WIPES"));
    lab.ok(&["item", "level", "TIPS", "--location", "BENCH-1", "--clear"]);
    assert_eq!(
        suggested(&reorder(&lab, &["--location", "BENCH-1"]), "TIPS"),
        Some(60)
    );
}

#[test]
fn per_location_levels_are_validated_and_refusals_write_nothing() {
    let lab = Lab::new();
    item(&lab, "TIPS", &["--reorder-level", "20"]);
    let before = lab.db_bytes();
    let err = lab.fails(
        &[
            "item",
            "level",
            "TIPS",
            "--location",
            "MAIN",
            "--reorder-level",
            "5",
            "--max-level",
            "5",
        ],
        65,
    );
    assert!(
        err.contains("max_level") && err.contains("greater than reorder_level 5"),
        "{err}"
    );
    let err = lab.fails(
        &[
            "item",
            "level",
            "TIPS",
            "--location",
            "BENCH-9",
            "--reorder-level",
            "5",
        ],
        65,
    );
    assert!(err.contains("unknown location"), "{err}");
    lab.fails(
        &[
            "item",
            "level",
            "NOPE",
            "--location",
            "MAIN",
            "--reorder-level",
            "5",
        ],
        65,
    );
    lab.fails(&["item", "level", "TIPS", "--location", "MAIN"], 65);
    assert_eq!(before, lab.db_bytes());
}

#[test]
fn output_file_json_and_table_formats() {
    let lab = Lab::new();
    item(
        &lab,
        "A",
        &[
            "--reorder-level",
            "2",
            "--supplier",
            "Alpha",
            "--unit-cost",
            "1.25",
        ],
    );
    item(
        &lab,
        "B",
        &[
            "--reorder-level",
            "2",
            "--supplier",
            "Alpha",
            "--unit-cost",
            "2",
        ],
    );
    item(&lab, "C", &["--reorder-level", "2", "--supplier", "Beta"]);
    lab.ok(&[
        "report",
        "reorder",
        "--format",
        "csv",
        "--output",
        "reorder-2026-W47.csv",
    ]);
    let written = std::fs::read_to_string(lab.path().join("reorder-2026-W47.csv")).unwrap();
    assert_eq!(parse_csv(&written), reorder(&lab, &[]));
    assert!(!lab.path().join("reorder-2026-W47.partial").exists());

    let json: serde_json::Value =
        serde_json::from_str(&lab.ok(&["report", "reorder", "--format", "json"])).unwrap();
    assert_eq!(json[0]["item"], "A");
    assert_eq!(json[0]["suggested_qty"], 3);
    assert_eq!(json[0]["unit_cost"], "1.25");
    assert_eq!(json[0]["line_cost"], "3.75");
    assert_eq!(json[2]["line_cost"], serde_json::Value::Null);

    let table = lab.ok(&["report", "reorder", "--format", "table"]);
    assert!(table.contains("subtotal (2 lines)"), "{table}");
    assert!(table.contains("9.75"), "Alpha: 3.75 + 6.00\n{table}");
    assert!(
        table.contains("subtotal (1 line, 1 without a unit cost)"),
        "{table}"
    );
    assert!(
        table.contains("total (3 lines, 1 without a unit cost)"),
        "{table}"
    );
}

#[test]
fn stock_that_expires_before_delivery_is_flagged() {
    let lab = Lab::new();
    item(
        &lab,
        "LISTED",
        &[
            "--lot-tracked",
            "--reorder-level",
            "4",
            "--max-level",
            "10",
            "--lead-time-days",
            "7",
        ],
    );
    receive(
        &lab,
        "LISTED",
        "3",
        &["--lot", "SOON", "--expiry", "2026-11-25"],
    );
    let rows = reorder(&lab, &[]);
    assert_eq!(
        cell(&rows, "LISTED", "expiring_before_delivery").unwrap(),
        "3"
    );
    assert!(
        cell(&rows, "LISTED", "reason").unwrap().ends_with(
            "warning: 3 of on hand expire before delivery (lead time 7 days, 2026-11-28)"
        )
    );

    // Not listed on the SPEC formula, but only because of stock that will be
    // gone before a delivery could come: a warning, not silence.
    item(
        &lab,
        "COMFORT",
        &[
            "--lot-tracked",
            "--reorder-level",
            "4",
            "--max-level",
            "10",
            "--lead-time-days",
            "7",
        ],
    );
    receive(
        &lab,
        "COMFORT",
        "6",
        &["--lot", "SOON", "--expiry", "2026-11-24"],
    );
    receive(
        &lab,
        "COMFORT",
        "1",
        &["--lot", "LATER", "--expiry", "2027-01-31"],
    );
    let out = lab.run(&["report", "reorder", "--format", "csv"]);
    assert!(out.status.success());
    let rows = parse_csv(&String::from_utf8_lossy(&out.stdout));
    assert!(!listed(&rows, "COMFORT"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "warning: COMFORT is not listed, but 6 of its 7 usable expire before a delivery could arrive"
        ),
        "{stderr}"
    );
    // An item with no lead time: nothing can expire before a delivery.
    item(
        &lab,
        "NOLEAD",
        &["--lot-tracked", "--reorder-level", "4", "--max-level", "10"],
    );
    receive(
        &lab,
        "NOLEAD",
        "3",
        &["--lot", "SOON", "--expiry", "2026-11-22"],
    );
    assert_eq!(
        cell(&reorder(&lab, &[]), "NOLEAD", "expiring_before_delivery").unwrap(),
        "0"
    );
}

#[test]
fn bad_item_settings_are_refused_at_add_edit_and_import() {
    let lab = Lab::new();
    let before = lab.db_bytes();
    let err = lab.fails(&["item", "add", "X", "--name", "X", "--pack-size", "0"], 65);
    assert!(err.contains("pack_size"), "{err}");
    let err = lab.fails(&["item", "add", "X", "--name", "X", "--pack-size=-2"], 65);
    assert!(err.contains("pack_size"), "{err}");
    let err = lab.fails(
        &[
            "item",
            "add",
            "X",
            "--name",
            "X",
            "--reorder-level",
            "10",
            "--max-level",
            "4",
        ],
        65,
    );
    assert!(
        err.contains("max_level") && err.contains("reorder_level 10"),
        "{err}"
    );
    assert_eq!(before, lab.db_bytes());

    item(&lab, "Y", &["--reorder-level", "10", "--max-level", "20"]);
    let before = lab.db_bytes();
    let err = lab.fails(&["item", "edit", "Y", "--max-level", "10"], 65);
    assert!(err.contains("max_level"), "{err}");
    lab.fails(&["item", "edit", "Y", "--pack-size", "0"], 65);
    assert_eq!(before, lab.db_bytes());

    let file = lab.file(
        "items.csv",
        "code,name,pack_size,reorder_level,max_level\nOK,Fine,12,10,20\nBAD,Bad pack,0,1,2\n",
    );
    let err = lab.fails(&["import", "items", file.to_str().unwrap()], 65);
    assert!(err.contains("line 3") && err.contains("pack_size"), "{err}");
    let file = lab.file(
        "items2.csv",
        "code,name,pack_size,reorder_level,max_level\nOK,Fine,12,10,20\nBAD,Bad max,1,10,5\n",
    );
    let err = lab.fails(&["import", "items", file.to_str().unwrap()], 65);
    assert!(err.contains("line 3") && err.contains("max_level"), "{err}");
    let file = lab.file("items3.csv", "code,name,pack_size\nNEG,Negative,-1\n");
    let err = lab.fails(&["import", "items", file.to_str().unwrap()], 65);
    assert!(err.contains("line 2") && err.contains("pack_size"), "{err}");
    assert_eq!(before, lab.db_bytes());
}

/// The demo lab of fixtures/, as `demo` builds it, as of 2026-11-21.
fn demo_lab() -> Lab {
    let lab = Lab::new();
    for kind in ["locations", "items", "orders", "movements"] {
        lab.ok(&["import", kind, &fixture(&format!("{kind}.csv"))]);
    }
    lab
}

#[test]
fn golden_demo_lab_reorder_csv() {
    let lab = demo_lab();
    let got = lab.ok(&["report", "reorder", "--format", "csv"]);
    let golden_path = format!(
        "{}/tests/cli/golden/reorder.csv",
        env!("CARGO_MANIFEST_DIR")
    );
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden_path, &got).unwrap();
    }
    let golden = std::fs::read_to_string(&golden_path).unwrap();
    assert_eq!(got, golden, "report reorder differs from {golden_path}");
}

#[test]
fn demo_lab_order_of_imports_does_not_change_on_order() {
    // Movements imported before orders: receipts naming a PO cannot be
    // linked at import, and are matched on (reference, item) instead.
    let lab = Lab::new();
    for kind in ["locations", "items", "movements", "orders"] {
        lab.ok(&["import", kind, &fixture(&format!("{kind}.csv"))]);
    }
    let golden = demo_lab().ok(&["report", "reorder", "--format", "csv"]);
    assert_eq!(lab.ok(&["report", "reorder", "--format", "csv"]), golden);
    lab.ok(&["check"]);
}

#[test]
fn expiry_report_lists_expired_and_expiring_lots_by_effective_expiry() {
    let lab = Lab::new();
    lab.ok(&["location", "add", "FRIDGE-1"]);
    item(&lab, "RGT", &["--lot-tracked", "--in-use-days", "28"]);
    item(&lab, "QC", &["--lot-tracked"]);
    receive(
        &lab,
        "RGT",
        "5",
        &[
            "--lot",
            "L-OLD",
            "--expiry",
            "2026-11-20",
            "--location",
            "FRIDGE-1",
        ],
    );
    receive(
        &lab,
        "RGT",
        "1",
        &["--lot", "L-TODAY", "--expiry", "2026-11-21"],
    );
    receive(
        &lab,
        "RGT",
        "2",
        &["--lot", "L-30", "--expiry", "2026-12-21"],
    );
    receive(
        &lab,
        "QC",
        "4",
        &["--lot", "Q-30", "--expiry", "2026-12-21"],
    );
    receive(
        &lab,
        "QC",
        "3",
        &["--lot", "Q-31", "--expiry", "2026-12-22"],
    );
    // Received before it was opened (an opening may not precede it).
    let received = lab
        .cmd()
        .env("LABSTOCK_NOW", "2026-10-30T09:00:00Z")
        .args([
            "receive",
            "RGT",
            "6",
            "--lot",
            "L-OPEN",
            "--expiry",
            "2028-01-01",
        ])
        .output()
        .unwrap();
    assert!(received.status.success(), "{received:?}");
    lab.ok(&["lot", "open", "RGT", "L-OPEN", "--date", "2026-11-01"]);
    receive(
        &lab,
        "QC",
        "2",
        &["--lot", "Q-HELD", "--expiry", "2026-11-30"],
    );
    lab.ok(&["lot", "quarantine", "QC", "Q-HELD"]);

    let rows = lab.csv(&["report", "expiry"]);
    assert_eq!(
        rows[0][..8].join(","),
        "item,name,lot,location,quantity,expiry,days_until_expiry,state"
    );
    let brief: Vec<String> = rows[1..]
        .iter()
        .map(|r| {
            format!(
                "{} {} {} {} {} {} {}",
                r[0], r[2], r[3], r[4], r[5], r[6], r[7]
            )
        })
        .collect();
    assert_eq!(
        brief,
        [
            "RGT L-OLD FRIDGE-1 5 2026-11-20 -1 expired",
            "RGT L-TODAY MAIN 1 2026-11-21 0 expiring",
            "RGT L-OPEN MAIN 1 2026-11-29 8 expiring",
            "QC Q-HELD MAIN 2 2026-11-30 9 expiring",
            "QC Q-30 MAIN 4 2026-12-21 30 expiring",
            "RGT L-30 MAIN 2 2026-12-21 30 expiring",
        ]
    );
    assert_eq!(rows[4][8], "quarantined");
    assert_eq!(rows[3][9], "2028-01-01", "printed expiry of the opened lot");

    let rows = lab.csv(&["report", "expiry", "--within", "0"]);
    assert_eq!(rows.len(), 3);
    let rows = lab.csv(&["report", "expiry", "--within", "0", "--as-of", "2026-11-19"]);
    assert_eq!(rows.len(), 1, "nothing was in stock on the 19th: {rows:?}");
    let rows = lab.csv(&[
        "report",
        "expiry",
        "--location",
        "FRIDGE-1",
        "--within",
        "365",
    ]);
    assert_eq!(rows.len(), 2);
    lab.fails(&["report", "expiry", "--within=-1"], 65);
    lab.fails(&["report", "expiry", "--as-of", "2026-02-30"], 65);
}

#[test]
fn expiry_report_as_of_shows_stock_since_disposed() {
    let mut lab = Lab::new();
    item(&lab, "RGT", &["--lot-tracked"]);
    lab.now = "2026-11-18T10:00:00Z".into();
    receive(&lab, "RGT", "5", &["--lot", "L1", "--expiry", "2026-11-20"]);
    lab.now = crate::common::NOW.into();
    lab.ok(&["dispose", "RGT", "5", "--lot", "L1", "--reason", "expired"]);
    assert_eq!(lab.csv(&["report", "expiry"]).len(), 1);
    let rows = lab.csv(&["report", "expiry", "--as-of", "2026-11-20"]);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[1][4], "5");
    assert_eq!(rows[1][7], "expiring");
}

#[test]
fn usage_report_counts_issues_per_iso_week_net_of_reversals() {
    let mut lab = Lab::new();
    item(
        &lab,
        "GLOVES",
        &["--reorder-level", "5", "--lead-time-days", "14"],
    );
    item(&lab, "IDLE", &["--reorder-level", "1"]);
    item(&lab, "UNUSED", &[]);
    lab.now = "2026-10-26T08:00:00Z".into();
    receive(&lab, "GLOVES", "100", &[]);
    lab.now = "2026-11-02T09:00:00Z".into(); // Monday, 2026-W45
    lab.ok(&["issue", "GLOVES", "6"]);
    lab.now = "2026-11-08T22:00:00Z".into(); // Sunday, still W45
    lab.ok(&["issue", "GLOVES", "4"]);
    lab.now = "2026-11-10T09:00:00Z".into(); // W46
    lab.ok(&["issue", "GLOVES", "50", "--note", "typo"]);
    let id = lab.csv(&["history", "GLOVES"]).last().unwrap()[0].clone();
    lab.ok(&["reverse", &id, "--reason", "meant 5"]);
    lab.ok(&["issue", "GLOVES", "5"]);
    lab.now = "2026-11-20T09:00:00Z".into(); // W47, not yet ended on the 21st
    lab.ok(&["issue", "GLOVES", "7"]);
    lab.now = crate::common::NOW.into();

    let rows = lab.csv(&["report", "usage", "--weeks", "3"]);
    assert_eq!(
        rows[0].join(","),
        "item,name,unit,2026-W44,2026-W45,2026-W46,2026-W47 (partial),total,average_weekly,on_hand,weeks_of_cover,reorder_level,lead_time_days,usage_in_lead_time"
    );
    // The current week so far (7 on the 20th) is shown, marked partial,
    // and counted in neither the total nor the average.
    assert_eq!(
        rows[1],
        [
            "GLOVES", "GLOVES", "each", "0", "10", "5", "7", "15", "5.0", "78", "15.6", "5", "14",
            "10"
        ]
    );
    assert_eq!(
        rows[2][..10],
        ["IDLE", "IDLE", "each", "0", "0", "0", "0", "0", "0.0", "0"]
    );
    assert_eq!(rows[2][10], "", "no use: no weeks of cover");
    assert_eq!(rows.len(), 3, "UNUSED has no use and no level");

    // Default 8 weeks; on the Sunday the week in progress has ended, and
    // there is no partial week.
    let rows = lab.csv(&["report", "usage", "--as-of", "2026-11-22"]);
    assert_eq!(rows[0][3], "2026-W40");
    assert_eq!(rows[0][10], "2026-W47");
    assert_eq!(rows[0][11], "total");
    assert_eq!(rows[1][10], "7");
    lab.fails(&["report", "usage", "--weeks", "0"], 65);
}

#[test]
fn as_of_judges_lot_status_and_opening_as_they_stood_then() {
    let mut lab = Lab::new();
    item(
        &lab,
        "RGT",
        &[
            "--lot-tracked",
            "--in-use-days",
            "1",
            "--reorder-level",
            "5",
            "--max-level",
            "20",
        ],
    );
    lab.now = "2026-11-10T10:00:00Z".into();
    receive(
        &lab,
        "RGT",
        "5",
        &["--lot", "HELD", "--expiry", "2027-06-30"],
    );
    receive(
        &lab,
        "RGT",
        "6",
        &["--lot", "OPENED", "--expiry", "2027-06-30"],
    );
    lab.now = crate::common::NOW.into();
    lab.ok(&[
        "lot",
        "quarantine",
        "RGT",
        "HELD",
        "--reason",
        "cold-chain breach",
    ]);
    lab.ok(&["lot", "open", "RGT", "OPENED", "6", "--date", "2026-11-18"]);
    // Today: HELD is quarantined, OPENED expired on the 19th (in use 1 day).
    let today = reorder(&lab, &[]);
    assert_eq!(cell(&today, "RGT", "on_hand").unwrap(), "0");
    assert!(
        cell(&today, "RGT", "reason")
            .unwrap()
            .contains("not counted: 6 expired, 5 quarantined")
    );
    // On the 17th neither had happened: all 11 usable.
    assert!(!listed(&reorder(&lab, &["--as-of", "2026-11-17"]), "RGT"));
    // On the 19th OPENED was open and still in use; HELD not yet quarantined.
    assert!(!listed(&reorder(&lab, &["--as-of", "2026-11-19"]), "RGT"));
    let r = reorder(&lab, &["--as-of", "2026-11-20"]);
    assert_eq!(cell(&r, "RGT", "on_hand").unwrap(), "5");
}
