//! Issue 20, the digest (SPEC §16): everything that needs a person, as
//! text, HTML and JSON, exit 0 / 3, and `--send` over SMTP to a sink
//! these tests start on 127.0.0.1.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use crate::common::Lab;

/// What the sink received in one SMTP session.
#[derive(Debug, Default)]
struct Received {
    from: String,
    to: Vec<String>,
    data: String,
}

/// How the sink answers.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sink {
    Accept,
    /// 554 to MAIL FROM: the server refuses the message.
    Refuse,
}

/// A tiny SMTP server on 127.0.0.1 for one session: 220, EHLO/HELO 250,
/// MAIL/RCPT 250, DATA 354, `.` 250, QUIT 221. Returns its port and what
/// it received.
fn smtp_sink(mode: Sink) -> (u16, mpsc::Receiver<Received>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let Ok((stream, _)) = listener.accept() else {
            return;
        };
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        let received = session(stream, mode);
        let _ = tx.send(received);
    });
    (port, rx)
}

fn session(stream: TcpStream, mode: Sink) -> Received {
    let mut out = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    let mut got = Received::default();
    let mut say = |text: &str| {
        let _ = out.write_all(text.as_bytes());
        let _ = out.flush();
    };
    say("220 sink.test ESMTP\r\n");
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            break;
        }
        let command = line.trim_end().to_owned();
        let upper = command.to_ascii_uppercase();
        if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            say("250-sink.test\r\n250 8BITMIME\r\n");
        } else if upper.starts_with("MAIL FROM:") {
            if mode == Sink::Refuse {
                say("554 5.7.1 relaying denied\r\n");
            } else {
                got.from = command[10..].trim().to_owned();
                say("250 ok\r\n");
            }
        } else if upper.starts_with("RCPT TO:") {
            got.to.push(command[8..].trim().to_owned());
            say("250 ok\r\n");
        } else if upper == "DATA" {
            say("354 go ahead\r\n");
            loop {
                line.clear();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    return got;
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                let unstuffed = line.strip_prefix('.').unwrap_or(&line);
                got.data.push_str(unstuffed);
            }
            say("250 queued\r\n");
        } else if upper == "QUIT" {
            say("221 bye\r\n");
            break;
        } else if upper == "RSET" || upper == "NOOP" {
            say("250 ok\r\n");
        } else {
            say("502 not here\r\n");
        }
    }
    got
}

/// The decoded body of the MIME part of `content_type`.
fn part(message: &str, content_type: &str) -> String {
    let start = message
        .find(&format!("Content-Type: {content_type}"))
        .unwrap_or_else(|| panic!("no {content_type} part in:\n{message}"));
    let boundary = message
        .split("boundary=\"")
        .nth(1)
        .and_then(|b| b.split('"').next())
        .expect("a multipart boundary");
    let rest = &message[start..];
    let (headers, body) = rest.split_once("\r\n\r\n").expect("part headers");
    let body = body.split(&format!("\r\n--{boundary}")).next().unwrap();
    let encoding = headers.to_ascii_lowercase();
    if encoding.contains("content-transfer-encoding: base64") {
        base64(&body.replace("\r\n", ""))
    } else if encoding.contains("content-transfer-encoding: quoted-printable") {
        quoted_printable(body)
    } else {
        body.to_owned()
    }
}

fn base64(text: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in text.bytes().filter(|c| *c != b'=') {
        let v = ALPHABET.iter().position(|a| *a == c).expect("base64") as u32;
        bits = (bits << 6) | v;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    String::from_utf8(out).unwrap()
}

fn quoted_printable(text: &str) -> String {
    let joined = text.replace("=\r\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() + 1 {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// A lab where something needs someone in several sections.
fn busy_lab() -> Lab {
    let lab = Lab::new();
    lab.ok(&["location", "add", "FRIDGE-1"]);
    lab.ok(&[
        "item",
        "add",
        "GLU",
        "--name",
        "Glucose reagent",
        "--lot-tracked",
        "--reorder-level",
        "5",
        "--reorder-qty",
        "10",
    ]);
    lab.ok(&[
        "receive",
        "GLU",
        "2",
        "--lot",
        "G1",
        "--expiry",
        "2026-11-01",
        "--location",
        "FRIDGE-1",
    ]);
    lab.ok(&[
        "receive",
        "GLU",
        "1",
        "--lot",
        "G2",
        "--expiry",
        "2026-11-30",
        "--location",
        "FRIDGE-1",
    ]);
    lab.ok(&[
        "item",
        "add",
        "ACE",
        "--name",
        "Acetone",
        "--ghs",
        "GHS02,GHS07",
        "--signal-word",
        "Danger",
        "--h-statements",
        "H225,H319,EUH066",
    ]);
    lab.ok(&["receive", "ACE", "3"]);
    lab
}

#[test]
fn the_digest_lists_what_needs_someone_where_and_the_command_and_exits_3() {
    let lab = busy_lab();
    let out = lab.run(&["digest"]);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with(
            "labstock digest for 2026-11-21 (lots and equipment looked ahead 14 days)"
        ),
        "{text}"
    );
    for section in [
        "== Reorder (1) ==",
        "== Expired and expiring lots (2) ==",
        "== Safety data sheets (1) ==",
    ] {
        assert!(text.contains(section), "{section}: {text}");
    }
    assert!(
        !text.contains("== Equipment"),
        "an empty section is left out: {text}"
    );
    assert!(!text.contains("== Open stocktakes"), "{text}");
    assert!(text.contains("- lot G1 of GLU Glucose reagent: 2 expired on 2026-11-01\n  where: FRIDGE-1\n  do:    labstock dispose GLU 2 --lot G1 --location FRIDGE-1 --reason expired\n  page:  /lots/GLU/G1\n"), "{text}");
    assert!(
        text.contains("- lot G2 of GLU Glucose reagent: 1 expire on 2026-11-30 (in 9 days)"),
        "{text}"
    );
    assert!(text.contains("- ACE Acetone: no safety data sheet\n  where: MAIN\n  do:    labstock sds add ACE FILE.pdf --revised DATE"), "{text}");
    // --within narrows the look ahead.
    let narrow = lab.run(&["digest", "--within", "3"]);
    assert!(!String::from_utf8_lossy(&narrow.stdout).contains("lot G2"));

    let json: serde_json::Value =
        serde_json::from_slice(&lab.run(&["digest", "--format", "json"]).stdout).unwrap();
    assert_eq!(json["needs_someone"], true);
    let keys: Vec<&str> = json["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["reorder", "expiry", "sds"]);
    let line = &json["sections"][1]["lines"][0];
    assert_eq!(line["where"], "FRIDGE-1");
    assert_eq!(line["page"], "/lots/GLU/G1");

    let html =
        String::from_utf8_lossy(&lab.run(&["digest", "--format", "html"]).stdout).into_owned();
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(html.contains("<h2 id=\"sds\""), "{html}");
    assert!(
        html.contains("<code>labstock sds add ACE FILE.pdf --revised DATE</code>"),
        "{html}"
    );

    // Other formats are usage errors.
    let err = lab.fails(&["digest", "--format", "csv"], 2);
    assert!(err.contains("text"), "{err}");
}

#[test]
fn the_digest_exits_0_when_nothing_needs_anyone() {
    let lab = Lab::new();
    let out = lab.run(&["digest"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("Nothing needs anyone today."));
    let json: serde_json::Value =
        serde_json::from_slice(&lab.run(&["digest", "--format", "json"]).stdout).unwrap();
    assert_eq!(json["needs_someone"], false);
    assert_eq!(json["sections"], serde_json::json!([]));
}

#[test]
fn digest_send_mails_html_with_a_plain_text_part_to_every_recipient() {
    let lab = busy_lab();
    let (port, received) = smtp_sink(Sink::Accept);
    lab.ok(&[
        "config",
        "set",
        "digest.to",
        "lab.manager@example.nhs.uk, Safety.Officer@example.nhs.uk",
    ]);
    lab.ok(&[
        "config",
        "set",
        "digest.from",
        "labstock@lab.example.nhs.uk",
    ]);
    lab.ok(&[
        "config",
        "set",
        "digest.smtp",
        &format!("smtp://127.0.0.1:{port}"),
    ]);
    let before = lab.db_bytes();
    let out = lab.run(&["digest", "--send"]);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("digest sent to lab.manager@example.nhs.uk, Safety.Officer@example.nhs.uk"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty(), "sent, not printed");
    assert_eq!(lab.db_bytes(), before, "sending writes nothing");

    let got = received
        .recv_timeout(Duration::from_secs(20))
        .expect("the sink got a message");
    assert_eq!(got.from, "<labstock@lab.example.nhs.uk>");
    assert_eq!(
        got.to,
        [
            "<lab.manager@example.nhs.uk>",
            "<Safety.Officer@example.nhs.uk>"
        ]
    );
    let message = got.data;
    assert!(
        message.contains("Subject: labstock digest 2026-11-21: 4 things need someone"),
        "{message}"
    );
    assert!(
        message.contains("Content-Type: multipart/alternative"),
        "{message}"
    );
    let text = part(&message, "text/plain");
    let html = part(&message, "text/html");
    for section in ["Reorder", "Expired and expiring lots", "Safety data sheets"] {
        assert!(
            text.contains(&format!("== {section} (")),
            "{section} in the text part: {text}"
        );
        assert!(
            html.contains(&format!(">{section} (")),
            "{section} in the HTML part: {html}"
        );
    }
    assert!(
        text.contains("labstock dispose GLU 2 --lot G1 --location FRIDGE-1 --reason expired"),
        "{text}"
    );
    assert!(
        html.contains("<code>labstock sds add ACE FILE.pdf --revised DATE</code>"),
        "{html}"
    );
}

#[test]
fn digest_send_needs_its_settings_and_names_the_missing_one() {
    let lab = busy_lab();
    let before = lab.db_bytes();
    let err = lab.fails(&["digest", "--send"], 2);
    assert!(err.contains("digest.to"), "{err}");
    assert!(err.contains("labstock config set digest.to"), "{err}");
    lab.ok(&["config", "set", "digest.to", "lab.manager@example.nhs.uk"]);
    let err = lab.fails(&["digest", "--send"], 2);
    assert!(err.contains("digest.smtp"), "{err}");
    assert_ne!(lab.db_bytes(), before);
}

#[test]
fn config_refuses_a_digest_address_or_server_that_is_not_one() {
    let lab = Lab::new();
    let before = lab.db_bytes();
    for (key, value) in [
        ("digest.to", "lab manager"),
        ("digest.to", "ok@example.org, not-an-address"),
        ("digest.to", ""),
        ("digest.from", "labstock"),
        ("digest.smtp", "mail.example.org"),
        ("digest.smtp", "smtp://lab:secret@mail.example.org:587"),
        ("digest.starttls", "sometimes"),
    ] {
        let err = lab.fails(&["config", "set", key, value], 65);
        assert!(err.contains(key), "{key} {value}: {err}");
    }
    let err = lab.fails(
        &[
            "config",
            "set",
            "digest.smtp",
            "smtp://lab:secret@mail.example.org:587",
        ],
        65,
    );
    assert!(err.contains("LABSTOCK_SMTP_PASSWORD"), "{err}");
    assert_eq!(lab.db_bytes(), before, "nothing written");
    lab.ok(&[
        "config",
        "set",
        "digest.smtp",
        "smtps://lab@mail.example.org:465",
    ]);
    lab.ok(&["config", "set", "digest.starttls", "Required"]);
    assert_eq!(lab.ok(&["config", "get", "digest.starttls"]), "required\n");
}

#[test]
fn a_refused_or_unreachable_mail_server_exits_1_naming_it_and_writes_nothing() {
    let lab = busy_lab();
    let (port, received) = smtp_sink(Sink::Refuse);
    lab.ok(&["config", "set", "digest.to", "lab.manager@example.nhs.uk"]);
    lab.ok(&[
        "config",
        "set",
        "digest.smtp",
        &format!("smtp://127.0.0.1:{port}"),
    ]);
    let before = lab.db_bytes();
    let err = lab.fails(&["digest", "--send"], 1);
    assert!(err.contains(&format!("smtp://127.0.0.1:{port}")), "{err}");
    assert_eq!(lab.db_bytes(), before);
    let got = received.recv_timeout(Duration::from_secs(20)).unwrap();
    assert!(got.data.is_empty(), "no message was accepted");

    // Nothing listening there.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    lab.ok(&[
        "config",
        "set",
        "digest.smtp",
        &format!("smtp://127.0.0.1:{port}"),
    ]);
    let before = lab.db_bytes();
    let err = lab.fails(&["digest", "--send"], 1);
    assert!(err.contains(&format!("smtp://127.0.0.1:{port}")), "{err}");
    assert_eq!(lab.db_bytes(), before);
}

#[test]
fn the_dashboard_counts_the_same_digest() {
    use crate::serve::{PASSWORD, Server, cookie, demo_lab};
    let page = |server: &Server, path: &str, session: &str| {
        server.request("GET", path, &[("Cookie", &cookie(session))], None)
    };
    let lab = demo_lab();
    let digest: serde_json::Value = serde_json::from_slice(
        &lab.run(&["digest", "--within", "30", "--format", "json"])
            .stdout,
    )
    .unwrap();
    let count = |key: &str, state: &str| {
        digest["sections"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["key"] == key)
            .flat_map(|s| s["lines"].as_array().unwrap())
            .filter(|l| l["state"] == state)
            .count()
    };
    let server = Server::start(&lab);
    let viewer = server.sign_in("viewer", PASSWORD);
    let text = page(&server, "/", &viewer).body.replace('\n', " ");
    let card = |n: usize, label: &str| {
        format!("<span class=\"count\">{n}</span> <span class=\"label\">{label}")
    };
    let sds = count("sds", "missing") + count("sds", "review");
    assert_eq!(sds, 2, "the demo's two Giemsa items: {digest}");
    assert!(
        text.contains(&card(
            sds,
            "hazardous items without a current safety data sheet"
        )),
        "{text}"
    );
    assert!(
        text.contains(&card(count("stocktakes", "open"), "open stocktakes")),
        "{text}"
    );
    assert!(
        text.contains(&card(count("expiry", "expired"), "lots expired")),
        "{text}"
    );
    assert!(
        text.contains(&card(
            count("waste", "unconsigned"),
            "hazardous waste records"
        )),
        "{text}"
    );
}
