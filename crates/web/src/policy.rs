//! Who may do what to which unit's figures: the one place the rules live. Every page and API
//! handler asks [`allowed`] before reading or writing; the tests try each route as the wrong
//! person.

use chrono::NaiveDate;
use solieu_core::lineage::{Registry, VersionId};

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
    /// Accept or return at an approval level (which levels, the data set says:
    /// `crate::workflow::acts_at`).
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

/// Whether an indicator of `group_path` belongs to one of `groups` (or a group below one).
pub fn in_groups(groups: &[String], group_path: &str) -> bool {
    groups.iter().any(|g| {
        group_path == g
            || group_path
                .strip_prefix(g.as_str())
                .is_some_and(|rest| rest.starts_with(" >"))
    })
}

/// The unit version an account works for on `today`: the one its code names then, or for a
/// unit that has since ended, its last version (its officer may still finish its reports).
fn own_version(registry: &Registry, code: &str, today: NaiveDate) -> Option<VersionId> {
    registry.resolve(code, today).or_else(|| {
        registry
            .versions_of(code)
            .iter()
            .rev()
            .copied()
            .find(|&id| {
                registry
                    .version(id)
                    .valid_from
                    .is_none_or(|from| from <= today)
            })
    })
}

/// The one authorization rule, as of today: see [`allowed_on`].
pub fn allowed(
    who: &Principal,
    action: Action,
    unit: &str,
    groups: &[&str],
    date: NaiveDate,
    registry: &Registry,
) -> bool {
    let today = chrono::Utc::now()
        .with_timezone(&solieu_core::format::vietnam())
        .date_naive();
    allowed_on(who, action, unit, groups, date, registry, today)
}

/// The one authorization rule. `groups` are the group paths of the indicators concerned
/// (empty for a question about a unit as a whole); `date` is the end of the period, as of
/// which the unit tree is read; `today` says which unit an account works for.
pub fn allowed_on(
    who: &Principal,
    action: Action,
    unit: &str,
    groups: &[&str],
    date: NaiveDate,
    registry: &Registry,
    today: NaiveDate,
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
                // The figure belongs to the unit of its period, which may be a predecessor
                // that carried the same code (a commune merged in 2025 keeps the old one's
                // code): the same version, not merely the same code.
                let of_period = registry.resolve(unit, date);
                of_period.is_some() && of_period == own_version(registry, unit, today)
            }
        }
        Role::Department => match action {
            Action::Read => true,
            // A department reviews, where a data set names it as a level, the figures of its
            // own groups only.
            Action::Write | Action::Submit | Action::Approve => {
                !groups.is_empty() && groups.iter().all(|g| in_groups(&who.groups, g))
            }
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
    fn a_commune_does_not_own_its_predecessors_figures() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let mut old = unit("06841", Some("198"));
        old.valid_to = Some(d(2025, 6, 30));
        let mut new = unit("06841", Some("22"));
        new.valid_from = Some(d(2025, 7, 1));
        let registry = Registry::new(
            vec![unit("22", None), unit("198", Some("22")), old, new],
            vec![],
        );
        let officer = who(Role::Commune, Some("06841"), &[]);
        let may = |action, period_end, today| {
            allowed_on(
                &officer,
                action,
                "06841",
                &["x"],
                period_end,
                &registry,
                today,
            )
        };
        let today = d(2026, 11, 1);
        for action in [Action::Read, Action::Write, Action::Submit] {
            assert!(!may(action, d(2020, 12, 31), today), "{action:?} 2020");
            assert!(!may(action, d(2025, 6, 30), today), "{action:?} 2025S1");
            assert!(may(action, d(2025, 12, 31), today), "{action:?} 2025S2");
        }
        // Before the merger the same account worked for the old commune.
        assert!(may(Action::Write, d(2020, 12, 31), d(2025, 3, 1)));
        assert!(!may(Action::Write, d(2025, 12, 31), d(2025, 3, 1)));
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
        assert!(!allowed(
            &department,
            Action::Approve,
            "A",
            &["Y tế"],
            d,
            &registry
        ));
        assert!(allowed(
            &department,
            Action::Approve,
            "A",
            &["Kinh tế > Dịch vụ"],
            d,
            &registry
        ));
    }
}
