//! Hostile and messy input (issue 8): CSV files as real systems export
//! them, each either imported exactly or refused with `error:` naming the
//! line, the column and the reason, exit 65 and the database untouched;
//! and CSV output that a spreadsheet cannot run as a formula (OWASP CSV
//! injection), while JSON and tables show the data as it is.
//!
//! The small files live in `tests/data/hostile/` (committed, byte for
//! byte: see its `.gitattributes`); the large ones are written here at run
//! time.

use std::io::Write;
use std::path::PathBuf;

use serde_json::Value;

use crate::common::{Lab, parse_csv};

const MOVEMENTS_HEADER: &str =
    "timestamp,kind,item,quantity,lot,expiry,location,to_location,reason,reference,user,note";

fn hostile(name: &str) -> String {
    format!("{}/tests/data/hostile/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn json(lab: &Lab, args: &[&str]) -> Value {
    let mut full = args.to_vec();
    full.extend(["--format", "json"]);
    serde_json::from_str(&lab.ok(&full)).expect("json output")
}

/// Every string anywhere in `v`.
fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a.iter().flat_map(strings).collect(),
        Value::Object(o) => o.values().flat_map(strings).collect(),
        _ => Vec::new(),
    }
}

/// Import and return stderr, requiring exit 0.
fn import_ok(lab: &Lab, kind: &str, path: &str) -> String {
    let out = lab.run(&["import", kind, path]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "import {kind} {path}: {stderr}");
    stderr
}

/// Import that must be refused with exit 65 and leave the database as it
/// was; returns stderr.
fn import_refused(lab: &Lab, kind: &str, path: &str) -> String {
    let before = lab.db_bytes();
    let err = lab.fails(&["import", kind, path], 65);
    assert_eq!(lab.db_bytes(), before, "{path}: nothing may be written");
    err
}

/// A lab holding the items of the Excel export.
fn excel_lab() -> Lab {
    let lab = Lab::new();
    import_ok(&lab, "items", &hostile("items-excel-utf8-bom-crlf.csv"));
    lab
}

#[test]
fn an_excel_utf8_export_with_bom_and_crlf_imports_exactly() {
    let lab = Lab::new();
    let err = import_ok(&lab, "items", &hostile("items-excel-utf8-bom-crlf.csv"));
    // Excel's trailing blank row is not a row.
    assert!(err.contains("imported 3 items"), "{err}");
    // The BOM is not part of the first header name (else `code` would be
    // an unknown column) nor of the first code.
    let tips = json(&lab, &["item", "show", "PLS-TIP-200F"]);
    assert_eq!(tips["code"], "PLS-TIP-200F");
    assert_eq!(tips["name"], "Filter tips 200 µL, sterile (10 x 96)");
    assert_eq!(tips["unit_cost"], "48.50");
    assert_eq!(tips["lot_tracked"], false);
    let alb = json(&lab, &["item", "show", "RGT-ALB"]);
    assert_eq!(alb["storage"], "2-8°C");
    assert_eq!(alb["supplier_ref"], "03183688122", "leading zero kept");
    assert_eq!(alb["unit_cost"], "71.20");
    assert_eq!(alb["lot_tracked"], true);
    assert_eq!(
        alb["hazard"],
        Value::Null,
        "an empty last cell is not given"
    );
    let etoh = json(&lab, &["item", "show", "CHM-ETOH-70"]);
    assert_eq!(etoh["name"], "Ethanol 70% v/v, 5 L");
    assert_eq!(
        etoh["hazard"],
        "H225 Highly flammable liquid and vapour.\nH319 Causes serious eye irritation."
    );
    assert_eq!(etoh["lot_tracked"], false, "FALSE");
    for item in [tips, alb, etoh] {
        for s in strings(&item) {
            assert!(!s.contains('\r') && !s.contains('\u{feff}'), "{s:?}");
        }
    }
}

#[test]
fn a_lims_export_keeps_multiline_notes_and_doubled_quotes_without_carriage_returns() {
    let lab = excel_lab();
    let err = import_ok(
        &lab,
        "movements",
        &hostile("movements-lims-multiline-notes.csv"),
    );
    assert!(err.contains("imported 3 movements"), "{err}");
    let history = json(&lab, &["history", "RGT-ALB"]);
    assert_eq!(history[0]["at"], "2026-11-02T08:14:00Z");
    assert_eq!(history[0]["user"], "j.okafor");
    assert_eq!(
        history[0]["note"], "Delivered 2 kits short.\nSupplier says \"back-order\" for the rest.",
        "a CRLF inside a quoted cell is stored as a line break, without \\r"
    );
    assert_eq!(history[1]["note"], "To bench \"Biochem 2\", analyser c503");
    assert_eq!(history[1]["at"], "2026-11-03T10:02:00Z");
    let stock = lab.csv(&["stock"]);
    assert!(
        stock.contains(&vec![
            "RGT-ALB".into(),
            "Albumin BCP (cobas c)".into(),
            "AL2611".into(),
            "2027-05-31".into(),
            "MAIN".into(),
            "5".into(),
            String::new(),
            "2027-05-31".into(),
            "available".into()
        ]),
        "{stock:?}"
    );
    lab.ok(&["check"]);
}

#[test]
fn empty_columns_without_a_header_name_are_ignored() {
    let lab = Lab::new();
    let err = import_ok(
        &lab,
        "locations",
        &hostile("locations-trailing-empty-columns.csv"),
    );
    assert!(err.contains("imported 3 locations"), "{err}");
    let list = json(&lab, &["location", "list"]);
    let names: Vec<(&str, &str)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["code"].as_str().unwrap(), l["name"].as_str().unwrap()))
        .collect();
    assert!(names.contains(&("FRIDGE-2", "Reagent fridge 2-8°C, room 2.14")));
    assert!(names.contains(&("FREEZER-2", "-80°C freezer")));
    assert!(names.contains(&("BENCH-MICRO", "Microbiology bench")));
}

#[test]
fn a_column_without_a_header_name_that_holds_data_is_refused_naming_it() {
    let lab = Lab::new();
    let err = import_refused(
        &lab,
        "equipment",
        &hostile("equipment-unnamed-column-with-data.csv"),
    );
    assert!(
        err.contains("line 3, column 8 (no header name)"),
        "line and column: {err}"
    );
    assert!(err.contains("\"checked by J.O.\""), "the value: {err}");
    assert!(err.contains("no name in the header"), "the reason: {err}");
}

#[test]
fn fully_quoted_files_after_a_bom_import() {
    let lab = Lab::new();
    import_ok(&lab, "locations", &hostile("locations-all-quoted-bom.csv"));
    let list = lab.csv(&["location", "list"]);
    assert!(list.contains(&vec![
        "BENCH-BIO".to_owned(),
        "Biochemistry bench, \"hot\" lab".to_owned(),
        "MAIN".to_owned()
    ]));
}

#[test]
fn windows_1252_files_are_refused_naming_line_column_and_byte() {
    let lab = Lab::new();
    let err = import_refused(&lab, "items", &hostile("items-windows-1252.csv"));
    assert!(err.contains("line 3, column name"), "{err}");
    assert!(err.contains("0xB5") && err.contains("\"µ\""), "{err}");
    assert!(err.contains("must be UTF-8"), "{err}");
    // The good row before it is not written either.
    assert!(
        lab.fails(&["item", "show", "PLS-TIP-10"], 65)
            .contains("unknown item")
    );
    let err = import_refused(&lab, "waste", &hostile("waste-windows-1252.csv"));
    assert!(err.contains("line 3, column notes"), "{err}");
    assert!(err.contains("0xB0") && err.contains("\"°\""), "{err}");
    assert!(err.contains("must be UTF-8"), "{err}");
}

#[test]
fn utf16_and_semicolon_files_are_refused_saying_what_to_do() {
    let lab = Lab::new();
    let err = import_refused(&lab, "items", &hostile("items-utf16.csv"));
    assert!(err.contains("UTF-16") && err.contains("CSV UTF-8"), "{err}");
    let err = import_refused(&lab, "items", &hostile("items-semicolons.csv"));
    assert!(err.contains("line 1"), "{err}");
    assert!(err.contains("separated by semicolons"), "{err}");
}

#[test]
fn an_empty_file_is_refused_for_want_of_a_header_row() {
    let lab = Lab::new();
    let err = import_refused(&lab, "items", &hostile("items-empty.csv"));
    assert!(err.contains("the file is empty"), "{err}");
    assert!(err.contains("no header row"), "{err}");
    // Blank lines only are no better.
    let path = lab.file("blank.csv", "\r\n\n\r\n");
    let err = import_refused(&lab, "locations", path.to_str().unwrap());
    assert!(err.contains("no header row"), "{err}");
}

#[test]
fn a_header_only_file_imports_nothing_and_says_so() {
    let lab = Lab::new();
    let before = lab.db_bytes();
    let err = import_ok(&lab, "items", &hostile("items-header-only.csv"));
    assert!(err.contains("imported 0 items"), "{err}");
    assert!(err.contains("no data rows"), "{err}");
    assert_eq!(lab.db_bytes(), before);
}

#[test]
fn an_unclosed_quote_is_refused_at_the_line_it_opens() {
    let lab = excel_lab();
    let err = import_refused(&lab, "movements", &hostile("movements-unclosed-quote.csv"));
    assert!(err.contains("line 3, column note"), "{err}");
    assert!(err.contains("never closed"), "{err}");
}

#[test]
fn a_missing_or_extra_comma_is_refused_naming_the_column() {
    let lab = Lab::new();
    lab.ok(&[
        "equipment",
        "add",
        "EQ-0101",
        "--description",
        "Digital thermometer",
        "--calibration-interval",
        "1y",
    ]);
    let err = import_refused(
        &lab,
        "calibrations",
        &hostile("calibrations-missing-comma.csv"),
    );
    assert!(err.contains("line 3, column notes"), "{err}");
    assert!(err.contains("6 cells, the header has 7"), "{err}");
    let lab = excel_lab();
    let err = import_refused(&lab, "movements", &hostile("movements-extra-cell.csv"));
    assert!(
        err.contains("line 3, column 13 (beyond the header)"),
        "{err}"
    );
    assert!(err.contains("\"haematology\""), "{err}");
}

/// Regression (issue 8, found by `import_props`): a NUL byte in a code
/// reached SQLite, whose CHECK saw an empty string, and the import failed
/// with "database error" and exit 1.
#[test]
fn a_nul_byte_is_refused_as_invalid_data() {
    let lab = Lab::new();
    let path = lab.path().join("nul.csv");
    std::fs::write(&path, b"code,name\r\nBENCH-1,Bench\r\n\0,Bench 2\r\n").unwrap();
    let err = import_refused(&lab, "locations", path.to_str().unwrap());
    assert!(err.contains("line 3, column code"), "{err}");
    assert!(err.contains("NUL byte"), "{err}");
    assert!(!err.contains("database error"), "{err}");
}

/// Regression (issue 8): in a CRLF file the `csv` crate numbers a row by
/// the line the previous row ended on, so errors named the line before
/// the bad row, and blank lines shifted it further.
#[test]
fn line_numbers_are_the_lines_an_editor_shows_in_crlf_files() {
    let lab = excel_lab();
    let err = import_refused(&lab, "movements", &hostile("movements-crlf-bad-row.csv"));
    assert!(err.contains("line 4, column quantity"), "{err}");
    assert!(err.contains("\"two\""), "{err}");
    // Bare CR line ends (classic Mac) are lines too.
    let path = lab.file(
        "cr.csv",
        &format!(
            "{MOVEMENTS_HEADER}\r2026-11-04,receive,PLS-TIP-200F,1,,,,,,,,\r2026-11-05,issue,PLS-TIP-200F,x,,,,,,,,\r"
        ),
    );
    let err = import_refused(&lab, "movements", path.to_str().unwrap());
    assert!(err.contains("line 3, column quantity"), "{err}");
}

/// A file with one enormous cell, written in pieces so the test itself
/// does not hold it twice.
fn file_with_huge_cell(lab: &Lab, name: &str, head: &str, tail: &str, mb: usize) -> PathBuf {
    let path = lab.path().join(name);
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    f.write_all(head.as_bytes()).unwrap();
    // Commas too: inside quotes they are text.
    let filler = if head.ends_with('"') {
        "Lorem ipsum dolor sit amet, 2-8°C. "
    } else {
        "Lorem ipsum dolor sit amet 2-8°C. "
    };
    let chunk = filler.repeat(1024);
    let mut written = 0;
    while written < mb * 1024 * 1024 {
        f.write_all(chunk.as_bytes()).unwrap();
        written += chunk.len();
    }
    f.write_all(tail.as_bytes()).unwrap();
    f.flush().unwrap();
    path
}

#[test]
fn a_10_mb_cell_is_refused_at_the_cell_limit() {
    let lab = excel_lab();
    // Quoted, in a note, with rows after it.
    let path = file_with_huge_cell(
        &lab,
        "note.csv",
        &format!(
            "{MOVEMENTS_HEADER}\n2026-11-04,receive,PLS-TIP-200F,20,,,,,,DN-1,s.murray,ok\n2026-11-05,issue,PLS-TIP-200F,1,,,,,,,s.murray,\""
        ),
        "\"\n2026-11-06,issue,PLS-TIP-200F,1,,,,,,,s.murray,\n",
        10,
    );
    let err = import_refused(&lab, "movements", path.to_str().unwrap());
    assert!(err.contains("line 3, column note"), "{err}");
    assert!(err.contains("longer than 64 KiB"), "{err}");
    assert!(err.len() < 1000, "the value is not echoed: {err}");
    // Unquoted, in a name.
    let path = file_with_huge_cell(&lab, "name.csv", "code,name\nPLS-HUGE,", "\n", 10);
    let err = import_refused(&lab, "items", path.to_str().unwrap());
    assert!(err.contains("line 2, column name"), "{err}");
    assert!(err.contains("64 KiB"), "{err}");
    // A cell just under the limit is data like any other.
    let long = "x".repeat(60 * 1024);
    let path = lab.file("long.csv", &format!("code,name\nPLS-LONG,{long}\n"));
    import_ok(&lab, "items", path.to_str().unwrap());
    assert_eq!(
        json(&lab, &["item", "show", "PLS-LONG"])["name"]
            .as_str()
            .map(str::len),
        Some(long.len())
    );
}

#[test]
fn a_bad_row_after_100000_good_ones_writes_nothing() {
    let lab = excel_lab();
    let path = lab.path().join("ledger.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(f, "{MOVEMENTS_HEADER}").unwrap();
    for i in 0..100_000u32 {
        writeln!(
            f,
            "2026-06-{:02}T{:02}:{:02}:00Z,receive,PLS-TIP-200F,1,,,,,,DN-{i},s.murray,",
            i / 1440 % 28 + 1,
            i / 60 % 24,
            i % 60
        )
        .unwrap();
    }
    // One more than is there.
    writeln!(
        f,
        "2026-07-01T09:00:00Z,issue,PLS-TIP-200F,100001,,,,,,,s.murray,"
    )
    .unwrap();
    f.flush().unwrap();
    drop(f);
    let err = import_refused(&lab, "movements", path.to_str().unwrap());
    assert!(err.contains("line 100002, column quantity"), "{err}");
    assert!(err.contains("100000 available"), "{err}");
    assert_eq!(lab.csv(&["stock"]).len(), 1, "no stock, only the header");
}

// ---------------------------------------------------------------------------
// CSV injection
// ---------------------------------------------------------------------------

const HYPERLINK: &str = "=HYPERLINK(\"http://x\",\"y\")";

/// A lab whose data starts with every formula trigger.
fn injection_lab() -> Lab {
    let lab = Lab::new();
    add_injection_item(&lab);
    lab.ok(&["receive", "RGT-INJ", "3", "--note", "@SUM(1+1)"]);
    // As labstock's own export writes it: the import takes the `'` off.
    let path = lab.file(
        "tab.csv",
        &format!("{MOVEMENTS_HEADER}\n2026-11-21T09:00:00Z,receive,RGT-INJ,1,,,,,,'+PO-2026-0412,a.tester,\n"),
    );
    lab.ok(&["import", "movements", path.to_str().unwrap()]);
    lab.ok(&["adjust", "RGT-INJ", "-1", "--reason=-damaged in transit"]);
    lab.ok(&["issue", "RGT-INJ", "1", "--note", "'quoted' by the bench"]);
    lab.ok(&["location", "add", "BENCH-3", "--name", "\tBench 3"]);
    lab
}

fn add_injection_item(lab: &Lab) {
    lab.ok(&[
        "item",
        "add",
        "RGT-INJ",
        "--name",
        HYPERLINK,
        "--supplier",
        "+44 20 7946 0000",
        "--reorder-level",
        "5",
        "--unit-cost",
        "2.50",
    ]);
}

#[test]
fn csv_reports_escape_formulas_and_keep_numbers_numbers() {
    let lab = injection_lab();
    let reorder = lab.csv(&["report", "reorder"]);
    let header = &reorder[0];
    let row = &reorder[1];
    let col = |name: &str| &row[header.iter().position(|h| h == name).unwrap()];
    assert_eq!(col("name"), &format!("'{HYPERLINK}"));
    assert_eq!(col("supplier"), "'+44 20 7946 0000");
    assert_eq!(col("item"), "RGT-INJ");
    assert_eq!(col("on_hand"), "2");
    assert_eq!(col("unit_cost"), "2.50");
    assert_eq!(col("line_cost"), "10.00");

    let stock = lab.csv(&["stock"]);
    assert_eq!(stock[1][1], format!("'{HYPERLINK}"), "{stock:?}");

    let history = lab.csv(&["history", "RGT-INJ"]);
    let header = &history[0];
    let col =
        |row: usize, name: &str| &history[row][header.iter().position(|h| h == name).unwrap()];
    assert_eq!(col(1, "note"), "'@SUM(1+1)");
    assert_eq!(col(2, "reference"), "'+PO-2026-0412");
    assert_eq!(col(3, "reason"), "'-damaged in transit");
    assert_eq!(col(3, "change"), "-1", "a negative number stays a number");
    assert_eq!(col(4, "note"), "''quoted' by the bench");

    let export = parse_csv(&lab.ok(&["export", "movements"]));
    assert_eq!(export[1][11], "'@SUM(1+1)");
    assert_eq!(export[2][9], "'+PO-2026-0412");
    assert_eq!(export[3][3], "-1", "a negative quantity stays a number");
    assert_eq!(export[3][8], "'-damaged in transit");
    assert_eq!(export[4][11], "''quoted' by the bench");

    let locations = lab.csv(&["location", "list"]);
    assert!(
        locations.contains(&vec![
            "BENCH-3".to_owned(),
            "'\tBench 3".to_owned(),
            "MAIN".to_owned()
        ]),
        "{locations:?}"
    );
    // No cell of any of them starts with a trigger unless it is a number.
    for row in reorder
        .iter()
        .chain(&stock)
        .chain(&history)
        .chain(&export)
        .chain(&locations)
    {
        for cell in row {
            if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                assert!(cell.parse::<f64>().is_ok(), "unescaped {cell:?}");
            }
        }
    }
}

#[test]
fn json_and_table_output_are_not_escaped() {
    let lab = injection_lab();
    let stock = json(&lab, &["stock"]);
    assert_eq!(stock[0]["name"], HYPERLINK);
    let reorder = json(&lab, &["report", "reorder"]);
    assert_eq!(reorder[0]["name"], HYPERLINK);
    assert_eq!(reorder[0]["supplier"], "+44 20 7946 0000");
    let history = json(&lab, &["history", "RGT-INJ"]);
    assert_eq!(history[0]["note"], "@SUM(1+1)");
    assert_eq!(history[1]["reference"], "+PO-2026-0412");
    assert_eq!(history[2]["change"], -1);
    let table = lab.ok(&["stock", "--format", "table"]);
    assert!(
        table.contains(HYPERLINK) && !table.contains('\''),
        "{table}"
    );
}

#[test]
fn escaped_export_imports_back_unchanged() {
    let lab = injection_lab();
    lab.ok(&["export", "movements", "--output", "export.csv"]);
    let exported = std::fs::read_to_string(lab.path().join("export.csv")).unwrap();

    let copy = Lab::new();
    add_injection_item(&copy);
    let path = copy.file("export.csv", &exported);
    copy.ok(&["import", "movements", path.to_str().unwrap()]);
    assert_eq!(copy.ok(&["export", "movements"]), exported, "byte for byte");
    let original = json(&lab, &["history", "RGT-INJ"]);
    let again = json(&copy, &["history", "RGT-INJ"]);
    for field in ["note", "reference", "reason", "change", "at", "user"] {
        for i in 0..4 {
            assert_eq!(again[i][field], original[i][field], "{field} of row {i}");
        }
    }
    assert_eq!(again[0]["note"], "@SUM(1+1)");
    assert_eq!(again[1]["reference"], "+PO-2026-0412");
    assert_eq!(again[2]["reason"], "-damaged in transit");
    assert_eq!(again[3]["note"], "'quoted' by the bench");
}
