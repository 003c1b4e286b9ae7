//! `report …`: the lab's reports. The stock reports (reorder, expiry,
//! usage) live here, each in its own function; the registers' reports
//! (waste, consignments, calibration-due) are flattened in from
//! `report_waste.rs` / `report_calibration.rs`.

use clap::{Args, Subcommand};
use serde_json::Value;

use super::Ctx;
use crate::app;
use crate::error::Result;
use crate::model::{Money, parse_count};
use crate::reorder::{REORDER_HEADERS, ReorderQuery, ReorderRow};
use crate::report::expiry::{DEFAULT_WITHIN_DAYS, EXPIRY_HEADERS};
use crate::report::usage::DEFAULT_WEEKS;
use crate::report::{OutputFormat, Rendered, render, write_csv};
use crate::store::Store;

#[derive(Debug, Subcommand)]
pub(crate) enum ReportCommand {
    /// The reorder list: items whose usable stock plus on-order is at or below the reorder level
    ///
    /// Sorted by supplier then item, with the suggested quantity rounded up
    /// to the pack size, its cost, and a reason showing how it was reached.
    /// Expired, quarantined and recalled stock does not count; unexpired
    /// stock awaiting acceptance counts in the position (column
    /// awaiting_acceptance). The table format adds a subtotal per supplier.
    Reorder(ReorderArgs),
    /// Stock in lots that are expired or expire within DAYS
    Expiry(ExpiryArgs),
    /// Consumption per item per ISO week, average weekly use and weeks of cover
    Usage(UsageArgs),
    /// Stock in lots awaiting acceptance (SPEC §13), oldest receipt first
    Acceptance(AcceptanceArgs),
    /// Daily temperature records per monitored location, with missing days
    Temperatures(super::temp::TemperaturesArgs),
    /// Temperature excursions, the lots held during each, and their decisions
    Excursions(super::temp::ExcursionsArgs),
    /// Hazardous items with no safety data sheet, or whose sheet is due for review
    ///
    /// `missing`: no SDS stored. `review`: the current SDS was revised, and
    /// last confirmed (`sds confirm`), more than N years before the as-of
    /// date. Exit 0 either way.
    Sds(SdsArgs),
    /// The COSHH inventory: each hazardous item and location holding it, with its GHS data and SDS
    Coshh(CoshhArgs),
    /// `report waste|consignments|calibration-due`
    #[command(flatten)]
    Registers(super::report_waste::ReportCommand),
}

#[derive(Debug, Args)]
pub(crate) struct ReorderArgs {
    /// The ledger as it stood at the end of DATE; expiry judged against DATE [default: today]
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    /// Only items from this supplier
    #[arg(long)]
    supplier: Option<String>,
    /// Only stock at (and orders to) this location, with its own levels where set
    #[arg(long)]
    location: Option<String>,
    /// Only stock at (and orders to) this site's locations, as one pool, with the items' own levels
    #[arg(long, conflicts_with = "location")]
    site: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct ExpiryArgs {
    /// Days ahead to look (inclusive)
    #[arg(long, value_name = "DAYS", default_value_t = DEFAULT_WITHIN_DAYS.to_string())]
    within: String,
    /// Judge expiry against DATE, with the stock of the end of DATE [default: today]
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    /// Only stock at this location
    #[arg(long)]
    location: Option<String>,
    /// Only stock at this site's locations (a site of the network, e.g. HUB)
    #[arg(long, conflicts_with = "location")]
    site: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct AcceptanceArgs {
    /// The stock and lot status of the end of DATE; days pending counted to DATE [default: today]
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    /// Only stock at this location
    #[arg(long)]
    location: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct SdsArgs {
    /// Review a sheet revised and last confirmed more than N years before the as-of date
    #[arg(long, value_name = "N", default_value_t = crate::sds::DEFAULT_REVIEW_YEARS.to_string())]
    older_than_years: String,
    /// Judge reviews against DATE [default: today]
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct CoshhArgs {
    /// Only stock at this location
    #[arg(long)]
    location: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct UsageArgs {
    /// Number of whole ISO weeks to show
    #[arg(long, value_name = "N", default_value_t = DEFAULT_WEEKS.to_string())]
    weeks: String,
    /// Weeks ended by the end of DATE, stock as of DATE [default: today]
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    /// Only issues from, and stock at, this location
    #[arg(long)]
    location: Option<String>,
    /// Only issues from, and stock at, this site's locations (e.g. HUB)
    #[arg(long, conflicts_with = "location")]
    site: Option<String>,
}

pub(super) fn run(ctx: &Ctx, c: ReportCommand) -> Result<i32> {
    match c {
        ReportCommand::Reorder(a) => reorder(ctx, a),
        ReportCommand::Expiry(a) => expiry(ctx, a),
        ReportCommand::Usage(a) => usage(ctx, a),
        ReportCommand::Acceptance(a) => acceptance(ctx, a),
        ReportCommand::Temperatures(a) => super::temp::temperatures(ctx, a),
        ReportCommand::Excursions(a) => super::temp::excursions(ctx, a),
        ReportCommand::Registers(c) => super::report_waste::run(ctx, c),
        ReportCommand::Sds(a) => {
            let years = u32::try_from(parse_count("--older-than-years", &a.older_than_years)?)
                .map_err(|_| {
                    crate::error::Error::invalid(
                        "--older-than-years",
                        &a.older_than_years,
                        "expected a number of years",
                    )
                })?;
            let store = ctx.open()?;
            let as_of = ctx.as_of(a.as_of.as_deref())?;
            let rows = app::hazards::sds_report(&store, as_of, years)?;
            ctx.emit(crate::sds::SDS_REPORT_HEADERS, &rows)?;
            Ok(0)
        }
        ReportCommand::Coshh(a) => {
            let store = ctx.open()?;
            let rows = app::hazards::coshh_report(&store, a.location.as_deref())?;
            ctx.emit(crate::sds::COSHH_HEADERS, &rows)?;
            Ok(0)
        }
    }
}

fn reorder(ctx: &Ctx, a: ReorderArgs) -> Result<i32> {
    let store = ctx.open()?;
    let query = ReorderQuery {
        as_of: ctx.as_of(a.as_of.as_deref())?,
        supplier: a.supplier,
        location: a.location,
    };
    print_reorder(ctx, &store, &query, a.site.as_deref(), false)?;
    Ok(0)
}

/// Write the reorder list in the chosen format (stdout or `--output`),
/// with warnings on stderr. `for_people` makes the table (with supplier
/// subtotals) the default even when stdout is not a terminal, as `demo`
/// wants.
pub(crate) fn print_reorder(
    ctx: &Ctx,
    store: &Store,
    query: &ReorderQuery,
    site: Option<&str>,
    for_people: bool,
) -> Result<()> {
    let report = app::reports::reorder_at_site(store, query, site)?;
    let format = if for_people {
        ctx.format.unwrap_or(OutputFormat::Table)
    } else {
        ctx.format()
    };
    let headers = ctx.columns(REORDER_HEADERS)?;
    if format == OutputFormat::Csv {
        // Straight from the rows (the header is the struct's field order):
        // the weekly list can run to thousands of lines.
        // `write_csv` also escapes text cells against formula injection.
        ctx.write_csv_output(|out| write_csv(&headers, &report.rows, out))?;
    } else {
        let mut rendered = render(&headers, &report.rows)?;
        if format == OutputFormat::Table {
            add_subtotals(&mut rendered, &report.rows);
            // On a narrow terminal the order line (supplier, item, name,
            // position, how many, cost, why) matters more than its unit
            // and level, which the reason repeats.
            rendered.last_resort = vec!["unit".into(), "reorder_level".into()];
        }
        ctx.write_rendered(&rendered, format)?;
    }
    for w in &report.warnings {
        ctx.say(&format!("warning: {w}"));
    }
    if let Some(path) = &ctx.output {
        ctx.say(&format!(
            "wrote the reorder list as of {} ({} lines) to {}",
            query.as_of,
            report.rows.len(),
            path.display()
        ));
    }
    Ok(())
}

/// After each supplier's rows a subtotal of `line_cost`, and a total at
/// the end (table format only: the CSV stays one row per order line).
fn add_subtotals(rendered: &mut Rendered, rows: &[ReorderRow]) {
    fn total_row(
        supplier: &str,
        label: String,
        sum: Option<i64>,
    ) -> serde_json::Map<String, Value> {
        let mut m = serde_json::Map::new();
        m.insert("supplier".into(), Value::String(supplier.to_owned()));
        m.insert("name".into(), Value::String(label));
        let cost = sum.map(|p| Money(p).to_string()).unwrap_or_default();
        m.insert("line_cost".into(), Value::String(cost));
        m
    }
    fn label(what: &str, lines: usize, uncosted: usize) -> String {
        let s = if lines == 1 { "" } else { "s" };
        if uncosted > 0 {
            format!("{what} ({lines} line{s}, {uncosted} without a unit cost)")
        } else {
            format!("{what} ({lines} line{s})")
        }
    }
    if rows.is_empty() {
        return;
    }
    let objects = std::mem::take(&mut rendered.objects);
    let mut out = Vec::with_capacity(objects.len() + 8);
    let (mut sum, mut lines, mut uncosted) = (0i64, 0usize, 0usize);
    let (mut grand, mut all_uncosted) = (0i64, 0usize);
    for (i, (obj, row)) in objects.into_iter().zip(rows).enumerate() {
        out.push(obj);
        lines += 1;
        match row.line_cost {
            Some(c) => {
                sum = sum.saturating_add(c.pence());
                grand = grand.saturating_add(c.pence());
            }
            None => {
                uncosted += 1;
                all_uncosted += 1;
            }
        }
        let last_of_supplier = rows.get(i + 1).is_none_or(|n| n.supplier != row.supplier);
        if last_of_supplier {
            let supplier = row.supplier.as_deref().unwrap_or("(no supplier)");
            let costed = (uncosted < lines).then_some(sum);
            out.push(total_row(
                supplier,
                label("subtotal", lines, uncosted),
                costed,
            ));
            (sum, lines, uncosted) = (0, 0, 0);
        }
    }
    let costed = (all_uncosted < rows.len()).then_some(grand);
    out.push(total_row(
        "",
        label("total", rows.len(), all_uncosted),
        costed,
    ));
    rendered.objects = out;
}

fn expiry(ctx: &Ctx, a: ExpiryArgs) -> Result<i32> {
    let store = ctx.open()?;
    let as_of = ctx.as_of(a.as_of.as_deref())?;
    let within = parse_count("--within", &a.within)?;
    let query = app::reports::ExpiryQuery {
        as_of,
        within,
        location: a.location,
    };
    let rows = app::reports::expiry_at_site(&store, &query, a.site.as_deref())?;
    // Narrow: the state (expired, expiring) says what the days say.
    let fit = super::Fit {
        last_resort: &["days_until_expiry"],
        ..super::Fit::default()
    };
    ctx.emit_fitted(EXPIRY_HEADERS, &rows, &fit)?;
    Ok(0)
}

fn acceptance(ctx: &Ctx, a: AcceptanceArgs) -> Result<i32> {
    let store = ctx.open()?;
    let as_of = ctx.as_of(a.as_of.as_deref())?;
    let rows = app::reports::acceptance(&store, as_of, a.location.as_deref())?;
    ctx.emit(crate::acceptance::ACCEPTANCE_HEADERS, &rows)?;
    Ok(0)
}

fn usage(ctx: &Ctx, a: UsageArgs) -> Result<i32> {
    let store = ctx.open()?;
    let as_of = ctx.as_of(a.as_of.as_deref())?;
    let weeks = parse_count("--weeks", &a.weeks)?;
    let query = app::reports::UsageQuery {
        as_of,
        weeks,
        location: a.location,
    };
    let report = app::reports::usage_at_site(&store, &query, a.site.as_deref())?;
    let headers = report.headers();
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    // Narrow: the oldest weeks go first; the latest, the partial week and
    // the totals stay.
    let weeks: Vec<&str> = report.weeks.iter().map(String::as_str).collect();
    let fit = super::Fit {
        last_resort: &weeks,
        ..super::Fit::default()
    };
    ctx.emit_fitted(&headers, &report.records(), &fit)?;
    Ok(0)
}
