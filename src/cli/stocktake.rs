//! `stocktake start|sheet|count|enter|review|apply|cancel|list` (SPEC §13).

use clap::{Args, Subcommand};

use super::Ctx;
use crate::app::{self, stocktake::StartRequest};
use crate::error::{Error, Result};
use crate::model::{parse_count, parse_quantity};
use crate::stocktake::CountRequest;

#[derive(Debug, Subcommand)]
pub(crate) enum StocktakeCommand {
    /// Start a stocktake of a location and print its id
    ///
    /// The sheet is every balance at the location (of one category with
    /// --category) as the book stands now. One stocktake per location may be
    /// open at a time.
    Start {
        #[arg(long)]
        location: String,
        /// A blind count: the sheet shows no book quantities
        #[arg(long)]
        blind: bool,
        /// Count only items of this category
        #[arg(long)]
        category: Option<String>,
    },
    /// The count sheet: item,name,lot,expiry,location,book,counted,opened_on
    ///
    /// One line per portion of a lot: its sealed units, and the units
    /// opened on each day (opened_on).
    Sheet { id: String },
    /// Record a count (the book at this moment is recorded with it)
    ///
    /// Count a line again to correct it: the latest count stands. With
    /// --scan the barcode names the item (GTIN) and lot; without a quantity
    /// each scan counts one more unit.
    Count(CountArgs),
    /// Record the counts of a file: item,lot,location,counted[,opened_on] (all or nothing)
    Enter { id: String, file: String },
    /// Variances: item,name,lot,location,book,counted,variance,unit_cost,variance_value,opened_on
    Review { id: String },
    /// Apply the counts: one count movement per line, in one transaction
    ///
    /// Each line moves its balance by counted − book as recorded at
    /// counting, so movements made since are kept; zero variances are
    /// recorded too, as evidence the line was counted.
    Apply {
        id: String,
        /// Count the uncounted lines as 0 (found empty) instead of refusing
        #[arg(long)]
        zero_uncounted: bool,
    },
    /// Cancel an open stocktake (its counts stay on record; nothing moves)
    Cancel { id: String },
    /// Every stocktake, newest first
    List,
}

#[derive(Debug, Args)]
pub(crate) struct CountArgs {
    id: String,
    /// Item code (with --scan: the quantity, if given)
    item: Option<String>,
    /// Counted quantity (0 or more)
    #[arg(allow_negative_numbers = true)]
    qty: Option<String>,
    #[arg(long)]
    lot: Option<String>,
    /// Expiry of a lot found on the shelf that labstock does not know yet
    #[arg(long, value_name = "DATE")]
    expiry: Option<String>,
    /// The location being counted (must be the stocktake's)
    #[arg(long)]
    location: Option<String>,
    /// GS1 data as scanned: the item by its GTIN, the lot from AI 10
    #[arg(long, value_name = "DATA")]
    scan: Option<String>,
    /// Count the units of the lot opened on DATE (default: the sealed units)
    #[arg(long, value_name = "DATE")]
    opened: Option<String>,
}

fn stocktake_id(text: &str) -> Result<i64> {
    text.trim()
        .trim_start_matches('#')
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| Error::invalid("stocktake id", text, "expected a stocktake number, e.g. 3"))
}

pub(crate) fn run(ctx: &Ctx, command: StocktakeCommand) -> Result<i32> {
    match command {
        StocktakeCommand::Start {
            location,
            blind,
            category,
        } => {
            let mut store = ctx.open()?;
            let id = app::stocktake::start(
                &mut store,
                &StartRequest {
                    location: location.clone(),
                    blind,
                    category,
                },
                ctx.actor(),
            )?;
            ctx.say(&format!(
                "stocktake {id} started at {}{}; print its sheet with `labstock stocktake sheet {id}`",
                location.trim(),
                if blind { " (blind)" } else { "" }
            ));
            ctx.write_output(|out| {
                writeln!(out, "{id}").map_err(|source| Error::Io {
                    path: "<stdout>".into(),
                    source,
                })
            })?;
            Ok(0)
        }
        StocktakeCommand::Sheet { id } => {
            let store = ctx.open()?;
            let rows = app::stocktake::sheet(&store, stocktake_id(&id)?)?;
            ctx.emit(
                &[
                    "item",
                    "name",
                    "lot",
                    "expiry",
                    "location",
                    "book",
                    "counted",
                    "opened_on",
                ],
                &rows,
            )?;
            Ok(0)
        }
        StocktakeCommand::Count(a) => {
            let id = stocktake_id(&a.id)?;
            let expiry = a
                .expiry
                .as_deref()
                .map(|e| crate::model::parse_date("--expiry", e))
                .transpose()?;
            let opened = a
                .opened
                .as_deref()
                .map(|d| crate::model::parse_date("--opened", d))
                .transpose()?;
            let req = match &a.scan {
                Some(data) => {
                    if a.qty.is_some() {
                        return Err(Error::invalid(
                            "arguments",
                            a.qty.as_deref().unwrap_or(""),
                            "with --scan the item comes from the barcode: give at most a quantity",
                        ));
                    }
                    let decoded = super::gs1::decode(data, super::gs1::options(ctx, None))?;
                    let (item, gtin) = match decoded.item_key(data)? {
                        crate::gs1::ItemKey::Gtin(g) => (None, Some(g.to_owned())),
                        crate::gs1::ItemKey::Code(c) => (Some(c.to_owned()), None),
                    };
                    CountRequest {
                        item,
                        gtin,
                        lot: decoded.lot().map(str::to_owned).or(a.lot.clone()),
                        expiry: decoded.expiry().or(expiry),
                        location: a.location.clone(),
                        quantity: a
                            .item
                            .as_deref()
                            .map(|q| parse_count("counted quantity", q))
                            .transpose()?,
                        opened,
                    }
                }
                None => {
                    let qty = a.qty.as_deref().ok_or_else(|| {
                        Error::missing(
                            "quantity",
                            "stocktake count ID ITEM QTY (or --scan DATA [QTY])",
                        )
                    })?;
                    let quantity = parse_quantity(qty)?;
                    CountRequest {
                        item: a.item.clone(),
                        gtin: None,
                        lot: a.lot.clone(),
                        expiry,
                        location: a.location.clone(),
                        quantity: Some(quantity),
                        opened,
                    }
                }
            };
            let mut store = ctx.open()?;
            let c = app::stocktake::count(&mut store, id, &req, ctx.actor())?;
            let lot = if c.lot.is_empty() {
                String::new()
            } else {
                format!(" lot {}", c.lot)
            };
            let opened = c
                .opened_on
                .map(|d| format!(" (opened {d})"))
                .unwrap_or_default();
            ctx.say(&format!(
                "stocktake {}: {}{lot}{opened} counted {} (book {})",
                c.stocktake, c.item, c.counted, c.book
            ));
            Ok(0)
        }
        StocktakeCommand::Enter { id, file } => {
            let id = stocktake_id(&id)?;
            let source = crate::import::open_source(&file)?;
            let mut store = ctx.open()?;
            let done = app::stocktake::enter(&mut store, id, source, ctx.actor())?;
            ctx.say(&format!("stocktake {id}: {} counts recorded", done.len()));
            Ok(0)
        }
        StocktakeCommand::Review { id } => {
            let store = ctx.open()?;
            let review = app::stocktake::review(&store, stocktake_id(&id)?)?;
            ctx.emit(
                &[
                    "item",
                    "name",
                    "lot",
                    "location",
                    "book",
                    "counted",
                    "variance",
                    "unit_cost",
                    "variance_value",
                    "opened_on",
                ],
                &review.lines,
            )?;
            ctx.say(&format!(
                "stocktake {}: {} lines counted, {} uncounted; total variance {:+} units, value {}",
                review.id,
                review.counted_lines,
                review.uncounted_lines,
                review.total_variance,
                review.total_variance_value
            ));
            Ok(0)
        }
        StocktakeCommand::Apply { id, zero_uncounted } => {
            let id = stocktake_id(&id)?;
            let mut store = ctx.open()?;
            let applied = app::stocktake::apply(&mut store, id, zero_uncounted, ctx.actor())?;
            ctx.say(&format!(
                "stocktake {id} applied: {} count movements{}",
                applied.movements.len(),
                if applied.zeroed > 0 {
                    format!(" ({} uncounted lines zeroed)", applied.zeroed)
                } else {
                    String::new()
                }
            ));
            Ok(0)
        }
        StocktakeCommand::Cancel { id } => {
            let id = stocktake_id(&id)?;
            let mut store = ctx.open()?;
            app::stocktake::cancel(&mut store, id, ctx.actor())?;
            ctx.say(&format!(
                "stocktake {id} cancelled; its counts stay on record"
            ));
            Ok(0)
        }
        StocktakeCommand::List => {
            let store = ctx.open()?;
            let rows = app::stocktake::list(&store)?;
            ctx.emit(
                &[
                    "id",
                    "location",
                    "category",
                    "blind",
                    "started_at",
                    "started_by",
                    "status",
                    "lines",
                    "counted",
                    "ended_at",
                    "ended_by",
                ],
                &rows,
            )?;
            Ok(0)
        }
    }
}
