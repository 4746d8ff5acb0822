//! The storage test suite. Every test runs once on SQLite and once on PostgreSQL.

use solieu_core::Decimal;
use solieu_core::changes::{self, ChangeSet, Incoming, IncomingValue, Located, PlannedValue};
use solieu_core::problem::Location as At;
use solieu_core::value::{Figure, Series, Source, Status, ValueKey, ValueRecord};
use solieu_io::{
    ReadOptions, read_csv, write_indicators, write_lineage, write_units, write_values,
};
use solieu_store::test_support::{drop_postgres, fresh_postgres, fresh_sqlite};
use solieu_store::{Location, Store, StoreError, ValueFilter};
use std::str::FromStr;

/// Runs `$body` with a fresh store on each backend.
macro_rules! on_both_backends {
    ($name:ident, |$store:ident| $body:block) => {
        mod $name {
            use super::*;

            async fn run($store: Store) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let (location, _dir) = fresh_sqlite();
                run(Store::create(&location).await.unwrap()).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let location = fresh_postgres().await;
                run(Store::create(&location).await.unwrap()).await;
                drop_postgres(&location).await;
            }
        }
    };
}

const DEMO: &[&str] = &[
    "units.csv",
    "lineage.csv",
    "indicators.csv",
    "values-2018-2020.csv",
    "values-2025-2026.csv",
];

fn read_files(files: &[(String, Vec<u8>)]) -> Incoming {
    let mut incoming = Incoming::default();
    for (name, bytes) in files {
        let read = read_csv(name, bytes, &ReadOptions::default());
        assert!(read.problems.is_empty(), "{name}: {:#?}", read.problems);
        incoming.units.extend(read.incoming.units);
        incoming.events.extend(read.incoming.events);
        incoming.indicators.extend(read.incoming.indicators);
        incoming.values.extend(read.incoming.values);
        incoming.rules.extend(read.incoming.rules);
    }
    incoming
}

fn demo_files() -> Vec<(String, Vec<u8>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo");
    DEMO.iter()
        .map(|f| {
            (
                f.to_string(),
                std::fs::read(dir.join(f)).expect("demo file"),
            )
        })
        .collect()
}

async fn load(store: &Store, incoming: Incoming) -> solieu_store::ApplyReport {
    let plan = changes::plan(&store.stored().await.unwrap(), incoming).expect("a valid plan");
    store.apply(&plan, "tester", false).await.unwrap()
}

async fn export(store: &Store) -> Vec<(String, Vec<u8>)> {
    let stored = store.stored().await.unwrap();
    let values = store.values(&ValueFilter::default()).await.unwrap();
    vec![
        ("units.csv".into(), write_units(&stored.units).into_bytes()),
        (
            "lineage.csv".into(),
            write_lineage(&stored.events).into_bytes(),
        ),
        (
            "indicators.csv".into(),
            write_indicators(&stored.indicators).into_bytes(),
        ),
        (
            "values.csv".into(),
            write_values(values.iter().map(|v| &v.record)).into_bytes(),
        ),
    ]
}

/// The records of an import, without where they came from, in a comparable order.
fn records(incoming: &Incoming) -> (Vec<String>, Vec<String>, Vec<String>, Vec<ValueRecord>) {
    let mut units: Vec<String> = incoming
        .units
        .iter()
        .map(|u| format!("{:?}", u.item))
        .collect();
    let mut events: Vec<String> = incoming
        .events
        .iter()
        .map(|e| format!("{:?}", e.item))
        .collect();
    let mut indicators: Vec<String> = incoming
        .indicators
        .iter()
        .map(|i| format!("{:?}", i.item))
        .collect();
    let mut values: Vec<ValueRecord> = incoming
        .values
        .iter()
        .map(|v| v.item.record.clone())
        .collect();
    units.sort();
    events.sort();
    indicators.sort();
    values.sort_by(|a, b| a.key.cmp(&b.key));
    (units, events, indicators, values)
}

on_both_backends!(demo_round_trips_through_export, |store| {
    let original = read_files(&demo_files());
    let expected = records(&original);
    let report = load(&store, original).await;
    assert_eq!(report.values_added, expected.3.len());
    let exported = export(&store).await;
    assert_eq!(records(&read_files(&exported)), expected);
    // Importing the export changes nothing, and exporting again gives the same bytes.
    let again = load(&store, read_files(&exported)).await;
    assert_eq!(
        (again.values_added, again.values_changed, again.units_added),
        (0, 0, 0)
    );
    assert_eq!(export(&store).await, exported);
});

fn value(unit: &str, period: &str, v: &str, status: Status) -> ValueRecord {
    ValueRecord {
        key: ValueKey {
            indicator: "KHAM_BENH_XA".into(),
            unit: unit.into(),
            period: period.parse().unwrap(),
            series: Series::Actual,
        },
        figure: Figure {
            value: Decimal::from_str(v).unwrap(),
            status,
            note: String::new(),
        },
    }
}

fn located(record: ValueRecord, file: &str, line: u64) -> Located<IncomingValue> {
    Located {
        item: record.into(),
        location: At::line(file, line),
    }
}

on_both_backends!(a_revised_value_keeps_the_old_one_in_history, |store| {
    load(&store, read_files(&demo_files())).await;
    let revised = Incoming {
        values: vec![located(
            value("06838", "2020S1", "12510", Status::Official),
            "revision.csv",
            2,
        )],
        ..Incoming::default()
    };
    let report = load(&store, revised).await;
    assert_eq!((report.values_changed, report.values_added), (1, 0));
    let filter = ValueFilter {
        unit: Some("06838".into()),
        indicator: Some("KHAM_BENH_XA".into()),
        within: Some("2020".parse().unwrap()),
        ..Default::default()
    };
    let current = store.values(&filter).await.unwrap();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0].record.figure.value, Decimal::from(12510));
    assert_eq!(current[0].revision, 2);
    let history = store.history(current[0].id).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].figure.value, Decimal::from(12480));
    assert_eq!(history[0].figure.status, Status::Estimate);
    assert_eq!(
        history[0].source,
        Source::File {
            path: "values-2018-2020.csv".into(),
            line: 25
        }
    );
    assert_eq!(history[1].figure.status, Status::Official);
    assert_eq!(
        history[1].source,
        Source::File {
            path: "revision.csv".into(),
            line: 2
        }
    );
    assert_eq!(history[1].changed_by, "tester");
    // The same figure again adds no revision.
    let same = Incoming {
        values: vec![located(
            value("06838", "2020S1", "12510.0", Status::Official),
            "again.csv",
            2,
        )],
        ..Incoming::default()
    };
    assert_eq!(load(&store, same).await.values_unchanged, 1);
    assert_eq!(store.history(current[0].id).await.unwrap().len(), 2);
});

on_both_backends!(a_dry_run_writes_nothing, |store| {
    let incoming = read_files(&demo_files());
    let plan = changes::plan(&store.stored().await.unwrap(), incoming).unwrap();
    let report = store.apply(&plan, "tester", true).await.unwrap();
    assert!(report.values_added > 0);
    let counts = store.counts().await.unwrap();
    assert_eq!(
        (
            counts.units,
            counts.values,
            counts.revisions,
            counts.indicators
        ),
        (0, 0, 0, 0)
    );
});

on_both_backends!(a_failing_change_set_leaves_nothing_behind, |store| {
    load(&store, read_files(&demo_files())).await;
    let before = export(&store).await;
    let counts = store.counts().await.unwrap();
    // A plan whose last value names a unit version that does not exist fails inside the
    // transaction, after its new indicator was written.
    let mut plan = ChangeSet::default();
    let mut indicator = store.stored().await.unwrap().indicators[0].clone();
    indicator.code = "NEW_ONE".into();
    plan.new_indicators.push(indicator);
    plan.values.push(PlannedValue {
        record: value("06841", "2020S1", "1", Status::Official),
        unit_valid_from: None,
        source: Source::Cli,
    });
    plan.values.push(PlannedValue {
        record: value("77777", "2020S1", "1", Status::Official),
        unit_valid_from: None,
        source: Source::Cli,
    });
    assert!(store.apply(&plan, "tester", false).await.is_err());
    assert_eq!(export(&store).await, before);
    assert!(
        !store
            .stored()
            .await
            .unwrap()
            .indicators
            .iter()
            .any(|i| i.code == "NEW_ONE")
    );
    assert_eq!(store.counts().await.unwrap(), counts);
});

on_both_backends!(ending_a_unit_before_its_figures_is_refused, |store| {
    load(&store, read_files(&demo_files())).await;
    let plan = ChangeSet {
        closed_units: vec![(
            "06862".into(),
            Some("2025-07-01".parse().unwrap()),
            "2025-12-31".parse().unwrap(),
        )],
        ..ChangeSet::default()
    };
    // Xã Tiên Yên has no figures, so closing it is allowed (dry run keeps the demo intact) …
    store.apply(&plan, "tester", true).await.unwrap();
    // … but xã Bình Liêu has figures for 2026, so it cannot end in 2025.
    let plan = ChangeSet {
        closed_units: vec![(
            "06838".into(),
            Some("2025-07-01".parse().unwrap()),
            "2025-12-31".parse().unwrap(),
        )],
        ..ChangeSet::default()
    };
    match store.apply(&plan, "tester", false).await {
        Err(StoreError::Conflict(text)) => assert!(text.en.contains("06838"), "{}", text.en),
        other => panic!("expected a conflict, got {other:?}"),
    }
    let units = store.stored().await.unwrap().units;
    assert!(
        units
            .iter()
            .any(|u| u.code == "06838" && u.valid_from.is_some() && u.valid_to.is_none())
    );
});

on_both_backends!(stored_history_answers_as_of_questions, |store| {
    load(&store, read_files(&demo_files())).await;
    let stored = store.stored().await.unwrap();
    let registry = solieu_core::lineage::Registry::new(stored.units, stored.events);
    assert!(registry.check().is_empty());
    assert_eq!(
        registry
            .children("198", "2020-06-15".parse().unwrap())
            .len(),
        7
    );
    let xa = registry
        .resolve("06838", "2026-01-01".parse().unwrap())
        .unwrap();
    assert_eq!(registry.version(xa).name, "Xã Bình Liêu");
    let past = registry.composition(
        xa,
        "2026-06-30".parse().unwrap(),
        "2025-06-30".parse().unwrap(),
    );
    assert_eq!(past.parts.len(), 3);
    assert!(past.approximate);
});

#[tokio::test]
async fn a_missing_sqlite_file_is_not_created_by_open() {
    let dir = tempfile::tempdir().unwrap();
    let location = Location::parse(&dir.path().join("nothing-here.db").display().to_string());
    match Store::open(&location).await {
        Err(StoreError::Missing(_)) => {}
        other => panic!("expected Missing, got {other:?}"),
    }
    assert!(!dir.path().join("nothing-here.db").exists());
}

/// Everything a database holds: the exported CSVs and every value's full history.
async fn everything(store: &Store) -> (Vec<(String, Vec<u8>)>, Vec<String>) {
    let mut histories = Vec::new();
    for v in store.values(&ValueFilter::default()).await.unwrap() {
        for r in store.history(v.id).await.unwrap() {
            histories.push(format!("{:?} {:?}", v.record.key, r));
        }
    }
    (export(store).await, histories)
}

fn sample_report(unit: &str) -> solieu_store::NewReport {
    solieu_store::NewReport {
        unit: unit.into(),
        period: "2020S1".into(),
        template: "district.md.j2".into(),
        template_text: "# I. KINH TẾ\n{{ f.GTSX.value_vi }}\n".into(),
        document: r#"{"meta":{},"blocks":[]}"#.into(),
        figures: r#"[{"figure":{"indicator":"GTSX","value":643.41}}]"#.into(),
    }
}

on_both_backends!(reports_are_kept_as_generated, |store| {
    let first = store
        .save_report(&sample_report("198"), "chuyên viên")
        .await
        .unwrap();
    let second = store
        .save_report(&sample_report("06838"), "chuyên viên")
        .await
        .unwrap();
    assert!(second > first);
    let got = store.report(first).await.unwrap().unwrap();
    assert_eq!(got.report, sample_report("198"));
    assert_eq!(got.created_by, "chuyên viên");
    assert!(got.created_at.starts_with("20"));
    assert_eq!(store.reports(None).await.unwrap().len(), 2);
    let for_commune = store.reports(Some("06838")).await.unwrap();
    assert_eq!(for_commune.len(), 1);
    assert_eq!(for_commune[0].id, second);
    assert!(store.report(second + 1).await.unwrap().is_none());
});

async fn backup_and_restore(source: Store, target: Store) {
    load(&source, read_files(&demo_files())).await;
    let revised = Incoming {
        values: vec![located(
            value("06838", "2020S1", "12510", Status::Official),
            "revision.csv",
            2,
        )],
        ..Incoming::default()
    };
    load(&source, revised).await;
    source
        .save_report(&sample_report("06838"), "tester")
        .await
        .unwrap();
    let (backup_location, _dir) = fresh_sqlite();
    let backup = Store::create(&backup_location).await.unwrap();
    source.copy_into(&backup).await.unwrap();
    let report = backup.copy_into(&target).await.unwrap();
    // Every value's first revision and the one revised above.
    let values = report
        .iter()
        .find(|(table, _)| *table == "data_values")
        .map(|(_, n)| *n)
        .unwrap();
    assert!(values > 0);
    assert!(
        report.contains(&("value_revisions", values + 1)),
        "{report:?}"
    );
    let original = everything(&source).await;
    assert_eq!(everything(&target).await, original);
    assert_eq!(original.1.len() as u64, values + 1);
    // The restored database goes on working: a new value gets a fresh id and its own history.
    let more = Incoming {
        values: vec![located(
            value("06841", "2019S1", "9000", Status::Official),
            "more.csv",
            2,
        )],
        ..Incoming::default()
    };
    assert_eq!(load(&target, more).await.values_added, 1);
    // Reports come along, and the next one gets the next number.
    assert_eq!(
        target.reports(None).await.unwrap(),
        source.reports(None).await.unwrap()
    );
    assert_eq!(
        target
            .save_report(&sample_report("198"), "tester")
            .await
            .unwrap(),
        2
    );
    // Restoring into a database that holds data is refused.
    assert!(matches!(
        backup.copy_into(&target).await,
        Err(StoreError::Conflict(_))
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_backup_restores_into_postgres() {
    let (location, _dir) = fresh_sqlite();
    let target = fresh_postgres().await;
    backup_and_restore(
        Store::create(&location).await.unwrap(),
        Store::create(&target).await.unwrap(),
    )
    .await;
    drop_postgres(&target).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_backup_restores_into_sqlite() {
    let source = fresh_postgres().await;
    let (location, _dir) = fresh_sqlite();
    backup_and_restore(
        Store::create(&source).await.unwrap(),
        Store::create(&location).await.unwrap(),
    )
    .await;
    drop_postgres(&source).await;
}

on_both_backends!(streaming_values_for_analysis_gives_every_value, |store| {
    load(&store, read_files(&demo_files())).await;
    let listed = store.values(&ValueFilter::default()).await.unwrap();
    let mut streamed = Vec::new();
    let count = store.for_each_value(|v| streamed.push(v)).await.unwrap();
    assert_eq!(count as usize, listed.len());
    let mut by_id: std::collections::HashMap<i64, &solieu_store::StoredValue> =
        listed.iter().map(|v| (v.id, v)).collect();
    for v in &streamed {
        let l = by_id.remove(&v.id).expect("a listed value");
        assert_eq!(v.record.key, l.record.key);
        assert_eq!(v.record.figure.value, l.record.figure.value);
        assert_eq!(v.record.figure.status, l.record.figure.status);
        assert_eq!(v.updated_by, l.updated_by);
    }
    assert!(by_id.is_empty());
});

/// The demo's indicators and one rule with the message given.
fn rule_with(message: &str) -> Incoming {
    let rules = format!(
        "code,name,left,operator,right,importance,tolerance,message\n\
         KHACH_KHONG_AM,Khách du lịch không âm,KHACH_DL,>=,0,high,,{message}\n"
    );
    let mut files = demo_files();
    files.truncate(1 + DEMO.iter().position(|f| *f == "indicators.csv").unwrap());
    files.push(("rules.csv".into(), rules.into_bytes()));
    read_files(&files)
}

on_both_backends!(a_rule_s_message_is_stored_changed_and_backed_up, |store| {
    load(&store, rule_with("Số khách du lịch không được âm")).await;
    let rules = store.stored().await.unwrap().rules;
    assert_eq!(rules[0].message, "Số khách du lịch không được âm");
    // The same file again changes nothing; a new message is a change like any other field.
    let stored = store.stored().await.unwrap();
    let same = changes::plan(&stored, rule_with("Số khách du lịch không được âm")).unwrap();
    assert!(same.rules.is_empty());
    let new = "Số lượt khách không được âm, đề nghị kiểm tra lại";
    let changed = changes::plan(&stored, rule_with(&format!("\"{new}\""))).unwrap();
    assert_eq!(changed.rules.len(), 1);
    assert_eq!(
        store
            .apply(&changed, "tester", false)
            .await
            .unwrap()
            .rules_written,
        1
    );
    assert_eq!(store.stored().await.unwrap().rules[0].message, new);
    // A backup carries it.
    let (backup_location, _dir) = fresh_sqlite();
    let backup = Store::create(&backup_location).await.unwrap();
    store.copy_into(&backup).await.unwrap();
    assert_eq!(backup.stored().await.unwrap().rules[0].message, new);
});
