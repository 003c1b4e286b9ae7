//! The SQL of reagent acceptance (src/acceptance.rs): `lot accept|reject`
//! and `report acceptance`.

use crate::store::Sql;

/// A lot's row, locked on PostgreSQL until the transaction ends: two
/// verdicts on one pending lot take turns, and the second finds it
/// decided (SQLite's one writer already holds the database).
pub const LOCK_LOT: Sql = Sql::each(
    "SELECT id FROM lots WHERE id = ?1",
    "SELECT id FROM lots WHERE id = ?1 FOR UPDATE",
);
/// A lot passed its verification: available.
pub const PASSED: Sql = Sql::both("UPDATE lots SET pending = 0 WHERE id = ?1");
/// A lot failed its verification: quarantined.
pub const FAILED: Sql =
    Sql::both("UPDATE lots SET pending = 0, status = 'quarantined' WHERE id = ?1");
/// Every acceptance record, by lot in recording order.
pub const ALL_RECORDS: Sql =
    Sql::both("SELECT lot_id, result, at FROM lot_acceptances ORDER BY lot_id, id");
/// An item's code and name by id.
pub const ITEM_WORDS: Sql = Sql::both("SELECT code, name FROM items WHERE id = ?1");
/// The lot's first stock-in (`movements_lot_at`).
pub const FIRST_IN: Sql =
    Sql::both("SELECT min(at) FROM movements WHERE lot_id = ?1 AND quantity > 0");
/// Every location's code by id.
pub const LOCATION_CODES: Sql = Sql::both("SELECT id, code FROM locations");
