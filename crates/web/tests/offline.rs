//! Figures kept on a device while it had no network, sent when it has (issue 18), on SQLite
//! and PostgreSQL: each figure carries the revision it was entered against, so a figure
//! someone else changed meanwhile comes back with both values and nothing is written; the
//! clerk decides; the same batch sent twice changes nothing; a submitted form takes nothing
//! until returned; a fractional count is refused. The form page keeps the same promise.

mod common;

use axum::http::StatusCode;
use common::{Client, signed_in};
use serde_json::{Value, json};

const OWN: &str = "06838";
const FORM: &str = "/forms/BC_XA_6T/06838/2026S2";

async fn person(app: &solieu_web::Shared, name: &str) -> (Client, String) {
    let mut c = signed_in(app, name).await;
    let csrf = c.csrf().await;
    (c, csrf)
}

/// The revision each field of the form stands at, as the device keeps it.
async fn revisions(c: &mut Client) -> Value {
    let form = c.get(&format!("/api/v1{FORM}")).await.json();
    form["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["indicator"].as_str().unwrap().to_string(),
                f["revision"].clone(),
            )
        })
        .collect::<serde_json::Map<_, _>>()
        .into()
}

/// Every revision of every value of the unit: what must not move when nothing is written.
async fn history_size(app: &solieu_web::Shared) -> usize {
    let values = app
        .store
        .values(&solieu_store::ValueFilter {
            unit: Some(OWN.into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let mut n = 0;
    for v in values {
        n += app.store.history(v.id).await.unwrap().len();
    }
    n
}

on_both_backends!(
    a_figure_changed_meanwhile_is_shown_with_both_values,
    |app| {
        let (mut clerk, csrf) = person(&app, "binhlieu").await;
        let kept = revisions(&mut clerk).await;
        assert_eq!(kept["KHAM_BENH_XA"], 0, "nothing stored yet: {kept}");
        // While the clerk has no network, the health department enters the same figure.
        common::enter_as(&app, "health", FORM, "KHAM_BENH_XA", "100").await;
        let before = history_size(&app).await;
        let batch = |base_visits: &Value| {
            json!({"values": [
                {"indicator": "KHAM_BENH_XA", "value": "1.250", "status": "estimate", "note": "", "base": base_visits},
                {"indicator": "TONG_DAN_TRAU_BO", "value": "3.400", "status": "estimate", "note": "", "base": kept["TONG_DAN_TRAU_BO"]},
            ]})
        };
        let offline = format!("/api/v1{FORM}/offline");
        let a = clerk
            .post_json(&offline, batch(&kept["KHAM_BENH_XA"]), Some(&csrf))
            .await;
        assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.body);
        let changed = a.json()["changed"].clone();
        assert_eq!(changed.as_array().unwrap().len(), 1, "{changed}");
        assert_eq!(changed[0]["indicator"], "KHAM_BENH_XA");
        assert_eq!(changed[0]["yours"], "1.250");
        assert_eq!(changed[0]["theirs"], "100");
        assert_eq!(changed[0]["by"], "health");
        // All or nothing: the cattle figure, which had no conflict, waits with the rest.
        assert_eq!(history_size(&app).await, before);
        // The clerk keeps theirs: sent against the revision now stored, it replaces it.
        let a = clerk
            .post_json(&offline, batch(&changed[0]["revision"]), Some(&csrf))
            .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        assert_eq!(a.json()["values_changed"], 1);
        assert_eq!(a.json()["values_added"], 1);
        let after = history_size(&app).await;
        assert_eq!(after, before + 2);
        // The answer was lost on the way back and the device sends the batch again: nothing moves.
        let a = clerk
            .post_json(&offline, batch(&changed[0]["revision"]), Some(&csrf))
            .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        assert_eq!(a.json()["values_unchanged"], 2);
        assert_eq!(history_size(&app).await, after);
        // The history says it came from a device's keeping.
        let form = clerk.get(&format!("/api/v1{FORM}")).await.json();
        let id = form["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["indicator"] == "KHAM_BENH_XA")
            .unwrap()["value_id"]
            .as_i64()
            .unwrap();
        let history = clerk.get(&format!("/api/v1/values/{id}")).await;
        assert!(history.body.contains("offline"), "{}", history.body);
        assert!(history.body.contains("health"), "{}", history.body);
    }
);

on_both_backends!(a_batch_waits_for_a_returned_form_and_whole_counts, |app| {
    let (mut clerk, csrf) = person(&app, "binhlieu").await;
    let kept = revisions(&mut clerk).await;
    let offline = format!("/api/v1{FORM}/offline");
    let visits = |v: &str| json!({"values": [{"indicator": "KHAM_BENH_XA", "value": v, "base": kept["KHAM_BENH_XA"]}]});
    // Half a visit is a typing mistake.
    let a = clerk.post_json(&offline, visits("12,5"), Some(&csrf)).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.body);
    assert!(
        a.json()["problems"][0]["message_en"]
            .as_str()
            .unwrap()
            .contains("whole number")
    );
    // A figure without the revision it was entered against cannot be told from an overwrite.
    let a = clerk
        .post_json(
            &offline,
            json!({"values": [{"indicator": "KHAM_BENH_XA", "value": "12"}]}),
            Some(&csrf),
        )
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.body);
    // Nor one entered against a revision that never was, through either route.
    for route in [offline.clone(), format!("/api/v1{FORM}")] {
        let a = clerk
            .post_json(
                &route,
                json!({"values": [{"indicator": "KHAM_BENH_XA", "value": "12", "base": -1}]}),
                Some(&csrf),
            )
            .await;
        assert_eq!(
            a.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{route}: {}",
            a.body
        );
    }
    // Submitted meanwhile (from another device): the batch is refused until it is returned.
    let a = clerk
        .post_form(&format!("{FORM}/submit"), &[("csrf", &csrf)])
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let a = clerk
        .post_json(&offline, visits("1.250"), Some(&csrf))
        .await;
    assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.body);
    let (mut office, oc) = person(&app, "office").await;
    let a = office
        .post_form(
            &format!("{FORM}/return"),
            &[("csrf", &oc), ("reason", "Thiếu số khám bệnh")],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let a = clerk
        .post_json(&offline, visits("1.250"), Some(&csrf))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.json()["values_added"], 1);
    // A device whose session ended is told so, and keeps its batch to send after sign-in.
    let mut stranger = Client::new(&app);
    let a = stranger
        .post_json(&offline, visits("1.300"), Some(&csrf))
        .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{}", a.body);
});

on_both_backends!(the_form_page_shows_a_change_made_meanwhile, |app| {
    let (mut clerk, csrf) = person(&app, "binhlieu").await;
    let page = clerk.get(FORM).await.html();
    assert!(
        page.contains(r#"name="base:KHAM_BENH_XA" value="0""#),
        "{page}"
    );
    common::enter_as(&app, "health", FORM, "KHAM_BENH_XA", "100").await;
    let fields = [
        ("csrf", csrf.as_str()),
        ("value:KHAM_BENH_XA", "1.250"),
        ("status:KHAM_BENH_XA", "estimate"),
        ("note:KHAM_BENH_XA", ""),
    ];
    let mut typed = fields.to_vec();
    typed.push(("base:KHAM_BENH_XA", "0"));
    let a = clerk.post_form(FORM, &typed).await;
    assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.body);
    let page = a.html();
    // Both figures on the page, the clerk's still in the field, the new base to keep it.
    assert!(
        page.contains("health đã sửa số này thành 100 lúc"),
        "{page}"
    );
    assert!(page.contains(r#"value="1.250""#), "{page}");
    let base = page
        .split(r#"name="base:KHAM_BENH_XA" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_string();
    assert_ne!(base, "0");
    let mut again = fields.to_vec();
    again.push(("base:KHAM_BENH_XA", &base));
    let a = clerk.post_form(FORM, &again).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let form = clerk.get(&format!("/api/v1{FORM}")).await.json();
    let field = form["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["indicator"] == "KHAM_BENH_XA")
        .unwrap()
        .clone();
    assert_eq!(field["value"], "1.250");
});
