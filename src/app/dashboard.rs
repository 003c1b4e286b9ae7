//! What needs someone today (SPEC §16 "The digest"): one query, the
//! digest, that `labstock digest` prints or mails and the server's
//! dashboard counts on a page. Each section is gathered by the query of
//! the report that lists it in full, so the digest, the dashboard and the
//! reports always agree.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::calibration::DueState;
use crate::error::Result;
use crate::reorder::ReorderQuery;
use crate::report::expiry::{DEFAULT_WITHIN_DAYS, ExpiryState};
use crate::store::Store;

/// `digest --within` when not given: lots expiring and equipment due
/// within two weeks.
pub const DIGEST_WITHIN_DAYS: i64 = 14;

/// One thing that needs someone: what, where, and what deals with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DigestLine {
    /// A short word for the kind of line within its section (`expired`,
    /// `expiring`, `overdue`, `missing`, …).
    pub state: &'static str,
    pub what: String,
    #[serde(rename = "where")]
    pub place: String,
    /// The command that deals with it.
    pub command: String,
    /// The server page that deals with it.
    pub page: String,
}

/// One section of the digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    pub key: &'static str,
    pub title: &'static str,
    pub lines: Vec<DigestLine>,
}

/// Everything that needs someone, as of one date.
#[derive(Debug, Clone, Serialize)]
pub struct Digest {
    pub as_of: NaiveDate,
    pub within_days: i64,
    /// Every section, empty ones included (renderers leave them out).
    pub sections: Vec<Section>,
    /// Pence, over the reorder lines that have a unit cost.
    #[serde(skip)]
    pub reorder_value: i64,
    #[serde(skip)]
    pub reorder_uncosted: usize,
}

impl Digest {
    /// Whether anything needs anyone (`digest` exits 3 when it does).
    pub fn needs_someone(&self) -> bool {
        self.sections.iter().any(|s| !s.lines.is_empty())
    }

    /// The sections with lines, in order.
    pub fn shown(&self) -> impl Iterator<Item = &Section> {
        self.sections.iter().filter(|s| !s.lines.is_empty())
    }

    /// Lines of one section in one state.
    pub fn count(&self, key: &str, state: &str) -> usize {
        self.sections
            .iter()
            .filter(|s| s.key == key)
            .flat_map(|s| &s.lines)
            .filter(|l| l.state == state)
            .count()
    }

    fn section(&self, key: &str) -> usize {
        self.sections
            .iter()
            .filter(|s| s.key == key)
            .map(|s| s.lines.len())
            .sum()
    }
}

/// The counts on the dashboard, as of one date: the digest, counted.
#[derive(Debug, Clone, Default)]
pub struct Dashboard {
    pub as_of: Option<NaiveDate>,
    pub reorder_lines: usize,
    /// Pence, over the lines that have a unit cost.
    pub reorder_value: i64,
    pub reorder_uncosted: usize,
    pub expired_lots: usize,
    pub expiring_lots: usize,
    pub calibration_never: usize,
    pub calibration_overdue: usize,
    pub calibration_due: usize,
    pub pending_acceptance: usize,
    pub unconsigned_hazardous: usize,
    /// Temperature excursions awaiting a decision (SPEC §15).
    pub open_excursions: usize,
    /// Monitored locations with no reading the day before `as_of`.
    pub missing_readings: usize,
    /// Hazardous items without a safety data sheet (SPEC §16).
    pub sds_missing: usize,
    /// Hazardous items whose safety data sheet is due for review.
    pub sds_review: usize,
    pub open_stocktakes: usize,
}

/// The marks that change whenever the dashboard's answer may (see
/// [`crate::chain::change_marks`]): a summary kept with its date and marks
/// is still the answer while they are equal.
pub fn change_marks(store: &Store) -> Result<Vec<i64>> {
    store.change_marks()
}

/// The dashboard: the digest with the reports' 30-day horizon, counted.
pub fn summary(store: &Store, as_of: NaiveDate) -> Result<Dashboard> {
    let d = digest(store, as_of, DEFAULT_WITHIN_DAYS)?;
    Ok(Dashboard {
        as_of: Some(as_of),
        reorder_lines: d.section("reorder"),
        reorder_value: d.reorder_value,
        reorder_uncosted: d.reorder_uncosted,
        expired_lots: d.count("expiry", "expired"),
        expiring_lots: d.count("expiry", "expiring"),
        calibration_never: d.count("calibration", "never"),
        calibration_overdue: d.count("calibration", "overdue"),
        calibration_due: d.count("calibration", "due"),
        pending_acceptance: d.section("acceptance"),
        unconsigned_hazardous: d.section("waste"),
        open_excursions: d.count("temperatures", "excursion"),
        missing_readings: d.count("temperatures", "missing"),
        sds_missing: d.count("sds", "missing"),
        sds_review: d.count("sds", "review"),
        open_stocktakes: d.section("stocktakes"),
    })
}

fn line(
    state: &'static str,
    what: String,
    place: impl Into<String>,
    command: String,
    page: impl Into<String>,
) -> DigestLine {
    DigestLine {
        state,
        what,
        place: place.into(),
        command,
        page: page.into(),
    }
}

/// A value for a shell command line: quoted when it holds anything but
/// letters, digits and `-._/:`.
fn arg(text: &str) -> String {
    if !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._/:".contains(c))
    {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// A path segment of a page address.
fn seg(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Everything that needs someone as of `as_of`: lots and equipment are
/// looked ahead `within_days`.
pub fn digest(store: &Store, as_of: NaiveDate, within_days: i64) -> Result<Digest> {
    let within_days = within_days.max(0);
    let mut sections = Vec::with_capacity(8);

    let reorder = store.reorder_report(&ReorderQuery {
        as_of,
        supplier: None,
        location: None,
    })?;
    let reorder_value = reorder
        .rows
        .iter()
        .filter_map(|r| r.line_cost.map(crate::model::Money::pence))
        .fold(0i64, i64::saturating_add);
    let reorder_uncosted = reorder
        .rows
        .iter()
        .filter(|r| r.line_cost.is_none())
        .count();
    sections.push(Section {
        key: "reorder",
        title: "Reorder",
        lines: reorder
            .rows
            .iter()
            .map(|r| {
                line(
                    "reorder",
                    format!(
                        "{} {}: {} {} usable, {} on order, reorder level {}; order {}",
                        r.item,
                        r.name,
                        r.on_hand,
                        r.unit,
                        r.on_order,
                        r.reorder_level,
                        r.suggested_qty
                    ),
                    r.supplier
                        .as_deref()
                        .map_or_else(|| "no supplier".to_owned(), |s| format!("supplier {s}")),
                    format!(
                        "labstock order add PO-REF --item {} --quantity {}",
                        arg(&r.item),
                        r.suggested_qty
                    ),
                    "/reports/reorder",
                )
            })
            .collect(),
    });

    let expiry = store.expiry_report(as_of, within_days, None)?;
    sections.push(Section {
        key: "expiry",
        title: "Expired and expiring lots",
        lines: expiry
            .iter()
            .map(|r| {
                let lot = if r.lot.is_empty() {
                    String::new()
                } else {
                    format!("lot {} of ", r.lot)
                };
                let lot_flag = if r.lot.is_empty() {
                    String::new()
                } else {
                    format!(" --lot {}", arg(&r.lot))
                };
                let page = if r.lot.is_empty() {
                    format!("/items/{}", seg(&r.item))
                } else {
                    format!("/lots/{}/{}", seg(&r.item), seg(&r.lot))
                };
                if r.state == ExpiryState::Expired {
                    line(
                        "expired",
                        format!(
                            "{lot}{} {}: {} expired on {}",
                            r.item, r.name, r.quantity, r.expiry
                        ),
                        r.location.clone(),
                        format!(
                            "labstock dispose {} {}{lot_flag} --location {} --reason expired",
                            arg(&r.item),
                            r.quantity,
                            arg(&r.location)
                        ),
                        page,
                    )
                } else {
                    line(
                        "expiring",
                        format!(
                            "{lot}{} {}: {} expire on {} (in {} days)",
                            r.item, r.name, r.quantity, r.expiry, r.days_until_expiry
                        ),
                        r.location.clone(),
                        format!(
                            "labstock issue {} QTY{lot_flag} (use it first)",
                            arg(&r.item)
                        ),
                        page,
                    )
                }
            })
            .collect(),
    });

    let pending = store.acceptance_report(as_of, None)?;
    sections.push(Section {
        key: "acceptance",
        title: "Lots awaiting acceptance",
        lines: pending
            .iter()
            .map(|r| {
                line(
                    "pending",
                    format!(
                        "lot {} of {} {}: {} received{}{}",
                        r.lot,
                        r.item,
                        r.name,
                        r.quantity,
                        r.received_on
                            .map(|d| format!(" on {d}"))
                            .unwrap_or_default(),
                        r.days_pending
                            .map(|d| format!(", pending {d} days"))
                            .unwrap_or_default()
                    ),
                    r.location.clone(),
                    format!(
                        "labstock lot accept {} {} --result pass|fail",
                        arg(&r.item),
                        arg(&r.lot)
                    ),
                    format!("/lots/{}/{}", seg(&r.item), seg(&r.lot)),
                )
            })
            .collect(),
    });

    let due = store.calibration_due(as_of, u32::try_from(within_days).unwrap_or(u32::MAX))?;
    sections.push(Section {
        key: "calibration",
        title: "Equipment calibration",
        lines: due
            .iter()
            .filter_map(|r| {
                let (state, when) = match r.state {
                    DueState::Never => ("never", "never calibrated".to_owned()),
                    DueState::Overdue => (
                        "overdue",
                        format!(
                            "overdue since {}",
                            r.next_due.map(|d| d.to_string()).unwrap_or_default()
                        ),
                    ),
                    DueState::Due => (
                        "due",
                        format!(
                            "due on {}",
                            r.next_due.map(|d| d.to_string()).unwrap_or_default()
                        ),
                    ),
                    // The due report lists only the three above.
                    DueState::InCalibration | DueState::NotRequired => return None,
                };
                Some(line(
                    state,
                    format!(
                        "{}{}: {when}",
                        r.asset_tag,
                        r.description
                            .as_deref()
                            .map(|d| format!(" {d}"))
                            .unwrap_or_default()
                    ),
                    r.location.clone().unwrap_or_else(|| "no location".into()),
                    format!(
                        "labstock calibrate {} --result pass|fail",
                        arg(&r.asset_tag)
                    ),
                    format!("/equipment/{}", seg(&r.asset_tag)),
                ))
            })
            .collect(),
    });

    let mut temperatures: Vec<DigestLine> = store
        .excursions(None, true)?
        .into_iter()
        .map(|e| {
            line(
                "excursion",
                format!(
                    "excursion {}: out of range from {}{}, peak {}, {} minutes; lots held: {}",
                    e.id,
                    e.from,
                    e.to.as_deref()
                        .map(|t| format!(" to {t}"))
                        .unwrap_or_default(),
                    e.peak,
                    e.minutes,
                    if e.lots.is_empty() { "none" } else { &e.lots }
                ),
                e.location.clone(),
                format!(
                    "labstock temp decide {} --release|--quarantine --reason REASON",
                    e.id
                ),
                "/reports/excursions?open=true",
            )
        })
        .collect();
    let yesterday = as_of.pred_opt().unwrap_or(as_of);
    temperatures.extend(
        store
            .temperature_days(None, yesterday, yesterday)?
            .into_iter()
            .filter(|d| d.missing)
            .map(|d| {
                line(
                    "missing",
                    format!("no temperature reading on {}", d.date),
                    d.location.clone(),
                    format!(
                        "labstock temp record {} VALUE --at {}T…",
                        arg(&d.location),
                        d.date
                    ),
                    "/reports/temperatures",
                )
            }),
    );
    sections.push(Section {
        key: "temperatures",
        title: "Storage temperatures",
        lines: temperatures,
    });

    let sds = store.sds_report(as_of, crate::sds::DEFAULT_REVIEW_YEARS)?;
    let mut held: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if !sds.is_empty() {
        for r in store.coshh_report(None)? {
            held.entry(r.item).or_default().push(r.location);
        }
    }
    sections.push(Section {
        key: "sds",
        title: "Safety data sheets",
        lines: sds
            .into_iter()
            .map(|r| {
                let place = held
                    .get(&r.item)
                    .map_or_else(|| "no stock held".to_owned(), |l| l.join(", "));
                let page = format!("/items/{}", seg(&r.item));
                if r.state == "missing" {
                    line(
                        "missing",
                        format!("{} {}: no safety data sheet", r.item, r.name),
                        place,
                        format!("labstock sds add {} FILE.pdf --revised DATE", arg(&r.item)),
                        page,
                    )
                } else {
                    line(
                        "review",
                        format!(
                            "{} {}: safety data sheet revised {}{}, due for review",
                            r.item,
                            r.name,
                            r.sds_revised.as_deref().unwrap_or_default(),
                            r.sds_confirmed
                                .as_deref()
                                .map(|c| format!(", last confirmed {c}"))
                                .unwrap_or_default()
                        ),
                        place,
                        format!(
                            "labstock sds confirm {} (or sds add a newer revision)",
                            arg(&r.item)
                        ),
                        page,
                    )
                }
            })
            .collect(),
    });

    sections.push(Section {
        key: "stocktakes",
        title: "Open stocktakes",
        lines: store
            .stocktakes()?
            .into_iter()
            .filter(|s| s.status == crate::stocktake::Status::Open)
            .map(|s| {
                line(
                    "open",
                    format!(
                        "stocktake {} started {} by {}: {} of {} lines counted",
                        s.id, s.started_at, s.started_by, s.counted, s.lines
                    ),
                    s.location.clone(),
                    format!("labstock stocktake review {}", s.id),
                    "/stocktakes",
                )
            })
            .collect(),
    });

    sections.push(Section {
        key: "waste",
        title: "Hazardous waste not yet consigned",
        lines: store
            .unconsigned_hazardous(as_of)?
            .into_iter()
            .map(|u| {
                line(
                    "unconsigned",
                    u.to_string(),
                    u.container
                        .as_deref()
                        .map_or_else(|| "waste register".to_owned(), |c| format!("container {c}")),
                    "labstock waste consign --consignment-note CODE --carrier CARRIER".to_owned(),
                    "/waste",
                )
            })
            .collect(),
    });

    Ok(Digest {
        as_of,
        within_days,
        sections,
        reorder_value,
        reorder_uncosted,
    })
}

/// Where `digest --send` sent the digest.
#[derive(Debug, Clone)]
pub struct Sent {
    pub to: Vec<String>,
    pub server: String,
}

/// A setting `digest --send` needs, or a usage error (exit 2) naming it.
fn needed(store: &Store, key: &str, example: &str) -> Result<String> {
    store.setting(key)?.ok_or_else(|| {
        crate::error::Error::Usage(format!(
            "digest --send needs the setting {key}; set it with `labstock config set {key} {example}`"
        ))
    })
}

/// `digest --send`: mail the digest (HTML with a plain-text part) to
/// `digest.to` through `digest.smtp`. Nothing is written to the database.
pub fn send_digest(store: &Store, d: &Digest, password: Option<&str>) -> Result<Sent> {
    use crate::settings::{DIGEST_FROM, DIGEST_SMTP, DIGEST_STARTTLS, DIGEST_TO};
    let to = needed(store, DIGEST_TO, "lab.manager@example.nhs.uk")?;
    let smtp = needed(store, DIGEST_SMTP, "smtp://relay.example.nhs.uk:25")?;
    let to = crate::mail::parse_addresses(DIGEST_TO, &to)?;
    let server = crate::mail::parse_server(&smtp)?;
    let from = crate::mail::parse_address(
        DIGEST_FROM,
        &store
            .setting(DIGEST_FROM)?
            .unwrap_or_else(|| "labstock@localhost".to_owned()),
    )?;
    let starttls = store
        .setting(DIGEST_STARTTLS)?
        .unwrap_or_else(|| crate::mail::DEFAULT_STARTTLS.to_owned());
    let subject = crate::report::digest::subject(d);
    crate::mail::send(
        &server,
        &starttls,
        password,
        crate::mail::Outgoing {
            to: &to,
            from: &from,
            subject: &subject,
            text: crate::report::digest::text(d),
            html: crate::report::digest::html(d),
        },
    )?;
    Ok(Sent {
        to: to.iter().map(ToString::to_string).collect(),
        server: server.to_string(),
    })
}
