//! Units of measure with their scale: "tỷ đồng" is 10⁹ đồng, "nghìn người" is 10³ người.
//!
//! A unit is a base (đồng, USD, ha, tấn, người, lượt, % …) times a power of ten. Two units with
//! the same base convert exactly; units with different bases never convert.

use crate::text::fold;
use rust_decimal::Decimal;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureUnit {
    /// As written by the office ("tỷ đồng"), kept for display.
    symbol: String,
    /// The base it measures in: "dong", "usd", "m2", "kg", "%", or a folded word for counts.
    base: String,
    /// How many base units one of this unit is.
    scale: Decimal,
}

/// (spelling after folding, base, scale as a power of ten)
const BASES: &[(&str, &str, u32)] = &[
    ("dong", "dong", 0),
    ("vnd", "dong", 0),
    ("usd", "usd", 0),
    ("do la my", "usd", 0),
    ("m2", "m2", 0),
    ("m²", "m2", 0),
    ("ha", "m2", 4),
    ("km2", "m2", 6),
    ("km²", "m2", 6),
    ("kg", "kg", 0),
    ("yen", "kg", 1),
    ("ta", "kg", 2),
    ("tan", "kg", 3),
    ("%", "%", 0),
    ("phan tram", "%", 0),
];

/// Things counted one by one (folded): a figure in one of them is a whole number. "nghìn
/// người" is not among them (2,5 nghìn người is 2.500 people), nor an average ("người/hộ").
const COUNTED: &[&str] = &[
    "nguoi",
    "luot",
    "luot nguoi",
    "luot khach",
    "ho",
    "con",
    "cai",
    "chiec",
    "thon",
    "ban",
    "xa",
    "vuon",
    "san pham",
    "tieu chi",
    "doanh nghiep",
    "hop tac xa",
    "to hop tac",
    "truong",
    "lop",
    "hoc sinh",
    "ca",
    "du an",
    "cong trinh",
    "nha",
    "can",
    "co so",
    "lao dong",
    "giuong",
    "benh nhan",
    "em",
    "tre",
    "thanh vien",
    "cuoc",
    "vu",
    "lan",
];

const MULTIPLIERS: &[(&str, u32)] = &[
    ("nghin", 3),
    ("ngan", 3),
    ("trieu", 6),
    ("ty", 9),
    ("ti", 9),
];

impl MeasureUnit {
    /// Reads a unit as offices write it. Never fails: a unit it does not know ("sản phẩm",
    /// "tiêu chí") is its own base, comparable only with itself.
    pub fn parse(symbol: &str) -> MeasureUnit {
        let symbol = crate::text::clean(symbol);
        let folded = fold(&symbol);
        let mut rest = folded.as_str();
        let mut power = 0u32;
        // "nghìn tỷ đồng" stacks multipliers.
        while let Some((word, exp)) = MULTIPLIERS
            .iter()
            .find(|(w, _)| rest.strip_prefix(w).is_some_and(|r| r.starts_with(' ')))
        {
            // Beyond 10^18 no office counts; stop so the scale stays exact.
            if power + exp > 18 {
                break;
            }
            power += exp;
            rest = rest[word.len()..].trim_start();
        }
        let (base, extra) = BASES
            .iter()
            .find(|(spelling, _, _)| *spelling == rest)
            .map(|(_, base, exp)| (base.to_string(), *exp))
            .unwrap_or_else(|| (rest.to_string(), 0));
        MeasureUnit {
            symbol,
            base,
            scale: Decimal::from_i128_with_scale(10i128.pow(power + extra), 0),
        }
    }

    pub fn symbol(&self) -> &str {
        &self.symbol
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn scale(&self) -> Decimal {
        self.scale
    }

    pub fn is_percent(&self) -> bool {
        self.base == "%"
    }

    /// Whether a figure in this unit counts things one by one (người, lượt, hộ, con …), so
    /// that only a whole number makes sense: 12,5 lượt khám is a typing mistake.
    pub fn counts_whole(&self) -> bool {
        self.scale == Decimal::ONE && COUNTED.contains(&self.base.as_str())
    }

    /// The factor that turns an amount in `self` into an amount in `target`, if they measure
    /// the same thing.
    pub fn factor_to(&self, target: &MeasureUnit) -> Option<Decimal> {
        (self.base == target.base).then(|| self.scale / target.scale)
    }

    /// `amount` in `self` expressed in `target`; `None` when they cannot convert or the result
    /// does not fit.
    pub fn convert(&self, amount: Decimal, target: &MeasureUnit) -> Option<Decimal> {
        amount.checked_mul(self.factor_to(target)?)
    }
}

impl fmt::Display for MeasureUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.symbol)
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
    fn money_converts_across_scales() {
        let ty = MeasureUnit::parse("tỷ đồng");
        let trieu = MeasureUnit::parse("triệu đồng");
        assert_eq!(ty.scale(), d("1000000000"));
        assert_eq!(trieu.convert(d("2200"), &ty), Some(d("2.2")));
        assert_eq!(
            MeasureUnit::parse("nghìn tỷ đồng").scale(),
            d("1000000000000")
        );
        assert_eq!(
            MeasureUnit::parse("Triệu USD").factor_to(&MeasureUnit::parse("USD")),
            Some(d("1000000"))
        );
    }

    #[test]
    fn people_and_visits_count_whole_but_thousands_of_them_do_not() {
        for whole in ["người", "Lượt", "hộ", "con", "sản phẩm", "tiêu chí"] {
            assert!(MeasureUnit::parse(whole).counts_whole(), "{whole}");
        }
        for part in ["nghìn người", "tỷ đồng", "ha", "%", "người/hộ", "km", "tấn"] {
            assert!(!MeasureUnit::parse(part).counts_whole(), "{part}");
        }
    }

    #[test]
    fn different_things_never_convert() {
        let ty = MeasureUnit::parse("tỷ đồng");
        assert_eq!(MeasureUnit::parse("triệu USD").convert(d("1"), &ty), None);
        assert_eq!(
            MeasureUnit::parse("lượt").convert(d("1"), &MeasureUnit::parse("người")),
            None
        );
        assert_eq!(
            MeasureUnit::parse("ha").convert(d("1"), &MeasureUnit::parse("tấn")),
            None
        );
    }

    #[test]
    fn unknown_units_compare_with_themselves() {
        let a = MeasureUnit::parse("sản phẩm");
        assert_eq!(
            a.convert(d("28"), &MeasureUnit::parse("San pham")),
            Some(d("28"))
        );
        assert_eq!(
            MeasureUnit::parse("nghìn lượt").convert(d("6.668"), &MeasureUnit::parse("lượt")),
            Some(d("6668"))
        );
        assert!(MeasureUnit::parse("%").is_percent());
        // Absurd stacks are read as an unknown unit rather than overflow.
        let _ = MeasureUnit::parse(&"tỷ ".repeat(10));
    }
}
