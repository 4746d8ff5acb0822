//! Computing one figure: an indicator's value for a unit, a period and a series.

use crate::Engine;
use rust_decimal::Decimal;
use solieu_core::formula::EvalGap;
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
    pub fact: u32,
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
    pub parts: Vec<Part>,
    /// Built with a split share: an estimate of what the territory had.
    pub approximate: bool,
    /// Every unit below that should report did.
    pub complete: bool,
}

impl Engine {
    /// The figure of `indicator` for `unit` in `period` and `series`, if the stored values allow.
    ///
    /// In order: the unit's own values (the finest stored sub-periods that cover the period, or
    /// the last value of a stock), a derived indicator's formula, then the units below it as of
    /// the period's end.
    pub fn compute(
        &self,
        indicator: u32,
        unit: VersionId,
        period: &Period,
        series: &Series,
    ) -> Option<Computed> {
        let series_id = self.series_id(series);
        let memo = RefCell::new(HashMap::new());
        self.compute_in(indicator, unit, period, series_id, &memo, 0)
    }

    pub(crate) fn compute_in(
        &self,
        indicator: u32,
        unit: VersionId,
        period: &Period,
        series: Option<u32>,
        memo: &Memo,
        depth: usize,
    ) -> Option<Computed> {
        let key = (indicator, unit, *period, series);
        if let Some(hit) = memo.borrow().get(&key) {
            return hit.clone();
        }
        let result = self.compute_uncached(indicator, unit, period, series, memo, depth);
        memo.borrow_mut().insert(key, result.clone());
        result
    }

    fn compute_uncached(
        &self,
        indicator: u32,
        unit: VersionId,
        period: &Period,
        series: Option<u32>,
        memo: &Memo,
        depth: usize,
    ) -> Option<Computed> {
        // Formulas and unit trees are shallow; this bound only guards against bad data.
        if depth > 32 {
            return None;
        }
        if let Some(series) = series
            && let Some(own) = self.own_value(indicator, unit, period, series)
        {
            return Some(own);
        }
        let ind = self.indicator(indicator);
        if let Some(formula) = &ind.formula {
            let mut parts = Vec::new();
            let mut approximate = false;
            let mut complete = true;
            let value = formula.eval(&|code| {
                let id = self.indicator_id(code)?;
                let c = self.compute_in(id, unit, period, series, memo, depth + 1)?;
                Some(c.value)
            });
            let Ok(value) = value else {
                return None;
            };
            for code in formula.references() {
                let id = self.indicator_id(code)?;
                let c = self.compute_in(id, unit, period, series, memo, depth + 1)?;
                approximate |= c.approximate;
                complete &= c.complete;
                parts.extend(c.parts);
            }
            return Some(Computed {
                value,
                status: self.weakest(&parts),
                method: Method::Formula,
                parts,
                approximate,
                complete,
            });
        }
        if ind.aggregate == Aggregate::None {
            return None;
        }
        // Over a span that crosses a reform, each unit below counts for the whole months it
        // existed: a commune merged on 01/07 gives January to June, its successor the rest.
        // A stock or an average is what the units at the period's end hold.
        let code = &self.registry().version(unit).code;
        let by_span = ind.time_aggregate == TimeAggregate::Sum;
        let children: Vec<(VersionId, Period)> = if by_span {
            self.registry()
                .children_during(code, period.start_date(), period.end_date())
                .into_iter()
                .filter_map(|c| {
                    let v = self.registry().version(c);
                    Some((c, period.clip(v.valid_from, v.valid_to)?))
                })
                .collect()
        } else {
            self.registry()
                .children(code, period.end_date())
                .into_iter()
                .map(|c| (c, *period))
                .collect()
        };
        if children.is_empty() {
            return None;
        }
        let mut sum = Decimal::ZERO;
        let mut parts = Vec::new();
        let mut reported = 0;
        let mut approximate = false;
        let mut complete = true;
        for (child, span) in &children {
            if let Some(c) = self.compute_in(indicator, *child, span, series, memo, depth + 1) {
                sum = sum.checked_add(c.value)?;
                reported += 1;
                approximate |= c.approximate;
                complete &= c.complete;
                parts.extend(c.parts);
            }
        }
        if reported == 0 {
            return None;
        }
        let units = children.len();
        let (value, method) = match ind.aggregate {
            Aggregate::Average => (
                sum / Decimal::from(reported),
                Method::UnitAverage { reported, units },
            ),
            _ => (sum, Method::UnitSum { reported, units }),
        };
        Some(Computed {
            value,
            status: self.weakest(&parts),
            method,
            parts,
            approximate,
            complete: complete && reported == units,
        })
    }

    /// The unit's own stored values for the period.
    fn own_value(
        &self,
        indicator: u32,
        unit: VersionId,
        period: &Period,
        series: u32,
    ) -> Option<Computed> {
        let rows = self.rows(indicator, series, unit);
        if rows.is_empty() {
            return None;
        }
        let (start, end) = (period.index(), period.index() + i64::from(period.months()));
        let inside: Vec<u32> = rows
            .iter()
            .copied()
            .filter(|&r| {
                let f = self.fact(r);
                f.start >= start && f.end() <= end
            })
            .collect();
        if inside.is_empty() {
            return None;
        }
        let whole = |fact: u32, method: Method| Computed {
            value: self.fact(fact).value,
            status: self.fact(fact).status,
            method,
            parts: vec![Part {
                fact,
                weight: Decimal::ONE,
            }],
            approximate: false,
            complete: true,
        };
        match self.indicator(indicator).time_aggregate {
            TimeAggregate::Last => {
                // The finest stored period ending with this one: June's herd before the half-year's.
                let fact = inside
                    .iter()
                    .copied()
                    .filter(|&r| self.fact(r).end() == end)
                    .min_by_key(|&r| self.fact(r).months)?;
                let method = if self.fact(fact).months == period.months() {
                    Method::Stored
                } else {
                    Method::LastValue
                };
                Some(whole(fact, method))
            }
            aggregation => {
                let cover = self.finest_cover(&inside, start, end)?;
                if cover.len() == 1 {
                    return Some(whole(cover[0], Method::Stored));
                }
                let pieces = cover.len();
                let parts: Vec<Part> = cover
                    .iter()
                    .map(|&fact| Part {
                        fact,
                        weight: Decimal::ONE,
                    })
                    .collect();
                let value = if aggregation == TimeAggregate::Average {
                    let weighted = cover.iter().try_fold(Decimal::ZERO, |acc, &r| {
                        acc.checked_add(
                            self.fact(r)
                                .value
                                .checked_mul(Decimal::from(self.fact(r).months))?,
                        )
                    })?;
                    weighted / Decimal::from(period.months())
                } else {
                    cover
                        .iter()
                        .try_fold(Decimal::ZERO, |acc, &r| acc.checked_add(self.fact(r).value))?
                };
                let method = if aggregation == TimeAggregate::Average {
                    Method::TimeAverage { pieces }
                } else {
                    Method::TimeSum { pieces }
                };
                Some(Computed {
                    value,
                    status: self.weakest(&parts),
                    method,
                    parts,
                    approximate: false,
                    complete: true,
                })
            }
        }
    }

    /// Stored sub-periods that exactly tile `[start, end)`, choosing the most pieces (the finest
    /// granularity). `None` when no tiling exists.
    fn finest_cover(&self, rows: &[u32], start: i64, end: i64) -> Option<Vec<u32>> {
        let n = (end - start) as usize;
        // best[i]: the most pieces tiling [start + i, end), with the first piece.
        let mut best: Vec<Option<(usize, u32)>> = vec![None; n + 1];
        best[n] = Some((0, u32::MAX));
        for offset in (0..n).rev() {
            for &r in rows {
                let f = self.fact(r);
                if f.start != start + offset as i64 {
                    continue;
                }
                let next = offset + f.months as usize;
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
            offset += self.fact(r).months as usize;
        }
        Some(cover)
    }

    /// Explains why a formula gave nothing, for messages.
    pub fn formula_gap(
        &self,
        indicator: u32,
        unit: VersionId,
        period: &Period,
        series: &Series,
    ) -> Option<EvalGap> {
        let formula = self.indicator(indicator).formula.as_ref()?;
        formula
            .eval(&|code| {
                let id = self.indicator_id(code)?;
                self.compute(id, unit, period, series).map(|c| c.value)
            })
            .err()
    }
}

pub(crate) type Memo = RefCell<HashMap<(u32, VersionId, Period, Option<u32>), Option<Computed>>>;
