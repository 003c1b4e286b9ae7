//! `demo`: build a demonstration database from the fixtures and print the
//! reports a lab runs every week.

use std::path::PathBuf;

use super::Ctx;
use crate::app;
use crate::clock::Clock;
use crate::demo::DEMO_NOW;
use crate::error::{Error, Result};

/// Where the demo database goes: `--db`/`LABSTOCK_DB` when given (and not
/// already there, so real data is never overwritten), else a scratch file
/// in the temporary directory that each run replaces.
fn demo_path(ctx: &Ctx) -> Result<PathBuf> {
    scratch_path(ctx, "labstock-demo.db")
}

/// `--db` when given, else `file` in the temporary directory, emptied.
pub(super) fn scratch_path(ctx: &Ctx, file: &str) -> Result<PathBuf> {
    if ctx.db_given {
        return Ok(ctx.db_path().to_owned());
    }
    let path = std::env::temp_dir().join(file);
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.clone().into_os_string();
        p.push(suffix);
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(Error::Io {
                    path: p.into(),
                    source,
                });
            }
        }
    }
    Ok(path)
}

fn section(ctx: &Ctx, title: &str) -> Result<()> {
    ctx.print_line(&format!("\n== {title} =="))
}

pub(super) fn run(ctx: &Ctx) -> Result<i32> {
    let clock = if std::env::var_os("LABSTOCK_NOW").is_some() {
        ctx.clock()
    } else {
        Clock::pinned(DEMO_NOW)?
    };
    let path = demo_path(ctx)?;
    let (store, load) = app::imports::build_demo(&path, clock.now(), &ctx.user)?;
    let loaded: Vec<String> = load
        .steps
        .iter()
        .map(|(what, s)| format!("{} {what}", s.written))
        .collect();
    ctx.say(&format!(
        "demo lab built at {} from the fixtures: {}",
        path.display(),
        loaded.join(", ")
    ));
    ctx.say(&format!("reports as of {}", clock.today()));
    let report = app::audit::check(&store, false)?;
    section(ctx, "Ledger check")?;
    ctx.print_line(&format!(
        "{} movements, {} balances: {}",
        report.movements,
        report.balances,
        if report.is_clean() {
            "every balance agrees with the ledger"
        } else {
            "DIFFERENCES FOUND (run `labstock check`)"
        }
    ))?;
    section(
        ctx,
        "Reorder list (usable stock + on order <= reorder level)",
    )?;
    let query = crate::reorder::ReorderQuery {
        as_of: clock.today(),
        supplier: None,
        location: None,
    };
    super::report::print_reorder(ctx, &store, &query, None, true)?;
    section(ctx, "Expired or expiring within 30 days")?;
    let expiry = app::reports::expiry(
        &store,
        &app::reports::ExpiryQuery {
            as_of: clock.today(),
            within: 30,
            location: None,
        },
    )?;
    ctx.emit_for_people(crate::report::expiry::EXPIRY_HEADERS, &expiry)?;
    section(
        ctx,
        "Calibration due within 30 days (never calibrated, overdue, due)",
    )?;
    let due = app::reports::calibration_due(&store, clock.today(), 30)?;
    ctx.emit_for_people(&crate::calibration::CALIBRATION_DUE_HEADERS, &due)?;
    for row in &due {
        if let Some(e) = &row.extension {
            ctx.say(&format!("note: {}", e.describe(&row.asset_tag)));
        }
    }
    section(ctx, "Hazardous-waste register: totals by stream and month")?;
    let filter = crate::waste::WasteFilter {
        as_of: Some(clock.today()),
        ..crate::waste::WasteFilter::default()
    };
    ctx.emit_for_people(
        crate::waste::TOTAL_COLUMNS,
        &app::reports::waste_totals(&store, &filter)?,
    )?;
    for u in app::reports::unconsigned_hazardous(&store, clock.today())? {
        ctx.say(&format!("warning: {u}"));
    }
    ctx.say(&format!(
        "explore it: labstock --db {} stock   (or history, trace, report …)",
        path.display()
    ));
    Ok(0)
}
