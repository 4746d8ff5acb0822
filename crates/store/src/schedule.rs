//! The leaders' work schedule of a portal: engagements (day, time, content, who chairs,
//! participants, place, preparing office) written as drafts, published a week at a time by an
//! approver, changed or cancelled afterwards with the change marked. Every version is kept in
//! `schedule_revisions` with who, when and from where; a write names the revision its writer
//! saw.

use crate::portal::Author;
use crate::read::{parse_field, timestamp_text};
use crate::{Result, Store, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

/// What an engagement says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Engagement {
    pub day: NaiveDate,
    /// "08:00", Vietnam's time.
    pub start: String,
    pub content: String,
    pub chair: String,
    pub participants: String,
    pub place: String,
    pub preparer: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleItem {
    pub id: i64,
    pub portal: String,
    pub engagement: Engagement,
    /// draft, published or cancelled.
    pub state: String,
    pub published_at: Option<DateTime<Utc>>,
    /// When it last changed after it was published: the public page says so.
    pub changed_after_publication: Option<DateTime<Utc>>,
    pub revision: i64,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, portal, day, start_time, content, chair, participants, place, preparer, \
     state, published_at, changed_after_publication, revision, updated_by, updated_at";

fn instant(row: &AnyRow, column: &str) -> Result<Option<DateTime<Utc>>> {
    row.try_get::<Option<String>, _>(column)?
        .map(|t| parse_field(&t, column))
        .transpose()
}

fn item_from_row(row: &AnyRow) -> Result<ScheduleItem> {
    Ok(ScheduleItem {
        id: row.try_get("id")?,
        portal: row.try_get("portal")?,
        engagement: Engagement {
            day: parse_field(&row.try_get::<String, _>("day")?, "day")?,
            start: row.try_get("start_time")?,
            content: row.try_get("content")?,
            chair: row.try_get("chair")?,
            participants: row.try_get("participants")?,
            place: row.try_get("place")?,
            preparer: row.try_get("preparer")?,
        },
        state: row.try_get("state")?,
        published_at: instant(row, "published_at")?,
        changed_after_publication: instant(row, "changed_after_publication")?,
        revision: row.try_get("revision")?,
        updated_by: row.try_get("updated_by")?,
        updated_at: parse_field(&row.try_get::<String, _>("updated_at")?, "updated_at")?,
    })
}

impl Store {
    /// Adds an engagement as a draft.
    pub async fn add_engagement(
        &self,
        portal: &str,
        e: &Engagement,
        author: Author<'_>,
    ) -> Result<ScheduleItem> {
        let mut tx = self.begin_write().await?;
        let now = timestamp_text(Utc::now());
        let id: i64 = sqlx::query(
            "INSERT INTO schedule_items (portal, day, start_time, content, chair, participants, \
             place, preparer, state, published_at, changed_after_publication, revision, updated_by, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'draft', NULL, NULL, 1, $9, $10) RETURNING id",
        )
        .bind(portal)
        .bind(e.day.to_string())
        .bind(&e.start)
        .bind(&e.content)
        .bind(&e.chair)
        .bind(&e.participants)
        .bind(&e.place)
        .bind(&e.preparer)
        .bind(author.username)
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        record(&mut tx, id, "create", author, &now).await?;
        tx.commit().await?;
        self.engagement(id).await
    }

    /// Replaces what an engagement says; a published one is marked as changed.
    pub async fn change_engagement(
        &self,
        id: i64,
        seen_revision: i64,
        e: &Engagement,
        author: Author<'_>,
    ) -> Result<ScheduleItem> {
        let mut tx = self.begin_write().await?;
        let current = locked(&mut tx, id, seen_revision).await?;
        let now = timestamp_text(Utc::now());
        let marked = (current.state != "draft").then(|| now.clone());
        sqlx::query(
            "UPDATE schedule_items SET day = $1, start_time = $2, content = $3, chair = $4, \
             participants = $5, place = $6, preparer = $7, \
             changed_after_publication = COALESCE($8, changed_after_publication), \
             revision = revision + 1, updated_by = $9, updated_at = $10 WHERE id = $11",
        )
        .bind(e.day.to_string())
        .bind(&e.start)
        .bind(&e.content)
        .bind(&e.chair)
        .bind(&e.participants)
        .bind(&e.place)
        .bind(&e.preparer)
        .bind(marked)
        .bind(author.username)
        .bind(&now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        record(&mut tx, id, "edit", author, &now).await?;
        tx.commit().await?;
        self.engagement(id).await
    }

    /// Cancels an engagement (kept, and shown as cancelled if it had been published).
    pub async fn cancel_engagement(
        &self,
        id: i64,
        seen_revision: i64,
        author: Author<'_>,
    ) -> Result<ScheduleItem> {
        let mut tx = self.begin_write().await?;
        let current = locked(&mut tx, id, seen_revision).await?;
        let now = timestamp_text(Utc::now());
        let marked = (current.state == "published").then(|| now.clone());
        sqlx::query(
            "UPDATE schedule_items SET state = 'cancelled', \
             changed_after_publication = COALESCE($1, changed_after_publication), \
             revision = revision + 1, updated_by = $2, updated_at = $3 WHERE id = $4",
        )
        .bind(marked)
        .bind(author.username)
        .bind(&now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        record(&mut tx, id, "cancel", author, &now).await?;
        tx.commit().await?;
        self.engagement(id).await
    }

    /// Publishes every draft of a portal's week (`from` to `to`, both included) in one
    /// transaction; how many were published.
    pub async fn publish_week(
        &self,
        portal: &str,
        from: NaiveDate,
        to: NaiveDate,
        author: Author<'_>,
    ) -> Result<usize> {
        let mut tx = self.begin_write().await?;
        let now = timestamp_text(Utc::now());
        let ids: Vec<i64> = sqlx::query(
            "SELECT id FROM schedule_items WHERE portal = $1 AND day >= $2 AND day <= $3 \
             AND state = 'draft' ORDER BY id",
        )
        .bind(portal)
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|row| row.try_get("id"))
        .collect::<std::result::Result<_, _>>()?;
        for id in &ids {
            sqlx::query(
                "UPDATE schedule_items SET state = 'published', published_at = $1, \
                 revision = revision + 1, updated_by = $2, updated_at = $1 WHERE id = $3",
            )
            .bind(&now)
            .bind(author.username)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            record(&mut tx, *id, "publish", author, &now).await?;
        }
        tx.commit().await?;
        Ok(ids.len())
    }

    pub async fn engagement(&self, id: i64) -> Result<ScheduleItem> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM schedule_items WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::Conflict(solieu_i18n::text!("store-engagement-not-found")))?;
        item_from_row(&row)
    }

    /// A portal's engagements from `from` to `to` (both included), by day and time, every
    /// state: the caller shows what its reader may see.
    pub async fn schedule(
        &self,
        portal: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<ScheduleItem>> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM schedule_items WHERE portal = $1 AND day >= $2 AND day <= $3 \
             ORDER BY day, start_time, id"
        )))
        .bind(portal)
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(item_from_row)
        .collect()
    }
}

async fn locked(
    tx: &mut Transaction<'static, Any>,
    id: i64,
    seen_revision: i64,
) -> Result<ScheduleItem> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM schedule_items WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| StoreError::Conflict(solieu_i18n::text!("store-engagement-not-found")))?;
    let item = item_from_row(&row)?;
    if item.revision != seen_revision {
        return Err(StoreError::Conflict(solieu_i18n::text!(
            "store-engagement-changed-meanwhile",
            who = item.updated_by.clone()
        )));
    }
    Ok(item)
}

async fn record(
    tx: &mut Transaction<'static, Any>,
    id: i64,
    action: &str,
    author: Author<'_>,
    at: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO schedule_revisions (item, revision, action, day, start_time, content, chair, \
         participants, place, preparer, state, changed_by, changed_at, changed_from) \
         SELECT id, revision, $1, day, start_time, content, chair, participants, place, preparer, \
         state, $2, $3, $4 FROM schedule_items WHERE id = $5",
    )
    .bind(action)
    .bind(author.username)
    .bind(at)
    .bind(author.from)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
