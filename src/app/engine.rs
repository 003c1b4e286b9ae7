//! Which storage engine a database is on (SPEC §12), and what only
//! PostgreSQL has: `init` on a server's empty database, and `copy`
//! between the engines. The faces reach the engines only through here.

use std::path::Path;

use crate::error::Result;
pub use crate::store::Db;
use crate::store::OpenOptions;
/// A PostgreSQL database named by its URL (the password never shown).
pub use crate::store::PostgresUrl;
pub use crate::store::copy::Copied;

/// The engine and database a `--db` value names.
pub fn database(arg: &Path) -> Result<Db> {
    Db::from_arg(arg)
}

/// Create the labstock schema on an empty PostgreSQL database (`init`).
pub fn init_postgres(
    url: &PostgresUrl,
    now: &str,
    user: &str,
    zone: crate::clock::Zone,
) -> Result<()> {
    crate::store::PgStore::init(url, now, user, zone)?;
    Ok(())
}

/// Connect to a PostgreSQL database and prove it is labstock's, of a
/// version this binary knows.
pub fn open_postgres(url: &PostgresUrl) -> Result<()> {
    crate::store::PgStore::open(url)?;
    Ok(())
}

/// Copy the whole database to an empty target of either engine, verified
/// (`copy --to`).
pub fn copy(source: &Db, target: &Db, options: OpenOptions) -> Result<Copied> {
    crate::store::copy::copy(source, target, options)
}
