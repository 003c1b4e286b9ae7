//! Schema migrations: version N to N+1, appended, never edited.
//!
//! `init` applies `schema.sql` (version 1) and then every migration, so a
//! new database and an upgraded one are built by the same steps. A
//! migration is a function over the open write transaction: most run one
//! SQL file from `migrations/`, some also backfill rows in Rust (hash
//! chains, derived records). Index 0 takes a version-1 database to 2.

use rusqlite::Transaction;

use crate::error::Result;

/// One step of the schema's history.
pub(crate) struct Migration {
    /// What it changes, for the commit log and error messages.
    #[allow(dead_code)]
    pub(crate) name: &'static str,
    pub(crate) run: fn(&Transaction<'_>) -> Result<()>,
}

/// Every migration, in order. Append only.
pub(crate) const MIGRATIONS: &[Migration] = &[Migration {
    name: "orders_imports",
    run: orders_imports,
}];

/// Version 1 to 2 (issue 12, defects 5, 12, 18): one definition of what
/// was received on an order line (its index, and `orders.received`
/// recomputed from it), and the append-only, hash-chained log of imports
/// that refuses a file imported before.
fn orders_imports(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch(include_str!("migrations/orders_imports.sql"))?;
    Ok(())
}
