//! `export KIND` for every import kind (SPEC §7, §9): exporting the demo
//! lab and importing the files in order into a fresh database gives the
//! same stock, reports, order lines, calibration-due list and waste
//! register.

use crate::common::Lab;

const KINDS: [&str; 7] = [
    "locations",
    "items",
    "orders",
    "movements",
    "equipment",
    "calibrations",
    "waste",
];

#[test]
fn exporting_everything_and_importing_it_into_a_fresh_database_keeps_every_report() {
    let demo = Lab::empty();
    demo.ok(&["demo"]);
    let fresh = Lab::new();
    for kind in KINDS {
        let file = fresh.path().join(format!("{kind}.csv"));
        demo.ok(&["export", kind, "--output", file.to_str().unwrap()]);
        fresh.ok(&["import", kind, file.to_str().unwrap()]);
    }
    // Acceptance decisions are in no import format (README): the lots the
    // demo accepted are accepted again in the copy.
    let pending = fresh.csv(&["report", "acceptance"]);
    let still = demo.csv(&["report", "acceptance"]);
    for row in &pending[1..] {
        if !still[1..].iter().any(|r| r[0] == row[0] && r[2] == row[2]) {
            fresh.ok(&["lot", "accept", &row[0], &row[2], "--result", "pass"]);
        }
    }
    // Lot statuses are in no import format either: the lots the demo
    // recalled or quarantined (a recall cascaded to the batches made from
    // the lot, SPEC §14) are so again in the copy.
    for row in &demo.csv(&["stock"])[1..] {
        let action = match row[8].as_str() {
            "recalled" => "recall",
            "quarantined" => "quarantine",
            _ => continue,
        };
        let out = fresh.run(&["lot", action, &row[0], &row[2]]);
        assert!(
            out.status.success() || String::from_utf8_lossy(&out.stderr).contains("already"),
            "{out:?}"
        );
    }
    for report in [
        vec!["stock"],
        vec!["report", "reorder"],
        vec!["report", "expiry", "--within", "365"],
        vec!["report", "calibration-due", "--within", "365"],
        vec!["report", "waste"],
        vec!["report", "waste", "--totals"],
        vec!["report", "usage"],
        vec!["order", "list", "--all"],
        vec!["item", "list"],
        vec!["equipment", "list"],
    ] {
        let (a, b) = (demo.csv(&report), fresh.csv(&report));
        assert!(a.len() > 1, "{report:?} is empty in the demo lab");
        assert_eq!(a, b, "{report:?} differs after the round trip");
    }
    // And exporting the copy gives the same files again.
    for kind in KINDS {
        let (a, b) = (demo.ok(&["export", kind]), fresh.ok(&["export", kind]));
        if kind == "locations" || kind == "movements" {
            continue; // ids and recorded times differ; the reports above prove them
        }
        assert_eq!(a, b, "export {kind} differs after the round trip");
    }
    fresh.ok(&["check"]);
}

#[test]
fn an_unknown_export_kind_is_a_usage_error() {
    let lab = Lab::new();
    let out = lab.run(&["export", "lots"]);
    assert_eq!(out.status.code(), Some(2));
}
