//! Issue 16, reagent acceptance (SPEC §13): an item with
//! `acceptance_required` receives each new lot `pending`; `lot accept`
//! decides it; pending stock is not usable but counts in the reorder
//! position; the records are chained, audited and proven by `check`.

use crate::common::{Lab, NOW};

/// A lab with acceptance-required reagent RGT (level 10, max 20) and an
/// ordinary one, PLAIN.
fn lab() -> Lab {
    let lab = Lab::new();
    lab.ok(&[
        "item",
        "add",
        "RGT",
        "--name",
        "Troponin reagent",
        "--lot-tracked",
        "--acceptance-required",
        "--reorder-level",
        "10",
        "--max-level",
        "20",
    ]);
    lab.ok(&[
        "item",
        "add",
        "PLAIN",
        "--name",
        "Plain reagent",
        "--lot-tracked",
    ]);
    lab
}

fn receive(lab: &Lab, item: &str, qty: &str, lot: &str, expiry: &str) -> String {
    let out = lab.run(&["receive", item, qty, "--lot", lot, "--expiry", expiry]);
    assert!(out.status.success(), "{out:?}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `stock` rows as (lot, quantity, status) for one item.
fn stock(lab: &Lab, item: &str) -> Vec<(String, String, String)> {
    lab.csv(&["stock", "--item", item])
        .into_iter()
        .skip(1)
        .map(|r| (r[2].clone(), r[5].clone(), r[8].clone()))
        .collect()
}

fn row(lot: &str, qty: &str, status: &str) -> (String, String, String) {
    (lot.to_owned(), qty.to_owned(), status.to_owned())
}

#[test]
fn the_setting_is_in_item_listings_imports_and_recorded_edits() {
    let lab = lab();
    let items = lab.csv(&["item", "list"]);
    let col = items[0]
        .iter()
        .position(|h| h == "acceptance_required")
        .expect("column");
    assert_eq!(items[0][col + 1], "shelf_life_days", "SPEC §7 order");
    let value = |code: &str| {
        lab.csv(&["item", "list"])
            .into_iter()
            .find(|r| r[0] == code)
            .unwrap()[col]
            .clone()
    };
    assert_eq!(value("RGT"), "true");
    assert_eq!(value("PLAIN"), "false");
    let json: serde_json::Value =
        serde_json::from_str(&lab.ok(&["item", "list", "--format", "json"])).unwrap();
    assert_eq!(json[0]["acceptance_required"], serde_json::json!(false));
    assert_eq!(json[1]["acceptance_required"], serde_json::json!(true));

    lab.ok(&["item", "edit", "PLAIN", "--acceptance-required"]);
    assert_eq!(value("PLAIN"), "true");
    lab.ok(&["item", "edit", "PLAIN", "--no-acceptance-required"]);
    assert_eq!(value("PLAIN"), "false");
    lab.fails(
        &[
            "item",
            "edit",
            "PLAIN",
            "--acceptance-required",
            "--no-acceptance-required",
        ],
        2,
    );
    let audit = lab.ok(&["audit", "--entity", "item:PLAIN"]);
    assert!(
        audit.contains("acceptance_required: false -> true")
            && audit.contains("acceptance_required: true -> false"),
        "{audit}"
    );

    let file = lab.file(
        "items.csv",
        "code,name,lot_tracked,acceptance_required\nIMP-A,Imported A,true,yes\nIMP-B,Imported B,true,\n",
    );
    lab.ok(&["import", "items", file.to_str().unwrap()]);
    assert_eq!(value("IMP-A"), "true");
    assert_eq!(value("IMP-B"), "false");
    let bad = lab.file(
        "bad.csv",
        "code,name,acceptance_required\nIMP-C,Imported C,perhaps\n",
    );
    let err = lab.fails(&["import", "items", bad.to_str().unwrap()], 65);
    assert!(err.contains("acceptance_required"), "{err}");
}

#[test]
fn a_new_lot_is_pending_not_issued_by_fefo_and_can_be_disposed_of() {
    let lab = lab();
    let warned = receive(&lab, "RGT", "5", "EARLY", "2027-01-31");
    assert!(warned.contains("pending acceptance"), "{warned}");
    assert!(warned.contains("labstock lot accept RGT EARLY"), "{warned}");
    receive(&lab, "RGT", "4", "LATE", "2027-06-30");
    lab.ok(&["lot", "accept", "RGT", "LATE", "--result", "pass"]);
    assert_eq!(
        stock(&lab, "RGT"),
        [row("EARLY", "5", "pending"), row("LATE", "4", "available")]
    );
    // FEFO would take EARLY first; it is pending, so LATE is issued.
    lab.ok(&["issue", "RGT", "3"]);
    assert_eq!(
        stock(&lab, "RGT"),
        [row("EARLY", "5", "pending"), row("LATE", "1", "available")]
    );
    // More than the usable stock: refused, naming the pending stock.
    let before = lab.db_bytes();
    let err = lab.fails(&["issue", "RGT", "2"], 65);
    assert!(
        err.contains("1 available") && err.contains("awaiting acceptance"),
        "{err}"
    );
    // An explicit issue of the pending lot is refused too.
    let err = lab.fails(&["issue", "RGT", "1", "--lot", "EARLY"], 65);
    assert!(err.contains("pending acceptance"), "{err}");
    assert!(err.contains("lot accept RGT EARLY"), "{err}");
    assert_eq!(lab.db_bytes(), before, "refusals write nothing");
    // A pending lot can still be disposed of.
    lab.ok(&[
        "dispose", "RGT", "2", "--lot", "EARLY", "--reason", "damaged",
    ]);
    assert_eq!(
        stock(&lab, "RGT"),
        [row("EARLY", "3", "pending"), row("LATE", "1", "available")]
    );
    // An item without the setting: usable on receipt.
    receive(&lab, "PLAIN", "2", "P1", "2027-01-31");
    assert_eq!(stock(&lab, "PLAIN"), [row("P1", "2", "available")]);
    lab.ok(&["check"]);
}

#[test]
fn pass_makes_a_lot_available_and_it_is_not_pending_on_its_next_delivery() {
    let lab = lab();
    receive(&lab, "RGT", "2", "L1", "2027-03-31");
    let out = lab.ok(&[
        "lot",
        "accept",
        "RGT",
        "L1",
        "--result",
        "pass",
        "--reference",
        "QC-118",
        "--notes",
        "IQC in range",
    ]);
    assert!(out.is_empty(), "messages go to stderr: {out}");
    assert_eq!(stock(&lab, "RGT"), [row("L1", "2", "available")]);
    // The next delivery of the same lot is usable at once.
    let warned = receive(&lab, "RGT", "3", "L1", "2027-03-31");
    assert!(!warned.contains("pending"), "{warned}");
    assert_eq!(stock(&lab, "RGT"), [row("L1", "5", "available")]);
    lab.ok(&["issue", "RGT", "5"]);
    // A new lot is pending again.
    receive(&lab, "RGT", "1", "L2", "2027-04-30");
    assert_eq!(stock(&lab, "RGT"), [row("L2", "1", "pending")]);
    lab.ok(&["check"]);
}

#[test]
fn a_failed_acceptance_quarantines_the_lot_as_lot_quarantine_does() {
    let lab = lab();
    receive(&lab, "RGT", "4", "BAD", "2027-03-31");
    lab.ok(&[
        "lot",
        "accept",
        "RGT",
        "BAD",
        "--result",
        "fail",
        "--reference",
        "QC-9",
    ]);
    assert_eq!(stock(&lab, "RGT"), [row("BAD", "4", "quarantined")]);
    let audit = lab.ok(&["audit", "--entity", "item:RGT", "--format", "csv"]);
    assert!(
        audit.contains("lot_event")
            && audit.contains("quarantine")
            && audit.contains("failed acceptance"),
        "{audit}"
    );
    // Not pending any more: a second verdict is refused.
    let before = lab.db_bytes();
    let err = lab.fails(&["lot", "accept", "RGT", "BAD", "--result", "pass"], 65);
    assert!(
        err.contains("not pending acceptance: it is quarantined"),
        "{err}"
    );
    assert_eq!(lab.db_bytes(), before);
    // Released after investigation, it is available (not pending again).
    lab.ok(&["lot", "release", "RGT", "BAD", "--reason", "re-tested"]);
    assert_eq!(stock(&lab, "RGT"), [row("BAD", "4", "available")]);
    lab.ok(&["check"]);
}

#[test]
fn a_pending_lot_quarantined_and_released_is_pending_again() {
    let lab = lab();
    receive(&lab, "RGT", "4", "L1", "2027-03-31");
    lab.ok(&["lot", "quarantine", "RGT", "L1", "--reason", "cold chain"]);
    assert_eq!(stock(&lab, "RGT"), [row("L1", "4", "quarantined")]);
    lab.fails(&["lot", "accept", "RGT", "L1", "--result", "pass"], 65);
    lab.ok(&["lot", "release", "RGT", "L1", "--reason", "logger fine"]);
    assert_eq!(stock(&lab, "RGT"), [row("L1", "4", "pending")]);
    lab.ok(&["lot", "accept", "RGT", "L1", "--result", "pass"]);
    assert_eq!(stock(&lab, "RGT"), [row("L1", "4", "available")]);
    lab.ok(&["check"]);
}

#[test]
fn stock_expiry_and_the_acceptance_report_show_pending_as_of_a_date() {
    let mut lab = lab();
    lab.now = "2026-11-10T10:00:00Z".into();
    receive(&lab, "RGT", "5", "L1", "2026-12-05");
    receive(&lab, "PLAIN", "2", "P1", "2026-12-05");
    lab.now = "2026-11-15T10:00:00Z".into();
    receive(&lab, "RGT", "3", "L2", "2027-06-30");
    lab.now = NOW.into();
    // Expiry report: pending lots listed with status pending.
    let expiry = lab.csv(&["report", "expiry", "--within", "30"]);
    let status = expiry[0].iter().position(|h| h == "status").unwrap();
    let rows: Vec<(String, String)> = expiry[1..]
        .iter()
        .map(|r| (r[2].clone(), r[status].clone()))
        .collect();
    assert_eq!(
        rows,
        [
            ("P1".to_owned(), "available".to_owned()),
            ("L1".to_owned(), "pending".to_owned())
        ]
    );
    let report = lab.csv(&["report", "acceptance"]);
    assert_eq!(
        report,
        [
            vec![
                "item",
                "name",
                "lot",
                "location",
                "quantity",
                "received_on",
                "days_pending"
            ],
            vec![
                "RGT",
                "Troponin reagent",
                "L1",
                "MAIN",
                "5",
                "2026-11-10",
                "11"
            ],
            vec![
                "RGT",
                "Troponin reagent",
                "L2",
                "MAIN",
                "3",
                "2026-11-15",
                "6"
            ],
        ]
    );
    // Accepted today: pending as of the 16th, not today.
    lab.ok(&["lot", "accept", "RGT", "L1", "--result", "pass"]);
    let report = lab.csv(&["report", "acceptance"]);
    assert_eq!(report.len(), 2, "{report:?}");
    assert_eq!(report[1][2], "L2");
    let then = lab.csv(&["report", "acceptance", "--as-of", "2026-11-16"]);
    assert_eq!(
        then[1..],
        [
            vec![
                "RGT",
                "Troponin reagent",
                "L1",
                "MAIN",
                "5",
                "2026-11-10",
                "6"
            ],
            vec![
                "RGT",
                "Troponin reagent",
                "L2",
                "MAIN",
                "3",
                "2026-11-15",
                "1"
            ],
        ]
    );
    let earlier = lab.csv(&["report", "acceptance", "--as-of", "2026-11-12"]);
    assert_eq!(earlier.len(), 2, "L2 not yet received: {earlier:?}");
    let stock_then = lab.csv(&["stock", "--item", "RGT", "--as-of", "2026-11-16"]);
    assert_eq!(stock_then[1][8], "pending");
    assert_eq!(
        stock(&lab, "RGT"),
        [row("L1", "5", "available"), row("L2", "3", "pending")]
    );
    // The reorder report as of then counts L1 as awaiting acceptance.
    let reorder = lab.csv(&["report", "reorder", "--as-of", "2026-11-16"]);
    let awaiting = reorder[0]
        .iter()
        .position(|h| h == "awaiting_acceptance")
        .unwrap();
    assert_eq!(reorder[1][5], "0", "on_hand");
    assert_eq!(reorder[1][awaiting], "8");
    lab.ok(&["check"]);
}

/// Reorder with pending lots, against a calculation made here from the
/// quantities the test put in (SPEC §3 with §13's position).
#[test]
fn reorder_counts_unexpired_pending_stock_in_the_position() {
    let lab = Lab::new();
    // (code, level, max, usable, pending, expired pending, on order)
    let cases: [(&str, i64, i64, i64, i64, i64, i64); 5] = [
        ("A", 10, 20, 4, 5, 0, 0),
        ("B", 10, 20, 4, 7, 0, 0),
        ("C", 12, 30, 2, 3, 6, 4),
        ("D", 5, 9, 0, 0, 0, 0),
        ("E", 8, 16, 1, 2, 3, 5),
    ];
    let mut lab_now = lab;
    lab_now.now = "2026-10-01T09:00:00Z".into();
    for (code, level, max, usable, pending, expired, ordered) in cases {
        lab_now.ok(&[
            "item",
            "add",
            code,
            "--name",
            code,
            "--lot-tracked",
            "--acceptance-required",
            "--reorder-level",
            &level.to_string(),
            "--max-level",
            &max.to_string(),
        ]);
        if usable > 0 {
            receive(&lab_now, code, &usable.to_string(), "U", "2027-12-31");
            lab_now.ok(&["lot", "accept", code, "U", "--result", "pass"]);
        }
        if pending > 0 {
            receive(&lab_now, code, &pending.to_string(), "P", "2027-12-31");
        }
        if expired > 0 {
            // Expires before the as-of date: neither usable nor awaiting.
            receive(&lab_now, code, &expired.to_string(), "X", "2026-11-01");
        }
        if ordered > 0 {
            lab_now.ok(&[
                "order",
                "add",
                &format!("PO-{code}"),
                "--item",
                code,
                "--quantity",
                &ordered.to_string(),
            ]);
        }
    }
    let lab = lab_now;
    let got = lab.csv(&["report", "reorder", "--as-of", "2026-11-21"]);
    let header = &got[0];
    assert_eq!(
        header[..13],
        [
            "supplier",
            "supplier_ref",
            "item",
            "name",
            "unit",
            "on_hand",
            "on_order",
            "reorder_level",
            "max_level",
            "suggested_qty",
            "pack_size",
            "unit_cost",
            "line_cost"
        ],
        "the SPEC columns come first"
    );
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let mut expected = Vec::new();
    for (code, level, max, usable, pending, _expired, ordered) in cases {
        let position = usable + pending + ordered;
        if position <= level {
            expected.push(vec![
                code.to_owned(),
                usable.to_string(),
                pending.to_string(),
                ordered.to_string(),
                (max - position).to_string(),
                if pending > 0 {
                    format!(
                        "position {position} (on hand {usable} + awaiting acceptance {pending} + on order {ordered}"
                    )
                } else {
                    format!("position {position} (on hand {usable} + on order {ordered}")
                },
            ]);
        }
    }
    let rows: Vec<Vec<String>> = got[1..]
        .iter()
        .map(|r| {
            vec![
                r[at("item")].clone(),
                r[at("on_hand")].clone(),
                r[at("awaiting_acceptance")].clone(),
                r[at("on_order")].clone(),
                r[at("suggested_qty")].clone(),
                r[at("reason")]
                    .split(')')
                    .next()
                    .unwrap()
                    .split(" on PO-")
                    .next()
                    .unwrap()
                    .to_owned(),
            ]
        })
        .collect();
    assert_eq!(rows, expected);
    assert!(
        got.iter().any(|r| r[at("item")] == "A"
            && r[at("reason")].starts_with(
                "position 9 (on hand 4 + awaiting acceptance 5 + on order 0) <= level 10"
            )),
        "{got:?}"
    );
}

#[test]
fn audit_lists_every_acceptance_record() {
    let lab = lab();
    receive(&lab, "RGT", "2", "L1", "2027-03-31");
    receive(&lab, "RGT", "2", "L2", "2027-03-31");
    lab.ok(&[
        "lot",
        "accept",
        "RGT",
        "L1",
        "--result",
        "pass",
        "--reference",
        "QC-1",
    ]);
    lab.ok(&[
        "lot", "accept", "RGT", "L2", "--result", "fail", "--notes", "bias",
    ]);
    let rows = lab.csv(&["audit", "--entity", "acceptance"]);
    let got: Vec<(String, String, String)> = rows[1..]
        .iter()
        .map(|r| (r[2].clone(), r[4].clone(), r[6].clone()))
        .collect();
    let e = |a: &str, d: &str| ("acceptance".to_owned(), a.to_owned(), d.to_owned());
    assert_eq!(
        got,
        [
            e("pending", "lot L1 received: awaiting acceptance"),
            e("pending", "lot L2 received: awaiting acceptance"),
            e("pass", "lot L1 accepted; reference QC-1"),
            e("fail", "lot L2 failed acceptance: quarantined; bias"),
        ]
    );
    assert!(
        rows[1..]
            .iter()
            .all(|r| r[1] == "a.tester" && r[5] == "item:RGT")
    );
    let heads = lab.csv(&["audit", "--heads"]);
    assert!(
        heads
            .iter()
            .any(|r| r[0] == "lot_acceptances" && r[1] == "4"),
        "{heads:?}"
    );
}

/// Raw SQL beneath labstock's rules, as a tool that ignores them would.
fn tamper(lab: &Lab, sql: &str) {
    let raw = lab.raw();
    let conn = &raw;
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
    conn.execute_batch(sql).unwrap();
}

fn check_fails(lab: &Lab) -> String {
    let out = lab.run(&["check"]);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn check_proves_pending_against_the_acceptance_records() {
    crate::common::sqlite_file_test("it tampers through a raw SQLite connection");
    let lab = lab();
    receive(&lab, "RGT", "2", "L1", "2027-03-31");
    receive(&lab, "RGT", "2", "L2", "2027-03-31");
    lab.ok(&["lot", "accept", "RGT", "L2", "--result", "pass"]);
    // The appended-only records refuse edits while their triggers stand.
    {
        let raw = lab.raw();
        let err = raw
            .execute(
                "UPDATE lot_acceptances SET result = 'pass' WHERE id = 1",
                [],
            )
            .unwrap_err();
        assert!(err.to_string().contains("append-only"), "{err}");
    }
    // Someone "releases" a pending lot by editing its row.
    tamper(&lab, "UPDATE lots SET pending = 0 WHERE lot = 'L1'");
    let out = check_fails(&lab);
    assert!(
        out.contains(
            "lot L1 of RGT: its acceptance records make it pending acceptance, the lot says not pending acceptance"
        ),
        "{out}"
    );
    // And one who edits the record to match is named by the chain.
    tamper(
        &lab,
        "INSERT INTO lot_acceptances (id, lot_id, result, at, user, hash) \
         VALUES (4, (SELECT id FROM lots WHERE lot = 'L1'), 'pass', '2026-11-21T09:00:00Z', 'x', zeroblob(32))",
    );
    let out = check_fails(&lab);
    assert!(
        out.contains("lot_acceptances row 4 no longer matches its hash"),
        "{out}"
    );
    assert!(
        !out.contains("lot L1 of RGT: its acceptance records"),
        "{out}"
    );
}

#[test]
fn check_names_a_lot_made_pending_without_a_record() {
    crate::common::sqlite_file_test("it tampers through a raw SQLite connection");
    let lab = lab();
    receive(&lab, "PLAIN", "2", "P1", "2027-03-31");
    tamper(&lab, "UPDATE lots SET pending = 1 WHERE lot = 'P1'");
    let out = check_fails(&lab);
    assert!(
        out.contains("lot P1 of PLAIN: it has no acceptance records, so it is not pending acceptance, the lot says pending acceptance"),
        "{out}"
    );
}

#[test]
fn bad_acceptances_exit_65_or_2_and_write_nothing() {
    let lab = lab();
    receive(&lab, "RGT", "2", "L1", "2027-03-31");
    receive(&lab, "PLAIN", "2", "P1", "2027-03-31");
    let before = lab.db_bytes();
    let err = lab.fails(&["lot", "accept", "PLAIN", "P1", "--result", "pass"], 65);
    assert!(
        err.contains("lot P1 of PLAIN is not pending acceptance: it is available"),
        "{err}"
    );
    assert!(err.contains("report acceptance"), "{err}");
    let err = lab.fails(&["lot", "accept", "RGT", "NOPE", "--result", "pass"], 65);
    assert!(
        err.contains("unknown lot \"NOPE\" of item \"RGT\""),
        "{err}"
    );
    let err = lab.fails(&["lot", "accept", "NOPE", "L1", "--result", "pass"], 65);
    assert!(err.contains("unknown item"), "{err}");
    let err = lab.fails(&["lot", "accept", "RGT", "L1", "--result", "maybe"], 2);
    assert!(err.contains("maybe") && err.contains("pass, fail"), "{err}");
    lab.fails(&["lot", "accept", "RGT", "L1"], 2);
    let err = lab.fails(&["lot", "accept", "rgt", "l1", "--result", "pass"], 65);
    assert!(
        err.contains("unknown lot \"l1\""),
        "lot numbers match exactly: {err}"
    );
    assert_eq!(lab.db_bytes(), before, "nothing was written");
    // Item codes match case-insensitively.
    lab.ok(&["lot", "accept", "rgt", "L1", "--result", "pass"]);
    let before = lab.db_bytes();
    let err = lab.fails(&["lot", "accept", "RGT", "L1", "--result", "fail"], 65);
    assert!(err.contains("it is available"), "{err}");
    assert_eq!(lab.db_bytes(), before);
}

#[test]
fn the_migration_upgrades_a_version_1_database_with_no_lot_pending() {
    crate::common::sqlite_file_test("a SQLite migration");
    let lab = Lab::new();
    lab.ok(&["item", "add", "RGT", "--name", "Reagent", "--lot-tracked"]);
    receive(&lab, "RGT", "3", "OLD", "2027-03-31");
    {
        let raw = lab.raw();
        crate::common::downgrade_to_version_1(&raw);
        let conn = &raw;
        let has = |table: &str, column: &str| -> bool {
            conn.query_row(
                "SELECT count(*) FROM pragma_table_info(?1) WHERE name = ?2",
                [table, column],
                |r| r.get::<_, i64>(0),
            )
            .unwrap()
                > 0
        };
        assert!(!has("items", "acceptance_required"));
        assert!(!has("lots", "pending"));
        let lots: i64 = conn
            .query_row("SELECT count(*) FROM lots", [], |r| r.get(0))
            .unwrap();
        assert_eq!(lots, 1, "rows kept");
    }
    // The new binary upgrades it on open; the old lot is not pending.
    lab.ok(&["check"]);
    {
        let raw = lab.raw();
        let conn = &raw;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, labstock::store::SCHEMA_VERSION);
        let records: i64 = conn
            .query_row("SELECT count(*) FROM lot_acceptances", [], |r| r.get(0))
            .unwrap();
        assert_eq!(records, 0);
    }
    assert_eq!(stock(&lab, "RGT"), [row("OLD", "3", "available")]);
    // Turning the setting on: the lot already held stays usable, a new one
    // is pending.
    lab.ok(&["item", "edit", "RGT", "--acceptance-required"]);
    receive(&lab, "RGT", "1", "OLD", "2027-03-31");
    receive(&lab, "RGT", "1", "NEW", "2027-05-31");
    assert_eq!(
        stock(&lab, "RGT"),
        [row("NEW", "1", "pending"), row("OLD", "4", "available")]
    );
    lab.ok(&["check"]);
}

#[test]
fn the_demo_has_an_accepted_and_a_pending_reagent() {
    let lab = Lab::empty();
    lab.ok(&["demo"]);
    let report = lab.csv(&["report", "acceptance"]);
    assert_eq!(report.len(), 2, "{report:?}");
    assert_eq!(
        (
            report[1][0].as_str(),
            report[1][2].as_str(),
            report[1][3].as_str()
        ),
        ("RGT-TSH", "TSH-2611", "FRIDGE-1")
    );
    assert_eq!(stock(&lab, "RGT-FERR")[0].2, "available");
    lab.ok(&["check"]);
}
