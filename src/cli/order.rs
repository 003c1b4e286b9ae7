//! `order add|list|cancel|close`, and `item level` (an item's own reorder
//! levels at a location): the settings the reorder list works from.

use clap::{Args, Subcommand};

use super::Ctx;
use crate::app;
use crate::error::{Error, Result};
use crate::model::{parse_count, parse_date, positive_quantity};
use crate::orders::{EndAs, NewOrder, ORDER_LIST_HEADERS, OrderEnd};
use crate::store::Store;

#[derive(Debug, Subcommand)]
pub(crate) enum OrderCommand {
    /// Add a purchase order line (one item of an order)
    ///
    /// Receipts with `receive ITEM QTY --order REF` count against the line;
    /// until then its quantity is on order and keeps the item off the
    /// reorder list.
    Add(OrderAddArgs),
    /// List order lines still awaited (open and part-received)
    List {
        /// Every line, including received, cancelled and closed ones
        #[arg(long)]
        all: bool,
        /// Only lines for this item
        #[arg(long)]
        item: Option<String>,
        /// Only lines with this supplier
        #[arg(long)]
        supplier: Option<String>,
    },
    /// Cancel an order (or one line of it): what is not yet delivered stops counting as on order
    Cancel(OrderEndArgs),
    /// Close an order (or one line of it) as complete, e.g. a short delivery that is accepted
    Close(OrderEndArgs),
}

#[derive(Debug, Args)]
pub(crate) struct OrderAddArgs {
    /// Purchase order reference, e.g. PO-2026-0412
    reference: String,
    /// Item ordered
    #[arg(long)]
    item: String,
    /// Quantity ordered, in units of issue
    #[arg(long)]
    quantity: String,
    /// Supplier [default: the order's other lines', else the item's]
    #[arg(long)]
    supplier: Option<String>,
    /// Expected delivery date (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    expected: Option<String>,
    /// Date ordered (YYYY-MM-DD) [default: today]
    #[arg(long, value_name = "DATE")]
    ordered: Option<String>,
    /// Delivery location [default: MAIN]
    #[arg(long)]
    location: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct OrderEndArgs {
    /// Purchase order reference
    reference: String,
    /// Only the line for this item [default: every open line of the order]
    #[arg(long)]
    item: Option<String>,
    /// Why (kept with the order line)
    #[arg(long)]
    reason: Option<String>,
}

/// Set, clear or show an item's own reorder levels at a location.
///
/// `report reorder --location L` uses these instead of the item's levels,
/// e.g. a bench fridge topped up from the main store. With no levels
/// given, lists the item's levels by location.
#[derive(Debug, Args)]
pub(crate) struct ItemLevelArgs {
    /// Item code
    item: String,
    /// The location the levels apply to
    #[arg(long)]
    location: Option<String>,
    /// Reorder when usable stock plus on-order at the location falls to this level
    #[arg(long, requires = "location")]
    reorder_level: Option<String>,
    /// Order up to this level (must exceed the reorder level)
    #[arg(long, requires = "reorder_level")]
    max_level: Option<String>,
    /// Remove the location's own levels (the item's levels apply again)
    #[arg(long, requires = "location", conflicts_with_all = ["reorder_level", "max_level"])]
    clear: bool,
}

pub(super) fn run(ctx: &Ctx, c: OrderCommand) -> Result<i32> {
    let mut store = ctx.open()?;
    match c {
        OrderCommand::Add(a) => {
            let order = NewOrder {
                reference: a.reference,
                item: a.item,
                quantity: positive_quantity(&a.quantity)?,
                supplier: a.supplier,
                ordered_on: match a.ordered.as_deref() {
                    Some(d) => parse_date("--ordered", d)?,
                    None => ctx.clock().today(),
                },
                expected_on: a
                    .expected
                    .as_deref()
                    .map(|d| parse_date("--expected", d))
                    .transpose()?,
                location: a.location,
            };
            let added = app::orders::add(&mut store, &order, ctx.actor())?;
            let line = &added.line;
            ctx.say(&format!(
                "added order {} line: {} {} of {} to {}{}{}",
                line.reference,
                line.quantity,
                added.unit,
                line.item,
                line.location,
                line.supplier
                    .as_deref()
                    .map(|s| format!(" from {s}"))
                    .unwrap_or_default(),
                if line.received > 0 {
                    format!(" ({} already received)", line.received)
                } else {
                    String::new()
                }
            ));
        }
        OrderCommand::List {
            all,
            item,
            supplier,
        } => {
            let query = app::orders::OrderQuery {
                item,
                supplier,
                all,
                as_of: ctx.clock().today(),
            };
            let lines = app::orders::lines(&store, &query)?;
            ctx.emit(ORDER_LIST_HEADERS, &lines)?;
        }
        OrderCommand::Cancel(a) => end(ctx, &mut store, a, EndAs::Cancelled)?,
        OrderCommand::Close(a) => end(ctx, &mut store, a, EndAs::Closed)?,
    }
    Ok(0)
}

fn end(ctx: &Ctx, store: &mut Store, a: OrderEndArgs, how: EndAs) -> Result<()> {
    let end = OrderEnd {
        reference: &a.reference,
        item: a.item.as_deref(),
        how,
        reason: a.reason.as_deref(),
        on: ctx.clock().today(),
    };
    let ended = app::orders::end(store, &end, ctx.actor())?;
    for line in &ended {
        let undelivered = (line.quantity - line.received).max(0);
        ctx.say(&format!(
            "{} order {} line {}: {} received of {} ordered{}",
            line.state,
            line.reference,
            line.item,
            line.received,
            line.quantity,
            if undelivered > 0 {
                format!("; {undelivered} no longer on order")
            } else {
                String::new()
            }
        ));
    }
    Ok(())
}

/// `item level`.
pub(super) fn item_level(ctx: &Ctx, store: &mut Store, a: ItemLevelArgs) -> Result<()> {
    match (a.location, a.reorder_level, a.clear) {
        (Some(location), _, true) => {
            if app::orders::clear_levels(store, &a.item, &location)? {
                ctx.say(&format!(
                    "cleared {}'s own levels at {location}; the item's levels apply there",
                    a.item
                ));
            } else {
                ctx.say(&format!(
                    "{} had no levels of its own at {location}",
                    a.item
                ));
            }
        }
        (Some(location), Some(level), false) => {
            let level = parse_count("--reorder-level", &level)?;
            let max = a
                .max_level
                .as_deref()
                .map(|m| parse_count("--max-level", m))
                .transpose()?;
            let set = app::orders::set_levels(
                store,
                &app::orders::SetLevels {
                    item: a.item.clone(),
                    location,
                    reorder_level: level,
                    max_level: max,
                },
            )?;
            ctx.say(&format!(
                "{} at {}: reorder at {}{}",
                set.item,
                set.location,
                set.reorder_level,
                set.max_level
                    .map(|m| format!(", order up to {m}"))
                    .unwrap_or_default()
            ));
        }
        (Some(_), None, false) => {
            return Err(Error::missing(
                "--reorder-level",
                "give the location's reorder level (and optionally --max-level), or --clear",
            ));
        }
        (None, _, _) => {
            let levels = app::orders::levels(store, &a.item)?;
            ctx.emit(&["item", "location", "reorder_level", "max_level"], &levels)?;
        }
    }
    Ok(())
}
