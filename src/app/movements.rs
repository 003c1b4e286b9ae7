//! Stock movements: `receive` (also by scan), `issue`, `transfer`,
//! `adjust`, `count`, `dispose`, `reverse`.

use chrono::NaiveDate;

use super::Actor;
use crate::error::{Error, Result};
use crate::ledger::{MovementRequest, Outcome};
use crate::model::{MovementId, MovementKind, Quantity};
use crate::store::Store;

/// Record one movement (any kind but a reversal) as one transaction.
pub fn record(store: &mut Store, req: &MovementRequest, actor: Actor<'_>) -> Result<Outcome> {
    store.record_in_zone(req, actor.now, actor.zone)
}

/// What `open` and `lot open` ask (SPEC §15).
#[derive(Debug, Clone, Default)]
pub struct OpenRequest {
    pub item: String,
    /// Units opened [1].
    pub quantity: Option<Quantity>,
    pub lot: Option<String>,
    pub location: Option<String>,
    /// The day they were opened [today]: not after today.
    pub date: Option<NaiveDate>,
    pub note: Option<String>,
}

/// Open units of a lot: an `open` movement from the sealed portion to the
/// portion opened on `date`. A past date is recorded at the end of that
/// day (so units received that day can be opened on it), today's at now.
pub fn open(store: &mut Store, req: &OpenRequest, actor: Actor<'_>) -> Result<Outcome> {
    let date = req.date.unwrap_or(actor.today);
    if date > actor.today {
        return Err(Error::invalid(
            "--date",
            date.to_string(),
            format!(
                "a date on or before today ({}): an opening is recorded once it has happened",
                actor.today
            ),
        ));
    }
    let at = if date == actor.today {
        actor.now
    } else {
        let zone = store.lab_zone()?;
        let next = date.succ_opt().unwrap_or(date);
        let end = crate::clock::start_of_day(next, zone) - chrono::Duration::seconds(1);
        crate::model::Timestamp::new("--date", end)?
    };
    let quantity = req.quantity.unwrap_or(Quantity::bounded("quantity", 1)?);
    let mut m = MovementRequest::new(MovementKind::Open, &req.item, quantity, at, actor.user);
    m.lot = req.lot.clone();
    m.location = req.location.clone();
    m.note = req.note.clone();
    store.record_in_zone(&m, actor.now, actor.zone)
}

/// How a scanned code names its item (SPEC §6, §14).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScannedItem {
    /// The GTIN the code carries (AI 01, else AI 02): matched to `gtin`.
    Gtin(String),
    /// The item code of a labstock label (AI 91): matched to `code`.
    Code(String),
}

impl Default for ScannedItem {
    fn default() -> Self {
        ScannedItem::Gtin(String::new())
    }
}

impl From<crate::gs1::ItemKey<'_>> for ScannedItem {
    fn from(k: crate::gs1::ItemKey<'_>) -> Self {
        match k {
            crate::gs1::ItemKey::Gtin(g) => ScannedItem::Gtin(g.to_owned()),
            crate::gs1::ItemKey::Code(c) => ScannedItem::Code(c.to_owned()),
        }
    }
}

/// The item a scan names.
pub fn scanned_item(store: &Store, key: &ScannedItem) -> Result<crate::catalogue::Item> {
    match key {
        ScannedItem::Gtin(g) => store.item_by_gtin(g),
        ScannedItem::Code(c) => store.item(c),
    }
}

/// A receipt by scanning a GS1 code: the item is the one whose GTIN (or,
/// on a labstock label, whose code) the code carries; lot and expiry come
/// from the code (or, where the code lacks them, from the request), so
/// they cannot be mistyped.
#[derive(Debug, Clone, Default)]
pub struct ScanReceipt {
    /// What names the item (AI 01, else AI 02, else AI 91).
    pub item: ScannedItem,
    /// The quantity given, else the code's count (AI 30/37), else 1.
    pub quantity: Option<Quantity>,
    /// The count the code carries (AI 30/37), if any.
    pub scanned_count: Option<u64>,
    pub scanned_lot: Option<String>,
    /// The code's expiry (AI 17), else its best-before date (AI 15).
    pub scanned_expiry: Option<NaiveDate>,
    pub lot: Option<String>,
    pub expiry: Option<NaiveDate>,
    /// Accept a code whose expiry has passed.
    pub allow_expired: bool,
    pub location: Option<String>,
    pub order: Option<String>,
    pub reference: Option<String>,
    pub note: Option<String>,
}

/// Receive by scan: resolve the item from the GTIN, check the scanned
/// expiry, merge the scanned and given lot and expiry, and record.
pub fn receive_scan(store: &mut Store, scan: &ScanReceipt, actor: Actor<'_>) -> Result<Outcome> {
    let item = scanned_item(store, &scan.item)?;
    // A batch made here is received once, by `prepare` (SPEC §14).
    if let Some(lot) = scan.scanned_lot.as_deref().or(scan.lot.as_deref())
        && store.is_batch(&item, lot)?
    {
        return Err(Error::Refused(crate::error::Refusal::BatchScanned {
            item: item.code,
            lot: lot.to_owned(),
        }));
    }
    let quantity = match scan.quantity {
        Some(q) => q,
        None => match scan.scanned_count {
            Some(n) => i64::try_from(n)
                .ok()
                .filter(|n| *n > 0)
                .and_then(Quantity::new)
                .ok_or_else(|| {
                    Error::invalid(
                        "count (AI 30/37)",
                        n.to_string(),
                        "expected a quantity of 1 or more",
                    )
                })?,
            None => Quantity::ONE,
        },
    };
    if let Some(e) = scan.scanned_expiry.filter(|e| *e < actor.today)
        && !scan.allow_expired
    {
        return Err(Error::ScannedLotExpired {
            item: item.code,
            lot: scan.scanned_lot.clone(),
            expired_on: e,
        });
    }
    let mut req = MovementRequest::new(
        MovementKind::Receive,
        &item.code,
        quantity,
        actor.now,
        actor.user,
    );
    req.lot = merge_scanned("lot", scan.scanned_lot.clone(), scan.lot.clone())?;
    req.expiry = merge_scanned("expiry", scan.scanned_expiry, scan.expiry)?;
    req.location.clone_from(&scan.location);
    req.order.clone_from(&scan.order);
    req.reference.clone_from(&scan.reference);
    req.note.clone_from(&scan.note);
    store.record_in_zone(&req, actor.now, actor.zone)
}

/// A value from the barcode, or from the request when the code lacks it;
/// the two must agree when both are given.
fn merge_scanned<T: PartialEq + std::fmt::Display>(
    what: &str,
    scanned: Option<T>,
    given: Option<T>,
) -> Result<Option<T>> {
    match (scanned, given) {
        (Some(s), Some(g)) if s != g => Err(Error::invalid(
            what,
            g.to_string(),
            format!("the barcode says {s}"),
        )),
        (s, g) => Ok(s.or(g)),
    }
}

/// Which movement to reverse.
#[derive(Debug, Clone)]
pub enum ReverseTarget {
    /// A movement by its id.
    Id(MovementId),
    /// The actor's own latest movement.
    Last,
}

/// `reverse`: a new movement that undoes one recorded before.
#[derive(Debug, Clone)]
pub struct ReverseRequest {
    pub target: ReverseTarget,
    pub reason: String,
}

/// What a reversal wrote, and which movement it reversed.
#[derive(Debug)]
pub struct Reversed {
    pub reversed: MovementId,
    pub outcome: Outcome,
}

pub fn reverse(store: &mut Store, req: &ReverseRequest, actor: Actor<'_>) -> Result<Reversed> {
    match req.target {
        ReverseTarget::Id(id) => {
            let outcome = store.reverse(id, Some(&req.reason), actor.now, actor.user)?;
            Ok(Reversed {
                reversed: id,
                outcome,
            })
        }
        ReverseTarget::Last => {
            let (id, outcome) = store.reverse_last(Some(&req.reason), actor.now, actor.user)?;
            Ok(Reversed {
                reversed: id,
                outcome,
            })
        }
    }
}
