//! The SQL of `check` (src/check.rs): the ledger read once, the balances,
//! and the records each cache is proven against.

use crate::store::Sql;

/// Every movement once, in storage order (SQLite: rowid order, which is
/// id order; PostgreSQL's heap order is not guaranteed to be, so by id).
pub const LEDGER: Sql = Sql::each(
    "SELECT item_id, lot_id, location_id, to_location_id, quantity, order_id, reverses, at, recorded_at, id, opened_on, to_opened_on FROM movements",
    "SELECT item_id, lot_id, location_id, to_location_id, quantity, order_id, reverses, at, recorded_at, id, opened_on, to_opened_on FROM movements ORDER BY id",
);
/// Every maintained balance.
pub const BALANCES: Sql =
    Sql::both("SELECT lot_id, location_id, opened_on, quantity FROM balances");
/// Whether a row of each table the ledger refers to exists.
pub const ITEM_EXISTS: Sql = Sql::both("SELECT 1 FROM items WHERE id = ?1");
pub const LOT_EXISTS: Sql = Sql::both("SELECT 1 FROM lots WHERE id = ?1");
pub const LOCATION_EXISTS: Sql = Sql::both("SELECT 1 FROM locations WHERE id = ?1");
pub const ORDER_EXISTS: Sql = Sql::both("SELECT 1 FROM orders WHERE id = ?1");
pub const MOVEMENT_EXISTS: Sql = Sql::both("SELECT 1 FROM movements WHERE id = ?1");
/// One lot's movements in time order (a backdated lot replayed).
pub const LOT_IN_TIME: Sql = Sql::both(
    "SELECT id, location_id, to_location_id, quantity, opened_on, to_opened_on FROM movements WHERE lot_id = ?1 ORDER BY at, id",
);
/// A lot's item code and number, and a location's code.
pub const LOT_AND_LOCATION: Sql = Sql::both(
    "SELECT i.code, l.lot, loc.code FROM lots l JOIN items i ON i.id = l.item_id, locations loc WHERE l.id = ?1 AND loc.id = ?2",
);
/// A lot's item code and number.
pub const LOT_NAME: Sql = Sql::both(
    "SELECT i.code, lo.lot FROM lots lo JOIN items i ON i.id = lo.item_id WHERE lo.id = ?1",
);
/// A location's code.
pub const LOCATION_CODE: Sql = Sql::both("SELECT code FROM locations WHERE id = ?1");
/// Balances below zero.
pub const NEGATIVE_BALANCES: Sql = Sql::both(
    "SELECT i.code, l.lot, loc.code, b.quantity FROM balances b JOIN lots l ON l.id = b.lot_id \
     JOIN items i ON i.id = l.item_id JOIN locations loc ON loc.id = b.location_id WHERE b.quantity < 0 \
     ORDER BY b.lot_id, b.location_id, b.opened_on",
);
/// Balances that name another item than their lot's.
pub const BALANCES_OF_ANOTHER_ITEM: Sql = Sql::both(
    "SELECT count(*) FROM balances b JOIN lots l ON l.id = b.lot_id WHERE b.item_id <> l.item_id",
);
/// Order lines whose maintained status disagrees with their recorded end.
pub const ORDER_ENDS_DISAGREEING: Sql = Sql::each(
    "SELECT o.reference, i.code, o.status, coalesce(o.closed_on, ''), coalesce(o.closed_by, ''), \
            e.status, coalesce(e.on_date, ''), coalesce(e.user, '') \
     FROM orders o JOIN items i ON i.id = o.item_id LEFT JOIN order_events e ON e.order_id = o.id \
     WHERE (o.status = 'open') = (e.id IS NOT NULL) \
        OR (e.id IS NOT NULL AND (e.status <> o.status OR e.on_date IS NOT o.closed_on \
            OR e.user IS NOT o.closed_by OR e.reason IS NOT o.close_reason))",
    "SELECT o.reference, i.code, o.status, coalesce(o.closed_on, ''), coalesce(o.closed_by, ''), \
            e.status, coalesce(e.on_date, ''), coalesce(e.\"user\", '') \
     FROM orders o JOIN items i ON i.id = o.item_id LEFT JOIN order_events e ON e.order_id = o.id \
     WHERE (o.status = 'open') = (e.id IS NOT NULL) \
        OR (e.id IS NOT NULL AND (e.status <> o.status OR e.on_date IS DISTINCT FROM o.closed_on \
            OR e.\"user\" IS DISTINCT FROM o.closed_by OR e.reason IS DISTINCT FROM o.close_reason)) \
     ORDER BY o.id, e.id",
);
