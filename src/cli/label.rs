//! `label ITEM LOT [--format svg|pdf] [--output FILE] [--copies N]`.

use clap::Args;

use super::{Ctx, FormatArg};
use crate::app::{
    self,
    label::{LabelFormat, LabelRequest},
};
use crate::error::{Error, Result};

/// A label for a lot or batch: name, lot, expiry, storage, hazard, when
/// it was prepared or received and by whom, and a GS1 DataMatrix
///
/// The DataMatrix carries (01) the item's GTIN, or (91) its code when it
/// has none, then (17) the expiry and (10) the lot: `receive --scan`,
/// `issue --scan` and `gs1 decode` read it back. --format svg (the
/// default) draws one 90 × 50 mm label; --format pdf draws A4 pages of
/// ten, --copies N of them. An unknown lot exits 65 and writes nothing.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  labstock label PBS-1X PB-2611 --output pb-2611.svg\n  labstock label PBS-1X PB-2611 --format pdf --copies 6 --output pb-2611.pdf"
)]
pub(crate) struct LabelArgs {
    /// Item code
    item: String,
    /// Lot or batch number (exact)
    lot: String,
    /// How many labels (PDF)
    #[arg(long, default_value = "1")]
    copies: String,
}

pub(super) fn run(ctx: &Ctx, a: LabelArgs) -> Result<i32> {
    let format = match ctx.document_format() {
        Some(FormatArg::Pdf) => LabelFormat::Pdf,
        _ => LabelFormat::Svg,
    };
    let copies = a
        .copies
        .trim()
        .parse::<u32>()
        .map_err(|_| Error::invalid("--copies", &a.copies, "a whole number from 1 to 1000"))?;
    let store = ctx.open()?;
    let req = LabelRequest {
        item: a.item,
        lot: a.lot,
        format,
        copies,
    };
    let (label, bytes) = app::label::label(&store, &req, ctx.actor())?;
    ctx.write_output(|out| {
        out.write_all(&bytes).map_err(|source| Error::Io {
            path: "<output>".into(),
            source,
        })
    })?;
    ctx.say(&format!(
        "label of lot {} of {}: {}",
        label.lot, label.item, label.element_string
    ));
    Ok(0)
}
