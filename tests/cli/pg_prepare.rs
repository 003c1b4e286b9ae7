//! Made-up solutions, recipes, recalls and traces on PostgreSQL (SPEC §12,
//! §14, issue 15): `prepare`, `item recipe`, `lot recall [--cascade]` and
//! `trace` give the same answer, the same refusal and the same writes on
//! both engines. A lab is copied to a fresh PostgreSQL database, every
//! command runs on the SQLite file and on the copy, and their output is
//! compared; afterwards the PostgreSQL lab is copied back and every
//! chain's head must equal the SQLite lab's (the same evidence, row for
//! row) and `check` must pass on it.

use labstock::store::Sql;
use labstock::store::sql::{lots, prepare};
use rusqlite::types::ValueRef;

use crate::common::Lab;
use crate::postgres::{PgDb, demo_on_postgres, same_on_both, stderr, stdout};

/// The tables a refused command must leave as they were.
const WRITTEN: [&str; 8] = [
    "movements",
    "lots",
    "batches",
    "batch_components",
    "recipes",
    "item_changes",
    "lot_events",
    "balances",
];

/// Run a command that must succeed on both engines, with the same output.
fn ok_on_both(lab: &Lab, db: &PgDb, args: &[&str]) {
    let sqlite = lab.run(args);
    assert!(sqlite.status.success(), "{args:?}: {}", stderr(&sqlite));
    let mut on_pg = vec!["--db", db.url.as_str()];
    on_pg.extend(args.iter().copied());
    let pg = lab.run(&on_pg);
    assert!(
        pg.status.success(),
        "{args:?} on PostgreSQL: {}",
        stderr(&pg)
    );
    assert_eq!(stdout(&pg), stdout(&sqlite), "{args:?}");
    assert_eq!(stderr(&pg), stderr(&sqlite), "{args:?}");
}

/// Row counts of the tables a prepare, recipe or recall writes.
fn counts(db: &PgDb) -> Vec<i64> {
    WRITTEN.iter().map(|t| db.count(t)).collect()
}

/// Run a refusal on both engines: the same exit code and message, and
/// nothing written on PostgreSQL.
fn refused_on_both(lab: &Lab, db: &PgDb, args: &[&str]) {
    let before = counts(db);
    let sqlite = lab.run(args);
    assert!(!sqlite.status.success(), "{args:?} should be refused");
    same_on_both(lab, db, args);
    assert_eq!(counts(db), before, "{args:?} wrote on PostgreSQL");
}

/// Copy the PostgreSQL lab back to a SQLite file: every chain's head must
/// equal the SQLite lab's, and `check` (its proofs of batches and lots
/// among them) must pass on the copy.
fn same_evidence(lab: &Lab, db: &PgDb) {
    let back = Lab::empty();
    let out = back.run(&["--db", &db.url, "copy", "--to", back.db.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&back.run(&["audit", "--heads"])),
        stdout(&lab.run(&["audit", "--heads"])),
        "the chains' heads"
    );
    for kind in ["movements", "items"] {
        assert_eq!(
            stdout(&back.run(&["export", kind])),
            stdout(&lab.run(&["export", kind])),
            "export {kind}"
        );
    }
    back.ok(&["check"]);
    lab.ok(&["check"]);
}

/// The demo's batches: reads, then a script of writes and refusals.
#[test]
fn pg_prepare_recipe_recall_and_trace_on_the_demo_as_on_sqlite() {
    crate::common::sqlite_file_test("it compares a SQLite lab with its PostgreSQL copy");
    let Some((lab, db)) = demo_on_postgres("prepare_demo") else {
        return;
    };
    for args in [
        // A component lot recalled, and the batches made from it.
        vec!["trace", "CHM-PBS-TAB", "PT-2609B"],
        // A batch made from a batch.
        vec!["trace", "PRP-GIEMSA-WS", "GWS-261119"],
        vec!["trace", "PRP-PBS", "PBS-261105"],
        vec!["--format", "json", "trace", "PRP-PBS", "PBS-261118"],
        vec!["trace", "CHM-GIEMSA", "GS-8841"],
        vec!["item", "recipe", "PRP-PBS"],
        vec!["--format", "json", "item", "recipe", "PRP-GIEMSA-WS"],
        vec!["item", "recipe", "CHM-GIEMSA"],
        vec!["label", "PRP-PBS", "PBS-261118"],
    ] {
        ok_on_both(&lab, &db, &args);
    }
    for args in [
        vec!["trace", "PRP-PBS", "PBS-9"],
        vec!["trace", "PRP-PBSX", "PBS-261105"],
        vec!["item", "recipe", "PRP-PBSX"],
    ] {
        refused_on_both(&lab, &db, &args);
    }
    let script: &[&[&str]] = &[
        // From the recipe (FEFO over the usable tablet lots), made
        // yesterday.
        &[
            "prepare",
            "PRP-PBS",
            "2",
            "--batch",
            "PBS-X1",
            "--location",
            "BENCH-HAEM",
            "--note",
            "for the afternoon run",
            "--date",
            "2026-11-20",
        ],
        // Named, traced-only and batch components.
        &[
            "prepare",
            "PRP-GIEMSA-WS",
            "1",
            "--batch",
            "GWS-X",
            "--location",
            "BENCH-HAEM",
            "--component",
            "CHM-GIEMSA=5",
            "--component",
            "PRP-PBS:PBS-X1=1",
            "--component",
            "CHM-PBS-TAB",
        ],
        &["trace", "PRP-GIEMSA-WS", "GWS-X"],
        &["trace", "CHM-PBS-TAB", "PT-2611A"],
        &["label", "PRP-GIEMSA-WS", "GWS-X"],
        &["item", "recipe", "PRP-PBS", "--component", "CHM-PBS-TAB=4"],
        &["item", "recipe", "PRP-PBS", "--component", "CHM-PBS-TAB=4"],
        &["item", "recipe", "PRP-PBS"],
        &[
            "lot",
            "recall",
            "CHM-GIEMSA",
            "GS-8841",
            "--reason",
            "FSN-9",
        ],
        &["lot", "recall", "CHM-GIEMSA", "GS-8841", "--cascade"],
        &["lot", "recall", "CHM-GIEMSA", "GS-8841", "--cascade"],
        &["trace", "CHM-GIEMSA", "GS-8841"],
        &["lot", "recall", "PRP-PBS", "PBS-X1", "--cascade"],
        &["item", "recipe", "PRP-GIEMSA-WS", "--clear"],
        &["item", "recipe", "PRP-GIEMSA-WS"],
        &["stock", "--item", "PRP-PBS"],
        &["lot", "list", "PRP-GIEMSA-WS"],
    ];
    for args in script {
        ok_on_both(&lab, &db, args);
    }
    for args in [
        // The batch exists.
        &[
            "prepare",
            "PRP-PBS",
            "1",
            "--batch",
            "PBS-X1",
            "--location",
            "BENCH-HAEM",
        ][..],
        // A recalled component lot, and not enough of a usable one.
        &[
            "prepare",
            "PRP-PBS",
            "1",
            "--batch",
            "PBS-Y",
            "--location",
            "BENCH-HAEM",
            "--component",
            "CHM-PBS-TAB:PT-2609B=1",
        ],
        &[
            "prepare",
            "PRP-PBS",
            "1",
            "--batch",
            "PBS-Y",
            "--location",
            "BENCH-HAEM",
            "--component",
            "CHM-PBS-TAB=1000",
        ],
        // No recipe any more.
        &[
            "prepare",
            "PRP-GIEMSA-WS",
            "1",
            "--batch",
            "GWS-Y",
            "--location",
            "BENCH-HAEM",
        ],
        // A recipe round in a circle.
        &["item", "recipe", "CHM-PBS-TAB", "--component", "PRP-PBS=1"],
        // Recalled before, and no cascade asked for.
        &["lot", "recall", "CHM-GIEMSA", "GS-8841"],
        &["lot", "recall", "CHM-GIEMSA", "GS-0000"],
    ] {
        refused_on_both(&lab, &db, args);
    }
    same_evidence(&lab, &db);
}

/// The lab of tests/cli/prepare.rs: components NACL (lot-tracked, 30 days
/// in use; lots S1 and S2, 5 each at MAIN) and WATER (no lots, 10 at
/// MAIN); prepared items PBS (28 days' shelf life) and STAIN.
fn small_lab() -> Lab {
    let lab = crate::prepare::lab();
    lab.ok(&["location", "add", "FRIDGE-1"]);
    lab
}

/// Every refusal of `prepare`, `item recipe` and `lot recall` in the same
/// words on both engines, writing nothing; then an opened component
/// capping a batch, a batch of a batch, and a cascade.
#[test]
fn pg_prepare_refusals_and_expiries_as_on_sqlite() {
    crate::common::sqlite_file_test("it compares a SQLite lab with its PostgreSQL copy");
    let Some(db) = PgDb::new("prepare_small") else {
        return;
    };
    let lab = small_lab();
    lab.ok(&["copy", "--to", &db.url]);
    let script: &[&[&str]] = &[
        &["lot", "open", "NACL", "S1", "--date", "2026-11-01"],
        &[
            "prepare",
            "PBS",
            "4",
            "--batch",
            "PB-1",
            "--component",
            "NACL:S2=1",
            "--component",
            "WATER",
        ],
        &[
            "prepare",
            "STAIN",
            "2",
            "--batch",
            "ST-1",
            "--component",
            "PBS:PB-1=1",
        ],
        // The opened lot's in-use period caps the batch.
        &[
            "prepare",
            "STAIN",
            "1",
            "--batch",
            "ST-2",
            "--component",
            "NACL:S1",
            "--component",
            "WATER=1",
        ],
        &[
            "item",
            "recipe",
            "PBS",
            "--component",
            "NACL=1",
            "--component",
            "WATER=2",
        ],
        &["item", "recipe", "STAIN", "--component", "PBS=1"],
        &["prepare", "PBS", "2", "--batch", "PB-R"],
        &["trace", "NACL", "S2"],
        &["trace", "WATER", ""],
        &["trace", "STAIN", "ST-1"],
        &["trace", "STAIN", "ST-2"],
        &["lot", "recall", "NACL", "S2", "--reason", "FSN-1"],
        &["lot", "recall", "NACL", "S2", "--cascade"],
        &["stock"],
    ];
    for args in script {
        ok_on_both(&lab, &db, args);
    }
    for args in [
        &[
            "prepare",
            "PBS",
            "1",
            "--batch",
            "X1",
            "--component",
            "NACL=50",
        ][..],
        &[
            "prepare",
            "PBS",
            "1",
            "--batch",
            "X1",
            "--component",
            "NACL:S2=1",
        ],
        &[
            "prepare",
            "PBS",
            "1",
            "--batch",
            "X1",
            "--component",
            "NACL:S9=1",
        ],
        &[
            "prepare",
            "PBS",
            "1",
            "--batch",
            "X1",
            "--component",
            "NACL:S1=1",
            "--location",
            "FRIDGE-1",
        ],
        &[
            "prepare",
            "PBS",
            "1",
            "--batch",
            "X1",
            "--component",
            "SALT=1",
        ],
        &[
            "prepare",
            "PBS",
            "1",
            "--batch",
            "X1",
            "--component",
            "PBS=1",
        ],
        &[
            "prepare",
            "PBS",
            "1",
            "--batch",
            "X1",
            "--component",
            "WATER=1",
            "--component",
            "water=1",
        ],
        &[
            "prepare",
            "PBS",
            "1",
            "--batch",
            "PB-1",
            "--component",
            "WATER=1",
        ],
        &[
            "prepare",
            "PBS",
            "1",
            "--batch",
            " ",
            "--component",
            "WATER=1",
        ],
        &[
            "prepare",
            "PBS",
            "1",
            "--batch",
            "X1",
            "--component",
            "WATER=1",
            "--date",
            "2026-12-01",
        ],
        &[
            "prepare",
            "WATER",
            "1",
            "--batch",
            "X1",
            "--component",
            "NACL=1",
        ],
        // A batch of PBS from a stain made from PBS: a cycle.
        &[
            "prepare",
            "PBS",
            "1",
            "--batch",
            "X1",
            "--component",
            "STAIN:ST-1=1",
        ],
        // From the recipe: not enough water for 9.
        &["prepare", "PBS", "9", "--batch", "X1"],
        &["item", "recipe", "PBS", "--component", "STAIN=1"],
        &["item", "recipe", "PBS", "--component", "NACL:S1=1"],
        &["item", "recipe", "PBS", "--component", "NACL"],
        &[
            "item",
            "recipe",
            "PBS",
            "--component",
            "NACL=1",
            "--component",
            "nacl=2",
        ],
        &["lot", "recall", "NACL", "S2"],
        &["lot", "recall", "NACL", "S7", "--cascade"],
    ] {
        refused_on_both(&lab, &db, args);
    }
    same_evidence(&lab, &db);
}

/// `check`'s proofs of batches and lots (src/prepare.rs, src/lots.rs)
/// read the same rows on both engines, before and after a lot's cached
/// expiry is tampered with.
#[test]
fn pg_the_proofs_of_batches_and_lots_read_the_same_rows() {
    crate::common::sqlite_file_test("it compares a SQLite lab with its PostgreSQL copy");
    let Some((lab, db)) = demo_on_postgres("prepare_proofs") else {
        return;
    };
    let proofs: [(&str, &Sql); 5] = [
        ("batches", &prepare::BATCHES_DISAGREEING),
        ("components", &prepare::COMPONENTS_DISAGREEING),
        ("lot events", &lots::ALL_LOT_EVENTS),
        ("lot creations", &lots::ALL_LOT_CREATIONS),
        ("lots", &lots::ALL_LOTS_TO_PROVE),
    ];
    let compare = |tampered: bool| {
        let sqlite = lab.raw();
        let mut pg = db.client();
        for (name, sql) in proofs {
            let mut stmt = sqlite.prepare(sql.sqlite()).unwrap();
            let columns = stmt.column_count();
            let here: Vec<Vec<String>> = stmt
                .query_map([], |r| {
                    Ok((0..columns)
                        .map(|i| match r.get_ref(i).unwrap() {
                            ValueRef::Null => "NULL".to_owned(),
                            ValueRef::Integer(n) => n.to_string(),
                            ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                            other => panic!("{name}: {other:?}"),
                        })
                        .collect())
                })
                .unwrap()
                .map(Result::unwrap)
                .collect();
            let there: Vec<Vec<String>> = pg
                .query(&sql.postgres_numbered(), &[])
                .unwrap_or_else(|e| panic!("{name}: {e}"))
                .iter()
                .map(|r| {
                    (0..r.len())
                        .map(|i| {
                            if r.columns()[i].type_().name() == "int8" {
                                r.get::<_, Option<i64>>(i)
                                    .map_or_else(|| "NULL".to_owned(), |n| n.to_string())
                            } else {
                                r.get::<_, Option<String>>(i)
                                    .unwrap_or_else(|| "NULL".to_owned())
                            }
                        })
                        .collect()
                })
                .collect();
            assert_eq!(there, here, "{name} (tampered: {tampered})");
        }
        let batches = pg
            .query(&prepare::BATCHES_DISAGREEING.postgres_numbered(), &[])
            .unwrap()
            .len();
        assert_eq!(batches > 0, tampered);
    };
    compare(false);
    let tamper = "UPDATE lots SET expiry = '2030-01-01' WHERE lot = 'PBS-261105'";
    lab.raw().execute(tamper, []).unwrap();
    db.client().batch_execute(tamper).unwrap();
    compare(true);
    let out = lab.run(&["check"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stdout(&out).contains("batch record"), "{}", stdout(&out));
}
