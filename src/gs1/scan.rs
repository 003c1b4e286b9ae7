//! Splitting an element string into (AI, value) pairs.
//!
//! This module owns the structure of the input, not the meaning of values:
//! the optional symbology identifier, the three spellings of the GS
//! separator (byte 29, the text `<GS>`, a configured substitute character),
//! and the two layouts, bracketed `(01)…(10)…` and raw `01…10…<GS>17…`.
//! Each pair is handed to a callback as soon as it is split, so that errors
//! are reported in input order: a bad date in the first element wins over a
//! stray bracket at the end.

use super::Symbology;
use super::ai_table::{self, AiEntry};
use super::error::{Gs1Error, SeparatorContext};

/// ASCII 29, Group Separator: what a scanner sends for FNC1 after a
/// variable-length field.
pub(crate) const GS: char = '\u{1d}';

/// One unit of input after separators have been recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Char(char),
    Sep,
}

/// A unit of input and where it started (character offset in the input),
/// so errors can point at the original text even after `<GS>` shrank to one
/// token.
#[derive(Debug, Clone, Copy)]
struct Token {
    tok: Tok,
    pos: usize,
}

/// Strip a leading symbology identifier.
///
/// Returns the symbology (if any), the rest of the input and the character
/// offset where the rest starts. Only the GS1 identifiers are accepted: a
/// scanner reporting `]C0` (plain Code 128) or `]Q1` (plain QR) has read
/// something that is not a GS1 element string at all.
pub(crate) fn strip_symbology(input: &str) -> Result<(Option<Symbology>, &str, usize), Gs1Error> {
    if !input.starts_with(']') {
        return Ok((None, input, 0));
    }
    let id_end = input.char_indices().nth(3).map_or(input.len(), |(i, _)| i);
    let id = &input[..id_end];
    match Symbology::from_identifier(id) {
        Some(symbology) => Ok((Some(symbology), &input[id_end..], 3)),
        None => Err(Gs1Error::UnknownSymbology(id.to_owned())),
    }
}

/// Turn text into tokens, recognising the GS byte, the literal text `<GS>`
/// (any case) and the optional substitute character as separators.
fn tokenize(text: &str, offset: usize, substitute: Option<char>) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let pos = offset + i;
        let written_gs = c == '<'
            && chars.get(i + 1..i + 4).is_some_and(|t| {
                t[0].eq_ignore_ascii_case(&'G') && t[1].eq_ignore_ascii_case(&'S') && t[2] == '>'
            });
        if written_gs {
            tokens.push(Token { tok: Tok::Sep, pos });
            i += 4;
        } else if c == GS || Some(c) == substitute {
            tokens.push(Token { tok: Tok::Sep, pos });
            i += 1;
        } else {
            tokens.push(Token {
                tok: Tok::Char(c),
                pos,
            });
            i += 1;
        }
    }
    tokens
}

/// Split `text` (the input after any symbology identifier, starting at
/// character `offset`) into elements, calling `on_element` for each in
/// order.
///
/// Returns `Ok(false)` if there was no data at all (nothing, or only the
/// one leading separator that some scanners send for the initial FNC1).
pub(crate) fn split(
    text: &str,
    offset: usize,
    substitute: Option<char>,
    on_element: &mut dyn FnMut(&'static AiEntry, String, String) -> Result<(), Gs1Error>,
) -> Result<bool, Gs1Error> {
    let tokens = tokenize(text, offset, substitute);
    // One leading separator is the FNC1 in first position that marks the
    // symbol as GS1; it carries no data.
    let start = usize::from(matches!(tokens.first(), Some(t) if t.tok == Tok::Sep));
    match tokens.get(start) {
        None => Ok(false),
        Some(t) if t.tok == Tok::Char('(') => {
            split_bracketed(&tokens, start, on_element)?;
            Ok(true)
        }
        Some(_) => {
            split_raw(&tokens, start, on_element)?;
            Ok(true)
        }
    }
}

/// Read the AI at `tokens[i..]` in raw form: the shortest run of 2 to 4
/// digits that is an AI. GS1 AIs are prefix-free (a test proves it for the
/// table), so the first match is the only one.
fn read_raw_ai(tokens: &[Token], i: usize) -> Result<(String, &'static AiEntry), Gs1Error> {
    let digits: String = tokens[i..]
        .iter()
        .take(4)
        .map_while(|t| match t.tok {
            Tok::Char(c) if c.is_ascii_digit() => Some(c),
            _ => None,
        })
        .collect();
    if digits.len() < 2 {
        let shown: String = tokens[i..]
            .iter()
            .take(2)
            .map_while(|t| match t.tok {
                Tok::Char(c) => Some(c),
                Tok::Sep => None,
            })
            .collect();
        let non_digit = shown.chars().any(|c| !c.is_ascii_digit());
        return Err(if non_digit {
            Gs1Error::NonNumericAi {
                ai: shown,
                position: tokens[i].pos,
            }
        } else {
            Gs1Error::UnknownAi { ai: shown }
        });
    }
    for len in 2..=digits.len() {
        let ai = &digits[..len];
        if let Some(entry) = ai_table::lookup(ai) {
            return Ok((ai.to_owned(), entry));
        }
    }
    Err(Gs1Error::UnknownAi { ai: digits })
}

/// Split the raw form: AI, value, and a separator after each value that
/// does not have a predefined length.
fn split_raw(
    tokens: &[Token],
    start: usize,
    on_element: &mut dyn FnMut(&'static AiEntry, String, String) -> Result<(), Gs1Error>,
) -> Result<(), Gs1Error> {
    let mut i = start;
    while let Some(token) = tokens.get(i) {
        if token.tok == Tok::Sep {
            return Err(Gs1Error::UnexpectedSeparator {
                position: token.pos,
                context: SeparatorContext::WhereAiExpected,
            });
        }
        let (ai, entry) = read_raw_ai(tokens, i)?;
        i += ai.len();
        let mut value = String::new();
        match entry.fixed_length().filter(|_| entry.predefined_length) {
            Some(len) => {
                // A predefined length: take exactly `len` characters; a
                // separator among them means the value was cut short.
                for _ in 0..len {
                    match tokens.get(i) {
                        None => break,
                        Some(Token {
                            tok: Tok::Char(c), ..
                        }) => value.push(*c),
                        Some(Token { tok: Tok::Sep, pos }) => {
                            return Err(Gs1Error::UnexpectedSeparator {
                                position: *pos,
                                context: SeparatorContext::InsideFixedValue { ai },
                            });
                        }
                    }
                    i += 1;
                }
            }
            None => {
                // Variable length (or fixed but not predefined, which still
                // needs a separator): read to the separator or the end, and
                // let validation judge the length. This is why a lot without
                // its separator swallows the next element.
                while let Some(Token {
                    tok: Tok::Char(c), ..
                }) = tokens.get(i)
                {
                    value.push(*c);
                    i += 1;
                }
            }
        }
        on_element(entry, ai, value)?;
        // The separator ending a variable field, or a redundant one after a
        // predefined-length field: either way, one is consumed here and a
        // second one is an error at the top of the loop.
        if tokens.get(i).is_some_and(|t| t.tok == Tok::Sep) {
            i += 1;
        }
    }
    Ok(())
}

/// Split the bracketed human-readable form `(01)…(17)…(10)…`, where `\(`
/// stands for a literal `(` inside a value.
fn split_bracketed(
    tokens: &[Token],
    start: usize,
    on_element: &mut dyn FnMut(&'static AiEntry, String, String) -> Result<(), Gs1Error>,
) -> Result<(), Gs1Error> {
    let mut i = start;
    while let Some(open) = tokens.get(i) {
        // `split` only calls us at a `(`, and each value stops at the next
        // unescaped `(`, so `open` is always a `(` here.
        let close = tokens[i + 1..]
            .iter()
            .position(|t| matches!(t.tok, Tok::Char('(' | ')')))
            .map(|k| i + 1 + k)
            .filter(|&k| tokens[k].tok == Tok::Char(')'))
            .ok_or(Gs1Error::UnterminatedBracket { position: open.pos })?;
        // A separator between the brackets is kept (as the GS character) so
        // that the AI is reported as non-numeric instead of silently joined.
        let ai: String = tokens[i + 1..close]
            .iter()
            .map(|t| match t.tok {
                Tok::Char(c) => c,
                Tok::Sep => GS,
            })
            .collect();
        let entry = bracketed_ai(&ai, open.pos)?;
        i = close + 1;
        let mut value = String::new();
        while let Some(token) = tokens.get(i) {
            match token.tok {
                Tok::Char('(') => break,
                Tok::Char('\\') if tokens.get(i + 1).is_some_and(|t| t.tok == Tok::Char('(')) => {
                    value.push('(');
                    i += 2;
                    continue;
                }
                Tok::Char(c) => value.push(c),
                Tok::Sep => {
                    // Redundant in this form, so tolerated where it could
                    // only mean "end of field": before the next `(` or at
                    // the very end.
                    let ends_field = tokens.get(i + 1).is_none_or(|t| t.tok == Tok::Char('('));
                    if !ends_field {
                        return Err(Gs1Error::UnexpectedSeparator {
                            position: token.pos,
                            context: SeparatorContext::InsideValue { ai },
                        });
                    }
                }
            }
            i += 1;
        }
        on_element(entry, ai, value)?;
    }
    Ok(())
}

/// Check the text between brackets and look the AI up.
fn bracketed_ai(ai: &str, position: usize) -> Result<&'static AiEntry, Gs1Error> {
    if ai.is_empty() {
        return Err(Gs1Error::MissingAi { position });
    }
    if !ai.chars().all(|c| c.is_ascii_digit()) {
        return Err(Gs1Error::NonNumericAi {
            ai: ai.to_owned(),
            position: position + 1,
        });
    }
    if ai.len() > 4 {
        return Err(Gs1Error::AiTooLong { ai: ai.to_owned() });
    }
    ai_table::lookup(ai).ok_or_else(|| Gs1Error::UnknownAi { ai: ai.to_owned() })
}
