//! Crash safety (issue 8): `labstock import movements` of a large file is
//! killed with SIGKILL at seeded pseudo-random moments. Afterwards the
//! database opens, `check` and SQLite's `integrity_check` pass, and each
//! import is wholly present or wholly absent: WAL with synchronous=FULL
//! and one transaction per import leave nothing in between.

#![cfg(unix)]

use std::fmt::Write as _;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rusqlite::Connection;

use crate::common::{Lab, NOW};

const BIN: &str = env!("CARGO_BIN_EXE_labstock");

/// Trials run; the issue asks for at least 10.
const TRIALS: u64 = 12;

/// How long one import should take, so kills can land inside it.
const TARGET_IMPORT: Duration = Duration::from_millis(1500);

/// A movements file for trial `trial` with `rows` rows over three items,
/// every row with a reference naming the trial. Its running balances
/// never go below zero on their own, so it imports on top of any state.
fn movements_file(dir: &Path, trial: u64, rows: usize) -> PathBuf {
    let mut csv = String::from("kind,item,quantity,lot,expiry,location,reference\n");
    for i in 0..rows {
        let (item, lot, expiry, location) = match i % 3 {
            0 => ("GLV", "", "", "MAIN"),
            1 => ("SWB", "", "", "FRIDGE-1"),
            _ => ("RGT", "L1", "2027-03-31", "FRIDGE-1"),
        };
        let (kind, quantity) = if (i / 3) % 2 == 0 {
            ("receive", 3)
        } else {
            ("issue", 2)
        };
        let expiry = if kind == "receive" { expiry } else { "" };
        writeln!(
            csv,
            "{kind},{item},{quantity},{lot},{expiry},{location},t{trial}-{i}"
        )
        .unwrap();
    }
    let path = dir.join(format!("trial-{trial}.csv"));
    std::fs::write(&path, csv).unwrap();
    path
}

fn import(lab: &Lab, file: &Path) -> std::process::Child {
    Command::new(BIN)
        .env_clear()
        .env("LABSTOCK_DB", &lab.db)
        .env("LABSTOCK_NOW", NOW)
        .env("LABSTOCK_USER", "importer")
        .args(["import", "movements"])
        .arg(file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Movements of one trial (by reference) and of the whole ledger.
fn counts(db: &Path, trial: u64) -> (i64, i64) {
    let conn = Connection::open(db).unwrap();
    let of_trial = conn
        .query_row(
            "SELECT count(*) FROM movements WHERE reference LIKE ?1",
            [format!("t{trial}-%")],
            |r| r.get(0),
        )
        .unwrap();
    let all = conn
        .query_row("SELECT count(*) FROM movements", [], |r| r.get(0))
        .unwrap();
    (of_trial, all)
}

/// The newest movement id: cheap enough to poll for an import's commit.
fn last_id(db: &Path) -> i64 {
    Connection::open(db)
        .unwrap()
        .query_row("SELECT coalesce(max(id), 0) FROM movements", [], |r| {
            r.get(0)
        })
        .unwrap()
}

fn integrity(db: &Path) -> String {
    Connection::open(db)
        .unwrap()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn an_import_killed_at_any_moment_is_wholly_present_or_wholly_absent() {
    let lab = Lab::new_sqlite();
    lab.ok(&["location", "add", "FRIDGE-1"]);
    lab.ok(&["item", "add", "GLV", "--name", "Gloves"]);
    lab.ok(&["item", "add", "SWB", "--name", "Swabs"]);
    lab.ok(&["item", "add", "RGT", "--name", "Reagent", "--lot-tracked"]);

    // Measure once, then size the file so one import takes about
    // TARGET_IMPORT in this build on this machine.
    let probe_rows = 6000;
    let probe = movements_file(lab.path(), 100, probe_rows);
    let started = Instant::now();
    let status = import(&lab, &probe).wait().unwrap();
    assert!(status.success());
    let per_row = started.elapsed().as_secs_f64() / probe_rows as f64;
    let rows = ((TARGET_IMPORT.as_secs_f64() / per_row) as usize).clamp(12_000, 300_000);
    let timing = movements_file(lab.path(), 101, rows);
    let started = Instant::now();
    assert!(import(&lab, &timing).wait().unwrap().success());
    let mut full = started.elapsed();

    let mut seed: u64 = 0x00C0_FFEE;
    let (mut absent, mut killed_after_commit, mut finished) = (0, 0, 0);
    for trial in 0..TRIALS {
        let file = movements_file(lab.path(), trial, rows);
        let (_, before) = counts(&lab.db, trial);
        let last_before = last_id(&lab.db);
        // Trials 0-9 spread their kills over the import (trial / 10 of its
        // time, jittered); the last ones wait until the import's rows are
        // visible and kill it then, between its commit and its exit.
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let jitter = (seed >> 40) as f64 / f64::from(1u32 << 24) - 0.5;
        let fraction = ((trial as f64 + 0.5 + jitter) / 10.0).clamp(0.0, 0.99);
        let mut child = import(&lab, &file);
        let started = Instant::now();
        if trial < 10 {
            // Sleep in short steps; an import that finishes first tells
            // how long imports take now (the machine's load changes), and
            // the next trials aim by that.
            let aim = full.mul_f64(fraction);
            while started.elapsed() < aim {
                if child.try_wait().unwrap().is_some() {
                    full = started.elapsed();
                    break;
                }
                std::thread::sleep(Duration::from_millis(2));
            }
        } else {
            while last_id(&lab.db) == last_before
                && child.try_wait().unwrap().is_none()
                && started.elapsed() < Duration::from_secs(120)
            {
                std::thread::sleep(Duration::from_millis(2));
            }
        }
        let delay = started.elapsed();
        let _ = child.kill(); // SIGKILL; a no-op if it already finished
        let status = child.wait().unwrap();

        lab.ok(&["check"]);
        assert_eq!(integrity(&lab.db), "ok", "trial {trial}");
        let (of_trial, after) = counts(&lab.db, trial);
        assert!(
            of_trial == 0 || of_trial == rows as i64,
            "trial {trial}: {of_trial} of {rows} rows present"
        );
        assert_eq!(after, before + of_trial, "trial {trial}: nothing else");
        match (status.signal(), of_trial) {
            (Some(_), 0) => absent += 1,
            (Some(_), _) => killed_after_commit += 1,
            (None, n) => {
                assert!(status.success(), "trial {trial}: {status:?}");
                assert_eq!(n, rows as i64);
                finished += 1;
            }
        }
        eprintln!(
            "crash trial {trial}: kill after {:.0} ms of ~{:.0} ms: {}",
            delay.as_secs_f64() * 1000.0,
            full.as_secs_f64() * 1000.0,
            match (status.signal(), of_trial) {
                (Some(_), 0) => "killed mid-import, wholly absent",
                (Some(_), _) => "killed after commit, wholly present",
                _ => "finished before the kill, wholly present",
            }
        );
    }
    assert_eq!(absent + killed_after_commit + finished, TRIALS);
    assert!(absent >= 5, "most kills land inside the import: {absent}");
    assert!(
        killed_after_commit + finished >= 1,
        "some land after the commit"
    );
    eprintln!(
        "crash: {TRIALS} trials of a {rows}-row import (~{:.1} s): {absent} killed mid-import (absent), {killed_after_commit} killed after commit (present), {finished} finished before the kill (present); all {TRIALS} survived: check and integrity_check pass",
        full.as_secs_f64()
    );
    lab.ok(&["check"]);
}
