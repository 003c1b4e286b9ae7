//! The dashboard's one query: what needs someone today, counted, as the
//! reports that list it in full would count it.

use chrono::NaiveDate;

use crate::calibration::DueState;
use crate::db::Store;
use crate::error::Result;
use crate::reorder::ReorderQuery;
use crate::report::expiry::{DEFAULT_WITHIN_DAYS, ExpiryState};

/// The counts on the dashboard, as of one date.
#[derive(Debug, Clone, Default)]
pub struct Dashboard {
    pub as_of: Option<NaiveDate>,
    pub reorder_lines: usize,
    /// Pence, over the lines that have a unit cost.
    pub reorder_value: i64,
    pub reorder_uncosted: usize,
    pub expired_lots: usize,
    pub expiring_lots: usize,
    pub calibration_never: usize,
    pub calibration_overdue: usize,
    pub calibration_due: usize,
    pub pending_acceptance: usize,
    pub unconsigned_hazardous: usize,
    /// Temperature excursions awaiting a decision (SPEC §15).
    pub open_excursions: usize,
    /// Monitored locations with no reading the day before `as_of`.
    pub missing_readings: usize,
}

/// The marks that change whenever the dashboard's answer may (see
/// [`crate::chain::change_marks`]): a summary kept with its date and marks
/// is still the answer while they are equal.
pub fn change_marks(store: &Store) -> Result<Vec<i64>> {
    store.change_marks()
}

pub fn summary(store: &Store, as_of: NaiveDate) -> Result<Dashboard> {
    let reorder = store.reorder_report(&ReorderQuery {
        as_of,
        supplier: None,
        location: None,
    })?;
    let expiry = store.expiry_report(as_of, DEFAULT_WITHIN_DAYS, None)?;
    let due = store.calibration_due(as_of, 30)?;
    Ok(Dashboard {
        as_of: Some(as_of),
        reorder_lines: reorder.rows.len(),
        reorder_value: reorder
            .rows
            .iter()
            .filter_map(|r| r.line_cost.map(crate::model::Money::pence))
            .fold(0i64, i64::saturating_add),
        reorder_uncosted: reorder
            .rows
            .iter()
            .filter(|r| r.line_cost.is_none())
            .count(),
        expired_lots: expiry
            .iter()
            .filter(|r| r.state == ExpiryState::Expired)
            .count(),
        expiring_lots: expiry
            .iter()
            .filter(|r| r.state == ExpiryState::Expiring)
            .count(),
        calibration_never: due.iter().filter(|r| r.state == DueState::Never).count(),
        calibration_overdue: due.iter().filter(|r| r.state == DueState::Overdue).count(),
        calibration_due: due.iter().filter(|r| r.state == DueState::Due).count(),
        pending_acceptance: store.acceptance_report(as_of, None)?.len(),
        unconsigned_hazardous: store.unconsigned_hazardous(as_of)?.len(),
        open_excursions: store.open_excursions()?,
        missing_readings: {
            let yesterday = as_of.pred_opt().unwrap_or(as_of);
            store
                .temperature_days(None, yesterday, yesterday)?
                .iter()
                .filter(|d| d.missing)
                .count()
        },
    })
}
