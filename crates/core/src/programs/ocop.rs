//! OCOP (Mỗi xã một sản phẩm): products, their evaluations and the star rating a score gives
//! under the rules in force in the evaluation's year.

use crate::text::fold;
use chrono::{Months, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;
use std::str::FromStr;

/// A certificate is valid for 36 months from the day it is issued (both decisions).
pub const VALIDITY_MONTHS: u32 = 36;

/// The national rules an evaluation follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Rules {
    /// Quyết định 1048/QĐ-TTg (21/8/2019): 1 to 5 stars; below 30 points one star.
    Decision1048of2019,
    /// Quyết định 148/QĐ-TTg (24/02/2023): only 3, 4 and 5 stars are recognised; below 50
    /// points a product is not rated.
    Decision148of2023,
}

impl Rules {
    /// The rules for evaluations of `year`; none before the national scheme (2019).
    pub fn for_year(year: i32) -> Option<Rules> {
        match year {
            2019..=2022 => Some(Rules::Decision1048of2019),
            2023.. => Some(Rules::Decision148of2023),
            _ => None,
        }
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            Rules::Decision1048of2019 => "Quyết định 1048/QĐ-TTg",
            Rules::Decision148of2023 => "Quyết định 148/QĐ-TTg",
        }
    }

    /// The stars a score out of 100 gives; `None` when it gives no rating.
    pub fn stars(self, score: Decimal) -> Option<u8> {
        let at_least = |n: i64| score >= Decimal::from(n);
        if score < Decimal::ZERO || score > Decimal::ONE_HUNDRED {
            return None;
        }
        let stars = if at_least(90) {
            5
        } else if at_least(70) {
            4
        } else if at_least(50) {
            3
        } else if at_least(30) {
            2
        } else {
            1
        };
        match self {
            Rules::Decision148of2023 if stars < 3 => None,
            _ => Some(stars),
        }
    }
}

/// Who makes the product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProducerType {
    Enterprise,
    Cooperative,
    CooperativeGroup,
    Household,
}

impl ProducerType {
    pub fn code(self) -> &'static str {
        match self {
            ProducerType::Enterprise => "doanh_nghiep",
            ProducerType::Cooperative => "htx",
            ProducerType::CooperativeGroup => "to_hop_tac",
            ProducerType::Household => "ho_kinh_doanh",
        }
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            ProducerType::Enterprise => "doanh nghiệp",
            ProducerType::Cooperative => "hợp tác xã",
            ProducerType::CooperativeGroup => "tổ hợp tác",
            ProducerType::Household => "hộ kinh doanh",
        }
    }
}

impl FromStr for ProducerType {
    type Err = String;

    fn from_str(s: &str) -> Result<ProducerType, String> {
        match fold(s).replace(['_', '-'], " ").trim() {
            "doanh nghiep" | "dn" | "cong ty" => Ok(ProducerType::Enterprise),
            "htx" | "hop tac xa" => Ok(ProducerType::Cooperative),
            "to hop tac" | "tht" => Ok(ProducerType::CooperativeGroup),
            "ho kinh doanh" | "hkd" | "co so" | "ho" => Ok(ProducerType::Household),
            _ => Err("a producer type: doanh_nghiep, htx, to_hop_tac or ho_kinh_doanh".into()),
        }
    }
}

/// The six product groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProductGroup {
    Food,
    Drinks,
    Herbal,
    Textiles,
    Souvenirs,
    Tourism,
}

impl ProductGroup {
    pub fn code(self) -> &'static str {
        match self {
            ProductGroup::Food => "thuc_pham",
            ProductGroup::Drinks => "do_uong",
            ProductGroup::Herbal => "thao_duoc",
            ProductGroup::Textiles => "vai_may_mac",
            ProductGroup::Souvenirs => "luu_niem",
            ProductGroup::Tourism => "du_lich",
        }
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            ProductGroup::Food => "thực phẩm",
            ProductGroup::Drinks => "đồ uống",
            ProductGroup::Herbal => "thảo dược",
            ProductGroup::Textiles => "vải và may mặc",
            ProductGroup::Souvenirs => "lưu niệm - nội thất - trang trí",
            ProductGroup::Tourism => "dịch vụ du lịch cộng đồng và điểm du lịch",
        }
    }
}

impl FromStr for ProductGroup {
    type Err = String;

    fn from_str(s: &str) -> Result<ProductGroup, String> {
        let f = fold(s).replace(['_', '-'], " ");
        let all = [
            ProductGroup::Food,
            ProductGroup::Drinks,
            ProductGroup::Herbal,
            ProductGroup::Textiles,
            ProductGroup::Souvenirs,
            ProductGroup::Tourism,
        ];
        all.into_iter()
            .find(|g| {
                fold(g.code()).replace('_', " ") == f.trim()
                    || fold(g.name_vi()).replace('-', " ") == f.trim()
            })
            .ok_or_else(|| {
                "a product group: thuc_pham, do_uong, thao_duoc, vai_may_mac, luu_niem or du_lich"
                    .into()
            })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Product {
    pub code: String,
    pub name: String,
    pub producer: String,
    pub producer_type: ProducerType,
    /// The commune's code.
    pub commune: String,
    pub group: ProductGroup,
}

/// One evaluation of a product by the council.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    pub product: String,
    pub year: i32,
    pub score: Decimal,
    /// As the rules of the year give it, or as recorded for a year before them.
    pub stars: Option<u8>,
    pub certified_on: Option<NaiveDate>,
    pub certificate: String,
}

impl Evaluation {
    /// The last day the certificate is valid.
    pub fn valid_until(&self) -> Option<NaiveDate> {
        self.certified_on?
            .checked_add_months(Months::new(VALIDITY_MONTHS))?
            .pred_opt()
    }
}

/// Where a certificate stands on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Validity {
    Valid,
    /// Valid, ending within the warning window.
    Expiring,
    Expired,
    /// No certificate (below 3 stars, or not recorded).
    None,
}

pub fn validity(e: &Evaluation, date: NaiveDate, warn_days: i64) -> Validity {
    match e.valid_until() {
        None => Validity::None,
        Some(until) if until < date => Validity::Expired,
        Some(until) if (until - date).num_days() <= warn_days => Validity::Expiring,
        Some(_) => Validity::Valid,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn band_edges_under_each_decision() {
        let old = Rules::Decision1048of2019;
        let new = Rules::Decision148of2023;
        for (score, a, b) in [
            ("100", Some(5), Some(5)),
            ("90", Some(5), Some(5)),
            ("89.99", Some(4), Some(4)),
            ("70", Some(4), Some(4)),
            ("69.5", Some(3), Some(3)),
            ("50", Some(3), Some(3)),
            ("49.99", Some(2), None),
            ("30", Some(2), None),
            ("29", Some(1), None),
            ("0", Some(1), None),
            ("100.01", None, None),
            ("-1", None, None),
        ] {
            assert_eq!(old.stars(d(score)), a, "1048, {score}");
            assert_eq!(new.stars(d(score)), b, "148, {score}");
        }
        assert_eq!(Rules::for_year(2018), None);
        assert_eq!(Rules::for_year(2020), Some(old));
        assert_eq!(Rules::for_year(2022), Some(old));
        assert_eq!(Rules::for_year(2023), Some(new));
    }

    #[test]
    fn certificates_last_36_months() {
        let e = Evaluation {
            product: "P".into(),
            year: 2020,
            score: d("75"),
            stars: Some(4),
            certified_on: Some("2020-06-15".parse().unwrap()),
            certificate: String::new(),
        };
        assert_eq!(e.valid_until(), Some("2023-06-14".parse().unwrap()));
        let on = |s: &str| validity(&e, s.parse().unwrap(), 90);
        assert_eq!(on("2023-03-16"), Validity::Expiring);
        assert_eq!(on("2023-03-15"), Validity::Valid);
        assert_eq!(on("2023-06-14"), Validity::Expiring);
        assert_eq!(on("2023-06-15"), Validity::Expired);
    }

    proptest! {
        /// Every score in 0..=100 (hundredths) falls in exactly the band its edges say, and a
        /// higher score never gives fewer stars.
        #[test]
        fn stars_follow_the_bands(hundredths in 0i64..=10_000, more in 0i64..=10_000) {
            let score = Decimal::new(hundredths, 2);
            let higher = Decimal::new((hundredths + more).min(10_000), 2);
            let edges: [(i64, u8); 5] = [(9000, 5), (7000, 4), (5000, 3), (3000, 2), (0, 1)];
            let expected = edges.iter().find(|(edge, _)| hundredths >= *edge).map(|(_, s)| *s);
            prop_assert_eq!(Rules::Decision1048of2019.stars(score), expected);
            prop_assert_eq!(
                Rules::Decision148of2023.stars(score),
                expected.filter(|s| *s >= 3)
            );
            for rules in [Rules::Decision1048of2019, Rules::Decision148of2023] {
                prop_assert!(rules.stars(higher).unwrap_or(0) >= rules.stars(score).unwrap_or(0));
            }
        }
    }
}
