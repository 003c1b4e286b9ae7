//! The `report` command group's waste reports: `report waste` and
//! `report consignments`. (The lead merges this group with the other
//! reports; the runners live in `cli/waste.rs`.)

use clap::Subcommand;

use super::Ctx;
use super::waste::{ConsignmentReportArgs, WasteReportArgs, report_consignments, report_waste};
use crate::error::Result;

#[derive(Debug, Subcommand)]
pub(crate) enum ReportCommand {
    /// The hazardous-waste register: date,stream,name,hazardous,quantity,unit,container,consignment_note,carrier,recorded_by
    Waste(WasteReportArgs),
    /// The consignment note register: notes with their streams and quantities
    Consignments(ConsignmentReportArgs),
    /// `report calibration-due` (cli/report_calibration.rs)
    #[command(flatten)]
    Calibration(super::report_calibration::ReportCommand),
}

pub(super) fn run(ctx: &Ctx, c: ReportCommand) -> Result<i32> {
    match c {
        ReportCommand::Waste(a) => report_waste(ctx, a),
        ReportCommand::Consignments(a) => report_consignments(ctx, a),
        ReportCommand::Calibration(c) => super::report_calibration::run(ctx, c),
    }
}
