//! Property tests of the ledger invariants, through the library: after any
//! sequence of valid and invalid movements, every balance equals the sum of
//! its ledger rows, no balance is negative, refused movements change
//! nothing, and `check` agrees.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use labstock::Store;
use labstock::catalogue::Item;
use labstock::ledger::{MovementRequest, StockFilter};
use labstock::model::MovementKind;
use proptest::prelude::*;

const ITEMS: [&str; 2] = ["RGT-A", "PLS-B"];
const LOTS: [&str; 3] = ["L1", "L2", "L3"];
const LOCATIONS: [&str; 3] = ["MAIN", "FRIDGE-1", "BENCH-1"];

#[derive(Debug, Clone)]
enum Op {
    Move {
        kind: MovementKind,
        item: usize,
        quantity: i64,
        lot: Option<usize>,
        location: usize,
        to: usize,
        day: i64,
    },
    Reverse(i64),
}

fn op() -> impl Strategy<Value = Op> {
    let kinds = prop::sample::select(vec![
        MovementKind::Receive,
        MovementKind::Receive,
        MovementKind::Issue,
        MovementKind::Issue,
        MovementKind::Transfer,
        MovementKind::Adjust,
        MovementKind::Count,
        MovementKind::Dispose,
    ]);
    prop_oneof![
        8 => (kinds, 0..2usize, -3i64..15, prop::option::of(0..3usize), 0..3usize, 0..3usize, 0i64..60).prop_map(
            |(kind, item, quantity, lot, location, to, day)| Op::Move { kind, item, quantity, lot, location, to, day }
        ),
        1 => (1i64..40).prop_map(Op::Reverse),
    ]
}

fn start() -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(2026, 9, 1)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap()
        .and_utc()
}

fn setup(dir: &std::path::Path) -> Store {
    let now = "2026-09-01T08:00:00Z";
    let mut store = Store::init(&dir.join("p.db"), now, "prop").unwrap();
    for loc in &LOCATIONS[1..] {
        store.add_location(loc, None, now, "prop").unwrap();
    }
    let mut reagent = Item::new(ITEMS[0], "Reagent with lots");
    reagent.lot_tracked = true;
    store.add_item(reagent, now, "prop").unwrap();
    store
        .add_item(Item::new(ITEMS[1], "Plain consumable"), now, "prop")
        .unwrap();
    store
}

/// Every balance, keyed by (item, lot, location), as of far in the future.
fn balances(store: &Store) -> HashMap<(String, String, String), i64> {
    let far = NaiveDate::from_ymd_opt(2100, 1, 1).unwrap();
    store
        .stock(StockFilter::default(), far)
        .unwrap()
        .into_iter()
        .map(|l| ((l.item, l.lot, l.location), l.quantity))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, .. ProptestConfig::default() })]

    #[test]
    fn balances_equal_the_ledger_and_never_go_negative(ops in prop::collection::vec(op(), 1..40)) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = setup(dir.path());
        let mut model: HashMap<(String, String, String), i64> = HashMap::new();
        for op in ops {
            let result = match &op {
                Op::Move { kind, item, quantity, lot, location, to, day } => {
                    let at = start() + Duration::days(*day);
                    let mut req = MovementRequest::new(*kind, ITEMS[*item], *quantity, at, "prop");
                    req.lot = lot.map(|l| LOTS[l].to_owned());
                    if *kind == MovementKind::Receive && *item == 0 {
                        req.expiry = lot.map(|l| NaiveDate::from_ymd_opt(2026, 10, 1 + 10 * l as u32).unwrap());
                    }
                    req.location = Some(LOCATIONS[*location].to_owned());
                    if *kind == MovementKind::Transfer {
                        req.to_location = Some(LOCATIONS[*to].to_owned());
                    }
                    if matches!(kind, MovementKind::Adjust | MovementKind::Dispose) {
                        req.reason = Some("property test".into());
                    }
                    let before = model.clone();
                    let on_hand: i64 = before
                        .iter()
                        .filter(|((i, _, l), _)| i == ITEMS[*item] && l == LOCATIONS[*location])
                        .map(|(_, q)| q)
                        .sum();
                    let result = store.record(&req, at);
                    // The plain consumable has no expiry, so its rules are
                    // exact: an issue succeeds exactly when there is enough.
                    if *item == 1 && *kind == MovementKind::Issue && lot.is_none() {
                        prop_assert_eq!(result.is_ok(), *quantity > 0 && *quantity <= on_hand);
                    }
                    if matches!(kind, MovementKind::Issue | MovementKind::Dispose | MovementKind::Transfer) && *quantity <= 0 {
                        prop_assert!(result.is_err());
                    }
                    result
                }
                Op::Reverse(id) => store.reverse(*id, Some("property test"), start() + Duration::days(61), "prop"),
            };
            if let Ok(outcome) = &result {
                for m in &outcome.movements {
                    *model.entry((m.item.clone(), m.lot.clone(), m.location.clone())).or_default() += m.quantity;
                    if let Some(to) = &m.to_location {
                        *model.entry((m.item.clone(), m.lot.clone(), to.clone())).or_default() -= m.quantity;
                    }
                }
            }
            model.retain(|_, q| *q != 0);
            let actual = balances(&store);
            prop_assert_eq!(&actual, &model, "after {:?} -> {:?}", op, result.as_ref().map(|_| ()).map_err(ToString::to_string));
            prop_assert!(actual.values().all(|q| *q >= 0));
        }
        let report = store.check().unwrap();
        prop_assert!(report.is_clean(), "{:?}", report);
    }
}
