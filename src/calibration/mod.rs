//! The equipment register and its calibration (SPEC §1, §4, §10; duty D2:
//! never prepare an instrument whose calibration has lapsed).
//!
//! This module owns the register (`equipment add|list|show|edit`); its
//! submodules own the rest: [`interval`] (calibration intervals and
//! calendar arithmetic), [`state`] (the pure replay of status and due date
//! from an asset's history), `records` (calibrations, extensions, status
//! changes and the maintenance log, each append-only and each keeping the
//! maintained columns on `equipment` in step in the same transaction),
//! `interval_changes` (the dated, chained record of every calibration
//! interval an asset has had),
//! `due` (the calibration-due report and the pre-use check) and `import`
//! (`import equipment|calibrations`).

mod due;
mod import;
pub mod interval;
mod interval_changes;
mod records;
pub mod state;

use chrono::NaiveDate;
use serde::Serialize;

use crate::args;
use crate::error::{Error, Result};
use crate::store::{Conn, Row};
use crate::store::{Store, closest};

pub use crate::store::sql::calibration as sql;

pub use due::{CALIBRATION_DUE_HEADERS, CalibrationDueRow, ExtensionNote, Fitness};
pub use import::{CALIBRATIONS, EQUIPMENT, import_calibrations, import_equipment};
pub use interval::{Interval, IntervalUnit};
pub(crate) use interval_changes::backfill as backfill_interval_records;
pub use interval_changes::{IntervalChangeInput, IntervalChangeRecord};
pub(crate) use records::equipment_state_disagreeing;
pub use records::{
    AssetHistory, CalibrationInput, CalibrationOutcome, CalibrationRecord, ExtensionInput,
    ExtensionRecord, ServiceInput, ServiceKind, ServiceRecord, StatusChangeRecord, TimelineEntry,
};
pub use sql::DUE_CANDIDATES;
pub use state::{CalResult, DueState, State, Status};

/// One asset of the register, with its maintained calibration summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Equipment {
    #[serde(skip)]
    pub id: i64,
    pub asset_tag: String,
    pub description: Option<String>,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub serial: Option<String>,
    pub location: Option<String>,
    pub category: Option<String>,
    pub calibration_interval: Option<Interval>,
    pub status: Status,
    pub in_service_date: Option<NaiveDate>,
    /// The status it was registered with (the replay starts here).
    pub registered_status: Status,
    pub last_calibrated: Option<NaiveDate>,
    pub last_result: Option<CalResult>,
    pub next_due: Option<NaiveDate>,
    /// Date of the latest dated record (calibration, extension, status change).
    #[serde(skip)]
    pub last_event_on: Option<NaiveDate>,
    pub created_at: String,
    pub created_by: String,
}

/// Columns of `equipment list` (the import columns, then the maintained
/// calibration summary).
pub const EQUIPMENT_LIST_HEADERS: [&str; 13] = [
    "asset_tag",
    "description",
    "manufacturer",
    "model",
    "serial",
    "location",
    "category",
    "calibration_interval",
    "status",
    "in_service_date",
    "last_calibrated",
    "last_result",
    "next_due",
];

impl Equipment {
    /// A new asset, in service, with nothing else known.
    pub fn new(asset_tag: &str) -> Equipment {
        Equipment {
            id: 0,
            asset_tag: asset_tag.trim().to_owned(),
            description: None,
            manufacturer: None,
            model: None,
            serial: None,
            location: None,
            category: None,
            calibration_interval: None,
            status: Status::InService,
            in_service_date: None,
            registered_status: Status::InService,
            last_calibrated: None,
            last_result: None,
            next_due: None,
            last_event_on: None,
            created_at: String::new(),
            created_by: String::new(),
        }
    }

    /// Does it need calibration (SPEC §10: it has an interval)?
    pub fn needs_calibration(&self) -> bool {
        self.calibration_interval.is_some()
    }

    fn validate(&self) -> Result<()> {
        if self.asset_tag.is_empty() {
            return Err(Error::missing(
                "asset_tag",
                "every asset needs an asset tag",
            ));
        }
        if self.asset_tag.chars().any(char::is_control) {
            return Err(Error::invalid(
                "asset_tag",
                &self.asset_tag,
                "control characters are not allowed",
            ));
        }
        Ok(())
    }
}

/// Parse a date stored by this crate (`YYYY-MM-DD`). Reports read tens of
/// thousands of these, so the fixed layout is read directly rather than
/// through a format string.
pub(crate) fn stored_date(text: &str) -> Result<NaiveDate> {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        b.get(range)?.iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let parsed = if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        match (digits(0..4), digits(5..7), digits(8..10)) {
            (Some(y), Some(m), Some(d)) => NaiveDate::from_ymd_opt(y as i32, m, d),
            _ => None,
        }
    } else {
        None
    };
    parsed.ok_or_else(|| Error::Sqlite {
        detail: format!("stored date {text:?} is not YYYY-MM-DD"),
    })
}

pub(crate) fn date_at(r: &Row<'_>, i: usize) -> Result<NaiveDate> {
    stored_date(&r.get::<String>(i)?)
}

pub(crate) fn opt_date_at(r: &Row<'_>, i: usize) -> Result<Option<NaiveDate>> {
    r.get::<Option<String>>(i)?
        .map(|s| stored_date(&s))
        .transpose()
}

pub(crate) fn interval_at(r: &Row<'_>, i: usize) -> Result<Option<Interval>> {
    r.get::<Option<String>>(i)?
        .map(|s| {
            Interval::parse(&s).map_err(|e| Error::Sqlite {
                detail: format!("column {i}: {e}"),
            })
        })
        .transpose()
}

pub(crate) fn status_at(r: &Row<'_>, i: usize) -> Result<Status> {
    Ok(Status::from_db(&r.get::<String>(i)?))
}

pub(crate) fn result_at(r: &Row<'_>, i: usize) -> Result<CalResult> {
    Ok(CalResult::from_db(&r.get::<String>(i)?))
}

/// An asset from the columns of `sql::EQUIPMENT_BY_TAG` and its kin.
pub(crate) fn equipment_of(r: &Row<'_>) -> Result<Equipment> {
    Ok(Equipment {
        id: r.get(0)?,
        asset_tag: r.get(1)?,
        description: r.get(2)?,
        manufacturer: r.get(3)?,
        model: r.get(4)?,
        serial: r.get(5)?,
        location: r.get(6)?,
        category: r.get(7)?,
        calibration_interval: interval_at(r, 8)?,
        status: status_at(r, 9)?,
        in_service_date: opt_date_at(r, 10)?,
        registered_status: status_at(r, 11)?,
        last_calibrated: opt_date_at(r, 12)?,
        last_result: r.get::<Option<String>>(13)?.map(|s| CalResult::from_db(&s)),
        next_due: opt_date_at(r, 14)?,
        created_at: r.get(15)?,
        created_by: r.get(16)?,
        last_event_on: opt_date_at(r, 17)?,
    })
}

/// Find an asset by tag, case-insensitively; an unknown tag gets the
/// closest known tags as suggestions.
pub(crate) fn find_equipment<'c>(conn: impl Into<Conn<'c>>, tag: &str) -> Result<Equipment> {
    find_by(conn.into(), &sql::EQUIPMENT_BY_TAG, tag)
}

/// [`find_equipment`] in a write that changes the asset: on PostgreSQL
/// its row stays locked until commit, so writers of one asset take turns
/// (each sees the state the one before committed).
pub(crate) fn find_equipment_to_change(conn: Conn<'_>, tag: &str) -> Result<Equipment> {
    find_by(conn, &sql::EQUIPMENT_BY_TAG_FOR_UPDATE, tag)
}

fn find_by(conn: Conn<'_>, statement: &crate::store::Sql, tag: &str) -> Result<Equipment> {
    match conn.query_opt(statement, args![tag.trim()], equipment_of)? {
        Some(e) => Ok(e),
        None => {
            let known = conn.query_all(&sql::ASSET_TAGS, args![], |r| r.get::<String>(0))?;
            Err(Error::NotFound {
                entity: "asset",
                key: tag.to_owned(),
                within: None,
                suggestions: closest(tag, known),
            })
        }
    }
}

/// Insert a new asset inside an open transaction (shared by `equipment
/// add` and `import equipment`). A tag that exists, in any case, is refused.
pub(crate) fn insert_equipment<'c>(
    conn: impl Into<Conn<'c>>,
    eq: &mut Equipment,
    now: &str,
    user: &str,
) -> Result<i64> {
    let conn = conn.into();
    eq.validate()?;
    let exists: Option<String> =
        conn.query_opt(&sql::ASSET_TAG, args![eq.asset_tag], |r| r.get(0))?;
    if let Some(existing) = exists {
        return Err(Error::AlreadyExists {
            entity: "asset",
            key: existing,
            within: None,
        });
    }
    eq.status = eq.registered_status;
    eq.id = conn.insert(
        &sql::INSERT_EQUIPMENT,
        args![
            eq.asset_tag,
            eq.description,
            eq.manufacturer,
            eq.model,
            eq.serial,
            eq.location,
            eq.category,
            eq.calibration_interval.map(|i| i.to_string()),
            eq.registered_status.as_str(),
            eq.in_service_date,
            now,
            user,
        ],
    )?;
    eq.created_at = now.to_owned();
    eq.created_by = user.to_owned();
    interval_changes::record_registered(conn, eq, now, user)?;
    Ok(eq.id)
}

impl Store {
    /// Register an asset.
    pub fn add_equipment(&mut self, eq: Equipment, now: &str, user: &str) -> Result<Equipment> {
        self.transact(|conn| {
            let mut eq = eq.clone();
            insert_equipment(conn, &mut eq, now, user)?;
            Ok(eq)
        })
    }

    /// Look an asset up by tag.
    pub fn equipment(&self, tag: &str) -> Result<Equipment> {
        self.read(|conn| find_equipment(conn, tag))
    }

    /// The register, by asset tag; optionally only one status or category.
    pub fn equipment_list(
        &self,
        status: Option<Status>,
        category: Option<&str>,
    ) -> Result<Vec<Equipment>> {
        self.read(|conn| {
            conn.query_all(
                &sql::EQUIPMENT_LIST,
                args![status.map(Status::as_str), category.map(str::trim)],
                equipment_of,
            )
        })
    }

    /// Replace an asset's descriptive settings with those of `edited`
    /// (tag, status, interval and history stay; change status with
    /// [`Store::set_equipment_status`]) and, when `interval` is given,
    /// record a change of its calibration interval, all in one
    /// transaction. An interval change is a dated record that applies from
    /// its day and never moves a due date later (only an extension does).
    /// Returns the asset as it now stands and the interval record, if one
    /// was written (none when the interval was already the one asked for).
    pub fn update_equipment(
        &mut self,
        edited: &Equipment,
        interval: Option<&IntervalChangeInput>,
        today: NaiveDate,
        now: &str,
        user: &str,
    ) -> Result<(Equipment, Option<IntervalChangeRecord>)> {
        self.transact(|conn| {
            edited.validate()?;
            let current = find_equipment_to_change(conn, &edited.asset_tag)?;
            let record = match interval {
                Some(change) => {
                    interval_changes::record_change(conn, &current, change, today, now, user)?
                }
                None => None,
            };
            conn.execute(
                &sql::UPDATE_EQUIPMENT,
                args![
                    current.id,
                    edited.description,
                    edited.manufacturer,
                    edited.model,
                    edited.serial,
                    edited.location,
                    edited.category,
                    edited.in_service_date,
                ],
            )?;
            let fresh = find_equipment(conn, &edited.asset_tag)?;
            Ok((fresh, record))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::stored_date;

    #[test]
    fn stored_dates_are_read_exactly() {
        assert_eq!(stored_date("2024-02-29").unwrap().to_string(), "2024-02-29");
        assert_eq!(stored_date("0999-12-31").unwrap().to_string(), "0999-12-31");
        for bad in [
            "2026-02-30",
            "2026-2-03",
            "2026/02/03",
            "20260203",
            "",
            "2026-02-0x",
        ] {
            assert!(stored_date(bad).is_err(), "{bad}");
        }
    }
}
