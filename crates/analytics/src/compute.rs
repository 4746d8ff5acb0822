//! Computing one figure: an indicator's value for a unit, a period and a series.

use crate::Engine;
use crate::facts::{Block, EPOCH_MONTH, FactRef};
use rust_decimal::Decimal;
use solieu_core::formula::Formula;
use solieu_core::indicator::{Aggregate, TimeAggregate};
use solieu_core::lineage::VersionId;
use solieu_core::period::Period;
use solieu_core::value::{Series, Status};
use std::cell::RefCell;
use std::collections::HashMap;

/// A stored value that went into a figure, with the part of it that counted (below 1 only for
/// a split unit's recorded share).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part {
    pub fact: FactRef,
    pub weight: Decimal,
}

/// How a figure was obtained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Method {
    /// Stored for exactly this unit and period.
    Stored,
    /// The sum of `pieces` stored sub-periods (months, quarters…) covering the period.
    TimeSum { pieces: usize },
    /// A stock: the value at the period's end.
    LastValue,
    /// The month-weighted average of stored sub-periods.
    TimeAverage { pieces: usize },
    /// Summed over the units below, `reported` of `units` having a figure.
    UnitSum { reported: usize, units: usize },
    /// Averaged over the units below.
    UnitAverage { reported: usize, units: usize },
    /// Computed by the indicator's formula.
    Formula,
    /// The earlier units that make up this one, weighted by the recorded shares.
    Lineage { units: usize },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Computed {
    pub value: Decimal,
    /// The weakest status of the values it came from.
    pub status: Status,
    pub method: Method,
    /// The stored values used; empty when computed without provenance ([`Engine::value`]).
    pub parts: Vec<Part>,
    /// Built with a split share: an estimate of what the territory had.
    pub approximate: bool,
    /// Every unit below that should report did.
    pub complete: bool,
}

/// (indicator, unit, period, series) of a figure.
type FigureKey = (u32, VersionId, Period, Option<u32>);

/// One computation's shared state: results already computed, and whether to keep provenance.
pub(crate) struct Ctx {
    memo: RefCell<HashMap<FigureKey, Option<Computed>>>,
    pub(crate) with_parts: bool,
}

impl Ctx {
    pub(crate) fn new(with_parts: bool) -> Ctx {
        Ctx {
            memo: RefCell::new(HashMap::new()),
            with_parts,
        }
    }
}

impl Engine {
    /// The figure of `indicator` for `unit` in `period` and `series`, with the stored values it
    /// came from.
    ///
    /// In order: the unit's own values (the finest stored sub-periods that cover the period, or
    /// the last value of a stock), a derived indicator's formula, then the units below it.
    pub fn compute(
        &self,
        indicator: u32,
        unit: VersionId,
        period: &Period,
        series: &Series,
    ) -> Option<Computed> {
        self.compute_in(
            indicator,
            unit,
            period,
            self.series_id(series),
            &Ctx::new(true),
            0,
        )
    }

    /// The same figure without collecting its sources: the fast path for totals and tables.
    pub fn value(
        &self,
        indicator: u32,
        unit: VersionId,
        period: &Period,
        series: &Series,
    ) -> Option<Computed> {
        self.compute_in(
            indicator,
            unit,
            period,
            self.series_id(series),
            &Ctx::new(false),
            0,
        )
    }

    /// Figures of one indicator for several units, sharing the work: a province's total reuses
    /// the district totals computed before it. Without sources, like [`Engine::value`].
    pub fn values_for(
        &self,
        indicator: u32,
        units: &[VersionId],
        period: &Period,
        series: &Series,
    ) -> Vec<Option<Computed>> {
        let ctx = Ctx::new(false);
        let series = self.series_id(series);
        units
            .iter()
            .map(|&unit| self.compute_in(indicator, unit, period, series, &ctx, 0))
            .collect()
    }

    pub(crate) fn compute_in(
        &self,
        indicator: u32,
        unit: VersionId,
        period: &Period,
        series: Option<u32>,
        ctx: &Ctx,
        depth: usize,
    ) -> Option<Computed> {
        let block = series.and_then(|s| self.block(indicator, s));
        self.compute_with(block, indicator, unit, period, series, ctx, depth)
    }

    /// [`Engine::compute_in`] with the indicator's block already looked up, as a loop over many
    /// units of one indicator has it.
    #[allow(clippy::too_many_arguments)]
    fn compute_with(
        &self,
        block: Option<(u32, &Block)>,
        indicator: u32,
        unit: VersionId,
        period: &Period,
        series: Option<u32>,
        ctx: &Ctx,
        depth: usize,
    ) -> Option<Computed> {
        // A unit's own values are found without the memo: it is the common case and cheap.
        if let Some(block) = block
            && let Some(own) = self.own_value(block, indicator, unit, period, ctx.with_parts)
        {
            return Some(own);
        }
        let ind = self.indicator(indicator);
        if ind.formula.is_none() && self.children_of(unit).is_empty() {
            return None;
        }
        let key = (indicator, unit, *period, series);
        if let Some(hit) = ctx.memo.borrow().get(&key) {
            return hit.clone();
        }
        let result = self.derived_or_aggregated(block, indicator, unit, period, series, ctx, depth);
        ctx.memo.borrow_mut().insert(key, result.clone());
        result
    }

    #[allow(clippy::too_many_arguments)]
    fn derived_or_aggregated(
        &self,
        block: Option<(u32, &Block)>,
        indicator: u32,
        unit: VersionId,
        period: &Period,
        series: Option<u32>,
        ctx: &Ctx,
        depth: usize,
    ) -> Option<Computed> {
        // Formulas and unit trees are shallow; this bound only guards against bad data.
        if depth > 32 {
            return None;
        }
        let ind = self.indicator(indicator);
        if let Some(formula) = &ind.formula {
            return self.by_formula(formula, |id| {
                self.compute_in(id, unit, period, series, ctx, depth + 1)
            });
        }
        if ind.aggregate == Aggregate::None {
            return None;
        }
        // Over a span that crosses a reform, each unit below counts for the whole months it
        // existed: a commune merged on 01/07 gives January to June, its successor the rest.
        // A stock or an average is what the units at the period's end hold.
        let by_span = ind.time_aggregate == TimeAggregate::Sum;
        let end = period.end_date();
        let mut sum = Decimal::ZERO;
        let mut parts = Vec::new();
        let mut status = Status::Official;
        let mut units = 0;
        let mut reported = 0;
        let mut approximate = false;
        let mut complete = true;
        for child in self.children_of(unit) {
            let span = if by_span {
                match period.clip(child.from, child.to) {
                    Some(span) => span,
                    None => continue,
                }
            } else if child.from.is_none_or(|f| f <= end) && child.to.is_none_or(|t| end <= t) {
                *period
            } else {
                continue;
            };
            units += 1;
            if let Some(c) =
                self.compute_with(block, indicator, child.id, &span, series, ctx, depth + 1)
            {
                sum = sum.checked_add(c.value)?;
                reported += 1;
                status = status.min(c.status);
                approximate |= c.approximate;
                complete &= c.complete;
                parts.extend(c.parts);
            }
        }
        if reported == 0 {
            return None;
        }
        let (value, method) = match ind.aggregate {
            Aggregate::Average => (
                sum / Decimal::from(reported),
                Method::UnitAverage { reported, units },
            ),
            _ => (sum, Method::UnitSum { reported, units }),
        };
        Some(Computed {
            value,
            status,
            method,
            parts,
            approximate,
            complete: complete && reported == units,
        })
    }

    /// A derived figure: `formula` over the figures `component` gives for each indicator it
    /// names, each computed once, with their sources and the weakest status.
    pub(crate) fn by_formula(
        &self,
        formula: &Formula,
        component: impl Fn(u32) -> Option<Computed>,
    ) -> Option<Computed> {
        let mut inputs: HashMap<&str, Computed> = HashMap::new();
        for code in formula.references() {
            inputs.insert(code, component(self.indicator_id(code)?)?);
        }
        let value = formula
            .eval(&|code| inputs.get(code).map(|c| c.value))
            .ok()?;
        let mut parts = Vec::new();
        let mut status = Status::Official;
        let mut approximate = false;
        let mut complete = true;
        for c in inputs.into_values() {
            status = status.min(c.status);
            approximate |= c.approximate;
            complete &= c.complete;
            parts.extend(c.parts);
        }
        Some(Computed {
            value,
            status,
            method: Method::Formula,
            parts,
            approximate,
            complete,
        })
    }

    /// The unit's own stored values for the period.
    fn own_value(
        &self,
        (b, block): (u32, &Block),
        indicator: u32,
        unit: VersionId,
        period: &Period,
        with_parts: bool,
    ) -> Option<Computed> {
        let rows = block.unit_rows(unit as u32);
        if rows.is_empty() {
            return None;
        }
        let start = (period.index() - EPOCH_MONTH) as u16;
        let end = start + period.months() as u16;
        let aggregation = self.indicator(indicator).time_aggregate;
        if block.longer_than_a_month == 0 {
            return monthly_value(b, block, rows, start, end, aggregation, with_parts);
        }
        // Rows of this unit inside the period; rows are ordered by first month.
        let first = rows.start + block.start[rows.clone()].partition_point(|&s| s < start);
        let inside: Vec<usize> = (first..rows.end)
            .take_while(|&r| block.start[r] < end)
            .filter(|&r| block.start[r] + u16::from(block.months[r]) <= end)
            .collect();
        if inside.is_empty() {
            return None;
        }
        let part = |row: usize| Part {
            fact: FactRef {
                block: b,
                row: row as u32,
            },
            weight: Decimal::ONE,
        };
        let single = |row: usize, method: Method| Computed {
            value: block.values.get(row),
            status: block.status[row],
            method,
            parts: if with_parts {
                vec![part(row)]
            } else {
                Vec::new()
            },
            approximate: false,
            complete: true,
        };
        if aggregation == TimeAggregate::Last {
            // The finest stored period ending with this one: June's herd before the half-year's.
            let row = inside
                .iter()
                .copied()
                .filter(|&r| block.start[r] + u16::from(block.months[r]) == end)
                .min_by_key(|&r| block.months[r])?;
            let method = if u32::from(block.months[row]) == period.months() {
                Method::Stored
            } else {
                Method::LastValue
            };
            return Some(single(row, method));
        }
        let cover = finest_cover(block, &inside, start, end)?;
        if cover.len() == 1 {
            return Some(single(cover[0], Method::Stored));
        }
        let pieces = cover.len();
        let status = cover
            .iter()
            .map(|&r| block.status[r])
            .min()
            .unwrap_or(Status::Official);
        let (value, method) = if aggregation == TimeAggregate::Average {
            let weighted = cover.iter().try_fold(Decimal::ZERO, |acc, &r| {
                acc.checked_add(
                    block
                        .values
                        .get(r)
                        .checked_mul(Decimal::from(block.months[r]))?,
                )
            })?;
            (
                weighted / Decimal::from(period.months()),
                Method::TimeAverage { pieces },
            )
        } else {
            let sum = cover.iter().try_fold(Decimal::ZERO, |acc, &r| {
                acc.checked_add(block.values.get(r))
            })?;
            (sum, Method::TimeSum { pieces })
        };
        Some(Computed {
            value,
            status,
            method,
            parts: if with_parts {
                cover.into_iter().map(part).collect()
            } else {
                Vec::new()
            },
            approximate: false,
            complete: true,
        })
    }
}

/// The unit's figure when its block holds only single months: the months of the period, all of
/// them or none. The rows are contiguous, so a sum is one pass over a slice.
fn monthly_value(
    b: u32,
    block: &Block,
    rows: std::ops::Range<usize>,
    start: u16,
    end: u16,
    aggregation: TimeAggregate,
    with_parts: bool,
) -> Option<Computed> {
    let wanted = usize::from(end - start);
    let (from, to) = match (
        block.month_row(&rows, start),
        block.month_row(&rows, end - 1),
    ) {
        // Both ends stored and nothing missing between them: the months are one slice.
        (Some(first), Some(last)) if last - first + 1 == wanted => (first, last + 1),
        _ if aggregation == TimeAggregate::Last => match block.month_row(&rows, end - 1) {
            Some(last) => (last, last + 1),
            None => return None,
        },
        _ => return None,
    };
    let parts = |range: std::ops::Range<usize>| {
        if with_parts {
            range
                .map(|row| Part {
                    fact: FactRef {
                        block: b,
                        row: row as u32,
                    },
                    weight: Decimal::ONE,
                })
                .collect()
        } else {
            Vec::new()
        }
    };
    if aggregation == TimeAggregate::Last {
        // The stock at the end of the period is its last month's.
        let method = if wanted == 1 {
            Method::Stored
        } else {
            Method::LastValue
        };
        return Some(Computed {
            value: block.values.get(to - 1),
            status: block.status[to - 1],
            method,
            parts: parts(to - 1..to),
            approximate: false,
            complete: true,
        });
    }
    let sum = block.values.sum(from..to)?;
    let status = block.status[from..to]
        .iter()
        .copied()
        .min()
        .unwrap_or(Status::Official);
    let (value, method) = match (aggregation, wanted) {
        (_, 1) => (sum, Method::Stored),
        (TimeAggregate::Average, n) => (sum / Decimal::from(n), Method::TimeAverage { pieces: n }),
        (_, n) => (sum, Method::TimeSum { pieces: n }),
    };
    Some(Computed {
        value,
        status,
        method,
        parts: parts(from..to),
        approximate: false,
        complete: true,
    })
}

/// Stored sub-periods that exactly tile `[start, end)`, choosing the most pieces (the finest
/// granularity). `None` when no tiling exists.
fn finest_cover(block: &Block, rows: &[usize], start: u16, end: u16) -> Option<Vec<usize>> {
    let n = usize::from(end - start);
    // best[i]: the most pieces tiling [start + i, end), with the first piece.
    let mut best: Vec<Option<(usize, usize)>> = vec![None; n + 1];
    best[n] = Some((0, usize::MAX));
    for offset in (0..n).rev() {
        for &r in rows {
            if usize::from(block.start[r] - start) != offset {
                continue;
            }
            let next = offset + usize::from(block.months[r]);
            if let Some((pieces, _)) = best[next]
                && best[offset].is_none_or(|(b, _)| pieces + 1 > b)
            {
                best[offset] = Some((pieces + 1, r));
            }
        }
    }
    let mut cover = Vec::new();
    let mut offset = 0;
    while offset < n {
        let (_, r) = best[offset]?;
        cover.push(r);
        offset += usize::from(block.months[r]);
    }
    Some(cover)
}
