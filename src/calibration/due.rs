//! `report calibration-due` (SPEC §4, §10) and the pre-use check
//! `equipment check` (duty D2).
//!
//! The report reads the maintained columns of `equipment`: one row per
//! asset that needs calibration, filtered in SQL to the ones that can be
//! listed. An asset with a record dated after the as-of day (only possible
//! for a report in the past) is replayed from its own records through the
//! per-asset indexes instead, so `--as-of` is exact without scanning every
//! calibration.

use std::collections::{HashMap, HashSet};

use chrono::{Days, NaiveDate};
use serde::Serialize;

use super::records::{history, load_events, load_events_bulk};
use super::sql;
use super::state::{self, CalResult, DueState, EventKind, Status};
use super::{Interval, date_at, find_equipment, opt_date_at, status_at};
use crate::args;
use crate::error::Result;
use crate::store::Conn;
use crate::store::Store;

/// Columns of the calibration-due report, in SPEC order.
pub const CALIBRATION_DUE_HEADERS: [&str; 9] = [
    "asset_tag",
    "description",
    "location",
    "status",
    "last_calibrated",
    "last_result",
    "next_due",
    "days_until_due",
    "state",
];

/// One line of the calibration-due report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CalibrationDueRow {
    pub asset_tag: String,
    pub description: Option<String>,
    pub location: Option<String>,
    /// Status as of the report's day.
    pub status: Status,
    pub last_calibrated: Option<NaiveDate>,
    pub last_result: Option<CalResult>,
    pub next_due: Option<NaiveDate>,
    pub days_until_due: Option<i64>,
    /// `never`, `overdue` or `due`.
    pub state: DueState,
    /// The documented extension that set `next_due`, if one did.
    #[serde(skip)]
    pub extension: Option<ExtensionNote>,
}

/// An extension behind a report row's due date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtensionNote {
    pub previous_due: NaiveDate,
    pub extended_to: NaiveDate,
    pub approved_by: String,
    pub reason: String,
}

impl ExtensionNote {
    /// The sentence shown with the report.
    pub fn describe(&self, asset_tag: &str) -> String {
        format!(
            "{asset_tag}: due date extended from {} to {}, approved by {}: {}",
            self.previous_due, self.extended_to, self.approved_by, self.reason
        )
    }
}

/// The pre-use verdict on one asset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fitness {
    pub asset_tag: String,
    /// Empty when the asset is fit for use.
    pub reasons: Vec<String>,
    /// What is known when fit (status and due date), for the message.
    pub summary: String,
}

impl Fitness {
    pub fn is_fit(&self) -> bool {
        self.reasons.is_empty()
    }
}

/// Above this many assets to replay, a report in the past reads each
/// record table once instead of probing per asset.
const BULK_REPLAY: usize = 64;

struct Candidate {
    id: i64,
    asset_tag: String,
    description: Option<String>,
    location: Option<String>,
    status: Status,
    registered: Status,
    interval: Option<Interval>,
    last_calibrated: Option<NaiveDate>,
    last_result: Option<CalResult>,
    next_due: Option<NaiveDate>,
    extension_id: Option<i64>,
    replay: bool,
}

fn extension_note(conn: Conn<'_>, id: i64) -> Result<Option<ExtensionNote>> {
    conn.query_opt(&sql::EXTENSION_NOTE, args![id], |r| {
        Ok(ExtensionNote {
            previous_due: date_at(r, 0)?,
            extended_to: date_at(r, 1)?,
            approved_by: r.get(2)?,
            reason: r.get(3)?,
        })
    })
}

impl Store {
    /// The calibration-due report as of `as_of` with a window of `within`
    /// days: assets that need calibration and are not condemned (as of the
    /// day), in state `never`, `overdue` or `due`; `never` first by asset
    /// tag, then by next due date, ties by asset tag.
    pub fn calibration_due(&self, as_of: NaiveDate, within: u32) -> Result<Vec<CalibrationDueRow>> {
        self.read(|conn| calibration_due_in(conn, as_of, within))
    }

    /// The pre-use check (duty D2): is the asset in service and in
    /// calibration on `today`? Every reason it is not is given.
    pub fn equipment_check(&self, tag: &str, today: NaiveDate) -> Result<Fitness> {
        let h = self.read(|conn| {
            let eq = find_equipment(conn, tag)?;
            history(conn, eq, Some(today))
        })?;
        let s = &h.state;
        let tag = h.equipment.asset_tag.clone();
        let mut reasons = Vec::new();
        let since = || {
            h.latest_change().map(|(change, kind)| {
                let why = match kind {
                    EventKind::StatusChange { id, .. } => h
                        .status_changes
                        .iter()
                        .find(|c| c.id == *id)
                        .map(|c| format!(": {}", c.reason))
                        .unwrap_or_default(),
                    _ => String::new(),
                };
                format!(" since {}{why}", change.on)
            })
        };
        match s.status {
            Status::InService => {}
            Status::Condemned => reasons.push(format!("condemned{}", since().unwrap_or_default())),
            Status::Quarantined => match s.last.filter(|l| l.result == CalResult::Fail) {
                Some(last) => {
                    let cert = h
                        .calibration(last.id)
                        .and_then(|c| c.certificate.clone())
                        .map(|c| format!(" (certificate {c})"))
                        .unwrap_or_default();
                    reasons.push(format!(
                        "quarantined after failed calibration on {}{cert}",
                        last.on
                    ));
                }
                None => reasons.push(format!("quarantined{}", since().unwrap_or_default())),
            },
            Status::OutOfService => {
                reasons.push(format!("out of service{}", since().unwrap_or_default()));
            }
        }
        let failed = s.last.filter(|l| l.result == CalResult::Fail);
        if let Some(last) = failed
            && s.status != Status::Quarantined
            && s.status != Status::Condemned
        {
            reasons.push(format!("its latest calibration, on {}, failed", last.on));
        }
        if s.status != Status::Condemned {
            match state::due_state(s.interval.is_some(), s.last.is_some(), s.next_due, today, 0) {
                DueState::Never => reasons.push(format!(
                    "never calibrated (it needs calibration every {})",
                    s.interval.map(|i| i.to_string()).unwrap_or_default()
                )),
                DueState::Overdue => {
                    let due = s.next_due.unwrap_or(today);
                    let days = (today - due).num_days();
                    reasons.push(format!(
                        "calibration overdue since {due} ({days} day{} past its due date)",
                        if days == 1 { "" } else { "s" }
                    ));
                }
                DueState::Due | DueState::InCalibration | DueState::NotRequired => {}
            }
        }
        let summary = match (s.last, s.next_due) {
            (Some(last), Some(due)) => {
                let extended = s
                    .extension
                    .and_then(|id| h.extension(id))
                    .map(|e| format!(", extended by {} from {}", e.approved_by, e.previous_due))
                    .unwrap_or_default();
                format!(
                    "{}; calibrated {} ({}), next due {due}{extended}",
                    s.status.words(),
                    last.on,
                    last.result
                )
            }
            (Some(last), None) => format!(
                "{}; calibrated {} ({}), no calibration interval",
                s.status.words(),
                last.on,
                last.result
            ),
            (None, _) => format!("{}; needs no calibration", s.status.words()),
        };
        Ok(Fitness {
            asset_tag: tag,
            reasons,
            summary,
        })
    }
}

/// The calibration-due report inside one read.
fn calibration_due_in(
    conn: Conn<'_>,
    as_of: NaiveDate,
    within: u32,
) -> Result<Vec<CalibrationDueRow>> {
    let limit = as_of
        .checked_add_days(Days::new(u64::from(within)))
        .unwrap_or(NaiveDate::MAX);
    // Rows whose maintained state is as of a day on or before `as_of`
    // are filtered here; later ones are replayed below.
    let candidates = conn.query_all(
        &sql::DUE_CANDIDATES,
        args![as_of.to_string(), limit.to_string()],
        |r| {
            let interval: Option<String> = r.get(6)?;
            Ok(Candidate {
                id: r.get(0)?,
                asset_tag: r.get(1)?,
                description: r.get(2)?,
                location: r.get(3)?,
                status: status_at(r, 4)?,
                registered: status_at(r, 5)?,
                interval: interval.and_then(|i| Interval::parse(&i).ok()),
                last_calibrated: opt_date_at(r, 7)?,
                last_result: r.get::<Option<String>>(8)?.map(|s| CalResult::from_db(&s)),
                next_due: opt_date_at(r, 9)?,
                extension_id: r.get(10)?,
                replay: r.get(11)?,
            })
        },
    )?;
    // Assets with records after `as_of` are replayed from their records:
    // a few through the per-asset indexes, many in one pass per table.
    let to_replay: HashSet<i64> = candidates
        .iter()
        .filter(|c| c.replay)
        .map(|c| c.id)
        .collect();
    let mut bulk = if to_replay.len() > BULK_REPLAY {
        load_events_bulk(conn, as_of, &to_replay)?
    } else {
        HashMap::new()
    };
    let mut rows = Vec::new();
    for mut c in candidates {
        if c.replay {
            let mut events = if to_replay.len() > BULK_REPLAY {
                bulk.remove(&c.id).unwrap_or_default()
            } else {
                load_events(conn, c.id, Some(as_of))?
            };
            let s = state::replay(c.registered, &mut events, Some(as_of));
            c.interval = s.interval;
            c.status = s.status;
            c.last_calibrated = s.last.map(|l| l.on);
            c.last_result = s.last.map(|l| l.result);
            c.next_due = s.next_due;
            c.extension_id = s.extension;
        }
        if c.status == Status::Condemned || c.interval.is_none() {
            continue;
        }
        let due = state::due_state(true, c.last_calibrated.is_some(), c.next_due, as_of, within);
        if !matches!(due, DueState::Never | DueState::Overdue | DueState::Due) {
            continue;
        }
        let extension = match c.extension_id {
            Some(id) => extension_note(conn, id)?,
            None => None,
        };
        rows.push(CalibrationDueRow {
            asset_tag: c.asset_tag,
            description: c.description,
            location: c.location,
            status: c.status,
            last_calibrated: c.last_calibrated,
            last_result: c.last_result,
            next_due: c.next_due,
            days_until_due: c.next_due.map(|d| (d - as_of).num_days()),
            state: due,
            extension,
        });
    }
    rows.sort_by(|a, b| {
        (a.state != DueState::Never, a.next_due, &a.asset_tag).cmp(&(
            b.state != DueState::Never,
            b.next_due,
            &b.asset_tag,
        ))
    });
    Ok(rows)
}
