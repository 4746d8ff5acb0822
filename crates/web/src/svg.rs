//! Charts drawn on the server as SVG: no script, readable on an old browser, printable.
//!
//! Drawn 320 units wide with 13-unit text, since an SVG's text scales with its width: in a
//! phone's column (about 280 px on a 320 px phone, 335 px on a 390 px one with a scrollbar)
//! the text renders at 11.4 to 13.6 px, on a desktop (the chart box is at most 416 px) at
//! 17 px. The browser test measures it on every dashboard at both widths. Each chart is
//! an image named by the heading whose id it is given (`aria-labelledby`); the page shows its
//! figures in a table beside it.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use solieu_core::text::escape_markup as escape;

const WIDTH: f64 = 320.0;
/// Room after the longest bar for its figure ("1.234.567" at 13 units).
const BAR_LABEL: f64 = 72.0;
const FONT: &str = r#"font-size="13""#;

/// About how wide a text is drawn at 13 units (an average sans-serif letter is 0.55 em).
fn text_width(text: &str) -> f64 {
    text.chars().count() as f64 * 7.2
}

/// Where to centre a text near `x` so that all of it falls between `from` and the chart's
/// right edge.
fn inside(x: f64, text: &str, from: f64) -> f64 {
    let half = text_width(text) / 2.0;
    let low = from + half;
    x.clamp(low.min(WIDTH / 2.0), (WIDTH - half).max(low))
}

fn open(height: f64, labelled_by: &str) -> String {
    format!(
        r##"<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{}" font-family="sans-serif" xmlns="http://www.w3.org/2000/svg">"##,
        escape(labelled_by)
    )
}

/// Horizontal bars, one per unit: the unit's name on its own line above its bar, so that a
/// long name is never cut; the Vietnamese-formatted value after the bar.
pub fn bars(rows: &[(String, Decimal, String)], labelled_by: &str) -> String {
    let max = rows
        .iter()
        .map(|(_, v, _)| v.to_f64().unwrap_or(0.0))
        .fold(0.0_f64, f64::max)
        .max(f64::MIN_POSITIVE);
    let row_h = 38.0;
    let mut s = open(row_h * rows.len() as f64 + 6.0, labelled_by);
    for (k, (name, value, label)) in rows.iter().enumerate() {
        let y = row_h * k as f64;
        let w = (value.to_f64().unwrap_or(0.0) / max * (WIDTH - BAR_LABEL)).max(1.0);
        s.push_str(&format!(
            r##"<text x="0" y="{ny}" {FONT}>{name}</text><rect x="0" y="{by}" width="{w:.1}" height="14" fill="#2f6f9f"/><text x="{lx:.1}" y="{ly}" {FONT}>{label}</text>"##,
            ny = y + 13.0,
            by = y + 18.0,
            ly = y + 30.0,
            name = escape(name),
            lx = w + 5.0,
            label = escape(label),
        ));
    }
    s.push_str("</svg>");
    s
}

/// Period names are written every this many points, counted back from the last, so that no
/// two overlap when the points stand `step` apart.
fn name_stride(points: &[(String, Option<Decimal>)], step: f64) -> usize {
    let widest = points
        .iter()
        .map(|(n, _)| text_width(n))
        .fold(0.0, f64::max);
    ((widest + 8.0) / step).ceil().max(1.0) as usize
}

/// A line over periods with its value axis (zero, or the lowest figure when below it, and the
/// highest). Periods without a figure before the first one are left out; one inside the run
/// is a marked empty slot ("—") where the line breaks.
pub fn line(points: &[(String, Option<Decimal>)], decimals: u8, labelled_by: &str) -> String {
    let first = points.iter().position(|(_, v)| v.is_some()).unwrap_or(0);
    let points = &points[first..];
    let values: Vec<Decimal> = points.iter().filter_map(|(_, v)| *v).collect();
    let high = values.iter().copied().max().unwrap_or(Decimal::ONE);
    let low = values
        .iter()
        .copied()
        .min()
        .unwrap_or_default()
        .min(Decimal::ZERO);
    let (max, min) = (high.to_f64().unwrap_or(1.0), low.to_f64().unwrap_or(0.0));
    let span = if max > min { max - min } else { 1.0 };
    let (h, left, top) = (200.0, 70.0, 22.0);
    let (plot_w, plot_h) = (WIDTH - left - 24.0, h - top - 34.0);
    let step = plot_w / points.len().max(2).saturating_sub(1) as f64;
    let center = points.len() == 1;
    let y_of = |f: f64| top + plot_h - (f - min) / span * plot_h;
    let label = |v: Decimal| escape(&solieu_core::format::number_vi(v, u32::from(decimals)));
    let mut s = open(h, labelled_by);
    // The value axis, with the figures at its ends.
    s.push_str(&format!(
        r##"<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" stroke="#667"/><line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#667"/>"##,
        bottom = top + plot_h,
        right = left + plot_w
    ));
    for v in [low, high]
        .into_iter()
        .collect::<std::collections::BTreeSet<_>>()
    {
        let y = y_of(v.to_f64().unwrap_or(0.0));
        s.push_str(&format!(
            r##"<line x1="{l}" y1="{y:.1}" x2="{left}" y2="{y:.1}" stroke="#667"/><text x="{tx}" y="{ty:.1}" {FONT} text-anchor="end">{}</text>"##,
            label(v),
            l = left - 4.0,
            tx = left - 6.0,
            ty = y + 4.0
        ));
    }
    // With many points, only the last one is labelled: the axis and the table say the rest.
    let label_all = points.len() <= 5;
    let stride = name_stride(points, step);
    let mut path = String::new();
    let mut pen_down = false;
    for (k, (name, value)) in points.iter().enumerate() {
        let x = if center {
            left + plot_w / 2.0
        } else {
            left + step * k as f64
        };
        if center || (points.len() - 1 - k).is_multiple_of(stride) {
            s.push_str(&format!(
                r##"<text x="{tx:.1}" y="{ly}" {FONT} text-anchor="middle">{}</text>"##,
                escape(name),
                tx = inside(x, name, 0.0),
                ly = h - 10.0
            ));
        }
        let Some(v) = *value else {
            pen_down = false;
            s.push_str(&format!(
                r##"<text x="{x:.1}" y="{y:.1}" {FONT} text-anchor="middle" fill="#556">—</text>"##,
                y = top + plot_h - 4.0
            ));
            continue;
        };
        let y = y_of(v.to_f64().unwrap_or(0.0));
        path.push_str(&format!(
            "{}{x:.1},{y:.1} ",
            if pen_down { "L" } else { "M" }
        ));
        pen_down = true;
        s.push_str(&format!(
            r##"<circle cx="{x:.1}" cy="{y:.1}" r="3.5" fill="#c0392b"/>"##
        ));
        if label_all || k + 1 == points.len() {
            // Right of the value axis, whose own figures stand left of it.
            let text = label(v);
            s.push_str(&format!(
                r##"<text x="{tx:.1}" y="{ty:.1}" {FONT} text-anchor="middle">{text}</text>"##,
                tx = inside(x, &text, left + 4.0),
                ty = (y - 8.0).max(12.0)
            ));
        }
    }
    s.push_str(&format!(
        r##"<path d="{}" fill="none" stroke="#c0392b" stroke-width="2"/></svg>"##,
        path.trim()
    ));
    s
}

/// One unit on a map: where it lies, its figure (printed as `label`), and where its figures are.
pub struct MapUnit {
    pub name: String,
    pub href: String,
    pub shape: solieu_io::geojson::Shape,
    pub value: Option<Decimal>,
    pub label: String,
}

/// ColorBrewer's sequential blues, lightest first: told apart in print and by most readers with
/// a colour vision deficiency, since they differ in lightness.
const SHADES: [&str; 5] = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"];
/// A unit without a published figure.
const NO_FIGURE: &str = "#d9d9d9";

/// The classes a map shades by: equal steps from the lowest figure to the highest, as many as
/// there are different figures, at most five. Each is (from, to) inclusive of its top.
pub fn classes(values: &[Decimal]) -> Vec<(Decimal, Decimal)> {
    let (Some(low), Some(high)) = (values.iter().min(), values.iter().max()) else {
        return Vec::new();
    };
    let mut distinct: Vec<&Decimal> = values.iter().collect();
    distinct.sort();
    distinct.dedup();
    let count = distinct.len().min(SHADES.len());
    let step = (high - low) / Decimal::from(count as u32);
    (0..count)
        .map(|i| {
            let from = low + step * Decimal::from(i as u32);
            let to = if i + 1 == count {
                *high
            } else {
                low + step * Decimal::from(i as u32 + 1)
            };
            (from, to)
        })
        .collect()
}

fn shade_of(value: Option<Decimal>, classes: &[(Decimal, Decimal)]) -> &'static str {
    let Some(value) = value else {
        return NO_FIGURE;
    };
    let at = classes
        .iter()
        .position(|(_, to)| value <= *to)
        .unwrap_or(classes.len().saturating_sub(1));
    // Fewer classes than shades take the darker ones, so a single class is not near white.
    SHADES[SHADES.len() - classes.len() + at.min(classes.len().saturating_sub(1))]
}

/// From longitude and latitude to the drawing: an equirectangular projection at the area's
/// middle latitude (a district or province is small enough for it), fitted to the width.
struct Projection {
    west: f64,
    north: f64,
    scale: f64,
    squeeze: f64,
}

impl Projection {
    const MARGIN: f64 = 12.0;
    /// Room above the northernmost unit for its name.
    const TOP: f64 = 30.0;

    fn fitted(units: &[MapUnit]) -> Option<(Projection, f64)> {
        let positions = units.iter().flat_map(|u| positions(&u.shape));
        let (mut west, mut east, mut south, mut north) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for [lon, lat] in positions {
            west = west.min(lon);
            east = east.max(lon);
            south = south.min(lat);
            north = north.max(lat);
        }
        if west > east {
            return None;
        }
        let squeeze = ((south + north) / 2.0).to_radians().cos();
        let across = ((east - west) * squeeze).max(1e-6);
        let down = (north - south).max(1e-6);
        let inner = WIDTH - 2.0 * Self::MARGIN;
        // A tall area is drawn no taller than it is wide, a flat one no flatter than a third.
        let scale = (inner / across).min(inner / down);
        let height = (down * scale).max(inner / 3.0) + Self::TOP + Self::MARGIN;
        Some((
            Projection {
                west,
                north,
                scale,
                squeeze,
            },
            height,
        ))
    }

    fn at(&self, [lon, lat]: [f64; 2]) -> (f64, f64) {
        (
            Self::MARGIN + (lon - self.west) * self.squeeze * self.scale,
            Self::TOP + (self.north - lat) * self.scale,
        )
    }
}

fn positions(shape: &solieu_io::geojson::Shape) -> Vec<[f64; 2]> {
    use solieu_io::geojson::Shape;
    match shape {
        Shape::Point(p) => vec![*p],
        Shape::Area(polygons) => polygons.iter().flatten().flatten().copied().collect(),
    }
}

/// A path of the unit's rings, leaving out positions closer than half a unit to the last one
/// kept: a detailed boundary weighs no more than the drawing can show.
fn area_path(polygons: &[Vec<Vec<[f64; 2]>>], projection: &Projection) -> String {
    let mut d = String::new();
    for ring in polygons.iter().flatten() {
        let mut last: Option<(f64, f64)> = None;
        for (k, p) in ring.iter().enumerate() {
            let (x, y) = projection.at(*p);
            let near = last.is_some_and(|(lx, ly)| (x - lx).hypot(y - ly) < 0.5);
            if near && k + 1 < ring.len() {
                continue;
            }
            d.push_str(&format!(
                "{}{x:.1} {y:.1}",
                if last.is_none() { "M" } else { "L" }
            ));
            last = Some((x, y));
        }
        d.push('Z');
    }
    d
}

/// Where a unit's name may be written, best first: above its point, then below, right and
/// left of it; or the middle of its largest part's outer ring.
fn label_places(shape: &solieu_io::geojson::Shape, projection: &Projection) -> Vec<(f64, f64)> {
    use solieu_io::geojson::Shape;
    match shape {
        Shape::Point(p) => {
            let (x, y) = projection.at(*p);
            vec![
                (x, y - 10.0),
                (x, y + 21.0),
                (x + 40.0, y + 4.0),
                (x - 40.0, y + 4.0),
            ]
        }
        Shape::Area(polygons) => {
            let span = |ring: &Vec<[f64; 2]>| {
                let xs = ring.iter().map(|p| p[0]);
                let ys = ring.iter().map(|p| p[1]);
                (xs.clone().fold(f64::MIN, f64::max) - xs.fold(f64::MAX, f64::min))
                    * (ys.clone().fold(f64::MIN, f64::max) - ys.fold(f64::MAX, f64::min))
            };
            let outer = polygons
                .iter()
                .map(|p| &p[0])
                .max_by(|a, b| span(a).total_cmp(&span(b)));
            let Some(outer) = outer.filter(|o| o.len() > 1) else {
                return Vec::new();
            };
            let corners = &outer[..outer.len() - 1];
            let n = corners.len() as f64;
            let lon = corners.iter().map(|p| p[0]).sum::<f64>() / n;
            let lat = corners.iter().map(|p| p[1]).sum::<f64>() / n;
            let (x, y) = projection.at([lon, lat]);
            vec![(x, y + 4.0), (x, y + 19.0), (x, y - 11.0)]
        }
    }
}

/// A name's box (left, top, right, bottom) when centred at `x` on the baseline `y`.
fn name_box(x: f64, y: f64, name: &str) -> [f64; 4] {
    let half = text_width(name) / 2.0;
    [x - half, y - 12.0, x + half, y + 3.0]
}

fn overlaps(a: &[f64; 4], b: &[f64; 4]) -> bool {
    a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]
}

/// The first place for `name` inside the drawing that overlaps no name already placed; the
/// first place when every one does.
fn place_name(
    name: &str,
    places: &[(f64, f64)],
    placed: &[[f64; 4]],
    height: f64,
) -> Option<(f64, f64)> {
    let fitted: Vec<(f64, f64)> = places
        .iter()
        .map(|&(x, y)| (inside(x, name, 0.0), y.clamp(13.0, height - 2.0)))
        .collect();
    fitted
        .iter()
        .copied()
        .find(|&(x, y)| {
            let b = name_box(x, y, name);
            !placed.iter().any(|p| overlaps(p, &b))
        })
        .or_else(|| fitted.first().copied())
}

/// A map of units shaded by their figures, with a legend under it: each unit a link to its
/// figures, named and valued in its tooltip and for assistive technology. `legend` gives each
/// class's text ("643,41 – 800") and the words for a unit without a figure. `None` when no
/// unit has a place to be drawn.
pub fn map(
    units: &[MapUnit],
    classes: &[(Decimal, Decimal)],
    legend: &[String],
    no_figure: &str,
    labelled_by: &str,
) -> Option<String> {
    let (projection, map_height) = Projection::fitted(units)?;
    let legend_rows = legend.len() + usize::from(units.iter().any(|u| u.value.is_none()));
    let height = map_height + 8.0 + 20.0 * legend_rows as f64;
    let mut s = format!(
        r##"<svg class="chart map" viewBox="0 0 {WIDTH} {height:.0}" role="group" aria-labelledby="{}" font-family="sans-serif" xmlns="http://www.w3.org/2000/svg">"##,
        escape(labelled_by)
    );
    let mut names = String::new();
    // Points first, so that no name covers one.
    let mut placed: Vec<[f64; 4]> = units
        .iter()
        .filter_map(|u| match &u.shape {
            solieu_io::geojson::Shape::Point(p) => {
                let (x, y) = projection.at(*p);
                Some([x - 7.0, y - 7.0, x + 7.0, y + 7.0])
            }
            solieu_io::geojson::Shape::Area(_) => None,
        })
        .collect();
    for unit in units {
        let fill = shade_of(unit.value, classes);
        let said = format!("{}: {}", unit.name, unit.label);
        let drawn = match &unit.shape {
            solieu_io::geojson::Shape::Point(p) => {
                let (x, y) = projection.at(*p);
                format!(
                    r##"<circle cx="{x:.1}" cy="{y:.1}" r="6" fill="{fill}" stroke="#333" stroke-width="1"/>"##
                )
            }
            solieu_io::geojson::Shape::Area(polygons) => format!(
                r##"<path d="{}" fill="{fill}" fill-rule="evenodd" stroke="#fff" stroke-width="1"/>"##,
                area_path(polygons, &projection)
            ),
        };
        s.push_str(&format!(
            r#"<a href="{}" aria-label="{}"><title>{}</title>{drawn}</a>"#,
            escape(&unit.href),
            escape(&said),
            escape(&said)
        ));
        if let Some((x, y)) = place_name(
            &unit.name,
            &label_places(&unit.shape, &projection),
            &placed,
            map_height,
        ) {
            placed.push(name_box(x, y, &unit.name));
            names.push_str(&format!(
                r##"<text x="{x:.1}" y="{y:.1}" {FONT} text-anchor="middle" fill="#111" stroke="#fff" stroke-width="3" paint-order="stroke" aria-hidden="true">{}</text>"##,
                escape(&unit.name)
            ));
        }
    }
    // Names over every shape, so that no neighbour covers one.
    s.push_str(&names);
    let mut y = map_height + 8.0;
    let swatches = classes
        .iter()
        .map(|(_, to)| shade_of(Some(*to), classes))
        .zip(legend.iter().map(String::as_str));
    let missing = units
        .iter()
        .any(|u| u.value.is_none())
        .then_some((NO_FIGURE, no_figure));
    for (fill, text) in swatches.chain(missing) {
        s.push_str(&format!(
            r##"<rect x="12" y="{y:.0}" width="14" height="14" fill="{fill}" stroke="#666" stroke-width="0.5"/><text x="32" y="{ty:.0}" {FONT}>{}</text>"##,
            escape(text),
            ty = y + 12.0
        ));
        y += 20.0;
    }
    s.push_str("</svg>");
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Option<Decimal> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn a_trend_starts_at_its_first_figure_with_an_axis_and_marks_a_gap() {
        let points = [
            ("6T/2024".to_string(), None),
            ("6T/2025".to_string(), d("120")),
            ("12T/2025".to_string(), None),
            ("6T/2026".to_string(), d("15321")),
        ];
        let svg = line(&points, 0, "trend-title");
        assert!(!svg.contains("6T/2024"), "no slot before the first figure");
        assert!(
            svg.contains("12T/2025") && svg.contains(">—<"),
            "the gap is marked"
        );
        // The axis: zero and the highest figure.
        assert!(svg.contains(">0<") && svg.contains(">15.321<"), "{svg}");
        assert!(svg.contains(r#"role="img" aria-labelledby="trend-title""#));
    }

    /// The x and text of every `<text>` whose text is one of `names`.
    fn placed<'a>(svg: &str, names: &[&'a str]) -> Vec<(f64, &'a str)> {
        names
            .iter()
            .filter_map(|n| {
                let end = svg.find(&format!(">{n}</text>"))?;
                let start = svg[..end].rfind("<text x=\"")? + "<text x=\"".len();
                let x = svg[start..start + svg[start..].find('"')?].parse().ok()?;
                Some((x, *n))
            })
            .collect()
    }

    #[test]
    fn period_names_neither_overlap_nor_leave_the_chart() {
        let names = [
            "6T đầu 2023",
            "6T cuối 2023",
            "6T đầu 2024",
            "6T cuối 2024",
            "6T đầu 2025",
            "6T cuối 2025",
            "6T đầu 2026",
        ];
        let points: Vec<_> = names.iter().map(|n| (n.to_string(), d("5"))).collect();
        let svg = line(&points, 0, "t");
        let shown = placed(&svg, &names);
        assert_eq!(shown.last().map(|(_, n)| *n), Some("6T đầu 2026"), "{svg}");
        assert!(shown.len() >= 3, "{shown:?}");
        for pair in shown.windows(2) {
            let ((a, an), (b, bn)) = (pair[0], pair[1]);
            assert!(
                b - a >= (text_width(an) + text_width(bn)) / 2.0,
                "{an} and {bn} overlap"
            );
        }
        for (x, n) in shown {
            assert!(
                x - text_width(n) / 2.0 >= 0.0 && x + text_width(n) / 2.0 <= WIDTH,
                "{n} is cut"
            );
        }
    }

    #[test]
    fn a_point_s_figure_stands_clear_of_the_axis_figures() {
        let points = [
            ("6T đầu 2025".to_string(), d("64997")),
            ("6T đầu 2026".to_string(), d("66295")),
        ];
        let svg = line(&points, 0, "t");
        // The axis figures end at x = 64 (anchored at their end); the point's begins after 70.
        let (x, _) = placed(&svg, &["64.997"])[0];
        assert!(x - text_width("64.997") / 2.0 >= 70.0, "{svg}");
    }

    #[test]
    fn bars_name_each_unit_whole_above_its_bar() {
        let rows = [(
            "Thị trấn Bình Liêu <cũ>".to_string(),
            Decimal::from(5),
            "5".to_string(),
        )];
        let svg = bars(&rows, "communes-title");
        assert!(svg.contains(">Thị trấn Bình Liêu &lt;cũ&gt;<"), "{svg}");
        assert!(svg.contains(r#"aria-labelledby="communes-title""#));
    }
}
