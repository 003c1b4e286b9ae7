//! Imports and exports (SPEC §7), and the demonstration lab.

use std::io::{Read, Write};
use std::path::Path;

use chrono::{DateTime, Utc};

use crate::demo::DemoLoad;
use crate::error::Result;
use crate::import::{self, ImportContext, ImportSummary};
use crate::model::stamp;
use crate::store::Store;

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
    let url = match crate::store::Db::from_arg(path)? {
        crate::store::Db::Sqlite(_) => {
            let mut store = Store::init(path, &stamp(now), user)?;
            let load = crate::demo::load(&mut store, now, user)?;
            return Ok((store, load));
        }
        crate::store::Db::Postgres(url) => url,
    };
    // On PostgreSQL the demo lab is built in a scratch SQLite file and
    // copied whole (`copy --to`: ids, times and chains kept, verified),
    // so both engines hold the very same demo; the target must be empty.
    let scratch = ScratchFile::new();
    let load = {
        let mut store = Store::init(&scratch.0, &stamp(now), user)?;
        crate::demo::load(&mut store, now, user)?
    };
    let copied = crate::store::copy::copy(
        &crate::store::Db::Sqlite(scratch.0.clone()),
        &crate::store::Db::Postgres(url.clone()),
        crate::store::OpenOptions::default(),
    )?;
    if !copied.problems.is_empty() {
        return Err(crate::Error::CopyFailed {
            target: copied.target,
            detail: copied.problems.join("; "),
        });
    }
    let store = Store::open_postgres(&url, crate::store::OpenOptions::default())?;
    Ok((store, load))
}

/// A SQLite file of this process's own in the temporary directory,
/// removed (with its sidecars) when dropped.
struct ScratchFile(std::path::PathBuf);

impl ScratchFile {
    fn new() -> ScratchFile {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path =
            std::env::temp_dir().join(format!("labstock-demo-{}-{nanos}.db", std::process::id()));
        let scratch = ScratchFile(path);
        scratch.remove();
        scratch
    }

    fn remove(&self) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut p = self.0.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(p);
        }
    }
}

impl Drop for ScratchFile {
    fn drop(&mut self) {
        self.remove();
    }
}
