//! Whole-database copies: a backup is a SQLite file holding every table, revisions and change
//! log included; restoring copies it into an empty database of either backend. The same copy
//! moves a district's SQLite file into a province's PostgreSQL.

use crate::{Backend, Result, Store, StoreError};
use sqlx::{AssertSqlSafe, Row};

#[derive(Clone, Copy)]
enum Column {
    Int,
    Text,
    Bytes,
}

use Column::{Bytes as Bin, Int, Text as Txt};

/// Every table, parents before children, with its columns. The identity column comes first.
const TABLES: &[(&str, &[(&str, Column)])] = &[
    ("meta", &[("key", Txt), ("value", Txt)]),
    (
        "unit_shapes",
        &[
            ("unit_code", Txt),
            ("valid_from", Txt),
            ("geometry", Txt),
            ("changed_by", Txt),
            ("changed_at", Txt),
        ],
    ),
    (
        "units",
        &[
            ("id", Int),
            ("code", Txt),
            ("name", Txt),
            ("kind", Txt),
            ("parent", Txt),
            ("valid_from", Txt),
            ("valid_to", Txt),
        ],
    ),
    (
        "lineage_events",
        &[
            ("id", Int),
            ("event_date", Txt),
            ("kind", Txt),
            ("from_code", Txt),
            ("to_code", Txt),
            ("share", Txt),
        ],
    ),
    (
        "indicators",
        &[
            ("code", Txt),
            ("name", Txt),
            ("name_en", Txt),
            ("unit", Txt),
            ("group_path", Txt),
            ("aggregate", Txt),
            ("time_aggregate", Txt),
            ("decimals", Int),
            ("price_basis", Txt),
            ("formula", Txt),
        ],
    ),
    (
        "data_values",
        &[
            ("id", Int),
            ("indicator", Txt),
            ("unit_id", Int),
            ("period", Txt),
            ("period_start", Txt),
            ("period_end", Txt),
            ("series", Txt),
            ("value", Txt),
            ("status", Txt),
            ("note", Txt),
            ("revision", Int),
            ("updated_by", Txt),
            ("updated_at", Txt),
            ("source_kind", Txt),
            ("source_detail", Txt),
        ],
    ),
    (
        "value_revisions",
        &[
            ("id", Int),
            ("value_id", Int),
            ("revision", Int),
            ("value", Txt),
            ("status", Txt),
            ("note", Txt),
            ("changed_by", Txt),
            ("changed_at", Txt),
            ("source_kind", Txt),
            ("source_detail", Txt),
        ],
    ),
    (
        "validation_rules",
        &[
            ("code", Txt),
            ("name", Txt),
            ("left_side", Txt),
            ("operator", Txt),
            ("right_side", Txt),
            ("importance", Txt),
            ("tolerance", Txt),
            ("message", Txt),
        ],
    ),
    (
        "validation_findings",
        &[
            ("id", Int),
            ("rule", Txt),
            ("unit", Txt),
            ("period", Txt),
            ("importance", Txt),
            ("left_value", Txt),
            ("right_value", Txt),
            ("found_by", Txt),
            ("found_at", Txt),
            ("source_kind", Txt),
            ("source_detail", Txt),
        ],
    ),
    (
        "reports",
        &[
            ("id", Int),
            ("unit", Txt),
            ("period", Txt),
            ("template", Txt),
            ("template_text", Txt),
            ("document", Txt),
            ("figures", Txt),
            ("created_by", Txt),
            ("created_at", Txt),
        ],
    ),
    (
        "users",
        &[
            ("id", Int),
            ("username", Txt),
            ("display_name", Txt),
            ("password_hash", Txt),
            ("role", Txt),
            ("unit_code", Txt),
            ("groups", Txt),
            ("disabled", Int),
            ("created_by", Txt),
            ("created_at", Txt),
        ],
    ),
    (
        "sessions",
        &[
            ("id_hash", Txt),
            ("user_id", Int),
            ("csrf", Txt),
            ("created_at", Txt),
            ("expires_at", Txt),
        ],
    ),
    (
        "api_tokens",
        &[
            ("id", Int),
            ("token_hash", Txt),
            ("user_id", Int),
            ("name", Txt),
            ("created_at", Txt),
            ("revoked_at", Txt),
        ],
    ),
    (
        "dhis2_ids",
        &[("kind", Txt), ("dhis2", Txt), ("code", Txt), ("ours", Txt)],
    ),
    (
        "data_sets",
        &[
            ("code", Txt),
            ("name", Txt),
            ("name_en", Txt),
            ("period_type", Txt),
            ("deadline_days", Int),
            ("indicators", Txt),
            ("levels", Txt),
        ],
    ),
    (
        "submissions",
        &[
            ("id", Int),
            ("data_set", Txt),
            ("unit_code", Txt),
            ("period", Txt),
            ("state", Txt),
            ("level", Int),
            ("submitted_at", Txt),
            ("submitted_by", Txt),
            ("updated_by", Txt),
            ("updated_at", Txt),
        ],
    ),
    (
        "submission_events",
        &[
            ("id", Int),
            ("data_set", Txt),
            ("unit_code", Txt),
            ("period", Txt),
            ("action", Txt),
            ("level", Int),
            ("reason", Txt),
            ("done_by", Txt),
            ("done_at", Txt),
        ],
    ),
    (
        "change_log",
        &[
            ("id", Int),
            ("entity", Txt),
            ("entity_key", Txt),
            ("action", Txt),
            ("before", Txt),
            ("after", Txt),
            ("changed_by", Txt),
            ("changed_at", Txt),
        ],
    ),
    // Programs (migration 0010).
    (
        "ntm_sets",
        &[("code", Txt), ("name", Txt), ("level_code", Txt)],
    ),
    (
        "ntm_criteria",
        &[
            ("set_code", Txt),
            ("code", Txt),
            ("name", Txt),
            ("group_name", Txt),
            ("position", Int),
        ],
    ),
    (
        "ntm_indicators",
        &[
            ("set_code", Txt),
            ("code", Txt),
            ("criterion", Txt),
            ("name", Txt),
            ("position", Int),
        ],
    ),
    (
        "ntm_thresholds",
        &[
            ("set_code", Txt),
            ("indicator", Txt),
            ("region", Txt),
            ("operator", Txt),
            ("threshold", Txt),
        ],
    ),
    (
        "ntm_enrolments",
        &[
            ("set_code", Txt),
            ("commune", Txt),
            ("region", Txt),
            ("target_year", Int),
        ],
    ),
    (
        "ntm_assessments",
        &[
            ("id", Int),
            ("set_code", Txt),
            ("commune", Txt),
            ("indicator", Txt),
            ("assessed_on", Txt),
            ("value", Txt),
            ("evidence", Txt),
            ("assessed_by", Txt),
            ("recorded_by", Txt),
            ("recorded_at", Txt),
            ("source", Txt),
        ],
    ),
    (
        "ocop_products",
        &[
            ("code", Txt),
            ("name", Txt),
            ("producer", Txt),
            ("producer_type", Txt),
            ("commune", Txt),
            ("product_group", Txt),
        ],
    ),
    (
        "ocop_evaluations",
        &[
            ("product", Txt),
            ("year", Int),
            ("score", Txt),
            ("stars", Int),
            ("certified_on", Txt),
            ("certificate", Txt),
        ],
    ),
    (
        "fund_plans",
        &[
            ("fund", Txt),
            ("year", Int),
            ("name", Txt),
            ("plan_amount", Txt),
        ],
    ),
    (
        "projects",
        &[
            ("code", Txt),
            ("name", Txt),
            ("commune", Txt),
            ("fund", Txt),
            ("year", Int),
            ("carried_over", Int),
            ("step", Txt),
            ("step_date", Txt),
            ("support", Txt),
            ("disbursed", Txt),
        ],
    ),
    (
        "documents",
        &[
            ("doc_number", Txt),
            ("issued_on", Txt),
            ("issuer", Txt),
            ("kind", Txt),
            ("summary", Txt),
            ("signer", Txt),
            ("effective_on", Txt),
            ("field", Txt),
            ("file", Txt),
        ],
    ),
    (
        "tasks",
        &[
            ("code", Txt),
            ("document", Txt),
            ("agency", Txt),
            ("title", Txt),
            ("deadline", Txt),
            ("cites", Txt),
            ("status", Txt),
            ("status_date", Txt),
        ],
    ),
    (
        "task_history",
        &[
            ("id", Int),
            ("task", Txt),
            ("status", Txt),
            ("status_date", Txt),
            ("note", Txt),
            ("changed_by", Txt),
            ("changed_at", Txt),
            ("source", Txt),
        ],
    ),
    (
        "portals",
        &[
            ("code", Txt),
            ("unit_code", Txt),
            ("name", Txt),
            ("is_main", Int),
            ("address", Txt),
            ("phone", Txt),
            ("email", Txt),
            ("about", Txt),
            ("headline", Txt),
        ],
    ),
    (
        "portal_categories",
        &[
            ("id", Int),
            ("portal", Txt),
            ("slug", Txt),
            ("name", Txt),
            ("parent", Int),
            ("position", Int),
        ],
    ),
    (
        "articles",
        &[
            ("id", Int),
            ("portal", Txt),
            ("category", Int),
            ("slug", Txt),
            ("title", Txt),
            ("sapo", Txt),
            ("body", Txt),
            ("body_html", Txt),
            ("byline", Txt),
            ("source", Txt),
            ("featured", Int),
            ("state", Txt),
            ("published_at", Txt),
            ("revision", Int),
            ("created_by", Txt),
            ("created_at", Txt),
            ("updated_by", Txt),
            ("updated_at", Txt),
        ],
    ),
    (
        "article_revisions",
        &[
            ("id", Int),
            ("article", Int),
            ("revision", Int),
            ("action", Txt),
            ("reason", Txt),
            ("category", Int),
            ("slug", Txt),
            ("title", Txt),
            ("sapo", Txt),
            ("body", Txt),
            ("byline", Txt),
            ("source", Txt),
            ("featured", Int),
            ("state", Txt),
            ("published_at", Txt),
            ("changed_by", Txt),
            ("changed_at", Txt),
            ("changed_from", Txt),
        ],
    ),
    (
        "article_old_slugs",
        &[("portal", Txt), ("slug", Txt), ("article", Int)],
    ),
    (
        "portal_links",
        &[
            ("id", Int),
            ("portal", Txt),
            ("position", Int),
            ("name", Txt),
            ("url", Txt),
        ],
    ),
    (
        "portal_grants",
        &[("username", Txt), ("portal", Txt), ("role", Txt)],
    ),
    (
        "portal_visits",
        &[("portal", Txt), ("day", Txt), ("views", Int)],
    ),
    (
        "article_visits",
        &[("article", Int), ("day", Txt), ("views", Int)],
    ),
    (
        "schedule_items",
        &[
            ("id", Int),
            ("portal", Txt),
            ("day", Txt),
            ("start_time", Txt),
            ("content", Txt),
            ("chair", Txt),
            ("participants", Txt),
            ("place", Txt),
            ("preparer", Txt),
            ("state", Txt),
            ("published_at", Txt),
            ("changed_after_publication", Txt),
            ("revision", Int),
            ("updated_by", Txt),
            ("updated_at", Txt),
        ],
    ),
    (
        "schedule_revisions",
        &[
            ("id", Int),
            ("item", Int),
            ("revision", Int),
            ("action", Txt),
            ("day", Txt),
            ("start_time", Txt),
            ("content", Txt),
            ("chair", Txt),
            ("participants", Txt),
            ("place", Txt),
            ("preparer", Txt),
            ("state", Txt),
            ("changed_by", Txt),
            ("changed_at", Txt),
            ("changed_from", Txt),
        ],
    ),
    (
        "questions",
        &[
            ("id", Int),
            ("portal", Txt),
            ("article", Int),
            ("name", Txt),
            ("contact", Txt),
            ("question", Txt),
            ("asked_at", Txt),
            ("asked_from", Txt),
            ("state", Txt),
            ("answer", Txt),
            ("note", Txt),
            ("answered_at", Txt),
            ("revision", Int),
            ("updated_by", Txt),
            ("updated_at", Txt),
        ],
    ),
    (
        "comment_periods",
        &[
            ("article", Int),
            ("last_day", Txt),
            ("changed_by", Txt),
            ("changed_at", Txt),
        ],
    ),
    (
        "question_revisions",
        &[
            ("id", Int),
            ("question_id", Int),
            ("revision", Int),
            ("action", Txt),
            ("state", Txt),
            ("answer", Txt),
            ("note", Txt),
            ("changed_by", Txt),
            ("changed_at", Txt),
            ("changed_from", Txt),
        ],
    ),
    (
        "media",
        &[
            ("id", Int),
            ("portal", Txt),
            ("address", Txt),
            ("digest", Txt),
            ("format", Txt),
            ("name", Txt),
            ("alt", Txt),
            ("width", Int),
            ("height", Int),
            ("size", Int),
            ("uploaded_by", Txt),
            ("uploaded_from", Txt),
            ("uploaded_at", Txt),
        ],
    ),
    (
        "media_files",
        &[
            ("media", Int),
            ("width", Int),
            ("height", Int),
            ("mime", Txt),
            ("extension", Txt),
            ("data", Bin),
        ],
    ),
];

/// Rows copied per table.
pub type CopyReport = Vec<(&'static str, u64)>;

impl Store {
    /// Copies every row of `self` into `target`, which must hold no data, in one transaction.
    pub async fn copy_into(&self, target: &Store) -> Result<CopyReport> {
        let counts = target.counts().await?;
        if counts.units + counts.indicators + counts.values > 0 {
            return Err(StoreError::Conflict(solieu_i18n::text!(
                "store-target-database-already-holds-data"
            )));
        }
        let mut report = Vec::new();
        let mut tx = target.begin_write().await?;
        // A database created by `init` may already hold facts about itself; the copy's win.
        sqlx::query("DELETE FROM meta").execute(&mut *tx).await?;
        for (table, columns) in TABLES {
            let copied = self.copy_table(target, &mut tx, table, columns).await?;
            report.push((*table, copied));
        }
        tx.commit().await?;
        Ok(report)
    }

    /// Copies one table's rows, read as a stream (a table of pictures is not held in memory
    /// at once), and sets PostgreSQL's identity past the copied ids.
    async fn copy_table(
        &self,
        target: &Store,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        table: &str,
        columns: &[(&str, Column)],
    ) -> Result<u64> {
        use futures_util::TryStreamExt;
        let names: Vec<&str> = columns.iter().map(|(n, _)| *n).collect();
        let select = format!("SELECT {} FROM {table} ORDER BY 1", names.join(", "));
        let placeholders: Vec<String> = (1..=names.len()).map(|i| format!("${i}")).collect();
        // PostgreSQL generates identities itself unless told to keep the copied ones.
        let keeps_ids = target.backend == Backend::Postgres && names[0] == "id";
        let overriding = if keeps_ids {
            " OVERRIDING SYSTEM VALUE"
        } else {
            ""
        };
        let insert = format!(
            "INSERT INTO {table} ({}){overriding} VALUES ({})",
            names.join(", "),
            placeholders.join(", ")
        );
        let mut rows = sqlx::query(AssertSqlSafe(select)).fetch(&self.pool);
        let mut copied = 0;
        while let Some(row) = rows.try_next().await? {
            let mut query = sqlx::query(AssertSqlSafe(insert.clone()));
            for (i, (_, kind)) in columns.iter().enumerate() {
                query = match kind {
                    Int => query.bind(row.try_get::<Option<i64>, _>(i)?),
                    Txt => query.bind(row.try_get::<Option<String>, _>(i)?),
                    Bin => query.bind(row.try_get::<Option<Vec<u8>>, _>(i)?),
                };
            }
            query.execute(&mut **tx).await?;
            copied += 1;
        }
        if keeps_ids {
            let reset = format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            );
            sqlx::query(AssertSqlSafe(reset)).execute(&mut **tx).await?;
        }
        Ok(copied)
    }
}
