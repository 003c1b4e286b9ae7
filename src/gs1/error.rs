//! Why a GS1 element string was rejected.
//!
//! This module owns [`Gs1Error`] and the small enums that say *what* was
//! wrong with a value ([`DateProblem`], [`TimeProblem`], [`ValueProblem`],
//! [`SeparatorContext`]). Every rejection carries the AI and the value as
//! data, so the CLI can print one line (`AI (17): "261331" is not a valid
//! date: month 13`) and tests can match on the variant instead of on text.
//! Values are shown with `{:?}` so that control characters such as a stray
//! GS byte are visible in the message instead of garbling the terminal.

use std::fmt;

use thiserror::Error;

use super::Symbology;
use super::ai_table::Linter;

/// A GS1 element string that cannot be decoded, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Gs1Error {
    /// The input was empty (or held nothing but a separator).
    #[error("empty input: there is nothing to decode")]
    Empty,
    /// A symbology identifier such as `]d2` and no data after it.
    #[error("only a symbology identifier ({}) and no data after it", .0.identifier())]
    OnlySymbologyIdentifier(Symbology),
    /// The input starts with `]` but not with a GS1 symbology identifier.
    #[error("unknown symbology identifier {0:?} (expected ]C1, ]d2, ]Q3, ]e0 or ]J1)")]
    UnknownSymbology(String),
    /// Where an AI must start, the characters are not digits.
    #[error("expected an AI at character {} but found {ai:?}: an AI is 2 to 4 digits", .position + 1)]
    NonNumericAi {
        /// The offending characters.
        ai: String,
        /// Character offset in the input (0-based).
        position: usize,
    },
    /// A bracketed AI with more than four digits.
    #[error("AI ({ai}) is too long: an AI has at most 4 digits")]
    AiTooLong {
        /// The digits between the brackets.
        ai: String,
    },
    /// Digits that are not an AI of the GS1 General Specifications.
    #[error("unknown AI ({ai})")]
    UnknownAi {
        /// The digits read as the AI (up to four).
        ai: String,
    },
    /// `()` with nothing inside.
    #[error("empty brackets at character {}: expected an AI inside \"()\"", .position + 1)]
    MissingAi {
        /// Character offset of the `(` (0-based).
        position: usize,
    },
    /// A `(` without its `)`.
    #[error("unterminated bracket: the \"(\" at character {} has no matching \")\"", .position + 1)]
    UnterminatedBracket {
        /// Character offset of the `(` (0-based).
        position: usize,
    },
    /// A GS separator (byte 29, `<GS>` or the configured substitute) where
    /// none may be.
    #[error("unexpected GS separator at character {}: {context}", .position + 1)]
    UnexpectedSeparator {
        /// Character offset of the separator in the input (0-based).
        position: usize,
        /// Where it was found.
        context: SeparatorContext,
    },
    /// An AI followed directly by a separator, another AI or the end.
    #[error("AI ({ai}): empty value")]
    EmptyValue {
        /// The AI.
        ai: String,
    },
    /// More characters than the AI's format allows.
    #[error("AI ({ai}): {value:?} is too long: length {len}, at most {max} allowed")]
    TooLong {
        /// The AI.
        ai: String,
        /// The whole value.
        value: String,
        /// Its length in characters.
        len: usize,
        /// The most the format allows.
        max: usize,
    },
    /// Fewer characters than the AI's format requires.
    #[error("AI ({ai}): {value:?} is too short: length {len}, at least {min} required")]
    TooShort {
        /// The AI.
        ai: String,
        /// The whole value.
        value: String,
        /// Its length in characters.
        len: usize,
        /// The fewest the format allows.
        min: usize,
    },
    /// A non-digit in a numeric (`N`) field.
    #[error("AI ({ai}): {value:?} must be numeric but has {ch:?} at character {}", .index + 1)]
    NotNumeric {
        /// The AI.
        ai: String,
        /// The whole value.
        value: String,
        /// The first offending character.
        ch: char,
        /// Its offset in the value (0-based).
        index: usize,
    },
    /// A character outside the GS1 AI encodable character set of the field.
    #[error(
        "AI ({ai}): {value:?} has {ch:?} at character {}, which is not in GS1 AI encodable character set {set}",
        .index + 1
    )]
    InvalidCharacter {
        /// The AI.
        ai: String,
        /// The whole value.
        value: String,
        /// The first offending character.
        ch: char,
        /// Its offset in the value (0-based).
        index: usize,
        /// The character set: 82, 39 or 64.
        set: u8,
    },
    /// A GS1 mod-10 check digit that does not match.
    #[error("AI ({ai}): {value:?} has a bad check digit: expected {expected}, found {found}")]
    BadCheckDigit {
        /// The AI.
        ai: String,
        /// The whole value.
        value: String,
        /// The check digit computed from the other digits.
        expected: char,
        /// The check digit present.
        found: char,
    },
    /// A date field that is not a calendar date.
    #[error("AI ({ai}): {value:?} is not a valid date: {problem}")]
    InvalidDate {
        /// The AI.
        ai: String,
        /// The whole value.
        value: String,
        /// What is wrong.
        problem: DateProblem,
    },
    /// A time field that is not a time of day.
    #[error("AI ({ai}): {value:?} is not a valid time: {problem}")]
    InvalidTime {
        /// The AI.
        ai: String,
        /// The whole value.
        value: String,
        /// What is wrong.
        problem: TimeProblem,
    },
    /// A value that breaks another rule of the AI's format.
    #[error("AI ({ai}): {value:?} is invalid: {problem}")]
    InvalidValue {
        /// The AI.
        ai: String,
        /// The whole value.
        value: String,
        /// What is wrong.
        problem: ValueProblem,
    },
    /// The same AI twice with different values: which one is meant is
    /// unknowable, so the whole string is refused.
    #[error("AI ({ai}) appears twice with different values: {first:?} and {second:?}")]
    ConflictingValues {
        /// The AI.
        ai: String,
        /// The value seen first.
        first: String,
        /// The different value seen later.
        second: String,
    },
    /// A GTIN given on its own (not in an element string) of a length that
    /// is none of GTIN-8, -12, -13 or -14.
    #[error("{value:?} is not a GTIN: {len} digits, expected 8, 12, 13 or 14")]
    GtinLength {
        /// The input.
        value: String,
        /// Its length in characters.
        len: usize,
    },
}

/// Where an unexpected separator was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SeparatorContext {
    /// Inside the value of an AI with a predefined length, which never
    /// contains nor needs one.
    InsideFixedValue {
        /// The AI.
        ai: String,
    },
    /// Inside a bracketed value (a separator may only end it).
    InsideValue {
        /// The AI.
        ai: String,
    },
    /// Where an AI should start: one separator ends a field, a second one is
    /// an error rather than something to skip, since it usually means data
    /// went missing.
    WhereAiExpected,
}

impl fmt::Display for SeparatorContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SeparatorContext::InsideFixedValue { ai } => {
                write!(f, "inside the fixed-length value of AI ({ai})")
            }
            SeparatorContext::InsideValue { ai } => write!(f, "inside the value of AI ({ai})"),
            SeparatorContext::WhereAiExpected => f.write_str("an AI was expected here"),
        }
    }
}

/// What makes a date field invalid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateProblem {
    /// Month outside `01`–`12`.
    Month(u32),
    /// A day the month does not have.
    Day {
        /// The year after the century rule.
        year: i32,
        /// The month (1–12).
        month: u32,
        /// The day given.
        day: u32,
        /// How many days the month has.
        days_in_month: u32,
    },
    /// `DD` = `00` in a field whose format is `YYMMDD`, not `YYMMD0`.
    DayZero,
    /// A year outside what the calendar library can represent.
    Year(i32),
}

impl fmt::Display for DateProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateProblem::Month(m) => write!(f, "month {m:02}"),
            DateProblem::Day {
                year,
                month,
                day,
                days_in_month,
            } => write!(
                f,
                "day {day:02}, but {year:04}-{month:02} has {days_in_month} days"
            ),
            DateProblem::DayZero => f.write_str("day 00 (end of month) is not allowed for this AI"),
            DateProblem::Year(y) => write!(f, "year {y} is out of range"),
        }
    }
}

/// What makes a time field invalid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeProblem {
    /// Hour outside `00`–`23`.
    Hour(u32),
    /// Minute outside `00`–`59`.
    Minute(u32),
    /// Second outside `00`–`59`.
    Second(u32),
}

impl fmt::Display for TimeProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimeProblem::Hour(h) => write!(f, "hour {h:02}"),
            TimeProblem::Minute(m) => write!(f, "minute {m:02}"),
            TimeProblem::Second(s) => write!(f, "second {s:02}"),
        }
    }
}

/// A rule of the AI's format, other than length, character set, check
/// digit, date and time, that the value breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueProblem {
    /// A fixed-length component cut short, e.g. 4 digits in AI (423), whose
    /// value is a list of 3-digit country codes.
    IncompleteComponent {
        /// Offset of the component in the value (0-based).
        offset: usize,
        /// Its required length.
        expected: usize,
        /// The characters left for it.
        found: usize,
    },
    /// A component fails a Syntax Dictionary linter.
    Linter {
        /// The linter.
        linter: Linter,
        /// The component's text.
        part: String,
        /// What the linter requires.
        requirement: &'static str,
    },
    /// An alphanumeric check character pair (GMN, MUDI) that does not match.
    CheckPair {
        /// The pair computed from the other characters.
        expected: String,
        /// The pair present.
        found: String,
    },
}

impl fmt::Display for ValueProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValueProblem::IncompleteComponent {
                offset,
                expected,
                found,
            } => write!(
                f,
                "the component at character {} needs {expected} characters, only {found} left",
                offset + 1
            ),
            ValueProblem::Linter {
                linter,
                part,
                requirement,
            } => write!(
                f,
                "{part:?} fails the {} check: {requirement}",
                linter.name()
            ),
            ValueProblem::CheckPair { expected, found } => write!(
                f,
                "bad check character pair: expected {expected}, found {found}"
            ),
        }
    }
}
