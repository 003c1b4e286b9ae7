//! The hazardous-waste register (issue 5): streams, records, containers,
//! consignments, the link to `dispose`, and the reports.

use crate::common::{Lab, fixture, parse_csv};

/// The seeded streams whose official descriptions the issue quotes.
const SEEDED: &[(&str, &str)] = &[
    ("18 01 01", "sharps (except 18 01 03)"),
    (
        "18 01 02",
        "body parts and organs including blood bags and blood preserves (except 18 01 03)",
    ),
    (
        "18 01 03*",
        "wastes whose collection and disposal is subject to special requirements in order to prevent infection",
    ),
    (
        "18 01 04",
        "wastes whose collection and disposal is not subject to special requirements in order to prevent infection",
    ),
    (
        "18 01 06*",
        "chemicals consisting of or containing hazardous substances",
    ),
    (
        "18 01 07",
        "chemicals other than those mentioned in 18 01 06",
    ),
    ("18 01 08*", "cytotoxic and cytostatic medicines"),
    (
        "18 01 09",
        "medicines other than those mentioned in 18 01 08",
    ),
    (
        "16 05 06*",
        "laboratory chemicals, consisting of or containing hazardous substances, including mixtures of laboratory chemicals",
    ),
    (
        "15 01 10*",
        "packaging containing residues of or contaminated by hazardous substances",
    ),
    ("20 03 01", "mixed municipal waste"),
];

/// One integer a query gives, on the lab's engine.
fn count(lab: &Lab, sql: &str) -> i64 {
    match &lab.pg {
        Some(pg) => pg.client().query_one(sql, &[]).unwrap().get(0),
        None => lab.raw().query_row(sql, [], |r| r.get(0)).unwrap(),
    }
}

fn records(lab: &Lab) -> i64 {
    count(lab, "SELECT count(*) FROM waste_records")
}

/// Run a command that must fail with 65 and leave the database unchanged;
/// returns stderr.
fn refused(lab: &Lab, args: &[&str]) -> String {
    let before = lab.db_bytes();
    let stderr = lab.fails(args, 65);
    assert!(before == lab.db_bytes(), "{args:?} changed the database");
    stderr
}

/// Rows of a CSV listing as maps from column to cell.
fn rows(lab: &Lab, args: &[&str]) -> Vec<std::collections::HashMap<String, String>> {
    let table = lab.csv(args);
    let (header, body) = table.split_first().unwrap();
    body.iter()
        .map(|r| header.iter().cloned().zip(r.iter().cloned()).collect())
        .collect()
}

fn record(lab: &Lab, stream: &str, quantity: &str, unit: &str, extra: &[&str]) {
    let mut args = vec![
        "waste",
        "record",
        "--stream",
        stream,
        "--quantity",
        quantity,
        "--unit",
        unit,
    ];
    args.extend_from_slice(extra);
    lab.ok(&args);
}

#[test]
fn init_seeds_the_list_of_waste_codes_and_descriptions_exactly() {
    let lab = Lab::new();
    let streams = rows(&lab, &["waste", "streams"]);
    for (code, name) in SEEDED {
        let s = streams
            .iter()
            .find(|s| s["code"] == *code)
            .unwrap_or_else(|| panic!("{code} is not seeded"));
        assert_eq!(s["name"], *name, "description of {code}");
    }
    for code in ["16 05 07*", "16 05 08*", "16 05 09"] {
        assert!(streams.iter().any(|s| s["code"] == code), "{code}");
    }
    assert_eq!(streams.len(), SEEDED.len() + 3);
    let colours = [
        "yellow", "orange", "purple", "tiger", "red", "blue", "black",
    ];
    let routes = [
        "incineration",
        "alternative treatment",
        "landfill/energy from waste",
    ];
    for s in &streams {
        assert_eq!(
            s["hazardous"] == "true",
            s["code"].ends_with('*'),
            "hazardous ⇔ asterisk for {}",
            s["code"]
        );
        assert!(colours.contains(&s["container"].as_str()), "{s:?}");
        assert!(routes.contains(&s["route"].as_str()), "{s:?}");
    }
    let cyto = streams.iter().find(|s| s["code"] == "18 01 08*").unwrap();
    assert_eq!(cyto["container"], "purple");
    assert_eq!(cyto["route"], "incineration");
    let offensive = streams.iter().find(|s| s["code"] == "18 01 04").unwrap();
    assert_eq!(offensive["container"], "tiger");
}

#[test]
fn stream_codes_are_accepted_with_or_without_spaces_and_stored_canonically() {
    let lab = Lab::new();
    record(&lab, "180103*", "4.5", "kg", &[]);
    record(&lab, "18 0104", "2", "KG", &[]);
    let list = rows(&lab, &["waste", "list"]);
    assert_eq!(list[0]["stream"], "18 01 03*");
    assert_eq!(list[1]["stream"], "18 01 04");
    assert_eq!(list[1]["unit"], "kg");
    // Filters and edits take any spacing too.
    assert_eq!(
        rows(&lab, &["waste", "list", "--stream", "180104"]).len(),
        1
    );
    lab.ok(&[
        "waste",
        "stream",
        "edit",
        "180104",
        "--route",
        "Incineration",
    ]);
    let streams = rows(&lab, &["waste", "streams"]);
    let s = streams.iter().find(|s| s["code"] == "18 01 04").unwrap();
    assert_eq!(s["route"], "incineration");
}

#[test]
fn a_hazardous_code_written_without_its_asterisk_is_refused_naming_it() {
    let lab = Lab::new();
    let err = refused(
        &lab,
        &[
            "waste",
            "record",
            "--stream",
            "18 01 03",
            "--quantity",
            "1",
            "--unit",
            "kg",
        ],
    );
    assert!(err.contains("\"18 01 03\""), "{err}");
    assert!(err.contains("18 01 03*"), "{err}");
    assert!(err.contains("hazardous"), "{err}");
    // And the other way round: a non-hazardous code given an asterisk.
    let err = refused(
        &lab,
        &[
            "waste",
            "record",
            "--stream",
            "18 01 04*",
            "--quantity",
            "1",
            "--unit",
            "kg",
        ],
    );
    assert!(err.contains("write 18 01 04"), "{err}");
    assert_eq!(records(&lab), 0);
}

#[test]
fn an_unknown_stream_suggests_the_closest() {
    let lab = Lab::new();
    let err = refused(
        &lab,
        &[
            "waste",
            "record",
            "--stream",
            "18 01 66*",
            "--quantity",
            "1",
            "--unit",
            "kg",
        ],
    );
    assert!(err.contains("unknown waste stream \"18 01 66*\""), "{err}");
    assert!(err.contains("did you mean"), "{err}");
    assert!(err.contains("18 01 06*"), "{err}");
    let err = refused(
        &lab,
        &[
            "waste",
            "record",
            "--stream",
            "18-01-03",
            "--quantity",
            "1",
            "--unit",
            "kg",
        ],
    );
    assert!(err.contains("six digits"), "{err}");
}

#[test]
fn bad_records_are_refused_with_exit_65_and_nothing_written() {
    let lab = Lab::new();
    record(&lab, "18 01 03*", "1", "kg", &[]);
    let base = ["waste", "record", "--stream", "18 01 03*"];
    let cases: &[(&[&str], &str)] = &[
        (&["--quantity", "0", "--unit", "kg"], "greater than zero"),
        (&["--quantity", "-2", "--unit", "kg"], "greater than zero"),
        (&["--quantity", "0.0", "--unit", "kg"], "greater than zero"),
        (&["--quantity", "lots", "--unit", "kg"], "decimal number"),
        (
            &["--quantity", "1.2345", "--unit", "kg"],
            "three decimal places",
        ),
        (
            &["--quantity", "2", "--unit", "tonnes"],
            "expected kg, L, items or containers",
        ),
        (
            &["--quantity", "2", "--unit", "kg", "--date", "2026-11-22"],
            "in the future",
        ),
        (
            &["--quantity", "2", "--unit", "kg", "--date", "2026-02-30"],
            "no such date",
        ),
        (
            &[
                "--quantity",
                "2",
                "--unit",
                "kg",
                "--consignment-note",
                "ABC123",
            ],
            "consignment note code",
        ),
        (
            &[
                "--quantity",
                "2",
                "--unit",
                "kg",
                "--consignment-note",
                "NEWCAS/1234",
            ],
            "consignment note code",
        ),
        (
            &["--quantity", "2", "--unit", "kg", "--form", "slurry"],
            "physical form",
        ),
        (
            &["--quantity", "2", "--unit", "kg", "--hp", "HP16"],
            "HP1 to HP15",
        ),
    ];
    for (extra, expected) in cases {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        let err = refused(&lab, &args);
        assert!(err.contains(expected), "{extra:?}: {err}");
    }
    // HP codes belong to hazardous waste only.
    let err = refused(
        &lab,
        &[
            "waste",
            "record",
            "--stream",
            "18 01 04",
            "--quantity",
            "2",
            "--unit",
            "kg",
            "--hp",
            "HP9",
        ],
    );
    assert!(err.contains("not hazardous"), "{err}");
    assert_eq!(records(&lab), 1);
}

#[test]
fn a_record_keeps_form_hp_codes_and_a_valid_note_in_each_format() {
    let lab = Lab::new();
    for note in ["NEWCAS/1234L", "LABPAT/00401", "SA1234567", "DB7654321"] {
        record(
            &lab,
            "16 05 06*",
            "2.25",
            "L",
            &[
                "--consignment-note",
                note,
                "--form",
                "Liquid",
                "--hp",
                "hp 6, HP3",
            ],
        );
    }
    // A non-hazardous stream's note is a waste transfer note reference: free text.
    record(
        &lab,
        "18 01 04",
        "10",
        "kg",
        &[
            "--consignment-note",
            "WTN 2026 annual",
            "--carrier",
            "SRCL Ltd",
        ],
    );
    let list = rows(&lab, &["waste", "list"]);
    assert_eq!(list.len(), 5);
    assert_eq!(list[0]["consignment_note"], "NEWCAS/1234L");
    assert_eq!(list[2]["consignment_note"], "SA1234567");
    assert_eq!(list[3]["consignment_note"], "DB7654321");
    assert_eq!(list[0]["physical_form"], "liquid");
    assert_eq!(list[0]["hp_codes"], "HP3 HP6");
    assert_eq!(list[0]["quantity"], "2.25");
    assert_eq!(list[0]["source"], "waste record");
    assert_eq!(list[0]["recorded_by"], "a.tester");
    assert_eq!(list[4]["consignment_note"], "WTN 2026 annual");
    for bad in ["SD1234567", "DA123456", "S1234567", "NEW CAS/12345"] {
        let err = refused(
            &lab,
            &[
                "waste",
                "record",
                "--stream",
                "18 01 08*",
                "--quantity",
                "1",
                "--unit",
                "kg",
                "--consignment-note",
                bad,
            ],
        );
        assert!(err.contains(bad), "{err}");
    }
}

#[test]
fn containers_are_traceable_from_the_bench_to_the_consignment() {
    let lab = Lab::new();
    lab.ok(&["location", "add", "BENCH-HAEM"]);
    lab.ok(&[
        "waste",
        "container",
        "open",
        "SB-2614",
        "--stream",
        "180103*",
        "--type",
        "sharps bin 5 L",
        "--location",
        "bench-haem",
        "--date",
        "2026-11-02",
    ]);
    record(
        &lab,
        "18 01 03*",
        "1.5",
        "kg",
        &["--container", "sb-2614", "--date", "2026-11-10"],
    );
    record(
        &lab,
        "18 01 03*",
        "2",
        "kg",
        &["--container", "SB-2614", "--date", "2026-11-12"],
    );
    // A record before the container was opened, or of another stream, is refused.
    let err = refused(
        &lab,
        &[
            "waste",
            "record",
            "--stream",
            "18 01 03*",
            "--quantity",
            "1",
            "--unit",
            "kg",
            "--container",
            "SB-2614",
            "--date",
            "2026-11-01",
        ],
    );
    assert!(err.contains("opened on 2026-11-02"), "{err}");
    let err = refused(
        &lab,
        &[
            "waste",
            "record",
            "--stream",
            "18 01 08*",
            "--quantity",
            "1",
            "--unit",
            "kg",
            "--container",
            "SB-2614",
        ],
    );
    assert!(err.contains("holds 18 01 03* waste"), "{err}");
    // Consigning an open container is refused.
    let err = refused(
        &lab,
        &[
            "waste",
            "consign",
            "--consignment-note",
            "LABPAT/00500",
            "--carrier",
            "SRCL Ltd",
            "--container",
            "SB-2614",
        ],
    );
    assert!(err.contains("still open"), "{err}");

    lab.ok(&[
        "waste",
        "container",
        "seal",
        "SB-2614",
        "--weight",
        "3.6",
        "--date",
        "2026-11-18",
    ]);
    let err = refused(&lab, &["waste", "container", "seal", "SB-2614"]);
    assert!(err.contains("already sealed on 2026-11-18"), "{err}");
    let err = refused(
        &lab,
        &[
            "waste",
            "record",
            "--stream",
            "18 01 03*",
            "--quantity",
            "1",
            "--unit",
            "kg",
            "--container",
            "SB-2614",
        ],
    );
    assert!(err.contains("was sealed on 2026-11-18"), "{err}");
    // Records already in it: sealing wrote none of its own.
    assert_eq!(records(&lab), 2);

    // A hazardous consignment needs a consignment note code.
    let err = refused(
        &lab,
        &[
            "waste",
            "consign",
            "--consignment-note",
            "WTN-42",
            "--carrier",
            "SRCL Ltd",
            "--container",
            "SB-2614",
        ],
    );
    assert!(err.contains("18 01 03* is hazardous"), "{err}");
    lab.ok(&[
        "waste",
        "consign",
        "--consignment-note",
        "LABPAT/00500",
        "--carrier",
        "SRCL Ltd",
        "--carrier-registration",
        "CBDU12345",
        "--destination",
        "SRCL Sheffield",
        "--container",
        "SB-2614",
        "--date",
        "2026-11-20",
    ]);
    let err = refused(
        &lab,
        &[
            "waste",
            "consign",
            "--consignment-note",
            "LABPAT/00501",
            "--carrier",
            "SRCL Ltd",
            "--container",
            "SB-2614",
        ],
    );
    assert!(
        err.contains("already consigned on consignment note LABPAT/00500"),
        "{err}"
    );

    let containers = rows(&lab, &["waste", "container", "list"]);
    assert_eq!(containers.len(), 1);
    let c = &containers[0];
    assert_eq!(c["container"], "SB-2614");
    assert_eq!(c["location"], "BENCH-HAEM");
    assert_eq!(c["type"], "sharps bin 5 L");
    assert_eq!(c["opened_on"], "2026-11-02");
    assert_eq!(c["sealed_on"], "2026-11-18");
    assert_eq!(c["sealed_weight"], "3.6");
    assert_eq!(c["state"], "consigned");
    assert_eq!(c["consignment_note"], "LABPAT/00500");
    assert_eq!(c["records"], "2");

    // The records in it left with it: the register shows the note and carrier.
    let report = rows(&lab, &["report", "waste"]);
    assert!(
        report
            .iter()
            .all(|r| r["consignment_note"] == "LABPAT/00500")
    );
    assert!(report.iter().all(|r| r["carrier"] == "SRCL Ltd"));
    let register = rows(&lab, &["report", "consignments"]);
    assert_eq!(register.len(), 1);
    let n = &register[0];
    assert_eq!(n["consignment_note"], "LABPAT/00500");
    assert_eq!(n["collected_on"], "2026-11-20");
    assert_eq!(n["carrier_registration"], "CBDU12345");
    assert_eq!(n["destination"], "SRCL Sheffield");
    assert_eq!(n["stream"], "18 01 03*");
    assert_eq!(n["quantity"], "3.5");
    assert_eq!(n["unit"], "kg");
    assert_eq!(n["records"], "2");
    assert_eq!(n["containers"], "1");
}

#[test]
fn sealing_an_empty_container_records_its_weight() {
    let lab = Lab::new();
    lab.ok(&[
        "waste",
        "container",
        "open",
        "PB-08",
        "--stream",
        "18 01 08*",
        "--date",
        "2026-11-01",
    ]);
    lab.ok(&[
        "waste",
        "container",
        "open",
        "YB-77",
        "--stream",
        "18 01 03*",
        "--date",
        "2026-11-01",
    ]);
    lab.ok(&[
        "waste",
        "container",
        "seal",
        "PB-08",
        "--weight",
        "4.25",
        "--date",
        "2026-11-20",
    ]);
    lab.ok(&["waste", "container", "seal", "YB-77"]);
    let list = rows(&lab, &["waste", "list"]);
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["container"], "PB-08");
    assert_eq!(list[0]["quantity"], "4.25");
    assert_eq!(list[0]["unit"], "kg");
    assert_eq!(list[0]["date"], "2026-11-20");
    assert_eq!(list[0]["source"], "container seal");
    assert_eq!(list[1]["quantity"], "1");
    assert_eq!(list[1]["unit"], "containers");
    assert_eq!(list[1]["date"], "2026-11-21");
    // Sealing refuses a future date, a date before opening, an unknown container.
    lab.ok(&[
        "waste",
        "container",
        "open",
        "YB-78",
        "--stream",
        "18 01 03*",
        "--date",
        "2026-11-10",
    ]);
    let err = refused(
        &lab,
        &[
            "waste",
            "container",
            "seal",
            "YB-78",
            "--date",
            "2026-11-09",
        ],
    );
    assert!(err.contains("opened on 2026-11-10"), "{err}");
    let err = refused(
        &lab,
        &[
            "waste",
            "container",
            "seal",
            "YB-78",
            "--date",
            "2026-11-30",
        ],
    );
    assert!(err.contains("future"), "{err}");
    let err = refused(&lab, &["waste", "container", "seal", "YB-79"]);
    assert!(err.contains("did you mean"), "{err}");
    let err = refused(
        &lab,
        &["waste", "container", "seal", "YB-78", "--weight", "0"],
    );
    assert!(err.contains("greater than zero"), "{err}");
    // Opening twice, or on an unknown location, is refused.
    let err = refused(
        &lab,
        &[
            "waste",
            "container",
            "open",
            "yb-78",
            "--stream",
            "18 01 03*",
        ],
    );
    assert!(err.contains("already exists"), "{err}");
    let err = refused(
        &lab,
        &[
            "waste",
            "container",
            "open",
            "YB-80",
            "--stream",
            "18 01 03*",
            "--location",
            "NOWHERE",
        ],
    );
    assert!(err.contains("unknown location"), "{err}");
    let open = rows(&lab, &["waste", "container", "list", "--state", "open"]);
    assert_eq!(open.len(), 1);
    assert_eq!(open[0]["container"], "YB-78");
}

#[test]
fn consigning_loose_records_and_refusing_twice() {
    let lab = Lab::new();
    record(&lab, "16 05 06*", "3", "L", &["--date", "2026-11-02"]);
    record(&lab, "16 05 06*", "1.5", "L", &["--date", "2026-11-03"]);
    record(&lab, "18 01 04", "12", "kg", &["--date", "2026-11-03"]);
    record(
        &lab,
        "16 05 06*",
        "1",
        "L",
        &["--consignment-note", "LABPAT/00001"],
    );
    // A non-hazardous collection may carry a transfer note reference.
    lab.ok(&[
        "waste",
        "consign",
        "--note",
        "WTN-2026-11",
        "--carrier",
        "SRCL Ltd",
        "--record",
        "3",
        "--date",
        "2026-11-04",
    ]);
    lab.ok(&[
        "waste",
        "consign",
        "--consignment-note",
        "SB1234567",
        "--carrier",
        "Veolia",
        "--record",
        "1",
        "--record",
        "#2",
        "--date",
        "2026-11-05",
    ]);
    let cases: &[(&[&str], &str)] = &[
        (
            &["--consignment-note", "SB7654321", "--record", "1"],
            "already consigned on consignment note SB1234567",
        ),
        (
            &["--consignment-note", "SB1234567", "--record", "4"],
            "already exists",
        ),
        (
            &["--consignment-note", "SB7654321", "--record", "4"],
            "already carries consignment note LABPAT/00001",
        ),
        (
            &["--consignment-note", "SB7654321", "--record", "99"],
            "unknown waste record",
        ),
        (
            &["--consignment-note", "SB7654321"],
            "container or record is required",
        ),
        (
            &["--consignment-note", "SB7654321", "--record", "x"],
            "record number",
        ),
        (
            &[
                "--consignment-note",
                "SB7654321",
                "--record",
                "1",
                "--date",
                "2026-12-01",
            ],
            "future",
        ),
    ];
    for (extra, expected) in cases {
        let mut args = vec!["waste", "consign", "--carrier", "Veolia"];
        args.extend_from_slice(extra);
        let err = refused(&lab, &args);
        assert!(err.contains(expected), "{extra:?}: {err}");
    }
    let register = rows(&lab, &["report", "consignments"]);
    let notes: Vec<(&str, &str, &str)> = register
        .iter()
        .map(|r| {
            (
                r["consignment_note"].as_str(),
                r["quantity"].as_str(),
                r["collected_on"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        notes,
        [
            ("WTN-2026-11", "12", "2026-11-04"),
            ("SB1234567", "4.5", "2026-11-05"),
            ("LABPAT/00001", "1", "2026-11-21"),
        ]
    );
    let period = rows(
        &lab,
        &[
            "report",
            "consignments",
            "--from",
            "2026-11-05",
            "--to",
            "2026-11-20",
        ],
    );
    assert_eq!(period.len(), 1);
    assert_eq!(period[0]["consignment_note"], "SB1234567");
    // A correction of a consigned record stays on its consignment.
    lab.ok(&[
        "waste",
        "correct",
        "2",
        "--quantity",
        "2",
        "--reason",
        "drum reweighed",
    ]);
    let register = rows(&lab, &["report", "consignments", "--from", "2026-11-05"]);
    assert_eq!(register[0]["consignment_note"], "SB1234567");
    assert_eq!(register[0]["quantity"], "5");
    assert_eq!(register[0]["records"], "2");
    let report = rows(&lab, &["report", "waste", "--stream", "16 05 06*"]);
    let fixed = report.iter().find(|r| r["id"] == "5").unwrap();
    assert_eq!(fixed["consignment_note"], "SB1234567");
    assert_eq!(fixed["carrier"], "Veolia");
    // ... and cannot be consigned again.
    let err = refused(
        &lab,
        &[
            "waste",
            "consign",
            "--note",
            "SC7654321",
            "--carrier",
            "Veolia",
            "--record",
            "5",
        ],
    );
    assert!(err.contains("already consigned"), "{err}");
}

fn stocked_lab() -> Lab {
    let lab = Lab::new();
    lab.ok(&[
        "item",
        "add",
        "RGT-ALT",
        "--name",
        "ALT reagent",
        "--lot-tracked",
        "--hazard",
        "H302 H412",
        "--waste-stream",
        "160506*",
    ]);
    lab.ok(&["item", "add", "PLS-TIP", "--name", "Pipette tips"]);
    lab.ok(&[
        "receive",
        "RGT-ALT",
        "10",
        "--lot",
        "L1",
        "--expiry",
        "2026-10-31",
    ]);
    lab.ok(&["receive", "PLS-TIP", "5"]);
    lab
}

#[test]
fn dispose_from_stock_writes_exactly_one_waste_record() {
    let lab = stocked_lab();
    let out = lab.run(&[
        "dispose", "RGT-ALT", "3", "--lot", "L1", "--reason", "expired",
    ]);
    assert!(out.status.success());
    assert_eq!(records(&lab), 1);
    let movement = count(&lab, "SELECT max(id) FROM movements WHERE kind = 'dispose'");
    let list = rows(&lab, &["waste", "list"]);
    assert_eq!(list.len(), 1);
    let r = &list[0];
    assert_eq!(r["stream"], "16 05 06*");
    assert_eq!(r["quantity"], "3");
    assert_eq!(r["unit"], "items");
    assert_eq!(r["date"], "2026-11-21");
    assert_eq!(r["source"], format!("dispose movement {movement}"));
    assert_eq!(r["movement"], movement.to_string());
    assert!(
        r["notes"].contains("RGT-ALT") && r["notes"].contains("lot L1"),
        "{r:?}"
    );
    // The register report carries it as well.
    assert_eq!(rows(&lab, &["report", "waste"]).len(), 1);
    // An item with no waste stream and no hazard writes none.
    lab.ok(&["dispose", "PLS-TIP", "1", "--reason", "damaged"]);
    assert_eq!(records(&lab), 1);
    // --waste-stream overrides the item's stream.
    lab.ok(&[
        "dispose",
        "PLS-TIP",
        "1",
        "--reason",
        "contaminated",
        "--waste-stream",
        "18 01 03*",
    ]);
    assert_eq!(records(&lab), 2);
}

#[test]
fn a_refused_dispose_writes_no_waste_record() {
    let lab = stocked_lab();
    // More than is there.
    refused(
        &lab,
        &[
            "dispose", "RGT-ALT", "11", "--lot", "L1", "--reason", "expired",
        ],
    );
    // An unknown stream, and a hazardous code without its asterisk.
    refused(
        &lab,
        &[
            "dispose",
            "RGT-ALT",
            "1",
            "--lot",
            "L1",
            "--reason",
            "expired",
            "--waste-stream",
            "16 05 66*",
        ],
    );
    refused(
        &lab,
        &[
            "dispose",
            "RGT-ALT",
            "1",
            "--lot",
            "L1",
            "--reason",
            "expired",
            "--waste-stream",
            "16 05 06",
        ],
    );
    // A hazardous item with no waste stream.
    lab.ok(&[
        "item", "add", "CHM-XYL", "--name", "Xylene", "--hazard", "H226",
    ]);
    lab.ok(&["receive", "CHM-XYL", "2"]);
    refused(&lab, &["dispose", "CHM-XYL", "1", "--reason", "expired"]);
    assert_eq!(records(&lab), 0);
    assert_eq!(
        count(
            &lab,
            "SELECT count(*) FROM movements WHERE kind = 'dispose'"
        ),
        0
    );
}

#[test]
fn dispose_and_its_waste_record_are_one_transaction() {
    crate::common::sqlite_file_test("it sabotages the waste table through a raw SQLite connection");
    let lab = stocked_lab();
    // Make the waste record's insert fail after the movement is posted: the
    // movement must go with it.
    lab.raw()
        .execute_batch(
            "CREATE TRIGGER test_refuse_waste BEFORE INSERT ON waste_records \
             BEGIN SELECT RAISE(ABORT, 'test: no waste records'); END;",
        )
        .unwrap();
    let before = lab.db_bytes();
    let out = lab.run(&[
        "dispose", "RGT-ALT", "2", "--lot", "L1", "--reason", "expired",
    ]);
    assert!(!out.status.success());
    assert!(before == lab.db_bytes());
    assert_eq!(
        count(
            &lab,
            "SELECT count(*) FROM movements WHERE kind = 'dispose'"
        ),
        0
    );
    let stock = rows(&lab, &["stock", "--item", "RGT-ALT"]);
    assert_eq!(stock[0]["quantity"], "10");
}

#[test]
fn totals_by_stream_and_month_keep_units_apart_and_add_exactly() {
    let lab = Lab::new();
    record(&lab, "16 05 06*", "0.1", "L", &["--date", "2026-10-01"]);
    record(&lab, "16 05 06*", "0.2", "L", &["--date", "2026-10-31"]);
    record(&lab, "16 05 06*", "1.25", "kg", &["--date", "2026-10-15"]);
    record(&lab, "16 05 06*", "2", "items", &["--date", "2026-10-15"]);
    record(&lab, "16 05 06*", "4", "L", &["--date", "2026-11-01"]);
    record(&lab, "18 01 03*", "10.5", "kg", &["--date", "2026-10-02"]);
    record(&lab, "18 01 03*", "0.75", "kg", &["--date", "2026-10-20"]);
    let totals = lab.csv(&["report", "waste", "--totals"]);
    let expected: Vec<Vec<&str>> = vec![
        vec![
            "stream",
            "name",
            "hazardous",
            "month",
            "unit",
            "quantity",
            "records",
        ],
        vec!["16 05 06*", "", "true", "2026-10", "kg", "1.25", "1"],
        vec!["16 05 06*", "", "true", "2026-10", "L", "0.3", "2"],
        vec!["16 05 06*", "", "true", "2026-10", "items", "2", "1"],
        vec!["16 05 06*", "", "true", "2026-11", "L", "4", "1"],
        vec!["18 01 03*", "", "true", "2026-10", "kg", "11.25", "2"],
    ];
    assert_eq!(totals.len(), expected.len());
    for (got, want) in totals.iter().zip(&expected) {
        // Every column but the (long) name.
        let got: Vec<&str> = got
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != 1)
            .map(|(_, c)| c.as_str())
            .collect();
        let want: Vec<&str> = want
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != 1)
            .map(|(_, c)| *c)
            .collect();
        assert_eq!(got, want);
    }
    // Filters: a period and a stream.
    let oct = lab.csv(&[
        "report",
        "waste",
        "--totals",
        "--from",
        "2026-10-01",
        "--to",
        "2026-10-31",
        "--stream",
        "160506*",
    ]);
    assert_eq!(oct.len(), 4);
    let json = lab.ok(&["report", "waste", "--totals", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v[1]["quantity"], serde_json::json!(0.3));
    assert_eq!(v[2]["quantity"], serde_json::json!(2));
}

#[test]
fn report_waste_filters_and_warns_of_unconsigned_hazardous_waste() {
    let lab = Lab::new();
    record(&lab, "18 01 08*", "2", "kg", &["--date", "2026-10-21"]); // 31 days: warn
    record(&lab, "18 01 08*", "3", "kg", &["--date", "2026-10-22"]); // 30 days: not yet
    record(&lab, "18 01 04", "5", "kg", &["--date", "2026-09-01"]); // not hazardous
    record(
        &lab,
        "18 01 03*",
        "1",
        "kg",
        &["--date", "2026-09-01", "--consignment-note", "AB/12345"],
    );
    let out = lab.run(&["report", "waste", "--format", "csv"]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches("warning:").count(), 1, "{stderr}");
    assert!(
        stderr.contains(
            "record 1 (2026-10-21, 18 01 08*, 2 kg) is 31 days old with no consignment note"
        ),
        "{stderr}"
    );
    let table = parse_csv(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(
        table[0][..10],
        [
            "date",
            "stream",
            "name",
            "hazardous",
            "quantity",
            "unit",
            "container",
            "consignment_note",
            "carrier",
            "recorded_by"
        ]
    );
    assert_eq!(table.len(), 5);
    assert_eq!(table[1][0], "2026-09-01");
    // --from/--to/--stream, and --as-of hides later records.
    assert_eq!(
        rows(&lab, &["report", "waste", "--from", "2026-10-01"]).len(),
        2
    );
    assert_eq!(
        rows(&lab, &["report", "waste", "--to", "2026-10-01"]).len(),
        2
    );
    assert_eq!(
        rows(&lab, &["report", "waste", "--stream", "180108*"]).len(),
        2
    );
    assert_eq!(
        rows(&lab, &["report", "waste", "--as-of", "2026-10-21"]).len(),
        3
    );
    lab.fails(&["report", "waste", "--stream", "18 01 08"], 65);
    lab.fails(&["report", "waste", "--from", "21/10/2026"], 65);
    // Once consigned, the warning goes.
    lab.ok(&[
        "waste",
        "consign",
        "--note",
        "AB/12346",
        "--carrier",
        "SRCL Ltd",
        "--record",
        "1",
    ]);
    let out = lab.run(&["report", "waste", "--format", "csv"]);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("warning"));
}

#[test]
fn the_waste_register_is_append_only_in_the_database() {
    crate::common::sqlite_file_test(
        "it rewrites the register through a raw SQLite connection (PostgreSQL's append-only \
         triggers: postgres::postgres_triggers_refuse_update_delete_and_truncate_on_every_chained_table)",
    );
    let lab = Lab::new();
    record(&lab, "18 01 03*", "1", "kg", &[]);
    lab.ok(&[
        "waste",
        "container",
        "open",
        "SB-1",
        "--stream",
        "18 01 03*",
    ]);
    lab.ok(&["waste", "container", "seal", "SB-1"]);
    lab.ok(&[
        "waste",
        "consign",
        "--note",
        "AB/12345",
        "--carrier",
        "SRCL",
        "--container",
        "SB-1",
    ]);
    let raw = lab.raw();
    let conn = &raw;
    for sql in [
        "UPDATE waste_records SET quantity_milli = 5000 WHERE id = 1",
        "UPDATE waste_records SET consignment_note = 'AB/99999'",
        "DELETE FROM waste_records WHERE id = 1",
        "UPDATE waste_containers SET stream = '18 01 04'",
        "DELETE FROM waste_containers",
        "UPDATE waste_container_seals SET sealed_on = '2026-01-01'",
        "DELETE FROM waste_container_seals",
        "UPDATE waste_consignments SET note = 'AB/00000'",
        "DELETE FROM waste_consignments",
        "DELETE FROM waste_consignment_containers",
        "DELETE FROM waste_consignment_records",
    ] {
        let err = conn.execute(sql, []).unwrap_err().to_string();
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
    // Sealing twice is refused by the database itself, too.
    let err = conn
        .execute(
            "INSERT INTO waste_container_seals (container_id, sealed_on, sealed_by, recorded_at, hash) \
             SELECT id, '2026-11-21', 'x', 'x', zeroblob(32) FROM waste_containers",
            [],
        )
        .unwrap_err()
        .to_string();
    assert!(err.contains("UNIQUE"), "{err}");
}

#[test]
fn corrections_are_new_records_that_name_what_they_correct() {
    let lab = Lab::new();
    record(
        &lab,
        "18 01 03*",
        "12",
        "kg",
        &["--date", "2026-11-02", "--container", "YB-1"],
    );
    record(&lab, "18 01 04", "5", "kg", &["--date", "2026-11-02"]);
    lab.ok(&[
        "waste",
        "correct",
        "1",
        "--quantity",
        "21",
        "--reason",
        "misread the scale",
    ]);
    lab.ok(&[
        "waste",
        "correct",
        "2",
        "--withdraw",
        "--reason",
        "recorded twice",
    ]);
    let list = rows(&lab, &["waste", "list"]);
    assert_eq!(list.len(), 4);
    assert_eq!(list[0]["quantity"], "12");
    assert_eq!(list[0]["corrected_by"], "3");
    let fixed = list.iter().find(|r| r["id"] == "3").unwrap();
    assert_eq!(fixed["quantity"], "21");
    assert_eq!(fixed["date"], "2026-11-02");
    assert_eq!(fixed["container"], "YB-1");
    assert_eq!(fixed["corrects"], "1");
    assert_eq!(fixed["source"], "correction of record 1");
    assert_eq!(fixed["reason"], "misread the scale");
    let withdrawn = list.iter().find(|r| r["id"] == "4").unwrap();
    assert_eq!(withdrawn["quantity"], "0");
    // The register counts only what stands.
    let report = rows(&lab, &["report", "waste"]);
    assert_eq!(report.len(), 1);
    assert_eq!(report[0]["quantity"], "21");
    assert_eq!(report[0]["id"], "3");
    // One correction per record; a reason is required; bad values refused.
    let err = refused(
        &lab,
        &[
            "waste",
            "correct",
            "1",
            "--quantity",
            "20",
            "--reason",
            "again",
        ],
    );
    assert!(err.contains("already corrected by record 3"), "{err}");
    let err = refused(
        &lab,
        &["waste", "correct", "3", "--quantity", "20", "--reason", " "],
    );
    assert!(err.contains("reason"), "{err}");
    refused(
        &lab,
        &["waste", "correct", "3", "--quantity", "-1", "--reason", "x"],
    );
    refused(
        &lab,
        &[
            "waste",
            "correct",
            "3",
            "--consignment-note",
            "bad",
            "--reason",
            "x",
        ],
    );
    refused(
        &lab,
        &[
            "waste",
            "correct",
            "3",
            "--date",
            "2027-01-01",
            "--reason",
            "x",
        ],
    );
    refused(
        &lab,
        &["waste", "correct", "42", "--quantity", "1", "--reason", "x"],
    );
    let err = refused(&lab, &["waste", "correct", "4", "--reason", "it was real"]);
    assert!(err.contains("give the quantity"), "{err}");
}

#[test]
fn streams_can_be_added_and_edited_keeping_hazardous_with_the_asterisk() {
    let lab = Lab::new();
    lab.ok(&[
        "waste",
        "stream",
        "add",
        "180110*",
        "--name",
        "amalgam waste from dental care",
        "--container",
        "Yellow",
        "--route",
        "incineration",
    ]);
    lab.ok(&[
        "waste",
        "stream",
        "add",
        "15 01 02",
        "--name",
        "plastic packaging",
    ]);
    let streams = rows(&lab, &["waste", "streams"]);
    let amalgam = streams.iter().find(|s| s["code"] == "18 01 10*").unwrap();
    assert_eq!(amalgam["hazardous"], "true");
    assert_eq!(amalgam["container"], "yellow");
    let plastic = streams.iter().find(|s| s["code"] == "15 01 02").unwrap();
    assert_eq!(plastic["hazardous"], "false");
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "add",
                "15 01 03",
                "--name",
                "wooden packaging",
                "--hazardous",
            ],
            "ends with an asterisk",
        ),
        (
            &["add", "18 01 03", "--name", "infectious"],
            "either hazardous (with *) or not",
        ),
        (
            &["add", "18 01 03*", "--name", "infectious"],
            "already exists",
        ),
        (
            &[
                "add",
                "15 01 04",
                "--name",
                "metallic packaging",
                "--container",
                "green",
            ],
            "HTM 07-01",
        ),
        (
            &[
                "add",
                "15 01 04",
                "--name",
                "metallic packaging",
                "--route",
                "recycling",
            ],
            "expected one of",
        ),
        (
            &["add", "15 01 4", "--name", "metallic packaging"],
            "six digits",
        ),
        (
            &["edit", "18 01 03", "--route", "incineration"],
            "18 01 03*",
        ),
        (&["edit", "18 01 03*", "--name", ""], "keeps a description"),
        (&["edit", "18 01 03*", "--container", "pink"], "HTM 07-01"),
    ];
    for (extra, expected) in cases {
        let mut args = vec!["waste", "stream"];
        args.extend_from_slice(extra);
        let err = refused(&lab, &args);
        assert!(err.contains(expected), "{extra:?}: {err}");
    }
    lab.ok(&[
        "waste",
        "stream",
        "edit",
        "18 01 03*",
        "--container",
        "yellow",
        "--route",
        "",
    ]);
    let streams = rows(&lab, &["waste", "streams"]);
    let s = streams.iter().find(|s| s["code"] == "18 01 03*").unwrap();
    assert_eq!(s["container"], "yellow");
    assert_eq!(s["route"], "");
}

#[test]
fn import_waste_is_all_or_nothing_with_line_and_column() {
    let lab = Lab::new();
    let good = "date,stream,quantity,unit,container,consignment_note,carrier,recorded_by,notes,physical_form,hp_codes\n\
                2026-11-02,180103*,12.5,kg,YB-1,LABPAT/00401,SRCL Ltd,s.murray,yellow bag,solid,HP9\n\
                2026-11-03,18 01 04,3,KG,,WTN annual,,,,,\n";
    let path = lab.file("good.csv", good);
    lab.ok(&["import", "waste", path.to_str().unwrap()]);
    let list = rows(&lab, &["waste", "list"]);
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["stream"], "18 01 03*");
    assert_eq!(list[0]["recorded_by"], "s.murray");
    assert_eq!(list[0]["hp_codes"], "HP9");
    assert_eq!(list[0]["source"], "import");
    assert_eq!(list[1]["recorded_by"], "a.tester");
    let cases = [
        ("2026-11-02,18 01 03,1,kg,,,,,", "column stream"),
        ("2026-11-02,18 01 33*,1,kg,,,,,", "column stream"),
        ("2026-11-02,18 01 03*,0,kg,,,,,", "column quantity"),
        ("2026-11-02,18 01 03*,1,tonnes,,,,,", "column unit"),
        (
            "2026-11-02,18 01 03*,1,kg,,NOTACODE,,,",
            "column consignment_note",
        ),
        ("2026-12-02,18 01 03*,1,kg,,,,,", "column date"),
        ("2026-11-02,,1,kg,,,,,", "column stream"),
    ];
    for (row, expected) in cases {
        let text = format!(
            "date,stream,quantity,unit,container,consignment_note,carrier,recorded_by,notes\n\
             2026-11-01,18 01 04,1,kg,,,,,\n{row}\n"
        );
        let path = lab.file("bad.csv", &text);
        let err = refused(&lab, &["import", "waste", path.to_str().unwrap()]);
        assert!(err.contains("line 3"), "{row}: {err}");
        assert!(err.contains(expected), "{row}: {err}");
    }
    let path = lab.file("cols.csv", "date,stream,quantity,unit,colour\n");
    let err = refused(&lab, &["import", "waste", path.to_str().unwrap()]);
    assert!(err.contains("colour"), "{err}");
    assert_eq!(records(&lab), 2);
}

/// The demo lab's waste register (fixtures/waste.csv, as of 2026-11-21)
/// as `report waste --format csv` prints it.
#[test]
fn golden_csv_of_the_demo_labs_waste_report() {
    let lab = Lab::new();
    lab.ok(&["import", "waste", &fixture("waste.csv")]);
    let out = lab.run(&["report", "waste", "--format", "csv"]);
    assert!(out.status.success());
    let golden = include_str!("golden/waste.csv");
    assert_eq!(String::from_utf8_lossy(&out.stdout), golden);
    // The three hazardous records the fixtures README lists as unconsigned.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches("warning:").count(), 3, "{stderr}");
    for c in ["CH-DRUM-02", "PB-04", "YB-CAGE-03"] {
        assert!(stderr.contains(&format!("container {c})")), "{stderr}");
    }
}
