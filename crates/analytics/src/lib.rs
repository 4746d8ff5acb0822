//! The figures every report needs, computed from stored values the moment they are asked for.
//!
//! An [`Engine`] holds the unit register, the indicators and every stored value in memory,
//! indexed by indicator, series and unit. A figure for any unit and period is computed on
//! request: from the unit's own values (summing months into a span, taking the last value of a
//! stock), or from its children as of the period's end, or by an indicator's formula. Same-period
//! comparisons follow the lineage of merged and split units. Every computed figure lists the
//! stored values it came from. There is no precomputed table to rebuild: writing a value
//! ([`Engine::upsert`]) changes the next answer.

mod compare;
mod compute;
mod view;

pub use compare::{Comparison, PlanComparison, PreviousComparison, plans_reached};
pub use compute::{Computed, Method, Part};
pub use view::{FigureView, PlanView, PreviousView, SourceView};

use rust_decimal::Decimal;
use solieu_core::indicator::Indicator;
use solieu_core::lineage::{Registry, VersionId};
use solieu_core::period::Period;
use solieu_core::value::{Series, Status, ValueRecord};
use std::collections::HashMap;

/// A stored value as the engine keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    pub indicator: u32,
    pub series: u32,
    pub unit: u32,
    /// First month (see [`Period::index`]) and length.
    pub start: i64,
    pub months: u32,
    pub value: Decimal,
    pub status: Status,
    /// The database id of the value, for provenance.
    pub value_id: i64,
    /// Who last set it (an index into the engine's people).
    pub entered_by: u32,
}

impl Fact {
    fn end(&self) -> i64 {
        self.start + i64::from(self.months)
    }
}

/// A value to load: what the store gives back.
#[derive(Debug, Clone)]
pub struct Entry {
    pub value_id: i64,
    pub record: ValueRecord,
    pub entered_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngineError {
    UnknownIndicator(String),
    UnknownUnit(String),
}

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EngineError::UnknownIndicator(c) => write!(f, "unknown indicator {c}"),
            EngineError::UnknownUnit(c) => write!(f, "no unit {c} for that period"),
        }
    }
}

impl std::error::Error for EngineError {}

type Key = (u32, u32, u32);

pub struct Engine {
    registry: Registry,
    indicators: Vec<Indicator>,
    indicator_ids: HashMap<String, u32>,
    series: Vec<Series>,
    series_ids: HashMap<Series, u32>,
    people: Vec<String>,
    people_ids: HashMap<String, u32>,
    facts: Vec<Fact>,
    /// Facts of one indicator, series and unit, ordered by (start, months).
    index: HashMap<Key, Vec<u32>>,
    /// Series that hold at least one value of each indicator.
    series_of: HashMap<u32, Vec<u32>>,
}

impl Engine {
    pub fn new(registry: Registry, indicators: Vec<Indicator>) -> Engine {
        let indicator_ids = indicators
            .iter()
            .enumerate()
            .map(|(i, ind)| (ind.code.clone(), i as u32))
            .collect();
        Engine {
            registry,
            indicators,
            indicator_ids,
            series: Vec::new(),
            series_ids: HashMap::new(),
            people: Vec::new(),
            people_ids: HashMap::new(),
            facts: Vec::new(),
            index: HashMap::new(),
            series_of: HashMap::new(),
        }
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    pub fn indicators(&self) -> &[Indicator] {
        &self.indicators
    }

    pub fn indicator_id(&self, code: &str) -> Option<u32> {
        self.indicator_ids.get(code).copied()
    }

    pub fn indicator(&self, id: u32) -> &Indicator {
        &self.indicators[id as usize]
    }

    pub fn fact(&self, id: u32) -> &Fact {
        &self.facts[id as usize]
    }

    pub fn facts(&self) -> &[Fact] {
        &self.facts
    }

    pub fn series(&self, id: u32) -> &Series {
        &self.series[id as usize]
    }

    pub fn person(&self, id: u32) -> &str {
        &self.people[id as usize]
    }

    pub fn series_id(&self, series: &Series) -> Option<u32> {
        self.series_ids.get(series).copied()
    }

    fn intern_series(&mut self, series: &Series) -> u32 {
        if let Some(&id) = self.series_ids.get(series) {
            return id;
        }
        let id = self.series.len() as u32;
        self.series.push(series.clone());
        self.series_ids.insert(series.clone(), id);
        id
    }

    fn intern_person(&mut self, who: &str) -> u32 {
        if let Some(&id) = self.people_ids.get(who) {
            return id;
        }
        let id = self.people.len() as u32;
        self.people.push(who.to_string());
        self.people_ids.insert(who.to_string(), id);
        id
    }

    /// Adds or replaces a value; the next computation sees it.
    pub fn upsert(&mut self, entry: &Entry) -> Result<(), EngineError> {
        let key = &entry.record.key;
        let indicator = self
            .indicator_id(&key.indicator)
            .ok_or_else(|| EngineError::UnknownIndicator(key.indicator.clone()))?;
        let unit = self
            .registry
            .unit_for_period(&key.unit, &key.period)
            .map_err(|_| EngineError::UnknownUnit(key.unit.clone()))? as u32;
        let series = self.intern_series(&key.series);
        let entered_by = self.intern_person(&entry.entered_by);
        let fact = Fact {
            indicator,
            series,
            unit,
            start: key.period.index(),
            months: key.period.months(),
            value: entry.record.figure.value,
            status: entry.record.figure.status,
            value_id: entry.value_id,
            entered_by,
        };
        let rows = self.index.entry((indicator, series, unit)).or_default();
        let facts = &mut self.facts;
        match rows.binary_search_by_key(&(fact.start, fact.months), |&r| {
            (facts[r as usize].start, facts[r as usize].months)
        }) {
            Ok(at) => facts[rows[at] as usize] = fact,
            Err(at) => {
                rows.insert(at, facts.len() as u32);
                facts.push(fact);
            }
        }
        let known = self.series_of.entry(indicator).or_default();
        if !known.contains(&series) {
            known.push(series);
        }
        Ok(())
    }

    /// Loads many values; values the register or catalogue cannot place are returned.
    pub fn load(&mut self, entries: &[Entry]) -> Vec<(i64, EngineError)> {
        entries
            .iter()
            .filter_map(|e| self.upsert(e).err().map(|err| (e.value_id, err)))
            .collect()
    }

    /// The facts stored for one indicator, series and unit, ordered by period.
    fn rows(&self, indicator: u32, series: u32, unit: VersionId) -> &[u32] {
        self.index
            .get(&(indicator, series, unit as u32))
            .map_or(&[], Vec::as_slice)
    }

    /// The plan series that hold values of `indicator`.
    fn plan_series(&self, indicator: u32) -> Vec<u32> {
        let mut out: Vec<u32> = self
            .series_of
            .get(&indicator)
            .map(|s| {
                s.iter()
                    .copied()
                    .filter(|&s| self.series[s as usize].is_plan())
                    .collect()
            })
            .unwrap_or_default();
        out.sort_by(|a, b| self.series[*a as usize].cmp(&self.series[*b as usize]));
        out
    }

    /// Indicators for which `unit` has an actual figure in `period`, in catalogue order.
    pub fn indicators_with_figures(&self, unit: VersionId, period: &Period) -> Vec<u32> {
        (0..self.indicators.len() as u32)
            .filter(|&i| self.compute(i, unit, period, &Series::Actual).is_some())
            .collect()
    }

    /// The weakest status among `facts`: an estimate anywhere makes the figure an estimate.
    fn weakest(&self, parts: &[Part]) -> Status {
        parts
            .iter()
            .map(|p| self.facts[p.fact as usize].status)
            .min()
            .unwrap_or(Status::Official)
    }
}

pub(crate) fn ratio(a: Decimal, b: Decimal) -> Option<Decimal> {
    solieu_core::format::ratio_percent(a, b)
}
