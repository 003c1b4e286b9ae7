//! Made-up solutions (SPEC §14): `prepare` a batch from component lots,
//! `item recipe` to store an item's usual components.

use super::Actor;
use crate::error::Result;
use crate::prepare::{ComponentSpec, PrepareRequest, Prepared, Recalled};
use crate::store::Store;

/// `prepare ITEM QTY --batch B --component …`: one transaction.
pub fn prepare(store: &mut Store, req: &PrepareRequest, actor: Actor<'_>) -> Result<Prepared> {
    store.prepare_batch(req, actor.now, actor.user)
}

/// `item recipe ITEM --component ITEM=QTY …`: the recipe before and after.
pub fn set_recipe(
    store: &mut Store,
    item: &str,
    components: &[ComponentSpec],
    actor: Actor<'_>,
) -> Result<(Option<String>, Option<String>)> {
    store.set_recipe(item, components, &actor.stamp(), actor.user)
}

/// An item's recipe as (component, quantity).
pub fn recipe(store: &Store, item: &str) -> Result<Vec<(String, i64)>> {
    store.recipe(item)
}

/// `lot recall ITEM LOT [--cascade]`: the recall, the batches made from
/// the lot still in stock, and those `--cascade` quarantined.
pub fn recall(
    store: &mut Store,
    item: &str,
    lot: &str,
    reason: Option<&str>,
    cascade: bool,
    actor: Actor<'_>,
) -> Result<Recalled> {
    store.recall_lot(
        item,
        lot,
        reason,
        cascade,
        actor.today,
        &actor.stamp(),
        actor.user,
    )
}
