//! `audit`: the trail of who did what and when, and the hash-chain heads.

use clap::Args;

use super::Ctx;
use crate::app;
use crate::audit::{AUDIT_HEADERS, AuditFilter};
use crate::error::Result;
use crate::model::parse_date;
use crate::report::{OutputFormat, write_csv_header, write_csv_rows};

/// Rows written to CSV at a time.
const CHUNK: usize = 4096;

/// Who did what and when, oldest first.
///
/// Lists every record that names a user: movements, items and their
/// edits, lot creations, status changes and openings (a corrected
/// opening shows as `correct_open`), orders, equipment and its calibrations,
/// extensions, calibration interval changes, status changes and service,
/// the waste register and settings. Each
/// line names its entity as `KIND:KEY` (e.g. `item:ETH-500`,
/// `equipment:ECG-01`, `waste:18 01 03*`), which --entity takes back;
/// `--entity movement:57` shows one record.
#[derive(Debug, Args)]
pub(crate) struct AuditArgs {
    /// Only records made by this user (`--user NAME` typed here means the
    /// same; LABSTOCK_USER does not filter)
    #[arg(long, value_name = "USER")]
    by: Option<String>,
    /// Only records made on or after DATE (UTC)
    #[arg(long, value_name = "DATE")]
    from: Option<String>,
    /// Only records made on or before DATE (UTC)
    #[arg(long, value_name = "DATE")]
    to: Option<String>,
    /// Only records about KIND or KIND:KEY (item, location, order,
    /// equipment, waste, container, consignment; or a record kind such as
    /// movement, calibration, interval_change, lot_event, lot_creation, setting)
    #[arg(long, value_name = "KIND[:KEY]")]
    entity: Option<String>,
    /// Print the last row and hash of every hash chain instead: write them
    /// down (e.g. in the weekly sign-off) so a later rewrite of a whole
    /// chain shows
    #[arg(long, conflicts_with_all = ["by", "from", "to", "entity"])]
    heads: bool,
}

pub(super) fn run(ctx: &Ctx, args: &AuditArgs) -> Result<i32> {
    let store = ctx.open()?;
    if args.heads {
        let heads = app::audit::chain_heads(&store)?;
        ctx.emit(&["table", "rows", "last_id", "hash"], &heads)?;
        return Ok(0);
    }
    let filter = AuditFilter {
        user: args
            .by
            .clone()
            .or_else(|| ctx.user_on_command_line.then(|| ctx.user.clone())),
        from: args
            .from
            .as_deref()
            .map(|d| parse_date("--from", d))
            .transpose()?,
        to: args
            .to
            .as_deref()
            .map(|d| parse_date("--to", d))
            .transpose()?,
        entity: args.entity.clone(),
    };
    if ctx.format() != OutputFormat::Csv {
        ctx.emit(AUDIT_HEADERS, &app::audit::audit(&store, &filter)?)?;
        return Ok(0);
    }
    // CSV is written as it is read, so the trail of a ledger of millions
    // of movements never has to fit in memory.
    let headers = ctx.columns(AUDIT_HEADERS)?;
    ctx.write_csv_output(|out| {
        write_csv_header(&headers, out)?;
        let mut chunk = Vec::with_capacity(CHUNK);
        app::audit::audit_each(&store, &filter, |row| {
            chunk.push(row);
            if chunk.len() == CHUNK {
                write_csv_rows(&headers, &chunk, out)?;
                chunk.clear();
            }
            Ok(())
        })?;
        write_csv_rows(&headers, &chunk, out)
    })?;
    Ok(0)
}
