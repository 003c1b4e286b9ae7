//! SQLite's online backup API, for `labstock backup` (src/backup.rs keeps
//! the rules: the temporary file beside the destination, the verification
//! of the copy, the rename). The copy is made in one backup step, which
//! reads one snapshot of the database (a WAL read transaction: writers
//! carry on, the copy sees none of their later commits).

use std::path::Path;
use std::time::{Duration, Instant};

use rusqlite::Connection;
use rusqlite::backup::{Backup, StepResult};

use crate::error::{Error, Result};
use crate::store::Store;

/// How long to sleep between attempts when the source is momentarily busy
/// (WAL recovery by another process).
const RETRY_PAUSE: Duration = Duration::from_millis(20);

impl Store {
    /// Copy this SQLite database into a new file at `temp` ([`online_backup`]);
    /// on PostgreSQL, [`Error::NotOnPostgres`].
    pub(crate) fn sqlite_backup_into(&self, temp: &Path) -> Result<()> {
        online_backup(self.sqlite()?, self.path(), temp, self.busy_timeout())
    }
}

/// The online backup of `source` (the database at `source_path`) into a
/// new file at `temp`: every page in one step, so the copy is one
/// snapshot. Retries while the source is busy, up to `busy_timeout`.
fn online_backup(
    source: &Connection,
    source_path: &Path,
    temp: &Path,
    busy_timeout: Duration,
) -> Result<()> {
    let io = |e: rusqlite::Error| Error::from(e).in_database(temp, busy_timeout);
    let mut dst = Connection::open(temp).map_err(io)?;
    {
        let backup = Backup::new(source, &mut dst)?;
        let started = Instant::now();
        loop {
            match backup.step(-1)? {
                StepResult::Done => break,
                StepResult::More => {}
                // Busy or Locked (the enum is non-exhaustive).
                _ => {
                    if started.elapsed() >= busy_timeout {
                        return Err(Error::Locked {
                            path: Some(source_path.to_owned()),
                            waited: Some(busy_timeout),
                        });
                    }
                    std::thread::sleep(RETRY_PAUSE);
                }
            }
        }
    }
    dst.close().map_err(|(_, e)| io(e))
}
