//! `gs1 decode DATA`: decode a GS1 element string as a scanner delivers it.
//! With `-`, reads one scan per line from standard input (a scanner at a
//! terminal) and prints one result per line.

use std::io::BufRead;

use clap::Subcommand;
use serde::Serialize;

use super::Ctx;
use crate::error::{Error, Result};
use crate::gs1::{self, DecodeOptions, Decoded};
use crate::report::OutputFormat;

#[derive(Debug, Subcommand)]
pub(crate) enum Gs1Command {
    /// Decode a GS1 element string: bracketed `(01)…(17)…(10)…`, or raw
    /// with an optional symbology identifier (]C1, ]d2, ]Q3, ]e0, ]J1) and
    /// GS separators (ASCII 29, the text <GS>, or --gs-char).
    Decode {
        /// The scanned data, or `-` to read one scan per line from stdin
        data: String,
        /// A character your scanner sends instead of the GS separator
        #[arg(long, value_name = "CHAR")]
        gs_char: Option<char>,
    },
}

/// Options for decoding today's scans.
pub(super) fn options(ctx: &Ctx, gs_char: Option<char>) -> DecodeOptions {
    let opts = DecodeOptions::new(ctx.clock().today());
    match gs_char {
        Some(c) => opts.with_gs_substitute(c),
        None => opts,
    }
}

/// Decode one scan, trimming the line ending a scanner adds.
pub(super) fn decode(data: &str, opts: DecodeOptions) -> Result<Decoded> {
    let trimmed = data.trim_end_matches(['\r', '\n']);
    gs1::decode(trimmed, &opts).map_err(|e| Error::invalid("GS1 data", trimmed, e.to_string()))
}

#[derive(Serialize)]
struct ElementRow<'a> {
    ai: &'a str,
    title: &'static str,
    value: &'a str,
}

fn print(ctx: &Ctx, decoded: &Decoded, format: OutputFormat) -> Result<()> {
    for w in &decoded.warnings {
        ctx.say(&format!("warning: {w}"));
    }
    if format == OutputFormat::Json {
        let line = serde_json::to_string(&decoded.summary())?;
        return ctx.print_line(&line);
    }
    let rows: Vec<ElementRow<'_>> = decoded
        .elements
        .iter()
        .map(|e| ElementRow {
            ai: &e.ai,
            title: e.title(),
            value: &e.value,
        })
        .collect();
    let rendered = crate::report::render(&["ai", "title", "value"], &rows)?;
    let stdout = std::io::stdout();
    crate::report::render_to_with(&rendered, format, &ctx.table_options(), &mut stdout.lock())
}

pub(super) fn run(ctx: &Ctx, c: Gs1Command) -> Result<i32> {
    let Gs1Command::Decode { data, gs_char } = c;
    let opts = options(ctx, gs_char);
    // A table by default, whatever stdout is: this is read by people.
    let format = ctx.explicit_format().unwrap_or(OutputFormat::Table);
    if data != "-" {
        let decoded = decode(&data, opts)?;
        print(ctx, &decoded, format)?;
        return Ok(0);
    }
    let mut failed = 0;
    for (n, line) in std::io::stdin().lock().lines().enumerate() {
        let line = line.map_err(|source| Error::Io {
            path: "<stdin>".into(),
            source,
        })?;
        if line.trim().is_empty() {
            continue;
        }
        match decode(&line, opts) {
            Ok(decoded) => print(ctx, &decoded, format)?,
            Err(e) => {
                failed += 1;
                ctx.say(&format!("error: line {}: {e}", n + 1));
            }
        }
    }
    if failed > 0 {
        return Err(Error::invalid(
            "GS1 input",
            "-",
            format!("{failed} scan(s) could not be decoded"),
        ));
    }
    Ok(0)
}
