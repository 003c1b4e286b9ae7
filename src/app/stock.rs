//! Reading stock back: `stock`, `history`, `trace`.

use chrono::NaiveDate;
use serde::Serialize;

use crate::error::Result;
use crate::history::{HistoryRow, TraceRow, TraceSummary};
use crate::ledger::StockLine;
use crate::model::Usability;
use crate::store::Store;

/// `stock`: non-zero balances as they stood at the end of `as_of`.
#[derive(Debug, Clone)]
pub struct StockQuery {
    pub item: Option<String>,
    pub location: Option<String>,
    /// Only this lot (needs `item`).
    pub lot: Option<String>,
    pub as_of: NaiveDate,
}

/// One balance line, with whether its stock is usable on the as-of date.
#[derive(Debug, Clone, Serialize)]
pub struct StockRow {
    pub item: String,
    pub name: String,
    pub lot: String,
    pub expiry: Option<NaiveDate>,
    /// The opened portion (SPEC §15); `None` for sealed units.
    pub opened_on: Option<NaiveDate>,
    /// The printed expiry, or the end of the in-use period if earlier.
    pub effective_expiry: Option<NaiveDate>,
    pub location: String,
    pub quantity: i64,
    pub status: Usability,
}

pub fn stock(store: &Store, q: &StockQuery) -> Result<Vec<StockRow>> {
    stock_at_site(store, q, None)
}

/// `stock --site SITE`: only the balances at that site's locations (SPEC
/// §12); every balance the query selects with `None`.
pub fn stock_at_site(store: &Store, q: &StockQuery, site: Option<&str>) -> Result<Vec<StockRow>> {
    let site = site.map(|s| store.site(s)).transpose()?;
    let filter = store.stock_filter(q.item.as_deref(), q.location.as_deref(), q.lot.as_deref())?;
    let mut lines = store.stock(filter, q.as_of)?;
    if let Some(site) = &site {
        lines.retain(|l| site.holds(l.location_id));
    }
    Ok(rows(lines, q.as_of))
}

/// Balance lines as rows, each with its usability on `as_of`.
pub(crate) fn rows(lines: Vec<StockLine>, as_of: NaiveDate) -> Vec<StockRow> {
    lines
        .into_iter()
        .map(|l| StockRow {
            status: Usability::of(l.status, l.effective_expiry, as_of),
            item: l.item,
            name: l.name,
            lot: l.lot,
            expiry: l.expiry,
            opened_on: l.opened_on,
            effective_expiry: l.effective_expiry,
            location: l.location,
            quantity: l.quantity,
        })
        .collect()
}

/// `history ITEM [--lot L] [--location LOC]`.
#[derive(Debug, Clone)]
pub struct HistoryQuery {
    pub item: String,
    pub lot: Option<String>,
    pub location: Option<String>,
}

pub fn history(store: &Store, q: &HistoryQuery) -> Result<Vec<HistoryRow>> {
    store.history(&q.item, q.lot.as_deref(), q.location.as_deref())
}

/// One page of an item's bin card, newest first, and how many movements
/// it has (the server's item page).
pub fn history_page(
    store: &Store,
    item: &str,
    offset: usize,
    limit: usize,
) -> Result<(Vec<HistoryRow>, usize)> {
    store.history_page(item, offset, limit)
}

/// `trace ITEM LOT`.
#[derive(Debug, Clone)]
pub struct TraceQuery {
    pub item: String,
    pub lot: String,
}

pub fn trace(store: &Store, q: &TraceQuery) -> Result<(Vec<TraceRow>, TraceSummary)> {
    store.trace(&q.item, &q.lot)
}
