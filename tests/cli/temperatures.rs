//! Storage temperatures (SPEC §15, issue 19 part 2–4): monitored
//! locations, readings as evidence, excursions maintained as readings
//! arrive, decisions, the daily report.

use crate::common::Lab;

/// A lab with FRIDGE-1 monitored at 2..8 °C, holding two lots of a
/// reagent received on 1 November.
fn fridge_lab() -> Lab {
    let lab = Lab::new();
    lab.ok(&["location", "add", "FRIDGE-1", "--range", "2..8"]);
    lab.ok(&["item", "add", "RGT", "--name", "Reagent", "--lot-tracked"]);
    // Received on 1 November (`receive` dated by the clock, which runs on
    // either engine; `import movements` does not yet run on PostgreSQL).
    for (lot, expiry) in [("A1", "2027-06-30"), ("B2", "2027-09-30")] {
        let out = lab
            .cmd()
            .env("LABSTOCK_NOW", "2026-11-01T09:00:00Z")
            .args([
                "receive",
                "RGT",
                "5",
                "--lot",
                lot,
                "--expiry",
                expiry,
                "--location",
                "FRIDGE-1",
            ])
            .output()
            .expect("run labstock");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    lab
}

fn record(lab: &Lab, value: &str, at: &str) -> String {
    lab.ok(&["temp", "record", "FRIDGE-1", value, "--at", at])
}

fn excursions(lab: &Lab) -> Vec<Vec<String>> {
    lab.csv(&["report", "excursions"])
}

fn readings(lab: &Lab) -> usize {
    lab.csv(&["temp", "list"]).len() - 1
}

#[test]
fn an_excursion_runs_from_the_first_out_of_range_reading_to_the_next_in_range_one() {
    let lab = fridge_lab();
    record(&lab, "4.5", "2026-11-20T08:00:00Z");
    record(&lab, "9.5", "2026-11-20T10:00:00Z");
    record(&lab, "12.25", "2026-11-20T12:00:00Z");
    let rows = excursions(&lab);
    assert_eq!(
        rows[0],
        [
            "id",
            "location",
            "from",
            "to",
            "readings",
            "peak",
            "minutes",
            "lots",
            "status",
            "decided_by",
            "reason"
        ]
    );
    // Still running: no end yet, the lots held there listed from the ledger.
    assert_eq!(
        rows[1][..9],
        [
            "2",
            "FRIDGE-1",
            "2026-11-20T10:00:00Z",
            "",
            "2",
            "12.25",
            "120",
            "RGT:A1=5;RGT:B2=5",
            "open"
        ]
    );
    record(&lab, "5", "2026-11-20T14:00:00Z");
    let rows = excursions(&lab);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(
        rows[1][..9],
        [
            "2",
            "FRIDGE-1",
            "2026-11-20T10:00:00Z",
            "2026-11-20T14:00:00Z",
            "2",
            "12.25",
            "240",
            "RGT:A1=5;RGT:B2=5",
            "open"
        ]
    );
    lab.ok(&["check"]);
}

#[test]
fn a_reading_out_only_by_its_max_begins_the_excursion_at_the_reading_before() {
    let lab = fridge_lab();
    record(&lab, "5", "2026-11-20T08:00:00Z");
    lab.ok(&[
        "temp",
        "record",
        "FRIDGE-1",
        "5",
        "--max",
        "10.5",
        "--at",
        "2026-11-20T16:00:00Z",
    ]);
    record(&lab, "5", "2026-11-20T18:00:00Z");
    let rows = excursions(&lab);
    assert_eq!(
        rows[1][..6],
        [
            "2",
            "FRIDGE-1",
            "2026-11-20T08:00:00Z",
            "2026-11-20T18:00:00Z",
            "1",
            "10.5"
        ]
    );
}

#[test]
fn a_run_shorter_than_the_tolerance_is_transient_and_needs_no_decision() {
    let lab = fridge_lab();
    lab.ok(&["location", "edit", "FRIDGE-1", "--tolerance", "30"]);
    record(&lab, "5", "2026-11-20T08:00:00Z");
    record(&lab, "9", "2026-11-20T08:05:00Z");
    record(&lab, "5", "2026-11-20T08:20:00Z");
    let rows = excursions(&lab);
    assert_eq!(rows[1][8], "transient");
    assert_eq!(lab.csv(&["report", "excursions", "--open"]).len(), 1);
    let err = lab.fails(&["temp", "decide", "2", "--release", "--reason", "x"], 65);
    assert!(err.contains("transient"), "{err}");
}

#[test]
fn quarantine_may_be_decided_while_a_freezer_still_fails_release_only_after() {
    let lab = fridge_lab();
    record(&lab, "5", "2026-11-20T08:00:00Z");
    record(&lab, "15", "2026-11-20T10:00:00Z");
    let err = lab.fails(
        &["temp", "decide", "2", "--release", "--reason", "fine"],
        65,
    );
    assert!(err.contains("still running"), "{err}");
    assert_eq!(excursions(&lab)[1][8], "open");
    let out = lab.run(&[
        "temp",
        "decide",
        "2",
        "--quarantine",
        "--reason",
        "compressor failed",
    ]);
    assert!(out.status.success(), "{out:?}");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("RGT:A1, RGT:B2"), "{said}");
    let stock = lab.csv(&["stock", "--item", "RGT"]);
    assert!(
        stock[1..]
            .iter()
            .all(|r| r.last().unwrap() == "quarantined"),
        "{stock:?}"
    );
    let rows = excursions(&lab);
    assert_eq!(
        rows[1][8..],
        ["quarantined", "a.tester", "compressor failed"]
    );
    // Deciding twice is refused; the excursion still ends normally.
    let err = lab.fails(
        &["temp", "decide", "2", "--quarantine", "--reason", "again"],
        65,
    );
    assert!(err.contains("already quarantined by a.tester"), "{err}");
    record(&lab, "4", "2026-11-20T16:00:00Z");
    assert_eq!(excursions(&lab)[1][3], "2026-11-20T16:00:00Z");
    // The quarantine is recorded like `lot quarantine`, with the reason.
    let audit = lab.ok(&["audit", "--format", "csv"]);
    assert!(
        audit.contains("excursion 2 at FRIDGE-1: compressor failed"),
        "{audit}"
    );
    assert!(audit.contains("excursion_decision"), "{audit}");
    lab.ok(&["check"]);
}

#[test]
fn a_release_keeps_the_stock_available_and_is_recorded_with_the_lots() {
    let lab = fridge_lab();
    record(&lab, "5", "2026-11-20T08:00:00Z");
    record(&lab, "9", "2026-11-20T09:00:00Z");
    record(&lab, "5", "2026-11-20T10:00:00Z");
    lab.ok(&[
        "temp",
        "decide",
        "2",
        "--release",
        "--reason",
        "door ajar; product probe 6 °C",
    ]);
    let stock = lab.csv(&["stock", "--item", "RGT"]);
    assert!(
        stock[1..].iter().all(|r| r.last().unwrap() == "available"),
        "{stock:?}"
    );
    let audit = lab.ok(&["audit", "--entity", "excursion:2", "--format", "csv"]);
    assert!(audit.contains("lots RGT:A1=5;RGT:B2=5"), "{audit}");
}

#[test]
fn a_late_reading_that_would_move_a_decided_excursion_is_refused() {
    let lab = fridge_lab();
    record(&lab, "5", "2026-11-20T08:00:00Z");
    record(&lab, "9", "2026-11-20T10:00:00Z");
    record(&lab, "5", "2026-11-20T12:00:00Z");
    lab.ok(&["temp", "decide", "2", "--release", "--reason", "checked"]);
    let before = readings(&lab);
    // An in-range reading in the middle would end it earlier.
    let err = lab.fails(
        &[
            "temp",
            "record",
            "FRIDGE-1",
            "5",
            "--at",
            "2026-11-20T11:00:00Z",
        ],
        65,
    );
    assert!(err.contains("excursion 2"), "{err}");
    // An out-of-range one before it would start it earlier.
    let err = lab.fails(
        &[
            "temp",
            "record",
            "FRIDGE-1",
            "10",
            "--at",
            "2026-11-20T09:00:00Z",
        ],
        65,
    );
    assert!(err.contains("already released"), "{err}");
    assert_eq!(readings(&lab), before);
    // A reading elsewhere in time is fine.
    record(&lab, "5", "2026-11-20T07:00:00Z");
}

#[test]
fn an_undecided_excursion_is_recomputed_when_a_late_reading_splits_it() {
    let lab = fridge_lab();
    record(&lab, "5", "2026-11-20T08:00:00Z");
    record(&lab, "9", "2026-11-20T10:00:00Z");
    record(&lab, "9", "2026-11-20T14:00:00Z");
    record(&lab, "5", "2026-11-20T16:00:00Z");
    // A paper sheet entered late: in range at noon.
    record(&lab, "6", "2026-11-20T12:00:00Z");
    let rows = excursions(&lab);
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert_eq!(
        rows[1][..4],
        [
            "2",
            "FRIDGE-1",
            "2026-11-20T10:00:00Z",
            "2026-11-20T12:00:00Z"
        ]
    );
    assert_eq!(
        rows[2][..4],
        [
            "3",
            "FRIDGE-1",
            "2026-11-20T14:00:00Z",
            "2026-11-20T16:00:00Z"
        ]
    );
    lab.ok(&["check"]);
}

#[test]
fn bad_readings_are_refused_and_write_nothing() {
    let lab = fridge_lab();
    lab.ok(&["location", "add", "SHELF-2"]);
    let err = lab.fails(&["temp", "record", "SHELF-2", "20"], 65);
    assert!(
        err.contains("not monitored") && err.contains("--range"),
        "{err}"
    );
    let err = lab.fails(&["temp", "record", "FRIDGE-1", "4.567"], 65);
    assert!(
        err.contains("\"4.567\"") && err.contains("two decimals"),
        "{err}"
    );
    let err = lab.fails(&["temp", "record", "FRIDGE-1", "250"], 65);
    assert!(err.contains("-200 to 200"), "{err}");
    let err = lab.fails(&["temp", "record", "FRIDGE-1", "warm"], 65);
    assert!(err.contains("\"warm\""), "{err}");
    let err = lab.fails(
        &[
            "temp",
            "record",
            "FRIDGE-1",
            "5",
            "--at",
            "2026-11-22T09:00:00Z",
        ],
        65,
    );
    assert!(err.contains("not after now"), "{err}");
    let err = lab.fails(&["temp", "record", "NOWHERE", "5"], 65);
    assert!(err.contains("NOWHERE"), "{err}");
    let err = lab.fails(&["location", "edit", "FRIDGE-1", "--range", "8..2"], 65);
    assert!(
        err.contains("\"8..2\"") && err.contains("minimum below the maximum"),
        "{err}"
    );
    // Negative ranges as the SPEC writes them.
    lab.ok(&["location", "add", "FREEZER-2", "--range=-25..-15"]);
    assert_eq!(readings(&lab), 0);
    // A second reading at the same moment with another value is refused.
    record(&lab, "5", "2026-11-20T08:00:00Z");
    let err = lab.fails(
        &[
            "temp",
            "record",
            "FRIDGE-1",
            "6",
            "--at",
            "2026-11-20T08:00:00Z",
        ],
        65,
    );
    assert!(
        err.contains("already has a reading at 2026-11-20T08:00:00Z: 5 °C, not 6 °C"),
        "{err}"
    );
    // The same reading again writes nothing and says so.
    let out = lab.run(&[
        "temp",
        "record",
        "FRIDGE-1",
        "5",
        "--at",
        "2026-11-20T08:00:00Z",
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("already has this reading"));
    assert_eq!(readings(&lab), 1);
}

#[test]
fn a_logger_file_imports_with_and_without_offsets_and_overlapping_downloads_skip_what_is_recorded()
{
    let lab = fridge_lab();
    lab.ok(&["config", "set", "timezone", "Europe/London"]);
    let first = lab.file(
        "logger-1.csv",
        "timestamp,temperature\n2026-11-19 08:00:00,4.5\n2026-11-19 09:00:00,4.75\n2026-11-19T10:00:00Z,5\n",
    );
    let said = lab.run(&["temp", "import", "FRIDGE-1", first.to_str().unwrap()]);
    assert!(said.status.success(), "{said:?}");
    let second = lab.file(
        "logger-2.csv",
        "timestamp,temperature\n2026-11-19 10:00:00,5\n2026-11-19 11:00:00,9.5\n2026-11-19 12:00:00,5.25\n",
    );
    let out = lab.run(&["temp", "import", "FRIDGE-1", second.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("imported 2 readings") && said.contains("1 already recorded"),
        "{said}"
    );
    let list = lab.csv(&["temp", "list", "--location", "FRIDGE-1"]);
    assert_eq!(list.len(), 6, "{list:?}");
    // November in London is UTC+0: local times read as the lab's zone.
    assert_eq!(list[1][1], "2026-11-19T08:00:00Z");
    assert_eq!(
        excursions(&lab)[1][2..4],
        ["2026-11-19T11:00:00Z", "2026-11-19T12:00:00Z"]
    );
    // The identical file again: refused unless --again.
    let err = lab.fails(
        &["temp", "import", "FRIDGE-1", second.to_str().unwrap()],
        65,
    );
    assert!(
        err.contains("already imported") || err.contains("identical"),
        "{err}"
    );
    lab.ok(&[
        "temp",
        "import",
        "FRIDGE-1",
        second.to_str().unwrap(),
        "--again",
    ]);
    assert_eq!(readings(&lab), 5);
    lab.ok(&["check"]);
}

#[test]
fn a_bad_logger_file_is_refused_whole_naming_the_row() {
    let lab = fridge_lab();
    lab.ok(&["config", "set", "timezone", "Europe/London"]);
    let cases = [
        // 01:30 on 25 October 2026 happened twice in London.
        (
            "2026-10-25 00:30:00,4\n2026-10-25 01:30:00,4\n",
            "line 3",
            "happened twice",
        ),
        // 01:30 on 29 March 2026 never happened in London.
        (
            "2026-03-29 00:30:00,4\n2026-03-29 01:30:00,4\n",
            "line 3",
            "clocks went forward",
        ),
        (
            "2026-11-19 08:00:00,4\n2026-11-19 09:00:00,cold\n",
            "line 3",
            "\"cold\"",
        ),
        (
            "2026-11-19 08:00:00,4\n2026-12-19 09:00:00,4\n",
            "line 3",
            "not after now",
        ),
        (
            "2026-11-19 08:00:00,4\n2026-11-19 08:00:00,5\n",
            "line 3",
            "not 5 °C",
        ),
    ];
    for (rows, line, why) in cases {
        let file = lab.file("bad.csv", &format!("timestamp,temperature\n{rows}"));
        let err = lab.fails(&["temp", "import", "FRIDGE-1", file.to_str().unwrap()], 65);
        assert!(err.contains(line) && err.contains(why), "{rows}: {err}");
        assert_eq!(readings(&lab), 0, "{rows}");
    }
    // A recorded reading at another value.
    record(&lab, "4", "2026-11-19T08:00:00Z");
    let file = lab.file(
        "clash.csv",
        "timestamp,temperature\n2026-11-19T08:00:00Z,7\n",
    );
    let err = lab.fails(&["temp", "import", "FRIDGE-1", file.to_str().unwrap()], 65);
    assert!(err.contains("not 7 °C"), "{err}");
    assert_eq!(readings(&lab), 1);
}

#[test]
fn the_daily_report_flags_missing_days_and_open_excursions_for_a_morning_cron() {
    let lab = fridge_lab();
    for day in 14..=20 {
        record(&lab, "5", &format!("2026-11-{day}T08:00:00Z"));
    }
    // The default period is the 7 days ending yesterday (20 November).
    let rows = lab.csv(&["report", "temperatures"]);
    assert_eq!(
        rows[0],
        [
            "location",
            "date",
            "readings",
            "min",
            "max",
            "out_of_range",
            "missing"
        ]
    );
    assert_eq!(rows.len(), 8);
    assert_eq!(rows[1][..2], ["FRIDGE-1", "2026-11-14"]);
    assert!(rows[1..].iter().all(|r| r[6] == "false"), "{rows:?}");
    lab.ok(&["report", "temperatures", "--fail-on-missing"]);
    // A day without a reading fails the cron with exit 3.
    let rows = lab.csv(&[
        "report",
        "temperatures",
        "--from",
        "2026-11-12",
        "--to",
        "2026-11-14",
    ]);
    assert_eq!(
        rows[1][..],
        ["FRIDGE-1", "2026-11-12", "0", "", "", "0", "true"]
    );
    let out = lab.run(&[
        "report",
        "temperatures",
        "--from",
        "2026-11-12",
        "--fail-on-missing",
    ]);
    assert_eq!(out.status.code(), Some(3));
    // So does an excursion awaiting a decision.
    lab.ok(&[
        "temp",
        "record",
        "FRIDGE-1",
        "3",
        "--min",
        "-1",
        "--at",
        "2026-11-21T08:00:00Z",
    ]);
    let out = lab.run(&["report", "temperatures", "--fail-on-missing"]);
    assert_eq!(out.status.code(), Some(3));
    let rows = lab.csv(&[
        "report",
        "temperatures",
        "--from",
        "2026-11-21",
        "--to",
        "2026-11-21",
    ]);
    assert_eq!(
        rows[1][..],
        ["FRIDGE-1", "2026-11-21", "1", "-1", "3", "1", "false"]
    );
}

#[test]
fn check_names_an_altered_reading_and_a_tampered_excursion() {
    crate::common::sqlite_file_test(
        "it reads or alters the kept excursion lots through a raw SQLite connection (on PostgreSQL: pg_temperature::)",
    );
    let lab = fridge_lab();
    record(&lab, "5", "2026-11-20T08:00:00Z");
    record(&lab, "9", "2026-11-20T10:00:00Z");
    record(&lab, "5", "2026-11-20T12:00:00Z");
    lab.ok(&["check"]);
    let raw = lab.raw();
    let refused = raw.execute(
        "UPDATE temperature_readings SET value = 500 WHERE id = 2",
        [],
    );
    assert!(refused.unwrap_err().to_string().contains("append-only"));
    raw.execute_batch(
        "DROP TRIGGER temperature_readings_no_update;
         UPDATE temperature_readings SET value = 600 WHERE id = 2;",
    )
    .unwrap();
    drop(raw);
    let out = lab.run(&["check"]);
    assert_eq!(out.status.code(), Some(3));
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("temperature_readings"), "{said}");
    assert!(said.contains("location FRIDGE-1: its excursions"), "{said}");
}

#[test]
fn a_range_edit_judges_new_readings_and_never_rewrites_old_ones() {
    let lab = fridge_lab();
    record(&lab, "7", "2026-11-20T08:00:00Z");
    lab.ok(&["location", "edit", "FRIDGE-1", "--range", "2..6"]);
    record(&lab, "7", "2026-11-20T10:00:00Z");
    let list = lab.csv(&["temp", "list"]);
    assert_eq!(list[1][5..7], ["2..8", "false"]);
    assert_eq!(list[2][5..7], ["2..6", "true"]);
    let audit = lab.ok(&["audit", "--entity", "location:FRIDGE-1", "--format", "csv"]);
    assert!(audit.contains("range: 2..8 -> 2..6"), "{audit}");
}

#[test]
fn readings_and_ranges_export_and_import_back_with_the_same_excursions() {
    let lab = fridge_lab();
    lab.ok(&[
        "location",
        "add",
        "FREEZER-1",
        "--range=-25..-15",
        "--tolerance",
        "20",
    ]);
    record(&lab, "5", "2026-11-20T08:00:00Z");
    lab.ok(&[
        "temp",
        "record",
        "FRIDGE-1",
        "7.5",
        "--max",
        "9.25",
        "--at",
        "2026-11-20T10:00:00Z",
        "--note",
        "door, goods in",
    ]);
    record(&lab, "4", "2026-11-20T12:00:00Z");
    lab.ok(&[
        "temp",
        "record",
        "FREEZER-1",
        "-18",
        "--at",
        "2026-11-20T08:00:00Z",
    ]);
    let locations = lab.ok(&["export", "locations"]);
    assert!(
        locations.starts_with("code,name,min_temp,max_temp,tolerance_minutes,site\n"),
        "{locations}"
    );
    assert!(
        locations.contains("FREEZER-1,,-25,-15,20,MAIN\n"),
        "{locations}"
    );
    assert!(locations.contains("FRIDGE-1,,2,8,0,MAIN\n"), "{locations}");
    let readings = lab.ok(&["export", "temperatures"]);
    assert!(
        readings.contains("FRIDGE-1,2026-11-20T10:00:00Z,7.5,,9.25,a.tester,\"door, goods in\""),
        "{readings}"
    );
    let copy = Lab::new();
    let l = copy.file("locations.csv", &locations);
    let t = copy.file("temperatures.csv", &readings);
    copy.ok(&["import", "locations", l.to_str().unwrap()]);
    copy.ok(&["import", "temperatures", t.to_str().unwrap()]);
    assert_eq!(copy.ok(&["temp", "list"]), lab.ok(&["temp", "list"]));
    assert_eq!(
        copy.ok(&[
            "report",
            "excursions",
            "--columns",
            "id,location,from,to,readings,peak,minutes,status"
        ]),
        lab.ok(&[
            "report",
            "excursions",
            "--columns",
            "id,location,from,to,readings,peak,minutes,status"
        ])
    );
    copy.ok(&["check"]);
    // A reading at a location the file's importer does not monitor.
    let err = copy.fails(
        &[
            "import",
            "temperatures",
            copy.file(
                "x.csv",
                "location,timestamp,value\nMAIN,2026-11-20T08:00:00Z,20\n",
            )
            .to_str()
            .unwrap(),
        ],
        65,
    );
    assert!(
        err.contains("line 2") && err.contains("not monitored"),
        "{err}"
    );
}

#[test]
fn the_chart_is_an_svg_of_one_location_with_the_excursion_marked() {
    let lab = fridge_lab();
    record(&lab, "5", "2026-11-18T08:00:00Z");
    lab.ok(&[
        "temp",
        "record",
        "FRIDGE-1",
        "4",
        "--min",
        "1.5",
        "--max",
        "6",
        "--at",
        "2026-11-19T08:00:00Z",
    ]);
    record(&lab, "9.5", "2026-11-20T08:00:00Z");
    let svg = lab.ok(&[
        "report",
        "temperatures",
        "--location",
        "FRIDGE-1",
        "--format",
        "svg",
    ]);
    assert!(svg.starts_with("<svg"), "{svg}");
    assert!(svg.trim_end().ends_with("</svg>"));
    assert!(
        svg.contains("<desc>3 readings at FRIDGE-1 from 2026-11-14 to 2026-11-20, range 2..8 °C, 2 out of range</desc>"),
        "{svg}"
    );
    assert!(svg.contains("FRIDGE-1 — 2026-11-14 to 2026-11-20 — range 2..8 °C"));
    // The two out-of-range readings are marked in red.
    assert_eq!(svg.matches("fill=\"#FF0000\"").count(), 2, "{svg}");
    // A chart needs its one location; other listings have none.
    let err = lab.fails(&["report", "temperatures", "--format", "svg"], 2);
    assert!(err.contains("--location"), "{err}");
    let err = lab.fails(&["stock", "--format", "svg"], 2);
    assert!(err.contains("report temperatures --location"), "{err}");
}

#[test]
fn the_lots_of_an_excursion_are_those_held_at_any_moment_of_it_from_the_ledger() {
    let lab = fridge_lab();
    let moves = lab.file(
        "moves.csv",
        "timestamp,kind,item,quantity,lot,expiry,location,to_location\n\
         2026-11-20T09:00:00Z,transfer,RGT,5,A1,,FRIDGE-1,MAIN\n\
         2026-11-20T11:00:00Z,receive,RGT,3,C3,2027-12-31,FRIDGE-1,\n\
         2026-11-20T12:00:00Z,issue,RGT,5,B2,,FRIDGE-1,\n\
         2026-11-20T15:00:00Z,receive,RGT,4,D4,2027-12-31,FRIDGE-1,\n",
    );
    lab.ok(&["import", "movements", moves.to_str().unwrap()]);
    record(&lab, "5", "2026-11-20T08:00:00Z");
    record(&lab, "9", "2026-11-20T10:00:00Z");
    record(&lab, "5", "2026-11-20T13:00:00Z");
    // A1 left before it began, D4 came after it ended; B2 was there at
    // its start and C3 arrived during it.
    assert_eq!(excursions(&lab)[1][7], "RGT:B2=5;RGT:C3=3");
    // A second excursion later the same day sees D4 and what is left of C3.
    record(&lab, "10", "2026-11-20T16:00:00Z");
    let rows = excursions(&lab);
    assert_eq!(rows[2][7], "RGT:C3=3;RGT:D4=4", "{rows:?}");
    // Quarantine takes only those lots (B2 has none left, but its lot is
    // listed and quarantined all the same: lot status is lot-wide).
    lab.ok(&[
        "temp",
        "decide",
        "2",
        "--quarantine",
        "--reason",
        "probe failed",
    ]);
    let lots = lab.csv(&["lot", "list", "RGT"]);
    let status = |lot: &str| {
        lots.iter()
            .find(|r| r[0] == lot)
            .map(|r| r[r.len() - 2].clone())
            .unwrap_or_default()
    };
    assert_eq!(status("C3"), "quarantined", "{lots:?}");
    assert_eq!(status("B2"), "quarantined", "{lots:?}");
    assert_eq!(status("A1"), "available", "{lots:?}");
    assert_eq!(status("D4"), "available", "{lots:?}");
}

#[test]
fn an_easylog_usb_export_imports_as_its_readings_and_a_misread_date_is_refused() {
    let lab = fridge_lab();
    lab.ok(&["config", "set", "timezone", "Europe/London"]);
    // The fixture is an EL-USB-1 export as the EasyLog USB software writes
    // it (CRLF, day-first dates of a UK PC, the serial on the first row).
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/easylog-fridge-1.csv");
    let out = lab.run(&["temp", "import", "FRIDGE-1", fixture]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("imported 12 readings"), "{said}");
    let list = lab.csv(&["temp", "list", "--location", "FRIDGE-1"]);
    assert_eq!(list.len(), 13, "{list:?}");
    // 19/11/2026 08:00 in London (UTC+0 in November), day first.
    assert_eq!(list[1][1], "2026-11-19T08:00:00Z");
    assert_eq!(list[12][1], "2026-11-19T08:55:00Z");
    assert_eq!(
        excursions(&lab)[1][2..4],
        ["2026-11-19T08:25:00Z", "2026-11-19T08:35:00Z"]
    );
    // The same download again skips every row (with --again: the file is
    // the same).
    let again = lab.run(&["temp", "import", "FRIDGE-1", fixture, "--again"]);
    assert!(again.status.success(), "{again:?}");
    assert_eq!(readings(&lab), 12);

    // An EL-USB-2 export (humidity and dew point beside the temperature),
    // its header in the Windows code page (° as the byte B0).
    let mut two =
        b"FREEZER logger,Time,Celsius(\xb0C),Humidity(%rh),Dew Point(\xb0C),Serial Number\r\n"
            .to_vec();
    two.extend_from_slice(
        b"1,20/11/2026 10:00:00,5.5,41.5,-6.9,020304050\r\n2,20/11/2026 10:10:00,5.0,40.0,-7.5\r\n",
    );
    let path = lab.path().join("el-usb-2.csv");
    std::fs::write(&path, &two).expect("write");
    lab.ok(&["temp", "import", "FRIDGE-1", path.to_str().unwrap()]);
    let list = lab.csv(&["temp", "list", "--location", "FRIDGE-1"]);
    let last = list.last().expect("row");
    assert_eq!(last[1], "2026-11-20T10:10:00Z", "{last:?}");
    assert!(list.iter().any(|r| r[1] == "2026-11-20T10:00:00Z"));
    let before = readings(&lab);

    // Refused whole, nothing written: a Fahrenheit export, and a file from
    // a PC set to month-first dates (11/01 read as 11 January jumps a month
    // between two readings five minutes apart).
    let fahrenheit = lab.file(
        "f.csv",
        "F logger,Time,Fahrenheit(°F),Serial Number\n1,20/11/2026 11:00:00,41.0,1\n",
    );
    let err = lab.fails(
        &["temp", "import", "FRIDGE-1", fahrenheit.to_str().unwrap()],
        65,
    );
    assert!(
        err.contains("Fahrenheit") && err.contains("Celsius"),
        "{err}"
    );
    let us = lab.file(
        "us.csv",
        "US logger,Time,Celsius(°C),Serial Number\n\
         1,11/01/2026 23:50:00,4.0,1\n\
         2,11/01/2026 23:55:00,4.0\n\
         3,11/02/2026 00:00:00,4.0\n",
    );
    let err = lab.fails(&["temp", "import", "FRIDGE-1", us.to_str().unwrap()], 65);
    assert!(
        err.contains("line 4") && err.contains("11/02/2026 00:00:00") && err.contains("day first"),
        "{err}"
    );
    assert_eq!(readings(&lab), before);
    lab.ok(&["check"]);
}

/// The `lots` column of every excursion, by id.
fn lots_by_id(lab: &Lab) -> Vec<(String, String)> {
    excursions(lab)[1..]
        .iter()
        .map(|r| (r[0].clone(), r[7].clone()))
        .collect()
}

/// How many excursions have their lots kept (`excursion_lots`).
fn kept(lab: &Lab) -> i64 {
    lab.raw()
        .query_row("SELECT count(*) FROM excursion_lots", [], |r| r.get(0))
        .unwrap()
}

/// The lots the report gives with nothing kept: every excursion's lots
/// computed from the ledger at report time (the kept rows are dropped
/// in a copy of the database, which is left as it was).
fn lots_from_the_ledger(lab: &Lab) -> Vec<(String, String)> {
    let copy = Lab::empty();
    std::fs::write(&copy.db, lab.db_bytes()).unwrap();
    copy.raw()
        .execute_batch("DELETE FROM excursion_lots")
        .unwrap();
    assert_eq!(kept(&copy), 0);
    lots_by_id(&copy)
}

fn import_moves(lab: &Lab, csv: &str) {
    let moves = lab.file(
        "moves.csv",
        &format!("timestamp,kind,item,quantity,lot,expiry,location,to_location\n{csv}"),
    );
    lab.ok(&["import", "movements", moves.to_str().unwrap(), "--again"]);
}

#[test]
fn kept_lots_of_ended_excursions_equal_the_lots_computed_from_the_ledger() {
    crate::common::sqlite_file_test(
        "it reads or alters the kept excursion lots through a raw SQLite connection (on PostgreSQL: pg_temperature::)",
    );
    let lab = fridge_lab();
    import_moves(
        &lab,
        "2026-11-20T09:00:00Z,transfer,RGT,5,A1,,FRIDGE-1,MAIN\n\
         2026-11-20T11:00:00Z,receive,RGT,3,C3,2027-12-31,FRIDGE-1,\n\
         2026-11-20T12:00:00Z,issue,RGT,5,B2,,FRIDGE-1,\n\
         2026-11-20T15:00:00Z,receive,RGT,4,D4,2027-12-31,FRIDGE-1,\n",
    );
    record(&lab, "5", "2026-11-20T08:00:00Z");
    record(&lab, "9", "2026-11-20T10:00:00Z");
    record(&lab, "5", "2026-11-20T13:00:00Z");
    record(&lab, "10", "2026-11-20T16:00:00Z");
    record(&lab, "5", "2026-11-20T17:00:00Z");
    // A third one still running: its lots always come from the ledger.
    record(&lab, "11", "2026-11-20T18:00:00Z");
    assert_eq!(kept(&lab), 2, "the two ended excursions are kept");
    let lots = lots_by_id(&lab);
    assert_eq!(
        lots,
        [
            ("2".to_owned(), "RGT:B2=5;RGT:C3=3".to_owned()),
            ("4".to_owned(), "RGT:C3=3;RGT:D4=4".to_owned()),
            ("6".to_owned(), "RGT:C3=3;RGT:D4=4".to_owned()),
        ]
    );
    assert_eq!(lots, lots_from_the_ledger(&lab));
    // The same through every renderer that shows the lots.
    let json = lab.ok(&["report", "excursions", "--format", "json"]);
    assert!(json.contains("RGT:B2=5;RGT:C3=3"), "{json}");
    lab.ok(&["check"]);
}

#[test]
fn a_backdated_movement_into_an_ended_excursions_window_changes_its_lots() {
    crate::common::sqlite_file_test(
        "it reads or alters the kept excursion lots through a raw SQLite connection (on PostgreSQL: pg_temperature::)",
    );
    let lab = fridge_lab();
    record(&lab, "5", "2026-11-20T08:00:00Z");
    record(&lab, "9", "2026-11-20T10:00:00Z");
    record(&lab, "5", "2026-11-20T13:00:00Z");
    assert_eq!(lots_by_id(&lab)[0].1, "RGT:A1=5;RGT:B2=5");
    assert_eq!(kept(&lab), 1);
    // A receipt recorded the next day, dated during the excursion.
    import_moves(
        &lab,
        "2026-11-20T11:30:00Z,receive,RGT,2,C3,2027-12-31,FRIDGE-1,\n",
    );
    assert_eq!(kept(&lab), 0, "the backdated movement drops the kept lots");
    assert_eq!(lots_by_id(&lab)[0].1, "RGT:A1=5;RGT:B2=5;RGT:C3=2");
    // One dated before it began changes what was there at its start.
    import_moves(&lab, "2026-11-20T09:30:00Z,issue,RGT,5,A1,,FRIDGE-1,\n");
    assert_eq!(lots_by_id(&lab)[0].1, "RGT:B2=5;RGT:C3=2");
    assert_eq!(lots_by_id(&lab), lots_from_the_ledger(&lab));
    // The next reading at the fridge keeps them again, as the ledger says.
    record(&lab, "5", "2026-11-20T14:00:00Z");
    assert_eq!(kept(&lab), 1);
    assert_eq!(lots_by_id(&lab)[0].1, "RGT:B2=5;RGT:C3=2");
    assert_eq!(lots_by_id(&lab), lots_from_the_ledger(&lab));
    // A movement after the end, or at another location, keeps them.
    import_moves(
        &lab,
        "2026-11-20T13:30:00Z,receive,RGT,1,E5,2027-12-31,FRIDGE-1,\n\
         2026-11-20T11:00:00Z,receive,RGT,1,F6,2027-12-31,MAIN,\n",
    );
    assert_eq!(kept(&lab), 1);
    assert_eq!(lots_by_id(&lab)[0].1, "RGT:B2=5;RGT:C3=2");
    lab.ok(&["check"]);
}

#[test]
fn a_transfer_in_or_out_of_the_location_during_an_ended_excursion_changes_its_lots() {
    crate::common::sqlite_file_test(
        "it reads or alters the kept excursion lots through a raw SQLite connection (on PostgreSQL: pg_temperature::)",
    );
    let lab = fridge_lab();
    record(&lab, "5", "2026-11-20T08:00:00Z");
    record(&lab, "9", "2026-11-20T10:00:00Z");
    record(&lab, "5", "2026-11-20T13:00:00Z");
    // Out of the fridge before the excursion: the fridge's row (the
    // movement's location) is dropped, A1 was not there.
    import_moves(
        &lab,
        "2026-11-20T09:00:00Z,transfer,RGT,5,A1,,FRIDGE-1,MAIN\n",
    );
    assert_eq!(kept(&lab), 0);
    assert_eq!(lots_by_id(&lab)[0].1, "RGT:B2=5");
    record(&lab, "5", "2026-11-20T14:00:00Z");
    assert_eq!(kept(&lab), 1);
    // Into the fridge during it (the fridge is the destination).
    let moves = lab.file(
        "into.csv",
        "timestamp,kind,item,quantity,lot,expiry,location,to_location\n\
         2026-11-20T12:00:00Z,transfer,RGT,3,A1,,MAIN,FRIDGE-1\n",
    );
    lab.ok(&["import", "movements", moves.to_str().unwrap()]);
    assert_eq!(kept(&lab), 0);
    assert_eq!(lots_by_id(&lab)[0].1, "RGT:A1=3;RGT:B2=5");
    assert_eq!(lots_by_id(&lab), lots_from_the_ledger(&lab));
    record(&lab, "5", "2026-11-20T15:00:00Z");
    assert_eq!(lots_by_id(&lab)[0].1, "RGT:A1=3;RGT:B2=5");
    assert_eq!(kept(&lab), 1);
    lab.ok(&["check"]);
}

#[test]
fn a_reversal_at_an_excursions_end_drops_its_kept_lots_and_the_report_follows_the_ledger() {
    crate::common::sqlite_file_test(
        "it reads or alters the kept excursion lots through a raw SQLite connection (on PostgreSQL: pg_temperature::)",
    );
    let lab = fridge_lab();
    import_moves(
        &lab,
        "2026-11-21T07:00:00Z,transfer,RGT,5,A1,,FRIDGE-1,MAIN\n",
    );
    record(&lab, "5", "2026-11-21T06:00:00Z");
    record(&lab, "9", "2026-11-21T08:00:00Z");
    // The excursion ends now: a reversal, dated now, is at its end.
    record(&lab, "5", common_now());
    assert_eq!(kept(&lab), 1);
    assert_eq!(lots_by_id(&lab)[0].1, "RGT:B2=5");
    let card = lab.csv(&["history", "RGT", "--lot", "A1"]);
    let transfer = card[1..]
        .iter()
        .find(|r| r[2] == "transfer")
        .map(|r| r[0].clone())
        .unwrap();
    lab.ok(&["reverse", &transfer, "--reason", "never left the fridge"]);
    assert_eq!(kept(&lab), 0);
    // The ledger now has A1 back in the fridge at the excursion's end.
    assert_eq!(lots_by_id(&lab)[0].1, "RGT:A1=5;RGT:B2=5");
    assert_eq!(lots_by_id(&lab), lots_from_the_ledger(&lab));
    lab.ok(&["check"]);
}

fn common_now() -> &'static str {
    crate::common::NOW
}

#[test]
fn opening_units_during_an_ended_excursion_keeps_its_lots() {
    crate::common::sqlite_file_test(
        "it reads or alters the kept excursion lots through a raw SQLite connection (on PostgreSQL: pg_temperature::)",
    );
    let lab = fridge_lab();
    record(&lab, "5", "2026-11-20T08:00:00Z");
    record(&lab, "9", "2026-11-20T10:00:00Z");
    record(&lab, "5", "2026-11-20T13:00:00Z");
    lab.ok(&[
        "open",
        "RGT",
        "2",
        "--lot",
        "A1",
        "--location",
        "FRIDGE-1",
        "--date",
        "2026-11-20",
    ]);
    // An opening moves units between portions of one balance: what the
    // fridge held is unchanged, so the kept row stays.
    assert_eq!(kept(&lab), 1);
    assert_eq!(lots_by_id(&lab)[0].1, "RGT:A1=5;RGT:B2=5");
    assert_eq!(lots_by_id(&lab), lots_from_the_ledger(&lab));
    lab.ok(&["check"]);
}

#[test]
fn check_names_the_excursion_whose_kept_lots_were_tampered_with() {
    crate::common::sqlite_file_test(
        "it reads or alters the kept excursion lots through a raw SQLite connection (on PostgreSQL: pg_temperature::)",
    );
    let lab = fridge_lab();
    record(&lab, "5", "2026-11-20T08:00:00Z");
    record(&lab, "9", "2026-11-20T10:00:00Z");
    record(&lab, "5", "2026-11-20T13:00:00Z");
    record(&lab, "9", "2026-11-20T15:00:00Z");
    record(&lab, "5", "2026-11-20T16:00:00Z");
    lab.ok(&["check"]);
    lab.raw()
        .execute_batch(
            "UPDATE excursion_lots SET lots = 'RGT:A1=9;RGT:B2=5' WHERE excursion_id = 4",
        )
        .unwrap();
    // The report reads the kept row (it is the cache) ...
    assert_eq!(lots_by_id(&lab)[1].1, "RGT:A1=9;RGT:B2=5");
    // ... and check proves it against the ledger.
    let out = lab.run(&["check"]);
    assert_eq!(out.status.code(), Some(3));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains(
            "excursion 4 at FRIDGE-1 (2026-11-20T15:00:00Z … 2026-11-20T16:00:00Z): the lots kept for it disagree with the ledger: \
             kept RGT:A1=9, the ledger held RGT:A1=5"
        ),
        "{said}"
    );
    assert!(
        said.contains("run `labstock history RGT --lot A1`"),
        "{said}"
    );
    assert!(!said.contains("excursion 2 "), "{said}");
    // A lot listed that the ledger never had there is named too.
    lab.raw()
        .execute_batch(
            "UPDATE excursion_lots SET lots = 'RGT:A1=5;RGT:B2=5;RGT:Z9=1' WHERE excursion_id = 4",
        )
        .unwrap();
    let said = String::from_utf8_lossy(&lab.run(&["check"]).stdout).into_owned();
    assert!(
        said.contains("kept RGT:Z9=1, the ledger held nothing of RGT:Z9"),
        "{said}"
    );
}

#[test]
fn an_upgraded_database_keeps_the_lots_of_the_excursions_it_already_has() {
    crate::common::sqlite_file_test(
        "a SQLite file of the schema before excursion_lots, upgraded on open \
         (PostgreSQL's migration: postgres::postgres_an_older_schema_is_migrated_on_open)",
    );
    let lab = fridge_lab();
    import_moves(
        &lab,
        "2026-11-20T11:00:00Z,receive,RGT,3,C3,2027-12-31,FRIDGE-1,\n",
    );
    record(&lab, "5", "2026-11-20T08:00:00Z");
    record(&lab, "9", "2026-11-20T10:00:00Z");
    record(&lab, "5", "2026-11-20T13:00:00Z");
    record(&lab, "10", "2026-11-20T16:00:00Z");
    let before = lots_by_id(&lab);
    // The database as the binary before `excursion_lots` left it (the
    // migrations after it, NOCASE's rebuilt indexes, run again harmlessly).
    let raw = lab.raw();
    raw.execute_batch("DROP TABLE excursion_lots; DROP INDEX excursions_ended;")
        .unwrap();
    raw.pragma_update(None, "user_version", labstock::store::SCHEMA_VERSION - 2)
        .unwrap();
    drop(raw);
    // The first command upgrades it: the ended excursion's lots are kept
    // as the ledger says, the running one's stay computed.
    assert_eq!(lots_by_id(&lab), before);
    assert_eq!(kept(&lab), 1);
    let version: i64 = lab
        .raw()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, labstock::store::SCHEMA_VERSION);
    lab.ok(&["check"]);
    // And a backdated movement drops the row.
    import_moves(&lab, "2026-11-20T12:00:00Z,issue,RGT,1,C3,,FRIDGE-1,\n");
    assert_eq!(kept(&lab), 0);
    assert_eq!(lots_by_id(&lab), lots_from_the_ledger(&lab));
}

/// The drop is the ledger's, through the storage seam: a movement posted
/// on PostgreSQL drops the kept lots it reaches there too, and the lab
/// copied back reports and proves what the ledger says.
#[test]
fn a_movement_posted_on_postgres_drops_the_kept_lots_it_reaches() {
    crate::common::sqlite_file_test("a SQLite lab copied to PostgreSQL with `copy --to`");
    let Some(db) = crate::postgres::PgDb::new("unkeep") else {
        return;
    };
    let lab = fridge_lab();
    record(&lab, "5", "2026-11-21T07:00:00Z");
    record(&lab, "9", "2026-11-21T08:00:00Z");
    // It ends now: a movement recorded now is at its end.
    record(&lab, "5", common_now());
    assert_eq!(kept(&lab), 1);
    let out = lab.run(&["copy", "--to", &db.url]);
    assert!(out.status.success(), "{}", crate::postgres::stderr(&out));
    assert_eq!(db.count("excursion_lots"), 1);
    let on_pg = |args: &[&str]| {
        let mut all = vec!["--db", db.url.as_str()];
        all.extend(args.iter().copied());
        let out = lab.run(&all);
        assert!(out.status.success(), "{}", crate::postgres::stderr(&out));
    };
    // A movement elsewhere, or an opening, drops nothing.
    on_pg(&[
        "receive",
        "RGT",
        "1",
        "--lot",
        "M1",
        "--expiry",
        "2027-12-31",
    ]);
    on_pg(&["open", "RGT", "1", "--lot", "A1", "--location", "FRIDGE-1"]);
    assert_eq!(db.count("excursion_lots"), 1);
    on_pg(&[
        "transfer", "RGT", "1", "--lot", "M1", "--from", "MAIN", "--to", "FRIDGE-1",
    ]);
    assert_eq!(db.count("excursion_lots"), 0);
    let back = Lab::empty();
    let out = back.run(&["--db", &db.url, "copy", "--to", back.db.to_str().unwrap()]);
    assert!(out.status.success(), "{}", crate::postgres::stderr(&out));
    assert_eq!(lots_by_id(&back)[0].1, "RGT:A1=5;RGT:B2=5;RGT:M1=1");
    back.ok(&["check"]);
}
