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
    /// Columns: asset_tag,description,location,status,last_calibrated,
    /// last_result,next_due,days_until_due,state. Condemned assets are never
    /// listed. With --fail-on-overdue the exit code is 3 when any row is
    /// `never` or `overdue`.
    CalibrationDue(CalibrationDueArgs),
}

pub(super) fn run(ctx: &Ctx, c: ReportCommand) -> Result<i32> {
    match c {
        ReportCommand::CalibrationDue(a) => equipment::calibration_due(ctx, a),
    }
}
