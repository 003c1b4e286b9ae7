//! Deterministic synthetic data for labstock performance work.
//!
//! ```text
//! cargo run --release --example generate -- --items 20000 --movements 2000000 \
//!     --equipment 5000 --waste 100000 --seed 7 --out DIR
//! ```
//!
//! Writes the SPEC §7 import files into `DIR`: `locations.csv`, `items.csv`,
//! `movements.csv`, `orders.csv`, `equipment.csv`, `calibrations.csv` and
//! `waste.csv`. The same flags give byte-identical files. Movements are
//! streamed to disk; only per-lot balances are kept in memory.
//!
//! Import order: locations, items, movements, orders, equipment,
//! calibrations, waste. `locations.csv` leaves out `MAIN` (`init` creates it).

#[path = "generate/assets.rs"]
mod assets;
#[path = "generate/catalog.rs"]
mod catalog;
#[path = "generate/ledger.rs"]
mod ledger;
#[path = "generate/rng.rs"]
mod rng;
#[path = "generate/words.rs"]
mod words;

use std::fmt::Write as _;
use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use chrono::{Datelike, Months, NaiveDate};
use clap::Parser;

use rng::Rng;

/// Synthetic labstock data (SPEC §7 CSV files), deterministic for a seed.
#[derive(Parser, Debug)]
#[command(name = "generate")]
struct Args {
    /// Number of items (consumable and reagent lines).
    #[arg(long, default_value_t = 200)]
    items: usize,
    /// Number of stock movements (ledger rows).
    #[arg(long, default_value_t = 20_000)]
    movements: u64,
    /// Number of equipment assets.
    #[arg(long, default_value_t = 50)]
    equipment: usize,
    /// Average number of calibration records per asset.
    #[arg(long, default_value_t = 10)]
    calibrations_per_asset: u32,
    /// Number of waste disposal records.
    #[arg(long, default_value_t = 1_000)]
    waste: u64,
    /// Number of open order lines (default: items / 20, between 10 and 400).
    #[arg(long)]
    orders: Option<usize>,
    /// Seed for the pseudo-random generator.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// First date of the data (default: three years before --end, plus a day).
    #[arg(long)]
    start: Option<NaiveDate>,
    /// Last date of the data.
    #[arg(long, default_value = "2026-11-20")]
    end: NaiveDate,
    /// Waste stream codes to use in waste.csv (comma-separated).
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "18 01 03*,18 01 01,16 05 06*,18 01 08*,15 01 10*,20 03 01"
    )]
    waste_streams: Vec<String>,
    /// Output directory (created if missing).
    #[arg(long, default_value = "generated")]
    out: PathBuf,
}

/// Locations: `MAIN` first (created by `init`), then the stores and benches.
pub(crate) const LOCATIONS: [(&str, &str); 10] = [
    ("MAIN", "Main store"),
    ("FRIDGE-1", "Reagent fridge 1 (2-8C)"),
    ("FRIDGE-2", "Reagent fridge 2 (2-8C)"),
    ("FREEZER-1", "Freezer 1 (-20C)"),
    ("BENCH-HAEM", "Haematology bench"),
    ("BENCH-BIOCHEM", "Biochemistry bench"),
    ("BENCH-MICRO", "Microbiology bench"),
    ("BENCH-HISTO", "Histology bench"),
    ("FLAM-CAB", "Flammables cabinet"),
    ("QC-STORE", "QC material store (2-8C)"),
];
pub(crate) const NLOC: usize = LOCATIONS.len();
pub(crate) const MAIN: usize = 0;
pub(crate) const FRIDGE1: usize = 1;
pub(crate) const FRIDGE2: usize = 2;
pub(crate) const FREEZER: usize = 3;
pub(crate) const BENCHES: [usize; 4] = [4, 5, 6, 7];
pub(crate) const FLAMCAB: usize = 8;
pub(crate) const QCSTORE: usize = 9;

pub(crate) fn is_bench(loc: usize) -> bool {
    BENCHES.contains(&loc)
}

/// A day as a count of days from the common era (cheap to compare and add).
pub(crate) type Day = i32;

pub(crate) fn day_of(d: NaiveDate) -> Day {
    d.num_days_from_ce()
}

pub(crate) fn date_of(day: Day) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(day).expect("day in range")
}

pub(crate) fn push_date(buf: &mut String, day: Day) {
    let d = date_of(day);
    let _ = write!(buf, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day());
}

pub(crate) fn fmt_date(day: Day) -> String {
    let mut s = String::with_capacity(10);
    push_date(&mut s, day);
    s
}

/// The last day of the month `day` falls in.
pub(crate) fn month_end(day: Day) -> Day {
    let d = date_of(day);
    let first = d.with_day(1).expect("first of month");
    day_of(first + Months::new(1)) - 1
}

/// Money in pence as pounds with two decimals.
pub(crate) fn pounds(pence: i64) -> String {
    format!("{}.{:02}", pence / 100, pence % 100)
}

/// Spread `n` events over the days `start..=end` in proportion to `weight`
/// (by weekday), exactly `n` in all; calls `f(day, count)` for each day.
pub(crate) fn per_day<E>(
    start: Day,
    end: Day,
    n: u64,
    weight: impl Fn(NaiveDate) -> u64,
    mut f: impl FnMut(Day, u64) -> Result<(), E>,
) -> Result<(), E> {
    let weights: Vec<u64> = (start..=end).map(|d| weight(date_of(d))).collect();
    let total: u128 = weights.iter().map(|&w| u128::from(w)).sum::<u128>().max(1);
    let mut cum: u128 = 0;
    let mut done: u64 = 0;
    for (i, w) in weights.iter().enumerate() {
        cum += u128::from(*w);
        let upto = (u128::from(n) * cum / total) as u64;
        let k = upto - done;
        done = upto;
        f(start + i as Day, k)?;
    }
    Ok(())
}

pub(crate) type Csv = csv::Writer<File>;

fn writer(dir: &Path, name: &str, header: &[&str]) -> io::Result<Csv> {
    let file = File::create(dir.join(name))?;
    let mut w = csv::WriterBuilder::new()
        .buffer_capacity(1 << 17)
        .from_writer(file);
    w.write_record(header)?;
    Ok(w)
}

// RNG stream numbers, one per output, so one file's size leaves the others alone.
const STREAM_ITEMS: u64 = 1;
const STREAM_MOVEMENTS: u64 = 2;
const STREAM_ORDERS: u64 = 3;
const STREAM_EQUIPMENT: u64 = 4;
const STREAM_WASTE: u64 = 5;

fn run(args: &Args) -> Result<String, Box<dyn std::error::Error>> {
    let started = Instant::now();
    let end = day_of(args.end);
    let start = match args.start {
        Some(d) => day_of(d),
        None => day_of(args.end - Months::new(36)) + 1,
    };
    if start > end {
        return Err(format!("--start {} is after --end {}", fmt_date(start), args.end).into());
    }
    if args.items == 0 && args.movements > 0 {
        return Err("--movements needs at least one item (--items)".into());
    }
    let streams = args
        .waste_streams
        .iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>();
    if streams.is_empty() && args.waste > 0 {
        return Err("--waste-streams is empty".into());
    }
    fs::create_dir_all(&args.out)?;
    let dir = args.out.as_path();

    // locations.csv
    let mut w = writer(dir, "locations.csv", &["code", "name"])?;
    for &(code, name) in &LOCATIONS[1..] {
        w.write_record([code, name])?;
    }
    w.flush()?;
    let n_locations = LOCATIONS.len() - 1;

    // items.csv
    let mut w = writer(dir, "items.csv", &catalog::ITEM_HEADER)?;
    let mut rng = Rng::new(args.seed, STREAM_ITEMS);
    let items = catalog::items(&mut w, &mut rng, args.items)?;
    w.flush()?;
    let popularity = catalog::Popularity::new(&mut rng, items.len());

    // movements.csv
    let mut w = writer(dir, "movements.csv", &ledger::MOVEMENT_HEADER)?;
    let mut ledger =
        ledger::Ledger::new(&items, &popularity, Rng::new(args.seed, STREAM_MOVEMENTS));
    ledger.run(&mut w, start, end, args.movements)?;
    w.flush()?;
    let mix = ledger.mix();
    let lots = ledger.lot_count();
    let po_next = ledger.po_counter + 1;
    drop(ledger);

    // orders.csv
    let n_orders = args.orders.unwrap_or((args.items / 20).clamp(10, 400));
    let mut w = writer(dir, "orders.csv", &catalog::ORDER_HEADER)?;
    let mut rng = Rng::new(args.seed, STREAM_ORDERS);
    let orders = catalog::orders(&mut w, &mut rng, &items, n_orders, po_next, end)?;
    w.flush()?;

    // equipment.csv and calibrations.csv
    let mut we = writer(dir, "equipment.csv", &assets::EQUIPMENT_HEADER)?;
    let mut wc = writer(dir, "calibrations.csv", &assets::CALIBRATION_HEADER)?;
    let mut rng = Rng::new(args.seed, STREAM_EQUIPMENT);
    let (n_equipment, n_calibrations) = assets::equipment(
        &mut we,
        &mut wc,
        &mut rng,
        args.equipment,
        args.calibrations_per_asset,
        start,
        end,
    )?;
    we.flush()?;
    wc.flush()?;

    // waste.csv
    let mut w = writer(dir, "waste.csv", &assets::WASTE_HEADER)?;
    let mut rng = Rng::new(args.seed, STREAM_WASTE);
    let n_waste = assets::waste(&mut w, &mut rng, args.waste, &streams, start, end)?;
    w.flush()?;

    Ok(format!(
        "generate: seed={} {}..{} locations={} items={} movements={} ({mix}; lots={lots}) orders={} equipment={} calibrations={} waste={} in {:.2}s -> {}",
        args.seed,
        fmt_date(start),
        fmt_date(end),
        n_locations,
        items.len(),
        args.movements,
        orders,
        n_equipment,
        n_calibrations,
        n_waste,
        started.elapsed().as_secs_f64(),
        dir.display(),
    ))
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(summary) => {
            eprintln!("{summary}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
