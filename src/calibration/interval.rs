//! Calibration intervals (SPEC §4, §10): `N` + unit, parsed from what a
//! user types (`90d`, `6 w`, `6 Months`, `1y`) and written back in one
//! canonical form (`6m`), with the calendar arithmetic that turns a
//! calibration date into a due date. Months and years are calendar months,
//! clamped to the last day of a shorter month: 31 Jan + 1m = 28 Feb (29 in
//! a leap year), 29 Feb + 1y = 28 Feb. Pure: no SQL, no clock.

use std::fmt;
use std::str::FromStr;

use chrono::{Days, Months, NaiveDate};

use crate::error::{Error, Result};

/// The unit of an interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntervalUnit {
    Days,
    Weeks,
    Months,
    Years,
}

impl IntervalUnit {
    /// The one-letter form used in the canonical spelling.
    pub fn letter(self) -> char {
        match self {
            IntervalUnit::Days => 'd',
            IntervalUnit::Weeks => 'w',
            IntervalUnit::Months => 'm',
            IntervalUnit::Years => 'y',
        }
    }

    fn from_word(word: &str) -> Option<IntervalUnit> {
        match word {
            "d" | "day" | "days" => Some(IntervalUnit::Days),
            "w" | "wk" | "wks" | "week" | "weeks" => Some(IntervalUnit::Weeks),
            "m" | "mo" | "month" | "months" => Some(IntervalUnit::Months),
            "y" | "yr" | "yrs" | "year" | "years" => Some(IntervalUnit::Years),
            _ => None,
        }
    }
}

/// The largest count accepted: a hundred years of days is more than any
/// instrument's calibration interval, and keeps every date sum in range.
const MAX_COUNT: u32 = 36_600;

/// A calibration interval: a count of at least 1 and a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Interval {
    count: u32,
    unit: IntervalUnit,
}

impl Interval {
    /// An interval of `count` units; `None` when `count` is 0 or absurdly large.
    pub fn new(count: u32, unit: IntervalUnit) -> Option<Interval> {
        (1..=MAX_COUNT)
            .contains(&count)
            .then_some(Interval { count, unit })
    }

    pub fn count(self) -> u32 {
        self.count
    }

    pub fn unit(self) -> IntervalUnit {
        self.unit
    }

    /// Parse what a user typed: an integer ≥ 1 and a unit `d`, `w`, `m`,
    /// `y` or its word (`days`, `weeks`, `months`, `years`, singular too),
    /// case-insensitive; spaces around and between the two are ignored.
    pub fn parse(text: &str) -> Result<Interval> {
        let bad = |why: &str| Error::invalid("calibration interval", text, why);
        const EXPECTED: &str = "expected a whole number and a unit: d (days), w (weeks), m (months) or y (years), e.g. 90d, 6w, 6m, 1y";
        let t = text.trim().to_lowercase();
        let digits_end = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        let (number, rest) = t.split_at(digits_end);
        let unit_word = rest.trim();
        if number.is_empty() || unit_word.is_empty() {
            return Err(bad(EXPECTED));
        }
        let Some(unit) = IntervalUnit::from_word(unit_word) else {
            return Err(bad(EXPECTED));
        };
        let count: u32 = number
            .parse()
            .map_err(|_| bad("the number is too large for a calibration interval"))?;
        if count == 0 {
            return Err(bad(
                "the interval must be at least 1 (leave it empty when the asset needs no calibration)",
            ));
        }
        Interval::new(count, unit)
            .ok_or_else(|| bad("the number is too large for a calibration interval"))
    }

    /// `date` plus this interval, months and years clamped to month end.
    /// `None` only when the result would leave the calendar chrono knows.
    pub fn after(self, date: NaiveDate) -> Option<NaiveDate> {
        match self.unit {
            IntervalUnit::Days => date.checked_add_days(Days::new(u64::from(self.count))),
            IntervalUnit::Weeks => date.checked_add_days(Days::new(7 * u64::from(self.count))),
            IntervalUnit::Months => add_months(date, self.count),
            IntervalUnit::Years => add_months(date, self.count.checked_mul(12)?),
        }
    }
}

/// Calendar-month addition clamped to the last day of the target month.
/// Written out rather than left to a library so the rule is visible here:
/// the day of the month is kept when the target month has it, else the
/// target month's last day is used.
pub fn add_months(date: NaiveDate, months: u32) -> Option<NaiveDate> {
    use chrono::Datelike;
    let first = date.with_day(1)?;
    let target_first = first.checked_add_months(Months::new(months))?;
    let last_day = last_day_of_month(target_first)?;
    let day = date.day().min(last_day);
    target_first.with_day(day)
}

fn last_day_of_month(first_of_month: NaiveDate) -> Option<u32> {
    use chrono::Datelike;
    let next = first_of_month.checked_add_months(Months::new(1))?;
    next.pred_opt().map(|d| d.day())
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.count, self.unit.letter())
    }
}

impl FromStr for Interval {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Interval::parse(s)
    }
}

impl serde::Serialize for Interval {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn after(interval: &str, date: &str) -> String {
        Interval::parse(interval)
            .unwrap()
            .after(d(date))
            .unwrap()
            .to_string()
    }

    #[test]
    fn short_and_long_forms_parse_to_one_canonical_spelling() {
        for (text, canonical) in [
            ("90d", "90d"),
            ("6w", "6w"),
            ("6m", "6m"),
            ("1y", "1y"),
            ("90 days", "90d"),
            ("1 day", "1d"),
            ("6 weeks", "6w"),
            ("6 Months", "6m"),
            ("1 YEAR", "1y"),
            ("2 years", "2y"),
            ("  12W  ", "12w"),
            ("6 m", "6m"),
            ("3month", "3m"),
        ] {
            assert_eq!(
                Interval::parse(text).unwrap().to_string(),
                canonical,
                "{text:?}"
            );
        }
    }

    #[test]
    fn nonsense_zero_and_negative_intervals_are_refused() {
        for text in [
            "",
            " ",
            "6",
            "m",
            "6 moons",
            "0d",
            "0 months",
            "-1y",
            "1.5y",
            "6mm",
            "d6",
            "1 y 2",
            "99999999999999999999d",
            "40000y",
        ] {
            let err = Interval::parse(text).unwrap_err();
            assert_eq!(err.exit_code(), 65, "{text:?}");
            assert!(err.to_string().contains("calibration interval"), "{err}");
        }
        assert!(
            Interval::parse("6 moons")
                .unwrap_err()
                .to_string()
                .contains("\"6 moons\"")
        );
    }

    #[test]
    fn days_and_weeks_are_plain_day_counts() {
        assert_eq!(after("90d", "2026-08-10"), "2026-11-08");
        assert_eq!(after("12w", "2026-09-01"), "2026-11-24");
        assert_eq!(after("1d", "2024-02-28"), "2024-02-29");
        assert_eq!(after("1d", "2026-12-31"), "2027-01-01");
    }

    #[test]
    fn months_clamp_to_the_end_of_a_shorter_month() {
        assert_eq!(after("1m", "2026-01-31"), "2026-02-28");
        assert_eq!(after("1m", "2024-01-31"), "2024-02-29", "leap year");
        assert_eq!(after("1m", "2026-03-31"), "2026-04-30");
        assert_eq!(after("6m", "2026-05-31"), "2026-11-30");
        assert_eq!(after("6m", "2025-08-31"), "2026-02-28");
        assert_eq!(
            after("1m", "2026-02-28"),
            "2026-03-28",
            "no drift to month end"
        );
        assert_eq!(after("1m", "2026-01-15"), "2026-02-15");
        assert_eq!(after("13m", "2026-01-31"), "2027-02-28");
        assert_eq!(after("1m", "2026-12-31"), "2027-01-31", "year rolls over");
        assert_eq!(after("25m", "2023-01-31"), "2025-02-28");
        assert_eq!(
            after("1m", "2100-01-31"),
            "2100-02-28",
            "2100 is not a leap year"
        );
        assert_eq!(after("1m", "2000-01-31"), "2000-02-29", "2000 is");
    }

    #[test]
    fn years_are_twelve_months_and_clamp_the_leap_day() {
        assert_eq!(after("1y", "2024-02-29"), "2025-02-28");
        assert_eq!(after("4y", "2024-02-29"), "2028-02-29");
        assert_eq!(after("1y", "2025-11-21"), "2026-11-21");
        assert_eq!(after("1y", "2023-02-28"), "2024-02-28");
        assert_eq!(after("2y", "2026-12-31"), "2028-12-31");
    }

    #[test]
    fn the_interval_serialises_in_canonical_form() {
        let i = Interval::parse("6 MONTHS").unwrap();
        assert_eq!(serde_json::to_string(&i).unwrap(), "\"6m\"");
        assert_eq!(i.count(), 6);
        assert_eq!(i.unit(), IntervalUnit::Months);
        assert!(Interval::new(0, IntervalUnit::Days).is_none());
    }

    fn unit() -> impl Strategy<Value = IntervalUnit> {
        prop_oneof![
            Just(IntervalUnit::Days),
            Just(IntervalUnit::Weeks),
            Just(IntervalUnit::Months),
            Just(IntervalUnit::Years),
        ]
    }

    fn word(unit: IntervalUnit) -> &'static str {
        match unit {
            IntervalUnit::Days => "days",
            IntervalUnit::Weeks => "weeks",
            IntervalUnit::Months => "months",
            IntervalUnit::Years => "years",
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

        #[test]
        fn parse_never_panics_and_refusals_name_the_value(
            text in prop_oneof![".*", "[ ]?[0-9]{0,12}[ ]?[a-zA-Zµ]{0,7}[ ]?"],
        ) {
            if let Err(e) = Interval::parse(&text) {
                prop_assert_eq!(e.exit_code(), 65);
                prop_assert!(e.to_string().contains(&format!("{text:?}")), "{}", e);
            }
        }

        #[test]
        fn print_then_parse_is_the_same_interval(count in 1u32..=MAX_COUNT, unit in unit()) {
            let interval = Interval::new(count, unit).unwrap();
            let printed = interval.to_string();
            prop_assert_eq!(Interval::parse(&printed).unwrap(), interval);
            // The long, spaced and upper-case spellings mean the same.
            let long = format!("  {count} {}  ", word(unit).to_uppercase());
            prop_assert_eq!(Interval::parse(&long).unwrap(), interval);
            prop_assert_eq!(Interval::parse(&long).unwrap().to_string(), printed);
        }

        #[test]
        fn counts_out_of_range_are_refused(count in prop_oneof![Just(0u64), u64::from(MAX_COUNT) + 1..u64::MAX], unit in unit()) {
            let text = format!("{count}{}", unit.letter());
            prop_assert!(Interval::parse(&text).is_err(), "{}", text);
        }

        #[test]
        fn the_due_date_is_always_computed_or_none_never_a_panic(
            count in 1u32..=MAX_COUNT,
            unit in unit(),
            days in -200_000i64..3_000_000,
        ) {
            let date = NaiveDate::from_num_days_from_ce_opt(days as i32).unwrap_or(NaiveDate::MIN);
            let interval = Interval::new(count, unit).unwrap();
            if let Some(due) = interval.after(date) {
                prop_assert!(due > date);
            }
        }
    }
}
