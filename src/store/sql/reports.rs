//! The SQL of `report expiry` and `report usage` (src/report/); the
//! balances they walk are the reorder area's (src/store/sql/reorder.rs).

use crate::store::Sql;

/// The id, code and name of each item whose id is in ?1, a JSON array of
/// ids (`[3,17,40]`): a report's names in one statement, not one per item
/// (on PostgreSQL a round trip each: 1,273 of them in `report expiry` at
/// 2M movements).
pub const ITEM_NAMES: Sql = Sql::each(
    "SELECT id, code, name FROM items WHERE id IN (SELECT value FROM json_each(?1))",
    "SELECT id, code, name FROM items \
     WHERE id IN (SELECT value::bigint FROM json_array_elements_text(?1::text::json))",
);
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
