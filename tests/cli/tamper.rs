//! Tamper evidence and the audit trail (issue 8): every evidence row is
//! hash-chained, `check` names the first row an outside edit broke — even
//! with the append-only triggers dropped — and `audit` lists who did what
//! and when.

use std::collections::HashMap;

use crate::common::{Lab, parse_csv};

/// The demo lab plus one record of every other evidence kind, so every
/// chained table has rows.
fn full_lab() -> Lab {
    let lab = Lab::empty_sqlite();
    lab.ok(&["demo"]);
    lab.ok(&["item", "edit", "RGT-GLU", "--reorder-level", "5"]);
    // A safety data sheet and its confirmation (SPEC §16).
    let sheet = lab.path().join("sds.pdf");
    std::fs::write(&sheet, "%PDF-1.7\nsheet\n%%EOF\n").unwrap();
    lab.ok(&[
        "sds",
        "add",
        "CHM-GIEMSA",
        sheet.to_str().unwrap(),
        "--revised",
        "2025-01-10",
    ]);
    lab.ok(&["sds", "confirm", "CHM-GIEMSA"]);
    let added = lab.run_stdin(
        &[
            "user",
            "add",
            "m.manager",
            "--role",
            "manager",
            "--password-stdin",
        ],
        "a long enough password\n",
    );
    assert!(added.status.success(), "{added:?}");
    // The demo holds prepared batches and their components (SPEC §14).
    lab.ok(&[
        "location",
        "edit",
        "BENCH-MICRO",
        "--name",
        "Microbiology bench 2",
    ]);
    // The demo lab holds temperature readings and a decided excursion.
    // The demo lab holds stocktakes (an applied one and one in progress).
    let lot = lab.csv(&["stock", "--item", "RGT-CRP"])[1][2].clone();
    lab.ok(&[
        "lot",
        "quarantine",
        "RGT-CRP",
        &lot,
        "--reason",
        "cold chain breach",
    ]);
    lab.ok(&[
        "equipment",
        "status",
        "EQ-0002",
        "out_of_service",
        "--reason",
        "rotor cracked",
    ]);
    lab.ok(&[
        "equipment",
        "service",
        "EQ-0002",
        "--date",
        "2026-11-20",
        "--kind",
        "repair",
        "--by",
        "Eppendorf UK Service",
    ]);
    lab.ok(&[
        "calibrate",
        "EQ-0001",
        "--extend-to",
        "2027-01-31",
        "--reason",
        "service visit booked",
        "--approved-by",
        "A. Shah, quality manager",
    ]);
    lab.ok(&[
        "order",
        "cancel",
        "PO-2026-0415",
        "--reason",
        "supplier discontinued the line",
    ]);
    lab.ok(&[
        "waste",
        "container",
        "open",
        "SB-2614",
        "--stream",
        "180103*",
        "--location",
        "bench-haem",
        "--date",
        "2026-11-02",
    ]);
    lab.ok(&[
        "waste",
        "record",
        "--stream",
        "18 01 03*",
        "--quantity",
        "1.5",
        "--unit",
        "kg",
        "--container",
        "SB-2614",
    ]);
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
    lab.ok(&[
        "waste",
        "consign",
        "--consignment-note",
        "LABPAT/00500",
        "--carrier",
        "SRCL Ltd",
        "--container",
        "SB-2614",
    ]);
    lab
}

/// Rows per chained table, from `audit --heads`.
fn heads(lab: &Lab) -> HashMap<String, (i64, String)> {
    lab.csv(&["audit", "--heads"])
        .into_iter()
        .skip(1)
        .map(|r| (r[0].clone(), (r[1].parse().unwrap(), r[3].clone())))
        .collect()
}

/// Drop every trigger, as a tool that goes round the append-only rules would.
fn drop_triggers(conn: &rusqlite::Connection) {
    let triggers: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    for t in triggers {
        conn.execute_batch(&format!("DROP TRIGGER {t}")).unwrap();
    }
}

/// Run raw SQL as a tool that ignores labstock's rules would: triggers
/// dropped first, foreign keys off.
fn tamper(lab: &Lab, sql: &str) {
    let raw = lab.raw();
    let conn = &raw;
    conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
    drop_triggers(conn);
    conn.execute_batch(sql).unwrap();
}

/// `check` exits 3; returns its stdout lines.
fn check_fails(lab: &Lab) -> Vec<String> {
    let out = lab.run(&["check"]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_evidence_table_is_chained_and_check_proves_the_chains() {
    let lab = full_lab();
    let heads = heads(&lab);
    assert_eq!(heads.len(), 31, "{heads:?}");
    for (table, (rows, hash)) in &heads {
        assert!(*rows > 0, "{table} has no rows in the test lab");
        assert_eq!(hash.len(), 64, "{table}: {hash}");
    }
    let out = lab.run(&["check"]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("every hash chain is intact"), "{stderr}");
    let ledger_head = &heads["movements"].1[..16];
    assert!(stderr.contains(ledger_head), "{stderr}");
}

#[test]
fn an_edit_made_with_the_triggers_dropped_is_named_by_check() {
    let lab = full_lab();
    // Someone with the sqlite3 shell "fixes" an issue and the balance to
    // match, so the balances still agree with the ledger: only the hash
    // shows it.
    tamper(
        &lab,
        "UPDATE movements SET quantity = quantity - 1 WHERE id = 40;
         UPDATE balances SET quantity = quantity - 1
          WHERE (lot_id, location_id) = (SELECT lot_id, location_id FROM movements WHERE id = 40);",
    );
    let lines = check_fails(&lab);
    assert_eq!(
        lines,
        [
            "movements row 40 no longer matches its hash: it was changed outside labstock \
          (run `labstock audit --entity movement:40`)"
        ],
        "{lines:?}"
    );
}

#[test]
fn check_names_the_first_broken_row_of_each_table() {
    let lab = full_lab();
    tamper(
        &lab,
        "UPDATE calibrations SET result = 'pass', performed_by = 'someone else' WHERE id = 7;
         UPDATE calibrations SET notes = 'backdated' WHERE id = 9;
         UPDATE waste_records SET quantity_milli = 500 WHERE id = 3;
         UPDATE lot_events SET reason = 'routine' WHERE id = 1;
         UPDATE equipment_status_changes SET on_date = '2026-01-01' WHERE id = 1;
         UPDATE service_records SET performed_by = 'nobody' WHERE id = 1;
         UPDATE calibration_extensions SET approved_by = 'me' WHERE id = 1;
         UPDATE item_changes SET new_value = '50' WHERE id = 1;
         UPDATE order_events SET reason = 'duplicate order' WHERE id = 1;
         UPDATE waste_containers SET stream = '18 01 04' WHERE id = 1;
         UPDATE waste_container_seals SET weight_milli = 1 WHERE id = 1;
         UPDATE waste_consignments SET carrier = 'cowboy skips' WHERE id = 1;
         UPDATE waste_consignment_containers SET consignment_id = 2 WHERE id = 1;
         UPDATE waste_consignment_records SET consignment_id = 2 WHERE id = 1;",
    );
    let lines = check_fails(&lab);
    let chain_lines: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains("no longer matches its hash"))
        .collect();
    assert_eq!(chain_lines.len(), 13, "{lines:#?}");
    assert!(
        lines.contains(
            &"calibrations row 7 no longer matches its hash: it was changed outside labstock \
              (run `labstock audit --entity calibration:7`); 1 later row(s) of calibrations also fail"
                .to_owned()
        ),
        "{lines:#?}"
    );
    for table in [
        "waste_records row 3",
        "lot_events row 1",
        "equipment_status_changes row 1",
        "service_records row 1",
        "calibration_extensions row 1",
        "item_changes row 1",
        "order_events row 1",
        "waste_containers row 1",
        "waste_container_seals row 1",
        "waste_consignments row 1",
        "waste_consignment_containers row 1",
        "waste_consignment_records row 1",
    ] {
        assert!(
            chain_lines.iter().any(|l| l.starts_with(table)),
            "{table}: {lines:#?}"
        );
    }
}

#[test]
fn a_deleted_row_and_a_row_slipped_in_are_found() {
    let lab = full_lab();
    tamper(
        &lab,
        "DELETE FROM calibrations WHERE id IN (20, 21);
         INSERT INTO waste_records (date, stream, quantity_milli, unit, recorded_by, origin, recorded_at, hash)
              SELECT date, stream, 1000, unit, recorded_by, 'record', recorded_at, hash
              FROM waste_records WHERE id = 1;",
    );
    let lines = check_fails(&lab);
    let last_waste = heads(&lab)["waste_records"].0;
    assert!(
        lines.contains(
            &"calibrations rows 20–21 are missing: deleted outside labstock (the chain goes from row 19 to row 22)"
                .to_owned()
        ),
        "{lines:#?}"
    );
    assert!(
        lines.contains(&format!(
            "waste_records row {last_waste} no longer matches its hash: it was changed outside labstock \
             (run `labstock audit --entity waste:{last_waste}`)"
        )),
        "{lines:#?}"
    );
}

#[test]
fn rewriting_a_hash_alone_or_reordering_rows_is_found() {
    let lab = full_lab();
    tamper(
        &lab,
        "UPDATE movements SET hash = (SELECT hash FROM movements WHERE id = 2) WHERE id = 1;
         UPDATE calibrations SET id = 1000 WHERE id = 5;",
    );
    let lines = check_fails(&lab);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("movements row 1 no longer matches")),
        "{lines:#?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("calibrations row 5 is missing")),
        "{lines:#?}"
    );
}

#[test]
fn reopening_an_ended_order_line_behind_labstocks_back_is_named() {
    // The order line's status is maintained from its recorded end, as a
    // balance is from the ledger: "un-cancelling" it in the table shows.
    let lab = full_lab();
    tamper(
        &lab,
        "UPDATE orders SET status = 'open', closed_on = NULL, closed_by = NULL, close_reason = NULL
          WHERE reference = 'PO-2026-0415';",
    );
    let lines = check_fails(&lab);
    assert_eq!(
        lines,
        [
            "order PO-2026-0415 line RGT-TROP: the order says open, its recorded end says cancelled on \
          2026-11-21 by a.tester; run `labstock audit --entity order:PO-2026-0415`"
        ],
        "{lines:#?}"
    );
    let trail = parse_csv(&lab.ok(&["audit", "--entity", "order:po-2026-0415", "--format", "csv"]));
    let actions: Vec<(&str, &str)> = trail[1..]
        .iter()
        .map(|r| (r[2].as_str(), r[4].as_str()))
        .collect();
    assert_eq!(
        actions,
        [("order", "added"), ("order_event", "cancelled")],
        "{trail:?}"
    );
    assert!(
        trail[2][6].ends_with("supplier discontinued the line"),
        "{trail:?}"
    );
}

#[test]
fn deleting_the_newest_movement_shows_in_the_balances_and_the_head() {
    // The chain cannot see its own last row go; the maintained balance
    // and the head written down at sign-off can.
    let lab = full_lab();
    let head = heads(&lab)["movements"].clone();
    tamper(
        &lab,
        "DELETE FROM movements WHERE id = (SELECT max(id) FROM movements);",
    );
    let lines = check_fails(&lab);
    assert!(
        lines
            .iter()
            .any(|l| l.contains("ledger sums to") && l.contains("balance says")),
        "{lines:#?}"
    );
    let after = heads(&lab)["movements"].clone();
    assert_eq!(after.0, head.0 - 1);
    assert_ne!(after.1, head.1);
}

#[test]
fn the_audit_trail_says_who_did_what_and_when() {
    let lab = full_lab();
    let mut later = Lab::empty_sqlite();
    later.now = "2026-11-23T14:30:00Z".into();
    let db = lab.path().join("lab.db");
    let run = |args: &[&str], user: &str| {
        later
            .cmd()
            .env("LABSTOCK_DB", &db)
            .env("LABSTOCK_USER", user)
            .args(args)
            .output()
            .unwrap()
    };
    assert!(
        run(
            &[
                "issue",
                "RGT-GLU",
                "1",
                "--location",
                "FRIDGE-1",
                "--reference",
                "run 4411"
            ],
            "s.nightshift"
        )
        .status
        .success()
    );
    assert!(
        run(
            &["item", "edit", "RGT-GLU", "--max-level", "12"],
            "s.nightshift"
        )
        .status
        .success()
    );

    let all = parse_csv(&lab.ok(&["audit", "--format", "csv"]));
    assert_eq!(
        all[0],
        ["at", "user", "record", "id", "action", "entity", "detail"]
    );
    let sorted = all[1..].windows(2).all(|w| w[0][0] <= w[1][0]);
    assert!(sorted, "oldest first");

    let mine = parse_csv(&lab.ok(&["audit", "--by", "S.NIGHTSHIFT", "--format", "csv"]));
    assert_eq!(mine.len(), 3, "{mine:?}");
    let issue = mine.iter().find(|r| r[2] == "movement").unwrap();
    assert_eq!(
        issue[..6],
        [
            "2026-11-23T14:30:00Z",
            "s.nightshift",
            "movement",
            &issue[3],
            "issue",
            "item:RGT-GLU"
        ]
    );
    assert!(issue[6].starts_with("1 out of FRIDGE-1"), "{issue:?}");
    assert!(issue[6].contains("reference run 4411"), "{issue:?}");
    // `--user NAME` typed on the command line filters the same way;
    // LABSTOCK_USER (a.tester here) never does.
    for args in [
        &["audit", "--user", "s.nightshift", "--format", "csv"][..],
        &["--user", "s.nightshift", "audit", "--format", "csv"],
    ] {
        assert_eq!(parse_csv(&lab.ok(args)), mine, "{args:?}");
    }
    let edit = mine.iter().find(|r| r[2] == "item_change").unwrap();
    assert_eq!(edit[6], "max_level: 10 -> 12");

    // Date range: inclusive days, on when the record was made.
    let day = parse_csv(&lab.ok(&[
        "audit",
        "--from",
        "2026-11-23",
        "--to",
        "2026-11-23",
        "--format",
        "csv",
    ]));
    assert_eq!(day.len(), 3, "{day:?}");
    let none = parse_csv(&lab.ok(&["audit", "--from", "2026-11-24", "--format", "csv"]));
    assert_eq!(none.len(), 1);
    let before = parse_csv(&lab.ok(&["audit", "--to", "2026-11-22", "--format", "csv"]));
    assert_eq!(before.len() + 2, all.len());

    // Entity: a thing's whole story, or one record.
    let glu = parse_csv(&lab.ok(&["audit", "--entity", "item:rgt-glu", "--format", "csv"]));
    let records: Vec<&str> = glu[1..].iter().map(|r| r[2].as_str()).collect();
    assert_eq!(records.first(), Some(&"item"), "{records:?}");
    assert!(
        records.contains(&"item_change") && records.contains(&"movement"),
        "{records:?}"
    );
    assert!(glu[1..].iter().all(|r| r[5] == "item:RGT-GLU"));
    let eq = parse_csv(&lab.ok(&["audit", "--entity", "equipment:EQ-0002", "--format", "csv"]));
    let kinds: Vec<&str> = eq[1..].iter().map(|r| r[2].as_str()).collect();
    for k in ["equipment", "calibration", "status_change", "service"] {
        assert!(kinds.contains(&k), "{k}: {kinds:?}");
    }
    let one = parse_csv(&lab.ok(&["audit", "--entity", "movement:40", "--format", "csv"]));
    assert_eq!(one.len(), 2);
    assert_eq!((one[1][2].as_str(), one[1][3].as_str()), ("movement", "40"));
    let waste = parse_csv(&lab.ok(&["audit", "--entity", "consignment", "--format", "csv"]));
    assert_eq!(waste.len(), 2);
    assert!(waste[1][6].starts_with("by SRCL Ltd on"), "{:?}", waste[1]);
}

#[test]
fn audit_refuses_an_unknown_entity_kind_and_a_bad_date() {
    let lab = full_lab();
    let err = lab.fails(&["audit", "--entity", "fridge:F1"], 65);
    assert!(
        err.contains("fridge:F1") && err.contains("equipment"),
        "{err}"
    );
    let err = lab.fails(&["audit", "--from", "2026-11-30", "--to", "2026-11-01"], 65);
    assert!(
        err.contains("2026-11-01") && err.contains("--from 2026-11-30"),
        "{err}"
    );
    let err = lab.fails(&["audit", "--from", "21/11/2026"], 65);
    assert!(err.contains("21/11/2026"), "{err}");
}

mod property {
    //! Whatever single cell of whichever movement is changed beneath the
    //! triggers, and whichever row is deleted, `check` names that row.

    use chrono::{Duration, NaiveDate};
    use labstock::Store;
    use labstock::catalogue::Item;
    use labstock::ledger::MovementRequest;
    use labstock::model::{MovementKind, Quantity, Timestamp};
    use proptest::prelude::*;

    use super::drop_triggers;

    const ROWS: i64 = 30;

    fn ledger(dir: &std::path::Path) -> Store {
        let now = "2026-09-01T08:00:00Z";
        let mut store = Store::init(&dir.join("t.db"), now, "prop").unwrap();
        store
            .add_item(Item::new("PLS-TIP-200", "Filter tips 200 uL"), now, "prop")
            .unwrap();
        let start = NaiveDate::from_ymd_opt(2026, 9, 1)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap()
            .and_utc();
        for i in 0..ROWS {
            let at = start + Duration::hours(i);
            let kind = if i % 3 == 2 {
                MovementKind::Issue
            } else {
                MovementKind::Receive
            };
            let at = Timestamp::new("at", at).unwrap();
            let qty = Quantity::new(1 + i % 4).unwrap();
            let mut req = MovementRequest::new(kind, "PLS-TIP-200", qty, at, "prop");
            req.note = Some(format!("row {i}"));
            store.record(&req, at).unwrap();
        }
        store
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

        #[test]
        fn any_changed_cell_is_named(
            id in 1..=ROWS,
            column in prop::sample::select(vec!["at", "quantity", "note", "user", "reference", "recorded_at", "location_id"]),
            text in "[a-z0-9 ]{1,12}",
            delta in 1i64..5,
        ) {
            let dir = tempfile::tempdir().unwrap();
            let store = ledger(dir.path());
            let raw = rusqlite::Connection::open(dir.path().join("t.db")).unwrap();
            let conn = &raw;
            drop_triggers(conn);
            conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
            let sql = match column {
                "quantity" => format!("UPDATE movements SET quantity = quantity * {} WHERE id = ?1", delta + 1),
                "location_id" => format!("UPDATE movements SET location_id = location_id + {delta} WHERE id = ?1"),
                _ => format!("UPDATE movements SET {column} = coalesce({column}, '') || '{text}' WHERE id = ?1"),
            };
            prop_assert_eq!(conn.execute(&sql, [id]).unwrap(), 1);
            let report = store.check().unwrap();
            let expected = format!("movements row {id} no longer matches its hash");
            prop_assert!(
                report.problems.iter().any(|p| p.starts_with(&expected)),
                "{column} of row {id}: {:?}", report.problems
            );
        }

        #[test]
        fn any_deleted_row_but_the_last_is_named(id in 1..ROWS) {
            let dir = tempfile::tempdir().unwrap();
            let store = ledger(dir.path());
            let raw = rusqlite::Connection::open(dir.path().join("t.db")).unwrap();
            let conn = &raw;
            drop_triggers(conn);
            conn.execute("DELETE FROM movements WHERE id = ?1", [id]).unwrap();
            let report = store.check().unwrap();
            let expected = format!("movements row {id} is missing");
            prop_assert!(
                report.problems.iter().any(|p| p.starts_with(&expected)),
                "row {id}: {:?}", report.problems
            );
        }
    }
}
