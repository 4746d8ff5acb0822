#![no_main]

use libfuzzer_sys::fuzz_target;
use solieu_core::period::Period;

// A period that reads is named, dated and written back without a panic, and its code and ISO
// interval read back as the same period.
fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(period) = text.parse::<Period>() else {
        return;
    };
    assert_eq!(
        period.code().parse::<Period>().ok(),
        Some(period),
        "{text:?}"
    );
    assert_eq!(
        period.iso().parse::<Period>().ok(),
        Some(period),
        "{text:?}"
    );
    std::hint::black_box((
        period.name_vi(),
        period.name_en(),
        period.start_date(),
        period.end_date(),
        period.decree_09_cutoff(),
        period.kind(),
        period.same_period_last_year(),
        period.month_periods().count(),
    ));
});
