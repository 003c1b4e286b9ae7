//! The equipment register and calibration through the real binary:
//! intervals, status changes, the calibration-due report and its
//! boundaries, extensions, the pre-use check, the maintenance log, imports
//! and every refusal of bad input (exit 65, nothing written).

use crate::common::{Lab, fixture, parse_csv};

const DUE_HEADER: &str = "asset_tag,description,location,status,last_calibrated,last_result,next_due,days_until_due,state";

/// Report rows as (asset_tag, status, next_due, days_until_due, state).
fn due(lab: &Lab, extra: &[&str]) -> Vec<(String, String, String, String, String)> {
    let mut args = vec!["report", "calibration-due"];
    args.extend_from_slice(extra);
    let rows = lab.csv(&args);
    assert_eq!(rows[0].join(","), DUE_HEADER);
    rows.into_iter()
        .skip(1)
        .map(|r| {
            (
                r[0].clone(),
                r[3].clone(),
                r[6].clone(),
                r[7].clone(),
                r[8].clone(),
            )
        })
        .collect()
}

fn tags(rows: &[(String, String, String, String, String)]) -> Vec<&str> {
    rows.iter().map(|r| r.0.as_str()).collect()
}

fn row<'a>(
    rows: &'a [(String, String, String, String, String)],
    tag: &str,
) -> Option<&'a (String, String, String, String, String)> {
    rows.iter().find(|r| r.0 == tag)
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
    lab.ok(&[
        "equipment",
        "add",
        tag,
        "--description",
        "Micropipette 20-200 uL",
        "--location",
        "Haematology bench",
        "--calibration-interval",
        interval,
    ]);
}

fn cal(lab: &Lab, tag: &str, date: &str, result: &str) {
    lab.ok(&[
        "calibrate",
        tag,
        "--date",
        date,
        "--result",
        result,
        "--by",
        "Gilson UK",
    ]);
}

#[test]
fn intervals_are_stored_canonically_and_months_clamp_to_month_end() {
    let lab = Lab::new();
    add(&lab, "PIP-01", " 6 Months ");
    assert_eq!(field(&lab, "PIP-01", "calibration_interval"), "6m");
    cal(&lab, "PIP-01", "2026-05-31", "pass");
    assert_eq!(
        field(&lab, "PIP-01", "next_due"),
        "2026-11-30",
        "31 May + 6m clamps"
    );

    add(&lab, "THERM-1", "1m");
    cal(&lab, "THERM-1", "2024-01-31", "pass");
    assert_eq!(
        field(&lab, "THERM-1", "next_due"),
        "2024-02-29",
        "leap February"
    );

    add(&lab, "BAL-1", "1 year");
    cal(&lab, "BAL-1", "2024-02-29", "pass");
    assert_eq!(
        field(&lab, "BAL-1", "next_due"),
        "2025-02-28",
        "29 Feb + 1y"
    );

    add(&lab, "PH-1", "90 days");
    cal(&lab, "PH-1", "2026-08-10", "pass");
    assert_eq!(field(&lab, "PH-1", "next_due"), "2026-11-08");

    add(&lab, "COAG-1", "12W");
    cal(&lab, "COAG-1", "2026-09-01", "pass");
    assert_eq!(field(&lab, "COAG-1", "next_due"), "2026-11-24");

    let listed = lab.csv(&["equipment", "list"]);
    let intervals: Vec<&str> = listed.iter().skip(1).map(|r| r[7].as_str()).collect();
    assert_eq!(intervals, ["1y", "12w", "90d", "6m", "1m"]);
}

#[test]
fn the_report_boundaries_are_exact_at_within_days() {
    // As of 2026-11-21 (the pinned clock), --within 10.
    let lab = Lab::new();
    add(&lab, "A-NEVER", "1y");
    add(&lab, "B-OVERDUE", "1y");
    cal(&lab, "B-OVERDUE", "2025-11-20", "pass"); // due 2026-11-20: -1
    add(&lab, "C-TODAY", "1y");
    cal(&lab, "C-TODAY", "2025-11-21", "pass"); // due 2026-11-21: 0
    add(&lab, "D-EDGE", "10d");
    cal(&lab, "D-EDGE", "2026-11-21", "pass"); // due 2026-12-01: exactly 10
    add(&lab, "E-OUT", "11d");
    cal(&lab, "E-OUT", "2026-11-21", "pass"); // due 2026-12-02: 11, not listed
    add(&lab, "F-NONE", "1y");
    lab.ok(&["equipment", "edit", "F-NONE", "--calibration-interval", ""]); // needs none

    let rows = due(&lab, &["--within", "10"]);
    assert_eq!(tags(&rows), ["A-NEVER", "B-OVERDUE", "C-TODAY", "D-EDGE"]);
    let never = row(&rows, "A-NEVER").unwrap();
    assert_eq!(
        (never.2.as_str(), never.3.as_str(), never.4.as_str()),
        ("", "", "never")
    );
    let overdue = row(&rows, "B-OVERDUE").unwrap();
    assert_eq!((overdue.3.as_str(), overdue.4.as_str()), ("-1", "overdue"));
    let today = row(&rows, "C-TODAY").unwrap();
    assert_eq!((today.3.as_str(), today.4.as_str()), ("0", "due"));
    let edge = row(&rows, "D-EDGE").unwrap();
    assert_eq!(
        (edge.2.as_str(), edge.3.as_str(), edge.4.as_str()),
        ("2026-12-01", "10", "due")
    );

    // One more day of window takes in E-OUT; the default is 30.
    assert!(row(&due(&lab, &["--within", "11"]), "E-OUT").is_some());
    assert!(row(&due(&lab, &[]), "E-OUT").is_some());
    let zero = due(&lab, &["--within", "0"]);
    assert_eq!(tags(&zero), ["A-NEVER", "B-OVERDUE", "C-TODAY"]);
    // As of the next day C-TODAY is overdue by one.
    let next = due(&lab, &["--within", "0", "--as-of", "2026-11-22"]);
    assert_eq!(row(&next, "C-TODAY").unwrap().4, "overdue");
}

#[test]
fn never_rows_come_first_by_tag_then_next_due_ties_by_tag() {
    let lab = Lab::new();
    for tag in ["Z-NEW", "M-2", "B-NEW", "K-1", "A-3"] {
        add(&lab, tag, "1y");
    }
    cal(&lab, "M-2", "2025-12-01", "pass");
    cal(&lab, "K-1", "2025-12-01", "pass");
    cal(&lab, "A-3", "2025-12-05", "pass");
    assert_eq!(
        tags(&due(&lab, &[])),
        ["B-NEW", "Z-NEW", "K-1", "M-2", "A-3"]
    );
}

#[test]
fn a_fail_quarantines_and_a_later_pass_returns_the_asset_to_service() {
    let lab = Lab::new();
    add(&lab, "CEN-1", "6m");
    cal(&lab, "CEN-1", "2026-03-16", "pass");
    assert_eq!(field(&lab, "CEN-1", "status"), "in_service");
    lab.ok(&[
        "calibrate",
        "CEN-1",
        "--date",
        "2026-09-14",
        "--result",
        "fail",
        "--certificate",
        "SYX-1158",
    ]);
    assert_eq!(field(&lab, "CEN-1", "status"), "quarantined");
    let err = lab.fails(&["equipment", "check", "CEN-1"], 3);
    assert!(
        err.contains("quarantined after failed calibration on 2026-09-14"),
        "{err}"
    );
    lab.ok(&[
        "calibrate",
        "CEN-1",
        "--date",
        "2026-09-16",
        "--result",
        "adjusted",
    ]);
    assert_eq!(field(&lab, "CEN-1", "status"), "in_service");
    assert!(
        lab.ok(&["equipment", "check", "CEN-1"])
            .contains("fit for use")
    );

    // The report shows the status as of its day.
    let rows = due(&lab, &["--as-of", "2026-09-15", "--within", "400"]);
    assert_eq!(row(&rows, "CEN-1").unwrap().1, "quarantined");
    let rows = due(&lab, &["--within", "400"]);
    assert_eq!(row(&rows, "CEN-1").unwrap().1, "in_service");

    // Every change is in the status history, with its cause.
    let show = lab.ok(&["equipment", "show", "CEN-1", "--format", "csv"]);
    assert!(
        show.contains("2026-09-14,in_service,quarantined,"),
        "{show}"
    );
    assert!(show.contains("calibration fail"), "{show}");
    assert!(
        show.contains("2026-09-16,quarantined,in_service,"),
        "{show}"
    );
}

#[test]
fn a_pass_does_not_return_an_out_of_service_asset_and_condemned_is_final() {
    let lab = Lab::new();
    add(&lab, "XN-550", "6m");
    lab.ok(&[
        "equipment",
        "status",
        "XN-550",
        "out_of_service",
        "--reason",
        "back-up analyser stored",
    ]);
    cal(&lab, "XN-550", "2026-07-01", "pass");
    assert_eq!(field(&lab, "XN-550", "status"), "out_of_service");
    let err = lab.fails(&["equipment", "check", "XN-550"], 3);
    assert!(
        err.contains("out of service since 2026-11-21: back-up analyser stored"),
        "{err}"
    );

    // A fail (recorded after the change) quarantines an out-of-service asset.
    cal(&lab, "XN-550", "2026-11-21", "fail");
    assert_eq!(field(&lab, "XN-550", "status"), "quarantined");
    lab.ok(&[
        "equipment",
        "status",
        "XN-550",
        "condemned",
        "--reason",
        "uneconomic to repair",
    ]);
    let before = lab.db_bytes();
    let err = lab.fails(
        &[
            "equipment",
            "status",
            "XN-550",
            "in_service",
            "--reason",
            "oops",
        ],
        65,
    );
    assert!(err.contains("condemned"), "{err}");
    assert_eq!(before, lab.db_bytes());
    // A late certificate for a condemned asset is kept, but it stays condemned.
    cal(&lab, "XN-550", "2026-11-21", "pass");
    assert_eq!(field(&lab, "XN-550", "status"), "condemned");
    let err = lab.fails(&["equipment", "check", "XN-550"], 3);
    assert!(err.contains("condemned"), "{err}");
}

#[test]
fn a_failed_latest_calibration_keeps_an_asset_out_of_use_whatever_its_status() {
    let lab = Lab::new();
    add(&lab, "CYTO", "1y");
    cal(&lab, "CYTO", "2026-06-12", "pass");
    lab.ok(&[
        "equipment",
        "status",
        "CYTO",
        "out_of_service",
        "--reason",
        "not needed this winter",
    ]);
    // Paperwork for a failed calibration in August arrives afterwards: the
    // replay puts it before today's change, so the status stays out of
    // service, but the asset is not in calibration.
    cal(&lab, "CYTO", "2026-08-01", "fail");
    assert_eq!(field(&lab, "CYTO", "status"), "out_of_service");
    let before = lab.db_bytes();
    let err = lab.fails(
        &[
            "equipment",
            "status",
            "CYTO",
            "in_service",
            "--reason",
            "needed",
        ],
        65,
    );
    assert!(
        err.contains("latest calibration of CYTO (on 2026-08-01) failed"),
        "{err}"
    );
    assert_eq!(before, lab.db_bytes());
    let err = lab.fails(&["equipment", "check", "CYTO"], 3);
    assert!(
        err.contains("its latest calibration, on 2026-08-01, failed"),
        "{err}"
    );
    // A quarantined asset taken out of service cannot skip its calibration either.
    cal(&lab, "CYTO", "2026-11-20", "pass");
    lab.ok(&[
        "equipment",
        "status",
        "CYTO",
        "in_service",
        "--reason",
        "needed",
    ]);
    cal(&lab, "CYTO", "2026-11-21", "fail");
    lab.ok(&[
        "equipment",
        "status",
        "CYTO",
        "out_of_service",
        "--reason",
        "sent for repair",
    ]);
    lab.fails(
        &[
            "equipment",
            "status",
            "CYTO",
            "in_service",
            "--reason",
            "back",
        ],
        65,
    );
    cal(&lab, "CYTO", "2026-11-21", "adjusted");
    lab.ok(&[
        "equipment",
        "status",
        "CYTO",
        "in_service",
        "--reason",
        "back from repair",
    ]);
    assert!(
        lab.ok(&["equipment", "check", "CYTO"])
            .contains("fit for use")
    );
}

#[test]
fn condemned_assets_are_never_listed() {
    let lab = Lab::new();
    add(&lab, "OLD-PIP", "6m");
    cal(&lab, "OLD-PIP", "2025-09-01", "fail");
    add(&lab, "NEVER-CAL", "1y");
    assert_eq!(tags(&due(&lab, &[])), ["NEVER-CAL", "OLD-PIP"]);
    lab.ok(&[
        "equipment",
        "status",
        "OLD-PIP",
        "condemned",
        "--reason",
        "piston seal worn",
    ]);
    lab.ok(&[
        "equipment",
        "status",
        "NEVER-CAL",
        "condemned",
        "--reason",
        "dropped",
    ]);
    assert!(due(&lab, &["--within", "9999"]).is_empty());
    // Registered condemned from an import: not listed either.
    let file = lab.file(
        "eq.csv",
        "asset_tag,calibration_interval,status\nSCRAP-1,1y,condemned\n",
    );
    lab.ok(&["import", "equipment", file.to_str().unwrap()]);
    assert!(due(&lab, &[]).is_empty());
    // But as of a day before they were condemned, the manual changes had
    // not happened yet.
    assert_eq!(
        tags(&due(&lab, &["--as-of", "2026-11-20"])),
        ["NEVER-CAL", "OLD-PIP"]
    );
}

#[test]
fn an_explicit_next_due_wins_over_the_interval() {
    let lab = Lab::new();
    add(&lab, "COAG", "12w");
    lab.ok(&[
        "calibrate",
        "COAG",
        "--date",
        "2026-09-01",
        "--result",
        "pass",
        "--next-due",
        "2026-12-15",
        "--notes",
        "aligned with planned maintenance",
    ]);
    assert_eq!(field(&lab, "COAG", "next_due"), "2026-12-15");
    let rows = due(&lab, &[]);
    assert_eq!(row(&rows, "COAG").unwrap().2, "2026-12-15");
    assert_eq!(row(&rows, "COAG").unwrap().3, "24");
    // Even on a fail, the explicit date counts (engineer visit booked).
    add(&lab, "BAL", "6m");
    lab.ok(&[
        "calibrate",
        "BAL",
        "--date",
        "2026-11-16",
        "--result",
        "fail",
        "--next-due",
        "2026-11-27",
    ]);
    let rows = due(&lab, &[]);
    let bal = row(&rows, "BAL").unwrap();
    assert_eq!(
        (bal.1.as_str(), bal.2.as_str(), bal.3.as_str()),
        ("quarantined", "2026-11-27", "6")
    );
}

#[test]
fn late_paperwork_is_kept_but_does_not_pull_the_due_date_back() {
    let lab = Lab::new();
    add(&lab, "CEN-2", "1y");
    cal(&lab, "CEN-2", "2025-12-03", "pass");
    let out = lab.run(&[
        "calibrate",
        "CEN-2",
        "--date",
        "2024-12-05",
        "--result",
        "pass",
    ]);
    assert!(out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("dated before its latest calibration"),
        "{said}"
    );
    assert_eq!(field(&lab, "CEN-2", "last_calibrated"), "2025-12-03");
    assert_eq!(field(&lab, "CEN-2", "next_due"), "2026-12-03");
    let show = lab.ok(&["equipment", "show", "CEN-2", "--format", "csv"]);
    assert!(
        show.contains("2024-12-05,calibration,pass"),
        "the late record is kept: {show}"
    );
    // A late fail before the latest pass does not quarantine today...
    cal(&lab, "CEN-2", "2025-06-01", "fail");
    assert_eq!(field(&lab, "CEN-2", "status"), "in_service");
    // ...but as of a day between the two, the asset was quarantined.
    let rows = due(&lab, &["--as-of", "2025-07-01", "--within", "400"]);
    assert_eq!(row(&rows, "CEN-2").unwrap().1, "quarantined");
}

#[test]
fn of_two_calibrations_on_one_day_the_one_recorded_later_counts() {
    let lab = Lab::new();
    add(&lab, "PH-2", "90d");
    cal(&lab, "PH-2", "2026-09-02", "fail");
    cal(&lab, "PH-2", "2026-09-02", "adjusted");
    assert_eq!(field(&lab, "PH-2", "status"), "in_service");
    assert_eq!(field(&lab, "PH-2", "last_result"), "adjusted");
    assert_eq!(field(&lab, "PH-2", "next_due"), "2026-12-01");
}

#[test]
fn fail_on_overdue_exits_3_only_when_a_row_is_never_or_overdue() {
    let lab = Lab::new();
    add(&lab, "OK-1", "1y");
    cal(&lab, "OK-1", "2026-11-01", "pass");
    add(&lab, "SOON", "1y");
    cal(&lab, "SOON", "2025-11-25", "pass");
    let out = lab.run(&[
        "report",
        "calibration-due",
        "--fail-on-overdue",
        "--format",
        "csv",
    ]);
    assert_eq!(out.status.code(), Some(0), "a `due` row alone is no alarm");
    assert_eq!(parse_csv(&String::from_utf8_lossy(&out.stdout)).len(), 2);

    add(&lab, "NEW", "6m");
    let out = lab.run(&[
        "report",
        "calibration-due",
        "--fail-on-overdue",
        "--format",
        "csv",
    ]);
    assert_eq!(out.status.code(), Some(3), "never");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(stderr.contains("1 never calibrated"), "{stderr}");
    assert_eq!(
        parse_csv(&String::from_utf8_lossy(&out.stdout)).len(),
        3,
        "the report is still printed"
    );
    cal(&lab, "NEW", "2026-11-20", "pass");
    lab.ok(&["report", "calibration-due", "--fail-on-overdue"]);
    // Overdue as of a later day.
    lab.fails(
        &[
            "report",
            "calibration-due",
            "--fail-on-overdue",
            "--as-of",
            "2026-11-26",
        ],
        3,
    );
    // Without the flag an overdue report still exits 0.
    lab.ok(&["report", "calibration-due", "--as-of", "2026-11-26"]);
}

#[test]
fn an_extension_is_its_own_record_and_moves_the_due_date() {
    let lab = Lab::new();
    add(&lab, "FRZ-1", "1y");
    cal(&lab, "FRZ-1", "2025-11-10", "pass");
    lab.fails(&["equipment", "check", "FRZ-1"], 3);
    assert_eq!(
        row(&due(&lab, &[]), "FRZ-1").unwrap().4,
        "overdue",
        "no implicit grace"
    );
    lab.ok(&[
        "calibrate",
        "FRZ-1",
        "--extend-to",
        "2026-12-10",
        "--reason",
        "probe calibration booked 2026-12-09",
        "--approved-by",
        "A. Shah, quality manager",
    ]);
    assert_eq!(field(&lab, "FRZ-1", "next_due"), "2026-12-10");
    let out = lab.run(&["report", "calibration-due", "--format", "csv"]);
    let rows = parse_csv(&String::from_utf8_lossy(&out.stdout));
    let frz = rows.iter().find(|r| r[0] == "FRZ-1").unwrap();
    assert_eq!(
        (frz[6].as_str(), frz[7].as_str(), frz[8].as_str()),
        ("2026-12-10", "19", "due")
    );
    let note = String::from_utf8_lossy(&out.stderr);
    assert!(
        note.contains(
            "FRZ-1: due date extended from 2026-11-10 to 2026-12-10, approved by A. Shah"
        ),
        "{note}"
    );
    let fit = lab.ok(&["equipment", "check", "FRZ-1"]);
    assert!(
        fit.contains("fit for use") && fit.contains("extended by A. Shah"),
        "{fit}"
    );
    let show = lab.ok(&["equipment", "show", "FRZ-1", "--format", "csv"]);
    assert!(
        show.contains("2026-11-21,extension,,\"A. Shah, quality manager\",,2026-12-10,extended from 2026-11-10: probe calibration booked 2026-12-09"),
        "{show}"
    );
    // As of before the extension was granted, it was overdue.
    assert_eq!(
        row(&due(&lab, &["--as-of", "2026-11-15"]), "FRZ-1")
            .unwrap()
            .4,
        "overdue"
    );
    // An extension must move the date later; the next calibration replaces it.
    let before = lab.db_bytes();
    lab.fails(
        &[
            "calibrate",
            "FRZ-1",
            "--extend-to",
            "2026-12-01",
            "--reason",
            "x",
            "--approved-by",
            "y",
        ],
        65,
    );
    assert_eq!(before, lab.db_bytes());
    cal(&lab, "FRZ-1", "2026-11-21", "pass");
    assert_eq!(field(&lab, "FRZ-1", "next_due"), "2027-11-21");
    // Nothing to extend without a calibration; reason and approver are needed.
    add(&lab, "NEW-1", "1y");
    lab.fails(
        &[
            "calibrate",
            "NEW-1",
            "--extend-to",
            "2027-01-01",
            "--reason",
            "x",
            "--approved-by",
            "y",
        ],
        65,
    );
    let out = lab.run(&[
        "calibrate",
        "FRZ-1",
        "--extend-to",
        "2028-01-01",
        "--reason",
        "x",
    ]);
    assert_eq!(out.status.code(), Some(2), "--approved-by is required");
}

#[test]
fn the_pre_use_check_gives_every_reason() {
    let lab = Lab::new();
    add(&lab, "OK", "1y");
    cal(&lab, "OK", "2026-01-10", "pass");
    let out = lab.ok(&["equipment", "check", "ok"]);
    assert!(out.starts_with("OK: fit for use"), "{out}");
    assert!(out.contains("next due 2027-01-10"), "{out}");

    lab.ok(&[
        "equipment",
        "add",
        "VORTEX",
        "--description",
        "Vortex mixer",
    ]);
    assert!(
        lab.ok(&["equipment", "check", "VORTEX"])
            .contains("fit for use")
    );

    add(&lab, "DUE-TODAY", "1y");
    cal(&lab, "DUE-TODAY", "2025-11-21", "pass");
    assert!(
        lab.ok(&["equipment", "check", "DUE-TODAY"])
            .contains("fit for use")
    );

    add(&lab, "LATE", "1y");
    cal(&lab, "LATE", "2025-11-10", "pass");
    let err = lab.fails(&["equipment", "check", "LATE"], 3);
    assert!(
        err.contains("calibration overdue since 2026-11-10 (11 days"),
        "{err}"
    );

    add(&lab, "NEVER", "6m");
    let err = lab.fails(&["equipment", "check", "NEVER"], 3);
    assert!(err.contains("never calibrated"), "{err}");

    lab.ok(&[
        "equipment",
        "status",
        "LATE",
        "quarantined",
        "--reason",
        "dropped on the floor",
    ]);
    let err = lab.fails(&["equipment", "check", "LATE"], 3);
    assert!(
        err.contains("quarantined since 2026-11-21: dropped on the floor"),
        "{err}"
    );
    assert!(err.contains("calibration overdue"), "both reasons: {err}");
    // A manual quarantine may be lifted by hand, a failed calibration may not.
    lab.ok(&[
        "equipment",
        "status",
        "LATE",
        "in_service",
        "--reason",
        "inspected, no damage",
    ]);
    cal(&lab, "OK", "2026-11-20", "fail");
    let before = lab.db_bytes();
    let err = lab.fails(
        &[
            "equipment",
            "status",
            "OK",
            "in_service",
            "--reason",
            "looks fine",
        ],
        65,
    );
    assert!(err.contains("labstock calibrate OK"), "{err}");
    assert_eq!(before, lab.db_bytes());

    let err = lab.fails(&["equipment", "check", "OKK"], 65);
    assert!(err.contains("did you mean OK?"), "{err}");
}

#[test]
fn status_changes_and_the_maintenance_log_show_in_equipment_show() {
    let lab = Lab::new();
    add(&lab, "WB-1", "1y");
    lab.ok(&[
        "equipment",
        "status",
        "WB-1",
        "out_of_service",
        "--reason",
        "heater element failed",
    ]);
    lab.ok(&[
        "equipment",
        "service",
        "WB-1",
        "--date",
        "2026-11-19",
        "--kind",
        "repair",
        "--by",
        "Grant service",
        "--notes",
        "heater element replaced",
    ]);
    lab.ok(&[
        "equipment",
        "service",
        "WB-1",
        "--kind",
        "electrical-safety",
        "--notes",
        "PAT pass",
    ]);
    lab.ok(&[
        "equipment",
        "status",
        "WB-1",
        "in_service",
        "--reason",
        "repaired and checked",
    ]);
    let show = lab.ok(&["equipment", "show", "WB-1", "--format", "csv"]);
    assert!(show.contains(",,in_service,registered,a.tester,"), "{show}");
    assert!(
        show.contains("2026-11-21,in_service,out_of_service,heater element failed,a.tester,2026-11-21T09:00:00Z"),
        "{show}"
    );
    assert!(
        show.contains("2026-11-21,out_of_service,in_service,repaired and checked,a.tester"),
        "{show}"
    );
    assert!(
        show.contains("2026-11-19,repair,Grant service,heater element replaced,a.tester"),
        "{show}"
    );
    assert!(
        show.contains("2026-11-21,electrical-safety,a.tester,PAT pass,a.tester"),
        "{show}"
    );
    let json = lab.ok(&["equipment", "show", "WB-1", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["status_history"].as_array().unwrap().len(), 3);
    assert_eq!(v["service"].as_array().unwrap().len(), 2);
    assert_eq!(v["status"], "in_service");

    let before = lab.db_bytes();
    lab.fails(
        &["equipment", "service", "WB-1", "--kind", "oil-change"],
        65,
    );
    lab.fails(
        &[
            "equipment",
            "service",
            "WB-1",
            "--kind",
            "ppm",
            "--date",
            "2026-11-22",
        ],
        65,
    );
    lab.fails(
        &[
            "equipment",
            "status",
            "WB-1",
            "in_service",
            "--reason",
            "again",
        ],
        65,
    );
    lab.fails(
        &["equipment", "status", "WB-1", "broken", "--reason", "x"],
        65,
    );
    assert_eq!(before, lab.db_bytes());
}

#[test]
fn editing_the_interval_applies_from_the_next_calibration() {
    let lab = Lab::new();
    add(&lab, "INC-1", "6m");
    cal(&lab, "INC-1", "2026-06-30", "pass");
    assert_eq!(field(&lab, "INC-1", "next_due"), "2026-12-30");
    lab.ok(&[
        "equipment",
        "edit",
        "INC-1",
        "--calibration-interval",
        "1y",
        "--location",
        "Micro",
    ]);
    // An interval change never moves a due date later (issue 12, defect 4).
    assert_eq!(field(&lab, "INC-1", "next_due"), "2026-12-30");
    assert_eq!(field(&lab, "INC-1", "calibration_interval"), "1y");
    assert_eq!(field(&lab, "INC-1", "location"), "Micro");
    let before = lab.db_bytes();
    let err = lab.fails(
        &[
            "equipment",
            "edit",
            "INC-1",
            "--calibration-interval",
            "6 moons",
        ],
        65,
    );
    assert!(err.contains("\"6 moons\""), "{err}");
    assert_eq!(before, lab.db_bytes());
}

#[test]
fn bad_input_is_refused_with_exit_65_and_nothing_written() {
    let lab = Lab::new();
    add(&lab, "EQ-0001", "1y");
    cal(&lab, "EQ-0001", "2026-01-10", "pass");
    let before = lab.db_bytes();
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "calibrate",
                "EQ-001",
                "--date",
                "2026-11-01",
                "--result",
                "pass",
            ],
            "did you mean EQ-0001?",
        ),
        (
            &[
                "equipment",
                "add",
                "EQ-2",
                "--calibration-interval",
                "6 moons",
            ],
            "invalid calibration interval \"6 moons\"",
        ),
        (
            &["equipment", "add", "EQ-2", "--calibration-interval", "0d"],
            "at least 1",
        ),
        (
            &[
                "calibrate",
                "EQ-0001",
                "--date",
                "2026-02-30",
                "--result",
                "pass",
            ],
            "2026-02-30",
        ),
        (
            &[
                "calibrate",
                "EQ-0001",
                "--date",
                "2026-11-01",
                "--result",
                "ok",
            ],
            "expected pass, fail or adjusted",
        ),
        (
            &[
                "calibrate",
                "EQ-0001",
                "--date",
                "2026-11-01",
                "--result",
                "pass",
                "--next-due",
                "2026-10-31",
            ],
            "before the calibration date",
        ),
        (
            &[
                "calibrate",
                "EQ-0001",
                "--date",
                "2026-11-22",
                "--result",
                "pass",
            ],
            "future",
        ),
        (&["equipment", "add", "eq-0001"], "already exists"),
        (
            &[
                "equipment",
                "add",
                "EQ-3",
                "--in-service-date",
                "2026-13-01",
            ],
            "2026-13-01",
        ),
        (
            &["equipment", "add", "EQ-3", "--status", "retired"],
            "expected in_service",
        ),
        (&["equipment", "check", "EQ-9"], "unknown asset"),
        (
            &["report", "calibration-due", "--within", "soon"],
            "--within",
        ),
        (
            &["report", "calibration-due", "--as-of", "2026-02-29"],
            "2026-02-29",
        ),
    ];
    for (args, says) in cases {
        let err = lab.fails(args, 65);
        assert!(err.contains(says), "{args:?}: {err}");
        assert_eq!(before, lab.db_bytes(), "{args:?} wrote to the database");
    }
}

#[test]
fn imports_are_all_or_nothing_with_line_and_column() {
    let lab = Lab::new();
    let eq = lab.file(
        "eq.csv",
        "asset_tag,description,calibration_interval,status,in_service_date\n\
         PIP-1,Pipette,6 months,in_service,2022-04-04\n\
         PIP-2,Pipette,1y,,\n\
         pip-1,Duplicate,1y,,\n",
    );
    let before = lab.db_bytes();
    let err = lab.fails(&["import", "equipment", eq.to_str().unwrap()], 65);
    assert!(err.contains("line 4, column asset_tag"), "{err}");
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(before, lab.db_bytes());
    assert_eq!(lab.csv(&["equipment", "list"]).len(), 1, "nothing written");

    for (body, says) in [
        (
            "PIP-1,Pipette,6 moons,,\n",
            "line 2, column calibration_interval",
        ),
        ("PIP-1,Pipette,6m,broken,\n", "line 2, column status"),
        (
            "PIP-1,Pipette,6m,,2022-02-30\n",
            "line 2, column in_service_date",
        ),
    ] {
        let f = lab.file(
            "bad.csv",
            &format!("asset_tag,description,calibration_interval,status,in_service_date\n{body}"),
        );
        let err = lab.fails(&["import", "equipment", f.to_str().unwrap()], 65);
        assert!(err.contains(says), "{err}");
    }
    let bad_header = lab.file("h.csv", "asset_tag,colour\nX,red\n");
    lab.fails(&["import", "equipment", bad_header.to_str().unwrap()], 65);

    let good = lab.file(
        "eq2.csv",
        "asset_tag,calibration_interval\nPIP-1,6m\nPIP-2,1y\n",
    );
    lab.ok(&["import", "equipment", good.to_str().unwrap()]);
    let before = lab.db_bytes();
    let header = "asset_tag,performed_on,result,performed_by,certificate,next_due,notes\n";
    for (body, says) in [
        (
            "PIP-1,2026-05-31,pass,,,,\nPIP-3,2026-05-31,pass,,,,\n",
            "line 3, column asset_tag",
        ),
        ("PIP-1,2026-05-31,passed,,,,\n", "line 2, column result"),
        ("PIP-1,2026-06-31,pass,,,,\n", "line 2, column performed_on"),
        ("PIP-1,2026-11-22,pass,,,,\n", "line 2, column performed_on"),
        (
            "PIP-1,2026-05-31,pass,,,2026-05-30,\n",
            "line 2, column next_due",
        ),
        ("PIP-1,,pass,,,,\n", "line 2, column performed_on"),
    ] {
        let f = lab.file("cal.csv", &format!("{header}{body}"));
        let err = lab.fails(&["import", "calibrations", f.to_str().unwrap()], 65);
        assert!(err.contains(says), "{body}: {err}");
        assert_eq!(before, lab.db_bytes(), "{body}");
    }
    let f = lab.file(
        "cal.csv",
        &format!(
            "{header}pip-1,2026-05-31,pass,Gilson,GIL-1,,\nPIP-2,2025-11-20,fail,,,,seal worn\n"
        ),
    );
    lab.ok(&["import", "calibrations", f.to_str().unwrap()]);
    assert_eq!(field(&lab, "PIP-1", "next_due"), "2026-11-30");
    assert_eq!(field(&lab, "PIP-2", "status"), "quarantined");
}

#[test]
fn calibration_records_are_append_only_in_the_database() {
    crate::common::sqlite_file_test(
        "it writes beneath labstock through a raw SQLite connection to prove SQLite's append-only \
         triggers (PostgreSQL's are proven in postgres.rs)",
    );
    let lab = Lab::new();
    add(&lab, "BAL-9", "1y");
    cal(&lab, "BAL-9", "2026-01-10", "pass");
    lab.ok(&[
        "equipment",
        "status",
        "BAL-9",
        "out_of_service",
        "--reason",
        "moved",
    ]);
    lab.ok(&["equipment", "service", "BAL-9", "--kind", "ppm"]);
    lab.ok(&[
        "calibrate",
        "BAL-9",
        "--extend-to",
        "2027-02-01",
        "--reason",
        "r",
        "--approved-by",
        "q",
    ]);
    let store = lab.store();
    let raw = lab.raw();
    let conn = &raw;
    for sql in [
        "UPDATE calibrations SET result = 'fail'",
        "DELETE FROM calibrations",
        "UPDATE calibration_extensions SET extended_to = '2030-01-01'",
        "DELETE FROM calibration_extensions",
        "UPDATE equipment_status_changes SET reason = 'x'",
        "DELETE FROM equipment_status_changes",
        "UPDATE service_records SET notes = 'x'",
        "DELETE FROM service_records",
        "DELETE FROM equipment",
    ] {
        let err = conn.execute(sql, []).unwrap_err().to_string();
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
    // The maintained columns are a cache of the records, and provably so.
    assert!(store.verify_equipment_state().unwrap().is_empty());
    conn.execute("UPDATE equipment SET next_due = '2030-01-01'", [])
        .unwrap();
    let problems = store.verify_equipment_state().unwrap();
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].contains("BAL-9") && problems[0].contains("next due 2030-01-01"),
        "{problems:?}"
    );
}

#[test]
fn the_demo_lab_report_matches_the_golden_csv() {
    let lab = Lab::new();
    lab.ok(&["import", "equipment", &fixture("equipment.csv")]);
    lab.ok(&["import", "calibrations", &fixture("calibrations.csv")]);
    let got = lab.ok(&["report", "calibration-due", "--format", "csv"]);
    let golden = include_str!("golden/calibration-due.csv");
    assert_eq!(got, golden);
    // The same with an explicit --as-of and to a file.
    lab.ok(&[
        "report",
        "calibration-due",
        "--as-of",
        "2026-11-21",
        "--format",
        "csv",
        "--output",
        "due.csv",
    ]);
    assert_eq!(
        std::fs::read_to_string(lab.path().join("due.csv")).unwrap(),
        golden
    );
    let out = lab.run(&[
        "report",
        "calibration-due",
        "--fail-on-overdue",
        "--format",
        "csv",
    ]);
    assert_eq!(out.status.code(), Some(3));
    // As of an earlier day (replayed from the records), per the fixtures' validator.
    let earlier = lab.ok(&[
        "report",
        "calibration-due",
        "--as-of",
        "2026-09-15",
        "--format",
        "csv",
    ]);
    assert_eq!(
        earlier,
        include_str!("golden/calibration-due-2026-09-15.csv")
    );
    // The maintained register agrees with a replay of every record.
    assert!(lab.store().verify_equipment_state().unwrap().is_empty());
    let json = lab.ok(&["report", "calibration-due", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 15);
    assert_eq!(v[0]["asset_tag"], "EQ-0023");
    assert_eq!(v[0]["next_due"], serde_json::Value::Null);
    assert_eq!(v[2]["days_until_due"], -162);
}

#[test]
fn a_report_in_the_past_replays_a_large_register_exactly() {
    // Three copies of the demo lab (99 assets) make the report replay more
    // assets than the per-asset path handles, so the bulk path runs; each
    // copy must still give the validator's rows for 2025-11-15.
    let lab = Lab::new();
    let equipment = std::fs::read_to_string(fixture("equipment.csv")).unwrap();
    let calibrations = std::fs::read_to_string(fixture("calibrations.csv")).unwrap();
    let prefixed = |text: &str, prefix: &str| -> String {
        let mut lines = text.lines();
        let mut out = format!("{}\n", lines.next().unwrap());
        for line in lines {
            out.push_str(&format!("{prefix}{line}\n"));
        }
        out
    };
    for prefix in ["A-", "B-", "C-"] {
        let eq = lab.file("eq.csv", &prefixed(&equipment, prefix));
        lab.ok(&["import", "equipment", eq.to_str().unwrap()]);
        let cal = lab.file("cal.csv", &prefixed(&calibrations, prefix));
        lab.ok(&["import", "calibrations", cal.to_str().unwrap()]);
    }
    let golden = parse_csv(include_str!("golden/calibration-due-2025-11-15.csv"));
    let got = lab.csv(&["report", "calibration-due", "--as-of", "2025-11-15"]);
    assert_eq!(got.len(), 1 + 3 * (golden.len() - 1));
    for prefix in ["A-", "B-", "C-"] {
        let mine: Vec<Vec<String>> = got
            .iter()
            .skip(1)
            .filter(|r| r[0].starts_with(prefix))
            .map(|r| {
                let mut r = r.clone();
                r[0] = r[0][prefix.len()..].to_owned();
                r
            })
            .collect();
        assert_eq!(mine, golden[1..], "{prefix}");
    }
}
