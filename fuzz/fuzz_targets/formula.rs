#![no_main]

use libfuzzer_sys::fuzz_target;
use rust_decimal::Decimal;
use solieu_core::formula::Formula;

// Operands get values from their names, the extremes included, so that evaluation meets
// overflow and division by zero.
fn value(code: &str) -> Option<Decimal> {
    match code.len() % 5 {
        0 => None,
        1 => Some(Decimal::ZERO),
        2 => Some(Decimal::MAX),
        3 => Some(Decimal::new(1, 28)),
        _ => Some(Decimal::from(code.len())),
    }
}

// A formula that parses evaluates to a value or a gap, and its text parses to the same tree.
fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(formula) = Formula::parse(text) else {
        return;
    };
    let again = Formula::parse(formula.text()).expect("a formula's own text parses");
    assert_eq!(again.expr(), formula.expr());
    let _ = std::hint::black_box((formula.references(), formula.eval(&value)));
});
