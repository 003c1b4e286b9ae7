//! A scan at the bench (the server's scan station and the API's
//! `{"kind","scan"}` movements): the whole GS1 code is decoded here, on
//! the server, never matched by type-ahead; the item is the one whose GTIN
//! the code carries, the lot and expiry come from the code.
//!
//! `receive` goes through [`super::movements::receive_scan`], exactly as
//! `labstock receive --scan`; `issue` and `count` record the scanned lot
//! of the scanned item; `open` opens units of it as `labstock open` does.

use super::Actor;
use super::movements::{ScanReceipt, ScannedItem, receive_scan, scanned_item};
use crate::error::{Error, Result};
use crate::gs1::{self, DecodeOptions};
use crate::ledger::{MovementRequest, Outcome};
use crate::model::{MovementKind, Quantity};
use crate::store::Store;

/// One scan: the movement kind chosen at the station, the code as the
/// scanner typed it, and what the person changed.
#[derive(Debug, Clone)]
pub struct Scan {
    pub kind: MovementKind,
    pub data: String,
    /// The quantity given (for `count`, the number counted), else the
    /// code's count (AI 30/37), else 1.
    pub quantity: Option<Quantity>,
    pub location: Option<String>,
}

/// Decode and record one scan as one transaction.
pub fn record(store: &mut Store, scan: &Scan, actor: Actor<'_>) -> Result<Outcome> {
    let data = scan.data.trim_end_matches(['\r', '\n']);
    let decoded = gs1::decode(data, &DecodeOptions::new(actor.today))
        .map_err(|e| Error::invalid("GS1 data", data, e.to_string()))?;
    // The item by its GTIN (AI 01/02), or by its code on a labstock label
    // (AI 91).
    let key: ScannedItem = decoded.item_key(data)?.into();
    let quantity = scan.quantity;
    match scan.kind {
        MovementKind::Receive => {
            let receipt = ScanReceipt {
                item: key,
                quantity,
                scanned_count: decoded.count(),
                scanned_lot: decoded.lot().map(str::to_owned),
                scanned_expiry: decoded.expiry().or(decoded.best_before()),
                location: scan.location.clone(),
                ..ScanReceipt::default()
            };
            let mut outcome = receive_scan(store, &receipt, actor)?;
            outcome
                .warnings
                .extend(decoded.warnings.iter().map(ToString::to_string));
            Ok(outcome)
        }
        MovementKind::Issue | MovementKind::Count => {
            let item = scanned_item(store, &key)?;
            let quantity = match (quantity, decoded.count()) {
                (Some(q), _) => q,
                (None, Some(n)) => {
                    i64::try_from(n)
                        .ok()
                        .and_then(Quantity::new)
                        .ok_or_else(|| {
                            Error::invalid("count (AI 30/37)", n.to_string(), "a smaller quantity")
                        })?
                }
                (None, None) if scan.kind == MovementKind::Count => {
                    return Err(Error::missing(
                        "quantity",
                        "a count by scan needs the number counted",
                    ));
                }
                (None, None) => Quantity::ONE,
            };
            let mut req =
                MovementRequest::new(scan.kind, &item.code, quantity, actor.now, actor.user);
            req.lot = decoded.lot().map(str::to_owned);
            req.location.clone_from(&scan.location);
            let mut outcome = store.record_in_zone(&req, actor.now, actor.zone)?;
            outcome
                .warnings
                .extend(decoded.warnings.iter().map(ToString::to_string));
            Ok(outcome)
        }
        // Open a container by scanning it (SPEC §15): the scanned lot,
        // one unit unless given, today, as `labstock open` does.
        MovementKind::Open => {
            let item = scanned_item(store, &key)?;
            let req = super::movements::OpenRequest {
                item: item.code,
                quantity,
                lot: decoded.lot().map(str::to_owned),
                location: scan.location.clone(),
                date: None,
                note: None,
            };
            let mut outcome = super::movements::open(store, &req, actor)?;
            outcome
                .warnings
                .extend(decoded.warnings.iter().map(ToString::to_string));
            Ok(outcome)
        }
        other => Err(Error::invalid(
            "scan kind",
            other.to_string(),
            "receive, issue, count or open",
        )),
    }
}
