//! `temp record|import|list|decide`, `report temperatures|excursions`
//! (SPEC §15): storage temperatures.

use clap::{Args, Subcommand};

use super::Ctx;
use crate::app::{self, temperature::ReadingRequest};
use crate::error::{Error, Result};
use crate::import::{self, ImportContext};
use crate::model::{Timestamp, parse_count, parse_lab_timestamp};
use crate::temperature::{Monitoring, parse_celsius, parse_day, parse_range};

#[derive(Debug, Subcommand)]
pub(crate) enum TempCommand {
    /// Record a reading at a monitored location (°C, at most two decimals)
    ///
    /// --min/--max are a min/max thermometer's lowest and highest since the
    /// previous reading; recording them means it was reset. A reading
    /// outside the location's range starts (or continues) an excursion.
    Record(RecordArgs),
    /// Import a data logger's CSV: timestamp,temperature, or an EasyLog USB export (all or nothing)
    ///
    /// Timestamps with an offset are taken as given; without one they are
    /// the lab's local time (a time a clock change makes ambiguous is
    /// refused). Rows identical to readings on record are skipped, so
    /// overlapping downloads can be imported as they come.
    Import {
        /// The monitored location the logger sits in
        location: String,
        /// The logger's CSV file (- for standard input)
        file: String,
        /// Import a file identical to one imported before
        #[arg(long)]
        again: bool,
    },
    /// Readings: location,at,value,min,max,range,out_of_range,recorded_by,note
    List {
        #[arg(long)]
        location: Option<String>,
        /// From the start of DATE (lab time)
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// To the end of DATE (lab time)
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
    },
    /// Decide an excursion: release the stock as fit, or quarantine it
    ///
    /// --quarantine quarantines every available lot that was at the
    /// location during the excursion (recorded like `lot quarantine`) and
    /// may be decided while it still runs; --release only once it ended.
    Decide(DecideArgs),
}

#[derive(Debug, Args)]
pub(crate) struct RecordArgs {
    /// Location code (a monitored one: `location edit LOC --range MIN..MAX`)
    location: String,
    /// Temperature in °C, e.g. 4.5 or -18
    #[arg(allow_negative_numbers = true)]
    value: String,
    /// Min/max thermometer: lowest since the previous reading
    #[arg(long, allow_negative_numbers = true)]
    min: Option<String>,
    /// Min/max thermometer: highest since the previous reading
    #[arg(long, allow_negative_numbers = true)]
    max: Option<String>,
    /// When it was read (RFC 3339, or a date) [default: now]
    #[arg(long, value_name = "TIMESTAMP")]
    at: Option<String>,
    #[arg(long)]
    note: Option<String>,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("decision").required(true).args(["release", "quarantine"])))]
pub(crate) struct DecideArgs {
    /// The excursion's id (from `report excursions`)
    id: String,
    /// The stock is fit for use
    #[arg(long)]
    release: bool,
    /// Quarantine every available lot held during the excursion
    #[arg(long)]
    quarantine: bool,
    /// Why (stored with the decision)
    #[arg(long, required = true)]
    reason: String,
}

#[derive(Debug, Args)]
pub(crate) struct TemperaturesArgs {
    #[arg(long)]
    location: Option<String>,
    /// First day [default: 7 days before --to]
    #[arg(long, value_name = "DATE")]
    from: Option<String>,
    /// Last day [default: yesterday, so a morning run does not flag today]
    #[arg(long, value_name = "DATE")]
    to: Option<String>,
    /// Exit 3 when any day has no reading or any excursion awaits a decision
    #[arg(long)]
    fail_on_missing: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ExcursionsArgs {
    #[arg(long)]
    location: Option<String>,
    /// Only excursions awaiting a decision
    #[arg(long)]
    open: bool,
}

/// `--range MIN..MAX` and `--tolerance MINUTES` of `location add|edit`.
pub(super) fn monitoring(range: Option<&str>, tolerance: Option<&str>) -> Result<Monitoring> {
    Ok(Monitoring {
        range: range.map(parse_range).transpose()?,
        tolerance: tolerance
            .map(|t| parse_count("--tolerance", t))
            .transpose()?,
    })
}

pub(super) fn run(ctx: &Ctx, c: TempCommand) -> Result<i32> {
    match c {
        TempCommand::Record(a) => record(ctx, a),
        TempCommand::Import {
            location,
            file,
            again,
        } => {
            let source = import::open_source(&file)?;
            let mut store = ctx.open()?;
            let clock = ctx.clock();
            let ictx = ImportContext {
                zone: clock.zone(),
                now: clock.now(),
                user: &ctx.user,
                allow_expired: false,
                again,
            };
            let s = app::temperature::import(&mut store, &location, source, ictx)?;
            let skipped = if s.skipped > 0 {
                format!(", {} already recorded", s.skipped)
            } else {
                String::new()
            };
            ctx.say(&format!(
                "imported {} readings at {} from {file} ({} rows{skipped})",
                s.written,
                location.trim(),
                s.rows
            ));
            Ok(0)
        }
        TempCommand::List { location, from, to } => {
            let store = ctx.open()?;
            let from = from.map(|d| parse_day("--from", &d)).transpose()?;
            let to = to.map(|d| parse_day("--to", &d)).transpose()?;
            let rows = app::temperature::list(&store, location.as_deref(), from, to)?;
            ctx.emit(
                &[
                    "location",
                    "at",
                    "value",
                    "min",
                    "max",
                    "range",
                    "out_of_range",
                    "recorded_by",
                    "note",
                ],
                &rows,
            )?;
            Ok(0)
        }
        TempCommand::Decide(a) => {
            let id = a
                .id
                .trim()
                .trim_start_matches('#')
                .parse::<i64>()
                .map_err(|_| Error::invalid("excursion id", &a.id, "an excursion id such as 42"))?;
            let mut store = ctx.open()?;
            let d = app::temperature::decide(&mut store, id, a.quarantine, &a.reason, ctx.actor())?;
            if d.quarantined.is_empty() {
                ctx.say(&format!("excursion {} {}", d.id, d.decision));
            } else {
                ctx.say(&format!(
                    "excursion {} quarantined: lots {} are now quarantined (`lot release` when judged fit)",
                    d.id,
                    d.quarantined.join(", ")
                ));
            }
            Ok(0)
        }
    }
}

fn record(ctx: &Ctx, a: RecordArgs) -> Result<i32> {
    let mut store = ctx.open()?;
    let clock = ctx.clock();
    let at = match a.at.as_deref() {
        Some(t) => Timestamp::new("--at", parse_lab_timestamp(t, clock.zone(), clock.now())?)?,
        None => clock.timestamp(),
    };
    let req = ReadingRequest {
        location: a.location,
        at,
        value: parse_celsius("temperature", &a.value)?,
        min: a.min.map(|m| parse_celsius("--min", &m)).transpose()?,
        max: a.max.map(|m| parse_celsius("--max", &m)).transpose()?,
        note: a.note,
    };
    let r = app::temperature::record(&mut store, &req, ctx.actor())?;
    if r.already_recorded {
        ctx.say(&format!(
            "{} already has this reading at {}: nothing recorded",
            r.location, r.at
        ));
    } else if let Some(e) = r.excursion {
        ctx.say(&format!(
            "recorded {} °C at {} ({}): OUT OF RANGE, excursion {e} (`labstock report excursions --open`)",
            r.value, r.location, r.at
        ));
    } else {
        ctx.say(&format!(
            "recorded {} °C at {} ({})",
            r.value, r.location, r.at
        ));
    }
    Ok(0)
}

pub(super) fn temperatures(ctx: &Ctx, a: TemperaturesArgs) -> Result<i32> {
    let store = ctx.open()?;
    let today = ctx.clock().today();
    let to = match a.to.as_deref() {
        Some(d) => parse_day("--to", d)?,
        None => today.pred_opt().unwrap_or(today),
    };
    let from = match a.from.as_deref() {
        Some(d) => parse_day("--from", d)?,
        None => to.checked_sub_days(chrono::Days::new(6)).unwrap_or(to),
    };
    if from > to {
        return Err(Error::invalid(
            "--from",
            from.to_string(),
            format!("a day on or before --to ({to})"),
        ));
    }
    if ctx.document_format() == Some(super::FormatArg::Svg) {
        let Some(location) = a.location.as_deref() else {
            return Err(Error::Usage(
                "--format svg draws one location's chart: give --location LOC".into(),
            ));
        };
        let svg = app::temperature::chart(&store, location, from, to)?;
        ctx.write_output(|out| {
            out.write_all(svg.as_bytes()).map_err(|source| Error::Io {
                path: "<output>".into(),
                source,
            })
        })?;
        return Ok(0);
    }
    let (rows, failing) = app::temperature::days(&store, a.location.as_deref(), from, to)?;
    ctx.emit(crate::temperature::DAY_HEADERS, &rows)?;
    if failing && a.fail_on_missing {
        ctx.say("a day has no reading or an excursion awaits a decision (`labstock report excursions --open`)");
        return Ok(3);
    }
    Ok(0)
}

pub(super) fn excursions(ctx: &Ctx, a: ExcursionsArgs) -> Result<i32> {
    let store = ctx.open()?;
    let rows = app::temperature::excursions(&store, a.location.as_deref(), a.open)?;
    ctx.emit(crate::temperature::EXCURSION_HEADERS, &rows)?;
    Ok(0)
}
