//! Every text a user reads, in message catalogues: one Fluent file per area of the program and
//! per language (`locales/vi/web.ftl`, `locales/en/web.ftl`…), compiled into the binary.
//!
//! A translator edits the `.ftl` files only. To see a change without a build, point
//! `SOLIEU_LOCALES` at a folder laid out like `locales/` (`vi/*.ftl`, `en/*.ftl`): its messages
//! replace the compiled ones of the same id when the program starts.
//!
//! Values given to a message are text already formatted by `solieu_core::format` (numbers with
//! the Vietnamese separators, dates in Vietnam's time): the catalogues never format numbers.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// The interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Vi, Lang::En];

    /// The language's tag, as in `<html lang>` and the catalogue's folder.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }
}

/// A text in both interface languages, chosen when it is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub vi: String,
    pub en: String,
}

impl Text {
    /// Two texts made elsewhere (each already in its language, e.g. from two catalogue
    /// lookups); a text from the catalogue is made with [`text!`] or [`Text::msg`].
    pub fn new(vi: impl Into<String>, en: impl Into<String>) -> Text {
        Text {
            vi: vi.into(),
            en: en.into(),
        }
    }

    /// The same words in every language: a name, a value, a message of another system.
    pub fn verbatim(s: impl Into<String>) -> Text {
        let s = s.into();
        Text {
            vi: s.clone(),
            en: s,
        }
    }

    /// The catalogue's message `id` in both languages, with its values.
    pub fn msg(id: &str, args: &[(&str, Arg)]) -> Text {
        let of = |lang: Lang| -> Vec<(&str, String)> {
            args.iter()
                .map(|(name, arg)| (*name, arg.get(lang).to_string()))
                .collect()
        };
        Text {
            vi: tr_args(Lang::Vi, id, &of(Lang::Vi)),
            en: tr_args(Lang::En, id, &of(Lang::En)),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Vi => &self.vi,
            Lang::En => &self.en,
        }
    }
}

/// A value given to a message: the same in every language, or a text of its own in each.
#[derive(Debug, Clone)]
pub enum Arg {
    Same(String),
    Each(Text),
}

impl Arg {
    pub fn get(&self, lang: Lang) -> &str {
        match self {
            Arg::Same(s) => s,
            Arg::Each(t) => t.get(lang),
        }
    }
}

/// What a message's value can be made from: anything shown with `Display`, or a [`Text`]
/// (a message inside a message, each language taking its own).
pub trait ToArg {
    fn to_arg(&self) -> Arg;
}

impl<T: std::fmt::Display + ?Sized> ToArg for T {
    fn to_arg(&self) -> Arg {
        Arg::Same(self.to_string())
    }
}

impl ToArg for Text {
    fn to_arg(&self) -> Arg {
        Arg::Each(self.clone())
    }
}

impl ToArg for &Text {
    fn to_arg(&self) -> Arg {
        Arg::Each((*self).clone())
    }
}

/// A catalogue message in both languages: `text!("io-sheet-missing", sheet = name)`. Each
/// value is shown with its `Display`.
#[macro_export]
macro_rules! text {
    ($id:literal $(,)?) => {
        $crate::Text::msg($id, &[])
    };
    ($id:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::Text::msg($id, &[$((stringify!($name), $crate::ToArg::to_arg(&$value))),+])
    };
}

/// A catalogue message in one language: `tr!(lang, "cli-saved", count = n)`.
#[macro_export]
macro_rules! tr {
    ($lang:expr, $id:literal $(,)?) => {
        $crate::tr($lang, $id)
    };
    ($lang:expr, $id:literal, $($name:ident = $value:expr),+ $(,)?) => {
        {
            let lang: $crate::Lang = $lang;
            $crate::tr_args(lang, $id, &[$((stringify!($name), $crate::ToArg::to_arg(&$value).get(lang).to_string())),+])
        }
    };
}

/// The catalogue files compiled in; `tests/catalogues.rs` checks that every file of
/// `locales/` is listed here.
macro_rules! catalogues {
    ($lang:literal: $($name:literal),+) => {
        &[$(($name, include_str!(concat!("../locales/", $lang, "/", $name)))),+]
    };
}

const VI: &[(&str, &str)] = catalogues!("vi": "core.ftl", "io.ftl", "store.ftl", "report.ftl", "web.ftl", "portal.ftl", "media.ftl", "dhis2.ftl", "cli.ftl", "cli-help.ftl");
const EN: &[(&str, &str)] = catalogues!("en": "core.ftl", "io.ftl", "store.ftl", "report.ftl", "web.ftl", "portal.ftl", "media.ftl", "dhis2.ftl", "cli.ftl");

/// Messages only Vietnamese has: the command line's help translates clap's English, which is
/// written in the doc comments of the commands.
pub const VIETNAMESE_ONLY: &str = "cli-help-";

/// The folder a translator's catalogues are read from at start-up, replacing compiled messages.
pub const LOCALES_ENV: &str = "SOLIEU_LOCALES";

fn bundle(lang: Lang) -> &'static FluentBundle<FluentResource> {
    static VI_BUNDLE: OnceLock<FluentBundle<FluentResource>> = OnceLock::new();
    static EN_BUNDLE: OnceLock<FluentBundle<FluentResource>> = OnceLock::new();
    let (cell, files) = match lang {
        Lang::Vi => (&VI_BUNDLE, VI),
        Lang::En => (&EN_BUNDLE, EN),
    };
    cell.get_or_init(|| build(lang, files))
}

fn build(lang: Lang, files: &[(&str, &str)]) -> FluentBundle<FluentResource> {
    let id = lang.tag().parse().expect("a valid language tag");
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Isolation marks (U+2068/U+2069) around every value would end up in documents and CSVs.
    bundle.set_use_isolating(false);
    for (_, source) in files {
        // A compiled catalogue that does not parse is refused by `tests/catalogues.rs`; what
        // parsed is kept rather than losing the whole language.
        let resource = FluentResource::try_new((*source).to_string()).unwrap_or_else(|(r, _)| r);
        bundle.add_resource_overriding(resource);
    }
    for resource in translator_overrides(lang) {
        bundle.add_resource_overriding(resource);
    }
    bundle
}

/// The `.ftl` files of `$SOLIEU_LOCALES/<lang>/`, if set. Unreadable files are skipped with a
/// line on standard error: a translator's typo must not stop the program.
fn translator_overrides(lang: Lang) -> Vec<FluentResource> {
    let Some(dir) = std::env::var_os(LOCALES_ENV) else {
        return Vec::new();
    };
    let dir = std::path::Path::new(&dir).join(lang.tag());
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("{LOCALES_ENV}: {} cannot be read", dir.display());
        return Vec::new();
    };
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "ftl"))
        .collect();
    paths.sort();
    let mut resources = Vec::new();
    for path in paths {
        match std::fs::read_to_string(&path).map(FluentResource::try_new) {
            Ok(Ok(resource)) => resources.push(resource),
            Ok(Err((resource, errors))) => {
                eprintln!(
                    "{}: {} Fluent errors, the rest kept",
                    path.display(),
                    errors.len()
                );
                resources.push(resource);
            }
            Err(e) => eprintln!("{}: {e}", path.display()),
        }
    }
    resources
}

/// The message `id` in `lang`. A missing message shows its id, which the catalogue tests find.
pub fn tr(lang: Lang, id: &str) -> String {
    tr_args(lang, id, &[])
}

/// The message `id` in `lang` with its values.
pub fn tr_args(lang: Lang, id: &str, args: &[(&str, String)]) -> String {
    let bundle = bundle(lang);
    let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
        return id.to_string();
    };
    let mut fluent_args = FluentArgs::with_capacity(args.len());
    for (name, value) in args {
        fluent_args.set(*name, FluentValue::from(value.as_str()));
    }
    let mut errors = Vec::new();
    bundle
        .format_pattern(pattern, Some(&fluent_args), &mut errors)
        .into_owned()
}

/// Whether `lang`'s catalogues have the message `id`.
pub fn has(lang: Lang, id: &str) -> bool {
    bundle(lang).has_message(id)
}

/// The compiled catalogue files of a language: (file name, source).
pub fn sources(lang: Lang) -> &'static [(&'static str, &'static str)] {
    match lang {
        Lang::Vi => VI,
        Lang::En => EN,
    }
}

/// Every message id of a language's compiled catalogues.
pub fn ids(lang: Lang) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for (_, source) in sources(lang) {
        let resource = FluentResource::try_new((*source).to_string()).unwrap_or_else(|(r, _)| r);
        for entry in resource.entries() {
            if let fluent_syntax::ast::Entry::Message(m) = entry {
                ids.insert(m.id.name.to_string());
            }
        }
    }
    ids
}
