//! Cells of the CSVs we write, safe to open in a spreadsheet (OWASP "CSV injection").
//!
//! Excel, LibreOffice and Google Sheets run a cell starting with `=`, `+`, `-`, `@`, a tab or a
//! carriage return as a formula: a note `=HYPERLINK("http://…","…")` imported from one office
//! would become a live link, or worse, on another office's screen. Such text cells are written
//! with a `'` in front, which spreadsheets show as text and do not display; our readers take it
//! off again so that export → import gives back the same text. Numbers (`-50`) are left alone:
//! a spreadsheet reads them as the number they are.

use std::borrow::Cow;

fn starts_like_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// A sign, digits and at most one decimal point: what a spreadsheet takes as a number.
fn is_plain_number(text: &str) -> bool {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (int, frac) = body.split_once('.').unwrap_or((body, "0"));
    !int.is_empty()
        && !frac.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
}

/// The cell as written. Text that a spreadsheet would run gets a `'` in front; so does text
/// that already starts with `'` before such a character, so that [`restore`] is exact.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if starts_like_formula(cell.trim_start_matches('\'')) && !is_plain_number(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// The text a cell written by [`neutralise`] stood for.
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if starts_like_formula(rest.trim_start_matches('\'')) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formulas_become_text_and_numbers_stay_numbers() {
        let link = r#"=HYPERLINK("http://x","y")"#;
        assert_eq!(neutralise(link), format!("'{link}"));
        for cell in ["+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "-", "'=1"] {
            assert_eq!(neutralise(cell), format!("'{cell}"), "{cell:?}");
        }
        for cell in [
            "-50",
            "-0.5",
            "+7",
            "12.30",
            "Xã Hoành Mô",
            "",
            "'quoted",
            "GTSX - 1",
        ] {
            assert_eq!(neutralise(cell), cell, "{cell:?}");
        }
    }

    proptest! {
        #[test]
        fn restore_undoes_neutralise(cell in "['=+@\\-\t\r0-9. a-z]{0,8}") {
            let written = neutralise(&cell);
            prop_assert_eq!(restore(&written), cell.as_str());
        }
    }
}
