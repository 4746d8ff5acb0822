//! The report as a document: metadata for the Decree 30 frame, then headings, paragraphs,
//! tables and charts. Templates produce it (through `markup`); every writer renders it.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// What the Decree 30/2020 frame around the body says: issuing body, number, place and date,
/// title and summary, who signs, who receives.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    /// "ỦY BAN NHÂN DÂN" (the upper line of the issuing body).
    pub issuer_parent: String,
    /// "HUYỆN BÌNH LIÊU".
    pub issuer: String,
    /// "…/BC-UBND".
    pub number: String,
    /// "Bình Liêu, ngày 15 tháng 6 năm 2020".
    pub place_date: String,
    /// "BÁO CÁO".
    pub title: String,
    /// The bold summary line under the title.
    pub summary: String,
    /// "TM. ỦY BAN NHÂN DÂN".
    pub sign_for: String,
    /// "CHỦ TỊCH".
    pub sign_title: String,
    /// The signer's name, bold; may be empty until signed.
    pub signer: String,
    /// "- Thường trực Huyện ủy;" … "- Lưu: VT."
    pub recipients: Vec<String>,
    /// The reporting unit and the period ("Huyện Bình Liêu", "6 tháng đầu năm 2020"), for the
    /// appendix's header block; empty in reports recorded before they were kept.
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub period: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Run {
    pub text: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub bold: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub italic: bool,
}

impl Run {
    pub fn plain(text: impl Into<String>) -> Run {
        Run {
            text: text.into(),
            bold: false,
            italic: false,
        }
    }
}

/// Plain text of runs.
pub fn text_of(runs: &[Run]) -> String {
    runs.iter().map(|r| r.text.as_str()).collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    /// Level 1 ("I. TÌNH HÌNH …"), 2 ("1. Kinh tế"), 3 ("a) Nông nghiệp").
    Heading {
        level: u8,
        runs: Vec<Run>,
    },
    Paragraph {
        runs: Vec<Run>,
    },
    Table(Table),
    Chart(Chart),
    PageBreak,
    /// Where the signature block and "Nơi nhận" go (`@signature`); at the end when absent.
    Signature,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    /// A short name ("figures", "communes"): the sheet name in the XLSX appendix.
    pub name: String,
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Cell {
    Text {
        text: String,
    },
    /// A number kept exact; shown with `decimals` (trailing zeros dropped in text forms).
    Number {
        #[serde(with = "rust_decimal::serde::str")]
        value: Decimal,
        decimals: u32,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        percent: bool,
    },
    Empty,
}

impl Cell {
    pub fn text(t: impl Into<String>) -> Cell {
        Cell::Text { text: t.into() }
    }

    /// The cell as a report prints it: "643,41", "39,89%".
    pub fn display(&self) -> String {
        match self {
            Cell::Text { text } => text.clone(),
            Cell::Number {
                value,
                decimals,
                percent,
            } => {
                let n = solieu_core::format::number_vi(*value, *decimals);
                if *percent { format!("{n}%") } else { n }
            }
            Cell::Empty => String::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chart {
    pub name: String,
    pub title: String,
    /// What the numbers measure: "%", "lượt".
    pub measure: String,
    pub bars: Vec<Bar>,
    /// A reference line (100% of plan), if any.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "rust_decimal::serde::str_option"
    )]
    pub reference: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bar {
    pub label: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub value: Decimal,
    pub decimals: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub meta: Meta,
    pub blocks: Vec<Block>,
}

impl Document {
    /// The text of the body, one block a line (headings, paragraphs, table cells): what tests
    /// and the snapshot diff read.
    pub fn plain_text(&self) -> String {
        let mut out = String::new();
        for b in &self.blocks {
            match b {
                Block::Heading { runs, .. } | Block::Paragraph { runs } => {
                    out.push_str(&text_of(runs));
                    out.push('\n');
                }
                Block::Table(t) => {
                    out.push_str(&t.title);
                    out.push('\n');
                    for row in &t.rows {
                        let cells: Vec<String> = row.iter().map(Cell::display).collect();
                        out.push_str(&cells.join(" | "));
                        out.push('\n');
                    }
                }
                Block::Chart(c) => {
                    out.push_str(&c.title);
                    out.push('\n');
                }
                Block::PageBreak | Block::Signature => {}
            }
        }
        out
    }

    pub fn has_signature(&self) -> bool {
        self.blocks.contains(&Block::Signature)
    }

    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
    }

    pub fn charts(&self) -> impl Iterator<Item = &Chart> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Chart(c) => Some(c),
            _ => None,
        })
    }
}
