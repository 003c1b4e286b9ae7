//! `labstock audit`: who did what and when, across every record that
//! names a user — the stock ledger, catalogue additions and edits, lot
//! creations, status changes and openings (a later opening of a lot is
//! listed as `correct_open`), lot acceptances (`pending`, `pass`, `fail`), orders and their ends, the equipment
//! register and its calibration, extension, calibration interval, status
//! and service records, the waste register and the lab's settings.
//!
//! Each record is listed once, under the entity it concerns (`item:CODE`,
//! `equipment:TAG`, `order:REF`, `waste:STREAM`, `container:CODE`, …), so
//! `--entity item:ETH-500` shows the item's whole story: when it was added,
//! every settings change, every movement and every lot event.

use chrono::NaiveDate;
use rusqlite::params;
use serde::Serialize;

use crate::chain::{self, Head};
use crate::db::Store;
use crate::error::{Error, Result};

/// One line of the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditRow {
    /// When it was recorded (UTC).
    pub at: String,
    pub user: String,
    /// The kind of record (`movement`, `calibration`, `item_change`, …).
    pub record: String,
    /// The record's id within its kind (`labstock audit --entity movement:ID`).
    pub id: i64,
    /// What was done: the movement kind, `added`, `changed`, a result, …
    pub action: String,
    /// The entity the record concerns, as `--entity` takes it.
    pub entity: String,
    pub detail: String,
}

pub const AUDIT_HEADERS: &[&str] = &["at", "user", "record", "id", "action", "entity", "detail"];

/// Entity kinds and record kinds `--entity` accepts.
pub const ENTITY_KINDS: &[&str] = &[
    "item",
    "location",
    "order",
    "equipment",
    "waste",
    "container",
    "consignment",
    "movement",
    "item_change",
    "order_event",
    "lot_event",
    "lot_creation",
    "acceptance",
    "calibration",
    "extension",
    "interval_change",
    "status_change",
    "service",
    "seal",
    "import",
    "excursion",
    "temperature_reading",
    "excursion_decision",
    "batch",
    "batch_component",
    "account",
    "account_change",
    "sds",
    "sds_confirmation",
];

/// Which records to list; every field narrows.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub user: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// `KIND` or `KIND:KEY`.
    pub entity: Option<String>,
}

/// Every audited record as (ord, at, user, record, id, action, entity
/// kind, entity key, detail), one SELECT per source; `ord` lists records
/// made in the same second in a sensible order (a thing before what was
/// done to it).
const TRAIL: &str = "\
SELECT 1 AS ord, created_at AS at, created_by AS user, 'item' AS record, id, 'added' AS action, 'item' AS ekind, code AS ekey, name AS detail FROM items
UNION ALL
SELECT 2, c.at, c.user, 'item_change', c.id, 'changed', 'item', i.code,
       c.field || ': ' || coalesce(c.old_value, '(none)') || ' -> ' || coalesce(c.new_value, '(none)')
  FROM item_changes c JOIN items i ON i.id = c.item_id
UNION ALL
SELECT 3, created_at, created_by, 'location', id, 'added', 'location', code, coalesce(name, '') FROM locations
UNION ALL
SELECT 3.5, c.at, c.user, 'lot_creation', c.id, 'created', 'item', i.code,
       CASE WHEN c.lot <> '' THEN 'lot ' || c.lot ELSE '(no lot)' END || coalesce('; expiry ' || c.expiry, '')
  FROM lot_creations c JOIN items i ON i.id = c.item_id
UNION ALL
SELECT 3.7, a.at, a.user, 'acceptance', a.id, a.result, 'item', i.code,
       'lot ' || l.lot || CASE a.result WHEN 'pending' THEN ' received: awaiting acceptance'
                               WHEN 'pass' THEN ' accepted' ELSE ' failed acceptance: quarantined' END
       || coalesce('; reference ' || a.reference, '') || coalesce('; ' || a.notes, '')
  FROM lot_acceptances a JOIN lots l ON l.id = a.lot_id JOIN items i ON i.id = l.item_id
UNION ALL
SELECT 4, e.at, e.user, 'lot_event', e.id,
       CASE WHEN p.on_date IS NOT NULL THEN 'correct_open' ELSE e.action END, 'item', i.code,
       'lot ' || l.lot || coalesce(' on ' || e.on_date, '') || coalesce(' (recorded before as ' || p.on_date || ')', '')
       || coalesce('; ' || e.reason, '')
  FROM lot_events e JOIN lots l ON l.id = e.lot_id JOIN items i ON i.id = l.item_id
  LEFT JOIN lot_events p ON e.action = 'open' AND p.id = (SELECT max(q.id) FROM lot_events q
       WHERE q.lot_id = e.lot_id AND q.action = 'open' AND q.id < e.id)
UNION ALL
SELECT 5, m.recorded_at, m.user, 'movement', m.id, m.kind, 'item', i.code,
       CASE WHEN m.kind = 'transfer' THEN abs(m.quantity) || ' from ' || loc.code || ' to ' || tl.code
            WHEN m.kind = 'count' THEN 'counted ' || m.counted || ' (' || printf('%+d', m.quantity) || ') at ' || loc.code
            WHEN m.quantity < 0 THEN abs(m.quantity) || ' out of ' || loc.code
            ELSE m.quantity || ' into ' || loc.code END
       || CASE WHEN l.lot <> '' THEN '; lot ' || l.lot ELSE '' END
       || coalesce('; reverses movement ' || m.reverses, '')
       || coalesce('; ' || m.reason, '') || coalesce('; reference ' || m.reference, '')
       || coalesce('; ' || m.note, '')
       || CASE WHEN m.at <> m.recorded_at THEN '; dated ' || m.at ELSE '' END
  FROM movements m JOIN items i ON i.id = m.item_id JOIN lots l ON l.id = m.lot_id
  JOIN locations loc ON loc.id = m.location_id LEFT JOIN locations tl ON tl.id = m.to_location_id
UNION ALL
SELECT 6, o.created_at, o.created_by, 'order', o.id, 'added', 'order', o.reference,
       i.code || ' x ' || o.quantity || coalesce(' from ' || o.supplier, '') || '; ordered ' || o.ordered_on
  FROM orders o JOIN items i ON i.id = o.item_id
UNION ALL
SELECT 7, e.at, e.user, 'order_event', e.id, e.status, 'order', o.reference,
       i.code || '; ' || o.received || ' of ' || o.quantity || ' received; from ' || e.on_date
       || coalesce('; ' || e.reason, '')
  FROM order_events e JOIN orders o ON o.id = e.order_id JOIN items i ON i.id = o.item_id
UNION ALL
SELECT 8, created_at, created_by, 'equipment', id, 'registered', 'equipment', asset_tag, coalesce(description, '') FROM equipment
UNION ALL
SELECT 8.5, c.recorded_at, c.recorded_by, 'interval_change', c.id,
       CASE c.origin WHEN 'edit' THEN 'changed' ELSE 'set' END, 'equipment', e.asset_tag,
       'calibration interval ' || coalesce(c.old_interval, '(none)') || ' -> ' || coalesce(c.new_interval, '(none)')
       || CASE WHEN c.effective_on IS NULL THEN ' from the start' ELSE ' from ' || c.effective_on END
       || CASE c.origin WHEN 'migration' THEN ' (the interval on the register at the upgrade that began recording intervals)' ELSE '' END
       || coalesce('; ' || c.reason, '')
  FROM calibration_interval_changes c JOIN equipment e ON e.id = c.equipment_id
UNION ALL
SELECT 9, c.recorded_at, c.recorded_by, 'calibration', c.id, c.result, 'equipment', e.asset_tag,
       'performed ' || c.performed_on || coalesce(' by ' || c.performed_by, '')
       || coalesce('; certificate ' || c.certificate, '') || coalesce('; next due ' || c.next_due, '')
       || coalesce('; ' || c.notes, '')
  FROM calibrations c JOIN equipment e ON e.id = c.equipment_id
UNION ALL
SELECT 10, x.recorded_at, x.recorded_by, 'extension', x.id, 'extended', 'equipment', e.asset_tag,
       'due ' || x.previous_due || ' extended to ' || x.extended_to || '; ' || x.reason || '; approved by ' || x.approved_by
  FROM calibration_extensions x JOIN equipment e ON e.id = x.equipment_id
UNION ALL
SELECT 11, s.recorded_at, s.recorded_by, 'status_change', s.id, s.status, 'equipment', e.asset_tag,
       'from ' || s.on_date || ': ' || s.reason
  FROM equipment_status_changes s JOIN equipment e ON e.id = s.equipment_id
UNION ALL
SELECT 12, s.recorded_at, s.recorded_by, 'service', s.id, s.kind, 'equipment', e.asset_tag,
       'performed ' || s.performed_on || ' by ' || s.performed_by || coalesce('; ' || s.notes, '')
  FROM service_records s JOIN equipment e ON e.id = s.equipment_id
UNION ALL
SELECT 13, w.recorded_at, w.recorded_by, 'waste', w.id, w.origin, 'waste', w.stream,
       w.date || ': ' || printf('%g', w.quantity_milli / 1000.0) || ' ' || w.unit
       || coalesce('; container ' || w.container, '') || coalesce('; note ' || w.consignment_note, '')
       || coalesce('; corrects record ' || w.corrects, '') || coalesce('; ' || w.reason, '')
       || coalesce('; ' || w.notes, '')
  FROM waste_records w
UNION ALL
SELECT 14, c.recorded_at, c.opened_by, 'container', c.id, 'opened', 'container', c.code,
       c.stream || ' at ' || loc.code || ' on ' || c.opened_on || coalesce('; ' || c.type, '')
  FROM waste_containers c JOIN locations loc ON loc.id = c.location_id
UNION ALL
SELECT 15, s.recorded_at, s.sealed_by, 'seal', s.id, 'sealed', 'container', c.code,
       'on ' || s.sealed_on || coalesce('; ' || printf('%g', s.weight_milli / 1000.0) || ' kg', '')
  FROM waste_container_seals s JOIN waste_containers c ON c.id = s.container_id
UNION ALL
SELECT 16, recorded_at, recorded_by, 'consignment', id, 'collected', 'consignment', note,
       'by ' || carrier || ' on ' || collected_on || coalesce(' to ' || destination, '')
  FROM waste_consignments
UNION ALL
SELECT 17, at, user, 'setting', id, 'set', 'setting', key, key || ' = ' || value FROM settings
UNION ALL
SELECT 18, at, user, 'import', id, CASE WHEN again THEN 'imported again' ELSE 'imported' END, 'import', kind,
       rows || ' rows, ' || bytes || ' bytes; sha256 ' || lower(hex(sha256))
  FROM imports
UNION ALL
SELECT 19, s.at, s.user, 'stocktake', s.id, 'started', 'stocktake', CAST(s.id AS TEXT),
       'at ' || loc.code || coalesce('; category ' || s.category, '') || CASE WHEN s.blind THEN '; blind' ELSE '' END
       || '; ' || (SELECT count(*) FROM stocktake_lines l WHERE l.stocktake_id = s.id) || ' lines on the sheet'
  FROM stocktakes s JOIN locations loc ON loc.id = s.location_id
UNION ALL
SELECT 20, c.at, c.user, 'stocktake_count', c.id, 'counted', 'stocktake', CAST(c.stocktake_id AS TEXT),
       i.code || CASE WHEN l.lot <> '' THEN ' lot ' || l.lot ELSE '' END || ': counted ' || c.counted || ', book ' || c.book
  FROM stocktake_counts c JOIN items i ON i.id = c.item_id JOIN lots l ON l.id = c.lot_id
UNION ALL
SELECT 21, e.at, e.user, 'stocktake_event', e.id, e.action, 'stocktake', CAST(e.stocktake_id AS TEXT),
       CASE WHEN e.zero_uncounted THEN 'uncounted lines zeroed' ELSE '' END
  FROM stocktake_events e
UNION ALL
SELECT 22, c.at, c.user, 'location_change', c.id, 'changed', 'location', loc.code,
       c.field || ': ' || coalesce(c.old_value, '(none)') || ' -> ' || coalesce(c.new_value, '(none)')
  FROM location_changes c JOIN locations loc ON loc.id = c.location_id
UNION ALL
SELECT 23, r.recorded_at, r.user, 'temperature_reading', r.id, 'recorded', 'location', loc.code,
       r.at || ': ' || printf('%.2f', r.value / 100.0) || ' °C'
       || coalesce('; min ' || printf('%.2f', r.min / 100.0), '') || coalesce('; max ' || printf('%.2f', r.max / 100.0), '')
       || coalesce('; ' || r.note, '')
  FROM temperature_readings r JOIN locations loc ON loc.id = r.location_id
UNION ALL
SELECT 24, d.at, d.user, 'excursion_decision', d.id, d.decision, 'excursion', CAST(d.excursion_id AS TEXT),
       d.reason || CASE WHEN d.lots <> '' THEN '; lots ' || d.lots ELSE '' END
  FROM excursion_decisions d
UNION ALL
SELECT 5.5, b.at, b.user, 'batch', b.id, 'prepared', 'item', i.code,
       'batch ' || l.lot || ': ' || b.quantity || ' made at ' || loc.code || ' on ' || b.prepared_on
       || '; expiry ' || b.expiry || '; receipt movement ' || b.movement_id || coalesce('; ' || b.note, '')
  FROM batches b JOIN items i ON i.id = b.item_id JOIN lots l ON l.id = b.lot_id
  JOIN locations loc ON loc.id = b.location_id
UNION ALL
SELECT 5.6, b.at, b.user, 'batch_component', c.id, CASE WHEN c.quantity IS NULL THEN 'traced' ELSE 'issued' END,
       'item', ci.code,
       CASE WHEN cl.lot <> '' THEN 'lot ' || cl.lot ELSE '(no lot)' END
       || CASE WHEN c.quantity IS NULL THEN ' (traced only)' ELSE ' x ' || c.quantity || ' (movement ' || c.movement_id || ')' END
       || ' into batch ' || bl.lot || ' of ' || bi.code || coalesce('; expires ' || c.expires, '')
  FROM batch_components c JOIN batches b ON b.id = c.batch_id JOIN items ci ON ci.id = c.item_id
  JOIN lots cl ON cl.id = c.lot_id JOIN items bi ON bi.id = b.item_id JOIN lots bl ON bl.id = b.lot_id
UNION ALL
SELECT 25, c.at, c.user, 'account_change', c.id, c.action, 'account', a.name, c.detail
  FROM account_changes c JOIN accounts a ON a.id = c.account_id
UNION ALL
SELECT 26, r.at, r.user, 'sds', r.id, 'added', 'item', i.code,
       'safety data sheet revised ' || r.revised || coalesce(' from ' || r.supplier, '')
       || coalesce('; file ' || r.filename, '') || '; ' || r.bytes || ' bytes; sha256 ' || lower(hex(r.sha256))
  FROM sds_revisions r JOIN items i ON i.id = r.item_id
UNION ALL
SELECT 27, c.at, c.user, 'sds_confirmation', c.id, 'confirmed', 'item', i.code,
       'safety data sheet revised ' || r.revised || ' confirmed current on ' || c.confirmed_on
       || coalesce('; ' || c.note, '')
  FROM sds_confirmations c JOIN sds_revisions r ON r.id = c.revision_id JOIN items i ON i.id = c.item_id";

impl Store {
    /// The audit trail, oldest first, narrowed by `filter`.
    pub fn audit(&self, filter: &AuditFilter) -> Result<Vec<AuditRow>> {
        let mut rows = Vec::new();
        self.audit_each(filter, |row| {
            rows.push(row);
            Ok(())
        })?;
        Ok(rows)
    }

    /// The audit trail one row at a time, oldest first: a whole trail of
    /// millions of movements is written out without being held.
    pub fn audit_each(
        &self,
        filter: &AuditFilter,
        mut each: impl FnMut(AuditRow) -> Result<()>,
    ) -> Result<()> {
        let (kind, key) = match filter.entity.as_deref().map(str::trim) {
            None | Some("") => (None, None),
            Some(e) => {
                let (kind, key) = match e.split_once(':') {
                    Some((k, v)) => (k.trim(), Some(v.trim().to_owned())),
                    None => (e, None),
                };
                let kind = kind.to_ascii_lowercase();
                if !ENTITY_KINDS.contains(&kind.as_str()) {
                    return Err(Error::invalid(
                        "--entity",
                        e,
                        format!(
                            "KIND or KIND:KEY with KIND one of {}",
                            ENTITY_KINDS.join(", ")
                        ),
                    ));
                }
                (Some(kind), key.filter(|k| !k.is_empty()))
            }
        };
        if let (Some(from), Some(to)) = (filter.from, filter.to)
            && to < from
        {
            return Err(Error::invalid(
                "--to",
                to.to_string(),
                format!("a date on or after --from {from}"),
            ));
        }
        let from = filter.from.map(|d| d.to_string());
        let before = match filter.to {
            Some(d) => Some(
                d.succ_opt()
                    .ok_or_else(|| Error::invalid("--to", d.to_string(), "a date before 9999"))?
                    .to_string(),
            ),
            None => None,
        };
        let sql = format!(
            "SELECT at, user, record, id, action, ekind || ':' || ekey, detail FROM ({TRAIL}) \
             WHERE (?1 IS NULL OR user = ?1 COLLATE NOCASE) \
               AND (?2 IS NULL OR at >= ?2) AND (?3 IS NULL OR at < ?3) \
               AND (?4 IS NULL OR ((ekind = ?4 AND (?5 IS NULL OR ekey = ?5 COLLATE NOCASE)) \
                                 OR (record = ?4 AND (?5 IS NULL OR CAST(id AS TEXT) = ?5)))) \
             ORDER BY at, ord, id"
        );
        let mut stmt = self.sqlite()?.prepare(&sql)?;
        let mut rows = stmt.query(params![
            filter.user.as_deref().map(str::trim),
            from,
            before,
            kind,
            key
        ])?;
        while let Some(r) = rows.next()? {
            each(AuditRow {
                at: r.get(0)?,
                user: r.get(1)?,
                record: r.get(2)?,
                id: r.get(3)?,
                action: r.get(4)?,
                entity: r.get(5)?,
                detail: r.get::<_, Option<String>>(6)?.unwrap_or_default(),
            })?;
        }
        Ok(())
    }

    /// The last row of every hash chain, without verifying it: what an
    /// auditor writes down so that a later rewrite of a whole chain shows.
    /// (`check` verifies the chains.)
    pub fn chain_heads(&self) -> Result<Vec<Head>> {
        chain::heads(self.sqlite()?)
    }

    /// [`chain::change_marks`]: equal marks, the same data.
    pub fn change_marks(&self) -> Result<Vec<i64>> {
        self.read(chain::change_marks)
    }
}
