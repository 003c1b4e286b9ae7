//! `lot quarantine|release|recall|open|accept|list`.

use clap::{Subcommand, ValueEnum};

use super::Ctx;
use crate::app::{self, lots::LotRequest};
use crate::error::Result;
use crate::lots::{LotAction, LotState};
use crate::model::{Quantity, parse_date};

#[derive(Debug, Subcommand)]
pub(crate) enum LotCommand {
    /// Find a lot number across every item, with what each location holds
    ///
    /// A recall notice names a lot, not an item. Lot numbers match exactly.
    Find { lot: String },
    /// Quarantine a lot: its stock stops being usable until released
    Quarantine {
        item: String,
        lot: String,
        /// Why (e.g. QC failure, cold-chain breach)
        #[arg(long)]
        reason: Option<String>,
    },
    /// Release a quarantined lot back to use
    Release {
        item: String,
        lot: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Recall a lot (manufacturer or supplier recall): never usable again
    ///
    /// Batches made from the lot (`labstock prepare`), and batches made
    /// from those, that still hold stock are listed; --cascade quarantines
    /// them in the same transaction (also on a lot recalled before).
    Recall {
        item: String,
        lot: String,
        /// Recall notice reference or reason
        #[arg(long)]
        reason: Option<String>,
        /// Quarantine the batches made from this lot that are still in stock
        #[arg(long)]
        cascade: bool,
    },
    /// Open units of a lot (starts their in-use period): `open` with the
    /// lot named
    ///
    /// Opens QTY units (default 1) of the lot's sealed stock: they become
    /// an opened portion whose effective expiry is the earlier of the
    /// lot's expiry and the opening date + the item's in_use_days; the
    /// other units stay sealed. The date may not be after today nor before
    /// the units were received (exit 65). A wrong opening is corrected by
    /// reversing its movement (`labstock reverse ID --reason …`).
    #[command(
        after_help = "Examples:\n  labstock lot open RGT-CRP 611802\n  labstock lot open RGT-CRP 611802 2 --location FRIDGE-A --date 2026-11-20"
    )]
    Open {
        item: String,
        lot: String,
        /// Units opened [default: 1]
        qty: Option<String>,
        /// Where the units are (needed when the lot is at several locations)
        #[arg(long)]
        location: Option<String>,
        /// Date opened [default: today]
        #[arg(long)]
        date: Option<String>,
    },
    /// Record the acceptance (verification before use) of a pending lot
    ///
    /// A new lot of an item with acceptance_required is received pending:
    /// not usable until accepted. `pass` makes it available; `fail`
    /// quarantines it (recorded as `lot quarantine` is). A lot that is not
    /// pending is refused (exit 65). Lots awaiting acceptance:
    /// `labstock report acceptance`.
    #[command(
        after_help = "Example:\n  labstock lot accept RGT-CRP 611802 --result pass --reference QC-2026-118"
    )]
    Accept {
        item: String,
        lot: String,
        /// The verification's result
        #[arg(long, value_enum)]
        result: AcceptResult,
        /// The verification record (QC run, form number)
        #[arg(long)]
        reference: Option<String>,
        #[arg(long)]
        notes: Option<String>,
    },
    /// List an item's lots with expiry, status and stock
    List { item: String },
}

/// `--result` of `lot accept`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum AcceptResult {
    Pass,
    Fail,
}

impl From<AcceptResult> for crate::acceptance::AcceptanceResult {
    fn from(r: AcceptResult) -> Self {
        match r {
            AcceptResult::Pass => crate::acceptance::AcceptanceResult::Pass,
            AcceptResult::Fail => crate::acceptance::AcceptanceResult::Fail,
        }
    }
}

pub(super) fn run(ctx: &Ctx, c: LotCommand) -> Result<i32> {
    let mut store = ctx.open()?;
    let (item, lot, action, reason) = match c {
        LotCommand::Find { lot } => {
            let rows = app::lots::find(&store, &lot)?;
            if rows.is_empty() {
                ctx.say(&format!("no item has a lot {:?}", lot.trim()));
            }
            ctx.emit(
                &[
                    "item", "name", "lot", "expiry", "status", "location", "quantity",
                ],
                &rows,
            )?;
            return Ok(0);
        }
        LotCommand::Quarantine { item, lot, reason } => (item, lot, LotAction::Quarantine, reason),
        LotCommand::Release { item, lot, reason } => (item, lot, LotAction::Release, reason),
        LotCommand::Recall {
            item,
            lot,
            reason,
            cascade,
        } => {
            let recalled = app::prepare::recall(
                &mut store,
                &item,
                &lot,
                reason.as_deref(),
                cascade,
                ctx.actor(),
            )?;
            if let Some(state) = &recalled.state {
                say_state(ctx, state);
            }
            for b in &recalled.quarantined {
                ctx.say(&format!(
                    "batch {} of {} is now quarantined ({} on hand): made from lot {} of {}",
                    b.lot,
                    b.item,
                    b.on_hand,
                    lot.trim(),
                    item.trim()
                ));
            }
            let open: Vec<&crate::prepare::BatchLink> = recalled
                .in_stock
                .iter()
                .filter(|b| b.status == "available" || b.status == "pending")
                .filter(|b| {
                    !recalled
                        .quarantined
                        .iter()
                        .any(|q| q.item == b.item && q.lot == b.lot)
                })
                .collect();
            if !open.is_empty() {
                let list: Vec<String> = open
                    .iter()
                    .map(|b| format!("{} lot {} ({} on hand)", b.item, b.lot, b.on_hand))
                    .collect();
                ctx.say(&format!(
                    "warning: {} batch(es) made from lot {} of {} still in stock and usable: {}; quarantine them with `labstock lot recall {} {} --cascade`",
                    open.len(),
                    lot.trim(),
                    item.trim(),
                    list.join(", "),
                    item.trim(),
                    lot.trim()
                ));
            }
            return Ok(0);
        }
        LotCommand::Open {
            item,
            lot,
            qty,
            location,
            date,
        } => {
            let req = app::movements::OpenRequest {
                item,
                quantity: qty.as_deref().map(Quantity::parse_positive).transpose()?,
                lot: Some(lot),
                location,
                date: date.map(|d| parse_date("--date", &d)).transpose()?,
                note: None,
            };
            let mut store = ctx.open()?;
            let outcome = app::movements::open(&mut store, &req, ctx.actor())?;
            super::movement::report(ctx, &outcome);
            return Ok(0);
        }
        LotCommand::Accept {
            item,
            lot,
            result,
            reference,
            notes,
        } => {
            let state = app::lots::accept(
                &mut store,
                &app::lots::AcceptRequest {
                    item,
                    lot,
                    result: result.into(),
                    reference,
                    notes,
                },
                ctx.actor(),
            )?;
            say_state(ctx, &state);
            return Ok(0);
        }
        LotCommand::List { item } => {
            let rows = app::lots::list(&store, &item)?;
            ctx.emit(
                &[
                    "lot",
                    "expiry",
                    "opened_on",
                    "effective_expiry",
                    "status",
                    "quantity",
                ],
                &rows,
            )?;
            return Ok(0);
        }
    };
    let req = LotRequest {
        item,
        lot,
        action,
        reason,
    };
    let state = app::lots::act(&mut store, &req, ctx.actor())?;
    say_state(ctx, &state);
    Ok(0)
}

fn say_state(ctx: &Ctx, s: &LotState) {
    let eff = s
        .effective_expiry
        .map(|d| format!(", usable until {d}"))
        .unwrap_or_default();
    ctx.say(&format!(
        "lot {} of {} is now {}{eff}",
        s.lot,
        s.item,
        s.status.as_str()
    ));
}
