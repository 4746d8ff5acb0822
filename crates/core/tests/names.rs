//! Codes named through a made catalogue id (`core-event-<code>`, `core-task-status-<code>`):
//! each code has its name in both languages, not the id shown in its place.

use solieu_core::lineage::EventKind;
use solieu_core::problem::Lang;
use solieu_core::programs::tasks::TaskStatus;

#[test]
fn every_event_kind_and_task_status_has_a_name_in_both_languages() {
    let events = [
        EventKind::Merge,
        EventKind::Split,
        EventKind::Rename,
        EventKind::Move,
    ];
    let statuses = [TaskStatus::Open, TaskStatus::Done, TaskStatus::Cancelled];
    let names = events
        .iter()
        .map(|e| (e.code(), e.name()))
        .chain(statuses.iter().map(|s| (s.code(), s.name())));
    for (code, name) in names {
        for lang in Lang::ALL {
            let text = name.get(lang);
            assert!(
                !text.is_empty() && !text.contains("core-"),
                "{code}: {text}"
            );
        }
        assert_ne!(name.vi, name.en, "{code}: not translated");
    }
    assert_eq!(EventKind::Merge.name().vi, "sáp nhập");
    assert_eq!(TaskStatus::Done.name().en, "done");
}
