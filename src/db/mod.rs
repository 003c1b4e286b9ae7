//! The old home of [`Store`], kept only so the paths `crate::db::…` still
//! resolve while they are renamed to `crate::store::…`: everything here
//! now lives in `crate::store` (the front in `store/front.rs`, SQLite's
//! side in `store/sqlite/`).

pub use crate::store::{
    APPLICATION_ID, DEFAULT_BUSY_TIMEOUT, Durability, MAX_BUSY_TIMEOUT, OpenOptions, SCHEMA,
    SCHEMA_VERSION, Store, parse_busy_timeout, seed,
};
pub(crate) use crate::store::{closest, sidecar};
