//! `sds add|confirm|get|list`: safety data sheets kept in the database
//! (SPEC §16).

use std::path::PathBuf;

use clap::Subcommand;

use super::Ctx;
use crate::app;
use crate::error::{Error, Result};
use crate::model::parse_date;
use crate::sds::{MAX_BYTES, NewSds};

#[derive(Debug, Subcommand)]
pub(crate) enum SdsCommand {
    /// Store a revision of an item's safety data sheet (a PDF, at most 20 MB)
    ///
    /// Stored in the database with its SHA-256, size, revision date,
    /// supplier, who added it and when. A newer revision supersedes the
    /// current one; every revision is kept. A revision dated after today,
    /// or older than the current one, is refused.
    #[command(
        after_help = "Example:\n  labstock sds add ACETONE acetone-sds.pdf --revised 2025-03-14 --supplier Fisher"
    )]
    Add {
        /// Item code
        item: String,
        /// The supplier's sheet (PDF)
        file: PathBuf,
        /// The sheet's revision date (section 16 of the SDS), YYYY-MM-DD
        #[arg(long, value_name = "DATE")]
        revised: String,
        /// Who supplied it
        #[arg(long)]
        supplier: Option<String>,
    },
    /// Record that the supplier confirmed the current sheet is still current
    ///
    /// Suppliers revise a sheet when its information changes, so an old
    /// sheet can be current; a confirmation clears its review in `report sds`.
    Confirm {
        /// Item code
        item: String,
        /// When the supplier confirmed it [default: today]
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
        /// How it was confirmed (e.g. e-mail from the supplier)
        #[arg(long)]
        note: Option<String>,
    },
    /// Write the current sheet (the PDF) to --output FILE or standard output
    Get {
        /// Item code
        item: String,
    },
    /// Every revision stored, with its SHA-256 and whether it is current
    List {
        /// Only this item's
        item: Option<String>,
    },
}

/// `sds list` columns.
const LIST_HEADERS: &[&str] = &[
    "item",
    "revised",
    "supplier",
    "sha256",
    "bytes",
    "filename",
    "added_at",
    "added_by",
    "confirmed",
    "current",
];

/// Read the document, refusing one over the limit before reading it.
fn read_document(path: &PathBuf) -> Result<Vec<u8>> {
    let io = |source: std::io::Error| {
        if source.kind() == std::io::ErrorKind::NotFound {
            Error::FileNotFound { path: path.clone() }
        } else {
            Error::Io {
                path: path.clone(),
                source,
            }
        }
    };
    let len = std::fs::metadata(path).map_err(io)?.len();
    if usize::try_from(len).map_or(true, |n| n > MAX_BYTES) {
        return Err(Error::TooLarge {
            what: "safety data sheet".into(),
            value: format!("{} ({len} bytes)", path.display()),
            limit: MAX_BYTES.to_string(),
            unit: "bytes",
        });
    }
    std::fs::read(path).map_err(io)
}

pub(super) fn run(ctx: &Ctx, c: SdsCommand) -> Result<i32> {
    match c {
        SdsCommand::Add {
            item,
            file,
            revised,
            supplier,
        } => {
            let revised = parse_date("--revised", &revised)?;
            let document = read_document(&file)?;
            let filename = file.file_name().map(|n| n.to_string_lossy().into_owned());
            let mut store = ctx.open()?;
            let rev = app::hazards::add_sds(
                &mut store,
                &NewSds {
                    item: &item,
                    document: &document,
                    filename: filename.as_deref(),
                    revised,
                    supplier: supplier.as_deref(),
                },
                ctx.actor(),
            )?;
            ctx.say(&format!(
                "stored the safety data sheet of {} revised {} ({} bytes, sha256 {})",
                rev.item, rev.revised, rev.bytes, rev.sha256
            ));
        }
        SdsCommand::Confirm { item, date, note } => {
            let on = date.map(|d| parse_date("--date", &d)).transpose()?;
            let mut store = ctx.open()?;
            let rev =
                app::hazards::confirm_sds(&mut store, &item, on, note.as_deref(), ctx.actor())?;
            ctx.say(&format!(
                "recorded: the safety data sheet of {} revised {} confirmed current on {}",
                rev.item,
                rev.revised,
                rev.confirmed.as_deref().unwrap_or_default()
            ));
        }
        SdsCommand::Get { item } => {
            let store = ctx.open()?;
            let (rev, document) = app::hazards::sds_document(&store, &item)?;
            ctx.write_output(|out| {
                out.write_all(&document).map_err(|source| Error::Io {
                    path: "<output>".into(),
                    source,
                })
            })?;
            ctx.say(&format!(
                "safety data sheet of {} revised {} ({} bytes, sha256 {})",
                rev.item, rev.revised, rev.bytes, rev.sha256
            ));
        }
        SdsCommand::List { item } => {
            let store = ctx.open()?;
            let rows = app::hazards::sds_list(&store, item.as_deref())?;
            ctx.emit(LIST_HEADERS, &rows)?;
        }
    }
    Ok(0)
}
