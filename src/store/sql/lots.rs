//! The SQL of lot statuses and `lot list` (src/lots.rs).

use crate::store::Sql;

/// An item's lots with expiry, first opening still held, status and
/// stock, earliest expiry first (no expiry last).
pub const LOT_LIST: Sql = Sql::both(concat!(
    "SELECT l.lot, l.expiry, \
     (SELECT min(b.opened_on) FROM balances b WHERE b.lot_id = l.id AND b.opened_on <> '' AND b.quantity > 0), ",
    crate::lot_status_sql!("l"),
    ", (SELECT coalesce(SUM(b.quantity), 0) FROM balances b WHERE b.lot_id = l.id) \
     FROM lots l WHERE l.item_id = ?1 ORDER BY l.expiry IS NULL, l.expiry, l.lot"
));
/// A lot's status (its cache of its events).
pub const SET_LOT_STATUS: Sql = Sql::both("UPDATE lots SET status = ?2 WHERE id = ?1");
/// Whether a lot awaits acceptance.
pub const LOT_PENDING: Sql = Sql::both("SELECT pending FROM lots WHERE id = ?1");
/// Quarantine a lot only if it is available and not pending.
pub const QUARANTINE_AVAILABLE: Sql = Sql::both(
    "UPDATE lots SET status = 'quarantined' WHERE id = ?1 AND status = 'available' AND pending = 0",
);
/// A lot's events in recording order (`lot_events_lot`).
pub const LOT_EVENTS: Sql =
    Sql::both("SELECT action, on_date, at FROM lot_events WHERE lot_id = ?1 ORDER BY id");

// ---- `check`: every lot proven against its records (`lots_disagreeing`) ----

/// Every lot event, replayed per lot in recording order.
pub const ALL_LOT_EVENTS: Sql =
    Sql::both("SELECT lot_id, action, on_date FROM lot_events ORDER BY lot_id, id");
/// Every lot's creation record, with its item's code.
pub const ALL_LOT_CREATIONS: Sql = Sql::both(
    "SELECT c.lot_id, c.id, c.item_id, i.code, c.lot, c.expiry \
     FROM lot_creations c LEFT JOIN items i ON i.id = c.item_id",
);
/// Every lot as its row says, by item code (without regard to case:
/// each character by its lowercase mapping, as NOCASE compares on
/// SQLite), lot and id.
pub const ALL_LOTS_TO_PROVE: Sql = Sql::each(
    "SELECT l.id, l.item_id, coalesce(i.code, '#' || l.item_id), l.lot, l.expiry, l.status, l.opened_on, l.pending \
     FROM lots l LEFT JOIN items i ON i.id = l.item_id ORDER BY i.code COLLATE NOCASE, l.lot, l.id",
    "SELECT l.id, l.item_id, coalesce(i.code COLLATE \"C\", '#' || l.item_id), l.lot, l.expiry, l.status, l.opened_on, l.pending \
     FROM lots l LEFT JOIN items i ON i.id = l.item_id \
     ORDER BY lower(i.code COLLATE labstock_nocase) COLLATE \"C\", l.lot COLLATE \"C\", l.id",
);
