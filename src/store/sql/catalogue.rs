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
/// Every item code, for suggestions.
pub const ITEM_CODES: Sql = Sql::both("SELECT code FROM items");
/// A location by code (`locations` UNIQUE code, NOCASE).
pub const LOCATION_BY_CODE: Sql = Sql::both("SELECT id, code, name FROM locations WHERE code = ?1");
/// Every location code, for suggestions.
pub const LOCATION_CODES: Sql = Sql::both("SELECT code FROM locations");
/// When a location was retired.
pub const LOCATION_RETIRED_ON: Sql = Sql::both("SELECT retired_on FROM locations WHERE id = ?1");
