//! The reports: `report reorder|expiry|usage|calibration-due|waste|consignments`
//! and the summaries `demo` prints. Each returns rows; the face renders.

use chrono::NaiveDate;

use crate::calibration::CalibrationDueRow;
use crate::error::Result;
use crate::reorder::{ReorderQuery, ReorderReport};
use crate::report::expiry::ExpiryRow;
use crate::report::usage::UsageReport;
use crate::store::Store;
use crate::waste::{ConsignmentRow, TotalRow, Unconsigned, WasteFilter, WasteRow};

pub fn reorder(store: &Store, q: &ReorderQuery) -> Result<ReorderReport> {
    store.reorder_report(q)
}

/// `report reorder --site SITE`: the site's locations as one pool (SPEC
/// §12); the whole lab's list with `None`.
pub fn reorder_at_site(
    store: &Store,
    q: &ReorderQuery,
    site: Option<&str>,
) -> Result<ReorderReport> {
    store.reorder_report_at_site(q, site)
}

/// `report expiry [--within N] [--location L] [--as-of D]`.
#[derive(Debug, Clone)]
pub struct ExpiryQuery {
    pub as_of: NaiveDate,
    pub within: i64,
    pub location: Option<String>,
}

pub fn expiry(store: &Store, q: &ExpiryQuery) -> Result<Vec<ExpiryRow>> {
    store.expiry_report(q.as_of, q.within, q.location.as_deref())
}

/// `report expiry --site SITE`: only stock at that site's locations.
pub fn expiry_at_site(
    store: &Store,
    q: &ExpiryQuery,
    site: Option<&str>,
) -> Result<Vec<ExpiryRow>> {
    store.expiry_report_at_site(q.as_of, q.within, q.location.as_deref(), site)
}

/// `report usage [--weeks N] [--location L] [--as-of D]`.
#[derive(Debug, Clone)]
pub struct UsageQuery {
    pub as_of: NaiveDate,
    pub weeks: i64,
    pub location: Option<String>,
}

pub fn usage(store: &Store, q: &UsageQuery) -> Result<UsageReport> {
    store.usage_report(q.as_of, q.weeks, q.location.as_deref())
}

/// `report usage --site SITE`: issues from, and stock at, that site's
/// locations.
pub fn usage_at_site(store: &Store, q: &UsageQuery, site: Option<&str>) -> Result<UsageReport> {
    store.usage_report_at_site(q.as_of, q.weeks, q.location.as_deref(), site)
}

/// `report calibration-due [--within N] [--as-of D]`.
pub fn calibration_due(
    store: &Store,
    as_of: NaiveDate,
    within: u32,
) -> Result<Vec<CalibrationDueRow>> {
    store.calibration_due(as_of, within)
}

/// `report waste`: the register lines the filter selects.
pub fn waste(store: &Store, filter: &WasteFilter) -> Result<Vec<WasteRow>> {
    store.waste_report(filter)
}

/// Waste totals by stream and month.
pub fn waste_totals(store: &Store, filter: &WasteFilter) -> Result<Vec<TotalRow>> {
    store.waste_totals(filter)
}

/// `report consignments`.
pub fn consignments(store: &Store, filter: &WasteFilter) -> Result<Vec<ConsignmentRow>> {
    store.consignment_register(filter)
}

/// Hazardous waste recorded without a consignment note (warnings).
pub fn unconsigned_hazardous(store: &Store, as_of: NaiveDate) -> Result<Vec<Unconsigned>> {
    store.unconsigned_hazardous(as_of)
}

/// `report acceptance`: stock in lots awaiting acceptance (SPEC §13).
pub fn acceptance(
    store: &Store,
    as_of: NaiveDate,
    location: Option<&str>,
) -> Result<Vec<crate::acceptance::AcceptanceRow>> {
    store.acceptance_report(as_of, location)
}
