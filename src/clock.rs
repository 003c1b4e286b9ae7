//! The only place that reads the wall clock, and the lab's time zone
//! (SPEC §10 "Time"). `LABSTOCK_NOW` (RFC 3339) pins the clock so tests and
//! reproducible runs see one fixed "now"; library code below the CLI takes
//! `now` / `as_of` as arguments instead of asking.
//!
//! Timestamps are stored in UTC. Dates ("today", the date of a movement,
//! "the end of DATE") are judged in the lab's one time zone, stored in the
//! database (`init --timezone`, `config set timezone`): a night shift at
//! 00:30 BST is on the new day.

use chrono::{DateTime, Days, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

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
    zone: Tz,
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
        Clock { now, zone: Tz::UTC }
    }

    /// The same moment, with dates judged in `zone`.
    #[must_use]
    pub fn in_zone(self, zone: Tz) -> Self {
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
    pub fn zone(&self) -> Tz {
        self.zone
    }

    /// Today's date in the lab's time zone.
    pub fn today(&self) -> NaiveDate {
        lab_date(self.now.get(), self.zone)
    }
}

/// The date of a moment in the lab's zone.
pub fn lab_date(at: DateTime<Utc>, zone: Tz) -> NaiveDate {
    at.with_timezone(&zone).date_naive()
}

/// The moment a local date begins in `zone` (its first instant: a zone
/// whose clocks skip midnight begins the day at the end of the gap).
pub fn start_of_day(date: NaiveDate, zone: Tz) -> DateTime<Utc> {
    let midnight = date.and_time(NaiveTime::MIN);
    match zone.from_local_datetime(&midnight) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
        LocalResult::None => (1..=24)
            .find_map(|h| {
                zone.from_local_datetime(&(midnight + chrono::Duration::hours(h)))
                    .earliest()
            })
            .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc)),
    }
}

/// "The end of DATE" (24:00 in the lab's zone) as a stored timestamp:
/// everything stamped before it happened on or before DATE. The bounds of
/// `--as-of` keep the next day representable; beyond them the end is the
/// last moment a stored timestamp can name.
pub fn end_of_day(date: NaiveDate, zone: Tz) -> String {
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
pub fn noon_of(date: NaiveDate, zone: Tz, now: DateTime<Utc>) -> DateTime<Utc> {
    let noon = date.and_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap_or(NaiveTime::MIN));
    let at = zone
        .from_local_datetime(&noon)
        .earliest()
        .map_or_else(|| noon.and_utc(), |t| t.with_timezone(&Utc));
    if at > now && lab_date(now, zone) == date {
        now
    } else {
        at
    }
}

/// Parse an IANA zone name (`Europe/London`, `UTC`).
pub fn parse_zone(text: &str) -> Result<Tz> {
    let t = text.trim();
    t.parse::<Tz>().map_err(|_| {
        Error::invalid(
            "time zone",
            text,
            "expected an IANA time zone name such as Europe/London or UTC",
        )
    })
}

/// The system's zone: `TZ`, else `/etc/timezone`, else the target of
/// `/etc/localtime`; UTC when none names a known zone.
pub fn system_zone() -> Tz {
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
        .find_map(|z| z.parse::<Tz>().ok())
        .unwrap_or(Tz::UTC)
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
        let london: Tz = "Europe/London".parse().unwrap();
        let at = DateTime::parse_from_rfc3339("2026-07-01T23:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(lab_date(at, london), d(2026, 7, 2));
        assert_eq!(lab_date(at, Tz::UTC), d(2026, 7, 1));
    }

    #[test]
    fn end_of_day_is_local_midnight() {
        let london: Tz = "Europe/London".parse().unwrap();
        assert_eq!(end_of_day(d(2026, 7, 1), london), "2026-07-01T23:00:00Z");
        assert_eq!(end_of_day(d(2026, 12, 1), london), "2026-12-02T00:00:00Z");
        assert_eq!(end_of_day(LAST_AS_OF, Tz::UTC), "9999-12-31T00:00:00Z");
        assert_eq!(end_of_day(d(9999, 12, 31), Tz::UTC), "9999-12-31T23:59:59Z");
    }

    #[test]
    fn noon_of_today_before_noon_is_now() {
        let now = DateTime::parse_from_rfc3339("2026-11-21T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(noon_of(d(2026, 11, 21), Tz::UTC, now), now);
        assert_eq!(
            stamp(noon_of(d(2026, 11, 20), Tz::UTC, now)),
            "2026-11-20T12:00:00Z"
        );
        assert_eq!(
            stamp(noon_of(d(2026, 11, 22), Tz::UTC, now)),
            "2026-11-22T12:00:00Z"
        );
    }

    #[test]
    fn zones_parse_by_iana_name() {
        assert!(parse_zone("Europe/London").is_ok());
        assert!(parse_zone("Mars/Olympus").is_err());
    }
}
