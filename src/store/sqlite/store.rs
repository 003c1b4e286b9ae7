//! The SQLite side of [`Store`]: opening an existing file (after `open.rs`
//! has looked at it), creating a new one, the PRAGMAs every connection
//! needs (foreign keys, WAL, synchronous FULL so a recorded movement
//! survives power loss, the busy timeout), migrating an older schema, and
//! the IMMEDIATE transaction of every write. A file whose permissions
//! forbid writing is opened read-only: reading commands work, writes are
//! refused with [`Error::ReadOnly`].

use std::path::Path;

use rusqlite::{Connection, Transaction, TransactionBehavior};

use crate::error::{Error, Foreign, Result};
use crate::store::Conn;
use crate::store::front::{Engine, OpenOptions, Store};
use crate::store::sqlite::open::{
    SCHEMA, SCHEMA_VERSION, Sidecars, classify_open_error, connect, identity, inspect_file,
    not_labstock,
};
use crate::store::sqlite::{conn, migrations, seed, trace};

/// The connection settings of a store ([`Store::durability`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Durability {
    pub foreign_keys: bool,
    pub journal_mode: String,
    pub synchronous: String,
}

impl Store {
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

    /// [`Store::open_again`] on SQLite: a new connection to the same file,
    /// configured, without looking at the file again.
    pub(in crate::store) fn open_sqlite_again(&self) -> Result<Store> {
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

    /// Raw connection, for the integrity checks that must look beneath
    /// the domain API. Not public: nothing outside the storage seam may
    /// reach SQL through the store.
    pub(in crate::store) fn connection(&self) -> Result<&Connection> {
        self.sqlite()
    }

    /// The SQLite connection, or [`Error::NotOnPostgres`] on PostgreSQL:
    /// what the store's SQLite-only work (and code not yet ported to the
    /// seam, issue 15) reaches storage through.
    pub(in crate::store) fn sqlite(&self) -> Result<&Connection> {
        match &self.engine {
            Engine::Sqlite(conn) => Ok(conn),
            Engine::Postgres(pg) => Err(Error::NotOnPostgres {
                command: String::new(),
                database: pg.borrow().url().to_string(),
            }),
        }
    }

    pub(in crate::store) fn sqlite_mut(&mut self) -> Result<&mut Connection> {
        match &mut self.engine {
            Engine::Sqlite(conn) => Ok(conn),
            Engine::Postgres(pg) => Err(Error::NotOnPostgres {
                command: String::new(),
                database: pg.borrow().url().to_string(),
            }),
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

    /// [`Store::transact`] on SQLite: `work` in one IMMEDIATE transaction
    /// ([`Store::write`]), committed when it returns `Ok`.
    pub(in crate::store) fn sqlite_transact<T>(
        &mut self,
        work: impl FnOnce(Conn<'_>) -> Result<T>,
    ) -> Result<T> {
        let tx = self.write()?;
        let out = work(conn(&tx))?;
        tx.commit()?;
        Ok(out)
    }

    /// Begin the one IMMEDIATE transaction of a write command. Taking the
    /// write lock up front means a command either gets it (waiting up to
    /// the busy timeout for another writer) or fails before it has read or
    /// written anything, with exit 75; it can never fail half-way because
    /// another process wrote in between.
    pub(in crate::store) fn write(&mut self) -> Result<Transaction<'_>> {
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

/// [`Store::read`] on SQLite: `work` in a deferred read transaction, one
/// snapshot of the file.
pub(in crate::store) fn read<T>(
    conn: &Connection,
    work: impl FnOnce(Conn<'_>) -> Result<T>,
) -> Result<T> {
    let tx = conn.unchecked_transaction()?;
    let out = work(crate::store::sqlite::conn(&tx))?;
    tx.finish()?;
    Ok(out)
}

/// [`Store::close`] on SQLite: close the connection, reporting what
/// SQLite reports.
pub(in crate::store) fn close(conn: Connection, path: &Path) -> Result<()> {
    conn.close().map_err(|(_, e)| classify_open_error(path, e))
}
