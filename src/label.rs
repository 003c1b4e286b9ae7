//! Labels for lots and batches (SPEC §14): what a label says, the GS1
//! element string its DataMatrix carries, and the label drawn as SVG or as
//! a PDF page of several labels.
//!
//! The element string is (01) GTIN when the item has one, else (91) the
//! item code, then (17) expiry and (10) lot. It is checked by labstock's
//! own GS1 decoder before anything is drawn, so a label is never printed
//! that `gs1 decode`, `receive --scan` or `issue --scan` would refuse. The
//! DataMatrix symbol is encoded by the `datamatrix` crate (ECC 200, FNC1
//! first: a GS1 DataMatrix, with the GS separator after a variable-length
//! field) and the PDF written by `pdf-writer`; neither is hand-made here.

use chrono::NaiveDate;
use serde::Serialize;

use crate::args;
use crate::catalogue::find_item;
use crate::error::{Error, Result};
use crate::ledger::existing_lot;
use crate::model::parse_stored_date;
use crate::store::Conn;
use crate::store::Store;
use crate::store::sql::label as sql;

/// What one label says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Label {
    pub item: String,
    pub name: String,
    pub gtin: Option<String>,
    pub lot: String,
    pub expiry: Option<NaiveDate>,
    pub storage: Option<String>,
    pub hazard: Option<String>,
    /// GHS pictogram codes (SPEC §16), drawn on the label.
    pub ghs: Vec<String>,
    pub signal_word: Option<String>,
    pub h_statements: Option<String>,
    /// `prepared` (a batch made here) or `received`.
    pub origin: &'static str,
    pub on: Option<NaiveDate>,
    pub by: Option<String>,
    /// A batch's component lots, as `ITEM LOT`.
    pub contents: Vec<String>,
    /// Bracketed, for people: `(91)PBS(17)261219(10)PB-1`.
    pub element_string: String,
    /// As the symbol carries it: AIs and values, ASCII 29 after a
    /// variable-length field that is not last.
    pub data: String,
}

/// A label's DataMatrix: dark modules, row by row, without quiet zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matrix {
    pub width: usize,
    pub height: usize,
    pub dark: Vec<bool>,
}

impl Matrix {
    /// Encode `data` as a GS1 DataMatrix (FNC1 in first position).
    pub fn gs1(data: &str) -> Result<Matrix> {
        let code = datamatrix::DataMatrix::encode_gs1(
            data.as_bytes(),
            datamatrix::SymbolList::default().enforce_square(),
        )
        .map_err(|e| {
            Error::invalid(
                "label data",
                data,
                format!("too long for a DataMatrix symbol ({e:?})"),
            )
        })?;
        let bitmap = code.bitmap();
        Ok(Matrix {
            width: bitmap.width(),
            height: bitmap.height(),
            dark: bitmap.bits().to_vec(),
        })
    }

    /// The dark modules as (x, y), row by row.
    pub fn modules(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        let w = self.width.max(1);
        self.dark
            .iter()
            .enumerate()
            .filter(|(_, d)| **d)
            .map(move |(i, _)| (i % w, i / w))
    }
}

/// The element string of a label: bracketed and as carried.
fn element_string(
    gtin: Option<&str>,
    code: &str,
    expiry: Option<NaiveDate>,
    lot: &str,
) -> (String, String) {
    let mut parts: Vec<(&str, String, bool)> = Vec::new();
    match gtin {
        Some(g) => parts.push(("01", g.to_owned(), false)),
        None => parts.push(("91", code.to_owned(), true)),
    }
    if let Some(e) = expiry {
        parts.push(("17", e.format("%y%m%d").to_string(), false));
    }
    if !lot.is_empty() {
        parts.push(("10", lot.to_owned(), true));
    }
    let mut bracketed = String::new();
    for (ai, v, _) in &parts {
        bracketed.push('(');
        bracketed.push_str(ai);
        bracketed.push(')');
        bracketed.push_str(v);
    }
    let mut data = String::new();
    let last = parts.len().saturating_sub(1);
    for (i, (ai, v, variable)) in parts.iter().enumerate() {
        data.push_str(ai);
        data.push_str(v);
        if *variable && i < last {
            data.push('\u{1d}');
        }
    }
    (bracketed, data)
}

impl Store {
    /// What the label of lot `lot` of `item` says; `today` resolves the
    /// GS1 century of the expiry when the element string is checked.
    pub fn label(&self, item: &str, lot: &str, today: NaiveDate) -> Result<Label> {
        self.read(|conn| label_of(conn, item, lot, today))
    }
}

fn label_of(conn: Conn<'_>, item: &str, lot: &str, today: NaiveDate) -> Result<Label> {
    {
        let item = find_item(conn, item)?;
        let lot = existing_lot(conn, &item, lot)?;
        let batch: Option<(String, String, i64)> =
            conn.query_opt(&sql::BATCH_OF_LOT, args![lot.id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
        let (origin, on, by, contents) = match batch {
            Some((on, by, id)) => {
                let contents = conn.query_all(&sql::BATCH_CONTENTS, args![id], |r| {
                    let (code, lot): (String, String) = (r.get(0)?, r.get(1)?);
                    Ok(if lot.is_empty() {
                        code
                    } else {
                        format!("{code} {lot}")
                    })
                })?;
                ("prepared", parse_stored_date(&on), Some(by), contents)
            }
            None => {
                let received: Option<(String, String)> =
                    conn.query_opt(&sql::FIRST_RECEIPT, args![item.id, lot.id], |r| {
                        Ok((r.get(0)?, r.get(1)?))
                    })?;
                let zone = crate::settings::lab_zone(conn)?;
                let (on, by) = match received {
                    Some((at, by)) => (
                        crate::model::parse_stamp(&at)
                            .ok()
                            .map(|t| crate::clock::lab_date(t, zone)),
                        Some(by),
                    ),
                    None => (None, None),
                };
                ("received", on, by, Vec::new())
            }
        };
        let (element_string, data) =
            element_string(item.gtin.as_deref(), &item.code, lot.expiry, &lot.lot);
        // Never print a code the scanners would refuse.
        crate::gs1::decode(&element_string, &crate::gs1::DecodeOptions::new(today)).map_err(
            |e| {
                Error::invalid(
                    "label",
                    &element_string,
                    format!(
                        "the item code and lot must fit a GS1 code ({e}); give the item a GTIN with `labstock item edit {} --gtin G`, or use item codes and lots of letters, digits and - . / _",
                        item.code
                    ),
                )
            },
        )?;
        Ok(Label {
            item: item.code,
            name: item.name,
            gtin: item.gtin,
            lot: lot.lot,
            expiry: lot.expiry,
            storage: item.storage,
            hazard: item.hazard,
            ghs: item
                .ghs
                .as_deref()
                .unwrap_or_default()
                .split_whitespace()
                .map(str::to_owned)
                .collect(),
            signal_word: item.signal_word,
            h_statements: item.h_statements,
            origin,
            on,
            by,
            contents,
            element_string,
            data,
        })
    }
}

/// The lines of text a label shows, in order, each with its size in mm.
fn text_lines(label: &Label) -> Vec<(String, f32, bool)> {
    let mut lines = vec![(label.name.clone(), 3.6, true)];
    lines.push((format!("Item {}", label.item), 2.8, false));
    if !label.lot.is_empty() {
        lines.push((format!("Lot {}", label.lot), 3.2, true));
    }
    lines.push((
        format!(
            "Expiry {}",
            label
                .expiry
                .map_or_else(|| "none".to_owned(), |d| d.to_string())
        ),
        3.2,
        true,
    ));
    if let Some(s) = &label.storage {
        lines.push((format!("Storage {s}"), 2.8, false));
    }
    if let Some(w) = &label.signal_word {
        lines.push((w.to_uppercase(), 3.4, true));
    }
    if let Some(h) = &label.h_statements {
        lines.push((h.clone(), 2.8, true));
    }
    if let Some(h) = &label.hazard {
        lines.push((format!("Hazard {h}"), 2.8, false));
    }
    if !label.contents.is_empty() {
        lines.push((
            format!("Contents {}", label.contents.join(", ")),
            2.4,
            false,
        ));
    }
    let when = label.on.map(|d| format!(" {d}")).unwrap_or_default();
    let who = label
        .by
        .as_deref()
        .map(|b| format!(" by {b}"))
        .unwrap_or_default();
    let origin = if label.origin == "prepared" {
        "Prepared"
    } else {
        "Received"
    };
    lines.push((format!("{origin}{when}{who}"), 2.6, false));
    lines
}

/// Wrap `text` at spaces into lines of at most `room` mm (a rough width
/// per character of the font size: labels are read, not typeset); a word
/// longer than a line is cut.
fn wrap(text: &str, size: f32, room: f32) -> Vec<String> {
    let max = ((room / (size * 0.55)) as usize).max(4);
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let mut word: String = word.to_owned();
        while word.chars().count() > max {
            if !current.is_empty() {
                lines.push(std::mem::take(&mut current));
            }
            let head: String = word.chars().take(max).collect();
            word = word.chars().skip(max).collect();
            lines.push(head);
        }
        let needed =
            current.chars().count() + usize::from(!current.is_empty()) + word.chars().count();
        if needed > max && !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(&word);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// The label's text placed: (line, size, bold, baseline from the top), all
/// in mm. Beside the DataMatrix a line is narrower; below it, it may run
/// the label's width. Everything is shrunk until it fits: a hazard
/// statement is never cut off.
fn layout(label: &Label) -> Vec<(String, f32, bool, f32)> {
    let bottom = HEIGHT
        - 1.5
        - if label.ghs.is_empty() {
            0.0
        } else {
            PICTOGRAM + 1.0
        };
    let mut shrink = 1.0_f32;
    loop {
        let mut placed = Vec::new();
        let mut y = 6.0 * shrink;
        for (text, size, bold) in text_lines(label) {
            let size = size * shrink;
            let beside_code = y < CODE_Y + CODE + 4.0;
            let room = if beside_code { TEXT_ROOM } else { WIDTH - 6.0 };
            for line in wrap(&text, size, room) {
                placed.push((line, size, bold, y));
                y += size * 1.35;
            }
        }
        if y - 1.0 <= bottom || shrink < 0.35 {
            return placed;
        }
        shrink *= 0.9;
    }
}

fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Label size in mm.
const WIDTH: f32 = 90.0;
const HEIGHT: f32 = 50.0;
/// The DataMatrix's side, quiet zone included, and its top-left corner.
const CODE: f32 = 26.0;
const CODE_X: f32 = WIDTH - CODE - 2.0;
const CODE_Y: f32 = 4.0;
/// Room for text to the left of the code.
const TEXT_ROOM: f32 = CODE_X - 5.0;
/// A GHS pictogram's side (the diamond's bounding square); they stand in
/// a row along the label's foot, from the right.
const PICTOGRAM: f32 = 12.0;

/// Where each pictogram's square goes: its code and top-left corner (mm).
/// Up to nine fit in a row at 12 mm, side by side from the right; more
/// than fit would overlap, so the side shrinks to fit them all.
fn pictogram_places(label: &Label) -> Vec<(&str, f32, f32, f32)> {
    let n = label.ghs.len();
    if n == 0 {
        return Vec::new();
    }
    let side = PICTOGRAM.min((WIDTH - 4.0) / n as f32);
    let y = HEIGHT - 1.0 - side;
    label
        .ghs
        .iter()
        .enumerate()
        .map(|(i, code)| {
            let x = WIDTH - 2.0 - (n - i) as f32 * side;
            (code.as_str(), x, y, side)
        })
        .collect()
}

/// The SVG of one pictogram: white diamond, red border, black symbol.
fn svg_pictogram(out: &mut String, code: &str, left: f32, top: f32, side: f32) {
    let points = |poly: &[(f32, f32)]| {
        let mut d = String::new();
        for (i, (px, py)) in poly.iter().enumerate() {
            d.push_str(&format!(
                "{}{:.3} {:.3} ",
                if i == 0 { "M" } else { "L" },
                px,
                py
            ));
        }
        d.push('Z');
        d
    };
    let (red, green, blue) = crate::pictogram::RED;
    out.push_str(&format!(
        "<g class=\"ghs\" data-code=\"{}\" transform=\"translate({left:.3} {top:.3}) scale({side:.3})\">\n",
        xml_escape(code)
    ));
    out.push_str(&format!(
        "<path d=\"{}\" fill=\"#fff\" stroke=\"rgb({},{},{})\" stroke-width=\"{}\" stroke-linejoin=\"miter\"/>\n",
        points(&crate::pictogram::diamond()),
        (red * 255.0) as u8,
        (green * 255.0) as u8,
        (blue * 255.0) as u8,
        crate::pictogram::BORDER
    ));
    for path in crate::pictogram::symbol(code).unwrap_or_default() {
        let d: Vec<String> = path.iter().map(|p| points(p)).collect();
        out.push_str(&format!(
            "<path d=\"{}\" fill=\"#000\" fill-rule=\"evenodd\"/>\n",
            d.join(" ")
        ));
    }
    out.push_str(&format!("<title>{}</title>\n</g>\n", xml_escape(code)));
}

/// One label as an SVG document (90 × 50 mm). The DataMatrix is the group
/// `datamatrix`, one 1×1 `rect` per dark module, scaled into place.
pub fn svg(label: &Label) -> Result<String> {
    let matrix = Matrix::gs1(&label.data)?;
    let mut out = String::new();
    out.push_str(&format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}mm\" height=\"{HEIGHT}mm\" viewBox=\"0 0 {WIDTH} {HEIGHT}\">\n"
    ));
    out.push_str(&format!(
        "<title>{} lot {}</title>\n",
        xml_escape(&label.item),
        xml_escape(&label.lot)
    ));
    out.push_str(&format!(
        "<rect x=\"0\" y=\"0\" width=\"{WIDTH}\" height=\"{HEIGHT}\" fill=\"#fff\" stroke=\"#000\" stroke-width=\"0.3\"/>\n"
    ));
    for (text, size, bold, y) in layout(label) {
        out.push_str(&format!(
            "<text x=\"3\" y=\"{y:.2}\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"{size:.2}\"{}>{}</text>\n",
            if bold { " font-weight=\"bold\"" } else { "" },
            xml_escape(&text)
        ));
    }
    let modules = matrix.width.max(matrix.height) + 2;
    let scale = CODE / modules as f32;
    out.push_str(&format!(
        "<rect x=\"{CODE_X}\" y=\"{CODE_Y}\" width=\"{CODE}\" height=\"{CODE}\" fill=\"#fff\"/>\n"
    ));
    out.push_str(&format!(
        "<g id=\"datamatrix\" data-width=\"{}\" data-height=\"{}\" transform=\"translate({:.4} {:.4}) scale({scale:.4})\" fill=\"#000\">\n",
        matrix.width,
        matrix.height,
        CODE_X + scale,
        CODE_Y + scale
    ));
    for (x, y) in matrix.modules() {
        out.push_str(&format!(
            "<rect x=\"{x}\" y=\"{y}\" width=\"1\" height=\"1\"/>\n"
        ));
    }
    out.push_str("</g>\n");
    for (code, x, y, side) in pictogram_places(label) {
        svg_pictogram(&mut out, code, x, y, side);
    }
    out.push_str(&format!(
        "<text x=\"{:.1}\" y=\"{:.1}\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"1.8\" text-anchor=\"middle\">{}</text>\n",
        CODE_X + CODE / 2.0,
        CODE_Y + CODE + 3.0,
        xml_escape(&label.element_string)
    ));
    out.push_str("</svg>\n");
    Ok(out)
}

/// Points per mm.
const PT: f32 = 72.0 / 25.4;

/// Text as the bytes of a WinAnsi-encoded PDF string (Latin-1 here;
/// anything else becomes `?`).
fn latin1(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| {
            u8::try_from(u32::from(c))
                .ok()
                .filter(|b| *b >= 0x20)
                .unwrap_or(b'?')
        })
        .collect()
}

/// `copies` labels on A4 pages, two columns of five.
pub fn pdf(label: &Label, copies: u32) -> Result<Vec<u8>> {
    use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};
    const COLUMNS: u32 = 2;
    const ROWS: u32 = 5;
    let (page_w, page_h) = (595.0_f32, 842.0_f32);
    let (label_w, label_h) = (WIDTH * PT, HEIGHT * PT);
    let margin_x = (page_w - COLUMNS as f32 * label_w) / 2.0;
    let margin_y = (page_h - ROWS as f32 * label_h) / 2.0;
    let matrix = Matrix::gs1(&label.data)?;
    let copies = copies.max(1);
    let per_page = COLUMNS * ROWS;
    let pages = copies.div_ceil(per_page);

    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let page_ref = |i: u32| Ref::new(5 + 2 * i as i32);
    let content_ref = |i: u32| Ref::new(6 + 2 * i as i32);
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids((0..pages).map(page_ref))
        .count(pages as i32);
    pdf.type1_font(regular)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold)
        .base_font(Name(b"Helvetica-Bold"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    let lines = layout(label);
    let modules = matrix.width.max(matrix.height) + 2;
    let module = CODE * PT / modules as f32;
    for p in 0..pages {
        let mut page = pdf.page(page_ref(p));
        page.media_box(Rect::new(0.0, 0.0, page_w, page_h))
            .parent(tree)
            .contents(content_ref(p));
        page.resources()
            .fonts()
            .pair(Name(b"F1"), regular)
            .pair(Name(b"F2"), bold);
        page.finish();
        let mut c = Content::new();
        let on_page = (copies - p * per_page).min(per_page);
        for n in 0..on_page {
            let (col, row) = (n % COLUMNS, n / COLUMNS);
            let x0 = margin_x + col as f32 * label_w;
            // PDF y grows upwards: the first row is at the top.
            let top = page_h - margin_y - row as f32 * label_h;
            c.set_line_width(0.5);
            c.rect(x0, top - label_h, label_w, label_h);
            c.stroke();
            for (text, size, is_bold, y) in &lines {
                c.begin_text();
                c.set_font(Name(if *is_bold { b"F2" } else { b"F1" }), size * PT);
                c.next_line(x0 + 3.0 * PT, top - y * PT);
                c.show(Str(&latin1(text)));
                c.end_text();
            }
            let code_x = x0 + CODE_X * PT + module;
            let code_top = top - CODE_Y * PT - module;
            for (mx, my) in matrix.modules() {
                c.rect(
                    code_x + mx as f32 * module,
                    code_top - (my + 1) as f32 * module,
                    module,
                    module,
                );
            }
            c.fill_nonzero();
            for (code, px, py, side) in pictogram_places(label) {
                // Label mm (y down) to page points (y up).
                let at = |(ux, uy): (f32, f32)| {
                    (x0 + (px + ux * side) * PT, top - (py + uy * side) * PT)
                };
                let trace = |c: &mut Content, poly: &[(f32, f32)]| {
                    for (i, p) in poly.iter().enumerate() {
                        let (x, y) = at(*p);
                        if i == 0 {
                            c.move_to(x, y);
                        } else {
                            c.line_to(x, y);
                        }
                    }
                    c.close_path();
                };
                let (red, green, blue) = crate::pictogram::RED;
                c.set_fill_rgb(1.0, 1.0, 1.0);
                c.set_stroke_rgb(red, green, blue);
                c.set_line_width(crate::pictogram::BORDER * side * PT);
                trace(&mut c, &crate::pictogram::diamond());
                c.fill_nonzero_and_stroke();
                c.set_fill_rgb(0.0, 0.0, 0.0);
                for path in crate::pictogram::symbol(code).unwrap_or_default() {
                    for poly in &path {
                        trace(&mut c, poly);
                    }
                    c.fill_even_odd();
                }
                c.set_stroke_rgb(0.0, 0.0, 0.0);
                c.set_line_width(0.5);
            }
            c.begin_text();
            c.set_font(Name(b"F1"), 1.8 * PT);
            c.next_line(x0 + CODE_X * PT, top - (CODE_Y + CODE + 3.0) * PT);
            c.show(Str(&latin1(&label.element_string)));
            c.end_text();
        }
        pdf.stream(content_ref(p), &c.finish());
    }
    Ok(pdf.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_element_string_names_the_item_by_gtin_else_by_code() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 19);
        assert_eq!(
            element_string(Some("04015630198436"), "RGT", d, "L1"),
            (
                "(01)04015630198436(17)261219(10)L1".to_owned(),
                "01040156301984361726121910L1".to_owned()
            )
        );
        assert_eq!(
            element_string(None, "PBS-1X", d, "PB-1"),
            (
                "(91)PBS-1X(17)261219(10)PB-1".to_owned(),
                "91PBS-1X\u{1d}1726121910PB-1".to_owned()
            )
        );
        assert_eq!(
            element_string(None, "PBS", None, ""),
            ("(91)PBS".to_owned(), "91PBS".to_owned())
        );
    }

    #[test]
    fn the_matrix_is_a_gs1_datamatrix() {
        let m = Matrix::gs1("91PBS\u{1d}1726121910PB-1").unwrap();
        assert_eq!(m.dark.len(), m.width * m.height);
        assert!(m.width >= 10 && m.modules().count() > 0);
    }
}
