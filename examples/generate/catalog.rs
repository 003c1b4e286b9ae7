//! Items (the catalogue), item popularity and open orders.

use std::fmt::Write as _;
use std::io;

use crate::rng::Rng;
use crate::words;
use crate::{Csv, Day, FLAMCAB, FREEZER, FRIDGE1, FRIDGE2, LOCATIONS, MAIN, QCSTORE, fmt_date};

pub(crate) const ITEM_HEADER: [&str; 18] = [
    "code",
    "name",
    "category",
    "unit",
    "pack_size",
    "reorder_level",
    "max_level",
    "reorder_qty",
    "lead_time_days",
    "supplier",
    "supplier_ref",
    "unit_cost",
    "storage",
    "hazard",
    "lot_tracked",
    "gtin",
    "waste_stream",
    "in_use_days",
];

pub(crate) const ORDER_HEADER: [&str; 7] = [
    "reference",
    "supplier",
    "item",
    "quantity",
    "ordered_on",
    "expected_on",
    "location",
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Cat {
    Reagent,
    Ppe,
    Plastic,
    Sharps,
    Chemical,
    Qc,
    Calibrator,
}

const CATS: [(Cat, u32); 7] = [
    (Cat::Reagent, 33),
    (Cat::Ppe, 12),
    (Cat::Plastic, 20),
    (Cat::Sharps, 6),
    (Cat::Chemical, 12),
    (Cat::Qc, 9),
    (Cat::Calibrator, 8),
];

impl Cat {
    fn index(self) -> usize {
        self as usize
    }

    fn prefix(self) -> &'static str {
        match self {
            Cat::Reagent => "RGT",
            Cat::Ppe => "PPE",
            Cat::Plastic => "PLS",
            Cat::Sharps => "SHP",
            Cat::Chemical => "CHM",
            Cat::Qc => "QCM",
            Cat::Calibrator => "CAL",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Cat::Reagent => "reagent",
            Cat::Ppe => "PPE",
            Cat::Plastic => "plasticware",
            Cat::Sharps => "sharps",
            Cat::Chemical => "chemical",
            Cat::Qc => "QC",
            Cat::Calibrator => "calibrator",
        }
    }

    /// Suppliers that plausibly sell this category (names from `SUPPLIERS`).
    fn suppliers(self) -> &'static [&'static str] {
        match self {
            Cat::Reagent | Cat::Qc | Cat::Calibrator => &[
                "Abbott Diagnostics",
                "Beckman Coulter UK",
                "Bio-Rad Laboratories",
                "Bio-Techne",
                "Oxoid",
                "Randox Laboratories",
                "Roche Diagnostics",
                "Siemens Healthineers",
                "Sysmex UK",
                "Thermo Fisher Scientific",
                "Werfen UK",
            ],
            Cat::Ppe => &[
                "Ansell Healthcare",
                "Fisher Scientific UK",
                "Medline Industries",
                "Scientific Laboratory Supplies",
                "Shermond",
                "VWR International",
            ],
            Cat::Plastic => &[
                "Alpha Laboratories",
                "BD Biosciences",
                "Fisher Scientific UK",
                "Greiner Bio-One",
                "Sarstedt",
                "Scientific Laboratory Supplies",
                "Starlab UK",
                "VWR International",
            ],
            Cat::Sharps => &[
                "BD Biosciences",
                "CellPath",
                "Greiner Bio-One",
                "Leica Biosystems",
                "Sarstedt",
                "Fisher Scientific UK",
            ],
            Cat::Chemical => &[
                "CellPath",
                "Fisher Scientific UK",
                "Leica Biosystems",
                "Merck Life Science",
                "Scientific Laboratory Supplies",
                "VWR International",
            ],
        }
    }
}

/// What the movement and order generators need to know about an item.
pub(crate) struct ItemInfo {
    pub(crate) code: String,
    pub(crate) pack: i64,
    pub(crate) lot_tracked: bool,
    /// Index into `LOCATIONS` of the store it is received into.
    pub(crate) home: usize,
    /// Mean quantity per issue.
    pub(crate) issue_mean: f64,
    /// Most packs in one receipt.
    pub(crate) receive_packs: i64,
    /// Usable stock at or above which no more is received.
    pub(crate) cap: i64,
    pub(crate) supplier: usize,
    pub(crate) lead_time: i64,
    pub(crate) reorder: bool,
}

/// The GS1 mod-10 check digit of a GTIN body (weights 3,1,… from the right).
pub(crate) fn gs1_check_digit(body: &str) -> u32 {
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    (10 - sum % 10) % 10
}

/// Generates `n` items, writes them to `w` and returns their facts.
pub(crate) fn items(w: &mut Csv, rng: &mut Rng, n: usize) -> io::Result<Vec<ItemInfo>> {
    let supplier_index = |name: &str| {
        words::SUPPLIERS
            .iter()
            .position(|s| *s == name)
            .expect("supplier in list")
    };
    let mut counters = [0_u32; 7];
    let mut gtins: u32 = 0;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let cat = rng.weighted_pick(&CATS);
        counters[cat.index()] += rng.range(1, 2) as u32;
        let code = format!("{}-{:05}", cat.prefix(), counters[cat.index()]);
        let d = describe(rng, cat);

        let supplier = supplier_index(rng.choose(cat.suppliers()));
        let supplier_ref = match supplier % 3 {
            0 => format!("{:08}", rng.range(1_000_000, 99_999_999)),
            1 => format!(
                "{}{}-{:05}",
                rng.letter(),
                rng.letter(),
                rng.range(0, 99_999)
            ),
            _ => format!("{}.{:04}", rng.range(100, 999), rng.range(0, 9999)),
        };
        let supplier_ref = if rng.chance(0.9) {
            supplier_ref
        } else {
            String::new()
        };

        let receive_packs: i64 = if d.pack <= 12 { 3 } else { 2 };
        let receipt_mean = d.pack as f64 * (1.0 + receive_packs as f64) / 2.0;
        let issue_mean = (receipt_mean * 30.0 / 55.0 * rng.uniform(0.8, 1.2)).max(1.0);
        let cap = (receipt_mean * rng.uniform(2.0, 3.5)).ceil() as i64;

        let reorder = rng.chance(0.75);
        let (reorder_level, max_level, reorder_qty) = if reorder {
            let level = ((issue_mean * rng.uniform(1.5, 4.0)).round() as i64).max(1);
            let max = rng.chance(0.6).then(|| level + d.pack * rng.range(1, 4));
            let qty = rng.chance(0.4).then(|| d.pack * rng.range(1, 3));
            (Some(level), max, qty)
        } else {
            (None, None, None)
        };
        let lead_time = rng.range(2, 21);
        let lead_cell = if rng.chance(0.8) {
            lead_time.to_string()
        } else {
            String::new()
        };
        let unit_cost = if rng.chance(0.96) {
            crate::pounds(rng.range(d.cost.0, d.cost.1))
        } else {
            String::new()
        };
        let gtin = if rng.chance(0.3) && gtins < 1_000_000 {
            let indicator = i32::from(d.pack > 1);
            let company = 1000 + (supplier * 337) % 9000;
            let body = format!("{indicator}50{company:04}{gtins:06}");
            gtins += 1;
            format!("{body}{}", gs1_check_digit(&body))
        } else {
            String::new()
        };
        let opt = |v: Option<i64>| v.map_or_else(String::new, |v| v.to_string());
        w.write_record([
            code.as_str(),
            d.name.as_str(),
            cat.name(),
            d.unit,
            &d.pack.to_string(),
            &opt(reorder_level),
            &opt(max_level),
            &opt(reorder_qty),
            &lead_cell,
            words::SUPPLIERS[supplier],
            &supplier_ref,
            &unit_cost,
            d.storage,
            &d.hazard,
            if d.lot_tracked { "true" } else { "false" },
            &gtin,
            d.waste_stream,
            "",
        ])?;
        out.push(ItemInfo {
            code,
            pack: d.pack,
            lot_tracked: d.lot_tracked,
            home: d.home,
            issue_mean,
            receive_packs,
            cap,
            supplier,
            lead_time,
            reorder,
        });
    }
    Ok(out)
}

struct Described {
    name: String,
    unit: &'static str,
    pack: i64,
    storage: &'static str,
    home: usize,
    hazard: String,
    lot_tracked: bool,
    waste_stream: &'static str,
    /// Unit cost range in pence.
    cost: (i64, i64),
}

fn cold_home(rng: &mut Rng, storage: &str) -> usize {
    match storage {
        "2-8C" if rng.chance(0.65) => FRIDGE1,
        "2-8C" => FRIDGE2,
        "-20C" => FREEZER,
        _ => MAIN,
    }
}

fn describe(rng: &mut Rng, cat: Cat) -> Described {
    match cat {
        Cat::Reagent => {
            let form = *rng.pick(&words::REAGENT_FORMS);
            let mut name = format!("{} {form}", rng.pick(&words::ANALYTES));
            if form.contains("kit") || form.contains("cartridge") || form.contains("pack") {
                let tests = *rng.pick(&[50, 100, 200, 300, 500, 800]);
                let _ = write!(name, " ({tests} tests)");
            }
            let unit = match form {
                f if f.contains("kit") => "kit",
                f if f.contains("cartridge") => "cartridge",
                f if f.contains("pack") => "pack",
                "test strips" => "tub",
                _ => "bottle",
            };
            let storage = rng.weighted_pick(&[("2-8C", 60), ("room", 25), ("-20C", 15)]);
            let home = cold_home(rng, storage);
            let hazardous = rng.chance(0.15);
            Described {
                name,
                unit,
                pack: rng.weighted_pick(&[(1, 50), (5, 20), (10, 15), (12, 5), (20, 5), (24, 5)]),
                storage,
                home,
                hazard: if hazardous {
                    format!(
                        "{} (COSHH R-{:03})",
                        rng.pick(&["H317", "H302 H319", "H360", "H314", "H412"]),
                        rng.range(1, 400)
                    )
                } else {
                    String::new()
                },
                lot_tracked: rng.chance(0.7),
                waste_stream: if hazardous { "16 05 06*" } else { "" },
                cost: (1_500, 95_000),
            }
        }
        Cat::Ppe => {
            let base = *rng.pick(&words::PPE);
            let name = if base.contains("gloves") || base.contains("coat") {
                format!("{base}, size {}", rng.pick(&words::SIZES))
            } else {
                base.to_owned()
            };
            Described {
                name,
                unit: if base.contains("gloves") {
                    "box"
                } else {
                    "each"
                },
                pack: rng.weighted_pick(&[(1, 10), (10, 30), (20, 20), (50, 20), (100, 20)]),
                storage: "room",
                home: MAIN,
                hazard: String::new(),
                lot_tracked: false,
                waste_stream: "",
                cost: (150, 3_000),
            }
        }
        Cat::Plastic => Described {
            name: format!(
                "{}, {}",
                rng.pick(&words::PLASTICWARE),
                rng.pick(&words::PLASTIC_VARIANTS)
            ),
            unit: rng.choose(&["box", "bag", "pack", "case"]),
            pack: *rng.pick(&[1, 5, 10, 12, 20, 24, 50, 100]),
            storage: "room",
            home: MAIN,
            hazard: String::new(),
            lot_tracked: false,
            waste_stream: "",
            cost: (150, 6_000),
        },
        Cat::Sharps => Described {
            name: (*rng.pick(&words::SHARPS)).to_owned(),
            unit: rng.choose(&["box", "each", "pack"]),
            pack: *rng.pick(&[1, 10, 20, 50, 100]),
            storage: "room",
            home: MAIN,
            hazard: String::new(),
            lot_tracked: false,
            waste_stream: "18 01 01",
            cost: (300, 4_000),
        },
        Cat::Chemical => {
            let &(base, hazard, flammable, hazardous) = rng.pick(&words::CHEMICALS);
            let name = format!("{base}, {}", rng.pick(&words::CHEMICAL_SIZES));
            Described {
                name,
                unit: "bottle",
                pack: rng.weighted_pick(&[(1, 50), (5, 20), (10, 10), (12, 10), (24, 10)]),
                storage: if flammable {
                    "flammables cabinet"
                } else {
                    "room"
                },
                home: if flammable { FLAMCAB } else { MAIN },
                hazard: if hazard.is_empty() {
                    String::new()
                } else {
                    format!("{hazard} (COSHH CH-{:03})", rng.range(1, 250))
                },
                lot_tracked: rng.chance(0.15),
                waste_stream: if hazardous { "16 05 06*" } else { "" },
                cost: (500, 25_000),
            }
        }
        Cat::Qc => Described {
            name: format!(
                "{} control, level {}",
                rng.pick(&words::QC_FAMILIES),
                rng.range(1, 3)
            ),
            unit: rng.choose(&["vial", "box", "kit"]),
            pack: *rng.pick(&[1, 5, 10, 12]),
            storage: rng.weighted_pick(&[("2-8C", 70), ("-20C", 30)]),
            home: QCSTORE,
            hazard: "Human-source material: treat as potentially infectious".to_owned(),
            lot_tracked: true,
            waste_stream: "18 01 03*",
            cost: (2_000, 40_000),
        },
        Cat::Calibrator => Described {
            name: if rng.chance(0.3) {
                format!("Multi-analyte calibrator, level {}", rng.range(1, 3))
            } else {
                format!("{} calibrator set", rng.pick(&words::ANALYTES))
            },
            unit: rng.choose(&["kit", "set", "vial"]),
            pack: *rng.pick(&[1, 1, 5]),
            storage: "2-8C",
            home: QCSTORE,
            hazard: String::new(),
            lot_tracked: true,
            waste_stream: "",
            cost: (3_000, 30_000),
        },
    }
}

/// Skewed item popularity: a few items move a lot, most move a little.
pub(crate) struct Popularity {
    cumulative: Vec<f64>,
}

impl Popularity {
    pub(crate) fn new(rng: &mut Rng, n: usize) -> Self {
        let mut ranks: Vec<usize> = (0..n).collect();
        rng.shuffle(&mut ranks);
        let mut total = 0.0;
        let cumulative = ranks
            .iter()
            .map(|&r| {
                total += 1.0 / (r as f64 + 5.0).powf(0.8);
                total
            })
            .collect();
        Self { cumulative }
    }

    pub(crate) fn pick(&self, rng: &mut Rng) -> usize {
        let total = *self.cumulative.last().expect("at least one item");
        let r = rng.unit() * total;
        self.cumulative
            .partition_point(|&c| c <= r)
            .min(self.cumulative.len() - 1)
    }
}

/// Writes about `n` open order lines, ordered in the four weeks before `end`;
/// references continue from `po_next` so they never collide with receipts.
pub(crate) fn orders(
    w: &mut Csv,
    rng: &mut Rng,
    items: &[ItemInfo],
    n: usize,
    mut po_next: u32,
    end: Day,
) -> io::Result<usize> {
    if items.is_empty() {
        return Ok(0);
    }
    let mut by_supplier: Vec<Vec<usize>> = vec![Vec::new(); words::SUPPLIERS.len()];
    for (i, item) in items.iter().enumerate() {
        if item.reorder {
            by_supplier[item.supplier].push(i);
        }
    }
    let mut written = 0;
    let mut chosen: Vec<usize> = Vec::new();
    while written < n {
        let supplier = items[rng.index(items.len())].supplier;
        let pool = &by_supplier[supplier];
        if pool.is_empty() {
            if by_supplier.iter().all(Vec::is_empty) {
                break;
            }
            continue;
        }
        let lines = (rng.range(1, 4) as usize).min(n - written).min(pool.len());
        chosen.clear();
        while chosen.len() < lines {
            let i = *rng.pick(pool);
            if !chosen.contains(&i) {
                chosen.push(i);
            }
        }
        let reference = format!("PO-{po_next:06}");
        po_next += 1;
        let ordered = end - rng.range(0, 28) as Day;
        let ordered_on = fmt_date(ordered);
        for &i in &chosen {
            let item = &items[i];
            let expected_on = fmt_date(ordered + item.lead_time as Day);
            let location = if item.home == MAIN {
                ""
            } else {
                LOCATIONS[item.home].0
            };
            w.write_record([
                reference.as_str(),
                words::SUPPLIERS[item.supplier],
                &item.code,
                &(item.pack * rng.range(1, 4)).to_string(),
                &ordered_on,
                &expected_on,
                location,
            ])?;
            written += 1;
        }
    }
    Ok(written)
}
