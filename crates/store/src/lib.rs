//! Storage for solieu: SQLite (one file, the default) or PostgreSQL (a `postgres://` URL).
//!
//! One SQL code path serves both through sqlx's `Any` driver: the SQL is portable (`$n`
//! parameters, `RETURNING`, `IS NOT DISTINCT FROM`), and exact figures and dates are stored as
//! text so neither backend's numeric or date types can round them. What differs per backend
//! is kept small and explicit: the migrations folder and connection set-up ([`Backend`]).
//!
//! Every write goes through [`Store::apply`], one transaction per call: a change set is
//! applied whole or not at all, and every value written adds a revision row naming who, when
//! and from where. Every write transaction of the store begins in `feed.rs`, which makes
//! concurrent writers (other processes included) wait their turn and numbers each change, so a
//! server sees what another process wrote ([`Store::changes_since`]).

mod backup;
mod dhis2;
mod feed;
mod media;
mod portal;
mod programs;
mod questions;
mod read;
mod reports;
mod schedule;
mod shapes;
pub mod test_support;
mod visits;
mod web;
mod write;

use solieu_core::problem::Text;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};
use std::path::Path;

pub use backup::CopyReport;
pub use dhis2::{Dhis2Id, ImportReport, ImportWrite};
pub use feed::{FeedChanges, FeedPosition};
pub use media::{Media, MediaFile, NewMedia, file_href, parse_file_name};
pub use portal::{
    Article, ArticleAt, ArticleQuery, ArticleRevision, ArticleStep, ArticleText, Author, Category,
    NewCategory, Portal, PortalLink,
};
pub use programs::ProgramReport;
pub use questions::{AskLimits, Asked, NewQuestion, Question, QuestionRevision, QuestionStep};
pub use read::{Counts, StoredValue, ValueFilter, ValueForAnalysis};
pub use reports::{NewReport, StoredReport};
pub use schedule::{Engagement, ScheduleItem};
pub use shapes::{ShapesWritten, UnitShape};
pub use visits::{MostRead, VisitBatch};
pub use web::{
    DataSetRow, NewUser, Submission, SubmissionEvent, SubmissionStep, TokenRef, TokenRow, User,
    ValueAbout,
};
pub use write::ApplyReport;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no database at {0}: create one with `solieu init`")]
    Missing(String),
    #[error("cannot open the database {location}: {source}")]
    Connect {
        location: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("cannot bring the database schema up to date: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("the database holds something solieu cannot read: {0}")]
    Corrupt(String),
    /// The change conflicts with what is stored; nothing was written.
    #[error("{}", .0.en)]
    Conflict(Text),
    /// Another writer (a large import) held the database for longer than a write waits;
    /// nothing was written.
    #[error("{}", busy_text().en)]
    Busy,
}

impl StoreError {
    /// Whether another writer held the database too long (this store's own bounded wait, or a
    /// busy or locked database, a serialization failure, a deadlock, a lock timeout): the same
    /// request a moment later would succeed, so a client is told to retry.
    pub fn is_busy(&self) -> bool {
        match self {
            StoreError::Busy => true,
            StoreError::Sql(e) => busy_sql(e),
            _ => false,
        }
    }
}

/// The database errors that mean "another writer is in the way". SQLite's codes are numbers
/// and PostgreSQL's are not, so one test serves both backends.
pub(crate) fn busy_sql(error: &sqlx::Error) -> bool {
    if matches!(error, sqlx::Error::PoolTimedOut) {
        return true;
    }
    let Some(code) = error.as_database_error().and_then(|db| db.code()) else {
        return false;
    };
    match code.parse::<i32>() {
        // Extended result codes keep the primary code in the low byte: 5 is SQLITE_BUSY (and
        // BUSY_RECOVERY, BUSY_SNAPSHOT…), 6 SQLITE_LOCKED.
        Ok(sqlite) => matches!(sqlite & 0xff, 5 | 6),
        // serialization_failure, deadlock_detected, lock_not_available.
        Err(_) => matches!(code.as_ref(), "40001" | "40P01" | "55P03"),
    }
}

/// What a writer that gave up waiting is told.
pub fn busy_text() -> Text {
    solieu_i18n::text!("store-database-busy-another-write-large")
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Where the data lives: a path or `sqlite:` URL for SQLite, `postgres://…` for PostgreSQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub backend: Backend,
    /// As the user wrote it, for messages.
    pub given: String,
    url: String,
    sqlite_path: Option<String>,
}

impl Location {
    pub fn parse(given: &str) -> Location {
        if given.starts_with("postgres://") || given.starts_with("postgresql://") {
            return Location {
                backend: Backend::Postgres,
                given: given.to_string(),
                url: given.to_string(),
                sqlite_path: None,
            };
        }
        let path = given
            .strip_prefix("sqlite://")
            .or_else(|| given.strip_prefix("sqlite:"))
            .unwrap_or(given);
        Location {
            backend: Backend::Sqlite,
            given: given.to_string(),
            url: format!("sqlite://{path}"),
            sqlite_path: Some(path.to_string()),
        }
    }

    /// The SQLite file, if this is SQLite.
    pub fn sqlite_path(&self) -> Option<&Path> {
        self.sqlite_path.as_deref().map(Path::new)
    }
}

/// An open database.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// The SQLite file, for the bulk read that bypasses the pool (see `read.rs`).
    sqlite_path: Option<std::path::PathBuf>,
    /// Recorded writes begun through this handle and its clones ([`Store::writes_begun`]).
    writes_begun: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl Store {
    /// Opens an existing database and brings its schema up to date.
    pub async fn open(location: &Location) -> Result<Store> {
        if let Some(path) = location.sqlite_path()
            && !path.exists()
        {
            return Err(StoreError::Missing(location.given.clone()));
        }
        Store::connect(location, false).await
    }

    /// Opens the database, creating it first if it does not exist (a SQLite file; a
    /// PostgreSQL database must exist, and its tables are created).
    pub async fn create(location: &Location) -> Result<Store> {
        Store::connect(location, true).await
    }

    async fn connect(location: &Location, create: bool) -> Result<Store> {
        install_default_drivers();
        let url = match (location.backend, create) {
            (Backend::Sqlite, true) => format!("{}?mode=rwc", location.url),
            (Backend::Sqlite, false) => format!("{}?mode=rw", location.url),
            (Backend::Postgres, _) => location.url.clone(),
        };
        let backend = location.backend;
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 4 } else { 8 })
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers go on while an import writes; foreign keys are on in
                        // sqlx's SQLite driver by default.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                    }
                    Ok(())
                })
            })
            .connect_with({
                // Statement logging formats every statement's SQL, which costs more than running
                // a batch insert; errors still come back as errors.
                let options: sqlx::any::AnyConnectOptions =
                    url.parse().map_err(|source| StoreError::Connect {
                        location: location.given.clone(),
                        source,
                    })?;
                sqlx::ConnectOptions::disable_statement_logging(options)
            })
            .await
            .map_err(|source| StoreError::Connect {
                location: location.given.clone(),
                source,
            })?;
        match backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&pool).await?,
        }
        Ok(Store {
            pool,
            backend,
            sqlite_path: location.sqlite_path().map(Path::to_path_buf),
            writes_begun: Default::default(),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// An instant as the store writes it ("2026-11-29T03:20:57.940746Z"): such texts sort as the
/// instants do, so a caller can ask for what changed since one.
pub fn timestamp(at: chrono::DateTime<chrono::Utc>) -> String {
    read::timestamp_text(at)
}

/// Now, as the store writes instants.
pub fn now_text() -> String {
    timestamp(chrono::Utc::now())
}
