//! [`Store`]: an open labstock database on either engine, the front of the
//! storage seam. It holds the engine's connection (a SQLite file's, or a
//! PostgreSQL server's) and runs the rules' work through it:
//! `Store::transact` a write, `Store::read` a consistent snapshot, each
//! handing the work a [`Conn`].
//!
//! Nothing here calls an engine's driver. What opening, creating,
//! configuring and migrating a SQLite file means is in `store/sqlite/`
//! (`open.rs`: the file looked at before SQLite opens it; `store.rs`: the
//! SQLite side of `Store`); PostgreSQL's in `store/postgres/`. Each
//! domain area adds its own `impl Store` block in its own module.

use std::cell::{RefCell, RefMut};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::error::{Error, Result};
use crate::store::postgres::{PgStore, Url};
use crate::store::{Conn, Db, EngineKind, sqlite};

/// How long a write waits for another process's write to finish before
/// giving up with exit code 75, unless `--busy-timeout` says otherwise.
/// An import holds the write lock for all of its rows (all or nothing):
/// 6 – 10 s for 300,000 rows, about a minute for 2M on the reference
/// machine (BENCHMARKS.md, "A bench write during a long import"), so a
/// bench `receive` meanwhile waits rather than failing.
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(60);

/// The longest busy timeout accepted (SQLite counts it in `int`
/// milliseconds; a day is far beyond any sensible wait).
pub const MAX_BUSY_TIMEOUT: Duration = Duration::from_secs(24 * 60 * 60);

/// How a [`Store`] is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenOptions {
    /// How long a write waits for the write lock held by another process.
    /// Zero fails at once.
    pub busy_timeout: Duration,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            busy_timeout: DEFAULT_BUSY_TIMEOUT,
        }
    }
}

/// Parse a busy timeout as `--busy-timeout` takes it: seconds (`5`,
/// `2.5`), or a number with a unit `s` or `ms` (`30s`, `500ms`). `0` means
/// fail at once when another process is writing.
pub fn parse_busy_timeout(text: &str) -> Result<Duration> {
    const EXPECTED: &str = "a duration such as 5, 2.5, 500ms or 30s (seconds unless it ends in ms; 0 fails at once; at most 24h)";
    let t = text.trim().to_ascii_lowercase();
    let (number, millis_per_unit) = if let Some(n) = t.strip_suffix("ms") {
        (n.trim_end(), 1.0)
    } else if let Some(n) = t.strip_suffix('s') {
        (n.trim_end(), 1000.0)
    } else {
        (t.as_str(), 1000.0)
    };
    let well_formed = !number.is_empty()
        && number.chars().all(|c| c.is_ascii_digit() || c == '.')
        && number.chars().filter(|c| *c == '.').count() <= 1
        && number.chars().any(|c| c.is_ascii_digit());
    let value: f64 = match number.parse() {
        Ok(v) if well_formed => v,
        _ => return Err(Error::invalid("busy timeout", text, EXPECTED)),
    };
    let millis = (value * millis_per_unit).round();
    if millis > MAX_BUSY_TIMEOUT.as_millis() as f64 {
        return Err(Error::invalid("busy timeout", text, EXPECTED));
    }
    Ok(Duration::from_millis(millis as u64))
}

/// The engine a [`Store`] is on.
pub(in crate::store) enum Engine {
    Sqlite(sqlite::Connection),
    Postgres(RefCell<PgStore>),
}

/// An open labstock database.
pub struct Store {
    pub(in crate::store) engine: Engine,
    pub(in crate::store) path: PathBuf,
    pub(in crate::store) read_only: bool,
    pub(in crate::store) busy_timeout: Duration,
}

impl Store {
    /// Open an existing database with the default options; never creates
    /// one (SPEC §8).
    pub fn open(path: &Path) -> Result<Store> {
        Store::open_with(path, OpenOptions::default())
    }

    /// Another connection to a database this process already has open
    /// (the server's readers): the same PRAGMAs, without the file-level
    /// checks of [`Store::open_with`]. Those read the file's header through
    /// a file descriptor of their own, and closing any descriptor of a file
    /// drops every POSIX lock the process holds on it — including the
    /// SQLite locks of the connections already open, after which another
    /// process may take the file as unused, checkpoint and delete the WAL
    /// under them.
    pub fn open_again(&self) -> Result<Store> {
        if let Engine::Postgres(pg) = &self.engine {
            let url = pg.borrow().url().clone();
            return Store::open_postgres(
                &url,
                OpenOptions {
                    busy_timeout: self.busy_timeout,
                },
            );
        }
        self.open_sqlite_again()
    }

    /// Path of the database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the database was opened read-only (writes are refused).
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// The busy timeout this store's writes wait for.
    pub fn busy_timeout(&self) -> Duration {
        self.busy_timeout
    }

    /// The PostgreSQL database this store is on, if it is.
    pub(crate) fn postgres_url(&self) -> Option<Url> {
        match &self.engine {
            Engine::Sqlite(_) => None,
            Engine::Postgres(pg) => Some(pg.borrow().url().clone()),
        }
    }

    /// The PostgreSQL engine underneath, for its own consistency checks
    /// (`check`); `None` on SQLite.
    pub(in crate::store) fn postgres_engine(&self) -> Option<RefMut<'_, PgStore>> {
        match &self.engine {
            Engine::Sqlite(_) => None,
            Engine::Postgres(pg) => Some(pg.borrow_mut()),
        }
    }

    /// Which engine the database is on.
    pub fn engine_kind(&self) -> EngineKind {
        match self.engine {
            Engine::Sqlite(_) => EngineKind::Sqlite,
            Engine::Postgres(_) => EngineKind::Postgres,
        }
    }

    /// Close the connection, reporting what SQLite reports (dropping a
    /// `Store` closes it too, silently). The last connection to close
    /// checkpoints the WAL into the file and removes `-wal` and `-shm`.
    pub fn close(self) -> Result<()> {
        match self.engine {
            Engine::Sqlite(conn) => sqlite::store::close(conn, &self.path),
            Engine::Postgres(_) => Ok(()),
        }
    }

    /// Run `work` in one write transaction on either engine, committed
    /// when it returns `Ok` (SQLite: IMMEDIATE, holding the write lock
    /// from the start; PostgreSQL: READ COMMITTED with the row and
    /// advisory locks of src/store/mod.rs, run again after a deadlock or
    /// serialization failure a bounded number of times).
    pub(crate) fn transact<T>(&mut self, mut work: impl FnMut(Conn<'_>) -> Result<T>) -> Result<T> {
        match &mut self.engine {
            Engine::Sqlite(_) => self.sqlite_transact(work),
            Engine::Postgres(pg) => pg
                .get_mut()
                .transact(&mut work)
                .map_err(|e| self.lock_timeout_as_locked(e)),
        }
    }

    /// A PostgreSQL lock not granted within the busy timeout is the same
    /// error as SQLite's busy database: exit 75, HTTP 503, same words.
    fn lock_timeout_as_locked(&self, e: Error) -> Error {
        match e {
            Error::Postgres {
                problem: crate::error::PgProblem::LockTimeout,
                ..
            } => Error::Locked {
                path: Some(self.path.clone()),
                waited: Some(self.busy_timeout),
            },
            other => other,
        }
    }

    /// [`Store::transact`] for work that cannot be run twice: an import,
    /// which streams its file through the transaction as it reads it. On
    /// PostgreSQL a deadlock or serialization failure is then reported as
    /// busy (exit 75) at once, as SQLite reports a write lock held past the
    /// busy timeout, instead of being retried.
    pub(crate) fn transact_once<T>(
        &mut self,
        work: impl FnOnce(Conn<'_>) -> Result<T>,
    ) -> Result<T> {
        match &mut self.engine {
            Engine::Sqlite(_) => self.sqlite_transact(work),
            Engine::Postgres(pg) => pg.get_mut().transact_once(work),
        }
    }

    /// Run `work` on one consistent snapshot, reading only (SQLite: a
    /// deferred read transaction; PostgreSQL: REPEATABLE READ, read only).
    pub(crate) fn read<T>(&self, work: impl FnOnce(Conn<'_>) -> Result<T>) -> Result<T> {
        match &self.engine {
            Engine::Sqlite(conn) => sqlite::store::read(conn, work),
            Engine::Postgres(pg) => pg.borrow_mut().read(work),
        }
    }

    /// The lab's time zone as read when a PostgreSQL store was opened
    /// (once; `None` on SQLite, after the first call, or when not read).
    pub(crate) fn take_opening_zone(&self) -> Option<crate::store::postgres::OpeningZone> {
        match &self.engine {
            Engine::Sqlite(_) => None,
            Engine::Postgres(pg) => pg.borrow_mut().take_opening_zone(),
        }
    }

    /// [`Store::read`] for a single statement, which sees one snapshot by
    /// itself: on SQLite it runs without BEGIN and COMMIT (two statements
    /// fewer to prepare in every process that reads the lab's zone).
    pub(crate) fn read_one<T>(&self, work: impl FnOnce(Conn<'_>) -> Result<T>) -> Result<T> {
        match &self.engine {
            Engine::Sqlite(conn) => work(sqlite::conn(conn)),
            Engine::Postgres(pg) => pg.borrow_mut().read(work),
        }
    }

    /// Open a labstock database on PostgreSQL (SPEC §12).
    pub fn open_postgres(url: &Url, options: OpenOptions) -> Result<Store> {
        let pg = PgStore::open(&url.with_lock_timeout(options.busy_timeout))?;
        Ok(Store {
            engine: Engine::Postgres(RefCell::new(pg)),
            path: PathBuf::from(url.to_string()),
            read_only: false,
            busy_timeout: options.busy_timeout,
        })
    }

    /// Open a database named by `--db`: a SQLite file, or a `postgres://`
    /// URL.
    pub fn open_any(db: &Path, options: OpenOptions) -> Result<Store> {
        match Db::from_arg(db)? {
            Db::Sqlite(path) => Store::open_with(&path, options),
            Db::Postgres(url) => Store::open_postgres(&url, options),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_timeout_takes_seconds_and_milliseconds() {
        let ok = |t: &str| parse_busy_timeout(t).unwrap();
        assert_eq!(ok("5"), Duration::from_secs(5));
        assert_eq!(ok("2.5"), Duration::from_millis(2500));
        assert_eq!(ok("500ms"), Duration::from_millis(500));
        assert_eq!(ok("5s"), Duration::from_secs(5));
        assert_eq!(ok(" 30 S "), Duration::from_secs(30));
        assert_eq!(ok("0"), Duration::ZERO);
        assert_eq!(ok("0.25s"), Duration::from_millis(250));
        assert_eq!(ok("86400"), MAX_BUSY_TIMEOUT);
    }

    #[test]
    fn busy_timeout_refuses_what_is_not_a_duration() {
        for bad in [
            "", "s", "ms", "-1", "1e3", "inf", "NaN", "5m", "1.2.3", "five", "86401", ".",
        ] {
            let e = parse_busy_timeout(bad).unwrap_err();
            assert_eq!(e.exit_code(), 65, "{bad:?}");
            assert!(e.to_string().contains("500ms"), "{e}");
        }
    }
}
