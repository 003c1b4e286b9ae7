//! The command line: clap structures that only parse, one file per command
//! group, and the context every command runs with (database path, user,
//! clock, output). This is the only code that prints.

mod account;
mod audit;
mod backup;
mod catalogue;
mod check;
mod copy;
mod demo;
mod digest;
mod equipment;
mod gs1;
mod io;
mod label;
mod lot;
mod movement;
mod order;
mod prepare;
mod progress;
mod quick;
mod report;
mod report_calibration;
mod report_waste;
mod sds;
mod serve;
mod stock;
mod stocktake;
mod temp;
mod user;
mod waste;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use serde::Serialize;

use crate::clock::{Clock, parse_zone, system_zone};
use crate::error::{Error, Result};
use crate::model::stamp;
use crate::report::{
    OutputFormat, Rendered, TableOptions, render, render_to_with, select_columns, write_csv,
};
use crate::store::{OpenOptions, Store, parse_busy_timeout};

const EXIT_CODES: &str = "\
Exit codes:
  0   success
  2   usage error (unknown command or flag)
  3   a check found a problem (check, equipment check, --fail-on-…,
      a backup copy that failed its check), or digest found something to do
  65  invalid input data (validation, CSV, GS1, insufficient stock)
  66  a named input file or the database is missing
  75  the database stayed locked past the busy timeout
  1   anything else (a damaged, foreign, newer or read-only database,
      a mail server that refused the digest, …)

Environment:
  LABSTOCK_DB    database path, or postgres://USER@HOST/DB (instead of --db)
  LABSTOCK_USER  who is recording (instead of --user)
  LABSTOCK_BUSY_TIMEOUT  how long a write waits for another (instead of --busy-timeout)
  LABSTOCK_NOW   pin the clock to an RFC 3339 timestamp (tests, reproducible runs)
  LABSTOCK_SMTP_PASSWORD  the mail server's password for `digest --send` (never stored)
  COLUMNS        the width tables are fitted to (else the terminal's)
  NO_COLOR       set: no colour, even on a terminal";

/// Laboratory stock and consumables tracker.
///
/// Records stock movements in an append-only ledger, keeps balances by
/// item, lot and location, and produces the lab's stock reports.
#[derive(Debug, Parser)]
#[command(name = "labstock", version, long_version = crate::hazard::LONG_VERSION, after_long_help = EXIT_CODES, after_help = EXIT_CODES)]
pub struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

/// Flags every command accepts.
///
/// The environment fallbacks (`LABSTOCK_DB`, `LABSTOCK_USER`,
/// `LABSTOCK_BUSY_TIMEOUT`) are read by [`Cli::parse_args`], not by clap:
/// clap counts a value from the environment as typed, and would print
/// `--db <PATH> --user <NAME>` in every usage line as if they were required.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Database file, or postgres://USER[:PASSWORD]@HOST[:PORT]/DB [default: $LABSTOCK_DB, else the platform data directory]
    ///
    /// A `postgres://` or `postgresql://` URL selects PostgreSQL, which
    /// runs every command as SQLite does (README: PostgreSQL).
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "PATH"
    )]
    db: Option<PathBuf>,
    /// Who is recording [default: $LABSTOCK_USER, else the login name, else the account name of the user id]
    #[arg(long, global = true, help_heading = "Global options", value_name = "NAME", value_parser = user_arg)]
    user: Option<String>,
    /// Output format [default: table on a terminal, csv otherwise; svg for `label`; text for `digest`]
    ///
    /// csv, json and table are for listings and reports; svg and pdf for
    /// documents (`label`); text, html and json for `digest`.
    #[arg(long, global = true, help_heading = "Global options", value_enum)]
    format: Option<FormatArg>,
    /// Write the listing or report to FILE instead of standard output
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "FILE"
    )]
    output: Option<PathBuf>,
    /// Whether `--user` was typed on the command line (not only set by
    /// `LABSTOCK_USER`): `audit --user NAME` then means "what NAME did".
    #[arg(skip)]
    user_on_command_line: bool,
    /// The subcommand as typed, e.g. `report expiry` (for messages).
    #[arg(skip)]
    command_path: String,
    /// How long a write waits while another process is writing, then exits 75 [default: $LABSTOCK_BUSY_TIMEOUT, else 60s]
    ///
    /// Seconds (`5`, `2.5`) or with a unit (`500ms`, `30s`); `0` fails at once.
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "DURATION",
        value_parser = busy_timeout_arg
    )]
    busy_timeout: Option<Duration>,
    /// Tables: show every column whole, however wide (the terminal wraps)
    ///
    /// Without it a table is fitted to the terminal (or `COLUMNS`): long
    /// headers wrap, free text (names, reasons, notes) is shortened with
    /// `…`, and secondary columns may be left out (named under the table).
    /// CSV and JSON are never shortened.
    #[arg(long, global = true, help_heading = "Global options")]
    wide: bool,
    /// Only these columns, in this order, in any format (e.g. `--columns item,on_hand`)
    ///
    /// An unknown name is a usage error (exit 2) that lists the valid ones.
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "A,B,C",
        value_delimiter = ','
    )]
    columns: Vec<String>,
    /// Start CSV output with a UTF-8 byte order mark, so Excel shows `µL` and `—` right
    #[arg(long, global = true, help_heading = "Global options")]
    bom: bool,
    /// `labstock --verbose --version` as `--version --verbose` (SPEC §16):
    /// the long version, which names the hazard-code list, either way.
    #[arg(long, global = true, hide = true)]
    verbose: bool,
}

/// `--format`: a listing's or report's format, or a document's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    Csv,
    Json,
    Table,
    Svg,
    Pdf,
    /// Plain text (`digest`).
    Text,
    /// An HTML document (`digest`).
    Html,
}

impl FormatArg {
    /// The listing format, when it is one.
    fn listing(self) -> Option<OutputFormat> {
        match self {
            FormatArg::Csv => Some(OutputFormat::Csv),
            FormatArg::Json => Some(OutputFormat::Json),
            FormatArg::Table => Some(OutputFormat::Table),
            FormatArg::Svg | FormatArg::Pdf | FormatArg::Text | FormatArg::Html => None,
        }
    }
}

/// clap's parser for `--busy-timeout`: the library's rule, its message.
fn busy_timeout_arg(text: &str) -> std::result::Result<Duration, String> {
    parse_busy_timeout(text).map_err(|e| e.to_string())
}

/// clap's parser for `--user`: trimmed, never blank.
fn user_arg(text: &str) -> std::result::Result<String, String> {
    user::given_name(text)
}

impl GlobalArgs {
    /// Fill what the command line left out from the environment. An empty
    /// variable counts as unset; a value that the flag would refuse is a
    /// usage error (exit 2) naming the variable.
    fn fill_from_environment(&mut self) -> std::result::Result<(), clap::Error> {
        fn var(name: &str) -> std::result::Result<Option<String>, clap::Error> {
            match std::env::var(name) {
                Ok(v) if v.is_empty() => Ok(None),
                Ok(v) => Ok(Some(v)),
                Err(std::env::VarError::NotPresent) => Ok(None),
                Err(std::env::VarError::NotUnicode(_)) => {
                    Err(env_error(name, "is not valid Unicode"))
                }
            }
        }
        fn env_error(name: &str, why: &str) -> clap::Error {
            clap::Error::raw(
                clap::error::ErrorKind::InvalidValue,
                format!("invalid value of the environment variable {name}: {why}\n"),
            )
        }
        if self.db.is_none() {
            self.db = std::env::var_os("LABSTOCK_DB")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from);
        }
        if self.user.is_none()
            && let Some(text) = var("LABSTOCK_USER")?
        {
            self.user =
                Some(user::given_name(&text).map_err(|why| env_error("LABSTOCK_USER", &why))?);
        }
        if self.busy_timeout.is_none()
            && let Some(text) = var("LABSTOCK_BUSY_TIMEOUT")?
        {
            self.busy_timeout = Some(
                busy_timeout_arg(&text).map_err(|why| env_error("LABSTOCK_BUSY_TIMEOUT", &why))?,
            );
        }
        Ok(())
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create a new database (with location MAIN and the waste streams)
    Init(InitArgs),
    /// The lab's settings (time zone): set, get, list; each change is a dated record
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Locations: stores, fridges, freezers, benches
    #[command(subcommand)]
    Location(catalogue::LocationCommand),
    /// The item catalogue
    #[command(subcommand)]
    Item(catalogue::ItemCommand),
    /// Record a delivery received into stock
    Receive(movement::ReceiveArgs),
    /// Issue stock to the bench (first-expiry-first-out unless --lot)
    Issue(movement::IssueArgs),
    /// Move stock between locations
    Transfer(movement::TransferArgs),
    /// Correct a balance up or down, with a reason
    Adjust(movement::AdjustArgs),
    /// Record a stocktake count (the difference from the book is recorded)
    Count(movement::CountArgs),
    /// Dispose of stock (expired, damaged, recalled, contaminated, …)
    Dispose(movement::DisposeArgs),
    /// Open units of a lot: they keep an in-use period of their own (the rest stay sealed)
    Open(movement::OpenArgs),
    /// Reverse a movement exactly, with a reason (the original stays); --last: your own latest
    Reverse(movement::ReverseArgs),
    /// Lots: quarantine, release, recall, open, list
    #[command(subcommand)]
    Lot(lot::LotCommand),
    /// Make a batch of a prepared item (buffer, stain, dilution) from component lots
    Prepare(prepare::PrepareArgs),
    /// A label for a lot or batch, with a GS1 DataMatrix (SVG, or PDF pages of labels)
    Label(label::LabelArgs),
    /// Stocktakes: start, sheet, count, enter, review, apply, cancel, list
    #[command(subcommand)]
    Stocktake(stocktake::StocktakeCommand),
    /// Safety data sheets kept in the database: add, confirm, get, list
    #[command(subcommand)]
    Sds(sds::SdsCommand),
    /// Everything that needs someone today, for a person or a morning mail (exit 3 when something does)
    Digest(digest::DigestArgs),
    /// Storage temperatures: record, import a logger's file, list, decide an excursion
    #[command(subcommand)]
    Temp(temp::TempCommand),
    /// Current balances by item, lot and location
    Stock(stock::StockArgs),
    /// The bin card of an item or lot: every movement with running balance
    History(stock::HistoryArgs),
    /// Where every unit of a lot went (for recalls)
    Trace(stock::TraceArgs),
    /// Prove every balance against the ledger and every record against its hash, and run SQLite's integrity checks (exit 3 on any problem)
    Check(check::CheckArgs),
    /// Who did what and when: the audit trail, filterable by user, date and entity
    Audit(audit::AuditArgs),
    /// Import CSV (all or nothing)
    Import(io::ImportArgs),
    /// Export CSV that `import` reads back
    #[command(subcommand)]
    Export(io::ExportCommand),
    /// Build a demonstration database from the fixtures and print its reports
    Demo,
    /// Accounts for the server (`labstock serve`): add, list, role, password, disable, token
    #[command(subcommand)]
    User(account::UserCommand),
    /// Serve the lab to browsers and the JSON API (accounts and roles: see `user`)
    Serve(serve::ServeArgs),
    /// GS1 barcodes: decode what a scanner delivers
    #[command(subcommand)]
    Gs1(gs1::Gs1Command),
    /// The hazardous-waste register: records, streams, containers, consignments
    #[command(subcommand)]
    Waste(waste::WasteCommand),
    /// Equipment register: add, list, show, edit, status, check, service
    #[command(subcommand)]
    Equipment(equipment::EquipmentCommand),
    /// Record a calibration, or a documented extension of the due date
    Calibrate(equipment::CalibrateArgs),
    /// Purchase order lines: add, list, cancel, close
    #[command(subcommand)]
    Order(order::OrderCommand),
    /// Reports: reorder, expiry, usage, acceptance, calibration-due, waste, consignments, temperatures, excursions, sds, coshh
    #[command(subcommand)]
    Report(report::ReportCommand),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish)
    ///
    /// e.g. `labstock completions bash > ~/.local/share/bash-completion/completions/labstock`
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), generated from the same definitions as --help
    ///
    /// e.g. `labstock man > ~/.local/share/man/man1/labstock.1`
    Man,
    /// Copy the database to FILE while others keep working, and verify the copy
    Backup(backup::BackupArgs),
    /// Copy the whole database to an empty TARGET of either engine (SQLite file or postgres:// URL), verified
    Copy(copy::CopyArgs),
}

/// `labstock init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The lab's IANA time zone, e.g. Europe/London [default: the system's, else UTC]
    ///
    /// "Today", the date of a timestamp and the end of a day are judged in
    /// it. Change it later with `labstock config set timezone ZONE`.
    #[arg(long, value_name = "ZONE")]
    timezone: Option<String>,
}

/// `labstock config`.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Set a setting (recorded with who and when; the old value stays in `audit`)
    Set {
        /// The setting: timezone
        key: String,
        value: String,
    },
    /// Print the value in force
    Get { key: String },
    /// Every setting in force, with who set it and when
    List,
}

/// How a listing's table is fitted beyond the general rules
/// ([`crate::report::table`]): more free-text columns, and the columns
/// to leave out first when all else fails.
#[derive(Debug, Default)]
pub(crate) struct Fit<'a> {
    pub text: &'a [&'a str],
    pub last_resort: &'a [&'a str],
}

/// One block of a `show`: its title, its rows, and what an empty one
/// says ("no stock held").
pub(crate) struct Block {
    pub title: String,
    pub rendered: Rendered,
    pub empty: &'static str,
}

impl Block {
    pub(crate) fn new(title: impl Into<String>, rendered: Rendered, empty: &'static str) -> Block {
        Block {
            title: title.into(),
            rendered,
            empty,
        }
    }
}

/// What every command runs with.
pub(crate) struct Ctx {
    db: PathBuf,
    /// Whether the database path was named (`--db` or `LABSTOCK_DB`).
    pub db_given: bool,
    /// The subcommand as typed, e.g. `report expiry`.
    command_path: String,
    pub user: String,
    /// `--user` was given on the command line.
    pub user_on_command_line: bool,
    /// The wall clock (or `LABSTOCK_NOW`), in UTC.
    base_clock: Clock,
    /// The lab's zone, read from the database the first time it is needed.
    zone: std::cell::OnceCell<crate::clock::Zone>,
    /// The connection [`Ctx::clock`] opened to read the zone, kept for the
    /// command's own [`Ctx::open`]: opening twice parsed the schema twice,
    /// about a third of a `receive`'s instructions (BENCHMARKS.md).
    opened: std::cell::RefCell<Option<Store>>,
    format: Option<OutputFormat>,
    /// `--format svg|pdf` (a document: `label`).
    document: Option<FormatArg>,
    output: Option<PathBuf>,
    open_options: OpenOptions,
    /// `--wide`: tables unfitted.
    wide: bool,
    /// `--columns`, trimmed; empty: every column.
    columns: Vec<String>,
    /// `--bom`: CSV output starts with a UTF-8 byte order mark.
    bom: bool,
}

impl Ctx {
    fn new(global: GlobalArgs) -> Result<Ctx> {
        let db_given = global.db.is_some();
        let user_on_command_line = global.user_on_command_line;
        let db = global.db.unwrap_or_else(default_db_path);
        let user = global.user.unwrap_or_else(user::login_name);
        Ok(Ctx {
            db,
            db_given,
            command_path: global.command_path,
            user,
            user_on_command_line,
            base_clock: Clock::from_env()?,
            zone: std::cell::OnceCell::new(),
            opened: std::cell::RefCell::new(None),
            format: global.format.and_then(FormatArg::listing),
            document: global.format.filter(|f| f.listing().is_none()),
            output: global.output,
            wide: global.wide,
            columns: global
                .columns
                .iter()
                .map(|c| c.trim().to_owned())
                .filter(|c| !c.is_empty())
                .collect(),
            bom: global.bom,
            open_options: OpenOptions {
                busy_timeout: global
                    .busy_timeout
                    .unwrap_or(crate::store::DEFAULT_BUSY_TIMEOUT),
            },
        })
    }

    pub(crate) fn open(&self) -> Result<Store> {
        if let Some(store) = self.opened.borrow_mut().take() {
            return Ok(store);
        }
        let store = Store::open_any(&self.db, self.open_options)?;
        if self.zone.get().is_none() {
            let _ = self.zone.set(store.lab_zone_at_open()?);
        }
        Ok(store)
    }

    /// The clock, with dates judged in the lab's time zone (read from the
    /// database on first use; UTC when there is no database yet).
    pub(crate) fn clock(&self) -> Clock {
        let zone = *self.zone.get_or_init(|| {
            if self.db.exists()
                || matches!(
                    crate::app::engine::database(&self.db),
                    Ok(crate::app::engine::Db::Postgres(_))
                )
            {
                let Ok(store) = Store::open_any(&self.db, self.open_options) else {
                    return crate::clock::Zone::UTC;
                };
                match store.lab_zone_at_open() {
                    Ok(zone) => {
                        *self.opened.borrow_mut() = Some(store);
                        zone
                    }
                    Err(_) => crate::clock::Zone::UTC,
                }
            } else {
                crate::clock::Zone::UTC
            }
        });
        self.base_clock.in_zone(zone)
    }

    /// Who acts, and when, for an `app::` write: the user and the clock
    /// (call after [`Ctx::open`], so the lab's zone is known).
    pub(crate) fn actor(&self) -> crate::app::Actor<'_> {
        let clock = self.clock();
        crate::app::Actor::new(&self.user, &clock)
    }

    pub(crate) fn db_path(&self) -> &Path {
        &self.db
    }

    pub(crate) fn now_stamp(&self) -> String {
        stamp(self.base_clock.now())
    }

    /// The date reports are judged against: `--as-of`, else today.
    pub(crate) fn as_of(&self, given: Option<&str>) -> Result<NaiveDate> {
        match given {
            Some(text) => crate::clock::parse_as_of("--as-of date", text),
            None => Ok(self.clock().today()),
        }
    }

    /// The document format named by `--format svg|pdf`, if any.
    pub(crate) fn document_format(&self) -> Option<FormatArg> {
        self.document
    }

    /// The format named by `--format`, if any.
    pub(crate) fn explicit_format(&self) -> Option<OutputFormat> {
        self.format
    }

    fn format(&self) -> OutputFormat {
        self.format.unwrap_or_else(|| {
            if self.output.is_none() && std::io::stdout().is_terminal() {
                OutputFormat::Table
            } else {
                OutputFormat::Csv
            }
        })
    }

    /// Write rows as the chosen format to stdout or `--output`.
    pub(crate) fn emit<T: Serialize>(&self, headers: &[&str], rows: &[T]) -> Result<()> {
        self.emit_in(self.format(), headers, rows, &Fit::default())
    }

    /// [`Ctx::emit`], with hints for a table fitted to the terminal.
    pub(crate) fn emit_fitted<T: Serialize>(
        &self,
        headers: &[&str],
        rows: &[T],
        fit: &Fit<'_>,
    ) -> Result<()> {
        self.emit_in(self.format(), headers, rows, fit)
    }

    /// Write rows for a person to read: a table unless `--format` says otherwise.
    pub(crate) fn emit_for_people<T: Serialize>(&self, headers: &[&str], rows: &[T]) -> Result<()> {
        self.emit_in(
            self.format.unwrap_or(OutputFormat::Table),
            headers,
            rows,
            &Fit::default(),
        )
    }

    fn emit_in<T: Serialize>(
        &self,
        format: OutputFormat,
        headers: &[&str],
        rows: &[T],
        fit: &Fit<'_>,
    ) -> Result<()> {
        let headers = self.columns(headers)?;
        if format == OutputFormat::Csv {
            return self.write_csv_output(|out| write_csv(&headers, rows, out));
        }
        let mut rendered = render(&headers, rows)?;
        rendered.text = fit.text.iter().map(|t| (*t).to_owned()).collect();
        rendered.last_resort = fit.last_resort.iter().map(|t| (*t).to_owned()).collect();
        self.write_rendered(&rendered, format)
    }

    /// `--columns` was given.
    pub(crate) fn columns_given(&self) -> bool {
        !self.columns.is_empty()
    }

    /// The columns `--columns` picked out of `headers` (all when not
    /// given); an unknown one is a usage error listing the valid ones.
    pub(crate) fn columns<'a>(&self, headers: &[&'a str]) -> Result<Vec<&'a str>> {
        select_columns(headers, &self.columns)
    }

    /// Write already rendered rows (after any `--columns` selection) in
    /// `format`: a table fitted to the terminal, CSV with `--bom`'s mark.
    pub(crate) fn write_rendered(&self, rendered: &Rendered, format: OutputFormat) -> Result<()> {
        let table = self.table_options();
        if format == OutputFormat::Csv {
            self.write_csv_output(|out| render_to_with(rendered, format, &table, out))
        } else {
            self.write_output(|out| render_to_with(rendered, format, &table, out))
        }
    }

    /// The blocks of a `show` (item, equipment) as tables or CSV, each
    /// under its own `== title ==` line, an empty one saying what is
    /// empty: piped into a file or a mail, every block says what it is.
    pub(crate) fn write_blocks(&self, blocks: &[Block], format: OutputFormat) -> Result<()> {
        let table = self.table_options();
        let write = |out: &mut dyn Write| -> Result<()> {
            let io = |source| Error::Io {
                path: "<output>".into(),
                source,
            };
            for (i, block) in blocks.iter().enumerate() {
                if i > 0 {
                    writeln!(out).map_err(io)?;
                }
                writeln!(out, "== {} ==", block.title).map_err(io)?;
                if block.rendered.objects.is_empty() {
                    writeln!(out, "({})", block.empty).map_err(io)?;
                } else {
                    render_to_with(&block.rendered, format, &table, out)?;
                }
            }
            Ok(())
        };
        if format == OutputFormat::Csv {
            self.write_csv_output(write)
        } else {
            self.write_output(write)
        }
    }

    /// [`Ctx::write_output`] for CSV: first the UTF-8 byte order mark
    /// when `--bom` asks for it.
    pub(crate) fn write_csv_output(
        &self,
        write: impl FnOnce(&mut dyn Write) -> Result<()>,
    ) -> Result<()> {
        let bom = self.bom;
        self.write_output(|out| {
            if bom {
                out.write_all("\u{feff}".as_bytes())
                    .map_err(|source| Error::Io {
                        path: "<output>".into(),
                        source,
                    })?;
            }
            write(out)
        })
    }

    /// How tables are fitted and coloured: to the terminal's width (or
    /// `COLUMNS`) unless `--wide`; colour only on a terminal without
    /// `NO_COLOR`.
    pub(crate) fn table_options(&self) -> TableOptions {
        let to_terminal = self.output.is_none() && std::io::stdout().is_terminal();
        TableOptions {
            width: if self.wide {
                None
            } else {
                terminal_width(to_terminal)
            },
            colour: colour_wanted(to_terminal, std::env::var_os("NO_COLOR").as_deref()),
            chosen: !self.columns.is_empty(),
        }
    }

    /// Run `write` against stdout, or against `--output` written atomically
    /// (a scheduled job never leaves half a file behind).
    pub(crate) fn write_output(
        &self,
        write: impl FnOnce(&mut dyn Write) -> Result<()>,
    ) -> Result<()> {
        match &self.output {
            None => {
                // A reader that stops early (`| head`) comes back as a
                // broken-pipe `Error::Io`: the command stops writing there
                // and `main` exits quietly (`Error::is_broken_pipe`).
                let stdout = std::io::stdout();
                let mut lock = stdout.lock();
                write(&mut lock)?;
                lock.flush().map_err(|source| Error::Io {
                    path: "<stdout>".into(),
                    source,
                })
            }
            Some(path) => {
                let tmp = path.with_extension("partial");
                let io = |source| Error::Io {
                    path: path.clone(),
                    source,
                };
                let mut file = std::io::BufWriter::new(std::fs::File::create(&tmp).map_err(io)?);
                write(&mut file)?;
                file.flush().map_err(io)?;
                drop(file);
                std::fs::rename(&tmp, path).map_err(io)?;
                Ok(())
            }
        }
    }

    /// One line of a command's result on stdout. A reader that stopped
    /// early comes back as a broken-pipe `Error::Io`, like every write.
    pub(crate) fn print_line(&self, line: &str) -> Result<()> {
        writeln!(std::io::stdout().lock(), "{line}").map_err(|source| Error::Io {
            path: "<stdout>".into(),
            source,
        })
    }

    /// A status line for the person at the terminal (stderr, so stdout
    /// stays clean for pipes). A closed stderr is not worth a panic: what
    /// was recorded is in the database, and the exit code says how it went.
    pub(crate) fn say(&self, line: &str) {
        let _ = writeln!(std::io::stderr().lock(), "{line}");
    }
}

/// `labstock config`.
fn config(ctx: &Ctx, command: ConfigCommand) -> Result<i32> {
    match command {
        ConfigCommand::Set { key, value } => {
            let mut store = ctx.open()?;
            let outcome = crate::app::settings::set(&mut store, key.trim(), &value, ctx.actor())?;
            if let crate::app::settings::SetOutcome::Set { stored } = outcome {
                ctx.say(&format!("{} set to {stored}", key.trim()));
            } else {
                ctx.say(&format!(
                    "{} is already {}; nothing recorded",
                    key.trim(),
                    value.trim()
                ));
            }
            Ok(0)
        }
        ConfigCommand::Get { key } => {
            let store = ctx.open()?;
            let value = crate::app::settings::get(&store, key.trim())?;
            ctx.write_output(|out| {
                writeln!(out, "{value}").map_err(|source| Error::Io {
                    path: "<stdout>".into(),
                    source,
                })
            })?;
            Ok(0)
        }
        ConfigCommand::List => {
            let store = ctx.open()?;
            let rows = crate::app::settings::list(&store)?;
            ctx.emit(&["key", "value", "set_at", "set_by"], &rows)?;
            Ok(0)
        }
    }
}

/// The width tables are fitted to: `COLUMNS` when set to a number, else
/// the terminal's when writing to one, else none (a pipe or a file gets
/// every column whole).
fn terminal_width(to_terminal: bool) -> Option<usize> {
    if let Some(columns) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|c| *c > 0)
    {
        return Some(columns);
    }
    if !to_terminal {
        return None;
    }
    terminal_size::terminal_size_of(std::io::stdout()).map(|(w, _)| usize::from(w.0))
}

/// Colour only for a person at a terminal, and never when `NO_COLOR` is
/// set to anything but the empty string (no-color.org).
fn colour_wanted(to_terminal: bool, no_color: Option<&std::ffi::OsStr>) -> bool {
    to_terminal && no_color.is_none_or(std::ffi::OsStr::is_empty)
}

fn default_db_path() -> PathBuf {
    directories::ProjectDirs::from("org", "labstock", "labstock").map_or_else(
        || PathBuf::from("labstock.db"),
        |d| d.data_dir().join("labstock.db"),
    )
}

/// Parse arguments and run one command. Returns the exit code of a
/// successful run (0, or 3 when a check found something it reports itself).
impl Cli {
    /// Parse the command line, noting where `--user` came from.
    ///
    /// # Errors
    /// A usage error, for clap to print and exit with.
    pub fn parse_args() -> std::result::Result<Cli, clap::Error> {
        use clap::{CommandFactory, FromArgMatches};
        // The command tree (every subcommand, option and help text) lives
        // until the process ends, so it is not freed: taking it apart cost
        // a tenth of a `receive` or `issue` (BENCHMARKS.md, "What a
        // movement command spends"). Built once per process, never grown.
        let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
        // A movement command is parsed against the global flags and its own
        // subcommand alone (`quick`); everything else, and every line that
        // does not parse there, against the whole tree.
        let mut cli = if let Some(cli) = quick::parse(&args) {
            cli
        } else {
            let command: &'static mut clap::Command = Box::leak(Box::new(Cli::command()));
            let matches = command.try_get_matches_from_mut(&args)?;
            let mut cli = Cli::from_arg_matches(&matches)?;
            let mut path = Vec::new();
            let mut level = &matches;
            while let Some((name, sub)) = level.subcommand() {
                path.push(name);
                level = sub;
            }
            cli.global.command_path = path.join(" ");
            // The matches, likewise (a few thousand instructions more).
            std::mem::forget(matches);
            cli
        };
        // A document format for a listing, or a listing format for a
        // document, is a usage error (exit 2).
        let document = matches!(cli.command, Command::Label(_));
        let chart = matches!(
            cli.command,
            Command::Report(report::ReportCommand::Temperatures(_))
        );
        let digest = matches!(cli.command, Command::Digest(_));
        match cli.global.format {
            Some(FormatArg::Text | FormatArg::Html | FormatArg::Json) if digest => {}
            Some(_) if digest => {
                return Err(Cli::command().error(
                    clap::error::ErrorKind::InvalidValue,
                    "the digest is written as --format text (the default), html or json",
                ));
            }
            Some(f @ (FormatArg::Text | FormatArg::Html)) => {
                return Err(Cli::command().error(
                    clap::error::ErrorKind::InvalidValue,
                    format!(
                        "--format {} is for `labstock digest`; listings and reports take csv, json or table",
                        if f == FormatArg::Text { "text" } else { "html" }
                    ),
                ));
            }
            Some(FormatArg::Svg) if chart => {}
            Some(f @ (FormatArg::Svg | FormatArg::Pdf)) if !document => {
                return Err(Cli::command().error(
                    clap::error::ErrorKind::InvalidValue,
                    format!(
                        "--format {} draws a document: `labstock label` (svg or pdf) and \
                         `report temperatures --location LOC` (svg); listings and reports take csv, json or table",
                        if f == FormatArg::Svg { "svg" } else { "pdf" }
                    ),
                ));
            }
            Some(f) if document && f.listing().is_some() => {
                return Err(Cli::command().error(
                    clap::error::ErrorKind::InvalidValue,
                    "a label is drawn as --format svg (the default) or --format pdf",
                ));
            }
            _ => {}
        }
        cli.global.user_on_command_line = cli.global.user.is_some();
        cli.global.fill_from_environment()?;
        Ok(cli)
    }
}

pub fn run(cli: Cli) -> Result<i32> {
    let ctx = Ctx::new(cli.global)?;
    let (db, waited) = (ctx.db.clone(), ctx.open_options.busy_timeout);
    // A busy, read-only or damaged database met beneath the `Store`
    // boundary is named here, with the busy timeout it waited.
    dispatch(ctx, cli.command).map_err(|e| e.in_database(&db, waited))
}

fn dispatch(ctx: Ctx, command: Command) -> Result<i32> {
    if let crate::app::engine::Db::Postgres(url) = crate::app::engine::database(ctx.db_path())? {
        let command_path = ctx.command_path.clone();
        return on_postgres(ctx, command, &url).map_err(|e| match e {
            // A part of a command not yet ported (issue 15) names the
            // command it was reached from.
            Error::NotOnPostgres { command, database } if command.is_empty() => {
                Error::NotOnPostgres {
                    command: command_path,
                    database,
                }
            }
            other => other,
        });
    }
    run_command(ctx, command)
}

fn run_command(ctx: Ctx, command: Command) -> Result<i32> {
    match command {
        Command::Init(a) => {
            let zone = match a.timezone.as_deref() {
                Some(text) => parse_zone(text)?,
                None => system_zone(),
            };
            let store = Store::init_with(
                ctx.db_path(),
                &ctx.now_stamp(),
                &ctx.user,
                ctx.open_options,
                zone,
            )?;
            ctx.say(&format!(
                "created labstock database at {} (location MAIN, waste streams seeded; time zone {})",
                store.path().display(),
                zone.name()
            ));
            Ok(0)
        }
        Command::Config(c) => config(&ctx, c),
        Command::Location(c) => catalogue::run_location(&ctx, c),
        Command::Item(c) => catalogue::run_item(&ctx, c),
        Command::Receive(a) => movement::receive(&ctx, a),
        Command::Issue(a) => movement::issue(&ctx, a),
        Command::Open(a) => movement::open(&ctx, a),
        Command::Transfer(a) => movement::transfer(&ctx, a),
        Command::Adjust(a) => movement::adjust(&ctx, a),
        Command::Count(a) => movement::count(&ctx, a),
        Command::Dispose(a) => movement::dispose(&ctx, a),
        Command::Reverse(a) => movement::reverse(&ctx, a),
        Command::Lot(c) => lot::run(&ctx, c),
        Command::Prepare(a) => prepare::run(&ctx, a),
        Command::Label(a) => label::run(&ctx, a),
        Command::Stock(a) => stock::stock(&ctx, a),
        Command::Stocktake(c) => stocktake::run(&ctx, c),
        Command::Temp(c) => temp::run(&ctx, c),
        Command::Sds(c) => sds::run(&ctx, c),
        Command::Digest(a) => digest::run(&ctx, a),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            let mut command = Cli::command();
            ctx.write_output(|out| {
                clap_complete::generate(shell, &mut command, "labstock", out);
                Ok(())
            })?;
            Ok(0)
        }
        Command::Man => {
            use clap::CommandFactory;
            let man = clap_mangen::Man::new(Cli::command());
            ctx.write_output(|out| {
                man.render(out).map_err(|source| Error::Io {
                    path: "<stdout>".into(),
                    source,
                })
            })?;
            Ok(0)
        }
        Command::History(a) => stock::history(&ctx, a),
        Command::Trace(a) => stock::trace(&ctx, a),
        Command::Check(a) => check::run(&ctx, &a),
        Command::Audit(a) => audit::run(&ctx, &a),
        Command::Import(a) => io::import(&ctx, a),
        Command::Export(c) => io::export(&ctx, c),
        Command::Demo => demo::run(&ctx),
        Command::User(c) => account::run(&ctx, c),
        Command::Serve(a) => serve::run(&ctx, a),
        Command::Gs1(c) => gs1::run(&ctx, c),
        Command::Waste(c) => waste::run(&ctx, c),
        Command::Equipment(c) => equipment::run(&ctx, c),
        Command::Calibrate(a) => equipment::calibrate(&ctx, a),
        Command::Order(c) => order::run(&ctx, c),
        Command::Report(c) => report::run(&ctx, c),
        Command::Backup(a) => backup::run(&ctx, a),
        Command::Copy(a) => copy::run(&ctx, &a),
    }
}

/// A command on a PostgreSQL database (issue 15, SPEC §12): `init`
/// creates the schema, `copy` reads it, the commands that need no database
/// run as ever, and every other command runs through the storage seam as
/// on SQLite.
fn on_postgres(ctx: Ctx, command: Command, url: &crate::app::engine::PostgresUrl) -> Result<i32> {
    match command {
        Command::Init(a) => {
            let zone = match a.timezone.as_deref() {
                Some(text) => parse_zone(text)?,
                None => system_zone(),
            };
            crate::app::engine::init_postgres(url, &ctx.now_stamp(), &ctx.user, zone)?;
            ctx.say(&format!(
                "created labstock database at {url} (location MAIN, waste streams seeded; time zone {})",
                zone.name()
            ));
            Ok(0)
        }
        Command::Copy(a) => copy::run(&ctx, &a),
        command @ (Command::Completions { .. } | Command::Man | Command::Gs1(_)) => {
            run_command(ctx_without_db(ctx), command)
        }
        // Every other command runs on either engine through the storage
        // seam (src/store/).
        command => run_command(ctx, command),
    }
}

/// A context for the commands that open no database.
fn ctx_without_db(mut ctx: Ctx) -> Ctx {
    ctx.db = PathBuf::new();
    ctx
}

#[cfg(test)]
mod tests {
    use std::ffi::OsStr;

    use super::colour_wanted;

    #[test]
    fn colour_only_on_a_terminal_and_never_with_no_color() {
        assert!(colour_wanted(true, None));
        assert!(!colour_wanted(false, None));
        assert!(!colour_wanted(true, Some(OsStr::new("1"))));
        // no-color.org: an empty NO_COLOR does not count.
        assert!(colour_wanted(true, Some(OsStr::new(""))));
    }
}
