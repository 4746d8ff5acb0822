//! Charts drawn on the server as SVG: no script, readable on an old browser, printable.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Horizontal bars, one per unit, labelled with the Vietnamese-formatted value.
pub fn bars(rows: &[(String, Decimal, String)]) -> String {
    let max = rows
        .iter()
        .map(|(_, v, _)| v.to_f64().unwrap_or(0.0))
        .fold(0.0_f64, f64::max)
        .max(f64::MIN_POSITIVE);
    let row_h = 26.0;
    let height = row_h * rows.len() as f64 + 10.0;
    let mut s = format!(
        r##"<svg class="chart" viewBox="0 0 600 {height}" role="img" font-family="sans-serif" xmlns="http://www.w3.org/2000/svg">"##
    );
    for (k, (name, value, label)) in rows.iter().enumerate() {
        let y = 5.0 + row_h * k as f64;
        let w = (value.to_f64().unwrap_or(0.0) / max * 300.0).max(1.0);
        s.push_str(&format!(
            r##"<text x="0" y="{ty}" font-size="13">{name}</text><rect x="170" y="{y}" width="{w:.1}" height="18" fill="#2f6f9f"/><text x="{lx:.1}" y="{ty}" font-size="13">{label}</text>"##,
            ty = y + 14.0,
            name = esc(name),
            lx = 176.0 + w,
            label = esc(label),
        ));
    }
    s.push_str("</svg>");
    s
}

/// A line over periods; missing periods leave a gap.
pub fn line(points: &[(String, Option<Decimal>)], decimals: u8) -> String {
    let values: Vec<f64> = points
        .iter()
        .filter_map(|(_, v)| v.and_then(|v| v.to_f64()))
        .collect();
    let max = values.iter().copied().fold(f64::MIN, f64::max);
    let min = values.iter().copied().fold(f64::MAX, f64::min).min(0.0);
    let span = if max > min { max - min } else { 1.0 };
    let (w, h, left, top) = (600.0, 220.0, 50.0, 20.0);
    let plot_w = w - left - 45.0;
    let plot_h = h - top - 40.0;
    let step = plot_w / (points.len().max(2) - 1) as f64;
    let mut s = format!(
        r##"<svg class="chart" viewBox="0 0 {w} {h}" role="img" font-family="sans-serif" xmlns="http://www.w3.org/2000/svg"><line x1="{left}" y1="{base}" x2="{right}" y2="{base}" stroke="#999"/>"##,
        base = top + plot_h,
        right = left + plot_w
    );
    let mut path = String::new();
    let mut pen_down = false;
    for (k, (label, value)) in points.iter().enumerate() {
        let x = left + step * k as f64;
        s.push_str(&format!(
            r##"<text x="{x:.1}" y="{ly}" font-size="11" text-anchor="middle">{}</text>"##,
            esc(label),
            ly = h - 12.0
        ));
        match value.and_then(|v| v.to_f64().map(|f| (v, f))) {
            Some((v, f)) => {
                let y = top + plot_h - (f - min) / span * plot_h;
                path.push_str(&format!(
                    "{}{x:.1},{y:.1} ",
                    if pen_down { "L" } else { "M" }
                ));
                pen_down = true;
                s.push_str(&format!(
                    r##"<circle cx="{x:.1}" cy="{y:.1}" r="3.5" fill="#c0392b"/><text x="{x:.1}" y="{ty:.1}" font-size="11" text-anchor="middle">{}</text>"##,
                    esc(&solieu_core::format::number_vi(v, u32::from(decimals))),
                    ty = y - 7.0
                ));
            }
            None => pen_down = false,
        }
    }
    s.push_str(&format!(
        r##"<path d="{}" fill="none" stroke="#c0392b" stroke-width="2"/></svg>"##,
        path.trim()
    ));
    s
}
