//! The lab's settings (SPEC §10 "Time", §16 `config`): dated records in an
//! append-only, hash-chained table. The value in force is the latest
//! record of its key; changing one appends, so `audit` shows who changed
//! what and when, and nothing is ever overwritten.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::chain;
use crate::clock::{Zone, parse_zone};
use crate::error::{Error, Result};
use crate::model::stamp;
use crate::store::Store;

/// The lab's IANA time zone.
pub const TIMEZONE: &str = "timezone";

/// Who the digest is mailed to (SPEC §16).
pub const DIGEST_TO: &str = "digest.to";
/// Who the digest is mailed from.
pub const DIGEST_FROM: &str = "digest.from";
/// The mail server the digest goes through.
pub const DIGEST_SMTP: &str = "digest.smtp";
/// Whether `smtp://` upgrades with STARTTLS.
pub const DIGEST_STARTTLS: &str = "digest.starttls";

/// Every key `config set` accepts, with what it holds.
pub const KEYS: &[(&str, &str)] = &[
    (
        TIMEZONE,
        "the lab's IANA time zone (e.g. Europe/London): today, dates of timestamps and the end of a day",
    ),
    (
        DIGEST_TO,
        "who `digest --send` mails: e-mail addresses, separated by commas",
    ),
    (
        DIGEST_FROM,
        "the sender of `digest --send` (default labstock@localhost)",
    ),
    (
        DIGEST_SMTP,
        "the mail server of `digest --send`: smtp://[user@]host:port or smtps://[user@]host:port (the password only from LABSTOCK_SMTP_PASSWORD)",
    ),
    (
        DIGEST_STARTTLS,
        "STARTTLS on smtp://: opportunistic (default), required or never",
    ),
];

/// One setting as it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Setting {
    pub key: String,
    pub value: String,
    /// When it was last set, and by whom.
    pub set_at: String,
    pub set_by: String,
}

use crate::store::sql::settings as sql;

/// Check a key and its value, returning the value as stored.
fn validate(key: &str, value: &str) -> Result<String> {
    match key {
        TIMEZONE => Ok(parse_zone(value)?.name().to_owned()),
        DIGEST_TO => Ok(crate::mail::parse_addresses(key, value)?
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")),
        DIGEST_FROM => Ok(crate::mail::parse_address(key, value)?.to_string()),
        DIGEST_SMTP => {
            crate::mail::parse_server(value)?;
            Ok(value.trim().to_owned())
        }
        DIGEST_STARTTLS => Ok(crate::mail::parse_starttls(value)?.to_owned()),
        _ => Err(Error::invalid(
            "setting",
            key,
            format!(
                "known settings are {}",
                KEYS.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(", ")
            ),
        )),
    }
}

/// The value in force for `key`.
pub(crate) fn get<'c>(
    conn: impl Into<crate::store::Conn<'c>>,
    key: &str,
) -> Result<Option<String>> {
    conn.into()
        .query_opt(&sql::CURRENT, crate::args![key], |r| r.get(0))
}

/// Record a new value of `key` in the caller's transaction.
pub(crate) fn set<'c>(
    conn: impl Into<crate::store::Conn<'c>>,
    key: &str,
    value: &str,
    at: &str,
    user: &str,
) -> Result<()> {
    let value = validate(key, value)?;
    chain::append_cells(
        conn.into(),
        &chain::SETTINGS,
        crate::args![key, value, at, user],
    )?;
    Ok(())
}

/// The lab's time zone (UTC for a database that names none).
pub(crate) fn lab_zone<'c>(conn: impl Into<crate::store::Conn<'c>>) -> Result<Zone> {
    Ok(zone_of(get(conn, TIMEZONE)?))
}

/// The zone a stored `timezone` value names (UTC for none).
fn zone_of(value: Option<String>) -> Zone {
    value.and_then(|z| Zone::named(&z)).unwrap_or(Zone::UTC)
}

impl Store {
    /// The lab's time zone.
    pub fn lab_zone(&self) -> Result<Zone> {
        self.read_one(|conn| lab_zone(conn))
    }

    /// The lab's time zone for a command that has just opened the store:
    /// on PostgreSQL the value read with the schema version when opening
    /// (one round trip and one transaction fewer), once; otherwise, and
    /// on every later call, read now as [`Store::lab_zone`]. A
    /// long-lived store (the server's) reads it with `lab_zone` for each
    /// request instead.
    pub fn lab_zone_at_open(&self) -> Result<Zone> {
        match self.take_opening_zone() {
            Some(read) => Ok(zone_of(read.0)),
            None => self.lab_zone(),
        }
    }

    /// The value in force for `key`.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        validate_key(key)?;
        self.read(|conn| get(conn, key))
    }

    /// Every setting in force, by key.
    pub fn settings(&self) -> Result<Vec<Setting>> {
        self.read(|conn| {
            conn.query_all(&sql::ALL, crate::args![], |r| {
                Ok(Setting {
                    key: r.get(0)?,
                    value: r.get(1)?,
                    set_at: r.get(2)?,
                    set_by: r.get(3)?,
                })
            })
        })
    }

    /// Set `key` to `value` as a new dated record; unchanged values are
    /// not recorded again. Returns whether anything was written.
    pub fn set_setting(
        &mut self,
        key: &str,
        value: &str,
        now: DateTime<Utc>,
        user: &str,
    ) -> Result<bool> {
        let stored = validate(key, value)?;
        self.transact(|conn| {
            if get(conn, key)?.as_deref() == Some(stored.as_str()) {
                return Ok(false);
            }
            set(conn, key, &stored, &stamp(now), user)?;
            Ok(true)
        })
    }
}

fn validate_key(key: &str) -> Result<()> {
    if KEYS.iter().any(|(k, _)| *k == key) {
        Ok(())
    } else {
        validate(key, "").map(|_| ())
    }
}
