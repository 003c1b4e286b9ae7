//! How the typed domain values ([`crate::values`]) are bound and read: ids
//! and quantities as SQLite integers, timestamps as stored text. A value
//! read back is checked as it was when made (a quantity beyond the bound,
//! say from a tampered file, is an error, not a silently wrong number).

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

use crate::values::{ItemId, LocationId, LotId, MovementId, Quantity, Timestamp, WasteRecordId};

macro_rules! integer_id_sql {
    ($($name:ident),*) => {$(
        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.get()))
            }
        }

        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                i64::column_result(value).map($name::new)
            }
        }
    )*};
}

integer_id_sql!(ItemId, LotId, LocationId, MovementId, WasteRecordId);

impl ToSql for Quantity {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.get()))
    }
}

impl FromSql for Quantity {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let n = i64::column_result(value)?;
        Quantity::new(n).ok_or(FromSqlError::OutOfRange(n))
    }
}

impl ToSql for Timestamp {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.stamp()))
    }
}

impl FromSql for Timestamp {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        Timestamp::parse_stored(text).map_err(|e| FromSqlError::Other(Box::new(e)))
    }
}
