//! Reports and listings: pure functions return rows (`#[derive(Serialize)]`
//! structs, one per line of output); [`render`] writes any of them as CSV,
//! JSON or a table. Keeping the two apart means every report gets every
//! format, and the CSV header is the struct's field order.

pub mod digest;
pub mod expiry;
mod render;
pub mod table;
pub mod temperature_chart;
pub mod usage;

pub use render::{
    OutputFormat, Rendered, csv_escape, csv_unescape, render, render_to, render_to_with,
    select_columns, write_csv, write_csv_header, write_csv_rows,
};
pub use table::TableOptions;
