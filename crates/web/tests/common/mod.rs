//! The demo database with accounts, and a client that talks to the router in process.

#![allow(dead_code)]

use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use http_body_util::BodyExt;
use solieu_core::changes::{self, Incoming};
use solieu_io::{ReadOptions, read_csv};
use solieu_store::{Location, NewUser, Store};
use solieu_web::{App, Shared, router};
use std::sync::Arc;
use tower::ServiceExt;

pub const DEMO: &[&str] = &[
    "units.csv",
    "lineage.csv",
    "indicators.csv",
    "rules.csv",
    "values-2018-2020.csv",
    "values-2025-2026.csv",
];

pub const PASSWORD: &str = "mat-khau-thu";

/// Accounts: (username, role, unit, group).
pub const USERS: &[(&str, &str, Option<&str>, Option<&str>)] = &[
    ("admin", "admin", None, None),
    ("office", "office", Some("22"), None),
    ("leader", "leader", Some("22"), None),
    (
        "health",
        "department",
        None,
        Some("Văn hóa - xã hội > Y tế"),
    ),
    ("binhlieu", "commune", Some("06838"), None),
    ("hoanhmo", "commune", Some("06841"), None),
];

fn demo_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo")
}

/// Loads the demo files, its data sets and the test accounts into `store`.
pub async fn fill(store: &Store) {
    let mut incoming = Incoming::default();
    for f in DEMO {
        let bytes = std::fs::read(demo_dir().join(f)).expect("demo file");
        let read = read_csv(f, &bytes, &ReadOptions::default());
        assert!(read.problems.is_empty(), "{f}: {:#?}", read.problems);
        incoming.units.extend(read.incoming.units);
        incoming.events.extend(read.incoming.events);
        incoming.indicators.extend(read.incoming.indicators);
        incoming.values.extend(read.incoming.values);
        incoming.rules.extend(read.incoming.rules);
    }
    let plan = changes::plan(&store.stored().await.unwrap(), incoming).expect("a valid plan");
    store.apply(&plan, "demo", false).await.unwrap();
    let bytes = std::fs::read(demo_dir().join("datasets.csv")).unwrap();
    let sets = solieu_web::datasets::read(
        "datasets.csv",
        &bytes,
        &store.stored().await.unwrap().indicators,
    )
    .expect("demo data sets");
    store.put_data_sets(&sets, "demo").await.unwrap();
    let hash = solieu_web::auth::hash_password(PASSWORD).unwrap();
    for (username, role, unit, group) in USERS {
        store
            .add_user(
                &NewUser {
                    username: username.to_string(),
                    display_name: username.to_string(),
                    password_hash: hash.clone(),
                    role: role.to_string(),
                    unit_code: unit.map(str::to_string),
                    groups: group.map(|g| vec![g.to_string()]).unwrap_or_default(),
                },
                "test",
            )
            .await
            .unwrap();
    }
}

pub async fn app(location: &Location) -> Shared {
    let store = Store::create(location).await.unwrap();
    fill(&store).await;
    Arc::new(App::new(store, false).await.unwrap())
}

/// Runs `$body` with the demo application on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($name:ident, |$app:ident| $body:block) => {
        mod $name {
            use super::*;

            async fn run($app: solieu_web::Shared) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let (location, _dir) = solieu_store::test_support::fresh_sqlite();
                run(common::app(&location).await).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let location = solieu_store::test_support::fresh_postgres().await;
                run(common::app(&location).await).await;
                solieu_store::test_support::drop_postgres(&location).await;
            }
        }
    };
}

/// A browser-like client: keeps cookies, knows its session's CSRF token.
pub struct Client {
    pub app: Shared,
    pub cookies: Vec<(String, String)>,
    pub bearer: Option<String>,
    /// The socket address the request seems to come from (none: in process).
    pub peer: Option<std::net::SocketAddr>,
    /// Sent with every request (e.g. X-Forwarded-For).
    pub headers: Vec<(String, String)>,
}

pub struct Answer {
    pub status: StatusCode,
    pub location: Option<String>,
    pub body: String,
    /// The body as sent, for files.
    pub bytes: Vec<u8>,
    pub headers: axum::http::HeaderMap,
}

impl Answer {
    /// A response header's value, or "" when absent.
    /// A page's text with the escaped slashes of attribute values as a browser reads them.
    pub fn html(&self) -> String {
        self.body.replace("&#x2f;", "/")
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// The value of `name="csrf" value="…"` in a page.
pub fn csrf_in(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").expect("a csrf field");
    let rest = &page[at + "name=\"csrf\" value=\"".len()..];
    rest[..rest.find('"').unwrap()].to_string()
}

impl Client {
    pub fn new(app: &Shared) -> Client {
        Client {
            app: app.clone(),
            cookies: Vec::new(),
            bearer: None,
            peer: None,
            headers: Vec::new(),
        }
    }

    pub async fn send(&mut self, request: Request<Body>) -> Answer {
        let response: Response<Body> = router(self.app.clone()).oneshot(request).await.unwrap();
        for v in response.headers().get_all(header::SET_COOKIE) {
            let v = v.to_str().unwrap();
            let pair = v.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            self.cookies.retain(|(n, _)| n != name);
            if !value.is_empty() {
                self.cookies.push((name.to_string(), value.to_string()));
            }
        }
        let status = response.status();
        let location = response
            .headers()
            .get(header::LOCATION)
            .map(|l| l.to_str().unwrap().to_string());
        let headers = response.headers().clone();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        Answer {
            status,
            location,
            body: String::from_utf8_lossy(&body).into_owned(),
            bytes: body.to_vec(),
            headers,
        }
    }

    fn request(&self, method: &str, uri: &str) -> axum::http::request::Builder {
        let mut b = Request::builder().method(method).uri(uri);
        if !self.cookies.is_empty() {
            let c: Vec<String> = self
                .cookies
                .iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect();
            b = b.header(header::COOKIE, c.join("; "));
        }
        if let Some(t) = &self.bearer {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        for (name, value) in &self.headers {
            b = b.header(name, value);
        }
        if let Some(peer) = self.peer {
            b = b.extension(axum::extract::ConnectInfo(peer));
        }
        b
    }

    /// Any request: `method`, a body and its content type, and the session's CSRF token.
    pub async fn call(
        &mut self,
        method: &str,
        uri: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
        csrf: Option<&str>,
    ) -> Answer {
        let mut b = self.request(method, uri);
        if let Some(t) = content_type {
            b = b.header(header::CONTENT_TYPE, t);
        }
        if let Some(c) = csrf {
            b = b.header("x-csrf-token", c);
        }
        let r = b.body(Body::from(body)).unwrap();
        self.send(r).await
    }

    pub async fn get(&mut self, uri: &str) -> Answer {
        let r = self.request("GET", uri).body(Body::empty()).unwrap();
        self.send(r).await
    }

    /// A file sent as a browser sends an `<input type="file">`, with the form's CSRF token.
    pub async fn post_file(&mut self, uri: &str, csrf: &str, name: &str, bytes: &[u8]) -> Answer {
        let boundary = "solieu-test-boundary";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let r = self
            .request("POST", uri)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body))
            .unwrap();
        self.send(r).await
    }

    /// A form with a file (`multipart/form-data`), as a browser sends one: its text fields,
    /// then the file under the field name `file`.
    pub async fn post_multipart(
        &mut self,
        uri: &str,
        fields: &[(&str, &str)],
        file: (&str, &[u8]),
    ) -> Answer {
        let boundary = "solieu-test-boundary";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n",
                file.0
            )
            .as_bytes(),
        );
        body.extend_from_slice(file.1);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let r = self
            .request("POST", uri)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body))
            .unwrap();
        self.send(r).await
    }

    pub async fn post_form(&mut self, uri: &str, fields: &[(&str, &str)]) -> Answer {
        let body = serde_urlencoded(fields);
        let r = self
            .request("POST", uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(r).await
    }

    pub async fn post_json(
        &mut self,
        uri: &str,
        json: serde_json::Value,
        csrf: Option<&str>,
    ) -> Answer {
        let mut b = self
            .request("POST", uri)
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(c) = csrf {
            b = b.header("x-csrf-token", c);
        }
        let r = b.body(Body::from(json.to_string())).unwrap();
        self.send(r).await
    }

    /// Signs in through the sign-in form; returns the answer to the form's POST.
    pub async fn sign_in(&mut self, username: &str, password: &str) -> Answer {
        let page = self.get("/login").await;
        let token = csrf_in(&page.body);
        self.post_form(
            "/login",
            &[
                ("csrf", &token),
                ("username", username),
                ("password", password),
            ],
        )
        .await
    }

    /// The session's CSRF token, read from a page as a browser would.
    pub async fn csrf(&mut self) -> String {
        let page = self.get("/entry").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        csrf_in(&page.body)
    }
}

pub async fn signed_in(app: &Shared, username: &str) -> Client {
    let mut c = Client::new(app);
    let a = c.sign_in(username, PASSWORD).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{username}: {}", a.body);
    c
}

fn serde_urlencoded(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The downloaded workbook with `value` typed into `indicator`'s row of its figure column, as
/// a spreadsheet stores a typed number.
pub fn filled(template: &[u8], indicator: &str, value: &str) -> Vec<u8> {
    use calamine::Reader;
    use std::io::{Read, Write};
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(template)).unwrap();
    let range = book.worksheet_range("Biểu nhập liệu").unwrap();
    let row = range
        .rows()
        .position(|r| r.get(2) == Some(&calamine::Data::String(indicator.into())))
        .unwrap()
        + 1;
    let cell = format!("<c r=\"E{row}\"");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(template)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            let mut content = String::from_utf8(bytes).unwrap();
            let start = content.find(&cell).unwrap();
            let end = start + content[start..].find("/>").unwrap();
            content.replace_range(end..end + 2, &format!("><v>{value}</v></c>"));
            bytes = content.into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&bytes).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// A report of `unit` for `period`, recorded as `solieu report` records it; its id.
pub async fn record_report(app: &Shared, unit: &str, period: &str) -> i64 {
    use solieu_core::period::Period;
    let saved = {
        let engine = app.engine();
        let period: Period = period.parse().unwrap();
        let unit = engine.registry().unit_for_period(unit, &period).unwrap();
        let report = solieu_report::build(
            &engine,
            &solieu_report::Request {
                unit,
                period,
                template: None,
                programs: None,
                date: None,
                number: None,
            },
        )
        .unwrap();
        solieu_store::NewReport {
            unit: report.unit.clone(),
            period: report.period.clone(),
            template: report.template.clone(),
            template_text: report.template_text.clone(),
            document: serde_json::to_string(&report.document).unwrap(),
            figures: serde_json::to_string(&report.figures).unwrap(),
        }
    };
    app.store.save_report(&saved, "office").await.unwrap()
}

const DEMO_PORTAL: &str = include_str!("../../../../demo/portal/portal.json");

/// The demo's portal, with the test accounts in the demo accounts' places: `office` approves
/// on both portals, `binhlieu` edits the district's, `hoanhmo` the commune's.
pub async fn with_portal(app: &Shared) {
    let bundle = serde_json::from_str(DEMO_PORTAL).unwrap();
    solieu_web::portal::bundle::load(&app.store, &bundle, "demo")
        .await
        .unwrap();
    for (user, portal, role) in [
        ("office", "binh-lieu", "approver"),
        ("office", "hoanh-mo", "approver"),
        ("binhlieu", "binh-lieu", "editor"),
        ("hoanhmo", "hoanh-mo", "editor"),
    ] {
        app.store
            .grant(user, portal, Some(role), "test")
            .await
            .unwrap();
    }
    // Written beside the server, as `solieu demo` or another process would: the server's
    // next look at the store brings it into the search.
    solieu_web::portal::search::catch_up(app).await.unwrap();
}

/// The communes of Bình Liêu on 30/06/2020.
pub const COMMUNES_2020: [&str; 7] = [
    "06838", "06841", "06844", "06847", "06853", "06856", "06859",
];

/// The demo's places of the 2020 communes (points at their centres), for the portal's map.
pub async fn with_demo_map(app: &Shared) {
    let text = include_str!("../../../../demo/ranh-gioi-2020.geojson");
    let (read, problems) = solieu_io::geojson::read("ranh-gioi-2020.geojson", text.as_bytes());
    assert!(problems.is_empty(), "{problems:?}");
    let shapes: Vec<solieu_store::UnitShape> = read
        .iter()
        .map(|b| solieu_store::UnitShape {
            code: b.code.clone(),
            // The 2020 communes' versions have no first day (demo/units.csv).
            valid_from: None,
            geometry: solieu_io::geojson::to_geometry(&b.shape),
        })
        .collect();
    app.store
        .write_shapes(&shapes, "test", false)
        .await
        .unwrap();
}

/// Submits and approves one form of the first half of 2020, as the unit and the office
/// would.
pub async fn approve(app: &Shared, set: &str, unit: &str) {
    for (from, to, action) in [
        (None, "submitted", "submit"),
        (Some("submitted"), "approved", "approve"),
    ] {
        app.store
            .step_submission(set, unit, "2020S1", &[from], to, action, "", "test")
            .await
            .unwrap();
    }
}

/// The communes' half-year forms of 2020 in `units`, submitted and approved.
pub async fn approve_half_year(app: &Shared, units: &[&str]) {
    for unit in units {
        approve(app, "BC_XA_6T", unit).await;
    }
}

/// The district's half-year report of 2020 and its communes' forms, submitted and approved,
/// as `solieu demo` leaves them: the portal's statistics then have figures to show.
pub async fn approve_first_half_of_2020(app: &Shared) {
    approve_half_year(app, &COMMUNES_2020).await;
    approve(app, "BC_HUYEN_6T", "198").await;
}

/// `user` saves one figure of `form` (`/forms/{set}/{unit}/{period}`) through the JSON API,
/// as another officer does while the one under test is away.
pub async fn enter_as(app: &Shared, user: &str, form: &str, indicator: &str, value: &str) {
    let mut c = signed_in(app, user).await;
    let csrf = c.csrf().await;
    let a = c
        .post_json(
            &format!("/api/v1{form}"),
            serde_json::json!({"values": [{"indicator": indicator, "value": value}]}),
            Some(&csrf),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
}
