//! Reporting periods.
//!
//! Every period solieu knows is a whole number of calendar months: a month, a quarter, a
//! half-year, a year, a cumulative span from January ("6 tháng đầu năm", "9 tháng"), or any
//! other run of months. Representing them all as (first month, length) makes containment and
//! "same period last year" one computation instead of one per kind.

use chrono::{Datelike, NaiveDate};
use std::fmt;
use std::str::FromStr;

/// The longest span accepted, in months. Ten years covers every plan period (5-year plans).
pub const MAX_MONTHS: u32 = 120;
const MIN_YEAR: i32 = 1900;
const MAX_YEAR: i32 = 2200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    year: i32,
    /// First month, 1–12.
    month: u32,
    /// Length in months, 1–[`MAX_MONTHS`].
    months: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodKind {
    Month,
    Quarter,
    HalfYear,
    Year,
    /// January to the given month of one year, other than the lengths above.
    YearToDate,
    /// Any other run of months.
    Span,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("“{input}” is not a period: {reason}")]
pub struct PeriodError {
    pub input: String,
    pub reason: String,
}

/// The forms accepted, for error messages and help texts.
pub const ACCEPTED_FORMS: &str = "202006 (tháng), 2020Q2 (quý), 2020S1 (6 tháng), 2020 (năm), \
     2020-01-01/P9M (9 tháng từ tháng 1), 2020-01-01/2020-09-30";

impl Period {
    pub fn new(year: i32, month: u32, months: u32) -> Result<Period, String> {
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            return Err(format!("year {year} is outside {MIN_YEAR}–{MAX_YEAR}"));
        }
        if !(1..=12).contains(&month) {
            return Err(format!("month {month} is not 1–12"));
        }
        if !(1..=MAX_MONTHS).contains(&months) {
            return Err(format!(
                "a period lasts 1 to {MAX_MONTHS} months, not {months}"
            ));
        }
        Ok(Period {
            year,
            month,
            months,
        })
    }

    pub fn month(year: i32, month: u32) -> Result<Period, String> {
        Period::new(year, month, 1)
    }

    pub fn quarter(year: i32, quarter: u32) -> Result<Period, String> {
        if !(1..=4).contains(&quarter) {
            return Err(format!("quarter {quarter} is not 1–4"));
        }
        Period::new(year, quarter * 3 - 2, 3)
    }

    pub fn half(year: i32, half: u32) -> Result<Period, String> {
        if !(1..=2).contains(&half) {
            return Err(format!("half-year {half} is not 1 or 2"));
        }
        Period::new(year, half * 6 - 5, 6)
    }

    pub fn year(year: i32) -> Result<Period, String> {
        Period::new(year, 1, 12)
    }

    /// January to `through_month` of `year`: "9 tháng năm 2020" is `year_to_date(2020, 9)`.
    pub fn year_to_date(year: i32, through_month: u32) -> Result<Period, String> {
        if !(1..=12).contains(&through_month) {
            return Err(format!("month {through_month} is not 1–12"));
        }
        Period::new(year, 1, through_month)
    }

    pub fn start_year(&self) -> i32 {
        self.year
    }

    pub fn start_month(&self) -> u32 {
        self.month
    }

    pub fn months(&self) -> u32 {
        self.months
    }

    /// The first month counted from January of year 0, for ordering and arithmetic.
    pub fn index(&self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }

    /// The period of `months` months starting at month `index` (see [`Period::index`]).
    pub fn from_index(index: i64, months: u32) -> Result<Period, String> {
        let year =
            i32::try_from(index.div_euclid(12)).map_err(|_| "year out of range".to_string())?;
        Period::new(year, index.rem_euclid(12) as u32 + 1, months)
    }

    /// The first month as `yyyymm`, as stored for range queries.
    pub fn start_key(&self) -> i64 {
        i64::from(self.year) * 100 + i64::from(self.month)
    }

    fn last_month_index(&self) -> i64 {
        self.index() + i64::from(self.months) - 1
    }

    pub fn start_date(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("validated on construction")
    }

    /// The last day of the period.
    pub fn end_date(&self) -> NaiveDate {
        let next = self.last_month_index() + 1;
        let (y, m) = (next.div_euclid(12) as i32, next.rem_euclid(12) as u32 + 1);
        NaiveDate::from_ymd_opt(y, m, 1)
            .expect("validated on construction")
            .pred_opt()
            .expect("not the first day of time")
    }

    pub fn kind(&self) -> PeriodKind {
        match (self.months, self.month) {
            (1, _) => PeriodKind::Month,
            (3, 1 | 4 | 7 | 10) => PeriodKind::Quarter,
            (6, 1 | 7) => PeriodKind::HalfYear,
            (12, 1) => PeriodKind::Year,
            (n, 1) if n < 12 => PeriodKind::YearToDate,
            _ => PeriodKind::Span,
        }
    }

    /// The whole months of this period that fall within `[from, to]` (either end open), or
    /// `None` if no whole month does. A unit valid from 01/07 keeps July onwards.
    pub fn clip(&self, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Option<Period> {
        if from.is_none() && to.is_none() {
            return Some(*self);
        }
        let mut first = self.index();
        let mut last = self.last_month_index();
        if let Some(from) = from {
            let month = i64::from(from.year()) * 12 + i64::from(from.month()) - 1;
            first = first.max(if from.day() == 1 { month } else { month + 1 });
        }
        if let Some(to) = to {
            let month = i64::from(to.year()) * 12 + i64::from(to.month()) - 1;
            let whole = to.succ_opt().is_some_and(|d| d.day() == 1);
            last = last.min(if whole { month } else { month - 1 });
        }
        (first <= last)
            .then(|| Period::from_index(first, (last - first + 1) as u32).ok())
            .flatten()
    }

    /// Whether `other` lies entirely within this period.
    pub fn contains(&self, other: &Period) -> bool {
        other.index() >= self.index() && other.last_month_index() <= self.last_month_index()
    }

    /// The same span `years` years later (negative: earlier).
    pub fn shift_years(&self, years: i32) -> Option<Period> {
        Period::new(self.year.checked_add(years)?, self.month, self.months).ok()
    }

    /// "Cùng kỳ năm trước": the same span one year earlier.
    pub fn same_period_last_year(&self) -> Option<Period> {
        self.shift_years(-1)
    }

    /// The months that make up this period, in order.
    pub fn month_periods(&self) -> impl Iterator<Item = Period> + '_ {
        (self.index()..=self.last_month_index()).map(|i| Period {
            year: i.div_euclid(12) as i32,
            month: i.rem_euclid(12) as u32 + 1,
            months: 1,
        })
    }

    /// The canonical code: DHIS2's where one exists (`202006`, `2020Q2`, `2020S1`, `2020`),
    /// otherwise the ISO 8601 interval (`2020-01-01/P9M`).
    pub fn code(&self) -> String {
        match self.kind() {
            PeriodKind::Month => format!("{:04}{:02}", self.year, self.month),
            PeriodKind::Quarter => format!("{}Q{}", self.year, self.month.div_ceil(3)),
            PeriodKind::HalfYear => format!("{}S{}", self.year, self.month.div_ceil(6)),
            PeriodKind::Year => format!("{}", self.year),
            PeriodKind::YearToDate | PeriodKind::Span => self.iso(),
        }
    }

    /// The ISO 8601 interval, as ADX writes periods: `2020-01-01/P6M`.
    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-01/P{}M", self.year, self.month, self.months)
    }

    /// The period's name in both languages.
    pub fn name(&self) -> crate::problem::Text {
        crate::problem::Text::new(self.name_vi(), self.name_en())
    }

    /// The Vietnamese name as it appears inside a sentence: "6 tháng đầu năm 2020".
    pub fn name_vi(&self) -> String {
        let y = self.year;
        match self.kind() {
            PeriodKind::Month => format!("tháng {} năm {y}", self.month),
            PeriodKind::Quarter => format!("quý {} năm {y}", roman(self.month.div_ceil(3))),
            PeriodKind::HalfYear if self.month == 1 => format!("6 tháng đầu năm {y}"),
            PeriodKind::HalfYear => format!("6 tháng cuối năm {y}"),
            PeriodKind::Year => format!("năm {y}"),
            PeriodKind::YearToDate if self.months < 6 => {
                format!("{} tháng đầu năm {y}", self.months)
            }
            PeriodKind::YearToDate => format!("{} tháng năm {y}", self.months),
            PeriodKind::Span => {
                let end = self.end_date();
                if end.year() == y {
                    format!("từ tháng {} đến tháng {} năm {y}", self.month, end.month())
                } else {
                    format!(
                        "từ tháng {}/{y} đến tháng {}/{}",
                        self.month,
                        end.month(),
                        end.year()
                    )
                }
            }
        }
    }

    pub fn name_en(&self) -> String {
        const MONTHS: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        let y = self.year;
        let end = self.end_date();
        match self.kind() {
            PeriodKind::Month => format!("{} {y}", MONTHS[self.month as usize - 1]),
            PeriodKind::Quarter => format!("Q{} {y}", self.month.div_ceil(3)),
            PeriodKind::HalfYear => format!("H{} {y}", self.month.div_ceil(6)),
            PeriodKind::Year => format!("{y}"),
            PeriodKind::YearToDate => format!("first {} months of {y}", self.months),
            PeriodKind::Span => format!(
                "{} {y} – {} {}",
                MONTHS[self.month as usize - 1],
                MONTHS[end.month() as usize - 1],
                end.year()
            ),
        }
    }

    /// The cut-off of figures for a periodic report under Decree 09/2019/NĐ-CP: data run to the
    /// 14th of the period's last month (a 6-month report covers 15/12 to 14/6).
    pub fn decree_09_cutoff(&self) -> NaiveDate {
        let end = self.end_date();
        NaiveDate::from_ymd_opt(end.year(), end.month(), 14).expect("every month has a 14th")
    }
}

fn roman(n: u32) -> &'static str {
    ["I", "II", "III", "IV"][(n as usize).saturating_sub(1).min(3)]
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code())
    }
}

impl FromStr for Period {
    type Err = PeriodError;

    fn from_str(input: &str) -> Result<Period, PeriodError> {
        let s = input.trim();
        let fail = |reason: String| PeriodError {
            input: input.to_string(),
            reason,
        };
        let num = |t: &str| -> Option<i64> {
            (!t.is_empty() && t.len() <= 9 && t.bytes().all(|b| b.is_ascii_digit()))
                .then(|| t.parse().ok())
                .flatten()
        };
        if let Some((start, rest)) = s.split_once('/') {
            return parse_iso_interval(start, rest).map_err(fail);
        }
        let upper = s.to_ascii_uppercase();
        let result = if upper.len() == 4 {
            num(&upper)
                .ok_or_else(|| "a year is four digits".to_string())
                .and_then(|y| Period::year(y as i32))
        } else if upper.len() == 6 && num(&upper).is_some() {
            let (y, m) = (num(&upper[..4]), num(&upper[4..]));
            Period::month(y.unwrap_or(0) as i32, m.unwrap_or(0) as u32)
        } else if upper.len() == 7 && upper.as_bytes()[4] == b'-' {
            match (num(&upper[..4]), num(&upper[5..])) {
                (Some(y), Some(m)) => Period::month(y as i32, m as u32),
                _ => Err(format!("expected one of {ACCEPTED_FORMS}")),
            }
        } else if upper.len() == 6 && (upper.as_bytes()[4] == b'Q' || upper.as_bytes()[4] == b'S') {
            match (num(&upper[..4]), num(&upper[5..])) {
                (Some(y), Some(n)) if upper.as_bytes()[4] == b'Q' => {
                    Period::quarter(y as i32, n as u32)
                }
                (Some(y), Some(n)) => Period::half(y as i32, n as u32),
                _ => Err(format!("expected one of {ACCEPTED_FORMS}")),
            }
        } else if upper.contains('W') || upper.contains("BIW") || upper.len() == 8 {
            Err(format!(
                "weekly and daily periods are not used for these figures; expected one of {ACCEPTED_FORMS}"
            ))
        } else {
            Err(format!("expected one of {ACCEPTED_FORMS}"))
        };
        result.map_err(fail)
    }
}

fn parse_iso_interval(start: &str, rest: &str) -> Result<Period, String> {
    let start = NaiveDate::parse_from_str(start.trim(), "%Y-%m-%d")
        .map_err(|_| format!("the start “{start}” is not a date like 2020-01-01"))?;
    if start.day() != 1 {
        return Err("a period starts on the first day of a month".into());
    }
    let rest = rest.trim();
    let months = if let Some(duration) = rest.strip_prefix('P').or_else(|| rest.strip_prefix('p')) {
        parse_iso_duration_months(duration)?
    } else {
        let end = NaiveDate::parse_from_str(rest, "%Y-%m-%d")
            .map_err(|_| format!("“{rest}” is neither a duration like P9M nor a date"))?;
        if end.succ_opt().is_none_or(|d| d.day() != 1) {
            return Err("a period ends on the last day of a month".into());
        }
        let months =
            (end.year() - start.year()) * 12 + end.month() as i32 - start.month() as i32 + 1;
        if months < 1 {
            return Err("the end comes before the start".into());
        }
        months as u32
    };
    Period::new(start.year(), start.month(), months)
}

fn parse_iso_duration_months(duration: &str) -> Result<u32, String> {
    let bad = || format!("“P{duration}” is not a duration in years and months such as P9M or P1Y");
    let mut total: u32 = 0;
    let mut digits = String::new();
    let mut seen_any = false;
    for c in duration.chars() {
        match c {
            '0'..='9' if digits.len() < 4 => digits.push(c),
            'Y' | 'y' | 'M' | 'm' if !digits.is_empty() => {
                let n: u32 = digits.parse().map_err(|_| bad())?;
                total += if c.eq_ignore_ascii_case(&'Y') {
                    n * 12
                } else {
                    n
                };
                digits.clear();
                seen_any = true;
            }
            _ => return Err(bad()),
        }
    }
    if !digits.is_empty() || !seen_any {
        return Err(bad());
    }
    Ok(total)
}

/// The period a report covers together with the date its figures run to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportingPeriod {
    pub period: Period,
    pub cutoff: NaiveDate,
}

impl ReportingPeriod {
    /// With the Decree 09 cut-off unless one is given.
    pub fn new(period: Period, cutoff: Option<NaiveDate>) -> ReportingPeriod {
        ReportingPeriod {
            period,
            cutoff: cutoff.unwrap_or_else(|| period.decree_09_cutoff()),
        }
    }

    /// "6 tháng đầu năm 2020 (số liệu tính đến ngày 14/6/2020)".
    pub fn name_vi(&self) -> String {
        format!(
            "{} (số liệu tính đến ngày {}/{}/{})",
            self.period.name_vi(),
            self.cutoff.day(),
            self.cutoff.month(),
            self.cutoff.year()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Period {
        s.parse().unwrap()
    }

    #[test]
    fn reads_dhis2_codes() {
        assert_eq!(p("202006"), Period::month(2020, 6).unwrap());
        assert_eq!(p("2020Q2"), Period::quarter(2020, 2).unwrap());
        assert_eq!(p("2020q2"), Period::quarter(2020, 2).unwrap());
        assert_eq!(p("2020S1"), Period::half(2020, 1).unwrap());
        assert_eq!(p("2020"), Period::year(2020).unwrap());
        assert_eq!(p("2020-06"), Period::month(2020, 6).unwrap());
    }

    #[test]
    fn reads_iso_intervals() {
        assert_eq!(p("2020-01-01/P9M"), Period::year_to_date(2020, 9).unwrap());
        assert_eq!(p("2020-04-01/P3M"), Period::quarter(2020, 2).unwrap());
        assert_eq!(p("2020-01-01/P1Y"), Period::year(2020).unwrap());
        assert_eq!(
            p("2020-01-01/2020-05-31"),
            Period::year_to_date(2020, 5).unwrap()
        );
        assert_eq!(p("2019-11-01/P4M").end_date().to_string(), "2020-02-29");
    }

    #[test]
    fn refuses_what_is_not_a_period_and_says_why() {
        for bad in [
            "",
            "2020Q5",
            "202013",
            "2020S3",
            "2020W12",
            "20200615",
            "2020-01-15/P1M",
            "2020-01-01/P0M",
            "2020-01-01/PXM",
            "abc",
            "2020-01-01/2020-01-15",
            "99999",
        ] {
            let err = bad.parse::<Period>().unwrap_err();
            assert!(!err.reason.is_empty(), "{bad}");
        }
    }

    #[test]
    fn codes_round_trip_and_prefer_dhis2_forms() {
        for code in [
            "202006",
            "2020Q2",
            "2020S1",
            "2020S2",
            "2020",
            "2020-01-01/P9M",
            "2020-03-01/P2M",
        ] {
            assert_eq!(p(code).code(), code);
        }
        assert_eq!(p("2020-01-01/P6M").code(), "2020S1");
    }

    #[test]
    fn names_periods_as_reports_do() {
        assert_eq!(p("2020S1").name_vi(), "6 tháng đầu năm 2020");
        assert_eq!(p("2020S2").name_vi(), "6 tháng cuối năm 2020");
        assert_eq!(p("2020-01-01/P9M").name_vi(), "9 tháng năm 2020");
        assert_eq!(p("2020-01-01/P5M").name_vi(), "5 tháng đầu năm 2020");
        assert_eq!(p("2020Q2").name_vi(), "quý II năm 2020");
        assert_eq!(p("202006").name_vi(), "tháng 6 năm 2020");
        assert_eq!(p("2020").name_vi(), "năm 2020");
        assert_eq!(p("2020S1").name_en(), "H1 2020");
    }

    #[test]
    fn clips_to_the_whole_months_a_unit_existed() {
        let year = p("2025");
        let d = |s: &str| Some(s.parse::<NaiveDate>().unwrap());
        assert_eq!(year.clip(None, d("2025-06-30")), Some(p("2025S1")));
        assert_eq!(year.clip(d("2025-07-01"), None), Some(p("2025S2")));
        assert_eq!(year.clip(d("2025-07-15"), None), Some(p("2025-08-01/P5M")));
        assert_eq!(year.clip(None, d("2025-06-29")), Some(p("2025-01-01/P5M")));
        assert_eq!(year.clip(d("2026-01-01"), None), None);
        assert_eq!(year.clip(None, None), Some(year));
    }

    #[test]
    fn same_period_last_year_and_containment() {
        let h1 = p("2020S1");
        assert_eq!(h1.same_period_last_year(), Some(p("2019S1")));
        assert!(h1.contains(&p("202006")));
        assert!(!h1.contains(&p("202007")));
        assert!(p("2020").contains(&h1));
        assert_eq!(h1.month_periods().count(), 6);
        assert_eq!(h1.decree_09_cutoff().to_string(), "2020-06-14");
    }

    proptest::proptest! {
        #[test]
        fn any_text_parses_or_errs_without_panic(s in "\\PC{0,24}") {
            let _ = s.parse::<Period>();
        }

        #[test]
        fn every_period_round_trips_through_its_code(y in 1900i32..2200, m in 1u32..=12, n in 1u32..=120) {
            if let Ok(period) = Period::new(y, m, n) {
                proptest::prop_assert_eq!(period.code().parse::<Period>().unwrap(), period);
                proptest::prop_assert_eq!(period.iso().parse::<Period>().unwrap(), period);
            }
        }
    }
}
