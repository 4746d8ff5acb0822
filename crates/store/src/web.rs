//! What the web application keeps: accounts, sessions, machine tokens, data sets and the
//! submission workflow. Account changes go to `change_log`; every workflow step is a row of
//! `submission_events`, so a reopened period keeps why and by whom.

use crate::feed::Recorded;
use crate::read::timestamp_text;
use crate::{Result, Store, StoreError};
use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;

/// An account. `groups` are indicator group paths (a department's); `unit_code` the unit
/// whose figures the account works on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub unit_code: Option<String>,
    pub groups: Vec<String>,
    pub disabled: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub unit_code: Option<String>,
    pub groups: Vec<String>,
}

/// An API token as its owner sees it: the secret is never stored, only its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub created_at: String,
}

/// Which token to revoke.
#[derive(Debug, Clone, Copy)]
pub enum TokenRef<'a> {
    Id(i64),
    Hash(&'a str),
}

/// A named group of indicators entered together, for one kind of period, due
/// `deadline_days` after the period ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataSetRow {
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub period_type: String,
    pub deadline_days: i64,
    pub indicators: Vec<String>,
    /// The approval levels in order, as the role acting at each ("office", "leader"); empty
    /// for the one level of before (the office or a leader approves).
    pub levels: Vec<String>,
}

/// Where one data set of one unit and period stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    pub data_set: String,
    pub unit_code: String,
    pub period: String,
    pub state: String,
    /// Approval levels that have accepted it so far.
    pub level: i64,
    pub submitted_at: Option<DateTime<Utc>>,
    pub submitted_by: Option<String>,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmissionEvent {
    pub action: String,
    /// The approval level it was taken at (0: the unit's own steps).
    pub level: i64,
    pub reason: String,
    pub done_by: String,
    pub done_at: DateTime<Utc>,
}

const GROUP_SEPARATOR: &str = "\n";

fn parse_time(text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt(format!("time “{text}”: {e}")))
}

fn user_from_row(row: &AnyRow) -> Result<User> {
    let groups: String = row.try_get("groups")?;
    Ok(User {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        password_hash: row.try_get("password_hash")?,
        role: row.try_get("role")?,
        unit_code: row.try_get("unit_code")?,
        groups: groups
            .split(GROUP_SEPARATOR)
            .filter(|g| !g.is_empty())
            .map(str::to_string)
            .collect(),
        disabled: row.try_get::<i64, _>("disabled")? != 0,
    })
}

fn submission_from_row(row: &AnyRow) -> Result<Submission> {
    let submitted_at: Option<String> = row.try_get("submitted_at")?;
    Ok(Submission {
        data_set: row.try_get("data_set")?,
        unit_code: row.try_get("unit_code")?,
        period: row.try_get("period")?,
        state: row.try_get("state")?,
        level: row.try_get("level")?,
        submitted_at: submitted_at.as_deref().map(parse_time).transpose()?,
        submitted_by: row.try_get("submitted_by")?,
        updated_by: row.try_get("updated_by")?,
        updated_at: parse_time(&row.try_get::<String, _>("updated_at")?)?,
    })
}

const SUBMISSION_COLUMNS: &str =
    "data_set, unit_code, period, state, level, submitted_at, submitted_by, updated_by, updated_at";

const USER_COLUMNS: &str =
    "id, username, display_name, password_hash, role, unit_code, groups, disabled";

impl Store {
    /// Adds an account; refused if the name is taken.
    pub async fn add_user(&self, user: &NewUser, by: &str) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let taken = sqlx::query("SELECT id FROM users WHERE username = $1")
            .bind(&user.username)
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Err(StoreError::Conflict(solieu_i18n::text!(
                "store-account-already-exists",
                username = user.username
            )));
        }
        let now = timestamp_text(Utc::now());
        let id: i64 = sqlx::query(
            "INSERT INTO users (username, display_name, password_hash, role, unit_code, groups, disabled, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8) RETURNING id",
        )
        .bind(&user.username)
        .bind(&user.display_name)
        .bind(&user.password_hash)
        .bind(&user.role)
        .bind(user.unit_code.clone())
        .bind(user.groups.join(GROUP_SEPARATOR))
        .bind(by)
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        log_user(
            &mut tx,
            &user.username,
            "add",
            &format!(
                "{} | {} | {}",
                user.role,
                user.unit_code.as_deref().unwrap_or(""),
                user.groups.join("; ")
            ),
            by,
            &now,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Replaces an account's password hash; false if there is no such account. Every session
    /// of the account ends.
    pub async fn set_password(&self, username: &str, hash: &str, by: &str) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE username = $2")
            .bind(hash)
            .bind(username)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            > 0;
        if done {
            end_sessions(&mut tx, username).await?;
            let now = timestamp_text(Utc::now());
            log_user(&mut tx, username, "passwd", "", by, &now).await?;
        }
        tx.commit().await?;
        Ok(done)
    }

    /// Disables (or enables again) an account; a disabled account's sessions and tokens stop
    /// working at once.
    pub async fn set_disabled(&self, username: &str, disabled: bool, by: &str) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("UPDATE users SET disabled = $1 WHERE username = $2")
            .bind(i64::from(disabled))
            .bind(username)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            > 0;
        if done {
            if disabled {
                end_sessions(&mut tx, username).await?;
            }
            let now = timestamp_text(Utc::now());
            let action = if disabled { "disable" } else { "enable" };
            log_user(&mut tx, username, action, "", by, &now).await?;
        }
        tx.commit().await?;
        Ok(done)
    }

    pub async fn user_by_name(&self, username: &str) -> Result<Option<User>> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users WHERE username = $1"
        )))
        .bind(username)
        .fetch_optional(&self.pool)
        .await?
        .as_ref()
        .map(user_from_row)
        .transpose()
    }

    pub async fn users(&self) -> Result<Vec<User>> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users ORDER BY username"
        )))
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(user_from_row)
        .collect()
    }

    pub async fn create_session(
        &self,
        id_hash: &str,
        user_id: i64,
        csrf: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.begin_write_as(Recorded::No).await?;
        sqlx::query(
            "INSERT INTO sessions (id_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id_hash)
        .bind(user_id)
        .bind(csrf)
        .bind(timestamp_text(Utc::now()))
        .bind(timestamp_text(expires_at))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The account and CSRF token of a live session of an enabled account.
    pub async fn session(&self, id_hash: &str) -> Result<Option<(User, String)>> {
        let row = sqlx::query(
            "SELECT u.id, u.username, u.display_name, u.password_hash, u.role, u.unit_code, u.groups, u.disabled, \
             s.csrf, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1",
        )
        .bind(id_hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let user = user_from_row(&row)?;
        let expires = parse_time(&row.try_get::<String, _>("expires_at")?)?;
        if user.disabled || expires < Utc::now() {
            return Ok(None);
        }
        Ok(Some((user, row.try_get("csrf")?)))
    }

    pub async fn delete_session(&self, id_hash: &str) -> Result<()> {
        let mut tx = self.begin_write_as(Recorded::No).await?;
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(id_hash)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn add_token(&self, token_hash: &str, user_id: i64, name: &str) -> Result<()> {
        let mut tx = self.begin_write_as(Recorded::No).await?;
        sqlx::query(
            "INSERT INTO api_tokens (token_hash, user_id, name, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(name)
        .bind(timestamp_text(Utc::now()))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The live (not revoked) tokens of an account, oldest first; never their secrets.
    pub async fn tokens_of(&self, user_id: i64) -> Result<Vec<TokenRow>> {
        let rows = sqlx::query(
            "SELECT id, name, created_at FROM api_tokens \
             WHERE user_id = $1 AND revoked_at IS NULL ORDER BY id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(TokenRow {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// Revokes a live token of `user_id`, named by its id or by the hash of its secret;
    /// false when the account has no such live token (someone else's is not touched).
    pub async fn revoke_token(&self, user_id: i64, which: TokenRef<'_>) -> Result<bool> {
        let now = timestamp_text(Utc::now());
        let q = match which {
            TokenRef::Id(id) => sqlx::query(
                "UPDATE api_tokens SET revoked_at = $1 \
                 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
            )
            .bind(now)
            .bind(id),
            TokenRef::Hash(hash) => sqlx::query(
                "UPDATE api_tokens SET revoked_at = $1 \
                 WHERE token_hash = $2 AND user_id = $3 AND revoked_at IS NULL",
            )
            .bind(now)
            .bind(hash.to_string()),
        };
        let done = q.bind(user_id).execute(&self.pool).await?;
        Ok(done.rows_affected() > 0)
    }

    /// The enabled account a live token belongs to, with the token's name.
    pub async fn token_user(&self, token_hash: &str) -> Result<Option<(User, String)>> {
        let row = sqlx::query(
            "SELECT u.id, u.username, u.display_name, u.password_hash, u.role, u.unit_code, u.groups, u.disabled, \
             t.name FROM api_tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let user = user_from_row(&row)?;
        if user.disabled {
            return Ok(None);
        }
        Ok(Some((user, row.try_get("name")?)))
    }

    /// Adds or replaces data sets, in one transaction, each change in the change log.
    pub async fn put_data_sets(&self, sets: &[DataSetRow], by: &str) -> Result<usize> {
        let mut tx = self.begin_write().await?;
        let written = put_data_sets_in(&mut tx, sets, by).await?;
        tx.commit().await?;
        Ok(written)
    }

    pub async fn data_sets(&self) -> Result<Vec<DataSetRow>> {
        sqlx::query(
            "SELECT code, name, name_en, period_type, deadline_days, indicators, levels FROM data_sets ORDER BY code",
        )
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            let indicators: String = r.try_get("indicators")?;
            let levels: String = r.try_get("levels")?;
            Ok(DataSetRow {
                code: r.try_get("code")?,
                name: r.try_get("name")?,
                name_en: r.try_get("name_en")?,
                period_type: r.try_get("period_type")?,
                deadline_days: r.try_get("deadline_days")?,
                indicators: indicators.split_whitespace().map(str::to_string).collect(),
                levels: levels.split_whitespace().map(str::to_string).collect(),
            })
        })
        .collect()
    }

    pub async fn submission(
        &self,
        data_set: &str,
        unit: &str,
        period: &str,
    ) -> Result<Option<Submission>> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {SUBMISSION_COLUMNS} FROM submissions \
             WHERE data_set = $1 AND unit_code = $2 AND period = $3"
        )))
        .bind(data_set)
        .bind(unit)
        .bind(period)
        .fetch_optional(&self.pool)
        .await?
        .as_ref()
        .map(submission_from_row)
        .transpose()
    }

    /// The (data set, unit, period) of every submission of these units approved at the last
    /// level: what the public may read.
    pub async fn approved_of(&self, units: &[String]) -> Result<Vec<(String, String, String)>> {
        let mut found = Vec::new();
        // A few hundred units at a time: within any backend's limit on parameters.
        for chunk in units.chunks(500) {
            let select = format!(
                "SELECT data_set, unit_code, period FROM submissions \
                 WHERE state = 'approved' AND unit_code IN ({})",
                crate::write::list_placeholders(self.backend, chunk.len())
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(select));
            for unit in chunk {
                query = query.bind(unit);
            }
            for row in query.fetch_all(&self.pool).await? {
                found.push((
                    row.try_get("data_set")?,
                    row.try_get("unit_code")?,
                    row.try_get("period")?,
                ));
            }
        }
        Ok(found)
    }

    /// When each of the values `ids` was last changed.
    pub async fn revised_at(
        &self,
        ids: &[i64],
    ) -> Result<std::collections::HashMap<i64, chrono::DateTime<chrono::Utc>>> {
        let mut found = std::collections::HashMap::new();
        for chunk in ids.chunks(500) {
            let select = format!(
                "SELECT id, updated_at FROM data_values WHERE id IN ({})",
                crate::write::list_placeholders(self.backend, chunk.len())
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(select));
            for id in chunk {
                query = query.bind(*id);
            }
            for row in query.fetch_all(&self.pool).await? {
                let at: String = row.try_get("updated_at")?;
                found.insert(
                    row.try_get::<i64, _>("id")?,
                    crate::read::parse_field(&at, "updated_at")?,
                );
            }
        }
        Ok(found)
    }

    /// Every submission of a data set for a period.
    pub async fn submissions(&self, data_set: &str, period: &str) -> Result<Vec<Submission>> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {SUBMISSION_COLUMNS} FROM submissions \
             WHERE data_set = $1 AND period = $2 ORDER BY unit_code"
        )))
        .bind(data_set)
        .bind(period)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(submission_from_row)
        .collect()
    }

    /// Moves a submission from one of `from` states (None: no submission yet) to `to`, and
    /// records the step; refused, with nothing written, if it is in another state. The level
    /// count is left as it is; [`Store::step_submissions`] is the level-aware form.
    #[allow(clippy::too_many_arguments)]
    pub async fn step_submission(
        &self,
        data_set: &str,
        unit: &str,
        period: &str,
        from: &[Option<&str>],
        to: &str,
        action: &str,
        reason: &str,
        by: &str,
    ) -> Result<()> {
        let current = self.submission(data_set, unit, period).await?;
        let level = current.map_or(0, |s| s.level);
        self.step_submissions(
            &[SubmissionStep {
                data_set,
                unit,
                period,
                from,
                from_level: None,
                to,
                to_level: level,
                action,
                level: 0,
                reason,
            }],
            by,
        )
        .await
    }

    /// Takes workflow steps in one transaction (an approval of a parent unit covers every unit
    /// below it at once): each moves a submission from one of its `from` states (and
    /// `from_level`, when given) to its new state and level, and adds the step to the history.
    /// If any submission has moved meanwhile, nothing is written.
    pub async fn step_submissions(&self, steps: &[SubmissionStep<'_>], by: &str) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let now = timestamp_text(Utc::now());
        for step in steps {
            take_step(&mut tx, step, by, &now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn submission_events(
        &self,
        data_set: &str,
        unit: &str,
        period: &str,
    ) -> Result<Vec<SubmissionEvent>> {
        sqlx::query(
            "SELECT action, level, reason, done_by, done_at FROM submission_events \
             WHERE data_set = $1 AND unit_code = $2 AND period = $3 ORDER BY id",
        )
        .bind(data_set)
        .bind(unit)
        .bind(period)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(SubmissionEvent {
                action: r.try_get("action")?,
                level: r.try_get("level")?,
                reason: r.try_get("reason")?,
                done_by: r.try_get("done_by")?,
                done_at: parse_time(&r.try_get::<String, _>("done_at")?)?,
            })
        })
        .collect()
    }
}

/// One workflow step for [`Store::step_submissions`].
#[derive(Debug, Clone)]
pub struct SubmissionStep<'a> {
    pub data_set: &'a str,
    pub unit: &'a str,
    pub period: &'a str,
    /// The states it may be in (None: no submission yet).
    pub from: &'a [Option<&'a str>],
    /// The levels accepted it must be at, when that matters.
    pub from_level: Option<i64>,
    pub to: &'a str,
    pub to_level: i64,
    pub action: &'a str,
    /// The approval level acting (0: the unit itself).
    pub level: i64,
    pub reason: &'a str,
}

async fn take_step(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    step: &SubmissionStep<'_>,
    by: &str,
    now: &str,
) -> Result<()> {
    let current = sqlx::query(
        "SELECT state, level FROM submissions WHERE data_set = $1 AND unit_code = $2 AND period = $3",
    )
    .bind(step.data_set)
    .bind(step.unit)
    .bind(step.period)
    .fetch_optional(&mut **tx)
    .await?
    .map(|r| -> Result<(String, i64)> { Ok((r.try_get("state")?, r.try_get("level")?)) })
    .transpose()?;
    let state = current.as_ref().map(|(s, _)| s.as_str());
    let level_moved = step
        .from_level
        .is_some_and(|l| current.as_ref().is_some_and(|(_, now)| *now != l));
    if !step.from.contains(&state) || level_moved {
        let state = state.unwrap_or("draft");
        return Err(StoreError::Conflict(solieu_i18n::text!(
            "store-cannot-submission-2",
            action = step.action,
            unit = step.unit,
            state = state
        )));
    }
    let submitting = step.to == "submitted" && step.level == 0;
    let submitted_at = submitting.then(|| now.to_string());
    let submitted_by = submitting.then(|| by.to_string());
    if current.is_some() {
        sqlx::query(
            "UPDATE submissions SET state = $1, level = $2, submitted_at = COALESCE($3, submitted_at), \
             submitted_by = COALESCE($4, submitted_by), updated_by = $5, updated_at = $6 \
             WHERE data_set = $7 AND unit_code = $8 AND period = $9",
        )
        .bind(step.to)
        .bind(step.to_level)
        .bind(submitted_at)
        .bind(submitted_by)
        .bind(by)
        .bind(now)
        .bind(step.data_set)
        .bind(step.unit)
        .bind(step.period)
        .execute(&mut **tx)
        .await?;
    } else {
        sqlx::query(
            "INSERT INTO submissions (data_set, unit_code, period, state, level, submitted_at, submitted_by, updated_by, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(step.data_set)
        .bind(step.unit)
        .bind(step.period)
        .bind(step.to)
        .bind(step.to_level)
        .bind(submitted_at)
        .bind(submitted_by)
        .bind(by)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    sqlx::query(
        "INSERT INTO submission_events (data_set, unit_code, period, action, level, reason, done_by, done_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(step.data_set)
    .bind(step.unit)
    .bind(step.period)
    .bind(step.action)
    .bind(step.level)
    .bind(step.reason)
    .bind(by)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn end_sessions(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    username: &str,
) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE username = $1)")
        .bind(username)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn log_user(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    username: &str,
    action: &str,
    after: &str,
    by: &str,
    at: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO change_log (entity, entity_key, action, before, after, changed_by, changed_at) \
         VALUES ('user', $1, $2, NULL, $3, $4, $5)",
    )
    .bind(username)
    .bind(action)
    .bind(after)
    .bind(by)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// What a stored value is about: (indicator, unit code, period, series), for checking who
/// may see it before showing its history.
pub type ValueAbout = (String, String, String, String);

impl Store {
    pub async fn value_about(&self, value_id: i64) -> Result<Option<ValueAbout>> {
        sqlx::query(
            "SELECT v.indicator, u.code AS unit_code, v.period, v.series FROM data_values v \
             JOIN units u ON u.id = v.unit_id WHERE v.id = $1",
        )
        .bind(value_id)
        .fetch_optional(&self.pool)
        .await?
        .map(|r| {
            Ok((
                r.try_get("indicator")?,
                r.try_get("unit_code")?,
                r.try_get("period")?,
                r.try_get("series")?,
            ))
        })
        .transpose()
    }
}

/// Adds or replaces data sets inside `tx`, each change in the change log.
pub(crate) async fn put_data_sets_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    sets: &[DataSetRow],
    by: &str,
) -> Result<usize> {
    let now = timestamp_text(Utc::now());
    let mut written = 0;
    for set in sets {
        let describe = format!(
            "{} | {} | {} | {} | {} | {}",
            set.name,
            set.name_en,
            set.period_type,
            set.deadline_days,
            set.indicators.join(" "),
            set.levels.join(" ")
        );
        let before: Option<String> = sqlx::query(
            "SELECT name, name_en, period_type, deadline_days, indicators, levels FROM data_sets WHERE code = $1",
        )
        .bind(&set.code)
        .fetch_optional(&mut **tx)
        .await?
        .map(|r| -> Result<String> {
            Ok(format!(
                "{} | {} | {} | {} | {} | {}",
                r.try_get::<String, _>("name")?,
                r.try_get::<String, _>("name_en")?,
                r.try_get::<String, _>("period_type")?,
                r.try_get::<i64, _>("deadline_days")?,
                r.try_get::<String, _>("indicators")?,
                r.try_get::<String, _>("levels")?
            ))
        })
        .transpose()?;
        if before.as_deref() == Some(describe.as_str()) {
            continue;
        }
        sqlx::query("DELETE FROM data_sets WHERE code = $1")
            .bind(&set.code)
            .execute(&mut **tx)
            .await?;
        sqlx::query(
            "INSERT INTO data_sets (code, name, name_en, period_type, deadline_days, indicators, levels) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&set.code)
        .bind(&set.name)
        .bind(&set.name_en)
        .bind(&set.period_type)
        .bind(set.deadline_days)
        .bind(set.indicators.join(" "))
        .bind(set.levels.join(" "))
        .execute(&mut **tx)
        .await?;
        let change = crate::write::LoggedChange {
            entity: "data_set",
            key: &set.code,
            action: if before.is_some() { "change" } else { "add" },
            before,
            after: Some(describe),
        };
        crate::write::log_change(tx, change, by, &now).await?;
        written += 1;
    }
    Ok(written)
}
