//! The weekly reorder list (SPEC §3) and per-location reorder levels.
//!
//! The rule itself is the pure [`rule::suggest`]; this module gathers its
//! inputs with a few set-based queries — the items with their levels (a
//! location's own levels when `--location` names one that has them), usable
//! stock per item from the lot balances as of the date, and what is on
//! order — and returns rows sorted by supplier then item code, each with a
//! `reason` that shows how its numbers were reached.
//!
//! With `--location L` the list covers the items kept at L — those with
//! levels of their own there, stock there (now or before), or orders to
//! it — so a bench fridge's list is not every item of the catalogue at 0.
//! With `--site S` (SPEC §12) the site's locations are one pool, as one
//! location is: the items kept at any of them (levels of their own at one
//! of them, stock or orders), their stock and orders summed, judged
//! against the item's own (catalogue) levels — per-site levels are not
//! kept.
//!
//! Stock that expires before the delivery arrives: the SPEC formula counts
//! all usable stock, so the numbers stay as SPEC §3 defines them; a row
//! carries `expiring_before_delivery` (usable stock whose effective expiry
//! is before as-of + `lead_time_days`) and says so in its reason, and an
//! item that is *not* listed but would be if that stock were left out is
//! returned as a warning, so the report never gives false comfort silently.

pub mod rule;
pub(crate) mod stock;

/// The SQL the reorder and expiry reports run, for the plan tests.
pub use crate::store::sql::reorder as sql;

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use chrono::NaiveDate;
use serde::Serialize;

use crate::args;
use crate::catalogue::{find_item, find_location};
use crate::error::{Error, Result};
use crate::model::Money;
use crate::model::Usability;
use crate::orders;
use crate::store::{Conn, Row};
use crate::store::{Store, closest};
use crate::values::{ItemId, LocationId};
use rule::{Evidence, ExpiringBeforeDelivery, Levels, NotUsable, OnOrderPart};
use stock::for_each_balance;

/// CSV header of `report reorder`: the SPEC §3 columns, then ours.
pub const REORDER_HEADERS: &[&str] = &[
    "supplier",
    "supplier_ref",
    "item",
    "name",
    "unit",
    "on_hand",
    "on_order",
    "reorder_level",
    "max_level",
    "suggested_qty",
    "pack_size",
    "unit_cost",
    "line_cost",
    "reason",
    "expiring_before_delivery",
    "awaiting_acceptance",
];

/// One line of the reorder list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReorderRow {
    pub supplier: Option<String>,
    pub supplier_ref: Option<String>,
    pub item: String,
    pub name: String,
    pub unit: String,
    /// Usable quantity (SPEC §3).
    pub on_hand: i64,
    pub on_order: i64,
    pub reorder_level: i64,
    pub max_level: Option<i64>,
    pub suggested_qty: i64,
    pub pack_size: i64,
    #[serde(serialize_with = "money")]
    pub unit_cost: Option<Money>,
    #[serde(serialize_with = "money")]
    pub line_cost: Option<Money>,
    pub reason: String,
    pub expiring_before_delivery: i64,
    /// Unexpired stock in lots pending acceptance (SPEC §13): counted in
    /// the position, not in `on_hand`.
    pub awaiting_acceptance: i64,
}

#[allow(clippy::ref_option, clippy::trivially_copy_pass_by_ref)]
fn money<S: serde::Serializer>(m: &Option<Money>, s: S) -> Result<S::Ok, S::Error> {
    match m {
        Some(m) => s.serialize_str(&m.to_string()),
        None => s.serialize_none(),
    }
}

/// The reorder list and what the person placing orders should know.
#[derive(Debug, Clone, Default)]
pub struct ReorderReport {
    pub rows: Vec<ReorderRow>,
    /// Items not listed only because they count stock that expires before
    /// a delivery could arrive.
    pub warnings: Vec<String>,
}

/// What `report reorder` was asked for.
#[derive(Debug, Clone)]
pub struct ReorderQuery {
    pub as_of: NaiveDate,
    pub supplier: Option<String>,
    pub location: Option<String>,
}

/// An item's own reorder levels at one location.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LocationLevels {
    pub item: String,
    pub location: String,
    pub reorder_level: i64,
    pub max_level: Option<i64>,
}

/// The supplier as spelled in the catalogue, matched case-insensitively;
/// an unknown one is refused with the known suppliers suggested.
pub(crate) fn known_supplier<'c>(conn: impl Into<Conn<'c>>, given: &str) -> Result<String> {
    let known = conn
        .into()
        .query_all(&sql::SUPPLIERS, args![], |r| r.get::<String>(0))?;
    let wanted = given.trim();
    if let Some(found) = known
        .iter()
        .find(|k| k.to_lowercase() == wanted.to_lowercase())
    {
        return Ok(found.clone());
    }
    let mut suggestions = closest(wanted, known.clone());
    if suggestions.is_empty() && known.len() <= 12 {
        suggestions = known;
    }
    Err(Error::NotFound {
        entity: "supplier",
        key: given.to_owned(),
        within: None,
        suggestions,
    })
}

/// An item's reorder settings for the report: numbers only, so reading
/// every item costs no string copies; names are read for listed items.
struct ItemSettings {
    levels: Levels,
    overridden: bool,
    lead_time_days: Option<i64>,
    unit_cost: Option<Money>,
}

/// The words of a listed item.
struct ItemText {
    code: String,
    name: String,
    unit: String,
    supplier: Option<String>,
    supplier_ref: Option<String>,
}

/// The words of the items `ids` (sorted): a lookup each for a short list,
/// one pass over the catalogue for a long one.
fn item_texts(conn: Conn<'_>, ids: &[i64]) -> Result<IdMap<ItemText>> {
    let text = |r: &Row<'_>| -> Result<ItemText> {
        Ok(ItemText {
            code: r.get(1)?,
            name: r.get(2)?,
            unit: r.get(3)?,
            supplier: r.get(4)?,
            supplier_ref: r.get(5)?,
        })
    };
    let mut texts = IdMap::with_capacity_and_hasher(ids.len(), BuildHasherDefault::default());
    if ids.is_empty() {
        return Ok(texts);
    }
    let list = crate::store::id_list(ids.iter().copied());
    conn.for_each(&sql::ITEM_TEXTS, args![list], |r| {
        texts.insert(r.get(0)?, text(r)?);
        Ok(())
    })?;
    Ok(texts)
}

/// Per-item totals of the stock that counts.
#[derive(Default)]
struct Held {
    usable: i64,
    awaiting: i64,
    not_usable: NotUsable,
    expiring: i64,
}

fn item_settings(
    conn: Conn<'_>,
    location_id: Option<LocationId>,
    site: Option<&str>,
    supplier: Option<&str>,
) -> Result<IdMap<ItemSettings>> {
    // Item ids are dense row ids: the largest sizes the map once.
    let max_id: i64 = conn.query_one(&sql::MAX_ITEM_ID, args![], |r| r.get(0))?;
    let mut settings = IdMap::with_capacity_and_hasher(
        usize::try_from(max_id).unwrap_or(0).min(1 << 20),
        BuildHasherDefault::default(),
    );
    conn.for_each(
        &sql::ITEM_SETTINGS,
        args![location_id, supplier, site],
        |r| {
            settings.insert(
                r.get::<i64>(0)?,
                ItemSettings {
                    levels: Levels {
                        pack_size: r.get(1)?,
                        reorder_level: r.get::<Option<i64>>(2)?.unwrap_or(0),
                        max_level: r.get(3)?,
                        reorder_qty: r.get(5)?,
                    },
                    overridden: r.get(4)?,
                    lead_time_days: r.get(6)?,
                    unit_cost: r.get::<Option<i64>>(7)?.map(Money),
                },
            );
            Ok(())
        },
    )?;
    Ok(settings)
}

/// The reorder settings of SPEC §10 "Time" as they were at the end of
/// `as_of`: every item edit recorded after it (`item_changes`, append-only
/// and chained) is undone, newest first, on the items it touched, which
/// are then judged again (active, with a reorder level). For today the
/// index range is empty and nothing is read. Per-location levels
/// (`item level`) and the supplier are taken as they are now.
fn settings_as_of(
    conn: Conn<'_>,
    items: &mut IdMap<ItemSettings>,
    location_id: Option<LocationId>,
    site: bool,
    supplier: Option<&str>,
    as_of: NaiveDate,
) -> Result<()> {
    let end = crate::clock::end_of_day(as_of, crate::settings::lab_zone(conn)?);
    let mut later: Vec<(i64, String, Option<String>)> =
        conn.query_all(&sql::ITEM_CHANGES_AFTER, args![end], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    later.retain(|(_, field, _)| {
        matches!(
            field.as_str(),
            "pack_size"
                | "reorder_level"
                | "max_level"
                | "reorder_qty"
                | "lead_time_days"
                | "unit_cost"
                | "active"
        )
    });
    if later.is_empty() {
        return Ok(());
    }
    let mut ids: Vec<i64> = later.iter().map(|(id, ..)| *id).collect();
    ids.sort_unstable();
    ids.dedup();
    let number = |v: &Option<String>| v.as_deref().and_then(|t| t.trim().parse::<i64>().ok());
    for id in ids {
        type Row = (
            i64,
            Option<i64>,
            Option<i64>,
            Option<i64>,
            Option<i64>,
            Option<i64>,
            bool,
            Option<String>,
            Option<i64>,
            Option<i64>,
        );
        let row: Row = conn.query_one(&sql::ITEM_SETTINGS_NOW, args![id, location_id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
            ))
        })?;
        let (
            mut pack,
            mut level,
            mut max,
            mut qty,
            mut lead,
            mut cost,
            mut active,
            item_supplier,
            over_level,
            over_max,
        ) = row;
        for (_, field, old) in later.iter().filter(|(i, ..)| *i == id) {
            match field.as_str() {
                "pack_size" => pack = number(old).unwrap_or(1),
                "reorder_level" => level = number(old),
                "max_level" => max = number(old),
                "reorder_qty" => qty = number(old),
                "lead_time_days" => lead = number(old),
                "unit_cost" => {
                    cost = old
                        .as_deref()
                        .and_then(|t| Money::parse_pounds(t).ok())
                        .map(Money::pence);
                }
                "active" => active = old.as_deref() == Some("true"),
                _ => {}
            }
        }
        let overridden = location_id.is_some() && over_level.is_some();
        let supplier_matches = supplier.is_none_or(|s| {
            item_supplier
                .as_deref()
                .is_some_and(|mine| mine.to_lowercase() == s.to_lowercase())
        });
        let (level, max) = if overridden {
            (over_level, over_max)
        } else {
            (level, max)
        };
        // For one location or site, an item is listed only when it
        // relates to it (its own levels there, stock or orders): kept as
        // found above.
        let related = (location_id.is_none() && !site) || overridden || items.contains_key(&id);
        match level.filter(|_| active && supplier_matches && related) {
            Some(reorder_level) => {
                items.insert(
                    id,
                    ItemSettings {
                        levels: Levels {
                            pack_size: pack,
                            reorder_level,
                            max_level: max,
                            reorder_qty: qty,
                        },
                        overridden,
                        lead_time_days: lead,
                        unit_cost: cost.map(Money),
                    },
                );
            }
            None => {
                items.remove(&id);
            }
        }
    }
    Ok(())
}

/// Hashing for row ids, which are integers from our own database: a
/// multiply is enough, and SipHash would cost more than the lookups.
#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(*b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_i64(&mut self, n: i64) {
        self.0 = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// A map keyed by row id.
type IdMap<V> = HashMap<i64, V, BuildHasherDefault<IdHasher>>;

/// `date + days`, saturating at the ends of the calendar (a lead time is
/// whatever a user typed).
pub(crate) fn add_days(date: NaiveDate, days: i64) -> NaiveDate {
    let days = days.clamp(-3_650_000, 3_650_000);
    date.checked_add_signed(chrono::Duration::days(days))
        .unwrap_or(if days < 0 {
            NaiveDate::MIN
        } else {
            NaiveDate::MAX
        })
}

/// The reorder list of SPEC §3 as of `q.as_of`, for the whole lab or,
/// with `site`, the locations of one site as one pool (SPEC §12).
pub(crate) fn reorder_report(
    conn: Conn<'_>,
    q: &ReorderQuery,
    site: Option<&str>,
) -> Result<ReorderReport> {
    let site = site.map(|s| crate::sites::find_site(conn, s)).transpose()?;
    let location = q
        .location
        .as_deref()
        .map(|l| find_location(conn, l))
        .transpose()?;
    let supplier = q
        .supplier
        .as_deref()
        .map(|s| known_supplier(conn, s))
        .transpose()?;
    let location_id = location.as_ref().map(|l| l.id);
    let site_code = site.as_ref().map(|s| s.code.as_str());
    let mut items = item_settings(conn, location_id, site_code, supplier.as_deref())?;
    settings_as_of(
        conn,
        &mut items,
        location_id,
        site.is_some(),
        supplier.as_deref(),
        q.as_of,
    )?;
    let mut held: IdMap<Held> =
        IdMap::with_capacity_and_hasher(items.len(), BuildHasherDefault::default());
    for_each_balance(conn, location_id, q.as_of, |b| {
        let Some(settings) = items.get(&b.item_id.get()) else {
            return Ok(());
        };
        if site.as_ref().is_some_and(|s| !s.holds(b.location_id)) {
            return Ok(());
        }
        let h = held.entry(b.item_id.get()).or_default();
        match b.usability(q.as_of) {
            Usability::Usable => {
                h.usable = h.usable.checked_add(b.quantity).ok_or(Error::TooLarge {
                    what: "usable stock".into(),
                    value: format!("{} + {}", h.usable, b.quantity),
                    limit: i64::MAX.to_string(),
                    unit: "units",
                })?;
                let delivery = add_days(q.as_of, settings.lead_time_days.unwrap_or(0));
                if b.effective_expiry.is_some_and(|e| e < delivery) {
                    h.expiring += b.quantity;
                }
            }
            Usability::AwaitingAcceptance => {
                h.awaiting = h.awaiting.checked_add(b.quantity).ok_or(Error::TooLarge {
                    what: "stock awaiting acceptance".into(),
                    value: format!("{} + {}", h.awaiting, b.quantity),
                    limit: i64::MAX.to_string(),
                    unit: "units",
                })?;
            }
            Usability::Expired => h.not_usable.expired += b.quantity,
            Usability::Quarantined => h.not_usable.quarantined += b.quantity,
            Usability::Recalled => h.not_usable.recalled += b.quantity,
        }
        Ok(())
    })?;
    let on_order = orders::on_order(conn, location_id, site.as_ref(), q.as_of)?;
    let none = Held::default();
    let mut report = ReorderReport::default();
    // Rows and warnings are built with numbers first; names are read after,
    // only for the items that need them.
    let mut listed: Vec<(i64, ReorderRow)> = Vec::new();
    let mut warned: Vec<(i64, String)> = Vec::new();
    let mut ids: Vec<i64> = items.keys().copied().collect();
    ids.sort_unstable();
    for id in &ids {
        let Some(s) = items.get(id) else {
            continue;
        };
        let h = held.get(id).unwrap_or(&none);
        let parts: Vec<OnOrderPart> = on_order
            .get(&ItemId::new(*id))
            .map(|lines| {
                lines
                    .iter()
                    .map(|(reference, outstanding)| OnOrderPart {
                        reference: reference.clone(),
                        outstanding: *outstanding,
                    })
                    .collect()
            })
            .unwrap_or_default();
        let ordered: i64 = parts.iter().map(|p| p.outstanding).sum();
        let lead = s.lead_time_days.unwrap_or(0);
        let delivery = add_days(q.as_of, lead);
        let too_large = |_| Error::TooLarge {
            what: "reorder quantity".into(),
            value: format!("{} + {} + {ordered}", h.usable, h.awaiting),
            limit: i64::MAX.to_string(),
            unit: "units",
        };
        // SPEC §13: position = usable + awaiting_acceptance + on_order.
        let held_stock = h
            .usable
            .checked_add(h.awaiting)
            .ok_or(rule::Overflow)
            .map_err(too_large)?;
        let Some(suggestion) = rule::suggest(&s.levels, held_stock, ordered).map_err(too_large)?
        else {
            if h.expiring > 0 && held_stock + ordered - h.expiring <= s.levels.reorder_level {
                warned.push((*id, format!(
                    "is not listed, but {} of its {} usable {} before a delivery could arrive \
                     (lead time {lead} days, {delivery}): without them its position would be {} <= level {}",
                    h.expiring,
                    h.usable,
                    if h.expiring == 1 { "expires" } else { "expire" },
                    held_stock + ordered - h.expiring,
                    s.levels.reorder_level
                )));
            }
            continue;
        };
        let evidence = Evidence {
            usable: h.usable,
            awaiting_acceptance: h.awaiting,
            on_order: &parts,
            levels_at: location
                .as_ref()
                .filter(|_| s.overridden)
                .map(|l| l.code.as_str()),
            not_usable: h.not_usable,
            expiring: (h.expiring > 0).then_some(ExpiringBeforeDelivery {
                quantity: h.expiring,
                lead_time_days: lead,
                delivery,
            }),
        };
        listed.push((
            *id,
            ReorderRow {
                supplier: None,
                supplier_ref: None,
                item: String::new(),
                name: String::new(),
                unit: String::new(),
                on_hand: h.usable,
                on_order: ordered,
                reorder_level: s.levels.reorder_level,
                max_level: s.levels.max_level,
                suggested_qty: suggestion.suggested,
                pack_size: s.levels.pack_size,
                unit_cost: s.unit_cost,
                line_cost: s
                    .unit_cost
                    .map(|c| {
                        c.pence()
                            .checked_mul(suggestion.suggested)
                            .map(Money)
                            .ok_or(rule::Overflow)
                    })
                    .transpose()
                    .map_err(too_large)?,
                reason: rule::explain(&s.levels, &suggestion, &evidence),
                expiring_before_delivery: h.expiring,
                awaiting_acceptance: h.awaiting,
            },
        ));
    }
    let mut named: Vec<i64> = listed
        .iter()
        .map(|(id, _)| *id)
        .chain(warned.iter().map(|(id, _)| *id))
        .collect();
    named.sort_unstable();
    named.dedup();
    let mut texts = item_texts(conn, &named)?;
    for (id, warning) in warned {
        let code = texts.get(&id).map(|t| t.code.as_str()).unwrap_or_default();
        report.warnings.push(format!("{code} {warning}"));
    }
    for (id, mut row) in listed {
        if let Some(t) = texts.remove(&id) {
            row.supplier = t.supplier;
            row.supplier_ref = t.supplier_ref;
            row.item = t.code;
            row.name = t.name;
            row.unit = t.unit;
        }
        report.rows.push(row);
    }
    // SPEC §10: supplier then item code by code point, no supplier first.
    report.rows.sort_by(|a, b| {
        a.supplier
            .cmp(&b.supplier)
            .then_with(|| a.item.cmp(&b.item))
    });
    report.warnings.sort();
    Ok(report)
}

impl Store {
    /// The reorder list (SPEC §3).
    pub fn reorder_report(&self, q: &ReorderQuery) -> Result<ReorderReport> {
        self.read(|conn| reorder_report(conn, q, None))
    }

    /// The reorder list of one site's locations as one pool (SPEC §12);
    /// the whole lab's with `None`.
    pub fn reorder_report_at_site(
        &self,
        q: &ReorderQuery,
        site: Option<&str>,
    ) -> Result<ReorderReport> {
        self.read(|conn| reorder_report(conn, q, site))
    }

    /// Give an item its own reorder levels at a location (`item level`).
    pub fn set_location_levels(
        &mut self,
        item: &str,
        location: &str,
        reorder_level: i64,
        max_level: Option<i64>,
    ) -> Result<LocationLevels> {
        if reorder_level < 0 {
            return Err(Error::invalid(
                "reorder_level",
                reorder_level.to_string(),
                "must be 0 or more",
            ));
        }
        if let Some(max) = max_level.filter(|m| *m <= reorder_level) {
            return Err(Error::invalid(
                "max_level",
                max.to_string(),
                format!("must be greater than reorder_level {reorder_level}"),
            ));
        }
        let (item, location) = self.transact(|conn| {
            let item = find_item(conn, item)?;
            let location = find_location(conn, location)?;
            conn.execute(
                &sql::SET_LEVELS,
                args![item.id, location.id, reorder_level, max_level],
            )?;
            Ok((item, location))
        })?;
        Ok(LocationLevels {
            item: item.code,
            location: location.code,
            reorder_level,
            max_level,
        })
    }

    /// Remove an item's own levels at a location; it falls back to the
    /// item's levels there. Returns whether there were any.
    pub fn clear_location_levels(&mut self, item: &str, location: &str) -> Result<bool> {
        let n = self.transact(|conn| {
            let item = find_item(conn, item)?;
            let location = find_location(conn, location)?;
            conn.execute(&sql::CLEAR_LEVELS, args![item.id, location.id])
        })?;
        Ok(n > 0)
    }

    /// An item's own levels by location.
    pub fn location_levels(&self, item: &str) -> Result<Vec<LocationLevels>> {
        self.read(|conn| {
            let item = find_item(conn, item)?;
            conn.query_all(&sql::LEVELS_OF_ITEM, args![item.id], |r| {
                Ok(LocationLevels {
                    item: item.code.clone(),
                    location: r.get(0)?,
                    reorder_level: r.get(1)?,
                    max_level: r.get(2)?,
                })
            })
        })
    }
}
