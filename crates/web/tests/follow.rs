//! What another process writes to the database reaches the running application at its next
//! look at the store, on SQLite and PostgreSQL.

mod common;

use common::*;
use solieu_core::Decimal;
use solieu_core::changes::{ChangeSet, PlannedValue};
use solieu_core::value::{Figure, Series, Source, Status, ValueKey, ValueRecord};
use solieu_web::follow::CaughtUp;

fn planned(indicator: &str, period: &str, value: i64) -> PlannedValue {
    PlannedValue {
        record: ValueRecord {
            key: ValueKey {
                indicator: indicator.into(),
                unit: "06838".into(),
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

async fn figure(c: &mut Client, indicator: &str) -> serde_json::Value {
    let a = c
        .get(&format!("/api/v1/figures/{indicator}/06838/2005"))
        .await;
    assert_eq!(a.status, axum::http::StatusCode::OK, "{}", a.body);
    a.json()["value"].clone()
}

on_both_backends!(another_process_writes_reach_the_dashboard, |app| {
    // Another handle on the database writes as `solieu import` does: to the store only.
    let import = app.store.clone();
    let mut office = signed_in(&app, "office").await;
    assert_eq!(
        figure(&mut office, "KHAM_BENH_XA").await,
        serde_json::Value::Null
    );

    let mut months = ChangeSet::default();
    for month in 1..=12 {
        months
            .values
            .push(planned("KHAM_BENH_XA", &format!("2005-{month:02}"), month));
    }
    import.apply(&months, "importer", false).await.unwrap();
    let caught = app.catch_up().await.unwrap();
    assert_eq!(
        caught,
        CaughtUp {
            values: 12,
            rebuilt: false
        }
    );
    assert_eq!(
        figure(&mut office, "KHAM_BENH_XA").await,
        serde_json::json!(78)
    );

    // A new indicator changes the catalogue: the engine is built again, with it.
    let mut catalogue = ChangeSet::default();
    let mut indicator = import
        .stored()
        .await
        .unwrap()
        .indicators
        .into_iter()
        .find(|i| i.code == "KHAM_BENH_XA")
        .unwrap();
    indicator.code = "KHAM_BENH_MOI".into();
    catalogue.new_indicators.push(indicator);
    catalogue.values.push(planned("KHAM_BENH_MOI", "2005", 5));
    import.apply(&catalogue, "importer", false).await.unwrap();
    assert!(app.catch_up().await.unwrap().rebuilt);
    assert_eq!(
        figure(&mut office, "KHAM_BENH_MOI").await,
        serde_json::json!(5)
    );
    assert_eq!(
        figure(&mut office, "KHAM_BENH_XA").await,
        serde_json::json!(78)
    );

    // Nothing new: nothing read.
    assert_eq!(app.catch_up().await.unwrap(), CaughtUp::default());
});
