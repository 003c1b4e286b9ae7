//! The application services: one function per action or query a face
//! offers, the only API that `cli` (and later `web`) calls.
//!
//! Each function takes the [`Store`](crate::store::Store), a typed request (or
//! query) and, for a write, the [`Actor`] (who acts, and when), and returns
//! a typed outcome or report rows. Each opens its own transaction through
//! the store; none prints, reads the wall clock or knows clap, HTTP or
//! the database driver. Warnings come back as data in the outcome, errors as
//! [`Error`](crate::Error) values the face maps (`exit_code`, `http_status`).
//!
//! Data flow: a face parses (clap or HTTP) into validated domain values →
//! one `app::` function → one transaction through the store → domain values
//! or report rows → the face renders them.

pub mod accounts;
pub mod audit;
pub mod catalogue;
pub mod dashboard;
pub mod engine;
pub mod equipment;
pub mod hazards;
pub mod imports;
pub mod label;
pub mod listing;
pub mod lots;
pub mod movements;
pub mod orders;
pub mod prepare;
pub mod reports;
pub mod roles;
pub mod scan;
pub mod settings;
pub mod stock;
pub mod stocktake;
pub mod temperature;
pub mod waste;

use chrono::NaiveDate;

use crate::model::Timestamp;

/// Who performs an action, and when: every write names both. The face
/// reads the clock (pinned by `LABSTOCK_NOW`) and the lab's time zone and
/// passes them down; nothing below a face reads the wall clock.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    /// The user recorded on the rows written.
    pub user: &'a str,
    /// The instant stamped on new records.
    pub now: Timestamp,
    /// Today in the lab's time zone.
    pub today: NaiveDate,
    /// The lab's time zone as this command or request read it: the dates
    /// of its movements are judged in it (SPEC §10 "Time"), as `today` is.
    pub zone: crate::clock::Zone,
}

impl<'a> Actor<'a> {
    /// `user`, acting at the clock's instant, in the clock's zone.
    pub fn new(user: &'a str, clock: &crate::clock::Clock) -> Self {
        Actor {
            user,
            now: clock.timestamp(),
            today: clock.today(),
            zone: clock.zone(),
        }
    }

    /// `now` as stored (RFC 3339, UTC).
    pub fn stamp(&self) -> String {
        self.now.stamp()
    }
}
