//! The SQL of storage temperatures (src/temperature.rs) that the ported
//! ledger runs: dropping the lots kept for ended excursions when a
//! backdated movement reaches their window (src/db/migrations/excursion_lots.sql).

use crate::store::Sql;

/// Drop the kept lots of a location's excursions that ended at or after a
/// time (`excursion_lots_end`; a movement dated now matches none).
pub const UNKEEP: Sql =
    Sql::both("DELETE FROM excursion_lots WHERE location_id = ?1 AND to_at >= ?2");
