//! SQLite's own consistency checks for `check` (src/check.rs): the file's
//! page structure (`integrity_check` / `quick_check`) and its foreign
//! keys (`foreign_key_check`), named row by row. PostgreSQL's
//! counterparts are in `store/postgres/check.rs`.

use rusqlite::Connection;

use crate::check::{ForeignKeys, NAMED_VIOLATIONS, foreign_key_problem, more_foreign_key_rows};
use crate::error::Result;
use crate::store::Store;

/// SQLite's checks as `check` asks for them, on this store's connection;
/// on PostgreSQL each is [`crate::Error::NotOnPostgres`].
impl Store {
    /// [`with_page_cache`] on this store's connection.
    pub(crate) fn with_sqlite_page_cache<T>(
        &self,
        kib: i64,
        work: impl FnOnce() -> Result<T>,
    ) -> Result<T> {
        with_page_cache(self.sqlite()?, kib, work)
    }

    /// [`integrity_problems`] of this store's database.
    pub(crate) fn sqlite_integrity_problems(&self, quick: bool) -> Result<Vec<String>> {
        integrity_problems(self.sqlite()?, quick)
    }

    /// [`foreign_keys`] of this store's database.
    pub(crate) fn sqlite_foreign_keys(&self, ledger_has_dangling: bool) -> Result<ForeignKeys> {
        foreign_keys(self.sqlite()?, ledger_has_dangling)
    }
}

/// Run `work` with this connection's page cache at `kib` KiB, then put
/// it back: the point lookups of every lot, item and location the ledger
/// names stay in memory instead of being read from the file again and
/// again.
fn with_page_cache<T>(conn: &Connection, kib: i64, work: impl FnOnce() -> Result<T>) -> Result<T> {
    let before: i64 = conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
    conn.pragma_update(None, "cache_size", -kib.abs())?;
    let out = work();
    conn.pragma_update(None, "cache_size", before)?;
    out
}

/// What `PRAGMA integrity_check` (page structure, indexes against their
/// tables, NOT NULL and CHECK constraints) finds; `quick` runs
/// `quick_check`, which skips comparing every index with its table
/// (several times faster on a large ledger).
fn integrity_problems(conn: &Connection, quick: bool) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    // integrity_check does its own, fuller checking of every cell; with
    // cell_size_check on it would stop at the first damaged cell.
    conn.pragma_update(None, "cell_size_check", false)?;
    let mut found = Vec::new();
    let run = conn
        .prepare(if quick {
            "PRAGMA quick_check"
        } else {
            "PRAGMA integrity_check"
        })
        .and_then(|mut integrity| {
            let mut rows = integrity.query([])?;
            while let Some(r) = rows.next()? {
                found.push(r.get::<_, String>(0)?);
            }
            Ok(())
        });
    conn.pragma_update(None, "cell_size_check", true)?;
    if let Err(e) = run {
        found.push(format!("stopped: {e}"));
    }
    if found.iter().any(|m| m != "ok") {
        problems.push(format!(
                "SQLite integrity_check found {} problem(s): the file is damaged; keep it for investigation and restore the latest copy made by `labstock backup FILE`",
                found.len()
            ));
        problems.extend(found.into_iter().map(|m| format!("integrity_check: {m}")));
    }
    Ok(problems)
}

/// What `PRAGMA foreign_key_check` finds, table by table in name order:
/// the rows of every table but the ledger counted, and each violation
/// named by table, row, column and the missing parent. The ledger's
/// references are counted from its distinct ids by `check`'s pass over
/// it; its rows are named only when that found some
/// (`ledger_has_dangling`), because checking millions of movements row
/// by row would double the time `check` takes.
fn foreign_keys(conn: &Connection, ledger_has_dangling: bool) -> Result<ForeignKeys> {
    let mut out = ForeignKeys::default();
    let mut tables = conn.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )?;
    let names = tables
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut violations =
        conn.prepare("SELECT rowid, parent, fkid FROM pragma_foreign_key_check(?1)")?;
    let mut columns = conn
        .prepare("SELECT \"from\" FROM pragma_foreign_key_list(?1) WHERE id = ?2 ORDER BY seq")?;
    for table in names {
        if table == "movements" && !ledger_has_dangling {
            continue;
        }
        let rows = violations
            .query_map([&table], |r| {
                Ok((
                    r.get::<_, Option<i64>>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        if table != "movements" {
            out.rows += i64::try_from(rows.len()).unwrap_or(i64::MAX);
        }
        for (rowid, parent, fkid) in rows.iter().take(NAMED_VIOLATIONS) {
            let cols = columns
                .query_map(rusqlite::params![table, fkid], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let values = match rowid {
                Some(id) => Some(
                    cols.iter()
                        .map(|c| {
                            let sql = format!(
                                "SELECT {} FROM {} WHERE rowid = ?1",
                                quote_ident(c),
                                quote_ident(&table)
                            );
                            let v: rusqlite::types::Value =
                                conn.query_row(&sql, [id], |r| r.get(0))?;
                            let cell = super::cell_of(rusqlite::types::ValueRef::from(&v))?;
                            Ok((c.clone(), crate::check::shown_value(&cell)))
                        })
                        .collect::<Result<Vec<_>>>()?,
                ),
                None => None,
            };
            out.problems.push(foreign_key_problem(
                &table,
                rowid.zip(values.as_deref()),
                &cols,
                parent,
            ));
        }
        if rows.len() > NAMED_VIOLATIONS {
            out.problems
                .push(more_foreign_key_rows(&table, rows.len() - NAMED_VIOLATIONS));
        }
    }
    Ok(out)
}

/// An SQL identifier from the schema, quoted (it cannot be a parameter).
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
