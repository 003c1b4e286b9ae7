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

use crate::error::Result;
use crate::model::Money;
use crate::report::csv_escape;
use crate::store::Store;
use crate::store::sql::export as sql;
use crate::store::{Cell, Sql};

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

    /// What each column is read from (src/store/sql/export.rs).
    fn query(self) -> &'static Sql {
        match self {
            Kind::Locations => &sql::LOCATIONS,
            Kind::Temperatures => &sql::TEMPERATURES,
            Kind::Items => &sql::ITEMS,
            Kind::Orders => &sql::ORDERS,
            Kind::Equipment => &sql::EQUIPMENT,
            Kind::Calibrations => &sql::CALIBRATIONS,
            Kind::Waste => &sql::WASTE,
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
        let mut at: Option<Vec<Option<usize>>> = None;
        let mut n = 0u64;
        self.read(|conn| {
            conn.for_each(kind.query(), crate::args![], |r| {
                let at = match &mut at {
                    Some(at) => &*at,
                    None => {
                        let names = r.column_names();
                        at.insert(
                            columns
                                .iter()
                                .map(|c| names.iter().position(|n| n == c))
                                .collect(),
                        )
                    }
                };
                let mut record = Vec::with_capacity(columns.len());
                for (column, index) in columns.iter().zip(at) {
                    let cell = match index {
                        None => String::new(),
                        Some(i) => match r.cell(*i)? {
                            Cell::Integer(v) => match (kind, *column) {
                                (Kind::Items, "unit_cost") => Money(v).to_string(),
                                (Kind::Waste, "quantity") => milli(v),
                                (Kind::Temperatures, "value" | "min" | "max")
                                | (Kind::Locations, "min_temp" | "max_temp") => {
                                    crate::temperature::show(v)
                                }
                                _ => v.to_string(),
                            },
                            Cell::Real(v) => v.to_string(),
                            Cell::Text(t) => csv_escape(&t).into_owned(),
                            Cell::Null | Cell::Blob(_) => String::new(),
                        },
                    };
                    record.push(cell);
                }
                writer.write_record(&record)?;
                n += 1;
                Ok(())
            })
        })?;
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
