//! CSV import and export (SPEC §7). An import streams its file row by row
//! inside one transaction, reusing prepared statements, and applies each
//! row through the same code as the interactive command; the first bad
//! row rolls everything back and is reported with its line, column and
//! reason. Export writes movements in the import format so a database can
//! be rebuilt to identical balances.

pub mod log;
mod scan;

use std::fs::File;
use std::io::{BufReader, Read, Write};
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::catalogue::{Item, insert_item, insert_location};
use crate::error::{Error, Result};
use crate::ledger::{Lookups, MovementRequest, record_with};
use crate::report::csv_escape;
use crate::store::Conn;
use crate::store::Store;
use scan::{MAX_FIELDS, Scan, ScanProblem};

pub use scan::MAX_CELL_BYTES;

use crate::model::{
    Money, MovementKind, Quantity, Timestamp, parse_bool, parse_count, parse_date,
    parse_lab_timestamp, stamp,
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
    /// The lab's time zone: a bare date means 12:00 there (SPEC §10).
    pub zone: crate::clock::Zone,
    pub user: &'a str,
    pub allow_expired: bool,
    /// Import a file identical to one imported before (SPEC §10).
    pub again: bool,
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
    columns: &[
        "code",
        "name",
        "min_temp",
        "max_temp",
        "tolerance_minutes",
        "site",
    ],
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
        "acceptance_required",
        "shelf_life_days",
        "ghs",
        "signal_word",
        "h_statements",
        "p_statements",
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
        "opened_on",
    ],
    required: &["kind", "item", "quantity"],
};

/// One data row of an import, with access by column name. Empty cells
/// read as "not given".
pub struct CsvRow<'a> {
    /// The row's cells, already cleaned (see [`scan::clean_cell`]).
    record: &'a csv::StringRecord,
    /// (column name, position in the record), in header order: a few
    /// string compares find a column faster than hashing its name.
    index: &'a [(&'static str, usize)],
    pub line: u64,
}

impl CsvRow<'_> {
    /// The cell of `column`, trimmed; `None` when absent or empty.
    pub fn get(&self, column: &str) -> Option<&str> {
        self.index
            .iter()
            .find(|(name, _)| *name == column)
            .and_then(|&(_, i)| self.record.get(i))
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

/// SQLite page cache for the one transaction of an import, in KiB. A bulk
/// load touches index pages all over the ledger; with SQLite's default
/// 2 MiB most index inserts miss the cache, and the dirty pages it has to
/// evict are written to the WAL and read back again. 48 MiB holds the hot
/// index pages of a two-million-movement ledger while the whole import
/// stays under 100 MB of memory. Durability is untouched: the commit is
/// still one fsynced transaction (synchronous FULL).
const IMPORT_CACHE_KIB: i64 = 48 * 1024;

/// Read `source` as `format`, calling `apply` for each row inside one
/// transaction. Nothing is written unless every row succeeds.
///
/// The file is read as spreadsheets and other systems write CSV: a UTF-8
/// byte-order mark is ignored, line ends may be `\n`, `\r\n` or `\r`,
/// quoted cells may hold commas, doubled quotes and line breaks, and
/// columns whose header is empty (the `,,,` a spreadsheet leaves after the
/// last column) are ignored as long as every cell in them is empty too.
/// Anything else that is not clean CSV is refused with its line and
/// column: bytes that are not UTF-8, a quote never closed, a row with too
/// few or too many cells, a cell over [`MAX_CELL_BYTES`].
///
/// Every import that writes rows is logged ([`log`]); a file identical to
/// one imported before as the same kind is refused unless `ctx.again`.
pub fn run<F>(
    store: &mut Store,
    format: &Format,
    source: impl Read,
    ctx: &ImportContext<'_>,
    apply: F,
) -> Result<ImportSummary>
where
    F: FnMut(Conn<'_>, &CsvRow<'_>, &mut ImportSummary) -> Result<()>,
{
    run_then(store, format, source, ctx, apply, |_, _| Ok(()))
}

/// [`run`], then `finish` in the same transaction once every row is
/// applied (state maintained over the whole file, such as excursions).
pub fn run_then<F, G>(
    store: &mut Store,
    format: &Format,
    source: impl Read,
    ctx: &ImportContext<'_>,
    apply: F,
    finish: G,
) -> Result<ImportSummary>
where
    F: FnMut(Conn<'_>, &CsvRow<'_>, &mut ImportSummary) -> Result<()>,
    G: FnOnce(Conn<'_>, &mut ImportSummary) -> Result<()>,
{
    store.with_page_cache(IMPORT_CACHE_KIB, |store| {
        run_in_transaction(store, format, source, ctx, apply, finish)
    })
}

fn run_in_transaction<F, G>(
    store: &mut Store,
    format: &Format,
    source: impl Read,
    ctx: &ImportContext<'_>,
    mut apply: F,
    finish: G,
) -> Result<ImportSummary>
where
    F: FnMut(Conn<'_>, &CsvRow<'_>, &mut ImportSummary) -> Result<()>,
    G: FnOnce(Conn<'_>, &mut ImportSummary) -> Result<()>,
{
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(Scan::new(log::Hashing::new(source)));
    match apply_rows(store, format, &mut reader, ctx, &mut apply, finish) {
        Ok(summary) => Ok(summary),
        // A refused file that was imported before: say so, not which of
        // its rows now fails (nothing was written either way).
        Err(e) => match reader.get_mut().inner_mut().finish() {
            Some((sha256, _)) => {
                store.read(|conn| log::refuse_repeat(conn, format.kind, &sha256, ctx.again))?;
                Err(e)
            }
            None => Err(e),
        },
    }
}

fn apply_rows<R: Read, F, G>(
    store: &mut Store,
    format: &Format,
    reader: &mut csv::Reader<Scan<log::Hashing<R>>>,
    ctx: &ImportContext<'_>,
    apply: &mut F,
    finish: G,
) -> Result<ImportSummary>
where
    F: FnMut(Conn<'_>, &CsvRow<'_>, &mut ImportSummary) -> Result<()>,
    G: FnOnce(Conn<'_>, &mut ImportSummary) -> Result<()>,
{
    let mut raw = csv::ByteRecord::new();
    if !read_row(reader, &mut raw, None)? {
        return Err(Error::Csv(format!(
            "the file is empty: there is no header row (an import of {} starts with a line naming its columns, e.g. {})",
            format.kind,
            format.required.join(",")
        )));
    }
    let header_line = reader.get_mut().next_row_line();
    let header = header_text(raw, header_line)?;
    let shape = Shape::new(format, &header, header_line)?;
    // One transaction, run once: the file is read as it is applied, so it
    // cannot be read again for a retry.
    store.transact_once(|conn| {
        let mut summary = ImportSummary::default();
        let mut raw = csv::ByteRecord::new();
        let mut cleaned = csv::StringRecord::new();
        while read_row(reader, &mut raw, Some(&shape))? {
            let line = reader.get_mut().next_row_line();
            let record = row_text(std::mem::take(&mut raw), line, &shape)?;
            if record.iter().all(|c| c.trim().is_empty()) {
                // A blank spreadsheet row (`,,,`).
                raw = record.into_byte_record();
                continue;
            }
            shape.check(&record, line)?;
            let cells = if record.iter().any(scan::needs_cleaning) {
                cleaned.clear();
                for cell in &record {
                    cleaned.push_field(&scan::clean_cell(cell));
                }
                if cleaned.iter().all(str::is_empty) {
                    // Only escaped whitespace: blank too.
                    raw = record.into_byte_record();
                    continue;
                }
                &cleaned
            } else {
                &record
            };
            let row = CsvRow {
                record: cells,
                index: &shape.index,
                line,
            };
            summary.rows += 1;
            apply(conn, &row, &mut summary).map_err(|e| row.fail(e))?;
            raw = record.into_byte_record();
        }
        finish(conn, &mut summary)?;
        // A file with no data rows writes nothing, so it is neither refused
        // nor logged.
        if summary.rows > 0
            && let Some((sha256, bytes)) = reader.get_mut().inner_mut().finish()
        {
            log::refuse_repeat(conn, format.kind, &sha256, ctx.again)?;
            log::record(
                conn,
                &log::Imported {
                    kind: format.kind,
                    sha256,
                    bytes,
                    rows: summary.rows,
                    again: ctx.again,
                    at: &stamp(ctx.now),
                    user: ctx.user,
                },
            )?;
        }
        Ok(summary)
    })
}

/// Read the next row's bytes; a failure the scan stopped the stream for is
/// reported as that problem, with its column when the header is known.
fn read_row<R: Read>(
    reader: &mut csv::Reader<Scan<R>>,
    raw: &mut csv::ByteRecord,
    shape: Option<&Shape>,
) -> Result<bool> {
    reader.read_byte_record(raw).map_err(|e| {
        let column = |field: usize| {
            Some(shape.map_or_else(|| (field + 1).to_string(), |s| s.label(field)))
        };
        match reader.get_ref().problem() {
            Some(ScanProblem::CellTooLong {
                line,
                field,
                quoted,
            }) => Error::Import {
                line,
                column: column(field),
                source: Box::new(Error::Csv(format!(
                    "the value is longer than {} KiB, the most one cell may hold{}",
                    MAX_CELL_BYTES / 1024,
                    if quoted {
                        " (is the closing quote of this cell missing?)"
                    } else {
                        ""
                    }
                ))),
            },
            Some(ScanProblem::TooManyFields { line }) => Error::Import {
                line,
                column: None,
                source: Box::new(Error::Csv(format!(
                    "the row has more than {MAX_FIELDS} cells; this is not a labstock import file"
                ))),
            },
            Some(ScanProblem::UnclosedQuote { line, field }) => Error::Import {
                line,
                column: column(field),
                source: Box::new(Error::Csv(
                    "a quoted value starts here and is never closed; add the missing closing \""
                        .into(),
                )),
            },
            Some(ScanProblem::Nul { line, field }) => Error::Import {
                line,
                column: column(field),
                source: Box::new(Error::Csv(
                    "a NUL byte (0x00), which is never part of text: this is a binary or UTF-16 file; save it as \"CSV UTF-8 (Comma delimited)\"".into(),
                )),
            },
            None => Error::from(e),
        }
    })
}

/// The header row as text, refusing a file that is not UTF-8.
fn header_text(raw: csv::ByteRecord, line: u64) -> Result<csv::StringRecord> {
    let first = raw.get(0).unwrap_or_default();
    if first.starts_with(&[0xFF, 0xFE]) || first.starts_with(&[0xFE, 0xFF]) {
        return Err(Error::Csv(
            "the file is UTF-16 (as Excel saves \"Unicode Text\"); labstock reads UTF-8: save it as \"CSV UTF-8 (Comma delimited)\"".into(),
        ));
    }
    csv::StringRecord::from_byte_record(raw)
        .map_err(|e| not_utf8(e, line, |field| (field + 1).to_string()))
}

/// A data row as text, refusing bytes that are not UTF-8.
fn row_text(raw: csv::ByteRecord, line: u64, shape: &Shape) -> Result<csv::StringRecord> {
    csv::StringRecord::from_byte_record(raw).map_err(|e| not_utf8(e, line, |f| shape.label(f)))
}

/// The error for a cell that is not UTF-8: where, which byte, and what it
/// would have been in Windows-1252 (what "CSV" from older Excel is).
fn not_utf8(e: csv::FromUtf8Error, line: u64, label: impl Fn(usize) -> String) -> Error {
    let field = e.utf8_error().field();
    let at = e.utf8_error().valid_up_to();
    let raw = e.into_byte_record();
    let cell = raw.get(field).unwrap_or_default();
    let before = String::from_utf8_lossy(&cell[..at.min(cell.len())]);
    let tail: String = {
        let chars: Vec<char> = before.chars().collect();
        chars[chars.len().saturating_sub(20)..].iter().collect()
    };
    let byte = cell.get(at).copied().unwrap_or_default();
    let meant = scan::windows_1252(byte)
        .map(|c| format!(" (in Windows-1252 that byte is \"{c}\")"))
        .unwrap_or_default();
    let place = if tail.is_empty() {
        "at the start of the cell".to_owned()
    } else {
        format!("after {tail:?}")
    };
    Error::Import {
        line,
        column: Some(label(field)),
        source: Box::new(Error::Csv(format!(
            "not UTF-8 text: byte 0x{byte:02X} {place}{meant}; the file must be UTF-8: save it as \"CSV UTF-8 (Comma delimited)\""
        ))),
    }
}

/// How the header laid out the columns.
struct Shape {
    /// (known column, position), in header order.
    index: Vec<(&'static str, usize)>,
    /// Positions whose header is empty: ignored, but they must stay empty.
    nameless: Vec<usize>,
    /// Header names as written, for messages.
    names: Vec<String>,
}

impl Shape {
    fn new(format: &Format, headers: &csv::StringRecord, line: u64) -> Result<Shape> {
        let mut index: Vec<(&'static str, usize)> = Vec::new();
        let mut nameless = Vec::new();
        for (i, raw) in headers.iter().enumerate() {
            let name = raw
                .trim_start_matches('\u{feff}')
                .trim()
                .to_ascii_lowercase();
            if name.is_empty() {
                nameless.push(i);
                continue;
            }
            let Some(known) = format.columns.iter().find(|c| **c == name) else {
                // A header such as `code;name`: the whole file is
                // separated by something else; say so, not "unknown column".
                if let Some((separator, name)) = [(';', "semicolons"), ('\t', "tabs")]
                    .into_iter()
                    .find(|(sep, _)| name.contains(*sep))
                {
                    return Err(Error::WrongSeparator { separator, name }.at_row(line, None));
                }
                return Err(Error::invalid(
                    format!("column in the {} header", format.kind),
                    raw,
                    format!(
                        "unknown column; expected some of: {}",
                        format.columns.join(",")
                    ),
                )
                .at_row(line, Some(raw)));
            };
            if index.iter().any(|(c, _)| c == known) {
                return Err(Error::invalid("header", raw, "this column appears twice")
                    .at_row(line, Some(raw)));
            }
            index.push((*known, i));
        }
        let missing: Vec<&str> = format
            .required
            .iter()
            .copied()
            .filter(|c| !index.iter().any(|(k, _)| k == c))
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
            .at_row(line, None));
        }
        Ok(Shape {
            index,
            nameless,
            names: headers.iter().map(str::to_owned).collect(),
        })
    }

    fn width(&self) -> usize {
        self.names.len()
    }

    /// How an error names column `i` (0-based).
    fn label(&self, i: usize) -> String {
        match self.names.get(i) {
            Some(_) if self.nameless.contains(&i) => format!("{} (no header name)", i + 1),
            Some(name) => name.trim_start_matches('\u{feff}').trim().to_owned(),
            None => format!("{} (beyond the header)", i + 1),
        }
    }

    /// A row fits the header: a cell for every named column, and nothing in
    /// a column without a name (or beyond the last column).
    fn check(&self, record: &csv::StringRecord, line: u64) -> Result<()> {
        if record.len() < self.width() {
            // A row may stop early only where the rest has no name: a
            // shorter row is otherwise a missing comma that would shift
            // every later cell into the wrong column.
            if let Some(i) = (record.len()..self.width()).find(|i| !self.nameless.contains(i)) {
                return Err(Error::Import {
                    line,
                    column: Some(self.label(i)),
                    source: Box::new(Error::Csv(format!(
                        "the row ends before this column: it has {} cells, the header has {} (a missing comma, or a line break outside quotes?)",
                        record.len(),
                        self.width()
                    ))),
                });
            }
        }
        let stray = self
            .nameless
            .iter()
            .copied()
            .chain(self.width()..record.len())
            .find_map(|i| {
                record
                    .get(i)
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(|v| (i, v))
            });
        if let Some((i, value)) = stray {
            let short: String = value.chars().take(60).collect();
            let why = if i < self.width() {
                "this column has no name in the header; name the column or remove its values"
            } else {
                "the header has no column here; add one to the header or remove the value (a comma too many?)"
            };
            return Err(Error::Import {
                line,
                column: Some(self.label(i)),
                source: Box::new(Error::invalid("value", short, why)),
            });
        }
        Ok(())
    }
}

/// Import locations; codes already present are skipped (reference data,
/// so re-running an import is harmless).
pub fn import_locations(
    store: &mut Store,
    source: impl Read,
    ctx: ImportContext<'_>,
) -> Result<ImportSummary> {
    let now = stamp(ctx.now);
    run(store, &LOCATIONS, source, &ctx, |conn, row, summary| {
        let code = row.need("code")?;
        let monitoring = crate::temperature::monitoring_of_row(row)?;
        if insert_location(conn, code, row.get("name"), row.get("site"), &now, ctx.user)? {
            crate::temperature::monitor_new_location(conn, code, monitoring, &now, ctx.user)?;
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
    item.shelf_life_days = count("shelf_life_days")?;
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
    item.ghs = row.get("ghs").map(str::to_owned);
    item.signal_word = row.get("signal_word").map(str::to_owned);
    item.h_statements = row.get("h_statements").map(str::to_owned);
    item.p_statements = row.get("p_statements").map(str::to_owned);
    item.acceptance_required = row
        .parse("acceptance_required", |v| {
            parse_bool("acceptance_required", v)
        })?
        .unwrap_or(false);
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
    run(store, &ITEMS, source, &ctx, |conn, row, summary| {
        let mut item = item_from_row(row)?;
        // Hazard codes the GB CLP list lacks are kept with a warning
        // (SPEC §16), as `item add` warns.
        let hazards = item.normalize_hazards().map_err(|e| {
            let column = item_error_column(&e);
            e.at_row(row.line, column)
        })?;
        summary.warnings.extend(
            hazards
                .into_iter()
                .map(|w| format!("line {}: {}: {w}", row.line, item.code)),
        );
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
    let quantity = row.parse("quantity", Quantity::parse)?.ok_or_else(|| {
        Error::missing("quantity", "every movement row has a quantity")
            .at_row(row.line, Some("quantity"))
    })?;
    let at = row
        .parse("timestamp", |t| parse_lab_timestamp(t, ctx.zone, ctx.now))?
        .unwrap_or(ctx.now);
    let at = Timestamp::new("timestamp", at).map_err(|e| e.at_row(row.line, Some("timestamp")))?;
    let user = row.get("user").unwrap_or(ctx.user);
    let mut req = MovementRequest::new(kind, item, quantity, at, user);
    req.lot = row.get("lot").map(str::to_owned);
    req.expiry = row.parse("expiry", |v| parse_date("expiry", v))?;
    req.location = row.get("location").map(str::to_owned);
    req.to_location = row.get("to_location").map(str::to_owned);
    req.reason = row.get("reason").map(str::to_owned);
    req.reference = row.get("reference").map(str::to_owned);
    req.note = row.get("note").map(str::to_owned);
    req.opened = row.parse("opened_on", |v| parse_date("opened_on", v))?;
    req.allow_expired = ctx.allow_expired;
    req.write_waste = false;
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
            "opened_on" => Some("opened_on"),
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
    let mut lookups: Option<Lookups> = None;
    run(store, &MOVEMENTS, source, &ctx, |conn, row, summary| {
        let req = movement_from_row(row, &ctx)?;
        // The import holds the ledger to itself from its first row to its
        // commit (the movements chain's lock), so what it reads of the
        // ledger stays true; on PostgreSQL its rows are then written in
        // bulk (`Conn::bulk_load`).
        let lookups = match &mut lookups {
            Some(lk) => lk,
            None => {
                conn.bulk_load()?;
                lookups.insert(Lookups::exclusive(conn)?)
            }
        };
        let outcome = record_with(conn, lookups, &req, &now).map_err(|e| {
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

/// The `reference` and `note` cells of a movement: one linked to an order
/// line carries the line's reference, so the import links it again (a
/// reversal, exported as an adjust, included) and export → import keeps
/// every order line's received quantity; a delivery reference of its own
/// moves to the note.
fn order_reference(
    reference: Option<String>,
    note: Option<String>,
    order: Option<String>,
) -> (Option<String>, Option<String>) {
    match (order, reference) {
        (Some(order), Some(own)) if !own.eq_ignore_ascii_case(&order) => {
            let note = match note {
                Some(n) => format!("{n}; reference {own}"),
                None => format!("reference {own}"),
            };
            (Some(order), Some(note))
        }
        (Some(order), _) => (Some(order), note),
        (None, reference) => (reference, note),
    }
}

/// Write every movement in the `movements` import format, in ledger
/// order, text cells escaped against formula injection (undone by the
/// import, so export → import is exact). Reversals, which imports refuse, are written as the movement
/// that has the same effect: a transfer back, or an adjust.
pub fn export_movements(store: &Store, out: impl Write) -> Result<u64> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(MOVEMENTS.columns)?;
    let mut n = 0u64;
    store.read(|conn| {
        conn.for_each(&crate::store::sql::export::MOVEMENTS, crate::args![], |r| {
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
                "transfer" | "open" => (kind.clone(), -quantity, location, to, reason, None),
                // A reversed opening returns the units to sealed: an `open` of
                // the opened portion with a negative quantity.
                "reverse" if r.get::<bool>(17)? => (
                    "open".into(),
                    -quantity,
                    location,
                    None,
                    Some(format!(
                        "reversal of movement {}{}",
                        reverses.unwrap_or(0),
                        reason.map(|r| format!(": {r}")).unwrap_or_default()
                    )),
                    None,
                ),
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
            let (reference, note) = order_reference(r.get(11)?, r.get(13)?, r.get(15)?);
            let text = |s: String| csv_escape(&s).into_owned();
            writer.write_record([
                text(r.get::<String>(1)?),
                kind,
                text(r.get::<String>(3)?),
                // A number, never escaped: `-3` stays a number in a spreadsheet.
                qty.to_string(),
                text(lot),
                text(expiry.unwrap_or_default()),
                text(from),
                text(to.unwrap_or_default()),
                text(reason.unwrap_or_default()),
                text(reference.unwrap_or_default()),
                text(r.get::<String>(12)?),
                text(note.unwrap_or_default()),
                r.get::<Option<String>>(16)?.unwrap_or_default(),
            ])?;
            n += 1;
            Ok(())
        })
    })?;
    writer.flush().map_err(|source| Error::Io {
        path: Path::new("-").into(),
        source,
    })?;
    Ok(n)
}
