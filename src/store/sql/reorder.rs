//! The SQL of the reorder list and per-location levels (src/reorder/), and
//! of the stock-as-of-a-date walk the reports share
//! (src/reorder/stock.rs).

use crate::store::Sql;

/// Every supplier the catalogue names, byte order.
pub const SUPPLIERS: Sql = Sql::each(
    "SELECT DISTINCT supplier FROM items WHERE supplier IS NOT NULL ORDER BY supplier COLLATE BINARY",
    "SELECT DISTINCT supplier COLLATE \"C\" FROM items WHERE supplier IS NOT NULL ORDER BY 1",
);

macro_rules! balance_columns {
    () => {
        concat!(
            "SELECT b.item_id, b.lot_id, b.location_id, b.quantity, l.lot, l.expiry, ",
            crate::lot_status_sql!("l"),
            ", b.opened_on, \
             CASE WHEN b.opened_on = '' THEN NULL \
                  ELSE (SELECT i.in_use_days FROM items i WHERE i.id = l.item_id) END \
             FROM balances b JOIN lots l ON l.id = b.lot_id "
        )
    };
}

/// Every balance in stock (at one location with ?1), with its lot:
/// read from the partial index `balances_in_stock`, never the ledger.
pub const BALANCES_HELD: Sql = Sql::each(
    concat!(
        balance_columns!(),
        "WHERE b.quantity <> 0 AND (?1 IS NULL OR b.location_id = ?1)"
    ),
    concat!(
        balance_columns!(),
        "WHERE b.quantity <> 0 AND (CAST(?1 AS BIGINT) IS NULL OR b.location_id = ?1)"
    ),
);

/// One balance row (a balance that is zero now but was not at the
/// as-of date).
pub const BALANCE_OF_LOT: Sql = Sql::both(concat!(
    balance_columns!(),
    "WHERE b.lot_id = ?1 AND b.location_id = ?2 AND b.opened_on = ?3"
));

/// Movements recorded after the as-of date (?1 = the end of that day),
/// undone from the balances: an empty range of `movements_at` as of
/// today.
pub const LATER_MOVEMENTS: Sql = Sql::each(
    "SELECT lot_id, location_id, to_location_id, quantity, opened_on, to_opened_on FROM movements \
     WHERE at >= ?1 AND (?2 IS NULL OR location_id = ?2 OR to_location_id = ?2)",
    "SELECT lot_id, location_id, to_location_id, quantity, opened_on, to_opened_on FROM movements \
     WHERE at >= ?1 AND (CAST(?2 AS BIGINT) IS NULL OR location_id = ?2 OR to_location_id = ?2)",
);

/// The items the reorder list weighs, with their levels (a location's own
/// with ?1), for supplier ?2 and site ?3 when given.
macro_rules! item_settings {
    ($p1_null:literal, $p2_null:literal, $p3_null:literal, $nocase:literal) => {
        concat!(
            "SELECT i.id, i.pack_size, \
                    CASE WHEN il.item_id IS NULL THEN i.reorder_level ELSE il.reorder_level END, \
                    CASE WHEN il.item_id IS NULL THEN i.max_level ELSE il.max_level END, \
                    il.item_id IS NOT NULL, i.reorder_qty, i.lead_time_days, i.unit_cost_pence \
             FROM items i LEFT JOIN item_levels il ON il.item_id = i.id AND il.location_id = ?1 \
             WHERE i.active = 1 AND (",
            $p2_null,
            " OR i.supplier = ?2 COLLATE ",
            $nocase,
            ") \
               AND (i.reorder_level IS NOT NULL OR il.item_id IS NOT NULL) \
               AND (",
            $p1_null,
            " OR il.item_id IS NOT NULL \
                    OR EXISTS (SELECT 1 FROM balances b WHERE b.item_id = i.id AND b.location_id = ?1) \
                    OR EXISTS (SELECT 1 FROM orders o WHERE o.item_id = i.id AND o.location_id = ?1)) \
               AND (",
            $p3_null,
            " \
                    OR EXISTS (SELECT 1 FROM item_levels sl JOIN locations s ON s.id = sl.location_id \
                               WHERE sl.item_id = i.id AND s.site = ?3) \
                    OR EXISTS (SELECT 1 FROM balances b JOIN locations s ON s.id = b.location_id \
                               WHERE b.item_id = i.id AND s.site = ?3) \
                    OR EXISTS (SELECT 1 FROM orders o JOIN locations s ON s.id = o.location_id \
                               WHERE o.item_id = i.id AND s.site = ?3))"
        )
    };
}
/// See `item_settings!`.
pub const ITEM_SETTINGS: Sql = Sql::each(
    item_settings!("?1 IS NULL", "?2 IS NULL", "?3 IS NULL", "NOCASE"),
    item_settings!(
        "CAST(?1 AS BIGINT) IS NULL",
        "CAST(?2 AS TEXT) IS NULL",
        "CAST(?3 AS TEXT) IS NULL",
        "labstock_nocase"
    ),
);
/// The largest item id (ids are dense: it sizes the map once).
pub const MAX_ITEM_ID: Sql = Sql::both("SELECT coalesce(max(id), 0) FROM items");
/// Item edits recorded after a moment, newest first.
pub const ITEM_CHANGES_AFTER: Sql =
    Sql::both("SELECT item_id, field, old_value FROM item_changes WHERE at >= ?1 ORDER BY id DESC");
/// An item's reorder settings now, with its own levels at location ?2.
pub const ITEM_SETTINGS_NOW: Sql = Sql::both(
    "SELECT i.pack_size, i.reorder_level, i.max_level, i.reorder_qty, i.lead_time_days, i.unit_cost_pence, \
            i.active, i.supplier, il.reorder_level, il.max_level \
     FROM items i LEFT JOIN item_levels il ON il.item_id = i.id AND il.location_id = ?2 WHERE i.id = ?1",
);
/// The words of each item whose id is in ?1, a JSON array of ids: the
/// listed items' words in one statement, however many (on PostgreSQL one
/// round trip, where a statement per item was one each).
pub const ITEM_TEXTS: Sql = Sql::each(
    "SELECT id, code, name, unit, supplier, supplier_ref FROM items \
     WHERE id IN (SELECT value FROM json_each(?1))",
    "SELECT id, code, name, unit, supplier, supplier_ref FROM items \
     WHERE id IN (SELECT value::bigint FROM json_array_elements_text(?1::text::json))",
);

/// Set an item's own levels at a location.
pub const SET_LEVELS: Sql = Sql::both(
    "INSERT INTO item_levels (item_id, location_id, reorder_level, max_level) VALUES (?1, ?2, ?3, ?4) \
     ON CONFLICT (item_id, location_id) DO UPDATE SET reorder_level = excluded.reorder_level, \
     max_level = excluded.max_level",
);
/// Remove an item's own levels at a location.
pub const CLEAR_LEVELS: Sql =
    Sql::both("DELETE FROM item_levels WHERE item_id = ?1 AND location_id = ?2");
/// An item's own levels by location code (byte order).
pub const LEVELS_OF_ITEM: Sql = Sql::each(
    "SELECT loc.code, il.reorder_level, il.max_level FROM item_levels il \
     JOIN locations loc ON loc.id = il.location_id WHERE il.item_id = ?1 ORDER BY loc.code COLLATE BINARY",
    "SELECT loc.code, il.reorder_level, il.max_level FROM item_levels il \
     JOIN locations loc ON loc.id = il.location_id WHERE il.item_id = ?1 ORDER BY loc.code COLLATE \"C\"",
);
