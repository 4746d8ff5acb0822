//! The catalogues are whole: every file compiled in, every message in both languages, every
//! message the code or a page names present, and no text left as a language pair in code.

use solieu_i18n::{Lang, ids, sources};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn files_under(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

/// The program's own sources and pages: `crates/*/src` and `crates/*/templates`.
fn program_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(workspace().join("crates"))
        .unwrap()
        .flatten()
    {
        files_under(&entry.path().join("src"), "rs", &mut files);
        files_under(&entry.path().join("templates"), "html", &mut files);
    }
    assert!(files.len() > 50, "the sources were not found");
    files
}

/// The part of a Rust file that is not its unit tests.
fn program_part(text: &str) -> &str {
    text.find("#[cfg(test)]\nmod tests")
        .map_or(text, |at| &text[..at])
}

#[test]
fn every_catalogue_file_is_compiled_in() {
    for lang in Lang::ALL {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(lang.tag());
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".ftl"))
            .collect();
        on_disk.sort();
        let mut compiled: Vec<String> = sources(lang).iter().map(|(n, _)| n.to_string()).collect();
        compiled.sort();
        assert_eq!(
            on_disk,
            compiled,
            "{}: files not listed in lib.rs",
            lang.tag()
        );
    }
}

#[test]
fn every_catalogue_parses() {
    for lang in Lang::ALL {
        for (name, source) in sources(lang) {
            if let Err((_, errors)) = fluent_bundle::FluentResource::try_new(source.to_string()) {
                panic!("locales/{}/{name}: {errors:?}", lang.tag());
            }
        }
    }
}

#[test]
fn both_languages_have_the_same_messages() {
    let vi = ids(Lang::Vi);
    let en = ids(Lang::En);
    let only_vi: Vec<_> = vi
        .difference(&en)
        .filter(|id| !id.starts_with(solieu_i18n::VIETNAMESE_ONLY))
        .collect();
    let only_en: Vec<_> = en.difference(&vi).collect();
    assert!(
        only_vi.is_empty(),
        "not translated into English: {only_vi:?}"
    );
    assert!(
        only_en.is_empty(),
        "not translated into Vietnamese: {only_en:?}"
    );
}

/// A message copied across untranslated: the English the same as a Vietnamese text that has
/// Vietnamese letters (names such as "Bình Liêu" inside an English sentence are fine).
#[test]
fn no_english_message_is_the_vietnamese_copied() {
    let mut copied = Vec::new();
    for id in ids(Lang::Vi) {
        let (vi, en) = (
            solieu_i18n::tr(Lang::Vi, &id),
            solieu_i18n::tr(Lang::En, &id),
        );
        let vietnamese = vi.chars().any(|c| {
            "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"
                .contains(c.to_lowercase().next().unwrap_or(c))
        });
        if vietnamese && vi == en {
            copied.push(id);
        }
    }
    assert!(
        copied.is_empty(),
        "English copied from Vietnamese: {copied:?}"
    );
}

/// Every `text!("id"`, `tr!(lang, "id"`, `tr(lang, "id")` in code and `t("id"` in a page.
fn ids_named(text: &str, html: bool) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let openers: &[&str] = if html {
        &["t(\""]
    } else {
        &["text!(\"", "text!(\n"]
    };
    for opener in openers {
        for (at, _) in text.match_indices(opener) {
            let rest = text[at + opener.len()..].trim_start_matches([' ', '\n', '"']);
            let id: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect();
            if !id.is_empty() {
                found.insert(id);
            }
        }
    }
    if !html {
        for opener in ["tr!(", "tr("] {
            for (at, _) in text.match_indices(opener) {
                let before = text[..at].chars().next_back().unwrap_or(' ');
                if before.is_alphanumeric() || before == '_' || before == '.' {
                    continue;
                }
                let mut end = text.len().min(at + 200);
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                let call = &text[at..end];
                if let Some(q) = call.find(", \"").or_else(|| call.find(",\n")) {
                    let rest = call[q + 1..].trim_start_matches([' ', '\n']);
                    if let Some(rest) = rest.strip_prefix('"') {
                        let id: String = rest
                            .chars()
                            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                            .collect();
                        if rest[id.len()..].starts_with('"') && id.contains('-') {
                            found.insert(id);
                        }
                    }
                }
            }
        }
    }
    found
}

#[test]
fn every_message_named_in_code_or_pages_exists() {
    let known = ids(Lang::Vi);
    let mut missing = Vec::new();
    let mut named = 0;
    for file in program_files() {
        if file.starts_with(workspace().join("crates/i18n")) {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let html = file.extension().is_some_and(|e| e == "html");
        for id in ids_named(&text, html) {
            named += 1;
            if !known.contains(&id) {
                missing.push(format!("{}: {id}", file.display()));
            }
        }
    }
    assert!(
        named > 300,
        "only {named} message names found: is the scan broken?"
    );
    assert!(
        missing.is_empty(),
        "messages missing from the catalogues: {missing:#?}"
    );
}

/// Whether `rest` (just after an opening parenthesis, or inside a page's first quote) is a
/// string literal followed by a comma and another string literal.
fn literal_then_literal(rest: &str, inside_first: bool) -> bool {
    let rest = if inside_first {
        rest
    } else {
        let rest = rest.trim_start();
        let Some(rest) = rest.strip_prefix('"') else {
            return false;
        };
        rest
    };
    let mut chars = rest.char_indices();
    let mut end = None;
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '"' => {
                end = Some(i);
                break;
            }
            _ => {}
        }
    }
    let Some(end) = end else {
        return false;
    };
    let after = rest[end + 1..].trim_start();
    after
        .strip_prefix(',')
        .is_some_and(|r| r.trim_start().starts_with('"'))
}

/// Texts belong in the catalogues: a `Text::new("…", "…")` of two literals or a template's
/// `t("…", "…")` is a pair written in code.
#[test]
fn no_language_pair_is_written_in_code() {
    let mut pairs = Vec::new();
    for file in program_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        let html = file.extension().is_some_and(|e| e == "html");
        // A page's pair may be quoted either way: t("…", "…") or t('…', '…').
        let text = if html { text.replace('\'', "\"") } else { text };
        let (program, pattern) = if html {
            (text.as_str(), "t(\"")
        } else {
            (program_part(&text), "Text::new(")
        };
        for (at, _) in program.match_indices(pattern) {
            let rest = &program[at + pattern.len()..];
            // A page's pattern ends inside its first literal.
            if literal_then_literal(rest, html) {
                let line = program[..at].lines().count();
                pairs.push(format!("{}:{line}", file.display()));
            }
        }
    }
    assert!(
        pairs.is_empty(),
        "language pairs written in code: {pairs:#?}"
    );
}
