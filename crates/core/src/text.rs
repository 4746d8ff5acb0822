//! Text helpers for matching Vietnamese words the way a clerk types them.

use unicode_normalization::UnicodeNormalization;

/// Folds text for loose matching: lower case, diacritics removed, `đ` → `d`, runs of
/// whitespace collapsed. "Thị trấn  Bình Liêu" and "thi tran binh lieu" fold alike.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.nfd() {
        if ('\u{300}'..='\u{36f}').contains(&c) {
            continue;
        }
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        match c {
            'đ' | 'Đ' => out.push('d'),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// `text` as XML or HTML text or a quoted attribute's value, for markup written by hand (RSS,
/// the sitemap, SVG charts, search snippets): `& < > " '` escaped, and the control characters
/// XML 1.0 cannot hold at all left out. Templates escape through their own engine.
pub fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// Normalises user text to NFC and trims it, so that the same word is stored one way.
pub fn clean(text: &str) -> String {
    text.trim().nfc().collect()
}

/// The candidate closest to `wanted` by edit distance over folded text, for "did you mean".
pub fn closest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let wanted = fold(wanted);
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .map(|c| (edit_distance(&wanted, &fold(c)), c))
        .collect();
    scored.sort();
    let limit = (wanted.chars().count() / 2).max(2);
    scored
        .into_iter()
        .filter(|(d, _)| *d <= limit)
        .take(3)
        .map(|(_, c)| c)
        .collect()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_escaping_leaves_no_tag_quote_or_control_character() {
        assert_eq!(
            escape_markup("<b a=\"x\" b='y'>R&D</b>"),
            "&lt;b a=&quot;x&quot; b=&#39;y&#39;&gt;R&amp;D&lt;/b&gt;"
        );
        assert_eq!(escape_markup("a\u{1}b\tc\n"), "ab\tc\n");
        assert_eq!(escape_markup("Đồng Văn"), "Đồng Văn");
    }

    #[test]
    fn folds_vietnamese_as_people_type_it() {
        assert_eq!(fold("Thị trấn  Bình Liêu"), "thi tran binh lieu");
        assert_eq!(fold("Đồng Tâm"), "dong tam");
        assert_eq!(fold("ƯỚC TÍNH"), "uoc tinh");
        // Decomposed input folds like precomposed input.
        assert_eq!(fold("Hoa\u{300}nh Mô"), fold("Hoành Mô"));
    }

    #[test]
    fn closest_suggests_near_names_only() {
        let names = ["Hoành Mô", "Đồng Văn", "Lục Hồn"];
        assert_eq!(closest("hoanh mo", names), vec!["Hoành Mô"]);
        assert!(closest("Hà Nội xyz", names).is_empty());
    }
}

/// The tone marks of Vietnamese (grave, acute, tilde, hook above, dot below), decomposed.
const TONES: [char; 5] = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];

/// Text in NFC with every tone placed the one way: on the second vowel of an open `oa`, `oe`,
/// `uy` ("hoà", "khoẻ", "thuý"), where older typing puts it on the first ("hòa"). Both ways
/// are correct Vietnamese and a reader sees one word; a search must too.
pub fn normalize_tones(text: &str) -> String {
    let chars: Vec<char> = text.nfd().collect();
    let mut out: Vec<char> = Vec::with_capacity(chars.len());
    let mut at = 0;
    while at < chars.len() {
        let start = at;
        while at < chars.len() && is_word_char(chars[at]) {
            at += 1;
        }
        if at > start {
            out.extend(retoned(&chars[start..at]));
        } else {
            out.push(chars[at]);
            at += 1;
        }
    }
    out.into_iter().nfc().collect()
}

fn is_word_char(c: char) -> bool {
    c.is_alphabetic() || ('\u{300}'..='\u{36f}').contains(&c)
}

/// One decomposed word with its tone moved from `o`/`u` to the vowel after it when the word
/// ends in `oa`, `oe` or `uy`.
fn retoned(word: &[char]) -> Vec<char> {
    let mut letters: Vec<(char, Vec<char>)> = Vec::new();
    for &c in word {
        match letters.last_mut() {
            Some((_, marks)) if ('\u{300}'..='\u{36f}').contains(&c) => marks.push(c),
            _ => letters.push((c, Vec::new())),
        }
    }
    let n = letters.len();
    if n >= 2 {
        let first = letters[n - 2].0.to_ascii_lowercase();
        let second = letters[n - 1].0.to_ascii_lowercase();
        let open_pair = matches!((first, second), ('o', 'a') | ('o', 'e') | ('u', 'y'));
        // "qu" is a consonant: in "quý" the tone is on the y already.
        let after_q = n >= 3 && letters[n - 3].0.eq_ignore_ascii_case(&'q');
        let shaped = letters[n - 2..]
            .iter()
            .any(|(_, marks)| marks.iter().any(|m| !TONES.contains(m)));
        if open_pair && !after_q && !shaped {
            let (moved, kept): (Vec<char>, Vec<char>) =
                letters[n - 2].1.iter().partition(|m| TONES.contains(m));
            letters[n - 2].1 = kept;
            letters[n - 1].1.extend(moved);
        }
    }
    letters
        .into_iter()
        .flat_map(|(c, marks)| std::iter::once(c).chain(marks))
        .collect()
}

#[cfg(test)]
mod tone_tests {
    use super::*;

    #[test]
    fn both_tone_placements_read_as_one_word() {
        assert_eq!(normalize_tones("hòa bình"), "hoà bình");
        assert_eq!(normalize_tones("Hòa"), normalize_tones("Hoà"));
        assert_eq!(normalize_tones("khỏe"), "khoẻ");
        assert_eq!(normalize_tones("thúy"), "thuý");
        // Decomposed input comes out precomposed.
        assert_eq!(normalize_tones("ho\u{300}a"), "hoà");
        // Closed syllables, "qu" and shaped vowels are left as they are.
        assert_eq!(normalize_tones("hoàng quý thuở"), "hoàng quý thuở");
        assert_eq!(normalize_tones("Họp thường kì"), "Họp thường kì");
    }
}
