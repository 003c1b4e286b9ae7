//! The catalogue, sites, the bin card, lots and `find` on PostgreSQL
//! (issue 15, SPEC §12): each command, run on the demo lab in SQLite and
//! on a PostgreSQL copy of it, says the same (exit code, standard output,
//! standard error), writes the same, and refuses the same with nothing
//! written.

use crate::common::Lab;
use crate::postgres::{PgDb, demo, same_on_both, same_on_both_script, stderr};

/// The demo lab and a PostgreSQL copy of it.
fn lab_and_copy(name: &str) -> Option<(Lab, PgDb)> {
    let db = PgDb::new(name)?;
    let lab = demo();
    let out = lab.run(&["copy", "--to", &db.url]);
    assert!(out.status.success(), "{}", stderr(&out));
    Some((lab, db))
}

/// Run `args` on both engines; it must fail the same way and leave
/// `tables` as they were on PostgreSQL.
fn refused_on_both(lab: &Lab, db: &PgDb, args: &[&str], tables: &[&str]) {
    let before: Vec<i64> = tables.iter().map(|t| db.count(t)).collect();
    assert!(!same_on_both(lab, db, args), "{args:?} succeeded on SQLite");
    let after: Vec<i64> = tables.iter().map(|t| db.count(t)).collect();
    assert_eq!(after, before, "{args:?} wrote on PostgreSQL");
}

#[test]
fn pg_catalogue_items_add_edit_retire_list_and_show_as_on_sqlite() {
    let Some((lab, db)) = lab_and_copy("pgitems") else {
        return;
    };
    same_on_both_script(
        &lab,
        &db,
        &[
            &["item", "list"],
            &["item", "list", "--all", "--format", "csv"],
            &["item", "show", "RGT-PT"],
            &["item", "show", "rgt-pt", "--format", "json"],
            &[
                "item",
                "add",
                "RGT-NEW",
                "--name",
                "New reagent",
                "--lot-tracked",
                "--unit",
                "kit",
                "--reorder-level",
                "2",
                "--max-level",
                "6",
                "--unit-cost",
                "12.50",
                "--gtin",
                "09506000134352",
                "--waste-stream",
                "180106*",
                "--ghs",
                "GHS02,GHS07",
                "--signal-word",
                "danger",
                "--h-statements",
                "H225,H319",
            ],
            &["item", "add", "CON-X", "--name", "Plain consumable"],
            &[
                "item",
                "edit",
                "RGT-NEW",
                "--name",
                "New reagent, renamed",
                "--supplier",
                "Acme",
                "--reorder-level",
                "",
                "--acceptance-required",
            ],
            &["item", "edit", "RGT-NEW", "--supplier", "Acme"],
            &["item", "retire", "CON-X"],
            &["item", "edit", "CON-X", "--active"],
            &["item", "retire", "CON-X"],
            &["item", "show", "RGT-NEW"],
            &["item", "show", "CON-X", "--format", "csv"],
            &["item", "list", "--all"],
            &["item", "list", "--format", "json"],
        ],
    );
    // Refusals: the same message, nothing written.
    for args in [
        &["item", "add", "rgt-new", "--name", "Twice"][..],
        &[
            "item",
            "add",
            "RGT-2",
            "--name",
            "Same GTIN",
            "--gtin",
            "9506000134352",
        ],
        &[
            "item",
            "add",
            "RGT-3",
            "--name",
            "Bad stream",
            "--waste-stream",
            "18 01 06",
        ],
        &[
            "item",
            "add",
            "RGT-4",
            "--name",
            "Levels",
            "--reorder-level",
            "5",
            "--max-level",
            "5",
        ],
        &["item", "edit", "NOPE", "--name", "x"],
        &["item", "edit", "CHM-ETOH70", "--lot-tracked", "true"],
        &["item", "show", "Glucose"],
        &["item", "show", "RGT-PX"],
    ] {
        refused_on_both(&lab, &db, args, &["items", "item_changes"]);
    }
    same_on_both(&lab, &db, &["item", "show", "CHM-ETOH70"]);
    // Copied back, the PostgreSQL lab's chains are whole and its item
    // changes are the SQLite lab's.
    let back = Lab::empty();
    let out = back.run(&["--db", &db.url, "copy", "--to", back.db.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        back.csv(&["audit", "--heads"]),
        lab.csv(&["audit", "--heads"])
    );
    back.ok(&["check"]);
    for kind in ["items", "locations"] {
        assert_eq!(
            back.ok(&["export", kind]),
            lab.ok(&["export", kind]),
            "{kind}"
        );
    }
}

#[test]
fn pg_catalogue_locations_and_sites_as_on_sqlite() {
    let Some((lab, db)) = lab_and_copy("pglocs") else {
        return;
    };
    same_on_both_script(
        &lab,
        &db,
        &[
            &["location", "list"],
            &["location", "add", "SHELF-9", "--name", "Shelf nine"],
            &["location", "add", "HUB-STORE", "--site", "HUB"],
            &[
                "location",
                "add",
                "HUB-FRIDGE",
                "--site",
                "hub",
                "--name",
                "Hub fridge",
            ],
            &["location", "add", "SPOKE-1", "--site", "Spoke-N"],
            &["location", "edit", "SHELF-9", "--name", "Shelf 9"],
            &["location", "edit", "SHELF-9", "--name", "Shelf 9"],
            &["location", "edit", "SHELF-9", "--name", ""],
            &[
                "location",
                "edit",
                "SHELF-9",
                "--site",
                "SPOKE-N",
                "--name",
                "Spoke shelf",
            ],
            &["location", "edit", "shelf-9", "--site", "spoke-n"],
            &["location", "retire", "SHELF-9"],
            &["location", "list", "--format", "csv"],
            &["stock", "--site", "hub"],
            &["stock", "--site", "MAIN", "--format", "csv"],
        ],
    );
    for args in [
        &["location", "add", "shelf-9"][..],
        &["location", "add", "X-1", "--site", ""],
        &["location", "retire", "SHELF-9"],
        &["location", "retire", "FLAM-CAB"],
        &["location", "retire", "NOWHERE"],
        &["location", "edit", "NOWHERE", "--name", "x"],
        &["receive", "CON-MARKER", "1", "--location", "SHELF-9"],
        &["stock", "--site", "NOSUCH"],
    ] {
        refused_on_both(
            &lab,
            &db,
            args,
            &["locations", "location_changes", "movements"],
        );
    }
    // Temperature monitoring (tests/cli/pg_temperature.rs): a location
    // added or edited with a range, as on SQLite.
    same_on_both_script(
        &lab,
        &db,
        &[
            &["location", "add", "FRIDGE-9", "--range", "2..8"],
            &["location", "edit", "FRIDGE-1", "--range", "2..8"],
            &[
                "location",
                "edit",
                "FRIDGE-9",
                "--range",
                "3..7",
                "--tolerance",
                "20",
            ],
        ],
    );
    let back = Lab::empty();
    let out = back.run(&["--db", &db.url, "copy", "--to", back.db.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        back.csv(&["audit", "--heads"]),
        lab.csv(&["audit", "--heads"])
    );
    back.ok(&["check"]);
    for kind in ["items", "locations"] {
        assert_eq!(
            back.ok(&["export", kind]),
            lab.ok(&["export", kind]),
            "{kind}"
        );
    }
}

#[test]
fn pg_catalogue_history_bin_cards_as_on_sqlite() {
    let Some((lab, db)) = lab_and_copy("pghistory") else {
        return;
    };
    let cards: &[&[&str]] = &[
        &["history", "RGT-PT"],
        &["history", "rgt-pt", "--format", "csv"],
        &["history", "RGT-PT", "--lot", "569099"],
        &[
            "history",
            "RGT-PT",
            "--location",
            "FRIDGE-1",
            "--format",
            "json",
        ],
        &["history", "CHM-ETOH70"],
        &["history", "CHM-ETOH70", "--location", "MAIN"],
        &[
            "history",
            "CHM-FORMALIN",
            "--lot",
            "26B2359",
            "--location",
            "MAIN",
        ],
        &["history", "CHM-PBS-TAB", "--format", "csv"],
        &["history", "PPE-VISOR"],
    ];
    same_on_both_script(&lab, &db, cards);
    // Movements recorded on each engine then show on each card alike.
    same_on_both_script(
        &lab,
        &db,
        &[
            &[
                "transfer",
                "CHM-ETOH70",
                "2",
                "--from",
                "FLAM-CAB",
                "--to",
                "MAIN",
            ],
            &["open", "RGT-PT", "1", "--location", "FRIDGE-1"],
            &["reverse", "--last", "--reason", "opened in error"],
        ],
    );
    same_on_both_script(&lab, &db, cards);
    for args in [
        &["history", "NOPE"][..],
        &["history", "Glucose"],
        &["history", "RGT-PT", "--lot", "NOLOT"],
        &["history", "RGT-PT", "--location", "NOWHERE"],
    ] {
        refused_on_both(&lab, &db, args, &["movements"]);
    }
}

#[test]
fn pg_catalogue_lots_list_status_and_open_as_on_sqlite() {
    let Some((lab, db)) = lab_and_copy("pglots") else {
        return;
    };
    same_on_both_script(
        &lab,
        &db,
        &[
            &["lot", "list", "RGT-PT"],
            &["lot", "list", "chm-pbs-tab", "--format", "csv"],
            &["lot", "list", "CHM-ETOH70", "--format", "json"],
            &[
                "lot",
                "quarantine",
                "RGT-PT",
                "569099",
                "--reason",
                "cold chain",
            ],
            &["lot", "list", "RGT-PT"],
            &["lot", "release", "RGT-PT", "569099"],
            &["lot", "quarantine", "CHM-FORMALIN", "26B2359"],
            &["lot", "open", "RGT-PT", "569099"],
            &[
                "lot",
                "open",
                "CAL-CFAS",
                "630893",
                "2",
                "--location",
                "FRIDGE-1",
            ],
            &["lot", "list", "CAL-CFAS"],
            &["lot", "list", "CHM-FORMALIN"],
            &["history", "RGT-PT", "--lot", "569099"],
            &["stock", "--item", "CHM-FORMALIN"],
            // A lot pending acceptance: quarantined, released, pending again.
            &["lot", "list", "RGT-TSH"],
            &[
                "lot",
                "quarantine",
                "RGT-TSH",
                "TSH-2611",
                "--reason",
                "leaking",
            ],
            &["lot", "release", "RGT-TSH", "TSH-2611"],
            &["lot", "list", "RGT-TSH"],
        ],
    );
    for args in [
        &["lot", "release", "RGT-PT", "569099"][..],
        &["lot", "quarantine", "CHM-FORMALIN", "26B2359"],
        &["lot", "release", "CHM-PBS-TAB", "PT-2609B"],
        &["lot", "quarantine", "RGT-PT", "NOLOT"],
        &["lot", "quarantine", "NOPE", "1"],
        &["lot", "list", "NOPE"],
        &["lot", "open", "RGT-PT", "569099", "99"],
        &["lot", "open", "RGT-PT", "569099", "--date", "2030-01-01"],
        &["lot", "open", "RGT-PT", "569099", "--date", "2020-01-01"],
    ] {
        refused_on_both(&lab, &db, args, &["lot_events", "movements"]);
    }
    let back = Lab::empty();
    let out = back.run(&["--db", &db.url, "copy", "--to", back.db.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        back.csv(&["audit", "--heads"]),
        lab.csv(&["audit", "--heads"])
    );
    back.ok(&["check"]);
}

#[test]
fn pg_catalogue_item_find_and_lot_find_as_on_sqlite() {
    let Some((lab, db)) = lab_and_copy("pgfind") else {
        return;
    };
    same_on_both_script(
        &lab,
        &db,
        &[
            &[
                "item",
                "add",
                "RGT-ACC",
                "--name",
                "Glucosé oxidase reagent",
                "--supplier-ref",
                "GOX-77",
            ][..],
            &["item", "find", "glucose"],
            &["item", "find", "GLUCOSE OXIDASE", "--format", "csv"],
            &["item", "find", "gox"],
            &["item", "find", "tips", "--limit", "2"],
            &["item", "find", "pls-tip"],
            &["item", "find", "nothing-like-it"],
            &["item", "find", "  "],
            &["lot", "find", "569099"],
            &["lot", "find", " 26B2359 ", "--format", "json"],
            &["lot", "find", "565391"],
            &["lot", "find", "NO-SUCH-LOT"],
        ],
    );
    // A name typed for a code is suggested by name, on both engines.
    refused_on_both(&lab, &db, &["issue", "glucose", "1"], &["movements"]);
    refused_on_both(
        &lab,
        &db,
        &["item", "find", "x", "--limit", "-1"],
        &["items"],
    );
}

/// Writers adding the same item or location at the same moment on
/// PostgreSQL: one adds it, every other is refused as SQLite refuses a
/// second add (exit 65), never a database error.
#[test]
fn pg_catalogue_racing_adds_of_one_code_add_it_once() {
    const WRITERS: usize = 8;
    let Some(db) = PgDb::new("pgracingadds") else {
        return;
    };
    let lab = Lab::empty();
    lab.ok(&["--db", &db.url, "init"]);
    for what in [
        [
            "item",
            "add",
            "RACE-1",
            "--name",
            "Raced",
            "--gtin",
            "09506000134352",
        ],
        [
            "location", "add", "RACE-LOC", "--name", "Raced", "--site", "HUB",
        ],
    ] {
        let threads: Vec<_> = (0..WRITERS)
            .map(|_| {
                let mut cmd = lab.cmd();
                cmd.args(["--db", db.url.as_str()]).args(what);
                std::thread::spawn(move || cmd.output().expect("run labstock"))
            })
            .collect();
        let outs: Vec<std::process::Output> = threads
            .into_iter()
            .map(|t| t.join().expect("writer thread"))
            .collect();
        let added = outs.iter().filter(|o| o.status.success()).count();
        assert_eq!(added, 1, "{what:?}");
        for o in outs.iter().filter(|o| !o.status.success()) {
            assert_eq!(o.status.code(), Some(65), "{what:?}: {}", stderr(o));
            // As on SQLite: the item's GTIN is checked before its code.
            let err = stderr(o);
            assert!(
                err.contains("already exists") || err.contains("already belongs to item RACE-1"),
                "{err}"
            );
        }
    }
    assert_eq!(db.count("items"), 1);
    assert_eq!(db.count("locations"), 2);
}

/// SPEC §12: case-insensitive matching folds every Unicode letter, the
/// same on both engines (SQLite's own NOCASE folds only ASCII; labstock
/// puts a Unicode one in its place).
#[test]
fn codes_match_ignoring_case_for_every_unicode_letter_on_both_engines() {
    let Some(db) = PgDb::new("unicode_nocase") else {
        return;
    };
    let lab = Lab::new_sqlite();
    lab.ok(&["--db", &db.url, "init"]);
    for args in [
        &["location", "add", "ÉTUVE-1"][..],
        &["item", "add", "RGT-ÅNGSTRÖM", "--name", "Ångström stain"],
        &["receive", "rgt-ångström", "5", "--location", "étuve-1"],
        &["issue", "RGT-ÅNGSTRÖM", "2", "--location", "ÉTUVE-1"],
        &["location", "add", "étuve-1"],
        &["item", "add", "rgt-ångström", "--name", "again"],
        &["stock", "--item", "Rgt-Ångström", "--format", "csv"],
        &["item", "find", "ångström", "--format", "csv"],
    ] {
        same_on_both(&lab, &db, args);
    }
    let stock = lab.ok(&["stock", "--item", "rgt-ÅNGSTRÖM", "--format", "csv"]);
    assert!(stock.contains("RGT-ÅNGSTRÖM"), "{stock}");
    assert!(stock.contains("ÉTUVE-1"), "{stock}");
    assert!(stock.contains(",3,"), "{stock}");
    let dup = lab.fails(&["item", "add", "rgt-ångström", "--name", "again"], 65);
    assert!(dup.contains("RGT-ÅNGSTRÖM"), "{dup}");
    lab.ok(&["check"]);
}
