//! The evidence of an asset's life: calibration records, documented
//! extensions, manual status changes and the maintenance log (and, in
//! `interval_changes`, its calibration intervals). All are
//! append-only (the schema refuses UPDATE and DELETE). Each write runs
//! inside the caller's transaction and ends with [`refresh`], which replays
//! the asset's history and stores the result in the maintained columns of
//! `equipment`, so the register and the report never lag the records.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::Serialize;

use super::interval_changes::{IntervalChangeRecord, interval_changes};
use super::sql;
use super::state::{self, CalResult, Event, EventKind, State, Status};
use super::{
    Equipment, date_at, find_equipment, find_equipment_to_change, interval_at, opt_date_at,
    result_at, status_at,
};
use crate::args;
use crate::chain;
use crate::error::{Error, Refusal, Result};
use crate::store::Store;
use crate::store::{Conn, Row};

/// A calibration to record (`calibrate` and `import calibrations`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalibrationInput {
    pub performed_on: NaiveDate,
    pub result: CalResult,
    pub performed_by: Option<String>,
    pub certificate: Option<String>,
    /// An explicit next due date (it wins over the interval).
    pub next_due: Option<NaiveDate>,
    pub notes: Option<String>,
}

/// A documented extension of the current due date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtensionInput {
    pub extend_to: NaiveDate,
    pub reason: String,
    pub approved_by: String,
    /// The day it was granted [default: today].
    pub granted_on: Option<NaiveDate>,
}

/// Kinds of maintenance in the service log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ServiceKind {
    #[serde(rename = "ppm")]
    Ppm,
    #[serde(rename = "repair")]
    Repair,
    #[serde(rename = "electrical-safety")]
    ElectricalSafety,
}

impl ServiceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceKind::Ppm => "ppm",
            ServiceKind::Repair => "repair",
            ServiceKind::ElectricalSafety => "electrical-safety",
        }
    }
}

impl std::str::FromStr for ServiceKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "ppm" => Ok(ServiceKind::Ppm),
            "repair" => Ok(ServiceKind::Repair),
            "electrical-safety" | "pat" => Ok(ServiceKind::ElectricalSafety),
            _ => Err(Error::invalid(
                "service kind",
                s,
                "expected ppm, repair or electrical-safety",
            )),
        }
    }
}

/// A maintenance-log entry to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceInput {
    pub performed_on: NaiveDate,
    pub kind: ServiceKind,
    pub performed_by: String,
    pub notes: Option<String>,
}

/// What a recorded calibration did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalibrationOutcome {
    pub asset_tag: String,
    pub status_before: Status,
    pub state: State,
    /// The record is dated before the asset's latest calibration (late
    /// paperwork): kept as evidence, but it does not set the due date.
    pub late: bool,
}

/// A stored calibration record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CalibrationRecord {
    #[serde(skip)]
    pub id: i64,
    #[serde(skip)]
    pub seq: i64,
    pub performed_on: NaiveDate,
    pub result: CalResult,
    pub performed_by: Option<String>,
    pub certificate: Option<String>,
    pub next_due: Option<NaiveDate>,
    pub notes: Option<String>,
    pub recorded_at: String,
    pub recorded_by: String,
}

/// A stored extension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExtensionRecord {
    #[serde(skip)]
    pub id: i64,
    #[serde(skip)]
    pub seq: i64,
    #[serde(skip)]
    pub calibration_id: i64,
    pub granted_on: NaiveDate,
    pub previous_due: NaiveDate,
    pub extended_to: NaiveDate,
    pub reason: String,
    pub approved_by: String,
    pub recorded_at: String,
    pub recorded_by: String,
}

/// A stored manual status change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusChangeRecord {
    #[serde(skip)]
    pub id: i64,
    #[serde(skip)]
    pub seq: i64,
    pub on_date: NaiveDate,
    pub status: Status,
    pub reason: String,
    pub recorded_at: String,
    pub recorded_by: String,
}

/// A stored maintenance-log entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceRecord {
    #[serde(skip)]
    pub id: i64,
    pub performed_on: NaiveDate,
    pub kind: ServiceKind,
    pub performed_by: String,
    pub notes: Option<String>,
    pub recorded_at: String,
    pub recorded_by: String,
}

/// One line of an asset's status history: who changed it, when and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineEntry {
    /// The day the change took effect (empty for the registration).
    pub date: Option<NaiveDate>,
    pub from: Option<Status>,
    pub to: Status,
    pub why: String,
    pub by: String,
    pub recorded_at: String,
}

/// Everything recorded about one asset, and its state as of a day.
#[derive(Debug, Clone)]
pub struct AssetHistory {
    pub equipment: Equipment,
    pub calibrations: Vec<CalibrationRecord>,
    pub extensions: Vec<ExtensionRecord>,
    pub status_changes: Vec<StatusChangeRecord>,
    pub service: Vec<ServiceRecord>,
    /// Every calibration interval it has had, in the order they apply.
    pub interval_changes: Vec<IntervalChangeRecord>,
    /// The replayed state as of the day asked for.
    pub state: State,
    /// The events in replay order (`state.changes[..].cause` indexes them).
    pub events: Vec<Event>,
}

impl AssetHistory {
    /// The status history: the registration, then every change with its
    /// cause (a calibration result or a manual change with its reason).
    pub fn timeline(&self) -> Vec<TimelineEntry> {
        let mut out = vec![TimelineEntry {
            date: None,
            from: None,
            to: self.equipment.registered_status,
            why: "registered".into(),
            by: self.equipment.created_by.clone(),
            recorded_at: self.equipment.created_at.clone(),
        }];
        for change in &self.state.changes {
            let Some(event) = self.events.get(change.cause) else {
                continue;
            };
            let (why, by, recorded_at) = match &event.kind {
                EventKind::Calibration { id, result, .. } => {
                    let c = self.calibrations.iter().find(|c| c.id == *id);
                    let cert = c
                        .and_then(|c| c.certificate.as_deref())
                        .map(|s| format!(", certificate {s}"))
                        .unwrap_or_default();
                    (
                        format!("calibration {result}{cert}"),
                        c.map(|c| c.recorded_by.clone()).unwrap_or_default(),
                        c.map(|c| c.recorded_at.clone()).unwrap_or_default(),
                    )
                }
                EventKind::StatusChange { id, .. } => {
                    let s = self.status_changes.iter().find(|s| s.id == *id);
                    (
                        s.map(|s| s.reason.clone()).unwrap_or_default(),
                        s.map(|s| s.recorded_by.clone()).unwrap_or_default(),
                        s.map(|s| s.recorded_at.clone()).unwrap_or_default(),
                    )
                }
                EventKind::Extension { .. } | EventKind::IntervalChange { .. } => continue,
            };
            out.push(TimelineEntry {
                date: Some(change.on),
                from: Some(change.from),
                to: change.to,
                why,
                by,
                recorded_at,
            });
        }
        out
    }

    /// The latest status change, with its cause, if any.
    pub fn latest_change(&self) -> Option<(&state::Change, &EventKind)> {
        let change = self.state.changes.last()?;
        let event = self.events.get(change.cause)?;
        Some((change, &event.kind))
    }

    /// The calibration record with this id.
    pub fn calibration(&self, id: i64) -> Option<&CalibrationRecord> {
        self.calibrations.iter().find(|c| c.id == id)
    }

    /// The extension with this id.
    pub fn extension(&self, id: i64) -> Option<&ExtensionRecord> {
        self.extensions.iter().find(|e| e.id == id)
    }

    /// The calibration interval in force for a record made on `on` as the
    /// asset's `seq`-th record (the interval a calibration counted with).
    pub fn interval_for(&self, on: NaiveDate, seq: i64) -> Option<super::Interval> {
        self.interval_changes
            .iter()
            .rfind(|c| c.effective_on.is_none_or(|d| (d, c.seq) <= (on, seq)))
            .and_then(|c| c.new_interval)
    }
}

/// What `verify_equipment_state` compares: status, last calibration date
/// and result, next due date, date of the latest record.
type Summary = (
    Status,
    Option<NaiveDate>,
    Option<CalResult>,
    Option<NaiveDate>,
    Option<NaiveDate>,
);

/// Give the asset's next record its place in recording order.
pub(crate) fn next_seq(conn: Conn<'_>, equipment_id: i64) -> Result<i64> {
    conn.query_one(&sql::NEXT_SEQ, args![equipment_id], |r| r.get(0))
}

/// A calibration as a replay event (columns from `first`: id,
/// performed_on, seq, result, next_due).
fn calibration_event(r: &Row<'_>, first: usize) -> Result<Event> {
    Ok(Event {
        on: date_at(r, first + 1)?,
        seq: r.get(first + 2)?,
        kind: EventKind::Calibration {
            id: r.get(first)?,
            result: result_at(r, first + 3)?,
            next_due: opt_date_at(r, first + 4)?,
        },
    })
}

/// An extension as a replay event (columns from `first`: id, granted_on,
/// seq, calibration_id, extended_to).
fn extension_event(r: &Row<'_>, first: usize) -> Result<Event> {
    Ok(Event {
        on: date_at(r, first + 1)?,
        seq: r.get(first + 2)?,
        kind: EventKind::Extension {
            id: r.get(first)?,
            calibration_id: r.get(first + 3)?,
            extended_to: date_at(r, first + 4)?,
        },
    })
}

/// A status change as a replay event (columns from `first`: id, on_date,
/// seq, status).
fn status_event(r: &Row<'_>, first: usize) -> Result<Event> {
    Ok(Event {
        on: date_at(r, first + 1)?,
        seq: r.get(first + 2)?,
        kind: EventKind::StatusChange {
            id: r.get(first)?,
            to: status_at(r, first + 3)?,
        },
    })
}

/// The dated events of one asset (those on or before `upto`, when given),
/// read through the per-asset indexes.
pub(crate) fn load_events(
    conn: Conn<'_>,
    equipment_id: i64,
    upto: Option<NaiveDate>,
) -> Result<Vec<Event>> {
    let upto = upto.map(|d| d.to_string());
    let mut events = Vec::new();
    for (statement, event) in [
        (
            &sql::EVENT_CALIBRATIONS,
            calibration_event as fn(&Row<'_>, usize) -> Result<Event>,
        ),
        (&sql::EVENT_EXTENSIONS, extension_event),
        (&sql::EVENT_STATUS_CHANGES, status_event),
        (&sql::EVENT_INTERVALS, interval_event),
    ] {
        conn.for_each(statement, args![equipment_id, upto], |r| {
            events.push(event(r, 0)?);
            Ok(())
        })?;
    }
    Ok(events)
}

/// An interval record as a replay event (columns from `first`: id,
/// effective_on, seq, new_interval); one applying from the start is dated
/// the first day there is, so it replays first.
fn interval_event(r: &Row<'_>, first: usize) -> Result<Event> {
    let effective_on = opt_date_at(r, first + 1)?;
    Ok(Event {
        on: effective_on.unwrap_or(NaiveDate::MIN),
        seq: r.get(first + 2)?,
        kind: EventKind::IntervalChange {
            id: r.get(first)?,
            to: interval_at(r, first + 3)?,
            from_start: effective_on.is_none(),
        },
    })
}

/// The dated events on or before `upto` of every asset in `ids`, in one
/// pass over each record table: cheaper than a probe per asset when a
/// report in the past has to replay most of the register.
pub(crate) fn load_events_bulk(
    conn: Conn<'_>,
    upto: NaiveDate,
    ids: &HashSet<i64>,
) -> Result<HashMap<i64, Vec<Event>>> {
    let upto = upto.to_string();
    let mut by_asset: HashMap<i64, Vec<Event>> = HashMap::with_capacity(ids.len());
    for (statement, event) in [
        (
            &sql::BULK_CALIBRATIONS,
            calibration_event as fn(&Row<'_>, usize) -> Result<Event>,
        ),
        (&sql::BULK_EXTENSIONS, extension_event),
        (&sql::BULK_STATUS_CHANGES, status_event),
        (&sql::BULK_INTERVALS, interval_event),
    ] {
        conn.for_each(statement, args![upto], |r| {
            let asset: i64 = r.get(0)?;
            if ids.contains(&asset) {
                by_asset.entry(asset).or_default().push(event(r, 1)?);
            }
            Ok(())
        })?;
    }
    Ok(by_asset)
}

/// Replay an asset's whole history and store the result in its maintained
/// columns. Runs in the transaction of every record and every edit.
pub(crate) fn refresh(conn: Conn<'_>, equipment_id: i64) -> Result<State> {
    let registered = conn.query_one(&sql::REGISTERED_STATUS, args![equipment_id], |r| {
        status_at(r, 0)
    })?;
    let mut events = load_events(conn, equipment_id, None)?;
    let state = state::replay(registered, &mut events, None);
    store_state(conn, equipment_id, &state)?;
    Ok(state)
}

/// Write a replayed state into the maintained columns.
fn store_state(conn: Conn<'_>, equipment_id: i64, state: &State) -> Result<()> {
    conn.execute(
        &sql::STORE_STATE,
        args![
            equipment_id,
            state.status.as_str(),
            state.last.map(|l| l.id),
            state.last.map(|l| l.on),
            state.last.map(|l| l.result.as_str()),
            state.next_due,
            state.extension,
            state.last_event_on,
        ],
    )?;
    Ok(())
}

fn trimmed(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// Check a calibration against the rules that need no database: not in
/// the future, an explicit next due not before the calibration.
pub(crate) fn validate_calibration(input: &CalibrationInput, today: NaiveDate) -> Result<()> {
    if input.performed_on > today {
        return Err(Error::invalid(
            "calibration date",
            input.performed_on.to_string(),
            format!("a calibration cannot be dated in the future (today is {today})"),
        ));
    }
    if let Some(due) = input.next_due
        && due < input.performed_on
    {
        return Err(Error::invalid(
            "next_due",
            due.to_string(),
            format!(
                "the next due date cannot be before the calibration date {}",
                input.performed_on
            ),
        ));
    }
    Ok(())
}

/// Record a calibration of `eq` inside an open transaction.
pub(crate) fn insert_calibration<'c>(
    conn: impl Into<Conn<'c>>,
    eq: &Equipment,
    input: &CalibrationInput,
    today: NaiveDate,
    now: &str,
    user: &str,
) -> Result<CalibrationOutcome> {
    let conn = conn.into();
    validate_calibration(input, today)?;
    let late = eq.last_calibrated.is_some_and(|l| input.performed_on < l);
    let seq = next_seq(conn, eq.id)?;
    let id = chain::append_cells(
        conn,
        &chain::CALIBRATIONS,
        args![
            eq.id,
            seq,
            input.performed_on,
            input.result.as_str(),
            trimmed(input.performed_by.as_deref()),
            trimmed(input.certificate.as_deref()),
            input.next_due,
            trimmed(input.notes.as_deref()),
            now,
            user,
        ],
    )?;
    // A record at the end of the asset's timeline (the usual case, and every
    // row of an import in date order) is applied to the maintained state
    // directly; one dated before a later record (late paperwork) replays
    // the asset's history.
    let at_end = eq.last_event_on.is_none_or(|d| input.performed_on >= d);
    let state = if at_end {
        // At the end of the timeline the interval in force is the latest
        // one, which the register maintains.
        let next_due = input.next_due.or_else(|| {
            eq.calibration_interval
                .and_then(|i| i.after(input.performed_on))
        });
        let state = State {
            status: eq.status.after_calibration(input.result),
            last: Some(state::LastCalibration {
                id,
                on: input.performed_on,
                result: input.result,
            }),
            next_due,
            extension: None,
            interval: eq.calibration_interval,
            due_by_interval: input.next_due.is_none() && next_due.is_some(),
            last_event_on: Some(input.performed_on),
            changes: Vec::new(),
        };
        store_state(conn, eq.id, &state)?;
        state
    } else {
        refresh(conn, eq.id)?
    };
    Ok(CalibrationOutcome {
        asset_tag: eq.asset_tag.clone(),
        status_before: eq.status,
        state,
        late,
    })
}

/// Replay one asset as of a day (or its whole history).
pub(crate) fn history(
    conn: Conn<'_>,
    eq: Equipment,
    as_of: Option<NaiveDate>,
) -> Result<AssetHistory> {
    let mut events = load_events(conn, eq.id, None)?;
    let state = state::replay(eq.registered_status, &mut events, as_of);
    let interval_changes = interval_changes(conn, eq.id)?;
    let calibrations = conn.query_all(&sql::CALIBRATIONS_OF, args![eq.id], |r| {
        Ok(CalibrationRecord {
            id: r.get(0)?,
            seq: r.get(1)?,
            performed_on: date_at(r, 2)?,
            result: result_at(r, 3)?,
            performed_by: r.get(4)?,
            certificate: r.get(5)?,
            next_due: opt_date_at(r, 6)?,
            notes: r.get(7)?,
            recorded_at: r.get(8)?,
            recorded_by: r.get(9)?,
        })
    })?;
    let extensions = conn.query_all(&sql::EXTENSIONS_OF, args![eq.id], |r| {
        Ok(ExtensionRecord {
            id: r.get(0)?,
            seq: r.get(1)?,
            calibration_id: r.get(2)?,
            granted_on: date_at(r, 3)?,
            previous_due: date_at(r, 4)?,
            extended_to: date_at(r, 5)?,
            reason: r.get(6)?,
            approved_by: r.get(7)?,
            recorded_at: r.get(8)?,
            recorded_by: r.get(9)?,
        })
    })?;
    let status_changes = conn.query_all(&sql::STATUS_CHANGES_OF, args![eq.id], |r| {
        Ok(StatusChangeRecord {
            id: r.get(0)?,
            seq: r.get(1)?,
            on_date: date_at(r, 2)?,
            status: status_at(r, 3)?,
            reason: r.get(4)?,
            recorded_at: r.get(5)?,
            recorded_by: r.get(6)?,
        })
    })?;
    let service = conn.query_all(&sql::SERVICE_OF, args![eq.id], |r| {
        let kind: String = r.get(2)?;
        Ok(ServiceRecord {
            id: r.get(0)?,
            performed_on: date_at(r, 1)?,
            kind: kind.parse().unwrap_or(ServiceKind::Repair),
            performed_by: r.get(3)?,
            notes: r.get(4)?,
            recorded_at: r.get(5)?,
            recorded_by: r.get(6)?,
        })
    })?;
    Ok(AssetHistory {
        equipment: eq,
        calibrations,
        extensions,
        status_changes,
        service,
        interval_changes,
        state,
        events,
    })
}

impl Store {
    /// Record a calibration (SPEC §4): append-only; a `fail` quarantines
    /// the asset, a later `pass`/`adjusted` returns a quarantined asset to
    /// service; a record dated before the latest one is kept but does not
    /// move the due date back.
    pub fn calibrate(
        &mut self,
        tag: &str,
        input: &CalibrationInput,
        today: NaiveDate,
        now: &str,
        user: &str,
    ) -> Result<CalibrationOutcome> {
        self.transact(|conn| {
            let eq = find_equipment_to_change(conn, tag)?;
            insert_calibration(conn, &eq, input, today, now, user)
        })
    }

    /// Record a documented extension of an asset's current due date. There
    /// is no implicit grace period: the extension names its new due date,
    /// its reason and who approved it, and a later calibration replaces it.
    pub fn extend_calibration(
        &mut self,
        tag: &str,
        input: &ExtensionInput,
        today: NaiveDate,
        now: &str,
        user: &str,
    ) -> Result<ExtensionRecord> {
        self.transact(|conn| extend_in(conn, tag, input, today, now, user))
    }

    /// Change an asset's status by hand (taken out of service, quarantined
    /// after a suspected fault, back in service, condemned), with a reason.
    /// Condemned is final, and an asset quarantined by a failed calibration
    /// returns to service only through a passing calibration.
    pub fn set_equipment_status(
        &mut self,
        tag: &str,
        to: Status,
        reason: &str,
        today: NaiveDate,
        now: &str,
        user: &str,
    ) -> Result<(Status, Equipment)> {
        self.transact(|conn| set_status_in(conn, tag, to, reason, today, now, user))
    }

    /// Add an entry to an asset's maintenance log.
    pub fn record_service(
        &mut self,
        tag: &str,
        input: &ServiceInput,
        today: NaiveDate,
        now: &str,
        user: &str,
    ) -> Result<Equipment> {
        self.transact(|conn| {
            let eq = find_equipment_to_change(conn, tag)?;
            if input.performed_on > today {
                return Err(Error::invalid(
                    "service date",
                    input.performed_on.to_string(),
                    format!("maintenance cannot be dated in the future (today is {today})"),
                ));
            }
            let by = input.performed_by.trim();
            if by.is_empty() {
                return Err(Error::missing("--by", "the log records who did the work"));
            }
            chain::append_cells(
                conn,
                &chain::SERVICE_RECORDS,
                args![
                    eq.id,
                    input.performed_on,
                    input.kind.as_str(),
                    by,
                    trimmed(input.notes.as_deref()),
                    now,
                    user
                ],
            )?;
            Ok(eq)
        })
    }

    /// Everything recorded about an asset, replayed as of `as_of` (or to
    /// the end of its history).
    pub fn equipment_history(&self, tag: &str, as_of: Option<NaiveDate>) -> Result<AssetHistory> {
        self.read(|conn| {
            let eq = find_equipment(conn, tag)?;
            history(conn, eq, as_of)
        })
    }

    /// Prove the maintained calibration columns against a replay of every
    /// asset's records (they are a cache, like stock balances). Returns one
    /// sentence per disagreement; empty when all agree.
    pub fn verify_equipment_state(&self) -> Result<Vec<String>> {
        self.read(|conn| equipment_state_disagreeing(conn))
    }
}

/// `calibrate --extend-to` inside the write's transaction.
fn extend_in(
    conn: Conn<'_>,
    tag: &str,
    input: &ExtensionInput,
    today: NaiveDate,
    now: &str,
    user: &str,
) -> Result<ExtensionRecord> {
    let eq = find_equipment_to_change(conn, tag)?;
    let reason = input.reason.trim();
    let approved_by = input.approved_by.trim();
    if reason.is_empty() {
        return Err(Error::missing(
            "--reason",
            "an extension records why the due date moves",
        ));
    }
    if approved_by.is_empty() {
        return Err(Error::missing(
            "--approved-by",
            "an extension records who approved it",
        ));
    }
    if eq.status == Status::Condemned {
        return Err(Error::Refused(Refusal::CondemnedNotExtended {
            asset: eq.asset_tag.clone(),
        }));
    }
    let granted_on = input.granted_on.unwrap_or(today);
    if granted_on > today {
        return Err(Error::invalid(
            "extension date",
            granted_on.to_string(),
            format!("an extension cannot be dated in the future (today is {today})"),
        ));
    }
    let mut events = load_events(conn, eq.id, None)?;
    let current = state::replay(eq.registered_status, &mut events, None);
    let (Some(last), Some(due)) = (current.last, current.next_due) else {
        return Err(Error::Refused(Refusal::NothingToExtend {
            asset: eq.asset_tag.clone(),
        }));
    };
    if granted_on < last.on {
        return Err(Error::invalid(
            "extension date",
            granted_on.to_string(),
            format!(
                "it is before the calibration it extends ({}, {})",
                last.on, last.result
            ),
        ));
    }
    if input.extend_to <= due {
        return Err(Error::invalid(
            "--extend-to date",
            input.extend_to.to_string(),
            format!("an extension must move the due date later than the current {due}"),
        ));
    }
    let seq = next_seq(conn, eq.id)?;
    let id = chain::append_cells(
        conn,
        &chain::CALIBRATION_EXTENSIONS,
        args![
            eq.id,
            last.id,
            seq,
            granted_on,
            due,
            input.extend_to,
            reason,
            approved_by,
            now,
            user,
        ],
    )?;
    refresh(conn, eq.id)?;
    Ok(ExtensionRecord {
        id,
        seq,
        calibration_id: last.id,
        granted_on,
        previous_due: due,
        extended_to: input.extend_to,
        reason: reason.to_owned(),
        approved_by: approved_by.to_owned(),
        recorded_at: now.to_owned(),
        recorded_by: user.to_owned(),
    })
}

/// `equipment status` inside the write's transaction: the status before,
/// and the asset after.
fn set_status_in(
    conn: Conn<'_>,
    tag: &str,
    to: Status,
    reason: &str,
    today: NaiveDate,
    now: &str,
    user: &str,
) -> Result<(Status, Equipment)> {
    let eq = find_equipment_to_change(conn, tag)?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::missing(
            "--reason",
            "every status change records why",
        ));
    }
    if eq.status == Status::Condemned {
        return Err(Error::Refused(Refusal::Condemned {
            asset: eq.asset_tag.clone(),
        }));
    }
    if eq.status == to {
        return Err(Error::Refused(Refusal::AssetAlreadyInStatus {
            asset: eq.asset_tag.clone(),
            status: to.as_str(),
        }));
    }
    // Whatever happened since (out of service, back), an asset whose
    // latest calibration failed goes back into use only through a
    // passing calibration.
    if to == Status::InService && eq.last_result == Some(CalResult::Fail) {
        return Err(Error::Refused(Refusal::FailedCalibration {
            asset: eq.asset_tag.clone(),
            on: eq
                .last_calibrated
                .map(|d| d.to_string())
                .unwrap_or_default(),
        }));
    }
    let seq = next_seq(conn, eq.id)?;
    chain::append_cells(
        conn,
        &chain::EQUIPMENT_STATUS_CHANGES,
        args![eq.id, seq, today, to.as_str(), reason, now, user],
    )?;
    refresh(conn, eq.id)?;
    let fresh = find_equipment(conn, tag)?;
    Ok((eq.status, fresh))
}

/// Prove the maintained calibration columns against a replay of every
/// asset's records, and each asset's interval against its interval
/// records (`check`). One sentence per disagreement.
pub(crate) fn equipment_state_disagreeing<'c>(conn: impl Into<Conn<'c>>) -> Result<Vec<String>> {
    let conn = conn.into();
    let mut problems = Vec::new();
    let list = conn.query_all(&sql::ALL_EQUIPMENT, args![], super::equipment_of)?;
    for eq in list {
        let mut events = load_events(conn, eq.id, None)?;
        let s = state::replay(eq.registered_status, &mut events, None);
        let stored = (
            eq.status,
            eq.last_calibrated,
            eq.last_result,
            eq.next_due,
            eq.last_event_on,
        );
        let replayed = (
            s.status,
            s.last.map(|l| l.on),
            s.last.map(|l| l.result),
            s.next_due,
            s.last_event_on,
        );
        if stored != replayed {
            let show = |t: &Summary| {
                let date = |d: Option<NaiveDate>| d.map_or_else(|| "-".into(), |d| d.to_string());
                format!(
                    "status {}, last calibrated {}, result {}, next due {}, last record {}",
                    t.0,
                    date(t.1),
                    t.2.map_or("-", CalResult::as_str),
                    date(t.3),
                    date(t.4),
                )
            };
            problems.push(format!(
                "asset {}: its records replay to {}, the register says {}; run `labstock equipment show {}`",
                eq.asset_tag,
                show(&replayed),
                show(&stored),
                eq.asset_tag
            ));
        }
    }
    problems.extend(super::interval_changes::verify_intervals(conn)?);
    Ok(problems)
}
