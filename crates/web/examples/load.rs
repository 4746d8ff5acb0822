//! A load test on loopback: N signed-in users at once, each reading the dashboard, opening
//! its form and saving it, against a running `solieu serve` on the demo database.
//!
//! ```sh
//! solieu --db /tmp/load/demo.db demo --no-serve
//! solieu --db /tmp/load/demo.db serve --listen 127.0.0.1:8090 &
//! cargo run --release -p solieu-web --example load -- 127.0.0.1:8090 100 20 $SERVER_PID
//! ```
//!
//! Arguments: address, users, seconds, the server's process id (for its memory), and the
//! milliseconds each user waits between two requests (0: as fast as the server answers).

use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

struct Conn {
    stream: TcpStream,
    addr: String,
    cookies: Vec<(String, String)>,
}

struct Answer {
    status: u16,
    body: String,
}

impl Conn {
    async fn new(addr: &str) -> Conn {
        Conn {
            stream: TcpStream::connect(addr).await.expect("the server listens"),
            addr: addr.to_string(),
            cookies: Vec::new(),
        }
    }

    async fn request(&mut self, method: &str, path: &str, form: Option<&str>) -> Answer {
        let cookie = self
            .cookies
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let body = form.unwrap_or("");
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nCookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            self.addr,
            body.len()
        );
        self.stream.write_all(head.as_bytes()).await.unwrap();
        let mut raw = Vec::new();
        let mut buf = vec![0u8; 65536];
        let head_end = loop {
            let n = self.stream.read(&mut buf).await.unwrap();
            assert!(n > 0, "the server closed the connection");
            raw.extend_from_slice(&buf[..n]);
            if let Some(i) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
        };
        let head = String::from_utf8_lossy(&raw[..head_end]).to_string();
        let status: u16 = head[9..12].parse().unwrap();
        let mut length = 0;
        for line in head.lines() {
            let lower = line.to_ascii_lowercase();
            if let Some(v) = lower.strip_prefix("content-length:") {
                length = v.trim().parse().unwrap();
            }
            if lower.starts_with("set-cookie:") {
                let pair = line["set-cookie:".len()..]
                    .trim()
                    .split(';')
                    .next()
                    .unwrap();
                let (n, v) = pair.split_once('=').unwrap();
                self.cookies.retain(|(k, _)| k != n);
                self.cookies.push((n.to_string(), v.to_string()));
            }
        }
        while raw.len() < head_end + length {
            let n = self.stream.read(&mut buf).await.unwrap();
            assert!(n > 0, "the server closed the connection early");
            raw.extend_from_slice(&buf[..n]);
        }
        Answer {
            status,
            body: String::from_utf8_lossy(&raw[head_end..head_end + length]).into_owned(),
        }
    }
}

fn csrf(page: &str) -> String {
    let key = "name=\"csrf\" value=\"";
    let at = page.find(key).expect("a csrf field") + key.len();
    page[at..at + page[at..].find('"').unwrap()].to_string()
}

const ACCOUNTS: &[(&str, &str, &str)] = &[
    ("xabinhlieu", "demo-binhlieu", "06838"),
    ("xahoanhmo", "demo-hoanhmo", "06841"),
    ("vanphong", "demo-vanphong", "22"),
];

#[derive(Default)]
struct Times {
    dashboard: Vec<Duration>,
    form: Vec<Duration>,
    save: Vec<Duration>,
    errors: usize,
    statuses: std::collections::BTreeMap<(&'static str, u16), usize>,
}

async fn user(addr: String, k: usize, until: Instant, think: Duration) -> Times {
    let (name, password, unit) = ACCOUNTS[k % ACCOUNTS.len()];
    let mut c = Conn::new(&addr).await;
    let login = c.request("GET", "/login", None).await;
    let token = csrf(&login.body);
    let signed = c
        .request(
            "POST",
            "/login",
            Some(&format!("csrf={token}&username={name}&password={password}")),
        )
        .await;
    assert_eq!(signed.status, 303, "{name} signs in");
    let mut t = Times::default();
    let mut n = 0u64;
    let form = format!(
        "/forms/BC_XA_6T/{}/2026S2",
        if unit == "22" { "06856" } else { unit }
    );
    // Users do not all start in the same millisecond.
    tokio::time::sleep(think.mul_f64((k % 10) as f64 / 10.0)).await;
    while Instant::now() < until {
        n += 1;
        tokio::time::sleep(think).await;
        let start = Instant::now();
        let a = c
            .request(
                "GET",
                &format!("/dashboard?unit={unit}&period=2026S1"),
                None,
            )
            .await;
        t.dashboard.push(start.elapsed());
        t.errors += usize::from(a.status != 200);
        *t.statuses.entry(("dashboard", a.status)).or_default() += 1;
        if n.is_multiple_of(3) {
            let start = Instant::now();
            let page = c.request("GET", &form, None).await;
            t.form.push(start.elapsed());
            t.errors += usize::from(page.status != 200);
            *t.statuses.entry(("form", page.status)).or_default() += 1;
            let token = csrf(&page.body);
            tokio::time::sleep(think).await;
            let start = Instant::now();
            let a = c
                .request(
                    "POST",
                    &form,
                    Some(&format!(
                        "csrf={token}&value%3AKHAM_BENH_XA={}&status%3AKHAM_BENH_XA=estimate",
                        15000 + (k as u64 * 7 + n) % 1000
                    )),
                )
                .await;
            t.save.push(start.elapsed());
            t.errors += usize::from(a.status != 200);
            *t.statuses.entry(("save", a.status)).or_default() += 1;
            if a.status >= 500 && t.statuses[&("save", a.status)] == 1 && k < 3 {
                eprintln!(
                    "save answered {}: {}",
                    a.status,
                    a.body
                        .split("class=\"error\">")
                        .nth(1)
                        .unwrap_or(&a.body)
                        .split("</p>")
                        .next()
                        .unwrap_or("")
                );
            }
        }
    }
    t
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn memory(pid: &str, key: &str) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .map(|l| l.to_string())
        })
        .unwrap_or_else(|| format!("{key} unknown"))
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let addr = args
        .get(1)
        .cloned()
        .unwrap_or_else(|| "127.0.0.1:8090".into());
    let users: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(100);
    let seconds: u64 = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(20);
    let pid = args.get(4).cloned().unwrap_or_default();
    let think = Duration::from_millis(args.get(5).and_then(|a| a.parse().ok()).unwrap_or(0));
    let until = Instant::now() + Duration::from_secs(seconds);
    let tasks: Vec<_> = (0..users)
        .map(|k| tokio::spawn(user(addr.clone(), k, until, think)))
        .collect();
    let mut all = Times::default();
    for task in tasks {
        let t = task.await.unwrap();
        all.dashboard.extend(t.dashboard);
        all.form.extend(t.form);
        all.save.extend(t.save);
        all.errors += t.errors;
        for (k, v) in t.statuses {
            *all.statuses.entry(k).or_default() += v;
        }
    }
    let mut every: Vec<Duration> = all
        .dashboard
        .iter()
        .chain(&all.form)
        .chain(&all.save)
        .copied()
        .collect();
    every.sort();
    println!(
        "{users} users, {seconds} s, {} requests, {} errors",
        every.len(),
        all.errors
    );
    for (name, mut list) in [
        ("dashboard", all.dashboard),
        ("form", all.form),
        ("save", all.save),
        ("all", every),
    ] {
        list.sort();
        println!(
            "{name:<10} n={:<7} p50 {:>6.1} ms  p99 {:>6.1} ms  max {:>6.1} ms",
            list.len(),
            percentile(&list, 0.5),
            percentile(&list, 0.99),
            percentile(&list, 1.0)
        );
    }
    println!("answers: {:?}", all.statuses);
    if !pid.is_empty() {
        println!(
            "server {} / {}",
            memory(&pid, "VmRSS"),
            memory(&pid, "VmHWM")
        );
    }
}
