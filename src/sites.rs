//! Sites (SPEC §12): a network's hospitals, each a code grouping its
//! locations. Every location belongs to one site, `MAIN` unless given
//! (`location add CODE --site SITE`); a change of site is a chained
//! location change (`location_changes`, field `site`), as a rename is.
//! `stock` and the reorder, expiry and usage reports take `--site SITE`
//! and count only the stock at, and orders to, that site's locations.
//!
//! A site has no table of its own: it exists while a location names it.
//! Site codes match case-insensitively and are stored as first given, so
//! `--site hub` joins the site `HUB` a location already names.

use std::collections::HashSet;

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::catalogue::{Location, find_location};
use crate::chain;
use crate::db::Store;
use crate::error::{Error, Result};
use crate::values::LocationId;

/// The site of a location nobody placed: a single lab's one site.
pub const DEFAULT_SITE: &str = "MAIN";

/// The SQL of the site lookups, for the plan tests.
pub mod sql {
    /// The locations of one site (index `locations_site`, NOCASE).
    pub const LOCATIONS_OF_SITE: &str = "SELECT id, site, code FROM locations WHERE site = ?1";
    /// Every site named by a location, each once (index `locations_site`).
    pub const SITES: &str = "SELECT DISTINCT site FROM locations ORDER BY site";
}

/// A site's locations, as a filter for `stock` and the reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// The code as stored (first given).
    pub code: String,
    pub locations: HashSet<LocationId>,
    /// The codes of its locations, as stored.
    pub location_codes: HashSet<String>,
}

impl Site {
    /// Whether `location` is one of this site's.
    pub fn holds(&self, location: LocationId) -> bool {
        self.locations.contains(&location)
    }

    /// Whether the location coded `code` (as stored) is one of this site's.
    pub fn holds_code(&self, code: &str) -> bool {
        self.location_codes.contains(code)
    }
}

/// A location with its site (`location list`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LocationAtSite {
    pub code: String,
    pub name: Option<String>,
    pub site: String,
}

/// A site code as typed: trimmed, not empty, one line of printable text.
pub fn parse_site(given: &str) -> Result<String> {
    let code = given.trim();
    if code.is_empty() || code.chars().any(char::is_control) || code.chars().count() > 64 {
        return Err(Error::invalid(
            "site",
            given,
            "a site code naming a hospital of the network, at most 64 characters on one line, \
             e.g. HUB or SPOKE-N",
        ));
    }
    Ok(code.to_owned())
}

/// The site `given` names, spelled as a location already stores it
/// (case-insensitive), or as given for a new site.
pub(crate) fn spelled(conn: &Connection, given: &str) -> Result<String> {
    let code = parse_site(given)?;
    let stored: Option<String> = conn
        .prepare_cached("SELECT site FROM locations WHERE site = ?1 LIMIT 1")?
        .query_row([&code], |r| r.get(0))
        .optional()?;
    Ok(stored.unwrap_or(code))
}

/// Every site a location names, in code order.
pub(crate) fn known_sites(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(sql::SITES)?;
    let sites = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(sites)
}

/// The site `given` names with its locations; an unknown site is refused
/// naming the known ones (exit 65).
pub(crate) fn find_site(conn: &Connection, given: &str) -> Result<Site> {
    let code = parse_site(given)?;
    let mut stmt = conn.prepare_cached(sql::LOCATIONS_OF_SITE)?;
    let mut stored = None;
    let mut locations = HashSet::new();
    let mut location_codes = HashSet::new();
    let mut rows = stmt.query([&code])?;
    while let Some(r) = rows.next()? {
        locations.insert(r.get::<_, LocationId>(0)?);
        location_codes.insert(r.get::<_, String>(2)?);
        if stored.is_none() {
            stored = Some(r.get::<_, String>(1)?);
        }
    }
    match stored {
        Some(code) => Ok(Site {
            code,
            locations,
            location_codes,
        }),
        None => {
            // Sites are few: name them all.
            Err(Error::NotFound {
                entity: "site",
                key: code,
                within: None,
                suggestions: known_sites(conn)?,
            })
        }
    }
}

/// The site of one location.
pub(crate) fn site_of(conn: &Connection, location: LocationId) -> Result<String> {
    Ok(conn
        .prepare_cached("SELECT site FROM locations WHERE id = ?1")?
        .query_row([location], |r| r.get(0))?)
}

/// Move a location to `site` in the caller's transaction, the change a
/// chained record; whether the site changed.
pub(crate) fn set_site_in(
    conn: &Connection,
    loc: &Location,
    site: &str,
    now: &str,
    user: &str,
) -> Result<bool> {
    let new = spelled(conn, site)?;
    let old = site_of(conn, loc.id)?;
    if old == new {
        return Ok(false);
    }
    conn.execute(
        "UPDATE locations SET site = ?2 WHERE id = ?1",
        params![loc.id, new],
    )?;
    chain::append(
        conn,
        &chain::LOCATION_CHANGES,
        params![loc.id, "site", old, new, now, user],
    )?;
    Ok(true)
}

impl Store {
    /// The site `given` names, with its locations.
    pub fn site(&self, given: &str) -> Result<Site> {
        find_site(self.sqlite()?, given)
    }

    /// Every site a location names.
    pub fn sites(&self) -> Result<Vec<String>> {
        known_sites(self.sqlite()?)
    }

    /// Every location with its site, by code.
    pub fn locations_with_sites(&self) -> Result<Vec<LocationAtSite>> {
        let mut stmt = self
            .sqlite()?
            .prepare("SELECT code, name, site FROM locations ORDER BY code COLLATE BINARY")?;
        let rows = stmt
            .query_map([], |r| {
                Ok(LocationAtSite {
                    code: r.get(0)?,
                    name: r.get(1)?,
                    site: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// `location edit CODE --site SITE` (with `--name`, in the same
    /// transaction): whether anything changed.
    pub fn edit_location_site(
        &mut self,
        code: &str,
        name: Option<&str>,
        site: &str,
        now: &str,
        user: &str,
    ) -> Result<bool> {
        let tx = self.write()?;
        let loc = find_location(&tx, code)?;
        let renamed = match name {
            Some(_) => crate::catalogue::rename_location_in(&tx, &loc, name, now, user)?,
            None => false,
        };
        let moved = set_site_in(&tx, &loc, site, now, user)?;
        tx.commit()?;
        Ok(renamed || moved)
    }
}
