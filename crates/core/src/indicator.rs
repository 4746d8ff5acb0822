//! Indicators: what is measured, in which unit, and how it adds up across units and time.

use crate::formula::Formula;
use crate::measure::MeasureUnit;
use crate::problem::Text;
use crate::text::fold;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::str::FromStr;

/// How values of several units combine into their parent's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregate {
    Sum,
    Average,
    /// Not combined: rates and scores are reported by each unit itself.
    None,
}

/// How values of several periods combine into a longer one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeAggregate {
    /// Flows: production, visits.
    Sum,
    /// Stocks: herd size, forest cover; the value at the end of the span.
    Last,
    Average,
}

macro_rules! keyword_enum {
    ($ty:ident { $($variant:ident => $code:literal [$($alias:literal),*]),* $(,)? }) => {
        impl $ty {
            pub fn code(self) -> &'static str {
                match self { $($ty::$variant => $code),* }
            }
        }
        impl FromStr for $ty {
            type Err = String;
            fn from_str(s: &str) -> Result<$ty, String> {
                let f = fold(s);
                $(if f == $code $(|| f == $alias)* { return Ok($ty::$variant); })*
                Err(format!("expected one of {}", [$($code),*].join(", ")))
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.code()) }
        }
    };
}

keyword_enum!(Aggregate {
    Sum => "sum" ["tong", "cong"],
    Average => "average" ["avg", "trung binh", "binh quan"],
    None => "none" ["khong"],
});

keyword_enum!(TimeAggregate {
    Sum => "sum" ["tong", "cong don", "luy ke"],
    Last => "last" ["cuoi ky", "gia tri cuoi"],
    Average => "average" ["avg", "trung binh", "binh quan"],
});

/// The price basis of a value measure: constant prices of a base year, or current prices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriceBasis {
    Constant(i32),
    Current,
}

impl PriceBasis {
    pub fn code(self) -> String {
        match self {
            PriceBasis::Constant(year) => format!("constant-{year}"),
            PriceBasis::Current => "current".into(),
        }
    }

    /// "giá so sánh 2010", "giá hiện hành".
    pub fn name_vi(self) -> String {
        match self {
            PriceBasis::Constant(year) => format!("giá so sánh {year}"),
            PriceBasis::Current => "giá hiện hành".into(),
        }
    }
}

impl FromStr for PriceBasis {
    type Err = String;
    fn from_str(s: &str) -> Result<PriceBasis, String> {
        let f = fold(s).replace('-', " ");
        if f == "current" || f == "gia hien hanh" || f == "hien hanh" {
            return Ok(PriceBasis::Current);
        }
        let year = f
            .strip_prefix("constant ")
            .or_else(|| f.strip_prefix("gia so sanh "))
            .or_else(|| f.strip_prefix("so sanh "));
        match year.and_then(|y| y.trim().parse::<i32>().ok()) {
            Some(y) if (1900..=2200).contains(&y) => Ok(PriceBasis::Constant(y)),
            _ => Err(
                "expected current, constant-2010 (or “giá so sánh 2010”, “giá hiện hành”)".into(),
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Indicator {
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    pub unit: MeasureUnit,
    /// From the sector down: ["Kinh tế", "Nông, lâm nghiệp và thủy sản"].
    pub group: Vec<String>,
    pub aggregate: Aggregate,
    pub time_aggregate: TimeAggregate,
    /// Decimals shown in reports.
    pub decimals: u8,
    pub price_basis: Option<PriceBasis>,
    /// Derived indicators are computed from others; their actual values are never entered.
    pub formula: Option<Formula>,
}

/// How a group path is written in files: "Kinh tế > Nông nghiệp".
pub const GROUP_SEPARATOR: &str = " > ";
pub const MAX_DECIMALS: u8 = 6;

impl Indicator {
    pub fn group_path(&self) -> String {
        self.group.join(GROUP_SEPARATOR)
    }

    pub fn parse_group(text: &str) -> Vec<String> {
        text.split('>')
            .map(crate::text::clean)
            .filter(|s| !s.is_empty())
            .collect()
    }

    pub fn is_derived(&self) -> bool {
        self.formula.is_some()
    }
}

/// An indicator code: letters, digits, `_`, `.` and `-`, at most 64 characters.
pub fn check_code(code: &str) -> Result<(), String> {
    if code.is_empty() || code.chars().count() > 64 {
        return Err("an indicator code has 1 to 64 characters".into());
    }
    if !code
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-'))
    {
        return Err("an indicator code is letters, digits, “_”, “.” and “-”".into());
    }
    Ok(())
}

/// A problem in a set of indicators, naming the indicator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogIssue {
    pub code: String,
    pub message: Text,
}

/// Checks that formulas refer to existing indicators and never to themselves, directly or not.
pub fn check_catalog<'a>(indicators: impl IntoIterator<Item = &'a Indicator>) -> Vec<CatalogIssue> {
    let by_code: HashMap<&str, &Indicator> = indicators
        .into_iter()
        .map(|i| (i.code.as_str(), i))
        .collect();
    let mut issues = Vec::new();
    let mut codes: Vec<&str> = by_code.keys().copied().collect();
    codes.sort();
    for code in codes {
        let indicator = by_code[code];
        if indicator.unit.is_percent() && indicator.aggregate == Aggregate::Sum {
            issues.push(CatalogIssue {
                code: code.to_string(),
                message: solieu_i18n::text!("core-percentage-does-not-add-up"),
            });
        }
        let Some(formula) = &by_code[code].formula else {
            continue;
        };
        for r in formula.references() {
            if !by_code.contains_key(r) {
                issues.push(CatalogIssue {
                    code: code.to_string(),
                    message: solieu_i18n::text!("core-formula-uses-indicator-which-not", r = r),
                });
            }
        }
        // Depth-first walk from this indicator; reaching it again is a cycle.
        let mut stack: Vec<&str> = formula.references();
        let mut seen: HashSet<&str> = HashSet::new();
        while let Some(r) = stack.pop() {
            if r == code {
                issues.push(CatalogIssue {
                    code: code.to_string(),
                    message: solieu_i18n::text!("core-formula-refers-back-this-indicator"),
                });
                break;
            }
            if seen.insert(r)
                && let Some(f) = by_code.get(r).and_then(|i| i.formula.as_ref())
            {
                stack.extend(f.references());
            }
        }
    }
    issues
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ind(code: &str, formula: Option<&str>) -> Indicator {
        Indicator {
            code: code.into(),
            name: code.into(),
            name_en: None,
            unit: MeasureUnit::parse("tỷ đồng"),
            group: vec![],
            aggregate: Aggregate::Sum,
            time_aggregate: TimeAggregate::Sum,
            decimals: 2,
            price_basis: None,
            formula: formula.map(|f| Formula::parse(f).unwrap()),
        }
    }

    #[test]
    fn keywords_in_english_and_vietnamese() {
        assert_eq!("Bình quân".parse::<Aggregate>(), Ok(Aggregate::Average));
        assert_eq!("last".parse::<TimeAggregate>(), Ok(TimeAggregate::Last));
        assert_eq!(
            "giá so sánh 2010".parse::<PriceBasis>(),
            Ok(PriceBasis::Constant(2010))
        );
        assert_eq!(
            "constant-2020".parse::<PriceBasis>(),
            Ok(PriceBasis::Constant(2020))
        );
        assert!("sometimes".parse::<Aggregate>().is_err());
        assert_eq!(
            Indicator::parse_group(" Kinh tế >  Dịch vụ "),
            vec!["Kinh tế", "Dịch vụ"]
        );
    }

    #[test]
    fn formulas_must_refer_to_known_indicators_without_cycles() {
        let ok = [ind("A", None), ind("B", None), ind("T", Some("A + B"))];
        assert!(check_catalog(&ok).is_empty());
        let bad = [
            ind("A", Some("C")),
            ind("C", Some("A * 2")),
            ind("T", Some("A + X")),
        ];
        let issues = check_catalog(&bad);
        assert!(
            issues
                .iter()
                .any(|i| i.code == "T" && i.message.en.contains("X"))
        );
        assert!(
            issues
                .iter()
                .any(|i| i.code == "A" && i.message.en.contains("cycle"))
        );
        assert!(
            issues
                .iter()
                .any(|i| i.code == "C" && i.message.en.contains("cycle"))
        );
    }
}
