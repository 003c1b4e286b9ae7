//! `Store`: the SQLite database behind labstock.
//!
//! Opening first identifies the file without changing it (the 100-byte
//! SQLite header, then `application_id` and `user_version` read through
//! SQLite), and only then sets the PRAGMAs every connection needs: foreign
//! keys, WAL, synchronous FULL so a recorded movement survives power loss,
//! and the busy timeout. A missing, empty, foreign, newer, truncated or
//! damaged file is refused before anything is written to it, and no
//! `-wal`/`-shm` file is left beside it. A file whose permissions forbid
//! writing is opened read-only: reading commands work, writes are refused
//! with [`Error::ReadOnly`]. Each domain area adds its own `impl Store`
//! block in its own module.

use crate::store::sqlite::migrations;
pub use crate::store::sqlite::seed;
mod trace;
mod values;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use crate::error::{Damage, Error, Foreign, Result};

/// The connection settings of a store ([`Store::durability`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Durability {
    pub foreign_keys: bool,
    pub journal_mode: String,
    pub synchronous: String,
}

/// The schema, applied to a new database by `init`.
pub const SCHEMA: &str = include_str!("../../schema.sql");

/// Schema version this binary writes and understands (PRAGMA user_version):
/// the base schema (version 1) plus every migration.
pub const SCHEMA_VERSION: i64 = 1 + migrations::MIGRATIONS.len() as i64;

/// PRAGMA application_id of a labstock database ("LBST").
pub const APPLICATION_ID: i64 = 0x4C42_5354;

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
enum Engine {
    Sqlite(Connection),
    Postgres(std::cell::RefCell<crate::store::postgres::PgStore>),
}

/// An open labstock database.
pub struct Store {
    engine: Engine,
    path: PathBuf,
    read_only: bool,
    busy_timeout: Duration,
}

impl Store {
    /// Open an existing database with the default options; never creates
    /// one (SPEC §8).
    pub fn open(path: &Path) -> Result<Store> {
        Store::open_with(path, OpenOptions::default())
    }

    /// Open an existing database; never creates one, and never changes a
    /// file it refuses.
    pub fn open_with(path: &Path, options: OpenOptions) -> Result<Store> {
        let before = Sidecars::look(path);
        let meta = match std::fs::metadata(path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::NoDatabase {
                    path: path.to_owned(),
                });
            }
            Err(source) => {
                return Err(Error::Io {
                    path: path.to_owned(),
                    source,
                });
            }
        };
        if meta.is_dir() {
            return Err(not_labstock(path, Foreign::Directory));
        }
        inspect_file(path, &before)?;
        let read_only = meta.permissions().readonly();
        let conn = connect(path, read_only, &before)?;
        let mut store = Store {
            engine: Engine::Sqlite(conn),
            path: path.to_owned(),
            read_only,
            busy_timeout: options.busy_timeout,
        };
        match store.identify_and_configure() {
            Ok(()) => Ok(store),
            Err(e) => {
                drop(store);
                if matches!(
                    e,
                    Error::NotLabstock { .. } | Error::TooNew { .. } | Error::Corrupt { .. }
                ) {
                    before.remove_created(path);
                }
                Err(e)
            }
        }
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
        let conn = connect(&self.path, self.read_only, &Sidecars::default())?;
        let mut store = Store {
            engine: Engine::Sqlite(conn),
            path: self.path.clone(),
            read_only: self.read_only,
            busy_timeout: self.busy_timeout,
        };
        store.configure()?;
        Ok(store)
    }

    /// Create a new database at `path` with the schema and seed data
    /// (location MAIN, the List of Waste streams), in one transaction.
    pub fn init(path: &Path, now: &str, user: &str) -> Result<Store> {
        Store::init_with(
            path,
            now,
            user,
            OpenOptions::default(),
            crate::clock::Zone::UTC,
        )
    }

    /// [`Store::init`] with open options (the busy timeout) and the lab's
    /// time zone (recorded as the first setting).
    pub fn init_with(
        path: &Path,
        now: &str,
        user: &str,
        options: OpenOptions,
        zone: crate::clock::Zone,
    ) -> Result<Store> {
        Store::build(path, options, |tx| {
            seed::seed(tx, now, user)?;
            crate::settings::set(tx, crate::settings::TIMEZONE, zone.name(), now, user)?;
            Ok(())
        })
    }

    /// A new database at `path` with the schema and no rows at all, not
    /// even `init`'s (the target `labstock copy` fills).
    pub fn create(path: &Path, options: OpenOptions) -> Result<Store> {
        Store::build(path, options, |_| Ok(()))
    }

    /// The schema, every migration and then `fill`, in one transaction.
    fn build(
        path: &Path,
        options: OpenOptions,
        fill: impl FnOnce(&Transaction<'_>) -> Result<()>,
    ) -> Result<Store> {
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
            engine: Engine::Sqlite(conn),
            path: path.to_owned(),
            read_only: false,
            busy_timeout: options.busy_timeout,
        };
        store.configure()?;
        let tx = store.write()?;
        tx.execute_batch(SCHEMA)?;
        // A new database is built the way an old one is upgraded: the base
        // schema, then every migration in order, so the two never differ.
        for migration in migrations::MIGRATIONS {
            (migration.run)(&tx)?;
        }
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        fill(&tx)?;
        tx.commit()?;
        Ok(store)
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

    /// Raw connection, for the integrity checks that must look beneath
    /// the domain API. Not public: nothing outside the library may reach
    /// SQL through the store.
    pub(crate) fn connection(&self) -> Result<&Connection> {
        self.sqlite()
    }

    /// The SQLite connection, or [`Error::NotOnPostgres`] on PostgreSQL:
    /// what the code not yet ported to the storage seam (issue 15) reaches
    /// storage through.
    pub(crate) fn sqlite(&self) -> Result<&Connection> {
        match &self.engine {
            Engine::Sqlite(conn) => Ok(conn),
            Engine::Postgres(pg) => Err(Error::NotOnPostgres {
                command: String::new(),
                database: pg.borrow().url().to_string(),
            }),
        }
    }

    pub(crate) fn sqlite_mut(&mut self) -> Result<&mut Connection> {
        match &mut self.engine {
            Engine::Sqlite(conn) => Ok(conn),
            Engine::Postgres(pg) => Err(Error::NotOnPostgres {
                command: String::new(),
                database: pg.borrow().url().to_string(),
            }),
        }
    }

    /// The PostgreSQL database this store is on, if it is.
    pub(crate) fn postgres_url(&self) -> Option<crate::store::postgres::Url> {
        match &self.engine {
            Engine::Sqlite(_) => None,
            Engine::Postgres(pg) => Some(pg.borrow().url().clone()),
        }
    }

    /// The PostgreSQL engine underneath, for its own consistency checks
    /// (`check`); `None` on SQLite.
    pub(crate) fn postgres_engine(
        &self,
    ) -> Option<std::cell::RefMut<'_, crate::store::postgres::PgStore>> {
        match &self.engine {
            Engine::Sqlite(_) => None,
            Engine::Postgres(pg) => Some(pg.borrow_mut()),
        }
    }

    /// Which engine the database is on.
    pub fn engine_kind(&self) -> crate::store::EngineKind {
        match self.engine {
            Engine::Sqlite(_) => crate::store::EngineKind::Sqlite,
            Engine::Postgres(_) => crate::store::EngineKind::Postgres,
        }
    }

    /// The connection settings a recorded movement's durability rests on
    /// (SPEC §2): foreign keys enforced, the WAL journal, synchronous FULL.
    pub fn durability(&self) -> Result<Durability> {
        let conn = self.sqlite()?;
        let foreign_keys: bool = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
        let journal_mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        let synchronous: i64 = conn.query_row("PRAGMA synchronous", [], |r| r.get(0))?;
        let synchronous = match synchronous {
            0 => "off",
            1 => "normal",
            2 => "full",
            _ => "extra",
        };
        Ok(Durability {
            foreign_keys,
            journal_mode,
            synchronous: synchronous.to_owned(),
        })
    }

    /// Bound this connection's page cache to `kib` KiB (SQLite's
    /// `cache_size`; a long-running server keeps several connections).
    pub fn limit_page_cache(&self, kib: i64) -> Result<()> {
        // PostgreSQL's buffers are the server's, not this process's.
        if let Engine::Sqlite(conn) = &self.engine {
            conn.pragma_update(None, "cache_size", -kib.abs())?;
        }
        Ok(())
    }

    /// Pass the text of every statement this store runs to `sink` (or stop,
    /// with `None`): for diagnosing a slow command, and for the plan tests
    /// that prove every statement an import runs searches by an index.
    /// The sink is process-wide (SQLite calls a plain function), so one
    /// traced store at a time.
    pub fn trace_statements(&mut self, sink: Option<fn(&str)>) {
        if let Engine::Sqlite(conn) = &mut self.engine {
            trace::set(conn, sink);
        }
    }

    /// Close the connection, reporting what SQLite reports (dropping a
    /// `Store` closes it too, silently). The last connection to close
    /// checkpoints the WAL into the file and removes `-wal` and `-shm`.
    pub fn close(self) -> Result<()> {
        let path = self.path;
        match self.engine {
            Engine::Sqlite(conn) => conn.close().map_err(|(_, e)| classify_open_error(&path, e)),
            Engine::Postgres(_) => Ok(()),
        }
    }

    /// Run `work` in one write transaction on either engine, committed
    /// when it returns `Ok` (SQLite: IMMEDIATE, holding the write lock
    /// from the start; PostgreSQL: READ COMMITTED with the row and
    /// advisory locks of src/store/mod.rs, run again after a deadlock or
    /// serialization failure a bounded number of times).
    pub(crate) fn transact<T>(
        &mut self,
        mut work: impl FnMut(crate::store::Conn<'_>) -> Result<T>,
    ) -> Result<T> {
        match &mut self.engine {
            Engine::Sqlite(_) => {
                let tx = self.write()?;
                let out = work(crate::store::sqlite::conn(&tx))?;
                tx.commit()?;
                Ok(out)
            }
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
        work: impl FnOnce(crate::store::Conn<'_>) -> Result<T>,
    ) -> Result<T> {
        match &mut self.engine {
            Engine::Sqlite(_) => {
                let tx = self.write()?;
                let out = work(crate::store::sqlite::conn(&tx))?;
                tx.commit()?;
                Ok(out)
            }
            Engine::Postgres(pg) => pg.get_mut().transact_once(work),
        }
    }

    /// Run `work` with SQLite's page cache at `kib` KiB, then put it back
    /// as it was (a bulk load's cache: see `import`). PostgreSQL's buffers
    /// are the server's: nothing to do there.
    pub(crate) fn with_page_cache<T>(
        &mut self,
        kib: i64,
        work: impl FnOnce(&mut Store) -> Result<T>,
    ) -> Result<T> {
        let Engine::Sqlite(conn) = &self.engine else {
            return work(self);
        };
        let before: i64 = conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
        conn.pragma_update(None, "cache_size", -kib.abs())?;
        let out = work(self);
        self.sqlite()?.pragma_update(None, "cache_size", before)?;
        out
    }

    /// Run `work` on one consistent snapshot, reading only (SQLite: a
    /// deferred read transaction; PostgreSQL: REPEATABLE READ, read only).
    pub(crate) fn read<T>(
        &self,
        work: impl FnOnce(crate::store::Conn<'_>) -> Result<T>,
    ) -> Result<T> {
        match &self.engine {
            Engine::Sqlite(conn) => {
                let tx = conn.unchecked_transaction()?;
                let out = work(crate::store::sqlite::conn(&tx))?;
                tx.finish()?;
                Ok(out)
            }
            Engine::Postgres(pg) => pg.borrow_mut().read(work),
        }
    }

    /// [`Store::read`] for a single statement, which sees one snapshot by
    /// itself: on SQLite it runs without BEGIN and COMMIT (two statements
    /// fewer to prepare in every process that reads the lab's zone).
    pub(crate) fn read_one<T>(
        &self,
        work: impl FnOnce(crate::store::Conn<'_>) -> Result<T>,
    ) -> Result<T> {
        match &self.engine {
            Engine::Sqlite(conn) => work(crate::store::sqlite::conn(conn)),
            Engine::Postgres(pg) => pg.borrow_mut().read(work),
        }
    }

    /// Open a labstock database on PostgreSQL (SPEC §12).
    pub fn open_postgres(url: &crate::store::postgres::Url, options: OpenOptions) -> Result<Store> {
        let pg =
            crate::store::postgres::PgStore::open(&url.with_lock_timeout(options.busy_timeout))?;
        Ok(Store {
            engine: Engine::Postgres(std::cell::RefCell::new(pg)),
            path: PathBuf::from(url.to_string()),
            read_only: false,
            busy_timeout: options.busy_timeout,
        })
    }

    /// Open a database named by `--db`: a SQLite file, or a `postgres://`
    /// URL.
    pub fn open_any(db: &Path, options: OpenOptions) -> Result<Store> {
        match crate::store::Db::from_arg(db)? {
            crate::store::Db::Sqlite(path) => Store::open_with(&path, options),
            crate::store::Db::Postgres(url) => Store::open_postgres(&url, options),
        }
    }

    /// Begin the one IMMEDIATE transaction of a write command. Taking the
    /// write lock up front means a command either gets it (waiting up to
    /// the busy timeout for another writer) or fails before it has read or
    /// written anything, with exit 75; it can never fail half-way because
    /// another process wrote in between.
    pub(crate) fn write(&mut self) -> Result<Transaction<'_>> {
        if self.read_only {
            return Err(Error::ReadOnly {
                path: Some(self.path.clone()),
            });
        }
        let (path, waited) = (self.path.clone(), self.busy_timeout);
        self.sqlite_mut()?
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| Error::from(e).in_database(&path, waited))
    }

    /// Identify the file through SQLite (authoritative even when changes
    /// wait in the WAL), then configure the connection, then migrate.
    /// Nothing before `configure` writes.
    fn identify_and_configure(&mut self) -> Result<()> {
        let conn = self.sqlite()?;
        conn.busy_timeout(self.busy_timeout)?;
        let read = |sql: &str| -> Result<i64> {
            conn.query_row(sql, [], |r| r.get(0))
                .map_err(|e| classify_open_error(&self.path, e))
        };
        let app_id = read("PRAGMA application_id")?;
        let version = read("PRAGMA user_version")?;
        identity(&self.path, app_id, version)?;
        // Reading the schema proves the first pages readable before any
        // command relies on them: SQLite reads the whole of `sqlite_master`
        // when a statement first needs the schema, as this one does. A
        // version-1 file without the newest table of version 1
        // (`order_events`) was made by a pre-release build, before the hash
        // chains: refuse it by name rather than fail later on a missing
        // table. (`table_info` looks the table up in the schema SQLite has
        // just read, instead of scanning `sqlite_master` a second time.)
        let current = conn
            .prepare("PRAGMA table_info(order_events)")
            .and_then(|mut columns| columns.exists([]))
            .map_err(|e| classify_open_error(&self.path, e))?;
        if !current {
            return Err(not_labstock(&self.path, Foreign::PreRelease));
        }
        self.configure()?;
        if version < SCHEMA_VERSION {
            self.migrate(version)?;
        }
        Ok(())
    }

    /// The PRAGMAs of every connection. WAL lets readers and one writer
    /// work at once and commits with one append; synchronous FULL syncs
    /// the WAL on every commit, so a movement reported as recorded survives
    /// a power cut, not only a crash of the process. cell_size_check makes
    /// SQLite verify each b-tree cell it reads, so a damaged page is
    /// reported as damage instead of read as wrong or missing rows (a few
    /// per cent on a full scan).
    fn configure(&mut self) -> Result<()> {
        let conn = self.sqlite()?;
        crate::store::sqlite::register_nocase(conn)?;
        conn.busy_timeout(self.busy_timeout)?;
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.pragma_update(None, "cell_size_check", true)?;
        if self.read_only {
            return Ok(());
        }
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(|e| classify_open_error(&self.path, e))?;
        let _ = mode; // an in-memory file may refuse WAL; it still works
        conn.pragma_update(None, "synchronous", "FULL")?;
        // SQLite may still have opened the file read-only (a read-only
        // file system or directory, another owner's file).
        self.read_only = conn.is_readonly(rusqlite::MAIN_DB)?;
        Ok(())
    }

    fn migrate(&mut self, from: i64) -> Result<()> {
        let tx = self.write()?;
        for (i, migration) in migrations::MIGRATIONS
            .iter()
            .enumerate()
            .skip((from - 1) as usize)
        {
            (migration.run)(&tx)?;
            tx.pragma_update(None, "user_version", i as i64 + 2)?;
        }
        tx.commit()?;
        Ok(())
    }
}

/// Whether `application_id` and `user_version` make a labstock database
/// this binary can open.
fn identity(path: &Path, application_id: i64, version: i64) -> Result<()> {
    if application_id != APPLICATION_ID {
        let found = if application_id == 0 {
            Foreign::PlainSqlite
        } else {
            Foreign::OtherApplication { application_id }
        };
        return Err(not_labstock(path, found));
    }
    if version < 1 {
        return Err(not_labstock(path, Foreign::PlainSqlite));
    }
    if version > SCHEMA_VERSION {
        return Err(Error::TooNew {
            path: path.to_owned(),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(())
}

fn not_labstock(path: &Path, found: Foreign) -> Error {
    Error::NotLabstock {
        path: path.to_owned(),
        found,
    }
}

/// The fields of the 100-byte SQLite database header labstock reads
/// before letting SQLite near a file (https://sqlite.org/fileformat.html).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Header {
    page_size: u64,
    /// The in-header database size in pages; 0 when not valid.
    pages: u64,
    user_version: i64,
    application_id: i64,
}

impl Header {
    const MAGIC: &'static [u8; 16] = b"SQLite format 3\0";

    /// `None` when the bytes are not an SQLite header.
    fn parse(bytes: &[u8]) -> Option<Header> {
        if bytes.len() < 100 || &bytes[..16] != Self::MAGIC {
            return None;
        }
        let u16_at = |i: usize| u64::from(u16::from_be_bytes([bytes[i], bytes[i + 1]]));
        let u32_at =
            |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
        let page_size = match u16_at(16) {
            1 => 65_536,
            n if n >= 512 && n.is_power_of_two() => n,
            _ => return None,
        };
        // The size is trusted only when the change counter matches the
        // version-valid-for number (as SQLite itself does).
        let pages = if u32_at(24) == u32_at(92) {
            u64::from(u32_at(28))
        } else {
            0
        };
        Some(Header {
            page_size,
            pages,
            user_version: i64::from(u32_at(60) as i32),
            application_id: i64::from(u32_at(68) as i32),
        })
    }
}

/// Look at the file's bytes before SQLite opens it: empty, not SQLite,
/// truncated, or (when no journal holds newer changes, so the header is
/// current) another application's or a newer labstock's database. These
/// files are refused without SQLite ever opening them, so nothing is
/// written to them.
fn inspect_file(path: &Path, sidecars: &Sidecars) -> Result<()> {
    let (bytes, len) = read_head(path)?;
    if len == 0 && !sidecars.holds_changes() {
        return Err(not_labstock(path, Foreign::Empty));
    }
    if len == 0 {
        // Everything may still be in the WAL beside it.
        return Ok(());
    }
    let Some(header) = Header::parse(&bytes) else {
        return Err(not_labstock(path, Foreign::NotSqlite));
    };
    if sidecars.holds_changes() {
        // The header in the file may be older than the WAL or journal
        // beside it; SQLite reads both, so let it judge.
        return Ok(());
    }
    identity(path, header.application_id, header.user_version)?;
    let expected = header.pages * header.page_size;
    if expected > len {
        // A checkpoint of another process could in principle be extending
        // the file between our two reads; look once more before refusing.
        std::thread::sleep(Duration::from_millis(20));
        let (again, len_again) = read_head(path)?;
        let expected_again = Header::parse(&again).map_or(expected, |h| h.pages * h.page_size);
        if expected_again > len_again && !Sidecars::look(path).holds_changes() {
            return Err(Error::Corrupt {
                path: Some(path.to_owned()),
                damage: Damage::Truncated {
                    expected: expected_again,
                    actual: len_again,
                },
            });
        }
    }
    Ok(())
}

/// The first 100 bytes of a file and its length.
fn read_head(path: &Path) -> Result<(Vec<u8>, u64)> {
    let io = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    let mut bytes = Vec::with_capacity(100);
    file.take(100).read_to_end(&mut bytes).map_err(io)?;
    Ok((bytes, len))
}

/// Open the connection. A file whose permissions forbid writing is opened
/// read-only; when no WAL or journal lies beside it, as immutable, so
/// reading it creates no `-wal`/`-shm` files.
fn connect(path: &Path, read_only: bool, sidecars: &Sidecars) -> Result<Connection> {
    let opened = if !read_only {
        Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
    } else if let Some(uri) = sidecars.none().then(|| immutable_uri(path)).flatten() {
        Connection::open_with_flags(
            uri,
            OpenFlags::SQLITE_OPEN_READ_ONLY
                | OpenFlags::SQLITE_OPEN_URI
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
    } else {
        Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
    };
    opened.map_err(|e| classify_open_error(path, e))
}

/// `file:` URI opening `path` immutable and read-only, percent-encoded;
/// `None` for a path that is not UTF-8 (it is then opened plainly).
fn immutable_uri(path: &Path) -> Option<String> {
    let absolute = std::fs::canonicalize(path).ok()?;
    let text = absolute.to_str()?;
    let mut uri = String::from("file:");
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri.push_str("?mode=ro&immutable=1");
    Some(uri)
}

/// Which of SQLite's side files exist beside a database, and their sizes.
#[derive(Debug, Clone, Copy, Default)]
struct Sidecars {
    wal: Option<u64>,
    shm: Option<u64>,
    journal: Option<u64>,
}

impl Sidecars {
    const SUFFIXES: [&'static str; 3] = ["-wal", "-shm", "-journal"];

    fn look(path: &Path) -> Sidecars {
        let size = |suffix| {
            std::fs::metadata(sidecar(path, suffix))
                .ok()
                .map(|m| m.len())
        };
        Sidecars {
            wal: size("-wal"),
            shm: size("-shm"),
            journal: size("-journal"),
        }
    }

    fn none(&self) -> bool {
        self.wal.is_none() && self.shm.is_none() && self.journal.is_none()
    }

    /// Whether a WAL or rollback journal may hold changes the main file
    /// does not show yet.
    fn holds_changes(&self) -> bool {
        self.wal.unwrap_or(0) > 0 || self.journal.unwrap_or(0) > 0
    }

    /// After refusing a file: remove side files that opening it created,
    /// and only those that cannot hold anyone's data (an empty WAL or
    /// journal, and a `-shm` index when no WAL with content is beside it).
    fn remove_created(&self, path: &Path) {
        let now = Sidecars::look(path);
        let existed = [self.wal, self.shm, self.journal];
        let current = [now.wal, now.shm, now.journal];
        for ((suffix, was), is) in Self::SUFFIXES.iter().zip(existed).zip(current) {
            let removable = match *suffix {
                "-shm" => !now.holds_changes(),
                _ => is == Some(0),
            };
            if was.is_none() && is.is_some() && removable {
                let _ = std::fs::remove_file(sidecar(path, suffix));
            }
        }
    }
}

/// `path` with a suffix appended to its file name (`lab.db` → `lab.db-wal`).
pub(crate) fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn classify_open_error(path: &Path, e: rusqlite::Error) -> Error {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt) => {
            Error::Corrupt {
                path: Some(path.to_owned()),
                damage: Damage::Malformed {
                    detail: e.to_string(),
                },
            }
        }
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

    #[test]
    fn header_is_read_as_sqlite_writes_it() {
        let mut b = vec![0u8; 100];
        b[..16].copy_from_slice(Header::MAGIC);
        b[16..18].copy_from_slice(&4096u16.to_be_bytes());
        b[24..28].copy_from_slice(&7u32.to_be_bytes());
        b[28..32].copy_from_slice(&10u32.to_be_bytes());
        b[60..64].copy_from_slice(&2u32.to_be_bytes());
        b[68..72].copy_from_slice(&0x4C42_5354u32.to_be_bytes());
        b[92..96].copy_from_slice(&7u32.to_be_bytes());
        let h = Header::parse(&b).unwrap();
        assert_eq!(
            h,
            Header {
                page_size: 4096,
                pages: 10,
                user_version: 2,
                application_id: APPLICATION_ID
            }
        );
        // A stale size (change counter moved on) is not trusted.
        b[92..96].copy_from_slice(&6u32.to_be_bytes());
        assert_eq!(Header::parse(&b).unwrap().pages, 0);
        assert_eq!(Header::parse(&b[..99]), None);
        b[0] = b'X';
        assert_eq!(Header::parse(&b), None);
    }

    #[test]
    fn identity_names_what_was_found() {
        let p = Path::new("x.db");
        assert!(identity(p, APPLICATION_ID, SCHEMA_VERSION).is_ok());
        assert!(matches!(
            identity(p, 0, 0),
            Err(Error::NotLabstock {
                found: Foreign::PlainSqlite,
                ..
            })
        ));
        assert!(matches!(
            identity(p, 42, 1),
            Err(Error::NotLabstock {
                found: Foreign::OtherApplication { application_id: 42 },
                ..
            })
        ));
        assert!(matches!(
            identity(p, APPLICATION_ID, SCHEMA_VERSION + 1),
            Err(Error::TooNew { .. })
        ));
    }

    #[test]
    fn immutable_uri_escapes_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a b?#%.db");
        std::fs::write(&path, b"").unwrap();
        let uri = immutable_uri(&path).unwrap();
        assert!(uri.starts_with("file:/"), "{uri}");
        assert!(
            uri.ends_with("a%20b%3F%23%25.db?mode=ro&immutable=1"),
            "{uri}"
        );
    }
}
