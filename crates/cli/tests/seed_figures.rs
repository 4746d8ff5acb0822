//! The demo holds the data from which `solieu query` computes every figure of the seed article.
//!
//! The expected figures are read from `../shared/domain/seed-figures.md` (the article's table),
//! not copied here; the computed ones come from `solieu query --format json`, and each printed
//! percentage is compared after rounding as the article rounds.

mod common;

use common::*;
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::Value;
use solieu_core::number::{DecimalConvention, parse};
use std::collections::HashMap;

/// `solieu query` for the district and a period, by indicator code.
fn query(db: &str, period: &str) -> HashMap<String, Value> {
    let json: Value = serde_json::from_str(&ok(
        db,
        &[
            "query", "--unit", "198", "--period", period, "--format", "json",
        ],
    ))
    .unwrap();
    json.as_array()
        .unwrap()
        .iter()
        .map(|v| (v["indicator"].as_str().unwrap().to_string(), v.clone()))
        .collect()
}

fn number(v: &Value) -> Decimal {
    v.to_string()
        .parse()
        .unwrap_or_else(|_| panic!("not a number: {v}"))
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
fn every_seed_figure_is_computed_by_query() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db").display().to_string();
    ok(&db, &["demo", "--no-serve"]);
    let h1 = query(&db, "2020S1");
    let rows = seed_rows();
    assert_eq!(rows.len(), INDICATORS.len(), "the seed table changed shape");
    let mut checked = 0;
    for row in &rows {
        let number_in_table: u32 = row[0].parse().unwrap();
        let code = INDICATORS
            .iter()
            .find(|(n, _)| *n == number_in_table)
            .unwrap()
            .1;
        let figure = h1
            .get(code)
            .unwrap_or_else(|| panic!("query gave no {code}"));
        let value = number(&figure["value"]);
        // Value: "643,41 tỷ đồng", "> 98%".
        let printed = &row[2];
        if let Some(bound) = printed.strip_prefix("> ") {
            let (b, _) = printed_percent(bound).unwrap();
            assert!(value > b, "row {number_in_table}: {value} is not above {b}");
        } else {
            let token = printed.split_whitespace().next().unwrap();
            assert_eq!(
                parse(token, DecimalConvention::Comma).unwrap(),
                value,
                "row {number_in_table} ({code})"
            );
        }
        checked += 1;
        // Percentage of the annual plan (HĐND huyện giao).
        let plan_cell = &row[3];
        if plan_cell != "—" {
            let plan = figure["plans"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["source"] == "plan:hdnd-huyen")
                .unwrap_or_else(|| panic!("no plan for {code}"));
            let percent = number(&plan["percent"]);
            if plan_cell.contains("trên") {
                let (bound, _) = printed_percent(plan_cell).unwrap();
                assert!(
                    percent > bound,
                    "row {number_in_table}: {percent}% of plan is not above {bound}%"
                );
            } else {
                let (expected, decimals) = printed_percent(plan_cell).unwrap();
                assert_eq!(
                    round(percent, decimals),
                    expected,
                    "row {number_in_table} ({code}): % of plan"
                );
            }
            checked += 1;
        }
        // Against the same period of 2019: a change ("+11,2%") or a ratio ("66,2% of H1 2019").
        let previous_cell = &row[4];
        if previous_cell != "—" {
            let previous = &figure["previous"];
            assert_eq!(previous["period"], "2019S1");
            let (expected, decimals) = printed_percent(previous_cell).unwrap();
            let computed = if previous_cell.contains("a ratio") {
                &previous["ratio_percent"]
            } else {
                &previous["change_percent"]
            };
            assert_eq!(
                round(number(computed), decimals),
                expected,
                "row {number_in_table} ({code}): against H1 2019"
            );
            checked += 1;
            // "(H1 2019 growth was 15,86%)": the year before, one step further back.
            if let Some(at) = previous_cell.find("growth was") {
                let earlier = query(&db, "2019S1");
                let (expected, decimals) = printed_percent(&previous_cell[at..]).unwrap();
                assert_eq!(
                    round(
                        number(&earlier[code]["previous"]["change_percent"]),
                        decimals
                    ),
                    expected
                );
                checked += 1;
            }
        }
    }
    // 14 values, 9 percentages of plan, 8 same-period comparisons and the 2019 growth.
    assert_eq!(checked, 14 + 9 + 8 + 1);

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
    assert_eq!(number(&h1["KHAM_BENH_HUYEN"]["value"]), parts[1]);
    assert_eq!(number(&h1["KHAM_BENH_XA"]["value"]), parts[2]);
    assert_eq!(h1["KHAM_BENH_XA"]["method"], "sum over 7 of 7 units below");
    assert_eq!(h1["KHAM_BENH"]["sources"].as_array().unwrap().len(), 8);

    // The headline sentence, as the article phrases it.
    let text = h1["GTSX"]["text_vi"].as_str().unwrap();
    assert!(
        text.starts_with(
            "6 tháng đầu năm 2020, ước đạt 643,41 tỷ đồng, bằng 39,89% kế hoạch HĐND huyện giao"
        ),
        "{text}"
    );
    assert!(text.ends_with("tăng 11,2% so với cùng kỳ"), "{text}");
}
