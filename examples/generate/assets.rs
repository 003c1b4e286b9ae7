//! Equipment, calibration records and the waste register.

use std::fmt::Write as _;
use std::io;

use chrono::{Datelike, Months, Weekday};

use crate::rng::Rng;
use crate::words;
use crate::{Csv, Day, date_of, day_of, fmt_date};

pub(crate) const EQUIPMENT_HEADER: [&str; 10] = [
    "asset_tag",
    "description",
    "manufacturer",
    "model",
    "serial",
    "location",
    "category",
    "calibration_interval",
    "status",
    "in_service_date",
];

pub(crate) const CALIBRATION_HEADER: [&str; 7] = [
    "asset_tag",
    "performed_on",
    "result",
    "performed_by",
    "certificate",
    "next_due",
    "notes",
];

pub(crate) const WASTE_HEADER: [&str; 9] = [
    "date",
    "stream",
    "quantity",
    "unit",
    "container",
    "consignment_note",
    "carrier",
    "recorded_by",
    "notes",
];

const RESULTS: [&str; 3] = ["pass", "adjusted", "fail"];

const FAIL_NOTES: [&str; 5] = [
    "failed: accuracy outside tolerance at low volume",
    "failed: temperature uniformity out of specification",
    "failed: linearity check",
    "failed: repeatability outside limits",
    "failed: alarm did not trigger",
];

/// `performed_on + interval` by SPEC §4 (calendar months, clamped).
fn add_interval(day: Day, interval: &str) -> Day {
    let (n, unit) = interval.split_at(interval.len() - 1);
    let n: u32 = n.parse().expect("interval number");
    let date = date_of(day);
    match unit {
        "d" => day + n as Day,
        "w" => day + 7 * n as Day,
        "m" => day_of(date + Months::new(n)),
        _ => day_of(date + Months::new(12 * n)),
    }
}

fn interval_days(interval: &str) -> Day {
    match interval {
        "" => 0,
        i => add_interval(0, i),
    }
}

struct Calibration {
    day: Day,
    asset: u32,
    seq: u32,
    result: u8,
    by: &'static str,
    certificate: u32,
    next_due: Day,
    note: &'static str,
}

/// Writes `n` assets and about `per_asset` calibrations each (chronological
/// per asset and overall, never after `end`, always after the asset went
/// into service). Returns (assets, calibrations).
pub(crate) fn equipment(
    we: &mut Csv,
    wc: &mut Csv,
    rng: &mut Rng,
    n: usize,
    per_asset: u32,
    start: Day,
    end: Day,
) -> io::Result<(usize, usize)> {
    let mut tags: Vec<String> = Vec::with_capacity(n);
    let mut calibrations: Vec<Calibration> = Vec::new();
    let mut tag_number: u32 = 100;
    let mut certificate: u32 = 0;
    let span = end - start;
    for asset in 0..n {
        tag_number += rng.range(1, 3) as u32;
        let tag = format!("EQ-{tag_number:06}");
        let kit = rng.pick(&words::EQUIPMENT);
        let (category, description, models, intervals) = *kit;
        let (manufacturer, model) = *rng.pick(models);
        let interval = if rng.chance(0.05) {
            ""
        } else {
            *rng.pick(intervals)
        };
        let serial = match rng.below(3) {
            0 => {
                let mut s: String = manufacturer
                    .chars()
                    .filter(char::is_ascii_alphabetic)
                    .take(2)
                    .map(|c| c.to_ascii_uppercase())
                    .collect();
                for _ in 0..7 {
                    s.push(rng.digit());
                }
                s
            }
            1 => format!("{:04}-{:05}", rng.range(1000, 9999), rng.range(0, 99_999)),
            _ => {
                let mut s = String::new();
                for i in 0..10 {
                    s.push(if i < 3 { rng.letter() } else { rng.digit() });
                }
                s
            }
        };
        let location = *rng.pick(&words::EQUIPMENT_PLACES);
        let in_service = if rng.chance(0.75) || span < 60 {
            start - rng.range(30, 3000) as Day
        } else {
            start + rng.range(0, i64::from(span - 30)) as Day
        };

        // Calibrations.
        let first_ok = start.max(in_service + 1);
        let mut k = if per_asset == 0 || (!interval.is_empty() && rng.chance(0.02)) {
            0
        } else {
            rng.range(
                i64::from(per_asset.div_ceil(2)),
                i64::from(per_asset * 3 / 2),
            ) as Day
        };
        if first_ok > end {
            k = 0;
        } else {
            k = k.min((end - first_ok) / 7 + 1);
        }
        let nominal = match interval_days(interval) {
            0 => (end - first_ok) / k.max(1),
            d => d,
        };
        let mut last_result = 0_u8;
        if k > 0 {
            let overdue = !interval.is_empty() && rng.chance(0.08);
            let mut last = if overdue {
                end - nominal - rng.range(1, 60) as Day
            } else {
                end - rng.range(0, i64::from(nominal.min(end - first_ok))) as Day
            };
            if last < first_ok {
                last = first_ok + rng.range(0, i64::from(end - first_ok)) as Day;
            }
            // Room for the jitter so the earliest records do not pile up
            // on the first possible day.
            let step = if k > 1 {
                nominal.min((last - first_ok) / k)
            } else {
                0
            };
            let mut days: Vec<Day> = (0..k)
                .map(|j| {
                    let jitter = if step >= 8 {
                        rng.range(0, i64::from(step / 8)) as Day
                    } else {
                        0
                    };
                    (last - (k - 1 - j) * step - jitter).max(first_ok)
                })
                .collect();
            days.sort_unstable();
            for (seq, &day) in days.iter().enumerate() {
                let result = rng.weighted(&[88, 10, 2]) as u8;
                let by = if rng.chance(0.6) {
                    *rng.pick(&words::PEOPLE)
                } else {
                    *rng.pick(&words::CALIBRATION_SERVICES)
                };
                let cert = if rng.chance(0.9) {
                    certificate += 1;
                    certificate
                } else {
                    0
                };
                let next_due = if !interval.is_empty() && rng.chance(0.05) {
                    add_interval(day, interval)
                } else {
                    0
                };
                let note = match result {
                    2 => *rng.pick(&FAIL_NOTES),
                    1 => "as found out of tolerance; adjusted and re-verified",
                    _ if rng.chance(0.05) => "routine service and calibration",
                    _ => "",
                };
                calibrations.push(Calibration {
                    day,
                    asset: asset as u32,
                    seq: seq as u32,
                    result,
                    by,
                    certificate: cert,
                    next_due,
                    note,
                });
                last_result = result;
            }
        }

        let status = if rng.chance(0.03) {
            "condemned"
        } else if last_result == 2 {
            "quarantined"
        } else if rng.chance(0.04) {
            "out_of_service"
        } else {
            "in_service"
        };
        we.write_record([
            tag.as_str(),
            description,
            manufacturer,
            model,
            &serial,
            location,
            category,
            interval,
            status,
            &fmt_date(in_service),
        ])?;
        tags.push(tag);
    }

    calibrations.sort_unstable_by_key(|c| (c.day, c.asset, c.seq));
    let mut cert = String::new();
    for c in &calibrations {
        cert.clear();
        if c.certificate > 0 {
            let _ = write!(cert, "CAL-{}-{:06}", date_of(c.day).year(), c.certificate);
        }
        let next_due = if c.next_due > 0 {
            fmt_date(c.next_due)
        } else {
            String::new()
        };
        wc.write_record([
            tags[c.asset as usize].as_str(),
            &fmt_date(c.day),
            RESULTS[c.result as usize],
            c.by,
            &cert,
            &next_due,
            c.note,
        ])?;
    }
    Ok((n, calibrations.len()))
}

/// (stream, hazardous, units, container prefix, weight)
const STREAMS: [(&str, bool, &[&str], &str, u32); 6] = [
    ("18 01 03*", true, &["kg", "containers"], "YB", 30),
    ("18 01 01", false, &["containers", "items"], "SB", 12),
    ("16 05 06*", true, &["L", "kg"], "CH", 10),
    ("18 01 08*", true, &["kg", "containers"], "PL", 5),
    ("15 01 10*", true, &["kg", "items"], "CP", 8),
    ("20 03 01", false, &["kg"], "BB", 20),
];

/// Premises codes for consignment notes, one per carrier.
const PREMISES: [&str; 6] = ["LABGEN", "PATHLB", "NHSPTH", "BIOSCI", "CLINLB", "MEDLAB"];

/// Writes `n` waste records over `start..=end` (mostly weekdays) in date order.
pub(crate) fn waste(
    w: &mut Csv,
    rng: &mut Rng,
    n: u64,
    streams: &[String],
    start: Day,
    end: Day,
) -> io::Result<u64> {
    let table: Vec<(&str, bool, &[&str], &str, u32)> = streams
        .iter()
        .map(|code| {
            STREAMS.iter().find(|s| s.0 == code).copied().unwrap_or((
                code.as_str(),
                code.ends_with('*'),
                &["kg"],
                "WC",
                10,
            ))
        })
        .collect();
    let weights: Vec<u32> = table.iter().map(|s| s.4).collect();
    let mut container: u32 = 0;
    let mut transfer_note: u32 = 0;
    let mut quantity = String::new();
    let mut written = 0;
    crate::per_day(
        start,
        end,
        n,
        |d| match d.weekday() {
            Weekday::Sat | Weekday::Sun => 1,
            _ => 10,
        },
        |day, k| {
            let date = fmt_date(day);
            for _ in 0..k {
                let (code, hazardous, units, prefix, _) = table[rng.weighted(&weights)];
                let unit = *rng.pick(units);
                quantity.clear();
                match unit {
                    "kg" | "L" => {
                        let tenths = if unit == "kg" {
                            rng.range(5, 600)
                        } else {
                            rng.range(5, 250)
                        };
                        if tenths % 10 == 0 {
                            let _ = write!(quantity, "{}", tenths / 10);
                        } else {
                            let _ = write!(quantity, "{}.{}", tenths / 10, tenths % 10);
                        }
                    }
                    "items" => {
                        let _ = write!(quantity, "{}", rng.range(1, 200));
                    }
                    _ => {
                        let _ = write!(quantity, "{}", rng.range(1, 12));
                    }
                }
                let container_id = if rng.chance(0.9) {
                    container += 1;
                    format!("{prefix}-{container:06}")
                } else {
                    String::new()
                };
                let carrier = rng.index(words::CARRIERS.len());
                let note = if hazardous {
                    // One collection per carrier per day shares a note.
                    let v = (day - start) as u32 * 8 + carrier as u32;
                    let mut s = format!(
                        "{}/{}{:04}",
                        PREMISES[carrier],
                        char::from(b'A' + (v / 10_000 % 26) as u8),
                        v % 10_000
                    );
                    if v.is_multiple_of(7) {
                        s.push(char::from(b'A' + (v / 7 % 26) as u8));
                    }
                    s
                } else if rng.chance(0.6) {
                    transfer_note += 1;
                    format!("WTN-{}-{:05}", &date[..4], transfer_note)
                } else {
                    String::new()
                };
                let notes = if rng.chance(0.1) {
                    *rng.pick(&[
                        "bench clear-out",
                        "end of run",
                        "spill clean-up materials",
                        "expired stock",
                        "fridge defrost",
                    ])
                } else {
                    ""
                };
                w.write_record([
                    date.as_str(),
                    code,
                    &quantity,
                    unit,
                    &container_id,
                    &note,
                    words::CARRIERS[carrier],
                    *rng.pick(&words::PEOPLE),
                    notes,
                ])?;
                written += 1;
            }
            Ok::<(), io::Error>(())
        },
    )?;
    Ok(written)
}
