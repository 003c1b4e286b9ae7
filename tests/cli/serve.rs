//! `labstock serve` (SPEC §11, issue 14), tested over HTTP against the real
//! binary on a free loopback port: sign-in, sessions and tokens, lockout,
//! the permission table route by route and role by role, the same-origin
//! rule, malformed and oversized requests, and refusals that write
//! nothing with the CLI's own message.
//!
//! The client is a few lines over `TcpStream` (HTTP/1.1, one request per
//! connection): no HTTP client crate to build, and full control of the
//! headers a browser would or would not send.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::common::{Lab, parse_csv};

pub(crate) const PASSWORD: &str = "bench password 1";
const ROLES: [&str; 5] = ["viewer", "assistant", "supervisor", "manager", "auditor"];

/// A running `labstock serve` on this lab's database; killed on drop.
pub(crate) struct Server {
    child: Child,
    pub(crate) addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve_command(lab: &Lab, args: &[&str]) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("labstock"));
    cmd.env_clear()
        .env("LABSTOCK_DB", &lab.db)
        .env("LABSTOCK_NOW", &lab.now)
        .env("LABSTOCK_USER", "a.tester")
        .env("TZ", "UTC")
        .current_dir(lab.path())
        .arg("serve")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

impl Server {
    /// Start on a free loopback port and wait for the bound address.
    pub(crate) fn start(lab: &Lab) -> Server {
        Server::start_with(lab, &[]).0
    }

    /// Start with more flags; returns the server and what it printed
    /// before it was ready.
    pub(crate) fn start_with(lab: &Lab, extra: &[&str]) -> (Server, String) {
        let mut args = vec!["--listen", "127.0.0.1:0"];
        args.extend_from_slice(extra);
        let mut child = serve_command(lab, &args)
            .spawn()
            .expect("start labstock serve");
        let stderr = child.stderr.take().expect("stderr");
        let mut reader = BufReader::new(stderr);
        let mut said = String::new();
        let addr = loop {
            let mut line = String::new();
            let n = reader.read_line(&mut line).expect("read serve stderr");
            assert!(n > 0, "labstock serve ended before listening:\n{said}");
            said.push_str(&line);
            if let Some(rest) = line
                .split("listening on http://")
                .nth(1)
                .or_else(|| line.split("listening on https://").nth(1))
            {
                break rest.split_whitespace().next().expect("address").to_owned();
            }
        };
        // Keep draining stderr so the server never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut sink = String::new();
            let _ = reader.read_to_string(&mut sink);
        });
        (Server { child, addr }, said)
    }

    pub(crate) fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Response {
        request(&self.addr, method, path, headers, body)
    }

    /// Sign in; returns the session cookie's value.
    pub(crate) fn sign_in(&self, user: &str, password: &str) -> String {
        let body = format!(r#"{{"user":"{user}","password":"{password}"}}"#);
        let r = self.request("POST", "/api/v1/session", &[], Some(&body));
        assert_eq!(r.status, 200, "sign in as {user}: {}", r.body);
        r.cookie().expect("a session cookie")
    }
}

#[derive(Debug)]
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: String,
}

impl Response {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn cookie(&self) -> Option<String> {
        let set = self.header("set-cookie")?;
        let value = set.strip_prefix("labstock_session=")?.split(';').next()?;
        (!value.is_empty()).then(|| value.to_owned())
    }

    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// One HTTP/1.1 request on its own connection.
pub(crate) fn request(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Response {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if let Some(b) = body {
        if !headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
        {
            head.push_str("Content-Type: application/json\r\n");
        }
        head.push_str(&format!("Content-Length: {}\r\n", b.len()));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).expect("send head");
    if let Some(b) = body {
        // The server may answer (413) and close before reading it all.
        let _ = stream.write_all(b.as_bytes());
    }
    let raw = read_response(&mut stream);
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    let body = if chunked {
        unchunk(body)
    } else {
        body.to_owned()
    };
    Response {
        status,
        headers,
        body,
    }
}

/// Read one response: to the end of its `Content-Length` or its last
/// chunk, or to EOF (a peer may keep the connection open despite
/// `Connection: close`, as chromedriver does).
fn read_response(stream: &mut TcpStream) -> Vec<u8> {
    let mut raw = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        if let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok());
            let body = raw.len() - (end + 4);
            if let Some(n) = length
                && body >= n
            {
                break;
            }
            if head.contains("transfer-encoding: chunked") && raw.ends_with(b"0\r\n\r\n") {
                break;
            }
            if length.is_none() && !head.contains("chunked") && head.starts_with("http/1.1 204") {
                break;
            }
        }
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
        }
    }
    raw
}

fn unchunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        body = rest[n..].trim_start_matches("\r\n");
    }
    out
}

pub(crate) fn cookie(session: &str) -> String {
    format!("labstock_session={session}")
}

/// The demo lab with one account per role, each named after its role.
pub(crate) fn demo_lab() -> Lab {
    let lab = Lab::empty();
    lab.ok(&["demo"]);
    for role in ROLES {
        let out = lab.run_stdin(
            &["user", "add", role, "--role", role, "--password-stdin"],
            &format!("{PASSWORD}\n"),
        );
        assert!(out.status.success(), "{out:?}");
    }
    lab
}

fn movements(lab: &Lab) -> usize {
    parse_csv(&lab.ok(&["audit", "--entity", "movement", "--format", "csv"])).len()
}

#[test]
fn serve_refuses_a_database_without_a_manager_and_a_taken_address() {
    let lab = Lab::new();
    let out = serve_command(&lab, &["--listen", "127.0.0.1:0"])
        .output()
        .expect("run serve");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no active manager") && err.contains("labstock user add"),
        "{err}"
    );

    let out = lab.run_stdin(
        &[
            "user",
            "add",
            "boss",
            "--role",
            "manager",
            "--password-stdin",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert!(out.status.success());
    let server = Server::start(&lab);
    let out = serve_command(&lab, &["--listen", &server.addr])
        .output()
        .expect("run serve");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("cannot listen on {}", server.addr)),
        "{err}"
    );
}

#[test]
fn sign_in_sets_a_strict_http_only_cookie_and_security_headers() {
    let lab = demo_lab();
    let server = Server::start(&lab);
    let r = server.request(
        "POST",
        "/api/v1/session",
        &[],
        Some(&format!(r#"{{"user":"viewer","password":"{PASSWORD}"}}"#)),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["role"], "viewer");
    let set = r.header("set-cookie").expect("cookie");
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    assert!(!set.contains("Secure"), "plain HTTP from loopback: {set}");
    let csp = r.header("content-security-policy").expect("csp");
    assert!(
        csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    assert!(r.header("referrer-policy").is_some());
    assert!(r.header("access-control-allow-origin").is_none());

    // Behind a TLS-terminating proxy on this machine the cookie is Secure.
    let r = server.request(
        "POST",
        "/api/v1/session",
        &[("X-Forwarded-Proto", "https")],
        Some(&format!(r#"{{"user":"viewer","password":"{PASSWORD}"}}"#)),
    );
    assert!(
        r.header("set-cookie")
            .is_some_and(|c| c.contains("; Secure")),
        "{r:?}"
    );

    let session = r.cookie().expect("cookie");
    let me = server.request(
        "GET",
        "/api/v1/session",
        &[("Cookie", &cookie(&session))],
        None,
    );
    assert_eq!(me.json()["user"], "viewer");
}

#[test]
fn wrong_password_and_unknown_user_look_alike_and_five_failures_lock_the_name() {
    let lab = demo_lab();
    let server = Server::start(&lab);
    let attempt = |user: &str, password: &str| {
        server.request(
            "POST",
            "/api/v1/session",
            &[],
            Some(&format!(r#"{{"user":"{user}","password":"{password}"}}"#)),
        )
    };
    let wrong = attempt("assistant", "not the password");
    let unknown = attempt("nobody", "not the password");
    assert_eq!((wrong.status, unknown.status), (401, 401));
    assert_eq!(wrong.body, unknown.body);
    for _ in 0..4 {
        assert_eq!(attempt("assistant", "still wrong").status, 401);
        assert_eq!(attempt("nobody", "still wrong").status, 401);
    }
    // The sixth attempt is locked out, even with the right password.
    let locked = attempt("assistant", PASSWORD);
    assert_eq!(locked.status, 429, "{}", locked.body);
    assert!(locked.header("retry-after").is_some());
    let locked_unknown = attempt("nobody", PASSWORD);
    assert_eq!(locked_unknown.status, 429);
    assert_eq!(locked.body, locked_unknown.body);
    // Another name is not affected.
    assert_eq!(attempt("viewer", PASSWORD).status, 200);
    // Never a password in a response.
    assert!(!wrong.body.contains("not the password"));
}

#[test]
fn a_session_ends_after_ten_hours_without_a_request() {
    let mut lab = demo_lab();
    let session = {
        let server = Server::start(&lab);
        server.sign_in("viewer", PASSWORD)
    };
    let alive_at = |lab: &Lab| {
        let server = Server::start(lab);
        server
            .request(
                "GET",
                "/api/v1/session",
                &[("Cookie", &cookie(&session))],
                None,
            )
            .status
    };
    lab.now = "2026-11-21T18:59:00Z".into();
    assert_eq!(alive_at(&lab), 200, "9 h 59 min idle");
    lab.now = "2026-11-22T04:58:00Z".into();
    assert_eq!(
        alive_at(&lab),
        200,
        "the last request restarted the idle time"
    );
    lab.now = "2026-11-22T14:59:00Z".into();
    assert_eq!(alive_at(&lab), 401, "10 h 1 min idle");
}

#[test]
fn requests_without_a_valid_session_or_token_get_401() {
    let lab = demo_lab();
    let server = Server::start(&lab);
    for path in ["/api/v1/stock", "/api/v1/reports/reorder", "/api/v1/audit"] {
        let r = server.request("GET", path, &[], None);
        assert_eq!(r.status, 401, "{path}: {}", r.body);
        assert_eq!(r.json()["exit_code"], 1);
    }
    let forged = cookie(&"ab".repeat(32));
    let r = server.request("GET", "/api/v1/stock", &[("Cookie", &forged)], None);
    assert_eq!(r.status, 401);
    let r = server.request(
        "GET",
        "/api/v1/stock",
        &[("Authorization", "Bearer lst_0000")],
        None,
    );
    assert_eq!(r.status, 401);
}

#[test]
fn sessions_end_with_sign_out_password_change_and_disable() {
    let lab = demo_lab();
    let server = Server::start(&lab);
    let alive = |session: &str| {
        server
            .request(
                "GET",
                "/api/v1/session",
                &[("Cookie", &cookie(session))],
                None,
            )
            .status
    };
    let first = server.sign_in("assistant", PASSWORD);
    let second = server.sign_in("assistant", PASSWORD);
    assert_eq!((alive(&first), alive(&second)), (200, 200));
    let out = server.request(
        "DELETE",
        "/api/v1/session",
        &[("Cookie", &cookie(&first))],
        None,
    );
    assert_eq!(out.status, 204);
    assert!(
        out.header("set-cookie")
            .is_some_and(|c| c.contains("Max-Age=0"))
    );
    assert_eq!((alive(&first), alive(&second)), (401, 200));

    let out = lab.run_stdin(
        &["user", "password", "assistant", "--password-stdin"],
        "a brand new password\n",
    );
    assert!(out.status.success());
    assert_eq!(alive(&second), 401);

    let third = server.sign_in("assistant", "a brand new password");
    let token = lab.ok(&["user", "token", "assistant"]);
    let bearer = format!("Bearer {}", token.trim());
    let with_token = || {
        server
            .request("GET", "/api/v1/stock", &[("Authorization", &bearer)], None)
            .status
    };
    assert_eq!((alive(&third), with_token()), (200, 200));
    lab.ok(&["user", "disable", "assistant"]);
    assert_eq!((alive(&third), with_token()), (401, 401));
    let r = server.request(
        "POST",
        "/api/v1/session",
        &[],
        Some(r#"{"user":"assistant","password":"a brand new password"}"#),
    );
    assert_eq!(r.status, 401);
}

/// The write routes, each with a body that succeeds for a role allowed it.
fn write_routes(lab: &Lab) -> Vec<(&'static str, String, String)> {
    let reversible = lab.csv(&["history", "RGT-CRP"]);
    let id = reversible.last().expect("a movement")[0].clone();
    vec![
        (
            "receive",
            "/api/v1/movements".into(),
            r#"{"kind":"receive","item":"CON-MARKER","quantity":1}"#.into(),
        ),
        (
            "issue",
            "/api/v1/movements".into(),
            r#"{"kind":"issue","item":"RGT-CRP","quantity":1,"location":"FRIDGE-1"}"#.into(),
        ),
        (
            "transfer",
            "/api/v1/movements".into(),
            r#"{"kind":"transfer","item":"CON-MARKER","quantity":1,"to_location":"FRIDGE-1"}"#
                .into(),
        ),
        (
            "count",
            "/api/v1/movements".into(),
            r#"{"kind":"count","item":"CON-MARKER","quantity":3}"#.into(),
        ),
        (
            "adjust",
            "/api/v1/movements".into(),
            r#"{"kind":"adjust","item":"CON-MARKER","quantity":1,"reason":"found"}"#.into(),
        ),
        (
            "dispose",
            "/api/v1/movements".into(),
            r#"{"kind":"dispose","item":"CON-MARKER","quantity":1,"reason":"damaged"}"#.into(),
        ),
        (
            "reverse",
            format!("/api/v1/movements/{id}/reverse"),
            r#"{"reason":"recorded in error"}"#.into(),
        ),
    ]
}

#[test]
fn every_write_route_by_every_role_follows_the_permission_table() {
    // lowest role allowed, per route (SPEC §11)
    let lowest = |route: &str| match route {
        "receive" | "issue" | "transfer" | "count" => 1,
        _ => 2,
    };
    let rank = |role: &str| match role {
        "viewer" => 0,
        "assistant" => 1,
        "supervisor" => 2,
        "manager" => 3,
        _ => -1, // the auditor writes nothing
    };
    for role in ROLES {
        let lab = demo_lab();
        let server = Server::start(&lab);
        let session = cookie(&server.sign_in(role, PASSWORD));
        for (route, path, body) in write_routes(&lab) {
            let before = movements(&lab);
            let r = server.request("POST", &path, &[("Cookie", &session)], Some(&body));
            if rank(role) >= lowest(route) {
                assert_eq!(r.status, 201, "{role} {route}: {}", r.body);
                assert_eq!(movements(&lab), before + 1, "{role} {route}");
                let trail = lab.csv(&["audit", "--entity", "movement"]);
                let user = &trail.last().expect("row")[1];
                assert_eq!(user, role, "the recorder is the signed-in account");
            } else {
                assert_eq!(r.status, 403, "{role} {route}: {}", r.body);
                assert_eq!(movements(&lab), before, "{role} {route} wrote");
            }
        }
    }
}

#[test]
fn every_read_route_by_every_role() {
    let lab = demo_lab();
    let server = Server::start(&lab);
    let reads = [
        "/api/v1/stock?item=RGT-CRP",
        "/api/v1/items?q=crp",
        "/api/v1/history/RGT-CRP",
        "/api/v1/reports/reorder",
        "/api/v1/reports/expiry",
        "/api/v1/reports/usage",
        "/api/v1/reports/calibration-due",
        "/api/v1/reports/waste",
        "/api/v1/reports/consignments",
        "/api/v1/equipment/EQ-0001/check",
    ];
    for role in ROLES {
        let session = cookie(&server.sign_in(role, PASSWORD));
        for path in reads {
            let r = server.request("GET", path, &[("Cookie", &session)], None);
            assert_eq!(r.status, 200, "{role} {path}: {}", r.body);
        }
        let audit = server.request("GET", "/api/v1/audit", &[("Cookie", &session)], None);
        let allowed = matches!(role, "manager" | "auditor");
        assert_eq!(
            audit.status,
            if allowed { 200 } else { 403 },
            "{role}: {}",
            audit.body
        );
    }
}

#[test]
fn lists_are_the_clis_json_and_csv() {
    let lab = demo_lab();
    let server = Server::start(&lab);
    let session = cookie(&server.sign_in("manager", PASSWORD));
    for report in [
        "reorder",
        "expiry",
        "usage",
        "calibration-due",
        "waste",
        "consignments",
    ] {
        let csv = server.request(
            "GET",
            &format!("/api/v1/reports/{report}?format=csv"),
            &[("Cookie", &session)],
            None,
        );
        assert_eq!(csv.status, 200, "{report}: {}", csv.body);
        assert_eq!(
            csv.body,
            lab.ok(&["report", report, "--format", "csv"]),
            "{report}"
        );
        let json = server.request(
            "GET",
            &format!("/api/v1/reports/{report}"),
            &[("Cookie", &session), ("Accept", "application/json")],
            None,
        );
        assert_eq!(
            json.json(),
            serde_json::from_str::<serde_json::Value>(
                &lab.ok(&["report", report, "--format", "json"])
            )
            .expect("cli json"),
            "{report}"
        );
    }
    let by_accept = server.request(
        "GET",
        "/api/v1/stock",
        &[("Cookie", &session), ("Accept", "text/csv")],
        None,
    );
    assert_eq!(by_accept.body, lab.ok(&["stock", "--format", "csv"]));
    let history = server.request(
        "GET",
        "/api/v1/history/RGT-CRP?format=csv",
        &[("Cookie", &session)],
        None,
    );
    assert_eq!(
        history.body,
        lab.ok(&["history", "RGT-CRP", "--format", "csv"])
    );
    let audit = server.request(
        "GET",
        "/api/v1/audit?entity=account&format=csv",
        &[("Cookie", &session)],
        None,
    );
    assert_eq!(
        audit.body,
        lab.ok(&["audit", "--entity", "account", "--format", "csv"])
    );
    let check = server.request(
        "GET",
        "/api/v1/equipment/NOPE-1/check",
        &[("Cookie", &session)],
        None,
    );
    assert_eq!(check.status, 404, "{}", check.body);
}

#[test]
fn cross_origin_oversized_and_malformed_requests_are_refused_and_write_nothing() {
    let lab = demo_lab();
    let server = Server::start(&lab);
    let session = cookie(&server.sign_in("supervisor", PASSWORD));
    let ok_body = r#"{"kind":"receive","item":"CON-MARKER","quantity":1}"#;
    let before = movements(&lab);
    // (extra headers, body, status, what the error says)
    type Case<'a> = (Vec<(&'a str, &'a str)>, String, u16, &'a str);
    let cases: Vec<Case<'_>> = vec![
        (
            vec![("Origin", "http://evil.example")],
            ok_body.into(),
            403,
            "this site",
        ),
        (
            vec![("Sec-Fetch-Site", "cross-site")],
            ok_body.into(),
            403,
            "this site",
        ),
        (
            vec![],
            "{\"kind\": \"receive\",".into(),
            400,
            "malformed JSON",
        ),
        (
            vec![],
            r#"{"kind":"receive","item":"CON-MARKER","quantity":[1]}"#.into(),
            400,
            "\"quantity\"",
        ),
        (
            vec![],
            r#"{"kind":"receive","item":"CON-MARKER","quantity":1,"user":"someone.else"}"#.into(),
            400,
            "\"user\"",
        ),
        (
            vec![],
            r#"{"kind":"receive","item":"CON-MARKER","quantity":1,"colour":"red"}"#.into(),
            400,
            "\"colour\"",
        ),
        (
            vec![],
            format!(
                r#"{{"kind":"receive","item":"CON-MARKER","quantity":1,"note":"{}"}}"#,
                "x".repeat(70_000)
            ),
            413,
            "larger than",
        ),
    ];
    for (headers, body, status, says) in cases {
        let mut all = vec![("Cookie", session.as_str())];
        all.extend(headers.iter().copied());
        let r = server.request("POST", "/api/v1/movements", &all, Some(&body));
        assert_eq!(r.status, status, "{headers:?}: {}", r.body);
        assert!(
            r.json()["error"].as_str().is_some_and(|e| e.contains(says)),
            "{}",
            r.body
        );
    }
    // Same origin passes.
    let r = server.request(
        "POST",
        "/api/v1/movements",
        &[
            ("Cookie", &session),
            ("Origin", &format!("http://{}", server.addr)),
            ("Sec-Fetch-Site", "same-origin"),
        ],
        Some(ok_body),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(movements(&lab), before + 1);
}

#[test]
fn refusals_carry_the_clis_message_and_write_nothing() {
    let lab = demo_lab();
    let server = Server::start(&lab);
    let session = cookie(&server.sign_in("supervisor", PASSWORD));
    // (API body, the same command on the CLI, status)
    let cases: [(&str, &[&str], u16); 6] = [
        (
            r#"{"kind":"issue","item":"NOPE-1","quantity":1}"#,
            &["issue", "NOPE-1", "1"],
            404,
        ),
        (
            r#"{"kind":"issue","item":"CON-MARKER","quantity":"two"}"#,
            &["issue", "CON-MARKER", "two"],
            422,
        ),
        (
            r#"{"kind":"issue","item":"CON-MARKER","quantity":0}"#,
            &["issue", "CON-MARKER", "0"],
            422,
        ),
        (
            r#"{"kind":"issue","item":"CON-MARKER","quantity":5000}"#,
            &["issue", "CON-MARKER", "5000"],
            422,
        ),
        (
            r#"{"kind":"receive","item":"RGT-CRP","quantity":1,"lot":"L1","expiry":"2027-02-30"}"#,
            &[
                "receive",
                "RGT-CRP",
                "1",
                "--lot",
                "L1",
                "--expiry",
                "2027-02-30",
            ],
            422,
        ),
        (
            r#"{"kind":"receive","scan":"(01)04015630198437(17)270331(10)L9"}"#,
            &["receive", "--scan", "(01)04015630198437(17)270331(10)L9"],
            422,
        ),
    ];
    for (body, cli, status) in cases {
        let before = lab.db_bytes().len();
        let moves = movements(&lab);
        let r = server.request(
            "POST",
            "/api/v1/movements",
            &[("Cookie", &session)],
            Some(body),
        );
        assert_eq!(r.status, status, "{body}: {}", r.body);
        let v = r.json();
        assert_eq!(v["exit_code"], 65, "{body}");
        let stderr = lab.fails(cli, 65);
        let cli_error = stderr
            .lines()
            .next()
            .unwrap_or_default()
            .trim_start_matches("error: ");
        assert_eq!(v["error"], cli_error, "{body}");
        assert_eq!(movements(&lab), moves, "{body} wrote");
        let _ = before;
    }
}

#[test]
fn a_scan_receives_the_item_of_the_gtin_with_the_codes_lot_and_expiry() {
    let lab = demo_lab();
    let server = Server::start(&lab);
    let session = cookie(&server.sign_in("assistant", PASSWORD));
    let r = server.request(
        "POST",
        "/api/v1/movements",
        &[("Cookie", &session)],
        Some(r#"{"kind":"receive","scan":"]d2010401563019843617270331\u001d10SCAN-1","location":"FRIDGE-1"}"#),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let m = &r.json()["movements"][0];
    assert_eq!(
        (
            m["item"].as_str(),
            m["lot"].as_str(),
            m["quantity"].as_i64()
        ),
        (Some("RGT-CRP"), Some("SCAN-1"), Some(1))
    );
    let stock = lab.csv(&["stock", "--item", "RGT-CRP", "--lot", "SCAN-1"]);
    assert_eq!(stock[1][3], "2027-03-31");
    let issue = server.request(
        "POST",
        "/api/v1/movements",
        &[("Cookie", &session)],
        Some(r#"{"kind":"issue","scan":"(01)04015630198436(17)270331(10)SCAN-1","location":"FRIDGE-1"}"#),
    );
    assert_eq!(issue.status, 201, "{}", issue.body);
    assert_eq!(issue.json()["movements"][0]["balance"], 0);
}

#[test]
fn an_api_token_acts_as_its_account_without_the_same_origin_rule() {
    let lab = demo_lab();
    let server = Server::start(&lab);
    let token = lab.ok(&["user", "token", "assistant", "--expires", "2026-12-31"]);
    let bearer = format!("Bearer {}", token.trim());
    let r = server.request(
        "POST",
        "/api/v1/movements",
        &[
            ("Authorization", &bearer),
            ("Origin", "http://elsewhere.example"),
        ],
        Some(r#"{"kind":"receive","item":"CON-MARKER","quantity":2}"#),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let r = server.request(
        "POST",
        "/api/v1/movements",
        &[("Authorization", &bearer)],
        Some(r#"{"kind":"adjust","item":"CON-MARKER","quantity":-1,"reason":"x"}"#),
    );
    assert_eq!(r.status, 403, "{}", r.body);
}

#[test]
fn demo_serves_a_fresh_lab_with_one_account_per_role() {
    let lab = Lab::empty();
    let (server, said) = Server::start_with(&lab, &["--demo"]);
    for role in ROLES {
        let line = said
            .lines()
            .find(|l| l.trim_start().starts_with(role) && l.contains("password"))
            .unwrap_or_else(|| panic!("no password for {role}:\n{said}"));
        let password = line.split("password").nth(1).expect("password").trim();
        let session = server.sign_in(role, password);
        assert!(!session.is_empty());
    }
    assert!(
        !lab.ok(&["user", "list", "--format", "csv"])
            .contains("argon2")
    );
}

#[cfg(feature = "tls")]
mod tls {
    use std::io::{Read, Write};
    use std::net::TcpStream;
    use std::path::PathBuf;
    use std::sync::Arc;

    use tokio_rustls::rustls::pki_types::pem::PemObject;
    use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
    use tokio_rustls::rustls::{ClientConfig, ClientConnection, RootCertStore, Stream};

    use super::{PASSWORD, Server, demo_lab, serve_command};

    fn file(name: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/cli/tls")
            .join(name)
    }

    /// One request over TLS, trusting only the test CA.
    fn https(addr: &str, request: &str) -> String {
        let mut roots = RootCertStore::empty();
        roots
            .add(CertificateDer::from_pem_file(file("ca.pem")).expect("ca"))
            .expect("add ca");
        let config = ClientConfig::builder()
            .with_root_certificates(roots)
            .with_no_client_auth();
        let name = ServerName::try_from("localhost").expect("name");
        let mut conn = ClientConnection::new(Arc::new(config), name).expect("client");
        let mut sock = TcpStream::connect(addr).expect("connect");
        let mut tls = Stream::new(&mut conn, &mut sock);
        tls.write_all(request.as_bytes()).expect("send");
        let mut out = Vec::new();
        // A server may close without close_notify: what was read counts.
        let _ = tls.read_to_end(&mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    #[test]
    fn with_a_certificate_the_server_speaks_tls_and_cookies_are_secure() {
        let lab = demo_lab();
        let cert = file("server.pem");
        let key = file("server.key");
        let (server, said) = Server::start_with(
            &lab,
            &[
                "--tls-cert",
                cert.to_str().expect("utf-8"),
                "--tls-key",
                key.to_str().expect("utf-8"),
            ],
        );
        assert!(said.contains("https://"), "{said}");
        let body = format!(r#"{{"user":"manager","password":"{PASSWORD}"}}"#);
        let response = https(
            &server.addr,
            &format!(
                "POST /api/v1/session HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            ),
        );
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
        let cookie = response
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
            .expect("cookie");
        assert!(
            cookie.contains("; Secure") && cookie.contains("HttpOnly"),
            "{cookie}"
        );
        // Plain HTTP to a TLS port gets no answer an HTTP client can use.
        let plain = super::request_raw(&server.addr);
        assert!(!plain.starts_with("HTTP/1.1 200"), "{plain}");
    }

    #[test]
    fn a_missing_or_bad_certificate_stops_the_server_at_start() {
        let lab = demo_lab();
        let out = serve_command(
            &lab,
            &[
                "--listen",
                "127.0.0.1:0",
                "--tls-cert",
                "nope.pem",
                "--tls-key",
                "nope.key",
            ],
        )
        .output()
        .expect("serve");
        assert_eq!(out.status.code(), Some(66), "{out:?}");
        let key = file("server.key");
        let cert = file("server.pem");
        let out = serve_command(
            &lab,
            &[
                "--listen",
                "127.0.0.1:0",
                "--tls-cert",
                key.to_str().expect("utf-8"),
                "--tls-key",
                cert.to_str().expect("utf-8"),
            ],
        )
        .output()
        .expect("serve");
        assert_eq!(out.status.code(), Some(65), "{out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("TLS file"), "{err}");
        // Never the key's content in a message.
        assert!(!err.contains("PRIVATE KEY"), "{err}");
    }
}

/// Whatever a plain-HTTP request to `addr` gets back (for the TLS test).
#[cfg(feature = "tls")]
fn request_raw(addr: &str) -> String {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(15)))
        .expect("timeout");
    let _ = stream.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    let mut out = Vec::new();
    let _ = stream.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// `threads` clients at once, spread over `targets` (address, session
/// cookie), each issuing one CON-MARKER `each` times through the API: the
/// statuses.
fn issue_one_at_a_time(targets: &[(String, String)], threads: usize, each: usize) -> Vec<u16> {
    let handles: Vec<_> = (0..threads)
        .map(|i| {
            let (addr, session) = targets[i % targets.len()].clone();
            std::thread::spawn(move || {
                (0..each)
                    .map(|_| {
                        request(
                            &addr,
                            "POST",
                            "/api/v1/movements",
                            &[("Cookie", &session)],
                            Some(r#"{"kind":"issue","item":"CON-MARKER","quantity":1}"#),
                        )
                        .status
                    })
                    .collect::<Vec<u16>>()
            })
        })
        .collect();
    handles
        .into_iter()
        .flat_map(|t| t.join().expect("thread"))
        .collect()
}

/// The CON-MARKER units the lab holds, at every location.
fn markers_held(lab: &Lab) -> i64 {
    lab.csv(&["stock", "--item", "CON-MARKER"])[1..]
        .iter()
        .map(|r| r[5].parse::<i64>().expect("quantity"))
        .sum()
}

#[test]
fn concurrent_writes_through_the_server_never_overdraw_and_never_fail_as_busy() {
    let lab = demo_lab();
    lab.ok(&["receive", "CON-MARKER", "20"]);
    let server = Server::start(&lab);
    let session = cookie(&server.sign_in("assistant", PASSWORD));
    let statuses = issue_one_at_a_time(&[(server.addr.clone(), session)], 6, 6);
    let issued = statuses.iter().filter(|s| **s == 201).count();
    let refused = statuses.iter().filter(|s| **s == 422).count();
    assert_eq!(issued + refused, 36, "{statuses:?}");
    let held = markers_held(&lab);
    let before: i64 = 20 + 3; // received above, and the demo's 3 at MAIN
    assert_eq!(held, before - issued as i64, "{statuses:?}");
    assert!(held >= 0);
    lab.ok(&["check"]);
}

/// Issue 15: several `serve` processes in front of one database (a
/// network's PostgreSQL; on SQLite, one file) stay correct: issues through
/// both at once never overdraw, none is lost or doubled, none fails busy.
#[test]
fn two_servers_on_one_database_never_overdraw_and_lose_nothing() {
    let lab = demo_lab();
    lab.ok(&["receive", "CON-MARKER", "20"]);
    let servers = [Server::start(&lab), Server::start(&lab)];
    let sessions: Vec<String> = servers
        .iter()
        .map(|s| cookie(&s.sign_in("assistant", PASSWORD)))
        .collect();
    let before = movements(&lab);
    let targets: Vec<(String, String)> = servers
        .iter()
        .zip(sessions)
        .map(|(server, session)| (server.addr.clone(), session))
        .collect();
    let statuses = issue_one_at_a_time(&targets, 8, 5);
    let issued = statuses.iter().filter(|s| **s == 201).count();
    let refused = statuses.iter().filter(|s| **s == 422).count();
    assert_eq!(issued + refused, 40, "{statuses:?}");
    let held = markers_held(&lab);
    let stocked: i64 = 20 + 3; // received above, and the demo's 3 at MAIN
    assert_eq!(held, stocked - issued as i64, "{statuses:?}");
    assert_eq!(issued, 23, "all the stock was issued, no more");
    assert_eq!(movements(&lab), before + issued, "one movement per 201");
    lab.ok(&["check"]);
}

/// Issue 15 at its full size: 16 clients at once, over two `serve`
/// processes in front of one database, each recording 300 receipts and
/// issues of the same balance through the API (on the PostgreSQL pass, a
/// network's server: no single writer). Every one is recorded, once; the
/// balance is what they add up to and never went below zero; `check`
/// proves the balances and every chain.
#[test]
fn sixteen_clients_times_300_receipts_and_issues_through_two_servers_lose_and_double_nothing() {
    const CLIENTS: usize = 16;
    const EACH: usize = 300;
    let lab = demo_lab();
    lab.ok(&["receive", "CON-MARKER", "20"]);
    let start = markers_held(&lab);
    let servers = [Server::start(&lab), Server::start(&lab)];
    let targets: Vec<(String, String)> = servers
        .iter()
        .map(|s| (s.addr.clone(), cookie(&s.sign_in("assistant", PASSWORD))))
        .collect();
    let before = movements(&lab);
    let clients: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let (addr, session) = targets[c % targets.len()].clone();
            std::thread::spawn(move || {
                // Each client receives one, then issues one: its own part
                // of the balance never goes below zero, so none is refused.
                (0..EACH)
                    .map(|i| {
                        let kind = if i % 2 == 0 { "receive" } else { "issue" };
                        let body =
                            format!(r#"{{"kind":"{kind}","item":"CON-MARKER","quantity":1}}"#);
                        let r = request(
                            &addr,
                            "POST",
                            "/api/v1/movements",
                            &[("Cookie", &session)],
                            Some(&body),
                        );
                        (r.status, r.body)
                    })
                    .filter(|(status, _)| *status != 201)
                    .collect::<Vec<(u16, String)>>()
            })
        })
        .collect();
    let failed: Vec<(u16, String)> = clients
        .into_iter()
        .flat_map(|t| t.join().expect("client"))
        .collect();
    assert!(
        failed.is_empty(),
        "{} not recorded: {failed:?}",
        failed.len()
    );
    assert_eq!(
        movements(&lab),
        before + CLIENTS * EACH,
        "one movement per request"
    );
    assert_eq!(markers_held(&lab), start, "as many issued as received");
    let balances = lab.csv(&["stock"]);
    assert!(
        balances[1..].iter().all(|r| !r[5].starts_with('-')),
        "a negative balance"
    );
    lab.ok(&["check"]);
}

#[test]
fn a_write_while_another_process_holds_the_database_gets_503_with_retry_after_and_writes_nothing() {
    let lab = demo_lab();
    // The global --busy-timeout (or LABSTOCK_BUSY_TIMEOUT) is how long the
    // server's writes wait, as the CLI's do.
    let (server, _) = Server::start_with(&lab, &["--busy-timeout", "300ms"]);
    let session = cookie(&server.sign_in("assistant", PASSWORD));
    let before = movements(&lab);
    let receipt = r#"{"kind":"receive","item":"CON-MARKER","quantity":1}"#;
    let holder = lab.hold_write_lock();
    let r = server.request(
        "POST",
        "/api/v1/movements",
        &[("Cookie", &session)],
        Some(receipt),
    );
    assert_eq!(r.status, 503, "{}", r.body);
    assert_eq!(r.header("retry-after"), Some("1"), "{:?}", r.headers);
    let body = r.json();
    assert_eq!(body["exit_code"], 75, "{body}");
    let message = body["error"].as_str().expect("error");
    assert!(
        message.contains("busy") && message.contains("nothing was written"),
        "{message}"
    );
    // A page's form gets the same status and message.
    let form = server.request(
        "POST",
        "/items/CON-MARKER",
        &[
            ("Cookie", &session),
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Origin", &format!("http://{}", server.addr)),
        ],
        Some("kind=receive&quantity=1"),
    );
    assert_eq!(form.status, 503, "{}", form.body);
    assert!(form.body.contains("is busy"), "{}", form.body);
    drop(holder);
    assert_eq!(movements(&lab), before, "nothing written while busy");
    // Released, the same write goes through.
    let r = server.request(
        "POST",
        "/api/v1/movements",
        &[("Cookie", &session)],
        Some(receipt),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(movements(&lab), before + 1);
}

#[test]
fn a_change_of_the_labs_time_zone_applies_to_the_running_server() {
    let lab = demo_lab();
    let server = Server::start(&lab);
    let session = cookie(&server.sign_in("viewer", PASSWORD));
    // LABSTOCK_NOW is 2026-11-21T09:00:00Z: the 21st in UTC, still the
    // 20th in Pago Pago (UTC-11).
    let days = || {
        let r = server.request(
            "GET",
            "/api/v1/reports/expiry?within=3650",
            &[("Cookie", &session)],
            None,
        );
        assert_eq!(r.status, 200, "{}", r.body);
        let rows = r.json();
        let first = &rows.as_array().expect("rows")[0];
        (
            first["item"].as_str().expect("item").to_owned(),
            first["lot"].as_str().unwrap_or_default().to_owned(),
            first["days_until_expiry"].as_i64().expect("days"),
        )
    };
    let (item, lot, in_utc) = days();
    lab.ok(&["config", "set", "timezone", "Pacific/Pago_Pago"]);
    let (item_after, lot_after, in_pago_pago) = days();
    assert_eq!((item_after, lot_after), (item, lot));
    assert_eq!(
        in_pago_pago,
        in_utc + 1,
        "today is a day earlier in the new zone, without a restart"
    );
}
