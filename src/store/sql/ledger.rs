//! The SQL of the ledger (src/ledger.rs). Each of the hot paths must find
//! its rows through an index, never by scanning `movements`.
//!
//! On PostgreSQL a balance is read `FOR UPDATE`: the ledger reads a
//! balance, checks it and writes it back, and under READ COMMITTED two
//! writers doing so at once would both read the same value (a lost update
//! or an overdraft two issues together allow). The row lock makes the
//! second wait and then read the first's result. A new balance row two
//! writers insert at once makes the second fail on the primary key; the
//! transaction is then run again (src/store/postgres), and finds the row.

use crate::store::Sql;

/// One lot of an item by its exact number (`lots` UNIQUE (item_id, lot)).
pub const LOT_BY_NAME: Sql = Sql::both(concat!(
    "SELECT l.id, l.lot, l.expiry, ",
    crate::lot_status_sql!("l"),
    " FROM lots l WHERE l.item_id = ?1 AND l.lot = ?2"
));
/// Every lot, as `LOT_BY_NAME` gives one, and its item; at most ?1.
pub const ALL_LOTS: Sql = Sql::both(concat!(
    "SELECT l.id, l.lot, l.expiry, ",
    crate::lot_status_sql!("l"),
    ", l.item_id FROM lots l LIMIT ?1"
));
/// The named lots of an item, for the suggestions of an unknown lot.
pub const LOT_NAMES: Sql = Sql::each(
    "SELECT lot FROM lots WHERE item_id = ?1 AND lot <> '' ORDER BY lot",
    "SELECT lot FROM lots WHERE item_id = ?1 AND lot <> '' ORDER BY lot COLLATE \"C\"",
);
/// A new lot (?5: it awaits acceptance, SPEC §13), and its id
/// (`Conn::insert`).
pub const INSERT_LOT: Sql = Sql::each(
    "INSERT INTO lots (item_id, lot, expiry, created_at, pending) VALUES (?1, ?2, ?3, ?4, ?5)",
    "INSERT INTO lots (item_id, lot, expiry, created_at, pending) VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
);
/// One maintained balance: a portion of a lot at a location
/// (`balances` primary key; ?3 '' for the sealed portion), locked on
/// PostgreSQL until the transaction ends.
pub const BALANCE: Sql = Sql::each(
    "SELECT quantity FROM balances WHERE lot_id = ?1 AND location_id = ?2 AND opened_on = ?3",
    "SELECT quantity FROM balances WHERE lot_id = ?1 AND location_id = ?2 AND opened_on = ?3 FOR UPDATE",
);
/// Change a maintained balance that has a row.
pub const UPDATE_BALANCE: Sql = Sql::both(
    "UPDATE balances SET quantity = ?4 WHERE lot_id = ?1 AND location_id = ?2 AND opened_on = ?3",
);
/// The first balance of a portion of a lot at a location.
pub const INSERT_BALANCE: Sql = Sql::both(
    "INSERT INTO balances (lot_id, location_id, opened_on, item_id, quantity) VALUES (?1, ?2, ?3, ?4, ?5)",
);
/// The portions of one lot at one location (`balances` primary key).
pub const PORTIONS: Sql =
    Sql::both("SELECT opened_on, quantity FROM balances WHERE lot_id = ?1 AND location_id = ?2");
/// Whether any balance row exists (an import that holds the ledger to
/// itself reads none while the ledger was empty).
pub const ANY_BALANCE: Sql = Sql::both("SELECT 1 FROM balances LIMIT 1");
/// The items that have order lines (`orders` UNIQUE (reference, item_id)
/// read whole: a network's open and past orders, a few per item).
pub const ORDER_ITEMS: Sql = Sql::both("SELECT DISTINCT item_id FROM orders");
/// The order line a receipt counts against (`orders` UNIQUE (reference, item_id)).
pub const ORDER_LINE: Sql = Sql::both(
    "SELECT id, reference, quantity, received FROM orders WHERE reference = ?1 AND item_id = ?2",
);
/// Where an order line is to be delivered.
pub const ORDER_LOCATION: Sql = Sql::both("SELECT location_id FROM orders WHERE id = ?1");
/// An order line that is no longer open: its status and when it closed.
pub const ORDER_ENDED: Sql =
    Sql::both("SELECT status, closed_on FROM orders WHERE id = ?1 AND status <> 'open'");
/// Count a receipt (or its correction) against its order line.
pub const ORDER_RECEIVED: Sql =
    Sql::both("UPDATE orders SET received = received + ?2 WHERE id = ?1");
/// Lots of an item with a balance row at one location, empty or not: a
/// backdated FEFO issue weighs each by its balance at the time.
pub const LOTS_AT_LOCATION: Sql = Sql::both(concat!(
    "SELECT l.id, l.lot, l.expiry, ",
    crate::lot_status_sql!("l"),
    ", b.opened_on, b.quantity FROM balances b \
     JOIN lots l ON l.id = b.lot_id WHERE b.item_id = ?1 AND b.location_id = ?2"
));
/// Lots of an item with stock at one location, for FEFO (`balances_item`).
pub const LOTS_WITH_STOCK: Sql = Sql::both(concat!(
    "SELECT l.id, l.lot, l.expiry, ",
    crate::lot_status_sql!("l"),
    ", b.opened_on, b.quantity FROM balances b \
     JOIN lots l ON l.id = b.lot_id WHERE b.item_id = ?1 AND b.location_id = ?2 AND b.quantity > 0"
));
/// The other locations holding an item, for the message of a short issue.
pub const OTHER_LOCATIONS_WITH_STOCK: Sql = Sql::each(
    "SELECT b.location_id, loc.code FROM balances b JOIN locations loc ON loc.id = b.location_id \
     WHERE b.item_id = ?1 AND b.location_id <> ?2 AND b.quantity > 0 GROUP BY b.location_id ORDER BY loc.code",
    "SELECT b.location_id, loc.code FROM balances b JOIN locations loc ON loc.id = b.location_id \
     WHERE b.item_id = ?1 AND b.location_id <> ?2 AND b.quantity > 0 GROUP BY b.location_id, loc.code \
     ORDER BY loc.code COLLATE labstock_nocase",
);
/// Where a lot has sealed units.
pub const SEALED_LOCATIONS_OF_LOT: Sql = Sql::each(
    "SELECT loc.code FROM balances b JOIN locations loc ON loc.id = b.location_id \
     WHERE b.lot_id = ?1 AND b.opened_on = '' AND b.quantity > 0 ORDER BY loc.code",
    "SELECT loc.code FROM balances b JOIN locations loc ON loc.id = b.location_id \
     WHERE b.lot_id = ?1 AND b.opened_on = '' AND b.quantity > 0 ORDER BY loc.code COLLATE labstock_nocase",
);
/// A movement as a reversal needs it: what it changed, its order line
/// (linked, or a receipt's by reference), and its reversal if any.
/// The line's reference matches ignoring case (NOCASE, the collation of
/// `orders.reference`; PostgreSQL needs it named, the two columns'
/// collations differing).
pub const MOVEMENT_TO_REVERSE: Sql = Sql::each(
    "SELECT m.kind, m.item_id, m.lot_id, m.location_id, m.to_location_id, m.quantity, \
     coalesce(m.order_id, CASE WHEN m.kind = 'receive' OR m.kind = 'adjust' THEN \
       (SELECT o.id FROM orders o WHERE o.reference = m.reference AND o.item_id = m.item_id) END), \
     (SELECT r.id FROM movements r WHERE r.reverses = m.id), m.opened_on, m.to_opened_on \
     FROM movements m WHERE m.id = ?1",
    "SELECT m.kind, m.item_id, m.lot_id, m.location_id, m.to_location_id, m.quantity, \
     coalesce(m.order_id, CASE WHEN m.kind = 'receive' OR m.kind = 'adjust' THEN \
       (SELECT o.id FROM orders o WHERE o.reference = m.reference COLLATE labstock_nocase \
          AND o.item_id = m.item_id) END), \
     (SELECT r.id FROM movements r WHERE r.reverses = m.id), m.opened_on, m.to_opened_on \
     FROM movements m WHERE m.id = ?1",
);
/// The waste record a disposal wrote.
pub const WASTE_OF_MOVEMENT: Sql = Sql::both("SELECT id FROM waste_records WHERE movement_id = ?1");
/// A user's latest movement that is neither a reversal nor reversed,
/// walking the ledger back from its newest row.
pub const LAST_REVERSIBLE: Sql = Sql::both(
    "SELECT m.id FROM movements m WHERE m.\"user\" = ?1 AND m.kind <> 'reverse' \
     AND NOT EXISTS (SELECT 1 FROM movements r WHERE r.reverses = m.id) \
     ORDER BY m.id DESC LIMIT 1",
);
/// An item's code by id.
pub const ITEM_CODE: Sql = Sql::both("SELECT code FROM items WHERE id = ?1");
/// A lot's number by id.
pub const LOT_NAME: Sql = Sql::both("SELECT lot FROM lots WHERE id = ?1");
/// A location by id.
pub const LOCATION_BY_ID: Sql =
    Sql::both("SELECT id, code, name, retired_on FROM locations WHERE id = ?1");

/// The maintained balances `stock_as_of` starts from, by the most
/// selective filter given (?1 item, ?2 location, ?3 lot): a condition
/// written `?1 IS NULL OR b.item_id = ?1` cannot use an index, so each
/// filter leads its own statement and the others ride along. ?4 true
/// skips zero balances (as of today they are zero; as of an earlier
/// date they may not be).
macro_rules! stock_balances {
    ($lead:literal) => {
        stock_balances!("balances b", $lead)
    };
    ($from:literal, $lead:literal) => {
        concat!(
            "SELECT b.item_id, i.code, i.name, b.lot_id, l.lot, l.expiry, ",
            crate::lot_status_sql!("l"),
            ", b.opened_on, i.in_use_days, \
             b.location_id, loc.code, b.quantity \
             FROM ",
            $from,
            " JOIN items i ON i.id = b.item_id JOIN lots l ON l.id = b.lot_id \
             JOIN locations loc ON loc.id = b.location_id WHERE ",
            $lead,
            " AND (CAST(?1 AS BIGINT) IS NULL OR b.item_id = ?1) AND (CAST(?2 AS BIGINT) IS NULL OR b.location_id = ?2) \
             AND (CAST(?3 AS BIGINT) IS NULL OR b.lot_id = ?3) AND (NOT ?4 OR b.quantity <> 0)"
        )
    };
}
/// Balances of one lot (`balances` primary key).
pub const STOCK_OF_LOT: Sql = Sql::both(stock_balances!("b.lot_id = ?3"));
/// Balances of one item (`balances_item`).
pub const STOCK_OF_ITEM: Sql = Sql::both(stock_balances!("b.item_id = ?1"));
/// Balances at one location (`balances_location`).
pub const STOCK_AT_LOCATION: Sql = Sql::both(stock_balances!("b.location_id = ?2"));
/// Every balance, in the table's own (lot, location) order: walking an
/// index instead would fetch each row from a random place (SQLite's `NOT
/// INDEXED`; PostgreSQL's planner chooses a sequential scan itself).
pub const STOCK_ALL: Sql = Sql::each(
    stock_balances!("balances b NOT INDEXED", "1 = 1"),
    stock_balances!("balances b", "1 = 1"),
);
/// The movements of a lot stamped after a moment, latest first: what a
/// backdated movement must not take below zero (`movements_lot_at`;
/// nothing to read for a movement dated now).
pub const LATER_OF_LOT: Sql = Sql::both(
    "SELECT id, kind, at, location_id, to_location_id, quantity, opened_on, to_opened_on FROM movements \
     WHERE lot_id = ?1 AND at > ?2 ORDER BY at DESC, id DESC",
);
/// The time of the latest movement (`movements_at`): an import that holds
/// the ledger to itself walks no later movements of rows dated after it.
pub const LATEST_AT: Sql = Sql::both("SELECT max(at) FROM movements");
/// Movements stamped after a moment, which `stock_as_of` takes back
/// off the balances (`movements_at`: an empty range for today).
pub const MOVEMENTS_AFTER: Sql = Sql::both(
    "SELECT lot_id, location_id, to_location_id, quantity, opened_on, to_opened_on FROM movements \
     WHERE at >= ?1 AND (CAST(?2 AS BIGINT) IS NULL OR item_id = ?2) AND (CAST(?3 AS BIGINT) IS NULL OR lot_id = ?3) \
     AND (CAST(?4 AS BIGINT) IS NULL OR location_id = ?4 OR to_location_id = ?4)",
);

/// The lot's first stock-in (`movements_item`).
pub const FIRST_RECEIVED: Sql =
    Sql::both("SELECT min(at) FROM movements WHERE item_id = ?1 AND lot_id = ?2 AND quantity > 0");
/// Lots whose status changed after a moment (`lot_events_at`,
/// `lot_acceptances_at`).
pub const LOTS_CHANGED_AFTER: Sql = Sql::both(
    "SELECT lot_id FROM lot_events WHERE at >= ?1 AND action <> 'open' \
     UNION SELECT lot_id FROM lot_acceptances WHERE at >= ?1 AND result <> 'pending'",
);
/// A lot's status events (`lot_events_lot`).
pub const LOT_STATUS_EVENTS: Sql = Sql::both(
    "SELECT action, at FROM lot_events WHERE lot_id = ?1 AND action <> 'open' ORDER BY id",
);
/// A lot's acceptance records (`lot_acceptances_lot`).
pub const LOT_ACCEPTANCES: Sql =
    Sql::both("SELECT lot_id, result, at FROM lot_acceptances WHERE lot_id = ?1 ORDER BY id");
