//! Domain values with invariants (issue 12): a bounded [`Quantity`], a
//! [`Timestamp`] within the ledger's range, and typed ids. Each can only be
//! made through a checked constructor, so a value held anywhere in the
//! library is already valid: a quantity cannot exceed SPEC §10's bound,
//! arithmetic on two of them cannot overflow, a timestamp is second-precise
//! and within the dates the ledger reads, and a lot id cannot be passed
//! where a movement id is wanted.

use std::fmt;

use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use serde::Serialize;

use crate::clock::{FIRST_AS_OF, LAST_AS_OF};
use crate::error::{Error, Result};
use crate::model::{self, MAX_QUANTITY};

/// A number of units of issue, at most [`MAX_QUANTITY`] either way (SPEC
/// §10). Signed: an adjustment or a movement's change at a location may be
/// negative; a balance never is (the ledger checks that, not this type).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[serde(transparent)]
pub struct Quantity(i64);

impl Quantity {
    /// Nothing.
    pub const ZERO: Quantity = Quantity(0);
    /// One unit: what a scan counts when the code carries no count.
    pub const ONE: Quantity = Quantity(1);
    /// The largest quantity a movement or a balance may hold.
    pub const MAX: Quantity = Quantity(MAX_QUANTITY);

    /// `q` when it is within the bound, else `None`.
    pub const fn new(q: i64) -> Option<Quantity> {
        if q >= -MAX_QUANTITY && q <= MAX_QUANTITY {
            Some(Quantity(q))
        } else {
            None
        }
    }

    /// `q`, or the `TooLarge` refusal naming `what` (e.g. "quantity").
    pub fn bounded(what: &str, q: i64) -> Result<Quantity> {
        Quantity::new(q).ok_or_else(|| Error::TooLarge {
            what: what.to_owned(),
            value: q.to_string(),
            limit: MAX_QUANTITY.to_string(),
            unit: "units of issue",
        })
    }

    /// Parse a whole number of units as a user typed it (`5`, `-3`, `+2`);
    /// a number as long as a barcode is refused with a hint.
    pub fn parse(text: &str) -> Result<Quantity> {
        model::parse_quantity(text).map(Quantity)
    }

    /// Parse a quantity that must be 1 or more (receive, issue, transfer,
    /// dispose).
    pub fn parse_positive(text: &str) -> Result<Quantity> {
        model::positive_quantity(text).map(Quantity)
    }

    /// The number of units.
    pub const fn get(self) -> i64 {
        self.0
    }

    pub const fn is_positive(self) -> bool {
        self.0 > 0
    }

    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// The opposite quantity (always within the bound, which is symmetric).
    #[must_use]
    pub const fn negated(self) -> Quantity {
        Quantity(-self.0)
    }

    /// The sum, when it is within the bound. Cannot overflow: both
    /// operands are at most 10⁹.
    pub const fn checked_add(self, other: Quantity) -> Option<Quantity> {
        Quantity::new(self.0 + other.0)
    }

    /// The difference, when it is within the bound.
    pub const fn checked_sub(self, other: Quantity) -> Option<Quantity> {
        Quantity::new(self.0 - other.0)
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl TryFrom<i64> for Quantity {
    type Error = Error;
    fn try_from(q: i64) -> Result<Quantity> {
        Quantity::bounded("quantity", q)
    }
}

impl From<Quantity> for i64 {
    fn from(q: Quantity) -> i64 {
        q.0
    }
}

/// An instant on the ledger: UTC, whole seconds (as stored), on a date the
/// ledger can read as of ([`FIRST_AS_OF`] to [`LAST_AS_OF`]). Displayed as
/// stored (`2026-11-21T09:00:00Z`), so text order is time order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(DateTime<Utc>);

impl Timestamp {
    /// `t` truncated to the second, when its date is within the ledger's
    /// range; else an `invalid` error naming `what`.
    pub fn new(what: &str, t: DateTime<Utc>) -> Result<Timestamp> {
        let date = t.date_naive();
        if date < FIRST_AS_OF || date > LAST_AS_OF {
            return Err(Error::invalid(
                what,
                model::stamp(t),
                format!("expected a date between {FIRST_AS_OF} and {LAST_AS_OF}"),
            ));
        }
        Ok(Timestamp(t.trunc_subsecs(0)))
    }

    /// Parse a stored timestamp (written by [`model::stamp`]).
    pub fn parse_stored(text: &str) -> Result<Timestamp> {
        Timestamp::new("stored timestamp", model::parse_stamp(text)?)
    }

    /// The instant.
    pub const fn get(self) -> DateTime<Utc> {
        self.0
    }

    /// The UTC date (the lab's date needs the lab's zone: `clock::lab_date`).
    pub fn utc_date(self) -> NaiveDate {
        self.0.date_naive()
    }

    /// As stored.
    pub fn stamp(self) -> String {
        model::stamp(self.0)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.stamp())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl From<Timestamp> for DateTime<Utc> {
    fn from(t: Timestamp) -> DateTime<Utc> {
        t.0
    }
}

/// Typed row ids: the number a face shows and a user types back, but a lot
/// id is not a movement id.
macro_rules! typed_id {
    ($(#[$doc:meta] $name:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(i64);

        impl $name {
            /// The id as stored.
            pub const fn new(id: i64) -> $name {
                $name(id)
            }

            /// The number as stored.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

typed_id!(
    /// An item of the catalogue.
    ItemId,
    /// A lot of an item.
    LotId,
    /// A storage location.
    LocationId,
    /// A ledger movement (what `reverse` and `history` name).
    MovementId,
    /// A waste record.
    WasteRecordId,
);

impl MovementId {
    /// Parse a movement id as a user types it (`reverse 42`, `#42`).
    pub fn parse(text: &str) -> Result<MovementId> {
        let t = text.trim().trim_start_matches('#');
        t.parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .map(MovementId)
            .ok_or_else(|| {
                Error::invalid("movement id", text, "expected a movement number, e.g. 42")
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn quantity_bound_is_inclusive_and_symmetric() {
        assert_eq!(Quantity::new(MAX_QUANTITY), Some(Quantity::MAX));
        assert_eq!(
            Quantity::new(-MAX_QUANTITY).map(Quantity::get),
            Some(-MAX_QUANTITY)
        );
        assert_eq!(Quantity::new(MAX_QUANTITY + 1), None);
        assert_eq!(Quantity::new(i64::MIN), None);
        assert!(Quantity::bounded("balance", MAX_QUANTITY + 1).is_err());
    }

    #[test]
    fn quantity_parse_refuses_a_barcode_with_a_hint() {
        let e = Quantity::parse("5012345678900").unwrap_err().to_string();
        assert!(e.contains("looks like a barcode"), "{e}");
        assert_eq!(Quantity::parse(" +7 ").unwrap().get(), 7);
        assert!(Quantity::parse_positive("0").is_err());
    }

    #[test]
    fn timestamp_is_whole_seconds_within_the_ledger_range() {
        let t = DateTime::parse_from_rfc3339("2026-11-21T09:00:00.75Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            Timestamp::new("at", t).unwrap().to_string(),
            "2026-11-21T09:00:00Z"
        );
        let far = DateTime::parse_from_rfc3339("9999-12-31T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert!(Timestamp::new("at", far).is_err());
        let early = DateTime::parse_from_rfc3339("1899-12-31T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert!(Timestamp::new("at", early).is_err());
    }

    #[test]
    fn movement_id_parse_names_the_value() {
        assert_eq!(MovementId::parse("42").unwrap().get(), 42);
        let e = MovementId::parse("x1").unwrap_err().to_string();
        assert!(e.contains("\"x1\"") || e.contains("x1"), "{e}");
        assert!(MovementId::parse("0").is_err());
    }

    proptest! {
        #[test]
        fn quantity_arithmetic_never_leaves_the_bound(a in -MAX_QUANTITY..=MAX_QUANTITY, b in -MAX_QUANTITY..=MAX_QUANTITY) {
            let (qa, qb) = (Quantity::new(a).unwrap(), Quantity::new(b).unwrap());
            match qa.checked_add(qb) {
                Some(s) => prop_assert_eq!(s.get(), a + b),
                None => prop_assert!((a + b).abs() > MAX_QUANTITY),
            }
            match qa.checked_sub(qb) {
                Some(s) => prop_assert_eq!(s.get(), a - b),
                None => prop_assert!((a - b).abs() > MAX_QUANTITY),
            }
        }
    }
}
