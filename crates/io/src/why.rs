//! Why a parser we use refused a file, in each language's own words: the Vietnamese message
//! says what kind of fault it is, the English one keeps the library's detail. Passing the
//! library's English text into a Vietnamese message is what this replaces.

use solieu_i18n::Text;

/// Why `serde_json` refused a file.
pub fn json(e: &serde_json::Error) -> Text {
    use serde_json::error::Category;
    let why = match e.classify() {
        Category::Syntax => solieu_i18n::text!("io-why-json-syntax"),
        Category::Eof => solieu_i18n::text!("io-why-json-eof"),
        Category::Data => solieu_i18n::text!("io-why-json-data"),
        Category::Io => solieu_i18n::text!("io-why-read"),
    };
    solieu_i18n::text!("io-unreadable-json", e = e, why = why)
}

/// Why the `csv` reader refused a line (the message of `id`, which takes `e` and `why`).
pub fn csv_line(e: &csv::Error) -> Text {
    solieu_i18n::text!("io-unreadable-csv-line", e = e, why = csv_kind(e))
}

/// The kind of a `csv` error, in words.
pub fn csv_kind(e: &csv::Error) -> Text {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => solieu_i18n::text!("io-why-csv-utf8"),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => solieu_i18n::text!("io-why-csv-unequal", cells = len, expected = expected_len),
        _ => solieu_i18n::text!("io-why-read"),
    }
}

#[cfg(test)]
mod tests {
    use solieu_i18n::Lang;

    #[test]
    fn a_vietnamese_reason_is_in_vietnamese_and_the_english_keeps_the_detail() {
        let e = serde_json::from_slice::<serde_json::Value>(b"{\"a\": [1, 2").unwrap_err();
        let text = super::json(&e);
        assert_eq!(
            text.get(Lang::Vi),
            "JSON không đọc được: tệp bị cắt ngang, thiếu phần cuối"
        );
        assert!(
            text.get(Lang::En).contains("EOF while parsing"),
            "{}",
            text.get(Lang::En)
        );
        let e = serde_json::from_slice::<serde_json::Value>(b"{a}").unwrap_err();
        assert!(super::json(&e).get(Lang::Vi).ends_with("sai cú pháp"));
        let bytes = b"a,b\n1,2,3\n";
        let mut reader = csv::ReaderBuilder::new().from_reader(&bytes[..]);
        let e = reader
            .records()
            .find_map(Result::err)
            .expect("an unequal line");
        assert_eq!(
            super::csv_line(&e).get(Lang::Vi),
            "dòng CSV không đọc được: dòng có 3 ô, dòng tiêu đề có 2"
        );
    }
}
