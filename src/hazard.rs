//! Structured hazard data (SPEC §16): GHS pictograms, the signal word and
//! the hazard (H, EUH) and precautionary (P) statements of an item, each
//! code checked against the GB CLP lists that ship with labstock.
//!
//! The lists are those of GB CLP (Regulation (EC) No 1272/2008 as it
//! stands in Great Britain: Annex III and Annex IV as retained on
//! 1 January 2021, i.e. the EU text up to its 12th adaptation to technical
//! progress, Regulation (EU) 2019/521, and Regulation (EU) 2020/1677's
//! EUH211/EUH212). [`LIST_VERSION`] names it for `--version --verbose` and
//! the README.
//!
//! A combined statement (`H300+H310+H330`, `P305+P351+P338`) is one code:
//! it must be a combination the list has, as written in its order, never
//! split into its parts (the trap of ComPlat/chemotion_ELN #3247). The
//! letters of the reproductive-toxicity forms are case-sensitive (`H360Fd`
//! is not `H360FD`: a capital is a proven effect, a small letter a
//! suspected one); everything else in a code is not. A code of the UN GHS
//! or of the EU CLP that the GB list lacks (`H303`, `EUH380`) is kept with
//! a warning; any other code is refused.

use crate::error::{Error, Result};

/// The list's name, written once for both constants below.
macro_rules! list_version {
    () => {
        "GB CLP Annex III/IV as retained on 2021-01-01 (EU CLP to ATP 12, Reg. (EU) 2019/521, with EUH211/EUH212)"
    };
}

/// The list the codes are checked against, as `--version --verbose` and
/// the README name it.
pub const LIST_VERSION: &str = list_version!();

/// `labstock --version` (long form): the version and the hazard list's.
pub const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    "\nhazard codes: ",
    list_version!()
);

/// The GHS pictograms (CLP Annex V).
pub const PICTOGRAMS: &[(&str, &str)] = &[
    ("GHS01", "exploding bomb"),
    ("GHS02", "flame"),
    ("GHS03", "flame over circle"),
    ("GHS04", "gas cylinder"),
    ("GHS05", "corrosion"),
    ("GHS06", "skull and crossbones"),
    ("GHS07", "exclamation mark"),
    ("GHS08", "health hazard"),
    ("GHS09", "environment"),
];

/// GB CLP hazard statements (Annex III part 1), the combined
/// acute-toxicity forms included.
const H_GB: &str = "H200 H201 H202 H203 H204 H205 H206 H207 H208 \
H220 H221 H222 H223 H224 H225 H226 H228 H229 H230 H231 H232 \
H240 H241 H242 H250 H251 H252 H260 H261 H270 H271 H272 H280 H281 H290 \
H300 H301 H302 H304 H310 H311 H312 H314 H315 H317 H318 H319 \
H330 H331 H332 H334 H335 H336 H340 H341 H350 H350i H351 \
H360 H360F H360D H360FD H360Fd H360Df H361 H361f H361d H361fd H362 \
H370 H371 H372 H373 H400 H410 H411 H412 H413 H420 \
H300+H310 H300+H330 H310+H330 H300+H310+H330 \
H301+H311 H301+H331 H311+H331 H301+H311+H331 \
H302+H312 H302+H332 H312+H332 H302+H312+H332";

/// GB CLP supplemental hazard statements (Annex III parts 2 and 3).
const EUH_GB: &str = "EUH001 EUH014 EUH018 EUH019 EUH029 EUH031 EUH032 EUH044 \
EUH066 EUH070 EUH071 EUH201 EUH201A EUH202 EUH203 EUH204 EUH205 EUH206 \
EUH207 EUH208 EUH209 EUH209A EUH210 EUH211 EUH212 EUH401";

/// GB CLP precautionary statements (Annex IV part 1), with their
/// combinations.
const P_GB: &str = "P101 P102 P103 \
P201 P202 P210 P211 P212 P220 P222 P223 P230 P231 P232 P233 P234 P235 \
P240 P241 P242 P243 P244 P250 P251 P260 P261 P262 P263 P264 P270 P271 \
P272 P273 P280 P282 P283 P284 P231+P232 \
P301 P302 P303 P304 P305 P306 P308 P310 P311 P312 P313 P314 P315 P320 \
P321 P330 P331 P332 P333 P334 P335 P336 P337 P338 P340 P342 P351 P352 \
P353 P360 P361 P362 P363 P364 P370 P371 P372 P373 P375 P376 P377 P378 \
P380 P381 P390 P391 \
P301+P310 P301+P312 P301+P330+P331 P302+P334 P302+P335+P334 P302+P352 \
P303+P361+P353 P304+P340 P305+P351+P338 P306+P360 P308+P311 P308+P313 \
P332+P313 P333+P313 P336+P315 P337+P313 P342+P311 P361+P364 P362+P364 \
P370+P376 P370+P378 P370+P380+P375 P371+P380+P375 P370+P372+P380+P373 \
P370+P380+P375+P378 \
P401 P402 P403 P404 P405 P406 P407 P410 P411 P412 P413 P420 \
P402+P404 P403+P233 P403+P235 P410+P403 P410+P412 \
P501 P502 P503";

/// Codes of the UN GHS (or of the EU CLP after 2020, or withdrawn from
/// it) that the GB list lacks: accepted with a warning.
const ELSEWHERE: &str = "H227 H303 H305 H313 H316 H320 H333 H401 H402 H433 \
H303+H313 H303+H333 H313+H333 H303+H313+H333 H315+H320 \
EUH006 EUH059 EUH380 EUH381 EUH430 EUH431 EUH440 EUH441 EUH450 EUH451 \
P203 P221 P265 P281 P285 P307 P309 P316 P317 P318 P319 P322 P341 P350 P354 P374 P422 \
P235+P410 P264+P265 P301+P316 P301+P317 P302+P317 P302+P350 P302+P361+P354 \
P304+P312 P304+P317 P304+P341 P305+P354+P338 P307+P311 P309+P311 P332+P317 \
P333+P317 P337+P317 P342+P316 P370+P380 P411+P235";

/// Which list a code is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Found {
    Gb,
    Elsewhere,
}

/// The kinds of hazard code an item holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `ghs`: pictograms.
    Pictogram,
    /// `h_statements`: H and EUH statements.
    Hazard,
    /// `p_statements`.
    Precaution,
}

impl Kind {
    /// The item field it fills.
    pub fn field(self) -> &'static str {
        match self {
            Kind::Pictogram => "ghs",
            Kind::Hazard => "h_statements",
            Kind::Precaution => "p_statements",
        }
    }

    fn expected(self) -> &'static str {
        match self {
            Kind::Pictogram => "a GHS pictogram GHS01 to GHS09",
            Kind::Hazard => {
                "a hazard statement of the GB CLP list (e.g. H225, H350i, H360Fd, H300+H310+H330, EUH066)"
            }
            Kind::Precaution => {
                "a precautionary statement of the GB CLP list (e.g. P210, P305+P351+P338)"
            }
        }
    }
}

/// Split a code into its prefix (letters), digits and suffix (letters).
fn parts(code: &str) -> Option<(&str, &str, &str)> {
    let digits_at = code.find(|c: char| c.is_ascii_digit())?;
    let rest = &code[digits_at..];
    let letters_at = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let (digits, suffix) = rest.split_at(letters_at);
    if !suffix.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    Some((&code[..digits_at], digits, suffix))
}

/// Whether `given` names the single statement `listed`: the prefix and
/// any letter other than the reproductive-toxicity ones compare without
/// case.
fn same_single(given: &str, listed: &str) -> bool {
    let (Some((gp, gd, gs)), Some((lp, ld, ls))) = (parts(given), parts(listed)) else {
        return false;
    };
    if !gp.eq_ignore_ascii_case(lp) || gd != ld {
        return false;
    }
    let reproductive = lp.eq_ignore_ascii_case("H") && (ld == "360" || ld == "361");
    if reproductive {
        gs == ls
    } else {
        gs.eq_ignore_ascii_case(ls)
    }
}

/// Whether `given` (a statement, combined or not) names `listed`.
fn same(given: &str, listed: &str) -> bool {
    let mut g = given.split('+');
    let mut l = listed.split('+');
    loop {
        match (g.next(), l.next()) {
            (None, None) => return true,
            (Some(a), Some(b)) if same_single(a.trim(), b) => {}
            _ => return false,
        }
    }
}

fn lookup_in(list: &'static str, code: &str) -> Option<&'static str> {
    list.split_whitespace().find(|listed| same(code, listed))
}

/// The list entry a statement names, and which list it is on.
fn lookup(kind: Kind, code: &str) -> Option<(&'static str, Found)> {
    match kind {
        Kind::Pictogram => PICTOGRAMS
            .iter()
            .find(|(p, _)| p.eq_ignore_ascii_case(code))
            .map(|(p, _)| (*p, Found::Gb)),
        Kind::Hazard => lookup_in(H_GB, code)
            .or_else(|| lookup_in(EUH_GB, code))
            .map(|c| (c, Found::Gb))
            .or_else(|| {
                lookup_in(ELSEWHERE, code)
                    .filter(|c| c.starts_with('H') || c.starts_with("EUH"))
                    .map(|c| (c, Found::Elsewhere))
            }),
        Kind::Precaution => lookup_in(P_GB, code).map(|c| (c, Found::Gb)).or_else(|| {
            lookup_in(ELSEWHERE, code)
                .filter(|c| c.starts_with('P'))
                .map(|c| (c, Found::Elsewhere))
        }),
    }
}

/// Why an unknown code is unknown, as precisely as can be said.
fn why_unknown(kind: Kind, code: &str) -> String {
    let pieces: Vec<&str> = code.split('+').map(str::trim).collect();
    let known_piece = |p: &str| lookup(kind, p).map(|(c, _)| c);
    if pieces.len() > 1 && pieces.iter().all(|p| known_piece(p).is_some()) {
        let apart: Vec<&str> = pieces.iter().filter_map(|p| known_piece(p)).collect();
        return format!(
            "{} is not a combined statement of the GB CLP list; give the statements separately ({})",
            code,
            apart.join(", ")
        );
    }
    // H360fd for H360Fd: the same letters in another case.
    if kind == Kind::Hazard && pieces.len() == 1 {
        let close: Vec<&str> = H_GB
            .split_whitespace()
            .filter(|l| l.eq_ignore_ascii_case(code))
            .collect();
        if !close.is_empty() {
            return format!(
                "the letters of a reproductive-toxicity statement are case-sensitive (capital: may damage; small: suspected of damaging); the list has {}",
                close.join(", ")
            );
        }
    }
    format!("expected {}", kind.expected())
}

/// The codes of one field as given (separated by commas or spaces; a `+`
/// with spaces around it still joins), checked and written as the list
/// writes them, each once, in the order given. Returns the stored text
/// (`None` when empty) and one warning per code the GB list lacks.
pub fn normalize(kind: Kind, text: &str) -> Result<(Option<String>, Vec<String>)> {
    let mut joined = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        if c == ',' || c == ';' || c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if c == '+' {
            pending_space = false;
            joined.push('+');
            continue;
        }
        if pending_space && !joined.is_empty() && !joined.ends_with('+') {
            joined.push(' ');
        }
        pending_space = false;
        joined.push(c);
    }
    let mut codes: Vec<&'static str> = Vec::new();
    let mut warnings = Vec::new();
    for code in joined.split(' ').filter(|c| !c.is_empty()) {
        let Some((listed, found)) = lookup(kind, code) else {
            return Err(Error::invalid(kind.field(), code, why_unknown(kind, code)));
        };
        if found == Found::Elsewhere {
            warnings.push(format!(
                "{listed} is a UN GHS or EU CLP code that the GB CLP list lacks; kept as given: check the supplier's GB safety data sheet"
            ));
        }
        if !codes.contains(&listed) {
            codes.push(listed);
        }
    }
    Ok(((!codes.is_empty()).then(|| codes.join(" ")), warnings))
}

/// The signal word, written as CLP writes it (`Danger`, `Warning`), or
/// `None` when empty.
pub fn signal_word(text: &str) -> Result<Option<String>> {
    let t = text.trim();
    if t.is_empty() {
        Ok(None)
    } else if t.eq_ignore_ascii_case("danger") {
        Ok(Some("Danger".into()))
    } else if t.eq_ignore_ascii_case("warning") {
        Ok(Some("Warning".into()))
    } else {
        Err(Error::invalid(
            "signal_word",
            t,
            "expected Danger, Warning or empty (some classifications, such as H411 alone, have none)",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::{Kind, normalize};

    fn ok(kind: Kind, text: &str) -> String {
        normalize(kind, text).unwrap().0.unwrap_or_default()
    }

    #[test]
    fn lettered_and_combined_forms_are_one_code_each() {
        assert_eq!(ok(Kind::Hazard, "h350I, H360Fd"), "H350i H360Fd");
        assert_eq!(ok(Kind::Hazard, "h300 + h310 + h330"), "H300+H310+H330");
        assert_eq!(
            ok(Kind::Precaution, "p305+p351+p338 P210"),
            "P305+P351+P338 P210"
        );
        assert_eq!(ok(Kind::Hazard, "euh066 EUH201a"), "EUH066 EUH201A");
        assert_eq!(ok(Kind::Pictogram, "ghs02,GHS07"), "GHS02 GHS07");
        assert!(normalize(Kind::Hazard, "H360fd").is_err());
        assert!(normalize(Kind::Hazard, "H360FD").is_ok());
        assert!(normalize(Kind::Hazard, "H225+H319").is_err());
        assert!(normalize(Kind::Hazard, "H310+H300").is_err());
        assert!(normalize(Kind::Pictogram, "GHS10").is_err());
        let (_, warnings) = normalize(Kind::Hazard, "H303").unwrap();
        assert_eq!(warnings.len(), 1);
    }
}
