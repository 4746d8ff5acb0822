//! The wide workbook a unit fills in: indicators down, communes or series across, laid out as
//! officials lay out a "biểu", with its column mapping in a hidden sheet so that the filled
//! workbook imports without further instructions (see [`crate::excel`]).
//!
//! Totals and derived rows are written as spreadsheet formulas, so the clerk sees them add up
//! while typing; on import they are checked, never imported.

use crate::excel::{MAPPING_HEADER, MAPPING_SHEET, Role, column_letter};
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, XlsxError};
use solieu_core::formula::{Expr, Op};
use solieu_core::indicator::{Aggregate, Indicator};
use solieu_core::period::Period;
use solieu_core::value::{Series, Status};
use std::collections::HashMap;

/// A column of figures in the template.
#[derive(Debug, Clone)]
pub struct TemplateColumn {
    /// The header cell: a commune's name, or "Kế hoạch năm 2020".
    pub header: String,
    pub role: Role,
    /// The unit code written into the mapping; `None` when the header names the unit.
    pub unit: Option<String>,
    pub period: Period,
    pub series: Series,
    pub status: Option<Status>,
}

/// A percentage computed by the spreadsheet for the clerk's eyes (not imported): of a plan,
/// or against the same period.
#[derive(Debug, Clone)]
pub struct RatioColumn {
    pub header: String,
    /// Indexes into the template's columns.
    pub numerator: usize,
    pub denominator: usize,
    /// Change rather than ratio: 111,2% of last year shows as 11,2.
    pub change: bool,
}

#[derive(Debug, Clone)]
pub struct Template {
    /// "ỦY BAN NHÂN DÂN HUYỆN BÌNH LIÊU"
    pub issuer: String,
    /// "BIỂU SỐ LIỆU 6 THÁNG ĐẦU NĂM 2020"
    pub title: String,
    /// "Đơn vị: Huyện Bình Liêu (198)"
    pub subtitle: String,
    /// Over the figure columns: "Ước thực hiện 6 tháng đầu năm 2020"; none when each column
    /// says it all.
    pub group_header: Option<String>,
    pub indicators: Vec<Indicator>,
    pub columns: Vec<TemplateColumn>,
    pub ratios: Vec<RatioColumn>,
    /// The name of the sheet to fill.
    pub sheet: String,
}

impl Template {
    /// An empty workbook for one reporting unit and period, headed as an office heads it
    /// ("ỦY BAN NHÂN DÂN XÃ …", the title, "Đơn vị báo cáo: … Kỳ báo cáo: …"); the caller adds
    /// the indicators and the columns.
    pub fn for_unit(title: String, unit_name: &str, unit_code: &str, period: &Period) -> Template {
        Template {
            issuer: format!("ỦY BAN NHÂN DÂN {}", unit_name.to_uppercase()),
            title,
            subtitle: format!(
                "Đơn vị báo cáo: {unit_name} (mã {unit_code}). Kỳ báo cáo: {} ({}).",
                period.name_vi(),
                period.code()
            ),
            group_header: None,
            indicators: Vec::new(),
            columns: Vec::new(),
            ratios: Vec::new(),
            sheet: "Biểu nhập liệu".into(),
        }
    }
}

const FIRST_FIGURE_COLUMN: u16 = 4;
const HEADER_ROW: u32 = 5;
const FIRST_DATA_ROW: u32 = 6;

/// Writes the workbook: the sheet to fill and the hidden mapping sheet.
pub fn write_template(t: &Template) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let font = |f: Format| f.set_font_name("Times New Roman").set_font_size(12);
    let title = font(Format::new())
        .set_bold()
        .set_font_size(14)
        .set_align(FormatAlign::Center);
    let issuer = font(Format::new()).set_bold().set_align(FormatAlign::Left);
    let note = font(Format::new())
        .set_italic()
        .set_font_size(10)
        .set_text_wrap()
        .set_align(FormatAlign::Left)
        .set_align(FormatAlign::Top);
    let subtitle = font(Format::new())
        .set_italic()
        .set_align(FormatAlign::Center);
    let head = font(Format::new())
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin)
        .set_background_color(Color::RGB(0xDDEBF7));
    let text = font(Format::new())
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter);
    let group = text
        .clone()
        .set_bold()
        .set_background_color(Color::RGB(0xF2F2F2));
    let centred = text.clone().set_align(FormatAlign::Center);
    let number = |decimals: u8, input: bool, fill: Option<u32>| {
        let pattern = if decimals == 0 {
            "#,##0".to_string()
        } else {
            format!("#,##0.{}", "0".repeat(decimals as usize))
        };
        let f = font(Format::new())
            .set_border(FormatBorder::Thin)
            .set_num_format(pattern);
        let f = if input { f.set_unlocked() } else { f };
        match fill {
            Some(rgb) => f.set_background_color(Color::RGB(rgb)),
            None => f,
        }
    };
    let last_column = FIRST_FIGURE_COLUMN + t.columns.len() as u16 + t.ratios.len() as u16 - 1;

    let sheet = book.add_worksheet();
    sheet.set_name(&t.sheet)?;
    // An empty cached result makes LibreOffice compute every formula on opening instead of
    // showing the 0 a writer that does not calculate would store.
    sheet.set_formula_result_default("");
    sheet.set_landscape();
    sheet.set_paper_size(9);
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_column_width(0, 5)?;
    sheet.set_column_width(1, 44)?;
    sheet.set_column_width(2, 20)?;
    sheet.set_column_width(3, 10)?;
    for c in FIRST_FIGURE_COLUMN..=last_column {
        sheet.set_column_width(c, 15)?;
    }
    sheet.merge_range(0, 0, 0, 3, &t.issuer, &issuer)?;
    sheet.merge_range(1, 0, 1, last_column, &t.title, &title)?;
    sheet.merge_range(2, 0, 2, last_column, &t.subtitle, &subtitle)?;
    sheet.merge_range(
        3,
        0,
        3,
        last_column,
        "Điền số vào các ô màu vàng theo đơn vị tính ở cột ĐVT. Không sửa cột Mã, tên các cột và \
         trang “solieu” (ẩn). Các ô xám là tổng và chỉ tiêu tính toán: bảng tính tự tính, phần mềm \
         kiểm tra lại. / Fill in the yellow cells in the unit of the ĐVT column; grey cells are \
         computed.",
        &note,
    )?;
    sheet.set_row_height(3, 42)?;
    let header_top = if t.group_header.is_some() {
        HEADER_ROW - 1
    } else {
        HEADER_ROW
    };
    for (c, label) in ["STT", "Chỉ tiêu", "Mã", "ĐVT"].iter().enumerate() {
        if header_top < HEADER_ROW {
            sheet.merge_range(header_top, c as u16, HEADER_ROW, c as u16, label, &head)?;
        } else {
            sheet.write_string_with_format(HEADER_ROW, c as u16, *label, &head)?;
        }
    }
    if let Some(g) = &t.group_header {
        let last_input = FIRST_FIGURE_COLUMN + t.columns.len() as u16 - 1;
        if last_input > FIRST_FIGURE_COLUMN {
            sheet.merge_range(
                header_top,
                FIRST_FIGURE_COLUMN,
                header_top,
                last_input,
                g,
                &head,
            )?;
        } else {
            sheet.write_string_with_format(header_top, FIRST_FIGURE_COLUMN, g, &head)?;
        }
        for c in last_input + 1..=last_column {
            sheet.write_blank(header_top, c, &head)?;
        }
    }
    for (i, column) in t.columns.iter().enumerate() {
        sheet.write_string_with_format(
            HEADER_ROW,
            FIRST_FIGURE_COLUMN + i as u16,
            &column.header,
            &head,
        )?;
    }
    for (i, ratio) in t.ratios.iter().enumerate() {
        sheet.write_string_with_format(
            HEADER_ROW,
            FIRST_FIGURE_COLUMN + (t.columns.len() + i) as u16,
            &ratio.header,
            &head,
        )?;
    }
    sheet.set_row_height(HEADER_ROW, 48)?;

    let figure_column = |i: usize| column_letter(FIRST_FIGURE_COLUMN as u32 + i as u32);
    let mut row = FIRST_DATA_ROW;
    let mut row_of: HashMap<&str, u32> = HashMap::new();
    // Group headings first, so formulas may refer to rows below them.
    let mut laid_out: Vec<(u32, &Indicator)> = Vec::new();
    let mut current_group: Option<String> = None;
    for indicator in &t.indicators {
        let path = indicator.group_path();
        if current_group.as_deref() != Some(path.as_str()) && !path.is_empty() {
            sheet.write_blank(row, 0, &group)?;
            sheet.merge_range(row, 1, row, 3, &path, &group)?;
            for c in FIRST_FIGURE_COLUMN..=last_column {
                sheet.write_blank(row, c, &group)?;
            }
            row += 1;
        }
        current_group = Some(path);
        row_of.insert(indicator.code.as_str(), row);
        laid_out.push((row, indicator));
        row += 1;
    }
    for (n, (row, indicator)) in laid_out.iter().enumerate() {
        let row = *row;
        sheet.write_number_with_format(row, 0, (n + 1) as f64, &centred)?;
        sheet.write_string_with_format(row, 1, &indicator.name, &text)?;
        sheet.write_string_with_format(row, 2, &indicator.code, &text)?;
        sheet.write_string_with_format(row, 3, indicator.unit.symbol(), &centred)?;
        let excel_row = row + 1;
        for (i, column) in t.columns.iter().enumerate() {
            let c = FIRST_FIGURE_COLUMN + i as u16;
            let computed = if column.role == Role::Total {
                // The sum of the figure columns of the same period and series.
                let parts: Vec<String> = t
                    .columns
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| {
                        p.role == Role::Value
                            && p.period == column.period
                            && p.series == column.series
                    })
                    .map(|(j, _)| format!("{}{excel_row}", figure_column(j)))
                    .collect();
                (indicator.aggregate == Aggregate::Sum
                    && !indicator.is_derived()
                    && !parts.is_empty())
                .then(|| {
                    let parts = parts.join(",");
                    format!("=IF(COUNT({parts})=0,\"\",SUM({parts}))")
                })
                .or(Some(String::new()))
            } else if indicator.is_derived() && column.series == Series::Actual {
                let cell = |code: &str| {
                    row_of
                        .get(code)
                        .map(|r| format!("{}{}", figure_column(i), r + 1))
                };
                Some(
                    indicator
                        .formula
                        .as_ref()
                        .and_then(|f| {
                            let operands: Option<Vec<String>> =
                                f.references().into_iter().map(cell).collect();
                            let operands = operands?;
                            let expr = excel_formula(f.expr(), &cell)?;
                            // Shown only once every operand is filled in.
                            Some(format!(
                                "=IF(COUNT({})<{},\"\",IFERROR({expr},\"\"))",
                                operands.join(","),
                                operands.len()
                            ))
                        })
                        .unwrap_or_default(),
                )
            } else {
                None
            };
            match computed {
                Some(formula) if formula.is_empty() => {
                    sheet.write_blank(
                        row,
                        c,
                        &number(indicator.decimals, false, Some(0xEDEDED)),
                    )?;
                }
                Some(formula) => {
                    sheet.write_formula_with_format(
                        row,
                        c,
                        formula.as_str(),
                        &number(indicator.decimals, false, Some(0xEDEDED)),
                    )?;
                }
                None => {
                    sheet.write_blank(row, c, &number(indicator.decimals, true, Some(0xFFF2CC)))?;
                }
            }
        }
        for (i, ratio) in t.ratios.iter().enumerate() {
            let c = FIRST_FIGURE_COLUMN + (t.columns.len() + i) as u16;
            let num = format!("{}{excel_row}", figure_column(ratio.numerator));
            let den = format!("{}{excel_row}", figure_column(ratio.denominator));
            let value = if ratio.change {
                format!("{num}/{den}*100-100")
            } else {
                format!("{num}/{den}*100")
            };
            sheet.write_formula_with_format(
                row,
                c,
                format!("=IF(AND(ISNUMBER({num}),ISNUMBER({den})),IF({den}<>0,{value},\"\"),\"\")")
                    .as_str(),
                &number(2, false, Some(0xEDEDED)),
            )?;
        }
    }
    sheet.set_freeze_panes(FIRST_DATA_ROW, FIRST_FIGURE_COLUMN)?;

    let mapping = book.add_worksheet();
    mapping.set_name(MAPPING_SHEET)?;
    for (c, h) in MAPPING_HEADER.iter().enumerate() {
        mapping.write_string(0, c as u16, *h)?;
    }
    let mut r = 1;
    let mut write = |cells: [String; 7]| -> Result<(), XlsxError> {
        for (c, v) in cells.iter().enumerate() {
            if !v.is_empty() {
                mapping.write_string(r, c as u16, v)?;
            }
        }
        r += 1;
        Ok(())
    };
    let empty = String::new;
    write([
        t.sheet.clone(),
        "C".into(),
        Role::Indicator.code().into(),
        empty(),
        empty(),
        empty(),
        empty(),
    ])?;
    write([
        t.sheet.clone(),
        "D".into(),
        Role::Measure.code().into(),
        empty(),
        empty(),
        empty(),
        empty(),
    ])?;
    for (i, column) in t.columns.iter().enumerate() {
        write([
            t.sheet.clone(),
            figure_column(i),
            column.role.code().into(),
            column.unit.clone().unwrap_or_default(),
            column.period.code(),
            column.series.code(),
            column
                .status
                .map(|s| s.code().to_string())
                .unwrap_or_default(),
        ])?;
    }
    mapping.set_hidden(true);
    book.save_to_buffer()
}

/// An indicator formula as a spreadsheet formula over the cells that hold its operands;
/// `None` when an operand is not in the sheet.
fn excel_formula(expr: &Expr, cell: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    Some(match expr {
        Expr::Number(n) => n.normalize().to_string(),
        Expr::Indicator(code) => cell(code)?,
        Expr::Neg(e) => format!("-({})", excel_formula(e, cell)?),
        Expr::Binary(a, op, b) => {
            let op = match op {
                Op::Add => "+",
                Op::Sub => "-",
                Op::Mul => "*",
                Op::Div => "/",
            };
            format!(
                "({}{op}{})",
                excel_formula(a, cell)?,
                excel_formula(b, cell)?
            )
        }
    })
}
