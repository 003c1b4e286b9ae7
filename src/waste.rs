//! Hazardous-waste register: List of Waste streams and disposal records
//! (SPEC §1, §5). Stream codes are accepted with or without spaces
//! (`180103*` = `18 01 03*`) and stored canonically.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::db::closest;
use crate::error::{Error, Result};

/// A List of Waste stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WasteStream {
    pub code: String,
    pub name: String,
    pub hazardous: bool,
    pub container: Option<String>,
    pub route: Option<String>,
}

/// The canonical form of a List of Waste code: six digits in pairs, with
/// the asterisk of a hazardous entry kept (`180103*` → `18 01 03*`).
pub fn canonical_code(text: &str) -> Result<String> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let (digits, star) = match compact.strip_suffix('*') {
        Some(d) => (d, "*"),
        None => (compact.as_str(), ""),
    };
    if digits.len() != 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid(
            "waste stream code",
            text,
            "expected a List of Waste code such as 18 01 03* (six digits, * for hazardous)",
        ));
    }
    Ok(format!(
        "{} {} {}{star}",
        &digits[0..2],
        &digits[2..4],
        &digits[4..6]
    ))
}

/// Find a stream by code in any spacing; unknown codes suggest the closest.
pub(crate) fn find_stream(conn: &Connection, text: &str) -> Result<WasteStream> {
    let code = canonical_code(text)?;
    let found = conn
        .prepare_cached(
            "SELECT code, name, hazardous, container, route FROM waste_streams WHERE code = ?1",
        )?
        .query_row([&code], |r| {
            Ok(WasteStream {
                code: r.get(0)?,
                name: r.get(1)?,
                hazardous: r.get(2)?,
                container: r.get(3)?,
                route: r.get(4)?,
            })
        })
        .optional()?;
    if let Some(s) = found {
        return Ok(s);
    }
    let mut stmt = conn.prepare("SELECT code FROM waste_streams")?;
    let known = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    // A code that differs only by its asterisk is the classic mistake: say so.
    let twin = if code.ends_with('*') {
        code.trim_end_matches('*').to_owned()
    } else {
        format!("{code}*")
    };
    let mut suggestions: Vec<String> = known.iter().filter(|k| **k == twin).cloned().collect();
    if suggestions.is_empty() {
        suggestions = closest(&code, known);
    }
    Err(Error::NotFound {
        entity: "waste stream",
        key: text.to_owned(),
        suggestions,
    })
}

/// A waste record written by the ledger's `dispose` (SPEC §10: unit
/// `items`, item and lot named in the notes).
pub(crate) struct DisposalRecord<'a> {
    pub date: &'a str,
    pub stream: &'a str,
    pub quantity: i64,
    pub notes: String,
    pub movement_id: i64,
    pub user: &'a str,
    pub recorded_at: &'a str,
}

pub(crate) fn record_disposal(conn: &Connection, r: &DisposalRecord<'_>) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO waste_records (date, stream, quantity, unit, recorded_by, notes, movement_id, recorded_at) \
         VALUES (?1, ?2, ?3, 'items', ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        r.date,
        r.stream,
        r.quantity as f64,
        r.user,
        r.notes,
        r.movement_id,
        r.recorded_at
    ])?;
    Ok(conn.last_insert_rowid())
}

#[cfg(test)]
mod tests {
    use super::canonical_code;

    #[test]
    fn codes_are_stored_canonically() {
        assert_eq!(canonical_code("180103*").unwrap(), "18 01 03*");
        assert_eq!(canonical_code("18 01 03*").unwrap(), "18 01 03*");
        assert_eq!(canonical_code(" 20 0301 ").unwrap(), "20 03 01");
        assert!(canonical_code("18 01").is_err());
        assert!(canonical_code("18 01 0x").is_err());
    }
}
