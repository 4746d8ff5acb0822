//! The statistics office's unit lists and reform mappings, on small made-up files.

use chrono::NaiveDate;
use solieu_core::lineage::EventKind;
use solieu_core::problem::{Lang, Severity};
use solieu_core::unit::UnitKind;
use solieu_io::gso::{JsonKind, detect_json, read_reform, read_unit_list};

const LIST: &str = r#"[["22", "Quảng Ninh", "Tỉnh", "Quang Ninh", [
    ["198", "Bình Liêu", "Huyện", "Binh Lieu", [
        ["06838", "Bình Liêu", "Thị Trấn", "Binh Lieu"],
        ["06853", "Vô Ngại", "Xã", "Vo Ngai"],
        ["06859", "Húc Động", "Xã", "Huc Dong"],
        ["06860", "Mất Tích", "Xã", "Mat Tich"]]]]]]"#;

const MAPPING: &str = r#"{"data": [{"level1_id": "22", "name": "Tỉnh Quảng Ninh",
    "merges": [{"old_id": "22", "name": "Tỉnh Quảng Ninh", "type": "full"}],
    "level2s": [
        {"level2_id": "06838", "name": "Xã Bình Liêu", "merges": [
            {"old_id": "06838", "name": "Thị trấn Bình Liêu", "type": "full"},
            {"old_id": "06853", "name": "Xã Vô Ngại", "type": "partial"},
            {"old_id": "06859", "name": "Xã Húc Động", "type": "full"},
            {"old_id": "06999", "name": "Xã Mới Lập", "type": "full"}]},
        {"level2_id": "06862", "name": "Xã Tiên Yên", "merges": [
            {"old_id": "06853", "name": "Xã Vô Ngại", "type": "partial"}]}]}]}"#;

fn date() -> NaiveDate {
    "2025-07-01".parse().unwrap()
}

#[test]
fn a_nested_list_gives_units_with_their_parents_and_full_names() {
    assert_eq!(detect_json(LIST.as_bytes()), Some(JsonKind::UnitList));
    let (units, problems) = read_unit_list("list.json", LIST.as_bytes());
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(units.len(), 6);
    let town = &units[2].item;
    assert_eq!(
        (town.code.as_str(), town.name.as_str(), town.kind),
        ("06838", "Thị trấn Bình Liêu", UnitKind::ThiTran)
    );
    assert_eq!(town.parent.as_deref(), Some("198"));
    assert_eq!(units[0].item.name, "Tỉnh Quảng Ninh");
}

#[test]
fn a_mapping_begins_the_new_map_ends_the_old_and_records_where_each_part_went() {
    assert_eq!(
        detect_json(MAPPING.as_bytes()),
        Some(JsonKind::ReformMapping)
    );
    let known: Vec<_> = read_unit_list("list.json", LIST.as_bytes())
        .0
        .into_iter()
        .map(|u| u.item)
        .collect();
    let (incoming, problems) = read_reform("map.json", MAPPING.as_bytes(), date(), &known);
    let new: Vec<_> = incoming
        .units
        .iter()
        .filter(|u| u.item.valid_from == Some(date()))
        .map(|u| u.item.code.as_str())
        .collect();
    assert_eq!(new, ["22", "06838", "06862"]);
    // Every unit open before ends the day before, the one the mapping forgets included.
    let closed: Vec<_> = incoming
        .units
        .iter()
        .filter(|u| u.item.valid_to == Some("2025-06-30".parse().unwrap()))
        .map(|u| u.item.code.as_str())
        .collect();
    assert_eq!(closed.len(), 7, "{closed:?}");
    assert!(closed.contains(&"198") && closed.contains(&"06860") && closed.contains(&"06999"));
    // Vô Ngại went in part to two communes: splits of unknown share; the rest are merges.
    let kinds: Vec<_> = incoming
        .events
        .iter()
        .map(|e| (e.item.from.as_str(), e.item.to.as_str(), e.item.kind))
        .collect();
    assert!(kinds.contains(&("06853", "06838", EventKind::Split)));
    assert!(kinds.contains(&("06853", "06862", EventKind::Split)));
    assert!(kinds.contains(&("06859", "06838", EventKind::Merge)));
    assert!(incoming.events.iter().all(|e| e.item.share.is_none()));
    // What the mapping leaves unsaid is a warning, not an error.
    assert!(problems.iter().all(|p| p.severity == Severity::Warning));
    let text: Vec<String> = problems.iter().map(|p| p.render(Lang::En)).collect();
    assert!(
        text.iter()
            .any(|t| t.contains("Xã Mới Lập (06999) is not in the register")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|t| t.contains("1 commune-level units of the register are not in the mapping")),
        "{text:?}"
    );
}

#[test]
fn malformed_files_are_refused_with_where() {
    let (_, problems) = read_unit_list("bad.json", b"[[\"22\", \"Quang Ninh\"");
    assert!(
        problems[0]
            .render(Lang::En)
            .starts_with("bad.json, line 1, column ký tự"),
        "{problems:?}"
    );
    let (_, problems) = read_unit_list(
        "bad.json",
        r#"[["22", "Quảng Ninh", "Vương quốc", "x"]]"#.as_bytes(),
    );
    assert!(
        problems[0]
            .render(Lang::En)
            .contains("$[0]: “Vương quốc”: unknown kind of unit"),
        "{problems:?}"
    );
    let (_, problems) = read_reform(
        "bad.json",
        br#"{"data": [{"level1_id": "22"}]}"#,
        date(),
        &[],
    );
    assert!(
        problems[0]
            .render(Lang::En)
            .contains("$.data[0]: unexpected shape"),
        "{problems:?}"
    );
    assert_eq!(detect_json(b"code,name"), None);
}

proptest::proptest! {
    #[test]
    fn arbitrary_json_never_panics(text in "[\\[\\]{}\",:0-9a-zđ ]{0,120}") {
        let _ = read_unit_list("fuzz.json", text.as_bytes());
        let _ = read_reform("fuzz.json", text.as_bytes(), date(), &[]);
    }
}

mod dhis2_files {
    use solieu_io::dhis2::{Format, Mapping, detect, read, to_records};

    #[test]
    fn each_format_is_recognised() {
        assert_eq!(detect(br#"{"dataValues": []}"#), Some(Format::Json));
        assert_eq!(
            detect(b"\"dataelement\",\"period\",\"orgunit\",\"value\"\n"),
            Some(Format::Csv)
        );
        assert_eq!(
            detect(b"<dataValueSet xmlns=\"http://dhis2.org/schema/dxf/2.0\"/>"),
            Some(Format::Xml)
        );
        assert_eq!(
            detect(b"<?xml version=\"1.0\"?><adx xmlns=\"urn:ihe:qrph:adx:2015\"/>"),
            Some(Format::Adx)
        );
        assert_eq!(detect(br#"{"data": []}"#), None);
        assert_eq!(detect(b"code,name,kind\n"), None);
    }

    #[test]
    fn a_value_that_is_no_figure_is_refused_where_it_is() {
        let json = br#"{"dataValues": [{"dataElement": "A", "period": "202001", "orgUnit": "X", "value": "many"},
                                        {"dataElement": "A", "period": "2020W3", "orgUnit": "X", "value": "1"},
                                        {"dataElement": "A", "period": "202002", "orgUnit": "X", "value": "true"}]}"#;
        let (values, problems) = read(Format::Json, "d.json", json);
        assert!(problems.is_empty());
        let mut problems = Vec::new();
        let records = to_records(values, &Mapping::default(), &mut problems);
        let text: Vec<String> = problems
            .iter()
            .map(|p| p.render(solieu_core::problem::Lang::En))
            .collect();
        assert!(
            text[0].starts_with("d.json, column $.dataValues[0].value: “many”"),
            "{text:?}"
        );
        assert!(
            text[1].starts_with("d.json, column $.dataValues[1].period: “2020W3”"),
            "{text:?}"
        );
        // A yes/no value counts as 1 or 0, as in DHIS2's own analytics.
        assert_eq!(records.len(), 1);
        assert_eq!(
            records[0].item.record.figure.value,
            solieu_core::Decimal::ONE
        );
    }

    #[test]
    fn a_doubled_byte_order_mark_is_read_not_a_crash() {
        // Found by the adx fuzz target: the line count sliced the text inside the second BOM.
        for format in [Format::Xml, Format::Adx] {
            let (values, _) = read(format, "d.xml", b"\xEF\xBB\xBF\xEF\xBB\xBFc");
            assert!(values.is_empty());
        }
    }

    #[test]
    fn an_xml_error_names_its_line() {
        let xml = b"<?xml version=\"1.0\"?>\n<dataValueSet>\n<dataValue dataElement=\"A\"\n period=\"202001\" orgUnit=\"X\" value=\"1\"/>\n</wrong>\n";
        let (values, problems) = read(Format::Xml, "d.xml", xml);
        assert_eq!(values.len(), 1);
        let text: Vec<String> = problems
            .iter()
            .map(|p| p.render(solieu_core::problem::Lang::En))
            .collect();
        assert!(
            text[0].starts_with("d.xml, line 5: unreadable XML"),
            "{text:?}"
        );
    }

    #[test]
    fn a_csv_comment_opens_as_text_and_reads_back_unchanged() {
        let link = r#"=HYPERLINK("http://x","y")"#;
        let value = solieu_io::dhis2::DataValue {
            data_element: "A".into(),
            period: "202001".into(),
            org_unit: "X".into(),
            value: "-50".into(),
            comment: Some(link.into()),
            ..Default::default()
        };
        let csv = solieu_io::dhis2::write(Format::Csv, std::slice::from_ref(&value));
        assert!(
            csv.contains(r#",-50,,,"'=HYPERLINK(""http://x"",""y"")",false"#),
            "{csv}"
        );
        let (values, problems) = read(Format::Csv, "d.csv", csv.as_bytes());
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(values[0].item, value);
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_input_never_panics(text in "[<>/=\"{}\\[\\],:a-zA-Z0-9 \n&;#]{0,200}") {
            for format in [Format::Json, Format::Csv, Format::Xml, Format::Adx] {
                let (values, _) = read(format, "fuzz", text.as_bytes());
                let mut problems = Vec::new();
                let _ = to_records(values, &Mapping::default(), &mut problems);
            }
            let _ = Mapping::read("fuzz.csv", text.as_bytes());
        }
    }
}
