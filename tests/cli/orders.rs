//! Purchase order lines: `order add|list|cancel|close`, `import orders`,
//! receipts against them (SPEC §1, §7, §10).

use crate::common::Lab;

fn lab_with_items() -> Lab {
    let lab = Lab::new();
    lab.ok(&["location", "add", "FRIDGE-1"]);
    lab.ok(&[
        "item",
        "add",
        "CRP",
        "--name",
        "CRP reagent",
        "--supplier",
        "Roche Diagnostics",
        "--unit",
        "kit",
        "--reorder-level",
        "12",
        "--max-level",
        "24",
    ]);
    lab.ok(&[
        "item",
        "add",
        "CFAS",
        "--name",
        "Calibrator",
        "--supplier",
        "Roche Diagnostics",
        "--reorder-level",
        "1",
    ]);
    lab.ok(&[
        "item",
        "add",
        "TIPS",
        "--name",
        "Tips",
        "--supplier",
        "Sarstedt",
    ]);
    lab
}

/// `order list` rows as (reference, item, quantity, received, outstanding, state).
fn lines(lab: &Lab, extra: &[&str]) -> Vec<[String; 6]> {
    let mut args = vec!["order", "list"];
    args.extend_from_slice(extra);
    let rows = lab.csv(&args);
    assert_eq!(
        rows[0].join(","),
        "reference,supplier,item,name,location,ordered_on,expected_on,quantity,received,outstanding,state,closed_on"
    );
    rows[1..]
        .iter()
        .map(|r| {
            [
                r[0].clone(),
                r[2].clone(),
                r[7].clone(),
                r[8].clone(),
                r[9].clone(),
                r[10].clone(),
            ]
        })
        .collect()
}

fn line(reference: &str, item: &str, q: i64, rec: i64, out: i64, state: &str) -> [String; 6] {
    [
        reference.into(),
        item.into(),
        q.to_string(),
        rec.to_string(),
        out.to_string(),
        state.into(),
    ]
}

#[test]
fn order_add_and_list_open_and_part_received_lines() {
    let lab = lab_with_items();
    lab.ok(&[
        "order",
        "add",
        "PO-12",
        "--item",
        "CRP",
        "--quantity",
        "10",
        "--expected",
        "2026-11-28",
        "--location",
        "FRIDGE-1",
    ]);
    lab.ok(&["order", "add", "PO-12", "--item", "CFAS", "--quantity", "2"]);
    lab.ok(&["order", "add", "PO-13", "--item", "TIPS", "--quantity", "5"]);
    lab.ok(&[
        "receive",
        "CRP",
        "4",
        "--order",
        "PO-12",
        "--location",
        "FRIDGE-1",
    ]);
    lab.ok(&["receive", "TIPS", "5", "--order", "po-13"]);
    assert_eq!(
        lines(&lab, &[]),
        [
            line("PO-12", "CFAS", 2, 0, 2, "open"),
            line("PO-12", "CRP", 10, 4, 6, "part-received"),
        ]
    );
    let all = lines(&lab, &["--all"]);
    assert_eq!(all[2], line("PO-13", "TIPS", 5, 5, 0, "received"));
    let rows = lab.csv(&["order", "list", "--item", "crp"]);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1][1], "Roche Diagnostics", "supplier from the item");
    assert_eq!(rows[1][4], "FRIDGE-1");
    assert_eq!(rows[1][5], "2026-11-21", "ordered today by default");
    assert_eq!(rows[1][6], "2026-11-28");
    assert_eq!(
        lab.csv(&["order", "list", "--supplier", "sarstedt"]).len(),
        1
    );
    lab.fails(&["order", "list", "--supplier", "Sarstedtt"], 65);
    lab.ok(&["check"]);
}

#[test]
fn over_receipt_is_allowed_and_reported() {
    let lab = lab_with_items();
    lab.ok(&["order", "add", "PO-1", "--item", "CRP", "--quantity", "3"]);
    let out = lab.run(&["receive", "CRP", "5", "--order", "PO-1"]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("over-receipt on order PO-1: 5 received against 3 ordered (2 over)"),
        "{stderr}"
    );
    assert_eq!(
        lines(&lab, &["--all"]),
        [line("PO-1", "CRP", 3, 5, 0, "over-received")]
    );
    let rows = lab.csv(&["report", "reorder"]);
    let crp = rows.iter().find(|r| r[2] == "CRP").unwrap();
    assert_eq!(
        (crp[5].as_str(), crp[6].as_str()),
        ("5", "0"),
        "never negative on order"
    );
}

#[test]
fn reversing_a_receipt_puts_it_back_on_order() {
    let lab = lab_with_items();
    lab.ok(&["order", "add", "PO-1", "--item", "CRP", "--quantity", "10"]);
    lab.ok(&["receive", "CRP", "4", "--order", "PO-1"]);
    let id = lab.csv(&["history", "CRP"]).last().unwrap()[0].clone();
    lab.ok(&["reverse", &id, "--reason", "wrong item"]);
    assert_eq!(lines(&lab, &[]), [line("PO-1", "CRP", 10, 0, 10, "open")]);
    lab.ok(&["check"]);
}

#[test]
fn an_order_for_an_unknown_item_is_refused_and_nothing_is_written() {
    let lab = lab_with_items();
    let before = lab.db_bytes();
    let err = lab.fails(
        &["order", "add", "PO-1", "--item", "CRPP", "--quantity", "3"],
        65,
    );
    assert!(
        err.contains("unknown item \"CRPP\"") && err.contains("CRP"),
        "{err}"
    );
    lab.fails(
        &["order", "add", "PO-1", "--item", "CRP", "--quantity", "0"],
        65,
    );
    lab.fails(
        &[
            "order",
            "add",
            "PO-1",
            "--item",
            "CRP",
            "--quantity",
            "3",
            "--location",
            "NOWHERE",
        ],
        65,
    );
    lab.fails(
        &[
            "order",
            "add",
            "PO-1",
            "--item",
            "CRP",
            "--quantity",
            "3",
            "--expected",
            "2026-11-01",
        ],
        65,
    );
    lab.ok(&["item", "retire", "TIPS"]);
    let before_retired = lab.db_bytes();
    let err = lab.fails(
        &["order", "add", "PO-1", "--item", "TIPS", "--quantity", "3"],
        65,
    );
    assert!(err.contains("retired"), "{err}");
    assert_eq!(before_retired, lab.db_bytes());
    assert_ne!(before, before_retired);
}

#[test]
fn a_duplicate_order_line_is_refused_and_nothing_is_written() {
    let lab = lab_with_items();
    lab.ok(&["order", "add", "PO-1", "--item", "CRP", "--quantity", "3"]);
    let before = lab.db_bytes();
    let err = lab.fails(
        &["order", "add", "po-1", "--item", "crp", "--quantity", "5"],
        65,
    );
    assert!(
        err.contains("order line \"PO-1\" for item \"CRP\" already exists"),
        "{err}"
    );
    assert_eq!(before, lab.db_bytes());
    // Another item on the same order is a new line.
    lab.ok(&["order", "add", "PO-1", "--item", "CFAS", "--quantity", "1"]);
}

#[test]
fn one_purchase_order_goes_to_one_supplier() {
    let lab = lab_with_items();
    lab.ok(&["order", "add", "PO-1", "--item", "CRP", "--quantity", "3"]);
    let before = lab.db_bytes();
    let err = lab.fails(
        &[
            "order",
            "add",
            "PO-1",
            "--item",
            "TIPS",
            "--quantity",
            "3",
            "--supplier",
            "Sarstedt",
        ],
        65,
    );
    assert!(
        err.contains("order PO-1 is with Roche Diagnostics"),
        "{err}"
    );
    assert_eq!(before, lab.db_bytes());
    // Without --supplier the line joins the order's supplier.
    lab.ok(&["order", "add", "PO-1", "--item", "TIPS", "--quantity", "3"]);
    let rows = lab.csv(&["order", "list", "--item", "TIPS"]);
    assert_eq!(rows[1][1], "Roche Diagnostics");
}

#[test]
fn import_orders_is_all_or_nothing_with_the_offending_line() {
    let lab = lab_with_items();
    let before = lab.db_bytes();
    let dup = lab.file(
        "dup.csv",
        "reference,supplier,item,quantity,ordered_on,expected_on,location\n\
         PO-1,,CRP,10,2026-11-02,2026-11-09,FRIDGE-1\n\
         PO-1,,CFAS,2,2026-11-02,,\n\
         po-1,,crp,5,2026-11-03,,\n",
    );
    let err = lab.fails(&["import", "orders", dup.to_str().unwrap()], 65);
    assert!(err.contains("line 4, column reference"), "{err}");
    assert!(err.contains("already exists"), "{err}");
    let unknown = lab.file(
        "unknown.csv",
        "reference,item,quantity\nPO-2,CRP,1\nPO-2,NOPE,1\n",
    );
    let err = lab.fails(&["import", "orders", unknown.to_str().unwrap()], 65);
    assert!(
        err.contains("line 3, column item: unknown item \"NOPE\""),
        "{err}"
    );
    let bad = lab.file("bad.csv", "reference,item,quantity\nPO-3,CRP,0\n");
    let err = lab.fails(&["import", "orders", bad.to_str().unwrap()], 65);
    assert!(err.contains("line 2, column quantity"), "{err}");
    let bad = lab.file(
        "bad2.csv",
        "reference,item,quantity,ordered_on\nPO-3,CRP,1,21/11/2026\n",
    );
    let err = lab.fails(&["import", "orders", bad.to_str().unwrap()], 65);
    assert!(err.contains("line 2, column ordered_on"), "{err}");
    let bad = lab.file("bad3.csv", "reference,item\nPO-3,CRP\n");
    lab.fails(&["import", "orders", bad.to_str().unwrap()], 65);
    let bad = lab.file(
        "bad4.csv",
        "reference,item,quantity,colour\nPO-3,CRP,1,red\n",
    );
    lab.fails(&["import", "orders", bad.to_str().unwrap()], 65);
    assert_eq!(before, lab.db_bytes());

    let good = lab.file(
        "good.csv",
        "reference,supplier,item,quantity,ordered_on,expected_on,location\n\
         PO-1,,CRP,10,2026-11-02,2026-11-09,FRIDGE-1\n\
         PO-1,,CFAS,2,2026-11-02,,\n",
    );
    lab.ok(&["import", "orders", good.to_str().unwrap()]);
    let rows = lab.csv(&["order", "list"]);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[2][4], "FRIDGE-1");
    assert_eq!(rows[1][4], "MAIN", "empty location means MAIN");
}

#[test]
fn receipts_recorded_before_the_order_line_are_matched_on_reference_and_item() {
    let lab = lab_with_items();
    let movements = lab.file(
        "movements.csv",
        "timestamp,kind,item,quantity,reference\n\
         2026-11-05,receive,CRP,4,PO-12\n\
         2026-11-06,receive,TIPS,9,PO-12\n",
    );
    lab.ok(&["import", "movements", movements.to_str().unwrap()]);
    let orders = lab.file(
        "orders.csv",
        "reference,item,quantity,ordered_on\nPO-12,CRP,10,2026-11-02\nPO-12,CFAS,2,2026-11-02\n",
    );
    lab.ok(&["import", "orders", orders.to_str().unwrap()]);
    assert_eq!(
        lines(&lab, &[]),
        [
            line("PO-12", "CFAS", 2, 0, 2, "open"),
            line("PO-12", "CRP", 10, 4, 6, "part-received"),
        ]
    );
    // As of the day before the receipt it had not arrived.
    let rows = lab.csv(&["report", "reorder", "--as-of", "2026-11-04"]);
    let crp = rows.iter().find(|r| r[2] == "CRP").unwrap();
    assert_eq!((crp[5].as_str(), crp[6].as_str()), ("0", "10"));
    lab.ok(&["check"]);
}

#[test]
fn cancel_and_close_end_lines_and_say_what_stops_being_on_order() {
    let lab = lab_with_items();
    lab.ok(&["order", "add", "PO-1", "--item", "CRP", "--quantity", "10"]);
    lab.ok(&["order", "add", "PO-1", "--item", "CFAS", "--quantity", "2"]);
    lab.ok(&["order", "add", "PO-2", "--item", "TIPS", "--quantity", "8"]);
    lab.ok(&["receive", "CRP", "4", "--order", "PO-1"]);

    let out = lab.run(&[
        "order",
        "cancel",
        "PO-1",
        "--item",
        "cfas",
        "--reason",
        "discontinued",
    ]);
    assert!(out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains(
            "cancelled order PO-1 line CFAS: 0 received of 2 ordered; 2 no longer on order"
        ),
        "{said}"
    );
    let out = lab.run(&[
        "order",
        "close",
        "PO-1",
        "--reason",
        "short delivery accepted",
    ]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("closed order PO-1 line CRP: 4 received of 10 ordered; 6 no longer on order"),
        "{said}"
    );
    assert_eq!(lines(&lab, &[]), [line("PO-2", "TIPS", 8, 0, 8, "open")]);
    let all = lab.csv(&["order", "list", "--all"]);
    assert_eq!(all[1][10], "cancelled");
    assert_eq!(all[1][11], "2026-11-21");
    assert_eq!(all[2][10], "closed");

    let before = lab.db_bytes();
    let err = lab.fails(&["order", "cancel", "PO-1"], 65);
    assert!(err.contains("already"), "{err}");
    let err = lab.fails(&["order", "cancel", "PO-3"], 65);
    assert!(err.contains("unknown order \"PO-3\""), "{err}");
    assert!(err.contains("PO-1") || err.contains("PO-2"), "{err}");
    let err = lab.fails(&["order", "close", "PO-2", "--item", "CRP"], 65);
    assert!(err.contains("TIPS"), "{err}");
    assert_eq!(before, lab.db_bytes());

    // A late delivery against a cancelled line is recorded, with a warning.
    let out = lab.run(&["receive", "CFAS", "2", "--order", "PO-1"]);
    assert!(out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("warning: order PO-1 line for CFAS was cancelled on 2026-11-21"),
        "{said}"
    );
}
