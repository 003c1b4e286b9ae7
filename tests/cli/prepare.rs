//! Issue 17, made-up solutions and labels (SPEC §14): the item setting
//! `shelf_life_days`, `prepare` of a batch from component lots, recipes,
//! the two-way trace and cascaded recalls, and labels with a GS1
//! DataMatrix.

use crate::common::{Lab, parse_csv};

/// The value of one column of `item list` for one item.
fn item_setting(lab: &Lab, code: &str, column: &str) -> String {
    let items = lab.csv(&["item", "list"]);
    let col = items[0]
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("no column {column}: {:?}", items[0]));
    items
        .iter()
        .find(|r| r[0] == code)
        .unwrap_or_else(|| panic!("no item {code}"))[col]
        .clone()
}

#[test]
fn shelf_life_days_is_a_recorded_item_setting_that_round_trips() {
    let lab = Lab::new();
    lab.ok(&[
        "item",
        "add",
        "PBS",
        "--name",
        "Phosphate buffered saline",
        "--lot-tracked",
        "--shelf-life-days",
        "28",
    ]);
    let items = lab.csv(&["item", "list"]);
    assert_eq!(
        items[0].last().map(String::as_str),
        Some("shelf_life_days"),
        "the column after acceptance_required (SPEC §7): {:?}",
        items[0]
    );
    assert_eq!(item_setting(&lab, "PBS", "shelf_life_days"), "28");
    lab.ok(&["item", "edit", "PBS", "--shelf-life-days", "14"]);
    assert_eq!(item_setting(&lab, "PBS", "shelf_life_days"), "14");
    let audit = lab.ok(&["audit", "--entity", "item:PBS"]);
    assert!(audit.contains("shelf_life_days: 28 -> 14"), "{audit}");
    lab.ok(&["item", "edit", "PBS", "--shelf-life-days", ""]);
    assert_eq!(item_setting(&lab, "PBS", "shelf_life_days"), "");
    lab.ok(&["item", "edit", "PBS", "--shelf-life-days", "7"]);
    let err = lab.fails(&["item", "edit", "PBS", "--shelf-life-days=-1"], 65);
    assert!(err.contains("shelf_life_days"), "{err}");

    // Export and import keep it, in the items CSV column of SPEC §7.
    let exported = lab.ok(&["export", "items"]);
    let rows = parse_csv(&exported);
    let header = &rows[0];
    let acc = header
        .iter()
        .position(|h| h == "acceptance_required")
        .unwrap();
    assert_eq!(header[acc + 1], "shelf_life_days", "{header:?}");
    let fresh = Lab::new();
    let file = fresh.file("items.csv", &exported);
    fresh.ok(&["import", "items", file.to_str().unwrap()]);
    assert_eq!(item_setting(&fresh, "PBS", "shelf_life_days"), "7");
    assert_eq!(fresh.ok(&["export", "items"]), exported);
    let bad = fresh.file("bad.csv", "code,name,shelf_life_days\nX,X,soon\n");
    let err = fresh.fails(&["import", "items", bad.to_str().unwrap()], 65);
    assert!(err.contains("shelf_life_days"), "{err}");
}
