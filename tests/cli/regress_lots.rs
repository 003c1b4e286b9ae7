//! Issue 12, defects 6 and 8: lots are evidence. A lot's creation (item,
//! number, expiry) and every change of its status or opening are chained
//! records that `check` proves the lot row against; `lot open --date` is
//! validated, and a wrong opening (an `open` movement, SPEC §15) is
//! corrected by reversing it with a reason.

use chrono::NaiveDate;

use crate::common::{Lab, parse_csv};

/// A lab with a lot-tracked reagent (28 days in use) received on 1
/// November in lot L-1, and a non-lot-tracked item received today.
fn reagent_lab() -> Lab {
    let mut lab = Lab::new();
    lab.ok(&[
        "item",
        "add",
        "RGT",
        "--name",
        "Reagent",
        "--lot-tracked",
        "--in-use-days",
        "28",
    ]);
    lab.ok(&["item", "add", "GLV", "--name", "Gloves"]);
    lab.now = "2026-11-01T10:00:00Z".into();
    lab.ok(&[
        "receive",
        "RGT",
        "5",
        "--lot",
        "L-1",
        "--expiry",
        "2027-06-30",
    ]);
    lab.now = crate::common::NOW.into();
    lab.ok(&["receive", "GLV", "10"]);
    lab
}

/// Run raw SQL as a tool that ignores labstock's rules would: triggers
/// dropped first, foreign keys off.
fn tamper(lab: &Lab, sql: &str) {
    let raw = lab.raw();
    let conn = &raw;
    conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
    let triggers: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    for t in triggers {
        conn.execute_batch(&format!("DROP TRIGGER {t}")).unwrap();
    }
    conn.execute_batch(sql).unwrap();
}

/// `check` exits 3; returns its stdout lines.
fn check_fails(lab: &Lab) -> Vec<String> {
    let out = lab.run(&["check"]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

/// `lot list ITEM` rows as (lot, expiry, opened_on, effective_expiry, status).
fn lots(lab: &Lab, item: &str) -> Vec<Vec<String>> {
    lab.csv(&["lot", "list", item])[1..]
        .iter()
        .map(|r| r[..5].to_vec())
        .collect()
}

#[test]
fn defect_06_check_catches_tampered_lot() {
    crate::common::sqlite_file_test(
        "it tampers through a raw SQLite connection (on PostgreSQL: pg_check::)",
    );
    let lab = reagent_lab();
    lab.ok(&["lot", "quarantine", "RGT", "L-1", "--reason", "QC failure"]);
    lab.ok(&["check"]);
    // The exact edit of the issue: extend the expiry and release the lot
    // beneath labstock. Before the fix `check` passed.
    tamper(
        &lab,
        "UPDATE lots SET expiry = '2030-01-01', status = 'available' WHERE lot = 'L-1'",
    );
    let lines = check_fails(&lab);
    assert_eq!(
        lines,
        [
            "lot L-1 of RGT: its creation record says expiry 2027-06-30, the lot says 2030-01-01; \
             run `labstock audit --entity item:RGT`",
            "lot L-1 of RGT: its lot events make it quarantined, the lot says available; \
             run `labstock audit --entity item:RGT`",
        ],
        "{lines:#?}"
    );
}

#[test]
fn defect_06_check_catches_a_tampered_opening_and_lot_number() {
    crate::common::sqlite_file_test(
        "it tampers through a raw SQLite connection (on PostgreSQL: pg_check::)",
    );
    let lab = reagent_lab();
    lab.ok(&["lot", "open", "RGT", "L-1", "2", "--date", "2026-11-10"]);
    lab.ok(&["check"]);
    // The opened units moved to the sealed portion beneath labstock, the
    // lot renumbered and an expiry given to the unnamed lot.
    tamper(
        &lab,
        "UPDATE balances SET quantity = 0 WHERE opened_on = '2026-11-10';
         UPDATE balances SET quantity = 5 WHERE lot_id = 1 AND opened_on = '';
         UPDATE lots SET lot = 'L-9' WHERE lot = 'L-1';
         UPDATE lots SET expiry = '2027-01-01' WHERE lot = '' ",
    );
    let lines = check_fails(&lab);
    assert!(
        lines.contains(
            &"lots row 1 says lot L-9 of RGT, its creation record says lot L-1 of RGT; \
              run `labstock audit --entity lot_creation:1`"
                .to_owned()
        ),
        "{lines:#?}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with(
            "lot L-9 of RGT (units opened 2026-11-10) at MAIN: ledger sums to 2, balance says 0"
        )),
        "{lines:#?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("lot L-9 of RGT at MAIN: ledger sums to 3, balance says 5")),
        "{lines:#?}"
    );
    assert!(
        lines.contains(
            &"GLV (no lot): its creation record says expiry none, the lot says 2027-01-01; \
              run `labstock audit --entity item:GLV`"
                .to_owned()
        ),
        "{lines:#?}"
    );
}

#[test]
fn defect_06_a_lot_without_creation_record_and_an_edited_record_are_found() {
    crate::common::sqlite_file_test("it tampers through a raw SQLite connection");
    let lab = reagent_lab();
    // A lot slipped in with SQL, and the creation record of L-1 edited to
    // match an edited lot row: the hash chain names the record.
    tamper(
        &lab,
        "INSERT INTO lots (item_id, lot, expiry, created_at) VALUES (1, 'L-X', '2029-01-01', '2026-11-21T09:00:00Z');
         UPDATE lots SET expiry = '2030-01-01' WHERE lot = 'L-1';
         UPDATE lot_creations SET expiry = '2030-01-01' WHERE lot = 'L-1';",
    );
    let lines = check_fails(&lab);
    assert!(
        lines.contains(
            &"lot L-X of RGT (lots row 3) has no creation record: it was made outside labstock; \
              run `labstock audit --entity item:RGT`"
                .to_owned()
        ),
        "{lines:#?}"
    );
    assert!(
        lines.contains(
            &"lot_creations row 1 no longer matches its hash: it was changed outside labstock \
              (run `labstock audit --entity lot_creation:1`)"
                .to_owned()
        ),
        "{lines:#?}"
    );
    assert_eq!(lines.len(), 2, "{lines:#?}");
}

#[test]
fn defect_06_every_lot_has_a_chained_creation_record_in_the_audit_trail() {
    crate::common::sqlite_file_test(
        "it counts rows through a raw SQLite connection (on PostgreSQL: pg_check::)",
    );
    let lab = Lab::empty();
    lab.ok(&["demo"]);
    lab.ok(&["check"]);
    let raw = lab.raw();
    let conn = &raw;
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    let lots = count("SELECT count(*) FROM lots");
    assert!(lots > 0);
    assert_eq!(count("SELECT count(*) FROM lot_creations"), lots);
    assert_eq!(
        count(
            "SELECT count(*) FROM lots l JOIN lot_creations c ON c.lot_id = l.id \
             AND c.item_id = l.item_id AND c.lot = l.lot AND c.expiry IS l.expiry"
        ),
        lots
    );
    let trail = parse_csv(&lab.ok(&["audit", "--entity", "lot_creation", "--format", "csv"]));
    assert_eq!(trail.len() as i64, lots + 1);
    // Creation records are append-only.
    let err = conn
        .execute("UPDATE lot_creations SET expiry = '2099-01-01'", [])
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
}

#[test]
fn defect_08_open_date_validated() {
    let lab = reagent_lab();
    for (date, says) in [
        (
            "2026-11-22",
            "invalid --date \"2026-11-22\": a date on or before today (2026-11-21)",
        ),
        (
            "2026-10-31",
            "invalid --date \"2026-10-31\": a date on or after 2026-11-01, when this lot of RGT was first received",
        ),
    ] {
        let before = lab.db_bytes();
        let err = lab.fails(&["lot", "open", "RGT", "L-1", "--date", date], 65);
        assert!(err.starts_with(&format!("error: {says}")), "{err}");
        assert_eq!(lab.db_bytes(), before, "{date}: nothing written");
    }
    // The first day of receipt and today are both fine.
    lab.ok(&["lot", "open", "RGT", "L-1", "--date", "2026-11-01"]);
    assert_eq!(
        lots(&lab, "RGT"),
        [["L-1", "2027-06-30", "2026-11-01", "2026-11-29", "available"]]
    );
    lab.ok(&["lot", "open", "GLV", "", "--date", "2026-11-21"]);
    lab.ok(&["check"]);
}

#[test]
fn defect_08_open_correction_is_recorded() {
    let mut lab = reagent_lab();
    lab.now = "2026-11-15T10:00:00Z".into();
    lab.ok(&["lot", "open", "RGT", "L-1", "--date", "2026-11-14"]);
    lab.now = crate::common::NOW.into();
    // Opening is by units (SPEC §15): a wrong opening is corrected by
    // reversing its movement, with the reason, and opening again.
    let before = lab.db_bytes();
    let err = lab.fails(&["reverse", "3"], 2);
    assert!(err.contains("--reason"), "{err}");
    assert_eq!(lab.db_bytes(), before);
    lab.ok(&[
        "reverse",
        "3",
        "--reason",
        "opened on the 3rd, entered late",
    ]);
    lab.ok(&["lot", "open", "RGT", "L-1", "--date", "2026-11-03"]);
    assert_eq!(
        lots(&lab, "RGT"),
        [["L-1", "2027-06-30", "2026-11-03", "2026-12-01", "available"]]
    );
    // Every record stays: the opening, its reversal with the reason, the
    // opening again; check agrees.
    let card = lab.csv(&["history", "RGT"]);
    let brief: Vec<String> = card[1..]
        .iter()
        .map(|r| format!("{} {} {} {}", r[2], r[6], r[10], r[14]))
        .collect();
    assert_eq!(
        brief,
        [
            "receive 5  ",
            "open -1  2026-11-14",
            "reverse 1 opened on the 3rd, entered late 2026-11-14",
            "open -1  2026-11-03",
        ],
        "{card:#?}"
    );
    lab.ok(&["check"]);
    // As of a date, the units count as opened from the day they were.
    let stock = |day: &str| -> Vec<String> {
        lab.csv(&["stock", "--item", "RGT", "--as-of", day])[1..]
            .iter()
            .map(|r| format!("{} {} {}", r[5], r[6], r[7]))
            .collect()
    };
    assert_eq!(stock("2026-11-02"), ["5  2027-06-30"]);
    assert_eq!(
        stock("2026-11-21"),
        ["4  2027-06-30", "1 2026-11-03 2026-12-01"]
    );
}

#[test]
fn defect_08_bad_input_exits_65_and_writes_nothing() {
    let lab = reagent_lab();
    let cases: &[(&[&str], &str)] = &[
        (
            &["lot", "open", "RGT", "L-1", "--date", "2026-13-01"],
            "2026-13-01",
        ),
        (
            &["lot", "open", "RGT", "L-1", "--date", "21/11/2026"],
            "21/11/2026",
        ),
        (&["lot", "open", "RGT", "L-2"], "unknown lot"),
        (
            &["lot", "open", "RGT", "L-1", "6"],
            "not enough sealed stock",
        ),
        (&["open", "RGT", "0"], "quantity"),
    ];
    for (args, says) in cases {
        let before = lab.db_bytes();
        let err = lab.fails(args, 65);
        assert!(err.contains(says), "{args:?}: {err}");
        assert_eq!(lab.db_bytes(), before, "{args:?}: nothing written");
    }
}

#[test]
fn status_as_of_replays_lot_events_for_one_lot_and_for_all() {
    crate::common::sqlite_file_test("it calls the library on a raw SQLite connection");
    let mut lab = reagent_lab();
    lab.now = "2026-11-10T10:00:00Z".into();
    lab.ok(&["lot", "quarantine", "RGT", "L-1", "--reason", "QC"]);
    lab.now = "2026-11-12T10:00:00Z".into();
    lab.ok(&["lot", "release", "RGT", "L-1", "--reason", "QC passed"]);
    lab.now = "2026-11-20T10:00:00Z".into();
    lab.ok(&["lot", "recall", "RGT", "L-1", "--reason", "FSN 42"]);
    let raw = lab.raw();
    let conn = &raw;
    let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    use labstock::model::LotStatus::{Available, Quarantined, Recalled};
    for (day, status) in [
        ("2026-11-09", Available),
        ("2026-11-10", Quarantined),
        ("2026-11-11", Quarantined),
        ("2026-11-12", Available),
        ("2026-11-19", Available),
        ("2026-11-20", Recalled),
        ("2026-11-21", Recalled),
    ] {
        let one =
            labstock::lots::status_as_of(conn, labstock::model::LotId::new(1), d(day)).unwrap();
        assert_eq!(one.status, status, "{day}");
        let all = labstock::lots::statuses_changed_after(conn, d(day)).unwrap();
        // Lots not in the map have the status of their row (recalled).
        let batch = all
            .get(&labstock::model::LotId::new(1))
            .copied()
            .unwrap_or(Recalled);
        assert_eq!(batch, status, "{day}: {all:?}");
    }
    // The report as of a date agrees (reorder/stock.rs uses the batch form).
    let rows = lab.csv(&[
        "report",
        "expiry",
        "--within",
        "400",
        "--as-of",
        "2026-11-11",
    ]);
    assert!(
        rows[1..]
            .iter()
            .any(|r| r[2] == "L-1" && r.iter().any(|c| c == "quarantined")),
        "{rows:?}"
    );
}

/// The batch form reads only the lot events after the date, through the
/// index on `lot_events.at`, then each changed lot's events through
/// `lot_events_lot`: never a scan of the table.
#[test]
fn status_as_of_reads_lot_events_through_indexes() {
    crate::common::sqlite_file_test("SQLite's query plans (PostgreSQL's: pg_plans::)");
    let lab = reagent_lab();
    let raw = lab.raw();
    let conn = &raw;
    let plan = |sql: &str| -> String {
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        stmt.query_map(["2026-11-21T00:00:00Z"], |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<rusqlite::Result<Vec<_>>>()
            .unwrap()
            .join("\n")
    };
    let batch = plan(
        "SELECT e.lot_id, e.action, e.at FROM lot_events e \
         WHERE e.lot_id IN (SELECT lot_id FROM lot_events WHERE at >= ?1 AND action <> 'open') \
           AND e.action <> 'open' ORDER BY e.lot_id, e.id",
    );
    assert!(!batch.contains("SCAN"), "{batch}");
    assert!(batch.contains("lot_events_at"), "{batch}");
    assert!(batch.contains("lot_events_lot"), "{batch}");
}

/// A version-1 database (the base schema, with lots, a quarantine and an
/// opening) is upgraded by the new binary: every lot gets its creation
/// record, the chains verify, and `check` proves the lots.
#[test]
fn migration_gives_every_existing_lot_a_creation_record() {
    crate::common::sqlite_file_test("a SQLite migration");
    let mut lab = reagent_lab();
    lab.now = "2026-11-15T10:00:00Z".into();
    lab.ok(&["lot", "quarantine", "RGT", "L-1", "--reason", "QC"]);
    lab.now = crate::common::NOW.into();
    // Take the database back to version 1: drop what the migration adds.
    {
        let raw = lab.raw();
        let conn = &raw;
        crate::common::downgrade_to_version_1(conn);
        // It now has exactly the objects of the base schema.
        let objects = |c: &rusqlite::Connection| -> Vec<(String, String)> {
            c.prepare(
                "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
        };
        let base = rusqlite::Connection::open_in_memory().unwrap();
        base.execute_batch(labstock::store::SCHEMA).unwrap();
        assert_eq!(objects(conn), objects(&base));
    }
    // The new binary upgrades it on open and proves it.
    lab.ok(&["check"]);
    let raw = lab.raw();
    let conn = &raw;
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, labstock::store::SCHEMA_VERSION);
    let records: Vec<(i64, String, Option<String>, String, String)> = conn
        .prepare("SELECT lot_id, lot, expiry, at, user FROM lot_creations ORDER BY id")
        .unwrap()
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(
        records,
        [
            (
                1,
                "L-1".to_owned(),
                Some("2027-06-30".to_owned()),
                "2026-11-01T10:00:00Z".to_owned(),
                "a.tester".to_owned()
            ),
            (
                2,
                String::new(),
                None,
                "2026-11-21T09:00:00Z".to_owned(),
                "a.tester".to_owned()
            ),
        ]
    );
    drop(raw);
    // After the upgrade, the lot rows are proven like any other.
    tamper(
        &lab,
        "UPDATE lots SET status = 'available', expiry = '2031-01-01'",
    );
    let lines = check_fails(&lab);
    assert_eq!(lines.len(), 3, "{lines:#?}");
}
