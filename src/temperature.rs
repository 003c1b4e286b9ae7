//! Storage temperatures (SPEC §15): monitored locations, readings as
//! chained evidence, excursions maintained as readings arrive, decisions.
//!
//! Temperatures are whole hundredths of a degree Celsius (SPEC: at most two
//! decimals, −200 to 200), so comparisons are exact. Each reading carries
//! the range and tolerance in force when it was recorded: editing a range
//! later changes how new readings are judged, never what an old one meant.
//!
//! An excursion is a run of consecutive out-of-range readings at one
//! location. It is kept in `excursions`, refreshed from the readings around
//! the ones just written (between the in-range readings that bound them,
//! each one index seek), never recomputed from all readings for a report;
//! `check` recomputes every location's runs and compares.
//!
//! Storage is reached through the seam (`Conn`, the statements in
//! src/store/sql/temperature.rs), on SQLite or PostgreSQL alike. On
//! PostgreSQL, where writers do not queue for one database lock, a writer
//! of readings takes the readings chain's lock before it looks for the
//! reading at its time and holds it to commit, so excursions are refreshed
//! by one writer at a time from committed readings; a decision takes the
//! same lock first; keeping an excursion's lots takes the movements
//! chain's lock before it reads the ledger, so a movement is either in the
//! sweep or drops the rows kept after it (`unkeep_lots`).

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Read;

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, Utc};
use serde::Serialize;

use crate::args;
use crate::catalogue::find_location;
use crate::chain;
use crate::clock::{lab_date, start_of_day};
use crate::error::{Error, Refusal, Result};
use crate::import::{self, Format, ImportContext, ImportSummary};
use crate::model::{parse_date, parse_stamp, stamp};
use crate::store::Store;
use crate::store::{Conn, Row};
use crate::values::{LocationId, Timestamp};

pub use crate::store::sql::temperature as sql;

/// The lowest and highest temperature labstock records, in hundredths.
const LIMIT: i64 = 20_000;

/// Parse a temperature as typed (`4`, `-18.5`, `+2.25`) into hundredths.
pub fn parse_celsius(what: &str, text: &str) -> Result<i64> {
    let t = text.trim();
    let bad = |why: &str| Error::invalid(what, text, why);
    let (negative, digits) = match t.strip_prefix('-').or_else(|| t.strip_prefix('−')) {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(bad("expected degrees Celsius such as 4, 4.5 or -18.25"));
    }
    if frac.len() > 2 {
        return Err(bad("at most two decimals (hundredths of a degree)"));
    }
    let whole: i64 = whole.parse().unwrap_or(i64::MAX);
    let frac: i64 = format!("{frac:0<2}").parse().unwrap_or(0);
    let value = whole
        .checked_mul(100)
        .and_then(|w| w.checked_add(frac))
        .filter(|v| *v <= LIMIT)
        .ok_or_else(|| bad("a temperature from -200 to 200 °C"))?;
    Ok(if negative { -value } else { value })
}

/// Parse `MIN..MAX` (°C), MIN below MAX.
pub fn parse_range(text: &str) -> Result<(i64, i64)> {
    let (lo, hi) = text.split_once("..").ok_or_else(|| {
        Error::invalid(
            "--range",
            text,
            "expected MIN..MAX in °C, e.g. 2..8 or -25..-15",
        )
    })?;
    let (lo, hi) = (parse_celsius("--range", lo)?, parse_celsius("--range", hi)?);
    if lo >= hi {
        return Err(Error::invalid(
            "--range",
            text,
            "the minimum below the maximum, e.g. 2..8",
        ));
    }
    Ok((lo, hi))
}

/// Hundredths of a degree as written: `4`, `4.5`, `-18.25`.
pub fn show(hundredths: i64) -> String {
    let sign = if hundredths < 0 { "-" } else { "" };
    let abs = hundredths.unsigned_abs();
    let (whole, frac) = (abs / 100, abs % 100);
    match frac {
        0 => format!("{sign}{whole}"),
        f if f % 10 == 0 => format!("{sign}{whole}.{}", f / 10),
        f => format!("{sign}{whole}.{f:02}"),
    }
}

/// A location's range as written (`2..8`).
pub fn show_range(min: i64, max: i64) -> String {
    format!("{}..{}", show(min), show(max))
}

/// A monitored location.
#[derive(Debug, Clone)]
struct Monitored {
    id: LocationId,
    code: String,
    min: i64,
    max: i64,
    tolerance: i64,
}

fn monitored<'c>(conn: impl Into<Conn<'c>>, code: &str) -> Result<Monitored> {
    let conn = conn.into();
    let loc = find_location(conn, code)?;
    let (min, max, tolerance): (Option<i64>, Option<i64>, i64) =
        conn.query_one(&sql::MONITORING, args![loc.id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    match (min, max) {
        (Some(min), Some(max)) => Ok(Monitored {
            id: loc.id,
            code: loc.code,
            min,
            max,
            tolerance,
        }),
        _ => Err(Error::Refused(Refusal::NotMonitored { location: loc.code })),
    }
}

/// One reading as given (`temp record`, a logger row).
#[derive(Debug, Clone)]
pub struct ReadingRequest {
    pub location: String,
    pub at: Timestamp,
    /// Hundredths of a degree.
    pub value: i64,
    /// A min/max thermometer's lowest and highest since the last reading.
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub note: Option<String>,
}

/// What recording one reading did.
#[derive(Debug, Clone, Serialize)]
pub struct Recorded {
    pub location: String,
    pub at: String,
    pub value: String,
    pub out_of_range: bool,
    /// Whether an identical reading was already on record (nothing written).
    pub already_recorded: bool,
    /// The excursion the reading belongs to, if it is out of range.
    pub excursion: Option<i64>,
}

/// A reading's values in hundredths with its range: out of range when the
/// value, min or max lies outside.
#[derive(Debug, Clone, Copy)]
struct Judged {
    value: i64,
    min: Option<i64>,
    max: Option<i64>,
    range_min: i64,
    range_max: i64,
}

impl Judged {
    fn inside(&self, t: i64) -> bool {
        (self.range_min..=self.range_max).contains(&t)
    }

    fn out_of_range(&self) -> bool {
        !(self.inside(self.value)
            && self.min.is_none_or(|m| self.inside(m))
            && self.max.is_none_or(|m| self.inside(m)))
    }

    /// The temperature furthest outside the range, with how far.
    fn worst(&self) -> (i64, i64) {
        [Some(self.value), self.min, self.max]
            .into_iter()
            .flatten()
            .map(|t| {
                let off = if t > self.range_max {
                    t - self.range_max
                } else if t < self.range_min {
                    self.range_min - t
                } else {
                    0
                };
                (off, t)
            })
            .max()
            .map_or((0, self.value), |(off, t)| (t, off))
    }
}

/// Write one reading in the caller's transaction: `Ok(false)` when an
/// identical reading is already on record (skipped); a different value at
/// the same time is refused.
fn insert_reading<'c>(
    conn: impl Into<Conn<'c>>,
    loc: &Monitored,
    req: &ReadingRequest,
    now: Timestamp,
    user: &str,
) -> Result<bool> {
    let conn = conn.into();
    if req.at > now {
        return Err(Error::invalid(
            "timestamp",
            req.at.stamp(),
            format!("a time not after now ({now}): a reading is recorded once it has been read"),
        ));
    }
    for t in [Some(req.value), req.min, req.max].into_iter().flatten() {
        if !(-LIMIT..=LIMIT).contains(&t) {
            return Err(Error::invalid(
                "temperature",
                show(t),
                "a temperature from -200 to 200 °C",
            ));
        }
    }
    // Writers of readings take turns from here to commit (PostgreSQL: the
    // chain's lock; SQLite's one writer already does): the reading at this
    // time, and the excursions refreshed after it, are then the last
    // committed ones.
    conn.lock_chain(&chain::TEMPERATURE_READINGS)?;
    let at = req.at.stamp();
    let existing: Option<(i64, Option<i64>, Option<i64>)> =
        conn.query_opt(&sql::READING_AT, args![loc.id, at], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    if let Some((value, min, max)) = existing {
        if (value, min, max) == (req.value, req.min, req.max) {
            return Ok(false);
        }
        return Err(Error::Refused(Refusal::ReadingConflict {
            location: loc.code.clone(),
            at,
            recorded: show(value),
            given: show(req.value),
        }));
    }
    chain::append_cells(
        conn,
        &chain::TEMPERATURE_READINGS,
        args![
            loc.id,
            at,
            req.value,
            req.min,
            req.max,
            loc.min,
            loc.max,
            loc.tolerance,
            req.note.as_deref().map(str::trim).filter(|n| !n.is_empty()),
            user,
            now.stamp()
        ],
    )?;
    Ok(true)
}

/// One run of out-of-range readings.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Run {
    id: i64,
    first_at: String,
    from_at: String,
    to_at: Option<String>,
    last_at: String,
    readings: i64,
    peak: i64,
    peak_off: i64,
    tolerance: i64,
}

/// The runs of a sequence of readings, oldest first. `before` is the
/// reading just before the first (its time), for a run whose first
/// reading is out only by its min/max: that run began after `before`.
fn runs(rows: &[(i64, String, Judged, i64)], mut before: Option<String>) -> Vec<Run> {
    let mut out = Vec::new();
    let mut current: Option<Run> = None;
    for (id, at, j, tolerance) in rows {
        if j.out_of_range() {
            let (peak, off) = j.worst();
            match current.as_mut() {
                Some(run) => {
                    run.readings += 1;
                    run.last_at.clone_from(at);
                    if off > run.peak_off {
                        run.peak = peak;
                        run.peak_off = off;
                    }
                }
                None => {
                    let only_min_max = j.inside(j.value);
                    let from_at = match (&before, only_min_max) {
                        (Some(b), true) => b.clone(),
                        _ => at.clone(),
                    };
                    current = Some(Run {
                        id: *id,
                        first_at: at.clone(),
                        from_at,
                        to_at: None,
                        last_at: at.clone(),
                        readings: 1,
                        peak,
                        peak_off: off,
                        tolerance: *tolerance,
                    });
                }
            }
        } else if let Some(mut run) = current.take() {
            run.to_at = Some(at.clone());
            out.push(run);
        }
        before = Some(at.clone());
    }
    out.extend(current);
    out
}

fn read_rows(
    conn: Conn<'_>,
    location: LocationId,
    from: &str,
    to: Option<&str>,
) -> Result<Vec<(i64, String, Judged, i64)>> {
    conn.query_all(&sql::READINGS_BETWEEN, args![location, from, to], |r| {
        Ok((
            r.get(0)?,
            r.get(1)?,
            Judged {
                value: r.get(2)?,
                min: r.get(3)?,
                max: r.get(4)?,
                range_min: r.get(5)?,
                range_max: r.get(6)?,
            },
            r.get(7)?,
        ))
    })
}

/// Bring `excursions` up to date after readings of `loc` dated `lo..=hi`
/// were written: recompute the runs between the in-range readings that
/// bound them and replace the excursions there. A decided excursion must
/// keep its start, and its end once it had one.
fn refresh<'c>(conn: impl Into<Conn<'c>>, loc: &Monitored, lo: &str, hi: &str) -> Result<()> {
    let conn = conn.into();
    let anchor_lo: Option<String> =
        conn.query_opt(&sql::IN_RANGE_BEFORE, args![loc.id, lo], |r| r.get(0))?;
    let anchor_hi: Option<String> =
        conn.query_opt(&sql::IN_RANGE_AFTER, args![loc.id, hi], |r| r.get(0))?;
    let start = anchor_lo.clone().unwrap_or_default();
    let rows = read_rows(conn, loc.id, &start, anchor_hi.as_deref())?;
    let fresh = runs(&rows, None);
    let old: Vec<(i64, String, Option<String>, Option<String>)> = conn.query_all(
        &sql::EXCURSIONS_WITHIN,
        args![loc.id, start, anchor_hi],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    for (id, from_at, to_at, decision) in &old {
        let Some(decision) = decision else { continue };
        let kept = fresh.iter().any(|r| {
            r.id == *id
                && r.from_at == *from_at
                && (to_at.is_none() || r.to_at.as_ref() == to_at.as_ref())
        });
        if !kept {
            return Err(Error::Refused(Refusal::ExcursionDecided {
                id: *id,
                location: loc.code.clone(),
                at: if lo == hi {
                    lo.to_owned()
                } else {
                    format!("{lo} … {hi}")
                },
                decision: decision.clone(),
            }));
        }
    }
    for (id, ..) in &old {
        conn.execute(&sql::DELETE_EXCURSION, args![id])?;
    }
    for r in &fresh {
        conn.execute(
            &sql::INSERT_EXCURSION,
            args![
                r.id,
                loc.id,
                r.first_at,
                r.from_at,
                r.to_at,
                r.last_at,
                r.readings,
                r.peak,
                r.tolerance
            ],
        )?;
    }
    keep_lots(conn, loc.id)
}

/// A movement dated `at` was posted at `location` (and into `to`): what
/// those locations held during the excursions that ended at or after `at`
/// may have changed, so their kept lots are dropped (the report computes
/// them from the ledger until the next reading there keeps them again).
/// A movement dated now matches none: one index probe per location. The
/// ledger calls this for every movement it posts except an `open` and its
/// reversal, which move units between portions of one balance.
pub(crate) fn unkeep_lots(
    conn: Conn<'_>,
    location: LocationId,
    to: Option<LocationId>,
    at: &str,
) -> Result<()> {
    for place in std::iter::once(location).chain(to) {
        conn.execute(&sql::UNKEEP, args![place, at])?;
    }
    Ok(())
}

/// Keep the lots held during every ended excursion of `loc` that has none
/// kept (`excursion_lots`, maintained state): one sweep of the ledger for
/// all of them, in the caller's transaction. Called whenever readings of
/// the location were written, so a row that a backdated movement dropped
/// is kept again by the next reading there.
fn keep_lots(conn: Conn<'_>, loc: LocationId) -> Result<()> {
    // Every kept row is of an ended excursion of its location (it goes
    // with its excursion), so equal counts mean nothing is missing.
    let missing: i64 = conn.query_one(&sql::UNKEPT_COUNT, args![loc], |r| r.get(0))?;
    if missing == 0 {
        return Ok(());
    }
    // What the ledger held is read once no movement is being posted
    // (PostgreSQL: the movements chain's lock, to commit): a movement
    // committed before is in the sweep, one committed after drops the
    // rows kept here (`unkeep_lots`, run under the same lock). SQLite's
    // one writer already has it so.
    conn.lock_chain(&chain::MOVEMENTS)?;
    let unkept: Vec<(String, String, i64)> = conn.query_all(&sql::UNKEPT, args![loc], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
    })?;
    if unkept.is_empty() {
        return Ok(());
    }
    let periods: Vec<(String, Option<String>)> = unkept
        .iter()
        .map(|(from, to, _)| (from.clone(), Some(to.clone())))
        .collect();
    for ((from, to, id), held) in unkept.iter().zip(held_during(conn, loc, &periods)?) {
        conn.execute(
            &sql::INSERT_KEPT,
            args![id, loc, from, to, lots_text(&held)],
        )?;
    }
    Ok(())
}

/// Keep the lots of every ended excursion of every location (the
/// migration that introduced `excursion_lots`).
pub(crate) fn keep_all_lots<'c>(conn: impl Into<Conn<'c>>) -> Result<()> {
    let conn = conn.into();
    let locations: Vec<LocationId> =
        conn.query_all(&sql::ENDED_LOCATIONS, args![], |r| r.get(0))?;
    for loc in locations {
        keep_lots(conn, loc)?;
    }
    Ok(())
}

fn excursion_of(conn: Conn<'_>, loc: LocationId, at: &str) -> Result<Option<i64>> {
    conn.query_opt(&sql::EXCURSION_AT, args![loc, at], |r| r.get(0))
}

/// The logger file format of `temp import`: `timestamp,temperature`.
pub const LOGGER: Format = Format {
    kind: "temperature logger",
    columns: &["timestamp", "temperature"],
    required: &["timestamp", "temperature"],
};

/// A logger download as `temp import` reads it: the plain
/// `timestamp,temperature` form as it is, or a Lascar EasyLog USB export
/// (EL-USB-1, EL-USB-2, EL-USB-TC…, the EasyLog USB software's "Export to
/// CSV") rewritten to the plain form, line for line so that an error names
/// the line of the file given. An EasyLog export's first line is
/// `NAME,Time,Celsius(°C)[,Humidity(%rh),Dew Point(°C)…],Serial Number`
/// (the name is the logger's, written in the ° sign of the PC's code page),
/// then one row per reading: its index, the PC's local date and time
/// (`DD/MM/YYYY HH:MM:SS` on a UK PC, or `YYYY-MM-DD HH:MM:SS`), the
/// temperature, the other channels, and the serial number on the first row
/// only. A Fahrenheit export is refused: readings are °C.
pub fn logger_csv(source: impl Read) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    let mut source = source;
    source.read_to_end(&mut bytes).map_err(|e| {
        Error::invalid(
            "logger file",
            e.to_string(),
            "a readable CSV file: timestamp,temperature or an EasyLog USB export",
        )
    })?;
    let header_end = bytes
        .iter()
        .position(|b| *b == b'\n')
        .unwrap_or(bytes.len());
    // The header alone may be in a Windows code page (its ° sign); the
    // readings are ASCII.
    let header = String::from_utf8_lossy(&bytes[..header_end]);
    let fields: Vec<&str> = header
        .trim_start_matches('\u{feff}')
        .trim_end()
        .split(',')
        .map(str::trim)
        .collect();
    let easylog = fields.len() >= 3
        && fields[1].eq_ignore_ascii_case("time")
        && fields
            .last()
            .is_some_and(|f| f.eq_ignore_ascii_case("serial number"));
    if !easylog {
        return Ok(bytes);
    }
    if !fields[2].to_ascii_lowercase().starts_with("celsius") {
        return Err(Error::invalid(
            "logger file",
            fields[2].to_owned(),
            "an EasyLog export in Celsius (set the logger's or the software's unit to \u{b0}C and export again)",
        ));
    }
    let body = std::str::from_utf8(&bytes[header_end.saturating_add(1).min(bytes.len())..])
        .map_err(|_| {
            Error::invalid(
                "logger file",
                "(not text)",
                "an EasyLog export whose readings are plain text",
            )
        })?;
    let mut out = String::with_capacity(body.len().saturating_add(32));
    out.push_str("timestamp,temperature\n");
    // The logger records at a fixed interval: a gap other than the first
    // one (give or take the hour of a clock change) means a date read the
    // wrong way round, e.g. a PC set to month-first dates.
    let mut previous: Option<NaiveDateTime> = None;
    let mut interval: Option<chrono::TimeDelta> = None;
    for (i, line) in body.lines().enumerate() {
        let row = u64::try_from(i).unwrap_or(u64::MAX).saturating_add(2);
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            out.push('\n');
            continue;
        }
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        let (Some(time), Some(value)) = (cells.get(1), cells.get(2)) else {
            return Err(Error::invalid(
                "logger file",
                line.to_owned(),
                "an EasyLog row: index,date and time,temperature[,…]",
            )
            .at_row(row, None));
        };
        if let Some(at) = EASYLOG_TIMES
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(time, f).ok())
        {
            if let Some(before) = previous {
                let gap = at - before;
                match interval {
                    None => interval = Some(gap),
                    Some(every) => {
                        let hour = chrono::TimeDelta::hours(1);
                        if gap != every && gap != every + hour && gap != every - hour {
                            return Err(Error::invalid(
                                "timestamp",
                                (*time).to_owned(),
                                format!(
                                    "the logger's interval of {} minutes after the reading before ({before}); a date read the wrong way round? EasyLog dates are taken day first (DD/MM/YYYY) or as YYYY-MM-DD",
                                    every.num_minutes()
                                ),
                            )
                            .at_row(row, Some("timestamp")));
                        }
                    }
                }
            }
            previous = Some(at);
        }
        let _ = writeln!(out, "{time},{value}");
    }
    Ok(out.into_bytes())
}

/// The date-time forms of an EasyLog export (the PC's local time).
const EASYLOG_TIMES: [&str; 4] = [
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
];

/// A logger's timestamp: RFC 3339 with an offset, or a local date-time in
/// the lab's zone (`2026-11-20 09:00[:00]`, `T` or space); a local time a
/// clock change makes ambiguous or impossible is refused.
pub fn parse_logger_time(text: &str, zone: crate::clock::Zone) -> Result<DateTime<Utc>> {
    let t = text.trim();
    if let Ok(parsed) = DateTime::parse_from_rfc3339(t) {
        return Ok(parsed.with_timezone(&Utc));
    }
    let local = [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
        "%d/%m/%Y %H:%M:%S",
        "%d/%m/%Y %H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
    .ok_or_else(|| {
        Error::invalid(
            "timestamp",
            text,
            "a date and time such as 2026-11-20 09:00:00 (the lab's time) or RFC 3339 with an offset",
        )
    })?;
    match zone.from_local(local) {
        LocalResult::Single(t) => Ok(t),
        LocalResult::Ambiguous(..) => Err(Error::invalid(
            "timestamp",
            text,
            format!(
                "a time that happened once: the clocks went back in {zone} and this local time happened twice; give the offset"
            ),
        )),
        LocalResult::None => Err(Error::invalid(
            "timestamp",
            text,
            format!("a time that happened: the clocks went forward in {zone} past it"),
        )),
    }
}

/// The columns of `report temperatures`.
pub const DAY_HEADERS: &[&str] = &[
    "location",
    "date",
    "readings",
    "min",
    "max",
    "out_of_range",
    "missing",
];

/// The columns of `report excursions` (SPEC §15).
pub const EXCURSION_HEADERS: &[&str] = &[
    "id",
    "location",
    "from",
    "to",
    "readings",
    "peak",
    "minutes",
    "lots",
    "status",
    "decided_by",
    "reason",
];

/// One row of `temp list`.
#[derive(Debug, Clone, Serialize)]
pub struct ReadingRow {
    pub location: String,
    pub at: String,
    pub value: String,
    pub min: Option<String>,
    pub max: Option<String>,
    pub range: String,
    pub out_of_range: bool,
    pub recorded_by: String,
    pub note: Option<String>,
}

/// One row of `report excursions`.
#[derive(Debug, Clone, Serialize)]
pub struct ExcursionRow {
    pub id: i64,
    pub location: String,
    pub from: String,
    pub to: Option<String>,
    pub readings: i64,
    pub peak: String,
    pub minutes: i64,
    pub lots: String,
    pub status: String,
    pub decided_by: Option<String>,
    pub reason: Option<String>,
}

/// One row of `report temperatures`.
#[derive(Debug, Clone, Serialize)]
pub struct DayRow {
    pub location: String,
    pub date: String,
    pub readings: i64,
    pub min: Option<String>,
    pub max: Option<String>,
    pub out_of_range: i64,
    pub missing: bool,
}

/// One reading as the chart draws it.
#[derive(Debug, Clone)]
pub struct ChartPoint {
    pub at: DateTime<Utc>,
    pub value: i64,
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub out_of_range: bool,
}

/// A location's readings over a period, for the chart.
#[derive(Debug, Clone)]
pub struct ChartData {
    pub location: String,
    /// The range now, in hundredths.
    pub range: (i64, i64),
    /// The period's first instant and the instant after its last day.
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub points: Vec<ChartPoint>,
}

/// What `temp decide` did.
#[derive(Debug, Clone, Serialize)]
pub struct Decided {
    pub id: i64,
    pub decision: String,
    pub lots: String,
    /// Lots quarantined by this decision (`ITEM:LOT`).
    pub quarantined: Vec<String>,
}

fn minutes_between(from: &str, to: &str) -> i64 {
    match (parse_stamp(from), parse_stamp(to)) {
        (Ok(a), Ok(b)) => (b - a).num_minutes(),
        _ => 0,
    }
}

/// A lot held at a location during an excursion.
struct Held {
    lot_id: i64,
    item: String,
    lot: String,
    most: i64,
}

/// What the ledger held at `loc` at any moment of each period `(from,
/// to)` (to open: until now), periods in time order and disjoint: for
/// each, every lot with the most it held. One pass per lot ever kept there
/// (a balance row exists for each), over that lot's movements since the
/// first period (`movements_lot_at`), so a report of a year of excursions
/// reads each lot's history once, not once per excursion.
fn held_during(
    conn: Conn<'_>,
    loc: LocationId,
    periods: &[(String, Option<String>)],
) -> Result<Vec<Vec<Held>>> {
    let mut out: Vec<Vec<Held>> = periods.iter().map(|_| Vec::new()).collect();
    let Some(earliest) = periods.first().map(|p| p.0.clone()) else {
        return Ok(out);
    };
    let lots: Vec<(i64, i64, String, String)> = conn.query_all(&sql::LOTS_AT, args![loc], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
    })?;
    for (lot_id, now_held, item, lot) in lots {
        // This lot's changes at the location since the first period.
        let mut events: Vec<(String, i64)> = Vec::new();
        conn.for_each(&sql::LOT_MOVEMENTS_AFTER, args![lot_id, earliest], |r| {
            let (at_loc, to, q): (i64, Option<i64>, i64) = (r.get(1)?, r.get(2)?, r.get(3)?);
            let delta = if at_loc == loc.get() {
                q
            } else if to == Some(loc.get()) {
                -q
            } else {
                return Ok(());
            };
            events.push((r.get(0)?, delta));
            Ok(())
        })?;
        // Held at the start of the first period: now, less what came since.
        let mut balance = now_held - events.iter().map(|e| e.1).sum::<i64>();
        let mut next = 0;
        for (i, (from, to)) in periods.iter().enumerate() {
            while let Some((_, d)) = events.get(next).filter(|e| e.0 <= *from) {
                balance += d;
                next += 1;
            }
            let mut most = balance;
            while let Some((_, d)) = events
                .get(next)
                .filter(|e| to.as_ref().is_none_or(|t| e.0 <= *t))
            {
                balance += d;
                most = most.max(balance);
                next += 1;
            }
            if most > 0 {
                out[i].push(Held {
                    lot_id,
                    item: item.clone(),
                    lot: lot.clone(),
                    most,
                });
            }
        }
    }
    for held in &mut out {
        held.sort_by(|a, b| a.item.cmp(&b.item).then_with(|| a.lot.cmp(&b.lot)));
    }
    Ok(out)
}

fn lots_text(held: &[Held]) -> String {
    let mut text = String::new();
    for (i, h) in held.iter().enumerate() {
        if i > 0 {
            text.push(';');
        }
        if h.lot.is_empty() {
            let _ = write!(text, "{}={}", h.item, h.most);
        } else {
            let _ = write!(text, "{}:{}={}", h.item, h.lot, h.most);
        }
    }
    text
}

/// An excursion as stored, with its decision.
struct Stored {
    id: i64,
    location_id: LocationId,
    location: String,
    from_at: String,
    to_at: Option<String>,
    last_at: String,
    readings: i64,
    peak: i64,
    tolerance: i64,
    decision: Option<(String, String, String, String)>,
    /// The lots the decision covered, as recorded with it.
    decided_lots: Option<String>,
}

impl Stored {
    fn minutes(&self) -> i64 {
        minutes_between(
            &self.from_at,
            self.to_at.as_deref().unwrap_or(&self.last_at),
        )
    }

    fn status(&self) -> &str {
        match (&self.decision, &self.to_at) {
            (Some((d, ..)), _) => d,
            (None, Some(_)) if self.minutes() < self.tolerance => "transient",
            _ => "open",
        }
    }
}

fn stored_from(r: &Row<'_>) -> Result<Stored> {
    let decision: Option<String> = r.get(9)?;
    Ok(Stored {
        id: r.get(0)?,
        location_id: r.get(1)?,
        location: r.get(2)?,
        from_at: r.get(3)?,
        to_at: r.get(4)?,
        last_at: r.get(5)?,
        readings: r.get(6)?,
        peak: r.get(7)?,
        tolerance: r.get(8)?,
        decision: match decision {
            Some(d) => Some((d, r.get(10)?, r.get(11)?, r.get(12)?)),
            None => None,
        },
        decided_lots: r.get(13)?,
    })
}

/// The excursions as stored, of every location or one, by location and
/// time.
fn stored_excursions(conn: Conn<'_>, location: Option<LocationId>) -> Result<Vec<Stored>> {
    conn.query_all(&sql::STORED, args![location], stored_from)
}

/// How a location is monitored: `--range MIN..MAX`, `--tolerance MINUTES`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Monitoring {
    /// Hundredths of a degree, minimum below maximum.
    pub range: Option<(i64, i64)>,
    pub tolerance: Option<i64>,
}

/// The `min_temp,max_temp,tolerance_minutes` cells of a locations row.
pub(crate) fn monitoring_of_row(row: &import::CsvRow<'_>) -> Result<Monitoring> {
    let min = row.parse("min_temp", |t| parse_celsius("min_temp", t))?;
    let max = row.parse("max_temp", |t| parse_celsius("max_temp", t))?;
    let tolerance = row.parse("tolerance_minutes", |t| {
        crate::model::parse_count("tolerance_minutes", t)
    })?;
    let range = match (min, max) {
        (None, None) => None,
        (Some(lo), Some(hi)) if lo < hi => Some((lo, hi)),
        (Some(lo), Some(hi)) => {
            return Err(Error::invalid(
                "max_temp",
                show(hi),
                format!("a maximum above min_temp ({})", show(lo)),
            )
            .at_row(row.line, Some("max_temp")));
        }
        (Some(_), None) | (None, Some(_)) => {
            return Err(Error::missing(
                if min.is_none() {
                    "min_temp"
                } else {
                    "max_temp"
                },
                "a monitored location has both min_temp and max_temp",
            )
            .at_row(row.line, None));
        }
    };
    if tolerance.is_some() && range.is_none() {
        return Err(Error::missing(
            "min_temp",
            "tolerance_minutes applies to a monitored location: give its range too",
        )
        .at_row(row.line, None));
    }
    Ok(Monitoring { range, tolerance })
}

/// Monitor a location an import just added (no-op without a range).
pub(crate) fn monitor_new_location<'c>(
    conn: impl Into<Conn<'c>>,
    code: &str,
    m: Monitoring,
    now: &str,
    user: &str,
) -> Result<()> {
    if m.range.is_none() {
        return Ok(());
    }
    let conn = conn.into();
    let loc = find_location(conn, code)?;
    set_monitoring_in(conn, &loc, m, now, user)?;
    Ok(())
}

/// The export/import format of readings (`export|import temperatures`).
pub const TEMPERATURES: Format = Format {
    kind: "temperatures",
    columns: &[
        "location",
        "timestamp",
        "value",
        "min",
        "max",
        "recorded_by",
        "note",
    ],
    required: &["location", "timestamp", "value"],
};

/// `import temperatures`: readings of any monitored locations, all or
/// nothing; each location's excursions refreshed once at the end.
pub fn import_temperatures(
    store: &mut Store,
    source: impl Read,
    ctx: ImportContext<'_>,
) -> Result<ImportSummary> {
    let now = Timestamp::new("now", ctx.now)?;
    let seen: RefCell<HashMap<String, (Monitored, String, String)>> = RefCell::new(HashMap::new());
    import::run_then(
        store,
        &TEMPERATURES,
        source,
        &ctx,
        |conn, row, summary| {
            let code = row.need("location")?;
            let loc = match seen.borrow().get(code) {
                Some((l, ..)) => l.clone(),
                None => monitored(conn, code).map_err(|e| e.at_row(row.line, Some("location")))?,
            };
            let at = row
                .parse("timestamp", |t| {
                    crate::model::parse_lab_timestamp(t, ctx.zone, ctx.now)
                })?
                .ok_or_else(|| Error::missing("timestamp", "every reading has a time"))?;
            let at = Timestamp::new("timestamp", at)
                .map_err(|e| e.at_row(row.line, Some("timestamp")))?;
            let celsius = |c: &'static str| row.parse(c, |t| parse_celsius(c, t));
            let req = ReadingRequest {
                location: loc.code.clone(),
                at,
                value: celsius("value")?.unwrap_or_default(),
                min: celsius("min")?,
                max: celsius("max")?,
                note: row.get("note").map(str::to_owned),
            };
            let user = row.get("recorded_by").unwrap_or(ctx.user);
            if insert_reading(conn, &loc, &req, now, user)
                .map_err(|e| e.at_row(row.line, Some("timestamp")))?
            {
                summary.written += 1;
                let s = at.stamp();
                let mut seen = seen.borrow_mut();
                let entry = seen
                    .entry(loc.code.clone())
                    .or_insert_with(|| (loc.clone(), s.clone(), s.clone()));
                entry.1 = entry.1.clone().min(s.clone());
                entry.2 = entry.2.clone().max(s);
            } else {
                summary.skipped += 1;
            }
            Ok(())
        },
        |conn, _| {
            for (loc, lo, hi) in seen.borrow().values() {
                refresh(conn, loc, lo, hi)?;
            }
            Ok(())
        },
    )
}

/// Set a location's range and tolerance in the caller's transaction, each
/// change a chained location record; whether anything changed.
fn set_monitoring_in(
    conn: Conn<'_>,
    loc: &crate::catalogue::Location,
    m: Monitoring,
    now: &str,
    user: &str,
) -> Result<bool> {
    let (range, tolerance) = (m.range, m.tolerance);
    // Editors of locations take turns (PostgreSQL: the chain's lock), so
    // the old range recorded with a change is the one it replaced.
    conn.lock_chain(&chain::LOCATION_CHANGES)?;
    let (min, max, old_tolerance): (Option<i64>, Option<i64>, i64) =
        conn.query_one(&sql::MONITORING, args![loc.id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    if tolerance.is_some() && range.is_none() && min.is_none() {
        return Err(Error::Refused(Refusal::NotMonitored {
            location: loc.code.clone(),
        }));
    }
    let mut changed = false;
    if let Some((lo, hi)) = range
        && (Some(lo), Some(hi)) != (min, max)
    {
        conn.execute(&sql::SET_RANGE, args![loc.id, lo, hi])?;
        let old = min.zip(max).map(|(a, b)| show_range(a, b));
        chain::append_cells(
            conn,
            &chain::LOCATION_CHANGES,
            args![loc.id, "range", old, show_range(lo, hi), now, user],
        )?;
        changed = true;
    }
    if let Some(t) = tolerance
        && t != old_tolerance
    {
        conn.execute(&sql::SET_TOLERANCE, args![loc.id, t])?;
        chain::append_cells(
            conn,
            &chain::LOCATION_CHANGES,
            args![
                loc.id,
                "tolerance_minutes",
                old_tolerance.to_string(),
                t.to_string(),
                now,
                user
            ],
        )?;
        changed = true;
    }
    Ok(changed)
}

impl Store {
    /// `location add CODE [--name] [--range] [--tolerance]`, one transaction.
    pub fn add_monitored_location(
        &mut self,
        code: &str,
        name: Option<&str>,
        site: Option<&str>,
        m: Monitoring,
        now: &str,
        user: &str,
    ) -> Result<crate::catalogue::Location> {
        self.transact(|conn| {
            let loc = crate::catalogue::add_location_in(conn, code, name, site, now, user)?;
            set_monitoring_in(conn, &loc, m, now, user)?;
            Ok(loc)
        })
    }

    /// `location edit CODE [--name] [--range] [--tolerance]`, one
    /// transaction; whether anything changed.
    pub fn edit_location_and_monitoring(
        &mut self,
        code: &str,
        name: Option<&str>,
        site: Option<&str>,
        m: Monitoring,
        now: &str,
        user: &str,
    ) -> Result<bool> {
        self.transact(|conn| {
            let loc = find_location(conn, code)?;
            let renamed = match name {
                Some(_) => crate::catalogue::rename_location_in(conn, &loc, name, now, user)?,
                None => false,
            };
            let moved = match site {
                Some(site) => crate::sites::set_site_in(conn, &loc, site, now, user)?,
                None => false,
            };
            let monitored = set_monitoring_in(conn, &loc, m, now, user)?;
            Ok(renamed || moved || monitored)
        })
    }

    /// `temp record`: one reading, in one transaction with its excursion.
    pub fn record_reading(
        &mut self,
        req: &ReadingRequest,
        now: Timestamp,
        user: &str,
    ) -> Result<Recorded> {
        self.transact(|conn| {
            let loc = monitored(conn, &req.location)?;
            let written = insert_reading(conn, &loc, req, now, user)?;
            let at = req.at.stamp();
            if written {
                refresh(conn, &loc, &at, &at)?;
            }
            let judged = Judged {
                value: req.value,
                min: req.min,
                max: req.max,
                range_min: loc.min,
                range_max: loc.max,
            };
            let excursion = excursion_of(conn, loc.id, &at)?;
            Ok(Recorded {
                location: loc.code,
                at,
                value: show(req.value),
                out_of_range: judged.out_of_range(),
                already_recorded: !written,
                excursion,
            })
        })
    }

    /// `temp import LOC FILE`: a logger's `timestamp,temperature` rows (or
    /// an EasyLog USB export: [`logger_csv`]), all or nothing; rows
    /// identical to readings on record are skipped.
    pub fn import_logger(
        &mut self,
        location: &str,
        source: impl Read,
        ctx: ImportContext<'_>,
    ) -> Result<ImportSummary> {
        let now = Timestamp::new("now", ctx.now)?;
        let source = std::io::Cursor::new(logger_csv(source)?);
        // Shared by the row step and the final step of the one transaction.
        let loc: RefCell<Option<Monitored>> = RefCell::new(None);
        let span: RefCell<Option<(String, String)>> = RefCell::new(None);
        import::run_then(
            self,
            &LOGGER,
            source,
            &ctx,
            |conn, row, summary| {
                if loc.borrow().is_none() {
                    *loc.borrow_mut() = Some(monitored(conn, location)?);
                }
                let guard = loc.borrow();
                let Some(l) = guard.as_ref() else {
                    return Ok(());
                };
                let at = row
                    .parse("timestamp", |t| parse_logger_time(t, ctx.zone))?
                    .ok_or_else(|| Error::missing("timestamp", "every reading has a time"))?;
                let at = Timestamp::new("timestamp", at)
                    .map_err(|e| e.at_row(row.line, Some("timestamp")))?;
                let value = row
                    .parse("temperature", |t| parse_celsius("temperature", t))?
                    .ok_or_else(|| Error::missing("temperature", "every reading has a value"))?;
                let req = ReadingRequest {
                    location: l.code.clone(),
                    at,
                    value,
                    min: None,
                    max: None,
                    note: None,
                };
                if insert_reading(conn, l, &req, now, ctx.user)
                    .map_err(|e| e.at_row(row.line, Some("timestamp")))?
                {
                    summary.written += 1;
                    let s = at.stamp();
                    let mut span = span.borrow_mut();
                    *span = Some(match span.take() {
                        None => (s.clone(), s),
                        Some((lo, hi)) => (lo.min(s.clone()), hi.max(s)),
                    });
                } else {
                    summary.skipped += 1;
                }
                Ok(())
            },
            |conn, _summary| match (&*loc.borrow(), &*span.borrow()) {
                (Some(l), Some((lo, hi))) => refresh(conn, l, lo, hi),
                _ => Ok(()),
            },
        )
    }

    /// `temp list`: readings, oldest first.
    pub fn readings(
        &self,
        location: Option<&str>,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Vec<ReadingRow>> {
        self.read(|conn| {
            let zone = crate::settings::lab_zone(conn)?;
            let loc = location.map(|l| find_location(conn, l)).transpose()?;
            let lo = from.map(|d| stamp(start_of_day(d, zone)));
            let hi = to.map(|d| crate::clock::end_of_day(d, zone));
            conn.query_all(&sql::READINGS, args![loc.map(|l| l.id), lo, hi], |r| {
                let j = Judged {
                    value: r.get(2)?,
                    min: r.get(3)?,
                    max: r.get(4)?,
                    range_min: r.get(5)?,
                    range_max: r.get(6)?,
                };
                Ok(ReadingRow {
                    location: r.get(0)?,
                    at: r.get(1)?,
                    value: show(j.value),
                    min: j.min.map(show),
                    max: j.max.map(show),
                    range: show_range(j.range_min, j.range_max),
                    out_of_range: j.out_of_range(),
                    recorded_by: r.get(7)?,
                    note: r.get(8)?,
                })
            })
        })
    }

    /// `report excursions`: every excursion (or only the undecided ones
    /// that need a decision), with the lots held during it.
    pub fn excursions(&self, location: Option<&str>, only_open: bool) -> Result<Vec<ExcursionRow>> {
        // One reading: the excursions, their kept lots and the ledger as
        // they stand together (a movement committed meanwhile would drop a
        // kept row after it was read). On SQLite it also saves each of the
        // thousands of look-ups below its own lock and WAL check.
        self.read(|conn| excursions_in(conn, location, only_open))
    }

    /// Whether any excursion waits for a decision.
    pub fn open_excursions(&self) -> Result<usize> {
        self.read(|conn| {
            Ok(stored_excursions(conn, None)?
                .iter()
                .filter(|e| e.status() == "open")
                .count())
        })
    }

    /// `temp decide ID --release|--quarantine --reason`: a supervisor's
    /// decision, recorded; quarantine holds every available lot that was
    /// at the location during the excursion.
    pub fn decide_excursion(
        &mut self,
        id: i64,
        quarantine: bool,
        reason: &str,
        now: &str,
        user: &str,
    ) -> Result<Decided> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::missing(
                "--reason",
                "a decision about an excursion records why",
            ));
        }
        self.transact(|conn| decide_in(conn, id, quarantine, reason, now, user))
    }

    /// A monitored location's readings over `from..=to` (lab days) with
    /// its range now, for the chart.
    pub fn chart_points(
        &self,
        location: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<ChartData> {
        self.read(|conn| {
            let zone = crate::settings::lab_zone(conn)?;
            let loc = monitored(conn, location)?;
            let start = start_of_day(from, zone);
            let end = to
                .succ_opt()
                .map_or_else(|| start_of_day(to, zone), |d| start_of_day(d, zone));
            let rows = read_rows(conn, loc.id, &stamp(start), None)?;
            let end_stamp = stamp(end);
            let points = rows
                .into_iter()
                .filter(|r| r.1 < end_stamp)
                .filter_map(|(_, at, j, _)| {
                    Some(ChartPoint {
                        at: parse_stamp(&at).ok()?,
                        value: j.value,
                        min: j.min,
                        max: j.max,
                        out_of_range: j.out_of_range(),
                    })
                })
                .collect();
            Ok(ChartData {
                location: loc.code,
                range: (loc.min, loc.max),
                start,
                end,
                points,
            })
        })
    }

    /// `report temperatures`: each monitored location, each day of
    /// `from..=to` in the lab's calendar.
    pub fn temperature_days(
        &self,
        location: Option<&str>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<DayRow>> {
        self.read(|conn| days_in(conn, location, from, to))
    }
}

/// `report temperatures` in the caller's snapshot.
fn days_in(
    conn: Conn<'_>,
    location: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<DayRow>> {
    let zone = crate::settings::lab_zone(conn)?;
    let only = location.map(|l| monitored(conn, l)).transpose()?;
    let locations: Vec<(LocationId, String)> =
        conn.query_all(&sql::MONITORED, args![only.map(|l| l.id)], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let (lo, hi) = (
        stamp(start_of_day(from, zone)),
        crate::clock::end_of_day(to, zone),
    );
    let mut out = Vec::new();
    for (id, code) in locations {
        let rows = read_rows(conn, id, &lo, Some(&hi))?;
        let mut days: Vec<DayRow> = Vec::new();
        let mut date = from;
        while date <= to {
            days.push(DayRow {
                location: code.clone(),
                date: date.to_string(),
                readings: 0,
                min: None,
                max: None,
                out_of_range: 0,
                missing: true,
            });
            match date.succ_opt() {
                Some(d) => date = d,
                None => break,
            }
        }
        let mut lows: Vec<Option<i64>> = vec![None; days.len()];
        let mut highs: Vec<Option<i64>> = vec![None; days.len()];
        for (_, at, j, _) in rows.iter().filter(|r| r.1 < hi) {
            let Ok(t) = parse_stamp(at) else { continue };
            let day = lab_date(t, zone);
            let Ok(i) = usize::try_from((day - from).num_days()) else {
                continue;
            };
            let Some(row) = days.get_mut(i) else { continue };
            row.readings += 1;
            row.missing = false;
            if j.out_of_range() {
                row.out_of_range += 1;
            }
            for v in [Some(j.value), j.min, j.max].into_iter().flatten() {
                lows[i] = Some(lows[i].map_or(v, |l| l.min(v)));
                highs[i] = Some(highs[i].map_or(v, |h| h.max(v)));
            }
        }
        for (i, row) in days.iter_mut().enumerate() {
            row.min = lows[i].map(show);
            row.max = highs[i].map(show);
        }
        out.extend(days);
    }
    Ok(out)
}

/// `report excursions` in the caller's snapshot.
fn excursions_in(
    conn: Conn<'_>,
    location: Option<&str>,
    only_open: bool,
) -> Result<Vec<ExcursionRow>> {
    let loc = location.map(|l| find_location(conn, l)).transpose()?;
    let listed: Vec<Stored> = stored_excursions(conn, loc.map(|l| l.id))?
        .into_iter()
        .filter(|e| !only_open || e.status() == "open")
        .collect();
    // A decided excursion lists the lots its decision recorded; an
    // ended one the lots kept for it (`excursion_lots`); the running
    // ones, and any whose kept row a backdated movement dropped, from
    // the ledger, one sweep per location.
    let mut live: HashMap<i64, String> = HashMap::new();
    let mut by_location: HashMap<LocationId, Vec<&Stored>> = HashMap::new();
    for e in listed.iter().filter(|e| e.decided_lots.is_none()) {
        if let Some(to) = &e.to_at
            && let Some(lots) =
                conn.query_opt(&sql::KEPT, args![e.id, e.from_at, to], |r| r.get(0))?
        {
            live.insert(e.id, lots);
            continue;
        }
        by_location.entry(e.location_id).or_default().push(e);
    }
    for (location_id, mut es) in by_location {
        es.sort_by(|a, b| a.from_at.cmp(&b.from_at));
        let periods: Vec<(String, Option<String>)> = es
            .iter()
            .map(|e| (e.from_at.clone(), e.to_at.clone()))
            .collect();
        for (e, held) in es.iter().zip(held_during(conn, location_id, &periods)?) {
            live.insert(e.id, lots_text(&held));
        }
    }
    let mut out = Vec::with_capacity(listed.len());
    for e in &listed {
        let lots = match &e.decided_lots {
            Some(lots) => lots.clone(),
            None => live.remove(&e.id).unwrap_or_default(),
        };
        let (decided_by, reason) = match &e.decision {
            Some((_, by, reason, _)) => (Some(by.clone()), Some(reason.clone())),
            None => (None, None),
        };
        out.push(ExcursionRow {
            id: e.id,
            location: e.location.clone(),
            from: e.from_at.clone(),
            to: e.to_at.clone(),
            readings: e.readings,
            peak: show(e.peak),
            minutes: e.minutes(),
            lots,
            status: e.status().to_owned(),
            decided_by,
            reason,
        });
    }
    Ok(out)
}

/// `temp decide` in the caller's transaction (the reason given, trimmed).
fn decide_in(
    conn: Conn<'_>,
    id: i64,
    quarantine: bool,
    reason: &str,
    now: &str,
    user: &str,
) -> Result<Decided> {
    // Deciders take turns with the writers of readings, whose refresh
    // refuses to move a decided excursion (PostgreSQL: the chains' locks,
    // readings first, as a reading takes them; SQLite's one writer already
    // does): the excursion read here stays as it is until commit, and a
    // second decision finds this one.
    conn.lock_chain(&chain::TEMPERATURE_READINGS)?;
    conn.lock_chain(&chain::EXCURSION_DECISIONS)?;
    let e = conn
        .query_opt(&sql::STORED_BY_ID, args![id], stored_from)?
        .ok_or_else(|| Error::NotFound {
            entity: "excursion",
            key: id.to_string(),
            within: None,
            suggestions: Vec::new(),
        })?;
    if let Some((decision, by, _, at)) = &e.decision {
        return Err(Error::Refused(Refusal::ExcursionAlreadyDecided {
            id,
            decision: decision.clone(),
            by: by.clone(),
            at: at.clone(),
        }));
    }
    if e.status() == "transient" {
        return Err(Error::Refused(Refusal::ExcursionTransient {
            id,
            minutes: e.minutes(),
            tolerance: e.tolerance,
        }));
    }
    if !quarantine && e.to_at.is_none() {
        return Err(Error::Refused(Refusal::ExcursionRunning {
            id,
            location: e.location.clone(),
        }));
    }
    let held = held_during(conn, e.location_id, &[(e.from_at.clone(), e.to_at.clone())])?
        .pop()
        .unwrap_or_default();
    let lots = lots_text(&held);
    let mut quarantined = Vec::new();
    if quarantine {
        let why = format!("excursion {id} at {}: {reason}", e.location);
        for h in &held {
            if crate::lots::quarantine_available(conn, h.lot_id, &why, now, user)? {
                quarantined.push(if h.lot.is_empty() {
                    h.item.clone()
                } else {
                    format!("{}:{}", h.item, h.lot)
                });
            }
        }
    }
    let decision = if quarantine {
        "quarantined"
    } else {
        "released"
    };
    chain::append_cells(
        conn,
        &chain::EXCURSION_DECISIONS,
        args![id, decision, reason, lots, now, user],
    )?;
    Ok(Decided {
        id,
        decision: decision.to_owned(),
        lots,
        quarantined,
    })
}

/// Parse `--from`/`--to` of the temperature commands.
pub fn parse_day(what: &str, text: &str) -> Result<NaiveDate> {
    parse_date(what, text)
}

/// An excursion row as `check` compares it: id, first, from, to, last,
/// readings, peak, tolerance.
type RunRow = (i64, String, String, Option<String>, String, i64, i64, i64);

/// Every location whose stored excursions differ from its readings' runs
/// (`check`): the maintained table is proven like the balances.
pub(crate) fn excursions_disagreeing<'c>(conn: impl Into<Conn<'c>>) -> Result<Vec<String>> {
    let conn = conn.into();
    let mut problems = Vec::new();
    let locations: Vec<(LocationId, String)> =
        conn.query_all(&sql::CHECKED_LOCATIONS, args![], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    for (id, code) in locations {
        let rows = read_rows(conn, id, "", None)?;
        let expected: Vec<Run> = runs(&rows, None);
        let have: Vec<RunRow> = conn.query_all(&sql::STORED_RUNS, args![id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
            ))
        })?;
        let expected: Vec<_> = expected
            .into_iter()
            .map(|r| {
                (
                    r.id,
                    r.first_at,
                    r.from_at,
                    r.to_at,
                    r.last_at,
                    r.readings,
                    r.peak,
                    r.tolerance,
                )
            })
            .collect();
        if have != expected {
            problems.push(format!(
                "location {code}: its excursions ({} stored) disagree with its readings ({} runs); \
                 the readings are the evidence",
                have.len(),
                expected.len()
            ));
        }
    }
    Ok(problems)
}

/// A kept `excursion_lots` row as `check` reads it: excursion id, from,
/// to, lots.
type KeptRow = (i64, String, String, String);

/// Every kept `excursion_lots` row that is not what the ledger held
/// (`check`): the kept lots are proven like the balances. Per location,
/// the first disagreeing excursion is named with its first differing lot
/// (kept and ledger), and the others counted.
pub(crate) fn excursion_lots_disagreeing<'c>(conn: impl Into<Conn<'c>>) -> Result<Vec<String>> {
    let conn = conn.into();
    let mut problems = Vec::new();
    // A kept row for a window its excursion no longer has is never read
    // by the report, but it is not what labstock writes.
    conn.for_each(&sql::STALE_KEPT, args![], |r| {
        let (id, code, kept_from, kept_to, from, to): (
            i64,
            String,
            String,
            String,
            String,
            Option<String>,
        ) = (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?);
        problems.push(format!(
            "excursion {id} at {code}: its lots are kept for {kept_from} … {kept_to}, but the excursion runs {from} … {}; \
             the readings are the evidence: run `labstock report excursions --location {code}`",
            to.as_deref().unwrap_or("(still running)")
        ));
        Ok(())
    })?;
    let locations: Vec<(LocationId, String)> =
        conn.query_all(&sql::KEPT_LOCATIONS, args![], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    for (loc, code) in locations {
        let kept: Vec<KeptRow> = conn.query_all(&sql::KEPT_ROWS, args![loc], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?;
        let periods: Vec<(String, Option<String>)> = kept
            .iter()
            .map(|(_, from, to, _)| (from.clone(), Some(to.clone())))
            .collect();
        let ledger = held_during(conn, loc, &periods)?;
        let wrong: Vec<(&KeptRow, String)> = kept
            .iter()
            .zip(ledger.iter().map(|h| lots_text(h)))
            .filter(|(k, l)| k.3 != *l)
            .collect();
        let Some(((id, from, to, lots), held)) = wrong.first() else {
            continue;
        };
        let (key, kept_entry, ledger_entry) = first_difference(lots, held);
        let history = match key.split_once(':') {
            Some((item, lot)) => format!("labstock history {item} --lot {lot}"),
            None => format!("labstock history {key}"),
        };
        let others = match wrong.len() - 1 {
            0 => String::new(),
            1 => format!("; 1 more excursion at {code} disagrees"),
            n => format!("; {n} more excursions at {code} disagree"),
        };
        problems.push(format!(
            "excursion {id} at {code} ({from} … {to}): the lots kept for it disagree with the ledger: \
             kept {}, the ledger held {}{others}; the ledger is the evidence: run `{history}`",
            kept_entry.unwrap_or_else(|| format!("nothing of {key}")),
            ledger_entry.unwrap_or_else(|| format!("nothing of {key}")),
        ));
    }
    Ok(problems)
}

/// The first lot (`ITEM:LOT` or `ITEM`) on which two `lots` texts differ,
/// with its entry in each (`None`: not listed there).
fn first_difference(kept: &str, ledger: &str) -> (String, Option<String>, Option<String>) {
    let entries = |text: &str| -> std::collections::BTreeMap<String, String> {
        text.split(';')
            .filter(|e| !e.is_empty())
            .map(|e| {
                let key = e.rsplit_once('=').map_or(e, |(k, _)| k);
                (key.to_owned(), e.to_owned())
            })
            .collect()
    };
    let (kept, ledger) = (entries(kept), entries(ledger));
    let mut keys: Vec<&String> = kept.keys().chain(ledger.keys()).collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        let (a, b) = (kept.get(key), ledger.get(key));
        if a != b {
            return (key.clone(), a.cloned(), b.cloned());
        }
    }
    // The same entries in another order or spelling: name the first.
    let first = kept.iter().next().or_else(|| ledger.iter().next());
    (
        first.map(|(k, _)| k.clone()).unwrap_or_default(),
        kept.values().next().cloned(),
        ledger.values().next().cloned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn celsius_parses_to_hundredths_and_shows_back() {
        assert_eq!(parse_celsius("t", "4").unwrap(), 400);
        assert_eq!(parse_celsius("t", "-18.25").unwrap(), -1825);
        assert_eq!(parse_celsius("t", "+2.5").unwrap(), 250);
        assert_eq!(parse_celsius("t", "200").unwrap(), 20000);
        assert!(parse_celsius("t", "200.01").is_err());
        assert!(parse_celsius("t", "4.567").is_err());
        assert!(parse_celsius("t", "warm").is_err());
        assert_eq!(show(400), "4");
        assert_eq!(show(-1825), "-18.25");
        assert_eq!(show(250), "2.5");
        assert_eq!(show(-5), "-0.05");
    }

    #[test]
    fn range_needs_min_below_max() {
        assert_eq!(parse_range("2..8").unwrap(), (200, 800));
        assert_eq!(parse_range("-25..-15").unwrap(), (-2500, -1500));
        assert!(parse_range("8..2").is_err());
        assert!(parse_range("4..4").is_err());
        assert!(parse_range("2-8").is_err());
    }

    fn j(value: i64) -> Judged {
        Judged {
            value,
            min: None,
            max: None,
            range_min: 200,
            range_max: 800,
        }
    }

    #[test]
    fn a_run_starts_at_its_first_out_of_range_reading_and_ends_at_the_next_in_range_one() {
        let rows = vec![
            (1, "t1".to_owned(), j(500), 0),
            (2, "t2".to_owned(), j(900), 0),
            (3, "t3".to_owned(), j(1200), 0),
            (4, "t4".to_owned(), j(600), 0),
            (5, "t5".to_owned(), j(100), 0),
        ];
        let r = runs(&rows, None);
        assert_eq!(r.len(), 2);
        assert_eq!(
            (r[0].id, r[0].from_at.as_str(), r[0].to_at.as_deref()),
            (2, "t2", Some("t4"))
        );
        assert_eq!((r[0].readings, r[0].peak), (2, 1200));
        assert_eq!((r[1].id, r[1].to_at.as_deref(), r[1].peak), (5, None, 100));
    }

    #[test]
    fn a_run_out_only_by_its_max_begins_at_the_reading_before() {
        let mut by_max = j(500);
        by_max.max = Some(1100);
        let rows = vec![
            (1, "t1".to_owned(), j(500), 0),
            (2, "t2".to_owned(), by_max, 0),
            (3, "t3".to_owned(), j(500), 0),
        ];
        let r = runs(&rows, None);
        assert_eq!((r[0].id, r[0].from_at.as_str(), r[0].peak), (2, "t1", 1100));
    }
}
