//! `label ITEM LOT`: a label for a lot or batch (SPEC §14).

use super::Actor;
use crate::error::{Error, Result};
use crate::label::{self, Label};
use crate::store::Store;

/// What the label is drawn as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelFormat {
    /// One label, 90 × 50 mm.
    Svg,
    /// A4 pages of labels, two columns of five.
    Pdf,
}

/// `label ITEM LOT [--format svg|pdf] [--copies N]`.
#[derive(Debug, Clone)]
pub struct LabelRequest {
    pub item: String,
    pub lot: String,
    pub format: LabelFormat,
    pub copies: u32,
}

/// The label's data and the document drawn.
pub fn label(store: &Store, req: &LabelRequest, actor: Actor<'_>) -> Result<(Label, Vec<u8>)> {
    if req.copies == 0 || req.copies > 1000 {
        return Err(Error::invalid(
            "--copies",
            req.copies.to_string(),
            "from 1 to 1000",
        ));
    }
    let data = store.label(&req.item, &req.lot, actor.today)?;
    let bytes = match req.format {
        LabelFormat::Svg if req.copies > 1 => {
            return Err(Error::invalid(
                "--copies",
                req.copies.to_string(),
                "an SVG holds one label; several copies are printed with --format pdf",
            ));
        }
        LabelFormat::Svg => label::svg(&data)?.into_bytes(),
        LabelFormat::Pdf => label::pdf(&data, req.copies)?,
    };
    Ok((data, bytes))
}
