//! Calibration interval changes (issue 12, defect 4): an asset's interval
//! is evidence, not a setting to overwrite. Every interval an asset has is
//! an append-only, hash-chained record (`calibration_interval_changes`):
//! the one it was registered with (applying from the start), and each
//! edit, dated by the day it takes effect (not in the future, not before
//! the asset's previous change). The interval as of any day is the latest
//! record in force that day; `equipment.calibration_interval` is the
//! latest record, maintained in the same transaction and proven by
//! `check`. What a change does to due dates is the replay's rule
//! ([`super::state`]): it never moves a due date later.

use chrono::NaiveDate;
use serde::Serialize;

use super::records::{next_seq, refresh};
use super::sql;
use super::{Equipment, Interval, find_equipment_to_change, interval_at, opt_date_at};
use crate::args;
use crate::chain;
use crate::error::{Error, Result};
use crate::store::Conn;
use crate::store::Store;

/// Where an interval record came from.
const REGISTERED: &str = "registered";
const MIGRATION: &str = "migration";
const EDIT: &str = "edit";

/// A change of an asset's calibration interval to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntervalChangeInput {
    /// The new interval; `None`: the asset needs no calibration.
    pub interval: Option<Interval>,
    /// The day it takes effect [default: today]; not in the future.
    pub effective_on: Option<NaiveDate>,
    pub reason: Option<String>,
}

/// A stored interval record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IntervalChangeRecord {
    #[serde(skip)]
    pub id: i64,
    #[serde(skip)]
    pub seq: i64,
    /// `registered`, `migration` or `edit`.
    pub origin: String,
    /// The day it took effect; `None`: from the start of the asset's history.
    pub effective_on: Option<NaiveDate>,
    pub old_interval: Option<Interval>,
    pub new_interval: Option<Interval>,
    pub reason: Option<String>,
    pub recorded_at: String,
    pub recorded_by: String,
}

/// Record the interval a new asset is registered with (applies from the
/// start of its history). Nothing is recorded for an asset that needs no
/// calibration: no record means no interval.
pub(crate) fn record_registered(
    conn: Conn<'_>,
    eq: &Equipment,
    now: &str,
    user: &str,
) -> Result<()> {
    if let Some(interval) = eq.calibration_interval {
        append(
            conn,
            eq.id,
            REGISTERED,
            None,
            None,
            Some(interval),
            None,
            now,
            user,
        )?;
    }
    Ok(())
}

/// Append one record, giving it the asset's next place in recording order.
#[allow(clippy::too_many_arguments)]
fn append(
    conn: Conn<'_>,
    equipment_id: i64,
    origin: &str,
    effective_on: Option<NaiveDate>,
    old: Option<Interval>,
    new: Option<Interval>,
    reason: Option<&str>,
    now: &str,
    user: &str,
) -> Result<(i64, i64)> {
    let seq = next_seq(conn, equipment_id)?;
    let id = chain::append_cells(
        conn,
        &chain::CALIBRATION_INTERVAL_CHANGES,
        args![
            equipment_id,
            seq,
            origin,
            effective_on,
            old.map(|i| i.to_string()),
            new.map(|i| i.to_string()),
            reason,
            now,
            user,
        ],
    )?;
    Ok((id, seq))
}

/// Record a change of `eq`'s interval inside the caller's transaction and
/// bring the maintained columns up to date. `None` when the interval is
/// already the one asked for (nothing is recorded).
pub(crate) fn record_change(
    conn: Conn<'_>,
    eq: &Equipment,
    input: &IntervalChangeInput,
    today: NaiveDate,
    now: &str,
    user: &str,
) -> Result<Option<IntervalChangeRecord>> {
    let effective_on = input.effective_on.unwrap_or(today);
    if effective_on > today {
        return Err(Error::invalid(
            "--effective date",
            effective_on.to_string(),
            format!("an interval change cannot take effect in the future (today is {today})"),
        ));
    }
    let previous: Option<String> = conn
        .query_opt(&sql::LAST_INTERVAL_EFFECTIVE, args![eq.id], |r| r.get(0))?
        .flatten();
    if let Some(previous) = previous
        && effective_on.to_string() < previous
    {
        return Err(Error::invalid(
            "--effective date",
            effective_on.to_string(),
            format!(
                "it is before the previous interval change of {}, effective {previous}; interval changes take effect in order",
                eq.asset_tag
            ),
        ));
    }
    if input.interval == eq.calibration_interval {
        return Ok(None);
    }
    let reason = input
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    let (id, seq) = append(
        conn,
        eq.id,
        EDIT,
        Some(effective_on),
        eq.calibration_interval,
        input.interval,
        reason,
        now,
        user,
    )?;
    conn.execute(
        &sql::SET_INTERVAL,
        args![eq.id, input.interval.map(|i| i.to_string())],
    )?;
    refresh(conn, eq.id)?;
    Ok(Some(IntervalChangeRecord {
        id,
        seq,
        origin: EDIT.to_owned(),
        effective_on: Some(effective_on),
        old_interval: eq.calibration_interval,
        new_interval: input.interval,
        reason: reason.map(str::to_owned),
        recorded_at: now.to_owned(),
        recorded_by: user.to_owned(),
    }))
}

/// Every interval record of one asset, in the order they apply.
pub(crate) fn interval_changes(
    conn: Conn<'_>,
    equipment_id: i64,
) -> Result<Vec<IntervalChangeRecord>> {
    conn.query_all(&sql::INTERVAL_CHANGES_OF, args![equipment_id], |r| {
        Ok(IntervalChangeRecord {
            id: r.get(0)?,
            seq: r.get(1)?,
            origin: r.get(2)?,
            effective_on: opt_date_at(r, 3)?,
            old_interval: interval_at(r, 4)?,
            new_interval: interval_at(r, 5)?,
            reason: r.get(6)?,
            recorded_at: r.get(7)?,
            recorded_by: r.get(8)?,
        })
    })
}

/// The migration's backfill: a database made before interval records
/// existed gets one record per asset with an interval, restating the
/// interval on the register as applying from the start (earlier edits
/// were not recorded, so nothing older can be known). It is stamped with
/// the asset's registration, whose interval it restates, and marked
/// `migration`. The maintained due dates were computed with this interval,
/// so they stay proven.
pub(crate) fn backfill<'c>(conn: impl Into<Conn<'c>>) -> Result<()> {
    let conn = conn.into();
    let assets = conn.query_all(&sql::ASSETS_WITH_INTERVAL, args![], |r| {
        Ok((
            r.get::<i64>(0)?,
            interval_at(r, 1)?,
            r.get::<String>(2)?,
            r.get::<String>(3)?,
        ))
    })?;
    for (id, interval, created_at, created_by) in assets {
        append(
            conn,
            id,
            MIGRATION,
            None,
            None,
            interval,
            None,
            &created_at,
            &created_by,
        )?;
    }
    Ok(())
}

/// Prove each asset's maintained interval against its latest interval
/// record (no record: no interval). One sentence per disagreement.
pub(crate) fn verify_intervals(conn: Conn<'_>) -> Result<Vec<String>> {
    let rows = conn.query_all(&sql::INTERVALS_AGAINST_RECORDS, args![], |r| {
        Ok((
            r.get::<String>(0)?,
            r.get::<Option<String>>(1)?,
            r.get::<Option<String>>(2)?,
            r.get::<i64>(3)?,
        ))
    })?;
    let mut problems = Vec::new();
    for (tag, register, recorded, count) in rows {
        if register != recorded {
            let show = |i: &Option<String>| i.clone().unwrap_or_else(|| "none".into());
            let records = if count == 0 {
                "it has no interval records (none)".to_owned()
            } else {
                format!("its interval records end at {}", show(&recorded))
            };
            problems.push(format!(
                "asset {tag}: {records}, the register says calibration interval {}; run `labstock audit --entity equipment:{tag}`",
                show(&register)
            ));
        }
    }
    Ok(problems)
}

impl Store {
    /// Change an asset's calibration interval (SPEC §4, §10 "Settings
    /// changes are dated records"): a dated, chained record that applies
    /// from its day and never moves a due date later. `None` when the
    /// interval already is the one asked for.
    pub fn change_calibration_interval(
        &mut self,
        tag: &str,
        input: &IntervalChangeInput,
        today: NaiveDate,
        now: &str,
        user: &str,
    ) -> Result<Option<IntervalChangeRecord>> {
        self.transact(|conn| {
            let eq = find_equipment_to_change(conn, tag)?;
            record_change(conn, &eq, input, today, now, user)
        })
    }
}
