//! The three numbers of every headline figure: the value, its percentage of each plan, and its
//! change against the same period of the previous year, across reforms of the unit map.

use crate::compute::{Computed, Ctx, Method, Part};
use crate::{Engine, ratio};
use rust_decimal::Decimal;
use solieu_core::lineage::VersionId;
use solieu_core::period::Period;
use solieu_core::value::{Series, Status};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanComparison {
    pub series: Series,
    pub plan: Computed,
    /// The value as a percentage of the plan.
    pub percent: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviousComparison {
    pub period: Period,
    pub value: Computed,
    /// "tăng 11,2%": (value / previous − 1) × 100.
    pub change_percent: Option<Decimal>,
    /// "bằng 66,2% cùng kỳ": value / previous × 100.
    pub ratio_percent: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    pub indicator: u32,
    pub unit: VersionId,
    pub period: Period,
    pub actual: Option<Computed>,
    pub plans: Vec<PlanComparison>,
    pub previous: Option<PreviousComparison>,
}

impl Comparison {
    /// Any number in it rests on a split share.
    pub fn approximate(&self) -> bool {
        self.actual.as_ref().is_some_and(|a| a.approximate)
            || self.previous.as_ref().is_some_and(|p| p.value.approximate)
    }
}

impl Engine {
    /// The value of `indicator` for `unit` in `period`, with each annual plan of the period's
    /// year and the same period of the previous year.
    pub fn compare(&self, indicator: u32, unit: VersionId, period: &Period) -> Comparison {
        self.compare_with(indicator, unit, period, true)
    }

    /// [`Engine::compare`] without collecting sources: for tables of many figures.
    pub fn compare_values(&self, indicator: u32, unit: VersionId, period: &Period) -> Comparison {
        self.compare_with(indicator, unit, period, false)
    }

    fn compare_with(
        &self,
        indicator: u32,
        unit: VersionId,
        period: &Period,
        with_parts: bool,
    ) -> Comparison {
        let ctx = Ctx::new(with_parts);
        let actual_id = self.series_id(&Series::Actual);
        let actual = self.compute_in(indicator, unit, period, actual_id, &ctx, 0);
        let plan_period = Period::year(period.start_year()).unwrap_or(*period);
        let plans = self
            .plan_series(indicator)
            .into_iter()
            .filter_map(|s| {
                let series = self.series(s).clone();
                let plan = self.compute_in(indicator, unit, &plan_period, Some(s), &ctx, 0)?;
                let percent = actual.as_ref().and_then(|a| ratio(a.value, plan.value));
                Some(PlanComparison {
                    series,
                    plan,
                    percent,
                })
            })
            .collect();
        let previous = period.same_period_last_year().and_then(|prev| {
            let value = self.previous_value(indicator, unit, period, &prev, &ctx)?;
            let (change_percent, ratio_percent) = match &actual {
                Some(a) => (
                    ratio(a.value, value.value).map(|r| r - Decimal::ONE_HUNDRED),
                    ratio(a.value, value.value),
                ),
                None => (None, None),
            };
            Some(PreviousComparison {
                period: prev,
                value,
                change_percent,
                ratio_percent,
            })
        });
        Comparison {
            indicator,
            unit,
            period: *period,
            actual,
            plans,
            previous,
        }
    }

    /// The actual figure of the territory that is `unit` at the end of `period`, in the earlier
    /// period `prev`: the unit itself if nothing changed, otherwise the units it was made of,
    /// weighted by their recorded shares. `None` if part of the territory has no figure.
    fn previous_value(
        &self,
        indicator: u32,
        unit: VersionId,
        period: &Period,
        prev: &Period,
        ctx: &Ctx,
    ) -> Option<Computed> {
        let ind = self.indicator(indicator);
        let actual = self.series_id(&Series::Actual);
        if let Some(formula) = &ind.formula {
            // A ratio of sums, not a sum of ratios: compute each component across the change.
            return self.by_formula(formula, |id| {
                self.previous_value(id, unit, period, prev, ctx)
            });
        }
        let composition = self
            .registry()
            .composition(unit, period.end_date(), prev.end_date());
        if composition.incomplete {
            return None;
        }
        if let [(only, weight)] = composition.parts.as_slice()
            && *only == unit
            && *weight == Decimal::ONE
        {
            return self.compute_in(indicator, unit, prev, actual, ctx, 0);
        }
        let mut value = Decimal::ZERO;
        let mut parts = Vec::new();
        let mut status = Status::Official;
        let mut complete = true;
        for (earlier, weight) in &composition.parts {
            let c = self.compute_in(indicator, *earlier, prev, actual, ctx, 0)?;
            value = value.checked_add(c.value.checked_mul(*weight)?)?;
            status = status.min(c.status);
            complete &= c.complete;
            parts.extend(c.parts.into_iter().map(|p| Part {
                fact: p.fact,
                weight: p.weight * weight,
            }));
        }
        Some(Computed {
            value,
            status,
            method: Method::Lineage {
                units: composition.parts.len(),
            },
            parts,
            approximate: composition.approximate,
            complete,
        })
    }

    /// The units directly below `unit` at the period's end with their figures, largest first.
    pub fn ranking(
        &self,
        indicator: u32,
        unit: VersionId,
        period: &Period,
    ) -> Vec<(VersionId, Computed)> {
        let code = self.registry().version(unit).code.clone();
        let mut ranked: Vec<(VersionId, Computed)> = self
            .registry()
            .children(&code, period.end_date())
            .into_iter()
            .filter_map(|child| {
                Some((
                    child,
                    self.compute(indicator, child, period, &Series::Actual)?,
                ))
            })
            .collect();
        ranked.sort_by_key(|r| std::cmp::Reverse(r.1.value));
        ranked
    }

    /// How many units below `unit` reach `threshold`, of those with a figure: "3 xã đạt từ 15".
    pub fn count_reaching(
        &self,
        indicator: u32,
        unit: VersionId,
        period: &Period,
        threshold: Decimal,
    ) -> (usize, usize) {
        let ranked = self.ranking(indicator, unit, period);
        (
            ranked.iter().filter(|(_, c)| c.value >= threshold).count(),
            ranked.len(),
        )
    }
}

/// How many comparisons reach their plan from `source` (or any plan when `None`), of those that
/// have one: "5/25 chỉ tiêu đạt và vượt kế hoạch".
pub fn plans_reached(comparisons: &[Comparison], source: Option<&Series>) -> (usize, usize) {
    let mut reached = 0;
    let mut with_plan = 0;
    for c in comparisons {
        let plan = c
            .plans
            .iter()
            .find(|p| source.is_none_or(|s| *s == p.series));
        if let Some(percent) = plan.and_then(|p| p.percent) {
            with_plan += 1;
            if percent >= Decimal::ONE_HUNDRED {
                reached += 1;
            }
        }
    }
    (reached, with_plan)
}
