//! The SQL of stocktakes (src/stocktake.rs).
//!
//! A sealed portion's `opened_on` is NULL in `stocktake_lines` and
//! `stocktake_counts`: lines are matched with SQLite's `IS`, PostgreSQL's
//! `IS NOT DISTINCT FROM`, and sorted with NULL (sealed) first on both.

use crate::store::Sql;

/// A stocktake's header and its ending event, if any.
pub const HEADER: Sql = Sql::both(
    "SELECT s.location_id, s.category, s.blind, e.action FROM stocktakes s \
     LEFT JOIN stocktake_events e ON e.stocktake_id = s.id WHERE s.id = ?1",
);
/// The open stocktake of a location, if any.
pub const OPEN_AT: Sql = Sql::both(
    "SELECT s.id FROM stocktakes s WHERE s.location_id = ?1 \
     AND NOT EXISTS (SELECT 1 FROM stocktake_events e WHERE e.stocktake_id = s.id)",
);
/// The book of a location when its stocktake starts.
pub const BOOK_AT: Sql = Sql::both(
    "SELECT b.lot_id, b.item_id, b.quantity, i.category, b.opened_on FROM balances b \
     JOIN items i ON i.id = b.item_id \
     WHERE b.location_id = ?1 AND b.quantity <> 0 ORDER BY b.item_id, b.lot_id, b.opened_on",
);
/// The latest count of each line of a stocktake.
pub const LATEST_COUNTS: Sql = Sql::each(
    "SELECT c.lot_id, c.opened_on, c.item_id, c.book, c.counted FROM stocktake_counts c \
     WHERE c.stocktake_id = ?1 AND c.id = (SELECT max(id) FROM stocktake_counts d \
           WHERE d.stocktake_id = c.stocktake_id AND d.lot_id = c.lot_id \
           AND d.opened_on IS c.opened_on) ORDER BY c.lot_id, c.opened_on",
    "SELECT c.lot_id, c.opened_on, c.item_id, c.book, c.counted FROM stocktake_counts c \
     WHERE c.stocktake_id = ?1 AND c.id = (SELECT max(id) FROM stocktake_counts d \
           WHERE d.stocktake_id = c.stocktake_id AND d.lot_id = c.lot_id \
           AND d.opened_on IS NOT DISTINCT FROM c.opened_on) ORDER BY c.lot_id, c.opened_on NULLS FIRST",
);
/// The sheet's lines, as written.
pub const SHEET_LINES: Sql = Sql::both(
    "SELECT lot_id, opened_on, item_id, book FROM stocktake_lines WHERE stocktake_id = ?1 ORDER BY id",
);
/// (item code, item name, lot, expiry, unit cost) of a lot.
pub const DESCRIBE_LOT: Sql = Sql::both(
    "SELECT i.code, i.name, l.lot, l.expiry, i.unit_cost_pence FROM lots l \
     JOIN items i ON i.id = l.item_id WHERE l.id = ?1",
);
/// A line's latest count (?3 the portion, NULL for sealed).
pub const PREVIOUS_COUNT: Sql = Sql::each(
    "SELECT counted FROM stocktake_counts WHERE stocktake_id = ?1 AND lot_id = ?2 \
     AND opened_on IS ?3 ORDER BY id DESC LIMIT 1",
    "SELECT counted FROM stocktake_counts WHERE stocktake_id = ?1 AND lot_id = ?2 \
     AND opened_on IS NOT DISTINCT FROM CAST(?3 AS TEXT) ORDER BY id DESC LIMIT 1",
);
/// Every stocktake, newest first, with its lines and counted lines.
pub const SUMMARIES: Sql = Sql::each(
    "SELECT s.id, loc.code, s.category, s.blind, s.at, s.\"user\", e.action, e.at, e.\"user\", \
            (SELECT count(*) FROM stocktake_lines l WHERE l.stocktake_id = s.id), \
            (SELECT count(*) FROM (SELECT DISTINCT c.lot_id, c.opened_on FROM stocktake_counts c \
               WHERE c.stocktake_id = s.id) x), \
            (SELECT count(*) FROM (SELECT DISTINCT c.lot_id, c.opened_on FROM stocktake_counts c WHERE c.stocktake_id = s.id \
               AND NOT EXISTS (SELECT 1 FROM stocktake_lines l WHERE l.stocktake_id = s.id AND l.lot_id = c.lot_id \
               AND l.opened_on IS c.opened_on)) y) \
     FROM stocktakes s JOIN locations loc ON loc.id = s.location_id \
     LEFT JOIN stocktake_events e ON e.stocktake_id = s.id ORDER BY s.id DESC",
    "SELECT s.id, loc.code, s.category, s.blind, s.at, s.\"user\", e.action, e.at, e.\"user\", \
            (SELECT count(*) FROM stocktake_lines l WHERE l.stocktake_id = s.id), \
            (SELECT count(*) FROM (SELECT DISTINCT c.lot_id, c.opened_on FROM stocktake_counts c \
               WHERE c.stocktake_id = s.id) x), \
            (SELECT count(*) FROM (SELECT DISTINCT c.lot_id, c.opened_on FROM stocktake_counts c WHERE c.stocktake_id = s.id \
               AND NOT EXISTS (SELECT 1 FROM stocktake_lines l WHERE l.stocktake_id = s.id AND l.lot_id = c.lot_id \
               AND l.opened_on IS NOT DISTINCT FROM c.opened_on)) y) \
     FROM stocktakes s JOIN locations loc ON loc.id = s.location_id \
     LEFT JOIN stocktake_events e ON e.stocktake_id = s.id ORDER BY s.id DESC",
);
