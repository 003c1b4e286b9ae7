//! Lots as evidence (SPEC §1, §2; issue 12 defects 6 and 8): their
//! creation, status (quarantine, release, recall) and opening.
//!
//! Every lot has a creation record (`lot_creations`: item, number, expiry,
//! who and when) and every change of its status or opening is a
//! `lot_events` row; both are append-only and hash-chained. The `lots` row
//! keeps the current status and opening as a cache for the hot paths, and
//! `check` proves it against the records ([`lots_disagreeing`]).
//!
//! What a lot was at a date is defined once, here: [`LotAsOf::replay`]
//! over its events. [`status_as_of`] answers it for one lot and
//! [`statuses_changed_after`] for every lot at once (reports `--as-of`).
//! A status change takes effect when it was recorded. An opening is
//! dated: the lot's latest `open` record (a correction, made later, with
//! its reason) says on which day it was opened, and the lot counts as
//! opened from that day.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::acceptance;
use crate::args;
use crate::catalogue::find_item;
use crate::chain;
use crate::clock::end_of_day;
use crate::error::{Error, Refusal, Result};
use crate::ledger::existing_lot;
use crate::model::{LotStatus, parse_stored_date};
use crate::store::Conn;
use crate::store::Store;
use crate::store::sql::lots as sql;
use crate::values::{ItemId, LotId};

/// What is done to a lot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LotAction {
    Quarantine,
    Release,
    Recall,
}

impl LotAction {
    /// The `lot_events.action` it is recorded as.
    fn name(self) -> &'static str {
        match self {
            LotAction::Quarantine => "quarantine",
            LotAction::Release => "release",
            LotAction::Recall => "recall",
        }
    }
}

/// One lot of an item as `lot list` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct LotListRow {
    pub lot: String,
    pub expiry: Option<String>,
    pub opened_on: Option<String>,
    pub effective_expiry: Option<String>,
    pub status: String,
    pub quantity: i64,
}

/// A lot after a change, as shown to the user.
#[derive(Debug, Clone, Serialize)]
pub struct LotState {
    pub item: String,
    pub lot: String,
    pub expiry: Option<NaiveDate>,
    pub status: LotStatus,
    /// The expiry of its sealed units.
    pub effective_expiry: Option<NaiveDate>,
}

/// A lot's status and opening, derived from its events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LotAsOf {
    pub status: LotStatus,
    /// The day it was opened, when that is on or before the date asked
    /// about.
    pub opened_on: Option<NaiveDate>,
}

impl Default for LotAsOf {
    fn default() -> Self {
        LotAsOf {
            status: LotStatus::Available,
            opened_on: None,
        }
    }
}

impl LotAsOf {
    /// Apply one lot event (in recording order): the one definition of
    /// what each action does to a lot. A lot starts available and sealed.
    pub fn apply(&mut self, action: &str, on_date: Option<NaiveDate>) {
        match action {
            "quarantine" => self.status = LotStatus::Quarantined,
            "release" => self.status = LotStatus::Available,
            "recall" => self.status = LotStatus::Recalled,
            "open" => self.opened_on = on_date,
            _ => {}
        }
    }

    /// A lot's events `(action, on_date, at)` in recording order, replayed
    /// as of the end of `as_of` (`None`: as of now, every event). Status
    /// changes count when recorded by then; the latest opening record
    /// counts whenever it was made, and only if the day it names is on or
    /// before `as_of`.
    pub fn replay<'a>(
        events: impl IntoIterator<Item = (&'a str, Option<NaiveDate>, &'a str)>,
        as_of: Option<NaiveDate>,
        zone: crate::clock::Zone,
    ) -> LotAsOf {
        let end = as_of.map(|d| end_of_day(d, zone));
        let mut state = LotAsOf::default();
        for (action, on_date, at) in events {
            let recorded_by_then = end.as_deref().is_none_or(|end| at < end);
            if action == "open" || recorded_by_then {
                state.apply(action, on_date);
            }
        }
        state.opened_on = opening_as_of(state.opened_on, as_of);
        state
    }
}

/// A lot's opening as it counts on `as_of`: only once that day has come.
pub fn opening_as_of(opened_on: Option<NaiveDate>, as_of: Option<NaiveDate>) -> Option<NaiveDate> {
    opened_on.filter(|d| as_of.is_none_or(|as_of| *d <= as_of))
}

/// One lot's status and opening at the end of `as_of`, from its events
/// (through the index `lot_events_lot`) and its acceptance records
/// (`acceptance::pending_as_of`).
pub fn status_as_of<'c>(
    conn: impl Into<Conn<'c>>,
    lot_id: LotId,
    as_of: NaiveDate,
) -> Result<LotAsOf> {
    let conn = conn.into();
    let events = conn.query_all(&sql::LOT_EVENTS, args![lot_id], |r| {
        Ok((
            r.get::<String>(0)?,
            r.get::<Option<String>>(1)?,
            r.get::<String>(2)?,
        ))
    })?;
    let zone = crate::settings::lab_zone(conn)?;
    let mut state = LotAsOf::replay(
        events.iter().map(|(a, d, at)| {
            (
                a.as_str(),
                d.as_deref().and_then(parse_stored_date),
                at.as_str(),
            )
        }),
        Some(as_of),
        zone,
    );
    let records = acceptance::records_of_lots(conn, &[lot_id])?;
    let end = end_of_day(as_of, zone);
    let pending = records.get(&lot_id).is_some_and(|r| {
        acceptance::pending_as_of(
            r.iter().map(|(x, at)| (x.as_str(), at.as_str())),
            Some(&end),
        )
    });
    state.status = state.status.with_acceptance(pending);
    Ok(state)
}

/// The status at the end of `as_of` of every lot whose status changed
/// after it (a lot event, or an acceptance decision, recorded after the
/// end of that day); a lot not in the map has the status its row has now
/// (which `check` proves against the same records). Found through the
/// indexes `lot_events_at` and `lot_acceptances_at`, then each such lot's
/// records through `lot_events_lot` and `lot_acceptances_lot`, so the cost
/// grows with the changes since `as_of`, not with the number of lots.
/// (Openings are dated: see [`opening_as_of`].)
pub fn statuses_changed_after<'c>(
    conn: impl Into<crate::store::Conn<'c>>,
    as_of: NaiveDate,
) -> Result<HashMap<LotId, LotStatus>> {
    use crate::store::sql::ledger as sql;
    let conn = conn.into();
    let zone = crate::settings::lab_zone(conn)?;
    let end = end_of_day(as_of, zone);
    let mut changed: Vec<LotId> =
        conn.query_all(&sql::LOTS_CHANGED_AFTER, crate::args![end], |r| r.get(0))?;
    if changed.is_empty() {
        return Ok(HashMap::new());
    }
    changed.sort_unstable();
    let records = acceptance::records_of_lots(conn, &changed)?;
    let mut out = HashMap::with_capacity(changed.len());
    for lot in changed {
        let events = conn.query_all(&sql::LOT_STATUS_EVENTS, crate::args![lot], |r| {
            Ok((r.get::<String>(0)?, r.get::<String>(1)?))
        })?;
        let state = LotAsOf::replay(
            events.iter().map(|(a, at)| (a.as_str(), None, at.as_str())),
            Some(as_of),
            zone,
        );
        let pending = records.get(&lot).is_some_and(|r| {
            acceptance::pending_as_of(
                r.iter().map(|(x, at)| (x.as_str(), at.as_str())),
                Some(&end),
            )
        });
        out.insert(lot, state.status.with_acceptance(pending));
    }
    Ok(out)
}

/// Write a lot's creation record in the caller's transaction (the
/// ledger's `create_lot` and the migration that backfills old lots).
pub(crate) fn record_creation(
    conn: crate::store::Conn<'_>,
    lot_id: LotId,
    item_id: ItemId,
    lot: &str,
    expiry: Option<&str>,
    at: &str,
    user: &str,
) -> Result<i64> {
    chain::append_cells(
        conn,
        &chain::LOT_CREATIONS,
        crate::args![lot_id, item_id, lot, expiry, at, user],
    )
}

/// The date of the lot's first stock-in (receipt, or a positive count or
/// adjustment) at any location, through the index `movements_item`.
fn first_received<'c>(
    conn: impl Into<crate::store::Conn<'c>>,
    item_id: ItemId,
    lot_id: LotId,
) -> Result<Option<NaiveDate>> {
    let at: Option<String> = conn
        .into()
        .query_opt(
            &crate::store::sql::ledger::FIRST_RECEIVED,
            crate::args![item_id, lot_id],
            |r| r.get(0),
        )?
        .flatten();
    Ok(at.and_then(|t| t.get(..10).and_then(parse_stored_date)))
}

impl Store {
    /// An item's lots with expiry, opening, effective expiry, status and
    /// stock, earliest expiry first.
    pub fn lot_list(&self, code: &str) -> Result<Vec<LotListRow>> {
        let (item, rows) = self.read(|conn| {
            let item = find_item(conn, code)?;
            let rows = conn.query_all(&sql::LOT_LIST, args![item.id], |r| {
                Ok((
                    r.get::<String>(0)?,
                    r.get::<Option<String>>(1)?,
                    r.get::<Option<String>>(2)?,
                    r.get::<String>(3)?,
                    r.get::<i64>(4)?,
                ))
            })?;
            Ok((item, rows))
        })?;
        let parse = |s: &Option<String>| {
            s.as_deref()
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        };
        Ok(rows
            .into_iter()
            .map(|(lot, expiry, opened, status, quantity)| {
                let eff = crate::model::effective_expiry(
                    parse(&expiry),
                    parse(&opened),
                    item.in_use_days,
                );
                LotListRow {
                    lot,
                    expiry,
                    opened_on: opened,
                    effective_expiry: eff.map(|d| d.to_string()),
                    status,
                    quantity,
                }
            })
            .collect())
    }

    /// Change a lot's status or record (or correct) its opening, with the
    /// reason, in one transaction. `today` is the lab's today: an opening
    /// may not be dated after it.
    #[allow(clippy::too_many_arguments)]
    pub fn lot_action(
        &mut self,
        item: &str,
        lot: &str,
        action: LotAction,
        reason: Option<&str>,
        today: NaiveDate,
        now: &str,
        user: &str,
    ) -> Result<LotState> {
        self.transact(|conn| act_on_lot(conn, item, lot, action, reason, today, now, user))
    }
}

/// [`Store::lot_action`] inside the caller's transaction (a recall that
/// cascades to the batches made from the lot is one transaction).
#[allow(clippy::too_many_arguments)]
pub(crate) fn act_on_lot<'c>(
    tx: impl Into<Conn<'c>>,
    item: &str,
    lot: &str,
    action: LotAction,
    reason: Option<&str>,
    _today: NaiveDate,
    now: &str,
    user: &str,
) -> Result<LotState> {
    let tx = tx.into();
    {
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        let item = find_item(tx, item)?;
        let mut current = existing_lot(tx, &item, lot)?;
        // A lot pending acceptance may be quarantined or recalled; released,
        // it is pending again until accepted (`LotStatus::with_acceptance`).
        let new_status = match (action, current.status) {
            (LotAction::Quarantine, LotStatus::Available | LotStatus::Pending) => {
                Some(LotStatus::Quarantined)
            }
            (LotAction::Release, LotStatus::Quarantined) => Some(LotStatus::Available),
            (
                LotAction::Recall,
                LotStatus::Available | LotStatus::Pending | LotStatus::Quarantined,
            ) => Some(LotStatus::Recalled),
            (LotAction::Release, LotStatus::Recalled) => {
                return Err(Error::Refused(Refusal::RecalledNotReleased {
                    item: item.code.clone(),
                    lot: lot.to_owned(),
                }));
            }
            (a, s) => {
                return Err(Error::Refused(Refusal::LotAlreadyInStatus {
                    item: item.code.clone(),
                    lot: lot.to_owned(),
                    status: s.as_str(),
                    action: a.name(),
                }));
            }
        };
        if let Some(status) = new_status {
            tx.execute(&sql::SET_LOT_STATUS, args![current.id, status.as_str()])?;
            let pending: bool = tx.query_one(&sql::LOT_PENDING, args![current.id], |r| r.get(0))?;
            current.status = status.with_acceptance(pending);
        }
        chain::append_cells(
            tx,
            &chain::LOT_EVENTS,
            args![current.id, action.name(), None::<String>, reason, now, user],
        )?;
        Ok(LotState {
            item: item.code.clone(),
            lot: current.lot.clone(),
            expiry: current.expiry,
            status: current.status,
            effective_expiry: current.expiry,
        })
    }
}

/// Quarantine a lot that is available (not pending, quarantined or
/// recalled) in the caller's transaction, recorded like `lot quarantine`
/// with `reason`. Returns whether it was quarantined.
pub(crate) fn quarantine_available<'c>(
    conn: impl Into<Conn<'c>>,
    lot_id: i64,
    reason: &str,
    now: &str,
    user: &str,
) -> Result<bool> {
    let conn = conn.into();
    let changed = conn.execute(&sql::QUARANTINE_AVAILABLE, args![lot_id])?;
    if changed == 0 {
        return Ok(false);
    }
    chain::append_cells(
        conn,
        &chain::LOT_EVENTS,
        args![
            lot_id,
            "quarantine",
            None::<String>,
            Some(reason),
            now,
            user
        ],
    )?;
    Ok(true)
}

/// An opening date must have happened: not after today, not before the
/// lot first came into stock.
pub(crate) fn validate_opening<'c>(
    conn: impl Into<crate::store::Conn<'c>>,
    item_code: &str,
    item_id: ItemId,
    lot_id: LotId,
    date: NaiveDate,
    today: NaiveDate,
) -> Result<()> {
    if date > today {
        return Err(Error::invalid(
            "--date",
            date.to_string(),
            format!(
                "a date on or before today ({today}): an opening is recorded once it has happened"
            ),
        ));
    }
    if let Some(received) = first_received(conn, item_id, lot_id)?
        && date < received
    {
        return Err(Error::invalid(
            "--date",
            date.to_string(),
            format!(
                "a date on or after {received}, when this lot of {item_code} was first received: it cannot have been opened before"
            ),
        ));
    }
    Ok(())
}

/// The label of a lot in a message.
fn lot_label(item: &str, lot: &str) -> String {
    if lot.is_empty() {
        format!("{item} (no lot)")
    } else {
        format!("lot {lot} of {item}")
    }
}

fn date_or(text: Option<&str>, none: &str) -> String {
    text.map_or_else(|| none.to_owned(), str::to_owned)
}

/// Every lot row that its evidence contradicts (`check`): a lot without a
/// creation record, an item, number or expiry other than its creation
/// record says, a status or opening other than its events replay to.
/// Each message says what the records say, what the row says, and the
/// command that shows the records.
pub(crate) fn lots_disagreeing(conn: Conn<'_>) -> Result<Vec<String>> {
    // The events of every lot, replayed in recording order.
    let mut derived: HashMap<i64, LotAsOf> = HashMap::new();
    conn.for_each(&sql::ALL_LOT_EVENTS, args![], |r| {
        let (action, on_date): (String, Option<String>) = (r.get(1)?, r.get(2)?);
        derived
            .entry(r.get(0)?)
            .or_default()
            .apply(&action, on_date.as_deref().and_then(parse_stored_date));
        Ok(())
    })?;
    // Every creation record, with its item's code.
    type Created = (i64, i64, Option<String>, String, Option<String>);
    let mut created: HashMap<i64, Created> = HashMap::new();
    conn.for_each(&sql::ALL_LOT_CREATIONS, args![], |r| {
        created.insert(
            r.get(0)?,
            (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?),
        );
        Ok(())
    })?;
    // Every lot's acceptance records, replayed to now.
    let accepted = acceptance::records_by_lot(conn, None)?;
    let mut problems = Vec::new();
    conn.for_each(&sql::ALL_LOTS_TO_PROVE, args![], |r| {
        let (id, item_id, code): (i64, i64, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
        let (lot, expiry): (String, Option<String>) = (r.get(3)?, r.get(4)?);
        let (status, opened): (String, Option<String>) = (r.get(5)?, r.get(6)?);
        let pending: bool = r.get(7)?;
        let label = lot_label(&code, &lot);
        let see = format!("run `labstock audit --entity item:{code}`");
        match created.get(&id) {
            None => problems.push(format!(
                "{label} (lots row {id}) has no creation record: it was made outside labstock; {see}"
            )),
            Some((cid, c_item, c_code, c_lot, c_expiry)) => {
                if *c_item != item_id || *c_lot != lot {
                    let c_code = c_code.clone().unwrap_or_else(|| format!("#{c_item}"));
                    problems.push(format!(
                        "lots row {id} says {label}, its creation record says {}; run `labstock audit --entity lot_creation:{cid}`",
                        lot_label(&c_code, c_lot)
                    ));
                }
                if *c_expiry != expiry {
                    problems.push(format!(
                        "{label}: its creation record says expiry {}, the lot says {}; {see}",
                        date_or(c_expiry.as_deref(), "none"),
                        date_or(expiry.as_deref(), "none"),
                    ));
                }
            }
        }
        let events = derived.get(&id).copied().unwrap_or_default();
        if events.status.as_str() != status {
            problems.push(format!(
                "{label}: its lot events make it {}, the lot says {status}; {see}",
                events.status.as_str()
            ));
        }
        let records = accepted.get(&LotId::new(id));
        let from_records = records.is_some_and(|r| {
            acceptance::pending_as_of(r.iter().map(|(x, at)| (x.as_str(), at.as_str())), None)
        });
        if from_records != pending {
            let word = |p: bool| {
                if p {
                    "pending acceptance"
                } else {
                    "not pending acceptance"
                }
            };
            let records_say = if records.is_none() {
                "it has no acceptance records, so it is not pending acceptance".to_owned()
            } else {
                format!("its acceptance records make it {}", word(from_records))
            };
            problems.push(format!(
                "{label}: {records_say}, the lot says {}; {see}",
                word(pending)
            ));
        }
        let from_events = events.opened_on.map(|d| d.to_string());
        if from_events != opened {
            problems.push(format!(
                "{label}: its lot events say {}, the lot says {}; {see}",
                from_events.map_or_else(|| "not opened".to_owned(), |d| format!("opened on {d}")),
                opened.map_or_else(|| "not opened".to_owned(), |d| format!("opened on {d}")),
            ));
        }
        Ok(())
    })?;
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn replay_takes_status_changes_as_recorded_and_the_latest_opening() {
        let events = [
            ("open", Some(d("2026-03-01")), "2026-03-01T09:00:00Z"),
            ("quarantine", None, "2026-03-10T09:00:00Z"),
            ("release", None, "2026-03-12T09:00:00Z"),
            ("open", Some(d("2026-02-25")), "2026-03-20T09:00:00Z"),
            ("recall", None, "2026-04-01T09:00:00Z"),
        ];
        let at = |day: &str| {
            LotAsOf::replay(
                events.iter().copied(),
                Some(d(day)),
                crate::clock::Zone::UTC,
            )
        };
        assert_eq!(at("2026-02-24").status, LotStatus::Available);
        assert_eq!(at("2026-02-24").opened_on, None);
        // The corrected opening counts from its date, though recorded later.
        assert_eq!(at("2026-02-26").opened_on, Some(d("2026-02-25")));
        assert_eq!(at("2026-03-10").status, LotStatus::Quarantined);
        assert_eq!(at("2026-03-12").status, LotStatus::Available);
        assert_eq!(at("2026-04-01").status, LotStatus::Recalled);
        let now = LotAsOf::replay(events.iter().copied(), None, crate::clock::Zone::UTC);
        assert_eq!(
            now,
            LotAsOf {
                status: LotStatus::Recalled,
                opened_on: Some(d("2026-02-25"))
            }
        );
    }
}
