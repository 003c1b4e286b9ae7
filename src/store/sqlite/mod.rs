//! The SQLite engine of the storage seam: [`Engine`] over a rusqlite
//! connection (or a transaction on it, which derefs to one). Statements are
//! prepared once per connection (`prepare_cached`).
//!
//! The rest of SQLite's side lives beside it: the file looked at before
//! SQLite opens it (`open.rs`), the SQLite side of [`Store`] (`store.rs`:
//! opening, creating, configuring, migrating, the write transaction),
//! the migrations, the seed rows, the online backup (`backup.rs`),
//! SQLite's own checks (`check.rs`), the classification of its errors
//! (`error.rs`), the statement trace and the domain values' bindings
//! (`values.rs`). No code outside `store/` names rusqlite.
//!
//! [`Store`]: crate::store::Store

pub(crate) mod backup;
pub(crate) mod check;
mod error;
pub(crate) mod migrations;
pub(crate) mod open;
pub mod seed;
pub(crate) mod store;
mod trace;
mod values;

use std::borrow::Cow;

/// The connection [`crate::store::Store`] holds on this engine.
pub(in crate::store) use rusqlite::Connection;
use rusqlite::ToSql;
use rusqlite::types::{ToSqlOutput, ValueRef};

use crate::error::Result;
use crate::store::conn::{Cell, Engine, EngineKind, Row, RowSource, Sql, ToCell};

/// A bound parameter as rusqlite takes it.
pub(in crate::store) struct Bound<'a>(pub(in crate::store) Cell<'a>);

impl ToSql for Bound<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match &self.0 {
            Cell::Null => ValueRef::Null,
            Cell::Integer(i) => ValueRef::Integer(*i),
            Cell::Real(r) => ValueRef::Real(*r),
            Cell::Text(t) => ValueRef::Text(t.as_bytes()),
            Cell::Blob(b) => ValueRef::Blob(b),
        }))
    }
}

/// Column `i` of a row, owned (what `copy` carries between engines).
pub(in crate::store) fn owned_cell(row: &rusqlite::Row<'_>, i: usize) -> Result<Cell<'static>> {
    Ok(match cell_of(row.get_ref(i)?)? {
        Cell::Text(t) => Cell::Text(Cow::Owned(t.into_owned())),
        Cell::Blob(b) => Cell::Blob(Cow::Owned(b.into_owned())),
        Cell::Null => Cell::Null,
        Cell::Integer(i) => Cell::Integer(i),
        Cell::Real(r) => Cell::Real(r),
    })
}

/// The value of a column as the seam carries it.
pub(crate) fn cell_of(v: ValueRef<'_>) -> Result<Cell<'_>> {
    Ok(match v {
        ValueRef::Null => Cell::Null,
        ValueRef::Integer(i) => Cell::Integer(i),
        ValueRef::Real(r) => Cell::Real(r),
        ValueRef::Text(t) => Cell::Text(Cow::Borrowed(std::str::from_utf8(t).map_err(|e| {
            crate::error::Error::Sqlite {
                detail: format!("stored text is not UTF-8: {e}"),
            }
        })?)),
        ValueRef::Blob(b) => Cell::Blob(Cow::Borrowed(b)),
    })
}

struct SqliteRow<'a, 'stmt>(&'a rusqlite::Row<'stmt>);

impl RowSource for SqliteRow<'_, '_> {
    fn cell(&self, i: usize) -> Result<Cell<'_>> {
        cell_of(self.0.get_ref(i)?)
    }

    fn column_names(&self) -> Vec<String> {
        self.0
            .as_ref()
            .column_names()
            .into_iter()
            .map(str::to_owned)
            .collect()
    }
}

fn bind<'a>(params: &'a [&'a dyn ToCell]) -> Vec<Bound<'a>> {
    params.iter().map(|p| Bound(p.to_cell())).collect()
}

impl Engine for Connection {
    fn kind(&self) -> EngineKind {
        EngineKind::Sqlite
    }

    fn query(
        &self,
        sql: &Sql,
        params: &[&dyn ToCell],
        each: &mut dyn FnMut(&Row<'_>) -> Result<bool>,
    ) -> Result<()> {
        let mut stmt = self.prepare_cached(sql.sqlite())?;
        let bound = bind(params);
        let refs: Vec<&dyn ToSql> = bound.iter().map(|b| b as &dyn ToSql).collect();
        let mut rows = stmt.query(&*refs)?;
        while let Some(r) = rows.next()? {
            let source = SqliteRow(r);
            if !each(&Row::new(&source))? {
                break;
            }
        }
        Ok(())
    }

    fn execute(&self, sql: &Sql, params: &[&dyn ToCell]) -> Result<usize> {
        let mut stmt = self.prepare_cached(sql.sqlite())?;
        let bound = bind(params);
        let refs: Vec<&dyn ToSql> = bound.iter().map(|b| b as &dyn ToSql).collect();
        Ok(stmt.execute(&*refs)?)
    }

    fn insert(&self, sql: &Sql, params: &[&dyn ToCell]) -> Result<i64> {
        Engine::execute(self, sql, params)?;
        Ok(self.last_insert_rowid())
    }

    fn lock_chain(&self, _: &crate::chain::Chained) -> Result<()> {
        // The IMMEDIATE transaction already holds the database's one
        // write lock.
        Ok(())
    }

    fn insert_chained(
        &self,
        table: &crate::chain::Chained,
        id: i64,
        values: &[&dyn ToCell],
        hash: &[u8],
    ) -> Result<()> {
        let mut stmt = self.prepare_cached(table.insert_sql())?;
        let mut bound = Vec::with_capacity(values.len() + 2);
        bound.push(Bound(Cell::Integer(id)));
        bound.extend(values.iter().map(|v| Bound(v.to_cell())));
        bound.push(Bound(Cell::Blob(Cow::Borrowed(hash))));
        let refs: Vec<&dyn ToSql> = bound.iter().map(|b| b as &dyn ToSql).collect();
        stmt.execute(&*refs)?;
        Ok(())
    }
}

impl<'c> From<&'c Connection> for crate::store::Conn<'c> {
    fn from(c: &'c Connection) -> Self {
        crate::store::Conn::new(c)
    }
}

impl<'c> From<&'c rusqlite::Transaction<'_>> for crate::store::Conn<'c> {
    fn from(t: &'c rusqlite::Transaction<'_>) -> Self {
        crate::store::Conn::new(&**t)
    }
}

/// The seam's connection over a SQLite connection or transaction.
pub(crate) fn conn(c: &Connection) -> crate::store::Conn<'_> {
    crate::store::Conn::new(c)
}

/// Case-insensitive comparison for every Unicode letter (SPEC §12: codes
/// match ignoring case the same way on both engines). SQLite's built-in
/// NOCASE folds only ASCII; [`register_nocase`] puts this in its place on
/// every connection, so `COLLATE NOCASE` columns, indexes and comparisons
/// fold `É`/`é` as PostgreSQL's `labstock_nocase` does. Each character is
/// compared by its lowercase mapping, then the text as stored breaks no
/// tie (equal ignoring case is equal). ASCII text, nearly every code, is
/// compared byte by byte without allocating.
pub(crate) fn nocase(a: &str, b: &str) -> std::cmp::Ordering {
    if a.is_ascii() && b.is_ascii() {
        return a
            .bytes()
            .map(|c| c.to_ascii_lowercase())
            .cmp(b.bytes().map(|c| c.to_ascii_lowercase()));
    }
    a.chars()
        .flat_map(char::to_lowercase)
        .cmp(b.chars().flat_map(char::to_lowercase))
}

/// Replace SQLite's ASCII-only NOCASE with [`nocase`] on this connection.
/// Must run before the first statement that compares under NOCASE.
pub(crate) fn register_nocase(conn: &Connection) -> Result<()> {
    conn.create_collation("NOCASE", nocase)?;
    Ok(())
}

#[cfg(test)]
mod nocase_tests {
    use std::cmp::Ordering;

    use super::nocase;

    #[test]
    fn nocase_folds_every_unicode_letter_and_orders_like_ascii_nocase() {
        assert_eq!(nocase("RGT-Abc", "rgt-aBC"), Ordering::Equal);
        assert_eq!(nocase("CAFÉ-1", "café-1"), Ordering::Equal);
        assert_eq!(nocase("ΣΤΟΚ", "στοκ"), Ordering::Equal);
        assert_eq!(nocase("ÅNGSTRÖM", "ångström"), Ordering::Equal);
        assert_ne!(
            nocase("CAFE", "CAFÉ"),
            Ordering::Equal,
            "accents still count"
        );
        assert_eq!(nocase("abc", "ABD"), Ordering::Less);
        assert_eq!(nocase("B", "a"), Ordering::Greater);
        assert_eq!(nocase("a", "a_"), Ordering::Less);
        // ASCII and non-ASCII compare consistently.
        assert_eq!(nocase("Z", "é"), Ordering::Less);
        assert_eq!(nocase("Zé", "zÉ"), Ordering::Equal);
    }
}

/// The chained tables (`crate::chain`) against SQLite's schema.
#[cfg(test)]
mod chain_schema_tests {
    use crate::store::Store;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::init(
            &dir.path().join("lab.db"),
            "2026-11-21T09:00:00Z",
            "a.tester",
        )
        .unwrap();
        (dir, store)
    }

    /// The hashed column lists are every column of the table but id and
    /// hash, so a column added to the schema cannot escape the hash.
    #[test]
    fn column_lists_match_the_schema() {
        let (_dir, store) = store();
        let conn = store.connection().expect("a SQLite store");
        for table in crate::chain::TABLES {
            let mut stmt = conn
                .prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")
                .unwrap();
            let cols: Vec<String> = stmt
                .query_map([table.table()], |r| r.get(0))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            let mut expected = vec!["id".to_owned()];
            expected.extend(table.columns().iter().map(|c| (*c).to_owned()));
            expected.push("hash".to_owned());
            let mut got = cols.clone();
            got.sort();
            expected.sort();
            assert_eq!(got, expected, "{}", table.table());
        }
    }

    /// Every append-only table of the schema is chained.
    #[test]
    fn every_append_only_table_is_chained() {
        let (_dir, store) = store();
        let conn = store.connection().expect("a SQLite store");
        let mut stmt = conn
            .prepare("SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%_no_update'")
            .unwrap();
        let tables: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        // Content-addressed: each row is named by its SHA-256 from a
        // chained row (`sds_revisions.sha256`), and `check` recomputes the
        // hash of every document (`sds::documents_disagreeing`).
        let content_addressed = ["sds_documents"];
        for t in tables {
            if content_addressed.contains(&t.as_str()) {
                continue;
            }
            assert!(
                crate::chain::TABLES.iter().any(|c| c.table() == t),
                "{t} is append-only but not chained"
            );
        }
    }
}
