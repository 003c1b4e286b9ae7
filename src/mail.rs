//! Sending the digest by mail (SPEC §16): a multipart/alternative message,
//! HTML with a plain-text part, over SMTP by `lettre`'s blocking
//! transport. The server is the setting `digest.smtp`
//! (`smtp://[user@]host[:port]`, STARTTLS as `digest.starttls` says, or
//! `smtps://…`, TLS from the start); a password comes only from the
//! environment (`LABSTOCK_SMTP_PASSWORD`, read by the command line), never
//! from the database.

use std::str::FromStr;
use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{Address, Message, SmtpTransport, Transport};

use crate::error::{Error, Result};

/// How long a send waits on the server before giving up.
const TIMEOUT: Duration = Duration::from_secs(30);

/// `digest.starttls` when unset.
pub const DEFAULT_STARTTLS: &str = "opportunistic";

/// A mail server as `digest.smtp` names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    /// TLS from the first byte (`smtps://`).
    pub tls: bool,
    pub host: String,
    pub port: u16,
    pub user: Option<String>,
}

impl std::fmt::Display for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}://{}:{}",
            if self.tls { "smtps" } else { "smtp" },
            self.host,
            self.port
        )
    }
}

/// Parse `smtp://[user@]host[:port]` or `smtps://…`; a password in it is
/// refused (it would be stored).
pub fn parse_server(text: &str) -> Result<Server> {
    let bad = |why: &str| Error::invalid("digest.smtp", text, why.to_owned());
    let t = text.trim();
    let (tls, rest) = if let Some(r) = t.strip_prefix("smtps://") {
        (true, r)
    } else if let Some(r) = t.strip_prefix("smtp://") {
        (false, r)
    } else {
        return Err(bad("expected smtp://host:port or smtps://host:port"));
    };
    let rest = rest.trim_end_matches('/');
    let (user, hostport) = match rest.rsplit_once('@') {
        Some((u, h)) => {
            if u.contains(':') {
                return Err(bad(
                    "a password is never stored: give it in LABSTOCK_SMTP_PASSWORD and write smtp://user@host:port",
                ));
            }
            (Some(u.to_owned()).filter(|u| !u.is_empty()), h)
        }
        None => (None, rest),
    };
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || h.starts_with('[') => (
            h,
            p.parse::<u16>()
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| bad("the port must be a number from 1 to 65535"))?,
        ),
        _ => (hostport, if tls { 465 } else { 25 }),
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty()
        || host
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "/?#@".contains(c))
    {
        return Err(bad("expected smtp://host:port or smtps://host:port"));
    }
    Ok(Server {
        tls,
        host: host.to_owned(),
        port,
        user,
    })
}

/// Check one e-mail address.
pub fn parse_address(what: &str, text: &str) -> Result<Address> {
    Address::from_str(text.trim()).map_err(|e| {
        Error::invalid(
            what,
            text.trim(),
            format!("expected an e-mail address such as lab.manager@example.nhs.uk ({e})"),
        )
    })
}

/// Check a comma-separated list of addresses; returns them normalised.
pub fn parse_addresses(what: &str, text: &str) -> Result<Vec<Address>> {
    let list: Vec<Address> = text
        .split(',')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(|a| parse_address(what, a))
        .collect::<Result<_>>()?;
    if list.is_empty() {
        return Err(Error::invalid(
            what,
            text,
            "expected one or more e-mail addresses, separated by commas",
        ));
    }
    Ok(list)
}

/// `digest.starttls`: `opportunistic`, `required` or `never`.
pub fn parse_starttls(text: &str) -> Result<&'static str> {
    match text.trim().to_ascii_lowercase().as_str() {
        "opportunistic" => Ok("opportunistic"),
        "required" => Ok("required"),
        "never" => Ok("never"),
        _ => Err(Error::invalid(
            "digest.starttls",
            text.trim(),
            "expected opportunistic (use STARTTLS when the server offers it), required or never",
        )),
    }
}

/// One message to send.
#[derive(Debug, Clone)]
pub struct Outgoing<'a> {
    pub to: &'a [Address],
    pub from: &'a Address,
    pub subject: &'a str,
    pub text: String,
    pub html: String,
}

/// Send `message` through `server`; an error names the server.
pub fn send(
    server: &Server,
    starttls: &str,
    password: Option<&str>,
    message: Outgoing<'_>,
) -> Result<()> {
    let fail = |reason: String| Error::Mail {
        server: server.to_string(),
        reason,
    };
    let mut builder = Message::builder()
        .from(Mailbox::new(Some("labstock".into()), message.from.clone()))
        .subject(message.subject);
    for to in message.to {
        builder = builder.to(Mailbox::new(None, to.clone()));
    }
    let email = builder
        .multipart(MultiPart::alternative_plain_html(
            message.text,
            message.html,
        ))
        .map_err(|e| fail(e.to_string()))?;
    let params = || TlsParameters::new(server.host.clone()).map_err(|e| fail(format!("TLS: {e}")));
    let tls = if server.tls {
        Tls::Wrapper(params()?)
    } else {
        match starttls {
            "required" => Tls::Required(params()?),
            "never" => Tls::None,
            _ => Tls::Opportunistic(params()?),
        }
    };
    let mut transport = SmtpTransport::builder_dangerous(server.host.as_str())
        .port(server.port)
        .tls(tls)
        .timeout(Some(TIMEOUT));
    if let (Some(user), Some(password)) = (&server.user, password) {
        transport = transport.credentials(Credentials::new(user.clone(), password.to_owned()));
    }
    let transport = transport.build();
    transport.send(&email).map_err(|e| fail(e.to_string()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_server;

    #[test]
    fn servers_parse_and_passwords_are_refused() {
        let s = parse_server("smtp://relay.example.nhs.uk:2525").unwrap();
        assert_eq!(
            (s.tls, s.host.as_str(), s.port),
            (false, "relay.example.nhs.uk", 2525)
        );
        let s = parse_server("smtps://lab@mail.example.org").unwrap();
        assert_eq!((s.tls, s.port, s.user.as_deref()), (true, 465, Some("lab")));
        assert!(parse_server("smtp://lab:secret@mail.example.org").is_err());
        assert!(parse_server("http://mail.example.org").is_err());
        assert!(parse_server("smtp://mail.example.org:0").is_err());
    }
}
