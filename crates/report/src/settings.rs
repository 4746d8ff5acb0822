//! What the office sets for its reports, apart from the template: who signs for each unit,
//! and how figures are printed (decimals of percentages, shares compared in points). Read
//! from a JSON file (`solieu report --settings`); the demo ships `demo/report-settings.json`.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where the database keeps the settings of the last report recorded with them (its meta
/// table): an article drafted later from a recorded report prints figures the same way.
pub const KEPT: &str = "report-settings";

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The signer's name by unit code ("198" → "Nguyễn Thị Tuyết Hạnh"): printed under
    /// "CHỦ TỊCH".
    pub signers: BTreeMap<String, String>,
    pub printing: Policy,
}

impl Settings {
    pub fn signer(&self, unit: &str) -> &str {
        self.signers.get(unit).map_or("", String::as_str)
    }
}

/// How percentages print, for the whole report and per indicator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// Decimals of a percentage ("bằng 66,2% so với cùng kỳ", "tăng 4,4%"): 1 by default, as
    /// the reports of the offices print them.
    pub percent_decimals: u32,
    /// Exceptions by indicator code.
    pub indicators: BTreeMap<String, IndicatorPolicy>,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            percent_decimals: 1,
            indicators: BTreeMap::new(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IndicatorPolicy {
    pub percent_decimals: Option<u32>,
    /// How the figure is compared with the same period; by default in points for an
    /// indicator measured in percent (a share, a rate), as a ratio otherwise.
    pub compare: Option<Compare>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Compare {
    /// "tăng 4,4%", "bằng 66,2% so với cùng kỳ".
    Ratio,
    /// "tăng 0,5 điểm phần trăm": a share against last year's share.
    Points,
}

impl Policy {
    /// The decimals of the indicator's percentages (at most 10).
    pub fn percent_decimals(&self, code: &str) -> u32 {
        self.indicators
            .get(code)
            .and_then(|p| p.percent_decimals)
            .unwrap_or(self.percent_decimals)
            .min(10)
    }

    /// Whether the indicator is compared with the same period in percentage points; `measure`
    /// is its unit of measure ("%", "tỷ đồng").
    pub fn in_points(&self, code: &str, measure: &str) -> bool {
        match self.indicators.get(code).and_then(|p| p.compare) {
            Some(c) => c == Compare::Points,
            None => measure.trim() == "%",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_decimal_by_default_shares_in_points_and_exceptions_per_indicator() {
        let s: Settings = serde_json::from_str(
            r#"{"signers": {"198": "Nguyễn Thị Tuyết Hạnh"},
                "printing": {"indicators": {"XNK": {"percent_decimals": 2},
                                            "TY_LE_X": {"compare": "ratio"}}}}"#,
        )
        .unwrap();
        assert_eq!(s.signer("198"), "Nguyễn Thị Tuyết Hạnh");
        assert_eq!(s.signer("06838"), "");
        assert_eq!(s.printing.percent_decimals("GTSX"), 1);
        assert_eq!(s.printing.percent_decimals("XNK"), 2);
        assert!(s.printing.in_points("TY_TRONG_DV", "%"));
        assert!(!s.printing.in_points("TY_LE_X", "%"));
        assert!(!s.printing.in_points("GTSX", "tỷ đồng"));
    }

    #[test]
    fn a_mistyped_setting_is_refused_with_its_name() {
        let e = serde_json::from_str::<Settings>(r#"{"printing": {"percent_decimal": 1}}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("percent_decimal") && e.contains("line 1"), "{e}");
    }
}
