//! `export KIND` (SPEC §7, §9): every import kind written back in the
//! format `import KIND` reads, so a whole lab moves out and back. Text cells
//! are escaped against formula injection exactly as `export movements`
//! does (the import undoes it). Each writer walks its table once, in the
//! order an import needs (calibrations in the order they were recorded, so
//! "the one recorded later counts" survives the trip).
//!
//! What the formats cannot carry is not exported: an excursion's decision
//! (SPEC §15), a lot's quarantine or
//! recall, a lot's acceptance decision (SPEC §13), an order line's cancellation, equipment status changes made by
//! hand, extensions, service records, containers and consignments, item
//! edit and interval histories. Those stay in the database's own evidence
//! (`audit`, `backup`).

use std::io::Write;

use rusqlite::types::ValueRef;

use crate::db::Store;
use crate::error::Result;
use crate::model::Money;
use crate::report::csv_escape;

/// One kind to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Locations,
    Items,
    Orders,
    Equipment,
    Calibrations,
    Waste,
    Temperatures,
}

impl Kind {
    /// The columns written, in order (the import format's).
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Kind::Locations => crate::import::LOCATIONS.columns,
            Kind::Items => crate::import::ITEMS.columns,
            Kind::Orders => crate::orders::ORDERS.columns,
            Kind::Equipment => crate::calibration::EQUIPMENT.columns,
            Kind::Calibrations => crate::calibration::CALIBRATIONS.columns,
            Kind::Waste => crate::waste::WASTE.columns,
            Kind::Temperatures => crate::temperature::TEMPERATURES.columns,
        }
    }

    /// What each column is read from: a SELECT whose result columns are
    /// named as the format's, in any order (a column it lacks is written
    /// empty).
    fn query(self) -> &'static str {
        match self {
            Kind::Locations => {
                "SELECT code, name, min_temp, max_temp, \
                 CASE WHEN min_temp IS NULL AND tolerance_minutes = 0 THEN NULL ELSE tolerance_minutes END \
                 AS tolerance_minutes, site FROM locations ORDER BY id"
            }
            // In the order recorded, each with who recorded it.
            Kind::Temperatures => {
                "SELECT loc.code AS location, r.at AS timestamp, r.value, r.min, r.max, r.user AS recorded_by, \
                 r.note FROM temperature_readings r JOIN locations loc ON loc.id = r.location_id ORDER BY r.id"
            }
            Kind::Items => {
                "SELECT code, name, category, unit, pack_size, reorder_level, max_level, reorder_qty, \
                 lead_time_days, supplier, supplier_ref, unit_cost_pence AS unit_cost, storage, hazard, \
                 CASE WHEN lot_tracked THEN 'true' ELSE 'false' END AS lot_tracked, gtin, waste_stream, \
                 in_use_days, CASE WHEN acceptance_required THEN 'true' ELSE 'false' END AS acceptance_required, \
                 shelf_life_days, ghs, signal_word, h_statements, p_statements FROM items ORDER BY id"
            }
            Kind::Orders => {
                "SELECT o.reference, o.supplier, i.code AS item, o.quantity, o.ordered_on, o.expected_on, \
                 loc.code AS location FROM orders o JOIN items i ON i.id = o.item_id \
                 JOIN locations loc ON loc.id = o.location_id ORDER BY o.id"
            }
            Kind::Equipment => {
                "SELECT asset_tag, description, manufacturer, model, serial, location, category, \
                 calibration_interval, registered_status AS status, in_service_date FROM equipment ORDER BY id"
            }
            Kind::Calibrations => {
                "SELECT e.asset_tag, c.performed_on, c.result, c.performed_by, c.certificate, c.next_due, c.notes \
                 FROM calibrations c JOIN equipment e ON e.id = c.equipment_id ORDER BY c.id"
            }
            // The register as it stands: every record not replaced by a
            // correction, withdrawn ones (quantity 0) left out.
            Kind::Waste => {
                "SELECT w.date, w.stream, w.quantity_milli AS quantity, w.unit, w.container, w.consignment_note, \
                 w.carrier, w.recorded_by, w.notes, w.physical_form, w.hp_codes FROM waste_records w \
                 WHERE w.quantity_milli > 0 AND NOT EXISTS (SELECT 1 FROM waste_records c WHERE c.corrects = w.id) \
                 ORDER BY w.date, w.id"
            }
        }
    }
}

/// Thousandths as the import reads them back: `40.5`, `5`, `0.125`.
fn milli(n: i64) -> String {
    let whole = n / 1000;
    let frac = (n % 1000).abs();
    if frac == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{frac:03}")
            .trim_end_matches('0')
            .to_owned()
    }
}

impl Store {
    /// Write one kind in its import format; returns the rows written.
    pub fn export(&self, kind: Kind, out: impl Write) -> Result<u64> {
        let mut writer = csv::Writer::from_writer(out);
        let columns = kind.columns();
        writer.write_record(columns)?;
        let mut stmt = self.sqlite()?.prepare(kind.query())?;
        let names: Vec<String> = stmt.column_names().into_iter().map(str::to_owned).collect();
        let at: Vec<Option<usize>> = columns
            .iter()
            .map(|c| names.iter().position(|n| n == c))
            .collect();
        let mut rows = stmt.query([])?;
        let mut n = 0u64;
        while let Some(r) = rows.next()? {
            let mut record = Vec::with_capacity(columns.len());
            for (column, index) in columns.iter().zip(&at) {
                let cell = match index {
                    None => String::new(),
                    Some(i) => match r.get_ref(*i)? {
                        ValueRef::Integer(v) => match (kind, *column) {
                            (Kind::Items, "unit_cost") => Money(v).to_string(),
                            (Kind::Waste, "quantity") => milli(v),
                            (Kind::Temperatures, "value" | "min" | "max")
                            | (Kind::Locations, "min_temp" | "max_temp") => {
                                crate::temperature::show(v)
                            }
                            _ => v.to_string(),
                        },
                        ValueRef::Real(v) => v.to_string(),
                        ValueRef::Text(t) => csv_escape(&String::from_utf8_lossy(t)).into_owned(),
                        ValueRef::Null | ValueRef::Blob(_) => String::new(),
                    },
                };
                record.push(cell);
            }
            writer.write_record(&record)?;
            n += 1;
        }
        writer.flush().map_err(|source| crate::error::Error::Io {
            path: "<output>".into(),
            source,
        })?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::milli;

    #[test]
    fn thousandths_print_as_the_import_reads_them() {
        assert_eq!(milli(40_500), "40.5");
        assert_eq!(milli(5_000), "5");
        assert_eq!(milli(125), "0.125");
        assert_eq!(milli(1_010), "1.01");
    }
}
