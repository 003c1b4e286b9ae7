//! The table a person reads at a terminal, fitted to its width.
//!
//! CSV and JSON are for programs and spreadsheets and are never cut; a
//! table is for someone at a bench terminal of 80 to 120 columns, where a
//! report twice that wide wraps into noise. Fitting goes in steps, each
//! taken only when the previous one is not enough:
//!
//! 1. every column at its natural width (the widest of header and cells);
//! 2. long headers wrapped at `_` and after `-` (`reorder_level` over two
//!    lines), so a column of small numbers is as narrow as its numbers;
//! 3. free-text columns (names, reasons, notes, descriptions: see
//!    [`TEXT_COLUMNS`]) shortened, widest first, with an ellipsis `…`,
//!    down to [`TEXT_MIN`] characters each;
//! 4. secondary columns (see [`SECONDARY_COLUMNS`]) left out, in that
//!    order, with a line under the table naming them.
//!
//! Numbers, codes, dates and states are never cut. `--wide` skips all of
//! it (no width: everything whole), and `--columns` (the reader chose the
//! columns) skips step 4.

use std::io::Write;

use comfy_table::{CellAlignment, Color, ContentArrangement, Table, TableComponent, presets};
use serde_json::Value;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::render::{Rendered, cell_text};
use crate::error::{Error, Result};

/// Columns of free text, shortened with an ellipsis when a table must
/// fit: everything else (codes, numbers, dates, states) stays whole.
pub const TEXT_COLUMNS: &[&str] = &[
    "name",
    "description",
    "reason",
    "note",
    "notes",
    "detail",
    "supplier",
    "manufacturer",
    "hazard",
    "title",
    "why",
    "old_value",
    "new_value",
    "carrier",
    "physical_form",
    "by",
    "performed_by",
    "calibration",
    "lots",
    "decided_by",
];

/// Columns a narrow table may leave out before free text is cut below
/// [`TEXT_COMFORT`], first to go first: detail that other columns (or the
/// reason) already carry, or that matters when ordering rather than at
/// the bench. `--wide` or `--columns` shows them.
pub const SECONDARY_COLUMNS: &[&str] = &[
    "hash",
    "last_id",
    "supplier_ref",
    "printed_expiry",
    "manufacturer",
    "model",
    "serial",
    "in_service_date",
    "pack_size",
    "max_level",
    "unit_cost",
    "recorded_by",
    "physical_form",
    "category",
    "expiring_before_delivery",
    "awaiting_acceptance",
    "usage_in_lead_time",
    "lead_time_days",
    "storage",
    "hazard",
    "gtin",
    "calibration_interval",
    "weeks_of_cover",
    "average_weekly",
    "container",
    "carrier",
    "consignment_note",
    "hp_codes",
    "source",
    "movement",
    "corrects",
    "corrected_by",
    "counted",
    "reference",
    "change",
];

/// Columns left out only when free text is already at [`TEXT_MIN`]:
/// they matter at the bench, but less than the item or asset they
/// describe.
pub const LAST_RESORT_COLUMNS: &[&str] = &[
    "last_result",
    "last_calibrated",
    "supplier",
    "status",
    "user",
    "record",
];

/// How narrow free text is cut before secondary columns are left out.
pub const TEXT_COMFORT: usize = 20;

/// The narrowest a free-text column is cut to (ellipsis included).
pub const TEXT_MIN: usize = 12;

/// Colour a state cell: red for what is already wrong, amber for what
/// is coming.
const RED_STATES: &[&str] = &["overdue", "expired"];
const AMBER_STATES: &[&str] = &["due", "expiring"];

/// How a table is fitted and coloured.
#[derive(Debug, Clone, Default)]
pub struct TableOptions {
    /// The terminal's width in columns; `None` (`--wide`, or not a
    /// terminal and no `COLUMNS`): every column whole, as wide as it is.
    pub width: Option<usize>,
    /// Colour state cells (only on a terminal, never with `NO_COLOR`).
    pub colour: bool,
    /// The reader chose the columns (`--columns`): none is left out.
    pub chosen: bool,
}

/// Columns between cells: the separator plus the padding (see [`style`]).
const GAP: usize = 2;

/// One column's measurements.
struct Measure {
    /// Widest cell (0 when there are none).
    cells: usize,
    /// The header on one line.
    header: usize,
    /// The header's widest piece when wrapped.
    header_piece: usize,
    text: bool,
}

impl Measure {
    fn natural(&self) -> usize {
        self.cells.max(self.header)
    }

    fn wrapped(&self) -> usize {
        self.cells.max(self.header_piece)
    }

    /// The narrowest a column may be cut to, free text to `floor`.
    fn min(&self, floor: usize) -> usize {
        if self.text {
            self.wrapped().min(floor.max(self.header_piece))
        } else {
            self.wrapped()
        }
    }
}

/// The widths chosen for the visible columns.
struct Plan {
    /// Indices into the headers of the columns shown.
    shown: Vec<usize>,
    /// Width of each shown column.
    widths: Vec<usize>,
    /// Headers wrapped over several lines.
    wrap: bool,
    /// Names of the columns left out.
    hidden: Vec<String>,
}

/// The pieces a header may be wrapped at, each with the character that
/// joins it to the next on one line: after each `_` or space (which a line
/// break then replaces) and after each `-` (which stays).
fn header_pieces(header: &str) -> Vec<(String, Option<char>)> {
    let mut pieces = Vec::new();
    let mut current = String::new();
    for c in header.chars() {
        match c {
            '_' | ' ' => pieces.push((std::mem::take(&mut current), Some(c))),
            '-' => {
                current.push('-');
                pieces.push((std::mem::take(&mut current), None));
            }
            _ => current.push(c),
        }
    }
    pieces.push((current, None));
    pieces.retain(|(p, _)| !p.is_empty());
    pieces
}

/// The header over as many lines as it needs to be at most `width` wide
/// (a piece wider than that stays whole).
fn wrap_header(header: &str, width: usize) -> String {
    if header.width() <= width {
        return header.to_owned();
    }
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut joiner: Option<char> = None;
    for (piece, after) in header_pieces(header) {
        let glue = joiner.map(String::from).unwrap_or_default();
        if !line.is_empty() && line.width() + glue.len() + piece.width() > width {
            lines.push(std::mem::take(&mut line));
        } else {
            line.push_str(&glue);
        }
        line.push_str(&piece);
        joiner = after;
    }
    lines.push(line);
    lines.join("\n")
}

/// `text` cut to at most `width` columns, ending in `…` when cut.
pub fn truncate(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// A cell's text for a table: one line (a note with line breaks would
/// otherwise stretch its row).
fn one_line(text: &str) -> String {
    if text.contains(['\n', '\r']) {
        text.split(['\n', '\r'])
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        text.to_owned()
    }
}

/// Choose which columns to show and how wide, for `width` columns:
/// first with free text no narrower than [`TEXT_COMFORT`], leaving out
/// [`SECONDARY_COLUMNS`]; if that is not enough, again with free text
/// down to [`TEXT_MIN`], leaving out [`LAST_RESORT_COLUMNS`] too.
fn plan(
    headers: &[String],
    measures: &[Measure],
    width: usize,
    chosen: bool,
    extra: &[String],
) -> Plan {
    if chosen {
        // The reader chose these columns: cut free text, leave none out.
        let all = (0..headers.len()).collect();
        return match plan_with(headers, measures, width, TEXT_MIN, &[], all) {
            Ok(plan) | Err(plan) => plan,
        };
    }
    // Columns with nothing in them go first: they say the least.
    let mut first: Vec<&str> = headers
        .iter()
        .zip(measures)
        .filter(|(_, m)| m.cells == 0)
        .map(|(h, _)| h.as_str())
        .collect();
    first.extend_from_slice(SECONDARY_COLUMNS);
    let all: Vec<usize> = (0..headers.len()).collect();
    let narrowest = match plan_with(headers, measures, width, TEXT_COMFORT, &first, all) {
        Ok(plan) => return plan,
        Err(narrowest) => narrowest,
    };
    // The secondary columns are out already: what is left is cut
    // further, and only then are the last-resort columns left out.
    // The listing's own last-resort columns first: it knows them best.
    let mut last: Vec<&str> = extra.iter().map(String::as_str).collect();
    last.extend_from_slice(LAST_RESORT_COLUMNS);
    let mut hidden = narrowest.hidden;
    let narrower = match plan_with(headers, measures, width, TEXT_MIN, &last, narrowest.shown) {
        Ok(mut plan) => {
            hidden.append(&mut plan.hidden);
            plan.hidden = hidden;
            return plan;
        }
        Err(narrower) => narrower,
    };
    // Still too wide: columns from the right, all but the first, so the
    // table fits whatever it holds.
    let mut hidden_more = narrower.hidden;
    hidden.append(&mut hidden_more);
    // A `state` (overdue, expired, …) is what a reader looks for: it goes last.
    let mut from_right: Vec<&str> = narrower
        .shown
        .iter()
        .skip(1)
        .rev()
        .map(|&i| headers[i].as_str())
        .filter(|h| *h != "state")
        .collect();
    if narrower
        .shown
        .iter()
        .skip(1)
        .any(|&i| headers[i] == "state")
    {
        from_right.push("state");
    }
    match plan_with(
        headers,
        measures,
        width,
        TEXT_MIN,
        &from_right,
        narrower.shown,
    ) {
        Ok(mut plan) | Err(mut plan) => {
            hidden.append(&mut plan.hidden);
            plan.hidden = hidden;
            plan
        }
    }
}

/// One attempt of [`plan`]: `Err` with the narrowest layout when the
/// table does not fit even with every `droppable` column left out.
fn plan_with(
    headers: &[String],
    measures: &[Measure],
    width: usize,
    floor: usize,
    droppable: &[&str],
    mut shown: Vec<usize>,
) -> std::result::Result<Plan, Plan> {
    let mut hidden = Vec::new();
    loop {
        let gaps = GAP * shown.len();
        let natural: Vec<usize> = shown.iter().map(|&i| measures[i].natural()).collect();
        if natural.iter().sum::<usize>() + gaps <= width {
            return Ok(Plan {
                shown,
                widths: natural,
                wrap: false,
                hidden,
            });
        }
        let wrapped: Vec<usize> = shown.iter().map(|&i| measures[i].wrapped()).collect();
        if wrapped.iter().sum::<usize>() + gaps <= width {
            return Ok(Plan {
                shown,
                widths: wrapped,
                wrap: true,
                hidden,
            });
        }
        let at_cap = |cap: usize| -> Vec<usize> {
            shown
                .iter()
                .zip(&wrapped)
                .map(|(&i, &w)| {
                    if measures[i].text {
                        w.min(cap).max(measures[i].min(floor))
                    } else {
                        w
                    }
                })
                .collect()
        };
        if at_cap(0).iter().sum::<usize>() + gaps <= width {
            // Cut the widest free-text columns first: the largest cap
            // under which everything fits.
            let mut cap = wrapped.iter().copied().max().unwrap_or(0);
            while cap > 0 && at_cap(cap).iter().sum::<usize>() + gaps > width {
                cap -= 1;
            }
            return Ok(Plan {
                widths: at_cap(cap),
                shown,
                wrap: true,
                hidden,
            });
        }
        let next = droppable.iter().find_map(|name| {
            shown
                .iter()
                .position(|&i| headers[i] == *name)
                .filter(|_| shown.len() > 1)
        });
        match next {
            Some(pos) => {
                hidden.push(headers[shown[pos]].clone());
                shown.remove(pos);
            }
            None => {
                // As narrow as it goes; the terminal wraps the rest.
                return Err(Plan {
                    widths: at_cap(0),
                    shown,
                    wrap: true,
                    hidden,
                });
            }
        }
    }
}

/// `text` broken at spaces into lines of at most `width` columns.
fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.width() + 1 + word.width() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
}

/// Write `rendered` as a table fitted by `options`.
pub fn write_table(rendered: &Rendered, options: &TableOptions, out: &mut dyn Write) -> Result<()> {
    let io = |source| Error::Io {
        path: "<output>".into(),
        source,
    };
    if rendered.objects.is_empty() {
        return writeln!(out, "(nothing to show)").map_err(io);
    }
    let fitting = options.width.is_some();
    let text_at = |h: &str| TEXT_COLUMNS.contains(&h) || rendered.text.iter().any(|t| t == h);
    // Cell texts once, row by row.
    let cells: Vec<Vec<(String, bool)>> = rendered
        .objects
        .iter()
        .map(|obj| {
            rendered
                .headers
                .iter()
                .map(|h| {
                    let v = obj.get(h).unwrap_or(&Value::Null);
                    let text = cell_text(v);
                    let text = if fitting { one_line(&text) } else { text };
                    (text, v.is_number())
                })
                .collect()
        })
        .collect();
    let plan = match options.width {
        Some(width) => {
            let measures: Vec<Measure> = rendered
                .headers
                .iter()
                .enumerate()
                .map(|(i, h)| Measure {
                    cells: cells.iter().map(|r| r[i].0.width()).max().unwrap_or(0),
                    header: h.width(),
                    header_piece: header_pieces(h)
                        .iter()
                        .map(|(p, _)| p.width())
                        .max()
                        .unwrap_or(0),
                    text: text_at(h),
                })
                .collect();
            plan(
                &rendered.headers,
                &measures,
                width,
                options.chosen,
                &rendered.last_resort,
            )
        }
        None => Plan {
            shown: (0..rendered.headers.len()).collect(),
            widths: Vec::new(),
            wrap: false,
            hidden: Vec::new(),
        },
    };
    let mut table = Table::new();
    style(&mut table);
    if options.colour {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    table.set_header(plan.shown.iter().enumerate().map(|(k, &i)| {
        let h = &rendered.headers[i];
        if plan.wrap {
            wrap_header(h, plan.widths[k])
        } else {
            h.clone()
        }
    }));
    let state_column = |h: &str| h == "state";
    for row in &cells {
        table.add_row(plan.shown.iter().enumerate().map(|(k, &i)| {
            let (text, number) = &row[i];
            let h = &rendered.headers[i];
            let shown = if fitting && text_at(h) {
                truncate(text, plan.widths[k])
            } else {
                text.clone()
            };
            let mut cell = comfy_table::Cell::new(shown);
            if *number {
                cell = cell.set_alignment(CellAlignment::Right);
            }
            if options.colour && state_column(h) {
                if RED_STATES.contains(&text.as_str()) {
                    cell = cell.fg(Color::Red);
                } else if AMBER_STATES.contains(&text.as_str()) {
                    cell = cell.fg(Color::DarkYellow);
                }
            }
            cell
        }));
    }
    for column in table.column_iter_mut() {
        column.set_padding((0, 1));
    }
    // comfy-table pads the last column too; a line never ends in spaces.
    for line in table.lines() {
        writeln!(out, "{}", line.trim_end()).map_err(io)?;
    }
    if !plan.hidden.is_empty() {
        let n = plan.hidden.len();
        let note = format!(
            "({n} more column{} left out to fit {} columns: {}; --wide shows every column, --columns picks)",
            if n == 1 { "" } else { "s" },
            options.width.unwrap_or_default(),
            plan.hidden.join(", ")
        );
        for line in wrap_words(&note, options.width.unwrap_or(usize::MAX)) {
            writeln!(out, "{line}").map_err(io)?;
        }
    }
    Ok(())
}

/// The house table: a rule above, a double rule under the header, a rule
/// below; columns two spaces apart, no side borders.
fn style(table: &mut Table) {
    table
        .load_preset(presets::UTF8_HORIZONTAL_ONLY)
        .remove_style(TableComponent::HorizontalLines)
        .remove_style(TableComponent::MiddleIntersections)
        .remove_style(TableComponent::LeftBorderIntersections)
        .remove_style(TableComponent::RightBorderIntersections)
        .remove_style(TableComponent::LeftBorder)
        .remove_style(TableComponent::RightBorder)
        .remove_style(TableComponent::LeftHeaderIntersection)
        .remove_style(TableComponent::RightHeaderIntersection)
        .remove_style(TableComponent::TopLeftCorner)
        .remove_style(TableComponent::TopRightCorner)
        .remove_style(TableComponent::BottomLeftCorner)
        .remove_style(TableComponent::BottomRightCorner)
        .set_style(TableComponent::VerticalLines, ' ')
        .set_content_arrangement(ContentArrangement::Disabled);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_wrap_at_underscores_and_after_hyphens() {
        assert_eq!(wrap_header("reorder_level", 7), "reorder\nlevel");
        assert_eq!(wrap_header("reorder_level", 13), "reorder_level");
        assert_eq!(
            wrap_header("expiring_before_delivery", 15),
            "expiring_before\ndelivery"
        );
        assert_eq!(wrap_header("2026-W47", 5), "2026-\nW47");
        assert_eq!(wrap_header("2026-W47 (partial)", 9), "2026-W47\n(partial)");
        assert_eq!(wrap_header("item", 2), "item");
    }

    fn states() -> Rendered {
        let mut rendered = crate::report::render::<serde_json::Value>(
            &["asset_tag", "state"],
            &[
                serde_json::json!({"asset_tag": "EQ-1", "state": "overdue"}),
                serde_json::json!({"asset_tag": "EQ-2", "state": "due"}),
                serde_json::json!({"asset_tag": "EQ-3", "state": "ok"}),
            ],
        )
        .unwrap();
        rendered.text.clear();
        rendered
    }

    fn table(options: &TableOptions) -> String {
        let mut out = Vec::new();
        write_table(&states(), options, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn states_are_coloured_only_when_asked() {
        let plain = table(&TableOptions::default());
        assert!(!plain.contains('\u{1b}'), "{plain:?}");
        let coloured = table(&TableOptions {
            colour: true,
            ..TableOptions::default()
        });
        // overdue red, due amber (dark yellow), ok as it is.
        assert!(coloured.contains("\u{1b}[38;5;9moverdue"), "{coloured:?}");
        assert!(coloured.contains("\u{1b}[38;5;3mdue"), "{coloured:?}");
        assert!(coloured.contains(" ok"), "{coloured:?}");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 256, ..proptest::prelude::ProptestConfig::default() })]

        /// Whatever the columns hold, a fitted table is no wider than the
        /// terminal once each column fits on its own.
        #[test]
        fn a_fitted_table_fits(
            columns in proptest::collection::vec(
                (
                    proptest::sample::select(vec![
                        "item", "name", "reason", "lot", "on_hand", "supplier_ref",
                        "expiring_before_delivery", "status", "notes", "x", "2026-W47 (partial)",
                    ]),
                    proptest::collection::vec("[a-zA-Z0-9 µ—-]{0,40}", 3),
                ),
                1..9,
            ),
            width in 30usize..200,
        ) {
            let mut seen = std::collections::HashSet::new();
            let columns: Vec<_> = columns.into_iter().filter(|(h, _)| seen.insert(*h)).collect();
            let headers: Vec<String> = columns.iter().map(|(h, _)| (*h).to_owned()).collect();
            let objects = (0..3)
                .map(|r| {
                    columns
                        .iter()
                        .map(|(h, cells)| ((*h).to_owned(), Value::String(cells[r].clone())))
                        .collect()
                })
                .collect();
            let rendered = Rendered { headers, objects, text: Vec::new(), last_resort: Vec::new() };
            let mut out = Vec::new();
            write_table(&rendered, &TableOptions { width: Some(width), ..TableOptions::default() }, &mut out).unwrap();
            let text = String::from_utf8(out).unwrap();
            // Codes are never cut: a table can only fit when each column
            // fits on its own.
            let each_fits = columns.iter().all(|(h, cells)| {
                let min = if TEXT_COLUMNS.contains(h) {
                    TEXT_MIN.max(h.len())
                } else {
                    cells.iter().map(|c| c.width()).max().unwrap_or(0).max(
                        header_pieces(h).iter().map(|(p, _)| p.width()).max().unwrap_or(0),
                    )
                };
                min + GAP <= width
            });
            if each_fits {
                for line in text.lines() {
                    proptest::prop_assert!(line.width() <= width, "{} > {width}:\n{text}", line.width());
                }
            }
        }
    }

    #[test]
    fn text_is_cut_with_an_ellipsis_by_display_width() {
        assert_eq!(truncate("Pipette tips 1000 µL", 10), "Pipette t…");
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("ＡＢＣＤ", 5), "ＡＢ…");
        assert!(truncate("Pipette tips 1000 µL", 10).width() <= 10);
    }
}
