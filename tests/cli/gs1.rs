//! GS1 through the binary: `gs1 decode` output forms and `receive --scan`.

use crate::common::Lab;

const GS: &str = "\u{1d}";

#[test]
fn decode_prints_a_table_by_default_and_the_spec_json_on_request() {
    let lab = Lab::new();
    let table = lab.ok(&["gs1", "decode", "(01)09501101530003(17)270600(10)AB-123"]);
    assert!(
        table.contains("BATCH/LOT") && table.contains("AB-123"),
        "{table}"
    );
    let json = lab.ok(&[
        "gs1",
        "decode",
        &format!("]d20109501101530003172702001012345{GS}3005"),
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["gtin"], "09501101530003");
    assert_eq!(v["lot"], "12345");
    assert_eq!(
        v["expiry"], "2027-02-28",
        "day 00 is the last day of the month"
    );
    assert_eq!(v["count"], 5);
    assert_eq!(
        v["elements"][1],
        serde_json::json!({"ai": "17", "value": "270200"})
    );
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["elements", "gtin", "lot", "expiry", "count"]);
}

#[test]
fn decode_rejects_bad_input_with_exit_65_and_a_reason() {
    let lab = Lab::new();
    for (data, reason) in [
        ("", "empty"),
        ("]C1", "symbology"),
        ("]X9010950110153000", "symbology"),
        ("(01)09501101530004", "check digit"),
        ("(17)261331", "month 13"),
        ("(11)230230", "230230"),
        ("(10)AB 12", "character"),
        ("(99", "bracket"),
        ("(0109501101530003", "bracket"),
    ] {
        let err = lab.fails(&["gs1", "decode", data], 65);
        assert!(
            err.to_lowercase().contains(reason),
            "{data:?}: expected {reason:?} in {err}"
        );
        assert_eq!(err.lines().count(), 1, "one-line reason: {err}");
    }
}

#[test]
fn decode_reads_one_scan_per_line_from_standard_input() {
    let lab = Lab::new();
    let input = "(01)09501101530003(10)L1\n(01)09501101530003(10)L2\r\n";
    let out = lab.run_stdin(&["gs1", "decode", "-", "--format", "json"], input);
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lots: Vec<String> = stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["lot"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(lots, ["L1", "L2"]);
    let out = lab.run_stdin(&["gs1", "decode", "-"], "(01)09501101530003\n(17)999999\n");
    assert_eq!(out.status.code(), Some(65));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 2"));
}

#[test]
fn receive_by_scan_takes_item_lot_and_expiry_from_the_code() {
    let lab = Lab::new();
    lab.ok(&[
        "item",
        "add",
        "RGT-CRP",
        "--name",
        "CRP reagent",
        "--lot-tracked",
        "--gtin",
        "9501101530003",
    ]);
    let items = lab.csv(&["item", "list"]);
    assert_eq!(items[1][15], "09501101530003", "GTIN-13 stored as GTIN-14");
    lab.ok(&[
        "receive",
        "--scan",
        &format!("]C1010950110153000317271231108812A{GS}"),
        "4",
    ]);
    lab.ok(&[
        "receive",
        "--scan",
        "(01)09501101530003(17)271231(10)8812A(30)6",
    ]);
    lab.ok(&["receive", "--scan", "(01)09501101530003(17)280131(10)9900B"]);
    let stock = lab.csv(&["stock"]);
    assert_eq!(stock[1][2..6], ["8812A", "2027-12-31", "MAIN", "10"]);
    assert_eq!(
        stock[2][2..6],
        ["9900B", "2028-01-31", "MAIN", "1"],
        "quantity 1 unless given"
    );

    let before = lab.db_bytes();
    let err = lab.fails(
        &["receive", "--scan", "(01)09501101530010(17)271231(10)Z"],
        65,
    );
    assert!(err.contains("no item has GTIN 09501101530010"), "{err}");
    let err = lab.fails(
        &["receive", "--scan", "(01)09501101530003(17)261120(10)OLD1"],
        65,
    );
    assert!(
        err.contains("expired on 2026-11-20") && err.contains("--allow-expired"),
        "{err}"
    );
    let err = lab.fails(
        &[
            "receive",
            "--scan",
            "(01)09501101530003(17)271231(10)8812A",
            "--lot",
            "OTHER",
        ],
        65,
    );
    assert!(err.contains("the barcode says 8812A"), "{err}");
    assert_eq!(lab.db_bytes(), before);
    lab.ok(&[
        "receive",
        "--scan",
        "(01)09501101530003(17)261120(10)OLD1",
        "--allow-expired",
    ]);
}

#[test]
fn gtins_are_normalised_checked_and_unique() {
    let lab = Lab::new();
    lab.ok(&[
        "item",
        "add",
        "TUBE-EDTA",
        "--name",
        "EDTA tube 4 mL",
        "--gtin",
        "96385074",
    ]);
    lab.ok(&[
        "item",
        "add",
        "TUBE-SST",
        "--name",
        "Serum tube 5 mL",
        "--gtin",
        "036000291452",
    ]);
    let items = lab.csv(&["item", "list"]);
    assert_eq!(items[1][15], "00000096385074");
    assert_eq!(items[2][15], "00036000291452");
    let err = lab.fails(
        &[
            "item",
            "add",
            "TUBE-CIT",
            "--name",
            "Citrate tube",
            "--gtin",
            "036000291453",
        ],
        65,
    );
    assert!(err.contains("gtin"), "{err}");
    let err = lab.fails(
        &[
            "item",
            "add",
            "TUBE-CIT",
            "--name",
            "Citrate tube",
            "--gtin",
            "96385074",
        ],
        65,
    );
    assert!(err.contains("already belongs to item TUBE-EDTA"), "{err}");
}
