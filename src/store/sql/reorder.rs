//! The SQL of the reorder list (src/reorder/) and of the stock-as-of-a-date
//! walk the reports share (src/reorder/stock.rs).

use crate::store::Sql;

/// Every supplier the catalogue names, byte order.
pub const SUPPLIERS: Sql = Sql::each(
    "SELECT DISTINCT supplier FROM items WHERE supplier IS NOT NULL ORDER BY supplier COLLATE BINARY",
    "SELECT DISTINCT supplier COLLATE \"C\" FROM items WHERE supplier IS NOT NULL ORDER BY 1",
);
