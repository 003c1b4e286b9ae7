//! Plain domain values and their parsing from user text: quantities, money,
//! dates, timestamps, movement kinds, lot statuses. No SQL and no I/O, so
//! every rule here is testable on its own.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Timelike, Utc};
use serde::Serialize;

use crate::error::{Error, Result};
pub use crate::values::{
    ItemId, LocationId, LotId, MovementId, Quantity, Timestamp, WasteRecordId,
};

/// Format of timestamps stored in the database: UTC, second precision, so
/// that text order is time order.
pub const STORED_TIMESTAMP: &str = "%Y-%m-%dT%H:%M:%SZ";

/// Render a UTC timestamp as stored. Written out by hand because an
/// import stamps every row and chrono's `format` interprets its pattern
/// each time; years outside 0..=9999 and leap seconds, which the fixed
/// layout cannot hold, go through chrono so the text is the same.
pub fn stamp(t: DateTime<Utc>) -> String {
    let year = t.year();
    if !(0..=9999).contains(&year) || t.nanosecond() >= 1_000_000_000 {
        return t.format(STORED_TIMESTAMP).to_string();
    }
    let year = year as u32;
    let mut text = String::with_capacity(20);
    for place in [1000, 100, 10, 1] {
        text.push(digit(year / place));
    }
    for (sep, n) in [
        ('-', t.month()),
        ('-', t.day()),
        ('T', t.hour()),
        (':', t.minute()),
        (':', t.second()),
    ] {
        text.push(sep);
        text.push(digit(n / 10));
        text.push(digit(n));
    }
    text.push('Z');
    text
}

/// The last decimal digit of `n` as a character.
fn digit(n: u32) -> char {
    char::from(b'0' + (n % 10) as u8)
}

/// Parse a date as stored (`YYYY-MM-DD`), `None` when it is not one. The
/// ledger reads a lot's expiry on every FEFO decision, so the usual shape
/// is read digit by digit rather than through chrono's pattern parser.
pub fn parse_stored_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b.get(r)?.iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    if b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10))
    {
        return NaiveDate::from_ymd_opt(y as i32, m, d);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// Parse a stored timestamp (written by [`stamp`]).
pub fn parse_stamp(text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| Error::invalid("stored timestamp", text, "expected RFC 3339"))
}

/// Parse a whole-number quantity of stock, as typed by a user.
pub fn parse_quantity(text: &str) -> Result<i64> {
    let t = text.trim();
    let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        // Too long for i64 is too large too, not "not a number".
        let q = t.parse::<i64>().unwrap_or(i64::MAX);
        check_quantity("quantity", q, text)?;
        return Ok(q);
    }
    Err(Error::invalid(
        "quantity",
        text,
        "expected a whole number of units of issue (e.g. 5)",
    ))
}

/// The most units one movement or one balance may hold (SPEC §10).
pub const MAX_QUANTITY: i64 = 1_000_000_000;

/// The most one unit may cost, in pence (SPEC §10: £10,000,000.00).
pub const MAX_UNIT_COST_PENCE: i64 = 1_000_000_000;

/// Refuse a quantity beyond [`MAX_QUANTITY`] either way; `text` is what
/// the user wrote. A number as long as a barcode gets a hint: a GTIN
/// scanned or typed into the quantity field is a common slip.
pub fn check_quantity(what: &str, q: i64, text: &str) -> Result<()> {
    if q.unsigned_abs() <= MAX_QUANTITY.unsigned_abs() {
        return Ok(());
    }
    let t = text.trim();
    let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
    let unit = if (8..=14).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        "units of issue (that looks like a barcode: receive a scanned code with --scan)"
    } else {
        "units of issue"
    };
    Err(Error::TooLarge {
        what: what.to_owned(),
        value: text.trim().to_owned(),
        limit: "1000000000".into(),
        unit,
    })
}

/// A quantity that must be strictly positive.
pub fn positive_quantity(text: &str) -> Result<i64> {
    let q = parse_quantity(text)?;
    if q <= 0 {
        return Err(Error::invalid(
            "quantity",
            text,
            "expected a whole number greater than zero",
        ));
    }
    Ok(q)
}

/// Parse an ISO `YYYY-MM-DD` date, refusing impossible ones (`2026-02-30`).
pub fn parse_date(what: &str, text: &str) -> Result<NaiveDate> {
    let t = text.trim();
    let ok_shape = t.len() == 10
        && t.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !ok_shape {
        return Err(Error::invalid(what, text, "expected a date as YYYY-MM-DD"));
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .map_err(|_| Error::invalid(what, text, "no such date in the calendar"))
}

/// Parse an import timestamp (SPEC §10): RFC 3339 with an offset, or a bare
/// date meaning 12:00 UTC that day. A date-time without an offset is
/// refused rather than guessed.
pub fn parse_timestamp(text: &str) -> Result<DateTime<Utc>> {
    let t = text.trim();
    // Ten characters shaped like a date are one (or the calendar says why
    // not); anything else gets the full description of what is expected.
    if t.len() == 10 && t.as_bytes()[4] == b'-' && t.as_bytes()[7] == b'-' {
        let date = parse_date("timestamp", t)?;
        let noon = NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default();
        return Ok(date.and_time(noon).and_utc());
    }
    if let Ok(parsed) = DateTime::parse_from_rfc3339(t) {
        return Ok(parsed.with_timezone(&Utc));
    }
    let no_offset = chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S").is_ok()
        || chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S").is_ok()
        || chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M").is_ok();
    if no_offset {
        return Err(Error::invalid(
            "timestamp",
            text,
            "it has no UTC offset; add one, e.g. `Z` for UTC or `+01:00` for BST",
        ));
    }
    Err(Error::invalid(
        "timestamp",
        text,
        "expected RFC 3339 with an offset (2026-11-21T09:15:00Z) or a date YYYY-MM-DD",
    ))
}

/// An import's timestamp (SPEC §10): RFC 3339 with an offset, or a bare
/// date meaning 12:00 that day in the lab's zone (today before noon: now).
pub fn parse_lab_timestamp(
    text: &str,
    zone: crate::clock::Zone,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>> {
    let t = text.trim();
    if t.len() == 10 && t.as_bytes()[4] == b'-' && t.as_bytes()[7] == b'-' {
        let date = parse_date("timestamp", t)?;
        return Ok(crate::clock::noon_of(date, zone, now));
    }
    parse_timestamp(text)
}

/// Money as integer pence (SPEC §1): parsed from pounds, printed as pounds
/// with two decimals, never a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Money(pub i64);

impl Money {
    /// Parse pounds (`12.5`, `12.50`, `£3`); a cost finer than a penny is refused.
    pub fn parse_pounds(text: &str) -> Result<Money> {
        let bad = |why: &str| Error::invalid("unit cost", text, why);
        let t = text.trim().trim_start_matches('£');
        let (whole, frac) = match t.split_once('.') {
            Some((w, f)) => (w, f),
            None => (t, ""),
        };
        if whole.is_empty() && frac.is_empty()
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(bad("expected pounds such as 12.50"));
        }
        if frac.len() > 2 {
            return Err(bad("a cost finer than a penny is not allowed"));
        }
        let pounds: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().unwrap_or(i64::MAX)
        };
        let mut pence_text = frac.to_owned();
        while pence_text.len() < 2 {
            pence_text.push('0');
        }
        let pence: i64 = pence_text.parse().map_err(|_| bad("expected pounds"))?;
        pounds
            .checked_mul(100)
            .and_then(|p| p.checked_add(pence))
            .filter(|p| *p <= MAX_UNIT_COST_PENCE)
            .map(Money)
            .ok_or_else(|| Error::TooLarge {
                what: "unit cost".into(),
                value: text.trim().to_owned(),
                limit: "10000000.00".into(),
                unit: "pounds",
            })
    }

    pub fn pence(self) -> i64 {
        self.0
    }
}

/// Money serialises as printed: pounds with two decimals, as text (JSON
/// keeps it exact; CSV shows what a spreadsheet user expects).
impl serde::Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

/// Parse a boolean cell (`true/false/yes/no/1/0`, case-insensitive).
pub fn parse_bool(what: &str, text: &str) -> Result<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" => Ok(true),
        "false" | "no" | "n" | "0" => Ok(false),
        _ => Err(Error::invalid(what, text, "expected true/false/yes/no/1/0")),
    }
}

/// Parse a non-negative whole number setting (levels, days).
pub fn parse_count(what: &str, text: &str) -> Result<i64> {
    let t = text.trim();
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        let n = t.parse::<i64>().unwrap_or(i64::MAX);
        check_quantity(what, n, text)?;
        return Ok(n);
    }
    match t.parse::<i64>() {
        Ok(n) if n >= 0 => Ok(n),
        _ => Err(Error::invalid(
            what,
            text,
            "expected a whole number, 0 or more",
        )),
    }
}

/// The seven kinds of stock movement (SPEC §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MovementKind {
    Receive,
    Issue,
    Transfer,
    Adjust,
    Count,
    Dispose,
    Reverse,
    /// Units move from a lot's sealed portion to an opened one (SPEC §15).
    Open,
}

impl MovementKind {
    pub const ALL: [MovementKind; 8] = [
        MovementKind::Receive,
        MovementKind::Issue,
        MovementKind::Transfer,
        MovementKind::Adjust,
        MovementKind::Count,
        MovementKind::Dispose,
        MovementKind::Reverse,
        MovementKind::Open,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MovementKind::Receive => "receive",
            MovementKind::Issue => "issue",
            MovementKind::Transfer => "transfer",
            MovementKind::Adjust => "adjust",
            MovementKind::Count => "count",
            MovementKind::Dispose => "dispose",
            MovementKind::Reverse => "reverse",
            MovementKind::Open => "open",
        }
    }
}

impl fmt::Display for MovementKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for MovementKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let t = s.trim().to_ascii_lowercase();
        MovementKind::ALL
            .into_iter()
            .find(|k| k.as_str() == t)
            .ok_or_else(|| {
                Error::invalid(
                    "movement kind",
                    s,
                    "expected receive, issue, transfer, adjust, count, dispose, open or reverse",
                )
            })
    }
}

/// Whether a lot may be used (SPEC §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LotStatus {
    Available,
    /// Awaiting acceptance (SPEC §13): a new lot of an item whose lots are
    /// verified before use.
    Pending,
    Quarantined,
    Recalled,
}

impl LotStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            LotStatus::Available => "available",
            LotStatus::Pending => "pending",
            LotStatus::Quarantined => "quarantined",
            LotStatus::Recalled => "recalled",
        }
    }

    /// A status as stored, or as the SQL of [`crate::lot_status_sql!`]
    /// reads it (`pending` included).
    pub fn from_db(s: &str) -> LotStatus {
        match s {
            "pending" => LotStatus::Pending,
            "quarantined" => LotStatus::Quarantined,
            "recalled" => LotStatus::Recalled,
            _ => LotStatus::Available,
        }
    }

    /// The status a lot has from its stored `status` (from its lot events)
    /// and whether it awaits acceptance: pending only while otherwise
    /// available (a quarantine or recall shows through; a release returns
    /// a lot still awaiting acceptance to pending). The one definition;
    /// [`crate::lot_status_sql!`] is its SQL form.
    #[must_use]
    pub fn with_acceptance(self, pending: bool) -> LotStatus {
        match self {
            LotStatus::Available if pending => LotStatus::Pending,
            other => other,
        }
    }
}

/// The SQL expression of a lot's status with acceptance
/// ([`LotStatus::with_acceptance`]) for the `lots` row aliased `$t`.
#[macro_export]
macro_rules! lot_status_sql {
    ($t:literal) => {
        concat!(
            "CASE WHEN ",
            $t,
            ".pending = 1 AND ",
            $t,
            ".status = 'available' THEN 'pending' ELSE ",
            $t,
            ".status END"
        )
    };
}

/// Whether stock can be used on a date, and if not, why (SPEC §1, §2, §10).
///
/// The one definition of "usable": a lot is usable when it is available
/// (neither quarantined nor recalled) and not past its effective expiry on
/// the as-of date. Stock, FEFO allocation, the reorder, usage and expiry
/// reports and every face ask [`Usability::of`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Usability {
    Usable,
    /// Unexpired stock of a lot pending acceptance (SPEC §13): not usable,
    /// but counted in the reorder position.
    AwaitingAcceptance,
    Expired,
    Quarantined,
    Recalled,
}

impl Usability {
    /// The rule: status first (a quarantined or recalled lot is that, even
    /// when expired too), then the effective expiry against `as_of`.
    pub fn of(
        status: LotStatus,
        effective_expiry: Option<NaiveDate>,
        as_of: NaiveDate,
    ) -> Usability {
        match status {
            LotStatus::Quarantined => Usability::Quarantined,
            LotStatus::Recalled => Usability::Recalled,
            LotStatus::Pending | LotStatus::Available if is_expired(effective_expiry, as_of) => {
                Usability::Expired
            }
            LotStatus::Pending => Usability::AwaitingAcceptance,
            LotStatus::Available => Usability::Usable,
        }
    }

    pub fn is_usable(self) -> bool {
        self == Usability::Usable
    }

    /// The status word the faces show (`stock`): usable stock is
    /// "available".
    pub fn as_str(self) -> &'static str {
        match self {
            Usability::Usable => "available",
            Usability::AwaitingAcceptance => "pending",
            Usability::Expired => "expired",
            Usability::Quarantined => "quarantined",
            Usability::Recalled => "recalled",
        }
    }
}

/// A lot's effective expiry: the earlier of its printed expiry and the end
/// of its in-use period after opening (SPEC §1).
pub fn effective_expiry(
    expiry: Option<NaiveDate>,
    opened_on: Option<NaiveDate>,
    in_use_days: Option<i64>,
) -> Option<NaiveDate> {
    let in_use_end = match (opened_on, in_use_days) {
        (Some(opened), Some(days)) => opened.checked_add_signed(chrono::Duration::days(days)),
        _ => None,
    };
    match (expiry, in_use_end) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Stock is usable through its expiry date: expired only when the effective
/// expiry is before the as-of date (SPEC §10).
pub fn is_expired(effective: Option<NaiveDate>, as_of: NaiveDate) -> bool {
    effective.is_some_and(|e| e < as_of)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn money_parses_pounds_and_refuses_fractions_of_a_penny() {
        assert_eq!(Money::parse_pounds("12.5").unwrap(), Money(1250));
        assert_eq!(Money::parse_pounds("12.50").unwrap(), Money(1250));
        assert_eq!(Money::parse_pounds("0.07").unwrap(), Money(7));
        assert_eq!(Money::parse_pounds("3").unwrap(), Money(300));
        assert_eq!(Money::parse_pounds(".5").unwrap(), Money(50));
        assert!(Money::parse_pounds("12.505").is_err());
        assert!(Money::parse_pounds("-1").is_err());
        assert!(Money::parse_pounds("abc").is_err());
        assert!(Money::parse_pounds(".").is_err());
        assert_eq!(Money(1250).to_string(), "12.50");
        assert_eq!(Money(7).to_string(), "0.07");
    }

    #[test]
    fn dates_must_exist() {
        assert!(parse_date("expiry", "2026-02-30").is_err());
        assert!(parse_date("expiry", "2026-2-3").is_err());
        assert!(parse_date("expiry", "2024-02-29").is_ok());
    }

    #[test]
    fn stored_dates_parse_like_chrono() {
        for text in [
            "2026-11-21",
            "2024-02-29",
            "2023-02-29",
            "0000-01-01",
            "9999-12-31",
            "2026-13-01",
            "2026-1-01",
            "20260101",
            "2026-01-0x",
            "2026-01- 1",
            "+2026-01-01",
            "",
        ] {
            assert_eq!(
                parse_stored_date(text),
                NaiveDate::parse_from_str(text, "%Y-%m-%d").ok(),
                "{text}"
            );
        }
    }

    #[test]
    fn stamp_matches_chrono_formatting() {
        let cases = [
            "2026-11-21T09:05:07Z",
            "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
            "1999-12-31T23:59:60Z",
            "2024-02-29T12:00:00.999999Z",
        ];
        for c in cases {
            let t = DateTime::parse_from_rfc3339(c).unwrap().with_timezone(&Utc);
            assert_eq!(stamp(t), t.format(STORED_TIMESTAMP).to_string(), "{c}");
        }
        for t in [DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC] {
            assert_eq!(stamp(t), t.format(STORED_TIMESTAMP).to_string());
        }
        let year_minus_one = DateTime::parse_from_rfc3339("0000-01-01T00:30:00+01:00")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(stamp(year_minus_one), "-0001-12-31T23:30:00Z");
    }

    #[test]
    fn timestamps_need_an_offset_or_are_bare_dates() {
        assert_eq!(
            stamp(parse_timestamp("2026-06-02").unwrap()),
            "2026-06-02T12:00:00Z"
        );
        assert_eq!(
            stamp(parse_timestamp("2026-06-02T10:00:00+01:00").unwrap()),
            "2026-06-02T09:00:00Z"
        );
        let err = parse_timestamp("2026-06-02T10:00:00").unwrap_err();
        assert!(err.to_string().contains("no UTC offset"));
        let err = parse_timestamp("2026-02-30").unwrap_err();
        assert!(err.to_string().contains("no such date"), "{err}");
        let err = parse_timestamp("12:00:00Z0").unwrap_err();
        assert!(err.to_string().contains("RFC 3339"), "{err}");
    }

    #[test]
    fn effective_expiry_is_the_earlier_of_expiry_and_in_use_end() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(
            effective_expiry(Some(d("2027-01-01")), Some(d("2026-11-01")), Some(28)),
            Some(d("2026-11-29"))
        );
        assert_eq!(
            effective_expiry(Some(d("2026-11-10")), Some(d("2026-11-01")), Some(28)),
            Some(d("2026-11-10"))
        );
        assert_eq!(effective_expiry(None, None, Some(28)), None);
        assert!(!is_expired(Some(d("2026-11-21")), d("2026-11-21")));
        assert!(is_expired(Some(d("2026-11-20")), d("2026-11-21")));
    }

    /// Text a user or a file might put in a cell: anything, and things
    /// close to the real shapes.
    fn cell() -> impl Strategy<Value = String> {
        prop_oneof![
            ".*",
            "[ \t]?[+-]?[0-9£.:TZ -]{0,24}[ \t]?",
            "(true|false|yes|no|y|n|1|0|TRUE|Yes|maybe)",
            "[0-9]{1,5}-[0-9]{1,2}-[0-9]{1,2}([T ][0-9]{1,2}:[0-9]{2}(:[0-9]{2})?(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:?[0-9]{2})?)?",
        ]
    }

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        (1i32..=9999, 1u32..=12, 1u32..=31).prop_map(|(y, m, d)| {
            NaiveDate::from_ymd_opt(y, m, d)
                .or_else(|| NaiveDate::from_ymd_opt(y, m, 28))
                .unwrap()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

        #[test]
        fn cell_parsers_never_panic(text in cell()) {
            let _ = parse_quantity(&text);
            let _ = positive_quantity(&text);
            let _ = parse_count("pack_size", &text);
            let _ = parse_bool("lot_tracked", &text);
            let _ = parse_date("expiry", &text);
            let _ = parse_timestamp(&text);
            let _ = parse_stored_date(&text);
            let _ = parse_stamp(&text);
            let _ = Money::parse_pounds(&text);
            let _ = text.parse::<MovementKind>();
        }

        #[test]
        fn errors_name_the_value(text in cell()) {
            // Whatever is refused is quoted back (SPEC §8: errors carry
            // the offending value).
            // (Trimmed, as an import cell is.)
            let quoted = [format!("{text:?}"), format!("{:?}", text.trim())];
            for e in [
                parse_quantity(&text).err(),
                parse_bool("lot_tracked", &text).err(),
                parse_date("expiry", &text).err(),
                parse_timestamp(&text).err(),
                Money::parse_pounds(&text).err(),
            ]
            .into_iter()
            .flatten()
            {
                let message = e.to_string();
                prop_assert!(quoted.iter().any(|q| message.contains(q)), "{}", message);
                prop_assert_eq!(e.exit_code(), 65);
            }
        }

        #[test]
        fn quantities_round_trip(n in -MAX_QUANTITY..=MAX_QUANTITY, pad in "[ \t]{0,2}") {
            prop_assert_eq!(parse_quantity(&format!("{pad}{n}{pad}")).unwrap(), n);
            prop_assert_eq!(positive_quantity(&n.to_string()).is_ok(), n > 0);
            prop_assert_eq!(parse_count("x", &n.to_string()).ok(), (n >= 0).then_some(n));
        }

        /// SPEC §10: beyond the bound is refused with exit 65, never
        /// wrapped or saturated, however long the number.
        #[test]
        fn quantities_beyond_the_bound_are_refused(n in (MAX_QUANTITY + 1)..=i64::MAX, neg in any::<bool>(), extra in "[0-9]{0,6}") {
            let text = format!("{}{n}{extra}", if neg { "-" } else { "" });
            let err = parse_quantity(&text).unwrap_err();
            prop_assert_eq!(err.exit_code(), 65);
            prop_assert!(err.to_string().contains("too large"));
            let unsigned = format!("{n}{extra}");
            prop_assert!(parse_count("x", &unsigned).is_err());
        }

        #[test]
        fn booleans_round_trip(b in any::<bool>(), form in 0usize..3, upper in any::<bool>()) {
            let words = if b { ["true", "yes", "1"] } else { ["false", "no", "0"] };
            let text = if upper { words[form].to_uppercase() } else { words[form].to_owned() };
            prop_assert_eq!(parse_bool("lot_tracked", &text).unwrap(), b);
        }

        #[test]
        fn dates_round_trip(d in any_date()) {
            let text = d.format("%Y-%m-%d").to_string();
            prop_assert_eq!(parse_date("expiry", &text).unwrap(), d);
            prop_assert_eq!(parse_stored_date(&text), Some(d));
            // A bare date in a timestamp column is noon UTC that day.
            let t = parse_timestamp(&text).unwrap();
            prop_assert_eq!(t.date_naive(), d);
            prop_assert_eq!(t.hour(), 12);
        }

        #[test]
        fn timestamps_round_trip(d in any_date(), secs in 0u32..86_400, offset_min in -14 * 60i32..=14 * 60) {
            let t = d.and_time(NaiveTime::from_num_seconds_from_midnight_opt(secs, 0).unwrap()).and_utc();
            // As stored (UTC, `Z`) and as another system writes it (an offset).
            prop_assert_eq!(parse_timestamp(&stamp(t)).unwrap(), t);
            prop_assert_eq!(parse_stamp(&stamp(t)).unwrap(), t);
            let zone = chrono::FixedOffset::east_opt(offset_min * 60).unwrap();
            let local = t.with_timezone(&zone).to_rfc3339();
            prop_assert_eq!(parse_timestamp(&local).unwrap(), t, "{}", local);
            // Without the offset it is refused, never guessed.
            let naive = t.format("%Y-%m-%dT%H:%M:%S").to_string();
            prop_assert!(parse_timestamp(&naive).unwrap_err().to_string().contains("no UTC offset"));
        }

        #[test]
        fn money_round_trips_through_pounds(pence in 0i64..=MAX_UNIT_COST_PENCE) {
            let text = Money(pence).to_string();
            prop_assert_eq!(Money::parse_pounds(&text).unwrap(), Money(pence));
            prop_assert_eq!(Money::parse_pounds(&format!("£{text}")).unwrap(), Money(pence));
            if pence % 10 == 0 {
                // `12.5` means `12.50`.
                let short = text.trim_end_matches('0');
                prop_assert_eq!(Money::parse_pounds(short).unwrap(), Money(pence));
            }
        }

        #[test]
        fn money_beyond_ten_million_pounds_is_refused(pence in (MAX_UNIT_COST_PENCE + 1)..=i64::MAX) {
            let err = Money::parse_pounds(&Money(pence).to_string()).unwrap_err();
            prop_assert_eq!(err.exit_code(), 65);
            prop_assert!(err.to_string().contains("10000000.00"));
        }

        #[test]
        fn money_finer_than_a_penny_or_negative_is_refused(pence in 0i64..1_000_000, extra in 1u32..10) {
            let text = format!("{}{extra}", Money(pence));
            prop_assert!(Money::parse_pounds(&text).is_err());
            if pence > 0 {
                prop_assert!(Money::parse_pounds(&Money(-pence).to_string()).is_err());
            }
        }
    }
}
