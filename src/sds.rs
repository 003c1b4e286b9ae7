//! Safety data sheets and the COSHH inventory (SPEC §16).
//!
//! Each revision of an item's SDS is a chained, append-only record
//! (`sds_revisions`) naming its document by SHA-256; the documents
//! themselves (`sds_documents`, append-only) are stored once each, and
//! `check` proves every one against its hash. The current revision is the
//! newest revision date (then the latest added); every revision is kept.
//! `sds confirm` records that the supplier confirmed a revision is still
//! current (`sds_confirmations`, chained), which clears its review.

use crate::args;
use crate::store::Conn;
use chrono::{Months, NaiveDate};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::catalogue::find_item;
use crate::chain;
use crate::error::{Error, Result};
use crate::store::Store;

/// The largest document stored (SPEC §16): 20 MB.
pub const MAX_BYTES: usize = 20 * 1000 * 1000;

/// `report sds --older-than-years` when not given.
pub const DEFAULT_REVIEW_YEARS: u32 = 3;

pub use crate::store::sql::sds as sql;

/// One revision of an item's SDS, as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Revision {
    #[serde(skip)]
    pub id: i64,
    pub item: String,
    pub revised: String,
    pub supplier: Option<String>,
    pub sha256: String,
    pub bytes: i64,
    pub filename: Option<String>,
    pub added_at: String,
    pub added_by: String,
    /// The latest `sds confirm` of this revision.
    pub confirmed: Option<String>,
    /// Whether it is the item's current revision.
    pub current: bool,
}

/// A new revision, as given.
#[derive(Debug, Clone)]
pub struct NewSds<'a> {
    pub item: &'a str,
    pub document: &'a [u8],
    /// The file's name, kept for the reader (`sds get` names nothing by it).
    pub filename: Option<&'a str>,
    pub revised: NaiveDate,
    pub supplier: Option<&'a str>,
}

/// A `report sds` row: a hazardous item without an SDS, or whose SDS is
/// due for review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SdsReportRow {
    pub item: String,
    pub name: String,
    pub ghs: Option<String>,
    pub signal_word: Option<String>,
    pub sds_revised: Option<String>,
    pub sds_confirmed: Option<String>,
    /// `missing` or `review`.
    pub state: &'static str,
}

/// `report sds` columns.
pub const SDS_REPORT_HEADERS: &[&str] = &[
    "item",
    "name",
    "ghs",
    "signal_word",
    "sds_revised",
    "sds_confirmed",
    "state",
];

/// A `report coshh` row: one hazardous item at one location holding it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CoshhRow {
    pub item: String,
    pub name: String,
    pub location: String,
    pub quantity: i64,
    pub unit: String,
    pub ghs: Option<String>,
    pub signal_word: Option<String>,
    pub h_statements: Option<String>,
    pub sds_revised: Option<String>,
}

/// `report coshh` columns.
pub const COSHH_HEADERS: &[&str] = &[
    "item",
    "name",
    "location",
    "quantity",
    "unit",
    "ghs",
    "signal_word",
    "h_statements",
    "sds_revised",
];

fn revision_from_row(r: &crate::store::Row<'_>, item: String, current: bool) -> Result<Revision> {
    Ok(Revision {
        id: r.get(0)?,
        item,
        revised: r.get(1)?,
        supplier: r.get(2)?,
        sha256: chain::hex(&r.get::<Vec<u8>>(3)?),
        bytes: r.get(4)?,
        filename: r.get(5)?,
        added_at: r.get(6)?,
        added_by: r.get(7)?,
        confirmed: r.get(8)?,
        current,
    })
}

/// The current revision of an item, if it has one.
fn current(
    conn: Conn<'_>,
    item_id: crate::model::ItemId,
    code: &str,
) -> Result<Option<(Revision, Vec<u8>)>> {
    conn.query_opt(&sql::CURRENT, args![item_id], |r| {
        Ok((
            revision_from_row(r, code.to_owned(), true)?,
            r.get::<Vec<u8>>(3)?,
        ))
    })
}

/// Check a document is what an SDS may be: a PDF of at most 20 MB.
fn check_document(doc: &NewSds<'_>) -> Result<()> {
    let name = doc.filename.unwrap_or("the document");
    if doc.document.len() > MAX_BYTES {
        return Err(Error::TooLarge {
            what: "safety data sheet".into(),
            value: format!("{name} ({} bytes)", doc.document.len()),
            limit: MAX_BYTES.to_string(),
            unit: "bytes",
        });
    }
    if !doc.document.starts_with(b"%PDF-") {
        return Err(Error::invalid(
            "safety data sheet",
            name,
            "expected a PDF (a file starting %PDF-): store the supplier's sheet as it came",
        ));
    }
    Ok(())
}

/// The SHA-256 of a document.
pub fn sha256(document: &[u8]) -> [u8; 32] {
    Sha256::digest(document).into()
}

/// Stored documents that no longer match their SHA-256 or size (`check`).
pub(crate) fn documents_disagreeing<'c>(conn: impl Into<Conn<'c>>) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    conn.into().for_each(&sql::DOCUMENTS, args![], |r| {
        let id: i64 = r.get(0)?;
        let stored: Vec<u8> = r.get(1)?;
        let bytes: i64 = r.get(2)?;
        let doc = match r.cell(3)? {
            crate::store::Cell::Blob(b) => b.into_owned(),
            _ => Vec::new(),
        };
        let len_ok = i64::try_from(doc.len()).is_ok_and(|n| n == bytes);
        if !len_ok || sha256(&doc)[..] != stored[..] {
            problems.push(format!(
                "safety data sheet document {id} (sha256 {}) no longer matches its hash or size: it was changed outside labstock (run `labstock sds list`)",
                chain::hex(&stored)
            ));
        }
        Ok(())
    })?;
    Ok(problems)
}

/// The date `years` before `as_of`.
fn years_before(as_of: NaiveDate, years: u32) -> NaiveDate {
    as_of
        .checked_sub_months(Months::new(years.saturating_mul(12)))
        .unwrap_or(NaiveDate::MIN)
}

impl Store {
    /// `sds add`: store a new revision of an item's SDS. Refused: not a
    /// PDF, over 20 MB, revised after `today`, or older than the current
    /// revision; the same document again as the current one.
    pub fn add_sds(
        &mut self,
        new: &NewSds<'_>,
        today: NaiveDate,
        now: &str,
        user: &str,
    ) -> Result<Revision> {
        check_document(new)?;
        if new.revised > today {
            return Err(Error::invalid(
                "--revised date",
                new.revised.to_string(),
                format!("a revision date cannot be after today ({today})"),
            ));
        }
        let hash = sha256(new.document);
        self.transact(|conn| add_sds_in(conn, new, &hash, now, user))
    }
}

fn add_sds_in(
    conn: Conn<'_>,
    new: &NewSds<'_>,
    hash: &[u8; 32],
    now: &str,
    user: &str,
) -> Result<Revision> {
    {
        let hash = *hash;
        let item = find_item(conn, new.item)?;
        if let Some((cur, cur_hash)) = current(conn, item.id, &item.code)? {
            if new.revised.to_string() < cur.revised {
                return Err(Error::invalid(
                    "--revised date",
                    new.revised.to_string(),
                    format!(
                        "older than {}'s current safety data sheet (revised {}); every revision is kept and the newest is current",
                        item.code, cur.revised
                    ),
                ));
            }
            if cur_hash == hash {
                return Err(Error::AlreadyExists {
                    entity: "safety data sheet",
                    key: format!("{} (sha256 {})", item.code, chain::hex(&hash)),
                    within: None,
                });
            }
        }
        let bytes = i64::try_from(new.document.len()).map_err(|_| Error::TooLarge {
            what: "safety data sheet".into(),
            value: new.document.len().to_string(),
            limit: MAX_BYTES.to_string(),
            unit: "bytes",
        })?;
        // The document store takes its next id under the SDS chain's
        // lock (SQLite: its one writer already holds the database).
        conn.lock_chain(&chain::SDS_REVISIONS)?;
        let stored: Option<i64> =
            conn.query_opt(&sql::HAS_DOCUMENT, args![&hash[..]], |r| r.get(0))?;
        if stored.is_none() {
            conn.execute(&sql::INSERT_DOCUMENT, args![&hash[..], bytes, new.document])?;
        }
        let supplier = new.supplier.map(str::trim).filter(|s| !s.is_empty());
        let filename = new.filename.map(str::trim).filter(|s| !s.is_empty());
        let revised = new.revised.to_string();
        let id = chain::append_cells(
            conn,
            &chain::SDS_REVISIONS,
            args![
                item.id,
                revised,
                supplier,
                &hash[..],
                bytes,
                filename,
                now,
                user
            ],
        )?;
        Ok(Revision {
            id,
            item: item.code,
            revised,
            supplier: supplier.map(str::to_owned),
            sha256: chain::hex(&hash),
            bytes,
            filename: filename.map(str::to_owned),
            added_at: now.to_owned(),
            added_by: user.to_owned(),
            confirmed: None,
            current: true,
        })
    }
}

impl Store {
    /// `sds confirm`: the supplier confirmed the current revision is still
    /// current on `on` (not after today, not before the revision date).
    pub fn confirm_sds(
        &mut self,
        item: &str,
        on: NaiveDate,
        note: Option<&str>,
        today: NaiveDate,
        now: &str,
        user: &str,
    ) -> Result<Revision> {
        if on > today {
            return Err(Error::invalid(
                "--date",
                on.to_string(),
                format!("a confirmation cannot be dated after today ({today})"),
            ));
        }
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        let mut cur = self.transact(|conn| {
            let item = find_item(conn, item)?;
            let Some((cur, _)) = current(conn, item.id, &item.code)? else {
                return Err(Error::NoSds { item: item.code });
            };
            if on.to_string() < cur.revised {
                return Err(Error::invalid(
                    "--date",
                    on.to_string(),
                    format!(
                        "before the current safety data sheet's revision date ({})",
                        cur.revised
                    ),
                ));
            }
            chain::append_cells(
                conn,
                &chain::SDS_CONFIRMATIONS,
                args![item.id, cur.id, on.to_string(), note, now, user],
            )?;
            Ok(cur)
        })?;
        let on = on.to_string();
        if cur.confirmed.as_deref().is_none_or(|c| c < on.as_str()) {
            cur.confirmed = Some(on);
        }
        Ok(cur)
    }

    /// `sds get`: the current revision of an item's SDS and its document.
    pub fn sds_document(&self, item: &str) -> Result<(Revision, Vec<u8>)> {
        self.read(|conn| {
            let item = find_item(conn, item)?;
            let Some((rev, hash)) = current(conn, item.id, &item.code)? else {
                return Err(Error::NoSds { item: item.code });
            };
            let doc: Vec<u8> = conn.query_one(&sql::DOCUMENT, args![&hash[..]], |r| r.get(0))?;
            Ok((rev, doc))
        })
    }

    /// `sds list [ITEM]`: every revision, oldest first per item.
    pub fn sds_list(&self, item: Option<&str>) -> Result<Vec<Revision>> {
        self.read(|conn| {
            let item_id = item.map(|c| find_item(conn, c)).transpose()?.map(|i| i.id);
            conn.query_all(&sql::LIST, args![item_id], |r| {
                let code: String = r.get(9)?;
                let current: bool = r.get(10)?;
                revision_from_row(r, code, current)
            })
        })
    }

    /// `report sds`: hazardous items with no SDS (`missing`) or whose
    /// current SDS was revised and last confirmed more than `years` years
    /// before `as_of` (`review`).
    pub fn sds_report(&self, as_of: NaiveDate, years: u32) -> Result<Vec<SdsReportRow>> {
        let cutoff = years_before(as_of, years).to_string();
        let mut out = Vec::new();
        self.read(|conn| {
            conn.for_each(&sql::HAZARDOUS_WITH_SDS, args![], |r| {
                let revised: Option<String> = r.get(4)?;
                let confirmed: Option<String> = r.get(5)?;
                let state = match (&revised, &confirmed) {
                    (None, _) => "missing",
                    (Some(rev), conf) => {
                        let latest = conf.as_ref().filter(|c| *c > rev).unwrap_or(rev);
                        if latest.as_str() < cutoff.as_str() {
                            "review"
                        } else {
                            return Ok(());
                        }
                    }
                };
                out.push(SdsReportRow {
                    item: r.get(0)?,
                    name: r.get(1)?,
                    ghs: r.get(2)?,
                    signal_word: r.get(3)?,
                    sds_revised: revised,
                    sds_confirmed: confirmed,
                    state,
                });
                Ok(())
            })
        })?;
        Ok(out)
    }

    /// `report coshh [--location LOC]`: the hazardous-substance inventory.
    pub fn coshh_report(&self, location: Option<&str>) -> Result<Vec<CoshhRow>> {
        self.read(|conn| {
            let loc = location
                .map(|l| crate::catalogue::find_location(conn, l))
                .transpose()?
                .map(|l| l.id);
            conn.query_all(&sql::COSHH, args![loc], |r| {
                Ok(CoshhRow {
                    item: r.get(0)?,
                    name: r.get(1)?,
                    location: r.get(2)?,
                    quantity: r.get(3)?,
                    unit: r.get(4)?,
                    ghs: r.get(5)?,
                    signal_word: r.get(6)?,
                    h_statements: r.get(7)?,
                    sds_revised: r.get(8)?,
                })
            })
        })
    }
}
