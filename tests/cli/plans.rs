//! Query plans of the hot paths (issue 7): every lookup one movement makes,
//! FEFO, `stock_as_of` and the bin card find their rows through an index
//! and never scan the ledger. The assertions are on SQLite's own plan and
//! bytecode for the very SQL the library runs (its `sql` constants), not on
//! time, so they hold on any machine.

use labstock::chain;
use labstock::history::sql as history;
use labstock::reorder::sql as reorder;
use labstock::sites::sql as sites;
use labstock::store::sql::catalogue;
use labstock::store::sql::ledger;
use labstock::temperature;
use labstock::waste::sql as waste;
use rusqlite::Connection;

use crate::common::Lab;

/// The detail lines of `EXPLAIN QUERY PLAN sql`.
fn plan(conn: &Connection, sql: &str) -> Vec<String> {
    let mut stmt = conn
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .unwrap_or_else(|e| panic!("cannot prepare {sql}: {e}"));
    column(&mut stmt, 3)
}

/// One text column of every row, with the parameters left unbound (NULL):
/// a plan is made before any value is known.
fn column(stmt: &mut rusqlite::Statement<'_>, i: usize) -> Vec<String> {
    let mut rows = stmt.raw_query();
    let mut out = Vec::new();
    while let Some(row) = rows.next().unwrap() {
        out.push(row.get::<_, String>(i).unwrap());
    }
    out
}

/// The opcodes of `EXPLAIN sql` (the bytecode SQLite runs).
fn opcodes(conn: &Connection, sql: &str) -> Vec<String> {
    let mut stmt = conn
        .prepare(&format!("EXPLAIN {sql}"))
        .unwrap_or_else(|e| panic!("cannot prepare {sql}: {e}"));
    column(&mut stmt, 1)
}

/// The plan of `sql` has no full scan of any table and uses `index`.
fn assert_searches(conn: &Connection, sql: &str, index: &str) {
    let lines = plan(conn, sql);
    let scans: Vec<&String> = lines.iter().filter(|l| l.starts_with("SCAN ")).collect();
    assert!(
        scans.is_empty(),
        "full scan in the plan of\n{sql}\nplan: {lines:#?}"
    );
    assert!(
        lines.iter().any(|l| l.contains(index)),
        "expected {index} in the plan of\n{sql}\nplan: {lines:#?}"
    );
}

/// A lab with a few items, lots, locations and movements, so the schema
/// is the one `init` makes and the tables are not empty.
fn lab() -> Lab {
    let lab = Lab::new_sqlite();
    lab.ok(&["location", "add", "FRIDGE-1"]);
    lab.ok(&["item", "add", "GLOVES-M", "--name", "Nitrile gloves M"]);
    lab.ok(&[
        "item",
        "add",
        "REAG-1",
        "--name",
        "Reagent",
        "--lot-tracked",
    ]);
    lab.ok(&["receive", "GLOVES-M", "10"]);
    lab.ok(&[
        "receive",
        "REAG-1",
        "5",
        "--lot",
        "A1",
        "--expiry",
        "2027-01-31",
        "--location",
        "FRIDGE-1",
    ]);
    lab.ok(&["issue", "REAG-1", "1", "--location", "FRIDGE-1"]);
    lab
}

#[test]
fn catalogue_lookups_use_their_unique_indexes() {
    let lab = lab();
    let raw = lab.raw();
    let conn = &raw;
    assert_searches(
        conn,
        catalogue::ITEM_BY_CODE.sqlite(),
        "sqlite_autoindex_items",
    );
    assert_searches(
        conn,
        catalogue::ITEM_BY_GTIN.sqlite(),
        "sqlite_autoindex_items",
    );
    assert_searches(
        conn,
        catalogue::LOCATION_BY_CODE.sqlite(),
        "sqlite_autoindex_locations",
    );
    // A movement's item and location, read at once: both by their index.
    for index in ["sqlite_autoindex_items", "sqlite_autoindex_locations"] {
        assert_searches(conn, catalogue::ITEM_AND_LOCATION_BY_CODE.sqlite(), index);
    }
}

/// `--site` (SPEC §12) finds a site's locations through `locations_site`,
/// whose NOCASE collation is the column's, so `--site hub` finds `HUB`.
#[test]
fn a_sites_locations_are_found_by_index() {
    let lab = lab();
    lab.ok(&["location", "add", "HUB-1", "--site", "HUB"]);
    let raw = lab.raw();
    assert_searches(&raw, sites::LOCATIONS_OF_SITE.sqlite(), "locations_site");
}

#[test]
fn single_movement_lookups_use_indexes() {
    let lab = lab();
    let raw = lab.raw();
    let conn = &raw;
    assert_searches(conn, ledger::LOT_BY_NAME.sqlite(), "sqlite_autoindex_lots");
    assert_searches(conn, ledger::BALANCE.sqlite(), "PRIMARY KEY");
    assert_searches(conn, ledger::UPDATE_BALANCE.sqlite(), "PRIMARY KEY");
    assert_searches(conn, ledger::ORDER_LINE.sqlite(), "sqlite_autoindex_orders");
    assert_searches(conn, ledger::LOTS_WITH_STOCK.sqlite(), "balances_item");
}

#[test]
fn writes_of_one_movement_run_no_loop_and_no_temporary_table() {
    // A CHECK written `kind IN ('a', 'b', 'c', …)` makes SQLite build a
    // temporary b-tree (OpenEphemeral) on every insert; a trigger or a
    // foreign key without an index would loop over a table (Rewind/Next).
    let lab = lab();
    let raw = lab.raw();
    let conn = &raw;
    for sql in [
        chain::MOVEMENTS.insert_sql(),
        ledger::INSERT_BALANCE.sqlite(),
        ledger::UPDATE_BALANCE.sqlite(),
        ledger::INSERT_LOT.sqlite(),
    ] {
        let ops = opcodes(conn, sql);
        for bad in [
            "OpenEphemeral",
            "Rewind",
            "Last",
            "Next",
            "Prev",
            "SorterSort",
        ] {
            assert!(
                !ops.iter().any(|op| op == bad),
                "{bad} in the program of\n{sql}\nopcodes: {ops:?}"
            );
        }
    }
}

#[test]
fn ledger_inserts_maintain_only_the_justified_indexes() {
    // Each index on movements costs every insert; BENCHMARKS.md justifies
    // each by the query that needs it. A new one must be added here on
    // purpose, with its query.
    let lab = lab();
    let raw = lab.raw();
    let conn = &raw;
    let mut stmt = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'movements' ORDER BY name")
        .unwrap();
    let names: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<Vec<_>>>()
        .unwrap();
    // No sqlite_autoindex_movements_*: an inline UNIQUE would index every row.
    assert_eq!(
        names,
        [
            "movements_at",
            "movements_item",
            "movements_lot_at",
            "movements_order",
            "movements_reverses",
            "movements_unlinked_order_refs",
        ],
        "the indexes on movements changed: justify the change in BENCHMARKS.md and here"
    );
}

/// SPEC §10 "Time": a backdated movement reads only the later movements
/// of the lot it touches, by index; for a movement dated now that is one
/// probe that finds nothing (issue 12's performance requirement).
#[test]
fn a_backdated_movement_reads_only_the_later_movements_of_its_lot() {
    let lab = lab();
    let raw = lab.raw();
    let conn = &raw;
    assert_searches(conn, ledger::LATER_OF_LOT.sqlite(), "movements_lot_at");
}

#[test]
fn stock_as_of_reads_balances_by_index_and_only_later_movements() {
    let lab = lab();
    let raw = lab.raw();
    let conn = &raw;
    assert_searches(conn, ledger::STOCK_OF_ITEM.sqlite(), "balances_item");
    assert_searches(conn, ledger::STOCK_OF_LOT.sqlite(), "PRIMARY KEY");
    assert_searches(
        conn,
        ledger::STOCK_AT_LOCATION.sqlite(),
        "balances_location",
    );
    // Today's balances: an empty range of movements_at, never a scan.
    assert_searches(conn, ledger::MOVEMENTS_AFTER.sqlite(), "movements_at");
    // The whole stock list reads every balance (that is its answer), but
    // still never the ledger.
    let all = plan(conn, ledger::STOCK_ALL.sqlite());
    assert!(
        !all.iter()
            .any(|l| l.starts_with("SCAN m") || l.contains("movements")),
        "{all:#?}"
    );
}

#[test]
fn bin_card_of_an_item_or_a_lot_searches_the_ledger_by_index() {
    let lab = lab();
    let raw = lab.raw();
    let conn = &raw;
    assert_searches(conn, history::ITEM_MOVEMENTS.sqlite(), "movements_item");
    assert_searches(conn, history::LOT_MOVEMENTS.sqlite(), "movements_item");
    let lot = plan(conn, history::LOT_MOVEMENTS.sqlite());
    assert!(
        !lot.iter().any(|l| l.contains("TEMP B-TREE")),
        "a lot's movements come in ledger order from the index: {lot:#?}"
    );
}

#[test]
fn the_hot_queries_answer_like_the_commands() {
    // The constants are the SQL the commands run: a lookup by the
    // constant finds what the CLI recorded.
    let lab = lab();
    let raw = lab.raw();
    let conn = &raw;
    let (id, lot): (i64, String) = conn
        .query_row(
            ledger::LOT_BY_NAME.sqlite(),
            rusqlite::params![2, "A1"],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(lot, "A1");
    let fridge: i64 = conn
        .query_row(catalogue::LOCATION_BY_CODE.sqlite(), ["fridge-1"], |r| {
            r.get(0)
        })
        .unwrap();
    let q: i64 = conn
        .query_row(
            ledger::BALANCE.sqlite(),
            rusqlite::params![id, fridge, ""],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(q, 4);
}

#[test]
fn check_finds_missing_and_extra_balance_rows_and_dangling_ledger_references() {
    // `check` sums the ledger in one pass of its own (not SQL that sorts
    // two million rows): it must still see a balance row that vanished, a
    // balance with no ledger behind it, and ledger rows that name nothing.
    let lab = lab();
    lab.ok(&["check"]);
    {
        let raw = lab.raw();
        let conn = &raw;
        conn.execute_batch(
            "DELETE FROM balances WHERE item_id = (SELECT id FROM items WHERE code = 'GLOVES-M');
             INSERT INTO balances (lot_id, location_id, item_id, quantity)
                 SELECT l.id, (SELECT id FROM locations WHERE code = 'MAIN'), l.item_id, 3
                 FROM lots l WHERE l.lot = 'A1';
             PRAGMA foreign_keys = OFF;
             INSERT INTO movements (at, kind, item_id, lot_id, location_id, quantity, user, recorded_at, hash)
                 VALUES ('2026-11-21T09:00:00Z', 'adjust', 999, 999, 1, 1, 'x', '2026-11-21T09:00:00Z', zeroblob(32));",
        )
        .unwrap();
    }
    let n: i64 = lab
        .raw()
        .query_row("SELECT max(id) FROM movements", [], |r| r.get(0))
        .unwrap();
    let out = lab.run(&["check"]);
    assert_eq!(out.status.code(), Some(3));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "GLOVES-M (no lot) at MAIN: ledger sums to 10, balance says 0 (difference +10); run `labstock history GLOVES-M`",
            "lot A1 of REAG-1 at MAIN: ledger sums to 0, balance says 3 (difference -3); run `labstock history REAG-1 --lot A1`",
            "2 rows refer to records that do not exist",
            &format!(
                "foreign key: movements row {n} (lot_id = 999) refers to a row of lots that does not exist"
            ),
            &format!(
                "foreign key: movements row {n} (item_id = 999) refers to a row of items that does not exist"
            ),
            &format!(
                "movements row {n} no longer matches its hash: it was changed outside labstock (run `labstock audit --entity movement:{n}`)"
            ),
        ],
        "{stdout}"
    );
}

#[test]
fn waste_totals_read_only_the_covering_date_index() {
    // `report waste --totals` over a year of records: the records come from
    // the date index alone (no table rows, no per-record subquery, no
    // sort), the corrected ones from the unique index on `corrects`.
    let lab = lab();
    let raw = lab.raw();
    let conn = &raw;
    let lines = plan(conn, waste::TOTALS_RECORDS.sqlite());
    assert!(
        lines
            .iter()
            .any(|l| l.contains("USING COVERING INDEX waste_records_date")),
        "totals not covered by waste_records_date: {lines:#?}"
    );
    assert!(
        !lines.iter().any(|l| l.contains("TEMP B-TREE")),
        "totals sort in SQL: {lines:#?}"
    );
    assert_searches(
        conn,
        waste::CORRECTED_RECORDS.sqlite(),
        "sqlite_autoindex_waste_records",
    );
}

#[test]
fn inserts_of_records_with_checked_lists_build_no_temporary_table() {
    // The CHECKs on lists of three or more values are written as OR
    // chains: an `IN (…)` list makes SQLite build a temporary b-tree
    // (OpenEphemeral) on every insert.
    let lab = lab();
    let raw = lab.raw();
    let conn = &raw;
    let mut stmt = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND sql LIKE '%CHECK%'")
        .unwrap();
    let tables: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert!(tables.iter().any(|t| t == "waste_records"));
    for table in tables {
        let columns: Vec<String> = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES ({})",
            columns.join(", "),
            (1..=columns.len())
                .map(|i| format!("?{i}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let ops = opcodes(conn, &sql);
        assert!(
            !ops.iter().any(|op| op == "OpenEphemeral"),
            "OpenEphemeral in the program of\n{sql}\nopcodes: {ops:?}"
        );
    }
}

#[test]
fn unconsigned_waste_warning_reads_only_records_without_a_note() {
    let lab = lab();
    let raw = lab.raw();
    let conn = &raw;
    assert_searches(
        conn,
        waste::UNCONSIGNED.sqlite(),
        "waste_records_unconsigned",
    );
}

/// The plan of `sql` never scans the ledger (`movements`) or the
/// calibration history, and uses each of `indexes`.
fn assert_no_history_scan(conn: &Connection, sql: &str, indexes: &[&str]) {
    let lines = plan(conn, sql);
    for table in ["movements", "calibrations"] {
        assert!(
            !lines.iter().any(|l| l.starts_with("SCAN ")
                && (l.contains(table) || l.starts_with("SCAN m ") || l == "SCAN m")),
            "scan of {table} in the plan of\n{sql}\nplan: {lines:#?}"
        );
    }
    for index in indexes {
        assert!(
            lines.iter().any(|l| l.contains(index)),
            "expected {index} in the plan of\n{sql}\nplan: {lines:#?}"
        );
    }
}

#[test]
fn report_queries_read_maintained_state_and_search_the_ledger_by_index() {
    let lab = lab();
    let raw = lab.raw();
    let conn = &raw;
    // Reorder and expiry: the balances in stock, from their partial index.
    assert_no_history_scan(
        conn,
        reorder::BALANCES_HELD.sqlite(),
        &["balances_in_stock"],
    );
    assert_searches(conn, reorder::BALANCE_OF_LOT.sqlite(), "PRIMARY KEY");
    assert_searches(conn, reorder::LATER_MOVEMENTS.sqlite(), "movements_at");
    // The words of the items listed (reorder) and their names (expiry), at
    // once, each by its key: the only scan is of the list of ids given.
    for sql in [
        reorder::ITEM_TEXTS.sqlite(),
        labstock::store::sql::reports::ITEM_NAMES.sqlite(),
    ] {
        let lines = plan(conn, sql);
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("SEARCH items USING INTEGER PRIMARY KEY"))
                && lines
                    .iter()
                    .all(|l| !l.starts_with("SCAN ") || l.contains("json_each")),
            "{sql}: {lines:#?}"
        );
    }
    // On order: receipts against each line by index, never the ledger.
    assert_no_history_scan(
        conn,
        labstock::orders::sql::LINES_AS_OF.sqlite(),
        &["movements_order", "movements_unlinked_order_refs"],
    );
    // Calibration due: the maintained state on `equipment` only.
    let lines = plan(conn, labstock::calibration::DUE_CANDIDATES.sqlite());
    assert!(
        lines.iter().all(|l| l.contains("equipment")),
        "calibration-due candidates read more than equipment: {lines:#?}"
    );
}

// ---------------------------------------------------------------------------
// Imports (issue 12, defect 18): every statement any import runs per row
// finds its rows through an index. The statements are not listed by hand:
// SQLite's statement trace records every one an import of each kind runs,
// so a lookup added later is covered without anyone remembering to add it.

/// Each statement run, once, with how many times it ran.
static TRACED: std::sync::Mutex<Vec<(String, usize)>> = std::sync::Mutex::new(Vec::new());

fn trace_statement(sql: &str) {
    let mut seen = TRACED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    match seen.iter_mut().find(|(s, _)| s == sql) {
        Some((_, n)) => *n += 1,
        None => seen.push((sql.to_owned(), 1)),
    }
}

/// What an import that holds the ledger to itself reads once, when it
/// starts (`Lookups::exclusive`), each table whole by design: whether any
/// balance exists, the items with order lines, every lot. Allowed to scan,
/// but only once per import of movements.
const READ_ONCE_PER_IMPORT: [&str; 3] = [
    "SELECT 1 FROM balances LIMIT 1",
    "SELECT DISTINCT item_id FROM orders",
    " FROM lots l LIMIT ",
];

/// Tables that never grow with use (seeded reference data): a scan of
/// them costs the same at any size.
const FIXED_TABLES: &[&str] = &["waste_streams"];

/// The plan lines of `sql` that scan a table that grows.
fn growing_scans(conn: &Connection, sql: &str) -> Vec<String> {
    plan(conn, sql)
        .into_iter()
        .filter(|l| {
            l.strip_prefix("SCAN ").is_some_and(|rest| {
                let table = rest.split_whitespace().next().unwrap_or_default();
                !FIXED_TABLES.contains(&table) && table != "CONSTANT"
            })
        })
        .collect()
}

#[test]
fn defect_18_every_statement_of_every_import_searches_by_index() {
    use labstock::import::{self, ImportContext};

    let lab = lab();
    lab.ok(&[
        "order",
        "add",
        "PO-1",
        "--item",
        "GLOVES-M",
        "--quantity",
        "5",
    ]);
    lab.ok(&["equipment", "add", "BAL-1", "--calibration-interval", "1y"]);
    let mut store = lab.store();
    store.trace_statements(Some(trace_statement));
    let ctx = ImportContext {
        zone: labstock::clock::Zone::UTC,
        now: chrono::DateTime::parse_from_rfc3339(crate::common::NOW)
            .unwrap()
            .to_utc(),
        user: "plans",
        allow_expired: false,
        again: false,
    };
    type Importer = fn(
        &mut labstock::Store,
        &[u8],
        ImportContext<'_>,
    ) -> labstock::error::Result<import::ImportSummary>;
    let files: &[(&str, Importer, &str)] = &[
        (
            "locations",
            |s, f, c| import::import_locations(s, f, c),
            "code,name,min_temp,max_temp,tolerance_minutes,site\nSHELF-1,Shelf,,,,HUB\nSHELF-2,Shelf,,,,hub\nFRIDGE-1,,,,,\nFREEZER-9,,-25,-15,30,SPOKE-N\n",
        ),
        (
            "items",
            |s, f, c| import::import_items(s, f, c),
            "code,name,supplier,lot_tracked,gtin\nTIP-1,Tips,Acme,no,\nTIP-2,Tips,,yes,05012345000015\n",
        ),
        (
            "orders",
            |s, f, c| labstock::orders::import_orders(s, f, c),
            "reference,supplier,item,quantity,ordered_on,expected_on,location\n\
             PO-1,,REAG-1,3,2026-11-01,,FRIDGE-1\nPO-2,Acme,GLOVES-M,4,2026-11-01,2026-11-30,\nPO-2,,TIP-1,2,,,\n",
        ),
        (
            "movements",
            |s, f, c| import::import_movements(s, f, c),
            "timestamp,kind,item,quantity,lot,expiry,location,to_location,reason,reference,user,note\n\
             2026-11-20T10:00:00Z,receive,GLOVES-M,4,,,,,,PO-2,,\n\
             2026-11-20T10:05:00Z,receive,REAG-1,3,B2,2027-02-28,FRIDGE-1,,,PO-1,,\n\
             2026-11-20T10:10:00Z,issue,REAG-1,2,,,FRIDGE-1,,,,,\n\
             2026-11-20T10:15:00Z,transfer,GLOVES-M,1,,,MAIN,SHELF-1,,,,\n\
             2026-11-20T10:20:00Z,adjust,GLOVES-M,-1,,,,,damaged,PO-2,,\n\
             2026-11-20T10:25:00Z,count,GLOVES-M,12,,,,,,,,\n\
             2026-11-20T10:30:00Z,dispose,REAG-1,1,B2,,FRIDGE-1,,damaged,,,\n",
        ),
        (
            "equipment",
            |s, f, c| labstock::calibration::import_equipment(s, f, c),
            "asset_tag,description,calibration_interval,in_service_date\nPIP-1,Pipette,6m,2026-01-01\nPIP-2,Pipette,,\n",
        ),
        (
            "calibrations",
            |s, f, c| labstock::calibration::import_calibrations(s, f, c),
            "asset_tag,performed_on,result,next_due\nBAL-1,2026-10-01,pass,\nPIP-1,2026-10-02,fail,\nPIP-1,2026-10-03,adjusted,2027-04-01\n",
        ),
        (
            "waste",
            |s, f, c| labstock::waste::import_waste(s, f, c),
            "date,stream,quantity,unit,container,consignment_note,carrier,recorded_by,notes\n2026-11-01,18 01 03*,2.5,kg,SB-1,,,,\n2026-11-02,18 01 04,1,items,,WTN-9,Veolia,,\n",
        ),
        (
            "temperatures",
            |s, f, c| labstock::temperature::import_temperatures(s, f, c),
            "location,timestamp,value,min,max,recorded_by,note\n\
             FREEZER-9,2026-11-20T08:00:00Z,-19,,,,\n\
             FREEZER-9,2026-11-20T09:00:00Z,-12,,,,\n\
             FREEZER-9,2026-11-20T10:00:00Z,-18,-21,-14,,\n",
        ),
    ];
    for (kind, importer, file) in files {
        importer(&mut store, file.as_bytes(), ctx).unwrap_or_else(|e| panic!("import {kind}: {e}"));
    }
    store.trace_statements(None);
    let counted = TRACED.lock().unwrap().clone();
    let movement_imports = files.iter().filter(|(k, ..)| *k == "movements").count();
    for (sql, n) in &counted {
        if READ_ONCE_PER_IMPORT.iter().any(|once| sql.contains(once)) {
            assert!(
                *n <= movement_imports,
                "{sql} ran {n} times in {movement_imports} imports of movements: once each at most"
            );
        }
    }
    let traced: Vec<String> = counted
        .into_iter()
        .filter(|(sql, _)| !READ_ONCE_PER_IMPORT.iter().any(|once| sql.contains(once)))
        .map(|(sql, _)| sql)
        .collect();
    let raw = lab.raw();
    let conn = &raw;
    // Each chain's "last row" probe steps back from the end of the rowid
    // b-tree once: a SCAN in the plan that reads one row.
    let chain_heads: Vec<&str> = chain::TABLES.iter().map(|t| t.last_sql()).collect();
    let mut checked = 0;
    let mut failures = Vec::new();
    for sql in &traced {
        let head = sql.trim_start().to_ascii_uppercase();
        if !["SELECT", "INSERT", "UPDATE", "DELETE", "WITH"]
            .iter()
            .any(|k| head.starts_with(k))
            || chain_heads.contains(&sql.as_str())
        {
            continue;
        }
        checked += 1;
        let scans = growing_scans(conn, sql);
        if !scans.is_empty() {
            failures.push(format!("{sql}\n  {scans:?}"));
        }
    }
    assert!(
        checked > 20,
        "the trace saw only {checked} statements: {traced:#?}"
    );
    assert!(
        failures.is_empty(),
        "statements of an import that scan a growing table:\n{}",
        failures.join("\n")
    );
    // The import log's own probe, and the order lookups, by name.
    assert_searches(
        conn,
        import::log::EARLIER_IMPORT.sqlite(),
        "imports_content",
    );
    assert_searches(
        conn,
        labstock::orders::sql::LINE_BY_ID.sqlite(),
        "PRIMARY KEY",
    );
    assert_searches(
        conn,
        labstock::orders::sql::LINE_EXISTS.sqlite(),
        "sqlite_autoindex_orders",
    );
    assert_searches(
        conn,
        labstock::orders::sql::REFERENCE_SUPPLIER.sqlite(),
        "sqlite_autoindex_orders",
    );
}

#[test]
fn defect_05_received_on_an_order_line_reads_two_index_ranges() {
    let lab = lab();
    let raw = lab.raw();
    let conn = &raw;
    for sql in [
        labstock::orders::sql::LINE_BY_ID.sqlite(),
        labstock::orders::sql::RECEIVED_DISAGREEING.sqlite(),
    ] {
        let lines = plan(conn, sql);
        assert!(
            lines.iter().any(|l| l.contains("movements_order")),
            "{sql}\n{lines:#?}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.contains("movements_unlinked_order_refs")),
            "{sql}\n{lines:#?}"
        );
        assert!(
            !lines
                .iter()
                .any(|l| l.starts_with("SCAN m") || l.starts_with("SCAN r")),
            "{sql}\n{lines:#?}"
        );
    }
}

#[test]
fn a_readings_excursion_refresh_seeks_its_bounds_by_index() {
    use labstock::temperature;
    let lab = lab();
    let raw = lab.raw();
    let conn = &raw;
    // The in-range reading before and after the new ones: one seek each
    // in the partial index of in-range readings, however long the run.
    assert_searches(
        conn,
        temperature::sql::IN_RANGE_BEFORE.sqlite(),
        "temperature_readings_in_range",
    );
    assert_searches(
        conn,
        temperature::sql::IN_RANGE_AFTER.sqlite(),
        "temperature_readings_in_range",
    );
    assert_searches(
        conn,
        temperature::sql::READINGS_BETWEEN.sqlite(),
        "sqlite_autoindex_temperature_readings_1",
    );
    assert_searches(
        conn,
        temperature::sql::READING_AT.sqlite(),
        "sqlite_autoindex_temperature_readings_1",
    );
}

/// Issue 20: `report coshh`, `report sds` and the digest start from the
/// hazardous items (a partial index), never from every item or every
/// balance, and find each item's current sheet by index.
#[test]
fn hazard_reports_start_from_the_hazardous_items_and_find_sheets_by_index() {
    use labstock::sds::sql as sds;
    let lab = lab();
    lab.ok(&[
        "item",
        "edit",
        "REAG-1",
        "--ghs",
        "GHS07",
        "--h-statements",
        "H315",
    ]);
    let conn = lab.raw();
    assert_searches(&conn, sds::CURRENT.sqlite(), "sds_revisions_item");
    for sql in [sds::COSHH.sqlite(), sds::HAZARDOUS_WITH_SDS.sqlite()] {
        let lines = plan(&conn, sql);
        let scans: Vec<&String> = lines.iter().filter(|l| l.starts_with("SCAN ")).collect();
        assert_eq!(
            scans,
            ["SCAN i USING INDEX items_hazardous"],
            "only the hazardous items are walked:\n{sql}\n{lines:#?}"
        );
        assert!(
            lines.iter().any(|l| l.contains("sds_revisions_item")),
            "{lines:#?}"
        );
    }
    let coshh = plan(&conn, sds::COSHH.sqlite());
    assert!(
        coshh
            .iter()
            .any(|l| l == "SEARCH b USING INDEX balances_item (item_id=?)"),
        "{coshh:#?}"
    );
}

/// The kept lots of excursions (`excursion_lots`): the ledger drops them
/// for a backdated movement by a probe of `excursion_lots_end` (a movement
/// dated now finds nothing there), a reading decides whether anything is
/// to keep from two index walks, and the report reads each row by its key.
#[test]
fn kept_excursion_lots_are_dropped_counted_and_read_by_index() {
    let lab = lab();
    let raw = lab.raw();
    let conn = &raw;
    assert_searches(
        conn,
        temperature::sql::UNKEEP.sqlite(),
        "excursion_lots_end",
    );
    assert_searches(conn, temperature::sql::KEPT.sqlite(), "PRIMARY KEY");
    let lines = plan(conn, temperature::sql::UNKEPT_COUNT.sqlite());
    assert!(
        lines.iter().any(|l| l.contains("excursions_ended"))
            && lines
                .iter()
                .any(|l| l.contains("COVERING INDEX excursion_lots_end")),
        "{lines:#?}"
    );
    assert!(
        !lines
            .iter()
            .any(|l| l.starts_with("SCAN ") && l != "SCAN CONSTANT ROW"),
        "{lines:#?}"
    );
    assert_searches(conn, temperature::sql::UNKEPT.sqlite(), "excursions_ended");
}
