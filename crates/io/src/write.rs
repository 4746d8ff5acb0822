//! Writing the CSV formats, in canonical form: English headers, comma separated, UTF-8,
//! ISO dates, decimal point. What is written reads back into the same records.

use crate::csv_cell::neutralise;
use solieu_core::indicator::Indicator;
use solieu_core::lineage::LineageEvent;
use solieu_core::number::canonical;
use solieu_core::unit::UnitVersion;
use solieu_core::validation::Rule;
use solieu_core::value::ValueRecord;

/// A CSV of `header` and `rows`, each cell a spreadsheet could take for a formula
/// neutralised.
pub fn to_csv<const N: usize>(
    header: [&str; N],
    rows: impl Iterator<Item = [String; N]>,
) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header).expect("writing to memory");
    for row in rows {
        writer
            .write_record(row.iter().map(|cell| neutralise(cell).into_owned()))
            .expect("writing to memory");
    }
    String::from_utf8(writer.into_inner().expect("writing to memory"))
        .expect("all fields are UTF-8")
}

/// A cell of a table written as a workbook.
pub enum TableCell {
    Text(String),
    /// A figure a spreadsheet adds up (exact to its 15 digits; the CSV keeps every digit).
    Number(f64),
}

/// A workbook of one sheet named `sheet`: `header` in bold, then the rows, columns fitted.
pub fn to_xlsx<const N: usize>(
    sheet: &str,
    header: [&str; N],
    rows: impl Iterator<Item = [TableCell; N]>,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let page = book.add_worksheet();
    page.set_name(sheet)?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (c, h) in header.iter().enumerate() {
        page.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (r, row) in rows.enumerate() {
        let line = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            match cell {
                TableCell::Text(t) => page.write_string(line, c as u16, t)?,
                TableCell::Number(n) => page.write_number(line, c as u16, *n)?,
            };
        }
    }
    page.autofit();
    book.save_to_buffer()
}

pub(crate) fn date(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

pub fn write_units(units: &[UnitVersion]) -> String {
    to_csv(
        ["code", "name", "kind", "parent", "valid_from", "valid_to"],
        units.iter().map(|u| {
            [
                u.code.clone(),
                u.name.clone(),
                u.kind.code().to_string(),
                u.parent.clone().unwrap_or_default(),
                date(u.valid_from),
                date(u.valid_to),
            ]
        }),
    )
}

pub fn write_lineage(events: &[LineageEvent]) -> String {
    to_csv(
        ["date", "event", "from", "to", "share"],
        events.iter().map(|e| {
            [
                e.date.to_string(),
                e.kind.code().to_string(),
                e.from.clone(),
                e.to.clone(),
                e.share.map(canonical).unwrap_or_default(),
            ]
        }),
    )
}

pub fn write_indicators(indicators: &[Indicator]) -> String {
    to_csv(
        [
            "code",
            "name",
            "unit",
            "group",
            "aggregate",
            "time_aggregate",
            "decimals",
            "formula",
            "name_en",
            "price_basis",
        ],
        indicators.iter().map(|i| {
            [
                i.code.clone(),
                i.name.clone(),
                i.unit.symbol().to_string(),
                i.group_path(),
                i.aggregate.code().to_string(),
                i.time_aggregate.code().to_string(),
                i.decimals.to_string(),
                i.formula
                    .as_ref()
                    .map(|f| f.text().to_string())
                    .unwrap_or_default(),
                i.name_en.clone().unwrap_or_default(),
                i.price_basis.map(|p| p.code()).unwrap_or_default(),
            ]
        }),
    )
}

pub fn write_rules(rules: &[Rule]) -> String {
    to_csv(
        [
            "code",
            "name",
            "left",
            "operator",
            "right",
            "importance",
            "tolerance",
            "message",
        ],
        rules.iter().map(|r| {
            [
                r.code.clone(),
                r.name.clone(),
                r.left.text().to_string(),
                r.operator.symbol().to_string(),
                r.right.text().to_string(),
                r.importance.code().to_string(),
                canonical(r.tolerance),
                r.message.clone(),
            ]
        }),
    )
}

pub fn write_values<'a>(values: impl IntoIterator<Item = &'a ValueRecord>) -> String {
    to_csv(
        [
            "indicator",
            "unit",
            "period",
            "series",
            "value",
            "status",
            "note",
        ],
        values.into_iter().map(|v| {
            [
                v.key.indicator.clone(),
                v.key.unit.clone(),
                v.key.period.code(),
                v.key.series.code(),
                canonical(v.figure.value),
                v.figure.status.code().to_string(),
                v.figure.note.clone(),
            ]
        }),
    )
}
