//! The storage seam (issue 15, SPEC §12): which engine a `--db` names, the
//! connection the rules reach storage through on either engine, each
//! engine's implementation, and `copy` between engines.
//!
//! * [`Conn`] ([`conn`]) is a connection inside a transaction, on either
//!   engine: `query_opt`, `query_one`, `query_all`, `for_each`, `execute`,
//!   with parameters as `args![…]` ([`ToCell`]) and columns read with
//!   `row.get::<T>(i)` ([`FromCell`]). No engine type crosses it.
//! * Each statement is a [`Sql`] constant in [`sql`], one file per area:
//!   the text both engines run, or one per engine side by side where the
//!   dialects differ ([`Sql::each`]). Placeholders are `?N`.
//! * [`sqlite`] and [`postgres`] implement the engine underneath
//!   (`conn::Engine`): statements prepared once per connection, a chain's
//!   append lock, its INSERT.
//! * [`Store`] ([`front`]) holds either engine. `Store::transact` runs a
//!   write (SQLite: IMMEDIATE; PostgreSQL: READ COMMITTED with the locks
//!   below, retried); `Store::read` a consistent snapshot. Opening,
//!   creating and migrating a SQLite file is SQLite's side of it
//!   (`sqlite/open.rs`, `sqlite/store.rs`).
//!
//! **Porting an area** (how every area was moved onto the seam; no module
//! outside `src/store/` names rusqlite now, nor does `postgres/`):
//! move its statements into `sql/<area>.rs` as `Sql` constants (quote
//! identifiers PostgreSQL reserves, e.g. `"user"`; `COALESCE`, not
//! `IFNULL`; `CAST(?N AS BIGINT) IS NULL` where a parameter is only tested
//! for NULL; a collation in ORDER BY per engine: SQLite `COLLATE BINARY` /
//! `NOCASE`, PostgreSQL `COLLATE "C"` / `labstock_nocase`); take
//! `conn: Conn<'_>` (or `impl Into<Conn<'c>>` where unported callers still
//! pass a rusqlite connection); write chained rows with
//! `chain::append_cells`; make the `impl Store` methods use
//! `self.transact`/`self.read`; add the command to the list in
//! `cli::on_postgres`; test it on both engines (tests/cli/postgres.rs).
//! Code that calls a part not yet ported reaches it with `conn.sqlite()?`,
//! which on PostgreSQL refuses with [`crate::Error::NotOnPostgres`].
//!
//! Ported so far: the ledger (every movement, `reverse`, `stock` as of any
//! date), the catalogue lookups, lot creation and statuses as of a date,
//! settings; the catalogue (items and their chained changes, locations),
//! sites, the bin card, lot statuses and `lot list`, `item find` and
//! `lot find`; orders, the reorder list and per-location levels, reagent
//! acceptance and stocktakes; accounts, labels, safety data sheets, the
//! exports and `backup`; the hazardous-waste register (streams, records
//! and corrections, containers, consignments, its reports, and the record
//! `dispose` writes); made-up solutions (`prepare`, recipes), recalls and
//! `trace`; storage temperatures (readings, excursions and their kept
//! lots, decisions, monitoring ranges, both reports); the equipment
//! register and its calibration (`equipment …`, `calibrate`, `report
//! calibration-due`); `check` (the same proofs on both engines, then each
//! engine's own checks: `sqlite/check.rs`, `postgres/check.rs`) and
//! `audit`. Every other command refuses a PostgreSQL database with
//! [`crate::Error::NotOnPostgres`] before it reads or writes anything.
//!
//! # Concurrency on PostgreSQL
//!
//! SQLite has one writer: an IMMEDIATE transaction holds the database's
//! write lock from its first statement, so `chain::append` may take "last
//! id + 1" and `apply` may read a balance, check it and write it back.
//! Under PostgreSQL's READ COMMITTED, two sessions doing that at once
//! would both read the same last row (two rows with one id, or two rows
//! chained to one predecessor: a forked chain) and both read the same
//! balance (a lost update, or an overdraft two issues together allow).
//!
//! * A chain is appended under `pg_advisory_xact_lock(CHAIN_LOCK, n)`,
//!   `n` the table's place in `chain::TABLES`
//!   ([`postgres::chain_append`]): appenders of one chain queue for the
//!   lock, which is held to commit or rollback, so each reads the row the
//!   previous one committed. Appenders of different chains never wait for
//!   each other. The primary key on `id` remains the backstop: a writer
//!   that forgot the lock fails with a duplicate key, never forks the
//!   chain silently. (The BEFORE INSERT rules that read earlier rows of
//!   their own table, a lot's second opening and its acceptance order, run
//!   under the same lock, so they too see every committed row.)
//! * A balance is read with `SELECT … FOR UPDATE`
//!   ([`postgres::balance_for_update`]), creating the row at 0 first (`ON
//!   CONFLICT DO NOTHING`) so that two writers of a new balance also meet
//!   on one row lock. The check "never below zero" then runs on a value
//!   no one else can change before commit. Locks are taken in a fixed
//!   order (lot id, then location id) so a transfer and its reverse cannot
//!   deadlock; a deadlock or serialization failure the server still
//!   reports is retried a bounded number of times
//!   ([`postgres::with_retries`]) and then reported as busy (exit 75,
//!   HTTP 503), never shown while a retry may still succeed.
//!
//! READ COMMITTED with these explicit locks was chosen over SERIALIZABLE:
//! the conflicts are known in advance (one chain head, a few balance
//! rows), so explicit locks make writers wait briefly instead of failing
//! and retrying whole transactions, and reports keep reading without
//! predicate locks.

pub mod conn;
pub mod copy;
pub mod front;
pub mod postgres;
pub mod sql;
pub mod sqlite;

pub(crate) use conn::id_list;
pub use conn::{Cell, Conn, EngineKind, FromCell, Row, Sql, ToCell};
pub(crate) use front::closest;
pub use front::{DEFAULT_BUSY_TIMEOUT, MAX_BUSY_TIMEOUT, OpenOptions, Store, parse_busy_timeout};
/// The PostgreSQL engine's database, by URL, and its open store.
pub use postgres::{PgStore, Url as PostgresUrl};
pub(crate) use sqlite::open::sidecar;
pub use sqlite::open::{APPLICATION_ID, SCHEMA, SCHEMA_VERSION};
pub use sqlite::seed;
pub use sqlite::store::Durability;

use std::path::{Path, PathBuf};

/// The database a `--db` / `LABSTOCK_DB` value names (SPEC §12).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Db {
    /// A SQLite file, the embedded default.
    Sqlite(PathBuf),
    /// A PostgreSQL database, by its `postgres://` or `postgresql://` URL.
    Postgres(postgres::Url),
}

impl Db {
    /// `postgres://…` or `postgresql://…` (scheme in any case) is
    /// PostgreSQL; anything else is a SQLite file.
    pub fn from_arg(db: &Path) -> crate::Result<Db> {
        match db.to_str() {
            Some(text) if postgres::is_url(text) => Ok(Db::Postgres(postgres::Url::parse(text)?)),
            _ => Ok(Db::Sqlite(db.to_owned())),
        }
    }

    /// How the database is named to people: a path, or a URL without its
    /// password.
    pub fn display(&self) -> String {
        match self {
            Db::Sqlite(path) => path.display().to_string(),
            Db::Postgres(url) => url.to_string(),
        }
    }
}
