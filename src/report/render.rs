//! Renderers: CSV (through the `csv` crate, so commas and quotes survive),
//! JSON (an array of objects), and a table for people at a terminal.

use std::io::Write;

use comfy_table::{CellAlignment, ContentArrangement, Table, TableComponent, presets};
use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Result};

/// How a listing is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Csv,
    Json,
    Table,
}

/// Rows turned into cells once, ready for any format.
pub struct Rendered {
    pub headers: Vec<String>,
    pub objects: Vec<serde_json::Map<String, Value>>,
}

fn cell_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        other => other.to_string(),
    }
}

/// Flatten serialisable rows; `headers` names the columns (and their
/// order) even when there are no rows, so an empty CSV still has its header.
pub fn render<T: Serialize>(headers: &[&str], rows: &[T]) -> Result<Rendered> {
    let mut objects = Vec::with_capacity(rows.len());
    for row in rows {
        match serde_json::to_value(row).map_err(|e| Error::Csv(e.to_string()))? {
            Value::Object(map) => objects.push(map),
            other => {
                let mut map = serde_json::Map::new();
                map.insert("value".into(), other);
                objects.push(map);
            }
        }
    }
    Ok(Rendered {
        headers: headers.iter().map(|h| (*h).to_owned()).collect(),
        objects,
    })
}

/// Write rendered rows in `format` to `out`.
pub fn render_to(rendered: &Rendered, format: OutputFormat, out: &mut dyn Write) -> Result<()> {
    let io = |source| Error::Io {
        path: "<output>".into(),
        source,
    };
    match format {
        OutputFormat::Csv => {
            let mut w = csv::Writer::from_writer(&mut *out);
            w.write_record(&rendered.headers)?;
            for obj in &rendered.objects {
                w.write_record(
                    rendered
                        .headers
                        .iter()
                        .map(|h| obj.get(h).map(cell_text).unwrap_or_default()),
                )?;
            }
            w.flush().map_err(io)?;
        }
        OutputFormat::Json => {
            let values: Vec<Value> = rendered
                .objects
                .iter()
                .map(|o| {
                    let mut ordered = serde_json::Map::new();
                    for h in &rendered.headers {
                        ordered.insert(h.clone(), o.get(h).cloned().unwrap_or(Value::Null));
                    }
                    Value::Object(ordered)
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &values)
                .map_err(|e| Error::Csv(e.to_string()))?;
            writeln!(out).map_err(io)?;
        }
        OutputFormat::Table => {
            let mut table = Table::new();
            table
                .load_preset(presets::UTF8_HORIZONTAL_ONLY)
                .remove_style(TableComponent::HorizontalLines)
                .remove_style(TableComponent::MiddleIntersections)
                .remove_style(TableComponent::LeftBorderIntersections)
                .remove_style(TableComponent::RightBorderIntersections)
                .set_content_arrangement(ContentArrangement::Disabled)
                .set_header(&rendered.headers);
            for obj in &rendered.objects {
                table.add_row(rendered.headers.iter().map(|h| {
                    let v = obj.get(h).unwrap_or(&Value::Null);
                    let mut cell = comfy_table::Cell::new(cell_text(v));
                    if v.is_number() {
                        cell = cell.set_alignment(CellAlignment::Right);
                    }
                    cell
                }));
            }
            if rendered.objects.is_empty() {
                writeln!(out, "(nothing to show)").map_err(io)?;
            } else {
                writeln!(out, "{table}").map_err(io)?;
            }
        }
    }
    Ok(())
}
