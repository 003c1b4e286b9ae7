//! Issue 20, hazards, safety data sheets and the digest (SPEC §16):
//! structured GHS/CLP data checked against the GB CLP lists, SDSs kept in
//! the database, `report sds` and `report coshh`, pictograms on labels,
//! and the digest, on screen and by mail.

use crate::common::{Lab, parse_csv};

/// The value of one column of `item list` for one item.
fn item_field(lab: &Lab, code: &str, column: &str) -> String {
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

/// An acetone line classified as its supplier's sheet says.
fn acetone(lab: &Lab) {
    lab.ok(&[
        "item",
        "add",
        "ACE",
        "--name",
        "Acetone",
        "--ghs",
        "ghs02,GHS07",
        "--signal-word",
        "danger",
        "--h-statements",
        "H225, h319 euh066",
        "--p-statements",
        "P210 p305 + P351+P338",
    ]);
}

#[test]
fn hazard_codes_are_checked_and_written_as_the_gb_clp_list_writes_them() {
    let lab = Lab::new();
    acetone(&lab);
    assert_eq!(item_field(&lab, "ACE", "ghs"), "GHS02 GHS07");
    assert_eq!(item_field(&lab, "ACE", "signal_word"), "Danger");
    assert_eq!(item_field(&lab, "ACE", "h_statements"), "H225 H319 EUH066");
    assert_eq!(
        item_field(&lab, "ACE", "p_statements"),
        "P210 P305+P351+P338"
    );
    // Lettered and combined forms are one code each, kept whole.
    lab.ok(&[
        "item",
        "add",
        "FORM",
        "--name",
        "Formamide",
        "--ghs",
        "GHS08",
        "--signal-word",
        "Danger",
        "--h-statements",
        "H360FD,H350i,H300+H310+H330,H361fd",
    ]);
    assert_eq!(
        item_field(&lab, "FORM", "h_statements"),
        "H360FD H350i H300+H310+H330 H361fd"
    );
    lab.ok(&[
        "item",
        "add",
        "FD2",
        "--name",
        "Other",
        "--h-statements",
        "H360Fd",
    ]);
    assert_eq!(item_field(&lab, "FD2", "h_statements"), "H360Fd");
    // No signal word, as for H411 alone.
    lab.ok(&[
        "item",
        "add",
        "AQ",
        "--name",
        "Aquatic",
        "--ghs",
        "GHS09",
        "--h-statements",
        "H411",
    ]);
    assert_eq!(item_field(&lab, "AQ", "signal_word"), "");
    // JSON carries them too.
    let json: serde_json::Value =
        serde_json::from_str(&lab.ok(&["item", "show", "ACE", "--format", "json"])).unwrap();
    assert_eq!(json["ghs"], "GHS02 GHS07");
    assert_eq!(json["h_statements"], "H225 H319 EUH066");
    // `--version` names the list.
    let version = lab.ok(&["--version", "--verbose"]);
    assert!(version.contains("GB CLP"), "{version}");
}

#[test]
fn unknown_hazard_codes_and_signal_words_are_refused_naming_them_and_write_nothing() {
    let lab = Lab::new();
    acetone(&lab);
    let before = lab.db_bytes();
    for (flag, value, named) in [
        ("--h-statements", "H360fd", "H360fd"),
        ("--h-statements", "H999", "H999"),
        ("--h-statements", "H225+H319", "H225+H319"),
        ("--h-statements", "H310+H300", "H310+H300"),
        ("--h-statements", "EUH999", "EUH999"),
        ("--p-statements", "P999", "P999"),
        ("--p-statements", "P351+P305", "P351+P305"),
        ("--ghs", "GHS10", "GHS10"),
        ("--signal-word", "Caution", "Caution"),
    ] {
        let err = lab.fails(&["item", "add", "BAD", "--name", "Bad", flag, value], 65);
        assert!(err.contains(&format!("{named:?}")), "{flag} {value}: {err}");
        let err = lab.fails(&["item", "edit", "ACE", flag, value], 65);
        assert!(err.contains(named), "{flag} {value}: {err}");
    }
    let err = lab.fails(
        &[
            "item",
            "add",
            "BAD",
            "--name",
            "Bad",
            "--h-statements",
            "H360fd",
        ],
        65,
    );
    assert!(err.contains("case-sensitive"), "{err}");
    assert!(err.contains("H360Fd"), "{err}");
    assert_eq!(lab.db_bytes(), before, "a refused code writes nothing");
    // An import with one bad code writes nothing either.
    let bad = lab.file(
        "bad.csv",
        "code,name,h_statements\nOK1,Fine,H225\nBAD,Bad,H360fd\n",
    );
    let err = lab.fails(&["import", "items", bad.to_str().unwrap()], 65);
    assert!(err.contains("H360fd"), "{err}");
    assert!(err.contains("line 3"), "{err}");
    assert_eq!(lab.db_bytes(), before);
}

#[test]
fn a_un_only_code_is_kept_with_a_warning() {
    let lab = Lab::new();
    let out = lab.run(&[
        "item",
        "add",
        "UN",
        "--name",
        "Un",
        "--h-statements",
        "H303",
    ]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("warning: H303"), "{stderr}");
    assert_eq!(item_field(&lab, "UN", "h_statements"), "H303");
}

#[test]
fn hazard_edits_are_dated_records_and_round_trip_through_export_and_import() {
    let lab = Lab::new();
    acetone(&lab);
    lab.ok(&[
        "item",
        "edit",
        "ACE",
        "--h-statements",
        "H225,H319,H336",
        "--signal-word",
        "Warning",
    ]);
    let audit = lab.ok(&["audit", "--entity", "item:ACE"]);
    assert!(
        audit.contains("h_statements: H225 H319 EUH066 -> H225 H319 H336"),
        "{audit}"
    );
    assert!(audit.contains("signal_word: Danger -> Warning"), "{audit}");
    lab.ok(&["item", "edit", "ACE", "--signal-word", ""]);
    assert_eq!(item_field(&lab, "ACE", "signal_word"), "");

    let exported = lab.ok(&["export", "items"]);
    let header = &parse_csv(&exported)[0];
    let tail: Vec<&str> = header
        .iter()
        .rev()
        .take(4)
        .rev()
        .map(String::as_str)
        .collect();
    assert_eq!(tail, ["ghs", "signal_word", "h_statements", "p_statements"]);
    let fresh = Lab::new();
    let file = fresh.file("items.csv", &exported);
    fresh.ok(&["import", "items", file.to_str().unwrap()]);
    assert_eq!(fresh.ok(&["export", "items"]), exported);
}

#[test]
fn disposing_of_a_ghs_hazardous_item_without_a_waste_stream_is_refused() {
    let lab = Lab::new();
    acetone(&lab);
    lab.ok(&["receive", "ACE", "5"]);
    let before = lab.db_bytes();
    let err = lab.fails(&["dispose", "ACE", "1", "--reason", "expired"], 65);
    assert!(err.contains("waste stream"), "{err}");
    assert!(err.contains("ACE is hazardous"), "{err}");
    assert_eq!(lab.db_bytes(), before);
    lab.ok(&[
        "dispose",
        "ACE",
        "1",
        "--reason",
        "expired",
        "--waste-stream",
        "16 05 06*",
    ]);
}
