//! The SQL of sites (src/sites.rs): a site is the `site` column of its
//! locations (NOCASE on SQLite, `labstock_nocase` on PostgreSQL).

use crate::store::Sql;

/// The locations of one site (index `locations_site`, NOCASE).
pub const LOCATIONS_OF_SITE: Sql =
    Sql::both("SELECT id, site, code FROM locations WHERE site = ?1");
/// Every site named by a location, each once (index `locations_site`), in
/// SQLite's NOCASE order: ASCII letters folded (PostgreSQL's `lower` under
/// the "C" collation folds ASCII only, as NOCASE does).
pub const SITES: Sql = Sql::each(
    "SELECT DISTINCT site FROM locations ORDER BY site",
    "SELECT site FROM (SELECT DISTINCT site FROM locations) s \
     ORDER BY lower(site COLLATE \"C\") COLLATE \"C\", site COLLATE \"C\"",
);
/// A site as a location already spells it.
pub const SITE_SPELLED: Sql = Sql::both("SELECT site FROM locations WHERE site = ?1 LIMIT 1");
/// The site of one location.
pub const SITE_OF: Sql = Sql::both("SELECT site FROM locations WHERE id = ?1");
/// Move a location to a site.
pub const SET_SITE: Sql = Sql::both("UPDATE locations SET site = ?2 WHERE id = ?1");
/// Every location with its site, by code (byte order).
pub const LOCATIONS_WITH_SITES: Sql = Sql::each(
    "SELECT code, name, site FROM locations ORDER BY code COLLATE BINARY",
    "SELECT code, name, site FROM locations ORDER BY code COLLATE \"C\"",
);
