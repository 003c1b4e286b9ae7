//! `Store`: the SQLite database behind labstock. Opening sets the PRAGMAs
//! every connection needs (foreign keys, WAL, busy timeout, synchronous
//! FULL so a recorded movement survives power loss), identifies the file as
//! a labstock database and checks its schema version. Each domain area adds
//! its own `impl Store` block in its own module.

pub mod seed;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use crate::error::{Error, Result};

/// The schema, applied to a new database by `init`.
pub const SCHEMA: &str = include_str!("../../schema.sql");

/// Schema version this binary writes and understands (PRAGMA user_version).
pub const SCHEMA_VERSION: i64 = 1;

/// PRAGMA application_id of a labstock database ("LBST").
pub const APPLICATION_ID: i64 = 0x4C42_5354;

/// Migrations from version N to N+1, appended, never edited. Index 0 takes
/// a version-1 database to version 2. Empty until a release needs one.
const MIGRATIONS: &[&str] = &[];

/// How long a command waits for another process's write to finish before
/// giving up with exit code 75.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// An open labstock database.
pub struct Store {
    pub(crate) conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Open an existing database; never creates one (SPEC §8).
    pub fn open(path: &Path) -> Result<Store> {
        if !path.exists() {
            return Err(Error::NoDatabase {
                path: path.to_owned(),
            });
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| classify_open_error(path, e))?;
        let mut store = Store {
            conn,
            path: path.to_owned(),
        };
        store.configure()?;
        store.check_identity()?;
        Ok(store)
    }

    /// Create a new database at `path` with the schema and seed data
    /// (location MAIN, the List of Waste streams), in one transaction.
    pub fn init(path: &Path, now: &str, user: &str) -> Result<Store> {
        if path.exists() && std::fs::metadata(path).map_or(true, |m| m.len() > 0) {
            return Err(Error::DatabaseExists {
                path: path.to_owned(),
            });
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| Error::Io {
                path: dir.to_owned(),
                source,
            })?;
        }
        let conn = Connection::open(path).map_err(|e| classify_open_error(path, e))?;
        let mut store = Store {
            conn,
            path: path.to_owned(),
        };
        store.configure()?;
        let tx = store.write()?;
        tx.execute_batch(SCHEMA)?;
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        seed::seed(&tx, now, user)?;
        tx.commit()?;
        Ok(store)
    }

    /// Path of the database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Raw connection, for tests and the integrity checks that must look
    /// beneath the domain API.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Begin the one IMMEDIATE transaction of a write command: taking the
    /// write lock up front means a busy database fails fast with exit 75
    /// instead of deadlocking half-way.
    pub(crate) fn write(&mut self) -> Result<Transaction<'_>> {
        Ok(self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?)
    }

    fn configure(&mut self) -> Result<()> {
        self.conn.busy_timeout(BUSY_TIMEOUT)?;
        self.conn.pragma_update(None, "foreign_keys", true)?;
        let mode: String = self
            .conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(|e| classify_open_error(&self.path, e))?;
        let _ = mode; // a read-only or in-memory file may refuse WAL; it still works
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        Ok(())
    }

    /// Refuse files that are not labstock databases, or are newer than us;
    /// bring older ones up to date.
    fn check_identity(&mut self) -> Result<()> {
        let app_id: i64 = self
            .conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .map_err(|e| classify_open_error(&self.path, e))?;
        let version: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if app_id != APPLICATION_ID || version < 1 {
            return Err(Error::NotLabstock {
                path: self.path.clone(),
            });
        }
        if version > SCHEMA_VERSION {
            return Err(Error::TooNew {
                path: self.path.clone(),
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        if version < SCHEMA_VERSION {
            self.migrate(version)?;
        }
        Ok(())
    }

    fn migrate(&mut self, from: i64) -> Result<()> {
        let tx = self.write()?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip((from - 1) as usize) {
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", i as i64 + 2)?;
        }
        tx.commit()?;
        Ok(())
    }
}

fn classify_open_error(path: &Path, e: rusqlite::Error) -> Error {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => Error::NotLabstock {
            path: path.to_owned(),
        },
        _ => Error::from(e),
    }
}

/// Closest known codes to a mistyped one, for "did you mean" hints.
pub(crate) fn closest(key: &str, known: impl IntoIterator<Item = String>) -> Vec<String> {
    let key_l = key.to_lowercase();
    let mut scored: Vec<(f64, String)> = known
        .into_iter()
        .map(|k| {
            let score = strsim::jaro_winkler(&key_l, &k.to_lowercase());
            (score, k)
        })
        .filter(|(s, _)| *s >= 0.75)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    scored.into_iter().take(3).map(|(_, k)| k).collect()
}
