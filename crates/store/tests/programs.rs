//! The program registers in storage, on SQLite and PostgreSQL: written with history, read
//! back, copied by a backup.

use solieu_core::changes::{self, ChangeSet};
use solieu_core::problem::Location as At;
use solieu_core::programs::{self, Incoming, tasks};
use solieu_io::programs::read_program_csv;
use solieu_store::Store;
use solieu_store::test_support::{drop_postgres, fresh_postgres, fresh_sqlite};

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

const UNITS: &str = "code,name,kind,parent\n198,Huyện Bình Liêu,huyen,\n06841,Xã Hoành Mô,xa,198\n";
const SET: &str = "set,set_name,level,group,criterion,criterion_name,indicator,indicator_name,region,operator,threshold
S1,Bộ thử,chuan,,1,Thu nhập,1.1,Thu nhập bình quân,,>=,50
S1,Bộ thử,chuan,,1,Thu nhập,1.1,Thu nhập bình quân,mien_nui,>=,36
";
const COMMUNES: &str = "set,commune,region,target_year\nS1,06841,mien_nui,2020\n";
const DOCUMENTS: &str =
    "number,date,issuer,kind,summary\n650-KL/HU,2020-05-26,Huyện ủy Bình Liêu,,Kết luận\n";
const TASKS: &str = "task,document,agency,title,deadline,cites,status,status_date\nT1,650-KL/HU,Phòng Tài nguyên và Môi trường,Cấp giấy chứng nhận,2020-06-30,,,\n";

fn read(files: &[(&str, &str)]) -> Incoming {
    let mut incoming = Incoming::default();
    for (name, text) in files {
        let r = read_program_csv(name, text.as_bytes(), None);
        assert!(r.problems.is_empty(), "{name}: {:#?}", r.problems);
        incoming.extend(r.incoming);
    }
    incoming
}

async fn apply(store: &Store, incoming: Incoming) -> programs::ProgramChanges {
    let stored = store.stored().await.unwrap();
    let c = programs::plan(&store.programs().await.unwrap(), &stored.units, incoming).unwrap();
    store
        .apply_with_programs(&ChangeSet::default(), &c, "tester", "test", false, &|_| {})
        .await
        .unwrap();
    c
}

on_both_backends!(assessments_and_task_states_keep_their_history, |store| {
    let units = solieu_io::read_csv("u.csv", UNITS.as_bytes(), &Default::default());
    let plan = changes::plan(&store.stored().await.unwrap(), units.incoming).unwrap();
    store.apply(&plan, "tester", false).await.unwrap();
    let assessed = |v: &str| {
        format!(
            "set,commune,date,indicator,value,evidence,assessed_by\nS1,06841,2020-06-15,1.1,{v},Biên bản,VP NTM\n"
        )
    };
    let first = assessed("35");
    apply(
        &store,
        read(&[
            ("set.csv", SET),
            ("c.csv", COMMUNES),
            ("a.csv", &first),
            ("d.csv", DOCUMENTS),
            ("t.csv", TASKS),
        ]),
    )
    .await;
    let p = store.programs().await.unwrap();
    assert_eq!(p.sets[0].indicators[0].thresholds.len(), 2);
    let day = "2020-06-20".parse().unwrap();
    let status = |p: &programs::Programs| {
        programs::ntm::status(&p.sets[0], &p.enrolments[0], &p.assessments, day)
    };
    assert_eq!(status(&p).criteria_met, 0);

    // The same file again changes nothing; a corrected value supersedes and the old one stays.
    let again = apply(&store, read(&[("set.csv", SET), ("a.csv", &first)])).await;
    assert!(again.is_empty());
    let corrected = assessed("36.5");
    let c = apply(&store, read(&[("a.csv", &corrected)])).await;
    assert_eq!(c.reassessed, 1);
    let p = store.programs().await.unwrap();
    assert_eq!(p.assessments.len(), 2);
    assert_eq!(p.assessments[0].value, "35".parse().unwrap());
    assert_eq!(status(&p).criteria_met, 1);

    // Completing a task is recorded in its history with who and where from.
    store
        .set_task_status(
            "T1",
            tasks::TaskStatus::Done,
            "2020-07-03".parse().unwrap(),
            "Đã cấp 12 giấy",
            "clerk",
            "solieu tasks done",
        )
        .await
        .unwrap();
    let p = store.programs().await.unwrap();
    assert_eq!(p.tasks[0].status, tasks::TaskStatus::Done);
    let history: Vec<_> = p.task_history.iter().filter(|e| e.task == "T1").collect();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].status, tasks::TaskStatus::Open);
    assert_eq!(
        (
            history[1].by.as_str(),
            history[1].note.as_str(),
            history[1].source.as_str()
        ),
        ("clerk", "Đã cấp 12 giấy", "solieu tasks done")
    );
    assert!(
        store
            .set_task_status("T9", tasks::TaskStatus::Done, day, "", "clerk", "x")
            .await
            .is_err()
    );

    // A backup holds the registers and their history.
    let (location, _dir) = fresh_sqlite();
    let copy = Store::create(&location).await.unwrap();
    store.copy_into(&copy).await.unwrap();
    let copied = copy.programs().await.unwrap();
    assert_eq!(copied.assessments, p.assessments);
    assert_eq!(copied.sets, p.sets);
    assert_eq!(copied.task_history, p.task_history);
    assert_eq!(copied.tasks, p.tasks);
});

on_both_backends!(a_task_citing_an_unknown_document_is_refused, |store| {
    let incoming = read(&[("t.csv", TASKS)]);
    let stored = store.stored().await.unwrap();
    let problems =
        programs::plan(&store.programs().await.unwrap(), &stored.units, incoming).unwrap_err();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].location, At::line("t.csv", 2));
    assert_eq!(problems[0].value.as_deref(), Some("650-KL/HU"));
});
