//! Planning a change to the stored data: what incoming records add, what they change, and
//! whether the result is consistent. Either the whole plan is valid or nothing is applied.
//!
//! The rules here are the domain's: history is only ever extended (a unit version is added or
//! an open one closed, never rewritten), derived indicators are computed and not entered, a
//! figure belongs to a unit that existed at the end of its period, and one import never says
//! two different things about the same figure.

use crate::indicator::{Indicator, check_catalog};
use crate::lineage::{LineageEvent, NameMatch, Registry, Subject};
use crate::measure::MeasureUnit;
use crate::problem::{Collected, Location, Problem};
use crate::text::closest;
use crate::unit::UnitVersion;
use crate::value::{Series, Source, ValueKey, ValueRecord};
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};

/// A record read from somewhere, with where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    pub item: T,
    pub location: Location,
}

/// What is stored now, as far as planning needs it.
#[derive(Debug, Clone, Default)]
pub struct Stored {
    pub units: Vec<UnitVersion>,
    pub events: Vec<LineageEvent>,
    pub indicators: Vec<Indicator>,
    /// Indicators that have at least one stored value, and those with actual values.
    pub indicators_with_values: HashSet<String>,
    pub indicators_with_actuals: HashSet<String>,
    pub rules: Vec<crate::validation::Rule>,
}

/// Everything one import brings.
#[derive(Debug, Clone, Default)]
pub struct Incoming {
    pub units: Vec<Located<UnitVersion>>,
    pub events: Vec<Located<LineageEvent>>,
    pub indicators: Vec<Located<Indicator>>,
    pub values: Vec<Located<IncomingValue>>,
    pub rules: Vec<Located<crate::validation::Rule>>,
}

impl Incoming {
    /// Adds what another file brings.
    pub fn extend(&mut self, other: Incoming) {
        self.units.extend(other.units);
        self.events.extend(other.events);
        self.indicators.extend(other.indicators);
        self.values.extend(other.values);
        self.rules.extend(other.rules);
    }
}

/// A value as written: the figure, and the unit of measure written with it ("2.200 triệu
/// đồng"), which planning converts to the indicator's unit or refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingValue {
    pub record: ValueRecord,
    pub measure: Option<String>,
}

impl From<ValueRecord> for IncomingValue {
    fn from(record: ValueRecord) -> IncomingValue {
        IncomingValue {
            record,
            measure: None,
        }
    }
}

/// A value ready to store: the unit version it belongs to is named by code and `valid_from`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedValue {
    pub record: ValueRecord,
    pub unit_valid_from: Option<NaiveDate>,
    pub source: Source,
}

/// A consistent set of changes, to be applied in one transaction.
#[derive(Debug, Clone, Default)]
pub struct ChangeSet {
    pub new_units: Vec<UnitVersion>,
    /// Open versions given an end: (code, valid_from, valid_to).
    pub closed_units: Vec<(String, Option<NaiveDate>, NaiveDate)>,
    pub new_events: Vec<LineageEvent>,
    pub new_indicators: Vec<Indicator>,
    /// (stored, replacement)
    pub changed_indicators: Vec<(Indicator, Indicator)>,
    pub values: Vec<PlannedValue>,
    /// Records identical to what is stored, left alone.
    pub unchanged_records: usize,
    /// Validation rules added or replaced.
    pub rules: Vec<crate::validation::Rule>,
    /// Broken rules of medium or low importance, kept with the values.
    pub findings: Vec<crate::validation::Finding>,
}

impl ChangeSet {
    pub fn is_empty(&self) -> bool {
        self.new_units.is_empty()
            && self.closed_units.is_empty()
            && self.new_events.is_empty()
            && self.new_indicators.is_empty()
            && self.changed_indicators.is_empty()
            && self.values.is_empty()
            && self.rules.is_empty()
    }
}

fn stored_location() -> Location {
    Location::file("(cơ sở dữ liệu / database)")
}

/// Plans `incoming` against `stored`. Returns every problem found, not just the first.
pub fn plan(stored: &Stored, incoming: Incoming) -> Result<ChangeSet, Vec<Problem>> {
    plan_keeping(stored, incoming, usize::MAX).map_err(|c| c.kept)
}

/// [`plan`], keeping the first `keep` problems and counting the rest: a million refused values
/// are a million problems, which a user is shown a hundred of.
pub fn plan_keeping(
    stored: &Stored,
    incoming: Incoming,
    keep: usize,
) -> Result<ChangeSet, Collected> {
    let mut planner = Planner {
        stored,
        problems: Collected::new(keep),
        changes: ChangeSet::default(),
    };
    let (units, unit_locations) = planner.units(incoming.units);
    let (events, event_locations) = planner.events(incoming.events);
    let registry = Registry::new(units, events);
    for issue in registry.check() {
        let location = match issue.subject {
            Subject::Version(id) => unit_locations[id].clone(),
            Subject::Event(i) => event_locations[i].clone(),
        };
        planner
            .problems
            .push(Problem::error(location, issue.message).with_hint_opt(issue.hint));
    }
    let catalog = planner.indicators(incoming.indicators);
    planner.rules(incoming.rules, &catalog);
    planner.values(incoming.values, &catalog, &registry);
    let Planner {
        mut problems,
        changes,
        ..
    } = planner;
    if problems.has_errors() {
        problems.kept.sort_by(|a, b| {
            (&a.location.file, &a.location.sheet, a.location.line).cmp(&(
                &b.location.file,
                &b.location.sheet,
                b.location.line,
            ))
        });
        Err(problems)
    } else {
        Ok(changes)
    }
}

/// Indicators by code, each with where it was defined (stored, or the incoming row).
type Catalog = HashMap<String, (Indicator, Location)>;

/// A plan being made: what is stored, the problems found so far, the changes planned.
struct Planner<'a> {
    stored: &'a Stored,
    problems: Collected,
    changes: ChangeSet,
}

impl Planner<'_> {
    /// Units: new versions, closures of open versions, nothing else. Returns every version,
    /// stored and new, with where each came from.
    fn units(&mut self, incoming: Vec<Located<UnitVersion>>) -> (Vec<UnitVersion>, Vec<Location>) {
        let mut units: Vec<UnitVersion> = self.stored.units.clone();
        let mut unit_locations: Vec<Location> = vec![stored_location(); units.len()];
        let mut incoming_unit_at: HashMap<(String, Option<NaiveDate>), usize> = HashMap::new();
        // Where each (code, valid_from) is in `units`: a national list has ten thousand.
        let mut unit_at: HashMap<(String, Option<NaiveDate>), usize> = units
            .iter()
            .enumerate()
            .map(|(i, u)| ((u.code.clone(), u.valid_from), i))
            .collect();
        for Located { item, location } in incoming {
            let key = (item.code.clone(), item.valid_from);
            if let Some(&i) = incoming_unit_at.get(&key) {
                if units[i] != item {
                    self.problems.push(
                        Problem::error(
                            location,
                            solieu_i18n::text!(
                                "core-unit-same-valid-from-already",
                                item_code = item.code,
                                value = unit_locations[i].describe()
                            ),
                        )
                        .with_value(&item.code),
                    );
                }
                continue;
            }
            let existing = unit_at.get(&key).copied();
            match existing {
                Some(i) if units[i] == item => self.changes.unchanged_records += 1,
                Some(i) if is_closure(&units[i], &item) => {
                    self.changes.closed_units.push((
                        item.code.clone(),
                        item.valid_from,
                        item.valid_to.expect("closure has an end"),
                    ));
                    units[i] = item;
                    unit_locations[i] = location;
                    incoming_unit_at.insert(key, i);
                }
                Some(i) => self.problems.push(
                    Problem::error(
                        location,
                        solieu_i18n::text!(
                            "core-unit-stored-differently-history-not",
                            item_code = item.code,
                            value = units[i].name
                        ),
                    )
                    .with_value(&item.code)
                    .with_hint(solieu_i18n::text!("core-rename-or-move-it-end")),
                ),
                None => {
                    incoming_unit_at.insert(key.clone(), units.len());
                    unit_at.insert(key, units.len());
                    self.changes.new_units.push(item.clone());
                    units.push(item);
                    unit_locations.push(location);
                }
            }
        }
        (units, unit_locations)
    }

    /// Lineage events: added, never changed. Returns every event with where it came from.
    fn events(
        &mut self,
        incoming: Vec<Located<LineageEvent>>,
    ) -> (Vec<LineageEvent>, Vec<Location>) {
        let mut events: Vec<LineageEvent> = self.stored.events.clone();
        let mut event_locations: Vec<Location> = vec![stored_location(); events.len()];
        let mut event_at: HashMap<(NaiveDate, String, String), usize> = events
            .iter()
            .enumerate()
            .map(|(i, e)| ((e.date, e.from.clone(), e.to.clone()), i))
            .collect();
        for Located { item, location } in incoming {
            let link = (item.date, item.from.clone(), item.to.clone());
            let same_link = event_at.get(&link).copied();
            match same_link {
                Some(i) if events[i] == item => {
                    if i < self.stored.events.len() {
                        self.changes.unchanged_records += 1;
                    }
                }
                Some(i) => self.problems.push(Problem::error(
                    location,
                    solieu_i18n::text!(
                        "core-event-already-given-differently",
                        from = item.from,
                        to = item.to,
                        date = item.date,
                        value = event_locations[i].describe()
                    ),
                )),
                None => {
                    self.changes.new_events.push(item.clone());
                    event_at.insert(link, events.len());
                    events.push(item);
                    event_locations.push(location);
                }
            }
        }
        (events, event_locations)
    }

    /// Indicators: added or updated; an update may not change the meaning of stored figures.
    fn indicators(&mut self, incoming: Vec<Located<Indicator>>) -> Catalog {
        let mut catalog: Catalog = self
            .stored
            .indicators
            .iter()
            .map(|i| (i.code.clone(), (i.clone(), stored_location())))
            .collect();
        let mut seen_in_import: HashSet<String> = HashSet::new();
        for Located { item, location } in incoming {
            let code = item.code.clone();
            if !seen_in_import.insert(code.clone()) {
                if catalog.get(&code).is_some_and(|(i, _)| *i != item) {
                    self.problems.push(
                        Problem::error(
                            location,
                            solieu_i18n::text!(
                                "core-indicator-defined-twice-differently-first",
                                code = code,
                                value = catalog[&code].1.describe()
                            ),
                        )
                        .with_value(&code),
                    );
                }
                continue;
            }
            match self.stored.indicators.iter().find(|i| i.code == code) {
                Some(old) if *old == item => self.changes.unchanged_records += 1,
                Some(old) => {
                    if let Some(p) = unsafe_indicator_change(self.stored, old, &item, &location) {
                        self.problems.push(p);
                    } else {
                        self.changes
                            .changed_indicators
                            .push((old.clone(), item.clone()));
                    }
                }
                None => self.changes.new_indicators.push(item.clone()),
            }
            catalog.insert(code, (item, location));
        }
        for issue in check_catalog(catalog.values().map(|(i, _)| i)) {
            let location = catalog[&issue.code].1.clone();
            self.problems.push(
                Problem::error(location.with_column("formula"), issue.message)
                    .with_value(&issue.code),
            );
        }
        catalog
    }

    /// Validation rules: added or replaced; they may only name known indicators.
    fn rules(&mut self, incoming: Vec<Located<crate::validation::Rule>>, catalog: &Catalog) {
        let mut rule_codes: HashSet<String> = HashSet::new();
        for Located { item, location } in incoming {
            if !rule_codes.insert(item.code.clone()) {
                self.problems.push(
                    Problem::error(
                        location,
                        solieu_i18n::text!("core-rule-code-repeated-this-import"),
                    )
                    .with_value(&item.code),
                );
                continue;
            }
            let unknown: Vec<&str> = item
                .references()
                .into_iter()
                .filter(|r| !catalog.contains_key(*r))
                .collect();
            if !unknown.is_empty() {
                self.problems.push(
                    Problem::error(
                        location,
                        solieu_i18n::text!(
                            "core-rule-uses-undefined-indicators",
                            value = unknown.join(", ")
                        ),
                    )
                    .with_value(&item.code),
                );
                continue;
            }
            if self.stored.rules.contains(&item) {
                self.changes.unchanged_records += 1;
            } else {
                self.changes.rules.push(item);
            }
        }
    }

    /// Values: each for a known, entered indicator in its unit of measure, a unit valid in
    /// its period (found by name too), once per key.
    fn values(
        &mut self,
        incoming: Vec<Located<IncomingValue>>,
        catalog: &Catalog,
        registry: &Registry,
    ) {
        let mut first_seen: HashMap<ValueKey, (usize, Location)> = HashMap::new();
        for Located { item, location } in incoming {
            let IncomingValue {
                record: mut item,
                measure,
            } = item;
            let Some((indicator, _)) = catalog.get(&item.key.indicator) else {
                let problem = unknown_indicator(&item.key.indicator, catalog, &location);
                self.problems.push(problem);
                continue;
            };
            if let Some(p) = fit_to_indicator(&mut item, measure.as_deref(), indicator, &location) {
                self.problems.push(p);
                continue;
            }
            let version = match unit_of(registry, &item.key) {
                Ok(id) => registry.version(id),
                Err((message, hint)) => {
                    self.problems.push(
                        Problem::error(location.with_column("unit"), message)
                            .with_value(&item.key.unit)
                            .with_hint_opt(hint),
                    );
                    continue;
                }
            };
            item.key.unit = version.code.clone();
            self.value_once(&mut first_seen, item, version.valid_from, location);
        }
    }

    /// Plans a value unless its key came earlier in the import: the same figure again is
    /// one figure, a different one an error naming the first.
    fn value_once(
        &mut self,
        first_seen: &mut HashMap<ValueKey, (usize, Location)>,
        item: ValueRecord,
        unit_valid_from: Option<NaiveDate>,
        location: Location,
    ) {
        if let Some((index, first)) = first_seen.get(&item.key) {
            let earlier: &PlannedValue = &self.changes.values[*index];
            if !earlier.record.figure.same_as(&item.figure) {
                self.problems.push(
                    Problem::error(
                        location.with_column("value"),
                        solieu_i18n::text!(
                            "core-same-indicator-unit-period-series",
                            value = earlier.record.figure.value,
                            describe = first.describe()
                        ),
                    )
                    .with_value(item.figure.value.to_string())
                    .with_hint(solieu_i18n::text!("core-keep-one-line-per-figure")),
                );
            }
            return;
        }
        let source = Source::File {
            path: location.source_path(),
            line: location.line.unwrap_or(0),
        };
        first_seen.insert(item.key.clone(), (self.changes.values.len(), location));
        self.changes.values.push(PlannedValue {
            unit_valid_from,
            record: item,
            source,
        });
    }
}

/// An indicator code no catalogue entry has: the code the name written stands for, or the
/// nearest codes.
fn unknown_indicator(code: &str, catalog: &Catalog, location: &Location) -> Problem {
    let suggestions = closest(code, catalog.keys().map(String::as_str));
    let by_name: Vec<&str> = catalog
        .values()
        .filter(|(i, _)| crate::text::fold(&i.name) == crate::text::fold(code))
        .map(|(i, _)| i.code.as_str())
        .collect();
    let hint = match (by_name.first(), suggestions.is_empty()) {
        (Some(code), _) => solieu_i18n::text!("core-use-indicator-code", code = code),
        (None, false) => solieu_i18n::text!("core-did-you-mean-2", value = suggestions.join(", ")),
        (None, true) => solieu_i18n::text!("core-define-indicator-indicators-file-first"),
    };
    Problem::error(
        location.clone().with_column("indicator"),
        solieu_i18n::text!("core-unknown-indicator"),
    )
    .with_value(code)
    .with_hint(hint)
}

/// The figure in the indicator's own unit of measure ("2.200 triệu đồng" for an indicator
/// in tỷ đồng is 2,2; never between different things), whole where the indicator counts
/// one by one, and never an actual of an indicator computed by a formula; else the problem.
fn fit_to_indicator(
    item: &mut ValueRecord,
    measure: Option<&str>,
    indicator: &Indicator,
    location: &Location,
) -> Option<Problem> {
    if let Some(written) = measure {
        match MeasureUnit::parse(written).convert(item.figure.value, &indicator.unit) {
            Some(converted) => item.figure.value = converted,
            None => {
                return Some(
                    Problem::error(
                        location.clone().with_column("value"),
                        solieu_i18n::text!(
                            "core-value-written-but-measured-they",
                            written = written,
                            indicator_code = indicator.code,
                            unit = indicator.unit
                        ),
                    )
                    .with_value(format!("{} {written}", item.figure.value))
                    .with_hint(solieu_i18n::text!(
                        "core-write-number",
                        unit = indicator.unit
                    )),
                );
            }
        }
    }
    if indicator.unit.counts_whole() && !item.figure.value.fract().is_zero() {
        // A form names the field (its indicator); a file's row, its value column.
        let at = match location.column {
            Some(_) => location.clone(),
            None => location.clone().with_column("value"),
        };
        return Some(
            Problem::error(
                at,
                solieu_i18n::text!(
                    "core-count-not-whole",
                    indicator_code = indicator.code,
                    unit = indicator.unit
                ),
            )
            .with_value(item.figure.value.normalize().to_string())
            .with_hint(solieu_i18n::text!("core-count-whole-hint")),
        );
    }
    if indicator.is_derived() && item.key.series == Series::Actual {
        let formula = indicator
            .formula
            .as_ref()
            .map(|f| f.text())
            .unwrap_or_default();
        return Some(
            Problem::error(
                location.clone().with_column("indicator"),
                solieu_i18n::text!(
                    "core-computed-formula-its-actual-values",
                    indicator = item.key.indicator,
                    formula = formula
                ),
            )
            .with_value(&item.key.indicator)
            .with_hint(solieu_i18n::text!(
                "core-enter-component-indicators-instead"
            )),
        );
    }
    None
}

/// The unit version a value's unit stands for in its period: by code, or by name as clerks
/// write communes; else why not, with a hint.
fn unit_of(
    registry: &Registry,
    key: &ValueKey,
) -> Result<crate::lineage::VersionId, (crate::problem::Text, Option<crate::problem::Text>)> {
    let e = match registry.unit_for_period(&key.unit, &key.period) {
        Ok(id) => return Ok(id),
        Err(e) => e,
    };
    if !registry.versions_of(&key.unit).is_empty() {
        return Err((e.message, e.hint));
    }
    let labels = |ids: &[crate::lineage::VersionId]| -> Vec<String> {
        ids.iter().map(|&id| registry.version(id).label()).collect()
    };
    match registry.find(&key.unit, key.period.end_date()) {
        NameMatch::One(id) => Ok(id),
        NameMatch::Ambiguous(ids) => Err((
            solieu_i18n::text!(
                "core-unit-name-fits-several-units",
                value = labels(&ids).join(", ")
            ),
            Some(solieu_i18n::text!("core-write-gso-code-or-full")),
        )),
        NameMatch::Unknown(ids) => {
            let names = labels(&ids);
            let hint = (!names.is_empty())
                .then(|| solieu_i18n::text!("core-did-you-mean-2", value = names.join(", ")));
            Err((e.message, hint))
        }
    }
}

fn is_closure(stored: &UnitVersion, incoming: &UnitVersion) -> bool {
    stored.valid_to.is_none()
        && incoming.valid_to.is_some()
        && UnitVersion {
            valid_to: None,
            ..incoming.clone()
        } == *stored
}

fn unsafe_indicator_change(
    stored: &Stored,
    old: &Indicator,
    new: &Indicator,
    location: &Location,
) -> Option<Problem> {
    let code = &old.code;
    if stored.indicators_with_values.contains(code)
        && old.unit.factor_to(&new.unit) != Some(rust_decimal::Decimal::ONE)
    {
        return Some(
            Problem::error(
                location.clone().with_column("unit"),
                solieu_i18n::text!(
                    "core-indicator-has-figures-stored-changing",
                    code = code,
                    unit = old.unit
                ),
            )
            .with_value(new.unit.symbol())
            .with_hint(solieu_i18n::text!("core-create-new-indicator-new-unit")),
        );
    }
    if stored.indicators_with_actuals.contains(code)
        && old.formula.is_none()
        && new.formula.is_some()
    {
        return Some(
            Problem::error(
                location.clone().with_column("formula"),
                solieu_i18n::text!("core-indicator-has-entered-actual-values", code = code),
            )
            .with_value(
                new.formula
                    .as_ref()
                    .map(|f| f.text().to_string())
                    .unwrap_or_default(),
            ),
        );
    }
    None
}

impl Location {
    /// "values.csv line 12", for pointing from one problem to another record.
    pub fn describe(&self) -> String {
        match self.line {
            Some(line) => format!("{}:{line}", self.file),
            None => self.file.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicator::{Aggregate, TimeAggregate};
    use crate::measure::MeasureUnit;
    use crate::unit::UnitKind;
    use crate::value::{Figure, Status};

    fn at(line: u64) -> Location {
        Location::line("in.csv", line)
    }

    fn unit(
        code: &str,
        name: &str,
        parent: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
    ) -> UnitVersion {
        UnitVersion {
            code: code.into(),
            name: name.into(),
            kind: if parent.is_some() {
                UnitKind::Xa
            } else {
                UnitKind::Tinh
            },
            parent: parent.map(Into::into),
            valid_from: from.map(|d| d.parse().unwrap()),
            valid_to: to.map(|d| d.parse().unwrap()),
        }
    }

    fn indicator(code: &str, unit: &str) -> Indicator {
        Indicator {
            code: code.into(),
            name: code.into(),
            name_en: None,
            unit: MeasureUnit::parse(unit),
            group: vec![],
            aggregate: Aggregate::Sum,
            time_aggregate: TimeAggregate::Sum,
            decimals: 2,
            price_basis: None,
            formula: None,
        }
    }

    fn value(indicator: &str, unit: &str, period: &str, v: i64) -> ValueRecord {
        ValueRecord {
            key: ValueKey {
                indicator: indicator.into(),
                unit: unit.into(),
                period: period.parse().unwrap(),
                series: Series::Actual,
            },
            figure: Figure {
                value: v.into(),
                status: Status::Official,
                note: String::new(),
            },
        }
    }

    fn stored() -> Stored {
        Stored {
            units: vec![
                unit("22", "Tỉnh Quảng Ninh", None, None, None),
                unit("06841", "Xã Hoành Mô", Some("22"), None, None),
            ],
            indicators: vec![indicator("A", "tỷ đồng")],
            indicators_with_values: ["A".to_string()].into(),
            indicators_with_actuals: ["A".to_string()].into(),
            ..Stored::default()
        }
    }

    fn messages(problems: &[Problem]) -> Vec<String> {
        problems
            .iter()
            .map(|p| p.render(crate::problem::Lang::En))
            .collect()
    }

    #[test]
    fn stored_units_are_never_rewritten_but_may_be_closed() {
        let renamed = Incoming {
            units: vec![Located {
                item: unit("06841", "Xã Hoành Mô Mới", Some("22"), None, None),
                location: at(2),
            }],
            ..Incoming::default()
        };
        let problems = plan(&stored(), renamed).unwrap_err();
        assert!(
            messages(&problems)[0].contains("history is not rewritten"),
            "{:?}",
            messages(&problems)
        );
        assert!(problems[0].hint.as_ref().unwrap().en.contains("rename"));

        let closed = Incoming {
            units: vec![
                Located {
                    item: unit("22", "Tỉnh Quảng Ninh", None, None, None),
                    location: at(2),
                },
                Located {
                    item: unit("06841", "Xã Hoành Mô", Some("22"), None, Some("2025-06-30")),
                    location: at(3),
                },
            ],
            ..Incoming::default()
        };
        let changes = plan(&stored(), closed).unwrap();
        assert_eq!(
            changes.closed_units,
            vec![("06841".to_string(), None, "2025-06-30".parse().unwrap())]
        );
        assert_eq!(changes.unchanged_records, 1);
    }

    #[test]
    fn a_returning_code_needs_a_lineage_event() {
        let mut s = stored();
        s.units[1].valid_to = Some("2025-06-30".parse().unwrap());
        let incoming = Incoming {
            units: vec![Located {
                item: unit("06841", "Xã Hoành Mô", Some("22"), Some("2025-07-01"), None),
                location: at(5),
            }],
            ..Incoming::default()
        };
        let problems = plan(&s, incoming.clone()).unwrap_err();
        assert!(
            messages(&problems)[0].starts_with("in.csv, line 5: code 06841 has a new version"),
            "{:?}",
            messages(&problems)
        );
        let mut with_event = incoming;
        with_event.events.push(Located {
            item: LineageEvent {
                date: "2025-07-01".parse().unwrap(),
                kind: crate::lineage::EventKind::Merge,
                from: "06841".into(),
                to: "06841".into(),
                share: None,
            },
            location: Location::line("lineage.csv", 2),
        });
        assert_eq!(plan(&s, with_event).unwrap().new_events.len(), 1);
    }

    #[test]
    fn an_indicator_with_figures_keeps_its_unit_and_stays_entered() {
        let rescaled = Incoming {
            indicators: vec![Located {
                item: indicator("A", "triệu đồng"),
                location: at(2),
            }],
            ..Incoming::default()
        };
        assert!(messages(&plan(&stored(), rescaled).unwrap_err())[0].contains("changing its unit"));
        // Renaming it is fine and recorded as a change.
        let mut renamed = indicator("A", "tỷ đồng");
        renamed.name = "Chỉ tiêu A".into();
        let changes = plan(
            &stored(),
            Incoming {
                indicators: vec![Located {
                    item: renamed,
                    location: at(2),
                }],
                ..Incoming::default()
            },
        )
        .unwrap();
        assert_eq!(changes.changed_indicators.len(), 1);
        // It cannot become a formula while it has entered actual values.
        let mut derived = indicator("A", "tỷ đồng");
        derived.formula = Some("B * 2".parse().unwrap());
        let incoming = Incoming {
            indicators: vec![
                Located {
                    item: derived,
                    location: at(2),
                },
                Located {
                    item: indicator("B", "tỷ đồng"),
                    location: at(3),
                },
            ],
            ..Incoming::default()
        };
        assert!(
            messages(&plan(&stored(), incoming).unwrap_err())[0]
                .contains("cannot become a computed indicator")
        );
    }

    #[test]
    fn a_repeated_identical_row_is_one_figure_and_a_different_one_an_error() {
        let twice = Incoming {
            values: vec![
                Located {
                    item: value("A", "06841", "2020S1", 5).into(),
                    location: at(2),
                },
                Located {
                    item: value("A", "06841", "2020S1", 5).into(),
                    location: at(3),
                },
            ],
            ..Incoming::default()
        };
        let changes = plan(&stored(), twice).unwrap();
        assert_eq!(changes.values.len(), 1);
        assert_eq!(
            changes.values[0].source,
            Source::File {
                path: "in.csv".into(),
                line: 2
            }
        );
        let conflicting = Incoming {
            values: vec![
                Located {
                    item: value("A", "06841", "2020S1", 5).into(),
                    location: at(2),
                },
                Located {
                    item: value("A", "06841", "2020S1", 6).into(),
                    location: at(3),
                },
            ],
            ..Incoming::default()
        };
        let m = messages(&plan(&stored(), conflicting).unwrap_err());
        assert!(
            m[0].starts_with("in.csv, line 3, column value: “6”") && m[0].contains("in.csv:2"),
            "{m:?}"
        );
    }

    #[test]
    fn a_fractional_count_of_visits_is_refused_and_thousands_of_them_converted() {
        let mut stored = stored();
        stored.indicators.push(indicator("VISITS", "lượt"));
        let mut half = value("VISITS", "06841", "2020S1", 0);
        half.figure.value = "12.5".parse().unwrap();
        let incoming = |item: IncomingValue| Incoming {
            values: vec![Located {
                item,
                location: at(2),
            }],
            ..Incoming::default()
        };
        let m = messages(&plan(&stored, incoming(half.clone().into())).unwrap_err());
        assert!(
            m[0].starts_with("in.csv, line 2, column value: “12.5”")
                && m[0].contains("whole number"),
            "{m:?}"
        );
        // 12,5 nghìn lượt is 12.500 visits: whole once converted.
        let thousands = IncomingValue {
            record: half,
            measure: Some("nghìn lượt".into()),
        };
        let changes = plan(&stored, incoming(thousands)).unwrap();
        assert_eq!(changes.values[0].record.figure.value, 12500.into());
    }

    #[test]
    fn communes_are_found_by_name_as_clerks_write_them() {
        let mut s = stored();
        s.units
            .push(unit("06847", "Xã Đồng Văn", Some("22"), None, None));
        s.units
            .push(unit("07777", "Phường Đồng Văn", Some("22"), None, None));
        for written in ["Xã Hoành Mô", "hoanh mo", "HOÀNH MÔ", "06841", "6841"] {
            let incoming = Incoming {
                values: vec![Located {
                    item: value("A", written, "2020S1", 5).into(),
                    location: at(2),
                }],
                ..Incoming::default()
            };
            let changes = plan(&s, incoming).unwrap_or_else(|p| panic!("{written}: {p:?}"));
            assert_eq!(changes.values[0].record.key.unit, "06841", "{written}");
        }
        // "Đồng Văn" is a commune and a ward: refused with both, until the kind says which.
        let ambiguous = Incoming {
            values: vec![Located {
                item: value("A", "dong van", "2020S1", 5).into(),
                location: at(2),
            }],
            ..Incoming::default()
        };
        let m = messages(&plan(&s, ambiguous).unwrap_err());
        assert!(
            m[0].contains("fits several units")
                && m[0].contains("Xã Đồng Văn (06847)")
                && m[0].contains("Phường Đồng Văn (07777)"),
            "{m:?}"
        );
        let precise = Incoming {
            values: vec![Located {
                item: value("A", "phuong dong van", "2020S1", 5).into(),
                location: at(2),
            }],
            ..Incoming::default()
        };
        assert_eq!(
            plan(&s, precise).unwrap().values[0].record.key.unit,
            "07777"
        );
        // An unknown name is refused with the closest names.
        let unknown = Incoming {
            values: vec![Located {
                item: value("A", "Hoanh Mo Moi", "2020S1", 5).into(),
                location: at(2),
            }],
            ..Incoming::default()
        };
        let problems = plan(&s, unknown).unwrap_err();
        assert!(
            problems[0]
                .hint
                .as_ref()
                .unwrap()
                .en
                .contains("Xã Hoành Mô (06841)"),
            "{:?}",
            problems[0]
        );
    }
}
