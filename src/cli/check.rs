//! `check`: prove balances against the ledger; exit 3 when any differ.

use clap::Args;

use super::Ctx;
use crate::error::{Error, Result};

/// Prove every balance against the ledger and every evidence record
/// against its hash, and run the database's own checks: SQLite's integrity
/// and foreign-key checks; on PostgreSQL amcheck on every index, the
/// append-only triggers and the foreign keys (exit 3 on any problem).
#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// SQLite's quick_check instead of the full integrity_check: skips
    /// comparing every index with its table, several times faster on a
    /// large ledger (for a daily job; run the full check weekly). On
    /// PostgreSQL, amcheck without heapallindexed
    #[arg(long)]
    quick: bool,
}

pub(super) fn run(ctx: &Ctx, args: &CheckArgs) -> Result<i32> {
    let store = ctx.open()?;
    let own = match (store.engine_kind(), args.quick) {
        (crate::store::EngineKind::Sqlite, true) => "SQLite's quick_check",
        (crate::store::EngineKind::Sqlite, false) => "SQLite's integrity_check",
        (crate::store::EngineKind::Postgres, _) => "PostgreSQL's amcheck",
    };
    let bar = super::progress::spinner(format!(
        "checking {}: balances against the ledger, hash chains, {own}",
        store.path().display(),
    ));
    let report = crate::app::audit::check(&store, args.quick);
    super::progress::clear(bar.as_ref());
    let report = report?;
    if report.is_clean() {
        ctx.say(&format!(
            "check: {} movements, {} balances: every balance agrees with the ledger",
            report.movements, report.balances
        ));
        ctx.say(&format!(
            "check: {} evidence records: every hash chain is intact{}",
            report.sealed,
            report
                .heads
                .iter()
                .find(|h| h.table == "movements" && h.rows > 0)
                .map(|h| format!(" (ledger head: movement {} {})", h.last_id, &h.hash[..16]))
                .unwrap_or_default()
        ));
        for note in &report.notes {
            ctx.say(note);
        }
        return Ok(0);
    }
    for note in &report.notes {
        ctx.say(note);
    }
    // A reader that stops early (`check | head`) ends the listing, but
    // not the verdict: the exit status still says the check failed.
    let lines = report
        .discrepancies
        .iter()
        .map(crate::check::Discrepancy::describe)
        .chain(report.problems.iter().cloned());
    for line in lines {
        match ctx.print_line(&line) {
            Ok(()) => {}
            Err(e) if e.is_broken_pipe() => break,
            Err(e) => return Err(e),
        }
    }
    Err(Error::CheckFailed(format!(
        "check found {} balance difference(s) and {} other problem(s) over {} movements",
        report.discrepancies.len(),
        report.problems.len(),
        report.movements
    )))
}
