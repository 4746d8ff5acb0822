//! Problems found in input, located precisely enough for a clerk to fix them.
//!
//! Every message comes from the catalogues (`solieu_i18n`) in Vietnamese and English; the
//! caller picks the language.

use std::fmt;

pub use solieu_i18n::{Lang, Text};

/// Where a piece of input came from: a file, the sheet of a workbook, and a line (1-based,
/// the header is line 1; in a workbook, the spreadsheet's own row number).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    pub file: String,
    pub sheet: Option<String>,
    pub line: Option<u64>,
    pub column: Option<String>,
}

impl Location {
    pub fn file(file: impl Into<String>) -> Location {
        Location {
            file: file.into(),
            ..Location::default()
        }
    }

    pub fn line(file: impl Into<String>, line: u64) -> Location {
        Location {
            file: file.into(),
            line: Some(line),
            ..Location::default()
        }
    }

    /// A row of a workbook's sheet.
    pub fn cell(file: impl Into<String>, sheet: impl Into<String>, row: u64) -> Location {
        Location {
            file: file.into(),
            sheet: Some(sheet.into()),
            line: Some(row),
            column: None,
        }
    }

    /// The file as a value's source names it: `book.xlsx#Biểu 01` for a sheet.
    pub fn source_path(&self) -> String {
        match &self.sheet {
            Some(sheet) => format!("{}#{sheet}", self.file),
            None => self.file.clone(),
        }
    }

    pub fn with_column(mut self, column: impl Into<String>) -> Location {
        self.column = Some(column.into());
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// How much of a value a problem quotes.
pub const MAX_VALUE_CHARS: usize = 200;

fn shorten(mut value: String) -> String {
    if let Some((cut, _)) = value.char_indices().nth(MAX_VALUE_CHARS) {
        let total = value.chars().count();
        value.truncate(cut);
        value.push_str(&format!("… ({total})"));
    }
    value
}

/// The problems shown to a user: the first `max`, errors before warnings (so a refusal is
/// never hidden behind notes), in their original order otherwise; and how many were left out.
pub fn first(mut problems: Vec<Problem>, max: usize) -> (Vec<Problem>, usize) {
    if problems.len() <= max {
        return (problems, 0);
    }
    problems.sort_by_key(|p| !p.is_error());
    let rest = problems.len() - max;
    problems.truncate(max);
    (problems, rest)
}

/// Problems collected for a user as they are found: the first `keep`, and a count of the rest,
/// so a file with a fault in every row costs no more memory than `keep` problems.
#[derive(Debug, Clone, Default)]
pub struct Collected {
    pub kept: Vec<Problem>,
    /// Problems found past `keep`.
    pub more: usize,
    /// How many of them were errors.
    pub more_errors: usize,
    keep: usize,
    errors: usize,
}

impl Collected {
    pub fn new(keep: usize) -> Collected {
        Collected {
            keep,
            ..Collected::default()
        }
    }

    pub fn push(&mut self, problem: Problem) {
        let error = problem.is_error();
        self.errors += usize::from(error);
        if self.kept.len() < self.keep {
            self.kept.push(problem);
        } else {
            self.more += 1;
            self.more_errors += usize::from(error);
        }
    }

    pub fn has_errors(&self) -> bool {
        self.errors > 0
    }
}

/// 1048576 as 1.048.576 (`separator` '.', Vietnamese) or 1,048,576 (',', English).
/// A count as each language writes it: 12.345 in Vietnamese, 12,345 in English.
pub fn count(n: u64) -> Text {
    Text::new(grouped(n, '.'), grouped(n, ','))
}

pub fn grouped(n: u64, separator: char) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(d);
    }
    out
}

/// "… và 12.345 lỗi khác" for the problems [`first`] left out.
pub fn more(rest: usize) -> Text {
    solieu_i18n::text!("core-more-problems", count = count(rest as u64))
}

/// One thing wrong with the input: where, which value, what was expected, and a hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    pub location: Location,
    /// The offending value as written, when there is one.
    pub value: Option<String>,
    pub message: Text,
    pub hint: Option<Text>,
}

impl Problem {
    pub fn error(location: Location, message: Text) -> Problem {
        Problem {
            severity: Severity::Error,
            location,
            value: None,
            message,
            hint: None,
        }
    }

    pub fn warning(location: Location, message: Text) -> Problem {
        Problem {
            severity: Severity::Warning,
            ..Problem::error(location, message)
        }
    }

    /// The value as written, cut to [`MAX_VALUE_CHARS`] characters: a problem about a cell of
    /// 512 MiB must not carry it into every message and page.
    pub fn with_value(mut self, value: impl Into<String>) -> Problem {
        self.value = Some(shorten(value.into()));
        self
    }

    pub fn with_hint(mut self, hint: Text) -> Problem {
        self.hint = Some(hint);
        self
    }

    pub fn with_hint_opt(mut self, hint: Option<Text>) -> Problem {
        self.hint = hint;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// One line for a terminal: `file:line: column "value": message (hint)`.
    pub fn render(&self, lang: Lang) -> String {
        let loc = &self.location;
        let mut out = loc.file.clone();
        if let Some(sheet) = &loc.sheet {
            out.push_str(&solieu_i18n::tr!(lang, "core-at-sheet", sheet = sheet));
        }
        if let Some(line) = loc.line {
            out.push_str(&solieu_i18n::tr!(lang, "core-at-line", line = line));
        }
        if let Some(column) = &loc.column {
            // The columns of solieu's own files are named in English; a Vietnamese line names
            // them in Vietnamese too, with the header as written to find it in the file.
            let id = format!("core-column-{column}");
            let text = if solieu_i18n::has(lang, &id) {
                let name = solieu_i18n::tr(lang, &id);
                solieu_i18n::tr!(lang, "core-at-named-column", name = name, column = column)
            } else {
                solieu_i18n::tr!(lang, "core-at-column", column = column)
            };
            out.push_str(&text);
        }
        out.push_str(": ");
        if let Some(value) = &self.value {
            out.push_str(&format!("“{value}”: "));
        }
        out.push_str(self.message.get(lang));
        if let Some(hint) = &self.hint {
            out.push_str(&solieu_i18n::tr!(lang, "core-hint", hint = hint.get(lang)));
        }
        out
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(n: usize) -> Problem {
        Problem::error(Location::line("f.csv", n as u64), Text::new("lỗi", "fault"))
    }

    #[test]
    fn the_first_problems_are_shown_errors_before_notes_and_the_rest_counted() {
        let mut problems = vec![Problem::warning(
            Location::file("f.csv"),
            Text::new("lưu ý", "note"),
        )];
        problems.extend((0..12_445).map(error));
        let (shown, rest) = first(problems, 100);
        assert_eq!(shown.len(), 100);
        assert!(shown.iter().all(Problem::is_error));
        assert_eq!(shown[0].location.line, Some(0));
        assert_eq!(rest, 12_346);
        assert_eq!(more(rest).vi, "… và 12.346 lỗi khác");
        assert_eq!(more(rest).en, "… and 12,346 more problems");
        assert_eq!(more(7).vi, "… và 7 lỗi khác");
    }

    #[test]
    fn collected_problems_keep_the_first_and_count_the_rest() {
        let mut c = Collected::new(3);
        c.push(Problem::warning(
            Location::file("f.csv"),
            Text::new("lưu ý", "note"),
        ));
        (0..10).for_each(|n| c.push(error(n)));
        assert_eq!(c.kept.len(), 3);
        assert_eq!((c.more, c.more_errors), (8, 8));
        assert!(c.has_errors());
        assert!(!Collected::new(3).has_errors());
    }

    #[test]
    fn a_problem_quotes_a_long_value_in_part() {
        let p = error(1).with_value("x".repeat(1_000_000));
        let value = p.value.unwrap();
        assert!(value.starts_with(&"x".repeat(200)));
        assert!(value.ends_with("… (1000000)"), "{}", &value[190..]);
    }
}
