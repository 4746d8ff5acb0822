//! Data sets: named groups of indicators entered together, read from a CSV
//! (`code,name,name_en,period_type,deadline_days,indicators[,levels]`; see docs/formats.md).

use solieu_core::indicator::Indicator;
use solieu_core::period::{Period, PeriodKind};
use solieu_core::problem::{Location, Problem};
use solieu_store::DataSetRow;

pub const HEADER: &[&str] = &[
    "code",
    "name",
    "name_en",
    "period_type",
    "deadline_days",
    "indicators",
];

/// The optional last column: the approval levels in order, as roles.
pub const LEVELS: &str = "levels";

/// The roles that may act at an approval level.
pub const LEVEL_ROLES: &[&str] = &["office", "department", "leader"];

pub const PERIOD_TYPES: &[&str] = &["month", "quarter", "half", "year"];

/// Whether `bytes` is a data set file (by its header).
pub fn detect(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]);
    let first = text
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap_or("");
    let first = first.trim().replace(';', ",");
    first == HEADER.join(",") || first == format!("{},{LEVELS}", HEADER.join(","))
}

/// Whether `period` is of the data set's kind.
pub fn period_fits(period_type: &str, period: &Period) -> bool {
    matches!(
        (period_type, period.kind()),
        ("month", PeriodKind::Month)
            | ("quarter", PeriodKind::Quarter)
            | ("half", PeriodKind::HalfYear)
            | ("year", PeriodKind::Year)
    )
}

/// The period of the data set's kind that ends last on or before `day`, and the one before.
pub fn latest_period(period_type: &str, day: chrono::NaiveDate) -> Option<Period> {
    use chrono::Datelike;
    let months = match period_type {
        "month" => 1,
        "quarter" => 3,
        "half" => 6,
        _ => 12,
    };
    // Whole months before this month, rounded down to the period length.
    let index = i64::from(day.year()) * 12 + i64::from(day.month0());
    let start = (index - months) - (index - months).rem_euclid(months);
    Period::from_index(start, months as u32).ok()
}

/// Reads a data set file; every problem found, with line and column.
pub fn read(
    file: &str,
    bytes: &[u8],
    indicators: &[Indicator],
) -> Result<Vec<DataSetRow>, Vec<Problem>> {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_start_matches('\u{feff}');
    let delimiter = if text.lines().next().unwrap_or("").contains(';') {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut problems = Vec::new();
    let mut sets: Vec<DataSetRow> = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i as u64 + 2;
        let at = |column: &str| Location::line(file, line).with_column(column);
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(Problem::error(
                    Location::line(file, line),
                    solieu_i18n::text!(
                        "web-unreadable-line",
                        e = e,
                        why = solieu_io::why::csv_kind(&e)
                    ),
                ));
                continue;
            }
        };
        let field = |n: usize| record.get(n).unwrap_or("").trim().to_string();
        let code = field(0);
        if code.is_empty() {
            problems.push(Problem::error(
                at("code"),
                solieu_i18n::text!("web-data-set-code-missing"),
            ));
            continue;
        }
        if sets.iter().any(|s| s.code == code) {
            problems.push(
                Problem::error(at("code"), solieu_i18n::text!("web-data-set-code-repeated"))
                    .with_value(&code),
            );
        }
        let period_type = field(3);
        if !PERIOD_TYPES.contains(&period_type.as_str()) {
            problems.push(
                Problem::error(
                    at("period_type"),
                    solieu_i18n::text!("web-unknown-period-type"),
                )
                .with_value(&period_type)
                .with_hint(solieu_i18n::text!("web-one-month-quarter-half-year")),
            );
        }
        let deadline = field(4);
        let deadline_days = match deadline.parse::<i64>() {
            Ok(d) if (0..=366).contains(&d) => d,
            _ => {
                problems.push(
                    Problem::error(
                        at("deadline_days"),
                        solieu_i18n::text!("web-deadline-number-days-after-period"),
                    )
                    .with_value(&deadline),
                );
                0
            }
        };
        let codes: Vec<String> = field(5).split_whitespace().map(str::to_string).collect();
        if codes.is_empty() {
            problems.push(Problem::error(
                at("indicators"),
                solieu_i18n::text!("web-data-set-needs-least-one"),
            ));
        }
        for c in &codes {
            match indicators.iter().find(|i| &i.code == c) {
                None => problems.push(
                    Problem::error(
                        at("indicators"),
                        solieu_i18n::text!("web-no-such-indicator"),
                    )
                    .with_value(c),
                ),
                Some(i) if i.is_derived() => problems.push(
                    Problem::error(
                        at("indicators"),
                        solieu_i18n::text!("web-derived-indicator-computed-not-entered"),
                    )
                    .with_value(c),
                ),
                Some(_) => {}
            }
        }
        let levels: Vec<String> = field(6).split_whitespace().map(str::to_string).collect();
        problems.extend(level_problems(&levels, at(LEVELS)));
        let name = field(1);
        sets.push(DataSetRow {
            name_en: Some(field(2))
                .filter(|n| !n.is_empty())
                .unwrap_or(name.clone()),
            name,
            code,
            period_type,
            deadline_days,
            indicators: codes,
            levels,
        });
    }
    if problems.is_empty() {
        Ok(sets)
    } else {
        Err(problems)
    }
}

/// Each level a known role, each role once: a role twice would have the same people
/// accept the same figures twice.
fn level_problems(levels: &[String], at: Location) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (i, level) in levels.iter().enumerate() {
        let message = if !LEVEL_ROLES.contains(&level.as_str()) {
            solieu_i18n::text!("web-unknown-approval-level")
        } else if levels[..i].contains(level) {
            solieu_i18n::text!("web-approval-level-repeated")
        } else {
            continue;
        };
        problems.push(
            Problem::error(at.clone(), message)
                .with_value(level)
                .with_hint(solieu_i18n::text!(
                    "web-approving-roles-order-separated-spaces"
                )),
        );
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latest_complete_period_of_each_kind() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        assert_eq!(latest_period("half", day).unwrap().code(), "2026S1");
        assert_eq!(latest_period("quarter", day).unwrap().code(), "2026Q3");
        assert_eq!(latest_period("month", day).unwrap().code(), "202610");
        assert_eq!(latest_period("year", day).unwrap().code(), "2025");
    }

    #[test]
    fn bad_rows_are_named() {
        let file =
            "code,name,name_en,period_type,deadline_days,indicators\nA,Bộ A,,weekly,x,NOPE\n";
        let problems = read("ds.csv", file.as_bytes(), &[]).unwrap_err();
        let columns: Vec<_> = problems
            .iter()
            .map(|p| p.location.column.clone().unwrap())
            .collect();
        assert_eq!(columns, ["period_type", "deadline_days", "indicators"]);
        assert!(problems.iter().all(|p| p.location.line == Some(2)));
    }

    #[test]
    fn approval_levels_are_read_in_order_and_checked() {
        let file = "code,name,name_en,period_type,deadline_days,indicators,levels\n\
                    A,Bộ A,,half,15,X,office department leader\n\
                    B,Bộ B,,half,15,X,\n\
                    C,Bộ C,,half,15,X,office commune office\n";
        assert!(detect(file.as_bytes()));
        use solieu_core::indicator::{Aggregate, TimeAggregate};
        let indicator = Indicator {
            code: "X".into(),
            name: "X".into(),
            name_en: None,
            unit: solieu_core::measure::MeasureUnit::parse("người"),
            group: vec!["Y tế".into()],
            aggregate: Aggregate::Sum,
            time_aggregate: TimeAggregate::Sum,
            decimals: 0,
            price_basis: None,
            formula: None,
        };
        let problems =
            read("ds.csv", file.as_bytes(), std::slice::from_ref(&indicator)).unwrap_err();
        let found: Vec<_> = problems
            .iter()
            .map(|p| (p.location.line, p.location.column.clone(), p.value.clone()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    Some(4),
                    Some("levels".to_string()),
                    Some("commune".to_string())
                ),
                (
                    Some(4),
                    Some("levels".to_string()),
                    Some("office".to_string())
                ),
            ]
        );
        let good = file.lines().take(3).collect::<Vec<_>>().join("\n");
        let sets = read("ds.csv", good.as_bytes(), &[indicator]).unwrap();
        assert_eq!(sets[0].levels, ["office", "department", "leader"]);
        assert!(sets[1].levels.is_empty());
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_are_read_or_refused_without_a_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..400)) {
            let _ = detect(&bytes);
            let _ = read("x.csv", &bytes, &[]);
        }

        #[test]
        fn any_text_under_the_header_is_read_or_refused(body in "\\PC{0,300}") {
            let file = format!("{}\n{body}", HEADER.join(","));
            if let Err(problems) = read("x.csv", file.as_bytes(), &[]) {
                proptest::prop_assert!(problems.iter().all(|p| p.location.file == "x.csv"));
            }
        }
    }
}
