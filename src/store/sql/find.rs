//! The SQL of `item find` and `lot find` (src/find.rs).

use crate::store::Sql;

/// Every item's searchable fields, by code (byte order).
pub const ITEM_FIELDS: Sql = Sql::each(
    "SELECT code, name, supplier, supplier_ref, gtin FROM items ORDER BY code COLLATE BINARY",
    "SELECT code, name, supplier, supplier_ref, gtin FROM items ORDER BY code COLLATE \"C\"",
);
/// A lot number across every item, with each location's balance (a lot
/// with no stock anywhere once, without a location); a location's sealed
/// units first, then its opened portions by opening date (the balance's
/// key: without it the engines order those rows differently).
pub const LOTS_NUMBERED: Sql = Sql::each(
    "SELECT i.code, i.name, l.lot, l.expiry, l.status, loc.code, coalesce(b.quantity, 0) \
     FROM lots l JOIN items i ON i.id = l.item_id \
     LEFT JOIN balances b ON b.lot_id = l.id AND b.quantity <> 0 \
     LEFT JOIN locations loc ON loc.id = b.location_id \
     WHERE l.lot = ?1 ORDER BY i.code COLLATE BINARY, loc.code COLLATE BINARY, b.opened_on COLLATE BINARY",
    "SELECT i.code, i.name, l.lot, l.expiry, l.status, loc.code, coalesce(b.quantity, 0) \
     FROM lots l JOIN items i ON i.id = l.item_id \
     LEFT JOIN balances b ON b.lot_id = l.id AND b.quantity <> 0 \
     LEFT JOIN locations loc ON loc.id = b.location_id \
     WHERE l.lot = ?1 ORDER BY i.code COLLATE \"C\", loc.code COLLATE \"C\" NULLS FIRST, \
     b.opened_on COLLATE \"C\" NULLS FIRST",
);
