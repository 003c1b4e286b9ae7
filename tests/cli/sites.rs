//! Sites (SPEC §12): a network's hospitals group its locations. Every
//! location is at one site (`MAIN` unless given); `stock` and the reorder,
//! expiry and usage reports take `--site` and count only the stock at, and
//! orders to, that site's locations; a change of site is a chained
//! location change shown by `audit`.

use crate::common::{Lab, parse_csv};

/// A network of two sites: the hub (two locations) and one spoke.
///
/// GLOVES: 6 at HUB-STORE, 3 at HUB-FRIDGE (2 issued from the store), 30
/// at the spoke (5 issued). REAG: lot A1 (expires 2026-12-01) 5 at the
/// spoke; 10 on order to the hub.
fn network() -> Lab {
    let lab = Lab::new();
    lab.ok(&["location", "add", "HUB-STORE", "--site", "HUB"]);
    // A site matches case-insensitively and keeps its first spelling.
    lab.ok(&[
        "location",
        "add",
        "HUB-FRIDGE",
        "--site",
        "hub",
        "--range",
        "2..8",
    ]);
    lab.ok(&["location", "add", "SPOKE-N-STORE", "--site", "SPOKE-N"]);
    lab.ok(&[
        "item",
        "add",
        "GLOVES",
        "--name",
        "Nitrile gloves",
        "--reorder-level",
        "10",
        "--max-level",
        "40",
        "--supplier",
        "Medline",
    ]);
    lab.ok(&[
        "item",
        "add",
        "REAG",
        "--name",
        "Reagent",
        "--lot-tracked",
        "--reorder-level",
        "6",
        "--max-level",
        "12",
        "--supplier",
        "Roche",
    ]);
    lab.ok(&["receive", "GLOVES", "6", "--location", "HUB-STORE"]);
    lab.ok(&["receive", "GLOVES", "3", "--location", "HUB-FRIDGE"]);
    lab.ok(&["receive", "GLOVES", "30", "--location", "SPOKE-N-STORE"]);
    lab.ok(&["issue", "GLOVES", "2", "--location", "HUB-STORE"]);
    lab.ok(&["issue", "GLOVES", "5", "--location", "SPOKE-N-STORE"]);
    lab.ok(&[
        "receive",
        "REAG",
        "5",
        "--lot",
        "A1",
        "--expiry",
        "2026-12-01",
        "--location",
        "SPOKE-N-STORE",
    ]);
    lab.ok(&[
        "order",
        "add",
        "PO-1",
        "--item",
        "REAG",
        "--quantity",
        "10",
        "--location",
        "HUB-STORE",
    ]);
    lab
}

/// The value of `column` in each data row of a CSV listing.
fn column(rows: &[Vec<String>], name: &str) -> Vec<String> {
    let i = rows[0]
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {:?}", rows[0]));
    rows[1..].iter().map(|r| r[i].clone()).collect()
}

#[test]
fn locations_are_at_a_site_main_unless_given() {
    let lab = network();
    let list = lab.csv(&["location", "list"]);
    assert_eq!(list[0], ["code", "name", "site"]);
    let sites: Vec<(String, String)> = list[1..]
        .iter()
        .map(|r| (r[0].clone(), r[2].clone()))
        .collect();
    assert_eq!(
        sites,
        [
            ("HUB-FRIDGE".to_owned(), "HUB".to_owned()),
            ("HUB-STORE".to_owned(), "HUB".to_owned()),
            ("MAIN".to_owned(), "MAIN".to_owned()),
            ("SPOKE-N-STORE".to_owned(), "SPOKE-N".to_owned()),
        ]
    );
    lab.ok(&["check"]);
}

#[test]
fn stock_by_site_counts_only_that_sites_locations() {
    let lab = network();
    let hub = lab.csv(&["stock", "--site", "HUB"]);
    assert_eq!(column(&hub, "location"), ["HUB-FRIDGE", "HUB-STORE"]);
    assert_eq!(column(&hub, "quantity"), ["3", "4"]);
    let spoke = lab.csv(&["stock", "--site", "spoke-n"]);
    assert_eq!(column(&spoke, "item"), ["GLOVES", "REAG"]);
    assert_eq!(column(&spoke, "quantity"), ["25", "5"]);
    // With --item too.
    let gloves = lab.csv(&["stock", "--site", "SPOKE-N", "--item", "GLOVES"]);
    assert_eq!(column(&gloves, "quantity"), ["25"]);
    // Every location's stock without --site.
    assert_eq!(lab.csv(&["stock"]).len() - 1, 4);
    // MAIN is a site too: it holds nothing here.
    assert_eq!(lab.csv(&["stock", "--site", "MAIN"]).len(), 1);
}

#[test]
fn the_weekly_reorder_list_per_site_pools_the_sites_locations() {
    let lab = network();
    // The whole network: 32 gloves and 5 reagents + 10 on order: nothing.
    let all = lab.csv(&["report", "reorder"]);
    assert_eq!(all.len(), 1, "{all:?}");
    let mut lists = String::new();
    for site in ["HUB", "SPOKE-N"] {
        let out = lab.ok(&["report", "reorder", "--site", site, "--format", "csv"]);
        lists.push_str(&format!("--site {site}\n{out}"));
    }
    // HUB: gloves 4 + 3 = 7 <= 10, up to 40; the reagent's 10 on order to
    // the hub keep it off. SPOKE-N: 25 gloves are enough; 5 reagents
    // <= 6 (the order goes to the hub, not here).
    insta::assert_snapshot!(lists);
    let hub = lab.csv(&["report", "reorder", "--site", "HUB"]);
    assert_eq!(column(&hub, "item"), ["GLOVES"]);
    assert_eq!(column(&hub, "on_hand"), ["7"]);
    assert_eq!(column(&hub, "suggested_qty"), ["33"]);
    let spoke = lab.csv(&["report", "reorder", "--site", "SPOKE-N"]);
    assert_eq!(column(&spoke, "item"), ["REAG"]);
    assert_eq!(column(&spoke, "on_order"), ["0"]);
    assert_eq!(column(&spoke, "suggested_qty"), ["7"]);
    // The order counts at the hub: without it the hub would order REAG.
    lab.ok(&["order", "close", "PO-1"]);
    let hub = lab.csv(&["report", "reorder", "--site", "HUB"]);
    assert_eq!(column(&hub, "item"), ["GLOVES", "REAG"]);
}

#[test]
fn expiry_and_usage_by_site() {
    let lab = network();
    let spoke = lab.csv(&["report", "expiry", "--site", "SPOKE-N"]);
    assert_eq!(column(&spoke, "item"), ["REAG"]);
    assert_eq!(column(&spoke, "location"), ["SPOKE-N-STORE"]);
    let hub = lab.csv(&["report", "expiry", "--site", "HUB"]);
    assert_eq!(hub.len(), 1, "{hub:?}");

    let usage = |site: &str| -> (Vec<String>, Vec<String>, Vec<String>) {
        let rows = lab.csv(&["report", "usage", "--site", site]);
        let partial = rows[0]
            .iter()
            .find(|h| h.ends_with("(partial)"))
            .cloned()
            .unwrap_or_default();
        (
            column(&rows, "item"),
            column(&rows, &partial),
            column(&rows, "on_hand"),
        )
    };
    // This week's issues: 2 from the hub's store, 5 from the spoke.
    let (items, used, on_hand) = usage("HUB");
    assert_eq!(items, ["GLOVES", "REAG"]);
    assert_eq!(used, ["2", "0"]);
    assert_eq!(on_hand, ["7", "0"]);
    let (_, used, on_hand) = usage("SPOKE-N");
    assert_eq!(used, ["5", "0"]);
    assert_eq!(on_hand, ["25", "5"]);
}

#[test]
fn an_unknown_or_empty_site_is_refused_naming_the_known_sites_and_nothing_is_written() {
    let lab = network();
    for args in [
        &["stock", "--site", "EAST"][..],
        &["report", "reorder", "--site", "EAST"],
        &["report", "expiry", "--site", "EAST"],
        &["report", "usage", "--site", "EAST"],
    ] {
        let err = lab.fails(args, 65);
        assert!(
            err.contains("unknown site \"EAST\"")
                && err.contains("HUB")
                && err.contains("MAIN")
                && err.contains("SPOKE-N"),
            "{args:?}: {err}"
        );
    }
    lab.fails(&["stock", "--site", ""], 65);
    let before = lab.db_bytes();
    for args in [
        &["location", "add", "X-1", "--site", ""][..],
        &["location", "add", "X-1", "--site", "   "],
        &["location", "add", "X-1", "--site", "A\nB"],
        &["location", "edit", "HUB-STORE", "--site", " "],
        &["location", "edit", "NOWHERE", "--site", "HUB"],
    ] {
        let err = lab.fails(args, 65);
        assert!(err.starts_with("error: "), "{args:?}: {err}");
        assert_eq!(lab.db_bytes(), before, "{args:?} wrote");
    }
    let err = lab.fails(&["location", "add", "X-1", "--site", " "], 65);
    assert!(err.contains("invalid site"), "{err}");
    // A site and a location together is a usage error.
    lab.fails(&["stock", "--site", "HUB", "--location", "HUB-STORE"], 2);
    lab.fails(
        &["report", "reorder", "--site", "HUB", "--location", "MAIN"],
        2,
    );
    // An import with a bad site (a blank one means MAIN) writes nothing.
    let long = "S".repeat(65);
    let file = lab.file(
        "locations.csv",
        &format!("code,name,site\nX-2,,HUB\nX-3,,{long}\n"),
    );
    let path = file.to_str().unwrap_or_default();
    let err = lab.fails(&["import", "locations", path], 65);
    assert!(err.contains("site"), "{err}");
    assert_eq!(lab.db_bytes(), before);
}

#[test]
fn a_change_of_site_is_recorded_and_shown_by_audit() {
    let lab = network();
    lab.ok(&["location", "edit", "HUB-FRIDGE", "--site", "SPOKE-N"]);
    // The same site again (any case) changes nothing.
    let out = lab.run(&["location", "edit", "HUB-FRIDGE", "--site", "spoke-n"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("unchanged"));
    let audit = lab.ok(&["audit", "--format", "csv"]);
    assert_eq!(audit.matches("site: HUB -> SPOKE-N").count(), 1, "{audit}");
    // The fridge's 3 gloves now count at the spoke; its name was kept.
    let spoke = lab.csv(&["stock", "--site", "SPOKE-N", "--item", "GLOVES"]);
    assert_eq!(column(&spoke, "quantity"), ["3", "25"]);
    let list = lab.csv(&["location", "list"]);
    assert!(
        list.iter()
            .any(|r| r[0] == "HUB-FRIDGE" && r[2] == "SPOKE-N")
    );
    // A change of site and name together.
    lab.ok(&[
        "location",
        "edit",
        "HUB-STORE",
        "--site",
        "EAST",
        "--name",
        "East store",
    ]);
    let audit = lab.ok(&["audit", "--format", "csv"]);
    assert!(
        audit.contains("site: HUB -> EAST") && audit.contains("name: (none) -> East store"),
        "{audit}"
    );
    // The chain of location changes holds.
    lab.ok(&["check"]);
}

#[test]
fn export_and_import_of_locations_keep_their_sites() {
    let lab = network();
    let exported = lab.ok(&["export", "locations"]);
    let rows = parse_csv(&exported);
    assert_eq!(rows[0].last().map(String::as_str), Some("site"));
    let file = lab.file("locations.csv", &exported);
    let other = Lab::new();
    other.ok(&["import", "locations", file.to_str().unwrap_or_default()]);
    assert_eq!(other.ok(&["export", "locations"]), exported);
    // A file without the column puts its locations at MAIN; an imported
    // site joins a known one whatever its case.
    let file = other.file("more.csv", "code,site\nBENCH-1,\nBENCH-2,hub\n");
    other.ok(&["import", "locations", file.to_str().unwrap_or_default()]);
    let list = other.csv(&["location", "list"]);
    assert!(list.iter().any(|r| r[0] == "BENCH-1" && r[2] == "MAIN"));
    assert!(list.iter().any(|r| r[0] == "BENCH-2" && r[2] == "HUB"));
    other.ok(&["check"]);
}
