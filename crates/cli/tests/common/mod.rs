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
