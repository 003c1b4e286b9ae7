//! Validation of one AI's value against its Syntax Dictionary entry.
//!
//! This module owns the checks applied to a value once the element string
//! has been split: overall length, then per component the character set
//! (`N` digits, `X` = CSET 82, `Y` = CSET 39, `Z` = CSET 64) and the
//! component's linters (check digits, dates, times and the other content
//! rules of the dictionary).
//!
//! Linters recorded in the table but deliberately not enforced, and why:
//! `iso3166`, `iso3166999`, `iso3166alpha2`, `iso4217` and `packagetype` need
//! external code lists that change by maintenance notice, and `couponcode` /
//! `couponposoffer` describe North American coupon structures a laboratory
//! never scans. Their components still get the length and character set
//! checks. `gcppos1`/`gcppos2` are enforced only as far as they go without
//! the GS1 Company Prefix allocation list: at least four leading digits.

use chrono::NaiveDate;

use super::ai_table::{AiEntry, Cset, Linter};
use super::date;
use super::error::{DateProblem, Gs1Error, TimeProblem, ValueProblem};

/// GS1 AI encodable character set 82, in the order that gives each
/// character its weight in the alphanumeric check pair calculation.
const CSET82: &str =
    "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";

/// GS1 character set 32, used for alphanumeric check character pairs.
const CSET32: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// Whether `c` is in GS1 AI encodable character set 82 (the `X` fields).
/// A space is not: that is why a lot such as `AB 12` is rejected.
pub(crate) fn is_cset82(c: char) -> bool {
    CSET82.contains(c)
}

/// Whether `c` is in GS1 AI encodable character set 39 (`#`, `-`, `/`,
/// digits and capitals), used by AI (8010).
pub(crate) fn is_cset39(c: char) -> bool {
    matches!(c, '#' | '-' | '/' | '0'..='9' | 'A'..='Z')
}

/// Whether `c` is in GS1 AI encodable character set 64 (file-safe base64
/// without the `=` padding), used by AI (8030).
pub(crate) fn is_cset64(c: char) -> bool {
    matches!(c, '-' | '_' | '0'..='9' | 'A'..='Z' | 'a'..='z')
}

/// The GS1 mod-10 check digit for `body` (the digits before the check
/// digit): weights 3, 1, 3, … from the right. `None` if `body` holds a
/// non-digit.
pub(crate) fn mod10_check_digit(body: &str) -> Option<char> {
    let mut sum = 0u32;
    for (i, b) in body.bytes().rev().enumerate() {
        if !b.is_ascii_digit() {
            return None;
        }
        let weight = if i % 2 == 0 { 3 } else { 1 };
        sum = (sum + weight * u32::from(b - b'0')) % 10;
    }
    char::from_digit((10 - sum) % 10, 10)
}

/// The alphanumeric check character pair for `data` (General
/// Specifications §7.9.5): CSET 82 weights times increasing primes from the
/// right, modulo 1021, split into two CSET 32 characters.
pub(crate) fn check_pair(data: &str) -> Option<String> {
    let weights: Vec<u32> = data
        .chars()
        .map(|c| CSET82.find(c).and_then(|i| u32::try_from(i).ok()))
        .collect::<Option<_>>()?;
    let primes = first_primes(weights.len());
    let sum = weights
        .iter()
        .rev()
        .zip(&primes)
        .fold(0u32, |acc, (w, p)| (acc + w * p) % 1021);
    let hi = CSET32.get(usize::try_from(sum >> 5).ok()?)?;
    let lo = CSET32.get(usize::try_from(sum & 31).ok()?)?;
    Some([char::from(*hi), char::from(*lo)].iter().collect())
}

/// The first `n` primes (n is at most a few dozen here).
fn first_primes(n: usize) -> Vec<u32> {
    let mut primes: Vec<u32> = Vec::with_capacity(n);
    let mut candidate = 2u32;
    while primes.len() < n {
        if primes
            .iter()
            .take_while(|&&p| p * p <= candidate)
            .all(|&p| !candidate.is_multiple_of(p))
        {
            primes.push(candidate);
        }
        candidate += 1;
    }
    primes
}

/// The AI and value under validation, for building errors.
struct Subject<'a> {
    ai: &'a str,
    value: &'a str,
}

impl Subject<'_> {
    fn invalid(&self, problem: ValueProblem) -> Gs1Error {
        Gs1Error::InvalidValue {
            ai: self.ai.to_owned(),
            value: self.value.to_owned(),
            problem,
        }
    }

    fn lint_failure(&self, linter: Linter, part: &str, requirement: &'static str) -> Gs1Error {
        self.invalid(ValueProblem::Linter {
            linter,
            part: part.to_owned(),
            requirement,
        })
    }

    fn date(&self, problem: DateProblem) -> Gs1Error {
        Gs1Error::InvalidDate {
            ai: self.ai.to_owned(),
            value: self.value.to_owned(),
            problem,
        }
    }

    fn time(&self, problem: TimeProblem) -> Gs1Error {
        Gs1Error::InvalidTime {
            ai: self.ai.to_owned(),
            value: self.value.to_owned(),
            problem,
        }
    }
}

/// Validate `value` as the data of `ai`, whose table entry is `entry`.
///
/// Checks run in the order a reader would: length first (a too-long lot is
/// reported as too long, not as a bad character in position 21), then each
/// component's character set, then its linters.
pub(crate) fn validate_value(
    ai: &str,
    entry: &AiEntry,
    value: &str,
    today: NaiveDate,
) -> Result<(), Gs1Error> {
    let chars: Vec<char> = value.chars().collect();
    let len = chars.len();
    if len == 0 {
        return Err(Gs1Error::EmptyValue { ai: ai.to_owned() });
    }
    let (min, max) = entry.length_bounds();
    if len > max {
        return Err(Gs1Error::TooLong {
            ai: ai.to_owned(),
            value: value.to_owned(),
            len,
            max,
        });
    }
    if len < min {
        return Err(Gs1Error::TooShort {
            ai: ai.to_owned(),
            value: value.to_owned(),
            len,
            min,
        });
    }
    let subject = Subject { ai, value };
    let mut offset = 0;
    for component in entry.components {
        let remaining = len - offset;
        if remaining == 0 {
            if component.optional {
                break;
            }
            return Err(Gs1Error::TooShort {
                ai: ai.to_owned(),
                value: value.to_owned(),
                len,
                min,
            });
        }
        let take = remaining.min(component.max);
        if take < component.min {
            return Err(subject.invalid(ValueProblem::IncompleteComponent {
                offset,
                expected: component.min,
                found: take,
            }));
        }
        let part: String = chars[offset..offset + take].iter().collect();
        check_cset(&subject, component.cset, &part, offset)?;
        for &linter in component.linters {
            lint(&subject, linter, &part, today)?;
        }
        offset += take;
    }
    if offset < len {
        return Err(Gs1Error::TooLong {
            ai: ai.to_owned(),
            value: value.to_owned(),
            len,
            max,
        });
    }
    Ok(())
}

/// Check that every character of `part` (found at `offset` in the value)
/// belongs to the component's character set.
fn check_cset(
    subject: &Subject<'_>,
    cset: Cset,
    part: &str,
    offset: usize,
) -> Result<(), Gs1Error> {
    let bad_char = |index: usize, ch: char, set: u8| Gs1Error::InvalidCharacter {
        ai: subject.ai.to_owned(),
        value: subject.value.to_owned(),
        ch,
        index: offset + index,
        set,
    };
    match cset {
        Cset::N => {
            if let Some((index, ch)) = part.chars().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
                return Err(Gs1Error::NotNumeric {
                    ai: subject.ai.to_owned(),
                    value: subject.value.to_owned(),
                    ch,
                    index: offset + index,
                });
            }
        }
        Cset::X => {
            if let Some((index, ch)) = part.chars().enumerate().find(|&(_, c)| !is_cset82(c)) {
                return Err(bad_char(index, ch, 82));
            }
        }
        Cset::Y => {
            if let Some((index, ch)) = part.chars().enumerate().find(|&(_, c)| !is_cset39(c)) {
                return Err(bad_char(index, ch, 39));
            }
        }
        Cset::Z => {
            // Base64 padding: at most two `=`, only at the end, and only when
            // the padded length is a multiple of three.
            let body = part.trim_end_matches('=');
            let body_len = body.chars().count();
            let pads = part.len() - body.len();
            if let Some((index, ch)) = body.chars().enumerate().find(|&(_, c)| !is_cset64(c)) {
                return Err(bad_char(index, ch, 64));
            }
            if pads > 2 || (pads > 0 && !part.len().is_multiple_of(3)) {
                return Err(bad_char(body_len, '=', 64));
            }
        }
    }
    Ok(())
}

/// Apply one dictionary linter to a component whose character set is
/// already checked.
fn lint(
    subject: &Subject<'_>,
    linter: Linter,
    part: &str,
    today: NaiveDate,
) -> Result<(), Gs1Error> {
    let fail = |requirement| Err(subject.lint_failure(linter, part, requirement));
    // Every character set is ASCII and is checked before the linters run, so
    // this only guards the byte slicing below against misuse.
    if !part.is_ascii() {
        return fail("ASCII characters only");
    }
    let all_digits = part.bytes().all(|b| b.is_ascii_digit());
    match linter {
        Linter::Csum => {
            let (body, found) = part.split_at(part.len().saturating_sub(1));
            let found = found.chars().next();
            match (mod10_check_digit(body), found) {
                (Some(expected), Some(found)) if expected == found => Ok(()),
                (Some(expected), Some(found)) => Err(Gs1Error::BadCheckDigit {
                    ai: subject.ai.to_owned(),
                    value: subject.value.to_owned(),
                    expected,
                    found,
                }),
                _ => fail("digits ending in a GS1 check digit"),
            }
        }
        Linter::CsumAlpha => {
            let Some(split) = part.len().checked_sub(2) else {
                return fail("data followed by a two-character check pair");
            };
            let (data, found) = part.split_at(split);
            if !found.bytes().all(|b| CSET32.contains(&b)) {
                return fail("a check pair from 23456789ABCDEFGHJKLMNPQRSTUVWXYZ");
            }
            match check_pair(data) {
                Some(expected) if expected == found => Ok(()),
                Some(expected) => Err(subject.invalid(ValueProblem::CheckPair {
                    expected,
                    found: found.to_owned(),
                })),
                None => fail("data in GS1 AI encodable character set 82"),
            }
        }
        Linter::Gcppos1 => {
            if gcp_at(part, 0) {
                Ok(())
            } else {
                fail("must start with a GS1 Company Prefix (at least 4 digits)")
            }
        }
        Linter::Gcppos2 => {
            if gcp_at(part, 1) {
                Ok(())
            } else {
                fail("must have a GS1 Company Prefix (at least 4 digits) from its second character")
            }
        }
        Linter::Yymmd0 => date::parse_yymmdd(part, today, true)
            .map(drop)
            .map_err(|p| subject.date(p)),
        Linter::Yymmdd => date::parse_yymmdd(part, today, false)
            .map(drop)
            .map_err(|p| subject.date(p)),
        Linter::Yyyymmdd => date::parse_yyyymmdd(part)
            .map(drop)
            .map_err(|p| subject.date(p)),
        Linter::Hhmi => date::check_hhmi(part).map_err(|p| subject.time(p)),
        Linter::Hh => date::check_hour(part).map_err(|p| subject.time(p)),
        Linter::Mi => date::check_minute(part).map_err(|p| subject.time(p)),
        Linter::Ss => date::check_second(part).map_err(|p| subject.time(p)),
        Linter::Pcenc => {
            if percent_encoding_ok(part) {
                Ok(())
            } else {
                fail("every % must be followed by two hexadecimal digits")
            }
        }
        Linter::YesNo => match part {
            "0" | "1" => Ok(()),
            _ => fail("must be 0 (no) or 1 (yes)"),
        },
        Linter::Hyphen => match part {
            "-" => Ok(()),
            _ => fail("the only character allowed after the temperature is '-'"),
        },
        Linter::Latitude => match part.parse::<u64>() {
            Ok(v) if all_digits && part.len() == 10 && v <= 1_800_000_000 => Ok(()),
            _ => fail("10 digits from 0000000000 to 1800000000"),
        },
        Linter::Longitude => match part.parse::<u64>() {
            Ok(v) if all_digits && part.len() == 10 && v <= 3_600_000_000 => Ok(()),
            _ => fail("10 digits from 0000000000 to 3600000000"),
        },
        Linter::ImporterIdx => {
            let mut chars = part.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) if is_cset64(c) => Ok(()),
                _ => fail("one character from -, 0-9, A-Z, _, a-z"),
            }
        }
        Linter::MediaType => match part.parse::<u32>() {
            Ok(1..=10 | 80..=99) if all_digits && part.len() == 2 => Ok(()),
            _ => fail("an AIDC media type: 01 to 10 or 80 to 99"),
        },
        Linter::Iso5218 => match part {
            "0" | "1" | "2" | "9" => Ok(()),
            _ => fail("an ISO/IEC 5218 code: 0, 1, 2 or 9"),
        },
        Linter::PosInSeqSlash => position_in_sequence(part).map_or(Ok(()), fail),
        Linter::NonZero => {
            if part.bytes().all(|b| b == b'0') {
                fail("must not be all zeros")
            } else {
                Ok(())
            }
        }
        Linter::Zero => {
            if part.bytes().all(|b| b == b'0') {
                Ok(())
            } else {
                fail("must be zero")
            }
        }
        Linter::Winding => match part {
            "0" | "1" | "9" => Ok(()),
            _ => fail("a winding direction: 0, 1 or 9"),
        },
        Linter::PieceOfTotal => piece_of_total(part).map_or(Ok(()), fail),
        Linter::Iban => {
            if iban_ok(part) {
                Ok(())
            } else {
                fail("an IBAN: country code, two check digits passing mod 97, account")
            }
        }
        Linter::NoZeroPrefix => {
            if part.starts_with('0') {
                fail("must not start with 0")
            } else {
                Ok(())
            }
        }
        Linter::HasNonDigit => {
            if all_digits {
                fail("must contain at least one character that is not a digit")
            } else {
                Ok(())
            }
        }
        // Recorded, not enforced: see the module documentation.
        Linter::Iso4217
        | Linter::Iso3166
        | Linter::Iso3166999
        | Linter::Iso3166Alpha2
        | Linter::PackageType
        | Linter::CouponCode
        | Linter::CouponPosOffer => Ok(()),
    }
}

/// Whether `part` has at least four digits starting at `from`, where a GS1
/// Company Prefix begins.
fn gcp_at(part: &str, from: usize) -> bool {
    part.get(from..from + 4)
        .is_some_and(|gcp| gcp.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether every `%` in `part` starts a `%XX` hexadecimal escape.
fn percent_encoding_ok(part: &str) -> bool {
    let bytes = part.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3);
            if !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
                return false;
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    true
}

/// Check `<pos>/<end>` (AI 7258): digits, no zero prefix, pos <= end.
/// Returns the broken requirement, if any.
fn position_in_sequence(part: &str) -> Option<&'static str> {
    let Some((pos, end)) = part.split_once('/') else {
        return Some("the form <position>/<end>");
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(pos) || !digits(end) {
        return Some("the form <position>/<end>");
    }
    if pos.starts_with('0') || end.starts_with('0') {
        return Some("position and end must not be zero or start with 0");
    }
    // Without zero prefixes, a longer number is larger; equal lengths
    // compare lexically.
    if (pos.len(), pos) > (end.len(), end) {
        return Some("the position must not exceed the end");
    }
    None
}

/// Check a piece-of-total component (AIs 8006, 8026): piece and total of
/// equal width, neither zero, piece <= total.
fn piece_of_total(part: &str) -> Option<&'static str> {
    if part.is_empty() || !part.len().is_multiple_of(2) || !part.bytes().all(|b| b.is_ascii_digit())
    {
        return Some("piece and total of equal width");
    }
    let (piece, total) = part.split_at(part.len() / 2);
    if piece.bytes().all(|b| b == b'0') {
        return Some("the piece number must not be zero");
    }
    if total.bytes().all(|b| b == b'0') {
        return Some("the total must not be zero");
    }
    if piece > total {
        return Some("the piece number must not exceed the total");
    }
    None
}

/// Whether `part` is structurally an IBAN with valid mod-97 check digits
/// (ISO 13616). The per-country lengths are not checked.
fn iban_ok(part: &str) -> bool {
    let bytes = part.as_bytes();
    if bytes.len() < 5
        || !bytes[..2].iter().all(u8::is_ascii_uppercase)
        || !bytes[2..4].iter().all(u8::is_ascii_digit)
        || !bytes[4..]
            .iter()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
    {
        return false;
    }
    let rearranged = bytes[4..].iter().chain(&bytes[..4]);
    let mut remainder = 0u32;
    for &b in rearranged {
        let v = if b.is_ascii_digit() {
            u32::from(b - b'0')
        } else {
            u32::from(b - b'A') + 10
        };
        let scale = if v >= 10 { 100 } else { 10 };
        remainder = (remainder * scale + v) % 97;
    }
    remainder == 1
}
