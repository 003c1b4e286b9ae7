//! CSV import and export: all or nothing, errors with line and column,
//! and an export that imports back to identical balances.

use crate::common::{Lab, fixture};

const MOVEMENTS_HEADER: &str =
    "timestamp,kind,item,quantity,lot,expiry,location,to_location,reason,reference,user,note";

/// A lab with the demo catalogue (locations and items) but no stock.
fn catalogue_lab() -> Lab {
    let lab = Lab::new();
    lab.ok(&["import", "locations", &fixture("locations.csv")]);
    lab.ok(&["import", "items", &fixture("items.csv")]);
    lab
}

fn demo_lab() -> Lab {
    let lab = catalogue_lab();
    lab.ok(&["import", "movements", &fixture("movements.csv")]);
    lab
}

#[test]
fn the_demo_fixtures_import_cleanly_and_check_agrees() {
    let lab = demo_lab();
    lab.ok(&["check"]);
    let stock = lab.csv(&["stock"]);
    assert!(stock.len() > 50, "the demo lab holds stock on many lines");
}

#[test]
fn a_bad_row_on_line_57_is_reported_with_its_column_and_nothing_is_written() {
    let lab = Lab::new();
    lab.ok(&[
        "item",
        "add",
        "PLS-UNIV",
        "--name",
        "Universal container 30 mL",
    ]);
    let before = lab.db_bytes();
    let mut csv = String::from(MOVEMENTS_HEADER);
    csv.push('\n');
    for day in 0..55 {
        csv.push_str(&format!(
            "2026-10-{:02}T09:00:00Z,receive,PLS-UNIV,10,,,,,,DN-{day},s.murray,\n",
            day % 28 + 1
        ));
    }
    // Line 57: an issue of more than is there would do, but make it a
    // malformed quantity so the column is unambiguous.
    csv.push_str("2026-10-29T09:00:00Z,issue,PLS-UNIV,ten,,,,,,,s.murray,\n");
    csv.push_str("2026-10-30T09:00:00Z,issue,PLS-UNIV,1,,,,,,,s.murray,\n");
    let path = lab.file("movements.csv", &csv);
    let err = lab.fails(&["import", "movements", path.to_str().unwrap()], 65);
    assert!(err.contains("line 57, column quantity"), "{err}");
    assert!(err.contains("\"ten\""), "{err}");
    assert_eq!(lab.db_bytes(), before, "nothing of the file may be written");
    assert_eq!(lab.csv(&["stock"]).len(), 1);
}

#[test]
fn a_row_that_would_go_negative_is_judged_against_the_running_balance() {
    let lab = Lab::new();
    lab.ok(&[
        "item",
        "add",
        "PLS-UNIV",
        "--name",
        "Universal container 30 mL",
    ]);
    let before = lab.db_bytes();
    let csv = format!(
        "{MOVEMENTS_HEADER}\n2026-10-01,receive,PLS-UNIV,5,,,,,,,,\n2026-10-02,issue,PLS-UNIV,3,,,,,,,,\n2026-10-03,issue,PLS-UNIV,3,,,,,,,,\n"
    );
    let path = lab.file("m.csv", &csv);
    let err = lab.fails(&["import", "movements", path.to_str().unwrap()], 65);
    assert!(err.contains("line 4, column quantity"), "{err}");
    assert!(err.contains("3 requested, 2 available"), "{err}");
    assert_eq!(lab.db_bytes(), before);
}

#[test]
fn headers_must_name_known_columns_and_the_required_ones() {
    let lab = Lab::new();
    let before = lab.db_bytes();
    let path = lab.file(
        "items.csv",
        "code,name,colour\nPPE-APRON,Disposable apron,white\n",
    );
    let err = lab.fails(&["import", "items", path.to_str().unwrap()], 65);
    assert!(err.contains("line 1, column colour"), "{err}");
    assert!(err.contains("unknown column"), "{err}");
    let path = lab.file("items2.csv", "code,unit\nPPE-APRON,each\n");
    let err = lab.fails(&["import", "items", path.to_str().unwrap()], 65);
    assert!(err.contains("column name is required"), "{err}");
    let path = lab.file("m.csv", "item,quantity\nPPE-APRON,1\n");
    let err = lab.fails(&["import", "movements", path.to_str().unwrap()], 65);
    assert!(err.contains("column kind is required"), "{err}");
    assert_eq!(lab.db_bytes(), before);
}

#[test]
fn non_utf8_input_and_missing_files_are_refused() {
    let lab = Lab::new();
    let before = lab.db_bytes();
    let path = lab.dir.path().join("latin1.csv");
    std::fs::write(&path, b"code,name\nPPE-APRON,Tablier \xe9tanche\n").unwrap();
    let err = lab.fails(&["import", "items", path.to_str().unwrap()], 65);
    assert!(err.contains("line 2") && err.contains("UTF-8"), "{err}");
    let err = lab.fails(&["import", "items", "no-such-file.csv"], 66);
    assert!(err.contains("no-such-file.csv"), "{err}");
    assert_eq!(lab.db_bytes(), before);
}

#[test]
fn item_rows_are_validated_like_item_add() {
    let lab = Lab::new();
    let before = lab.db_bytes();
    let cases = [
        (
            "code,name,pack_size\nTIP-10,Tips 10 uL,0\n",
            "line 2, column pack_size",
        ),
        (
            "code,name,reorder_level,max_level\nTIP-10,Tips 10 uL,10,10\n",
            "line 2, column max_level",
        ),
        (
            "code,name,unit_cost\nTIP-10,Tips 10 uL,4.999\n",
            "line 2, column unit_cost",
        ),
        (
            "code,name,lot_tracked\nTIP-10,Tips 10 uL,maybe\n",
            "line 2, column lot_tracked",
        ),
        (
            "code,name\nTIP-10,Tips 10 uL\ntip-10,Tips again\n",
            "line 3, column code",
        ),
        (
            "code,name,waste_stream\nTIP-10,Tips 10 uL,18 01 99\n",
            "line 2, column waste_stream",
        ),
        (
            "code,name,gtin\nTIP-10,Tips 10 uL,12345\n",
            "line 2, column gtin",
        ),
    ];
    for (csv, expected) in cases {
        let path = lab.file("items.csv", csv);
        let err = lab.fails(&["import", "items", path.to_str().unwrap()], 65);
        assert!(
            err.contains(expected),
            "{csv}: expected {expected:?} in {err}"
        );
    }
    assert_eq!(lab.db_bytes(), before);
}

#[test]
fn movement_rows_follow_the_precise_rules() {
    let lab = Lab::new();
    lab.ok(&[
        "item",
        "add",
        "RGT-GLU",
        "--name",
        "Glucose reagent",
        "--lot-tracked",
    ]);
    let before = lab.db_bytes();
    let cases = [
        (
            "2026-10-01T09:00:00,receive,RGT-GLU,5,G1,2027-01-01",
            "no UTC offset",
        ),
        (
            "2026-10-01,reverse,RGT-GLU,5,G1,2027-01-01",
            "reverse rows cannot be imported",
        ),
        ("2026-10-01,receive,RGT-GLU,5,,2027-01-01", "column lot"),
        ("2026-10-01,receive,RGT-GLU,5,G1,", "column expiry"),
        ("2026-10-01,adjust,RGT-GLU,5,G1,", "column reason"),
        ("2026-10-01,receive,RGT-GLU,5,G1,2027-02-30", "no such date"),
        ("2026-10-01,shelve,RGT-GLU,5,G1,2027-01-01", "column kind"),
    ];
    for (row, expected) in cases {
        let path = lab.file(
            "m.csv",
            &format!("timestamp,kind,item,quantity,lot,expiry,reason\n{row},\n"),
        );
        let err = lab.fails(&["import", "movements", path.to_str().unwrap()], 65);
        assert!(
            err.contains(expected),
            "{row}: expected {expected:?} in {err}"
        );
    }
    // A receipt naming an existing lot with a different expiry is refused.
    let path = lab.file(
        "m.csv",
        "timestamp,kind,item,quantity,lot,expiry\n2026-10-01,receive,RGT-GLU,5,G1,2027-01-01\n2026-10-02,receive,RGT-GLU,5,G1,2027-01-02\n",
    );
    let err = lab.fails(&["import", "movements", path.to_str().unwrap()], 65);
    assert!(err.contains("line 3, column expiry"), "{err}");
    assert_eq!(lab.db_bytes(), before);
}

#[test]
fn an_explicit_expired_lot_issue_needs_allow_expired_in_imports_too() {
    let lab = Lab::new();
    lab.ok(&[
        "item",
        "add",
        "RGT-GLU",
        "--name",
        "Glucose reagent",
        "--lot-tracked",
    ]);
    let csv = "timestamp,kind,item,quantity,lot,expiry\n\
               2026-09-01,receive,RGT-GLU,5,G1,2026-09-30\n\
               2026-10-05,issue,RGT-GLU,1,G1,\n";
    let path = lab.file("m.csv", csv);
    let err = lab.fails(&["import", "movements", path.to_str().unwrap()], 65);
    assert!(
        err.contains("line 3") && err.contains("expired on 2026-09-30"),
        "{err}"
    );
    lab.ok(&[
        "import",
        "movements",
        path.to_str().unwrap(),
        "--allow-expired",
    ]);
    // FEFO in an import is judged at the row's date: the lot was usable then.
    let lab = Lab::new();
    lab.ok(&[
        "item",
        "add",
        "RGT-GLU",
        "--name",
        "Glucose reagent",
        "--lot-tracked",
    ]);
    let csv = "timestamp,kind,item,quantity,lot,expiry\n\
               2026-09-01,receive,RGT-GLU,5,G1,2026-09-30\n\
               2026-09-10,issue,RGT-GLU,2,,\n";
    let path = lab.file("m.csv", csv);
    lab.ok(&["import", "movements", path.to_str().unwrap()]);
}

#[test]
fn import_reads_standard_input_for_a_dash() {
    let lab = Lab::new();
    let out = lab.run_stdin(
        &["import", "locations", "-"],
        "code,name\nFREEZER-1,-20C freezer\nmain,Main store\n",
    );
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("imported 1 locations") && stderr.contains("1 already present"),
        "{stderr}"
    );
}

#[test]
fn export_then_import_gives_identical_balances() {
    let lab = demo_lab();
    // Interactive movements the import format has no row for: reversals of
    // an issue and of a transfer, and a disposal.
    lab.ok(&["receive", "PPE-GLV-M", "10", "--reference", "DN-RT1"]);
    lab.ok(&[
        "transfer",
        "PPE-GLV-M",
        "4",
        "--from",
        "MAIN",
        "--to",
        "BENCH-HAEM",
    ]);
    lab.ok(&["issue", "PPE-GLV-M", "2"]);
    let history = lab.csv(&["history", "PPE-GLV-M"]);
    let n = history.len();
    let transfer_id = history[n - 2][0].clone();
    let issue_id = history[n - 1][0].clone();
    lab.ok(&["reverse", &issue_id, "--reason", "wrong item"]);
    lab.ok(&["reverse", &transfer_id, "--reason", "wrong bench"]);
    lab.ok(&["export", "movements", "--output", "export.csv"]);
    let exported = lab.path().join("export.csv");

    let copy = catalogue_lab();
    copy.ok(&["import", "movements", exported.to_str().unwrap()]);
    assert_eq!(copy.csv(&["stock"]), lab.csv(&["stock"]));
    copy.ok(&["check"]);
    // And the export of the copy is the export of the original, row for row
    // (reversals become their equivalent movements once, then stay so).
    copy.ok(&["export", "movements", "--output", "again.csv"]);
    let again = copy.csv(&["stock", "--as-of", "2026-08-01"]);
    assert_eq!(again, lab.csv(&["stock", "--as-of", "2026-08-01"]));
}
