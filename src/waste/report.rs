//! Reports of the waste register as pure functions returning rows (SPEC
//! §5): the register (`report waste`, and `waste list` with the history
//! of corrections), its totals by stream and month (`--totals`, one line
//! per unit, so kg and L are never added together), the consignment
//! register (`report consignments`), and the hazardous records left
//! without a consignment note for more than 30 days.
//!
//! "Live" records are the ones that count: not corrected by a later
//! record, and not a withdrawal (quantity 0). The register reads them
//! through the date and stream indexes; nothing here scans the stock
//! ledger.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use super::{Quantity, WasteUnit, find_stream, sql};
use crate::args;
use crate::error::{Error, Result};
use crate::store::Store;
use crate::store::{Cell, Conn, Row};

/// Which records a report or listing covers.
#[derive(Debug, Clone, Default)]
pub struct WasteFilter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Stream code in any spacing.
    pub stream: Option<String>,
    /// Records dated after this day are not shown.
    pub as_of: Option<NaiveDate>,
}

/// One record of the register.
#[derive(Debug, Clone, Serialize)]
pub struct WasteRow {
    pub id: i64,
    pub date: String,
    pub stream: String,
    pub name: String,
    pub hazardous: bool,
    pub quantity: Quantity,
    pub unit: WasteUnit,
    pub container: Option<String>,
    /// The record's own note, else the note of the consignment it left on.
    pub consignment_note: Option<String>,
    pub carrier: Option<String>,
    pub recorded_by: String,
    pub physical_form: Option<String>,
    pub hp_codes: Option<String>,
    /// Where the record came from: `waste record`, `import`, `dispose
    /// movement N`, `container seal`, `correction of record N`.
    pub source: String,
    /// The stock movement of a record written by `dispose`.
    pub movement: Option<i64>,
    pub corrects: Option<i64>,
    pub corrected_by: Option<i64>,
    pub reason: Option<String>,
    pub notes: Option<String>,
}

/// Columns of `report waste`: SPEC §5's, then the register's own.
pub const REPORT_COLUMNS: &[&str] = &[
    "date",
    "stream",
    "name",
    "hazardous",
    "quantity",
    "unit",
    "container",
    "consignment_note",
    "carrier",
    "recorded_by",
    "physical_form",
    "hp_codes",
    "id",
    "source",
    "notes",
];

/// Columns of `waste list`: every record, with its history.
pub const LIST_COLUMNS: &[&str] = &[
    "id",
    "date",
    "stream",
    "name",
    "hazardous",
    "quantity",
    "unit",
    "container",
    "consignment_note",
    "carrier",
    "recorded_by",
    "physical_form",
    "hp_codes",
    "source",
    "movement",
    "corrects",
    "corrected_by",
    "reason",
    "notes",
];

fn source_text(origin: &str, movement: Option<i64>, corrects: Option<i64>) -> String {
    match (origin, movement, corrects) {
        ("dispose", Some(m), _) => format!("dispose movement {m}"),
        ("correction", _, Some(c)) => format!("correction of record {c}"),
        ("seal", _, _) => "container seal".into(),
        ("import", _, _) => "import".into(),
        _ => "waste record".into(),
    }
}

/// The inclusive date range of a filter, as bounds the date index can
/// use: `--to` and `--as-of`, whichever is earlier, close it.
fn date_bounds(filter: &WasteFilter) -> (String, String) {
    let from = filter.from.map(|d| d.to_string()).unwrap_or_default();
    let to = match (filter.to, filter.as_of) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    (
        from,
        to.map_or_else(|| "9999-12-31".to_owned(), |d| d.to_string()),
    )
}

fn stream_code(conn: Conn<'_>, filter: &WasteFilter) -> Result<Option<String>> {
    filter
        .stream
        .as_deref()
        .map(|s| find_stream(conn, s).map(|s| s.code))
        .transpose()
}

fn waste_row(r: &Row<'_>) -> Result<WasteRow> {
    let origin: String = r.get(13)?;
    let movement: Option<i64> = r.get(14)?;
    let corrects: Option<i64> = r.get(15)?;
    Ok(WasteRow {
        id: r.get(0)?,
        date: r.get(1)?,
        stream: r.get(2)?,
        name: r.get(3)?,
        hazardous: r.get(4)?,
        quantity: Quantity(r.get(5)?),
        unit: WasteUnit::from_db(&r.get::<String>(6)?),
        container: r.get(7)?,
        consignment_note: r.get(8)?,
        carrier: r.get(9)?,
        recorded_by: r.get(10)?,
        physical_form: r.get(11)?,
        hp_codes: r.get(12)?,
        source: source_text(&origin, movement, corrects),
        movement,
        corrects,
        corrected_by: r.get(16)?,
        reason: r.get(17)?,
        notes: r.get(18)?,
    })
}

fn rows(conn: Conn<'_>, filter: &WasteFilter, live_only: bool) -> Result<Vec<WasteRow>> {
    let stream = stream_code(conn, filter)?;
    let (from, to) = date_bounds(filter);
    let statement = if live_only {
        &sql::LIVE_RECORDS
    } else {
        &sql::RECORDS
    };
    conn.query_all(statement, args![from, to, stream], waste_row)
}

/// Totals of one stream in one month in one unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TotalRow {
    pub stream: String,
    pub name: String,
    pub hazardous: bool,
    /// `YYYY-MM`
    pub month: String,
    pub unit: WasteUnit,
    pub quantity: Quantity,
    pub records: i64,
}

/// Columns of `report waste --totals`.
pub const TOTAL_COLUMNS: &[&str] = &[
    "stream",
    "name",
    "hazardous",
    "month",
    "unit",
    "quantity",
    "records",
];

/// A text column without copying it (where the engine lends it).
fn text<'a>(row: &'a Row<'_>, i: usize) -> Result<std::borrow::Cow<'a, str>> {
    match row.cell(i)? {
        Cell::Text(t) => Ok(t),
        other => Err(Error::Sqlite {
            detail: format!("column {i}: expected text, found {}", other.kind()),
        }),
    }
}

fn totals(conn: Conn<'_>, filter: &WasteFilter) -> Result<Vec<TotalRow>> {
    let stream = stream_code(conn, filter)?;
    let corrected: std::collections::HashSet<i64> = conn
        .query_all(&sql::CORRECTED_RECORDS, args![], |r| r.get::<i64>(0))?
        .into_iter()
        .collect();
    // A handful of streams: a short list beats hashing every record's code.
    let mut streams: Vec<String> = Vec::new();
    let mut groups: std::collections::HashMap<(usize, [u8; 7], WasteUnit), (i64, i64)> =
        std::collections::HashMap::new();
    let (from, to) = date_bounds(filter);
    conn.for_each(&sql::TOTALS_RECORDS, args![from, to, stream], |r| {
        if corrected.contains(&r.get::<i64>(0)?) {
            return Ok(());
        }
        let date = text(r, 1)?;
        let date = date.as_bytes();
        let mut month = [0u8; 7];
        let n = date.len().min(7);
        month[..n].copy_from_slice(&date[..n]);
        let code = text(r, 2)?;
        let s = match streams.iter().position(|c| *c == *code) {
            Some(i) => i,
            None => {
                streams.push(code.into_owned());
                streams.len() - 1
            }
        };
        let unit = WasteUnit::from_db(&text(r, 3)?);
        let g = groups.entry((s, month, unit)).or_insert((0, 0));
        g.0 += r.get::<i64>(4)?;
        g.1 += 1;
        Ok(())
    })?;
    let mut described = Vec::with_capacity(streams.len());
    for code in &streams {
        let (name, hazardous): (String, bool) =
            conn.query_one(&sql::STREAM_DESCRIPTION, args![code], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        described.push((name, hazardous));
    }
    let mut found = Vec::with_capacity(groups.len());
    for ((s, month, unit), (milli, records)) in groups {
        let (name, hazardous) = &described[s];
        found.push(TotalRow {
            stream: streams[s].clone(),
            name: name.clone(),
            hazardous: *hazardous,
            month: String::from_utf8_lossy(&month)
                .trim_end_matches('\0')
                .to_owned(),
            unit,
            quantity: Quantity(milli),
            records,
        });
    }
    // Units in a fixed order (kg, L, items, containers), not alphabetically.
    found.sort_by(|a, b| (&a.stream, &a.month, a.unit).cmp(&(&b.stream, &b.month, b.unit)));
    Ok(found)
}

/// One line of the consignment register: what one note took of one stream
/// in one unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsignmentRow {
    pub consignment_note: String,
    /// The consignment's collection date; for a note given only on records
    /// (imported history), the latest record date under it.
    pub collected_on: String,
    pub carrier: Option<String>,
    pub carrier_registration: Option<String>,
    pub destination: Option<String>,
    pub stream: String,
    pub name: String,
    pub hazardous: bool,
    pub quantity: Quantity,
    pub unit: WasteUnit,
    /// Records under the note, withdrawn ones included.
    pub records: i64,
    pub containers: i64,
    /// Records under the note withdrawn after they were recorded (a
    /// consignment is evidence of what left the site: a withdrawal keeps
    /// its record in it, marked, with quantity 0).
    pub withdrawn: i64,
}

/// Columns of `report consignments`.
pub const CONSIGNMENT_COLUMNS: &[&str] = &[
    "consignment_note",
    "collected_on",
    "carrier",
    "carrier_registration",
    "destination",
    "stream",
    "name",
    "hazardous",
    "quantity",
    "unit",
    "records",
    "containers",
    "withdrawn",
];

fn consignments(conn: Conn<'_>, filter: &WasteFilter) -> Result<Vec<ConsignmentRow>> {
    let stream = stream_code(conn, filter)?;
    struct Group {
        collected_on: Option<String>,
        latest: String,
        carrier: Option<String>,
        registration: Option<String>,
        destination: Option<String>,
        name: String,
        hazardous: bool,
        milli: i64,
        records: i64,
        withdrawn: i64,
        containers: Vec<String>,
    }
    let mut groups: BTreeMap<(String, String, WasteUnit), Group> = BTreeMap::new();
    let as_of = filter.as_of.map(|d| d.to_string());
    conn.for_each(&sql::CONSIGNMENT_LINES, args![stream, as_of], |r| {
        let note: String = r.get(0)?;
        let date: String = r.get(2)?;
        let unit = WasteUnit::from_db(&r.get::<String>(9)?);
        let g = groups
            .entry((note, r.get(6)?, unit))
            .or_insert_with(|| Group {
                collected_on: None,
                latest: String::new(),
                carrier: None,
                registration: None,
                destination: None,
                name: String::new(),
                hazardous: false,
                milli: 0,
                records: 0,
                withdrawn: 0,
                containers: Vec::new(),
            });
        g.collected_on = g.collected_on.take().or(r.get(1)?);
        if date > g.latest {
            g.latest = date;
        }
        g.carrier = g.carrier.take().or(r.get(3)?);
        g.registration = g.registration.take().or(r.get(4)?);
        g.destination = g.destination.take().or(r.get(5)?);
        g.name = r.get(7)?;
        g.hazardous = r.get(8)?;
        let milli: i64 = r.get(10)?;
        g.milli = g.milli.checked_add(milli).ok_or_else(|| {
            Error::invalid(
                "waste quantity",
                milli.to_string(),
                "a consignment total within range",
            )
        })?;
        g.records += 1;
        if milli == 0 {
            g.withdrawn += 1;
        }
        if let Some(c) = r.get::<Option<String>>(11)?
            && !g.containers.iter().any(|k| k.eq_ignore_ascii_case(&c))
        {
            g.containers.push(c);
        }
        Ok(())
    })?;
    let from = filter.from.map(|d| d.to_string());
    let to = filter.to.map(|d| d.to_string());
    let mut out: Vec<ConsignmentRow> = groups
        .into_iter()
        .map(|((note, stream, unit), g)| ConsignmentRow {
            consignment_note: note,
            collected_on: g.collected_on.unwrap_or(g.latest),
            carrier: g.carrier,
            carrier_registration: g.registration,
            destination: g.destination,
            stream,
            name: g.name,
            hazardous: g.hazardous,
            quantity: Quantity(g.milli),
            unit,
            records: g.records,
            containers: g.containers.len() as i64,
            withdrawn: g.withdrawn,
        })
        .filter(|row| {
            from.as_ref().is_none_or(|f| row.collected_on >= *f)
                && to.as_ref().is_none_or(|t| row.collected_on <= *t)
        })
        .collect();
    out.sort_by(|a, b| {
        (&a.collected_on, &a.consignment_note, &a.stream, a.unit).cmp(&(
            &b.collected_on,
            &b.consignment_note,
            &b.stream,
            b.unit,
        ))
    });
    Ok(out)
}

/// A hazardous record with no consignment note for longer than allowed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unconsigned {
    pub id: i64,
    pub date: String,
    pub stream: String,
    pub quantity: Quantity,
    pub unit: WasteUnit,
    pub container: Option<String>,
    pub days: i64,
}

impl std::fmt::Display for Unconsigned {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let container = self
            .container
            .as_deref()
            .map(|c| format!(", container {c}"))
            .unwrap_or_default();
        write!(
            f,
            "hazardous waste record {} ({}, {}, {} {}{container}) is {} days old with no consignment note",
            self.id, self.date, self.stream, self.quantity, self.unit, self.days
        )
    }
}

/// How long hazardous waste may wait for its consignment note before the
/// reports warn.
pub const CONSIGNMENT_DAYS: i64 = 30;

fn unconsigned(conn: Conn<'_>, as_of: NaiveDate) -> Result<Vec<Unconsigned>> {
    let cutoff = as_of - Duration::days(CONSIGNMENT_DAYS);
    let found = conn.query_all(&sql::UNCONSIGNED, args![cutoff.to_string()], |r| {
        let date: String = r.get(1)?;
        Ok((
            date,
            Unconsigned {
                id: r.get(0)?,
                date: String::new(),
                stream: r.get(2)?,
                quantity: Quantity(r.get(3)?),
                unit: WasteUnit::from_db(&r.get::<String>(4)?),
                container: r.get(5)?,
                days: 0,
            },
        ))
    })?;
    let mut out = Vec::with_capacity(found.len());
    for (date, mut u) in found {
        let d = crate::model::parse_date("date", &date)?;
        u.days = (as_of - d).num_days();
        u.date = date;
        out.push(u);
    }
    Ok(out)
}

impl Store {
    /// The register: live records, by date (`report waste`).
    pub fn waste_report(&self, filter: &WasteFilter) -> Result<Vec<WasteRow>> {
        self.read(|conn| rows(conn, filter, true))
    }

    /// Every record, corrected ones and withdrawals included (`waste list`).
    pub fn waste_records(&self, filter: &WasteFilter) -> Result<Vec<WasteRow>> {
        self.read(|conn| rows(conn, filter, false))
    }

    /// Totals by stream, month and unit (`report waste --totals`).
    pub fn waste_totals(&self, filter: &WasteFilter) -> Result<Vec<TotalRow>> {
        self.read(|conn| totals(conn, filter))
    }

    /// The consignment register (`report consignments`); `from`/`to`
    /// select by collection date.
    pub fn consignment_register(&self, filter: &WasteFilter) -> Result<Vec<ConsignmentRow>> {
        self.read(|conn| consignments(conn, filter))
    }

    /// Hazardous live records older than 30 days on `as_of` with no
    /// consignment note.
    pub fn unconsigned_hazardous(&self, as_of: NaiveDate) -> Result<Vec<Unconsigned>> {
        self.read(|conn| unconsigned(conn, as_of))
    }
}
