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
        let path = path.display();
        if self.lang == Lang::En {
            let doing = match access {
                Access::Read => "cannot read",
                Access::Write => "cannot write",
            };
            return format!("{doing} {path}: {e}");
        }
        let verb = match access {
            Access::Read => "đọc",
            Access::Write => "ghi",
        };
        use std::io::ErrorKind as K;
        match (e.kind(), access) {
            (K::NotFound, Access::Read) => format!("tệp {path} không tồn tại"),
            (K::NotFound, Access::Write) => {
                format!("không ghi được {path}: thư mục chứa nó không tồn tại")
            }
            (K::PermissionDenied, _) => format!("không có quyền {verb} {path}"),
            (K::IsADirectory, _) => format!("{path} là một thư mục, không phải một tệp"),
            (K::NotADirectory, _) => {
                format!("không {verb} được {path}: một phần của đường dẫn không phải thư mục")
            }
            (K::StorageFull, _) => format!("không ghi được {path}: ổ đĩa đã đầy"),
            (K::ReadOnlyFilesystem, _) => format!("không ghi được {path}: ổ đĩa chỉ cho đọc"),
            _ => match e.raw_os_error() {
                Some(code) => format!("không {verb} được {path} (mã lỗi hệ thống {code})"),
                None => format!("không {verb} được {path}"),
            },
        }
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
                let forms = solieu_core::period::ACCEPTED_FORMS;
                match self.lang {
                    Lang::Vi => anyhow::anyhow!(
                        "“{given}” không phải một kỳ báo cáo; các dạng được chấp nhận: {forms}"
                    ),
                    Lang::En => anyhow::anyhow!("{e}; the forms accepted: {forms}"),
                }
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
                format!("chưa có cơ sở dữ liệu tại {path}: tạo bằng lệnh `solieu init`")
            }
            Some(StoreError::Connect { location, .. }) => {
                format!("không mở được cơ sở dữ liệu {location}")
            }
            Some(StoreError::Conflict(text)) => text.vi.clone(),
            Some(e) if e.is_busy() => solieu_store::busy_text().vi,
            Some(StoreError::Corrupt(what)) => {
                format!("cơ sở dữ liệu chứa dữ liệu solieu không đọc được: {what}")
            }
            _ => format!("{e:#}"),
        }
    }
}
