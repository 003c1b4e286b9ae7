//! `waste consign`: one collection of waste by a carrier under one
//! consignment note, grouping sealed containers (and the records in them)
//! and loose records.
//!
//! A consignment holding any hazardous stream needs a consignment note
//! code (England/Wales, Scotland or Northern Ireland format, SPEC §10); one
//! of non-hazardous waste only may carry a waste transfer note reference.
//! A container or record leaves on one consignment only: the link tables'
//! primary keys say so in the database, and the checks here say it first,
//! in words.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::containers::{not_future, require_container};
use super::{Quantity, WasteUnit, bad_note, lock_register, note_format, sql};
use crate::args;
use crate::chain;
use crate::error::{Error, Refusal, Result};
use crate::model::stamp;
use crate::store::Conn;
use crate::store::Store;

/// A collection to record.
#[derive(Debug, Clone, Default)]
pub struct ConsignRequest {
    pub note: String,
    pub carrier: String,
    pub carrier_registration: Option<String>,
    pub collected_on: NaiveDate,
    pub destination: Option<String>,
    pub containers: Vec<String>,
    pub records: Vec<i64>,
    pub user: String,
}

/// What one stream contributes to a consignment.
#[derive(Debug, Clone, Serialize)]
pub struct ConsignedStream {
    pub stream: String,
    pub quantity: Quantity,
    pub unit: WasteUnit,
    pub records: i64,
}

/// What `waste consign` wrote.
#[derive(Debug, Clone, Serialize)]
pub struct Consigned {
    pub id: i64,
    pub note: String,
    pub collected_on: String,
    pub containers: Vec<String>,
    pub records: Vec<i64>,
    pub streams: Vec<ConsignedStream>,
}

/// A loose record named by `--record`.
struct LooseRecord {
    stream: String,
    hazardous: bool,
    date: String,
    quantity: i64,
    own_note: Option<String>,
    corrected_by: Option<i64>,
    consigned_on: Option<String>,
    container: Option<(i64, String, bool)>,
}

fn loose_record(conn: Conn<'_>, id: i64) -> Result<LooseRecord> {
    conn.query_opt(&sql::LOOSE_RECORD, args![id], |r| {
        let container = match (r.get::<Option<i64>>(7)?, r.get::<Option<String>>(8)?) {
            (Some(cid), Some(code)) => Some((cid, code, r.get::<bool>(9)?)),
            _ => None,
        };
        Ok(LooseRecord {
            stream: r.get(0)?,
            hazardous: r.get(1)?,
            date: r.get(2)?,
            quantity: r.get(3)?,
            own_note: r.get(4)?,
            corrected_by: r.get(5)?,
            consigned_on: r.get(6)?,
            container,
        })
    })?
    .ok_or_else(|| Error::NotFound {
        entity: "waste record",
        key: id.to_string(),
        within: None,
        suggestions: Vec::new(),
    })
}

fn consign(conn: Conn<'_>, req: &ConsignRequest, now: DateTime<Utc>) -> Result<Consigned> {
    let note = req.note.trim();
    if note.is_empty() {
        return Err(Error::missing(
            "consignment note",
            "give the consignment note code (--consignment-note)",
        ));
    }
    let carrier = req.carrier.trim();
    if carrier.is_empty() {
        return Err(Error::missing(
            "carrier",
            "a consignment names the carrier who collected it (--carrier)",
        ));
    }
    if req.containers.is_empty() && req.records.is_empty() {
        return Err(Error::missing(
            "container or record",
            "name the sealed containers (--container) and loose records (--record) collected",
        ));
    }
    not_future(
        "collection date",
        req.collected_on,
        crate::clock::lab_date(now, crate::settings::lab_zone(conn)?),
    )?;
    let collected = req.collected_on.to_string();
    let existing: Option<String> =
        conn.query_opt(&sql::CONSIGNMENT_NOTE, args![note], |r| r.get(0))?;
    if let Some(existing) = existing {
        return Err(Error::AlreadyExists {
            entity: "consignment note",
            key: existing,
            within: None,
        });
    }

    // (stream, hazardous) of everything collected, to judge the note.
    let mut streams: Vec<(String, bool)> = Vec::new();
    let mut container_ids: Vec<(i64, String)> = Vec::new();
    for code in &req.containers {
        let c = require_container(conn, code)?;
        if container_ids.iter().any(|(id, _)| *id == c.id) {
            return Err(Error::invalid(
                "container",
                code,
                "named twice in one consignment",
            ));
        }
        if let Some((_, on_note)) = &c.consignment {
            return Err(Error::Refused(Refusal::ContainerConsigned {
                container: c.code.clone(),
                note: on_note.clone(),
            }));
        }
        let Some(sealed_on) = &c.sealed_on else {
            return Err(Error::Refused(Refusal::ContainerStillOpen {
                container: c.code.clone(),
            }));
        };
        if collected < *sealed_on {
            return Err(Error::invalid(
                "collection date",
                &collected,
                format!("container {} was sealed on {sealed_on}", c.code),
            ));
        }
        streams.push((c.stream.clone(), c.hazardous));
        container_ids.push((c.id, c.code));
    }
    let mut record_ids: Vec<i64> = Vec::new();
    for &id in &req.records {
        if record_ids.contains(&id) {
            return Err(Error::invalid(
                "record",
                id.to_string(),
                "named twice in one consignment",
            ));
        }
        let r = loose_record(conn, id)?;
        if let Some(by) = r.corrected_by {
            return Err(Error::Refused(Refusal::ConsignCorrectedRecord { id, by }));
        }
        if r.quantity == 0 {
            return Err(Error::Refused(Refusal::ConsignWithdrawal { id }));
        }
        if let Some(on) = r.consigned_on {
            return Err(Error::Refused(Refusal::RecordConsigned {
                id,
                note: on.clone(),
            }));
        }
        if let Some(own) = r.own_note {
            return Err(Error::Refused(Refusal::RecordHasNote {
                id,
                note: own.clone(),
            }));
        }
        if let Some((cid, code, consigned)) = &r.container {
            if container_ids.iter().any(|(id, _)| id == cid) {
                // Consigned with its container below; naming it too is harmless.
                continue;
            }
            if !consigned {
                return Err(Error::Refused(Refusal::RecordInContainer {
                    id,
                    container: code.clone(),
                }));
            }
        }
        if collected < r.date {
            return Err(Error::invalid(
                "collection date",
                &collected,
                format!("waste record {id} is dated {}", r.date),
            ));
        }
        streams.push((r.stream, r.hazardous));
        record_ids.push(id);
    }
    if let Some((stream, _)) = streams.iter().find(|(_, hazardous)| *hazardous)
        && note_format(note).is_none()
    {
        return Err(bad_note(note, stream));
    }

    // Records already in the consigned containers go with them; one whose
    // own note differs from this consignment's is a contradiction.
    let mut in_containers: Vec<i64> = Vec::new();
    for (cid, code) in &container_ids {
        let rows = conn.query_all(&sql::UNCONSIGNED_IN_CONTAINER, args![cid], |r| {
            Ok((r.get::<i64>(0)?, r.get::<Option<String>>(1)?))
        })?;
        for (rid, own) in rows {
            if let Some(own) = own
                && !own.eq_ignore_ascii_case(note)
            {
                return Err(Error::Refused(Refusal::ContainerRecordNote {
                    id: rid,
                    container: code.clone(),
                    own: own.clone(),
                    note: note.to_owned(),
                }));
            }
            in_containers.push(rid);
        }
    }

    let id = chain::append_cells(
        conn,
        &chain::WASTE_CONSIGNMENTS,
        args![
            note,
            carrier,
            req.carrier_registration
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty()),
            collected,
            req.destination
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty()),
            req.user,
            stamp(now)
        ],
    )?;
    for (cid, _) in &container_ids {
        chain::append_cells(conn, &chain::WASTE_CONSIGNMENT_CONTAINERS, args![cid, id])?;
    }
    for rid in record_ids.iter().chain(&in_containers) {
        chain::append_cells(conn, &chain::WASTE_CONSIGNMENT_RECORDS, args![rid, id])?;
    }
    let mut all: Vec<i64> = record_ids.into_iter().chain(in_containers).collect();
    all.sort_unstable();
    Ok(Consigned {
        id,
        note: note.to_owned(),
        collected_on: collected,
        containers: container_ids.into_iter().map(|(_, code)| code).collect(),
        streams: consigned_streams(conn, id)?,
        records: all,
    })
}

/// Totals by stream and unit of the live records of one consignment.
fn consigned_streams(conn: Conn<'_>, id: i64) -> Result<Vec<ConsignedStream>> {
    let mut totals: BTreeMap<(String, WasteUnit), (i64, i64)> = BTreeMap::new();
    conn.for_each(&sql::CONSIGNED_RECORDS, args![id], |r| {
        let t = totals
            .entry((r.get(0)?, WasteUnit::from_db(&r.get::<String>(1)?)))
            .or_default();
        t.0 += r.get::<i64>(2)?;
        t.1 += 1;
        Ok(())
    })?;
    Ok(totals
        .into_iter()
        .map(|((stream, unit), (milli, records))| ConsignedStream {
            stream,
            quantity: Quantity(milli),
            unit,
            records,
        })
        .collect())
}

impl Store {
    /// Record a collection (`waste consign`) as one transaction.
    pub fn consign_waste(&mut self, req: &ConsignRequest, now: DateTime<Utc>) -> Result<Consigned> {
        self.transact(|conn| {
            lock_register(conn)?;
            consign(conn, req, now)
        })
    }
}
