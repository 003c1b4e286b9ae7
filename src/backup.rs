//! `labstock backup FILE`: a consistent copy of the database, taken with
//! SQLite's online backup API while other processes keep recording, and
//! verified before it is given the name FILE.
//!
//! The copy is made in one backup step, which reads one snapshot of the
//! database (a WAL read transaction: writers carry on, the copy sees none
//! of their later commits; the step itself is in
//! `store/sqlite/backup.rs`). It is written to a temporary file beside FILE,
//! opened as a labstock database and proven with the same `check` the
//! command line runs (SQLite's `integrity_check` and `foreign_key_check`,
//! every balance against the ledger, equipment state), synced to disk, and
//! only then renamed over FILE, so FILE is never a half-written or
//! unverified copy. A failed verification removes the temporary file.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::check::CheckReport;
use crate::error::{Error, Result};
use crate::store::{OpenOptions, Store, sidecar};

/// What a backup wrote and proved.
#[derive(Debug, Clone)]
pub struct BackupReport {
    /// The backup file.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
    /// What `check` found in the copy (clean, or the backup is refused).
    pub check: CheckReport,
}

/// The stage a backup has reached, for a front end to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackupStage {
    /// Copying the snapshot with the online backup API.
    Copying,
    /// Checking the copy as `check` does.
    Verifying,
}

impl Store {
    /// Copy this database to `dest` and verify the copy; `force` replaces
    /// an existing `dest`. On any failure `dest` is left as it was.
    pub fn backup_to(&self, dest: &Path, force: bool) -> Result<BackupReport> {
        self.backup_to_with(dest, force, &mut |_| {})
    }

    /// [`Store::backup_to`], telling `stage` where it has got to.
    pub fn backup_to_with(
        &self,
        dest: &Path,
        force: bool,
        stage: &mut dyn FnMut(BackupStage),
    ) -> Result<BackupReport> {
        let dest = dest.to_owned();
        refuse_unsafe_destination(self.path(), &dest, force)?;
        let temp = TempCopy::beside(&dest)?;
        stage(BackupStage::Copying);
        match self.postgres_url() {
            // On PostgreSQL the backup is a `copy` of the whole lab into a
            // SQLite file (one REPEATABLE READ snapshot, every table, ids and
            // hash chains kept), verified below like any backup.
            Some(url) => {
                crate::store::copy::copy(
                    &crate::store::Db::Postgres(url),
                    &crate::store::Db::Sqlite(temp.path.clone()),
                    crate::store::OpenOptions {
                        busy_timeout: self.busy_timeout(),
                    },
                )?;
            }
            None => self.sqlite_backup_into(&temp.path)?,
        }
        stage(BackupStage::Verifying);
        let check = verify(&temp.path, self.busy_timeout())?;
        if !check.is_clean() {
            let first = check
                .discrepancies
                .first()
                .map(crate::check::Discrepancy::describe)
                .or_else(|| check.problems.first().cloned())
                .unwrap_or_default();
            return Err(Error::CheckFailed(format!(
                "the backup copy failed verification ({} balance difference(s), {} other problem(s); first: {first}); {} was not written; run `labstock check` on the database",
                check.discrepancies.len(),
                check.problems.len(),
                dest.display()
            )));
        }
        let bytes = temp.commit(&dest)?;
        Ok(BackupReport {
            path: dest,
            bytes,
            check,
        })
    }
}

/// Refuse a destination that is a directory, the database itself, or an
/// existing file without `force`; and never rename a copy under a WAL
/// that still holds another database's changes (SQLite would replay it
/// into the copy).
fn refuse_unsafe_destination(source: &Path, dest: &Path, force: bool) -> Result<()> {
    let dir = dest
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    if !dir.is_dir() {
        return Err(Error::invalid(
            "backup file",
            dest.display().to_string(),
            format!(
                "a path in an existing directory ({} is not one)",
                dir.display()
            ),
        ));
    }
    let Ok(meta) = std::fs::metadata(dest) else {
        return Ok(());
    };
    if meta.is_dir() {
        return Err(Error::invalid(
            "backup file",
            dest.display().to_string(),
            "a file name, not a directory",
        ));
    }
    let same = match (std::fs::canonicalize(source), std::fs::canonicalize(dest)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same {
        return Err(Error::invalid(
            "backup file",
            dest.display().to_string(),
            "a different file from the database being backed up",
        ));
    }
    if !force {
        return Err(Error::OutputExists {
            path: dest.to_owned(),
        });
    }
    let wal = sidecar(dest, "-wal");
    if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
        return Err(Error::invalid(
            "backup file",
            dest.display().to_string(),
            format!(
                "a file no program has open: {} holds changes not yet written into it",
                wal.display()
            ),
        ));
    }
    Ok(())
}

/// Open the copy as a labstock database and run `check` on it.
fn verify(temp: &Path, busy_timeout: Duration) -> Result<CheckReport> {
    let copy = Store::open_with(temp, OpenOptions { busy_timeout })?;
    let report = copy.check()?;
    copy.close()?;
    Ok(report)
}

/// The temporary copy beside the destination; removed (with any side
/// files) unless it was committed.
struct TempCopy {
    path: PathBuf,
    committed: bool,
}

impl TempCopy {
    fn beside(dest: &Path) -> Result<TempCopy> {
        let Some(name) = dest.file_name() else {
            return Err(Error::invalid(
                "backup file",
                dest.display().to_string(),
                "a file name",
            ));
        };
        let mut temp_name = std::ffi::OsString::from(".");
        temp_name.push(name);
        temp_name.push(format!(".{}.partial", std::process::id()));
        let copy = TempCopy {
            path: dest.with_file_name(temp_name),
            committed: false,
        };
        copy.remove();
        Ok(copy)
    }

    /// Sync the verified copy, rename it to `dest`, sync the directory.
    /// Returns the size of the backup.
    fn commit(mut self, dest: &Path) -> Result<u64> {
        let io = |source| Error::Io {
            path: dest.to_owned(),
            source,
        };
        let file = std::fs::File::open(&self.path).map_err(io)?;
        file.sync_all().map_err(io)?;
        let bytes = file.metadata().map_err(io)?.len();
        drop(file);
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(sidecar(dest, suffix));
        }
        std::fs::rename(&self.path, dest).map_err(io)?;
        self.committed = true;
        sync_dir(dest);
        Ok(bytes)
    }

    fn remove(&self) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let _ = std::fs::remove_file(sidecar(&self.path, suffix));
        }
    }
}

impl Drop for TempCopy {
    fn drop(&mut self) {
        if !self.committed {
            self.remove();
        }
    }
}

/// Make the rename durable: sync the directory entry (where the platform
/// allows opening a directory; elsewhere the rename is as durable as the
/// file system makes it).
fn sync_dir(file: &Path) {
    let dir = file
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}
