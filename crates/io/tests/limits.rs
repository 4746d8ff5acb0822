//! Hostile files are refused, whole, with a problem naming the limit they pass, before the
//! reader holds what they ask for (docs/limits.md). The files are generated (`hostile`).

mod hostile;

use solieu_core::lineage::Registry;
use solieu_core::problem::{Lang, Problem};
use solieu_io::excel::{Catalog, read_workbook};
use solieu_io::{Limit, Limits, ReadOptions, ReadResult, read_csv};

fn workbook(bytes: &[u8], limits: Limits) -> ReadResult {
    let registry = Registry::new(Vec::new(), Vec::new());
    let catalog = Catalog {
        indicators: &[],
        registry: &registry,
    };
    let options = ReadOptions {
        limits,
        ..Default::default()
    };
    read_workbook("hostile.xlsx", bytes, None, &catalog, &options)
}

fn csv(bytes: &[u8], limits: Limits) -> ReadResult {
    let options = ReadOptions {
        limits,
        ..Default::default()
    };
    read_csv("hostile.csv", bytes, &options)
}

/// The one refusal of a file over `limit`; nothing read from it.
fn refused(read: &ReadResult, limit: Limit) -> Problem {
    let named = format!("({})", limit.name());
    let errors: Vec<&Problem> = read.problems.iter().filter(|p| p.is_error()).collect();
    assert_eq!(
        errors.len(),
        1,
        "one refusal, got {:?}",
        errors
            .iter()
            .map(|p| p.render(Lang::En))
            .collect::<Vec<_>>()
    );
    let p = errors[0];
    assert!(
        p.message.en.contains(&named) && p.message.vi.contains(&named),
        "{}",
        p.render(Lang::En)
    );
    assert!(p.hint.as_ref().unwrap().en.contains("--limit"));
    assert!(read.incoming.values.is_empty());
    p.clone()
}

fn with(limit: Limit, value: u64) -> Limits {
    let mut limits = Limits::default();
    limits.set(limit, value);
    limits
}

#[test]
fn a_cell_at_xfd1048576_is_refused_for_the_area_it_spans() {
    let bytes = hostile::far_cell();
    assert!(bytes.len() < 2_100, "a small file: {}", bytes.len());
    let read = workbook(&bytes, Limits::default());
    let p = refused(&read, Limit::Area);
    assert_eq!(p.value.as_deref(), Some("A1:XFD1048576"));
    assert!(
        p.message.en.contains("at most 10,000,000"),
        "{}",
        p.message.en
    );
    assert_eq!(p.location.sheet.as_deref(), Some("Sheet1"));
}

#[test]
fn the_fuzzers_far_cell_written_by_rust_xlsxwriter_is_refused() {
    // fuzz-findings.md, 1: the seed `fuzz/corpus/workbook/far-cell.xlsx`, with its
    // `<dimension ref="A1:XFD1048576"/>`.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let header = [
        "indicator",
        "unit",
        "period",
        "series",
        "value",
        "status",
        "note",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1_048_575, 16_383, "x").unwrap();
    let bytes = book.save_to_buffer().unwrap();
    refused(&workbook(&bytes, Limits::default()), Limit::Area);
    refused(&workbook(&bytes, Limits::upload()), Limit::Rows);
}

#[test]
fn a_far_formula_without_a_value_counts_for_the_area() {
    let bytes = hostile::xlsx(
        hostile::text(&format!(
            "{}<row r=\"1048576\"><c r=\"XFD1048576\"><f>1+1</f></c></row>",
            hostile::row(&["indicator", "unit", "period", "series", "value", "status"])
        )),
        None,
    );
    let p = refused(&workbook(&bytes, Limits::default()), Limit::Area);
    assert_eq!(p.value.as_deref(), Some("A1:XFD1048576"));
}

#[test]
fn a_cell_of_forty_mib_is_refused_where_it_is() {
    let read = workbook(&hostile::huge_cell(40), Limits::default());
    let p = refused(&read, Limit::CellChars);
    assert_eq!(p.location.line, Some(2));
    assert_eq!(p.location.column.as_deref(), Some("A"));
    assert!(
        p.message.en.contains("the file has 41,943,040"),
        "{}",
        p.message.en
    );
    // The problem quotes the start of the cell, not 40 MiB of it.
    assert!(p.value.as_ref().unwrap().len() < 300);
}

#[test]
fn rows_past_the_limit_are_refused_at_the_first_one() {
    let read = workbook(&hostile::many_rows(2_000), with(Limit::Rows, 1_000));
    let p = refused(&read, Limit::Rows);
    assert_eq!(p.location.line, Some(1_001));
}

#[test]
fn a_sheet_of_spaces_is_refused_for_its_cells() {
    let read = workbook(&hostile::whitespace(200, 100), with(Limit::Cells, 10_000));
    refused(&read, Limit::Cells);
    // Under the limit the spaces are read as the empty cells they look like.
    let read = workbook(&hostile::whitespace(20, 10), Limits::default());
    assert!(
        read.problems
            .iter()
            .all(|p| !p.message.en.contains("over the limit")),
        "{:?}",
        read.problems
    );
}

#[test]
fn a_zip_bomb_is_refused_while_inflating() {
    let bytes = hostile::zip_bomb(64);
    assert!(bytes.len() < 1 << 20, "{}", bytes.len());
    let read = workbook(&bytes, with(Limit::PartBytes, 8 << 20));
    let p = refused(&read, Limit::PartBytes);
    assert_eq!(p.value.as_deref(), Some("xl/worksheets/sheet1.xml"));
}

#[test]
fn parts_that_inflate_beyond_the_total_are_refused() {
    let spaces = hostile::xlsx(hostile::repeat("", " ", 12 << 20, ""), None);
    let read = workbook(&spaces, with(Limit::TotalBytes, 8 << 20));
    refused(&read, Limit::TotalBytes);
}

#[test]
fn a_container_of_too_many_entries_is_refused() {
    let names: Vec<String> = (0..20).map(|i| format!("x/{i}.xml")).collect();
    let bytes = hostile::zip(
        names
            .iter()
            .map(|n| (n.as_str(), hostile::text("<x/>")))
            .collect(),
    );
    let read = workbook(&bytes, with(Limit::Entries, 10));
    refused(&read, Limit::Entries);
}

#[test]
fn a_shared_strings_count_is_not_believed() {
    // calamine would reserve room for four billion strings before reading one.
    let bytes = hostile::xlsx(
        hostile::text(&hostile::row(&["indicator"])),
        Some(hostile::text(
            "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"1\" uniqueCount=\"4000000000\"><si><t>x</t></si></sst>",
        )),
    );
    let p = refused(&workbook(&bytes, Limits::default()), Limit::Cells);
    assert!(p.value.as_ref().unwrap().contains("uniqueCount"));
}

#[test]
fn repeated_rows_and_columns_of_an_ods_are_counted_before_they_are_expanded() {
    let bytes = hostile::ods_repeated();
    let p = refused(&workbook(&bytes, Limits::default()), Limit::Cells);
    assert_eq!(p.location.sheet.as_deref(), Some("S"));
}

#[test]
fn an_xls_cell_at_iv65536_is_refused_before_calamine_reads_the_sheet() {
    let read = workbook(&hostile::far_cell_xls(100), Limits::default());
    let p = refused(&read, Limit::Area);
    assert_eq!(p.value.as_deref(), Some("A1:IV65536"));
    assert_eq!(p.location.sheet.as_deref(), Some("S1"));
}

#[test]
fn an_xls_sheet_listed_many_times_counts_each_time() {
    // Under the area limit once; calamine would read it a hundred times.
    let read = workbook(&hostile::far_cell_xls(100), with(Limit::Area, 20_000_000));
    let p = refused(&read, Limit::Area);
    assert!(
        p.message.en.contains("the file has 33,554,432"),
        "{}",
        p.message.en
    );
}

#[test]
fn a_csv_cut_inside_a_quote_is_refused_where_the_quote_opens() {
    let read = csv(&hostile::unterminated_csv(), Limits::default());
    assert_eq!(read.problems.len(), 1, "{:?}", read.problems);
    let p = &read.problems[0];
    assert!(p.is_error());
    assert_eq!(p.location.line, Some(3));
    assert_eq!(p.location.column.as_deref(), Some("note"));
    assert!(p.message.en.contains("never closed"), "{}", p.message.en);
    assert!(p.hint.is_some());
    assert!(read.incoming.values.is_empty());
    // Quotes that close, doubled quotes and quotes inside a field are not mistaken for it.
    let fine = "indicator,unit,period,series,value,status,note\n\
        DT_LUA,06841,2020S1,actual,1,official,\"a \"\"b\"\", c\nd\"\n\
        DT_LUA,06844,2020S1,actual,2,official,5\" pipe\n";
    let read = csv(fine.as_bytes(), Limits::default());
    assert!(read.problems.is_empty(), "{:?}", read.problems);
    assert_eq!(read.incoming.values.len(), 2);
}

#[test]
fn a_csv_over_a_limit_is_refused() {
    let long = format!(
        "indicator,unit,period,series,value,status,note\nDT_LUA,06841,2020S1,actual,1,official,{}\n",
        "x".repeat(40_000)
    );
    let p = refused(&csv(long.as_bytes(), Limits::default()), Limit::CellChars);
    assert_eq!(p.location.column.as_deref(), Some("note"));
    refused(
        &csv(&hostile::many_problems(50), with(Limit::Rows, 10)),
        Limit::Rows,
    );
    refused(
        &csv(&hostile::many_problems(50), with(Limit::Cells, 100)),
        Limit::Cells,
    );
}

#[test]
fn a_note_longer_than_the_limit_is_refused() {
    let text = format!(
        "indicator,unit,period,series,value,status,note\nDT_LUA,06841,2020S1,actual,1,official,{}\n",
        "đ".repeat(2_400)
    );
    let p = refused(&csv(text.as_bytes(), Limits::default()), Limit::NoteChars);
    assert_eq!(p.location.line, Some(2));
    assert!(
        p.message.en.contains("the file has 2,400"),
        "{}",
        p.message.en
    );
}

#[test]
fn many_problems_are_counted_but_only_the_first_kept() {
    let read = csv(&hostile::many_problems(10_000), Limits::default());
    assert!(read.problems.len() <= 400, "{}", read.problems.len());
    assert_eq!(read.errors(), 10_000);
    assert!(read.omitted_errors >= 9_600);
    // The first rows' problems are the ones kept.
    assert!(read.problems.iter().any(|p| p.location.line == Some(2)));
}

#[test]
fn limits_are_set_by_name() {
    use solieu_io::limits::parse_setting;
    assert_eq!(parse_setting("rows=2000000"), Ok((Limit::Rows, 2_000_000)));
    assert_eq!(
        parse_setting("part-bytes=2GiB"),
        Ok((Limit::PartBytes, 2 << 30))
    );
    assert!(parse_setting("rowz=1").unwrap_err().contains("cell-chars"));
    assert!(parse_setting("rows").is_err());
}

/// The benchmark's import (BENCHMARKS.md: one million values, the long layout written by
/// rust_xlsxwriter, 6 cells a row) within the default limits. A minute in a debug build:
/// `cargo test -p solieu-io --test limits -- --ignored`.
#[test]
#[ignore]
fn the_benchmarks_million_values_fit_the_default_limits() {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let header = [
        "indicator",
        "unit",
        "period",
        "series",
        "value",
        "status",
        "note",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for row in 1..=1_000_000u32 {
        sheet
            .write_string(row, 0, format!("I{:03}", row % 20))
            .unwrap();
        sheet
            .write_string(row, 1, format!("{:05}", 10_000 + row % 1_000))
            .unwrap();
        sheet
            .write_string(
                row,
                2,
                format!("20{:02}{:02}", 10 + row / 12_000 % 10, 1 + row % 12),
            )
            .unwrap();
        sheet.write_string(row, 3, "actual").unwrap();
        sheet.write_number(row, 4, row as f64 / 100.0).unwrap();
        sheet.write_string(row, 5, "official").unwrap();
    }
    let bytes = book.save_to_buffer().unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&bytes[..])).unwrap();
    for i in 0..archive.len() {
        let part = archive.by_index(i).unwrap();
        println!("{}: {} bytes inflated", part.name().unwrap(), part.size());
    }
    drop(archive);
    if let Some(dir) = std::env::var_os("SOLIEU_HOSTILE_DIR") {
        std::fs::write(std::path::Path::new(&dir).join("million.xlsx"), &bytes).unwrap();
    }
    let read = workbook(&bytes, Limits::default());
    assert!(
        read.problems
            .iter()
            .all(|p| !p.message.en.contains("over the limit")),
        "{:?}",
        read.problems.first()
    );
    assert_eq!(
        read.incoming.values.len(),
        1_000_000,
        "{:?}",
        read.problems.first()
    );
}

#[test]
fn a_csv_header_over_a_limit_is_refused() {
    let header = format!("indicator,{}\n", "x,".repeat(20_000));
    let p = refused(&csv(header.as_bytes(), Limits::default()), Limit::Columns);
    assert_eq!(p.location.line, Some(1));
}
