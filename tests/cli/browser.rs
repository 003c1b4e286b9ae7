//! Browser tests (issue 14) in headless Chromium, driven through
//! chromedriver's WebDriver protocol with the same few-line HTTP client as
//! the server tests (no WebDriver crate to build): sign in; the scan
//! station receiving three GS1 codes typed as a keyboard-wedge scanner
//! types them (keys then Enter, one after another without waiting) gives
//! three receipts and three green results with the focus back in the
//! input; a refused scan shows red and writes nothing; an assistant does
//! not see supervisor actions; the reorder CSV the browser downloads is the
//! CLI's.
//!
//! They need Debian's `chromium` and `chromium-driver`
//! (`/usr/bin/chromedriver`); without them each test says plainly on
//! standard error that it was NOT run, and how to run it.

use std::io::Write;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::Lab;
use crate::serve::{PASSWORD, Server, demo_lab, request};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
/// The W3C WebDriver key of an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Whether the browser tests can run here; if not, say so where it shows
/// (straight to stderr: the test harness captures `eprintln!`).
fn browser_available(test: &str) -> bool {
    if std::path::Path::new(CHROMEDRIVER).exists() && std::path::Path::new(CHROMIUM).exists() {
        return true;
    }
    let _ = writeln!(
        std::io::stderr(),
        "browser test {test} NOT RUN: {CHROMEDRIVER} or {CHROMIUM} is missing; \
         install them with `apt-get install chromium chromium-driver` (as .ci/run does) and run `cargo test --test cli browser`"
    );
    false
}

/// chromedriver on a free loopback port, with one headless Chromium
/// session; both ended on drop.
struct Browser {
    driver: Child,
    addr: String,
    session: String,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = request(
            &self.addr,
            "DELETE",
            &format!("/session/{}", self.session),
            &[],
            None,
        );
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Browser {
    fn start() -> Browser {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let mut driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let addr = format!("127.0.0.1:{port}");
        let started = Instant::now();
        loop {
            if std::net::TcpStream::connect(&addr).is_ok()
                && request(&addr, "GET", "/status", &[], None).status == 200
            {
                break;
            }
            if started.elapsed() > Duration::from_secs(20) {
                let _ = driver.kill();
                panic!("chromedriver did not start");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                         "--disable-dev-shm-usage", "--window-size=1280,1000"]
            }
        }}});
        let r = request(&addr, "POST", "/session", &[], Some(&caps.to_string()));
        assert_eq!(r.status, 200, "new session: {}", r.body);
        let session = r.json()["value"]["sessionId"]
            .as_str()
            .expect("session id")
            .to_owned();
        Browser {
            driver,
            addr,
            session,
        }
    }

    fn call(&self, method: &str, path: &str, body: &Value) -> Value {
        let body = body.to_string();
        let r = request(
            &self.addr,
            method,
            &format!("/session/{}{path}", self.session),
            &[],
            (method == "POST").then_some(body.as_str()),
        );
        assert_eq!(r.status, 200, "{method} {path}: {}", r.body);
        r.json()["value"].clone()
    }

    fn go(&self, url: &str) {
        self.call("POST", "/url", &json!({ "url": url }));
    }

    fn find(&self, css: &str) -> String {
        let v = self.call(
            "POST",
            "/element",
            &json!({"using": "css selector", "value": css}),
        );
        v[ELEMENT].as_str().expect("element").to_owned()
    }

    fn count(&self, css: &str) -> usize {
        self.call(
            "POST",
            "/elements",
            &json!({"using": "css selector", "value": css}),
        )
        .as_array()
        .map_or(0, Vec::len)
    }

    fn type_into(&self, css: &str, text: &str) {
        let el = self.find(css);
        self.call(
            "POST",
            &format!("/element/{el}/value"),
            &json!({ "text": text }),
        );
    }

    fn click(&self, css: &str) {
        let el = self.find(css);
        self.call("POST", &format!("/element/{el}/click"), &json!({}));
    }

    fn js(&self, script: &str) -> Value {
        self.call(
            "POST",
            "/execute/sync",
            &json!({"script": script, "args": []}),
        )
    }

    fn js_async(&self, script: &str) -> Value {
        self.call(
            "POST",
            "/execute/async",
            &json!({"script": script, "args": []}),
        )
    }

    /// Wait until `script` returns true (at most 15 s).
    fn wait_for(&self, script: &str, what: &str) {
        let started = Instant::now();
        while self.js(script) != Value::Bool(true) {
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "timed out waiting for {what}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn sign_in(&self, server: &Server, user: &str) {
        self.go(&format!("http://{}/sign-in", server.addr));
        self.type_into("#user", user);
        self.type_into("#password", PASSWORD);
        self.click("button[type=submit]");
        self.wait_for(
            "return document.location.pathname === '/' && document.title.startsWith('Dashboard')",
            "the dashboard after signing in",
        );
    }
}

fn receipts(lab: &Lab) -> usize {
    lab.csv(&["audit", "--entity", "movement"])
        .iter()
        .filter(|r| r.get(4).is_some_and(|a| a == "receive"))
        .count()
}

#[test]
fn the_scan_station_takes_wedge_scans_one_after_another_and_keeps_the_focus() {
    if !browser_available(
        "the_scan_station_takes_wedge_scans_one_after_another_and_keeps_the_focus",
    ) {
        return;
    }
    let lab = demo_lab();
    let server = Server::start(&lab);
    let browser = Browser::start();
    browser.sign_in(&server, "assistant");
    browser.go(&format!("http://{}/scan", server.addr));
    browser.wait_for(
        "return document.activeElement && document.activeElement.id === 'scan'",
        "the focus in the scan input",
    );
    let before = receipts(&lab);
    // Three codes as a wedge scanner types them: keys, then Enter, at once.
    let el = browser.find("#scan");
    for lot in ["W-1", "W-2", "W-3"] {
        browser.call(
            "POST",
            &format!("/element/{el}/value"),
            &json!({"text": format!("(01)04015630198436(17)270331(10){lot}\u{E007}")}),
        );
    }
    browser.wait_for(
        "return document.querySelectorAll('#scan-log li.ok').length === 3",
        "three green results",
    );
    assert_eq!(browser.js("return document.activeElement.id"), "scan");
    assert_eq!(
        browser.js("return document.getElementById('scan').value"),
        ""
    );
    assert_eq!(receipts(&lab), before + 3);
    let lots: Vec<String> = lab.csv(&["stock", "--item", "RGT-CRP"])[1..]
        .iter()
        .map(|r| r[2].clone())
        .collect();
    for lot in ["W-1", "W-2", "W-3"] {
        assert!(
            lots.iter().any(|l| l == lot),
            "{lot} not received: {lots:?}"
        );
    }
    assert_eq!(
        browser.js("return document.getElementById('scan-result').className"),
        "scan-result ok"
    );

    // A refused scan: red, the CLI's reason, nothing written, focus back.
    browser.type_into("#scan", "(01)04015630198437(10)BAD\u{E007}");
    browser.wait_for(
        "return document.querySelectorAll('#scan-log li.bad').length === 1",
        "a red result",
    );
    assert_eq!(
        browser.js("return document.getElementById('scan-result').className"),
        "scan-result bad"
    );
    let text = browser.js("return document.getElementById('scan-result').textContent");
    assert!(
        text.as_str().is_some_and(|t| t.contains("check digit")),
        "{text}"
    );
    assert_eq!(browser.js("return document.activeElement.id"), "scan");
    assert_eq!(receipts(&lab), before + 3);
}

#[test]
fn an_assistant_does_not_see_or_reach_supervisor_actions() {
    if !browser_available("an_assistant_does_not_see_or_reach_supervisor_actions") {
        return;
    }
    let lab = demo_lab();
    let server = Server::start(&lab);
    let browser = Browser::start();
    browser.sign_in(&server, "assistant");
    browser.go(&format!("http://{}/items/RGT-CRP", server.addr));
    assert_eq!(browser.count("select[name=kind] option[value=adjust]"), 0);
    assert_eq!(browser.count("select[name=kind] option[value=dispose]"), 0);
    assert_eq!(browser.count("select[name=kind] option[value=issue]"), 1);
    assert_eq!(browser.count("a[href='/audit']"), 0);
    browser.go(&format!("http://{}/lots/RGT-CRP/615560", server.addr));
    assert_eq!(
        browser.count("form[action^='/lots/'] select[name=action]"),
        0
    );
    // Reaching for it anyway: the server refuses.
    let status = browser.js_async(
        "var done = arguments[arguments.length - 1];
         fetch('/items/RGT-CRP', {method: 'POST',
               headers: {'Content-Type': 'application/x-www-form-urlencoded'},
               body: 'kind=adjust&quantity=1&reason=x'}).then(function (r) { done(r.status); });",
    );
    assert_eq!(status, 403);
    browser.go(&format!("http://{}/audit", server.addr));
    let title = browser.js("return document.querySelector('h1').textContent");
    assert_eq!(title, "Something went wrong");
}

#[test]
fn the_reorder_csv_the_browser_downloads_is_the_clis() {
    if !browser_available("the_reorder_csv_the_browser_downloads_is_the_clis") {
        return;
    }
    let lab = demo_lab();
    let server = Server::start(&lab);
    let browser = Browser::start();
    browser.sign_in(&server, "viewer");
    browser.go(&format!("http://{}/reports/reorder", server.addr));
    let href = browser.js("return document.querySelector('a[download]').getAttribute('href')");
    let href = href.as_str().expect("a download link").to_owned();
    let csv = browser.js_async(&format!(
        "var done = arguments[arguments.length - 1];
         fetch({href:?}).then(function (r) {{ return r.text(); }}).then(done);"
    ));
    assert_eq!(
        csv.as_str().expect("text"),
        lab.ok(&["report", "reorder", "--format", "csv"])
    );
    // The table shows the same lines, a page of them.
    let rows = browser.count("main table tbody tr");
    let lines = lab
        .ok(&["report", "reorder", "--format", "csv"])
        .lines()
        .count()
        - 1;
    assert_eq!(rows, lines.min(50));
}

/// axe-core (npm `axe-core`, MPL-2.0, vendored under tests/cli/axe/),
/// injected into each page to check it against WCAG 2.2 A and AA.
const AXE: &str = include_str!("axe/axe.min.js");

/// The WCAG 2.2 A/AA violations axe finds on the page now shown.
fn axe_violations(browser: &Browser) -> Vec<String> {
    browser.js(AXE);
    let found = browser.js_async(
        "var done = arguments[arguments.length - 1];
         axe.run(document, {runOnly: {type: 'tag', values:
             ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa']}})
           .then(function (r) {
             done(r.violations.map(function (v) {
               return v.id + ' (' + v.impact + '): ' + v.help + ' at ' +
                 v.nodes.slice(0, 3).map(function (n) { return n.target.join(' '); }).join(' | ');
             }));
           }, function (e) { done(['axe failed: ' + e]); });",
    );
    found.as_array().map_or_else(
        || vec![format!("axe gave no answer: {found}")],
        |a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        },
    )
}

#[test]
fn every_page_meets_wcag_2_2_aa_by_axe_core() {
    if !browser_available("every_page_meets_wcag_2_2_aa_by_axe_core") {
        return;
    }
    let lab = demo_lab();
    let server = Server::start(&lab);
    let browser = Browser::start();
    let mut failures = Vec::new();
    browser.go(&format!("http://{}/sign-in", server.addr));
    for v in axe_violations(&browser) {
        failures.push(format!("/sign-in: {v}"));
    }
    browser.sign_in(&server, "manager");
    let pages = [
        "/",
        "/scan",
        "/items?q=crp",
        "/items/RGT-CRP",
        "/items/PRP-PBS",
        "/lots/RGT-CRP/615560",
        "/reports/reorder",
        "/reports/expiry",
        "/reports/usage",
        "/reports/calibration-due",
        "/reports/waste",
        "/reports/consignments",
        "/reports/acceptance",
        "/reports/temperatures",
        "/reports/excursions",
        "/orders",
        "/orders?state=all",
        "/orders/PO-2026-0412",
        "/equipment",
        "/equipment/EQ-0001",
        "/waste",
        "/temperatures",
        "/stocktakes",
        "/audit",
        "/users",
    ];
    for path in pages {
        browser.go(&format!("http://{}{path}", server.addr));
        for v in axe_violations(&browser) {
            failures.push(format!("{path}: {v}"));
        }
    }
    assert!(
        failures.is_empty(),
        "WCAG 2.2 AA violations:\n{}",
        failures.join("\n")
    );
}
