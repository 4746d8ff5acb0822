//! The demo holds the data from which every figure of the seed article follows.
//!
//! The expected figures are read from `../shared/domain/seed-figures.md` (the article's table),
//! not copied here; the demo's values are read back through `solieu values`, and each printed
//! percentage is recomputed from them and rounded as the article rounds.

mod common;

use common::*;
use rust_decimal::{Decimal, RoundingStrategy};
use solieu_core::formula::Formula;
use solieu_core::number::{DecimalConvention, parse};
use std::collections::HashMap;

struct Figures {
    /// (indicator, unit, period, series) → value
    values: HashMap<(String, String, String, String), Decimal>,
    formulas: HashMap<String, Formula>,
}

impl Figures {
    fn load() -> Figures {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("demo.db").display().to_string();
        ok(&db, &["demo", "--no-serve"]);
        let json: serde_json::Value =
            serde_json::from_str(&ok(&db, &["values", "--format", "json"])).unwrap();
        let values = json
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                let s = |k: &str| v[k].as_str().unwrap().to_string();
                (
                    (s("indicator"), s("unit"), s("period"), s("series")),
                    s("value").parse().unwrap(),
                )
            })
            .collect();
        let indicators = ok(&db, &["export", "--only", "indicators"]);
        let mut reader = csv::Reader::from_reader(indicators.as_bytes());
        let formulas = reader
            .records()
            .map(|r| r.unwrap())
            .filter(|r| !r[7].is_empty())
            .map(|r| (r[0].to_string(), Formula::parse(&r[7]).unwrap()))
            .collect();
        Figures { values, formulas }
    }

    /// The district's value: stored at the district, summed over its communes, or computed
    /// by the indicator's formula.
    fn district(&self, indicator: &str, period: &str, series: &str) -> Option<Decimal> {
        let key = |unit: &str| {
            (
                indicator.to_string(),
                unit.to_string(),
                period.to_string(),
                series.to_string(),
            )
        };
        if let Some(v) = self.values.get(&key("198")) {
            return Some(*v);
        }
        if let Some(f) = self.formulas.get(indicator) {
            return f.eval(&|code| self.district(code, period, series)).ok();
        }
        let communes: Vec<Decimal> = [
            "06838", "06841", "06844", "06847", "06853", "06856", "06859",
        ]
        .iter()
        .filter_map(|c| self.values.get(&key(c)).copied())
        .collect();
        (!communes.is_empty()).then(|| communes.iter().sum())
    }
}

/// "39,89%" → (39.89, 2 decimals); "+11,2%" → (11.2, 1).
fn printed_percent(text: &str) -> Option<(Decimal, u32)> {
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let number: String = text[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',')
        .collect();
    let decimals = number.split_once(',').map_or(0, |(_, f)| f.len() as u32);
    let value = parse(&number, DecimalConvention::Comma).ok()?;
    let negative = text[..start].trim_end().ends_with('-') || text[..start].contains("giảm");
    Some((if negative { -value } else { value }, decimals))
}

fn round(value: Decimal, decimals: u32) -> Decimal {
    value.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero)
}

fn seed_rows() -> Vec<Vec<String>> {
    let path = repo().join("../shared/domain/seed-figures.md");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|l| {
            l.starts_with("| ")
                && l.split('|')
                    .nth(1)
                    .is_some_and(|c| c.trim().parse::<u32>().is_ok())
        })
        .map(|l| l.split('|').skip(1).map(|c| c.trim().to_string()).collect())
        .collect()
}

/// The seed table's rows by number, with the demo's indicator code for each.
const INDICATORS: &[(u32, &str)] = &[
    (1, "GTSX"),
    (2, "GTSX_NLTS"),
    (3, "GTSX_CNXD"),
    (4, "GTSX_DV"),
    (5, "TRONG_RUNG"),
    (6, "DT_NTTS"),
    (7, "SL_KHAI_THAC_TS"),
    (8, "SL_NUOI_TRONG_TS"),
    (9, "XNK"),
    (10, "KHACH_DL"),
    (11, "DOANH_THU_DL"),
    (12, "KHAM_BENH"),
    (13, "DIEU_TRI_NOI_TRU"),
    (14, "HS_TRO_LAI_TRUONG"),
];

#[test]
fn every_seed_figure_follows_from_the_demo_data() {
    let figures = Figures::load();
    let rows = seed_rows();
    assert_eq!(rows.len(), INDICATORS.len(), "the seed table changed shape");
    let mut checked = 0;
    for row in &rows {
        let number: u32 = row[0].parse().unwrap();
        let code = INDICATORS.iter().find(|(n, _)| *n == number).unwrap().1;
        let value = figures
            .district(code, "2020S1", "actual")
            .unwrap_or_else(|| panic!("no H1 2020 value for {code}"));
        // Value: "643,41 tỷ đồng", "> 98%".
        let printed = &row[2];
        if let Some(bound) = printed.strip_prefix("> ") {
            let (b, _) = printed_percent(bound).unwrap();
            assert!(value > b, "row {number}: {value} is not above {b}");
        } else {
            let token = printed.split_whitespace().next().unwrap();
            assert_eq!(
                parse(token, DecimalConvention::Comma).unwrap(),
                value,
                "row {number} ({code})"
            );
        }
        checked += 1;
        // Percentage of the annual plan.
        let plan_cell = &row[3];
        if plan_cell != "—" {
            let plan = figures
                .district(code, "2020", "plan:hdnd-huyen")
                .unwrap_or_else(|| panic!("no plan for {code}"));
            let percent = value / plan * Decimal::from(100);
            if plan_cell.contains("trên") {
                let (bound, _) = printed_percent(plan_cell).unwrap();
                assert!(
                    percent > bound,
                    "row {number}: {percent}% of plan is not above {bound}%"
                );
            } else {
                let (expected, decimals) = printed_percent(plan_cell).unwrap();
                assert_eq!(
                    round(percent, decimals),
                    expected,
                    "row {number} ({code}): % of plan"
                );
            }
            checked += 1;
        }
        // Against the same period of 2019: a change ("+11,2%") or a ratio ("66,2% of H1 2019").
        let previous_cell = &row[4];
        if previous_cell != "—" {
            let previous = figures
                .district(code, "2019S1", "actual")
                .unwrap_or_else(|| panic!("no H1 2019 value for {code}"));
            let ratio = value / previous * Decimal::from(100);
            let (expected, decimals) = printed_percent(previous_cell).unwrap();
            let computed = if previous_cell.contains("a ratio") {
                ratio
            } else {
                ratio - Decimal::from(100)
            };
            assert_eq!(
                round(computed, decimals),
                expected,
                "row {number} ({code}): against H1 2019"
            );
            checked += 1;
            // "(H1 2019 growth was 15,86%)": the year before, one step further back.
            if let Some(at) = previous_cell.find("growth was") {
                let earlier = figures.district(code, "2018S1", "actual").unwrap();
                let (expected, decimals) = printed_percent(&previous_cell[at..]).unwrap();
                assert_eq!(
                    round(
                        previous / earlier * Decimal::from(100) - Decimal::from(100),
                        decimals
                    ),
                    expected
                );
                checked += 1;
            }
        }
    }
    // Row 12's parts: "70.123 lượt = 11.024 district centre + 59.099 communes".
    let row12 = &rows.iter().find(|r| r[0] == "12").unwrap()[2];
    let parts: Vec<Decimal> = row12
        .split(['=', '+'])
        .map(|p| {
            parse(
                p.split_whitespace().next().unwrap(),
                DecimalConvention::Comma,
            )
            .unwrap()
        })
        .collect();
    assert_eq!(
        figures.district("KHAM_BENH_HUYEN", "2020S1", "actual"),
        Some(parts[1])
    );
    assert_eq!(
        figures.district("KHAM_BENH_XA", "2020S1", "actual"),
        Some(parts[2])
    );
    // 14 values, 9 percentages of plan, 8 same-period comparisons and the 2019 growth.
    assert_eq!(checked, 14 + 9 + 8 + 1);
}
