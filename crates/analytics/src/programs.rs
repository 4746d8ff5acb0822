//! The program figures a report and the dashboard quote: NTM averages and distributions, OCOP
//! counts, support projects and funds against plan, tasks and what is overdue. Each summary is
//! computed for a unit (a district: its communes on the date) and a date or year, from the
//! registers as stored, and is `Serialize` so the report template and the web can use it as it
//! is. Each has `phrase_vi`, the sentence a Vietnamese report writes.
//!
//! Field names are stable: the report template refers to them.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;
use solieu_core::format::{number_vi, percent_vi, ratio_percent, round};
use solieu_core::lineage::Registry;
use solieu_core::programs::ntm::{self, CommuneStatus};
use solieu_core::programs::projects::Step;
use solieu_core::programs::tasks::{self, Standing};
use solieu_core::programs::{Programs, ocop};
use std::collections::{BTreeMap, HashSet};

/// The unit itself and every unit below it on `date`.
fn within(registry: &Registry, unit: &str, date: NaiveDate) -> HashSet<String> {
    let mut codes: HashSet<String> = registry
        .descendants(unit, date)
        .into_iter()
        .map(|id| registry.version(id).code.clone())
        .collect();
    codes.insert(unit.to_string());
    codes
}

fn unit_name(registry: &Registry, code: &str, date: NaiveDate) -> String {
    registry
        .resolve(code, date)
        .or_else(|| registry.versions_of(code).last().copied())
        .map_or_else(|| code.to_string(), |id| registry.version(id).name.clone())
}

/// The averages of a set over communes on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NtmAverages {
    pub date: NaiveDate,
    /// Criteria met per commune, rounded to 2 decimals as reports print it.
    pub average_criteria: Decimal,
    pub average_indicators: Decimal,
    pub criteria_met_sum: usize,
    pub indicators_met_sum: usize,
    /// Communes with fewer criteria met than the summary's threshold.
    pub below: usize,
}

/// Communes whose criteria met fall in `[from, to]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Band {
    pub from: usize,
    pub to: usize,
    pub communes: usize,
}

/// One commune's line of the summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommuneLine {
    pub name: String,
    #[serde(flatten)]
    pub status: CommuneStatus,
}

/// A year of the roadmap: the communes planned to meet the set that year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoadmapYear {
    pub year: i32,
    pub communes: Vec<String>,
    /// Of them, those that meet it on the summary's date.
    pub met: usize,
}

/// Where the communes of a unit stand on an NTM criteria set on a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NtmSummary {
    pub set: String,
    pub set_name: String,
    pub level: ntm::Level,
    pub unit: String,
    pub unit_name: String,
    pub date: NaiveDate,
    /// Communes assessed on the set (those enrolled on it).
    pub communes: usize,
    pub criteria_total: usize,
    pub indicators_total: usize,
    pub criteria_met_sum: usize,
    pub indicators_met_sum: usize,
    pub average_criteria: Decimal,
    pub average_indicators: Decimal,
    /// Communes meeting every criterion.
    pub meeting_set: usize,
    /// The threshold of `below` (15 criteria by default).
    pub below_threshold: usize,
    pub below: usize,
    pub distribution: Vec<Band>,
    /// The same figures on 1 January of the date's year.
    pub year_start: Option<NtmAverages>,
    /// The change of the printed (rounded) averages since then, as reports compute it.
    pub change_criteria: Option<Decimal>,
    pub change_indicators: Option<Decimal>,
    pub per_commune: Vec<CommuneLine>,
    pub roadmap: Vec<RoadmapYear>,
}

fn average(sum: usize, n: usize) -> Decimal {
    if n == 0 {
        return Decimal::ZERO;
    }
    round(Decimal::from(sum as u64) / Decimal::from(n as u64), 2)
}

fn averages(statuses: &[CommuneStatus], date: NaiveDate, below_threshold: usize) -> NtmAverages {
    let criteria: usize = statuses.iter().map(|s| s.criteria_met).sum();
    let indicators: usize = statuses.iter().map(|s| s.indicators_met).sum();
    NtmAverages {
        date,
        average_criteria: average(criteria, statuses.len()),
        average_indicators: average(indicators, statuses.len()),
        criteria_met_sum: criteria,
        indicators_met_sum: indicators,
        below: statuses
            .iter()
            .filter(|s| s.criteria_met < below_threshold)
            .count(),
    }
}

/// The NTM summary of set `set` for the communes of `unit` on `date`; `None` if there is no
/// such set. Communes count when they are enrolled on the set and lie within the unit on the
/// date (a town not assessed on NTM is simply not enrolled).
pub fn ntm_summary(
    programs: &Programs,
    registry: &Registry,
    set: &str,
    unit: &str,
    date: NaiveDate,
    below_threshold: usize,
) -> Option<NtmSummary> {
    let set = programs.sets.iter().find(|s| s.code == set)?;
    let inside = within(registry, unit, date);
    let enrolments: Vec<&ntm::Enrolment> = programs
        .enrolments
        .iter()
        .filter(|e| e.set == set.code && inside.contains(&e.commune))
        .collect();
    // Each commune's assessments once, in recorded order, not the whole register per commune.
    let mut by_commune: std::collections::HashMap<&str, Vec<&ntm::Assessment>> =
        std::collections::HashMap::new();
    for a in programs.assessments.iter().filter(|a| a.set == set.code) {
        by_commune.entry(a.commune.as_str()).or_default().push(a);
    }
    let statuses_on = |day: NaiveDate| -> Vec<CommuneStatus> {
        enrolments
            .iter()
            .map(|e| {
                let own = by_commune
                    .get(e.commune.as_str())
                    .map_or(&[][..], Vec::as_slice);
                ntm::status(set, e, own.iter().copied(), day)
            })
            .collect()
    };
    let now = statuses_on(date);
    let current = averages(&now, date, below_threshold);
    let start_day = NaiveDate::from_ymd_opt(date.year(), 1, 1).filter(|d| *d < date);
    let year_start = start_day.map(|d| averages(&statuses_on(d), d, below_threshold));
    let total = set.criteria.len();
    let mut bands = Vec::new();
    if total > 15 {
        bands.push((total, total));
        bands.push((15, total - 1));
        bands.push((10, 14));
        bands.push((0, 9));
    } else {
        bands.extend((0..=total).rev().map(|n| (n, n)));
    }
    let distribution = bands
        .into_iter()
        .map(|(from, to)| Band {
            from,
            to,
            communes: now
                .iter()
                .filter(|s| (from..=to).contains(&s.criteria_met))
                .count(),
        })
        .collect();
    let mut roadmap: BTreeMap<i32, RoadmapYear> = BTreeMap::new();
    for s in &now {
        if let Some(year) = s.target_year {
            let y = roadmap.entry(year).or_insert(RoadmapYear {
                year,
                communes: Vec::new(),
                met: 0,
            });
            y.communes.push(s.commune.clone());
            y.met += usize::from(s.meets_set);
        }
    }
    Some(NtmSummary {
        set: set.code.clone(),
        set_name: set.name.clone(),
        level: set.level,
        unit: unit.to_string(),
        unit_name: unit_name(registry, unit, date),
        date,
        communes: now.len(),
        criteria_total: total,
        indicators_total: set.indicators.len(),
        criteria_met_sum: current.criteria_met_sum,
        indicators_met_sum: current.indicators_met_sum,
        average_criteria: current.average_criteria,
        average_indicators: current.average_indicators,
        meeting_set: now.iter().filter(|s| s.meets_set).count(),
        below_threshold,
        below: current.below,
        distribution,
        change_criteria: year_start
            .as_ref()
            .map(|s| current.average_criteria - s.average_criteria),
        change_indicators: year_start
            .as_ref()
            .map(|s| current.average_indicators - s.average_indicators),
        year_start,
        per_commune: now
            .into_iter()
            .map(|status| CommuneLine {
                name: unit_name(registry, &status.commune, date),
                status,
            })
            .collect(),
        roadmap: roadmap.into_values().collect(),
    })
}

fn change_vi(change: Decimal, what: &str) -> String {
    if change.is_zero() {
        format!("không đổi số {what}")
    } else if change.is_sign_positive() {
        format!("tăng {} {what}", number_vi(change, 2))
    } else {
        format!("giảm {} {what}", number_vi(-change, 2))
    }
}

impl NtmSummary {
    /// "Bình quân đạt 17,5/20 tiêu chí và 46,33/53 chỉ tiêu/xã, tăng 1,17 tiêu chí và 1,16 chỉ
    /// tiêu so với đầu năm; không còn xã dưới 15 tiêu chí." For one commune: "Xã Hoành Mô đạt
    /// 2/8 tiêu chí và 15/27 chỉ tiêu nông thôn mới nâng cao."
    pub fn phrase_vi(&self) -> String {
        if let [one] = self.per_commune.as_slice() {
            return format!(
                "{} đạt {}/{} tiêu chí và {}/{} chỉ tiêu {}.",
                one.name,
                one.status.criteria_met,
                self.criteria_total,
                one.status.indicators_met,
                self.indicators_total,
                self.level.name_vi()
            );
        }
        let mut s = format!(
            "Bình quân đạt {}/{} tiêu chí và {}/{} chỉ tiêu/xã",
            number_vi(self.average_criteria, 2),
            self.criteria_total,
            number_vi(self.average_indicators, 2),
            self.indicators_total
        );
        if let (Some(c), Some(i)) = (self.change_criteria, self.change_indicators) {
            // "tăng 1,17 tiêu chí và 1,16 chỉ tiêu": the verb once when both move up.
            let second =
                if c.is_sign_positive() && i.is_sign_positive() && !c.is_zero() && !i.is_zero() {
                    format!("{} chỉ tiêu", number_vi(i, 2))
                } else {
                    change_vi(i, "chỉ tiêu")
                };
            s.push_str(&format!(
                ", {} và {second} so với đầu năm",
                change_vi(c, "tiêu chí"),
            ));
        }
        if self.below == 0 {
            if self.year_start.as_ref().is_some_and(|y| y.below > 0) {
                s.push_str(&format!(
                    "; không còn xã dưới {} tiêu chí",
                    self.below_threshold
                ));
            } else {
                s.push_str(&format!(
                    "; không có xã dưới {} tiêu chí",
                    self.below_threshold
                ));
            }
        } else {
            s.push_str(&format!(
                "; còn {} xã dưới {} tiêu chí",
                self.below, self.below_threshold
            ));
        }
        s.push('.');
        s
    }

    /// "1 xã đạt 20 tiêu chí, 5 xã đạt từ 15 - 19 tiêu chí": the non-empty bands.
    pub fn distribution_vi(&self) -> String {
        self.distribution
            .iter()
            .filter(|b| b.communes > 0)
            .map(|b| {
                if b.from == b.to {
                    format!("{} xã đạt {} tiêu chí", b.communes, b.from)
                } else if b.from == 0 {
                    format!("{} xã đạt dưới {} tiêu chí", b.communes, b.to + 1)
                } else {
                    format!("{} xã đạt từ {} - {} tiêu chí", b.communes, b.from, b.to)
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// One product in the registry, with its latest evaluation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProductLine {
    pub code: String,
    pub name: String,
    pub producer: String,
    pub producer_type: ocop::ProducerType,
    pub commune: String,
    pub commune_name: String,
    pub group: ocop::ProductGroup,
    /// The year it entered the program (its first evaluation).
    pub first_year: i32,
    pub year: i32,
    pub score: Decimal,
    pub stars: Option<u8>,
    pub valid_until: Option<NaiveDate>,
    pub validity: ocop::Validity,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Count {
    pub key: String,
    pub label: String,
    pub count: usize,
}

/// The OCOP products of a unit's communes as of a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OcopSummary {
    pub unit: String,
    pub unit_name: String,
    pub date: NaiveDate,
    /// Products that entered the program on or before the date's year.
    pub products: usize,
    /// Those that entered it in the date's year.
    pub new_this_year: Vec<ProductLine>,
    pub by_stars: Vec<Count>,
    pub by_commune: Vec<Count>,
    pub by_year: Vec<Count>,
    /// Certificates ending within the warning window, and those already ended.
    pub expiring: Vec<ProductLine>,
    pub expired: Vec<ProductLine>,
    pub registry: Vec<ProductLine>,
}

pub fn ocop_summary(
    programs: &Programs,
    registry: &Registry,
    unit: &str,
    date: NaiveDate,
    warn_days: i64,
) -> OcopSummary {
    let inside = within(registry, unit, date);
    let mut lines = Vec::new();
    for p in &programs.products {
        if !inside.contains(&p.commune) {
            continue;
        }
        let mut evals: Vec<&ocop::Evaluation> = programs
            .evaluations
            .iter()
            .filter(|e| e.product == p.code && e.year <= date.year())
            .collect();
        evals.sort_by_key(|e| e.year);
        let (Some(first), Some(last)) = (evals.first(), evals.last()) else {
            continue;
        };
        lines.push(ProductLine {
            code: p.code.clone(),
            name: p.name.clone(),
            producer: p.producer.clone(),
            producer_type: p.producer_type,
            commune: p.commune.clone(),
            commune_name: unit_name(registry, &p.commune, date),
            group: p.group,
            first_year: first.year,
            year: last.year,
            score: last.score,
            stars: last.stars,
            valid_until: last.valid_until(),
            validity: ocop::validity(last, date, warn_days),
        });
    }
    let count_by = |key: &dyn Fn(&ProductLine) -> (String, String)| -> Vec<Count> {
        let mut m: BTreeMap<String, (String, usize)> = BTreeMap::new();
        for l in &lines {
            let (k, label) = key(l);
            m.entry(k).or_insert((label, 0)).1 += 1;
        }
        m.into_iter()
            .map(|(key, (label, count))| Count { key, label, count })
            .collect()
    };
    let by_stars = count_by(&|l| match l.stars {
        Some(s) => (s.to_string(), format!("{s} sao")),
        None => ("0".into(), "chưa xếp hạng".into()),
    });
    let by_commune = count_by(&|l| (l.commune.clone(), l.commune_name.clone()));
    let by_year = count_by(&|l| (l.first_year.to_string(), l.first_year.to_string()));
    OcopSummary {
        unit: unit.to_string(),
        unit_name: unit_name(registry, unit, date),
        date,
        products: lines.len(),
        new_this_year: lines
            .iter()
            .filter(|l| l.first_year == date.year())
            .cloned()
            .collect(),
        by_stars,
        by_commune,
        by_year,
        expiring: lines
            .iter()
            .filter(|l| l.validity == ocop::Validity::Expiring)
            .cloned()
            .collect(),
        expired: lines
            .iter()
            .filter(|l| l.validity == ocop::Validity::Expired)
            .cloned()
            .collect(),
        registry: lines,
    }
}

impl OcopSummary {
    /// "28 sản phẩm tham gia Chương trình OCOP, thêm 2 sản phẩm mới năm 2020: “Miến dong Bình
    /// Liêu” (Cơ sở Trần Đức Nghiệp), …".
    pub fn phrase_vi(&self) -> String {
        let mut s = format!("{} sản phẩm tham gia Chương trình OCOP", self.products);
        if !self.new_this_year.is_empty() {
            let names: Vec<String> = self
                .new_this_year
                .iter()
                .map(|l| format!("“{}” ({})", l.name, l.producer))
                .collect();
            s.push_str(&format!(
                ", thêm {} sản phẩm mới năm {}: {}",
                self.new_this_year.len(),
                self.date.year(),
                names.join(", ")
            ));
        }
        s.push('.');
        s
    }
}

/// A commune's projects of one fund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommuneProjects {
    pub commune: String,
    pub name: String,
    pub projects: usize,
    pub carried_over: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepCount {
    pub step: Step,
    pub label: String,
    /// Projects that reached this step or a later one.
    pub reached: usize,
}

/// One fund's projects of a year in a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FundLine {
    pub fund: String,
    pub name: String,
    pub projects: usize,
    pub carried_over: usize,
    pub steps: Vec<StepCount>,
    pub approved: usize,
    /// Support of the year's projects, million đồng.
    pub support: Decimal,
    pub disbursed: Decimal,
    pub plan: Option<Decimal>,
    /// Support as a percentage of the plan, 1 decimal.
    pub percent_of_plan: Option<Decimal>,
    pub by_commune: Vec<CommuneProjects>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectSummary {
    pub unit: String,
    pub unit_name: String,
    pub year: i32,
    pub funds: Vec<FundLine>,
}

pub fn project_summary(
    programs: &Programs,
    registry: &Registry,
    unit: &str,
    year: i32,
) -> ProjectSummary {
    let date = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default();
    let inside = within(registry, unit, date);
    let mut funds: BTreeMap<String, Vec<&solieu_core::programs::projects::Project>> =
        BTreeMap::new();
    for p in programs
        .projects
        .iter()
        .filter(|p| p.year == year && inside.contains(&p.commune))
    {
        funds.entry(p.fund.clone()).or_default().push(p);
    }
    for f in programs.fund_plans.iter().filter(|f| f.year == year) {
        funds.entry(f.fund.clone()).or_default();
    }
    let lines = funds
        .into_iter()
        .map(|(fund, list)| {
            let plan = programs
                .fund_plans
                .iter()
                .find(|f| f.fund == fund && f.year == year);
            let support: Decimal = list.iter().map(|p| p.support).sum();
            let mut communes: BTreeMap<String, CommuneProjects> = BTreeMap::new();
            for p in &list {
                let c = communes
                    .entry(p.commune.clone())
                    .or_insert_with(|| CommuneProjects {
                        commune: p.commune.clone(),
                        name: unit_name(registry, &p.commune, date),
                        projects: 0,
                        carried_over: 0,
                    });
                c.projects += 1;
                c.carried_over += usize::from(p.carried_over);
            }
            FundLine {
                name: plan.map(|p| p.name.clone()).unwrap_or_else(|| fund.clone()),
                fund,
                projects: list.len(),
                carried_over: list.iter().filter(|p| p.carried_over).count(),
                steps: Step::ALL
                    .iter()
                    .map(|&step| StepCount {
                        step,
                        label: step.name_vi().to_string(),
                        reached: list.iter().filter(|p| p.step >= step).count(),
                    })
                    .collect(),
                approved: list.iter().filter(|p| p.step >= Step::Approved).count(),
                support,
                disbursed: list.iter().map(|p| p.disbursed).sum(),
                plan: plan.map(|p| p.plan),
                percent_of_plan: plan
                    .and_then(|p| ratio_percent(support, p.plan))
                    .map(|r| round(r, 1)),
                by_commune: communes.into_values().collect(),
            }
        })
        .collect();
    ProjectSummary {
        unit: unit.to_string(),
        unit_name: unit_name(registry, unit, date),
        year,
        funds: lines,
    }
}

impl FundLine {
    /// "9 dự án được phê duyệt" and, with a plan, "hỗ trợ 2.200 triệu đồng, đạt 61,1% KH".
    pub fn phrase_vi(&self) -> String {
        let mut s = format!("{}: {} dự án được phê duyệt", self.name, self.approved);
        let communes: Vec<String> = self
            .by_commune
            .iter()
            .map(|c| {
                if c.carried_over > 0 {
                    format!(
                        "{} {} dự án mới và {} dự án chuyển tiếp",
                        c.name,
                        c.projects - c.carried_over,
                        c.carried_over
                    )
                } else {
                    format!("{} {} dự án", c.name, c.projects)
                }
            })
            .collect();
        if !communes.is_empty() {
            s.push_str(&format!(" ({})", communes.join(", ")));
        }
        if let Some(p) = self.percent_of_plan {
            s.push_str(&format!(
                "; kinh phí hỗ trợ {} triệu đồng, đạt {} KH",
                number_vi(self.support, 2),
                percent_vi(p, 1)
            ));
        }
        s
    }
}

/// A task as the follow-up table shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskLine {
    pub code: String,
    pub document: String,
    pub agency: String,
    pub title: String,
    pub deadline: Option<NaiveDate>,
    pub standing: Standing,
    pub standing_vi: String,
    pub status_date: Option<NaiveDate>,
    /// Days past the deadline (open tasks), or late (done ones).
    pub days_late: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgencyTasks {
    pub agency: String,
    pub tasks: usize,
    pub done: usize,
    pub overdue: Vec<TaskLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskSummary {
    pub date: NaiveDate,
    pub tasks: usize,
    pub done_on_time: usize,
    pub done_late: usize,
    pub in_progress: usize,
    pub overdue: usize,
    pub by_agency: Vec<AgencyTasks>,
    pub lines: Vec<TaskLine>,
}

/// The tasks assigned by `document` (every task without one), as they stand on `date`.
pub fn task_summary(programs: &Programs, document: Option<&str>, date: NaiveDate) -> TaskSummary {
    let lines: Vec<TaskLine> = programs
        .tasks
        .iter()
        .filter(|t| document.is_none_or(|d| t.document == d))
        .map(|t| {
            let standing = tasks::standing(t, date);
            let days_late = match (standing, t.deadline) {
                (Standing::Overdue, Some(d)) => Some((date - d).num_days()),
                (Standing::DoneLate, Some(d)) => t.status_date.map(|s| (s - d).num_days()),
                _ => None,
            };
            TaskLine {
                code: t.code.clone(),
                document: t.document.clone(),
                agency: t.agency.clone(),
                title: t.title.clone(),
                deadline: t.deadline,
                standing,
                standing_vi: standing.name_vi().to_string(),
                status_date: t.status_date,
                days_late,
            }
        })
        .collect();
    let count = |s: Standing| lines.iter().filter(|l| l.standing == s).count();
    let mut agencies: BTreeMap<String, AgencyTasks> = BTreeMap::new();
    for l in &lines {
        let a = agencies
            .entry(l.agency.clone())
            .or_insert_with(|| AgencyTasks {
                agency: l.agency.clone(),
                tasks: 0,
                done: 0,
                overdue: Vec::new(),
            });
        a.tasks += 1;
        a.done += usize::from(matches!(
            l.standing,
            Standing::DoneOnTime | Standing::DoneLate
        ));
        if l.standing == Standing::Overdue {
            a.overdue.push(l.clone());
        }
    }
    TaskSummary {
        date,
        tasks: lines.len(),
        done_on_time: count(Standing::DoneOnTime),
        done_late: count(Standing::DoneLate),
        in_progress: count(Standing::InProgress),
        overdue: count(Standing::Overdue),
        by_agency: agencies.into_values().collect(),
        lines,
    }
}

impl TaskSummary {
    /// "8 nhiệm vụ: 5 hoàn thành, 2 đang thực hiện, 1 quá hạn (Phòng Tài nguyên và Môi trường)."
    pub fn phrase_vi(&self) -> String {
        let late: Vec<&str> = self
            .by_agency
            .iter()
            .filter(|a| !a.overdue.is_empty())
            .map(|a| a.agency.as_str())
            .collect();
        let mut s = format!(
            "{} nhiệm vụ: {} hoàn thành, {} đang thực hiện, {} quá hạn",
            self.tasks,
            self.done_on_time + self.done_late,
            self.in_progress,
            self.overdue
        );
        if !late.is_empty() {
            s.push_str(&format!(" ({})", late.join(", ")));
        }
        s.push('.');
        s
    }
}

/// A program count or sum as a figure the report and dashboard can place beside indicators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgramFigure {
    /// Stable code: `NTM_TIEU_CHI_BQ`, `OCOP_SAN_PHAM`, `DA_PHE_DUYET_P135`, …
    pub code: String,
    pub name: String,
    /// Unit of measure, as indicators write it.
    pub unit: String,
    pub value: Decimal,
    pub decimals: u32,
}

fn figure(
    code: impl Into<String>,
    name: impl Into<String>,
    unit: &str,
    value: Decimal,
    decimals: u32,
) -> ProgramFigure {
    ProgramFigure {
        code: code.into(),
        name: name.into(),
        unit: unit.to_string(),
        value,
        decimals,
    }
}

fn count(n: usize) -> Decimal {
    Decimal::from(n as u64)
}

impl NtmSummary {
    /// The summary's numbers as figures (for the set's communes within the unit on the date).
    pub fn figures(&self) -> Vec<ProgramFigure> {
        let mut out = vec![
            figure(
                "NTM_XA_DANH_GIA",
                "Số xã được đánh giá",
                "xã",
                count(self.communes),
                0,
            ),
            figure(
                "NTM_TIEU_CHI_BQ",
                "Số tiêu chí đạt bình quân/xã",
                "tiêu chí",
                self.average_criteria,
                2,
            ),
            figure(
                "NTM_CHI_TIEU_BQ",
                "Số chỉ tiêu đạt bình quân/xã",
                "chỉ tiêu",
                self.average_indicators,
                2,
            ),
            figure(
                "NTM_XA_DAT_CHUAN",
                "Số xã đạt chuẩn",
                "xã",
                count(self.meeting_set),
                0,
            ),
            figure(
                "NTM_XA_DUOI_NGUONG",
                format!("Số xã dưới {} tiêu chí", self.below_threshold),
                "xã",
                count(self.below),
                0,
            ),
        ];
        if let (Some(c), Some(i)) = (self.change_criteria, self.change_indicators) {
            out.push(figure(
                "NTM_TIEU_CHI_TANG",
                "Tiêu chí bình quân tăng so với đầu năm",
                "tiêu chí",
                c,
                2,
            ));
            out.push(figure(
                "NTM_CHI_TIEU_TANG",
                "Chỉ tiêu bình quân tăng so với đầu năm",
                "chỉ tiêu",
                i,
                2,
            ));
        }
        out
    }
}

impl OcopSummary {
    pub fn figures(&self) -> Vec<ProgramFigure> {
        let stars = |n: u8| self.registry.iter().filter(|l| l.stars == Some(n)).count();
        vec![
            figure(
                "OCOP_SAN_PHAM",
                "Sản phẩm OCOP",
                "sản phẩm",
                count(self.products),
                0,
            ),
            figure(
                "OCOP_SAN_PHAM_MOI",
                "Sản phẩm OCOP mới trong năm",
                "sản phẩm",
                count(self.new_this_year.len()),
                0,
            ),
            figure(
                "OCOP_3_SAO",
                "Sản phẩm OCOP 3 sao",
                "sản phẩm",
                count(stars(3)),
                0,
            ),
            figure(
                "OCOP_4_SAO",
                "Sản phẩm OCOP 4 sao",
                "sản phẩm",
                count(stars(4)),
                0,
            ),
            figure(
                "OCOP_5_SAO",
                "Sản phẩm OCOP 5 sao",
                "sản phẩm",
                count(stars(5)),
                0,
            ),
            figure(
                "OCOP_SAP_HET_HAN",
                "Giấy chứng nhận OCOP sắp hết hạn",
                "sản phẩm",
                count(self.expiring.len()),
                0,
            ),
        ]
    }
}

impl ProjectSummary {
    /// Per fund: `DA_PHE_DUYET_{fund}`, `KP_HO_TRO_{fund}`, `KP_GIAI_NGAN_{fund}`, `TY_LE_KH_{fund}`.
    pub fn figures(&self) -> Vec<ProgramFigure> {
        let mut out = Vec::new();
        for f in &self.funds {
            out.push(figure(
                format!("DA_{}", f.fund),
                format!("Dự án {}", f.name),
                "dự án",
                count(f.projects),
                0,
            ));
            out.push(figure(
                format!("DA_PHE_DUYET_{}", f.fund),
                format!("Dự án được phê duyệt, {}", f.name),
                "dự án",
                count(f.approved),
                0,
            ));
            out.push(figure(
                format!("KP_HO_TRO_{}", f.fund),
                format!("Kinh phí hỗ trợ, {}", f.name),
                "triệu đồng",
                f.support,
                2,
            ));
            out.push(figure(
                format!("KP_GIAI_NGAN_{}", f.fund),
                format!("Kinh phí đã giải ngân, {}", f.name),
                "triệu đồng",
                f.disbursed,
                2,
            ));
            if let Some(p) = f.percent_of_plan {
                out.push(figure(
                    format!("TY_LE_KH_{}", f.fund),
                    format!("Kinh phí hỗ trợ so với kế hoạch, {}", f.name),
                    "%",
                    p,
                    1,
                ));
            }
        }
        out
    }
}

impl TaskSummary {
    pub fn figures(&self) -> Vec<ProgramFigure> {
        vec![
            figure(
                "NV_GIAO",
                "Nhiệm vụ được giao",
                "nhiệm vụ",
                count(self.tasks),
                0,
            ),
            figure(
                "NV_HOAN_THANH",
                "Nhiệm vụ hoàn thành",
                "nhiệm vụ",
                count(self.done_on_time + self.done_late),
                0,
            ),
            figure(
                "NV_QUA_HAN",
                "Nhiệm vụ quá hạn",
                "nhiệm vụ",
                count(self.overdue),
                0,
            ),
        ]
    }
}
