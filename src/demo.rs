//! The demonstration lab: the project's fixtures, compiled into the binary
//! so `labstock demo` works from any directory on a fresh machine.

use chrono::{DateTime, Utc};

use crate::acceptance::AcceptanceResult;
use crate::error::Result;
use crate::import::{self, ImportContext, ImportSummary};
use crate::store::Store;

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
    openings(store, now)?;
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
    load.steps.push(("prepared batches", prepared(store, now)?));
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

/// Made-up solutions (SPEC §14) at the haematology bench: PBS pH 7.4
/// made from buffer tablets, and Giemsa working stain made from the stock
/// stain and a batch of that buffer (a batch made from a batch), each with
/// a recipe. The supplier then recalls the tablet lot the first buffer
/// batch was made from: the recall cascades to that buffer batch and to
/// the stain made from it, both quarantined.
/// Opened containers (SPEC §15): one kit of the PT reagent was opened on
/// the coagulation analyser on 14 November (10 days in use), so it expires
/// on the 24th while the three sealed kits of the lot keep their expiry.
fn openings(store: &mut Store, now: DateTime<Utc>) -> Result<()> {
    use crate::ledger::MovementRequest;
    use crate::model::{MovementKind, Quantity};
    use crate::values::Timestamp;

    let recorded = Timestamp::new("demo timestamp", now)?;
    let mut req = MovementRequest::new(
        MovementKind::Open,
        "RGT-PT",
        Quantity::bounded("demo quantity", 1)?,
        Timestamp::new(
            "demo timestamp",
            crate::model::parse_stamp("2026-11-14T08:40:00Z")?,
        )?,
        "r.chen",
    );
    req.lot = Some("569099".into());
    req.location = Some("FRIDGE-1".into());
    req.note = Some("loaded on CS-2500".into());
    store.record(&req, recorded)?;
    Ok(())
}

fn prepared(store: &mut Store, now: DateTime<Utc>) -> Result<ImportSummary> {
    use crate::catalogue::Item;
    use crate::ledger::MovementRequest;
    use crate::model::{MovementKind, Quantity};
    use crate::prepare::{ComponentSpec, PrepareRequest};
    use crate::values::Timestamp;

    let stamp = |t: &str| -> Result<Timestamp> {
        Timestamp::new("demo timestamp", crate::model::parse_stamp(t)?)
    };
    let date = |d: &str| crate::model::parse_date("demo date", d);
    let recorded = Timestamp::new("demo timestamp", now)?;
    let at = recorded.stamp();
    let item = |code: &str, name: &str, unit: &str, storage: &str| {
        let mut i = Item::new(code, name);
        i.category = Some("prepared".into());
        i.unit = unit.into();
        i.storage = Some(storage.into());
        i.lot_tracked = true;
        i
    };
    let mut tablets = item(
        "CHM-PBS-TAB",
        "Phosphate buffered saline tablets, pH 7.4 (100)",
        "tablet",
        "room",
    );
    tablets.category = Some("chemical".into());
    tablets.supplier = Some("Scientific Laboratory Supplies".into());
    let mut giemsa = item(
        "CHM-GIEMSA",
        "Giemsa stain solution (stock), 500 mL",
        "mL",
        "flammables cabinet",
    );
    giemsa.category = Some("chemical".into());
    giemsa.hazard = Some("H225 H301 H311 H331 H370; COSHH CR-011".into());
    giemsa.waste_stream = Some("16 05 06*".into());
    // Its GHS/CLP classification (SPEC §16), as the supplier's sheet says.
    giemsa.ghs = Some("GHS02 GHS06 GHS08".into());
    giemsa.signal_word = Some("Danger".into());
    giemsa.h_statements = Some("H225 H301+H311+H331 H370".into());
    giemsa.p_statements = Some("P210 P280 P301+P310 P308+P311".into());
    let mut pbs = item(
        "PRP-PBS",
        "PBS pH 7.4, 500 mL (made in-house)",
        "bottle",
        "2-8C",
    );
    pbs.shelf_life_days = Some(28);
    let mut stain = item(
        "PRP-GIEMSA-WS",
        "Giemsa working stain 1:20 in PBS, 100 mL (made in-house)",
        "bottle",
        "room",
    );
    stain.shelf_life_days = Some(7);
    stain.hazard = Some("H370; COSHH CR-011".into());
    stain.waste_stream = Some("16 05 06*".into());
    stain.ghs = Some("GHS08".into());
    stain.signal_word = Some("Danger".into());
    stain.h_statements = Some("H370".into());
    for i in [tablets, giemsa, pbs, stain] {
        store.add_item(i, &at, "s.murray")?;
    }
    // The stock solution's safety data sheet; the working stain's is
    // still missing (`report sds`).
    store.add_sds(
        &crate::sds::NewSds {
            item: "CHM-GIEMSA",
            document: &demo_sheet("Giemsa stain solution: safety data sheet (demonstration)"),
            filename: Some("giemsa-sds.pdf"),
            revised: date("2022-03-14")?,
            supplier: Some("Merck Life Science UK"),
        },
        now.date_naive(),
        &at,
        "s.murray",
    )?;
    let receive = |store: &mut Store,
                   code: &str,
                   qty: i64,
                   lot: &str,
                   expiry: &str,
                   when: &str|
     -> Result<()> {
        let mut req = MovementRequest::new(
            MovementKind::Receive,
            code,
            Quantity::bounded("demo quantity", qty)?,
            stamp(when)?,
            "s.murray",
        );
        req.lot = Some(lot.into());
        req.expiry = Some(date(expiry)?);
        req.location = Some("BENCH-HAEM".into());
        req.reference = Some("DN-871204".into());
        store.record(&req, recorded)?;
        Ok(())
    };
    receive(
        store,
        "CHM-PBS-TAB",
        100,
        "PT-2609B",
        "2027-09-30",
        "2026-11-02T10:12:00Z",
    )?;
    receive(
        store,
        "CHM-PBS-TAB",
        100,
        "PT-2611A",
        "2028-03-31",
        "2026-11-02T10:13:00Z",
    )?;
    receive(
        store,
        "CHM-GIEMSA",
        500,
        "GS-8841",
        "2027-05-31",
        "2026-11-02T10:15:00Z",
    )?;
    let spec = |text: &str| ComponentSpec::parse(text);
    store.set_recipe("PRP-PBS", &[spec("CHM-PBS-TAB=5")?], &at, "s.murray")?;
    store.set_recipe(
        "PRP-GIEMSA-WS",
        &[spec("CHM-GIEMSA=5")?, spec("PRP-PBS=1")?],
        &at,
        "s.murray",
    )?;
    let mut made = 0;
    let batch = |item: &str,
                 qty: i64,
                 batch: &str,
                 on: &str,
                 components: Vec<ComponentSpec>|
     -> Result<PrepareRequest> {
        Ok(PrepareRequest {
            item: item.into(),
            quantity: Quantity::bounded("demo quantity", qty)?,
            batch: batch.into(),
            components,
            location: Some("BENCH-HAEM".into()),
            date: Some(date(on)?),
            note: None,
        })
    };
    // From the recipe: FEFO takes the tablet lot PT-2609B.
    store.prepare_batch(
        &batch("PRP-PBS", 4, "PBS-261105", "2026-11-05", vec![])?,
        recorded,
        "a.patel",
    )?;
    // A named lot overrides the recipe.
    store.prepare_batch(
        &batch(
            "PRP-PBS",
            4,
            "PBS-261118",
            "2026-11-18",
            vec![spec("CHM-PBS-TAB:PT-2611A=20")?],
        )?,
        recorded,
        "l.nowak",
    )?;
    // From the recipe: the stock stain and the first-expiring buffer batch.
    store.prepare_batch(
        &batch("PRP-GIEMSA-WS", 2, "GWS-261119", "2026-11-19", vec![])?,
        recorded,
        "a.patel",
    )?;
    made += 3;
    let today = crate::clock::lab_date(now, store.lab_zone()?);
    store.recall_lot(
        "CHM-PBS-TAB",
        "PT-2609B",
        Some("supplier field safety notice FSN-2611-04: tablets may not dissolve fully"),
        true,
        today,
        &at,
        "s.murray",
    )?;
    Ok(ImportSummary {
        written: made,
        ..ImportSummary::default()
    })
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
        opened: line.opened_on,
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

/// A one-page PDF standing in for a supplier's safety data sheet.
fn demo_sheet(title: &str) -> Vec<u8> {
    use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};
    let mut pdf = Pdf::new();
    let (catalog, tree, page, font, content) = (
        Ref::new(1),
        Ref::new(2),
        Ref::new(3),
        Ref::new(4),
        Ref::new(5),
    );
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids([page]).count(1);
    let mut p = pdf.page(page);
    p.media_box(Rect::new(0.0, 0.0, 595.0, 842.0))
        .parent(tree)
        .contents(content);
    p.resources().fonts().pair(Name(b"F1"), font);
    p.finish();
    pdf.type1_font(font).base_font(Name(b"Helvetica"));
    let mut c = Content::new();
    c.begin_text();
    c.set_font(Name(b"F1"), 14.0);
    c.next_line(56.0, 780.0);
    c.show(Str(title.as_bytes()));
    c.end_text();
    pdf.stream(content, &c.finish());
    pdf.finish()
}
