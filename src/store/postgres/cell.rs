//! One column value crossing between the engines. The schema maps SQLite's
//! STRICT types one to one (INTEGER bigint, TEXT text, BLOB bytea), so a
//! value read from either engine is the same typed value, hashed alike by
//! `chain`. The value is the seam's own [`Cell`](crate::store::Cell),
//! owned.

use std::error::Error as StdError;

use bytes::BytesMut;
use postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};

/// A value owned, as read from either engine.
pub(crate) type Value = crate::store::Cell<'static>;

/// The storage class of a column, as both engines declare it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Integer,
    Text,
    Blob,
}

impl Kind {
    /// From SQLite's declared type of a STRICT column.
    pub(crate) fn from_sqlite(declared: &str) -> Option<Kind> {
        match declared.to_ascii_uppercase().as_str() {
            "INTEGER" => Some(Kind::Integer),
            "TEXT" => Some(Kind::Text),
            "BLOB" => Some(Kind::Blob),
            _ => None,
        }
    }

    /// From PostgreSQL's `information_schema.columns.data_type`.
    pub(crate) fn from_postgres(data_type: &str) -> Option<Kind> {
        match data_type {
            "bigint" => Some(Kind::Integer),
            "text" => Some(Kind::Text),
            "bytea" => Some(Kind::Blob),
            _ => None,
        }
    }

    /// The PostgreSQL type of a column of this kind.
    pub(crate) fn pg_type(self) -> Type {
        match self {
            Kind::Integer => Type::INT8,
            Kind::Text => Type::TEXT,
            Kind::Blob => Type::BYTEA,
        }
    }
}

/// A value as the seam carries it (and `chain` hashes it).
pub(crate) fn seam_cell(v: &Value) -> crate::store::Cell<'_> {
    use std::borrow::Cow;

    use crate::store::Cell as SeamCell;
    match v {
        Value::Null => SeamCell::Null,
        Value::Integer(i) => SeamCell::Integer(*i),
        Value::Real(r) => SeamCell::Real(*r),
        Value::Text(t) => SeamCell::Text(Cow::Borrowed(t.as_ref())),
        Value::Blob(b) => SeamCell::Blob(Cow::Borrowed(b.as_ref())),
    }
}

/// A value bound to, or read from, a PostgreSQL column of any of the
/// three types.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Cell(pub(crate) Value);

type BoxError = Box<dyn StdError + Sync + Send>;

impl ToSql for Cell {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        match (&self.0, ty) {
            (Value::Null, _) => Ok(IsNull::Yes),
            (Value::Integer(i), &Type::INT8) => i.to_sql(ty, out),
            (Value::Text(t), &Type::TEXT) => t.as_ref().to_sql(ty, out),
            (Value::Blob(b), &Type::BYTEA) => b.as_ref().to_sql(ty, out),
            (v, ty) => Err(format!("a {v:?} cannot be stored in a column of type {ty}").into()),
        }
    }

    fn accepts(ty: &Type) -> bool {
        matches!(*ty, Type::INT8 | Type::TEXT | Type::BYTEA)
    }

    to_sql_checked!();
}

impl<'a> FromSql<'a> for Cell {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        Ok(Cell(match *ty {
            Type::INT8 => Value::Integer(i64::from_sql(ty, raw)?),
            Type::TEXT => Value::Text(String::from_sql(ty, raw)?.into()),
            Type::BYTEA => Value::Blob(Vec::<u8>::from_sql(ty, raw)?.into()),
            _ => return Err(format!("labstock has no column of type {ty}").into()),
        }))
    }

    fn from_sql_null(_: &Type) -> Result<Self, BoxError> {
        Ok(Cell(Value::Null))
    }

    fn accepts(ty: &Type) -> bool {
        matches!(*ty, Type::INT8 | Type::TEXT | Type::BYTEA)
    }
}
