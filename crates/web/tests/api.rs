//! The JSON API's contract: every route documented in openapi.json and nothing else, every
//! refusal the documented JSON error (axum's own included), and the API's workbook, reports,
//! assignments and token routes, each refused to a commune officer on another commune.

mod common;

use axum::http::{StatusCode, header};
use common::{Answer, Client, PASSWORD, signed_in};
use serde_json::{Value, json};
use solieu_core::period::Period;
use solieu_store::ValueFilter;
use std::collections::BTreeSet;

const OWN: &str = "06838";
const OTHER: &str = "06841";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn document() -> Value {
    serde_json::from_str(include_str!("../openapi.json")).expect("openapi.json is JSON")
}

/// Every schema reachable in `node` that says `object` also says what is in it.
fn bare_objects(node: &Value, at: &str, out: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            let object = map.get("type") == Some(&json!("object"));
            if object
                && !map.contains_key("properties")
                && !map.contains_key("additionalProperties")
            {
                out.push(at.to_string());
            }
            for (k, v) in map {
                bare_objects(v, &format!("{at}/{k}"), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                bare_objects(v, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn refs(node: &Value, out: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                out.push(r.clone());
            }
            map.values().for_each(|v| refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[test]
fn every_route_is_documented_and_every_documented_operation_is_routed() {
    let doc = document();
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .unwrap()
                .keys()
                .filter(|m| *m != "parameters")
                .map(move |m| (m.to_uppercase(), path.clone()))
        })
        .collect();
    // The document's paths are under /api: ours under /v1, DHIS2's beside.
    let ours = solieu_web::api::table()
        .into_iter()
        .map(|(path, method, _)| (method.to_string(), format!("/v1{path}")));
    let dhis2 = solieu_web::dhis2::table()
        .into_iter()
        .map(|(path, method, _)| {
            let path = path
                .strip_prefix("/api")
                .expect("DHIS2 routes are under /api");
            (method.to_string(), path.to_string())
        });
    let routed: BTreeSet<(String, String)> = ours.chain(dhis2).collect();
    assert_eq!(
        routed.difference(&documented).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "routes missing from openapi.json"
    );
    assert_eq!(
        documented.difference(&routed).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "documented operations with no route"
    );

    let mut bare = Vec::new();
    bare_objects(&doc, "#", &mut bare);
    assert!(
        bare.is_empty(),
        "objects with nothing said of them: {bare:#?}"
    );
    let mut all = Vec::new();
    refs(&doc, &mut all);
    for r in all {
        let pointer = r.trim_start_matches('#');
        assert!(doc.pointer(pointer).is_some(), "{r} points nowhere");
    }
    // Ids are read as i64: a larger number is not a valid id, and the document says so.
    for (name, p) in doc["components"]["parameters"].as_object().unwrap() {
        if p["schema"]["type"] == "integer" {
            assert_eq!(p["schema"]["format"], "int64", "{name}");
            assert_eq!(p["schema"]["maximum"], json!(i64::MAX), "{name}");
        }
    }
    // A route that needs sign-in says what a stranger gets; every route says how it fails.
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            let public = op.get("security") == Some(&json!([]));
            if !public {
                assert!(responses.contains_key("401"), "{method} {path}: no 401");
            }
            if path != "/v1/openapi.json" {
                assert!(responses.contains_key("500"), "{method} {path}: no 500");
            }
            if op.get("requestBody").is_some() {
                for status in ["413", "415"] {
                    assert!(
                        responses.contains_key(status),
                        "{method} {path}: no {status}"
                    );
                }
            }
        }
    }
}

/// The documented error: JSON, the status repeated, a message in both languages.
fn assert_error(a: &Answer, status: StatusCode, what: &str) {
    assert_eq!(a.status, status, "{what}: {}", a.body);
    assert_eq!(
        a.headers.get(header::CONTENT_TYPE).unwrap(),
        "application/json",
        "{what}"
    );
    let e = a.json();
    assert_eq!(e["error"], status.as_u16(), "{what}");
    for key in ["message_vi", "message_en"] {
        assert!(
            !e[key].as_str().unwrap().is_empty(),
            "{what}: no {key}: {e}"
        );
    }
    assert!(e["problems"].is_array(), "{what}: {e}");
}

async fn token_for(app: &solieu_web::Shared, username: &str, name: &str) -> Client {
    let mut c = Client::new(app);
    let t = c
        .post_json(
            "/api/v1/tokens",
            json!({"username": username, "password": PASSWORD, "name": name}),
            None,
        )
        .await;
    assert_eq!(t.status, StatusCode::OK, "{}", t.body);
    c.bearer = Some(t.json()["token"].as_str().unwrap().to_string());
    c
}

on_both_backends!(framework_refusals_are_the_documented_json_error, |app| {
    let mut c = token_for(&app, "binhlieu", "script").await;
    // Each route of the table answers the method it is declared with (the table's method and
    // its handler cannot disagree), and any refusal is the documented error.
    for (path, method, _) in solieu_web::api::table() {
        if path.starts_with("/tokens/") {
            continue;
        }
        let uri = format!("/api/v1{}", path.replace(['{', '}'], ""));
        let a = c.call(method.as_str(), &uri, None, Vec::new(), None).await;
        assert_ne!(a.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {uri}");
        if !a.status.is_success() {
            assert_error(&a, a.status, &format!("{method} {uri}"));
        }
    }
    let form = format!("/api/v1/forms/BC_XA_6T/{OWN}/2026S2");
    let json_type = Some("application/json");
    let a = c
        .call("POST", &form, json_type, b"{\"values\": [".to_vec(), None)
        .await;
    assert_error(&a, StatusCode::BAD_REQUEST, "unfinished JSON");
    assert!(
        a.json()["message_en"]
            .as_str()
            .unwrap()
            .contains("cannot be read")
    );
    let a = c
        .call("POST", &form, Some("text/plain"), b"{}".to_vec(), None)
        .await;
    assert_error(&a, StatusCode::UNSUPPORTED_MEDIA_TYPE, "text/plain body");
    let a = c
        .call("POST", &form, json_type, br#"{"values": 5}"#.to_vec(), None)
        .await;
    assert_error(&a, StatusCode::UNPROCESSABLE_ENTITY, "values not a list");
    let big = format!(
        r#"{{"values": [{{"indicator": "KHAM_BENH_XA", "value": "1", "note": "{}"}}]}}"#,
        "x".repeat(solieu_web::api::JSON_LIMIT)
    );
    let a = c
        .call("POST", &form, json_type, big.into_bytes(), None)
        .await;
    assert_error(&a, StatusCode::PAYLOAD_TOO_LARGE, "JSON over its limit");
    for uri in ["/api/v1/no-such-thing", "/api/v1/", "/api/v1"] {
        assert_error(&c.get(uri).await, StatusCode::NOT_FOUND, uri);
    }
    let a = c.call("PATCH", "/api/v1/me", None, Vec::new(), None).await;
    assert_error(&a, StatusCode::METHOD_NOT_ALLOWED, "PATCH /me");
    assert_eq!(a.headers.get(header::ALLOW).unwrap(), "GET,HEAD");
    let a = c.get("/api/v1/values/abc").await;
    assert_error(
        &a,
        StatusCode::BAD_REQUEST,
        "a value id that is not a number",
    );
    // The store's parser reads `2026-07`; the API keeps to the documented codes.
    let a = c
        .get(&format!("/api/v1/forms/BC_XA_6T/{OWN}/2026-07"))
        .await;
    assert_error(&a, StatusCode::BAD_REQUEST, "a period outside the pattern");
    let a = c
        .get(&format!("/api/v1/forms/BC_XA_6T/{OWN}/20%C3%87%22"))
        .await;
    assert_error(&a, StatusCode::BAD_REQUEST, "a period of other letters");
    let a = c.get("/api/v1/dashboard?unit=").await;
    assert_error(&a, StatusCode::BAD_REQUEST, "a unit sent empty");
    let a = c.get("/api/v1/dashboard?indicator=KHONG_CO").await;
    assert_error(
        &a,
        StatusCode::NOT_FOUND,
        "an indicator that does not exist",
    );
    // A well-formed address of a form that does not exist.
    let a = c.get(&format!("/api/v1/forms/BC_XA_6T/{OWN}/2026Q1")).await;
    assert_error(&a, StatusCode::NOT_FOUND, "a quarter of a half-yearly set");
    let a = c
        .post_json(
            &form,
            json!({"values": [{"indicator": "KHAM_BENH_XA", "value": "1", "status": "ct"}]}),
            None,
        )
        .await;
    assert_error(
        &a,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a status by its short name",
    );
});

on_both_backends!(the_workbook_goes_both_ways_through_the_api, |app| {
    let mut officer = token_for(&app, "binhlieu", "script").await;
    let own = format!("/api/v1/forms/BC_XA_6T/{OWN}/2026S1/workbook");
    let other = format!("/api/v1/forms/BC_XA_6T/{OTHER}/2026S1/workbook");
    let template = officer.get(&own).await;
    assert_eq!(template.status, StatusCode::OK, "{}", template.body);
    assert_eq!(template.headers.get(header::CONTENT_TYPE).unwrap(), XLSX);
    assert!(template.bytes.starts_with(b"PK"));
    let file = common::filled(&template.bytes, "KHAM_BENH_XA", "4321");

    // Another commune's workbook is neither sent nor taken.
    let a = officer.get(&other).await;
    assert!(
        matches!(a.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
        "GET {other}: {}",
        a.status
    );
    let before = stored(&app, OTHER).await;
    let a = officer
        .call("POST", &other, Some(XLSX), file.clone(), None)
        .await;
    assert!(
        matches!(a.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
        "POST {other}: {}",
        a.status
    );
    assert_eq!(stored(&app, OTHER).await, before);

    let a = officer
        .call("POST", &own, Some("text/csv"), file.clone(), None)
        .await;
    assert_error(
        &a,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "a workbook sent as CSV",
    );
    let mut huge = file.clone();
    huge.resize(solieu_web::api::UPLOAD_LIMIT + 1, 0);
    let a = officer.call("POST", &own, Some(XLSX), huge, None).await;
    assert_error(&a, StatusCode::PAYLOAD_TOO_LARGE, "a workbook over 2 MB");
    let a = officer
        .call("POST", &own, Some(XLSX), b"not a workbook".to_vec(), None)
        .await;
    assert_error(
        &a,
        StatusCode::UNPROCESSABLE_ENTITY,
        "text sent as a workbook",
    );

    let a = officer.call("POST", &own, Some(XLSX), file, None).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.json()["values_changed"], 1, "{}", a.body);
    assert!(
        stored(&app, OWN).await.iter().any(|v| v.contains("4321")),
        "the uploaded figure is stored"
    );
});

/// The figures of 2026S1 of `unit`, with their revisions.
async fn stored(app: &solieu_web::Shared, unit: &str) -> Vec<String> {
    app.store
        .values(&ValueFilter {
            unit: Some(unit.into()),
            within: Some("2026S1".parse::<Period>().unwrap()),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .map(|v| format!("{:?} {}", v.record, v.revision))
        .collect()
}

on_both_backends!(reports_and_assignments_only_of_units_one_may_read, |app| {
    let id = common::record_report(&app, "198", "2020S1").await;
    let mut office = token_for(&app, "office", "reports").await;
    let list = office.get("/api/v1/reports").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert_eq!(list.json()[0]["id"], id);
    assert_eq!(list.json()[0]["unit"], "198");
    assert_eq!(list.json()[0]["created_by"], "office");
    let doc = office.get(&format!("/api/v1/reports/{id}")).await;
    assert_eq!(doc.status, StatusCode::OK, "{}", doc.body);
    assert!(doc.body.contains("643,41"), "{}", doc.body);
    assert!(doc.json()["blocks"].as_array().unwrap().len() > 3);
    let docx = office.get(&format!("/api/v1/reports/{id}/docx")).await;
    assert_eq!(docx.status, StatusCode::OK);
    assert!(docx.bytes.starts_with(b"PK"));
    let a = office.get("/api/v1/reports?limit=0").await;
    assert_error(&a, StatusCode::BAD_REQUEST, "limit 0");

    // A commune officer reads its own commune's report, and neither lists nor opens the
    // district's or another commune's.
    let own_report = common::record_report(&app, OWN, "2026S1").await;
    let other_report = common::record_report(&app, OTHER, "2026S1").await;
    let mut officer = token_for(&app, "binhlieu", "reports").await;
    let listed: Vec<i64> = officer
        .get("/api/v1/reports")
        .await
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(listed, [own_report]);
    for report in [own_report] {
        let uri = format!("/api/v1/reports/{report}/docx");
        assert_eq!(officer.get(&uri).await.status, StatusCode::OK, "{uri}");
    }
    for report in [id, other_report] {
        for uri in [
            format!("/api/v1/reports/{report}"),
            format!("/api/v1/reports/{report}/docx"),
        ] {
            assert_error(&officer.get(&uri).await, StatusCode::NOT_FOUND, &uri);
        }
    }

    // What a commune officer must fill: its own commune, nothing else.
    let mut own = token_for(&app, "binhlieu", "forms").await;
    let a = own.get("/api/v1/assignments").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let units: BTreeSet<String> = a
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["unit"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(units, BTreeSet::from([OWN.to_string()]));
    // The office sees the communes below it.
    let all = office.get("/api/v1/assignments").await.json();
    assert!(all.as_array().unwrap().iter().any(|x| x["unit"] == OTHER));
});

on_both_backends!(a_revoked_token_is_refused_at_once, |app| {
    let mut first = token_for(&app, "binhlieu", "first").await;
    let mut second = token_for(&app, "binhlieu", "second").await;
    let mut stranger = token_for(&app, "hoanhmo", "theirs").await;
    let mine = first.get("/api/v1/tokens").await.json();
    let names: Vec<&str> = mine
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["first", "second"]);
    assert!(!mine.to_string().contains(first.bearer.as_deref().unwrap()));
    let second_id = mine[1]["id"].as_i64().unwrap();

    // Another commune's officer cannot revoke them.
    let uri = format!("/api/v1/tokens/{second_id}");
    let a = stranger.call("DELETE", &uri, None, Vec::new(), None).await;
    assert_error(&a, StatusCode::NOT_FOUND, "another account's token");
    assert_eq!(second.get("/api/v1/me").await.status, StatusCode::OK);

    let a = first
        .call("DELETE", "/api/v1/tokens/current", None, Vec::new(), None)
        .await;
    assert_eq!(a.status, StatusCode::NO_CONTENT, "{}", a.body);
    assert_error(
        &first.get("/api/v1/me").await,
        StatusCode::UNAUTHORIZED,
        "the revoked token",
    );
    assert_eq!(second.get("/api/v1/me").await.status, StatusCode::OK);
    let a = second.call("DELETE", &uri, None, Vec::new(), None).await;
    assert_eq!(a.status, StatusCode::NO_CONTENT, "{}", a.body);
    assert_error(
        &second.get("/api/v1/me").await,
        StatusCode::UNAUTHORIZED,
        "revoked by id",
    );
    assert_eq!(stranger.get("/api/v1/me").await.status, StatusCode::OK);

    // A session has no token to revoke, and needs its CSRF token to revoke one by id.
    let mut page = signed_in(&app, "hoanhmo").await;
    let a = page
        .call("DELETE", "/api/v1/tokens/current", None, Vec::new(), None)
        .await;
    assert_error(
        &a,
        StatusCode::BAD_REQUEST,
        "a session has no current token",
    );
    let theirs = stranger.get("/api/v1/tokens").await.json()[0]["id"]
        .as_i64()
        .unwrap();
    let uri = format!("/api/v1/tokens/{theirs}");
    let a = page.call("DELETE", &uri, None, Vec::new(), None).await;
    assert_error(&a, StatusCode::FORBIDDEN, "no CSRF token");
    let csrf = page.csrf().await;
    let a = page
        .call("DELETE", &uri, None, Vec::new(), Some(&csrf))
        .await;
    assert_eq!(a.status, StatusCode::NO_CONTENT, "{}", a.body);
    assert_eq!(
        stranger.get("/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
});
