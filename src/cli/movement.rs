//! `receive`, `issue`, `transfer`, `adjust`, `count`, `dispose`, `reverse`:
//! the daily stock movements. Each parses its arguments into a
//! `MovementRequest` and records it as one transaction.

use clap::Args;

use super::Ctx;
use crate::error::{Error, Result};
use crate::ledger::{MovementRequest, Outcome};
use crate::model::{MovementKind, parse_date, parse_quantity, positive_quantity};

/// Receive a delivery into stock.
#[derive(Debug, Args)]
#[command(allow_negative_numbers = true)]
pub(crate) struct ReceiveArgs {
    /// Item code
    item: String,
    /// Quantity in units of issue
    qty: String,
    /// Lot (batch) number; required for lot-tracked items
    #[arg(long)]
    lot: Option<String>,
    /// Lot expiry date (YYYY-MM-DD); required for a new lot of a lot-tracked item
    #[arg(long)]
    expiry: Option<String>,
    /// Location received into [default: MAIN]
    #[arg(long)]
    location: Option<String>,
    /// Purchase order reference this delivery counts against
    #[arg(long)]
    order: Option<String>,
    /// Delivery note or other reference
    #[arg(long)]
    reference: Option<String>,
    /// Free-text note
    #[arg(long)]
    note: Option<String>,
}

/// Issue stock to the bench.
#[derive(Debug, Args)]
#[command(allow_negative_numbers = true)]
pub(crate) struct IssueArgs {
    /// Item code
    item: String,
    /// Quantity in units of issue
    qty: String,
    /// Issue from this lot instead of first-expiry-first-out
    #[arg(long)]
    lot: Option<String>,
    /// Location issued from [default: MAIN]
    #[arg(long)]
    location: Option<String>,
    /// Allow issuing an explicitly named expired lot
    #[arg(long)]
    allow_expired: bool,
    /// Reference (request number, bench, worksheet)
    #[arg(long)]
    reference: Option<String>,
    /// Free-text note
    #[arg(long)]
    note: Option<String>,
}

/// Move stock between locations.
#[derive(Debug, Args)]
#[command(allow_negative_numbers = true)]
pub(crate) struct TransferArgs {
    /// Item code
    item: String,
    /// Quantity in units of issue
    qty: String,
    /// Location to move from
    #[arg(long)]
    from: String,
    /// Location to move to
    #[arg(long)]
    to: String,
    /// Lot to move; required for lot-tracked items
    #[arg(long)]
    lot: Option<String>,
    /// Reference
    #[arg(long)]
    reference: Option<String>,
    /// Free-text note
    #[arg(long)]
    note: Option<String>,
}

/// Correct a balance up (positive) or down (negative).
#[derive(Debug, Args)]
#[command(allow_negative_numbers = true)]
pub(crate) struct AdjustArgs {
    /// Item code
    item: String,
    /// Signed quantity, e.g. -2
    qty: String,
    /// Why the balance is corrected (required)
    #[arg(long)]
    reason: Option<String>,
    /// Lot; required for lot-tracked items
    #[arg(long)]
    lot: Option<String>,
    /// Location [default: MAIN]
    #[arg(long)]
    location: Option<String>,
    /// Free-text note
    #[arg(long)]
    note: Option<String>,
}

/// Record a stocktake count.
#[derive(Debug, Args)]
#[command(allow_negative_numbers = true)]
pub(crate) struct CountArgs {
    /// Item code
    item: String,
    /// Quantity counted (0 or more)
    qty: String,
    /// Lot counted; required for lot-tracked items
    #[arg(long)]
    lot: Option<String>,
    /// Location counted [default: MAIN]
    #[arg(long)]
    location: Option<String>,
    /// Free-text note
    #[arg(long)]
    note: Option<String>,
}

/// Dispose of stock; a hazardous item's disposal also writes a waste record.
#[derive(Debug, Args)]
#[command(allow_negative_numbers = true)]
pub(crate) struct DisposeArgs {
    /// Item code
    item: String,
    /// Quantity in units of issue
    qty: String,
    /// Why (expired, damaged, recalled, contaminated, …)
    #[arg(long)]
    reason: Option<String>,
    /// Lot; required for lot-tracked items
    #[arg(long)]
    lot: Option<String>,
    /// Location [default: MAIN]
    #[arg(long)]
    location: Option<String>,
    /// Waste stream for the waste record [default: the item's]
    #[arg(long)]
    waste_stream: Option<String>,
    /// Free-text note
    #[arg(long)]
    note: Option<String>,
}

/// Reverse an earlier movement.
#[derive(Debug, Args)]
pub(crate) struct ReverseArgs {
    /// Id of the movement to reverse (see `history`)
    movement_id: String,
    /// Why it is reversed
    #[arg(long)]
    reason: Option<String>,
}

fn request(ctx: &Ctx, kind: MovementKind, item: &str, quantity: i64) -> MovementRequest {
    MovementRequest::new(kind, item, quantity, ctx.clock.now(), &ctx.user)
}

fn parse_expiry(text: Option<&String>) -> Result<Option<chrono::NaiveDate>> {
    text.map(|t| parse_date("expiry", t)).transpose()
}

fn record(ctx: &Ctx, req: &MovementRequest) -> Result<i32> {
    let mut store = ctx.open()?;
    let outcome = store.record(req, ctx.clock.now())?;
    report(ctx, &outcome);
    Ok(0)
}

/// Tell the user what was written: one line per ledger row.
fn report(ctx: &Ctx, outcome: &Outcome) {
    for m in &outcome.movements {
        let lot = if m.lot.is_empty() {
            String::new()
        } else {
            format!(" lot {}", m.lot)
        };
        let place = match &m.to_location {
            Some(to) => format!("{} -> {to}", m.location),
            None => m.location.clone(),
        };
        let balance = match &m.to_location {
            Some(_) => format!("{} left at {}", m.balance, m.location),
            None => format!("balance {}", m.balance),
        };
        ctx.say(&format!(
            "movement {}: {} {} {:+}{lot} at {place}; {balance}",
            m.id, m.kind, m.item, m.quantity
        ));
    }
    if let Some(w) = outcome.waste_record {
        ctx.say(&format!("waste record {w} written to the waste register"));
    }
    for w in &outcome.warnings {
        ctx.say(&format!("warning: {w}"));
    }
}

pub(super) fn receive(ctx: &Ctx, a: ReceiveArgs) -> Result<i32> {
    let mut req = request(
        ctx,
        MovementKind::Receive,
        &a.item,
        positive_quantity(&a.qty)?,
    );
    req.lot = a.lot;
    req.expiry = parse_expiry(a.expiry.as_ref())?;
    req.location = a.location;
    req.order = a.order;
    req.reference = a.reference;
    req.note = a.note;
    record(ctx, &req)
}

pub(super) fn issue(ctx: &Ctx, a: IssueArgs) -> Result<i32> {
    let mut req = request(
        ctx,
        MovementKind::Issue,
        &a.item,
        positive_quantity(&a.qty)?,
    );
    req.lot = a.lot;
    req.location = a.location;
    req.allow_expired = a.allow_expired;
    req.reference = a.reference;
    req.note = a.note;
    record(ctx, &req)
}

pub(super) fn transfer(ctx: &Ctx, a: TransferArgs) -> Result<i32> {
    let mut req = request(
        ctx,
        MovementKind::Transfer,
        &a.item,
        positive_quantity(&a.qty)?,
    );
    req.location = Some(a.from);
    req.to_location = Some(a.to);
    req.lot = a.lot;
    req.reference = a.reference;
    req.note = a.note;
    record(ctx, &req)
}

pub(super) fn adjust(ctx: &Ctx, a: AdjustArgs) -> Result<i32> {
    let mut req = request(ctx, MovementKind::Adjust, &a.item, parse_quantity(&a.qty)?);
    req.reason = a.reason;
    req.lot = a.lot;
    req.location = a.location;
    req.note = a.note;
    record(ctx, &req)
}

pub(super) fn count(ctx: &Ctx, a: CountArgs) -> Result<i32> {
    let mut req = request(ctx, MovementKind::Count, &a.item, parse_quantity(&a.qty)?);
    req.lot = a.lot;
    req.location = a.location;
    req.note = a.note;
    record(ctx, &req)
}

pub(super) fn dispose(ctx: &Ctx, a: DisposeArgs) -> Result<i32> {
    let mut req = request(
        ctx,
        MovementKind::Dispose,
        &a.item,
        positive_quantity(&a.qty)?,
    );
    req.reason = a.reason;
    req.lot = a.lot;
    req.location = a.location;
    req.waste_stream = a.waste_stream;
    req.note = a.note;
    record(ctx, &req)
}

pub(super) fn reverse(ctx: &Ctx, a: ReverseArgs) -> Result<i32> {
    let id: i64 = a
        .movement_id
        .trim()
        .trim_start_matches('#')
        .parse()
        .map_err(|_| {
            Error::invalid(
                "movement id",
                &a.movement_id,
                "expected a movement number, e.g. 42",
            )
        })?;
    let mut store = ctx.open()?;
    let outcome = store.reverse(id, a.reason.as_deref(), ctx.clock.now(), &ctx.user)?;
    report(ctx, &outcome);
    Ok(0)
}
