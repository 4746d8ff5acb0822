//! The statistics office's unit lists and the 2025 reform mapping, as published in JSON by the
//! dvhcvn project (see `../shared/data/admin-units/README.md` for their shapes):
//!
//! - a unit list: `[code, name, type, ascii, children]`, nested province → district → commune;
//! - a reform mapping: `{"data": [{"level1_id", "name", "merges", "level2s": [{"level2_id",
//!   "name", "merges": [{"old_id", "name", "type": "full" | "partial"}]}]}]}`.
//!
//! A list gives unit versions with open validity. A mapping replaces the whole map on its date:
//! the new provinces and communes begin, every unit open before ends the day before, and each
//! predecessor becomes a lineage event (a split of unknown share where it went in part).

use chrono::NaiveDate;
use serde_json::Value;
use solieu_core::changes::{Incoming, Located};
use solieu_core::lineage::{EventKind, LineageEvent};
use solieu_core::problem::{Location, Problem, Severity};
use solieu_core::text::fold;
use solieu_core::unit::{UnitKind, UnitVersion};
use std::collections::{HashMap, HashSet};

/// Which JSON shape a file has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonKind {
    UnitList,
    ReformMapping,
}

/// Tells a unit list from a reform mapping; `None` for anything else.
pub fn detect_json(bytes: &[u8]) -> Option<JsonKind> {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace() && *b != 0xEF && *b != 0xBB && *b != 0xBF)?;
    match bytes[start] {
        b'[' => Some(JsonKind::UnitList),
        b'{' => Some(JsonKind::ReformMapping),
        _ => None,
    }
}

fn parse(file: &str, bytes: &[u8]) -> Result<Value, Box<Problem>> {
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    serde_json::from_slice(bytes).map_err(|e| {
        Box::new(Problem::error(
            Location::line(file, e.line() as u64).with_column(format!("ký tự {}", e.column())),
            crate::why::json(&e),
        ))
    })
}

fn shape_problem(file: &str, path: &str, expected: &str) -> Problem {
    Problem::error(
        Location::file(file).with_column(path.to_string()),
        solieu_i18n::text!("io-unexpected-shape-expected", expected = expected),
    )
}

/// "Thị trấn" from the kind, as names are written after the 2025 lists ("Xã Hoành Mô").
fn title(kind: UnitKind) -> String {
    let word = kind.name_vi();
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The kind a full name starts with: "Phường Ba Đình" → phường, "Đặc khu Vân Đồn" → đặc khu.
fn kind_of_name(name: &str) -> Option<UnitKind> {
    let folded = fold(name);
    UnitKind::ALL
        .into_iter()
        .filter(|k| folded.starts_with(&format!("{} ", fold(k.name_vi()))))
        .max_by_key(|k| k.name_vi().len())
}

/// Reads a nested unit list.
pub fn read_unit_list(file: &str, bytes: &[u8]) -> (Vec<Located<UnitVersion>>, Vec<Problem>) {
    let mut units = Vec::new();
    let mut problems = Vec::new();
    let value = match parse(file, bytes) {
        Ok(v) => v,
        Err(p) => return (units, vec![*p]),
    };
    fn walk(
        file: &str,
        nodes: &Value,
        parent: Option<&str>,
        path: &str,
        units: &mut Vec<Located<UnitVersion>>,
        problems: &mut Vec<Problem>,
    ) {
        let Some(nodes) = nodes.as_array() else {
            problems.push(shape_problem(file, path, "a list of units"));
            return;
        };
        for (i, node) in nodes.iter().enumerate() {
            let here = format!("{path}[{i}]");
            let fields = node.as_array();
            let text = |n: usize| fields.and_then(|f| f.get(n)).and_then(Value::as_str);
            let (Some(code), Some(name), Some(kind_text)) = (text(0), text(1), text(2)) else {
                problems.push(shape_problem(
                    file,
                    &here,
                    "[code, name, type, ascii, children]",
                ));
                continue;
            };
            let Ok(kind) = kind_text.parse::<UnitKind>() else {
                problems.push(
                    Problem::error(
                        Location::file(file).with_column(here.clone()),
                        solieu_i18n::text!("io-unknown-kind-unit"),
                    )
                    .with_value(kind_text),
                );
                continue;
            };
            units.push(Located {
                item: UnitVersion {
                    code: code.to_string(),
                    name: format!("{} {}", title(kind), name.trim()),
                    kind,
                    parent: parent.map(str::to_string),
                    valid_from: None,
                    valid_to: None,
                },
                location: Location::file(file).with_column(here.clone()),
            });
            if let Some(children) = fields.and_then(|f| f.get(4)).filter(|c| !c.is_null()) {
                walk(
                    file,
                    children,
                    Some(code),
                    &format!("{here}[4]"),
                    units,
                    problems,
                );
            }
        }
    }
    walk(file, &value, None, "$", &mut units, &mut problems);
    (units, problems)
}

/// Reads a reform mapping taking effect on `date`, against the units known before it
/// (stored, and from other files of the same import). Returns the new versions, the closures
/// of every unit open before `date`, the lineage events, and warnings for what the mapping
/// leaves unsaid.
pub fn read_reform(
    file: &str,
    bytes: &[u8],
    date: NaiveDate,
    known: &[UnitVersion],
) -> (Incoming, Vec<Problem>) {
    let mut incoming = Incoming::default();
    let mut problems = Vec::new();
    let value = match parse(file, bytes) {
        Ok(v) => v,
        Err(p) => return (incoming, vec![*p]),
    };
    let Some(provinces) = value.get("data").and_then(Value::as_array) else {
        return (
            incoming,
            vec![shape_problem(file, "$.data", "a list of provinces")],
        );
    };
    let day_before = date.pred_opt().expect("a date after the first");
    let at = |path: &str| Location::file(file).with_column(path.to_string());
    // (old code, old name, new code, partial, where)
    let mut links: Vec<(String, String, String, bool, String)> = Vec::new();
    let mut add_unit =
        |code: &str, name: &str, parent: Option<&str>, path: &str, problems: &mut Vec<Problem>| {
            let Some(kind) = kind_of_name(name) else {
                problems.push(
                    Problem::error(at(path), solieu_i18n::text!("io-name-does-not-start-kind"))
                        .with_value(name),
                );
                return;
            };
            incoming.units.push(Located {
                item: UnitVersion {
                    code: code.to_string(),
                    name: name.trim().to_string(),
                    kind,
                    parent: parent.map(str::to_string),
                    valid_from: Some(date),
                    valid_to: None,
                },
                location: at(path),
            });
        };
    let mut merges = |node: &Value, new_code: &str, path: &str, problems: &mut Vec<Problem>| {
        let Some(list) = node.get("merges").and_then(Value::as_array) else {
            problems.push(shape_problem(
                file,
                &format!("{path}.merges"),
                "a list of predecessors",
            ));
            return;
        };
        for (k, m) in list.iter().enumerate() {
            let here = format!("{path}.merges[{k}]");
            let field = |f: &str| m.get(f).and_then(Value::as_str);
            match (field("old_id"), field("name"), field("type")) {
                (Some(old), Some(name), Some(kind @ ("full" | "partial"))) => links.push((
                    old.to_string(),
                    name.to_string(),
                    new_code.to_string(),
                    kind == "partial",
                    here,
                )),
                _ => problems.push(shape_problem(
                    file,
                    &here,
                    "{old_id, name, type: full | partial}",
                )),
            }
        }
    };
    for (i, province) in provinces.iter().enumerate() {
        let path = format!("$.data[{i}]");
        let field = |f: &str| province.get(f).and_then(Value::as_str);
        let (Some(code), Some(name)) = (field("level1_id"), field("name")) else {
            problems.push(shape_problem(
                file,
                &path,
                "{level1_id, name, merges, level2s}",
            ));
            continue;
        };
        add_unit(code, name, None, &path, &mut problems);
        merges(province, code, &path, &mut problems);
        for (j, commune) in province
            .get("level2s")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let path = format!("{path}.level2s[{j}]");
            let field = |f: &str| commune.get(f).and_then(Value::as_str);
            let (Some(c), Some(n)) = (field("level2_id"), field("name")) else {
                problems.push(shape_problem(file, &path, "{level2_id, name, merges}"));
                continue;
            };
            add_unit(c, n, Some(code), &path, &mut problems);
            merges(commune, c, &path, &mut problems);
        }
    }

    // The units open the day before: what the reform replaces.
    let open: HashMap<&str, &UnitVersion> = known
        .iter()
        .filter(|u| u.is_valid_on(day_before) && u.valid_to.is_none())
        .map(|u| (u.code.as_str(), u))
        .collect();
    let valid_before: HashSet<&str> = known
        .iter()
        .filter(|u| u.is_valid_on(day_before))
        .map(|u| u.code.as_str())
        .collect();
    // A predecessor that went anywhere in part went everywhere in part.
    let partly: HashSet<String> = links.iter().filter(|l| l.3).map(|l| l.0.clone()).collect();
    let mut placeholders: HashSet<String> = HashSet::new();
    for (old, old_name, new, _, path) in &links {
        if !valid_before.contains(old.as_str()) && placeholders.insert(old.clone()) {
            // The register does not have it (created after the list it was built from): add
            // it as the mapping names it, ending with the reform, so the event has a source.
            let kind = kind_of_name(old_name).unwrap_or(UnitKind::Xa);
            incoming.units.push(Located {
                item: UnitVersion {
                    code: old.clone(),
                    name: old_name.clone(),
                    kind,
                    parent: None,
                    valid_from: None,
                    valid_to: Some(day_before),
                },
                location: at(path),
            });
            problems.push(Problem {
                severity: Severity::Warning,
                location: at(path),
                value: Some(old.clone()),
                message: solieu_i18n::text!(
                    "io-not-register-added-without-known",
                    old_name = old_name,
                    old = old
                ),
                hint: None,
            });
        }
        let split = partly.contains(old);
        incoming.events.push(Located {
            item: LineageEvent {
                date,
                kind: if split {
                    EventKind::Split
                } else {
                    EventKind::Merge
                },
                from: old.clone(),
                to: new.clone(),
                share: None,
            },
            location: at(path),
        });
    }
    let predecessors: HashSet<&str> = links.iter().map(|l| l.0.as_str()).collect();
    let mut ended_without_successor = 0;
    let mut closures: Vec<&UnitVersion> = open.values().copied().collect();
    closures.sort_by(|a, b| a.code.cmp(&b.code));
    for unit in closures {
        if !predecessors.contains(unit.code.as_str()) && unit.kind.is_commune_level() {
            ended_without_successor += 1;
        }
        incoming.units.push(Located {
            item: UnitVersion {
                valid_to: Some(day_before),
                ..unit.clone()
            },
            location: Location::file(file),
        });
    }
    if ended_without_successor > 0 {
        problems.push(Problem {
            severity: Severity::Warning,
            location: Location::file(file),
            value: None,
            message: solieu_i18n::text!(
                "io-gso-units-end-without-successor",
                count = ended_without_successor,
                date = solieu_core::format::date_vi(day_before)
            ),
            hint: Some(solieu_i18n::text!(
                "io-usually-communes-merged-between-2020"
            )),
        });
    }
    (incoming, problems)
}
