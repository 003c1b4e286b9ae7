//! Imports and exports (SPEC §7), and the demonstration lab.

use std::io::{Read, Write};
use std::path::Path;

use chrono::{DateTime, Utc};

use crate::db::Store;
use crate::demo::DemoLoad;
use crate::error::Result;
use crate::import::{self, ImportContext, ImportSummary};
use crate::model::stamp;

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    Locations,
    Items,
    Movements,
    Waste,
    Equipment,
    Calibrations,
    Orders,
    Temperatures,
}

impl ImportKind {
    /// The rows' name in a summary: "imported 3 {noun}".
    pub fn noun(self) -> &'static str {
        match self {
            ImportKind::Locations => "locations",
            ImportKind::Items => "items",
            ImportKind::Movements => "movements",
            ImportKind::Waste => "waste records",
            ImportKind::Equipment => "assets",
            ImportKind::Calibrations => "calibrations",
            ImportKind::Orders => "order lines",
            ImportKind::Temperatures => "temperature readings",
        }
    }
}

/// Import one file, all or nothing, in one transaction.
pub fn import(
    store: &mut Store,
    kind: ImportKind,
    source: impl Read,
    ctx: ImportContext<'_>,
) -> Result<ImportSummary> {
    match kind {
        ImportKind::Locations => import::import_locations(store, source, ctx),
        ImportKind::Items => import::import_items(store, source, ctx),
        ImportKind::Movements => import::import_movements(store, source, ctx),
        ImportKind::Waste => crate::waste::import_waste(store, source, ctx),
        ImportKind::Equipment => crate::calibration::import_equipment(store, source, ctx),
        ImportKind::Calibrations => crate::calibration::import_calibrations(store, source, ctx),
        ImportKind::Orders => crate::orders::import_orders(store, source, ctx),
        ImportKind::Temperatures => crate::temperature::import_temperatures(store, source, ctx),
    }
}

/// Every movement, in the format `import movements` reads; the count.
pub fn export_movements(store: &Store, out: &mut dyn Write) -> Result<u64> {
    import::export_movements(store, out)
}

/// Build the demonstration lab at `path` from the fixtures.
/// `export KIND` for the kinds other than movements, in their import format.
pub fn export(store: &Store, kind: crate::export::Kind, out: &mut dyn Write) -> Result<u64> {
    store.export(kind, out)
}

pub fn build_demo(path: &Path, now: DateTime<Utc>, user: &str) -> Result<(Store, DemoLoad)> {
    let mut store = Store::init(path, &stamp(now), user)?;
    let load = crate::demo::load(&mut store, now, user)?;
    Ok((store, load))
}
