//! Pairing rules between AIs, reported as warnings.
//!
//! This module owns the evaluation of the Syntax Dictionary's `req=`
//! (mandatory association, e.g. a lot needs a GTIN) and `ex=` (invalid
//! pairing, e.g. GTIN with COUNT) attributes. They are warnings, not errors,
//! because the dictionary itself says they "should be evaluated over the
//! combined data received from all GS1 carriers marking a physical item":
//! a lab often scans a second barcode on the same box that carries the
//! lot and expiry, and only the caller sees all of them together.

use std::fmt;

use serde::{Serialize, Serializer};

use super::Element;
use super::ai_table;

/// Something suspicious about how AIs are combined; the element string is
/// still decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// An AI without any of the AIs it is meant to accompany.
    MissingRequired {
        /// The AI.
        ai: String,
        /// The dictionary's alternatives, e.g. `"01,02,03,8006,8026"` or
        /// `"00+02,00+8026"` (`+` joins AIs that must appear together).
        alternatives: &'static str,
    },
    /// Two AIs the dictionary says must not appear together.
    Excluded {
        /// The AI whose entry forbids the pairing.
        ai: String,
        /// The AI it must not appear with.
        other: String,
    },
    /// The same AI twice with the same value: harmless, but usually a
    /// doubled scan.
    Repeated {
        /// The AI.
        ai: String,
    },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::MissingRequired { ai, alternatives } => {
                let options: Vec<String> = alternatives
                    .split(',')
                    .map(|group| {
                        group
                            .split('+')
                            .map(|a| format!("({a})"))
                            .collect::<Vec<_>>()
                            .join(" with ")
                    })
                    .collect();
                let listed = match options.split_last() {
                    Some((last, rest)) if !rest.is_empty() => {
                        format!("{} or {last}", rest.join(", "))
                    }
                    _ => options.join(""),
                };
                write!(f, "AI ({ai}) is normally accompanied by {listed}")
            }
            Warning::Excluded { ai, other } => {
                write!(f, "AI ({ai}) should not appear together with AI ({other})")
            }
            Warning::Repeated { ai } => {
                write!(f, "AI ({ai}) appears more than once with the same value")
            }
        }
    }
}

impl Serialize for Warning {
    /// A warning is serialised as its message: it is for people to read.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Whether a dictionary pattern such as `"31nn"` or `"8006"` matches `ai`;
/// `n` stands for any digit.
fn pattern_matches(pattern: &str, ai: &str) -> bool {
    pattern.len() == ai.len()
        && pattern
            .bytes()
            .zip(ai.bytes())
            .all(|(p, a)| p == a || (p == b'n' && a.is_ascii_digit()))
}

/// The pairing warnings for a decoded element list.
pub(crate) fn pairing_warnings(elements: &[Element]) -> Vec<Warning> {
    let mut distinct: Vec<&str> = Vec::new();
    for e in elements {
        if !distinct.contains(&e.ai.as_str()) {
            distinct.push(&e.ai);
        }
    }
    let present = |pattern: &str| distinct.iter().any(|ai| pattern_matches(pattern, ai));
    let mut warnings = Vec::new();
    for &ai in &distinct {
        let Some(entry) = ai_table::lookup(ai) else {
            continue;
        };
        for &alternatives in entry.req {
            // labstock's own labels (SPEC §14) name an item without a GTIN
            // by its code in the internal AI (91): that stands for the
            // trade item identifier here.
            let satisfied = alternatives
                .split(',')
                .any(|group| group.split('+').all(present))
                || (present("91") && alternatives.split(',').any(|g| g == "01"));
            if !satisfied {
                warnings.push(Warning::MissingRequired {
                    ai: ai.to_owned(),
                    alternatives,
                });
            }
        }
        for &pattern in entry.ex {
            // An AI is never exclusive of itself, even when a pattern such
            // as `310n` covers it.
            for &other in distinct
                .iter()
                .filter(|&&o| o != ai && pattern_matches(pattern, o))
            {
                let mirrored = Warning::Excluded {
                    ai: other.to_owned(),
                    other: ai.to_owned(),
                };
                if !warnings.contains(&mirrored) {
                    warnings.push(Warning::Excluded {
                        ai: ai.to_owned(),
                        other: other.to_owned(),
                    });
                }
            }
        }
    }
    warnings
}
