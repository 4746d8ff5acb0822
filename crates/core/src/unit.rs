//! Administrative units: provinces, districts, communes, each valid over a span of dates.
//!
//! A unit record is one *version*: a code, a name, a kind and a parent that held together from
//! `valid_from` to `valid_to` (both inclusive; empty means open). A GSO code names a unit as of
//! a date, not forever: 06838 was Thị trấn Bình Liêu until 30/06/2025 and is xã Bình Liêu since.

use crate::text::fold;
use chrono::NaiveDate;
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnitKind {
    Tinh,
    ThanhPho,
    Huyen,
    Quan,
    ThiXa,
    Xa,
    Phuong,
    ThiTran,
    DacKhu,
}

impl UnitKind {
    pub const ALL: [UnitKind; 9] = [
        UnitKind::Tinh,
        UnitKind::ThanhPho,
        UnitKind::Huyen,
        UnitKind::Quan,
        UnitKind::ThiXa,
        UnitKind::Xa,
        UnitKind::Phuong,
        UnitKind::ThiTran,
        UnitKind::DacKhu,
    ];

    /// The code written in files: `tinh`, `thanh-pho`, `huyen`, …
    pub fn code(self) -> &'static str {
        match self {
            UnitKind::Tinh => "tinh",
            UnitKind::ThanhPho => "thanh-pho",
            UnitKind::Huyen => "huyen",
            UnitKind::Quan => "quan",
            UnitKind::ThiXa => "thi-xa",
            UnitKind::Xa => "xa",
            UnitKind::Phuong => "phuong",
            UnitKind::ThiTran => "thi-tran",
            UnitKind::DacKhu => "dac-khu",
        }
    }

    /// The Vietnamese word, lower case: "thị trấn".
    pub fn name_vi(self) -> &'static str {
        match self {
            UnitKind::Tinh => "tỉnh",
            UnitKind::ThanhPho => "thành phố",
            UnitKind::Huyen => "huyện",
            UnitKind::Quan => "quận",
            UnitKind::ThiXa => "thị xã",
            UnitKind::Xa => "xã",
            UnitKind::Phuong => "phường",
            UnitKind::ThiTran => "thị trấn",
            UnitKind::DacKhu => "đặc khu",
        }
    }

    /// Commune-level kinds: the units that report from the ground.
    pub fn is_commune_level(self) -> bool {
        matches!(
            self,
            UnitKind::Xa | UnitKind::Phuong | UnitKind::ThiTran | UnitKind::DacKhu
        )
    }
}

impl FromStr for UnitKind {
    type Err = String;

    /// Accepts the file code (`thi-tran`), the Vietnamese word with or without marks
    /// ("Thị trấn", "thi tran") and GSO's "Thành phố Trung ương".
    fn from_str(s: &str) -> Result<UnitKind, String> {
        let folded = fold(s).replace(['-', '_'], " ");
        let folded = folded.trim();
        if folded == "thanh pho trung uong" || folded == "thanh pho truc thuoc trung uong" {
            return Ok(UnitKind::ThanhPho);
        }
        UnitKind::ALL
            .into_iter()
            .find(|k| fold(k.name_vi()) == folded || k.code().replace('-', " ") == folded)
            .ok_or_else(|| {
                format!(
                    "expected one of {}",
                    UnitKind::ALL.map(|k| k.code()).join(", ")
                )
            })
    }
}

impl fmt::Display for UnitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One version of a unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitVersion {
    pub code: String,
    pub name: String,
    pub kind: UnitKind,
    /// The parent's code, as of each day of this version.
    pub parent: Option<String>,
    /// First day, inclusive; `None`: since before any record.
    pub valid_from: Option<NaiveDate>,
    /// Last day, inclusive; `None`: still valid.
    pub valid_to: Option<NaiveDate>,
}

impl UnitVersion {
    pub fn is_valid_on(&self, date: NaiveDate) -> bool {
        self.valid_from.is_none_or(|from| from <= date) && self.valid_to.is_none_or(|to| date <= to)
    }

    /// Whether the version is valid on at least one day of `[from, to]`.
    pub fn overlaps(&self, from: NaiveDate, to: NaiveDate) -> bool {
        self.valid_from.is_none_or(|f| f <= to) && self.valid_to.is_none_or(|t| from <= t)
    }

    /// "Thị trấn Bình Liêu (06838)".
    pub fn label(&self) -> String {
        format!("{} ({})", self.name, self.code)
    }
}

/// A GSO code: digits only, as the statistics office writes them (leading zeros kept).
pub fn check_code(code: &str) -> Result<(), String> {
    if code.is_empty() || code.len() > 16 {
        return Err("a unit code has 1 to 16 characters".into());
    }
    if !code
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err("a unit code is letters and digits (GSO codes such as 06838)".into());
    }
    Ok(())
}
