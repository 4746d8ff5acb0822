//! Documents and the tasks a meeting's conclusion assigns.

use crate::text::fold;
use chrono::NaiveDate;
use serde::Serialize;
use std::str::FromStr;

/// A document in the register: "256/KH-UBND", issued on a date by a body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Document {
    /// Number and symbol, as printed: 256/KH-UBND, 650-KL/HU, 1354/UBND.
    pub number: String,
    pub date: NaiveDate,
    pub issuer: String,
    /// The type code: KH kế hoạch, KL kết luận, BC báo cáo, QĐ quyết định, TB thông báo, NQ nghị
    /// quyết; CV for a letter (văn bản) whose symbol names no type.
    pub kind: String,
    pub summary: String,
    /// Who signed it ("Phó Chủ tịch Hoàng Văn A"); empty if not recorded.
    pub signer: String,
    /// The day it takes effect, when it says one.
    pub effective: Option<NaiveDate>,
    /// Its field (lĩnh vực): "Kinh tế", "Tài chính - ngân sách"…
    pub field: String,
    /// Where its text is: a PDF in a portal's library (`/media/….pdf`) or a web address.
    pub file: String,
}

/// Whether `address` may be a document's file: a file in a portal's library or a web address.
pub fn is_file_address(address: &str) -> bool {
    let lower = address.to_ascii_lowercase();
    (lower.starts_with("/media/") || lower.starts_with("https://") || lower.starts_with("http://"))
        && !address
            .chars()
            .any(|c| c.is_whitespace() || c == '"' || c == '<' || c == '>')
}

const KINDS: &[(&str, &str)] = &[
    ("KH", "Kế hoạch"),
    ("KL", "Kết luận"),
    ("BC", "Báo cáo"),
    ("QĐ", "Quyết định"),
    ("TB", "Thông báo"),
    ("NQ", "Nghị quyết"),
    ("CT", "Chỉ thị"),
    ("CV", "Văn bản"),
];

/// The type code a number and symbol names: "256/KH-UBND" → KH, "650-KL/HU" → KL, none in
/// "1354/UBND".
pub fn kind_from_number(number: &str) -> Option<&'static str> {
    number.split(['/', '-']).skip(1).find_map(|part| {
        KINDS
            .iter()
            .find(|(k, _)| fold(k) == fold(part))
            .map(|(k, _)| *k)
    })
}

/// "Kế hoạch", "Văn bản" for a type code.
pub fn kind_name_vi(kind: &str) -> &'static str {
    KINDS
        .iter()
        .find(|(k, _)| fold(k) == fold(kind))
        .map_or("Văn bản", |(_, n)| n)
}

impl Document {
    /// "Kế hoạch số 256/KH-UBND ngày 15/01/2020".
    pub fn citation_vi(&self) -> String {
        format!(
            "{} số {} ngày {}",
            kind_name_vi(&self.kind),
            self.number,
            self.date.format("%d/%m/%Y")
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    Open,
    Done,
    Cancelled,
}

impl TaskStatus {
    pub fn code(self) -> &'static str {
        match self {
            TaskStatus::Open => "dang_thuc_hien",
            TaskStatus::Done => "hoan_thanh",
            TaskStatus::Cancelled => "huy",
        }
    }

    /// The status's name in both languages (`core-task-status-<code>` in the catalogues).
    pub fn name(self) -> crate::problem::Text {
        crate::problem::Text::msg(&format!("core-task-status-{}", self.code()), &[])
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            TaskStatus::Open => "đang thực hiện",
            TaskStatus::Done => "hoàn thành",
            TaskStatus::Cancelled => "hủy",
        }
    }
}

impl FromStr for TaskStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<TaskStatus, String> {
        match fold(s).replace(['_', '-'], " ").trim() {
            "dang thuc hien" | "open" | "" => Ok(TaskStatus::Open),
            "hoan thanh" | "done" => Ok(TaskStatus::Done),
            "huy" | "cancelled" => Ok(TaskStatus::Cancelled),
            _ => Err("a status: dang_thuc_hien, hoan_thanh or huy".into()),
        }
    }
}

/// A task assigned by a document (usually a meeting's conclusion) to an agency or commune.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Task {
    pub code: String,
    /// The document assigning it.
    pub document: String,
    pub agency: String,
    pub title: String,
    pub deadline: Option<NaiveDate>,
    /// Other documents it cites.
    pub cites: Vec<String>,
    pub status: TaskStatus,
    /// When the status was last set (the day of completion for a done task).
    pub status_date: Option<NaiveDate>,
}

/// One state of a task, as recorded: the history is only extended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskEvent {
    pub task: String,
    pub status: TaskStatus,
    pub date: Option<NaiveDate>,
    pub note: String,
    pub by: String,
    pub at: String,
    pub source: String,
}

/// How a task stands on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Open, deadline not passed (or none).
    InProgress,
    /// Open past its deadline.
    Overdue,
    DoneOnTime,
    DoneLate,
    Cancelled,
}

impl Standing {
    pub fn name_vi(self) -> &'static str {
        match self {
            Standing::InProgress => "đang thực hiện",
            Standing::Overdue => "quá hạn",
            Standing::DoneOnTime => "hoàn thành đúng hạn",
            Standing::DoneLate => "hoàn thành chậm",
            Standing::Cancelled => "hủy",
        }
    }
}

pub fn standing(task: &Task, date: NaiveDate) -> Standing {
    match task.status {
        TaskStatus::Cancelled => Standing::Cancelled,
        TaskStatus::Done => match (task.deadline, task.status_date) {
            (Some(deadline), Some(done)) if done > deadline => Standing::DoneLate,
            _ => Standing::DoneOnTime,
        },
        TaskStatus::Open => match task.deadline {
            Some(deadline) if deadline < date => Standing::Overdue,
            _ => Standing::InProgress,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_symbol_names_the_type() {
        assert_eq!(kind_from_number("256/KH-UBND"), Some("KH"));
        assert_eq!(kind_from_number("650-KL/HU"), Some("KL"));
        assert_eq!(kind_from_number("1354/UBND"), None);
        assert_eq!(kind_from_number("12/QĐ-UBND"), Some("QĐ"));
    }

    #[test]
    fn overdue_is_open_past_the_deadline() {
        let day = |s: &str| s.parse::<NaiveDate>().unwrap();
        let mut t = Task {
            code: "T1".into(),
            document: "650-KL/HU".into(),
            agency: "Phòng TN&MT".into(),
            title: "".into(),
            deadline: Some(day("2020-06-30")),
            cites: vec![],
            status: TaskStatus::Open,
            status_date: None,
        };
        assert_eq!(standing(&t, day("2020-06-30")), Standing::InProgress);
        assert_eq!(standing(&t, day("2020-07-01")), Standing::Overdue);
        t.status = TaskStatus::Done;
        t.status_date = Some(day("2020-07-05"));
        assert_eq!(standing(&t, day("2020-08-01")), Standing::DoneLate);
    }
}
