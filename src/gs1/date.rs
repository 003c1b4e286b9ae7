//! Dates and times inside GS1 element strings.
//!
//! This module owns the GS1 century rule (General Specifications §7.12) and
//! the parsing of `YYMMDD`, `YYMMD0` (day `00` = last day of the month) and
//! `YYYYMMDD` fields, plus the `HH`/`MI`/`SS` checks. "Today" is always an
//! argument: the library never reads the wall clock, so a decode is
//! reproducible and tests pin the date.

use chrono::{Datelike, NaiveDate};

use super::error::{DateProblem, TimeProblem};

/// The four-digit year a two-digit `YY` stands for, by the GS1 century rule
/// (General Specifications §7.12): the year in the window from 49 years
/// before to 50 years after `today`'s year.
///
/// Why a sliding window rather than "20YY": a label printed today with a
/// best-before of `(15)990101` means 2099 in 2060 but 1999 in 2030; the rule
/// keeps old production dates in the past and long expiries in the future.
pub fn resolve_year(yy: u32, today: NaiveDate) -> i32 {
    let current = today.year();
    let current_yy = current.rem_euclid(100);
    let yy = i32::try_from(yy % 100).unwrap_or(0);
    let same_century = current - current_yy + yy;
    match yy - current_yy {
        51.. => same_century - 100,
        ..=-50 => same_century + 100,
        _ => same_century,
    }
}

/// The number of days in `month` of `year`, or `None` for an impossible
/// month or an unrepresentable year.
pub(crate) fn days_in_month(year: i32, month: u32) -> Option<u32> {
    (28..=31)
        .rev()
        .find(|&d| NaiveDate::from_ymd_opt(year, month, d).is_some())
}

/// Two ASCII digits at `at` as a number; `None` if absent or not digits.
fn two_digits(digits: &str, at: usize) -> Option<u32> {
    let pair = digits.get(at..at + 2)?;
    if !pair.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    pair.parse().ok()
}

/// A date from a year, month and day, where day 0 (when allowed) means the
/// last day of the month.
fn make_date(
    year: i32,
    month: u32,
    day: u32,
    day_zero_allowed: bool,
) -> Result<NaiveDate, DateProblem> {
    if !(1..=12).contains(&month) {
        return Err(DateProblem::Month(month));
    }
    let days = days_in_month(year, month).ok_or(DateProblem::Year(year))?;
    let day = match day {
        0 if day_zero_allowed => days,
        0 => return Err(DateProblem::DayZero),
        d if d > days => {
            return Err(DateProblem::Day {
                year,
                month,
                day: d,
                days_in_month: days,
            });
        }
        d => d,
    };
    NaiveDate::from_ymd_opt(year, month, day).ok_or(DateProblem::Year(year))
}

/// Parse six digits `YYMMDD` with the century rule relative to `today`.
///
/// With `day_zero_allowed` (the dictionary's `yymmd0`), `DD` = `00` means the
/// last day of the month; otherwise (`yymmdd`) it is an error.
pub(crate) fn parse_yymmdd(
    digits: &str,
    today: NaiveDate,
    day_zero_allowed: bool,
) -> Result<NaiveDate, DateProblem> {
    let (Some(yy), Some(month), Some(day), 6) = (
        two_digits(digits, 0),
        two_digits(digits, 2),
        two_digits(digits, 4),
        digits.len(),
    ) else {
        // The caller has already checked for six digits; this is only a
        // guard so that a misuse is an error and not a panic.
        return Err(DateProblem::Month(0));
    };
    make_date(resolve_year(yy, today), month, day, day_zero_allowed)
}

/// Parse eight digits `YYYYMMDD` (AIs 7250 and 7251); day `00` is invalid.
pub(crate) fn parse_yyyymmdd(digits: &str) -> Result<NaiveDate, DateProblem> {
    let (Some(cc), Some(yy), Some(month), Some(day), 8) = (
        two_digits(digits, 0),
        two_digits(digits, 2),
        two_digits(digits, 4),
        two_digits(digits, 6),
        digits.len(),
    ) else {
        return Err(DateProblem::Month(0));
    };
    let year = i32::try_from(cc * 100 + yy).unwrap_or(0);
    make_date(year, month, day, false)
}

/// Check `HH` (00–23) at the start of `digits`.
pub(crate) fn check_hour(digits: &str) -> Result<(), TimeProblem> {
    match two_digits(digits, 0) {
        Some(h) if h <= 23 => Ok(()),
        h => Err(TimeProblem::Hour(h.unwrap_or(99))),
    }
}

/// Check `MI` or `SS` (00–59) at the start of `digits`.
fn check_sixty(digits: &str) -> Option<u32> {
    match two_digits(digits, 0) {
        Some(v) if v <= 59 => None,
        v => Some(v.unwrap_or(99)),
    }
}

/// Check a minute `MI` (00–59).
pub(crate) fn check_minute(digits: &str) -> Result<(), TimeProblem> {
    check_sixty(digits).map_or(Ok(()), |m| Err(TimeProblem::Minute(m)))
}

/// Check a second `SS` (00–59).
pub(crate) fn check_second(digits: &str) -> Result<(), TimeProblem> {
    check_sixty(digits).map_or(Ok(()), |s| Err(TimeProblem::Second(s)))
}

/// Check `HHMI`.
pub(crate) fn check_hhmi(digits: &str) -> Result<(), TimeProblem> {
    check_hour(digits)?;
    check_minute(digits.get(2..).unwrap_or(""))
}
