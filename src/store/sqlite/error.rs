//! SQLite's errors as labstock's [`Error`]: classified here, at the
//! store boundary, so a busy or read-only database, a damaged file and a
//! write the append-only triggers refused each become the variant that
//! says so (with its exit code), and no rusqlite type crosses into the
//! error. Errors from opening a file are classified first by
//! `open::classify_open_error`, which names the file.

use rusqlite::ErrorCode;

use crate::error::{Damage, Error, Refusal};

/// Every rusqlite error becomes an [`Error`] through this (`?` on a
/// driver call).
impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Error::Locked {
                path: None,
                waited: None,
            },
            Some(ErrorCode::ReadOnly) => Error::ReadOnly { path: None },
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => Error::Corrupt {
                path: None,
                damage: Damage::Malformed {
                    detail: e.to_string(),
                },
            },
            Some(ErrorCode::ConstraintViolation) => {
                // Constraint failures that reach here were not foreseen by a
                // validation step; the trigger message (append-only) is the
                // useful part, so keep it.
                let text = e.to_string();
                if text.contains("append-only") {
                    Error::Refused(Refusal::AppendOnly(text))
                } else {
                    Error::Sqlite {
                        detail: e.to_string(),
                    }
                }
            }
            _ => Error::Sqlite {
                detail: e.to_string(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::error::Error;

    #[test]
    fn any_other_sqlite_error_is_a_database_error() {
        let db = Error::from(rusqlite::Error::InvalidQuery);
        assert!(matches!(db, Error::Sqlite { .. }), "{db:?}");
        assert_eq!((db.exit_code(), db.http_status()), (1, 500));
    }
}
