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
    let acc = items[0]
        .iter()
        .position(|h| h == "acceptance_required")
        .unwrap();
    assert_eq!(
        items[0].get(acc + 1).map(String::as_str),
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

/// A lab with components NACL (lot-tracked, 30 days in use once opened;
/// lots S1 to 2027-06-30 and S2 to 2027-03-31, 5 each at MAIN), WATER (no
/// lots, 10 at MAIN), and prepared items PBS (28 days' shelf life) and
/// STAIN (no shelf life). The stock was received on 1 October.
pub(crate) fn lab() -> Lab {
    let mut lab = Lab::new();
    lab.now = "2026-10-01T09:00:00Z".to_owned();
    lab.ok(&[
        "item",
        "add",
        "NACL",
        "--name",
        "Sodium chloride",
        "--lot-tracked",
        "--in-use-days",
        "30",
    ]);
    lab.ok(&["item", "add", "WATER", "--name", "Purified water"]);
    lab.ok(&[
        "item",
        "add",
        "PBS",
        "--name",
        "Phosphate buffered saline",
        "--lot-tracked",
        "--shelf-life-days",
        "28",
        "--storage",
        "2-8C",
    ]);
    lab.ok(&[
        "item",
        "add",
        "STAIN",
        "--name",
        "Working stain",
        "--lot-tracked",
    ]);
    lab.ok(&[
        "receive",
        "NACL",
        "5",
        "--lot",
        "S1",
        "--expiry",
        "2027-06-30",
    ]);
    lab.ok(&[
        "receive",
        "NACL",
        "5",
        "--lot",
        "S2",
        "--expiry",
        "2027-03-31",
    ]);
    lab.ok(&["receive", "WATER", "10"]);
    lab.now = crate::common::NOW.to_owned();
    lab
}

/// `stock --item ITEM` as (lot, expiry, location, quantity).
fn stock(lab: &Lab, item: &str) -> Vec<(String, String, String, String)> {
    lab.csv(&["stock", "--item", item])
        .into_iter()
        .skip(1)
        .map(|r| (r[2].clone(), r[3].clone(), r[4].clone(), r[5].clone()))
        .collect()
}

fn line(lot: &str, expiry: &str, location: &str, q: &str) -> (String, String, String, String) {
    (lot.into(), expiry.into(), location.into(), q.into())
}

#[test]
fn a_batch_takes_the_shelf_life_when_it_ends_first_and_issues_its_components_fefo() {
    let lab = lab();
    let out = lab.run(&[
        "prepare",
        "PBS",
        "4",
        "--batch",
        "PB-1",
        "--component",
        "NACL=1",
        "--component",
        "WATER=2",
        "--note",
        "pH 7.4",
    ]);
    assert!(out.status.success(), "{out:?}");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("expires 2026-12-19") && said.contains("shelf life of 28 days"),
        "{said}"
    );
    // Made at MAIN today: 21 Nov + 28 days; NACL's FEFO lot S2 (March)
    // is later.
    assert_eq!(
        stock(&lab, "PBS"),
        [line("PB-1", "2026-12-19", "MAIN", "4")]
    );
    assert_eq!(
        stock(&lab, "NACL"),
        [
            line("S1", "2027-06-30", "MAIN", "5"),
            line("S2", "2027-03-31", "MAIN", "4")
        ]
    );
    assert_eq!(stock(&lab, "WATER"), [line("", "", "MAIN", "8")]);
    // The batch and its issues are in the bin cards.
    let history = lab.ok(&["history", "PBS"]);
    assert!(
        history.contains("receive") && history.contains("PB-1"),
        "{history}"
    );
    let history = lab.ok(&["history", "NACL", "--lot", "S2"]);
    assert!(history.contains("batch PB-1 of PBS"), "{history}");
    lab.ok(&["check"]);
}

#[test]
fn a_component_lot_that_expires_first_caps_the_batch_even_when_only_traced() {
    let lab = lab();
    lab.ok(&["item", "edit", "PBS", "--shelf-life-days", "365"]);
    let out = lab.csv(&[
        "prepare",
        "PBS",
        "2",
        "--batch",
        "PB-2",
        "--component",
        "NACL:S2",
        "--component",
        "WATER=1",
    ]);
    assert_eq!(out[0], ["item", "lot", "quantity", "expires"]);
    assert_eq!(out[1], ["NACL", "S2", "", "2027-03-31"], "traced only");
    assert_eq!(out[2], ["WATER", "", "1", ""], "issued");
    assert_eq!(
        stock(&lab, "PBS"),
        [line("PB-2", "2027-03-31", "MAIN", "2")]
    );
    // Traced only: nothing issued from NACL.
    assert_eq!(
        stock(&lab, "NACL")[1],
        line("S2", "2027-03-31", "MAIN", "5")
    );
    // A prepared item without a shelf life takes its components' expiry.
    lab.ok(&[
        "prepare",
        "STAIN",
        "1",
        "--batch",
        "ST-1",
        "--component",
        "NACL:S1=1",
    ]);
    assert_eq!(
        stock(&lab, "STAIN"),
        [line("ST-1", "2027-06-30", "MAIN", "1")]
    );
    lab.ok(&["check"]);
}

#[test]
fn an_opened_component_caps_the_batch_with_its_in_use_expiry() {
    let lab = lab();
    lab.ok(&["item", "edit", "PBS", "--shelf-life-days", "365"]);
    lab.ok(&["lot", "open", "NACL", "S1", "--date", "2026-11-01"]);
    let said = String::from_utf8_lossy(
        &lab.run(&[
            "prepare",
            "PBS",
            "1",
            "--batch",
            "PB-3",
            "--component",
            "NACL:S1=1",
        ])
        .stderr,
    )
    .into_owned();
    assert!(said.contains("opened 2026-11-01, 30 days in use"), "{said}");
    // Opened 1 Nov with 30 days in use: 1 Dec, before its printed June expiry.
    assert_eq!(
        stock(&lab, "PBS"),
        [line("PB-3", "2026-12-01", "MAIN", "1")]
    );
}

#[test]
fn a_batch_may_be_dated_earlier_and_its_shelf_life_counts_from_then() {
    let lab = lab();
    lab.ok(&[
        "prepare",
        "PBS",
        "1",
        "--batch",
        "PB-4",
        "--component",
        "WATER=1",
        "--date",
        "2026-11-20",
    ]);
    assert_eq!(
        stock(&lab, "PBS"),
        [line("PB-4", "2026-12-18", "MAIN", "1")]
    );
    let err = lab.fails(
        &[
            "prepare",
            "PBS",
            "1",
            "--batch",
            "PB-5",
            "--component",
            "WATER=1",
            "--date",
            "2026-11-22",
        ],
        65,
    );
    assert!(err.contains("--date"), "{err}");
}

#[test]
fn bad_input_is_refused_and_writes_nothing() {
    let lab = lab();
    lab.ok(&[
        "prepare",
        "PBS",
        "1",
        "--batch",
        "PB-1",
        "--component",
        "NACL=1",
    ]);
    lab.ok(&[
        "receive",
        "NACL",
        "2",
        "--lot",
        "S3",
        "--expiry",
        "2027-09-30",
        "--location",
        "MAIN",
    ]);
    lab.ok(&["location", "add", "FRIDGE-1"]);
    lab.ok(&[
        "transfer", "NACL", "2", "--from", "MAIN", "--to", "FRIDGE-1", "--lot", "S3",
    ]);
    lab.ok(&["lot", "recall", "NACL", "S1", "--reason", "supplier notice"]);
    let before = lab.db_bytes();
    let cases: &[(&[&str], &str)] = &[
        // Not in stock: says what is usable and where.
        (
            &[
                "prepare",
                "PBS",
                "1",
                "--batch",
                "X1",
                "--component",
                "NACL=100",
            ],
            "usable NACL: lot S2 (expires 2027-03-31): 4 at MAIN; lot S3 (expires 2027-09-30): 2 at FRIDGE-1",
        ),
        (
            &[
                "prepare",
                "PBS",
                "1",
                "--batch",
                "X1",
                "--component",
                "NACL:S3=1",
            ],
            "lot S3 (0 at MAIN, 1 needed)",
        ),
        // Not usable: recalled.
        (
            &[
                "prepare",
                "PBS",
                "1",
                "--batch",
                "X1",
                "--component",
                "NACL:S1",
            ],
            "component lot S1 of NACL is recalled",
        ),
        // A batch number that exists.
        (
            &[
                "prepare",
                "PBS",
                "1",
                "--batch",
                "PB-1",
                "--component",
                "WATER=1",
            ],
            "batch \"PB-1\" of item \"PBS\" already exists",
        ),
        // No shelf life and no component expiry.
        (
            &[
                "prepare",
                "STAIN",
                "1",
                "--batch",
                "X1",
                "--component",
                "WATER=1",
            ],
            "no shelf_life_days and no component has an expiry",
        ),
        // The item itself.
        (
            &[
                "prepare",
                "PBS",
                "1",
                "--batch",
                "X1",
                "--component",
                "PBS:PB-1",
            ],
            "PBS cannot be a component of itself",
        ),
        // An unknown lot.
        (
            &[
                "prepare",
                "PBS",
                "1",
                "--batch",
                "X1",
                "--component",
                "NACL:NOPE=1",
            ],
            "unknown lot \"NOPE\"",
        ),
        // An unknown item, bad syntax, no component and no recipe.
        (
            &[
                "prepare",
                "PBS",
                "1",
                "--batch",
                "X1",
                "--component",
                "NOPE=1",
            ],
            "unknown item",
        ),
        (
            &["prepare", "PBS", "1", "--batch", "X1", "--component", "=1"],
            "invalid --component",
        ),
        (
            &[
                "prepare",
                "PBS",
                "1",
                "--batch",
                "X1",
                "--component",
                "NACL=0",
            ],
            "invalid --component",
        ),
        (
            &["prepare", "PBS", "1", "--batch", "X1"],
            "PBS has no recipe",
        ),
        // A prepared item must be lot-tracked.
        (
            &[
                "prepare",
                "WATER",
                "1",
                "--batch",
                "X1",
                "--component",
                "NACL:S2",
            ],
            "a prepared item is lot-tracked",
        ),
    ];
    for (args, expected) in cases {
        let err = lab.fails(args, 65);
        assert!(err.contains(expected), "{args:?}: {err}");
        assert_eq!(lab.db_bytes(), before, "{args:?} wrote something");
    }
    // A cycle of batches: STAIN made from PBS batch PB-1, then PBS from it.
    lab.ok(&[
        "prepare",
        "STAIN",
        "1",
        "--batch",
        "ST-1",
        "--component",
        "PBS:PB-1",
    ]);
    let before = lab.db_bytes();
    let err = lab.fails(
        &[
            "prepare",
            "PBS",
            "1",
            "--batch",
            "PB-9",
            "--component",
            "STAIN:ST-1",
        ],
        65,
    );
    assert!(
        err.contains("cycle of batches") && err.contains("lot PB-1 of PBS"),
        "{err}"
    );
    assert_eq!(lab.db_bytes(), before);
    lab.ok(&["check"]);
}

#[test]
fn the_batch_composition_is_chained_evidence_in_audit_and_proven_by_check() {
    crate::common::sqlite_file_test("it tampers through a raw SQLite connection");
    let lab = lab();
    lab.ok(&[
        "prepare",
        "PBS",
        "4",
        "--batch",
        "PB-1",
        "--component",
        "NACL=1",
        "--component",
        "WATER",
    ]);
    let audit = lab.ok(&["audit", "--entity", "item:PBS"]);
    assert!(
        audit.contains("batch PB-1: 4 made at MAIN on 2026-11-21"),
        "{audit}"
    );
    let audit = lab.ok(&["audit", "--entity", "item:NACL"]);
    assert!(audit.contains("lot S2 x 1"), "{audit}");
    assert!(audit.contains("into batch PB-1 of PBS"), "{audit}");
    let audit = lab.ok(&["audit", "--entity", "batch_component"]);
    assert!(audit.contains("(traced only)"), "{audit}");
    let heads = lab.csv(&["audit", "--heads"]);
    for table in ["batches", "batch_components"] {
        assert!(heads.iter().any(|r| r[0] == table), "{heads:?}");
    }
    lab.ok(&["check"]);
    // A batch record changed beneath the triggers is named.
    {
        let raw = lab.raw();
        raw.execute_batch(
            "DROP TRIGGER batches_no_update; UPDATE batches SET quantity = 40 WHERE id = 1;",
        )
        .unwrap();
    }
    let out = lab.run(&["check"]);
    assert_eq!(out.status.code(), Some(3));
    let found = String::from_utf8_lossy(&out.stdout);
    assert!(
        found.contains("batches row 1 no longer matches its hash"),
        "{found}"
    );
    assert!(
        found.contains("batch record 1 (lot PB-1 of PBS) disagrees"),
        "{found}"
    );
}

#[test]
fn a_recipe_gives_the_usual_components_unless_components_are_named() {
    let lab = lab();
    let before = lab.db_bytes();
    for (args, expected) in [
        (
            &["item", "recipe", "PBS", "--component", "PBS=1"][..],
            "PBS cannot be a component of itself",
        ),
        (
            &["item", "recipe", "PBS", "--component", "NACL:S1=1"][..],
            "a recipe names items and quantities",
        ),
        (
            &["item", "recipe", "PBS", "--component", "NACL"][..],
            "ITEM=QTY",
        ),
        (
            &[
                "item",
                "recipe",
                "PBS",
                "--component",
                "NACL=1",
                "--component",
                "nacl=2",
            ][..],
            "each component once",
        ),
    ] {
        let err = lab.fails(args, 65);
        assert!(err.contains(expected), "{args:?}: {err}");
    }
    assert_eq!(lab.db_bytes(), before);
    lab.ok(&[
        "item",
        "recipe",
        "PBS",
        "--component",
        "NACL=1",
        "--component",
        "WATER=2",
    ]);
    assert_eq!(
        lab.csv(&["item", "recipe", "PBS"]),
        [
            vec!["component", "quantity"],
            vec!["NACL", "1"],
            vec!["WATER", "2"]
        ]
    );
    let audit = lab.ok(&["audit", "--entity", "item:PBS"]);
    assert!(
        audit.contains("recipe: (none) -> NACL=1 WATER=2"),
        "{audit}"
    );
    // A recipe that goes round in a circle is refused.
    lab.ok(&["item", "recipe", "STAIN", "--component", "PBS=1"]);
    let err = lab.fails(&["item", "recipe", "PBS", "--component", "STAIN=1"], 65);
    assert!(err.contains("the recipe of STAIN uses PBS"), "{err}");

    // From the recipe, per unit made: FEFO lots.
    let out = lab.csv(&["prepare", "PBS", "3", "--batch", "PB-R"]);
    assert_eq!(out[1], ["NACL", "S2", "3", "2027-03-31"]);
    assert_eq!(out[2], ["WATER", "", "6", ""]);
    assert_eq!(stock(&lab, "WATER"), [line("", "", "MAIN", "4")]);
    // Named components override the recipe.
    let out = lab.csv(&[
        "prepare",
        "PBS",
        "1",
        "--batch",
        "PB-O",
        "--component",
        "NACL:S1=2",
    ]);
    assert_eq!(out.len(), 2, "{out:?}");
    assert_eq!(stock(&lab, "WATER"), [line("", "", "MAIN", "4")]);
    assert_eq!(
        stock(&lab, "NACL")[0],
        line("S1", "2027-06-30", "MAIN", "3")
    );
    // Not enough for the recipe: refused like a named component.
    let err = lab.fails(&["prepare", "PBS", "3", "--batch", "PB-X"], 65);
    assert!(
        err.contains("component WATER is not in stock: 4 usable at MAIN (6 needed)"),
        "{err}"
    );
    lab.ok(&["item", "recipe", "PBS", "--clear"]);
    let err = lab.fails(&["prepare", "PBS", "1", "--batch", "PB-Y"], 65);
    assert!(err.contains("PBS has no recipe"), "{err}");
    lab.ok(&["check"]);
}

/// NACL lot S2 → PBS batch PB-1 → STAIN batch ST-1 (a batch made from a
/// batch), and WATER traced into PB-1.
fn chain_of_batches() -> Lab {
    let lab = lab();
    lab.ok(&[
        "prepare",
        "PBS",
        "4",
        "--batch",
        "PB-1",
        "--component",
        "NACL:S2=1",
        "--component",
        "WATER",
    ]);
    lab.ok(&[
        "prepare",
        "STAIN",
        "2",
        "--batch",
        "ST-1",
        "--component",
        "PBS:PB-1=1",
    ]);
    lab
}

fn stderr(lab: &Lab, args: &[&str]) -> String {
    let out = lab.run(args);
    assert!(out.status.success(), "{args:?}: {out:?}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn trace_of_a_component_lot_lists_the_batches_made_from_it_recursively() {
    let lab = chain_of_batches();
    let said = stderr(&lab, &["trace", "NACL", "S2"]);
    assert!(
        said.contains("lot S2 of NACL went into these batches:"),
        "{said}"
    );
    assert!(
        said.contains("\n  batch PB-1 of PBS: 1 issued, made 2026-11-21, expires 2026-12-19, available, 3 on hand"),
        "{said}"
    );
    assert!(
        said.contains("\n    batch ST-1 of STAIN: 1 issued, made 2026-11-21, expires 2026-12-19, available, 2 on hand"),
        "{said}"
    );
    // And the movement rows are as before: the issue into the batch.
    let rows = lab.csv(&["trace", "NACL", "S2"]);
    assert!(
        rows.iter()
            .any(|r| r[2] == "issue" && r[7] == "batch PB-1 of PBS"),
        "{rows:?}"
    );
    // A traced-only component leads to the batch too.
    let said = stderr(&lab, &["trace", "WATER", ""]);
    assert!(said.contains("batch PB-1 of PBS: traced only"), "{said}");
}

#[test]
fn trace_of_a_batch_lists_its_components_recursively() {
    let lab = chain_of_batches();
    let rows = lab.csv(&["trace", "STAIN", "ST-1"]);
    assert_eq!(rows[1][2..5], ["receive", "prepared", "MAIN"], "{rows:?}");
    let said = stderr(&lab, &["trace", "STAIN", "ST-1"]);
    assert!(
        said.contains("batch ST-1 of STAIN was made from:"),
        "{said}"
    );
    assert!(
        said.contains("\n  PBS lot PB-1: 1 issued, made 2026-11-21"),
        "{said}"
    );
    assert!(
        said.contains("\n    NACL lot S2: 1 issued, expires 2027-03-31"),
        "{said}"
    );
    assert!(said.contains("\n    WATER (no lot): traced only"), "{said}");
    assert!(!said.contains("went into"), "{said}");
}

#[test]
fn a_recall_warns_of_batches_in_stock_and_cascade_quarantines_them() {
    let lab = chain_of_batches();
    let said = stderr(&lab, &["lot", "recall", "NACL", "S2", "--reason", "FSN-1"]);
    assert!(said.contains("lot S2 of NACL is now recalled"), "{said}");
    assert!(
        said.contains("2 batch(es) made from lot S2 of NACL still in stock and usable: PBS lot PB-1 (3 on hand), STAIN lot ST-1 (2 on hand)"),
        "{said}"
    );
    assert!(
        said.contains("labstock lot recall NACL S2 --cascade"),
        "{said}"
    );
    // Nothing else changed yet.
    assert_eq!(lab.csv(&["stock", "--item", "STAIN"])[1][8], "available");
    // The cascade, on the lot already recalled.
    let said = stderr(&lab, &["lot", "recall", "NACL", "S2", "--cascade"]);
    assert!(
        said.contains("batch PB-1 of PBS is now quarantined"),
        "{said}"
    );
    assert!(
        said.contains("batch ST-1 of STAIN is now quarantined"),
        "{said}"
    );
    assert!(!said.contains("warning"), "{said}");
    assert_eq!(lab.csv(&["stock", "--item", "PBS"])[1][8], "quarantined");
    assert_eq!(lab.csv(&["stock", "--item", "STAIN"])[1][8], "quarantined");
    let audit = lab.ok(&["audit", "--entity", "item:STAIN"]);
    assert!(
        audit.contains("made from lot S2 of NACL, recalled"),
        "{audit}"
    );
    // Again: nothing left to quarantine.
    let said = stderr(&lab, &["lot", "recall", "NACL", "S2", "--cascade"]);
    assert!(!said.contains("now quarantined"), "{said}");
    lab.ok(&["check"]);
    // A recall with --cascade at once, in one step.
    let lab = chain_of_batches();
    let said = stderr(&lab, &["lot", "recall", "PBS", "PB-1", "--cascade"]);
    assert!(said.contains("lot PB-1 of PBS is now recalled"), "{said}");
    assert!(
        said.contains("batch ST-1 of STAIN is now quarantined"),
        "{said}"
    );
    assert_eq!(lab.csv(&["stock", "--item", "NACL"])[2][8], "available");
}

/// The DataMatrix of a rendered SVG label, rasterised (8 pixels a module,
/// a quiet zone of 4 modules) and read by an independent decoder (rxing):
/// the symbology identifier and the data it carries.
fn decode_label(svg: &str) -> String {
    let group = svg
        .split("<g id=\"datamatrix\"")
        .nth(1)
        .expect("a datamatrix group");
    let attr = |name: &str| -> usize {
        group
            .split(&format!("{name}=\""))
            .nth(1)
            .and_then(|s| s.split('"').next())
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("{name}"))
    };
    let (w, h) = (attr("data-width"), attr("data-height"));
    let body = group.split("</g>").next().unwrap();
    let (scale, quiet) = (8, 4);
    let (pw, ph) = ((w + 2 * quiet) * scale, (h + 2 * quiet) * scale);
    let mut luma = vec![255_u8; pw * ph];
    let mut modules = 0;
    for rect in body.split("<rect ").skip(1) {
        let get = |name: &str| -> usize {
            rect.split(&format!(" {name}=\""))
                .nth(1)
                .or_else(|| rect.strip_prefix(&format!("{name}=\"")))
                .and_then(|s| s.split('"').next())
                .and_then(|s| s.parse().ok())
                .unwrap_or_else(|| panic!("{name} in {rect}"))
        };
        let (x, y) = (get("x"), get("y"));
        modules += 1;
        for py in (y + quiet) * scale..(y + quiet + 1) * scale {
            for px in (x + quiet) * scale..(x + quiet + 1) * scale {
                luma[py * pw + px] = 0;
            }
        }
    }
    assert!(modules > 20, "{modules} modules");
    let result = rxing::helpers::detect_in_luma(
        luma,
        pw as u32,
        ph as u32,
        Some(rxing::BarcodeFormat::DATA_MATRIX),
    )
    .expect("the label's DataMatrix decodes");
    let symbology = match result
        .getRXingResultMetadata()
        .get(&rxing::RXingResultMetadataType::SYMBOLOGY_IDENTIFIER)
    {
        Some(rxing::RXingResultMetadataValue::SymbologyIdentifier(id)) => id.clone(),
        other => panic!("no symbology identifier: {other:?}"),
    };
    format!("{symbology}{}", result.getText())
}

/// The text of an SVG label's lines, joined by spaces (a long line wraps).
fn label_text(svg: &str) -> String {
    svg.split("<text ")
        .skip(1)
        .filter_map(|t| t.split('>').nth(1))
        .filter_map(|t| t.split("</text").next())
        .collect::<Vec<_>>()
        .join(" ")
}

fn gs1_json(lab: &Lab, data: &str) -> serde_json::Value {
    serde_json::from_str(&lab.ok(&["gs1", "decode", data, "--format", "json"])).unwrap()
}

#[test]
fn a_batch_label_without_a_gtin_carries_the_item_code_that_scans_read_back() {
    let lab = lab();
    lab.ok(&[
        "item",
        "edit",
        "PBS",
        "--hazard",
        "H319 Causes serious eye irritation",
    ]);
    lab.ok(&[
        "prepare",
        "PBS",
        "3",
        "--batch",
        "PB-1",
        "--component",
        "NACL=1",
    ]);
    let svg = lab.ok(&["label", "PBS", "PB-1"]);
    let text = label_text(&svg);
    for shown in [
        "Phosphate buffered saline",
        "Lot PB-1",
        "Expiry 2026-12-19",
        "Storage 2-8C",
        "Hazard H319 Causes serious eye irritation",
        "Contents NACL S2",
        "Prepared 2026-11-21 by a.tester",
        "(91)PBS(17)261219(10)PB-1",
    ] {
        assert!(text.contains(shown), "{shown}: {text}");
    }
    let scanned = decode_label(&svg);
    // GS1 DataMatrix (FNC1 first), GS after the variable-length (91).
    assert_eq!(scanned, "]d291PBS\u{1d}1726121910PB-1");
    let json = gs1_json(&lab, &scanned);
    assert_eq!(json["item"], "PBS");
    assert_eq!(json["lot"], "PB-1");
    assert_eq!(json["expiry"], "2026-12-19");
    assert!(json.get("gtin").is_none(), "{json}");
    // No warning that the lot lacks a GTIN: (91) names the item.
    let out = lab.run(&["gs1", "decode", &scanned]);
    assert!(String::from_utf8_lossy(&out.stderr).is_empty(), "{out:?}");

    // A batch is received once: its label is refused with a hint to issue.
    let before = lab.db_bytes();
    let err = lab.fails(&["receive", "--scan", &scanned], 65);
    assert!(
        err.contains("received once") && err.contains("labstock issue PBS QTY --lot PB-1"),
        "{err}"
    );
    assert_eq!(lab.db_bytes(), before);
    // Issued by scanning its label.
    lab.ok(&["issue", "--scan", &scanned, "2"]);
    assert_eq!(
        stock(&lab, "PBS"),
        [line("PB-1", "2026-12-19", "MAIN", "1")]
    );
}

#[test]
fn a_label_of_an_item_with_a_gtin_carries_it_and_receive_scan_takes_it() {
    let lab = Lab::new();
    lab.ok(&[
        "item",
        "add",
        "RGT-CRP",
        "--name",
        "CRP reagent",
        "--lot-tracked",
        "--gtin",
        "04015630198436",
        "--storage",
        "2-8C",
    ]);
    lab.ok(&[
        "receive",
        "RGT-CRP",
        "2",
        "--lot",
        "611802",
        "--expiry",
        "2027-06-30",
    ]);
    let svg = lab.ok(&["label", "RGT-CRP", "611802"]);
    assert!(svg.contains("Received 2026-11-21 by a.tester"), "{svg}");
    let scanned = decode_label(&svg);
    assert_eq!(scanned, "]d201040156301984361727063010611802");
    let json = gs1_json(&lab, &scanned);
    assert_eq!(json["gtin"], "04015630198436");
    assert_eq!(json["lot"], "611802");
    assert_eq!(json["expiry"], "2027-06-30");
    assert!(json.get("item").is_none(), "{json}");
    // Relabelled stock that is not a batch is received by its label.
    lab.ok(&["receive", "--scan", &scanned, "3"]);
    lab.ok(&["issue", "--scan", &scanned]);
    assert_eq!(
        lab.csv(&["stock", "--item", "RGT-CRP"])[1][5],
        "4",
        "2 + 3 received, 1 issued"
    );
    lab.ok(&["check"]);
}

#[test]
fn a_pdf_holds_several_labels_a_page_and_bad_label_requests_are_refused() {
    let lab = chain_of_batches();
    let out = lab.run(&[
        "label", "PBS", "PB-1", "--format", "pdf", "--copies", "12", "--output", "pb.pdf",
    ]);
    assert!(out.status.success(), "{out:?}");
    let pdf = std::fs::read(lab.path().join("pb.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let text = String::from_utf8_lossy(&pdf);
    assert!(text.contains("/Count 2"), "12 labels, 10 a page: two pages");
    assert!(text.contains("(Lot PB-1)"), "the text is in the page");
    let before = lab.db_bytes();
    let err = lab.fails(&["label", "PBS", "NOPE", "--output", "nope.svg"], 65);
    assert!(err.contains("unknown lot \"NOPE\""), "{err}");
    assert!(!lab.path().join("nope.svg").exists());
    let err = lab.fails(&["label", "NOPE", "PB-1"], 65);
    assert!(err.contains("unknown item"), "{err}");
    let err = lab.fails(&["label", "PBS", "PB-1", "--copies", "2"], 65);
    assert!(err.contains("--format pdf"), "{err}");
    let err = lab.fails(&["label", "PBS", "PB-1", "--format", "csv"], 2);
    assert!(err.contains("svg"), "{err}");
    let err = lab.fails(&["stock", "--format", "pdf"], 2);
    assert!(err.contains("labstock label"), "{err}");
    assert_eq!(lab.db_bytes(), before, "labels write nothing");
    // An item code a GS1 code cannot carry is refused before drawing.
    lab.ok(&[
        "item",
        "add",
        "MY BUFFER",
        "--name",
        "Spaced",
        "--lot-tracked",
        "--shelf-life-days",
        "5",
    ]);
    lab.ok(&[
        "prepare",
        "MY BUFFER",
        "1",
        "--batch",
        "MB-1",
        "--component",
        "WATER=1",
    ]);
    let err = lab.fails(&["label", "MY BUFFER", "MB-1"], 65);
    assert!(err.contains("--gtin"), "{err}");
}

#[test]
fn the_demo_has_two_prepared_items_with_recipes_and_a_recall_that_cascaded() {
    let lab = Lab::empty();
    lab.ok(&["demo"]);
    for (item, recipe) in [
        ("PRP-PBS", vec![vec!["CHM-PBS-TAB", "5"]]),
        (
            "PRP-GIEMSA-WS",
            vec![vec!["CHM-GIEMSA", "5"], vec!["PRP-PBS", "1"]],
        ),
    ] {
        let rows = lab.csv(&["item", "recipe", item]);
        assert_eq!(rows[1..], recipe[..], "{item}");
    }
    let pbs = lab.csv(&["stock", "--item", "PRP-PBS"]);
    assert_eq!(
        pbs[1][2..],
        [
            "PBS-261105",
            "2026-12-03",
            "BENCH-HAEM",
            "2",
            "",
            "2026-12-03",
            "quarantined"
        ]
    );
    assert_eq!(
        pbs[2][2..],
        [
            "PBS-261118",
            "2026-12-16",
            "BENCH-HAEM",
            "4",
            "",
            "2026-12-16",
            "available"
        ]
    );
    let stain = lab.csv(&["stock", "--item", "PRP-GIEMSA-WS"]);
    assert_eq!(
        stain[1][2..],
        [
            "GWS-261119",
            "2026-11-26",
            "BENCH-HAEM",
            "2",
            "",
            "2026-11-26",
            "quarantined"
        ]
    );
    let said = stderr(&lab, &["trace", "CHM-PBS-TAB", "PT-2609B"]);
    assert!(
        said.contains("  batch PBS-261105 of PRP-PBS: 20 issued"),
        "{said}"
    );
    assert!(
        said.contains("    batch GWS-261119 of PRP-GIEMSA-WS: 2 issued"),
        "{said}"
    );
    let svg = lab.ok(&["label", "PRP-GIEMSA-WS", "GWS-261119"]);
    assert_eq!(
        decode_label(&svg),
        "]d291PRP-GIEMSA-WS\u{1d}1726112610GWS-261119"
    );
    lab.ok(&["check"]);
}

#[test]
fn the_migration_upgrades_an_older_database_with_no_shelf_life_and_no_batches() {
    crate::common::sqlite_file_test("a SQLite migration");
    let lab = Lab::new();
    lab.ok(&["item", "add", "PBS", "--name", "PBS", "--lot-tracked"]);
    lab.ok(&["item", "add", "WATER", "--name", "Water"]);
    lab.ok(&["receive", "WATER", "3"]);
    crate::common::downgrade_to_version_1(&lab.raw());
    lab.ok(&["check"]);
    let version: i64 = lab
        .raw()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, labstock::store::SCHEMA_VERSION);
    assert_eq!(item_setting(&lab, "PBS", "shelf_life_days"), "");
    lab.ok(&["item", "edit", "PBS", "--shelf-life-days", "10"]);
    lab.ok(&[
        "prepare",
        "PBS",
        "1",
        "--batch",
        "B1",
        "--component",
        "WATER=1",
    ]);
    assert_eq!(stock(&lab, "PBS"), [line("B1", "2026-12-01", "MAIN", "1")]);
    lab.ok(&["check"]);
}
