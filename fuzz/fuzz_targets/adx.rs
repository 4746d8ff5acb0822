#![no_main]

use libfuzzer_sys::fuzz_target;
use solieu_io::dhis2::Format;

fuzz_target!(|data: &[u8]| solieu_fuzz::read_dhis2(Format::Adx, data));
