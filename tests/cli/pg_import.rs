//! `import` on PostgreSQL (SPEC §7, §10, §12; issue 15): every kind that
//! runs there gives the same summary, warnings, refusals and exit codes as
//! on SQLite, and leaves the same records (compared through `export`):
//! the identical-content refusal and `--again`, per-row validation errors
//! with nothing written, and a whole lab built from the fixtures (every
//! kind).

use crate::common::{Lab, fixture};
use crate::postgres::{PgDb, same_on_both, stderr, stdout};

/// An initialised SQLite lab and an initialised PostgreSQL database.
fn both_initialised(name: &str) -> Option<(Lab, PgDb)> {
    // The lab is SQLite on either pass of the suite: it is what the
    // PostgreSQL database is compared with.
    crate::common::sqlite_file_test("compares a SQLite lab with a PostgreSQL database");
    let db = PgDb::new(name)?;
    let lab = Lab::new_sqlite();
    let out = lab.run(&["--db", &db.url, "init"]);
    assert!(out.status.success(), "{}", stderr(&out));
    Some((lab, db))
}

/// Every table an import may write, counted on PostgreSQL.
const TABLES: [&str; 12] = [
    "locations",
    "items",
    "item_changes",
    "lots",
    "movements",
    "balances",
    "orders",
    "imports",
    "waste_records",
    "equipment",
    "calibrations",
    "temperature_readings",
];

fn counts(db: &PgDb) -> Vec<(&'static str, i64)> {
    TABLES.iter().map(|t| (*t, db.count(t))).collect()
}

/// `args` on both engines, refused alike, and nothing written on
/// PostgreSQL.
fn refused_on_both(lab: &Lab, db: &PgDb, args: &[&str]) -> String {
    let before = counts(db);
    let sqlite = lab.run(args);
    assert!(!sqlite.status.success(), "{args:?} should be refused");
    same_on_both(lab, db, args);
    assert_eq!(counts(db), before, "{args:?} wrote on PostgreSQL");
    stderr(&sqlite)
}

/// The same exports (the records each import writes) on both engines.
fn same_exports(lab: &Lab, db: &PgDb, kinds: &[&str]) {
    for kind in kinds {
        same_on_both(lab, db, &["export", kind]);
    }
    same_on_both(lab, db, &["stock", "--format", "csv"]);
}

/// Every import kind, each compared through its export.
const KINDS: [&str; 8] = [
    "locations",
    "items",
    "movements",
    "orders",
    "waste",
    "equipment",
    "calibrations",
    "temperatures",
];

#[test]
fn pg_import_builds_the_same_lab_from_the_fixtures() {
    let Some((lab, db)) = both_initialised("import_fixtures") else {
        return;
    };
    let files = [
        ("locations", fixture("locations.csv")),
        ("items", fixture("items.csv")),
        ("movements", fixture("movements.csv")),
        ("orders", fixture("orders.csv")),
        ("waste", fixture("waste.csv")),
        ("equipment", fixture("equipment.csv")),
        ("calibrations", fixture("calibrations.csv")),
        ("temperatures", fixture("temperatures.csv")),
    ];
    for (kind, file) in &files {
        same_on_both(&lab, &db, &["import", kind, file]);
        let out = lab.run(&["--db", &db.url, "export", kind]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    same_exports(&lab, &db, &KINDS);
    // Every file again: identical content is refused, naming the first
    // import; nothing is written.
    for (kind, file) in &files {
        let said = refused_on_both(&lab, &db, &["import", kind, file]);
        assert!(said.contains("identical to one imported"), "{said}");
    }
    // With --again: locations are skipped as present, the rest refused by
    // their own rules (a second item code, a second order line), alike.
    same_on_both(&lab, &db, &["import", "locations", &files[0].1, "--again"]);
    refused_on_both(&lab, &db, &["import", "items", &files[1].1, "--again"]);
    refused_on_both(&lab, &db, &["import", "orders", &files[3].1, "--again"]);
    same_exports(&lab, &db, &KINDS);
    // The import log: one row per import that wrote, on both.
    let sqlite: i64 = lab
        .raw()
        .query_row("SELECT count(*) FROM imports", [], |r| r.get(0))
        .expect("imports");
    assert_eq!(db.count("imports"), sqlite);
    assert_eq!(sqlite, 9);
    // The same log rows (kind, content, size, rows, --again) on both.
    let log_sql = "SELECT kind, sha256, bytes, rows, again FROM imports ORDER BY id";
    let sqlite_log: Vec<(String, Vec<u8>, i64, i64, i64)> = lab
        .raw()
        .prepare(log_sql)
        .expect("prepare")
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    let pg_log: Vec<(String, Vec<u8>, i64, i64, i64)> = db
        .client()
        .query(log_sql, &[])
        .expect("imports")
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)))
        .collect();
    assert_eq!(pg_log, sqlite_log);
    assert_copy_checks(&lab, &db);
}

/// The PostgreSQL database copied back to SQLite passes `check`: every
/// balance agrees with the ledger and every chain is intact, the ledger's
/// head the same as the SQLite lab's.
fn assert_copy_checks(lab: &Lab, db: &PgDb) {
    let back = lab.dir.path().join("back.db");
    let back = back.to_string_lossy();
    let out = lab.run(&["--db", &db.url, "copy", "--to", &back]);
    assert!(out.status.success(), "{}", stderr(&out));
    let on_pg = lab.run(&["--db", &back, "check"]);
    assert!(on_pg.status.success(), "{}", stderr(&on_pg));
    let here = lab.run(&["check"]);
    assert_eq!(stderr(&on_pg), stderr(&here));
}

#[test]
fn pg_movements_imported_again_with_again_record_every_row_twice() {
    let Some((lab, db)) = both_initialised("import_again") else {
        return;
    };
    same_on_both(&lab, &db, &["import", "items", &fixture("items.csv")]);
    let file = lab.file(
        "delivery.csv",
        "timestamp,kind,item,quantity,lot,expiry,location\n\
         2026-11-20T10:00:00Z,receive,RGT-GLU,4,G-1,2027-03-01,\n\
         2026-11-20T11:00:00Z,issue,RGT-GLU,1,G-1,,\n",
    );
    let file = file.to_string_lossy();
    same_on_both(&lab, &db, &["import", "movements", &file]);
    refused_on_both(&lab, &db, &["import", "movements", &file]);
    same_on_both(&lab, &db, &["import", "movements", &file, "--again"]);
    same_exports(&lab, &db, &["movements"]);
    assert_copy_checks(&lab, &db);
    // The second issue of the file takes the balance to 6 - 2 = 4 … and a
    // third import is refused again without --again.
    refused_on_both(&lab, &db, &["import", "movements", &file]);
    let stock = stdout(&lab.run(&[
        "--db", &db.url, "stock", "--item", "RGT-GLU", "--format", "csv",
    ]));
    assert!(stock.contains(",6,") || stock.contains(",6\n"), "{stock}");
}

#[test]
fn pg_import_refuses_bad_rows_as_sqlite_does_and_writes_nothing() {
    let Some((lab, db)) = both_initialised("import_refusals") else {
        return;
    };
    same_on_both(&lab, &db, &["import", "items", &fixture("items.csv")]);
    let header =
        "timestamp,kind,item,quantity,lot,expiry,location,to_location,reason,reference,user,note\n";
    let good = "2026-11-01T09:00:00Z,receive,RGT-GLU,10,G-7,2027-01-31,,,,,,\n";
    let cases: Vec<(&str, String)> = vec![
        (
            "unknown column",
            "kind,item,quantity,colour\nreceive,RGT-GLU,1,red\n".into(),
        ),
        (
            "bad quantity",
            format!("{header}{good}2026-11-02T09:00:00Z,issue,RGT-GLU,lots,G-7,,,,,,,\n"),
        ),
        (
            "unknown item",
            format!("{header}{good}2026-11-02T09:00:00Z,issue,RGT-NOPE,1,G-7,,,,,,,\n"),
        ),
        (
            "unknown location",
            format!("{header}{good}2026-11-02T09:00:00Z,issue,RGT-GLU,1,G-7,,NOWHERE,,,,,\n"),
        ),
        (
            "insufficient stock",
            format!("{header}{good}2026-11-02T09:00:00Z,issue,RGT-GLU,11,G-7,,,,,,,\n"),
        ),
        (
            "negative earlier",
            format!("{header}{good}2026-10-02T09:00:00Z,issue,RGT-GLU,1,G-7,,,,,,,\n"),
        ),
        (
            "future",
            format!("{header}2026-12-01T09:00:00Z,receive,RGT-GLU,10,G-8,2027-01-31,,,,,,\n"),
        ),
        (
            "no expiry",
            format!("{header}2026-11-01T09:00:00Z,receive,RGT-GLU,10,G-9,,,,,,,\n"),
        ),
        (
            "reverse",
            format!("{header}{good}2026-11-02T09:00:00Z,reverse,RGT-GLU,1,G-7,,,,,,,\n"),
        ),
        (
            "adjust without reason",
            format!("{header}{good}2026-11-02T09:00:00Z,adjust,RGT-GLU,-1,G-7,,,,,,,\n"),
        ),
        (
            "too few cells",
            format!("{header}{good}2026-11-02T09:00:00Z,issue,RGT-GLU\n"),
        ),
        ("empty", String::new()),
    ];
    for (what, text) in &cases {
        let file = lab.file(&format!("bad-{}.csv", what.replace(' ', "-")), text);
        let said = refused_on_both(&lab, &db, &["import", "movements", &file.to_string_lossy()]);
        assert!(said.starts_with("error: "), "{what}: {said}");
    }
    // Bytes that are not UTF-8, and items that break their own rules.
    let latin1 = lab.dir.path().join("latin1.csv");
    std::fs::write(&latin1, b"code,name\nRGT-NEW,Caf\xe9 reagent\n").expect("write");
    refused_on_both(&lab, &db, &["import", "items", &latin1.to_string_lossy()]);
    for (what, text) in [
        ("duplicate", "code,name\nRGT-GLU,Glucose again\n"),
        ("twice in file", "code,name\nRGT-A,a\nrgt-a,b\n"),
        ("bad cost", "code,name,unit_cost\nRGT-B,b,12.345\n"),
        ("bad bool", "code,name,lot_tracked\nRGT-C,c,perhaps\n"),
        (
            "unknown stream",
            "code,name,waste_stream\nRGT-D,d,99 99 99\n",
        ),
    ] {
        let file = lab.file(&format!("items-{}.csv", what.replace(' ', "-")), text);
        refused_on_both(&lab, &db, &["import", "items", &file.to_string_lossy()]);
    }
    let orders = lab.file(
        "orders-bad.csv",
        "reference,item,quantity\nPO-1,RGT-NOPE,3\n",
    );
    refused_on_both(&lab, &db, &["import", "orders", &orders.to_string_lossy()]);
    // A header and no rows: said alike, nothing logged.
    let empty = lab.file("header-only.csv", header);
    same_on_both(
        &lab,
        &db,
        &["import", "movements", &empty.to_string_lossy()],
    );
    assert_eq!(db.count("imports"), 1);
}

/// The statements an import runs per row on PostgreSQL, beyond those of
/// the commands (tests/cli/pg_plans.rs), and the bulk load's set-based
/// balance writes, find their rows by index (sequential scans off: a
/// statement that still scans has no index it can use).
#[test]
fn pg_import_per_row_queries_search_by_index() {
    use labstock::store::Sql;
    use labstock::store::sql::{catalogue, imports, ledger, orders, temperature};

    use crate::pg_plans::{assert_uses, plan};

    // The demo lab is built on SQLite and copied, on either pass.
    crate::common::sqlite_file_test("the demo lab is copied from a SQLite file");
    let Some((_lab, db)) = crate::postgres::demo_on_postgres("import_plans") else {
        return;
    };
    let mut client = db.client();
    client
        .batch_execute("SET enable_seqscan = off")
        .expect("disable sequential scans");
    let (item, location): (i64, i64) = (1, 1);
    let kind = "movements";
    let sha = vec![0u8; 32];
    assert_uses(
        &mut client,
        &imports::EARLIER_IMPORT,
        &[&kind, &sha],
        &["imports_content"],
    );
    assert_uses(&mut client, &ledger::LATEST_AT, &[], &["movements_at"]);
    assert_uses(
        &mut client,
        &ledger::LOTS_AT_LOCATION,
        &[&item, &location],
        &["balances_item", "balances_pkey"],
    );
    assert_uses(
        &mut client,
        &temperature::UNKEEP,
        &[&location, &"2026-11-21T09:00:00Z"],
        &["excursion_lots_end"],
    );
    assert_uses(
        &mut client,
        &orders::LINE_EXISTS,
        &[&"PO-1", &item],
        &["orders_reference_item_id_key", "orders_"],
    );
    assert_uses(
        &mut client,
        &catalogue::ITEM_BY_GTIN,
        &[&"05012345678900"],
        &["items_gtin_key"],
    );
    let (lots, locations, portions, quantities) =
        (vec![1i64], vec![1i64], vec![String::new()], vec![5i64]);
    assert_uses(
        &mut client,
        &Sql::both(imports::BULK_BALANCES),
        &[&lots, &locations, &portions, &quantities],
        // On the small demo lab the planner may rightly prefer a
        // narrower index of `balances` to its primary key.
        &["balances_pkey", "balances_location", "balances_item"],
    );
    // The new rows' INSERT reads no table at all.
    let insert = plan(
        &mut client,
        &Sql::both(imports::BULK_NEW_BALANCES),
        &[&lots, &locations, &portions, &vec![1i64], &quantities],
    );
    assert!(!insert.contains("Seq Scan"), "{insert}");
}

/// Row of [`initial_load`] that receives a new lot: recording its
/// creation reads the head of the lot-creation chain, so the rows held
/// before it are sent then (more than 10,000: the ledger's indexes and
/// keys are dropped), and the rows after it go in without them.
const NEW_LOT_AT: usize = 10_500;

/// An initial load (src/store/postgres/bulk.rs, `Unindexed`): `rows`
/// receipts and issues of two plain items into an empty ledger, one a
/// minute from 1 January, a new lot at [`NEW_LOT_AT`], an unknown item at
/// row `bad_at` if given, and a backdated issue at the end (its check
/// reads the later movements of its balance, so the ledger's indexes are
/// made again before it).
fn initial_load(rows: usize, bad_at: Option<usize>) -> String {
    let mut csv = String::from("timestamp,kind,item,quantity,lot,expiry\n");
    for i in 0..rows {
        let (day, hour, minute) = (1 + i / 1440, (i % 1440) / 60, i % 60);
        let item = match (Some(i) == bad_at, i % 2) {
            (true, _) => "NO-SUCH-ITEM",
            (false, 0) => "CON-MARKER",
            (false, _) => "CON-BLUEROLL",
        };
        let (kind, quantity) = if i % 3 == 2 {
            ("issue", 1)
        } else {
            ("receive", 2)
        };
        let at = format!("2026-01-{day:02}T{hour:02}:{minute:02}:00Z");
        if i == NEW_LOT_AT {
            csv.push_str(&format!("{at},receive,RGT-GLU,2,G-INITIAL,2027-06-30\n"));
        } else {
            csv.push_str(&format!("{at},{kind},{item},{quantity},,\n"));
        }
    }
    csv.push_str("2026-01-01T00:30:00Z,issue,CON-MARKER,3,,\n");
    csv
}

/// The indexes and foreign keys of the tables an initial load fills
/// (the ledger, balances, lots and their creation records) as PostgreSQL
/// prints them, each with its object id (a new one when it was dropped
/// and made again).
fn ledger_schema(db: &PgDb) -> Vec<(String, u32)> {
    db.client()
        .query(
            "SELECT c.relname || ': ' || pg_get_indexdef(indexrelid), indexrelid FROM pg_index \
               JOIN pg_class c ON c.oid = indexrelid \
              WHERE indrelid::regclass::text IN ('movements', 'balances', 'lots', 'lot_creations') \
             UNION ALL \
             SELECT conname || ': ' || pg_get_constraintdef(oid), oid FROM pg_constraint \
              WHERE conrelid::regclass::text IN ('movements', 'balances', 'lots', 'lot_creations') \
                AND contype = 'f' \
             ORDER BY 1",
            &[],
        )
        .expect("the indexes and keys")
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

fn definitions(schema: &[(String, u32)]) -> Vec<&str> {
    schema.iter().map(|(d, _)| d.as_str()).collect()
}

/// Both labs with the fixture catalogue, and the initial load's file.
fn catalogue_and_load(
    name: &str,
    rows: usize,
    bad_at: Option<usize>,
) -> Option<(Lab, PgDb, String)> {
    let (lab, db) = both_initialised(name)?;
    same_on_both(
        &lab,
        &db,
        &["import", "locations", &fixture("locations.csv")],
    );
    same_on_both(&lab, &db, &["import", "items", &fixture("items.csv")]);
    let file = lab.file("initial.csv", &initial_load(rows, bad_at));
    Some((lab, db, file.to_string_lossy().into_owned()))
}

#[test]
fn pg_an_initial_load_makes_the_ledgers_indexes_and_keys_again_as_they_were() {
    let Some((lab, db, file)) = catalogue_and_load("initial_load", 12_000, None) else {
        return;
    };
    let before = ledger_schema(&db);
    assert!(
        before.len() >= 20,
        "the keys, indexes and foreign keys of four tables: {before:#?}"
    );
    same_on_both(&lab, &db, &["import", "movements", &file]);
    let after = ledger_schema(&db);
    assert_eq!(
        definitions(&after),
        definitions(&before),
        "made again exactly as they were"
    );
    // Dropped and made again: every index but those of primary keys and
    // unique constraints (named `…_pkey`, `…_key`), and every foreign key,
    // is a new object.
    for ((definition, old), (_, new)) in before.iter().zip(&after) {
        let name = definition.split(':').next().unwrap_or_default();
        let constraint = name.ends_with("_pkey") || name.ends_with("_key");
        assert_eq!(old == new, constraint, "{definition}: {old} → {new}");
    }
    same_exports(&lab, &db, &["movements"]);
    assert_copy_checks(&lab, &db);
    let check = lab.run(&["--db", &db.url, "check"]);
    assert!(check.status.success(), "{}", stderr(&check));
}

#[test]
fn pg_a_refused_row_in_an_initial_load_leaves_the_ledgers_indexes_and_keys_in_place() {
    // The unknown item comes after the new lot, so the indexes and keys
    // are dropped (as the test above shows of the same rows) before it is
    // read.
    let Some((lab, db, file)) = catalogue_and_load("initial_refused", 12_000, Some(11_500)) else {
        return;
    };
    let before = ledger_schema(&db);
    let message = refused_on_both(&lab, &db, &["import", "movements", &file]);
    assert!(message.contains("NO-SUCH-ITEM"), "{message}");
    assert_eq!(db.count("movements"), 0);
    assert_eq!(
        ledger_schema(&db),
        before,
        "the drop is rolled back with the rows"
    );
}

#[test]
fn pg_an_initial_load_goes_on_indexed_when_the_tables_are_busy_and_a_small_one_always_does() {
    let Some((lab, db, file)) = catalogue_and_load("initial_busy", 12_000, None) else {
        return;
    };
    let before = ledger_schema(&db);
    // Another session reading the catalogue: the load waits a moment for
    // the tables, then goes on with the indexes in place.
    let mut other = db.client();
    let mut reading = other.transaction().expect("begin");
    reading
        .batch_execute("LOCK TABLE items IN ACCESS SHARE MODE")
        .expect("read the catalogue");
    let out = lab.run(&["--db", &db.url, "import", "movements", &file]);
    assert!(out.status.success(), "{}", stderr(&out));
    reading.commit().expect("end the reader");
    assert_eq!(ledger_schema(&db), before, "nothing dropped while busy");
    let check = lab.run(&["--db", &db.url, "check"]);
    assert!(check.status.success(), "{}", stderr(&check));
    // A small file into an empty ledger keeps them too.
    let Some((lab, db, file)) = catalogue_and_load("initial_small", 500, None) else {
        return;
    };
    let before = ledger_schema(&db);
    same_on_both(&lab, &db, &["import", "movements", &file]);
    assert_eq!(ledger_schema(&db), before);
}

#[test]
fn pg_an_initial_load_by_a_role_that_may_not_alter_the_tables_goes_on_indexed() {
    let Some((lab, db, file)) = catalogue_and_load("initial_role", 12_000, None) else {
        return;
    };
    // A role that may read and write every table but owns none: dropping
    // an index or a key is refused to it.
    let Some(at) = db.url.find("://").map(|i| i + 3) else {
        return;
    };
    let Some(user_end) = db.url[at..].find('@').map(|i| at + i) else {
        eprintln!("pg_an_initial_load_by_a_role_… NOT RUN: the test URL names no user");
        return;
    };
    let role = format!("labstock_writer_{}", std::process::id());
    let mut admin = db.client();
    admin
        .batch_execute(&format!(
            "DROP ROLE IF EXISTS {role}; CREATE ROLE {role} LOGIN; \
             GRANT pg_read_all_data, pg_write_all_data TO {role};"
        ))
        .expect("a role that writes but owns nothing");
    let url = format!("{}{role}{}", &db.url[..at], &db.url[user_end..]);
    let before = ledger_schema(&db);
    let on_pg = lab.run(&["--db", &url, "import", "movements", &file]);
    let on_sqlite = lab.run(&["import", "movements", &file]);
    admin
        .batch_execute(&format!("DROP ROLE {role}"))
        .expect("drop the role");
    assert!(on_pg.status.success(), "{}", stderr(&on_pg));
    assert_eq!(stdout(&on_pg), stdout(&on_sqlite));
    assert_eq!(
        ledger_schema(&db),
        before,
        "nothing dropped by a role that may not"
    );
    same_exports(&lab, &db, &["movements"]);
    let check = lab.run(&["--db", &db.url, "check"]);
    assert!(check.status.success(), "{}", stderr(&check));
}
