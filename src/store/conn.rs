//! The storage seam's engine-neutral half (issue 15, SPEC §12): a
//! statement ([`Sql`]), the values bound to it and read back ([`Cell`],
//! [`ToCell`], [`FromCell`]), a result row ([`Row`]) and a connection in a
//! transaction ([`Conn`]). The rules reach storage through these; each
//! engine implements [`Engine`] in its own folder (`store/sqlite/`,
//! `store/postgres/`), and no engine's type appears here.
//!
//! Statements are written once, in `src/store/sql/`, with numbered
//! placeholders (`?1`), in the SQL both engines share: identifiers that a
//! dialect reserves are quoted (`"user"`), `COALESCE` not `IFNULL`,
//! integers compared with integers. Where the dialects differ a statement
//! names one text per engine ([`Sql::each`]). The PostgreSQL engine turns
//! `?N` into `$N` once per statement and keeps it prepared.

use std::borrow::Cow;

use crate::error::{Error, Result};
use crate::values::{ItemId, LocationId, LotId, MovementId, Quantity, Timestamp, WasteRecordId};

/// One statement, as each engine runs it.
#[derive(Debug, Clone, Copy)]
pub struct Sql {
    sqlite: &'static str,
    postgres: &'static str,
}

impl Sql {
    /// A statement both engines run as written.
    pub const fn both(text: &'static str) -> Sql {
        Sql {
            sqlite: text,
            postgres: text,
        }
    }

    /// A statement whose dialects differ.
    pub const fn each(sqlite: &'static str, postgres: &'static str) -> Sql {
        Sql { sqlite, postgres }
    }

    /// The text SQLite runs.
    pub fn sqlite(&self) -> &'static str {
        self.sqlite
    }

    /// The text PostgreSQL runs (placeholders still `?N`).
    pub fn postgres(&self) -> &'static str {
        self.postgres
    }

    /// The text PostgreSQL is sent, placeholders `$N` (for the plan
    /// tests).
    pub fn postgres_numbered(&self) -> String {
        numbered_dollars(self.postgres)
    }
}

/// Which engine a connection is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EngineKind {
    Sqlite,
    Postgres,
}

/// One value crossing the seam: the storage classes of SQLite's STRICT
/// tables, which the PostgreSQL schema maps one to one (bigint, text,
/// bytea), and a real for what an aggregate may compute.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    Null,
    Integer(i64),
    Real(f64),
    Text(Cow<'a, str>),
    Blob(Cow<'a, [u8]>),
}

impl Cell<'_> {
    /// What kind of value this is, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Cell::Null => "NULL",
            Cell::Integer(_) => "an integer",
            Cell::Real(_) => "a real number",
            Cell::Text(_) => "text",
            Cell::Blob(_) => "a blob",
        }
    }
}

/// A value that can be bound to a statement.
pub trait ToCell {
    fn to_cell(&self) -> Cell<'_>;
}

/// A value that can be read from a column.
pub trait FromCell: Sized {
    fn from_cell(cell: Cell<'_>) -> std::result::Result<Self, String>;
}

fn wrong(expected: &str, cell: &Cell<'_>) -> String {
    format!("expected {expected}, found {}", cell.kind())
}

impl ToCell for i64 {
    fn to_cell(&self) -> Cell<'_> {
        Cell::Integer(*self)
    }
}

impl ToCell for i32 {
    fn to_cell(&self) -> Cell<'_> {
        Cell::Integer(i64::from(*self))
    }
}

impl ToCell for u32 {
    fn to_cell(&self) -> Cell<'_> {
        Cell::Integer(i64::from(*self))
    }
}

impl ToCell for bool {
    fn to_cell(&self) -> Cell<'_> {
        Cell::Integer(i64::from(*self))
    }
}

impl ToCell for str {
    fn to_cell(&self) -> Cell<'_> {
        Cell::Text(Cow::Borrowed(self))
    }
}

impl ToCell for String {
    fn to_cell(&self) -> Cell<'_> {
        Cell::Text(Cow::Borrowed(self))
    }
}

impl ToCell for [u8] {
    fn to_cell(&self) -> Cell<'_> {
        Cell::Blob(Cow::Borrowed(self))
    }
}

impl ToCell for Vec<u8> {
    fn to_cell(&self) -> Cell<'_> {
        Cell::Blob(Cow::Borrowed(self))
    }
}

impl<const N: usize> ToCell for [u8; N] {
    fn to_cell(&self) -> Cell<'_> {
        Cell::Blob(Cow::Borrowed(self))
    }
}

impl<T: ToCell + ?Sized> ToCell for &T {
    fn to_cell(&self) -> Cell<'_> {
        (**self).to_cell()
    }
}

impl<T: ToCell> ToCell for Option<T> {
    fn to_cell(&self) -> Cell<'_> {
        match self {
            Some(v) => v.to_cell(),
            None => Cell::Null,
        }
    }
}

impl ToCell for Cell<'_> {
    fn to_cell(&self) -> Cell<'_> {
        match self {
            Cell::Null => Cell::Null,
            Cell::Integer(i) => Cell::Integer(*i),
            Cell::Real(r) => Cell::Real(*r),
            Cell::Text(t) => Cell::Text(Cow::Borrowed(t)),
            Cell::Blob(b) => Cell::Blob(Cow::Borrowed(b)),
        }
    }
}

impl ToCell for chrono::NaiveDate {
    fn to_cell(&self) -> Cell<'_> {
        Cell::Text(Cow::Owned(self.format("%Y-%m-%d").to_string()))
    }
}

impl ToCell for Quantity {
    fn to_cell(&self) -> Cell<'_> {
        Cell::Integer(self.get())
    }
}

impl ToCell for Timestamp {
    fn to_cell(&self) -> Cell<'_> {
        Cell::Text(Cow::Owned(self.stamp()))
    }
}

macro_rules! integer_ids {
    ($($name:ident),*) => {$(
        impl ToCell for $name {
            fn to_cell(&self) -> Cell<'_> {
                Cell::Integer(self.get())
            }
        }

        impl FromCell for $name {
            fn from_cell(cell: Cell<'_>) -> std::result::Result<Self, String> {
                i64::from_cell(cell).map($name::new)
            }
        }
    )*};
}

integer_ids!(ItemId, LotId, LocationId, MovementId, WasteRecordId);

impl FromCell for i64 {
    fn from_cell(cell: Cell<'_>) -> std::result::Result<Self, String> {
        match cell {
            Cell::Integer(i) => Ok(i),
            other => Err(wrong("an integer", &other)),
        }
    }
}

impl FromCell for bool {
    fn from_cell(cell: Cell<'_>) -> std::result::Result<Self, String> {
        match cell {
            Cell::Integer(i) => Ok(i != 0),
            other => Err(wrong("0 or 1", &other)),
        }
    }
}

impl FromCell for f64 {
    fn from_cell(cell: Cell<'_>) -> std::result::Result<Self, String> {
        match cell {
            #[allow(clippy::cast_precision_loss)]
            Cell::Integer(i) => Ok(i as f64),
            Cell::Real(r) => Ok(r),
            other => Err(wrong("a number", &other)),
        }
    }
}

impl FromCell for String {
    fn from_cell(cell: Cell<'_>) -> std::result::Result<Self, String> {
        match cell {
            Cell::Text(t) => Ok(t.into_owned()),
            other => Err(wrong("text", &other)),
        }
    }
}

impl FromCell for Vec<u8> {
    fn from_cell(cell: Cell<'_>) -> std::result::Result<Self, String> {
        match cell {
            Cell::Blob(b) => Ok(b.into_owned()),
            other => Err(wrong("a blob", &other)),
        }
    }
}

impl<T: FromCell> FromCell for Option<T> {
    fn from_cell(cell: Cell<'_>) -> std::result::Result<Self, String> {
        match cell {
            Cell::Null => Ok(None),
            other => T::from_cell(other).map(Some),
        }
    }
}

impl FromCell for Quantity {
    fn from_cell(cell: Cell<'_>) -> std::result::Result<Self, String> {
        let n = i64::from_cell(cell)?;
        Quantity::new(n).ok_or_else(|| format!("quantity {n} is beyond the ledger's bound"))
    }
}

impl FromCell for Timestamp {
    fn from_cell(cell: Cell<'_>) -> std::result::Result<Self, String> {
        let text = String::from_cell(cell)?;
        Timestamp::parse_stored(&text).map_err(|e| e.to_string())
    }
}

impl FromCell for chrono::NaiveDate {
    fn from_cell(cell: Cell<'_>) -> std::result::Result<Self, String> {
        let text = String::from_cell(cell)?;
        chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .map_err(|_| format!("{text:?} is not a date (YYYY-MM-DD)"))
    }
}

/// A source of column values: one engine's row.
pub(crate) trait RowSource {
    /// The value of column `i` (from 0).
    fn cell(&self, i: usize) -> Result<Cell<'_>>;

    /// The names of the columns, in order.
    fn column_names(&self) -> Vec<String>;
}

/// Ids as the JSON array (`[3,17,40]`) that a statement taking a list of
/// ids reads as one parameter (`json_each(?1)` on SQLite,
/// `json_array_elements_text(?1::text::json)` on PostgreSQL): a list in
/// one statement, not a statement per id.
pub(crate) fn id_list(ids: impl IntoIterator<Item = i64>) -> String {
    let mut list = String::from("[");
    for (i, id) in ids.into_iter().enumerate() {
        if i > 0 {
            list.push(',');
        }
        list.push_str(&id.to_string());
    }
    list.push(']');
    list
}

/// One result row.
pub struct Row<'r> {
    source: &'r dyn RowSource,
}

impl<'r> Row<'r> {
    pub(crate) fn new(source: &'r dyn RowSource) -> Row<'r> {
        Row { source }
    }

    /// Column `i` (from 0) as a `T`.
    pub fn get<T: FromCell>(&self, i: usize) -> Result<T> {
        let cell = self.source.cell(i)?;
        T::from_cell(cell).map_err(|detail| Error::Sqlite {
            detail: format!("column {i}: {detail}"),
        })
    }

    /// Column `i` as it is stored.
    pub fn cell(&self, i: usize) -> Result<Cell<'_>> {
        self.source.cell(i)
    }

    /// The names of the columns, in order (as the statement names them).
    pub fn column_names(&self) -> Vec<String> {
        self.source.column_names()
    }
}

/// What an engine does for [`Conn`]: run a statement in the transaction
/// it holds. Implemented in `store/sqlite/` and `store/postgres/`.
pub(crate) trait Engine {
    fn kind(&self) -> EngineKind;

    /// Run `sql`, calling `each` with every row until it returns
    /// `Ok(false)`.
    fn query(
        &self,
        sql: &Sql,
        params: &[&dyn ToCell],
        each: &mut dyn FnMut(&Row<'_>) -> Result<bool>,
    ) -> Result<()>;

    /// Run `sql` for its first row only (one round trip where the engine
    /// has them).
    fn query_first(
        &self,
        sql: &Sql,
        params: &[&dyn ToCell],
        first: &mut dyn FnMut(&Row<'_>) -> Result<()>,
    ) -> Result<()> {
        self.query(sql, params, &mut |row| {
            first(row)?;
            Ok(false)
        })
    }

    /// [`Engine::query`] for a caller that keeps every row anyway
    /// ([`Conn::query_all`]): in one round trip where the engine has
    /// them, the rows read in full before `each` sees the first.
    fn query_collected(
        &self,
        sql: &Sql,
        params: &[&dyn ToCell],
        each: &mut dyn FnMut(&Row<'_>) -> Result<bool>,
    ) -> Result<()> {
        self.query(sql, params, each)
    }

    /// Run a statement that returns no rows; the number of rows changed.
    fn execute(&self, sql: &Sql, params: &[&dyn ToCell]) -> Result<usize>;

    /// Insert one row and return the id the database gave it.
    fn insert(&self, sql: &Sql, params: &[&dyn ToCell]) -> Result<i64>;

    /// Make the appenders of one hash chain take turns until the
    /// transaction ends (SQLite: nothing to do, its one writer already
    /// holds the database; PostgreSQL: an advisory lock).
    fn lock_chain(&self, table: &crate::chain::Chained) -> Result<()>;

    /// Insert one row of a chained table: `id`, its columns, `hash`.
    fn insert_chained(
        &self,
        table: &crate::chain::Chained,
        id: i64,
        values: &[&dyn ToCell],
        hash: &[u8],
    ) -> Result<()>;

    /// The id and hash of a chain's last row, read while its lock is
    /// held ([`Engine::lock_chain`]). An engine may remember it for the
    /// rest of the transaction: no one else appends to the chain then.
    fn chain_head(&self, table: &crate::chain::Chained) -> Result<Option<(i64, Vec<u8>)>> {
        let mut head = None;
        self.query_first(&Sql::both(table.last_sql()), &[], &mut |r| {
            head = Some((r.get::<i64>(0)?, r.get::<Vec<u8>>(1)?));
            Ok(())
        })?;
        Ok(head)
    }

    /// From here to the end of the transaction the ledger's writes may be
    /// held back and sent in bulk, as long as every statement that could
    /// see them runs after they are sent (PostgreSQL: ledger rows by COPY,
    /// balances in set-based statements; SQLite writes through, its
    /// statements cost no round trip).
    fn bulk_load(&self) -> Result<()> {
        Ok(())
    }

    /// [`Engine::query`] without first sending the writes held back by
    /// [`Engine::bulk_load`]: for a reader that knows those writes itself
    /// and adds them to what it reads (the ledger's exclusive lookups).
    fn query_before_held(
        &self,
        sql: &Sql,
        params: &[&dyn ToCell],
        each: &mut dyn FnMut(&Row<'_>) -> Result<bool>,
    ) -> Result<()> {
        self.query(sql, params, each)
    }

    /// Send the writes held back by [`Engine::bulk_load`] now.
    fn send_held(&self) -> Result<()> {
        Ok(())
    }

    /// Whether this engine holds writes back ([`Engine::bulk_load`] on
    /// PostgreSQL); SQLite writes through.
    fn holds_writes(&self) -> bool {
        false
    }
}

/// A connection inside a transaction, on either engine: what the rules
/// read and write through.
#[derive(Clone, Copy)]
pub struct Conn<'c> {
    engine: &'c dyn Engine,
}

impl<'c> Conn<'c> {
    pub(crate) fn new(engine: &'c dyn Engine) -> Conn<'c> {
        Conn { engine }
    }

    /// Which engine this is.
    pub fn kind(&self) -> EngineKind {
        self.engine.kind()
    }

    /// The first row, if any.
    pub fn query_opt<T>(
        &self,
        sql: &Sql,
        params: &[&dyn ToCell],
        f: impl FnOnce(&Row<'_>) -> Result<T>,
    ) -> Result<Option<T>> {
        let mut f = Some(f);
        let mut out = None;
        self.engine.query_first(sql, params, &mut |row| {
            if let Some(f) = f.take() {
                out = Some(f(row)?);
            }
            Ok(())
        })?;
        Ok(out)
    }

    /// The first row, which must exist (a statement whose row the schema
    /// guarantees: an aggregate, a row just written).
    pub fn query_one<T>(
        &self,
        sql: &Sql,
        params: &[&dyn ToCell],
        f: impl FnOnce(&Row<'_>) -> Result<T>,
    ) -> Result<T> {
        self.query_opt(sql, params, f)?
            .ok_or_else(|| Error::Sqlite {
                detail: format!("no row for {}", sql.sqlite()),
            })
    }

    /// Every row, mapped.
    pub fn query_all<T>(
        &self,
        sql: &Sql,
        params: &[&dyn ToCell],
        mut f: impl FnMut(&Row<'_>) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        self.engine.query_collected(sql, params, &mut |row| {
            out.push(f(row)?);
            Ok(true)
        })?;
        Ok(out)
    }

    /// Every row, one at a time, without collecting them.
    pub fn for_each(
        &self,
        sql: &Sql,
        params: &[&dyn ToCell],
        mut f: impl FnMut(&Row<'_>) -> Result<()>,
    ) -> Result<()> {
        self.engine.query(sql, params, &mut |row| {
            f(row)?;
            Ok(true)
        })
    }

    /// [`Conn::for_each`] for a result bounded by what it asks (a lot's
    /// later movements), not a whole table's rows: read in full first,
    /// so in one round trip on PostgreSQL instead of a portal's three.
    pub fn for_each_read_first(
        &self,
        sql: &Sql,
        params: &[&dyn ToCell],
        mut f: impl FnMut(&Row<'_>) -> Result<()>,
    ) -> Result<()> {
        self.engine.query_collected(sql, params, &mut |row| {
            f(row)?;
            Ok(true)
        })
    }

    /// Run a statement that returns no rows; the number of rows changed.
    pub fn execute(&self, sql: &Sql, params: &[&dyn ToCell]) -> Result<usize> {
        self.engine.execute(sql, params)
    }

    /// Insert one row and return the id the database gave it. The
    /// statement's PostgreSQL text ends `RETURNING id`; SQLite's does not
    /// (its RETURNING buffers rows in a temporary table: the rowid of the
    /// last insert is read instead).
    pub fn insert(&self, sql: &Sql, params: &[&dyn ToCell]) -> Result<i64> {
        self.engine.insert(sql, params)
    }

    pub(crate) fn lock_chain(&self, table: &crate::chain::Chained) -> Result<()> {
        self.engine.lock_chain(table)
    }

    pub(crate) fn insert_chained(
        &self,
        table: &crate::chain::Chained,
        id: i64,
        values: &[&dyn ToCell],
        hash: &[u8],
    ) -> Result<()> {
        self.engine.insert_chained(table, id, values, hash)
    }

    pub(crate) fn chain_head(
        &self,
        table: &crate::chain::Chained,
    ) -> Result<Option<(i64, Vec<u8>)>> {
        self.engine.chain_head(table)
    }

    /// Let the engine hold the ledger's writes back and send them in bulk
    /// until the transaction ends ([`Engine::bulk_load`]): for an import
    /// that holds the ledger to itself.
    pub(crate) fn bulk_load(&self) -> Result<()> {
        self.engine.bulk_load()
    }

    /// Every row, mapped, as the database holds them without the writes
    /// held back by [`Conn::bulk_load`] ([`Engine::query_before_held`]):
    /// the caller adds those itself.
    pub(crate) fn query_all_before_held<T>(
        &self,
        sql: &Sql,
        params: &[&dyn ToCell],
        mut f: impl FnMut(&Row<'_>) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        self.engine.query_before_held(sql, params, &mut |row| {
            out.push(f(row)?);
            Ok(true)
        })?;
        Ok(out)
    }

    /// The first row as the database holds it without the writes held
    /// back ([`Conn::query_all_before_held`]).
    pub(crate) fn query_opt_before_held<T>(
        &self,
        sql: &Sql,
        params: &[&dyn ToCell],
        f: impl FnOnce(&Row<'_>) -> Result<T>,
    ) -> Result<Option<T>> {
        let mut f = Some(f);
        let mut out = None;
        self.engine.query_before_held(sql, params, &mut |row| {
            if let Some(f) = f.take() {
                out = Some(f(row)?);
            }
            Ok(false)
        })?;
        Ok(out)
    }

    /// Send the writes held back by [`Conn::bulk_load`] now.
    pub(crate) fn send_held(&self) -> Result<()> {
        self.engine.send_held()
    }

    /// Whether the engine holds writes back ([`Conn::bulk_load`]).
    pub(crate) fn holds_writes(&self) -> bool {
        self.engine.holds_writes()
    }
}

/// Parameters for a statement: `args![a, b]` is `&[&a, &b]` as
/// `&[&dyn ToCell]`.
#[macro_export]
#[doc(hidden)]
macro_rules! args {
    () => { &[] as &[&dyn $crate::store::ToCell] };
    ($($v:expr),+ $(,)?) => { &[$(&$v as &dyn $crate::store::ToCell),+] as &[&dyn $crate::store::ToCell] };
}

/// `?N` placeholders as PostgreSQL's `$N`, outside quoted text.
pub(crate) fn numbered_dollars(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quote: Option<char> = None;
    for c in sql.chars() {
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                }
                out.push(c);
            }
            None => match c {
                '\'' | '"' => {
                    quote = Some(c);
                    out.push(c);
                }
                '?' => out.push('$'),
                _ => out.push(c),
            },
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_dollars_outside_quotes_only() {
        assert_eq!(
            numbered_dollars("SELECT '?1', \"a?\" FROM t WHERE a = ?1 AND b = ?12"),
            "SELECT '?1', \"a?\" FROM t WHERE a = $1 AND b = $12"
        );
    }

    #[test]
    fn a_quantity_beyond_the_bound_is_not_read() {
        assert!(Quantity::from_cell(Cell::Integer(i64::MAX)).is_err());
        assert_eq!(
            Option::<i64>::from_cell(Cell::Null).expect("null reads as None"),
            None
        );
    }
}
