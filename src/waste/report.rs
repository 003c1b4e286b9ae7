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
use rusqlite::{Connection, params};
use serde::Serialize;

use super::{Quantity, WasteUnit, find_stream};
use crate::db::Store;
use crate::error::{Error, Result};

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

/// Records that stand: not corrected by a later record. A withdrawal
/// (quantity 0) stands too.
const NOT_CORRECTED: &str = "NOT EXISTS (SELECT 1 FROM waste_records x WHERE x.corrects = r.id)";

const LIVE: &str =
    "r.quantity_milli > 0 AND NOT EXISTS (SELECT 1 FROM waste_records x WHERE x.corrects = r.id)";

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

fn stream_code(conn: &Connection, filter: &WasteFilter) -> Result<Option<String>> {
    filter
        .stream
        .as_deref()
        .map(|s| find_stream(conn, s).map(|s| s.code))
        .transpose()
}

fn rows(conn: &Connection, filter: &WasteFilter, live_only: bool) -> Result<Vec<WasteRow>> {
    let stream = stream_code(conn, filter)?;
    let sql = format!(
        "SELECT r.id, r.date, r.stream, s.name, s.hazardous, r.quantity_milli, r.unit, r.container, \
         COALESCE(r.consignment_note, k.note), COALESCE(r.carrier, k.carrier), r.recorded_by, \
         r.physical_form, r.hp_codes, r.origin, r.movement_id, r.corrects, \
         (SELECT x.id FROM waste_records x WHERE x.corrects = r.id), r.reason, r.notes \
         FROM waste_records r JOIN waste_streams s ON s.code = r.stream \
         LEFT JOIN waste_consignment_records l ON l.record_id = r.id \
         LEFT JOIN waste_consignments k ON k.id = l.consignment_id \
         WHERE r.date BETWEEN ?1 AND ?2 AND (?3 IS NULL OR r.stream = ?3) {} \
         ORDER BY r.date, r.id",
        if live_only {
            format!("AND {LIVE}")
        } else {
            String::new()
        }
    );
    let (from, to) = date_bounds(filter);
    let mut stmt = conn.prepare(&sql)?;
    let found = stmt
        .query_map(params![from, to, stream], |r| {
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
                unit: WasteUnit::from_db(&r.get::<_, String>(6)?),
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
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(found)
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

/// The hot SQL of `report waste --totals`: the records in a date range,
/// read from the covering index `waste_records_totals` alone (no table
/// row, no per-record subquery, no sort); grouped in one pass in Rust.
pub const TOTALS_RECORDS: &str = "SELECT r.id, r.date, r.stream, r.unit, r.quantity_milli \
     FROM waste_records r \
     WHERE r.date BETWEEN ?1 AND ?2 AND (?3 IS NULL OR r.stream = ?3) AND r.quantity_milli > 0";

/// The records that a later record corrects (so no longer count), from
/// the unique index on `corrects`, which skips the NULLs.
pub const CORRECTED_RECORDS: &str = "SELECT corrects FROM waste_records WHERE corrects IS NOT NULL";

/// A text column without copying it.
fn text<'a>(row: &'a rusqlite::Row<'_>, i: usize) -> rusqlite::Result<&'a str> {
    Ok(row.get_ref(i)?.as_str()?)
}

fn totals(conn: &Connection, filter: &WasteFilter) -> Result<Vec<TotalRow>> {
    let stream = stream_code(conn, filter)?;
    let corrected = conn
        .prepare(CORRECTED_RECORDS)?
        .query_map([], |r| r.get::<_, i64>(0))?
        .collect::<rusqlite::Result<std::collections::HashSet<i64>>>()?;
    // A handful of streams: a short list beats hashing every record's code.
    let mut streams: Vec<String> = Vec::new();
    let mut groups: std::collections::HashMap<(usize, [u8; 7], WasteUnit), (i64, i64)> =
        std::collections::HashMap::new();
    let (from, to) = date_bounds(filter);
    let mut stmt = conn.prepare(TOTALS_RECORDS)?;
    let mut q = stmt.query(params![from, to, stream])?;
    while let Some(r) = q.next()? {
        if corrected.contains(&r.get::<_, i64>(0)?) {
            continue;
        }
        let date = text(r, 1)?.as_bytes();
        let mut month = [0u8; 7];
        let n = date.len().min(7);
        month[..n].copy_from_slice(&date[..n]);
        let code = text(r, 2)?;
        let s = match streams.iter().position(|c| c == code) {
            Some(i) => i,
            None => {
                streams.push(code.to_owned());
                streams.len() - 1
            }
        };
        let unit = WasteUnit::from_db(text(r, 3)?);
        let g = groups.entry((s, month, unit)).or_insert((0, 0));
        g.0 += r.get::<_, i64>(4)?;
        g.1 += 1;
    }
    let mut names = conn.prepare("SELECT name, hazardous FROM waste_streams WHERE code = ?1")?;
    let mut described = Vec::with_capacity(streams.len());
    for code in &streams {
        let (name, hazardous): (String, bool) =
            names.query_row([code], |r| Ok((r.get(0)?, r.get(1)?)))?;
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

fn consignments(conn: &Connection, filter: &WasteFilter) -> Result<Vec<ConsignmentRow>> {
    let stream = stream_code(conn, filter)?;
    let sql = format!(
        "SELECT COALESCE(r.consignment_note, k.note), k.collected_on, r.date, COALESCE(k.carrier, r.carrier), \
         k.carrier_registration, k.destination, r.stream, s.name, s.hazardous, r.unit, r.quantity_milli, r.container \
         FROM waste_records r JOIN waste_streams s ON s.code = r.stream \
         LEFT JOIN waste_consignment_records l ON l.record_id = r.id \
         LEFT JOIN waste_consignments k ON k.id = l.consignment_id \
         WHERE COALESCE(r.consignment_note, k.note) IS NOT NULL AND (?1 IS NULL OR r.stream = ?1) \
         AND (?2 IS NULL OR r.date <= ?2) AND {NOT_CORRECTED} ORDER BY r.date, r.id"
    );
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
    let mut stmt = conn.prepare(&sql)?;
    let mut q = stmt.query(params![stream, filter.as_of.map(|d| d.to_string())])?;
    while let Some(r) = q.next()? {
        let note: String = r.get(0)?;
        let date: String = r.get(2)?;
        let unit = WasteUnit::from_db(&r.get::<_, String>(9)?);
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
        if let Some(c) = r.get::<_, Option<String>>(11)?
            && !g.containers.iter().any(|k| k.eq_ignore_ascii_case(&c))
        {
            g.containers.push(c);
        }
    }
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

/// Hazardous live records dated before ?1 with no consignment note: read
/// through the partial index `waste_records_unconsigned`, which holds only
/// the records without a note (every `report waste` runs it for its
/// warnings).
pub const UNCONSIGNED: &str = "SELECT r.id, r.date, r.stream, r.quantity_milli, r.unit, r.container \
     FROM waste_records r JOIN waste_streams s ON s.code = r.stream \
     WHERE s.hazardous = 1 AND r.date < ?1 AND r.consignment_note IS NULL \
     AND NOT EXISTS (SELECT 1 FROM waste_consignment_records l WHERE l.record_id = r.id) \
     AND r.quantity_milli > 0 AND NOT EXISTS (SELECT 1 FROM waste_records x WHERE x.corrects = r.id) \
     ORDER BY r.date, r.id";

/// How long hazardous waste may wait for its consignment note before the
/// reports warn.
pub const CONSIGNMENT_DAYS: i64 = 30;

fn unconsigned(conn: &Connection, as_of: NaiveDate) -> Result<Vec<Unconsigned>> {
    let cutoff = as_of - Duration::days(CONSIGNMENT_DAYS);
    let mut stmt = conn.prepare(UNCONSIGNED)?;
    let found = stmt
        .query_map([cutoff.to_string()], |r| {
            let date: String = r.get(1)?;
            Ok((
                date,
                Unconsigned {
                    id: r.get(0)?,
                    date: String::new(),
                    stream: r.get(2)?,
                    quantity: Quantity(r.get(3)?),
                    unit: WasteUnit::from_db(&r.get::<_, String>(4)?),
                    container: r.get(5)?,
                    days: 0,
                },
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
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
        rows(self.sqlite()?, filter, true)
    }

    /// Every record, corrected ones and withdrawals included (`waste list`).
    pub fn waste_records(&self, filter: &WasteFilter) -> Result<Vec<WasteRow>> {
        rows(self.sqlite()?, filter, false)
    }

    /// Totals by stream, month and unit (`report waste --totals`).
    pub fn waste_totals(&self, filter: &WasteFilter) -> Result<Vec<TotalRow>> {
        totals(self.sqlite()?, filter)
    }

    /// The consignment register (`report consignments`); `from`/`to`
    /// select by collection date.
    pub fn consignment_register(&self, filter: &WasteFilter) -> Result<Vec<ConsignmentRow>> {
        consignments(self.sqlite()?, filter)
    }

    /// Hazardous live records older than 30 days on `as_of` with no
    /// consignment note.
    pub fn unconsigned_hazardous(&self, as_of: NaiveDate) -> Result<Vec<Unconsigned>> {
        unconsigned(self.sqlite()?, as_of)
    }
}
