//! Hazardous-waste register (SPEC §1, §5, §7, §10 Waste): List of Waste
//! streams, containers, disposal records and consignments.
//!
//! - this file: the streams (editable reference data) and the plain values
//!   of the register, parsed from user text with no SQL: stream codes
//!   (accepted with or without spaces, `180103*` = `18 01 03*`, stored
//!   canonically), decimal quantities kept as integer thousandths, units,
//!   physical forms, hazard property codes HP1–HP15, HTM 07-01 container
//!   colours and treatment routes, and consignment note codes;
//! - [`register`]: disposal records (append-only; corrections are new
//!   records naming what they correct), including the record `dispose`
//!   writes in the ledger's transaction, and `import waste`;
//! - [`containers`]: a container's life, opened → sealed → consigned;
//! - [`consign`]: one collection under one consignment note;
//! - [`report`]: the register, its monthly totals, the consignment register
//!   and the warning about hazardous waste left without a consignment note.

pub mod consign;
pub mod containers;
pub mod register;
pub mod report;

use std::fmt;

use serde::{Serialize, Serializer};

use crate::args;
use crate::chain;
use crate::error::{Error, Result};
use crate::store::{Conn, Row};
use crate::store::{Store, closest};

pub use crate::store::sql::waste as sql;

pub use consign::{ConsignRequest, Consigned, ConsignedStream};
pub use containers::{
    CONTAINER_COLUMNS, ContainerRow, ContainerState, ContainerStateFilter, OpenContainer, Sealed,
};
pub use register::{Change, Correction, NewRecord, RecordOrigin, Recorded, WASTE, import_waste};
pub(crate) use register::{DisposalRecord, record_disposal};
pub use report::{
    CONSIGNMENT_COLUMNS, CONSIGNMENT_DAYS, ConsignmentRow, LIST_COLUMNS, REPORT_COLUMNS,
    TOTAL_COLUMNS, TotalRow, Unconsigned, WasteFilter, WasteRow,
};

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

/// The same code with the asterisk added or removed.
fn asterisk_twin(code: &str) -> String {
    match code.strip_suffix('*') {
        Some(plain) => plain.to_owned(),
        None => format!("{code}*"),
    }
}

fn stream_of(r: &Row<'_>) -> Result<WasteStream> {
    Ok(WasteStream {
        code: r.get(0)?,
        name: r.get(1)?,
        hazardous: r.get(2)?,
        container: r.get(3)?,
        route: r.get(4)?,
    })
}

fn stream_by_code(conn: Conn<'_>, code: &str) -> Result<Option<WasteStream>> {
    conn.query_opt(&sql::STREAM_BY_CODE, args![code], stream_of)
}

/// The register's writers take turns (on PostgreSQL; SQLite's one writer
/// already does): each reads the state of records, containers and
/// consignments and writes according to it (a record into an open
/// container, a seal of a container with no live records, a consignment of
/// records not yet consigned or corrected), so a second writer must not
/// change that state between the read and the commit. The lock is the
/// register's chain lock, which every record's append takes anyway; taken
/// first, before anything is read. (`dispose` takes it last, after the
/// ledger's locks: no writer of the register takes a ledger lock, so the
/// order cannot deadlock.)
pub(crate) fn lock_register(conn: Conn<'_>) -> Result<()> {
    conn.lock_chain(&chain::WASTE_RECORDS)
}

/// Find a stream by code in any spacing. A code that exists only with
/// (or without) the asterisk is refused naming the real entry: in the List
/// of Waste a code is either hazardous or not, so `18 01 03` is a mistake
/// for `18 01 03*`. Other unknown codes suggest the closest.
pub(crate) fn find_stream<'c>(conn: impl Into<Conn<'c>>, text: &str) -> Result<WasteStream> {
    let conn = conn.into();
    let code = canonical_code(text)?;
    if let Some(s) = stream_by_code(conn, &code)? {
        return Ok(s);
    }
    let twin = asterisk_twin(&code);
    if let Some(t) = stream_by_code(conn, &twin)? {
        let expected = if t.hazardous {
            format!(
                "there is no non-hazardous {code}; the List of Waste entry is {twin} ({}), hazardous, marked by the asterisk",
                t.name
            )
        } else {
            format!(
                "{twin} ({}) is not a hazardous entry, so its code has no asterisk; write {twin}",
                t.name
            )
        };
        return Err(Error::invalid("waste stream", text, expected));
    }
    let known = conn.query_all(&sql::STREAM_CODES, args![], |r| r.get::<String>(0))?;
    Err(Error::NotFound {
        entity: "waste stream",
        key: text.to_owned(),
        within: None,
        suggestions: closest(&code, known),
    })
}

/// Every stream, by code.
pub(crate) fn list_streams(conn: Conn<'_>) -> Result<Vec<WasteStream>> {
    conn.query_all(&sql::STREAMS, args![], stream_of)
}

/// HTM 07-01 container colours a stream's default container can have.
pub const CONTAINER_COLOURS: [&str; 7] = [
    "yellow", "orange", "purple", "tiger", "red", "blue", "black",
];

/// Treatment routes a stream's waste can take.
pub const ROUTES: [&str; 3] = [
    "incineration",
    "alternative treatment",
    "landfill/energy from waste",
];

/// Parse an HTM 07-01 container colour (case-insensitive).
pub fn parse_colour(text: &str) -> Result<String> {
    let t = text.trim().to_lowercase();
    CONTAINER_COLOURS
        .iter()
        .find(|c| **c == t)
        .map(|c| (*c).to_owned())
        .ok_or_else(|| {
            Error::invalid(
                "container colour",
                text,
                format!(
                    "expected an HTM 07-01 colour: {}",
                    CONTAINER_COLOURS.join(", ")
                ),
            )
        })
}

/// Parse a treatment route (case-insensitive).
pub fn parse_route(text: &str) -> Result<String> {
    let t = text.trim().to_lowercase();
    ROUTES
        .iter()
        .find(|r| **r == t)
        .map(|r| (*r).to_owned())
        .ok_or_else(|| {
            Error::invalid(
                "treatment route",
                text,
                format!("expected one of: {}", ROUTES.join(", ")),
            )
        })
}

/// A new stream for `waste stream add`.
#[derive(Debug, Clone, Default)]
pub struct NewStream {
    pub code: String,
    pub name: String,
    /// `Some(true)` when the user said the stream is hazardous; it must
    /// agree with the asterisk of the code.
    pub hazardous: Option<bool>,
    pub container: Option<String>,
    pub route: Option<String>,
}

/// Changes for `waste stream edit`: `None` leaves a field, `Some("")`
/// clears container or route. The code (and with it hazardous) never
/// changes: records refer to it.
#[derive(Debug, Clone, Default)]
pub struct StreamEdit {
    pub name: Option<String>,
    pub container: Option<String>,
    pub route: Option<String>,
}

fn optional_setting(
    text: Option<&str>,
    parse: fn(&str) -> Result<String>,
) -> Result<Option<String>> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => parse(t).map(Some),
    }
}

fn add_stream(conn: Conn<'_>, new: &NewStream) -> Result<WasteStream> {
    let code = canonical_code(&new.code)?;
    let hazardous = code.ends_with('*');
    match new.hazardous {
        Some(true) if !hazardous => {
            return Err(Error::invalid(
                "waste stream code",
                &new.code,
                format!("a hazardous stream's code ends with an asterisk: {code}*"),
            ));
        }
        Some(false) if hazardous => {
            return Err(Error::invalid(
                "waste stream code",
                &new.code,
                "the asterisk marks a hazardous stream; drop it for a non-hazardous one",
            ));
        }
        _ => {}
    }
    let name = new.name.trim();
    if name.is_empty() {
        return Err(Error::missing(
            "stream name",
            "give the official List of Waste description with --name",
        ));
    }
    if stream_by_code(conn, &code)?.is_some() {
        return Err(Error::AlreadyExists {
            entity: "waste stream",
            key: code,
            within: None,
        });
    }
    let twin = asterisk_twin(&code);
    if let Some(t) = stream_by_code(conn, &twin)? {
        return Err(Error::invalid(
            "waste stream code",
            &new.code,
            format!(
                "{twin} ({}) already exists; a List of Waste code is either hazardous (with *) or not, never both",
                t.name
            ),
        ));
    }
    let stream = WasteStream {
        code,
        name: name.to_owned(),
        hazardous,
        container: optional_setting(new.container.as_deref(), parse_colour)?,
        route: optional_setting(new.route.as_deref(), parse_route)?,
    };
    conn.execute(
        &sql::INSERT_STREAM,
        args![
            stream.code,
            stream.name,
            stream.hazardous,
            stream.container,
            stream.route
        ],
    )?;
    Ok(stream)
}

fn edit_stream(conn: Conn<'_>, code: &str, edit: &StreamEdit) -> Result<WasteStream> {
    let mut stream = find_stream(conn, code)?;
    if let Some(name) = &edit.name {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::invalid(
                "stream name",
                name,
                "a stream keeps a description",
            ));
        }
        stream.name = name.to_owned();
    }
    if let Some(c) = &edit.container {
        stream.container = optional_setting(Some(c), parse_colour)?;
    }
    if let Some(r) = &edit.route {
        stream.route = optional_setting(Some(r), parse_route)?;
    }
    conn.execute(
        &sql::UPDATE_STREAM,
        args![stream.code, stream.name, stream.container, stream.route],
    )?;
    Ok(stream)
}

impl Store {
    /// The waste streams, by code.
    pub fn waste_streams(&self) -> Result<Vec<WasteStream>> {
        self.read(list_streams)
    }

    /// One stream, by code in any spacing.
    pub fn waste_stream(&self, code: &str) -> Result<WasteStream> {
        self.read(|conn| find_stream(conn, code))
    }

    /// Add a stream (`waste stream add`).
    pub fn add_waste_stream(&mut self, new: &NewStream) -> Result<WasteStream> {
        self.transact(|conn| add_stream(conn, new))
    }

    /// Edit a stream's description, container colour or route.
    pub fn edit_waste_stream(&mut self, code: &str, edit: &StreamEdit) -> Result<WasteStream> {
        self.transact(|conn| edit_stream(conn, code, edit))
    }
}

/// A decimal quantity of waste, kept as integer thousandths so totals are
/// exact sums of integers (a REAL column would add 0.1 + 0.2 wrongly and
/// print 0.30000000000000004). Three decimals are finer than any scale a
/// waste producer weighs on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Quantity(pub i64);

impl Quantity {
    /// Parse a decimal quantity (`12.5`, `3`, `0.25`); it must be greater
    /// than zero and no finer than a thousandth.
    pub fn parse(what: &str, text: &str) -> Result<Quantity> {
        let bad = |why: &str| Error::invalid(what, text, why);
        let t = text.trim();
        let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
        if t.starts_with('-') {
            return Err(bad("expected a quantity greater than zero"));
        }
        if (whole.is_empty() && frac.is_empty())
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(bad(
                "expected a decimal number greater than zero, e.g. 12.5",
            ));
        }
        let frac = frac.trim_end_matches('0');
        if frac.len() > 3 {
            return Err(bad("at most three decimal places (thousandths)"));
        }
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| bad("too large"))?
        };
        let mut milli_text = frac.to_owned();
        while milli_text.len() < 3 {
            milli_text.push('0');
        }
        let milli: i64 = milli_text.parse().map_err(|_| bad("expected a number"))?;
        let q = whole
            .checked_mul(1000)
            .and_then(|w| w.checked_add(milli))
            .ok_or_else(|| bad("too large"))?;
        if q <= 0 {
            return Err(bad("expected a quantity greater than zero"));
        }
        Ok(Quantity(q))
    }

    /// A whole number of units.
    pub fn whole(n: i64) -> Quantity {
        Quantity(n.saturating_mul(1000))
    }

    pub fn milli(self) -> i64 {
        self.0
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let (whole, frac) = (abs / 1000, abs % 1000);
        if frac == 0 {
            write!(f, "{sign}{whole}")
        } else {
            let digits = format!("{frac:03}");
            write!(f, "{sign}{whole}.{}", digits.trim_end_matches('0'))
        }
    }
}

/// A number in JSON (a whole one without `.0`), the same digits as the
/// text form in CSV and tables.
impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        if self.0 % 1000 == 0 {
            s.serialize_i64(self.0 / 1000)
        } else {
            // Division by 1000 rounds to the double nearest the decimal, whose
            // shortest representation is the decimal itself.
            s.serialize_f64(self.0 as f64 / 1000.0)
        }
    }
}

/// The unit of a waste quantity (SPEC §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum WasteUnit {
    #[serde(rename = "kg")]
    Kg,
    #[serde(rename = "L")]
    Litres,
    #[serde(rename = "items")]
    Items,
    #[serde(rename = "containers")]
    Containers,
}

impl WasteUnit {
    pub fn as_str(self) -> &'static str {
        match self {
            WasteUnit::Kg => "kg",
            WasteUnit::Litres => "L",
            WasteUnit::Items => "items",
            WasteUnit::Containers => "containers",
        }
    }

    /// Parse a unit: `kg`, `L`, `items`, `containers`, case-insensitive,
    /// with the singular and the spelled-out litre accepted.
    pub fn parse(text: &str) -> Result<WasteUnit> {
        match text.trim().to_lowercase().as_str() {
            "kg" => Ok(WasteUnit::Kg),
            "l" | "litre" | "litres" | "liter" | "liters" => Ok(WasteUnit::Litres),
            "items" | "item" => Ok(WasteUnit::Items),
            "containers" | "container" => Ok(WasteUnit::Containers),
            _ => Err(Error::invalid(
                "unit",
                text,
                "expected kg, L, items or containers",
            )),
        }
    }

    pub(crate) fn from_db(s: &str) -> WasteUnit {
        match s {
            "kg" => WasteUnit::Kg,
            "L" => WasteUnit::Litres,
            "containers" => WasteUnit::Containers,
            _ => WasteUnit::Items,
        }
    }
}

impl fmt::Display for WasteUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The physical form of a waste, as a consignment note asks for it.
pub const PHYSICAL_FORMS: [&str; 6] = ["solid", "liquid", "sludge", "powder", "gas", "mixed"];

/// Parse a physical form (case-insensitive).
pub fn parse_physical_form(text: &str) -> Result<&'static str> {
    let t = text.trim().to_lowercase();
    PHYSICAL_FORMS
        .iter()
        .find(|f| **f == t)
        .copied()
        .ok_or_else(|| {
            Error::invalid(
                "physical form",
                text,
                format!("expected one of: {}", PHYSICAL_FORMS.join(", ")),
            )
        })
}

/// Hazard property codes HP1–HP15, written `HP6 HP9`: separators may be
/// spaces, commas or semicolons, and `HP 6` is read as `HP6`. Stored
/// sorted and without repeats.
pub fn parse_hp_codes(text: &str) -> Result<String> {
    let bad = || {
        Error::invalid(
            "hazard property codes",
            text,
            "expected codes HP1 to HP15, e.g. \"HP6 HP9\"",
        )
    };
    let upper = text.to_uppercase();
    let mut numbers: Vec<u8> = Vec::new();
    let mut rest = upper.trim();
    while !rest.is_empty() {
        let Some(after) = rest.strip_prefix("HP") else {
            return Err(bad());
        };
        let after = after.trim_start();
        let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
        let n: u8 = digits.parse().map_err(|_| bad())?;
        if !(1..=15).contains(&n) {
            return Err(bad());
        }
        numbers.push(n);
        rest = after[digits.len()..].trim_start_matches([' ', ',', ';', '\t']);
    }
    if numbers.is_empty() {
        return Err(bad());
    }
    numbers.sort_unstable();
    numbers.dedup();
    Ok(numbers
        .iter()
        .map(|n| format!("HP{n}"))
        .collect::<Vec<_>>()
        .join(" "))
}

/// The three formats of a hazardous-waste consignment note code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteFormat {
    /// England and Wales: `^[A-Za-z0-9]{2,}/[A-Za-z0-9]{5}[A-Za-z]?$`
    EnglandWales,
    /// Scotland: `^S[ABC]\d{7}$`
    Scotland,
    /// Northern Ireland: `^D[ABC]\d{7}$`
    NorthernIreland,
}

/// Which consignment note format `code` is in, if any (SPEC §10). Three
/// fixed patterns do not need a regular-expression engine.
pub fn note_format(code: &str) -> Option<NoteFormat> {
    let b = code.as_bytes();
    let alnum = |s: &[u8]| s.iter().all(u8::is_ascii_alphanumeric);
    if let Some((prefix, suffix)) = code.split_once('/') {
        let (prefix, suffix) = (prefix.as_bytes(), suffix.as_bytes());
        let suffix_ok = match suffix.len() {
            5 => alnum(suffix),
            6 => alnum(&suffix[..5]) && suffix[5].is_ascii_alphabetic(),
            _ => false,
        };
        return (prefix.len() >= 2 && alnum(prefix) && suffix_ok)
            .then_some(NoteFormat::EnglandWales);
    }
    if b.len() == 9 && matches!(b[1], b'A' | b'B' | b'C') && b[2..].iter().all(u8::is_ascii_digit) {
        return match b[0] {
            b'S' => Some(NoteFormat::Scotland),
            b'D' => Some(NoteFormat::NorthernIreland),
            _ => None,
        };
    }
    None
}

/// The message for a hazardous record or consignment whose note is not a
/// consignment note code.
pub(crate) fn bad_note(note: &str, stream: &str) -> Error {
    Error::invalid(
        "consignment note",
        note,
        format!(
            "{stream} is hazardous, so it needs a consignment note code: England/Wales like NEWCAS/1234L \
             (2+ letters or digits, /, 5 letters or digits, optional final letter), \
             Scotland SA/SB/SC + 7 digits, Northern Ireland DA/DB/DC + 7 digits"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stored_canonically() {
        assert_eq!(canonical_code("180103*").unwrap(), "18 01 03*");
        assert_eq!(canonical_code("18 01 03*").unwrap(), "18 01 03*");
        assert_eq!(canonical_code("18 01 03 *").unwrap(), "18 01 03*");
        assert_eq!(canonical_code(" 20 0301 ").unwrap(), "20 03 01");
        assert!(canonical_code("18 01").is_err());
        assert!(canonical_code("18 01 0x").is_err());
        assert!(canonical_code("18 01 03**").is_err());
        assert!(canonical_code("").is_err());
    }

    #[test]
    fn quantities_are_exact_thousandths() {
        assert_eq!(Quantity::parse("q", "12.5").unwrap(), Quantity(12_500));
        assert_eq!(Quantity::parse("q", "3").unwrap(), Quantity(3_000));
        assert_eq!(Quantity::parse("q", "0.001").unwrap(), Quantity(1));
        assert_eq!(Quantity::parse("q", ".25").unwrap(), Quantity(250));
        assert_eq!(Quantity::parse("q", "33.000").unwrap(), Quantity(33_000));
        assert_eq!(Quantity::parse("q", "1.25000").unwrap(), Quantity(1_250));
        for bad in [
            "0", "0.0", "-1", "-0.5", "", ".", "abc", "1.2345", "1e3", "1,5",
        ] {
            assert!(
                Quantity::parse("q", bad).is_err(),
                "{bad} should be refused"
            );
        }
        assert_eq!(Quantity(12_500).to_string(), "12.5");
        assert_eq!(Quantity(33_000).to_string(), "33");
        assert_eq!(Quantity(1).to_string(), "0.001");
        assert_eq!(Quantity(100_250).to_string(), "100.25");
        // 0.1 + 0.2 is exactly 0.3 here.
        let sum = Quantity::parse("q", "0.1").unwrap().0 + Quantity::parse("q", "0.2").unwrap().0;
        assert_eq!(Quantity(sum), Quantity::parse("q", "0.3").unwrap());
        assert_eq!(serde_json::to_string(&Quantity(5_000)).unwrap(), "5");
        assert_eq!(serde_json::to_string(&Quantity(12_345)).unwrap(), "12.345");
    }

    #[test]
    fn units_forms_and_hp_codes() {
        assert_eq!(WasteUnit::parse("KG").unwrap(), WasteUnit::Kg);
        assert_eq!(WasteUnit::parse("l").unwrap(), WasteUnit::Litres);
        assert_eq!(WasteUnit::parse("litres").unwrap(), WasteUnit::Litres);
        assert_eq!(
            WasteUnit::parse("containers").unwrap(),
            WasteUnit::Containers
        );
        assert!(WasteUnit::parse("tonnes").is_err());
        assert!(WasteUnit::parse("").is_err());
        assert_eq!(parse_physical_form("Liquid").unwrap(), "liquid");
        assert!(parse_physical_form("slurry").is_err());
        assert_eq!(parse_hp_codes("HP9").unwrap(), "HP9");
        assert_eq!(
            parse_hp_codes("hp 6, HP14;HP3 HP6").unwrap(),
            "HP3 HP6 HP14"
        );
        for bad in ["HP0", "HP16", "HP", "H6", "6", "", "HP6 X", "HP1.5"] {
            assert!(parse_hp_codes(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn colours_and_routes_are_the_htm_07_01_ones() {
        assert_eq!(parse_colour("Tiger").unwrap(), "tiger");
        assert!(parse_colour("green").is_err());
        assert_eq!(
            parse_route("Landfill/Energy from waste").unwrap(),
            "landfill/energy from waste"
        );
        assert!(parse_route("recycling").is_err());
    }

    #[test]
    fn consignment_note_england_and_wales() {
        for ok in [
            "NEWCAS/1234L",
            "LABPAT/00401",
            "AB/12345",
            "A1/ABCDE",
            "XY9/1a2b3Z",
        ] {
            assert_eq!(note_format(ok), Some(NoteFormat::EnglandWales), "{ok}");
        }
        for bad in [
            "A/12345",        // prefix too short
            "NEWCAS/1234",    // 4 after the slash
            "NEWCAS/12345LL", // two letters after five
            "NEWCAS/12345-",  // bad character
            "NEWCAS/123456",  // final character must be a letter
            "NEW CAS/12345",  // space in the prefix
            "NEWCAS//12345",  // two slashes
            "NEWCAS12345",    // no slash
            "WTN-2026-ANNUAL",
        ] {
            assert_eq!(note_format(bad), None, "{bad}");
        }
    }

    #[test]
    fn consignment_note_scotland() {
        assert_eq!(note_format("SA1234567"), Some(NoteFormat::Scotland));
        assert_eq!(note_format("SC0000001"), Some(NoteFormat::Scotland));
        for bad in [
            "SD1234567",
            "SA123456",
            "SA12345678",
            "sa1234567",
            "SA123456X",
        ] {
            assert_eq!(note_format(bad), None, "{bad}");
        }
    }

    #[test]
    fn consignment_note_northern_ireland() {
        assert_eq!(note_format("DA1234567"), Some(NoteFormat::NorthernIreland));
        assert_eq!(note_format("DB7654321"), Some(NoteFormat::NorthernIreland));
        for bad in ["DD1234567", "DA12345", "da1234567", "EA1234567"] {
            assert_eq!(note_format(bad), None, "{bad}");
        }
    }
}
