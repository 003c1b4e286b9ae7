//! `labstock copy --to TARGET` (SPEC §12): the whole database, every table
//! row for row with its ids, timestamps and hashes, from one engine to the
//! other (or to another database of the same engine), all or nothing.
//!
//! What is copied is every table of the schema this binary creates (read
//! from a scratch in-memory SQLite database built by the same steps as
//! `init`), column by column by name, so a table added by a migration is
//! copied without a change here; PostgreSQL's tables must match it (a
//! schema of another version is refused before anything is written).
//!
//! **The target must be empty**: a SQLite path that does not exist or is
//! an empty file, a PostgreSQL database with no tables, or either one
//! holding only what `init` writes (the location MAIN, the seeded waste
//! streams and the one time-zone setting, nothing else: it was just
//! initialised and never used). Those `init` rows are replaced by the
//! source's. Anything more is refused with nothing written.
//!
//! **All or nothing**: the source is read in one snapshot; a PostgreSQL
//! target is loaded (COPY … FROM STDIN, binary) in one transaction with
//! its foreign keys deferred to the commit; a SQLite target is built as
//! `TARGET.copy-partial` beside it and renamed over TARGET only after it
//! was verified and committed. Before the commit the copy is verified:
//! the row count of every table and the head (last id and hash) of every
//! chain must equal the source's. Then the target is checked: a SQLite
//! target by `check` itself (its quick form), a PostgreSQL one by every
//! balance proven against the ledger and every chain recomputed. A row that no longer matches its hash was so in the
//! source, and the copy keeps that evidence as it found it and reports it
//! (`labstock copy` then exits 3, like `check`). After
//! loading PostgreSQL, identity sequences are set past the highest id and,
//! after the commit, `VACUUM ANALYZE` gives the planner its statistics
//! and sets the new rows' visibility once.

use std::path::{Path, PathBuf};

use postgres::binary_copy::{BinaryCopyInWriter, BinaryCopyOutIter};
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{ToSql, Type};

use crate::chain::{self, Head};
use crate::error::{Error, PgProblem, Result};
use crate::store::Db;
use crate::store::postgres::{self as pg, Cell, Found, Kind, PgStore, Url, Value, quote};
use crate::store::{OpenOptions, Store};

/// One table as both engines hold it.
#[derive(Debug, Clone)]
struct Table {
    name: String,
    columns: Vec<(String, Kind)>,
    /// Ordered by `id` when read, so rows are appended in the order they
    /// were made (insert triggers that read earlier rows see them).
    has_id: bool,
}

impl Table {
    fn column_list(&self) -> String {
        self.columns
            .iter()
            .map(|(c, _)| quote(c))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn select(&self) -> String {
        format!(
            "SELECT {} FROM {}{}",
            self.column_list(),
            quote(&self.name),
            if self.has_id { " ORDER BY id" } else { "" }
        )
    }

    fn pg_types(&self) -> Vec<Type> {
        self.columns.iter().map(|(_, k)| k.pg_type()).collect()
    }
}

/// What a finished copy found.
#[derive(Debug, Clone)]
pub struct Copied {
    /// Every table and its rows, in schema order.
    pub tables: Vec<(String, i64)>,
    /// The chain heads, equal on both sides.
    pub heads: Vec<Head>,
    /// Chains of the target (hence of the source) that do not verify.
    pub problems: Vec<String>,
    /// The target, as people are shown it.
    pub target: String,
}

impl Copied {
    /// Every row copied.
    pub fn rows(&self) -> i64 {
        self.tables.iter().map(|(_, n)| n).sum()
    }
}

/// The tables of the schema this binary creates, in creation order.
fn schema_tables() -> Result<Vec<Table>> {
    let scratch = Store::create(Path::new(":memory:"), OpenOptions::default())?;
    let conn = scratch.connection()?;
    let names: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let cols: Vec<(String, String)> = conn
            .prepare("SELECT name, type FROM pragma_table_info(?1) ORDER BY cid")?
            .query_map([&name], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut columns = Vec::with_capacity(cols.len());
        for (col, declared) in cols {
            let kind = Kind::from_sqlite(&declared).ok_or_else(|| Error::CopyFailed {
                target: String::new(),
                detail: format!(
                    "column {name}.{col} has type {declared:?}, which copy does not know"
                ),
            })?;
            columns.push((col, kind));
        }
        let has_id = columns.iter().any(|(c, _)| c == "id");
        out.push(Table {
            name,
            columns,
            has_id,
        });
    }
    Ok(out)
}

/// Whether row counts are those of a database `init` made and nobody used.
fn only_init_rows(counts: &[(String, i64)]) -> bool {
    counts.iter().all(|(table, n)| match table.as_str() {
        "locations" | "settings" => *n <= 1,
        "waste_streams" => {
            usize::try_from(*n).is_ok_and(|n| n <= crate::store::seed::WASTE_STREAMS.len())
        }
        _ => *n == 0,
    })
}

/// The columns PostgreSQL's tables have, by table; refuses a schema that
/// differs from this binary's (another labstock version).
fn check_pg_columns(tx: &mut postgres::Transaction<'_>, url: &Url, tables: &[Table]) -> Result<()> {
    let rows = tx
        .query(
            "SELECT table_name::text, column_name::text, data_type::text FROM information_schema.columns \
              WHERE table_schema = current_schema() AND table_name <> 'labstock_schema' \
              ORDER BY table_name, column_name",
            &[],
        )
        .map_err(|e| url.driver(&e))?;
    let mut found: Vec<(String, String, Option<Kind>)> = rows
        .iter()
        .map(|r| {
            let t: String = r.get(2);
            (r.get(0), r.get(1), Kind::from_postgres(&t))
        })
        .collect();
    found.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    let mut expected: Vec<(String, String, Option<Kind>)> = tables
        .iter()
        .flat_map(|t| {
            t.columns
                .iter()
                .map(|(c, k)| (t.name.clone(), c.clone(), Some(*k)))
        })
        .collect();
    expected.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    if found == expected {
        return Ok(());
    }
    let first = expected
        .iter()
        .find(|e| !found.contains(e))
        .map(|(t, c, _)| format!("{t}.{c} is missing there"))
        .or_else(|| {
            found
                .iter()
                .find(|f| !expected.contains(f))
                .map(|(t, c, _)| format!("it has {t}.{c}, which this labstock does not"))
        })
        .unwrap_or_default();
    Err(Error::CopyFailed {
        target: url.to_string(),
        detail: format!("its tables differ from this labstock's schema: {first}"),
    })
}

/// The side read from, inside its snapshot.
enum Reader<'a> {
    Sqlite(rusqlite::Transaction<'a>),
    Postgres(postgres::Transaction<'a>, Url),
}

impl Reader<'_> {
    /// Stream every row of `table` to `row`; returns how many.
    fn each_row(
        &mut self,
        table: &Table,
        row: &mut dyn FnMut(&[Value]) -> Result<()>,
    ) -> Result<i64> {
        let n = table.columns.len();
        let mut count = 0_i64;
        let mut values = Vec::with_capacity(n);
        match self {
            Reader::Sqlite(tx) => {
                let mut stmt = tx.prepare(&table.select())?;
                let mut rows = stmt.query([])?;
                while let Some(r) = rows.next()? {
                    values.clear();
                    for i in 0..n {
                        values.push(crate::store::sqlite::owned_cell(r, i)?);
                    }
                    row(&values)?;
                    count += 1;
                }
            }
            Reader::Postgres(tx, url) => {
                let err = |e: postgres::Error| url.driver(&e);
                let reader = tx
                    .copy_out(&format!(
                        "COPY ({}) TO STDOUT (FORMAT binary)",
                        table.select()
                    ))
                    .map_err(err)?;
                let types = table.pg_types();
                let mut rows = BinaryCopyOutIter::new(reader, &types);
                while let Some(r) = rows.next().map_err(err)? {
                    values.clear();
                    for i in 0..n {
                        let Cell(v) = r.try_get::<Cell>(i).map_err(err)?;
                        values.push(v);
                    }
                    row(&values)?;
                    count += 1;
                }
            }
        }
        Ok(count)
    }

    fn count(&mut self, table: &Table) -> Result<i64> {
        count(self_as_end(self), table)
    }

    fn heads(&mut self) -> Result<Vec<Head>> {
        match self {
            Reader::Sqlite(tx) => chain::heads(&**tx),
            Reader::Postgres(tx, url) => on_seam(tx, url, |conn| chain::heads(conn)),
        }
    }
}

/// Either side's transaction, for the queries both sides answer alike.
enum End<'r, 'a> {
    Sqlite(&'r rusqlite::Transaction<'a>),
    Postgres(&'r mut postgres::Transaction<'a>, &'r Url),
}

fn self_as_end<'r, 'a>(reader: &'r mut Reader<'a>) -> End<'r, 'a> {
    match reader {
        Reader::Sqlite(tx) => End::Sqlite(tx),
        Reader::Postgres(tx, url) => End::Postgres(tx, url),
    }
}

fn count(end: End<'_, '_>, table: &Table) -> Result<i64> {
    let sql = format!("SELECT count(*) FROM {}", quote(&table.name));
    match end {
        End::Sqlite(tx) => Ok(tx.query_row(&sql, [], |r| r.get(0))?),
        End::Postgres(tx, url) => Ok(tx.query_one(&sql, &[]).map_err(|e| url.driver(&e))?.get(0)),
    }
}

/// The side written to, inside its one transaction.
enum Writer<'a> {
    Sqlite(rusqlite::Transaction<'a>),
    Postgres(postgres::Transaction<'a>, Url),
}

impl Writer<'_> {
    /// Every row of `table` from `reader`; returns how many.
    fn load(&mut self, table: &Table, reader: &mut Reader<'_>) -> Result<i64> {
        match self {
            Writer::Sqlite(tx) => {
                let marks = vec!["?"; table.columns.len()].join(", ");
                let mut insert = tx.prepare(&format!(
                    "INSERT INTO {} ({}) VALUES ({marks})",
                    quote(&table.name),
                    table.column_list()
                ))?;
                reader.each_row(table, &mut |row| {
                    insert
                        .execute(rusqlite::params_from_iter(row.iter().map(|c| {
                            crate::store::sqlite::Bound(crate::store::ToCell::to_cell(c))
                        })))?;
                    Ok(())
                })
            }
            Writer::Postgres(tx, url) => {
                let err = |e: postgres::Error| url.driver(&e);
                let sink = tx
                    .copy_in(&format!(
                        "COPY {} ({}) FROM STDIN (FORMAT binary)",
                        quote(&table.name),
                        table.column_list()
                    ))
                    .map_err(err)?;
                let types = table.pg_types();
                let mut writer = BinaryCopyInWriter::new(sink, &types);
                let mut cells: Vec<Cell> = Vec::with_capacity(types.len());
                let n = reader.each_row(table, &mut |row| {
                    cells.clear();
                    cells.extend(row.iter().cloned().map(Cell));
                    let refs: Vec<&(dyn ToSql + Sync)> =
                        cells.iter().map(|c| c as &(dyn ToSql + Sync)).collect();
                    writer.write(&refs).map_err(err)
                })?;
                writer.finish().map_err(err)?;
                Ok(n)
            }
        }
    }

    fn count(&mut self, table: &Table) -> Result<i64> {
        match self {
            Writer::Sqlite(tx) => count(End::Sqlite(tx), table),
            Writer::Postgres(tx, url) => count(End::Postgres(tx, url), table),
        }
    }

    fn heads(&mut self) -> Result<Vec<Head>> {
        match self {
            Writer::Sqlite(tx) => chain::heads(&**tx),
            Writer::Postgres(tx, url) => on_seam(tx, url, |conn| chain::heads(conn)),
        }
    }

    /// Every balance against the ledger and every chain recomputed. A
    /// SQLite target is proven by the whole `check` instead, after its
    /// commit ([`to_sqlite`]).
    fn verify(&mut self) -> Result<Vec<String>> {
        match self {
            Writer::Sqlite(_) => Ok(Vec::new()),
            // The proofs `check` runs on either engine, through the seam.
            Writer::Postgres(tx, url) => on_seam(tx, url, |conn| {
                let mut problems: Vec<String> = crate::check::balance_discrepancies(conn)?
                    .iter()
                    .map(crate::check::Discrepancy::describe)
                    .collect();
                problems.extend(chain::verify(conn)?.problems);
                Ok(problems)
            }),
        }
    }
}

/// Run `work` through the storage seam on a savepoint of `tx`, rolled
/// back afterwards (it only reads): the seam's proofs on a transaction
/// `copy` holds.
fn on_seam<T>(
    tx: &mut postgres::Transaction<'_>,
    url: &Url,
    work: impl FnOnce(crate::store::Conn<'_>) -> Result<T>,
) -> Result<T> {
    let savepoint = tx.transaction().map_err(|e| url.driver(&e))?;
    let prepared = pg::conn::Prepared::default();
    let conn = pg::conn::PgConn::new(savepoint, url, &prepared);
    work(crate::store::Conn::new(&conn))
}

/// Copy the whole database `source` to the empty `target`.
///
/// # Errors
/// A target that is not empty, an unusable source or target, a schema
/// that differs, or a copy that does not verify; nothing is written then.
pub fn copy(source: &Db, target: &Db, options: OpenOptions) -> Result<Copied> {
    if source == target || same_file(source, target) {
        return Err(Error::CopyTargetNotEmpty {
            target: target.display(),
            found: "it is the source itself".into(),
        });
    }
    let tables = schema_tables()?;
    // The source first: a source that cannot be opened leaves the target
    // untouched, not even created.
    let mut sqlite_source;
    let mut pg_source;
    let mut reader = match source {
        Db::Sqlite(path) => {
            sqlite_source = Store::open_with(path, options)?;
            Reader::Sqlite(sqlite_source.sqlite_mut()?.transaction()?)
        }
        Db::Postgres(url) => {
            pg_source = PgStore::open(url)?;
            let mut tx = pg_source.snapshot()?;
            check_pg_columns(&mut tx, url, &tables)?;
            Reader::Postgres(tx, url.clone())
        }
    };
    match target {
        Db::Sqlite(path) => to_sqlite(&mut reader, &tables, path, options),
        Db::Postgres(url) => to_postgres(&mut reader, &tables, url),
    }
}

/// Whether two SQLite paths name one file.
fn same_file(a: &Db, b: &Db) -> bool {
    match (a, b) {
        (Db::Sqlite(a), Db::Sqlite(b)) => match (a.canonicalize(), b.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        },
        _ => false,
    }
}

/// Load every table, then prove the target equal to the source.
fn load_and_verify(
    reader: &mut Reader<'_>,
    writer: &mut Writer<'_>,
    tables: &[Table],
    target: &str,
) -> Result<Copied> {
    let mut copied = Vec::with_capacity(tables.len());
    for table in tables {
        let streamed = writer.load(table, reader)?;
        let (there, here) = (reader.count(table)?, writer.count(table)?);
        if there != streamed || here != streamed {
            return Err(Error::CopyFailed {
                target: target.to_owned(),
                detail: format!(
                    "table {} has {there} rows in the source and {here} in the target after copying {streamed}",
                    table.name
                ),
            });
        }
        copied.push((table.name.clone(), streamed));
    }
    let (source_heads, target_heads) = (reader.heads()?, writer.heads()?);
    if let Some((s, t)) = source_heads.iter().zip(&target_heads).find(|(s, t)| s != t) {
        return Err(Error::CopyFailed {
            target: target.to_owned(),
            detail: format!(
                "the head of chain {} differs: row {} {} in the source, row {} {} in the target",
                s.table, s.last_id, s.hash, t.last_id, t.hash
            ),
        });
    }
    let problems = writer.verify()?;
    Ok(Copied {
        tables: copied,
        heads: target_heads,
        problems,
        target: target.to_owned(),
    })
}

fn to_sqlite(
    reader: &mut Reader<'_>,
    tables: &[Table],
    path: &Path,
    options: OpenOptions,
) -> Result<Copied> {
    let shown = path.display().to_string();
    let replaces = sqlite_target_state(path, tables, options)?;
    let partial = partial_path(path);
    remove_sqlite_files(&partial)?;
    let outcome = (|| {
        let mut store = Store::create(&partial, options)?;
        let mut copied = {
            let tx = store.write()?;
            tx.pragma_update(None, "defer_foreign_keys", true)?;
            let mut writer = Writer::Sqlite(tx);
            let copied = load_and_verify(reader, &mut writer, tables, &shown)?;
            let Writer::Sqlite(tx) = writer else {
                unreachable!("a SQLite writer")
            };
            tx.commit()?;
            copied
        };
        // Verified by `check` (SPEC §12): every balance against the
        // ledger, every chain, SQLite's quick_check and foreign keys.
        let report = store.check_with(true)?;
        copied.problems.extend(
            report
                .discrepancies
                .iter()
                .map(crate::check::Discrepancy::describe),
        );
        copied.problems.extend(report.problems);
        store.close()?;
        Ok(copied)
    })();
    match outcome {
        Ok(copied) => {
            if replaces {
                // The freshly initialised file gives way to the copy.
                remove_sqlite_files(path)?;
            }
            std::fs::rename(&partial, path).map_err(|source| Error::Io {
                path: path.to_owned(),
                source,
            })?;
            Ok(copied)
        }
        Err(e) => {
            let _ = remove_sqlite_files(&partial);
            Err(e)
        }
    }
}

/// Whether a SQLite target may be written: absent or an empty file
/// (`Ok(false)`), or a labstock file holding only `init`'s rows and not
/// in use (`Ok(true)`: the copy replaces it).
fn sqlite_target_state(path: &Path, tables: &[Table], options: OpenOptions) -> Result<bool> {
    let shown = path.display().to_string();
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(source) => {
            return Err(Error::Io {
                path: path.to_owned(),
                source,
            });
        }
        Ok(m) if m.is_file() && m.len() == 0 => return Ok(false),
        Ok(_) => {}
    }
    let store = Store::open_with(path, options)?;
    let mut counts = Vec::with_capacity(tables.len());
    for table in tables {
        counts.push((
            table.name.clone(),
            store.connection()?.query_row(
                &format!("SELECT count(*) FROM {}", quote(&table.name)),
                [],
                |r| r.get::<_, i64>(0),
            )?,
        ));
    }
    store.close()?;
    if !only_init_rows(&counts) {
        return Err(Error::CopyTargetNotEmpty {
            target: shown,
            found: not_empty(&counts),
        });
    }
    if crate::store::sidecar(path, "-wal").exists() {
        return Err(Error::CopyTargetNotEmpty {
            target: shown,
            found: "it is open in another labstock process".into(),
        });
    }
    Ok(true)
}

/// "it holds 12 movements, 3 items, …": what makes a target not empty.
fn not_empty(counts: &[(String, i64)]) -> String {
    let held: Vec<String> = counts
        .iter()
        .filter(|(_, n)| *n > 0)
        .take(4)
        .map(|(t, n)| format!("{n} {t}"))
        .collect();
    format!("it already holds data ({}, …)", held.join(", "))
}

fn partial_path(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(".copy-partial");
    PathBuf::from(p)
}

fn remove_sqlite_files(path: &Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let p = crate::store::sidecar(path, suffix);
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(Error::Io { path: p, source }),
        }
    }
    Ok(())
}

fn to_postgres(reader: &mut Reader<'_>, tables: &[Table], url: &Url) -> Result<Copied> {
    let mut client = url.connect()?;
    let copied = load_postgres(&mut client, reader, tables, url)?;
    // The planner's statistics for the tables just filled, and their
    // visibility maps and hint bits set once here (as after `pg_restore`)
    // rather than by the first commands that read them: an `issue` on a
    // freshly copied 2M-movement lab took 17.6 ms, 13.1 ms once vacuumed.
    client
        .batch_execute("VACUUM ANALYZE")
        .map_err(|e| url.driver(&e))?;
    Ok(copied)
}

/// [`to_postgres`] up to the commit.
fn load_postgres(
    client: &mut postgres::Client,
    reader: &mut Reader<'_>,
    tables: &[Table],
    url: &Url,
) -> Result<Copied> {
    let err = |e: postgres::Error| url.driver(&e);
    let found = pg::identify(client, url)?;
    let mut tx = client.transaction().map_err(err)?;
    match found {
        Found::Empty => pg::create_schema(&mut tx, url)?,
        Found::Foreign { tables } => {
            return Err(Error::CopyTargetNotEmpty {
                target: url.to_string(),
                found: format!("it holds {tables} table(s) of another application"),
            });
        }
        Found::Labstock { version } if version != pg::SCHEMA_VERSION => {
            return Err(url.error(if version > pg::SCHEMA_VERSION {
                PgProblem::TooNew {
                    found: version,
                    supported: pg::SCHEMA_VERSION,
                }
            } else {
                PgProblem::Failed {
                    detail: format!(
                        "labstock schema version {version}, older than this labstock's ({}): open it once with a command to bring it up to date",
                        pg::SCHEMA_VERSION
                    ),
                }
            }));
        }
        Found::Labstock { .. } => {
            // Nobody else writes while the copy decides and loads.
            tx.batch_execute("LOCK TABLE labstock_schema IN ACCESS EXCLUSIVE MODE")
                .map_err(err)?;
            check_pg_columns(&mut tx, url, tables)?;
            let mut counts = Vec::with_capacity(tables.len());
            for table in tables {
                counts.push((
                    table.name.clone(),
                    count(End::Postgres(&mut tx, url), table)?,
                ));
            }
            if !only_init_rows(&counts) {
                return Err(Error::CopyTargetNotEmpty {
                    target: url.to_string(),
                    found: not_empty(&counts),
                });
            }
            // `init`'s rows give way to the source's. The setting is
            // evidence, refused DELETE by its trigger: the trigger is off
            // for this one statement of this transaction only.
            tx.batch_execute(
                "DELETE FROM locations; DELETE FROM waste_streams; \
                 ALTER TABLE settings DISABLE TRIGGER settings_no_delete; \
                 DELETE FROM settings; \
                 ALTER TABLE settings ENABLE TRIGGER settings_no_delete;",
            )
            .map_err(err)?;
        }
    }
    tx.batch_execute("SET CONSTRAINTS ALL DEFERRED")
        .map_err(err)?;
    let mut writer = Writer::Postgres(tx, url.clone());
    let copied = load_and_verify(reader, &mut writer, tables, &url.to_string())?;
    let Writer::Postgres(mut tx, _url) = writer else {
        unreachable!("a PostgreSQL writer")
    };
    let identities: Vec<String> = tx
        .query(
            "SELECT table_name::text FROM information_schema.columns \
              WHERE table_schema = current_schema() AND column_name = 'id' AND is_identity = 'YES'",
            &[],
        )
        .map_err(err)?
        .iter()
        .map(|r| r.get(0))
        .collect();
    for table in identities {
        let quoted = quote(&table);
        tx.execute(
            &format!(
                "SELECT setval(pg_get_serial_sequence($1, 'id'), coalesce((SELECT max(id) FROM {quoted}), 0) + 1, false)"
            ),
            &[&quoted],
        )
        .map_err(err)?;
    }
    tx.commit().map_err(err)?;
    Ok(copied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_rows_count_as_empty_and_anything_more_does_not() {
        let init = vec![
            ("locations".to_owned(), 1),
            ("waste_streams".to_owned(), 14),
            ("settings".to_owned(), 1),
            ("movements".to_owned(), 0),
        ];
        assert!(only_init_rows(&init));
        let mut used = init.clone();
        used[3].1 = 1;
        assert!(!only_init_rows(&used));
        let mut two_locations = init;
        two_locations[0].1 = 2;
        assert!(!only_init_rows(&two_locations));
    }

    #[test]
    fn every_table_of_the_schema_is_copied_with_known_types() {
        let tables = schema_tables().unwrap();
        assert!(tables.iter().any(|t| t.name == "movements"));
        assert!(tables.iter().any(|t| t.name == "balances" && !t.has_id));
        for chained in chain::TABLES {
            assert!(
                tables.iter().any(|t| t.name == chained.table()),
                "{}",
                chained.table()
            );
        }
    }
}
