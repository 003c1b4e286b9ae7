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
    // An import warns too, naming the line.
    let file = lab.file("un.csv", "code,name,h_statements\nUN2,Other,H303 H225\n");
    let out = lab.run(&["import", "items", file.to_str().unwrap()]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("line 2: UN2: H303"), "{stderr}");
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

/// A small PDF (only its first bytes matter to labstock).
fn pdf(lab: &Lab, name: &str, body: &str) -> String {
    let path = lab.path().join(name);
    std::fs::write(&path, format!("%PDF-1.7\n{body}\n%%EOF\n")).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn sds_revisions_are_stored_kept_and_the_newest_is_current() {
    let lab = Lab::new();
    acetone(&lab);
    let old = pdf(&lab, "ace-2021.pdf", "revision 2021");
    let new = pdf(&lab, "ace-2024.pdf", "revision 2024");
    lab.ok(&[
        "sds",
        "add",
        "ACE",
        &old,
        "--revised",
        "2021-05-01",
        "--supplier",
        "Fisher",
    ]);
    lab.ok(&[
        "sds",
        "add",
        "ACE",
        &new,
        "--revised",
        "2024-02-01",
        "--supplier",
        "Fisher",
    ]);
    let out = lab.path().join("got.pdf");
    lab.ok(&["sds", "get", "ACE", "--output", out.to_str().unwrap()]);
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&new).unwrap());
    // To standard output too, byte for byte.
    let got = lab.cmd().args(["sds", "get", "ace"]).output().unwrap();
    assert_eq!(got.stdout, std::fs::read(&new).unwrap());

    let list = lab.csv(&["sds", "list", "ACE"]);
    assert_eq!(
        list[0],
        [
            "item",
            "revised",
            "supplier",
            "sha256",
            "bytes",
            "filename",
            "added_at",
            "added_by",
            "confirmed",
            "current"
        ]
    );
    assert_eq!(list.len(), 3, "every revision kept: {list:?}");
    assert_eq!(list[1][1], "2021-05-01");
    assert_eq!(list[1][9], "false");
    assert_eq!(list[2][1], "2024-02-01");
    assert_eq!(list[2][9], "true");
    assert_eq!(list[2][2], "Fisher");
    assert_eq!(list[2][5], "ace-2024.pdf");
    assert_eq!(list[2][7], "a.tester");
    // The SHA-256 is the document's.
    use sha2::Digest;
    let expected = sha2::Sha256::digest(std::fs::read(&new).unwrap());
    let hex = expected.iter().fold(String::new(), |mut s, b| {
        use std::fmt::Write;
        let _ = write!(s, "{b:02x}");
        s
    });
    assert_eq!(list[2][3], hex);
    assert_eq!(
        list[2][4],
        std::fs::metadata(&new).unwrap().len().to_string()
    );

    let audit = lab.ok(&["audit", "--entity", "item:ACE"]);
    assert!(
        audit.contains("safety data sheet revised 2024-02-01 from Fisher"),
        "{audit}"
    );
    // `check` proves them.
    lab.ok(&["check"]);
}

#[test]
fn sds_refusals_name_the_problem_and_write_nothing() {
    let lab = Lab::new();
    acetone(&lab);
    let current = pdf(&lab, "current.pdf", "current");
    lab.ok(&["sds", "add", "ACE", &current, "--revised", "2024-02-01"]);
    let before = lab.db_bytes();

    let text = lab.file("sheet.txt", "Safety data sheet (typed up)");
    let err = lab.fails(
        &[
            "sds",
            "add",
            "ACE",
            text.to_str().unwrap(),
            "--revised",
            "2025-01-01",
        ],
        65,
    );
    assert!(err.contains("sheet.txt") && err.contains("PDF"), "{err}");

    let big = lab.path().join("big.pdf");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(20_000_001).unwrap();
    let err = lab.fails(
        &[
            "sds",
            "add",
            "ACE",
            big.to_str().unwrap(),
            "--revised",
            "2025-01-01",
        ],
        65,
    );
    assert!(err.contains("big.pdf") && err.contains("20000000"), "{err}");

    let later = pdf(&lab, "later.pdf", "later");
    let err = lab.fails(
        &["sds", "add", "ACE", &later, "--revised", "2026-11-22"],
        65,
    );
    assert!(
        err.contains("2026-11-22") && err.contains("after today"),
        "{err}"
    );
    let err = lab.fails(
        &["sds", "add", "ACE", &later, "--revised", "2023-12-31"],
        65,
    );
    assert!(
        err.contains("2023-12-31") && err.contains("older than"),
        "{err}"
    );
    assert!(
        err.contains("2024-02-01"),
        "names the current revision: {err}"
    );
    let err = lab.fails(
        &["sds", "add", "ACE", &current, "--revised", "2024-02-01"],
        65,
    );
    assert!(err.contains("already exists"), "{err}");
    let err = lab.fails(
        &["sds", "add", "NOPE", &later, "--revised", "2024-02-01"],
        65,
    );
    assert!(err.contains("NOPE"), "{err}");
    let err = lab.fails(
        &[
            "sds",
            "add",
            "ACE",
            "missing.pdf",
            "--revised",
            "2024-02-01",
        ],
        66,
    );
    assert!(err.contains("missing.pdf"), "{err}");
    let err = lab.fails(
        &["sds", "add", "ACE", &later, "--revised", "14/03/2025"],
        65,
    );
    assert!(err.contains("14/03/2025"), "{err}");
    let err = lab.fails(&["report", "sds", "--older-than-years", "three"], 65);
    assert!(err.contains("three"), "{err}");
    let err = lab.fails(&["sds", "confirm", "ACE", "--date", "2024-01-01"], 65);
    assert!(err.contains("2024-01-01"), "{err}");
    assert_eq!(lab.db_bytes(), before, "a refused SDS writes nothing");

    lab.ok(&[
        "item", "add", "NONE", "--name", "No sheet", "--ghs", "GHS07",
    ]);
    let err = lab.fails(&["sds", "get", "NONE"], 65);
    assert!(err.contains("NONE has no safety data sheet"), "{err}");
    assert!(
        err.contains("hint: add the supplier's sheet with `labstock sds add NONE"),
        "{err}"
    );
    lab.fails(&["sds", "confirm", "NONE"], 65);
}

#[test]
fn check_proves_every_sds_document_against_its_hash() {
    crate::common::sqlite_file_test("it alters a stored document through a raw SQLite connection");
    let lab = Lab::new();
    acetone(&lab);
    let sheet = pdf(&lab, "sheet.pdf", "the real sheet");
    lab.ok(&["sds", "add", "ACE", &sheet, "--revised", "2024-02-01"]);
    lab.raw()
        .execute_batch(
            "DROP TRIGGER sds_documents_no_update;
             UPDATE sds_documents SET document = CAST('%PDF-1.7 forged' AS BLOB);",
        )
        .unwrap();
    let out = lab.run(&["check"]);
    assert_eq!(out.status.code(), Some(3));
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("safety data sheet document 1"), "{text}");
    // A revision record edited is named by its hash chain.
    let lab = Lab::new();
    acetone(&lab);
    lab.ok(&[
        "sds",
        "add",
        "ACE",
        &pdf(&lab, "s.pdf", "s"),
        "--revised",
        "2024-02-01",
    ]);
    lab.raw()
        .execute_batch(
            "DROP TRIGGER sds_revisions_no_update;
             UPDATE sds_revisions SET revised = '2026-01-01';",
        )
        .unwrap();
    let out = lab.run(&["check"]);
    assert_eq!(out.status.code(), Some(3));
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains("sds_revisions row 1 no longer matches its hash"),
        "{text}"
    );
}

#[test]
fn report_sds_lists_missing_and_review_and_a_confirmation_clears_a_review() {
    let lab = Lab::new();
    acetone(&lab);
    lab.ok(&[
        "item",
        "add",
        "NONE",
        "--name",
        "No sheet",
        "--h-statements",
        "H315",
    ]);
    lab.ok(&["item", "add", "SAFE", "--name", "Gloves"]);
    lab.ok(&["item", "add", "FRESH", "--name", "Fresh", "--ghs", "GHS07"]);
    lab.ok(&[
        "sds",
        "add",
        "ACE",
        &pdf(&lab, "a.pdf", "a"),
        "--revised",
        "2022-06-01",
    ]);
    lab.ok(&[
        "sds",
        "add",
        "FRESH",
        &pdf(&lab, "f.pdf", "f"),
        "--revised",
        "2025-06-01",
    ]);
    let rows = lab.csv(&["report", "sds"]);
    assert_eq!(
        rows,
        [
            vec![
                "item",
                "name",
                "ghs",
                "signal_word",
                "sds_revised",
                "sds_confirmed",
                "state"
            ],
            vec![
                "ACE",
                "Acetone",
                "GHS02 GHS07",
                "Danger",
                "2022-06-01",
                "",
                "review"
            ],
            vec!["NONE", "No sheet", "", "", "", "", "missing"],
        ]
    );
    // Four years is not yet due.
    let rows = lab.csv(&["report", "sds", "--older-than-years", "5"]);
    assert_eq!(rows.len(), 2, "{rows:?}");
    lab.ok(&[
        "sds",
        "confirm",
        "ACE",
        "--date",
        "2026-11-01",
        "--note",
        "supplier e-mail",
    ]);
    let rows = lab.csv(&["report", "sds"]);
    assert_eq!(
        rows.len(),
        2,
        "the confirmation clears the review: {rows:?}"
    );
    assert_eq!(rows[1][0], "NONE");
    let audit = lab.ok(&["audit", "--entity", "item:ACE"]);
    assert!(
        audit.contains("confirmed current on 2026-11-01; supplier e-mail"),
        "{audit}"
    );
    // Three years after the confirmation it is due again.
    let rows = lab.csv(&["report", "sds", "--as-of", "2029-11-02"]);
    assert!(
        rows.iter()
            .any(|r| r[0] == "ACE" && r[5] == "2026-11-01" && r[6] == "review"),
        "{rows:?}"
    );
}

#[test]
fn report_coshh_is_the_hazardous_inventory_by_location() {
    let lab = Lab::new();
    acetone(&lab);
    lab.ok(&["location", "add", "FLAM-1", "--name", "Flammables cabinet"]);
    lab.ok(&["item", "add", "SAFE", "--name", "Gloves"]);
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
    lab.ok(&["receive", "ACE", "4", "--location", "FLAM-1"]);
    lab.ok(&["receive", "ACE", "2"]);
    lab.ok(&["receive", "SAFE", "10"]);
    lab.ok(&["receive", "AQ", "1"]);
    lab.ok(&["issue", "AQ", "1"]);
    lab.ok(&[
        "sds",
        "add",
        "ACE",
        &pdf(&lab, "a.pdf", "a"),
        "--revised",
        "2024-02-01",
    ]);
    let rows = lab.csv(&["report", "coshh"]);
    assert_eq!(
        rows,
        [
            vec![
                "item",
                "name",
                "location",
                "quantity",
                "unit",
                "ghs",
                "signal_word",
                "h_statements",
                "sds_revised"
            ],
            vec![
                "ACE",
                "Acetone",
                "FLAM-1",
                "4",
                "each",
                "GHS02 GHS07",
                "Danger",
                "H225 H319 EUH066",
                "2024-02-01"
            ],
            vec![
                "ACE",
                "Acetone",
                "MAIN",
                "2",
                "each",
                "GHS02 GHS07",
                "Danger",
                "H225 H319 EUH066",
                "2024-02-01"
            ],
        ],
        "no row for a non-hazardous item or for a location holding none"
    );
    let rows = lab.csv(&["report", "coshh", "--location", "flam-1"]);
    assert_eq!(rows.len(), 2, "{rows:?}");
    lab.fails(&["report", "coshh", "--location", "NOWHERE"], 65);
}

#[test]
fn labels_of_hazardous_items_draw_the_pictograms_the_signal_word_and_the_h_statements() {
    let lab = Lab::new();
    acetone(&lab);
    lab.ok(&["item", "edit", "ACE", "--lot-tracked", "true"]);
    lab.ok(&[
        "receive",
        "ACE",
        "2",
        "--lot",
        "A1",
        "--expiry",
        "2027-06-30",
    ]);
    lab.ok(&["item", "add", "SAFE", "--name", "Saline", "--lot-tracked"]);
    lab.ok(&[
        "receive",
        "SAFE",
        "2",
        "--lot",
        "S1",
        "--expiry",
        "2027-06-30",
    ]);

    let svg = lab.ok(&["label", "ACE", "A1"]);
    let codes: Vec<&str> = svg
        .split("class=\"ghs\" data-code=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    assert_eq!(
        codes,
        ["GHS02", "GHS07"],
        "one drawing per pictogram, in order"
    );
    for group in svg.split("class=\"ghs\"").skip(1) {
        let group = group.split("</g>").next().unwrap();
        assert!(
            group.contains("stroke=\"rgb(226,0,0)\""),
            "a red border: {group}"
        );
        assert!(
            group.matches("fill=\"#000\"").count() >= 2,
            "a black symbol drawn in paths: {group}"
        );
        assert!(!group.contains("href"), "drawn, never fetched: {group}");
    }
    assert!(svg.contains(">DANGER</text>"), "{svg}");
    assert!(svg.contains(">H225 H319 EUH066</text>"), "{svg}");
    // Every pictogram has a drawing of its own.
    lab.ok(&[
        "item",
        "edit",
        "ACE",
        "--ghs",
        "GHS01,GHS02,GHS03,GHS04,GHS05,GHS06,GHS07,GHS08,GHS09",
    ]);
    let svg = lab.ok(&["label", "ACE", "A1"]);
    let groups: Vec<&str> = svg
        .split("class=\"ghs\"")
        .skip(1)
        .map(|g| g.split("</g>").next().unwrap())
        .collect();
    assert_eq!(groups.len(), 9);
    for (i, a) in groups.iter().enumerate() {
        let drawing = |g: &str| g.split("/>").skip(1).collect::<Vec<_>>().join("");
        for b in &groups[i + 1..] {
            assert_ne!(drawing(a), drawing(b), "two pictograms drawn alike");
        }
    }

    let plain = lab.ok(&["label", "SAFE", "S1"]);
    assert!(
        !plain.contains("class=\"ghs\""),
        "no pictogram without GHS data"
    );

    let out = lab.run(&["label", "ACE", "A1", "--format", "pdf", "--output", "a.pdf"]);
    assert!(out.status.success(), "{out:?}");
    let pdf = std::fs::read(lab.path().join("a.pdf")).unwrap();
    let text = String::from_utf8_lossy(&pdf);
    assert!(text.contains("(DANGER)"), "the signal word in the page");
    assert!(
        text.contains("(H225 H319 EUH066)"),
        "the H statements in the page"
    );
    assert!(
        text.contains("0.89 0 0 RG"),
        "the red border of the pictograms"
    );
    assert!(text.contains("f*"), "the symbols filled even-odd");
}
