//! `labstock backup FILE` (issue 8): a consistent snapshot made with
//! SQLite's online backup API while other processes keep writing,
//! verified (integrity_check, foreign_key_check, every balance against the
//! ledger) before it takes the name FILE.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

use rusqlite::Connection;

use crate::common::{Lab, NOW};
use crate::dbfiles::files;

const BIN: &str = env!("CARGO_BIN_EXE_labstock");

fn movement_count(db: &Path) -> i64 {
    Connection::open(db)
        .unwrap()
        .query_row("SELECT count(*) FROM movements", [], |r| r.get(0))
        .unwrap()
}

/// A lab with a ledger big enough that copying and verifying it takes a
/// while in a debug build.
fn busy_lab(rows: usize) -> Lab {
    let lab = Lab::new();
    lab.ok(&["location", "add", "FRIDGE-1"]);
    lab.ok(&["item", "add", "GLV", "--name", "Gloves"]);
    lab.ok(&["item", "add", "RGT", "--name", "Reagent", "--lot-tracked"]);
    let mut csv = String::from("kind,item,quantity,lot,expiry,location,reference\n");
    for i in 0..rows {
        if i % 2 == 0 {
            writeln!(csv, "receive,GLV,3,,,MAIN,seed-{i}").unwrap();
        } else {
            writeln!(
                csv,
                "receive,RGT,2,L{},2027-0{}-28,FRIDGE-1,seed-{i}",
                i % 7,
                1 + i % 7
            )
            .unwrap();
        }
    }
    let file = lab.file("seed.csv", &csv);
    lab.ok(&["import", "movements", file.to_str().unwrap()]);
    lab
}

#[test]
fn a_backup_taken_while_another_process_writes_is_a_consistent_verified_snapshot() {
    let lab = busy_lab(20_000);
    let stop = AtomicBool::new(false);
    let written = AtomicU64::new(0);
    let before = lab.count("movements");
    let (out, during, elapsed) = std::thread::scope(|s| {
        let writer = s.spawn(|| {
            let mut i = 0u64;
            while !stop.load(Ordering::SeqCst) {
                let status = Command::new(BIN)
                    .env_clear()
                    .env("LABSTOCK_DB", &lab.db)
                    .env("LABSTOCK_NOW", NOW)
                    .env("LABSTOCK_USER", "writer")
                    .args(["receive", "GLV", "1", "--reference", &format!("live-{i}")])
                    .output()
                    .unwrap()
                    .status;
                assert!(status.success(), "writer: {status:?}");
                written.fetch_add(1, Ordering::SeqCst);
                i += 1;
            }
        });
        while written.load(Ordering::SeqCst) < 3 {
            std::thread::yield_now();
        }
        let at_start = written.load(Ordering::SeqCst);
        let started = Instant::now();
        let out = lab.run(&["backup", "copy.db"]);
        let elapsed = started.elapsed();
        let during = written.load(Ordering::SeqCst) - at_start;
        stop.store(true, Ordering::SeqCst);
        writer.join().unwrap();
        (out, during, elapsed)
    });
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let after = lab.count("movements");
    let copy = lab.path().join("copy.db");
    let in_copy = movement_count(&copy);
    assert!(
        (before..=after).contains(&in_copy),
        "copy has {in_copy}, the database went from {before} to {after}"
    );
    assert!(during >= 1, "the writer kept writing during the backup");
    assert!(stderr.contains("integrity_check ok"), "{stderr}");
    assert!(
        stderr.contains(&format!("{in_copy} movements")),
        "says what it verified: {stderr}"
    );
    // The copy is a labstock database that `check` proves, on its own.
    let check = Command::new(BIN)
        .env_clear()
        .env("LABSTOCK_NOW", NOW)
        .args(["--db", copy.to_str().unwrap(), "check"])
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    // Nothing left behind: no temporary copy, no -wal/-shm beside it.
    let names: Vec<String> = files(lab.path()).into_keys().collect();
    assert_eq!(
        names
            .iter()
            .filter(|n| n.starts_with("copy") || n.contains("partial"))
            .collect::<Vec<_>>(),
        ["copy.db"]
    );
    eprintln!(
        "backup under load: {in_copy} movements copied and verified in {:.2} s while a writer recorded {during} receipts (database {before} -> {after} movements); check on the copy: exit 0",
        elapsed.as_secs_f64()
    );
}

#[test]
fn a_backup_does_not_replace_an_existing_file_unless_forced() {
    let lab = Lab::new();
    lab.ok(&["item", "add", "GLV", "--name", "Gloves"]);
    lab.ok(&["receive", "GLV", "4"]);
    let target = lab.file("copy.db", "yesterday's notes");
    let err = lab.fails(&["backup", "copy.db"], 1);
    assert!(err.contains("copy.db already exists"), "{err}");
    assert!(err.contains("--force"), "{err}");
    assert_eq!(std::fs::read(&target).unwrap(), b"yesterday's notes");
    lab.ok(&["backup", "copy.db", "--force"]);
    assert_eq!(movement_count(&target), 1);
    // A second forced backup replaces the first.
    lab.ok(&["receive", "GLV", "1"]);
    lab.ok(&["backup", "copy.db", "--force"]);
    assert_eq!(movement_count(&target), 2);
}

#[test]
fn a_backup_onto_the_database_itself_or_a_directory_is_refused() {
    crate::common::sqlite_file_test("a backup onto the SQLite file itself");
    let lab = Lab::new();
    let before = lab.db_bytes();
    let err = lab.fails(&["backup", lab.db.to_str().unwrap(), "--force"], 65);
    assert!(err.contains("a different file"), "{err}");
    std::fs::create_dir(lab.path().join("dir")).unwrap();
    let err = lab.fails(&["backup", "dir", "--force"], 65);
    assert!(err.contains("not a directory"), "{err}");
    let err = lab.fails(&["backup", "no/such/dir/copy.db"], 65);
    assert!(err.contains("an existing directory"), "{err}");
    assert_eq!(lab.db_bytes(), before);
}

#[test]
fn a_copy_that_fails_verification_is_removed_and_exits_3() {
    crate::common::sqlite_file_test("it damages the SQLite file");
    let lab = Lab::new();
    lab.ok(&["item", "add", "GLV", "--name", "Gloves"]);
    lab.ok(&["receive", "GLV", "4"]);
    Connection::open(&lab.db)
        .unwrap()
        .execute("UPDATE balances SET quantity = quantity + 1", [])
        .unwrap();
    let before = files(lab.path());
    let err = lab.fails(&["backup", "copy.db"], 3);
    assert!(err.contains("failed verification"), "{err}");
    assert!(err.contains("copy.db was not written"), "{err}");
    assert!(err.contains("ledger sums to 4, balance says 5"), "{err}");
    assert_eq!(files(lab.path()), before, "no copy, no temporary file");
}
