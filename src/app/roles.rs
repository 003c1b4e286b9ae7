//! The permission table (SPEC §11): every action a face offers, mapped to
//! the lowest role allowed to take it. Roles rank viewer < assistant <
//! supervisor < manager; each includes everything of the roles below it.
//! The `auditor` reads everything, the audit trail included, and writes
//! nothing.
//!
//! This is the only place that says who may do what; the server asks
//! [`allows`] before every route's `app::` call. The command line works on
//! the database directly, with the rights of whoever can open the file.

pub use crate::accounts::Role;
use crate::model::MovementKind;

/// Everything a signed-in account can ask the server to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    // Reads: stock, history, trace, reports, equipment check.
    ReadStock,
    ReadReports,
    ReadEquipment,
    /// The audit trail (auditor and manager).
    ReadAudit,
    /// The accounts list (manager; auditors read it too).
    ReadAccounts,
    // Assistant writes.
    Receive,
    Issue,
    Transfer,
    Count,
    OpenLot,
    Calibrate,
    RecordWaste,
    WasteContainer,
    StocktakeCount,
    /// Make up a batch (SPEC §14).
    Prepare,
    /// Print a lot's label (SPEC §14).
    Label,
    /// Record a storage temperature (SPEC §15).
    RecordTemperature,
    // Supervisor writes.
    Adjust,
    Dispose,
    Reverse,
    LotStatus,
    AcceptLot,
    ExtendCalibration,
    EquipmentStatus,
    CorrectWaste,
    Consign,
    ApplyStocktake,
    Orders,
    /// Release or quarantine after a temperature excursion (SPEC §15).
    DecideExcursion,
    // Manager writes.
    Catalogue,
    Locations,
    EquipmentRegister,
    WasteStreams,
    Accounts,
    Import,
    Settings,
    /// Start or cancel a stocktake (SPEC §11: a write the role table does
    /// not name is a manager's; counting and applying are named).
    ManageStocktake,
}

/// The lowest role that may take `action` (the auditor aside: see
/// [`allows`]).
pub fn lowest_role(action: Action) -> Role {
    use Action as A;
    match action {
        A::ReadStock | A::ReadReports | A::ReadEquipment => Role::Viewer,
        A::Receive
        | A::Issue
        | A::Transfer
        | A::Count
        | A::OpenLot
        | A::Calibrate
        | A::RecordWaste
        | A::WasteContainer
        | A::StocktakeCount
        | A::Prepare
        | A::Label
        | A::RecordTemperature => Role::Assistant,
        A::Adjust
        | A::Dispose
        | A::Reverse
        | A::LotStatus
        | A::AcceptLot
        | A::ExtendCalibration
        | A::EquipmentStatus
        | A::CorrectWaste
        | A::Consign
        | A::ApplyStocktake
        | A::Orders
        | A::DecideExcursion => Role::Supervisor,
        A::ReadAudit
        | A::ReadAccounts
        | A::Catalogue
        | A::Locations
        | A::EquipmentRegister
        | A::WasteStreams
        | A::Accounts
        | A::Import
        | A::Settings
        | A::ManageStocktake => Role::Manager,
    }
}

/// Whether `action` only reads.
pub fn is_read(action: Action) -> bool {
    matches!(
        action,
        Action::ReadStock
            | Action::ReadReports
            | Action::ReadEquipment
            | Action::ReadAudit
            | Action::ReadAccounts
    )
}

fn rank(role: Role) -> u8 {
    match role {
        Role::Viewer | Role::Auditor => 0,
        Role::Assistant => 1,
        Role::Supervisor => 2,
        Role::Manager => 3,
    }
}

/// Whether `role` may take `action`.
pub fn allows(role: Role, action: Action) -> bool {
    if role == Role::Auditor {
        return is_read(action);
    }
    rank(role) >= rank(lowest_role(action))
}

/// The action a movement of `kind` is.
pub fn movement_action(kind: MovementKind) -> Action {
    match kind {
        MovementKind::Receive => Action::Receive,
        MovementKind::Issue => Action::Issue,
        MovementKind::Transfer => Action::Transfer,
        MovementKind::Count => Action::Count,
        MovementKind::Adjust => Action::Adjust,
        MovementKind::Dispose => Action::Dispose,
        MovementKind::Reverse => Action::Reverse,
        MovementKind::Open => Action::OpenLot,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_roles_nest_and_the_auditor_only_reads() {
        assert!(allows(Role::Viewer, Action::ReadStock));
        assert!(!allows(Role::Viewer, Action::Receive));
        assert!(allows(Role::Assistant, Action::Receive));
        assert!(!allows(Role::Assistant, Action::Adjust));
        assert!(allows(Role::Supervisor, Action::Reverse));
        assert!(!allows(Role::Supervisor, Action::Accounts));
        assert!(allows(Role::Manager, Action::Accounts));
        assert!(allows(Role::Manager, Action::ReadAudit));
        assert!(allows(Role::Auditor, Action::ReadAudit));
        assert!(!allows(Role::Auditor, Action::Receive));
        assert!(!allows(Role::Viewer, Action::ReadAudit));
        assert!(!allows(Role::Supervisor, Action::ReadAudit));
    }
}
