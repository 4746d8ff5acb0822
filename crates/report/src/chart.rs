//! Charts as SVG, written by hand: horizontal bars with their values, a reference line (100%
//! of plan) where one is given. Text stays text (UTF-8), so Vietnamese labels render with
//! whatever serif font the viewer has.

use crate::model::Chart;
use rust_decimal::prelude::ToPrimitive;
use solieu_core::format::number_vi;

pub const WIDTH: f64 = 640.0;
const LABEL_WIDTH: f64 = 270.0;
const BAR_HEIGHT: f64 = 22.0;
const GAP: f64 = 8.0;
const TOP: f64 = 40.0;

pub fn height(chart: &Chart) -> f64 {
    TOP + chart.bars.len().max(1) as f64 * (BAR_HEIGHT + GAP) + 30.0
}

pub(crate) fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Labels longer than the label column are cut with an ellipsis.
fn fit(label: &str) -> String {
    const MAX: usize = 34;
    if label.chars().count() <= MAX {
        label.to_string()
    } else {
        let cut: String = label.chars().take(MAX - 1).collect();
        format!("{}…", cut.trim_end())
    }
}

pub fn svg(chart: &Chart) -> String {
    let h = height(chart);
    let values: Vec<f64> = chart
        .bars
        .iter()
        .map(|b| b.value.to_f64().unwrap_or(0.0))
        .collect();
    let reference = chart.reference.and_then(|r| r.to_f64());
    let max = values
        .iter()
        .copied()
        .chain(reference)
        .fold(0.0_f64, |a, v| a.max(v));
    let min = values.iter().copied().fold(0.0_f64, f64::min);
    let span = if max - min > 0.0 { max - min } else { 1.0 };
    let plot = WIDTH - LABEL_WIDTH - 70.0;
    let x = |v: f64| LABEL_WIDTH + (v - min) / span * plot;
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{h}" viewBox="0 0 {WIDTH} {h}" font-family="'Times New Roman', 'Liberation Serif', Tinos, serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="{}" y="22" text-anchor="middle" font-weight="bold" font-size="14">{}</text>
"#,
        WIDTH / 2.0,
        escape(&chart.title)
    );
    let zero = x(0.0);
    for (i, (bar, &v)) in chart.bars.iter().zip(&values).enumerate() {
        let y = TOP + i as f64 * (BAR_HEIGHT + GAP);
        let (x0, x1) = if v >= 0.0 { (zero, x(v)) } else { (x(v), zero) };
        let colour = if v >= 0.0 { "#2f5f8f" } else { "#b0413e" };
        s.push_str(&format!(
            r#"<text x="{}" y="{}" text-anchor="end">{}</text>
<rect x="{x0:.1}" y="{y:.1}" width="{:.1}" height="{BAR_HEIGHT}" fill="{colour}"/>
<text x="{:.1}" y="{}">{}{}</text>
"#,
            LABEL_WIDTH - 8.0,
            y + 15.0,
            escape(&fit(&bar.label)),
            (x1 - x0).max(0.5),
            x1.max(zero) + 4.0,
            y + 15.0,
            number_vi(bar.value, bar.decimals),
            if chart.measure == "%" { "%" } else { "" },
        ));
    }
    let bottom = TOP + chart.bars.len().max(1) as f64 * (BAR_HEIGHT + GAP);
    s.push_str(&format!(
        r##"<line x1="{zero:.1}" y1="{}" x2="{zero:.1}" y2="{bottom:.1}" stroke="#333"/>
"##,
        TOP - 4.0
    ));
    if let Some(r) = reference {
        let rx = x(r);
        s.push_str(&format!(
            r##"<line x1="{rx:.1}" y1="{}" x2="{rx:.1}" y2="{bottom:.1}" stroke="#333" stroke-dasharray="4 3"/>
<text x="{rx:.1}" y="{}" text-anchor="middle" font-size="11">{}%</text>
"##,
            TOP - 4.0,
            bottom + 14.0,
            number_vi(rust_decimal::Decimal::try_from(r).unwrap_or_default(), 0)
        ));
    }
    s.push_str("</svg>\n");
    s
}

/// The system's fonts, loaded once per process (tens of milliseconds).
fn options() -> &'static resvg::usvg::Options<'static> {
    static OPTIONS: std::sync::OnceLock<resvg::usvg::Options<'static>> = std::sync::OnceLock::new();
    OPTIONS.get_or_init(|| {
        let mut opt = resvg::usvg::Options {
            font_family: "Liberation Serif".into(),
            ..resvg::usvg::Options::default()
        };
        opt.fontdb_mut().load_system_fonts();
        opt
    })
}

/// Whether any font is available to draw labels with; without one a PNG would have bars
/// and no words, so the DOCX gets the chart's values as a table instead.
pub fn can_draw_text() -> bool {
    !options().fontdb.is_empty()
}

/// The chart as PNG at twice its SVG size (192 dpi), for the DOCX; `None` without fonts.
pub fn png(chart: &Chart) -> Option<Vec<u8>> {
    if !can_draw_text() {
        return None;
    }
    let tree = resvg::usvg::Tree::from_str(&svg(chart), options()).ok()?;
    let size = tree.size().to_int_size();
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width() * 2, size.height() * 2)?;
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(2.0, 2.0),
        &mut pixmap.as_mut(),
    );
    pixmap.encode_png().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Bar;
    use rust_decimal::Decimal;

    #[test]
    fn vietnamese_labels_and_values_are_written_as_text() {
        let chart = Chart {
            name: "plan".into(),
            title: "Tỷ lệ thực hiện kế hoạch".into(),
            measure: "%".into(),
            bars: vec![Bar {
                label: "Giá trị sản xuất nông, lâm nghiệp và thủy sản".into(),
                value: Decimal::new(3758, 2),
                decimals: 2,
            }],
            reference: Some(Decimal::ONE_HUNDRED),
        };
        let s = svg(&chart);
        assert!(s.contains("Tỷ lệ thực hiện kế hoạch"));
        assert!(s.contains("Giá trị sản xuất nông, lâm nghiệp") && s.contains("…<"));
        assert!(s.contains(">37,58%<"));
        assert!(s.contains("stroke-dasharray"));
    }

    #[test]
    fn charts_become_pngs_where_fonts_exist() {
        let chart = Chart {
            name: "change".into(),
            title: "Tăng, giảm so với cùng kỳ".into(),
            measure: "%".into(),
            bars: vec![Bar {
                label: "Khách du lịch".into(),
                value: Decimal::new(-852, 1),
                decimals: 1,
            }],
            reference: None,
        };
        match png(&chart) {
            Some(png) => assert!(png.starts_with(b"\x89PNG")),
            None => assert!(!can_draw_text()),
        }
    }
}
