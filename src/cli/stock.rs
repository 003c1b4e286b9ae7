//! `stock`, `history` and `trace`: reading balances and the ledger back.

use clap::Args;

use super::Ctx;
use crate::app::listing::{HISTORY_HEADERS, STOCK_HEADERS, TRACE_HEADERS, stock_rows};
use crate::app::stock::{HistoryQuery, StockQuery, TraceQuery};
use crate::app::{self};
use crate::error::Result;

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
    /// Only this site's locations (a site of the network, e.g. HUB)
    #[arg(long, conflicts_with = "location")]
    site: Option<String>,
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

pub(super) fn stock(ctx: &Ctx, a: StockArgs) -> Result<i32> {
    let store = ctx.open()?;
    let query = StockQuery {
        item: a.item,
        location: a.location,
        lot: a.lot,
        as_of: ctx.as_of(a.as_of.as_deref())?,
    };
    let lines = app::stock::stock_at_site(&store, &query, a.site.as_deref())?;
    ctx.emit(STOCK_HEADERS, &stock_rows(&lines))?;
    Ok(0)
}

pub(super) fn history(ctx: &Ctx, a: HistoryArgs) -> Result<i32> {
    let store = ctx.open()?;
    let query = HistoryQuery {
        item: a.item,
        lot: a.lot,
        location: a.location,
    };
    let rows = app::stock::history(&store, &query)?;
    ctx.emit(HISTORY_HEADERS, &rows)?;
    Ok(0)
}

pub(super) fn trace(ctx: &Ctx, a: TraceArgs) -> Result<i32> {
    let store = ctx.open()?;
    let query = TraceQuery {
        item: a.item,
        lot: a.lot,
    };
    let (rows, summary) = app::stock::trace(&store, &query)?;
    ctx.emit(TRACE_HEADERS, &rows)?;
    let on_hand: i64 = summary.on_hand.iter().map(|(_, q)| q).sum();
    let places: Vec<String> = summary
        .on_hand
        .iter()
        .map(|(l, q)| format!("{q} at {l}"))
        .collect();
    ctx.say(&format!(
        "lot {} of {}: received {}, issued {}, disposed {}, adjusted {:+}, on hand {on_hand}{}",
        query.lot,
        query.item,
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
    if !summary.made_from.is_empty() {
        ctx.say(&format!(
            "batch {} of {} was made from:",
            query.lot, query.item
        ));
        for link in &summary.made_from {
            ctx.say(&describe_link(link, false));
        }
    }
    if !summary.made_into.is_empty() {
        ctx.say(&format!(
            "lot {} of {} went into these batches:",
            query.lot, query.item
        ));
        for link in &summary.made_into {
            ctx.say(&describe_link(link, true));
        }
    }
    Ok(0)
}

/// One line of a batch trace, indented by its depth.
pub(super) fn describe_link(link: &crate::prepare::BatchLink, batch: bool) -> String {
    let indent = "  ".repeat(usize::try_from(link.depth).unwrap_or(1));
    let lot = if link.lot.is_empty() {
        format!("{} (no lot)", link.item)
    } else if batch {
        format!("batch {} of {}", link.lot, link.item)
    } else {
        format!("{} lot {}", link.item, link.lot)
    };
    let used = match link.quantity {
        Some(q) => format!("{q} issued"),
        None => "traced only".to_owned(),
    };
    let made = link
        .prepared_on
        .as_deref()
        .map(|d| format!(", made {d}"))
        .unwrap_or_default();
    let expiry = link
        .expiry
        .as_deref()
        .map(|d| format!(", expires {d}"))
        .unwrap_or_default();
    format!(
        "{indent}{lot}: {used}{made}{expiry}, {}, {} on hand",
        link.status, link.on_hand
    )
}
