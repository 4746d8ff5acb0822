//! The figures of the program sections (NTM, OCOP, support projects, tasks), taken from the
//! summaries `solieu_analytics::programs` computes from the registers, in the shape the report
//! templates read as `programs.ntm`, `programs.ocop`, `programs.projects`, `programs.tasks`
//! and `programs.documents` (see docs/report-templates.md).

use chrono::{Datelike, NaiveDate};
use serde_json::{Map, Value, json};
use solieu_analytics::programs::{ntm_summary, ocop_summary, project_summary, task_summary};
use solieu_core::lineage::Registry;
use solieu_core::programs::Programs;
use solieu_core::programs::ntm::Level;

/// The standard's usual floor in district reports: "không còn xã dưới 15 tiêu chí".
const BELOW: usize = 15;

/// The program sections' figures for `unit` on `date`; an empty map when the unit has no
/// program records, so that the template leaves the sections out.
pub fn context(programs: &Programs, registry: &Registry, unit: &str, date: NaiveDate) -> Value {
    let mut out = Map::new();
    let summaries: Vec<_> = programs
        .sets
        .iter()
        .filter_map(|s| ntm_summary(programs, registry, &s.code, unit, date, BELOW))
        .filter(|s| s.communes > 0)
        .collect();
    // The standard set with the most communes speaks for the unit; the higher levels follow.
    if let Some(standard) = summaries
        .iter()
        .filter(|s| s.level == Level::Standard)
        .max_by_key(|s| s.communes)
    {
        let higher: Vec<String> = summaries
            .iter()
            .filter(|s| matches!(s.level, Level::Advanced | Level::Model))
            .map(|s| s.phrase_vi())
            .collect();
        out.insert(
            "ntm".into(),
            json!({
                "set": standard.set_name,
                "communes": standard.communes,
                "average_criteria": standard.average_criteria,
                "criteria_total": standard.criteria_total,
                "average_indicators": standard.average_indicators,
                "indicators_total": standard.indicators_total,
                "below_15": standard.below,
                "meeting_set": standard.meeting_set,
                "change_criteria": standard.change_criteria,
                "change_indicators": standard.change_indicators,
                "phrase": standard.phrase_vi(),
                "distribution": standard.distribution_vi(),
                "higher_levels": higher,
            }),
        );
    }
    let ocop = ocop_summary(programs, registry, unit, date, 90);
    if ocop.products > 0 {
        let new: Vec<String> = ocop
            .new_this_year
            .iter()
            .map(|p| format!("“{}” ({})", p.name, p.producer))
            .collect();
        out.insert(
            "ocop".into(),
            json!({
                "products": ocop.products,
                "new_this_year": ocop.new_this_year.len(),
                "new_names": new.join(", "),
                "expiring": ocop.expiring.len(),
                "phrase": ocop.phrase_vi(),
            }),
        );
    }
    let projects = project_summary(programs, registry, unit, date.year());
    if !projects.funds.is_empty() {
        let funds: Vec<Value> = projects
            .funds
            .iter()
            .map(|f| {
                json!({
                    "name": f.name,
                    "approved": f.approved,
                    "support_million": f.support,
                    "percent_of_plan": f.percent_of_plan,
                    "phrase": f.phrase_vi(),
                })
            })
            .collect();
        out.insert(
            "projects".into(),
            json!({
                "approved": projects.funds.iter().map(|f| f.approved).sum::<usize>(),
                "funds": funds,
            }),
        );
    }
    // Tasks name agencies, not communes: they belong to the report of the level that assigned
    // them, a unit with units below it.
    let tasks = task_summary(programs, None, date);
    let assigns =
        registry.resolve(unit, date).is_some() && !registry.children(unit, date).is_empty();
    if assigns {
        let documents = documents(programs, date);
        if !documents.is_empty() {
            out.insert("documents".into(), Value::Array(documents));
        }
    }
    if tasks.tasks > 0 && assigns {
        out.insert(
            "tasks".into(),
            json!({
                "tasks": tasks.tasks,
                "overdue": tasks.overdue,
                "phrase": tasks.phrase_vi(),
            }),
        );
    }
    Value::Object(out)
}

/// "15/01/2020", "26/5/2020": as Decree 30 writes dates, a leading zero for days under 10 and
/// for January and February only.
pub fn date_vi(d: NaiveDate) -> String {
    let month = if d.month() <= 2 {
        format!("{:02}", d.month())
    } else {
        d.month().to_string()
    };
    format!("{:02}/{month}/{}", d.day(), d.year())
}

/// The register's documents of the report's year issued by its date, oldest first, each with
/// the citation a report writes: "Kế hoạch số 256/KH-UBND ngày 15/01/2020".
fn documents(programs: &Programs, date: NaiveDate) -> Vec<Value> {
    let mut docs: Vec<_> = programs
        .documents
        .iter()
        .filter(|d| d.date <= date && d.date.year() == date.year())
        .collect();
    docs.sort_by(|a, b| (a.date, &a.number).cmp(&(b.date, &b.number)));
    docs.into_iter()
        .map(|d| {
            let assigned = programs
                .tasks
                .iter()
                .filter(|t| t.document == d.number)
                .count();
            json!({
                "number": d.number,
                "date": date_vi(d.date),
                "kind": d.kind,
                "issuer": d.issuer,
                "summary": d.summary,
                "tasks": assigned,
                "citation": format!(
                    "{} số {} ngày {}",
                    solieu_core::programs::tasks::kind_name_vi(&d.kind),
                    d.number,
                    date_vi(d.date)
                ),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_dates_read_as_decree_30_writes_them() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(date_vi(d(2020, 1, 15)), "15/01/2020");
        assert_eq!(date_vi(d(2020, 5, 26)), "26/5/2020");
        assert_eq!(date_vi(d(2020, 5, 4)), "04/5/2020");
    }
}
