//! `import KIND FILE` and `export KIND`.

use std::io::Write;

use clap::{Args, Subcommand, ValueEnum};

use super::Ctx;
use crate::app;
use crate::error::{Error, Result};
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
    Temperatures,
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
    /// Every temperature reading, in the order recorded, as `import temperatures` reads
    Temperatures,
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
        ImportKind::Temperatures => app::imports::ImportKind::Temperatures,
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
    let (kind, what) = match c {
        ExportCommand::Movements => {
            let n = export_csv(ctx, |out| app::imports::export_movements(&store, out))?;
            ctx.say(&format!("exported {n} movements"));
            return Ok(0);
        }
        ExportCommand::Locations => (Kind::Locations, "locations"),
        ExportCommand::Items => (Kind::Items, "items"),
        ExportCommand::Orders => (Kind::Orders, "order lines"),
        ExportCommand::Equipment => (Kind::Equipment, "assets"),
        ExportCommand::Calibrations => (Kind::Calibrations, "calibrations"),
        ExportCommand::Waste => (Kind::Waste, "waste records"),
        ExportCommand::Temperatures => (Kind::Temperatures, "temperature readings"),
    };
    let n = export_csv(ctx, |out| app::imports::export(&store, kind, out))?;
    ctx.say(&format!("exported {n} {what}"));
    Ok(0)
}

/// Write one export to stdout or `--output` (with `--bom`'s mark), and
/// return its row count. With `--columns` only those columns are kept:
/// the export is then made in memory first, and the picked columns
/// copied from it cell for cell (already escaped for spreadsheets).
fn export_csv(ctx: &Ctx, export: impl FnOnce(&mut dyn Write) -> Result<u64>) -> Result<u64> {
    let mut n = 0;
    if !ctx.columns_given() {
        ctx.write_csv_output(|out| {
            n = export(out)?;
            Ok(())
        })?;
        return Ok(n);
    }
    let mut whole = Vec::new();
    n = export(&mut whole)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(whole.as_slice());
    let mut records = reader.records();
    let header = records.next().transpose()?.unwrap_or_default();
    let headers: Vec<&str> = header.iter().collect();
    let picked = ctx.columns(&headers)?;
    let at: Vec<usize> = picked
        .iter()
        .filter_map(|p| headers.iter().position(|h| h == p))
        .collect();
    ctx.write_csv_output(|out| {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(&picked)?;
        for record in records {
            let record = record?;
            w.write_record(at.iter().map(|&i| record.get(i).unwrap_or_default()))?;
        }
        w.flush().map_err(|source| Error::Io {
            path: "<output>".into(),
            source,
        })
    })?;
    Ok(n)
}
