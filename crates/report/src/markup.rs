//! The small text form a template renders to, read into the document model.
//!
//! ```text
//! ---
//! issuer: HUYỆN BÌNH LIÊU          (front matter: `key: value`; `recipient:` repeats)
//! ---
//! # I. TÌNH HÌNH …                 (headings, levels 1–3)
//! A paragraph, possibly over       (lines join until a blank line)
//! several lines, with **bold** and *italic*.
//! @table figures                   (a directive: tables and charts built from the figures)
//! @pagebreak
//! ```
//! Nothing here can fail: anything unrecognised is text, so a template mistake shows in the
//! output rather than stopping the report.

use crate::model::{Meta, Run};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Heading(u8, Vec<Run>),
    Paragraph(Vec<Run>),
    /// `@name arg arg …`
    Directive(String, Vec<String>),
}

/// The `key: value` lines between a leading `---` and the next one, and the lines after
/// them: a report's document frame, an article's title and lead.
pub(crate) fn front_matter(text: &str) -> (Vec<(&str, &str)>, Vec<&str>) {
    let mut lines = text.lines().peekable();
    while lines.peek().is_some_and(|l| l.trim().is_empty()) {
        lines.next();
    }
    let mut fields = Vec::new();
    if lines.peek().is_some_and(|l| l.trim() == "---") {
        lines.next();
        for line in lines.by_ref() {
            let line = line.trim();
            if line == "---" {
                break;
            }
            if let Some((key, value)) = line.split_once(':') {
                fields.push((key.trim(), value.trim()));
            }
        }
    }
    (fields, lines.collect())
}

/// Front matter and body items.
pub fn parse(text: &str) -> (Meta, Vec<Item>) {
    let mut meta = Meta::default();
    let (fields, lines) = front_matter(text);
    for (key, value) in fields {
        let value = value.to_string();
        match key {
            "issuer_parent" => meta.issuer_parent = value,
            "issuer" => meta.issuer = value,
            "number" => meta.number = value,
            "place_date" => meta.place_date = value,
            "title" => meta.title = value,
            "summary" => meta.summary = value,
            "sign_for" => meta.sign_for = value,
            "sign_title" => meta.sign_title = value,
            "signer" => meta.signer = value,
            "recipient" => meta.recipients.push(value),
            _ => {}
        }
    }
    let mut items = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let flush = |paragraph: &mut Vec<&str>, items: &mut Vec<Item>| {
        if !paragraph.is_empty() {
            items.push(Item::Paragraph(inline(&paragraph.join(" "))));
            paragraph.clear();
        }
    };
    for line in lines {
        let t = line.trim();
        if t.is_empty() {
            flush(&mut paragraph, &mut items);
            continue;
        }
        let hashes = t.chars().take_while(|&c| c == '#').count();
        if (1..=3).contains(&hashes) && t[hashes..].starts_with(' ') {
            flush(&mut paragraph, &mut items);
            items.push(Item::Heading(hashes as u8, inline(t[hashes..].trim())));
        } else if let Some(rest) = t
            .strip_prefix('@')
            .filter(|r| r.starts_with(|c: char| c.is_ascii_alphabetic()))
        {
            flush(&mut paragraph, &mut items);
            let mut words = rest.split_whitespace().map(str::to_string);
            let name = words.next().unwrap_or_default();
            items.push(Item::Directive(name, words.collect()));
        } else {
            // A list item ("- …", "+ …", "2. …") starts a paragraph of its own.
            if starts_item(t) {
                flush(&mut paragraph, &mut items);
            }
            paragraph.push(t);
        }
    }
    flush(&mut paragraph, &mut items);
    (meta, items)
}

fn starts_item(line: &str) -> bool {
    if line.starts_with("- ") || line.starts_with("+ ") {
        return true;
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    digits > 0 && line[digits..].starts_with(". ")
}

/// `**bold**`, `*italic*`, `***both***`; an unmatched marker is kept as text.
pub fn inline(text: &str) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    let mut bold = false;
    let mut italic = false;
    let mut current = String::new();
    let mut rest = text;
    let push = |runs: &mut Vec<Run>, current: &mut String, bold: bool, italic: bool| {
        if !current.is_empty() {
            runs.push(Run {
                text: std::mem::take(current),
                bold,
                italic,
            });
        }
    };
    while let Some(at) = rest.find('*') {
        current.push_str(&rest[..at]);
        let stars = rest[at..].chars().take_while(|&c| c == '*').count();
        let after = &rest[at + stars..];
        // A marker opens only if it closes later; it closes only if it is open.
        let toggles_bold = stars >= 2 && (bold || after.contains("**"));
        let toggles_italic = stars % 2 == 1 && (italic || after.contains('*'));
        if toggles_bold || toggles_italic {
            push(&mut runs, &mut current, bold, italic);
            if toggles_bold {
                bold = !bold;
            }
            if toggles_italic {
                italic = !italic;
            }
            let used = if toggles_bold { 2 } else { 0 } + if toggles_italic { 1 } else { 0 };
            current.push_str(&"*".repeat(stars - used));
        } else {
            current.push_str(&rest[at..at + stars]);
        }
        rest = after;
    }
    current.push_str(rest);
    push(&mut runs, &mut current, bold, italic);
    runs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::text_of;
    use proptest::prelude::*;

    #[test]
    fn reads_front_matter_headings_paragraphs_and_directives() {
        let (meta, items) = parse(
            "---\nissuer: HUYỆN BÌNH LIÊU\nrecipient: - Như trên;\nrecipient: - Lưu: VT.\n---\n# I. KINH TẾ\nGiá trị sản xuất\nước đạt **643,41 tỷ đồng**.\n\n@table figures all\n",
        );
        assert_eq!(meta.issuer, "HUYỆN BÌNH LIÊU");
        assert_eq!(meta.recipients, ["- Như trên;", "- Lưu: VT."]);
        assert_eq!(items.len(), 3);
        assert!(matches!(&items[0], Item::Heading(1, r) if text_of(r) == "I. KINH TẾ"));
        let Item::Paragraph(runs) = &items[1] else {
            panic!()
        };
        assert_eq!(text_of(runs), "Giá trị sản xuất ước đạt 643,41 tỷ đồng.");
        assert!(runs[1].bold && runs[1].text == "643,41 tỷ đồng");
        assert_eq!(
            items[2],
            Item::Directive("table".into(), vec!["figures".into(), "all".into()])
        );
        let (_, list) = parse("Nhiệm vụ:\n- một;\n- hai.\n2. ba\n");
        assert_eq!(list.len(), 4);
    }

    #[test]
    fn unmatched_markers_stay_text() {
        assert_eq!(text_of(&inline("5 * 3 = 15")), "5 * 3 = 15");
        let runs = inline("***a*** b");
        assert!(runs[0].bold && runs[0].italic && runs[0].text == "a");
    }

    proptest! {
        #[test]
        fn any_text_parses_and_keeps_its_letters(s in "[#@*a-zđ \n:-]{0,200}") {
            let (_, items) = parse(&s);
            for item in items {
                if let Item::Paragraph(runs) = item {
                    prop_assert!(!text_of(&runs).contains('\n'));
                }
            }
            let letters = |t: &str| t.chars().filter(|c| c.is_alphabetic()).count();
            prop_assert_eq!(letters(&text_of(&inline(&s))), letters(&s));
        }
    }
}
