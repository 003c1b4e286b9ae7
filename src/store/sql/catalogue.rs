//! The SQL of the catalogue lookups every movement makes
//! (src/catalogue.rs).

use crate::store::Sql;

/// The columns of `items` that make an `Item`, in `item_of` order.
#[macro_export]
#[doc(hidden)]
macro_rules! item_columns {
    () => {
        "id, code, name, category, unit, pack_size, reorder_level, max_level, \
         reorder_qty, lead_time_days, supplier, supplier_ref, unit_cost_pence, storage, hazard, \
         lot_tracked, gtin, waste_stream, in_use_days, active, acceptance_required, shelf_life_days, \
         ghs, signal_word, h_statements, p_statements"
    };
}

/// An item by code (`items` UNIQUE code, NOCASE).
pub const ITEM_BY_CODE: Sql = Sql::both(concat!(
    "SELECT ",
    item_columns!(),
    " FROM items WHERE code = ?1"
));
/// An item by GTIN (`items` UNIQUE gtin).
pub const ITEM_BY_GTIN: Sql = Sql::both(concat!(
    "SELECT ",
    item_columns!(),
    " FROM items WHERE gtin = ?1"
));
/// Every item by code (byte order), retired ones only when ?1.
pub const ITEMS: Sql = Sql::each(
    concat!(
        "SELECT ",
        item_columns!(),
        " FROM items WHERE active = 1 OR ?1 ORDER BY code COLLATE BINARY"
    ),
    concat!(
        "SELECT ",
        item_columns!(),
        " FROM items WHERE active = 1 OR ?1 ORDER BY code COLLATE \"C\""
    ),
);
/// Every item code, for suggestions, in NOCASE order (SQLite reads it
/// from the index on code; PostgreSQL's `lower` under "C" folds ASCII
/// only, as NOCASE does).
pub const ITEM_CODES: Sql = Sql::each(
    "SELECT code FROM items ORDER BY code",
    "SELECT code FROM items ORDER BY lower(code COLLATE \"C\") COLLATE \"C\", code COLLATE \"C\"",
);
/// An item and a location by code at once (a movement names both, so one
/// round trip reads them): the item's columns, then the location's. No
/// row when either code is unknown (the movement then looks each up
/// alone). On PostgreSQL the codes as stored, byte for byte
/// (`items_code_exact`, `locations_code_exact`): a server process that
/// compares by the ICU collation first opens it, a third of a
/// millisecond in every command; a code typed in another case is found
/// by the lookup of each alone (`ITEM_BY_CODE`, `LOCATION_BY_CODE`).
pub const ITEM_AND_LOCATION_BY_CODE: Sql = Sql::each(
    concat!(
        "SELECT i.*, l.* FROM (SELECT ",
        item_columns!(),
        " FROM items WHERE code = ?1) i, \
         (SELECT id, code, name, retired_on FROM locations WHERE code = ?2) l"
    ),
    concat!(
        "SELECT i.*, l.* FROM (SELECT ",
        item_columns!(),
        " FROM items WHERE code = ?1 COLLATE \"C\") i, \
         (SELECT id, code, name, retired_on FROM locations WHERE code = ?2 COLLATE \"C\") l"
    ),
);
/// A location by code (`locations` UNIQUE code, NOCASE).
pub const LOCATION_BY_CODE: Sql =
    Sql::both("SELECT id, code, name, retired_on FROM locations WHERE code = ?1");
/// Every location code, for suggestions (a short list names them all),
/// in NOCASE order as `ITEM_CODES`.
pub const LOCATION_CODES: Sql = Sql::each(
    "SELECT code FROM locations ORDER BY code",
    "SELECT code FROM locations ORDER BY lower(code COLLATE \"C\") COLLATE \"C\", code COLLATE \"C\"",
);

/// The code of another item holding a GTIN.
pub const ITEM_WITH_GTIN_OTHER_THAN: Sql =
    Sql::both("SELECT code FROM items WHERE gtin = ?1 AND id <> ?2");
/// An item's code as stored, by code (NOCASE).
pub const ITEM_CODE: Sql = Sql::both("SELECT code FROM items WHERE code = ?1");

/// The columns `INSERT_ITEM` writes, and its values.
macro_rules! insert_item {
    () => {
        "INSERT INTO items (code, name, category, unit, pack_size, reorder_level, max_level, \
         reorder_qty, lead_time_days, supplier, supplier_ref, unit_cost_pence, storage, hazard, \
         lot_tracked, gtin, waste_stream, in_use_days, active, created_at, created_by, acceptance_required, \
         shelf_life_days, ghs, signal_word, h_statements, p_statements) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, \
         ?24, ?25, ?26, ?27)"
    };
}
/// A new item; its id.
pub const INSERT_ITEM: Sql = Sql::each(insert_item!(), concat!(insert_item!(), " RETURNING id"));
/// An item's settings (all but its code).
pub const UPDATE_ITEM: Sql = Sql::both(
    "UPDATE items SET name = ?2, category = ?3, unit = ?4, pack_size = ?5, reorder_level = ?6, \
     max_level = ?7, reorder_qty = ?8, lead_time_days = ?9, supplier = ?10, supplier_ref = ?11, \
     unit_cost_pence = ?12, storage = ?13, hazard = ?14, lot_tracked = ?15, gtin = ?16, \
     waste_stream = ?17, in_use_days = ?18, active = ?19, acceptance_required = ?20, \
     shelf_life_days = ?21, ghs = ?22, signal_word = ?23, h_statements = ?24, \
     p_statements = ?25 WHERE id = ?1",
);
/// The stock of an item held without a lot.
pub const UNLOTTED_STOCK: Sql = Sql::both(
    "SELECT coalesce(SUM(b.quantity), 0) FROM balances b JOIN lots l ON l.id = b.lot_id \
     WHERE b.item_id = ?1 AND l.lot = ''",
);
/// The recorded changes of an item's settings, oldest first
/// (`item_changes_item`).
pub const ITEM_CHANGES: Sql = Sql::both(
    "SELECT field, old_value, new_value, at, \"user\" FROM item_changes WHERE item_id = ?1 ORDER BY id",
);

/// A location's id by code (NOCASE).
pub const LOCATION_ID: Sql = Sql::both("SELECT id FROM locations WHERE code = ?1");
/// A new location.
pub const INSERT_LOCATION: Sql = Sql::both(
    "INSERT INTO locations (code, name, created_at, created_by, site) VALUES (?1, ?2, ?3, ?4, ?5)",
);
/// A location's name.
pub const RENAME_LOCATION: Sql = Sql::both("UPDATE locations SET name = ?2 WHERE id = ?1");
/// The day a location was retired.
pub const RETIRE_LOCATION: Sql = Sql::both("UPDATE locations SET retired_on = ?2 WHERE id = ?1");
/// What a location holds, by lot (item code in byte order, then lot).
pub const LOCATION_HOLDINGS: Sql = Sql::each(
    "SELECT i.code, l.lot, sum(b.quantity) FROM balances b JOIN lots l ON l.id = b.lot_id \
     JOIN items i ON i.id = b.item_id WHERE b.location_id = ?1 AND b.quantity <> 0 \
     GROUP BY b.lot_id, i.code, l.lot ORDER BY i.code COLLATE BINARY, l.lot",
    "SELECT i.code, l.lot, sum(b.quantity) FROM balances b JOIN lots l ON l.id = b.lot_id \
     JOIN items i ON i.id = b.item_id WHERE b.location_id = ?1 AND b.quantity <> 0 \
     GROUP BY b.lot_id, i.code, l.lot ORDER BY i.code COLLATE \"C\", l.lot",
);
/// Every location, by code (byte order).
pub const LOCATIONS: Sql = Sql::each(
    "SELECT id, code, name, retired_on FROM locations ORDER BY code COLLATE BINARY",
    "SELECT id, code, name, retired_on FROM locations ORDER BY code COLLATE \"C\"",
);
