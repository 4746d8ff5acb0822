//! DHIS2 metadata exports (the JSON of `/api/metadata`): organisation units, data elements with
//! their category combinations, indicators, validation rules and data sets, read into solieu's
//! model, with the link between each DHIS2 identifier and our code (`Link`), so that data value
//! sets import afterwards with no hand-made mapping and export back with DHIS2's identifiers.
//!
//! How DHIS2 maps onto the model (docs/dhis2.md):
//! - an organisation unit is a unit version (opening date to the day before its closed date);
//!   level 1 a province, 2 a district, deeper levels communes;
//! - a data element with the default category combination is one indicator; one with a real
//!   combination is one indicator per category option combination (`CODE.COMBO`) and the
//!   element itself a derived indicator, their sum, which is what DHIS2's `#{uid}` means;
//! - an indicator is a derived indicator `(numerator) / (denominator) * factor`;
//! - a validation rule is a rule; a data set a data set of the entered indicators.
//!
//! Several files (a setup export and an aggregate export) are read as one: a data element in one
//! names a category combination in the other.

use crate::dhis2::{DEFAULT_COMBO, is_uid};
use chrono::NaiveDate;
use serde_json::Value;
use solieu_core::changes::{Incoming, Located};
use solieu_core::formula::Formula;
use solieu_core::indicator::{self, Aggregate, Indicator, TimeAggregate};
use solieu_core::measure::MeasureUnit;
use solieu_core::problem::{Location, Problem, Text};
use solieu_core::unit::{self, UnitKind, UnitVersion};
use solieu_core::validation::{Importance, Operator, Rule};
use std::collections::{BTreeMap, HashMap, HashSet};

/// The identifier of the default category combination of the DHIS2 demo databases; an
/// export often names it without listing it. A combination named `default` is one too.
const DEFAULT_CATEGORY_COMBO: &str = "bjDvmb4bfuf";

/// The kinds of DHIS2 objects linked to ours.
pub const ORG_UNIT: &str = "orgUnit";
/// A data element (`DE`) or one of its category option combinations (`DE|COC`).
pub const DATA_ELEMENT: &str = "dataElement";
pub const INDICATOR: &str = "indicator";
pub const DATA_SET: &str = "dataSet";
pub const VALIDATION_RULE: &str = "validationRule";

/// One DHIS2 identifier and the code it became.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub kind: String,
    /// The UID, or `DE|COC` for a disaggregation.
    pub dhis2: String,
    /// DHIS2's own code, if the object had one.
    pub code: Option<String>,
    pub ours: String,
}

/// A DHIS2 data set as solieu holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataSet {
    pub code: String,
    pub name: String,
    /// `month`, `quarter`, `half` or `year`.
    pub period_type: String,
    pub deadline_days: i64,
    pub indicators: Vec<String>,
}

/// What DHIS2 objects the model does not hold, by kind, for the import's summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotImported {
    pub kind: String,
    pub count: usize,
    pub why: Text,
}

/// What the metadata files bring.
#[derive(Debug, Clone, Default)]
pub struct Metadata {
    pub incoming: Incoming,
    pub data_sets: Vec<Located<DataSet>>,
    pub links: Vec<Link>,
    pub not_imported: Vec<NotImported>,
}

/// Whether `bytes` is a DHIS2 metadata export: a JSON object with a list DHIS2 exports and no
/// data values.
pub fn detect(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(65536)]);
    let trimmed = head.trim_start_matches('\u{feff}').trim_start();
    trimmed.starts_with('{')
        && !trimmed.contains("\"dataValues\"")
        && [
            "\"organisationUnits\"",
            "\"dataElements\"",
            "\"categoryCombos\"",
            "\"dataSets\"",
            "\"validationRules\"",
            "\"indicators\"",
            "\"system\"",
        ]
        .iter()
        .any(|k| trimmed.contains(k))
}

/// One object of an export and where it is: `file` at `$.kind[i]`.
struct Entry<'a> {
    file: &'a str,
    path: String,
    value: &'a Value,
}

impl Entry<'_> {
    fn at(&self, field: &str) -> Location {
        Location::file(self.file).with_column(format!("{}.{field}", self.path))
    }
    fn str(&self, field: &str) -> Option<&str> {
        self.value
            .get(field)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }
    fn id(&self) -> &str {
        self.str("id").unwrap_or("")
    }
    fn reference(&self, field: &str) -> Option<&str> {
        self.value.get(field)?.get("id")?.as_str()
    }
    fn error(&self, field: &str, message: Text) -> Problem {
        Problem::error(self.at(field), message)
    }
}

/// A validation rule's `instruction`, DHIS2's text for the person entering data: the rule's
/// message for people (empty when absent); `None`, with a problem, when it is too long.
fn instruction(e: &Entry, problems: &mut Vec<Problem>) -> Option<String> {
    let message = solieu_core::text::clean(e.str("instruction").unwrap_or(""));
    let (chars, max) = (
        message.chars().count(),
        solieu_core::validation::MESSAGE_MAX_CHARS,
    );
    if chars <= max {
        return Some(message);
    }
    problems.push(
        e.error(
            "instruction",
            solieu_i18n::text!("io-rule-message-too-long", chars = chars, max = max),
        )
        .with_hint(solieu_i18n::text!("io-rule-message-say-what-to-fix")),
    );
    None
}

/// Every object of every file, by kind, the first of each UID kept (two exports of one
/// instance list the same shared objects).
#[derive(Default)]
struct Objects<'a> {
    by_kind: BTreeMap<String, Vec<Entry<'a>>>,
}

impl<'a> Objects<'a> {
    fn collect(files: &'a [(String, Value)]) -> Objects<'a> {
        let mut objects = Objects::default();
        let mut seen: HashSet<(String, String)> = HashSet::new();
        for (file, json) in files {
            let Some(map) = json.as_object() else {
                continue;
            };
            for (kind, list) in map {
                let Some(list) = list.as_array() else {
                    continue;
                };
                let entries = objects.by_kind.entry(kind.clone()).or_default();
                for (i, value) in list.iter().enumerate() {
                    let id = value.get("id").and_then(Value::as_str).unwrap_or("");
                    if !id.is_empty() && !seen.insert((kind.clone(), id.to_string())) {
                        continue;
                    }
                    entries.push(Entry {
                        file,
                        path: format!("$.{kind}[{i}]"),
                        value,
                    });
                }
            }
        }
        objects
    }

    fn of(&self, kind: &str) -> &[Entry<'a>] {
        self.by_kind.get(kind).map_or(&[], Vec::as_slice)
    }
}

/// Parses each file; a file that is not JSON is a located problem.
pub fn parse(files: &[(&str, &[u8])]) -> (Vec<(String, Value)>, Vec<Problem>) {
    let mut parsed = Vec::new();
    let mut problems = Vec::new();
    for (name, bytes) in files {
        let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
        match serde_json::from_slice::<Value>(bytes) {
            Ok(v) if v.is_object() => parsed.push((name.to_string(), v)),
            Ok(_) => problems.push(Problem::error(
                Location::file(*name),
                solieu_i18n::text!("io-dhis2-metadata-file-json-object"),
            )),
            Err(e) => problems.push(Problem::error(
                Location::line(*name, e.line() as u64),
                crate::why::json(&e),
            )),
        }
    }
    (parsed, problems)
}

/// Reads metadata files as one export. `stored` are the links of earlier imports, so a file
/// may name a unit or data element imported before.
pub fn read(files: &[(&str, &[u8])], stored: &[Link]) -> (Metadata, Vec<Problem>) {
    let (parsed, mut problems) = parse(files);
    let objects = Objects::collect(&parsed);
    let mut reader = Reader::new(stored);
    reader.org_units(&objects, &mut problems);
    reader.data_elements(&objects, &mut problems);
    reader.indicators(&objects, &mut problems);
    reader.validation_rules(&objects, &mut problems);
    reader.data_sets(&objects, &mut problems);
    reader.list_the_rest(&objects);
    (reader.out, problems)
}

/// The state of one read: what is linked so far, and what comes out.
struct Reader {
    /// (kind, DHIS2 key) → our code, stored links and this import's.
    codes: HashMap<(String, String), String>,
    /// Our codes taken, units and indicators apart.
    taken: HashSet<(bool, String)>,
    /// Data element UID → the indicators entered for it (one, or one per combination).
    entered: HashMap<String, Vec<String>>,
    out: Metadata,
}

impl Reader {
    fn new(stored: &[Link]) -> Reader {
        let mut reader = Reader {
            codes: HashMap::new(),
            taken: HashSet::new(),
            entered: HashMap::new(),
            out: Metadata::default(),
        };
        for link in stored {
            reader.remember(link);
        }
        for link in stored.iter().filter(|l| l.kind == DATA_ELEMENT) {
            if let Some((de, _)) = link.dhis2.split_once('|') {
                reader
                    .entered
                    .entry(de.to_string())
                    .or_default()
                    .push(link.ours.clone());
            }
        }
        reader
    }

    fn remember(&mut self, link: &Link) {
        self.codes
            .insert((link.kind.clone(), link.dhis2.clone()), link.ours.clone());
        self.taken
            .insert((link.kind == ORG_UNIT, link.ours.clone()));
    }

    fn code_of(&self, kind: &str, key: &str) -> Option<&String> {
        self.codes.get(&(kind.to_string(), key.to_string()))
    }

    /// Links `uid` to our code: the one an earlier import gave it, else DHIS2's code when it
    /// is a valid code of ours not yet taken, else the UID itself.
    fn link(&mut self, kind: &str, uid: &str, code: Option<&str>, valid: bool) -> String {
        if let Some(ours) = self.code_of(kind, uid) {
            return ours.clone();
        }
        let unit = kind == ORG_UNIT;
        let ours = match code {
            Some(c) if valid && !self.taken.contains(&(unit, c.to_string())) => c.to_string(),
            _ => uid.to_string(),
        };
        self.add_link(kind, uid, code, &ours);
        ours
    }

    fn add_link(&mut self, kind: &str, dhis2: &str, code: Option<&str>, ours: &str) {
        let link = Link {
            kind: kind.to_string(),
            dhis2: dhis2.to_string(),
            code: code.map(str::to_string),
            ours: ours.to_string(),
        };
        self.remember(&link);
        self.out.links.push(link);
    }

    fn not_imported(&mut self, kind: &str, count: usize, why: Text) {
        if count > 0 {
            self.out.not_imported.push(NotImported {
                kind: kind.to_string(),
                count,
                why,
            });
        }
    }

    /// Organisation units, parents before children (DHIS2 lists them in any order).
    fn org_units(&mut self, objects: &Objects, problems: &mut Vec<Problem>) {
        let units = objects.of("organisationUnits");
        let by_id: HashMap<&str, &Entry> = units.iter().map(|e| (e.id(), e)).collect();
        let mut ordered: Vec<(usize, &Entry)> =
            units.iter().map(|e| (depth(e, &by_id), e)).collect();
        ordered.sort_by_key(|(d, _)| *d);
        let mut spans: HashMap<String, (Option<NaiveDate>, Option<NaiveDate>)> = HashMap::new();
        for (level, entry) in ordered {
            if let Some(mut unit) = self.org_unit(entry, level, problems) {
                within_parent(&mut unit, &spans, entry, problems);
                spans.insert(unit.code.clone(), (unit.valid_from, unit.valid_to));
                self.out.incoming.units.push(Located {
                    item: unit,
                    location: entry.at("id"),
                });
            }
        }
    }

    fn org_unit(
        &mut self,
        e: &Entry,
        depth: usize,
        problems: &mut Vec<Problem>,
    ) -> Option<UnitVersion> {
        let uid = e.id();
        if !is_uid(uid) {
            problems.push(missing_uid(e));
            return None;
        }
        let parent = match e.reference("parent") {
            None => None,
            Some(p) => match self.code_of(ORG_UNIT, p) {
                Some(code) => Some(code.clone()),
                None => {
                    problems.push(
                        e.error("parent", solieu_i18n::text!("io-parent-unit-no-file-was"))
                            .with_value(p),
                    );
                    return None;
                }
            },
        };
        let code = e.str("code");
        let ours = self.link(
            ORG_UNIT,
            uid,
            code,
            code.is_some_and(|c| unit::check_code(c).is_ok()),
        );
        let level = e
            .value
            .get("level")
            .and_then(Value::as_u64)
            .map_or(depth, |l| l as usize);
        let valid_from = date(e, "openingDate", problems);
        let valid_to = date(e, "closedDate", problems).and_then(|d| d.pred_opt());
        Some(UnitVersion {
            code: ours,
            name: e.str("name").unwrap_or(uid).to_string(),
            kind: match level {
                1 => UnitKind::Tinh,
                2 => UnitKind::Huyen,
                _ => UnitKind::Xa,
            },
            parent,
            valid_from,
            valid_to,
        })
    }

    /// Data elements with numbers, as indicators; their combinations as one indicator each.
    fn data_elements(&mut self, objects: &Objects, problems: &mut Vec<Problem>) {
        let combos = Combos::new(objects);
        let groups = element_groups(objects);
        let (mut tracker, mut text) = (0, 0);
        for e in objects.of("dataElements") {
            if e.str("domainType") == Some("TRACKER") {
                tracker += 1;
                continue;
            }
            let value_type = e.str("valueType").unwrap_or("NUMBER");
            let Some(decimals) = decimals_of(value_type) else {
                text += 1;
                continue;
            };
            let uid = e.id();
            if !is_uid(uid) {
                problems.push(missing_uid(e));
                continue;
            }
            let Some((aggregate, time_aggregate)) = aggregation(e.str("aggregationType")) else {
                problems.push(
                    e.error(
                        "aggregationType",
                        solieu_i18n::text!("io-solieu-has-no-such-aggregation"),
                    )
                    .with_value(e.str("aggregationType").unwrap_or(""))
                    .with_hint(solieu_i18n::text!("io-solieu-takes-sum-average-average")),
                );
                continue;
            };
            let code = e.str("code");
            let ours = self.link(
                DATA_ELEMENT,
                uid,
                code,
                code.is_some_and(|c| indicator::check_code(c).is_ok()),
            );
            let base = Indicator {
                code: ours.clone(),
                name: e.str("name").unwrap_or(uid).to_string(),
                name_en: e.str("name").map(str::to_string),
                unit: MeasureUnit::parse("số"),
                group: vec![groups.get(uid).cloned().unwrap_or_else(|| "DHIS2".into())],
                aggregate,
                time_aggregate,
                decimals,
                price_basis: None,
                formula: None,
            };
            let combo = e
                .reference("categoryCombo")
                .unwrap_or(DEFAULT_CATEGORY_COMBO);
            if combos.is_default(combo) {
                self.entered.insert(uid.to_string(), vec![ours]);
                self.out.incoming.indicators.push(Located {
                    item: base,
                    location: e.at("id"),
                });
                continue;
            }
            let Some(parts) = combos.options.get(combo) else {
                problems.push(
                    e.error(
                        "categoryCombo",
                        solieu_i18n::text!("io-category-combo-no-file"),
                    )
                    .with_value(combo),
                );
                continue;
            };
            self.disaggregated(e, base, parts);
        }
        self.not_imported(
            "dataElements (TRACKER)",
            tracker,
            solieu_i18n::text!("io-tracker-data-not-aggregate-figures"),
        );
        self.not_imported(
            "dataElements (TEXT, DATE…)",
            text,
            solieu_i18n::text!("io-solieu-holds-numeric-figures-only"),
        );
    }

    /// One indicator per category option combination, and the element as their sum.
    fn disaggregated(&mut self, e: &Entry, base: Indicator, parts: &[(String, String)]) {
        let uid = e.id().to_string();
        let mut codes = Vec::new();
        for (coc, name) in parts {
            let key = format!("{uid}|{coc}");
            let ours = match self.code_of(DATA_ELEMENT, &key) {
                Some(c) => c.clone(),
                None => {
                    let ours = format!("{}.{coc}", base.code);
                    self.add_link(DATA_ELEMENT, &key, None, &ours);
                    ours
                }
            };
            self.out.incoming.indicators.push(Located {
                item: Indicator {
                    code: ours.clone(),
                    name: format!("{} ({name})", base.name),
                    name_en: base.name_en.as_ref().map(|n| format!("{n} ({name})")),
                    ..base.clone()
                },
                location: e.at("categoryCombo"),
            });
            codes.push(ours);
        }
        let sum: Vec<String> = codes.iter().map(|c| format!("{{{c}}}")).collect();
        let formula = Formula::parse(&sum.join(" + ")).ok();
        self.entered.insert(uid, codes);
        self.out.incoming.indicators.push(Located {
            item: Indicator { formula, ..base },
            location: e.at("id"),
        });
    }

    /// Indicators as derived indicators; an expression the formula language cannot say is a
    /// note and the indicator is left out.
    fn indicators(&mut self, objects: &Objects, problems: &mut Vec<Problem>) {
        let factors: HashMap<&str, (i64, bool)> = objects
            .of("indicatorTypes")
            .iter()
            .map(|t| {
                let factor = t.value.get("factor").and_then(Value::as_i64).unwrap_or(1);
                let number = t
                    .value
                    .get("number")
                    .and_then(Value::as_bool)
                    .unwrap_or(factor == 1);
                (t.id(), (factor, number))
            })
            .collect();
        for e in objects.of("indicators") {
            let uid = e.id();
            if !is_uid(uid) {
                problems.push(missing_uid(e));
                continue;
            }
            let (factor, number) = e
                .reference("indicatorType")
                .and_then(|t| factors.get(t))
                .copied()
                .unwrap_or((1, true));
            let numerator = self.expression(e, "numerator", problems);
            let denominator = self.expression(e, "denominator", problems);
            let (Some(numerator), Some(denominator)) = (numerator, denominator) else {
                continue;
            };
            let mut text = format!("({numerator}) / ({denominator})");
            if factor != 1 {
                text.push_str(&format!(" * {factor}"));
            }
            let Ok(formula) = Formula::parse(&text) else {
                continue;
            };
            if e.value.get("annualized").and_then(Value::as_bool) == Some(true) {
                problems.push(Problem::warning(
                    e.at("annualized"),
                    solieu_i18n::text!("io-annualized-dhis2-indicator-solieu-computes"),
                ));
            }
            let code = e.str("code");
            let ours = self.link(
                INDICATOR,
                uid,
                code,
                code.is_some_and(|c| indicator::check_code(c).is_ok()),
            );
            self.out.incoming.indicators.push(Located {
                item: Indicator {
                    code: ours,
                    name: e.str("name").unwrap_or(uid).to_string(),
                    name_en: e.str("name").map(str::to_string),
                    unit: MeasureUnit::parse(if number { "số" } else { "%" }),
                    group: vec!["DHIS2".into()],
                    aggregate: Aggregate::None,
                    time_aggregate: TimeAggregate::Average,
                    decimals: 2,
                    price_basis: None,
                    formula: Some(formula),
                },
                location: e.at("id"),
            });
        }
    }

    /// A DHIS2 expression in our formula language, or a warning saying why not.
    fn expression(&self, e: &Entry, field: &str, problems: &mut Vec<Problem>) -> Option<String> {
        let text = match e.value.get(field) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => {
                problems.push(e.error(field, solieu_i18n::text!("io-expression-missing")));
                return None;
            }
        };
        match translate(&text, &|de, coc| self.operand(de, coc)) {
            Ok(formula) => Some(formula),
            Err(why) => {
                problems.push(
                    Problem::warning(
                        e.at(field),
                        solieu_i18n::text!(
                            "io-not-imported-solieu-cannot-express",
                            vi = why.vi,
                            en = why.en
                        ),
                    )
                    .with_value(&text),
                );
                None
            }
        }
    }

    /// Our code for `#{de}` or `#{de.coc}`.
    fn operand(&self, de: &str, coc: Option<&str>) -> Option<String> {
        match coc {
            None => self.code_of(DATA_ELEMENT, de).cloned(),
            Some(c) if c == DEFAULT_COMBO => self.code_of(DATA_ELEMENT, de).cloned(),
            Some(c) => self.code_of(DATA_ELEMENT, &format!("{de}|{c}")).cloned(),
        }
    }

    fn validation_rules(&mut self, objects: &Objects, problems: &mut Vec<Problem>) {
        let mut pairs = 0;
        for e in objects.of("validationRules") {
            let uid = e.id();
            if !is_uid(uid) {
                problems.push(missing_uid(e));
                continue;
            }
            let operator = e.str("operator").unwrap_or("");
            if matches!(operator, "compulsory_pair" | "exclusive_pair") {
                pairs += 1;
                continue;
            }
            let Ok(operator) = operator.parse::<Operator>() else {
                problems.push(
                    e.error("operator", solieu_i18n::text!("io-unknown-operator"))
                        .with_value(operator),
                );
                continue;
            };
            let side = |name: &str, problems: &mut Vec<Problem>| {
                let inner = Entry {
                    file: e.file,
                    path: format!("{}.{name}", e.path),
                    value: e.value.get(name).unwrap_or(&Value::Null),
                };
                self.expression(&inner, "expression", problems)
                    .and_then(|t| Formula::parse(&t).ok())
            };
            let (Some(left), Some(right)) =
                (side("leftSide", problems), side("rightSide", problems))
            else {
                continue;
            };
            let Some(message) = instruction(e, problems) else {
                continue;
            };
            let code = e.str("code");
            let ours = self.link(
                VALIDATION_RULE,
                uid,
                code,
                code.is_some_and(|c| indicator::check_code(c).is_ok()),
            );
            self.out.incoming.rules.push(Located {
                item: Rule {
                    code: ours,
                    name: e.str("name").unwrap_or(uid).to_string(),
                    message,
                    left,
                    operator,
                    right,
                    importance: match e.str("importance") {
                        Some("HIGH") => Importance::High,
                        Some("LOW") => Importance::Low,
                        _ => Importance::Medium,
                    },
                    tolerance: rust_decimal::Decimal::ZERO,
                },
                location: e.at("id"),
            });
        }
        self.not_imported(
            "validationRules (compulsory_pair, exclusive_pair)",
            pairs,
            solieu_i18n::text!("io-solieu-has-no-compulsory-or"),
        );
    }

    fn data_sets(&mut self, objects: &Objects, problems: &mut Vec<Problem>) {
        let mut other_periods = 0;
        for e in objects.of("dataSets") {
            let uid = e.id();
            if !is_uid(uid) {
                problems.push(missing_uid(e));
                continue;
            }
            let period_type = match e.str("periodType") {
                Some("Monthly") => "month",
                Some("Quarterly") => "quarter",
                Some("SixMonthly") => "half",
                Some("Yearly") => "year",
                _ => {
                    other_periods += 1;
                    continue;
                }
            };
            let mut indicators = Vec::new();
            let elements = e.value.get("dataSetElements").and_then(Value::as_array);
            for (i, element) in elements.into_iter().flatten().enumerate() {
                let de = element
                    .get("dataElement")
                    .and_then(|d| d.get("id"))
                    .and_then(Value::as_str)
                    .unwrap_or("");
                match self.entered.get(de) {
                    Some(codes) => indicators.extend(codes.iter().cloned()),
                    None => problems.push(
                        e.error(
                            &format!("dataSetElements[{i}].dataElement"),
                            solieu_i18n::text!("io-data-element-no-file-or"),
                        )
                        .with_value(de),
                    ),
                }
            }
            let code = e.str("code");
            let ours = self.link(
                DATA_SET,
                uid,
                code,
                code.is_some_and(|c| indicator::check_code(c).is_ok()),
            );
            let timely = e
                .value
                .get("timelyDays")
                .and_then(Value::as_i64)
                .unwrap_or(15);
            self.out.data_sets.push(Located {
                item: DataSet {
                    code: ours,
                    name: e.str("name").unwrap_or(uid).to_string(),
                    period_type: period_type.to_string(),
                    deadline_days: timely.clamp(0, 366),
                    indicators,
                },
                location: e.at("id"),
            });
        }
        self.not_imported(
            "dataSets (Weekly, Daily, BiMonthly, Financial…)",
            other_periods,
            solieu_i18n::text!("io-solieu-takes-monthly-quarterly-six"),
        );
    }

    /// Every other kind in the files, counted: what they mean has no place in the model.
    fn list_the_rest(&mut self, objects: &Objects) {
        const READ: &[&str] = &[
            "organisationUnits",
            "dataElements",
            "indicators",
            "validationRules",
            "dataSets",
            // Read as parts of the above: disaggregations, factors, group names.
            "categoryCombos",
            "categoryOptionCombos",
            "indicatorTypes",
            "dataElementGroups",
            "organisationUnitLevels",
            "system",
        ];
        let rest: Vec<(String, usize)> = objects
            .by_kind
            .iter()
            .filter(|(k, list)| !READ.contains(&k.as_str()) && !list.is_empty())
            .map(|(k, list)| (k.clone(), list.len()))
            .collect();
        for (kind, count) in rest {
            let why = match kind.as_str() {
                "categories" | "categoryOptions" => {
                    solieu_i18n::text!("io-kept-names-disaggregated-indicators")
                }
                "organisationUnitGroups" | "organisationUnitGroupSets" => {
                    solieu_i18n::text!("io-solieu-has-no-unit-groups")
                }
                _ => solieu_i18n::text!("io-solieu-s-model-has-no"),
            };
            self.not_imported(&kind, count, why);
        }
    }
}

/// Keeps a unit's days within its parent's: DHIS2 lets a unit open before its parent (Bo in
/// 1990 under Sierra Leone opened in 1994), solieu's register does not. The unit then begins
/// (or ends) with its parent, and a note says so.
fn within_parent(
    unit: &mut UnitVersion,
    spans: &HashMap<String, (Option<NaiveDate>, Option<NaiveDate>)>,
    e: &Entry,
    problems: &mut Vec<Problem>,
) {
    let Some(&(from, to)) = unit.parent.as_ref().and_then(|p| spans.get(p)) else {
        return;
    };
    if let Some(from) = from
        && unit.valid_from.is_none_or(|f| f < from)
    {
        problems.push(Problem::warning(
            e.at("openingDate"),
            solieu_i18n::text!(
                "io-opens-before-its-parent-solieu",
                unit_name = unit.name,
                from = from
            ),
        ));
        unit.valid_from = Some(from);
    }
    if let Some(to) = to
        && unit.valid_to.is_none_or(|t| t > to)
    {
        problems.push(Problem::warning(
            e.at("closedDate"),
            solieu_i18n::text!(
                "io-closes-after-its-parent-solieu",
                unit_name = unit.name,
                to = to
            ),
        ));
        unit.valid_to = Some(to);
    }
}

/// The category option combinations of each combination, and which combinations are default.
struct Combos {
    defaults: HashSet<String>,
    /// combo → [(COC UID, name)] in the file's order
    options: HashMap<String, Vec<(String, String)>>,
}

impl Combos {
    fn new(objects: &Objects) -> Combos {
        let mut defaults: HashSet<String> = [DEFAULT_CATEGORY_COMBO.to_string()].into();
        for c in objects.of("categoryCombos") {
            if c.str("name") == Some("default") || c.str("code") == Some("default") {
                defaults.insert(c.id().to_string());
            }
        }
        let mut options: HashMap<String, Vec<(String, String)>> = HashMap::new();
        for coc in objects.of("categoryOptionCombos") {
            let (Some(combo), id) = (coc.reference("categoryCombo"), coc.id()) else {
                continue;
            };
            if id == DEFAULT_COMBO || !is_uid(id) {
                continue;
            }
            options
                .entry(combo.to_string())
                .or_default()
                .push((id.to_string(), coc.str("name").unwrap_or(id).to_string()));
        }
        Combos { defaults, options }
    }

    fn is_default(&self, combo: &str) -> bool {
        self.defaults.contains(combo)
    }
}

/// The name of the first data element group holding each element: the indicator's group.
fn element_groups(objects: &Objects) -> HashMap<String, String> {
    let mut groups = HashMap::new();
    for g in objects.of("dataElementGroups") {
        let name = g.str("name").unwrap_or(g.id());
        let members = g.value.get("dataElements").and_then(Value::as_array);
        for m in members.into_iter().flatten() {
            if let Some(id) = m.get("id").and_then(Value::as_str) {
                groups
                    .entry(id.to_string())
                    .or_insert_with(|| name.to_string());
            }
        }
    }
    groups
}

/// A unit's depth from the top of the files' tree (1 for a unit without a known parent).
fn depth(e: &Entry, by_id: &HashMap<&str, &Entry>) -> usize {
    let mut depth = 1;
    let mut at = e.reference("parent");
    // Bounded: a cycle in the file must not loop forever.
    while let Some(parent) = at.and_then(|p| by_id.get(p)) {
        depth += 1;
        if depth > by_id.len() {
            break;
        }
        at = parent.reference("parent");
    }
    depth
}

fn date(e: &Entry, field: &str, problems: &mut Vec<Problem>) -> Option<NaiveDate> {
    let text = e.str(field)?;
    match NaiveDate::parse_from_str(text.get(..10).unwrap_or(text), "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            problems.push(
                e.error(field, solieu_i18n::text!("io-invalid-date"))
                    .with_value(text)
                    .with_hint(solieu_i18n::text!("io-e-g-2009-01-01t00")),
            );
            None
        }
    }
}

fn missing_uid(e: &Entry) -> Problem {
    e.error(
        "id",
        solieu_i18n::text!("io-dhis2-uid-missing-or-malformed"),
    )
    .with_value(e.id())
}

/// Decimals shown for a DHIS2 value type; `None` for a type that is no number.
fn decimals_of(value_type: &str) -> Option<u8> {
    match value_type {
        "INTEGER"
        | "INTEGER_POSITIVE"
        | "INTEGER_NEGATIVE"
        | "INTEGER_ZERO_OR_POSITIVE"
        | "BOOLEAN"
        | "TRUE_ONLY" => Some(0),
        "NUMBER" | "PERCENTAGE" | "UNIT_INTERVAL" => Some(2),
        _ => None,
    }
}

/// DHIS2's aggregation type as (across units, across time).
fn aggregation(kind: Option<&str>) -> Option<(Aggregate, TimeAggregate)> {
    Some(match kind.unwrap_or("SUM") {
        "SUM" => (Aggregate::Sum, TimeAggregate::Sum),
        "AVERAGE" => (Aggregate::Average, TimeAggregate::Average),
        "AVERAGE_SUM_ORG_UNIT" => (Aggregate::Sum, TimeAggregate::Average),
        "LAST" | "LAST_IN_PERIOD" => (Aggregate::Average, TimeAggregate::Last),
        "LAST_SUM_ORG_UNIT" | "LAST_IN_PERIOD_SUM_ORG_UNIT" => {
            (Aggregate::Sum, TimeAggregate::Last)
        }
        "NONE" => (Aggregate::None, TimeAggregate::Sum),
        _ => return None,
    })
}

/// Translates a DHIS2 expression (`#{uid}`, `#{uid.coc}`, numbers, `+ - * / ( )`) into our
/// formula language, operands in braces; anything else (constants, org unit counts,
/// functions) is refused with the reason.
pub fn translate(
    text: &str,
    operand: &dyn Fn(&str, Option<&str>) -> Option<String>,
) -> Result<String, Text> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '#' {
            let Some(inner) = rest.strip_prefix("#{").and_then(|r| r.split_once('}')) else {
                return Err(solieu_i18n::text!(
                    "io-without",
                    value = rest.chars().take(20).collect::<String>()
                ));
            };
            let (body, after) = inner;
            let mut parts = body.split('.');
            let de = parts.next().unwrap_or("");
            let coc = parts.next().filter(|c| *c != "*");
            if let Some(aoc) = parts.next().filter(|a| *a != "*" && *a != DEFAULT_COMBO) {
                return Err(solieu_i18n::text!("io-attribute-option-combo", aoc = aoc));
            }
            let Some(code) = operand(de, coc) else {
                return Err(solieu_i18n::text!("io-unknown-data-element", body = body));
            };
            out.push('{');
            out.push_str(&code);
            out.push('}');
            rest = after;
        } else if c.is_ascii_digit() || "+-*/(). ".contains(c) {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        } else if c.is_whitespace() {
            out.push(' ');
            rest = &rest[c.len_utf8()..];
        } else {
            return Err(solieu_i18n::text!(
                "io-text",
                value = rest.chars().take(20).collect::<String>()
            ));
        }
    }
    let trimmed = out.trim().to_string();
    Formula::parse(&trimmed).map_err(|e| {
        solieu_i18n::text!(
            "io-formula-error-character",
            position = e.position,
            reason = e.fault.text()
        )
    })?;
    Ok(trimmed)
}
