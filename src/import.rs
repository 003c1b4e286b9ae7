//! CSV import and export (SPEC §7). An import streams its file row by row
//! inside one transaction, reusing prepared statements, and applies each
//! row through the same code as the interactive command; the first bad
//! row rolls everything back and is reported with its line, column and
//! reason. Export writes movements in the import format so a database can
//! be rebuilt to identical balances.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read, Write};
use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};
use serde::Serialize;

use crate::catalogue::{Item, insert_item, insert_location};
use crate::db::Store;
use crate::error::{Error, Result};
use crate::ledger::{MovementRequest, record};
use crate::model::{
    Money, MovementKind, parse_bool, parse_count, parse_date, parse_quantity, parse_timestamp,
    stamp,
};

/// What an import wrote.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportSummary {
    pub rows: u64,
    pub written: u64,
    pub skipped: u64,
    pub warnings: Vec<String>,
}

/// Who and when, for every row of an import.
#[derive(Debug, Clone, Copy)]
pub struct ImportContext<'a> {
    pub now: DateTime<Utc>,
    pub user: &'a str,
    pub allow_expired: bool,
}

/// Open a CSV source: a file, or standard input for `-`.
pub fn open_source(path: &str) -> Result<Box<dyn Read>> {
    if path == "-" {
        return Ok(Box::new(std::io::stdin().lock()));
    }
    match File::open(path) {
        Ok(f) => Ok(Box::new(BufReader::with_capacity(1 << 16, f))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(Error::FileNotFound { path: path.into() })
        }
        Err(source) => Err(Error::Io {
            path: path.into(),
            source,
        }),
    }
}

/// The header of one import format: its columns and which are required.
pub struct Format {
    pub kind: &'static str,
    pub columns: &'static [&'static str],
    pub required: &'static [&'static str],
}

pub const LOCATIONS: Format = Format {
    kind: "locations",
    columns: &["code", "name"],
    required: &["code"],
};

pub const ITEMS: Format = Format {
    kind: "items",
    columns: &[
        "code",
        "name",
        "category",
        "unit",
        "pack_size",
        "reorder_level",
        "max_level",
        "reorder_qty",
        "lead_time_days",
        "supplier",
        "supplier_ref",
        "unit_cost",
        "storage",
        "hazard",
        "lot_tracked",
        "gtin",
        "waste_stream",
        "in_use_days",
    ],
    required: &["code", "name"],
};

pub const MOVEMENTS: Format = Format {
    kind: "movements",
    columns: &[
        "timestamp",
        "kind",
        "item",
        "quantity",
        "lot",
        "expiry",
        "location",
        "to_location",
        "reason",
        "reference",
        "user",
        "note",
    ],
    required: &["kind", "item", "quantity"],
};

/// One data row of an import, with access by column name. Empty cells
/// read as "not given".
pub struct CsvRow<'a> {
    record: &'a csv::StringRecord,
    index: &'a HashMap<&'static str, usize>,
    pub line: u64,
}

impl CsvRow<'_> {
    /// The cell of `column`, trimmed; `None` when absent or empty.
    pub fn get(&self, column: &str) -> Option<&str> {
        self.index
            .get(column)
            .and_then(|&i| self.record.get(i))
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    /// A required cell.
    pub fn need(&self, column: &str) -> Result<&str> {
        self.get(column).ok_or_else(|| {
            Error::missing(column, "this column may not be empty").at_row(self.line, Some(column))
        })
    }

    /// Parse the cell of `column` with `f`, attaching line and column to
    /// any error.
    pub fn parse<T>(&self, column: &str, f: impl FnOnce(&str) -> Result<T>) -> Result<Option<T>> {
        match self.get(column) {
            None => Ok(None),
            Some(v) => f(v)
                .map(Some)
                .map_err(|e| e.at_row(self.line, Some(column))),
        }
    }

    /// Wrap an error raised while applying the whole row.
    pub fn fail(&self, e: Error) -> Error {
        e.at_row(self.line, None)
    }
}

/// Read `source` as `format`, calling `apply` for each row inside one
/// transaction. Nothing is written unless every row succeeds.
pub fn run<F>(
    store: &mut Store,
    format: &Format,
    source: impl Read,
    mut apply: F,
) -> Result<ImportSummary>
where
    F: FnMut(&Connection, &CsvRow<'_>, &mut ImportSummary) -> Result<()>,
{
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(source);
    let index = header_index(format, reader.headers()?)?;
    let tx = store.write()?;
    let mut summary = ImportSummary::default();
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record)? {
        let line = record.position().map_or(0, csv::Position::line);
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let row = CsvRow {
            record: &record,
            index: &index,
            line,
        };
        summary.rows += 1;
        apply(&tx, &row, &mut summary).map_err(|e| row.fail(e))?;
    }
    tx.commit()?;
    Ok(summary)
}

fn header_index(
    format: &Format,
    headers: &csv::StringRecord,
) -> Result<HashMap<&'static str, usize>> {
    let mut index = HashMap::new();
    for (i, raw) in headers.iter().enumerate() {
        let name = raw
            .trim_start_matches('\u{feff}')
            .trim()
            .to_ascii_lowercase();
        let Some(known) = format.columns.iter().find(|c| **c == name) else {
            return Err(Error::invalid(
                format!("column in the {} header", format.kind),
                raw,
                format!(
                    "unknown column; expected some of: {}",
                    format.columns.join(",")
                ),
            )
            .at_row(1, Some(raw)));
        };
        if index.insert(*known, i).is_some() {
            return Err(
                Error::invalid("header", raw, "this column appears twice").at_row(1, Some(raw))
            );
        }
    }
    let missing: Vec<&str> = format
        .required
        .iter()
        .copied()
        .filter(|c| !index.contains_key(c))
        .collect();
    if !missing.is_empty() {
        return Err(Error::missing(
            format!("column {}", missing.join(", ")),
            format!(
                "an import of {} needs the columns {}",
                format.kind,
                format.required.join(",")
            ),
        )
        .at_row(1, None));
    }
    Ok(index)
}

/// Import locations; codes already present are skipped (reference data,
/// so re-running an import is harmless).
pub fn import_locations(
    store: &mut Store,
    source: impl Read,
    ctx: ImportContext<'_>,
) -> Result<ImportSummary> {
    let now = stamp(ctx.now);
    run(store, &LOCATIONS, source, |conn, row, summary| {
        let code = row.need("code")?;
        if insert_location(conn, code, row.get("name"), &now, ctx.user)? {
            summary.written += 1;
        } else {
            summary.skipped += 1;
        }
        Ok(())
    })
}

/// Build an item from an `items` row (shared with tests and fixtures).
pub fn item_from_row(row: &CsvRow<'_>) -> Result<Item> {
    let mut item = Item::new(row.need("code")?, row.need("name")?);
    item.category = row.get("category").map(str::to_owned);
    if let Some(unit) = row.get("unit") {
        item.unit = unit.to_owned();
    }
    let count = |c: &'static str| row.parse(c, |v| parse_count(c, v));
    if let Some(p) = count("pack_size")? {
        item.pack_size = p;
    }
    item.reorder_level = count("reorder_level")?;
    item.max_level = count("max_level")?;
    item.reorder_qty = count("reorder_qty")?;
    item.lead_time_days = count("lead_time_days")?;
    item.in_use_days = count("in_use_days")?;
    item.supplier = row.get("supplier").map(str::to_owned);
    item.supplier_ref = row.get("supplier_ref").map(str::to_owned);
    item.unit_cost = row.parse("unit_cost", Money::parse_pounds)?;
    item.storage = row.get("storage").map(str::to_owned);
    item.hazard = row.get("hazard").map(str::to_owned);
    item.lot_tracked = row
        .parse("lot_tracked", |v| parse_bool("lot_tracked", v))?
        .unwrap_or(false);
    item.gtin = row.get("gtin").map(str::to_owned);
    item.waste_stream = row.get("waste_stream").map(str::to_owned);
    Ok(item)
}

/// Which column a whole-item validation error belongs to, so the report
/// points at the right cell.
fn item_error_column(e: &Error) -> Option<&'static str> {
    let text = e.to_string();
    ITEMS
        .columns
        .iter()
        .copied()
        .find(|c| {
            text.contains(&format!("invalid {c} ")) || text.starts_with(&format!("invalid {c}"))
        })
        .or_else(|| {
            [
                ("item code", "code"),
                ("item name", "name"),
                ("unit cost", "unit_cost"),
                ("waste stream", "waste_stream"),
            ]
            .into_iter()
            .find(|(w, _)| text.contains(w))
            .map(|(_, c)| c)
        })
}

/// Import items; a code that exists already is an error (SPEC: duplicate
/// item code).
pub fn import_items(
    store: &mut Store,
    source: impl Read,
    ctx: ImportContext<'_>,
) -> Result<ImportSummary> {
    let now = stamp(ctx.now);
    run(store, &ITEMS, source, |conn, row, summary| {
        let mut item = item_from_row(row)?;
        insert_item(conn, &mut item, &now, ctx.user).map_err(|e| {
            let column = match &e {
                Error::AlreadyExists { .. } => Some("code"),
                other => item_error_column(other),
            };
            e.at_row(row.line, column)
        })?;
        summary.written += 1;
        Ok(())
    })
}

/// Turn a `movements` row into a ledger request (SPEC §7, §10).
pub fn movement_from_row(row: &CsvRow<'_>, ctx: &ImportContext<'_>) -> Result<MovementRequest> {
    let kind: MovementKind = row.parse("kind", str::parse)?.ok_or_else(|| {
        Error::missing("kind", "every movement row names its kind").at_row(row.line, Some("kind"))
    })?;
    if kind == MovementKind::Reverse {
        return Err(Error::invalid(
            "kind",
            "reverse",
            "reverse rows cannot be imported (a reversal names a movement id); use `labstock reverse ID`",
        )
        .at_row(row.line, Some("kind")));
    }
    let item = row.need("item")?;
    let quantity = row.parse("quantity", parse_quantity)?.ok_or_else(|| {
        Error::missing("quantity", "every movement row has a quantity")
            .at_row(row.line, Some("quantity"))
    })?;
    let at = row.parse("timestamp", parse_timestamp)?.unwrap_or(ctx.now);
    let user = row.get("user").unwrap_or(ctx.user);
    let mut req = MovementRequest::new(kind, item, quantity, at, user);
    req.lot = row.get("lot").map(str::to_owned);
    req.expiry = row.parse("expiry", |v| parse_date("expiry", v))?;
    req.location = row.get("location").map(str::to_owned);
    req.to_location = row.get("to_location").map(str::to_owned);
    req.reason = row.get("reason").map(str::to_owned);
    req.reference = row.get("reference").map(str::to_owned);
    req.note = row.get("note").map(str::to_owned);
    req.allow_expired = ctx.allow_expired;
    req.write_waste = false;
    req.link_order_by_reference = true;
    if req.to_location.is_some() && kind != MovementKind::Transfer {
        return Err(Error::invalid(
            "to_location",
            row.get("to_location").unwrap_or(""),
            "only a transfer has a to_location",
        )
        .at_row(row.line, Some("to_location")));
    }
    Ok(req)
}

/// The column a ledger refusal concerns, for the error report.
fn movement_error_column(e: &Error) -> Option<&'static str> {
    match e {
        Error::NotFound { entity: "item", .. } => Some("item"),
        Error::NotFound {
            entity: "location", ..
        } => Some("location"),
        Error::NotFound { entity: "lot", .. } => Some("lot"),
        Error::InsufficientStock { .. } => Some("quantity"),
        Error::Invalid { what, .. } | Error::Missing { what, .. } => match what.as_str() {
            "quantity" | "counted quantity" => Some("quantity"),
            "expiry" => Some("expiry"),
            "lot" => Some("lot"),
            "reason" => Some("reason"),
            "destination location" => Some("to_location"),
            _ => None,
        },
        _ => None,
    }
}

/// Import movements in file order, one transaction for the file.
pub fn import_movements(
    store: &mut Store,
    source: impl Read,
    ctx: ImportContext<'_>,
) -> Result<ImportSummary> {
    let now = stamp(ctx.now);
    run(store, &MOVEMENTS, source, |conn, row, summary| {
        let req = movement_from_row(row, &ctx)?;
        let outcome = record(conn, &req, &now).map_err(|e| {
            let column = movement_error_column(&e);
            e.at_row(row.line, column)
        })?;
        summary.written += outcome.movements.len() as u64;
        // A stocktake that differs from the book is the point of a count,
        // not something to warn about row by row in a bulk load.
        if req.kind != MovementKind::Count {
            for w in outcome.warnings {
                summary.warnings.push(format!("line {}: {w}", row.line));
            }
        }
        Ok(())
    })
}

/// Write every movement in the `movements` import format, in ledger
/// order. Reversals, which imports refuse, are written as the movement
/// that has the same effect: a transfer back, or an adjust.
pub fn export_movements(store: &Store, out: impl Write) -> Result<u64> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(MOVEMENTS.columns)?;
    let mut stmt = store.conn.prepare(
        "SELECT m.id, m.at, m.kind, i.code, m.quantity, m.counted, l.lot, l.expiry, loc.code, tl.code, \
         m.reason, m.reference, m.user, m.note, m.reverses \
         FROM movements m JOIN items i ON i.id = m.item_id JOIN lots l ON l.id = m.lot_id \
         JOIN locations loc ON loc.id = m.location_id LEFT JOIN locations tl ON tl.id = m.to_location_id \
         ORDER BY m.id",
    )?;
    let mut rows = stmt.query(params![])?;
    let mut n = 0u64;
    while let Some(r) = rows.next()? {
        let kind: String = r.get(2)?;
        let quantity: i64 = r.get(4)?;
        let counted: Option<i64> = r.get(5)?;
        let expiry: Option<String> = r.get(7)?;
        let location: String = r.get(8)?;
        let to: Option<String> = r.get(9)?;
        let reason: Option<String> = r.get(10)?;
        let reverses: Option<i64> = r.get(14)?;
        let (kind, qty, from, to, reason, expiry) = match kind.as_str() {
            "receive" => (kind.clone(), quantity, location, None, reason, expiry),
            "count" => (
                kind.clone(),
                counted.unwrap_or(0),
                location,
                None,
                reason,
                None,
            ),
            "adjust" => (kind.clone(), quantity, location, None, reason, None),
            "transfer" => (kind.clone(), -quantity, location, to, reason, None),
            "reverse" => {
                let why = format!(
                    "reversal of movement {}{}",
                    reverses.unwrap_or(0),
                    reason.map(|r| format!(": {r}")).unwrap_or_default()
                );
                match to {
                    // A reversed transfer moves the stock back.
                    Some(to) => (
                        "transfer".into(),
                        quantity,
                        to,
                        Some(location),
                        Some(why),
                        None,
                    ),
                    None => ("adjust".into(), quantity, location, None, Some(why), None),
                }
            }
            _ => (kind.clone(), -quantity, location, None, reason, None),
        };
        let lot: String = r.get(6)?;
        writer.write_record([
            r.get::<_, String>(1)?,
            kind,
            r.get::<_, String>(3)?,
            qty.to_string(),
            lot,
            expiry.unwrap_or_default(),
            from,
            to.unwrap_or_default(),
            reason.unwrap_or_default(),
            r.get::<_, Option<String>>(11)?.unwrap_or_default(),
            r.get::<_, String>(12)?,
            r.get::<_, Option<String>>(13)?.unwrap_or_default(),
        ])?;
        n += 1;
    }
    writer.flush().map_err(|source| Error::Io {
        path: Path::new("-").into(),
        source,
    })?;
    Ok(n)
}
