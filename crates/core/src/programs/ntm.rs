//! New Rural Development (nông thôn mới): criteria sets as data, and what a commune's
//! assessments say about it on a date.
//!
//! A set (the national 2016–2020 set, a province's variant, the advanced and model sets,
//! village standards) is a list of criteria, each with indicators; an indicator is met when its
//! assessed value passes the threshold for the commune's region. A criterion is met when all its
//! indicators are; a commune meets the set when it meets every criterion. Nothing here knows any
//! particular set: they come from files.

use crate::text::fold;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::HashMap;
use std::str::FromStr;

/// Which standard a set measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Xã đạt chuẩn nông thôn mới.
    Standard,
    /// Nâng cao.
    Advanced,
    /// Kiểu mẫu.
    Model,
    /// Thôn, bản đạt chuẩn.
    Village,
}

impl Level {
    pub fn code(self) -> &'static str {
        match self {
            Level::Standard => "chuan",
            Level::Advanced => "nang_cao",
            Level::Model => "kieu_mau",
            Level::Village => "thon",
        }
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            Level::Standard => "nông thôn mới",
            Level::Advanced => "nông thôn mới nâng cao",
            Level::Model => "nông thôn mới kiểu mẫu",
            Level::Village => "thôn đạt chuẩn",
        }
    }
}

impl FromStr for Level {
    type Err = String;

    fn from_str(s: &str) -> Result<Level, String> {
        match fold(s).replace(['_', '-'], " ").trim() {
            "chuan" | "dat chuan" | "standard" | "ntm" => Ok(Level::Standard),
            "nang cao" | "advanced" => Ok(Level::Advanced),
            "kieu mau" | "model" => Ok(Level::Model),
            "thon" | "village" => Ok(Level::Village),
            _ => Err("a level: chuan, nang_cao, kieu_mau or thon".into()),
        }
    }
}

/// How an assessed value is compared with the threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Operator {
    /// At least the threshold (≥).
    AtLeast,
    /// At most the threshold (≤).
    AtMost,
    /// Exactly the threshold.
    Equal,
    /// A yes/no indicator: met when assessed "đạt" (1).
    Yes,
}

impl Operator {
    pub fn symbol(self) -> &'static str {
        match self {
            Operator::AtLeast => ">=",
            Operator::AtMost => "<=",
            Operator::Equal => "=",
            Operator::Yes => "dat",
        }
    }
}

impl FromStr for Operator {
    type Err = String;

    fn from_str(s: &str) -> Result<Operator, String> {
        match fold(s).trim() {
            ">=" | "≥" => Ok(Operator::AtLeast),
            "<=" | "≤" => Ok(Operator::AtMost),
            "=" | "==" => Ok(Operator::Equal),
            "dat" | "yes" => Ok(Operator::Yes),
            _ => Err("an operator: >=, <=, = or dat (yes/no)".into()),
        }
    }
}

/// A threshold, for one region or (`region` empty) for every region without its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Threshold {
    pub region: Option<String>,
    pub operator: Operator,
    /// Unused for [`Operator::Yes`].
    pub value: Decimal,
}

impl Threshold {
    pub fn passes(&self, assessed: Decimal) -> bool {
        match self.operator {
            Operator::AtLeast => assessed >= self.value,
            Operator::AtMost => assessed <= self.value,
            Operator::Equal => assessed == self.value,
            Operator::Yes => assessed == Decimal::ONE,
        }
    }

    /// "≥ 36", "đạt".
    pub fn text_vi(&self) -> String {
        let v = crate::format::number_vi(self.value, 6);
        match self.operator {
            Operator::AtLeast => format!("≥ {v}"),
            Operator::AtMost => format!("≤ {v}"),
            Operator::Equal => format!("= {v}"),
            Operator::Yes => "đạt".to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Criterion {
    pub code: String,
    pub name: String,
    /// The group the criterion belongs to ("Hạ tầng kinh tế - xã hội").
    pub group: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SetIndicator {
    pub code: String,
    pub name: String,
    pub criterion: String,
    pub thresholds: Vec<Threshold>,
}

impl SetIndicator {
    /// The region's own threshold, else the one for every region.
    pub fn threshold(&self, region: Option<&str>) -> Option<&Threshold> {
        region
            .and_then(|r| {
                self.thresholds
                    .iter()
                    .find(|t| t.region.as_deref() == Some(r))
            })
            .or_else(|| self.thresholds.iter().find(|t| t.region.is_none()))
    }
}

/// A criteria set: one version of a standard. A changed standard is a new set with its own
/// code, so assessments made under the old one keep their meaning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CriteriaSet {
    pub code: String,
    pub name: String,
    pub level: Level,
    /// In the order of the file.
    pub criteria: Vec<Criterion>,
    pub indicators: Vec<SetIndicator>,
}

impl CriteriaSet {
    pub fn indicators_of<'a>(
        &'a self,
        criterion: &'a str,
    ) -> impl Iterator<Item = &'a SetIndicator> {
        self.indicators
            .iter()
            .filter(move |i| i.criterion == criterion)
    }

    pub fn indicator(&self, code: &str) -> Option<&SetIndicator> {
        self.indicators.iter().find(|i| i.code == code)
    }
}

/// A commune assessed on a set: its region (which thresholds apply) and the year it is planned
/// to meet the set (the roadmap).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Enrolment {
    pub set: String,
    pub commune: String,
    pub region: Option<String>,
    pub target_year: Option<i32>,
}

/// The value of one indicator for one commune as assessed on a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assessment {
    pub set: String,
    pub commune: String,
    pub indicator: String,
    pub date: NaiveDate,
    /// The assessed value; 1 or 0 for a yes/no indicator.
    pub value: Decimal,
    /// The document or record behind the value.
    pub evidence: String,
    /// Who assessed it (an agency or a person), not who typed it in.
    pub assessed_by: String,
}

/// An indicator a commune does not (yet) meet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissingIndicator {
    pub code: String,
    pub name: String,
    /// The latest assessed value, if any.
    pub value: Option<Decimal>,
    /// What is required ("≥ 36").
    pub required: String,
    /// A yes/no indicator: `value` is 1 (đạt) or 0 (không đạt).
    pub yes_no: bool,
}

/// A criterion a commune does not meet, with the indicators it lacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissingCriterion {
    pub code: String,
    pub name: String,
    pub indicators: Vec<MissingIndicator>,
}

/// Where a commune stands on a set on a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommuneStatus {
    pub set: String,
    pub commune: String,
    pub date: NaiveDate,
    pub criteria_met: usize,
    pub criteria_total: usize,
    pub indicators_met: usize,
    pub indicators_total: usize,
    /// Every criterion met.
    pub meets_set: bool,
    pub target_year: Option<i32>,
    /// The latest assessment taken into account.
    pub last_assessed: Option<NaiveDate>,
    pub missing: Vec<MissingCriterion>,
}

/// The commune's standing on `date`: for each indicator the latest assessment made on or before
/// that day (of two on the same day, the one recorded later); an indicator never assessed is not
/// met. `assessments` are in the order they were recorded and may include other communes.
pub fn status<'a>(
    set: &CriteriaSet,
    enrolment: &Enrolment,
    assessments: impl IntoIterator<Item = &'a Assessment>,
    date: NaiveDate,
) -> CommuneStatus {
    let mut latest: HashMap<&str, &Assessment> = HashMap::new();
    for a in assessments {
        if a.set != set.code || a.commune != enrolment.commune || a.date > date {
            continue;
        }
        match latest.get(a.indicator.as_str()) {
            Some(b) if b.date > a.date => {}
            _ => {
                latest.insert(a.indicator.as_str(), a);
            }
        }
    }
    let region = enrolment.region.as_deref();
    let mut indicators_met = 0;
    let mut criteria_met = 0;
    let mut missing = Vec::new();
    for c in &set.criteria {
        let mut lacking = Vec::new();
        for i in set.indicators_of(&c.code) {
            let value = latest.get(i.code.as_str()).map(|a| a.value);
            let threshold = i.threshold(region);
            let met = matches!((value, threshold), (Some(v), Some(t)) if t.passes(v));
            if met {
                indicators_met += 1;
            } else {
                lacking.push(MissingIndicator {
                    code: i.code.clone(),
                    name: i.name.clone(),
                    value,
                    required: threshold.map(Threshold::text_vi).unwrap_or_default(),
                    yes_no: threshold.is_some_and(|t| t.operator == Operator::Yes),
                });
            }
        }
        if lacking.is_empty() {
            criteria_met += 1;
        } else {
            missing.push(MissingCriterion {
                code: c.code.clone(),
                name: c.name.clone(),
                indicators: lacking,
            });
        }
    }
    CommuneStatus {
        set: set.code.clone(),
        commune: enrolment.commune.clone(),
        date,
        criteria_met,
        criteria_total: set.criteria.len(),
        indicators_met,
        indicators_total: set.indicators.len(),
        meets_set: criteria_met == set.criteria.len() && !set.criteria.is_empty(),
        target_year: enrolment.target_year,
        last_assessed: latest.values().map(|a| a.date).max(),
        missing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn set() -> CriteriaSet {
        let t = |region: Option<&str>, operator, value: &str| Threshold {
            region: region.map(str::to_string),
            operator,
            value: d(value),
        };
        CriteriaSet {
            code: "S".into(),
            name: "S".into(),
            level: Level::Standard,
            criteria: vec![
                Criterion {
                    code: "1".into(),
                    name: "Thu nhập".into(),
                    group: "".into(),
                },
                Criterion {
                    code: "2".into(),
                    name: "Hộ nghèo".into(),
                    group: "".into(),
                },
            ],
            indicators: vec![
                SetIndicator {
                    code: "1.1".into(),
                    name: "Thu nhập bình quân".into(),
                    criterion: "1".into(),
                    thresholds: vec![
                        t(None, Operator::AtLeast, "50"),
                        t(Some("mien_nui"), Operator::AtLeast, "36"),
                    ],
                },
                SetIndicator {
                    code: "2.1".into(),
                    name: "Tỷ lệ hộ nghèo".into(),
                    criterion: "2".into(),
                    thresholds: vec![t(None, Operator::AtMost, "6")],
                },
                SetIndicator {
                    code: "2.2".into(),
                    name: "Có đề án".into(),
                    criterion: "2".into(),
                    thresholds: vec![t(None, Operator::Yes, "1")],
                },
            ],
        }
    }

    fn a(indicator: &str, date: &str, value: &str) -> Assessment {
        Assessment {
            set: "S".into(),
            commune: "X".into(),
            indicator: indicator.into(),
            date: date.parse().unwrap(),
            value: d(value),
            evidence: String::new(),
            assessed_by: String::new(),
        }
    }

    #[test]
    fn the_region_chooses_the_threshold_and_the_latest_assessment_counts() {
        let set = set();
        let mut e = Enrolment {
            set: "S".into(),
            commune: "X".into(),
            region: Some("mien_nui".into()),
            target_year: None,
        };
        let list = vec![
            a("1.1", "2020-01-01", "40"),
            a("2.1", "2020-01-01", "8"),
            a("2.1", "2020-06-01", "5"),
            a("2.2", "2020-06-01", "1"),
        ];
        let day = |s: &str| s.parse().unwrap();
        let jan = status(&set, &e, &list, day("2020-03-01"));
        assert_eq!((jan.criteria_met, jan.indicators_met), (1, 1));
        assert_eq!(jan.missing[0].code, "2");
        assert_eq!(jan.missing[0].indicators.len(), 2);
        let june = status(&set, &e, &list, day("2020-06-15"));
        assert_eq!(
            (june.criteria_met, june.indicators_met, june.meets_set),
            (2, 3, true)
        );
        // Elsewhere the income threshold is 50, so 40 does not pass.
        e.region = None;
        let lowland = status(&set, &e, &list, day("2020-06-15"));
        assert_eq!((lowland.criteria_met, lowland.indicators_met), (1, 2));
        assert_eq!(lowland.missing[0].indicators[0].required, "≥ 50");
    }
}
