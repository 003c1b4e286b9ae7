//! GS1 element string decoding: barcodes on lab consumables.
//!
//! This module owns turning what a scanner delivers into validated
//! (AI, value) pairs with typed accessors (GTIN, lot, expiry, …), and the
//! JSON object of SPEC §6. It is pure: no database, no printing, and no
//! wall clock, so "today" (which the GS1 century rule needs for two-digit
//! years) comes in through [`DecodeOptions`].
//!
//! Accepted input:
//! - bracketed human-readable form, `(01)09501101530003(17)261231(10)AB-123`,
//!   where `\(` is a literal `(` inside a value;
//! - raw form, optionally after a GS1 symbology identifier (`]C1` GS1-128,
//!   `]d2` Data Matrix, `]Q3` QR Code, `]e0` `DataBar`, `]J1` `DotCode`), with the
//!   separator after variable-length fields given as the GS byte (ASCII 29),
//!   as the text `<GS>`, or as a substitute character chosen by the caller
//!   (keyboard-wedge scanners often turn GS into something else).
//!
//! Layout: [`ai_table`] is the AI table as data; `scan` splits the input;
//! `validate` and `date` check values; `pairing` produces warnings; `error`
//! holds the rejection reasons.

pub mod ai_table;
mod date;
mod error;
mod pairing;
mod scan;
mod validate;

#[cfg(test)]
mod tests;

use chrono::NaiveDate;
use serde::Serialize;

pub use date::resolve_year;
pub use error::{DateProblem, Gs1Error, SeparatorContext, TimeProblem, ValueProblem};
pub use pairing::Warning;

/// What the caller must tell the decoder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeOptions {
    /// The date two-digit years are resolved against (GS1 century rule).
    pub today: NaiveDate,
    /// A character to treat as the GS separator, for scanners that send,
    /// say, `|` instead of ASCII 29. It can then no longer appear in data.
    pub gs_substitute: Option<char>,
}

impl DecodeOptions {
    /// Options for `today`, with no substitute separator.
    pub fn new(today: NaiveDate) -> Self {
        DecodeOptions {
            today,
            gs_substitute: None,
        }
    }

    /// The same options, treating `c` as a GS separator.
    #[must_use]
    pub fn with_gs_substitute(self, c: char) -> Self {
        DecodeOptions {
            gs_substitute: Some(c),
            ..self
        }
    }
}

/// The barcode symbology named by a symbology identifier prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Symbology {
    /// `]C1`: GS1-128.
    Gs1128,
    /// `]d2`: GS1 Data Matrix.
    DataMatrix,
    /// `]Q3`: GS1 QR Code.
    Qr,
    /// `]e0`: GS1 `DataBar` (and composite).
    DataBar,
    /// `]J1`: GS1 `DotCode`.
    DotCode,
}

impl Symbology {
    /// All symbologies, in identifier order of the list above.
    pub const ALL: [Symbology; 5] = [
        Symbology::Gs1128,
        Symbology::DataMatrix,
        Symbology::Qr,
        Symbology::DataBar,
        Symbology::DotCode,
    ];

    /// The symbology identifier, e.g. `]d2`.
    pub fn identifier(self) -> &'static str {
        match self {
            Symbology::Gs1128 => "]C1",
            Symbology::DataMatrix => "]d2",
            Symbology::Qr => "]Q3",
            Symbology::DataBar => "]e0",
            Symbology::DotCode => "]J1",
        }
    }

    /// The symbology for an identifier; `None` for anything not GS1.
    pub fn from_identifier(id: &str) -> Option<Self> {
        Symbology::ALL.into_iter().find(|s| s.identifier() == id)
    }
}

/// One element string: an AI and its value, in input order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Element {
    /// The Application Identifier, e.g. `"01"`.
    pub ai: String,
    /// The value, e.g. `"09501101530003"`.
    pub value: String,
}

impl Element {
    /// The AI's data title from the table, e.g. `"BATCH/LOT"`.
    pub fn title(&self) -> &'static str {
        ai_table::lookup(&self.ai).map_or("", |e| e.title)
    }
}

/// What names the item in a scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKey<'a> {
    /// A GTIN, matched to the item's `gtin`.
    Gtin(&'a str),
    /// An item code from AI (91), matched to the item's `code`.
    Code(&'a str),
}

/// A successfully decoded element string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The symbology, when the input started with its identifier.
    pub symbology: Option<Symbology>,
    /// The elements in input order.
    pub elements: Vec<Element>,
    /// Pairing rules the combination breaks (see [`Warning`]).
    pub warnings: Vec<Warning>,
    /// The date the two-digit years were resolved against, kept so that the
    /// date accessors agree with what validation accepted.
    today: NaiveDate,
}

/// The SPEC §6 JSON object: `elements`, then `gtin`, `lot`, `expiry`,
/// `production_date`, `serial` and `count` where present, in that order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary<'a> {
    /// All elements, in input order.
    pub elements: &'a [Element],
    /// AI (01).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gtin: Option<&'a str>,
    /// AI (91) on a labstock label: the item's code (SPEC §14).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<&'a str>,
    /// AI (10).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lot: Option<&'a str>,
    /// AI (17), as `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiry: Option<NaiveDate>,
    /// AI (11), as `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub production_date: Option<NaiveDate>,
    /// AI (21).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serial: Option<&'a str>,
    /// AI (30), else AI (37).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
}

impl Decoded {
    /// The value of the first element with `ai`.
    pub fn get(&self, ai: &str) -> Option<&str> {
        self.elements
            .iter()
            .find(|e| e.ai == ai)
            .map(|e| e.value.as_str())
    }

    /// A `YYMMDD`/`YYMMD0` date field as a date (day `00` = last day).
    fn date(&self, ai: &str) -> Option<NaiveDate> {
        date::parse_yymmdd(self.get(ai)?, self.today, true).ok()
    }

    /// The GTIN, AI (01).
    pub fn gtin(&self) -> Option<&str> {
        self.get("01")
    }

    /// The GTIN of the contained trade items, AI (02), found on cases
    /// together with a count (37).
    pub fn content_gtin(&self) -> Option<&str> {
        self.get("02")
    }

    /// The GTIN that names the item a scan is for: (01), else the
    /// contents' (02); `data` is the scan, for the message when there is
    /// neither.
    pub fn item_gtin(&self, data: &str) -> crate::error::Result<&str> {
        self.gtin().or(self.content_gtin()).ok_or_else(|| {
            crate::error::Error::invalid(
                "GS1 data",
                data.trim(),
                "the code carries no GTIN (AI 01 or 02) to name the item",
            )
        })
    }

    /// The item code a labstock label carries for an item without a GTIN,
    /// AI (91) (SPEC §14: (01) names an item by `gtin`, (91) by `code`).
    pub fn item_code(&self) -> Option<&str> {
        self.get("91")
    }

    /// How the code names its item: the GTIN (01), else the contents'
    /// GTIN (02), else a labstock label's item code (91); `data` is the
    /// scan, for the message when it carries none.
    pub fn item_key(&self, data: &str) -> crate::error::Result<ItemKey<'_>> {
        if let Some(g) = self.gtin().or(self.content_gtin()) {
            return Ok(ItemKey::Gtin(g));
        }
        self.item_code().map(ItemKey::Code).ok_or_else(|| {
            crate::error::Error::invalid(
                "GS1 data",
                data.trim(),
                "the code carries no GTIN (AI 01 or 02) nor item code (AI 91) to name the item",
            )
        })
    }

    /// The batch or lot number, AI (10).
    pub fn lot(&self) -> Option<&str> {
        self.get("10")
    }

    /// The serial number, AI (21).
    pub fn serial(&self) -> Option<&str> {
        self.get("21")
    }

    /// The SSCC of a logistic unit, AI (00).
    pub fn sscc(&self) -> Option<&str> {
        self.get("00")
    }

    /// The Global Individual Asset Identifier, AI (8004), used on lab
    /// equipment.
    pub fn giai(&self) -> Option<&str> {
        self.get("8004")
    }

    /// The expiry ("use by") date, AI (17).
    pub fn expiry(&self) -> Option<NaiveDate> {
        self.date("17")
    }

    /// The production date, AI (11).
    pub fn production_date(&self) -> Option<NaiveDate> {
        self.date("11")
    }

    /// The best-before date, AI (15).
    pub fn best_before(&self) -> Option<NaiveDate> {
        self.date("15")
    }

    /// The sell-by date, AI (16).
    pub fn sell_by(&self) -> Option<NaiveDate> {
        self.date("16")
    }

    /// The count: AI (30), the variable count of items in a trade item,
    /// else AI (37), the count of trade items in a logistic unit. The
    /// dictionary never allows both with the same GTIN, so at most one
    /// applies.
    pub fn count(&self) -> Option<u64> {
        self.get("30")
            .or_else(|| self.get("37"))
            .and_then(|v| v.parse().ok())
    }

    /// The SPEC §6 JSON object, as a serialisable view that keeps the key
    /// order of the spec.
    pub fn summary(&self) -> Summary<'_> {
        Summary {
            elements: &self.elements,
            gtin: self.gtin(),
            item: self.item_code(),
            lot: self.lot(),
            expiry: self.expiry(),
            production_date: self.production_date(),
            serial: self.serial(),
            count: self.count(),
        }
    }

    /// The SPEC §6 JSON object as a value (keys sorted, since
    /// `serde_json::Value` does not keep order; serialise [`summary`] to
    /// keep the spec's order).
    ///
    /// [`summary`]: Decoded::summary
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self.summary()).unwrap_or(serde_json::Value::Null)
    }

    /// The elements in bracketed form, `(01)…(10)…`, with `(` in values
    /// escaped as `\(` so that [`decode`] reads it back unchanged.
    pub fn to_bracketed(&self) -> String {
        let mut out = String::new();
        for e in &self.elements {
            out.push('(');
            out.push_str(&e.ai);
            out.push(')');
            out.push_str(&e.value.replace('(', "\\("));
        }
        out
    }
}

/// Decode a GS1 element string as a scanner delivers it.
///
/// Every element is validated against the AI table (length, character set,
/// check digit, dates, the dictionary's other content rules); the first
/// problem in input order is returned as the error. Pairing rules are not
/// errors; they come back as [`Decoded::warnings`].
pub fn decode(input: &str, opts: &DecodeOptions) -> Result<Decoded, Gs1Error> {
    if input.is_empty() {
        return Err(Gs1Error::Empty);
    }
    let (symbology, rest, offset) = scan::strip_symbology(input)?;
    let mut elements: Vec<Element> = Vec::new();
    let mut warnings = Vec::new();
    let mut on_element = |entry: &'static ai_table::AiEntry, ai: String, value: String| {
        validate::validate_value(&ai, entry, &value, opts.today)?;
        if let Some(earlier) = elements.iter().find(|e| e.ai == ai) {
            if earlier.value != value {
                return Err(Gs1Error::ConflictingValues {
                    ai,
                    first: earlier.value.clone(),
                    second: value,
                });
            }
            let repeated = Warning::Repeated { ai: ai.clone() };
            if !warnings.contains(&repeated) {
                warnings.push(repeated);
            }
        }
        elements.push(Element { ai, value });
        Ok(())
    };
    let had_data = scan::split(rest, offset, opts.gs_substitute, &mut on_element)?;
    if !had_data {
        return Err(symbology.map_or(Gs1Error::Empty, Gs1Error::OnlySymbologyIdentifier));
    }
    warnings.extend(pairing::pairing_warnings(&elements));
    Ok(Decoded {
        symbology,
        elements,
        warnings,
        today: opts.today,
    })
}

/// Whether `digits` (at least two, all ASCII digits) ends in a correct GS1
/// mod-10 check digit (weights 3, 1, 3, … from the right). Works for GTIN-8,
/// -12, -13, -14, GLN, SSCC and every other GS1 key with a check digit.
pub fn check_digit_ok(digits: &str) -> bool {
    if digits.len() < 2 || !digits.is_ascii() {
        return false;
    }
    let (body, last) = digits.split_at(digits.len() - 1);
    compute_check_digit(body).is_some_and(|c| last.starts_with(c))
}

/// The GS1 mod-10 check digit to append to `body`; `None` if `body` is
/// empty or holds a non-digit.
pub fn compute_check_digit(body: &str) -> Option<char> {
    if body.is_empty() {
        return None;
    }
    validate::mod10_check_digit(body)
}

/// Normalise a GTIN-8, -12, -13 or -14 to 14 digits (left-padded with
/// zeros, which leaves the check digit unchanged), verifying the check
/// digit. Used by `item add --gtin` so that items match the AI (01) of a
/// scan however the GTIN was typed.
pub fn normalize_gtin(s: &str) -> Result<String, Gs1Error> {
    if let Some((index, ch)) = s.chars().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
        return Err(Gs1Error::NotNumeric {
            ai: "01".to_owned(),
            value: s.to_owned(),
            ch,
            index,
        });
    }
    if !matches!(s.len(), 8 | 12 | 13 | 14) {
        return Err(Gs1Error::GtinLength {
            value: s.to_owned(),
            len: s.len(),
        });
    }
    let (body, found) = s.split_at(s.len() - 1);
    match (compute_check_digit(body), found.chars().next()) {
        (Some(expected), Some(found)) if expected != found => Err(Gs1Error::BadCheckDigit {
            ai: "01".to_owned(),
            value: s.to_owned(),
            expected,
            found,
        }),
        _ => Ok(format!("{s:0>14}")),
    }
}
