//! The change marks (`chain::change_marks`): the last id of the tables
//! whose rows are added without a chained record.

use crate::store::Sql;

/// One index probe each: items, locations, lots, orders, equipment.
pub const MARKS: [Sql; 5] = [
    Sql::both("SELECT max(id) FROM items"),
    Sql::both("SELECT max(id) FROM locations"),
    Sql::both("SELECT max(id) FROM lots"),
    Sql::both("SELECT max(id) FROM orders"),
    Sql::both("SELECT max(id) FROM equipment"),
];
