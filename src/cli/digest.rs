//! `labstock digest`: everything that needs a person, in one message
//! (SPEC §16), for a terminal, a cron mail or `--send` by SMTP.

use clap::Args;

use super::{Ctx, FormatArg};
use crate::app;
use crate::error::{Error, Result};
use crate::model::parse_count;
use crate::report::OutputFormat;

/// `labstock digest`.
#[derive(Debug, Args)]
#[command(after_help = "\
Exit 0 when nothing needs anyone, 3 when something does (with --send too).

Sections (each left out when empty): reorder lines; lots expired or
expiring within DAYS; lots pending acceptance; equipment overdue or due
within DAYS; open temperature excursions and monitored locations with no
reading yesterday; safety data sheets missing or due for review (3 years);
open stocktakes; hazardous waste not yet consigned.

--send mails the HTML digest with a plain-text part to the setting
digest.to, from digest.from, through digest.smtp (smtp://host:port, or
smtps://host:port for TLS; digest.starttls: opportunistic, required or
never). The password comes only from LABSTOCK_SMTP_PASSWORD.

A morning digest from cron (Monday to Friday at 07:30):
  30 7 * * 1-5  LABSTOCK_DB=/srv/labstock/lab.db labstock digest --send")]
pub(crate) struct DigestArgs {
    /// Judge everything against DATE [default: today]
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    /// Days ahead to look for expiring lots and equipment falling due
    #[arg(long, value_name = "DAYS", default_value_t = app::dashboard::DIGEST_WITHIN_DAYS.to_string())]
    within: String,
    /// Mail it (settings digest.to, digest.smtp) instead of printing it
    #[arg(long)]
    send: bool,
}

pub(super) fn run(ctx: &Ctx, a: DigestArgs) -> Result<i32> {
    let within = parse_count("--within", &a.within)?;
    let store = ctx.open()?;
    let as_of = ctx.as_of(a.as_of.as_deref())?;
    let digest = app::dashboard::digest(&store, as_of, within)?;
    let code = i32::from(digest.needs_someone()) * 3;
    if a.send {
        let password = std::env::var("LABSTOCK_SMTP_PASSWORD")
            .ok()
            .filter(|p| !p.is_empty());
        let sent = app::dashboard::send_digest(&store, &digest, password.as_deref())?;
        ctx.say(&format!(
            "digest sent to {} through {}",
            sent.to.join(", "),
            sent.server
        ));
        return Ok(code);
    }
    let text = match (ctx.document_format(), ctx.explicit_format()) {
        (Some(FormatArg::Html), _) => crate::report::digest::html(&digest),
        (_, Some(OutputFormat::Json)) => {
            crate::report::digest::json(&digest).map_err(|e| Error::Csv(e.to_string()))?
        }
        _ => crate::report::digest::text(&digest),
    };
    ctx.write_output(|out| {
        out.write_all(text.as_bytes()).map_err(|source| Error::Io {
            path: "<output>".into(),
            source,
        })
    })?;
    Ok(code)
}
