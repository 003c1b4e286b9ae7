//! `location edit` and `location retire` (SPEC §9): changes are recorded,
//! a location holding stock is not retired, a retired one keeps its
//! history and takes no new stock.

use crate::common::Lab;

#[test]
fn a_location_is_renamed_with_the_old_name_kept_in_audit() {
    let lab = Lab::new();
    lab.ok(&["location", "add", "FRIDGE-1", "--name", "Fridge"]);
    lab.ok(&[
        "location",
        "edit",
        "fridge-1",
        "--name",
        "Reagent fridge 2-8C",
    ]);
    let list = lab.csv(&["location", "list"]);
    assert!(
        list.iter()
            .any(|r| r[0] == "FRIDGE-1" && r[1] == "Reagent fridge 2-8C"),
        "{list:?}"
    );
    let audit = lab.ok(&["audit", "--format", "csv"]);
    assert!(
        audit.contains("name: Fridge -> Reagent fridge 2-8C"),
        "{audit}"
    );
    lab.fails(&["location", "edit", "NOWHERE", "--name", "x"], 65);
    lab.ok(&["check"]);
}

#[test]
fn a_location_holding_stock_is_not_retired_and_a_retired_one_takes_no_new_stock() {
    let lab = Lab::new();
    lab.ok(&["location", "add", "BENCH-1"]);
    lab.ok(&["item", "add", "TIP", "--name", "Tips"]);
    lab.ok(&["receive", "TIP", "5", "--location", "BENCH-1"]);
    let before = lab.db_bytes();
    let err = lab.fails(&["location", "retire", "BENCH-1"], 65);
    assert!(
        err.contains("still holds stock") && err.contains("TIP: 5"),
        "{err}"
    );
    assert_eq!(lab.db_bytes(), before);
    lab.ok(&["transfer", "TIP", "5", "--from", "BENCH-1", "--to", "MAIN"]);
    lab.ok(&["location", "retire", "BENCH-1"]);
    let before = lab.db_bytes();
    let err = lab.fails(&["receive", "TIP", "1", "--location", "BENCH-1"], 65);
    assert!(err.contains("retired"), "{err}");
    lab.fails(
        &["transfer", "TIP", "1", "--from", "MAIN", "--to", "BENCH-1"],
        65,
    );
    lab.fails(&["location", "retire", "BENCH-1"], 65);
    assert_eq!(lab.db_bytes(), before);
    // Its history stays.
    let history = lab.ok(&["history", "TIP", "--format", "csv"]);
    assert!(history.contains("BENCH-1"), "{history}");
    lab.ok(&["check"]);
}
