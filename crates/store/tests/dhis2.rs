//! The DHIS2 identifier links (`dhis2_ids`) on SQLite and PostgreSQL: written with an import's
//! figures in one transaction, unchanged links left alone, a changed one logged.

use solieu_core::changes::ChangeSet;
use solieu_core::programs::ProgramChanges;
use solieu_store::test_support::{drop_postgres, fresh_postgres, fresh_sqlite};
use solieu_store::{Dhis2Id, ImportWrite, Store};

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

fn link(dhis2: &str, ours: &str) -> Dhis2Id {
    Dhis2Id {
        kind: "orgUnit".into(),
        dhis2: dhis2.into(),
        code: Some(ours.into()),
        ours: ours.into(),
    }
}

async fn write(store: &Store, ids: &[Dhis2Id], dry_run: bool) -> usize {
    let write = ImportWrite {
        changes: &ChangeSet::default(),
        programs: &ProgramChanges::default(),
        data_sets: &[],
        dhis2_ids: ids,
    };
    store
        .apply_import(write, "tester", "test", dry_run, &|_| {})
        .await
        .unwrap()
        .dhis2_ids_written
}

on_both_backends!(links_are_written_once_and_a_change_is_logged, |store| {
    let ids = [link("O6uvpzGd5pu", "OU_264"), link("ImspTQPwCqd", "OU_525")];
    // A dry run counts and keeps nothing.
    assert_eq!(write(&store, &ids, true).await, 2);
    assert!(store.dhis2_ids().await.unwrap().is_empty());
    assert_eq!(write(&store, &ids, false).await, 2);
    let logged = store.feed_position().await.unwrap().change;
    assert_eq!(write(&store, &ids, false).await, 0);
    assert_eq!(store.feed_position().await.unwrap().change, logged);
    let stored = store.dhis2_ids().await.unwrap();
    assert_eq!(stored.len(), 2);
    assert!(stored.contains(&ids[0]));
    // A link that now names another code replaces the old one, which the change log keeps.
    assert_eq!(write(&store, &[link("O6uvpzGd5pu", "BO")], false).await, 1);
    let stored = store.dhis2_ids().await.unwrap();
    assert_eq!(
        stored
            .iter()
            .find(|l| l.dhis2 == "O6uvpzGd5pu")
            .unwrap()
            .ours,
        "BO"
    );
    assert_eq!(store.feed_position().await.unwrap().change, logged + 1);
});
