//! `labstock check`: prove the maintained balances against the ledger.
//! Balances are a cache; this recomputes every one from the movements and
//! reports every difference, not just the first (STYLE rule 10), each with
//! the command that shows the lot's history.

use serde::Serialize;

use crate::db::Store;
use crate::error::Result;

/// A balance that disagrees with its ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Discrepancy {
    pub item: String,
    pub lot: String,
    pub location: String,
    pub ledger: i64,
    pub balance: i64,
    pub difference: i64,
}

impl Discrepancy {
    /// The sentence a user sees, with the next command to run.
    pub fn describe(&self) -> String {
        let (what, lot_flag) = if self.lot.is_empty() {
            (format!("{} (no lot)", self.item), String::new())
        } else {
            (
                format!("lot {} of {}", self.lot, self.item),
                format!(" --lot {}", self.lot),
            )
        };
        format!(
            "{what} at {}: ledger sums to {}, balance says {} (difference {:+}); run `labstock history {}{lot_flag}`",
            self.location, self.ledger, self.balance, self.difference, self.item
        )
    }
}

/// Everything `check` found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CheckReport {
    pub movements: i64,
    pub balances: i64,
    pub discrepancies: Vec<Discrepancy>,
    /// Other inconsistencies (order receipts, lots, database integrity).
    pub problems: Vec<String>,
}

impl CheckReport {
    pub fn is_clean(&self) -> bool {
        self.discrepancies.is_empty() && self.problems.is_empty()
    }
}

impl Store {
    /// Recompute every balance from the ledger and compare.
    pub fn check(&self) -> Result<CheckReport> {
        let conn = &self.conn;
        let mut report = CheckReport {
            movements: conn.query_row("SELECT count(*) FROM movements", [], |r| r.get(0))?,
            balances: conn.query_row("SELECT count(*) FROM balances", [], |r| r.get(0))?,
            ..CheckReport::default()
        };
        let mut stmt = conn.prepare(
            "WITH flows AS ( \
                 SELECT lot_id, location_id AS loc, quantity AS q FROM movements \
                 UNION ALL \
                 SELECT lot_id, to_location_id, -quantity FROM movements WHERE to_location_id IS NOT NULL), \
             ledger AS (SELECT lot_id, loc, SUM(q) AS q FROM flows GROUP BY lot_id, loc), \
             joined AS ( \
                 SELECT coalesce(l.lot_id, b.lot_id) AS lot_id, coalesce(l.loc, b.location_id) AS loc, \
                        coalesce(l.q, 0) AS ledger, coalesce(b.quantity, 0) AS balance \
                 FROM ledger l FULL OUTER JOIN balances b ON b.lot_id = l.lot_id AND b.location_id = l.loc) \
             SELECT i.code, lo.lot, loc.code, j.ledger, j.balance FROM joined j \
             JOIN lots lo ON lo.id = j.lot_id JOIN items i ON i.id = lo.item_id JOIN locations loc ON loc.id = j.loc \
             WHERE j.ledger <> j.balance ORDER BY i.code, lo.lot, loc.code",
        )?;
        report.discrepancies = stmt
            .query_map([], |r| {
                let ledger: i64 = r.get(3)?;
                let balance: i64 = r.get(4)?;
                Ok(Discrepancy {
                    item: r.get(0)?,
                    lot: r.get(1)?,
                    location: r.get(2)?,
                    ledger,
                    balance,
                    difference: ledger - balance,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        self.check_side_tables(&mut report)?;
        report.problems.extend(self.verify_equipment_state()?);
        Ok(report)
    }

    fn check_side_tables(&self, report: &mut CheckReport) -> Result<()> {
        let conn = &self.conn;
        let mut negative = conn.prepare(
            "SELECT i.code, l.lot, loc.code, b.quantity FROM balances b JOIN lots l ON l.id = b.lot_id \
             JOIN items i ON i.id = l.item_id JOIN locations loc ON loc.id = b.location_id WHERE b.quantity < 0",
        )?;
        for row in negative.query_map([], |r| {
            Ok(format!(
                "negative balance: {} lot {:?} at {} is {}",
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?
            ))
        })? {
            report.problems.push(row?);
        }
        let mut wrong_item = conn.prepare(
            "SELECT count(*) FROM balances b JOIN lots l ON l.id = b.lot_id WHERE b.item_id <> l.item_id",
        )?;
        let n: i64 = wrong_item.query_row([], |r| r.get(0))?;
        if n > 0 {
            report.problems.push(format!(
                "{n} balance rows name a different item from their lot"
            ));
        }
        let mut orders = conn.prepare(
            "SELECT o.reference, i.code, o.received, \
                    (SELECT coalesce(SUM(m.quantity), 0) FROM movements m WHERE m.order_id = o.id) \
             FROM orders o JOIN items i ON i.id = o.item_id",
        )?;
        for row in orders.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })? {
            let (reference, item, stored, ledger) = row?;
            if stored != ledger {
                report.problems.push(format!(
                    "order {reference} line {item}: receipts in the ledger sum to {ledger}, the order says {stored} received (difference {:+})",
                    ledger - stored
                ));
            }
        }
        let mut fk = conn.prepare("PRAGMA foreign_key_check")?;
        let broken = fk.query_map([], |r| r.get::<_, String>(0))?.count();
        if broken > 0 {
            report
                .problems
                .push(format!("{broken} rows refer to records that do not exist"));
        }
        Ok(())
    }
}
