//! An import's bulk load on PostgreSQL (issue 15: "import ≥ 50,000
//! rows/s, COPY-based"). Every row is still checked and computed in Rust
//! by the ledger's own code, one row after another, as on SQLite: the
//! kind's rules, balances never negative at any point, the hash chain.
//! What changes is only when the writes reach the server. With
//! [`Conn::bulk_load`](crate::store::Conn::bulk_load) the transaction's
//! ledger writes are held back here:
//!
//! * ledger rows (their ids and hashes already computed under the
//!   movements chain's advisory lock, held to the end of the transaction)
//!   are streamed with one `COPY movements … FROM STDIN`;
//! * balance changes keep only each balance's latest quantity, and are
//!   sent as one set-based INSERT and one set-based UPDATE (not when only
//!   the number of ledger rows held sends them: [`Then::Size`]);
//! * the kept excursion lots a movement reaches back into are dropped
//!   once per location, from the earliest time any movement reached;
//! * new lots (ids taken from the identity's sequence a block at a time)
//!   and their creation records go by COPY before the rows that name them;
//! * into an empty ledger, a large file is loaded without the secondary
//!   indexes and foreign keys of the tables it fills, made again in bulk
//!   before anything reads those tables ([`Unindexed`]).
//!
//! They are sent before any statement that could see them runs
//! ([`sees_held`]: one that names a held table or a table whose foreign
//! key refers to one; `PgConn` sends them first), so every read, a rule's
//! or the server's (constraints, triggers), sees every write before it,
//! exactly as if each had been sent at once; and before the commit.
//! Statements that name none of those tables (an order line, a setting,
//! a chain's lock) run at once. The ledger's exclusive lookups
//! ([`crate::ledger`] `Lookups::exclusive`) read balances without sending
//! them ([`crate::store::Conn::query_all_before_held`]) and add the rows
//! they created themselves, so most of a file is sent in a few large
//! batches. A refused row rolls the whole transaction back, held writes
//! included.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write as _;

use postgres::Transaction;

use super::{Url, quote};
use crate::chain::{self, Chained};
use crate::error::Result;
use crate::store::conn::{Cell, Sql, ToCell};
use crate::store::sql::{imports, ledger, temperature};

/// Rows held back before they are sent even without a reader: bounds
/// the memory of a long file (a few hundred bytes a row).
const MAX_HELD: usize = 200_000;

/// Ledger rows held at the first send from which an import into an
/// empty ledger loads it without its secondary indexes and foreign keys
/// ([`Unindexed`]).
const UNINDEXED_FROM: usize = 10_000;

/// Rows loaded in one transaction from which the planner's statistics
/// are refreshed before the commit (`ANALYZE`; autovacuum may be off or
/// far behind a bulk load).
const ANALYZE_FROM: u64 = 10_000;

/// A balance's latest quantity, and whether its row is new.
#[derive(Clone, Copy)]
enum Change {
    /// A new row (with its item).
    Insert { item_id: i64, quantity: i64 },
    /// A row that exists.
    Update { quantity: i64 },
}

/// Balances as arrays, one per column, for `unnest`.
#[derive(Default)]
struct Columns {
    lots: Vec<i64>,
    locations: Vec<i64>,
    portions: Vec<String>,
    items: Vec<i64>,
    quantities: Vec<i64>,
}

impl Columns {
    fn push(&mut self, lot: i64, location: i64, portion: String, quantity: i64) {
        self.lots.push(lot);
        self.locations.push(location);
        self.portions.push(portion);
        self.quantities.push(quantity);
    }
}

/// Why held writes are sent.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Then {
    /// So many ledger rows or lots are held that they go now; nothing
    /// reads them next. Balances stay held (each balance's latest
    /// quantity, one row each, however often it changes) unless they too
    /// are many.
    Size,
    /// They go now (a statement that does not read the ledger could see
    /// them, or the lookups read balances from the database from now on);
    /// more rows may follow.
    More,
    /// A statement that reads the ledger runs next, or the commit.
    Read,
}

/// Why held writes are sent before `sql` (one that [`sees_held`]): a
/// statement that names the ledger or its balances may read them, and is
/// then run with their indexes in place ([`Unindexed`]).
pub(crate) fn then_for(sql: &str) -> Then {
    // A chain's head is read by the primary key, which stays.
    let head = chain::TABLES.iter().any(|t| t.last_sql() == sql);
    if !head && UNINDEXED_TABLES.iter().any(|t| sql.contains(t)) {
        Then::Read
    } else {
        Then::More
    }
}

/// An initial load's secondary indexes and foreign keys of the ledger.
///
/// Loading an empty ledger, the server would otherwise check each row's
/// foreign keys (three to five lookups a row, over half of the load's
/// time at 2M rows) and insert it into six indexes one at a time, and
/// likewise for each balance. As `pg_restore` does, the secondary
/// indexes and foreign keys of [`UNINDEXED_TABLES`] are dropped before
/// the first rows are sent and made again in bulk (each index by one
/// sort; each key proven by one join over the whole table) before
/// anything reads those tables and before the commit, in the same
/// transaction: a refused row, a failed proof or an interruption rolls
/// the drop back with the rows. Only for an empty ledger and a large file
/// (at least [`UNINDEXED_FROM`] rows held at the first send), because
/// dropping them takes those tables and the tables their keys name
/// (`items`, `lots`, `locations`, `orders`) for this transaction alone
/// until it commits: other sessions' reads of them wait (up to their busy
/// timeout). If those tables cannot be taken within [`UNINDEX_WAIT`]
/// (another session is using them) or the role may not alter them, the
/// load goes on with the indexes in place.
#[derive(Default)]
enum Unindexed {
    /// Not tried yet.
    #[default]
    Untried,
    /// Dropped: the statements that make them again.
    Dropped(Vec<String>),
    /// Not done, or done and made again: rows go in indexed.
    No,
}

/// The tables an initial load fills without their secondary indexes and
/// foreign keys: the ledger, its balances, and the lots it creates with
/// their creation records (their primary keys and unique constraints
/// stay: a balance is updated by its key, a chain's head is read by it).
const UNINDEXED_TABLES: [&str; 4] = ["movements", "balances", "lots", "lot_creations"];

/// How long an initial load waits to take the ledger's tables before it
/// goes on with the indexes in place.
const UNINDEX_WAIT: &str = "1s";

/// The writes held back.
#[derive(Default)]
pub(crate) struct Pending {
    /// Ledger rows in COPY's text format.
    movements: Vec<u8>,
    rows: usize,
    balances: HashMap<(i64, i64, String), Change>,
    /// Per location, the earliest time a movement there reached back to.
    unkeep: HashMap<i64, String>,
    /// New lots (their ids taken from the identity's sequence, a block at
    /// a time) and their creation records, in COPY's text format: sent
    /// before the ledger rows that name them.
    lots: Vec<u8>,
    lot_rows: usize,
    lot_ids: Vec<i64>,
    creations: Vec<u8>,
    creation_rows: usize,
    /// Rows sent so far.
    loaded: u64,
    /// Rows sent when the statistics were last refreshed.
    analyzed: u64,
    /// The ledger's indexes and keys during an initial load.
    unindexed: Unindexed,
}

impl Pending {
    pub(crate) fn is_empty(&self) -> bool {
        self.rows == 0
            && self.balances.is_empty()
            && self.unkeep.is_empty()
            && self.lot_rows == 0
            && self.creation_rows == 0
    }

    /// Hold back a new lot (`INSERT_LOT`'s parameters: item, lot,
    /// expiry, created at, pending) and return the id it will have.
    pub(crate) fn hold_lot(
        &mut self,
        tx: &mut Transaction<'_>,
        url: &Url,
        params: &[&dyn ToCell],
    ) -> Result<i64> {
        if self.lot_ids.is_empty() {
            let rows = tx
                .query(imports::BULK_LOT_IDS, &[&LOT_IDS_AT_ONCE])
                .map_err(|e| url.driver(&e))?;
            // Handed out lowest first.
            self.lot_ids = rows.iter().map(|r| r.get::<_, i64>(0)).rev().collect();
        }
        let id = self.lot_ids.pop().ok_or_else(|| {
            url.error(crate::error::PgProblem::Failed {
                detail: "no lot id reserved".to_owned(),
            })
        })?;
        let out = &mut self.lots;
        put_integer(out, id);
        for v in params {
            out.push(b'\t');
            put(out, &v.to_cell());
        }
        out.push(b'\n');
        self.lot_rows += 1;
        Ok(id)
    }

    /// Whether the ledger's indexes and keys are dropped and must be made
    /// again before anything reads it.
    pub(crate) fn unindexed(&self) -> bool {
        matches!(self.unindexed, Unindexed::Dropped(_))
    }

    /// Make again the indexes and keys an initial load dropped, if it
    /// did ([`Unindexed`]), without sending what is held: for a reader of
    /// those tables that adds the held rows itself
    /// ([`Conn::query_all_before_held`](crate::store::Conn::query_all_before_held)),
    /// and, after sending them, for any other reader and the commit.
    pub(crate) fn restore(&mut self, tx: &mut Transaction<'_>, url: &Url) -> Result<()> {
        if !self.unindexed() {
            return Ok(());
        }
        let Unindexed::Dropped(statements) = std::mem::replace(&mut self.unindexed, Unindexed::No)
        else {
            return Ok(());
        };
        let err = |e: postgres::Error| url.driver(&e);
        // Sorting a large ledger for an index fits in memory with a
        // little more than the default 64 MB (this transaction only).
        tx.batch_execute(imports::BULK_INDEX_MEMORY).map_err(err)?;
        for statement in statements {
            tx.batch_execute(&statement).map_err(err)?;
        }
        Ok(())
    }

    /// Whether so many rows were loaded that the statistics are stale:
    /// some since they were last refreshed, and many in all.
    pub(crate) fn loaded(&self) -> bool {
        self.loaded >= ANALYZE_FROM && self.loaded > self.analyzed
    }

    /// Hold `sql` back if it is one of the ledger's blind writes (its
    /// result unused but for the count returned): `Some(rows changed)`.
    pub(crate) fn hold(&mut self, sql: &Sql, params: &[&dyn ToCell]) -> Result<Option<usize>> {
        let text = sql.postgres();
        let int = |i: usize| match params.get(i).map(|p| p.to_cell()) {
            Some(Cell::Integer(n)) => Some(n),
            _ => None,
        };
        let string = |i: usize| match params.get(i).map(|p| p.to_cell()) {
            Some(Cell::Text(t)) => Some(t.into_owned()),
            _ => None,
        };
        if text == ledger::UPDATE_BALANCE.postgres() {
            let (Some(lot), Some(loc), Some(key), Some(quantity)) =
                (int(0), int(1), string(2), int(3))
            else {
                return Ok(None);
            };
            self.balances
                .entry((lot, loc, key))
                .and_modify(|c| match c {
                    Change::Insert { quantity: q, .. } | Change::Update { quantity: q } => {
                        *q = quantity;
                    }
                })
                .or_insert(Change::Update { quantity });
            return Ok(Some(1));
        }
        if text == ledger::INSERT_BALANCE.postgres() {
            let (Some(lot), Some(loc), Some(key), Some(item_id), Some(quantity)) =
                (int(0), int(1), string(2), int(3), int(4))
            else {
                return Ok(None);
            };
            if self.balances.contains_key(&(lot, loc, key.clone())) {
                // Not a new row after all: let the server say so.
                return Ok(None);
            }
            self.balances
                .insert((lot, loc, key), Change::Insert { item_id, quantity });
            return Ok(Some(1));
        }
        if text == temperature::UNKEEP.postgres() {
            let (Some(loc), Some(at)) = (int(0), string(1)) else {
                return Ok(None);
            };
            self.unkeep
                .entry(loc)
                .and_modify(|earliest| {
                    if at < *earliest {
                        earliest.clone_from(&at);
                    }
                })
                .or_insert(at);
            // How many kept rows go is not known until they are sent; the
            // ledger does not ask.
            return Ok(Some(0));
        }
        Ok(None)
    }

    /// Hold back one ledger row; `false` for a row of another chain.
    pub(crate) fn hold_chained(
        &mut self,
        table: &Chained,
        id: i64,
        values: &[&dyn ToCell],
        hash: &[u8],
    ) -> bool {
        let out = if table.table() == chain::MOVEMENTS.table() {
            self.rows += 1;
            &mut self.movements
        } else if table.table() == chain::LOT_CREATIONS.table() {
            self.creation_rows += 1;
            &mut self.creations
        } else {
            return false;
        };
        put_integer(out, id);
        for v in values {
            out.push(b'\t');
            put(out, &v.to_cell());
        }
        out.push(b'\t');
        put(out, &Cell::Blob(hash.into()));
        out.push(b'\n');
        true
    }

    /// Whether so much is held that it should go now.
    pub(crate) fn full(&self) -> bool {
        self.rows >= MAX_HELD || self.balances.len() >= MAX_HELD || self.lot_rows >= MAX_HELD
    }

    /// Send everything held, in the caller's transaction; before a
    /// statement that reads them or the commit ([`Then::Read`]), the
    /// ledger's indexes and keys are in place when this returns.
    pub(crate) fn flush(&mut self, tx: &mut Transaction<'_>, url: &Url, then: Then) -> Result<()> {
        let err = |e: postgres::Error| url.driver(&e);
        if matches!(self.unindexed, Unindexed::Untried)
            && self.loaded == 0
            && self.rows >= UNINDEXED_FROM
        {
            self.unindexed = unindex(tx, url)?;
        }
        if self.lot_rows > 0 {
            copy_in(tx, url, imports::BULK_LOTS, &self.lots)?;
            self.lot_rows = 0;
            self.lots.clear();
        }
        if self.creation_rows > 0 {
            let columns: Vec<String> = chain::LOT_CREATIONS
                .columns()
                .iter()
                .map(|c| quote(c))
                .collect();
            let sql = format!(
                "COPY {} (id, {}, hash) FROM STDIN",
                quote(chain::LOT_CREATIONS.table()),
                columns.join(", ")
            );
            copy_in(tx, url, &sql, &self.creations)?;
            self.creation_rows = 0;
            self.creations.clear();
        }
        if self.rows > 0 {
            let columns: Vec<String> = chain::MOVEMENTS
                .columns()
                .iter()
                .map(|c| quote(c))
                .collect();
            let mut sink = tx
                .copy_in(&format!(
                    "COPY movements (id, {}, hash) FROM STDIN",
                    columns.join(", ")
                ))
                .map_err(err)?;
            sink.write_all(&self.movements).map_err(|e| {
                url.error(crate::error::PgProblem::Failed {
                    detail: format!("sending ledger rows: {e}"),
                })
            })?;
            sink.finish().map_err(err)?;
            self.loaded += self.rows as u64;
            self.rows = 0;
            self.movements.clear();
        }
        if !self.balances.is_empty() && (then != Then::Size || self.balances.len() >= MAX_HELD) {
            let mut new = Columns::default();
            let mut changed = Columns::default();
            for ((lot, loc, key), change) in self.balances.drain() {
                match change {
                    Change::Insert { item_id, quantity } => {
                        new.push(lot, loc, key, quantity);
                        new.items.push(item_id);
                    }
                    Change::Update { quantity } => changed.push(lot, loc, key, quantity),
                }
            }
            if !new.lots.is_empty() {
                tx.execute(
                    imports::BULK_NEW_BALANCES,
                    &[
                        &new.lots,
                        &new.locations,
                        &new.portions,
                        &new.items,
                        &new.quantities,
                    ],
                )
                .map_err(err)?;
            }
            if !changed.lots.is_empty() {
                tx.execute(
                    imports::BULK_BALANCES,
                    &[
                        &changed.lots,
                        &changed.locations,
                        &changed.portions,
                        &changed.quantities,
                    ],
                )
                .map_err(err)?;
            }
        }
        for (loc, at) in self.unkeep.drain() {
            tx.execute(
                &crate::store::conn::numbered_dollars(temperature::UNKEEP.postgres()),
                &[&loc, &at],
            )
            .map_err(err)?;
        }
        if then == Then::Read {
            self.restore(tx, url)?;
        }
        // During the load too: a ledger that grew from a few rows to tens
        // of thousands inside this transaction would otherwise be planned
        // as the few rows the statistics last saw (a sequential scan per
        // backdated row). Refreshed each time the rows loaded double, so
        // a load of N rows analyses about log2(N / 10,000) times.
        if self.loaded >= ANALYZE_FROM
            && self.loaded >= self.analyzed.saturating_mul(2)
            && !self.unindexed()
        {
            analyze(tx, url)?;
            self.analyzed = self.loaded;
        }
        Ok(())
    }
}

/// Drop the ledger's secondary indexes and foreign keys for an initial
/// load ([`Unindexed`]), if the ledger is empty and its tables can be
/// taken at once; what makes them again, or [`Unindexed::No`].
fn unindex(tx: &mut Transaction<'_>, url: &Url) -> Result<Unindexed> {
    let err = |e: postgres::Error| url.driver(&e);
    let has_rows: bool = tx
        .query_one(imports::BULK_LEDGER_HAS_ROWS, &[])
        .map_err(err)?
        .get(0);
    if has_rows {
        return Ok(Unindexed::No);
    }
    let mut drop = Vec::new();
    let mut restore = Vec::new();
    for table in UNINDEXED_TABLES {
        for row in tx
            .query(imports::BULK_LEDGER_INDEXES, &[&table])
            .map_err(err)?
        {
            let (name, definition): (String, String) = (row.get(0), row.get(1));
            drop.push(format!("DROP INDEX {}", quote(&name)));
            restore.push(definition);
        }
        let keys = tx
            .query(imports::BULK_LEDGER_FOREIGN_KEYS, &[&table])
            .map_err(err)?;
        if !keys.is_empty() {
            let (mut drops, mut adds) = (Vec::new(), Vec::new());
            for row in keys {
                let (name, definition): (String, String) = (row.get(0), row.get(1));
                drops.push(format!("DROP CONSTRAINT {}", quote(&name)));
                adds.push(format!("ADD CONSTRAINT {} {definition}", quote(&name)));
            }
            drop.push(format!("ALTER TABLE {} {}", quote(table), drops.join(", ")));
            // One statement: each key is proven by a join of its own.
            restore.push(format!("ALTER TABLE {} {}", quote(table), adds.join(", ")));
        }
    }
    let waited: String = tx
        .query_one(imports::BULK_LOCK_TIMEOUT, &[])
        .map_err(err)?
        .get(0);
    let mut savepoint = tx.savepoint("labstock_unindex").map_err(err)?;
    let taken = savepoint.batch_execute(&format!(
        "SET LOCAL lock_timeout = '{UNINDEX_WAIT}'; {};",
        drop.join("; ")
    ));
    let outcome = match taken {
        Ok(()) => {
            savepoint.commit().map_err(err)?;
            Unindexed::Dropped(restore)
        }
        // Busy tables or a role that may not alter them: load with the
        // indexes in place, as for a small file.
        Err(_) => {
            savepoint.rollback().map_err(err)?;
            Unindexed::No
        }
    };
    tx.execute(imports::BULK_SET_LOCK_TIMEOUT, &[&waited])
        .map_err(err)?;
    Ok(outcome)
}

/// Lot ids taken from the sequence at once.
const LOT_IDS_AT_ONCE: i64 = 1000;

/// Send `data` (COPY's text format) with `sql` (`COPY … FROM STDIN`).
fn copy_in(tx: &mut Transaction<'_>, url: &Url, sql: &str, data: &[u8]) -> Result<()> {
    let mut sink = tx.copy_in(sql).map_err(|e| url.driver(&e))?;
    sink.write_all(data).map_err(|e| {
        url.error(crate::error::PgProblem::Failed {
            detail: format!("sending held rows: {e}"),
        })
    })?;
    sink.finish().map_err(|e| url.driver(&e))?;
    Ok(())
}

/// The tables whose rows the held writes are (`movements`, `balances`,
/// `excursion_lots`, `lots`, `lot_creations`) or that refer to one of
/// them by a foreign key checked as a row is written (`waste_records`,
/// `batches`, `batch_components`, `lot_events`, `lot_acceptances`,
/// `stocktake_lines`, `stocktake_counts`). No trigger of the schema reads
/// any of them but its own table.
const HELD_OR_REFERRING: [&str; 11] = [
    "movements",
    "balances",
    "excursion_lots",
    "waste_records",
    "batches",
    "batch_components",
    // `lots` (also in `excursion_lots`) and `lot_creations` are held;
    // these refer to lots.
    "lots",
    "lot_creations",
    "lot_events",
    "lot_acceptances",
    "stocktake_",
];

/// Whether a statement could see the writes held back, so that they must
/// be sent before it runs: whether its text names one of the tables they
/// write or that refer to them (a name inside another word counts too,
/// which can only send them sooner than needed). A statement that names
/// none of them, such as creating a lot or reading an order line, neither
/// reads those tables nor makes the server check a reference to them, so
/// it runs at once and the held rows keep growing into one large COPY.
pub(crate) fn sees_held(sql: &str) -> bool {
    HELD_OR_REFERRING.iter().any(|t| sql.contains(t))
}

/// Refresh the statistics of the tables a bulk load grew, in its
/// transaction (ANALYZE counts the transaction's own new rows).
pub(crate) fn analyze(tx: &mut Transaction<'_>, url: &Url) -> Result<()> {
    tx.batch_execute("ANALYZE movements, balances, lots")
        .map_err(|e| url.driver(&e))
}

/// One value in COPY's text format: `\N` for NULL, text with backslash,
/// tab, newline and carriage return escaped, bytes as `\\x` and hex.
fn put(out: &mut Vec<u8>, cell: &Cell<'_>) {
    match cell {
        Cell::Null => out.extend_from_slice(b"\\N"),
        Cell::Integer(i) => put_integer(out, *i),
        Cell::Real(r) => {
            let _ = write!(Text(out), "{r:?}");
        }
        Cell::Text(t) => {
            for b in t.bytes() {
                match b {
                    b'\\' => out.extend_from_slice(b"\\\\"),
                    b'\t' => out.extend_from_slice(b"\\t"),
                    b'\n' => out.extend_from_slice(b"\\n"),
                    b'\r' => out.extend_from_slice(b"\\r"),
                    _ => out.push(b),
                }
            }
        }
        Cell::Blob(b) => {
            out.extend_from_slice(b"\\\\x");
            for byte in b.iter() {
                out.push(HEX[usize::from(byte >> 4)]);
                out.push(HEX[usize::from(byte & 0xf)]);
            }
        }
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// An integer in decimal (what `write!` makes, without its formatting
/// machinery: a ledger row has a dozen of them and a 32-byte hash).
fn put_integer(out: &mut Vec<u8>, n: i64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = n.unsigned_abs();
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if n < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(&digits[at..]);
}

/// `fmt::Write` into a byte buffer.
struct Text<'a>(&'a mut Vec<u8>);

impl std::fmt::Write for Text<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_text_escapes_what_copy_reads_specially() {
        let mut out = Vec::new();
        put(&mut out, &Cell::Text("a\\b\tc\nd\re".into()));
        assert_eq!(out, b"a\\\\b\\tc\\nd\\re");
        out.clear();
        put(&mut out, &Cell::Blob(vec![0u8, 0xab].into()));
        assert_eq!(out, b"\\\\x00ab");
        out.clear();
        put(&mut out, &Cell::Null);
        assert_eq!(out, b"\\N");
        for n in [0, 7, -7, 10, 1_000_000, i64::MAX, i64::MIN] {
            out.clear();
            put(&mut out, &Cell::Integer(n));
            assert_eq!(out, n.to_string().as_bytes());
        }
        out.clear();
        put(
            &mut out,
            &Cell::Blob((0..=255u8).collect::<Vec<_>>().into()),
        );
        let hex = (0..=255u8).fold(String::new(), |mut hex, b| {
            let _ = write!(hex, "{b:02x}");
            hex
        });
        assert_eq!(out, format!("\\\\x{hex}").as_bytes());
    }

    #[test]
    fn what_reads_an_initially_loaded_table_has_its_indexes_made_again_first() {
        use crate::store::sql::ledger;
        // Readers of the tables loaded without indexes: made again first
        // (sending the held rows, or not: `query_before_held`).
        for sql in [
            ledger::LATER_OF_LOT.postgres(),
            ledger::LOTS_AT_LOCATION.postgres(),
            ledger::PORTIONS.postgres(),
            ledger::BALANCE.postgres(),
        ] {
            assert_eq!(then_for(sql), Then::Read, "{sql}");
        }
        // A chain's head is read by its primary key, which stays; what
        // names none of those tables reads none of them.
        for sql in [
            chain::MOVEMENTS.last_sql(),
            chain::LOT_CREATIONS.last_sql(),
            ledger::ORDER_LINE.postgres(),
        ] {
            assert_eq!(then_for(sql), Then::More, "{sql}");
        }
    }

    #[test]
    fn held_rows_are_sent_before_what_could_see_them_and_only_then() {
        use crate::store::sql::ledger;
        // Reads and writes of the held tables, and writes that a foreign
        // key to them checks: the held rows go first.
        for sql in [
            ledger::LATER_OF_LOT.postgres(),
            ledger::BALANCE.postgres(),
            ledger::LOTS_AT_LOCATION.postgres(),
            ledger::LOT_BY_NAME.postgres(),
            chain::MOVEMENTS.insert_sql(),
            chain::LOT_CREATIONS.insert_sql(),
            "INSERT INTO waste_records (id) VALUES (1)",
            "INSERT INTO lot_events (id) VALUES (1)",
            "INSERT INTO lot_acceptances (id) VALUES (1)",
            "INSERT INTO stocktake_counts (id) VALUES (1)",
            "DELETE FROM excursion_lots WHERE location_id = 1",
        ] {
            assert!(sees_held(sql), "{sql}");
        }
        // What touches none of them runs at once.
        for sql in [
            ledger::ORDER_LINE.postgres(),
            ledger::ORDER_RECEIVED.postgres(),
            "SELECT value FROM settings WHERE key = $1 ORDER BY id DESC LIMIT 1",
            "SELECT pg_advisory_xact_lock($1, $2)",
        ] {
            assert!(!sees_held(sql), "{sql}");
        }
    }
}
