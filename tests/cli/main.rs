//! The one integration-test binary: drives the real `labstock` executable
//! (and, for rules beneath the CLI, the library) through each area.

mod accounts;
mod backup;
mod browser;
mod calibration;
mod common;
mod concurrency;
mod crash;
mod dbfiles;
mod export;
mod find;
mod gs1;
mod hostile;
mod import;
mod import_props;
mod layering;
mod ledger;
mod locations;
mod orders;
mod plans;
mod props;
mod regress_acceptance;
mod regress_calibration_interval;
mod regress_ledger;
mod regress_lots;
mod regress_messages;
mod regress_orders;
mod reorder;
mod serve;
mod serve_pages;
mod stocktake;
mod tamper;
mod terminal;
mod waste;
