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
mod facts;
pub mod programs;
mod view;

pub use compare::{Comparison, PlanComparison, PreviousComparison, plans_reached};
pub use compute::{Computed, Method, Part};
pub use facts::FactRef;
pub use view::{FigureView, PlanView, PreviousView, SourceView};

use facts::{Block, EPOCH_MONTH, Row};
use rust_decimal::Decimal;
use solieu_core::indicator::Indicator;
use solieu_core::lineage::{Registry, VersionId};
use solieu_core::period::Period;
use solieu_core::value::{Series, Status, ValueRecord};
use std::collections::HashMap;

/// A stored value as the engine shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactView {
    pub indicator: u32,
    pub series: u32,
    pub unit: VersionId,
    pub period: Period,
    pub value: Decimal,
    pub status: Status,
    /// The database id of the value, for provenance.
    pub value_id: i64,
    /// Who last set it.
    pub entered_by: String,
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
    /// More than 65,535 different people entered values.
    TooManyPeople,
}

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EngineError::UnknownIndicator(c) => write!(f, "unknown indicator {c}"),
            EngineError::UnknownUnit(c) => write!(f, "no unit {c} for that period"),
            EngineError::TooManyPeople => write!(f, "more than 65535 people entered values"),
        }
    }
}

impl std::error::Error for EngineError {}

pub struct Engine {
    registry: Registry,
    indicators: Vec<Indicator>,
    indicator_ids: HashMap<String, u32>,
    series: Vec<Series>,
    series_ids: HashMap<Series, u32>,
    people: Vec<String>,
    people_ids: HashMap<String, u16>,
    blocks: Vec<Block>,
    /// The units below each unit version, over time.
    tree: Vec<Vec<Child>>,
    /// (indicator, series) of each block.
    block_keys: Vec<(u32, u32)>,
    block_ids: HashMap<(u32, u32), u32>,
}

/// A unit below another, with the whole months it existed (see [`Period::clip`]).
#[derive(Debug, Clone)]
pub(crate) struct Child {
    pub(crate) id: VersionId,
    pub(crate) from: Option<chrono::NaiveDate>,
    pub(crate) to: Option<chrono::NaiveDate>,
}

/// For each version, the versions whose parent code is its code while both exist.
fn tree(registry: &Registry) -> Vec<Vec<Child>> {
    let versions = registry.versions();
    let mut tree = vec![Vec::new(); versions.len()];
    for (id, v) in versions.iter().enumerate() {
        let Some(parent) = &v.parent else { continue };
        let (from, to) = (
            v.valid_from.unwrap_or(chrono::NaiveDate::MIN),
            v.valid_to.unwrap_or(chrono::NaiveDate::MAX),
        );
        for &p in registry.versions_of(parent) {
            if versions[p].overlaps(from, to) {
                tree[p].push(Child {
                    id,
                    from: v.valid_from,
                    to: v.valid_to,
                });
            }
        }
    }
    tree
}

impl Engine {
    pub fn new(registry: Registry, indicators: Vec<Indicator>) -> Engine {
        let tree = tree(&registry);
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
            blocks: Vec::new(),
            tree,
            block_keys: Vec::new(),
            block_ids: HashMap::new(),
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

    pub fn series(&self, id: u32) -> &Series {
        &self.series[id as usize]
    }

    pub fn series_id(&self, series: &Series) -> Option<u32> {
        self.series_ids.get(series).copied()
    }

    /// A stored value by reference.
    pub fn fact(&self, r: FactRef) -> FactView {
        let block = &self.blocks[r.block as usize];
        let row = r.row as usize;
        let (indicator, series) = self.block_keys[r.block as usize];
        FactView {
            indicator,
            series,
            unit: block.unit[row] as VersionId,
            period: Period::from_index(
                i64::from(block.start[row]) + EPOCH_MONTH,
                u32::from(block.months[row]),
            )
            .expect("stored periods are valid"),
            value: block.values.get(row),
            status: block.status[row],
            value_id: block.value_id[row],
            entered_by: self.people[block.entered_by[row] as usize].clone(),
        }
    }

    /// Every stored value, block by block.
    pub fn fact_refs(&self) -> Vec<FactRef> {
        self.blocks
            .iter()
            .enumerate()
            .flat_map(|(b, block)| {
                (0..block.len()).map(move |row| FactRef {
                    block: b as u32,
                    row: row as u32,
                })
            })
            .collect()
    }

    pub fn value_count(&self) -> usize {
        self.blocks.iter().map(Block::len).sum()
    }

    /// Bytes the stored values take in memory (columns only).
    pub fn value_bytes(&self) -> usize {
        self.blocks.iter().map(Block::bytes).sum()
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

    fn intern_person(&mut self, who: &str) -> Result<u16, EngineError> {
        if let Some(&id) = self.people_ids.get(who) {
            return Ok(id);
        }
        let id = u16::try_from(self.people.len()).map_err(|_| EngineError::TooManyPeople)?;
        self.people.push(who.to_string());
        self.people_ids.insert(who.to_string(), id);
        Ok(id)
    }

    fn block_id(&mut self, indicator: u32, series: u32) -> u32 {
        if let Some(&b) = self.block_ids.get(&(indicator, series)) {
            return b;
        }
        let b = self.blocks.len() as u32;
        self.blocks.push(Block::new(self.registry.versions().len()));
        self.block_keys.push((indicator, series));
        self.block_ids.insert((indicator, series), b);
        b
    }

    /// The block and row an entry goes to.
    fn place(
        &mut self,
        entry: &Entry,
        last: &mut Option<Placed>,
    ) -> Result<(u32, Row), EngineError> {
        let key = &entry.record.key;
        let end = key.period.end_date();
        // Values arrive in runs of one indicator, unit and person: reuse the last lookups.
        let reuse = last.as_ref().filter(|p| {
            p.indicator_code == key.indicator
                && p.series == key.series
                && p.unit_code == key.unit
                && p.person == entry.entered_by
                && self.registry.version(p.unit as usize).is_valid_on(end)
        });
        let (block, unit, entered_by) = match reuse {
            Some(p) => (p.block, p.unit, p.entered_by),
            None => {
                let indicator = self
                    .indicator_id(&key.indicator)
                    .ok_or_else(|| EngineError::UnknownIndicator(key.indicator.clone()))?;
                let unit = self
                    .registry
                    .unit_for_period(&key.unit, &key.period)
                    .map_err(|_| EngineError::UnknownUnit(key.unit.clone()))?
                    as u32;
                let series = self.intern_series(&key.series);
                let entered_by = self.intern_person(&entry.entered_by)?;
                let block = self.block_id(indicator, series);
                *last = Some(Placed {
                    indicator_code: key.indicator.clone(),
                    series: key.series.clone(),
                    unit_code: key.unit.clone(),
                    person: entry.entered_by.clone(),
                    block,
                    unit,
                    entered_by,
                });
                (block, unit, entered_by)
            }
        };
        let row = Row {
            unit,
            start: (key.period.index() - EPOCH_MONTH) as u16,
            months: key.period.months() as u8,
            value: entry.record.figure.value,
            status: entry.record.figure.status,
            value_id: entry.value_id,
            entered_by,
        };
        Ok((block, row))
    }

    /// Adds or replaces a value; the next computation sees it.
    pub fn upsert(&mut self, entry: &Entry) -> Result<(), EngineError> {
        let (block, row) = self.place(entry, &mut None)?;
        self.blocks[block as usize].upsert(row);
        Ok(())
    }

    /// Loads many values at once (much faster than one by one); values the register or
    /// catalogue cannot place are returned and left out.
    pub fn load(&mut self, entries: &[Entry]) -> Vec<(i64, EngineError)> {
        let mut loader = self.loader();
        for e in entries {
            loader.push(e);
        }
        loader.finish()
    }

    /// A bulk loader: values pushed one at a time, the columns built once at the end.
    pub fn loader(&mut self) -> Loader<'_> {
        Loader {
            engine: self,
            rows: HashMap::new(),
            refused: Vec::new(),
            last: None,
        }
    }

    fn merge_rows(&mut self, rows: HashMap<u32, Vec<Row>>) {
        for (block, mut new_rows) in rows {
            let units = self.registry.versions().len();
            let old = std::mem::replace(&mut self.blocks[block as usize], Block::new(units));
            // Existing rows first, so a loaded value replaces a stored one with the same key.
            let mut all: Vec<Row> = (0..old.len())
                .map(|i| Row {
                    unit: old.unit[i],
                    start: old.start[i],
                    months: old.months[i],
                    value: old.values.get(i),
                    status: old.status[i],
                    value_id: old.value_id[i],
                    entered_by: old.entered_by[i],
                })
                .collect();
            all.append(&mut new_rows);
            self.blocks[block as usize] = Block::from_rows(units, all);
        }
    }

    /// The units below `unit` over time.
    pub(crate) fn children_of(&self, unit: VersionId) -> &[Child] {
        &self.tree[unit]
    }

    /// The block of `indicator` and `series`, if any value exists.
    fn block(&self, indicator: u32, series: u32) -> Option<(u32, &Block)> {
        let b = *self.block_ids.get(&(indicator, series))?;
        Some((b, &self.blocks[b as usize]))
    }

    /// The plan series that hold values of `indicator`.
    fn plan_series(&self, indicator: u32) -> Vec<u32> {
        let mut out: Vec<u32> = self
            .block_keys
            .iter()
            .filter(|(i, s)| *i == indicator && self.series[*s as usize].is_plan())
            .map(|(_, s)| *s)
            .collect();
        out.sort_by(|a, b| self.series[*a as usize].cmp(&self.series[*b as usize]));
        out
    }

    /// The distinct periods of the actual figures stored for `units`: what a page offers
    /// to choose from. Read from the blocks' columns, a unit's rows at a time.
    pub fn periods_of(&self, units: &[VersionId]) -> Vec<Period> {
        let mut seen = std::collections::BTreeSet::new();
        for (block, (_, series)) in self.blocks.iter().zip(&self.block_keys) {
            if self.series[*series as usize] != Series::Actual {
                continue;
            }
            for &unit in units {
                for row in block.rows_of(unit as u32) {
                    seen.insert((block.start[row], block.months[row]));
                }
            }
        }
        seen.into_iter()
            .filter_map(|(start, months)| {
                Period::from_index(i64::from(start) + EPOCH_MONTH, u32::from(months)).ok()
            })
            .collect()
    }

    /// Indicators for which `unit` has an actual figure in `period`, in catalogue order.
    pub fn indicators_with_figures(&self, unit: VersionId, period: &Period) -> Vec<u32> {
        (0..self.indicators.len() as u32)
            .filter(|&i| self.value(i, unit, period, &Series::Actual).is_some())
            .collect()
    }
}

/// Collects values for [`Engine::loader`]; nothing is visible until [`Loader::finish`].
pub struct Loader<'a> {
    engine: &'a mut Engine,
    rows: HashMap<u32, Vec<Row>>,
    refused: Vec<(i64, EngineError)>,
    last: Option<Placed>,
}

/// The lookups of the last value placed.
struct Placed {
    indicator_code: String,
    series: Series,
    unit_code: String,
    person: String,
    block: u32,
    unit: u32,
    entered_by: u16,
}

impl Loader<'_> {
    pub fn push(&mut self, entry: &Entry) {
        match self.engine.place(entry, &mut self.last) {
            Ok((block, row)) => self.rows.entry(block).or_default().push(row),
            Err(err) => self.refused.push((entry.value_id, err)),
        }
    }

    /// Builds the columns; returns the values that could not be placed.
    pub fn finish(self) -> Vec<(i64, EngineError)> {
        self.engine.merge_rows(self.rows);
        self.refused
    }
}

pub(crate) fn ratio(a: Decimal, b: Decimal) -> Option<Decimal> {
    solieu_core::format::ratio_percent(a, b)
}
