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
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::catalogue::{Item, find_item, find_location, require_open_location};
use crate::chain;
use crate::db::Store;
use crate::error::{Error, Refusal, Result, Within};
use crate::ledger::{self, Lookups, MovementRequest, Posted};
use crate::model::{LotStatus, MovementKind, Quantity, Usability};
use crate::values::{ItemId, LotId, Timestamp};

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
fn usable_stock(conn: &Connection, item: &Item, as_of: NaiveDate) -> Result<String> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.lot, l.expiry, nullif(b.opened_on, ''), l.status, l.pending, loc.code, b.quantity \
         FROM balances b JOIN lots l ON l.id = b.lot_id JOIN locations loc ON loc.id = b.location_id \
         WHERE b.item_id = ?1 AND b.quantity > 0 ORDER BY l.expiry, l.lot, loc.code",
    )?;
    let rows = stmt
        .query_map([item.id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, bool>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, i64>(6)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
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
fn cycle_through(conn: &Connection, lot_id: LotId, item_id: ItemId) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "WITH RECURSIVE up(lot_id) AS ( \
                 SELECT ?1 \
                 UNION SELECT c.lot_id FROM up JOIN batches b ON b.lot_id = up.lot_id \
                       JOIN batch_components c ON c.batch_id = b.id) \
             SELECT l.lot FROM up JOIN lots l ON l.id = up.lot_id WHERE l.item_id = ?2 LIMIT 1",
        )?
        .query_row(params![lot_id, item_id], |r| r.get::<_, String>(0))
        .optional()?)
}

/// The stored recipe of an item: (component item code, quantity), in order.
pub(crate) fn recipe_of(conn: &Connection, item_id: ItemId) -> Result<Vec<(String, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT i.code, r.quantity FROM recipes r JOIN items i ON i.id = r.component_item_id \
         WHERE r.item_id = ?1 ORDER BY r.position",
    )?;
    let rows = stmt
        .query_map([item_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
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
fn recipe_uses(conn: &Connection, component: ItemId, target: ItemId) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "WITH RECURSIVE down(item_id) AS ( \
                 SELECT ?1 \
                 UNION SELECT r.component_item_id FROM down JOIN recipes r ON r.item_id = down.item_id) \
             SELECT 1 FROM down WHERE item_id = ?2 LIMIT 1",
        )?
        .query_row(params![component, target], |_| Ok(()))
        .optional()?
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
        let recorded_at = now.stamp();
        let tx = self.write()?;
        let zone = crate::settings::lab_zone(&tx)?;
        let today = crate::clock::lab_date(now.get(), zone);
        let item = find_item(&tx, &req.item)?;
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
        if ledger::find_lot(&tx, item.id, batch)?.is_some() {
            return Err(Error::AlreadyExists {
                entity: "batch",
                key: batch.to_owned(),
                within: Within::of("item", &item.code),
            });
        }
        let location = find_location(
            &tx,
            req.location.as_deref().unwrap_or(ledger::DEFAULT_LOCATION),
        )?;
        require_open_location(&tx, &location)?;
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
            let recipe = recipe_of(&tx, item.id)?;
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
            let citem = find_item(&tx, &spec.item)?;
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
                    let lot = ledger::existing_lot(&tx, &citem, name)?;
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
                            usable: usable_stock(&tx, &citem, date)?,
                        }));
                    }
                    let held = lot_held(&tx, lot.id, q.map(|_| location.id))?;
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
                            usable: usable_stock(&tx, &citem, date)?,
                        }));
                    }
                    match q {
                        Some(q) => {
                            let out = issue(
                                &tx,
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
                    let lots = ledger::lots_with_stock(&tx, &citem, location.id)?;
                    if ledger::fefo_plan(&lots, &citem, date, q.get()).is_none() {
                        let here: i64 = lots
                            .iter()
                            .filter(|(l, p, _)| l.usable(&citem, *p, date))
                            .map(|(_, _, q)| q)
                            .sum();
                        return Err(Error::Refused(Refusal::ComponentNotInStock {
                            item: citem.code.clone(),
                            what: format!(
                                "{} usable at {} ({} needed)",
                                here,
                                location.code,
                                q.get()
                            ),
                            usable: usable_stock(&tx, &citem, date)?,
                        }));
                    }
                    let out = issue(
                        &tx,
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
                        let lot = ledger::existing_lot(&tx, &citem, &p.lot)?;
                        taken.push((lot, p.opened_on, Some(-p.quantity.get()), Some(p.id.get())));
                    }
                    movements.extend(out);
                    taken
                }
                (None, None) => {
                    // Traced only, no lot named: the lot FEFO would take,
                    // here, else anywhere.
                    let mut lots = ledger::lots_with_stock(&tx, &citem, location.id)?;
                    let mut plan = ledger::fefo_plan(&lots, &citem, date, 1);
                    if plan.is_none() {
                        lots = all_lots_with_stock(&tx, &citem)?;
                        plan = ledger::fefo_plan(&lots, &citem, date, 1);
                    }
                    match plan.as_deref() {
                        Some([(i, _), ..]) => vec![(lots[*i].0.clone(), lots[*i].1, None, None)],
                        _ => {
                            return Err(Error::Refused(Refusal::ComponentNotInStock {
                                item: citem.code.clone(),
                                what: "nothing usable".to_owned(),
                                usable: usable_stock(&tx, &citem, date)?,
                            }));
                        }
                    }
                }
            };
            for (lot, ..) in &lots {
                if let Some(via) = cycle_through(&tx, lot.id, item.id)? {
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
        let received = ledger::record_with(&tx, &mut lk, &receive, &recorded_at)?;
        let mut warnings = received.warnings;
        let Some(receipt) = received.movements.first().cloned() else {
            return Err(Error::Refused(Refusal::BatchNotReceived {
                item: item.code.clone(),
                lot: batch.to_owned(),
            }));
        };
        let lot = ledger::existing_lot(&tx, &item, batch)?;
        let batch_id = chain::append(
            &tx,
            &chain::BATCHES,
            params![
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
                chain::append(
                    &tx,
                    &chain::BATCH_COMPONENTS,
                    params![
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
        tx.commit()?;
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
        let tx = self.write()?;
        let item = find_item(&tx, code)?;
        let before = recipe_text(&recipe_of(&tx, item.id)?);
        let mut recipe: Vec<(Item, i64)> = Vec::with_capacity(components.len());
        for spec in components {
            let citem = find_item(&tx, &spec.item)?;
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
            if recipe_uses(&tx, citem.id, item.id)? {
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
        tx.execute("DELETE FROM recipes WHERE item_id = ?1", [item.id])?;
        for (position, (citem, q)) in recipe.iter().enumerate() {
            tx.execute(
                "INSERT INTO recipes (item_id, position, component_item_id, quantity) VALUES (?1, ?2, ?3, ?4)",
                params![item.id, position as i64, citem.id, q],
            )?;
        }
        let after = recipe_text(
            &recipe
                .iter()
                .map(|(i, q)| (i.code.clone(), *q))
                .collect::<Vec<_>>(),
        );
        if before != after {
            chain::append(
                &tx,
                &chain::ITEM_CHANGES,
                params![item.id, "recipe", before, after, now, user],
            )?;
        }
        tx.commit()?;
        Ok((before, after))
    }

    /// An item's recipe: (component, quantity) in order.
    pub fn recipe(&self, code: &str) -> Result<Vec<(String, i64)>> {
        let item = find_item(self.sqlite()?, code)?;
        recipe_of(self.sqlite()?, item.id)
    }
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

/// The far end of each link: the batches made from the lot (`down`), or
/// the component lots it was made from (`up`), recursively.
macro_rules! links_sql {
    ($recurse:literal) => {
        concat!(
            "WITH RECURSIVE walk(lot_id, depth, qty) AS (SELECT ?1, 0, NULL UNION ",
            $recurse,
            " WHERE walk.depth < 64) \
             SELECT walk.depth, i.code, l.lot, walk.qty, l.expiry, ",
            crate::lot_status_sql!("l"),
            ", (SELECT coalesce(SUM(x.quantity), 0) FROM balances x WHERE x.lot_id = l.id), bt.prepared_on \
             FROM walk JOIN lots l ON l.id = walk.lot_id JOIN items i ON i.id = l.item_id \
             LEFT JOIN batches bt ON bt.lot_id = l.id \
             WHERE walk.depth > 0 ORDER BY walk.depth, i.code COLLATE BINARY, l.lot"
        )
    };
}

const MADE_INTO: &str = links_sql!(
    "SELECT b.lot_id, walk.depth + 1, c.quantity FROM walk JOIN batch_components c ON c.lot_id = walk.lot_id \
     JOIN batches b ON b.id = c.batch_id"
);
const MADE_FROM: &str = links_sql!(
    "SELECT c.lot_id, walk.depth + 1, c.quantity FROM walk JOIN batches b ON b.lot_id = walk.lot_id \
     JOIN batch_components c ON c.batch_id = b.id"
);

fn links(conn: &Connection, sql: &str, lot: LotId) -> Result<Vec<BatchLink>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt
        .query_map([lot], |r| {
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
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Every batch made from `lot`, and from those batches, nearest first.
pub(crate) fn made_into(conn: &Connection, lot: LotId) -> Result<Vec<BatchLink>> {
    links(conn, MADE_INTO, lot)
}

/// Every component lot `lot` was made from, and theirs, nearest first
/// (empty for a lot that is not a batch).
pub(crate) fn made_from(conn: &Connection, lot: LotId) -> Result<Vec<BatchLink>> {
    links(conn, MADE_FROM, lot)
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
        let tx = self.write()?;
        let found = find_item(&tx, item)?;
        let current = ledger::existing_lot(&tx, &found, lot)?;
        let state = if cascade && current.status == LotStatus::Recalled {
            None
        } else {
            Some(crate::lots::act_on_lot(
                &tx,
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
        for link in made_into(&tx, current.id)? {
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
                        &tx,
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
        tx.commit()?;
        Ok(Recalled {
            state,
            in_stock,
            quarantined,
        })
    }
}

impl Store {
    /// Whether lot `lot` of `item` is a batch made by `prepare`.
    pub fn is_batch(&self, item: &Item, lot: &str) -> Result<bool> {
        Ok(self.sqlite()?
            .prepare_cached(
                "SELECT 1 FROM batches b JOIN lots l ON l.id = b.lot_id WHERE l.item_id = ?1 AND l.lot = ?2",
            )?
            .query_row(params![item.id, lot], |_| Ok(()))
            .optional()?
            .is_some())
    }
}

/// Stock of one lot, at one location or everywhere.
fn lot_held(conn: &Connection, lot: LotId, at: Option<crate::values::LocationId>) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT coalesce(SUM(quantity), 0) FROM balances WHERE lot_id = ?1 AND (?2 IS NULL OR location_id = ?2)",
        )?
        .query_row(params![lot, at], |r| r.get(0))?)
}

/// Every lot of an item with stock anywhere, as (lot, total held).
fn all_lots_with_stock(conn: &Connection, item: &Item) -> Result<Vec<ledger::Held>> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.lot, b.opened_on, SUM(b.quantity) FROM balances b JOIN lots l ON l.id = b.lot_id \
         WHERE b.item_id = ?1 AND b.quantity > 0 GROUP BY l.id, b.opened_on ORDER BY l.id, b.opened_on",
    )?;
    let names = stmt
        .query_map([item.id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                ledger::portion_of(r.get_ref(1)?.as_str_or_null()?),
                r.get::<_, i64>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    names
        .into_iter()
        .map(|(name, portion, q)| Ok((ledger::existing_lot(conn, item, &name)?, portion, q)))
        .collect()
}

/// Issue a component through the ledger's own rules.
#[allow(clippy::too_many_arguments)]
fn issue(
    conn: &Connection,
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
pub(crate) fn batches_disagreeing(conn: &Connection) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut stmt = conn.prepare(
        "SELECT b.id, i.code, l.lot FROM batches b JOIN items i ON i.id = b.item_id JOIN lots l ON l.id = b.lot_id \
         LEFT JOIN movements m ON m.id = b.movement_id \
         WHERE l.item_id <> b.item_id OR l.expiry IS NOT b.expiry \
            OR m.id IS NULL OR m.kind <> 'receive' OR m.lot_id <> b.lot_id OR m.quantity <> b.quantity \
            OR m.location_id <> b.location_id",
    )?;
    for row in stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })? {
        let (id, item, lot) = row?;
        out.push(format!(
            "batch record {id} (lot {lot} of {item}) disagrees with its lot or its receipt in the ledger; run `labstock audit --entity batch:{id}`"
        ));
    }
    let mut stmt = conn.prepare(
        "SELECT c.id, i.code, l.lot FROM batch_components c JOIN items i ON i.id = c.item_id JOIN lots l ON l.id = c.lot_id \
         LEFT JOIN movements m ON m.id = c.movement_id \
         WHERE l.item_id <> c.item_id \
            OR (c.movement_id IS NOT NULL AND (m.id IS NULL OR m.kind <> 'issue' OR m.lot_id <> c.lot_id OR m.quantity <> -c.quantity))",
    )?;
    for row in stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })? {
        let (id, item, lot) = row?;
        out.push(format!(
            "batch component record {id} (lot {lot} of {item}) disagrees with its lot or its issue in the ledger; run `labstock audit --entity batch_component:{id}`"
        ));
    }
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
