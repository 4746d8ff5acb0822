//! The portal's visit counter as kept: views per portal and day, and per article and day.
//! The server counts in memory and adds its counts here in batches (`add_visits`), so a page
//! view is never a database write; a restart loses at most one batch interval.

use crate::feed::Recorded;
use crate::{Result, Store};
use sqlx::Row;

/// Views to add: (portal or article, day as `YYYY-MM-DD` in Vietnam's calendar, views).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VisitBatch {
    pub portals: Vec<(String, String, i64)>,
    pub articles: Vec<(i64, String, i64)>,
}

/// An article by how often it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MostRead {
    pub article: i64,
    pub title: String,
    pub slug: String,
    pub views: i64,
}

impl Store {
    /// Adds a batch of counts in one transaction. Not a change other servers follow: it does
    /// not move the store's revision.
    pub async fn add_visits(&self, batch: &VisitBatch) -> Result<()> {
        if batch.portals.is_empty() && batch.articles.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin_write_as(Recorded::No).await?;
        for (portal, day, views) in &batch.portals {
            sqlx::query(
                "INSERT INTO portal_visits (portal, day, views) VALUES ($1, $2, $3) \
                 ON CONFLICT (portal, day) DO UPDATE SET views = portal_visits.views + $3",
            )
            .bind(portal)
            .bind(day)
            .bind(views)
            .execute(&mut *tx)
            .await?;
        }
        for (article, day, views) in &batch.articles {
            sqlx::query(
                "INSERT INTO article_visits (article, day, views) VALUES ($1, $2, $3) \
                 ON CONFLICT (article, day) DO UPDATE SET views = article_visits.views + $3",
            )
            .bind(article)
            .bind(day)
            .bind(views)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// A portal's views on `day` and in all.
    pub async fn visit_totals(&self, portal: &str, day: &str) -> Result<(i64, i64)> {
        let row = sqlx::query(
            // PostgreSQL sums BIGINT into NUMERIC: cast back to what both read as i64.
            "SELECT CAST(COALESCE(SUM(CASE WHEN day = $2 THEN views ELSE 0 END), 0) AS BIGINT) AS today, \
             CAST(COALESCE(SUM(views), 0) AS BIGINT) AS total FROM portal_visits WHERE portal = $1",
        )
        .bind(portal)
        .bind(day)
        .fetch_one(&self.pool)
        .await?;
        Ok((row.try_get("today")?, row.try_get("total")?))
    }

    /// A portal's views day by day from `from` on, oldest first.
    pub async fn visits_by_day(&self, portal: &str, from: &str) -> Result<Vec<(String, i64)>> {
        let rows = sqlx::query(
            "SELECT day, views FROM portal_visits WHERE portal = $1 AND day >= $2 ORDER BY day",
        )
        .bind(portal)
        .bind(from)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| Ok((row.try_get("day")?, row.try_get("views")?)))
            .collect()
    }

    /// A portal's most read articles since `from`.
    pub async fn most_read(&self, portal: &str, from: &str, limit: i64) -> Result<Vec<MostRead>> {
        let rows = sqlx::query(
            "SELECT a.id, a.title, a.slug, CAST(SUM(v.views) AS BIGINT) AS views FROM article_visits v \
             JOIN articles a ON a.id = v.article WHERE a.portal = $1 AND v.day >= $2 \
             GROUP BY a.id, a.title, a.slug ORDER BY 4 DESC, a.id LIMIT $3",
        )
        .bind(portal)
        .bind(from)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(MostRead {
                    article: row.try_get("id")?,
                    title: row.try_get("title")?,
                    slug: row.try_get("slug")?,
                    views: row.try_get("views")?,
                })
            })
            .collect()
    }
}
