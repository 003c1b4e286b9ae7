//! Made-up solutions (SPEC §14): a batch of a prepared item made from
//! component lots, in one transaction.
//!
//! The batch is received as lot B of the prepared item. Components given
//! with a quantity are issued (first-expiry-first-out over the usable lots
//! at the batch's location when no lot is named); the others are recorded
//! for traceability only. Every component lot used, issued or not, caps the
//! batch's expiry with its effective expiry (an opened lot's in-use period
//! counts); the prepared item's `shelf_life_days` after the date of making
//! caps it too. The composition is evidence: `batches` and
//! `batch_components` are append-only and hash-chained, and `check` proves
//! them against the ledger ([`batches_disagreeing`]).
//!
//! Recipes are the usual components of a prepared item, per unit made (a
//! batch of QTY issues QTY times each), a setting like any other:
//! replaced whole, each replacement recorded in `item_changes`.

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use crate::args;
use crate::catalogue::{Item, find_item, find_location, require_open_location};
use crate::chain;
use crate::error::{Error, Refusal, Result, Within};
use crate::ledger::{self, Lookups, MovementRequest, Posted};
use crate::model::{LotStatus, MovementKind, Quantity, Usability};
use crate::store::Conn;
use crate::store::Store;
use crate::store::sql::prepare as sql;
use crate::values::{ItemId, LocationId, LotId, Timestamp};

/// One `--component ITEM[:LOT][=QTY]` as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentSpec {
    pub item: String,
    pub lot: Option<String>,
    /// Issued when given; recorded for traceability only when not.
    pub quantity: Option<Quantity>,
}

impl ComponentSpec {
    /// Parse `ITEM[:LOT][=QTY]`: split at the first `:` (item, then lot)
    /// and at the last `=` followed only by digits (the quantity), so lot
    /// numbers may contain `:` and `=` (SPEC §14).
    pub fn parse(text: &str) -> Result<ComponentSpec> {
        let bad = |why: &str| Error::invalid("--component", text, why.to_owned());
        let (rest, quantity) = match text.rsplit_once('=') {
            Some((head, digits))
                if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) =>
            {
                let q: i64 = digits
                    .parse()
                    .map_err(|_| bad("the quantity after = is too large"))?;
                if q == 0 {
                    return Err(bad(
                        "a quantity of 1 or more after =, or none to record the component for traceability only",
                    ));
                }
                (head, Some(Quantity::bounded("component quantity", q)?))
            }
            _ => (text, None),
        };
        let (item, lot) = match rest.split_once(':') {
            Some((item, lot)) => (item, Some(lot)),
            None => (rest, None),
        };
        let item = item.trim();
        if item.is_empty() {
            return Err(bad(
                "ITEM[:LOT][=QTY], e.g. NACL:S123=2 (an item code is required)",
            ));
        }
        let lot = match lot {
            Some(l) if l.trim().is_empty() => {
                return Err(bad(
                    "a lot number after `:` (leave out `:` to take the first-expiring lot)",
                ));
            }
            Some(l) => Some(l.trim().to_owned()),
            None => None,
        };
        Ok(ComponentSpec {
            item: item.to_owned(),
            lot,
            quantity,
        })
    }
}

/// `prepare ITEM QTY --batch B --component … [--location] [--date] [--note]`.
#[derive(Debug, Clone)]
pub struct PrepareRequest {
    pub item: String,
    pub quantity: Quantity,
    pub batch: String,
    /// Empty: the item's recipe.
    pub components: Vec<ComponentSpec>,
    pub location: Option<String>,
    /// The day it was made [default: today].
    pub date: Option<NaiveDate>,
    pub note: Option<String>,
}

/// One component lot as it went into a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UsedComponent {
    pub item: String,
    pub lot: String,
    /// Issued from the batch's location; `None`: traced only.
    pub quantity: Option<i64>,
    /// The lot's effective expiry when the batch was made.
    pub expires: Option<NaiveDate>,
}

/// What `prepare` wrote.
#[derive(Debug, Clone, Serialize)]
pub struct Prepared {
    pub item: String,
    pub batch: String,
    pub quantity: i64,
    pub location: String,
    pub prepared_on: NaiveDate,
    pub expiry: NaiveDate,
    /// What decided the expiry, in words.
    pub expiry_because: String,
    pub components: Vec<UsedComponent>,
    pub movements: Vec<Posted>,
    pub warnings: Vec<String>,
}

/// The text a batch's movements carry as their reference.
fn batch_reference(item: &str, batch: &str) -> String {
    format!("batch {batch} of {item}")
}

/// Usable stock of an item, for a refusal: "lot A (expires …): 5 at MAIN; …".
fn usable_stock(conn: Conn<'_>, item: &Item, as_of: NaiveDate) -> Result<String> {
    let rows = conn.query_all(&sql::USABLE_STOCK, args![item.id], |r| {
        Ok((
            r.get::<String>(0)?,
            r.get::<Option<String>>(1)?,
            r.get::<Option<String>>(2)?,
            r.get::<String>(3)?,
            r.get::<bool>(4)?,
            r.get::<String>(5)?,
            r.get::<i64>(6)?,
        ))
    })?;
    let mut usable = Vec::new();
    for (lot, expiry, opened, status, pending, location, quantity) in rows {
        let parse = |s: Option<String>| s.and_then(|s| crate::model::parse_stored_date(&s));
        let eff = crate::model::effective_expiry(parse(expiry), parse(opened), item.in_use_days);
        let status = LotStatus::from_db(&status).with_acceptance(pending);
        if Usability::of(status, eff, as_of).is_usable() {
            let name = if lot.is_empty() {
                "(no lot)".to_owned()
            } else {
                format!("lot {lot}")
            };
            let exp = eff.map(|e| format!(" (expires {e})")).unwrap_or_default();
            usable.push(format!("{name}{exp}: {quantity} at {location}"));
        }
    }
    Ok(if usable.is_empty() {
        format!("no usable stock of {} anywhere", item.code)
    } else {
        format!("usable {}: {}", item.code, usable.join("; "))
    })
}

/// The first lot of a batch's ancestry (the batches its lot was made
/// from, recursively) that is a lot of `item`: making `item` from it
/// would close a cycle of batches.
fn cycle_through(conn: Conn<'_>, lot_id: LotId, item_id: ItemId) -> Result<Option<String>> {
    conn.query_opt(&sql::CYCLE_THROUGH, args![lot_id, item_id], |r| r.get(0))
}

/// The stored recipe of an item: (component item code, quantity), in order.
pub(crate) fn recipe_of(conn: Conn<'_>, item_id: ItemId) -> Result<Vec<(String, i64)>> {
    conn.query_all(&sql::RECIPE_OF, args![item_id], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })
}

/// A recipe as the one line `item_changes` records.
fn recipe_text(recipe: &[(String, i64)]) -> Option<String> {
    (!recipe.is_empty()).then(|| {
        recipe
            .iter()
            .map(|(c, q)| format!("{c}={q}"))
            .collect::<Vec<_>>()
            .join(" ")
    })
}

/// Items whose recipe (recursively) uses `item_id`.
fn recipe_uses(conn: Conn<'_>, component: ItemId, target: ItemId) -> Result<bool> {
    Ok(conn
        .query_opt(&sql::RECIPE_USES, args![component, target], |_| Ok(()))?
        .is_some())
}

/// One component resolved to the lots it takes.
struct Resolved {
    item: Item,
    /// (lot, the portion taken (SPEC §15), quantity issued, issue movement id).
    lots: Vec<(ledger::Lot, ledger::Portion, Option<i64>, Option<i64>)>,
}

impl Store {
    /// Make a batch (SPEC §14), all in one transaction.
    pub fn prepare_batch(
        &mut self,
        req: &PrepareRequest,
        now: Timestamp,
        user: &str,
    ) -> Result<Prepared> {
        self.transact(|conn| prepare_in(conn, req, now, user))
    }
}

/// [`Store::prepare_batch`] in the caller's transaction.
#[allow(clippy::too_many_lines)]
fn prepare_in(tx: Conn<'_>, req: &PrepareRequest, now: Timestamp, user: &str) -> Result<Prepared> {
    let recorded_at = now.stamp();
    let zone = crate::settings::lab_zone(tx)?;
    let today = crate::clock::lab_date(now.get(), zone);
    let item = find_item(tx, &req.item)?;
    if !item.lot_tracked {
        return Err(Error::invalid(
            "item",
            &item.code,
            format!(
                "a prepared item is lot-tracked: each batch is a lot; make it so with `labstock item edit {} --lot-tracked true`",
                item.code
            ),
        ));
    }
    let batch = req.batch.trim();
    if batch.is_empty() {
        return Err(Error::missing(
            "--batch",
            "every batch has a batch (lot) number",
        ));
    }
    if ledger::find_lot(tx, item.id, batch)?.is_some() {
        return Err(Error::AlreadyExists {
            entity: "batch",
            key: batch.to_owned(),
            within: Within::of("item", &item.code),
        });
    }
    let location = find_location(
        tx,
        req.location.as_deref().unwrap_or(ledger::DEFAULT_LOCATION),
    )?;
    require_open_location(&location)?;
    let date = req.date.unwrap_or(today);
    if date > today {
        return Err(Error::invalid(
            "--date",
            date.to_string(),
            format!("a date on or before today ({today}): a batch is recorded once it is made"),
        ));
    }
    let at = if date == today {
        now
    } else {
        Timestamp::new("--date", crate::clock::noon_of(date, zone, now.get()))?
    };
    let specs: Vec<ComponentSpec> = if req.components.is_empty() {
        let recipe = recipe_of(tx, item.id)?;
        if recipe.is_empty() {
            return Err(Error::missing(
                "--component",
                format!(
                    "{} has no recipe: name its components (--component ITEM[:LOT][=QTY]) or store them with `labstock item recipe {} --component ITEM=QTY …`",
                    item.code, item.code
                ),
            ));
        }
        recipe
            .into_iter()
            .map(|(code, per_unit)| {
                // A recipe gives the components of one unit made.
                let q = per_unit.checked_mul(req.quantity.get()).ok_or_else(|| {
                    Error::invalid(
                        "quantity",
                        req.quantity.get().to_string(),
                        "a batch whose recipe quantities stay within bounds",
                    )
                })?;
                Ok(ComponentSpec {
                    item: code,
                    lot: None,
                    quantity: Some(Quantity::bounded("component quantity", q)?),
                })
            })
            .collect::<Result<_>>()?
    } else {
        req.components.clone()
    };
    let reference = batch_reference(&item.code, batch);
    let mut lk = Lookups::default();
    let mut movements = Vec::new();
    let mut resolved: Vec<Resolved> = Vec::new();
    for spec in &specs {
        let citem = find_item(tx, &spec.item)?;
        if citem.id == item.id {
            return Err(Error::Refused(Refusal::ComponentIsItself {
                item: item.code.clone(),
            }));
        }
        if resolved
            .iter()
            .any(|r| r.item.id == citem.id && spec.lot.is_none())
        {
            return Err(Error::invalid(
                "--component",
                &spec.item,
                format!(
                    "{} is named twice; name it once, or name each lot",
                    citem.code
                ),
            ));
        }
        let lots = match (&spec.lot, spec.quantity) {
            (Some(name), q) => {
                let lot = ledger::existing_lot(tx, &citem, name)?;
                let eff = lot.effective_expiry(&citem, None);
                let usability = Usability::of(lot.status, eff, date);
                if !usability.is_usable() {
                    return Err(Error::Refused(Refusal::ComponentNotUsable {
                        item: citem.code.clone(),
                        lot: lot.lot.clone(),
                        why: match (usability, eff) {
                            (Usability::Expired, Some(e)) => format!("expired on {e}"),
                            (u, _) => u.as_str().to_owned(),
                        },
                        usable: usable_stock(tx, &citem, date)?,
                    }));
                }
                let held = lot_held(tx, lot.id, q.map(|_| location.id))?;
                let need = q.map_or(1, Quantity::get);
                if held < need {
                    let place = if q.is_some() {
                        format!("{held} at {}", location.code)
                    } else {
                        "none in stock".to_owned()
                    };
                    return Err(Error::Refused(Refusal::ComponentNotInStock {
                        item: citem.code.clone(),
                        what: format!("lot {} ({place}, {need} needed)", lot.lot),
                        usable: usable_stock(tx, &citem, date)?,
                    }));
                }
                match q {
                    Some(q) => {
                        let out = issue(
                            tx,
                            &mut lk,
                            &citem,
                            Some(&lot.lot),
                            q,
                            &location.code,
                            &reference,
                            at,
                            user,
                            &recorded_at,
                        )?;
                        let taken = out
                            .iter()
                            .map(|p| {
                                (
                                    lot.clone(),
                                    p.opened_on,
                                    Some(-p.quantity.get()),
                                    Some(p.id.get()),
                                )
                            })
                            .collect();
                        movements.extend(out);
                        taken
                    }
                    None => vec![(lot, None, None, None)],
                }
            }
            (None, Some(q)) => {
                let lots = ledger::lots_with_stock(tx, &citem, location.id)?;
                if ledger::fefo_plan(&lots, &citem, date, q.get()).is_none() {
                    let here: i64 = lots
                        .iter()
                        .filter(|(l, p, _)| l.usable(&citem, *p, date))
                        .map(|(_, _, q)| q)
                        .sum();
                    return Err(Error::Refused(Refusal::ComponentNotInStock {
                        item: citem.code.clone(),
                        what: format!("{} usable at {} ({} needed)", here, location.code, q.get()),
                        usable: usable_stock(tx, &citem, date)?,
                    }));
                }
                let out = issue(
                    tx,
                    &mut lk,
                    &citem,
                    None,
                    q,
                    &location.code,
                    &reference,
                    at,
                    user,
                    &recorded_at,
                )?;
                let mut taken = Vec::with_capacity(out.len());
                for p in &out {
                    let lot = ledger::existing_lot(tx, &citem, &p.lot)?;
                    taken.push((lot, p.opened_on, Some(-p.quantity.get()), Some(p.id.get())));
                }
                movements.extend(out);
                taken
            }
            (None, None) => {
                // Traced only, no lot named: the lot FEFO would take,
                // here, else anywhere.
                let mut lots = ledger::lots_with_stock(tx, &citem, location.id)?;
                let mut plan = ledger::fefo_plan(&lots, &citem, date, 1);
                if plan.is_none() {
                    lots = all_lots_with_stock(tx, &citem)?;
                    plan = ledger::fefo_plan(&lots, &citem, date, 1);
                }
                match plan.as_deref() {
                    Some([(i, _), ..]) => vec![(lots[*i].0.clone(), lots[*i].1, None, None)],
                    _ => {
                        return Err(Error::Refused(Refusal::ComponentNotInStock {
                            item: citem.code.clone(),
                            what: "nothing usable".to_owned(),
                            usable: usable_stock(tx, &citem, date)?,
                        }));
                    }
                }
            }
        };
        for (lot, ..) in &lots {
            if let Some(via) = cycle_through(tx, lot.id, item.id)? {
                return Err(Error::Refused(Refusal::BatchCycle {
                    item: item.code.clone(),
                    component: citem.code.clone(),
                    lot: lot.lot.clone(),
                    via,
                }));
            }
        }
        resolved.push(Resolved { item: citem, lots });
    }
    // The expiry: the earliest of every component lot's effective
    // expiry and the date + shelf life.
    let mut expiry: Option<(NaiveDate, String)> = None;
    let mut components = Vec::new();
    for r in &resolved {
        for (lot, portion, q, _) in &r.lots {
            let eff = lot.effective_expiry(&r.item, *portion);
            components.push(UsedComponent {
                item: r.item.code.clone(),
                lot: lot.lot.clone(),
                quantity: *q,
                expires: eff,
            });
            if let Some(e) = eff
                && expiry.as_ref().is_none_or(|(x, _)| e < *x)
            {
                let opened = match (*portion, r.item.in_use_days) {
                    (Some(o), Some(d)) if lot.expiry != Some(e) => {
                        format!(", opened {o}, {d} days in use")
                    }
                    _ => String::new(),
                };
                expiry = Some((
                    e,
                    format!("component {} lot {}{opened}", r.item.code, lot.lot),
                ));
            }
        }
    }
    if let Some(days) = item.shelf_life_days {
        let end = date
            .checked_add_signed(Duration::days(days))
            .ok_or_else(|| {
                Error::invalid(
                    "shelf_life_days",
                    days.to_string(),
                    "a shelf life that ends before 9999",
                )
            })?;
        if expiry.as_ref().is_none_or(|(x, _)| end < *x) {
            expiry = Some((end, format!("shelf life of {days} days from {date}")));
        }
    }
    let Some((expiry, expiry_because)) = expiry else {
        return Err(Error::Refused(Refusal::BatchWithoutExpiry {
            item: item.code.clone(),
        }));
    };
    let mut receive =
        MovementRequest::new(MovementKind::Receive, &item.code, req.quantity, at, user);
    receive.lot = Some(batch.to_owned());
    receive.expiry = Some(expiry);
    receive.location = Some(location.code.clone());
    receive.note = Some(
        match req.note.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
            Some(n) => format!("prepared; {n}"),
            None => "prepared".to_owned(),
        },
    );
    let received = ledger::record_with(tx, &mut lk, &receive, &recorded_at)?;
    let mut warnings = received.warnings;
    let Some(receipt) = received.movements.first().cloned() else {
        return Err(Error::Refused(Refusal::BatchNotReceived {
            item: item.code.clone(),
            lot: batch.to_owned(),
        }));
    };
    let lot = ledger::existing_lot(tx, &item, batch)?;
    let batch_id = chain::append_cells(
        tx,
        &chain::BATCHES,
        args![
            item.id,
            lot.id,
            location.id,
            req.quantity.get(),
            date.to_string(),
            expiry.to_string(),
            receipt.id,
            req.note.as_deref().map(str::trim).filter(|n| !n.is_empty()),
            recorded_at,
            user
        ],
    )?;
    for r in &resolved {
        for (lot, portion, q, movement) in &r.lots {
            chain::append_cells(
                tx,
                &chain::BATCH_COMPONENTS,
                args![
                    batch_id,
                    r.item.id,
                    lot.id,
                    q,
                    movement,
                    lot.effective_expiry(&r.item, *portion)
                        .map(|d| d.to_string())
                ],
            )?;
        }
    }
    if expiry < today {
        warnings.push(format!(
            "batch {batch} of {} expired on {expiry}",
            item.code
        ));
    }
    movements.insert(0, receipt);
    Ok(Prepared {
        item: item.code,
        batch: batch.to_owned(),
        quantity: req.quantity.get(),
        location: location.code,
        prepared_on: date,
        expiry,
        expiry_because,
        components,
        movements,
        warnings,
    })
}

impl Store {
    /// `item recipe ITEM --component ITEM=QTY …`: replace the item's usual
    /// components (empty: remove the recipe), recording the change in
    /// `item_changes` like any setting. Returns the recipe as it was and
    /// as it now is.
    pub fn set_recipe(
        &mut self,
        code: &str,
        components: &[ComponentSpec],
        now: &str,
        user: &str,
    ) -> Result<(Option<String>, Option<String>)> {
        self.transact(|tx| set_recipe_in(tx, code, components, now, user))
    }

    /// An item's recipe: (component, quantity) in order.
    pub fn recipe(&self, code: &str) -> Result<Vec<(String, i64)>> {
        self.read(|conn| {
            let item = find_item(conn, code)?;
            recipe_of(conn, item.id)
        })
    }
}

/// [`Store::set_recipe`] in the caller's transaction.
fn set_recipe_in(
    tx: Conn<'_>,
    code: &str,
    components: &[ComponentSpec],
    now: &str,
    user: &str,
) -> Result<(Option<String>, Option<String>)> {
    // Writers of a recipe take turns (the lock of the chain of item
    // changes, on PostgreSQL), so each reads the recipe the last one left.
    tx.lock_chain(&chain::ITEM_CHANGES)?;
    let item = find_item(tx, code)?;
    let before = recipe_text(&recipe_of(tx, item.id)?);
    let mut recipe: Vec<(Item, i64)> = Vec::with_capacity(components.len());
    for spec in components {
        let citem = find_item(tx, &spec.item)?;
        if spec.lot.is_some() {
            return Err(Error::invalid(
                "--component",
                format!("{}:{}", spec.item, spec.lot.as_deref().unwrap_or_default()),
                "a recipe names items and quantities (ITEM=QTY); lots are chosen first-expiry-first-out when a batch is made",
            ));
        }
        let Some(q) = spec.quantity else {
            return Err(Error::invalid(
                "--component",
                &spec.item,
                "ITEM=QTY: a recipe gives the quantity of each component",
            ));
        };
        if citem.id == item.id {
            return Err(Error::Refused(Refusal::ComponentIsItself {
                item: item.code.clone(),
            }));
        }
        if recipe_uses(tx, citem.id, item.id)? {
            return Err(Error::invalid(
                "--component",
                &citem.code,
                format!(
                    "the recipe of {} uses {}: a recipe may not go round in a circle",
                    citem.code, item.code
                ),
            ));
        }
        if recipe.iter().any(|(i, _)| i.id == citem.id) {
            return Err(Error::invalid(
                "--component",
                &citem.code,
                "each component once, with its whole quantity",
            ));
        }
        recipe.push((citem, q.get()));
    }
    tx.execute(&sql::DELETE_RECIPE, args![item.id])?;
    for (position, (citem, q)) in recipe.iter().enumerate() {
        let position = i64::try_from(position)
            .map_err(|_| Error::invalid("--component", &citem.code, "fewer components"))?;
        tx.execute(
            &sql::INSERT_RECIPE_LINE,
            args![item.id, position, citem.id, q],
        )?;
    }
    let after = recipe_text(
        &recipe
            .iter()
            .map(|(i, q)| (i.code.clone(), *q))
            .collect::<Vec<_>>(),
    );
    if before != after {
        chain::append_cells(
            tx,
            &chain::ITEM_CHANGES,
            args![item.id, "recipe", before, after, now, user],
        )?;
    }
    Ok((before, after))
}

/// A batch made from a lot, or a component lot a batch was made from, for
/// `trace` and recalls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BatchLink {
    /// 1: directly; 2: through one batch between; …
    pub depth: i64,
    pub item: String,
    pub lot: String,
    /// Issued from the component lot into the batch; `None`: traced only.
    pub quantity: Option<i64>,
    pub expiry: Option<String>,
    pub status: String,
    /// Stock of the lot now, over every location.
    pub on_hand: i64,
    /// When the lot is itself a batch: the day it was made.
    pub prepared_on: Option<String>,
}

fn links(conn: Conn<'_>, sql: &crate::store::Sql, lot: LotId) -> Result<Vec<BatchLink>> {
    conn.query_all(sql, args![lot], |r| {
        Ok(BatchLink {
            depth: r.get(0)?,
            item: r.get(1)?,
            lot: r.get(2)?,
            quantity: r.get(3)?,
            expiry: r.get(4)?,
            status: r.get(5)?,
            on_hand: r.get(6)?,
            prepared_on: r.get(7)?,
        })
    })
}

/// Every batch made from `lot`, and from those batches, nearest first.
pub(crate) fn made_into(conn: Conn<'_>, lot: LotId) -> Result<Vec<BatchLink>> {
    links(conn, &sql::MADE_INTO, lot)
}

/// Every component lot `lot` was made from, and theirs, nearest first
/// (empty for a lot that is not a batch).
pub(crate) fn made_from(conn: Conn<'_>, lot: LotId) -> Result<Vec<BatchLink>> {
    links(conn, &sql::MADE_FROM, lot)
}

/// What a recall did, and the batches made from the recalled lot.
#[derive(Debug, Clone)]
pub struct Recalled {
    /// The recalled lot; `None` when it was recalled before and only the
    /// cascade was asked for.
    pub state: Option<crate::lots::LotState>,
    /// Batches made from it (recursively) that still hold stock.
    pub in_stock: Vec<BatchLink>,
    /// Those the cascade quarantined now.
    pub quarantined: Vec<BatchLink>,
}

impl Store {
    /// `lot recall ITEM LOT [--cascade]`: recall a lot; with `cascade`,
    /// quarantine every batch made from it (recursively) that still holds
    /// stock and is not already quarantined or recalled, each recorded as
    /// `lot quarantine` is, naming the recall. One transaction. A lot
    /// recalled before may be given `--cascade` alone.
    #[allow(clippy::too_many_arguments)]
    pub fn recall_lot(
        &mut self,
        item: &str,
        lot: &str,
        reason: Option<&str>,
        cascade: bool,
        today: NaiveDate,
        now: &str,
        user: &str,
    ) -> Result<Recalled> {
        self.transact(|tx| recall_in(tx, item, lot, reason, cascade, today, now, user))
    }
}

/// [`Store::recall_lot`] in the caller's transaction.
#[allow(clippy::too_many_arguments)]
fn recall_in(
    tx: Conn<'_>,
    item: &str,
    lot: &str,
    reason: Option<&str>,
    cascade: bool,
    today: NaiveDate,
    now: &str,
    user: &str,
) -> Result<Recalled> {
    // Writers of lot events take turns on PostgreSQL, so the status
    // read here is the one the recall changes.
    tx.lock_chain(&chain::LOT_EVENTS)?;
    let found = find_item(tx, item)?;
    let current = ledger::existing_lot(tx, &found, lot)?;
    let state = if cascade && current.status == LotStatus::Recalled {
        None
    } else {
        Some(crate::lots::act_on_lot(
            tx,
            item,
            lot,
            crate::lots::LotAction::Recall,
            reason,
            today,
            now,
            user,
        )?)
    };
    let mut in_stock: Vec<BatchLink> = Vec::new();
    for link in made_into(tx, current.id)? {
        if link.on_hand > 0
            && !in_stock
                .iter()
                .any(|l| l.item == link.item && l.lot == link.lot)
        {
            in_stock.push(link);
        }
    }
    let mut quarantined = Vec::new();
    if cascade {
        let why = format!("made from lot {} of {}, recalled", current.lot, found.code);
        for link in &in_stock {
            if link.status == "available" || link.status == "pending" {
                crate::lots::act_on_lot(
                    tx,
                    &link.item,
                    &link.lot,
                    crate::lots::LotAction::Quarantine,
                    Some(&why),
                    today,
                    now,
                    user,
                )?;
                quarantined.push(BatchLink {
                    status: "quarantined".to_owned(),
                    ..link.clone()
                });
            }
        }
    }
    Ok(Recalled {
        state,
        in_stock,
        quarantined,
    })
}

impl Store {
    /// Whether lot `lot` of `item` is a batch made by `prepare`.
    pub fn is_batch(&self, item: &Item, lot: &str) -> Result<bool> {
        self.read_one(|conn| {
            Ok(conn
                .query_opt(&sql::IS_BATCH, args![item.id, lot], |_| Ok(()))?
                .is_some())
        })
    }
}

/// Stock of one lot, at one location or everywhere.
fn lot_held(conn: Conn<'_>, lot: LotId, at: Option<LocationId>) -> Result<i64> {
    conn.query_one(&sql::LOT_HELD, args![lot, at], |r| r.get(0))
}

/// Every lot of an item with stock anywhere, as (lot, total held).
fn all_lots_with_stock(conn: Conn<'_>, item: &Item) -> Result<Vec<ledger::Held>> {
    let names = conn.query_all(&sql::ALL_LOTS_WITH_STOCK, args![item.id], |r| {
        Ok((
            r.get::<String>(0)?,
            ledger::portion_in(r, 1)?,
            r.get::<i64>(2)?,
        ))
    })?;
    names
        .into_iter()
        .map(|(name, portion, q)| Ok((ledger::existing_lot(conn, item, &name)?, portion, q)))
        .collect()
}

/// Issue a component through the ledger's own rules.
#[allow(clippy::too_many_arguments)]
fn issue(
    conn: Conn<'_>,
    lk: &mut Lookups,
    item: &Item,
    lot: Option<&str>,
    quantity: Quantity,
    location: &str,
    reference: &str,
    at: Timestamp,
    user: &str,
    recorded_at: &str,
) -> Result<Vec<Posted>> {
    let mut req = MovementRequest::new(MovementKind::Issue, &item.code, quantity, at, user);
    req.lot = lot.map(str::to_owned);
    req.location = Some(location.to_owned());
    req.reference = Some(reference.to_owned());
    Ok(ledger::record_with(conn, lk, &req, recorded_at)?.movements)
}

/// Batches whose records disagree with the ledger or the lots: the lot
/// is not the item's, its expiry is not the batch's, the receipt or an
/// issue is not the movement recorded. For `check`.
pub(crate) fn batches_disagreeing<'c>(conn: impl Into<Conn<'c>>) -> Result<Vec<String>> {
    let conn = conn.into();
    let mut out = Vec::new();
    conn.for_each(&sql::BATCHES_DISAGREEING, args![], |r| {
        let (id, item, lot): (i64, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
        out.push(format!(
            "batch record {id} (lot {lot} of {item}) disagrees with its lot or its receipt in the ledger; run `labstock audit --entity batch:{id}`"
        ));
        Ok(())
    })?;
    conn.for_each(&sql::COMPONENTS_DISAGREEING, args![], |r| {
        let (id, item, lot): (i64, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
        out.push(format!(
            "batch component record {id} (lot {lot} of {item}) disagrees with its lot or its issue in the ledger; run `labstock audit --entity batch_component:{id}`"
        ));
        Ok(())
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(item: &str, lot: Option<&str>, q: Option<i64>) -> ComponentSpec {
        ComponentSpec {
            item: item.to_owned(),
            lot: lot.map(str::to_owned),
            quantity: q.and_then(Quantity::new),
        }
    }

    #[test]
    fn components_split_at_the_first_colon_and_the_last_equals_with_digits() {
        let p = |t: &str| ComponentSpec::parse(t).unwrap();
        assert_eq!(p("NACL"), spec("NACL", None, None));
        assert_eq!(p("NACL=2"), spec("NACL", None, Some(2)));
        assert_eq!(p("NACL:S1"), spec("NACL", Some("S1"), None));
        assert_eq!(p("NACL:S1=2"), spec("NACL", Some("S1"), Some(2)));
        assert_eq!(p("NACL:A:B=C"), spec("NACL", Some("A:B=C"), None));
        assert_eq!(p("NACL:A=B=3"), spec("NACL", Some("A=B"), Some(3)));
        assert_eq!(p("NACL:A=3x"), spec("NACL", Some("A=3x"), None));
        assert_eq!(p("NACL:A="), spec("NACL", Some("A="), None));
        assert_eq!(p("NACL:L=1=12"), spec("NACL", Some("L=1"), Some(12)));
        for bad in [
            "",
            ":L",
            "=2",
            "NACL:",
            "NACL:=2",
            "NACL=0",
            "NACL=99999999999999999999",
        ] {
            assert!(ComponentSpec::parse(bad).is_err(), "{bad}");
        }
    }
}
