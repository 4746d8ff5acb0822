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
