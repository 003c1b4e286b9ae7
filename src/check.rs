//! `labstock check`: prove the maintained balances against the ledger.
//! Balances are a cache; this recomputes every one from the movements and
//! reports every difference, not just the first (STYLE rule 10), each with
//! the command that shows the lot's history. It proves every lot's
//! expiry, status and opening against its creation record and events
//! (`lots::lots_disagreeing`), and recomputes the hash chain of every
//! evidence table (`chain`), so an edit made beneath the triggers is named
//! too.
//!
//! The same proofs run on either engine through the storage seam, with
//! the same wording; then each engine's own checks: SQLite's
//! `integrity_check` and `foreign_key_check` (`store/sqlite/check.rs`),
//! PostgreSQL's amcheck, its triggers and its foreign keys proven row by
//! row (`store/postgres/check.rs`).

use serde::Serialize;

use crate::args;
use crate::chain::{self, Head};
use crate::error::{Error, Refusal, Result};
use crate::ledger::{FastMap, FastSet, Portion, legs, portion_in};
use crate::store::sql::check as sql;
use crate::store::{Cell, Conn, EngineKind};
use crate::store::{OpenOptions, Store};

/// A balance that disagrees with its ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Discrepancy {
    pub item: String,
    pub lot: String,
    pub location: String,
    /// The opened portion (SPEC §15); absent for sealed units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opened_on: Option<chrono::NaiveDate>,
    pub ledger: i64,
    pub balance: i64,
    pub difference: i64,
}

impl Discrepancy {
    /// The sentence a user sees, with the next command to run.
    pub fn describe(&self) -> String {
        let (what, lot_flag) = if self.lot.is_empty() {
            (format!("{} (no lot)", self.item), String::new())
        } else {
            (
                format!("lot {} of {}", self.lot, self.item),
                format!(" --lot {}", self.lot),
            )
        };
        let portion = self
            .opened_on
            .map(|d| format!(" (units opened {d})"))
            .unwrap_or_default();
        format!(
            "{what}{portion} at {}: ledger sums to {}, balance says {} (difference {:+}); run `labstock history {}{lot_flag}`",
            self.location, self.ledger, self.balance, self.difference, self.item
        )
    }
}

/// Everything `check` found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CheckReport {
    pub movements: i64,
    pub balances: i64,
    pub discrepancies: Vec<Discrepancy>,
    /// Other inconsistencies (order receipts, lots, database integrity,
    /// broken hash chains).
    pub problems: Vec<String>,
    /// Evidence rows whose hash was recomputed and found to match.
    pub sealed: i64,
    /// The last row of each hash chain, to write down outside the database.
    pub heads: Vec<Head>,
    /// What could not be checked on this database, and why (e.g.
    /// PostgreSQL without amcheck); said, but not a failure.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl CheckReport {
    pub fn is_clean(&self) -> bool {
        self.discrepancies.is_empty() && self.problems.is_empty()
    }
}

/// SQLite page cache while checking, in KiB: the point lookups of every
/// lot, item and location the ledger names stay in memory instead of being
/// read from the file again and again.
const CHECK_CACHE_KIB: i64 = 32 * 1024;

/// How many ledger rows refer to each id of one parent table.
type RefCounts = FastMap<i64, i64>;

/// What one pass over the ledger gathers: the sum of every (lot,
/// location), and the ids the rows refer to, to prove they exist.
#[derive(Default)]
struct LedgerPass {
    movements: i64,
    sums: FastMap<(i64, i64, Portion), i64>,
    items: RefCounts,
    lots: RefCounts,
    locations: RefCounts,
    orders: RefCounts,
    reversed: RefCounts,
    /// The latest `at` seen so far per lot, in storage order.
    last_at: FastMap<i64, [u8; 20]>,
    /// Lots with a row dated before an earlier-stored row of the lot
    /// (backdated): their running balance is replayed in time order.
    backdated: FastSet<i64>,
    /// The first movement after which a (lot, location) stood below zero,
    /// in storage order (which is time order for lots never backdated).
    dipped: FastMap<(i64, i64, Portion), i64>,
    /// Movements dated after they were recorded: (id, at, recorded_at).
    future: Vec<(i64, String, String)>,
}

/// A stored timestamp as fixed bytes for cheap comparison (stored stamps
/// are 20 bytes, `YYYY-MM-DDTHH:MM:SSZ`; anything else sorts by its first 20).
fn at_key(text: &[u8]) -> [u8; 20] {
    let mut key = [0u8; 20];
    let n = text.len().min(20);
    key[..n].copy_from_slice(&text[..n]);
    key
}

impl LedgerPass {
    /// Read every movement once, in storage order. Summing in a hash map
    /// here replaces SQL that read the ledger twice and sorted it to group
    /// it, which was most of `check`'s time on a large ledger.
    fn read(conn: Conn<'_>) -> Result<LedgerPass> {
        let mut pass = LedgerPass::default();
        conn.for_each(&sql::LEDGER, args![], |r| {
            let (item, lot, at): (i64, i64, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
            let (to, quantity): (Option<i64>, i64) = (r.get(3)?, r.get(4)?);
            let (order, reverses): (Option<i64>, Option<i64>) = (r.get(5)?, r.get(6)?);
            let id: i64 = r.get(9)?;
            let (when, recorded) = (r.cell(7)?, r.cell(8)?);
            let (when, recorded) = (text_bytes(&when), text_bytes(&recorded));
            if when > recorded {
                pass.future.push((
                    id,
                    String::from_utf8_lossy(when).into_owned(),
                    String::from_utf8_lossy(recorded).into_owned(),
                ));
            }
            let key = at_key(when);
            match pass.last_at.get_mut(&lot) {
                Some(last) if key < *last => {
                    pass.backdated.insert(lot);
                }
                Some(last) => *last = key,
                None => {
                    pass.last_at.insert(lot, key);
                }
            }
            pass.movements += 1;
            let opened = portion_in(r, 10)?;
            let to_opened = portion_in(r, 11)?;
            for (place, portion, change) in legs(at, to, opened, to_opened, quantity)
                .into_iter()
                .flatten()
            {
                let sum = pass.sums.entry((lot, place, portion)).or_default();
                *sum += change;
                if *sum < 0 {
                    pass.dipped.entry((lot, place, portion)).or_insert(id);
                }
            }
            *pass.items.entry(item).or_default() += 1;
            *pass.lots.entry(lot).or_default() += 1;
            *pass.locations.entry(at).or_default() += 1;
            if let Some(to) = to {
                *pass.locations.entry(to).or_default() += 1;
            }
            if let Some(order) = order {
                *pass.orders.entry(order).or_default() += 1;
            }
            if let Some(id) = reverses {
                *pass.reversed.entry(id).or_default() += 1;
            }
            Ok(())
        })?;
        Ok(pass)
    }

    /// Ledger rows whose item, lot, location, order or reversed movement
    /// does not exist: what a foreign-key check counts for the ledger,
    /// found from the distinct ids instead of row by row.
    fn dangling(&self, conn: Conn<'_>) -> Result<i64> {
        let mut broken = 0;
        for (exists, refs) in [
            (&sql::ITEM_EXISTS, &self.items),
            (&sql::LOT_EXISTS, &self.lots),
            (&sql::LOCATION_EXISTS, &self.locations),
            (&sql::ORDER_EXISTS, &self.orders),
            (&sql::MOVEMENT_EXISTS, &self.reversed),
        ] {
            for (id, rows) in refs {
                if conn.query_opt(exists, args![id], |_| Ok(()))?.is_none() {
                    broken += rows;
                }
            }
        }
        Ok(broken)
    }
}

/// The bytes of a stored text (empty for anything else).
fn text_bytes<'a>(cell: &'a Cell<'_>) -> &'a [u8] {
    match cell {
        Cell::Text(t) => t.as_bytes(),
        _ => &[],
    }
}

/// What an engine's foreign-key check found: the rows of every table but
/// the ledger that refer to a row that does not exist (the ledger's are
/// counted by `check`'s pass over it), and each named.
#[derive(Debug, Default)]
pub(crate) struct ForeignKeys {
    pub(crate) rows: i64,
    pub(crate) problems: Vec<String>,
}

/// Foreign-key violations named one by one per table; the rest are counted.
pub(crate) const NAMED_VIOLATIONS: usize = 20;

/// A foreign-key violation as `check` names it on either engine: the
/// table, the row's id and its key columns' values (or only the columns,
/// for a row without an id), and the parent table.
pub(crate) fn foreign_key_problem(
    table: &str,
    row: Option<(i64, &[(String, String)])>,
    columns: &[String],
    parent: &str,
) -> String {
    let described = match row {
        Some((id, values)) => format!(
            "{table} row {id} ({})",
            values
                .iter()
                .map(|(c, v)| format!("{c} = {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        // A table without row ids (SQLite's WITHOUT ROWID) has no row
        // number to name.
        None => format!("{table}: a row's {}", columns.join(", ")),
    };
    format!("foreign key: {described} refers to a row of {parent} that does not exist")
}

/// The violations of a table beyond those named.
pub(crate) fn more_foreign_key_rows(table: &str, more: usize) -> String {
    format!("foreign key: {more} more rows of {table} refer to rows that do not exist")
}

/// A stored value in a message.
pub(crate) fn shown_value(v: &Cell<'_>) -> String {
    match v {
        Cell::Null => "NULL".to_owned(),
        Cell::Integer(i) => i.to_string(),
        Cell::Real(f) => f.to_string(),
        Cell::Text(t) => format!("{t:?}"),
        Cell::Blob(b) => format!("<{} bytes>", b.len()),
    }
}

impl Store {
    /// Recompute every balance from the ledger and compare, prove every
    /// hash chain, and run the engine's own full checks (SQLite's
    /// `integrity_check`; PostgreSQL's amcheck with `heapallindexed`).
    pub fn check(&self) -> Result<CheckReport> {
        self.check_with(false)
    }

    /// [`Store::check`], with the engine's quick checks when `quick`
    /// (SQLite's `quick_check`; amcheck without `heapallindexed`).
    pub fn check_with(&self, quick: bool) -> Result<CheckReport> {
        match self.engine_kind() {
            EngineKind::Sqlite => {
                self.with_sqlite_page_cache(CHECK_CACHE_KIB, || self.check_sqlite(quick))
            }
            EngineKind::Postgres => self.check_postgres(quick),
        }
    }

    fn check_sqlite(&self, quick: bool) -> Result<CheckReport> {
        // The hash chains and SQLite's integrity check run on connections
        // of their own, in threads of their own, while this one sums the
        // ledger: each is self-contained, so the passes need not share a
        // snapshot, and on two cores they cost little more than the
        // longest of them.
        std::thread::scope(|scope| {
            let (path, timeout) = (self.path(), self.busy_timeout());
            let chains = scope.spawn(move || verify_chains_apart(path, timeout));
            let integrity = scope.spawn(move || {
                let store = Store::open_with(
                    path,
                    OpenOptions {
                        busy_timeout: timeout,
                    },
                )?;
                store.sqlite_integrity_problems(quick)
            });
            let (mut report, dangling) = self.read(ledger_proofs)?;
            let keys = self.sqlite_foreign_keys(dangling > 0)?;
            report.foreign_keys(dangling, keys);
            report.problems.extend(self.verify_equipment_state()?);
            let stopped = |_| Error::Refused(Refusal::CheckStopped);
            report.problems.extend(integrity.join().map_err(stopped)??);
            report.chains(chains.join().map_err(stopped)??);
            Ok(report)
        })
    }

    /// The same proofs on PostgreSQL, the ledger and the chains on one
    /// snapshot; then PostgreSQL's own checks.
    fn check_postgres(&self, quick: bool) -> Result<CheckReport> {
        let (mut report, dangling, chains) = self.read(|conn| {
            let (report, dangling) = ledger_proofs(conn)?;
            Ok((report, dangling, chain::verify(conn)?))
        })?;
        let (keys, found) = self.postgres_engine_checks(quick, dangling > 0)?;
        report.foreign_keys(dangling, keys);
        report
            .problems
            .extend(self.read(|conn| crate::calibration::equipment_state_disagreeing(conn))?);
        report.problems.extend(found.problems);
        report.notes.extend(found.notes);
        report.chains(chains);
        Ok(report)
    }
}

impl CheckReport {
    /// Every row that refers to a record that does not exist: counted,
    /// then named.
    fn foreign_keys(&mut self, dangling_ledger_rows: i64, keys: ForeignKeys) {
        let broken = dangling_ledger_rows + keys.rows;
        if broken > 0 {
            self.problems
                .push(format!("{broken} rows refer to records that do not exist"));
        }
        self.problems.extend(keys.problems);
    }

    fn chains(&mut self, chains: chain::Verified) {
        self.sealed = chains.rows;
        self.heads = chains.heads;
        self.problems.extend(chains.problems);
    }
}

/// Prove every hash chain on a connection of its own.
fn verify_chains_apart(
    path: &std::path::Path,
    busy_timeout: std::time::Duration,
) -> Result<chain::Verified> {
    // Opened as any Store is (a read-only file stays untouched, with no
    // side files), then only read.
    let store = Store::open_with(path, OpenOptions { busy_timeout })?;
    store.limit_page_cache(CHECK_CACHE_KIB)?;
    store.read(|conn| chain::verify(conn))
}

/// The proofs every engine runs alike, on one snapshot: every balance
/// against the ledger, balances below zero now or at any point in time,
/// movements dated in the future, and every cache against its records
/// (order receipts and ends, lots, excursions, batches, safety data
/// sheets). Returns the report so far and how many ledger rows refer to
/// records that do not exist.
fn ledger_proofs(conn: Conn<'_>) -> Result<(CheckReport, i64)> {
    let mut pass = LedgerPass::read(conn)?;
    let mut report = CheckReport {
        movements: pass.movements,
        ..CheckReport::default()
    };
    // Every balance row against its ledger sum; what is left of the
    // sums has no balance row (balance 0).
    let (balances, differ) = compare_balances(conn, &mut pass)?;
    report.balances = balances;
    report.discrepancies = name_discrepancies(conn, &differ)?;
    report.problems.extend(negative_in_time(conn, &pass)?);
    for (id, at, recorded) in pass.future.iter().take(20) {
        report.problems.push(format!(
            "movement #{id} is dated {at}, after it was recorded ({recorded}): the ledger may not hold movements dated in the future; correct it with `labstock reverse {id} --reason …`"
        ));
    }
    if pass.future.len() > 20 {
        report.problems.push(format!(
            "{} more movements are dated after they were recorded",
            pass.future.len() - 20
        ));
    }
    let dangling = pass.dangling(conn)?;
    side_tables(conn, &mut report)?;
    Ok((report, dangling))
}

/// A difference between a balance and its ledger: lot, location,
/// portion, ledger sum, balance.
type Differ = (i64, i64, Portion, i64, i64);

/// Every balance row against the ledger's sums (taken from `pass`): how
/// many balance rows there are, and each (lot, location, portion) whose
/// sum and balance differ (no balance row counts as 0).
fn compare_balances(conn: Conn<'_>, pass: &mut LedgerPass) -> Result<(i64, Vec<Differ>)> {
    let mut differ: Vec<Differ> = Vec::new();
    let mut balances = 0;
    conn.for_each(&sql::BALANCES, args![], |r| {
        let (lot, at, balance): (i64, i64, i64) = (r.get(0)?, r.get(1)?, r.get(3)?);
        let portion = portion_in(r, 2)?;
        balances += 1;
        let ledger = pass.sums.remove(&(lot, at, portion)).unwrap_or(0);
        if ledger != balance {
            differ.push((lot, at, portion, ledger, balance));
        }
        Ok(())
    })?;
    differ.extend(
        pass.sums
            .drain()
            .filter(|(_, q)| *q != 0)
            .map(|((lot, at, portion), q)| (lot, at, portion, q, 0)),
    );
    Ok((balances, differ))
}

/// Every balance proven against the ledger, on either engine: what
/// `check` does first, and what `copy` proves its PostgreSQL target with.
pub(crate) fn balance_discrepancies(conn: Conn<'_>) -> Result<Vec<Discrepancy>> {
    let mut pass = LedgerPass::read(conn)?;
    let (_, differ) = compare_balances(conn, &mut pass)?;
    name_discrepancies(conn, &differ)
}

/// Balances that stood below zero at some point in time (SPEC §10
/// "Time"), each named by the first movement after which it did. Lots
/// never backdated were followed in storage order by the ledger pass;
/// backdated lots are replayed here in time order through
/// `movements_lot_at`.
fn negative_in_time(conn: Conn<'_>, pass: &LedgerPass) -> Result<Vec<String>> {
    let mut first: Vec<((i64, i64, Portion), i64)> = pass
        .dipped
        .iter()
        .filter(|((lot, _, _), _)| !pass.backdated.contains(lot))
        .map(|(k, id)| (*k, *id))
        .collect();
    for lot in &pass.backdated {
        let mut running: FastMap<(i64, Portion), i64> = FastMap::default();
        let mut seen: FastSet<(i64, Portion)> = FastSet::default();
        conn.for_each(&sql::LOT_IN_TIME, args![lot], |r| {
            let (id, loc, to, q): (i64, i64, Option<i64>, i64) =
                (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
            let opened = portion_in(r, 4)?;
            let to_opened = portion_in(r, 5)?;
            for (place, portion, change) in
                legs(loc, to, opened, to_opened, q).into_iter().flatten()
            {
                let sum = running.entry((place, portion)).or_default();
                *sum += change;
                if *sum < 0 && seen.insert((place, portion)) {
                    first.push(((*lot, place, portion), id));
                }
            }
            Ok(())
        })?;
    }
    first.sort_by_key(|(_, id)| *id);
    let mut problems = Vec::new();
    for ((lot, location, portion), id) in first {
        // A row pointing at a lot or location that is gone is reported by
        // the dangling-reference check; here it is named by its ids.
        let (item, lot_name, loc) = conn
            .query_opt(&sql::LOT_AND_LOCATION, args![lot, location], |r| {
                Ok((
                    r.get::<String>(0)?,
                    r.get::<String>(1)?,
                    r.get::<String>(2)?,
                ))
            })?
            .unwrap_or_else(|| {
                (
                    format!("item of lot id {lot}"),
                    String::new(),
                    format!("location id {location}"),
                )
            });
        let (mut what, flag) = if lot_name.is_empty() {
            (format!("{item} (no lot)"), String::new())
        } else {
            (
                format!("lot {lot_name} of {item}"),
                format!(" --lot {lot_name}"),
            )
        };
        if let Some(d) = portion {
            what.push_str(&format!(" (units opened {d})"));
        }
        problems.push(format!(
            "{what} at {loc} stood below zero in time after movement #{id}: the balance may never be negative at any point; run `labstock history {item}{flag}`"
        ));
    }
    Ok(problems)
}

/// Every other cache proven against its records.
fn side_tables(conn: Conn<'_>, report: &mut CheckReport) -> Result<()> {
    conn.for_each(&sql::NEGATIVE_BALANCES, args![], |r| {
        report.problems.push(format!(
            "negative balance: {} lot {:?} at {} is {}",
            r.get::<String>(0)?,
            r.get::<String>(1)?,
            r.get::<String>(2)?,
            r.get::<i64>(3)?
        ));
        Ok(())
    })?;
    let n: i64 = conn.query_one(&sql::BALANCES_OF_ANOTHER_ITEM, args![], |r| r.get(0))?;
    if n > 0 {
        report.problems.push(format!(
            "{n} balance rows name a different item from their lot"
        ));
    }
    // `orders.received` is a cache of the one definition of what was
    // received on a line (src/orders.rs): proven against it here.
    for (reference, item, stored, ledger) in crate::orders::received_disagreeing(conn)? {
        report.problems.push(format!(
            "order {reference} line {item}: receipts in the ledger sum to {ledger}, the order says {stored} received (difference {:+}); run `labstock order list --all --item {item}`",
            i128::from(ledger) - i128::from(stored)
        ));
    }
    report.problems.extend(order_ends_disagreeing(conn)?);
    report.problems.extend(crate::lots::lots_disagreeing(conn)?);
    report
        .problems
        .extend(crate::temperature::excursions_disagreeing(conn)?);
    report
        .problems
        .extend(crate::temperature::excursion_lots_disagreeing(conn)?);
    report
        .problems
        .extend(crate::prepare::batches_disagreeing(conn)?);
    report
        .problems
        .extend(crate::sds::documents_disagreeing(conn)?);
    Ok(())
}

/// Order lines whose maintained status disagrees with their recorded end
/// (`order_events`): an open line with an end recorded, an ended line with
/// none, or an end that says otherwise (who, when, why, how).
fn order_ends_disagreeing(conn: Conn<'_>) -> Result<Vec<String>> {
    conn.query_all(&sql::ORDER_ENDS_DISAGREEING, args![], |r| {
        let (reference, item, status): (String, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
        let (on, by): (String, String) = (r.get(3)?, r.get(4)?);
        let recorded: Option<String> = r.get(5)?;
        let (e_on, e_by): (String, String) = (r.get(6)?, r.get(7)?);
        let says = if status == "open" {
            "open".to_owned()
        } else {
            format!("{status} on {on} by {by}")
        };
        let events = match recorded {
            Some(e) => format!("{e} on {e_on} by {e_by}"),
            None => "no end recorded".to_owned(),
        };
        Ok(format!(
            "order {reference} line {item}: the order says {says}, its recorded end says {events}; run `labstock audit --entity order:{reference}`"
        ))
    })
}

/// Name each (lot, location) that differs, sorted as the user reads them:
/// item code, lot, location (codes without regard to ASCII case, as SQLite
/// compares them). A lot or location that no longer exists cannot be
/// named; the foreign-key check reports those rows.
fn name_discrepancies(conn: Conn<'_>, differ: &[Differ]) -> Result<Vec<Discrepancy>> {
    let mut found = Vec::with_capacity(differ.len());
    for &(lot_id, at, portion, ledger, balance) in differ {
        let named = conn.query_opt(&sql::LOT_NAME, args![lot_id], |r| {
            Ok((r.get::<String>(0)?, r.get::<String>(1)?))
        })?;
        let place = conn.query_opt(&sql::LOCATION_CODE, args![at], |r| r.get::<String>(0))?;
        if let (Some((item, lot)), Some(location)) = (named, place) {
            found.push(Discrepancy {
                item,
                lot,
                location,
                opened_on: portion,
                ledger,
                balance,
                difference: ledger - balance,
            });
        }
    }
    found.sort_by(|a, b| {
        a.item
            .to_ascii_lowercase()
            .cmp(&b.item.to_ascii_lowercase())
            .then_with(|| a.lot.cmp(&b.lot))
            .then_with(|| {
                a.location
                    .to_ascii_lowercase()
                    .cmp(&b.location.to_ascii_lowercase())
            })
            .then_with(|| a.opened_on.cmp(&b.opened_on))
    });
    Ok(found)
}
