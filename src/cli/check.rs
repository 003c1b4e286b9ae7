//! `check`: prove balances against the ledger; exit 3 when any differ.

use super::Ctx;
use crate::error::{Error, Result};

pub(super) fn run(ctx: &Ctx) -> Result<i32> {
    let store = ctx.open()?;
    let report = store.check()?;
    if report.is_clean() {
        ctx.say(&format!(
            "check: {} movements, {} balances: every balance agrees with the ledger",
            report.movements, report.balances
        ));
        return Ok(0);
    }
    for d in &report.discrepancies {
        println!("{}", d.describe());
    }
    for p in &report.problems {
        println!("{p}");
    }
    Err(Error::CheckFailed(format!(
        "check found {} balance difference(s) and {} other problem(s) over {} movements",
        report.discrepancies.len(),
        report.problems.len(),
        report.movements
    )))
}
