#![no_main]

use libfuzzer_sys::fuzz_target;
use solieu_io::geojson::{Shape, from_geometry, read, to_geometry};

/// Every position of a shape, in order, with the shape's nesting as separators.
fn flat(shape: &Shape) -> Vec<Option<[f64; 2]>> {
    match shape {
        Shape::Point(p) => vec![Some(*p)],
        Shape::Area(polygons) => polygons
            .iter()
            .flat_map(|p| p.iter().flat_map(|r| r.iter().map(|x| Some(*x)).chain([None])))
            .collect(),
    }
}

// A boundary file as `solieu import` reads it, and every shape it accepts written as it is
// kept and read back (to the last bit a decimal text carries): the portal draws what the
// store returns.
fuzz_target!(|data: &[u8]| {
    let (boundaries, _) = read("fuzz.geojson", data);
    for boundary in boundaries {
        let kept = from_geometry(&to_geometry(&boundary.shape)).expect("a kept shape reads back");
        let (a, b) = (flat(&boundary.shape), flat(&kept));
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(&b) {
            match (x, y) {
                (Some(x), Some(y)) => {
                    for k in 0..2 {
                        assert!((x[k] - y[k]).abs() <= 1e-9 * x[k].abs().max(1.0));
                    }
                }
                (None, None) => {}
                _ => panic!("the shape's nesting changed"),
            }
        }
    }
});
