//! The one error type of labstock and its mapping to the exit codes of
//! SPEC §8. Variants carry data, not preformatted sentences, so the CLI can
//! word them and tests can match on them; raw SQLite errors are classified
//! here, at the database boundary, never shown to a user as
//! "UNIQUE constraint failed".

use std::path::PathBuf;

/// Result alias used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in labstock.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The database file does not exist (never created silently).
    #[error("no labstock database at {}", path.display())]
    NoDatabase { path: PathBuf },

    /// `init` on a path that already holds a database.
    #[error("a database already exists at {}", path.display())]
    DatabaseExists { path: PathBuf },

    /// A SQLite file (or any file) that is not a labstock database.
    #[error("{} is not a labstock database", path.display())]
    NotLabstock { path: PathBuf },

    /// A database written by a newer labstock.
    #[error(
        "{} has schema version {found}, newer than this labstock understands ({supported})",
        path.display()
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },

    /// A named input file is missing.
    #[error("cannot open {}: no such file", path.display())]
    FileNotFound { path: PathBuf },

    /// Input that breaks a rule: `what` was `value`, but `expected`.
    #[error("invalid {what} {value:?}: {expected}")]
    Invalid {
        what: String,
        value: String,
        expected: String,
    },

    /// A required value was not given.
    #[error("{what} is required: {why}")]
    Missing { what: String, why: String },

    /// A code that names nothing.
    #[error("unknown {entity} {key:?}{}", suggestion_text(.suggestions))]
    NotFound {
        entity: &'static str,
        key: String,
        suggestions: Vec<String>,
    },

    /// A unique key given twice.
    #[error("{entity} {key:?} already exists")]
    AlreadyExists { entity: &'static str, key: String },

    /// An issue, transfer, dispose or adjust that needs more than is there.
    #[error(
        "not enough {what} stock of {item} at {location}: {requested} requested, {available} available{detail}"
    )]
    InsufficientStock {
        item: String,
        location: String,
        what: &'static str,
        requested: i64,
        available: i64,
        detail: String,
    },

    /// A rule of the ledger that refuses an otherwise well-formed request.
    #[error("{0}")]
    Refused(String),

    /// One bad row of an import; nothing of the file was written.
    #[error("line {line}{}: {source}", column.as_ref().map(|c| format!(", column {c}")).unwrap_or_default())]
    Import {
        line: u64,
        column: Option<String>,
        #[source]
        source: Box<Error>,
    },

    /// A CSV file that cannot be read as CSV (bad quoting, not UTF-8, …).
    #[error("{0}")]
    Csv(String),

    /// A check that found problems (`check`, `equipment check`, `--fail-on-…`).
    #[error("{0}")]
    CheckFailed(String),

    /// The database stayed locked by another process past the busy timeout.
    #[error("the database is locked by another labstock process; try again in a moment")]
    Locked,

    /// An I/O failure on a named file.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// Any other SQLite failure (a bug or a damaged file, not bad input).
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
}

fn suggestion_text(suggestions: &[String]) -> String {
    match suggestions {
        [] => String::new(),
        [one] => format!(" (did you mean {one}?)"),
        many => format!(" (did you mean one of {}?)", many.join(", ")),
    }
}

impl Error {
    /// The process exit code for this error: the contract of SPEC §8,
    /// mapped here and nowhere else.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Invalid { .. }
            | Error::Missing { .. }
            | Error::NotFound { .. }
            | Error::AlreadyExists { .. }
            | Error::InsufficientStock { .. }
            | Error::Refused(_)
            | Error::Csv(_) => 65,
            Error::Import { source, .. } => source.exit_code(),
            Error::NoDatabase { .. } | Error::FileNotFound { .. } => 66,
            Error::CheckFailed(_) => 3,
            Error::Locked => 75,
            Error::DatabaseExists { .. }
            | Error::NotLabstock { .. }
            | Error::TooNew { .. }
            | Error::Io { .. }
            | Error::Sqlite(_) => 1,
        }
    }

    /// A next step for the user, printed after the error when there is one.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::NoDatabase { path } => Some(format!(
                "create it with `labstock --db {} init`, or point --db / LABSTOCK_DB at an existing one",
                path.display()
            )),
            Error::DatabaseExists { .. } => {
                Some("nothing was changed; use --db to create a database elsewhere".into())
            }
            Error::TooNew { .. } => Some("upgrade labstock to open this database".into()),
            Error::Import { .. } => Some("nothing from the file was written".into()),
            _ => None,
        }
    }

    /// Shorthand for [`Error::Invalid`].
    pub fn invalid(
        what: impl Into<String>,
        value: impl Into<String>,
        expected: impl Into<String>,
    ) -> Self {
        Error::Invalid {
            what: what.into(),
            value: value.into(),
            expected: expected.into(),
        }
    }

    /// Shorthand for [`Error::Missing`].
    pub fn missing(what: impl Into<String>, why: impl Into<String>) -> Self {
        Error::Missing {
            what: what.into(),
            why: why.into(),
        }
    }

    /// Attach a column name to an error raised while reading one import row.
    pub(crate) fn at_row(self, line: u64, column: Option<&str>) -> Self {
        match self {
            already @ Error::Import { .. } => already,
            other => Error::Import {
                line,
                column: column.map(str::to_owned),
                source: Box::new(other),
            },
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Error::Locked,
            Some(ErrorCode::ConstraintViolation) => {
                // Constraint failures that reach here were not foreseen by a
                // validation step; the trigger message (append-only) is the
                // useful part, so keep it.
                let text = e.to_string();
                if text.contains("append-only") {
                    Error::Refused(text)
                } else {
                    Error::Sqlite(e)
                }
            }
            _ => Error::Sqlite(e),
        }
    }
}

impl From<csv::Error> for Error {
    fn from(e: csv::Error) -> Self {
        // Reading or writing failed, not the CSV: keep the I/O error whole,
        // so a reader that stops early (`| head`) stays recognisable.
        if e.is_io_error() {
            if let csv::ErrorKind::Io(source) = e.into_kind() {
                return Error::Io {
                    path: "<csv stream>".into(),
                    source,
                };
            }
            return Error::Csv("input/output error".into());
        }
        let line = e.position().map(csv::Position::line);
        let text = match e.kind() {
            csv::ErrorKind::Utf8 { err, .. } => format!(
                "not valid UTF-8 (field {}); save the file as UTF-8 CSV",
                err.field() + 1
            ),
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => format!("has {len} fields, the header has {expected_len}"),
            csv::ErrorKind::Io(io) => io.to_string(),
            _ => e.to_string(),
        };
        match line {
            Some(line) => Error::Import {
                line,
                column: None,
                source: Box::new(Error::Csv(text)),
            },
            None => Error::Csv(text),
        }
    }
}
