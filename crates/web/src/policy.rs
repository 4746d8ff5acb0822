//! Who may do what to which unit's figures: the one place the rules live. Every page and API
//! handler asks [`allowed`] before reading or writing; the tests try each route as the wrong
//! person.

use chrono::NaiveDate;
use solieu_core::lineage::Registry;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything, accounts included.
    Admin,
    /// The planning office: every unit at or below its own; approves.
    Office,
    /// A department: its indicator groups, in every unit.
    Department,
    /// A commune officer: its own commune only.
    Commune,
    /// A leader: reads its unit and those below, approves.
    Leader,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Office,
        Role::Department,
        Role::Commune,
        Role::Leader,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Office => "office",
            Role::Department => "department",
            Role::Commune => "commune",
            Role::Leader => "leader",
        }
    }

    pub fn parse(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            Role::Admin => "quản trị",
            Role::Office => "văn phòng / phòng kế hoạch",
            Role::Department => "phòng, ban chuyên môn",
            Role::Commune => "cán bộ xã",
            Role::Leader => "lãnh đạo",
        }
    }
}

/// The person (or machine client) behind a request.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Principal {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// The unit the account works on (its commune, the office's district or province).
    pub unit: Option<String>,
    /// A department's indicator groups ("Kinh tế > Dịch vụ"); an indicator belongs when its
    /// group path starts with one of them.
    pub groups: Vec<String>,
    /// The session's CSRF token; `None` for a bearer token, which a browser never sends by
    /// itself.
    #[serde(skip)]
    pub csrf: Option<String>,
    /// The token's name when the request came with one.
    pub token: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// See a unit's figures.
    Read,
    /// Enter or change figures (each indicator checked for departments).
    Write,
    /// Send a data set for approval.
    Submit,
    /// Approve (and lock) or reopen.
    Approve,
}

/// Whether `unit` is `ancestor` or lies below it on `date`.
pub fn within(registry: &Registry, unit: &str, ancestor: &str, date: NaiveDate) -> bool {
    let mut code = unit.to_string();
    // A register is a few levels deep; the bound only guards against a cycle in bad data.
    for _ in 0..16 {
        if code == ancestor {
            return true;
        }
        let Some(id) = registry.resolve(&code, date) else {
            return false;
        };
        match &registry.version(id).parent {
            Some(parent) => code = parent.clone(),
            None => return false,
        }
    }
    false
}

fn in_groups(groups: &[String], group_path: &str) -> bool {
    groups.iter().any(|g| {
        group_path == g
            || group_path
                .strip_prefix(g.as_str())
                .is_some_and(|rest| rest.starts_with(" >"))
    })
}

/// The one authorization rule. `groups` are the group paths of the indicators concerned
/// (empty for a question about a unit as a whole); `date` is the end of the period, as of
/// which the unit tree is read.
pub fn allowed(
    who: &Principal,
    action: Action,
    unit: &str,
    groups: &[&str],
    date: NaiveDate,
    registry: &Registry,
) -> bool {
    let own_or_below = || {
        who.unit
            .as_deref()
            .is_some_and(|own| within(registry, unit, own, date))
    };
    match who.role {
        Role::Admin => true,
        Role::Office => own_or_below(),
        Role::Commune => {
            action != Action::Approve && who.unit.as_deref() == Some(unit) && {
                // The unit must exist as of the date, not merely share a code.
                registry.resolve(unit, date).is_some()
            }
        }
        Role::Department => match action {
            Action::Read => true,
            Action::Write | Action::Submit => {
                !groups.is_empty() && groups.iter().all(|g| in_groups(&who.groups, g))
            }
            Action::Approve => false,
        },
        Role::Leader => match action {
            Action::Read | Action::Approve => who.unit.is_none() || own_or_below(),
            Action::Write | Action::Submit => false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use solieu_core::unit::UnitVersion;

    fn unit(code: &str, parent: Option<&str>) -> UnitVersion {
        UnitVersion {
            code: code.into(),
            name: code.into(),
            kind: "xa".parse().unwrap(),
            parent: parent.map(str::to_string),
            valid_from: None,
            valid_to: None,
        }
    }

    fn who(role: Role, unit: Option<&str>, groups: &[&str]) -> Principal {
        Principal {
            user_id: 1,
            username: "u".into(),
            display_name: "u".into(),
            role,
            unit: unit.map(str::to_string),
            groups: groups.iter().map(|g| g.to_string()).collect(),
            csrf: None,
            token: None,
        }
    }

    #[test]
    fn each_role_reaches_only_its_units() {
        let registry = Registry::new(
            vec![
                unit("22", None),
                unit("198", Some("22")),
                unit("A", Some("198")),
                unit("B", Some("198")),
                unit("23", None),
            ],
            vec![],
        );
        let d = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
        let commune = who(Role::Commune, Some("A"), &[]);
        assert!(allowed(&commune, Action::Write, "A", &["x"], d, &registry));
        assert!(!allowed(&commune, Action::Read, "B", &[], d, &registry));
        assert!(!allowed(&commune, Action::Read, "198", &[], d, &registry));
        assert!(!allowed(&commune, Action::Approve, "A", &[], d, &registry));

        let office = who(Role::Office, Some("198"), &[]);
        assert!(allowed(&office, Action::Approve, "A", &[], d, &registry));
        assert!(allowed(&office, Action::Write, "198", &[], d, &registry));
        assert!(!allowed(&office, Action::Read, "22", &[], d, &registry));
        assert!(!allowed(&office, Action::Read, "23", &[], d, &registry));

        let leader = who(Role::Leader, Some("198"), &[]);
        assert!(allowed(&leader, Action::Approve, "B", &[], d, &registry));
        assert!(!allowed(&leader, Action::Write, "B", &["x"], d, &registry));

        let department = who(Role::Department, None, &["Kinh tế"]);
        assert!(allowed(&department, Action::Read, "23", &[], d, &registry));
        assert!(allowed(
            &department,
            Action::Write,
            "A",
            &["Kinh tế > Dịch vụ"],
            d,
            &registry
        ));
        assert!(!allowed(
            &department,
            Action::Write,
            "A",
            &["Kinh tế xã hội"],
            d,
            &registry
        ));
        assert!(!allowed(
            &department,
            Action::Write,
            "A",
            &["Y tế"],
            d,
            &registry
        ));
        assert!(!allowed(
            &department,
            Action::Approve,
            "A",
            &[],
            d,
            &registry
        ));
    }
}
