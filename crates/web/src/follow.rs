//! Following the store: what another process writes (`solieu import` beside the server, or
//! later another server over the same PostgreSQL) reaches this server's engine.
//!
//! The server polls the store's revision, a one-row read. When it moved, the values revised
//! since the last look are read (only those rows) and loaded into the engine; a change to the
//! units, lineage or indicators builds a new engine off to the side and swaps it in. The
//! engine still holds stored values only: nothing computed is kept, so nothing goes stale.

use crate::{App, Shared, WebError, load_engine};
use solieu_analytics::{Engine, Entry};
use solieu_store::{FeedPosition, ValueForAnalysis};
use std::time::Duration;

/// What one look at the store brought in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CaughtUp {
    pub values: usize,
    pub rebuilt: bool,
}

impl App {
    /// Brings the engine up to what the store holds now. Saves wait meanwhile (`App::writes`),
    /// so a value a save has just put in the engine is never replaced by an older read of it.
    pub async fn catch_up(&self) -> Result<CaughtUp, WebError> {
        let mut position = self.feed.lock().await;
        if self.store.revision().await? == position.revision {
            return Ok(CaughtUp::default());
        }
        // Articles another process changed: the portal's search sees them too.
        crate::portal::search::catch_up(self).await?;
        let writing = self.writes.lock().await;
        let changes = self.store.changes_since(&position).await?;
        if changes.catalogue_changed {
            drop(writing);
            return self.rebuild(&mut position).await;
        }
        let values = self.take_in(changes.values);
        *position = changes.position;
        self.applied(&position);
        Ok(CaughtUp {
            values,
            rebuilt: false,
        })
    }

    /// A new engine built while requests go on with the old one, then swapped in with the
    /// values saved during the build.
    async fn rebuild(&self, position: &mut FeedPosition) -> Result<CaughtUp, WebError> {
        let from = self.store.feed_position().await?;
        let engine = load_engine(&self.store).await?;
        let _writing = self.writes.lock().await;
        *self.engine.write().unwrap_or_else(|e| e.into_inner()) = engine;
        let since = self.store.changes_since(&from).await?;
        let values = self.take_in(since.values);
        *position = if since.catalogue_changed {
            // Changed again during the build: the next look builds again.
            from
        } else {
            since.position
        };
        self.applied(position);
        Ok(CaughtUp {
            values,
            rebuilt: true,
        })
    }

    fn applied(&self, position: &FeedPosition) {
        self.metrics
            .applied
            .store(position.revision, std::sync::atomic::Ordering::Relaxed);
    }

    fn take_in(&self, values: Vec<ValueForAnalysis>) -> usize {
        if values.is_empty() {
            return 0;
        }
        let entries: Vec<Entry> = values
            .into_iter()
            .map(|v| Entry {
                value_id: v.id,
                record: v.record,
                entered_by: v.updated_by,
            })
            .collect();
        let mut engine = self.engine.write().unwrap_or_else(|e| e.into_inner());
        // A value the engine cannot place is left out as at start-up; it must not hold
        // back the values after it.
        for (id, e) in Engine::load(&mut engine, &entries) {
            eprintln!("solieu serve: stored value {id} cannot be placed: {e}");
        }
        entries.len()
    }
}

/// Looks at the store every `every` until the server stops. A failed look (the database
/// briefly unreachable) is reported and tried again at the next tick.
pub fn follow(app: Shared, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            if let Err(e) = app.catch_up().await {
                eprintln!(
                    "solieu serve: reading what others wrote: {}",
                    e.message().en
                );
            }
        }
    })
}
