//! Reference data every new database starts with: the default location
//! `MAIN` and the List of Waste streams a laboratory produces (SPEC §1,
//! issue "hazardous-waste register"), with HTM 07-01 container colours and
//! treatment routes as editable defaults.

use rusqlite::{Transaction, params};

use crate::error::Result;

/// The location every new database starts with: (code, name).
pub const MAIN_LOCATION: (&str, &str) = ("MAIN", "Main store");

/// (code, official description, container, route). Hazardous streams are
/// the ones whose code ends in `*`.
pub const WASTE_STREAMS: &[(&str, &str, &str, &str)] = &[
    (
        "15 01 10*",
        "packaging containing residues of or contaminated by hazardous substances",
        "yellow",
        "incineration",
    ),
    (
        "16 05 06*",
        "laboratory chemicals, consisting of or containing hazardous substances, including mixtures of laboratory chemicals",
        "yellow",
        "incineration",
    ),
    (
        "16 05 07*",
        "discarded inorganic chemicals consisting of or containing hazardous substances",
        "yellow",
        "incineration",
    ),
    (
        "16 05 08*",
        "discarded organic chemicals consisting of or containing hazardous substances",
        "yellow",
        "incineration",
    ),
    (
        "16 05 09",
        "discarded chemicals other than those mentioned in 16 05 06, 16 05 07 or 16 05 08",
        "blue",
        "incineration",
    ),
    (
        "18 01 01",
        "sharps (except 18 01 03)",
        "orange",
        "alternative treatment",
    ),
    (
        "18 01 02",
        "body parts and organs including blood bags and blood preserves (except 18 01 03)",
        "red",
        "incineration",
    ),
    (
        "18 01 03*",
        "wastes whose collection and disposal is subject to special requirements in order to prevent infection",
        "orange",
        "alternative treatment",
    ),
    (
        "18 01 04",
        "wastes whose collection and disposal is not subject to special requirements in order to prevent infection",
        "tiger",
        "landfill/energy from waste",
    ),
    (
        "18 01 06*",
        "chemicals consisting of or containing hazardous substances",
        "yellow",
        "incineration",
    ),
    (
        "18 01 07",
        "chemicals other than those mentioned in 18 01 06",
        "blue",
        "incineration",
    ),
    (
        "18 01 08*",
        "cytotoxic and cytostatic medicines",
        "purple",
        "incineration",
    ),
    (
        "18 01 09",
        "medicines other than those mentioned in 18 01 08",
        "blue",
        "incineration",
    ),
    (
        "20 03 01",
        "mixed municipal waste",
        "black",
        "landfill/energy from waste",
    ),
];

pub(crate) fn seed(tx: &Transaction<'_>, now: &str, user: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO locations (code, name, created_at, created_by) VALUES (?1, ?2, ?3, ?4)",
        params![MAIN_LOCATION.0, MAIN_LOCATION.1, now, user],
    )?;
    let mut insert = tx.prepare(
        "INSERT INTO waste_streams (code, name, hazardous, container, route) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (code, name, container, route) in WASTE_STREAMS {
        insert.execute(params![code, name, code.ends_with('*'), container, route])?;
    }
    Ok(())
}
