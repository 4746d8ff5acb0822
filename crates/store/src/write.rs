//! Writing a planned change set in one transaction, with a revision for every value written.

use crate::read::{date_text, timestamp_text};
use crate::{Backend, Result, Store, StoreError};
use chrono::Utc;
use solieu_core::changes::ChangeSet;
use solieu_core::indicator::Indicator;
use solieu_core::number::canonical;
use solieu_core::unit::UnitVersion;
use sqlx::{Any, AssertSqlSafe, Row, Transaction};
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
    pub rules_written: usize,
    pub findings_kept: usize,
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
        self.apply_reporting(changes, who, dry_run, &|_| {}).await
    }

    /// [`Store::apply`], calling `progress` with the number of values written so far after
    /// each batch, for a progress bar on large imports.
    pub async fn apply_reporting(
        &self,
        changes: &ChangeSet,
        who: &str,
        dry_run: bool,
        progress: &(dyn Fn(usize) + Send + Sync),
    ) -> Result<ApplyReport> {
        let mut tx = self.begin_write().await?;
        let report = apply_in(self.backend, &mut tx, changes, who, progress).await?;
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

/// One line of the change log: units, lineage, indicators, data sets, DHIS2 links.
pub(crate) struct LoggedChange<'a> {
    pub entity: &'a str,
    pub key: &'a str,
    pub action: &'a str,
    pub before: Option<String>,
    pub after: Option<String>,
}

pub(crate) async fn log_change(
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

pub(crate) async fn apply_in(
    backend: Backend,
    tx: &mut Transaction<'static, Any>,
    changes: &ChangeSet,
    who: &str,
    progress: &(dyn Fn(usize) + Send + Sync),
) -> Result<ApplyReport> {
    let now = timestamp_text(Utc::now());
    let mut report = ApplyReport::default();
    let locks = Locks::load(tx, &changes.values).await?;

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
            return Err(StoreError::Conflict(solieu_i18n::text!(
                "store-unit-has-values-periods-ending",
                code = code,
                later = later,
                valid_to = valid_to
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

    for rule in &changes.rules {
        let before: Option<String> = sqlx::query("SELECT left_side, operator, right_side, importance, tolerance, message FROM validation_rules WHERE code = $1")
            .bind(&rule.code)
            .fetch_optional(&mut **tx)
            .await?
            .map(|r| -> Result<String> {
                Ok(format!(
                    "{} {} {} | {} | ±{} | {}",
                    r.try_get::<String, _>(0)?,
                    r.try_get::<String, _>(1)?,
                    r.try_get::<String, _>(2)?,
                    r.try_get::<String, _>(3)?,
                    r.try_get::<String, _>(4)?,
                    r.try_get::<String, _>(5)?
                ))
            })
            .transpose()?;
        sqlx::query("DELETE FROM validation_rules WHERE code = $1")
            .bind(&rule.code)
            .execute(&mut **tx)
            .await?;
        sqlx::query(
            "INSERT INTO validation_rules (code, name, left_side, operator, right_side, importance, tolerance, message) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&rule.code)
        .bind(&rule.name)
        .bind(rule.left.text())
        .bind(rule.operator.symbol())
        .bind(rule.right.text())
        .bind(rule.importance.code())
        .bind(canonical(rule.tolerance))
        .bind(&rule.message)
        .execute(&mut **tx)
        .await?;
        let after = format!(
            "{} | {} | ±{} | {}",
            rule.text(),
            rule.importance.code(),
            canonical(rule.tolerance),
            rule.message
        );
        let action = if before.is_some() { "update" } else { "add" };
        log_change(
            tx,
            LoggedChange {
                entity: "rule",
                key: &rule.code,
                action,
                before,
                after: Some(after),
            },
            who,
            &now,
        )
        .await?;
        report.rules_written += 1;
    }
    let writing = Writing {
        who,
        now: &now,
        locks: &locks,
        progress,
    };
    write_values(backend, tx, &changes.values, &writing, &mut report).await?;
    for f in &changes.findings {
        sqlx::query(
            "INSERT INTO validation_findings (rule, unit, period, importance, left_value, right_value, found_by, found_at, \
             source_kind, source_detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&f.rule)
        .bind(&f.unit)
        .bind(f.period.code())
        .bind(f.importance.code())
        .bind(canonical(f.left))
        .bind(canonical(f.right))
        .bind(who)
        .bind(&now)
        .bind(f.source.kind())
        .bind(f.source.detail())
        .execute(&mut **tx)
        .await?;
        report.findings_kept += 1;
    }
    Ok(report)
}

/// Values per statement: 500 rows × 14 parameters stays under both backends' limits.
const BATCH: usize = 100;

/// The current state of a stored value, as compared with an incoming one.
struct Existing {
    id: i64,
    value: String,
    status: String,
    note: String,
    revision: i64,
}

/// (indicator, unit id, period code, series code)
type Key = (String, i64, String, String);

/// `($1, $2, …), ($3, $4, …)` for `rows` rows of `columns` columns. SQLite gets `?`: it finds
/// a numbered parameter by searching all names, which makes a 7,000-parameter batch quadratic.
fn placeholders(backend: Backend, rows: usize, columns: usize) -> String {
    (0..rows)
        .map(|r| {
            let cells: Vec<String> = (1..=columns)
                .map(|c| match backend {
                    Backend::Sqlite => "?".to_string(),
                    Backend::Postgres => format!("${}", r * columns + c),
                })
                .collect();
            format!("({})", cells.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `$1, $2, …` (`?, ?, …` on SQLite) for a list of `count` values: `x IN (…)`.
pub(crate) fn list_placeholders(backend: Backend, count: usize) -> String {
    (1..=count)
        .map(|i| match backend {
            Backend::Sqlite => "?".to_string(),
            Backend::Postgres => format!("${i}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Writes values in batches: one query finds which exist, one inserts the new ones, one adds
/// their revisions; changed values are updated one by one (they are few).
/// Who writes, when, under which locks, and whom to tell how far it got.
struct Writing<'a> {
    who: &'a str,
    now: &'a str,
    locks: &'a Locks,
    progress: &'a (dyn Fn(usize) + Send + Sync),
}

async fn write_values(
    backend: Backend,
    tx: &mut Transaction<'static, Any>,
    values: &[solieu_core::changes::PlannedValue],
    writing: &Writing<'_>,
    report: &mut ApplyReport,
) -> Result<()> {
    let Writing {
        who,
        now,
        locks,
        progress,
    } = *writing;
    if values.is_empty() {
        return Ok(());
    }
    let mut unit_ids: HashMap<(String, Option<String>), i64> = HashMap::new();
    for row in sqlx::query("SELECT id, code, valid_from FROM units")
        .fetch_all(&mut **tx)
        .await?
    {
        unit_ids.insert(
            (row.try_get("code")?, row.try_get("valid_from")?),
            row.try_get("id")?,
        );
    }
    for (n, chunk) in values.chunks(BATCH).enumerate() {
        progress(n * BATCH);
        let mut keyed = Vec::with_capacity(chunk.len());
        for planned in chunk {
            let k = &planned.record.key;
            let unit_key = (k.unit.clone(), date_text(planned.unit_valid_from));
            let unit_id = *unit_ids.get(&unit_key).ok_or_else(|| {
                StoreError::Conflict(solieu_i18n::text!("store-unit-not-database", unit = k.unit))
            })?;
            let key: Key = (
                k.indicator.clone(),
                unit_id,
                k.period.code(),
                k.series.code(),
            );
            keyed.push((key, planned));
        }

        // New figures go in at once; a figure already stored makes its row do nothing and is
        // compared below. Most imports bring new figures, so most batches stop here.
        let sql = format!(
            "INSERT INTO data_values (indicator, unit_id, period, period_start, period_end, series, value, status, \
             note, revision, updated_by, updated_at, source_kind, source_detail) VALUES {} \
             ON CONFLICT (indicator, unit_id, period, series) DO NOTHING \
             RETURNING id, indicator, unit_id, period, series",
            placeholders(backend, keyed.len(), 14)
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for ((indicator, unit_id, period, series), planned) in &keyed {
            let figure = &planned.record.figure;
            let p = planned.record.key.period;
            query = query
                .bind(indicator)
                .bind(*unit_id)
                .bind(period)
                .bind(p.start_date().to_string())
                .bind(p.end_date().to_string())
                .bind(series)
                .bind(canonical(figure.value))
                .bind(figure.status.code())
                .bind(&figure.note)
                .bind(1i64)
                .bind(who)
                .bind(now)
                .bind(planned.source.kind())
                .bind(planned.source.detail());
        }
        // RETURNING order is not guaranteed on SQLite: match the ids back by key.
        let mut inserted: HashMap<Key, i64> = HashMap::new();
        for row in query.fetch_all(&mut **tx).await? {
            let key: Key = (
                row.try_get("indicator")?,
                row.try_get("unit_id")?,
                row.try_get("period")?,
                row.try_get("series")?,
            );
            inserted.insert(key, row.try_get("id")?);
        }
        report.values_added += inserted.len();
        // (value id, revision, planned) for the revision rows to add.
        let mut revisions: Vec<(i64, i64, &solieu_core::changes::PlannedValue)> = Vec::new();
        let mut stored_before = Vec::new();
        for (key, planned) in keyed {
            match inserted.get(&key) {
                Some(id) => {
                    locks.check(planned)?;
                    revisions.push((*id, 1, planned));
                }
                None => stored_before.push((key, planned)),
            }
        }

        if !stored_before.is_empty() {
            // A join from the keys lets both databases use the unique index per key.
            let sql = format!(
                "WITH k (indicator, unit_id, period, series) AS (VALUES {}) \
                 SELECT d.id, d.indicator, d.unit_id, d.period, d.series, d.value, d.status, d.note, d.revision \
                 FROM k JOIN data_values d ON d.indicator = k.indicator AND d.unit_id = k.unit_id \
                 AND d.period = k.period AND d.series = k.series",
                placeholders(backend, stored_before.len(), 4)
            );
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for ((indicator, unit_id, period, series), _) in &stored_before {
                query = query
                    .bind(indicator)
                    .bind(*unit_id)
                    .bind(period)
                    .bind(series);
            }
            let mut existing: HashMap<Key, Existing> = HashMap::new();
            for row in query.fetch_all(&mut **tx).await? {
                let key: Key = (
                    row.try_get("indicator")?,
                    row.try_get("unit_id")?,
                    row.try_get("period")?,
                    row.try_get("series")?,
                );
                existing.insert(
                    key,
                    Existing {
                        id: row.try_get("id")?,
                        value: row.try_get("value")?,
                        status: row.try_get("status")?,
                        note: row.try_get("note")?,
                        revision: row.try_get("revision")?,
                    },
                );
            }
            for (key, planned) in stored_before {
                let figure = &planned.record.figure;
                let value = canonical(figure.value);
                let e = existing.get(&key).ok_or_else(|| {
                    StoreError::Corrupt("a value both stored and not found".into())
                })?;
                if e.value == value && e.status == figure.status.code() && e.note == figure.note {
                    report.values_unchanged += 1;
                    continue;
                }
                locks.check(planned)?;
                let revision = e.revision + 1;
                sqlx::query(
                    "UPDATE data_values SET value = $2, status = $3, note = $4, revision = $5, updated_by = $6, \
                     updated_at = $7, source_kind = $8, source_detail = $9 WHERE id = $1",
                )
                .bind(e.id)
                .bind(&value)
                .bind(figure.status.code())
                .bind(&figure.note)
                .bind(revision)
                .bind(who)
                .bind(now)
                .bind(planned.source.kind())
                .bind(planned.source.detail())
                .execute(&mut **tx)
                .await?;
                report.values_changed += 1;
                revisions.push((e.id, revision, planned));
            }
        }

        for batch in revisions.chunks(BATCH) {
            let sql = format!(
                "INSERT INTO value_revisions (value_id, revision, value, status, note, changed_by, changed_at, \
                 source_kind, source_detail) VALUES {}",
                placeholders(backend, batch.len(), 9)
            );
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for (id, revision, planned) in batch {
                let figure = &planned.record.figure;
                query = query
                    .bind(*id)
                    .bind(*revision)
                    .bind(canonical(figure.value))
                    .bind(figure.status.code())
                    .bind(&figure.note)
                    .bind(who)
                    .bind(now)
                    .bind(planned.source.kind())
                    .bind(planned.source.detail());
            }
            query.execute(&mut **tx).await?;
        }
    }
    Ok(())
}

/// The figures locked by submissions: a submitted (under review at any level) or approved
/// data set's figures for its unit and period stay as sent until an approval level returns
/// them. Checked inside the write's
/// transaction on every value that would be added or changed, so that no path (a form, the
/// API, `solieu import`) writes past an approval; figures that arrive unchanged pass.
#[derive(Default)]
struct Locks {
    /// (indicator, unit, period) → (data set, state, since)
    locked: HashMap<(String, String, String), (String, String, String)>,
}

impl Locks {
    async fn load(
        tx: &mut Transaction<'static, Any>,
        values: &[solieu_core::changes::PlannedValue],
    ) -> Result<Locks> {
        let mut locks = Locks::default();
        if values.is_empty() {
            return Ok(locks);
        }
        let approved = sqlx::query(
            "SELECT s.data_set, s.unit_code, s.period, s.state, s.updated_at, d.indicators FROM submissions s \
             JOIN data_sets d ON d.code = s.data_set WHERE s.state IN ('submitted', 'approved')",
        )
        .fetch_all(&mut **tx)
        .await?;
        for row in &approved {
            let set: String = row.try_get("data_set")?;
            let unit: String = row.try_get("unit_code")?;
            let period: String = row.try_get("period")?;
            let state: String = row.try_get("state")?;
            let at: String = row.try_get("updated_at")?;
            let indicators: String = row.try_get("indicators")?;
            for indicator in indicators.split_whitespace() {
                locks.locked.insert(
                    (indicator.to_string(), unit.clone(), period.clone()),
                    (set.clone(), state.clone(), at.clone()),
                );
            }
        }
        Ok(locks)
    }

    fn check(&self, planned: &solieu_core::changes::PlannedValue) -> Result<()> {
        let k = &planned.record.key;
        if self.locked.is_empty() || k.series != solieu_core::value::Series::Actual {
            return Ok(());
        }
        match self
            .locked
            .get(&(k.indicator.clone(), k.unit.clone(), k.period.code()))
        {
            None => Ok(()),
            Some((set, state, at)) if state == "approved" => {
                Err(StoreError::Conflict(solieu_i18n::text!(
                    "store-unit-approved-locked-data-set",
                    indicator = k.indicator,
                    unit = k.unit,
                    period_code = k.period.code(),
                    set = set,
                    at = at
                )))
            }
            Some((set, _, at)) => Err(StoreError::Conflict(solieu_i18n::text!(
                "store-unit-submitted-approval-data-set",
                indicator = k.indicator,
                unit = k.unit,
                period_code = k.period.code(),
                set = set,
                at = at
            ))),
        }
    }
}
