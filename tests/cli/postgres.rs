//! PostgreSQL as a storage engine (SPEC §12, issue 15): `init` on
//! PostgreSQL, its append-only triggers, a newer schema refused, bad
//! connections named (missing database exit 66), `copy` SQLite →
//! PostgreSQL → SQLite of the demo lab keeping every export and chain
//! head, a non-empty target refused, and a row tampered with on
//! PostgreSQL found when the lab is copied back.
//!
//! Each test makes its own database with a unique name on the server at
//! `$LABSTOCK_TEST_PG` (default `postgres://postgres@127.0.0.1:5432`, a
//! role allowed to create databases) and drops it afterwards. Without a
//! server each test says plainly on standard error that it was NOT run and
//! how to run it; with `LABSTOCK_TEST_PG_REQUIRED=1` (as `.ci/run` sets) a
//! missing server fails them instead.

use crate::common::Lab;

/// The export kinds (SPEC §7), each compared across a round trip.
const KINDS: [&str; 8] = [
    "locations",
    "items",
    "orders",
    "movements",
    "equipment",
    "calibrations",
    "waste",
    "temperatures",
];

pub(crate) use crate::common::PgDb;
use crate::common::pg_server as server;

pub(crate) fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub(crate) fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The demo lab in SQLite and a PostgreSQL copy of it (`copy --to`), or
/// `None` (said on stderr) when no server answers.
pub(crate) fn demo_on_postgres(test: &str) -> Option<(Lab, PgDb)> {
    let db = PgDb::new(test)?;
    let lab = demo();
    let out = lab.run(&["copy", "--to", &db.url]);
    assert!(out.status.success(), "{}", stderr(&out));
    Some((lab, db))
}

/// The demo lab in SQLite.
pub(crate) fn demo() -> Lab {
    let lab = Lab::empty();
    lab.ok(&["demo"]);
    lab
}

/// Run one command on the lab's SQLite file and on `db` (a PostgreSQL
/// copy of it) and assert that both say the same: exit code, standard
/// output and standard error. For the tests of each area ported to the
/// storage seam.
pub(crate) fn same_on_both(lab: &Lab, db: &PgDb, args: &[&str]) -> bool {
    let sqlite = lab.run(args);
    let mut on_pg = vec!["--db", db.url.as_str()];
    on_pg.extend(args.iter().copied());
    let pg = lab.run(&on_pg);
    assert_eq!(
        pg.status.code(),
        sqlite.status.code(),
        "{args:?}: {}",
        stderr(&pg)
    );
    assert_eq!(stdout(&pg), stdout(&sqlite), "{args:?}");
    assert_eq!(stderr(&pg), stderr(&sqlite), "{args:?}");
    sqlite.status.success()
}

/// Each of `script` on both engines, in order: each succeeds, saying the
/// same on both.
pub(crate) fn same_on_both_script(lab: &Lab, db: &PgDb, script: &[&[&str]]) {
    for args in script {
        assert!(same_on_both(lab, db, args), "{args:?} failed on SQLite");
    }
}

/// The chained tables of a PostgreSQL database: those with an
/// append-only trigger.
fn append_only_tables(db: &PgDb) -> Vec<String> {
    let mut tables: Vec<String> = db
        .client()
        .query(
            "SELECT DISTINCT c.relname::text FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid \
              WHERE NOT t.tgisinternal AND t.tgname LIKE '%\\_no\\_update' ORDER BY 1",
            &[],
        )
        .expect("triggers")
        .iter()
        .map(|r| r.get(0))
        .collect();
    tables.sort();
    tables
}

#[test]
fn postgres_init_creates_the_schema_and_seeds_what_sqlite_init_seeds() {
    let Some(db) = PgDb::new("init") else { return };
    let lab = Lab::new();
    let out = lab.run(&["--db", &db.url, "init", "--timezone", "Europe/London"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("created labstock database at"));
    // The URL shown never carries a password; this one has none anyway.
    let mut c = db.client();
    let version: i64 = c
        .query_one("SELECT version FROM labstock_schema", &[])
        .unwrap()
        .get(0);
    assert_eq!(version, labstock::store::postgres::SCHEMA_VERSION);
    // The same rows as SQLite's init: MAIN, every waste stream, the zone.
    let sqlite = lab.raw();
    for table in ["locations", "waste_streams", "settings"] {
        let here: i64 = sqlite
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap();
        assert_eq!(db.count(table), here, "{table}");
    }
    let zone: String = c
        .query_one("SELECT value FROM settings WHERE key = 'timezone'", &[])
        .unwrap()
        .get(0);
    assert_eq!(zone, "Europe/London");
    // Every table and column of the SQLite schema (schema.sql and every
    // migration), with the same storage class, and nothing else.
    let mut sqlite_columns: Vec<(String, String, String)> = Vec::new();
    let tables: Vec<String> = sqlite
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for t in tables {
        let cols: Vec<(String, String)> = sqlite
            .prepare("SELECT name, type FROM pragma_table_info(?1)")
            .unwrap()
            .query_map([&t], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for (c, ty) in cols {
            let pg = match ty.as_str() {
                "INTEGER" => "bigint",
                "TEXT" => "text",
                "BLOB" => "bytea",
                other => panic!("{t}.{c}: unexpected type {other}"),
            };
            sqlite_columns.push((t.clone(), c, pg.to_owned()));
        }
    }
    sqlite_columns.sort();
    let mut pg_columns: Vec<(String, String, String)> = c
        .query(
            "SELECT table_name::text, column_name::text, data_type::text FROM information_schema.columns \
              WHERE table_schema = 'public' AND table_name <> 'labstock_schema'",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    pg_columns.sort();
    assert_eq!(pg_columns, sqlite_columns);
    // Every index SQLite's reports rely on, by name (not counting the
    // ones PostgreSQL makes for primary keys and UNIQUE constraints).
    let named = |sql: &str| -> Vec<String> {
        let mut v: Vec<String> = sqlite
            .prepare(sql)
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        v.sort();
        v
    };
    let sqlite_indexes =
        named("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL");
    let mut pg_indexes: Vec<String> = c
        .query(
            "SELECT i.indexrelid::regclass::text FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid \
              JOIN pg_namespace n ON n.oid = t.relnamespace \
             WHERE n.nspname = 'public' \
               AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    pg_indexes.sort();
    // PostgreSQL's own: the codes as stored, byte for byte, which a
    // movement's item and location are read by without the ICU collation
    // (migrations/exact_codes.sql; SQLite compares by NOCASE at no cost).
    let postgres_only = ["items_code_exact", "locations_code_exact"];
    for index in postgres_only {
        assert!(pg_indexes.iter().any(|i| i == index), "{index} missing");
    }
    pg_indexes.retain(|i| !postgres_only.contains(&i.as_str()));
    assert_eq!(pg_indexes, sqlite_indexes);
    // Every SQLite trigger has its namesake (PostgreSQL adds a TRUNCATE
    // refusal beside each DELETE refusal).
    let pg_triggers: Vec<String> = c
        .query(
            "SELECT tgname::text FROM pg_trigger WHERE NOT tgisinternal",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    for t in named("SELECT name FROM sqlite_master WHERE type = 'trigger'") {
        assert!(
            pg_triggers.contains(&t),
            "trigger {t} is missing on PostgreSQL"
        );
    }
    // A sample of CHECK constraints, each refused as on SQLite.
    for (sql, what) in [
        (
            "INSERT INTO items (code, name, pack_size, created_at, created_by) VALUES ('P', 'p', 0, 'x', 'y')",
            "pack size ≥ 1",
        ),
        (
            "INSERT INTO items (code, name, gtin, created_at, created_by) VALUES ('G', 'g', '0950600013435A', 'x', 'y')",
            "GTIN digits",
        ),
        (
            "INSERT INTO items (code, name, reorder_level, max_level, created_at, created_by) VALUES ('M', 'm', 5, 5, 'x', 'y')",
            "max above reorder level",
        ),
        (
            "INSERT INTO locations (code, created_at, created_by) VALUES ('  ', 'x', 'y')",
            "blank code",
        ),
        (
            "INSERT INTO waste_streams (code, name, hazardous) VALUES ('99 99 99', 'n', 1)",
            "hazardous has an asterisk",
        ),
        (
            "INSERT INTO equipment (asset_tag, calibration_interval, created_at, created_by) VALUES ('A', '0m', 'x', 'y')",
            "interval form",
        ),
    ] {
        let e = c.batch_execute(sql).expect_err(what);
        assert_eq!(
            e.code(),
            Some(&postgres::error::SqlState::CHECK_VIOLATION),
            "{what}: {e:?}"
        );
    }
    // A second init is refused, nothing changed.
    let again = lab.fails(&["--db", &db.url, "init"], 1);
    assert!(
        again.contains("a labstock database already exists in it"),
        "{again}"
    );
    assert_eq!(db.count("settings"), 1);
}

#[test]
fn postgres_codes_are_unique_ignoring_case_for_every_letter() {
    let Some(db) = PgDb::new("nocase") else {
        return;
    };
    let lab = Lab::empty();
    lab.ok(&["--db", &db.url, "init"]);
    let mut c = db.client();
    let insert = "INSERT INTO locations (code, created_at, created_by) VALUES ($1, 'x', 'y')";
    c.execute(insert, &[&"ÉTUVE-1"]).unwrap();
    for code in ["étuve-1", "main"] {
        let e = c.execute(insert, &[&code]).unwrap_err();
        assert_eq!(
            e.code(),
            Some(&postgres::error::SqlState::UNIQUE_VIOLATION),
            "{code}: {e:?}"
        );
    }
}

#[test]
fn postgres_triggers_refuse_update_delete_and_truncate_on_every_chained_table() {
    let Some(db) = PgDb::new("triggers") else {
        return;
    };
    let lab = demo();
    lab.ok(&["copy", "--to", &db.url]);
    let tables = append_only_tables(&db);
    // Every chain of `audit --heads` is append-only on PostgreSQL too.
    let mut chains: Vec<String> = lab.csv(&["audit", "--heads"])[1..]
        .iter()
        .map(|r| r[0].clone())
        .collect();
    // Safety data sheets are append-only too, each proven by its own
    // SHA-256 rather than by a chain (SPEC §16).
    chains.push("sds_documents".into());
    chains.sort();
    assert_eq!(tables, chains);
    let mut c = db.client();
    let mut exercised = 0;
    for t in &tables {
        // Each has its three triggers (rows, rows, statement) calling the
        // one refusal function.
        let triggers: Vec<String> = c
            .query(
                "SELECT t.tgname::text FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid \
                   JOIN pg_proc p ON p.oid = t.tgfoid \
                  WHERE c.relname = $1 AND p.proname = 'labstock_refuse' ORDER BY 1",
                &[t],
            )
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert_eq!(
            triggers,
            [
                format!("{t}_no_delete"),
                format!("{t}_no_truncate"),
                format!("{t}_no_update")
            ],
            "{t}"
        );
        // Row triggers fire on rows: the chains the demo fills are
        // updated and deleted for real (and refused); TRUNCATE, a
        // statement trigger, is refused on every one.
        let mut statements = vec![format!("TRUNCATE {t} CASCADE")];
        if db.count(t) > 0 {
            exercised += 1;
            statements.push(format!("UPDATE {t} SET id = id"));
            statements.push(format!("DELETE FROM {t}"));
        }
        for sql in statements {
            let e = c
                .batch_execute(&sql)
                .expect_err(&format!("{sql} must be refused"));
            let db_error = e.as_db_error().expect("a server error");
            assert_eq!(db_error.code().code(), "23001", "{sql}: {e}");
        }
    }
    assert!(
        exercised >= 15,
        "only {exercised} chains hold rows in the demo"
    );
    assert_eq!(
        db.count("movements"),
        lab.raw()
            .query_row("SELECT count(*) FROM movements", [], |r| r.get::<_, i64>(0))
            .unwrap()
    );
    // A second opening without a reason is refused as on SQLite.
    let mut tx = c.transaction().unwrap();
    let open = "INSERT INTO lot_events (id, lot_id, action, at, \"user\", hash) \
                SELECT coalesce(max(id), 0) + 1, (SELECT min(id) FROM lots), 'open', 'x', 'y', \
                       decode(repeat('00', 32), 'hex') FROM lot_events";
    tx.batch_execute(open).expect("a first opening");
    let e = tx
        .batch_execute(open)
        .expect_err("a second opening needs a reason");
    let message = e
        .as_db_error()
        .map(|d| d.message().to_owned())
        .unwrap_or_default();
    assert!(message.contains("opened once"), "{e:?}");
}

#[test]
fn postgres_newer_schema_is_refused_with_nothing_written() {
    let Some(db) = PgDb::new("newer") else { return };
    let lab = Lab::empty();
    lab.ok(&["--db", &db.url, "init"]);
    db.client()
        .batch_execute("UPDATE labstock_schema SET version = 99")
        .unwrap();
    let err = lab.fails(&["--db", &db.url, "stock"], 1);
    assert!(
        err.contains(&format!(
            "version 99, newer than this labstock understands ({})",
            labstock::store::postgres::SCHEMA_VERSION
        )),
        "{err}"
    );
    assert!(err.contains(&db.url.replace("postgres://", "")), "{err}");
    let copy = lab.path().join("copy.db");
    let err = lab.fails(
        &["--db", &db.url, "copy", "--to", copy.to_str().unwrap()],
        1,
    );
    assert!(err.contains("newer"), "{err}");
    assert!(!copy.exists());
    // Nor is a newer database a target.
    let demo = demo();
    let err = demo.fails(&["copy", "--to", &db.url], 1);
    assert!(err.contains("newer"), "{err}");
    assert_eq!(db.count("movements"), 0);
}

#[test]
fn postgres_bad_connections_name_host_and_database_never_the_password() {
    let Some(db) = PgDb::new("badconn") else {
        return;
    };
    let lab = Lab::empty();
    // Unreachable: a port nobody listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("postgres://lab:s3cret@127.0.0.1:{port}/stock");
    let err = lab.fails(&["--db", &url, "stock"], 1);
    assert!(
        err.contains(&format!("postgres://lab@127.0.0.1:{port}/stock")),
        "{err}"
    );
    assert!(err.contains("cannot reach the server"), "{err}");
    assert!(!err.contains("s3cret"), "{err}");
    let err = lab.fails(&["--db", &url, "init"], 1);
    assert!(!err.contains("s3cret"), "{err}");
    // A malformed URL is named without its password either.
    let err = lab.fails(
        &[
            "--db",
            "postgres://lab:s3cret@127.0.0.1:notaport/x",
            "stock",
        ],
        65,
    );
    assert!(!err.contains("s3cret"), "{err}");

    // Missing database: exit 66, as a missing SQLite file.
    let server = server();
    let missing = format!("{server}/{}_missing", db.name);
    let err = lab.fails(&["--db", &missing, "stock"], 66);
    assert!(err.contains("no such database"), "{err}");
    assert!(err.contains(&format!("{}_missing", db.name)), "{err}");
    let err = lab.fails(&["--db", &missing, "init"], 66);
    assert!(err.contains("createdb"), "{err}");

    // An empty database: no labstock database yet (exit 66, as a missing
    // SQLite file); `init` is the way.
    let err = lab.fails(&["--db", &db.url, "stock"], 66);
    assert!(err.contains("it is empty"), "{err}");

    // Another application's database: refused by init, by every command
    // and as a copy target, nothing written.
    db.client()
        .batch_execute("CREATE TABLE patients (id bigint PRIMARY KEY, name text)")
        .unwrap();
    for args in [vec!["init"], vec!["stock"], vec!["copy", "--to", "x.db"]] {
        let mut full = vec!["--db", db.url.as_str()];
        full.extend(args);
        let err = lab.fails(&full, 1);
        assert!(err.contains("another application"), "{err}");
    }
    let demo = demo();
    let err = demo.fails(&["copy", "--to", &db.url], 1);
    assert!(err.contains("another application"), "{err}");
    let tables: i64 = db
        .client()
        .query_one(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(tables, 1);
}

#[test]
fn postgres_is_chosen_by_db_or_labstock_db_and_every_command_runs_there() {
    crate::common::sqlite_file_test("it makes its own PostgreSQL database");
    let Some(db) = PgDb::new("everycommand") else {
        return;
    };
    let lab = Lab::empty();
    lab.ok(&["--db", &db.url, "init"]);
    // A logger file, the last command to reach PostgreSQL (issue 15).
    lab.ok(&[
        "--db", &db.url, "location", "add", "FRIDGE-1", "--range", "2..8",
    ]);
    let file = lab.file(
        "logger.csv",
        "timestamp,temperature\n2026-11-20T08:00:00Z,4.5\n2026-11-20T09:00:00Z,9.5\n2026-11-20T10:00:00Z,5.0\n",
    );
    let out = lab.run(&[
        "--db",
        &db.url,
        "temp",
        "import",
        "FRIDGE-1",
        file.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(db.count("temperature_readings"), 3);
    // LABSTOCK_DB selects PostgreSQL as --db does.
    let out = lab
        .cmd()
        .env("LABSTOCK_DB", &db.url)
        .args(["temp", "list", "--location", "FRIDGE-1", "--format", "csv"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().count(), 4, "{}", stdout(&out));
    // The stock movements run: an unknown item is named as on SQLite.
    let err = lab.fails(&["--db", &db.url, "receive", "X", "1"], 65);
    assert!(err.contains("unknown item \"X\""), "{err}");
    // Commands that need no database still run.
    let out = lab.run(&["--db", &db.url, "gs1", "decode", "(01)09506000134352(10)A1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(db.count("movements"), 0);
    lab.ok(&["--db", &db.url, "check"]);
}

#[test]
fn copy_round_trip_of_the_demo_lab_keeps_every_export_and_chain_head() {
    let Some(db) = PgDb::new("roundtrip") else {
        return;
    };
    let lab = demo();
    let out = lab.run(&["copy", "--to", &db.url]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stderr(&out);
    assert!(
        said.contains("every chain's head (31) equal the source's"),
        "{said}"
    );
    assert!(said.contains(&db.url.replace("postgres://", "")), "{said}");
    // Identity sequences continue after the copied ids.
    let next: i64 = db
        .client()
        .query_one(
            "INSERT INTO locations (code, created_at, created_by) VALUES ('NEW-ONE', 'x', 'y') RETURNING id",
            &[],
        )
        .unwrap()
        .get(0);
    let max_sqlite: i64 = lab
        .raw()
        .query_row("SELECT max(id) FROM locations", [], |r| r.get(0))
        .unwrap();
    assert_eq!(next, max_sqlite + 1);
    db.client()
        .batch_execute("DELETE FROM locations WHERE code = 'NEW-ONE'")
        .unwrap();

    let back = Lab::empty();
    let out = back.run(&["--db", &db.url, "copy", "--to", back.db.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    for kind in KINDS {
        assert_eq!(
            stdout(&back.run(&["export", kind])),
            stdout(&lab.run(&["export", kind])),
            "export {kind}"
        );
    }
    assert_eq!(
        back.csv(&["audit", "--heads"]),
        lab.csv(&["audit", "--heads"])
    );
    assert_eq!(back.csv(&["stock"]), lab.csv(&["stock"]));
    let check = back.run(&["check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    assert!(!back.path().join("lab.db.copy-partial").exists());
}

#[test]
fn copy_to_a_freshly_initialised_target_replaces_its_init_rows() {
    let Some(db) = PgDb::new("initonly") else {
        return;
    };
    let lab = demo();
    lab.ok(&["--db", &db.url, "init"]);
    lab.ok(&["copy", "--to", &db.url]);
    let back = Lab::new();
    back.ok(&["--db", &db.url, "copy", "--to", back.db.to_str().unwrap()]);
    assert_eq!(
        back.csv(&["audit", "--heads"]),
        lab.csv(&["audit", "--heads"])
    );
    assert_eq!(back.run(&["check"]).status.code(), Some(0));
}

#[test]
fn copy_to_a_non_empty_target_is_refused_with_nothing_written() {
    let Some(db) = PgDb::new("nonempty") else {
        return;
    };
    let lab = demo();
    lab.ok(&["copy", "--to", &db.url]);
    let movements = db.count("movements");
    // PostgreSQL target in use.
    let other = Lab::new();
    other.ok(&["location", "add", "FRIDGE-9"]);
    let err = other.fails(&["copy", "--to", &db.url], 1);
    assert!(err.contains("it already holds data"), "{err}");
    assert!(
        err.contains("must be empty or freshly initialised"),
        "{err}"
    );
    assert_eq!(db.count("movements"), movements);
    assert_eq!(
        db.count("locations"),
        i64::try_from(lab.csv(&["location", "list"]).len() - 1).unwrap()
    );
    // SQLite target in use.
    let before = other.db_bytes();
    let err = lab.fails(
        &["--db", &db.url, "copy", "--to", other.db.to_str().unwrap()],
        1,
    );
    assert!(err.contains("it already holds data"), "{err}");
    assert_eq!(other.db_bytes(), before);
    assert!(!other.path().join("lab.db.copy-partial").exists());
    // Nor is the source its own target, however it is spelt.
    let err = lab.fails(&["copy", "--to", lab.db.to_str().unwrap()], 1);
    assert!(err.contains("the source itself"), "{err}");
    let same = db.url.replace("postgres://", "PostgreSQL://");
    let err = lab.fails(&["--db", &db.url, "copy", "--to", &same], 1);
    assert!(err.contains("the source itself"), "{err}");
}

#[test]
fn a_balance_tampered_with_in_sqlite_is_found_when_copied_to_postgres() {
    let Some(db) = PgDb::new("balance") else {
        return;
    };
    let lab = demo();
    lab.raw()
        .execute_batch(
            "UPDATE balances SET quantity = quantity + 7 \
              WHERE (lot_id, location_id) = (SELECT lot_id, location_id FROM balances WHERE quantity > 0 LIMIT 1)",
        )
        .expect("edit a balance");
    let out = lab.run(&["copy", "--to", &db.url]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let said = stderr(&out);
    assert!(said.contains("balance says"), "{said}");
    assert!(said.contains("(difference -7)"), "{said}");
}

#[test]
fn a_row_tampered_with_on_postgres_is_found_when_copied_back_and_checked() {
    let Some(db) = PgDb::new("tamper") else {
        return;
    };
    let lab = demo();
    lab.ok(&["copy", "--to", &db.url]);
    db.client()
        .batch_execute(
            "DROP TRIGGER movements_no_update ON movements; \
             UPDATE movements SET quantity = quantity + 1 WHERE id = 5; \
             UPDATE balances SET quantity = quantity + 7 \
              WHERE (lot_id, location_id) = (SELECT lot_id, location_id FROM movements WHERE id = 900);",
        )
        .unwrap();
    let back = Lab::empty();
    let out = back.run(&["--db", &db.url, "copy", "--to", back.db.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let said = stderr(&out);
    assert!(
        said.contains("movements row 5 no longer matches its hash"),
        "{said}"
    );
    // The copy was checked by `check` itself: the edited balance too.
    assert!(said.contains("balance says"), "{said}");
    let check = back.run(&["check"]);
    assert_eq!(check.status.code(), Some(3));
    let found = format!("{}{}", stdout(&check), stderr(&check));
    assert!(
        found.contains("movements row 5 no longer matches its hash"),
        "{found}"
    );
}

/// What a user sees for each refusal, exactly (the database's unique
/// name and the server's address replaced).
#[test]
fn postgres_refusals_as_a_user_sees_them() {
    let Some(db) = PgDb::new("messages") else {
        return;
    };
    let lab = Lab::empty();
    let server = server();
    // The URL as labstock shows it (user, host and port always), without
    // the database's name: that prefix is the server, whatever it is.
    let shown = labstock::store::postgres::Url::parse(&db.url)
        .unwrap()
        .to_string();
    let shown_server = shown
        .trim_end_matches(&db.name)
        .trim_end_matches('/')
        .to_owned();
    let normalise = |text: String| {
        text.replace(&shown_server, "postgres://SERVER")
            .replace(&db.name, "DB")
    };
    let missing = format!("{server}/{}_gone", db.name);
    let mut seen = String::new();
    let mut show = |title: &str, args: &[&str], code: i32| {
        let err = lab.fails(args, code);
        seen.push_str(&format!(
            "$ labstock {title}  (exit {code})\n{}\n",
            normalise(err)
        ));
    };
    show("--db MISSING stock", &["--db", &missing, "stock"], 66);
    show("--db EMPTY stock", &["--db", &db.url, "stock"], 66);
    lab.ok(&["--db", &db.url, "init", "--timezone", "UTC"]);
    show(
        "--db LAB trace X L",
        &["--db", &db.url, "trace", "X", "L"],
        65,
    );
    show("--db LAB init", &["--db", &db.url, "init"], 1);
    insta::assert_snapshot!(seen);
}

/// Sites (SPEC §12) go to PostgreSQL and back with `copy`: each location's
/// site, and the chained record of a change of site.
#[test]
fn copy_keeps_each_locations_site_and_its_changes() {
    let Some(db) = PgDb::new("sites") else {
        return;
    };
    let lab = Lab::new();
    lab.ok(&["location", "add", "HUB-STORE", "--site", "HUB"]);
    lab.ok(&["location", "add", "SPOKE-1", "--site", "SPOKE-N"]);
    lab.ok(&["location", "edit", "HUB-STORE", "--site", "SPOKE-N"]);
    let out = lab.run(&["copy", "--to", &db.url]);
    assert!(out.status.success(), "{}", stderr(&out));
    let sites: Vec<(String, String)> = db
        .client()
        .query("SELECT code, site FROM locations ORDER BY id", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(
        sites,
        [
            ("MAIN".to_owned(), "MAIN".to_owned()),
            ("HUB-STORE".to_owned(), "SPOKE-N".to_owned()),
            ("SPOKE-1".to_owned(), "SPOKE-N".to_owned()),
        ]
    );
    let back = Lab::empty();
    let out = back.run(&["--db", &db.url, "copy", "--to", back.db.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&back.run(&["export", "locations"])),
        stdout(&lab.run(&["export", "locations"]))
    );
    let audit = stdout(&back.run(&["audit", "--format", "csv"]));
    assert!(audit.contains("site: HUB -> SPOKE-N"), "{audit}");
    back.ok(&["check"]);
}

/// The same movements, recorded through the binary on SQLite and on a
/// PostgreSQL copy of the same lab, leave the same ledger (every exported
/// column, in order), the same stock now and as of earlier dates, and
/// chains that verify; copied back to SQLite, `check` passes and every
/// chain head equals the SQLite lab's.
#[test]
fn postgres_movements_leave_the_same_ledger_stock_and_chains_as_sqlite() {
    let Some((lab, db)) = demo_on_postgres("samemoves") else {
        return;
    };
    let script: &[&[&str]] = &[
        &["receive", "CHM-ETOH70", "5", "--location", "FLAM-CAB"],
        &["issue", "CHM-FORMALIN", "2", "--location", "MAIN"],
        &[
            "transfer",
            "CHM-ETOH70",
            "2",
            "--from",
            "FLAM-CAB",
            "--to",
            "MAIN",
        ],
        &[
            "adjust",
            "CHM-ETOH70",
            "-1",
            "--location",
            "MAIN",
            "--reason",
            "broken",
        ],
        &["count", "CHM-ETOH70", "30", "--location", "FLAM-CAB"],
        &["open", "RGT-PT", "1", "--location", "FRIDGE-1"],
        &[
            "receive",
            "RGT-PT",
            "3",
            "--lot",
            "NEWLOT-1",
            "--expiry",
            "2027-06-30",
            "--location",
            "FRIDGE-1",
        ],
        &["issue", "RGT-PT", "1", "--location", "FRIDGE-1"],
        &["reverse", "--last", "--reason", "issued in error"],
    ];
    for args in script {
        same_on_both(&lab, &db, args);
    }
    // A refusal is the same refusal, and writes nothing.
    let before = db.count("movements");
    let sqlite = lab.run(&["issue", "CHM-FORMALIN", "999", "--location", "MAIN"]);
    let pg = lab.run(&[
        "--db",
        &db.url,
        "issue",
        "CHM-FORMALIN",
        "999",
        "--location",
        "MAIN",
    ]);
    assert_eq!(pg.status.code(), sqlite.status.code());
    assert_eq!(stderr(&pg), stderr(&sqlite));
    assert_eq!(db.count("movements"), before);
    for args in [
        vec!["stock"],
        vec!["stock", "--as-of", "2026-11-01"],
        vec!["stock", "--item", "RGT-PT"],
        vec!["stock", "--location", "FLAM-CAB"],
    ] {
        let mut on_pg = vec!["--db", db.url.as_str()];
        on_pg.extend(args.iter().copied());
        assert_eq!(lab.csv(&on_pg), lab.csv(&args), "{args:?}");
    }
    let back = Lab::empty();
    let out = back.run(&["--db", &db.url, "copy", "--to", back.db.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&back.run(&["export", "movements"])),
        stdout(&lab.run(&["export", "movements"]))
    );
    assert_eq!(
        back.csv(&["audit", "--heads"]),
        lab.csv(&["audit", "--heads"])
    );
    let check = back.run(&["check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
}

/// Issue 15: many writers at once on PostgreSQL, which has no single
/// writer. Processes record receipts and issues of one balance at the
/// same time; none is lost or doubled, the balance never goes below zero,
/// the chains stay whole (copied back to SQLite, `check` passes).
#[test]
fn postgres_concurrent_writers_lose_and_double_nothing() {
    const WRITERS: usize = 16;
    const EACH: usize = 40;
    let Some(db) = PgDb::new("concurrent") else {
        return;
    };
    let lab = Lab::empty();
    lab.ok(&["init"]);
    lab.ok(&["item", "add", "GLV", "--name", "Nitrile gloves"]);
    lab.ok(&[
        "item",
        "add",
        "TIPS",
        "--name",
        "Pipette tips",
        "--lot-tracked",
    ]);
    let out = lab.run(&["copy", "--to", &db.url]);
    assert!(out.status.success(), "{}", stderr(&out));
    lab.ok(&["--db", &db.url, "receive", "GLV", "100"]);
    let url = db.url.clone();
    let threads: Vec<_> = (0..WRITERS)
        .map(|w| {
            let cmd_url = url.clone();
            std::thread::spawn(move || {
                let mut failures = Vec::new();
                for i in 0..EACH {
                    let lot = format!("L{}", i % 3);
                    let args: Vec<String> = match i % 4 {
                        0 => vec!["receive".into(), "GLV".into(), "2".into()],
                        2 => vec![
                            "receive".into(),
                            "TIPS".into(),
                            "1".into(),
                            "--lot".into(),
                            lot,
                            "--expiry".into(),
                            "2027-01-31".into(),
                        ],
                        _ => vec!["issue".into(), "GLV".into(), "1".into()],
                    };
                    let out = std::process::Command::new(env!("CARGO_BIN_EXE_labstock"))
                        .env("LABSTOCK_DB", &cmd_url)
                        .env("LABSTOCK_USER", format!("writer{w}"))
                        .env("LABSTOCK_NOW", "2026-11-21T09:00:00Z")
                        .env("TZ", "UTC")
                        .args(&args)
                        .output()
                        .expect("run labstock");
                    if !out.status.success() {
                        failures.push(format!(
                            "{args:?}: {}",
                            String::from_utf8_lossy(&out.stderr)
                        ));
                    }
                }
                failures
            })
        })
        .collect();
    let failures: Vec<String> = threads
        .into_iter()
        .flat_map(|t| t.join().expect("writer thread"))
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
    // Per writer: 10 receipts of 2 and 20 issues of 1 of GLV (net 0), and
    // 10 receipts of TIPS over three lots.
    let per = EACH / 4;
    let movements = db.count("movements");
    assert_eq!(movements, 1 + (WRITERS * EACH) as i64);
    let glv: i64 = db
        .client()
        .query_one(
            "SELECT sum(b.quantity)::bigint FROM balances b JOIN items i ON i.id = b.item_id WHERE i.code = 'GLV'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(
        glv,
        100 + (WRITERS * per * 2) as i64 - (WRITERS * per * 2) as i64
    );
    let tips: i64 = db
        .client()
        .query_one(
            "SELECT sum(b.quantity)::bigint FROM balances b JOIN items i ON i.id = b.item_id WHERE i.code = 'TIPS'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(tips, (WRITERS * per) as i64);
    assert_eq!(db.count("lots WHERE lot LIKE 'L%'"), 3);
    let negative = db.count("balances WHERE quantity < 0");
    assert_eq!(negative, 0);
    // Ids consecutive, chains whole: copied back and checked.
    let back = Lab::empty();
    let out = back.run(&["--db", &db.url, "copy", "--to", back.db.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let check = back.run(&["check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    assert_eq!(
        back.csv(&["stock", "--item", "GLV"]),
        lab.csv(&["--db", &db.url, "stock", "--item", "GLV"])
    );
}

/// `config`, `export` of every kind and `label` on PostgreSQL say what they say on
/// SQLite; a setting changed on one is a chained record on both.
#[test]
fn postgres_config_and_every_export_match_sqlite() {
    let Some((lab, db)) = demo_on_postgres("configexport") else {
        return;
    };
    for args in [
        &["config", "list"][..],
        &["config", "get", "timezone"],
        &["config", "set", "timezone", "Europe/London"],
        &["config", "set", "timezone", "Europe/London"],
        &["config", "get", "timezone"],
        &["config", "set", "timezone", "Mars/Olympus"],
        &["config", "get", "no.such.key"],
    ] {
        same_on_both(&lab, &db, args);
    }
    for kind in KINDS {
        same_on_both(&lab, &db, &["export", kind]);
    }
    // Labels: a received lot and a made-up batch, and an unknown lot.
    for args in [
        &["label", "RGT-PT", "569099"][..],
        &["label", "PRP-PBS", "PBS-261118"],
        &["label", "RGT-PT", "NO-SUCH"],
    ] {
        same_on_both(&lab, &db, args);
    }
    assert_eq!(db.count("settings WHERE value = 'Europe/London'"), 1);
}

/// `backup FILE` on PostgreSQL writes a verified SQLite copy of the whole
/// lab (SPEC §12; README: PostgreSQL): `check` passes on it, it holds
/// every movement, and an existing FILE is refused as on SQLite.
#[test]
fn postgres_backup_writes_a_verified_sqlite_copy() {
    let Some((lab, db)) = demo_on_postgres("backup") else {
        return;
    };
    lab.ok(&[
        "--db",
        &db.url,
        "receive",
        "CHM-ETOH70",
        "5",
        "--location",
        "FLAM-CAB",
    ]);
    let file = lab.path().join("pg-backup.db");
    let file_arg = file.to_str().unwrap();
    let out = lab.run(&["--db", &db.url, "backup", file_arg]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("verified: integrity_check ok"),
        "{}",
        stderr(&out)
    );
    let copy = Lab::empty();
    let check = copy.run(&["--db", file_arg, "check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    assert_eq!(
        stdout(&copy.run(&["--db", file_arg, "export", "movements"])),
        stdout(&lab.run(&["--db", &db.url, "export", "movements"]))
    );
    // An existing file is refused without --force, as on SQLite.
    let sqlite = lab.run(&["backup", file_arg]);
    let pg = lab.run(&["--db", &db.url, "backup", file_arg]);
    assert_eq!(pg.status.code(), sqlite.status.code());
    assert_ne!(pg.status.code(), Some(0));
    lab.ok(&["--db", &db.url, "backup", file_arg, "--force"]);
}

/// Accounts on PostgreSQL (SPEC §11): `user add|list|role|disable|token`
/// say what they say on SQLite, refusals included, and each change is a
/// chained record.
#[test]
fn postgres_accounts_match_sqlite() {
    let Some((lab, db)) = demo_on_postgres("accounts") else {
        return;
    };
    let both_stdin = |args: &[&str], input: &str| {
        let sqlite = lab.run_stdin(args, input);
        let mut on_pg = vec!["--db", db.url.as_str()];
        on_pg.extend(args.iter().copied());
        let pg = lab.run_stdin(&on_pg, input);
        assert_eq!(
            pg.status.code(),
            sqlite.status.code(),
            "{args:?}: {}",
            stderr(&pg)
        );
        assert_eq!(stdout(&pg), stdout(&sqlite), "{args:?}");
        assert_eq!(stderr(&pg), stderr(&sqlite), "{args:?}");
    };
    let changes = db.count("account_changes");
    both_stdin(
        &[
            "user",
            "add",
            "j.okafor",
            "--role",
            "assistant",
            "--password-stdin",
        ],
        "a long enough password\n",
    );
    both_stdin(
        &[
            "user",
            "add",
            "J.OKAFOR",
            "--role",
            "viewer",
            "--password-stdin",
        ],
        "a long enough password\n",
    );
    both_stdin(
        &["user", "add", "x", "--role", "viewer", "--password-stdin"],
        "short\n",
    );
    for args in [
        &["user", "list"][..],
        &["user", "role", "j.okafor", "supervisor"],
        &["user", "role", "j.okafor", "supervisor"],
        &["user", "disable", "j.okafor"],
        &["user", "disable", "nobody"],
        &["user", "list"],
    ] {
        same_on_both(&lab, &db, args);
    }
    assert_eq!(db.count("account_changes"), changes + 3);
    // A token is a secret of its own on each engine: issued on both.
    let out = lab.run(&["--db", &db.url, "user", "token", "j.okafor"]);
    assert_eq!(
        out.status.code(),
        lab.run(&["user", "token", "j.okafor"]).status.code()
    );
}

/// Safety data sheets on PostgreSQL (SPEC §16): `sds add|confirm|list|get`,
/// `report sds` and `report coshh` say what they say on SQLite, refusals
/// included; the document is stored once and read back byte for byte.
#[test]
fn postgres_safety_data_sheets_match_sqlite() {
    let Some(db) = PgDb::new("sds") else {
        return;
    };
    let lab = demo();
    lab.ok(&[
        "item",
        "edit",
        "CHM-ETOH70",
        "--ghs",
        "GHS02",
        "--h-statements",
        "H225",
    ]);
    let out = lab.run(&["copy", "--to", &db.url]);
    assert!(out.status.success(), "{}", stderr(&out));
    let sheet = lab.path().join("etoh.pdf");
    std::fs::write(&sheet, "%PDF-1.7\nethanol sheet\n%%EOF\n").unwrap();
    let sheet = sheet.to_str().unwrap();
    let documents = db.count("sds_documents");
    let not_pdf = lab.path().join("etoh.txt");
    std::fs::write(&not_pdf, "not a pdf").unwrap();
    for args in [
        &["report", "sds"][..],
        &[
            "sds",
            "add",
            "CHM-ETOH70",
            sheet,
            "--revised",
            "2024-02-01",
            "--supplier",
            "Fisher",
        ],
        &["sds", "add", "CHM-ETOH70", sheet, "--revised", "2024-02-01"],
        &[
            "sds",
            "add",
            "CHM-ETOH70",
            not_pdf.to_str().unwrap(),
            "--revised",
            "2024-02-01",
        ],
        &["sds", "confirm", "CHM-ETOH70", "--date", "2026-11-01"],
        &["sds", "confirm", "CHM-ETOH70", "--date", "2023-01-01"],
        &["sds", "list"],
        &["sds", "list", "CHM-ETOH70"],
        &["report", "sds"],
        &["report", "coshh"],
        &["report", "coshh", "--location", "FLAM-CAB"],
    ] {
        same_on_both(&lab, &db, args);
    }
    let sqlite = lab
        .cmd()
        .args(["sds", "get", "CHM-ETOH70"])
        .output()
        .unwrap();
    let pg = lab
        .cmd()
        .args(["--db", &db.url, "sds", "get", "CHM-ETOH70"])
        .output()
        .unwrap();
    assert_eq!(pg.stdout, sqlite.stdout);
    assert_eq!(db.count("sds_documents"), documents + 1);
}

/// `report expiry` and `report usage` on PostgreSQL (SPEC §5) say what
/// they say on SQLite, at every as-of date, location and site asked.
#[test]
fn postgres_expiry_and_usage_reports_match_sqlite() {
    let Some((lab, db)) = demo_on_postgres("reports") else {
        return;
    };
    for args in [
        &["report", "expiry"][..],
        &["report", "expiry", "--within", "365"],
        &[
            "report",
            "expiry",
            "--as-of",
            "2026-10-01",
            "--within",
            "60",
        ],
        &["report", "expiry", "--location", "FRIDGE-1"],
        &["report", "expiry", "--location", "NOWHERE"],
        &["report", "expiry", "--site", "MAIN"],
        &["report", "expiry", "--format", "json"],
        &["report", "usage"],
        &["report", "usage", "--weeks", "8", "--location", "MAIN"],
        &["report", "usage", "--as-of", "2026-11-01"],
        &["report", "usage", "--weeks", "0"],
        &["report", "usage", "--format", "csv"],
    ] {
        same_on_both(&lab, &db, args);
    }
}

/// A PostgreSQL database of an older schema version is brought up to date
/// by the first command that opens it, in one transaction: version 1
/// (before the kept excursion lots) gains `excursion_lots` and, with
/// version 4, the indexes of codes as stored.
#[test]
fn postgres_an_older_schema_is_migrated_on_open() {
    let Some(db) = PgDb::new("migrate") else {
        return;
    };
    let lab = Lab::empty();
    lab.ok(&["--db", &db.url, "init"]);
    db.client()
        .batch_execute(
            "DROP TABLE excursion_lots; DROP INDEX excursions_ended; \
             DROP INDEX items_code_exact; DROP INDEX locations_code_exact; \
             UPDATE labstock_schema SET version = 1",
        )
        .unwrap();
    lab.ok(&["--db", &db.url, "stock"]);
    let version: i64 = db
        .client()
        .query_one("SELECT version FROM labstock_schema", &[])
        .unwrap()
        .get(0);
    assert_eq!(version, labstock::store::postgres::SCHEMA_VERSION);
    assert_eq!(db.count("excursion_lots"), 0);
    assert_eq!(
        db.count("pg_indexes WHERE indexname IN ('items_code_exact', 'locations_code_exact')"),
        2
    );
}

/// `demo` and `digest` on PostgreSQL say what they say on SQLite.
#[test]
fn postgres_demo_and_digest_say_what_sqlite_says() {
    crate::common::sqlite_file_test("it compares a SQLite lab with PostgreSQL");
    let Some((lab, db)) = demo_on_postgres("digest") else {
        return;
    };
    for args in [
        &["digest"][..],
        &["digest", "--format", "json"],
        &["digest", "--format", "html"],
        &["digest", "--within", "60"],
    ] {
        same_on_both(&lab, &db, args);
    }
    // `demo` itself into an empty PostgreSQL database: the same report.
    let Some(empty) = PgDb::new("demo") else {
        return;
    };
    let sqlite_db = lab.path().join("again.db");
    let on_sqlite = lab.run(&["--db", sqlite_db.to_str().unwrap(), "demo"]);
    let on_pg = lab.run(&["--db", &empty.url, "demo"]);
    assert_eq!(on_pg.status.code(), Some(0), "{}", stderr(&on_pg));
    assert_eq!(
        stdout(&on_pg).replace(&empty.url, "DB"),
        stdout(&on_sqlite).replace(sqlite_db.to_str().unwrap(), "DB")
    );
    // It refuses a database that holds a lab already, writing nothing.
    let again = lab.run(&["--db", &empty.url, "demo"]);
    assert_ne!(again.status.code(), Some(0));
    assert!(stderr(&again).starts_with("error: "), "{}", stderr(&again));
}
