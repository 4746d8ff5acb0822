//! The web application in process (no socket), on SQLite and PostgreSQL: who may read and
//! write what, CSRF, throttling, the workflow and its lock, and the dashboard seeing a saved
//! figure at once.

mod common;

use axum::http::StatusCode;
use common::{Client, PASSWORD, signed_in};
use serde_json::json;
use solieu_core::period::Period;
use solieu_store::ValueFilter;

const OWN: &str = "06838";
const OTHER: &str = "06841";

async fn values_of(app: &solieu_web::Shared, unit: &str) -> Vec<String> {
    app.store
        .values(&ValueFilter {
            unit: Some(unit.into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .map(|v| format!("{:?} {}", v.record, v.revision))
        .collect()
}

async fn a_value_id_of(app: &solieu_web::Shared, unit: &str) -> i64 {
    app.store
        .values(&ValueFilter {
            unit: Some(unit.into()),
            within: Some("2026S1".parse::<Period>().unwrap()),
            ..Default::default()
        })
        .await
        .unwrap()[0]
        .id
}

/// Every route that names a unit, tried on `unit`; each answer's status is returned with the
/// route, so a test can say which one let the request through.
async fn try_every_route(
    c: &mut Client,
    csrf: &str,
    unit: &str,
    value_id: i64,
) -> Vec<(String, StatusCode)> {
    let form = format!("/forms/BC_XA_6T/{unit}/2026S2");
    let mut out = Vec::new();
    let gets = [
        form.clone(),
        format!("/dashboard?unit={unit}&period=2026S1"),
        format!("/provenance?indicator=KHAM_BENH_XA&unit={unit}&period=2026S1"),
        format!("/values/{value_id}"),
        format!("/api/v1/forms/BC_XA_6T/{unit}/2026S2"),
        format!("/api/v1/dashboard?unit={unit}&period=2026S1"),
        format!("/api/v1/figures/KHAM_BENH_XA/{unit}/2026S1"),
        format!("/api/v1/values/{value_id}"),
    ];
    for uri in gets {
        let a = c.get(&uri).await;
        out.push((format!("GET {uri}"), a.status));
    }
    let a = c
        .post_form(
            &form,
            &[
                ("csrf", csrf),
                ("value:KHAM_BENH_XA", "99"),
                ("status:KHAM_BENH_XA", "estimate"),
            ],
        )
        .await;
    out.push((format!("POST {form}"), a.status));
    for action in ["submit", "approve", "reopen"] {
        let uri = format!("{form}/{action}");
        let a = c
            .post_form(&uri, &[("csrf", csrf), ("reason", "thử")])
            .await;
        out.push((format!("POST {uri}"), a.status));
    }
    let uri = format!("/api/v1/check/BC_XA_6T/{unit}/2026S2");
    let a = c
        .post_json(
            &uri,
            json!({"values": [{"indicator": "KHAM_BENH_XA", "value": "99"}]}),
            Some(csrf),
        )
        .await;
    out.push((format!("POST {uri}"), a.status));
    let uri = format!("/api/v1{form}");
    let a = c
        .post_json(
            &uri,
            json!({"values": [{"indicator": "KHAM_BENH_XA", "value": "99"}]}),
            Some(csrf),
        )
        .await;
    out.push((format!("POST {uri}"), a.status));
    for action in ["submit", "approve", "reopen"] {
        let uri = format!("/api/v1{form}/{action}");
        let a = c
            .post_json(&uri, json!({"reason": "thử"}), Some(csrf))
            .await;
        out.push((format!("POST {uri}"), a.status));
    }
    out
}

on_both_backends!(a_commune_cannot_reach_another_commune, |app| {
    let before = values_of(&app, OTHER).await;
    let before_parent = values_of(&app, "22").await;
    let other_value = a_value_id_of(&app, OTHER).await;
    let own_value = a_value_id_of(&app, OWN).await;
    let mut c = signed_in(&app, "binhlieu").await;
    let csrf = c.csrf().await;
    for unit in [OTHER, "22"] {
        for (route, status) in try_every_route(&mut c, &csrf, unit, other_value).await {
            assert!(
                status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND,
                "{route} answered {status} to the officer of another commune"
            );
        }
    }
    assert_eq!(
        values_of(&app, OTHER).await,
        before,
        "nothing written to the other commune"
    );
    assert_eq!(values_of(&app, "22").await, before_parent);
    // The same through a bearer token.
    let mut api = Client::new(&app);
    let t = api
        .post_json(
            "/api/v1/tokens",
            json!({"username": "binhlieu", "password": PASSWORD, "name": "script"}),
            None,
        )
        .await;
    assert_eq!(t.status, StatusCode::OK, "{}", t.body);
    api.bearer = Some(t.json()["token"].as_str().unwrap().to_string());
    for (route, status) in try_every_route(&mut api, "", OTHER, other_value).await {
        assert!(
            status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND,
            "{route} answered {status} to a token of another commune"
        );
    }
    assert_eq!(values_of(&app, OTHER).await, before);
    // Completeness lists only the officer's own commune.
    let list = api
        .get("/api/v1/completeness?dataset=BC_XA_6T&period=2026S1")
        .await
        .json();
    let units: Vec<&str> = list["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["unit"].as_str().unwrap())
        .collect();
    assert_eq!(units, [OWN]);
    // The routes do work for the officer's own commune: the refusals above are not an outage.
    for (route, status) in try_every_route(&mut c, &csrf, OWN, own_value).await {
        if route.ends_with("/approve") || route.ends_with("/reopen") {
            assert_eq!(
                status,
                StatusCode::FORBIDDEN,
                "{route}: an officer does not approve"
            );
        } else if route == format!("POST /api/v1/forms/BC_XA_6T/{OWN}/2026S2/submit") {
            assert_eq!(
                status,
                StatusCode::CONFLICT,
                "{route}: submitted already, by the page"
            );
        } else if [
            format!("POST /api/v1/check/BC_XA_6T/{OWN}/2026S2"),
            format!("POST /api/v1/forms/BC_XA_6T/{OWN}/2026S2"),
        ]
        .contains(&route)
        {
            assert_eq!(
                status,
                StatusCode::CONFLICT,
                "{route}: submitted by the page, no figure changes until returned"
            );
        } else {
            assert!(
                status.is_success() || status.is_redirection(),
                "{route}: {status}"
            );
        }
    }
});

on_both_backends!(a_post_without_its_csrf_token_is_refused, |app| {
    let mut c = signed_in(&app, "binhlieu").await;
    let form = format!("/forms/BC_XA_6T/{OWN}/2026S2");
    let page = c.get(&form).await;
    assert_eq!(page.status, StatusCode::OK);
    let fields = [
        ("value:KHAM_BENH_XA", "12345"),
        ("status:KHAM_BENH_XA", "estimate"),
    ];
    assert_eq!(
        c.post_form(&form, &fields).await.status,
        StatusCode::FORBIDDEN
    );
    let mut wrong = fields.to_vec();
    wrong.push(("csrf", "not-the-token"));
    assert_eq!(
        c.post_form(&form, &wrong).await.status,
        StatusCode::FORBIDDEN
    );
    for action in ["submit", "approve", "reopen"] {
        let a = c
            .post_form(&format!("{form}/{action}"), &[("reason", "x")])
            .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{action}");
    }
    assert_eq!(
        c.post_form("/logout", &[]).await.status,
        StatusCode::FORBIDDEN
    );
    // The API with a session cookie needs the token in a header.
    let a = c
        .post_json(
            &format!("/api/v1{form}"),
            json!({"values": [{"indicator": "KHAM_BENH_XA", "value": "1"}]}),
            None,
        )
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert!(
        values_of(&app, OWN)
            .await
            .iter()
            .all(|v| !v.contains("12345"))
    );
    // A sign-in form posted without the token of its own page is refused too.
    let mut stranger = Client::new(&app);
    let a = stranger
        .post_form(
            "/login",
            &[("username", "binhlieu"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    // With the token everything goes through.
    let csrf = common::csrf_in(&page.body);
    let mut ok = fields.to_vec();
    ok.push(("csrf", &csrf));
    assert_eq!(c.post_form(&form, &ok).await.status, StatusCode::OK);
});

on_both_backends!(sign_in_is_throttled, |app| {
    let mut c = Client::new(&app);
    assert_eq!(
        c.sign_in("hoanhmo", "wrong").await.status,
        StatusCode::UNAUTHORIZED
    );
    for _ in 1..solieu_web::auth::THROTTLE_LIMIT {
        assert_eq!(
            c.sign_in("hoanhmo", "wrong").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    // Now even the right password is refused for this account.
    let a = c.sign_in("hoanhmo", PASSWORD).await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(!c.cookies.iter().any(|(n, _)| n == "solieu_session"));
    let t = c
        .post_json(
            "/api/v1/tokens",
            json!({"username": "hoanhmo", "password": PASSWORD}),
            None,
        )
        .await;
    assert_eq!(t.status, StatusCode::TOO_MANY_REQUESTS);
    // Other accounts are not locked out by it.
    signed_in(&app, "binhlieu").await;
});

on_both_backends!(an_approved_period_is_locked_until_reopened, |app| {
    let form = format!("/forms/BC_XA_6T/{OWN}/2026S2");
    let mut officer = signed_in(&app, "binhlieu").await;
    let csrf = officer.csrf().await;
    let saved = officer
        .post_form(
            &form,
            &[
                ("csrf", &csrf),
                ("value:KHAM_BENH_XA", "15.321"),
                ("status:KHAM_BENH_XA", "estimate"),
                ("note:KHAM_BENH_XA", "ước"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(
        officer
            .post_form(&format!("{form}/submit"), &[("csrf", &csrf)])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    // The officer cannot approve their own figures.
    assert_eq!(
        officer
            .post_form(&format!("{form}/approve"), &[("csrf", &csrf)])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let mut office = signed_in(&app, "office").await;
    let office_csrf = office.csrf().await;
    assert_eq!(
        office
            .post_form(&format!("{form}/approve"), &[("csrf", &office_csrf)])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    // Locked: the page, the API and the office itself are refused.
    let a = officer
        .post_form(
            &form,
            &[
                ("csrf", &csrf),
                ("value:KHAM_BENH_XA", "1"),
                ("status:KHAM_BENH_XA", "official"),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    let a = officer
        .post_json(
            &format!("/api/v1{form}"),
            json!({"values": [{"indicator": "KHAM_BENH_XA", "value": "1"}]}),
            Some(&csrf),
        )
        .await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    let a = office
        .post_form(
            &form,
            &[("csrf", &office_csrf), ("value:KHAM_BENH_XA", "1")],
        )
        .await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    let stored = values_of(&app, OWN).await;
    assert!(stored.iter().any(|v| v.contains("15321")), "{stored:#?}");
    // The public sees it now that it is approved.
    let public = Client::new(&app)
        .get("/api/v1/public?period=2026S2")
        .await
        .json();
    assert!(public.to_string().contains("15.321"), "{public}");
    // Reopening needs a reason, and keeps it.
    let unsaid = office
        .post_form(&format!("{form}/reopen"), &[("csrf", &office_csrf)])
        .await;
    assert_eq!(unsaid.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unsaid.body.contains("Trả lại cần ghi lý do"),
        "{}",
        unsaid.body
    );
    assert_eq!(
        office
            .post_form(
                &format!("{form}/reopen"),
                &[("csrf", &office_csrf), ("reason", "Sai số lượt khám")]
            )
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let f = officer.get(&format!("/api/v1{form}")).await.json();
    assert_eq!(f["state"], "returned");
    let actions: Vec<String> = f["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| format!("{} {} {}", e["action"], e["by"], e["reason"]))
        .collect();
    assert_eq!(
        actions,
        [
            "\"submit\" \"binhlieu\" \"\"",
            "\"approve\" \"office\" \"\"",
            "\"reopen\" \"office\" \"Sai số lượt khám\""
        ]
    );
    let a = officer
        .post_form(
            &form,
            &[
                ("csrf", &csrf),
                ("value:KHAM_BENH_XA", "15.400"),
                ("status:KHAM_BENH_XA", "official"),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::OK);
    let public = Client::new(&app)
        .get("/api/v1/public?period=2026S2")
        .await
        .json();
    assert_eq!(public, json!([]), "a reopened period is no longer public");
});

on_both_backends!(
    a_saved_figure_is_on_the_dashboard_at_once_with_its_provenance,
    |app| {
        let mut c = signed_in(&app, "binhlieu").await;
        let csrf = c.csrf().await;
        let form = format!("/forms/BC_XA_6T/{OWN}/2026S2");
        let a = c
            .post_form(
                &form,
                &[
                    ("csrf", &csrf),
                    ("value:KHAM_BENH_XA", "15.321"),
                    ("status:KHAM_BENH_XA", "estimate"),
                    ("value:TONG_DAN_TRAU_BO", ""),
                ],
            )
            .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        let d = c
            .get(&format!(
                "/api/v1/dashboard?unit={OWN}&period=2026S2&indicator=KHAM_BENH_XA"
            ))
            .await
            .json();
        let plan = d["plans"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["indicator"] == "KHAM_BENH_XA")
            .expect("a plan row");
        assert_eq!(plan["value"], "15.321");
        let value_id = plan["value_id"].as_i64().expect("a value id");
        assert_eq!(plan["entered_by"], "binhlieu");
        let h = c.get(&format!("/api/v1/values/{value_id}")).await.json();
        assert_eq!(h["revisions"][0]["changed_by"], "binhlieu");
        assert_eq!(
            h["revisions"][0]["source"],
            format!("form BC_XA_6T/{OWN}/2026S2")
        );
        let page = c.get(&format!("/dashboard?unit={OWN}&period=2026S2")).await;
        assert!(
            page.body.contains(&format!("/values/{value_id}")),
            "the figure links to its history"
        );
        // The office sees it in the province's total for the year.
        let mut office = signed_in(&app, "office").await;
        let f = office
            .get("/api/v1/figures/KHAM_BENH_XA/06838/2026S2")
            .await
            .json();
        assert_eq!(f["value"], json!(15321));
    }
);

on_both_backends!(figures_are_checked_as_an_import_checks_them, |app| {
    let mut c = signed_in(&app, "binhlieu").await;
    let csrf = c.csrf().await;
    let form = format!("/forms/BC_XA_6T/{OWN}/2026S2");
    let a = c
        .post_json(&format!("/api/v1{form}"), json!({"values": [{"indicator": "KHAM_BENH_XA", "value": "mười"}, {"indicator": "GTSX", "value": "1"}]}), Some(&csrf))
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    let problems = a.json()["problems"].as_array().unwrap().clone();
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert_eq!(problems[0]["column"], "KHAM_BENH_XA");
    // The form's check as the clerk types: the same answers, and nothing written either way.
    let before = values_of(&app, OWN).await;
    let check = format!("/api/v1/check/BC_XA_6T/{OWN}/2026S2");
    let a = c
        .post_json(
            &check,
            json!({"values": [{"indicator": "KHAM_BENH_XA", "value": "mười"}]}),
            Some(&csrf),
        )
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.json()["problems"][0]["column"], "KHAM_BENH_XA");
    let a = c
        .post_json(
            &check,
            json!({"values": [{"indicator": "KHAM_BENH_XA", "value": "15.321"}]}),
            Some(&csrf),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.json()["values_added"], 1);
    assert_eq!(values_of(&app, OWN).await, before);
    // A department writes only its own indicators.
    let mut health = signed_in(&app, "health").await;
    let hc = health.csrf().await;
    let a = health
        .post_json(
            &format!("/api/v1{form}"),
            json!({"values": [{"indicator": "TONG_DAN_TRAU_BO", "value": "100"}]}),
            Some(&hc),
        )
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    let a = health
        .post_json(&format!("/api/v1{form}"), json!({"values": [{"indicator": "KHAM_BENH_XA", "value": "100", "status": "official"}]}), Some(&hc))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
});

on_both_backends!(strangers_are_sent_to_sign_in, |app| {
    let mut c = Client::new(&app);
    let a = c.get("/dashboard").await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert_eq!(a.location.as_deref(), Some("/login"));
    assert_eq!(c.get("/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
    c.bearer = Some("made-up".into());
    assert_eq!(c.get("/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
    // A disabled account's session ends at once.
    let mut officer = signed_in(&app, "hoanhmo").await;
    assert_eq!(officer.get("/api/v1/me").await.status, StatusCode::OK);
    app.store
        .set_disabled("hoanhmo", true, "test")
        .await
        .unwrap();
    assert_eq!(
        officer.get("/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    // The language switch goes back to the page it was clicked on, never to another site.
    for (referer, back) in [
        (
            "http://127.0.0.1:8080/completeness?period=2026S1",
            "/completeness?period=2026S1",
        ),
        ("http://127.0.0.1:8080//evil.example/x", "/"),
        ("http://127.0.0.1:8080/\\evil.example", "/"),
    ] {
        let r = axum::http::Request::builder()
            .uri("/lang/en")
            .header("referer", referer)
            .body(axum::body::Body::empty())
            .unwrap();
        let a = c.send(r).await;
        assert_eq!(a.location.as_deref(), Some(back), "{referer}");
    }
    let page = c.get("/login").await;
    assert!(page.body.contains("Sign in") && !page.body.contains("Đăng nhập"));
    // The OpenAPI document is served and names the routes the API has.
    let doc = Client::new(&app).get("/api/v1/openapi.json").await.json();
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/v1/forms/{set}/{unit}/{period}",
        "/v1/dashboard",
        "/v1/completeness",
        "/v1/tokens",
        "/dataValueSets",
    ] {
        assert!(paths.contains_key(p), "{p}");
    }
});

on_both_backends!(
    recorded_reports_are_listed_and_opened_only_for_units_one_may_read,
    |app| {
        let id = common::record_report(&app, "198", "2020S1").await;

        let mut office = signed_in(&app, "office").await;
        let dashboard = office.get("/dashboard").await;
        assert!(
            dashboard.body.contains(&format!("/reports/{id}/docx")),
            "{}",
            dashboard.body
        );
        let page = office.get(&format!("/reports/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("643,41"), "{}", page.body);
        let docx = office.get(&format!("/reports/{id}/docx")).await;
        assert_eq!(docx.status, StatusCode::OK);

        // A commune officer neither sees the district's report listed nor opens it.
        let mut officer = signed_in(&app, "hoanhmo").await;
        let dashboard = officer.get("/dashboard").await;
        assert!(!dashboard.body.contains(&format!("/reports/{id}")));
        for uri in [format!("/reports/{id}"), format!("/reports/{id}/docx")] {
            assert_eq!(
                officer.get(&uri).await.status,
                StatusCode::NOT_FOUND,
                "{uri}"
            );
        }
    }
);

/// A workbook in the long layout with one figure, as an office's own sheet would hold it.
fn workbook_with(unit: &str, value: f64) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["indicator", "unit", "period", "series", "value", "status"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in ["KHAM_BENH_XA", unit, "2026S1", "actual"]
        .iter()
        .enumerate()
    {
        sheet.write_string(1, c as u16, *v).unwrap();
    }
    sheet.write_number(1, 4, value).unwrap();
    sheet.write_string(1, 5, "estimate").unwrap();
    book.save_to_buffer().unwrap()
}

on_both_backends!(a_filled_workbook_is_sent_instead_of_typing, |app| {
    let form = format!("/forms/BC_XA_6T/{OWN}/2026S1");
    let upload = format!("/upload/BC_XA_6T/{OWN}/2026S1");
    let mut officer = signed_in(&app, "binhlieu").await;
    let page = officer.get(&form).await;
    assert!(
        page.body.contains(&format!("{form}/bieu.xlsx")),
        "{}",
        page.body
    );
    let csrf = common::csrf_in(&page.body);
    // The data set's workbook downloads, and comes back through the same reader.
    let template = officer.get(&format!("{form}/bieu.xlsx")).await;
    assert_eq!(template.status, StatusCode::OK);
    assert!(template.bytes.starts_with(b"PK"));
    let empty = officer
        .post_file(&upload, &csrf, "bieu.xlsx", &template.bytes)
        .await;
    assert_eq!(
        empty.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        empty.body
    );
    assert!(
        empty.body.contains("không có số liệu nào đã điền"),
        "{}",
        empty.body
    );

    // A figure of another commune in the file is refused with nothing written.
    let before = values_of(&app, OTHER).await;
    let stray = officer
        .post_file(&upload, &csrf, "xa.xlsx", &workbook_with(OTHER, 777.0))
        .await;
    assert_eq!(
        stray.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        stray.body
    );
    assert_eq!(values_of(&app, OTHER).await, before);
    // Without the form's token, nothing is read.
    let forged = officer
        .post_file(&upload, "forged", "xa.xlsx", &workbook_with(OWN, 12345.0))
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    // Another commune's officer cannot send a file for this one.
    let mut stranger = signed_in(&app, "hoanhmo").await;
    let their_csrf = stranger.csrf().await;
    let refused = stranger
        .post_file(
            &upload,
            &their_csrf,
            "xa.xlsx",
            &workbook_with(OWN, 12345.0),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(
        !values_of(&app, OWN)
            .await
            .iter()
            .any(|v| v.contains("12345"))
    );

    // The downloaded workbook, filled in: the commune's figure is saved as a typed one would
    // be, the file named as its source.
    let sent = officer
        .post_file(
            &upload,
            &csrf,
            "bieu.xlsx",
            &common::filled(&template.bytes, "KHAM_BENH_XA", "12345"),
        )
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    let stored = app
        .store
        .values(&ValueFilter {
            unit: Some(OWN.into()),
            indicator: Some("KHAM_BENH_XA".into()),
            within: Some("2026S1".parse::<Period>().unwrap()),
            ..Default::default()
        })
        .await
        .unwrap();
    let v = stored
        .iter()
        .find(|v| v.record.key.period.code() == "2026S1")
        .unwrap();
    assert_eq!(v.record.figure.value.to_string(), "12345");
    assert_eq!(v.updated_by, "binhlieu");
});

/// Days from the deadline of a half-year's form (15 days after the half) to today, in Vietnam.
fn days_since_deadline(period: &str) -> i64 {
    let end = period.parse::<Period>().unwrap().end_date();
    let today = chrono::Utc::now()
        .with_timezone(&solieu_core::format::vietnam())
        .date_naive();
    (today - (end + chrono::Duration::days(15))).num_days()
}

on_both_backends!(
    overdue_forms_come_first_and_the_office_downloads_them,
    |app| {
        // The first half of this year is long past its deadline; nobody has sent it.
        let today = chrono::Utc::now()
            .with_timezone(&solieu_core::format::vietnam())
            .date_naive();
        let half = if chrono::Datelike::month(&today) > 7 {
            format!("{}S1", chrono::Datelike::year(&today))
        } else {
            format!("{}S2", chrono::Datelike::year(&today) - 1)
        };
        let late = days_since_deadline(&half);
        assert!(late > 0);
        let mut clerk = signed_in(&app, "binhlieu").await;
        let entry = clerk.get("/entry").await;
        assert_eq!(entry.status, StatusCode::OK);
        let page = entry.html();
        let overdue = format!("quá hạn {late} ngày");
        assert!(page.contains(&overdue), "{page}");
        // The overdue form is listed before the one still open.
        let first_row = page.find("<tbody>").map(|i| &page[i..]).unwrap();
        let first_row = &first_row[..first_row.find("</tr>").unwrap()];
        assert!(first_row.contains("quá hạn"), "{first_row}");

        // The office: only the overdue units, then the same as a file.
        let mut office = signed_in(&app, "office").await;
        let all = office
            .get(&format!("/completeness?dataset=BC_XA_6T&period={half}"))
            .await
            .html();
        let only = office
            .get(&format!(
                "/completeness?dataset=BC_XA_6T&period={half}&chi=qua-han"
            ))
            .await
            .html();
        assert!(
            only.contains("Xã Bình Liêu") && only.contains(&format!("({late} ngày)")),
            "{only}"
        );
        assert!(only.matches("<tr>").count() <= all.matches("<tr>").count());
        let file = office
            .get(&format!(
                "/completeness?dataset=BC_XA_6T&period={half}&chi=qua-han&tep=csv"
            ))
            .await;
        assert_eq!(file.header("content-type"), "text/csv; charset=utf-8");
        assert!(
            file.header("content-disposition")
                .contains(&format!("BC_XA_6T-{half}.csv"))
        );
        let text = file.body.trim_start_matches('\u{feff}');
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some("Mã đơn vị,Đơn vị,Trạng thái,Hạn nộp,Số ngày quá hạn,Đã nhập")
        );
        let row = lines
            .find(|l| l.starts_with("06838,"))
            .expect("the commune that has not sent");
        assert!(row.contains(&format!(",{late},")), "{row}");
        // Sent late, it leaves the overdue list; returned, it is the commune's to send again.
        let overdue_csv =
            format!("/completeness?dataset=BC_XA_6T&period={half}&chi=qua-han&tep=csv");
        let form = format!("/api/v1/forms/BC_XA_6T/06838/{half}");
        let clerk_csrf = clerk.csrf().await;
        let sent = clerk
            .post_json(&format!("{form}/submit"), json!({}), Some(&clerk_csrf))
            .await;
        assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
        assert!(!office.get(&overdue_csv).await.body.contains("\n06838,"));
        let office_csrf = office.csrf().await;
        let returned = office
            .post_json(
                &format!("{form}/return"),
                json!({"reason": "Thiếu số liệu"}),
                Some(&office_csrf),
            )
            .await;
        assert_eq!(returned.status, StatusCode::OK, "{}", returned.body);
        let again = office.get(&overdue_csv).await;
        assert!(again.body.contains("\n06838,"), "{}", again.body);
        // A commune officer sees only its own commune in the list.
        let own = clerk
            .get(&format!(
                "/completeness?dataset=BC_XA_6T&period={half}&chi=qua-han&tep=csv"
            ))
            .await;
        assert!(!own.body.contains("06841"), "{}", own.body);
    }
);

/// Two servers over one database, as a province behind a load balancer runs them: a figure
/// saved through one is read through the other at once when the request carries the
/// revision the save answered with (header, or the cookie a browser keeps).
async fn a_save_on_one_server_is_read_on_another(location: solieu_store::Location) {
    let here = common::app(&location).await;
    let store = solieu_store::Store::open(&location).await.unwrap();
    let there = std::sync::Arc::new(solieu_web::App::new(store, false).await.unwrap());
    let mut clerk = signed_in(&here, "binhlieu").await;
    let csrf = clerk.csrf().await;
    let saved = clerk
        .post_json(
            "/api/v1/forms/BC_XA_6T/06838/2026S2",
            json!({"values": [{"indicator": "KHAM_BENH_XA", "value": "4321"}]}),
            Some(&csrf),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let revision = saved.header("x-solieu-revision").to_string();
    assert!(revision.parse::<i64>().is_ok_and(|r| r > 0), "{revision:?}");
    assert!(
        saved.headers.get_all("set-cookie").iter().any(|c| c
            .to_str()
            .unwrap()
            .starts_with(&format!("solieu_rev={revision};"))),
        "a browser keeps it"
    );
    let figure = "/api/v1/figures/KHAM_BENH_XA/06838/2026S2";
    let mut reader = signed_in(&there, "office").await;
    // Signing in is a write too: its cookie would bring the other server up to date. Without
    // it, and without a look at the store since it started, that server's engine does not
    // have the figure yet.
    reader.cookies.retain(|(name, _)| name != "solieu_rev");
    let before = reader.get(figure).await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.body);
    assert!(!before.body.contains("4321"), "{}", before.body);
    reader
        .headers
        .push(("x-solieu-revision".into(), revision.clone()));
    let after = reader.get(figure).await;
    assert!(after.body.contains("4321"), "{}", after.body);
    // A revision the store has not reached is not waited for.
    let mut ahead = signed_in(&there, "office").await;
    ahead
        .headers
        .push(("x-solieu-revision".into(), "999999999".into()));
    assert_eq!(ahead.get(figure).await.status, StatusCode::OK);
}

mod a_save_on_one_server_is_read_on_another {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        let (location, _dir) = solieu_store::test_support::fresh_sqlite();
        super::a_save_on_one_server_is_read_on_another(location).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        let location = solieu_store::test_support::fresh_postgres().await;
        super::a_save_on_one_server_is_read_on_another(location.clone()).await;
        solieu_store::test_support::drop_postgres(&location).await;
    }
}
