//! The pages as an official reads them (issue 12): a refused save keeps what was typed, broken
//! rules in words, Vietnam's time, Vietnamese throughout, published figures as approved, and
//! every page with its header. In process, on SQLite and PostgreSQL.

mod common;

use axum::http::StatusCode;
use common::{Client, signed_in};

const OWN: &str = "06838";

/// The `value="…"` of the input named `name` in `page`.
fn input_value(page: &str, name: &str) -> String {
    let at = page
        .find(&format!("name=\"{name}\""))
        .unwrap_or_else(|| panic!("no input {name}"));
    let tag = &page[at..at + page[at..].find('>').unwrap()];
    let v = tag.find("value=\"").expect("a value") + "value=\"".len();
    tag[v..v + tag[v..].find('"').unwrap()].to_string()
}

/// The text shown beside `indicator`'s field, if any.
fn beside(page: &str, indicator: &str) -> Option<String> {
    let at = page.find(&format!("id=\"problem-{indicator}\""))?;
    let rest = &page[at..];
    let start = rest.find('>')? + 1;
    Some(rest[start..rest.find("</small>")?].to_string())
}

on_both_backends!(a_refused_save_keeps_every_typed_figure, |app| {
    let mut c = signed_in(&app, "binhlieu").await;
    let csrf = c.csrf().await;
    let form = format!("/forms/BC_XA_6T/{OWN}/2026S2");
    let a = c
        .post_form(
            &form,
            &[
                ("csrf", &csrf),
                ("value:KHAM_BENH_XA", "1.234,5"),
                ("status:KHAM_BENH_XA", "preliminary"),
                ("note:KHAM_BENH_XA", "số của trạm y tế"),
                ("value:TONG_DAN_TRAU_BO", "mười"),
                ("status:TONG_DAN_TRAU_BO", "estimate"),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.body);
    // The valid figure and its note are still there, and so is the wrong one to correct.
    assert_eq!(input_value(&a.body, "value:KHAM_BENH_XA"), "1.234,5");
    assert_eq!(
        input_value(&a.body, "note:KHAM_BENH_XA"),
        "số của trạm y tế"
    );
    assert_eq!(input_value(&a.body, "value:TONG_DAN_TRAU_BO"), "mười");
    assert!(
        a.body.contains("<option value=\"preliminary\" selected>"),
        "the typed status is kept"
    );
    // The message is beside the field it is about, not only above the form.
    let message = beside(&a.body, "TONG_DAN_TRAU_BO").expect("a message beside the field");
    assert!(message.contains("không phải là số"), "{message}");
    assert_eq!(beside(&a.body, "KHAM_BENH_XA"), None);
});

/// Posts a negative number of tourists, which breaks the demo's rule `KHACH_KHONG_AM`, and
/// returns what is shown beside the field.
async fn negative_tourists(app: &solieu_web::Shared, user: &str) -> (String, String) {
    let form = format!("/forms/DU_LICH_THANG/{OWN}/202610");
    let mut c = signed_in(app, user).await;
    let csrf = c.csrf().await;
    let a = c
        .post_form(
            &form,
            &[
                ("csrf", &csrf),
                ("value:KHACH_DL", "-50"),
                ("status:KHACH_DL", "estimate"),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.body);
    assert_eq!(input_value(&a.body, "value:KHACH_DL"), "-50");
    let message = beside(&a.body, "KHACH_DL").expect("the rule beside the field it reads");
    (message, a.body)
}

on_both_backends!(a_broken_rule_reads_in_its_own_message_for_a_clerk, |app| {
    let (message, page) = negative_tourists(&app, "binhlieu").await;
    assert_eq!(message, "Số khách du lịch không được âm");
    for internal in [
        "KHACH_KHONG_AM",
        "KHACH_DL >=",
        "vế trái",
        "None",
        "Chưa đạt yêu cầu",
    ] {
        assert!(!page.contains(internal), "{internal} shown to a clerk");
    }
    // The office, who writes the rules, sees the rule's code and formula, and its message.
    let (message, _) = negative_tourists(&app, "office").await;
    assert!(message.contains("KHACH_KHONG_AM"), "{message}");
    assert!(message.contains("KHACH_DL &gt;= 0"), "{message}");
    assert!(
        message.contains("Số khách du lịch không được âm"),
        "{message}"
    );
});

on_both_backends!(a_rule_without_a_message_reads_in_its_name, |app| {
    // The rule imported again with its message left empty.
    let rules = "code,name,left,operator,right,importance,tolerance,message\n\
                 KHACH_KHONG_AM,Khách du lịch không âm,KHACH_DL,>=,0,high,,\n";
    let read = solieu_io::read_csv("r.csv", rules.as_bytes(), &Default::default());
    let plan =
        solieu_core::changes::plan(&app.store.stored().await.unwrap(), read.incoming).unwrap();
    assert_eq!(plan.rules.len(), 1, "a changed message is a change");
    app.store.apply(&plan, "office", false).await.unwrap();
    let (message, page) = negative_tourists(&app, "binhlieu").await;
    assert_eq!(message, "Chưa đạt yêu cầu: Khách du lịch không âm");
    assert!(!page.contains("KHACH_KHONG_AM"));
});

/// The page's text as a reader sees it: tags, scripts and styles removed, the entities the
/// templates write decoded.
fn text_of(page: &str) -> String {
    let mut page = page.to_string();
    for (open, close) in [("<script", "</script>"), ("<style", "</style>")] {
        while let Some(at) = page.find(open) {
            let end = page[at..]
                .find(close)
                .map_or(page.len(), |e| at + e + close.len());
            page.replace_range(at..end, " ");
        }
    }
    strip_tags(&page)
        .replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn strip_tags(page: &str) -> String {
    let mut out = String::with_capacity(page.len());
    let mut inside = false;
    for c in page.chars() {
        match c {
            '<' => inside = true,
            '>' if inside => {
                inside = false;
                out.push(' ');
            }
            _ if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

/// Figures typed, submitted, approved and reopened, and a recorded report: every kind of line
/// the pages show has something in it.
async fn a_day_of_work(app: &solieu_web::Shared) -> i64 {
    let mut clerk = signed_in(app, "binhlieu").await;
    let csrf = clerk.csrf().await;
    let form = format!("/forms/DU_LICH_THANG/{OWN}/202610");
    let a = clerk
        .post_form(
            &form,
            &[
                ("csrf", &csrf),
                ("value:KHACH_DL", "1.000"),
                ("value:DOANH_THU_DL", "1.240,75"),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let a = clerk
        .post_form(&format!("{form}/submit"), &[("csrf", &csrf)])
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let mut office = signed_in(app, "office").await;
    let office_csrf = office.csrf().await;
    for (clerk_does, step) in [
        (false, "approve"),
        (false, "reopen"),
        (true, "submit"),
        (false, "approve"),
    ] {
        let (who, csrf) = if clerk_does {
            (&mut clerk, &csrf)
        } else {
            (&mut office, &office_csrf)
        };
        let a = who
            .post_form(
                &format!("{form}/{step}"),
                &[("csrf", csrf), ("reason", "sửa số khách")],
            )
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{step}: {}", a.body);
    }
    common::record_report(app, OWN, "2026S1").await
}

/// Every page a demo account reaches from the menus, the forms it lists and the links on them.
async fn pages_of(c: &mut Client, report: i64) -> Vec<(String, String)> {
    let mut uris: Vec<String> = [
        "/dashboard",
        "/entry",
        "/completeness",
        "/public?period=202610",
        "/public",
        "/login",
        "/khong-co-trang-nay",
    ]
    .iter()
    .map(|u| u.to_string())
    .collect();
    uris.push(format!("/reports/{report}"));
    let mut seen = Vec::new();
    let mut i = 0;
    while i < uris.len() && i < 60 {
        let uri = uris[i].clone();
        i += 1;
        let a = c.get(&uri).await;
        if a.status != StatusCode::OK {
            continue;
        }
        for link in a.body.split("href=\"").skip(1) {
            let link = link[..link.find('"').unwrap()].replace("&amp;", "&");
            let ours = ["/forms/", "/values/", "/provenance?", "/dashboard?"]
                .iter()
                .any(|p| link.starts_with(p));
            if ours && !link.ends_with(".xlsx") && !uris.contains(&link) {
                uris.push(link);
            }
        }
        seen.push((uri, a.body));
    }
    seen
}

/// English seen in the Vietnamese pages (issue 12), as phrases.
const NOT_VIETNAMESE: &[&str] = &[
    "(office)",
    "(commune)",
    "(leader)",
    "(department)",
    "sum over",
    "units below",
    "after the reform",
    "before the reform",
    "form DU_LICH",
    "solieu report",
];

/// English words an interface in Vietnamese must not show, matched as whole words in any
/// case. The test accounts' own names ("office", "leader") are names an administrator chose,
/// not interface text, and are left out of the words of the page before matching.
const ENGLISH_WORDS: &[&str] = &[
    "submit",
    "submitted",
    "approve",
    "approved",
    "reopen",
    "reopened",
    "office",
    "commune",
    "leader",
    "department",
    "stored",
    "actual",
    "sum",
    "over",
    "after",
    "before",
    "reform",
    "unknown",
    "draft",
    "estimate",
    "preliminary",
    "official",
    "plan",
    "units",
    "below",
    "period",
    "value",
    "the",
    "of",
    "and",
    "none",
    "null",
    "true",
    "false",
    "locked",
    "due",
];

/// Raw codes where a name belongs: a month (`202610`), a half-year, quarter or year code
/// (`2026S1`, `2026Q3`, `2026A`), and the demo's unit codes of five digits (`06838`).
fn raw_code(word: &str) -> bool {
    if !word.is_ascii() {
        return false;
    }
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let month = word.len() == 6
        && digits(word)
        && word[4..]
            .parse::<u32>()
            .is_ok_and(|m| (1..=12).contains(&m));
    let period = word.len() >= 5
        && digits(&word[..4])
        && matches!(&word[4..5], "S" | "Q" | "A")
        && word[5..].bytes().all(|b| b.is_ascii_digit());
    let unit = word.len() == 5 && digits(word) && word.starts_with('0');
    month || period || unit
}

/// What a reader of `uri` sees that is English or a raw code.
fn not_vietnamese(uri: &str, text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for phrase in NOT_VIETNAMESE {
        if text.contains(phrase) {
            found.push(format!("{uri}: {phrase:?} in …{}…", context(text, phrase)));
        }
    }
    let accounts: Vec<&str> = common::USERS.iter().map(|u| u.0).collect();
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        let lower = word.to_lowercase();
        if accounts.contains(&word) {
            continue;
        }
        if ENGLISH_WORDS.contains(&lower.as_str()) || raw_code(word) {
            found.push(format!("{uri}: {word:?} in …{}…", context(text, word)));
        }
    }
    found
}

#[test]
fn raw_codes_are_told_from_figures_and_names() {
    for code in ["202610", "2026S1", "2026Q3", "2026A", "06838"] {
        assert!(raw_code(code), "{code}");
    }
    for word in ["2026", "15", "201", "202613", "Bình", "S1", "12345"] {
        assert!(!raw_code(word), "{word}");
    }
}

on_both_backends!(the_vietnamese_pages_are_in_vietnamese, |app| {
    let report = a_day_of_work(&app).await;
    let mut found = Vec::new();
    let mut checked = 0;
    let mut visitors: Vec<(&str, Client)> = vec![("signed out", Client::new(&app))];
    for (username, _, _, _) in common::USERS {
        visitors.push((username, signed_in(&app, username).await));
    }
    for (who, mut c) in visitors {
        for (uri, page) in pages_of(&mut c, report).await {
            found.extend(
                not_vietnamese(&uri, &text_of(&page))
                    .into_iter()
                    .map(|f| format!("{who} {f}")),
            );
            checked += 1;
        }
    }
    assert!(checked > 25, "only {checked} pages seen");
    assert!(
        found.is_empty(),
        "{} findings:\n{}",
        found.len(),
        found.join("\n")
    );
});

fn context(text: &str, word: &str) -> String {
    let at = text.find(word).unwrap_or(0);
    let start = text[..at]
        .char_indices()
        .rev()
        .nth(60)
        .map_or(0, |(i, _)| i);
    let end = text[at..]
        .char_indices()
        .nth(60 + word.chars().count())
        .map_or(text.len(), |(i, _)| at + i);
    text[start..end]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

on_both_backends!(times_are_vietnam_time_and_reports_name_their_maker, |app| {
    let before = chrono::Utc::now();
    let report = a_day_of_work(&app).await;
    let after = chrono::Utc::now();
    // Hà Nội is seven hours ahead of UTC all year.
    let shown = [before, after].map(|t| {
        (t + chrono::Duration::hours(7))
            .format("%d/%m/%Y %H:%M")
            .to_string()
    });
    let mut office = signed_in(&app, "office").await;
    let form = office
        .get(&format!("/forms/DU_LICH_THANG/{OWN}/202610"))
        .await;
    assert!(
        shown
            .iter()
            .any(|t| text_of(&form.body).contains(&format!("{t} · binhlieu · gửi duyệt"))),
        "the submission at {shown:?} in Vietnam's time: {}",
        text_of(&form.body)
    );
    let dashboard = office.get("/dashboard").await;
    let text = text_of(&dashboard.body);
    let line = text
        .lines()
        .find(|l| l.contains(&report.to_string()) && l.contains("Xem"))
        .unwrap_or("");
    assert!(
        shown.iter().any(|t| text.contains(&format!("office, {t}"))),
        "the report by its maker at {shown:?}: {line}"
    );
    assert!(!text.contains("unknown"));
});

on_both_backends!(a_published_figure_reads_as_approved, |app| {
    a_day_of_work(&app).await;
    let a = Client::new(&app).get("/public?period=202610").await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(
        a.body.contains(">1.240,75<"),
        "1.240,75 as approved: {}",
        text_of(&a.body)
    );
    assert!(!a.body.contains(">1.241<"));
    assert!(a.body.contains("<table"), "the approved figures in a table");
    // A period with nothing approved says so, without a table of headers over no rows.
    let empty = Client::new(&app).get("/public?period=2018").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(!empty.body.contains("<table"), "{}", text_of(&empty.body));
});

on_both_backends!(every_page_has_its_header_and_a_way_back, |app| {
    let report = common::record_report(&app, OWN, "2026S1").await;
    let mut office = signed_in(&app, "office").await;
    // The printed report, inside the site.
    let a = office.get(&format!("/reports/{report}")).await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.body.contains("name=\"viewport\""), "no viewport");
    assert!(a.body.contains("<header>") && a.body.contains("Đăng xuất"));
    assert!(a.body.contains("href=\"/dashboard\""), "no way back");
    // Refused: said to the signed-in user under the signed-in header.
    let mut clerk = signed_in(&app, "binhlieu").await;
    let a = clerk.get("/forms/BC_XA_6T/06841/2026S2").await;
    assert!(
        a.status == StatusCode::FORBIDDEN || a.status == StatusCode::NOT_FOUND,
        "{}",
        a.status
    );
    assert!(a.body.contains("Đăng xuất"), "{}", a.body);
    assert!(!a.body.contains("href=\"/login\""), "the signed-out header");
    // An address that is no page: a page that says so, with the menu.
    let a = clerk.get("/khong-co-trang-nay").await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert!(a.body.contains("Không có trang này"), "{}", a.body);
    assert!(a.body.contains("Đăng xuất"));
    let a = Client::new(&app).get("/khong-co-trang-nay").await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    // A visitor's 404 is the portal's, with its header and the way to sign in.
    assert!(a.body.contains("<header") && a.body.contains("href=\"/login\""));
    assert!(a.body.contains("Về trang chủ"), "{}", a.body);
    // A leader reads and approves; nothing to type.
    let mut leader = signed_in(&app, "leader").await;
    let a = leader.get("/dashboard").await;
    assert!(!text_of(&a.body).contains("Nhập số liệu"));
    assert!(text_of(&a.body).contains("Duyệt số liệu"));
});

on_both_backends!(a_refused_step_is_told_in_words, |app| {
    let mut office = signed_in(&app, "office").await;
    let csrf = office.csrf().await;
    let a = office
        .post_form(
            &format!("/forms/DU_LICH_THANG/{OWN}/202610/approve"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    let text = text_of(&a.body);
    assert!(text.contains("Không duyệt được"), "{text}");
    for code in ["approve", "draft"] {
        assert!(!text.contains(code), "{code} in {text}");
    }
});

/// The options of the select named `name`: (value, shown text), in order.
fn options(page: &str, name: &str) -> Vec<(String, String)> {
    let at = page
        .find(&format!("<select name=\"{name}\""))
        .unwrap_or_else(|| panic!("no select {name}"));
    let select = &page[at..at + page[at..].find("</select>").unwrap()];
    select
        .split("<option value=\"")
        .skip(1)
        .map(|o| {
            let value = o[..o.find('"').unwrap()].to_string();
            let text = o[o.find('>').unwrap() + 1..o.find("</option>").unwrap()].to_string();
            (value, text)
        })
        .collect()
}

on_both_backends!(
    the_dashboard_sums_up_once_and_names_who_assigned_a_plan,
    |app| {
        let mut office = signed_in(&app, "office").await;
        let a = office.get("/dashboard?unit=22&period=2026S1").await;
        assert_eq!(a.status, StatusCode::OK);
        let text = text_of(&a.body);
        // One summary: how many have a plan, how many reached it, how many are behind.
        assert!(
            text.contains("1 chỉ tiêu có kế hoạch năm: 0 đã đạt kế hoạch cả năm"),
            "{text}"
        );
        assert!(!text.contains("chỉ tiêu đạt kế hoạch Tiến độ"), "{text}");
        assert!(!text.contains("Không có chỉ tiêu nào chậm"), "{text}");
        // The province's plan is the communes' plans added up: no one assigned it at this level.
        assert!(
            text.contains("tổng kế hoạch HĐND xã giao của 3/4 đơn vị cấp dưới"),
            "{text}"
        );
        // At the commune, its council assigned it.
        let a = office
            .get(&format!("/dashboard?unit={OWN}&period=2026S1"))
            .await;
        let text = text_of(&a.body);
        assert!(text.contains("kế hoạch HĐND xã giao"), "{text}");
        assert!(!text.contains("tổng kế hoạch"), "{text}");
    }
);

on_both_backends!(a_department_sees_its_own_indicator_groups, |app| {
    let mut health = signed_in(&app, "health").await;
    let a = health.get("/dashboard?unit=22&period=2026S1").await;
    assert_eq!(a.status, StatusCode::OK);
    let text = text_of(&a.body);
    assert!(text.contains("Lượt khám bệnh tại tuyến xã"), "{text}");
    assert!(text.contains("Chỉ tiêu thuộc lĩnh vực Y tế"), "{text}");
    for other in ["Tổng đàn trâu", "Khách du lịch"] {
        assert!(!text.contains(other), "{other} on the health dashboard");
    }
    // The office still sees every group.
    let mut office = signed_in(&app, "office").await;
    let text = text_of(&office.get("/dashboard?unit=22&period=2026S1").await.body);
    assert!(text.contains("Tổng đàn trâu"), "{text}");
});

on_both_backends!(periods_are_chosen_from_a_list_by_name, |app| {
    let mut office = signed_in(&app, "office").await;
    // The typed code still opens its period, chosen in the list.
    let a = office.get("/dashboard?unit=22&period=2026S1").await;
    assert_eq!(a.status, StatusCode::OK);
    let periods = options(&a.body, "period");
    let names: Vec<&str> = periods.iter().map(|(_, n)| n.as_str()).collect();
    assert!(
        a.body.contains("<option value=\"2026S1\" selected>"),
        "{periods:?}"
    );
    // Newest first, by name; months, the half-year and last year's half-year all stored.
    let at = |code: &str| periods.iter().position(|(c, _)| c == code);
    assert!(at("202606").unwrap() < at("2025S1").unwrap(), "{names:?}");
    assert!(at("2026S1").unwrap() < at("2025S1").unwrap(), "{names:?}");
    assert!(
        names.iter().any(|n| n.contains("6 tháng đầu năm 2026")),
        "{names:?}"
    );
    assert!(names.iter().all(|n| !raw_code(n)), "{names:?}");
    // The completeness and public pages choose the same way.
    let a = office
        .get("/completeness?dataset=BC_XA_6T&period=2026S1")
        .await;
    let periods = options(&a.body, "period");
    assert!(periods.iter().any(|(c, _)| c == "2026S1"), "{periods:?}");
    assert!(periods.iter().all(|(c, _)| c.contains('S')), "{periods:?}");
    let a = Client::new(&app).get("/public?period=2026S1").await;
    let periods = options(&a.body, "period");
    assert!(a.body.contains("<option value=\"2026S1\" selected>"));
    assert!(periods.iter().any(|(c, _)| c == "202606"), "{periods:?}");
});

on_both_backends!(
    charts_have_a_text_alternative_and_their_figures_beside,
    |app| {
        let mut office = signed_in(&app, "office").await;
        let a = office
            .get("/dashboard?unit=22&period=2026S1&indicator=KHAM_BENH_XA")
            .await;
        assert_eq!(a.status, StatusCode::OK);
        for id in ["trend-title", "communes-title"] {
            assert!(
                a.body.contains(&format!("aria-labelledby=\"{id}\"")),
                "{id}"
            );
            assert!(a.body.contains(&format!("id=\"{id}\"")), "{id}");
        }
        // The trend starts at the first period with a figure: no empty slots before it.
        let trend = &a.body[a.body.find("id=\"trend-title\"").unwrap()..];
        let trend = &trend[..trend.find("communes-title").unwrap()];
        let rows = trend.matches("<tr><td>").count();
        assert_eq!(rows, 3, "2025S1, 2025S2 (no figure) and 2026S1: {trend}");
        assert!(
            text_of(trend).contains("không có số liệu"),
            "{}",
            text_of(trend)
        );
    }
);
