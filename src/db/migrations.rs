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
        name: "hazards: GHS/CLP item fields, safety data sheets and their confirmations",
        run: |tx| sql(tx, include_str!("migrations/hazards.sql")),
    },
];

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
        chain::append(
            tx,
            &chain::LOT_CREATIONS,
            params![lot_id, item_id, lot, expiry, created_at, user],
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
