//! Numbers and comparisons written the way Vietnamese reports write them.
//!
//! Decimal comma, thousands dot, the indicator's decimals with trailing zeros dropped
//! (11,20% → 11,2%), rounding half away from zero; and the phrases around them: "tăng 11,2%",
//! "giảm 3,4%", "bằng 66,2%", "ước đạt" for an estimate. Dates and times too (dd/mm/yyyy hh:mm,
//! in Vietnam's time): pages, documents and the command line show them through here.

use crate::value::Status;
use rust_decimal::{Decimal, RoundingStrategy};

/// Rounds half away from zero, as reports and spreadsheets do (43,25 → 43,3).
pub fn round(value: Decimal, decimals: u32) -> Decimal {
    value.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero)
}

/// A stored figure as it was written or approved, in Vietnamese form: at least the
/// indicator's `decimals`, never fewer than the figure has (1.240,75 stays 1.240,75 for an
/// indicator shown without decimals).
pub fn figure_vi(value: Decimal, decimals: u8) -> String {
    number_vi(value, u32::from(decimals).max(value.scale()))
}

/// `value` rounded to `decimals`, trailing zeros dropped, in Vietnamese form: 1.372.557; 643,41.
pub fn number_vi(value: Decimal, decimals: u32) -> String {
    let rounded = round(value, decimals).normalize();
    let text = rounded.abs().to_string();
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = String::with_capacity(text.len() + text.len() / 3 + 1);
    if rounded.is_sign_negative() && !rounded.is_zero() {
        out.push('-');
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push(',');
        out.push_str(frac);
    }
    out
}

/// A percentage with at most `decimals` decimals: "39,89%".
pub fn percent_vi(value: Decimal, decimals: u32) -> String {
    format!("{}%", number_vi(value, decimals))
}

/// Percentage change from `previous` to `current`: (current / previous − 1) × 100.
pub fn change_percent(current: Decimal, previous: Decimal) -> Option<Decimal> {
    Some(ratio_percent(current, previous)? - Decimal::ONE_HUNDRED)
}

/// `current` as a percentage of `reference`: current / reference × 100.
pub fn ratio_percent(current: Decimal, reference: Decimal) -> Option<Decimal> {
    if reference.is_zero() {
        return None;
    }
    current
        .checked_div(reference)?
        .checked_mul(Decimal::ONE_HUNDRED)
}

/// "tăng 11,2%", "giảm 3,4%", "bằng cùng kỳ" for a change in percent.
pub fn change_phrase_vi(change: Decimal, decimals: u32) -> String {
    let rounded = round(change, decimals);
    if rounded.is_zero() {
        "bằng cùng kỳ".to_string()
    } else if rounded.is_sign_positive() {
        format!("tăng {}", percent_vi(rounded, decimals))
    } else {
        format!("giảm {}", percent_vi(-rounded, decimals))
    }
}

/// Vietnam's time (Asia/Ho_Chi_Minh). A fixed UTC+7 is exact, not an approximation: Vietnam
/// has kept UTC+7 without daylight saving since 1975, so no time-zone database is needed for
/// any instant this application records.
pub fn vietnam() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset")
}

/// Today in Vietnam: the day a deadline, a comment period or "as of today" means.
pub fn today_vi() -> chrono::NaiveDate {
    chrono::Utc::now().with_timezone(&vietnam()).date_naive()
}

/// A day as Vietnamese documents write it: 29/11/2026.
pub fn date_vi(date: chrono::NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

/// An instant in Vietnam's time, as pages and documents show it: 29/11/2026 10:23.
pub fn date_time_vi(at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&vietnam())
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

/// An instant as a feed gives it (RFC 2822), in Vietnam's offset: "Wed, 01 Jul 2020 15:56:00 +0700".
pub fn feed_time(at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&vietnam()).to_rfc2822()
}

/// An instant as a form's date-and-time field holds it, in Vietnam's time: "2020-07-01T15:56".
pub fn form_time(at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&vietnam())
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// What a date-and-time field sent ("2020-07-01T15:56", seconds optional), read as Vietnam's
/// time; `None` if it is not such a time.
pub fn parse_form_time(text: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let text = text.trim();
    let local = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S"))
        .ok()?;
    local
        .and_local_timezone(vietnam())
        .single()
        .map(|t| t.with_timezone(&chrono::Utc))
}

/// An instant stored as RFC 3339 text ("2026-11-29T03:20:57.940746Z") in Vietnam's time;
/// text that is not such an instant is returned as it is rather than hidden.
pub fn date_time_text_vi(text: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| date_time_vi(t.with_timezone(&chrono::Utc)))
        .unwrap_or_else(|_| text.to_string())
}

/// A period in the few characters a chart's axis has: "10/2026", "Q.III/2026", "6T đầu 2026",
/// "2026"; longer kinds by their full name.
pub fn period_short_vi(period: &crate::period::Period) -> String {
    use crate::period::PeriodKind;
    let (y, month) = (period.start_year(), period.start_month());
    match period.kind() {
        PeriodKind::Month => format!("{month}/{y}"),
        PeriodKind::Quarter => {
            let q = ["I", "II", "III", "IV"][((month - 1) / 3).min(3) as usize];
            format!("Q.{q}/{y}")
        }
        PeriodKind::HalfYear if month == 1 => format!("6T đầu {y}"),
        PeriodKind::HalfYear => format!("6T cuối {y}"),
        PeriodKind::Year => y.to_string(),
        _ => period.name_vi(),
    }
}

/// "ước đạt" for an estimate, "đạt" otherwise.
pub fn achieved_vi(status: Status) -> &'static str {
    match status {
        Status::Estimate => "ước đạt",
        Status::Preliminary | Status::Official => "đạt",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn writes_numbers_as_reports_do() {
        assert_eq!(figure_vi(d("1240.75"), 0), "1.240,75");
        assert_eq!(figure_vi(d("98.4"), 2), "98,4");
        assert_eq!(number_vi(d("643.41"), 2), "643,41");
        assert_eq!(number_vi(d("1372557"), 0), "1.372.557");
        assert_eq!(number_vi(d("2715.4"), 2), "2.715,4");
        assert_eq!(number_vi(d("37.129"), 3), "37,129");
        assert_eq!(number_vi(d("-1234.5"), 1), "-1.234,5");
        assert_eq!(number_vi(d("-0.004"), 2), "0");
        assert_eq!(number_vi(d("999.995"), 2), "1.000");
    }

    #[test]
    fn drops_trailing_zeros_and_rounds_half_away_from_zero() {
        assert_eq!(percent_vi(d("11.20"), 2), "11,2%");
        assert_eq!(percent_vi(d("43.25"), 1), "43,3%");
        assert_eq!(percent_vi(d("-43.25"), 1), "-43,3%");
        assert_eq!(percent_vi(d("39.8896"), 2), "39,89%");
    }

    #[test]
    fn times_are_shown_in_vietnam_time() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-29T03:23:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        assert_eq!(date_time_vi(at), "29/11/2026 10:23");
        // Past midnight in Hà Nội while still the day before in UTC.
        assert_eq!(
            date_time_text_vi("2026-11-28T17:20:57.940746Z"),
            "29/11/2026 00:20"
        );
        assert_eq!(date_time_text_vi("hôm qua"), "hôm qua");
        let short = |code: &str| period_short_vi(&code.parse().unwrap());
        assert_eq!(short("202610"), "10/2026");
        assert_eq!(short("2026Q3"), "Q.III/2026");
        assert_eq!(short("2026S1"), "6T đầu 2026");
        assert_eq!(short("2026"), "2026");
        assert_eq!(
            date_vi(chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap()),
            "05/01/2026"
        );
    }

    #[test]
    fn phrases_changes() {
        assert_eq!(
            change_phrase_vi(change_percent(d("643.41"), d("578.6")).unwrap(), 1),
            "tăng 11,2%"
        );
        assert_eq!(change_phrase_vi(d("-3.44"), 1), "giảm 3,4%");
        assert_eq!(change_phrase_vi(d("0.01"), 1), "bằng cùng kỳ");
        assert_eq!(
            ratio_percent(d("252.86"), d("382")).map(|r| percent_vi(r, 1)),
            Some("66,2%".into())
        );
        assert_eq!(ratio_percent(d("1"), Decimal::ZERO), None);
        assert_eq!(achieved_vi(Status::Estimate), "ước đạt");
    }
}

#[cfg(test)]
mod time_tests {
    use super::*;

    #[test]
    fn a_form_time_is_vietnams_and_comes_back_as_it_went() {
        let at = parse_form_time("2020-07-01T15:56").unwrap();
        assert_eq!(at.to_rfc3339(), "2020-07-01T08:56:00+00:00");
        assert_eq!(form_time(at), "2020-07-01T15:56");
        assert_eq!(feed_time(at), "Wed, 1 Jul 2020 15:56:00 +0700");
        assert_eq!(parse_form_time("01/07/2020 15:56"), None);
        assert_eq!(parse_form_time(""), None);
    }
}
