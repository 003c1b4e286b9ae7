//! `prepare`: make a batch of a prepared item (a buffer, a stain, a
//! dilution) from component lots (SPEC §14).

use clap::Args;

use super::Ctx;
use crate::app;
use crate::error::Result;
use crate::model::{Quantity, parse_date};
use crate::prepare::{ComponentSpec, PrepareRequest};

/// Make a batch of a prepared item from component lots
///
/// The batch is received as lot BATCH of ITEM at --location. A component
/// with =QTY is issued from --location (first-expiry-first-out unless a
/// lot is named); one without is recorded for traceability only. The
/// batch expires on the earliest of its component lots' expiries (an
/// opened lot's in-use period counts) and the date + the item's
/// shelf_life_days. Without --component the item's recipe is used, its
/// quantities times QTY
/// (`labstock item recipe`). All or nothing, in one transaction.
///
/// A component is split at its first `:` (item, then lot) and at its
/// last `=` followed only by digits (the quantity), so lot numbers may
/// contain `:` and `=`.
#[derive(Debug, Args)]
#[command(
    allow_negative_numbers = true,
    after_help = "Examples:\n  labstock prepare PBS-1X 4 --batch PB-2611 --component PBS-TAB=2 --component WATER-RO:RO-11=1\n  labstock prepare PBS-1X 4 --batch PB-2612        # from the recipe"
)]
pub(crate) struct PrepareArgs {
    /// The prepared item
    item: String,
    /// Quantity made, in units of issue
    qty: String,
    /// Batch number: the lot the batch is received as
    #[arg(long)]
    batch: String,
    /// A component: ITEM[:LOT][=QTY] (repeat for each)
    #[arg(long = "component", value_name = "ITEM[:LOT][=QTY]")]
    components: Vec<String>,
    /// Where it is made and kept; components are issued from here [default: MAIN]
    #[arg(long)]
    location: Option<String>,
    /// The day it was made (YYYY-MM-DD) [default: today]
    #[arg(long)]
    date: Option<String>,
    /// Free-text note
    #[arg(long)]
    note: Option<String>,
}

pub(super) fn run(ctx: &Ctx, a: PrepareArgs) -> Result<i32> {
    let quantity = Quantity::parse_positive(&a.qty)?;
    let components = a
        .components
        .iter()
        .map(|c| ComponentSpec::parse(c))
        .collect::<Result<Vec<_>>>()?;
    let date = a
        .date
        .as_deref()
        .map(|d| parse_date("--date", d))
        .transpose()?;
    let req = PrepareRequest {
        item: a.item,
        quantity,
        batch: a.batch,
        components,
        location: a.location,
        date,
        note: a.note,
    };
    let mut store = ctx.open()?;
    let prepared = app::prepare::prepare(&mut store, &req, ctx.actor())?;
    for w in &prepared.warnings {
        ctx.say(&format!("warning: {w}"));
    }
    ctx.say(&format!(
        "prepared {} of {} batch {} at {} on {}; expires {} ({})",
        prepared.quantity,
        prepared.item,
        prepared.batch,
        prepared.location,
        prepared.prepared_on,
        prepared.expiry,
        prepared.expiry_because
    ));
    ctx.emit(
        &["item", "lot", "quantity", "expires"],
        &prepared.components,
    )?;
    Ok(0)
}
