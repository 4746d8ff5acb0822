#![no_main]

use libfuzzer_sys::fuzz_target;
use solieu_media::{Limits, prepare};

// Smaller pictures than the server takes keep each run short; the checks are the same code.
fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        image_bytes: 1 << 20,
        pdf_bytes: 1 << 20,
        pixels: 2_000_000,
        side: 4_000,
    };
    for name in ["tep.jpg", "tep.png", "tep.webp", "tep.pdf", "tep"] {
        std::hint::black_box(prepare(name, data, &limits).ok());
    }
});
