//! Lot status and opening: `lot quarantine|release|recall|open|list`.

use super::Actor;
use crate::error::Result;
use crate::lots::{LotAction, LotListRow, LotState};
use crate::store::Store;

/// One action on one lot.
#[derive(Debug, Clone)]
pub struct LotRequest {
    pub item: String,
    pub lot: String,
    pub action: LotAction,
    pub reason: Option<String>,
}

pub fn act(store: &mut Store, req: &LotRequest, actor: Actor<'_>) -> Result<LotState> {
    store.lot_action(
        &req.item,
        &req.lot,
        req.action,
        req.reason.as_deref(),
        actor.today,
        &actor.stamp(),
        actor.user,
    )
}

/// `lot list ITEM`: the item's lots with expiry, opening, status and stock.
pub fn list(store: &Store, item: &str) -> Result<Vec<LotListRow>> {
    store.lot_list(item)
}

/// `lot find LOT`: a lot number across every item, with each location's stock.
pub fn find(store: &Store, lot: &str) -> Result<Vec<crate::find::FoundLot>> {
    store.find_lots(lot)
}

/// `lot accept ITEM LOT --result pass|fail` (SPEC §13).
#[derive(Debug, Clone)]
pub struct AcceptRequest {
    pub item: String,
    pub lot: String,
    pub result: crate::acceptance::AcceptanceResult,
    pub reference: Option<String>,
    pub notes: Option<String>,
}

pub fn accept(store: &mut Store, req: &AcceptRequest, actor: Actor<'_>) -> Result<LotState> {
    store.accept_lot(
        &req.item,
        &req.lot,
        req.result,
        req.reference.as_deref(),
        req.notes.as_deref(),
        &actor.stamp(),
        actor.user,
    )
}
