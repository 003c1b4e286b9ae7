//! Safety data sheets and the COSHH inventory (SPEC §16): `sds
//! add|confirm|get|list`, `report sds`, `report coshh`.

use chrono::NaiveDate;

use super::Actor;
use crate::error::Result;
use crate::sds::{CoshhRow, NewSds, Revision, SdsReportRow};
use crate::store::Store;

/// `sds add`: a new revision of an item's SDS.
pub fn add_sds(store: &mut Store, new: &NewSds<'_>, actor: Actor<'_>) -> Result<Revision> {
    store.add_sds(new, actor.today, &actor.stamp(), actor.user)
}

/// `sds confirm`: the supplier confirmed the current revision on `on`
/// (today when not given).
pub fn confirm_sds(
    store: &mut Store,
    item: &str,
    on: Option<NaiveDate>,
    note: Option<&str>,
    actor: Actor<'_>,
) -> Result<Revision> {
    store.confirm_sds(
        item,
        on.unwrap_or(actor.today),
        note,
        actor.today,
        &actor.stamp(),
        actor.user,
    )
}

/// `sds get`: the current revision and its document.
pub fn sds_document(store: &Store, item: &str) -> Result<(Revision, Vec<u8>)> {
    store.sds_document(item)
}

/// `sds list [ITEM]`.
pub fn sds_list(store: &Store, item: Option<&str>) -> Result<Vec<Revision>> {
    store.sds_list(item)
}

/// `report sds`.
pub fn sds_report(store: &Store, as_of: NaiveDate, years: u32) -> Result<Vec<SdsReportRow>> {
    store.sds_report(as_of, years)
}

/// `report coshh`.
pub fn coshh_report(store: &Store, location: Option<&str>) -> Result<Vec<CoshhRow>> {
    store.coshh_report(location)
}
