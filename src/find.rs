//! Finding things by what a person remembers (issue 13): `item find TEXT`
//! over code, name, supplier reference and GTIN, case- and accent-
//! insensitive, best match first; `lot find LOT` across every item (a
//! recall notice names a lot number, not an item); and the names a "did
//! you mean" suggests when a code names nothing.

use serde::Serialize;

use crate::args;
use crate::error::Result;
use crate::model::parse_stored_date;
use crate::store::Conn;
use crate::store::Store;
use crate::store::sql::find as sql;

/// One item found, with why it matched.
#[derive(Debug, Clone, Serialize)]
pub struct FoundItem {
    pub item: String,
    pub name: String,
    pub supplier: Option<String>,
    pub supplier_ref: Option<String>,
    pub gtin: Option<String>,
    /// `code`, `gtin`, `supplier_ref` or `name`.
    pub matched: &'static str,
}

/// One lot found, with what each location holds of it.
#[derive(Debug, Clone, Serialize)]
pub struct FoundLot {
    pub item: String,
    pub name: String,
    pub lot: String,
    pub expiry: Option<chrono::NaiveDate>,
    pub status: String,
    pub location: Option<String>,
    pub quantity: i64,
}

/// Lower case without accents, for matching only: `Glucosé` → `glucose`.
/// Latin letters with the diacritics of European lab suppliers' names;
/// anything else is only lower-cased.
pub fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
            'ç' | 'ć' | 'č' => 'c',
            'ď' => 'd',
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => 'e',
            'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' => 'i',
            'ł' => 'l',
            'ñ' | 'ń' | 'ň' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => 'o',
            'ř' => 'r',
            'ś' | 'š' | 'ş' => 's',
            'ť' | 'ţ' => 't',
            'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => 'u',
            'ý' | 'ÿ' => 'y',
            'ź' | 'ż' | 'ž' => 'z',
            'µ' => 'μ',
            other => other,
        })
        .collect()
}

/// How well `field` matches `needle` (both folded): exact 0, prefix 1,
/// a word starting with it 2, anywhere 3; `None` when it does not.
fn rank(field: &str, needle: &str) -> Option<u8> {
    if field == needle {
        Some(0)
    } else if field.starts_with(needle) {
        Some(1)
    } else if field
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| w.starts_with(needle))
    {
        Some(2)
    } else if field.contains(needle) {
        Some(3)
    } else {
        None
    }
}

/// Items whose code, GTIN, supplier reference or name match `text`, best
/// first: by how well, then which field (code, GTIN, reference, name),
/// then code. Every word of a several-word text must match the name.
pub(crate) fn items(conn: Conn<'_>, text: &str, limit: usize) -> Result<Vec<FoundItem>> {
    let needle = fold(text.trim());
    if needle.is_empty() {
        return Ok(Vec::new());
    }
    let words: Vec<&str> = needle.split_whitespace().collect();
    let mut found: Vec<(u8, u8, FoundItem)> = Vec::new();
    conn.for_each(&sql::ITEM_FIELDS, args![], |r| {
        let (code, name): (String, String) = (r.get(0)?, r.get(1)?);
        let (supplier, supplier_ref, gtin): (Option<String>, Option<String>, Option<String>) =
            (r.get(2)?, r.get(3)?, r.get(4)?);
        let digits: String = needle.chars().filter(char::is_ascii_digit).collect();
        let by_gtin = gtin.as_deref().and_then(|g| {
            (digits.len() >= 8
                && (g.ends_with(&digits) || digits.ends_with(g.trim_start_matches('0'))))
            .then_some(0)
        });
        let name_folded = fold(&name);
        let by_name = if words.len() > 1 {
            words
                .iter()
                .map(|w| rank(&name_folded, w))
                .collect::<Option<Vec<u8>>>()
                .map(|ranks| ranks.into_iter().max().unwrap_or(3))
        } else {
            rank(&name_folded, &needle)
        };
        let candidates = [
            (rank(&fold(&code), &needle), 0, "code"),
            (by_gtin, 1, "gtin"),
            (
                supplier_ref
                    .as_deref()
                    .and_then(|s| rank(&fold(s), &needle)),
                2,
                "supplier_ref",
            ),
            (by_name, 3, "name"),
        ];
        if let Some((how, field, matched)) = candidates
            .into_iter()
            .filter_map(|(how, field, m)| how.map(|h| (h, field, m)))
            .min()
        {
            found.push((
                how,
                field,
                FoundItem {
                    item: code,
                    name,
                    supplier,
                    supplier_ref,
                    gtin,
                    matched,
                },
            ));
        }
        Ok(())
    })?;
    found.sort_by(|a, b| (a.0, a.1, &a.2.item).cmp(&(b.0, b.1, &b.2.item)));
    Ok(found.into_iter().take(limit).map(|(_, _, f)| f).collect())
}

/// "Did you mean" by name: up to three items whose name matches `text`,
/// as `CODE (Name)`.
pub(crate) fn suggest_by_name(conn: Conn<'_>, text: &str) -> Result<Vec<String>> {
    Ok(items(conn, text, 3)?
        .into_iter()
        .filter(|f| f.matched == "name")
        .map(|f| {
            let short: String = f.name.chars().take(40).collect();
            let more = if f.name.chars().count() > 40 {
                "…"
            } else {
                ""
            };
            format!("{} ({short}{more})", f.item)
        })
        .collect())
}

impl Store {
    /// `item find TEXT`: best match first, at most `limit`.
    pub fn find_items(&self, text: &str, limit: usize) -> Result<Vec<FoundItem>> {
        self.read(|conn| items(conn, text, limit))
    }

    /// `lot find LOT`: the lot number across every item (exact, as lots
    /// match), with each location's balance; a lot with no stock anywhere
    /// is listed once with quantity 0.
    pub fn find_lots(&self, lot: &str) -> Result<Vec<FoundLot>> {
        self.read(|conn| {
            conn.query_all(&sql::LOTS_NUMBERED, args![lot.trim()], |r| {
                Ok(FoundLot {
                    item: r.get(0)?,
                    name: r.get(1)?,
                    lot: r.get(2)?,
                    expiry: r
                        .get::<Option<String>>(3)?
                        .as_deref()
                        .and_then(parse_stored_date),
                    status: r.get(4)?,
                    location: r.get(5)?,
                    quantity: r.get(6)?,
                })
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{fold, rank};

    #[test]
    fn folding_ignores_case_and_accents() {
        assert_eq!(fold("Glucosé OXIDASE"), "glucose oxidase");
        assert_eq!(fold("Müller-Hinton"), "muller-hinton");
    }

    #[test]
    fn exact_beats_prefix_beats_word_beats_anywhere() {
        assert_eq!(rank("glucose", "glucose"), Some(0));
        assert_eq!(rank("glucose reagent", "glucose"), Some(1));
        assert_eq!(rank("hexokinase glucose", "glucose"), Some(2));
        assert_eq!(rank("nonglucose", "glucose"), Some(3));
        assert_eq!(rank("lactate", "glucose"), None);
    }
}
