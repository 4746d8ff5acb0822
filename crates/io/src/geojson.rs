//! Unit boundaries as GeoJSON (RFC 7946): the shapes the portal's map draws.
//!
//! A FeatureCollection whose features each name a unit by its code (`properties.ma`,
//! `properties.code`, `properties.ma_dvhc` or the feature's `id`) and carry a `Polygon`, a
//! `MultiPolygon` or a `Point` (a unit drawn at its centre when its boundary is not known).
//! Coordinates are longitude then latitude in degrees (WGS 84), as RFC 7946 says.
//!
//! Everything a map cannot draw is refused here with the feature named: a ring that is not
//! closed or has under four positions, a coordinate outside the globe (with a hint when it is
//! written latitude first, or in projected metres such as VN-2000), a ring that crosses
//! itself or another. What is read is bounded ([`MAX_BYTES`], [`MAX_FEATURES`],
//! [`MAX_POSITIONS`]): an enormous file is refused before it is parsed.

use geo::algorithm::Validation;
use serde::Deserialize;
use solieu_core::problem::{Location, Problem, Text};

/// The largest file read: a province's communes with detailed boundaries fit many times over.
pub const MAX_BYTES: usize = 64 * 1024 * 1024;
/// Features in one file: more than the country's communes.
pub const MAX_FEATURES: usize = 20_000;
/// Positions (coordinate pairs) in one file, all features together.
pub const MAX_POSITIONS: usize = 4_000_000;

/// Longitude, latitude.
pub type Position = [f64; 2];

/// What a unit looks like on the map.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// The unit's centre, when its boundary is not known.
    Point(Position),
    /// Polygons, each its outer ring then its holes; every ring closed.
    Area(Vec<Vec<Vec<Position>>>),
}

/// One feature read: the unit code it names, its shape, and where it was in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Boundary {
    pub code: String,
    pub shape: Shape,
    pub location: Location,
}

#[derive(Deserialize)]
struct Collection {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    features: Vec<Feature>,
}

#[derive(Deserialize)]
struct Feature {
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default)]
    properties: Option<serde_json::Map<String, serde_json::Value>>,
    #[serde(default)]
    geometry: Option<RawGeometry>,
}

/// A geometry's coordinates are read once its type is known: serde's tagged enums buffer
/// numbers in a way the workspace's exact-decimal JSON cannot read back as `f64`.
#[derive(Deserialize)]
struct RawGeometry {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    coordinates: Option<Box<serde_json::value::RawValue>>,
}

enum Geometry {
    Point(Vec<f64>),
    Polygon(Vec<Vec<Vec<f64>>>),
    MultiPolygon(Vec<Vec<Vec<Vec<f64>>>>),
}

impl RawGeometry {
    /// `Ok(None)`: a type a map does not draw; `Err`: coordinates that are not numbers nested
    /// as the type says.
    fn read(&self) -> Result<Option<Geometry>, serde_json::Error> {
        let text = self.coordinates.as_ref().map_or("null", |c| c.get());
        Ok(Some(match self.kind.as_str() {
            "Point" => Geometry::Point(serde_json::from_str(text)?),
            "Polygon" => Geometry::Polygon(serde_json::from_str(text)?),
            "MultiPolygon" => Geometry::MultiPolygon(serde_json::from_str(text)?),
            _ => return Ok(None),
        }))
    }
}

/// Whether `bytes` look like a GeoJSON FeatureCollection (cheaply: the first kilobytes).
pub fn detect(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let text = String::from_utf8_lossy(head);
    text.trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{')
        && text.contains("\"FeatureCollection\"")
}

/// The property names a feature's unit code is read from, in order; then the feature's `id`.
const CODE_PROPERTIES: [&str; 3] = ["ma", "code", "ma_dvhc"];

/// Reads every feature of `bytes`; any problem refuses the file (the caller imports nothing).
pub fn read(file: &str, bytes: &[u8]) -> (Vec<Boundary>, Vec<Problem>) {
    if bytes.len() > MAX_BYTES {
        return (Vec::new(), vec![too_large(file, bytes.len() as u64)]);
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    let collection: Collection = match serde_json::from_slice(bytes) {
        Ok(c) => c,
        Err(e) => {
            let location =
                Location::line(file, e.line() as u64).with_column(format!("ký tự {}", e.column()));
            return (
                Vec::new(),
                vec![Problem::error(location, crate::why::json(&e))],
            );
        }
    };
    if collection.kind != "FeatureCollection" {
        let problem = Problem::error(
            Location::file(file),
            solieu_i18n::text!("io-geojson-not-collection"),
        )
        .with_value(collection.kind);
        return (Vec::new(), vec![problem]);
    }
    if collection.features.len() > MAX_FEATURES {
        let problem = Problem::error(
            Location::file(file),
            solieu_i18n::text!(
                "io-geojson-too-many-features",
                count = collection.features.len(),
                limit = MAX_FEATURES
            ),
        );
        return (Vec::new(), vec![problem]);
    }
    let mut reader = Reader {
        file,
        positions: 0,
        problems: Vec::new(),
    };
    let boundaries = collection
        .features
        .into_iter()
        .enumerate()
        .filter_map(|(i, feature)| reader.feature(i + 1, feature))
        .collect();
    (boundaries, reader.problems)
}

/// A boundary file of `size` bytes, over [`MAX_BYTES`]: refused before it is read.
pub fn too_large(file: &str, size: u64) -> Problem {
    Problem::error(
        Location::file(file),
        solieu_i18n::text!(
            "io-geojson-too-large",
            size = megabytes(size),
            limit = megabytes(MAX_BYTES as u64)
        ),
    )
    .with_hint(solieu_i18n::text!("io-geojson-too-large-hint"))
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0)).replace('.', ",")
}

struct Reader<'a> {
    file: &'a str,
    positions: usize,
    problems: Vec<Problem>,
}

impl Reader<'_> {
    /// The feature's place in the file as a JSON path, with its code: "features[2] 06841".
    fn at(&self, number: usize, code: Option<&str>) -> Location {
        let path = format!("features[{}]", number - 1);
        let what = code.map_or(path.clone(), |code| format!("{path} {code}"));
        Location::file(self.file).with_column(what)
    }

    /// Keeps `problem`; the feature it is about is not read.
    fn refuse<T>(&mut self, problem: Problem) -> Option<T> {
        self.problems.push(problem);
        None
    }

    fn feature(&mut self, number: usize, feature: Feature) -> Option<Boundary> {
        let Some(code) = code_of(&feature) else {
            let at = self.at(number, None);
            return self.refuse(Problem::error(at, solieu_i18n::text!("io-geojson-no-code")));
        };
        if let Err(why) = solieu_core::unit::check_code(&code) {
            let message = solieu_i18n::text!("io-geojson-bad-code", why = why);
            let at = self.at(number, None);
            return self.refuse(Problem::error(at, message).with_value(code));
        }
        let at = self.at(number, Some(&code));
        let Some(raw) = feature.geometry else {
            let message = solieu_i18n::text!("io-geojson-no-geometry");
            return self.refuse(Problem::error(at, message));
        };
        let shape = match raw.read() {
            Err(e) => {
                let problem = Problem::error(at, crate::why::json(&e));
                return self.refuse(problem.with_value(raw.kind));
            }
            Ok(None) => {
                let message = solieu_i18n::text!("io-geojson-geometry-kind");
                return self.refuse(Problem::error(at, message).with_value(raw.kind));
            }
            Ok(Some(Geometry::Point(pair))) => Shape::Point(self.position(&at, &pair)?),
            Ok(Some(Geometry::Polygon(rings))) => Shape::Area(vec![self.polygon(&at, rings)?]),
            Ok(Some(Geometry::MultiPolygon(polygons))) => {
                let polygons: Vec<_> = polygons
                    .into_iter()
                    .map(|p| self.polygon(&at, p))
                    .collect::<Option<_>>()?;
                if polygons.is_empty() {
                    let message = solieu_i18n::text!("io-geojson-empty-polygon");
                    return self.refuse(Problem::error(at, message));
                }
                Shape::Area(polygons)
            }
        };
        if let Shape::Area(polygons) = &shape
            && let Some(why) = crossing(polygons)
        {
            let hint = solieu_i18n::text!("io-geojson-invalid-polygon-hint");
            return self.refuse(Problem::error(at, why).with_hint(hint));
        }
        Some(Boundary {
            location: at,
            code,
            shape,
        })
    }

    /// One longitude-latitude pair, on the globe.
    fn position(&mut self, at: &Location, pair: &[f64]) -> Option<Position> {
        self.positions += 1;
        if self.positions == MAX_POSITIONS + 1 {
            let message =
                solieu_i18n::text!("io-geojson-too-many-positions", limit = MAX_POSITIONS);
            self.problems
                .push(Problem::error(Location::file(self.file), message));
        }
        if self.positions > MAX_POSITIONS {
            return None;
        }
        let on_globe =
            |lon: f64, lat: f64| (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat);
        let hint = match *pair {
            [lon, lat, ..] if on_globe(lon, lat) => return Some([lon, lat]),
            [lon, lat, ..] if on_globe(lat, lon) => {
                Some(solieu_i18n::text!("io-geojson-latitude-first"))
            }
            [_, _, ..] => Some(solieu_i18n::text!("io-geojson-projected")),
            _ => None,
        };
        let written: Vec<String> = pair.iter().map(f64::to_string).collect();
        let problem = Problem::error(at.clone(), solieu_i18n::text!("io-geojson-bad-position"))
            .with_value(format!("[{}]", written.join(", ")))
            .with_hint_opt(hint);
        self.refuse(problem)
    }

    /// A polygon's rings, each closed and of four positions or more.
    fn polygon(&mut self, at: &Location, rings: Vec<Vec<Vec<f64>>>) -> Option<Vec<Vec<Position>>> {
        if rings.is_empty() {
            let message = solieu_i18n::text!("io-geojson-empty-polygon");
            return self.refuse(Problem::error(at.clone(), message));
        }
        let mut read = Vec::with_capacity(rings.len());
        for ring in rings {
            let ring: Vec<Position> = ring
                .iter()
                .map(|pair| self.position(at, pair))
                .collect::<Option<_>>()?;
            if ring.len() < 4 {
                let message = solieu_i18n::text!("io-geojson-short-ring", count = ring.len());
                return self.refuse(Problem::error(at.clone(), message));
            }
            if ring.first() != ring.last() {
                let message = solieu_i18n::text!("io-geojson-open-ring");
                let hint = solieu_i18n::text!("io-geojson-open-ring-hint");
                return self.refuse(Problem::error(at.clone(), message).with_hint(hint));
            }
            read.push(ring);
        }
        Some(read)
    }
}

/// The unit code a feature names, as text ("06841"; a number as written).
fn code_of(feature: &Feature) -> Option<String> {
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    feature
        .properties
        .as_ref()
        .and_then(|p| {
            CODE_PROPERTIES
                .iter()
                .find_map(|k| p.get(*k).and_then(text))
        })
        .or_else(|| feature.id.as_ref().and_then(text))
}

/// Why the polygons cannot be drawn as one area (rings crossing themselves or each other,
/// holes outside their polygon, parts overlapping); `None` when they can.
fn crossing(polygons: &[Vec<Vec<Position>>]) -> Option<Text> {
    use geo::algorithm::validation::{InvalidMultiPolygon, InvalidPolygon};
    let to_line = |ring: &Vec<Position>| {
        geo::LineString::from(ring.iter().map(|&[x, y]| (x, y)).collect::<Vec<_>>())
    };
    let shapes: Vec<geo::Polygon> = polygons
        .iter()
        .map(|rings| {
            geo::Polygon::new(to_line(&rings[0]), rings[1..].iter().map(to_line).collect())
        })
        .collect();
    let error = geo::MultiPolygon::new(shapes).check_validation().err()?;
    Some(match error {
        InvalidMultiPolygon::InvalidPolygon(_, why) => match why {
            InvalidPolygon::SelfIntersection(_) => {
                solieu_i18n::text!("io-geojson-ring-crosses-itself")
            }
            InvalidPolygon::InteriorRingNotContainedInExteriorRing(_) => {
                solieu_i18n::text!("io-geojson-hole-outside")
            }
            InvalidPolygon::IntersectingRingsOnALine(..)
            | InvalidPolygon::IntersectingRingsOnAnArea(..) => {
                solieu_i18n::text!("io-geojson-rings-cross")
            }
            InvalidPolygon::TooFewPointsInRing(_) => {
                solieu_i18n::text!("io-geojson-degenerate-ring")
            }
            InvalidPolygon::NonFiniteCoord(..) => solieu_i18n::text!("io-geojson-bad-position"),
        },
        InvalidMultiPolygon::ElementsOverlaps(..)
        | InvalidMultiPolygon::ElementsTouchOnALine(..) => {
            solieu_i18n::text!("io-geojson-polygons-overlap")
        }
    })
}

/// The geometry as GeoJSON text, as it is kept: a `Point` or a `MultiPolygon`.
pub fn to_geometry(shape: &Shape) -> String {
    match shape {
        Shape::Point(p) => serde_json::json!({"type": "Point", "coordinates": p}).to_string(),
        Shape::Area(polygons) => {
            serde_json::json!({"type": "MultiPolygon", "coordinates": polygons}).to_string()
        }
    }
}

/// A geometry as [`to_geometry`] wrote it; `None` for anything else.
pub fn from_geometry(text: &str) -> Option<Shape> {
    let raw: RawGeometry = serde_json::from_str(text).ok()?;
    let pair = |c: Vec<f64>| Some([*c.first()?, *c.get(1)?]);
    match raw.read().ok()?? {
        Geometry::Point(c) => pair(c).map(Shape::Point),
        Geometry::MultiPolygon(polygons) => Some(Shape::Area(
            polygons
                .into_iter()
                .map(|p| {
                    p.into_iter()
                        .map(|r| r.into_iter().filter_map(pair).collect())
                        .collect()
                })
                .collect(),
        )),
        Geometry::Polygon(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collection(features: &str) -> Vec<u8> {
        format!(r#"{{"type": "FeatureCollection", "features": [{features}]}}"#).into_bytes()
    }

    fn square(code: &str, x: f64, y: f64) -> String {
        format!(
            r#"{{"type": "Feature", "properties": {{"ma": "{code}"}}, "geometry": {{"type": "Polygon", "coordinates": [[[{x}, {y}], [{x1}, {y}], [{x1}, {y1}], [{x}, {y1}], [{x}, {y}]]]}}}}"#,
            x1 = x + 0.05,
            y1 = y + 0.05
        )
    }

    fn messages(problems: &[Problem]) -> Vec<String> {
        problems
            .iter()
            .map(|p| p.render(solieu_i18n::Lang::En))
            .collect()
    }

    #[test]
    fn polygons_and_points_are_read_with_their_codes() {
        let point = r#"{"type": "Feature", "id": "06856", "properties": {}, "geometry": {"type": "Point", "coordinates": [107.36, 21.50]}}"#;
        let bytes = collection(&format!("{}, {point}", square("06841", 107.45, 21.6)));
        assert!(detect(&bytes));
        let (read, problems) = read("ranh-gioi.geojson", &bytes);
        assert!(problems.is_empty(), "{:?}", messages(&problems));
        assert_eq!(read.len(), 2);
        assert_eq!(read[0].code, "06841");
        let Shape::Area(polygons) = &read[0].shape else {
            panic!("a polygon read as {:?}", read[0].shape)
        };
        assert_eq!(polygons[0][0].len(), 5);
        assert_eq!(read[1].shape, Shape::Point([107.36, 21.50]));
        // What is kept reads back the same.
        for b in &read {
            assert_eq!(
                from_geometry(&to_geometry(&b.shape)).as_ref(),
                Some(&b.shape)
            );
        }
    }

    #[test]
    fn a_ring_that_crosses_itself_is_refused_with_the_feature_named() {
        let bow = r#"{"type": "Feature", "properties": {"ma": "06844"}, "geometry": {"type": "Polygon", "coordinates": [[[107.4, 21.5], [107.5, 21.6], [107.5, 21.5], [107.4, 21.6], [107.4, 21.5]]]}}"#;
        let (read, problems) = read("f.geojson", &collection(bow));
        assert!(read.is_empty());
        let text = messages(&problems).join("\n");
        assert!(text.contains("06844"), "{text}");
        assert!(text.contains("crosses itself"), "{text}");
    }

    #[test]
    fn latitude_written_first_is_refused_with_a_hint() {
        let swapped = r#"{"type": "Feature", "properties": {"ma": "06841"}, "geometry": {"type": "Point", "coordinates": [21.6, 107.45]}}"#;
        let (_, problems) = read("f.geojson", &collection(swapped));
        let text = messages(&problems).join("\n");
        assert!(text.contains("[21.6, 107.45]"), "{text}");
        assert!(text.contains("latitude first"), "{text}");
        let metres = r#"{"type": "Feature", "properties": {"ma": "06841"}, "geometry": {"type": "Point", "coordinates": [431000, 2380000]}}"#;
        let text = messages(&read("f.geojson", &collection(metres)).1).join("\n");
        assert!(text.contains("VN-2000"), "{text}");
    }

    #[test]
    fn open_short_and_codeless_features_are_refused() {
        let open = r#"{"type": "Feature", "properties": {"ma": "1"}, "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}}"#;
        let short = r#"{"type": "Feature", "properties": {"ma": "2"}, "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]}}"#;
        let codeless = r#"{"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [0, 0]}}"#;
        let line = r#"{"type": "Feature", "properties": {"ma": "4"}, "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}}"#;
        let (read, problems) = read(
            "f.geojson",
            &collection(&[open, short, codeless, line].join(",")),
        );
        assert!(read.is_empty());
        let text = messages(&problems);
        assert_eq!(text.len(), 4, "{text:?}");
        assert!(
            text[0].contains("features[0] 1") && text[0].contains("not closed"),
            "{text:?}"
        );
        assert!(
            text[1].contains("features[1] 2") && text[1].contains("3 positions"),
            "{text:?}"
        );
        assert!(
            text[2].contains("features[2]") && text[2].contains("unit code"),
            "{text:?}"
        );
        assert!(
            text[3].contains("features[3] 4") && text[3].contains("Polygon"),
            "{text:?}"
        );
    }

    #[test]
    fn files_that_are_not_boundaries_or_too_large_are_refused_whole() {
        let (_, problems) = read("f.geojson", br#"{"type": "Feature"}"#);
        assert!(messages(&problems)[0].contains("FeatureCollection"));
        let (_, problems) = read(
            "f.geojson",
            b"{\"type\": \"FeatureCollection\", \"features\": [",
        );
        assert_eq!(problems.len(), 1);
        assert!(problems[0].location.line.is_some());
        let big = vec![b' '; MAX_BYTES + 1];
        let (_, problems) = read("f.geojson", &big);
        assert!(
            messages(&problems)[0].contains("64,0 MB"),
            "{:?}",
            messages(&problems)
        );
    }
}
