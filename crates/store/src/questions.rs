//! Citizens' questions to a portal (hỏi đáp) and the office's answers. A visitor's question is
//! kept as `new`; the office writes an answer (kept, not yet public), then an approver
//! publishes question and answer together (`answered`) or sets the question aside with a
//! reason (`set_aside`, never public). Every step is kept in `question_revisions` with who,
//! when and from where; a step names the revision its writer saw. The contact a visitor
//! gives is read only by the office.

use crate::portal::Author;
use crate::read::{parse_field, timestamp_text};
use crate::{Result, Store, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

/// What a visitor sends.
#[derive(Debug, Clone)]
pub struct NewQuestion<'a> {
    pub portal: &'a str,
    /// The draft commented on; `None` for a question.
    pub article: Option<i64>,
    pub name: &'a str,
    pub contact: &'a str,
    pub question: &'a str,
    /// The address it came from ("web 203.0.113.7").
    pub from: &'a str,
}

/// How many questions a portal keeps from visitors before the office has read them.
#[derive(Debug, Clone, Copy)]
pub struct AskLimits {
    /// From one address since `since`.
    pub per_address: i64,
    pub since: DateTime<Utc>,
    /// Waiting (`new`) on one portal, from everyone.
    pub waiting: i64,
}

/// Whether a question was kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Asked {
    Kept(Box<Question>),
    /// This address asked its share already.
    TooManyFromAddress,
    /// The portal holds as many unread questions as it takes.
    TooManyWaiting,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub id: i64,
    pub portal: String,
    /// The draft commented on; `None` for a question.
    pub article: Option<i64>,
    pub name: String,
    /// For the office only.
    pub contact: String,
    pub question: String,
    pub asked_at: DateTime<Utc>,
    /// new, answered or set_aside.
    pub state: String,
    pub answer: String,
    /// Why it was set aside.
    pub note: String,
    pub answered_at: Option<DateTime<Utc>>,
    pub revision: i64,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

/// A step the office takes on a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuestionStep<'a> {
    /// Keep a draft answer; the question stays unpublished.
    SaveAnswer(&'a str),
    /// Publish the question with this answer.
    Publish(&'a str),
    /// Never publish it, for this reason.
    SetAside(&'a str),
}

const COLUMNS: &str = "id, portal, article, name, contact, question, asked_at, state, answer, note, \
     answered_at, revision, updated_by, updated_at";

fn question_from_row(row: &AnyRow) -> Result<Question> {
    let instant = |column: &str| -> Result<DateTime<Utc>> {
        parse_field(&row.try_get::<String, _>(column)?, column)
    };
    Ok(Question {
        id: row.try_get("id")?,
        portal: row.try_get("portal")?,
        article: row.try_get("article")?,
        name: row.try_get("name")?,
        contact: row.try_get("contact")?,
        question: row.try_get("question")?,
        asked_at: instant("asked_at")?,
        state: row.try_get("state")?,
        answer: row.try_get("answer")?,
        note: row.try_get("note")?,
        answered_at: row
            .try_get::<Option<String>, _>("answered_at")?
            .map(|t| parse_field(&t, "answered_at"))
            .transpose()?,
        revision: row.try_get("revision")?,
        updated_by: row.try_get("updated_by")?,
        updated_at: instant("updated_at")?,
    })
}

impl Store {
    /// Keeps a visitor's question unless its address or the portal is over its limits,
    /// counted inside the write transaction (writers take their turn, so two requests at once
    /// cannot both pass the last place).
    pub async fn ask(&self, q: NewQuestion<'_>, limits: AskLimits) -> Result<Asked> {
        let mut tx = self.begin_write().await?;
        let from_address: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM questions WHERE asked_from = $1 AND asked_at >= $2",
        )
        .bind(q.from)
        .bind(timestamp_text(limits.since))
        .fetch_one(&mut *tx)
        .await?;
        if from_address >= limits.per_address {
            return Ok(Asked::TooManyFromAddress);
        }
        let waiting: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM questions WHERE portal = $1 AND state = 'new'",
        )
        .bind(q.portal)
        .fetch_one(&mut *tx)
        .await?;
        if waiting >= limits.waiting {
            return Ok(Asked::TooManyWaiting);
        }
        let now = timestamp_text(Utc::now());
        let id: i64 = sqlx::query(
            "INSERT INTO questions (portal, name, contact, question, asked_at, asked_from, state, \
             answer, note, answered_at, revision, updated_by, updated_at, article) \
             VALUES ($1, $2, $3, $4, $5, $6, 'new', '', '', NULL, 1, '', $5, $7) RETURNING id",
        )
        .bind(q.portal)
        .bind(q.name)
        .bind(q.contact)
        .bind(q.question)
        .bind(&now)
        .bind(q.from)
        .bind(q.article)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        let visitor = Author {
            username: "",
            from: q.from,
        };
        record(&mut tx, id, "ask", visitor, &now).await?;
        tx.commit().await?;
        self.question(id)
            .await?
            .map(|q| Asked::Kept(Box::new(q)))
            .ok_or_else(|| StoreError::Conflict(solieu_i18n::text!("store-question-not-found")))
    }

    pub async fn question(&self, id: i64) -> Result<Option<Question>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM questions WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(question_from_row).transpose()
    }

    /// A portal's questions in `state`, oldest first (the office answers in turn).
    pub async fn questions_in(&self, portal: &str, state: &str) -> Result<Vec<Question>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM questions WHERE portal = $1 AND state = $2 ORDER BY id"
        )))
        .bind(portal)
        .bind(state)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(question_from_row).collect()
    }

    /// The published comments on a draft, first first.
    pub async fn published_comments(&self, article: i64) -> Result<Vec<Question>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM questions WHERE article = $1 AND state = 'answered' ORDER BY id"
        )))
        .bind(article)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(question_from_row).collect()
    }

    /// The last day an article takes comments, if it was ever opened for them.
    pub async fn comment_period(&self, article: i64) -> Result<Option<NaiveDate>> {
        let day: Option<String> =
            sqlx::query_scalar("SELECT last_day FROM comment_periods WHERE article = $1")
                .bind(article)
                .fetch_optional(&self.pool)
                .await?;
        day.map(|d| parse_field(&d, "last_day")).transpose()
    }

    /// Opens an article for comments until `last_day` (inclusive), or moves that day; the
    /// change is kept in the change log with who and when.
    pub async fn set_comment_period(
        &self,
        article: i64,
        last_day: NaiveDate,
        author: Author<'_>,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let now = timestamp_text(Utc::now());
        let before: Option<String> =
            sqlx::query_scalar("SELECT last_day FROM comment_periods WHERE article = $1")
                .bind(article)
                .fetch_optional(&mut *tx)
                .await?;
        let query = if before.is_some() {
            "UPDATE comment_periods SET last_day = $2, changed_by = $3, changed_at = $4 WHERE article = $1"
        } else {
            "INSERT INTO comment_periods (article, last_day, changed_by, changed_at) VALUES ($1, $2, $3, $4)"
        };
        sqlx::query(query)
            .bind(article)
            .bind(last_day.to_string())
            .bind(author.username)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO change_log (entity, entity_key, action, before, after, changed_by, changed_at) \
             VALUES ('comment_period', $1, $2, $3, $4, $5, $6)",
        )
        .bind(article.to_string())
        .bind(if before.is_some() { "update" } else { "add" })
        .bind(before)
        .bind(last_day.to_string())
        .bind(format!("{} ({})", author.username, author.from))
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A page of a portal's published questions, newest answer first, and how many there are.
    pub async fn answered_questions(
        &self,
        portal: &str,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<Question>, i64)> {
        let total: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM questions WHERE portal = $1 AND state = 'answered' \
             AND article IS NULL",
        )
        .bind(portal)
        .fetch_one(&self.pool)
        .await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM questions WHERE portal = $1 AND state = 'answered' \
             AND article IS NULL ORDER BY answered_at DESC, id DESC LIMIT $2 OFFSET $3"
        )))
        .bind(portal)
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        let questions = rows.iter().map(question_from_row).collect::<Result<_>>()?;
        Ok((questions, total))
    }

    /// Takes one step on a question the writer saw at `seen_revision`; refused when it moved
    /// meanwhile or the step does not follow from its state (a published answer is final).
    pub async fn step_question(
        &self,
        id: i64,
        seen_revision: i64,
        step: QuestionStep<'_>,
        author: Author<'_>,
    ) -> Result<Question> {
        let mut tx = self.begin_write().await?;
        let current = locked(&mut tx, id, seen_revision).await?;
        if current.state != "new" {
            return Err(StoreError::Conflict(solieu_i18n::text!(
                "store-question-already-decided"
            )));
        }
        let now = timestamp_text(Utc::now());
        let (action, state, answer, note, answered_at) = match step {
            QuestionStep::SaveAnswer(a) => ("save", "new", a, "", None),
            QuestionStep::Publish(a) => ("publish", "answered", a, "", Some(now.clone())),
            QuestionStep::SetAside(why) => {
                ("set_aside", "set_aside", current.answer.as_str(), why, None)
            }
        };
        sqlx::query(
            "UPDATE questions SET state = $1, answer = $2, note = $3, answered_at = $4, \
             revision = revision + 1, updated_by = $5, updated_at = $6 WHERE id = $7",
        )
        .bind(state)
        .bind(answer)
        .bind(note)
        .bind(answered_at)
        .bind(author.username)
        .bind(&now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        record(&mut tx, id, action, author, &now).await?;
        tx.commit().await?;
        self.question(id)
            .await?
            .ok_or_else(|| StoreError::Conflict(solieu_i18n::text!("store-question-not-found")))
    }
}

/// One step of a question's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionRevision {
    pub revision: i64,
    /// ask, save, publish or set_aside.
    pub action: String,
    pub state: String,
    pub changed_by: String,
    pub changed_at: DateTime<Utc>,
    pub changed_from: String,
}

impl Store {
    /// Every step a question went through, first first.
    pub async fn question_history(&self, id: i64) -> Result<Vec<QuestionRevision>> {
        let rows = sqlx::query(
            "SELECT revision, action, state, changed_by, changed_at, changed_from \
             FROM question_revisions WHERE question_id = $1 ORDER BY revision",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(QuestionRevision {
                    revision: row.try_get("revision")?,
                    action: row.try_get("action")?,
                    state: row.try_get("state")?,
                    changed_by: row.try_get("changed_by")?,
                    changed_at: parse_field(
                        &row.try_get::<String, _>("changed_at")?,
                        "changed_at",
                    )?,
                    changed_from: row.try_get("changed_from")?,
                })
            })
            .collect()
    }
}

async fn locked(
    tx: &mut Transaction<'static, Any>,
    id: i64,
    seen_revision: i64,
) -> Result<Question> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM questions WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| StoreError::Conflict(solieu_i18n::text!("store-question-not-found")))?;
    let question = question_from_row(&row)?;
    if question.revision != seen_revision {
        return Err(StoreError::Conflict(solieu_i18n::text!(
            "store-question-changed-meanwhile",
            who = question.updated_by.clone()
        )));
    }
    Ok(question)
}

/// Copies the question's current state into its history.
async fn record(
    tx: &mut Transaction<'static, Any>,
    id: i64,
    action: &str,
    author: Author<'_>,
    at: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO question_revisions (question_id, revision, action, state, answer, note, \
         changed_by, changed_at, changed_from) \
         SELECT id, revision, $1, state, answer, note, $2, $3, $4 FROM questions WHERE id = $5",
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
