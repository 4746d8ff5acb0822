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
}

/// What was being done with a file when the system refused.
#[derive(Clone, Copy)]
pub enum Access {
    Read,
    Write,
}

impl Say {
    /// A file the system refused, in the run's language: what happened and the path. The
    /// system's own text is English, so only an English run shows it.
    pub fn io_error(&self, e: &std::io::Error, path: &std::path::Path, access: Access) -> String {
        let doing = match access {
            Access::Read => "read",
            Access::Write => "write",
        };
        use std::io::ErrorKind as K;
        let case = match (e.kind(), access) {
            (K::NotFound, _) => "not-found",
            (K::PermissionDenied, _) => "permission",
            (K::IsADirectory, _) => "is-directory",
            (K::NotADirectory, _) => "not-directory",
            (K::StorageFull, Access::Write) => "storage-full",
            (K::ReadOnlyFilesystem, Access::Write) => "read-only",
            _ if e.raw_os_error().is_some() => "os-code",
            _ => "other",
        };
        // The system's own words are English: only an English run shows them.
        let args = [
            ("path", path.display().to_string()),
            ("reason", e.to_string()),
            ("code", e.raw_os_error().unwrap_or_default().to_string()),
        ];
        solieu_i18n::tr_args(self.lang, &format!("cli-io-{doing}-{case}"), &args)
    }

    /// The problem of an input file that could not be read, for the import's list.
    pub fn io_text(e: &std::io::Error, path: &std::path::Path) -> solieu_core::problem::Text {
        solieu_core::problem::Text::new(
            Say::new(Lang::Vi).io_error(e, path, Access::Read),
            Say::new(Lang::En).io_error(e, path, Access::Read),
        )
    }
}

impl Say {
    /// A period given on the command line; refused in the run's language with the forms accepted.
    pub fn period(&self, given: &str) -> anyhow::Result<solieu_core::period::Period> {
        given
            .parse()
            .map_err(|e: solieu_core::period::PeriodError| {
                anyhow::anyhow!(solieu_i18n::tr!(
                    self.lang,
                    "cli-not-a-period",
                    given = given,
                    reason = e,
                    forms = solieu_core::period::ACCEPTED_FORMS
                ))
            })
    }
}

impl Say {
    /// A command's failure in the run's language. The store words its refusals in English for
    /// logs; the ones a user meets are said again here in Vietnamese.
    pub fn error(&self, e: &anyhow::Error) -> String {
        use solieu_store::StoreError;
        if self.lang == Lang::En {
            return format!("{e:#}");
        }
        match e.downcast_ref::<StoreError>() {
            Some(StoreError::Missing(path)) => {
                solieu_i18n::tr!(self.lang, "cli-no-database-at", path = path)
            }
            Some(StoreError::Connect { location, .. }) => {
                solieu_i18n::tr!(self.lang, "cli-cannot-open-database", location = location)
            }
            Some(StoreError::Conflict(text)) => text.vi.clone(),
            Some(e) if e.is_busy() => solieu_store::busy_text().vi,
            Some(StoreError::Corrupt(what)) => {
                solieu_i18n::tr!(self.lang, "cli-database-corrupt", what = what)
            }
            _ => format!("{e:#}"),
        }
    }
}
