//! `labstock audit`: who did what and when, across every record that
//! names a user — the stock ledger, catalogue additions and edits, lot
//! creations, status changes and openings (a later opening of a lot is
//! listed as `correct_open`), lot acceptances (`pending`, `pass`, `fail`), orders and their ends, the equipment
//! register and its calibration, extension, calibration interval, status
//! and service records, the waste register and the lab's settings.
//!
//! Each record is listed once, under the entity it concerns (`item:CODE`,
//! `equipment:TAG`, `order:REF`, `waste:STREAM`, `container:CODE`, …), so
//! `--entity item:ETH-500` shows the item's whole story: when it was added,
//! every settings change, every movement and every lot event.

use chrono::NaiveDate;
use serde::Serialize;

use crate::args;
use crate::chain::{self, Head};
use crate::error::{Error, Result};
use crate::store::Store;
use crate::store::sql::audit as sql;

/// One line of the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditRow {
    /// When it was recorded (UTC).
    pub at: String,
    pub user: String,
    /// The kind of record (`movement`, `calibration`, `item_change`, …).
    pub record: String,
    /// The record's id within its kind (`labstock audit --entity movement:ID`).
    pub id: i64,
    /// What was done: the movement kind, `added`, `changed`, a result, …
    pub action: String,
    /// The entity the record concerns, as `--entity` takes it.
    pub entity: String,
    pub detail: String,
}

pub const AUDIT_HEADERS: &[&str] = &["at", "user", "record", "id", "action", "entity", "detail"];

/// Entity kinds and record kinds `--entity` accepts.
pub const ENTITY_KINDS: &[&str] = &[
    "item",
    "location",
    "order",
    "equipment",
    "waste",
    "container",
    "consignment",
    "movement",
    "item_change",
    "order_event",
    "lot_event",
    "lot_creation",
    "acceptance",
    "calibration",
    "extension",
    "interval_change",
    "status_change",
    "service",
    "seal",
    "import",
    "excursion",
    "temperature_reading",
    "excursion_decision",
    "batch",
    "batch_component",
    "account",
    "account_change",
    "sds",
    "sds_confirmation",
];

/// Which records to list; every field narrows.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub user: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// `KIND` or `KIND:KEY`.
    pub entity: Option<String>,
}

impl Store {
    /// The audit trail, oldest first, narrowed by `filter`.
    pub fn audit(&self, filter: &AuditFilter) -> Result<Vec<AuditRow>> {
        let mut rows = Vec::new();
        self.audit_each(filter, |row| {
            rows.push(row);
            Ok(())
        })?;
        Ok(rows)
    }

    /// The audit trail one row at a time, oldest first: a whole trail of
    /// millions of movements is written out without being held.
    pub fn audit_each(
        &self,
        filter: &AuditFilter,
        mut each: impl FnMut(AuditRow) -> Result<()>,
    ) -> Result<()> {
        let (kind, key) = match filter.entity.as_deref().map(str::trim) {
            None | Some("") => (None, None),
            Some(e) => {
                let (kind, key) = match e.split_once(':') {
                    Some((k, v)) => (k.trim(), Some(v.trim().to_owned())),
                    None => (e, None),
                };
                let kind = kind.to_ascii_lowercase();
                if !ENTITY_KINDS.contains(&kind.as_str()) {
                    return Err(Error::invalid(
                        "--entity",
                        e,
                        format!(
                            "KIND or KIND:KEY with KIND one of {}",
                            ENTITY_KINDS.join(", ")
                        ),
                    ));
                }
                (Some(kind), key.filter(|k| !k.is_empty()))
            }
        };
        if let (Some(from), Some(to)) = (filter.from, filter.to)
            && to < from
        {
            return Err(Error::invalid(
                "--to",
                to.to_string(),
                format!("a date on or after --from {from}"),
            ));
        }
        let from = filter.from.map(|d| d.to_string());
        let before = match filter.to {
            Some(d) => Some(
                d.succ_opt()
                    .ok_or_else(|| Error::invalid("--to", d.to_string(), "a date before 9999"))?
                    .to_string(),
            ),
            None => None,
        };
        let user = filter.user.as_deref().map(str::trim);
        self.read(|conn| {
            conn.for_each(&sql::TRAIL, args![user, from, before, kind, key], |r| {
                each(AuditRow {
                    at: r.get(0)?,
                    user: r.get(1)?,
                    record: r.get(2)?,
                    id: r.get(3)?,
                    action: r.get(4)?,
                    entity: r.get(5)?,
                    detail: r.get::<Option<String>>(6)?.unwrap_or_default(),
                })
            })
        })?;
        Ok(())
    }

    /// The last row of every hash chain, without verifying it: what an
    /// auditor writes down so that a later rewrite of a whole chain shows.
    /// (`check` verifies the chains.)
    pub fn chain_heads(&self) -> Result<Vec<Head>> {
        self.read(|conn| chain::heads(conn))
    }

    /// [`chain::change_marks`]: equal marks, the same data.
    pub fn change_marks(&self) -> Result<Vec<i64>> {
        self.read(chain::change_marks)
    }
}
