//! `equipment add|list|show|edit|status|check|service`, `calibrate`, and
//! the `report calibration-due` arguments and runner.

use chrono::NaiveDate;
use clap::{Args, Subcommand};
use serde::Serialize;

use super::Ctx;
use crate::app;
use crate::calibration::state::due_state;
use crate::calibration::{
    AssetHistory, CALIBRATION_DUE_HEADERS, CalResult, CalibrationInput, DueState,
    EQUIPMENT_LIST_HEADERS, Equipment, ExtensionInput, Interval, IntervalChangeInput, ServiceInput,
    ServiceKind, Status,
};
use crate::error::{Error, Result};
use crate::model::{parse_count, parse_date};
use crate::report::{OutputFormat, render};

#[derive(Debug, Subcommand)]
pub(crate) enum EquipmentCommand {
    /// Register an asset
    Add(EquipmentAddArgs),
    /// List the register with each asset's calibration summary
    List {
        /// Only assets with this status (in_service, out_of_service, quarantined, condemned)
        #[arg(long)]
        status: Option<String>,
        /// Only assets in this category
        #[arg(long)]
        category: Option<String>,
    },
    /// Show an asset with its status history, calibrations and maintenance log
    Show {
        /// Asset tag
        tag: String,
    },
    /// Change an asset's details or calibration interval (an empty value clears one)
    ///
    /// A calibration interval change is a dated record (who, when, from
    /// which day, why) listed by `audit`. It applies from its day
    /// (--effective, default today) and never moves a due date later: a
    /// longer interval counts from the next calibration, a shorter one
    /// brings the current due date forward when that is earlier. Only an
    /// extension (`calibrate TAG --extend-to DATE --reason R --approved-by A`)
    /// moves a due date later.
    Edit(EquipmentEditArgs),
    /// Change an asset's status, recording why
    ///
    /// Condemned is final. An asset quarantined by a failed calibration
    /// returns to service only through a passing calibration.
    Status {
        /// Asset tag
        tag: String,
        /// New status: in_service, out_of_service, quarantined or condemned
        status: String,
        /// Why (recorded with who and when)
        #[arg(long)]
        reason: String,
    },
    /// Pre-use check: exit 0 when in service and in calibration, else exit 3 with the reason
    Check {
        /// Asset tag
        tag: String,
    },
    /// Record maintenance in the asset's log (ppm, repair, electrical-safety)
    Service(ServiceArgs),
}

/// Details shared by `equipment add` and `equipment edit`.
#[derive(Debug, Args)]
pub(crate) struct EquipmentSettings {
    /// What it is, e.g. "Refrigerated benchtop centrifuge"
    #[arg(long)]
    description: Option<String>,
    #[arg(long)]
    manufacturer: Option<String>,
    #[arg(long)]
    model: Option<String>,
    /// Serial number
    #[arg(long)]
    serial: Option<String>,
    /// Where it is (free text, e.g. "Blood sciences, room 2.14")
    #[arg(long)]
    location: Option<String>,
    /// Category (centrifuge, pipette, balance, refrigeration, analyser, …)
    #[arg(long)]
    category: Option<String>,
    /// Calibration interval: 90d, 6w, 6m, 1y (empty: needs no calibration)
    #[arg(long, value_name = "INTERVAL")]
    calibration_interval: Option<String>,
    /// Date it entered service
    #[arg(long, value_name = "DATE")]
    in_service_date: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct EquipmentAddArgs {
    /// Asset tag (unique, e.g. EQ-0042)
    tag: String,
    /// Status it is registered with [default: in_service]
    #[arg(long)]
    status: Option<String>,
    #[command(flatten)]
    settings: EquipmentSettings,
}

#[derive(Debug, Args)]
pub(crate) struct EquipmentEditArgs {
    /// Asset tag
    tag: String,
    #[command(flatten)]
    settings: EquipmentSettings,
    /// Day the new calibration interval takes effect [default: today]; not
    /// in the future, not before the asset's previous interval change
    #[arg(long, value_name = "DATE", requires = "calibration_interval")]
    effective: Option<String>,
    /// Why the calibration interval changes (recorded with who and when)
    #[arg(long, requires = "calibration_interval")]
    reason: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct ServiceArgs {
    /// Asset tag
    tag: String,
    /// Date of the work [default: today]
    #[arg(long, value_name = "DATE")]
    date: Option<String>,
    /// ppm (planned preventive maintenance), repair or electrical-safety
    #[arg(long)]
    kind: String,
    /// Who did the work [default: --user]
    #[arg(long, value_name = "NAME")]
    by: Option<String>,
    /// What was done
    #[arg(long)]
    notes: Option<String>,
}

/// Record a calibration, or a documented extension of the due date.
///
/// A `fail` quarantines the asset; a later `pass` or `adjusted` returns a
/// quarantined asset to service. The next due date is --next-due, else the
/// calibration date plus the asset's interval in force on that date. A
/// calibration dated before
/// the latest one is kept as evidence but does not move the due date back.
/// There is no grace period: `--extend-to DATE --reason R --approved-by A`
/// records an extension of the current due date.
#[derive(Debug, Args)]
pub(crate) struct CalibrateArgs {
    /// Asset tag
    tag: String,
    /// Date the calibration was performed (for an extension: the day it was granted [default: today])
    #[arg(long, value_name = "DATE", required_unless_present = "extend_to")]
    date: Option<String>,
    /// pass, fail or adjusted (passed after adjustment)
    #[arg(
        long,
        required_unless_present = "extend_to",
        conflicts_with = "extend_to"
    )]
    result: Option<String>,
    /// Who performed it [default: --user]
    #[arg(long, value_name = "NAME", conflicts_with = "extend_to")]
    by: Option<String>,
    /// Certificate number
    #[arg(long, conflicts_with = "extend_to")]
    certificate: Option<String>,
    /// Explicit next due date (instead of date + interval)
    #[arg(long, value_name = "DATE", conflicts_with = "extend_to")]
    next_due: Option<String>,
    /// Free-text notes (what was adjusted, why it failed, …)
    #[arg(long, conflicts_with = "extend_to")]
    notes: Option<String>,
    /// Record a documented extension: the new due date
    #[arg(long, value_name = "DATE", requires_all = ["reason", "approved_by"])]
    extend_to: Option<String>,
    /// Why the due date is extended
    #[arg(long, requires = "extend_to")]
    reason: Option<String>,
    /// Who approved the extension
    #[arg(long, value_name = "NAME", requires = "extend_to")]
    approved_by: Option<String>,
}

/// Assets never calibrated, overdue, or due within DAYS (condemned never listed).
#[derive(Debug, Args)]
pub(crate) struct CalibrationDueArgs {
    /// Days ahead counted as due (inclusive)
    #[arg(long, value_name = "DAYS", default_value = "30")]
    within: String,
    /// Judge due dates and status as of the end of DATE [default: today]
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    /// Exit 3 when any asset is never calibrated or overdue (for scheduled jobs)
    #[arg(long)]
    fail_on_overdue: bool,
}

/// `Some("")` clears a field; `None` leaves it.
fn text(field: &mut Option<String>, value: Option<String>) {
    if let Some(v) = value {
        let v = v.trim().to_owned();
        *field = (!v.is_empty()).then_some(v);
    }
}

/// Apply the descriptive settings to `eq`; the calibration interval, when
/// given (empty: cleared), is returned as a change for the caller to
/// register or record.
fn apply_settings(eq: &mut Equipment, s: EquipmentSettings) -> Result<Option<IntervalChangeInput>> {
    text(&mut eq.description, s.description);
    text(&mut eq.manufacturer, s.manufacturer);
    text(&mut eq.model, s.model);
    text(&mut eq.serial, s.serial);
    text(&mut eq.location, s.location);
    text(&mut eq.category, s.category);
    let interval = match s.calibration_interval {
        Some(i) if i.trim().is_empty() => Some(None),
        Some(i) => Some(Some(Interval::parse(&i)?)),
        None => None,
    }
    .map(|interval| IntervalChangeInput {
        interval,
        effective_on: None,
        reason: None,
    });
    if let Some(d) = s.in_service_date {
        eq.in_service_date = if d.trim().is_empty() {
            None
        } else {
            Some(parse_date("--in-service-date", &d)?)
        };
    }
    Ok(interval)
}

fn optional_date(what: &str, value: Option<&String>) -> Result<Option<NaiveDate>> {
    value.map(|v| parse_date(what, v)).transpose()
}

pub(super) fn run(ctx: &Ctx, c: EquipmentCommand) -> Result<i32> {
    let mut store = ctx.open()?;
    let today = ctx.clock().today();
    match c {
        EquipmentCommand::Add(a) => {
            let mut eq = Equipment::new(&a.tag);
            if let Some(s) = &a.status {
                eq.registered_status = s.parse()?;
            }
            eq.calibration_interval = apply_settings(&mut eq, a.settings)?.and_then(|c| c.interval);
            let eq = app::equipment::add(&mut store, eq, ctx.actor())?;
            let interval = eq.calibration_interval.map_or_else(
                || "needs no calibration".to_owned(),
                |i| format!("calibration every {i}"),
            );
            ctx.say(&format!(
                "added asset {} ({}, {interval})",
                eq.asset_tag,
                eq.status.as_str()
            ));
        }
        EquipmentCommand::List { status, category } => {
            let status = status.map(|s| s.parse::<Status>()).transpose()?;
            let list =
                app::equipment::list(&store, &app::equipment::EquipmentQuery { status, category })?;
            // An asset's location is free text ("Blood sciences, room 2.14").
            ctx.emit_fitted(
                &EQUIPMENT_LIST_HEADERS,
                &list,
                &super::Fit {
                    text: &["location"],
                    ..super::Fit::default()
                },
            )?;
        }
        EquipmentCommand::Show { tag } => {
            let history = app::equipment::history(&store, &tag, Some(today))?;
            show(ctx, &history, today)?;
        }
        EquipmentCommand::Edit(a) => {
            let mut eq = app::equipment::get(&store, &a.tag)?;
            let due_before = eq.next_due;
            let mut change = apply_settings(&mut eq, a.settings)?;
            if let Some(c) = change.as_mut() {
                c.reason = a.reason;
                c.effective_on = optional_date("--effective date", a.effective.as_ref())?;
            }
            let (eq, record) =
                app::equipment::update(&mut store, &eq, change.as_ref(), ctx.actor())?;
            let due = eq
                .next_due
                .map(|d| format!("; next due {d}"))
                .unwrap_or_default();
            let interval = record.as_ref().map_or_else(String::new, |r| {
                format!(
                    "; calibration interval {} -> {} from {}",
                    r.old_interval
                        .map_or_else(|| "none".into(), |i| i.to_string()),
                    r.new_interval
                        .map_or_else(|| "none".into(), |i| i.to_string()),
                    opt(r.effective_on)
                )
            });
            ctx.say(&format!("updated asset {}{interval}{due}", eq.asset_tag));
            if record.is_some() && due_before.is_some() && eq.next_due == due_before {
                ctx.say(&format!(
                    "note: the due date stays {}: a new interval counts from the next calibration, and only an extension moves a due date later (`labstock calibrate {} --extend-to DATE --reason R --approved-by A`)",
                    opt(due_before),
                    eq.asset_tag
                ));
            }
        }
        EquipmentCommand::Status {
            tag,
            status,
            reason,
        } => {
            let to: Status = status.parse()?;
            let req = app::equipment::StatusChange { tag, to, reason };
            let (from, eq) = app::equipment::set_status(&mut store, &req, ctx.actor())?;
            ctx.say(&format!(
                "{}: {} -> {} ({})",
                eq.asset_tag,
                from.as_str(),
                eq.status.as_str(),
                req.reason
            ));
        }
        EquipmentCommand::Check { tag } => {
            let fitness = app::equipment::check(&store, &tag, today)?;
            if !fitness.is_fit() {
                return Err(Error::CheckFailed(format!(
                    "{} is not fit for use: {}",
                    fitness.asset_tag,
                    fitness.reasons.join("; ")
                )));
            }
            ctx.write_output(|out| {
                writeln!(
                    out,
                    "{}: fit for use ({})",
                    fitness.asset_tag, fitness.summary
                )
                .map_err(|source| Error::Io {
                    path: "<stdout>".into(),
                    source,
                })
            })?;
        }
        EquipmentCommand::Service(a) => {
            let input = ServiceInput {
                performed_on: optional_date("--date", a.date.as_ref())?.unwrap_or(today),
                kind: a.kind.parse::<ServiceKind>()?,
                performed_by: a.by.unwrap_or_else(|| ctx.user.clone()),
                notes: a.notes,
            };
            let eq = app::equipment::service(&mut store, &a.tag, &input, ctx.actor())?;
            ctx.say(&format!(
                "recorded {} of {} on {}",
                input.kind.as_str(),
                eq.asset_tag,
                input.performed_on
            ));
        }
    }
    Ok(0)
}

pub(super) fn calibrate(ctx: &Ctx, a: CalibrateArgs) -> Result<i32> {
    let mut store = ctx.open()?;
    let date = optional_date("--date", a.date.as_ref())?;
    if let Some(extend_to) = &a.extend_to {
        let input = ExtensionInput {
            extend_to: parse_date("--extend-to date", extend_to)?,
            reason: a.reason.unwrap_or_default(),
            approved_by: a.approved_by.unwrap_or_default(),
            granted_on: date,
        };
        let (ext, eq) = app::equipment::extend(&mut store, &a.tag, &input, ctx.actor())?;
        ctx.say(&format!(
            "extended the calibration of {} from {} to {} (approved by {}: {})",
            eq.asset_tag, ext.previous_due, ext.extended_to, ext.approved_by, ext.reason
        ));
        return Ok(0);
    }
    let (Some(performed_on), Some(result)) = (date, a.result) else {
        return Err(Error::missing(
            "--date and --result",
            "a calibration records when it was done and its result",
        ));
    };
    let result: CalResult = result.parse()?;
    let input = CalibrationInput {
        performed_on,
        result,
        performed_by: Some(a.by.unwrap_or_else(|| ctx.user.clone())),
        certificate: a.certificate,
        next_due: optional_date("--next-due", a.next_due.as_ref())?,
        notes: a.notes,
    };
    let outcome = app::equipment::calibrate(&mut store, &a.tag, &input, ctx.actor())?;
    let tag = &outcome.asset_tag;
    ctx.say(&format!(
        "recorded calibration of {tag} on {performed_on}: {result}"
    ));
    if outcome.status_before != outcome.state.status {
        ctx.say(&format!(
            "{tag}: {} -> {}",
            outcome.status_before.as_str(),
            outcome.state.status.as_str()
        ));
    }
    let due = outcome.state.next_due.map_or_else(
        || "no due date (no calibration interval)".to_owned(),
        |d| format!("next due {d}"),
    );
    if outcome.late {
        let latest = outcome
            .state
            .last
            .map(|l| l.on.to_string())
            .unwrap_or_default();
        ctx.say(&format!(
            "{tag}: dated before its latest calibration ({latest}); kept as evidence, {due} is unchanged"
        ));
    } else {
        ctx.say(&format!("{tag}: {due}"));
    }
    Ok(0)
}

/// `report calibration-due`: the SPEC §4 report; with `--fail-on-overdue`
/// the exit code is 3 when any row is `never` or `overdue`.
pub(crate) fn calibration_due(ctx: &Ctx, args: CalibrationDueArgs) -> Result<i32> {
    let as_of = ctx.as_of(args.as_of.as_deref())?;
    let within = parse_count("--within days", &args.within)?;
    let within = u32::try_from(within).unwrap_or(u32::MAX);
    let store = ctx.open()?;
    let rows = app::reports::calibration_due(&store, as_of, within)?;
    ctx.emit(&CALIBRATION_DUE_HEADERS, &rows)?;
    for row in &rows {
        if let Some(ext) = &row.extension {
            ctx.say(&format!("note: {}", ext.describe(&row.asset_tag)));
        }
    }
    if args.fail_on_overdue {
        let never = rows.iter().filter(|r| r.state == DueState::Never).count();
        let overdue = rows.iter().filter(|r| r.state == DueState::Overdue).count();
        if never + overdue > 0 {
            return Err(Error::CheckFailed(format!(
                "calibration-due as of {as_of}: {overdue} asset(s) overdue and {never} never calibrated"
            )));
        }
    }
    Ok(0)
}

#[derive(Serialize)]
struct Field {
    field: &'static str,
    value: String,
}

#[derive(Serialize)]
struct HistoryLine {
    date: String,
    record: &'static str,
    result: String,
    by: String,
    certificate: String,
    next_due: String,
    notes: String,
    recorded_by: String,
}

#[derive(Serialize)]
struct StatusLine {
    date: String,
    from: String,
    to: &'static str,
    why: String,
    by: String,
    recorded_at: String,
}

#[derive(Serialize)]
struct ServiceLine {
    date: String,
    kind: &'static str,
    by: String,
    notes: String,
    recorded_by: String,
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// Calibration records, extensions and interval changes, in replay order.
/// Each calibration shows the due date it set, with the interval in force
/// on its day.
fn history_lines(h: &AssetHistory) -> Vec<HistoryLine> {
    let mut lines: Vec<(NaiveDate, i64, HistoryLine)> = h
        .calibrations
        .iter()
        .map(|c| {
            let due = c.next_due.or_else(|| {
                h.interval_for(c.performed_on, c.seq)
                    .and_then(|i| i.after(c.performed_on))
            });
            (
                c.performed_on,
                c.seq,
                HistoryLine {
                    date: c.performed_on.to_string(),
                    record: "calibration",
                    result: c.result.as_str().to_owned(),
                    by: c.performed_by.clone().unwrap_or_default(),
                    certificate: c.certificate.clone().unwrap_or_default(),
                    next_due: opt(due),
                    notes: c.notes.clone().unwrap_or_default(),
                    recorded_by: c.recorded_by.clone(),
                },
            )
        })
        .collect();
    lines.extend(h.extensions.iter().map(|e| {
        (
            e.granted_on,
            e.seq,
            HistoryLine {
                date: e.granted_on.to_string(),
                record: "extension",
                result: String::new(),
                by: e.approved_by.clone(),
                certificate: String::new(),
                next_due: e.extended_to.to_string(),
                notes: format!("extended from {}: {}", e.previous_due, e.reason),
                recorded_by: e.recorded_by.clone(),
            },
        )
    }));
    lines.extend(h.interval_changes.iter().map(|c| {
        let show = |i: Option<Interval>| i.map_or_else(|| "none".to_owned(), |i| i.to_string());
        (
            c.effective_on.unwrap_or(NaiveDate::MIN),
            c.seq,
            HistoryLine {
                date: opt(c.effective_on),
                record: "interval",
                result: show(c.new_interval),
                by: String::new(),
                certificate: String::new(),
                next_due: String::new(),
                notes: match c.effective_on {
                    Some(_) => format!(
                        "interval {} -> {}{}",
                        show(c.old_interval),
                        show(c.new_interval),
                        c.reason
                            .as_deref()
                            .map(|r| format!(": {r}"))
                            .unwrap_or_default()
                    ),
                    None => format!("interval {} from the start", show(c.new_interval)),
                },
                recorded_by: c.recorded_by.clone(),
            },
        )
    }));
    lines.sort_by_key(|(d, seq, _)| (*d, *seq));
    lines.into_iter().map(|(_, _, l)| l).collect()
}

fn calibration_word(h: &AssetHistory, today: NaiveDate) -> String {
    let s = &h.state;
    match due_state(
        h.equipment.needs_calibration(),
        s.last.is_some(),
        s.next_due,
        today,
        30,
    ) {
        DueState::Never => "never calibrated".into(),
        DueState::NotRequired => "not required".into(),
        DueState::Overdue => format!(
            "overdue by {} day(s)",
            (today - s.next_due.unwrap_or(today)).num_days()
        ),
        DueState::Due | DueState::InCalibration => {
            format!(
                "in calibration, due in {} day(s)",
                (s.next_due.unwrap_or(today) - today).num_days()
            )
        }
    }
}

fn show(ctx: &Ctx, h: &AssetHistory, today: NaiveDate) -> Result<()> {
    let eq = &h.equipment;
    let timeline: Vec<StatusLine> = h
        .timeline()
        .into_iter()
        .map(|t| StatusLine {
            date: opt(t.date),
            from: opt(t.from.map(Status::as_str)),
            to: t.to.as_str(),
            why: t.why,
            by: t.by,
            recorded_at: t.recorded_at,
        })
        .collect();
    let history = history_lines(h);
    let service: Vec<ServiceLine> = h
        .service
        .iter()
        .map(|s| ServiceLine {
            date: s.performed_on.to_string(),
            kind: s.kind.as_str(),
            by: s.performed_by.clone(),
            notes: s.notes.clone().unwrap_or_default(),
            recorded_by: s.recorded_by.clone(),
        })
        .collect();
    let calibration = calibration_word(h, today);
    let format = ctx.format();
    let io = |source| Error::Io {
        path: "<output>".into(),
        source,
    };
    if format == OutputFormat::Json {
        #[derive(Serialize)]
        struct Shown<'a> {
            #[serde(flatten)]
            equipment: &'a Equipment,
            calibration: &'a str,
            status_history: &'a [StatusLine],
            calibrations: &'a [HistoryLine],
            service: &'a [ServiceLine],
        }
        let shown = Shown {
            equipment: eq,
            calibration: &calibration,
            status_history: &timeline,
            calibrations: &history,
            service: &service,
        };
        return ctx.write_output(|out| {
            serde_json::to_writer_pretty(&mut *out, &shown)?;
            writeln!(out).map_err(io)
        });
    }
    let fields = vec![
        Field {
            field: "asset_tag",
            value: eq.asset_tag.clone(),
        },
        Field {
            field: "description",
            value: opt(eq.description.as_ref()),
        },
        Field {
            field: "manufacturer",
            value: opt(eq.manufacturer.as_ref()),
        },
        Field {
            field: "model",
            value: opt(eq.model.as_ref()),
        },
        Field {
            field: "serial",
            value: opt(eq.serial.as_ref()),
        },
        Field {
            field: "location",
            value: opt(eq.location.as_ref()),
        },
        Field {
            field: "category",
            value: opt(eq.category.as_ref()),
        },
        Field {
            field: "calibration_interval",
            value: opt(eq.calibration_interval),
        },
        Field {
            field: "status",
            value: eq.status.as_str().to_owned(),
        },
        Field {
            field: "in_service_date",
            value: opt(eq.in_service_date),
        },
        Field {
            field: "last_calibrated",
            value: opt(eq.last_calibrated),
        },
        Field {
            field: "last_result",
            value: opt(eq.last_result),
        },
        Field {
            field: "next_due",
            value: opt(eq.next_due),
        },
        Field {
            field: "calibration",
            value: calibration,
        },
        Field {
            field: "registered",
            value: format!("{} by {}", eq.created_at, eq.created_by),
        },
    ];
    let mut fields = render(&["field", "value"], &fields)?;
    fields.text.push("value".into());
    let blocks = [
        super::Block::new(format!("asset {}", eq.asset_tag), fields, "no fields"),
        super::Block::new(
            "status history",
            render(
                &["date", "from", "to", "why", "by", "recorded_at"],
                &timeline,
            )?,
            "no status changes recorded",
        ),
        super::Block::new(
            "calibrations, extensions and interval changes",
            render(
                &[
                    "date",
                    "record",
                    "result",
                    "by",
                    "certificate",
                    "next_due",
                    "notes",
                    "recorded_by",
                ],
                &history,
            )?,
            "no calibrations recorded",
        ),
        super::Block::new(
            "maintenance log",
            render(&["date", "kind", "by", "notes", "recorded_by"], &service)?,
            "no maintenance recorded",
        ),
    ];
    ctx.write_blocks(&blocks, format)
}
