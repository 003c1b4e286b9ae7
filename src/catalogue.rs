//! The catalogue: items (consumable and reagent lines) and locations.
//! Validation of an item's settings lives here so `item add`, `item edit`
//! and `import items` apply exactly the same rules (SPEC §1, §10).

use chrono::NaiveDate;
use serde::Serialize;

use crate::args;
use crate::chain;
use crate::error::{Error, Refusal, Result};
use crate::model::{ItemId, LocationId, Money};
use crate::store::{Conn, Sql};
use crate::store::{Store, closest};
use crate::waste;

/// One stock line as the catalogue holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    #[serde(skip)]
    pub id: ItemId,
    pub code: String,
    pub name: String,
    pub category: Option<String>,
    pub unit: String,
    pub pack_size: i64,
    pub reorder_level: Option<i64>,
    pub max_level: Option<i64>,
    pub reorder_qty: Option<i64>,
    pub lead_time_days: Option<i64>,
    pub supplier: Option<String>,
    pub supplier_ref: Option<String>,
    #[serde(serialize_with = "money_opt")]
    pub unit_cost: Option<Money>,
    pub storage: Option<String>,
    pub hazard: Option<String>,
    pub lot_tracked: bool,
    pub gtin: Option<String>,
    pub waste_stream: Option<String>,
    pub in_use_days: Option<i64>,
    /// Each new lot needs verification before use (SPEC §13): it is
    /// received `pending` until `lot accept`.
    pub acceptance_required: bool,
    /// Stability of an in-house batch in days (SPEC §14): a batch made
    /// by `prepare` expires at most this long after it was made.
    pub shelf_life_days: Option<i64>,
    /// GHS pictograms (SPEC §16), e.g. `GHS02 GHS07`, as the GB CLP list
    /// writes them, separated by spaces.
    pub ghs: Option<String>,
    /// `Danger`, `Warning`, or none.
    pub signal_word: Option<String>,
    /// Hazard statements, H and EUH, e.g. `H225 H319 EUH066`.
    pub h_statements: Option<String>,
    /// Precautionary statements, e.g. `P210 P305+P351+P338`.
    pub p_statements: Option<String>,
    pub active: bool,
}

#[allow(clippy::ref_option, clippy::trivially_copy_pass_by_ref)]
fn money_opt<S: serde::Serializer>(m: &Option<Money>, s: S) -> Result<S::Ok, S::Error> {
    match m {
        Some(m) => s.serialize_str(&m.to_string()),
        None => s.serialize_none(),
    }
}

impl Item {
    /// A new item with the defaults of SPEC §1 (unit `each`, pack of 1).
    pub fn new(code: &str, name: &str) -> Item {
        Item {
            id: ItemId::new(0),
            code: code.trim().to_owned(),
            name: name.trim().to_owned(),
            category: None,
            unit: "each".into(),
            pack_size: 1,
            reorder_level: None,
            max_level: None,
            reorder_qty: None,
            lead_time_days: None,
            supplier: None,
            supplier_ref: None,
            unit_cost: None,
            storage: None,
            hazard: None,
            lot_tracked: false,
            gtin: None,
            waste_stream: None,
            in_use_days: None,
            acceptance_required: false,
            shelf_life_days: None,
            ghs: None,
            signal_word: None,
            h_statements: None,
            p_statements: None,
            active: true,
        }
    }

    /// Hazardous in the sense of SPEC §16: a pictogram or an H statement.
    pub fn has_ghs_hazard(&self) -> bool {
        self.ghs.is_some() || self.h_statements.is_some()
    }

    /// Hazardous for a disposal (SPEC §2 `dispose`): hazard text or GHS
    /// data.
    pub fn is_hazardous(&self) -> bool {
        self.has_ghs_hazard() || self.hazard.as_deref().is_some_and(|h| !h.trim().is_empty())
    }

    /// Check the hazard codes and the signal word against the GB CLP
    /// lists and write them as the list does; the warnings name the codes
    /// the GB list lacks (kept as given).
    pub fn normalize_hazards(&mut self) -> Result<Vec<String>> {
        use crate::hazard::{Kind, normalize, signal_word};
        let mut warnings = Vec::new();
        for (kind, field) in [
            (Kind::Pictogram, &mut self.ghs),
            (Kind::Hazard, &mut self.h_statements),
            (Kind::Precaution, &mut self.p_statements),
        ] {
            if let Some(text) = field.take() {
                let (codes, w) = normalize(kind, &text)?;
                *field = codes;
                warnings.extend(w);
            }
        }
        if let Some(word) = self.signal_word.take() {
            self.signal_word = signal_word(&word)?;
        }
        Ok(warnings)
    }

    /// Check the rules between fields (SPEC §10: `max_level` above
    /// `reorder_level`, pack and reorder quantities at least 1).
    pub fn validate(&self) -> Result<()> {
        if self.code.is_empty() {
            return Err(Error::missing("item code", "every item needs a code"));
        }
        if self.code.chars().any(char::is_control) {
            return Err(Error::invalid(
                "item code",
                &self.code,
                "control characters are not allowed",
            ));
        }
        if self.name.trim().is_empty() {
            return Err(Error::missing(
                "item name",
                "every item needs a name (--name)",
            ));
        }
        if self.unit.trim().is_empty() {
            return Err(Error::invalid(
                "unit",
                &self.unit,
                "expected a unit of issue such as box or each",
            ));
        }
        if self.pack_size < 1 {
            return Err(Error::invalid(
                "pack_size",
                self.pack_size.to_string(),
                "must be 1 or more",
            ));
        }
        if let Some(q) = self.reorder_qty.filter(|q| *q < 1) {
            return Err(Error::invalid(
                "reorder_qty",
                q.to_string(),
                "must be 1 or more",
            ));
        }
        for (what, v) in [
            ("reorder_level", self.reorder_level),
            ("max_level", self.max_level),
            ("lead_time_days", self.lead_time_days),
            ("in_use_days", self.in_use_days),
            ("shelf_life_days", self.shelf_life_days),
        ] {
            if let Some(v) = v.filter(|v| *v < 0) {
                return Err(Error::invalid(what, v.to_string(), "must be 0 or more"));
            }
        }
        if let (Some(level), Some(max)) = (self.reorder_level, self.max_level)
            && max <= level
        {
            return Err(Error::invalid(
                "max_level",
                max.to_string(),
                format!("must be greater than reorder_level {level}"),
            ));
        }
        Ok(())
    }
}

/// One changed setting of an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemChange {
    pub at: String,
    pub user: String,
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

/// The settings that differ between two versions of an item, as text.
fn item_changes(before: &Item, after: &Item, now: &str, user: &str) -> Vec<ItemChange> {
    let as_map = |item: &Item| match serde_json::to_value(item) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    let (old, new) = (as_map(before), as_map(after));
    let text = |v: Option<&serde_json::Value>| match v {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => Some(s.clone()),
        Some(other) => Some(other.to_string()),
    };
    new.iter()
        .filter(|(field, value)| old.get(*field) != Some(value))
        .map(|(field, value)| ItemChange {
            at: now.to_owned(),
            user: user.to_owned(),
            field: field.clone(),
            old_value: text(old.get(field)),
            new_value: text(Some(value)),
        })
        .collect()
}

/// A place stock is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    #[serde(skip)]
    pub id: LocationId,
    pub code: String,
    pub name: Option<String>,
    /// The day it was retired, if it was (read with the location: a
    /// movement's checks need no second query).
    #[serde(skip)]
    pub retired_on: Option<String>,
}

pub use crate::store::sql::catalogue as sql;

fn item_of(r: &crate::store::Row<'_>) -> Result<Item> {
    Ok(Item {
        id: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        category: r.get(3)?,
        unit: r.get(4)?,
        pack_size: r.get(5)?,
        reorder_level: r.get(6)?,
        max_level: r.get(7)?,
        reorder_qty: r.get(8)?,
        lead_time_days: r.get(9)?,
        supplier: r.get(10)?,
        supplier_ref: r.get(11)?,
        unit_cost: r.get::<Option<i64>>(12)?.map(Money),
        storage: r.get(13)?,
        hazard: r.get(14)?,
        lot_tracked: r.get(15)?,
        gtin: r.get(16)?,
        waste_stream: r.get(17)?,
        in_use_days: r.get(18)?,
        active: r.get(19)?,
        acceptance_required: r.get(20)?,
        shelf_life_days: r.get(21)?,
        ghs: r.get(22)?,
        signal_word: r.get(23)?,
        h_statements: r.get(24)?,
        p_statements: r.get(25)?,
    })
}

/// Find an item by code, case-insensitively; unknown codes get the closest
/// known ones as suggestions.
pub(crate) fn find_item<'c>(conn: impl Into<Conn<'c>>, code: &str) -> Result<Item> {
    let conn = conn.into();
    let found = conn.query_opt(&sql::ITEM_BY_CODE, args![code.trim()], item_of)?;
    match found {
        Some(item) => Ok(item),
        None => {
            let known = all_codes(conn, &sql::ITEM_CODES)?;
            let mut suggestions = closest(code, known);
            // A name typed for a code: `issue Glucose 1` suggests
            // `RGT-GLU (Glucose reagent…)`.
            if suggestions.is_empty() {
                suggestions = crate::find::suggest_by_name(conn, code)?;
            }
            Err(Error::NotFound {
                entity: "item",
                key: code.to_owned(),
                within: None,
                suggestions,
            })
        }
    }
}

/// The item and the location a movement names, read together, when both
/// exist (`None` otherwise: [`find_item`] and [`find_location`] then say
/// which is unknown, with their suggestions).
pub(crate) fn find_item_and_location<'c>(
    conn: impl Into<Conn<'c>>,
    item: &str,
    location: &str,
) -> Result<Option<(Item, Location)>> {
    /// The columns of `items` that [`item_of`] reads: those the SQL names.
    const ITEM_COLUMNS: usize = column_count(crate::item_columns!());
    conn.into().query_opt(
        &sql::ITEM_AND_LOCATION_BY_CODE,
        args![item.trim(), location.trim()],
        |r| Ok((item_of(r)?, location_from(r, ITEM_COLUMNS)?)),
    )
}

/// How many columns a comma-separated list of columns names.
const fn column_count(list: &str) -> usize {
    let bytes = list.as_bytes();
    let (mut i, mut n) = (0, 1);
    while i < bytes.len() {
        if bytes[i] == b',' {
            n += 1;
        }
        i += 1;
    }
    n
}

/// Find the item a scanned GTIN names.
pub fn find_item_by_gtin<'c>(conn: impl Into<Conn<'c>>, gtin: &str) -> Result<Item> {
    let normal = crate::gs1::normalize_gtin(gtin)
        .map_err(|e| Error::invalid("gtin", gtin, e.to_string()))?;
    conn.into()
        .query_opt(&sql::ITEM_BY_GTIN, args![normal], item_of)?
        .ok_or_else(|| {
            Error::Refused(Refusal::UnknownGtin {
                gtin: normal.clone(),
            })
        })
}

/// Refuse new stock into a retired location.
pub(crate) fn require_open_location(loc: &Location) -> Result<()> {
    match &loc.retired_on {
        Some(on) => Err(Error::Refused(Refusal::LocationRetired {
            location: loc.code.clone(),
            on: on.clone(),
        })),
        None => Ok(()),
    }
}

/// Find a location by code, case-insensitively.
pub(crate) fn find_location<'c>(conn: impl Into<Conn<'c>>, code: &str) -> Result<Location> {
    let conn = conn.into();
    let found = conn.query_opt(&sql::LOCATION_BY_CODE, args![code.trim()], location_of)?;
    match found {
        Some(l) => Ok(l),
        None => {
            let known = all_codes(conn, &sql::LOCATION_CODES)?;
            let mut suggestions = closest(code, known.clone());
            if suggestions.is_empty() && known.len() <= 12 {
                suggestions = known;
            }
            Err(Error::NotFound {
                entity: "location",
                key: code.to_owned(),
                within: None,
                suggestions,
            })
        }
    }
}

fn all_codes(conn: Conn<'_>, sql: &Sql) -> Result<Vec<String>> {
    conn.query_all(sql, args![], |r| r.get::<String>(0))
}

/// Normalise and check the cross-table parts of an item (GTIN form,
/// waste stream exists) before it is written.
fn prepare_item(conn: Conn<'_>, item: &mut Item) -> Result<()> {
    item.validate()?;
    item.normalize_hazards()?;
    if let Some(g) = item.gtin.take() {
        item.gtin = Some(
            crate::gs1::normalize_gtin(&g)
                .map_err(|e| Error::invalid("gtin", &g, e.to_string()))?,
        );
    }
    if let Some(s) = item.waste_stream.take() {
        item.waste_stream = Some(waste::find_stream(conn, &s)?.code);
    }
    if let Some(gtin) = &item.gtin {
        let other: Option<String> =
            conn.query_opt(&sql::ITEM_WITH_GTIN_OTHER_THAN, args![gtin, item.id], |r| {
                r.get(0)
            })?;
        if let Some(other) = other {
            return Err(Error::invalid(
                "gtin",
                gtin,
                format!("already belongs to item {other}; a GTIN names one item"),
            ));
        }
    }
    Ok(())
}

/// Insert a new item inside an open transaction (shared by `item add` and
/// `import items`).
pub(crate) fn insert_item<'c>(
    conn: impl Into<Conn<'c>>,
    item: &mut Item,
    now: &str,
    user: &str,
) -> Result<ItemId> {
    let conn = conn.into();
    prepare_item(conn, item)?;
    let exists: Option<String> = conn.query_opt(&sql::ITEM_CODE, args![item.code], |r| r.get(0))?;
    if let Some(existing) = exists {
        return Err(Error::AlreadyExists {
            entity: "item",
            key: existing,
            within: None,
        });
    }
    let id = conn.insert(
        &sql::INSERT_ITEM,
        args![
            item.code,
            item.name,
            item.category,
            item.unit,
            item.pack_size,
            item.reorder_level,
            item.max_level,
            item.reorder_qty,
            item.lead_time_days,
            item.supplier,
            item.supplier_ref,
            item.unit_cost.map(Money::pence),
            item.storage,
            item.hazard,
            item.lot_tracked,
            item.gtin,
            item.waste_stream,
            item.in_use_days,
            item.active,
            now,
            user,
            item.acceptance_required,
            item.shelf_life_days,
            item.ghs,
            item.signal_word,
            item.h_statements,
            item.p_statements,
        ],
    )?;
    item.id = ItemId::new(id);
    Ok(item.id)
}

/// Add a location in the caller's transaction; an existing code is refused.
///
/// `site`: the site of the network it is at (SPEC §12), `MAIN` if `None`.
pub(crate) fn add_location_in<'c>(
    conn: impl Into<Conn<'c>>,
    code: &str,
    name: Option<&str>,
    site: Option<&str>,
    now: &str,
    user: &str,
) -> Result<Location> {
    let conn = conn.into();
    if !insert_location(conn, code, name, site, now, user)? {
        let existing = find_location(conn, code)?;
        return Err(Error::AlreadyExists {
            entity: "location",
            key: existing.code,
            within: None,
        });
    }
    find_location(conn, code)
}

/// Rename a location in the caller's transaction, the change a chained
/// record; whether the name changed.
pub(crate) fn rename_location_in<'c>(
    conn: impl Into<Conn<'c>>,
    loc: &Location,
    name: Option<&str>,
    now: &str,
    user: &str,
) -> Result<bool> {
    let conn = conn.into();
    let new = name.map(str::trim).filter(|n| !n.is_empty());
    if new == loc.name.as_deref() {
        return Ok(false);
    }
    conn.execute(&sql::RENAME_LOCATION, args![loc.id, new])?;
    chain::append_cells(
        conn,
        &chain::LOCATION_CHANGES,
        args![loc.id, "name", loc.name, new, now, user],
    )?;
    Ok(true)
}

/// Insert a location inside an open transaction. Returns false when the
/// code already exists (imports skip it; `location add` reports it).
pub(crate) fn insert_location<'c>(
    conn: impl Into<Conn<'c>>,
    code: &str,
    name: Option<&str>,
    site: Option<&str>,
    now: &str,
    user: &str,
) -> Result<bool> {
    let conn = conn.into();
    let code = code.trim();
    if code.is_empty() {
        return Err(Error::missing(
            "location code",
            "every location needs a code",
        ));
    }
    let site = match site {
        Some(s) => crate::sites::spelled(conn, s)?,
        None => crate::sites::DEFAULT_SITE.to_owned(),
    };
    let exists: Option<i64> = conn.query_opt(&sql::LOCATION_ID, args![code], |r| r.get(0))?;
    if exists.is_some() {
        return Ok(false);
    }
    conn.execute(&sql::INSERT_LOCATION, args![code, name, now, user, site])?;
    Ok(true)
}

/// What a location holds (`location retire` refuses while it holds
/// anything): up to five lots and how many more, as text.
fn holdings(conn: Conn<'_>, loc: LocationId) -> Result<Vec<String>> {
    let held: Vec<(String, String, i64)> =
        conn.query_all(&sql::LOCATION_HOLDINGS, args![loc], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    let mut stock: Vec<String> = held
        .iter()
        .take(5)
        .map(|(item, lot, q)| {
            if lot.is_empty() {
                format!("{item}: {q}")
            } else {
                format!("{item} lot {lot}: {q}")
            }
        })
        .collect();
    if held.len() > 5 {
        stock.push(format!("{} more", held.len() - 5));
    }
    Ok(stock)
}

fn location_of(r: &crate::store::Row<'_>) -> Result<Location> {
    location_from(r, 0)
}

/// The location in the four columns of `r` from `first`.
fn location_from(r: &crate::store::Row<'_>, first: usize) -> Result<Location> {
    Ok(Location {
        id: r.get(first)?,
        code: r.get(first + 1)?,
        name: r.get(first + 2)?,
        retired_on: r.get(first + 3)?,
    })
}

impl Store {
    /// Add an item to the catalogue.
    pub fn add_item(&mut self, item: Item, now: &str, user: &str) -> Result<Item> {
        self.transact(|conn| {
            let mut item = item.clone();
            insert_item(conn, &mut item, now, user)?;
            Ok(item)
        })
    }

    /// Look an item up by code.
    pub fn item(&self, code: &str) -> Result<Item> {
        self.read(|conn| find_item(conn, code))
    }

    /// The item a scanned GTIN names.
    pub fn item_by_gtin(&self, gtin: &str) -> Result<Item> {
        self.read(|conn| find_item_by_gtin(conn, gtin))
    }

    /// All items, by code; retired ones only when asked.
    pub fn items(&self, include_retired: bool) -> Result<Vec<Item>> {
        self.read(|conn| conn.query_all(&sql::ITEMS, args![include_retired], item_of))
    }

    /// Replace an item's settings with `edited` (its code stays), recording
    /// each changed setting with its old and new value, who and when.
    pub fn update_item(
        &mut self,
        edited: Item,
        now: &str,
        user: &str,
    ) -> Result<(Item, Vec<ItemChange>)> {
        self.transact(|conn| {
            let mut edited = edited.clone();
            let before = find_item(conn, &edited.code)?;
            prepare_item(conn, &mut edited)?;
            let changes = item_changes(&before, &edited, now, user);
            if changes.is_empty() {
                return Ok((edited, changes));
            }
            for c in &changes {
                chain::append_cells(
                    conn,
                    &chain::ITEM_CHANGES,
                    args![before.id, c.field, c.old_value, c.new_value, c.at, c.user],
                )?;
            }
            if edited.lot_tracked {
                // Stock held without a lot cannot become lot-tracked silently:
                // every later movement of it would need a lot it never had.
                let unlotted: i64 =
                    conn.query_one(&sql::UNLOTTED_STOCK, args![edited.id], |r| r.get(0))?;
                if unlotted > 0 {
                    return Err(Error::Refused(Refusal::UnlottedStock {
                        item: edited.code.clone(),
                        quantity: unlotted,
                    }));
                }
            }
            conn.execute(
                &sql::UPDATE_ITEM,
                args![
                    edited.id,
                    edited.name,
                    edited.category,
                    edited.unit,
                    edited.pack_size,
                    edited.reorder_level,
                    edited.max_level,
                    edited.reorder_qty,
                    edited.lead_time_days,
                    edited.supplier,
                    edited.supplier_ref,
                    edited.unit_cost.map(Money::pence),
                    edited.storage,
                    edited.hazard,
                    edited.lot_tracked,
                    edited.gtin,
                    edited.waste_stream,
                    edited.in_use_days,
                    edited.active,
                    edited.acceptance_required,
                    edited.shelf_life_days,
                    edited.ghs,
                    edited.signal_word,
                    edited.h_statements,
                    edited.p_statements,
                ],
            )?;
            Ok((edited, changes))
        })
    }

    /// Every recorded change to an item's settings, oldest first.
    pub fn item_history(&self, item: &Item) -> Result<Vec<ItemChange>> {
        self.read(|conn| {
            conn.query_all(&sql::ITEM_CHANGES, args![item.id], |r| {
                Ok(ItemChange {
                    at: r.get(3)?,
                    user: r.get(4)?,
                    field: r.get(0)?,
                    old_value: r.get(1)?,
                    new_value: r.get(2)?,
                })
            })
        })
    }

    /// Add a location. Refuses a code that exists.
    pub fn add_location(
        &mut self,
        code: &str,
        name: Option<&str>,
        now: &str,
        user: &str,
    ) -> Result<Location> {
        self.add_location_at_site(code, name, None, now, user)
    }

    /// Add a location at a site of the network (`MAIN` if `None`).
    pub fn add_location_at_site(
        &mut self,
        code: &str,
        name: Option<&str>,
        site: Option<&str>,
        now: &str,
        user: &str,
    ) -> Result<Location> {
        self.transact(|conn| add_location_in(conn, code, name, site, now, user))
    }

    /// `location edit CODE --name NAME`: a changed name, recorded with the
    /// old one. Returns whether anything changed.
    pub fn edit_location(
        &mut self,
        code: &str,
        name: Option<&str>,
        now: &str,
        user: &str,
    ) -> Result<bool> {
        self.transact(|conn| {
            let loc = find_location(conn, code)?;
            rename_location_in(conn, &loc, name, now, user)
        })
    }

    /// `location retire CODE`: refused while the location holds stock;
    /// a retired location keeps its history and takes no new stock.
    pub fn retire_location(
        &mut self,
        code: &str,
        today: NaiveDate,
        now: &str,
        user: &str,
    ) -> Result<()> {
        self.transact(|conn| {
            let loc = find_location(conn, code)?;
            require_open_location(&loc)?;
            let stock = holdings(conn, loc.id)?;
            if !stock.is_empty() {
                return Err(Error::Refused(Refusal::LocationHoldsStock {
                    location: loc.code,
                    stock: stock.join(", "),
                }));
            }
            let on = today.to_string();
            conn.execute(&sql::RETIRE_LOCATION, args![loc.id, on])?;
            chain::append_cells(
                conn,
                &chain::LOCATION_CHANGES,
                args![loc.id, "retired_on", None::<String>, Some(&on), now, user],
            )?;
            Ok(())
        })
    }

    /// All locations, by code.
    pub fn locations(&self) -> Result<Vec<Location>> {
        self.read(|conn| conn.query_all(&sql::LOCATIONS, args![], location_of))
    }

    /// Look a location up by code.
    pub fn location(&self, code: &str) -> Result<Location> {
        self.read(|conn| find_location(conn, code))
    }
}
