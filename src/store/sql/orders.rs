//! The SQL of purchase order lines (src/orders.rs): adding and ending
//! them, and what was received on each as of a date.
//!
//! What was received on a line has ONE definition, `received_by!`, written
//! once and instantiated per engine only for the collation that matches a
//! movement's reference to the line's case-insensitively (SQLite `NOCASE`,
//! PostgreSQL `labstock_nocase`, the collation of `orders.reference` and
//! of the index `movements_unlinked_order_refs` on each engine).

use crate::store::Sql;

/// What was received on order line `o` by the moment `$end`: THE
/// definition of "received on an order line" (SPEC §10: receipts match
/// the line on (reference, item)), used by `order list`, reorder's
/// `on_order`, the over-receipt warning (through `orders.received`,
/// maintained from it) and `check`, which proves `orders.received`
/// against it.
///
/// A movement counts against a line when it is linked to it by
/// `order_id` (a receipt naming the line's reference, `--order`, an
/// imported receipt correction, or the reversal of any of these), or,
/// recorded before the line existed and so unlinked (the ledger is
/// append-only), when it is a receipt or receipt correction (`adjust`)
/// naming the line's (reference, item), or the unlinked reversal of one.
/// Each half is one index range (`movements_order`,
/// `movements_unlinked_order_refs`). `$nocase` is the engine's
/// case-insensitive collation.
macro_rules! received_by {
    ($end:literal, $nocase:literal) => {
        concat!(
            "((SELECT coalesce(SUM(m.quantity), 0) FROM movements m \
               WHERE m.order_id = o.id AND m.at < ",
            $end,
            ") \
             + (SELECT coalesce(SUM(m.quantity + coalesce( \
                     (SELECT r.quantity FROM movements r WHERE r.reverses = m.id AND r.order_id IS NULL AND r.at < ",
            $end,
            "), 0)), 0) \
                  FROM movements m \
                 WHERE m.item_id = o.item_id AND m.reference = o.reference COLLATE ",
            $nocase,
            " AND m.order_id IS NULL AND m.reference IS NOT NULL \
                   AND (m.kind = 'receive' OR m.kind = 'adjust') AND m.at < ",
            $end,
            "))"
        )
    };
}

/// The columns of an `OrderLine`, with `received` by the moment ?1.
macro_rules! line_columns {
    ($nocase:literal) => {
        concat!(
            "SELECT o.id, o.item_id, o.reference, o.supplier, i.code, i.name, loc.code, o.ordered_on, \
                    o.expected_on, o.quantity, o.status, o.closed_on, ",
            received_by!("?1", $nocase),
            " FROM orders o JOIN items i ON i.id = o.item_id JOIN locations loc ON loc.id = o.location_id "
        )
    };
}

/// Order lines with what was received against them by the end of a day
/// (?1), by item (?2), location (?3), and only those counting as on
/// order on ?5 (?4); by reference then item code, byte order.
pub const LINES_AS_OF: Sql = Sql::each(
    concat!(
        line_columns!("NOCASE"),
        "WHERE (?2 IS NULL OR o.item_id = ?2) AND (?3 IS NULL OR o.location_id = ?3) \
           AND (NOT ?4 OR (o.ordered_on <= ?5 AND (o.closed_on IS NULL OR o.closed_on > ?5))) \
         ORDER BY o.reference COLLATE BINARY, i.code COLLATE BINARY"
    ),
    concat!(
        line_columns!("labstock_nocase"),
        "WHERE (CAST(?2 AS BIGINT) IS NULL OR o.item_id = ?2) AND (CAST(?3 AS BIGINT) IS NULL OR o.location_id = ?3) \
           AND (NOT ?4 OR (o.ordered_on <= ?5 AND (o.closed_on IS NULL OR o.closed_on > ?5))) \
         ORDER BY o.reference COLLATE \"C\", i.code COLLATE \"C\""
    ),
);

/// One order line by id (?2), with what was received by the moment ?1:
/// what `order add` and each `import orders` row read back (primary key).
pub const LINE_BY_ID: Sql = Sql::each(
    concat!(line_columns!("NOCASE"), "WHERE o.id = ?2"),
    concat!(line_columns!("labstock_nocase"), "WHERE o.id = ?2"),
);

/// The lines of one order (reference ?2), with what was received on each
/// by the moment ?1 (`orders` UNIQUE (reference, item_id)).
pub const LINES_OF_ORDER: Sql = Sql::each(
    concat!(
        line_columns!("NOCASE"),
        "WHERE o.reference = ?2 ORDER BY i.code COLLATE BINARY"
    ),
    concat!(
        line_columns!("labstock_nocase"),
        "WHERE o.reference = ?2 ORDER BY i.code COLLATE \"C\""
    ),
);

/// The movements that count against the lines of order ?1, by the same
/// definition as `received_by!`: linked to a line by `order_id`
/// (`movements_order`), or unlinked receipts and receipt corrections
/// naming a line's (reference, item) (`movements_unlinked_order_refs`),
/// and the unlinked reversals of these; oldest first.
macro_rules! order_receipts {
    ($nocase:literal) => {
        concat!(
            "WITH line AS (SELECT id, item_id, reference FROM orders WHERE reference = ?1), \
             counted AS ( \
               SELECT m.id FROM line o JOIN movements m ON m.order_id = o.id \
               UNION \
               SELECT m.id FROM line o JOIN movements m ON m.item_id = o.item_id \
                      AND m.reference = o.reference COLLATE ",
            $nocase,
            " WHERE m.order_id IS NULL AND m.reference IS NOT NULL \
                  AND (m.kind = 'receive' OR m.kind = 'adjust')), \
             reversals AS ( \
               SELECT r.id FROM counted c JOIN movements r ON r.reverses = c.id WHERE r.order_id IS NULL) \
             SELECT m.id, m.at, m.kind, i.code, l.lot, loc.code, m.quantity, m.\"user\" \
               FROM movements m JOIN items i ON i.id = m.item_id JOIN lots l ON l.id = m.lot_id \
               JOIN locations loc ON loc.id = m.location_id \
              WHERE m.id IN (SELECT id FROM counted UNION SELECT id FROM reversals) \
              ORDER BY m.id"
        )
    };
}
/// See `order_receipts!`.
pub const ORDER_RECEIPTS: Sql = Sql::each(
    order_receipts!("NOCASE"),
    order_receipts!("labstock_nocase"),
);

/// `orders.received` of every line beside what the ledger says it is
/// (the definition over the whole ledger, by the moment ?1), for `check`.
pub const RECEIVED_DISAGREEING: Sql = Sql::each(
    concat!(
        "SELECT o.reference, i.code, o.received, ",
        received_by!("?1", "NOCASE"),
        " AS ledger FROM orders o JOIN items i ON i.id = o.item_id WHERE o.received <> ledger ORDER BY o.id"
    ),
    concat!(
        "SELECT reference, code, received, ledger FROM (SELECT o.id, o.reference, i.code, o.received, ",
        received_by!("?1", "labstock_nocase"),
        " AS ledger FROM orders o JOIN items i ON i.id = o.item_id) x WHERE received <> ledger ORDER BY id"
    ),
);

/// The supplier of a reference's first line that names one
/// (`orders` UNIQUE (reference, item_id), then the line's item by key).
pub const REFERENCE_SUPPLIER: Sql = Sql::both(
    "SELECT o.supplier, i.code FROM orders o JOIN items i ON i.id = o.item_id \
     WHERE o.reference = ?1 AND o.supplier IS NOT NULL ORDER BY o.reference, o.item_id LIMIT 1",
);

/// Whether the (reference, item) line exists (`orders` UNIQUE (reference, item_id)).
pub const LINE_EXISTS: Sql =
    Sql::both("SELECT reference FROM orders WHERE reference = ?1 AND item_id = ?2");

/// A new order line, and its id (`Conn::insert`).
pub const INSERT_LINE: Sql = Sql::each(
    "INSERT INTO orders (reference, supplier, item_id, quantity, ordered_on, expected_on, location_id, \
     created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    "INSERT INTO orders (reference, supplier, item_id, quantity, ordered_on, expected_on, location_id, \
     created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
);

/// A new line starts from what was received on it before it existed.
pub const SET_RECEIVED: Sql = Sql::both("UPDATE orders SET received = ?2 WHERE id = ?1");

/// Every order reference, for the suggestions of an unknown one.
pub const REFERENCES: Sql = Sql::both("SELECT DISTINCT reference FROM orders");

/// The lines of one order as `order cancel|close` needs them, by item
/// code (byte order); locked on PostgreSQL until the transaction ends, so
/// two writers ending one order take turns.
pub const LINES_TO_END: Sql = Sql::each(
    "SELECT o.id, i.code, o.status, o.closed_on, o.reference FROM orders o \
     JOIN items i ON i.id = o.item_id WHERE o.reference = ?1 ORDER BY i.code COLLATE BINARY",
    "SELECT o.id, i.code, o.status, o.closed_on, o.reference FROM orders o \
     JOIN items i ON i.id = o.item_id WHERE o.reference = ?1 ORDER BY i.code COLLATE \"C\" FOR UPDATE OF o",
);

/// End one order line.
pub const END_LINE: Sql = Sql::both(
    "UPDATE orders SET status = ?2, closed_on = ?3, closed_by = ?4, close_reason = ?5 WHERE id = ?1",
);
