//! labstock: a laboratory stock and consumables tracker.
//!
//! The library owns the rules: an append-only stock ledger with maintained
//! balances (`ledger`), the catalogue of items and locations (`catalogue`),
//! lot status (`lots`), imports and exports (`import`), the consistency
//! proof (`check`) and the reports (`report`). The `cli` module is a thin
//! layer that parses arguments, calls one `Store` method and renders the
//! result; it is the only code that prints.

pub mod acceptance;
pub mod audit;
pub mod backup;
pub mod calibration;
pub mod catalogue;
pub mod chain;
pub mod check;
pub mod cli;
pub mod clock;
pub mod db;
pub mod demo;
pub mod error;
pub mod gs1;
pub mod history;
pub mod import;
pub mod ledger;
pub mod lots;
pub mod model;
pub mod orders;
pub mod reorder;
pub mod report;
pub mod settings;
pub mod waste;

pub use db::Store;
pub use error::{Error, Result};
