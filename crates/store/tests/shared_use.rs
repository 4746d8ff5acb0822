//! One database used by several handles at once, as a server and `solieu import` use it:
//! writers wait their turn, and each handle learns what the others wrote. Every test runs on
//! SQLite and on PostgreSQL.

use solieu_core::Decimal;
use solieu_core::changes::{self, ChangeSet, Incoming, PlannedValue};
use solieu_core::value::{Figure, Series, Source, Status, ValueKey, ValueRecord};
use solieu_io::{ReadOptions, read_csv};
use solieu_store::test_support::{drop_postgres, fresh_postgres, fresh_sqlite};
use solieu_store::{Location, Store, ValueFilter};

/// Runs `$body` with two handles on one fresh database, as two processes would hold it.
macro_rules! on_both_backends {
    ($name:ident, |$a:ident, $b:ident| $body:block) => {
        mod $name {
            use super::*;

            async fn run($a: Store, $b: Store) $body

            async fn handles(location: &Location) -> (Store, Store) {
                let a = Store::create(location).await.unwrap();
                let b = Store::open(location).await.unwrap();
                (a, b)
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let (location, _dir) = fresh_sqlite();
                let (a, b) = handles(&location).await;
                run(a, b).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let location = fresh_postgres().await;
                let (a, b) = handles(&location).await;
                run(a, b).await;
                drop_postgres(&location).await;
            }
        }
    };
}

/// The demo's register, catalogue and figures.
async fn load_demo(store: &Store) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo");
    let mut incoming = Incoming::default();
    for name in [
        "units.csv",
        "lineage.csv",
        "indicators.csv",
        "values-2018-2020.csv",
    ] {
        let read = read_csv(
            name,
            &std::fs::read(dir.join(name)).unwrap(),
            &ReadOptions::default(),
        );
        assert!(read.problems.is_empty(), "{name}: {:#?}", read.problems);
        incoming.units.extend(read.incoming.units);
        incoming.events.extend(read.incoming.events);
        incoming.indicators.extend(read.incoming.indicators);
        incoming.values.extend(read.incoming.values);
    }
    let plan = changes::plan(&store.stored().await.unwrap(), incoming).unwrap();
    store.apply(&plan, "tester", false).await.unwrap();
}

fn planned(indicator: &str, unit: &str, period: &str, value: i64) -> PlannedValue {
    PlannedValue {
        record: ValueRecord {
            key: ValueKey {
                indicator: indicator.into(),
                unit: unit.into(),
                period: period.parse().unwrap(),
                series: Series::Actual,
            },
            figure: Figure {
                value: Decimal::from(value),
                status: Status::Official,
                note: String::new(),
            },
        },
        unit_valid_from: None,
        source: Source::Cli,
    }
}

/// A long import: every month of 2000–2017 for the old district's communes.
fn months_of_the_old_district() -> ChangeSet {
    let mut plan = ChangeSet::default();
    for unit in [
        "06838", "06841", "06844", "06847", "06853", "06856", "06859",
    ] {
        for year in 2000..2018 {
            for month in 1..=12 {
                let period = format!("{year}-{month:02}");
                for indicator in ["KHAM_BENH_XA", "KHACH_DL", "DOANH_THU_DL"] {
                    plan.values.push(planned(indicator, unit, &period, month));
                }
            }
        }
    }
    plan
}

on_both_backends!(concurrent_writers_all_succeed, |a, b| {
    load_demo(&a).await;
    let long = months_of_the_old_district();
    let expected = long.values.len();
    let import = tokio::spawn({
        let a = a.clone();
        async move { a.apply(&long, "importer", false).await }
    });
    // A clerk saving one figure again and again from the other handle while the import runs.
    let clerk = tokio::spawn({
        let b = b.clone();
        async move {
            let mut results = Vec::new();
            for i in 0..12 {
                let mut plan = ChangeSet::default();
                plan.values
                    .push(planned("KHAM_BENH_XA", "06841", "2020S1", 20_000 + i));
                results.push(b.apply(&plan, "clerk", false).await);
            }
            results
        }
    });
    let imported = import.await.unwrap().expect("the import succeeds");
    assert_eq!(imported.values_added, expected);
    for (i, saved) in clerk.await.unwrap().into_iter().enumerate() {
        let saved = saved.unwrap_or_else(|e| panic!("save {i} failed beside the import: {e}"));
        assert_eq!(saved.values_changed, 1);
    }
    let filter = ValueFilter {
        unit: Some("06841".into()),
        indicator: Some("KHAM_BENH_XA".into()),
        within: Some("2020S1".parse().unwrap()),
        ..Default::default()
    };
    let current = b.values(&filter).await.unwrap();
    let saved = current
        .iter()
        .find(|v| v.record.key.period.code() == "2020S1")
        .unwrap();
    assert_eq!(saved.record.figure.value, Decimal::from(20_011));
    // The demo's figure and the twelve saves.
    assert_eq!(b.history(saved.id).await.unwrap().len(), 13);
});

on_both_backends!(a_handle_learns_what_another_wrote, |a, b| {
    load_demo(&a).await;
    let start = b.feed_position().await.unwrap();
    assert_eq!(b.changes_since(&start).await.unwrap().values.len(), 0);

    let mut plan = ChangeSet::default();
    plan.values
        .push(planned("KHAM_BENH_XA", "06841", "2020S1", 12_345));
    plan.values.push(planned("KHACH_DL", "06841", "2017-03", 7));
    // A dry run and a session change nothing the feed tells.
    a.apply(&plan, "clerk", true).await.unwrap();
    let user = solieu_store::NewUser {
        username: "xa".into(),
        display_name: "Xã".into(),
        password_hash: "x".into(),
        role: "commune".into(),
        unit_code: Some("06841".into()),
        groups: Vec::new(),
    };
    let user_id = a.add_user(&user, "admin").await.unwrap();
    let after_user = b.revision().await.unwrap();
    a.create_session("h", user_id, "c", chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(b.revision().await.unwrap(), after_user);

    a.apply(&plan, "clerk", false).await.unwrap();
    let changes = b.changes_since(&start).await.unwrap();
    assert!(changes.position.revision > start.revision);
    assert!(!changes.catalogue_changed, "figures alone keep the engine");
    let mut seen: Vec<(String, String, Decimal)> = changes
        .values
        .iter()
        .map(|v| {
            (
                v.record.key.indicator.clone(),
                v.record.key.period.code(),
                v.record.figure.value,
            )
        })
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        vec![
            ("KHACH_DL".into(), "201703".into(), Decimal::from(7)),
            (
                "KHAM_BENH_XA".into(),
                "2020S1".into(),
                Decimal::from(12_345)
            ),
        ]
    );
    // Nothing more after the position it reached.
    let again = b.changes_since(&changes.position).await.unwrap();
    assert!(again.values.is_empty() && !again.catalogue_changed);

    let mut catalogue = ChangeSet::default();
    let mut indicator = a.stored().await.unwrap().indicators[0].clone();
    indicator.code = "NEW_ONE".into();
    catalogue.new_indicators.push(indicator);
    a.apply(&catalogue, "office", false).await.unwrap();
    let changes = b.changes_since(&changes.position).await.unwrap();
    assert!(
        changes.catalogue_changed,
        "a new indicator rebuilds the engine"
    );
});
