//! The rules of SPEC §4 and §10 as one pure replay: given an asset's
//! registration status and its dated events (calibrations, documented
//! extensions, manual status changes, calibration interval changes), work
//! out its status, interval, last calibration and next due date as of any
//! day. The maintained columns on `equipment` and every `--as-of` report
//! come from this one function, so the two can never disagree. No SQL, no
//! clock.
//!
//! Intervals are records too (issue 12, defect 4). A calibration's due
//! date is its explicit `next_due`, else its date plus the interval in
//! force on that day. An interval change applies from its day and can
//! never move a due date later: a longer interval (or a first interval)
//! counts from the next calibration; a shorter one brings the current due
//! date forward to the last calibration plus the new interval when that is
//! earlier (the safe reading: the lab no longer trusts the longer period);
//! clearing the interval (the asset needs no calibration from that day)
//! drops a due date that came from the interval, and keeps an explicit
//! `next_due` or an extension. Only an extension (reason, approver) moves
//! a due date later.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::Serialize;

use super::interval::Interval;
use crate::error::{Error, Result};

/// Whether an asset may be used (SPEC §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    InService,
    OutOfService,
    Quarantined,
    Condemned,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::InService,
        Status::OutOfService,
        Status::Quarantined,
        Status::Condemned,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::InService => "in_service",
            Status::OutOfService => "out_of_service",
            Status::Quarantined => "quarantined",
            Status::Condemned => "condemned",
        }
    }

    /// Words for sentences ("out of service").
    pub fn words(self) -> &'static str {
        match self {
            Status::InService => "in service",
            Status::OutOfService => "out of service",
            Status::Quarantined => "quarantined",
            Status::Condemned => "condemned",
        }
    }

    /// Read a status stored by this crate (the schema's CHECK guarantees
    /// one of the four; anything else reads as the safest, quarantined).
    pub(crate) fn from_db(s: &str) -> Status {
        s.parse().unwrap_or(Status::Quarantined)
    }

    /// The status after a calibration with `result` (SPEC §10): a fail
    /// quarantines an asset in or out of service; a pass or adjusted
    /// returns only a quarantined asset to service; condemned is final.
    #[must_use]
    pub fn after_calibration(self, result: CalResult) -> Status {
        match (self, result) {
            (Status::InService | Status::OutOfService, CalResult::Fail) => Status::Quarantined,
            (Status::Quarantined, CalResult::Pass | CalResult::Adjusted) => Status::InService,
            (other, _) => other,
        }
    }

    /// The status after a manual change to `to`; condemned is final.
    #[must_use]
    pub fn after_change(self, to: Status) -> Status {
        if self == Status::Condemned { self } else { to }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Status {
    type Err = Error;
    /// Case-insensitive; `in service` and `in-service` read as `in_service`.
    fn from_str(s: &str) -> Result<Self> {
        let t = s.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        Status::ALL
            .into_iter()
            .find(|st| st.as_str() == t)
            .ok_or_else(|| {
                Error::invalid(
                    "equipment status",
                    s,
                    "expected in_service, out_of_service, quarantined or condemned",
                )
            })
    }
}

/// The outcome of a calibration (SPEC §1): `adjusted` passed after adjustment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CalResult {
    Pass,
    Fail,
    Adjusted,
}

impl CalResult {
    pub fn as_str(self) -> &'static str {
        match self {
            CalResult::Pass => "pass",
            CalResult::Fail => "fail",
            CalResult::Adjusted => "adjusted",
        }
    }

    pub(crate) fn from_db(s: &str) -> CalResult {
        s.parse().unwrap_or(CalResult::Fail)
    }
}

impl fmt::Display for CalResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CalResult {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "pass" => Ok(CalResult::Pass),
            "fail" => Ok(CalResult::Fail),
            "adjusted" => Ok(CalResult::Adjusted),
            _ => Err(Error::invalid(
                "calibration result",
                s,
                "expected pass, fail or adjusted",
            )),
        }
    }
}

/// What happened, in an asset's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    /// A calibration record (`id` is its row id).
    Calibration {
        id: i64,
        result: CalResult,
        next_due: Option<NaiveDate>,
    },
    /// A documented extension of the due date set by calibration `calibration_id`.
    Extension {
        id: i64,
        calibration_id: i64,
        extended_to: NaiveDate,
    },
    /// A manual status change.
    StatusChange { id: i64, to: Status },
    /// A change of the calibration interval (`None`: needs no calibration).
    /// `from_start` marks the interval an asset was registered (or
    /// upgraded) with: it applies to the whole history, before any event,
    /// and is not itself a dated event.
    IntervalChange {
        id: i64,
        to: Option<Interval>,
        from_start: bool,
    },
}

/// One dated event. Events replay in order of `on` and then `seq` (the
/// order they were recorded for this asset), so of two calibrations on one
/// day the one recorded later counts. A `from_start` interval is dated
/// [`NaiveDate::MIN`] so that it replays first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub on: NaiveDate,
    pub seq: i64,
    pub kind: EventKind,
}

/// The calibration that sets the due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LastCalibration {
    pub id: i64,
    pub on: NaiveDate,
    pub result: CalResult,
}

/// A status change found by the replay, for `equipment show` and the
/// reasons of `equipment check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change {
    pub on: NaiveDate,
    pub from: Status,
    pub to: Status,
    /// Index into the replayed events of the event that caused it.
    pub cause: usize,
}

/// An asset's calibration state as of a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    pub status: Status,
    pub last: Option<LastCalibration>,
    pub next_due: Option<NaiveDate>,
    /// The extension that set `next_due`, when one did (its row id).
    pub extension: Option<i64>,
    /// The calibration interval in force (`None`: needs no calibration).
    pub interval: Option<Interval>,
    /// Whether `next_due` is the last calibration's date plus an interval
    /// (rather than an explicit `next_due` or an extension).
    pub due_by_interval: bool,
    /// Date of the latest event replayed.
    pub last_event_on: Option<NaiveDate>,
    /// Every status change, oldest first.
    pub changes: Vec<Change>,
}

/// Replay `events` (in any order; they are sorted here) from the
/// registration status, with no interval until an interval event sets one.
/// Only events on or before `as_of` count, when given.
/// The due date after a calibration is its explicit `next_due`, else
/// `performed_on + ` the interval in force that day; a later extension of
/// that same calibration moves it; a later calibration replaces both; an
/// interval change never moves it later (see the module notes).
pub fn replay(registered: Status, events: &mut [Event], as_of: Option<NaiveDate>) -> State {
    events.sort_by_key(|e| (e.on, e.seq));
    let mut state = State {
        status: registered,
        last: None,
        next_due: None,
        extension: None,
        interval: None,
        due_by_interval: false,
        last_event_on: None,
        changes: Vec::new(),
    };
    for (index, event) in events.iter().enumerate() {
        if as_of.is_some_and(|d| event.on > d) {
            break;
        }
        if let EventKind::IntervalChange {
            to,
            from_start: true,
            ..
        } = &event.kind
        {
            state.interval = *to;
            continue;
        }
        state.last_event_on = Some(event.on);
        let before = state.status;
        match &event.kind {
            EventKind::Calibration {
                id,
                result,
                next_due,
            } => {
                state.status = before.after_calibration(*result);
                state.last = Some(LastCalibration {
                    id: *id,
                    on: event.on,
                    result: *result,
                });
                state.next_due =
                    next_due.or_else(|| state.interval.and_then(|i| i.after(event.on)));
                state.due_by_interval = next_due.is_none() && state.next_due.is_some();
                state.extension = None;
            }
            EventKind::Extension {
                id,
                calibration_id,
                extended_to,
            } => {
                // An extension belongs to the calibration it extended; a
                // calibration recorded since (even late paperwork dated
                // after it) has replaced it.
                if state.last.is_some_and(|l| l.id == *calibration_id) {
                    state.next_due = Some(*extended_to);
                    state.extension = Some(*id);
                    state.due_by_interval = false;
                }
            }
            EventKind::StatusChange { to, .. } => {
                state.status = before.after_change(*to);
            }
            EventKind::IntervalChange { to, .. } => {
                apply_interval_change(&mut state, *to);
            }
        }
        if state.status != before {
            state.changes.push(Change {
                on: event.on,
                from: before,
                to: state.status,
                cause: index,
            });
        }
    }
    state
}

/// An interval change from its day on: it never moves the current due date
/// later. A new interval brings the due date of the last calibration
/// forward when that calibration plus the new interval is earlier (or
/// there was no due date); clearing the interval drops a due date that
/// came from an interval.
fn apply_interval_change(state: &mut State, to: Option<Interval>) {
    match to {
        Some(new) => {
            let candidate = state.last.and_then(|l| new.after(l.on));
            let earlier = match (candidate, state.next_due) {
                (Some(c), Some(current)) => c < current,
                (Some(_), None) => true,
                (None, _) => false,
            };
            if earlier {
                state.next_due = candidate;
                state.extension = None;
                state.due_by_interval = true;
            }
        }
        None => {
            if state.due_by_interval {
                state.next_due = None;
                state.due_by_interval = false;
            }
        }
    }
    state.interval = to;
}

/// Where an asset stands against its calibration on a day (SPEC §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DueState {
    /// Needs calibration and has no record.
    Never,
    /// Next due before the day.
    Overdue,
    /// Next due within the window (inclusive).
    Due,
    /// Next due after the window.
    InCalibration,
    /// Has no interval and no explicit due date.
    NotRequired,
}

impl DueState {
    pub fn as_str(self) -> &'static str {
        match self {
            DueState::Never => "never",
            DueState::Overdue => "overdue",
            DueState::Due => "due",
            DueState::InCalibration => "in_calibration",
            DueState::NotRequired => "not_required",
        }
    }
}

/// Judge a due date against `as_of` with a window of `within` days
/// (SPEC §10: overdue when next_due < as-of; due when as-of ≤ next_due ≤
/// as-of + within).
pub fn due_state(
    needs_calibration: bool,
    has_record: bool,
    next_due: Option<NaiveDate>,
    as_of: NaiveDate,
    within: u32,
) -> DueState {
    match next_due {
        None if needs_calibration && !has_record => DueState::Never,
        None => DueState::NotRequired,
        Some(due) if due < as_of => DueState::Overdue,
        Some(due) => {
            let days = (due - as_of).num_days();
            if days <= i64::from(within) {
                DueState::Due
            } else {
                DueState::InCalibration
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calibration::interval::Interval;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn cal(id: i64, on: &str, seq: i64, result: CalResult) -> Event {
        Event {
            on: d(on),
            seq,
            kind: EventKind::Calibration {
                id,
                result,
                next_due: None,
            },
        }
    }

    fn six_months() -> Option<Interval> {
        Some(Interval::parse("6m").unwrap())
    }

    /// Replay with `interval` in force from the start.
    fn replay(
        registered: Status,
        interval: Option<Interval>,
        events: &mut Vec<Event>,
        as_of: Option<NaiveDate>,
    ) -> State {
        events.retain(|e| e.on != NaiveDate::MIN);
        events.push(Event {
            on: NaiveDate::MIN,
            seq: 0,
            kind: EventKind::IntervalChange {
                id: 0,
                to: interval,
                from_start: true,
            },
        });
        super::replay(registered, events, as_of)
    }

    fn change(id: i64, on: &str, seq: i64, to: &str) -> Event {
        Event {
            on: d(on),
            seq,
            kind: EventKind::IntervalChange {
                id,
                to: (!to.is_empty()).then(|| Interval::parse(to).unwrap()),
                from_start: false,
            },
        }
    }

    #[test]
    fn an_interval_change_never_moves_a_due_date_later() {
        // Calibrated on 2025-06-01 with 6m: due 2025-12-01. Lengthened to
        // 2y on 2026-01-10: still due 2025-12-01 (overdue), as of any day.
        let mut events: Vec<Event> = vec![
            cal(1, "2025-06-01", 1, CalResult::Pass),
            change(1, "2026-01-10", 2, "2y"),
        ];
        let s = replay(Status::InService, six_months(), &mut events, None);
        assert_eq!(s.next_due, Some(d("2025-12-01")));
        assert_eq!(s.interval, Some(Interval::parse("2y").unwrap()));
        let before = replay(
            Status::InService,
            six_months(),
            &mut events,
            Some(d("2026-01-09")),
        );
        assert_eq!(before.interval, six_months());
        assert_eq!(before.next_due, Some(d("2025-12-01")));
        // The next calibration counts with the interval in force on its day.
        events.push(cal(2, "2026-02-01", 3, CalResult::Pass));
        let s = replay(Status::InService, six_months(), &mut events, None);
        assert_eq!(s.next_due, Some(d("2028-02-01")));
    }

    #[test]
    fn a_shorter_interval_brings_the_due_date_forward_from_its_day() {
        let mut events: Vec<Event> = vec![
            cal(1, "2026-01-15", 1, CalResult::Pass),
            change(1, "2026-03-01", 2, "1m"),
        ];
        let one_year = Some(Interval::parse("1y").unwrap());
        let s = replay(Status::InService, one_year, &mut events, None);
        assert_eq!(s.next_due, Some(d("2026-02-15")));
        let before = replay(
            Status::InService,
            one_year,
            &mut events,
            Some(d("2026-02-28")),
        );
        assert_eq!(before.next_due, Some(d("2027-01-15")));
        // An explicit next due later than the shorter interval is capped too.
        let mut events: Vec<Event> = vec![
            Event {
                on: d("2026-01-15"),
                seq: 1,
                kind: EventKind::Calibration {
                    id: 1,
                    result: CalResult::Pass,
                    next_due: Some(d("2026-06-30")),
                },
            },
            change(1, "2026-02-01", 2, "3m"),
        ];
        let s = replay(Status::InService, one_year, &mut events, None);
        assert_eq!(s.next_due, Some(d("2026-04-15")));
    }

    #[test]
    fn gaining_or_clearing_an_interval() {
        // Never calibrated: gaining an interval leaves it `never`.
        let mut events: Vec<Event> = vec![change(1, "2026-02-01", 1, "1y")];
        let s = replay(Status::InService, None, &mut events, None);
        assert_eq!((s.last, s.next_due), (None, None));
        assert_eq!(s.interval, Some(Interval::parse("1y").unwrap()));
        // Calibrated without an interval: the new one counts from that
        // calibration (earlier than "never due").
        let mut events: Vec<Event> = vec![
            cal(1, "2025-01-10", 1, CalResult::Pass),
            change(1, "2026-02-01", 2, "6m"),
        ];
        let s = replay(Status::InService, None, &mut events, None);
        assert_eq!(s.next_due, Some(d("2025-07-10")));
        // Cleared: a due date from the interval goes; an explicit one stays.
        events.push(change(2, "2026-03-01", 3, ""));
        let s = replay(Status::InService, None, &mut events, None);
        assert_eq!((s.interval, s.next_due), (None, None));
        assert_eq!(s.last_event_on, Some(d("2026-03-01")));
    }

    #[test]
    fn status_transitions_follow_the_spec() {
        use CalResult::{Adjusted, Fail, Pass};
        use Status::{Condemned, InService, OutOfService, Quarantined};
        assert_eq!(InService.after_calibration(Fail), Quarantined);
        assert_eq!(OutOfService.after_calibration(Fail), Quarantined);
        assert_eq!(Quarantined.after_calibration(Pass), InService);
        assert_eq!(Quarantined.after_calibration(Adjusted), InService);
        assert_eq!(OutOfService.after_calibration(Pass), OutOfService);
        assert_eq!(InService.after_calibration(Pass), InService);
        assert_eq!(Quarantined.after_calibration(Fail), Quarantined);
        for r in [Pass, Fail, Adjusted] {
            assert_eq!(Condemned.after_calibration(r), Condemned);
        }
        assert_eq!(Condemned.after_change(InService), Condemned);
        assert_eq!(OutOfService.after_change(InService), InService);
    }

    #[test]
    fn fail_quarantines_and_a_later_pass_returns_to_service() {
        let mut events: Vec<Event> = vec![
            cal(1, "2026-03-16", 1, CalResult::Pass),
            cal(2, "2026-09-14", 2, CalResult::Fail),
            cal(3, "2026-09-16", 3, CalResult::Pass),
        ];
        let s = replay(Status::InService, six_months(), &mut events, None);
        assert_eq!(s.status, Status::InService);
        assert_eq!(s.next_due, Some(d("2027-03-16")));
        assert_eq!(s.changes.len(), 2);
        assert_eq!(
            (s.changes[0].from, s.changes[0].to),
            (Status::InService, Status::Quarantined)
        );
        let mid = replay(
            Status::InService,
            six_months(),
            &mut events,
            Some(d("2026-09-15")),
        );
        assert_eq!(mid.status, Status::Quarantined, "status as of the day");
        assert_eq!(mid.last.unwrap().result, CalResult::Fail);
    }

    #[test]
    fn late_paperwork_does_not_pull_the_due_date_back() {
        // The older record is recorded after the newer one.
        let mut events: Vec<Event> = vec![
            cal(1, "2025-12-03", 1, CalResult::Pass),
            cal(2, "2024-12-05", 2, CalResult::Pass),
        ];
        let s = replay(
            Status::InService,
            Some(Interval::parse("1y").unwrap()),
            &mut events,
            None,
        );
        assert_eq!(s.last.unwrap().on, d("2025-12-03"));
        assert_eq!(s.next_due, Some(d("2026-12-03")));
    }

    #[test]
    fn of_two_calibrations_on_one_day_the_one_recorded_later_counts() {
        let mut events: Vec<Event> = vec![
            cal(7, "2026-09-02", 2, CalResult::Adjusted),
            cal(6, "2026-09-02", 1, CalResult::Fail),
        ];
        let s = replay(
            Status::InService,
            Some(Interval::parse("90d").unwrap()),
            &mut events,
            None,
        );
        assert_eq!(s.status, Status::InService);
        assert_eq!(s.last.unwrap().result, CalResult::Adjusted);
        assert_eq!(s.next_due, Some(d("2026-12-01")));
    }

    #[test]
    fn explicit_next_due_wins_over_the_interval() {
        let mut events: Vec<Event> = vec![Event {
            on: d("2026-09-01"),
            seq: 1,
            kind: EventKind::Calibration {
                id: 1,
                result: CalResult::Pass,
                next_due: Some(d("2026-12-15")),
            },
        }];
        let s = replay(
            Status::InService,
            Some(Interval::parse("12w").unwrap()),
            &mut events,
            None,
        );
        assert_eq!(s.next_due, Some(d("2026-12-15")));
    }

    #[test]
    fn an_extension_moves_the_due_date_until_the_next_calibration() {
        let mut events: Vec<Event> = vec![
            cal(1, "2025-11-10", 1, CalResult::Pass),
            Event {
                on: d("2026-11-05"),
                seq: 2,
                kind: EventKind::Extension {
                    id: 1,
                    calibration_id: 1,
                    extended_to: d("2026-12-10"),
                },
            },
        ];
        let one_year = Some(Interval::parse("1y").unwrap());
        let s = replay(Status::InService, one_year, &mut events, None);
        assert_eq!(s.next_due, Some(d("2026-12-10")));
        assert_eq!(s.extension, Some(1));
        let before = replay(
            Status::InService,
            one_year,
            &mut events,
            Some(d("2026-11-04")),
        );
        assert_eq!(
            before.next_due,
            Some(d("2026-11-10")),
            "not yet granted on the 4th"
        );
        events.push(cal(2, "2026-11-20", 3, CalResult::Pass));
        let s = replay(Status::InService, one_year, &mut events, None);
        assert_eq!(s.next_due, Some(d("2027-11-20")));
        assert_eq!(s.extension, None);
    }

    #[test]
    fn condemned_is_final_and_manual_changes_replay_in_order() {
        let mut events: Vec<Event> = vec![
            cal(1, "2025-03-03", 1, CalResult::Pass),
            cal(2, "2025-09-01", 2, CalResult::Fail),
        ];
        let s = replay(Status::Condemned, six_months(), &mut events, None);
        assert_eq!(s.status, Status::Condemned);
        assert!(s.changes.is_empty());

        let mut events: Vec<Event> = vec![
            cal(1, "2026-01-10", 1, CalResult::Pass),
            Event {
                on: d("2026-02-01"),
                seq: 2,
                kind: EventKind::StatusChange {
                    id: 1,
                    to: Status::OutOfService,
                },
            },
            cal(2, "2026-03-01", 3, CalResult::Pass),
        ];
        let s = replay(Status::InService, six_months(), &mut events, None);
        assert_eq!(
            s.status,
            Status::OutOfService,
            "a pass returns only quarantined assets"
        );
    }

    #[test]
    fn due_state_boundaries_are_inclusive() {
        let as_of = d("2026-11-21");
        let judge = |due: &str| due_state(true, true, Some(d(due)), as_of, 30);
        assert_eq!(judge("2026-11-20"), DueState::Overdue);
        assert_eq!(judge("2026-11-21"), DueState::Due);
        assert_eq!(judge("2026-12-21"), DueState::Due);
        assert_eq!(judge("2026-12-22"), DueState::InCalibration);
        assert_eq!(due_state(true, false, None, as_of, 30), DueState::Never);
        assert_eq!(
            due_state(false, false, None, as_of, 30),
            DueState::NotRequired
        );
        assert_eq!(
            due_state(true, true, Some(as_of), as_of, 0),
            DueState::Due,
            "due today with --within 0"
        );
    }

    #[test]
    fn statuses_and_results_parse_case_insensitively() {
        assert_eq!("In Service".parse::<Status>().unwrap(), Status::InService);
        assert_eq!(
            "out-of-service".parse::<Status>().unwrap(),
            Status::OutOfService
        );
        assert!("broken".parse::<Status>().is_err());
        assert_eq!("PASS".parse::<CalResult>().unwrap(), CalResult::Pass);
        let err = "ok".parse::<CalResult>().unwrap_err();
        assert_eq!(err.exit_code(), 65);
        assert!(err.to_string().contains("pass, fail or adjusted"));
    }
}
