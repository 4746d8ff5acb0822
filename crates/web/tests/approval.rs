//! Approval level by level (issue 18), on SQLite and PostgreSQL: a submitted form cannot
//! change until returned (form, JSON API, workbook); each level accepts in turn or returns
//! with a reason; acceptance locks the figures for the levels below; an approval of a parent
//! unit covers the units below it; nobody approves what they submitted; every step is in
//! the history with who, when, at which level and why.

mod common;

use axum::http::StatusCode;
use common::{Client, signed_in};
use serde_json::{Value, json};
use solieu_core::period::Period;
use solieu_store::{DataSetRow, ValueFilter};

const OWN: &str = "06838";
const OTHER: &str = "06841";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A health data set reviewed by the health department, then the office, then a leader.
async fn three_levels(app: &solieu_web::Shared) {
    app.store
        .put_data_sets(
            &[DataSetRow {
                code: "YTE_XA".into(),
                name: "Y tế xã 6 tháng".into(),
                name_en: "Commune health, half-yearly".into(),
                period_type: "half".into(),
                deadline_days: 15,
                indicators: vec!["KHAM_BENH_XA".into()],
                levels: vec!["department".into(), "office".into(), "leader".into()],
            }],
            "test",
        )
        .await
        .unwrap();
}

/// A signed-in account with its CSRF token.
async fn person(app: &solieu_web::Shared, name: &str) -> (Client, String) {
    let mut c = signed_in(app, name).await;
    let csrf = c.csrf().await;
    (c, csrf)
}

async fn step(
    who: &mut (Client, String),
    form: &str,
    action: &str,
    reason: &str,
) -> (StatusCode, Value) {
    let a = who
        .0
        .post_json(
            &format!("/api/v1{form}/{action}"),
            json!({ "reason": reason }),
            Some(&who.1),
        )
        .await;
    let body = serde_json::from_str(&a.body).unwrap_or(Value::Null);
    (a.status, body)
}

async fn save(who: &mut (Client, String), form: &str, value: &str) -> StatusCode {
    who.0
        .post_json(
            &format!("/api/v1{form}"),
            json!({"values": [{"indicator": "KHAM_BENH_XA", "value": value}]}),
            Some(&who.1),
        )
        .await
        .status
}

async fn figure(app: &solieu_web::Shared, unit: &str) -> String {
    app.store
        .values(&ValueFilter {
            unit: Some(unit.into()),
            within: Some("2026S2".parse::<Period>().unwrap()),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.record.key.indicator == "KHAM_BENH_XA")
        .map(|v| v.record.figure.value.to_string())
        .unwrap_or_default()
}

async fn form_json(who: &mut (Client, String), form: &str) -> Value {
    who.0.get(&format!("/api/v1{form}")).await.json()
}

on_both_backends!(a_submitted_form_cannot_change_until_returned, |app| {
    three_levels(&app).await;
    let form = format!("/forms/YTE_XA/{OWN}/2026S2");
    let mut clerk = person(&app, "binhlieu").await;
    // The workbook is taken before anything is entered, to be sent back later.
    let template = clerk.0.get(&format!("/api/v1{form}/workbook")).await;
    assert_eq!(template.status, StatusCode::OK, "{}", template.body);
    let workbook = common::filled(&template.bytes, "KHAM_BENH_XA", "300");
    assert_eq!(save(&mut clerk, &form, "100").await, StatusCode::OK);
    let (s, body) = step(&mut clerk, &form, "submit", "").await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["state"], "submitted");

    // What a new user tried: changing a figure after submitting. Refused on every path.
    let page = clerk
        .0
        .post_form(&form, &[("csrf", &clerk.1), ("value:KHAM_BENH_XA", "200")])
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(
        page.body.contains("chỉ sửa được khi cấp duyệt trả lại"),
        "{}",
        page.body
    );
    assert_eq!(save(&mut clerk, &form, "200").await, StatusCode::CONFLICT);
    let upload = clerk
        .0
        .call(
            "POST",
            &format!("/api/v1{form}/workbook"),
            Some(XLSX),
            workbook.clone(),
            Some(&clerk.1),
        )
        .await;
    assert_eq!(upload.status, StatusCode::CONFLICT, "{}", upload.body);
    // The office cannot slip a correction in either: the store refuses it too.
    let mut office = person(&app, "office").await;
    assert_eq!(save(&mut office, &form, "200").await, StatusCode::CONFLICT);
    assert_eq!(figure(&app, OWN).await, "100");
    let f = form_json(&mut clerk, &form).await;
    assert_eq!(
        (f["state"].clone(), f["locked"].clone()),
        (json!("submitted"), json!(true))
    );
    assert_eq!(f["can_write"], false);

    // Returned with a reason, it takes figures again, from the workbook too.
    let mut health = person(&app, "health").await;
    let (s, body) = step(&mut health, &form, "return", "Thiếu số khám của trạm y tế").await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["state"], "returned");
    let f = form_json(&mut clerk, &form).await;
    assert_eq!(
        (
            f["state"].clone(),
            f["can_write"].clone(),
            f["can_submit"].clone()
        ),
        (json!("returned"), json!(true), json!(true))
    );
    let upload = clerk
        .0
        .call(
            "POST",
            &format!("/api/v1{form}/workbook"),
            Some(XLSX),
            workbook,
            Some(&clerk.1),
        )
        .await;
    assert_eq!(upload.status, StatusCode::OK, "{}", upload.body);
    assert_eq!(figure(&app, OWN).await, "300");
});

on_both_backends!(each_level_accepts_or_returns_in_turn, |app| {
    three_levels(&app).await;
    let form = format!("/forms/YTE_XA/{OWN}/2026S2");
    let mut clerk = person(&app, "binhlieu").await;
    let mut health = person(&app, "health").await;
    let mut office = person(&app, "office").await;
    let mut leader = person(&app, "leader").await;
    assert_eq!(save(&mut clerk, &form, "100").await, StatusCode::OK);
    assert_eq!(
        step(&mut clerk, &form, "submit", "").await.0,
        StatusCode::OK
    );

    // A commune officer approves at no level: not even its own submission.
    assert_eq!(
        step(&mut clerk, &form, "approve", "").await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        step(&mut clerk, &form, "return", "x").await.0,
        StatusCode::FORBIDDEN
    );
    // The levels go in order: the office and the leader wait for the department.
    assert_eq!(
        step(&mut office, &form, "approve", "").await.0,
        StatusCode::CONFLICT
    );
    assert_eq!(
        step(&mut leader, &form, "approve", "").await.0,
        StatusCode::CONFLICT
    );
    assert_eq!(form_json(&mut office, &form).await["can_approve"], false);
    assert_eq!(form_json(&mut health, &form).await["can_approve"], true);
    let (s, body) = step(&mut health, &form, "approve", "").await;
    assert_eq!(
        (s, body["state"].clone(), body["level"].clone()),
        (StatusCode::OK, json!("submitted"), json!(1))
    );
    // Accepted by the department: locked for it, it neither accepts again nor returns.
    assert_eq!(
        step(&mut health, &form, "approve", "").await.0,
        StatusCode::CONFLICT
    );
    assert_eq!(
        step(&mut health, &form, "return", "sai").await.0,
        StatusCode::CONFLICT
    );
    // The office returns without a reason: refused; with one: back to the commune.
    let (s, body) = step(&mut office, &form, "return", "  ").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.to_string().contains("cần ghi lý do"), "{body}");
    let (s, _) = step(&mut office, &form, "return", "Sai số lượt khám").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(save(&mut clerk, &form, "120").await, StatusCode::OK);
    assert_eq!(
        step(&mut clerk, &form, "submit", "").await.0,
        StatusCode::OK
    );
    // After a return every level looks again, from the first.
    assert_eq!(
        step(&mut office, &form, "approve", "").await.0,
        StatusCode::CONFLICT
    );
    for who in [&mut health, &mut office] {
        let (s, body) = step(who, &form, "approve", "").await;
        assert_eq!(
            (s, body["state"].clone()),
            (StatusCode::OK, json!("submitted"))
        );
    }
    assert_eq!(form_json(&mut clerk, &form).await["accepted"], 2);
    // Nothing public before the last level.
    let public = Client::new(&app)
        .get("/api/v1/public?period=2026S2")
        .await
        .json();
    assert!(!public.to_string().contains("Y tế xã"), "{public}");
    let (s, body) = step(&mut leader, &form, "approve", "").await;
    assert_eq!(
        (s, body["state"].clone(), body["level"].clone()),
        (StatusCode::OK, json!("approved"), json!(3))
    );
    let public = Client::new(&app)
        .get("/api/v1/public?period=2026S2")
        .await
        .json();
    assert!(public.to_string().contains("Y tế xã"), "{public}");
    // Approved: only the last level reopens it.
    assert_eq!(
        step(&mut office, &form, "reopen", "x").await.0,
        StatusCode::CONFLICT
    );
    assert_eq!(save(&mut office, &form, "130").await, StatusCode::CONFLICT);
    let (s, body) = step(&mut leader, &form, "reopen", "Số liệu quý IV chưa đủ").await;
    assert_eq!(
        (s, body["state"].clone()),
        (StatusCode::OK, json!("returned"))
    );
    assert_eq!(figure(&app, OWN).await, "120");

    let f = form_json(&mut clerk, &form).await;
    let history: Vec<String> = f["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| format!("{} {} {} {}", e["action"], e["level"], e["by"], e["reason"]))
        .collect();
    assert_eq!(
        history,
        [
            r#""submit" 0 "binhlieu" """#,
            r#""approve" 1 "health" """#,
            r#""return" 2 "office" "Sai số lượt khám""#,
            r#""submit" 0 "binhlieu" """#,
            r#""approve" 1 "health" """#,
            r#""approve" 2 "office" """#,
            r#""approve" 3 "leader" """#,
            r#""reopen" 3 "leader" "Số liệu quý IV chưa đủ""#,
        ]
    );
    assert!(
        f["events"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["at"].as_str().is_some_and(|t| !t.is_empty()))
    );
    // The page says it in words, level included.
    let page = clerk.0.get(&form).await;
    assert!(page.body.contains("bị trả lại, cần sửa"), "{}", page.body);
    assert!(
        page.body.contains("(cấp 2): Sai số lượt khám"),
        "{}",
        page.body
    );
});

on_both_backends!(an_approval_of_the_province_covers_its_communes, |app| {
    three_levels(&app).await;
    let own = format!("/forms/YTE_XA/{OWN}/2026S2");
    let other = format!("/forms/YTE_XA/{OTHER}/2026S2");
    for (name, form) in [("binhlieu", &own), ("hoanhmo", &other)] {
        let mut clerk = person(&app, name).await;
        assert_eq!(save(&mut clerk, form, "100").await, StatusCode::OK);
        assert_eq!(step(&mut clerk, form, "submit", "").await.0, StatusCode::OK);
    }
    let mut health = person(&app, "health").await;
    let (s, body) = step(&mut health, "/forms/YTE_XA/22/2026S2", "approve", "").await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["covered"], json!([OWN, OTHER]));
    let mut office = person(&app, "office").await;
    for form in [&own, &other] {
        let f = form_json(&mut office, form).await;
        assert_eq!(
            (f["state"].clone(), f["accepted"].clone()),
            (json!("submitted"), json!(1)),
            "{form}"
        );
        let events = f["events"].as_array().unwrap();
        assert_eq!(events.last().unwrap()["by"], "health");
    }
    // Nothing left awaiting the department below the province: refused, nothing written.
    assert_eq!(
        step(&mut health, "/forms/YTE_XA/22/2026S2", "approve", "")
            .await
            .0,
        StatusCode::CONFLICT
    );
    // A commune officer covers nothing.
    let mut clerk = person(&app, "binhlieu").await;
    assert_eq!(
        step(&mut clerk, "/forms/YTE_XA/22/2026S2", "approve", "")
            .await
            .0,
        StatusCode::FORBIDDEN
    );
});

on_both_backends!(nobody_approves_what_they_submitted, |app| {
    // The demo's set names no levels: one level, the office or a leader.
    let form = format!("/forms/BC_XA_6T/{OTHER}/2026S2");
    let mut office = person(&app, "office").await;
    assert_eq!(save(&mut office, &form, "100").await, StatusCode::OK);
    assert_eq!(
        step(&mut office, &form, "submit", "").await.0,
        StatusCode::OK
    );
    let (s, body) = step(&mut office, &form, "approve", "").await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert!(body.to_string().contains("không tự duyệt"), "{body}");
    assert_eq!(form_json(&mut office, &form).await["can_approve"], false);
    // A department is no level of it.
    let mut health = person(&app, "health").await;
    assert_eq!(
        step(&mut health, &form, "approve", "").await.0,
        StatusCode::FORBIDDEN
    );
    let mut leader = person(&app, "leader").await;
    let (s, body) = step(&mut leader, &form, "approve", "").await;
    assert_eq!(
        (s, body["state"].clone()),
        (StatusCode::OK, json!("approved"))
    );
});
