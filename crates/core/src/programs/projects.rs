//! Production-support projects and the funds that pay for them.

use crate::text::fold;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use std::str::FromStr;

/// The steps a project goes through, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Received,
    Appraised,
    Approved,
    Implemented,
    Settled,
}

impl Step {
    pub const ALL: [Step; 5] = [
        Step::Received,
        Step::Appraised,
        Step::Approved,
        Step::Implemented,
        Step::Settled,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Step::Received => "tiep_nhan",
            Step::Appraised => "tham_dinh",
            Step::Approved => "phe_duyet",
            Step::Implemented => "trien_khai",
            Step::Settled => "quyet_toan",
        }
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            Step::Received => "tiếp nhận",
            Step::Appraised => "thẩm định",
            Step::Approved => "phê duyệt",
            Step::Implemented => "triển khai",
            Step::Settled => "quyết toán",
        }
    }
}

impl FromStr for Step {
    type Err = String;

    fn from_str(s: &str) -> Result<Step, String> {
        let f = fold(s).replace(['_', '-'], " ");
        Step::ALL
            .into_iter()
            .find(|st| fold(st.name_vi()) == f.trim() || st.code().replace('_', " ") == f.trim())
            .ok_or_else(|| {
                "a step: tiep_nhan, tham_dinh, phe_duyet, trien_khai or quyet_toan".into()
            })
    }
}

/// A support project of one year's program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Project {
    pub code: String,
    pub name: String,
    pub commune: String,
    /// The fund's code (P135, NTM, …).
    pub fund: String,
    pub year: i32,
    /// Begun in an earlier year and carried into this one.
    pub carried_over: bool,
    /// The furthest step reached, and when.
    pub step: Step,
    pub step_date: Option<NaiveDate>,
    /// State support, in million đồng.
    pub support: Decimal,
    /// Paid out so far, in million đồng.
    pub disbursed: Decimal,
}

/// A fund's plan for a year: what the year's support should total (million đồng).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FundPlan {
    pub fund: String,
    pub year: i32,
    pub name: String,
    pub plan: Decimal,
}
