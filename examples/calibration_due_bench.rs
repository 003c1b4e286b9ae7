//! Benchmark of `report calibration-due` (issue 4): 5,000 assets with
//! 50,000 calibration records must report in under 30 ms.
//!
//! ```text
//! cargo run --release --example calibration_due_bench [-- --assets 5000 --per-asset 10]
//! ```
//!
//! Builds a scratch database through the library (the same import code as
//! `labstock import`), then times the report as of "today" (maintained
//! columns) and as of a day in the past (replayed from the records), and
//! exits 1 when the median of today's report is over the budget.

use std::fmt::Write as _;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate};
use labstock::Store;
use labstock::calibration::{import_calibrations, import_equipment};
use labstock::import::ImportContext;

const BUDGET: Duration = Duration::from_millis(30);

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A small deterministic generator (xorshift), so runs are comparable.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn timed(runs: usize, mut f: impl FnMut() -> usize) -> (Duration, Duration, usize) {
    let mut times = Vec::with_capacity(runs);
    let mut rows = 0;
    for _ in 0..runs {
        let start = Instant::now();
        rows = f();
        times.push(start.elapsed());
    }
    times.sort();
    (times[runs / 2], times[runs - 1], rows)
}

fn main() -> ExitCode {
    let assets = arg("--assets", 5_000);
    let per_asset = arg("--per-asset", 10);
    let today = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap_or_default();
    let now = today.and_hms_opt(9, 0, 0).unwrap_or_default().and_utc();

    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: temp dir: {e}");
            return ExitCode::FAILURE;
        }
    };
    let db = dir.path().join("bench.db");
    let mut store = match Store::init(&db, "2026-11-21T09:00:00Z", "bench") {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };

    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let intervals = ["90d", "12w", "6m", "6m", "1y", "1y", "1y", "1m"];
    let statuses = [
        "in_service",
        "in_service",
        "in_service",
        "in_service",
        "in_service",
        "in_service",
        "out_of_service",
        "condemned",
    ];
    let mut equipment =
        String::from("asset_tag,description,location,calibration_interval,status\n");
    let mut calibrations = String::from("asset_tag,performed_on,result,performed_by,certificate\n");
    for a in 0..assets {
        let interval = intervals[rng.below(intervals.len() as u64) as usize];
        let status = statuses[rng.below(statuses.len() as u64) as usize];
        let _ = writeln!(
            equipment,
            "EQ-{a:05},Instrument {a},Room {},{interval},{status}",
            a % 40
        );
        // Records spread over the last few years, oldest first, with the
        // occasional fail, and one asset in eight with a late entry (an
        // older certificate recorded after a newer one).
        let start = today - Days::new(1_500);
        let mut lines: Vec<String> = (0..per_asset)
            .map(|c| {
                let day = start + Days::new((c as u64) * 140 + rng.below(100));
                let day = day.min(today);
                let result = match rng.below(20) {
                    0 => "fail",
                    1 | 2 => "adjusted",
                    _ => "pass",
                };
                format!("EQ-{a:05},{day},{result},Service Ltd,CERT-{a}-{c}\n")
            })
            .collect();
        if lines.len() > 2 && rng.below(8) == 0 {
            let i = rng.below(lines.len() as u64 - 1) as usize;
            lines.swap(i, i + 1);
        }
        calibrations.extend(lines);
    }
    let ctx = ImportContext {
        zone: labstock::clock::Zone::UTC,
        now,
        user: "bench",
        allow_expired: false,
        again: false,
    };
    let start = Instant::now();
    if let Err(e) = import_equipment(&mut store, equipment.as_bytes(), ctx)
        .and_then(|_| import_calibrations(&mut store, calibrations.as_bytes(), ctx))
    {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    println!(
        "built {assets} assets, {} calibrations in {:.1?}",
        assets * per_asset,
        start.elapsed()
    );
    match store.verify_equipment_state() {
        Ok(problems) if problems.is_empty() => {}
        Ok(problems) => {
            eprintln!("error: maintained state disagrees with the records: {problems:?}");
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    }

    let (median, max, rows) = timed(21, || {
        store
            .calibration_due(today, 30)
            .as_ref()
            .map_or(0, Vec::len)
    });
    println!(
        "report calibration-due (today):       median {median:.2?}, max {max:.2?}, {rows} rows"
    );
    let past = today - Days::new(200);
    let (p_median, p_max, p_rows) = timed(11, || {
        store.calibration_due(past, 30).as_ref().map_or(0, Vec::len)
    });
    println!(
        "report calibration-due (as of {past}): median {p_median:.2?}, max {p_max:.2?}, {p_rows} rows"
    );
    if median > BUDGET {
        eprintln!("error: median {median:.2?} is over the {BUDGET:?} budget");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
