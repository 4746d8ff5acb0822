#![no_main]

use libfuzzer_sys::fuzz_target;
use solieu_core::number::DecimalConvention;
use solieu_io::{Limits, ReadOptions, read_csv};

// The first byte picks the decimal convention (declared comma, declared point, inferred), so
// the fuzzer reaches the number reading under each.
fuzz_target!(|data: &[u8]| {
    let Some((&choice, bytes)) = data.split_first() else {
        return;
    };
    let decimal = match choice % 3 {
        0 => None,
        1 => Some(DecimalConvention::Comma),
        _ => Some(DecimalConvention::Point),
    };
    // The limits of a web upload: what an anonymous-enough caller can send the server.
    let options = ReadOptions {
        decimal,
        limits: Limits::upload(),
    };
    std::hint::black_box(read_csv("fuzz.csv", bytes, &options));
});
