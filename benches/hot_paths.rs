//! Criterion benchmarks of labstock's library hot paths (issue 7):
//!
//! - `record`: one movement as its own transaction (lookups, rules, ledger
//!   row, balance, commit with fsync) on a store of 200,000 movements;
//! - `ledger_insert_floor`: the bare prepared INSERT of a ledger row into
//!   the same table with the same indexes and foreign keys, no rules: the
//!   floor under `import movements` (an import cannot be cheaper per row);
//! - `fefo_plan`: first-expiry-first-out allocation over an item's lots;
//! - `gs1_decode`: decoding a scanned GS1 element string;
//! - `reorder`: the weekly reorder list (`Store::reorder_report`) as of
//!   the store's last day.
//!
//! The store is built once from the synthetic generator's medium size
//! (`examples/generate.rs`: 2,000 items, 200,000 movements, seed 7) and
//! cached under `target/bench-data/` (or `$LABSTOCK_BENCH_DATA`); each run
//! works on a copy, so the cached store never changes.
//!
//! Run: `cargo bench --bench hot_paths` (add `-- record` for one group).

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use labstock::Store;
use labstock::catalogue::Item;
use labstock::gs1::{DecodeOptions, decode};
use labstock::import::{ImportContext, import_items, import_locations, import_movements};
use labstock::ledger::{Lot, MovementRequest, fefo_plan};
use labstock::model::{LotId, LotStatus, MovementKind, Quantity, Timestamp};
use labstock::orders::import_orders;
use labstock::reorder::ReorderQuery;

/// The moment the benchmark store is built and recorded at.
const NOW: &str = "2026-11-21T09:00:00Z";

fn stamp_now() -> Timestamp {
    Timestamp::new("now", now()).expect("fixed timestamp")
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(NOW)
        .expect("fixed timestamp")
        .with_timezone(&Utc)
}

/// Where generated data and cached stores live.
fn data_root() -> PathBuf {
    if let Some(dir) = std::env::var_os("LABSTOCK_BENCH_DATA") {
        return PathBuf::from(dir);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("target"),
        PathBuf::from,
    );
    target.join("bench-data")
}

/// The generated CSVs of one size, made with the same command as
/// bench/run.sh if they are not there yet.
fn generated(name: &str, items: u32, movements: u32) -> PathBuf {
    let dir = data_root().join(name);
    if !dir.join("movements.csv").exists() {
        let status = Command::new(env!("CARGO"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["run", "--release", "--quiet", "--example", "generate", "--"])
            .args(["--items", &items.to_string()])
            .args(["--movements", &movements.to_string()])
            .args(["--equipment", &(items / 4).to_string()])
            .args(["--waste", &(movements / 20).to_string()])
            .args(["--seed", "7", "--out"])
            .arg(&dir)
            .status()
            .expect("run the generator");
        assert!(status.success(), "generator failed");
    }
    dir
}

/// A store with the medium data set imported, built once and cached.
fn medium_store() -> PathBuf {
    let dir = generated("m", 2_000, 200_000);
    let db = dir.join("hot_paths-v2.db");
    if db.exists() {
        return db;
    }
    let partial = dir.join("hot_paths-v2.db.partial");
    let _ = std::fs::remove_file(&partial);
    let mut store = Store::init(&partial, NOW, "bench").expect("init store");
    let ctx = ImportContext {
        zone: labstock::clock::Zone::UTC,
        now: now(),
        user: "bench",
        allow_expired: false,
        again: false,
    };
    let open = |name: &str| {
        std::io::BufReader::new(std::fs::File::open(dir.join(name)).expect("generated csv"))
    };
    import_locations(&mut store, open("locations.csv"), ctx).expect("import locations");
    import_items(&mut store, open("items.csv"), ctx).expect("import items");
    import_movements(&mut store, open("movements.csv"), ctx).expect("import movements");
    import_orders(&mut store, open("orders.csv"), ctx).expect("import orders");
    // Closing the last connection folds the WAL into the file, so a copy
    // of the one file is the store.
    store.close().expect("close store");
    std::fs::rename(&partial, &db).expect("cache store");
    db
}

/// A private copy of the cached store for one benchmark run.
fn scratch_copy(db: &Path) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let copy = dir.path().join("bench.db");
    std::fs::copy(db, &copy).expect("copy store");
    (dir, copy)
}

fn request(kind: MovementKind, item: &str, quantity: i64) -> MovementRequest {
    let quantity = Quantity::new(quantity).expect("a bounded quantity");
    let mut req = MovementRequest::new(kind, item, quantity, stamp_now(), "bench");
    req.reference = Some("BENCH".into());
    req
}

fn record(c: &mut Criterion) {
    let db = medium_store();
    let (_dir, copy) = scratch_copy(&db);
    let mut store = Store::open(&copy).expect("open store");
    // An item that is not lot-tracked, with plenty of stock for issues
    // (under the balance bound of 1,000,000,000, so the receipts still fit).
    let item: String = rusqlite::Connection::open(&copy)
        .expect("open copy")
        .query_row(
            "SELECT code FROM items WHERE lot_tracked = 0 AND active = 1 ORDER BY id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("an untracked item");
    store
        .record(
            &request(MovementKind::Receive, &item, 100_000_000),
            stamp_now(),
        )
        .expect("stock up");
    let mut group = c.benchmark_group("record");
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("receive", |b| {
        b.iter(|| {
            store
                .record(&request(MovementKind::Receive, &item, 1), stamp_now())
                .expect("receive")
        });
    });
    group.bench_function("issue_fefo", |b| {
        b.iter(|| {
            store
                .record(&request(MovementKind::Issue, &item, 1), stamp_now())
                .expect("issue")
        });
    });
    group.finish();
}

fn ledger_insert_floor(c: &mut Criterion) {
    let db = medium_store();
    let (_dir, copy) = scratch_copy(&db);
    let conn = rusqlite::Connection::open(&copy).expect("open copy");
    let conn = &conn;
    let (item, lot, location): (i64, i64, i64) = conn
        .query_row(
            "SELECT item_id, lot_id, location_id FROM balances ORDER BY quantity DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("a balance");
    let mut group = c.benchmark_group("ledger_insert_floor");
    group.sample_size(30);
    group.bench_function("insert_movement_row", |b| {
        b.iter_custom(|iters| {
            conn.execute_batch("BEGIN IMMEDIATE").expect("begin");
            let mut stmt = conn
                .prepare(labstock::chain::MOVEMENTS.insert_sql())
                .expect("prepare");
            let base: i64 = conn
                .query_row("SELECT max(id) FROM movements", [], |r| r.get(0))
                .expect("max id");
            let start = Instant::now();
            for i in 0..iters {
                stmt.execute(rusqlite::params![
                    base + 1 + i as i64,
                    "2026-11-21T09:00:00Z",
                    "adjust",
                    item,
                    lot,
                    location,
                    Option::<i64>::None,
                    1 + (i % 5) as i64,
                    Option::<i64>::None,
                    "bench",
                    Option::<String>::None,
                    Option::<i64>::None,
                    Option::<String>::None,
                    Option::<i64>::None,
                    "bench",
                    NOW,
                    [0_u8; 32],
                ])
                .expect("insert");
            }
            let elapsed = start.elapsed();
            drop(stmt);
            conn.execute_batch("ROLLBACK").expect("rollback");
            elapsed
        });
    });
    group.finish();
}

fn lots(n: usize) -> Vec<labstock::ledger::Held> {
    let first = NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
    (0..n)
        .map(|i| {
            let lot = Lot {
                id: LotId::new(i as i64 + 1),
                lot: format!("L{i:05}"),
                // Scrambled expiries, a few expired, one without.
                expiry: (i % 17 != 0).then(|| first + chrono::Days::new(((i * 7919) % 900) as u64)),
                status: if i % 13 == 0 {
                    LotStatus::Quarantined
                } else {
                    LotStatus::Available
                },
            };
            // Every fifth lot has an opened portion.
            let opened = (i % 5 == 0).then(|| first + chrono::Days::new((i % 300) as u64));
            (lot, opened, 1 + (i as i64 % 9))
        })
        .collect()
}

fn fefo(c: &mut Criterion) {
    let item = Item::new("REAG-1", "Reagent");
    let as_of = NaiveDate::from_ymd_opt(2026, 6, 1).expect("date");
    let mut group = c.benchmark_group("fefo_plan");
    for n in [3, 30, 300] {
        let lots = lots(n);
        group.bench_function(format!("{n}_lots"), |b| {
            b.iter(|| fefo_plan(black_box(&lots), &item, as_of, black_box(12)));
        });
    }
    group.finish();
}

fn gs1(c: &mut Criterion) {
    let opts = DecodeOptions::new(NaiveDate::from_ymd_opt(2026, 11, 21).expect("date"));
    let mut group = c.benchmark_group("gs1_decode");
    for (name, data) in [
        (
            "bracketed",
            "(01)09506000134352(17)271130(10)LOT-42A(21)SN0001",
        ),
        ("raw_gs", "]d2010950600013435217271130"),
    ] {
        let data = if name == "raw_gs" {
            format!("{data}10LOT-42A\u{1d}21SN0001")
        } else {
            data.to_owned()
        };
        group.bench_function(name, |b| b.iter(|| decode(black_box(&data), &opts)));
    }
    group.finish();
}

fn reorder(c: &mut Criterion) {
    let db = medium_store();
    let (_dir, copy) = scratch_copy(&db);
    let store = Store::open(&copy).expect("open store");
    let query = ReorderQuery {
        as_of: NaiveDate::from_ymd_opt(2026, 11, 21).expect("date"),
        supplier: None,
        location: None,
    };
    let mut group = c.benchmark_group("reorder");
    group.sample_size(30);
    group.bench_function("medium", |b| {
        b.iter(|| store.reorder_report(&query).expect("reorder"));
    });
    group.finish();
}

criterion_group!(benches, record, ledger_insert_floor, fefo, gs1, reorder);
criterion_main!(benches);
