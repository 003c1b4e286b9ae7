//! The shapes of the listings both faces print (`stock`, `history`,
//! `trace`, `item find`): their column names and rows, so the server's
//! JSON and CSV are the CLI's by construction.

use serde::Serialize;

use super::stock::StockRow;

/// `stock`: `item,name,lot,expiry,location,quantity,status`.
pub const STOCK_HEADERS: &[&str] = &[
    "item",
    "name",
    "lot",
    "expiry",
    "location",
    "quantity",
    "opened_on",
    "expires",
    "status",
];

/// One line of `stock` as printed.
#[derive(Debug, Serialize)]
pub struct StockListRow<'a> {
    pub item: &'a str,
    pub name: &'a str,
    pub lot: &'a str,
    pub expiry: Option<String>,
    pub location: &'a str,
    pub quantity: i64,
    /// The opened portion (SPEC §15); empty for sealed units.
    pub opened_on: Option<String>,
    /// That portion's effective expiry.
    pub expires: Option<String>,
    pub status: &'static str,
}

/// The printed lines of `stock`.
pub fn stock_rows(lines: &[StockRow]) -> Vec<StockListRow<'_>> {
    lines
        .iter()
        .map(|l| StockListRow {
            item: &l.item,
            name: &l.name,
            lot: &l.lot,
            expiry: l.expiry.map(|d| d.to_string()),
            location: &l.location,
            quantity: l.quantity,
            opened_on: l.opened_on.map(|d| d.to_string()),
            expires: l.effective_expiry.map(|d| d.to_string()),
            status: l.status.as_str(),
        })
        .collect()
}

/// `history ITEM`: the bin card.
pub const HISTORY_HEADERS: &[&str] = &[
    "id",
    "at",
    "kind",
    "lot",
    "location",
    "to_location",
    "quantity",
    "change",
    "balance",
    "counted",
    "reason",
    "reference",
    "user",
    "note",
    "opened_on",
];

/// `trace ITEM LOT`.
pub const TRACE_HEADERS: &[&str] = &[
    "id",
    "at",
    "kind",
    "from",
    "to",
    "quantity",
    "reason",
    "reference",
    "user",
    "note",
];

/// `item find TEXT`.
pub const FIND_HEADERS: &[&str] = &[
    "item",
    "name",
    "supplier",
    "supplier_ref",
    "gtin",
    "matched",
];
