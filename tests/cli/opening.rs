//! Issue 19 part 1, SPEC §15 and the `open` row of §2: opening applies to
//! units, not to a whole lot. A balance is split into a sealed portion and
//! opened portions keyed by the day they were opened; each portion has its
//! own effective expiry, and FEFO, `stock`, `history`, the reports,
//! exports and `check` all see the portions.

use crate::common::{Lab, NOW};

/// A lab (the clock at NOW, 2026-11-21) with a lot-tracked reagent kept 28
/// days once opened, received on 1 November: ten kits of lot A (expiry
/// 2027-06-30) and four of lot B (expiry 2027-03-31), all in FRIDGE-1.
fn reagent_lab() -> Lab {
    let mut lab = Lab::new();
    lab.ok(&["location", "add", "FRIDGE-1", "--name", "Reagent fridge"]);
    lab.ok(&[
        "item",
        "add",
        "RGT",
        "--name",
        "CRP reagent kit",
        "--unit",
        "kit",
        "--lot-tracked",
        "--in-use-days",
        "28",
        "--reorder-level",
        "5",
        "--max-level",
        "20",
    ]);
    lab.now = "2026-11-01T09:00:00Z".into();
    for (lot, qty, expiry) in [("A", "10", "2027-06-30"), ("B", "4", "2027-03-31")] {
        lab.ok(&[
            "receive",
            "RGT",
            qty,
            "--lot",
            lot,
            "--expiry",
            expiry,
            "--location",
            "FRIDGE-1",
        ]);
    }
    lab.now = NOW.into();
    lab
}

/// `stock --item RGT` as "lot location quantity opened_on expires status".
fn stock(lab: &Lab, extra: &[&str]) -> Vec<String> {
    let mut args = vec!["stock", "--item", "RGT"];
    args.extend_from_slice(extra);
    let rows = lab.csv(&args);
    assert_eq!(
        rows[0],
        [
            "item",
            "name",
            "lot",
            "expiry",
            "location",
            "quantity",
            "opened_on",
            "expires",
            "status"
        ]
    );
    rows[1..]
        .iter()
        .map(|r| format!("{} {} {} {} {} {}", r[2], r[4], r[5], r[6], r[7], r[8]))
        .collect()
}

#[test]
fn opening_one_kit_leaves_the_other_nine_sealed_with_the_lots_expiry() {
    let lab = reagent_lab();
    let said = lab.run(&["open", "RGT", "--lot", "A", "--date", "2026-11-10"]);
    assert!(said.status.success(), "{said:?}");
    let said = String::from_utf8_lossy(&said.stderr);
    assert!(
        said.contains("open RGT 1 lot A at FRIDGE-1, opened 2026-11-10"),
        "{said}"
    );
    assert!(said.contains("fit for use until 2026-12-08"), "{said}");
    assert_eq!(
        stock(&lab, &[]),
        [
            "A FRIDGE-1 9  2027-06-30 available",
            "A FRIDGE-1 1 2026-11-10 2026-12-08 available",
            "B FRIDGE-1 4  2027-03-31 available",
        ]
    );
    // Thirty days on, the opened kit is past its in-use period; the nine
    // sealed kits are not.
    let mut later = reagent_lab();
    later.ok(&["open", "RGT", "--lot", "A", "--date", "2026-11-10"]);
    later.now = "2026-12-10T09:00:00Z".into();
    assert_eq!(
        stock(&later, &[]),
        [
            "A FRIDGE-1 9  2027-06-30 available",
            "A FRIDGE-1 1 2026-11-10 2026-12-08 expired",
            "B FRIDGE-1 4  2027-03-31 available",
        ]
    );
    let expiry = later.csv(&["report", "expiry"]);
    let listed: Vec<String> = expiry[1..]
        .iter()
        .map(|r| format!("{} {} {} {} {}", r[2], r[4], r[5], r[7], r[10]))
        .collect();
    assert_eq!(listed, ["A 1 2026-12-08 expired 2026-11-10"]);
    // Reorder counts the thirteen usable kits, not the opened one.
    later.ok(&["item", "edit", "RGT", "--reorder-level", "14"]);
    let reorder = later.csv(&["report", "reorder"]);
    let header = &reorder[0];
    let on_hand = header.iter().position(|h| h == "on_hand").unwrap();
    let row = reorder[1..].iter().find(|r| r[2] == "RGT").unwrap();
    assert_eq!(row[on_hand], "13", "{reorder:?}");
    later.ok(&["check"]);
}

#[test]
fn fefo_issues_by_effective_expiry_and_opened_before_sealed_at_equal_expiry() {
    let mut lab = reagent_lab();
    // Lot C expires before its in-use period would end: its opened and
    // sealed kits expire on the same day.
    lab.now = "2026-11-02T09:00:00Z".into();
    lab.ok(&[
        "receive",
        "RGT",
        "3",
        "--lot",
        "C",
        "--expiry",
        "2026-11-25",
        "--location",
        "FRIDGE-1",
    ]);
    lab.now = NOW.into();
    lab.ok(&["open", "RGT", "--lot", "C", "--location", "FRIDGE-1"]);
    // The opened kit of C goes first, then C's sealed kits.
    lab.ok(&["issue", "RGT", "2", "--location", "FRIDGE-1"]);
    assert_eq!(
        stock(&lab, &[]),
        [
            "A FRIDGE-1 10  2027-06-30 available",
            "B FRIDGE-1 4  2027-03-31 available",
            "C FRIDGE-1 1  2026-11-25 available",
        ]
    );
    let card = lab.csv(&["history", "RGT", "--lot", "C"]);
    let issued: Vec<String> = card[1..]
        .iter()
        .filter(|r| r[2] == "issue")
        .map(|r| format!("{} {}", r[6], r[14]))
        .collect();
    assert_eq!(issued, ["-1 2026-11-21", "-1 "]);
    // An opened kit whose in-use period ends first goes before a sealed
    // lot that expires earlier than the other sealed lot.
    lab.ok(&[
        "open",
        "RGT",
        "--lot",
        "A",
        "--location",
        "FRIDGE-1",
        "--date",
        "2026-11-20",
    ]);
    // Three kits: C's last (25 November), A's opened kit (in use until
    // 18 December), then B (sealed, March) before A's sealed kits (June).
    lab.ok(&["issue", "RGT", "3", "--location", "FRIDGE-1"]);
    assert_eq!(
        stock(&lab, &[]),
        [
            "A FRIDGE-1 9  2027-06-30 available",
            "B FRIDGE-1 3  2027-03-31 available",
        ]
    );
    lab.ok(&["check"]);
}

#[test]
fn issue_of_a_named_lot_takes_its_opened_units_first_and_opened_names_a_portion() {
    let lab = reagent_lab();
    lab.ok(&["lot", "open", "RGT", "A", "2", "--date", "2026-11-15"]);
    lab.ok(&["lot", "open", "RGT", "A", "1", "--date", "2026-11-20"]);
    lab.ok(&["issue", "RGT", "3", "--lot", "A", "--location", "FRIDGE-1"]);
    // The earliest opening first, then the next, never the sealed kits.
    assert_eq!(
        stock(&lab, &[]),
        [
            "A FRIDGE-1 7  2027-06-30 available",
            "B FRIDGE-1 4  2027-03-31 available",
        ]
    );
    lab.ok(&["lot", "open", "RGT", "A", "2", "--date", "2026-11-20"]);
    lab.ok(&[
        "issue",
        "RGT",
        "1",
        "--lot",
        "A",
        "--location",
        "FRIDGE-1",
        "--opened",
        "2026-11-20",
    ]);
    lab.ok(&[
        "adjust",
        "RGT",
        "-1",
        "--lot",
        "A",
        "--location",
        "FRIDGE-1",
        "--opened",
        "2026-11-20",
        "--reason",
        "dropped",
    ]);
    assert_eq!(
        stock(&lab, &[]),
        [
            "A FRIDGE-1 5  2027-06-30 available",
            "B FRIDGE-1 4  2027-03-31 available",
        ]
    );
    // A portion that does not hold enough is refused, naming it.
    let before = lab.db_bytes();
    let err = lab.fails(
        &[
            "issue",
            "RGT",
            "1",
            "--lot",
            "A",
            "--location",
            "FRIDGE-1",
            "--opened",
            "2026-11-19",
        ],
        65,
    );
    assert!(
        err.contains("0 available in lot A (opened 2026-11-19)"),
        "{err}"
    );
    assert_eq!(lab.db_bytes(), before);
    lab.ok(&["check"]);
}

#[test]
fn open_without_a_lot_takes_the_sealed_lot_expiring_first_and_needs_a_place_when_it_is_in_two() {
    let lab = reagent_lab();
    lab.ok(&["open", "RGT", "--location", "FRIDGE-1"]);
    assert_eq!(
        stock(&lab, &[]),
        [
            "A FRIDGE-1 10  2027-06-30 available",
            "B FRIDGE-1 3  2027-03-31 available",
            "B FRIDGE-1 1 2026-11-21 2026-12-19 available",
        ]
    );
    lab.ok(&[
        "transfer", "RGT", "2", "--lot", "A", "--from", "FRIDGE-1", "--to", "MAIN",
    ]);
    let before = lab.db_bytes();
    let err = lab.fails(&["lot", "open", "RGT", "A"], 65);
    assert!(
        err.contains("lot A of RGT has sealed units at FRIDGE-1, MAIN: name one with --location"),
        "{err}"
    );
    assert_eq!(lab.db_bytes(), before);
    lab.ok(&["lot", "open", "RGT", "A", "--location", "MAIN"]);
    lab.ok(&["check"]);
}

#[test]
fn a_transfer_keeps_the_portion_and_a_count_counts_the_sealed_units() {
    let lab = reagent_lab();
    lab.ok(&["lot", "open", "RGT", "A", "2", "--date", "2026-11-18"]);
    lab.ok(&[
        "transfer",
        "RGT",
        "1",
        "--lot",
        "A",
        "--from",
        "FRIDGE-1",
        "--to",
        "MAIN",
        "--opened",
        "2026-11-18",
    ]);
    // Counting the shelf counts the sealed kits unless a portion is named.
    lab.ok(&["count", "RGT", "7", "--lot", "A", "--location", "FRIDGE-1"]);
    lab.ok(&[
        "count",
        "RGT",
        "0",
        "--lot",
        "A",
        "--location",
        "MAIN",
        "--opened",
        "2026-11-18",
    ]);
    assert_eq!(
        stock(&lab, &[]),
        [
            "A FRIDGE-1 7  2027-06-30 available",
            "A FRIDGE-1 1 2026-11-18 2026-12-16 available",
            "B FRIDGE-1 4  2027-03-31 available",
        ]
    );
    lab.ok(&["check"]);
}

#[test]
fn dispose_of_a_lot_takes_its_expired_opened_units_first() {
    let mut lab = reagent_lab();
    lab.ok(&["lot", "open", "RGT", "A", "2", "--date", "2026-11-02"]);
    lab.now = "2026-12-05T09:00:00Z".into();
    lab.ok(&[
        "dispose",
        "RGT",
        "2",
        "--lot",
        "A",
        "--location",
        "FRIDGE-1",
        "--reason",
        "expired",
    ]);
    assert_eq!(
        stock(&lab, &[]),
        [
            "A FRIDGE-1 8  2027-06-30 available",
            "B FRIDGE-1 4  2027-03-31 available",
        ]
    );
    lab.ok(&["check"]);
}

#[test]
fn bad_openings_exit_65_and_write_nothing() {
    let mut lab = reagent_lab();
    lab.ok(&["lot", "quarantine", "RGT", "B", "--reason", "QC failure"]);
    let cases: &[(&[&str], &str)] = &[
        (
            &["open", "RGT", "11", "--lot", "A"],
            "not enough sealed stock of RGT at FRIDGE-1: 11 requested, 10 available in lot A",
        ),
        (
            &["open", "RGT", "--lot", "B"],
            "lot B of RGT is quarantined",
        ),
        (
            &["open", "RGT", "--lot", "A", "--date", "2026-11-22"],
            "invalid --date \"2026-11-22\": a date on or before today (2026-11-21)",
        ),
        (
            &["open", "RGT", "--lot", "A", "--date", "2026-10-31"],
            "a date on or after 2026-11-01, when this lot of RGT was first received",
        ),
        (&["open", "RGT", "--lot", "Z"], "unknown lot \"Z\""),
        (&["open", "RGT", "0", "--lot", "A"], "quantity"),
        (&["open", "NOPE"], "unknown item"),
    ];
    for (args, says) in cases {
        let before = lab.db_bytes();
        let err = lab.fails(args, 65);
        assert!(err.contains(says), "{args:?}: {err}");
        assert_eq!(lab.db_bytes(), before, "{args:?}: nothing written");
    }
    let before = lab.db_bytes();
    lab.fails(&["open", "RGT", "-1", "--lot", "A"], 2);
    assert_eq!(lab.db_bytes(), before);
    // Opening sealed units that a later issue took is refused: never
    // negative at any point of the ledger (SPEC §10 "Time").
    lab.ok(&["issue", "RGT", "10", "--lot", "A", "--location", "FRIDGE-1"]);
    lab.now = "2026-11-22T09:00:00Z".into();
    let before = lab.db_bytes();
    let err = lab.fails(
        &[
            "open",
            "RGT",
            "--lot",
            "A",
            "--location",
            "FRIDGE-1",
            "--date",
            "2026-11-20",
        ],
        65,
    );
    assert!(err.contains("after movement #3 (issue"), "{err}");
    assert_eq!(lab.db_bytes(), before);
}

#[test]
fn an_opening_is_reversed_like_any_movement_and_round_trips_through_export() {
    let mut lab = reagent_lab();
    lab.ok(&["lot", "open", "RGT", "A", "3", "--date", "2026-11-12"]);
    lab.ok(&["lot", "open", "RGT", "B", "--date", "2026-11-14"]);
    lab.ok(&["issue", "RGT", "1", "--lot", "A", "--location", "FRIDGE-1"]);
    // Movement 4 opened B by mistake.
    lab.ok(&["reverse", "4", "--reason", "kit was not opened"]);
    lab.ok(&[
        "transfer",
        "RGT",
        "1",
        "--lot",
        "A",
        "--from",
        "FRIDGE-1",
        "--to",
        "MAIN",
        "--opened",
        "2026-11-12",
    ]);
    let before = stock(&lab, &[]);
    assert_eq!(
        before,
        [
            "A FRIDGE-1 7  2027-06-30 available",
            "A FRIDGE-1 1 2026-11-12 2026-12-10 available",
            "A MAIN 1 2026-11-12 2026-12-10 available",
            "B FRIDGE-1 4  2027-03-31 available",
        ]
    );
    let trace = lab.csv(&["trace", "RGT", "A"]);
    assert!(
        trace[1..]
            .iter()
            .any(|r| r[2] == "open" && r[4] == "FRIDGE-1 (opened 2026-11-12)"),
        "{trace:?}"
    );
    let exported = lab.ok(&["export", "movements"]);
    assert!(
        exported.lines().next().unwrap().ends_with(",opened_on"),
        "{exported}"
    );
    let mut copy = Lab::new();
    copy.now = lab.now.clone();
    copy.ok(&["location", "add", "FRIDGE-1", "--name", "Reagent fridge"]);
    copy.ok(&[
        "item",
        "add",
        "RGT",
        "--name",
        "CRP reagent kit",
        "--unit",
        "kit",
        "--lot-tracked",
        "--in-use-days",
        "28",
    ]);
    let file = copy.file("movements.csv", &exported);
    copy.ok(&["import", "movements", file.to_str().unwrap()]);
    assert_eq!(stock(&copy, &[]), before);
    assert_eq!(
        stock(&copy, &["--as-of", "2026-11-13"]),
        stock(&lab, &["--as-of", "2026-11-13"])
    );
    copy.ok(&["check"]);
    lab.now = NOW.into();
    lab.ok(&["check"]);
}

#[test]
fn stock_as_of_a_date_before_an_opening_shows_the_units_sealed() {
    let lab = reagent_lab();
    lab.ok(&["lot", "open", "RGT", "A", "2", "--date", "2026-11-15"]);
    assert_eq!(
        stock(&lab, &["--as-of", "2026-11-14"]),
        [
            "A FRIDGE-1 10  2027-06-30 available",
            "B FRIDGE-1 4  2027-03-31 available",
        ]
    );
    assert_eq!(
        stock(&lab, &["--as-of", "2026-11-15"]),
        [
            "A FRIDGE-1 8  2027-06-30 available",
            "A FRIDGE-1 2 2026-11-15 2026-12-13 available",
            "B FRIDGE-1 4  2027-03-31 available",
        ]
    );
}

#[test]
fn check_names_a_portion_that_disagrees_with_the_ledger_and_an_altered_opening() {
    crate::common::sqlite_file_test("it tampers through a raw SQLite connection");
    let lab = reagent_lab();
    lab.ok(&["lot", "open", "RGT", "A", "2", "--date", "2026-11-15"]);
    {
        let raw = lab.raw();
        raw.execute_batch(
            "UPDATE balances SET quantity = 3 WHERE opened_on = '2026-11-15';
             DROP TRIGGER movements_no_update;
             UPDATE movements SET to_opened_on = '2026-11-20' WHERE kind = 'open';",
        )
        .unwrap();
    }
    let out = lab.run(&["check"]);
    assert_eq!(out.status.code(), Some(3));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains(
            "lot A of RGT (units opened 2026-11-15) at FRIDGE-1: ledger sums to 0, balance says 3"
        ),
        "{said}"
    );
    assert!(
        said.contains("movements row 3 no longer matches its hash"),
        "{said}"
    );
}

/// A database written by the binary before opening by units (schema
/// version 11, made by commit 9274818 with `lot open`, Europe/London):
/// lot C1 of RGT-CRP (in use 28 days) received 6 at FRIDGE-1 on 2 October,
/// 2 moved to MAIN, opened lot-wide on 9 October, 1 issued at FRIDGE-1 on
/// 12 October; lot C2 received 3 on 21 October, after the opening; lot A1
/// of RGT-ALT (60 days) received 4 and opened on 20 October.
const LOT_WIDE_DB: &[u8] = include_bytes!("../data/db/v11-lots-opened-lot-wide.db");

#[test]
fn a_database_from_the_lot_wide_rule_keeps_its_meaning_as_opened_portions() {
    crate::common::sqlite_file_test("a SQLite file written by an older labstock");
    let mut lab = Lab::empty();
    std::fs::write(&lab.db, LOT_WIDE_DB).unwrap();
    lab.now = "2026-10-25T09:00:00Z".into();
    let rows = lab.csv(&["stock"]);
    let brief: Vec<String> = rows[1..]
        .iter()
        .map(|r| {
            format!(
                "{} {} {} {} {} {} {}",
                r[0], r[2], r[4], r[5], r[6], r[7], r[8]
            )
        })
        .collect();
    assert_eq!(
        brief,
        [
            "RGT-ALT A1 FRIDGE-1 4 2026-10-20 2026-12-19 available",
            "RGT-CRP C1 FRIDGE-1 3 2026-10-09 2026-11-06 available",
            "RGT-CRP C1 MAIN 2 2026-10-09 2026-11-06 available",
            "RGT-CRP C2 FRIDGE-1 3  2027-09-30 available",
        ]
    );
    // The upgrade wrote one chained `open` per balance, by labstock, with
    // its reason; the whole database proves itself.
    let card = lab.csv(&["history", "RGT-CRP", "--lot", "C1"]);
    let opens: Vec<String> = card[1..]
        .iter()
        .filter(|r| r[2] == "open")
        .map(|r| format!("{} {} {} {} {}", r[1], r[4], r[6], r[12], r[14]))
        .collect();
    assert_eq!(
        opens,
        [
            "2026-10-08T23:00:00Z MAIN -2 labstock 2026-10-09",
            "2026-10-12T09:00:00Z FRIDGE-1 -3 labstock 2026-10-09",
        ]
    );
    lab.ok(&["check"]);
    // Before the opening the units were sealed; after it, opened.
    let then = lab.csv(&["stock", "--item", "RGT-CRP", "--as-of", "2026-10-05"]);
    assert!(then[1..].iter().all(|r| r[6].is_empty()), "{then:?}");
    // In November the opened C1 kits are past their in-use period and C2
    // (received sealed after the opening) is what FEFO issues.
    lab.now = NOW.into();
    lab.ok(&["issue", "RGT-CRP", "1", "--location", "FRIDGE-1"]);
    let card = lab.csv(&["history", "RGT-CRP"]);
    let last = card.last().unwrap();
    assert_eq!((last[3].as_str(), last[14].as_str()), ("C2", ""));
    lab.ok(&["check"]);
}

#[test]
fn a_stocktake_counts_each_portion_and_applies_to_it() {
    let lab = reagent_lab();
    lab.ok(&["lot", "open", "RGT", "A", "2", "--date", "2026-11-18"]);
    lab.ok(&["stocktake", "start", "--location", "FRIDGE-1"]);
    let sheet = lab.csv(&["stocktake", "sheet", "1"]);
    assert_eq!(
        sheet[0],
        [
            "item",
            "name",
            "lot",
            "expiry",
            "location",
            "book",
            "counted",
            "opened_on"
        ]
    );
    let lines: Vec<String> = sheet[1..]
        .iter()
        .map(|r| format!("{} {} {}", r[2], r[5], r[7]))
        .collect();
    assert_eq!(lines, ["A 8 ", "A 2 2026-11-18", "B 4 "]);
    // One opened kit was used up; the sealed kits are all there.
    lab.ok(&["stocktake", "count", "1", "RGT", "8", "--lot", "A"]);
    let said = lab.run(&[
        "stocktake",
        "count",
        "1",
        "RGT",
        "1",
        "--lot",
        "A",
        "--opened",
        "2026-11-18",
    ]);
    assert!(said.status.success(), "{said:?}");
    assert!(
        String::from_utf8_lossy(&said.stderr)
            .contains("RGT lot A (opened 2026-11-18) counted 1 (book 2)"),
        "{said:?}"
    );
    lab.ok(&["stocktake", "count", "1", "RGT", "4", "--lot", "B"]);
    let review = lab.csv(&["stocktake", "review", "1"]);
    let variances: Vec<String> = review[1..]
        .iter()
        .map(|r| format!("{} {} {}", r[2], r[6], r[9]))
        .collect();
    assert_eq!(variances, ["A 0 ", "A -1 2026-11-18", "B 0 "]);
    lab.ok(&["stocktake", "apply", "1"]);
    assert_eq!(
        stock(&lab, &[]),
        [
            "A FRIDGE-1 8  2027-06-30 available",
            "A FRIDGE-1 1 2026-11-18 2026-12-16 available",
            "B FRIDGE-1 4  2027-03-31 available",
        ]
    );
    lab.ok(&["check"]);
}
