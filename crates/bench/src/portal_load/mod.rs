//! `solieu-bench --portal-load N`: the portal's public pages under load, beside nginx.
//!
//! A SQLite database holds the demo and N generated articles ([`data`]); the real `solieu
//! serve` serves it as a child process. Its home page and a few hundred article pages are
//! fetched once and written as files that nginx serves at the same paths in the same run: the
//! ceiling of a server that only sends bytes. Then keep-alive clients, anonymous with a
//! browser's user agent, ask each server for the home page, then for article pages at random,
//! every latency recorded. The server's memory is read from `/proc`.

mod data;
mod http;
mod servers;

use http::{Client, Load, Shape};
use servers::Running;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

pub struct Options {
    pub articles: usize,
    pub clients: usize,
    pub seconds: u64,
    /// Article pages fetched once and asked at random.
    pub pages: usize,
    /// Each client's pause between two requests (zero: as fast as the server answers).
    pub pause: Duration,
}

/// The `solieu` binary built beside this one (`cargo build --release -p solieu-cli`).
fn solieu_binary() -> PathBuf {
    let me = std::env::current_exe().expect("this program's path");
    let binary = me.with_file_name("solieu");
    assert!(
        binary.is_file(),
        "{} is missing: cargo build --release -p solieu-cli",
        binary.display()
    );
    binary
}

pub fn run(options: &Options) {
    let solieu = solieu_binary();
    println!(
        "portal under load: {} articles, {} clients, {} s each, {} ms pause",
        options.articles,
        options.clients,
        options.seconds,
        options.pause.as_millis()
    );
    let db = data::database(&solieu, options.articles);
    let dir = std::env::temp_dir()
        .join("solieu-bench")
        .join(format!("load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let (server, startup) = servers::solieu(&solieu, &db, &dir.join("solieu.log"));
    std::thread::sleep(Duration::from_secs(2));
    let idle = servers::memory_kib(server.pid(), "VmRSS");
    let startup_peak = servers::memory_kib(server.pid(), "VmHWM");
    println!(
        "solieu serve answered after {:.1} s; idle resident memory {} (peak while starting {})",
        startup.as_secs_f64(),
        mib(idle),
        mib(startup_peak)
    );
    let paths = article_paths(&db, options.pages);
    let pages = fetch(server.addr, &paths);
    let nginx = start_nginx(&dir, &pages);
    let shape = Shape {
        clients: options.clients,
        duration: Duration::from_secs(options.seconds),
        pause: options.pause,
    };
    let peak_reset = servers::reset_peak(server.pid());
    let mut rows = Vec::new();
    for (page, asked) in [("home", vec!["/".to_string()]), ("article", paths)] {
        rows.push((page, "solieu", http::drive(server.addr, &asked, shape)));
        if let Some(nginx) = &nginx {
            rows.push((page, "nginx", http::drive(nginx.addr, &asked, shape)));
        }
    }
    report(&rows);
    println!(
        "solieu's resident memory after the load {}; peak {} {}",
        mib(servers::memory_kib(server.pid(), "VmRSS")),
        if peak_reset {
            "during the load"
        } else {
            "since start"
        },
        mib(servers::memory_kib(server.pid(), "VmHWM"))
    );
    drop(nginx);
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or("unknown".into(), |k| {
        format!("{:.0} MiB", k as f64 / 1024.0)
    })
}

/// `/tin/{slug}` of `n` public articles of the main portal drawn at random (fixed seed)
/// among them all, so the load reads all over the database, not only its newest rows.
fn article_paths(db: &std::path::Path, n: usize) -> Vec<String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let mut addresses = runtime.block_on(async {
        let location = solieu_store::Location::parse(&db.display().to_string());
        let store = solieu_store::Store::open(&location)
            .await
            .expect("the database");
        let all = store
            .public_addresses(chrono::Utc::now(), i64::MAX)
            .await
            .expect("addresses");
        store.close().await;
        all
    });
    addresses.retain(|(portal, _, _)| portal == data::PORTAL);
    let mut random = super::portal::Rng(20_261_130);
    let mut paths = Vec::with_capacity(n);
    while paths.len() < n.min(addresses.len()) {
        let (_, slug, _) = addresses.swap_remove((random.next() % addresses.len() as u64) as usize);
        paths.push(format!("/tin/{slug}"));
    }
    paths
}

/// Each page once, as the load will ask it: what nginx is given to serve.
fn fetch(addr: SocketAddr, paths: &[String]) -> Vec<(String, Vec<u8>)> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let mut client = Client::connect(addr).await.expect("the server");
        let mut pages = Vec::new();
        for path in std::iter::once(&"/".to_string()).chain(paths) {
            let answer = client.get(path).await.expect("an answer");
            assert_eq!(answer.status, 200, "{path}");
            pages.push((path.clone(), answer.body));
        }
        pages
    })
}

/// nginx serving the same pages, or nothing (said so) if it is not installed or fails.
fn start_nginx(dir: &std::path::Path, pages: &[(String, Vec<u8>)]) -> Option<Running> {
    let Some(binary) = servers::nginx_binary() else {
        println!("nginx is not installed (apt-get install nginx): solieu is measured alone");
        return None;
    };
    match servers::nginx(&binary, &dir.join("nginx"), pages) {
        Ok(nginx) => Some(nginx),
        Err(e) => {
            println!("nginx did not start ({e}): solieu is measured alone");
            None
        }
    }
}

fn report(rows: &[(&str, &str, Load)]) {
    println!("| page | server | requests/s | p50 | p99 | max | errors |");
    println!("|---|---|---|---|---|---|---|");
    for (page, server, load) in rows {
        println!(
            "| {page} | {server} | {:.0} | {:.2} ms | {:.2} ms | {:.1} ms | {} |",
            load.per_second(),
            load.ms(0.5),
            load.ms(0.99),
            load.ms(1.0),
            load.errors
        );
    }
}
