//! Stocktakes (SPEC §13): `stocktake start|sheet|count|enter|review|apply|cancel|list`.

use std::io::Read;

use super::Actor;
use crate::error::Result;
use crate::stocktake::{Applied, CountRequest, Counted, Review, SheetLine, Summary, read_counts};
use crate::store::Store;

/// What to count: a location, blind or not, one category or all.
#[derive(Debug, Clone)]
pub struct StartRequest {
    pub location: String,
    pub blind: bool,
    pub category: Option<String>,
}

/// Start a stocktake and write its sheet; returns its id.
pub fn start(store: &mut Store, req: &StartRequest, actor: Actor<'_>) -> Result<i64> {
    store.stocktake_start(
        &req.location,
        req.blind,
        req.category.as_deref(),
        actor.now.get(),
        actor.user,
    )
}

pub fn sheet(store: &Store, id: i64) -> Result<Vec<SheetLine>> {
    store.stocktake_sheet(id)
}

pub fn count(store: &mut Store, id: i64, req: &CountRequest, actor: Actor<'_>) -> Result<Counted> {
    store.stocktake_count(id, req, actor.now.get(), actor.user)
}

/// Record the counts of a file (`item,lot,location,counted`), all or none.
pub fn enter(
    store: &mut Store,
    id: i64,
    file: impl Read,
    actor: Actor<'_>,
) -> Result<Vec<Counted>> {
    let counts = read_counts(file)?;
    store.stocktake_enter(id, &counts, actor.now.get(), actor.user)
}

pub fn review(store: &Store, id: i64) -> Result<Review> {
    store.stocktake_review(id)
}

pub fn apply(
    store: &mut Store,
    id: i64,
    zero_uncounted: bool,
    actor: Actor<'_>,
) -> Result<Applied> {
    store.stocktake_apply(id, zero_uncounted, actor.now.get(), actor.user)
}

pub fn cancel(store: &mut Store, id: i64, actor: Actor<'_>) -> Result<()> {
    store.stocktake_cancel(id, actor.now.get(), actor.user)
}

pub fn list(store: &Store) -> Result<Vec<Summary>> {
    store.stocktakes()
}
