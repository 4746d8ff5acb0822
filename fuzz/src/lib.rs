//! What the fuzz targets share: the small catalog workbooks are read against, and one reading
//! of a DHIS2 file from detection to records.

use solieu_core::formula::Formula;
use solieu_core::indicator::{Aggregate, Indicator, TimeAggregate};
use solieu_core::lineage::Registry;
use solieu_core::measure::MeasureUnit;
use solieu_core::unit::{UnitKind, UnitVersion};
use solieu_io::dhis2::{self, Format, Mapping};
use solieu_io::gso::read_unit_list;
use std::sync::OnceLock;

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
        formula: formula.map(|f| Formula::parse(f).expect("a valid formula")),
    }
}

/// The units and indicators of the workbook seeds (`demo/`), so that wide sheets get past the
/// header and row lookups into the cell reading.
pub fn catalog() -> &'static (Vec<Indicator>, Registry) {
    static CATALOG: OnceLock<(Vec<Indicator>, Registry)> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let registry = Registry::new(
            vec![
                unit("198", "Huyện Bình Liêu", UnitKind::Huyen, None),
                unit("06841", "Xã Hoành Mô", UnitKind::Xa, Some("198")),
                unit("06847", "Xã Đồng Văn", UnitKind::Xa, Some("198")),
                unit("00700", "Xã Đồng Văn", UnitKind::Xa, None),
            ],
            Vec::new(),
        );
        let indicators = vec![
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
        ];
        (indicators, registry)
    })
}

/// Reads `bytes` as `format` the way `solieu import` does: detection, values, then records.
pub fn read_dhis2(format: Format, bytes: &[u8]) {
    let _ = dhis2::detect(bytes);
    let (values, mut problems) = dhis2::read(format, "fuzz", bytes);
    let records = dhis2::to_records(values, &Mapping::default(), &mut problems);
    std::hint::black_box((records, problems));
}

/// The units before the 2025 reform that reform mappings are read against.
pub fn units_before_reform() -> &'static [UnitVersion] {
    static UNITS: OnceLock<Vec<UnitVersion>> = OnceLock::new();
    UNITS.get_or_init(|| {
        let list = r#"[["22", "Quảng Ninh", "Tỉnh", "Quang Ninh", [
    ["198", "Bình Liêu", "Huyện", "Binh Lieu", [
        ["06838", "Bình Liêu", "Thị Trấn", "Binh Lieu"],
        ["06853", "Vô Ngại", "Xã", "Vo Ngai"],
        ["06859", "Húc Động", "Xã", "Huc Dong"],
        ["06860", "Mất Tích", "Xã", "Mat Tich"]]]]]]"#;
        let (units, problems) = read_unit_list("units.json", list.as_bytes());
        assert!(problems.is_empty(), "{problems:?}");
        units.into_iter().map(|u| u.item).collect()
    })
}
