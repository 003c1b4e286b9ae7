//! The one error type of labstock and its mapping to the exit codes of
//! SPEC §8. Variants carry data, not preformatted sentences, so the CLI can
//! word them and tests can match on them; raw SQLite errors are classified
//! at the database boundary (src/store/sqlite/error.rs) into these
//! variants, never shown to a user as "UNIQUE constraint failed".

use std::path::{Path, PathBuf};
use std::time::Duration;

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

    /// A file at the database path that is not a labstock database.
    #[error("{} is not a labstock database: {found}", path.display())]
    NotLabstock { path: PathBuf, found: Foreign },

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

    /// A PostgreSQL database labstock cannot use (SPEC §12). `database`
    /// is `postgres://USER@HOST:PORT/NAME`: host and database, never the
    /// password.
    #[error("PostgreSQL database {database}: {problem}")]
    Postgres {
        database: String,
        problem: PgProblem,
    },

    /// A command that does not run on PostgreSQL yet (issue 15): only
    /// `init` and `copy` do.
    #[error("`labstock {command}` does not yet run on PostgreSQL ({database})")]
    NotOnPostgres { command: String, database: String },

    /// `copy --to TARGET` where TARGET holds data (SPEC §12: the target is
    /// empty, or holds only what `init` writes).
    #[error("cannot copy to {target}: {found}; the target must be empty or freshly initialised")]
    CopyTargetNotEmpty { target: String, found: String },

    /// `copy` found the target different from the source after loading
    /// it (row counts, chain heads), or the two schemas differ: nothing
    /// was kept.
    #[error("copy to {target} failed: {detail}")]
    CopyFailed { target: String, detail: String },

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

    /// A new password shorter than SPEC §11 allows (the password itself
    /// is never part of a message).
    #[error("a password needs at least {min} characters; this one has {chars}")]
    PasswordTooShort { chars: usize, min: usize },

    /// An action on a disabled account that needs an active one.
    #[error("account {name} is disabled")]
    AccountDisabled { name: String },

    /// Demoting or disabling the last active manager (no one could then
    /// administer the server).
    #[error("{name} is the last active manager: the lab would have no one to manage accounts")]
    LastManager { name: String },

    /// `serve` on a database without an active manager account.
    #[error("no active manager account: the server needs one to be administered")]
    NoManager,

    /// `serve` could not listen on its address (taken, or not allowed).
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: String,
        source: std::io::Error,
    },

    /// The digest could not be mailed (SPEC §16): the server refused it
    /// or could not be reached. Nothing was written.
    #[error("cannot send the digest through {server}: {reason}")]
    Mail { server: String, reason: String },

    /// An item has no safety data sheet where one was asked for.
    #[error("{item} has no safety data sheet")]
    NoSds { item: String },

    /// A code that names nothing. `within` names the record the key was
    /// looked up in (the item of a lot), so each key is quoted on its own.
    #[error("unknown {entity} {key:?}{}{}", within_text(.within.as_ref()), suggestion_text(.suggestions))]
    NotFound {
        entity: &'static str,
        key: String,
        within: Option<Within>,
        suggestions: Vec<String>,
    },

    /// A unique key given twice (`within`: as for [`Error::NotFound`]).
    #[error("{entity} {key:?}{} already exists", within_text(.within.as_ref()))]
    AlreadyExists {
        entity: &'static str,
        key: String,
        within: Option<Within>,
    },

    /// `reverse --last` when the user has recorded no movement that can
    /// still be reversed.
    #[error(
        "{user} has no movement to reverse: none recorded by {user} that is not a reversal or already reversed"
    )]
    NothingToReverse { user: String },

    /// A file whose content is identical to one already imported as the
    /// same kind (SPEC §10 Imports).
    #[error(
        "this {kind} file is identical to one imported at {at} by {user} ({rows} rows); importing it again would record every row twice"
    )]
    AlreadyImported {
        kind: &'static str,
        at: String,
        user: String,
        rows: i64,
    },

    /// An issue, transfer, dispose or adjust that needs more than is there.
    /// `what` qualifies the stock (`usable`) or is empty.
    #[error(
        "not enough {}stock of {item} at {location}: {requested} requested, {available} available{detail}",
        qualifier_text(.what)
    )]
    InsufficientStock {
        item: String,
        location: String,
        what: &'static str,
        requested: i64,
        available: i64,
        detail: String,
    },

    /// A backdated movement that the ledger had enough for at its own time
    /// but that would take the balance below zero at a later movement
    /// (SPEC §10 "Time": never negative at any point of the ledger).
    #[error(
        "{item}{lot} at {location}: a movement dated {at} would leave {balance} after movement #{} ({} dated {}), which is already recorded; the balance may never be negative at any point in time",
        .later.id, .later.kind, .later.at
    )]
    NegativeLater {
        item: String,
        /// `" lot L"`, or empty for stock without a lot.
        lot: String,
        location: String,
        at: String,
        /// The recorded movement after which the balance would go wrong
        /// (boxed: it keeps `Error` small).
        later: Box<LaterMovement>,
        balance: i64,
    },

    /// A quantity or money amount beyond what labstock records (SPEC §10).
    #[error("{what} {value} is too large: at most {limit} {unit}")]
    TooLarge {
        what: String,
        value: String,
        limit: String,
        unit: &'static str,
    },
    /// A second open stocktake of one location (SPEC §13).
    #[error(
        "stocktake {id} of {location} is still open: apply or cancel it before starting another"
    )]
    StocktakeAlreadyOpen { id: i64, location: String },

    /// A count, apply or cancel of a stocktake that has ended.
    #[error(
        "stocktake {id} is {status}: it takes no more counts and cannot be applied or cancelled"
    )]
    StocktakeClosed { id: i64, status: &'static str },

    /// A count at another location than the stocktake's.
    #[error("stocktake {id} counts {location}, not {given}")]
    StocktakeElsewhere {
        id: i64,
        location: String,
        given: String,
    },

    /// `apply` with lines nobody counted.
    #[error("stocktake {id} has {count} uncounted line(s): {lines}")]
    StocktakeUncounted {
        id: i64,
        count: usize,
        lines: String,
    },

    /// A scanned code whose expiry has passed, received without
    /// `--allow-expired`.
    #[error(
        "the scanned {item} lot {} expired on {expired_on}; pass --allow-expired to receive it anyway",
        .lot.as_deref().unwrap_or("(none)")
    )]
    ScannedLotExpired {
        item: String,
        lot: Option<String>,
        expired_on: chrono::NaiveDate,
    },

    /// An issue of a lot that awaits acceptance (SPEC §13).
    #[error("lot {lot} of {item} is pending acceptance: it cannot be issued until it is accepted")]
    LotPending { item: String, lot: String },

    /// `lot accept` on a lot that does not await acceptance; `status` is
    /// what it is instead (available, quarantined, recalled).
    #[error("lot {lot} of {item} is not pending acceptance: it is {status}")]
    LotNotPending {
        item: String,
        lot: String,
        status: &'static str,
    },

    /// A rule of the ledger that refuses an otherwise well-formed request.
    #[error("{0}")]
    Refused(Refusal),

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

    /// A CSV file whose header is separated by something other than
    /// commas (Excel in many European locales saves "CSV" with `;`).
    #[error(
        "the file is separated by {name} ({separator:?}), not commas: labstock reads comma-separated CSV"
    )]
    WrongSeparator { separator: char, name: &'static str },

    /// `--columns` named a column this listing does not have: a usage
    /// error (exit 2), like an unknown flag.
    #[error("unknown column{} {} for --columns; this listing has: {}", if .unknown.len() == 1 { "" } else { "s" }, .unknown.iter().map(|u| format!("{u:?}")).collect::<Vec<_>>().join(", "), .valid.join(","))]
    UnknownColumns {
        unknown: Vec<String>,
        valid: Vec<String>,
    },

    /// A combination of options the command does not take (exit 2, as
    /// the argument parser's own usage errors).
    #[error("{0}")]
    Usage(String),

    /// The database stayed locked by another process past the busy
    /// timeout. `path` and `waited` are filled in at the database boundary
    /// (`Store`, or the CLI for errors raised beneath it).
    #[error(
        "{} is busy: it is locked by another process that is writing to it, and was not released within {} (the busy timeout); nothing was written",
        db_name(.path.as_deref()),
        .waited.map_or_else(|| "the busy timeout".to_owned(), format_wait)
    )]
    Locked {
        path: Option<PathBuf>,
        waited: Option<Duration>,
    },

    /// A write to a database that can only be read (file permissions, a
    /// read-only file system or directory).
    #[error(
        "{} is read-only: this command records changes and the file cannot be written; nothing was written",
        db_name(.path.as_deref())
    )]
    ReadOnly { path: Option<PathBuf> },

    /// A database file SQLite cannot read: truncated, overwritten, malformed.
    #[error("{} is damaged: {damage}", db_name(.path.as_deref()))]
    Corrupt {
        path: Option<PathBuf>,
        damage: Damage,
    },

    /// A command that creates a file refuses to replace an existing one.
    #[error("{} already exists", path.display())]
    OutputExists { path: PathBuf },

    /// An I/O failure on a named file.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// Any other database failure (a bug or a damaged file, not bad
    /// input), classified at the store boundary (the SQLite driver's
    /// errors in src/store/sqlite/error.rs): only its description crosses
    /// it, so no driver type is part of the public error.
    #[error("database error: {detail}")]
    Sqlite { detail: String },
}

/// A movement already in the ledger, named by an error about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaterMovement {
    pub id: i64,
    pub kind: String,
    pub at: String,
}

/// The record a key belongs to: `lot "L1" of item "RGT"`, `order line
/// "PO-1" for item "CRP"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Within {
    /// How the key relates to the record: `of`, `for`.
    pub relation: &'static str,
    pub entity: &'static str,
    pub key: String,
}

impl Within {
    /// A key that belongs to `entity` `key` (`lot … of item …`).
    pub fn of(entity: &'static str, key: impl Into<String>) -> Option<Within> {
        Some(Within {
            relation: "of",
            entity,
            key: key.into(),
        })
    }

    /// A key that is for `entity` `key` (`order line … for item …`).
    pub fn for_(entity: &'static str, key: impl Into<String>) -> Option<Within> {
        Some(Within {
            relation: "for",
            entity,
            key: key.into(),
        })
    }
}

fn within_text(within: Option<&Within>) -> String {
    within.map_or_else(String::new, |w| {
        format!(" {} {} {:?}", w.relation, w.entity, w.key)
    })
}

/// `usable ` before "stock", or nothing: never two spaces.
fn qualifier_text(what: &str) -> String {
    let what = what.trim();
    if what.is_empty() {
        String::new()
    } else {
        format!("{what} ")
    }
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
        if self.is_broken_pipe() {
            // The reader stopped early (`| head`): not a failure (ripgrep's
            // convention); the CLI prints nothing for it.
            return 0;
        }
        match self {
            Error::Invalid { .. }
            | Error::Missing { .. }
            | Error::NotFound { .. }
            | Error::AlreadyExists { .. }
            | Error::NothingToReverse { .. }
            | Error::AlreadyImported { .. }
            | Error::InsufficientStock { .. }
            | Error::NegativeLater { .. }
            | Error::TooLarge { .. }
            | Error::StocktakeAlreadyOpen { .. }
            | Error::StocktakeClosed { .. }
            | Error::StocktakeElsewhere { .. }
            | Error::StocktakeUncounted { .. }
            | Error::ScannedLotExpired { .. }
            | Error::LotPending { .. }
            | Error::LotNotPending { .. }
            | Error::PasswordTooShort { .. }
            | Error::AccountDisabled { .. }
            | Error::LastManager { .. }
            | Error::NoSds { .. }
            | Error::Refused(_)
            | Error::WrongSeparator { .. }
            | Error::Csv(_) => 65,
            Error::Import { source, .. } => source.exit_code(),
            Error::NoDatabase { .. } | Error::FileNotFound { .. } => 66,
            Error::Postgres { problem, .. } => problem.exit_code(),
            Error::CheckFailed(_) => 3,
            Error::UnknownColumns { .. } | Error::Usage(_) => 2,
            Error::Locked { .. } => 75,
            // A damaged, foreign, newer or read-only database is not bad
            // input data (65) and not missing (66): SPEC §8 leaves it to 1.
            Error::DatabaseExists { .. }
            | Error::NotLabstock { .. }
            | Error::TooNew { .. }
            | Error::NotOnPostgres { .. }
            | Error::CopyTargetNotEmpty { .. }
            | Error::CopyFailed { .. }
            | Error::Corrupt { .. }
            | Error::ReadOnly { .. }
            | Error::OutputExists { .. }
            | Error::NoManager
            | Error::Listen { .. }
            | Error::Mail { .. }
            | Error::Io { .. }
            | Error::Sqlite { .. } => 1,
        }
    }

    /// The HTTP status for this error (SPEC §11), for the server face:
    /// 400 a malformed request (a required value missing), 404 an unknown
    /// item, lot, asset, movement or other key, 422 input that breaks a
    /// rule (validation, CSV, duplicates, insufficient stock: exit 65),
    /// 503 busy (exit 75), 500 else. 401 and 403 belong to the server's
    /// permission table, not to these errors.
    /// Findings of a check (exit 3) are not errors of a request: a report
    /// answers them with 200 and the findings as data.
    pub fn http_status(&self) -> u16 {
        match self {
            Error::Missing { .. } | Error::UnknownColumns { .. } | Error::Usage(_) => 400,
            Error::NotFound { .. } | Error::FileNotFound { .. } | Error::NoSds { .. } => 404,
            Error::AlreadyExists { .. }
            | Error::AlreadyImported { .. }
            | Error::Csv(_)
            | Error::WrongSeparator { .. }
            | Error::Invalid { .. }
            | Error::NothingToReverse { .. }
            | Error::InsufficientStock { .. }
            | Error::NegativeLater { .. }
            | Error::TooLarge { .. }
            | Error::ScannedLotExpired { .. }
            | Error::StocktakeAlreadyOpen { .. }
            | Error::StocktakeClosed { .. }
            | Error::StocktakeElsewhere { .. }
            | Error::StocktakeUncounted { .. }
            | Error::LotPending { .. }
            | Error::LotNotPending { .. }
            | Error::PasswordTooShort { .. }
            | Error::AccountDisabled { .. }
            | Error::LastManager { .. }
            | Error::Refused(_) => 422,
            Error::Import { source, .. } => match source.http_status() {
                // A bad row of an uploaded file is bad input of the request.
                500 => 500,
                _ => 422,
            },
            Error::Locked { .. } => 503,
            Error::Postgres { problem, .. } if problem.exit_code() == 75 => 503,
            Error::CheckFailed(_)
            | Error::Postgres { .. }
            | Error::NotOnPostgres { .. }
            | Error::CopyTargetNotEmpty { .. }
            | Error::CopyFailed { .. }
            | Error::DatabaseExists { .. }
            | Error::OutputExists { .. }
            | Error::NoDatabase { .. }
            | Error::NotLabstock { .. }
            | Error::TooNew { .. }
            | Error::Corrupt { .. }
            | Error::ReadOnly { .. }
            | Error::NoManager
            | Error::Listen { .. }
            | Error::Io { .. }
            | Error::Sqlite { .. } => 500,
            Error::Mail { .. } => 502,
        }
    }

    /// Whether this is a write to a reader that has gone (`labstock … |
    /// head`). Like ripgrep, the CLI then stops quietly with exit 0: the
    /// reader got what it asked for.
    pub fn is_broken_pipe(&self) -> bool {
        match self {
            Error::Io { source, .. } => source.kind() == std::io::ErrorKind::BrokenPipe,
            Error::Import { source, .. } => source.is_broken_pipe(),
            _ => false,
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
            Error::NoSds { item } => Some(format!(
                "add the supplier's sheet with `labstock sds add {item} FILE.pdf --revised DATE`; `labstock report sds` lists every hazardous item without one"
            )),
            Error::Mail { .. } => Some(
                "nothing was sent; check `labstock config get digest.smtp` and that the server is up (the password comes only from LABSTOCK_SMTP_PASSWORD)".into(),
            ),
            Error::Postgres { database, problem } => problem.hint(database),
            Error::NotOnPostgres { command, database } => Some(format!(
                "nothing was read or written; README: PostgreSQL lists what runs there so far, and `labstock --db {database} copy --to lab.db` makes a SQLite copy to run `{command}` on"
            )),
            Error::CopyFailed { .. } => Some("nothing was written to the target".into()),
            Error::CopyTargetNotEmpty { .. } => Some(
                "nothing was written; copy to a new file, or to a PostgreSQL database that is empty or was just made by `labstock init`".into(),
            ),
            Error::NoManager => Some(
                "create one first: `labstock user add NAME --role manager` (it asks for the password, or reads it with --password-stdin)".into(),
            ),
            Error::Listen { .. } => Some(
                "another program (or another labstock serve) holds the address: stop it or give --listen ADDR".into(),
            ),
            Error::LastManager { .. } => Some(
                "make another account a manager first (`labstock user role NAME manager`)".into(),
            ),
            Error::AccountDisabled { name } => Some(format!(
                "a disabled account stays disabled; add a new one with `labstock user add` if {name} needs access again"
            )),
            Error::NotLabstock { path, found } => Some(match found {
                Foreign::Empty => format!(
                    "nothing was changed; create a database there with `labstock --db {} init`",
                    path.display()
                ),
                Foreign::PreRelease => "nothing was changed; with the labstock that made it, `labstock export movements` (and keep its other CSVs), then `labstock init` a new database and import them".into(),
                _ => "nothing was changed; point --db (or LABSTOCK_DB) at a labstock database".into(),
            }),
            Error::Locked { .. } => Some(
                "try again, or wait longer with --busy-timeout (e.g. --busy-timeout 30s, or LABSTOCK_BUSY_TIMEOUT=30s)"
                    .into(),
            ),
            Error::ReadOnly { .. } => Some(
                "reading commands (stock, reports, check, backup) still work; to record, make the file and its directory writable or use --db with a writable copy"
                    .into(),
            ),
            Error::Corrupt { .. } => Some(
                "nothing was changed; keep the damaged file for investigation and restore the latest copy made by `labstock backup FILE` (copy it to the database path)"
                    .into(),
            ),
            Error::OutputExists { .. } => {
                Some("nothing was changed; use --force to replace it, or name a new file".into())
            }
            Error::Import { source, .. } => Some(match source.as_ref() {
                separator @ Error::WrongSeparator { .. } => format!(
                    "nothing from the file was written; {}",
                    separator.hint().unwrap_or_default()
                ),
                _ => "nothing from the file was written".into(),
            }),
            Error::WrongSeparator { separator, .. } => Some(format!(
                "save it from the spreadsheet as \"CSV UTF-8 (Comma delimited)\", or replace each {separator:?} between cells with a comma"
            )),
            Error::StocktakeUncounted { id, .. } => Some(format!(
                "nothing was written; count them (`labstock stocktake sheet {id}` lists what is left), or apply with --zero-uncounted if they were found empty"
            )),
            Error::StocktakeAlreadyOpen { id, .. } => Some(format!(
                "see it with `labstock stocktake review {id}`"
            )),
            Error::NegativeLater { .. } => Some(
                "nothing was written; date the movement later, or see the balance over time with `labstock history ITEM`".into(),
            ),
            Error::LotPending { item, lot } => Some(format!(
                "nothing was written; record its verification with `labstock lot accept {item} {lot} --result pass|fail`, or issue from an accepted lot"
            )),
            Error::LotNotPending { item, .. } => Some(format!(
                "nothing was changed; only a new lot of an item with acceptance_required awaits acceptance (lots that do: `labstock report acceptance`; this item's lots: `labstock lot list {item}`)"
            )),
            Error::NothingToReverse { .. } => Some(
                "name the movement instead: `labstock reverse MOVEMENT_ID --reason …` (ids are in `labstock history ITEM`)"
                    .into(),
            ),
            Error::AlreadyImported { kind, .. } => Some(format!(
                "nothing was written; see it with `labstock audit --entity import:{kind}`; if the file really holds new records (the same delivery again), import it with --again"
            )),
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

    /// Name the database and the busy timeout in an error raised beneath
    /// the `Store` boundary, where neither was known (a busy, read-only or
    /// damaged database met in the middle of a command).
    #[must_use]
    pub fn in_database(self, db: &Path, busy_timeout: Duration) -> Self {
        match self {
            Error::Locked { path, waited } => Error::Locked {
                path: path.or_else(|| Some(db.to_owned())),
                waited: waited.or(Some(busy_timeout)),
            },
            Error::ReadOnly { path } => Error::ReadOnly {
                path: path.or_else(|| Some(db.to_owned())),
            },
            Error::Corrupt { path, damage } => Error::Corrupt {
                path: path.or_else(|| Some(db.to_owned())),
                damage,
            },
            Error::Import {
                line,
                column,
                source,
            } => Error::Import {
                line,
                column,
                source: Box::new(source.in_database(db, busy_timeout)),
            },
            other => other,
        }
    }

    /// Attach a column name to an error raised while reading one import row.
    pub(crate) fn at_row(self, line: u64, column: Option<&str>) -> Self {
        match self {
            // Neither is about the row's data: a part of the command that
            // does not run on this engine yet names the command (issue 15).
            already @ (Error::Import { .. } | Error::NotOnPostgres { .. }) => already,
            other => Error::Import {
                line,
                column: column.map(str::to_owned),
                source: Box::new(other),
            },
        }
    }
}

/// What stops labstock using a PostgreSQL database. Plain data: the
/// PostgreSQL engine (src/store/postgres/) classifies the driver's errors
/// into these, so nothing outside it knows the `postgres` crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PgProblem {
    /// No server answered (down, wrong host or port, a firewall).
    Unreachable { detail: String },
    /// The server refused the role or its password.
    Authentication { user: String },
    /// The server runs, but has no database of that name.
    Missing,
    /// The database holds nothing yet (`init` creates the schema).
    Empty,
    /// The database holds tables, none of them labstock's.
    Foreign { tables: i64 },
    /// A labstock schema newer than this binary.
    TooNew { found: i64, supported: i64 },
    /// `init` on a database that already holds a labstock schema.
    AlreadyInitialised,
    /// Another transaction kept a lock (or a serialization conflict kept
    /// recurring) past the retries: busy, like SQLite's exit 75.
    Busy { detail: String },
    /// A lock was not granted within the busy timeout (`lock_timeout`,
    /// set from `--busy-timeout`): reported as SQLite's [`Error::Locked`].
    LockTimeout,
    /// What the server or the driver reported, in its words.
    Failed { detail: String },
}

impl PgProblem {
    /// 66 for a missing database, or one holding no labstock database yet
    /// (like a missing SQLite file: `init` makes it), 75 busy, 1 for
    /// everything else (SPEC §8, issue 15 "Bad input").
    pub fn exit_code(&self) -> i32 {
        match self {
            PgProblem::Missing | PgProblem::Empty => 66,
            PgProblem::Busy { .. } | PgProblem::LockTimeout => 75,
            _ => 1,
        }
    }

    fn hint(&self, database: &str) -> Option<String> {
        Some(match self {
            PgProblem::Unreachable { .. } => "nothing was written; check that the server runs and that host and port in --db / LABSTOCK_DB are right".into(),
            PgProblem::Authentication { .. } => "nothing was written; check the role and its password in the URL (`postgres://ROLE:PASSWORD@HOST/DB`)".into(),
            PgProblem::Missing => format!("nothing was written; create it first (e.g. `createdb --owner ROLE NAME` as a PostgreSQL superuser; README: PostgreSQL), then `labstock --db {database} init`"),
            PgProblem::Empty => format!("nothing was changed; create labstock's schema in it with `labstock --db {database} init`"),
            PgProblem::Foreign { .. } => "nothing was changed; point --db (or LABSTOCK_DB) at a labstock database, or at an empty database to `init`".into(),
            PgProblem::TooNew { .. } => "nothing was changed; upgrade labstock to open this database".into(),
            PgProblem::AlreadyInitialised => "nothing was changed; use --db to name another database".into(),
            PgProblem::Busy { .. } | PgProblem::LockTimeout => {
                "try again, or wait longer with --busy-timeout".into()
            }
            PgProblem::Failed { .. } => "nothing was written".into(),
        })
    }
}

impl std::fmt::Display for PgProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PgProblem::Unreachable { detail } => write!(f, "cannot reach the server ({detail})"),
            PgProblem::Authentication { user } => write!(
                f,
                "the server refused role {user:?}: wrong password, or the role may not connect"
            ),
            PgProblem::Missing => f.write_str("no such database on the server"),
            PgProblem::Empty => f.write_str("no labstock database in it yet: it is empty"),
            PgProblem::Foreign { tables } => write!(
                f,
                "it is not a labstock database: it holds {tables} table(s) of another application and no labstock schema"
            ),
            PgProblem::TooNew { found, supported } => write!(
                f,
                "labstock schema version {found}, newer than this labstock understands ({supported})"
            ),
            PgProblem::AlreadyInitialised => {
                f.write_str("a labstock database already exists in it")
            }
            PgProblem::Busy { detail } => write!(f, "busy: {detail}"),
            PgProblem::LockTimeout => {
                f.write_str("busy: a lock was not granted within the busy timeout")
            }
            PgProblem::Failed { detail } => f.write_str(detail),
        }
    }
}

/// What was found at a database path instead of a labstock database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Foreign {
    /// A file of zero bytes.
    Empty,
    /// A directory.
    Directory,
    /// A file that does not start with the SQLite header.
    NotSqlite,
    /// An SQLite database with another application's `application_id`.
    OtherApplication { application_id: i64 },
    /// An SQLite database without labstock's identity or schema.
    PlainSqlite,
    /// A labstock database made by a pre-release build, before the schema
    /// gained its hash chains (same version number, older tables).
    PreRelease,
}

impl std::fmt::Display for Foreign {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Foreign::Empty => f.write_str("the file is empty"),
            Foreign::Directory => f.write_str("it is a directory"),
            Foreign::NotSqlite => f.write_str("it is not an SQLite database file"),
            Foreign::OtherApplication { application_id } => write!(
                f,
                "it is the SQLite database of another application (application_id {application_id:#010x}, labstock's is {:#010x})",
                crate::store::APPLICATION_ID
            ),
            Foreign::PlainSqlite => {
                f.write_str("it is an SQLite database without labstock's identity and schema")
            }
            Foreign::PreRelease => f.write_str(
                "it was made by a pre-release labstock whose schema has no tamper-evident hash chains",
            ),
        }
    }
}

/// How a database file is damaged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Damage {
    /// Shorter than its own header says: cut off by a failed copy or a
    /// full disk.
    Truncated { expected: u64, actual: u64 },
    /// What SQLite reported when reading it.
    Malformed { detail: String },
}

impl std::fmt::Display for Damage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Damage::Truncated { expected, actual } => write!(
                f,
                "the file is truncated: its header describes {expected} bytes, the file has {actual}"
            ),
            Damage::Malformed { detail } => write!(f, "SQLite cannot read it ({detail})"),
        }
    }
}

/// "the database PATH", or "the database" when the path is not known.
fn db_name(path: Option<&Path>) -> String {
    match path {
        Some(p) => format!("the database {}", p.display()),
        None => "the database".to_owned(),
    }
}

/// A wait as a person reads it: `200 ms`, `5 s`, `2.5 s`, `0 s`.
pub fn format_wait(d: Duration) -> String {
    let ms = d.as_millis();
    if ms == 0 {
        "0 s".to_owned()
    } else if ms < 1000 {
        format!("{ms} ms")
    } else if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        let text = format!("{:.3}", d.as_secs_f64());
        format!("{} s", text.trim_end_matches('0').trim_end_matches('.'))
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        // A failed write (a reader that stopped early) stays an I/O error,
        // so `| head` is recognised; anything else cannot be rendered.
        if e.is_io() {
            return Error::Io {
                path: "<output>".into(),
                source: e.into(),
            };
        }
        Error::Csv(e.to_string())
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

/// Why a well-formed request was refused by a rule: each case carries the
/// values it names, so code matches the case, never the text, and a face
/// can render it (the CLI prints the message; exit 65, HTTP 422).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error(
        "a reverse names the movement it negates: use `labstock reverse MOVEMENT_ID` (imports cannot reverse)"
    )]
    ReverseInImport,
    #[error(
        "item {item} is retired; reactivate it with `labstock item edit {item} --active` before receiving"
    )]
    ItemRetired { item: String },
    #[error("{} of {item} is {status}: it cannot be issued (release it with `labstock lot release {item} {lot}` if it is fit for use)", lot_label(.lot))]
    LotNotIssuable {
        item: String,
        lot: String,
        status: &'static str,
    },
    #[error("{} of {item} expired on {expired_on}; pass --allow-expired to issue it anyway", lot_label(.lot))]
    LotExpired {
        item: String,
        lot: String,
        expired_on: chrono::NaiveDate,
    },
    #[error("movement {id} was already reversed by movement {by}")]
    AlreadyReversed { id: i64, by: i64 },
    #[error("movement {id} is itself a reversal; record the original movement again instead")]
    ReversalOfReversal { id: i64 },
    #[error("lot {lot} of {item} is recalled; a recalled lot is not released (dispose of it)")]
    RecalledNotReleased { item: String, lot: String },
    #[error("lot {lot} of {item} is already {status}; nothing to {action}")]
    LotAlreadyInStatus {
        item: String,
        lot: String,
        status: &'static str,
        action: &'static str,
    },
    #[error(
        "no item has GTIN {gtin}; give it to the item first: `labstock item edit CODE --gtin {gtin}`"
    )]
    UnknownGtin { gtin: String },
    #[error(
        "{item} holds {quantity} without a lot number; dispose of or adjust that stock out (and receive it again with --lot and --expiry) before making the item lot-tracked"
    )]
    UnlottedStock { item: String, quantity: i64 },
    #[error("container {container} was already consigned on consignment note {note}")]
    ContainerConsigned { container: String, note: String },
    #[error(
        "container {container} is still open; seal it first with `labstock waste container seal {container}`"
    )]
    ContainerStillOpen { container: String },
    #[error(
        "container {container} was sealed on {on}; record waste in an open container (see `labstock waste container list --state open`)"
    )]
    ContainerSealedForWaste { container: String, on: String },
    #[error("container {container} was already sealed on {on}; a sealed container stays sealed")]
    ContainerAlreadySealed { container: String, on: String },
    #[error("waste record {id} was corrected by record {by}; consign record {by}")]
    ConsignCorrectedRecord { id: i64, by: i64 },
    #[error("waste record {id} is a withdrawal; there is nothing to consign")]
    ConsignWithdrawal { id: i64 },
    #[error("waste record {id} was already consigned on consignment note {note}")]
    RecordConsigned { id: i64, note: String },
    #[error("waste record {id} already carries consignment note {note}")]
    RecordHasNote { id: i64, note: String },
    #[error(
        "waste record {id} is in container {container}; consign the container (--container {container})"
    )]
    RecordInContainer { id: i64, container: String },
    #[error(
        "waste record {id} in container {container} carries consignment note {own}, not {note}"
    )]
    ContainerRecordNote {
        id: i64,
        container: String,
        own: String,
        note: String,
    },
    #[error("waste record {id} was already corrected by record {by}; correct record {by} instead")]
    RecordAlreadyCorrected { id: i64, by: i64 },
    #[error("{asset} is condemned; its calibration cannot be extended")]
    CondemnedNotExtended { asset: String },
    #[error(
        "{asset} has no calibration due date to extend; record a calibration with `labstock calibrate {asset} --date DATE --result pass|fail|adjusted`"
    )]
    NothingToExtend { asset: String },
    #[error("{asset} is condemned, which is final; its status cannot change")]
    Condemned { asset: String },
    #[error("{asset} is already {status}")]
    AssetAlreadyInStatus { asset: String, status: &'static str },
    #[error(
        "the latest calibration of {asset} (on {on}) failed; it returns to service with a passing calibration: `labstock calibrate {asset} --date DATE --result pass`"
    )]
    FailedCalibration { asset: String, on: String },
    #[error(
        "item {item} is retired; reactivate it with `labstock item edit {item} --active` before ordering it"
    )]
    ItemRetiredForOrder { item: String },
    #[error("order {reference} line {item} is already {status}{}; nothing to {action}", .closed_on.as_deref().map(|d| format!(" (on {d})")).unwrap_or_default())]
    OrderLineEnded {
        reference: String,
        item: String,
        status: String,
        closed_on: Option<String>,
        action: &'static str,
    },
    #[error("order line {reference} was not written")]
    OrderLineNotWritten { reference: String },
    #[error(
        "location {location} still holds stock ({stock}); move or dispose of it before retiring the location"
    )]
    LocationHoldsStock { location: String, stock: String },
    #[error("location {location} was retired on {on}; it takes no new stock")]
    LocationRetired { location: String, on: String },
    #[error(
        "location {location} is not monitored: give it a range first (`labstock location edit {location} --range MIN..MAX`)"
    )]
    NotMonitored { location: String },
    #[error(
        "{location} already has a reading at {at}: {recorded} °C, not {given} °C (a reading is evidence and is not replaced)"
    )]
    ReadingConflict {
        location: String,
        at: String,
        recorded: String,
        given: String,
    },
    #[error(
        "a reading at {at} would move the start or end of excursion {id} at {location}, already {decision}; decided excursions keep their bounds"
    )]
    ExcursionDecided {
        id: i64,
        location: String,
        at: String,
        decision: String,
    },
    #[error(
        "excursion {id} at {location} is still running: quarantine can be decided now, release only once an in-range reading has ended it"
    )]
    ExcursionRunning { id: i64, location: String },
    #[error("excursion {id} was already {decision} by {by} at {at}")]
    ExcursionAlreadyDecided {
        id: i64,
        decision: String,
        by: String,
        at: String,
    },
    #[error(
        "excursion {id} lasted {minutes} minutes, under the location's tolerance of {tolerance}: it is transient and needs no decision"
    )]
    ExcursionTransient {
        id: i64,
        minutes: i64,
        tolerance: i64,
    },
    #[error("{item} cannot be a component of itself; a batch is made from other items")]
    ComponentIsItself { item: String },
    #[error("component lot {lot} of {item} is {why}: components must be usable ({usable})")]
    ComponentNotUsable {
        item: String,
        lot: String,
        why: String,
        usable: String,
    },
    #[error("component {item} is not in stock: {what} ({usable})")]
    ComponentNotInStock {
        item: String,
        what: String,
        usable: String,
    },
    #[error(
        "component lot {lot} of {component} was made from lot {via} of {item}: making {item} from it would be a cycle of batches"
    )]
    BatchCycle {
        item: String,
        component: String,
        lot: String,
        via: String,
    },
    #[error(
        "the batch would have no expiry: {item} has no shelf_life_days and no component has an expiry; set one with `labstock item edit {item} --shelf-life-days N`"
    )]
    BatchWithoutExpiry { item: String },
    #[error(
        "lot {lot} of {item} is a batch made here with `labstock prepare`: a batch is received once; to use it, `labstock issue {item} QTY --lot {lot}`"
    )]
    BatchScanned { item: String, lot: String },
    #[error("batch {lot} of {item} was not received; nothing was written")]
    BatchNotReceived { item: String, lot: String },
    #[error("a chained record was given a value that cannot be hashed")]
    Unhashable,
    #[error("a part of the check stopped unexpectedly")]
    CheckStopped,
    /// The database's own append-only triggers, as SQLite reports them.
    #[error("{0}")]
    AppendOnly(String),
}

fn lot_label(lot: &str) -> String {
    if lot.is_empty() {
        "(no lot)".into()
    } else {
        format!("lot {lot}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_status_follows_the_exit_code_classes() {
        let not_found = Error::NotFound {
            entity: "item",
            key: "X".into(),
            within: None,
            suggestions: vec![],
        };
        assert_eq!(not_found.http_status(), 404);
        assert_eq!(Error::missing("quantity", "give one").http_status(), 400);
        assert_eq!(
            Error::invalid("quantity", "x", "a number").http_status(),
            422
        );
        let short = Error::InsufficientStock {
            item: "X".into(),
            location: "MAIN".into(),
            what: "",
            requested: 2,
            available: 1,
            detail: String::new(),
        };
        assert_eq!((short.exit_code(), short.http_status()), (65, 422));
        let busy = Error::Locked {
            path: None,
            waited: None,
        };
        assert_eq!((busy.exit_code(), busy.http_status()), (75, 503));
        let db = Error::Sqlite {
            detail: "bad parameter or other API misuse".into(),
        };
        assert_eq!((db.exit_code(), db.http_status()), (1, 500));
    }
}
