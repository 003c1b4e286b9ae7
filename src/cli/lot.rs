//! `lot quarantine|release|recall|open|accept|list`.

use clap::{Subcommand, ValueEnum};
use serde::Serialize;

use super::Ctx;
use crate::catalogue::find_item;
use crate::error::Result;
use crate::lots::{LotAction, LotState};
use crate::model::parse_date;

#[derive(Debug, Subcommand)]
pub(crate) enum LotCommand {
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
    Recall {
        item: String,
        lot: String,
        /// Recall notice reference or reason
        #[arg(long)]
        reason: Option<String>,
    },
    /// Record that a lot was opened (starts its in-use period), or correct
    /// the recorded date
    ///
    /// The date may not be after today nor before the lot was first
    /// received (exit 65). A lot is opened once; if the recorded date is
    /// wrong, `--correct --reason WHY` records the right one as a new,
    /// chained record (the first stays, and `audit` lists both); the lot's
    /// opening is then the latest date recorded.
    #[command(
        after_help = "Examples:\n  labstock lot open RGT-CRP 611802 --date 2026-11-20\n  labstock lot open RGT-CRP 611802 --date 2026-11-18 --correct --reason \"entered late\""
    )]
    Open {
        item: String,
        lot: String,
        /// Date opened [default: today]
        #[arg(long)]
        date: Option<String>,
        /// Correct the recorded opening date (needs --reason)
        #[arg(long)]
        correct: bool,
        /// Why (required with --correct)
        #[arg(long)]
        reason: Option<String>,
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
    let now = ctx.now_stamp();
    let today = ctx.clock().today();
    let state = match c {
        LotCommand::Quarantine { item, lot, reason } => store.lot_action(
            &item,
            &lot,
            LotAction::Quarantine,
            reason.as_deref(),
            today,
            &now,
            &ctx.user,
        )?,
        LotCommand::Release { item, lot, reason } => store.lot_action(
            &item,
            &lot,
            LotAction::Release,
            reason.as_deref(),
            today,
            &now,
            &ctx.user,
        )?,
        LotCommand::Recall { item, lot, reason } => store.lot_action(
            &item,
            &lot,
            LotAction::Recall,
            reason.as_deref(),
            today,
            &now,
            &ctx.user,
        )?,
        LotCommand::Open {
            item,
            lot,
            date,
            correct,
            reason,
        } => {
            let date = match date {
                Some(d) => parse_date("--date", &d)?,
                None => today,
            };
            let action = if correct {
                LotAction::CorrectOpening(date)
            } else {
                LotAction::Open(date)
            };
            store.lot_action(
                &item,
                &lot,
                action,
                reason.as_deref(),
                today,
                &now,
                &ctx.user,
            )?
        }
        LotCommand::Accept {
            item,
            lot,
            result,
            reference,
            notes,
        } => store.accept_lot(
            &item,
            &lot,
            result.into(),
            reference.as_deref(),
            notes.as_deref(),
            &now,
            &ctx.user,
        )?,
        LotCommand::List { item } => {
            return list(ctx, &store, &item);
        }
    };
    say_state(ctx, &state);
    Ok(0)
}

fn say_state(ctx: &Ctx, s: &LotState) {
    if let (Some(was), Some(now)) = (s.previous_opening, s.opened_on) {
        ctx.say(&format!(
            "lot {} of {}: opening corrected from {was} to {now}",
            s.lot, s.item
        ));
    }
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

#[derive(Serialize)]
struct LotRow {
    lot: String,
    expiry: Option<String>,
    opened_on: Option<String>,
    effective_expiry: Option<String>,
    status: String,
    quantity: i64,
}

fn list(ctx: &Ctx, store: &crate::db::Store, code: &str) -> Result<i32> {
    let conn = store.connection();
    let item = find_item(conn, code)?;
    let mut stmt = conn.prepare(concat!(
        "SELECT l.lot, l.expiry, l.opened_on, ",
        crate::lot_status_sql!("l"),
        ", (SELECT coalesce(SUM(b.quantity), 0) FROM balances b WHERE b.lot_id = l.id) \
             FROM lots l WHERE l.item_id = ?1 ORDER BY l.expiry IS NULL, l.expiry, l.lot"
    ))?;
    let rows = stmt
        .query_map([item.id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let parse = |s: &Option<String>| {
        s.as_deref()
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    };
    let out: Vec<LotRow> = rows
        .into_iter()
        .map(|(lot, expiry, opened, status, quantity)| {
            let eff =
                crate::model::effective_expiry(parse(&expiry), parse(&opened), item.in_use_days);
            LotRow {
                lot,
                expiry,
                opened_on: opened,
                effective_expiry: eff.map(|d| d.to_string()),
                status,
                quantity,
            }
        })
        .collect();
    ctx.emit(
        &[
            "lot",
            "expiry",
            "opened_on",
            "effective_expiry",
            "status",
            "quantity",
        ],
        &out,
    )?;
    Ok(0)
}
