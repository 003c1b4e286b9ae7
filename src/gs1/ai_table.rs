//! The GS1 Application Identifier table, as data.
//!
//! This module owns the static table of every Application Identifier (AI)
//! defined by the GS1 General Specifications, transcribed entry by entry from
//! the GS1 Barcode Syntax Dictionary (`gs1-syntax-dictionary.txt`, maintained
//! by GS1 AISBL at <https://github.com/gs1/gs1-syntax-dictionary>, Apache-2.0),
//! in its early-2026 state: 224 lines, including AIs (03), (7041), (716),
//! (717), (7250)–(7259), (8014) and (8040)–(8043), with the `gcppos1` /
//! `gcppos2` linter names. The dictionary is the machine-readable form of the
//! General Specifications' AI table, so we copy it rather than the prose:
//! each row keeps the dictionary's AI (or AI range), its flags, its
//! specification string verbatim, the decomposed components with their
//! linters, the pairing attributes (`req=`, `ex=`), the Digital Link key
//! attribute and the short data title. To update, diff a newer dictionary
//! against the `spec`/`req`/`ex` columns below.
//!
//! Why keep the verbatim `spec` next to the typed `components`: the string
//! is what a reviewer diffs against the upstream file, and a unit test
//! re-parses it to prove the typed form says the same thing.
//!
//! Nothing here decodes or validates; see `validate.rs` for what each
//! [`Linter`] checks (and which ones are recorded but not enforced).

use std::fmt;

use Cset::{N, X, Y, Z};
use Linter::{
    CouponCode, CouponPosOffer, Csum, CsumAlpha, Gcppos1, Gcppos2, HasNonDigit, Hh, Hhmi, Hyphen,
    Iban, ImporterIdx, Iso3166, Iso3166Alpha2, Iso4217, Iso5218, Iso3166999, Latitude, Longitude,
    MediaType, Mi, NoZeroPrefix, NonZero, PackageType, Pcenc, PieceOfTotal, PosInSeqSlash, Ss,
    Winding, YesNo, Yymmd0, Yymmdd, Yyyymmdd, Zero,
};

/// The character set of one component of an AI's data field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cset {
    /// Digits `0`–`9` (the dictionary's `N`).
    N,
    /// GS1 AI encodable character set 82 (the dictionary's `X`).
    X,
    /// GS1 AI encodable character set 39 (the dictionary's `Y`).
    Y,
    /// GS1 AI encodable character set 64, file-safe base64 (the dictionary's `Z`).
    Z,
}

impl Cset {
    /// The dictionary's one-letter name.
    pub fn letter(self) -> char {
        match self {
            Cset::N => 'N',
            Cset::X => 'X',
            Cset::Y => 'Y',
            Cset::Z => 'Z',
        }
    }
}

/// A content check the dictionary attaches to a component.
///
/// Names follow the dictionary (`csum`, `yymmd0`, …); [`Linter::name`] gives
/// the dictionary spelling back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Linter {
    /// GS1 mod-10 check digit in the last position.
    Csum,
    /// Alphanumeric check character pair (GMN, MUDI).
    CsumAlpha,
    /// Starts with a GS1 Company Prefix (at least 4 digits).
    Gcppos1,
    /// A GS1 Company Prefix starting at the second character.
    Gcppos2,
    /// Date `YYMMDD` where `DD` may be `00` (last day of the month).
    Yymmd0,
    /// Date `YYMMDD`, a real day required.
    Yymmdd,
    /// Date `YYYYMMDD`.
    Yyyymmdd,
    /// Time `HHMI`.
    Hhmi,
    /// Hour `HH`.
    Hh,
    /// Minute `MI`.
    Mi,
    /// Second `SS`.
    Ss,
    /// ISO 4217 numeric currency code.
    Iso4217,
    /// ISO 3166-1 numeric country code.
    Iso3166,
    /// ISO 3166-1 numeric country code or `999`.
    Iso3166999,
    /// ISO 3166-1 alpha-2 country code.
    Iso3166Alpha2,
    /// Valid RFC 3986 percent-encoding.
    Pcenc,
    /// `0` or `1`.
    YesNo,
    /// The single character `-`.
    Hyphen,
    /// WGS84 latitude as 10 digits (`0`–`1800000000`).
    Latitude,
    /// WGS84 longitude as 10 digits (`0`–`3600000000`).
    Longitude,
    /// EU 2018/574 importer index character.
    ImporterIdx,
    /// UN/ECE Recommendation 21 package type code.
    PackageType,
    /// AIDC media type (`01`–`10`, `80`–`99`).
    MediaType,
    /// ISO/IEC 5218 sex code (`0`, `1`, `2`, `9`).
    Iso5218,
    /// `<pos>/<end>` position in a sequence.
    PosInSeqSlash,
    /// Not all zeros.
    NonZero,
    /// Winding direction (`0`, `1`, `9`).
    Winding,
    /// All zeros.
    Zero,
    /// Piece number and total, equal widths, `0 < piece <= total`.
    PieceOfTotal,
    /// International Bank Account Number.
    Iban,
    /// Does not start with `0`.
    NoZeroPrefix,
    /// Contains at least one non-digit.
    HasNonDigit,
    /// North American coupon code structure (AI 8110).
    CouponCode,
    /// Positive offer file coupon structure (AI 8112).
    CouponPosOffer,
}

impl Linter {
    /// The linter's name as spelled in the Syntax Dictionary.
    pub fn name(self) -> &'static str {
        match self {
            Linter::Csum => "csum",
            Linter::CsumAlpha => "csumalpha",
            Linter::Gcppos1 => "gcppos1",
            Linter::Gcppos2 => "gcppos2",
            Linter::Yymmd0 => "yymmd0",
            Linter::Yymmdd => "yymmdd",
            Linter::Yyyymmdd => "yyyymmdd",
            Linter::Hhmi => "hhmi",
            Linter::Hh => "hh",
            Linter::Mi => "mi",
            Linter::Ss => "ss",
            Linter::Iso4217 => "iso4217",
            Linter::Iso3166 => "iso3166",
            Linter::Iso3166999 => "iso3166999",
            Linter::Iso3166Alpha2 => "iso3166alpha2",
            Linter::Pcenc => "pcenc",
            Linter::YesNo => "yesno",
            Linter::Hyphen => "hyphen",
            Linter::Latitude => "latitude",
            Linter::Longitude => "longitude",
            Linter::ImporterIdx => "importeridx",
            Linter::PackageType => "packagetype",
            Linter::MediaType => "mediatype",
            Linter::Iso5218 => "iso5218",
            Linter::PosInSeqSlash => "posinseqslash",
            Linter::NonZero => "nonzero",
            Linter::Winding => "winding",
            Linter::Zero => "zero",
            Linter::PieceOfTotal => "pieceoftotal",
            Linter::Iban => "iban",
            Linter::NoZeroPrefix => "nozeroprefix",
            Linter::HasNonDigit => "hasnondigit",
            Linter::CouponCode => "couponcode",
            Linter::CouponPosOffer => "couponposoffer",
        }
    }
}

/// One component of an AI's data field, e.g. the `N3` and the `X..27` of
/// AI (7030) `N3,iso3166999 X..27`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Component {
    /// Which characters are allowed.
    pub cset: Cset,
    /// Fewest characters (equal to `max` for a fixed-length component).
    pub min: usize,
    /// Most characters.
    pub max: usize,
    /// Whether the component may be absent (`[...]` in the dictionary); only
    /// trailing components are optional.
    pub optional: bool,
    /// Content checks, applied in order after the character set check.
    pub linters: &'static [Linter],
}

impl Component {
    /// Whether the component has exactly one permitted length.
    pub fn is_fixed(&self) -> bool {
        self.min == self.max
    }
}

impl fmt::Display for Component {
    /// The General Specifications' format notation: `N6`, `X..20`, `[N..12]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let body = if self.is_fixed() {
            format!("{}{}", self.cset.letter(), self.max)
        } else {
            format!("{}..{}", self.cset.letter(), self.max)
        };
        if self.optional {
            write!(f, "[{body}]")
        } else {
            f.write_str(&body)
        }
    }
}

const fn fixed(cset: Cset, len: usize, linters: &'static [Linter]) -> Component {
    Component {
        cset,
        min: len,
        max: len,
        optional: false,
        linters,
    }
}

const fn var(cset: Cset, max: usize, linters: &'static [Linter]) -> Component {
    Component {
        cset,
        min: 1,
        max,
        optional: false,
        linters,
    }
}

const fn opt_fixed(cset: Cset, len: usize, linters: &'static [Linter]) -> Component {
    Component {
        cset,
        min: len,
        max: len,
        optional: true,
        linters,
    }
}

const fn opt_var(cset: Cset, max: usize, linters: &'static [Linter]) -> Component {
    Component {
        cset,
        min: 1,
        max,
        optional: true,
        linters,
    }
}

/// One line of the Syntax Dictionary: a single AI or a range of AIs that
/// share a definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AiEntry {
    /// The AI, or the first AI of the range (`"3100"` of `3100-3105`).
    pub first: &'static str,
    /// The last AI of the range; equal to `first` for a single AI.
    pub last: &'static str,
    /// The dictionary's `*` flag: the AI's first two digits are in the
    /// General Specifications' table of predefined lengths, so its value is
    /// never followed by a separator.
    pub predefined_length: bool,
    /// The dictionary's `?` flag: permitted as a GS1 Digital Link attribute.
    pub dl_attribute: bool,
    /// The specification field of the dictionary line, verbatim.
    pub spec: &'static str,
    /// The specification, decomposed.
    pub components: &'static [Component],
    /// Each `req=` attribute: a comma-separated list of alternatives, each
    /// alternative a `+`-joined group of AIs or patterns (`31nn`), one of
    /// which must accompany this AI. Several entries must all be satisfied.
    pub req: &'static [&'static str],
    /// The `ex=` attribute: AIs or patterns this AI must not appear with.
    pub ex: &'static [&'static str],
    /// `dlpkey` (`Some("")`) or `dlpkey=…` (`Some("22,10,21|235")`): a GS1
    /// Digital Link primary key and its qualifier paths.
    pub dlpkey: Option<&'static str>,
    /// The data title (empty where the dictionary gives none).
    pub title: &'static str,
}

impl AiEntry {
    /// Whether `ai` (digits only) is this entry's AI or falls in its range.
    pub fn covers(&self, ai: &str) -> bool {
        // Same-length digit strings order lexically as they do numerically.
        ai.len() == self.first.len() && self.first <= ai && ai <= self.last
    }

    /// The shortest and longest value the components allow.
    pub fn length_bounds(&self) -> (usize, usize) {
        let min = self
            .components
            .iter()
            .filter(|c| !c.optional)
            .map(|c| c.min)
            .sum();
        let max = self.components.iter().map(|c| c.max).sum();
        (min, max)
    }

    /// The value length when it is fixed (e.g. 14 for AI (01)).
    pub fn fixed_length(&self) -> Option<usize> {
        let (min, max) = self.length_bounds();
        (min == max).then_some(min)
    }

    /// The General Specifications' format notation, components joined by
    /// `+`, e.g. `N3+X..27` for AI (7030).
    pub fn format(&self) -> String {
        self.components
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("+")
    }
}

/// Look up the table entry that defines `ai`; `None` for an unknown AI.
pub fn lookup(ai: &str) -> Option<&'static AiEntry> {
    if !(2..=4).contains(&ai.len()) || !ai.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    AI_TABLE.iter().find(|e| e.covers(ai))
}

/// The General Specifications' table of element strings with predefined
/// length (Figure 5.10.1-2): the first two digits of the AI and the total
/// length of AI plus value. An AI starting with one of these never needs a
/// separator after its value. Prefixes `04`, `14`, `18` and `19` are reserved
/// (no AI is assigned yet) but keep their predefined length, which is why
/// this table is kept apart from [`AI_TABLE`]'s `*` flags.
pub const PREDEFINED_LENGTHS: &[(&str, usize)] = &[
    ("00", 20),
    ("01", 16),
    ("02", 16),
    ("03", 16),
    ("04", 18),
    ("11", 8),
    ("12", 8),
    ("13", 8),
    ("14", 8),
    ("15", 8),
    ("16", 8),
    ("17", 8),
    ("18", 8),
    ("19", 8),
    ("20", 4),
    ("31", 10),
    ("32", 10),
    ("33", 10),
    ("34", 10),
    ("35", 10),
    ("36", 10),
    ("41", 16),
];

/// Every AI of the GS1 Barcode Syntax Dictionary, in the dictionary's
/// (lexical) order, one row per dictionary line.
#[rustfmt::skip]
pub static AI_TABLE: &[AiEntry] = &[
    AiEntry { first: "00", last: "00", predefined_length: true, dl_attribute: true, spec: "N18,csum,gcppos2", components: &[fixed(N, 18, &[Csum, Gcppos2])], req: &[], ex: &[], dlpkey: Some(""), title: "SSCC" },
    AiEntry { first: "01", last: "01", predefined_length: true, dl_attribute: true, spec: "N14,csum,gcppos2", components: &[fixed(N, 14, &[Csum, Gcppos2])], req: &[], ex: &["255", "37"], dlpkey: Some("22,10,21|235"), title: "GTIN" },
    AiEntry { first: "02", last: "02", predefined_length: true, dl_attribute: true, spec: "N14,csum,gcppos2", components: &[fixed(N, 14, &[Csum, Gcppos2])], req: &["37"], ex: &["01", "03"], dlpkey: None, title: "CONTENT" },
    AiEntry { first: "03", last: "03", predefined_length: true, dl_attribute: false, spec: "N14,csum,gcppos2", components: &[fixed(N, 14, &[Csum, Gcppos2])], req: &[], ex: &["01", "02", "37", "235"], dlpkey: None, title: "MTO GTIN" },
    AiEntry { first: "10", last: "10", predefined_length: false, dl_attribute: true, spec: "X..20", components: &[var(X, 20, &[])], req: &["01,02,03,8006,8026"], ex: &[], dlpkey: None, title: "BATCH/LOT" },
    AiEntry { first: "11", last: "11", predefined_length: true, dl_attribute: true, spec: "N6,yymmd0", components: &[fixed(N, 6, &[Yymmd0])], req: &["01,02,03,8006,8026"], ex: &[], dlpkey: None, title: "PROD DATE" },
    AiEntry { first: "12", last: "12", predefined_length: true, dl_attribute: true, spec: "N6,yymmd0", components: &[fixed(N, 6, &[Yymmd0])], req: &["8020"], ex: &[], dlpkey: None, title: "DUE DATE" },
    AiEntry { first: "13", last: "13", predefined_length: true, dl_attribute: true, spec: "N6,yymmd0", components: &[fixed(N, 6, &[Yymmd0])], req: &["01,02,03,8006,8026"], ex: &[], dlpkey: None, title: "PACK DATE" },
    AiEntry { first: "15", last: "15", predefined_length: true, dl_attribute: true, spec: "N6,yymmd0", components: &[fixed(N, 6, &[Yymmd0])], req: &["01,02,03,8006,8026"], ex: &[], dlpkey: None, title: "BEST BEFORE or BEST BY" },
    AiEntry { first: "16", last: "16", predefined_length: true, dl_attribute: true, spec: "N6,yymmd0", components: &[fixed(N, 6, &[Yymmd0])], req: &["01,02,03,8006,8026"], ex: &[], dlpkey: None, title: "SELL BY" },
    AiEntry { first: "17", last: "17", predefined_length: true, dl_attribute: true, spec: "N6,yymmd0", components: &[fixed(N, 6, &[Yymmd0])], req: &["01,02,03,255,8006,8026"], ex: &[], dlpkey: None, title: "USE BY or EXPIRY" },
    AiEntry { first: "20", last: "20", predefined_length: true, dl_attribute: true, spec: "N2", components: &[fixed(N, 2, &[])], req: &["01,02,03,8006,8026"], ex: &[], dlpkey: None, title: "VARIANT" },
    AiEntry { first: "21", last: "21", predefined_length: false, dl_attribute: false, spec: "X..20", components: &[var(X, 20, &[])], req: &["01,03,8006"], ex: &["235"], dlpkey: None, title: "SERIAL" },
    AiEntry { first: "22", last: "22", predefined_length: false, dl_attribute: false, spec: "X..20", components: &[var(X, 20, &[])], req: &["01"], ex: &[], dlpkey: None, title: "CPV" },
    AiEntry { first: "235", last: "235", predefined_length: false, dl_attribute: false, spec: "X..28", components: &[var(X, 28, &[])], req: &["01"], ex: &[], dlpkey: None, title: "TPX" },
    AiEntry { first: "240", last: "240", predefined_length: false, dl_attribute: true, spec: "X..30", components: &[var(X, 30, &[])], req: &["01,02,03,8006,8026"], ex: &[], dlpkey: None, title: "ADDITIONAL ID" },
    AiEntry { first: "241", last: "241", predefined_length: false, dl_attribute: true, spec: "X..30", components: &[var(X, 30, &[])], req: &["01,02,03,8006,8026"], ex: &[], dlpkey: None, title: "CUST. PART No." },
    AiEntry { first: "242", last: "242", predefined_length: false, dl_attribute: true, spec: "N..6", components: &[var(N, 6, &[])], req: &["01,02,8006,8026"], ex: &[], dlpkey: None, title: "MTO VARIANT" },
    AiEntry { first: "243", last: "243", predefined_length: false, dl_attribute: true, spec: "X..20", components: &[var(X, 20, &[])], req: &["01,03"], ex: &[], dlpkey: None, title: "PCN" },
    AiEntry { first: "250", last: "250", predefined_length: false, dl_attribute: true, spec: "X..30", components: &[var(X, 30, &[])], req: &["01+21,03+21,8006+21"], ex: &[], dlpkey: None, title: "SECONDARY SERIAL" },
    AiEntry { first: "251", last: "251", predefined_length: false, dl_attribute: true, spec: "X..30", components: &[var(X, 30, &[])], req: &["01,03,8006"], ex: &[], dlpkey: None, title: "REF. TO SOURCE" },
    AiEntry { first: "253", last: "253", predefined_length: false, dl_attribute: true, spec: "N13,csum,gcppos1 [X..17]", components: &[fixed(N, 13, &[Csum, Gcppos1]), opt_var(X, 17, &[])], req: &[], ex: &[], dlpkey: Some(""), title: "GDTI" },
    AiEntry { first: "254", last: "254", predefined_length: false, dl_attribute: false, spec: "X..20", components: &[var(X, 20, &[])], req: &["414"], ex: &[], dlpkey: None, title: "GLN EXTENSION COMPONENT" },
    AiEntry { first: "255", last: "255", predefined_length: false, dl_attribute: true, spec: "N13,csum,gcppos1 [N..12]", components: &[fixed(N, 13, &[Csum, Gcppos1]), opt_var(N, 12, &[])], req: &[], ex: &["01", "02", "415", "8006", "8020", "8026"], dlpkey: Some(""), title: "GCN" },
    AiEntry { first: "30", last: "30", predefined_length: false, dl_attribute: true, spec: "N..8", components: &[var(N, 8, &[])], req: &["01,02"], ex: &[], dlpkey: None, title: "VAR. COUNT" },
    AiEntry { first: "3100", last: "3105", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["01,02"], ex: &["310n"], dlpkey: None, title: "NET WEIGHT (kg)" },
    AiEntry { first: "3110", last: "3115", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["01,02"], ex: &["311n"], dlpkey: None, title: "LENGTH (m)" },
    AiEntry { first: "3120", last: "3125", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["01,02"], ex: &["312n"], dlpkey: None, title: "WIDTH (m)" },
    AiEntry { first: "3130", last: "3135", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["01,02"], ex: &["313n"], dlpkey: None, title: "HEIGHT (m)" },
    AiEntry { first: "3140", last: "3145", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["01,02"], ex: &["314n"], dlpkey: None, title: "AREA (m²)" },
    AiEntry { first: "3150", last: "3155", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["01,02"], ex: &["315n"], dlpkey: None, title: "NET VOLUME (l)" },
    AiEntry { first: "3160", last: "3165", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["01,02"], ex: &["316n"], dlpkey: None, title: "NET VOLUME (m³)" },
    AiEntry { first: "3200", last: "3205", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["01,02"], ex: &["320n"], dlpkey: None, title: "NET WEIGHT (lb)" },
    AiEntry { first: "3210", last: "3215", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["01,02"], ex: &["321n"], dlpkey: None, title: "LENGTH (in)" },
    AiEntry { first: "3220", last: "3225", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["01,02"], ex: &["322n"], dlpkey: None, title: "LENGTH (ft)" },
    AiEntry { first: "3230", last: "3235", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["01,02"], ex: &["323n"], dlpkey: None, title: "LENGTH (yd)" },
    AiEntry { first: "3240", last: "3245", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["01,02"], ex: &["324n"], dlpkey: None, title: "WIDTH (in)" },
    AiEntry { first: "3250", last: "3255", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["01,02"], ex: &["325n"], dlpkey: None, title: "WIDTH (ft)" },
    AiEntry { first: "3260", last: "3265", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["01,02"], ex: &["326n"], dlpkey: None, title: "WIDTH (yd)" },
    AiEntry { first: "3270", last: "3275", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["01,02"], ex: &["327n"], dlpkey: None, title: "HEIGHT (in)" },
    AiEntry { first: "3280", last: "3285", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["01,02"], ex: &["328n"], dlpkey: None, title: "HEIGHT (ft)" },
    AiEntry { first: "3290", last: "3295", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["01,02"], ex: &["329n"], dlpkey: None, title: "HEIGHT (yd)" },
    AiEntry { first: "3300", last: "3305", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["00,01"], ex: &["330n"], dlpkey: None, title: "GROSS WEIGHT (kg)" },
    AiEntry { first: "3310", last: "3315", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["00,01"], ex: &["331n"], dlpkey: None, title: "LENGTH (m), log" },
    AiEntry { first: "3320", last: "3325", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["00,01"], ex: &["332n"], dlpkey: None, title: "WIDTH (m), log" },
    AiEntry { first: "3330", last: "3335", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["00,01"], ex: &["333n"], dlpkey: None, title: "HEIGHT (m), log" },
    AiEntry { first: "3340", last: "3345", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["00,01"], ex: &["334n"], dlpkey: None, title: "AREA (m²), log" },
    AiEntry { first: "3350", last: "3355", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["00,01"], ex: &["335n"], dlpkey: None, title: "VOLUME (l), log" },
    AiEntry { first: "3360", last: "3365", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["00,01"], ex: &["336n"], dlpkey: None, title: "VOLUME (m³), log" },
    AiEntry { first: "3370", last: "3375", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["01"], ex: &["337n"], dlpkey: None, title: "KG PER m²" },
    AiEntry { first: "3400", last: "3405", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["00,01"], ex: &["340n"], dlpkey: None, title: "GROSS WEIGHT (lb)" },
    AiEntry { first: "3410", last: "3415", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["00,01"], ex: &["341n"], dlpkey: None, title: "LENGTH (in), log" },
    AiEntry { first: "3420", last: "3425", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["00,01"], ex: &["342n"], dlpkey: None, title: "LENGTH (ft), log" },
    AiEntry { first: "3430", last: "3435", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["00,01"], ex: &["343n"], dlpkey: None, title: "LENGTH (yd), log" },
    AiEntry { first: "3440", last: "3445", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["00,01"], ex: &["344n"], dlpkey: None, title: "WIDTH (in), log" },
    AiEntry { first: "3450", last: "3455", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["00,01"], ex: &["345n"], dlpkey: None, title: "WIDTH (ft), log" },
    AiEntry { first: "3460", last: "3465", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["00,01"], ex: &["346n"], dlpkey: None, title: "WIDTH (yd), log" },
    AiEntry { first: "3470", last: "3475", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["00,01"], ex: &["347n"], dlpkey: None, title: "HEIGHT (in), log" },
    AiEntry { first: "3480", last: "3485", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["00,01"], ex: &["348n"], dlpkey: None, title: "HEIGHT (ft), log" },
    AiEntry { first: "3490", last: "3495", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["00,01"], ex: &["349n"], dlpkey: None, title: "HEIGHT (yd), log" },
    AiEntry { first: "3500", last: "3505", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["01,02"], ex: &["350n"], dlpkey: None, title: "AREA (in²)" },
    AiEntry { first: "3510", last: "3515", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["01,02"], ex: &["351n"], dlpkey: None, title: "AREA (ft²)" },
    AiEntry { first: "3520", last: "3525", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["01,02"], ex: &["352n"], dlpkey: None, title: "AREA (yd²)" },
    AiEntry { first: "3530", last: "3535", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["00,01"], ex: &["353n"], dlpkey: None, title: "AREA (in²), log" },
    AiEntry { first: "3540", last: "3545", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["00,01"], ex: &["354n"], dlpkey: None, title: "AREA (ft²), log" },
    AiEntry { first: "3550", last: "3555", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["00,01"], ex: &["355n"], dlpkey: None, title: "AREA (yd²), log" },
    AiEntry { first: "3560", last: "3565", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["01,02"], ex: &["356n"], dlpkey: None, title: "NET WEIGHT (tr oz)" },
    AiEntry { first: "3570", last: "3575", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["01,02"], ex: &["357n"], dlpkey: None, title: "NET VOLUME (oz)" },
    AiEntry { first: "3600", last: "3605", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["01,02"], ex: &["360n"], dlpkey: None, title: "NET VOLUME (qt (US))" },
    AiEntry { first: "3610", last: "3615", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["01,02"], ex: &["361n"], dlpkey: None, title: "NET VOLUME (gal.)" },
    AiEntry { first: "3620", last: "3625", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["00,01"], ex: &["362n"], dlpkey: None, title: "VOLUME (qt (US)), log" },
    AiEntry { first: "3630", last: "3635", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["00,01"], ex: &["363n"], dlpkey: None, title: "VOLUME (gal (US)), log" },
    AiEntry { first: "3640", last: "3645", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["01,02"], ex: &["364n"], dlpkey: None, title: "NET VOLUME (in³)" },
    AiEntry { first: "3650", last: "3655", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["01,02"], ex: &["365n"], dlpkey: None, title: "NET VOLUME (ft³)" },
    AiEntry { first: "3660", last: "3665", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["01,02"], ex: &["366n"], dlpkey: None, title: "NET VOLUME (yd³)" },
    AiEntry { first: "3670", last: "3675", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["00,01"], ex: &["367n"], dlpkey: None, title: "VOLUME (in³), log" },
    AiEntry { first: "3680", last: "3685", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["00,01"], ex: &["368n"], dlpkey: None, title: "VOLUME (ft³), log" },
    AiEntry { first: "3690", last: "3695", predefined_length: true, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["00,01"], ex: &["369n"], dlpkey: None, title: "VOLUME (yd³), log" },
    AiEntry { first: "37", last: "37", predefined_length: false, dl_attribute: true, spec: "N..8", components: &[var(N, 8, &[])], req: &["00+02,00+8026"], ex: &[], dlpkey: None, title: "COUNT" },
    AiEntry { first: "3900", last: "3909", predefined_length: false, dl_attribute: true, spec: "N..15", components: &[var(N, 15, &[])], req: &["255,8020"], ex: &["390n", "391n", "394n", "8111"], dlpkey: None, title: "AMOUNT" },
    AiEntry { first: "3910", last: "3919", predefined_length: false, dl_attribute: true, spec: "N3,iso4217 N..15", components: &[fixed(N, 3, &[Iso4217]), var(N, 15, &[])], req: &["8020"], ex: &["391n"], dlpkey: None, title: "AMOUNT" },
    AiEntry { first: "3920", last: "3929", predefined_length: false, dl_attribute: true, spec: "N..15", components: &[var(N, 15, &[])], req: &["01+30,01+31nn,01+32nn,01+35nn,01+36nn"], ex: &["392n", "393n"], dlpkey: None, title: "PRICE" },
    AiEntry { first: "3930", last: "3939", predefined_length: false, dl_attribute: true, spec: "N3,iso4217 N..15", components: &[fixed(N, 3, &[Iso4217]), var(N, 15, &[])], req: &["30,31nn,32nn,35nn,36nn"], ex: &["393n"], dlpkey: None, title: "PRICE" },
    AiEntry { first: "3940", last: "3943", predefined_length: false, dl_attribute: true, spec: "N4", components: &[fixed(N, 4, &[])], req: &["255"], ex: &["394n", "8111"], dlpkey: None, title: "PRCNT OFF" },
    AiEntry { first: "3950", last: "3955", predefined_length: false, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["30,31nn,32nn,35nn,36nn"], ex: &["392n", "393n", "395n", "8005"], dlpkey: None, title: "PRICE/UoM" },
    AiEntry { first: "400", last: "400", predefined_length: false, dl_attribute: true, spec: "X..30", components: &[var(X, 30, &[])], req: &[], ex: &[], dlpkey: None, title: "ORDER NUMBER" },
    AiEntry { first: "401", last: "401", predefined_length: false, dl_attribute: true, spec: "X..30,gcppos1", components: &[var(X, 30, &[Gcppos1])], req: &[], ex: &[], dlpkey: Some(""), title: "GINC" },
    AiEntry { first: "402", last: "402", predefined_length: false, dl_attribute: true, spec: "N17,csum,gcppos1", components: &[fixed(N, 17, &[Csum, Gcppos1])], req: &[], ex: &[], dlpkey: Some(""), title: "GSIN" },
    AiEntry { first: "403", last: "403", predefined_length: false, dl_attribute: true, spec: "X..30", components: &[var(X, 30, &[])], req: &["00"], ex: &[], dlpkey: None, title: "ROUTE" },
    AiEntry { first: "410", last: "410", predefined_length: true, dl_attribute: true, spec: "N13,csum,gcppos1", components: &[fixed(N, 13, &[Csum, Gcppos1])], req: &[], ex: &[], dlpkey: None, title: "SHIP TO LOC" },
    AiEntry { first: "411", last: "411", predefined_length: true, dl_attribute: true, spec: "N13,csum,gcppos1", components: &[fixed(N, 13, &[Csum, Gcppos1])], req: &[], ex: &[], dlpkey: None, title: "BILL TO" },
    AiEntry { first: "412", last: "412", predefined_length: true, dl_attribute: true, spec: "N13,csum,gcppos1", components: &[fixed(N, 13, &[Csum, Gcppos1])], req: &[], ex: &[], dlpkey: None, title: "PURCHASE FROM" },
    AiEntry { first: "413", last: "413", predefined_length: true, dl_attribute: true, spec: "N13,csum,gcppos1", components: &[fixed(N, 13, &[Csum, Gcppos1])], req: &[], ex: &[], dlpkey: None, title: "SHIP FOR LOC" },
    AiEntry { first: "414", last: "414", predefined_length: true, dl_attribute: true, spec: "N13,csum,gcppos1", components: &[fixed(N, 13, &[Csum, Gcppos1])], req: &[], ex: &[], dlpkey: Some("254|7040"), title: "LOC No." },
    AiEntry { first: "415", last: "415", predefined_length: true, dl_attribute: true, spec: "N13,csum,gcppos1", components: &[fixed(N, 13, &[Csum, Gcppos1])], req: &["8020"], ex: &[], dlpkey: Some("8020"), title: "PAY TO" },
    AiEntry { first: "416", last: "416", predefined_length: true, dl_attribute: true, spec: "N13,csum,gcppos1", components: &[fixed(N, 13, &[Csum, Gcppos1])], req: &[], ex: &[], dlpkey: None, title: "PROD/SERV LOC" },
    AiEntry { first: "417", last: "417", predefined_length: true, dl_attribute: true, spec: "N13,csum,gcppos1", components: &[fixed(N, 13, &[Csum, Gcppos1])], req: &[], ex: &[], dlpkey: Some("7040"), title: "PARTY" },
    AiEntry { first: "420", last: "420", predefined_length: false, dl_attribute: true, spec: "X..20", components: &[var(X, 20, &[])], req: &[], ex: &["421"], dlpkey: None, title: "SHIP TO POST" },
    AiEntry { first: "421", last: "421", predefined_length: false, dl_attribute: true, spec: "N3,iso3166 X..9", components: &[fixed(N, 3, &[Iso3166]), var(X, 9, &[])], req: &[], ex: &["4307"], dlpkey: None, title: "SHIP TO POST" },
    AiEntry { first: "422", last: "422", predefined_length: false, dl_attribute: true, spec: "N3,iso3166", components: &[fixed(N, 3, &[Iso3166])], req: &["01,02,03,8006,8026"], ex: &["426"], dlpkey: None, title: "ORIGIN" },
    AiEntry { first: "423", last: "423", predefined_length: false, dl_attribute: true, spec: "N3,iso3166 [N3],iso3166 [N3],iso3166 [N3],iso3166 [N3],iso3166", components: &[fixed(N, 3, &[Iso3166]), opt_fixed(N, 3, &[Iso3166]), opt_fixed(N, 3, &[Iso3166]), opt_fixed(N, 3, &[Iso3166]), opt_fixed(N, 3, &[Iso3166])], req: &["01,02,03"], ex: &["426"], dlpkey: None, title: "COUNTRY - INITIAL PROCESS" },
    AiEntry { first: "424", last: "424", predefined_length: false, dl_attribute: true, spec: "N3,iso3166", components: &[fixed(N, 3, &[Iso3166])], req: &["01,02,03"], ex: &["426"], dlpkey: None, title: "COUNTRY - PROCESS" },
    AiEntry { first: "425", last: "425", predefined_length: false, dl_attribute: true, spec: "N3,iso3166 [N3],iso3166 [N3],iso3166 [N3],iso3166 [N3],iso3166", components: &[fixed(N, 3, &[Iso3166]), opt_fixed(N, 3, &[Iso3166]), opt_fixed(N, 3, &[Iso3166]), opt_fixed(N, 3, &[Iso3166]), opt_fixed(N, 3, &[Iso3166])], req: &["01,02,03"], ex: &["426"], dlpkey: None, title: "COUNTRY - DISASSEMBLY" },
    AiEntry { first: "426", last: "426", predefined_length: false, dl_attribute: true, spec: "N3,iso3166", components: &[fixed(N, 3, &[Iso3166])], req: &["01,02,03"], ex: &[], dlpkey: None, title: "COUNTRY - FULL PROCESS" },
    AiEntry { first: "427", last: "427", predefined_length: false, dl_attribute: true, spec: "X..3", components: &[var(X, 3, &[])], req: &["01+422,02+422,03+422"], ex: &[], dlpkey: None, title: "ORIGIN SUBDIVISION" },
    AiEntry { first: "4300", last: "4300", predefined_length: false, dl_attribute: true, spec: "X..35,pcenc", components: &[var(X, 35, &[Pcenc])], req: &["00"], ex: &[], dlpkey: None, title: "SHIP TO COMP" },
    AiEntry { first: "4301", last: "4301", predefined_length: false, dl_attribute: true, spec: "X..35,pcenc", components: &[var(X, 35, &[Pcenc])], req: &["00"], ex: &[], dlpkey: None, title: "SHIP TO NAME" },
    AiEntry { first: "4302", last: "4302", predefined_length: false, dl_attribute: true, spec: "X..70,pcenc", components: &[var(X, 70, &[Pcenc])], req: &["00"], ex: &[], dlpkey: None, title: "SHIP TO ADD1" },
    AiEntry { first: "4303", last: "4303", predefined_length: false, dl_attribute: true, spec: "X..70,pcenc", components: &[var(X, 70, &[Pcenc])], req: &["4302"], ex: &[], dlpkey: None, title: "SHIP TO ADD2" },
    AiEntry { first: "4304", last: "4304", predefined_length: false, dl_attribute: true, spec: "X..70,pcenc", components: &[var(X, 70, &[Pcenc])], req: &["00"], ex: &[], dlpkey: None, title: "SHIP TO SUB" },
    AiEntry { first: "4305", last: "4305", predefined_length: false, dl_attribute: true, spec: "X..70,pcenc", components: &[var(X, 70, &[Pcenc])], req: &["00"], ex: &[], dlpkey: None, title: "SHIP TO LOC" },
    AiEntry { first: "4306", last: "4306", predefined_length: false, dl_attribute: true, spec: "X..70,pcenc", components: &[var(X, 70, &[Pcenc])], req: &["00"], ex: &[], dlpkey: None, title: "SHIP TO REG" },
    AiEntry { first: "4307", last: "4307", predefined_length: false, dl_attribute: true, spec: "X2,iso3166alpha2", components: &[fixed(X, 2, &[Iso3166Alpha2])], req: &["00"], ex: &[], dlpkey: None, title: "SHIP TO COUNTRY" },
    AiEntry { first: "4308", last: "4308", predefined_length: false, dl_attribute: true, spec: "X..30", components: &[var(X, 30, &[])], req: &["00"], ex: &[], dlpkey: None, title: "SHIP TO PHONE" },
    AiEntry { first: "4309", last: "4309", predefined_length: false, dl_attribute: true, spec: "N10,latitude N10,longitude", components: &[fixed(N, 10, &[Latitude]), fixed(N, 10, &[Longitude])], req: &["00"], ex: &[], dlpkey: None, title: "SHIP TO GEO" },
    AiEntry { first: "4310", last: "4310", predefined_length: false, dl_attribute: true, spec: "X..35,pcenc", components: &[var(X, 35, &[Pcenc])], req: &["00"], ex: &[], dlpkey: None, title: "RTN TO COMP" },
    AiEntry { first: "4311", last: "4311", predefined_length: false, dl_attribute: true, spec: "X..35,pcenc", components: &[var(X, 35, &[Pcenc])], req: &["00"], ex: &[], dlpkey: None, title: "RTN TO NAME" },
    AiEntry { first: "4312", last: "4312", predefined_length: false, dl_attribute: true, spec: "X..70,pcenc", components: &[var(X, 70, &[Pcenc])], req: &["00"], ex: &[], dlpkey: None, title: "RTN TO ADD1" },
    AiEntry { first: "4313", last: "4313", predefined_length: false, dl_attribute: true, spec: "X..70,pcenc", components: &[var(X, 70, &[Pcenc])], req: &["4312"], ex: &[], dlpkey: None, title: "RTN TO ADD2" },
    AiEntry { first: "4314", last: "4314", predefined_length: false, dl_attribute: true, spec: "X..70,pcenc", components: &[var(X, 70, &[Pcenc])], req: &["00"], ex: &[], dlpkey: None, title: "RTN TO SUB" },
    AiEntry { first: "4315", last: "4315", predefined_length: false, dl_attribute: true, spec: "X..70,pcenc", components: &[var(X, 70, &[Pcenc])], req: &["00"], ex: &[], dlpkey: None, title: "RTN TO LOC" },
    AiEntry { first: "4316", last: "4316", predefined_length: false, dl_attribute: true, spec: "X..70,pcenc", components: &[var(X, 70, &[Pcenc])], req: &["00"], ex: &[], dlpkey: None, title: "RTN TO REG" },
    AiEntry { first: "4317", last: "4317", predefined_length: false, dl_attribute: true, spec: "X2,iso3166alpha2", components: &[fixed(X, 2, &[Iso3166Alpha2])], req: &["00"], ex: &[], dlpkey: None, title: "RTN TO COUNTRY" },
    AiEntry { first: "4318", last: "4318", predefined_length: false, dl_attribute: true, spec: "X..20", components: &[var(X, 20, &[])], req: &["00"], ex: &[], dlpkey: None, title: "RTN TO POST" },
    AiEntry { first: "4319", last: "4319", predefined_length: false, dl_attribute: true, spec: "X..30", components: &[var(X, 30, &[])], req: &["00"], ex: &[], dlpkey: None, title: "RTN TO PHONE" },
    AiEntry { first: "4320", last: "4320", predefined_length: false, dl_attribute: true, spec: "X..35,pcenc", components: &[var(X, 35, &[Pcenc])], req: &["00"], ex: &[], dlpkey: None, title: "SRV DESCRIPTION" },
    AiEntry { first: "4321", last: "4321", predefined_length: false, dl_attribute: true, spec: "N1,yesno", components: &[fixed(N, 1, &[YesNo])], req: &["00"], ex: &[], dlpkey: None, title: "DANGEROUS GOODS" },
    AiEntry { first: "4322", last: "4322", predefined_length: false, dl_attribute: true, spec: "N1,yesno", components: &[fixed(N, 1, &[YesNo])], req: &["00"], ex: &[], dlpkey: None, title: "AUTH TO LEAVE" },
    AiEntry { first: "4323", last: "4323", predefined_length: false, dl_attribute: true, spec: "N1,yesno", components: &[fixed(N, 1, &[YesNo])], req: &["00"], ex: &[], dlpkey: None, title: "SIG REQUIRED" },
    AiEntry { first: "4324", last: "4324", predefined_length: false, dl_attribute: true, spec: "N6,yymmd0 N4,hhmi", components: &[fixed(N, 6, &[Yymmd0]), fixed(N, 4, &[Hhmi])], req: &["00"], ex: &[], dlpkey: None, title: "NOT BEF DEL DT" },
    AiEntry { first: "4325", last: "4325", predefined_length: false, dl_attribute: true, spec: "N6,yymmd0 N4,hhmi", components: &[fixed(N, 6, &[Yymmd0]), fixed(N, 4, &[Hhmi])], req: &["00"], ex: &[], dlpkey: None, title: "NOT AFT DEL DT" },
    AiEntry { first: "4326", last: "4326", predefined_length: false, dl_attribute: true, spec: "N6,yymmdd", components: &[fixed(N, 6, &[Yymmdd])], req: &["00"], ex: &[], dlpkey: None, title: "REL DATE" },
    AiEntry { first: "4330", last: "4330", predefined_length: false, dl_attribute: true, spec: "N6 [X1],hyphen", components: &[fixed(N, 6, &[]), opt_fixed(X, 1, &[Hyphen])], req: &["00"], ex: &["4331"], dlpkey: None, title: "MAX TEMP F." },
    AiEntry { first: "4331", last: "4331", predefined_length: false, dl_attribute: true, spec: "N6 [X1],hyphen", components: &[fixed(N, 6, &[]), opt_fixed(X, 1, &[Hyphen])], req: &["00"], ex: &["4330"], dlpkey: None, title: "MAX TEMP C." },
    AiEntry { first: "4332", last: "4332", predefined_length: false, dl_attribute: true, spec: "N6 [X1],hyphen", components: &[fixed(N, 6, &[]), opt_fixed(X, 1, &[Hyphen])], req: &["00"], ex: &["4333"], dlpkey: None, title: "MIN TEMP F." },
    AiEntry { first: "4333", last: "4333", predefined_length: false, dl_attribute: true, spec: "N6 [X1],hyphen", components: &[fixed(N, 6, &[]), opt_fixed(X, 1, &[Hyphen])], req: &["00"], ex: &["4332"], dlpkey: None, title: "MIN TEMP C." },
    AiEntry { first: "7001", last: "7001", predefined_length: false, dl_attribute: true, spec: "N13", components: &[fixed(N, 13, &[])], req: &["01,02,8006,8026"], ex: &[], dlpkey: None, title: "NSN" },
    AiEntry { first: "7002", last: "7002", predefined_length: false, dl_attribute: true, spec: "X..30", components: &[var(X, 30, &[])], req: &["01,02"], ex: &[], dlpkey: None, title: "MEAT CUT" },
    AiEntry { first: "7003", last: "7003", predefined_length: false, dl_attribute: true, spec: "N6,yymmdd N4,hhmi", components: &[fixed(N, 6, &[Yymmdd]), fixed(N, 4, &[Hhmi])], req: &["01,02,03"], ex: &[], dlpkey: None, title: "EXPIRY TIME" },
    AiEntry { first: "7004", last: "7004", predefined_length: false, dl_attribute: true, spec: "N..4", components: &[var(N, 4, &[])], req: &["01+10,03+10"], ex: &[], dlpkey: None, title: "ACTIVE POTENCY" },
    AiEntry { first: "7005", last: "7005", predefined_length: false, dl_attribute: true, spec: "X..12", components: &[var(X, 12, &[])], req: &["01,02"], ex: &[], dlpkey: None, title: "CATCH AREA" },
    AiEntry { first: "7006", last: "7006", predefined_length: false, dl_attribute: true, spec: "N6,yymmdd", components: &[fixed(N, 6, &[Yymmdd])], req: &["01,02"], ex: &[], dlpkey: None, title: "FIRST FREEZE DATE" },
    AiEntry { first: "7007", last: "7007", predefined_length: false, dl_attribute: true, spec: "N6,yymmdd [N6],yymmdd", components: &[fixed(N, 6, &[Yymmdd]), opt_fixed(N, 6, &[Yymmdd])], req: &["01,02"], ex: &[], dlpkey: None, title: "HARVEST DATE" },
    AiEntry { first: "7008", last: "7008", predefined_length: false, dl_attribute: true, spec: "X..3", components: &[var(X, 3, &[])], req: &["01,02"], ex: &[], dlpkey: None, title: "AQUATIC SPECIES" },
    AiEntry { first: "7009", last: "7009", predefined_length: false, dl_attribute: true, spec: "X..10", components: &[var(X, 10, &[])], req: &["01,02"], ex: &[], dlpkey: None, title: "FISHING GEAR TYPE" },
    AiEntry { first: "7010", last: "7010", predefined_length: false, dl_attribute: true, spec: "X..2", components: &[var(X, 2, &[])], req: &["01,02,03"], ex: &[], dlpkey: None, title: "PROD METHOD" },
    AiEntry { first: "7011", last: "7011", predefined_length: false, dl_attribute: true, spec: "N6,yymmdd [N4],hhmi", components: &[fixed(N, 6, &[Yymmdd]), opt_fixed(N, 4, &[Hhmi])], req: &["01,02,03"], ex: &[], dlpkey: None, title: "TEST BY DATE" },
    AiEntry { first: "7020", last: "7020", predefined_length: false, dl_attribute: true, spec: "X..20", components: &[var(X, 20, &[])], req: &["01+416,03+416,8006+416"], ex: &[], dlpkey: None, title: "REFURB LOT" },
    AiEntry { first: "7021", last: "7021", predefined_length: false, dl_attribute: true, spec: "X..20", components: &[var(X, 20, &[])], req: &["01,03,8006"], ex: &[], dlpkey: None, title: "FUNC STAT" },
    AiEntry { first: "7022", last: "7022", predefined_length: false, dl_attribute: true, spec: "X..20", components: &[var(X, 20, &[])], req: &["01+7021,03+7021,8006+7021"], ex: &[], dlpkey: None, title: "REV STAT" },
    AiEntry { first: "7023", last: "7023", predefined_length: false, dl_attribute: true, spec: "X..30,gcppos1", components: &[var(X, 30, &[Gcppos1])], req: &[], ex: &[], dlpkey: None, title: "GIAI - ASSEMBLY" },
    AiEntry { first: "7030", last: "7030", predefined_length: false, dl_attribute: true, spec: "N3,iso3166999 X..27", components: &[fixed(N, 3, &[Iso3166999]), var(X, 27, &[])], req: &["01,02"], ex: &[], dlpkey: None, title: "PROCESSOR # 0" },
    AiEntry { first: "7031", last: "7031", predefined_length: false, dl_attribute: true, spec: "N3,iso3166999 X..27", components: &[fixed(N, 3, &[Iso3166999]), var(X, 27, &[])], req: &["01,02"], ex: &[], dlpkey: None, title: "PROCESSOR # 1" },
    AiEntry { first: "7032", last: "7032", predefined_length: false, dl_attribute: true, spec: "N3,iso3166999 X..27", components: &[fixed(N, 3, &[Iso3166999]), var(X, 27, &[])], req: &["01,02"], ex: &[], dlpkey: None, title: "PROCESSOR # 2" },
    AiEntry { first: "7033", last: "7033", predefined_length: false, dl_attribute: true, spec: "N3,iso3166999 X..27", components: &[fixed(N, 3, &[Iso3166999]), var(X, 27, &[])], req: &["01,02"], ex: &[], dlpkey: None, title: "PROCESSOR # 3" },
    AiEntry { first: "7034", last: "7034", predefined_length: false, dl_attribute: true, spec: "N3,iso3166999 X..27", components: &[fixed(N, 3, &[Iso3166999]), var(X, 27, &[])], req: &["01,02"], ex: &[], dlpkey: None, title: "PROCESSOR # 4" },
    AiEntry { first: "7035", last: "7035", predefined_length: false, dl_attribute: true, spec: "N3,iso3166999 X..27", components: &[fixed(N, 3, &[Iso3166999]), var(X, 27, &[])], req: &["01,02"], ex: &[], dlpkey: None, title: "PROCESSOR # 5" },
    AiEntry { first: "7036", last: "7036", predefined_length: false, dl_attribute: true, spec: "N3,iso3166999 X..27", components: &[fixed(N, 3, &[Iso3166999]), var(X, 27, &[])], req: &["01,02"], ex: &[], dlpkey: None, title: "PROCESSOR # 6" },
    AiEntry { first: "7037", last: "7037", predefined_length: false, dl_attribute: true, spec: "N3,iso3166999 X..27", components: &[fixed(N, 3, &[Iso3166999]), var(X, 27, &[])], req: &["01,02"], ex: &[], dlpkey: None, title: "PROCESSOR # 7" },
    AiEntry { first: "7038", last: "7038", predefined_length: false, dl_attribute: true, spec: "N3,iso3166999 X..27", components: &[fixed(N, 3, &[Iso3166999]), var(X, 27, &[])], req: &["01,02"], ex: &[], dlpkey: None, title: "PROCESSOR # 8" },
    AiEntry { first: "7039", last: "7039", predefined_length: false, dl_attribute: true, spec: "N3,iso3166999 X..27", components: &[fixed(N, 3, &[Iso3166999]), var(X, 27, &[])], req: &["01,02"], ex: &[], dlpkey: None, title: "PROCESSOR # 9" },
    AiEntry { first: "7040", last: "7040", predefined_length: false, dl_attribute: false, spec: "N1 X1 X1 X1,importeridx", components: &[fixed(N, 1, &[]), fixed(X, 1, &[]), fixed(X, 1, &[]), fixed(X, 1, &[ImporterIdx])], req: &[], ex: &[], dlpkey: None, title: "UIC+EXT" },
    AiEntry { first: "7041", last: "7041", predefined_length: false, dl_attribute: false, spec: "X..4,packagetype", components: &[var(X, 4, &[PackageType])], req: &["00"], ex: &[], dlpkey: None, title: "UFRGT UNIT TYPE" },
    AiEntry { first: "710", last: "710", predefined_length: false, dl_attribute: true, spec: "X..20", components: &[var(X, 20, &[])], req: &["01"], ex: &[], dlpkey: None, title: "NHRN PZN" },
    AiEntry { first: "711", last: "711", predefined_length: false, dl_attribute: true, spec: "X..20", components: &[var(X, 20, &[])], req: &["01"], ex: &[], dlpkey: None, title: "NHRN CIP" },
    AiEntry { first: "712", last: "712", predefined_length: false, dl_attribute: true, spec: "X..20", components: &[var(X, 20, &[])], req: &["01"], ex: &[], dlpkey: None, title: "NHRN CN" },
    AiEntry { first: "713", last: "713", predefined_length: false, dl_attribute: true, spec: "X..20", components: &[var(X, 20, &[])], req: &["01"], ex: &[], dlpkey: None, title: "NHRN DRN" },
    AiEntry { first: "714", last: "714", predefined_length: false, dl_attribute: true, spec: "X..20", components: &[var(X, 20, &[])], req: &["01"], ex: &[], dlpkey: None, title: "NHRN AIM" },
    AiEntry { first: "715", last: "715", predefined_length: false, dl_attribute: true, spec: "X..20", components: &[var(X, 20, &[])], req: &["01"], ex: &[], dlpkey: None, title: "NHRN NDC" },
    AiEntry { first: "716", last: "716", predefined_length: false, dl_attribute: true, spec: "X..20", components: &[var(X, 20, &[])], req: &["01"], ex: &[], dlpkey: None, title: "NHRN AIC" },
    AiEntry { first: "717", last: "717", predefined_length: false, dl_attribute: true, spec: "X..20", components: &[var(X, 20, &[])], req: &["01"], ex: &[], dlpkey: None, title: "NHRN SRN" },
    AiEntry { first: "7230", last: "7230", predefined_length: false, dl_attribute: true, spec: "X2 X..28", components: &[fixed(X, 2, &[]), var(X, 28, &[])], req: &["01,8004"], ex: &[], dlpkey: None, title: "CERT # 1" },
    AiEntry { first: "7231", last: "7231", predefined_length: false, dl_attribute: true, spec: "X2 X..28", components: &[fixed(X, 2, &[]), var(X, 28, &[])], req: &["01,8004"], ex: &[], dlpkey: None, title: "CERT # 2" },
    AiEntry { first: "7232", last: "7232", predefined_length: false, dl_attribute: true, spec: "X2 X..28", components: &[fixed(X, 2, &[]), var(X, 28, &[])], req: &["01,8004"], ex: &[], dlpkey: None, title: "CERT # 3" },
    AiEntry { first: "7233", last: "7233", predefined_length: false, dl_attribute: true, spec: "X2 X..28", components: &[fixed(X, 2, &[]), var(X, 28, &[])], req: &["01,8004"], ex: &[], dlpkey: None, title: "CERT # 4" },
    AiEntry { first: "7234", last: "7234", predefined_length: false, dl_attribute: true, spec: "X2 X..28", components: &[fixed(X, 2, &[]), var(X, 28, &[])], req: &["01,8004"], ex: &[], dlpkey: None, title: "CERT # 5" },
    AiEntry { first: "7235", last: "7235", predefined_length: false, dl_attribute: true, spec: "X2 X..28", components: &[fixed(X, 2, &[]), var(X, 28, &[])], req: &["01,8004"], ex: &[], dlpkey: None, title: "CERT # 6" },
    AiEntry { first: "7236", last: "7236", predefined_length: false, dl_attribute: true, spec: "X2 X..28", components: &[fixed(X, 2, &[]), var(X, 28, &[])], req: &["01,8004"], ex: &[], dlpkey: None, title: "CERT # 7" },
    AiEntry { first: "7237", last: "7237", predefined_length: false, dl_attribute: true, spec: "X2 X..28", components: &[fixed(X, 2, &[]), var(X, 28, &[])], req: &["01,8004"], ex: &[], dlpkey: None, title: "CERT # 8" },
    AiEntry { first: "7238", last: "7238", predefined_length: false, dl_attribute: true, spec: "X2 X..28", components: &[fixed(X, 2, &[]), var(X, 28, &[])], req: &["01,8004"], ex: &[], dlpkey: None, title: "CERT # 9" },
    AiEntry { first: "7239", last: "7239", predefined_length: false, dl_attribute: true, spec: "X2 X..28", components: &[fixed(X, 2, &[]), var(X, 28, &[])], req: &["01,8004"], ex: &[], dlpkey: None, title: "CERT # 10" },
    AiEntry { first: "7240", last: "7240", predefined_length: false, dl_attribute: true, spec: "X..20", components: &[var(X, 20, &[])], req: &["01,8006"], ex: &["03"], dlpkey: None, title: "PROTOCOL" },
    AiEntry { first: "7241", last: "7241", predefined_length: false, dl_attribute: true, spec: "N2,mediatype", components: &[fixed(N, 2, &[MediaType])], req: &["8017,8018"], ex: &[], dlpkey: None, title: "AIDC MEDIA TYPE" },
    AiEntry { first: "7242", last: "7242", predefined_length: false, dl_attribute: true, spec: "X..25", components: &[var(X, 25, &[])], req: &["8017,8018"], ex: &[], dlpkey: None, title: "VCN" },
    AiEntry { first: "7250", last: "7250", predefined_length: false, dl_attribute: true, spec: "N8,yyyymmdd", components: &[fixed(N, 8, &[Yyyymmdd])], req: &["8018"], ex: &["7251"], dlpkey: None, title: "DOB" },
    AiEntry { first: "7251", last: "7251", predefined_length: false, dl_attribute: true, spec: "N8,yyyymmdd N4,hhmi", components: &[fixed(N, 8, &[Yyyymmdd]), fixed(N, 4, &[Hhmi])], req: &["8018"], ex: &["7250"], dlpkey: None, title: "DOB TIME" },
    AiEntry { first: "7252", last: "7252", predefined_length: false, dl_attribute: true, spec: "N1,iso5218", components: &[fixed(N, 1, &[Iso5218])], req: &["8018"], ex: &[], dlpkey: None, title: "BIO SEX" },
    AiEntry { first: "7253", last: "7253", predefined_length: false, dl_attribute: true, spec: "X..40,pcenc", components: &[var(X, 40, &[Pcenc])], req: &["8017,8018"], ex: &["7256", "7259"], dlpkey: None, title: "FAMILY NAME" },
    AiEntry { first: "7254", last: "7254", predefined_length: false, dl_attribute: true, spec: "X..40,pcenc", components: &[var(X, 40, &[Pcenc])], req: &["8017,8018"], ex: &["7256", "7259"], dlpkey: None, title: "GIVEN NAME" },
    AiEntry { first: "7255", last: "7255", predefined_length: false, dl_attribute: true, spec: "X..10", components: &[var(X, 10, &[])], req: &["8017,8018"], ex: &["7256", "7259"], dlpkey: None, title: "SUFFIX" },
    AiEntry { first: "7256", last: "7256", predefined_length: false, dl_attribute: true, spec: "X..90,pcenc", components: &[var(X, 90, &[Pcenc])], req: &["8017,8018"], ex: &[], dlpkey: None, title: "FULL NAME" },
    AiEntry { first: "7257", last: "7257", predefined_length: false, dl_attribute: true, spec: "X..70,pcenc", components: &[var(X, 70, &[Pcenc])], req: &["8018"], ex: &[], dlpkey: None, title: "PERSON ADDR" },
    AiEntry { first: "7258", last: "7258", predefined_length: false, dl_attribute: true, spec: "X3,posinseqslash", components: &[fixed(X, 3, &[PosInSeqSlash])], req: &["8018+7259"], ex: &[], dlpkey: None, title: "BIRTH SEQUENCE" },
    AiEntry { first: "7259", last: "7259", predefined_length: false, dl_attribute: true, spec: "X..40,pcenc", components: &[var(X, 40, &[Pcenc])], req: &["8018"], ex: &["7256"], dlpkey: None, title: "BABY" },
    AiEntry { first: "8001", last: "8001", predefined_length: false, dl_attribute: true, spec: "N4,nonzero N5,nonzero N3,nonzero N1,winding N1", components: &[fixed(N, 4, &[NonZero]), fixed(N, 5, &[NonZero]), fixed(N, 3, &[NonZero]), fixed(N, 1, &[Winding]), fixed(N, 1, &[])], req: &["01"], ex: &[], dlpkey: None, title: "DIMENSIONS" },
    AiEntry { first: "8002", last: "8002", predefined_length: false, dl_attribute: true, spec: "X..20", components: &[var(X, 20, &[])], req: &[], ex: &[], dlpkey: None, title: "CMT No." },
    AiEntry { first: "8003", last: "8003", predefined_length: false, dl_attribute: true, spec: "N1,zero N13,csum,gcppos1 [X..16]", components: &[fixed(N, 1, &[Zero]), fixed(N, 13, &[Csum, Gcppos1]), opt_var(X, 16, &[])], req: &[], ex: &[], dlpkey: Some(""), title: "GRAI" },
    AiEntry { first: "8004", last: "8004", predefined_length: false, dl_attribute: true, spec: "X..30,gcppos1", components: &[var(X, 30, &[Gcppos1])], req: &[], ex: &[], dlpkey: Some("7040"), title: "GIAI" },
    AiEntry { first: "8005", last: "8005", predefined_length: false, dl_attribute: true, spec: "N6", components: &[fixed(N, 6, &[])], req: &["01,02"], ex: &[], dlpkey: None, title: "PRICE PER UNIT" },
    AiEntry { first: "8006", last: "8006", predefined_length: false, dl_attribute: true, spec: "N14,csum,gcppos2 N4,pieceoftotal", components: &[fixed(N, 14, &[Csum, Gcppos2]), fixed(N, 4, &[PieceOfTotal])], req: &[], ex: &["01", "03", "37"], dlpkey: Some("22,10,21"), title: "ITIP" },
    AiEntry { first: "8007", last: "8007", predefined_length: false, dl_attribute: true, spec: "X..34,iban", components: &[var(X, 34, &[Iban])], req: &["415"], ex: &[], dlpkey: None, title: "IBAN" },
    AiEntry { first: "8008", last: "8008", predefined_length: false, dl_attribute: true, spec: "N6,yymmdd N2,hh [N2],mi [N2],ss", components: &[fixed(N, 6, &[Yymmdd]), fixed(N, 2, &[Hh]), opt_fixed(N, 2, &[Mi]), opt_fixed(N, 2, &[Ss])], req: &["01,02,03"], ex: &[], dlpkey: None, title: "PROD TIME" },
    AiEntry { first: "8009", last: "8009", predefined_length: false, dl_attribute: true, spec: "X..50", components: &[var(X, 50, &[])], req: &["00,01,03"], ex: &[], dlpkey: None, title: "OPTSEN" },
    AiEntry { first: "8010", last: "8010", predefined_length: false, dl_attribute: true, spec: "Y..30,gcppos1", components: &[var(Y, 30, &[Gcppos1])], req: &[], ex: &[], dlpkey: Some("8011"), title: "CPID" },
    AiEntry { first: "8011", last: "8011", predefined_length: false, dl_attribute: false, spec: "N..12,nozeroprefix", components: &[var(N, 12, &[NoZeroPrefix])], req: &["8010"], ex: &[], dlpkey: None, title: "CPID SERIAL" },
    AiEntry { first: "8012", last: "8012", predefined_length: false, dl_attribute: true, spec: "X..20", components: &[var(X, 20, &[])], req: &["01,03,8006"], ex: &[], dlpkey: None, title: "VERSION" },
    AiEntry { first: "8013", last: "8013", predefined_length: false, dl_attribute: true, spec: "X..25,csumalpha,gcppos1", components: &[var(X, 25, &[CsumAlpha, Gcppos1])], req: &[], ex: &[], dlpkey: Some(""), title: "GMN" },
    AiEntry { first: "8014", last: "8014", predefined_length: false, dl_attribute: false, spec: "X..25,csumalpha,gcppos1,hasnondigit", components: &[var(X, 25, &[CsumAlpha, Gcppos1, HasNonDigit])], req: &["01"], ex: &[], dlpkey: None, title: "MUDI" },
    AiEntry { first: "8017", last: "8017", predefined_length: false, dl_attribute: true, spec: "N18,csum,gcppos1", components: &[fixed(N, 18, &[Csum, Gcppos1])], req: &[], ex: &["8018"], dlpkey: Some("8019"), title: "GSRN - PROVIDER" },
    AiEntry { first: "8018", last: "8018", predefined_length: false, dl_attribute: true, spec: "N18,csum,gcppos1", components: &[fixed(N, 18, &[Csum, Gcppos1])], req: &[], ex: &["8017"], dlpkey: Some("8019"), title: "GSRN - RECIPIENT" },
    AiEntry { first: "8019", last: "8019", predefined_length: false, dl_attribute: false, spec: "N..10", components: &[var(N, 10, &[])], req: &["8017,8018"], ex: &[], dlpkey: None, title: "SRIN" },
    AiEntry { first: "8020", last: "8020", predefined_length: false, dl_attribute: false, spec: "X..25", components: &[var(X, 25, &[])], req: &["415"], ex: &[], dlpkey: None, title: "REF No." },
    AiEntry { first: "8026", last: "8026", predefined_length: false, dl_attribute: true, spec: "N14,csum,gcppos2 N4,pieceoftotal", components: &[fixed(N, 14, &[Csum, Gcppos2]), fixed(N, 4, &[PieceOfTotal])], req: &["37"], ex: &["02", "03", "8006"], dlpkey: None, title: "ITIP CONTENT" },
    AiEntry { first: "8030", last: "8030", predefined_length: false, dl_attribute: true, spec: "Z..90", components: &[var(Z, 90, &[])], req: &["00,01+21,03+21,253,255,8003,8004,8006+21,8010+8011,8017,8018"], ex: &[], dlpkey: None, title: "DIGSIG" },
    AiEntry { first: "8040", last: "8040", predefined_length: false, dl_attribute: false, spec: "N15", components: &[fixed(N, 15, &[])], req: &["01+21"], ex: &[], dlpkey: None, title: "IMEI" },
    AiEntry { first: "8041", last: "8041", predefined_length: false, dl_attribute: false, spec: "N15", components: &[fixed(N, 15, &[])], req: &["01+21+8040"], ex: &[], dlpkey: None, title: "IMEI2" },
    AiEntry { first: "8042", last: "8042", predefined_length: false, dl_attribute: false, spec: "N32", components: &[fixed(N, 32, &[])], req: &["01+21+8040"], ex: &[], dlpkey: None, title: "ESIM" },
    AiEntry { first: "8043", last: "8043", predefined_length: false, dl_attribute: false, spec: "N18 [N..2]", components: &[fixed(N, 18, &[]), opt_var(N, 2, &[])], req: &["01+21+8040"], ex: &[], dlpkey: None, title: "PSIM" },
    AiEntry { first: "8110", last: "8110", predefined_length: false, dl_attribute: true, spec: "X..70,couponcode", components: &[var(X, 70, &[CouponCode])], req: &[], ex: &[], dlpkey: None, title: "" },
    AiEntry { first: "8111", last: "8111", predefined_length: false, dl_attribute: true, spec: "N4", components: &[fixed(N, 4, &[])], req: &["255"], ex: &[], dlpkey: None, title: "POINTS" },
    AiEntry { first: "8112", last: "8112", predefined_length: false, dl_attribute: true, spec: "X..70,couponposoffer", components: &[var(X, 70, &[CouponPosOffer])], req: &[], ex: &[], dlpkey: None, title: "" },
    AiEntry { first: "8200", last: "8200", predefined_length: false, dl_attribute: false, spec: "X..70", components: &[var(X, 70, &[])], req: &["01"], ex: &[], dlpkey: None, title: "PRODUCT URL" },
    AiEntry { first: "90", last: "90", predefined_length: false, dl_attribute: true, spec: "X..30", components: &[var(X, 30, &[])], req: &[], ex: &[], dlpkey: None, title: "INTERNAL" },
    AiEntry { first: "91", last: "99", predefined_length: false, dl_attribute: true, spec: "X..90", components: &[var(X, 90, &[])], req: &[], ex: &[], dlpkey: None, title: "INTERNAL" },
];
