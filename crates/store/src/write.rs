//! Writing a planned change set in one transaction, with a revision for every value written.

use crate::read::{date_text, timestamp_text};
use crate::{Result, Store, StoreError};
use chrono::{NaiveDate, Utc};
use solieu_core::changes::ChangeSet;
use solieu_core::indicator::Indicator;
use solieu_core::number::canonical;
use solieu_core::problem::Text;
use solieu_core::unit::UnitVersion;
use sqlx::{Any, Row, Transaction};
use std::collections::HashMap;

/// What applying a change set did (or, on a dry run, would do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ApplyReport {
    pub units_added: usize,
    pub units_closed: usize,
    pub events_added: usize,
    pub indicators_added: usize,
    pub indicators_changed: usize,
    pub values_added: usize,
    pub values_changed: usize,
    pub values_unchanged: usize,
}

fn describe_indicator(i: &Indicator) -> String {
    [
        i.name.as_str(),
        i.unit.symbol(),
        &i.group_path(),
        i.aggregate.code(),
        i.time_aggregate.code(),
        &i.decimals.to_string(),
        &i.price_basis.map(|p| p.code()).unwrap_or_default(),
        i.formula.as_ref().map(|f| f.text()).unwrap_or_default(),
    ]
    .join(" | ")
}

fn describe_unit(u: &UnitVersion) -> String {
    format!(
        "{} | {} | {} | {} | {} | {}",
        u.code,
        u.name,
        u.kind,
        u.parent.as_deref().unwrap_or(""),
        date_text(u.valid_from).unwrap_or_default(),
        date_text(u.valid_to).unwrap_or_default()
    )
}

impl Store {
    /// Applies `changes` as `who`, all or nothing. With `dry_run` the transaction is rolled
    /// back, so the report says exactly what would happen and nothing changes.
    pub async fn apply(
        &self,
        changes: &ChangeSet,
        who: &str,
        dry_run: bool,
    ) -> Result<ApplyReport> {
        let mut tx = self.pool.begin().await?;
        let report = apply_in(&mut tx, changes, who).await?;
        if dry_run {
            tx.rollback().await?;
        } else {
            tx.commit().await?;
        }
        Ok(report)
    }
}

const INDICATOR_INSERT: &str = "INSERT INTO indicators (code, name, name_en, unit, group_path, aggregate, \
     time_aggregate, decimals, price_basis, formula) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
const INDICATOR_UPDATE: &str = "UPDATE indicators SET name = $2, name_en = $3, unit = $4, group_path = $5, \
     aggregate = $6, time_aggregate = $7, decimals = $8, price_basis = $9, formula = $10 WHERE code = $1";

/// Runs `sql` (an insert or an update) with the indicator's fields as $1…$10.
async fn write_indicator(
    tx: &mut Transaction<'static, Any>,
    sql: &'static str,
    i: &Indicator,
) -> Result<()> {
    sqlx::query(sql)
        .bind(&i.code)
        .bind(&i.name)
        .bind(i.name_en.clone())
        .bind(i.unit.symbol())
        .bind(i.group_path())
        .bind(i.aggregate.code())
        .bind(i.time_aggregate.code())
        .bind(i64::from(i.decimals))
        .bind(i.price_basis.map(|p| p.code()))
        .bind(i.formula.as_ref().map(|f| f.text().to_string()))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// One line of the change log for units, lineage and indicators.
struct LoggedChange<'a> {
    entity: &'a str,
    key: &'a str,
    action: &'a str,
    before: Option<String>,
    after: Option<String>,
}

async fn log_change(
    tx: &mut Transaction<'static, Any>,
    change: LoggedChange<'_>,
    who: &str,
    at: &str,
) -> Result<()> {
    let LoggedChange {
        entity,
        key,
        action,
        before,
        after,
    } = change;
    sqlx::query(
        "INSERT INTO change_log (entity, entity_key, action, before, after, changed_by, changed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(entity)
    .bind(key)
    .bind(action)
    .bind(before)
    .bind(after)
    .bind(who)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn apply_in(
    tx: &mut Transaction<'static, Any>,
    changes: &ChangeSet,
    who: &str,
) -> Result<ApplyReport> {
    let now = timestamp_text(Utc::now());
    let mut report = ApplyReport::default();

    for (code, valid_from, valid_to) in &changes.closed_units {
        let row = sqlx::query(
            "SELECT id FROM units WHERE code = $1 AND valid_from IS NOT DISTINCT FROM $2",
        )
        .bind(code)
        .bind(date_text(*valid_from))
        .fetch_one(&mut **tx)
        .await?;
        let id: i64 = row.try_get("id")?;
        let later: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM data_values WHERE unit_id = $1 AND period_end > $2",
        )
        .bind(id)
        .bind(valid_to.to_string())
        .fetch_one(&mut **tx)
        .await?
        .try_get("n")?;
        if later > 0 {
            return Err(StoreError::Conflict(Text::new(
                format!(
                    "đơn vị {code} đã có {later} số liệu cho các kỳ kết thúc sau ngày {valid_to}; không thể kết thúc hiệu lực trước đó"
                ),
                format!(
                    "unit {code} has {later} values for periods ending after {valid_to}; it cannot end before them"
                ),
            )));
        }
        sqlx::query("UPDATE units SET valid_to = $1 WHERE id = $2")
            .bind(valid_to.to_string())
            .bind(id)
            .execute(&mut **tx)
            .await?;
        log_change(
            tx,
            LoggedChange {
                entity: "unit",
                key: code,
                action: "close",
                before: None,
                after: Some(valid_to.to_string()),
            },
            who,
            &now,
        )
        .await?;
        report.units_closed += 1;
    }

    for u in &changes.new_units {
        sqlx::query(
            "INSERT INTO units (code, name, kind, parent, valid_from, valid_to) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&u.code)
        .bind(&u.name)
        .bind(u.kind.code())
        .bind(u.parent.clone())
        .bind(date_text(u.valid_from))
        .bind(date_text(u.valid_to))
        .execute(&mut **tx)
        .await?;
        log_change(
            tx,
            LoggedChange {
                entity: "unit",
                key: &u.code,
                action: "add",
                before: None,
                after: Some(describe_unit(u)),
            },
            who,
            &now,
        )
        .await?;
        report.units_added += 1;
    }

    for e in &changes.new_events {
        sqlx::query(
            "INSERT INTO lineage_events (event_date, kind, from_code, to_code, share) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(e.date.to_string())
        .bind(e.kind.code())
        .bind(&e.from)
        .bind(&e.to)
        .bind(e.share.map(canonical))
        .execute(&mut **tx)
        .await?;
        let key = format!("{} {} → {}", e.date, e.from, e.to);
        log_change(
            tx,
            LoggedChange {
                entity: "lineage",
                key: &key,
                action: "add",
                before: None,
                after: Some(e.kind.code().to_string()),
            },
            who,
            &now,
        )
        .await?;
        report.events_added += 1;
    }

    for i in &changes.new_indicators {
        write_indicator(tx, INDICATOR_INSERT, i).await?;
        log_change(
            tx,
            LoggedChange {
                entity: "indicator",
                key: &i.code,
                action: "add",
                before: None,
                after: Some(describe_indicator(i)),
            },
            who,
            &now,
        )
        .await?;
        report.indicators_added += 1;
    }

    for (old, i) in &changes.changed_indicators {
        write_indicator(tx, INDICATOR_UPDATE, i).await?;
        log_change(
            tx,
            LoggedChange {
                entity: "indicator",
                key: &i.code,
                action: "update",
                before: Some(describe_indicator(old)),
                after: Some(describe_indicator(i)),
            },
            who,
            &now,
        )
        .await?;
        report.indicators_changed += 1;
    }

    let mut unit_ids: HashMap<(String, Option<NaiveDate>), i64> = HashMap::new();
    for planned in &changes.values {
        let key = &planned.record.key;
        let figure = &planned.record.figure;
        let unit_key = (key.unit.clone(), planned.unit_valid_from);
        let unit_id = match unit_ids.get(&unit_key) {
            Some(id) => *id,
            None => {
                let id: i64 = sqlx::query(
                    "SELECT id FROM units WHERE code = $1 AND valid_from IS NOT DISTINCT FROM $2",
                )
                .bind(&key.unit)
                .bind(date_text(planned.unit_valid_from))
                .fetch_one(&mut **tx)
                .await?
                .try_get("id")?;
                unit_ids.insert(unit_key, id);
                id
            }
        };
        let period = key.period.code();
        let series = key.series.code();
        let value = canonical(figure.value);
        let existing = sqlx::query(
            "SELECT id, value, status, note, revision FROM data_values \
             WHERE indicator = $1 AND unit_id = $2 AND period = $3 AND series = $4",
        )
        .bind(&key.indicator)
        .bind(unit_id)
        .bind(&period)
        .bind(&series)
        .fetch_optional(&mut **tx)
        .await?;
        let (value_id, revision) = match existing {
            Some(row) => {
                let same = row.try_get::<String, _>("value")? == value
                    && row.try_get::<String, _>("status")? == figure.status.code()
                    && row.try_get::<String, _>("note")? == figure.note;
                if same {
                    report.values_unchanged += 1;
                    continue;
                }
                let id: i64 = row.try_get("id")?;
                let revision: i64 = row.try_get::<i64, _>("revision")? + 1;
                sqlx::query(
                    "UPDATE data_values SET value = $2, status = $3, note = $4, revision = $5, updated_by = $6, \
                     updated_at = $7, source_kind = $8, source_detail = $9 WHERE id = $1",
                )
                .bind(id)
                .bind(&value)
                .bind(figure.status.code())
                .bind(&figure.note)
                .bind(revision)
                .bind(who)
                .bind(&now)
                .bind(planned.source.kind())
                .bind(planned.source.detail())
                .execute(&mut **tx)
                .await?;
                report.values_changed += 1;
                (id, revision)
            }
            None => {
                let id: i64 = sqlx::query(
                    "INSERT INTO data_values (indicator, unit_id, period, period_start, period_end, series, value, status, \
                     note, revision, updated_by, updated_at, source_kind, source_detail) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $11, $12, $13) RETURNING id",
                )
                .bind(&key.indicator)
                .bind(unit_id)
                .bind(&period)
                .bind(key.period.start_date().to_string())
                .bind(key.period.end_date().to_string())
                .bind(&series)
                .bind(&value)
                .bind(figure.status.code())
                .bind(&figure.note)
                .bind(who)
                .bind(&now)
                .bind(planned.source.kind())
                .bind(planned.source.detail())
                .fetch_one(&mut **tx)
                .await?
                .try_get("id")?;
                report.values_added += 1;
                (id, 1)
            }
        };
        sqlx::query(
            "INSERT INTO value_revisions (value_id, revision, value, status, note, changed_by, changed_at, source_kind, source_detail) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(value_id)
        .bind(revision)
        .bind(&value)
        .bind(figure.status.code())
        .bind(&figure.note)
        .bind(who)
        .bind(&now)
        .bind(planned.source.kind())
        .bind(planned.source.detail())
        .execute(&mut **tx)
        .await?;
    }
    Ok(report)
}
