//! The DHIS2 Web API as a DHIS2 client uses it: signing in with a password or a token,
//! writing a commune's figures as a data value set, reading them back, and every refusal
//! (another commune's unit, approved figures, a bad value) as DHIS2's conflicts.

mod common;

use axum::http::StatusCode;
use base64::Engine as _;
use common::{Answer, Client, PASSWORD, signed_in};
use serde_json::{Value, json};
use solieu_core::period::Period;
use solieu_core::value::Source;
use solieu_store::ValueFilter;

const OWN: &str = "06838";
const OTHER: &str = "06841";

fn with_password(app: &solieu_web::Shared, user: &str, password: &str) -> Client {
    let mut c = Client::new(app);
    let pair = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    c.headers
        .push(("authorization".into(), format!("Basic {pair}")));
    c
}

fn basic(app: &solieu_web::Shared, user: &str) -> Client {
    with_password(app, user, PASSWORD)
}

fn value_set(unit: &str, period: &str, values: &[(&str, &str)]) -> Value {
    let list: Vec<Value> = values
        .iter()
        .map(|(de, v)| json!({"dataElement": de, "categoryOptionCombo": "HllvX50cXC0", "value": v}))
        .collect();
    json!({"dataSet": "BC_XA_6T", "orgUnit": unit, "period": period, "dataValues": list})
}

async fn post_set(c: &mut Client, query: &str, body: &Value) -> Answer {
    let uri = format!("/api/dataValueSets{query}");
    c.call(
        "POST",
        &uri,
        Some("application/json"),
        body.to_string().into_bytes(),
        None,
    )
    .await
}

/// The figure stored for `indicator` in `unit` for the second half of 2026, with its source.
async fn stored(app: &solieu_web::Shared, unit: &str, indicator: &str) -> Option<(String, Source)> {
    app.store
        .values(&ValueFilter {
            unit: Some(unit.into()),
            within: Some("2026S2".parse::<Period>().unwrap()),
            indicator: Some(indicator.into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.record.key.period.code() == "2026S2")
        .map(|v| (v.record.figure.value.normalize().to_string(), v.source))
}

fn summary(a: &Answer) -> Value {
    a.json()["response"].clone()
}

fn codes(a: &Answer) -> Vec<String> {
    summary(a)["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["errorCode"].as_str().unwrap_or("").to_string())
        .collect()
}

on_both_backends!(a_dhis2_client_writes_and_reads_a_communes_figures, |app| {
    let mut c = basic(&app, "binhlieu");
    let info = c.get("/api/system/info").await;
    assert_eq!(info.status, StatusCode::OK, "{}", info.body);
    assert_eq!(info.json()["version"], "2.40.0");
    let me = c.get("/api/me").await.json();
    assert_eq!(me["username"], "binhlieu");
    assert_eq!(me["organisationUnits"][0]["id"], OWN);

    let set = value_set(
        OWN,
        "2026S2",
        &[("KHAM_BENH_XA", "1234"), ("TONG_DAN_TRAU_BO", "800")],
    );
    let a = post_set(&mut c, "", &set).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.json()["status"], "OK");
    assert_eq!(summary(&a)["status"], "SUCCESS");
    assert_eq!(summary(&a)["importCount"]["imported"], 2);
    let (value, source) = stored(&app, OWN, "KHAM_BENH_XA").await.expect("written");
    assert_eq!(value, "1234");
    assert_eq!(
        source,
        Source::Api {
            client: "dhis2 basic".into()
        }
    );
    // The engine has it at once: the dashboard's API reads it (our own API takes no password).
    let mut officer = signed_in(&app, "binhlieu").await;
    let figure = officer
        .get(&format!("/api/v1/figures/KHAM_BENH_XA/{OWN}/2026S2"))
        .await;
    assert_eq!(figure.status, StatusCode::OK, "{}", figure.body);
    assert!(figure.body.contains("1234"), "{}", figure.body);

    // The same set again changes nothing; a corrected figure is an update.
    let again = post_set(&mut c, "", &set).await;
    assert_eq!(
        summary(&again)["importCount"]["ignored"],
        2,
        "{}",
        again.body
    );
    let fix = value_set(OWN, "2026S2", &[("KHAM_BENH_XA", "1240")]);
    let fixed = post_set(&mut c, "", &fix).await;
    assert_eq!(
        summary(&fixed)["importCount"]["updated"],
        1,
        "{}",
        fixed.body
    );

    let read = c
        .get(&format!(
            "/api/dataValueSets?dataSet=BC_XA_6T&period=2026S2&orgUnit={OWN}"
        ))
        .await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.body);
    let values = read.json()["dataValues"].as_array().unwrap().clone();
    let kham = values
        .iter()
        .find(|v| v["dataElement"] == "KHAM_BENH_XA")
        .expect("the figure written");
    assert_eq!(kham["value"], "1240");
    assert_eq!(kham["orgUnit"], OWN);
    assert_eq!(kham["categoryOptionCombo"], "HllvX50cXC0");
    assert_eq!(kham["storedBy"], "binhlieu");
    let one = c
        .get(&format!(
            "/api/dataValues?de=KHAM_BENH_XA&pe=2026S2&ou={OWN}"
        ))
        .await;
    assert_eq!(one.json(), json!(["1240"]));
    // One value through /api/dataValues, as DHIS2 clients send it.
    let single = c
        .post_json(
            "/api/dataValues",
            json!({"dataElement": "TONG_DAN_TRAU_BO", "period": "2026S2", "orgUnit": OWN, "categoryOptionCombo": "HllvX50cXC0", "value": "812"}),
            None,
        )
        .await;
    assert_eq!(single.status, StatusCode::CREATED, "{}", single.body);
    assert_eq!(
        stored(&app, OWN, "TONG_DAN_TRAU_BO").await.unwrap().0,
        "812"
    );

    // CSV when the client asks for it.
    let mut csv = basic(&app, "binhlieu");
    csv.headers
        .push(("accept".into(), "application/csv".into()));
    let text = csv
        .get(&format!(
            "/api/dataValueSets?dataSet=BC_XA_6T&period=2026S2&orgUnit={OWN}"
        ))
        .await;
    assert!(
        text.body.starts_with("dataelement,period,orgunit"),
        "{}",
        text.body
    );
    assert!(
        text.body.contains("KHAM_BENH_XA,2026S2,06838,HllvX50cXC0"),
        "{}",
        text.body
    );

    // The organisation units as a tree, paged as DHIS2 pages.
    let tree = c
        .get("/api/organisationUnits?level=1&fields=id,displayName,level,children[id,displayName,level]&paging=false")
        .await
        .json();
    let root = &tree["organisationUnits"][0];
    assert_eq!(root["level"], 1);
    assert!(root["children"].as_array().is_some_and(|c| !c.is_empty()));
    let page = c
        .get("/api/organisationUnits?pageSize=2&page=1")
        .await
        .json();
    assert_eq!(page["pager"]["pageSize"], 2);
    assert!(page["pager"]["pageCount"].as_u64().unwrap() > 1);
    let commune = c
        .get(&format!(
            "/api/organisationUnits/{OWN}?fields=id,name,parent[id,name],path"
        ))
        .await
        .json();
    // As of today: since 01/07/2025 the communes are under the province itself.
    assert_eq!(commune["parent"]["id"], "22");
    assert_eq!(commune["path"], "/22/06838");
    let sets = c
        .get("/api/dataSets?fields=id,periodType,dataSetElements")
        .await
        .json();
    let half = sets["dataSets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "BC_XA_6T")
        .expect("the demo's data set");
    assert_eq!(half["periodType"], "SixMonthly");
    let elements = c.get("/api/dataElements?paging=false").await.json();
    assert!(
        elements["dataElements"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["id"] == "KHAM_BENH_XA")
    );
});

on_both_backends!(
    one_bad_value_writes_nothing_unless_atomic_mode_is_none,
    |app| {
        let mut c = basic(&app, "binhlieu");
        let set = value_set(
            OWN,
            "2026S2",
            &[
                ("KHAM_BENH_XA", "1500"),
                ("NO_SUCH", "3"),
                ("TONG_DAN_TRAU_BO", "abc"),
            ],
        );
        let a = post_set(&mut c, "", &set).await;
        assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.body);
        assert_eq!(summary(&a)["status"], "ERROR");
        assert_eq!(codes(&a), ["E7610", "E7619"]);
        assert_eq!(summary(&a)["rejectedIndexes"], json!([1, 2]));
        // Half a visit: not a value of an INTEGER data element.
        let half = value_set(OWN, "2026S2", &[("KHAM_BENH_XA", "12.5")]);
        let refused = post_set(&mut c, "", &half).await;
        assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
        assert_eq!(codes(&refused), ["E7619"]);
        assert!(
            summary(&a)["conflicts"][0]["value"]
                .as_str()
                .unwrap()
                .contains("NO_SUCH")
        );
        assert!(
            !summary(&a)["conflicts"][0]["valueVi"]
                .as_str()
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            stored(&app, OWN, "KHAM_BENH_XA").await,
            None,
            "nothing written"
        );

        let dry = post_set(&mut c, "?dryRun=true&atomicMode=NONE", &set).await;
        assert_eq!(summary(&dry)["status"], "WARNING", "{}", dry.body);
        assert_eq!(summary(&dry)["importCount"]["imported"], 1);
        assert_eq!(
            stored(&app, OWN, "KHAM_BENH_XA").await,
            None,
            "a dry run writes nothing"
        );

        let some = post_set(&mut c, "?atomicMode=NONE", &set).await;
        assert_eq!(some.status, StatusCode::OK, "{}", some.body);
        assert_eq!(summary(&some)["status"], "WARNING");
        assert_eq!(summary(&some)["importCount"]["imported"], 1);
        assert_eq!(summary(&some)["importCount"]["ignored"], 2);
        assert_eq!(stored(&app, OWN, "KHAM_BENH_XA").await.unwrap().0, "1500");

        // CREATE leaves what is there; UPDATE adds nothing new.
        let create = value_set(
            OWN,
            "2026S2",
            &[("KHAM_BENH_XA", "1600"), ("TONG_DAN_TRAU_BO", "900")],
        );
        let a = post_set(&mut c, "?importStrategy=CREATE", &create).await;
        let count = &summary(&a)["importCount"];
        assert_eq!(
            (count["imported"].as_u64(), count["ignored"].as_u64()),
            (Some(1), Some(1)),
            "{}",
            a.body
        );
        assert_eq!(stored(&app, OWN, "KHAM_BENH_XA").await.unwrap().0, "1500");
        let delete = post_set(&mut c, "?importStrategy=DELETE", &create).await;
        assert_eq!(delete.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(delete.json()["httpStatusCode"], 422);
        assert!(
            delete.json()["message"]
                .as_str()
                .unwrap()
                .contains("DELETE")
        );
        let wrong_type = post_set(&mut c, "", &json!({"orgUnit": {}, "dataValues": []})).await;
        assert_eq!(
            wrong_type.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            wrong_type.body
        );
        assert_eq!(wrong_type.json()["problems"][0]["column"], "$.orgUnit");
        let paging = c.get("/api/dataSets?paging=AAA").await;
        assert_eq!(paging.status, StatusCode::BAD_REQUEST, "{}", paging.body);
        let bad = c.get("/api/dataValueSets?dataSet=BC_XA_6T").await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert_eq!(bad.json()["status"], "ERROR");
        let unreadable = c
            .call(
                "POST",
                "/api/dataValueSets",
                Some("application/json"),
                b"{\"dataValues\": [".to_vec(),
                None,
            )
            .await;
        assert!(unreadable.status.is_client_error(), "{}", unreadable.body);
        assert_eq!(unreadable.json()["status"], "ERROR");
    }
);

on_both_backends!(
    another_communes_officer_is_refused_on_every_dhis2_route,
    |app| {
        let mut c = basic(&app, "binhlieu");
        let theirs = value_set(OTHER, "2026S2", &[("KHAM_BENH_XA", "10")]);
        let a = post_set(&mut c, "", &theirs).await;
        assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.body);
        assert_eq!(codes(&a), ["E7617"]);
        let one = c
        .post_json(
            "/api/dataValues",
            json!({"dataElement": "KHAM_BENH_XA", "period": "2026S2", "orgUnit": OTHER, "value": "10"}),
            None,
        )
        .await;
        assert_eq!(one.status, StatusCode::CONFLICT, "{}", one.body);
        assert_eq!(codes(&one), ["E7617"]);
        assert_eq!(stored(&app, OTHER, "KHAM_BENH_XA").await, None);
        let read = c
            .get(&format!(
                "/api/dataValueSets?dataSet=BC_XA_6T&period=2026S2&orgUnit={OTHER}"
            ))
            .await;
        assert_eq!(read.status, StatusCode::FORBIDDEN, "{}", read.body);
        assert_eq!(read.json()["httpStatusCode"], 403);
        let value = c
            .get(&format!(
                "/api/dataValues?de=KHAM_BENH_XA&pe=2026S2&ou={OTHER}"
            ))
            .await;
        assert_eq!(value.status, StatusCode::FORBIDDEN);
        // What units, elements and data sets exist is no secret (the portal shows them): every
        // officer reads them.
        for path in [
            "/api/organisationUnits",
            &format!("/api/organisationUnits/{OTHER}"),
            "/api/dataElements",
            "/api/dataElements/KHAM_BENH_XA",
            "/api/dataSets",
            "/api/dataSets/BC_XA_6T",
            "/api/me",
            "/api/system/info",
        ] {
            assert_eq!(c.get(path).await.status, StatusCode::OK, "{path}");
        }
        // Without credentials, or with wrong ones, nothing.
        let mut stranger = Client::new(&app);
        for (method, path) in solieu_web::dhis2::table()
            .iter()
            .map(|(p, m, _)| (m.clone(), p.replace("{id}", "06838")))
        {
            let a = stranger
                .call(
                    method.as_str(),
                    &path,
                    Some("application/json"),
                    b"{}".to_vec(),
                    None,
                )
                .await;
            assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{method} {path}");
            assert_eq!(a.json()["httpStatusCode"], 401, "{method} {path}");
            assert!(
                a.headers.get("www-authenticate").is_none(),
                "no password prompt"
            );
        }
        let mut wrong = with_password(&app, "binhlieu", "not-the-password");
        assert_eq!(wrong.get("/api/me").await.status, StatusCode::UNAUTHORIZED);
        // A token of ours, as DHIS2's ApiToken.
        let t = Client::new(&app)
            .post_json(
                "/api/v1/tokens",
                json!({"username": "hoanhmo", "password": PASSWORD, "name": "dhis2-sync"}),
                None,
            )
            .await;
        let mut token = Client::new(&app);
        let secret = t.json()["token"].as_str().unwrap().to_string();
        token
            .headers
            .push(("authorization".into(), format!("ApiToken {secret}")));
        assert_eq!(token.get("/api/me").await.json()["username"], "hoanhmo");
        let mine = post_set(&mut token, "", &theirs).await;
        assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
        assert_eq!(
            stored(&app, OTHER, "KHAM_BENH_XA").await.unwrap().1,
            Source::Api {
                client: "dhis2 dhis2-sync".into()
            }
        );
        // A browser's session writes only with its CSRF token.
        let mut browser = signed_in(&app, "binhlieu").await;
        let own = value_set(OWN, "2026S2", &[("KHAM_BENH_XA", "7")]);
        assert_eq!(
            post_set(&mut browser, "", &own).await.status,
            StatusCode::FORBIDDEN
        );
    }
);

on_both_backends!(approved_figures_are_locked_for_dhis2_too, |app| {
    let mut clerk = signed_in(&app, "binhlieu").await;
    let csrf = clerk.csrf().await;
    let form = format!("/api/v1/forms/BC_XA_6T/{OWN}/2026S2");
    let saved = clerk
        .post_json(
            &form,
            json!({"values": [{"indicator": "KHAM_BENH_XA", "value": "100"}]}),
            Some(&csrf),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let submit = clerk
        .post_json(&format!("{form}/submit"), json!({}), Some(&csrf))
        .await;
    assert_eq!(submit.status, StatusCode::OK, "{}", submit.body);
    let mut c = basic(&app, "binhlieu");
    let set = value_set(OWN, "2026S2", &[("KHAM_BENH_XA", "200")]);
    let waiting = post_set(&mut c, "", &set).await;
    assert_eq!(codes(&waiting), ["E7643"], "{}", waiting.body);
    let mut office = signed_in(&app, "office").await;
    let office_csrf = office.csrf().await;
    let approve = office
        .post_json(&format!("{form}/approve"), json!({}), Some(&office_csrf))
        .await;
    assert_eq!(approve.status, StatusCode::OK, "{}", approve.body);
    let locked = post_set(&mut c, "", &set).await;
    assert_eq!(locked.status, StatusCode::CONFLICT);
    assert_eq!(codes(&locked), ["E7642"], "{}", locked.body);
    assert_eq!(stored(&app, OWN, "KHAM_BENH_XA").await.unwrap().0, "100");
});
