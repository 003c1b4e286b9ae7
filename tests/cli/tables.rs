//! Output for people and for spreadsheets (issue 13): tables fitted to
//! the terminal, `--wide`, `--columns`, colour, `--bom`, and the blocks of
//! `item show` / `equipment show`.

use std::sync::OnceLock;

use unicode_width::UnicodeWidthStr;

use crate::common::{Lab, parse_csv};

/// The demo lab (`labstock demo` into the lab's database), built once and
/// only read by these tests.
fn demo() -> &'static Lab {
    static DEMO: OnceLock<Lab> = OnceLock::new();
    DEMO.get_or_init(|| {
        let lab = Lab::empty();
        lab.ok(&["demo"]);
        lab
    })
}

/// A command's stdout as a table at a terminal `width` columns wide.
fn table_at(lab: &Lab, args: &[&str], width: usize) -> String {
    let out = lab
        .cmd()
        .args(args)
        .args(["--format", "table"])
        .env("COLUMNS", width.to_string())
        .output()
        .expect("run labstock");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

fn widest_line(text: &str) -> usize {
    text.lines().map(UnicodeWidthStr::width).max().unwrap_or(0)
}

/// Snapshot a listing at 80 and 120 columns, each line within the width.
fn snapshot_at_80_and_120(name: &str, args: &[&str]) {
    for width in [80, 120] {
        let text = table_at(demo(), args, width);
        assert!(
            widest_line(&text) <= width,
            "{args:?} at {width} columns is {} wide:\n{text}",
            widest_line(&text)
        );
        insta::assert_snapshot!(format!("{name}_{width}"), text);
    }
}

#[test]
fn snapshot_stock_fits_80_and_120_columns() {
    snapshot_at_80_and_120("stock", &["stock"]);
}

#[test]
fn snapshot_reorder_fits_80_and_120_columns() {
    snapshot_at_80_and_120("reorder", &["report", "reorder"]);
}

#[test]
fn snapshot_audit_fits_80_and_120_columns() {
    snapshot_at_80_and_120("audit_equipment", &["audit", "--entity", "equipment"]);
}

#[test]
fn snapshot_equipment_list_fits_80_and_120_columns() {
    snapshot_at_80_and_120("equipment_list", &["equipment", "list"]);
}

#[test]
fn demo_reports_fit_120_columns() {
    let lab = Lab::empty();
    let out = lab
        .cmd()
        .arg("demo")
        .env("COLUMNS", "120")
        .output()
        .expect("run labstock");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("== Reorder list"), "{text}");
    assert!(widest_line(&text) <= 120, "{text}");
}

#[test]
fn free_text_is_cut_with_an_ellipsis_and_codes_and_numbers_stay_whole() {
    let lab = demo();
    let text = table_at(lab, &["report", "reorder"], 80);
    assert!(text.contains('…'), "{text}");
    // Item codes and quantities whole; the long name is not.
    assert!(text.contains("PLS-TIP-1000"), "{text}");
    assert!(text.contains("9029.90"), "{text}");
    assert!(
        !text.contains("Pipette tips 1000 µL, blue, racked (96/rack)"),
        "{text}"
    );
    // What was left out is named under the table.
    assert!(text.contains("left out to fit 80 columns"), "{text}");
    assert!(text.contains("supplier_ref"), "{text}");
    // CSV and JSON are never cut.
    let csv = lab.ok(&["report", "reorder", "--format", "csv"]);
    assert!(csv.contains("Pipette tips 1000 µL, blue, racked (96/rack)"));
    assert!(!csv.contains('…'));
}

#[test]
fn wide_shows_every_column_whole() {
    let lab = demo();
    let text = table_at(lab, &["report", "reorder", "--wide"], 80);
    assert!(!text.contains('…'), "{text}");
    assert!(!text.contains("left out"), "{text}");
    assert!(text.contains("Pipette tips 1000 µL, blue, racked (96/rack)"));
    let header = text.lines().nth(1).unwrap();
    for column in ["supplier_ref", "pack_size", "expiring_before_delivery"] {
        assert!(header.contains(column), "{header}");
    }
    assert!(widest_line(&text) > 80);
    // Global: the flag is accepted after the subcommand and before it.
    lab.ok(&["--wide", "stock"]);
}

#[test]
fn columns_pick_and_order_the_columns_in_every_format() {
    let lab = demo();
    let pick = ["stock", "--columns", "quantity,item"];
    let rows = parse_csv(&lab.ok(&[&pick[..], &["--format", "csv"]].concat()));
    assert_eq!(rows[0], ["quantity", "item"]);
    assert!(rows.iter().all(|r| r.len() == 2));

    let json: serde_json::Value =
        serde_json::from_str(&lab.ok(&[&pick[..], &["--format", "json"]].concat())).unwrap();
    let first = json[0].as_object().unwrap();
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        ["quantity", "item"],
        "{first:?}"
    );

    let text = table_at(lab, &pick, 120);
    let header = text.lines().nth(1).unwrap();
    assert_eq!(
        header.split_whitespace().collect::<Vec<_>>(),
        ["quantity", "item"]
    );

    // On a report, and on the streamed audit CSV.
    let rows = parse_csv(&lab.ok(&[
        "report",
        "reorder",
        "--columns",
        "item,suggested_qty",
        "--format",
        "csv",
    ]));
    assert_eq!(rows[0], ["item", "suggested_qty"]);
    let rows = parse_csv(&lab.ok(&["audit", "--columns", "id,action", "--format", "csv"]));
    assert_eq!(rows[0], ["id", "action"]);
}

#[test]
fn an_unknown_column_is_a_usage_error_listing_the_valid_ones() {
    let lab = demo();
    for format in ["csv", "json", "table"] {
        let err = lab.fails(&["stock", "--columns", "item,qty", "--format", format], 2);
        assert!(err.contains("\"qty\"") || err.contains("qty"), "{err}");
        assert!(
            err.contains("item,name,lot,expiry,location,quantity,opened_on,expires,status"),
            "{err}"
        );
    }
    let err = lab.fails(&["report", "reorder", "--columns", "nope"], 2);
    assert!(err.contains("suggested_qty"), "{err}");
}

#[test]
fn no_colour_escape_codes_off_a_terminal_or_with_no_color() {
    let lab = demo();
    // Off a terminal (the test's pipe), with and without NO_COLOR.
    for no_color in [true, false] {
        let mut cmd = lab.cmd();
        cmd.args(["report", "calibration-due", "--format", "table"]);
        if !no_color {
            cmd.env_remove("NO_COLOR");
        }
        let out = cmd.output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("overdue"), "{text}");
        assert!(!text.contains('\u{1b}'), "{text:?}");
    }
}

#[test]
fn bom_starts_csv_output_and_an_export_with_it_imports_back() {
    let lab = demo();
    let csv = lab.ok(&["stock", "--bom", "--format", "csv"]);
    assert!(csv.starts_with("\u{feff}item,name,"), "{csv:?}");
    let plain = lab.ok(&["stock", "--format", "csv"]);
    assert!(plain.starts_with("item,"), "no mark without --bom");
    // JSON and tables never carry it.
    assert!(
        lab.ok(&["stock", "--bom", "--format", "json"])
            .starts_with('[')
    );

    let exported = lab.ok(&["export", "items", "--bom"]);
    assert!(exported.starts_with('\u{feff}'));
    let fresh = Lab::new();
    let file = fresh.file("items.csv", &exported);
    fresh.ok(&["import", "items", file.to_str().unwrap()]);
    assert_eq!(
        fresh.csv(&["item", "list"]),
        lab.csv(&["item", "list"]),
        "the catalogue round-trips through a BOM-marked export"
    );
}

#[test]
fn a_semicolon_separated_import_is_refused_naming_the_separator() {
    let lab = Lab::new();
    let file = lab.file("items.csv", "code;name\nRGT-1;Reagent one\n");
    let before = lab.db_bytes();
    let err = lab.fails(&["import", "items", file.to_str().unwrap()], 65);
    assert!(
        err.starts_with("error: line 1: the file is separated by semicolons (';'), not commas"),
        "{err}"
    );
    assert!(
        err.contains("\nhint: nothing from the file was written; save it from the spreadsheet as \"CSV UTF-8 (Comma delimited)\", or replace each ';'"),
        "{err}"
    );
    assert_eq!(lab.db_bytes(), before);
}

#[test]
fn piped_item_show_heads_every_block_and_says_what_is_empty() {
    let lab = demo();
    for format in ["table", "csv"] {
        let out = lab.ok(&["item", "show", "RGT-TSH", "--format", format]);
        assert!(out.starts_with("== item RGT-TSH ==\n"), "{out}");
        assert!(out.contains("\n== stock by lot and location ==\n"), "{out}");
        assert!(
            out.contains(
                "\n== changes to the item's settings ==\n(no changes recorded since it was added)\n"
            ),
            "{out}"
        );
        // No block is a bare header with nothing under it.
        assert!(!out.contains("at,user,field,old_value,new_value"), "{out}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&lab.ok(&["item", "show", "RGT-TSH", "--format", "json"])).unwrap();
    assert_eq!(json["code"], "RGT-TSH");
    assert!(json["stock"].is_array() && json["changes"].is_array());

    let out = lab.ok(&["equipment", "show", "EQ-0010", "--format", "csv"]);
    for heading in [
        "== asset EQ-0010 ==\n",
        "\n== status history ==\n",
        "\n== calibrations, extensions and interval changes ==\n",
        "\n== maintenance log ==\n(no maintenance recorded)\n",
    ] {
        assert!(out.contains(heading), "{heading:?} in {out}");
    }
}

#[test]
fn no_progress_is_drawn_when_stderr_is_not_a_terminal() {
    let lab = Lab::new();
    for kind in ["locations", "items", "movements"] {
        let out = lab.run(&[
            "import",
            kind,
            &crate::common::fixture(&format!("{kind}.csv")),
        ]);
        assert!(out.status.success());
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.lines()
                .all(|l| l.starts_with("imported ") || l.starts_with("warning: ")),
            "{err:?}"
        );
        assert!(!err.contains(['\r', '\u{1b}']), "{err:?}");
    }
    for args in [&["check"][..], &["backup", "copy.db"]] {
        let out = lab.run(args);
        assert!(out.status.success(), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(!err.contains(['\r', '\u{1b}']), "{args:?}: {err:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn columns_pick_from_an_export_too_and_it_still_imports() {
    let lab = demo();
    let out = lab.ok(&["export", "items", "--columns", "code,name,unit"]);
    let rows = parse_csv(&out);
    assert_eq!(rows[0], ["code", "name", "unit"]);
    assert!(rows.len() > 50 && rows.iter().all(|r| r.len() == 3));
    let fresh = Lab::new();
    let file = fresh.file("items.csv", &out);
    fresh.ok(&["import", "items", file.to_str().unwrap()]);
    let err = lab.fails(&["export", "items", "--columns", "code,nam"], 2);
    assert!(err.contains("unknown column \"nam\""), "{err}");
    assert!(err.contains("code,name,category"), "{err}");
}
