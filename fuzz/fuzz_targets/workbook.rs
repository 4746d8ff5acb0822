#![no_main]

use libfuzzer_sys::fuzz_target;
use solieu_io::ReadOptions;
use solieu_io::excel::{Catalog, read_workbook};

fuzz_target!(|data: &[u8]| {
    let (indicators, registry) = solieu_fuzz::catalog();
    let catalog = Catalog {
        indicators,
        registry,
    };
    std::hint::black_box(read_workbook(
        "fuzz.xlsx",
        data,
        None,
        &catalog,
        &ReadOptions::default(),
    ));
});
