//! Schema migrations: version N to N+1, appended, never edited.
//!
//! `init` applies `schema.sql` (version 1) and then every migration, so a
//! new database and an upgraded one are built by the same steps. A
//! migration is a function over the open write transaction: most run one
//! SQL file from `migrations/`, some also backfill rows in Rust (hash
//! chains, derived records). Index 0 takes a version-1 database to 2.

use rusqlite::{OptionalExtension, Transaction, params};

use crate::chain;
use crate::error::Result;

/// One step of the schema's history.
pub(crate) struct Migration {
    /// What it changes, for the commit log and error messages.
    #[allow(dead_code)]
    pub(crate) name: &'static str,
    pub(crate) run: fn(&Transaction<'_>) -> Result<()>,
}

/// Every migration, in order. Append only.
pub(crate) const MIGRATIONS: &[Migration] = &[
    Migration {
        name: "settings: dated lab settings (time zone); movements by lot and time",
        run: |tx| sql(tx, include_str!("migrations/settings.sql")),
    },
    Migration {
        name: "lot_evidence",
        run: lot_evidence,
    },
    Migration {
        name: "calibration_intervals",
        run: calibration_intervals,
    },
    Migration {
        name: "orders_imports",
        run: orders_imports,
    },
    Migration {
        name: "stocktakes: sheets, counts and their ends as chained evidence",
        run: |tx| sql(tx, include_str!("migrations/stocktakes.sql")),
    },
    Migration {
        name: "acceptance: reagent lots pending acceptance, acceptance records",
        run: |tx| sql(tx, include_str!("migrations/acceptance.sql")),
    },
    Migration {
        name: "locations: edited and retired, each change a chained record",
        run: |tx| sql(tx, include_str!("migrations/locations.sql")),
    },
    Migration {
        name: "temperatures: monitored locations, readings, excursions and decisions",
        run: |tx| sql(tx, include_str!("migrations/temperatures.sql")),
    },
    Migration {
        name: "prepare: shelf life, batches of made-up solutions and their components, recipes",
        run: |tx| sql(tx, include_str!("migrations/prepare.sql")),
    },
    Migration {
        name: "accounts: accounts and roles, chained account changes, API tokens, sessions",
        run: |tx| sql(tx, include_str!("migrations/accounts.sql")),
    },
    Migration {
        name: "opening: opened containers by units; balances by portion; the `open` movement",
        run: opening,
    },
    Migration {
        name: "hazards: GHS/CLP item fields, safety data sheets and their confirmations",
        run: |tx| sql(tx, include_str!("migrations/hazards.sql")),
    },
    Migration {
        name: "sites: every location at a site of the network (default MAIN)",
        run: |tx| sql(tx, include_str!("migrations/sites.sql")),
    },
    Migration {
        name: "excursion_lots: the lots held during each ended excursion, kept",
        run: excursion_lots,
    },
    Migration {
        name: "nocase: NOCASE indexes rebuilt for case folding of every Unicode letter",
        // Indexes built under SQLite's ASCII-only NOCASE may order
        // non-ASCII codes differently from labstock's NOCASE (every
        // connection's since this version): rebuilt once.
        run: |tx| sql(tx, "REINDEX NOCASE;"),
    },
];

/// The lots held during each ended excursion, kept (maintained state, see
/// the SQL file): the table, its index and the trigger that drops a row
/// when a backdated movement reaches its window; then a row for every
/// excursion that has already ended, computed from the ledger as
/// `report excursions` computed it before.
fn excursion_lots(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch(include_str!("migrations/excursion_lots.sql"))?;
    crate::temperature::keep_all_lots(tx)
}

/// Calibration interval changes as dated, chained records (issue 12,
/// defect 4), with a baseline record for every asset that has an interval.
fn calibration_intervals(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch(include_str!("migrations/calibration_intervals.sql"))?;
    crate::calibration::backfill_interval_records(tx)
}

/// A migration that is one SQL file.
fn sql(tx: &Transaction<'_>, text: &str) -> Result<()> {
    tx.execute_batch(text)?;
    Ok(())
}

/// Version 1 → 2: lot creation records (`lot_creations`), the index that
/// finds lot events after a date, and the rule that a second opening is a
/// correction with a reason; then a creation record for every lot that
/// exists, in lot order, so every lot has its evidence.
///
/// A backfilled record states the lot as it stood at the upgrade (nothing
/// older records its expiry): its `at` is the lot's `created_at` and its
/// user the user of the lot's first movement (the receipt that created
/// it), or `unknown` for a lot without movements. Status and opening need
/// no backfill: they were already chained in `lot_events`.
fn lot_evidence(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch(include_str!("migrations/lot_evidence.sql"))?;
    let mut lots =
        tx.prepare("SELECT id, item_id, lot, expiry, created_at FROM lots ORDER BY id")?;
    let existing = lots
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut first_user = tx.prepare(
        "SELECT user FROM movements WHERE item_id = ?1 AND lot_id = ?2 ORDER BY id LIMIT 1",
    )?;
    for (lot_id, item_id, lot, expiry, created_at) in existing {
        let user: String = first_user
            .query_row(params![item_id, lot_id], |r| r.get(0))
            .optional()?
            .unwrap_or_else(|| "unknown".to_owned());
        chain::append_cells(
            crate::store::sqlite::conn(tx),
            &chain::LOT_CREATIONS,
            crate::args![lot_id, item_id, lot, expiry, created_at, user],
        )?;
    }
    Ok(())
}

/// One definition of what was received on an order line (its index, and
/// `orders.received` recomputed from it), and the append-only,
/// hash-chained log of imports that refuses a file imported before
/// (issue 12, defects 5, 12, 18).
fn orders_imports(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch(include_str!("migrations/orders_imports.sql"))?;
    Ok(())
}

/// Opened containers by units (SPEC §15). The SQL half adds the portion
/// columns and rebuilds `balances` by portion; this half lets the ledger
/// hold `open` movements and carries over lots opened under the old
/// lot-wide rule.
///
/// Under the old rule `lot open` stamped the whole lot: every unit of it,
/// wherever it was, counted as opened from that date. Such a lot keeps
/// that meaning as an opened portion of its whole balance at each
/// location: an `open` movement of the balance as it stands, into the
/// portion of the old opening date, dated at that date or, when the
/// balance moved after it, just after its last movement (so no earlier
/// point of the ledger changes and none can go below zero). The movement
/// is recorded by `labstock` and says why in its reason.
fn opening(tx: &Transaction<'_>) -> Result<()> {
    widen_movement_kinds(tx)?;
    tx.execute_batch(include_str!("migrations/opening.sql"))?;
    let zone = crate::settings::lab_zone(tx)?;
    let now = crate::clock::Clock::from_env()?.timestamp().stamp();
    let mut stmt = tx.prepare(
        "SELECT b.lot_id, b.location_id, b.item_id, b.quantity, l.opened_on, \
         (SELECT max(m.at) FROM movements m WHERE m.lot_id = b.lot_id \
            AND (m.location_id = b.location_id OR m.to_location_id = b.location_id)) \
         FROM balances b JOIN lots l ON l.id = b.lot_id \
         WHERE l.opened_on IS NOT NULL AND b.quantity > 0 ORDER BY b.lot_id, b.location_id",
    )?;
    let legacy = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (lot, location, item, quantity, opened, last) in legacy {
        let Some(date) = crate::model::parse_stored_date(&opened) else {
            continue;
        };
        let start = crate::model::stamp(crate::clock::start_of_day(date, zone));
        // Ties in time are ordered by id: this row comes after `last`.
        let at = last.filter(|l| *l > start).unwrap_or(start);
        chain::append_cells(
            crate::store::sqlite::conn(tx),
            &chain::MOVEMENTS,
            crate::args![
                at,
                "open",
                item,
                lot,
                location,
                Option::<i64>::None,
                -quantity,
                Option::<i64>::None,
                "opened under the old lot-wide rule (upgrade to opening by units)",
                Option::<String>::None,
                Option::<i64>::None,
                Option::<String>::None,
                Option::<i64>::None,
                "labstock",
                now,
                Option::<String>::None,
                opened,
            ],
        )?;
        tx.execute(
            "UPDATE balances SET quantity = 0 WHERE lot_id = ?1 AND location_id = ?2 AND opened_on = ''",
            params![lot, location],
        )?;
        tx.execute(
            "INSERT INTO balances (lot_id, location_id, opened_on, item_id, quantity) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![lot, location, opened, item, quantity],
        )?;
    }
    Ok(())
}

/// The movements table's CHECK on `kind` gains `open`: its definition is
/// edited in place (no stored row changes, and every row that passed the
/// narrower CHECK passes the wider one), with the schema cookie bumped so
/// every connection reloads it.
fn widen_movement_kinds(tx: &Transaction<'_>) -> Result<()> {
    let old = "OR kind = 'count' OR kind = 'dispose' OR kind = 'reverse')";
    let new = "OR kind = 'count' OR kind = 'dispose' OR kind = 'reverse' OR kind = 'open')";
    let definition: String = tx.query_row(
        "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'movements'",
        [],
        |r| r.get(0),
    )?;
    if definition.contains(new) {
        return Ok(());
    }
    if !definition.contains(old) {
        return Err(crate::error::Error::Sqlite {
            detail: "the movements table's CHECK on its kind is not the one labstock wrote: the schema was changed outside labstock".into(),
        });
    }
    let version: i64 = tx.query_row("PRAGMA schema_version", [], |r| r.get(0))?;
    tx.pragma_update(None, "writable_schema", true)?;
    tx.execute(
        "UPDATE sqlite_schema SET sql = ?1 WHERE type = 'table' AND name = 'movements'",
        [definition.replacen(old, new, 1)],
    )?;
    tx.pragma_update(None, "schema_version", version + 1)?;
    tx.pragma_update(None, "writable_schema", false)?;
    Ok(())
}
