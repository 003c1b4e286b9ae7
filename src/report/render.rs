//! Renderers: CSV (through the `csv` crate, so commas and quotes survive),
//! JSON (an array of objects), and a table for people at a terminal.
//!
//! CSV is opened in a spreadsheet by whoever places the orders, so every
//! text cell of every CSV labstock writes goes through [`csv_escape`]
//! (OWASP CSV injection): a cell a spreadsheet would run as a formula is
//! written so that it shows as text. JSON and tables are written as they
//! are; nothing runs them.

use std::borrow::Cow;
use std::io::Write;

use serde::Serialize;
use serde_json::Value;

use super::table::{TableOptions, write_table};
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
    /// Free-text columns beyond [`super::table::TEXT_COLUMNS`] that a
    /// fitted table may shorten (e.g. equipment's free-text `location`).
    pub text: Vec<String>,
    /// Columns a fitted table may leave out when all else fails, before
    /// [`super::table::LAST_RESORT_COLUMNS`], first to go first.
    pub last_resort: Vec<String>,
}

impl Rendered {
    /// Keep only the `chosen` columns, in that order (`--columns`).
    pub fn select(&mut self, chosen: &[String]) -> Result<()> {
        let headers: Vec<&str> = self.headers.iter().map(String::as_str).collect();
        self.headers = select_columns(&headers, chosen)?
            .into_iter()
            .map(str::to_owned)
            .collect();
        Ok(())
    }
}

/// The columns `chosen` (by `--columns`) out of `headers`, in the order
/// chosen; none chosen means all. An unknown name is a usage error that
/// lists the valid ones.
pub fn select_columns<'a>(headers: &[&'a str], chosen: &[String]) -> Result<Vec<&'a str>> {
    if chosen.is_empty() {
        return Ok(headers.to_vec());
    }
    let unknown: Vec<String> = chosen
        .iter()
        .filter(|c| !headers.contains(&c.as_str()))
        .cloned()
        .collect();
    if !unknown.is_empty() {
        return Err(Error::UnknownColumns {
            unknown,
            valid: headers.iter().map(|h| (*h).to_owned()).collect(),
        });
    }
    Ok(chosen
        .iter()
        .filter_map(|c| headers.iter().find(|h| **h == c.as_str()).copied())
        .collect())
}

/// The characters that make a spreadsheet read a cell as a formula (or,
/// for tab and carriage return, that smuggle one past a naive check):
/// OWASP's CSV-injection list.
const FORMULA_TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether `text` is a plain decimal number such as `-3` or `-2.50`: a
/// spreadsheet reads it as a number, never as a formula, so it is written
/// as it is and stays a number. A leading `+` is not a number here: `+44`
/// is a telephone prefix, and escaping it keeps the plus.
fn is_plain_number(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    !(whole.is_empty() && frac.is_empty())
        && whole.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
}

/// A text cell as written to CSV: one leading `'` is added when the cell
/// starts with a formula trigger (`=`, `+`, `-`, `@`, tab, carriage
/// return) and is not a plain number, so a spreadsheet shows it as text.
/// A cell that already starts with `'` gets one more, so that
/// [`csv_unescape`] gives every cell back exactly and `export movements`
/// → `import movements` is a round trip.
pub fn csv_escape(text: &str) -> Cow<'_, str> {
    match text.chars().next() {
        Some('\'') => Cow::Owned(format!("'{text}")),
        Some(c) if FORMULA_TRIGGERS.contains(&c) && !is_plain_number(text) => {
            Cow::Owned(format!("'{text}"))
        }
        _ => Cow::Borrowed(text),
    }
}

/// The inverse of [`csv_escape`], applied to every cell an import reads:
/// one leading `'` is removed when the next character is a formula trigger
/// or another `'`. Any other leading `'` (`'Tis`) is data and stays.
pub fn csv_unescape(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest)
            if rest
                .chars()
                .next()
                .is_some_and(|c| c == '\'' || FORMULA_TRIGGERS.contains(&c)) =>
        {
            rest
        }
        _ => text,
    }
}

pub(super) fn cell_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        other => other.to_string(),
    }
}

/// A cell as written to CSV: text escaped against formula injection,
/// numbers and booleans as they are.
fn csv_cell(v: &Value) -> String {
    match v {
        Value::String(s) => csv_escape(s).into_owned(),
        other => cell_text(other),
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
        text: Vec::new(),
        last_resort: Vec::new(),
    })
}

/// Write rows straight to CSV, the same text as [`render`] then
/// [`render_to`] in CSV, without building a JSON object per row first:
/// for a listing of many thousand lines that detour cost more than the
/// query. Rows that are not flat structs (a nested value, a map) take the
/// general path.
pub fn write_csv<T: Serialize>(headers: &[&str], rows: &[T], out: &mut dyn Write) -> Result<()> {
    write_csv_header(headers, out)?;
    write_csv_rows(headers, rows, out)
}

/// The header line of [`write_csv`] alone, for a listing written in
/// chunks as it is read ([`write_csv_rows`]) instead of held whole.
pub fn write_csv_header(headers: &[&str], out: &mut dyn Write) -> Result<()> {
    let mut w = csv::Writer::from_writer(&mut *out);
    w.write_record(headers)?;
    w.flush().map_err(|source| Error::Io {
        path: "<output>".into(),
        source,
    })?;
    Ok(())
}

/// The data lines of [`write_csv`], without the header.
pub fn write_csv_rows<T: Serialize>(
    headers: &[&str],
    rows: &[T],
    out: &mut dyn Write,
) -> Result<()> {
    let mut w = csv::Writer::from_writer(&mut *out);
    let mut cells: Vec<(&'static str, String)> = Vec::with_capacity(headers.len());
    for (i, row) in rows.iter().enumerate() {
        cells.clear();
        if row.serialize(RowCells { cells: &mut cells }).is_err() {
            // Not a flat struct: finish with the general renderer, which
            // handles any shape, from this row on.
            w.flush().map_err(|source| Error::Io {
                path: "<output>".into(),
                source,
            })?;
            drop(w);
            let rest = render(headers, &rows[i..])?;
            return write_rows_csv(&rest, out);
        }
        w.write_record(headers.iter().map(|h| {
            cells
                .iter()
                .find(|(name, _)| name == h)
                .map_or("", |(_, text)| text.as_str())
        }))?;
    }
    w.flush().map_err(|source| Error::Io {
        path: "<output>".into(),
        source,
    })?;
    Ok(())
}

/// The data rows of `rendered` as CSV, without the header.
fn write_rows_csv(rendered: &Rendered, out: &mut dyn Write) -> Result<()> {
    let mut w = csv::Writer::from_writer(&mut *out);
    for obj in &rendered.objects {
        w.write_record(
            rendered
                .headers
                .iter()
                .map(|h| obj.get(h).map(csv_cell).unwrap_or_default()),
        )?;
    }
    w.flush().map_err(|source| Error::Io {
        path: "<output>".into(),
        source,
    })?;
    Ok(())
}

/// Anything [`RowCells`] does not render itself.
#[derive(Debug)]
struct NotFlat;

impl std::fmt::Display for NotFlat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not a flat row")
    }
}

impl std::error::Error for NotFlat {}

impl serde::ser::Error for NotFlat {
    fn custom<M: std::fmt::Display>(_: M) -> Self {
        NotFlat
    }
}

/// Serialises one struct row into (field, cell text) pairs.
struct RowCells<'a> {
    cells: &'a mut Vec<(&'static str, String)>,
}

/// Serialises one field into the text `csv_cell` gives its JSON value.
struct CellText;

macro_rules! not_flat {
    ($($method:ident($($arg:ty),*) -> $ret:ty;)*) => {
        $(fn $method(self, $(_: $arg),*) -> std::result::Result<$ret, NotFlat> {
            Err(NotFlat)
        })*
    };
}

macro_rules! as_text {
    ($($method:ident($ty:ty);)*) => {
        $(fn $method(self, v: $ty) -> std::result::Result<String, NotFlat> {
            Ok(v.to_string())
        })*
    };
}

impl serde::Serializer for RowCells<'_> {
    type Ok = ();
    type Error = NotFlat;
    type SerializeSeq = serde::ser::Impossible<(), NotFlat>;
    type SerializeTuple = serde::ser::Impossible<(), NotFlat>;
    type SerializeTupleStruct = serde::ser::Impossible<(), NotFlat>;
    type SerializeTupleVariant = serde::ser::Impossible<(), NotFlat>;
    type SerializeMap = serde::ser::Impossible<(), NotFlat>;
    type SerializeStruct = Self;
    type SerializeStructVariant = serde::ser::Impossible<(), NotFlat>;

    fn serialize_struct(self, _: &'static str, _: usize) -> std::result::Result<Self, NotFlat> {
        Ok(self)
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        value: &T,
    ) -> std::result::Result<(), NotFlat> {
        value.serialize(self)
    }

    not_flat! {
        serialize_bool(bool) -> ();
        serialize_i8(i8) -> ();
        serialize_i16(i16) -> ();
        serialize_i32(i32) -> ();
        serialize_i64(i64) -> ();
        serialize_u8(u8) -> ();
        serialize_u16(u16) -> ();
        serialize_u32(u32) -> ();
        serialize_u64(u64) -> ();
        serialize_f32(f32) -> ();
        serialize_f64(f64) -> ();
        serialize_char(char) -> ();
        serialize_str(&str) -> ();
        serialize_bytes(&[u8]) -> ();
        serialize_none() -> ();
        serialize_unit() -> ();
        serialize_unit_struct(&'static str) -> ();
        serialize_unit_variant(&'static str, u32, &'static str) -> ();
        serialize_seq(Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_map(Option<usize>) -> Self::SerializeMap;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }

    fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> std::result::Result<(), NotFlat> {
        Err(NotFlat)
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> std::result::Result<(), NotFlat> {
        Err(NotFlat)
    }
}

impl serde::ser::SerializeStruct for RowCells<'_> {
    type Ok = ();
    type Error = NotFlat;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> std::result::Result<(), NotFlat> {
        let text = value.serialize(CellText)?;
        self.cells.push((key, text));
        Ok(())
    }

    fn skip_field(&mut self, _: &'static str) -> std::result::Result<(), NotFlat> {
        Ok(())
    }

    fn end(self) -> std::result::Result<(), NotFlat> {
        Ok(())
    }
}

impl serde::Serializer for CellText {
    type Ok = String;
    type Error = NotFlat;
    type SerializeSeq = serde::ser::Impossible<String, NotFlat>;
    type SerializeTuple = serde::ser::Impossible<String, NotFlat>;
    type SerializeTupleStruct = serde::ser::Impossible<String, NotFlat>;
    type SerializeTupleVariant = serde::ser::Impossible<String, NotFlat>;
    type SerializeMap = serde::ser::Impossible<String, NotFlat>;
    type SerializeStruct = serde::ser::Impossible<String, NotFlat>;
    type SerializeStructVariant = serde::ser::Impossible<String, NotFlat>;

    as_text! {
        serialize_bool(bool);
        serialize_i8(i8);
        serialize_i16(i16);
        serialize_i32(i32);
        serialize_i64(i64);
        serialize_i128(i128);
        serialize_u8(u8);
        serialize_u16(u16);
        serialize_u32(u32);
        serialize_u64(u64);
        serialize_u128(u128);
    }

    fn serialize_char(self, v: char) -> std::result::Result<String, NotFlat> {
        Ok(csv_escape(v.encode_utf8(&mut [0; 4])).into_owned())
    }

    fn serialize_str(self, v: &str) -> std::result::Result<String, NotFlat> {
        Ok(csv_escape(v).into_owned())
    }

    fn serialize_f32(self, v: f32) -> std::result::Result<String, NotFlat> {
        self.serialize_f64(f64::from(v))
    }

    fn serialize_f64(self, v: f64) -> std::result::Result<String, NotFlat> {
        // serde_json writes finite floats its own way and others as null.
        if !v.is_finite() {
            return Ok(String::new());
        }
        serde_json::to_value(v)
            .map(|n| n.to_string())
            .map_err(|_| NotFlat)
    }

    fn serialize_none(self) -> std::result::Result<String, NotFlat> {
        Ok(String::new())
    }

    fn serialize_some<T: ?Sized + Serialize>(
        self,
        value: &T,
    ) -> std::result::Result<String, NotFlat> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> std::result::Result<String, NotFlat> {
        Ok(String::new())
    }

    fn serialize_unit_struct(self, _: &'static str) -> std::result::Result<String, NotFlat> {
        Ok(String::new())
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> std::result::Result<String, NotFlat> {
        Ok(csv_escape(variant).into_owned())
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        value: &T,
    ) -> std::result::Result<String, NotFlat> {
        value.serialize(self)
    }

    fn serialize_bytes(self, _: &[u8]) -> std::result::Result<String, NotFlat> {
        Err(NotFlat)
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> std::result::Result<String, NotFlat> {
        Err(NotFlat)
    }

    fn serialize_seq(self, _: Option<usize>) -> std::result::Result<Self::SerializeSeq, NotFlat> {
        Err(NotFlat)
    }

    fn serialize_tuple(self, _: usize) -> std::result::Result<Self::SerializeTuple, NotFlat> {
        Err(NotFlat)
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> std::result::Result<Self::SerializeTupleStruct, NotFlat> {
        Err(NotFlat)
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> std::result::Result<Self::SerializeTupleVariant, NotFlat> {
        Err(NotFlat)
    }

    fn serialize_map(self, _: Option<usize>) -> std::result::Result<Self::SerializeMap, NotFlat> {
        Err(NotFlat)
    }

    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> std::result::Result<Self::SerializeStruct, NotFlat> {
        Err(NotFlat)
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> std::result::Result<Self::SerializeStructVariant, NotFlat> {
        Err(NotFlat)
    }
}

/// Write rendered rows in `format` to `out`, a table as wide as it is.
pub fn render_to(rendered: &Rendered, format: OutputFormat, out: &mut dyn Write) -> Result<()> {
    render_to_with(rendered, format, &TableOptions::default(), out)
}

/// Write rendered rows in `format` to `out`, a table fitted by `table`.
pub fn render_to_with(
    rendered: &Rendered,
    format: OutputFormat,
    table: &TableOptions,
    out: &mut dyn Write,
) -> Result<()> {
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
                        .map(|h| obj.get(h).map(csv_cell).unwrap_or_default()),
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
            serde_json::to_writer_pretty(&mut *out, &values)?;
            writeln!(out).map_err(io)?;
        }
        OutputFormat::Table => write_table(rendered, table, out)?,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[derive(Serialize)]
    #[serde(rename_all = "lowercase")]
    enum State {
        Expired,
    }

    #[derive(Serialize)]
    struct Flat {
        item: &'static str,
        quantity: i64,
        expiry: Option<String>,
        cost: Option<f64>,
        ratio: f64,
        state: State,
        ok: bool,
        #[serde(skip)]
        _hidden: u8,
        #[serde(serialize_with = "pounds")]
        pence: i64,
        note: Option<&'static str>,
    }

    #[allow(clippy::trivially_copy_pass_by_ref)] // serde's serialize_with signature
    fn pounds<S: serde::Serializer>(p: &i64, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{}.{:02}", p / 100, p % 100))
    }

    #[derive(Serialize)]
    struct Nested {
        item: &'static str,
        tags: Vec<&'static str>,
    }

    fn slow(headers: &[&str], rows: &[impl Serialize]) -> String {
        let mut out = Vec::new();
        render_to(&render(headers, rows).unwrap(), OutputFormat::Csv, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn fast(headers: &[&str], rows: &[impl Serialize]) -> String {
        let mut out = Vec::new();
        write_csv(headers, rows, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn direct_csv_is_the_same_text_as_the_general_renderer() {
        let rows = [
            Flat {
                item: "A, \"quoted\"",
                quantity: -3,
                expiry: Some("2026-01-31".into()),
                cost: Some(1.5),
                ratio: 2.0,
                state: State::Expired,
                ok: true,
                _hidden: 0,
                pence: 1250,
                note: None,
            },
            Flat {
                item: "B\nline",
                quantity: 0,
                expiry: None,
                cost: None,
                ratio: f64::NAN,
                state: State::Expired,
                ok: false,
                _hidden: 0,
                pence: 7,
                note: Some("é"),
            },
        ];
        // Headers in another order than the fields, one unknown, one left out.
        let headers = [
            "state", "item", "pence", "quantity", "expiry", "cost", "ratio", "ok", "missing",
            "note",
        ];
        assert_eq!(fast(&headers, &rows), slow(&headers, &rows));
        let none: [Flat; 0] = [];
        assert_eq!(fast(&headers, &none), slow(&headers, &none));
        let nested = [Nested {
            item: "X",
            tags: vec!["a", "b"],
        }];
        assert_eq!(
            fast(&["item", "tags"], &nested),
            slow(&["item", "tags"], &nested)
        );
    }

    #[test]
    fn formula_cells_are_escaped_and_numbers_are_not() {
        for (text, written) in [
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "'=HYPERLINK(\"http://x\",\"y\")",
            ),
            ("+44 20 7946 0000", "'+44 20 7946 0000"),
            ("+44", "'+44"),
            ("-damaged", "'-damaged"),
            ("-20C freezer", "'-20C freezer"),
            ("@SUM(1+1)", "'@SUM(1+1)"),
            ("\tDN-1", "'\tDN-1"),
            ("\r=1", "'\r=1"),
            ("-", "'-"),
            ("-1e5", "'-1e5"),
            ("'quoted'", "''quoted'"),
            ("'", "''"),
            ("-3", "-3"),
            ("-2.50", "-2.50"),
            ("-.5", "-.5"),
            ("12.50", "12.50"),
            ("2-8C", "2-8C"),
            (" =1", " =1"),
            ("", ""),
            ("RGT-ALB", "RGT-ALB"),
        ] {
            assert_eq!(csv_escape(text), written, "{text:?}");
            assert_eq!(csv_unescape(written), text, "{written:?}");
        }
        // A user's own leading apostrophe before anything else is data.
        assert_eq!(csv_unescape("'Tis"), "'Tis");
        assert_eq!(csv_unescape("'=1"), "=1");
    }

    #[test]
    fn csv_output_escapes_text_cells_only() {
        let rows = [Flat {
            item: "=cmd|' /C calc'!A0",
            quantity: -3,
            expiry: Some("-20C".into()),
            cost: Some(-1.5),
            ratio: 2.0,
            state: State::Expired,
            ok: true,
            _hidden: 0,
            pence: 250,
            note: Some("@note"),
        }];
        let headers = [
            "item", "quantity", "expiry", "cost", "ratio", "state", "ok", "pence", "note",
        ];
        let text = fast(&headers, &rows);
        assert_eq!(text, slow(&headers, &rows));
        assert_eq!(
            text.lines().nth(1),
            Some("'=cmd|' /C calc'!A0,-3,'-20C,-1.5,2.0,expired,true,2.50,'@note")
        );
        // JSON and the table show the data as it is.
        let rendered = render(&headers, &rows).unwrap();
        let mut json = Vec::new();
        render_to(&rendered, OutputFormat::Json, &mut json).unwrap();
        let json = String::from_utf8(json).unwrap();
        assert!(json.contains("\"=cmd|' /C calc'!A0\""), "{json}");
        let mut table = Vec::new();
        render_to(&rendered, OutputFormat::Table, &mut table).unwrap();
        assert!(!String::from_utf8(table).unwrap().contains("'="));
    }

    /// Strings that start with the characters that matter here more often
    /// than `.*` alone would.
    fn cell_text_strategy() -> impl Strategy<Value = String> {
        prop_oneof![
            ".*",
            ("[=+\\-@\t\r'0-9. ]{0,3}", ".{0,8}").prop_map(|(a, b)| a + &b),
            "-?[0-9]{0,4}(\\.[0-9]{0,3})?",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

        #[test]
        fn unescape_undoes_escape(s in cell_text_strategy()) {
            let escaped = csv_escape(&s);
            prop_assert_eq!(csv_unescape(&escaped), s.as_str());
        }

        #[test]
        fn escaped_cells_never_start_with_a_trigger_unless_a_number(s in cell_text_strategy()) {
            let e = csv_escape(&s);
            if e.starts_with(FORMULA_TRIGGERS) {
                prop_assert!(is_plain_number(&e), "{:?} -> {:?}", s, e);
                prop_assert!(e.parse::<f64>().is_ok(), "{:?}", e);
                prop_assert_eq!(e.as_ref(), s.as_str());
            }
            // Only ever one character added, and only in front.
            prop_assert!(e == s || e.strip_prefix('\'') == Some(s.as_str()));
        }

        #[test]
        fn csv_text_reads_back_as_written(cells in proptest::collection::vec(cell_text_strategy(), 1..6)) {
            #[derive(Serialize)]
            struct Row { a: String, b: String }
            let rows: Vec<Row> = cells
                .chunks(2)
                .map(|c| Row { a: c[0].clone(), b: c.get(1).cloned().unwrap_or_default() })
                .collect();
            let mut out = Vec::new();
            write_csv(&["a", "b"], &rows, &mut out).unwrap();
            let mut reader = csv::ReaderBuilder::new().from_reader(out.as_slice());
            let back: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
            prop_assert_eq!(back.len(), rows.len());
            for (rec, row) in back.iter().zip(&rows) {
                prop_assert_eq!(csv_unescape(&rec[0]), row.a.as_str());
                prop_assert_eq!(csv_unescape(&rec[1]), row.b.as_str());
            }
        }
    }
}
