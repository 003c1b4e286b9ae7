//! Proofs and trails: `check`, `audit`, `backup`.

use std::path::Path;

use crate::audit::{AuditFilter, AuditRow};
use crate::backup::BackupReport;
use crate::chain::Head;
use crate::check::CheckReport;
use crate::error::Result;
use crate::store::Store;

/// `check [--quick]`: every discrepancy, not only the first. Findings are
/// data (the face decides the exit status), not errors.
pub fn check(store: &Store, quick: bool) -> Result<CheckReport> {
    store.check_with(quick)
}

/// `audit`: the trail the filter selects.
pub fn audit(store: &Store, filter: &AuditFilter) -> Result<Vec<AuditRow>> {
    store.audit(filter)
}

/// `audit` streamed row by row, for a trail too long to hold in memory.
pub fn audit_each(
    store: &Store,
    filter: &AuditFilter,
    each: impl FnMut(AuditRow) -> Result<()>,
) -> Result<()> {
    store.audit_each(filter, each)
}

/// `audit --heads`: the head of every hash chain.
pub fn chain_heads(store: &Store) -> Result<Vec<Head>> {
    store.chain_heads()
}

/// `backup FILE [--force]`: a verified copy.
pub fn backup(store: &Store, dest: &Path, force: bool) -> Result<BackupReport> {
    store.backup_to(dest, force)
}

/// [`backup`], telling `stage` where it has got to (for a progress line).
pub fn backup_with_stages(
    store: &Store,
    dest: &Path,
    force: bool,
    stage: &mut dyn FnMut(crate::backup::BackupStage),
) -> Result<BackupReport> {
    store.backup_to_with(dest, force, stage)
}
