#![no_main]

use libfuzzer_sys::fuzz_target;
use solieu_io::{Limits, ReadOptions};
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
        // A web upload's limits: the server is what hostile workbooks reach. The CLI's larger
        // defaults allow a sheet rectangle above the fuzzer's allocation budget on purpose
        // (docs/limits.md): the operator chose the file.
        &ReadOptions {
            limits: Limits::upload(),
            ..ReadOptions::default()
        },
    ));
});
