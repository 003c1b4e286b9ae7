//! GS1 helpers (placeholder until the full decoder lands): GTIN normalisation.

/// Why a GTIN was refused.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Gs1Error(String);

/// Normalise a GTIN-8/12/13/14 to 14 digits after checking its check digit.
pub fn normalize_gtin(text: &str) -> Result<String, Gs1Error> {
    let t = text.trim();
    if !matches!(t.len(), 8 | 12 | 13 | 14) || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Gs1Error("expected 8, 12, 13 or 14 digits".into()));
    }
    let padded = format!("{t:0>14}");
    if !check_digit_ok(&padded) {
        return Err(Gs1Error("bad check digit".into()));
    }
    Ok(padded)
}

/// Mod-10 check digit, weights 3,1 from the right.
pub fn check_digit_ok(digits: &str) -> bool {
    let d: Vec<u32> = digits.bytes().map(|b| u32::from(b - b'0')).collect();
    let Some((last, body)) = d.split_last() else {
        return false;
    };
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, v)| if i % 2 == 0 { v * 3 } else { *v })
        .sum();
    (10 - sum % 10) % 10 == *last
}
