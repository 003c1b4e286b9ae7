//! `report calibration-due`: the calibration part of the `report` group
//! (kept in its own file so it merges with the other reports).

use clap::Subcommand;

use super::Ctx;
use super::equipment::{self, CalibrationDueArgs};
use crate::error::Result;

#[derive(Debug, Subcommand)]
pub(crate) enum ReportCommand {
    /// Assets never calibrated, overdue, or due within --within days
    ///
    /// States: `never` (needs calibration, no record), `overdue` (next due
    /// before the as-of date) and `due` (within --within days, inclusive).
    /// Condemned assets are never listed. With --fail-on-overdue the exit
    /// code is 3 when any row is `never` or `overdue`.
    CalibrationDue(CalibrationDueArgs),
}

pub(super) fn run(ctx: &Ctx, c: ReportCommand) -> Result<i32> {
    match c {
        ReportCommand::CalibrationDue(a) => equipment::calibration_due(ctx, a),
    }
}
