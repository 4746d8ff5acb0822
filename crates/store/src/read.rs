//! Reading the record back into domain types.

use crate::{Result, Store, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use solieu_core::changes::Stored;
use solieu_core::formula::Formula;
use solieu_core::indicator::Indicator;
use solieu_core::lineage::LineageEvent;
use solieu_core::measure::MeasureUnit;
use solieu_core::period::Period;
use solieu_core::unit::UnitVersion;
use solieu_core::value::{Figure, Revision, Series, Source, ValueKey, ValueRecord};
use sqlx::Row;
use sqlx::any::AnyRow;
use std::str::FromStr;

/// A stored value with its latest revision's facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredValue {
    pub id: i64,
    pub record: ValueRecord,
    pub revision: i64,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
    pub source: Source,
}

/// Which values to list; every field narrows the list.
#[derive(Debug, Clone, Default)]
pub struct ValueFilter {
    pub indicator: Option<String>,
    pub unit: Option<String>,
    /// Values whose period lies within this one (the period itself included).
    pub within: Option<Period>,
    pub series: Option<Series>,
}

pub(crate) fn parse_field<T: FromStr>(text: &str, what: &str) -> Result<T>
where
    T::Err: std::fmt::Display,
{
    text.parse::<T>()
        .map_err(|e| StoreError::Corrupt(format!("{what} “{text}”: {e}")))
}

pub(crate) fn parse_date(text: Option<String>) -> Result<Option<NaiveDate>> {
    text.map(|t| parse_field::<NaiveDate>(&t, "date"))
        .transpose()
}

pub(crate) fn date_text(date: Option<NaiveDate>) -> Option<String> {
    date.map(|d| d.to_string())
}

pub(crate) fn timestamp_text(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

fn unit_from_row(row: &AnyRow) -> Result<UnitVersion> {
    Ok(UnitVersion {
        code: row.try_get("code")?,
        name: row.try_get("name")?,
        kind: parse_field(&row.try_get::<String, _>("kind")?, "unit kind")?,
        parent: row.try_get("parent")?,
        valid_from: parse_date(row.try_get("valid_from")?)?,
        valid_to: parse_date(row.try_get("valid_to")?)?,
    })
}

fn event_from_row(row: &AnyRow) -> Result<LineageEvent> {
    let share: Option<String> = row.try_get("share")?;
    Ok(LineageEvent {
        date: parse_field(&row.try_get::<String, _>("event_date")?, "date")?,
        kind: parse_field(&row.try_get::<String, _>("kind")?, "lineage event")?,
        from: row.try_get("from_code")?,
        to: row.try_get("to_code")?,
        share: share
            .map(|s| parse_field::<Decimal>(&s, "share"))
            .transpose()?,
    })
}

fn indicator_from_row(row: &AnyRow) -> Result<Indicator> {
    let formula: Option<String> = row.try_get("formula")?;
    let price_basis: Option<String> = row.try_get("price_basis")?;
    let decimals: i64 = row.try_get("decimals")?;
    Ok(Indicator {
        code: row.try_get("code")?,
        name: row.try_get("name")?,
        name_en: row.try_get("name_en")?,
        unit: MeasureUnit::parse(&row.try_get::<String, _>("unit")?),
        group: Indicator::parse_group(&row.try_get::<String, _>("group_path")?),
        aggregate: parse_field(&row.try_get::<String, _>("aggregate")?, "aggregate")?,
        time_aggregate: parse_field(
            &row.try_get::<String, _>("time_aggregate")?,
            "time aggregate",
        )?,
        decimals: u8::try_from(decimals)
            .map_err(|_| StoreError::Corrupt(format!("decimals {decimals}")))?,
        price_basis: price_basis
            .map(|p| parse_field(&p, "price basis"))
            .transpose()?,
        formula: formula
            .map(|f| Formula::parse(&f).map_err(|e| StoreError::Corrupt(e.to_string())))
            .transpose()?,
    })
}

fn rule_from_row(row: &AnyRow) -> Result<solieu_core::validation::Rule> {
    let formula = |column: &str| -> Result<Formula> {
        let text: String = row.try_get(column)?;
        Formula::parse(&text).map_err(|e| StoreError::Corrupt(e.to_string()))
    };
    Ok(solieu_core::validation::Rule {
        code: row.try_get("code")?,
        name: row.try_get("name")?,
        message: row.try_get("message")?,
        left: formula("left_side")?,
        operator: parse_field(&row.try_get::<String, _>("operator")?, "operator")?,
        right: formula("right_side")?,
        importance: parse_field(&row.try_get::<String, _>("importance")?, "importance")?,
        tolerance: parse_field(&row.try_get::<String, _>("tolerance")?, "tolerance")?,
    })
}

fn figure_from_row(row: &AnyRow) -> Result<Figure> {
    Ok(Figure {
        value: parse_field(&row.try_get::<String, _>("value")?, "value")?,
        status: parse_field(&row.try_get::<String, _>("status")?, "status")?,
        note: row.try_get("note")?,
    })
}

impl Store {
    /// Units, lineage and indicators as stored, with which indicators have values.
    pub async fn stored(&self) -> Result<Stored> {
        let units = sqlx::query(
            "SELECT code, name, kind, parent, valid_from, valid_to FROM units ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(unit_from_row)
        .collect::<Result<Vec<_>>>()?;
        let events = sqlx::query(
            "SELECT event_date, kind, from_code, to_code, share FROM lineage_events ORDER BY event_date, id",
        )
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(event_from_row)
        .collect::<Result<Vec<_>>>()?;
        let indicators = sqlx::query(
            "SELECT code, name, name_en, unit, group_path, aggregate, time_aggregate, decimals, price_basis, formula \
             FROM indicators ORDER BY code",
        )
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(indicator_from_row)
        .collect::<Result<Vec<_>>>()?;
        let rules = self.rules().await?;
        let mut stored = Stored {
            units,
            events,
            indicators,
            rules,
            ..Stored::default()
        };
        for row in sqlx::query("SELECT DISTINCT indicator, series FROM data_values")
            .fetch_all(&self.pool)
            .await?
        {
            let indicator: String = row.try_get("indicator")?;
            let series: String = row.try_get("series")?;
            if series == "actual" {
                stored.indicators_with_actuals.insert(indicator.clone());
            }
            stored.indicators_with_values.insert(indicator);
        }
        Ok(stored)
    }

    /// The validation rules, by code.
    pub async fn rules(&self) -> Result<Vec<solieu_core::validation::Rule>> {
        sqlx::query(
            "SELECT code, name, message, left_side, operator, right_side, importance, tolerance FROM validation_rules ORDER BY code",
        )
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(rule_from_row)
        .collect()
    }

    /// Stored values, ordered by indicator, unit, period and series.
    pub async fn values(&self, filter: &ValueFilter) -> Result<Vec<StoredValue>> {
        // Only the conditions given: `($1 IS NULL OR …)` would hide the indexes from the
        // planner and make every filtered listing a scan of all values.
        let mut conditions: Vec<&str> = Vec::new();
        let mut binds: Vec<String> = Vec::new();
        let mut add = |condition: &'static str, value: Option<String>| {
            if let Some(value) = value {
                conditions.push(condition);
                binds.push(value);
            }
        };
        add("v.indicator = ?", filter.indicator.clone());
        add("u.code = ?", filter.unit.clone());
        add(
            "v.period_start >= ?",
            filter.within.map(|p| p.start_date().to_string()),
        );
        add(
            "v.period_end <= ?",
            filter.within.map(|p| p.end_date().to_string()),
        );
        add("v.series = ?", filter.series.as_ref().map(Series::code));
        let mut sql = String::from(
            "SELECT v.id, v.indicator, u.code AS unit_code, v.period, v.series, v.value, v.status, v.note, \
                    v.revision, v.updated_by, v.updated_at, v.source_kind, v.source_detail \
             FROM data_values v JOIN units u ON u.id = v.unit_id",
        );
        for (i, condition) in conditions.iter().enumerate() {
            sql.push_str(if i == 0 { " WHERE " } else { " AND " });
            sql.push_str(&condition.replace('?', &format!("${}", i + 1)));
        }
        sql.push_str(" ORDER BY v.indicator, u.code, v.period_start, v.period_end, v.series");
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for value in binds {
            query = query.bind(value);
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                let at: String = row.try_get("updated_at")?;
                Ok(StoredValue {
                    id: row.try_get("id")?,
                    record: ValueRecord {
                        key: ValueKey {
                            indicator: row.try_get("indicator")?,
                            unit: row.try_get("unit_code")?,
                            period: parse_field(&row.try_get::<String, _>("period")?, "period")?,
                            series: parse_field(&row.try_get::<String, _>("series")?, "series")?,
                        },
                        figure: figure_from_row(row)?,
                    },
                    revision: row.try_get("revision")?,
                    updated_by: row.try_get("updated_by")?,
                    updated_at: parse_field(&at, "timestamp")?,
                    source: Source::from_parts(
                        &row.try_get::<String, _>("source_kind")?,
                        &row.try_get::<String, _>("source_detail")?,
                    ),
                })
            })
            .collect()
    }

    /// Every state value `value_id` has had, oldest first; the last is the current one.
    pub async fn history(&self, value_id: i64) -> Result<Vec<Revision>> {
        let rows = sqlx::query(
            "SELECT revision, value, status, note, changed_by, changed_at, source_kind, source_detail \
             FROM value_revisions WHERE value_id = $1 ORDER BY revision",
        )
        .bind(value_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let at: String = row.try_get("changed_at")?;
                Ok(Revision {
                    number: row.try_get("revision")?,
                    figure: figure_from_row(row)?,
                    changed_by: row.try_get("changed_by")?,
                    changed_at: parse_field(&at, "timestamp")?,
                    source: Source::from_parts(
                        &row.try_get::<String, _>("source_kind")?,
                        &row.try_get::<String, _>("source_detail")?,
                    ),
                })
            })
            .collect()
    }

    /// How many rows each table holds, for summaries.
    pub async fn counts(&self) -> Result<Counts> {
        let count = |table: &'static str| async move {
            let sql = match table {
                "units" => "SELECT COUNT(*) AS n FROM units",
                "lineage_events" => "SELECT COUNT(*) AS n FROM lineage_events",
                "indicators" => "SELECT COUNT(*) AS n FROM indicators",
                "data_values" => "SELECT COUNT(*) AS n FROM data_values",
                _ => "SELECT COUNT(*) AS n FROM value_revisions",
            };
            sqlx::query(sql)
                .fetch_one(&self.pool)
                .await
                .and_then(|r| r.try_get::<i64, _>("n"))
        };
        Ok(Counts {
            units: count("units").await?,
            lineage_events: count("lineage_events").await?,
            indicators: count("indicators").await?,
            values: count("data_values").await?,
            revisions: count("value_revisions").await?,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub units: i64,
    pub lineage_events: i64,
    pub indicators: i64,
    pub values: i64,
    pub revisions: i64,
}

impl Store {
    /// A fact about the database, such as which dataset it holds.
    pub async fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(sqlx::query("SELECT value FROM meta WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?
            .map(|r| r.try_get("value"))
            .transpose()?)
    }

    pub async fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM meta WHERE key = $1")
            .bind(key)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO meta (key, value) VALUES ($1, $2)")
            .bind(key)
            .bind(value)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// A stored value as the analytics engine needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueForAnalysis {
    pub id: i64,
    pub record: ValueRecord,
    pub updated_by: String,
}

/// The columns [`Store::for_each_value`] reads, the same on every backend.
pub(crate) const VALUES_FOR_ANALYSIS: &str = "SELECT v.id, v.indicator, u.code, v.period, v.series, v.value, v.status, v.updated_by \
     FROM data_values v JOIN units u ON u.id = v.unit_id";

/// Parses each distinct period once (a database holds few), and the series of consecutive
/// rows, which mostly share it.
#[derive(Default)]
pub(crate) struct RowParser {
    periods: std::collections::HashMap<String, Period>,
    series: Option<(String, Series)>,
}

impl RowParser {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn parse(
        &mut self,
        id: i64,
        indicator: String,
        unit: String,
        period: &str,
        series: &str,
        value: &str,
        status: &str,
        updated_by: String,
    ) -> Result<ValueForAnalysis> {
        let period = match self.periods.get(period) {
            Some(p) => *p,
            None => {
                let p: Period = parse_field(period, "period")?;
                self.periods.insert(period.to_string(), p);
                p
            }
        };
        let series = match &self.series {
            Some((t, s)) if t == series => s.clone(),
            _ => {
                let s: Series = parse_field(series, "series")?;
                self.series = Some((series.to_string(), s.clone()));
                s
            }
        };
        Ok(ValueForAnalysis {
            id,
            record: ValueRecord {
                key: ValueKey {
                    indicator,
                    unit,
                    period,
                    series,
                },
                figure: Figure {
                    value: parse_field(value, "value")?,
                    status: parse_field(status, "status")?,
                    note: String::new(),
                },
            },
            updated_by,
        })
    }
}

impl Store {
    /// Streams every stored value to `each`, without holding them all in memory: how the
    /// analytics engine starts.
    pub async fn for_each_value(&self, mut each: impl FnMut(ValueForAnalysis)) -> Result<u64> {
        if let Some(path) = &self.sqlite_path {
            return read_sqlite_values(path.clone(), each).await;
        }
        use futures_util::TryStreamExt;
        let mut rows = sqlx::query(VALUES_FOR_ANALYSIS).fetch(&self.pool);
        let mut parser = RowParser::default();
        let mut count = 0;
        while let Some(row) = rows.try_next().await? {
            each(parser.parse(
                row.try_get(0)?,
                row.try_get(1)?,
                row.try_get(2)?,
                row.try_get(3)?,
                row.try_get(4)?,
                row.try_get(5)?,
                row.try_get(6)?,
                row.try_get(7)?,
            )?);
            count += 1;
        }
        Ok(count)
    }
}

/// Values per message from the reading thread.
const CHUNK: usize = 65_536;

/// SQLite's bulk read: sqlx hands rows one by one from its worker thread, at about 200,000 a
/// second; reading the file directly on a blocking thread and passing chunks is some twenty
/// times faster, which is what makes start-up on millions of values a matter of seconds. The
/// same `libsqlite3-sys` serves both, so SQLite is built once.
async fn read_sqlite_values(
    path: std::path::PathBuf,
    mut each: impl FnMut(ValueForAnalysis),
) -> Result<u64> {
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Result<Vec<ValueForAnalysis>>>(4);
    let reader = tokio::task::spawn_blocking(move || {
        let read = || -> Result<()> {
            let db = |e: rusqlite::Error| StoreError::Corrupt(format!("reading values: {e}"));
            let conn = rusqlite::Connection::open_with_flags(
                &path,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
            )
            .map_err(db)?;
            // Reading through a memory map spares a copy of every page.
            conn.pragma_update(None, "mmap_size", 1i64 << 34)
                .map_err(db)?;
            conn.pragma_update(None, "cache_size", -262_144)
                .map_err(db)?;
            let mut statement = conn.prepare(VALUES_FOR_ANALYSIS).map_err(db)?;
            let mut rows = statement.query([]).map_err(db)?;
            let mut parser = RowParser::default();
            let mut chunk = Vec::with_capacity(CHUNK);
            while let Some(row) = rows.next().map_err(db)? {
                let text = |i: usize| {
                    row.get_ref(i)
                        .map_err(db)
                        .and_then(|v| v.as_str().map_err(|e| db(e.into())))
                };
                chunk.push(parser.parse(
                    row.get(0).map_err(db)?,
                    text(1)?.to_string(),
                    text(2)?.to_string(),
                    text(3)?,
                    text(4)?,
                    text(5)?,
                    text(6)?,
                    text(7)?.to_string(),
                )?);
                if chunk.len() == CHUNK {
                    let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
                    if sender.blocking_send(Ok(full)).is_err() {
                        return Ok(());
                    }
                }
            }
            let _ = sender.blocking_send(Ok(chunk));
            Ok(())
        };
        if let Err(e) = read() {
            let _ = sender.blocking_send(Err(e));
        }
    });
    let mut count = 0;
    while let Some(chunk) = receiver.recv().await {
        for value in chunk? {
            each(value);
            count += 1;
        }
    }
    reader
        .await
        .map_err(|e| StoreError::Corrupt(format!("the reading thread stopped: {e}")))?;
    Ok(count)
}
