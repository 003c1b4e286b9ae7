//! The catalogue: `location add|list`, `item add|list|show|edit|retire`.

use chrono::NaiveDate;

use super::Actor;
use super::stock::{StockRow, rows};
use crate::catalogue::{Item, ItemChange, Location};
use crate::error::Result;
use crate::ledger::StockFilter;
use crate::store::Store;

/// `location add CODE [--name NAME] [--site SITE]`.
#[derive(Debug, Clone)]
pub struct NewLocation {
    pub code: String,
    pub name: Option<String>,
    /// The site of the network (SPEC §12); `MAIN` when `None`.
    pub site: Option<String>,
}

pub fn add_location(store: &mut Store, req: &NewLocation, actor: Actor<'_>) -> Result<Location> {
    store.add_location_at_site(
        &req.code,
        req.name.as_deref(),
        req.site.as_deref(),
        &actor.stamp(),
        actor.user,
    )
}

/// `location edit CODE --site SITE [--name NAME]`: the site (and name)
/// changed in one transaction, each change a chained record; whether
/// anything changed.
pub fn move_location_to_site(
    store: &mut Store,
    code: &str,
    name: Option<&str>,
    site: &str,
    actor: Actor<'_>,
) -> Result<bool> {
    store.edit_location_site(code, name, site, &actor.stamp(), actor.user)
}

/// `location list`: every location with its site.
pub fn locations_with_sites(store: &Store) -> Result<Vec<crate::sites::LocationAtSite>> {
    store.locations_with_sites()
}

/// `location edit CODE --name NAME`; whether anything changed.
pub fn edit_location(
    store: &mut Store,
    code: &str,
    name: Option<&str>,
    actor: Actor<'_>,
) -> Result<bool> {
    store.edit_location(code, name, &actor.stamp(), actor.user)
}

/// `location retire CODE`: refused while it holds stock.
pub fn retire_location(store: &mut Store, code: &str, actor: Actor<'_>) -> Result<()> {
    store.retire_location(code, actor.today, &actor.stamp(), actor.user)
}

pub fn locations(store: &Store) -> Result<Vec<Location>> {
    store.locations()
}

/// `item add`: the new item, its settings already validated.
pub fn add_item(store: &mut Store, item: Item, actor: Actor<'_>) -> Result<Item> {
    store.add_item(item, &actor.stamp(), actor.user)
}

/// `item list [--all]`.
pub fn items(store: &Store, include_retired: bool) -> Result<Vec<Item>> {
    store.items(include_retired)
}

/// One item by code (case-insensitive).
pub fn item(store: &Store, code: &str) -> Result<Item> {
    store.item(code)
}

/// `item edit`: the item as edited; returns it and the fields changed.
pub fn update_item(
    store: &mut Store,
    edited: Item,
    actor: Actor<'_>,
) -> Result<(Item, Vec<ItemChange>)> {
    store.update_item(edited, &actor.stamp(), actor.user)
}

/// `item retire CODE`: the item stays, with its history, but is inactive.
pub fn retire_item(store: &mut Store, code: &str, actor: Actor<'_>) -> Result<Item> {
    let mut item = store.item(code)?;
    item.active = false;
    Ok(store.update_item(item, &actor.stamp(), actor.user)?.0)
}

/// `item show CODE`: the item, its stock by lot and location on `as_of`,
/// and its history of setting changes.
#[derive(Debug)]
pub struct ItemCard {
    pub item: Item,
    pub stock: Vec<StockRow>,
    pub changes: Vec<ItemChange>,
}

pub fn show_item(store: &Store, code: &str, as_of: NaiveDate) -> Result<ItemCard> {
    let item = store.item(code)?;
    let lines = store.stock(
        StockFilter {
            item_id: Some(item.id),
            ..StockFilter::default()
        },
        as_of,
    )?;
    let changes = store.item_history(&item)?;
    Ok(ItemCard {
        stock: rows(lines, as_of),
        item,
        changes,
    })
}

/// `item find TEXT`: items by code, name, supplier reference or GTIN, best first.
pub fn find(store: &Store, text: &str, limit: usize) -> Result<Vec<crate::find::FoundItem>> {
    store.find_items(text, limit)
}
