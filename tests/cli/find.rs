//! `item find`, `lot find` and "did you mean" by name (issue 13).

use crate::common::Lab;

fn lab() -> Lab {
    let lab = Lab::new();
    lab.ok(&[
        "item",
        "add",
        "RGT-GLU",
        "--name",
        "Glucosé reagent, hexokinase",
        "--lot-tracked",
        "--supplier-ref",
        "04404483190",
        "--gtin",
        "09501101530003",
    ]);
    lab.ok(&["item", "add", "GLU-CAL", "--name", "Calibrator for glucose"]);
    lab.ok(&[
        "item",
        "add",
        "TIP",
        "--name",
        "Filter tips 200 µL",
        "--lot-tracked",
    ]);
    lab.ok(&[
        "receive",
        "RGT-GLU",
        "3",
        "--lot",
        "L1",
        "--expiry",
        "2027-01-31",
    ]);
    lab.ok(&[
        "receive",
        "TIP",
        "5",
        "--lot",
        "L1",
        "--expiry",
        "2028-01-31",
    ]);
    lab
}

fn found(lab: &Lab, text: &str) -> Vec<String> {
    lab.csv(&["item", "find", text])
        .into_iter()
        .skip(1)
        .map(|r| r[0].clone())
        .collect()
}

#[test]
fn item_find_matches_code_name_reference_and_gtin_best_first_ignoring_case_and_accents() {
    let lab = lab();
    // "glucose" starts RGT-GLU's name (accent ignored) and is a word of GLU-CAL's.
    assert_eq!(found(&lab, "GLUCOSE"), ["RGT-GLU", "GLU-CAL"]);
    // A code prefix beats a name.
    assert_eq!(found(&lab, "glu")[0], "GLU-CAL");
    assert_eq!(found(&lab, "04404483190"), ["RGT-GLU"]);
    assert_eq!(found(&lab, "9501101530003"), ["RGT-GLU"]);
    assert_eq!(found(&lab, "tips µl"), ["TIP"]);
    assert!(found(&lab, "lactate").is_empty());
}

#[test]
fn an_unknown_code_suggests_items_by_name() {
    let lab = lab();
    let err = lab.fails(&["issue", "Calibrator", "1"], 65);
    assert!(err.contains("GLU-CAL (Calibrator for glucose)"), "{err}");
}

#[test]
fn lot_find_lists_a_lot_number_across_every_item() {
    let lab = lab();
    let rows = lab.csv(&["lot", "find", "L1"]);
    let items: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(items, ["RGT-GLU", "TIP"]);
    assert_eq!(rows[1][5..7], ["MAIN".to_string(), "3".to_string()]);
    assert_eq!(
        lab.csv(&["lot", "find", "l1"]).len(),
        1,
        "lot numbers match exactly"
    );
}
