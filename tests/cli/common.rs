//! The test lab: a temporary database driven through the real `labstock`
//! binary in a clean environment with a pinned clock.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use tempfile::TempDir;

/// The moment every test runs at unless it says otherwise.
pub(crate) const NOW: &str = "2026-11-21T09:00:00Z";

/// A scratch lab with its own database.
pub(crate) struct Lab {
    pub(crate) dir: TempDir,
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

    /// A lab with no database yet.
    pub(crate) fn empty() -> Lab {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("lab.db");
        Lab {
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

    /// The database file's bytes, to prove a refused command wrote nothing.
    pub(crate) fn db_bytes(&self) -> Vec<u8> {
        std::fs::read(&self.db).expect("read db")
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
        let conn = rusqlite::Connection::open(&self.db).expect("open raw connection");
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .expect("busy timeout");
        conn
    }

    pub(crate) fn store(&self) -> labstock::Store {
        labstock::Store::open(&self.db).expect("open store")
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
    base.execute_batch(labstock::db::SCHEMA).unwrap();
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
