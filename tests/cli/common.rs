//! The test lab: a temporary database driven through the real `labstock`
//! binary in a clean environment with a pinned clock.
//!
//! **Both engines (issue 15).** By default each lab is a SQLite file. With
//! `LABSTOCK_TEST_ENGINE=postgres` each lab is instead a fresh PostgreSQL
//! database of its own on the server at `$LABSTOCK_TEST_PG` (default
//! `postgres://postgres@127.0.0.1:5432`), dropped at the end, and
//! `LABSTOCK_DB` is its URL: the same tests then drive the same binary
//! against PostgreSQL (`.ci/run` runs the suite once per engine). Tests
//! that are about the SQLite file itself (its bytes, its locks, its
//! pages, tampering through a raw SQLite connection) say so with
//! [`sqlite_file_test`] or [`Lab::new_sqlite`] and run on a SQLite file on
//! either pass; one that reaches for the file without saying so fails
//! loudly on the PostgreSQL pass.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::atomic::{AtomicU32, Ordering};

use assert_cmd::Command;
use tempfile::TempDir;

/// The moment every test runs at unless it says otherwise.
pub(crate) const NOW: &str = "2026-11-21T09:00:00Z";

/// The engine the suite runs on: `LABSTOCK_TEST_ENGINE` (`sqlite`, the
/// default, or `postgres`), unless this test is about the SQLite file
/// itself ([`sqlite_file_test`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Engine {
    Sqlite,
    Postgres,
}

thread_local! {
    /// Set by [`sqlite_file_test`] for the test running on this thread.
    static SQLITE_FILE_TEST: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

pub(crate) fn engine() -> Engine {
    if SQLITE_FILE_TEST.with(std::cell::Cell::get) {
        return Engine::Sqlite;
    }
    suite_engine()
}

/// The engine the whole suite was asked to run on.
fn suite_engine() -> Engine {
    match std::env::var("LABSTOCK_TEST_ENGINE").as_deref() {
        Ok("postgres" | "postgresql") => Engine::Postgres,
        Ok("" | "sqlite") | Err(_) => Engine::Sqlite,
        Ok(other) => panic!("LABSTOCK_TEST_ENGINE={other:?}: expected `sqlite` or `postgres`"),
    }
}

/// `true` when this test's labs are PostgreSQL databases.
pub(crate) fn on_postgres() -> bool {
    engine() == Engine::Postgres
}

/// Declare, at its start, a test about the SQLite file itself (its bytes,
/// locks, pages, migrations of an older file, or tampering through a raw
/// SQLite connection beneath the store): its labs are SQLite files on
/// either pass, and on the PostgreSQL pass it says so on stderr. What it
/// proves on PostgreSQL is proven by the `pg_*` and `postgres` modules.
pub(crate) fn sqlite_file_test(why: &str) {
    if suite_engine() == Engine::Postgres {
        let _ = writeln!(
            std::io::stderr(),
            "note: this test runs on a SQLite file on the PostgreSQL pass too: {why}"
        );
    }
    SQLITE_FILE_TEST.with(|flag| flag.set(true));
}

const DEFAULT_PG_SERVER: &str = "postgres://postgres@127.0.0.1:5432";

/// The PostgreSQL server the tests use: `$LABSTOCK_TEST_PG`, else the
/// local default.
pub(crate) fn pg_server() -> String {
    std::env::var("LABSTOCK_TEST_PG")
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| DEFAULT_PG_SERVER.to_owned())
        .trim_end_matches('/')
        .to_owned()
}

/// A fresh PostgreSQL database of its own for one test, dropped at the end.
pub(crate) struct PgDb {
    pub(crate) name: String,
    pub(crate) url: String,
}

impl PgDb {
    /// A new empty database, or `None` (having said so on stderr) when no
    /// server answers and `LABSTOCK_TEST_PG_REQUIRED` is not set.
    pub(crate) fn new(test: &str) -> Option<PgDb> {
        static SEQ: AtomicU32 = AtomicU32::new(0);
        let server = pg_server();
        let mut admin = match postgres::Client::connect(
            &format!("{server}/postgres"),
            postgres::NoTls,
        ) {
            Ok(c) => c,
            Err(e) => {
                assert!(
                    std::env::var_os("LABSTOCK_TEST_PG_REQUIRED").is_none() && !on_postgres(),
                    "a PostgreSQL test database is required (LABSTOCK_TEST_PG_REQUIRED or \
                     LABSTOCK_TEST_ENGINE=postgres) but no server answers at {server}: {e}"
                );
                let _ = writeln!(
                    std::io::stderr(),
                    "PostgreSQL test {test} NOT RUN: no server at {server} ({e}); start one that lets \
                     this role create databases (e.g. Debian's `postgresql` with trust auth on 127.0.0.1, \
                     as .ci/run does) or set LABSTOCK_TEST_PG=postgres://USER@HOST:PORT, then run \
                     `cargo test --test cli postgres`"
                );
                return None;
            }
        };
        drop_leftovers(&mut admin);
        let name = format!(
            "labstock_test_{}_{}_{}",
            test.chars()
                .filter(char::is_ascii_alphanumeric)
                .take(30)
                .collect::<String>()
                .to_ascii_lowercase(),
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        );
        admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
            .expect("drop a leftover test database");
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create test database");
        Some(PgDb {
            url: format!("{server}/{name}"),
            name,
        })
    }

    pub(crate) fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url, postgres::NoTls).expect("connect to test database")
    }

    pub(crate) fn count(&self, table: &str) -> i64 {
        self.client()
            .query_one(&format!("SELECT count(*) FROM {table}"), &[])
            .expect("count")
            .get(0)
    }

    /// Every row of every table, as text in a fixed order: what a refused
    /// command must leave exactly as it was. (Sequences are left out: a
    /// rolled-back insert may advance one without changing any row.)
    pub(crate) fn contents(&self) -> Vec<u8> {
        let mut client = self.client();
        let tables: Vec<String> = client
            .query(
                "SELECT table_name::text FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1",
                &[],
            )
            .expect("list tables")
            .iter()
            .map(|row| row.get(0))
            .collect();
        let mut out = Vec::new();
        for table in tables {
            let rows = client
                .query(
                    &format!("SELECT t::text FROM \"{table}\" AS t ORDER BY 1"),
                    &[],
                )
                .expect("read table");
            out.extend_from_slice(format!("-- {table}\n").as_bytes());
            for row in rows {
                out.extend_from_slice(row.get::<_, String>(0).as_bytes());
                out.push(b'\n');
            }
        }
        out
    }
}

/// Once per test process: drop the test databases of test processes that
/// are no longer running (`labstock_test_<test>_<pid>_<n>`). A lab kept in
/// a `static` (the demo lab of `tables::`) is never dropped, so each run
/// left one behind; the next run removes it.
fn drop_leftovers(admin: &mut postgres::Client) {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Whether a process runs is read from /proc: elsewhere, drop nothing.
        if !std::path::Path::new("/proc/self").exists() {
            return;
        }
        let Ok(rows) = admin.query(
            "SELECT datname::text FROM pg_database WHERE datname LIKE 'labstock\\_test\\_%'",
            &[],
        ) else {
            return;
        };
        for row in rows {
            let name: String = row.get(0);
            let pid = name
                .split('_')
                .rev()
                .nth(1)
                .and_then(|p| p.parse::<u32>().ok());
            let Some(pid) = pid else { continue };
            if pid != std::process::id() && !std::path::Path::new(&format!("/proc/{pid}")).exists()
            {
                let _ =
                    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    });
}

impl Drop for PgDb {
    fn drop(&mut self) {
        if let Ok(mut admin) =
            postgres::Client::connect(&format!("{}/postgres", pg_server()), postgres::NoTls)
        {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// A lock held as another writer would ([`Lab::hold_write_lock`]),
/// released when dropped.
pub(crate) enum WriteLock {
    Sqlite(rusqlite::Connection),
    Postgres(postgres::Client),
}

impl Drop for WriteLock {
    fn drop(&mut self) {
        match self {
            WriteLock::Sqlite(conn) => {
                let _ = conn.execute_batch("ROLLBACK");
            }
            WriteLock::Postgres(client) => {
                let _ = client.batch_execute("ROLLBACK");
            }
        }
    }
}

/// A scratch lab with its own database.
pub(crate) struct Lab {
    /// Its PostgreSQL database when the suite runs on PostgreSQL (dropped
    /// after the lab's directory, which holds no database then).
    pub(crate) pg: Option<PgDb>,
    pub(crate) dir: TempDir,
    /// The lab's `LABSTOCK_DB`: a SQLite file in `dir`, or the URL of `pg`.
    pub(crate) db: PathBuf,
    pub(crate) now: String,
}

impl Lab {
    /// A lab whose database has been `init`ed.
    pub(crate) fn new() -> Lab {
        let lab = Lab::empty();
        lab.ok(&["init"]);
        lab
    }

    /// A lab whose database is a SQLite file `init`ed, whatever engine the
    /// suite runs on: for the tests about the SQLite file itself (its
    /// bytes, locks, pages, migrations, or tampering through a raw SQLite
    /// connection). Their PostgreSQL counterparts are the `pg_*` and
    /// `postgres` modules.
    pub(crate) fn new_sqlite() -> Lab {
        let lab = Lab::empty_sqlite();
        lab.ok(&["init"]);
        lab
    }

    /// A lab with no database yet, which will be a SQLite file whatever
    /// engine the suite runs on (see [`Lab::new_sqlite`]).
    pub(crate) fn empty_sqlite() -> Lab {
        Lab::empty_on(Engine::Sqlite)
    }

    /// A lab with no database yet.
    pub(crate) fn empty() -> Lab {
        Lab::empty_on(engine())
    }

    fn empty_on(engine: Engine) -> Lab {
        let dir = tempfile::tempdir().expect("temp dir");
        let pg = if engine == Engine::Postgres {
            Some(PgDb::new("lab").expect("a PostgreSQL database for the lab"))
        } else {
            None
        };
        let db = match &pg {
            Some(pg) => PathBuf::from(&pg.url),
            None => dir.path().join("lab.db"),
        };
        Lab {
            pg,
            dir,
            db,
            now: NOW.to_owned(),
        }
    }

    /// The binary with a clean environment: pinned clock, this lab's
    /// database, a fixed user, no colour.
    pub(crate) fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("labstock").expect("labstock binary");
        cmd.env_clear()
            .env("LABSTOCK_DB", &self.db)
            .env("LABSTOCK_NOW", &self.now)
            .env("LABSTOCK_USER", "a.tester")
            .env("NO_COLOR", "1")
            .env("TZ", "UTC")
            .current_dir(self.dir.path());
        cmd
    }

    pub(crate) fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().expect("run labstock")
    }

    /// Run with standard input.
    pub(crate) fn run_stdin(&self, args: &[&str], stdin: &str) -> Output {
        self.cmd()
            .args(args)
            .write_stdin(stdin)
            .output()
            .expect("run labstock")
    }

    /// Run and require exit 0; returns stdout.
    pub(crate) fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "labstock {args:?} failed with {:?}\nstdout:\n{}\nstderr:\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Run and require exit `code`; returns stderr.
    pub(crate) fn fails(&self, args: &[&str], code: i32) -> String {
        let out = self.run(args);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(
            out.status.code(),
            Some(code),
            "labstock {args:?}: expected exit {code}\nstdout:\n{}\nstderr:\n{stderr}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(
            stderr.starts_with("error: "),
            "stderr should start with `error: `: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "panic: {stderr}");
        stderr
    }

    /// Write a file into the lab's directory and return its path.
    pub(crate) fn file(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).expect("write file");
        path
    }

    /// The database file's bytes, to prove a refused command wrote nothing
    /// (on PostgreSQL: every row of every table, in a fixed order).
    pub(crate) fn db_bytes(&self) -> Vec<u8> {
        match &self.pg {
            Some(pg) => pg.contents(),
            None => std::fs::read(&self.db).expect("read db"),
        }
    }

    /// CSV output of a listing as rows of cells (header first).
    pub(crate) fn csv(&self, args: &[&str]) -> Vec<Vec<String>> {
        let mut full = args.to_vec();
        full.extend(["--format", "csv"]);
        parse_csv(&self.ok(&full))
    }

    /// A library handle on the same database (for raw-SQL tampering tests).
    /// A raw SQLite connection to the lab's file, for tests that tamper
    /// with it beneath the domain API (the store does not hand out its own).
    pub(crate) fn raw(&self) -> rusqlite::Connection {
        assert!(
            self.pg.is_none(),
            "a raw SQLite connection in a test run on PostgreSQL: begin the test with \
             `sqlite_file_test(why)` if it is about the SQLite file, else use Lab::pg"
        );
        let conn = rusqlite::Connection::open(&self.db).expect("open raw connection");
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .expect("busy timeout");
        conn
    }

    /// Hold the lock every write of a movement needs, as another process
    /// writing would, until the guard is dropped: SQLite's write lock
    /// (`BEGIN IMMEDIATE`), or on PostgreSQL a transaction holding the
    /// ledger table in EXCLUSIVE mode (reads go on; inserts wait).
    pub(crate) fn hold_write_lock(&self) -> WriteLock {
        match &self.pg {
            Some(pg) => {
                let mut client = pg.client();
                client
                    .batch_execute("BEGIN; LOCK TABLE movements IN EXCLUSIVE MODE")
                    .expect("lock the ledger");
                WriteLock::Postgres(client)
            }
            None => {
                let conn = self.raw();
                conn.execute_batch("BEGIN IMMEDIATE")
                    .expect("take the write lock");
                WriteLock::Sqlite(conn)
            }
        }
    }

    /// The rows of `table`, on either engine.
    pub(crate) fn count(&self, table: &str) -> i64 {
        match &self.pg {
            Some(pg) => pg.count(table),
            None => self
                .raw()
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
                .expect("count rows"),
        }
    }

    pub(crate) fn store(&self) -> labstock::Store {
        labstock::Store::open_any(&self.db, labstock::store::OpenOptions::default())
            .expect("open store")
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }
}

pub(crate) fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| r.expect("csv record").iter().map(str::to_owned).collect())
        .collect()
}

/// Path of a fixture file in the repository.
pub(crate) fn fixture(name: &str) -> String {
    format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Turn a database made by this binary into the one a version-1 labstock
/// (the base `schema.sql`, before any migration) would have left, keeping
/// the rows of the base tables: every object the migrations added is
/// dropped and every base object they changed is put back as it was (a
/// base table that gained columns loses them again, rows kept).
/// Migration tests then reopen it with the binary and prove the upgrade.
pub(crate) fn downgrade_to_version_1(conn: &rusqlite::Connection) {
    let objects = |c: &rusqlite::Connection| -> Vec<(String, String, Option<String>)> {
        c.prepare(
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' \
             ORDER BY CASE type WHEN 'trigger' THEN 0 WHEN 'index' THEN 1 ELSE 2 END, name",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
    };
    let base = rusqlite::Connection::open_in_memory().unwrap();
    base.execute_batch(labstock::store::SCHEMA).unwrap();
    let base_objects = objects(&base);
    conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
    // Triggers, then indexes, then tables (`type DESC`).
    for (kind, name, sql) in objects(conn) {
        let same = base_objects
            .iter()
            .any(|(k, n, s)| *k == kind && *n == name && *s == sql);
        let base_table = kind == "table"
            && base_objects
                .iter()
                .any(|(k, n, _)| *k == kind && *n == name);
        if !same && name == "balances" && kind == "table" {
            // Balances by portion (migration `opening`) back to one row
            // per lot and location, kept aside while the table is rebuilt.
            conn.execute_batch(
                "CREATE TABLE balances_v1 AS SELECT lot_id, location_id, item_id, sum(quantity) AS quantity \
                 FROM balances GROUP BY lot_id, location_id; DROP TABLE balances;",
            )
            .unwrap();
        } else if !same && base_table {
            // A base table a migration added columns to: drop those
            // columns, keeping its rows.
            let columns = |c: &rusqlite::Connection| -> Vec<String> {
                c.prepare("SELECT name FROM pragma_table_info(?1)")
                    .unwrap()
                    .query_map([&name], |r| r.get(0))
                    .unwrap()
                    .collect::<rusqlite::Result<_>>()
                    .unwrap()
            };
            let keep = columns(&base);
            for column in columns(conn) {
                if !keep.contains(&column) {
                    conn.execute_batch(&format!("ALTER TABLE \"{name}\" DROP COLUMN \"{column}\""))
                        .unwrap();
                }
            }
        } else if !same {
            conn.execute_batch(&format!(
                "DROP {} IF EXISTS \"{name}\"",
                kind.to_uppercase()
            ))
            .unwrap();
        }
    }
    let now: Vec<(String, String)> = objects(conn).into_iter().map(|(k, n, _)| (k, n)).collect();
    // Tables before the indexes and triggers on them.
    let mut missing: Vec<&(String, String, Option<String>)> = base_objects.iter().collect();
    missing.sort_by_key(|(kind, _, _)| kind != "table");
    for (kind, name, sql) in missing {
        if !now.contains(&(kind.clone(), name.clone()))
            && let Some(sql) = sql
        {
            conn.execute_batch(sql).unwrap();
        }
    }
    if now.iter().any(|(k, n)| k == "table" && n == "balances_v1") {
        conn.execute_batch(
            "INSERT INTO balances (lot_id, location_id, item_id, quantity) \
             SELECT lot_id, location_id, item_id, quantity FROM balances_v1; DROP TABLE balances_v1;",
        )
        .unwrap();
    }
    conn.execute_batch("PRAGMA user_version = 1").unwrap();
}
