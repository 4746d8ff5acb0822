//! Reading the CSV formats as offices save them, and refusing what cannot be read.

use solieu_core::Decimal;
use solieu_core::problem::Lang;
use solieu_core::value::{Series, Status};
use solieu_io::{FileKind, ReadOptions, ReadResult, read_csv};
use std::str::FromStr;

fn read(text: &str) -> ReadResult {
    read_csv("t.csv", text.as_bytes(), &ReadOptions::default())
}

fn messages(r: &ReadResult) -> Vec<String> {
    r.problems.iter().map(|p| p.render(Lang::En)).collect()
}

#[test]
fn vietnamese_headers_semicolons_and_bom_are_read() {
    let text = "\u{feff}Mã chỉ tiêu;Đơn vị;Kỳ;Loại;Giá trị;Trạng thái;Ghi chú\n\
                GTSX;198;2020;Kế hoạch:hdnd-huyen;1.613;Chính thức;\n\
                GTSX_NLTS;198;2020S1;Thực hiện;146,53;Ước tính;ghi chú\n";
    let r = read(text);
    assert_eq!(r.kind, Some(FileKind::Values));
    assert!(r.problems.is_empty(), "{:?}", messages(&r));
    let v = &r.incoming.values;
    assert_eq!(
        v[0].item.record.key.series,
        Series::Plan("hdnd-huyen".into())
    );
    assert_eq!(v[0].item.record.figure.value, Decimal::from(1613));
    assert_eq!(
        v[1].item.record.figure.value,
        Decimal::from_str("146.53").unwrap()
    );
    assert_eq!(v[1].item.record.figure.status, Status::Estimate);
    assert_eq!(v[1].location.line, Some(3));
}

#[test]
fn each_kind_is_recognised_by_its_header() {
    assert_eq!(
        read("code,name,kind\n22,Tỉnh Quảng Ninh,tinh\n").kind,
        Some(FileKind::Units)
    );
    assert_eq!(
        read("date,event,from,to\n2020-01-01,merge,1,2\n").kind,
        Some(FileKind::Lineage)
    );
    assert_eq!(
        read("code,name,unit\nA,Chỉ tiêu A,ha\n").kind,
        Some(FileKind::Indicators)
    );
    let unknown = read("foo,bar\n1,2\n");
    assert_eq!(unknown.kind, None);
    assert!(messages(&unknown)[0].contains("cannot tell which kind of file"));
}

#[test]
fn every_problem_of_a_file_is_named_with_line_and_column() {
    let r = read(
        "indicator,unit,period,series,value,status,extra\n\
         A,198,2020S9,actual,1,estimate,x\n\
         A,198,2020,forecast,1,estimate,x\n\
         A,198,2020,actual,1,final,x\n\
         A,198,2020,actual,,estimate,x\n\
         A,198,2020,actual,1,,x\n\
         A,198,2020\n",
    );
    let m = messages(&r);
    let expected = [
        "t.csv, line 1, column extra: “extra”: a column the values format does not have",
        "t.csv, line 2, column period: “2020S9”",
        "t.csv, line 3, column series: “forecast”",
        "t.csv, line 4, column status: “final”",
        "t.csv, line 5, column value: “”: the value must not be empty",
        "t.csv, line 6, column status: “”: an actual value needs a status",
        "t.csv, line 7: the line has 3 cells but the header has 7 columns",
    ];
    for e in expected {
        assert!(
            m.iter().any(|x| x.starts_with(e)),
            "missing {e:?} in {m:#?}"
        );
    }
    assert!(r.incoming.values.is_empty());
}

#[test]
fn old_encodings_are_converted_or_refused_clearly() {
    // "Hoành Mô" as a CSV saved from a .VnTime workbook: Windows-1252 bytes of TCVN3 letters.
    let mut bytes = b"code,name,kind,parent\n06841,X\xb7 Ho\xb5nh M\xab,xa,198\n".to_vec();
    let r = read_csv("old.csv", &bytes, &ReadOptions::default());
    assert_eq!(
        r.incoming.units[0].item.name,
        "Xã Hoành Mô",
        "{:?}",
        messages(&r)
    );
    assert!(
        messages(&r)[0].starts_with("old.csv: the file is in the old TCVN3 (ABC) encoding"),
        "{:?}",
        messages(&r)
    );
    assert!(!r.problems[0].is_error());
    // Western text that is no Vietnamese encoding is refused, not turned into wrong letters.
    bytes = b"code,name,kind\n22,M\xfcller Stra\xdfe,tinh\n".to_vec();
    let r = read_csv("w.csv", &bytes, &ReadOptions::default());
    assert!(
        messages(&r)[0].starts_with("w.csv: the file is not UTF-8 and does not read as TCVN3"),
        "{:?}",
        messages(&r)
    );
    assert!(r.incoming.units.is_empty());
    // UTF-16 with its byte order mark, as Excel's "Unicode text" saves, reads.
    let text = "code,name,kind\n22,Quảng Ninh,tinh\n";
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let r = read_csv("u16.csv", &bytes, &ReadOptions::default());
    assert_eq!(
        r.incoming.units[0].item.name,
        "Quảng Ninh",
        "{:?}",
        messages(&r)
    );
    assert!(messages(&read(""))[0].contains("empty"));
}

#[test]
fn units_lineage_and_indicators_are_read_with_their_rules() {
    let units = read(
        "code,name,kind,parent,valid_from,valid_to\n06838,Thị trấn Bình Liêu,Thị trấn,198,,30/06/2025\n06838,X,village,198,2025-13-01,\n",
    );
    assert_eq!(units.incoming.units.len(), 1);
    assert_eq!(
        units.incoming.units[0].item.valid_to,
        Some("2025-06-30".parse().unwrap())
    );
    let m = messages(&units);
    assert!(
        m.iter().any(|x| x.contains("column kind: “village”")),
        "{m:?}"
    );
    assert!(
        m.iter()
            .any(|x| x.contains("column valid_from: “2025-13-01”: not a valid date")),
        "{m:?}"
    );

    let lineage = read(
        "date,event,from,to,share\n2025-07-01,split,06853,06838,\"0,85\"\n2025-07-01,chia tách,06853,06862,\"0,15\"\n",
    );
    assert!(lineage.problems.is_empty(), "{:?}", messages(&lineage));
    assert_eq!(
        lineage.incoming.events[1].item.share,
        Some(Decimal::from_str("0.15").unwrap())
    );

    let indicators = read(
        "code,name,unit,group,aggregate,time_aggregate,decimals,formula\n\
                           T,Tổng,tỷ đồng,Kinh tế,sum,sum,2,A + B\n\
                           A,Phần A,tỷ đồng,Kinh tế > A,bình quân,cuối kỳ,9,\n\
                           B,Phần B,tỷ đồng,,sum,sum,2,A +\n",
    );
    let m = messages(&indicators);
    assert!(
        m.iter().any(|x| x.contains("line 3, column decimals: “9”")),
        "{m:?}"
    );
    assert!(
        m.iter()
            .any(|x| x.contains("line 4, column formula: “A +”: formula error at character 4")),
        "{m:?}"
    );
    // In Vietnamese the reason is said in Vietnamese, not passed on from the parser's English.
    let vi: Vec<String> = indicators
        .problems
        .iter()
        .map(|p| p.render(Lang::Vi))
        .collect();
    assert!(
        vi.iter()
            .any(|x| x.ends_with("công thức sai ở ký tự 4: công thức chưa viết hết")),
        "{vi:?}"
    );
    assert_eq!(indicators.incoming.indicators.len(), 1);
    assert_eq!(
        indicators.incoming.indicators[0]
            .item
            .formula
            .as_ref()
            .unwrap()
            .references(),
        vec!["A", "B"]
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

    /// Arbitrary bytes never panic the reader.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
        let _ = read_csv("fuzz.csv", &bytes, &ReadOptions::default());
    }

    /// Rows built from plausible cells never panic the reader, whatever the header.
    #[test]
    fn plausible_rows_never_panic(
        header in proptest::sample::select(vec![
            "indicator,unit,period,series,value,status,note",
            "code,name,kind,parent,valid_from,valid_to",
            "date,event,from,to,share",
            "code,name,unit,group,aggregate,time_aggregate,decimals,formula",
        ]),
        cells in proptest::collection::vec("[0-9A-Za-zđĐ.,;:/ \"\\-+()*]{0,12}", 0..40),
    ) {
        let mut text = format!("{header}\n");
        for chunk in cells.chunks(7) {
            text.push_str(&chunk.join(","));
            text.push('\n');
        }
        let _ = read_csv("fuzz.csv", text.as_bytes(), &ReadOptions::default());
    }
}

#[test]
fn a_rule_carries_its_message_for_people_when_the_file_has_one() {
    let with = read(
        "code,name,left,operator,right,importance,tolerance,message\n\
         KHACH_KHONG_AM,Khách du lịch không âm,KHACH_DL,>=,0,high,,Số khách du lịch không được âm\n\
         NOI_TRU,Nội trú không vượt khám,DIEU_TRI_NOI_TRU,<=,KHAM_BENH,medium,,\n",
    );
    assert_eq!(with.kind, Some(FileKind::Rules));
    assert!(with.problems.is_empty(), "{:?}", messages(&with));
    let rules: Vec<_> = with.incoming.rules.iter().map(|r| &r.item).collect();
    assert_eq!(rules[0].message, "Số khách du lịch không được âm");
    assert_eq!(rules[0].message(), Some("Số khách du lịch không được âm"));
    // An empty cell: no message, the name is shown instead.
    assert_eq!(rules[1].message(), None);
    // The Vietnamese header names the column too.
    let vi = read("mã,tên,vế trái,phép so sánh,vế phải,thông báo\nA,Tên,X,>=,0,Không được âm\n");
    assert!(vi.problems.is_empty(), "{:?}", messages(&vi));
    assert_eq!(vi.incoming.rules[0].item.message, "Không được âm");
}

#[test]
fn a_rules_file_without_the_message_column_reads_as_before() {
    let r = read("code,name,left,operator,right,importance,tolerance\nA,Tên,X,>=,0,high,\n");
    assert_eq!(r.kind, Some(FileKind::Rules));
    assert!(r.problems.is_empty(), "{:?}", messages(&r));
    assert_eq!(r.incoming.rules[0].item.message, "");
}

#[test]
fn a_message_too_long_for_a_form_is_refused_where_it_stands() {
    let long = "Số khách du lịch không được âm. ".repeat(20);
    let r = read(&format!(
        "code,name,left,operator,right,message\nA,Tên,X,>=,0,ok\nB,Tên,X,>=,0,{long}\n"
    ));
    assert_eq!(r.incoming.rules.len(), 1, "{:?}", messages(&r));
    let p = &r.problems[0];
    assert!(p.is_error());
    assert_eq!(p.location.line, Some(3));
    assert_eq!(p.location.column.as_deref(), Some("message"));
    assert!(
        p.message.get(Lang::Vi).contains("300 ký tự"),
        "{}",
        p.message.get(Lang::Vi)
    );
}
