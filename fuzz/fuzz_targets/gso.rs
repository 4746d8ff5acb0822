#![no_main]

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use solieu_io::gso::{JsonKind, detect_json, read_reform, read_unit_list};

// Read as the shape it claims to be, as `solieu import` does: a reform against a district's
// units before it.
fuzz_target!(|data: &[u8]| match detect_json(data) {
    Some(JsonKind::UnitList) => {
        std::hint::black_box(read_unit_list("fuzz.json", data));
    }
    Some(JsonKind::ReformMapping) | None => {
        let date = NaiveDate::from_ymd_opt(2025, 7, 1).expect("a date");
        let known = solieu_fuzz::units_before_reform();
        std::hint::black_box(read_reform("fuzz.json", data, date, known));
    }
});
