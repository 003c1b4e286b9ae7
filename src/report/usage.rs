//! `report usage`: consumption per item per ISO week over the last N
//! weeks, with the average weekly usage and the weeks of cover that the
//! current usable stock gives — the numbers a lab manager sets reorder
//! levels from.
//!
//! Consumption is `issue` movements; an issue that was reversed (by the
//! end of the as-of date) was a mistake and does not count. The weeks are
//! the last N whole ISO weeks (Monday to Sunday, UTC) that have ended by
//! the end of the as-of date, so a partly-elapsed week never drags the
//! average down: on a Sunday its own week is the last, on any other day the
//! week before. The current week so far (Monday to the as-of date) is
//! shown too, after them, as its own column labelled `(partial)`: it is
//! counted in neither the total nor the average.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::catalogue::find_location;
use crate::clock::{end_of_day, lab_date, start_of_day};
use crate::error::{Error, Result};
use crate::model::Usability;
use crate::model::stamp;
use crate::reorder::add_days;
use crate::reorder::stock::for_each_balance;
use crate::store::Store;
use crate::store::sql::reports as sql;
use crate::values::ItemId;

/// Weeks `report usage` covers by default.
pub const DEFAULT_WEEKS: i64 = 8;

/// The Mondays starting the last `weeks` whole ISO weeks ended by the end
/// of `as_of`, oldest first.
pub fn week_starts(as_of: NaiveDate, weeks: i64) -> Vec<NaiveDate> {
    let into_week = i64::from(as_of.weekday().num_days_from_monday());
    let last = if into_week == 6 {
        add_days(as_of, -6)
    } else {
        add_days(as_of, -into_week - 7)
    };
    (0..weeks.max(0))
        .rev()
        .map(|i| add_days(last, -7 * i))
        .collect()
}

/// The Monday of the week `as_of` is in, when that week has not ended by
/// the end of `as_of` (any day but Sunday): the partial week.
pub fn partial_week_start(as_of: NaiveDate) -> Option<NaiveDate> {
    let into_week = i64::from(as_of.weekday().num_days_from_monday());
    (into_week < 6).then(|| add_days(as_of, -into_week))
}

/// The column label of the partial week: `2026-W47 (partial)`.
pub fn partial_week_label(monday: NaiveDate) -> String {
    format!("{} (partial)", week_label(monday))
}

/// `2026-W47`.
pub fn week_label(monday: NaiveDate) -> String {
    let w = monday.iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

/// One item's consumption.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UsageRow {
    pub item: String,
    pub name: String,
    pub unit: String,
    /// Issued per week, oldest first (labels in [`UsageReport::weeks`]).
    pub weekly: Vec<i64>,
    /// Issued so far in the current, partial week (when there is one:
    /// [`UsageReport::partial_week`]); not in `total` or the average.
    pub partial_week: Option<i64>,
    pub total: i64,
    /// total / weeks, two decimals.
    pub average_weekly: f64,
    /// Usable stock at the end of the as-of date.
    pub on_hand: i64,
    /// on_hand / average_weekly, one decimal; empty when nothing was used.
    pub weeks_of_cover: Option<f64>,
    pub reorder_level: Option<i64>,
    pub lead_time_days: Option<i64>,
    /// Expected use while a delivery is awaited: average × lead time,
    /// rounded up. A reorder level below this runs out before the delivery.
    pub usage_in_lead_time: Option<i64>,
}

/// The usage report: the week labels and a row per item.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UsageReport {
    pub weeks: Vec<String>,
    /// The label of the current week so far (`2026-W47 (partial)`), or
    /// `None` on a Sunday, when the current week is whole and the last of
    /// `weeks`.
    pub partial_week: Option<String>,
    pub rows: Vec<UsageRow>,
}

impl UsageReport {
    /// Column names: item, name, unit, one per week, then the totals.
    pub fn headers(&self) -> Vec<String> {
        let mut h: Vec<String> = ["item", "name", "unit"].map(String::from).to_vec();
        h.extend(self.weeks.iter().cloned());
        h.extend(self.partial_week.iter().cloned());
        h.extend(
            [
                "total",
                "average_weekly",
                "on_hand",
                "weeks_of_cover",
                "reorder_level",
                "lead_time_days",
                "usage_in_lead_time",
            ]
            .map(String::from),
        );
        h
    }

    /// Rows as flat records (one key per column) for the renderers.
    pub fn records(&self) -> Vec<Map<String, Value>> {
        self.rows
            .iter()
            .map(|r| {
                let mut m = Map::new();
                m.insert("item".into(), r.item.clone().into());
                m.insert("name".into(), r.name.clone().into());
                m.insert("unit".into(), r.unit.clone().into());
                for (label, q) in self.weeks.iter().zip(&r.weekly) {
                    m.insert(label.clone(), (*q).into());
                }
                if let Some(label) = &self.partial_week {
                    m.insert(label.clone(), r.partial_week.unwrap_or(0).into());
                }
                m.insert("total".into(), r.total.into());
                m.insert("average_weekly".into(), r.average_weekly.into());
                m.insert("on_hand".into(), r.on_hand.into());
                m.insert("weeks_of_cover".into(), r.weeks_of_cover.into());
                m.insert("reorder_level".into(), r.reorder_level.into());
                m.insert("lead_time_days".into(), r.lead_time_days.into());
                m.insert("usage_in_lead_time".into(), r.usage_in_lead_time.into());
                m
            })
            .collect()
    }
}

fn round_to(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}

/// Average, cover and lead-time use of one item's weekly consumption.
pub fn summarise(
    weekly: &[i64],
    on_hand: i64,
    lead_time_days: Option<i64>,
) -> (i64, f64, Option<f64>, Option<i64>) {
    let total: i64 = weekly.iter().sum();
    let n = weekly.len().max(1) as f64;
    let average = total as f64 / n;
    let cover = (average > 0.0).then(|| round_to(on_hand as f64 / average, 1));
    let in_lead = lead_time_days.map(|d| (average * d as f64 / 7.0).ceil() as i64);
    (total, round_to(average, 2), cover, in_lead)
}

impl Store {
    /// Consumption per item per ISO week over the last `weeks` whole weeks
    /// ended by `as_of`, at one location or everywhere. Lists active items
    /// that were used in those weeks or have a reorder level.
    pub fn usage_report(
        &self,
        as_of: NaiveDate,
        weeks: i64,
        location: Option<&str>,
    ) -> Result<UsageReport> {
        self.usage_report_at_site(as_of, weeks, location, None)
    }

    /// The usage report of one site's locations (SPEC §12): issues from
    /// and stock at any of them; the whole lab's with `site` `None`.
    pub fn usage_report_at_site(
        &self,
        as_of: NaiveDate,
        weeks: i64,
        location: Option<&str>,
        site: Option<&str>,
    ) -> Result<UsageReport> {
        if !(1..=520).contains(&weeks) {
            return Err(Error::invalid(
                "--weeks",
                weeks.to_string(),
                "expected a number of weeks from 1 to 520",
            ));
        }
        self.read(|conn| usage_in(conn, as_of, weeks, location, site))
    }
}

fn usage_in(
    conn: crate::store::Conn<'_>,
    as_of: NaiveDate,
    weeks: i64,
    location: Option<&str>,
    site: Option<&str>,
) -> Result<UsageReport> {
    {
        let site = site.map(|s| crate::sites::find_site(conn, s)).transpose()?;
        let location_id = location
            .map(|l| find_location(conn, l))
            .transpose()?
            .map(|l| l.id);
        let starts = week_starts(as_of, weeks);
        let first = starts.first().copied().unwrap_or(as_of);
        let partial = partial_week_start(as_of);
        // Through the end of the as-of date when the current week is partial.
        let end = match partial {
            Some(_) => add_days(as_of, 1),
            None => starts.last().map_or(as_of, |s| add_days(*s, 7)),
        };
        let mut used: HashMap<ItemId, Vec<i64>> = HashMap::new();
        // Weeks are weeks of the lab's calendar: a night shift's issue at
        // 00:30 BST on Monday counts in Monday's week.
        let zone = crate::settings::lab_zone(conn)?;
        let n = starts.len();
        // One slot per whole week, then one for the partial week.
        let slots = n + usize::from(partial.is_some());
        conn.for_each(
            &sql::ISSUES_BETWEEN,
            crate::args![
                stamp(start_of_day(first, zone)),
                stamp(start_of_day(end, zone)),
                location_id,
                end_of_day(as_of, zone)
            ],
            |r| {
                let item_id: ItemId = r.get(0)?;
                let at: String = r.get(1)?;
                let quantity: i64 = r.get(2)?;
                if let Some(site) = &site
                    && !site.holds(r.get(3)?)
                {
                    return Ok(());
                }
                let Ok(at) = chrono::DateTime::parse_from_rfc3339(&at) else {
                    return Ok(());
                };
                let day = lab_date(at.with_timezone(&chrono::Utc), zone);
                let week = (day - first).num_days() / 7;
                if let Ok(week) = usize::try_from(week)
                    && week < slots
                {
                    used.entry(item_id).or_insert_with(|| vec![0; slots])[week] -= quantity;
                }
                Ok(())
            },
        )?;
        let mut on_hand: HashMap<ItemId, i64> = HashMap::new();
        for_each_balance(conn, location_id, as_of, |b| {
            if site.as_ref().is_some_and(|s| !s.holds(b.location_id)) {
                return Ok(());
            }
            if b.usability(as_of) == Usability::Usable {
                *on_hand.entry(b.item_id).or_default() += b.quantity;
            }
            Ok(())
        })?;
        let mut report = UsageReport {
            weeks: starts.iter().map(|s| week_label(*s)).collect(),
            partial_week: partial.map(partial_week_label),
            rows: Vec::new(),
        };
        conn.for_each(&sql::ACTIVE_ITEMS, crate::args![], |r| {
            let id: ItemId = r.get(0)?;
            let reorder_level: Option<i64> = r.get(4)?;
            let mut weekly = match used.remove(&id) {
                Some(w) => w,
                None if reorder_level.is_some() => vec![0; slots],
                None => return Ok(()),
            };
            let partial_week = partial.map(|_| weekly.pop().unwrap_or(0));
            let stock = on_hand.get(&id).copied().unwrap_or(0);
            let lead_time_days: Option<i64> = r.get(5)?;
            let (total, average_weekly, weeks_of_cover, usage_in_lead_time) =
                summarise(&weekly, stock, lead_time_days);
            report.rows.push(UsageRow {
                item: r.get(1)?,
                name: r.get(2)?,
                unit: r.get(3)?,
                weekly,
                partial_week,
                total,
                average_weekly,
                on_hand: stock,
                weeks_of_cover,
                reorder_level,
                lead_time_days,
                usage_in_lead_time,
            });
            Ok(())
        })?;
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn weeks_are_whole_iso_weeks_ended_by_the_as_of_date() {
        // Saturday 2026-11-21 is in week 47 (16–22 Nov), not yet ended.
        let w = week_starts(d("2026-11-21"), 2);
        assert_eq!(w, vec![d("2026-11-02"), d("2026-11-09")]);
        assert_eq!(week_label(w[1]), "2026-W46");
        // On the Sunday its own week has ended.
        let w = week_starts(d("2026-11-22"), 1);
        assert_eq!(w, vec![d("2026-11-16")]);
        assert_eq!(week_label(w[0]), "2026-W47");
        // A Monday: the week just ended.
        assert_eq!(week_starts(d("2026-11-23"), 1), vec![d("2026-11-16")]);
        // ISO years: 2026-12-28 (Mon) is 2026-W53; 2021-01-03 is 2020-W53.
        assert_eq!(week_label(d("2026-12-28")), "2026-W53");
        assert_eq!(week_label(d("2020-12-28")), "2020-W53");
    }

    #[test]
    fn averages_cover_and_use_over_the_lead_time() {
        let (total, avg, cover, lead) = summarise(&[4, 0, 6, 2], 9, Some(10));
        assert_eq!(total, 12);
        assert!((avg - 3.0).abs() < f64::EPSILON);
        assert_eq!(cover, Some(3.0));
        assert_eq!(lead, Some(5), "3 a week over 10 days = 4.3, rounded up");
        let (_, avg, cover, lead) = summarise(&[0, 0], 5, None);
        assert!(avg.abs() < f64::EPSILON);
        assert_eq!(cover, None, "no use: cover is not a number");
        assert_eq!(lead, None);
        let (_, avg, _, _) = summarise(&[1, 0, 0, 0, 0, 0, 0, 0], 0, None);
        assert!((avg - 0.13).abs() < 1e-9);
    }
}
