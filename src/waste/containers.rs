//! Waste containers (`waste container open|seal|list`): a sharps bin, a
//! yellow bag or a chemical drum, traceable from the bench where it was
//! opened, through its sealing, to the consignment that took it away.
//!
//! Each step is its own append-only fact (a row in `waste_containers`,
//! `waste_container_seals`, `waste_consignment_containers`), so the
//! database refuses a second seal or a second consignment by primary key,
//! and any rewrite by trigger. Records go into a container only while it is
//! open; sealing an empty-handed container writes its one record (its
//! sealed weight, else one container), so the register holds every
//! container that leaves the lab.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::register::{Insert, RecordOrigin, insert_record};
use super::{Quantity, WasteStream, WasteUnit, find_stream, lock_register, sql};
use crate::args;
use crate::catalogue::find_location;
use crate::chain;
use crate::error::{Error, Refusal, Result};
use crate::ledger::DEFAULT_LOCATION;
use crate::model::stamp;
use crate::store::{Conn, Row};
use crate::store::{Store, closest};

/// A request to open a container.
#[derive(Debug, Clone)]
pub struct OpenContainer {
    pub code: String,
    pub stream: String,
    pub container_type: Option<String>,
    pub location: Option<String>,
    pub date: NaiveDate,
    pub user: String,
}

/// A container as the register knows it.
#[derive(Debug, Clone)]
pub struct ContainerState {
    pub id: i64,
    pub code: String,
    pub stream: String,
    pub hazardous: bool,
    pub container_type: Option<String>,
    pub location: String,
    pub opened_on: String,
    pub sealed_on: Option<String>,
    pub weight: Option<Quantity>,
    /// (consignment id, note) once consigned.
    pub consignment: Option<(i64, String)>,
}

impl ContainerState {
    pub fn state(&self) -> &'static str {
        if self.consignment.is_some() {
            "consigned"
        } else if self.sealed_on.is_some() {
            "sealed"
        } else {
            "open"
        }
    }
}

fn container_of(r: &Row<'_>) -> Result<ContainerState> {
    let consignment = match (r.get::<Option<i64>>(9)?, r.get::<Option<String>>(10)?) {
        (Some(id), Some(note)) => Some((id, note)),
        _ => None,
    };
    Ok(ContainerState {
        id: r.get(0)?,
        code: r.get(1)?,
        stream: r.get(2)?,
        hazardous: r.get(3)?,
        container_type: r.get(4)?,
        location: r.get(5)?,
        opened_on: r.get(6)?,
        sealed_on: r.get(7)?,
        weight: r.get::<Option<i64>>(8)?.map(Quantity),
        consignment,
    })
}

/// The registered container with this id (case-insensitive), if any.
pub(crate) fn find_container(conn: Conn<'_>, code: &str) -> Result<Option<ContainerState>> {
    conn.query_opt(&sql::CONTAINER_BY_CODE, args![code.trim()], container_of)
}

/// The registered container with this id; unknown ids suggest the closest.
pub(crate) fn require_container(conn: Conn<'_>, code: &str) -> Result<ContainerState> {
    if let Some(c) = find_container(conn, code)? {
        return Ok(c);
    }
    let known = conn.query_all(&sql::CONTAINER_CODES, args![], |r| r.get::<String>(0))?;
    Err(Error::NotFound {
        entity: "waste container",
        key: code.to_owned(),
        within: None,
        suggestions: closest(code, known),
    })
}

/// Number of records in a container that still count (not corrected, not
/// withdrawn).
pub(crate) fn live_records_in(conn: Conn<'_>, container_id: i64) -> Result<i64> {
    conn.query_one(&sql::LIVE_RECORDS_IN, args![container_id], |r| r.get(0))
}

/// A date a user gave must not be after today (UTC).
pub(crate) fn not_future(what: &str, date: NaiveDate, today: NaiveDate) -> Result<()> {
    if date > today {
        return Err(Error::invalid(
            what,
            date.to_string(),
            format!("it is in the future (today is {today})"),
        ));
    }
    Ok(())
}

fn open(conn: Conn<'_>, req: &OpenContainer, now: DateTime<Utc>) -> Result<ContainerState> {
    let code = req.code.trim();
    if code.is_empty() {
        return Err(Error::missing(
            "container id",
            "name the container as labelled, e.g. SB-2614",
        ));
    }
    not_future(
        "date",
        req.date,
        crate::clock::lab_date(now, crate::settings::lab_zone(conn)?),
    )?;
    if let Some(existing) = find_container(conn, code)? {
        return Err(Error::AlreadyExists {
            entity: "waste container",
            key: existing.code,
            within: None,
        });
    }
    let stream: WasteStream = find_stream(conn, &req.stream)?;
    let location = find_location(conn, req.location.as_deref().unwrap_or(DEFAULT_LOCATION))?;
    let container_type = req
        .container_type
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    chain::append_cells(
        conn,
        &chain::WASTE_CONTAINERS,
        args![
            code,
            stream.code,
            container_type,
            location.id,
            req.date.to_string(),
            req.user,
            stamp(now)
        ],
    )?;
    require_container(conn, code)
}

/// What sealing a container did.
#[derive(Debug, Clone, Serialize)]
pub struct Sealed {
    pub container: String,
    pub stream: String,
    pub sealed_on: String,
    /// The record sealing wrote, when the container had none.
    pub record: Option<i64>,
    /// Records already in the container.
    pub records: i64,
}

fn seal(
    conn: Conn<'_>,
    code: &str,
    date: NaiveDate,
    weight: Option<Quantity>,
    user: &str,
    now: DateTime<Utc>,
) -> Result<Sealed> {
    let c = require_container(conn, code)?;
    if let Some(on) = &c.sealed_on {
        return Err(Error::Refused(Refusal::ContainerAlreadySealed {
            container: c.code.clone(),
            on: on.clone(),
        }));
    }
    not_future(
        "seal date",
        date,
        crate::clock::lab_date(now, crate::settings::lab_zone(conn)?),
    )?;
    if date.to_string() < c.opened_on {
        return Err(Error::invalid(
            "seal date",
            date.to_string(),
            format!("container {} was opened on {}", c.code, c.opened_on),
        ));
    }
    let recorded_at = stamp(now);
    chain::append_cells(
        conn,
        &chain::WASTE_CONTAINER_SEALS,
        args![
            c.id,
            date.to_string(),
            weight.map(Quantity::milli),
            user,
            recorded_at
        ],
    )?;
    let records = live_records_in(conn, c.id)?;
    let record = if records == 0 {
        let (quantity, unit) = match weight {
            Some(w) => (w, WasteUnit::Kg),
            None => (Quantity::whole(1), WasteUnit::Containers),
        };
        let what = c
            .container_type
            .as_deref()
            .map(|t| format!(" ({t})"))
            .unwrap_or_default();
        let notes = format!("container {}{what} sealed", c.code);
        Some(insert_record(
            conn,
            &Insert {
                date: &date.to_string(),
                stream: &c.stream,
                quantity,
                unit,
                physical_form: None,
                hp_codes: None,
                container: Some(&c.code),
                container_id: Some(c.id),
                consignment_note: None,
                carrier: None,
                recorded_by: user,
                notes: Some(&notes),
                origin: RecordOrigin::Seal,
                movement_id: None,
                corrects: None,
                reason: None,
                recorded_at: &recorded_at,
            },
        )?)
    } else {
        None
    };
    Ok(Sealed {
        container: c.code,
        stream: c.stream,
        sealed_on: date.to_string(),
        record,
        records,
    })
}

/// One line of `waste container list`.
#[derive(Debug, Clone, Serialize)]
pub struct ContainerRow {
    pub container: String,
    pub stream: String,
    pub hazardous: bool,
    #[serde(rename = "type")]
    pub container_type: Option<String>,
    pub location: String,
    pub opened_on: String,
    pub sealed_on: Option<String>,
    /// Sealed weight in kg.
    pub sealed_weight: Option<Quantity>,
    pub state: &'static str,
    pub consignment_note: Option<String>,
    pub records: i64,
}

/// Columns of `waste container list`.
pub const CONTAINER_COLUMNS: &[&str] = &[
    "container",
    "stream",
    "hazardous",
    "type",
    "location",
    "opened_on",
    "sealed_on",
    "sealed_weight",
    "state",
    "consignment_note",
    "records",
];

/// Which containers to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainerStateFilter {
    Open,
    Sealed,
    Consigned,
}

impl ContainerStateFilter {
    fn word(self) -> &'static str {
        match self {
            ContainerStateFilter::Open => "open",
            ContainerStateFilter::Sealed => "sealed",
            ContainerStateFilter::Consigned => "consigned",
        }
    }
}

fn list(conn: Conn<'_>, state: Option<ContainerStateFilter>) -> Result<Vec<ContainerRow>> {
    let all = conn.query_all(&sql::CONTAINERS, args![], container_of)?;
    let mut rows = Vec::new();
    for c in all {
        if state.is_some_and(|s| s.word() != c.state()) {
            continue;
        }
        rows.push(ContainerRow {
            records: live_records_in(conn, c.id)?,
            state: c.state(),
            container: c.code,
            stream: c.stream,
            hazardous: c.hazardous,
            container_type: c.container_type,
            location: c.location,
            opened_on: c.opened_on,
            sealed_on: c.sealed_on,
            sealed_weight: c.weight,
            consignment_note: c.consignment.map(|(_, note)| note),
        });
    }
    Ok(rows)
}

impl Store {
    /// Open a container (`waste container open`).
    pub fn open_container(
        &mut self,
        req: &OpenContainer,
        now: DateTime<Utc>,
    ) -> Result<ContainerState> {
        self.transact(|conn| {
            lock_register(conn)?;
            open(conn, req, now)
        })
    }

    /// Seal a container (`waste container seal`), with its weight in kg
    /// when weighed.
    pub fn seal_container(
        &mut self,
        code: &str,
        date: NaiveDate,
        weight: Option<Quantity>,
        user: &str,
        now: DateTime<Utc>,
    ) -> Result<Sealed> {
        self.transact(|conn| {
            lock_register(conn)?;
            seal(conn, code, date, weight, user, now)
        })
    }

    /// Containers, oldest first, optionally only those in one state.
    pub fn waste_containers(
        &self,
        state: Option<ContainerStateFilter>,
    ) -> Result<Vec<ContainerRow>> {
        self.read(|conn| list(conn, state))
    }
}
