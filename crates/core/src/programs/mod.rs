//! Programs followed beside the indicators: New Rural Development criteria ([`ntm`]), OCOP
//! products ([`ocop`]), support projects and funds ([`projects`]), documents and tasks
//! ([`tasks`]). Their registers come from files and are planned here like figures: every
//! reference checked, what is new or changed told apart from what is already stored.

pub mod ntm;
pub mod ocop;
pub mod projects;
pub mod tasks;

use crate::changes::Located;
use crate::problem::{Location, Problem, Text};
use crate::unit::UnitVersion;
use std::collections::{HashMap, HashSet};

/// The program registers as stored.
#[derive(Debug, Clone, Default)]
pub struct Programs {
    pub sets: Vec<ntm::CriteriaSet>,
    pub enrolments: Vec<ntm::Enrolment>,
    /// In the order recorded: a later assessment of the same day supersedes an earlier one.
    pub assessments: Vec<ntm::Assessment>,
    pub products: Vec<ocop::Product>,
    pub evaluations: Vec<ocop::Evaluation>,
    pub fund_plans: Vec<projects::FundPlan>,
    pub projects: Vec<projects::Project>,
    pub documents: Vec<tasks::Document>,
    pub tasks: Vec<tasks::Task>,
    /// Every state of every task, oldest first.
    pub task_history: Vec<tasks::TaskEvent>,
}

/// What one import brings to the registers.
#[derive(Debug, Clone, Default)]
pub struct Incoming {
    pub sets: Vec<Located<ntm::CriteriaSet>>,
    pub enrolments: Vec<Located<ntm::Enrolment>>,
    pub assessments: Vec<Located<ntm::Assessment>>,
    pub products: Vec<Located<ocop::Product>>,
    pub evaluations: Vec<Located<ocop::Evaluation>>,
    pub fund_plans: Vec<Located<projects::FundPlan>>,
    pub projects: Vec<Located<projects::Project>>,
    pub documents: Vec<Located<tasks::Document>>,
    pub tasks: Vec<Located<tasks::Task>>,
}

impl Incoming {
    pub fn extend(&mut self, other: Incoming) {
        self.sets.extend(other.sets);
        self.enrolments.extend(other.enrolments);
        self.assessments.extend(other.assessments);
        self.products.extend(other.products);
        self.evaluations.extend(other.evaluations);
        self.fund_plans.extend(other.fund_plans);
        self.projects.extend(other.projects);
        self.documents.extend(other.documents);
        self.tasks.extend(other.tasks);
    }

    pub fn is_empty(&self) -> bool {
        self.sets.is_empty()
            && self.enrolments.is_empty()
            && self.assessments.is_empty()
            && self.products.is_empty()
            && self.evaluations.is_empty()
            && self.fund_plans.is_empty()
            && self.projects.is_empty()
            && self.documents.is_empty()
            && self.tasks.is_empty()
    }
}

/// A record that replaces a stored one: (stored, replacement).
pub type Replaced<T> = (T, T);

/// What applying an import to the registers does.
#[derive(Debug, Clone, Default)]
pub struct ProgramChanges {
    pub new_sets: Vec<ntm::CriteriaSet>,
    pub new_enrolments: Vec<ntm::Enrolment>,
    pub changed_enrolments: Vec<Replaced<ntm::Enrolment>>,
    /// New assessments, and assessments of a stored (commune, indicator, day) with another value:
    /// both are added; the later record supersedes, the earlier stays in the history.
    pub assessments: Vec<ntm::Assessment>,
    pub reassessed: usize,
    pub new_products: Vec<ocop::Product>,
    pub changed_products: Vec<Replaced<ocop::Product>>,
    pub new_evaluations: Vec<ocop::Evaluation>,
    pub changed_evaluations: Vec<Replaced<ocop::Evaluation>>,
    pub new_fund_plans: Vec<projects::FundPlan>,
    pub changed_fund_plans: Vec<Replaced<projects::FundPlan>>,
    pub new_projects: Vec<projects::Project>,
    pub changed_projects: Vec<Replaced<projects::Project>>,
    pub new_documents: Vec<tasks::Document>,
    pub changed_documents: Vec<Replaced<tasks::Document>>,
    pub new_tasks: Vec<tasks::Task>,
    pub changed_tasks: Vec<Replaced<tasks::Task>>,
    pub unchanged: usize,
}

impl ProgramChanges {
    pub fn is_empty(&self) -> bool {
        self.new_sets.is_empty()
            && self.new_enrolments.is_empty()
            && self.changed_enrolments.is_empty()
            && self.assessments.is_empty()
            && self.new_products.is_empty()
            && self.changed_products.is_empty()
            && self.new_evaluations.is_empty()
            && self.changed_evaluations.is_empty()
            && self.new_fund_plans.is_empty()
            && self.changed_fund_plans.is_empty()
            && self.new_projects.is_empty()
            && self.changed_projects.is_empty()
            && self.new_documents.is_empty()
            && self.changed_documents.is_empty()
            && self.new_tasks.is_empty()
            && self.changed_tasks.is_empty()
    }
}

fn problem(location: &Location, message: Text) -> Problem {
    Problem::error(location.clone(), message)
}

/// Sorts `incoming` into new, changed and unchanged against `stored` (keyed by `key`), refusing
/// two different records of one key in the same import.
fn diff<T: Clone + PartialEq, K: std::hash::Hash + Eq + std::fmt::Display>(
    stored: &[T],
    incoming: &[Located<T>],
    key: impl Fn(&T) -> K,
    what: &Text,
    problems: &mut Vec<Problem>,
    unchanged: &mut usize,
) -> (Vec<T>, Vec<Replaced<T>>) {
    let by_key: HashMap<K, &T> = stored.iter().map(|t| (key(t), t)).collect();
    let mut seen: HashMap<K, &Located<T>> = HashMap::new();
    let (mut new, mut changed) = (Vec::new(), Vec::new());
    for l in incoming {
        let k = key(&l.item);
        if let Some(first) = seen.get(&k) {
            if first.item != l.item {
                problems.push(
                    problem(
                        &l.location,
                        solieu_i18n::text!(
                            "core-also-given-differently",
                            what = what,
                            k = k,
                            file = first.location.file
                        ),
                    )
                    .with_value(k.to_string()),
                );
            }
            continue;
        }
        match by_key.get(&k) {
            Some(old) if **old == l.item => *unchanged += 1,
            Some(old) => changed.push(((*old).clone(), l.item.clone())),
            None => new.push(l.item.clone()),
        }
        seen.insert(k, l);
    }
    (new, changed)
}

/// Plans `incoming` against `stored`. `units` are the unit versions known (stored and
/// incoming): every commune named must be one of them. Returns every problem found.
pub fn plan(
    stored: &Programs,
    units: &[UnitVersion],
    incoming: Incoming,
) -> Result<ProgramChanges, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut out = ProgramChanges::default();
    let unit_codes: HashSet<&str> = units.iter().map(|u| u.code.as_str()).collect();
    let check_unit = |code: &str, location: &Location, problems: &mut Vec<Problem>| {
        if !unit_codes.contains(code) {
            problems.push(
                problem(
                    location,
                    solieu_i18n::text!("core-there-no-administrative-unit-code", code = code),
                )
                .with_value(code)
                .with_hint(solieu_i18n::text!("core-use-statistics-office-s-commune")),
            );
        }
    };

    // Criteria sets: a code is one version; a changed definition needs a new code.
    let mut sets: HashMap<String, ntm::CriteriaSet> = stored
        .sets
        .iter()
        .map(|s| (s.code.clone(), s.clone()))
        .collect();
    for l in incoming.sets {
        match sets.get(&l.item.code) {
            Some(old) if *old == l.item => out.unchanged += 1,
            Some(_) => problems.push(
                problem(
                    &l.location,
                    solieu_i18n::text!(
                        "core-criteria-set-stored-differs-from",
                        item_code = l.item.code
                    ),
                )
                .with_value(l.item.code.clone())
                .with_hint(solieu_i18n::text!("core-stored-set-not-edited-so")),
            ),
            None => {
                out.new_sets.push(l.item.clone());
                sets.insert(l.item.code.clone(), l.item);
            }
        }
    }
    let set_hint =
        |code: &str| solieu_i18n::text!("core-import-criteria-file-set-first", code = code);
    for l in &incoming.enrolments {
        check_unit(&l.item.commune, &l.location, &mut problems);
        if !sets.contains_key(&l.item.set) {
            problems.push(
                problem(
                    &l.location,
                    solieu_i18n::text!("core-there-no-criteria-set", set = l.item.set),
                )
                .with_value(l.item.set.clone())
                .with_hint(set_hint(&l.item.set)),
            );
        }
    }
    let (new, changed) = diff(
        &stored.enrolments,
        &incoming.enrolments,
        |e| format!("{}/{}", e.set, e.commune),
        &solieu_i18n::text!("core-enrolment"),
        &mut problems,
        &mut out.unchanged,
    );
    out.new_enrolments = new;
    out.changed_enrolments = changed;
    let enrolled: HashSet<(String, String)> = stored
        .enrolments
        .iter()
        .chain(incoming.enrolments.iter().map(|l| &l.item))
        .map(|e| (e.set.clone(), e.commune.clone()))
        .collect();

    // Assessments: the current value of each (set, commune, indicator, day).
    let mut current: HashMap<(String, String, String, chrono::NaiveDate), &ntm::Assessment> =
        HashMap::new();
    for a in &stored.assessments {
        current.insert(
            (
                a.set.clone(),
                a.commune.clone(),
                a.indicator.clone(),
                a.date,
            ),
            a,
        );
    }
    let mut seen: HashMap<(String, String, String, chrono::NaiveDate), &Located<ntm::Assessment>> =
        HashMap::new();
    for l in &incoming.assessments {
        let a = &l.item;
        let Some(set) = sets.get(&a.set) else {
            problems.push(
                problem(
                    &l.location,
                    solieu_i18n::text!("core-there-no-criteria-set", set = a.set),
                )
                .with_value(a.set.clone())
                .with_hint(set_hint(&a.set)),
            );
            continue;
        };
        let Some(indicator) = set.indicator(&a.indicator) else {
            let known: Vec<&str> = set.indicators.iter().map(|i| i.code.as_str()).collect();
            problems.push(
                problem(
                    &l.location,
                    solieu_i18n::text!(
                        "core-criteria-set-has-no-indicator",
                        set = a.set,
                        indicator = a.indicator
                    ),
                )
                .with_value(a.indicator.clone())
                .with_hint_opt(
                    crate::text::closest(&a.indicator, known.iter().copied())
                        .first()
                        .map(|c| solieu_i18n::text!("core-did-you-mean", c = c)),
                ),
            );
            continue;
        };
        if !enrolled.contains(&(a.set.clone(), a.commune.clone())) {
            check_unit(&a.commune, &l.location, &mut problems);
            problems.push(
                problem(
                    &l.location,
                    solieu_i18n::text!(
                        "core-commune-not-enrolled-criteria-set",
                        commune = a.commune,
                        set = a.set
                    ),
                )
                .with_value(a.commune.clone())
                .with_hint(solieu_i18n::text!("core-add-commune-set-s-commune")),
            );
            continue;
        }
        if indicator
            .thresholds
            .iter()
            .all(|t| t.operator == ntm::Operator::Yes)
            && a.value != rust_decimal::Decimal::ONE
            && !a.value.is_zero()
        {
            problems.push(
                problem(
                    &l.location,
                    solieu_i18n::text!("core-indicator-assessed-dat-only", indicator = a.indicator),
                )
                .with_value(a.value.to_string()),
            );
            continue;
        }
        let key = (
            a.set.clone(),
            a.commune.clone(),
            a.indicator.clone(),
            a.date,
        );
        if let Some(first) = seen.get(&key) {
            if first.item != *a {
                problems.push(problem(
                    &l.location,
                    solieu_i18n::text!(
                        "core-indicator-commune-given-differently-line",
                        indicator = a.indicator,
                        commune = a.commune,
                        date = a.date,
                        file = first.location.file,
                        value = first.location.line.unwrap_or(0)
                    ),
                ));
            }
            continue;
        }
        match current.get(&key) {
            Some(old) if **old == *a => out.unchanged += 1,
            Some(_) => {
                out.reassessed += 1;
                out.assessments.push(a.clone());
            }
            None => out.assessments.push(a.clone()),
        }
        seen.insert(key, l);
    }

    // OCOP.
    let products: HashSet<&str> = stored
        .products
        .iter()
        .map(|p| p.code.as_str())
        .chain(incoming.products.iter().map(|l| l.item.code.as_str()))
        .collect();
    for l in &incoming.products {
        check_unit(&l.item.commune, &l.location, &mut problems);
    }
    for l in &incoming.evaluations {
        if !products.contains(l.item.product.as_str()) {
            problems.push(
                problem(
                    &l.location,
                    solieu_i18n::text!("core-there-no-product", product = l.item.product),
                )
                .with_value(l.item.product.clone()),
            );
        }
    }
    let (new, changed) = diff(
        &stored.products,
        &incoming.products,
        |p| p.code.clone(),
        &solieu_i18n::text!("core-product"),
        &mut problems,
        &mut out.unchanged,
    );
    out.new_products = new;
    out.changed_products = changed;
    let (new, changed) = diff(
        &stored.evaluations,
        &incoming.evaluations,
        |e| format!("{} {}", e.product, e.year),
        &solieu_i18n::text!("core-evaluation-product"),
        &mut problems,
        &mut out.unchanged,
    );
    out.new_evaluations = new;
    out.changed_evaluations = changed;

    // Projects and funds.
    for l in &incoming.projects {
        check_unit(&l.item.commune, &l.location, &mut problems);
    }
    let (new, changed) = diff(
        &stored.fund_plans,
        &incoming.fund_plans,
        |f| format!("{} {}", f.fund, f.year),
        &solieu_i18n::text!("core-fund-plan"),
        &mut problems,
        &mut out.unchanged,
    );
    out.new_fund_plans = new;
    out.changed_fund_plans = changed;
    let (new, changed) = diff(
        &stored.projects,
        &incoming.projects,
        |p| p.code.clone(),
        &solieu_i18n::text!("core-project"),
        &mut problems,
        &mut out.unchanged,
    );
    out.new_projects = new;
    out.changed_projects = changed;

    // Documents and tasks: every document a task names must be in the register.
    let documents: HashSet<&str> = stored
        .documents
        .iter()
        .map(|d| d.number.as_str())
        .chain(incoming.documents.iter().map(|l| l.item.number.as_str()))
        .collect();
    for l in &incoming.tasks {
        for number in std::iter::once(&l.item.document).chain(&l.item.cites) {
            if !documents.contains(number.as_str()) {
                problems.push(
                    problem(
                        &l.location,
                        solieu_i18n::text!("core-document-not-register", number = number),
                    )
                    .with_value(number.clone())
                    .with_hint(solieu_i18n::text!("core-import-documents-file-number-date")),
                );
            }
        }
    }
    let (new, changed) = diff(
        &stored.documents,
        &incoming.documents,
        |d| d.number.clone(),
        &solieu_i18n::text!("core-document"),
        &mut problems,
        &mut out.unchanged,
    );
    out.new_documents = new;
    out.changed_documents = changed;
    let (new, changed) = diff(
        &stored.tasks,
        &incoming.tasks,
        |t| t.code.clone(),
        &solieu_i18n::text!("core-task"),
        &mut problems,
        &mut out.unchanged,
    );
    // Re-importing the file a conclusion's tasks first came from must not undo what was
    // recorded since: a finished task is reopened only on purpose, with the day.
    for (old, new) in &changed {
        if old.status != tasks::TaskStatus::Open
            && new.status == tasks::TaskStatus::Open
            && new.status_date.is_none()
        {
            let location = incoming
                .tasks
                .iter()
                .find(|l| l.item.code == new.code)
                .map(|l| l.location.clone())
                .unwrap_or_default();
            let day = old
                .status_date
                .map(|d| d.format("%d/%m/%Y").to_string())
                .unwrap_or_default();
            problems.push(
                problem(
                    &location,
                    solieu_i18n::text!(
                        "core-task-recorded-this-file-says",
                        new_code = new.code,
                        status = old.status.name(),
                        day = day
                    ),
                )
                .with_value(new.status.code())
                .with_hint(solieu_i18n::text!("core-leave-row-out-or-write")),
            );
        }
    }
    out.new_tasks = new;
    out.changed_tasks = changed;

    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}
