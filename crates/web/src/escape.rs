//! Text written into markup the application makes itself (RSS, the sitemap, SVG charts, an
//! article's picture tags): one escaping for all of it. Templates escape through minijinja.

/// `text` as XML or HTML text or a quoted attribute's value: `& < > " '` escaped, and the
/// control characters XML 1.0 cannot hold at all left out.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}
