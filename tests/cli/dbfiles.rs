//! Bad database files (issue 8): a missing file, a non-SQLite file, an
//! empty file, another application's SQLite database, a labstock database
//! from a newer version, a truncated file, a damaged page, a read-only
//! file. Each gets a clear `error:` and its exit code, and the directory
//! holding it is left byte-for-byte as it was: no file changed, no
//! `-wal`/`-shm` created.

use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::Connection;

use crate::common::Lab;

/// Every file in `dir` with its bytes.
pub(crate) fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let bytes = if e.file_type().unwrap().is_file() {
                std::fs::read(e.path()).unwrap()
            } else {
                Vec::new()
            };
            (e.file_name().to_string_lossy().into_owned(), bytes)
        })
        .collect()
}

/// Commands that read, that write, that check and that back up.
const COMMANDS: &[&[&str]] = &[
    &["stock"],
    &["report", "reorder"],
    &["receive", "GLV", "1"],
    &["item", "add", "NEW", "--name", "New"],
    &["check"],
    &["backup", "copy.db"],
];

/// Run every command against the lab's database path and require `code`,
/// a message containing `says`, and the directory unchanged.
fn refused_everywhere(lab: &Lab, code: i32, says: &str) {
    let before = files(lab.path());
    for args in COMMANDS {
        let err = lab.fails(args, code);
        assert!(err.contains(says), "labstock {args:?}: {err}");
        assert!(
            err.contains(&lab.db.display().to_string()),
            "names the file: {err}"
        );
        assert!(err.contains("hint: "), "gives a next step: {err}");
        assert_eq!(
            files(lab.path()),
            before,
            "labstock {args:?} changed or created a file"
        );
    }
}

/// A lab with some stock, its database closed (WAL checkpointed away).
fn stocked_lab() -> Lab {
    let lab = Lab::new_sqlite();
    lab.ok(&["item", "add", "GLV", "--name", "Gloves"]);
    for _ in 0..30 {
        lab.ok(&["receive", "GLV", "5", "--note", &"x".repeat(400)]);
    }
    assert_eq!(
        sidecars(&lab.db),
        Vec::<String>::new(),
        "closed cleanly, no -wal"
    );
    lab
}

fn sidecars(db: &Path) -> Vec<String> {
    ["-wal", "-shm", "-journal"]
        .iter()
        .filter(|s| {
            let mut p = db.as_os_str().to_owned();
            p.push(s);
            Path::new(&p).exists()
        })
        .map(|s| (*s).to_owned())
        .collect()
}

#[test]
fn a_missing_database_exits_66_and_is_not_created() {
    let lab = Lab::empty_sqlite();
    for args in COMMANDS {
        let err = lab.fails(args, 66);
        assert!(err.contains("no labstock database at"), "{err}");
        assert!(err.contains("labstock --db"), "hint to init: {err}");
    }
    assert!(files(lab.path()).is_empty(), "{:?}", files(lab.path()));
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_unchanged() {
    let lab = Lab::empty_sqlite();
    std::fs::write(&lab.db, "item,name\nGLV,Gloves\n").unwrap();
    refused_everywhere(
        &lab,
        1,
        "is not a labstock database: it is not an SQLite database file",
    );
}

#[test]
fn an_empty_file_is_refused_with_a_hint_to_init() {
    let lab = Lab::empty_sqlite();
    std::fs::write(&lab.db, "").unwrap();
    refused_everywhere(&lab, 1, "the file is empty");
    assert!(lab.fails(&["stock"], 1).contains("init"));
    lab.ok(&["init"]);
}

#[test]
fn a_directory_is_refused() {
    let lab = Lab::empty_sqlite();
    std::fs::create_dir(&lab.db).unwrap();
    refused_everywhere(&lab, 1, "it is a directory");
}

/// Regression (issue 8): opening set `journal_mode = WAL` before looking at
/// `application_id`, rewriting the header of another program's database.
#[test]
fn another_applications_database_is_refused_byte_for_byte_unchanged() {
    for wal in [false, true] {
        let lab = Lab::empty_sqlite();
        {
            let conn = Connection::open(&lab.db).unwrap();
            if wal {
                conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
                    .unwrap();
            }
            conn.execute_batch(
                "PRAGMA application_id = 1095781459; -- 0x41504C53, 'APLS'
                 PRAGMA user_version = 7;
                 CREATE TABLE samples (id INTEGER PRIMARY KEY, barcode TEXT);
                 INSERT INTO samples (barcode) VALUES ('S-1'), ('S-2');",
            )
            .unwrap();
        }
        assert!(sidecars(&lab.db).is_empty());
        refused_everywhere(
            &lab,
            1,
            "it is the SQLite database of another application (application_id 0x41504c53",
        );
    }
}

#[test]
fn a_plain_sqlite_database_without_labstocks_identity_is_refused() {
    let lab = Lab::empty_sqlite();
    Connection::open(&lab.db)
        .unwrap()
        .execute_batch("CREATE TABLE items (code TEXT); INSERT INTO items VALUES ('GLV');")
        .unwrap();
    refused_everywhere(&lab, 1, "without labstock's identity and schema");
}

#[test]
fn a_database_from_a_newer_labstock_is_refused_unchanged() {
    let lab = stocked_lab();
    let ours = labstock::store::SCHEMA_VERSION;
    Connection::open(&lab.db)
        .unwrap()
        .pragma_update(None, "user_version", ours + 1)
        .unwrap();
    assert!(sidecars(&lab.db).is_empty());
    refused_everywhere(
        &lab,
        1,
        &format!(
            "has schema version {}, newer than this labstock understands ({ours})",
            ours + 1
        ),
    );
    assert!(lab.fails(&["stock"], 1).contains("upgrade labstock"));
}

/// A database made by a pre-release build (version 1, before the hash
/// chains and `order_events`) is named as such, with the way forward,
/// instead of failing later on a missing table.
#[test]
fn a_pre_release_database_is_refused_by_name_and_left_unchanged() {
    let lab = stocked_lab();
    Connection::open(&lab.db)
        .unwrap()
        .execute_batch("DROP TABLE order_events;")
        .unwrap();
    assert!(sidecars(&lab.db).is_empty());
    refused_everywhere(&lab, 1, "made by a pre-release labstock");
    assert!(lab.fails(&["stock"], 1).contains("export movements"));
}

/// A newer database whose change still sits in the WAL (the other process
/// was killed): SQLite, not the stale header, decides.
#[test]
fn a_newer_version_waiting_in_the_wal_is_refused_too() {
    let lab = stocked_lab();
    let conn = Connection::open(&lab.db).unwrap();
    conn.pragma_update(None, "user_version", labstock::store::SCHEMA_VERSION + 1)
        .unwrap();
    // Keep the connection open so the change stays in the WAL.
    let err = lab.fails(&["stock"], 1);
    assert!(err.contains("newer than this labstock"), "{err}");
    drop(conn);
}

#[test]
fn a_truncated_database_is_refused_as_damaged_and_left_alone() {
    let whole = stocked_lab().db_bytes();
    assert!(whole.len() > 8192, "{}", whole.len());
    for keep in [100, 4096, whole.len() / 2, whole.len() - 4096] {
        let lab = Lab::empty_sqlite();
        std::fs::write(&lab.db, &whole[..keep]).unwrap();
        refused_everywhere(&lab, 1, "is damaged: the file is truncated");
        let err = lab.fails(&["stock"], 1);
        assert!(
            err.contains(&format!("the file has {keep}")),
            "says how much is there: {err}"
        );
        assert!(err.contains("labstock backup"), "suggests a backup: {err}");
    }
    // Cut inside the header itself: not even an SQLite header any more.
    let lab = Lab::empty_sqlite();
    std::fs::write(&lab.db, &whole[..50]).unwrap();
    refused_everywhere(&lab, 1, "not an SQLite database file");
}

/// Overwrite the cell pointers of `name`'s root page with garbage.
fn damage_root_page(db: &Path, name: &str) {
    let page: i64 = Connection::open(db)
        .unwrap()
        .query_row(
            "SELECT rootpage FROM sqlite_master WHERE name = ?1",
            [name],
            |r| r.get(0),
        )
        .unwrap();
    let mut bytes = std::fs::read(db).unwrap();
    let at = (page as usize - 1) * 4096 + 8;
    bytes[at..at + 64].fill(0xff);
    std::fs::write(db, bytes).unwrap();
}

#[test]
fn check_reports_a_damaged_index_that_sqlite_finds() {
    let lab = stocked_lab();
    damage_root_page(&lab.db, "movements_at");
    // The daily quick check sees a broken page as well as the full one.
    for args in [&["check"][..], &["check", "--quick"]] {
        let out = lab.run(args);
        assert_eq!(out.status.code(), Some(3), "{args:?}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("SQLite integrity_check found"), "{stdout}");
        assert!(stdout.contains("integrity_check: "), "{stdout}");
        assert!(stdout.contains("labstock backup"), "{stdout}");
    }
}

#[test]
fn a_damaged_table_is_refused_with_the_file_named() {
    let lab = stocked_lab();
    damage_root_page(&lab.db, "items");
    let before = files(lab.path());
    let err = lab.fails(&["stock"], 1);
    assert!(err.contains("is damaged"), "{err}");
    assert!(err.contains(&lab.db.display().to_string()), "{err}");
    assert!(!err.contains("database error"), "classified: {err}");
    lab.fails(&["receive", "GLV", "1"], 1);
    assert_eq!(files(lab.path()), before);
}

#[test]
fn check_names_a_row_that_breaks_a_check_constraint() {
    let lab = stocked_lab();
    Connection::open(&lab.db)
        .unwrap()
        .execute_batch(
            "PRAGMA ignore_check_constraints = ON;
             UPDATE items SET pack_size = 0 WHERE code = 'GLV';",
        )
        .unwrap();
    let out = lab.run(&["check"]);
    assert_eq!(out.status.code(), Some(3));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("integrity_check: CHECK constraint failed in items"),
        "{stdout}"
    );
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(unix)]
#[test]
fn a_read_only_database_can_be_read_checked_and_backed_up_but_not_written() {
    let lab = stocked_lab();
    set_mode(&lab.db, 0o444);
    let before = files(lab.path());
    let stock = lab.csv(&["stock"]);
    assert_eq!(stock[1][5], "150", "{stock:?}");
    lab.ok(&["report", "reorder"]);
    lab.ok(&["history", "GLV"]);
    lab.ok(&["check"]);
    for args in [
        &["receive", "GLV", "1"][..],
        &["issue", "GLV", "1"],
        &["item", "add", "NEW", "--name", "New"],
    ] {
        let err = lab.fails(args, 1);
        assert!(err.contains("is read-only"), "{err}");
        assert!(err.contains(&lab.db.display().to_string()), "{err}");
        assert!(err.contains("nothing was written"), "{err}");
        assert!(
            !err.contains("attempt to write"),
            "not SQLite's words: {err}"
        );
    }
    assert_eq!(files(lab.path()), before, "nothing written, no -wal/-shm");
    lab.ok(&["backup", "copy.db"]);
    let mut after = files(lab.path());
    assert!(after.remove("copy.db").is_some());
    assert_eq!(after, before);
    set_mode(&lab.db, 0o644);
    lab.ok(&["receive", "GLV", "1"]);
}

#[test]
fn check_names_foreign_key_violations_made_behind_labstocks_back() {
    let lab = stocked_lab();
    lab.ok(&["order", "add", "PO-1", "--item", "GLV", "--quantity", "5"]);
    lab.ok(&["check"]);
    Connection::open(&lab.db)
        .unwrap()
        .execute_batch(
            "PRAGMA foreign_keys = OFF;
             UPDATE orders SET item_id = 999 WHERE reference = 'PO-1';
             INSERT INTO item_levels (item_id, location_id, reorder_level) VALUES (998, 1, 5);",
        )
        .unwrap();
    let out = lab.run(&["check"]);
    assert_eq!(out.status.code(), Some(3));
    let stdout = String::from_utf8_lossy(&out.stdout);
    for named in [
        "foreign key: orders row 1 (item_id = 999) refers to a row of items that does not exist",
        "foreign key: item_levels: a row's item_id refers to a row of items that does not exist",
    ] {
        assert!(stdout.contains(named), "{named}\n{stdout}");
    }
    // A backup of such a database is refused, and leaves nothing behind.
    let err = lab.fails(&["backup", "copy.db"], 3);
    assert!(err.contains("failed verification"), "{err}");
    assert!(!lab.path().join("copy.db").exists());
}
