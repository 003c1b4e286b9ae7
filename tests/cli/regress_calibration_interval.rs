//! Issue 12, defect 4: editing an asset's calibration interval rewrote
//! history and silently extended it. An interval change is now a dated,
//! chained record that applies from its day, is listed by `audit`, proven
//! by `check`, and never moves a due date later (only an extension does).
//! The clock is pinned at 2026-11-21.

use crate::common::{Lab, parse_csv};

/// Report rows as (asset_tag, next_due, state).
fn due(lab: &Lab, extra: &[&str]) -> Vec<(String, String, String)> {
    let mut args = vec!["report", "calibration-due"];
    args.extend_from_slice(extra);
    lab.csv(&args)
        .into_iter()
        .skip(1)
        .map(|r| (r[0].clone(), r[6].clone(), r[8].clone()))
        .collect()
}

/// The report row of one asset as of `as_of`, if it is listed.
fn due_row(lab: &Lab, tag: &str, as_of: &str) -> Option<(String, String)> {
    due(lab, &["--as-of", as_of])
        .into_iter()
        .find(|r| r.0 == tag)
        .map(|r| (r.1, r.2))
}

/// The field/value part of `equipment show --format csv`.
fn field(lab: &Lab, tag: &str, name: &str) -> String {
    let out = lab.ok(&["equipment", "show", tag, "--format", "csv"]);
    // The first block, under its `== asset TAG ==` heading.
    let first = out.split("\n\n").next().unwrap();
    let first = first
        .strip_prefix(&format!("== asset {tag} ==\n"))
        .expect(&out);
    parse_csv(first)
        .into_iter()
        .find(|r| r[0] == name)
        .map_or_else(|| panic!("no field {name} in {out}"), |r| r[1].clone())
}

fn add(lab: &Lab, tag: &str, interval: &str) {
    lab.ok(&["equipment", "add", tag, "--calibration-interval", interval]);
}

fn cal(lab: &Lab, tag: &str, date: &str) {
    lab.ok(&["calibrate", tag, "--date", date, "--result", "pass"]);
}

fn edit(lab: &Lab, tag: &str, interval: &str, extra: &[&str]) -> String {
    let mut args = vec!["equipment", "edit", tag, "--calibration-interval", interval];
    args.extend_from_slice(extra);
    let out = lab.run(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn some(next_due: &str, state: &str) -> Option<(String, String)> {
    Some((next_due.to_owned(), state.to_owned()))
}

#[test]
fn defect_04_interval_edit_does_not_extend_overdue() {
    let lab = Lab::new();
    add(&lab, "BAL-1", "6m");
    cal(&lab, "BAL-1", "2026-03-01"); // due 2026-09-01: overdue today
    assert_eq!(
        due_row(&lab, "BAL-1", "2026-11-21"),
        some("2026-09-01", "overdue")
    );
    lab.fails(&["equipment", "check", "BAL-1"], 3);

    let said = edit(&lab, "BAL-1", "2y", &["--reason", "manufacturer guidance"]);
    assert!(
        said.contains("calibration interval 6m -> 2y from 2026-11-21"),
        "{said}"
    );
    assert!(said.contains("the due date stays 2026-09-01"), "{said}");

    // Still overdue today and at every past date; still not fit for use.
    assert_eq!(
        due_row(&lab, "BAL-1", "2026-11-21"),
        some("2026-09-01", "overdue")
    );
    assert_eq!(
        due_row(&lab, "BAL-1", "2026-10-01"),
        some("2026-09-01", "overdue")
    );
    assert_eq!(
        due_row(&lab, "BAL-1", "2026-08-15"),
        some("2026-09-01", "due")
    );
    let err = lab.fails(&["equipment", "check", "BAL-1"], 3);
    assert!(
        err.contains("calibration overdue since 2026-09-01"),
        "{err}"
    );
    assert_eq!(field(&lab, "BAL-1", "next_due"), "2026-09-01");
    assert_eq!(field(&lab, "BAL-1", "calibration_interval"), "2y");
    let out = lab.run(&["report", "calibration-due", "--fail-on-overdue"]);
    assert_eq!(out.status.code(), Some(3));
    lab.ok(&["check"]);

    // Only an extension moves it out; the next calibration uses 2y.
    lab.ok(&[
        "calibrate",
        "BAL-1",
        "--extend-to",
        "2026-12-15",
        "--reason",
        "engineer booked",
        "--approved-by",
        "Q. Manager",
    ]);
    lab.ok(&["equipment", "check", "BAL-1"]);
    cal(&lab, "BAL-1", "2026-11-21");
    assert_eq!(field(&lab, "BAL-1", "next_due"), "2028-11-21");
    lab.ok(&["check"]);
}

#[test]
fn audit_lists_the_interval_edit() {
    let lab = Lab::new();
    add(&lab, "BAL-2", "6m");
    edit(
        &lab,
        "BAL-2",
        "1y",
        &["--reason", "stable history", "--effective", "2026-11-01"],
    );
    let rows = lab.csv(&["audit", "--entity", "equipment:BAL-2"]);
    let intervals: Vec<&Vec<String>> = rows.iter().filter(|r| r[2] == "interval_change").collect();
    assert_eq!(intervals.len(), 2, "{rows:?}");
    assert_eq!(intervals[0][4], "set");
    assert_eq!(
        intervals[0][6],
        "calibration interval (none) -> 6m from the start"
    );
    assert_eq!(intervals[1][4], "changed");
    assert_eq!(intervals[1][1], "a.tester");
    assert_eq!(
        intervals[1][6],
        "calibration interval 6m -> 1y from 2026-11-01; stable history"
    );
    let id = &intervals[1][3];
    let one = lab.csv(&["audit", "--entity", &format!("interval_change:{id}")]);
    assert_eq!(one.len(), 2, "{one:?}");
    // equipment show lists it with the calibrations.
    let shown = lab.ok(&["equipment", "show", "BAL-2", "--format", "csv"]);
    assert!(
        shown.contains("interval 6m -> 1y: stable history"),
        "{shown}"
    );
}

#[test]
fn the_interval_as_of_a_day_is_the_one_in_force_then() {
    let lab = Lab::new();
    // Shortened from 2026-06-01: the due date comes forward from that day.
    add(&lab, "SHORT", "1y");
    cal(&lab, "SHORT", "2026-01-10");
    edit(&lab, "SHORT", "3m", &["--effective", "2026-06-01"]);
    assert_eq!(due_row(&lab, "SHORT", "2026-05-31"), None); // due 2027-01-10
    assert_eq!(
        due_row(&lab, "SHORT", "2026-06-01"),
        some("2026-04-10", "overdue")
    );
    assert_eq!(
        due_row(&lab, "SHORT", "2026-11-21"),
        some("2026-04-10", "overdue")
    );

    // Cleared from 2026-06-01: needs calibration before, not after.
    add(&lab, "CLEARED", "1y");
    edit(&lab, "CLEARED", "", &["--effective", "2026-06-01"]);
    assert_eq!(due_row(&lab, "CLEARED", "2026-05-31"), some("", "never"));
    assert_eq!(due_row(&lab, "CLEARED", "2026-06-01"), None);
    lab.ok(&["equipment", "check", "CLEARED"]);

    // Gaining an interval: never calibrated stays `never`; calibrated
    // counts from its last calibration, from the change's day.
    lab.ok(&["equipment", "add", "NEW"]);
    edit(&lab, "NEW", "1y", &[]);
    assert_eq!(due_row(&lab, "NEW", "2026-11-21"), some("", "never"));
    assert_eq!(due_row(&lab, "NEW", "2026-11-20"), None);
    let err = lab.fails(&["equipment", "check", "NEW"], 3);
    assert!(err.contains("never calibrated"), "{err}");
    lab.ok(&["equipment", "add", "OLD"]);
    cal(&lab, "OLD", "2025-01-10");
    edit(&lab, "OLD", "1y", &["--effective", "2026-06-01"]);
    assert_eq!(due_row(&lab, "OLD", "2026-05-31"), None);
    assert_eq!(
        due_row(&lab, "OLD", "2026-06-01"),
        some("2026-01-10", "overdue")
    );

    // Lengthened: a calibration counts with the interval in force on its
    // day, even when its paperwork comes after the change.
    add(&lab, "LONG", "6m");
    edit(&lab, "LONG", "2y", &["--effective", "2026-11-10"]);
    cal(&lab, "LONG", "2026-11-01");
    assert_eq!(field(&lab, "LONG", "next_due"), "2027-05-01");
    cal(&lab, "LONG", "2026-11-15");
    assert_eq!(field(&lab, "LONG", "next_due"), "2028-11-15");
    lab.ok(&["check"]);
}

#[test]
fn equipment_check_stays_failing_after_an_edit() {
    let lab = Lab::new();
    add(&lab, "PIP-7", "90d");
    cal(&lab, "PIP-7", "2026-01-05");
    let before = lab.fails(&["equipment", "check", "PIP-7"], 3);
    edit(&lab, "PIP-7", "5y", &[]);
    let after = lab.fails(&["equipment", "check", "PIP-7"], 3);
    assert_eq!(before, after);
    // Another change on the same day does not help either.
    edit(&lab, "PIP-7", "10y", &["--effective", "2026-11-21"]);
    lab.fails(&["equipment", "check", "PIP-7"], 3);
}

#[test]
fn tampering_with_interval_records_is_found_by_check() {
    crate::common::sqlite_file_test(
        "it tampers beneath labstock through a raw SQLite connection (the register's proofs on \
         PostgreSQL are tested in pg_calibration.rs)",
    );
    let lab = Lab::new();
    add(&lab, "BAL-3", "6m");
    cal(&lab, "BAL-3", "2026-03-01");
    edit(&lab, "BAL-3", "1y", &[]);
    {
        let raw = lab.raw();
        let conn = &raw;
        for sql in [
            "UPDATE calibration_interval_changes SET new_interval = '5y'",
            "DELETE FROM calibration_interval_changes",
        ] {
            let err = conn.execute(sql, []).unwrap_err().to_string();
            assert!(err.contains("append-only"), "{sql}: {err}");
        }
    }
    lab.ok(&["check"]);
    {
        let raw = lab.raw();
        let conn = &raw;
        conn.execute_batch(
            "DROP TRIGGER calibration_interval_changes_no_update;
             UPDATE calibration_interval_changes SET new_interval = '5y' WHERE id = 2;
             UPDATE equipment SET calibration_interval = '5y';",
        )
        .unwrap();
    }
    let out = lab.run(&["check"]);
    assert_eq!(out.status.code(), Some(3));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(
            "calibration_interval_changes row 2 no longer matches its hash: it was changed outside labstock \
             (run `labstock audit --entity interval_change:2`)"
        ),
        "{stdout}"
    );

    // The register's interval alone, changed beneath labstock.
    let lab = Lab::new();
    add(&lab, "BAL-4", "6m");
    lab.raw()
        .execute("UPDATE equipment SET calibration_interval = '5y'", [])
        .unwrap();
    let out = lab.run(&["check"]);
    assert_eq!(out.status.code(), Some(3));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(
            "asset BAL-4: its interval records end at 6m, the register says calibration interval 5y; \
             run `labstock audit --entity equipment:BAL-4`"
        ),
        "{stdout}"
    );
}

#[test]
fn bad_interval_changes_exit_65_and_write_nothing() {
    let lab = Lab::new();
    add(&lab, "BAL-5", "6m");
    edit(&lab, "BAL-5", "1y", &["--effective", "2026-10-01"]);
    let before = lab.db_bytes();
    for (args, says) in [
        (
            vec!["--calibration-interval", "6 moons"],
            "invalid calibration interval \"6 moons\"",
        ),
        (vec!["--calibration-interval", "0d"], "at least 1"),
        (
            vec!["--calibration-interval", "2y", "--effective", "2026-11-22"],
            "cannot take effect in the future (today is 2026-11-21)",
        ),
        (
            vec!["--calibration-interval", "2y", "--effective", "2026-09-30"],
            "before the previous interval change of BAL-5, effective 2026-10-01",
        ),
        (
            vec!["--calibration-interval", "2y", "--effective", "21/11/2026"],
            "--effective date",
        ),
    ] {
        let mut full = vec!["equipment", "edit", "BAL-5", "--location", "Lab 2"];
        full.extend(args);
        let err = lab.fails(&full, 65);
        assert!(err.contains(says), "{full:?}: {err}");
        assert_eq!(before, lab.db_bytes(), "{full:?} wrote");
    }
    // --effective and --reason belong to an interval change.
    let out = lab.run(&["equipment", "edit", "BAL-5", "--effective", "2026-11-01"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(field(&lab, "BAL-5", "calibration_interval"), "1y");
    assert_eq!(field(&lab, "BAL-5", "location"), "");
    // The same interval again records nothing.
    edit(&lab, "BAL-5", " 1 Year ", &[]);
    let rows = lab.csv(&["audit", "--entity", "interval_change"]);
    assert_eq!(rows.len(), 3, "{rows:?}");
}

#[test]
fn a_version_1_database_is_upgraded_with_a_baseline_per_asset() {
    crate::common::sqlite_file_test("it migrates a version-1 SQLite file");
    let lab = Lab::new();
    add(&lab, "OLD-1", "6m");
    cal(&lab, "OLD-1", "2026-03-01");
    lab.ok(&["equipment", "add", "OLD-2"]);
    add(&lab, "OLD-3", "1y");
    let report_before = lab.ok(&["report", "calibration-due", "--format", "csv"]);
    // Make it the database a version-1 labstock left: no interval records.
    {
        crate::common::downgrade_to_version_1(&lab.raw());
    }
    // Opening upgrades it: a baseline per asset with an interval, chained.
    lab.ok(&["check"]);
    let version: i64 = lab
        .raw()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, labstock::store::SCHEMA_VERSION);
    let rows = lab.csv(&["audit", "--entity", "interval_change"]);
    let details: Vec<(&str, &str)> = rows[1..]
        .iter()
        .map(|r| (r[5].as_str(), r[6].as_str()))
        .collect();
    assert_eq!(details.len(), 2, "{rows:?}");
    assert_eq!(details[0].0, "equipment:OLD-1");
    assert!(
        details[0]
            .1
            .starts_with("calibration interval (none) -> 6m from the start"),
        "{details:?}"
    );
    assert_eq!(details[1].0, "equipment:OLD-3");
    assert_eq!(
        report_before,
        lab.ok(&["report", "calibration-due", "--format", "csv"])
    );
    // And it works on: the defect's edit is refused its extension there too.
    edit(&lab, "OLD-1", "2y", &[]);
    assert_eq!(field(&lab, "OLD-1", "next_due"), "2026-09-01");
    lab.fails(&["equipment", "check", "OLD-1"], 3);
    lab.ok(&["check"]);
}
