//! labstock: a laboratory stock and consumables tracker.
//!
//! The layers, crossed in one direction (faces → `app` → rules → `model`,
//! with storage behind [`Store`]):
//!
//! - `model`: plain domain types with invariants and no I/O (`LotStatus`,
//!   the one rule of [`model::Usability`], `Money`, dates).
//! - the rules per area: the append-only stock ledger with maintained
//!   balances (`ledger`), the catalogue (`catalogue`), lot status (`lots`),
//!   orders, reorder, calibration, waste, GS1, imports (`import`), the
//!   consistency proof (`check`) and the reports (`report`).
//! - `store`: the storage seam. [`Store`] (`store/front.rs`) is an open
//!   database on either engine and runs each piece of work in one
//!   transaction through a `store::Conn`; the statements are in
//!   `store/sql/`, each engine's own code in `store/sqlite/` and
//!   `store/postgres/`. Outside `store` no code names either driver or
//!   holds SQL, and no engine connection is reachable.
//! - `app`: the application services, one function per action or query,
//!   typed request in, typed outcome or rows out, each in its own
//!   transaction; warnings come back as data. The only API a face calls.
//! - `cli`: a face; clap structures that only parse, call `app::` and
//!   render. It is the only code that prints or chooses an exit code
//!   ([`Error::exit_code`]); a server face maps the same errors with
//!   [`Error::http_status`].

pub mod acceptance;
pub mod accounts;
pub mod app;
pub mod audit;
pub mod backup;
pub mod calibration;
pub mod catalogue;
pub mod chain;
pub mod check;
pub mod cli;
pub mod clock;
pub mod demo;
pub mod error;
pub mod export;
pub mod find;
pub mod gs1;
pub mod hazard;
pub mod history;
pub mod import;
pub mod label;
pub mod ledger;
pub mod lots;
pub mod mail;
pub mod model;
pub mod orders;
pub mod pictogram;
pub mod prepare;
pub mod reorder;
pub mod report;
pub mod sds;
pub mod settings;
pub mod sites;
pub mod stocktake;
pub mod store;
pub mod temperature;
pub mod values;
pub mod waste;
pub mod web;

pub use error::{Error, Result};
pub use store::Store;
