//! The only place that reads the wall clock. `LABSTOCK_NOW` (RFC 3339)
//! pins it so tests and reproducible runs see one fixed "now"; library code
//! below the CLI takes `now` / `as_of` as arguments instead of asking.

use chrono::{DateTime, NaiveDate, Utc};

use crate::error::{Error, Result};

/// The moment a command runs, in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    now: DateTime<Utc>,
}

impl Clock {
    /// The clock as the environment sets it: `LABSTOCK_NOW` when present,
    /// else the system time.
    pub fn from_env() -> Result<Self> {
        match std::env::var("LABSTOCK_NOW") {
            Ok(text) if !text.trim().is_empty() => Self::pinned(&text),
            _ => Ok(Clock { now: Utc::now() }),
        }
    }

    /// A clock pinned to an RFC 3339 timestamp.
    pub fn pinned(text: &str) -> Result<Self> {
        DateTime::parse_from_rfc3339(text.trim())
            .map(|t| Clock {
                now: t.with_timezone(&Utc),
            })
            .map_err(|_| {
                Error::invalid(
                    "LABSTOCK_NOW",
                    text,
                    "expected an RFC 3339 timestamp such as 2026-11-21T09:00:00Z",
                )
            })
    }

    /// A clock fixed at `now`.
    pub fn at(now: DateTime<Utc>) -> Self {
        Clock { now }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// Today's date in UTC (SPEC §10: date-only values are judged in UTC).
    pub fn today(&self) -> NaiveDate {
        self.now.date_naive()
    }
}
