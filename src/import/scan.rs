//! The byte-level guard in front of the CSV parser. Files come from
//! spreadsheets and other systems, not from labstock, so before a byte
//! reaches the `csv` crate this scan follows the same quoting rules
//! (RFC 4180, as `csv` reads it) to:
//!
//! - number lines the way an editor does (`\n`, `\r\n` and a lone `\r` each
//!   end one line), so an error names the line a person finds the row on,
//!   even in a CRLF file or after blank lines;
//! - refuse a cell longer than [`MAX_CELL_BYTES`] or a row of more than
//!   [`MAX_FIELDS`] fields as soon as it is seen, so a runaway field (a
//!   missing closing quote swallowing the rest of a large file, or a
//!   pasted 10 MB blob) never has to be held in memory;
//! - notice a quoted field still open at the end of the file, which the
//!   `csv` crate would accept silently as one long value.
//!
//! A problem stops the stream: the bytes before it are still delivered, so
//! the rows before it are read (and an earlier bad row is still the one
//! reported), then every later read fails and the import reports the
//! problem recorded here.

use std::collections::VecDeque;
use std::io::{self, Read};

/// The most bytes one cell of an import may hold. The longest real text in
/// a lab's stock data (a hazard statement list, a calibration note) is a
/// few hundred bytes; 64 KiB leaves room for any genuine note and refuses
/// what is certainly not one.
pub const MAX_CELL_BYTES: usize = 64 * 1024;

/// The most fields one row may have. The widest import format has 18
/// columns; a row of a thousand fields is not a labstock import.
pub(super) const MAX_FIELDS: usize = 1000;

/// What the scan found wrong, with the line of the row it is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ScanProblem {
    /// A cell longer than [`MAX_CELL_BYTES`]; `quoted` when it is inside
    /// quotes (then most likely a missing closing quote).
    CellTooLong {
        line: u64,
        field: usize,
        quoted: bool,
    },
    /// A row with more than [`MAX_FIELDS`] fields.
    TooManyFields { line: u64 },
    /// A quoted field opened on `line` and never closed.
    UnclosedQuote { line: u64, field: usize },
    /// A NUL byte: never part of text (a binary or UTF-16 file).
    Nul { line: u64, field: usize },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Between rows: line ends here are blank lines, skipped.
    StartRecord,
    StartField,
    InField,
    InQuoted,
    /// A `"` inside a quoted field: either the closing quote or the first
    /// half of a doubled `""`.
    QuoteInQuoted,
}

const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// A reader that watches the bytes on their way to the CSV parser.
pub(super) struct Scan<R> {
    inner: R,
    state: State,
    /// The line the next byte is on (1-based).
    line: u64,
    /// The last byte was a `\r` (a `\n` after it ends the same line).
    after_cr: bool,
    /// Bytes of a leading UTF-8 byte-order mark still to skip (the parser
    /// drops the mark, so the scan must too); `None` once past the start.
    bom: Option<usize>,
    record_line: u64,
    quote_line: u64,
    field: usize,
    field_len: usize,
    /// The line each row starts on, in order, for rows the parser has not
    /// yet handed out.
    starts: VecDeque<u64>,
    problem: Option<ScanProblem>,
}

impl<R: Read> Scan<R> {
    pub(super) fn new(inner: R) -> Self {
        Scan {
            inner,
            state: State::StartRecord,
            line: 1,
            after_cr: false,
            bom: Some(0),
            record_line: 1,
            quote_line: 1,
            field: 0,
            field_len: 0,
            starts: VecDeque::new(),
            problem: None,
        }
    }

    /// The line the next row the parser hands out starts on. Call once per
    /// row read (the header included).
    pub(super) fn next_row_line(&mut self) -> u64 {
        self.starts.pop_front().unwrap_or(self.line)
    }

    /// The reader beneath the scan (to read a refused file to its end,
    /// so its content can be compared with earlier imports).
    pub(super) fn inner_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    /// The problem that stopped the stream, if any.
    pub(super) fn problem(&self) -> Option<ScanProblem> {
        self.problem
    }

    fn step(&mut self, b: u8) -> Result<(), ScanProblem> {
        if let Some(seen) = self.bom {
            if seen < BOM.len() && b == BOM[seen] {
                self.bom = (seen + 1 < BOM.len()).then_some(seen + 1);
                return Ok(());
            }
            self.bom = None;
        }
        let term = b == b'\n' || b == b'\r';
        let result = if b == 0 {
            if self.state == State::StartRecord {
                self.record_line = self.line;
                self.field = 0;
            }
            Err(ScanProblem::Nul {
                line: self.record_line,
                field: self.field,
            })
        } else {
            self.transition(b, term)
        };
        // Count the line after the byte: a quote opened on this line or a
        // row that starts here belongs to it.
        match b {
            b'\r' => {
                self.line += 1;
                self.after_cr = true;
            }
            b'\n' => {
                if !self.after_cr {
                    self.line += 1;
                }
                self.after_cr = false;
            }
            _ => self.after_cr = false,
        }
        result
    }

    fn transition(&mut self, b: u8, term: bool) -> Result<(), ScanProblem> {
        match self.state {
            State::StartRecord => {
                if term {
                    Ok(())
                } else {
                    self.record_line = self.line;
                    self.starts.push_back(self.line);
                    self.field = 0;
                    self.field_len = 0;
                    self.start_field(b)
                }
            }
            State::StartField => self.start_field(b),
            State::InField => self.unquoted(b),
            State::InQuoted => {
                if b == b'"' {
                    self.state = State::QuoteInQuoted;
                    Ok(())
                } else {
                    self.grow()
                }
            }
            State::QuoteInQuoted => {
                if b == b'"' {
                    self.state = State::InQuoted;
                    self.grow()
                } else {
                    self.unquoted(b)
                }
            }
        }
    }

    fn start_field(&mut self, b: u8) -> Result<(), ScanProblem> {
        if b == b'"' {
            self.state = State::InQuoted;
            self.quote_line = self.line;
            Ok(())
        } else {
            self.unquoted(b)
        }
    }

    /// A byte outside quotes (also after a closing quote, where `csv` keeps
    /// what follows as part of the field).
    fn unquoted(&mut self, b: u8) -> Result<(), ScanProblem> {
        match b {
            b',' => {
                self.field += 1;
                self.field_len = 0;
                self.state = State::StartField;
                if self.field >= MAX_FIELDS {
                    return Err(ScanProblem::TooManyFields {
                        line: self.record_line,
                    });
                }
                Ok(())
            }
            b'\n' | b'\r' => {
                self.state = State::StartRecord;
                Ok(())
            }
            _ => {
                self.state = State::InField;
                self.grow()
            }
        }
    }

    fn grow(&mut self) -> Result<(), ScanProblem> {
        self.field_len += 1;
        if self.field_len > MAX_CELL_BYTES {
            return Err(ScanProblem::CellTooLong {
                line: self.record_line,
                field: self.field,
                quoted: self.state == State::InQuoted,
            });
        }
        Ok(())
    }

    fn stopped(problem: ScanProblem) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, format!("{problem:?}"))
    }
}

impl<R: Read> Read for Scan<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(p) = self.problem {
            return Err(Self::stopped(p));
        }
        let n = self.inner.read(buf)?;
        if n == 0 {
            if matches!(self.state, State::InQuoted) {
                let p = ScanProblem::UnclosedQuote {
                    line: self.quote_line,
                    field: self.field,
                };
                self.problem = Some(p);
                return Err(Self::stopped(p));
            }
            return Ok(0);
        }
        for (i, &b) in buf[..n].iter().enumerate() {
            if let Err(p) = self.step(b) {
                self.problem = Some(p);
                // Hand over what came before the problem; the next read
                // reports it.
                return if i == 0 { Err(Self::stopped(p)) } else { Ok(i) };
            }
        }
        Ok(n)
    }
}

/// The Windows-1252 character of a byte that is not UTF-8, to show what a
/// file saved as "CSV" (not "CSV UTF-8") by older Excel meant.
pub(super) fn windows_1252(b: u8) -> Option<char> {
    const C1: [char; 32] = [
        '€', '\0', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\0', 'Ž', '\0', '\0',
        '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\0', 'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => Some(C1[usize::from(b - 0x80)]).filter(|c| *c != '\0'),
        0xA0..=0xFF => Some(char::from(b)),
        _ => None,
    }
}

/// Whether a cell needs [`clean_cell`] (most do not, and are used as read).
pub(super) fn needs_cleaning(cell: &str) -> bool {
    cell.starts_with(char::is_whitespace)
        || cell.ends_with(char::is_whitespace)
        || cell.starts_with('\'')
        || cell.contains('\r')
}

/// A cell as the import uses it: surrounding spaces trimmed, the
/// formula-injection escape that labstock's own CSV adds undone
/// ([`crate::report::csv_unescape`]; then only the end is trimmed, so an
/// escaped leading tab stays), and line breaks inside a quoted cell
/// made `\n` whatever the file's line ends were, so a CRLF file leaves no
/// `\r` in a stored value.
pub(super) fn clean_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    // Only a cell that starts with the escape is one (the writer never
    // puts anything before it); what it escapes is kept, even a leading
    // tab, and only the end is trimmed.
    let unescaped = crate::report::csv_unescape(cell);
    let text = if unescaped.len() < cell.len() {
        unescaped.trim_end()
    } else {
        cell.trim()
    };
    if text.contains('\r') {
        std::borrow::Cow::Owned(text.replace("\r\n", "\n"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A source that hands out at most `chunk` bytes per read, to show
    /// the scan does not depend on where reads split the file.
    struct Chunked<'a> {
        rest: &'a [u8],
        chunk: usize,
    }

    impl Read for Chunked<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.chunk.min(buf.len()).min(self.rest.len());
            buf[..n].copy_from_slice(&self.rest[..n]);
            self.rest = &self.rest[n..];
            Ok(n)
        }
    }

    /// Run `bytes` through the scan in reads of `chunk` bytes; the lines
    /// the rows start on and the problem, if any.
    fn scan(bytes: &[u8], chunk: usize) -> (Vec<u64>, Option<ScanProblem>) {
        let mut s = Scan::new(Chunked { rest: bytes, chunk });
        let mut buf = vec![0u8; 4096];
        while let Ok(n) = s.read(&mut buf) {
            if n == 0 {
                break;
            }
        }
        (s.starts.iter().copied().collect(), s.problem())
    }

    #[test]
    fn rows_are_numbered_by_the_line_they_start_on_whatever_the_line_ends() {
        for (text, lines) in [
            ("a,b\nc,d\ne,f\n", vec![1, 2, 3]),
            ("a,b\r\nc,d\r\ne,f\r\n", vec![1, 2, 3]),
            ("a,b\rc,d\re,f", vec![1, 2, 3]),
            ("a,b\n\n\nc,d\n\ne,f", vec![1, 4, 6]),
            ("a,b\r\n\"x\r\ny\",z\r\ne,f\r\n", vec![1, 2, 4]),
            ("\u{feff}\"a\",b\nc,d", vec![1, 2]),
        ] {
            for chunk in [1, 2, 3, 64] {
                assert_eq!(
                    scan(text.as_bytes(), chunk),
                    (lines.clone(), None),
                    "{text:?} {chunk}"
                );
            }
        }
    }

    #[test]
    fn an_unclosed_quote_is_found_at_the_end() {
        let (_, p) = scan(b"a,b\nc,\"d\ne,f\n", 4);
        assert_eq!(p, Some(ScanProblem::UnclosedQuote { line: 2, field: 1 }));
        // Doubled quotes and text after a closing quote are not unclosed.
        assert_eq!(scan(b"a,\"b \"\"x\"\" c\"\n\"d\"e,f", 3).1, None);
    }

    #[test]
    fn a_cell_over_the_limit_is_refused_as_soon_as_it_is_seen() {
        let mut text = b"code,name\nA,\"".to_vec();
        text.extend(std::iter::repeat_n(b'x', MAX_CELL_BYTES + 1));
        let (_, p) = scan(&text, 8192);
        assert_eq!(
            p,
            Some(ScanProblem::CellTooLong {
                line: 2,
                field: 1,
                quoted: true
            })
        );
        let mut text = b"code,name\nA,".to_vec();
        text.extend(std::iter::repeat_n(b'x', MAX_CELL_BYTES));
        text.extend(b"\nB,y\n");
        assert_eq!(scan(&text, 8192).1, None, "exactly at the limit is fine");
        let row = ",".repeat(MAX_FIELDS);
        assert_eq!(
            scan(format!("a\n{row}\n").as_bytes(), 100).1,
            Some(ScanProblem::TooManyFields { line: 2 })
        );
    }

    #[test]
    fn a_nul_byte_stops_the_file() {
        assert_eq!(
            scan(b"code,name\nA,B\0\n", 3).1,
            Some(ScanProblem::Nul { line: 2, field: 1 })
        );
        assert_eq!(
            scan(b"code,name\n\0,x\n", 3).1,
            Some(ScanProblem::Nul { line: 2, field: 0 })
        );
    }

    #[test]
    fn windows_1252_names_the_usual_suspects() {
        assert_eq!(windows_1252(0xB5), Some('µ'));
        assert_eq!(windows_1252(0xB0), Some('°'));
        assert_eq!(windows_1252(0x80), Some('€'));
        assert_eq!(windows_1252(0x81), None);
        assert_eq!(windows_1252(0x41), None);
    }
}
