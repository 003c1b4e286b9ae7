//! The hazardous-waste register: `waste record|correct|list|streams|stream|container|consign`.
//! The requests carry who records them (a register line names its
//! recorder); the actor supplies when.

use chrono::NaiveDate;

use super::Actor;
use crate::error::Result;
use crate::store::Store;
use crate::waste::{
    ConsignRequest, Consigned, ContainerRow, ContainerState, ContainerStateFilter, Correction,
    NewRecord, NewStream, OpenContainer, Quantity, Recorded, Sealed, StreamEdit, WasteFilter,
    WasteRow, WasteStream,
};

pub fn record(store: &mut Store, rec: &NewRecord, actor: Actor<'_>) -> Result<Recorded> {
    store.record_waste(rec, actor.now.get())
}

/// `waste correct ID`: a new record that names the one it corrects.
pub fn correct(
    store: &mut Store,
    id: i64,
    correction: &Correction,
    actor: Actor<'_>,
) -> Result<Recorded> {
    store.correct_waste(id, correction, actor.now.get())
}

/// `waste list`.
pub fn records(store: &Store, filter: &WasteFilter) -> Result<Vec<WasteRow>> {
    store.waste_records(filter)
}

pub fn streams(store: &Store) -> Result<Vec<WasteStream>> {
    store.waste_streams()
}

pub fn add_stream(store: &mut Store, new: &NewStream) -> Result<WasteStream> {
    store.add_waste_stream(new)
}

pub fn edit_stream(store: &mut Store, code: &str, edit: &StreamEdit) -> Result<WasteStream> {
    store.edit_waste_stream(code, edit)
}

pub fn open_container(
    store: &mut Store,
    req: &OpenContainer,
    actor: Actor<'_>,
) -> Result<ContainerState> {
    store.open_container(req, actor.now.get())
}

/// `waste container seal ID [--weight W] [--date D]`.
#[derive(Debug, Clone)]
pub struct SealRequest {
    pub container: String,
    pub date: NaiveDate,
    pub weight: Option<Quantity>,
}

pub fn seal_container(store: &mut Store, req: &SealRequest, actor: Actor<'_>) -> Result<Sealed> {
    store.seal_container(
        &req.container,
        req.date,
        req.weight,
        actor.user,
        actor.now.get(),
    )
}

pub fn containers(store: &Store, state: Option<ContainerStateFilter>) -> Result<Vec<ContainerRow>> {
    store.waste_containers(state)
}

pub fn consign(store: &mut Store, req: &ConsignRequest, actor: Actor<'_>) -> Result<Consigned> {
    store.consign_waste(req, actor.now.get())
}
