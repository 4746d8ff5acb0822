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
