//! Where units lie, for the portal's map: one shape per unit version, written whole by an
//! import of boundaries, the shape it replaces kept in the change log.

use crate::write::list_placeholders;
use crate::{Result, Store};
use chrono::NaiveDate;
use sqlx::{AssertSqlSafe, Row};

/// A unit version's shape: GeoJSON geometry text (a MultiPolygon or a Point).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitShape {
    pub code: String,
    /// The version's first day; `None` for a version without one.
    pub valid_from: Option<NaiveDate>,
    pub geometry: String,
}

/// What an import of boundaries changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ShapesWritten {
    pub added: usize,
    pub replaced: usize,
    pub unchanged: usize,
}

fn version_key(valid_from: Option<NaiveDate>) -> String {
    valid_from.map(|d| d.to_string()).unwrap_or_default()
}

impl Store {
    /// Writes `shapes` in one transaction: a new one is added, a different one replaces the
    /// stored shape (kept in the change log with who and when), an equal one is left alone.
    /// `dry_run` counts and writes nothing.
    pub async fn write_shapes(
        &self,
        shapes: &[UnitShape],
        who: &str,
        dry_run: bool,
    ) -> Result<ShapesWritten> {
        let mut tx = self.begin_write().await?;
        let at = crate::now_text();
        let mut written = ShapesWritten::default();
        for shape in shapes {
            let key = version_key(shape.valid_from);
            let before: Option<String> = sqlx::query_scalar(
                "SELECT geometry FROM unit_shapes WHERE unit_code = $1 AND valid_from = $2",
            )
            .bind(&shape.code)
            .bind(&key)
            .fetch_optional(&mut *tx)
            .await?;
            if before.as_deref() == Some(shape.geometry.as_str()) {
                written.unchanged += 1;
                continue;
            }
            let query = if before.is_some() {
                written.replaced += 1;
                "UPDATE unit_shapes SET geometry = $3, changed_by = $4, changed_at = $5 \
                 WHERE unit_code = $1 AND valid_from = $2"
            } else {
                written.added += 1;
                "INSERT INTO unit_shapes (unit_code, valid_from, geometry, changed_by, changed_at) \
                 VALUES ($1, $2, $3, $4, $5)"
            };
            sqlx::query(query)
                .bind(&shape.code)
                .bind(&key)
                .bind(&shape.geometry)
                .bind(who)
                .bind(&at)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO change_log (entity, entity_key, action, before, after, changed_by, changed_at) \
                 VALUES ('boundary', $1, $2, $3, $4, $5, $6)",
            )
            .bind(format!("{}@{key}", shape.code))
            .bind(if before.is_some() { "update" } else { "add" })
            .bind(before)
            .bind(&shape.geometry)
            .bind(who)
            .bind(&at)
            .execute(&mut *tx)
            .await?;
        }
        if dry_run {
            tx.rollback().await?;
        } else {
            tx.commit().await?;
        }
        Ok(written)
    }

    /// The stored shapes of the units with these codes, every version of each.
    pub async fn shapes_of(&self, codes: &[String]) -> Result<Vec<UnitShape>> {
        if codes.is_empty() {
            return Ok(Vec::new());
        }
        let select = format!(
            "SELECT unit_code, valid_from, geometry FROM unit_shapes WHERE unit_code IN ({}) \
             ORDER BY unit_code, valid_from",
            list_placeholders(self.backend, codes.len())
        );
        let mut query = sqlx::query(AssertSqlSafe(select));
        for code in codes {
            query = query.bind(code);
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                let from: String = row.try_get(1)?;
                Ok(UnitShape {
                    code: row.try_get(0)?,
                    valid_from: NaiveDate::parse_from_str(&from, "%Y-%m-%d").ok(),
                    geometry: row.try_get(2)?,
                })
            })
            .collect()
    }
}
