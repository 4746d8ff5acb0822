//! Validation rules, as DHIS2 has them: a left side, an operator, a right side, each side an
//! expression over indicators of one unit and period, and an importance. `GTSX_NLTS <=
//! GTSX`; `GTSX_NLTS + GTSX_CNXD + GTSX_DV == GTSX` within a tolerance; `TY_LE >= 0`.
//! A rule whose sides name a value that is missing is not applied (DHIS2's default).

use crate::formula::{EvalGap, Formula};
use crate::text::fold;
use rust_decimal::Decimal;
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

impl Operator {
    pub fn symbol(self) -> &'static str {
        match self {
            Operator::Equal => "==",
            Operator::NotEqual => "!=",
            Operator::Less => "<",
            Operator::LessOrEqual => "<=",
            Operator::Greater => ">",
            Operator::GreaterOrEqual => ">=",
        }
    }

    fn holds(self, left: Decimal, right: Decimal, tolerance: Decimal) -> bool {
        let close = (left - right).abs() <= tolerance;
        match self {
            Operator::Equal => close,
            Operator::NotEqual => !close,
            Operator::Less => left < right,
            Operator::LessOrEqual => left <= right + tolerance,
            Operator::Greater => left > right,
            Operator::GreaterOrEqual => left + tolerance >= right,
        }
    }
}

impl FromStr for Operator {
    type Err = String;
    fn from_str(s: &str) -> Result<Operator, String> {
        match fold(s).as_str() {
            "==" | "=" | "equal_to" => Ok(Operator::Equal),
            "!=" | "<>" | "not_equal_to" => Ok(Operator::NotEqual),
            "<" | "less_than" => Ok(Operator::Less),
            "<=" | "≤" | "less_than_or_equal_to" => Ok(Operator::LessOrEqual),
            ">" | "greater_than" => Ok(Operator::Greater),
            ">=" | "≥" | "greater_than_or_equal_to" => Ok(Operator::GreaterOrEqual),
            _ => Err(
                "expected ==, !=, <, <=, >, >= (or DHIS2's equal_to, less_than_or_equal_to, …)"
                    .into(),
            ),
        }
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

/// How much a broken rule matters: a high one stops an import, the others are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Importance {
    Low,
    Medium,
    High,
}

impl Importance {
    pub fn code(self) -> &'static str {
        match self {
            Importance::Low => "low",
            Importance::Medium => "medium",
            Importance::High => "high",
        }
    }
}

impl FromStr for Importance {
    type Err = String;
    fn from_str(s: &str) -> Result<Importance, String> {
        match fold(s).as_str() {
            "high" | "cao" => Ok(Importance::High),
            "medium" | "trung binh" | "" => Ok(Importance::Medium),
            "low" | "thap" => Ok(Importance::Low),
            _ => Err("expected high, medium or low (cao, trung bình, thấp)".into()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub code: String,
    pub name: String,
    /// What a clerk reads when the rule is broken, written for people (DHIS2's
    /// `instruction`): "Số khách du lịch không được âm". Empty: the name is shown instead.
    pub message: String,
    pub left: Formula,
    pub operator: Operator,
    pub right: Formula,
    pub importance: Importance,
    /// How far apart the sides may be and still count as equal (rounding in reports).
    pub tolerance: Decimal,
}

/// What applying a rule found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Holds,
    Broken {
        left: Decimal,
        right: Decimal,
    },
    /// A value it needs is missing, or a side cannot be computed.
    NotApplied(String),
}

/// The longest message a rule may carry, in characters: it is read beside a form's field, so
/// a paragraph is already too long, and a bound keeps a crafted file from filling every page.
pub const MESSAGE_MAX_CHARS: usize = 300;

impl Rule {
    /// The rule's own message for people, if it has one.
    pub fn message(&self) -> Option<&str> {
        Some(self.message.as_str()).filter(|m| !m.is_empty())
    }

    /// The indicators the rule reads.
    pub fn references(&self) -> Vec<&str> {
        let mut refs = self.left.references();
        for r in self.right.references() {
            if !refs.contains(&r) {
                refs.push(r);
            }
        }
        refs
    }

    pub fn apply(&self, lookup: &dyn Fn(&str) -> Option<Decimal>) -> Outcome {
        let side = |f: &Formula| {
            f.eval(lookup).map_err(|gap| match gap {
                EvalGap::Missing(code) => format!("no value for {code}"),
                EvalGap::DivisionByZero => "division by zero".to_string(),
                EvalGap::Overflow => "too large".to_string(),
            })
        };
        match (side(&self.left), side(&self.right)) {
            (Ok(left), Ok(right)) if self.operator.holds(left, right, self.tolerance) => {
                Outcome::Holds
            }
            (Ok(left), Ok(right)) => Outcome::Broken { left, right },
            (Err(why), _) | (_, Err(why)) => Outcome::NotApplied(why),
        }
    }

    /// "GTSX_NLTS + GTSX_CNXD + GTSX_DV == GTSX (±0.01)".
    pub fn text(&self) -> String {
        let tolerance = if self.tolerance.is_zero() {
            String::new()
        } else {
            format!(" (±{})", self.tolerance.normalize())
        };
        format!("{} {} {}{tolerance}", self.left, self.operator, self.right)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(left: &str, op: &str, right: &str, tolerance: &str) -> Rule {
        Rule {
            code: "R".into(),
            name: "R".into(),
            message: String::new(),
            left: left.parse().unwrap(),
            operator: op.parse().unwrap(),
            right: right.parse().unwrap(),
            importance: Importance::High,
            tolerance: tolerance.parse().unwrap(),
        }
    }

    fn values(code: &str) -> Option<Decimal> {
        match code {
            "NN" => Some("146.53".parse().unwrap()),
            "CN" => Some("105.06".parse().unwrap()),
            "DV" => Some("391.82".parse().unwrap()),
            "TOTAL" => Some("643.42".parse().unwrap()),
            _ => None,
        }
    }

    #[test]
    fn sectors_add_up_to_the_total_within_a_tolerance() {
        assert_eq!(
            rule("NN + CN + DV", "==", "TOTAL", "0.01").apply(&values),
            Outcome::Holds
        );
        assert!(matches!(
            rule("NN + CN + DV", "==", "TOTAL", "0").apply(&values),
            Outcome::Broken { .. }
        ));
        assert_eq!(
            rule("NN", "less_than_or_equal_to", "TOTAL", "0").apply(&values),
            Outcome::Holds
        );
        assert!(matches!(
            rule("TOTAL", "<", "NN", "0").apply(&values),
            Outcome::Broken { .. }
        ));
        assert_eq!(rule("NN", ">=", "0", "0").apply(&values), Outcome::Holds);
    }

    #[test]
    fn a_missing_value_means_the_rule_is_not_applied() {
        assert_eq!(
            rule("NN", "<=", "MISSING", "0").apply(&values),
            Outcome::NotApplied("no value for MISSING".into())
        );
        assert!("~".parse::<Operator>().is_err());
        assert_eq!("Cao".parse::<Importance>(), Ok(Importance::High));
    }
}

/// (unit code, period): where a rule is applied.
type UnitPeriod = (String, crate::period::Period);

/// A broken rule found while writing values, kept with them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: String,
    pub unit: String,
    pub period: crate::period::Period,
    pub importance: Importance,
    pub left: Decimal,
    pub right: Decimal,
    pub source: crate::value::Source,
}

/// Applies `rules` to the units and periods that `values` write, reading each indicator from
/// the incoming values first and `stored` (indicator, unit, period → value) otherwise. Only
/// rules that read at least one incoming value are applied. Returns the problems to report
/// (errors for high importance, warnings otherwise) and the findings to keep.
pub fn check_planned(
    values: &[crate::changes::PlannedValue],
    rules: &[Rule],
    stored: &std::collections::HashMap<(String, String, crate::period::Period), Decimal>,
) -> (Vec<crate::problem::Problem>, Vec<Finding>) {
    use crate::problem::{Location, Problem, Severity};
    use crate::value::{Series, Source};
    use std::collections::{BTreeMap, HashMap};
    let mut incoming: BTreeMap<UnitPeriod, HashMap<&str, (Decimal, &Source)>> = BTreeMap::new();
    for v in values
        .iter()
        .filter(|v| v.record.key.series == Series::Actual)
    {
        let k = &v.record.key;
        incoming
            .entry((k.unit.clone(), k.period))
            .or_default()
            .insert(k.indicator.as_str(), (v.record.figure.value, &v.source));
    }
    let mut problems = Vec::new();
    let mut findings = Vec::new();
    for ((unit, period), here) in &incoming {
        for rule in rules {
            let refs = rule.references();
            let Some((_, source)) = refs.iter().find_map(|r| here.get(r)) else {
                continue;
            };
            let lookup = |code: &str| {
                here.get(code).map(|(v, _)| *v).or_else(|| {
                    stored
                        .get(&(code.to_string(), unit.clone(), *period))
                        .copied()
                })
            };
            let Outcome::Broken { left, right } = rule.apply(&lookup) else {
                continue;
            };
            let location = match source {
                Source::File { path, line } => Location::line(path.clone(), *line),
                other => Location::file(other.to_string()),
            };
            problems.push(Problem {
                severity: if rule.importance == Importance::High {
                    Severity::Error
                } else {
                    Severity::Warning
                },
                location,
                value: None,
                message: solieu_i18n::text!(
                    "core-rule-broken-left-right",
                    rule_code = rule.code,
                    rule_name = rule.name,
                    unit = unit,
                    period = period.name(),
                    text = rule.text(),
                    left = left.normalize(),
                    right = right.normalize()
                ),
                // The rule's own words, for whoever reads past its code and formula.
                hint: rule.message().map(solieu_i18n::Text::verbatim),
            });
            findings.push(Finding {
                rule: rule.code.clone(),
                unit: unit.clone(),
                period: *period,
                importance: rule.importance,
                left,
                right,
                source: (*source).clone(),
            });
        }
    }
    (problems, findings)
}

/// A figure this far from its unit's usual ones, in modified z-scores, is flagged.
pub const OUTLIER_SCORE: Decimal = Decimal::from_parts(35, 0, 0, false, 1);
/// Fewer earlier figures than this say too little about what is usual.
pub const OUTLIER_HISTORY: usize = 5;

/// Flags values far from their unit's own history: the modified z-score (Iglewicz and
/// Hoaglin) of the value against the earlier figures of the same indicator, unit and period
/// length; above [`OUTLIER_SCORE`] it is reported as a warning and kept as a finding.
/// `history` holds, per (indicator, unit), the stored (period, value) pairs.
pub fn outliers(
    values: &[crate::changes::PlannedValue],
    history: &std::collections::HashMap<(String, String), Vec<(crate::period::Period, Decimal)>>,
) -> (Vec<crate::problem::Problem>, Vec<Finding>) {
    use crate::problem::{Location, Problem, Severity};
    use crate::value::{Series, Source};
    let median = |mut xs: Vec<Decimal>| -> Decimal {
        xs.sort();
        let n = xs.len();
        if n % 2 == 1 {
            xs[n / 2]
        } else {
            (xs[n / 2 - 1] + xs[n / 2]) / Decimal::TWO
        }
    };
    let mut problems = Vec::new();
    let mut findings = Vec::new();
    for v in values
        .iter()
        .filter(|v| v.record.key.series == Series::Actual)
    {
        let k = &v.record.key;
        let Some(past) = history.get(&(k.indicator.clone(), k.unit.clone())) else {
            continue;
        };
        let earlier: Vec<Decimal> = past
            .iter()
            .filter(|(p, _)| p.months() == k.period.months() && *p != k.period)
            .map(|(_, x)| *x)
            .collect();
        if earlier.len() < OUTLIER_HISTORY {
            continue;
        }
        let count = earlier.len();
        let m = median(earlier.clone());
        let mad = median(earlier.iter().map(|x| (*x - m).abs()).collect());
        if mad.is_zero() {
            continue;
        }
        let Some(score) = (v.record.figure.value - m)
            .checked_mul(Decimal::new(6745, 4))
            .and_then(|x| x.checked_div(mad))
        else {
            continue;
        };
        if score.abs() <= OUTLIER_SCORE {
            continue;
        }
        let location = match &v.source {
            Source::File { path, line } => Location::line(path.clone(), *line).with_column("value"),
            other => Location::file(other.to_string()),
        };
        let score_text = score.round_dp(1).normalize();
        problems.push(Problem {
            severity: Severity::Warning,
            location,
            value: Some(v.record.figure.value.normalize().to_string()),
            message: solieu_i18n::text!(
                "core-unusual-unit-median-its-earlier",
                unit = k.unit,
                count = count,
                normalize = m.normalize(),
                score_text = score_text
            ),
            hint: Some(solieu_i18n::text!(
                "core-check-unit-measure-decimal-separator"
            )),
        });
        findings.push(Finding {
            rule: "OUTLIER".into(),
            unit: k.unit.clone(),
            period: k.period,
            importance: Importance::Low,
            left: v.record.figure.value,
            right: m,
            source: v.source.clone(),
        });
    }
    (problems, findings)
}

#[cfg(test)]
mod outlier_tests {
    use super::*;
    use crate::changes::PlannedValue;
    use crate::value::{Figure, Series, Source, Status, ValueKey, ValueRecord};
    use std::collections::HashMap;

    fn planned(value: &str) -> PlannedValue {
        PlannedValue {
            record: ValueRecord {
                key: ValueKey {
                    indicator: "KHACH_DL".into(),
                    unit: "198".into(),
                    period: "2026S1".parse().unwrap(),
                    series: Series::Actual,
                },
                figure: Figure {
                    value: value.parse().unwrap(),
                    status: Status::Estimate,
                    note: String::new(),
                },
            },
            unit_valid_from: None,
            source: Source::File {
                path: "v.csv".into(),
                line: 2,
            },
        }
    }

    fn history() -> HashMap<(String, String), Vec<(crate::period::Period, Decimal)>> {
        let past = [
            "2019S1", "2020S1", "2021S1", "2022S1", "2023S1", "2024S1", "2020",
        ]
        .iter()
        .zip(["45050", "6668", "30100", "41000", "44800", "47300", "90000"])
        .map(|(p, v)| (p.parse().unwrap(), v.parse().unwrap()))
        .collect();
        HashMap::from([(("KHACH_DL".to_string(), "198".to_string()), past)])
    }

    #[test]
    fn a_figure_a_thousand_times_too_large_is_flagged_a_usual_one_is_not() {
        // 46.800.000 where 46.800 was meant: the decimal separator read the wrong way.
        let (problems, findings) = outliers(&[planned("46800000")], &history());
        assert_eq!(findings.len(), 1);
        assert!(
            problems[0]
                .render(crate::problem::Lang::En)
                .contains("the median of its 6 earlier figures of this kind is 42900"),
            "{problems:?}"
        );
        assert!(outliers(&[planned("46800")], &history()).0.is_empty());
        // With too little history nothing is said.
        let short = HashMap::from([(
            ("KHACH_DL".to_string(), "198".to_string()),
            history().into_values().next().unwrap()[..3].to_vec(),
        )]);
        assert!(outliers(&[planned("46800000")], &short).0.is_empty());
    }
}
