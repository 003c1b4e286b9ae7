//! The import log (SPEC §10 Imports): every import that wrote something is
//! recorded with its kind and the SHA-256 of the file's bytes, and a file
//! identical to one already imported (same kind) is refused, naming the
//! earlier import's date and user, unless `--again`. Importing the same
//! delivery file twice would otherwise double the stock.
//!
//! The hash is taken from the bytes as they stream to the CSV parser, so a
//! file is read once however large. When a row of the file is refused, the
//! rest of it is still read (not parsed) to finish the hash: a file
//! imported before is reported as such rather than as, say, the duplicate
//! item code its first row now is.

use std::io::Read;

use sha2::{Digest, Sha256};

use crate::args;
use crate::chain;
use crate::error::{Error, Result};
use crate::store::Conn;

/// The earlier import of identical content (`imports_content`).
pub use crate::store::sql::imports::EARLIER_IMPORT;

/// A reader that hashes every byte read through it.
pub(crate) struct Hashing<R> {
    inner: R,
    hasher: Sha256,
    bytes: u64,
}

impl<R: Read> Hashing<R> {
    pub(crate) fn new(inner: R) -> Self {
        Hashing {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
        }
    }

    /// Read what is left, hashing it, and return the digest and size.
    /// `None` when the rest cannot be read.
    pub(crate) fn finish(&mut self) -> Option<([u8; 32], u64)> {
        std::io::copy(self, &mut std::io::sink()).ok()?;
        Some((self.hasher.clone().finalize().into(), self.bytes))
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(read) = buf.get(..n) {
            self.hasher.update(read);
        }
        self.bytes = self.bytes.saturating_add(n as u64);
        Ok(n)
    }
}

/// Refuse content imported before as the same kind, unless `again`.
pub(crate) fn refuse_repeat(
    conn: Conn<'_>,
    kind: &'static str,
    sha256: &[u8; 32],
    again: bool,
) -> Result<()> {
    if again {
        return Ok(());
    }
    let earlier: Option<(String, String, i64)> =
        conn.query_opt(&EARLIER_IMPORT, args![kind, sha256.as_slice()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    match earlier {
        Some((at, user, rows)) => Err(Error::AlreadyImported {
            kind,
            at,
            user,
            rows,
        }),
        None => Ok(()),
    }
}

/// What one import was.
pub(crate) struct Imported<'a> {
    pub(crate) kind: &'static str,
    pub(crate) sha256: [u8; 32],
    pub(crate) bytes: u64,
    pub(crate) rows: u64,
    pub(crate) again: bool,
    pub(crate) at: &'a str,
    pub(crate) user: &'a str,
}

/// Record an import in its transaction.
pub(crate) fn record(conn: Conn<'_>, i: &Imported<'_>) -> Result<i64> {
    let bytes = i64::try_from(i.bytes)
        .map_err(|_| Error::invalid("file", i.bytes.to_string(), "a file under 8 EiB"))?;
    let rows = i64::try_from(i.rows)
        .map_err(|_| Error::invalid("file", i.rows.to_string(), "fewer rows"))?;
    chain::append_cells(
        conn,
        &chain::IMPORTS,
        args![
            i.kind,
            i.sha256.as_slice(),
            bytes,
            rows,
            i.again,
            i.at,
            i.user
        ],
    )
}
