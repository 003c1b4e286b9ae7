//! `report expiry` (SPEC §3, §10): stock in lots that are expired or expire
//! within N days of the as-of date, by effective expiry (the earlier of the
//! printed expiry and opening + in-use days). Quarantined and recalled
//! lots are listed too, with their status, because their stock still has
//! to be dealt with.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::catalogue::find_location;
use crate::error::Result;
use crate::model::LotStatus;
use crate::reorder::add_days;
use crate::reorder::stock::for_each_balance;
use crate::store::sql::reports as sql;
use crate::store::{Conn, Store};
use crate::values::{ItemId, LocationId};

/// Days ahead `report expiry` looks by default.
pub const DEFAULT_WITHIN_DAYS: i64 = 30;

/// CSV header of `report expiry`: the SPEC columns, then ours.
pub const EXPIRY_HEADERS: &[&str] = &[
    "item",
    "name",
    "lot",
    "location",
    "quantity",
    "expiry",
    "days_until_expiry",
    "state",
    "status",
    "printed_expiry",
    "opened_on",
];

/// `expired` or `expiring`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ExpiryState {
    Expired,
    Expiring,
}

/// SPEC §10: expired when the effective expiry is before the as-of date;
/// expiring when as-of ≤ expiry ≤ as-of + `within` (inclusive). Returns
/// the state and `days_until_expiry` (expiry − as-of), or `None` when the
/// lot is not due for the report.
pub fn classify(
    effective_expiry: NaiveDate,
    as_of: NaiveDate,
    within: i64,
) -> Option<(ExpiryState, i64)> {
    let days = (effective_expiry - as_of).num_days();
    if effective_expiry < as_of {
        Some((ExpiryState::Expired, days))
    } else if effective_expiry <= add_days(as_of, within) {
        Some((ExpiryState::Expiring, days))
    } else {
        None
    }
}

/// One lot at one location in the expiry report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExpiryRow {
    pub item: String,
    pub name: String,
    pub lot: String,
    pub location: String,
    pub quantity: i64,
    /// Effective expiry.
    pub expiry: NaiveDate,
    pub days_until_expiry: i64,
    pub state: ExpiryState,
    /// Lot status: available, quarantined or recalled.
    pub status: LotStatus,
    /// The expiry printed on the lot, when opening brought the effective one forward.
    pub printed_expiry: Option<NaiveDate>,
    /// The opened portion (SPEC §15); empty for sealed units.
    pub opened_on: Option<NaiveDate>,
}

/// The code and name of each of `ids` (repeats allowed), read in one
/// statement.
fn item_names(conn: Conn<'_>, ids: &[ItemId]) -> Result<HashMap<ItemId, (String, String)>> {
    let mut distinct: Vec<i64> = ids.iter().map(|id| id.get()).collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.is_empty() {
        return Ok(HashMap::new());
    }
    let list = crate::store::id_list(distinct.iter().copied());
    let mut names = HashMap::with_capacity(distinct.len());
    conn.for_each(&sql::ITEM_NAMES, crate::args![list], |r| {
        names.insert(r.get::<ItemId>(0)?, (r.get(1)?, r.get(2)?));
        Ok(())
    })?;
    Ok(names)
}

impl Store {
    /// Lots expired or expiring within `within` days of `as_of`, with the
    /// stock of the end of `as_of`, sorted by expiry, then item, lot and
    /// location.
    pub fn expiry_report(
        &self,
        as_of: NaiveDate,
        within: i64,
        location: Option<&str>,
    ) -> Result<Vec<ExpiryRow>> {
        self.expiry_report_at_site(as_of, within, location, None)
    }

    /// The expiry report of one site's locations (SPEC §12); the whole
    /// lab's (or one location's) with `site` `None`.
    pub fn expiry_report_at_site(
        &self,
        as_of: NaiveDate,
        within: i64,
        location: Option<&str>,
        site: Option<&str>,
    ) -> Result<Vec<ExpiryRow>> {
        let locations: HashMap<LocationId, String> = self
            .locations()?
            .into_iter()
            .map(|l| (l.id, l.code))
            .collect();
        let mut rows = Vec::new();
        self.read(|conn| {
            let site = site.map(|s| crate::sites::find_site(conn, s)).transpose()?;
            let location_id = location
                .map(|l| find_location(conn, l))
                .transpose()?
                .map(|l| l.id);
            // Each row's item, named after the scan in one statement.
            let mut item_of_row: Vec<ItemId> = Vec::new();
            for_each_balance(conn, location_id, as_of, |b| {
                if site.as_ref().is_some_and(|s| !s.holds(b.location_id)) {
                    return Ok(());
                }
                let Some((eff, (state, days))) = b
                    .effective_expiry
                    .and_then(|e| classify(e, as_of, within).map(|c| (e, c)))
                else {
                    return Ok(());
                };
                item_of_row.push(b.item_id);
                rows.push(ExpiryRow {
                    item: String::new(),
                    name: String::new(),
                    lot: b.lot.to_owned(),
                    location: locations.get(&b.location_id).cloned().unwrap_or_default(),
                    quantity: b.quantity,
                    expiry: eff,
                    days_until_expiry: days,
                    state,
                    status: b.status,
                    printed_expiry: b.expiry.filter(|p| *p != eff),
                    opened_on: b.opened_on,
                });
                Ok(())
            })?;
            let items = item_names(conn, &item_of_row)?;
            for (row, id) in rows.iter_mut().zip(&item_of_row) {
                if let Some((item, name)) = items.get(id) {
                    row.item.clone_from(item);
                    row.name.clone_from(name);
                }
            }
            Ok(())
        })?;
        rows.sort_by(|a, b| {
            a.expiry
                .cmp(&b.expiry)
                .then_with(|| a.item.cmp(&b.item))
                .then_with(|| a.lot.cmp(&b.lot))
                .then_with(|| a.location.cmp(&b.location))
                .then_with(|| a.opened_on.cmp(&b.opened_on))
        });
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn expired_is_before_the_as_of_date_and_within_is_inclusive() {
        let as_of = d("2026-11-21");
        assert_eq!(
            classify(d("2026-11-20"), as_of, 30),
            Some((ExpiryState::Expired, -1))
        );
        assert_eq!(
            classify(d("2026-11-21"), as_of, 30),
            Some((ExpiryState::Expiring, 0)),
            "expires today: still expiring"
        );
        assert_eq!(
            classify(d("2026-12-21"), as_of, 30),
            Some((ExpiryState::Expiring, 30))
        );
        assert_eq!(classify(d("2026-12-22"), as_of, 30), None);
        assert_eq!(
            classify(d("2026-11-21"), as_of, 0),
            Some((ExpiryState::Expiring, 0))
        );
    }
}
