//! The reorder rule of SPEC §3 as a pure function over plain numbers, and
//! the sentence that explains each row. No SQL, no dates from a clock: the
//! store gathers the inputs, this decides, so every branch is unit-tested.

use std::fmt::Write as _;

use chrono::NaiveDate;

/// The reorder settings that apply to one item (its own, or its levels at
/// a location when `report reorder --location` uses an override).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Levels {
    pub reorder_level: i64,
    pub max_level: Option<i64>,
    pub reorder_qty: Option<i64>,
    pub pack_size: i64,
}

/// Which of the three targets of SPEC §3 applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Branch {
    /// Order up to `max_level`.
    MaxLevel,
    /// Order a fixed `reorder_qty` on top of the position.
    ReorderQty,
    /// Neither set: order up to `reorder_level + 1`.
    LevelPlusOne,
}

/// The arithmetic of one row that must be reordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Suggestion {
    /// usable + awaiting acceptance + on_order.
    pub position: i64,
    pub branch: Branch,
    pub target: i64,
    /// target − position, before rounding.
    pub need: i64,
    /// `need` rounded up to a multiple of the pack size.
    pub suggested: i64,
}

/// A reorder quantity beyond what i64 holds: never for quantities within
/// SPEC §10's bounds, and refused (never saturated) if it ever were.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overflow;

/// `need` rounded up to a whole number of packs (a pack below 1 counts as 1).
pub fn round_up_to_pack(need: i64, pack_size: i64) -> Option<i64> {
    let pack = pack_size.max(1);
    if need <= 0 {
        return Some(0);
    }
    let packs = need / pack + i64::from(need % pack != 0);
    packs.checked_mul(pack)
}

/// SPEC §3: reorder when `usable + on_order <= reorder_level`; `None` when
/// the item is not to be reordered. `usable` is the stock the position
/// counts: usable stock plus unexpired stock awaiting acceptance (§13).
pub fn suggest(
    levels: &Levels,
    usable: i64,
    on_order: i64,
) -> Result<Option<Suggestion>, Overflow> {
    let position = usable.checked_add(on_order).ok_or(Overflow)?;
    if position > levels.reorder_level {
        return Ok(None);
    }
    let (branch, target) = match (levels.max_level, levels.reorder_qty) {
        (Some(max), _) => (Branch::MaxLevel, max),
        (None, Some(qty)) => (
            Branch::ReorderQty,
            position.checked_add(qty).ok_or(Overflow)?,
        ),
        (None, None) => (
            Branch::LevelPlusOne,
            levels.reorder_level.checked_add(1).ok_or(Overflow)?,
        ),
    };
    let need = target.checked_sub(position).ok_or(Overflow)?;
    let suggested = round_up_to_pack(need, levels.pack_size).ok_or(Overflow)?;
    // position <= level < max, qty >= 1 and level + 1 > position make
    // need >= 1 for every valid item; a setting that slipped past
    // validation must not produce an order line for nothing.
    Ok((suggested > 0).then_some(Suggestion {
        position,
        branch,
        target,
        need,
        suggested,
    }))
}

/// One open order line's contribution to `on_order`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnOrderPart {
    pub reference: String,
    pub outstanding: i64,
}

/// Stock held but not counted as usable, by why.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NotUsable {
    pub expired: i64,
    pub quarantined: i64,
    pub recalled: i64,
}

/// Usable stock that will have expired before a delivery ordered today
/// arrives (`effective expiry < as_of + lead_time_days`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpiringBeforeDelivery {
    pub quantity: i64,
    pub lead_time_days: i64,
    /// as_of + lead time: the expected delivery date.
    pub delivery: NaiveDate,
}

/// Everything behind a row, for its `reason`.
#[derive(Debug, Clone, Default)]
pub struct Evidence<'a> {
    pub usable: i64,
    /// Unexpired stock in lots pending acceptance (SPEC §13), in the
    /// position; named in the reason only when there is some.
    pub awaiting_acceptance: i64,
    pub on_order: &'a [OnOrderPart],
    /// The location whose own levels applied (an `item level` override).
    pub levels_at: Option<&'a str>,
    pub not_usable: NotUsable,
    pub expiring: Option<ExpiringBeforeDelivery>,
}

/// The `reason` column: why the row is there and how the quantity was
/// reached, in numbers a buyer can check, e.g.
/// `position 4 (on hand 4 + on order 0) <= level 5; up to max 20 = 16; rounded to pack 12 = 24 (2 packs)`,
/// or with stock awaiting acceptance `position 9 (on hand 4 + awaiting acceptance 5 + on order 0) …`.
pub fn explain(levels: &Levels, s: &Suggestion, ev: &Evidence<'_>) -> String {
    let on_order: i64 = ev.on_order.iter().map(|p| p.outstanding).sum();
    let mut text = format!("position {} (on hand {}", s.position, ev.usable);
    if ev.awaiting_acceptance != 0 {
        let _ = write!(text, " + awaiting acceptance {}", ev.awaiting_acceptance);
    }
    let _ = write!(text, " + on order {on_order}");
    match ev.on_order {
        [] => {}
        [one] => {
            let _ = write!(text, " on {}", one.reference);
        }
        many => {
            let parts: Vec<String> = many
                .iter()
                .map(|p| format!("{} {}", p.reference, p.outstanding))
                .collect();
            let _ = write!(text, " on {}", parts.join(", "));
        }
    }
    let _ = write!(text, ") <= level {}", levels.reorder_level);
    if let Some(loc) = ev.levels_at {
        let _ = write!(text, " at {loc}");
    }
    match s.branch {
        Branch::MaxLevel => {
            let _ = write!(text, "; up to max {} = {}", s.target, s.need);
        }
        Branch::ReorderQty => {
            let _ = write!(
                text,
                "; reorder qty {} = {}",
                levels.reorder_qty.unwrap_or(s.need),
                s.need
            );
        }
        Branch::LevelPlusOne => {
            let _ = write!(
                text,
                "; no max or reorder qty: up to level + 1 ({}) = {}",
                s.target, s.need
            );
        }
    }
    let pack = levels.pack_size.max(1);
    if pack > 1 {
        let packs = s.suggested / pack;
        let unit = if packs == 1 { "pack" } else { "packs" };
        if s.suggested == s.need {
            let _ = write!(text, " ({packs} {unit} of {pack})");
        } else {
            let _ = write!(
                text,
                "; rounded to pack {pack} = {} ({packs} {unit})",
                s.suggested
            );
        }
    }
    let nu = ev.not_usable;
    let held: Vec<String> = [
        (nu.expired, "expired"),
        (nu.quarantined, "quarantined"),
        (nu.recalled, "recalled"),
    ]
    .into_iter()
    .filter(|(q, _)| *q != 0)
    .map(|(q, why)| format!("{q} {why}"))
    .collect();
    if !held.is_empty() {
        let _ = write!(text, "; not counted: {}", held.join(", "));
    }
    if let Some(e) = ev.expiring.filter(|e| e.quantity > 0) {
        let verb = if e.quantity == 1 { "expires" } else { "expire" };
        let _ = write!(
            text,
            "; warning: {} of on hand {verb} before delivery (lead time {} days, {})",
            e.quantity, e.lead_time_days, e.delivery
        );
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn levels(level: i64, max: Option<i64>, qty: Option<i64>, pack: i64) -> Levels {
        Levels {
            reorder_level: level,
            max_level: max,
            reorder_qty: qty,
            pack_size: pack,
        }
    }

    #[test]
    fn max_level_branch_orders_up_to_max() {
        let s = suggest(&levels(5, Some(20), None, 1), 4, 0)
            .unwrap()
            .unwrap();
        assert_eq!(s.branch, Branch::MaxLevel);
        assert_eq!((s.position, s.target, s.need, s.suggested), (4, 20, 16, 16));
    }

    #[test]
    fn max_level_wins_over_reorder_qty() {
        let s = suggest(&levels(5, Some(15), Some(50), 1), 4, 0)
            .unwrap()
            .unwrap();
        assert_eq!(s.branch, Branch::MaxLevel);
        assert_eq!(s.suggested, 11);
    }

    #[test]
    fn reorder_qty_branch_adds_a_fixed_quantity() {
        let s = suggest(&levels(6, None, Some(5), 1), 3, 1)
            .unwrap()
            .unwrap();
        assert_eq!(s.branch, Branch::ReorderQty);
        assert_eq!((s.position, s.target, s.need, s.suggested), (4, 9, 5, 5));
    }

    #[test]
    fn neither_orders_up_to_level_plus_one() {
        let s = suggest(&levels(5, None, None, 1), 3, 0).unwrap().unwrap();
        assert_eq!(s.branch, Branch::LevelPlusOne);
        assert_eq!((s.target, s.need, s.suggested), (6, 3, 3));
    }

    #[test]
    fn need_13_in_packs_of_12_orders_24() {
        assert_eq!(round_up_to_pack(13, 12), Some(24));
        assert_eq!(round_up_to_pack(12, 12), Some(12));
        assert_eq!(round_up_to_pack(1, 12), Some(12));
        assert_eq!(round_up_to_pack(5, 1), Some(5));
        assert_eq!(round_up_to_pack(0, 12), Some(0));
        assert_eq!(
            round_up_to_pack(7, 0),
            Some(7),
            "a pack below 1 counts as 1"
        );
        let s = suggest(&levels(10, Some(20), None, 12), 7, 0)
            .unwrap()
            .unwrap();
        assert_eq!((s.need, s.suggested), (13, 24));
    }

    #[test]
    fn the_trigger_is_position_at_or_below_the_level() {
        let l = levels(10, Some(30), None, 1);
        assert!(
            suggest(&l, 10, 0).unwrap().is_some(),
            "position == level is listed"
        );
        assert!(suggest(&l, 11, 0).unwrap().is_none(), "one above is not");
        assert!(suggest(&l, 6, 4).unwrap().is_some());
        assert!(
            suggest(&l, 6, 5).unwrap().is_none(),
            "on order counts towards position"
        );
    }

    #[test]
    fn a_level_of_zero_reorders_only_when_out() {
        let l = levels(0, None, None, 1);
        assert_eq!(suggest(&l, 0, 0).unwrap().unwrap().suggested, 1);
        assert!(suggest(&l, 1, 0).unwrap().is_none());
    }

    #[test]
    fn nonsense_settings_never_order_nothing() {
        // max below position cannot pass validation, but must not yield a 0 or negative line.
        assert!(
            suggest(&levels(5, Some(3), None, 1), 4, 0)
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn the_reason_shows_every_number() {
        let l = levels(10, Some(20), None, 12);
        let s = suggest(&l, 4, 3).unwrap().unwrap();
        let parts = [OnOrderPart {
            reference: "PO-1".into(),
            outstanding: 3,
        }];
        let ev = Evidence {
            usable: 4,
            on_order: &parts,
            ..Evidence::default()
        };
        assert_eq!(
            explain(&l, &s, &ev),
            "position 7 (on hand 4 + on order 3 on PO-1) <= level 10; up to max 20 = 13; rounded to pack 12 = 24 (2 packs)"
        );
    }

    #[test]
    fn stock_awaiting_acceptance_is_in_the_position_and_the_reason() {
        let l = levels(10, Some(20), None, 1);
        // position = usable 4 + awaiting acceptance 5 + on order 0.
        let s = suggest(&l, 4 + 5, 0).unwrap().unwrap();
        let ev = Evidence {
            usable: 4,
            awaiting_acceptance: 5,
            ..Evidence::default()
        };
        assert_eq!(
            explain(&l, &s, &ev),
            "position 9 (on hand 4 + awaiting acceptance 5 + on order 0) <= level 10; up to max 20 = 11"
        );
    }

    #[test]
    fn the_reason_names_each_branch_and_what_was_left_out() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let l = levels(6, None, Some(5), 4);
        let s = suggest(&l, 1, 3).unwrap().unwrap();
        let parts = [
            OnOrderPart {
                reference: "PO-1".into(),
                outstanding: 2,
            },
            OnOrderPart {
                reference: "PO-2".into(),
                outstanding: 1,
            },
        ];
        let ev = Evidence {
            usable: 1,
            awaiting_acceptance: 0,
            on_order: &parts,
            levels_at: Some("FRIDGE-1"),
            not_usable: NotUsable {
                expired: 2,
                quarantined: 1,
                recalled: 0,
            },
            expiring: Some(ExpiringBeforeDelivery {
                quantity: 3,
                lead_time_days: 7,
                delivery: d,
            }),
        };
        assert_eq!(
            explain(&l, &s, &ev),
            "position 4 (on hand 1 + on order 3 on PO-1 2, PO-2 1) <= level 6 at FRIDGE-1; reorder qty 5 = 5; \
             rounded to pack 4 = 8 (2 packs); not counted: 2 expired, 1 quarantined; \
             warning: 3 of on hand expire before delivery (lead time 7 days, 2026-11-28)"
        );
        let l = levels(5, None, None, 10);
        let s = suggest(&l, 0, 0).unwrap().unwrap();
        assert_eq!(
            explain(&l, &s, &Evidence::default()),
            "position 0 (on hand 0 + on order 0) <= level 5; no max or reorder qty: up to level + 1 (6) = 6; \
             rounded to pack 10 = 10 (1 pack)"
        );
        let l = levels(30, None, Some(40), 10);
        let s = suggest(&l, 25, 0).unwrap().unwrap();
        assert!(
            explain(&l, &s, &Evidence::default()).ends_with("reorder qty 40 = 40 (4 packs of 10)")
        );
    }
}
