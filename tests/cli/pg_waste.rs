//! The hazardous-waste register on PostgreSQL (issue 15, SPEC §5, §10,
//! §12): every `waste …` command, `report waste`, `report consignments`
//! and the waste record `dispose` writes, run on the demo lab in SQLite
//! and on a PostgreSQL copy of it, say the same (exit code, standard
//! output, standard error), refuse the same with nothing written, and
//! write the same rows: each waste chain ends on the same hash on both
//! engines. Writers racing on PostgreSQL take turns as SQLite's one writer
//! does.

use crate::common::Lab;
use crate::postgres::{PgDb, demo_on_postgres, same_on_both, same_on_both_script, stderr};

/// The register's tables (and `waste_streams`, its reference data).
const TABLES: [&str; 7] = [
    "waste_streams",
    "waste_records",
    "waste_containers",
    "waste_container_seals",
    "waste_consignments",
    "waste_consignment_containers",
    "waste_consignment_records",
];

/// Row counts of the register's tables on PostgreSQL.
fn counts(db: &PgDb) -> Vec<i64> {
    TABLES.iter().map(|t| db.count(t)).collect()
}

/// Run `args` on both engines; it must fail the same way and leave the
/// register as it was on PostgreSQL.
fn refused_on_both(lab: &Lab, db: &PgDb, args: &[&str]) {
    let before = counts(db);
    assert!(!same_on_both(lab, db, args), "{args:?} succeeded on SQLite");
    assert_eq!(counts(db), before, "{args:?} wrote on PostgreSQL");
}

/// The listings and reports of the register, compared on both engines.
fn reads(lab: &Lab, db: &PgDb) {
    for args in [
        &["waste", "streams"][..],
        &["waste", "list"],
        &["waste", "list", "--format", "json"],
        &[
            "waste",
            "list",
            "--stream",
            "180103*",
            "--from",
            "2026-07-01",
            "--to",
            "2026-09-30",
        ],
        &["waste", "container", "list"],
        &["waste", "container", "list", "--state", "open"],
        &["waste", "container", "list", "--state", "sealed"],
        &["waste", "container", "list", "--state", "consigned"],
        &["waste", "container", "list", "--format", "json"],
        &["report", "waste"],
        &["report", "waste", "--format", "json"],
        &["report", "waste", "--totals"],
        &["report", "waste", "--totals", "--format", "json"],
        &[
            "report",
            "waste",
            "--as-of",
            "2026-10-01",
            "--stream",
            "16 05 06*",
        ],
        &[
            "report",
            "waste",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
        ],
        &["report", "consignments"],
        &["report", "consignments", "--format", "json"],
        &["report", "consignments", "--from", "2026-11-01"],
        &["report", "consignments", "--as-of", "2026-08-01"],
        &["report", "consignments", "--stream", "180103*"],
        &["export", "waste"],
    ] {
        assert!(same_on_both(lab, db, args), "{args:?} failed on SQLite");
    }
}

/// Every row's id and hash of each chained table of the register, on
/// SQLite and on PostgreSQL: the same rows, chained alike.
fn same_chains(lab: &Lab, db: &PgDb) {
    let raw = lab.raw();
    let mut client = db.client();
    for table in &TABLES[1..] {
        let sql = format!("SELECT id, hash FROM {table} ORDER BY id");
        let mut stmt = raw.prepare(&sql).expect("prepare");
        let on_sqlite: Vec<(i64, Vec<u8>)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("query")
            .collect::<rusqlite::Result<_>>()
            .expect("rows");
        let on_pg: Vec<(i64, Vec<u8>)> = client
            .query(&sql, &[])
            .expect("query")
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        assert_eq!(on_pg, on_sqlite, "{table}");
    }
}

#[test]
fn pg_waste_reports_and_listings_as_on_sqlite() {
    let Some((lab, db)) = demo_on_postgres("wastereads") else {
        return;
    };
    reads(&lab, &db);
    for args in [
        &["waste", "list", "--stream", "180103"][..],
        &["waste", "list", "--from", "21/10/2026"],
        &["report", "waste", "--stream", "18 01 08"],
        &["report", "consignments", "--stream", "18 01 99*"],
        &["waste", "container", "seal", "SB-2613"],
        &["waste", "correct", "999", "--reason", "typo"],
    ] {
        refused_on_both(&lab, &db, args);
    }
}

#[test]
fn pg_waste_streams_containers_records_consignments_and_dispose_as_on_sqlite() {
    let Some((lab, db)) = demo_on_postgres("wastewrites") else {
        return;
    };
    // Streams: added and edited; a code's asterisk twin and a code that
    // exists are refused.
    same_on_both_script(
        &lab,
        &db,
        &[
            &[
                "waste",
                "stream",
                "add",
                "07 01 04*",
                "--name",
                "other organic solvents, washing liquids and mother liquors",
                "--hazardous",
                "--container",
                "red",
                "--route",
                "incineration",
            ],
            &[
                "waste",
                "stream",
                "edit",
                "070104*",
                "--container",
                "",
                "--route",
                "alternative treatment",
            ],
        ],
    );
    refused_on_both(
        &lab,
        &db,
        &["waste", "stream", "add", "18 01 03", "--name", "x"],
    );
    refused_on_both(
        &lab,
        &db,
        &["waste", "stream", "add", "180103*", "--name", "x"],
    );
    refused_on_both(
        &lab,
        &db,
        &["waste", "stream", "edit", "180103*", "--container", "green"],
    );

    // Containers opened (ids in any case), records into them, a
    // correction, seals (one of an empty container, which writes its
    // record).
    same_on_both_script(
        &lab,
        &db,
        &[
            &[
                "waste",
                "container",
                "open",
                "SB-2701",
                "--stream",
                "180103*",
                "--type",
                "sharps bin 5 L, yellow lid",
                "--location",
                "BENCH-HAEM",
                "--date",
                "2026-11-10",
            ],
            &[
                "waste",
                "container",
                "open",
                "yb-2701",
                "--stream",
                "18 01 03*",
                "--date",
                "2026-11-12",
            ],
            &[
                "waste",
                "container",
                "open",
                "CH-2701",
                "--stream",
                "07 01 04*",
                "--date",
                "2026-11-12",
            ],
            &[
                "waste",
                "record",
                "--stream",
                "18 01 03*",
                "--quantity",
                "1.25",
                "--unit",
                "kg",
                "--container",
                "sb-2701",
                "--date",
                "2026-11-15",
                "--form",
                "solid",
                "--hp",
                "HP9",
            ],
            &[
                "waste",
                "record",
                "--stream",
                "18 01 03*",
                "--quantity",
                "0.5",
                "--unit",
                "kg",
                "--container",
                "SB-2701",
                "--date",
                "2026-11-16",
            ],
            &[
                "waste",
                "record",
                "--stream",
                "07 01 04*",
                "--quantity",
                "4",
                "--unit",
                "L",
                "--container",
                "CH-2701",
                "--date",
                "2026-11-18",
                "--form",
                "liquid",
                "--hp",
                "HP3 HP6",
            ],
            &[
                "waste",
                "record",
                "--stream",
                "18 01 04",
                "--quantity",
                "3",
                "--unit",
                "kg",
                "--container",
                "TB-99",
                "--consignment-note",
                "WTN-SRCL-2026-ANNUAL",
            ],
            &[
                "waste",
                "correct",
                "62",
                "--reason",
                "weighed again",
                "--quantity",
                "0.75",
            ],
            &[
                "waste",
                "container",
                "seal",
                "SB-2701",
                "--date",
                "2026-11-19",
            ],
            &[
                "waste",
                "container",
                "seal",
                "YB-2701",
                "--weight",
                "12.5",
                "--date",
                "2026-11-19",
            ],
            &[
                "waste",
                "container",
                "seal",
                "CH-2701",
                "--date",
                "2026-11-20",
            ],
        ],
    );
    let record = |extra: &[&str]| -> Vec<String> {
        let mut args = vec![
            "waste",
            "record",
            "--stream",
            "18 01 03*",
            "--quantity",
            "1",
            "--unit",
            "kg",
        ];
        args.extend_from_slice(extra);
        args.into_iter().map(str::to_owned).collect()
    };
    for extra in [
        &["--date", "2026-11-22"][..],
        &["--consignment-note", "BAD-NOTE"],
        &["--container", "SB-2701"],
        &["--container", "CH-2701"],
        &["--hp", "HP16"],
        &["--form", "slurry"],
    ] {
        let args = record(extra);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        refused_on_both(&lab, &db, &args);
    }
    for args in [
        &[
            "waste",
            "record",
            "--stream",
            "18 01 03",
            "--quantity",
            "1",
            "--unit",
            "kg",
        ][..],
        &[
            "waste",
            "record",
            "--stream",
            "18 01 99*",
            "--quantity",
            "1",
            "--unit",
            "kg",
        ],
        &[
            "waste",
            "record",
            "--stream",
            "18 01 04",
            "--quantity",
            "1",
            "--unit",
            "kg",
            "--hp",
            "HP9",
        ],
        &["waste", "correct", "62", "--reason", "again"],
        &["waste", "correct", "61", "--reason", " "],
        &[
            "waste",
            "container",
            "open",
            "sb-2701",
            "--stream",
            "180103*",
        ],
        &[
            "waste",
            "container",
            "open",
            "SB-2799",
            "--stream",
            "180103*",
            "--date",
            "2026-12-01",
        ],
        &["waste", "container", "seal", "sb-2701"],
        &["waste", "container", "seal", "SB-270"],
    ] {
        refused_on_both(&lab, &db, args);
    }

    // Consignments: containers with their records and a loose record; the
    // note's format, a note used twice (in any case), a record consigned
    // twice, an open container, a corrected record are refused.
    same_on_both_script(
        &lab,
        &db,
        &[
            &[
                "waste",
                "consign",
                "--consignment-note",
                "LABPAT/00501",
                "--carrier",
                "SRCL Ltd",
                "--carrier-registration",
                "CBDU123456",
                "--destination",
                "Incinerator",
                "--container",
                "SB-2701",
                "--container",
                "yb-2701",
                "--record",
                "18",
                "--date",
                "2026-11-20",
            ],
            &[
                "waste",
                "container",
                "open",
                "SB-2702",
                "--stream",
                "180103*",
            ],
            &[
                "waste",
                "correct",
                "18",
                "--reason",
                "drum weighed at collection",
                "--quantity",
                "7.5",
            ],
            &[
                "waste",
                "correct",
                "34",
                "--reason",
                "never produced",
                "--withdraw",
            ],
        ],
    );
    for args in [
        &[
            "waste",
            "consign",
            "--consignment-note",
            "WTN-1",
            "--carrier",
            "Veolia",
            "--container",
            "CH-2701",
        ][..],
        &[
            "waste",
            "consign",
            "--consignment-note",
            "labpat/00501",
            "--carrier",
            "SRCL Ltd",
            "--container",
            "CH-2701",
        ],
        &[
            "waste",
            "consign",
            "--consignment-note",
            "LABPAT/00502",
            "--carrier",
            "SRCL Ltd",
            "--record",
            "18",
        ],
        &[
            "waste",
            "consign",
            "--consignment-note",
            "LABPAT/00503",
            "--carrier",
            "SRCL Ltd",
            "--container",
            "SB-2702",
        ],
        &[
            "waste",
            "consign",
            "--consignment-note",
            "LABPAT/00504",
            "--carrier",
            "SRCL Ltd",
            "--record",
            "34",
        ],
        &[
            "waste",
            "consign",
            "--consignment-note",
            "LABPAT/00506",
            "--carrier",
            "SRCL Ltd",
            "--record",
            "41",
            "--date",
            "2026-10-01",
        ],
    ] {
        refused_on_both(&lab, &db, args);
    }
    same_on_both_script(
        &lab,
        &db,
        &[&[
            "waste",
            "consign",
            "--consignment-note",
            "LABPAT/00505",
            "--carrier",
            "SRCL Ltd",
            "--record",
            "41",
            "--container",
            "CH-2701",
            "--carrier-registration",
            "CBDU1",
        ]],
    );

    // `dispose` with the item's stream and with another; a stream written
    // without its asterisk is refused with no movement and no record.
    same_on_both_script(
        &lab,
        &db,
        &[
            &[
                "dispose",
                "CHM-GIEMSA",
                "5",
                "--reason",
                "expired",
                "--lot",
                "GS-8841",
                "--location",
                "BENCH-HAEM",
            ],
            &[
                "dispose",
                "CHM-GIEMSA",
                "2",
                "--reason",
                "contaminated",
                "--lot",
                "GS-8841",
                "--location",
                "BENCH-HAEM",
                "--waste-stream",
                "18 01 06*",
            ],
        ],
    );
    let movements = db.count("movements");
    refused_on_both(
        &lab,
        &db,
        &[
            "dispose",
            "CHM-GIEMSA",
            "2",
            "--reason",
            "contaminated",
            "--lot",
            "GS-8841",
            "--location",
            "BENCH-HAEM",
            "--waste-stream",
            "18 01 06",
        ],
    );
    assert_eq!(db.count("movements"), movements);

    reads(&lab, &db);
    same_chains(&lab, &db);
}

/// Run each of `runs` as its own process, all at once, on `db`; their
/// outputs, in order.
fn race(lab: &Lab, db: &PgDb, runs: Vec<Vec<String>>) -> Vec<std::process::Output> {
    let threads: Vec<_> = runs
        .into_iter()
        .map(|args| {
            let mut cmd = lab.cmd();
            cmd.args(["--db", db.url.as_str()]).args(args);
            std::thread::spawn(move || cmd.output().expect("run labstock"))
        })
        .collect();
    threads
        .into_iter()
        .map(|t| t.join().expect("writer thread"))
        .collect()
}

/// Consignments racing for one record: one takes it, the others are
/// refused in words (the record was consigned), and it is linked once.
/// A seal racing records into its container: the seal writes its own
/// record only when no record went in before it, and no record goes into
/// the container once it is sealed.
#[test]
fn pg_waste_racing_writers_take_turns() {
    const WRITERS: usize = 6;
    let Some((lab, db)) = demo_on_postgres("wasterace") else {
        return;
    };
    let consignments = db.count("waste_consignments");
    let outs = race(
        &lab,
        &db,
        (0..WRITERS)
            .map(|i| {
                [
                    "waste",
                    "consign",
                    "--consignment-note",
                    &format!("LABPAT/0060{i}"),
                    "--carrier",
                    "SRCL Ltd",
                    "--record",
                    "41",
                ]
                .map(str::to_owned)
                .to_vec()
            })
            .collect(),
    );
    assert_eq!(
        outs.iter().filter(|o| o.status.success()).count(),
        1,
        "{:?}",
        outs.iter().map(stderr).collect::<Vec<_>>()
    );
    for o in outs.iter().filter(|o| !o.status.success()) {
        let err = stderr(o);
        assert!(
            err.contains("was already consigned on consignment note"),
            "{err}"
        );
    }
    assert_eq!(db.count("waste_consignments"), consignments + 1);
    let mut client = db.client();
    let links: i64 = client
        .query_one(
            "SELECT count(*) FROM waste_consignment_records WHERE record_id = 41",
            &[],
        )
        .expect("count")
        .get(0);
    assert_eq!(links, 1);

    let pg = |args: &[&str]| {
        let mut full = vec!["--db", db.url.as_str()];
        full.extend_from_slice(args);
        lab.ok(&full)
    };
    pg(&[
        "waste",
        "container",
        "open",
        "SB-RACE",
        "--stream",
        "180103*",
    ]);
    let mut runs: Vec<Vec<String>> = (0..WRITERS)
        .map(|_| {
            [
                "waste",
                "record",
                "--stream",
                "18 01 03*",
                "--quantity",
                "1",
                "--unit",
                "kg",
                "--container",
                "SB-RACE",
            ]
            .map(str::to_owned)
            .to_vec()
        })
        .collect();
    runs.insert(
        WRITERS / 2,
        ["waste", "container", "seal", "SB-RACE", "--weight", "2"]
            .map(str::to_owned)
            .to_vec(),
    );
    let outs = race(&lab, &db, runs);
    for o in outs.iter().filter(|o| !o.status.success()) {
        let err = stderr(o);
        assert!(err.contains("container SB-RACE was sealed on"), "{err}");
    }
    let rows = client
        .query(
            "SELECT origin FROM waste_records WHERE container = 'SB-RACE'",
            &[],
        )
        .expect("records");
    let origins: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
    let sealed_empty = origins.iter().any(|o| o == "seal");
    let recorded = origins.iter().filter(|o| *o == "record").count();
    assert!(
        sealed_empty != (recorded > 0),
        "a seal record and {recorded} records in one container: {origins:?}"
    );
    assert_eq!(
        recorded,
        outs.iter().filter(|o| o.status.success()).count() - 1,
        "every record that succeeded is in the container"
    );
}
