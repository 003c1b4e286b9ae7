//! Safety data sheets and the COSHH inventory (SPEC §16).
//!
//! Each revision of an item's SDS is a chained, append-only record
//! (`sds_revisions`) naming its document by SHA-256; the documents
//! themselves (`sds_documents`, append-only) are stored once each, and
//! `check` proves every one against its hash. The current revision is the
//! newest revision date (then the latest added); every revision is kept.
//! `sds confirm` records that the supplier confirmed a revision is still
//! current (`sds_confirmations`, chained), which clears its review.

use chrono::{Months, NaiveDate};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::catalogue::find_item;
use crate::chain;
use crate::db::Store;
use crate::error::{Error, Result};

/// The largest document stored (SPEC §16): 20 MB.
pub const MAX_BYTES: usize = 20 * 1000 * 1000;

/// `report sds --older-than-years` when not given.
pub const DEFAULT_REVIEW_YEARS: u32 = 3;

/// The statements of this module, each in one place (and for the
/// query-plan tests).
pub mod sql {
    /// The current revision of an item: newest revision date, then the
    /// latest added (`sds_revisions_item`).
    pub const CURRENT: &str = "SELECT r.id, r.revised, r.supplier, r.sha256, r.bytes, r.filename, r.at, r.user, \
         (SELECT max(c.confirmed_on) FROM sds_confirmations c WHERE c.revision_id = r.id) \
         FROM sds_revisions r WHERE r.item_id = ?1 ORDER BY r.revised DESC, r.id DESC LIMIT 1";
    /// Every revision of one item, or of every item (?1 NULL), oldest first.
    pub const LIST: &str = "SELECT r.id, r.revised, r.supplier, r.sha256, r.bytes, r.filename, r.at, r.user, \
         (SELECT max(c.confirmed_on) FROM sds_confirmations c WHERE c.revision_id = r.id), i.code, \
         r.id = (SELECT r2.id FROM sds_revisions r2 WHERE r2.item_id = r.item_id \
                 ORDER BY r2.revised DESC, r2.id DESC LIMIT 1) \
         FROM sds_revisions r JOIN items i ON i.id = r.item_id \
         WHERE ?1 IS NULL OR r.item_id = ?1 ORDER BY i.code COLLATE BINARY, r.revised, r.id";
    /// A document by its hash.
    pub const DOCUMENT: &str = "SELECT document FROM sds_documents WHERE sha256 = ?1";
    pub const HAS_DOCUMENT: &str = "SELECT 1 FROM sds_documents WHERE sha256 = ?1";
    pub const INSERT_DOCUMENT: &str =
        "INSERT INTO sds_documents (sha256, bytes, document) VALUES (?1, ?2, ?3)";
    /// The hazardous items (a pictogram or an H statement) with their
    /// current SDS's revision date and last confirmation, for `report sds`
    /// and the digest (`items_hazardous`, `sds_revisions_item`).
    pub const HAZARDOUS_WITH_SDS: &str = "SELECT i.code, i.name, i.ghs, i.signal_word, r.revised, \
         (SELECT max(c.confirmed_on) FROM sds_confirmations c WHERE c.revision_id = r.id) \
         FROM items i LEFT JOIN sds_revisions r ON r.id = \
           (SELECT r2.id FROM sds_revisions r2 WHERE r2.item_id = i.id ORDER BY r2.revised DESC, r2.id DESC LIMIT 1) \
         WHERE (i.ghs IS NOT NULL OR i.h_statements IS NOT NULL) AND i.active = 1 \
         ORDER BY i.code COLLATE BINARY";
    /// The COSHH inventory: each hazardous item's stock by location, with
    /// its current SDS's revision date. The CROSS JOIN keeps the order:
    /// the hazardous items first (`items_hazardous`, a partial index), then
    /// their balances (`balances_item`), never every balance of the lab.
    pub const COSHH: &str = "SELECT i.code, i.name, loc.code, sum(b.quantity), i.unit, i.ghs, i.signal_word, \
         i.h_statements, (SELECT r2.revised FROM sds_revisions r2 WHERE r2.item_id = i.id \
                          ORDER BY r2.revised DESC, r2.id DESC LIMIT 1) \
         FROM items i CROSS JOIN balances b ON b.item_id = i.id JOIN locations loc ON loc.id = b.location_id \
         WHERE (i.ghs IS NOT NULL OR i.h_statements IS NOT NULL) AND (?1 IS NULL OR b.location_id = ?1) \
         GROUP BY b.item_id, b.location_id HAVING sum(b.quantity) <> 0 \
         ORDER BY loc.code COLLATE BINARY, i.code COLLATE BINARY";
    /// Every stored document, for `check`.
    pub const DOCUMENTS: &str = "SELECT id, sha256, bytes, document FROM sds_documents ORDER BY id";
}

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

fn revision_from_row(
    r: &rusqlite::Row<'_>,
    item: String,
    current: bool,
) -> rusqlite::Result<Revision> {
    Ok(Revision {
        id: r.get(0)?,
        item,
        revised: r.get(1)?,
        supplier: r.get(2)?,
        sha256: chain::hex(&r.get::<_, Vec<u8>>(3)?),
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
    conn: &Connection,
    item_id: crate::model::ItemId,
    code: &str,
) -> Result<Option<(Revision, Vec<u8>)>> {
    let found = conn
        .prepare_cached(sql::CURRENT)?
        .query_row([item_id], |r| {
            Ok((
                revision_from_row(r, code.to_owned(), true)?,
                r.get::<_, Vec<u8>>(3)?,
            ))
        })
        .optional()?;
    Ok(found)
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
pub(crate) fn documents_disagreeing(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(sql::DOCUMENTS)?;
    let mut rows = stmt.query([])?;
    let mut problems = Vec::new();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let stored: Vec<u8> = r.get(1)?;
        let bytes: i64 = r.get(2)?;
        let doc = r.get_ref(3)?.as_blob().unwrap_or_default();
        let len_ok = i64::try_from(doc.len()).is_ok_and(|n| n == bytes);
        if !len_ok || sha256(doc)[..] != stored[..] {
            problems.push(format!(
                "safety data sheet document {id} (sha256 {}) no longer matches its hash or size: it was changed outside labstock (run `labstock sds list`)",
                chain::hex(&stored)
            ));
        }
    }
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
        let tx = self.write()?;
        let item = find_item(&tx, new.item)?;
        let hash = sha256(new.document);
        if let Some((cur, cur_hash)) = current(&tx, item.id, &item.code)? {
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
        let stored: Option<i64> = tx
            .prepare_cached(sql::HAS_DOCUMENT)?
            .query_row([&hash[..]], |r| r.get(0))
            .optional()?;
        if stored.is_none() {
            tx.prepare_cached(sql::INSERT_DOCUMENT)?.execute(params![
                &hash[..],
                bytes,
                new.document
            ])?;
        }
        let supplier = new.supplier.map(str::trim).filter(|s| !s.is_empty());
        let filename = new.filename.map(str::trim).filter(|s| !s.is_empty());
        let revised = new.revised.to_string();
        let id = chain::append(
            &tx,
            &chain::SDS_REVISIONS,
            params![
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
        tx.commit()?;
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
        let tx = self.write()?;
        let item = find_item(&tx, item)?;
        let Some((mut cur, _)) = current(&tx, item.id, &item.code)? else {
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
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        chain::append(
            &tx,
            &chain::SDS_CONFIRMATIONS,
            params![item.id, cur.id, on.to_string(), note, now, user],
        )?;
        tx.commit()?;
        let on = on.to_string();
        if cur.confirmed.as_deref().is_none_or(|c| c < on.as_str()) {
            cur.confirmed = Some(on);
        }
        Ok(cur)
    }

    /// `sds get`: the current revision of an item's SDS and its document.
    pub fn sds_document(&self, item: &str) -> Result<(Revision, Vec<u8>)> {
        let item = find_item(self.sqlite()?, item)?;
        let Some((rev, hash)) = current(self.sqlite()?, item.id, &item.code)? else {
            return Err(Error::NoSds { item: item.code });
        };
        let doc: Vec<u8> = self
            .sqlite()?
            .prepare_cached(sql::DOCUMENT)?
            .query_row([&hash[..]], |r| r.get(0))?;
        Ok((rev, doc))
    }

    /// `sds list [ITEM]`: every revision, oldest first per item.
    pub fn sds_list(&self, item: Option<&str>) -> Result<Vec<Revision>> {
        let item_id = item
            .map(|c| find_item(self.sqlite()?, c))
            .transpose()?
            .map(|i| i.id);
        let mut stmt = self.sqlite()?.prepare_cached(sql::LIST)?;
        let rows = stmt
            .query_map([item_id], |r| {
                let code: String = r.get(9)?;
                let current: bool = r.get(10)?;
                revision_from_row(r, code, current)
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// `report sds`: hazardous items with no SDS (`missing`) or whose
    /// current SDS was revised and last confirmed more than `years` years
    /// before `as_of` (`review`).
    pub fn sds_report(&self, as_of: NaiveDate, years: u32) -> Result<Vec<SdsReportRow>> {
        let cutoff = years_before(as_of, years).to_string();
        let mut stmt = self.sqlite()?.prepare_cached(sql::HAZARDOUS_WITH_SDS)?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let revised: Option<String> = r.get(4)?;
            let confirmed: Option<String> = r.get(5)?;
            let state = match (&revised, &confirmed) {
                (None, _) => "missing",
                (Some(rev), conf) => {
                    let latest = conf.as_ref().filter(|c| *c > rev).unwrap_or(rev);
                    if latest.as_str() < cutoff.as_str() {
                        "review"
                    } else {
                        continue;
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
        }
        Ok(out)
    }

    /// `report coshh [--location LOC]`: the hazardous-substance inventory.
    pub fn coshh_report(&self, location: Option<&str>) -> Result<Vec<CoshhRow>> {
        let loc = location
            .map(|l| crate::catalogue::find_location(self.sqlite()?, l))
            .transpose()?
            .map(|l| l.id);
        let mut stmt = self.sqlite()?.prepare_cached(sql::COSHH)?;
        let rows = stmt
            .query_map([loc], |r| {
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
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}
