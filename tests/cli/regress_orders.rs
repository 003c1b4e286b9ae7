//! Regression tests for issue 12, defects 5, 12, 13 and 18 (the ledger
//! tells the truth at every date), each named after its defect, driving
//! the real binary; plus the bad input around them (exit codes per SPEC
//! §8, the database unchanged). The plan tests of defect 18 are in
//! plans.rs.

use std::collections::HashMap;

use crate::common::Lab;

/// A listing's CSV rows as maps from column to cell.
fn rows(lab: &Lab, args: &[&str]) -> Vec<HashMap<String, String>> {
    let table = lab.csv(args);
    let (header, body) = table.split_first().expect("a header row");
    body.iter()
        .map(|r| header.iter().cloned().zip(r.iter().cloned()).collect())
        .collect()
}

/// The order lines as (reference, item, quantity, received, outstanding, state).
fn order_lines(lab: &Lab) -> Vec<[String; 6]> {
    rows(lab, &["order", "list", "--all"])
        .into_iter()
        .map(|r| {
            [
                r["reference"].clone(),
                r["item"].clone(),
                r["quantity"].clone(),
                r["received"].clone(),
                r["outstanding"].clone(),
                r["state"].clone(),
            ]
        })
        .collect()
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn lab_with_item() -> Lab {
    let lab = Lab::new();
    lab.ok(&[
        "item",
        "add",
        "P",
        "--name",
        "Pipette tips",
        "--reorder-level",
        "5",
    ]);
    lab
}

#[test]
fn defect_05_received_has_one_definition() {
    let lab = lab_with_item();
    // Receipts naming PO-1 recorded before the order line existed.
    let receipts = lab.file(
        "receipts.csv",
        "timestamp,kind,item,quantity,reference\n2026-11-20T10:00:00Z,receive,P,4,PO-1\n",
    );
    lab.ok(&["import", "movements", receipts.to_str().unwrap()]);
    let orders = lab.file("orders.csv", "reference,item,quantity\npo-1,P,5\n");
    lab.ok(&["import", "orders", orders.to_str().unwrap()]);
    // The line starts with what was already received on it.
    assert_eq!(
        order_lines(&lab),
        [["po-1", "P", "5", "4", "1", "part-received"].map(String::from)]
    );
    // The over-receipt warning counts the same receipts as the list.
    let out = lab.run(&["receive", "P", "2", "--order", "PO-1"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let warned = stderr_of(&out) + &String::from_utf8_lossy(&out.stdout);
    assert!(
        warned.contains("over-receipt on order po-1: 6 received against 5 ordered (1 over)"),
        "{warned}"
    );
    // A receipt naming the reference from the command line is received on it too.
    lab.ok(&["receive", "P", "1", "--reference", "PO-1"]);
    assert_eq!(
        order_lines(&lab),
        [["po-1", "P", "5", "7", "0", "over-received"].map(String::from)]
    );
    // Reorder's on_order agrees (nothing outstanding) and check proves it.
    let reorder = rows(&lab, &["report", "reorder"]);
    assert!(reorder.iter().all(|r| r["on_order"] == "0"), "{reorder:?}");
    lab.ok(&["check"]);
    // Reversing the receipt recorded before the line takes it off the line.
    let history = rows(&lab, &["history", "P"]);
    let first = history
        .iter()
        .find(|r| r["quantity"] == "4")
        .expect("the imported receipt")["id"]
        .clone();
    lab.ok(&["reverse", &first, "--reason", "wrong delivery"]);
    assert_eq!(
        order_lines(&lab),
        [["po-1", "P", "5", "3", "2", "part-received"].map(String::from)]
    );
    lab.ok(&["check"]);
}

#[test]
fn defect_05_check_proves_received_against_the_ledger() {
    crate::common::sqlite_file_test(
        "it tampers through a raw SQLite connection (on PostgreSQL: pg_check::)",
    );
    let lab = lab_with_item();
    lab.ok(&["order", "add", "PO-2", "--item", "P", "--quantity", "10"]);
    lab.ok(&["receive", "P", "3", "--order", "PO-2"]);
    lab.ok(&["check"]);
    lab.raw()
        .execute_batch("UPDATE orders SET received = 9")
        .unwrap();
    let out = lab.run(&["check"]);
    assert_eq!(out.status.code(), Some(3));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "order PO-2 line P: receipts in the ledger sum to 3, the order says 9 received (difference -6)"
        ),
        "{text}"
    );
}

#[test]
fn defect_05_export_import_keeps_order_lines_identical() {
    let lab = lab_with_item();
    lab.ok(&["item", "add", "Q", "--name", "Gloves"]);
    lab.ok(&["order", "add", "PO-7", "--item", "P", "--quantity", "10"]);
    lab.ok(&["order", "add", "PO-7", "--item", "Q", "--quantity", "4"]);
    lab.ok(&["receive", "P", "6", "--order", "PO-7"]);
    let wrong = rows(&lab, &["history", "P"])[0]["id"].clone();
    lab.ok(&["reverse", &wrong, "--reason", "not ours"]);
    lab.ok(&[
        "receive",
        "P",
        "4",
        "--order",
        "PO-7",
        "--reference",
        "DN-55",
    ]);
    lab.ok(&["receive", "Q", "4", "--reference", "po-7"]);
    let before = order_lines(&lab);
    assert_eq!(
        before,
        [
            ["PO-7", "P", "10", "4", "6", "part-received"].map(String::from),
            ["PO-7", "Q", "4", "4", "0", "received"].map(String::from),
        ]
    );
    let export = lab.path().join("movements.csv");
    lab.ok(&["export", "movements", "--output", export.to_str().unwrap()]);

    // Orders first, then the movements.
    let orders_first = lab_with_item();
    orders_first.ok(&["item", "add", "Q", "--name", "Gloves"]);
    orders_first.ok(&["order", "add", "PO-7", "--item", "P", "--quantity", "10"]);
    orders_first.ok(&["order", "add", "PO-7", "--item", "Q", "--quantity", "4"]);
    orders_first.ok(&["import", "movements", export.to_str().unwrap()]);
    assert_eq!(order_lines(&orders_first), before);
    orders_first.ok(&["check"]);

    // The movements first, then the orders.
    let movements_first = lab_with_item();
    movements_first.ok(&["item", "add", "Q", "--name", "Gloves"]);
    movements_first.ok(&["import", "movements", export.to_str().unwrap()]);
    movements_first.ok(&["order", "add", "PO-7", "--item", "P", "--quantity", "10"]);
    movements_first.ok(&["order", "add", "PO-7", "--item", "Q", "--quantity", "4"]);
    assert_eq!(order_lines(&movements_first), before);
    movements_first.ok(&["check"]);
}

#[test]
fn defect_12_identical_import_refused() {
    let lab = lab_with_item();
    let file = lab.file(
        "delivery.csv",
        "timestamp,kind,item,quantity\n2026-11-20T10:00:00Z,receive,P,10\n",
    );
    let path = file.to_str().unwrap();
    lab.ok(&["import", "movements", path]);
    let before = lab.db_bytes();
    let err = lab.fails(&["import", "movements", path], 65);
    assert!(
        err.contains(
            "this movements file is identical to one imported at 2026-11-21T09:00:00Z by a.tester (1 rows)"
        ),
        "{err}"
    );
    assert!(err.contains("--again"), "{err}");
    assert_eq!(lab.db_bytes(), before, "a refused import wrote nothing");
    // The same bytes from standard input are the same file.
    let out = lab.run_stdin(
        &["import", "movements", "-"],
        "timestamp,kind,item,quantity\n2026-11-20T10:00:00Z,receive,P,10\n",
    );
    assert_eq!(out.status.code(), Some(65), "{}", stderr_of(&out));
    assert_eq!(rows(&lab, &["stock", "--item", "P"])[0]["quantity"], "10");
    // --again imports it, and the log says so.
    lab.ok(&["import", "movements", path, "--again"]);
    assert_eq!(rows(&lab, &["stock", "--item", "P"])[0]["quantity"], "20");
    let audit = rows(&lab, &["audit", "--entity", "import:movements"]);
    let actions: Vec<&str> = audit.iter().map(|r| r["action"].as_str()).collect();
    assert_eq!(actions, ["imported", "imported again"]);
    lab.ok(&["check"]);
}

#[test]
fn defect_12_identical_import_refused_before_its_rows_fail() {
    // A second import of an items file would fail on its first row
    // (duplicate code); the refusal names the earlier import instead.
    let lab = Lab::new();
    let file = lab.file("items.csv", "code,name\nTIP-1,Tips\nTIP-2,Tips\n");
    lab.ok(&["import", "items", file.to_str().unwrap()]);
    let before = lab.db_bytes();
    let err = lab.fails(&["import", "items", file.to_str().unwrap()], 65);
    assert!(err.contains("identical to one imported at"), "{err}");
    assert_eq!(lab.db_bytes(), before);
    // Every kind is logged and refused: orders, locations, waste too.
    let orders = lab.file("orders.csv", "reference,item,quantity\nPO-9,TIP-1,3\n");
    lab.ok(&["import", "orders", orders.to_str().unwrap()]);
    lab.fails(&["import", "orders", orders.to_str().unwrap()], 65);
    let locations = lab.file("locations.csv", "code\nSHELF-1\n");
    lab.ok(&["import", "locations", locations.to_str().unwrap()]);
    lab.fails(&["import", "locations", locations.to_str().unwrap()], 65);
    let waste = lab.file(
        "waste.csv",
        "date,stream,quantity,unit\n2026-11-01,18 01 04,2,kg\n",
    );
    lab.ok(&["import", "waste", waste.to_str().unwrap()]);
    lab.fails(&["import", "waste", waste.to_str().unwrap()], 65);
    // A header with no rows writes nothing and may be read any number of times.
    let empty = lab.file("empty.csv", "code,name\n");
    lab.ok(&["import", "items", empty.to_str().unwrap()]);
    lab.ok(&["import", "items", empty.to_str().unwrap()]);
}

#[test]
fn defect_12_import_log_is_append_only_and_chained() {
    crate::common::sqlite_file_test("SQLite's append-only triggers (PostgreSQL's: postgres::)");
    let lab = lab_with_item();
    let file = lab.file("d.csv", "kind,item,quantity\nreceive,P,1\n");
    lab.ok(&["import", "movements", file.to_str().unwrap()]);
    let raw = lab.raw();
    let refused = raw.execute_batch("DELETE FROM imports").unwrap_err();
    assert!(refused.to_string().contains("append-only"), "{refused}");
    // Removing the log entry with the triggers dropped is found by check.
    raw.execute_batch("DROP TRIGGER imports_no_update; UPDATE imports SET user = 'someone'")
        .unwrap();
    drop(raw);
    let out = lab.run(&["check"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("imports row 1"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn defect_13_withdrawn_record_keeps_consignment() {
    let lab = Lab::new();
    lab.ok(&[
        "waste",
        "record",
        "--stream",
        "18 01 03*",
        "--quantity",
        "2.5",
        "--unit",
        "kg",
        "--date",
        "2026-11-02",
    ]);
    lab.ok(&[
        "waste",
        "record",
        "--stream",
        "18 01 03*",
        "--quantity",
        "1",
        "--unit",
        "kg",
        "--date",
        "2026-11-03",
    ]);
    lab.ok(&[
        "waste",
        "consign",
        "--consignment-note",
        "LABPAT/00500",
        "--carrier",
        "SRCL Ltd",
        "--record",
        "1",
        "--record",
        "2",
    ]);
    let before = rows(&lab, &["report", "consignments"]);
    assert_eq!(before.len(), 1);
    assert_eq!(before[0]["quantity"], "3.5");
    assert_eq!(before[0]["records"], "2");
    assert_eq!(before[0]["withdrawn"], "0");
    lab.ok(&[
        "waste",
        "correct",
        "1",
        "--withdraw",
        "--reason",
        "recorded twice",
    ]);
    lab.ok(&[
        "waste",
        "correct",
        "2",
        "--withdraw",
        "--reason",
        "never produced",
    ]);
    // The consignment stays in the register, its records marked withdrawn.
    let after = rows(&lab, &["report", "consignments"]);
    assert_eq!(after.len(), 1, "{after:?}");
    let row = &after[0];
    assert_eq!(row["consignment_note"], "LABPAT/00500");
    assert_eq!(row["carrier"], "SRCL Ltd");
    assert_eq!(row["quantity"], "0");
    assert_eq!(row["records"], "2");
    assert_eq!(row["withdrawn"], "2");
    lab.ok(&["check"]);
}

#[test]
fn bad_input_around_orders_and_imports_writes_nothing() {
    let lab = lab_with_item();
    lab.ok(&["order", "add", "PO-1", "--item", "P", "--quantity", "5"]);
    let before = lab.db_bytes();
    // An unknown item on the third line of an orders file: nothing written.
    let file = lab.file(
        "orders.csv",
        "reference,item,quantity\nPO-3,P,1\nPO-3,NOPE,2\n",
    );
    let err = lab.fails(&["import", "orders", file.to_str().unwrap()], 65);
    assert!(err.contains("line 3, column item"), "{err}");
    // The same line twice in one file.
    let twice = lab.file("twice.csv", "reference,item,quantity\nPO-1,P,1\n");
    let err = lab.fails(&["import", "orders", twice.to_str().unwrap()], 65);
    assert!(err.contains("already exists"), "{err}");
    // A quantity that is not a whole number above zero.
    let zero = lab.file("zero.csv", "reference,item,quantity\nPO-4,P,0\n");
    lab.fails(&["import", "orders", zero.to_str().unwrap()], 65);
    // A missing file, with or without --again.
    lab.fails(&["import", "orders", "missing.csv", "--again"], 66);
    // --order naming no line of the item.
    lab.fails(&["receive", "P", "1", "--order", "PO-404"], 65);
    assert_eq!(lab.db_bytes(), before);
    // --again is a flag of import only.
    let out = lab.run(&["receive", "P", "1", "--again"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(lab.db_bytes(), before);
}

#[test]
fn defect_05_migration_recomputes_received_on_an_old_database() {
    crate::common::sqlite_file_test("a SQLite migration");
    // A version-1 database (before migration `orders_imports`) whose line
    // counted only linked receipts: opening it migrates it, recomputing
    // `orders.received` from the one definition.
    let lab = lab_with_item();
    let receipts = lab.file(
        "receipts.csv",
        "timestamp,kind,item,quantity,reference\n2026-11-20T10:00:00Z,receive,P,4,PO-1\n",
    );
    lab.ok(&["import", "movements", receipts.to_str().unwrap()]);
    lab.ok(&["order", "add", "PO-1", "--item", "P", "--quantity", "5"]);
    lab.raw()
        .execute_batch("UPDATE orders SET received = 0")
        .unwrap();
    crate::common::downgrade_to_version_1(&lab.raw());
    lab.ok(&["check"]);
    assert_eq!(
        order_lines(&lab),
        [["PO-1", "P", "5", "4", "1", "part-received"].map(String::from)]
    );
    let version: i64 = lab
        .raw()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, labstock::store::SCHEMA_VERSION);
}
