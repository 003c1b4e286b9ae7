//! `receive`, `issue`, `transfer`, `adjust`, `count`, `dispose`, `reverse`:
//! the daily stock movements. Each parses its arguments into a
//! `MovementRequest` and records it as one transaction.

use clap::Args;

use super::Ctx;
use crate::app::{
    self,
    movements::{ReverseRequest, ReverseTarget, ScanReceipt},
};
use crate::error::{Error, Result};
use crate::ledger::{MovementRequest, Outcome};
use crate::model::{MovementId, MovementKind, Quantity, parse_date};

/// Receive a delivery into stock.
#[derive(Debug, Args)]
#[command(allow_negative_numbers = true)]
pub(crate) struct ReceiveArgs {
    /// Item code (with --scan: the quantity, if given)
    #[arg(required_unless_present = "scan")]
    item: Option<String>,
    /// Quantity in units of issue
    qty: Option<String>,
    /// Receive by scanning: GS1 data whose GTIN names the item, with lot and
    /// expiry from the code (quantity 1 unless given or the code has a count)
    #[arg(long, value_name = "DATA")]
    scan: Option<String>,
    /// A character your scanner sends instead of the GS separator
    #[arg(long, value_name = "CHAR", requires = "scan")]
    gs_char: Option<char>,
    /// Accept a scanned code whose expiry has passed
    #[arg(long)]
    allow_expired: bool,
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
    /// Item code (with --scan: the quantity, if given)
    #[arg(required_unless_present = "scan")]
    item: Option<String>,
    /// Quantity in units of issue
    #[arg(required_unless_present = "scan")]
    qty: Option<String>,
    /// Issue by scanning: GS1 data whose GTIN (or a labstock label's item
    /// code, AI 91) names the item and whose lot is issued (quantity 1
    /// unless given)
    #[arg(long, value_name = "DATA")]
    scan: Option<String>,
    /// A character your scanner sends instead of the GS separator
    #[arg(long, value_name = "CHAR", requires = "scan")]
    gs_char: Option<char>,
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
    /// The opened portion acted on: the date its units were opened (§15)
    #[arg(long, value_name = "DATE")]
    opened: Option<String>,
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
    /// The opened portion acted on: the date its units were opened (§15)
    #[arg(long, value_name = "DATE")]
    opened: Option<String>,
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
    /// The opened portion acted on: the date its units were opened (§15)
    #[arg(long, value_name = "DATE")]
    opened: Option<String>,
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
    /// The opened portion acted on: the date its units were opened (§15)
    #[arg(long, value_name = "DATE")]
    opened: Option<String>,
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
    /// The opened portion acted on: the date its units were opened (§15)
    #[arg(long, value_name = "DATE")]
    opened: Option<String>,
}

/// Reverse an earlier movement.
#[derive(Debug, Args)]
#[command(group(
    clap::ArgGroup::new("movement")
        .args(["movement_id", "last"])
        .required(true)
))]
pub(crate) struct ReverseArgs {
    /// Id of the movement to reverse (see `history`)
    movement_id: Option<String>,
    /// Reverse your own latest movement: the last one recorded under your
    /// name (--user, else LABSTOCK_USER, else the login name) that is not a
    /// reversal and not already reversed
    #[arg(long)]
    last: bool,
    /// Why it is reversed (stored on the reversal)
    #[arg(long, required = true)]
    reason: String,
}

fn request(ctx: &Ctx, kind: MovementKind, item: &str, quantity: Quantity) -> MovementRequest {
    MovementRequest::new(kind, item, quantity, ctx.clock().timestamp(), &ctx.user)
}

fn parse_expiry(text: Option<&String>) -> Result<Option<chrono::NaiveDate>> {
    text.map(|t| parse_date("expiry", t)).transpose()
}

fn parse_opened(text: Option<&String>) -> Result<Option<chrono::NaiveDate>> {
    text.map(|t| parse_date("--opened", t)).transpose()
}

/// Open units of a lot (SPEC §15).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  labstock open RGT-CRP                 # one unit of the sealed lot that expires first, at MAIN\n  labstock open RGT-CRP 2 --lot 611802 --location FRIDGE-A --date 2026-11-20"
)]
pub(crate) struct OpenArgs {
    /// Item code
    item: String,
    /// Units opened [default: 1]
    qty: Option<String>,
    /// Lot opened [default: the sealed lot that expires first (FEFO)]
    #[arg(long)]
    lot: Option<String>,
    /// Location [default: MAIN, or the one place a named lot has sealed units]
    #[arg(long)]
    location: Option<String>,
    /// Date opened [default: today]; not after today, not before the units were received
    #[arg(long)]
    date: Option<String>,
    /// Free-text note
    #[arg(long)]
    note: Option<String>,
}

pub(super) fn open(ctx: &Ctx, a: OpenArgs) -> Result<i32> {
    let req = app::movements::OpenRequest {
        item: a.item,
        quantity: a.qty.as_deref().map(Quantity::parse_positive).transpose()?,
        lot: a.lot,
        location: a.location,
        date: a.date.map(|d| parse_date("--date", &d)).transpose()?,
        note: a.note,
    };
    let mut store = ctx.open()?;
    let outcome = app::movements::open(&mut store, &req, ctx.actor())?;
    report(ctx, &outcome);
    Ok(0)
}

fn record(ctx: &Ctx, req: &MovementRequest) -> Result<i32> {
    let mut store = ctx.open()?;
    let outcome = app::movements::record(&mut store, req, ctx.actor())?;
    report(ctx, &outcome);
    Ok(0)
}

/// Tell the user what was written: one line per ledger row.
pub(super) fn report(ctx: &Ctx, outcome: &Outcome) {
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
        // Say which balance the number is: the lot's (or, without a lot,
        // the item's) at the location the movement changed.
        let holder = if m.lot.is_empty() {
            m.item.clone()
        } else {
            format!("lot {}", m.lot)
        };
        let portion = match m.opened_on {
            Some(d) => format!(" (opened {d})"),
            None => String::new(),
        };
        if m.kind == MovementKind::Open {
            ctx.say(&format!(
                "movement {}: open {} {}{lot} at {place}, opened {}; opened units of {holder} at {} now {}",
                m.id,
                m.item,
                -m.quantity.get(),
                portion.trim_start_matches(" (opened ").trim_end_matches(')'),
                m.location,
                m.balance
            ));
            continue;
        }
        ctx.say(&format!(
            "movement {}: {} {} {:+}{lot}{portion} at {place}; {holder}{portion} at {} now holds {}",
            m.id, m.kind, m.item, m.quantity, m.location, m.balance
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
    if let Some(data) = &a.scan {
        return receive_scan(ctx, data, &a);
    }
    let (Some(item), Some(qty)) = (&a.item, &a.qty) else {
        return Err(Error::missing(
            "quantity",
            "receive ITEM QTY (or receive --scan DATA [QTY])",
        ));
    };
    let mut req = request(
        ctx,
        MovementKind::Receive,
        item,
        Quantity::parse_positive(qty)?,
    );
    req.lot = a.lot;
    req.expiry = parse_expiry(a.expiry.as_ref())?;
    req.location = a.location;
    req.order = a.order;
    req.reference = a.reference;
    req.note = a.note;
    record(ctx, &req)
}

/// `receive --scan DATA [QTY]`: the item is the one whose GTIN the code
/// carries; lot and expiry come from the code, so they cannot be mistyped.
fn receive_scan(ctx: &Ctx, data: &str, a: &ReceiveArgs) -> Result<i32> {
    if a.item.is_some() && a.qty.is_some() {
        return Err(Error::invalid(
            "arguments",
            format!(
                "{} {}",
                a.item.as_deref().unwrap_or(""),
                a.qty.as_deref().unwrap_or("")
            ),
            "with --scan the item comes from the barcode: give at most a quantity",
        ));
    }
    let decoded = super::gs1::decode(data, super::gs1::options(ctx, a.gs_char))?;
    for w in &decoded.warnings {
        ctx.say(&format!("warning: {w}"));
    }
    let key = decoded.item_key(data)?;
    let quantity = a
        .qty
        .as_ref()
        .or(a.item.as_ref())
        .map(|q| Quantity::parse_positive(q))
        .transpose()?;
    let scan = ScanReceipt {
        item: key.into(),
        quantity,
        scanned_count: decoded.count(),
        scanned_lot: decoded.lot().map(str::to_owned),
        scanned_expiry: decoded.expiry().or(decoded.best_before()),
        lot: a.lot.clone(),
        expiry: parse_expiry(a.expiry.as_ref())?,
        allow_expired: a.allow_expired,
        location: a.location.clone(),
        order: a.order.clone(),
        reference: a.reference.clone(),
        note: a.note.clone(),
    };
    let mut store = ctx.open()?;
    let outcome = app::movements::receive_scan(&mut store, &scan, ctx.actor())?;
    report(ctx, &outcome);
    Ok(0)
}

pub(super) fn issue(ctx: &Ctx, a: IssueArgs) -> Result<i32> {
    let (item, qty, lot, expiry) = match &a.scan {
        Some(data) => {
            if a.item.is_some() && a.qty.is_some() {
                return Err(Error::invalid(
                    "arguments",
                    format!(
                        "{} {}",
                        a.item.as_deref().unwrap_or(""),
                        a.qty.as_deref().unwrap_or("")
                    ),
                    "with --scan the item comes from the barcode: give at most a quantity",
                ));
            }
            let decoded = super::gs1::decode(data, super::gs1::options(ctx, a.gs_char))?;
            for w in &decoded.warnings {
                ctx.say(&format!("warning: {w}"));
            }
            let key = decoded.item_key(data)?.into();
            let store = ctx.open()?;
            let item = app::movements::scanned_item(&store, &key)?;
            let scanned_lot = decoded.lot().map(str::to_owned);
            if let (Some(s), Some(g)) = (&scanned_lot, &a.lot)
                && s != g
            {
                return Err(Error::invalid("--lot", g, format!("the barcode says {s}")));
            }
            let qty = a.qty.as_ref().or(a.item.as_ref()).cloned();
            (
                item.code,
                qty.unwrap_or_else(|| "1".to_owned()),
                scanned_lot.or(a.lot.clone()),
                decoded.expiry(),
            )
        }
        None => match (&a.item, &a.qty) {
            (Some(item), Some(qty)) => (item.clone(), qty.clone(), a.lot.clone(), None),
            _ => {
                return Err(Error::missing(
                    "QTY",
                    "issue ITEM QTY (or issue --scan DATA [QTY])",
                ));
            }
        },
    };
    let mut req = request(
        ctx,
        MovementKind::Issue,
        &item,
        Quantity::parse_positive(&qty)?,
    );
    req.lot = lot;
    req.expiry = expiry;
    req.location = a.location;
    req.allow_expired = a.allow_expired;
    req.reference = a.reference;
    req.note = a.note;
    req.opened = parse_opened(a.opened.as_ref())?;
    record(ctx, &req)
}

pub(super) fn transfer(ctx: &Ctx, a: TransferArgs) -> Result<i32> {
    let mut req = request(
        ctx,
        MovementKind::Transfer,
        &a.item,
        Quantity::parse_positive(&a.qty)?,
    );
    req.location = Some(a.from);
    req.to_location = Some(a.to);
    req.lot = a.lot;
    req.reference = a.reference;
    req.note = a.note;
    req.opened = parse_opened(a.opened.as_ref())?;
    record(ctx, &req)
}

pub(super) fn adjust(ctx: &Ctx, a: AdjustArgs) -> Result<i32> {
    let mut req = request(ctx, MovementKind::Adjust, &a.item, Quantity::parse(&a.qty)?);
    req.reason = a.reason;
    req.lot = a.lot;
    req.location = a.location;
    req.note = a.note;
    req.opened = parse_opened(a.opened.as_ref())?;
    record(ctx, &req)
}

pub(super) fn count(ctx: &Ctx, a: CountArgs) -> Result<i32> {
    let mut req = request(ctx, MovementKind::Count, &a.item, Quantity::parse(&a.qty)?);
    req.lot = a.lot;
    req.location = a.location;
    req.note = a.note;
    req.opened = parse_opened(a.opened.as_ref())?;
    record(ctx, &req)
}

pub(super) fn dispose(ctx: &Ctx, a: DisposeArgs) -> Result<i32> {
    let mut req = request(
        ctx,
        MovementKind::Dispose,
        &a.item,
        Quantity::parse_positive(&a.qty)?,
    );
    req.reason = a.reason;
    req.lot = a.lot;
    req.location = a.location;
    req.waste_stream = a.waste_stream;
    req.note = a.note;
    req.opened = parse_opened(a.opened.as_ref())?;
    record(ctx, &req)
}

pub(super) fn reverse(ctx: &Ctx, a: ReverseArgs) -> Result<i32> {
    let target = match a.movement_id.filter(|_| !a.last) {
        None => ReverseTarget::Last,
        Some(given) => ReverseTarget::Id(MovementId::parse(&given)?),
    };
    let req = ReverseRequest {
        target,
        reason: a.reason,
    };
    let mut store = ctx.open()?;
    let done = app::movements::reverse(&mut store, &req, ctx.actor())?;
    if matches!(req.target, ReverseTarget::Last) {
        ctx.say(&format!(
            "reversing movement {}, the latest that {} recorded",
            done.reversed, ctx.user
        ));
    }
    report(ctx, &done.outcome);
    Ok(0)
}
