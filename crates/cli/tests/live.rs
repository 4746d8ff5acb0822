//! `solieu import` beside a running `solieu serve` on the same database: the server's own
//! saves keep succeeding while the import writes, and the imported figures reach the server
//! without a restart.

mod common;

use common::*;
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

/// The commune officer of the demo and the form it saves; the province office, which reads
/// every commune's figures.
const OFFICER: (&str, &str) = ("xabinhlieu", "demo-binhlieu");
const OFFICE: (&str, &str) = ("vanphong", "demo-vanphong");
const FORM: &str = "/api/v1/forms/BC_XA_6T/06838/2026S1";
/// The old district's communes, which report for the years the generated file covers.
const COMMUNES: &[&str] = &[
    "06838", "06841", "06844", "06847", "06850", "06853", "06856", "06859",
];
const INDICATORS: &[&str] = &["KHAM_BENH_XA", "KHACH_DL", "DOANH_THU_DL"];
const YEARS: std::ops::Range<i32> = 1990..2018;

/// A monthly file of the old district: 28 years × 12 months × 8 communes × 3 indicators
/// (8,064 rows). The value of the commune at index `i` in month `m` is 400 + 10 `i` + `m`,
/// near what the communes report, so the import's outlier check stays quiet.
fn sizeable_file(path: &std::path::Path) {
    let mut csv = String::from("indicator,unit,period,series,value,status,note\n");
    for indicator in INDICATORS {
        for (i, unit) in COMMUNES.iter().enumerate() {
            for year in YEARS {
                for month in 1..=12 {
                    let value = monthly(i, month);
                    csv.push_str(&format!(
                        "{indicator},{unit},{year}-{month:02},actual,{value},official,\n"
                    ));
                }
            }
        }
    }
    std::fs::write(path, csv).unwrap();
}

fn monthly(commune: usize, month: usize) -> i64 {
    400 + 10 * commune as i64 + month as i64
}

/// What the file says a commune's months add up to.
fn total(commune: usize, months: std::ops::RangeInclusive<usize>) -> Value {
    json!(months.map(|m| monthly(commune, m)).sum::<i64>())
}

/// One HTTP/1.1 exchange; the server closes the connection after it.
fn call(
    port: u16,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> (u16, Value) {
    let body = body.map(Value::to_string).unwrap_or_default();
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("the server listens");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let raw = String::from_utf8_lossy(&raw);
    let (head, payload) = raw.split_once("\r\n\r\n").expect("an HTTP answer");
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap();
    (status, serde_json::from_str(payload).unwrap_or(Value::Null))
}

fn sign_in(port: u16, (username, password): (&str, &str)) -> String {
    let (status, body) = call(
        port,
        "POST",
        "/api/v1/tokens",
        None,
        Some(&json!({"username": username, "password": password, "name": "test"})),
    );
    assert_eq!(status, 200, "{body}");
    body["token"].as_str().unwrap().to_string()
}

fn figure(port: u16, token: &str, unit: &str, period: &str) -> Value {
    let (status, body) = call(
        port,
        "GET",
        &format!("/api/v1/figures/KHAM_BENH_XA/{unit}/{period}"),
        Some(token),
        None,
    );
    assert_eq!(status, 200, "{body}");
    body["value"].clone()
}

on_both_backends!(
    an_import_beside_the_server_is_seen_and_saves_go_on,
    |db, dir| {
        ok(db, &["demo", "--no-serve"]);
        let file = dir.join("months.csv");
        sizeable_file(&file);
        let server = serve(db);
        let port = server.port;
        let token = sign_in(port, OFFICER);
        let office = sign_in(port, OFFICE);
        assert_eq!(figure(port, &office, "06838", "2005"), Value::Null);

        let mut import = Command::new(env!("CARGO_BIN_EXE_solieu"))
            .args(["--db", db, "--lang", "en", "import"])
            .arg(&file)
            .env("SOLIEU_USER", "test-importer")
            .env_remove("SOLIEU_DB")
            // Files, not pipes: a pipe nobody reads until the end could stop the import.
            .stdout(std::fs::File::create(dir.join("import.out")).unwrap())
            .stderr(std::fs::File::create(dir.join("import.err")).unwrap())
            .spawn()
            .unwrap();
        // Saves go on while the import runs, and a few after it.
        let mut saves = Vec::new();
        let mut after = 0;
        while after < 3 {
            if import.try_wait().unwrap().is_some() {
                after += 1;
            }
            let value = (1000 + saves.len()).to_string();
            let values = json!({"values": [{"indicator": "KHAM_BENH_XA", "value": value}]});
            saves.push(call(port, "POST", FORM, Some(&token), Some(&values)));
        }
        let status = import.wait().unwrap();
        let said = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
        assert!(
            status.success(),
            "{}{}",
            said("import.out"),
            said("import.err")
        );
        for (i, (status, body)) in saves.iter().enumerate() {
            assert_eq!(*status, 200, "save {i} of {} failed: {body}", saves.len());
        }
        assert_eq!(
            figure(port, &office, "06838", "2026S1"),
            json!(1000 + saves.len() - 1)
        );

        // The imported figures reach the running server, computed from the months.
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let seen = figure(port, &office, "06838", "2005");
            if seen == total(0, 1..=12) {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the imported figures never reached the server: {seen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        assert_eq!(
            figure(port, &office, COMMUNES[3], "2017S2"),
            total(3, 7..=12)
        );
        // The dashboard, which the office opens, lists each commune with what it imported.
        let (status, board) = call(
            port,
            "GET",
            "/api/v1/dashboard?unit=198&period=2017S2&indicator=KHAM_BENH_XA",
            Some(&office),
            None,
        );
        assert_eq!(status, 200, "{board}");
        let row = board["communes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|row| row["unit"] == COMMUNES[3])
            .unwrap_or_else(|| panic!("{} is not on the dashboard: {board}", COMMUNES[3]));
        // Shown the Vietnamese way: 2.715 for 2715.
        assert_eq!(
            row["value"].as_str().unwrap().replace('.', ""),
            total(3, 7..=12).to_string()
        );
        drop(server);
    }
);

/// A GET with the given headers; the status and the body as text.
fn fetch(port: u16, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("the server listens");
    let extra: String = headers
        .iter()
        .map(|(k, v)| format!("{k}: {v}\r\n"))
        .collect();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{extra}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let raw = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = raw.split_once("\r\n\r\n").expect("an HTTP answer");
    (
        head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap(),
        body.to_string(),
    )
}

/// A reader's browser, which the visit counter counts.
const BROWSER: (&str, &str) = (
    "User-Agent",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
);

/// "Đã truy cập: <strong>N</strong>" of a portal page.
fn visits_total(page: &str) -> u64 {
    let at =
        page.find("Đã truy cập: <strong>").expect("the counter") + "Đã truy cập: <strong>".len();
    page[at..at + page[at..].find('<').unwrap()]
        .replace('.', "")
        .parse()
        .unwrap()
}

on_both_backends!(
    an_operator_probes_scrapes_and_stops_the_server,
    |db, dir| {
        ok(db, &["demo", "--no-serve"]);
        let log = dir.join("serve.log");
        let mut server = serve_with(db, |c| {
            c.env("SOLIEU_METRICS_TOKEN", "scrape-me")
                .env("RUST_LOG", "info")
                .args(["--log-format", "json"])
                .stderr(std::fs::File::create(&log).unwrap())
        });
        let port = server.port;
        assert_eq!(fetch(port, "/healthz", &[]), (200, "ok\n".to_string()));
        let (status, ready) = fetch(port, "/readyz", &[]);
        assert_eq!(status, 200, "{ready}");
        assert!(ready.starts_with("ready, lag "), "{ready}");
        for _ in 0..3 {
            assert_eq!(
                fetch(port, "/", &[BROWSER, ("Accept-Language", "vi")]).0,
                200
            );
        }
        // Metrics only for the scraper holding the token.
        assert_eq!(fetch(port, "/metrics", &[]).0, 404);
        assert_eq!(
            fetch(port, "/metrics", &[("Authorization", "Bearer guess")]).0,
            404
        );
        let (status, metrics) = fetch(port, "/metrics", &[("Authorization", "Bearer scrape-me")]);
        assert_eq!(status, 200);
        assert!(
            metrics.contains("solieu_http_request_duration_seconds_count{route=\"/\",method=\"GET\",status=\"200\"} 3"),
            "{metrics}"
        );
        assert!(
            metrics.contains("solieu_applied_revision")
                && metrics.contains("solieu_store_revision")
        );
        let values: u64 = metrics
            .lines()
            .find_map(|l| l.strip_prefix("solieu_engine_values "))
            .and_then(|v| v.trim().parse().ok())
            .expect("the engine's size");
        assert!(values > 50, "{values}");
        // SIGTERM: the server finishes and keeps the three views it counted in memory.
        let stopped = Command::new("kill")
            .args(["-TERM", &server.child.id().to_string()])
            .status()
            .unwrap();
        assert!(stopped.success());
        let deadline = Instant::now() + Duration::from_secs(30);
        let exit = loop {
            if let Some(exit) = server.child.try_wait().unwrap() {
                break exit;
            }
            assert!(Instant::now() < deadline, "the server did not stop");
            std::thread::sleep(Duration::from_millis(50));
        };
        assert!(exit.success(), "{exit:?}");
        let logged = std::fs::read_to_string(&log).unwrap();
        let stopping = logged
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .find(|l| {
                l["fields"]["message"]
                    .as_str()
                    .is_some_and(|m| m.starts_with("stopping"))
            });
        assert!(stopping.is_some(), "{logged}");
        let again = serve(db);
        let (_, page) = fetch(again.port, "/", &[BROWSER]);
        assert_eq!(
            visits_total(&page),
            4,
            "three kept across the restart, and this one"
        );
    }
);
