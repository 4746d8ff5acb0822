//! Addresses made from Vietnamese titles: "Họp thường kì tháng 6 năm 2020" becomes
//! `hop-thuong-ki-thang-6-nam-2020`, as Vietnamese portals write them.

use crate::text::fold;

/// The longest slug made; longer titles are cut at a word boundary.
pub const SLUG_MAX: usize = 80;

/// The slug of a title: folded (no diacritics, `đ` → `d`), lower case, ASCII letters and digits
/// in words joined by `-`. A title with no letter or digit gives `bai-viet`.
pub fn slugify(title: &str) -> String {
    let folded = fold(title);
    let mut slug = String::with_capacity(folded.len());
    for word in folded.split(|c: char| !c.is_ascii_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        let extra = word.len() + usize::from(!slug.is_empty());
        if slug.len() + extra > SLUG_MAX {
            if slug.is_empty() {
                slug.push_str(&word[..SLUG_MAX]);
            }
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(word);
    }
    if slug.is_empty() {
        slug.push_str("bai-viet");
    }
    slug
}

/// `base`, or `base-2`, `base-3`… the first that `taken` does not hold: two articles with the
/// same title get distinct addresses.
pub fn unique_slug(base: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|candidate| !taken(candidate))
        .unwrap_or_else(|| base.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn vietnamese_titles_become_the_addresses_portals_use() {
        assert_eq!(
            slugify("Họp thường kì tháng 6 năm 2020"),
            "hop-thuong-ki-thang-6-nam-2020"
        );
        assert_eq!(
            slugify("Xã Đồng Văn đạt chuẩn nông thôn mới!"),
            "xa-dong-van-dat-chuan-nong-thon-moi"
        );
        // Decomposed input and another tone placement give the same address.
        assert_eq!(slugify("hoa\u{300} bi\u{300}nh"), slugify("hoà bình"));
        assert_eq!(slugify("Hòa"), slugify("Hoà"));
        assert_eq!(slugify("  --  "), "bai-viet");
        assert_eq!(
            slugify("<script>alert(1)</script>"),
            "script-alert-1-script"
        );
    }

    #[test]
    fn a_taken_slug_gets_the_next_free_number() {
        let taken = ["hop", "hop-2"];
        assert_eq!(unique_slug("hop", |s| taken.contains(&s)), "hop-3");
        assert_eq!(unique_slug("khac", |s| taken.contains(&s)), "khac");
    }

    proptest! {
        #[test]
        fn any_title_gives_a_short_plain_address(title in "\\PC{0,300}") {
            let slug = slugify(&title);
            prop_assert!(!slug.is_empty() && slug.len() <= SLUG_MAX);
            prop_assert!(slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
            prop_assert!(!slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"));
        }
    }
}
