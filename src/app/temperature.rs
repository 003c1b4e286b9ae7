//! Storage temperatures (SPEC §15): monitored locations, `temp
//! record|import|list|decide`, `report temperatures|excursions`.

use std::io::Read;

use chrono::NaiveDate;

use super::Actor;
use crate::catalogue::Location;
use crate::error::Result;
use crate::import::{ImportContext, ImportSummary};
use crate::store::Store;
pub use crate::temperature::{
    DayRow, Decided, ExcursionRow, Monitoring, ReadingRequest, ReadingRow, Recorded,
};

/// `location add CODE [--name N] [--site S] --range MIN..MAX [--tolerance MINUTES]`.
pub fn add_location(
    store: &mut Store,
    code: &str,
    name: Option<&str>,
    site: Option<&str>,
    monitoring: Monitoring,
    actor: Actor<'_>,
) -> Result<Location> {
    store.add_monitored_location(code, name, site, monitoring, &actor.stamp(), actor.user)
}

/// `location edit CODE [--name N] [--site S] [--range MIN..MAX] [--tolerance M]`.
pub fn edit_location(
    store: &mut Store,
    code: &str,
    name: Option<&str>,
    site: Option<&str>,
    monitoring: Monitoring,
    actor: Actor<'_>,
) -> Result<bool> {
    store.edit_location_and_monitoring(code, name, site, monitoring, &actor.stamp(), actor.user)
}

/// `temp record LOC VALUE [--min] [--max] [--at] [--note]`.
pub fn record(store: &mut Store, req: &ReadingRequest, actor: Actor<'_>) -> Result<Recorded> {
    store.record_reading(req, actor.now, actor.user)
}

/// `temp import LOC FILE`: a logger's readings, all or nothing.
pub fn import(
    store: &mut Store,
    location: &str,
    source: impl Read,
    ctx: ImportContext<'_>,
) -> Result<ImportSummary> {
    store.import_logger(location, source, ctx)
}

/// `temp list`.
pub fn list(
    store: &Store,
    location: Option<&str>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<ReadingRow>> {
    store.readings(location, from, to)
}

/// `temp decide ID --release|--quarantine --reason TEXT`.
pub fn decide(
    store: &mut Store,
    id: i64,
    quarantine: bool,
    reason: &str,
    actor: Actor<'_>,
) -> Result<Decided> {
    store.decide_excursion(id, quarantine, reason, &actor.stamp(), actor.user)
}

/// `report excursions [--location LOC] [--open]`.
pub fn excursions(
    store: &Store,
    location: Option<&str>,
    only_open: bool,
) -> Result<Vec<ExcursionRow>> {
    store.excursions(location, only_open)
}

/// `report temperatures --format svg --location LOC`: the chart.
pub fn chart(store: &Store, location: &str, from: NaiveDate, to: NaiveDate) -> Result<String> {
    let data = store.chart_points(location, from, to)?;
    crate::report::temperature_chart::svg(&crate::report::temperature_chart::Chart {
        location: &data.location,
        from,
        to,
        start: data.start,
        end: data.end,
        range: data.range,
        points: &data.points,
    })
}

/// `report temperatures`: the rows, and whether any day is missing or
/// any excursion waits for a decision (`--fail-on-missing`).
pub fn days(
    store: &Store,
    location: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(Vec<DayRow>, bool)> {
    let rows = store.temperature_days(location, from, to)?;
    let failing = rows.iter().any(|r| r.missing) || store.open_excursions()? > 0;
    Ok((rows, failing))
}
