//! Values: what was achieved (actual) or planned, for an indicator, a unit and a period.

use crate::period::Period;
use crate::text::fold;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use std::fmt;
use std::str::FromStr;

/// Actual figures, or a plan from one source. One indicator can have several plans
/// ("đạt 60% kế hoạch tỉnh giao, đạt 58% kế hoạch HĐND huyện giao").
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Series {
    Actual,
    /// The source slug: `hdnd-huyen`, `tinh-giao`, `du-toan`; empty for the plain plan.
    Plan(String),
}

/// Plan sources with their Vietnamese names.
pub const PLAN_SOURCES: &[(&str, &str)] = &[
    ("", "kế hoạch"),
    ("hdnd-huyen", "kế hoạch HĐND huyện giao"),
    ("hdnd-tinh", "kế hoạch HĐND tỉnh giao"),
    ("hdnd-xa", "kế hoạch HĐND xã giao"),
    ("tinh-giao", "kế hoạch tỉnh giao"),
    ("huyen-giao", "kế hoạch huyện giao"),
    ("du-toan", "dự toán"),
    ("kich-ban", "kịch bản tăng trưởng"),
];

impl Series {
    pub fn code(&self) -> String {
        match self {
            Series::Actual => "actual".into(),
            Series::Plan(s) if s.is_empty() => "plan".into(),
            Series::Plan(s) => format!("plan:{s}"),
        }
    }

    pub fn is_plan(&self) -> bool {
        matches!(self, Series::Plan(_))
    }

    /// "kế hoạch HĐND huyện giao"; an unknown source is named by its slug.
    pub fn name_vi(&self) -> String {
        match self {
            Series::Actual => "thực hiện".into(),
            Series::Plan(source) => PLAN_SOURCES
                .iter()
                .find(|(s, _)| s == source)
                .map(|(_, name)| name.to_string())
                .unwrap_or_else(|| format!("kế hoạch ({source})")),
        }
    }
}

impl FromStr for Series {
    type Err = String;

    /// `actual`, `plan`, `plan:hdnd-huyen`; also "thực hiện", "kế hoạch", "kế hoạch:tinh-giao".
    fn from_str(s: &str) -> Result<Series, String> {
        let (head, source) = match s.split_once(':') {
            Some((h, src)) => (h, Some(src.trim())),
            None => (s, None),
        };
        match (fold(head).as_str(), source) {
            ("actual" | "thuc hien" | "th", None) => Ok(Series::Actual),
            ("plan" | "ke hoach" | "kh", None) => Ok(Series::Plan(String::new())),
            ("plan" | "ke hoach" | "kh", Some(src)) => {
                let src = src.to_ascii_lowercase();
                let valid = !src.is_empty()
                    && src.len() <= 32
                    && src
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
                if valid {
                    Ok(Series::Plan(src))
                } else {
                    Err(
                        "a plan source is lower-case letters, digits and “-”, e.g. plan:hdnd-huyen"
                            .into(),
                    )
                }
            }
            _ => Err(
                "expected actual, plan or plan:SOURCE (e.g. plan:hdnd-huyen, plan:tinh-giao)"
                    .into(),
            ),
        }
    }
}

impl fmt::Display for Series {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code())
    }
}

/// How final a figure is. June reports are mostly estimates, revised later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    Estimate,
    Preliminary,
    Official,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Estimate => "estimate",
            Status::Preliminary => "preliminary",
            Status::Official => "official",
        }
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            Status::Estimate => "ước tính",
            Status::Preliminary => "sơ bộ",
            Status::Official => "chính thức",
        }
    }
}

impl FromStr for Status {
    type Err = String;
    fn from_str(s: &str) -> Result<Status, String> {
        // The stored codes first: folding is slow, and a start-up reads millions of statuses.
        match s {
            "estimate" => return Ok(Status::Estimate),
            "preliminary" => return Ok(Status::Preliminary),
            "official" => return Ok(Status::Official),
            _ => {}
        }
        match fold(s).as_str() {
            "estimate" | "uoc tinh" | "uoc" | "ut" => Ok(Status::Estimate),
            "preliminary" | "so bo" | "sb" => Ok(Status::Preliminary),
            "official" | "chinh thuc" | "ct" => Ok(Status::Official),
            _ => Err(
                "expected estimate, preliminary or official (ước tính, sơ bộ, chính thức)".into(),
            ),
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// What identifies a value: one figure per indicator, unit, period and series.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ValueKey {
    pub indicator: String,
    /// The unit's code, naming the version valid at the period's end.
    pub unit: String,
    pub period: Period,
    pub series: Series,
}

/// A figure with its status and note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    pub value: Decimal,
    pub status: Status,
    pub note: String,
}

impl Figure {
    /// Same figure, ignoring how the decimal was written (`643.4` equals `643.40`).
    pub fn same_as(&self, other: &Figure) -> bool {
        self.value == other.value && self.status == other.status && self.note == other.note
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueRecord {
    pub key: ValueKey,
    pub figure: Figure,
}

/// Where a change came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// An imported file, with the line the value was on.
    File { path: String, line: u64 },
    /// A web form.
    Form { form: String },
    /// The JSON API.
    Api { client: String },
    /// Typed at the command line.
    Cli,
}

impl Source {
    pub fn kind(&self) -> &'static str {
        match self {
            Source::File { .. } => "file",
            Source::Form { .. } => "form",
            Source::Api { .. } => "api",
            Source::Cli => "cli",
        }
    }

    pub fn detail(&self) -> String {
        match self {
            Source::File { path, line } => format!("{path}:{line}"),
            Source::Form { form } => form.clone(),
            Source::Api { client } => client.clone(),
            Source::Cli => String::new(),
        }
    }

    /// Rebuilds a source from its stored kind and detail.
    pub fn from_parts(kind: &str, detail: &str) -> Source {
        match kind {
            "file" => {
                let (path, line) = detail
                    .rsplit_once(':')
                    .and_then(|(p, l)| Some((p, l.parse().ok()?)))
                    .unwrap_or((detail, 0));
                Source::File {
                    path: path.to_string(),
                    line,
                }
            }
            "form" => Source::Form {
                form: detail.into(),
            },
            "api" => Source::Api {
                client: detail.into(),
            },
            _ => Source::Cli,
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let detail = self.detail();
        if detail.is_empty() {
            f.write_str(self.kind())
        } else {
            write!(f, "{} {detail}", self.kind())
        }
    }
}

/// One state a value has had: the figure, who set it, when and from where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub number: i64,
    pub figure: Figure,
    pub changed_by: String,
    pub changed_at: DateTime<Utc>,
    pub source: Source,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_in_both_languages() {
        assert_eq!("actual".parse::<Series>(), Ok(Series::Actual));
        assert_eq!("Thực hiện".parse::<Series>(), Ok(Series::Actual));
        assert_eq!(
            "plan:hdnd-huyen".parse::<Series>(),
            Ok(Series::Plan("hdnd-huyen".into()))
        );
        assert_eq!(
            "Kế hoạch:tinh-giao".parse::<Series>().unwrap().name_vi(),
            "kế hoạch tỉnh giao"
        );
        assert_eq!("plan".parse::<Series>().unwrap().code(), "plan");
        assert!("plan:Tỉnh giao".parse::<Series>().is_err());
        assert!("forecast".parse::<Series>().is_err());
    }

    #[test]
    fn status_in_both_languages() {
        assert_eq!("ước tính".parse::<Status>(), Ok(Status::Estimate));
        assert_eq!("SO BO".parse::<Status>(), Ok(Status::Preliminary));
        assert_eq!("official".parse::<Status>(), Ok(Status::Official));
        assert!("final".parse::<Status>().is_err());
    }

    #[test]
    fn sources_survive_storage() {
        let s = Source::File {
            path: "demo/values:2020.csv".into(),
            line: 12,
        };
        assert_eq!(Source::from_parts(s.kind(), &s.detail()), s);
        assert_eq!(Source::from_parts("cli", ""), Source::Cli);
    }
}
