//! The program registers (NTM, OCOP, projects, documents and tasks): read whole, written with
//! the figures' change in one transaction. Assessments and task states are only ever added;
//! other records changed in place leave their earlier state in `change_log`.

use crate::read::{date_text, parse_date, parse_field, timestamp_text};
use crate::{Result, Store, StoreError};
use chrono::{NaiveDate, Utc};
use solieu_core::changes::ChangeSet;
use solieu_core::number::canonical;
use solieu_core::programs::ntm::{self, CriteriaSet, Criterion, SetIndicator, Threshold};
use solieu_core::programs::{ProgramChanges, Programs, ocop, projects, tasks};
use sqlx::{Any, Row, Transaction};

/// What writing the registers did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ProgramReport {
    pub sets_added: usize,
    pub enrolments_written: usize,
    pub assessments_added: usize,
    pub products_written: usize,
    pub evaluations_written: usize,
    pub funds_written: usize,
    pub projects_written: usize,
    pub documents_written: usize,
    pub tasks_written: usize,
}

type Tx = Transaction<'static, Any>;

fn text<T: std::fmt::Debug>(t: &T) -> String {
    format!("{t:?}")
}

async fn log(
    tx: &mut Tx,
    entity: &str,
    key: &str,
    before: Option<String>,
    after: String,
    who: &str,
    at: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO change_log (entity, entity_key, action, before, after, changed_by, changed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(entity)
    .bind(key)
    .bind(if before.is_some() { "update" } else { "add" })
    .bind(before)
    .bind(after)
    .bind(who)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// Every program register.
    pub async fn programs(&self) -> Result<Programs> {
        let mut p = Programs::default();
        self.read_ntm_sets(&mut p).await?;
        self.read_ntm_records(&mut p).await?;
        self.read_ocop(&mut p).await?;
        self.read_projects(&mut p).await?;
        self.read_documents_and_tasks(&mut p).await?;
        Ok(p)
    }

    /// The NTM criteria sets, each with its criteria, indicators and thresholds.
    async fn read_ntm_sets(&self, p: &mut Programs) -> Result<()> {
        let rows = sqlx::query("SELECT code, name, level_code FROM ntm_sets ORDER BY code")
            .fetch_all(&self.pool)
            .await?;
        for r in rows {
            p.sets.push(CriteriaSet {
                code: r.try_get(0)?,
                name: r.try_get(1)?,
                level: parse_field(&r.try_get::<String, _>(2)?, "level")?,
                criteria: Vec::new(),
                indicators: Vec::new(),
            });
        }
        for r in sqlx::query(
            "SELECT set_code, code, name, group_name FROM ntm_criteria ORDER BY set_code, position",
        )
        .fetch_all(&self.pool)
        .await?
        {
            let set: String = r.try_get(0)?;
            if let Some(s) = p.sets.iter_mut().find(|s| s.code == set) {
                s.criteria.push(Criterion {
                    code: r.try_get(1)?,
                    name: r.try_get(2)?,
                    group: r.try_get(3)?,
                });
            }
        }
        for r in sqlx::query("SELECT set_code, code, criterion, name FROM ntm_indicators ORDER BY set_code, position")
            .fetch_all(&self.pool)
            .await?
        {
            let set: String = r.try_get(0)?;
            if let Some(s) = p.sets.iter_mut().find(|s| s.code == set) {
                s.indicators.push(SetIndicator { code: r.try_get(1)?, criterion: r.try_get(2)?, name: r.try_get(3)?, thresholds: Vec::new() });
            }
        }
        for r in sqlx::query("SELECT set_code, indicator, region, operator, threshold FROM ntm_thresholds ORDER BY set_code, indicator, region")
            .fetch_all(&self.pool)
            .await?
        {
            let (set, indicator): (String, String) = (r.try_get(0)?, r.try_get(1)?);
            let region: String = r.try_get(2)?;
            let t = Threshold {
                region: (!region.is_empty()).then_some(region),
                operator: parse_field(&r.try_get::<String, _>(3)?, "operator")?,
                value: parse_field(&r.try_get::<String, _>(4)?, "threshold")?,
            };
            if let Some(i) = p
                .sets
                .iter_mut()
                .find(|s| s.code == set)
                .and_then(|s| s.indicators.iter_mut().find(|i| i.code == indicator))
            {
                i.thresholds.push(t);
            }
        }
        Ok(())
    }

    /// The communes enrolled in a set and their assessments.
    async fn read_ntm_records(&self, p: &mut Programs) -> Result<()> {
        for r in sqlx::query("SELECT set_code, commune, region, target_year FROM ntm_enrolments ORDER BY set_code, commune")
            .fetch_all(&self.pool)
            .await?
        {
            p.enrolments.push(ntm::Enrolment {
                set: r.try_get(0)?,
                commune: r.try_get(1)?,
                region: r.try_get(2)?,
                target_year: r.try_get::<Option<i64>, _>(3)?.map(|y| y as i32),
            });
        }
        for r in sqlx::query("SELECT set_code, commune, indicator, assessed_on, value, evidence, assessed_by FROM ntm_assessments ORDER BY id")
            .fetch_all(&self.pool)
            .await?
        {
            p.assessments.push(ntm::Assessment {
                set: r.try_get(0)?,
                commune: r.try_get(1)?,
                indicator: r.try_get(2)?,
                date: parse_field(&r.try_get::<String, _>(3)?, "date")?,
                value: parse_field(&r.try_get::<String, _>(4)?, "value")?,
                evidence: r.try_get(5)?,
                assessed_by: r.try_get(6)?,
            });
        }
        Ok(())
    }

    /// OCOP products and their evaluations.
    async fn read_ocop(&self, p: &mut Programs) -> Result<()> {
        for r in sqlx::query("SELECT code, name, producer, producer_type, commune, product_group FROM ocop_products ORDER BY code")
            .fetch_all(&self.pool)
            .await?
        {
            p.products.push(ocop::Product {
                code: r.try_get(0)?,
                name: r.try_get(1)?,
                producer: r.try_get(2)?,
                producer_type: parse_field(&r.try_get::<String, _>(3)?, "producer type")?,
                commune: r.try_get(4)?,
                group: parse_field(&r.try_get::<String, _>(5)?, "product group")?,
            });
        }
        for r in sqlx::query("SELECT product, year, score, stars, certified_on, certificate FROM ocop_evaluations ORDER BY product, year")
            .fetch_all(&self.pool)
            .await?
        {
            p.evaluations.push(ocop::Evaluation {
                product: r.try_get(0)?,
                year: r.try_get::<i64, _>(1)? as i32,
                score: parse_field(&r.try_get::<String, _>(2)?, "score")?,
                stars: r.try_get::<Option<i64>, _>(3)?.map(|s| s as u8),
                certified_on: parse_date(r.try_get(4)?)?,
                certificate: r.try_get(5)?,
            });
        }
        Ok(())
    }

    /// Funds' plans and the projects they support.
    async fn read_projects(&self, p: &mut Programs) -> Result<()> {
        for r in
            sqlx::query("SELECT fund, year, name, plan_amount FROM fund_plans ORDER BY fund, year")
                .fetch_all(&self.pool)
                .await?
        {
            p.fund_plans.push(projects::FundPlan {
                fund: r.try_get(0)?,
                year: r.try_get::<i64, _>(1)? as i32,
                name: r.try_get(2)?,
                plan: parse_field(&r.try_get::<String, _>(3)?, "plan")?,
            });
        }
        for r in sqlx::query("SELECT code, name, commune, fund, year, carried_over, step, step_date, support, disbursed FROM projects ORDER BY code")
            .fetch_all(&self.pool)
            .await?
        {
            p.projects.push(projects::Project {
                code: r.try_get(0)?,
                name: r.try_get(1)?,
                commune: r.try_get(2)?,
                fund: r.try_get(3)?,
                year: r.try_get::<i64, _>(4)? as i32,
                carried_over: r.try_get::<i64, _>(5)? != 0,
                step: parse_field(&r.try_get::<String, _>(6)?, "step")?,
                step_date: parse_date(r.try_get(7)?)?,
                support: parse_field(&r.try_get::<String, _>(8)?, "support")?,
                disbursed: parse_field(&r.try_get::<String, _>(9)?, "disbursed")?,
            });
        }
        Ok(())
    }

    /// The documents register, the tasks documents assign and every state of each task.
    async fn read_documents_and_tasks(&self, p: &mut Programs) -> Result<()> {
        for r in sqlx::query("SELECT doc_number, issued_on, issuer, kind, summary, signer, effective_on, field, file FROM documents ORDER BY issued_on, doc_number")
            .fetch_all(&self.pool)
            .await?
        {
            p.documents.push(tasks::Document {
                number: r.try_get(0)?,
                date: parse_field(&r.try_get::<String, _>(1)?, "date")?,
                issuer: r.try_get(2)?,
                kind: r.try_get(3)?,
                summary: r.try_get(4)?,
                signer: r.try_get(5)?,
                effective: parse_date(r.try_get(6)?)?,
                field: r.try_get(7)?,
                file: r.try_get(8)?,
            });
        }
        for r in sqlx::query("SELECT code, document, agency, title, deadline, cites, status, status_date FROM tasks ORDER BY code")
            .fetch_all(&self.pool)
            .await?
        {
            let cites: String = r.try_get(5)?;
            p.tasks.push(tasks::Task {
                code: r.try_get(0)?,
                document: r.try_get(1)?,
                agency: r.try_get(2)?,
                title: r.try_get(3)?,
                deadline: parse_date(r.try_get(4)?)?,
                cites: cites.split(';').filter(|c| !c.is_empty()).map(str::to_string).collect(),
                status: parse_field(&r.try_get::<String, _>(6)?, "status")?,
                status_date: parse_date(r.try_get(7)?)?,
            });
        }
        for r in sqlx::query("SELECT task, status, status_date, note, changed_by, changed_at, source FROM task_history ORDER BY id")
            .fetch_all(&self.pool)
            .await?
        {
            p.task_history.push(tasks::TaskEvent {
                task: r.try_get(0)?,
                status: parse_field(&r.try_get::<String, _>(1)?, "status")?,
                date: parse_date(r.try_get(2)?)?,
                note: r.try_get(3)?,
                by: r.try_get(4)?,
                at: r.try_get(5)?,
                source: r.try_get(6)?,
            });
        }
        Ok(())
    }

    /// Applies a planned change of figures and of the program registers in one transaction:
    /// both or neither. `source` names where the change came from (the files of an import).
    pub async fn apply_with_programs(
        &self,
        changes: &ChangeSet,
        programs: &ProgramChanges,
        who: &str,
        source: &str,
        dry_run: bool,
        progress: &(dyn Fn(usize) + Send + Sync),
    ) -> Result<(crate::ApplyReport, ProgramReport)> {
        let mut tx = self.begin_write().await?;
        let report = crate::write::apply_in(self.backend, &mut tx, changes, who, progress).await?;
        let program_report = write_programs(&mut tx, programs, who, source).await?;
        if dry_run {
            tx.rollback().await?;
        } else {
            tx.commit().await?;
        }
        Ok((report, program_report))
    }

    /// Records a new state of a task (done, cancelled, reopened) with a note, kept in its
    /// history with who, when and `source`.
    pub async fn set_task_status(
        &self,
        code: &str,
        status: tasks::TaskStatus,
        date: NaiveDate,
        note: &str,
        who: &str,
        source: &str,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let updated = sqlx::query("UPDATE tasks SET status = $1, status_date = $2 WHERE code = $3")
            .bind(status.code())
            .bind(date.to_string())
            .bind(code)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if updated == 0 {
            return Err(StoreError::Conflict(solieu_i18n::text!(
                "store-there-no-task",
                code = code
            )));
        }
        add_task_event(
            &mut tx,
            code,
            status,
            Some(date),
            note,
            who,
            &timestamp_text(Utc::now()),
            source,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

#[allow(clippy::too_many_arguments)]
async fn add_task_event(
    tx: &mut Tx,
    task: &str,
    status: tasks::TaskStatus,
    date: Option<NaiveDate>,
    note: &str,
    who: &str,
    at: &str,
    source: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO task_history (task, status, status_date, note, changed_by, changed_at, source) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(task)
    .bind(status.code())
    .bind(date_text(date))
    .bind(note)
    .bind(who)
    .bind(at)
    .bind(source)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub(crate) async fn write_programs(
    tx: &mut Tx,
    c: &ProgramChanges,
    who: &str,
    source: &str,
) -> Result<ProgramReport> {
    let w = Writing {
        who,
        source,
        now: timestamp_text(Utc::now()),
    };
    let mut report = ProgramReport::default();
    write_sets(tx, c, &w, &mut report).await?;
    write_enrolments(tx, c, &w, &mut report).await?;
    write_assessments(tx, c, &w, &mut report).await?;
    write_products(tx, c, &w, &mut report).await?;
    write_evaluations(tx, c, &w, &mut report).await?;
    write_fund_plans(tx, c, &w, &mut report).await?;
    write_projects(tx, c, &w, &mut report).await?;
    write_documents(tx, c, &w, &mut report).await?;
    write_tasks(tx, c, &w, &mut report).await?;
    Ok(report)
}

/// Who writes the registers, from which file, and when.
struct Writing<'a> {
    who: &'a str,
    source: &'a str,
    now: String,
}

async fn write_sets(
    tx: &mut Tx,
    c: &ProgramChanges,
    w: &Writing<'_>,
    report: &mut ProgramReport,
) -> Result<()> {
    let (who, now) = (w.who, &w.now);
    for s in &c.new_sets {
        sqlx::query("INSERT INTO ntm_sets (code, name, level_code) VALUES ($1, $2, $3)")
            .bind(&s.code)
            .bind(&s.name)
            .bind(s.level.code())
            .execute(&mut **tx)
            .await?;
        for (i, cr) in s.criteria.iter().enumerate() {
            sqlx::query("INSERT INTO ntm_criteria (set_code, code, name, group_name, position) VALUES ($1, $2, $3, $4, $5)")
                .bind(&s.code)
                .bind(&cr.code)
                .bind(&cr.name)
                .bind(&cr.group)
                .bind(i as i64)
                .execute(&mut **tx)
                .await?;
        }
        for (i, ind) in s.indicators.iter().enumerate() {
            sqlx::query("INSERT INTO ntm_indicators (set_code, code, criterion, name, position) VALUES ($1, $2, $3, $4, $5)")
                .bind(&s.code)
                .bind(&ind.code)
                .bind(&ind.criterion)
                .bind(&ind.name)
                .bind(i as i64)
                .execute(&mut **tx)
                .await?;
            for t in &ind.thresholds {
                sqlx::query("INSERT INTO ntm_thresholds (set_code, indicator, region, operator, threshold) VALUES ($1, $2, $3, $4, $5)")
                    .bind(&s.code)
                    .bind(&ind.code)
                    .bind(t.region.clone().unwrap_or_default())
                    .bind(t.operator.symbol())
                    .bind(canonical(t.value))
                    .execute(&mut **tx)
                    .await?;
            }
        }
        let after = format!(
            "{} | {} | {} tiêu chí, {} chỉ tiêu",
            s.name,
            s.level.code(),
            s.criteria.len(),
            s.indicators.len()
        );
        log(tx, "ntm_set", &s.code, None, after, who, now).await?;
        report.sets_added += 1;
    }
    Ok(())
}

async fn write_enrolments(
    tx: &mut Tx,
    c: &ProgramChanges,
    w: &Writing<'_>,
    report: &mut ProgramReport,
) -> Result<()> {
    let (who, now) = (w.who, &w.now);
    for (old, e) in c
        .new_enrolments
        .iter()
        .map(|e| (None, e))
        .chain(c.changed_enrolments.iter().map(|(o, e)| (Some(o), e)))
    {
        sqlx::query("DELETE FROM ntm_enrolments WHERE set_code = $1 AND commune = $2")
            .bind(&e.set)
            .bind(&e.commune)
            .execute(&mut **tx)
            .await?;
        sqlx::query("INSERT INTO ntm_enrolments (set_code, commune, region, target_year) VALUES ($1, $2, $3, $4)")
            .bind(&e.set)
            .bind(&e.commune)
            .bind(e.region.clone())
            .bind(e.target_year.map(i64::from))
            .execute(&mut **tx)
            .await?;
        log(
            tx,
            "ntm_enrolment",
            &format!("{}/{}", e.set, e.commune),
            old.map(text),
            text(e),
            who,
            now,
        )
        .await?;
        report.enrolments_written += 1;
    }
    Ok(())
}

async fn write_assessments(
    tx: &mut Tx,
    c: &ProgramChanges,
    w: &Writing<'_>,
    report: &mut ProgramReport,
) -> Result<()> {
    let (who, source, now) = (w.who, w.source, &w.now);
    for a in &c.assessments {
        sqlx::query(
            "INSERT INTO ntm_assessments (set_code, commune, indicator, assessed_on, value, evidence, assessed_by, recorded_by, recorded_at, source) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&a.set)
        .bind(&a.commune)
        .bind(&a.indicator)
        .bind(a.date.to_string())
        .bind(canonical(a.value))
        .bind(&a.evidence)
        .bind(&a.assessed_by)
        .bind(who)
        .bind(now)
        .bind(source)
        .execute(&mut **tx)
        .await?;
        report.assessments_added += 1;
    }
    Ok(())
}

async fn write_products(
    tx: &mut Tx,
    c: &ProgramChanges,
    w: &Writing<'_>,
    report: &mut ProgramReport,
) -> Result<()> {
    let (who, now) = (w.who, &w.now);
    for (old, p) in c
        .new_products
        .iter()
        .map(|p| (None, p))
        .chain(c.changed_products.iter().map(|(o, p)| (Some(o), p)))
    {
        let sql = if old.is_some() {
            "UPDATE ocop_products SET name = $2, producer = $3, producer_type = $4, commune = $5, product_group = $6 WHERE code = $1"
        } else {
            "INSERT INTO ocop_products (code, name, producer, producer_type, commune, product_group) VALUES ($1, $2, $3, $4, $5, $6)"
        };
        sqlx::query(sql)
            .bind(&p.code)
            .bind(&p.name)
            .bind(&p.producer)
            .bind(p.producer_type.code())
            .bind(&p.commune)
            .bind(p.group.code())
            .execute(&mut **tx)
            .await?;
        log(
            tx,
            "ocop_product",
            &p.code,
            old.map(text),
            text(p),
            who,
            now,
        )
        .await?;
        report.products_written += 1;
    }
    Ok(())
}

async fn write_evaluations(
    tx: &mut Tx,
    c: &ProgramChanges,
    w: &Writing<'_>,
    report: &mut ProgramReport,
) -> Result<()> {
    let (who, now) = (w.who, &w.now);
    for (old, e) in c
        .new_evaluations
        .iter()
        .map(|e| (None, e))
        .chain(c.changed_evaluations.iter().map(|(o, e)| (Some(o), e)))
    {
        sqlx::query("DELETE FROM ocop_evaluations WHERE product = $1 AND year = $2")
            .bind(&e.product)
            .bind(i64::from(e.year))
            .execute(&mut **tx)
            .await?;
        sqlx::query("INSERT INTO ocop_evaluations (product, year, score, stars, certified_on, certificate) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(&e.product)
            .bind(i64::from(e.year))
            .bind(canonical(e.score))
            .bind(e.stars.map(i64::from))
            .bind(date_text(e.certified_on))
            .bind(&e.certificate)
            .execute(&mut **tx)
            .await?;
        log(
            tx,
            "ocop_evaluation",
            &format!("{} {}", e.product, e.year),
            old.map(text),
            text(e),
            who,
            now,
        )
        .await?;
        report.evaluations_written += 1;
    }
    Ok(())
}

async fn write_fund_plans(
    tx: &mut Tx,
    c: &ProgramChanges,
    w: &Writing<'_>,
    report: &mut ProgramReport,
) -> Result<()> {
    let (who, now) = (w.who, &w.now);
    for (old, f) in c
        .new_fund_plans
        .iter()
        .map(|f| (None, f))
        .chain(c.changed_fund_plans.iter().map(|(o, f)| (Some(o), f)))
    {
        sqlx::query("DELETE FROM fund_plans WHERE fund = $1 AND year = $2")
            .bind(&f.fund)
            .bind(i64::from(f.year))
            .execute(&mut **tx)
            .await?;
        sqlx::query(
            "INSERT INTO fund_plans (fund, year, name, plan_amount) VALUES ($1, $2, $3, $4)",
        )
        .bind(&f.fund)
        .bind(i64::from(f.year))
        .bind(&f.name)
        .bind(canonical(f.plan))
        .execute(&mut **tx)
        .await?;
        log(
            tx,
            "fund_plan",
            &format!("{} {}", f.fund, f.year),
            old.map(text),
            text(f),
            who,
            now,
        )
        .await?;
        report.funds_written += 1;
    }
    Ok(())
}

async fn write_projects(
    tx: &mut Tx,
    c: &ProgramChanges,
    w: &Writing<'_>,
    report: &mut ProgramReport,
) -> Result<()> {
    let (who, now) = (w.who, &w.now);
    for (old, p) in c
        .new_projects
        .iter()
        .map(|p| (None, p))
        .chain(c.changed_projects.iter().map(|(o, p)| (Some(o), p)))
    {
        sqlx::query("DELETE FROM projects WHERE code = $1")
            .bind(&p.code)
            .execute(&mut **tx)
            .await?;
        sqlx::query(
            "INSERT INTO projects (code, name, commune, fund, year, carried_over, step, step_date, support, disbursed) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&p.code)
        .bind(&p.name)
        .bind(&p.commune)
        .bind(&p.fund)
        .bind(i64::from(p.year))
        .bind(i64::from(p.carried_over))
        .bind(p.step.code())
        .bind(date_text(p.step_date))
        .bind(canonical(p.support))
        .bind(canonical(p.disbursed))
        .execute(&mut **tx)
        .await?;
        log(tx, "project", &p.code, old.map(text), text(p), who, now).await?;
        report.projects_written += 1;
    }
    Ok(())
}

async fn write_documents(
    tx: &mut Tx,
    c: &ProgramChanges,
    w: &Writing<'_>,
    report: &mut ProgramReport,
) -> Result<()> {
    let (who, now) = (w.who, &w.now);
    for (old, d) in c
        .new_documents
        .iter()
        .map(|d| (None, d))
        .chain(c.changed_documents.iter().map(|(o, d)| (Some(o), d)))
    {
        let sql = if old.is_some() {
            "UPDATE documents SET issued_on = $2, issuer = $3, kind = $4, summary = $5, signer = $6, \
             effective_on = $7, field = $8, file = $9 WHERE doc_number = $1"
        } else {
            "INSERT INTO documents (doc_number, issued_on, issuer, kind, summary, signer, effective_on, \
             field, file) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        };
        sqlx::query(sql)
            .bind(&d.number)
            .bind(d.date.to_string())
            .bind(&d.issuer)
            .bind(&d.kind)
            .bind(&d.summary)
            .bind(&d.signer)
            .bind(date_text(d.effective))
            .bind(&d.field)
            .bind(&d.file)
            .execute(&mut **tx)
            .await?;
        log(tx, "document", &d.number, old.map(text), text(d), who, now).await?;
        report.documents_written += 1;
    }
    Ok(())
}

async fn write_tasks(
    tx: &mut Tx,
    c: &ProgramChanges,
    w: &Writing<'_>,
    report: &mut ProgramReport,
) -> Result<()> {
    let (who, source, now) = (w.who, w.source, &w.now);
    for (old, t) in c
        .new_tasks
        .iter()
        .map(|t| (None, t))
        .chain(c.changed_tasks.iter().map(|(o, t)| (Some(o), t)))
    {
        let sql = if old.is_some() {
            "UPDATE tasks SET document = $2, agency = $3, title = $4, deadline = $5, cites = $6, status = $7, status_date = $8 WHERE code = $1"
        } else {
            "INSERT INTO tasks (code, document, agency, title, deadline, cites, status, status_date) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        };
        sqlx::query(sql)
            .bind(&t.code)
            .bind(&t.document)
            .bind(&t.agency)
            .bind(&t.title)
            .bind(date_text(t.deadline))
            .bind(t.cites.join(";"))
            .bind(t.status.code())
            .bind(date_text(t.status_date))
            .execute(&mut **tx)
            .await?;
        log(tx, "task", &t.code, old.map(text), text(t), who, now).await?;
        if old.is_none_or(|o| o.status != t.status || o.status_date != t.status_date) {
            add_task_event(tx, &t.code, t.status, t.status_date, "", who, now, source).await?;
        }
        report.tasks_written += 1;
    }
    Ok(())
}
