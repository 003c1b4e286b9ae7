//! `labstock check`: prove the maintained balances against the ledger.
//! Balances are a cache; this recomputes every one from the movements and
//! reports every difference, not just the first (STYLE rule 10), each with
//! the command that shows the lot's history. It proves every lot's
//! expiry, status and opening against its creation record and events
//! (`lots::lots_disagreeing`), and recomputes the hash chain of every
//! evidence table (`chain`), so an edit made beneath the triggers is named
//! too.

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use crate::chain::{self, Head};
use crate::db::{OpenOptions, Store};
use crate::error::{Error, Refusal, Result};
use crate::ledger::{FastMap, FastSet, Portion, legs, portion_at};

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
    fn read(conn: &Connection) -> Result<LedgerPass> {
        let mut pass = LedgerPass::default();
        let mut stmt = conn.prepare(
            "SELECT item_id, lot_id, location_id, to_location_id, quantity, order_id, reverses, at, recorded_at, id, opened_on, to_opened_on FROM movements",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (item, lot, at): (i64, i64, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
            let (to, quantity): (Option<i64>, i64) = (r.get(3)?, r.get(4)?);
            let (order, reverses): (Option<i64>, Option<i64>) = (r.get(5)?, r.get(6)?);
            let id: i64 = r.get(9)?;
            let when = r.get_ref(7)?.as_bytes().unwrap_or_default();
            let recorded = r.get_ref(8)?.as_bytes().unwrap_or_default();
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
            let opened = portion_at(r, 10)?;
            let to_opened = portion_at(r, 11)?;
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
        }
        Ok(pass)
    }

    /// Ledger rows whose item, lot, location, order or reversed movement
    /// does not exist: what `PRAGMA foreign_key_check` counts for the
    /// ledger, found from the distinct ids instead of row by row.
    fn dangling(&self, conn: &Connection) -> Result<i64> {
        let mut broken = 0;
        for (table, refs) in [
            ("items", &self.items),
            ("lots", &self.lots),
            ("locations", &self.locations),
            ("orders", &self.orders),
            ("movements", &self.reversed),
        ] {
            let mut exists = conn.prepare(match table {
                "items" => "SELECT 1 FROM items WHERE id = ?1",
                "lots" => "SELECT 1 FROM lots WHERE id = ?1",
                "locations" => "SELECT 1 FROM locations WHERE id = ?1",
                "orders" => "SELECT 1 FROM orders WHERE id = ?1",
                _ => "SELECT 1 FROM movements WHERE id = ?1",
            })?;
            for (id, rows) in refs {
                if !exists.exists([id])? {
                    broken += rows;
                }
            }
        }
        Ok(broken)
    }
}

impl Store {
    /// Recompute every balance from the ledger and compare, prove every
    /// hash chain, and run SQLite's full `integrity_check`.
    pub fn check(&self) -> Result<CheckReport> {
        self.check_with(false)
    }

    /// [`Store::check`], with SQLite's `quick_check` instead of the full
    /// `integrity_check` when `quick`.
    pub fn check_with(&self, quick: bool) -> Result<CheckReport> {
        let conn = self.sqlite()?;
        let before: i64 = conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
        conn.pragma_update(None, "cache_size", -CHECK_CACHE_KIB)?;
        let report = self.check_all(quick);
        conn.pragma_update(None, "cache_size", before)?;
        report
    }

    fn check_all(&self, quick: bool) -> Result<CheckReport> {
        // The hash chains and SQLite's integrity check run on connections
        // of their own, in threads of their own, while this one sums the
        // ledger: each is self-contained, so the passes need not share a
        // snapshot, and on two cores they cost little more than the
        // longest of them.
        std::thread::scope(|scope| {
            let (path, timeout) = (self.path(), self.busy_timeout());
            let chains = scope.spawn(move || verify_chains_apart(path, timeout));
            let integrity = scope.spawn(move || integrity_problems(path, timeout, quick));
            let mut report = self.check_balances()?;
            let stopped = |_| Error::Refused(Refusal::CheckStopped);
            report.problems.extend(integrity.join().map_err(stopped)??);
            let chains = chains.join().map_err(stopped)??;
            report.sealed = chains.rows;
            report.heads = chains.heads;
            report.problems.extend(chains.problems);
            Ok(report)
        })
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
    store
        .connection()?
        .pragma_update(None, "cache_size", -CHECK_CACHE_KIB)?;
    chain::verify(store.connection()?)
}

/// Balances that stood below zero at some point in time (SPEC §10
/// "Time"), each named by the first movement after which it did. Lots
/// never backdated were followed in storage order by the ledger pass;
/// backdated lots are replayed here in time order through
/// `movements_lot_at`.
fn negative_in_time(conn: &Connection, pass: &LedgerPass) -> Result<Vec<String>> {
    let mut first: Vec<((i64, i64, Portion), i64)> = pass
        .dipped
        .iter()
        .filter(|((lot, _, _), _)| !pass.backdated.contains(lot))
        .map(|(k, id)| (*k, *id))
        .collect();
    let mut stmt = conn.prepare_cached(
        "SELECT id, location_id, to_location_id, quantity, opened_on, to_opened_on FROM movements WHERE lot_id = ?1 ORDER BY at, id",
    )?;
    for lot in &pass.backdated {
        let mut running: FastMap<(i64, Portion), i64> = FastMap::default();
        let mut seen: FastSet<(i64, Portion)> = FastSet::default();
        let mut rows = stmt.query([lot])?;
        while let Some(r) = rows.next()? {
            let (id, loc, to, q): (i64, i64, Option<i64>, i64) =
                (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
            let opened = portion_at(r, 4)?;
            let to_opened = portion_at(r, 5)?;
            for (place, portion, change) in
                legs(loc, to, opened, to_opened, q).into_iter().flatten()
            {
                let sum = running.entry((place, portion)).or_default();
                *sum += change;
                if *sum < 0 && seen.insert((place, portion)) {
                    first.push(((*lot, place, portion), id));
                }
            }
        }
    }
    first.sort_by_key(|(_, id)| *id);
    let mut problems = Vec::new();
    for ((lot, location, portion), id) in first {
        // A row pointing at a lot or location that is gone is reported by
        // the dangling-reference check; here it is named by its ids.
        let (item, lot_name, loc): (String, String, String) = conn
            .prepare_cached(
                "SELECT i.code, l.lot, loc.code FROM lots l JOIN items i ON i.id = l.item_id, locations loc WHERE l.id = ?1 AND loc.id = ?2",
            )?
            .query_row([lot, location], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?
            .unwrap_or_else(|| (format!("item of lot id {lot}"), String::new(), format!("location id {location}")));
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

impl Store {
    fn check_balances(&self) -> Result<CheckReport> {
        let conn = self.sqlite()?;
        let mut pass = LedgerPass::read(conn)?;
        let mut report = CheckReport {
            movements: pass.movements,
            ..CheckReport::default()
        };
        // Every balance row against its ledger sum; what is left of the
        // sums has no balance row (balance 0).
        let mut differ: Vec<(i64, i64, Portion, i64, i64)> = Vec::new();
        let mut stmt =
            conn.prepare("SELECT lot_id, location_id, opened_on, quantity FROM balances")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (lot, at, balance): (i64, i64, i64) = (r.get(0)?, r.get(1)?, r.get(3)?);
            let portion = portion_at(r, 2)?;
            report.balances += 1;
            let ledger = pass.sums.remove(&(lot, at, portion)).unwrap_or(0);
            if ledger != balance {
                differ.push((lot, at, portion, ledger, balance));
            }
        }
        differ.extend(
            pass.sums
                .drain()
                .filter(|(_, q)| *q != 0)
                .map(|((lot, at, portion), q)| (lot, at, portion, q, 0)),
        );
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
        self.check_side_tables(&mut report, dangling)?;
        report
            .problems
            .extend(self.database_file_problems(dangling > 0)?);
        report
            .problems
            .extend(crate::calibration::equipment_state_disagreeing(conn)?);
        Ok(report)
    }

    fn check_side_tables(&self, report: &mut CheckReport, dangling_ledger_rows: i64) -> Result<()> {
        let conn = self.sqlite()?;
        let mut negative = conn.prepare(
            "SELECT i.code, l.lot, loc.code, b.quantity FROM balances b JOIN lots l ON l.id = b.lot_id \
             JOIN items i ON i.id = l.item_id JOIN locations loc ON loc.id = b.location_id WHERE b.quantity < 0",
        )?;
        for row in negative.query_map([], |r| {
            Ok(format!(
                "negative balance: {} lot {:?} at {} is {}",
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?
            ))
        })? {
            report.problems.push(row?);
        }
        let mut wrong_item = conn.prepare(
            "SELECT count(*) FROM balances b JOIN lots l ON l.id = b.lot_id WHERE b.item_id <> l.item_id",
        )?;
        let n: i64 = wrong_item.query_row([], |r| r.get(0))?;
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
        // The ledger's references were proven from its distinct ids above;
        // every other table is checked by SQLite itself.
        let mut broken = dangling_ledger_rows;
        let mut tables = conn.prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'movements' AND name NOT LIKE 'sqlite_%'",
        )?;
        let names = tables
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut fk = conn.prepare("SELECT count(*) FROM pragma_foreign_key_check(?1)")?;
        for name in names {
            broken += fk.query_row([name], |r| r.get::<_, i64>(0))?;
        }
        if broken > 0 {
            report
                .problems
                .push(format!("{broken} rows refer to records that do not exist"));
        }
        Ok(())
    }
}

// ---- The database file itself (issue 8: reliability) ----------------------

/// What `PRAGMA integrity_check` (page structure, indexes against their
/// tables, NOT NULL and CHECK constraints) finds, on a connection of its
/// own so it runs beside the ledger pass; `quick` runs `quick_check`,
/// which skips comparing every index with its table (several times
/// faster on a large ledger).
fn integrity_problems(
    path: &std::path::Path,
    busy_timeout: std::time::Duration,
    quick: bool,
) -> Result<Vec<String>> {
    let store = Store::open_with(path, OpenOptions { busy_timeout })?;
    let conn = store.connection()?;
    let mut problems = Vec::new();
    // integrity_check does its own, fuller checking of every cell; with
    // cell_size_check on it would stop at the first damaged cell.
    conn.pragma_update(None, "cell_size_check", false)?;
    let mut found = Vec::new();
    let run = conn
        .prepare(if quick {
            "PRAGMA quick_check"
        } else {
            "PRAGMA integrity_check"
        })
        .and_then(|mut integrity| {
            let mut rows = integrity.query([])?;
            while let Some(r) = rows.next()? {
                found.push(r.get::<_, String>(0)?);
            }
            Ok(())
        });
    conn.pragma_update(None, "cell_size_check", true)?;
    if let Err(e) = run {
        found.push(format!("stopped: {e}"));
    }
    if found.iter().any(|m| m != "ok") {
        problems.push(format!(
                "SQLite integrity_check found {} problem(s): the file is damaged; keep it for investigation and restore the latest copy made by `labstock backup FILE`",
                found.len()
            ));
        problems.extend(found.into_iter().map(|m| format!("integrity_check: {m}")));
    }
    Ok(problems)
}

/// Foreign-key violations named one by one per table; the rest are counted.
const NAMED_VIOLATIONS: usize = 20;

impl Store {
    /// What `PRAGMA foreign_key_check` finds, each violation named by
    /// table, row, column and the missing parent ([`integrity_problems`]
    /// runs SQLite's page-level check on a thread of its own). The
    /// ledger's references are already counted from its distinct ids by
    /// the pass over it; its rows are named only when that found some,
    /// because checking millions of movements row by row would double the
    /// time `check` takes.
    fn database_file_problems(&self, ledger_has_dangling: bool) -> Result<Vec<String>> {
        let conn = self.sqlite()?;
        let mut problems = Vec::new();
        let mut tables = conn.prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )?;
        let names = tables
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut violations =
            conn.prepare("SELECT rowid, parent, fkid FROM pragma_foreign_key_check(?1)")?;
        let mut columns = conn.prepare(
            "SELECT \"from\" FROM pragma_foreign_key_list(?1) WHERE id = ?2 ORDER BY seq",
        )?;
        for table in names {
            if table == "movements" && !ledger_has_dangling {
                continue;
            }
            let rows = violations
                .query_map([&table], |r| {
                    Ok((
                        r.get::<_, Option<i64>>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, i64>(2)?,
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            for (rowid, parent, fkid) in rows.iter().take(NAMED_VIOLATIONS) {
                let cols = columns
                    .query_map(rusqlite::params![table, fkid], |r| r.get::<_, String>(0))?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                let described = match rowid {
                    Some(id) => format!(
                        "{table} row {id} ({})",
                        cols.iter()
                            .map(|c| {
                                let sql = format!(
                                    "SELECT {} FROM {} WHERE rowid = ?1",
                                    quote_ident(c),
                                    quote_ident(&table)
                                );
                                let v: rusqlite::types::Value =
                                    conn.query_row(&sql, [id], |r| r.get(0))?;
                                Ok(format!("{c} = {}", sql_value(&v)))
                            })
                            .collect::<Result<Vec<_>>>()?
                            .join(", ")
                    ),
                    // A WITHOUT ROWID table has no row number to name.
                    None => format!("{table}: a row's {}", cols.join(", ")),
                };
                problems.push(format!(
                    "foreign key: {described} refers to a row of {parent} that does not exist"
                ));
            }
            if rows.len() > NAMED_VIOLATIONS {
                problems.push(format!(
                    "foreign key: {} more rows of {table} refer to rows that do not exist",
                    rows.len() - NAMED_VIOLATIONS
                ));
            }
        }
        Ok(problems)
    }
}

/// An SQL identifier from the schema, quoted (it cannot be a parameter).
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn sql_value(v: &rusqlite::types::Value) -> String {
    use rusqlite::types::Value;
    match v {
        Value::Null => "NULL".to_owned(),
        Value::Integer(i) => i.to_string(),
        Value::Real(f) => f.to_string(),
        Value::Text(t) => format!("{t:?}"),
        Value::Blob(b) => format!("<{} bytes>", b.len()),
    }
}

// ---- end of the database file checks ---------------------------------------

/// Order lines whose maintained status disagrees with their recorded end
/// (`order_events`): an open line with an end recorded, an ended line with
/// none, or an end that says otherwise (who, when, why, how).
fn order_ends_disagreeing(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT o.reference, i.code, o.status, coalesce(o.closed_on, ''), coalesce(o.closed_by, ''), \
                e.status, coalesce(e.on_date, ''), coalesce(e.user, '') \
         FROM orders o JOIN items i ON i.id = o.item_id LEFT JOIN order_events e ON e.order_id = o.id \
         WHERE (o.status = 'open') = (e.id IS NOT NULL) \
            OR (e.id IS NOT NULL AND (e.status <> o.status OR e.on_date IS NOT o.closed_on \
                OR e.user IS NOT o.closed_by OR e.reason IS NOT o.close_reason))",
    )?;
    let rows = stmt.query_map([], |r| {
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
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Name each (lot, location) that differs, sorted as the user reads them:
/// item code, lot, location (codes without regard to ASCII case, as SQLite
/// compares them). A lot or location that no longer exists cannot be
/// named; the foreign-key check reports those rows.
fn name_discrepancies(
    conn: &Connection,
    differ: &[(i64, i64, Portion, i64, i64)],
) -> Result<Vec<Discrepancy>> {
    let mut lot = conn.prepare_cached(
        "SELECT i.code, lo.lot FROM lots lo JOIN items i ON i.id = lo.item_id WHERE lo.id = ?1",
    )?;
    let mut location = conn.prepare_cached("SELECT code FROM locations WHERE id = ?1")?;
    let mut found = Vec::with_capacity(differ.len());
    for &(lot_id, at, portion, ledger, balance) in differ {
        let named = lot
            .query_row([lot_id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })
            .optional()?;
        let place = location
            .query_row([at], |r| r.get::<_, String>(0))
            .optional()?;
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
    });
    Ok(found)
}
