//! A computed figure as people and programs read it: numbers, Vietnamese phrasing, provenance.
//! This is the JSON of `solieu query` and of the web API.

use crate::compute::{Computed, Method};
use crate::{Comparison, Engine};
use rust_decimal::Decimal;
use serde::Serialize;
use solieu_core::format::{achieved_vi, change_phrase_vi, number_vi, percent_vi};

/// Decimals shown for percentages in phrases ("39,89%", "11,2%" once the zero is dropped).
const PERCENT_DECIMALS: u32 = 2;

#[derive(Debug, Clone, Serialize)]
pub struct FigureView {
    pub indicator: String,
    pub indicator_name: String,
    pub measure: String,
    pub unit: String,
    pub unit_name: String,
    pub period: String,
    pub period_name: String,
    #[serde(with = "rust_decimal::serde::arbitrary_precision_option")]
    pub value: Option<Decimal>,
    pub status: Option<&'static str>,
    pub method: Option<String>,
    /// The same in Vietnamese, for the pages.
    pub method_vi: Option<String>,
    pub plans: Vec<PlanView>,
    pub previous: Option<PreviousView>,
    /// Some number here rests on a recorded split share.
    pub approximate: bool,
    /// Every unit below that should report did.
    pub complete: bool,
    /// "6 tháng đầu năm 2020, ước đạt 643,41 tỷ đồng, bằng 39,89% kế hoạch HĐND huyện giao, tăng 11,2% so với cùng kỳ".
    pub text_vi: String,
    pub value_vi: Option<String>,
    pub sources: Vec<SourceView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlanView {
    pub source: String,
    pub source_name: String,
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub value: Decimal,
    #[serde(with = "rust_decimal::serde::arbitrary_precision_option")]
    pub percent: Option<Decimal>,
    pub percent_vi: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PreviousView {
    pub period: String,
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub value: Decimal,
    pub value_vi: String,
    #[serde(with = "rust_decimal::serde::arbitrary_precision_option")]
    pub change_percent: Option<Decimal>,
    #[serde(with = "rust_decimal::serde::arbitrary_precision_option")]
    pub ratio_percent: Option<Decimal>,
    pub change_vi: Option<String>,
    pub ratio_vi: Option<String>,
    pub approximate: bool,
    pub method: String,
    pub method_vi: String,
    pub sources: Vec<SourceView>,
}

/// A stored value behind a figure.
#[derive(Debug, Clone, Serialize)]
pub struct SourceView {
    pub value_id: i64,
    pub indicator: String,
    pub unit: String,
    pub unit_name: String,
    pub period: String,
    pub period_name: String,
    pub series: String,
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub value: Decimal,
    /// The part of the stored value that counted (a split share), 1 otherwise.
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub weight: Decimal,
    pub status: &'static str,
    pub entered_by: String,
}

/// How a figure was computed, in Vietnamese (the pages' default language).
fn method_text_vi(m: &Method) -> String {
    match m {
        Method::Stored => "số liệu đã nhập".into(),
        Method::TimeSum { pieces } => format!("cộng {pieces} kỳ nhỏ hơn"),
        Method::LastValue => "số cuối kỳ".into(),
        Method::TimeAverage { pieces } => format!("bình quân {pieces} kỳ nhỏ hơn"),
        Method::UnitSum { reported, units } => {
            format!("cộng {reported} trong {units} đơn vị trực thuộc")
        }
        Method::UnitAverage { reported, units } => {
            format!("bình quân {reported} trong {units} đơn vị trực thuộc")
        }
        Method::Formula => "tính theo công thức".into(),
        Method::Lineage { units } => {
            format!("{units} đơn vị trước sắp xếp, theo tỷ lệ đã ghi")
        }
    }
}

fn method_text(m: &Method) -> String {
    match m {
        Method::Stored => "stored".into(),
        Method::TimeSum { pieces } => format!("sum of {pieces} sub-periods"),
        Method::LastValue => "last value of the period".into(),
        Method::TimeAverage { pieces } => format!("average of {pieces} sub-periods"),
        Method::UnitSum { reported, units } => {
            format!("sum over {reported} of {units} units below")
        }
        Method::UnitAverage { reported, units } => {
            format!("average over {reported} of {units} units below")
        }
        Method::Formula => "formula".into(),
        Method::Lineage { units } => {
            format!("{units} predecessor units, weighted by recorded shares")
        }
    }
}

impl Engine {
    fn sources(&self, c: &Computed) -> Vec<SourceView> {
        c.parts
            .iter()
            .map(|p| {
                let f = self.fact(p.fact);
                SourceView {
                    value_id: f.value_id,
                    indicator: self.indicator(f.indicator).code.clone(),
                    unit: self.registry().version(f.unit).code.clone(),
                    unit_name: self.registry().version(f.unit).name.clone(),
                    period: f.period.code(),
                    period_name: f.period.name_vi(),
                    series: self.series(f.series).code(),
                    value: f.value.normalize(),
                    weight: p.weight.normalize(),
                    status: f.status.code(),
                    entered_by: f.entered_by,
                }
            })
            .collect()
    }

    /// The view of a comparison, with Vietnamese phrasing.
    pub fn view(&self, c: &Comparison) -> FigureView {
        let ind = self.indicator(c.indicator);
        let unit = self.registry().version(c.unit);
        let decimals = u32::from(ind.decimals);
        let with_unit = |v: Decimal| {
            if ind.unit.is_percent() {
                format!("{}%", number_vi(v, decimals))
            } else {
                format!("{} {}", number_vi(v, decimals), ind.unit.symbol())
            }
        };
        let value_vi = c.actual.as_ref().map(|a| with_unit(a.value));
        let plans: Vec<PlanView> = c
            .plans
            .iter()
            .map(|p| PlanView {
                source: p.series.code(),
                source_name: p.series.name_vi(),
                value: p.plan.value.normalize(),
                percent: p.percent.map(|x| x.normalize()),
                percent_vi: p.percent.map(|x| percent_vi(x, PERCENT_DECIMALS)),
            })
            .collect();
        let previous = c.previous.as_ref().map(|p| PreviousView {
            period: p.period.code(),
            value: p.value.value.normalize(),
            value_vi: with_unit(p.value.value),
            change_percent: p.change_percent.map(|x| x.normalize()),
            ratio_percent: p.ratio_percent.map(|x| x.normalize()),
            change_vi: p
                .change_percent
                .map(|x| change_phrase_vi(x, PERCENT_DECIMALS)),
            ratio_vi: p
                .ratio_percent
                .map(|x| format!("bằng {} so với cùng kỳ", percent_vi(x, PERCENT_DECIMALS))),
            approximate: p.value.approximate,
            method: method_text(&p.value.method),
            method_vi: method_text_vi(&p.value.method),
            sources: self.sources(&p.value),
        });
        let mut text = c.period.name_vi();
        if let (Some(a), Some(v)) = (&c.actual, &value_vi) {
            text.push_str(&format!(", {} {v}", achieved_vi(a.status)));
            for p in &plans {
                if let Some(pct) = &p.percent_vi {
                    text.push_str(&format!(", bằng {pct} {}", p.source_name));
                }
            }
            if let Some(change) = previous.as_ref().and_then(|p| p.change_vi.as_ref()) {
                let approx = if previous.as_ref().is_some_and(|p| p.approximate) {
                    " (ước tính theo tỷ lệ sắp xếp đơn vị)"
                } else {
                    ""
                };
                if change == "bằng cùng kỳ" {
                    text.push_str(&format!(", {change}{approx}"));
                } else {
                    text.push_str(&format!(", {change} so với cùng kỳ{approx}"));
                }
            }
        } else {
            text.push_str(": chưa có số liệu");
        }
        FigureView {
            indicator: ind.code.clone(),
            indicator_name: ind.name.clone(),
            measure: ind.unit.symbol().to_string(),
            unit: unit.code.clone(),
            unit_name: unit.name.clone(),
            period: c.period.code(),
            period_name: c.period.name_vi(),
            value: c.actual.as_ref().map(|a| a.value.normalize()),
            status: c.actual.as_ref().map(|a| a.status.code()),
            method: c.actual.as_ref().map(|a| method_text(&a.method)),
            method_vi: c.actual.as_ref().map(|a| method_text_vi(&a.method)),
            plans,
            previous,
            approximate: c.approximate(),
            complete: c.actual.as_ref().is_none_or(|a| a.complete),
            text_vi: text,
            value_vi,
            sources: c
                .actual
                .as_ref()
                .map(|a| self.sources(a))
                .unwrap_or_default(),
        }
    }
}
