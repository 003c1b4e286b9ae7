//! The temperature chart of `report temperatures --format svg --location
//! LOC` (SPEC §15): a location's readings over the period, its range
//! shaded, out-of-range readings marked in red and min/max readings drawn
//! as whiskers — a picture a supervisor can print and file. Drawn with
//! plotters' SVG backend: no fonts or system libraries are needed, the
//! text stays text.

use chrono::{DateTime, NaiveDate, Utc};
use plotters::prelude::*;

use crate::error::{Error, Result};
use crate::temperature::ChartPoint;

/// What the chart shows.
pub struct Chart<'a> {
    pub location: &'a str,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The period's first and last instant (the lab's days).
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// The location's range now, in hundredths.
    pub range: (i64, i64),
    pub points: &'a [ChartPoint],
}

fn drawing_failed(e: impl std::fmt::Display) -> Error {
    Error::Io {
        path: "<svg chart>".into(),
        source: std::io::Error::other(e.to_string()),
    }
}

/// Days since the period's start, the x axis (whole numbers fall on the
/// lab's midnights, where the labels go).
fn days(start: DateTime<Utc>, t: DateTime<Utc>) -> f64 {
    (t - start).num_seconds() as f64 / 86_400.0
}

/// The chart as an SVG document.
pub fn svg(c: &Chart<'_>) -> Result<String> {
    let celsius = |h: i64| h as f64 / 100.0;
    let (lo, hi) = (celsius(c.range.0), celsius(c.range.1));
    let mut y_min = lo;
    let mut y_max = hi;
    for p in c.points {
        for v in [Some(p.value), p.min, p.max].into_iter().flatten() {
            y_min = y_min.min(celsius(v));
            y_max = y_max.max(celsius(v));
        }
    }
    let pad = ((y_max - y_min) * 0.1).max(1.0);
    let span = days(c.start, c.end).max(1.0);
    let day_count = (c.to - c.from).num_days().max(0) as usize + 1;
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (1000, 420)).into_drawing_area();
        root.fill(&WHITE).map_err(drawing_failed)?;
        let title = format!(
            "{} — {} to {} — range {} °C",
            c.location,
            c.from,
            c.to,
            crate::temperature::show_range(c.range.0, c.range.1)
        );
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(48)
            .build_cartesian_2d(0f64..span, (y_min - pad)..(y_max + pad))
            .map_err(drawing_failed)?;
        let start = c.start;
        let label = move |x: &f64| {
            let t = start + chrono::Duration::seconds((x * 86_400.0).round() as i64);
            t.format("%a %d %b").to_string()
        };
        chart
            .configure_mesh()
            .x_labels(day_count.min(14) + 1)
            .x_label_formatter(&label)
            .y_desc("°C")
            .draw()
            .map_err(drawing_failed)?;
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(0.0, lo), (span, hi)],
                GREEN.mix(0.15).filled(),
            )))
            .map_err(drawing_failed)?;
        let line: Vec<(f64, f64)> = c
            .points
            .iter()
            .map(|p| (days(c.start, p.at), celsius(p.value)))
            .collect();
        chart
            .draw_series(LineSeries::new(line, BLUE.stroke_width(2)))
            .map_err(drawing_failed)?;
        chart
            .draw_series(c.points.iter().filter_map(|p| {
                let x = days(c.start, p.at);
                match (p.min, p.max) {
                    (None, None) => None,
                    (a, b) => Some(PathElement::new(
                        vec![
                            (x, celsius(a.unwrap_or(p.value))),
                            (x, celsius(b.unwrap_or(p.value))),
                        ],
                        BLACK.mix(0.6),
                    )),
                }
            }))
            .map_err(drawing_failed)?;
        chart
            .draw_series(
                c.points
                    .iter()
                    .filter(|p| p.out_of_range)
                    .map(|p| Circle::new((days(c.start, p.at), celsius(p.value)), 4, RED.filled())),
            )
            .map_err(drawing_failed)?;
        root.present().map_err(drawing_failed)?;
    }
    // A reader without the chart (a screen reader, a text search) still
    // finds what it says.
    let summary = format!(
        "<desc>{} readings at {} from {} to {}, range {} °C, {} out of range</desc>",
        c.points.len(),
        escape(c.location),
        c.from,
        c.to,
        escape(&crate::temperature::show_range(c.range.0, c.range.1)),
        c.points.iter().filter(|p| p.out_of_range).count()
    );
    if let Some(at) = out.find('>') {
        out.insert_str(at + 1, &summary);
    }
    Ok(out)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
