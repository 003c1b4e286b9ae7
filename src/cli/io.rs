//! `import KIND FILE` and `export KIND`.

use clap::{Args, Subcommand, ValueEnum};

use super::Ctx;
use crate::app;
use crate::error::Result;
use crate::export::Kind;
use crate::import::{self, ImportContext};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum ImportKind {
    Locations,
    Items,
    Movements,
    Waste,
    Equipment,
    Calibrations,
    Orders,
}

#[derive(Debug, Args)]
pub(crate) struct ImportArgs {
    /// What the file holds
    #[arg(value_enum)]
    kind: ImportKind,
    /// CSV file with a header row (`-` reads standard input)
    file: String,
    /// Allow rows that issue an explicitly named expired lot
    #[arg(long)]
    allow_expired: bool,
    /// Import a file identical to one imported before (as the same kind);
    /// without it such a file is refused, naming the earlier import
    #[arg(long)]
    again: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ExportCommand {
    /// Locations (code,name), in the format `import locations` reads
    Locations,
    /// The item catalogue, in the format `import items` reads
    Items,
    /// Every movement, in the format `import movements` reads
    Movements,
    /// Purchase order lines, in the format `import orders` reads
    Orders,
    /// The equipment register, in the format `import equipment` reads
    Equipment,
    /// Every calibration record, in the order recorded, as `import calibrations` reads
    Calibrations,
    /// The waste register as it stands (corrections applied), as `import waste` reads
    Waste,
}

pub(super) fn import(ctx: &Ctx, a: ImportArgs) -> Result<i32> {
    let source = import::open_source(&a.file)?;
    let mut store = ctx.open()?;
    let ictx = ImportContext {
        zone: ctx.clock().zone(),
        now: ctx.clock().now(),
        user: &ctx.user,
        allow_expired: a.allow_expired,
        again: a.again,
    };
    let kind = match a.kind {
        ImportKind::Locations => app::imports::ImportKind::Locations,
        ImportKind::Items => app::imports::ImportKind::Items,
        ImportKind::Movements => app::imports::ImportKind::Movements,
        ImportKind::Waste => app::imports::ImportKind::Waste,
        ImportKind::Equipment => app::imports::ImportKind::Equipment,
        ImportKind::Calibrations => app::imports::ImportKind::Calibrations,
        ImportKind::Orders => app::imports::ImportKind::Orders,
    };
    let what = kind.noun();
    // A bar over the file's bytes as the import reads them (rows are
    // checked and written as they are read), on a terminal only.
    let len = (a.file != "-")
        .then(|| std::fs::metadata(&a.file).ok().map(|m| m.len()))
        .flatten();
    let bar = super::progress::bytes(len, format!("importing {what} from {}", a.file));
    let source: Box<dyn std::io::Read> = match &bar {
        Some(bar) => Box::new(bar.wrap_read(source)),
        None => source,
    };
    let summary = app::imports::import(&mut store, kind, source, ictx);
    super::progress::clear(bar.as_ref());
    let summary = summary?;
    for w in &summary.warnings {
        ctx.say(&format!("warning: {w}"));
    }
    let skipped = if summary.skipped > 0 {
        format!(", {} already present", summary.skipped)
    } else {
        String::new()
    };
    if summary.rows == 0 {
        ctx.say(&format!(
            "imported 0 {what} from {}: the file has a header row and no data rows",
            a.file
        ));
    } else {
        ctx.say(&format!(
            "imported {} {what} from {} ({} rows{skipped})",
            summary.written, a.file, summary.rows
        ));
    }
    Ok(0)
}

pub(super) fn export(ctx: &Ctx, c: ExportCommand) -> Result<i32> {
    let store = ctx.open()?;
    match c {
        ExportCommand::Movements => {
            let mut n = 0;
            ctx.write_csv_output(|out| {
                n = app::imports::export_movements(&store, out)?;
                Ok(())
            })?;
            ctx.say(&format!("exported {n} movements"));
        }
        ExportCommand::Locations => export_kind(ctx, &store, Kind::Locations, "locations")?,
        ExportCommand::Items => export_kind(ctx, &store, Kind::Items, "items")?,
        ExportCommand::Orders => export_kind(ctx, &store, Kind::Orders, "order lines")?,
        ExportCommand::Equipment => export_kind(ctx, &store, Kind::Equipment, "assets")?,
        ExportCommand::Calibrations => {
            export_kind(ctx, &store, Kind::Calibrations, "calibrations")?;
        }
        ExportCommand::Waste => export_kind(ctx, &store, Kind::Waste, "waste records")?,
    }
    Ok(0)
}

/// One kind in its import format, to stdout or `--output`.
fn export_kind(ctx: &Ctx, store: &crate::db::Store, kind: Kind, what: &str) -> Result<()> {
    let mut n = 0;
    ctx.write_csv_output(|out| {
        n = crate::app::imports::export(store, kind, out)?;
        Ok(())
    })?;
    ctx.say(&format!("exported {n} {what}"));
    Ok(())
}
