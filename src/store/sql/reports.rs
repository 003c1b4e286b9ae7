//! The SQL of `report expiry` and `report usage` (src/report/); the
//! balances they walk are the reorder area's (src/store/sql/reorder.rs).

use crate::store::Sql;

/// An item's code and name by id.
pub const ITEM_NAME: Sql = Sql::both("SELECT code, name FROM items WHERE id = ?1");
/// Issues in a time range (?3 a location, or NULL for all), less those
/// reversed by the end of the as-of date (`movements_at`).
pub const ISSUES_BETWEEN: Sql = Sql::each(
    "SELECT m.item_id, m.at, m.quantity, m.location_id FROM movements m \
     WHERE m.at >= ?1 AND m.at < ?2 AND m.kind = 'issue' AND (?3 IS NULL OR m.location_id = ?3) \
       AND NOT EXISTS (SELECT 1 FROM movements r WHERE r.reverses = m.id AND r.at < ?4)",
    "SELECT m.item_id, m.at, m.quantity, m.location_id FROM movements m \
     WHERE m.at >= ?1 AND m.at < ?2 AND m.kind = 'issue' \
       AND (CAST(?3 AS BIGINT) IS NULL OR m.location_id = ?3) \
       AND NOT EXISTS (SELECT 1 FROM movements r WHERE r.reverses = m.id AND r.at < ?4)",
);
/// The active items, by code in byte order, with what the usage report
/// shows of them.
pub const ACTIVE_ITEMS: Sql = Sql::each(
    "SELECT id, code, name, unit, reorder_level, lead_time_days FROM items \
     WHERE active = 1 ORDER BY code COLLATE BINARY",
    "SELECT id, code, name, unit, reorder_level, lead_time_days FROM items \
     WHERE active = 1 ORDER BY code COLLATE \"C\"",
);
