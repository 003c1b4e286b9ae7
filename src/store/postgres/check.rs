//! PostgreSQL's counterparts of SQLite's own consistency checks for
//! `check` (src/check.rs; SQLite's are in `store/sqlite/check.rs`):
//!
//! * every index verified by the `amcheck` extension (`bt_index_check`;
//!   with `heapallindexed`, every row found in the index, unless
//!   `--quick`), the extension created when it can be and the output
//!   saying so when it cannot;
//! * every trigger of the schema present and enabled: the append-only
//!   rules live in triggers, and someone who edits evidence beneath them
//!   drops or disables them first, as do the foreign keys' internal
//!   triggers (`DISABLE TRIGGER ALL`);
//! * every foreign key proven row by row, as SQLite's
//!   `foreign_key_check` does: with its triggers disabled PostgreSQL no
//!   longer enforces one.

use std::collections::{BTreeMap, BTreeSet};

use postgres::{Client, Transaction};

use super::{Cell, MIGRATIONS, SCHEMA, Url, quote};
use crate::check::{ForeignKeys, NAMED_VIOLATIONS, foreign_key_problem, more_foreign_key_rows};
use crate::error::{Error, Refusal, Result};
use crate::store::Store;

/// What the engine's own checks found.
#[derive(Debug, Default)]
pub(crate) struct EngineFindings {
    pub(crate) problems: Vec<String>,
    /// What could not be checked, said on the way out (exit 0 stays 0).
    pub(crate) notes: Vec<String>,
}

/// PostgreSQL's checks as `check` asks for them.
impl Store {
    /// The engine's own checks ([`super::PgStore::engine_checks`]): every
    /// foreign key row by row, every trigger in place, every index by
    /// amcheck. On SQLite, [`Refusal::CheckStopped`].
    pub(crate) fn postgres_engine_checks(
        &self,
        quick: bool,
        ledger_has_dangling: bool,
    ) -> Result<(ForeignKeys, EngineFindings)> {
        match self.postgres_engine() {
            Some(mut pg) => pg.engine_checks(quick, ledger_has_dangling),
            None => Err(Error::Refused(Refusal::CheckStopped)),
        }
    }
}

/// The triggers labstock's schema and migrations create: (table, name).
fn expected_triggers() -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for text in std::iter::once(SCHEMA).chain(MIGRATIONS.iter().copied()) {
        let words: Vec<&str> = text.split_whitespace().collect();
        for (i, pair) in words.windows(2).enumerate() {
            if pair[0] != "CREATE" || pair[1] != "TRIGGER" {
                continue;
            }
            let Some(name) = words.get(i + 2) else {
                continue;
            };
            if let Some(on) = words[i + 3..].iter().position(|w| *w == "ON")
                && let Some(table) = words.get(i + 3 + on + 1)
            {
                out.insert(((*table).to_owned(), (*name).to_owned()));
            }
        }
    }
    out
}

/// Missing or disabled triggers, one sentence per table (and per foreign
/// key whose internal triggers are disabled).
pub(crate) fn trigger_problems(tx: &mut Transaction<'_>, url: &Url) -> Result<Vec<String>> {
    let rows = tx
        .query(
            "SELECT c.relname::text, t.tgname::text, t.tgenabled::text, t.tgisinternal, \
                    coalesce(con.conname::text, '') \
               FROM pg_catalog.pg_trigger t \
               JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid \
               LEFT JOIN pg_catalog.pg_constraint con ON con.oid = t.tgconstraint \
              WHERE c.relnamespace = current_schema()::regnamespace",
            &[],
        )
        .map_err(|e| url.driver(&e))?;
    // 'O' fires (origin), 'A' always; 'D' is disabled and 'R' fires only
    // on a replica: neither guards this database.
    let fires = |enabled: &str| enabled == "O" || enabled == "A";
    let mut present: BTreeMap<(String, String), bool> = BTreeMap::new();
    let mut unenforced: BTreeSet<(String, String)> = BTreeSet::new();
    for r in &rows {
        let (table, name, enabled): (String, String, String) = (r.get(0), r.get(1), r.get(2));
        let (internal, constraint): (bool, String) = (r.get(3), r.get(4));
        if internal {
            if !fires(&enabled) && !constraint.is_empty() {
                unenforced.insert((table, constraint));
            }
        } else {
            present.insert((table, name), fires(&enabled));
        }
    }
    let mut missing: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut disabled: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (table, name) in expected_triggers() {
        match present.get(&(table.clone(), name.clone())) {
            None => missing.entry(table).or_default().push(name),
            Some(false) => disabled.entry(table).or_default().push(name),
            Some(true) => {}
        }
    }
    let mut problems = Vec::new();
    for (table, names) in missing {
        problems.push(format!(
            "{table}: trigger(s) {} missing: dropped outside labstock, so the database no longer enforces {table}'s rules (evidence tables: append-only); restore them from labstock's PostgreSQL schema and find out who dropped them",
            names.join(", ")
        ));
    }
    for (table, names) in disabled {
        problems.push(format!(
            "{table}: trigger(s) {} disabled outside labstock, so the database no longer enforces {table}'s rules (evidence tables: append-only); run `ALTER TABLE {table} ENABLE TRIGGER ALL` and find out who disabled them",
            names.join(", ")
        ));
    }
    let mut tables: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (table, constraint) in unenforced {
        tables.entry(table).or_default().push(constraint);
    }
    for (table, constraints) in tables {
        problems.push(format!(
            "{table}: foreign key(s) {} not enforced: their triggers were disabled outside labstock; run `ALTER TABLE {table} ENABLE TRIGGER ALL`",
            constraints.join(", ")
        ));
    }
    Ok(problems)
}

/// Every foreign key of the schema proven row by row, table by table in
/// name order, as `store::sqlite::check::foreign_keys` does on SQLite:
/// a row whose key columns all hold a value that no row of the parent
/// holds. The ledger's rows are named only when `check`'s pass over it
/// found some (`ledger_has_dangling`).
pub(crate) fn foreign_keys(
    tx: &mut Transaction<'_>,
    url: &Url,
    ledger_has_dangling: bool,
) -> Result<ForeignKeys> {
    let err = |e: postgres::Error| url.driver(&e);
    let constraints = tx
        .query(
            "SELECT c.relname::text, p.relname::text, \
                    ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(n, o) \
                          JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.o), \
                    ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(n, o) \
                          JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.o), \
                    EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a WHERE a.attrelid = con.conrelid \
                            AND a.attname = 'id' AND NOT a.attisdropped) \
               FROM pg_catalog.pg_constraint con \
               JOIN pg_catalog.pg_class c ON c.oid = con.conrelid \
               JOIN pg_catalog.pg_class p ON p.oid = con.confrelid \
              WHERE con.contype = 'f' AND c.relnamespace = current_schema()::regnamespace \
              ORDER BY c.relname COLLATE \"C\", con.conname COLLATE \"C\"",
            &[],
        )
        .map_err(err)?;
    // (table) -> every violating row: (id, columns with values, parent)
    type Violation = (Option<i64>, Vec<String>, Vec<(String, String)>, String);
    let mut found: BTreeMap<String, Vec<Violation>> = BTreeMap::new();
    for con in &constraints {
        let (table, parent): (String, String) = (con.get(0), con.get(1));
        let (columns, keys): (Vec<String>, Vec<String>) = (con.get(2), con.get(3));
        let has_id: bool = con.get(4);
        if table == "movements" && !ledger_has_dangling {
            continue;
        }
        let selected: Vec<String> = columns.iter().map(|c| format!("c.{}", quote(c))).collect();
        let not_null: Vec<String> = selected
            .iter()
            .map(|c| format!("{c} IS NOT NULL"))
            .collect();
        let matches: Vec<String> = keys
            .iter()
            .zip(&selected)
            .map(|(k, c)| format!("p.{} = {c}", quote(k)))
            .collect();
        let sql = format!(
            "SELECT {}, {} FROM {} c WHERE {} AND NOT EXISTS (SELECT 1 FROM {} p WHERE {}) ORDER BY 1",
            if has_id { "c.id" } else { "NULL::bigint" },
            selected.join(", "),
            quote(&table),
            not_null.join(" AND "),
            quote(&parent),
            matches.join(" AND ")
        );
        for row in tx.query(&sql, &[]).map_err(err)? {
            let id: Option<i64> = row.get(0);
            let mut values = Vec::with_capacity(columns.len());
            for (i, c) in columns.iter().enumerate() {
                let Cell(v) = row.try_get(i + 1).map_err(err)?;
                values.push((c.clone(), shown(&v)));
            }
            found.entry(table.clone()).or_default().push((
                id,
                columns.clone(),
                values,
                parent.clone(),
            ));
        }
    }
    let mut out = ForeignKeys::default();
    for (table, rows) in found {
        if table != "movements" {
            out.rows += i64::try_from(rows.len()).unwrap_or(i64::MAX);
        }
        for (id, columns, values, parent) in rows.iter().take(NAMED_VIOLATIONS) {
            out.problems.push(foreign_key_problem(
                &table,
                id.map(|id| (id, values.as_slice())),
                columns,
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

/// A stored value as `check` names it, on either engine.
fn shown(v: &crate::store::Cell<'_>) -> String {
    crate::check::shown_value(v)
}

/// Every B-tree index of the schema verified by amcheck's
/// `bt_index_check` (with `heapallindexed` unless `quick`), each in a
/// statement of its own so that one damaged index does not hide the
/// others. When the extension is not installed it is created if this
/// role may; when it cannot be, a note says so and the indexes are not
/// verified.
pub(crate) fn amcheck(client: &mut Client, url: &Url, quick: bool) -> Result<EngineFindings> {
    let err = |e: postgres::Error| url.driver(&e);
    let mut out = EngineFindings::default();
    let installed = client
        .query_opt(
            "SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'amcheck'",
            &[],
        )
        .map_err(err)?
        .is_some();
    if !installed && let Err(e) = client.batch_execute("CREATE EXTENSION IF NOT EXISTS amcheck") {
        let why = e
            .as_db_error()
            .map_or_else(|| e.to_string(), |d| d.message().to_owned());
        out.notes.push(format!(
            "check: PostgreSQL's amcheck extension is not available ({why}): the indexes were not verified; a superuser can run `CREATE EXTENSION amcheck` in {url}"
        ));
        return Ok(out);
    }
    let indexes = client
        .query(
            "SELECT c.oid, c.relname::text FROM pg_catalog.pg_index i \
               JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid \
               JOIN pg_catalog.pg_am am ON am.oid = c.relam \
              WHERE am.amname = 'btree' AND i.indisvalid AND i.indisready \
                AND c.relnamespace = current_schema()::regnamespace \
              ORDER BY c.relname COLLATE \"C\"",
            &[],
        )
        .map_err(err)?;
    let check = client
        .prepare("SELECT bt_index_check(CAST($1::oid AS regclass), $2)")
        .map_err(err)?;
    for index in &indexes {
        let (oid, name): (u32, String) = (index.get(0), index.get(1));
        if let Err(e) = client.query(&check, &[&oid, &!quick]) {
            let why = e
                .as_db_error()
                .map_or_else(|| e.to_string(), |d| d.message().to_owned());
            out.problems.push(format!(
                "PostgreSQL amcheck (bt_index_check) found index {name} damaged: {why}; keep the database for investigation and restore the latest copy made by `labstock backup FILE`"
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_append_only_triggers_are_read_from_the_schema() {
        let expected = expected_triggers();
        for table in ["movements", "lot_events", "settings"] {
            for action in ["update", "delete", "truncate"] {
                assert!(
                    expected.contains(&(table.to_owned(), format!("{table}_no_{action}"))),
                    "{table} {action}"
                );
            }
        }
        assert!(expected.contains(&(
            "lot_events".to_owned(),
            "lot_events_open_correction_needs_reason".to_owned()
        )));
    }
}
