//! The server on the public internet (issue 11): security headers on every answer, sign-in
//! throttling that no one can turn against others, no database text in an error, and a
//! commune that cannot rewrite the figures of its predecessor of the same code.

mod common;

use axum::http::StatusCode;
use common::{Client, PASSWORD, record_report, signed_in};
use serde_json::json;
use solieu_store::{Location, Store, ValueFilter};
use solieu_web::auth::TrustedProxies;
use solieu_web::headers::CSP;
use solieu_web::{App, Shared};
use std::net::SocketAddr;
use std::sync::Arc;

fn peer(ip: &str) -> Option<SocketAddr> {
    Some(SocketAddr::new(ip.parse().unwrap(), 40000))
}

/// Checks the headers every answer must carry; `private` when it must not be kept.
fn assert_secure(what: &str, a: &common::Answer, private: bool) {
    assert_eq!(a.header("content-security-policy"), CSP, "{what}");
    assert_eq!(a.header("x-frame-options"), "DENY", "{what}");
    assert_eq!(a.header("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(a.header("referrer-policy"), "same-origin", "{what}");
    if private {
        assert_eq!(a.header("cache-control"), "no-store", "{what}");
    }
}

on_both_backends!(every_answer_carries_the_security_headers, |app| {
    let mut c = signed_in(&app, "binhlieu").await;
    let page = c.get("/dashboard").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_secure("a page", &page, true);
    let api = c.get("/api/v1/me").await;
    assert_eq!(api.status, StatusCode::OK);
    assert_secure("an API answer", &api, true);
    let refused = c.get("/forms/BC_XA_6T/06841/2026S2").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_secure("an error page", &refused, true);
    let missing = c.get("/api/v1/nothing-here").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_secure("an API error", &missing, true);
    for file in ["/static/style.css", "/static/app.js"] {
        let a = Client::new(&app).get(file).await;
        assert_eq!(a.status, StatusCode::OK);
        assert_secure(file, &a, false);
        assert!(a.header("cache-control").contains("max-age"), "{file}");
    }
    // Plain HTTP on loopback: HSTS would pin every local server of this name to HTTPS.
    assert_eq!(page.header("strict-transport-security"), "");
});

#[tokio::test]
async fn hsts_is_sent_when_served_through_tls() {
    let (location, _dir) = solieu_store::test_support::fresh_sqlite();
    let app = app_with(&location, true, TrustedProxies::default()).await;
    let a = Client::new(&app).get("/login").await;
    assert!(
        a.header("strict-transport-security")
            .starts_with("max-age="),
        "{:?}",
        a.headers
    );
}

// The pages, as a browser under the policy sees them: no inline script, style or handler.
on_both_backends!(no_page_needs_inline_script_or_style, |app| {
    let mut c = signed_in(&app, "admin").await;
    let id = app.store.values(&ValueFilter::default()).await.unwrap()[0].id;
    let pages = [
        "/login".to_string(),
        "/dashboard?unit=22&period=2026S1".into(),
        "/dashboard?unit=06838&period=2026S1&indicator=KHAM_BENH_XA".into(),
        "/entry".into(),
        "/forms/BC_XA_6T/06838/2026S1".into(),
        "/completeness".into(),
        "/provenance?indicator=KHAM_BENH_XA&unit=22&period=2026S1".into(),
        format!("/values/{id}"),
        "/public?period=2026S1".into(),
        "/no-such-page".into(),
    ];
    for uri in pages {
        let body = c.get(&uri).await.body;
        let lower = body.to_lowercase();
        assert!(!lower.contains("<style"), "{uri}: inline <style>");
        assert!(!lower.contains(" style="), "{uri}: a style attribute");
        assert!(!lower.contains("<script>"), "{uri}: inline <script>");
        assert!(!lower.contains("javascript:"), "{uri}: a javascript: link");
        for handler in [
            " onclick=",
            " onload=",
            " onchange=",
            " onsubmit=",
            " oninput=",
        ] {
            assert!(!lower.contains(handler), "{uri}: {handler}");
        }
    }
});

/// The demo application with its accounts, served as `solieu serve` would with these options.
async fn app_with(location: &Location, secure: bool, proxies: TrustedProxies) -> Shared {
    let store = Store::create(location).await.unwrap();
    common::fill(&store).await;
    let mut app = App::new(store, secure).await.unwrap();
    app.trusted_proxies = proxies;
    Arc::new(app)
}

/// Fails sign-ins with fresh random names until the throttle answers 429.
async fn spray_page(c: &mut Client) {
    for k in 0..solieu_web::auth::THROTTLE_WIDE_LIMIT {
        let a = c.sign_in(&format!("nobody-{k}"), "wrong").await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "attempt {k}");
    }
    let a = c.sign_in("nobody-else", "wrong").await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
}

async fn token(c: &mut Client, username: &str, password: &str) -> StatusCode {
    c.post_json(
        "/api/v1/tokens",
        json!({"username": username, "password": password}),
        None,
    )
    .await
    .status
}

on_both_backends!(
    a_flood_of_names_from_one_address_locks_out_only_that_address,
    |app| {
        let mut attacker = Client::new(&app);
        attacker.peer = peer("198.51.100.7");
        for k in 0..solieu_web::auth::THROTTLE_WIDE_LIMIT {
            let name = format!("random-{k}");
            assert_eq!(
                token(&mut attacker, &name, "x").await,
                StatusCode::UNAUTHORIZED
            );
        }
        assert_eq!(
            token(&mut attacker, "hoanhmo", PASSWORD).await,
            StatusCode::TOO_MANY_REQUESTS
        );
        assert_eq!(
            attacker.sign_in("hoanhmo", PASSWORD).await.status,
            StatusCode::TOO_MANY_REQUESTS
        );
        // The real officer, elsewhere, signs in on the API and on the page.
        let mut officer = Client::new(&app);
        officer.peer = peer("203.0.113.20");
        assert_eq!(
            token(&mut officer, "hoanhmo", PASSWORD).await,
            StatusCode::OK
        );
        assert_eq!(
            officer.sign_in("hoanhmo", PASSWORD).await.status,
            StatusCode::SEE_OTHER
        );
    }
);

// Wrong passwords for one account from one address block that account there, not elsewhere.
on_both_backends!(
    guessing_one_account_blocks_the_guesser_not_the_owner,
    |app| {
        let mut guesser = Client::new(&app);
        guesser.peer = peer("198.51.100.8");
        for _ in 0..solieu_web::auth::THROTTLE_LIMIT {
            assert_eq!(
                token(&mut guesser, "binhlieu", "wrong").await,
                StatusCode::UNAUTHORIZED
            );
        }
        assert_eq!(
            token(&mut guesser, "binhlieu", PASSWORD).await,
            StatusCode::TOO_MANY_REQUESTS
        );
        let mut owner = Client::new(&app);
        owner.peer = peer("203.0.113.21");
        assert_eq!(
            owner.sign_in("binhlieu", PASSWORD).await.status,
            StatusCode::SEE_OTHER
        );
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_clients_are_counted_apart() {
    let (location, _dir) = solieu_store::test_support::fresh_sqlite();
    let proxies = TrustedProxies::parse("127.0.0.1, 10.0.0.0/8").unwrap();
    let app = app_with(&location, false, proxies).await;
    let through_proxy = |client: &str| {
        let mut c = Client::new(&app);
        c.peer = peer("127.0.0.1");
        // What the client wrote, then what the two proxies appended.
        c.headers = vec![(
            "x-forwarded-for".into(),
            format!("1.2.3.4, {client}, 10.1.1.1"),
        )];
        c
    };
    let mut attacker = through_proxy("198.51.100.9");
    spray_page(&mut attacker).await;
    assert_eq!(
        token(&mut attacker, "leader", PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    let mut colleague = through_proxy("198.51.100.10");
    assert_eq!(
        colleague.sign_in("leader", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        token(&mut colleague, "leader", PASSWORD).await,
        StatusCode::OK
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_untrusted_peer_cannot_escape_its_counter_with_a_forged_header() {
    let (location, _dir) = solieu_store::test_support::fresh_sqlite();
    let proxies = TrustedProxies::parse("10.0.0.0/8").unwrap();
    let app = app_with(&location, false, proxies).await;
    let mut attacker = Client::new(&app);
    attacker.peer = peer("198.51.100.11");
    for k in 0..solieu_web::auth::THROTTLE_WIDE_LIMIT {
        // A new made-up client on every attempt.
        attacker.headers = vec![("x-forwarded-for".into(), format!("192.0.2.{k}"))];
        let name = format!("random-{k}");
        assert_eq!(
            token(&mut attacker, &name, "x").await,
            StatusCode::UNAUTHORIZED
        );
    }
    attacker.headers = vec![("x-forwarded-for".into(), "192.0.2.250".into())];
    assert_eq!(
        token(&mut attacker, "office", PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        attacker.sign_in("office", PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

/// A connection of its own to the test database, to break it behind the server's back.
async fn raw(location: &Location) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    let url = match location.sqlite_path() {
        Some(path) => format!("sqlite:{}", path.display()),
        None => location.given.clone(),
    };
    sqlx::AnyPool::connect(&url).await.unwrap()
}

async fn no_database_text_reaches_the_client(location: Location) {
    let app = app_with(&location, false, TrustedProxies::default()).await;
    let mut c = signed_in(&app, "admin").await;
    let pool = raw(&location).await;
    sqlx::query("ALTER TABLE data_sets RENAME TO data_sets_gone")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    for uri in ["/entry", "/api/v1/datasets"] {
        let a = c.get(uri).await;
        assert_eq!(a.status, StatusCode::INTERNAL_SERVER_ERROR, "{uri}");
        let body = a.body.to_lowercase();
        for word in [
            "data_sets",
            "table",
            "relation",
            "sql",
            "database",
            "cơ sở dữ liệu",
        ] {
            assert!(!body.contains(word), "{uri} says “{word}”: {}", a.body);
        }
        assert!(a.body.contains("mã tham chiếu"), "{uri}: {}", a.body);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_error_is_told_without_its_text_sqlite() {
    let (location, _dir) = solieu_store::test_support::fresh_sqlite();
    no_database_text_reaches_the_client(location).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_error_is_told_without_its_text_postgres() {
    let location = solieu_store::test_support::fresh_postgres().await;
    no_database_text_reaches_the_client(location.clone()).await;
    solieu_store::test_support::drop_postgres(&location).await;
}

async fn stored(app: &Shared, unit: &str, period: &str) -> Vec<String> {
    app.store
        .values(&ValueFilter {
            unit: Some(unit.into()),
            within: Some(period.parse().unwrap()),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .map(|v| format!("{:?} {}", v.record, v.revision))
        .collect()
}

// xã Hoành Mô (06841) since 01/07/2025 took over the code of the old xã Hoành Mô; the old
// commune's figures (2020, and the first half of 2025) are not the new officer's to change.
on_both_backends!(a_commune_cannot_rewrite_its_predecessors_figures, |app| {
    let mut c = signed_in(&app, "hoanhmo").await;
    let csrf = c.csrf().await;
    for period in ["2020S1", "2025S1"] {
        let before = stored(&app, "06841", period).await;
        assert!(!before.is_empty(), "the demo has figures for {period}");
        let value_id = app
            .store
            .values(&ValueFilter {
                unit: Some("06841".into()),
                within: Some(period.parse().unwrap()),
                ..Default::default()
            })
            .await
            .unwrap()[0]
            .id;
        let form = format!("/forms/BC_XA_6T/06841/{period}");
        let mut answers = vec![
            ("GET form", c.get(&form).await.status),
            (
                "GET API form",
                c.get(&format!("/api/v1{form}")).await.status,
            ),
            (
                "GET value",
                c.get(&format!("/values/{value_id}")).await.status,
            ),
            (
                "GET workbook",
                c.get(&format!("{form}/bieu.xlsx")).await.status,
            ),
        ];
        let fields = [
            ("csrf", csrf.as_str()),
            ("value:KHAM_BENH_XA", "1"),
            ("status:KHAM_BENH_XA", "official"),
        ];
        answers.push(("POST form", c.post_form(&form, &fields).await.status));
        let values = json!({"values": [{"indicator": "KHAM_BENH_XA", "value": "1"}]});
        let api_save = c
            .post_json(&format!("/api/v1{form}"), values.clone(), Some(&csrf))
            .await;
        answers.push(("POST API form", api_save.status));
        let check = format!("/api/v1/check/BC_XA_6T/06841/{period}");
        answers.push((
            "POST check",
            c.post_json(&check, values, Some(&csrf)).await.status,
        ));
        let upload = format!("/upload/BC_XA_6T/06841/{period}");
        answers.push((
            "POST upload",
            c.post_file(&upload, &csrf, "bieu.xlsx", b"not read")
                .await
                .status,
        ));
        for step in ["submit", "reopen"] {
            let uri = format!("{form}/{step}");
            let fields = [("csrf", csrf.as_str()), ("reason", "thử")];
            answers.push(("POST step", c.post_form(&uri, &fields).await.status));
            let api = c
                .post_json(
                    &format!("/api/v1{uri}"),
                    json!({"reason": "thử"}),
                    Some(&csrf),
                )
                .await;
            answers.push(("POST API step", api.status));
        }
        for (what, status) in answers {
            // A value's history answers 404 to whoever may not see it: its id tells nothing.
            let refused = [StatusCode::FORBIDDEN, StatusCode::NOT_FOUND];
            assert!(refused.contains(&status), "{what} {period}: {status}");
            if what != "GET value" {
                assert_eq!(status, StatusCode::FORBIDDEN, "{what} {period}");
            }
        }
        assert_eq!(stored(&app, "06841", period).await, before, "{period}");
    }
    // Its own periods stay its own.
    let own = c.get("/forms/BC_XA_6T/06841/2025S2").await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
    // And the old figures, once published, are read on the public page as anyone reads them.
    assert_eq!(c.get("/public?period=2020S1").await.status, StatusCode::OK);
});

on_both_backends!(page_forms_are_small_and_workbooks_keep_their_room, |app| {
    let mut c = signed_in(&app, "binhlieu").await;
    let csrf = c.csrf().await;
    let form = "/forms/BC_XA_6T/06838/2026S2";
    let note = "x".repeat(solieu_web::pages::FORM_LIMIT);
    let fields = [
        ("csrf", csrf.as_str()),
        ("value:KHAM_BENH_XA", "1"),
        ("note:KHAM_BENH_XA", note.as_str()),
    ];
    let a = c.post_form(form, &fields).await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_secure("a refused body", &a, true);
    assert!(a.body.contains("Dữ liệu gửi lên quá lớn"), "{}", a.body);
    // A megabyte is more than a form but fits a workbook: it is read (and refused as not
    // a workbook), not cut off.
    let upload = "/upload/BC_XA_6T/06838/2026S2";
    let a = c
        .post_file(upload, &csrf, "bieu.xlsx", &vec![b'x'; 1 << 20])
        .await;
    assert_ne!(a.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", a.body);
    assert_ne!(a.status, StatusCode::OK, "{}", a.body);
});

/// Another process holds the SQLite file's write lock longer than the store waits: the clerk
/// is told to try again (503, Retry-After), not shown a database error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_database_asks_to_try_again() {
    use sqlx::Connection;
    let (location, _dir) = solieu_store::test_support::fresh_sqlite();
    let app = app_with(&location, false, TrustedProxies::default()).await;
    let mut c = signed_in(&app, "binhlieu").await;
    let csrf = c.csrf().await;
    sqlx::any::install_default_drivers();
    let path = location.sqlite_path().unwrap().display().to_string();
    let mut other = sqlx::AnyConnection::connect(&format!("sqlite:{path}"))
        .await
        .unwrap();
    sqlx::query("BEGIN EXCLUSIVE")
        .execute(&mut other)
        .await
        .unwrap();
    let a = c
        .post_json(
            "/api/v1/forms/BC_XA_6T/06838/2026S2",
            json!({"values": [{"indicator": "KHAM_BENH_XA", "value": "5"}]}),
            Some(&csrf),
        )
        .await;
    sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE, "{}", a.body);
    assert!(!a.header("retry-after").is_empty());
    assert!(a.json()["message_vi"].as_str().unwrap().contains("thử lại"));
    assert!(!a.body.to_lowercase().contains("locked"), "{}", a.body);
}

// The printed report keeps its one inline <style> (its HTML is a file format of its own):
// the policy allows exactly that style by its hash, and nothing else inline.
on_both_backends!(the_printed_report_is_allowed_its_own_style_only, |app| {
    use base64::Engine as _;
    use sha2::Digest as _;
    let id = record_report(&app, "198", "2020S1").await;
    let mut office = signed_in(&app, "office").await;
    let page = office.get(&format!("/reports/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let css = page.body.split("<style>").nth(1).unwrap();
    let css = css.split("</style>").next().unwrap();
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(css));
    let policy = page.header("content-security-policy");
    assert_eq!(
        policy,
        CSP.replace(
            "style-src 'self'",
            &format!("style-src 'self' 'sha256-{hash}'")
        )
    );
    assert_eq!(page.body.matches("<style").count(), 1);
    assert!(!page.body.contains(" style="));
    assert!(!page.body.contains("<script"));
    assert_eq!(page.header("cache-control"), "no-store");
});
