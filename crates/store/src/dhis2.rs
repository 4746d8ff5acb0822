//! The link between DHIS2 identifiers and our codes (`dhis2_ids`, migration 0070), written by a
//! metadata import in the same transaction as the units and indicators it brings.

use crate::programs::write_programs;
use crate::web::put_data_sets_in;
use crate::write::{LoggedChange, log_change};
use crate::{ApplyReport, DataSetRow, ProgramReport, Result, Store};
use chrono::Utc;
use solieu_core::changes::ChangeSet;
use solieu_core::programs::ProgramChanges;
use sqlx::{Any, Row, Transaction};

/// One DHIS2 identifier and the code it became.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dhis2Id {
    /// `orgUnit`, `dataElement`, `indicator`, `dataSet` or `validationRule`.
    pub kind: String,
    /// The UID, or `DE|COC` for one disaggregation of a data element.
    pub dhis2: String,
    /// DHIS2's own code, if the object had one.
    pub code: Option<String>,
    pub ours: String,
}

/// Everything one import writes, in one transaction.
#[derive(Debug, Clone, Copy)]
pub struct ImportWrite<'a> {
    pub changes: &'a ChangeSet,
    pub programs: &'a ProgramChanges,
    pub data_sets: &'a [DataSetRow],
    pub dhis2_ids: &'a [Dhis2Id],
}

/// What an import wrote.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    pub figures: ApplyReport,
    pub programs: ProgramReport,
    pub data_sets_written: usize,
    pub dhis2_ids_written: usize,
}

impl Store {
    /// Every recorded DHIS2 link.
    pub async fn dhis2_ids(&self) -> Result<Vec<Dhis2Id>> {
        sqlx::query("SELECT kind, dhis2, code, ours FROM dhis2_ids ORDER BY kind, dhis2")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| {
                Ok(Dhis2Id {
                    kind: r.try_get("kind")?,
                    dhis2: r.try_get("dhis2")?,
                    code: r.try_get("code")?,
                    ours: r.try_get("ours")?,
                })
            })
            .collect()
    }

    /// Writes figures, program registers, data sets and DHIS2 links: all or none.
    pub async fn apply_import(
        &self,
        write: ImportWrite<'_>,
        who: &str,
        source: &str,
        dry_run: bool,
        progress: &(dyn Fn(usize) + Send + Sync),
    ) -> Result<ImportReport> {
        let mut tx = self.begin_write().await?;
        let figures =
            crate::write::apply_in(self.backend, &mut tx, write.changes, who, progress).await?;
        let programs = write_programs(&mut tx, write.programs, who, source).await?;
        let data_sets_written = put_data_sets_in(&mut tx, write.data_sets, who).await?;
        let dhis2_ids_written = put_ids_in(&mut tx, write.dhis2_ids, who).await?;
        if dry_run {
            tx.rollback().await?;
        } else {
            tx.commit().await?;
        }
        Ok(ImportReport {
            figures,
            programs,
            data_sets_written,
            dhis2_ids_written,
        })
    }
}

/// Adds links, or replaces one whose code changed; each change in the change log.
async fn put_ids_in(
    tx: &mut Transaction<'static, Any>,
    ids: &[Dhis2Id],
    by: &str,
) -> Result<usize> {
    let now = crate::read::timestamp_text(Utc::now());
    let mut written = 0;
    for id in ids {
        let before: Option<String> =
            sqlx::query("SELECT ours FROM dhis2_ids WHERE kind = $1 AND dhis2 = $2")
                .bind(&id.kind)
                .bind(&id.dhis2)
                .fetch_optional(&mut **tx)
                .await?
                .map(|r| r.try_get("ours"))
                .transpose()?;
        if before.as_deref() == Some(id.ours.as_str()) {
            continue;
        }
        sqlx::query("DELETE FROM dhis2_ids WHERE kind = $1 AND dhis2 = $2")
            .bind(&id.kind)
            .bind(&id.dhis2)
            .execute(&mut **tx)
            .await?;
        sqlx::query("INSERT INTO dhis2_ids (kind, dhis2, code, ours) VALUES ($1, $2, $3, $4)")
            .bind(&id.kind)
            .bind(&id.dhis2)
            .bind(&id.code)
            .bind(&id.ours)
            .execute(&mut **tx)
            .await?;
        let key = format!("{} {}", id.kind, id.dhis2);
        let change = LoggedChange {
            entity: "dhis2_id",
            key: &key,
            action: if before.is_some() { "change" } else { "add" },
            before,
            after: Some(id.ours.clone()),
        };
        log_change(tx, change, by, &now).await?;
        written += 1;
    }
    Ok(written)
}
