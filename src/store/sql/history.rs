//! The SQL of the bin card and the recall trace (src/history.rs): both
//! read one item's or one lot's movements through an index, never the
//! whole ledger (tests/cli/plans.rs).

use crate::store::Sql;

/// The columns of a bin-card movement, in `raw_from` order.
macro_rules! movement_columns {
    () => {
        "SELECT m.id, m.at, m.kind, l.lot, m.location_id, loc.code, m.to_location_id, tl.code, m.quantity, \
         m.counted, m.reason, m.reference, m.\"user\", m.note, coalesce(m.to_opened_on, m.opened_on), \
         m.to_opened_on IS NOT NULL \
         FROM movements m JOIN lots l ON l.id = m.lot_id JOIN locations loc ON loc.id = m.location_id \
         LEFT JOIN locations tl ON tl.id = m.to_location_id "
    };
}

/// The movements of one item, in ledger order.
pub const ITEM_MOVEMENTS: Sql = Sql::both(concat!(
    movement_columns!(),
    "WHERE m.item_id = ?1 ORDER BY m.id"
));
/// How many movements an item has (`movements_item`).
pub const ITEM_MOVEMENT_COUNT: Sql = Sql::both("SELECT count(*) FROM movements WHERE item_id = ?1");
/// An item's balance now, over every lot and location.
pub const ITEM_BALANCE: Sql =
    Sql::both("SELECT coalesce(sum(quantity), 0) FROM balances WHERE item_id = ?1");
/// The `?2` newest movements of an item: what they changed.
pub const ITEM_NEWEST_CHANGES: Sql = Sql::both(
    "SELECT quantity, to_location_id, to_opened_on FROM movements \
     WHERE item_id = ?1 ORDER BY id DESC LIMIT ?2",
);
/// A page of an item's movements, newest first.
pub const ITEM_MOVEMENTS_NEWEST: Sql = Sql::both(concat!(
    movement_columns!(),
    "WHERE m.item_id = ?1 ORDER BY m.id DESC LIMIT ?2 OFFSET ?3"
));
/// The movements of one lot of an item, in ledger order.
pub const LOT_MOVEMENTS: Sql = Sql::both(concat!(
    movement_columns!(),
    "WHERE m.item_id = ?1 AND m.lot_id = ?2 ORDER BY m.id"
));
