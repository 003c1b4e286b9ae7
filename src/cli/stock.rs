//! `stock`, `history` and `trace`: reading balances and the ledger back.

use chrono::NaiveDate;
use clap::Args;
use serde::Serialize;

use super::Ctx;
use crate::catalogue::{find_item, find_location};
use crate::error::Result;
use crate::ledger::{StockFilter, StockLine, existing_lot};
use crate::model::{LotStatus, is_expired};

#[derive(Debug, Args)]
pub(crate) struct StockArgs {
    /// Only this item
    #[arg(long)]
    item: Option<String>,
    /// Only this location
    #[arg(long)]
    location: Option<String>,
    /// Only this lot (with --item)
    #[arg(long, requires = "item")]
    lot: Option<String>,
    /// Balances as they stood at the end of DATE
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct HistoryArgs {
    /// Item code
    item: String,
    /// Only this lot
    #[arg(long)]
    lot: Option<String>,
    /// Only movements at this location (running balance there)
    #[arg(long)]
    location: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct TraceArgs {
    /// Item code
    item: String,
    /// Lot number (exact)
    lot: String,
}

#[derive(Serialize)]
struct StockRow<'a> {
    item: &'a str,
    name: &'a str,
    lot: &'a str,
    expiry: Option<String>,
    location: &'a str,
    quantity: i64,
    status: &'static str,
}

/// One word for whether a line's stock can be used on `as_of`.
pub(super) fn status_word(line: &StockLine, as_of: NaiveDate) -> &'static str {
    match line.status {
        LotStatus::Pending => "pending",
        LotStatus::Quarantined => "quarantined",
        LotStatus::Recalled => "recalled",
        LotStatus::Available if is_expired(line.effective_expiry, as_of) => "expired",
        LotStatus::Available => "available",
    }
}

pub(super) fn stock(ctx: &Ctx, a: StockArgs) -> Result<i32> {
    let store = ctx.open()?;
    let conn = store.connection();
    let as_of = ctx.as_of(a.as_of.as_deref())?;
    let item = a.item.as_deref().map(|c| find_item(conn, c)).transpose()?;
    let mut filter = StockFilter {
        item_id: item.as_ref().map(|i| i.id),
        location_id: a
            .location
            .as_deref()
            .map(|l| find_location(conn, l))
            .transpose()?
            .map(|l| l.id),
        lot_id: None,
    };
    if let (Some(item), Some(lot)) = (&item, &a.lot) {
        filter.lot_id = Some(existing_lot(conn, item, lot)?.id);
    }
    let lines = store.stock(filter, as_of)?;
    let rows: Vec<StockRow<'_>> = lines
        .iter()
        .map(|l| StockRow {
            item: &l.item,
            name: &l.name,
            lot: &l.lot,
            expiry: l.expiry.map(|d| d.to_string()),
            location: &l.location,
            quantity: l.quantity,
            status: status_word(l, as_of),
        })
        .collect();
    ctx.emit(
        &[
            "item", "name", "lot", "expiry", "location", "quantity", "status",
        ],
        &rows,
    )?;
    Ok(0)
}

pub(super) fn history(ctx: &Ctx, a: HistoryArgs) -> Result<i32> {
    let store = ctx.open()?;
    let rows = store.history(&a.item, a.lot.as_deref(), a.location.as_deref())?;
    ctx.emit(
        &[
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
        ],
        &rows,
    )?;
    Ok(0)
}

pub(super) fn trace(ctx: &Ctx, a: TraceArgs) -> Result<i32> {
    let store = ctx.open()?;
    let (rows, summary) = store.trace(&a.item, &a.lot)?;
    ctx.emit(
        &[
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
        ],
        &rows,
    )?;
    let on_hand: i64 = summary.on_hand.iter().map(|(_, q)| q).sum();
    let places: Vec<String> = summary
        .on_hand
        .iter()
        .map(|(l, q)| format!("{q} at {l}"))
        .collect();
    ctx.say(&format!(
        "lot {} of {}: received {}, issued {}, disposed {}, adjusted {:+}, on hand {on_hand}{}",
        a.lot,
        a.item,
        summary.received,
        summary.issued,
        summary.disposed,
        summary.adjusted,
        if places.is_empty() {
            String::new()
        } else {
            format!(" ({})", places.join(", "))
        }
    ));
    Ok(0)
}
