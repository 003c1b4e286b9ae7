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

use serde::Serialize;

use crate::args;
use crate::catalogue::{Location, find_location};
use crate::chain;
use crate::error::{Error, Result};
use crate::store::Conn;
use crate::store::Store;
use crate::values::LocationId;

/// The site of a location nobody placed: a single lab's one site.
pub const DEFAULT_SITE: &str = "MAIN";

/// The SQL of the site lookups (also for the plan tests).
pub use crate::store::sql::sites as sql;

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
pub(crate) fn spelled<'c>(conn: impl Into<Conn<'c>>, given: &str) -> Result<String> {
    let code = parse_site(given)?;
    let stored: Option<String> = conn
        .into()
        .query_opt(&sql::SITE_SPELLED, args![code], |r| r.get(0))?;
    Ok(stored.unwrap_or(code))
}

/// Every site a location names, in code order.
pub(crate) fn known_sites<'c>(conn: impl Into<Conn<'c>>) -> Result<Vec<String>> {
    conn.into().query_all(&sql::SITES, args![], |r| r.get(0))
}

/// The site `given` names with its locations; an unknown site is refused
/// naming the known ones (exit 65).
pub(crate) fn find_site<'c>(conn: impl Into<Conn<'c>>, given: &str) -> Result<Site> {
    let conn = conn.into();
    let code = parse_site(given)?;
    let mut stored = None;
    let mut locations = HashSet::new();
    let mut location_codes = HashSet::new();
    conn.for_each(&sql::LOCATIONS_OF_SITE, args![code], |r| {
        locations.insert(r.get::<LocationId>(0)?);
        location_codes.insert(r.get::<String>(2)?);
        if stored.is_none() {
            stored = Some(r.get::<String>(1)?);
        }
        Ok(())
    })?;
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
pub(crate) fn site_of<'c>(conn: impl Into<Conn<'c>>, location: LocationId) -> Result<String> {
    conn.into()
        .query_one(&sql::SITE_OF, args![location], |r| r.get(0))
}

/// Move a location to `site` in the caller's transaction, the change a
/// chained record; whether the site changed.
pub(crate) fn set_site_in<'c>(
    conn: impl Into<Conn<'c>>,
    loc: &Location,
    site: &str,
    now: &str,
    user: &str,
) -> Result<bool> {
    let conn = conn.into();
    let new = spelled(conn, site)?;
    let old = site_of(conn, loc.id)?;
    if old == new {
        return Ok(false);
    }
    conn.execute(&sql::SET_SITE, args![loc.id, new])?;
    chain::append_cells(
        conn,
        &chain::LOCATION_CHANGES,
        args![loc.id, "site", old, new, now, user],
    )?;
    Ok(true)
}

impl Store {
    /// The site `given` names, with its locations.
    pub fn site(&self, given: &str) -> Result<Site> {
        self.read(|conn| find_site(conn, given))
    }

    /// Every site a location names.
    pub fn sites(&self) -> Result<Vec<String>> {
        self.read(|conn| known_sites(conn))
    }

    /// Every location with its site, by code.
    pub fn locations_with_sites(&self) -> Result<Vec<LocationAtSite>> {
        self.read(|conn| {
            conn.query_all(&sql::LOCATIONS_WITH_SITES, args![], |r| {
                Ok(LocationAtSite {
                    code: r.get(0)?,
                    name: r.get(1)?,
                    site: r.get(2)?,
                })
            })
        })
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
        self.transact(|conn| {
            let loc = find_location(conn, code)?;
            let renamed = match name {
                Some(_) => crate::catalogue::rename_location_in(conn, &loc, name, now, user)?,
                None => false,
            };
            let moved = set_site_in(conn, &loc, site, now, user)?;
            Ok(renamed || moved)
        })
    }
}
