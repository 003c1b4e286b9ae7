//! The PostgreSQL engine of the storage seam: [`Engine`] over one
//! transaction. Statements are written with SQLite's `?N` placeholders
//! (src/store/conn.rs) and become `$N`. A statement's first use on a
//! connection goes to the server unnamed, parsed, bound and run in one
//! round trip (its parameters as text, their types inferred by the server
//! as a prepared statement's would be); its second use prepares it, and
//! from then on it stays prepared on the connection ([`Prepared`], kept by
//! the store across its transactions: a server's connection prepares each
//! statement it repeats once, not per request, while a command-line
//! process, which runs most statements once, pays no round trip to
//! prepare them).

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::error::Error as StdError;

use bytes::BytesMut;
use postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};
use postgres::{Statement, Transaction};

use super::Url;
use super::bulk::Then;
use crate::error::{Error, Result};
use crate::store::conn::{Cell, Engine, EngineKind, Row, RowSource, Sql, ToCell, numbered_dollars};

type BoxError = Box<dyn StdError + Sync + Send>;

/// Rows fetched from a portal at a time.
const BATCH: i32 = 1000;

/// A chain's last row (id and hash), `None` while the chain is empty.
type Head = Option<(i64, Vec<u8>)>;

/// The statements used on one connection, by their text: `None` once run
/// unnamed (its first use), then prepared. A named prepared statement
/// belongs to the session, not to the transaction it was prepared in (a
/// rollback keeps it), so the store keeps these for as long as its
/// connection.
pub(crate) type Prepared = RefCell<HashMap<&'static str, Option<Statement>>>;

/// How a statement runs this time: prepared, or unnamed in one round trip
/// (its `$N` text).
enum Plan {
    Prepared(Statement),
    Unnamed(String),
}

/// A parameter of an unnamed statement: sent as text, with no type, so
/// that the server infers its type from the statement exactly as it does
/// when preparing one, and parses the text as that type.
#[derive(Debug)]
struct TextParam<'a>(Cell<'a>);

impl ToSql for TextParam<'_> {
    fn to_sql(&self, _: &Type, out: &mut BytesMut) -> std::result::Result<IsNull, BoxError> {
        use std::fmt::Write as _;
        match &self.0 {
            Cell::Null => return Ok(IsNull::Yes),
            Cell::Integer(i) => write!(out, "{i}")?,
            // Debug is the shortest text that reads back as the same f64.
            Cell::Real(r) => write!(out, "{r:?}")?,
            Cell::Text(t) => out.extend_from_slice(t.as_bytes()),
            Cell::Blob(b) => {
                out.extend_from_slice(b"\\x");
                for byte in b.iter() {
                    write!(out, "{byte:02x}")?;
                }
            }
        }
        Ok(IsNull::No)
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    fn encode_format(&self, _: &Type) -> postgres::types::Format {
        postgres::types::Format::Text
    }

    to_sql_checked!();
}

/// The type of a parameter left for the server to infer (OID 0).
fn unspecified() -> Type {
    Type::new(
        "unspecified".to_owned(),
        0,
        postgres::types::Kind::Pseudo,
        "pg_catalog".to_owned(),
    )
}

/// A transaction on PostgreSQL, as the seam's [`Engine`].
pub(crate) struct PgConn<'t> {
    tx: RefCell<Transaction<'t>>,
    url: Url,
    prepared: &'t Prepared,
    /// The chains whose advisory lock this transaction holds (to its end:
    /// taken once), with their last row once read or written.
    locked: RefCell<HashMap<&'static str, Option<Head>>>,
    /// The ledger's writes held back by [`Engine::bulk_load`].
    bulk: RefCell<Option<super::bulk::Pending>>,
}

impl<'t> PgConn<'t> {
    pub(crate) fn new(tx: Transaction<'t>, url: &Url, prepared: &'t Prepared) -> PgConn<'t> {
        PgConn {
            tx: RefCell::new(tx),
            url: url.clone(),
            prepared,
            locked: RefCell::new(HashMap::new()),
            bulk: RefCell::new(None),
        }
    }

    /// Commit the transaction (sending any writes held back first).
    pub(crate) fn commit(self) -> Result<()> {
        self.flush(Then::Read)?;
        if self
            .bulk
            .borrow()
            .as_ref()
            .is_some_and(super::bulk::Pending::loaded)
        {
            // The server's autovacuum may be off or far behind a bulk load:
            // fresh statistics for the tables it grew.
            super::bulk::analyze(&mut self.tx.borrow_mut(), &self.url)?;
        }
        let url = self.url;
        self.tx.into_inner().commit().map_err(|e| url.driver(&e))
    }

    /// Send the writes held back, if any, before `sql` when it could see
    /// them ([`super::bulk::sees_held`]).
    fn flush_for(&self, sql: &str) -> Result<()> {
        if super::bulk::sees_held(sql) {
            self.flush(super::bulk::then_for(sql))
        } else {
            Ok(())
        }
    }

    /// Send the writes held back, if any (and before a read or the
    /// commit, make again the ledger's indexes an initial load dropped).
    fn flush(&self, then: Then) -> Result<()> {
        let mut bulk = self.bulk.borrow_mut();
        match bulk.as_mut() {
            Some(pending) if !pending.is_empty() || (then == Then::Read && pending.unindexed()) => {
                pending.flush(&mut self.tx.borrow_mut(), &self.url, then)
            }
            _ => Ok(()),
        }
    }

    /// The statement, prepared on this connection (now, if it was not).
    fn statement(&self, sql: &Sql) -> Result<Statement> {
        if let Some(Some(s)) = self.prepared.borrow().get(sql.postgres()) {
            return Ok(s.clone());
        }
        self.prepare(sql.postgres(), &numbered_dollars(sql.postgres()))
    }

    fn prepare(&self, key: &'static str, text: &str) -> Result<Statement> {
        let stmt = self
            .tx
            .borrow_mut()
            .prepare(text)
            .map_err(|e| self.url.driver(&e))?;
        self.prepared.borrow_mut().insert(key, Some(stmt.clone()));
        Ok(stmt)
    }

    /// Unnamed on its first use on this connection, prepared from its
    /// second (see the module's header).
    fn plan(&self, key: &'static str, text: impl FnOnce() -> String) -> Result<Plan> {
        let seen = self.prepared.borrow().get(key).cloned();
        match seen {
            Some(Some(stmt)) => Ok(Plan::Prepared(stmt)),
            Some(None) => self.prepare(key, &text()).map(Plan::Prepared),
            None => {
                self.prepared.borrow_mut().insert(key, None);
                Ok(Plan::Unnamed(text()))
            }
        }
    }

    /// Run a statement that changes rows; the number changed.
    fn run(&self, plan: Plan, params: Vec<Cell<'_>>) -> Result<u64> {
        let mut tx = self.tx.borrow_mut();
        bind(plan, params, |bound| match bound {
            Bound::Prepared(stmt, params) => tx.execute(stmt, params),
            Bound::Unnamed(text, params) => tx.execute_typed(text, params),
        })
        .map_err(|e| self.url.driver(&e))
    }

    /// Every row of `sql` through a portal (held writes already sent if
    /// need be).
    fn query_portal(
        &self,
        sql: &Sql,
        params: &[&dyn ToCell],
        each: &mut dyn FnMut(&Row<'_>) -> Result<bool>,
    ) -> Result<()> {
        let stmt = self.statement(sql)?;
        let bound: Vec<Param<'_>> = params.iter().map(|p| Param(p.to_cell())).collect();
        let refs: Vec<&(dyn ToSql + Sync)> =
            bound.iter().map(|b| b as &(dyn ToSql + Sync)).collect();
        // Rows are fetched a batch at a time through a portal: memory stays
        // bounded on a long export, and `each` may run statements of its own
        // on this transaction between batches.
        let portal = self
            .tx
            .borrow_mut()
            .bind(&stmt, &refs)
            .map_err(|e| self.url.driver(&e))?;
        loop {
            let rows = self
                .tx
                .borrow_mut()
                .query_portal(&portal, BATCH)
                .map_err(|e| self.url.driver(&e))?;
            for r in &rows {
                let source = PgRow(r);
                if !each(&Row::new(&source))? {
                    return Ok(());
                }
            }
            if rows.len() < BATCH as usize {
                return Ok(());
            }
        }
    }

    /// The first row of `sql` in one round trip, as [`Self::rows_round_trip`]
    /// but keeping only that row: the rest, if any, are read and dropped as
    /// they come.
    fn first_row_round_trip(
        &self,
        sql: &Sql,
        params: &[&dyn ToCell],
    ) -> Result<Option<postgres::Row>> {
        use postgres::fallible_iterator::FallibleIterator;
        let plan = self.plan(sql.postgres(), || numbered_dollars(sql.postgres()))?;
        let cells: Vec<Cell<'_>> = params.iter().map(|p| p.to_cell()).collect();
        let mut tx = self.tx.borrow_mut();
        bind(plan, cells, |bound| {
            let mut rows = match bound {
                Bound::Prepared(stmt, params) => tx.query_raw(stmt, params.iter().copied())?,
                Bound::Unnamed(text, params) => tx.query_typed_raw(text, params.iter().cloned())?,
            };
            let row = rows.next()?;
            // An iterator that has ended must not be asked again.
            if row.is_some() {
                while rows.next()?.is_some() {}
            }
            Ok(row)
        })
        .map_err(|e: postgres::Error| self.url.driver(&e))
    }

    /// Every row of `sql` in one round trip (held writes already sent if
    /// need be; on its second use the statement is prepared first), read
    /// in full before any is handed on, so the caller may run statements
    /// of its own while going through them.
    fn rows_round_trip(&self, sql: &Sql, params: &[&dyn ToCell]) -> Result<Vec<postgres::Row>> {
        let plan = self.plan(sql.postgres(), || numbered_dollars(sql.postgres()))?;
        let cells: Vec<Cell<'_>> = params.iter().map(|p| p.to_cell()).collect();
        let mut tx = self.tx.borrow_mut();
        bind(plan, cells, |bound| match bound {
            Bound::Prepared(stmt, params) => tx.query(stmt, params),
            Bound::Unnamed(text, params) => tx.query_typed(text, params),
        })
        .map_err(|e| self.url.driver(&e))
    }
}

/// A statement with its parameters bound as the driver takes them.
enum Bound<'a> {
    /// Prepared: each parameter as the type the server inferred.
    Prepared(&'a Statement, &'a [&'a (dyn ToSql + Sync)]),
    /// Unnamed: each parameter as text of no type ([`TextParam`]).
    Unnamed(&'a str, &'a [(&'a (dyn ToSql + Sync), Type)]),
}

/// Bind `cells` for `plan` and hand the statement to `run`.
fn bind<T>(plan: Plan, cells: Vec<Cell<'_>>, run: impl FnOnce(Bound<'_>) -> T) -> T {
    match plan {
        Plan::Prepared(stmt) => {
            let bound: Vec<Param<'_>> = cells.into_iter().map(Param).collect();
            let refs: Vec<&(dyn ToSql + Sync)> =
                bound.iter().map(|b| b as &(dyn ToSql + Sync)).collect();
            run(Bound::Prepared(&stmt, &refs))
        }
        Plan::Unnamed(text) => {
            let bound: Vec<TextParam<'_>> = cells.into_iter().map(TextParam).collect();
            let typed: Vec<(&(dyn ToSql + Sync), Type)> = bound
                .iter()
                .map(|b| (b as &(dyn ToSql + Sync), unspecified()))
                .collect();
            run(Bound::Unnamed(&text, &typed))
        }
    }
}

/// A bound parameter as the driver takes it: whatever type the server
/// inferred for its placeholder, within reason.
#[derive(Debug)]
struct Param<'a>(Cell<'a>);

impl ToSql for Param<'_> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> std::result::Result<IsNull, BoxError> {
        match (&self.0, ty) {
            (Cell::Null, _) => Ok(IsNull::Yes),
            (Cell::Integer(i), &Type::INT8) => i.to_sql(ty, out),
            (Cell::Integer(i), &Type::INT4) => i32::try_from(*i)?.to_sql(ty, out),
            (Cell::Integer(i), &Type::INT2) => i16::try_from(*i)?.to_sql(ty, out),
            (Cell::Integer(i), &Type::BOOL) => (*i != 0).to_sql(ty, out),
            #[allow(clippy::cast_precision_loss)]
            (Cell::Integer(i), &Type::FLOAT8) => (*i as f64).to_sql(ty, out),
            (Cell::Real(r), &Type::FLOAT8) => r.to_sql(ty, out),
            (
                Cell::Text(t),
                &Type::TEXT | &Type::VARCHAR | &Type::NAME | &Type::BPCHAR | &Type::UNKNOWN,
            ) => t.as_ref().to_sql(ty, out),
            (Cell::Blob(b), &Type::BYTEA) => b.as_ref().to_sql(ty, out),
            (v, ty) => {
                Err(format!("{} cannot be bound where PostgreSQL expects {ty}", v.kind()).into())
            }
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// A NUMERIC (what `sum` of bigints gives) read as an integer when it is
/// whole, else as a real.
struct Numeric(Cell<'static>);

impl<'a> FromSql<'a> for Numeric {
    fn from_sql(_: &Type, raw: &'a [u8]) -> std::result::Result<Self, BoxError> {
        let word = |i: usize| -> std::result::Result<i16, BoxError> {
            let b = raw.get(i..i + 2).ok_or("short NUMERIC")?;
            Ok(i16::from_be_bytes([b[0], b[1]]))
        };
        let ndigits = usize::try_from(word(0)?)?;
        let weight = i32::from(word(2)?);
        let sign = word(4)? as u16;
        if sign == 0xC000 {
            return Ok(Numeric(Cell::Real(f64::NAN)));
        }
        let mut whole: i128 = 0;
        let mut fraction = 0.0f64;
        for d in 0..ndigits {
            let digit = i128::from(word(8 + 2 * d)?);
            let power = weight - i32::try_from(d)?;
            if power >= 0 {
                whole = whole
                    .checked_mul(10_000)
                    .and_then(|w| w.checked_add(digit))
                    .ok_or("NUMERIC too large")?;
            } else {
                #[allow(clippy::cast_precision_loss)]
                let f = digit as f64 * 10_000f64.powi(power);
                fraction += f;
            }
        }
        // Digits above the last stored one count as zeros.
        let stored_whole = (0..ndigits).filter(|d| weight - *d as i32 >= 0).count();
        let missing = usize::try_from(weight + 1)
            .unwrap_or(0)
            .saturating_sub(stored_whole);
        for _ in 0..missing {
            whole = whole.checked_mul(10_000).ok_or("NUMERIC too large")?;
        }
        let negative = sign == 0x4000;
        if fraction == 0.0 {
            let n = i64::try_from(whole)?;
            return Ok(Numeric(Cell::Integer(if negative { -n } else { n })));
        }
        #[allow(clippy::cast_precision_loss)]
        let value = whole as f64 + fraction;
        Ok(Numeric(Cell::Real(if negative { -value } else { value })))
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::NUMERIC
    }
}

struct PgRow<'a>(&'a postgres::Row);

impl RowSource for PgRow<'_> {
    fn column_names(&self) -> Vec<String> {
        self.0
            .columns()
            .iter()
            .map(|c| c.name().to_owned())
            .collect()
    }

    fn cell(&self, i: usize) -> Result<Cell<'_>> {
        let row = self.0;
        let column = row.columns().get(i).ok_or_else(|| Error::Sqlite {
            detail: format!("no column {i}"),
        })?;
        let bad = |e: postgres::Error| Error::Sqlite {
            detail: format!("column {}: {e}", column.name()),
        };
        let ty = column.type_();
        Ok(match *ty {
            Type::INT8 => row
                .try_get::<_, Option<i64>>(i)
                .map_err(bad)?
                .map_or(Cell::Null, Cell::Integer),
            Type::INT4 => row
                .try_get::<_, Option<i32>>(i)
                .map_err(bad)?
                .map_or(Cell::Null, |v| Cell::Integer(i64::from(v))),
            Type::INT2 => row
                .try_get::<_, Option<i16>>(i)
                .map_err(bad)?
                .map_or(Cell::Null, |v| Cell::Integer(i64::from(v))),
            Type::BOOL => row
                .try_get::<_, Option<bool>>(i)
                .map_err(bad)?
                .map_or(Cell::Null, |v| Cell::Integer(i64::from(v))),
            Type::FLOAT8 => row
                .try_get::<_, Option<f64>>(i)
                .map_err(bad)?
                .map_or(Cell::Null, Cell::Real),
            Type::FLOAT4 => row
                .try_get::<_, Option<f32>>(i)
                .map_err(bad)?
                .map_or(Cell::Null, |v| Cell::Real(f64::from(v))),
            Type::NUMERIC => row
                .try_get::<_, Option<Numeric>>(i)
                .map_err(bad)?
                .map_or(Cell::Null, |n| n.0),
            Type::BYTEA => row
                .try_get::<_, Option<&[u8]>>(i)
                .map_err(bad)?
                .map_or(Cell::Null, |b| Cell::Blob(Cow::Borrowed(b))),
            _ => row
                .try_get::<_, Option<&str>>(i)
                .map_err(bad)?
                .map_or(Cell::Null, |t| Cell::Text(Cow::Borrowed(t))),
        })
    }
}

impl Engine for PgConn<'_> {
    fn kind(&self) -> EngineKind {
        EngineKind::Postgres
    }

    fn query(
        &self,
        sql: &Sql,
        params: &[&dyn ToCell],
        each: &mut dyn FnMut(&Row<'_>) -> Result<bool>,
    ) -> Result<()> {
        self.flush_for(sql.postgres())?;
        self.query_portal(sql, params, each)
    }

    fn query_before_held(
        &self,
        sql: &Sql,
        params: &[&dyn ToCell],
        each: &mut dyn FnMut(&Row<'_>) -> Result<bool>,
    ) -> Result<()> {
        // Its plan needs the indexes an initial load dropped (a lot's
        // balances at a location by `balances_item`), not the held rows.
        if super::bulk::then_for(sql.postgres()) == Then::Read
            && let Some(pending) = self.bulk.borrow_mut().as_mut()
        {
            pending.restore(&mut self.tx.borrow_mut(), &self.url)?;
        }
        self.query_portal(sql, params, each)
    }

    fn send_held(&self) -> Result<()> {
        // The ledger's own lookups, which read balances from now on.
        self.flush(Then::More)
    }

    fn holds_writes(&self) -> bool {
        self.bulk.borrow().is_some()
    }

    fn query_first(
        &self,
        sql: &Sql,
        params: &[&dyn ToCell],
        first: &mut dyn FnMut(&Row<'_>) -> Result<()>,
    ) -> Result<()> {
        self.flush_for(sql.postgres())?;
        match self.first_row_round_trip(sql, params)? {
            Some(r) => first(&Row::new(&PgRow(&r))),
            None => Ok(()),
        }
    }

    fn query_collected(
        &self,
        sql: &Sql,
        params: &[&dyn ToCell],
        each: &mut dyn FnMut(&Row<'_>) -> Result<bool>,
    ) -> Result<()> {
        self.flush_for(sql.postgres())?;
        for r in &self.rows_round_trip(sql, params)? {
            if !each(&Row::new(&PgRow(r)))? {
                break;
            }
        }
        Ok(())
    }

    fn execute(&self, sql: &Sql, params: &[&dyn ToCell]) -> Result<usize> {
        if let Some(pending) = self.bulk.borrow_mut().as_mut()
            && let Some(n) = pending.hold(sql, params)?
        {
            return Ok(n);
        }
        self.flush_for(sql.postgres())?;
        let plan = self.plan(sql.postgres(), || numbered_dollars(sql.postgres()))?;
        let n = self.run(plan, params.iter().map(|p| p.to_cell()).collect())?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }

    fn insert(&self, sql: &Sql, params: &[&dyn ToCell]) -> Result<i64> {
        if sql.postgres() == crate::store::sql::ledger::INSERT_LOT.postgres()
            && let Some(pending) = self.bulk.borrow_mut().as_mut()
        {
            return pending.hold_lot(&mut self.tx.borrow_mut(), &self.url, params);
        }
        let mut id = None;
        self.query_first(sql, params, &mut |r| {
            id = Some(r.get::<i64>(0)?);
            Ok(())
        })?;
        id.ok_or_else(|| Error::Sqlite {
            detail: format!("no id returned by {}", sql.postgres()),
        })
    }

    fn lock_chain(&self, table: &crate::chain::Chained) -> Result<()> {
        if self.locked.borrow().contains_key(table.table()) {
            return Ok(());
        }
        // An advisory lock reads nothing: held writes can wait.
        super::lock_chain(&mut self.tx.borrow_mut(), &self.url, table)?;
        self.locked.borrow_mut().insert(table.table(), None);
        Ok(())
    }

    fn chain_head(&self, table: &crate::chain::Chained) -> Result<Option<(i64, Vec<u8>)>> {
        if let Some(Some(head)) = self.locked.borrow().get(table.table()) {
            return Ok(head.clone());
        }
        let mut head = None;
        self.query_first(&Sql::both(table.last_sql()), &[], &mut |r| {
            head = Some((r.get::<i64>(0)?, r.get::<Vec<u8>>(1)?));
            Ok(())
        })?;
        // Remembered only under the chain's lock: then no one else appends.
        if let Some(known) = self.locked.borrow_mut().get_mut(table.table()) {
            *known = Some(head.clone());
        }
        Ok(head)
    }

    fn bulk_load(&self) -> Result<()> {
        let mut bulk = self.bulk.borrow_mut();
        if bulk.is_none() {
            *bulk = Some(super::bulk::Pending::default());
        }
        Ok(())
    }

    fn insert_chained(
        &self,
        table: &crate::chain::Chained,
        id: i64,
        values: &[&dyn ToCell],
        hash: &[u8],
    ) -> Result<()> {
        if let Some(known) = self.locked.borrow_mut().get_mut(table.table()) {
            *known = Some(Some((id, hash.to_vec())));
        }
        let held = match self.bulk.borrow_mut().as_mut() {
            Some(pending) => pending
                .hold_chained(table, id, values, hash)
                .then(|| pending.full()),
            None => None,
        };
        match held {
            Some(true) => return self.flush(Then::Size),
            Some(false) => return Ok(()),
            None => {}
        }
        self.flush_for(table.insert_sql())?;
        let plan = self.plan(table.insert_sql(), || super::insert_chained_sql(table))?;
        let mut cells: Vec<Cell<'_>> = Vec::with_capacity(values.len() + 2);
        cells.push(Cell::Integer(id));
        cells.extend(values.iter().map(|v| v.to_cell()));
        cells.push(Cell::Blob(Cow::Borrowed(hash)));
        self.run(plan, cells)?;
        Ok(())
    }
}
