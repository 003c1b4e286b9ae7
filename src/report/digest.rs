//! The digest rendered (SPEC §16): plain text for a terminal, a cron mail
//! or the plain-text part of the mail; HTML for the mail's main part;
//! JSON for scripts. Sections without lines are left out.

use serde::Serialize;

use crate::app::dashboard::{Digest, Section};

/// The subject of the digest's mail.
pub fn subject(d: &Digest) -> String {
    let n: usize = d.shown().map(|s| s.lines.len()).sum();
    match n {
        0 => format!("labstock digest {}: nothing needs anyone", d.as_of),
        1 => format!("labstock digest {}: 1 thing needs someone", d.as_of),
        n => format!("labstock digest {}: {n} things need someone", d.as_of),
    }
}

fn heading(d: &Digest) -> String {
    format!(
        "labstock digest for {} (lots and equipment looked ahead {} days)",
        d.as_of, d.within_days
    )
}

/// Plain text: a heading, then each section with its lines, each line
/// saying what, where, and the command and page that deal with it.
pub fn text(d: &Digest) -> String {
    let mut out = heading(d);
    out.push_str("\n\n");
    if !d.needs_someone() {
        out.push_str("Nothing needs anyone today.\n");
        return out;
    }
    for s in d.shown() {
        out.push_str(&format!("== {} ({}) ==\n", s.title, s.lines.len()));
        for l in &s.lines {
            out.push_str(&format!("- {}\n", l.what));
            out.push_str(&format!("  where: {}\n", l.place));
            out.push_str(&format!("  do:    {}\n", l.command));
            out.push_str(&format!("  page:  {}\n", l.page));
        }
        out.push('\n');
    }
    out
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// HTML: one document, styles inline (mail readers drop style sheets),
/// a table per section.
pub fn html(d: &Digest) -> String {
    let mut out =
        String::from("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str(&format!("<title>{}</title>\n", escape(&subject(d))));
    out.push_str("</head>\n<body style=\"font-family: Arial, Helvetica, sans-serif; font-size: 16px; color: #212b32;\">\n");
    out.push_str(&format!(
        "<h1 style=\"font-size: 24px;\">{}</h1>\n",
        escape(&heading(d))
    ));
    if !d.needs_someone() {
        out.push_str("<p>Nothing needs anyone today.</p>\n");
    }
    for s in d.shown() {
        section_html(&mut out, s);
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn section_html(out: &mut String, s: &Section) {
    out.push_str(&format!(
        "<h2 id=\"{}\" style=\"font-size: 20px;\">{} ({})</h2>\n",
        s.key,
        escape(s.title),
        s.lines.len()
    ));
    out.push_str("<table style=\"border-collapse: collapse;\">\n<thead><tr>");
    for h in ["What", "Where", "What to do", "Page"] {
        out.push_str(&format!(
            "<th style=\"text-align: left; border-bottom: 2px solid #4c6272; padding: 4px 8px;\">{h}</th>"
        ));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    let cell = "style=\"border-bottom: 1px solid #d8dde0; padding: 4px 8px; vertical-align: top;\"";
    for l in &s.lines {
        out.push_str(&format!(
            "<tr><td {cell}>{}</td><td {cell}>{}</td><td {cell}><code>{}</code></td><td {cell}>{}</td></tr>\n",
            escape(&l.what),
            escape(&l.place),
            escape(&l.command),
            escape(&l.page)
        ));
    }
    out.push_str("</tbody>\n</table>\n");
}

/// JSON: the date, the horizon, whether anything needs anyone, and the
/// sections with lines.
pub fn json(d: &Digest) -> serde_json::Result<String> {
    #[derive(Serialize)]
    struct Shown<'a> {
        as_of: chrono::NaiveDate,
        within_days: i64,
        needs_someone: bool,
        sections: Vec<&'a Section>,
    }
    let mut text = serde_json::to_string_pretty(&Shown {
        as_of: d.as_of,
        within_days: d.within_days,
        needs_someone: d.needs_someone(),
        sections: d.shown().collect(),
    })?;
    text.push('\n');
    Ok(text)
}
