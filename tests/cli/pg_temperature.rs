//! Storage temperatures on PostgreSQL (SPEC §12, §15, issue 15): `temp
//! record|list|decide`, `location add|edit --range|--tolerance`, `report
//! temperatures` (every format, the chart, `--fail-on-missing`) and
//! `report excursions` (`--open`, `--location`) give the same answers, the
//! same refusals and the same writes on both engines. The demo lab is
//! copied to a fresh PostgreSQL database, every command runs on the SQLite
//! file and on the copy, and afterwards the maintained tables
//! (`excursions`, `excursion_lots`) and the chained ones are compared row
//! for row. Writers of readings running at once on PostgreSQL leave
//! excursions that `check` (on a copy back to SQLite) finds right.

use crate::common::Lab;
use crate::postgres::{PgDb, demo_on_postgres, same_on_both, stderr, stdout};

/// Run a command once on the lab's SQLite file and once on `db` (at
/// `now`, or the lab's time): the same exit code, `code` when given,
/// and the same output and message.
fn both(lab: &Lab, db: &PgDb, now: Option<&str>, code: Option<i32>, args: &[&str]) {
    let run = |args: &[&str]| {
        let mut cmd = lab.cmd();
        if let Some(now) = now {
            cmd.env("LABSTOCK_NOW", now);
        }
        cmd.args(args).output().expect("run labstock")
    };
    let sqlite = run(args);
    if let Some(code) = code {
        assert_eq!(
            sqlite.status.code(),
            Some(code),
            "{args:?} on SQLite: {}{}",
            stdout(&sqlite),
            stderr(&sqlite)
        );
    }
    let mut on_pg = vec!["--db", db.url.as_str()];
    on_pg.extend(args.iter().copied());
    let pg = run(&on_pg);
    assert_eq!(
        pg.status.code(),
        sqlite.status.code(),
        "{args:?}: {}",
        stderr(&pg)
    );
    assert_eq!(stdout(&pg), stdout(&sqlite), "{args:?}");
    assert_eq!(stderr(&pg), stderr(&sqlite), "{args:?}");
}

/// [`both`] at another time than the lab's (`LABSTOCK_NOW`).
fn same_on_both_at(lab: &Lab, db: &PgDb, now: &str, args: &[&str]) {
    both(lab, db, Some(now), Some(0), args);
}

/// Run a command on both engines: exit `code` on both, the same output
/// and message.
fn exits_on_both(lab: &Lab, db: &PgDb, code: i32, args: &[&str]) {
    both(lab, db, None, Some(code), args);
}

/// A refusal on both engines: the same exit code and message, and no row
/// written to any temperature table on PostgreSQL.
fn refused_on_both(lab: &Lab, db: &PgDb, code: i32, args: &[&str]) {
    let before = pg_rows(db);
    exits_on_both(lab, db, code, args);
    assert_eq!(pg_rows(db), before, "{args:?} wrote on PostgreSQL");
}

/// The tables temperatures write (maintained and chained), row by row as
/// text, on PostgreSQL.
fn pg_rows(db: &PgDb) -> Vec<Vec<String>> {
    let mut client = db.client();
    let mut out = Vec::new();
    for (_, pg) in TABLES {
        for row in client.query(pg, &[]).expect(pg) {
            out.push(
                (0..row.len())
                    .map(|i| row.get::<_, Option<String>>(i).unwrap_or_default())
                    .collect(),
            );
        }
    }
    out
}

/// The same rows on SQLite.
fn sqlite_rows(lab: &Lab) -> Vec<Vec<String>> {
    let conn = lab.raw();
    let mut out = Vec::new();
    for (sqlite, _) in TABLES {
        let mut stmt = conn.prepare(sqlite).expect(sqlite);
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                (0..n)
                    .map(|i| r.get::<_, Option<String>>(i).map(Option::unwrap_or_default))
                    .collect::<rusqlite::Result<Vec<String>>>()
            })
            .unwrap();
        for row in rows {
            out.push(row.unwrap());
        }
    }
    out
}

/// Each table as text, SQLite's statement then PostgreSQL's (the table's
/// name first in each row, so a difference names it).
const TABLES: [(&str, &str); 6] = [
    (
        "SELECT 'excursions', CAST(id AS TEXT), CAST(location_id AS TEXT), first_at, from_at, to_at, last_at, \
         CAST(readings AS TEXT), CAST(peak AS TEXT), CAST(tolerance AS TEXT) FROM excursions t ORDER BY t.id",
        "SELECT 'excursions', CAST(id AS TEXT), CAST(location_id AS TEXT), first_at, from_at, to_at, last_at, \
         CAST(readings AS TEXT), CAST(peak AS TEXT), CAST(tolerance AS TEXT) FROM excursions t ORDER BY t.id",
    ),
    (
        "SELECT 'excursion_lots', CAST(excursion_id AS TEXT), CAST(location_id AS TEXT), from_at, to_at, lots \
         FROM excursion_lots t ORDER BY t.excursion_id",
        "SELECT 'excursion_lots', CAST(excursion_id AS TEXT), CAST(location_id AS TEXT), from_at, to_at, lots \
         FROM excursion_lots t ORDER BY t.excursion_id",
    ),
    (
        "SELECT 'temperature_readings', CAST(id AS TEXT), at, CAST(value AS TEXT), lower(hex(hash)) \
         FROM temperature_readings t ORDER BY t.id",
        "SELECT 'temperature_readings', CAST(id AS TEXT), at, CAST(value AS TEXT), encode(hash, 'hex') \
         FROM temperature_readings t ORDER BY t.id",
    ),
    (
        "SELECT 'excursion_decisions', CAST(id AS TEXT), CAST(excursion_id AS TEXT), decision, lots, lower(hex(hash)) \
         FROM excursion_decisions t ORDER BY t.id",
        "SELECT 'excursion_decisions', CAST(id AS TEXT), CAST(excursion_id AS TEXT), decision, lots, encode(hash, 'hex') \
         FROM excursion_decisions t ORDER BY t.id",
    ),
    (
        "SELECT 'location_changes', CAST(id AS TEXT), field, old_value, new_value, lower(hex(hash)) \
         FROM location_changes t ORDER BY t.id",
        "SELECT 'location_changes', CAST(id AS TEXT), field, old_value, new_value, encode(hash, 'hex') \
         FROM location_changes t ORDER BY t.id",
    ),
    (
        "SELECT 'locations', code, CAST(min_temp AS TEXT), CAST(max_temp AS TEXT), \
         CAST(tolerance_minutes AS TEXT) FROM locations t ORDER BY t.id",
        "SELECT 'locations', code, CAST(min_temp AS TEXT), CAST(max_temp AS TEXT), \
         CAST(tolerance_minutes AS TEXT) FROM locations t ORDER BY t.id",
    ),
];

/// The readings-side listings both engines must agree on.
fn listings_agree(lab: &Lab, db: &PgDb) {
    for args in [
        vec!["report", "excursions"],
        vec!["report", "excursions", "--open", "--format", "json"],
        vec!["temp", "list", "--from", "2026-11-20"],
        vec![
            "report",
            "temperatures",
            "--from",
            "2026-11-14",
            "--to",
            "2026-11-21",
        ],
        vec!["lot", "list"],
    ] {
        same_on_both(lab, db, &args);
    }
    assert_eq!(pg_rows(db), sqlite_rows(lab));
}

#[test]
fn pg_temperature_reports_and_listings_as_on_sqlite() {
    let Some((lab, db)) = demo_on_postgres("temp_reports") else {
        return;
    };
    assert_eq!(pg_rows(&db), sqlite_rows(&lab));
    for args in [
        vec!["report", "temperatures"],
        vec!["report", "temperatures", "--format", "json"],
        vec!["report", "temperatures", "--format", "table"],
        vec![
            "report",
            "temperatures",
            "--from",
            "2026-11-10",
            "--to",
            "2026-11-21",
        ],
        vec!["report", "temperatures", "--location", "fridge-1"],
        vec![
            "report",
            "temperatures",
            "--location",
            "FRIDGE-1",
            "--format",
            "svg",
            "--from",
            "2026-11-17",
        ],
        vec!["report", "excursions"],
        vec!["report", "excursions", "--open"],
        vec!["report", "excursions", "--format", "json"],
        vec!["report", "excursions", "--location", "FRIDGE-1"],
        vec!["report", "excursions", "--location", "FREEZER-1"],
        vec!["temp", "list"],
        vec![
            "temp",
            "list",
            "--location",
            "FREEZER-1",
            "--format",
            "json",
        ],
        vec!["temp", "list", "--from", "2026-11-18", "--to", "2026-11-18"],
        vec![
            "temp",
            "list",
            "--location",
            "fridge-1",
            "--to",
            "2026-11-15",
        ],
    ] {
        exits_on_both(&lab, &db, 0, &args);
    }
    // FREEZER-1 has no reading on the 15th: exit 3 for a morning cron.
    exits_on_both(
        &lab,
        &db,
        3,
        &[
            "report",
            "temperatures",
            "--from",
            "2026-11-14",
            "--to",
            "2026-11-16",
            "--fail-on-missing",
        ],
    );
    // Refusals: a location that is not monitored, a period backwards, a
    // date that is not one, the chart without a location.
    refused_on_both(
        &lab,
        &db,
        65,
        &["report", "temperatures", "--location", "MAIN"],
    );
    refused_on_both(
        &lab,
        &db,
        65,
        &[
            "report",
            "temperatures",
            "--from",
            "2026-11-20",
            "--to",
            "2026-11-19",
        ],
    );
    refused_on_both(&lab, &db, 65, &["temp", "list", "--from", "2026-13-01"]);
    refused_on_both(&lab, &db, 2, &["report", "temperatures", "--format", "svg"]);
}

#[test]
fn pg_temperature_readings_decisions_and_ranges_write_as_on_sqlite() {
    let Some((lab, db)) = demo_on_postgres("temp_writes") else {
        return;
    };
    // Monitoring: a new monitored location, a tolerance changed, a range
    // given again unchanged, a tolerance for a location without a range.
    exits_on_both(
        &lab,
        &db,
        0,
        &[
            "location",
            "add",
            "FRIDGE-2",
            "--name",
            "Second fridge",
            "--range",
            "2..8",
            "--tolerance",
            "30",
        ],
    );
    exits_on_both(
        &lab,
        &db,
        0,
        &["location", "edit", "FREEZER-1", "--tolerance", "45"],
    );
    exits_on_both(
        &lab,
        &db,
        0,
        &["location", "edit", "FREEZER-1", "--range=-25..-15"],
    );
    refused_on_both(
        &lab,
        &db,
        65,
        &["location", "edit", "MAIN", "--tolerance", "5"],
    );
    refused_on_both(
        &lab,
        &db,
        65,
        &["location", "add", "fridge-2", "--range", "2..8"],
    );
    exits_on_both(
        &lab,
        &db,
        0,
        &[
            "transfer", "RGT-CRP", "2", "--lot", "615560", "--from", "FRIDGE-1", "--to", "FRIDGE-2",
        ],
    );
    // Readings: in range, out of range (an excursion begins), the same
    // again (nothing written), another value at that time (refused), out
    // only by its max, and the refusals of a bad reading.
    let at = |t: &str| format!("2026-11-21T{t}:00Z");
    for (value, time) in [("5", "05:00"), ("9.5", "06:00"), ("9.5", "06:00")] {
        exits_on_both(
            &lab,
            &db,
            0,
            &["temp", "record", "FRIDGE-2", value, "--at", &at(time)],
        );
    }
    refused_on_both(
        &lab,
        &db,
        65,
        &["temp", "record", "FRIDGE-2", "10", "--at", &at("06:00")],
    );
    exits_on_both(
        &lab,
        &db,
        0,
        &[
            "temp",
            "record",
            "fridge-2",
            "5",
            "--max",
            "11",
            "--min",
            "4.25",
            "--at",
            &at("07:00"),
            "--note",
            "door",
        ],
    );
    refused_on_both(
        &lab,
        &db,
        65,
        &["temp", "record", "FRIDGE-2", "5", "--at", &at("10:00")],
    );
    refused_on_both(&lab, &db, 65, &["temp", "record", "FRIDGE-2", "4.567"]);
    refused_on_both(&lab, &db, 65, &["temp", "record", "FRIDGE-2", "250"]);
    refused_on_both(&lab, &db, 65, &["temp", "record", "MAIN", "5"]);
    listings_agree(&lab, &db);
    // Decisions: a running excursion cannot be released, may be
    // quarantined (its lots quarantined), and is decided once.
    let running = lab.csv(&["report", "excursions", "--open", "--location", "FRIDGE-2"]);
    let id = running[1][0].clone();
    refused_on_both(
        &lab,
        &db,
        65,
        &["temp", "decide", &id, "--release", "--reason", "fine"],
    );
    exits_on_both(
        &lab,
        &db,
        0,
        &[
            "temp",
            "decide",
            &id,
            "--quarantine",
            "--reason",
            "door open overnight",
        ],
    );
    refused_on_both(
        &lab,
        &db,
        65,
        &["temp", "decide", &id, "--quarantine", "--reason", "again"],
    );
    // The demo's transient excursion needs no decision; unknown ids.
    refused_on_both(
        &lab,
        &db,
        65,
        &["temp", "decide", "77", "--release", "--reason", "x"],
    );
    refused_on_both(
        &lab,
        &db,
        65,
        &["temp", "decide", "9999", "--release", "--reason", "x"],
    );
    refused_on_both(
        &lab,
        &db,
        65,
        &["temp", "decide", "#x", "--release", "--reason", "x"],
    );
    refused_on_both(
        &lab,
        &db,
        65,
        &["temp", "decide", "54", "--release", "--reason", "  "],
    );
    // The decided excursion ends with a reading now; a late reading that
    // would move its start is refused.
    exits_on_both(&lab, &db, 0, &["temp", "record", "FRIDGE-2", "5"]);
    refused_on_both(
        &lab,
        &db,
        65,
        &["temp", "record", "FRIDGE-2", "9", "--at", &at("05:30")],
    );
    listings_agree(&lab, &db);
    // Kept lots: an excursion at FRIDGE-1 ends now and is kept; a
    // movement dated now (at its end) drops them, the report computes
    // them from the ledger, and a later reading keeps them again.
    exits_on_both(
        &lab,
        &db,
        0,
        &["temp", "record", "FRIDGE-1", "9", "--at", &at("08:00")],
    );
    exits_on_both(&lab, &db, 0, &["temp", "record", "FRIDGE-1", "5"]);
    // The demo's two, FRIDGE-2's decided one and this one.
    assert_eq!(db.count("excursion_lots"), 4, "every ended excursion kept");
    exits_on_both(
        &lab,
        &db,
        0,
        &[
            "issue",
            "RGT-GLU",
            "1",
            "--lot",
            "669019",
            "--location",
            "FRIDGE-1",
        ],
    );
    assert_eq!(db.count("excursion_lots"), 3, "the movement dropped one");
    listings_agree(&lab, &db);
    same_on_both_at(
        &lab,
        &db,
        "2026-11-21T10:00:00Z",
        &["temp", "record", "FRIDGE-1", "5.5"],
    );
    assert_eq!(db.count("excursion_lots"), 4, "kept again");
    listings_agree(&lab, &db);
    lab.ok(&["check"]);
}

/// Writers of readings at once on PostgreSQL (each its own process): the
/// readings are all there, the excursions are those the readings make and
/// the kept lots those the ledger held, as `check` proves on a copy back
/// to SQLite.
#[test]
fn pg_temperature_concurrent_readings_keep_excursions_right() {
    let Some(db) = PgDb::new("temp_concurrent") else {
        return;
    };
    let lab = Lab::empty();
    lab.ok(&["--db", &db.url, "init", "--timezone", "UTC"]);
    for code in ["F-A", "F-B"] {
        lab.ok(&["--db", &db.url, "location", "add", code, "--range", "2..8"]);
        lab.ok(&[
            "--db",
            &db.url,
            "item",
            "add",
            &format!("R-{code}"),
            "--name",
            "Reagent",
        ]);
        lab.ok(&[
            "--db",
            &db.url,
            "receive",
            &format!("R-{code}"),
            "5",
            "--location",
            code,
        ]);
    }
    std::thread::scope(|scope| {
        for n in 0..8 {
            let (lab, url) = (&lab, db.url.as_str());
            scope.spawn(move || {
                let code = if n % 2 == 0 { "F-A" } else { "F-B" };
                let value = if n % 4 < 2 { "9" } else { "5" };
                let at = format!("2026-11-21T0{n}:00:00Z");
                lab.ok(&["--db", url, "temp", "record", code, value, "--at", &at]);
            });
        }
    });
    assert_eq!(db.count("temperature_readings"), 8);
    let back = Lab::empty();
    back.ok(&["--db", &db.url, "copy", "--to", back.db.to_str().unwrap()]);
    back.ok(&["check"]);
    assert_eq!(
        back.ok(&["report", "excursions"]),
        lab.ok(&["--db", &db.url, "report", "excursions"])
    );
}

/// The statements a reading, a movement and the reports run at every
/// call search by index on PostgreSQL too (tests/cli/plans.rs proves them
/// on SQLite): the in-range bounds by the partial index of in-range
/// readings (or, on a database as small as the demo's, the unique key the
/// planner then prefers), the readings between them and the one at a time by the
/// unique (location, time) key, the kept lots by their keys, a lot's
/// later movements by `movements_lot_at`. (`UNKEPT`, run only when
/// `UNKEPT_COUNT` finds an ended excursion without kept lots, is not
/// asserted: on the demo's handful of excursions the planner walks the
/// primary key for a merge anti-join, which says nothing of a large lab.)
#[test]
fn pg_temperature_hot_statements_search_by_index() {
    use labstock::temperature::sql;

    use crate::pg_plans::assert_uses;

    let Some((_lab, db)) = demo_on_postgres("temp_plans") else {
        return;
    };
    let mut client = db.client();
    client
        .batch_execute("SET enable_seqscan = off")
        .expect("disable sequential scans");
    let (location, lot, id): (i64, i64, i64) = (2, 1, 54);
    let at = "2026-11-20T08:00:00Z";
    let open: Option<&str> = None;
    for (statement, params, indexes) in [
        (
            &sql::IN_RANGE_BEFORE,
            vec![&location as &(dyn postgres::types::ToSql + Sync), &at],
            &[
                "temperature_readings_in_range",
                "temperature_readings_location_id_at_key",
            ][..],
        ),
        (
            &sql::IN_RANGE_AFTER,
            vec![&location, &at],
            &[
                "temperature_readings_in_range",
                "temperature_readings_location_id_at_key",
            ],
        ),
        (
            &sql::READINGS_BETWEEN,
            vec![&location, &at, &open],
            &["temperature_readings_location_id_at_key"],
        ),
        (
            &sql::READING_AT,
            vec![&location, &at],
            &["temperature_readings_location_id_at_key"],
        ),
        (
            &sql::EXCURSIONS_WITHIN,
            vec![&location, &at, &open],
            &["excursions_location"],
        ),
        (
            &sql::EXCURSION_AT,
            vec![&location, &at],
            &["excursions_location"],
        ),
        (&sql::UNKEEP, vec![&location, &at], &["excursion_lots_end"]),
        (&sql::UNKEPT_COUNT, vec![&location], &["excursions_ended"]),
        (&sql::KEPT, vec![&id, &at, &at], &["excursion_lots_pkey"]),
        (
            &sql::LOTS_AT,
            vec![&location],
            &["balances_location", "balances_pkey"],
        ),
        (
            &sql::LOT_MOVEMENTS_AFTER,
            vec![&lot, &at],
            &["movements_lot_at"],
        ),
    ] {
        assert_uses(&mut client, statement, &params, indexes);
    }
}
