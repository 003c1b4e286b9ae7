//! Equipment and calibration: `equipment add|list|show|edit|status|check|service`,
//! `calibrate` (and `calibrate --extend`).

use chrono::NaiveDate;

use super::Actor;
use crate::calibration::{
    AssetHistory, CalibrationInput, CalibrationOutcome, Equipment, ExtensionInput, ExtensionRecord,
    Fitness, IntervalChangeInput, IntervalChangeRecord, ServiceInput, Status,
};
use crate::error::Result;
use crate::store::Store;

pub fn add(store: &mut Store, eq: Equipment, actor: Actor<'_>) -> Result<Equipment> {
    store.add_equipment(eq, &actor.stamp(), actor.user)
}

/// `equipment list [--status S] [--category C]`.
#[derive(Debug, Clone, Default)]
pub struct EquipmentQuery {
    pub status: Option<Status>,
    pub category: Option<String>,
}

pub fn list(store: &Store, q: &EquipmentQuery) -> Result<Vec<Equipment>> {
    store.equipment_list(q.status, q.category.as_deref())
}

/// One asset by tag.
pub fn get(store: &Store, tag: &str) -> Result<Equipment> {
    store.equipment(tag)
}

/// `equipment show TAG`: the asset and its records as of a date.
pub fn history(store: &Store, tag: &str, as_of: Option<NaiveDate>) -> Result<AssetHistory> {
    store.equipment_history(tag, as_of)
}

/// `equipment edit`: the asset as edited, and a dated change of its
/// calibration interval if there is one.
pub fn update(
    store: &mut Store,
    edited: &Equipment,
    interval: Option<&IntervalChangeInput>,
    actor: Actor<'_>,
) -> Result<(Equipment, Option<IntervalChangeRecord>)> {
    store.update_equipment(edited, interval, actor.today, &actor.stamp(), actor.user)
}

/// `equipment status TAG STATUS --reason R`.
#[derive(Debug, Clone)]
pub struct StatusChange {
    pub tag: String,
    pub to: Status,
    pub reason: String,
}

/// The status before, and the asset after.
pub fn set_status(
    store: &mut Store,
    req: &StatusChange,
    actor: Actor<'_>,
) -> Result<(Status, Equipment)> {
    store.set_equipment_status(
        &req.tag,
        req.to,
        &req.reason,
        actor.today,
        &actor.stamp(),
        actor.user,
    )
}

/// `equipment check TAG`: whether it is fit for use today. Unfitness is a
/// finding in the answer, not an error.
pub fn check(store: &Store, tag: &str, today: NaiveDate) -> Result<Fitness> {
    store.equipment_check(tag, today)
}

/// `equipment service TAG`.
pub fn service(
    store: &mut Store,
    tag: &str,
    input: &ServiceInput,
    actor: Actor<'_>,
) -> Result<Equipment> {
    store.record_service(tag, input, actor.today, &actor.stamp(), actor.user)
}

/// `calibrate TAG --extend`: the extension, and the asset after it.
pub fn extend(
    store: &mut Store,
    tag: &str,
    input: &ExtensionInput,
    actor: Actor<'_>,
) -> Result<(ExtensionRecord, Equipment)> {
    let ext = store.extend_calibration(tag, input, actor.today, &actor.stamp(), actor.user)?;
    let eq = store.equipment(tag)?;
    Ok((ext, eq))
}

/// `calibrate TAG --date D --result R`.
pub fn calibrate(
    store: &mut Store,
    tag: &str,
    input: &CalibrationInput,
    actor: Actor<'_>,
) -> Result<CalibrationOutcome> {
    store.calibrate(tag, input, actor.today, &actor.stamp(), actor.user)
}
