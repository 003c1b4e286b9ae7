//! `check` and `audit` on PostgreSQL (SPEC §2, §12; issue 15): the same
//! report, wording and exit code as on SQLite for a clean lab and for each
//! kind of tampering (a ledger row edited, a chain row deleted, a balance,
//! a lot or an order line edited beneath the triggers), and PostgreSQL's
//! own checks: a dropped or disabled trigger, a foreign key no longer
//! enforced and a row that breaks it are named; amcheck verifies every
//! index, and the output says so when it cannot. The demo lab is copied
//! to a fresh PostgreSQL database; each tampering is made on both.

use crate::common::{Lab, sqlite_file_test};
use crate::postgres::{PgDb, demo_on_postgres, same_on_both, stderr, stdout};

/// The note `check` gives on PostgreSQL while some areas' proofs are not
/// yet ported to the storage seam (issue 15); the only line in which the
/// two engines' reports may differ until they are.
const NOT_YET: &str = "check: not yet proven on PostgreSQL";

/// Why these tests' labs are SQLite files on either pass of the suite:
/// each compares a SQLite lab with its PostgreSQL copy.
const BOTH: &str = "compares a SQLite lab with its PostgreSQL copy";

fn without_note(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines().filter(|l| !l.starts_with(NOT_YET)) {
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// `check` (with `extra` arguments) on the SQLite lab and on its
/// PostgreSQL copy: the same exit code, standard output and standard
/// error (but for the note above). Returns the exit code and stdout.
fn check_on_both(lab: &Lab, db: &PgDb, extra: &[&str]) -> (Option<i32>, String) {
    let mut args = vec!["check"];
    args.extend(extra);
    let sqlite = lab.run(&args);
    let mut on_pg = vec!["--db", db.url.as_str()];
    on_pg.extend(args.iter().copied());
    let pg = lab.run(&on_pg);
    assert_eq!(
        pg.status.code(),
        sqlite.status.code(),
        "PostgreSQL: {}{}\nSQLite: {}{}",
        stdout(&pg),
        stderr(&pg),
        stdout(&sqlite),
        stderr(&sqlite)
    );
    assert_eq!(stdout(&pg), stdout(&sqlite));
    assert_eq!(without_note(&stderr(&pg)), stderr(&sqlite));
    (sqlite.status.code(), stdout(&sqlite))
}

/// Run raw SQL on the SQLite file as a tool that ignores labstock's rules
/// would: triggers dropped first, foreign keys off.
fn tamper_sqlite(lab: &Lab, sql: &str) {
    let conn = lab.raw();
    conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
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

/// The same on PostgreSQL: every trigger of `tables` (the append-only
/// rules and the foreign keys' own) disabled, the SQL run, the triggers
/// enabled again, so only the edit itself is left to find.
fn tamper_pg(db: &PgDb, tables: &[&str], sql: &str) {
    let mut batch = String::new();
    for t in tables {
        batch.push_str(&format!("ALTER TABLE {t} DISABLE TRIGGER ALL;\n"));
    }
    batch.push_str(sql);
    batch.push('\n');
    for t in tables {
        batch.push_str(&format!("ALTER TABLE {t} ENABLE TRIGGER ALL;\n"));
    }
    db.client().batch_execute(&batch).unwrap();
}

/// The same edit on both engines, then `check` compared; returns its
/// stdout lines (the findings).
fn tampered_on_both(lab: &Lab, db: &PgDb, tables: &[&str], sql: &str) -> Vec<String> {
    tamper_sqlite(lab, sql);
    tamper_pg(db, tables, sql);
    let (code, out) = check_on_both(lab, db, &[]);
    assert_eq!(code, Some(3), "{out}");
    out.lines().map(str::to_owned).collect()
}

#[test]
fn pg_check_a_clean_lab_says_what_sqlite_says() {
    sqlite_file_test(BOTH);
    let Some((lab, db)) = demo_on_postgres("check_clean") else {
        return;
    };
    let (code, out) = check_on_both(&lab, &db, &[]);
    assert_eq!(code, Some(0), "{out}");
    check_on_both(&lab, &db, &["--quick"]);
    // amcheck was there to be used (the tests run as a superuser): no
    // word that the indexes went unverified.
    let pg = lab.run(&["--db", &db.url, "check"]);
    assert!(!stderr(&pg).contains("amcheck"), "{}", stderr(&pg));
    let installed: i64 = db
        .client()
        .query_one(
            "SELECT count(*) FROM pg_extension WHERE extname = 'amcheck'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(installed, 1);
}

#[test]
fn pg_check_names_a_ledger_row_edited_beneath_the_triggers() {
    sqlite_file_test(BOTH);
    let Some((lab, db)) = demo_on_postgres("check_ledger_edit") else {
        return;
    };
    // An issue "fixed" with the balance to match: only the hash shows it.
    let lines = tampered_on_both(
        &lab,
        &db,
        &["movements", "balances"],
        "UPDATE movements SET quantity = quantity - 1 WHERE id = 40;
         UPDATE balances SET quantity = quantity - 1
          WHERE (lot_id, location_id) = (SELECT lot_id, location_id FROM movements WHERE id = 40);",
    );
    assert_eq!(
        lines,
        [
            "movements row 40 no longer matches its hash: it was changed outside labstock \
          (run `labstock audit --entity movement:40`)"
        ]
    );
}

#[test]
fn pg_check_names_a_deleted_chain_row_and_the_balance_it_leaves_wrong() {
    sqlite_file_test(BOTH);
    let Some((lab, db)) = demo_on_postgres("check_chain_delete") else {
        return;
    };
    // The latest movement no other record refers to.
    let id: i64 = db
        .client()
        .query_one(
            "SELECT max(m.id) FROM movements m WHERE m.kind = 'issue' \
               AND NOT EXISTS (SELECT 1 FROM movements r WHERE r.reverses = m.id) \
               AND NOT EXISTS (SELECT 1 FROM waste_records w WHERE w.movement_id = m.id) \
               AND NOT EXISTS (SELECT 1 FROM batch_components c WHERE c.movement_id = m.id) \
               AND NOT EXISTS (SELECT 1 FROM batches b WHERE b.movement_id = m.id) \
               AND m.id < (SELECT max(id) FROM movements)",
            &[],
        )
        .unwrap()
        .get(0);
    let lines = tampered_on_both(
        &lab,
        &db,
        &["movements"],
        &format!("DELETE FROM movements WHERE id = {id};"),
    );
    assert!(
        lines.iter().any(|l| l.contains(&format!(
            "movements row {id} is missing: deleted outside labstock"
        ))),
        "{lines:?}"
    );
    assert!(
        lines.iter().any(|l| l.contains("ledger sums to")),
        "{lines:?}"
    );
}

#[test]
fn pg_check_names_an_edited_balance_lot_and_order_line() {
    sqlite_file_test(BOTH);
    let Some((lab, db)) = demo_on_postgres("check_caches") else {
        return;
    };
    // A balance, a lot's expiry (defect 6 of issue 12) and an order's
    // received quantity, each edited beneath the rules.
    let lines = tampered_on_both(
        &lab,
        &db,
        &["balances", "lots", "orders"],
        "UPDATE balances SET quantity = quantity + 5
          WHERE (lot_id, location_id, opened_on) =
                (SELECT lot_id, location_id, opened_on FROM balances WHERE quantity > 0
                  ORDER BY lot_id, location_id, opened_on LIMIT 1);
         UPDATE lots SET expiry = '2099-12-31'
          WHERE id = (SELECT min(id) FROM lots WHERE expiry IS NOT NULL);
         UPDATE orders SET received = received + 1 WHERE id = (SELECT min(id) FROM orders);",
    );
    for expected in [
        "balance says",
        "its creation record says expiry",
        "receipts in the ledger sum to",
    ] {
        assert!(
            lines.iter().any(|l| l.contains(expected)),
            "{expected}: {lines:?}"
        );
    }
}

#[test]
fn pg_check_names_a_row_that_refers_to_nothing() {
    sqlite_file_test(BOTH);
    let Some((lab, db)) = demo_on_postgres("check_foreign_key") else {
        return;
    };
    // A lot event for a lot that does not exist, slipped in with the
    // foreign keys off: the chain breaks at that row, and the row is
    // named by the foreign-key check on both engines.
    let lines = tampered_on_both(
        &lab,
        &db,
        &["lot_events"],
        "INSERT INTO lot_events (id, lot_id, action, on_date, reason, at, \"user\", hash)
         SELECT max(id) + 1, 999999, 'quarantine', NULL, 'x', '2026-11-20T09:00:00Z', 'mallory',
                (SELECT hash FROM lot_events WHERE id = 1) FROM lot_events;",
    );
    assert!(
        lines.contains(&"1 rows refer to records that do not exist".to_owned()),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("foreign key: lot_events row ")
                && l.contains("(lot_id = 999999) refers to a row of lots that does not exist")),
        "{lines:?}"
    );
}

#[test]
fn pg_check_names_a_dropped_or_disabled_trigger() {
    sqlite_file_test(BOTH);
    let Some((lab, db)) = demo_on_postgres("check_triggers") else {
        return;
    };
    db.client()
        .batch_execute(
            "DROP TRIGGER movements_no_update ON movements;
             ALTER TABLE lot_events DISABLE TRIGGER lot_events_no_delete;
             ALTER TABLE balances DISABLE TRIGGER ALL;",
        )
        .unwrap();
    let out = lab.run(&["--db", &db.url, "check"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(
        lines[0].starts_with(
            "movements: trigger(s) movements_no_update missing: dropped outside labstock"
        ),
        "{lines:?}"
    );
    assert!(
        lines[1]
            .starts_with("lot_events: trigger(s) lot_events_no_delete disabled outside labstock"),
        "{lines:?}"
    );
    assert!(
        lines[2].starts_with("balances: foreign key(s) ")
            && lines[2].contains("not enforced: their triggers were disabled outside labstock"),
        "{lines:?}"
    );
    assert!(
        stderr(&out).contains("check found 0 balance difference(s) and 3 other problem(s)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn pg_check_says_when_amcheck_is_not_available() {
    sqlite_file_test(BOTH);
    let Some((lab, db)) = demo_on_postgres("check_no_amcheck") else {
        return;
    };
    // A role that may read everything but not create an extension.
    let Some(at) = db.url.find("://").map(|i| i + 3) else {
        return;
    };
    let Some(user_end) = db.url[at..].find('@').map(|i| at + i) else {
        eprintln!(
            "pg_check_says_when_amcheck_is_not_available NOT RUN: the test URL names no user"
        );
        return;
    };
    let role = format!("labstock_reader_{}", std::process::id());
    let mut admin = db.client();
    admin
        .batch_execute(&format!(
            "DROP ROLE IF EXISTS {role}; CREATE ROLE {role} LOGIN; GRANT pg_read_all_data TO {role};"
        ))
        .unwrap();
    let url = format!("{}{role}{}", &db.url[..at], &db.url[user_end..]);
    let out = lab.run(&["--db", &url, "check"]);
    admin.batch_execute(&format!("DROP ROLE {role}")).unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "check: PostgreSQL's amcheck extension is not available (permission denied to create extension \"amcheck\"): the indexes were not verified"
        ),
        "{}",
        stderr(&out)
    );
}

#[test]
fn pg_audit_lists_the_same_trail() {
    sqlite_file_test(BOTH);
    let Some((lab, db)) = demo_on_postgres("audit") else {
        return;
    };
    for args in [
        &["audit", "--format", "csv"][..],
        &["audit", "--format", "json", "--entity", "item:rgt-alt"],
        &["audit", "--format", "csv", "--by", "S.MURRAY"],
        &[
            "audit",
            "--format",
            "csv",
            "--from",
            "2026-11-20",
            "--to",
            "2026-11-21",
        ],
        &["audit", "--format", "csv", "--entity", "movement:5"],
        &["audit", "--format", "csv", "--entity", "excursion"],
        &[
            "audit",
            "--format",
            "csv",
            "--entity",
            "temperature_reading",
        ],
        &["audit", "--format", "csv", "--entity", "nonsense"],
        &[
            "audit",
            "--format",
            "csv",
            "--from",
            "2026-11-21",
            "--to",
            "2026-11-20",
        ],
        &["audit", "--heads", "--format", "csv"],
    ] {
        same_on_both(&lab, &db, args);
    }
    // A reading's min and max are named only when recorded.
    let readings = lab.ok(&[
        "audit",
        "--format",
        "csv",
        "--entity",
        "temperature_reading",
    ]);
    assert!(!readings.contains("min 0.00; max 0.00"), "{readings}");
}
