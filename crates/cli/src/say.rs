//! Messages in the user's language: Vietnamese first, English second.

use solieu_core::problem::Lang;

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum LangArg {
    Vi,
    En,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Lang {
        match l {
            LangArg::Vi => Lang::Vi,
            LangArg::En => Lang::En,
        }
    }
}

pub struct Say {
    pub lang: Lang,
}

impl Say {
    pub fn new(lang: Lang) -> Say {
        Say { lang }
    }

    pub fn t<'a>(&self, vi: &'a str, en: &'a str) -> &'a str {
        match self.lang {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }
}
