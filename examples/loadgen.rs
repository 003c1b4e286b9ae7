//! A load generator for `labstock serve` (issue 14's benchmark): N clients,
//! each on its own keep-alive HTTP/1.1 connection and its own session,
//! send one kind of request back to back for a fixed time; the latency of
//! every request is kept and the percentiles printed.
//!
//!     cargo run --release --example loadgen -- --addr 127.0.0.1:8080 \
//!         --user bench --password-file pw --clients 16 --seconds 10 \
//!         --scenario scan --gtin 05012345678900
//!
//! Scenarios: `scan` (POST /api/v1/movements, a GS1 receipt by scan),
//! `stock` (GET /api/v1/stock?item=CODE), `item` (GET /items/CODE, the
//! item page), `dashboard` (GET /). `bench/serve.sh` runs them all on the
//! generated 2M-movement lab and writes the table for BENCHMARKS.md.
//!
//! No HTTP crate: a request is a few header lines, and a response is read
//! by its Content-Length (or chunks), which is all this needs.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

struct Options {
    addr: String,
    user: String,
    password: String,
    clients: usize,
    seconds: u64,
    scenario: String,
    item: String,
    gtin: String,
}

fn usage() -> ! {
    eprintln!(
        "usage: loadgen --addr HOST:PORT --user NAME --password-file FILE \
         [--clients 16] [--seconds 10] --scenario scan|stock|item|dashboard \
         [--item CODE] [--gtin GTIN]"
    );
    std::process::exit(2);
}

fn options() -> Options {
    let mut o = Options {
        addr: String::new(),
        user: String::new(),
        password: String::new(),
        clients: 16,
        seconds: 10,
        scenario: String::new(),
        item: String::new(),
        gtin: String::new(),
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = args.get(i + 1).cloned().unwrap_or_else(|| usage());
        match args[i].as_str() {
            "--addr" => o.addr = value,
            "--user" => o.user = value,
            "--password-file" => {
                o.password = std::fs::read_to_string(&value)
                    .unwrap_or_else(|e| {
                        eprintln!("loadgen: cannot read {value}: {e}");
                        std::process::exit(2)
                    })
                    .trim()
                    .to_owned();
            }
            "--clients" => o.clients = value.parse().unwrap_or_else(|_| usage()),
            "--seconds" => o.seconds = value.parse().unwrap_or_else(|_| usage()),
            "--scenario" => o.scenario = value,
            "--item" => o.item = value,
            "--gtin" => o.gtin = value,
            _ => usage(),
        }
        i += 2;
    }
    if o.addr.is_empty() || o.user.is_empty() || o.scenario.is_empty() {
        usage();
    }
    o
}

/// One keep-alive connection.
struct Client {
    addr: String,
    reader: BufReader<TcpStream>,
    cookie: String,
}

struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Client {
    fn connect(addr: &str) -> std::io::Result<Client> {
        let stream = TcpStream::connect(addr)?;
        stream.set_nodelay(true)?;
        Ok(Client {
            addr: addr.to_owned(),
            reader: BufReader::new(stream),
            cookie: String::new(),
        })
    }

    fn send(&mut self, method: &str, path: &str, body: &str) -> std::io::Result<Response> {
        let mut request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\n\
             Sec-Fetch-Site: same-origin\r\nAccept: application/json, text/html\r\n",
            addr = self.addr
        );
        if !self.cookie.is_empty() {
            request.push_str(&format!("Cookie: {}\r\n", self.cookie));
        }
        if !body.is_empty() {
            request.push_str(&format!(
                "Content-Type: application/json\r\nContent-Length: {}\r\n",
                body.len()
            ));
        }
        request.push_str("\r\n");
        request.push_str(body);
        self.reader.get_mut().write_all(request.as_bytes())?;
        self.read_response()
    }

    fn read_response(&mut self) -> std::io::Result<Response> {
        let bad =
            |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned());
        let mut line = String::new();
        self.reader.read_line(&mut line)?;
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| bad("no status line"))?;
        let mut headers = Vec::new();
        loop {
            line.clear();
            self.reader.read_line(&mut line)?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                headers.push((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
            }
        }
        let header = |name: &str| {
            headers
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        let mut body = Vec::new();
        if let Some(len) = header("content-length").and_then(|v| v.parse::<usize>().ok()) {
            body.resize(len, 0);
            self.reader.read_exact(&mut body)?;
        } else if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
            loop {
                line.clear();
                self.reader.read_line(&mut line)?;
                let size = usize::from_str_radix(line.trim(), 16).map_err(|_| bad("chunk size"))?;
                let mut chunk = vec![0; size + 2];
                self.reader.read_exact(&mut chunk)?;
                if size == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..size]);
            }
        }
        Ok(Response {
            status,
            headers,
            body,
        })
    }

    fn sign_in(&mut self, user: &str, password: &str) -> std::io::Result<()> {
        let body = format!(
            "{{\"user\":{},\"password\":{}}}",
            json_string(user),
            json_string(password)
        );
        let r = self.send("POST", "/api/v1/session", &body)?;
        let cookie = r
            .headers
            .iter()
            .find(|(k, _)| k == "set-cookie")
            .and_then(|(_, v)| v.split(';').next())
            .map(str::to_owned);
        match (r.status, cookie) {
            (200..=299, Some(c)) => {
                self.cookie = c;
                Ok(())
            }
            (status, _) => Err(std::io::Error::other(format!(
                "sign-in answered {status}: {}",
                String::from_utf8_lossy(&r.body)
            ))),
        }
    }
}

fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The request a scenario sends, the n-th time a client sends it.
fn request(o: &Options, client: usize, n: u64) -> (&'static str, String, String) {
    match o.scenario.as_str() {
        "scan" => {
            // Each client receives its own lots, so receipts spread over
            // balances as at several benches.
            let scan = format!("(01){}(17)291231(10)LG{client}-{}", o.gtin, n % 50);
            let body = format!("{{\"kind\":\"receive\",\"scan\":{}}}", json_string(&scan));
            ("POST", "/api/v1/movements".to_owned(), body)
        }
        "stock" => (
            "GET",
            format!("/api/v1/stock?item={}", o.item),
            String::new(),
        ),
        "item" => ("GET", format!("/items/{}", o.item), String::new()),
        "dashboard" => ("GET", "/".to_owned(), String::new()),
        other => {
            eprintln!("loadgen: unknown scenario {other}");
            std::process::exit(2)
        }
    }
}

fn main() {
    let o = Arc::new(options());
    let stop = Arc::new(AtomicBool::new(false));
    let mut handles = Vec::new();
    for client in 0..o.clients {
        let (o, stop) = (Arc::clone(&o), Arc::clone(&stop));
        handles.push(std::thread::spawn(
            move || -> std::io::Result<(Vec<Duration>, u64)> {
                let mut c = Client::connect(&o.addr)?;
                c.sign_in(&o.user, &o.password)?;
                let (mut times, mut failed, mut n) = (Vec::new(), 0u64, 0u64);
                while !stop.load(Ordering::Relaxed) {
                    let (method, path, body) = request(&o, client, n);
                    let start = Instant::now();
                    let r = c.send(method, &path, &body)?;
                    times.push(start.elapsed());
                    if !(200..300).contains(&r.status) {
                        failed += 1;
                        if failed <= 3 {
                            eprintln!(
                                "loadgen: {method} {path} answered {}: {}",
                                r.status,
                                String::from_utf8_lossy(&r.body)
                                    .chars()
                                    .take(300)
                                    .collect::<String>()
                            );
                        }
                    }
                    n += 1;
                }
                Ok((times, failed))
            },
        ));
    }
    let started = Instant::now();
    std::thread::sleep(Duration::from_secs(o.seconds));
    stop.store(true, Ordering::Relaxed);
    let mut all = Vec::new();
    let mut failed = 0;
    for h in handles {
        match h.join() {
            Ok(Ok((times, f))) => {
                all.extend(times);
                failed += f;
            }
            Ok(Err(e)) => eprintln!("loadgen: a client stopped: {e}"),
            Err(_) => eprintln!("loadgen: a client panicked"),
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort_unstable();
    let pct = |p: f64| -> f64 {
        if all.is_empty() {
            return 0.0;
        }
        let i = ((all.len() as f64 * p).ceil() as usize).clamp(1, all.len()) - 1;
        all[i].as_secs_f64() * 1000.0
    };
    println!(
        "scenario={} clients={} requests={} failed={} per_second={:.0} p50_ms={:.2} p95_ms={:.2} p99_ms={:.2} max_ms={:.2}",
        o.scenario,
        o.clients,
        all.len(),
        failed,
        all.len() as f64 / elapsed,
        pct(0.50),
        pct(0.95),
        pct(0.99),
        all.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0),
    );
}
