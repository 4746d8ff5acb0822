//! Vietnamese text in the pre-Unicode font encodings TCVN3 (ABC) and VNI, as old workbooks and
//! CSV files still carry it: detection, conversion to Unicode (NFC), and decoding of raw bytes.
//!
//! Both encodings are 8-bit: a letter is one byte (TCVN3) or a base letter followed by one
//! byte carrying its marks (VNI). Excel stores such bytes as the Windows-1252 characters they
//! look like ("Hoµnh M«" for "Hoành Mô" in TCVN3, "Hoaønh Moâ" in VNI), so the tables here are
//! keyed by those Latin-1 characters and work both on strings read from XLSX and on bytes read
//! through [`decode_windows_1252`].
//!
//! Coverage:
//! - TCVN3: the TCVN 5712:1993 "VN3" table of the ABC fonts (.VnTime, .VnArial…): every lower
//!   case letter with every tone, `đ`, and the seven capital letters that have their own code
//!   (Ă Â Ê Ô Ơ Ư Đ). VN3 has no capitals with tone marks: writers used the capital fonts
//!   (.VnTimeH), which draw the lower-case codes as capitals. Such text converts to lower case,
//!   because the font is not part of the text.
//! - VNI (VNI-Windows, fonts VNI-Times…): all 134 letters in both cases, as base letter plus a
//!   mark character, and the single-character letters (ơ ư đ ỉ ĩ ị ỵ).
//!
//! Text is only ever called legacy on evidence, because converting Unicode text by mistake would
//! rewrite it: words with Latin-1 characters are read three ways (as they are, as TCVN3, as VNI)
//! and a legacy reading wins only if it yields more well-formed Vietnamese syllables than the
//! text as it stands, in at least half of those words, and more than the other legacy reading
//! (a tie goes to an encoding only when characters that it alone uses are present). Text that
//! mixes Unicode Vietnamese with legacy words is reported as ambiguous, not half converted.

use crate::problem::Text;
use unicode_normalization::UnicodeNormalization;

/// How a text is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    Unicode,
    /// TCVN 5712:1993 VN3, the "ABC" fonts.
    Tcvn3,
    /// VNI-Windows.
    Vni,
    /// Only from [`decode_bytes`]: bytes that are not UTF-8 but whose only non-ASCII characters
    /// are symbols (°, ², –, ’…) read as Windows-1252. As text this is already Unicode.
    Windows1252,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Unicode => "Unicode",
            Encoding::Tcvn3 => "TCVN3 (ABC)",
            Encoding::Vni => "VNI",
            Encoding::Windows1252 => "Windows-1252",
        }
    }
}

/// What [`detect`] concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Detected {
    /// Unicode already (plain ASCII, Vietnamese in Unicode, or text with Latin-1 accents that
    /// does not read as Vietnamese in either legacy encoding, such as "café" or "Müller").
    Unicode,
    Tcvn3,
    Vni,
    /// Some words look like legacy Vietnamese, but which encoding (or whether the text mixes
    /// Unicode and legacy parts) cannot be told.
    Ambiguous,
}

impl Detected {
    pub fn encoding(self) -> Option<Encoding> {
        match self {
            Detected::Unicode => Some(Encoding::Unicode),
            Detected::Tcvn3 => Some(Encoding::Tcvn3),
            Detected::Vni => Some(Encoding::Vni),
            Detected::Ambiguous => None,
        }
    }
}

/// Why bytes could not be turned into text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LegacyTextError {
    #[error("cannot tell whether the text is Unicode, TCVN3 (ABC) or VNI (e.g. {sample})")]
    Ambiguous { sample: String },
    #[error(
        "the file is not UTF-8 and does not read as TCVN3 (ABC) or VNI (e.g. {sample}); \
         it may be Windows-1258, VISCII or another code page"
    )]
    Unrecognised { sample: String },
    #[error("the file starts with a UTF-8 byte order mark but is not valid UTF-8 at byte {offset}")]
    BrokenUtf8 { offset: usize },
    #[error(
        "the file starts with a UTF-16 byte order mark but is not valid UTF-16 at byte {offset}"
    )]
    BrokenUtf16 { offset: usize },
}

impl LegacyTextError {
    /// The message, Vietnamese first.
    pub fn message(&self) -> Text {
        match self {
            LegacyTextError::Ambiguous { sample } => {
                solieu_i18n::text!("core-cannot-tell-encoding-some-words", sample = sample)
            }
            LegacyTextError::Unrecognised { sample } => {
                solieu_i18n::text!("core-file-not-utf-8-does", sample = sample)
            }
            LegacyTextError::BrokenUtf8 { offset } => {
                solieu_i18n::text!("core-file-marked-utf-8-bom", offset = offset)
            }
            LegacyTextError::BrokenUtf16 { offset } => {
                solieu_i18n::text!("core-file-marked-utf-16-bom", offset = offset)
            }
        }
    }

    /// What the clerk can do about it.
    pub fn hint(&self) -> Text {
        solieu_i18n::text!("core-convert-text-unicode-e-g")
    }
}

/// The Vietnamese vowels, lower case, each with its tones in the order none, grave (huyền),
/// hook (hỏi), tilde (ngã), acute (sắc), dot below (nặng).
const VOWELS: [[char; 6]; 12] = [
    ['a', 'à', 'ả', 'ã', 'á', 'ạ'],
    ['ă', 'ằ', 'ẳ', 'ẵ', 'ắ', 'ặ'],
    ['â', 'ầ', 'ẩ', 'ẫ', 'ấ', 'ậ'],
    ['e', 'è', 'ẻ', 'ẽ', 'é', 'ẹ'],
    ['ê', 'ề', 'ể', 'ễ', 'ế', 'ệ'],
    ['i', 'ì', 'ỉ', 'ĩ', 'í', 'ị'],
    ['o', 'ò', 'ỏ', 'õ', 'ó', 'ọ'],
    ['ô', 'ồ', 'ổ', 'ỗ', 'ố', 'ộ'],
    ['ơ', 'ờ', 'ở', 'ỡ', 'ớ', 'ợ'],
    ['u', 'ù', 'ủ', 'ũ', 'ú', 'ụ'],
    ['ư', 'ừ', 'ử', 'ữ', 'ứ', 'ự'],
    ['y', 'ỳ', 'ỷ', 'ỹ', 'ý', 'ỵ'],
];
const A: usize = 0;
const A_BREVE: usize = 1;
const A_HAT: usize = 2;
const E: usize = 3;
const E_HAT: usize = 4;
const O: usize = 6;
const O_HAT: usize = 7;
const O_HORN: usize = 8;
const U: usize = 9;
const U_HORN: usize = 10;
const Y: usize = 11;

/// TCVN3 code of each entry of [`VOWELS`]; 0 where the letter is plain ASCII.
const TCVN3_VOWELS: [[u8; 6]; 12] = [
    [0, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9],
    [0xA8, 0xBB, 0xBC, 0xBD, 0xBE, 0xC6],
    [0xA9, 0xC7, 0xC8, 0xC9, 0xCA, 0xCB],
    [0, 0xCC, 0xCE, 0xCF, 0xD0, 0xD1],
    [0xAA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6],
    [0, 0xD7, 0xD8, 0xDC, 0xDD, 0xDE],
    [0, 0xDF, 0xE1, 0xE2, 0xE3, 0xE4],
    [0xAB, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9],
    [0xAC, 0xEA, 0xEB, 0xEC, 0xED, 0xEE],
    [0, 0xEF, 0xF1, 0xF2, 0xF3, 0xF4],
    [0xAD, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9],
    [0, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE],
];
/// The other TCVN3 letters: đ and the capitals that have a code of their own.
const TCVN3_OTHERS: [(u8, char); 8] = [
    (0xAE, 'đ'),
    (0xA1, 'Ă'),
    (0xA2, 'Â'),
    (0xA3, 'Ê'),
    (0xA4, 'Ô'),
    (0xA5, 'Ơ'),
    (0xA6, 'Ư'),
    (0xA7, 'Đ'),
];

/// TCVN3 code → letter, '\0' where the code is not a Vietnamese letter.
const TCVN3_DECODE: [char; 256] = {
    let mut table = ['\0'; 256];
    let mut v = 0;
    while v < 12 {
        let mut t = 0;
        while t < 6 {
            let code = TCVN3_VOWELS[v][t];
            if code != 0 {
                table[code as usize] = VOWELS[v][t];
            }
            t += 1;
        }
        v += 1;
    }
    let mut k = 0;
    while k < TCVN3_OTHERS.len() {
        table[TCVN3_OTHERS[k].0 as usize] = TCVN3_OTHERS[k].1;
        k += 1;
    }
    table
};

/// VNI mark characters (lower case; the upper-case form follows an upper-case base), by tone.
const VNI_TONE: [char; 6] = ['\0', 'ø', 'û', 'õ', 'ù', 'ï'];
/// Circumflex with each tone: after a, e, o.
const VNI_HAT: [char; 6] = ['â', 'à', 'å', 'ã', 'á', 'ä'];
/// Breve with each tone: after a.
const VNI_BREVE: [char; 6] = ['ê', 'è', 'ú', 'ü', 'é', 'ë'];
/// VNI letters written as one character (lower case).
const VNI_SINGLE: [(char, char); 9] = [
    ('ô', 'ơ'),
    ('ö', 'ư'),
    ('ñ', 'đ'),
    ('í', 'í'),
    ('ì', 'ì'),
    ('æ', 'ỉ'),
    ('ó', 'ĩ'),
    ('ò', 'ị'),
    ('î', 'ỵ'),
];

/// The row of [`VOWELS`] a base letter heads, and the row its circumflex or breve leads to.
fn vni_base(lower: char) -> Option<(usize, Option<usize>, Option<usize>)> {
    Some(match lower {
        'a' => (A, Some(A_HAT), Some(A_BREVE)),
        'e' => (E, Some(E_HAT), None),
        'o' => (O, Some(O_HAT), None),
        'u' => (U, None, None),
        'y' => (Y, None, None),
        'ô' => (O_HORN, None, None),
        'ö' => (U_HORN, None, None),
        _ => return None,
    })
}

fn lower(c: char) -> char {
    let mut l = c.to_lowercase();
    match (l.next(), l.next()) {
        (Some(one), None) => one,
        _ => c,
    }
}

fn with_case(letter: char, upper: bool) -> char {
    if !upper {
        return letter;
    }
    let mut u = letter.to_uppercase();
    match (u.next(), u.next()) {
        (Some(one), None) => one,
        _ => letter,
    }
}

fn tone_of(mark: char, row: &[char; 6]) -> Option<usize> {
    (1..6)
        .find(|&t| row[t] == mark)
        .or((row[0] == mark).then_some(0))
}

fn tcvn3_letter(c: char) -> Option<char> {
    let code = u32::from(c);
    if code > 0xFF {
        return None;
    }
    let letter = TCVN3_DECODE[code as usize];
    (letter != '\0').then_some(letter)
}

/// Converts without normalising; characters that mean nothing in the encoding are kept.
fn convert_raw(text: &str, encoding: Encoding, out: &mut String) {
    match encoding {
        Encoding::Unicode | Encoding::Windows1252 => out.push_str(text),
        Encoding::Tcvn3 => out.extend(text.chars().map(|c| tcvn3_letter(c).unwrap_or(c))),
        Encoding::Vni => {
            let mut chars = text.chars().peekable();
            while let Some(c) = chars.next() {
                let low = lower(c);
                let upper = low != c;
                if let Some((row, hat, breve)) = vni_base(low)
                    && let Some(&next) = chars.peek()
                {
                    let mark = lower(next);
                    let found = tone_of(mark, &VNI_TONE)
                        .filter(|&t| t > 0)
                        .map(|t| VOWELS[row][t])
                        .or_else(|| hat.and_then(|h| tone_of(mark, &VNI_HAT).map(|t| VOWELS[h][t])))
                        .or_else(|| {
                            breve.and_then(|b| tone_of(mark, &VNI_BREVE).map(|t| VOWELS[b][t]))
                        });
                    if let Some(letter) = found {
                        chars.next();
                        out.push(with_case(letter, upper));
                        continue;
                    }
                }
                match VNI_SINGLE.iter().find(|(code, _)| *code == low) {
                    Some(&(_, letter)) => out.push(with_case(letter, upper)),
                    None => out.push(c),
                }
            }
        }
    }
}

/// `text` converted from `encoding` to Unicode, in NFC.
pub fn to_unicode(text: &str, encoding: Encoding) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    convert_raw(text, encoding, &mut out);
    nfc(out)
}

/// Most text is NFC already; checking is much cheaper than rebuilding it.
fn nfc(text: String) -> String {
    if unicode_normalization::is_nfc(&text) {
        text
    } else {
        text.nfc().collect()
    }
}

/// Windows-1252 bytes as text; the five codes Windows-1252 leaves undefined become the C1
/// control characters of the same number, as Windows itself decodes them.
pub fn decode_windows_1252(bytes: &[u8]) -> String {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž',
        '\u{8F}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}',
        'ž', 'Ÿ',
    ];
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9F => HIGH[usize::from(b - 0x80)],
            _ => char::from(b),
        })
        .collect()
}

/// Splits a lower-case letter into its toneless form and tone (0 none … 5 dot below).
fn split_vowel(c: char) -> Option<(char, u8)> {
    VOWELS
        .iter()
        .find_map(|row| row.iter().position(|&v| v == c).map(|t| (row[0], t as u8)))
}

const INITIALS: [&str; 28] = [
    "ngh", "ng", "nh", "gh", "gi", "kh", "ch", "ph", "th", "tr", "qu", "b", "c", "d", "đ", "g",
    "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
];
const FINALS: [&str; 9] = ["", "c", "ch", "m", "n", "ng", "nh", "p", "t"];
/// Vowel groups that end the syllable (they end in a glide).
const OPEN_GROUPS: [&str; 32] = [
    "y", "ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iu", "oi", "ôi", "ơi", "ua", "ui",
    "ưa", "ưi", "ưu", "iêu", "yêu", "oai", "oao", "oay", "oeo", "uây", "uôi", "ươi", "ươu", "uya",
    "uyu", "uơ",
];
/// Vowel groups that need a final consonant.
const CLOSED_GROUPS: [&str; 10] = ["ă", "â", "oă", "uâ", "iê", "yê", "uô", "ươ", "uyê", "oo"];
/// Vowel groups with or without a final consonant.
const FREE_GROUPS: [&str; 13] = [
    "a", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "oa", "oe", "uê", "uy",
];

/// Whether `word` is a well-formed Vietnamese syllable (any case): an initial consonant, a
/// vowel group, a final consonant fitting the group, at most one tone, and the stop finals
/// (c, ch, p, t) only with the acute or dot-below tone.
pub fn is_vietnamese_syllable(word: &str) -> bool {
    // The longest syllable ("nghiêng") takes 9 bytes without its tone; no allocation, since
    // detection asks this of every word of a file three times.
    let mut buf = [0u8; 16];
    let mut len = 0;
    let mut tone = 0u8;
    for c in word.chars() {
        let (base, t) = if c.is_ascii_alphabetic() {
            (c.to_ascii_lowercase(), 0)
        } else if matches!(c, 'đ' | 'Đ') {
            ('đ', 0)
        } else {
            match split_vowel(lower(c)) {
                Some(split) => split,
                None => return false,
            }
        };
        if matches!(base, 'f' | 'j' | 'w' | 'z') || len + base.len_utf8() > buf.len() {
            return false;
        }
        if t != 0 {
            if tone != 0 {
                return false;
            }
            tone = t;
        }
        len += base.encode_utf8(&mut buf[len..]).len();
    }
    let Ok(letters) = std::str::from_utf8(&buf[..len]) else {
        return false;
    };
    INITIALS.iter().any(|initial| {
        letters
            .strip_prefix(initial)
            .is_some_and(|rhyme| rhyme_ok(initial, rhyme, tone))
    })
}

fn is_vowel(c: char) -> bool {
    "aăâeêioôơuưy".contains(c)
}

fn rhyme_ok(initial: &str, rhyme: &str, tone: u8) -> bool {
    let split = rhyme.find(|c| !is_vowel(c)).unwrap_or(rhyme.len());
    let (group, fin) = rhyme.split_at(split);
    let Some(first) = group.chars().next() else {
        return false;
    };
    if !FINALS.contains(&fin) {
        return false;
    }
    let fits = if OPEN_GROUPS.contains(&group) {
        fin.is_empty()
    } else if CLOSED_GROUPS.contains(&group) {
        !fin.is_empty()
    } else {
        FREE_GROUPS.contains(&group)
    };
    let front = "eêiy".contains(first);
    // ch and nh close only front vowels (anh, ênh, inh, oanh, uynh); c and ng never follow them.
    let final_fits = match fin {
        "ch" | "nh" => matches!(group, "a" | "ê" | "i" | "oa" | "uê" | "uy"),
        "c" | "ng" => !matches!(group, "ê" | "i" | "uê" | "uy"),
        _ => true,
    };
    fits && final_fits
        && (!matches!(fin, "c" | "ch" | "p" | "t") || tone == 4 || tone == 5)
        && match initial {
            "k" | "gh" | "ngh" => front,
            "c" | "ng" => !matches!(first, 'e' | 'ê' | 'i'),
            _ => true,
        }
}

/// Letters only Unicode Vietnamese has: neither legacy encoding produces them.
fn is_unicode_vietnamese(c: char) -> bool {
    matches!(
        c,
        'ă' | 'Ă' | 'đ' | 'Đ' | 'ĩ' | 'Ĩ' | 'ũ' | 'Ũ' | 'ơ' | 'Ơ' | 'ư' | 'Ư' | '\u{1EA0}'
            ..='\u{1EF9}'
    ) || matches!(c, '\u{300}' | '\u{301}' | '\u{303}' | '\u{309}' | '\u{323}')
}

fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || c.is_ascii_punctuation()
        || c.is_ascii_digit()
        || (u32::from(c) > 0xFF
            && !c.is_alphanumeric()
            && !unicode_normalization::char::is_combining_mark(c))
}

/// Words that carry a character legacy encodings use (U+0080–U+00FF).
fn suspect_words(text: &str) -> impl Iterator<Item = &str> {
    text.split(is_separator)
        .filter(|w| w.chars().any(|c| ('\u{80}'..='\u{FF}').contains(&c)))
}

/// Which encoding `text` is in, judged from the whole text: give it as much as is known to
/// share one encoding (a column, a file), since one short word may read well several ways.
pub fn detect(text: &str) -> Detected {
    detect_all([text])
}

/// Words with Latin-1 characters read three ways before deciding: plenty for a verdict, and it
/// keeps detection of a large file to a quick scan for Unicode-only letters.
const SAMPLE_WORDS: usize = 20_000;

/// Which encoding the texts are in, judged together: for the cells of a column or a sheet,
/// without joining them. The first 20,000 words with Latin-1 characters are weighed; the whole
/// text is searched for letters only Unicode has.
pub fn detect_all<'a>(texts: impl IntoIterator<Item = &'a str>) -> Detected {
    let (mut words, mut as_is, mut tcvn3, mut vni) = (0usize, 0usize, 0usize, 0usize);
    let (mut unicode_letters, mut tcvn3_only, mut vni_pairs) = (false, false, false);
    let mut buf = String::new();
    for text in texts {
        unicode_letters = unicode_letters || text.chars().any(is_unicode_vietnamese);
        if words >= SAMPLE_WORDS {
            if unicode_letters {
                break;
            }
            continue;
        }
        for word in suspect_words(text).take(SAMPLE_WORDS - words) {
            words += 1;
            as_is += usize::from(is_vietnamese_syllable(word));
            buf.clear();
            convert_raw(word, Encoding::Tcvn3, &mut buf);
            tcvn3 += usize::from(is_vietnamese_syllable(&buf));
            // Codes below 0xC0 are letters in TCVN3 and never used by VNI.
            tcvn3_only = tcvn3_only
                || word
                    .chars()
                    .any(|c| c < '\u{C0}' && tcvn3_letter(c).is_some());
            let before = buf.len();
            convert_raw(word, Encoding::Vni, &mut buf);
            let converted = &buf[before..];
            vni += usize::from(is_vietnamese_syllable(converted));
            // A base letter and its mark became one letter: the two-character form only VNI has.
            vni_pairs = vni_pairs || converted.chars().count() < word.chars().count();
        }
    }
    let (best, winner) = match tcvn3.cmp(&vni) {
        std::cmp::Ordering::Greater => (tcvn3, Detected::Tcvn3),
        std::cmp::Ordering::Less => (vni, Detected::Vni),
        // A tie is broken only by characters one encoding alone uses.
        std::cmp::Ordering::Equal => match (tcvn3_only, vni_pairs) {
            (true, false) => (tcvn3, Detected::Tcvn3),
            (false, true) => (vni, Detected::Vni),
            _ => (tcvn3, Detected::Ambiguous),
        },
    };
    // Converting needs more well-formed words than the text has as it stands, in at least
    // half of the words in question.
    let legacy_wins = best > as_is && best * 2 >= words;
    if unicode_letters {
        // Unicode Vietnamese is there; legacy words beside it mean a mixed text.
        return if legacy_wins && best >= 2 {
            Detected::Ambiguous
        } else {
            Detected::Unicode
        };
    }
    if words == 0 || as_is == words || best <= as_is {
        return Detected::Unicode;
    }
    if !legacy_wins {
        return Detected::Ambiguous;
    }
    winner
}

/// A few of the words that made the text doubtful, for an error message.
fn sample(text: &str) -> String {
    let words: Vec<String> = suspect_words(text)
        .filter(|w| !is_vietnamese_syllable(w))
        .take(3)
        .map(|w| format!("“{}”", w.chars().take(30).collect::<String>()))
        .collect();
    if words.is_empty() {
        "—".to_owned()
    } else {
        words.join(", ")
    }
}

/// Text from a file's bytes, in NFC, with the encoding it was found in.
///
/// UTF-8 (with or without byte order mark) and UTF-16 with a byte order mark are read as
/// Unicode; anything else is read as Windows-1252, the way old Excel saved CSV. Either way the
/// text is then checked for TCVN3 and VNI (Excel's "Unicode text" export of an old workbook
/// is valid UTF-16 full of TCVN3) and converted when one of them is clear. Refused: text whose
/// encoding cannot be told, and non-UTF-8 bytes with accented letters that are neither TCVN3 nor
/// VNI (Windows-1258 or VISCII would otherwise turn silently into wrong letters).
pub fn decode_bytes(bytes: &[u8]) -> Result<(String, Encoding), LegacyTextError> {
    let unicode = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(
            std::str::from_utf8(rest)
                .map_err(|e| LegacyTextError::BrokenUtf8 {
                    offset: e.valid_up_to() + 3,
                })?
                .to_owned(),
        )
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        Some(utf16(rest, u16::from_le_bytes)?)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        Some(utf16(rest, u16::from_be_bytes)?)
    } else {
        std::str::from_utf8(bytes).ok().map(str::to_owned)
    };
    let (text, fallback) = match unicode {
        Some(text) => (text, Encoding::Unicode),
        None => (decode_windows_1252(bytes), Encoding::Windows1252),
    };
    match detect(&text) {
        Detected::Tcvn3 => Ok((to_unicode(&text, Encoding::Tcvn3), Encoding::Tcvn3)),
        Detected::Vni => Ok((to_unicode(&text, Encoding::Vni), Encoding::Vni)),
        Detected::Ambiguous => Err(LegacyTextError::Ambiguous {
            sample: sample(&text),
        }),
        Detected::Unicode => {
            let accented_letters = text
                .chars()
                .any(|c| ('\u{80}'..='\u{FF}').contains(&c) && c.is_alphabetic());
            if fallback == Encoding::Windows1252 && accented_letters {
                Err(LegacyTextError::Unrecognised {
                    sample: sample(&text),
                })
            } else {
                Ok((nfc(text), fallback))
            }
        }
    }
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Result<String, LegacyTextError> {
    let units = bytes.chunks(2).map(|pair| match pair {
        [a, b] => Ok(unit([*a, *b])),
        _ => Err(()),
    });
    let mut text = String::with_capacity(bytes.len() / 2);
    let mut offset = 2;
    for decoded in char::decode_utf16(units.map_while(Result::ok)) {
        match decoded {
            Ok(c) => {
                text.push(c);
                offset += 2 * c.len_utf16();
            }
            Err(_) => return Err(LegacyTextError::BrokenUtf16 { offset }),
        }
    }
    if bytes.len() % 2 == 1 {
        return Err(LegacyTextError::BrokenUtf16 {
            offset: bytes.len() + 1,
        });
    }
    Ok(text)
}
