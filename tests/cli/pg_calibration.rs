//! The equipment register and its calibration on PostgreSQL (SPEC §4,
//! §10, §12; issue 15): every `equipment …` subcommand, `calibrate` (and
//! `--extend-to`) and `report calibration-due` give the same answer, the
//! same refusal and the same writes on both engines. The demo lab is
//! copied to a fresh PostgreSQL database, then each command runs on the
//! SQLite file and on the copy and their output is compared; the writes
//! are compared afterwards through `export`, `equipment show` and the
//! report, and proven by `check` on a copy of the PostgreSQL lab and by
//! `check`'s own proofs of the register run on PostgreSQL.

use std::path::Path;

use crate::common::Lab;
use crate::postgres::{PgDb, same_on_both, stderr, stdout};

/// The demo lab in a SQLite file (on either pass of the suite: SQLite is
/// what PostgreSQL is compared with) and a PostgreSQL copy of it, or
/// `None` (said on stderr) when no server answers.
fn demo_on_postgres(test: &str) -> Option<(Lab, PgDb)> {
    let db = PgDb::new(test)?;
    let lab = Lab::empty_sqlite();
    lab.ok(&["demo"]);
    let out = lab.run(&["copy", "--to", &db.url]);
    assert!(out.status.success(), "{}", stderr(&out));
    Some((lab, db))
}

/// The tables an `equipment`/`calibrate` command may write.
const TABLES: [&str; 6] = [
    "equipment",
    "calibrations",
    "calibration_extensions",
    "equipment_status_changes",
    "service_records",
    "calibration_interval_changes",
];

fn counts(db: &PgDb) -> Vec<i64> {
    TABLES.iter().map(|t| db.count(t)).collect()
}

/// Run `args` on both engines, requiring the same outcome and, on
/// SQLite, success.
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

/// Run a refusal on both engines: the same exit code and message, and
/// nothing written on PostgreSQL.
fn refused_on_both(lab: &Lab, db: &PgDb, args: &[&str]) {
    let before = counts(db);
    let sqlite = lab.run(args);
    assert!(!sqlite.status.success(), "{args:?} should be refused");
    same_on_both(lab, db, args);
    assert_eq!(counts(db), before, "{args:?} wrote on PostgreSQL");
}

/// `check`'s proofs of the register (maintained state against a replay
/// of the records, intervals against their records), on either engine.
fn register_problems(db: &str) -> Vec<String> {
    let store = labstock::Store::open_any(Path::new(db), labstock::store::OpenOptions::default())
        .expect("open store");
    store.verify_equipment_state().expect("verify the register")
}

/// The writes compared: both exports of the register and its records,
/// every asset shown, and the report in the past and today.
fn same_register(lab: &Lab, db: &PgDb) {
    for args in [
        &["export", "equipment"][..],
        &["export", "calibrations"],
        &["equipment", "list", "--format", "json"],
        &["report", "calibration-due", "--within", "365"],
        &["report", "calibration-due", "--as-of", "2026-06-01"],
    ] {
        ok_on_both(lab, db, args);
    }
    let tags: Vec<String> = crate::common::parse_csv(&lab.ok(&["equipment", "list"]))
        .into_iter()
        .skip(1)
        .map(|r| r[0].clone())
        .collect();
    for tag in &tags {
        ok_on_both(lab, db, &["equipment", "show", tag]);
        same_on_both(lab, db, &["equipment", "check", tag]);
    }
}

#[test]
fn pg_equipment_list_show_check_and_the_due_report_as_on_sqlite() {
    let Some((lab, db)) = demo_on_postgres("calreads") else {
        return;
    };
    for args in [
        &["equipment", "list"][..],
        &["equipment", "list", "--format", "json"],
        &["equipment", "list", "--format", "table"],
        &["equipment", "list", "--status", "in_service"],
        &["equipment", "list", "--status", "quarantined"],
        &["equipment", "list", "--category", "PIPETTE"],
        &[
            "equipment",
            "list",
            "--category",
            "centrifuge",
            "--status",
            "in_service",
        ],
        &["equipment", "show", "EQ-0001"],
        &["equipment", "show", "eq-0004", "--format", "json"],
        &["equipment", "show", "EQ-0002", "--format", "csv"],
        &["report", "calibration-due"],
        &["report", "calibration-due", "--within", "0"],
        &[
            "report",
            "calibration-due",
            "--within",
            "400",
            "--format",
            "json",
        ],
        &[
            "report",
            "calibration-due",
            "--as-of",
            "2026-01-01",
            "--within",
            "90",
        ],
        &["report", "calibration-due", "--as-of", "2024-06-30"],
    ] {
        ok_on_both(&lab, &db, args);
    }
    // Every asset's pre-use check: fit (exit 0) or the same reasons (exit 3).
    same_register(&lab, &db);
    // Unknown asset tags: the same suggestions; bad values the same message.
    for args in [
        &["equipment", "show", "EQ-001"][..],
        &["equipment", "check", "EQ-00001"],
        &["equipment", "list", "--status", "broken"],
        &["report", "calibration-due", "--within", "-1"],
        &["report", "calibration-due", "--as-of", "2026-02-30"],
    ] {
        refused_on_both(&lab, &db, args);
    }
    same_on_both(
        &lab,
        &db,
        &["report", "calibration-due", "--fail-on-overdue"],
    );
    assert!(register_problems(&db.url).is_empty());
}

#[test]
fn pg_calibrate_extend_status_edit_service_and_add_write_as_on_sqlite() {
    let Some((lab, db)) = demo_on_postgres("calwrites") else {
        return;
    };
    for args in [
        // A fail quarantines; the pre-use check says why.
        &[
            "calibrate",
            "EQ-0004",
            "--date",
            "2026-11-20",
            "--result",
            "fail",
            "--certificate",
            "C-17",
            "--notes",
            "drifts high",
        ][..],
        &["equipment", "list", "--status", "quarantined"],
        // Back in service only through a passing calibration.
        &[
            "calibrate",
            "EQ-0004",
            "--date",
            "2026-11-21",
            "--result",
            "adjusted",
        ],
        // Late paperwork: kept, the due date stays.
        &[
            "calibrate",
            "EQ-0004",
            "--date",
            "2026-11-10",
            "--result",
            "pass",
        ],
        // An explicit next due date.
        &[
            "calibrate",
            "EQ-0005",
            "--date",
            "2026-11-19",
            "--result",
            "pass",
            "--next-due",
            "2027-02-01",
            "--by",
            "Acme Cal Ltd",
        ],
        // A documented extension, then a calibration replacing it.
        &[
            "calibrate",
            "EQ-0001",
            "--extend-to",
            "2027-02-01",
            "--reason",
            "engineer visit booked",
            "--approved-by",
            "QM",
        ],
        &[
            "calibrate",
            "EQ-0002",
            "--extend-to",
            "2027-06-30",
            "--reason",
            "low use",
            "--approved-by",
            "QM",
            "--date",
            "2026-11-01",
        ],
        &[
            "calibrate",
            "EQ-0002",
            "--date",
            "2026-11-21",
            "--result",
            "pass",
        ],
        // Status changes with reasons; condemned is final.
        &[
            "equipment",
            "status",
            "EQ-0003",
            "out_of_service",
            "--reason",
            "moved",
        ],
        &[
            "equipment",
            "status",
            "eq-0003",
            "in_service",
            "--reason",
            "back",
        ],
        &[
            "equipment",
            "status",
            "EQ-0006",
            "quarantined",
            "--reason",
            "dropped",
        ],
        &[
            "equipment",
            "status",
            "EQ-0007",
            "condemned",
            "--reason",
            "cracked",
        ],
        // Interval changes: dated records that never move a due date later.
        &[
            "equipment",
            "edit",
            "EQ-0008",
            "--calibration-interval",
            "6m",
            "--effective",
            "2026-11-01",
            "--reason",
            "audit finding",
        ],
        &[
            "equipment",
            "edit",
            "EQ-0008",
            "--calibration-interval",
            "6m",
        ],
        &[
            "equipment",
            "edit",
            "EQ-0009",
            "--calibration-interval",
            "2y",
        ],
        &["equipment", "edit", "EQ-0009", "--calibration-interval", ""],
        &[
            "equipment",
            "edit",
            "EQ-0005",
            "--description",
            "Pipette P200 (spare)",
            "--location",
            "",
            "--in-service-date",
            "2021-03-01",
        ],
        // The maintenance log.
        &[
            "equipment",
            "service",
            "EQ-0001",
            "--kind",
            "ppm",
            "--notes",
            "rotor checked",
        ],
        &[
            "equipment",
            "service",
            "EQ-0003",
            "--kind",
            "pat",
            "--by",
            "Estates",
            "--date",
            "2026-11-02",
        ],
        // New assets: with an interval, without, registered out of service.
        &[
            "equipment",
            "add",
            "EQ-0100",
            "--description",
            "Water bath",
            "--calibration-interval",
            "1y",
            "--category",
            "bath",
            "--location",
            "Histology, room 1.02",
            "--in-service-date",
            "2026-11-01",
        ],
        &[
            "equipment",
            "add",
            "EQ-0101",
            "--description",
            "Vortex mixer",
        ],
        &["equipment", "add", "EQ-0102", "--status", "out_of_service"],
        &[
            "calibrate",
            "EQ-0100",
            "--date",
            "2026-11-21",
            "--result",
            "pass",
        ],
    ] {
        ok_on_both(&lab, &db, args);
    }
    // Refusals: the same message and exit code, nothing written.
    for args in [
        &["equipment", "add", "eq-0100"][..],
        &["equipment", "add", " "],
        &[
            "equipment",
            "add",
            "EQ-0103",
            "--calibration-interval",
            "0d",
        ],
        &["equipment", "add", "EQ-0103", "--status", "lost"],
        &[
            "calibrate",
            "EQ-0104",
            "--date",
            "2026-11-20",
            "--result",
            "pass",
        ],
        &[
            "calibrate",
            "EQ-0001",
            "--date",
            "2026-11-22",
            "--result",
            "pass",
        ],
        &[
            "calibrate",
            "EQ-0001",
            "--date",
            "2026-11-20",
            "--result",
            "meh",
        ],
        &[
            "calibrate",
            "EQ-0001",
            "--date",
            "2026-11-20",
            "--result",
            "pass",
            "--next-due",
            "2026-11-19",
        ],
        &[
            "calibrate",
            "EQ-0001",
            "--extend-to",
            "2026-12-01",
            "--reason",
            "r",
            "--approved-by",
            "QM",
        ],
        &[
            "calibrate",
            "EQ-0101",
            "--extend-to",
            "2027-12-01",
            "--reason",
            "r",
            "--approved-by",
            "QM",
        ],
        &[
            "calibrate",
            "EQ-0007",
            "--extend-to",
            "2028-12-01",
            "--reason",
            "r",
            "--approved-by",
            "QM",
        ],
        &[
            "calibrate",
            "EQ-0001",
            "--extend-to",
            "2028-12-01",
            "--reason",
            " ",
            "--approved-by",
            "QM",
        ],
        &[
            "equipment",
            "status",
            "EQ-0007",
            "in_service",
            "--reason",
            "x",
        ],
        &[
            "equipment",
            "status",
            "EQ-0006",
            "quarantined",
            "--reason",
            "x",
        ],
        &[
            "equipment",
            "status",
            "EQ-0006",
            "in_service",
            "--reason",
            " ",
        ],
        &[
            "equipment",
            "edit",
            "EQ-0008",
            "--calibration-interval",
            "1y",
            "--effective",
            "2026-10-01",
        ],
        &[
            "equipment",
            "edit",
            "EQ-0008",
            "--calibration-interval",
            "1y",
            "--effective",
            "2026-12-01",
        ],
        &[
            "equipment",
            "edit",
            "EQ-0008",
            "--in-service-date",
            "yesterday",
        ],
        &["equipment", "service", "EQ-0001", "--kind", "clean"],
        &[
            "equipment",
            "service",
            "EQ-0001",
            "--kind",
            "ppm",
            "--date",
            "2026-11-22",
        ],
        &[
            "equipment",
            "service",
            "EQ-0001",
            "--kind",
            "ppm",
            "--by",
            " ",
        ],
        &["equipment", "service", "EQ-01", "--kind", "ppm"],
    ] {
        refused_on_both(&lab, &db, args);
    }
    // EQ-0006, quarantined by hand, is unfit for use on both (exit 3).
    same_on_both(&lab, &db, &["equipment", "check", "EQ-0006"]);
    same_register(&lab, &db);
    // `check`'s proofs hold on PostgreSQL, and on a copy of it every
    // chain and balance is proven as on the SQLite file.
    assert_eq!(register_problems(&db.url), Vec::<String>::new());
    let back = lab.path().join("back.db");
    let back = back.to_str().expect("utf-8 path");
    let out = lab.run(&["--db", &db.url, "copy", "--to", back]);
    assert!(out.status.success(), "{}", stderr(&out));
    let on_sqlite = lab.ok(&["check"]);
    let on_copy = lab.ok(&["--db", back, "check"]);
    assert_eq!(on_copy, on_sqlite);
}

#[test]
fn pg_check_finds_the_same_tampered_register_on_both_engines() {
    let Some((lab, db)) = demo_on_postgres("caltamper") else {
        return;
    };
    // A maintained due date and an interval changed beneath labstock (the
    // register has no update trigger: it is a cache `check` proves).
    let tamper = "UPDATE equipment SET next_due = '2030-01-01' WHERE asset_tag = 'EQ-0002'";
    let tamper_interval =
        "UPDATE equipment SET calibration_interval = '2y' WHERE asset_tag = 'EQ-0003'";
    let raw = lab.raw();
    raw.execute(tamper, []).expect("tamper SQLite");
    raw.execute(tamper_interval, []).expect("tamper SQLite");
    drop(raw);
    let mut client = db.client();
    client.batch_execute(tamper).expect("tamper PostgreSQL");
    client
        .batch_execute(tamper_interval)
        .expect("tamper PostgreSQL");
    let sqlite = register_problems(lab.db.to_str().expect("utf-8 path"));
    assert_eq!(sqlite.len(), 2, "{sqlite:#?}");
    assert!(sqlite[0].starts_with("asset EQ-0002: its records replay to"));
    assert!(sqlite[1].starts_with("asset EQ-0003: its interval records end at 6m"));
    assert_eq!(register_problems(&db.url), sqlite);
    // The report reads the maintained state: the same (wrong) answer on
    // both until the register is repaired.
    same_on_both(&lab, &db, &["report", "calibration-due", "--within", "400"]);
}

#[test]
fn pg_a_report_in_the_past_replays_a_large_register_as_on_sqlite() {
    // More assets changed after the as-of day than the per-asset replay
    // takes (64): the report reads each record table once instead.
    let Some(db) = PgDb::new("calbulk") else {
        return;
    };
    let lab = Lab::new_sqlite();
    let mut equipment = String::from("asset_tag,calibration_interval,status\n");
    let mut calibrations = String::from("asset_tag,performed_on,result\n");
    for n in 0..80 {
        let interval = ["6m", "1y", "90d", "2w"][n % 4];
        let status = if n % 9 == 0 {
            "out_of_service"
        } else {
            "in_service"
        };
        equipment.push_str(&format!("EQ-{n:03},{interval},{status}\n"));
        calibrations.push_str(&format!("EQ-{n:03},2025-0{}-1{},pass\n", 1 + n % 9, n % 10));
        let result = ["pass", "fail", "adjusted"][n % 3];
        calibrations.push_str(&format!("EQ-{n:03},2026-10-{:02},{result}\n", 1 + n % 28));
    }
    let e = lab.file("equipment.csv", &equipment);
    let c = lab.file("calibrations.csv", &calibrations);
    lab.ok(&["import", "equipment", e.to_str().expect("utf-8")]);
    lab.ok(&["import", "calibrations", c.to_str().expect("utf-8")]);
    for n in (0..80).step_by(7) {
        let tag = format!("EQ-{n:03}");
        lab.ok(&[
            "equipment",
            "edit",
            &tag,
            "--calibration-interval",
            "3m",
            "--effective",
            "2026-10-15",
        ]);
    }
    lab.ok(&[
        "equipment",
        "status",
        "EQ-005",
        "condemned",
        "--reason",
        "x",
    ]);
    let out = lab.run(&["copy", "--to", &db.url]);
    assert!(out.status.success(), "{}", stderr(&out));
    for as_of in ["2025-06-30", "2025-12-31", "2026-09-30", "2026-10-20"] {
        ok_on_both(
            &lab,
            &db,
            &[
                "report",
                "calibration-due",
                "--as-of",
                as_of,
                "--within",
                "60",
            ],
        );
    }
    ok_on_both(
        &lab,
        &db,
        &["report", "calibration-due", "--within", "3650"],
    );
    assert!(register_problems(&db.url).is_empty());
}

#[test]
fn pg_concurrent_writers_of_one_asset_take_turns() {
    // Calibrations, status changes and interval edits of one asset at
    // once: each writer locks the asset's row, so each replays what the
    // one before it committed, every record gets its own place in the
    // asset's order, and the maintained state is the replay of them all.
    let Some((lab, db)) = demo_on_postgres("calrace") else {
        return;
    };
    let runs: Vec<Vec<String>> = (0..24)
        .map(|n| {
            let args: Vec<String> = match n % 8 {
                0..=5 => vec![
                    "calibrate".into(),
                    "EQ-0001".into(),
                    "--date".into(),
                    // Dates out of order: a writer that read the asset
                    // before another committed a later calibration would
                    // otherwise store its own as the latest.
                    format!("2026-11-{:02}", 1 + (n * 7) % 21),
                    "--result".into(),
                    if n == 4 { "fail" } else { "pass" }.into(),
                ],
                6 => vec![
                    "equipment".into(),
                    "service".into(),
                    "EQ-0001".into(),
                    "--kind".into(),
                    "ppm".into(),
                ],
                _ => vec![
                    "equipment".into(),
                    "edit".into(),
                    "EQ-0001".into(),
                    "--calibration-interval".into(),
                    ["9m", "2y", "9m"][n / 8].into(),
                    "--effective".into(),
                    "2026-11-21".into(),
                ],
            };
            let mut full = vec!["--db".to_owned(), db.url.clone()];
            full.extend(args);
            full
        })
        .collect();
    let children: Vec<_> = runs
        .iter()
        .map(|args| {
            std::process::Command::new(env!("CARGO_BIN_EXE_labstock"))
                .args(args)
                .env_clear()
                .env("LABSTOCK_NOW", &lab.now)
                .env("LABSTOCK_USER", "a.tester")
                .env("NO_COLOR", "1")
                .env("TZ", "UTC")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn labstock")
        })
        .collect();
    for (child, args) in children.into_iter().zip(&runs) {
        let out = child.wait_with_output().expect("wait for labstock");
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    }
    let seqs: Vec<i64> = db
        .client()
        .query(
            "SELECT c.seq FROM calibrations c JOIN equipment e ON e.id = c.equipment_id \
              WHERE e.asset_tag = 'EQ-0001' UNION ALL \
             SELECT c.seq FROM calibration_interval_changes c JOIN equipment e ON e.id = c.equipment_id \
              WHERE e.asset_tag = 'EQ-0001' UNION ALL \
             SELECT c.seq FROM equipment_status_changes c JOIN equipment e ON e.id = c.equipment_id \
              WHERE e.asset_tag = 'EQ-0001' ORDER BY 1",
            &[],
        )
        .expect("seqs")
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut distinct = seqs.clone();
    distinct.dedup();
    assert_eq!(
        distinct, seqs,
        "two records share a place in the asset's order"
    );
    assert_eq!(register_problems(&db.url), Vec::<String>::new());
    // And the copy back proves every chain.
    let back = lab.path().join("race.db");
    let back = back.to_str().expect("utf-8 path");
    let out = lab.run(&["--db", &db.url, "copy", "--to", back]);
    assert!(out.status.success(), "{}", stderr(&out));
    lab.ok(&["--db", back, "check"]);
}
