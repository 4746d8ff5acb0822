//! How much of a file solieu reads before refusing it (docs/limits.md).
//!
//! Every reader checks what it is about to hold against one [`Limits`]: a file over a limit is
//! refused with a problem naming the limit, its value and what was found, never read half-way
//! and never allowed to take the process down. `solieu import` uses [`Limits::default`] (the
//! benchmark's million values fit); the web uses [`Limits::upload`] for one request.

use solieu_core::problem::{Location, Problem, Text, count};
use std::fmt;
use std::str::FromStr;

/// One limit, by the name `solieu import --limit NAME=N` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Entries in a ZIP container (XLSX, ODS).
    Entries,
    /// Bytes one entry of a ZIP container inflates to, counted while inflating.
    PartBytes,
    /// Bytes all entries of a ZIP container inflate to together.
    TotalBytes,
    /// The farthest row of a sheet (1-based), or the lines of a CSV.
    Rows,
    /// The farthest column of a sheet (1-based), or the fields of a CSV line.
    Columns,
    /// Non-empty cells of a workbook, or fields of a CSV.
    Cells,
    /// Cells of the rectangles the sheets span, empty ones included: what a sheet costs in
    /// memory whatever it holds.
    Area,
    /// Characters of one cell or field.
    CellChars,
    /// Characters of a note.
    NoteChars,
}

impl Limit {
    pub const ALL: [Limit; 9] = [
        Limit::Entries,
        Limit::PartBytes,
        Limit::TotalBytes,
        Limit::Rows,
        Limit::Columns,
        Limit::Cells,
        Limit::Area,
        Limit::CellChars,
        Limit::NoteChars,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Limit::Entries => "entries",
            Limit::PartBytes => "part-bytes",
            Limit::TotalBytes => "total-bytes",
            Limit::Rows => "rows",
            Limit::Columns => "columns",
            Limit::Cells => "cells",
            Limit::Area => "area",
            Limit::CellChars => "cell-chars",
            Limit::NoteChars => "note-chars",
        }
    }

    fn describe(self) -> Text {
        match self {
            Limit::Entries => solieu_i18n::text!("io-entries-zip-container"),
            Limit::PartBytes => solieu_i18n::text!("io-inflated-size-one-entry"),
            Limit::TotalBytes => solieu_i18n::text!("io-inflated-size-all-entries"),
            Limit::Rows => solieu_i18n::text!("io-rows"),
            Limit::Columns => solieu_i18n::text!("io-columns"),
            Limit::Cells => solieu_i18n::text!("io-non-empty-cells"),
            Limit::Area => solieu_i18n::text!("io-sheets-area-rows-columns-empty"),
            Limit::CellChars => solieu_i18n::text!("io-length-one-cell"),
            Limit::NoteChars => solieu_i18n::text!("io-length-note"),
        }
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Limit {
    type Err = String;

    fn from_str(s: &str) -> Result<Limit, String> {
        Limit::ALL
            .into_iter()
            .find(|l| l.name() == s.trim())
            .ok_or_else(|| {
                let names: Vec<&str> = Limit::ALL.iter().map(|l| l.name()).collect();
                format!("unknown limit {s}; the limits are {}", names.join(", "))
            })
    }
}

/// What one import (or one upload) may hold. Defaults in docs/limits.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub entries: u64,
    pub part_bytes: u64,
    pub total_bytes: u64,
    pub rows: u64,
    pub columns: u64,
    pub cells: u64,
    pub area: u64,
    pub cell_chars: u64,
    pub note_chars: u64,
    /// Problems shown to the user; the rest are counted.
    pub problems: usize,
}

const MIB: u64 = 1024 * 1024;

/// Excel's own limit on the text of a cell.
pub const EXCEL_CELL_CHARS: u64 = 32_767;

impl Default for Limits {
    /// For `solieu import`: Excel's own sheet (1,048,576 × 16,384) and cell limits, and room for
    /// the benchmark's million values (7 million cells in a 230 MiB sheet part) with about half
    /// as much again to spare.
    fn default() -> Limits {
        Limits {
            entries: 10_000,
            part_bytes: 512 * MIB,
            total_bytes: 1024 * MIB,
            rows: 1_048_576,
            columns: 16_384,
            cells: 10_000_000,
            area: 10_000_000,
            cell_chars: EXCEL_CELL_CHARS,
            note_chars: 2_000,
            problems: 100,
        }
    }
}

impl Limits {
    /// For one web upload: a data set's workbook is a few hundred rows by a few dozen columns.
    pub fn upload() -> Limits {
        Limits {
            entries: 1_000,
            part_bytes: 32 * MIB,
            total_bytes: 64 * MIB,
            rows: 10_000,
            columns: 1_000,
            cells: 200_000,
            area: 1_000_000,
            ..Limits::default()
        }
    }

    pub fn get(&self, limit: Limit) -> u64 {
        match limit {
            Limit::Entries => self.entries,
            Limit::PartBytes => self.part_bytes,
            Limit::TotalBytes => self.total_bytes,
            Limit::Rows => self.rows,
            Limit::Columns => self.columns,
            Limit::Cells => self.cells,
            Limit::Area => self.area,
            Limit::CellChars => self.cell_chars,
            Limit::NoteChars => self.note_chars,
        }
    }

    pub fn set(&mut self, limit: Limit, value: u64) {
        let slot = match limit {
            Limit::Entries => &mut self.entries,
            Limit::PartBytes => &mut self.part_bytes,
            Limit::TotalBytes => &mut self.total_bytes,
            Limit::Rows => &mut self.rows,
            Limit::Columns => &mut self.columns,
            Limit::Cells => &mut self.cells,
            Limit::Area => &mut self.area,
            Limit::CellChars => &mut self.cell_chars,
            Limit::NoteChars => &mut self.note_chars,
        };
        *slot = value;
    }

    /// `Err` with the refusal when `found` is over `limit`.
    pub fn check(&self, limit: Limit, found: u64, at: &Location) -> Result<(), Box<Problem>> {
        if found <= self.get(limit) {
            return Ok(());
        }
        Err(Box::new(exceeded(
            at.clone(),
            limit,
            self.get(limit),
            Found::Exactly(found),
        )))
    }
}

/// `rows=2000000`, as `--limit` takes it; sizes may end in KiB, MiB or GiB.
pub fn parse_setting(text: &str) -> Result<(Limit, u64), String> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| format!("expected NAME=N, as in rows=2000000; got {text}"))?;
    let limit: Limit = name.parse()?;
    let value = value.trim().replace('_', "");
    let (digits, unit) = match value.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => value.split_at(i),
        None => (value.as_str(), ""),
    };
    let scale = match unit.trim() {
        "" => 1,
        "KiB" => 1024,
        "MiB" => MIB,
        "GiB" => 1024 * MIB,
        other => return Err(format!("unknown unit {other}: use KiB, MiB or GiB")),
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("{name}: not a whole number: {value}"))?;
    Ok((limit, n.saturating_mul(scale)))
}

/// The refusal of a file over a limit: which limit, its value, what was found and how to
/// raise it. A count stopped at the first item over the limit is `found` "or more".
pub fn exceeded(location: Location, limit: Limit, max: u64, found: Found) -> Problem {
    let what = limit.describe();
    let found = match found {
        Found::Exactly(n) => solieu_i18n::text!("io-file-has", count = count(n)),
        Found::AtLeast(n) => solieu_i18n::text!("io-file-has-or-more", count = count(n)),
    };
    Problem::error(
        location,
        solieu_i18n::text!(
            "io-over-limit-most-file-not",
            what = what,
            limit_name = limit.name(),
            max = count(max),
            found = found
        ),
    )
    .with_hint(solieu_i18n::text!(
        "io-split-it-into-smaller-files",
        limit_name = limit.name()
    ))
}

/// What a reader found when it stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    Exactly(u64),
    /// A count stopped as soon as it passed the limit.
    AtLeast(u64),
}

/// The refusal of a note longer than `limits.note_chars`, if it is.
pub fn long_note(location: Location, note: &str, limits: &Limits) -> Option<Problem> {
    if note.len() as u64 <= limits.note_chars {
        return None;
    }
    let chars = note.chars().count() as u64;
    (chars > limits.note_chars).then(|| {
        exceeded(
            location,
            Limit::NoteChars,
            limits.note_chars,
            Found::Exactly(chars),
        )
        .with_value(note)
        .with_hint(solieu_i18n::text!(
            "io-shorten-note-most-characters-keep",
            note_chars = limits.note_chars
        ))
    })
}
