//! `copy --to TARGET`: the whole database to an empty database of either
//! engine (SPEC §12).

use std::path::PathBuf;

use clap::Args;

use super::Ctx;
use crate::app::engine;
use crate::error::Result;

/// Copy the whole database to an empty TARGET, of either engine, and verify it
///
/// Every table, row for row: ids, timestamps and hash chains kept. TARGET
/// is a SQLite file or a `postgres://USER@HOST/DB` URL; it must be empty
/// (a file that does not exist, a PostgreSQL database without tables) or
/// freshly initialised (`labstock init` and nothing since). All or
/// nothing: the copy is verified (every table's row count and every
/// chain's head equal the source's) before it is committed, and a target
/// that fails is left as it was. The copy is then checked (a SQLite copy
/// by `check` itself; on PostgreSQL every balance against the ledger and every chain): a row
/// changed outside labstock in the source is carried over as evidence,
/// named, and the command exits 3.
#[derive(Debug, Args)]
pub(crate) struct CopyArgs {
    /// Where to copy to: a SQLite file, or postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE
    #[arg(long, value_name = "TARGET")]
    to: PathBuf,
}

pub(super) fn run(ctx: &Ctx, a: &CopyArgs) -> Result<i32> {
    let source = engine::database(ctx.db_path())?;
    let target = engine::database(&a.to)?;
    let bar = super::progress::spinner(format!(
        "copy: {} to {}",
        source.display(),
        target.display()
    ));
    let copied = engine::copy(&source, &target, ctx.open_options);
    super::progress::clear(bar.as_ref());
    let copied = copied?;
    let movements = copied
        .heads
        .iter()
        .find(|h| h.table == "movements")
        .map_or_else(String::new, |h| {
            format!("; ledger head: movement {} {}", h.last_id, h.hash)
        });
    ctx.say(&format!(
        "copied {} rows in {} tables from {} to {}; verified: every table's row count and every chain's head ({}) equal the source's{movements}",
        copied.rows(),
        copied.tables.len(),
        source.display(),
        copied.target,
        copied.heads.len(),
    ));
    if copied.problems.is_empty() {
        return Ok(0);
    }
    for p in &copied.problems {
        ctx.say(&format!("problem: {p}"));
    }
    ctx.say(&format!(
        "the copy holds these rows exactly as the source does ({} problem(s) found by checking the copy); nothing was hidden or repaired",
        copied.problems.len()
    ));
    Ok(3)
}
