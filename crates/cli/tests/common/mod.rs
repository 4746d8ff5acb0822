//! Running the `solieu` binary as a user would, against SQLite or PostgreSQL.

#![allow(dead_code, unused_macros, unused_imports)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// Runs `solieu --db DB ARGS…` in English and returns its output.
pub fn solieu(db: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_solieu"))
        .arg("--db")
        .arg(db)
        .arg("--lang")
        .arg("en")
        .args(args)
        .env("SOLIEU_USER", "test-officer")
        .env_remove("SOLIEU_DB")
        .output()
        .expect("the solieu binary runs")
}

/// Like [`solieu`], failing the test unless the command succeeds; returns standard output.
pub fn ok(db: &str, args: &[&str]) -> String {
    let out = solieu(db, args);
    assert!(
        out.status.success(),
        "solieu {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

pub fn paths(files: &[PathBuf]) -> Vec<String> {
    files.iter().map(|p| p.display().to_string()).collect()
}

/// A database for one test on the named backend; SQLite files live in `dir`.
pub async fn database(backend: &str, dir: &Path) -> String {
    match backend {
        "sqlite" => dir.join("test.db").display().to_string(),
        _ => solieu_store::test_support::fresh_postgres().await.given,
    }
}

pub async fn cleanup(db: &str) {
    solieu_store::test_support::drop_postgres(&solieu_store::Location::parse(db)).await;
}

/// A test run once on SQLite and once on PostgreSQL, each with a fresh database.
macro_rules! on_both_backends {
    ($name:ident, |$db:ident, $dir:ident| $body:block) => {
        mod $name {
            use super::*;

            fn run($db: &str, $dir: &std::path::Path) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let dir = tempfile::tempdir().unwrap();
                let db = database("sqlite", dir.path()).await;
                run(&db, dir.path());
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let dir = tempfile::tempdir().unwrap();
                let db = database("postgres", dir.path()).await;
                run(&db, dir.path());
                cleanup(&db).await;
            }
        }
    };
}

pub(crate) use on_both_backends;

/// A running `solieu serve`, stopped when dropped.
pub struct Server {
    pub child: std::process::Child,
    pub port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn serve(db: &str) -> Server {
    serve_with(db, |c| c)
}

/// `solieu serve` on a free port, its command adjusted by `adjust` (environment, log file).
pub fn serve_with(
    db: &str,
    adjust: impl FnOnce(&mut std::process::Command) -> &mut std::process::Command,
) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_solieu"));
    command
        .args(["--db", db, "--lang", "en", "serve", "--listen"])
        .arg(format!("127.0.0.1:{port}"))
        .args(["--poll-interval", "0.2"])
        .env_remove("SOLIEU_DB")
        .stdout(std::process::Stdio::null());
    let child = adjust(&mut command).spawn().unwrap();
    let server = Server { child, port };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "solieu serve did not start"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    server
}

/// The demo approves the district's half-year report of 2020; a test that revises one of its
/// figures has the office reopen it first, as the locks require.
pub fn reopen_district_half_year(db: &str) {
    ok(
        db,
        &[
            "--user",
            "vanphong",
            "workflow",
            "reopen",
            "BC_HUYEN_6T",
            "198",
            "2020S1",
            "--reason",
            "Cập nhật số liệu chính thức",
        ],
    );
}
