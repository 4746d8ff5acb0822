//! The appendix tables (biểu) as an XLSX workbook: one sheet per table of the report.
//!
//! Numbers are stored as numbers with a display format (`#,##0.00`, `0.00%`), never as text:
//! Excel and LibreOffice show them with the reader's separators, so a Vietnamese desktop shows
//! 1.234,56 and 39,89%.

use crate::ReportError;
use crate::model::{Cell, Document, Table};
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};

fn number_format(decimals: u32, percent: bool) -> String {
    let frac = if decimals > 0 {
        format!(".{}", "0".repeat(decimals as usize))
    } else {
        String::new()
    };
    if percent {
        format!("0{frac}%")
    } else {
        format!("#,##0{frac}")
    }
}

/// A sheet name from the table's title ("Biểu 01. …" → "Biểu 01"), within Excel's rules.
fn sheet_name(t: &Table, i: usize) -> String {
    let head = t.title.split('.').next().unwrap_or("").trim();
    let name: String = head
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(31)
        .collect();
    if name.is_empty() {
        format!("Biểu {:02}", i + 1)
    } else {
        name
    }
}

fn write_table(workbook: &mut Workbook, t: &Table, i: usize) -> Result<(), XlsxError> {
    let base = Format::new()
        .set_font_name("Times New Roman")
        .set_font_size(12);
    let cell = base.clone().set_border(FormatBorder::Thin);
    let head = cell
        .clone()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let title = base.clone().set_bold().set_font_size(13);
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name(t, i))?;
    sheet.write_string_with_format(0, 0, &t.title, &title)?;
    for (c, name) in t.columns.iter().enumerate() {
        let c = c as u16;
        sheet.write_string_with_format(2, c, name, &head)?;
        let width = match c {
            0 => 6.0,
            1 => 42.0,
            _ => 14.0,
        };
        sheet.set_column_width(c, width)?;
    }
    sheet.set_row_height(2, 32)?;
    for (r, row) in t.rows.iter().enumerate() {
        let r = r as u32 + 3;
        for (c, value) in row.iter().enumerate() {
            let c = c as u16;
            match value {
                Cell::Text { text } => {
                    sheet.write_string_with_format(r, c, text, &cell)?;
                }
                Cell::Number {
                    value,
                    decimals,
                    percent,
                } => {
                    let shown = if *percent {
                        value / rust_decimal::Decimal::ONE_HUNDRED
                    } else {
                        *value
                    };
                    let format = cell
                        .clone()
                        .set_num_format(number_format(*decimals, *percent));
                    sheet.write_number_with_format(
                        r,
                        c,
                        shown.to_f64().unwrap_or(f64::NAN),
                        &format,
                    )?;
                }
                Cell::Empty => {
                    sheet.write_blank(r, c, &cell)?;
                }
            }
        }
    }
    sheet.set_freeze_panes(3, 2)?;
    sheet.set_landscape();
    sheet.set_paper_size(9);
    sheet.set_print_fit_to_pages(1, 0);
    Ok(())
}

/// Every table of the document, one sheet each.
pub fn xlsx(doc: &Document) -> Result<Vec<u8>, ReportError> {
    let err = |e: XlsxError| ReportError::Write {
        format: "xlsx",
        message: e.to_string(),
    };
    let mut workbook = Workbook::new();
    let tables: Vec<&Table> = doc.tables().collect();
    if tables.is_empty() {
        let sheet = workbook.add_worksheet();
        sheet
            .write_string(
                0,
                0,
                "Báo cáo không có biểu số liệu. / The report has no tables.",
            )
            .map_err(err)?;
    }
    for (i, t) in tables.into_iter().enumerate() {
        write_table(&mut workbook, t, i).map_err(err)?;
    }
    workbook.save_to_buffer().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_keep_the_decimals_and_mark_percentages() {
        assert_eq!(number_format(2, false), "#,##0.00");
        assert_eq!(number_format(0, false), "#,##0");
        assert_eq!(number_format(2, true), "0.00%");
    }
}
