//! Benchmark of `report reorder` and `report expiry` on a large lab (not a
//! timed test: run it by hand, in release).
//!
//! ```text
//! cargo run --release --example bench_reorder -- [DB] [ITEMS] [MOVEMENTS]
//! ```
//!
//! DB may also be a database built by importing the files of
//! `examples/generate.rs` (`--items 20000 --movements 2000000`).
//!
//! Builds (once; an existing DB is reused) a database of 20,000 items and
//! 2,000,000 movements by default — consistent balances, lot-tracked items
//! with expiries, opened and quarantined lots, open and part-received
//! orders (some receipts linked, some matched by reference) — then times
//! the reports through the library, as the CLI runs them. Target: under
//! 150 ms each for today; the cost must follow items and lots, not the
//! ledger (compare a run with 10x the movements).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{NaiveDate, TimeDelta};
use labstock::Store;
use labstock::reorder::ReorderQuery;
use rusqlite::params;

/// xorshift64*: deterministic, dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const TODAY: &str = "2026-11-21";
const LOCATIONS: i64 = 7;

fn day(d: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 11, 21).unwrap_or_default() + TimeDelta::days(d)
}

fn build(path: &Path, items: i64, movements: i64) -> labstock::Result<()> {
    Store::init(path, "2024-11-01T00:00:00Z", "bench")?.close()?;
    let conn = rusqlite::Connection::open(path)?;
    let c = &conn;
    c.execute_batch("BEGIN")?;
    for l in 2..=LOCATIONS {
        c.execute(
            "INSERT INTO locations (code, name, created_at, created_by) VALUES (?1, ?1, '2024-11-01T00:00:00Z', 'bench')",
            [format!("LOC-{l}")],
        )?;
    }
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    // Items: most with a reorder level; a third lot-tracked.
    let mut lots_of: Vec<Vec<(i64, bool)>> = Vec::with_capacity(items as usize);
    {
        let mut item = c.prepare(
            "INSERT INTO items (code, name, unit, pack_size, reorder_level, max_level, reorder_qty, lead_time_days, \
             supplier, supplier_ref, unit_cost_pence, lot_tracked, in_use_days, created_at, created_by) \
             VALUES (?1, ?2, 'each', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, '2024-11-01T00:00:00Z', 'bench')",
        )?;
        let mut lot = c.prepare(
            "INSERT INTO lots (item_id, lot, expiry, status, opened_on, created_at) VALUES (?1, ?2, ?3, ?4, ?5, '2024-11-01T00:00:00Z')",
        )?;
        for i in 1..=items {
            let tracked = rng.below(3) == 0;
            let level = (rng.below(10) != 0).then(|| 5 + rng.below(40) as i64);
            let max = level.filter(|_| rng.below(2) == 0).map(|l| l * 3);
            let qty = (max.is_none() && rng.below(2) == 0).then(|| 10 + rng.below(50) as i64);
            item.execute(params![
                format!("ITEM-{i:05}"),
                format!("Item {i}, \"bench\" line"),
                [1, 1, 1, 4, 10, 12][rng.below(6) as usize],
                level,
                max,
                qty,
                rng.below(21) as i64,
                format!("Supplier {:02}", rng.below(40)),
                format!("REF-{i}"),
                100 + rng.below(50_000) as i64,
                tracked,
                tracked.then_some(28),
            ])?;
            let item_id = c.last_insert_rowid();
            let mut lots = Vec::new();
            let n = if tracked { 3 } else { 1 };
            for k in 0..n {
                let (name, expiry) = if tracked {
                    (
                        format!("L{i}-{k}"),
                        Some(day(700 + rng.below(900) as i64).to_string()),
                    )
                } else {
                    (String::new(), None)
                };
                let status = match rng.below(100) {
                    0 => "quarantined",
                    1 => "recalled",
                    _ => "available",
                };
                let opened = (tracked && rng.below(5) == 0)
                    .then(|| day(700 + rng.below(30) as i64).to_string());
                lot.execute(params![item_id, name, expiry, status, opened])?;
                lots.push((c.last_insert_rowid(), tracked));
            }
            lots_of.push(lots);
        }
    }
    // Orders: one line per 20 items, some part-received later.
    let mut orders: Vec<(i64, i64, String)> = Vec::new();
    {
        let mut order = c.prepare(
            "INSERT INTO orders (reference, supplier, item_id, quantity, ordered_on, location_id, created_at, created_by) \
             VALUES (?1, 'Supplier', ?2, ?3, ?4, 1, '2026-10-01T00:00:00Z', 'bench')",
        )?;
        for k in 0..items / 20 {
            let item_id = 1 + rng.below(items as u64) as i64;
            let reference = format!("PO-{k:05}");
            order.execute(params![
                reference,
                item_id,
                10 + rng.below(40) as i64,
                day(690 + rng.below(40) as i64).to_string()
            ])?;
            orders.push((c.last_insert_rowid(), item_id, reference));
        }
    }
    // Movements, in time order over two years, never negative.
    let mut stock: HashMap<(i64, i64), i64> = HashMap::new();
    {
        let mut mv = c.prepare(
            "INSERT INTO movements (at, kind, item_id, lot_id, location_id, quantity, reference, order_id, user, recorded_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'bench', ?1)",
        )?;
        let span = 730 * 86_400;
        for m in 0..movements {
            let secs = m * span / movements.max(1);
            let at = format!(
                "{}T{:02}:{:02}:{:02}Z",
                day(secs / 86_400),
                (secs % 86_400) / 3600,
                (secs % 3600) / 60,
                secs % 60
            );
            let item = rng.below(items as u64) as i64;
            let lots = &lots_of[item as usize];
            let (lot, _) = lots[rng.below(lots.len() as u64) as usize];
            // Each item lives in its store (MAIN or one of two fridges) and
            // now and then at one bench.
            let loc = if rng.below(10) == 0 {
                4 + item % (LOCATIONS - 3)
            } else {
                1 + item % 3
            };
            let have = stock.get(&(lot, loc)).copied().unwrap_or(0);
            let (kind, q) = if have > 0 && rng.below(3) != 0 {
                ("issue", -(1 + rng.below(have.min(10) as u64) as i64))
            } else {
                ("receive", 5 + rng.below(30) as i64)
            };
            let (reference, order_id) =
                if kind == "receive" && rng.below(50) == 0 && !orders.is_empty() {
                    let (id, _, reference) = &orders[rng.below(orders.len() as u64) as usize];
                    (Some(reference.clone()), (rng.below(2) == 0).then_some(*id))
                } else {
                    (None, None)
                };
            mv.execute(params![
                at,
                kind,
                item + 1,
                lot,
                loc,
                q,
                reference,
                order_id
            ])?;
            *stock.entry((lot, loc)).or_default() += q;
        }
    }
    {
        let mut bal = c.prepare(
            "INSERT INTO balances (lot_id, location_id, item_id, quantity) VALUES (?1, ?2, (SELECT item_id FROM lots WHERE id = ?1), ?3)",
        )?;
        for ((lot, loc), q) in &stock {
            bal.execute(params![lot, loc, q])?;
        }
        c.execute(
            "UPDATE orders SET received = (SELECT coalesce(SUM(quantity), 0) FROM movements m WHERE m.order_id = orders.id)",
            [],
        )?;
    }
    c.execute_batch("COMMIT; ANALYZE;")?;
    Ok(())
}

fn time<T>(
    what: &str,
    runs: usize,
    mut f: impl FnMut() -> labstock::Result<T>,
) -> labstock::Result<T> {
    let mut times: Vec<Duration> = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        last = Some(f()?);
        times.push(start.elapsed());
    }
    times.sort();
    println!(
        "{what:<40} min {:>7.1} ms   median {:>7.1} ms   max {:>7.1} ms",
        times[0].as_secs_f64() * 1e3,
        times[times.len() / 2].as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3
    );
    last.ok_or_else(|| labstock::Error::missing("runs", "time at least one run"))
}

fn main() -> labstock::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = PathBuf::from(args.next().unwrap_or_else(|| "bench-reorder.db".into()));
    let items: i64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let movements: i64 = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(2_000_000);
    if !path.exists() {
        let start = Instant::now();
        println!(
            "building {} ({items} items, {movements} movements)…",
            path.display()
        );
        build(&path, items, movements)?;
        println!("built in {:.1} s", start.elapsed().as_secs_f64());
    }
    let store = Store::open(&path)?;
    let today = NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap_or_default();
    let query = ReorderQuery {
        as_of: today,
        supplier: None,
        location: None,
    };
    let report = time("report reorder (today)", 15, || {
        store.reorder_report(&query)
    })?;
    println!(
        "  {} rows, {} warnings",
        report.rows.len(),
        report.warnings.len()
    );
    let rows = time("report expiry --within 30 (today)", 15, || {
        store.expiry_report(today, 30, None)
    })?;
    println!("  {} rows", rows.len());
    if let Some(name) = report.rows.iter().find_map(|r| r.supplier.clone()) {
        let supplier = ReorderQuery {
            supplier: Some(name),
            ..query.clone()
        };
        time("report reorder --supplier", 15, || {
            store.reorder_report(&supplier)
        })?;
    }
    let located = ReorderQuery {
        location: Some("MAIN".into()),
        ..query.clone()
    };
    time("report reorder --location MAIN", 15, || {
        store.reorder_report(&located)
    })?;
    let past = ReorderQuery {
        as_of: today - TimeDelta::days(30),
        ..query.clone()
    };
    time("report reorder --as-of (30 days back)", 5, || {
        store.reorder_report(&past)
    })?;
    time("report usage --weeks 8", 5, || {
        store.usage_report(today, 8, None)
    })?;
    Ok(())
}
