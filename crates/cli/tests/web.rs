//! The web application's commands as a user meets them: accounts and data sets.

mod common;

use common::*;
use std::process::Command;

/// `solieu user …` with the password given the way a script gives it.
fn user(db: &str, args: &[&str], password: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_solieu"))
        .args(["--db", db, "--lang", "en", "user"])
        .args(args)
        .env("SOLIEU_USER", "test-admin")
        .env("SOLIEU_PASSWORD", password)
        .env_remove("SOLIEU_DB")
        .output()
        .unwrap()
}

fn text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_are_added_changed_and_disabled_on_both_backends() {
    for backend in ["sqlite", "postgres"] {
        let dir = tempfile::tempdir().unwrap();
        let db = database(backend, dir.path()).await;
        ok(&db, &["init"]);
        let add = ["add", "xa1", "--role", "commune", "--unit", "06838"];
        let out = user(&db, &add, "mat-khau-dai");
        assert!(out.status.success(), "{}", text(&out));
        let again = user(&db, &add, "mat-khau-dai");
        assert!(!again.status.success());
        assert!(text(&again).contains("xa1"), "{}", text(&again));
        let short = user(
            &db,
            &["add", "xa2", "--role", "commune", "--unit", "06841"],
            "ngan",
        );
        assert!(!short.status.success(), "a short password is refused");
        let no_unit = user(&db, &["add", "xa3", "--role", "commune"], "mat-khau-dai");
        assert!(text(&no_unit).contains("--unit"), "{}", text(&no_unit));
        let bad_role = user(&db, &["add", "xa4", "--role", "mayor"], "mat-khau-dai");
        assert!(
            text(&bad_role).contains("unknown role"),
            "{}",
            text(&bad_role)
        );
        assert!(
            user(&db, &["passwd", "xa1"], "mat-khau-moi")
                .status
                .success()
        );
        assert!(
            !user(&db, &["passwd", "nobody"], "mat-khau-moi")
                .status
                .success()
        );
        assert!(user(&db, &["disable", "xa1"], "").status.success());
        let store = solieu_store::Store::open(&solieu_store::Location::parse(&db))
            .await
            .unwrap();
        let u = store.user_by_name("xa1").await.unwrap().unwrap();
        assert!(u.disabled);
        assert!(u.password_hash.starts_with("$argon2id$"));
        store.close().await;
        cleanup(&db).await;
    }
}

#[test]
fn a_data_set_file_is_imported_or_refused_with_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db").display().to_string();
    ok(&db, &["demo", "--no-serve"]);
    let bad = dir.path().join("datasets.csv");
    std::fs::write(
        &bad,
        "code,name,name_en,period_type,deadline_days,indicators\nX,Bộ X,,half,10,KHAM_BENH_XA NO_SUCH\n",
    )
    .unwrap();
    let out = solieu(&db, &["import", &bad.display().to_string()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("datasets.csv")
            && err.contains("line 2")
            && err.contains("indicators")
            && err.contains("NO_SUCH"),
        "{err}"
    );
    std::fs::write(
        &bad,
        "code,name,name_en,period_type,deadline_days,indicators\nX,Bộ X,,quarter,10,KHAM_BENH_XA\n",
    )
    .unwrap();
    let out = ok(&db, &["import", &bad.display().to_string()]);
    assert!(out.contains("data sets written: 1"), "{out}");
}

/// A mistyped trusted proxy stops `solieu serve` before it listens, naming what was wrong,
/// from the option and from the environment alike.
#[test]
fn a_trusted_proxy_that_is_not_an_address_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db").display().to_string();
    let serve = |args: &[&str], env: Option<&str>| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_solieu"));
        c.args([
            "--db",
            &db,
            "--lang",
            "en",
            "serve",
            "--listen",
            "127.0.0.1:1",
        ])
        .args(args)
        .env_remove("SOLIEU_DB")
        .env_remove("SOLIEU_TRUSTED_PROXIES");
        if let Some(value) = env {
            c.env("SOLIEU_TRUSTED_PROXIES", value);
        }
        c.output().unwrap()
    };
    let out = serve(&["--trusted-proxy", "10.0.0.0/8,proxy.local"], None);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("“proxy.local” is not an IP address or network"),
        "{}",
        text(&out)
    );
    let out = serve(&[], Some("127.0.0.1, 10.0.0.300"));
    assert!(!out.status.success());
    assert!(text(&out).contains("“10.0.0.300”"), "{}", text(&out));
}

on_both_backends!(
    the_approval_levels_are_taken_from_the_command_line,
    |db, dir| {
        ok(db, &["demo", "--no-serve"]);
        let sets = dir.join("levels.csv");
        std::fs::write(
            &sets,
            "code,name,name_en,period_type,deadline_days,indicators,levels\n\
         YTE_XA,Y tế xã 6 tháng,,half,15,KHAM_BENH_XA,department leader\n",
        )
        .unwrap();
        ok(db, &["import", &sets.display().to_string()]);
        let step = |user: &str, args: &[&str]| {
            let mut all = vec!["--user", user, "workflow"];
            all.extend_from_slice(args);
            solieu(db, &all)
        };
        let form = ["YTE_XA", "06838", "2026S2"];
        let with = |action: &'static str| -> Vec<&'static str> {
            let mut a = vec![action];
            a.extend_from_slice(&form);
            a
        };
        let out = step("xabinhlieu", &with("submit"));
        assert!(out.status.success(), "{}", text(&out));
        assert!(
            text(&out).contains("YTE_XA 06838 2026S2: submitted"),
            "{}",
            text(&out)
        );
        // The commune approves at no level; the leader waits for the department.
        let out = step("xabinhlieu", &with("approve"));
        assert!(!out.status.success());
        let out = step("lanhdao", &with("approve"));
        assert!(!out.status.success());
        assert!(
            text(&out).contains("Not the approval level awaited"),
            "{}",
            text(&out)
        );
        let out = step("yte", &with("approve"));
        assert!(out.status.success(), "{}", text(&out));
        let out = step("lanhdao", &with("return"));
        assert!(text(&out).contains("needs a reason"), "{}", text(&out));
        let mut back = with("return");
        back.extend_from_slice(&["--reason", "Thiếu số khám"]);
        let out = step("lanhdao", &back);
        assert!(out.status.success(), "{}", text(&out));
        let out = step("vanphong", &with("show"));
        let shown = text(&out);
        assert!(
            shown.contains("YTE_XA 06838 2026S2: returned for correction"),
            "{shown}"
        );
        for line in [
            "xabinhlieu · submit",
            "yte · approve (level 1)",
            "lanhdao · return (level 2): Thiếu số khám",
        ] {
            assert!(shown.contains(line), "{line} in {shown}");
        }
        // Not an account: told so.
        let out = step("nobody", &with("show"));
        assert!(text(&out).contains("there is no account"), "{}", text(&out));
    }
);
