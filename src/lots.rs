//! Lot status: quarantine, release, recall and opening (SPEC §1). A lot's
//! current status lives on the lot; every change is also written to the
//! append-only `lot_events`, so who quarantined what, when and why is
//! evidence that stays.

use chrono::NaiveDate;
use rusqlite::params;
use serde::Serialize;

use crate::catalogue::find_item;
use crate::chain;
use crate::db::Store;
use crate::error::{Error, Result};
use crate::ledger::existing_lot;
use crate::model::LotStatus;

/// What is done to a lot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LotAction {
    Quarantine,
    Release,
    Recall,
    /// Opened on a date: starts the in-use period.
    Open(NaiveDate),
}

impl LotAction {
    fn name(self) -> &'static str {
        match self {
            LotAction::Quarantine => "quarantine",
            LotAction::Release => "release",
            LotAction::Recall => "recall",
            LotAction::Open(_) => "open",
        }
    }
}

/// A lot after a change, as shown to the user.
#[derive(Debug, Clone, Serialize)]
pub struct LotState {
    pub item: String,
    pub lot: String,
    pub expiry: Option<NaiveDate>,
    pub status: LotStatus,
    pub opened_on: Option<NaiveDate>,
    pub effective_expiry: Option<NaiveDate>,
}

impl Store {
    /// Change a lot's status or record its opening, with the reason.
    pub fn lot_action(
        &mut self,
        item: &str,
        lot: &str,
        action: LotAction,
        reason: Option<&str>,
        now: &str,
        user: &str,
    ) -> Result<LotState> {
        let tx = self.write()?;
        let item = find_item(&tx, item)?;
        let mut current = existing_lot(&tx, &item, lot)?;
        let new_status = match (action, current.status) {
            (LotAction::Quarantine, LotStatus::Available) => Some(LotStatus::Quarantined),
            (LotAction::Release, LotStatus::Quarantined) => Some(LotStatus::Available),
            (LotAction::Recall, LotStatus::Available | LotStatus::Quarantined) => {
                Some(LotStatus::Recalled)
            }
            (LotAction::Open(_), _) => None,
            (LotAction::Release, LotStatus::Recalled) => {
                return Err(Error::Refused(format!(
                    "lot {lot} of {} is recalled; a recalled lot is not released (dispose of it)",
                    item.code
                )));
            }
            (a, s) => {
                return Err(Error::Refused(format!(
                    "lot {lot} of {} is already {}; nothing to {}",
                    item.code,
                    s.as_str(),
                    a.name()
                )));
            }
        };
        if let Some(status) = new_status {
            tx.execute(
                "UPDATE lots SET status = ?2 WHERE id = ?1",
                params![current.id, status.as_str()],
            )?;
            current.status = status;
        }
        let on_date = match action {
            LotAction::Open(date) => {
                if let Some(already) = current.opened_on {
                    return Err(Error::Refused(format!(
                        "lot {lot} of {} was already opened on {already}",
                        item.code
                    )));
                }
                tx.execute(
                    "UPDATE lots SET opened_on = ?2 WHERE id = ?1",
                    params![current.id, date.to_string()],
                )?;
                current.opened_on = Some(date);
                Some(date.to_string())
            }
            _ => None,
        };
        chain::append(
            &tx,
            &chain::LOT_EVENTS,
            params![current.id, action.name(), on_date, reason, now, user],
        )?;
        tx.commit()?;
        Ok(LotState {
            item: item.code.clone(),
            lot: current.lot.clone(),
            expiry: current.expiry,
            status: current.status,
            opened_on: current.opened_on,
            effective_expiry: current.effective_expiry(&item),
        })
    }
}
