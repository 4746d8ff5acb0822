//! Fresh databases for tests: a new SQLite file or a new PostgreSQL database per test, so
//! tests run in parallel and never see each other's data.
//!
//! PostgreSQL is taken from `SOLIEU_TEST_POSTGRES` (default
//! `postgres://postgres@127.0.0.1:5432/test`). A missing server fails the test: the PostgreSQL
//! backend is part of what the suite checks, not an optional extra.

use crate::Location;
use sqlx::{Connection, Executor};
use std::sync::atomic::{AtomicUsize, Ordering};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

pub fn postgres_admin_url() -> String {
    std::env::var("SOLIEU_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// Creates an empty PostgreSQL database and returns its URL.
pub async fn fresh_postgres() -> Location {
    sqlx::any::install_default_drivers();
    let admin = postgres_admin_url();
    let name = format!(
        "solieu_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0)
    );
    let mut conn = sqlx::AnyConnection::connect(&admin)
        .await
        .unwrap_or_else(|e| {
            panic!(
                "PostgreSQL is needed for the test suite at {admin} (set SOLIEU_TEST_POSTGRES): {e}"
            )
        });
    conn.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .await
        .expect("create a test database");
    conn.close().await.ok();
    let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
    Location::parse(&format!("{base}/{name}"))
}

/// A SQLite file in a new temporary folder; the folder is removed when the guard drops.
pub fn fresh_sqlite() -> (Location, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("test.db");
    (Location::parse(&path.display().to_string()), dir)
}

/// Drops a database made by [`fresh_postgres`], even if connections remain.
pub async fn drop_postgres(location: &Location) {
    let Some(name) = location
        .given
        .rsplit('/')
        .next()
        .filter(|n| n.starts_with("solieu_test_"))
    else {
        return;
    };
    if let Ok(mut conn) = sqlx::AnyConnection::connect(&postgres_admin_url()).await {
        conn.execute(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        )))
        .await
        .ok();
        conn.close().await.ok();
    }
}
