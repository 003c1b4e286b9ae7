//! Purchase orders and per-location levels: `order add|list|cancel|close`,
//! `item level`.

use chrono::NaiveDate;

use super::Actor;
use crate::error::Result;
use crate::orders::{NewOrder, Order, OrderEnd, OrderLine};
use crate::reorder::LocationLevels;
use crate::store::Store;

/// An order line as added, with the item's unit for saying so.
#[derive(Debug)]
pub struct AddedOrder {
    pub line: OrderLine,
    pub unit: String,
}

pub fn add(store: &mut Store, order: &NewOrder, actor: Actor<'_>) -> Result<AddedOrder> {
    let line = store.add_order(order, &actor.stamp(), actor.user)?;
    let unit = store.item(&line.item)?.unit;
    Ok(AddedOrder { line, unit })
}

/// `order list [--all] [--item I] [--supplier S]`.
#[derive(Debug, Clone)]
pub struct OrderQuery {
    pub item: Option<String>,
    pub supplier: Option<String>,
    /// Ended lines too.
    pub all: bool,
    pub as_of: NaiveDate,
}

pub fn lines(store: &Store, q: &OrderQuery) -> Result<Vec<OrderLine>> {
    store.order_lines(q.item.as_deref(), q.supplier.as_deref(), q.all, q.as_of)
}

/// One order by reference (the server's order page): every line with what
/// was received as of `as_of`, and the movements received on them.
/// Receiving against a line is `movements::record` with `order` set, as
/// `receive ITEM QTY --order REF` does.
pub fn order(store: &Store, reference: &str, as_of: NaiveDate) -> Result<Order> {
    store.order(reference, as_of)
}

/// `order cancel|close`: the lines ended.
pub fn end(store: &mut Store, end: &OrderEnd<'_>, actor: Actor<'_>) -> Result<Vec<OrderLine>> {
    store.end_order(end, &actor.stamp(), actor.user)
}

/// `item level ITEM --location L --reorder-level N [--max-level M]`.
#[derive(Debug, Clone)]
pub struct SetLevels {
    pub item: String,
    pub location: String,
    pub reorder_level: i64,
    pub max_level: Option<i64>,
}

pub fn set_levels(store: &mut Store, req: &SetLevels) -> Result<LocationLevels> {
    store.set_location_levels(&req.item, &req.location, req.reorder_level, req.max_level)
}

/// `item level ITEM --location L --clear`: whether there were levels.
pub fn clear_levels(store: &mut Store, item: &str, location: &str) -> Result<bool> {
    store.clear_location_levels(item, location)
}

/// `item level ITEM`: the item's own levels per location.
pub fn levels(store: &Store, item: &str) -> Result<Vec<LocationLevels>> {
    store.location_levels(item)
}
