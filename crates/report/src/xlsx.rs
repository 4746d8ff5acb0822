//! The appendix tables (biểu) as an XLSX workbook: one sheet per table of the report.
//!
//! Numbers are stored as numbers, never as text, with a display format tagged Vietnamese
//! (`[$-42A]#,##0.00`): LibreOffice then shows 1.613,00 and 39,9% as the DOCX prints them
//! whatever the reader's own locale, where an untagged format would show 1,613.00 on an
//! English desktop. Each sheet opens with a header block: issuing body, title, unit, period.

use crate::ReportError;
use crate::model::{Cell, Document, Meta, Table};
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};

/// The locale tag of Vietnamese (LCID 0x042A): the format's separators are Vietnam's.
const VIETNAMESE: &str = "[$-42A]";

fn number_format(decimals: u32, percent: bool) -> String {
    let frac = if decimals > 0 {
        format!(".{}", "0".repeat(decimals as usize))
    } else {
        String::new()
    };
    if percent {
        format!("{VIETNAMESE}0{frac}%")
    } else {
        format!("{VIETNAMESE}#,##0{frac}")
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

/// Rows above the table's own header: issuing body (two lines), a blank, title, unit and
/// period, a blank.
const HEADER_ROWS: u32 = 6;

/// The header block: what an official looks for before the figures.
fn header_block(
    sheet: &mut rust_xlsxwriter::Worksheet,
    meta: &Meta,
    t: &Table,
    base: &Format,
) -> Result<(), XlsxError> {
    let last = t.columns.len().max(2) as u16 - 1;
    let bold = base.clone().set_bold();
    sheet.write_string_with_format(0, 0, &meta.issuer_parent, &bold)?;
    sheet.write_string_with_format(1, 0, &meta.issuer, &bold)?;
    let centred = |f: Format| f.set_align(FormatAlign::Center).set_text_wrap();
    sheet.merge_range(
        3,
        0,
        3,
        last,
        &t.title,
        &centred(bold.clone().set_font_size(13)),
    )?;
    let mut unit_period = Vec::new();
    if !meta.unit.is_empty() {
        unit_period.push(format!("Đơn vị báo cáo: {}", meta.unit));
    }
    if !meta.period.is_empty() {
        unit_period.push(format!("Kỳ báo cáo: {}", meta.period));
    }
    sheet.merge_range(
        4,
        0,
        4,
        last,
        &unit_period.join(" - "),
        &centred(base.clone().set_italic()),
    )?;
    sheet.set_row_height(3, 34)?;
    Ok(())
}

fn write_table(workbook: &mut Workbook, meta: &Meta, t: &Table, i: usize) -> Result<(), XlsxError> {
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
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name(t, i))?;
    header_block(sheet, meta, t, &base)?;
    for (c, name) in t.columns.iter().enumerate() {
        let c = c as u16;
        sheet.write_string_with_format(HEADER_ROWS, c, name, &head)?;
        let width = match c {
            0 => 6.0,
            1 => 42.0,
            _ => 14.0,
        };
        sheet.set_column_width(c, width)?;
    }
    sheet.set_row_height(HEADER_ROWS, 32)?;
    for (r, row) in t.rows.iter().enumerate() {
        let r = r as u32 + HEADER_ROWS + 1;
        for (c, value) in row.iter().enumerate() {
            write_cell(sheet, r, c as u16, value, &cell)?;
        }
    }
    sheet.set_freeze_panes(HEADER_ROWS + 1, 2)?;
    sheet.set_repeat_rows(HEADER_ROWS, HEADER_ROWS)?;
    sheet.set_landscape();
    sheet.set_paper_size(9);
    sheet.set_print_fit_to_pages(1, 0);
    Ok(())
}

fn write_cell(
    sheet: &mut rust_xlsxwriter::Worksheet,
    r: u32,
    c: u16,
    value: &Cell,
    cell: &Format,
) -> Result<(), XlsxError> {
    match value {
        Cell::Text { text } => {
            sheet.write_string_with_format(r, c, text, cell)?;
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
            sheet.write_number_with_format(r, c, shown.to_f64().unwrap_or(f64::NAN), &format)?;
        }
        Cell::Empty => {
            sheet.write_blank(r, c, cell)?;
        }
    }
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
        write_table(&mut workbook, &doc.meta, t, i).map_err(err)?;
    }
    workbook.save_to_buffer().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_keep_the_decimals_and_mark_percentages() {
        assert_eq!(number_format(2, false), "[$-42A]#,##0.00");
        assert_eq!(number_format(0, false), "[$-42A]#,##0");
        assert_eq!(number_format(1, true), "[$-42A]0.0%");
    }
}
