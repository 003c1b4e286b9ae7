//! The SQL of made-up solutions, recipes, batch traces and recalls
//! (src/prepare.rs).
//!
//! A recursive walk's first row fixes its columns' types on PostgreSQL:
//! its parameter and its NULL are cast to BIGINT there (SQLite needs no
//! cast). SQLite sorts NULL first, PostgreSQL last unless told
//! `NULLS FIRST`.

use crate::store::Sql;

/// Every lot of an item with stock, by location, for a refusal's list of
/// usable stock: earliest expiry first (none first, as SQLite sorts NULL).
pub const USABLE_STOCK: Sql = Sql::each(
    "SELECT l.lot, l.expiry, nullif(b.opened_on, ''), l.status, l.pending, loc.code, b.quantity \
     FROM balances b JOIN lots l ON l.id = b.lot_id JOIN locations loc ON loc.id = b.location_id \
     WHERE b.item_id = ?1 AND b.quantity > 0 ORDER BY l.expiry, l.lot, loc.code",
    "SELECT l.lot, l.expiry, nullif(b.opened_on, ''), l.status, l.pending, loc.code, b.quantity \
     FROM balances b JOIN lots l ON l.id = b.lot_id JOIN locations loc ON loc.id = b.location_id \
     WHERE b.item_id = ?1 AND b.quantity > 0 ORDER BY l.expiry NULLS FIRST, l.lot, loc.code",
);

/// The first lot of item ?2 in the ancestry of lot ?1 (the batches it
/// was made from, recursively): making ?2 from ?1 would close a cycle.
pub const CYCLE_THROUGH: Sql = Sql::each(
    "WITH RECURSIVE up(lot_id) AS ( \
         SELECT ?1 \
         UNION SELECT c.lot_id FROM up JOIN batches b ON b.lot_id = up.lot_id \
               JOIN batch_components c ON c.batch_id = b.id) \
     SELECT l.lot FROM up JOIN lots l ON l.id = up.lot_id WHERE l.item_id = ?2 LIMIT 1",
    "WITH RECURSIVE up(lot_id) AS ( \
         SELECT CAST(?1 AS BIGINT) \
         UNION SELECT c.lot_id FROM up JOIN batches b ON b.lot_id = up.lot_id \
               JOIN batch_components c ON c.batch_id = b.id) \
     SELECT l.lot FROM up JOIN lots l ON l.id = up.lot_id WHERE l.item_id = ?2 LIMIT 1",
);

/// An item's recipe: (component code, quantity per unit made), in order.
pub const RECIPE_OF: Sql = Sql::both(
    "SELECT i.code, r.quantity FROM recipes r JOIN items i ON i.id = r.component_item_id \
     WHERE r.item_id = ?1 ORDER BY r.position",
);

/// Whether the recipe of ?1 uses ?2, directly or through the recipes of
/// its components.
pub const RECIPE_USES: Sql = Sql::each(
    "WITH RECURSIVE down(item_id) AS ( \
         SELECT ?1 \
         UNION SELECT r.component_item_id FROM down JOIN recipes r ON r.item_id = down.item_id) \
     SELECT 1 FROM down WHERE item_id = ?2 LIMIT 1",
    "WITH RECURSIVE down(item_id) AS ( \
         SELECT CAST(?1 AS BIGINT) \
         UNION SELECT r.component_item_id FROM down JOIN recipes r ON r.item_id = down.item_id) \
     SELECT 1 FROM down WHERE item_id = ?2 LIMIT 1",
);

/// An item's recipe removed, to be replaced whole.
pub const DELETE_RECIPE: Sql = Sql::both("DELETE FROM recipes WHERE item_id = ?1");

/// One line of a recipe.
pub const INSERT_RECIPE_LINE: Sql = Sql::both(
    "INSERT INTO recipes (item_id, position, component_item_id, quantity) VALUES (?1, ?2, ?3, ?4)",
);

/// A batch's links to other lots, walked from lot ?1: `$recurse` is the
/// step (down: the batches made from a lot; up: the lots a batch was
/// made from); `$first` the walk's first row (typed on PostgreSQL); each
/// lot at the far end with its status, stock and day of making.
macro_rules! links_sql {
    ($first:literal, $recurse:literal, $binary:literal) => {
        concat!(
            "WITH RECURSIVE walk(lot_id, depth, qty) AS (",
            $first,
            " UNION ",
            $recurse,
            " WHERE walk.depth < 64) \
             SELECT walk.depth, i.code, l.lot, walk.qty, l.expiry, ",
            crate::lot_status_sql!("l"),
            ", (SELECT coalesce(SUM(x.quantity), 0) FROM balances x WHERE x.lot_id = l.id), bt.prepared_on \
             FROM walk JOIN lots l ON l.id = walk.lot_id JOIN items i ON i.id = l.item_id \
             LEFT JOIN batches bt ON bt.lot_id = l.id \
             WHERE walk.depth > 0 ORDER BY walk.depth, i.code COLLATE ",
            $binary,
            ", l.lot"
        )
    };
}

macro_rules! links {
    ($recurse:literal) => {
        Sql::each(
            links_sql!("SELECT ?1, 0, NULL", $recurse, "BINARY"),
            links_sql!(
                "SELECT CAST(?1 AS BIGINT), CAST(0 AS BIGINT), CAST(NULL AS BIGINT)",
                $recurse,
                "\"C\""
            ),
        )
    };
}

/// Every batch made from lot ?1, and from those batches, nearest first
/// (`batch_components_lot`).
pub const MADE_INTO: Sql = links!(
    "SELECT b.lot_id, walk.depth + 1, c.quantity FROM walk JOIN batch_components c ON c.lot_id = walk.lot_id \
     JOIN batches b ON b.id = c.batch_id"
);

/// Every component lot lot ?1 was made from, and theirs, nearest first.
pub const MADE_FROM: Sql = links!(
    "SELECT c.lot_id, walk.depth + 1, c.quantity FROM walk JOIN batches b ON b.lot_id = walk.lot_id \
     JOIN batch_components c ON c.batch_id = b.id"
);

/// Whether lot ?2 of item ?1 is a batch made by `prepare`.
pub const IS_BATCH: Sql = Sql::both(
    "SELECT 1 FROM batches b JOIN lots l ON l.id = b.lot_id WHERE l.item_id = ?1 AND l.lot = ?2",
);

/// Stock of lot ?1 at location ?2, or everywhere (?2 NULL).
pub const LOT_HELD: Sql = Sql::each(
    "SELECT coalesce(SUM(quantity), 0) FROM balances WHERE lot_id = ?1 AND (?2 IS NULL OR location_id = ?2)",
    "SELECT coalesce(SUM(quantity), 0) FROM balances WHERE lot_id = ?1 \
     AND (CAST(?2 AS BIGINT) IS NULL OR location_id = ?2)",
);

/// Every lot of an item with stock anywhere, by portion: (lot, opened
/// on, total held).
pub const ALL_LOTS_WITH_STOCK: Sql = Sql::both(
    "SELECT l.lot, b.opened_on, SUM(b.quantity) FROM balances b JOIN lots l ON l.id = b.lot_id \
     WHERE b.item_id = ?1 AND b.quantity > 0 GROUP BY l.id, b.opened_on ORDER BY l.id, b.opened_on",
);

/// Batch records that disagree with their lot or their receipt (`check`).
pub const BATCHES_DISAGREEING: Sql = Sql::each(
    "SELECT b.id, i.code, l.lot FROM batches b JOIN items i ON i.id = b.item_id JOIN lots l ON l.id = b.lot_id \
     LEFT JOIN movements m ON m.id = b.movement_id \
     WHERE l.item_id <> b.item_id OR l.expiry IS NOT b.expiry \
        OR m.id IS NULL OR m.kind <> 'receive' OR m.lot_id <> b.lot_id OR m.quantity <> b.quantity \
        OR m.location_id <> b.location_id ORDER BY b.id",
    "SELECT b.id, i.code, l.lot FROM batches b JOIN items i ON i.id = b.item_id JOIN lots l ON l.id = b.lot_id \
     LEFT JOIN movements m ON m.id = b.movement_id \
     WHERE l.item_id <> b.item_id OR l.expiry IS DISTINCT FROM b.expiry \
        OR m.id IS NULL OR m.kind <> 'receive' OR m.lot_id <> b.lot_id OR m.quantity <> b.quantity \
        OR m.location_id <> b.location_id ORDER BY b.id",
);

/// Batch component records that disagree with their lot or their issue
/// (`check`).
pub const COMPONENTS_DISAGREEING: Sql = Sql::both(
    "SELECT c.id, i.code, l.lot FROM batch_components c JOIN items i ON i.id = c.item_id JOIN lots l ON l.id = c.lot_id \
     LEFT JOIN movements m ON m.id = c.movement_id \
     WHERE l.item_id <> c.item_id \
        OR (c.movement_id IS NOT NULL AND (m.id IS NULL OR m.kind <> 'issue' OR m.lot_id <> c.lot_id OR m.quantity <> -c.quantity)) \
     ORDER BY c.id",
);
