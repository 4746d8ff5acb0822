//! Charts as SVG, written by hand: horizontal bars with their values, a reference line (100%
//! of plan) where one is given. Text stays text (UTF-8), so Vietnamese labels render with
//! whatever serif font the viewer has.

use crate::model::Chart;
use rust_decimal::prelude::ToPrimitive;
use solieu_core::format::number_vi;

pub const WIDTH: f64 = 640.0;
const LABEL_WIDTH: f64 = 270.0;
const BAR_HEIGHT: f64 = 20.0;
const LINE_HEIGHT: f64 = 14.0;
const GAP: f64 = 8.0;
const TOP: f64 = 40.0;
/// Characters of a label line: the label column holds about 44 of Times 12 px; fewer, so
/// that wide letters (Đ, M, W) still fit.
const LINE_CHARS: usize = 40;
/// Lines a label may take; a longer label is shortened at a word with an ellipsis.
const MAX_LINES: usize = 3;
/// Room left of the axis for the value of a negative bar.
const NEGATIVE_ROOM: f64 = 56.0;

/// A label broken into lines at spaces, never inside a word unless the word alone is longer
/// than a line.
fn wrap(label: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in label.split_whitespace() {
        let wanted = line.chars().count() + usize::from(!line.is_empty()) + word.chars().count();
        if !line.is_empty() && wanted > LINE_CHARS {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    if lines.len() > MAX_LINES {
        lines.truncate(MAX_LINES);
        let last = &mut lines[MAX_LINES - 1];
        let mut cut: String = last.chars().take(LINE_CHARS - 1).collect();
        if let Some(space) = cut.rfind(' ') {
            cut.truncate(space);
        }
        *last = format!("{}…", cut.trim_end());
    }
    lines
}

/// Each bar's row height: its label's lines, at least a bar.
fn rows(chart: &Chart) -> Vec<(Vec<String>, f64)> {
    chart
        .bars
        .iter()
        .map(|b| {
            let lines = wrap(&b.label);
            let h = (lines.len() as f64 * LINE_HEIGHT).max(BAR_HEIGHT);
            (lines, h)
        })
        .collect()
}

pub fn height(chart: &Chart) -> f64 {
    let body: f64 = rows(chart).iter().map(|(_, h)| h + GAP).sum();
    TOP + body.max(BAR_HEIGHT + GAP) + 30.0
}

pub(crate) fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The horizontal scale: where a value falls, the axis included.
struct Scale {
    min: f64,
    span: f64,
    left: f64,
    plot: f64,
}

impl Scale {
    fn new(values: &[f64], reference: Option<f64>) -> Scale {
        let max = values
            .iter()
            .copied()
            .chain(reference)
            .fold(0.0_f64, |a, v| a.max(v));
        let min = values.iter().copied().fold(0.0_f64, f64::min);
        let span = if max - min > 0.0 { max - min } else { 1.0 };
        // A negative bar's value is written left of its end, so the plot starts further right.
        let room = if min < 0.0 { NEGATIVE_ROOM } else { 0.0 };
        Scale {
            min,
            span,
            left: LABEL_WIDTH + room,
            plot: WIDTH - LABEL_WIDTH - room - 70.0,
        }
    }

    fn x(&self, v: f64) -> f64 {
        self.left + (v - self.min) / self.span * self.plot
    }
}

fn label_svg(lines: &[String], y: f64, row: f64) -> String {
    let first = y + (row - lines.len() as f64 * LINE_HEIGHT) / 2.0 + 11.0;
    let spans: String = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            format!(
                r#"<tspan x="{}" y="{:.1}">{}</tspan>"#,
                LABEL_WIDTH - 8.0,
                first + i as f64 * LINE_HEIGHT,
                escape(l)
            )
        })
        .collect();
    format!("<text text-anchor=\"end\">{spans}</text>\n")
}

pub fn svg(chart: &Chart) -> String {
    let h = height(chart);
    let values: Vec<f64> = chart
        .bars
        .iter()
        .map(|b| b.value.to_f64().unwrap_or(0.0))
        .collect();
    let reference = chart.reference.and_then(|r| r.to_f64());
    let scale = Scale::new(&values, reference);
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{h}" viewBox="0 0 {WIDTH} {h}" font-family="'Times New Roman', 'Liberation Serif', Tinos, serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="{}" y="22" text-anchor="middle" font-weight="bold" font-size="14">{}</text>
"#,
        WIDTH / 2.0,
        escape(&chart.title)
    );
    let zero = scale.x(0.0);
    let mut y = TOP;
    for ((bar, &v), (lines, row)) in chart.bars.iter().zip(&values).zip(rows(chart)) {
        let (x0, x1) = if v >= 0.0 {
            (zero, scale.x(v))
        } else {
            (scale.x(v), zero)
        };
        let colour = if v >= 0.0 { "#2f5f8f" } else { "#b0413e" };
        let bar_y = y + (row - BAR_HEIGHT) / 2.0;
        // The value at the bar's outer end: right of a positive bar, left of a negative one.
        let (value_x, anchor) = if v >= 0.0 {
            (x1 + 4.0, "start")
        } else {
            (x0 - 4.0, "end")
        };
        s.push_str(&label_svg(&lines, y, row));
        s.push_str(&format!(
            r#"<rect x="{x0:.1}" y="{bar_y:.1}" width="{:.1}" height="{BAR_HEIGHT}" fill="{colour}"/>
<text x="{value_x:.1}" y="{:.1}" text-anchor="{anchor}">{}{}</text>
"#,
            (x1 - x0).max(0.5),
            bar_y + 14.0,
            number_vi(bar.value, bar.decimals),
            if chart.measure == "%" { "%" } else { "" },
        ));
        y += row + GAP;
    }
    let bottom = y.max(TOP + BAR_HEIGHT + GAP);
    s.push_str(&format!(
        r##"<line x1="{zero:.1}" y1="{}" x2="{zero:.1}" y2="{bottom:.1}" stroke="#333"/>
"##,
        TOP - 4.0
    ));
    if let Some(r) = reference {
        let rx = scale.x(r);
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
        // Wrapped whole, not cut.
        assert!(s.contains(">Giá trị sản xuất nông, lâm nghiệp và<"));
        assert!(s.contains(">thủy sản<") && !s.contains('…'));
        assert!(s.contains(">37,58%<"));
        assert!(s.contains("stroke-dasharray"));
    }

    #[test]
    fn long_labels_wrap_at_words_and_negative_values_stand_left_of_their_bars() {
        let chart = Chart {
            name: "change".into(),
            title: "Tăng, giảm so với cùng kỳ".into(),
            measure: "%".into(),
            bars: vec![
                Bar {
                    label: "Giá trị sản xuất công nghiệp - xây dựng (giá so sánh 2010)".into(),
                    value: Decimal::new(52, 1),
                    decimals: 1,
                },
                Bar {
                    label: "Khách du lịch".into(),
                    value: Decimal::new(-852, 1),
                    decimals: 1,
                },
            ],
            reference: None,
        };
        let s = svg(&chart);
        assert!(s.contains(">Giá trị sản xuất công nghiệp - xây dựng<"));
        assert!(s.contains(">(giá so sánh 2010)<"));
        assert!(!s.contains('…'));
        let axis: f64 = s
            .split("<line x1=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .and_then(|x| x.parse().ok())
            .expect("an axis");
        let negative = s
            .split("<text x=\"")
            .find(|t| t.contains(">-85,2%<"))
            .expect("the negative value is written");
        let x: f64 = negative.split('"').next().unwrap().parse().unwrap();
        assert!(negative.contains("text-anchor=\"end\""));
        assert!(x < axis, "the value {x} stands left of the axis at {axis}");
        let label_end = LABEL_WIDTH - 8.0;
        assert!(x - 6.0 * 6.0 > label_end, "and clear of the labels");
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
