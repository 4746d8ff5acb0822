//! The engine on the demo data and on generated unit trees.

use proptest::prelude::*;
use rust_decimal::Decimal;
use solieu_analytics::{Engine, Entry, Method};
use solieu_core::changes::Incoming;
use solieu_core::indicator::{Aggregate, Indicator, TimeAggregate};
use solieu_core::lineage::{EventKind, LineageEvent, Registry};
use solieu_core::measure::MeasureUnit;
use solieu_core::period::Period;
use solieu_core::unit::{UnitKind, UnitVersion};
use solieu_core::value::{Figure, Series, Status, ValueKey, ValueRecord};
use solieu_io::{ReadOptions, read_csv};
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn p(s: &str) -> Period {
    s.parse().unwrap()
}

fn demo() -> Engine {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo");
    let mut incoming = Incoming::default();
    for file in [
        "units.csv",
        "lineage.csv",
        "indicators.csv",
        "values-2018-2020.csv",
        "values-2025-2026.csv",
    ] {
        let read = read_csv(
            file,
            &std::fs::read(dir.join(file)).unwrap(),
            &ReadOptions::default(),
        );
        assert!(read.problems.is_empty());
        incoming.units.extend(read.incoming.units);
        incoming.events.extend(read.incoming.events);
        incoming.indicators.extend(read.incoming.indicators);
        incoming.values.extend(read.incoming.values);
    }
    let registry = Registry::new(
        incoming.units.into_iter().map(|u| u.item).collect(),
        incoming.events.into_iter().map(|e| e.item).collect(),
    );
    let mut engine = Engine::new(
        registry,
        incoming.indicators.into_iter().map(|i| i.item).collect(),
    );
    let entries: Vec<Entry> = incoming
        .values
        .into_iter()
        .enumerate()
        .map(|(i, v)| Entry {
            value_id: i as i64,
            record: v.item.record,
            entered_by: "demo".into(),
        })
        .collect();
    assert!(engine.load(&entries).is_empty());
    engine
}

fn unit(engine: &Engine, code: &str, period: &str) -> usize {
    engine.registry().unit_for_period(code, &p(period)).unwrap()
}

#[test]
fn merged_communes_compare_with_the_sum_of_their_predecessors() {
    let engine = demo();
    let kham = engine.indicator_id("KHAM_BENH_XA").unwrap();
    // Xã Hoành Mô = Hoành Mô + Đồng Văn: exact.
    let hoanh_mo = engine.compare(kham, unit(&engine, "06841", "2026S1"), &p("2026S1"));
    let previous = hoanh_mo.previous.as_ref().unwrap();
    assert_eq!(previous.period, p("2025S1"));
    assert_eq!(previous.value.value, d("10105") + d("8012"));
    assert!(!hoanh_mo.approximate());
    assert_eq!(previous.change_percent.unwrap().round_dp(2), d("6.20"));
    // Xã Bình Liêu = the town + Húc Động + 85% of Vô Ngại: approximate, and it says so.
    let binh_lieu = engine.compare(kham, unit(&engine, "06838", "2026S1"), &p("2026S1"));
    let previous = binh_lieu.previous.as_ref().unwrap();
    assert_eq!(
        previous.value.value,
        d("14210") + d("6020") + d("0.85") * d("8890")
    );
    assert!(binh_lieu.approximate());
    assert_eq!(previous.value.method, Method::Lineage { units: 3 });
    let vo_ngai = previous
        .value
        .parts
        .iter()
        .find(|part| engine.fact(part.fact).value == d("8890"))
        .unwrap();
    assert_eq!(vo_ngai.weight, d("0.85"));
    // A stock compares the same way.
    let herd = engine.indicator_id("TONG_DAN_TRAU_BO").unwrap();
    let c = engine.compare(herd, unit(&engine, "06856", "2026S1"), &p("2026S1"));
    assert_eq!(c.previous.unwrap().value.value, d("1870") + d("2480"));
}

#[test]
fn months_add_up_to_the_half_year_and_plans_come_from_the_year() {
    let engine = demo();
    let visits = engine.indicator_id("KHACH_DL").unwrap();
    let town = unit(&engine, "06838", "2026S1");
    let h1 = engine
        .compute(visits, town, &p("2026S1"), &Series::Actual)
        .unwrap();
    assert_eq!(h1.value, d("15190"));
    assert_eq!(h1.method, Method::TimeSum { pieces: 6 });
    assert_eq!(
        h1.status,
        Status::Estimate,
        "June is an estimate, so the half-year is"
    );
    let q1 = engine
        .compute(visits, town, &p("2026Q1"), &Series::Actual)
        .unwrap();
    assert_eq!(q1.value, d("8455"));
    assert!(
        engine
            .compute(visits, town, &p("2026"), &Series::Actual)
            .is_none(),
        "July to December are missing"
    );
    let kham = engine.indicator_id("KHAM_BENH_XA").unwrap();
    let c = engine.compare(kham, town, &p("2026S1"));
    assert_eq!(c.plans.len(), 1);
    assert_eq!(c.plans[0].series, Series::Plan("hdnd-xa".into()));
    assert_eq!(c.plans[0].percent.unwrap().round_dp(2), d("51.70"));
}

#[test]
fn derived_figures_are_ratios_of_sums_and_list_their_sources() {
    let engine = demo();
    let district = unit(&engine, "198", "2020S1");
    let share = engine.indicator_id("TY_TRONG_DV").unwrap();
    let c = engine.compare(share, district, &p("2020S1"));
    let actual = c.actual.unwrap();
    assert_eq!(
        actual.value.round_dp(4),
        (d("391.82") / d("643.41") * d("100")).round_dp(4)
    );
    assert_eq!(actual.method, Method::Formula);
    let previous = c.previous.unwrap();
    assert_eq!(
        previous.value.value.round_dp(4),
        (d("352.8") / d("578.6") * d("100")).round_dp(4)
    );
    let total = engine.indicator_id("GTSX").unwrap();
    assert_eq!(
        engine
            .compute(total, district, &p("2020S1"), &Series::Actual)
            .unwrap()
            .parts
            .len(),
        3
    );
}

#[test]
fn a_written_value_is_in_the_next_answer() {
    let mut engine = demo();
    let kham = engine.indicator_id("KHAM_BENH_XA").unwrap();
    let district = unit(&engine, "198", "2020S1");
    let before = engine
        .compute(kham, district, &p("2020S1"), &Series::Actual)
        .unwrap()
        .value;
    let record = ValueRecord {
        key: ValueKey {
            indicator: "KHAM_BENH_XA".into(),
            unit: "06841".into(),
            period: p("2020S1"),
            series: Series::Actual,
        },
        figure: Figure {
            value: d("9315"),
            status: Status::Official,
            note: String::new(),
        },
    };
    engine
        .upsert(&Entry {
            value_id: 999,
            record,
            entered_by: "officer".into(),
        })
        .unwrap();
    let after = engine
        .compute(kham, district, &p("2020S1"), &Series::Actual)
        .unwrap();
    assert_eq!(after.value, before + d("100"));
    assert!(
        after
            .parts
            .iter()
            .any(|part| engine.fact(part.fact).value_id == 999)
    );
}

#[test]
fn communes_ranked_and_counted_against_a_threshold() {
    let engine = demo();
    let kham = engine.indicator_id("KHAM_BENH_XA").unwrap();
    let district = unit(&engine, "198", "2020S1");
    let ranked = engine.ranking(kham, district, &p("2020S1"));
    let names: Vec<&str> = ranked
        .iter()
        .map(|(u, _)| engine.registry().version(*u).name.as_str())
        .collect();
    assert_eq!(names[0], "Thị trấn Bình Liêu");
    assert_eq!(names[6], "Xã Húc Động");
    assert!(ranked.windows(2).all(|w| w[0].1.value >= w[1].1.value));
    // "4 xã đạt từ 8.000 lượt trở lên" of the 7 that reported.
    assert_eq!(
        engine.count_reaching(kham, district, &p("2020S1"), d("8000")),
        (4, 7)
    );
}

// Generated trees: a province, districts, communes, some merged into a neighbour on 01/07/2021.

struct World {
    engine: Engine,
    /// (district index, commune code, the commune's months of validity in 2021, period, value)
    facts: Vec<(usize, String, Option<Period>, Period, Decimal)>,
}

impl World {
    /// What a total must be by definition: each commune of the district (all communes if
    /// `None`) counts with the sum of its stored figures inside `period`, if those figures cover
    /// every month of `period` the commune existed; otherwise it has no figure and counts nothing.
    fn expected(&self, district: Option<usize>, period: &Period) -> Option<Decimal> {
        let mut communes: Vec<&String> = self
            .facts
            .iter()
            .filter(|f| district.is_none_or(|d| f.0 == d))
            .map(|f| &f.1)
            .collect();
        communes.dedup();
        let mut total = None;
        for code in communes {
            let mine: Vec<_> = self
                .facts
                .iter()
                .filter(|f| &f.1 == code && period.contains(&f.3))
                .collect();
            let span = mine
                .first()
                .and_then(|f| f.2)
                .and_then(|life| period.clip(Some(life.start_date()), Some(life.end_date())));
            let covered: u32 = mine.iter().map(|f| f.3.months()).sum();
            if let Some(span) = span
                && covered == span.months()
                && covered > 0
            {
                total = Some(
                    total.unwrap_or(Decimal::ZERO) + mine.iter().map(|f| f.4).sum::<Decimal>(),
                );
            }
        }
        total
    }
}

fn world(
    communes_per_district: Vec<usize>,
    merged: Vec<bool>,
    quarterly: Vec<bool>,
    values: Vec<u32>,
) -> World {
    let merge_date: chrono::NaiveDate = "2021-07-01".parse().unwrap();
    let mut units = vec![UnitVersion {
        code: "P".into(),
        name: "Tỉnh".into(),
        kind: UnitKind::Tinh,
        parent: None,
        valid_from: None,
        valid_to: None,
    }];
    let mut events = Vec::new();
    let mut communes: Vec<(usize, String, Option<chrono::NaiveDate>)> = Vec::new();
    let mut flags = merged.into_iter().cycle();
    for (di, &n) in communes_per_district.iter().enumerate() {
        units.push(UnitVersion {
            code: format!("D{di}"),
            name: format!("Huyện {di}"),
            kind: UnitKind::Huyen,
            parent: Some("P".into()),
            valid_from: None,
            valid_to: None,
        });
        for j in 0..n {
            let code = format!("C{di}x{j}");
            // Even communes with a neighbour after them may merge into it; the neighbour goes on.
            let merges = j % 2 == 0 && j + 1 < n && flags.next().unwrap_or(false);
            let valid_to = merges.then(|| merge_date.pred_opt().unwrap());
            if merges {
                events.push(LineageEvent {
                    date: merge_date,
                    kind: EventKind::Merge,
                    from: code.clone(),
                    to: format!("C{di}x{}", j + 1),
                    share: None,
                });
            }
            units.push(UnitVersion {
                code: code.clone(),
                name: format!("Xã {code}"),
                kind: UnitKind::Xa,
                parent: Some(format!("D{di}")),
                valid_from: None,
                valid_to,
            });
            communes.push((di, code, valid_to));
        }
    }
    let registry = Registry::new(units, events);
    assert!(registry.check().is_empty(), "{:?}", registry.check());
    let indicator = Indicator {
        code: "X".into(),
        name: "X".into(),
        name_en: None,
        unit: MeasureUnit::parse("tấn"),
        group: vec![],
        aggregate: Aggregate::Sum,
        time_aggregate: TimeAggregate::Sum,
        decimals: 2,
        price_basis: None,
        formula: None,
    };
    let mut engine = Engine::new(registry, vec![indicator]);
    let mut facts = Vec::new();
    let mut numbers = values.into_iter().cycle();
    let mut by_quarter = quarterly.into_iter().cycle();
    let mut entries = Vec::new();
    for (di, code, valid_to) in &communes {
        // Some communes report quarters instead of months.
        let quarters = by_quarter.next().unwrap_or(false);
        let life = Period::year(2021).unwrap().clip(None, *valid_to);
        for month in 1..=12u32 {
            let period = if quarters {
                if month % 3 != 1 {
                    continue;
                }
                Period::quarter(2021, month.div_ceil(3)).unwrap()
            } else {
                Period::month(2021, month).unwrap()
            };
            if valid_to.is_some_and(|to| to < period.end_date()) {
                continue;
            }
            let value = Decimal::new(i64::from(numbers.next().unwrap_or(7)), 2);
            facts.push((*di, code.clone(), life, period, value));
            entries.push(Entry {
                value_id: entries.len() as i64,
                record: ValueRecord {
                    key: ValueKey {
                        indicator: "X".into(),
                        unit: code.clone(),
                        period,
                        series: Series::Actual,
                    },
                    figure: Figure {
                        value,
                        status: Status::Official,
                        note: String::new(),
                    },
                },
                entered_by: "gen".into(),
            });
        }
    }
    assert!(engine.load(&entries).is_empty());
    World { engine, facts }
}

const PERIODS: &[&str] = &[
    "202101",
    "202106",
    "202107",
    "202112",
    "2021Q1",
    "2021Q2",
    "2021Q3",
    "2021S1",
    "2021S2",
    "2021",
    "2021-01-01/P9M",
    "2021-05-01/P4M",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The total of a district or the province for any period is the sum of the figures of the
    /// communes that belonged to it when each figure was for: mergers lose and double nothing.
    #[test]
    fn totals_up_the_tree_equal_the_sum_over_the_units_valid_then(
        sizes in prop::collection::vec(1usize..6, 1..4),
        merged in prop::collection::vec(any::<bool>(), 1..8),
        quarterly in prop::collection::vec(any::<bool>(), 1..8),
        values in prop::collection::vec(0u32..1_000_000, 1..50),
    ) {
        let w = world(sizes.clone(), merged, quarterly, values);
        let x = w.engine.indicator_id("X").unwrap();
        for period in PERIODS.iter().map(|s| p(s)) {
            let province = w.engine.registry().resolve("P", period.end_date()).unwrap();
            let got = w.engine.compute(x, province, &period, &Series::Actual).map(|c| c.value);
            prop_assert_eq!(got, w.expected(None, &period), "province, {}", period);
            prop_assert_eq!(w.engine.value(x, province, &period, &Series::Actual).map(|c| c.value), got);
            for di in 0..sizes.len() {
                let district = w.engine.registry().resolve(&format!("D{di}"), period.end_date()).unwrap();
                let got = w.engine.compute(x, district, &period, &Series::Actual).map(|c| c.value);
                prop_assert_eq!(got, w.expected(Some(di), &period), "district {}, {}", di, period);
            }
        }
    }

    /// Changing one stored value changes exactly the figures built from it, by exactly the change.
    #[test]
    fn a_changed_value_moves_its_dependants_and_nothing_else(
        sizes in prop::collection::vec(1usize..5, 1..4),
        merged in prop::collection::vec(any::<bool>(), 1..8),
        quarterly in prop::collection::vec(any::<bool>(), 1..8),
        values in prop::collection::vec(0u32..1_000_000, 1..50),
        pick in any::<prop::sample::Index>(),
        delta in 1i64..100_000,
    ) {
        let mut w = world(sizes, merged, quarterly, values);
        let x = w.engine.indicator_id("X").unwrap();
        let targets: Vec<(usize, Period)> = PERIODS
            .iter()
            .map(|s| p(s))
            .flat_map(|period| {
                let reg = w.engine.registry();
                reg.valid_on(period.end_date()).map(move |u| (u, period)).collect::<Vec<_>>()
            })
            .collect();
        let before: Vec<_> = targets.iter().map(|(u, per)| w.engine.compute(x, *u, per, &Series::Actual)).collect();
        let refs = w.engine.fact_refs();
        let chosen = refs[pick.index(refs.len())];
        let fact = w.engine.fact(chosen);
        let delta = Decimal::new(delta, 2);
        let period = fact.period;
        let code = w.engine.registry().version(fact.unit).code.clone();
        w.engine.upsert(&Entry {
            value_id: fact.value_id,
            record: ValueRecord {
                key: ValueKey { indicator: "X".into(), unit: code, period, series: Series::Actual },
                figure: Figure { value: fact.value + delta, status: Status::Official, note: String::new() },
            },
            entered_by: "gen".into(),
        }).unwrap();
        for ((u, per), old) in targets.iter().zip(before) {
            let new = w.engine.compute(x, *u, per, &Series::Actual);
            let depends = old.as_ref().is_some_and(|c| c.parts.iter().any(|part| part.fact == chosen));
            match (old, new) {
                (Some(o), Some(n)) if depends => prop_assert_eq!(n.value, o.value + delta),
                (o, n) => prop_assert_eq!(o.map(|c| c.value), n.map(|c| c.value)),
            }
        }
    }
}

#[test]
fn the_periods_stored_for_units_are_those_of_their_actual_figures() {
    let engine = demo();
    let registry = engine.registry();
    let own = registry.resolve(
        "06838",
        chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
    );
    let periods = engine.periods_of(&own.into_iter().collect::<Vec<_>>());
    assert!(periods.contains(&p("2026S1")), "{periods:?}");
    // The plan of the year is not a period of figures; another unit's months are not its own.
    assert!(!periods.contains(&p("2026")), "{periods:?}");
    let all: Vec<usize> = (0..registry.versions().len()).collect();
    let everywhere = engine.periods_of(&all);
    assert!(everywhere.contains(&p("2020S1")) && everywhere.len() > periods.len());
    // A unit the blocks were not built for has none.
    assert!(engine.periods_of(&[usize::MAX >> 33]).is_empty());
}
