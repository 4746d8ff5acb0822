//! A translator sees a change without a build: `SOLIEU_LOCALES` replaces compiled messages.
//! Alone in its test binary, since the catalogues are read once per process.

use solieu_i18n::{Lang, tr};

#[test]
fn a_translators_folder_replaces_compiled_messages_and_keeps_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("vi")).unwrap();
    std::fs::write(
        dir.path().join("vi/sua.ftl"),
        "core-event-merge = nhập vào\nthis is not fluent {\n",
    )
    .unwrap();
    // SAFETY: the only test of this binary; nothing else reads the environment meanwhile.
    unsafe { std::env::set_var(solieu_i18n::LOCALES_ENV, dir.path()) };
    assert_eq!(tr(Lang::Vi, "core-event-merge"), "nhập vào");
    assert_eq!(tr(Lang::Vi, "core-event-split"), "chia tách");
    assert_eq!(tr(Lang::En, "core-event-merge"), "merge");
}
