//! Workbooks as offices fill them: the long layout, hand-made wide sheets read through a
//! mapping, the template's own round trip, and text typed in the old TCVN3 fonts.

use proptest::prelude::*;
use rust_xlsxwriter::Workbook;
use solieu_core::Decimal;
use solieu_core::formula::Formula;
use solieu_core::indicator::{Aggregate, Indicator, TimeAggregate};
use solieu_core::lineage::Registry;
use solieu_core::measure::MeasureUnit;
use solieu_core::period::Period;
use solieu_core::problem::Lang;
use solieu_core::unit::{UnitKind, UnitVersion};
use solieu_core::value::{Series, Status};
use solieu_io::excel::{Catalog, Mapping, Role, read_workbook};
use solieu_io::template::{Template, TemplateColumn, write_template};
use solieu_io::{ReadOptions, ReadResult};
use std::str::FromStr;

fn unit(code: &str, name: &str, kind: UnitKind, parent: Option<&str>) -> UnitVersion {
    UnitVersion {
        code: code.into(),
        name: name.into(),
        kind,
        parent: parent.map(str::to_string),
        valid_from: None,
        valid_to: None,
    }
}

fn registry() -> Registry {
    Registry::new(
        vec![
            unit("198", "Huyện Bình Liêu", UnitKind::Huyen, None),
            unit("06841", "Xã Hoành Mô", UnitKind::Xa, Some("198")),
            unit("06847", "Xã Đồng Văn", UnitKind::Xa, Some("198")),
            unit("00700", "Xã Đồng Văn", UnitKind::Xa, None),
        ],
        Vec::new(),
    )
}

fn indicator(code: &str, name: &str, measure: &str, formula: Option<&str>) -> Indicator {
    Indicator {
        code: code.into(),
        name: name.into(),
        name_en: None,
        unit: MeasureUnit::parse(measure),
        group: vec!["Kinh tế".into()],
        aggregate: Aggregate::Sum,
        time_aggregate: TimeAggregate::Sum,
        decimals: 2,
        price_basis: None,
        formula: formula.map(|f| Formula::parse(f).unwrap()),
    }
}

fn catalogue() -> Vec<Indicator> {
    vec![
        indicator("KHACH_DL", "Khách du lịch", "lượt", None),
        indicator("DOANH_THU_DL", "Doanh thu du lịch", "triệu đồng", None),
        indicator("GTSX_A", "Giá trị sản xuất A", "tỷ đồng", None),
        indicator("GTSX_B", "Giá trị sản xuất B", "tỷ đồng", None),
        indicator(
            "GTSX",
            "Giá trị sản xuất",
            "tỷ đồng",
            Some("GTSX_A + GTSX_B"),
        ),
    ]
}

fn read(bytes: &[u8], mapping: Option<&Mapping>) -> ReadResult {
    let registry = registry();
    let indicators = catalogue();
    let catalog = Catalog {
        indicators: &indicators,
        registry: &registry,
    };
    read_workbook("b.xlsx", bytes, mapping, &catalog, &ReadOptions::default())
}

fn messages(r: &ReadResult) -> Vec<String> {
    r.problems.iter().map(|p| p.render(Lang::En)).collect()
}

fn errors(r: &ReadResult) -> Vec<String> {
    r.problems
        .iter()
        .filter(|p| p.is_error())
        .map(|p| p.render(Lang::En))
        .collect()
}

fn mapping(csv: &str) -> Mapping {
    let (m, problems) = Mapping::from_csv("map.csv", csv.as_bytes());
    assert!(problems.is_empty(), "{problems:?}");
    m
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// A cell of the first sheet: a number, a text, or left empty.
enum C<'a> {
    N(f64),
    T(&'a str),
    E,
}

fn workbook(sheets: &[(&str, Vec<Vec<C>>)]) -> Vec<u8> {
    let mut book = Workbook::new();
    for (name, rows) in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                match cell {
                    C::N(x) => {
                        sheet.write_number(r as u32, c as u16, *x).unwrap();
                    }
                    C::T(t) => {
                        sheet.write_string(r as u32, c as u16, *t).unwrap();
                    }
                    C::E => {}
                }
            }
        }
    }
    book.save_to_buffer().unwrap()
}

#[test]
fn a_long_layout_sheet_reads_as_its_csv_with_numbers_taken_as_stored() {
    use C::*;
    let bytes = workbook(&[
        (
            "values",
            vec![
                vec![
                    T("indicator"),
                    T("unit"),
                    T("period"),
                    T("series"),
                    T("value"),
                    T("status"),
                ],
                vec![
                    T("GTSX_A"),
                    T("198"),
                    T("2020S1"),
                    T("actual"),
                    N(643.41),
                    T("estimate"),
                ],
                // A year typed as a number and a figure typed as text with a decimal comma.
                vec![
                    T("KHACH_DL"),
                    N(198.0),
                    N(2020.0),
                    T("plan"),
                    T("1.234,5"),
                    E,
                ],
            ],
        ),
        ("Ghi chú", vec![vec![T("Số liệu do phòng Tài chính gửi")]]),
    ]);
    let r = read(&bytes, None);
    assert!(errors(&r).is_empty(), "{:?}", messages(&r));
    let v = &r.incoming.values;
    assert_eq!(v.len(), 2);
    assert_eq!(v[0].item.record.figure.value, d("643.41"));
    assert_eq!(v[0].location.sheet.as_deref(), Some("values"));
    assert_eq!(v[0].location.line, Some(2));
    assert_eq!(v[1].item.record.key.period, Period::year(2020).unwrap());
    assert_eq!(v[1].item.record.figure.value, d("1234.5"));
    // The notes sheet is named as not read, not silently skipped.
    assert!(
        messages(&r)
            .iter()
            .any(|m| m.contains("Ghi chú") && m.contains("not read")),
        "{:?}",
        messages(&r)
    );
}

/// A sheet laid out as a district office lays it out: a title, a merged-looking header, commune
/// columns named in their header, a total column, and a section row between indicators.
fn hand_made_sheet(cells: [[C<'static>; 3]; 3], header_f: &'static str) -> Vec<u8> {
    use C::*;
    let [a, b, total] = cells;
    let mut rows = vec![
        vec![T("BIỂU SỐ LIỆU 6 THÁNG ĐẦU NĂM 2020")],
        vec![],
        vec![E, E, E, T("Ước thực hiện 6 tháng 2020")],
        vec![
            T("STT"),
            T("Chỉ tiêu"),
            T("ĐVT"),
            T("Hoành Mô"),
            T(header_f),
            T("Tổng"),
        ],
        vec![E, T("I. KINH TẾ")],
    ];
    let mut push = |n: f64, name: &'static str, dvt: &'static str, cells: [C<'static>; 3]| {
        let [x, y, z] = cells;
        rows.push(vec![N(n), T(name), T(dvt), x, y, z]);
    };
    push(1.0, "Giá trị sản xuất A", "tỷ đồng", a);
    push(2.0, "Giá trị sản xuất B", "tỷ đồng", b);
    push(3.0, "Giá trị sản xuất", "tỷ đồng", total);
    workbook(&[("Biểu 01", rows)])
}

const HAND_MAPPING: &str = "sheet,column,role,unit,period,series,status\n\
     Biểu 01,B,indicator,,,,\n\
     Biểu 01,C,measure,,,,\n\
     Biểu 01,D,value,,2020S1,actual,estimate\n\
     Biểu 01,E,value,,2020S1,actual,estimate\n\
     Biểu 01,F,total,198,2020S1,actual,\n";

#[test]
fn a_hand_made_wide_sheet_imports_through_a_mapping_with_its_totals_checked() {
    use C::*;
    let bytes = hand_made_sheet(
        [
            [N(10.5), N(20.25), N(30.75)],
            [T("1,5"), N(2.0), N(3.5)],
            [N(12.0), N(22.25), N(34.25)],
        ],
        "Đồng Văn (06847)",
    );
    let r = read(&bytes, Some(&mapping(HAND_MAPPING)));
    assert!(errors(&r).is_empty(), "{:?}", messages(&r));
    let got: Vec<(String, String, Decimal)> = r
        .incoming
        .values
        .iter()
        .map(|v| {
            let k = &v.item.record.key;
            (
                k.indicator.clone(),
                k.unit.clone(),
                v.item.record.figure.value,
            )
        })
        .collect();
    // Totals and the derived row are checked, never imported.
    assert_eq!(
        got,
        vec![
            ("GTSX_A".into(), "06841".into(), d("10.5")),
            ("GTSX_A".into(), "06847".into(), d("20.25")),
            ("GTSX_B".into(), "06841".into(), d("1.5")),
            ("GTSX_B".into(), "06847".into(), d("2")),
        ]
    );
    let first = &r.incoming.values[0];
    assert_eq!(first.item.record.figure.status, Status::Estimate);
    assert_eq!(first.item.record.key.series, Series::Actual);
    assert_eq!(first.location.line, Some(6));
    assert_eq!(first.location.column.as_deref(), Some("D (Hoành Mô)"));
}

#[test]
fn faults_in_a_wide_sheet_are_each_named_and_nothing_is_read() {
    use C::*;
    let bytes = hand_made_sheet(
        [
            [T("khoảng 50"), N(20.0), N(70.0)],
            [N(1.0), N(2.0), N(4.0)],
            [N(12.0), N(22.0), E],
        ],
        "Đồng Vinh",
    );
    let r = read(&bytes, Some(&mapping(HAND_MAPPING)));
    let e = errors(&r);
    let has = |needle: &[&str]| e.iter().any(|m| needle.iter().all(|n| m.contains(n)));
    assert!(
        has(&[
            "sheet “Biểu 01”, line 6, column D (Hoành Mô)",
            "“khoảng 50”",
            "not a number"
        ]),
        "{e:#?}"
    );
    // "Đồng Vinh" is no unit; the message offers the close names it could be.
    assert!(
        has(&[
            "line 4, column E (Đồng Vinh)",
            "did you mean",
            "Xã Đồng Văn (06847)"
        ]),
        "{e:#?}"
    );
    assert!(
        has(&[
            "line 7, column F (Tổng)",
            "does not add up",
            "is 3 but the cell says 4"
        ]),
        "{e:#?}"
    );
    assert!(
        r.incoming.values.is_empty(),
        "nothing of a faulty sheet is read"
    );

    // A header whose code names another commune than its name is refused, not guessed.
    let bytes = hand_made_sheet(
        [
            [N(1.0), N(2.0), N(3.0)],
            [N(1.0), N(2.0), N(3.0)],
            [N(2.0), N(4.0), N(6.0)],
        ],
        "Xã Hoành Mô (06847)",
    );
    let e = errors(&read(&bytes, Some(&mapping(HAND_MAPPING))));
    assert!(
        e.iter()
            .any(|m| m.contains("the name and the code disagree: 06847 is Xã Đồng Văn")),
        "{e:#?}"
    );
}

#[test]
fn a_derived_row_must_agree_with_its_formula_and_units_of_measure_must_match() {
    use C::*;
    let bytes = hand_made_sheet(
        [
            [N(10.0), N(20.0), N(30.0)],
            [N(1.0), N(2.0), N(3.0)],
            [N(11.0), N(25.0), N(36.0)],
        ],
        "Đồng Văn (06847)",
    );
    let r = read(&bytes, Some(&mapping(HAND_MAPPING)));
    let e = errors(&r);
    assert!(
        e.iter()
            .any(|m| m.contains("column E") && m.contains("GTSX = GTSX_A + GTSX_B is 22")),
        "{e:#?}"
    );
    // Within rounding is not a fault: 11 = 10 + 1.004 printed to two decimals.
    let bytes = hand_made_sheet(
        [
            [N(10.0), N(20.0), N(30.0)],
            [N(1.004), N(2.0), N(3.004)],
            [N(11.0), N(22.0), N(33.0)],
        ],
        "Đồng Văn (06847)",
    );
    assert!(errors(&read(&bytes, Some(&mapping(HAND_MAPPING)))).is_empty());

    // A row whose ĐVT says triệu đồng where the indicator is in tỷ đồng.
    let mut rows = vec![vec![C::T("Chỉ tiêu"), C::T("ĐVT"), C::T("Hoành Mô")]];
    rows.push(vec![C::T("GTSX_A"), C::T("triệu đồng"), C::N(2200.0)]);
    let bytes = workbook(&[("Biểu 01", rows)]);
    let m = mapping(
        "sheet,column,role,unit,period,series,status\n,A,indicator,,,,\n,B,measure,,,,\n,C,value,,2020S1,actual,estimate\n",
    );
    let e = errors(&read(&bytes, Some(&m)));
    assert!(
        e.iter().any(|x| x.contains("“triệu đồng”")
            && x.contains("differs from indicator GTSX_A's (tỷ đồng)")
            && x.contains("1 triệu đồng = 0.001 tỷ đồng")),
        "{e:#?}"
    );
}

#[test]
fn an_unknown_indicator_with_figures_is_refused_and_headings_are_skipped() {
    use C::*;
    let rows = vec![
        vec![T("Chỉ tiêu"), T("Kế hoạch 2020")],
        vec![T("A. DU LỊCH")],
        vec![T("Khách du lich"), N(85000.0)],
        vec![T("Khách đi lễ hội"), N(12.0)],
    ];
    let bytes = workbook(&[("Sheet1", rows)]);
    let m = mapping(
        "column,role,unit,period,series\nA,indicator,,,\nB,value,198,2020,plan:hdnd-huyen\n",
    );
    let r = read(&bytes, Some(&m));
    let e = errors(&r);
    assert_eq!(e.len(), 1, "{e:#?}");
    assert!(
        e[0].contains("line 4")
            && e[0].contains("“Khách đi lễ hội”")
            && e[0].contains("did you mean: Khách du lịch"),
        "{e:#?}"
    );

    // Without the stray row, the indicator is found by its name, diacritics as typed.
    let rows = vec![
        vec![T("Chỉ tiêu"), T("Kế hoạch 2020")],
        vec![T("A. DU LỊCH")],
        vec![T("Khách du lich"), N(85000.0)],
    ];
    let r = read(&workbook(&[("Sheet1", rows)]), Some(&m));
    assert!(errors(&r).is_empty(), "{:?}", messages(&r));
    assert_eq!(r.incoming.values[0].item.record.key.indicator, "KHACH_DL");
    assert_eq!(
        r.incoming.values[0].item.record.key.series,
        Series::Plan("hdnd-huyen".into())
    );
}

#[test]
fn a_sheet_typed_in_the_old_tcvn3_fonts_is_converted_and_said_so() {
    use C::*;
    // "Khách du lịch" and "Doanh thu du lịch" as a .VnTime workbook stores them.
    let rows = vec![
        vec![T("ChØ tiªu"), T("KÕ ho¹ch")],
        vec![T("Kh¸ch du lÞch"), N(85000.0)],
        vec![T("Doanh thu du lÞch"), N(26000.0)],
    ];
    let m = mapping("column,role,unit,period,series\nA,indicator,,,\nB,value,198,2020,plan\n");
    let r = read(&workbook(&[("Sheet1", rows)]), Some(&m));
    assert!(errors(&r).is_empty(), "{:?}", messages(&r));
    let codes: Vec<&str> = r
        .incoming
        .values
        .iter()
        .map(|v| v.item.record.key.indicator.as_str())
        .collect();
    assert_eq!(codes, ["KHACH_DL", "DOANH_THU_DL"]);
    assert!(
        messages(&r)
            .iter()
            .any(|m| m.contains("TCVN3") && m.contains("converted"))
    );
}

#[test]
fn a_template_reads_back_its_own_mapping() {
    let period = Period::half(2020, 1).unwrap();
    let template = Template {
        issuer: "ỦY BAN NHÂN DÂN HUYỆN BÌNH LIÊU".into(),
        title: "BIỂU".into(),
        subtitle: String::new(),
        group_header: Some("Ước thực hiện 6 tháng đầu năm 2020".into()),
        indicators: catalogue(),
        columns: vec![
            TemplateColumn {
                header: "Xã Hoành Mô (06841)".into(),
                role: Role::Value,
                unit: None,
                period,
                series: Series::Actual,
                status: Some(Status::Estimate),
            },
            TemplateColumn {
                header: "Tổng cộng".into(),
                role: Role::Total,
                unit: Some("198".into()),
                period,
                series: Series::Actual,
                status: None,
            },
        ],
        ratios: Vec::new(),
        sheet: "Biểu nhập liệu".into(),
    };
    let bytes = write_template(&template).unwrap();
    // Empty, it reads without a fault and without a value: only filled cells are figures.
    let r = read(&bytes, None);
    assert!(errors(&r).is_empty(), "{:?}", messages(&r));
    assert!(r.incoming.values.is_empty());
    assert_eq!(r.rows, catalogue().len());
}

#[test]
fn an_unreadable_workbook_is_refused_with_a_hint() {
    let r = read(b"PK\x03\x04 not really a zip", None);
    let e = errors(&r);
    assert!(
        e[0].starts_with("b.xlsx: cannot open the workbook"),
        "{e:?}"
    );
    assert!(e[0].contains("save it as .xlsx"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn no_bytes_make_the_workbook_reader_panic(tail in proptest::collection::vec(any::<u8>(), 0..400)) {
        let mut bytes = b"PK\x03\x04".to_vec();
        bytes.extend(tail);
        let _ = read(&bytes, None);
    }

    #[test]
    fn no_mapping_text_makes_the_mapping_reader_panic(text in "\\PC{0,200}") {
        let _ = Mapping::from_csv("m.csv", text.as_bytes());
    }

    #[test]
    fn any_cells_in_a_mapped_sheet_read_without_panic(
        cells in proptest::collection::vec(proptest::option::of("[-0-9.,a-zđ ]{0,12}"), 12),
        numbers in proptest::collection::vec(proptest::option::of(-1e12f64..1e12), 12),
    ) {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        for i in 0..12u32 {
            let (r, c) = (i / 3, (i % 3) as u16);
            if let Some(t) = &cells[i as usize] {
                sheet.write_string(r, c, t).unwrap();
            } else if let Some(x) = numbers[i as usize] {
                sheet.write_number(r, c, x).unwrap();
            }
        }
        sheet.write_string(4, 0, "GTSX_A").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let m = mapping("column,role,unit,period,series,status\nA,indicator,,,,\nB,value,06841,2020S1,actual,estimate\nC,total,198,2020S1,actual,\n");
        let _ = read(&bytes, Some(&m));
    }
}

#[test]
fn a_date_in_a_figure_cell_is_refused() {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "GTSX_A").unwrap();
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2020, 6, 15).unwrap();
    let format = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    sheet
        .write_datetime_with_format(0, 1, &date, &format)
        .unwrap();
    let m = mapping(
        "column,role,unit,period,series,status\nA,indicator,,,,\nB,value,06841,2020S1,actual,estimate\n",
    );
    let e = errors(&read(&book.save_to_buffer().unwrap(), Some(&m)));
    assert!(e.iter().any(|x| x.contains("holds a date")), "{e:?}");
}

#[test]
fn a_rules_sheet_carries_each_rule_s_message() {
    use C::*;
    let bytes = workbook(&[(
        "rules",
        vec![
            vec![
                T("code"),
                T("name"),
                T("left"),
                T("operator"),
                T("right"),
                T("message"),
            ],
            vec![
                T("KHACH_KHONG_AM"),
                T("Khách du lịch không âm"),
                T("KHACH_DL"),
                T(">="),
                N(0.0),
                T("Số khách du lịch không được âm"),
            ],
        ],
    )]);
    let r = read(&bytes, None);
    assert!(errors(&r).is_empty(), "{:?}", messages(&r));
    assert_eq!(
        r.incoming.rules[0].item.message,
        "Số khách du lịch không được âm"
    );
}
