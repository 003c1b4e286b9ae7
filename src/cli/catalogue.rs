//! `item add|list|show|edit|retire` and `location add|list`.

use clap::{Args, Subcommand};
use serde::Serialize;

use super::Ctx;
use crate::app;
use crate::catalogue::Item;
use crate::error::Result;
use crate::import::ITEMS;
use crate::model::{Money, parse_count};

#[derive(Debug, Subcommand)]
pub(crate) enum LocationCommand {
    /// Add a location
    Add {
        /// Location code, e.g. FRIDGE-1
        code: String,
        /// Descriptive name
        #[arg(long)]
        name: Option<String>,
        /// The site of the network it is at, e.g. HUB or SPOKE-N (default MAIN)
        #[arg(long)]
        site: Option<String>,
        /// Monitor its temperature: the range in °C, e.g. 2..8 or --range=-25..-15
        #[arg(long, value_name = "MIN..MAX")]
        range: Option<String>,
        /// Minutes out of range tolerated before an excursion needs a decision (door openings)
        #[arg(long, value_name = "MINUTES")]
        tolerance: Option<String>,
    },
    /// Rename a location, move it to another site or change its temperature range (old values stay in `audit`)
    Edit {
        code: String,
        /// New descriptive name (empty clears it)
        #[arg(long)]
        name: Option<String>,
        /// Move it to this site of the network, e.g. HUB or SPOKE-N
        #[arg(long)]
        site: Option<String>,
        /// Monitor its temperature: the range in °C, e.g. 2..8 or --range=-25..-15
        #[arg(long, value_name = "MIN..MAX")]
        range: Option<String>,
        /// Minutes out of range tolerated before an excursion needs a decision (door openings)
        #[arg(long, value_name = "MINUTES")]
        tolerance: Option<String>,
    },
    /// Retire a location: it keeps its history but takes no new stock
    ///
    /// Refused while it holds stock (move or dispose of it first).
    Retire { code: String },
    /// List locations
    List,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ItemCommand {
    /// Add an item to the catalogue
    Add(ItemAddArgs),
    /// List items (active ones unless --all)
    List {
        /// Include retired items
        #[arg(long)]
        all: bool,
    },
    /// Find items by code, name, supplier reference or GTIN, best match first
    ///
    /// Case and accents are ignored: `item find glucose` finds "Glucosé
    /// reagent"; several words must all be in the name.
    Find {
        text: String,
        /// At most this many
        #[arg(long, default_value = "20")]
        limit: String,
    },
    /// Show one item with its stock by lot and location
    Show {
        /// Item code
        code: String,
    },
    /// Change an item's settings (an empty value clears a setting)
    Edit(ItemEditArgs),
    /// Store, show or clear the recipe of a prepared item (its usual components)
    ///
    /// Quantities are per unit made: `labstock prepare ITEM QTY --batch B`
    /// without --component then issues QTY times each component,
    /// first-expiry-first-out. Without --component (and
    /// without --clear) it prints the recipe. Each change is recorded like
    /// any other setting (`audit --entity item:ITEM`).
    #[command(
        after_help = "Example:\n  labstock item recipe PBS-1X --component PBS-TAB=2 --component WATER-RO=1"
    )]
    Recipe {
        /// The prepared item
        code: String,
        /// A usual component, ITEM=QTY per unit made (repeat for each)
        #[arg(long = "component", value_name = "ITEM=QTY")]
        components: Vec<String>,
        /// Remove the recipe
        #[arg(long, conflicts_with = "components")]
        clear: bool,
    },
    /// Retire an item: it keeps its history but is no longer received or reordered
    Retire {
        /// Item code
        code: String,
    },
    /// Set, clear or show an item's own reorder levels at a location
    Level(super::order::ItemLevelArgs),
}

/// Settings shared by `item add` and `item edit`.
#[derive(Debug, Args)]
pub(crate) struct ItemSettings {
    /// Category (reagent, PPE, plasticware, sharps, chemical, …)
    #[arg(long)]
    category: Option<String>,
    /// Unit of issue (box, each, kit, …)
    #[arg(long)]
    unit: Option<String>,
    /// Order multiple, in units of issue
    #[arg(long)]
    pack_size: Option<String>,
    /// Reorder when usable stock plus on-order falls to this level
    #[arg(long)]
    reorder_level: Option<String>,
    /// Order up to this level (must exceed the reorder level)
    #[arg(long)]
    max_level: Option<String>,
    /// Fixed reorder quantity (when no max level)
    #[arg(long)]
    reorder_qty: Option<String>,
    /// Supplier lead time in days
    #[arg(long)]
    lead_time_days: Option<String>,
    /// Supplier name
    #[arg(long)]
    supplier: Option<String>,
    /// Supplier's catalogue reference
    #[arg(long)]
    supplier_ref: Option<String>,
    /// Unit cost in pounds, e.g. 12.50
    #[arg(long, value_name = "POUNDS")]
    unit_cost: Option<String>,
    /// Storage condition (2-8C, -20C, room, flammables cabinet)
    #[arg(long)]
    storage: Option<String>,
    /// Hazard statements / COSHH reference
    #[arg(long)]
    hazard: Option<String>,
    /// GS1 GTIN (8, 12, 13 or 14 digits)
    #[arg(long)]
    gtin: Option<String>,
    /// Default waste stream for disposals, e.g. "16 05 06*"
    #[arg(long)]
    waste_stream: Option<String>,
    /// Days the item stays usable after opening
    #[arg(long)]
    in_use_days: Option<String>,
    /// Days a batch made in-house stays usable (`prepare`)
    #[arg(long)]
    shelf_life_days: Option<String>,
    /// GHS pictograms, e.g. GHS02,GHS07 (checked against the GB CLP list)
    #[arg(long, value_name = "CODES")]
    ghs: Option<String>,
    /// CLP signal word: Danger, Warning, or empty for none
    #[arg(long, value_name = "WORD")]
    signal_word: Option<String>,
    /// Hazard statements, e.g. H225,H319,EUH066 (H360Fd and H360FD differ)
    #[arg(long, value_name = "CODES")]
    h_statements: Option<String>,
    /// Precautionary statements, e.g. P210,P305+P351+P338
    #[arg(long, value_name = "CODES")]
    p_statements: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct ItemAddArgs {
    /// Item code (your key, e.g. RGT-0042)
    code: String,
    /// Item name
    #[arg(long)]
    name: String,
    /// Track stock by lot and expiry
    #[arg(long)]
    lot_tracked: bool,
    /// Each new lot is received pending and needs `lot accept` before use
    #[arg(long)]
    acceptance_required: bool,
    #[command(flatten)]
    settings: ItemSettings,
}

#[derive(Debug, Args)]
pub(crate) struct ItemEditArgs {
    /// Item code
    code: String,
    /// New name
    #[arg(long)]
    name: Option<String>,
    /// Track stock by lot and expiry (true/false)
    #[arg(long, value_name = "BOOL")]
    lot_tracked: Option<String>,
    /// Make a retired item active again
    #[arg(long)]
    active: bool,
    /// New lots need acceptance before use (lots already received keep their state)
    #[arg(long, conflicts_with = "no_acceptance_required")]
    acceptance_required: bool,
    /// New lots are usable on receipt (lots still pending stay pending until accepted)
    #[arg(long)]
    no_acceptance_required: bool,
    #[command(flatten)]
    settings: ItemSettings,
}

/// `Some("")` clears a setting; `None` leaves it.
fn text(field: &mut Option<String>, value: Option<String>) {
    if let Some(v) = value {
        let v = v.trim().to_owned();
        *field = (!v.is_empty()).then_some(v);
    }
}

fn number(field: &mut Option<i64>, what: &str, value: Option<&String>) -> Result<()> {
    if let Some(v) = value {
        *field = if v.trim().is_empty() {
            None
        } else {
            Some(parse_count(what, v)?)
        };
    }
    Ok(())
}

/// Apply the settings given; returns the warnings about hazard codes the
/// GB CLP list lacks (when any hazard setting was given).
fn apply_settings(item: &mut Item, s: ItemSettings) -> Result<Vec<String>> {
    let hazards_given = s.ghs.is_some()
        || s.signal_word.is_some()
        || s.h_statements.is_some()
        || s.p_statements.is_some();
    text(&mut item.ghs, s.ghs);
    text(&mut item.signal_word, s.signal_word);
    text(&mut item.h_statements, s.h_statements);
    text(&mut item.p_statements, s.p_statements);
    text(&mut item.category, s.category);
    if let Some(unit) = s.unit {
        item.unit = unit.trim().to_owned();
    }
    if let Some(p) = &s.pack_size {
        item.pack_size = parse_count("pack_size", p)?;
    }
    number(
        &mut item.reorder_level,
        "reorder_level",
        s.reorder_level.as_ref(),
    )?;
    number(&mut item.max_level, "max_level", s.max_level.as_ref())?;
    number(&mut item.reorder_qty, "reorder_qty", s.reorder_qty.as_ref())?;
    number(
        &mut item.lead_time_days,
        "lead_time_days",
        s.lead_time_days.as_ref(),
    )?;
    number(&mut item.in_use_days, "in_use_days", s.in_use_days.as_ref())?;
    number(
        &mut item.shelf_life_days,
        "shelf_life_days",
        s.shelf_life_days.as_ref(),
    )?;
    text(&mut item.supplier, s.supplier);
    text(&mut item.supplier_ref, s.supplier_ref);
    if let Some(cost) = s.unit_cost {
        item.unit_cost = if cost.trim().is_empty() {
            None
        } else {
            Some(Money::parse_pounds(&cost)?)
        };
    }
    text(&mut item.storage, s.storage);
    text(&mut item.hazard, s.hazard);
    text(&mut item.gtin, s.gtin);
    text(&mut item.waste_stream, s.waste_stream);
    if hazards_given {
        item.normalize_hazards()
    } else {
        Ok(Vec::new())
    }
}

pub(super) fn run_location(ctx: &Ctx, c: LocationCommand) -> Result<i32> {
    let mut store = ctx.open()?;
    match c {
        LocationCommand::Add {
            code,
            name,
            site,
            range,
            tolerance,
        } => {
            let m = super::temp::monitoring(range.as_deref(), tolerance.as_deref())?;
            let loc = if m.range.is_some() || m.tolerance.is_some() {
                app::temperature::add_location(
                    &mut store,
                    &code,
                    name.as_deref(),
                    site.as_deref(),
                    m,
                    ctx.actor(),
                )?
            } else {
                app::catalogue::add_location(
                    &mut store,
                    &app::catalogue::NewLocation { code, name, site },
                    ctx.actor(),
                )?
            };
            ctx.say(&format!("added location {}", loc.code));
        }
        LocationCommand::Edit {
            code,
            name,
            site,
            range,
            tolerance,
        } => {
            let m = super::temp::monitoring(range.as_deref(), tolerance.as_deref())?;
            let monitoring = m.range.is_some() || m.tolerance.is_some();
            let changed = if monitoring {
                app::temperature::edit_location(
                    &mut store,
                    &code,
                    name.as_deref(),
                    site.as_deref(),
                    m,
                    ctx.actor(),
                )?
            } else if let Some(site) = site.as_deref() {
                app::catalogue::move_location_to_site(
                    &mut store,
                    &code,
                    name.as_deref(),
                    site,
                    ctx.actor(),
                )?
            } else {
                app::catalogue::edit_location(&mut store, &code, name.as_deref(), ctx.actor())?
            };
            if changed {
                let what = if monitoring || site.is_some() {
                    "changed"
                } else {
                    "renamed"
                };
                ctx.say(&format!("location {} {what}", code.trim()));
            } else {
                ctx.say(&format!("location {} unchanged", code.trim()));
            }
        }
        LocationCommand::Retire { code } => {
            app::catalogue::retire_location(&mut store, &code, ctx.actor())?;
            ctx.say(&format!(
                "location {} retired: it keeps its history and takes no new stock",
                code.trim()
            ));
        }
        LocationCommand::List => {
            ctx.emit(
                &["code", "name", "site"],
                &app::catalogue::locations_with_sites(&store)?,
            )?;
        }
    }
    Ok(0)
}

#[derive(Serialize)]
struct StockByLot {
    lot: String,
    expiry: Option<String>,
    status: &'static str,
    location: String,
    quantity: i64,
}

pub(super) fn run_item(ctx: &Ctx, c: ItemCommand) -> Result<i32> {
    let mut store = ctx.open()?;
    match c {
        ItemCommand::Add(a) => {
            let mut item = Item::new(&a.code, &a.name);
            item.lot_tracked = a.lot_tracked;
            item.acceptance_required = a.acceptance_required;
            let warnings = apply_settings(&mut item, a.settings)?;
            let item = app::catalogue::add_item(&mut store, item, ctx.actor())?;
            ctx.say(&format!("added item {} ({})", item.code, item.name));
            for w in warnings {
                ctx.say(&format!("warning: {w}"));
            }
        }
        ItemCommand::List { all } => {
            let items = app::catalogue::items(&store, all)?;
            let mut headers: Vec<&str> = ITEMS.columns.to_vec();
            if all {
                headers.push("active");
            }
            ctx.emit(&headers, &items)?;
        }
        ItemCommand::Find { text, limit } => {
            let limit = crate::model::parse_count("--limit", &limit)?;
            let rows = crate::app::catalogue::find(
                &store,
                &text,
                usize::try_from(limit).unwrap_or(usize::MAX),
            )?;
            if rows.is_empty() {
                ctx.say(&format!("no item matches {:?}", text.trim()));
            }
            ctx.emit(crate::app::listing::FIND_HEADERS, &rows)?;
        }
        ItemCommand::Show { code } => {
            let card = app::catalogue::show_item(&store, &code, ctx.clock().today())?;
            let rows: Vec<StockByLot> = card
                .stock
                .iter()
                .map(|l| StockByLot {
                    lot: l.lot.clone(),
                    expiry: l.effective_expiry.map(|d| d.to_string()),
                    status: l.status.as_str(),
                    location: l.location.clone(),
                    quantity: l.quantity,
                })
                .collect();
            show_item(ctx, &card.item, &rows, &card.changes)?;
        }
        ItemCommand::Edit(a) => {
            let mut item = app::catalogue::item(&store, &a.code)?;
            if let Some(name) = a.name {
                item.name = name.trim().to_owned();
            }
            if let Some(b) = a.lot_tracked {
                item.lot_tracked = crate::model::parse_bool("--lot-tracked", &b)?;
            }
            if a.active {
                item.active = true;
            }
            if a.acceptance_required {
                item.acceptance_required = true;
            }
            if a.no_acceptance_required {
                item.acceptance_required = false;
            }
            let warnings = apply_settings(&mut item, a.settings)?;
            let (item, changes) = app::catalogue::update_item(&mut store, item, ctx.actor())?;
            for w in warnings {
                ctx.say(&format!("warning: {w}"));
            }
            if changes.is_empty() {
                ctx.say(&format!("item {}: nothing to change", item.code));
            }
            for c in &changes {
                ctx.say(&format!(
                    "item {}: {} {} -> {}",
                    item.code,
                    c.field,
                    c.old_value.as_deref().unwrap_or("(empty)"),
                    c.new_value.as_deref().unwrap_or("(empty)")
                ));
            }
        }
        ItemCommand::Retire { code } => {
            let item = app::catalogue::retire_item(&mut store, &code, ctx.actor())?;
            ctx.say(&format!("retired item {}; its history is kept", item.code));
        }
        ItemCommand::Level(a) => super::order::item_level(ctx, &mut store, a)?,
        ItemCommand::Recipe {
            code,
            components,
            clear,
        } => {
            if components.is_empty() && !clear {
                #[derive(Serialize)]
                struct Line {
                    component: String,
                    quantity: i64,
                }
                let rows: Vec<Line> = app::prepare::recipe(&store, &code)?
                    .into_iter()
                    .map(|(component, quantity)| Line {
                        component,
                        quantity,
                    })
                    .collect();
                if rows.is_empty() {
                    ctx.say(&format!("{} has no recipe", code.trim()));
                }
                ctx.emit(&["component", "quantity"], &rows)?;
                return Ok(0);
            }
            let specs = components
                .iter()
                .map(|c| crate::prepare::ComponentSpec::parse(c))
                .collect::<Result<Vec<_>>>()?;
            let (before, after) = app::prepare::set_recipe(&mut store, &code, &specs, ctx.actor())?;
            if before == after {
                ctx.say(&format!("item {}: recipe unchanged", code.trim()));
            } else {
                ctx.say(&format!(
                    "item {}: recipe {} -> {}",
                    code.trim(),
                    before.as_deref().unwrap_or("(none)"),
                    after.as_deref().unwrap_or("(none)")
                ));
            }
        }
    }
    Ok(0)
}

fn show_item(
    ctx: &Ctx,
    item: &Item,
    stock: &[StockByLot],
    changes: &[crate::catalogue::ItemChange],
) -> Result<()> {
    use crate::error::Error;
    use crate::report::{OutputFormat, render};
    #[derive(Serialize)]
    struct Shown<'a> {
        #[serde(flatten)]
        item: &'a Item,
        stock: &'a [StockByLot],
        changes: &'a [crate::catalogue::ItemChange],
    }
    #[derive(Serialize)]
    struct Field {
        field: String,
        value: String,
    }
    let io = |source| Error::Io {
        path: "<output>".into(),
        source,
    };
    let format = ctx.explicit_format().unwrap_or(OutputFormat::Table);
    if format == OutputFormat::Json {
        let shown = Shown {
            item,
            stock,
            changes,
        };
        return ctx.write_output(|out| {
            serde_json::to_writer_pretty(&mut *out, &shown)?;
            writeln!(out).map_err(io)
        });
    }
    let value = serde_json::to_value(item).map_err(|e| Error::Csv(e.to_string()))?;
    let fields: Vec<Field> = value
        .as_object()
        .map(|o| {
            o.iter()
                .map(|(k, v)| Field {
                    field: k.clone(),
                    value: match v {
                        serde_json::Value::Null => String::new(),
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    },
                })
                .collect()
        })
        .unwrap_or_default();
    let mut fields = render(&["field", "value"], &fields)?;
    fields.text.push("value".into());
    let blocks = [
        super::Block::new(format!("item {}", item.code), fields, "no fields"),
        super::Block::new(
            "stock by lot and location",
            render(&["lot", "expiry", "status", "location", "quantity"], stock)?,
            "no stock held",
        ),
        super::Block::new(
            "changes to the item's settings",
            render(&["at", "user", "field", "old_value", "new_value"], changes)?,
            "no changes recorded since it was added",
        ),
    ];
    ctx.write_blocks(&blocks, format)
}
