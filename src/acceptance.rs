//! Reagent acceptance (SPEC §13; ISO 15189 verification of each new lot
//! before use).
//!
//! An item with `acceptance_required` receives each NEW lot `pending`: the
//! ledger's `create_lot` writes the lot with `lots.pending` set and a
//! `pending` record here. `lot accept ITEM LOT --result pass|fail` decides
//! it once: `pass` makes the lot available, `fail` quarantines it (also
//! recorded as a quarantine in `lot_events`, as `lot quarantine` records
//! one). A lot that exists is never pending again, so the next delivery of
//! an accepted lot is usable on arrival.
//!
//! The records (`lot_acceptances`) are append-only and hash-chained;
//! `lots.pending` is their cache, proven by `check`
//! (`lots::lots_disagreeing`). What the records say as of a date is
//! defined once, here ([`pending_as_of`]): the `pending` record counts
//! from the lot's beginning (a backdated receipt's lot was pending from
//! its receipt), a decision from when it was recorded.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::args;
use crate::catalogue::{find_item, find_location};
use crate::chain;
use crate::clock::lab_date;
use crate::error::{Error, Result};
use crate::ledger::existing_lot;
use crate::lots::LotState;
use crate::model::LotStatus;
use crate::reorder::stock::for_each_balance;
use crate::store::Conn;
use crate::store::Store;
use crate::store::sql::acceptance as sql;
use crate::values::{ItemId, LocationId, LotId};

/// The verdict of a lot's verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AcceptanceResult {
    /// Fit for use: the lot becomes available.
    Pass,
    /// Not fit for use: the lot is quarantined.
    Fail,
}

impl AcceptanceResult {
    /// As recorded in `lot_acceptances.result`.
    pub fn as_str(self) -> &'static str {
        match self {
            AcceptanceResult::Pass => "pass",
            AcceptanceResult::Fail => "fail",
        }
    }
}

/// Whether a lot's acceptance records `(result, at)`, in recording order,
/// leave it pending at `end` (a stored UTC timestamp, the end of the
/// as-of date; `None`: now). The `pending` record counts whenever it was
/// recorded; a decision counts once recorded before `end`.
pub fn pending_as_of<'a>(
    records: impl IntoIterator<Item = (&'a str, &'a str)>,
    end: Option<&str>,
) -> bool {
    let mut pending = false;
    for (result, at) in records {
        if result == "pending" {
            pending = true;
        } else if end.is_none_or(|end| at < end) {
            pending = false;
        }
    }
    pending
}

/// The acceptance records of the lots `lot_ids` (every lot when `None`),
/// as `(result, at)` in recording order, by lot.
pub(crate) fn records_by_lot<'c>(
    conn: impl Into<Conn<'c>>,
    lot_ids: Option<&[LotId]>,
) -> Result<HashMap<LotId, Vec<(String, String)>>> {
    let conn = conn.into();
    match lot_ids {
        None => {
            let mut out: HashMap<LotId, Vec<(String, String)>> = HashMap::new();
            conn.for_each(&sql::ALL_RECORDS, args![], |r| {
                out.entry(r.get(0)?)
                    .or_default()
                    .push((r.get(1)?, r.get(2)?));
                Ok(())
            })?;
            Ok(out)
        }
        // Through the index `lot_acceptances_lot`.
        Some(ids) => records_of_lots(conn, ids),
    }
}

/// Record that a new lot awaits acceptance, in the caller's transaction
/// (the ledger's `create_lot`).
pub(crate) fn record_pending(conn: Conn<'_>, lot_id: LotId, at: &str, user: &str) -> Result<i64> {
    chain::append_cells(
        conn,
        &chain::LOT_ACCEPTANCES,
        crate::args![lot_id, "pending", None::<String>, None::<String>, at, user],
    )
}

/// The acceptance records of some lots, by lot, in the order recorded
/// (through the index `lot_acceptances_lot`), on either engine.
pub(crate) fn records_of_lots(
    conn: Conn<'_>,
    lot_ids: &[LotId],
) -> Result<HashMap<LotId, Vec<(String, String)>>> {
    let mut out: HashMap<LotId, Vec<(String, String)>> = HashMap::new();
    for id in lot_ids {
        conn.for_each(
            &crate::store::sql::ledger::LOT_ACCEPTANCES,
            crate::args![id],
            |r| {
                out.entry(r.get(0)?)
                    .or_default()
                    .push((r.get(1)?, r.get(2)?));
                Ok(())
            },
        )?;
    }
    Ok(out)
}

/// One lot awaiting acceptance at one location (`report acceptance`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AcceptanceRow {
    pub item: String,
    pub name: String,
    pub lot: String,
    pub location: String,
    pub quantity: i64,
    /// The lab date of the lot's first stock-in.
    pub received_on: Option<NaiveDate>,
    /// as-of − received_on.
    pub days_pending: Option<i64>,
}

/// CSV header of `report acceptance` (SPEC §13).
pub const ACCEPTANCE_HEADERS: &[&str] = &[
    "item",
    "name",
    "lot",
    "location",
    "quantity",
    "received_on",
    "days_pending",
];

fn trimmed(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

impl Store {
    /// Record the verification of a pending lot, in one transaction:
    /// `pass` makes it available, `fail` quarantines it. A lot that is
    /// not pending is refused, and nothing is written.
    #[allow(clippy::too_many_arguments)]
    pub fn accept_lot(
        &mut self,
        item: &str,
        lot: &str,
        result: AcceptanceResult,
        reference: Option<&str>,
        notes: Option<&str>,
        now: &str,
        user: &str,
    ) -> Result<LotState> {
        let (reference, notes) = (trimmed(reference), trimmed(notes));
        self.transact(|conn| {
            let item = find_item(conn, item)?;
            let found = existing_lot(conn, &item, lot)?;
            // Decided once: a verdict recorded meanwhile is seen after
            // the lot's lock (PostgreSQL), so the lot is read again.
            conn.query_opt(&sql::LOCK_LOT, args![found.id], |_| Ok(()))?;
            let current = existing_lot(conn, &item, &found.lot)?;
            if current.status != LotStatus::Pending {
                return Err(Error::LotNotPending {
                    item: item.code.clone(),
                    lot: current.lot.clone(),
                    status: current.status.as_str(),
                });
            }
            chain::append_cells(
                conn,
                &chain::LOT_ACCEPTANCES,
                args![current.id, result.as_str(), reference, notes, now, user],
            )?;
            let status = match result {
                AcceptanceResult::Pass => {
                    conn.execute(&sql::PASSED, args![current.id])?;
                    LotStatus::Available
                }
                AcceptanceResult::Fail => {
                    conn.execute(&sql::FAILED, args![current.id])?;
                    let mut reason = "failed acceptance".to_owned();
                    if let Some(r) = reference {
                        reason.push_str(&format!("; reference {r}"));
                    }
                    if let Some(n) = notes {
                        reason.push_str(&format!("; {n}"));
                    }
                    // Recorded as `lot quarantine` records it, so the lot's
                    // status stays proven by its events.
                    chain::append_cells(
                        conn,
                        &chain::LOT_EVENTS,
                        args![current.id, "quarantine", None::<String>, reason, now, user],
                    )?;
                    LotStatus::Quarantined
                }
            };
            Ok(LotState {
                item: item.code.clone(),
                lot: current.lot.clone(),
                expiry: current.expiry,
                status,
                effective_expiry: current.expiry,
            })
        })
    }

    /// Stock in lots awaiting acceptance at the end of `as_of` (SPEC §13),
    /// oldest receipt first, then by item, lot and location.
    pub fn acceptance_report(
        &self,
        as_of: NaiveDate,
        location: Option<&str>,
    ) -> Result<Vec<AcceptanceRow>> {
        self.read(|conn| acceptance_report(conn, as_of, location))
    }
}

/// See [`Store::acceptance_report`].
fn acceptance_report(
    conn: Conn<'_>,
    as_of: NaiveDate,
    location: Option<&str>,
) -> Result<Vec<AcceptanceRow>> {
    let location_id = location
        .map(|l| find_location(conn, l))
        .transpose()?
        .map(|l| l.id);
    let zone = crate::settings::lab_zone(conn)?;
    let locations: HashMap<LocationId, String> = conn
        .query_all(&sql::LOCATION_CODES, args![], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .into_iter()
        .collect();
    let mut items: HashMap<ItemId, (String, String)> = HashMap::new();
    let mut received: HashMap<LotId, Option<NaiveDate>> = HashMap::new();
    let mut rows = Vec::new();
    for_each_balance(conn, location_id, as_of, |b| {
        if b.status != LotStatus::Pending {
            return Ok(());
        }
        if let Entry::Vacant(slot) = items.entry(b.item_id) {
            slot.insert(conn.query_one(&sql::ITEM_WORDS, args![b.item_id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?);
        }
        if let Entry::Vacant(slot) = received.entry(b.lot_id) {
            // The lot's first stock-in, through the index `movements_lot_at`.
            let at: Option<String> =
                conn.query_one(&sql::FIRST_IN, args![b.lot_id], |r| r.get(0))?;
            slot.insert(
                at.and_then(|t| t.parse::<DateTime<Utc>>().ok())
                    .map(|t| lab_date(t, zone)),
            );
        }
        let (item, name) = items.get(&b.item_id).cloned().unwrap_or_default();
        let received_on = received.get(&b.lot_id).copied().flatten();
        rows.push(AcceptanceRow {
            item,
            name,
            lot: b.lot.to_owned(),
            location: locations.get(&b.location_id).cloned().unwrap_or_default(),
            quantity: b.quantity,
            received_on,
            days_pending: received_on.map(|r| (as_of - r).num_days()),
        });
        Ok(())
    })?;
    rows.sort_by(|a, b| {
        a.received_on
            .cmp(&b.received_on)
            .then_with(|| a.item.cmp(&b.item))
            .then_with(|| a.lot.cmp(&b.lot))
            .then_with(|| a.location.cmp(&b.location))
    });
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pending_counts_from_the_start_and_a_decision_from_when_recorded() {
        let records = [
            ("pending", "2026-11-20T09:00:00Z"),
            ("pass", "2026-11-21T10:00:00Z"),
        ];
        let at = |end: Option<&str>| pending_as_of(records.iter().copied(), end);
        assert!(
            at(Some("2026-11-19T00:00:00Z")),
            "backdated: pending from the start"
        );
        assert!(at(Some("2026-11-21T00:00:00Z")));
        assert!(!at(Some("2026-11-22T00:00:00Z")));
        assert!(!at(None));
        assert!(!pending_as_of([], None), "no records: never pending");
    }
}
