//! `backup FILE`: a verified copy of the database, made while others work.

use std::path::PathBuf;

use clap::Args;

use super::Ctx;
use crate::backup::BackupStage;
use crate::error::Result;

/// Copy the database to FILE with SQLite's online backup API.
///
/// Other processes may keep recording while it runs: the copy is one
/// consistent snapshot. It is verified (SQLite's integrity_check and
/// foreign_key_check, and every balance against the ledger, as `check`
/// does) before it is renamed to FILE; a copy that fails is removed and
/// the command exits 3.
#[derive(Debug, Args)]
pub(crate) struct BackupArgs {
    /// Where to write the copy (refused if it exists, unless --force)
    file: PathBuf,
    /// Replace FILE if it already exists
    #[arg(long)]
    force: bool,
}

pub(super) fn run(ctx: &Ctx, a: BackupArgs) -> Result<i32> {
    let store = ctx.open()?;
    let bar = super::progress::spinner(format!("backup of {}", store.path().display()));
    let (from, to) = (
        store.path().display().to_string(),
        a.file.display().to_string(),
    );
    let done = crate::app::audit::backup_with_stages(&store, &a.file, a.force, &mut |stage| {
        if let Some(bar) = &bar {
            bar.set_message(match stage {
                BackupStage::Copying => format!("backup: copying {from} to {to}"),
                BackupStage::Verifying => {
                    "backup: checking the copy (integrity, foreign keys, balances, hash chains)"
                        .to_owned()
                }
            });
        }
    });
    super::progress::clear(bar.as_ref());
    let done = done?;
    ctx.say(&format!(
        "backup: wrote {} ({} bytes) from {}; verified: integrity_check ok, foreign keys ok, {} movements and {} balances agree with the ledger",
        done.path.display(),
        done.bytes,
        store.path().display(),
        done.check.movements,
        done.check.balances
    ));
    Ok(0)
}
