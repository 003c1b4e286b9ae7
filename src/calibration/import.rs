//! `import equipment` and `import calibrations` (SPEC §7): streamed through
//! the generic importer, one transaction per file, each row applied by the
//! same code as `equipment add` and `calibrate`. The first bad row stops
//! the import with its line, column and reason, and nothing is written.

use std::io::Read;

use crate::error::Result;
use crate::import::{self, CsvRow, Format, ImportContext, ImportSummary};
use crate::model::{parse_date, stamp};
use crate::store::Store;

use super::records::{CalibrationInput, insert_calibration, validate_calibration};
use super::{CalResult, Equipment, Interval, find_equipment, insert_equipment};

pub const EQUIPMENT: Format = Format {
    kind: "equipment",
    columns: &[
        "asset_tag",
        "description",
        "manufacturer",
        "model",
        "serial",
        "location",
        "category",
        "calibration_interval",
        "status",
        "in_service_date",
    ],
    required: &["asset_tag"],
};

pub const CALIBRATIONS: Format = Format {
    kind: "calibrations",
    columns: &[
        "asset_tag",
        "performed_on",
        "result",
        "performed_by",
        "certificate",
        "next_due",
        "notes",
    ],
    required: &["asset_tag", "performed_on", "result"],
};

/// Build an asset from an `equipment` row.
fn equipment_from_row(row: &CsvRow<'_>) -> Result<Equipment> {
    let mut eq = Equipment::new(row.need("asset_tag")?);
    let text = |c: &str| row.get(c).map(str::to_owned);
    eq.description = text("description");
    eq.manufacturer = text("manufacturer");
    eq.model = text("model");
    eq.serial = text("serial");
    eq.location = text("location");
    eq.category = text("category");
    eq.calibration_interval = row.parse("calibration_interval", Interval::parse)?;
    if let Some(status) = row.parse("status", str::parse)? {
        eq.registered_status = status;
    }
    eq.in_service_date = row.parse("in_service_date", |v| parse_date("in_service_date", v))?;
    Ok(eq)
}

/// Import the equipment register; an asset tag already registered (or
/// given twice in the file) is an error.
pub fn import_equipment(
    store: &mut Store,
    source: impl Read,
    ctx: ImportContext<'_>,
) -> Result<ImportSummary> {
    let now = stamp(ctx.now);
    import::run(store, &EQUIPMENT, source, &ctx, |conn, row, summary| {
        let mut eq = equipment_from_row(row)?;
        insert_equipment(conn, &mut eq, &now, ctx.user)
            .map_err(|e| e.at_row(row.line, Some("asset_tag")))?;
        summary.written += 1;
        Ok(())
    })
}

/// Import calibration records in file order, each applied as `calibrate`
/// would (status changes, due dates, late paperwork).
pub fn import_calibrations(
    store: &mut Store,
    source: impl Read,
    ctx: ImportContext<'_>,
) -> Result<ImportSummary> {
    let now = stamp(ctx.now);
    let today = crate::clock::lab_date(ctx.now, ctx.zone);
    import::run(store, &CALIBRATIONS, source, &ctx, |conn, row, summary| {
        let tag = row.need("asset_tag")?;
        let eq = find_equipment(conn, tag).map_err(|e| e.at_row(row.line, Some("asset_tag")))?;
        let performed_on = parse_date("performed_on", row.need("performed_on")?)
            .map_err(|e| e.at_row(row.line, Some("performed_on")))?;
        let result: CalResult = row
            .need("result")?
            .parse()
            .map_err(|e: crate::Error| e.at_row(row.line, Some("result")))?;
        let input = CalibrationInput {
            performed_on,
            result,
            performed_by: row.get("performed_by").map(str::to_owned),
            certificate: row.get("certificate").map(str::to_owned),
            next_due: row.parse("next_due", |v| parse_date("next_due", v))?,
            notes: row.get("notes").map(str::to_owned),
        };
        validate_calibration(&input, today).map_err(|e| {
            let column = if e.to_string().contains("next_due") {
                "next_due"
            } else {
                "performed_on"
            };
            e.at_row(row.line, Some(column))
        })?;
        insert_calibration(conn, &eq, &input, today, &now, ctx.user)?;
        summary.written += 1;
        Ok(())
    })
}
