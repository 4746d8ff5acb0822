//! TCVN3 and VNI text as old workbooks carry it. The encoders here are written for the tests
//! only, independently of the tables in `legacy_text.rs`: TCVN3 from the published chart as
//! glyph look-alikes, VNI from its rule (base letter, then one mark character per shape and
//! tone).

use proptest::prelude::*;
use solieu_core::legacy_text::{
    Detected, Encoding, LegacyTextError, decode_bytes, decode_windows_1252, detect, detect_all,
    is_vietnamese_syllable, to_unicode,
};
use unicode_normalization::UnicodeNormalization;

/// Every Vietnamese letter, lower case, in dictionary order.
const ALPHABET: &str =
    "aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệghiìỉĩíịklmnoòỏõóọôồổỗốộơờởỡớợpqrstuùủũúụưừửữứựvxyỳỷỹýỵ";

/// The TCVN3 (ABC) chart: each letter above the glyph its code shows in Windows-1252.
const TCVN3_LETTERS: &str =
    "àảãáạăằẳẵắặâầẩẫấậđèẻẽéẹêềểễếệìỉĩíịòỏõóọôồổỗốộơờởỡớợùủũúụưừửữứựỳỷỹýỵĂÂĐÊÔƠƯ";
const TCVN3_GLYPHS: &str =
    "µ¶·¸¹¨»¼½¾Æ©ÇÈÉÊË®ÌÎÏÐÑªÒÓÔÕÖ×ØÜÝÞßáâãä«åæçèé¬êëìíîïñòóô\u{AD}õö÷øùúûüýþ¡¢§£¤¥¦";

/// Unicode → TCVN3. Capitals with a tone have no code: they take the lower-case code, as text
/// typed for the capital fonts (.VnTimeH) does.
fn tcvn3(text: &str) -> String {
    let letters: Vec<char> = TCVN3_LETTERS.chars().collect();
    let glyphs: Vec<char> = TCVN3_GLYPHS.chars().collect();
    text.nfc()
        .map(|c| {
            let find = |c: char| letters.iter().position(|&l| l == c).map(|i| glyphs[i]);
            find(c)
                .or_else(|| find(c.to_lowercase().next().unwrap_or(c)))
                .unwrap_or(c)
        })
        .collect()
}

/// What TCVN3 gives back for `text`: its capitals with a tone become lower case.
fn tcvn3_expected(text: &str) -> String {
    text.nfc()
        .map(|c| {
            let plain =
                !TCVN3_LETTERS.contains(c) && c.to_lowercase().any(|l| TCVN3_LETTERS.contains(l));
            if plain {
                c.to_lowercase().next().unwrap()
            } else {
                c
            }
        })
        .collect()
}

/// Unicode → VNI by the rule of the encoding.
fn vni(text: &str) -> String {
    let mut out = String::new();
    for c in text.nfc() {
        let single = match c {
            'đ' => Some('ñ'),
            'Đ' => Some('Ñ'),
            'ỉ' => Some('æ'),
            'Ỉ' => Some('Æ'),
            'ĩ' => Some('ó'),
            'Ĩ' => Some('Ó'),
            'ị' => Some('ò'),
            'Ị' => Some('Ò'),
            'ỵ' => Some('î'),
            'Ỵ' => Some('Î'),
            'í' | 'Í' | 'ì' | 'Ì' => Some(c),
            _ => None,
        };
        if let Some(s) = single {
            out.push(s);
            continue;
        }
        let parts: Vec<char> = c.to_string().nfd().collect();
        let base = parts[0];
        if parts.len() == 1 || !"aeouyAEOUY".contains(base) {
            out.push(c);
            continue;
        }
        let upper = base.is_uppercase();
        let has = |m: char| parts.contains(&m);
        let tone = if has('\u{300}') {
            1
        } else if has('\u{309}') {
            2
        } else if has('\u{303}') {
            3
        } else if has('\u{301}') {
            4
        } else if has('\u{323}') {
            5
        } else {
            0
        };
        let case = |m: char| {
            if upper {
                m.to_uppercase().next().unwrap()
            } else {
                m
            }
        };
        let mark = if has('\u{31B}') {
            // Horn: ơ and ư are single characters, the tone follows.
            out.push(case(if base.eq_ignore_ascii_case(&'o') {
                'ô'
            } else {
                'ö'
            }));
            ['\0', 'ø', 'û', 'õ', 'ù', 'ï'][tone]
        } else {
            out.push(base);
            if has('\u{302}') {
                ['â', 'à', 'å', 'ã', 'á', 'ä'][tone]
            } else if has('\u{306}') {
                ['ê', 'è', 'ú', 'ü', 'é', 'ë'][tone]
            } else {
                ['\0', 'ø', 'û', 'õ', 'ù', 'ï'][tone]
            }
        };
        if mark != '\0' {
            out.push(case(mark));
        }
    }
    out
}

/// Windows-1252 bytes of text whose characters are all Latin-1.
fn latin1_bytes(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).expect("Latin-1"))
        .collect()
}

const PHRASES: [&str; 20] = [
    "UBND huyện Bình Liêu",
    "Báo cáo tình hình kinh tế - xã hội",
    "Tổng sản phẩm trên địa bàn",
    "Giá trị sản xuất công nghiệp",
    "Thu ngân sách nhà nước",
    "Số hộ nghèo",
    "Tỷ lệ trẻ em suy dinh dưỡng",
    "Diện tích gieo trồng lúa",
    "Sản lượng lương thực có hạt",
    "Xã Hoành Mô",
    "Xã Đồng Văn",
    "Thị trấn Bình Liêu",
    "Trường trung học cơ sở",
    "Quảng Ninh",
    "Kế hoạch năm 2024",
    "So với cùng kỳ năm trước (%)",
    "Người",
    "tỷ đồng",
    "Số xã đạt chuẩn nông thôn mới",
    "Tỉnh Quảng Ninh, huyện Tiên Yên, xã Đông Ngũ",
];

#[test]
fn tcvn3_chart_is_transcribed_letter_for_letter() {
    assert_eq!(TCVN3_LETTERS.chars().count(), TCVN3_GLYPHS.chars().count());
    let encoded = tcvn3(ALPHABET);
    assert!(encoded.chars().all(|c| u32::from(c) <= 0xFF));
    assert_eq!(to_unicode(&encoded, Encoding::Tcvn3), ALPHABET);
    for capital in ["Ă", "Â", "Đ", "Ê", "Ô", "Ơ", "Ư"] {
        assert_eq!(to_unicode(&tcvn3(capital), Encoding::Tcvn3), capital);
    }
    let upper = ALPHABET.to_uppercase();
    assert_eq!(
        to_unicode(&tcvn3(&upper), Encoding::Tcvn3),
        tcvn3_expected(&upper),
        "capitals with a tone come back lower case (.VnTimeH)"
    );
}

#[test]
fn vni_alphabet_both_cases() {
    for text in [ALPHABET.to_owned(), ALPHABET.to_uppercase()] {
        let encoded = vni(&text);
        assert!(encoded.chars().all(|c| u32::from(c) <= 0xFF));
        assert_eq!(to_unicode(&encoded, Encoding::Vni), text);
    }
}

#[test]
fn known_words() {
    let tcvn3_cases = [
        ("Hoµnh M«", "Hoành Mô"),
        ("§ång V¨n", "Đồng Văn"),
        ("UBND huyÖn B×nh Liªu", "UBND huyện Bình Liêu"),
        (
            "B¸o c¸o t×nh h×nh kinh tÕ - x· héi",
            "Báo cáo tình hình kinh tế - xã hội",
        ),
        ("M\u{AD}êng Kh\u{AD}¬ng", "Mường Khương"),
        ("B¶o Th¾ng", "Bảo Thắng"),
    ];
    for (legacy, unicode) in tcvn3_cases {
        assert_eq!(to_unicode(legacy, Encoding::Tcvn3), unicode);
        assert_eq!(tcvn3(unicode), legacy);
    }
    let vni_cases = [
        ("Hoaønh Moâ", "Hoành Mô"),
        ("Ñoàng Vaên", "Đồng Văn"),
        ("UBND huyeän Bình Lieâu", "UBND huyện Bình Liêu"),
        (
            "Baùo caùo tình hình kinh teá - xaõ hoäi",
            "Báo cáo tình hình kinh tế - xã hội",
        ),
        ("TRÖÔØNG ÑAÏI HOÏC", "TRƯỜNG ĐẠI HỌC"),
        ("Tröôøng", "Trường"),
    ];
    for (legacy, unicode) in vni_cases {
        assert_eq!(to_unicode(legacy, Encoding::Vni), unicode);
        assert_eq!(vni(unicode), legacy);
    }
}

#[test]
fn output_is_nfc_and_unicode_text_is_only_normalised() {
    let decomposed: String = "Hoành Mô".nfd().collect();
    assert_eq!(to_unicode(&decomposed, Encoding::Unicode), "Hoành Mô");
    assert_eq!(to_unicode("café", Encoding::Unicode), "café");
}

#[test]
fn detects_real_looking_legacy_text() {
    assert_eq!(detect("UBND huyÖn B×nh Liªu"), Detected::Tcvn3);
    assert_eq!(detect("Hoµnh M«"), Detected::Tcvn3);
    assert_eq!(detect("§ång V¨n"), Detected::Tcvn3);
    assert_eq!(detect("Hoaønh Moâ"), Detected::Vni);
    assert_eq!(detect("Ñoàng Vaên"), Detected::Vni);
    assert_eq!(detect("UBND huyeän Bình Lieâu"), Detected::Vni);
    let column = PHRASES.join("\n");
    assert_eq!(detect(&tcvn3(&column)), Detected::Tcvn3);
    assert_eq!(detect(&vni(&column)), Detected::Vni);
}

#[test]
fn detection_does_not_misfire() {
    for text in [
        "",
        "Population, GDP (billion VND), 2024",
        "ma_don_vi;chi_tieu;ky;gia_tri\nBL;DS;2024;34.567",
        "Hoành Mô",
        "UBND huyện Bình Liêu",
        "Bình Liêu",
        "Cà Mau",
        "Tân Bình, Bà Rịa",
        "café",
        "Müller",
        "Le café de la gare, à côté de l'église",
        "Crème brûlée à Zürich, São Paulo, naïve façade",
        "Straße nach München, Größe 5 m²",
        "Nhiệt độ 25 °C",
    ] {
        assert_eq!(detect(text), Detected::Unicode, "{text}");
    }
    assert_eq!(detect(&PHRASES.join("\n")), Detected::Unicode);
}

#[test]
fn cells_are_judged_together() {
    let cells: Vec<String> = PHRASES.iter().map(|p| tcvn3(p)).collect();
    assert_eq!(
        detect_all(cells.iter().map(String::as_str)),
        Detected::Tcvn3
    );
    let cells: Vec<String> = PHRASES.iter().map(|p| vni(p)).collect();
    assert_eq!(detect_all(cells.iter().map(String::as_str)), Detected::Vni);
    assert_eq!(detect_all(PHRASES), Detected::Unicode);
    assert_eq!(detect_all([]), Detected::Unicode);
}

#[test]
fn a_word_both_encodings_read_alike_is_not_guessed() {
    // TCVN3 "ử", VNI "ư": nothing tells them apart.
    assert_eq!(detect("ö"), Detected::Ambiguous);
    // TCVN3 "á" beside VNI "à": one word each.
    assert_eq!(detect("¸ aø"), Detected::Ambiguous);
}

#[test]
fn mixed_unicode_and_legacy_is_not_guessed() {
    let mixed = format!("{}\n{}", PHRASES.join("\n"), tcvn3(&PHRASES.join("\n")));
    assert_eq!(detect(&mixed), Detected::Ambiguous);
}

#[test]
fn syllables() {
    for good in [
        "nghiêng", "Hoành", "quyết", "giữ", "gì", "khuya", "thuở", "xoong", "Đồng", "ĐỒNG", "ưu",
        "yêu", "oanh", "hoặc", "ăn", "huynh", "thích", "xẻng", "kênh", "y", "mỹ",
    ] {
        assert!(is_vietnamese_syllable(good), "{good}");
    }
    for bad in [
        "", "café", "Müller", "kan", "ngi", "hát́", "tan̉", "bác̀", "lac", "moo", "hoaønh", "xyz",
        "ă", "mâ", "ỵn", "ing", "ônh", "ệng",
    ] {
        assert!(!is_vietnamese_syllable(bad), "{bad}");
    }
}

#[test]
fn decodes_bytes_as_offices_send_them() {
    let unicode = PHRASES.join("\n");
    let utf8 = unicode.as_bytes().to_vec();
    assert_eq!(
        decode_bytes(&utf8).unwrap(),
        (unicode.clone(), Encoding::Unicode)
    );
    let with_bom = [b"\xEF\xBB\xBF".as_slice(), &utf8].concat();
    assert_eq!(
        decode_bytes(&with_bom).unwrap(),
        (unicode.clone(), Encoding::Unicode)
    );

    // Old Excel's CSV: Windows-1252 bytes of TCVN3 or VNI text.
    let tcvn3_bytes = latin1_bytes(&tcvn3(&unicode));
    assert!(std::str::from_utf8(&tcvn3_bytes).is_err());
    assert_eq!(
        decode_bytes(&tcvn3_bytes).unwrap(),
        (tcvn3_expected(&unicode), Encoding::Tcvn3)
    );
    let vni_bytes = latin1_bytes(&vni(&unicode));
    assert_eq!(
        decode_bytes(&vni_bytes).unwrap(),
        (unicode.clone(), Encoding::Vni)
    );

    // Excel's "Unicode text" of an old workbook: UTF-16 holding TCVN3 look-alikes.
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in tcvn3("Xã Hoành Mô; xã Đồng Văn").encode_utf16() {
        utf16.extend(unit.to_le_bytes());
    }
    assert_eq!(
        decode_bytes(&utf16).unwrap(),
        ("Xã Hoành Mô; xã Đồng Văn".to_owned(), Encoding::Tcvn3)
    );

    // An ASCII file with a degree sign saved by Windows: nothing to convert.
    assert_eq!(
        decode_bytes(b"nhiet do;25 \xB0C").unwrap(),
        ("nhiet do;25 °C".to_owned(), Encoding::Windows1252)
    );
}

#[test]
fn refuses_what_cannot_be_told() {
    // Western Windows-1252: not UTF-8, not Vietnamese in any reading.
    let err = decode_bytes(b"M\xFCller;caf\xE9").unwrap_err();
    assert!(
        matches!(err, LegacyTextError::Unrecognised { .. }),
        "{err:?}"
    );
    let message = err.message();
    assert!(message.vi.contains("TCVN3") && message.en.contains("TCVN3"));
    assert!(message.en.contains("Müller"), "{}", message.en);
    assert!(!err.hint().vi.is_empty() && !err.hint().en.is_empty());

    let mixed = format!("{}\n{}", PHRASES.join("\n"), tcvn3(&PHRASES.join("\n")));
    let err = decode_bytes(mixed.as_bytes()).unwrap_err();
    assert!(matches!(err, LegacyTextError::Ambiguous { .. }), "{err:?}");

    assert_eq!(
        decode_bytes(b"\xEF\xBB\xBFab\xFFc").unwrap_err(),
        LegacyTextError::BrokenUtf8 { offset: 5 }
    );
    assert!(matches!(
        decode_bytes(&[0xFF, 0xFE, 0x00, 0xD8, 0x41, 0x00]).unwrap_err(),
        LegacyTextError::BrokenUtf16 { .. }
    ));
    assert!(matches!(
        decode_bytes(&[0xFF, 0xFE, 0x41, 0x00, 0x42]).unwrap_err(),
        LegacyTextError::BrokenUtf16 { .. }
    ));
}

#[test]
fn windows_1252_high_range() {
    assert_eq!(decode_windows_1252(b"\x80\x93x\x94\x81"), "€“x”\u{81}");
}

fn vietnamese_char() -> impl Strategy<Value = char> {
    let alphabet: Vec<char> = ALPHABET
        .chars()
        .chain(ALPHABET.to_uppercase().chars())
        .chain(" ,.;-0123456789".chars())
        .collect();
    proptest::sample::select(alphabet)
}

fn tcvn3_char() -> impl Strategy<Value = char> {
    let alphabet: Vec<char> = ALPHABET
        .chars()
        .chain("ABCDEFGHIJKLMNOPQRSTUVWXYZĂÂĐÊÔƠƯ ,.;-0123456789".chars())
        .collect();
    proptest::sample::select(alphabet)
}

proptest! {
    #[test]
    fn no_panic_on_latin1_text(chars in proptest::collection::vec(any::<u8>(), 0..120)) {
        let text: String = chars.into_iter().map(char::from).collect();
        let _ = detect(&text);
        for encoding in [Encoding::Tcvn3, Encoding::Vni] {
            let out = to_unicode(&text, encoding);
            prop_assert!(out.chars().count() <= text.chars().count());
        }
    }

    #[test]
    fn no_panic_on_any_text(text in any::<String>()) {
        let _ = detect(&text);
        let _ = is_vietnamese_syllable(&text);
        for encoding in [Encoding::Unicode, Encoding::Tcvn3, Encoding::Vni, Encoding::Windows1252] {
            let _ = to_unicode(&text, encoding);
        }
    }

    #[test]
    fn no_panic_on_any_bytes(
        prefix in proptest::sample::select(vec![&b""[..], b"\xEF\xBB\xBF", b"\xFF\xFE", b"\xFE\xFF"]),
        bytes in proptest::collection::vec(any::<u8>(), 0..200),
    ) {
        let input = [prefix, &bytes].concat();
        if let Err(e) = decode_bytes(&input) {
            prop_assert!(!e.message().vi.is_empty() && !e.message().en.is_empty());
        }
    }

    #[test]
    fn vni_round_trip(chars in proptest::collection::vec(vietnamese_char(), 0..80)) {
        let text: String = chars.into_iter().collect();
        prop_assert_eq!(to_unicode(&vni(&text), Encoding::Vni), text);
    }

    #[test]
    fn tcvn3_round_trip(chars in proptest::collection::vec(tcvn3_char(), 0..80)) {
        let text: String = chars.into_iter().collect();
        prop_assert_eq!(to_unicode(&tcvn3(&text), Encoding::Tcvn3), text);
    }

    #[test]
    fn detects_and_restores_real_phrases(
        picks in proptest::collection::vec(proptest::sample::select(PHRASES.to_vec()), 3..8),
    ) {
        let text = picks.join("; ");
        prop_assert_eq!(detect(&text), Detected::Unicode);
        let t = tcvn3(&text);
        prop_assert_eq!(detect(&t), Detected::Tcvn3);
        prop_assert_eq!(to_unicode(&t, Encoding::Tcvn3), tcvn3_expected(&text));
        let v = vni(&text);
        prop_assert_eq!(detect(&v), Detected::Vni);
        prop_assert_eq!(to_unicode(&v, Encoding::Vni), text);
    }
}
