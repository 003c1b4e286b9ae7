//! A SQLite file as labstock opens it: what the file is, looked at before
//! SQLite is let near it, and the connection to it.
//!
//! Opening first identifies the file without changing it (the 100-byte
//! SQLite header, then `application_id` and `user_version` read through
//! SQLite: `Store::identify_and_configure` in `store.rs`), and only then
//! sets the PRAGMAs every connection needs. A missing, empty, foreign,
//! newer, truncated or damaged file is refused before anything is written
//! to it, and no `-wal`/`-shm` file is left beside it ([`Sidecars`]). A
//! file whose permissions forbid writing is opened read-only, and as
//! immutable when no journal lies beside it.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::error::{Damage, Error, Foreign, Result};
use crate::store::sqlite::migrations;

/// The schema, applied to a new database by `init`.
pub const SCHEMA: &str = include_str!("../../../schema.sql");

/// Schema version this binary writes and understands (PRAGMA user_version):
/// the base schema (version 1) plus every migration.
pub const SCHEMA_VERSION: i64 = 1 + migrations::MIGRATIONS.len() as i64;

/// PRAGMA application_id of a labstock database ("LBST").
pub const APPLICATION_ID: i64 = 0x4C42_5354;

/// Whether `application_id` and `user_version` make a labstock database
/// this binary can open.
pub(super) fn identity(path: &Path, application_id: i64, version: i64) -> Result<()> {
    if application_id != APPLICATION_ID {
        let found = if application_id == 0 {
            Foreign::PlainSqlite
        } else {
            Foreign::OtherApplication { application_id }
        };
        return Err(not_labstock(path, found));
    }
    if version < 1 {
        return Err(not_labstock(path, Foreign::PlainSqlite));
    }
    if version > SCHEMA_VERSION {
        return Err(Error::TooNew {
            path: path.to_owned(),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(())
}

pub(super) fn not_labstock(path: &Path, found: Foreign) -> Error {
    Error::NotLabstock {
        path: path.to_owned(),
        found,
    }
}

/// The fields of the 100-byte SQLite database header labstock reads
/// before letting SQLite near a file (https://sqlite.org/fileformat.html).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Header {
    page_size: u64,
    /// The in-header database size in pages; 0 when not valid.
    pages: u64,
    user_version: i64,
    application_id: i64,
}

impl Header {
    const MAGIC: &'static [u8; 16] = b"SQLite format 3\0";

    /// `None` when the bytes are not an SQLite header.
    fn parse(bytes: &[u8]) -> Option<Header> {
        if bytes.len() < 100 || &bytes[..16] != Self::MAGIC {
            return None;
        }
        let u16_at = |i: usize| u64::from(u16::from_be_bytes([bytes[i], bytes[i + 1]]));
        let u32_at =
            |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
        let page_size = match u16_at(16) {
            1 => 65_536,
            n if n >= 512 && n.is_power_of_two() => n,
            _ => return None,
        };
        // The size is trusted only when the change counter matches the
        // version-valid-for number (as SQLite itself does).
        let pages = if u32_at(24) == u32_at(92) {
            u64::from(u32_at(28))
        } else {
            0
        };
        Some(Header {
            page_size,
            pages,
            user_version: i64::from(u32_at(60) as i32),
            application_id: i64::from(u32_at(68) as i32),
        })
    }
}

/// Look at the file's bytes before SQLite opens it: empty, not SQLite,
/// truncated, or (when no journal holds newer changes, so the header is
/// current) another application's or a newer labstock's database. These
/// files are refused without SQLite ever opening them, so nothing is
/// written to them.
pub(super) fn inspect_file(path: &Path, sidecars: &Sidecars) -> Result<()> {
    let (bytes, len) = read_head(path)?;
    if len == 0 && !sidecars.holds_changes() {
        return Err(not_labstock(path, Foreign::Empty));
    }
    if len == 0 {
        // Everything may still be in the WAL beside it.
        return Ok(());
    }
    let Some(header) = Header::parse(&bytes) else {
        return Err(not_labstock(path, Foreign::NotSqlite));
    };
    if sidecars.holds_changes() {
        // The header in the file may be older than the WAL or journal
        // beside it; SQLite reads both, so let it judge.
        return Ok(());
    }
    identity(path, header.application_id, header.user_version)?;
    let expected = header.pages * header.page_size;
    if expected > len {
        // A checkpoint of another process could in principle be extending
        // the file between our two reads; look once more before refusing.
        std::thread::sleep(Duration::from_millis(20));
        let (again, len_again) = read_head(path)?;
        let expected_again = Header::parse(&again).map_or(expected, |h| h.pages * h.page_size);
        if expected_again > len_again && !Sidecars::look(path).holds_changes() {
            return Err(Error::Corrupt {
                path: Some(path.to_owned()),
                damage: Damage::Truncated {
                    expected: expected_again,
                    actual: len_again,
                },
            });
        }
    }
    Ok(())
}

/// The first 100 bytes of a file and its length.
fn read_head(path: &Path) -> Result<(Vec<u8>, u64)> {
    let io = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    let mut bytes = Vec::with_capacity(100);
    file.take(100).read_to_end(&mut bytes).map_err(io)?;
    Ok((bytes, len))
}

/// Open the connection. A file whose permissions forbid writing is opened
/// read-only; when no WAL or journal lies beside it, as immutable, so
/// reading it creates no `-wal`/`-shm` files.
pub(super) fn connect(path: &Path, read_only: bool, sidecars: &Sidecars) -> Result<Connection> {
    let opened = if !read_only {
        Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
    } else if let Some(uri) = sidecars.none().then(|| immutable_uri(path)).flatten() {
        Connection::open_with_flags(
            uri,
            OpenFlags::SQLITE_OPEN_READ_ONLY
                | OpenFlags::SQLITE_OPEN_URI
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
    } else {
        Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
    };
    opened.map_err(|e| classify_open_error(path, e))
}

/// `file:` URI opening `path` immutable and read-only, percent-encoded;
/// `None` for a path that is not UTF-8 (it is then opened plainly).
fn immutable_uri(path: &Path) -> Option<String> {
    let absolute = std::fs::canonicalize(path).ok()?;
    let text = absolute.to_str()?;
    let mut uri = String::from("file:");
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri.push_str("?mode=ro&immutable=1");
    Some(uri)
}

/// Which of SQLite's side files exist beside a database, and their sizes.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Sidecars {
    wal: Option<u64>,
    shm: Option<u64>,
    journal: Option<u64>,
}

impl Sidecars {
    const SUFFIXES: [&'static str; 3] = ["-wal", "-shm", "-journal"];

    pub(super) fn look(path: &Path) -> Sidecars {
        let size = |suffix| {
            std::fs::metadata(sidecar(path, suffix))
                .ok()
                .map(|m| m.len())
        };
        Sidecars {
            wal: size("-wal"),
            shm: size("-shm"),
            journal: size("-journal"),
        }
    }

    fn none(&self) -> bool {
        self.wal.is_none() && self.shm.is_none() && self.journal.is_none()
    }

    /// Whether a WAL or rollback journal may hold changes the main file
    /// does not show yet.
    fn holds_changes(&self) -> bool {
        self.wal.unwrap_or(0) > 0 || self.journal.unwrap_or(0) > 0
    }

    /// After refusing a file: remove side files that opening it created,
    /// and only those that cannot hold anyone's data (an empty WAL or
    /// journal, and a `-shm` index when no WAL with content is beside it).
    pub(super) fn remove_created(&self, path: &Path) {
        let now = Sidecars::look(path);
        let existed = [self.wal, self.shm, self.journal];
        let current = [now.wal, now.shm, now.journal];
        for ((suffix, was), is) in Self::SUFFIXES.iter().zip(existed).zip(current) {
            let removable = match *suffix {
                "-shm" => !now.holds_changes(),
                _ => is == Some(0),
            };
            if was.is_none() && is.is_some() && removable {
                let _ = std::fs::remove_file(sidecar(path, suffix));
            }
        }
    }
}

/// `path` with a suffix appended to its file name (`lab.db` → `lab.db-wal`).
pub(crate) fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// An error from opening or first reading the file at `path`: one that
/// says the file is not a database, or is damaged, is [`Error::Corrupt`]
/// naming it; any other is classified as every SQLite error is.
pub(super) fn classify_open_error(path: &Path, e: rusqlite::Error) -> Error {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt) => {
            Error::Corrupt {
                path: Some(path.to_owned()),
                damage: Damage::Malformed {
                    detail: e.to_string(),
                },
            }
        }
        _ => Error::from(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_is_read_as_sqlite_writes_it() {
        let mut b = vec![0u8; 100];
        b[..16].copy_from_slice(Header::MAGIC);
        b[16..18].copy_from_slice(&4096u16.to_be_bytes());
        b[24..28].copy_from_slice(&7u32.to_be_bytes());
        b[28..32].copy_from_slice(&10u32.to_be_bytes());
        b[60..64].copy_from_slice(&2u32.to_be_bytes());
        b[68..72].copy_from_slice(&0x4C42_5354u32.to_be_bytes());
        b[92..96].copy_from_slice(&7u32.to_be_bytes());
        let h = Header::parse(&b).unwrap();
        assert_eq!(
            h,
            Header {
                page_size: 4096,
                pages: 10,
                user_version: 2,
                application_id: APPLICATION_ID
            }
        );
        // A stale size (change counter moved on) is not trusted.
        b[92..96].copy_from_slice(&6u32.to_be_bytes());
        assert_eq!(Header::parse(&b).unwrap().pages, 0);
        assert_eq!(Header::parse(&b[..99]), None);
        b[0] = b'X';
        assert_eq!(Header::parse(&b), None);
    }

    #[test]
    fn identity_names_what_was_found() {
        let p = Path::new("x.db");
        assert!(identity(p, APPLICATION_ID, SCHEMA_VERSION).is_ok());
        assert!(matches!(
            identity(p, 0, 0),
            Err(Error::NotLabstock {
                found: Foreign::PlainSqlite,
                ..
            })
        ));
        assert!(matches!(
            identity(p, 42, 1),
            Err(Error::NotLabstock {
                found: Foreign::OtherApplication { application_id: 42 },
                ..
            })
        ));
        assert!(matches!(
            identity(p, APPLICATION_ID, SCHEMA_VERSION + 1),
            Err(Error::TooNew { .. })
        ));
    }

    #[test]
    fn immutable_uri_escapes_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a b?#%.db");
        std::fs::write(&path, b"").unwrap();
        let uri = immutable_uri(&path).unwrap();
        assert!(uri.starts_with("file:/"), "{uri}");
        assert!(
            uri.ends_with("a%20b%3F%23%25.db?mode=ro&immutable=1"),
            "{uri}"
        );
    }
}
