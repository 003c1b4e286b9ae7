//! Disposal records: `waste record`, `waste correct`, `import waste`, and
//! the record the ledger's `dispose` writes in its own transaction.
//!
//! The register is append-only (the database refuses UPDATE and DELETE).
//! A correction is a new record that names the record it corrects and
//! why; the corrected record stays, marked as corrected, and reports count
//! only records that are not corrected. A correction with quantity 0
//! withdraws a record (waste that was never produced, e.g. a reversed
//! disposal).
//!
//! A record that left the site with a consignment may still be corrected
//! or withdrawn: the consignment is evidence of what left, so the
//! correction goes with it (linked to the same consignment) and `report
//! consignments` keeps a withdrawn record in its consignment, counted in
//! `records` and marked in `withdrawn` (its quantity 0), rather than
//! dropping the note from the register.
//!
//! The rules every record obeys, whoever writes it: the stream exists (in
//! any spacing), the date is not in the future, HP codes only on hazardous
//! streams, a hazardous stream's `consignment_note` is a consignment note
//! code (a non-hazardous stream's is a free-text transfer note reference),
//! and a record names a registered container only while it is open and of
//! the same stream. A container id the register does not know (a carrier's
//! reusable cage, history from before labstock) is kept as written.

use std::io::Read;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::containers::{ContainerState, find_container, not_future};
use super::{
    Quantity, WasteStream, WasteUnit, bad_note, find_stream, lock_register, note_format,
    parse_hp_codes, parse_physical_form, sql,
};
use crate::args;
use crate::chain;
use crate::error::{Error, Refusal, Result};
use crate::import::{self, CsvRow, Format, ImportContext, ImportSummary};
use crate::model::{parse_date, stamp};
use crate::store::Conn;
use crate::store::Store;

/// Where a record came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordOrigin {
    /// `waste record`
    Record,
    /// `import waste`
    Import,
    /// `dispose` of stock
    Dispose,
    /// `waste container seal` of a container with no records
    Seal,
    /// `waste correct`
    Correction,
}

impl RecordOrigin {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordOrigin::Record => "record",
            RecordOrigin::Import => "import",
            RecordOrigin::Dispose => "dispose",
            RecordOrigin::Seal => "seal",
            RecordOrigin::Correction => "correction",
        }
    }
}

/// A disposal to record, its values already parsed.
#[derive(Debug, Clone)]
pub struct NewRecord {
    pub date: NaiveDate,
    /// Stream code as the user wrote it (any spacing).
    pub stream: String,
    pub quantity: Quantity,
    pub unit: WasteUnit,
    pub physical_form: Option<&'static str>,
    /// Canonical HP codes (see [`super::parse_hp_codes`]).
    pub hp_codes: Option<String>,
    pub container: Option<String>,
    pub consignment_note: Option<String>,
    pub carrier: Option<String>,
    pub recorded_by: String,
    pub notes: Option<String>,
}

/// What a correction does to one optional value of the corrected record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Change<T> {
    /// Keep the corrected record's value.
    #[default]
    Keep,
    /// Leave the value empty.
    Clear,
    /// Use this value.
    Set(T),
}

impl<T: Clone> Change<T> {
    fn apply(&self, stored: Option<T>) -> Option<T> {
        match self {
            Change::Keep => stored,
            Change::Clear => None,
            Change::Set(v) => Some(v.clone()),
        }
    }
}

/// A correction of record `id`: `None` keeps the corrected record's value.
#[derive(Debug, Clone, Default)]
pub struct Correction {
    pub reason: String,
    /// Withdraw the record: the waste was not produced.
    pub withdraw: bool,
    pub date: Option<NaiveDate>,
    pub stream: Option<String>,
    pub quantity: Option<Quantity>,
    pub unit: Option<WasteUnit>,
    pub physical_form: Change<&'static str>,
    pub hp_codes: Change<String>,
    pub container: Change<String>,
    pub consignment_note: Change<String>,
    pub carrier: Change<String>,
    pub notes: Change<String>,
    pub recorded_by: String,
}

/// What a record command wrote.
#[derive(Debug, Clone, Serialize)]
pub struct Recorded {
    pub id: i64,
    pub date: String,
    pub stream: String,
    pub name: String,
    pub quantity: Quantity,
    pub unit: WasteUnit,
    /// The container as stored, and whether it is one the register tracks.
    pub container: Option<String>,
    pub container_registered: bool,
    pub corrects: Option<i64>,
}

/// One row for [`insert_record`]: everything already validated.
pub(crate) struct Insert<'a> {
    pub date: &'a str,
    pub stream: &'a str,
    pub quantity: Quantity,
    pub unit: WasteUnit,
    pub physical_form: Option<&'a str>,
    pub hp_codes: Option<&'a str>,
    pub container: Option<&'a str>,
    pub container_id: Option<i64>,
    pub consignment_note: Option<&'a str>,
    pub carrier: Option<&'a str>,
    pub recorded_by: &'a str,
    pub notes: Option<&'a str>,
    pub origin: RecordOrigin,
    pub movement_id: Option<i64>,
    pub corrects: Option<i64>,
    pub reason: Option<&'a str>,
    pub recorded_at: &'a str,
}

pub(crate) fn insert_record(conn: Conn<'_>, r: &Insert<'_>) -> Result<i64> {
    chain::append_cells(
        conn,
        &chain::WASTE_RECORDS,
        args![
            r.date,
            r.stream,
            r.quantity.milli(),
            r.unit.as_str(),
            r.physical_form,
            r.hp_codes,
            r.container,
            r.container_id,
            r.consignment_note,
            r.carrier,
            r.recorded_by,
            r.notes,
            r.origin.as_str(),
            r.movement_id,
            r.corrects,
            r.reason,
            r.recorded_at
        ],
    )
}

/// A waste record written by the ledger's `dispose` (SPEC §10: unit
/// `items`, item and lot named in the notes), in the ledger's transaction.
pub(crate) struct DisposalRecord<'a> {
    pub date: &'a str,
    pub stream: &'a str,
    pub quantity: i64,
    pub notes: String,
    pub movement_id: i64,
    pub user: &'a str,
    pub recorded_at: &'a str,
}

pub(crate) fn record_disposal(conn: Conn<'_>, r: &DisposalRecord<'_>) -> Result<i64> {
    insert_record(
        conn,
        &Insert {
            date: r.date,
            stream: r.stream,
            quantity: Quantity::whole(r.quantity),
            unit: WasteUnit::Items,
            physical_form: None,
            hp_codes: None,
            container: None,
            container_id: None,
            consignment_note: None,
            carrier: None,
            recorded_by: r.user,
            notes: Some(&r.notes),
            origin: RecordOrigin::Dispose,
            movement_id: Some(r.movement_id),
            corrects: None,
            reason: None,
            recorded_at: r.recorded_at,
        },
    )
}

fn trimmed(s: Option<&String>) -> Option<&str> {
    s.map(|s| s.trim()).filter(|s| !s.is_empty())
}

/// Check a record's consignment note against its stream (SPEC §10).
pub(crate) fn check_note(stream: &WasteStream, note: Option<&str>) -> Result<()> {
    match note {
        Some(n) if stream.hazardous && note_format(n).is_none() => Err(bad_note(n, &stream.code)),
        _ => Ok(()),
    }
}

/// The registered container a record names, checked: same stream, and
/// open (unless `keep` says it is the container the corrected record was
/// already in).
fn resolve_container(
    conn: Conn<'_>,
    text: Option<&str>,
    stream: &WasteStream,
    date: NaiveDate,
    keep: Option<i64>,
) -> Result<Option<ContainerState>> {
    let Some(text) = text else { return Ok(None) };
    let Some(c) = find_container(conn, text)? else {
        return Ok(None);
    };
    if c.stream != stream.code {
        return Err(Error::invalid(
            "container",
            text,
            format!(
                "container {} holds {} waste, not {}",
                c.code, c.stream, stream.code
            ),
        ));
    }
    if keep == Some(c.id) {
        return Ok(Some(c));
    }
    if let Some(on) = &c.sealed_on {
        return Err(Error::Refused(Refusal::ContainerSealedForWaste {
            container: c.code.clone(),
            on: on.clone(),
        }));
    }
    if date.to_string() < c.opened_on {
        return Err(Error::invalid(
            "date",
            date.to_string(),
            format!("container {} was opened on {}", c.code, c.opened_on),
        ));
    }
    Ok(Some(c))
}

/// Validate and write one record; `corrects` and `keep_container` are for
/// corrections.
fn write(
    conn: Conn<'_>,
    rec: &NewRecord,
    origin: RecordOrigin,
    correction: Option<(&Original, &str)>,
    now: DateTime<Utc>,
) -> Result<Recorded> {
    not_future(
        "date",
        rec.date,
        crate::clock::lab_date(now, crate::settings::lab_zone(conn)?),
    )?;
    let stream = find_stream(conn, &rec.stream)?;
    if let Some(hp) = &rec.hp_codes
        && !stream.hazardous
    {
        return Err(Error::invalid(
            "hazard property codes",
            hp,
            format!(
                "{} is not hazardous; HP codes apply only to hazardous waste",
                stream.code
            ),
        ));
    }
    let note = trimmed(rec.consignment_note.as_ref());
    check_note(&stream, note)?;
    if note.is_none()
        && let Some((orig, _)) = correction
        && let Some((_, linked)) = &orig.consignment
    {
        check_note(&stream, Some(linked))?;
    }
    let container_text = trimmed(rec.container.as_ref());
    let keep = correction.and_then(|(o, _)| o.container_id);
    let container = resolve_container(conn, container_text, &stream, rec.date, keep)?;
    let stored_container = container
        .as_ref()
        .map(|c| c.code.as_str())
        .or(container_text);
    let date = rec.date.to_string();
    let id = insert_record(
        conn,
        &Insert {
            date: &date,
            stream: &stream.code,
            quantity: rec.quantity,
            unit: rec.unit,
            physical_form: rec.physical_form,
            hp_codes: rec.hp_codes.as_deref(),
            container: stored_container,
            container_id: container.as_ref().map(|c| c.id),
            consignment_note: note,
            carrier: trimmed(rec.carrier.as_ref()),
            recorded_by: &rec.recorded_by,
            notes: trimmed(rec.notes.as_ref()),
            origin,
            movement_id: None,
            corrects: correction.map(|(o, _)| o.id),
            reason: correction.map(|(_, r)| r),
            recorded_at: &stamp(now),
        },
    )?;
    if let Some((orig, _)) = correction
        && let Some((consignment_id, _)) = &orig.consignment
    {
        // The corrected record left with a consignment: so does its correction.
        chain::append_cells(
            conn,
            &chain::WASTE_CONSIGNMENT_RECORDS,
            args![id, consignment_id],
        )?;
    }
    Ok(Recorded {
        id,
        date,
        stream: stream.code,
        name: stream.name,
        quantity: rec.quantity,
        unit: rec.unit,
        container: stored_container.map(str::to_owned),
        container_registered: container.is_some(),
        corrects: correction.map(|(o, _)| o.id),
    })
}

/// A record being corrected, as stored.
struct Original {
    id: i64,
    date: String,
    stream: String,
    quantity: Quantity,
    unit: WasteUnit,
    physical_form: Option<String>,
    hp_codes: Option<String>,
    container: Option<String>,
    container_id: Option<i64>,
    consignment_note: Option<String>,
    carrier: Option<String>,
    notes: Option<String>,
    corrected_by: Option<i64>,
    /// (consignment id, note) when it left with a consignment.
    consignment: Option<(i64, String)>,
}

fn original(conn: Conn<'_>, id: i64) -> Result<Original> {
    conn.query_opt(&sql::ORIGINAL, args![id], |r| {
        let consignment = match (r.get::<Option<i64>>(13)?, r.get::<Option<String>>(14)?) {
            (Some(k), Some(note)) => Some((k, note)),
            _ => None,
        };
        Ok(Original {
            id: r.get(0)?,
            date: r.get(1)?,
            stream: r.get(2)?,
            quantity: Quantity(r.get(3)?),
            unit: WasteUnit::from_db(&r.get::<String>(4)?),
            physical_form: r.get(5)?,
            hp_codes: r.get(6)?,
            container: r.get(7)?,
            container_id: r.get(8)?,
            consignment_note: r.get(9)?,
            carrier: r.get(10)?,
            notes: r.get(11)?,
            corrected_by: r.get(12)?,
            consignment,
        })
    })?
    .ok_or_else(|| Error::NotFound {
        entity: "waste record",
        key: id.to_string(),
        within: None,
        suggestions: Vec::new(),
    })
}

fn correct(conn: Conn<'_>, id: i64, c: &Correction, now: DateTime<Utc>) -> Result<Recorded> {
    let orig = original(conn, id)?;
    if let Some(by) = orig.corrected_by {
        return Err(Error::Refused(Refusal::RecordAlreadyCorrected { id, by }));
    }
    let reason = c.reason.trim();
    if reason.is_empty() {
        return Err(Error::missing(
            "reason",
            "a correction says why the record was wrong (--reason)",
        ));
    }
    let stored_form = orig
        .physical_form
        .as_deref()
        .map(parse_physical_form)
        .transpose()?;
    let physical_form = c.physical_form.apply(stored_form);
    let quantity = if c.withdraw {
        if c.quantity.is_some() {
            return Err(Error::invalid(
                "quantity",
                c.quantity.map(|q| q.to_string()).unwrap_or_default(),
                "a withdrawal has no quantity; drop --quantity or --withdraw",
            ));
        }
        Quantity(0)
    } else {
        match c.quantity {
            Some(q) => q,
            None if orig.quantity.milli() == 0 => {
                return Err(Error::missing(
                    "quantity",
                    format!("record {id} was a withdrawal; give the quantity it should have had"),
                ));
            }
            None => orig.quantity,
        }
    };
    let date = match c.date {
        Some(d) => d,
        None => parse_date("date", &orig.date)?,
    };
    let rec = NewRecord {
        date,
        stream: c.stream.clone().unwrap_or_else(|| orig.stream.clone()),
        quantity,
        unit: c.unit.unwrap_or(orig.unit),
        physical_form,
        hp_codes: c.hp_codes.apply(orig.hp_codes.clone()),
        container: c.container.apply(orig.container.clone()),
        consignment_note: c.consignment_note.apply(orig.consignment_note.clone()),
        carrier: c.carrier.apply(orig.carrier.clone()),
        recorded_by: c.recorded_by.clone(),
        notes: c.notes.apply(orig.notes.clone()),
    };
    write(
        conn,
        &rec,
        RecordOrigin::Correction,
        Some((&orig, reason)),
        now,
    )
}

impl Store {
    /// Record a disposal (`waste record`) as its own transaction.
    pub fn record_waste(&mut self, rec: &NewRecord, now: DateTime<Utc>) -> Result<Recorded> {
        self.transact(|conn| {
            lock_register(conn)?;
            write(conn, rec, RecordOrigin::Record, None, now)
        })
    }

    /// Correct (or withdraw) record `id` with a new record naming it.
    pub fn correct_waste(
        &mut self,
        id: i64,
        correction: &Correction,
        now: DateTime<Utc>,
    ) -> Result<Recorded> {
        self.transact(|conn| {
            lock_register(conn)?;
            correct(conn, id, correction, now)
        })
    }
}

/// The `waste` import format (SPEC §7), plus the physical form and HP
/// codes the register also keeps.
pub const WASTE: Format = Format {
    kind: "waste",
    columns: &[
        "date",
        "stream",
        "quantity",
        "unit",
        "container",
        "consignment_note",
        "carrier",
        "recorded_by",
        "notes",
        "physical_form",
        "hp_codes",
    ],
    required: &["date", "stream", "quantity", "unit"],
};

fn record_from_row(row: &CsvRow<'_>, ctx: &ImportContext<'_>) -> Result<NewRecord> {
    let date = row
        .parse("date", |v| parse_date("date", v))?
        .ok_or_else(|| row_missing(row, "date"))?;
    let quantity = row
        .parse("quantity", |v| Quantity::parse("quantity", v))?
        .ok_or_else(|| row_missing(row, "quantity"))?;
    let unit = row
        .parse("unit", WasteUnit::parse)?
        .ok_or_else(|| row_missing(row, "unit"))?;
    Ok(NewRecord {
        date,
        stream: row.need("stream")?.to_owned(),
        quantity,
        unit,
        physical_form: row.parse("physical_form", parse_physical_form)?,
        hp_codes: row.parse("hp_codes", parse_hp_codes)?,
        container: row.get("container").map(str::to_owned),
        consignment_note: row.get("consignment_note").map(str::to_owned),
        carrier: row.get("carrier").map(str::to_owned),
        recorded_by: row.get("recorded_by").unwrap_or(ctx.user).to_owned(),
        notes: row.get("notes").map(str::to_owned),
    })
}

fn row_missing(row: &CsvRow<'_>, column: &str) -> Error {
    Error::missing(column, "this column may not be empty").at_row(row.line, Some(column))
}

/// The import column a record's refusal concerns.
fn record_error_column(e: &Error) -> Option<&'static str> {
    match e {
        Error::NotFound {
            entity: "waste stream",
            ..
        } => Some("stream"),
        Error::Invalid { what, .. } | Error::Missing { what, .. } => match what.as_str() {
            "waste stream" | "waste stream code" => Some("stream"),
            "date" => Some("date"),
            "hazard property codes" => Some("hp_codes"),
            "consignment note" => Some("consignment_note"),
            "container" => Some("container"),
            _ => None,
        },
        Error::Refused(
            Refusal::ContainerSealedForWaste { .. }
            | Refusal::ContainerAlreadySealed { .. }
            | Refusal::ContainerStillOpen { .. }
            | Refusal::ContainerConsigned { .. },
        ) => Some("container"),
        _ => None,
    }
}

/// Import waste records (SPEC §7), all or nothing, in file order.
pub fn import_waste(
    store: &mut Store,
    source: impl Read,
    ctx: ImportContext<'_>,
) -> Result<ImportSummary> {
    import::run(store, &WASTE, source, &ctx, |conn, row, summary| {
        let rec = record_from_row(row, &ctx)?;
        write(conn, &rec, RecordOrigin::Import, None, ctx.now).map_err(|e| {
            let column = record_error_column(&e);
            e.at_row(row.line, column)
        })?;
        summary.written += 1;
        Ok(())
    })
}
