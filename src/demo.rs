//! The demonstration lab: the project's fixtures, compiled into the binary
//! so `labstock demo` works from any directory on a fresh machine.

use chrono::{DateTime, Utc};

use crate::acceptance::AcceptanceResult;
use crate::db::Store;
use crate::error::Result;
use crate::import::{self, ImportContext, ImportSummary};

/// The date the demo lab's data is written for: its reports are read as
/// of this moment unless `LABSTOCK_NOW` says otherwise.
pub const DEMO_NOW: &str = "2026-11-21T09:00:00Z";

pub const LOCATIONS: &str = include_str!("../fixtures/locations.csv");
pub const ITEMS: &str = include_str!("../fixtures/items.csv");
pub const MOVEMENTS: &str = include_str!("../fixtures/movements.csv");
pub const ORDERS: &str = include_str!("../fixtures/orders.csv");
pub const EQUIPMENT: &str = include_str!("../fixtures/equipment.csv");
pub const CALIBRATIONS: &str = include_str!("../fixtures/calibrations.csv");
pub const WASTE: &str = include_str!("../fixtures/waste.csv");
pub const TEMPERATURES: &str = include_str!("../fixtures/temperatures.csv");

/// What was loaded, file by file.
#[derive(Debug, Clone, Default)]
pub struct DemoLoad {
    pub steps: Vec<(&'static str, ImportSummary)>,
}

/// Load every fixture into `store` (a freshly initialised database).
pub fn load(store: &mut Store, now: DateTime<Utc>, user: &str) -> Result<DemoLoad> {
    let ctx = ImportContext {
        zone: store.lab_zone()?,
        now,
        user,
        allow_expired: false,
        again: false,
    };
    let mut load = DemoLoad::default();
    load.steps.push((
        "locations",
        import::import_locations(store, LOCATIONS.as_bytes(), ctx)?,
    ));
    load.steps
        .push(("items", import::import_items(store, ITEMS.as_bytes(), ctx)?));
    // Orders before movements, so receipts naming a PO link to its line.
    load.steps.push((
        "order lines",
        crate::orders::import_orders(store, ORDERS.as_bytes(), ctx)?,
    ));
    load.steps.push((
        "movements",
        import::import_movements(store, MOVEMENTS.as_bytes(), ctx)?,
    ));
    // Reagent acceptance (SPEC §13): RGT-FERR's new lot was verified
    // and passed; RGT-TSH's, received on the 19th, still awaits it.
    let stamp = now.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    store.accept_lot(
        "RGT-FERR",
        "FER-611",
        AcceptanceResult::Pass,
        Some("QC-2026-311"),
        Some("IQC levels 1 and 2 within limits on the new lot"),
        &stamp,
        "s.murray",
    )?;
    load.steps.push((
        "assets",
        crate::calibration::import_equipment(store, EQUIPMENT.as_bytes(), ctx)?,
    ));
    load.steps.push((
        "calibrations",
        crate::calibration::import_calibrations(store, CALIBRATIONS.as_bytes(), ctx)?,
    ));
    load.steps.push((
        "waste records",
        crate::waste::import_waste(store, WASTE.as_bytes(), ctx)?,
    ));
    stocktakes(store, now, user)?;
    // Storage temperatures (SPEC §15): FRIDGE-1's logger and FREEZER-1's
    // morning readings for the week. The fridge door was left open on the
    // 18th (an excursion, released by the supervisor) and propped for 20
    // minutes on the 20th (transient); nobody read the freezer on Sunday.
    load.steps.push((
        "temperature readings",
        crate::temperature::import_temperatures(store, TEMPERATURES.as_bytes(), ctx)?,
    ));
    if let Some(e) = store
        .excursions(Some("FRIDGE-1"), true)?
        .into_iter()
        .find(|e| e.from.starts_with("2026-11-18"))
    {
        store.decide_excursion(
            e.id,
            false,
            "door left ajar during restocking; product probe stayed at 6.1 °C",
            &stamp,
            "s.murray",
        )?;
    }
    Ok(load)
}

/// Two stocktakes (SPEC §13): the flammables cabinet counted and applied,
/// one line short and one over; the freezer's blind count in progress,
/// one line counted so far.
fn stocktakes(store: &mut Store, now: DateTime<Utc>, user: &str) -> Result<()> {
    use crate::stocktake::CountRequest;
    let count = |line: &crate::stocktake::SheetLine, quantity: i64| CountRequest {
        item: Some(line.item.clone()),
        gtin: None,
        expiry: None,
        lot: (!line.lot.is_empty()).then(|| line.lot.clone()),
        location: None,
        quantity: Some(quantity),
    };
    let done = store.stocktake_start("FLAM-CAB", false, None, now, user)?;
    let sheet = store.stocktake_sheet(done)?;
    for (i, line) in sheet.iter().enumerate() {
        let book = line.book.unwrap_or(0);
        let counted = match i {
            0 => (book - 1).max(0),
            1 => book + 2,
            _ => book,
        };
        store.stocktake_count(done, &count(line, counted), now, user)?;
    }
    store.stocktake_apply(done, false, now, user)?;
    let open = store.stocktake_start("FREEZER-1", true, None, now, user)?;
    if let Some(first) = store.stocktake_sheet(open)?.first() {
        let book: i64 = store
            .stock(
                crate::ledger::StockFilter::default(),
                crate::clock::lab_date(now, store.lab_zone()?),
            )?
            .iter()
            .filter(|l| l.item == first.item && l.lot == first.lot && l.location == "FREEZER-1")
            .map(|l| l.quantity)
            .sum();
        store.stocktake_count(open, &count(first, book), now, user)?;
    }
    Ok(())
}
