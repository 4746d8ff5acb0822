//! Write transactions and the change feed.
//!
//! Every write begins here ([`Store::begin_write`]), so two rules hold for all of them at once:
//!
//! - **Writers wait their turn.** On SQLite a write transaction begins with `BEGIN IMMEDIATE`:
//!   it takes the write lock at the start, where the busy timeout applies, instead of reading
//!   first and failing at once with "database is locked" when it upgrades to a write beside
//!   another process's import. A busy begin is retried a bounded number of times with backoff;
//!   an import keeps its one transaction and the others go after it.
//! - **Every change is numbered.** The transaction then takes the next number of the one-row
//!   counter `store_revision`. Writers are thereby serialised on both backends (on PostgreSQL
//!   by the counter's row lock), so revisions, and the ids of the value revisions and change
//!   log rows written under them, become visible in commit order without gaps to skip: a
//!   reader that has seen everything up to an id has seen every earlier one. A server in
//!   another process polls the counter and reads what came after the ids it knows
//!   ([`Store::changes_since`]).

use crate::read::ValueForAnalysis;
use crate::{Backend, Result, Store, StoreError, busy_sql};
use sqlx::{Any, Row, Transaction};
use std::sync::atomic::Ordering;
use std::time::Duration;

/// How many times a busy `BEGIN IMMEDIATE` is tried. Each try already waits up to SQLite's
/// busy timeout (10 s), so a writer gives up only after about a minute behind another one.
const WRITE_ATTEMPTS: u32 = 6;

/// PostgreSQL's wait for the counter, the same minute: its row lock queues writers itself.
const POSTGRES_LOCK_TIMEOUT: &str = "SET LOCAL lock_timeout = '60s'";

/// The change log entities the analytics engine is built from; a change to one of them
/// means the register or catalogue changed, not just figures.
const ENGINE_ENTITIES: &str = "('unit', 'lineage', 'indicator')";

/// Where a reader of the feed stands: the store revision and the last value revision and
/// change log row it has seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FeedPosition {
    pub revision: i64,
    pub value_revision: i64,
    pub change: i64,
}

/// What changed after a [`FeedPosition`].
#[derive(Debug, Clone, Default)]
pub struct FeedChanges {
    /// Where the reader stands once it has taken these changes in.
    pub position: FeedPosition,
    /// The current state of every value revised since, each value once.
    pub values: Vec<ValueForAnalysis>,
    /// Units, lineage or indicators changed: the engine must be built again.
    pub catalogue_changed: bool,
}

/// Whether the feed records a write: changes other processes may hold in memory do; sessions
/// and tokens, read from the database on every request, need not wake anybody.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Recorded {
    Yes,
    No,
}

impl Store {
    /// Begins a write transaction that the change feed records: the one way every write of
    /// the store starts.
    pub(crate) async fn begin_write(&self) -> Result<Transaction<'static, Any>> {
        self.begin_write_as(Recorded::Yes).await
    }

    pub(crate) async fn begin_write_as(
        &self,
        recorded: Recorded,
    ) -> Result<Transaction<'static, Any>> {
        let mut tx = self.begin_waiting().await?;
        if recorded == Recorded::No {
            return Ok(tx);
        }
        self.writes_begun.fetch_add(1, Ordering::SeqCst);
        if self.backend == Backend::Postgres {
            sqlx::query(POSTGRES_LOCK_TIMEOUT).execute(&mut *tx).await?;
        }
        sqlx::query("UPDATE store_revision SET revision = revision + 1 WHERE id = 1")
            .execute(&mut *tx)
            .await
            .map_err(|e| {
                if busy_sql(&e) {
                    StoreError::Busy
                } else {
                    e.into()
                }
            })?;
        Ok(tx)
    }

    async fn begin_waiting(&self) -> Result<Transaction<'static, Any>> {
        let mut pause = Duration::from_millis(50);
        let mut attempt = 1;
        loop {
            let begun = match self.backend {
                Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
                Backend::Postgres => self.pool.begin().await,
            };
            match begun {
                Err(e) if busy_sql(&e) && attempt < WRITE_ATTEMPTS => {
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_secs(2));
                    attempt += 1;
                }
                Err(e) if busy_sql(&e) => return Err(StoreError::Busy),
                other => return Ok(other?),
            }
        }
    }

    /// How many recorded write transactions this process has begun through this store (its
    /// clones share the count): no query at all, so a cache of what was read can be checked
    /// on every request. Writes of other processes show in [`Store::revision`] instead.
    pub fn writes_begun(&self) -> u64 {
        self.writes_begun.load(Ordering::SeqCst)
    }

    /// The store's revision: how many recorded write transactions it has committed. Cheap
    /// enough to poll every second.
    pub async fn revision(&self) -> Result<i64> {
        let row = sqlx::query("SELECT revision FROM store_revision WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get(0)?)
    }

    /// Where the feed stands now; read before loading everything, so that whatever is
    /// written during the load comes again from [`Store::changes_since`].
    pub async fn feed_position(&self) -> Result<FeedPosition> {
        let row = sqlx::query(
            "SELECT (SELECT revision FROM store_revision WHERE id = 1), \
             (SELECT COALESCE(MAX(id), 0) FROM value_revisions), \
             (SELECT COALESCE(MAX(id), 0) FROM change_log)",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(FeedPosition {
            revision: row.try_get(0)?,
            value_revision: row.try_get(1)?,
            change: row.try_get(2)?,
        })
    }

    /// What was written after `from`: the values revised since (their current state) and
    /// whether the register or catalogue changed. Reads only the rows after `from`'s ids.
    pub async fn changes_since(&self, from: &FeedPosition) -> Result<FeedChanges> {
        let position = self.feed_position().await?;
        if position == *from {
            return Ok(FeedChanges {
                position,
                ..Default::default()
            });
        }
        let catalogue = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM change_log WHERE id > $1 AND id <= $2 AND entity IN {ENGINE_ENTITIES}"
        )))
        .bind(from.change)
        .bind(position.change)
        .fetch_one(&self.pool)
        .await?;
        let values = self
            .values_revised_between(from.value_revision, position.value_revision)
            .await?;
        Ok(FeedChanges {
            position,
            values,
            catalogue_changed: catalogue.try_get::<i64, _>(0)? > 0,
        })
    }

    async fn values_revised_between(&self, after: i64, upto: i64) -> Result<Vec<ValueForAnalysis>> {
        if upto <= after {
            return Ok(Vec::new());
        }
        let sql = format!(
            "{} WHERE v.id IN (SELECT value_id FROM value_revisions WHERE id > $1 AND id <= $2)",
            crate::read::VALUES_FOR_ANALYSIS
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(after)
            .bind(upto)
            .fetch_all(&self.pool)
            .await?;
        let mut parser = crate::read::RowParser::default();
        rows.iter()
            .map(|row| {
                parser.parse(
                    row.try_get(0)?,
                    row.try_get(1)?,
                    row.try_get(2)?,
                    row.try_get::<String, _>(3)?.as_str(),
                    row.try_get::<String, _>(4)?.as_str(),
                    row.try_get::<String, _>(5)?.as_str(),
                    row.try_get::<String, _>(6)?.as_str(),
                    row.try_get(7)?,
                )
            })
            .collect()
    }
}
