//! A real browser (Debian's chromium through chromedriver, spoken to over WebDriver's JSON
//! protocol): a commune officer signs in, enters figures and submits; the office approves;
//! the dashboard shows the new figure. With `SOLIEU_SCREENSHOTS=DIR` it also saves every
//! page at 1366×768 and at phone width, to look at. Every demo role, and a visitor signed
//! out, has axe-core check every page it reaches at both widths.

mod common;

use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// One WebDriver request over plain HTTP/1.1.
fn call(port: u16, method: &str, path: &str, body: Option<&Value>) -> Value {
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("chromedriver answers");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    // chromedriver keeps the connection open: read the head, then exactly its body.
    let mut raw = Vec::new();
    let mut buf = [0u8; 65536];
    let head_end = loop {
        let n = stream.read(&mut buf).unwrap();
        assert!(n > 0, "chromedriver closed the connection");
        raw.extend_from_slice(&buf[..n]);
        if let Some(i) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&raw[..head_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .map(|l| l.trim().parse().unwrap())
        .expect("chromedriver sends a length");
    while raw.len() < head_end + length {
        let n = stream.read(&mut buf).unwrap();
        assert!(n > 0, "chromedriver closed the connection early");
        raw.extend_from_slice(&buf[..n]);
    }
    let payload = String::from_utf8_lossy(&raw[head_end..head_end + length]).into_owned();
    let v: Value = serde_json::from_str(&payload).unwrap_or_else(|e| panic!("{e}: {payload}"));
    if let Some(err) = v["value"]["error"].as_str() {
        panic!(
            "WebDriver {method} {path}: {err}: {}",
            v["value"]["message"]
        );
    }
    v["value"].clone()
}

struct Browser {
    port: u16,
    session: String,
    base: String,
    driver: Child,
    /// The browser's profile: its own, or one a test keeps to open the browser again.
    _profile: Option<tempfile::TempDir>,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let path = format!("/session/{}", self.session);
        let _ = std::panic::catch_unwind(|| call(self.port, "DELETE", &path, None));
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Browser {
    fn start(base: String) -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let mut b = Browser::start_in(base, profile.path());
        b._profile = Some(profile);
        b
    }

    /// A browser on the profile in `profile`: what it kept (its service worker, caches,
    /// IndexedDB) is there when it is opened again.
    fn start_in(base: String, profile: &std::path::Path) -> Browser {
        let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
            .into_iter()
            .find(|p| std::path::Path::new(p).exists())
            .expect("the browser test needs Debian's chromium: apt-get install -y chromium chromium-driver");
        let port = free_port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver runs (apt-get install -y chromium-driver)");
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let args = [
            "--headless".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-background-networking".into(),
            "--no-first-run".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--window-size=1366,768".into(),
            format!("--user-data-dir={}", profile.display()),
            // A reader's browser, as the portal's visit counter sees one (headless chromium
            // names itself so, and a program is not counted).
            "--user-agent=Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36".into(),
        ];
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium, "args": args},
            "goog:loggingPrefs": {"browser": "ALL"}
        }}});
        let session = call(port, "POST", "/session", Some(&caps))["sessionId"]
            .as_str()
            .expect("a session")
            .to_string();
        Browser {
            port,
            session,
            base,
            driver,
            _profile: None,
        }
    }

    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        call(
            self.port,
            method,
            &format!("/session/{}{path}", self.session),
            body.as_ref(),
        )
    }

    fn open(&self, path: &str) {
        self.cmd(
            "POST",
            "/url",
            Some(json!({"url": format!("{}{path}", self.base)})),
        );
    }

    fn find(&self, css: &str) -> String {
        let v = self.cmd(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        );
        v[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element {css}: {v}"))
            .to_string()
    }

    fn type_into(&self, css: &str, text: &str) {
        let e = self.find(css);
        self.cmd("POST", &format!("/element/{e}/clear"), Some(json!({})));
        self.cmd(
            "POST",
            &format!("/element/{e}/value"),
            Some(json!({"text": text})),
        );
    }

    /// Chooses a file in an `<input type="file">`, as a person picking it would.
    fn choose_file(&self, css: &str, path: &std::path::Path) {
        let e = self.find(css);
        self.cmd(
            "POST",
            &format!("/element/{e}/value"),
            Some(json!({"text": path.display().to_string()})),
        );
    }

    fn click(&self, css: &str) {
        let e = self.find(css);
        self.cmd("POST", &format!("/element/{e}/click"), Some(json!({})));
    }

    /// What the pages wrote to the console since the last call (chromedriver's log endpoint).
    fn console(&self) -> Vec<String> {
        let entries = self.cmd("POST", "/se/log", Some(json!({"type": "browser"})));
        entries
            .as_array()
            .expect("chromedriver returns the console log")
            .iter()
            .map(|e| e["message"].as_str().unwrap_or("").to_string())
            .collect()
    }

    /// Fails on any Content-Security-Policy violation the browser reported so far.
    fn assert_no_csp_violation(&self, when: &str) {
        let violations: Vec<String> = self
            .console()
            .into_iter()
            .filter(|m| m.contains("Content Security Policy"))
            .collect();
        assert!(violations.is_empty(), "{when}: {violations:#?}");
    }

    /// Runs `script` in the page (WebDriver's execute: not subject to the page's CSP).
    fn execute(&self, script: &str) -> Value {
        self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
    }

    fn execute_async(&self, script: &str) -> Value {
        self.cmd(
            "POST",
            "/execute/async",
            Some(json!({"script": script, "args": []})),
        )
    }

    /// A DevTools command to the page (chromedriver's `goog/cdp/execute`).
    fn cdp(&self, command: &str, params: Value) -> Value {
        self.cmd(
            "POST",
            "/goog/cdp/execute",
            Some(json!({"cmd": command, "params": params})),
        )
    }

    /// The network as the page sees it: Chromium's emulation of a lost connection
    /// (`navigator.onLine`, the offline and online events, requests refused).
    fn network(&self, online: bool) {
        self.cdp("Network.enable", json!({}));
        self.cdp(
            "Network.emulateNetworkConditions",
            json!({"offline": !online, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}),
        );
    }

    fn resize(&self, width: u32, height: u32) {
        self.cmd(
            "POST",
            "/window/rect",
            Some(json!({"width": width, "height": height})),
        );
    }

    fn source(&self) -> String {
        self.cmd("GET", "/source", None)
            .as_str()
            .unwrap()
            .to_string()
    }

    /// The page once `ready` holds: a click may return before the browser has navigated.
    fn wait_for(&self, what: &str, ready: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            let page = self.source();
            if ready(&page) {
                return page;
            }
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "{what}: the page never showed it:\n{page}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn sign_in(&self, username: &str) {
        self.open("/login");
        self.type_into("#username", username);
        self.type_into("#password", common::PASSWORD);
        self.click("#signin");
        self.wait_for(&format!("{username} is signed in"), |p| {
            p.contains("/logout")
        });
    }

    fn sign_out(&self) {
        self.click("header form.inline button");
        self.wait_for("signed out", |p| !p.contains("/logout"));
    }

    /// Saves the page at 1366×768 and at phone width when SOLIEU_SCREENSHOTS names a folder.
    fn shoot(&self, name: &str) {
        let Ok(dir) = std::env::var("SOLIEU_SCREENSHOTS") else {
            return;
        };
        use base64::Engine as _;
        for (label, w, h) in [("desktop", 1366, 768), ("phone", 390, 844)] {
            self.cmd(
                "POST",
                "/window/rect",
                Some(json!({"width": w, "height": h})),
            );
            let png = self.cmd("GET", "/screenshot", None);
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(png.as_str().unwrap())
                .unwrap();
            std::fs::write(format!("{dir}/{name}-{label}.png"), bytes).unwrap();
        }
        self.cmd(
            "POST",
            "/window/rect",
            Some(json!({"width": 1366, "height": 768})),
        );
    }
}

/// `app` served on a free port of this machine, as `solieu serve` serves it.
async fn serve(app: solieu_web::Shared) -> (std::net::SocketAddr, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        axum::serve(listener, solieu_web::router(app))
            .await
            .unwrap();
    });
    (address, server)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn officer_enters_and_submits_office_approves_dashboard_shows_it() {
    let (location, _dir) = solieu_store::test_support::fresh_sqlite();
    let app = common::app(&location).await;
    let (address, server) = serve(app).await;
    let base = format!("http://{address}");
    let script = tokio::task::spawn_blocking(move || {
        let b = Browser::start(base);
        b.open("/login");
        b.shoot("login");
        b.sign_in("binhlieu");
        b.open("/entry");
        b.shoot("entry");
        let form = "/forms/BC_XA_6T/06838/2026S2";
        b.open(form);
        // A malformed figure is flagged by the server's checks as it is typed.
        b.type_into("#value-KHAM_BENH_XA", "15,3,21");
        b.wait_for("the check as one types", |p| {
            p.contains("id=\"check-KHAM_BENH_XA\">không phải là số")
        });
        b.type_into("#value-KHAM_BENH_XA", "15.321");
        b.type_into("#value-TONG_DAN_TRAU_BO", "4.250");
        b.click("#save");
        b.wait_for("saved", |p| p.contains("id=\"saved\""));
        b.shoot("form");
        b.assert_no_csp_violation("the form and its checks as one types");
        b.click("#submit");
        b.wait_for("submitted", |p| p.contains("class=\"state submitted\""));
        b.sign_out();

        b.sign_in("office");
        b.open("/completeness?dataset=BC_XA_6T&period=2026S2");
        b.shoot("completeness");
        b.open(form);
        b.click("#approve");
        b.wait_for("approved", |p| p.contains("class=\"state approved\""));
        b.open("/dashboard?unit=06838&period=2026S2&indicator=KHAM_BENH_XA");
        let page = b.source();
        assert!(
            page.contains("15.321"),
            "the dashboard shows the new figure: {page}"
        );
        b.shoot("dashboard");
        b.open("/dashboard?unit=22&period=2026S1&indicator=KHAM_BENH_XA");
        b.shoot("dashboard-province");
        b.click("#provenance");
        b.wait_for("provenance", |p| p.contains("/values/"));
        b.shoot("provenance");
        b.click("td a[href^='/values/']");
        b.wait_for("a value's history", |p| p.contains("<small>#"));
        b.shoot("value");
        b.open("/lang/en");
        b.open("/dashboard?unit=06838&period=2026S2");
        assert!(b.source().contains("Against the annual plan"));
        b.sign_out();
        b.open("/public?period=2026S2");
        assert!(b.source().contains("15.321"), "published once approved");
        b.shoot("public");
        b.assert_no_csp_violation("the dashboard, provenance and public pages");
    });
    let outcome = script.await;
    server.abort();
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// axe-core's script, installed by `.ci/axe-core` (a pinned release from npm) into `target/`.
fn axe_script() -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = Command::new("bash")
        .arg(root.join(".ci/axe-core"))
        .stderr(Stdio::inherit())
        .output()
        .expect(".ci/axe-core runs");
    assert!(
        out.status.success(),
        ".ci/axe-core failed to install axe-core"
    );
    let path = String::from_utf8(out.stdout).unwrap();
    std::fs::read_to_string(path.trim()).expect("axe.min.js")
}

/// The serious and critical violations axe-core finds on the page shown, one line each: the
/// rule, what it asks and the elements that break it.
fn axe_violations(b: &Browser, axe: &str) -> Vec<String> {
    if b.execute("return typeof window.axe;") != json!("object") {
        b.execute(&format!("{axe}\n;return 0;"));
    }
    let found = b.execute_async(
        r#"const done = arguments[arguments.length - 1];
        axe.run(document, {resultTypes: ["violations"]})
          .then(r => done(r.violations
            .filter(v => v.impact === "serious" || v.impact === "critical")
            .map(v => v.impact + " " + v.id + " (" + v.help + "): "
              + v.nodes.slice(0, 5).map(n => n.target.join(" ") + " " + n.html.slice(0, 160)).join(" | "))))
          .catch(e => done(["axe failed: " + e]));"#,
    );
    found
        .as_array()
        .expect("axe returns a list")
        .iter()
        .map(|v| v.as_str().unwrap_or("").to_string())
        .collect()
}

/// What kind of page a link leads to: its route and the names of its query, so that one
/// page of each kind is checked, not the hundred figures of a dashboard.
fn page_kind(link: &str) -> String {
    let (path, query) = link.split_once('?').unwrap_or((link, ""));
    let segments: Vec<&str> = path.split('/').collect();
    let mut keys: Vec<&str> = query
        .split('&')
        .filter_map(|kv| kv.split('=').next())
        .collect();
    keys.sort();
    format!(
        "{}/{} ?{}",
        segments.get(1).unwrap_or(&""),
        segments.len(),
        keys.join("&")
    )
}

/// What a check finds wrong on the page shown, at the width named.
type Check<'a> = &'a dyn Fn(&Browser, &str) -> Vec<String>;

/// Every page `start` leads to, one of each kind, checked at desktop and phone width; what
/// the check found, named by page and width.
fn check_pages(b: &Browser, check: Check, who: &str, start: &[String]) -> (Vec<String>, usize) {
    let mut queue: Vec<String> = start.to_vec();
    let mut kinds: Vec<String> = Vec::new();
    let (mut failures, mut checked) = (Vec::new(), 0);
    let mut i = 0;
    while i < queue.len() && i < 40 {
        let page = queue[i].clone();
        i += 1;
        b.open(&page);
        let links = b.execute(
            "return Array.from(document.querySelectorAll('a[href]'), a => a.getAttribute('href'));",
        );
        for link in links
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            let ours = link.starts_with('/')
                && !["/lang/", "/logout", "/static/"]
                    .iter()
                    .any(|p| link.starts_with(p))
                && !link.ends_with(".xlsx")
                && !link.ends_with(".xml")
                && !link.contains("tep=")
                && !link.ends_with("/docx");
            if ours && !kinds.contains(&page_kind(link)) && !queue.iter().any(|q| q == link) {
                kinds.push(page_kind(link));
                queue.push(link.to_string());
            }
        }
        for (label, w, h) in [("1366×768", 1366, 768), ("390×844", 390, 844)] {
            b.resize(w, h);
            for v in check(b, label) {
                failures.push(format!("{who} {page} at {label}: {v}"));
            }
            checked += 1;
        }
        b.resize(1366, 768);
    }
    (failures, checked)
}

/// The commune portal's article a browser finds taking comments.
const COMMENTED: &str = "hoanh-mo-ra-quan-ve-sinh-moi-truong-khu-vuc-cua-khau";

/// Opens [`COMMENTED`] for comments for a month, with one comment published and answered.
async fn open_for_comments(app: &solieu_web::Shared) {
    let solieu_store::ArticleAt::Found(article) =
        app.store.article_at("hoanh-mo", COMMENTED).await.unwrap()
    else {
        panic!("the demo's article {COMMENTED}");
    };
    let office = solieu_store::Author {
        username: "office",
        from: "test",
    };
    let last_day = chrono::Utc::now().date_naive() + chrono::Duration::days(30);
    app.store
        .set_comment_period(article.id, last_day, office)
        .await
        .unwrap();
    let asked = app
        .store
        .ask(
            solieu_store::NewQuestion {
                portal: "hoanh-mo",
                article: Some(article.id),
                name: "Nông Văn Tài",
                contact: "0912345678",
                question: "Đề nghị tổ chức ra quân mỗi tháng một lần vào sáng chủ nhật.",
                from: "test",
            },
            solieu_store::AskLimits {
                per_address: 1,
                since: chrono::Utc::now(),
                waiting: 1,
            },
        )
        .await
        .unwrap();
    let solieu_store::Asked::Kept(comment) = asked else {
        panic!("the comment was not kept");
    };
    let reply = solieu_store::QuestionStep::Publish("Ủy ban nhân dân xã tiếp thu.");
    app.store
        .step_question(comment.id, comment.revision, reply, office)
        .await
        .unwrap();
}

/// Each demo role (and a visitor signed out) with the pages it starts from: its own, then
/// every page of the menu.
fn roles(report: i64) -> Vec<(Option<&'static str>, Vec<String>)> {
    let everyone = [
        "/dashboard",
        "/entry",
        "/completeness",
        "/public",
        "/khong-co-trang-nay",
    ];
    let province = "/dashboard?unit=22&period=2026S1&indicator=KHAM_BENH_XA".to_string();
    let mut roles = vec![
        (
            None,
            vec![
                "/login".into(),
                "/public?period=2026S1".into(),
                "/khong-co-trang-nay".into(),
                // The portal, which links to its categories, articles and sub-portals.
                "/".into(),
                "/tim-kiem?q=dong+van".into(),
                "/tin/khong-co-bai-nay".into(),
                // The statistics, an indicator's series and its communes compared.
                "/so-lieu".into(),
                "/so-lieu/KHAM_BENH_XA?ky=2020S1".into(),
                "/so-lieu/GTSX?ky=2020S1".into(),
                "/hoanh-mo/so-lieu".into(),
                // Citizens' questions, with the form to ask; a draft taking comments, with
                // one published, and its form.
                "/hoi-dap".into(),
                format!("/hoanh-mo/tin/{COMMENTED}"),
                format!("/hoanh-mo/tin/{COMMENTED}/gop-y"),
            ],
        ),
        (
            Some("binhlieu"),
            vec![
                "/dashboard?indicator=KHAM_BENH_XA".into(),
                "/forms/BC_XA_6T/06838/2026S2".into(),
                // Another commune's form: the 403 page.
                "/forms/BC_XA_6T/06841/2026S2".into(),
                // The district portal's editor.
                "/bien-tap".into(),
            ],
        ),
        (
            Some("health"),
            vec!["/dashboard?indicator=KHAM_BENH_XA".into()],
        ),
        (
            Some("office"),
            vec![
                province.clone(),
                format!("/reports/{report}"),
                // The approver of both portals.
                "/bien-tap".into(),
                "/bien-tap/truy-cap".into(),
                "/bien-tap/hoi-dap".into(),
            ],
        ),
        (Some("leader"), vec![province, format!("/reports/{report}")]),
    ];
    for (user, start) in &mut roles {
        if user.is_some() {
            start.extend(everyone.iter().map(|p| p.to_string()));
        }
    }
    roles
}

/// Serves the demo with a recorded report, and runs `check` on every page of every role at
/// both widths; fails with everything it found.
async fn every_page_of_every_role(
    what: &'static str,
    check: impl Fn(&Browser, &str) -> Vec<String> + Send + 'static,
) {
    let (location, _dir) = solieu_store::test_support::fresh_sqlite();
    let app = common::app(&location).await;
    common::with_portal(&app).await;
    common::approve_first_half_of_2020(&app).await;
    common::with_demo_map(&app).await;
    open_for_comments(&app).await;
    let report = common::record_report(&app, "06838", "2026S1").await;
    let (address, server) = serve(app).await;
    let base = format!("http://{address}");
    let script = tokio::task::spawn_blocking(move || {
        let (mut failures, mut checked) = (Vec::new(), 0);
        for (user, start) in roles(report) {
            let b = Browser::start(base.clone());
            if let Some(user) = user {
                b.sign_in(user);
            }
            let (f, n) = check_pages(&b, &check, user.unwrap_or("signed out"), &start);
            failures.extend(f);
            checked += n;
        }
        assert!(checked > 40, "only {checked} pages checked");
        assert!(
            failures.is_empty(),
            "{} {what}:\n{}",
            failures.len(),
            failures.join("\n")
        );
    });
    let outcome = script.await;
    server.abort();
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axe_finds_no_serious_violation_on_any_page_of_any_role() {
    let axe = axe_script();
    every_page_of_every_role("violations", move |b, _| axe_violations(b, &axe)).await;
}

/// Table cells of a few words (a period, a unit, a figure with its status) that the layout
/// broke over more than two lines, as "text (lines)".
fn broken_short_cells(b: &Browser) -> Vec<String> {
    let found = b.execute(
        // The lines a cell's text takes: the distinct tops of its text's boxes (the cell's
        // own height is its row's).
        r#"return Array.from(document.querySelectorAll('td'), td => {
          const range = document.createRange();
          range.selectNodeContents(td);
          const tops = [];
          for (const r of range.getClientRects()) {
            if (r.width > 0 && !tops.some(t => Math.abs(t - r.top) < 3)) tops.push(r.top);
          }
          return [td.innerText.trim(), tops.length];
        }).filter(c => c[0].length > 0 && c[0].length <= 16 && !c[0].includes('\n') && c[1] > 2)
          .map(c => c[0] + " (" + c[1] + " lines)");"#,
    );
    found
        .as_array()
        .expect("a list")
        .iter()
        .map(|v| v.as_str().unwrap_or("").to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_short_text_is_broken_word_by_word_in_a_table() {
    every_page_of_every_role("cells broken over more than two lines", |b, _| {
        broken_short_cells(b)
    })
    .await;
}

/// Every chart text's rendered size on the page shown, in CSS px: its computed font size times
/// the scale the SVG's viewBox puts on it (the CTM), with the text itself.
fn chart_text_sizes(b: &Browser) -> Vec<(f64, String)> {
    let found = b.execute(
        r#"return Array.from(document.querySelectorAll('svg text'), t => {
          const m = t.getScreenCTM();
          const scale = m ? Math.hypot(m.a, m.b) : 1;
          return [parseFloat(getComputedStyle(t).fontSize) * scale, t.textContent];
        });"#,
    );
    found
        .as_array()
        .expect("a list")
        .iter()
        .map(|t| {
            (
                t[0].as_f64().unwrap_or(0.0),
                t[1].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// The smallest chart text an official reads without a magnifier, in CSS px.
const SMALLEST_TEXT_PX: f64 = 11.0;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chart_text_is_readable_on_a_desktop_and_a_phone() {
    let (location, _dir) = solieu_store::test_support::fresh_sqlite();
    let app = common::app(&location).await;
    common::with_portal(&app).await;
    common::approve_first_half_of_2020(&app).await;
    common::with_demo_map(&app).await;
    let report = format!(
        "/reports/{}",
        common::record_report(&app, "06838", "2026S1").await
    );
    let (address, server) = serve(app).await;
    let base = format!("http://{address}");
    let script = tokio::task::spawn_blocking(move || {
        let province = "/dashboard?unit=22&period=2026S1&indicator=KHAM_BENH_XA";
        let own = "/dashboard?indicator=KHAM_BENH_XA";
        // The dashboards' charts, and the one in a recorded report.
        let roles = [
            ("binhlieu", own),
            ("health", own),
            ("office", province),
            ("leader", province),
            ("office", report.as_str()),
            // The portal's map of the communes, and its legend.
            ("office", "/so-lieu/KHAM_BENH_XA?ky=2020S1"),
        ];
        let (mut small, mut measured) = (Vec::new(), 0);
        for (user, page) in roles {
            let b = Browser::start(base.clone());
            b.sign_in(user);
            b.open(page);
            for (w, h) in [(1366, 768), (390, 844)] {
                b.resize(w, h);
                for (px, text) in chart_text_sizes(&b) {
                    measured += 1;
                    if px < SMALLEST_TEXT_PX {
                        small.push(format!("{user} {page} at {w}×{h}: “{text}” is {px:.1} px"));
                    }
                }
            }
        }
        assert!(measured > 20, "only {measured} chart texts measured");
        assert!(
            small.is_empty(),
            "{} chart texts under {SMALLEST_TEXT_PX} px:\n{}",
            small.len(),
            small.join("\n")
        );
    });
    let outcome = script.await;
    server.abort();
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// Issue 13's story in a browser: a commune's editor writes and submits an article, the
/// approver publishes it, a visitor finds it on the sub-portal, by searching without
/// diacritics and in its category's feed. (axe-core checks the portal's pages with every
/// other page, in `every_page_of_every_role`.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_clicks_a_commune_on_the_map_and_reads_its_figures() {
    let (location, _dir) = solieu_store::test_support::fresh_sqlite();
    let app = common::app(&location).await;
    common::with_portal(&app).await;
    common::approve_first_half_of_2020(&app).await;
    common::with_demo_map(&app).await;
    let (address, server) = serve(app).await;
    let base = format!("http://{address}");
    let script = tokio::task::spawn_blocking(move || {
        let b = Browser::start(base);
        let axe = axe_script();
        b.open("/so-lieu/KHAM_BENH_XA?ky=2020S1");
        // Every commune of 2020 on the map, shaded: the most visits darkest.
        let drawn = b.execute(
            "return Array.from(document.querySelectorAll('svg.map a'), a => [a.getAttribute('aria-label'), a.querySelector('circle, path').getAttribute('fill')]);",
        );
        let drawn = drawn.as_array().expect("the map's units").clone();
        assert_eq!(drawn.len(), 7, "{drawn:?}");
        assert!(
            drawn
                .iter()
                .any(|d| d[0] == "Thị trấn Bình Liêu: 12.480 lượt" && d[1] == "#08519c"),
            "{drawn:?}"
        );
        for (w, h) in [(1366, 768), (390, 844)] {
            b.resize(w, h);
            let found = axe_violations(&b, &axe);
            assert!(found.is_empty(), "the map page at {w}×{h}: {found:?}");
        }
        b.resize(1366, 768);
        b.shoot("portal-map");
        // A commune without a portal of its own: its row in the table beside the map.
        b.click("svg.map a[aria-label^='Xã Vô Ngại']");
        let at =
            b.execute("return [location.hash, document.querySelector(':target').textContent];");
        assert_eq!(at[0], "#dv-06853", "{at}");
        assert!(at[1].as_str().unwrap_or("").contains("8.126"), "{at}");
        // Hoành Mô has its portal: its own page of the indicator.
        b.click("svg.map a[aria-label^='Xã Hoành Mô']");
        let page = b.wait_for("Hoành Mô's figures", |p| {
            p.contains("TRANG THÔNG TIN ĐIỆN TỬ XÃ HOÀNH MÔ")
                || p.contains("Trang thông tin điện tử xã Hoành Mô")
        });
        let path = b.execute("return location.pathname + location.search;");
        assert_eq!(path, "/hoanh-mo/so-lieu/KHAM_BENH_XA?ky=2020S1");
        assert!(page.contains("9.215"), "{page}");
    });
    let outcome = script.await;
    server.abort();
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_commune_article_goes_from_its_editor_to_a_visitor() {
    let (location, _dir) = solieu_store::test_support::fresh_sqlite();
    let app = common::app(&location).await;
    common::with_portal(&app).await;
    let (address, server) = serve(app).await;
    let base = format!("http://{address}");
    let script = tokio::task::spawn_blocking(move || {
        let b = Browser::start(base);
        b.sign_in("hoanhmo");
        // A photograph from the meeting, uploaded to the commune's library first.
        let folder = tempfile::tempdir().unwrap();
        let photo = folder.path().join("hoi-nghi.jpg");
        image::RgbImage::from_fn(1200, 800, |x, y| {
            image::Rgb([(x / 5) as u8, (y / 4) as u8, 120])
        })
        .save(&photo)
        .unwrap();
        b.open("/bien-tap/tep?cong=hoanh-mo");
        b.choose_file("#file", &photo);
        b.type_into("#alt", "Toàn cảnh hội nghị sơ kết công tác dân vận");
        b.click(".article-form button");
        b.wait_for("the upload", |p| p.contains("Đã tải lên."));
        b.shoot("portal-media");
        let line = b.execute("return document.querySelector('.fresh .markdown-line').value;");
        let line = line.as_str().expect("the line to paste").to_string();
        assert!(line.starts_with("![Toàn cảnh hội nghị"), "{line}");
        b.open("/bien-tap/moi?cong=hoanh-mo");
        b.type_into("#title", "Hội nghị sơ kết công tác dân vận");
        b.type_into("#sapo", "Xã Hoành Mô sơ kết 6 tháng công tác dân vận.");
        b.type_into(
            "#body",
            &format!("Hội nghị **sơ kết** công tác dân vận khéo năm 2020.\n\n{line}\n"),
        );
        b.execute("document.querySelector('#category').selectedIndex = 1; return 0;");
        b.click(".article-form button");
        b.wait_for("the draft is saved", |p| p.contains("Gửi duyệt"));
        let editor_page = b.execute("return location.pathname;");
        let editor_page = editor_page.as_str().unwrap().to_string();
        b.shoot("portal-editor");
        b.click("form.step button");
        b.wait_for("submitted", |p| p.contains("Chờ duyệt"));
        b.open("/dashboard");
        b.sign_out();

        b.sign_in("office");
        b.open("/bien-tap");
        b.shoot("portal-articles");
        b.open(&editor_page);
        b.click("form.step:has(input[value='publish']) button");
        b.wait_for("published", |p| p.contains("Đã đăng"));
        b.open("/dashboard");
        b.sign_out();

        b.open("/hoanh-mo/");
        let home = b.source();
        assert!(home.contains("Hội nghị sơ kết công tác dân vận"));
        // The visit counter moves with each page a visitor reads.
        let today = |page: &str| -> u64 {
            let at =
                page.find("Hôm nay: <strong>").expect("the counter") + "Hôm nay: <strong>".len();
            page[at..at + page[at..].find('<').unwrap()]
                .replace('.', "")
                .parse()
                .unwrap()
        };
        let first = today(&home);
        // Another page, then the home page again (at another address: the browser may keep
        // a public page for a minute without asking, as a proxy would).
        b.open("/hoanh-mo/gioi-thieu");
        b.open("/hoanh-mo/?lan=2");
        assert_eq!(today(&b.source()), first + 2, "two more pages read");
        b.shoot("portal-commune-home");
        b.type_into("#q", "hoi nghi so ket dan van");
        b.click(".search-box button");
        let found = b.wait_for("the search's results", |p| {
            p.contains("class=\"card-article hit\"")
        });
        assert!(
            found.contains("<mark>Hội</mark> <mark>nghị</mark> <mark>sơ</mark> <mark>kết</mark>"),
            "{found}"
        );
        b.shoot("portal-search");
        let feed = b.execute_async(
            "const done = arguments[0]; fetch('/hoanh-mo/chuyen-muc/tin-tuc/rss.xml').then(r => r.text()).then(done);",
        );
        assert!(
            feed.as_str()
                .unwrap()
                .contains("<title>Hội nghị sơ kết công tác dân vận</title>")
        );
        b.click(".hit a");
        b.wait_for("the article", |p| p.contains("class=\"article\""));
        // The photograph is shown, at one of the widths it was kept at.
        let shown = b.execute_async(
            "const done = arguments[0]; const img = document.querySelector('.article .body img'); \
             const report = () => done([img.naturalWidth, img.currentSrc, img.alt]); \
             if (img.complete) { report(); } else { img.loading = 'eager'; img.onload = report; img.onerror = report; }",
        );
        assert!(shown[0].as_u64().unwrap_or(0) >= 320, "{shown}");
        assert!(
            shown[1].as_str().unwrap_or("").contains("/media/"),
            "{shown}"
        );
        assert_eq!(
            shown[2],
            json!("Toàn cảnh hội nghị sơ kết công tác dân vận")
        );
        b.shoot("portal-article");
        b.assert_no_csp_violation("the portal's pages");
        // The text-size control works without inline style.
        b.click("[data-text-size='1']");
        let size = b.execute("return getComputedStyle(document.body).fontSize;");
        assert_eq!(size, json!("17px"));
        b.click("[data-text-size='-1']");
    });
    let outcome = script.await;
    server.abort();
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// The wire between the browser and the server, which a test can cut: while cut, every
/// connection through it is closed and new ones are refused, as when a phone loses its
/// signal. (Chromium's emulation alone does not reach a service worker's requests.)
struct Wire {
    up: std::sync::Arc<std::sync::atomic::AtomicBool>,
    links: std::sync::Arc<std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>>,
    address: std::net::SocketAddr,
}

impl Wire {
    async fn to(server: std::net::SocketAddr) -> Wire {
        use std::sync::atomic::Ordering;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let up = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
        let links = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let (up2, links2) = (up.clone(), links.clone());
        tokio::spawn(async move {
            while let Ok((mut near, _)) = listener.accept().await {
                if !up2.load(Ordering::SeqCst) {
                    continue;
                }
                let link = tokio::spawn(async move {
                    if let Ok(mut far) = tokio::net::TcpStream::connect(server).await {
                        let _ = tokio::io::copy_bidirectional(&mut near, &mut far).await;
                    }
                });
                links2.lock().unwrap().push(link);
            }
        });
        Wire { up, links, address }
    }

    fn cut(&self) {
        self.up.store(false, std::sync::atomic::Ordering::SeqCst);
        for link in self.links.lock().unwrap().drain(..) {
            link.abort();
        }
    }

    fn mend(&self) {
        self.up.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

/// The figure of the demo commune's half-year form for `indicator`, and how many revisions
/// it has had.
async fn stored(app: &solieu_web::Shared, indicator: &str) -> Option<(String, usize)> {
    let values = app
        .store
        .values(&solieu_store::ValueFilter {
            indicator: Some(indicator.into()),
            unit: Some("06838".into()),
            within: Some("2026S2".parse().unwrap()),
            ..Default::default()
        })
        .await
        .unwrap();
    let v = values.first()?;
    let history = app.store.history(v.id).await.unwrap();
    Some((v.record.figure.value.normalize().to_string(), history.len()))
}

/// Issue 18's story: a commune officer loads the form, loses the network, enters figures
/// (checked on the device), saves them on the device, closes the browser and opens it again
/// without the network (the form is there, with the figures), comes back online and, the
/// session having ended, signs in again; meanwhile the health department changed one of
/// the figures, which the officer sees beside their own and decides; the figures arrive
/// once. Submitted, the form can no longer be changed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn figures_entered_without_the_network_arrive_once_and_conflicts_are_decided() {
    let (location, _dir) = solieu_store::test_support::fresh_sqlite();
    let app = common::app(&location).await;
    // A rule on the form's figures, for the device to apply.
    let rules = "code,name,left,operator,right,importance,tolerance,message\n\
                 KHAM_KHONG_AM,Khám bệnh không âm,KHAM_BENH_XA,>=,0,high,,Số lượt khám bệnh không được âm\n";
    let read = solieu_io::read_csv("r.csv", rules.as_bytes(), &Default::default());
    let plan =
        solieu_core::changes::plan(&app.store.stored().await.unwrap(), read.incoming).unwrap();
    app.store.apply(&plan, "office", false).await.unwrap();
    let (server_address, server) = serve(app.clone()).await;
    let wire = std::sync::Arc::new(Wire::to(server_address).await);
    let base = format!("http://{}", wire.address);
    let profile = tempfile::tempdir().unwrap();
    let form = "/forms/BC_XA_6T/06838/2026S2";
    let handle = tokio::runtime::Handle::current();
    let (script_app, script_wire) = (app.clone(), wire.clone());
    let script = tokio::task::spawn_blocking(move || {
        let (app, wire) = (script_app, script_wire);
        let b = Browser::start_in(base.clone(), profile.path());
        b.sign_in("binhlieu");
        b.open("/entry");
        // The entry page keeps the officer's forms on the device.
        let kept = format!(
            "var done = arguments[arguments.length - 1];\
             caches.open('solieu-pages-1').then(function (c) {{ return c.match('{form}'); }})\
             .then(function (r) {{ done(!!r); }}, function () {{ done(false); }});"
        );
        let started = Instant::now();
        while b.execute_async(&kept) != json!(true) {
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "the form was never kept"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        b.open(form);
        let started = Instant::now();
        while b.execute("return !!navigator.serviceWorker.controller;") != json!(true) {
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "no service worker"
            );
            std::thread::sleep(Duration::from_millis(200));
        }

        // The browser reads a typed figure as the server does.
        for (typed, _) in solieu_core::number::TYPED_FIGURES {
            let server = solieu_core::number::read_typed(typed)
                .ok()
                .map(|d| d.normalize().to_string());
            let browser = b.execute(&format!("return readTyped({});", json!(typed)));
            assert_eq!(browser, json!(server), "{typed:?}");
        }

        // The network goes.
        wire.cut();
        b.network(false);
        b.wait_for("told there is no network", |p| {
            p.contains("id=\"no-network\"")
        });
        // Checked on the device by the server's own reading and the indicator's kind.
        b.type_into("#value-KHAM_BENH_XA", "12,5");
        b.wait_for("half a visit refused on the device", |p| {
            p.contains("id=\"check-KHAM_BENH_XA\">chỉ tiêu này đếm từng đơn vị")
        });
        b.type_into("#value-KHAM_BENH_XA", "-5");
        b.wait_for("the validation rule applied on the device", |p| {
            p.contains("id=\"check-KHAM_BENH_XA\">Số lượt khám bệnh không được âm")
        });
        b.type_into("#value-KHAM_BENH_XA", "1.250");
        b.type_into("#value-TONG_DAN_TRAU_BO", "3.400");
        b.click("#save");
        b.wait_for("kept on the device", |p| p.contains("id=\"kept\""));
        b.shoot("offline-kept");
        let axe = axe_script();
        let at_phone_width = |when: &str| {
            b.resize(390, 844);
            let found = axe_violations(&b, &axe);
            assert!(found.is_empty(), "{when}, 390 px wide: {found:#?}");
            b.resize(1366, 768);
        };
        at_phone_width("a form kept without the network");
        assert_eq!(
            handle.block_on(stored(&app, "KHAM_BENH_XA")),
            None,
            "nothing sent"
        );

        // Meanwhile the health department enters the visits itself.
        handle.block_on(common::enter_as(
            &app,
            "health",
            form,
            "KHAM_BENH_XA",
            "100",
        ));

        // The browser is closed and opened again, still without the network.
        drop(b);
        let b = Browser::start_in(base.clone(), profile.path());
        b.network(false);
        b.open(form);
        let page = b.wait_for("the form from the device, with the kept figures", |p| {
            p.contains("id=\"kept\"")
        });
        assert!(
            page.contains("Báo cáo kinh tế - xã hội 6 tháng cấp xã"),
            "{page}"
        );
        assert_eq!(
            b.execute("return document.getElementById('value-KHAM_BENH_XA').value;"),
            json!("1.250")
        );

        // The session ended while the device was away (its cookie is gone).
        b.cmd("DELETE", "/cookie", None);
        // The network comes back: the figures stay kept until the officer signs in again,
        // then go, or wait for the officer's choice.
        wire.mend();
        b.network(true);
        b.wait_for("asked to sign in again", |p| {
            p.contains("id=\"sign-in-again\"")
        });
        b.sign_in("binhlieu");
        b.wait_for("told a kept figure waits for a choice", |p| {
            p.contains(&format!("href=\"{form}\""))
                && p.contains("số liệu lưu trên máy cần bạn chọn")
        });
        b.open(form);
        let page = b.wait_for("both figures shown", |p| {
            p.contains("id=\"changed-KHAM_BENH_XA\"")
        });
        let panel = page.split("id=\"changed-KHAM_BENH_XA\"").nth(1).unwrap();
        let panel = &panel[..panel.find("</li>").unwrap()];
        assert!(
            panel.contains("1.250") && panel.contains("100") && panel.contains("health"),
            "{panel}"
        );
        assert_eq!(
            handle.block_on(stored(&app, "TONG_DAN_TRAU_BO")),
            None,
            "nothing of the form written while one figure waits for a choice"
        );
        b.shoot("offline-changed");
        let found = {
            b.resize(390, 844);
            let found = axe_violations(&b, &axe);
            b.resize(1366, 768);
            found
        };
        assert!(found.is_empty(), "both figures, 390 px wide: {found:#?}");
        b.click("#changed-KHAM_BENH_XA .keep-mine");
        b.wait_for("sent", |p| p.contains("class=\"notice sent\""));
        b.shoot("offline-sent");
        assert_eq!(
            handle.block_on(stored(&app, "KHAM_BENH_XA")),
            Some(("1250".to_string(), 2)),
            "the health department's figure, then the officer's: once"
        );
        assert_eq!(
            handle.block_on(stored(&app, "TONG_DAN_TRAU_BO")),
            Some(("3400".to_string(), 1))
        );
        let left = b.execute_async(
            "var done = arguments[arguments.length - 1];\
             keep.all(document.body.getAttribute('data-user')).then(function (r) { done(r.length); });",
        );
        assert_eq!(left, json!(0), "nothing left on the device");

        // Submitted, the figures are closed to changes until the form is returned.
        b.click("#submit");
        b.wait_for("submitted", |p| p.contains("class=\"state submitted\""));
        assert_eq!(
            b.execute("return document.getElementById('value-KHAM_BENH_XA').disabled;"),
            json!(true)
        );
        b.assert_no_csp_violation("entry without the network");
    });
    let outcome = script.await;
    server.abort();
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}
