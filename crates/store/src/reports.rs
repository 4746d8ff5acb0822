//! Reports as they were generated. The store keeps the document and the printed figures as
//! the report crate wrote them (JSON text); it does not read inside them.

use crate::read::timestamp_text;
use crate::{Result, Store};
use sqlx::Row;

/// A report to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReport {
    pub unit: String,
    pub period: String,
    /// The template's name (its file, or the built-in one's) and its text.
    pub template: String,
    pub template_text: String,
    /// The document model, JSON.
    pub document: String,
    /// The figures it printed with their provenance, JSON.
    pub figures: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredReport {
    pub id: i64,
    pub report: NewReport,
    pub created_by: String,
    pub created_at: String,
}

fn from_row(row: &sqlx::any::AnyRow) -> Result<StoredReport> {
    Ok(StoredReport {
        id: row.try_get("id")?,
        report: NewReport {
            unit: row.try_get("unit")?,
            period: row.try_get("period")?,
            template: row.try_get("template")?,
            template_text: row.try_get("template_text")?,
            document: row.try_get("document")?,
            figures: row.try_get("figures")?,
        },
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
    })
}

impl Store {
    /// Records a generated report; returns its number.
    pub async fn save_report(&self, report: &NewReport, who: &str) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "INSERT INTO reports (unit, period, template, template_text, document, figures, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(&report.unit)
        .bind(&report.period)
        .bind(&report.template)
        .bind(&report.template_text)
        .bind(&report.document)
        .bind(&report.figures)
        .bind(who)
        .bind(timestamp_text(chrono::Utc::now()))
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(row.try_get("id")?)
    }

    pub async fn report(&self, id: i64) -> Result<Option<StoredReport>> {
        sqlx::query("SELECT * FROM reports WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(from_row)
            .transpose()
    }

    /// Every recorded report, oldest first; for one unit if given.
    pub async fn reports(&self, unit: Option<&str>) -> Result<Vec<StoredReport>> {
        let rows = match unit {
            Some(unit) => {
                sqlx::query("SELECT * FROM reports WHERE unit = $1 ORDER BY id")
                    .bind(unit)
                    .fetch_all(&self.pool)
                    .await?
            }
            None => {
                sqlx::query("SELECT * FROM reports ORDER BY id")
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        rows.iter().map(from_row).collect()
    }
}
