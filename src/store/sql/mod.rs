//! Every statement of the areas ported to the storage seam (issue 15),
//! one file per area, in the SQL both engines share; where the dialects
//! differ a statement names each engine's text side by side
//! ([`Sql::each`](crate::store::Sql::each)). Named so that the code and the
//! query-plan tests (tests/cli/plans.rs, tests/cli/postgres.rs) use the
//! same text.

pub mod acceptance;
pub mod accounts;
pub mod audit;
pub mod calibration;
pub mod catalogue;
pub mod chain;
pub mod check;
pub mod export;
pub mod find;
pub mod history;
pub mod imports;
pub mod label;
pub mod ledger;
pub mod lots;
pub mod marks;
pub mod orders;
pub mod prepare;
pub mod reorder;
pub mod reports;
pub mod sds;
pub mod settings;
pub mod sites;
pub mod stocktake;
pub mod temperature;
pub mod waste;
