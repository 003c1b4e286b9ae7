//! `waste record|correct|list|streams|stream|container|consign`, and the
//! `report waste` / `report consignments` runners the `report` group calls.

use clap::{Args, Subcommand, ValueEnum};

use super::Ctx;
use crate::app;
use crate::error::{Error, Result};
use crate::model::parse_date;
use crate::waste::{
    CONSIGNMENT_COLUMNS, CONTAINER_COLUMNS, Change, ConsignRequest, ContainerStateFilter,
    Correction, LIST_COLUMNS, NewRecord, NewStream, OpenContainer, Quantity, REPORT_COLUMNS,
    Recorded, StreamEdit, TOTAL_COLUMNS, WasteFilter, WasteUnit, parse_hp_codes,
    parse_physical_form,
};

#[derive(Debug, Subcommand)]
pub(crate) enum WasteCommand {
    /// Record a waste disposal in the register
    Record(RecordArgs),
    /// Correct a record with a new one that names it (the original stays)
    Correct(CorrectArgs),
    /// Every record in the register, corrected ones included, with where it came from
    List(ListArgs),
    /// The waste streams (List of Waste codes; * marks hazardous waste)
    Streams,
    /// Add or edit a waste stream
    #[command(subcommand)]
    Stream(StreamCommand),
    /// Waste containers: open, seal, list
    #[command(subcommand)]
    Container(ContainerCommand),
    /// Record a collection: sealed containers and records under one consignment note
    Consign(ConsignArgs),
}

/// Record a disposal.
#[derive(Debug, Args)]
pub(crate) struct RecordArgs {
    /// List of Waste code, with or without spaces ("18 01 03*", 180103*)
    #[arg(long)]
    stream: String,
    /// Quantity, decimal (12.5)
    #[arg(long, allow_hyphen_values = true)]
    quantity: String,
    /// kg, L, items or containers
    #[arg(long)]
    unit: String,
    /// Date of the disposal [default: today]
    #[arg(long, value_name = "DATE")]
    date: Option<String>,
    /// Container id (a registered open container of the same stream, or any label)
    #[arg(long)]
    container: Option<String>,
    /// Consignment note code (hazardous) or waste transfer note reference
    #[arg(long, value_name = "CODE")]
    consignment_note: Option<String>,
    /// Carrier who took the waste
    #[arg(long)]
    carrier: Option<String>,
    /// Physical form: solid, liquid, sludge, powder, gas, mixed
    #[arg(long, visible_alias = "physical-form", value_name = "FORM")]
    form: Option<String>,
    /// Hazard property codes, e.g. "HP6 HP9" (hazardous streams only)
    #[arg(long, visible_alias = "hp-codes", value_name = "CODES")]
    hp: Option<String>,
    /// Free-text notes
    #[arg(long)]
    notes: Option<String>,
}

/// Correct or withdraw a record; unnamed values are kept from it.
#[derive(Debug, Args)]
pub(crate) struct CorrectArgs {
    /// Id of the record to correct (see `waste list`)
    id: String,
    /// Why the record was wrong
    #[arg(long)]
    reason: String,
    /// Withdraw the record: the waste was not produced
    #[arg(long)]
    withdraw: bool,
    #[arg(long)]
    stream: Option<String>,
    #[arg(long, allow_hyphen_values = true)]
    quantity: Option<String>,
    #[arg(long)]
    unit: Option<String>,
    #[arg(long, value_name = "DATE")]
    date: Option<String>,
    /// Container id (an empty value clears it)
    #[arg(long)]
    container: Option<String>,
    #[arg(long, value_name = "CODE")]
    consignment_note: Option<String>,
    #[arg(long)]
    carrier: Option<String>,
    #[arg(long, visible_alias = "physical-form", value_name = "FORM")]
    form: Option<String>,
    #[arg(long, visible_alias = "hp-codes", value_name = "CODES")]
    hp: Option<String>,
    #[arg(long)]
    notes: Option<String>,
}

/// Which records to list.
#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    /// First date (inclusive)
    #[arg(long, value_name = "DATE")]
    from: Option<String>,
    /// Last date (inclusive)
    #[arg(long, value_name = "DATE")]
    to: Option<String>,
    /// Only this stream
    #[arg(long)]
    stream: Option<String>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum StreamCommand {
    /// Add a List of Waste stream (a hazardous code ends with *)
    Add {
        /// List of Waste code, e.g. "18 01 10*"
        code: String,
        /// Official List of Waste description
        #[arg(long)]
        name: String,
        /// Say the stream is hazardous (its code must then end with *)
        #[arg(long)]
        hazardous: bool,
        /// HTM 07-01 container colour: yellow, orange, purple, tiger, red, blue, black
        #[arg(long, value_name = "COLOUR")]
        container: Option<String>,
        /// Treatment route: incineration, alternative treatment, landfill/energy from waste
        #[arg(long)]
        route: Option<String>,
    },
    /// Edit a stream's description, container colour or route (empty clears)
    Edit {
        /// List of Waste code
        code: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long, value_name = "COLOUR")]
        container: Option<String>,
        #[arg(long)]
        route: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum ContainerCommand {
    /// Open a container at a location (a sharps bin, a yellow bag, a drum)
    Open {
        /// Container id as labelled, e.g. SB-2614
        id: String,
        /// Waste stream it takes
        #[arg(long)]
        stream: String,
        /// Container type, e.g. "sharps bin 5 L, orange lid"
        #[arg(long = "type", value_name = "TYPE")]
        container_type: Option<String>,
        /// Location [default: MAIN]
        #[arg(long)]
        location: Option<String>,
        /// Date opened [default: today]
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
    },
    /// Seal a container (with no records yet, sealing records its weight, else one container)
    Seal {
        /// Container id
        id: String,
        /// Sealed weight in kg
        #[arg(long, value_name = "KG", allow_hyphen_values = true)]
        weight: Option<String>,
        /// Date sealed [default: today]
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
    },
    /// List containers
    List {
        /// Only containers in this state
        #[arg(long, value_enum)]
        state: Option<StateArg>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum StateArg {
    Open,
    Sealed,
    Consigned,
}

/// Record a collection under one consignment note.
#[derive(Debug, Args)]
pub(crate) struct ConsignArgs {
    /// Consignment note code (England/Wales NEWCAS/1234L, Scotland SA1234567, NI DA1234567)
    #[arg(long, visible_alias = "note", value_name = "CODE")]
    consignment_note: String,
    /// Carrier's name
    #[arg(long)]
    carrier: String,
    /// Carrier's registration number (e.g. CBDU123456)
    #[arg(long, value_name = "NUMBER")]
    carrier_registration: Option<String>,
    /// Collection date [default: today]
    #[arg(long, value_name = "DATE")]
    date: Option<String>,
    /// Where the waste goes (treatment or disposal site)
    #[arg(long)]
    destination: Option<String>,
    /// A sealed container collected (repeatable)
    #[arg(long = "container", value_name = "ID")]
    containers: Vec<String>,
    /// A record collected that is not in a container (repeatable)
    #[arg(long = "record", value_name = "ID")]
    records: Vec<String>,
}

/// `report waste`.
#[derive(Debug, Args)]
pub(crate) struct WasteReportArgs {
    /// First date (inclusive)
    #[arg(long, value_name = "DATE")]
    from: Option<String>,
    /// Last date (inclusive)
    #[arg(long, value_name = "DATE")]
    to: Option<String>,
    /// Only this stream
    #[arg(long)]
    stream: Option<String>,
    /// Totals by stream and month (one line per unit: kg and L kept apart)
    #[arg(long)]
    totals: bool,
    /// Report the register as it stood at the end of DATE [default: today]
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
}

/// `report consignments`.
#[derive(Debug, Args)]
pub(crate) struct ConsignmentReportArgs {
    /// First collection date (inclusive)
    #[arg(long, value_name = "DATE")]
    from: Option<String>,
    /// Last collection date (inclusive)
    #[arg(long, value_name = "DATE")]
    to: Option<String>,
    /// Only this stream
    #[arg(long)]
    stream: Option<String>,
    /// Report the register as it stood at the end of DATE [default: today]
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
}

fn date_or_today(ctx: &Ctx, what: &str, text: Option<&String>) -> Result<chrono::NaiveDate> {
    match text {
        Some(t) => parse_date(what, t),
        None => Ok(ctx.clock().today()),
    }
}

fn optional_date(what: &str, text: Option<&String>) -> Result<Option<chrono::NaiveDate>> {
    text.map(|t| parse_date(what, t)).transpose()
}

fn record_id(text: &str) -> Result<i64> {
    text.trim()
        .trim_start_matches('#')
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| Error::invalid("record id", text, "expected a record number, e.g. 42"))
}

/// `Some("")` clears, `Some(v)` sets (parsed), `None` keeps.
fn change<T>(text: Option<String>, parse: impl FnOnce(&str) -> Result<T>) -> Result<Change<T>> {
    match text {
        None => Ok(Change::Keep),
        Some(t) if t.trim().is_empty() => Ok(Change::Clear),
        Some(t) => parse(t.trim()).map(Change::Set),
    }
}

fn said(ctx: &Ctx, r: &Recorded) {
    let container = match (&r.container, r.container_registered) {
        (Some(c), true) => format!(", container {c}"),
        (Some(c), false) => {
            format!(", container {c} (not a registered container; kept as written)")
        }
        (None, _) => String::new(),
    };
    let what = if r.quantity.milli() == 0 {
        "withdrawn".to_owned()
    } else {
        format!("{} {} of {} ({})", r.quantity, r.unit, r.stream, r.name)
    };
    let corrects = r
        .corrects
        .map(|c| format!(", correcting record {c}"))
        .unwrap_or_default();
    ctx.say(&format!(
        "waste record {}: {what} on {}{container}{corrects}",
        r.id, r.date
    ));
}

pub(super) fn run(ctx: &Ctx, c: WasteCommand) -> Result<i32> {
    match c {
        WasteCommand::Record(a) => record(ctx, a),
        WasteCommand::Correct(a) => correct(ctx, a),
        WasteCommand::List(a) => {
            let filter = WasteFilter {
                from: optional_date("--from date", a.from.as_ref())?,
                to: optional_date("--to date", a.to.as_ref())?,
                stream: a.stream,
                as_of: None,
            };
            let store = ctx.open()?;
            ctx.emit(LIST_COLUMNS, &app::waste::records(&store, &filter)?)?;
            Ok(0)
        }
        WasteCommand::Streams => {
            let store = ctx.open()?;
            ctx.emit(
                &["code", "name", "hazardous", "container", "route"],
                &app::waste::streams(&store)?,
            )?;
            Ok(0)
        }
        WasteCommand::Stream(s) => stream(ctx, s),
        WasteCommand::Container(c) => container(ctx, c),
        WasteCommand::Consign(a) => consign(ctx, a),
    }
}

fn record(ctx: &Ctx, a: RecordArgs) -> Result<i32> {
    let rec = NewRecord {
        date: date_or_today(ctx, "date", a.date.as_ref())?,
        stream: a.stream,
        quantity: Quantity::parse("quantity", &a.quantity)?,
        unit: WasteUnit::parse(&a.unit)?,
        physical_form: a.form.as_deref().map(parse_physical_form).transpose()?,
        hp_codes: a.hp.as_deref().map(parse_hp_codes).transpose()?,
        container: a.container,
        consignment_note: a.consignment_note,
        carrier: a.carrier,
        recorded_by: ctx.user.clone(),
        notes: a.notes,
    };
    let mut store = ctx.open()?;
    let recorded = app::waste::record(&mut store, &rec, ctx.actor())?;
    said(ctx, &recorded);
    Ok(0)
}

fn correct(ctx: &Ctx, a: CorrectArgs) -> Result<i32> {
    let id = record_id(&a.id)?;
    let keep = |t: Option<String>| change(t, |v| Ok(v.to_owned()));
    let correction = Correction {
        reason: a.reason,
        withdraw: a.withdraw,
        date: optional_date("date", a.date.as_ref())?,
        stream: a.stream,
        quantity: a
            .quantity
            .as_deref()
            .map(|q| Quantity::parse("quantity", q))
            .transpose()?,
        unit: a.unit.as_deref().map(WasteUnit::parse).transpose()?,
        physical_form: change(a.form, parse_physical_form)?,
        hp_codes: change(a.hp, parse_hp_codes)?,
        container: keep(a.container)?,
        consignment_note: keep(a.consignment_note)?,
        carrier: keep(a.carrier)?,
        notes: keep(a.notes)?,
        recorded_by: ctx.user.clone(),
    };
    let mut store = ctx.open()?;
    let recorded = app::waste::correct(&mut store, id, &correction, ctx.actor())?;
    said(ctx, &recorded);
    Ok(0)
}

fn stream(ctx: &Ctx, s: StreamCommand) -> Result<i32> {
    let mut store = ctx.open()?;
    match s {
        StreamCommand::Add {
            code,
            name,
            hazardous,
            container,
            route,
        } => {
            let stream = app::waste::add_stream(
                &mut store,
                &NewStream {
                    code,
                    name,
                    hazardous: hazardous.then_some(true),
                    container,
                    route,
                },
            )?;
            let kind = if stream.hazardous {
                "hazardous"
            } else {
                "non-hazardous"
            };
            ctx.say(&format!(
                "added {kind} waste stream {} ({})",
                stream.code, stream.name
            ));
        }
        StreamCommand::Edit {
            code,
            name,
            container,
            route,
        } => {
            let stream = app::waste::edit_stream(
                &mut store,
                &code,
                &StreamEdit {
                    name,
                    container,
                    route,
                },
            )?;
            ctx.say(&format!("updated waste stream {}", stream.code));
        }
    }
    Ok(0)
}

fn container(ctx: &Ctx, c: ContainerCommand) -> Result<i32> {
    match c {
        ContainerCommand::Open {
            id,
            stream,
            container_type,
            location,
            date,
        } => {
            let req = OpenContainer {
                code: id,
                stream,
                container_type,
                location,
                date: date_or_today(ctx, "date", date.as_ref())?,
                user: ctx.user.clone(),
            };
            let mut store = ctx.open()?;
            let opened = app::waste::open_container(&mut store, &req, ctx.actor())?;
            ctx.say(&format!(
                "opened container {} for {} at {} on {}",
                opened.code, opened.stream, opened.location, opened.opened_on
            ));
        }
        ContainerCommand::Seal { id, weight, date } => {
            let weight = weight
                .as_deref()
                .map(|w| Quantity::parse("weight", w))
                .transpose()?;
            let date = date_or_today(ctx, "seal date", date.as_ref())?;
            let mut store = ctx.open()?;
            let req = app::waste::SealRequest {
                container: id,
                date,
                weight,
            };
            let sealed = app::waste::seal_container(&mut store, &req, ctx.actor())?;
            let records = match sealed.record {
                Some(r) => format!("; waste record {r} written for it"),
                None => format!("; it holds {} waste records", sealed.records),
            };
            ctx.say(&format!(
                "sealed container {} ({}) on {}{records}",
                sealed.container, sealed.stream, sealed.sealed_on
            ));
        }
        ContainerCommand::List { state } => {
            let state = state.map(|s| match s {
                StateArg::Open => ContainerStateFilter::Open,
                StateArg::Sealed => ContainerStateFilter::Sealed,
                StateArg::Consigned => ContainerStateFilter::Consigned,
            });
            let store = ctx.open()?;
            ctx.emit(CONTAINER_COLUMNS, &app::waste::containers(&store, state)?)?;
        }
    }
    Ok(0)
}

fn consign(ctx: &Ctx, a: ConsignArgs) -> Result<i32> {
    let req = ConsignRequest {
        note: a.consignment_note,
        carrier: a.carrier,
        carrier_registration: a.carrier_registration,
        collected_on: date_or_today(ctx, "collection date", a.date.as_ref())?,
        destination: a.destination,
        containers: a.containers,
        records: a
            .records
            .iter()
            .map(|r| record_id(r))
            .collect::<Result<Vec<_>>>()?,
        user: ctx.user.clone(),
    };
    let mut store = ctx.open()?;
    let done = app::waste::consign(&mut store, &req, ctx.actor())?;
    let what: Vec<String> = done
        .streams
        .iter()
        .map(|s| format!("{} {} {}", s.stream, s.quantity, s.unit))
        .collect();
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    ctx.say(&format!(
        "consignment {} collected {}: {}, {} ({})",
        done.note,
        done.collected_on,
        plural(done.containers.len(), "container", "containers"),
        plural(done.records.len(), "record", "records"),
        what.join("; ")
    ));
    Ok(0)
}

fn warn_unconsigned(
    ctx: &Ctx,
    store: &crate::store::Store,
    as_of: chrono::NaiveDate,
) -> Result<()> {
    for u in app::reports::unconsigned_hazardous(store, as_of)? {
        ctx.say(&format!("warning: {u}"));
    }
    Ok(())
}

/// `report waste`: the register (or its monthly totals), with a warning
/// on stderr for each hazardous record over 30 days old with no
/// consignment note.
pub(crate) fn report_waste(ctx: &Ctx, a: WasteReportArgs) -> Result<i32> {
    let as_of = ctx.as_of(a.as_of.as_deref())?;
    let filter = WasteFilter {
        from: optional_date("--from date", a.from.as_ref())?,
        to: optional_date("--to date", a.to.as_ref())?,
        stream: a.stream,
        as_of: Some(as_of),
    };
    let store = ctx.open()?;
    if a.totals {
        ctx.emit(TOTAL_COLUMNS, &app::reports::waste_totals(&store, &filter)?)?;
    } else {
        ctx.emit(REPORT_COLUMNS, &app::reports::waste(&store, &filter)?)?;
    }
    warn_unconsigned(ctx, &store, as_of)?;
    Ok(0)
}

/// `report consignments`: the register of consignment (and transfer)
/// notes with their streams and quantities.
pub(crate) fn report_consignments(ctx: &Ctx, a: ConsignmentReportArgs) -> Result<i32> {
    let as_of = ctx.as_of(a.as_of.as_deref())?;
    let filter = WasteFilter {
        from: optional_date("--from date", a.from.as_ref())?,
        to: optional_date("--to date", a.to.as_ref())?,
        stream: a.stream,
        as_of: Some(as_of),
    };
    let store = ctx.open()?;
    ctx.emit(
        CONSIGNMENT_COLUMNS,
        &app::reports::consignments(&store, &filter)?,
    )?;
    warn_unconsigned(ctx, &store, as_of)?;
    Ok(0)
}
