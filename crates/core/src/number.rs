//! Reading numbers written either way Vietnamese offices write them.
//!
//! Vietnamese text writes `1.372.557` and `643,41` (thousands dot, decimal comma); files exported
//! from English-language software write `1,372,557` and `643.41`. Many values read the same either
//! way (`643`), some can only be read one way (`643,41`), and some read differently in each
//! (`1.234` is 1234 or 1.234). A file keeps one convention; this module reports what each value
//! allows so the caller can settle the file's convention and refuse what stays ambiguous.

use rust_decimal::Decimal;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecimalConvention {
    /// `1.372.557,5` — decimal comma, thousands dot (Vietnamese).
    Comma,
    /// `1,372,557.5` — decimal point, thousands comma.
    Point,
}

impl DecimalConvention {
    pub fn other(self) -> DecimalConvention {
        match self {
            DecimalConvention::Comma => DecimalConvention::Point,
            DecimalConvention::Point => DecimalConvention::Comma,
        }
    }

    pub fn example(self) -> &'static str {
        match self {
            DecimalConvention::Comma => "1.372.557,41",
            DecimalConvention::Point => "1,372,557.41",
        }
    }
}

impl FromStr for DecimalConvention {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "comma" | "phay" | "," => Ok(DecimalConvention::Comma),
            "point" | "dot" | "cham" | "." => Ok(DecimalConvention::Point),
            other => Err(format!(
                "“{other}” is not a decimal convention: use comma or point"
            )),
        }
    }
}

/// How one written value reads under each convention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Readings {
    pub comma: Option<Decimal>,
    pub point: Option<Decimal>,
}

impl Readings {
    pub fn under(&self, convention: DecimalConvention) -> Option<Decimal> {
        match convention {
            DecimalConvention::Comma => self.comma,
            DecimalConvention::Point => self.point,
        }
    }

    /// The convention this value proves, if it can be read only one way.
    pub fn proves(&self) -> Option<DecimalConvention> {
        match (self.comma, self.point) {
            (Some(_), None) => Some(DecimalConvention::Comma),
            (None, Some(_)) => Some(DecimalConvention::Point),
            _ => None,
        }
    }

    /// The value when both conventions agree on it (`643`, `12 500`).
    pub fn agreed(&self) -> Option<Decimal> {
        match (self.comma, self.point) {
            (Some(a), Some(b)) if a == b => Some(a),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NumberError {
    Empty,
    /// Not a number under either convention.
    NotANumber,
    /// Too many digits for an exact decimal.
    TooLarge,
}

/// Reads `text` under both conventions. Spaces (also non-breaking) may group thousands in
/// either convention. Fails only when neither reading exists.
pub fn readings(text: &str) -> Result<Readings, NumberError> {
    let s: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    if s.is_empty() {
        return Err(NumberError::Empty);
    }
    let (negative, body) = match s.chars().next() {
        Some('-') | Some('−') => (true, &s[s.chars().next().map_or(0, char::len_utf8)..]),
        Some('+') => (false, &s[1..]),
        _ => (false, s.as_str()),
    };
    let comma = read_with(body, '.', ',');
    let point = read_with(body, ',', '.');
    let finish = |r: Option<Result<Decimal, NumberError>>| -> Result<Option<Decimal>, NumberError> {
        match r {
            None => Ok(None),
            Some(Ok(d)) => Ok(Some(if negative { -d } else { d })),
            Some(Err(e)) => Err(e),
        }
    };
    let readings = Readings {
        comma: finish(comma)?,
        point: finish(point)?,
    };
    if readings.comma.is_none() && readings.point.is_none() {
        return Err(NumberError::NotANumber);
    }
    Ok(readings)
}

/// Reads `body` (no sign) with the given thousands and decimal marks; `None` when the text
/// does not follow them.
fn read_with(body: &str, thousands: char, decimal: char) -> Option<Result<Decimal, NumberError>> {
    let (int_part, frac_part) = match body.split_once(decimal) {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    if let Some(f) = frac_part
        && (f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    if int_part.is_empty()
        || !int_part
            .bytes()
            .all(|b| b.is_ascii_digit() || b == thousands as u8)
    {
        return None;
    }
    let groups: Vec<&str> = int_part.split(thousands).collect();
    if groups.len() > 1 {
        let first_ok = (1..=3).contains(&groups[0].len());
        if !first_ok || groups[1..].iter().any(|g| g.len() != 3) {
            return None;
        }
    }
    let mut canonical: String = groups.concat();
    if let Some(f) = frac_part {
        canonical.push('.');
        canonical.push_str(f);
    }
    if canonical.len() > 28 {
        return Some(Err(NumberError::TooLarge));
    }
    Some(Decimal::from_str(&canonical).map_err(|_| NumberError::TooLarge))
}

/// Reads `text` under a known convention.
pub fn parse(text: &str, convention: DecimalConvention) -> Result<Decimal, NumberError> {
    readings(text)?
        .under(convention)
        .ok_or(NumberError::NotANumber)
}

/// Reads a figure typed into a form: the Vietnamese way first ("1.234" is one thousand two
/// hundred and thirty-four, "1,5" one and a half), and a number that can only be read with a
/// decimal point ("1234.5", "1,234.5") as such, because that is what a clerk meant and what a
/// phone's numeric keyboard may type. The browser's `readTyped` (static/app.js) reads the
/// same way; a test holds the two to the same answers.
pub fn read_typed(text: &str) -> Result<Decimal, NumberError> {
    let r = readings(text)?;
    r.comma.or(r.point).ok_or(NumberError::NotANumber)
}

/// Figures as clerks type them and what each means (`None`: not a number): the answers
/// both the server's [`read_typed`] and the browser's reader are held to.
pub const TYPED_FIGURES: &[(&str, Option<&str>)] = &[
    ("643,41", Some("643.41")),
    ("1.234", Some("1234")),
    ("1.372.557", Some("1372557")),
    ("2.715,4", Some("2715.4")),
    ("1234.5", Some("1234.5")),
    ("1,234.5", Some("1234.5")),
    ("1,5", Some("1.5")),
    ("1,234", Some("1.234")),
    (" 12 500 ", Some("12500")),
    ("-7", Some("-7")),
    ("−3,5", Some("-3.5")),
    ("+8", Some("8")),
    ("0,05", Some("0.05")),
    ("12.5.6", None),
    ("1.23", Some("1.23")),
    ("abc", None),
    ("1,2,3", None),
    ("", None),
    ("12e3", None),
    ("1.234,5.6", None),
];

/// Writes a decimal the way it is stored and exported: plain digits, a point, no grouping,
/// no trailing zeros after the point.
pub fn canonical(value: Decimal) -> String {
    value.normalize().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use DecimalConvention::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn values_that_read_one_way_prove_the_convention() {
        assert_eq!(readings("643,41").unwrap().proves(), Some(Comma));
        assert_eq!(readings("643.41").unwrap().proves(), Some(Point));
        assert_eq!(readings("1.372.557").unwrap().proves(), Some(Comma));
        assert_eq!(readings("1,372,557").unwrap().proves(), Some(Point));
        assert_eq!(readings("2.715,4").unwrap().comma, Some(d("2715.4")));
        assert_eq!(readings("1,234.5").unwrap().point, Some(d("1234.5")));
    }

    #[test]
    fn a_typed_figure_reads_the_vietnamese_way_first_and_a_point_only_when_nothing_else_fits() {
        for (typed, meant) in TYPED_FIGURES {
            match meant {
                Some(m) => assert_eq!(read_typed(typed), Ok(d(m)), "{typed}"),
                None => assert!(read_typed(typed).is_err(), "{typed}"),
            }
        }
    }

    #[test]
    fn ambiguous_values_read_differently_each_way() {
        let r = readings("1.234").unwrap();
        assert_eq!(r.comma, Some(d("1234")));
        assert_eq!(r.point, Some(d("1.234")));
        assert_eq!(r.agreed(), None);
        assert_eq!(r.proves(), None);
    }

    #[test]
    fn plain_integers_and_space_grouping_agree() {
        assert_eq!(readings("643").unwrap().agreed(), Some(d("643")));
        assert_eq!(readings("1 372 557").unwrap().agreed(), Some(d("1372557")));
        assert_eq!(readings("-12").unwrap().agreed(), Some(d("-12")));
        assert_eq!(readings("−12,5").unwrap().comma, Some(d("-12.5")));
    }

    #[test]
    fn refuses_what_is_no_number() {
        for bad in [
            "abc",
            "12a",
            "1..2",
            "1,2,3",
            ",5",
            "5,",
            "1.23.4",
            "--1",
            "1e5",
            "12,34,567.8",
        ] {
            assert!(readings(bad).is_err(), "{bad}");
        }
        assert_eq!(readings("  "), Err(NumberError::Empty));
        assert_eq!(readings(&"9".repeat(40)), Err(NumberError::TooLarge));
    }

    #[test]
    fn canonical_form_is_exact() {
        assert_eq!(canonical(d("643.4100")), "643.41");
        assert_eq!(canonical(d("1372557")), "1372557");
        assert_eq!(canonical(d("0.1") + d("0.2")), "0.3");
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,40}") {
            let _ = readings(&s);
        }

        #[test]
        fn vietnamese_formatting_reads_back(int in 0u64..10_000_000_000, frac in 0u32..100) {
            let value = Decimal::from(int) + Decimal::new(i64::from(frac), 2);
            let plain = canonical(value);
            let (i, f) = plain.split_once('.').unwrap_or((&plain, ""));
            let mut grouped = String::new();
            for (n, c) in i.chars().enumerate() {
                if n > 0 && (i.len() - n) % 3 == 0 { grouped.push('.'); }
                grouped.push(c);
            }
            let text = if f.is_empty() { grouped } else { format!("{grouped},{f}") };
            proptest::prop_assert_eq!(parse(&text, Comma).unwrap(), value);
        }
    }
}
