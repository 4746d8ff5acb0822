#![no_main]

use libfuzzer_sys::fuzz_target;
use solieu_core::number::{DecimalConvention, canonical, parse, readings};

// Whatever a number reads as, its exported form reads back as the same number.
fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(r) = readings(text) else {
        return;
    };
    let _ = (r.proves(), r.agreed());
    for convention in [DecimalConvention::Comma, DecimalConvention::Point] {
        if let Some(value) = r.under(convention) {
            let written = canonical(value);
            assert_eq!(
                parse(&written, DecimalConvention::Point),
                Ok(value),
                "{text:?} read as {value} and written as {written:?}"
            );
        }
    }
});
