//! The public portal (issue 13): the anonymous home page, articles and feeds, and the
//! editors' workflow with its limits: a commune's editor writes and submits, the approver
//! publishes, a visitor reads it, and another commune's editor can change nothing of it.
//! In process, on SQLite and PostgreSQL.

mod common;

use axum::http::StatusCode;
use common::{Client, approve, approve_half_year, signed_in, with_portal};

/// The id in a `/bien-tap/{id}` address.
fn id_in(location: &str) -> i64 {
    location
        .trim_start_matches("/bien-tap/")
        .parse()
        .unwrap_or_else(|_| panic!("not an article address: {location}"))
}

/// The revision an editor's page would hold (whoever asks, even without access to the page).
async fn revision(c: &mut Client, id: i64) -> String {
    let article = c.app.store.article(id).await.unwrap().expect("the article");
    article.revision.to_string()
}

/// The tags of a page as a browser parses them (lower case), scripts' and styles' own tags
/// included.
fn tags(page: &str) -> Vec<String> {
    let lower = page.to_ascii_lowercase();
    let mut tags = Vec::new();
    let mut rest = lower.as_str();
    while let Some(open) = rest.find('<') {
        let close = rest[open..].find('>').map_or(rest.len(), |c| open + c + 1);
        tags.push(rest[open..close].to_string());
        rest = &rest[close..];
    }
    tags
}

async fn write(c: &mut Client, portal: &str, title: &str, body: &str) -> i64 {
    let csrf = c.csrf().await;
    let a = c
        .post_form(
            "/bien-tap/moi",
            &[
                ("csrf", &csrf),
                ("portal", portal),
                ("title", title),
                ("sapo", "Tóm tắt"),
                ("body", body),
                ("byline", "Phóng viên xã"),
                ("category", ""),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    id_in(a.location.as_deref().unwrap())
}

async fn step(c: &mut Client, id: i64, action: &str, extra: &[(&str, &str)]) -> common::Answer {
    let csrf = c.csrf().await;
    let revision = revision(c, id).await;
    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("revision", revision.as_str()),
        ("action", action),
    ];
    fields.extend_from_slice(extra);
    c.post_form(&format!("/bien-tap/{id}/buoc"), &fields).await
}

on_both_backends!(an_anonymous_visitor_lands_on_the_portal, |app| {
    with_portal(&app).await;
    let mut visitor = Client::new(&app);
    let home = visitor.get("/").await;
    assert_eq!(home.status, StatusCode::OK, "{}", home.body);
    assert!(
        home.html()
            .contains("Cổng thông tin điện tử huyện Bình Liêu")
    );
    assert!(home.html().contains("Họp thường kì tháng 6 năm 2020"));
    assert!(home.html().contains("Tin tiêu điểm"));
    assert!(
        home.html()
            .contains("type=\"application/rss+xml\" title=\"Cổng thông tin điện tử huyện Bình Liêu\" href=\"/rss.xml\"")
    );
    assert!(
        home.html()
            .contains("href=\"/chuyen-muc/tin-so-ban-nganh\"")
    );
    assert!(home.html().contains("Cổng Dịch vụ công quốc gia"));
    // The article waiting for approval is nowhere on the public page.
    assert!(!home.html().contains("Ngày Thương binh"));
    let article = visitor.get("/tin/hop-thuong-ki-thang-6-nam-2020").await;
    assert_eq!(article.status, StatusCode::OK);
    assert!(
        article.html().contains("01/07/2020 15:56"),
        "in Vietnam's time"
    );
    assert!(article.html().contains("Hoàng Gái"));
    assert!(article.html().contains("<strong>643,41 tỷ đồng</strong>"));
    assert!(article.html().contains(
        "<link rel=\"canonical\" href=\"http://localhost/tin/hop-thuong-ki-thang-6-nam-2020\">"
    ));
    assert!(article.header("cache-control").starts_with("public"));
    // A category's page lists what is below it too.
    let news = visitor.get("/chuyen-muc/tin-tuc-su-kien").await;
    assert!(
        news.html()
            .contains("Xã Đồng Văn về đích 19 tiêu chí nông thôn mới")
    );
    // The commune's sub-portal has its own home.
    assert_eq!(
        visitor.get("/hoanh-mo").await.location.as_deref(),
        Some("/hoanh-mo/")
    );
    let commune = visitor.get("/hoanh-mo/").await;
    assert!(
        commune
            .html()
            .contains("Hoành Mô ra quân vệ sinh môi trường")
    );
    assert!(!commune.html().contains("Họp thường kì"));
    let missing = visitor.get("/khong-co-cong-nay/").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.html().contains("Không tìm thấy trang"));
    let missing = visitor.get("/tin/khong-co-bai-nay").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(
        missing.html().contains("Về trang chủ"),
        "in the portal's layout"
    );
});

on_both_backends!(
    an_article_goes_from_the_commune_editor_to_the_public,
    |app| {
        with_portal(&app).await;
        let mut editor = signed_in(&app, "hoanhmo").await;
        let id = write(
            &mut editor,
            "hoanh-mo",
            "Hội nghị triển khai nhiệm vụ quý III",
            "Xã Hoành Mô tổ chức hội nghị.",
        )
        .await;
        let slug = "/hoanh-mo/tin/hoi-nghi-trien-khai-nhiem-vu-quy-iii";
        let mut visitor = Client::new(&app);
        assert_eq!(visitor.get(slug).await.status, StatusCode::NOT_FOUND);
        assert_eq!(
            step(&mut editor, id, "submit", &[]).await.status,
            StatusCode::SEE_OTHER
        );
        // The writer neither publishes nor changes what waits for approval.
        assert_eq!(
            step(&mut editor, id, "publish", &[]).await.status,
            StatusCode::FORBIDDEN
        );
        let csrf = editor.csrf().await;
        let changed = editor
            .post_form(
                &format!("/bien-tap/{id}"),
                &[("csrf", &csrf), ("title", "Đổi tiêu đề"), ("body", "x")],
            )
            .await;
        assert_eq!(changed.status, StatusCode::CONFLICT);
        let mut approver = signed_in(&app, "office").await;
        let list = approver.get("/bien-tap").await;
        assert!(list.html().contains("Hội nghị triển khai nhiệm vụ quý III"));
        assert!(list.html().contains("Chờ duyệt"));
        assert_eq!(
            step(&mut approver, id, "publish", &[]).await.status,
            StatusCode::SEE_OTHER
        );
        let page = visitor.get(slug).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.html().contains("Xã Hoành Mô tổ chức hội nghị."));
        let feed = visitor.get("/hoanh-mo/rss.xml").await;
        assert_eq!(
            feed.header("content-type"),
            "application/rss+xml; charset=utf-8"
        );
        assert!(feed.html().contains(
            "<link>http://localhost/hoanh-mo/tin/hoi-nghi-trien-khai-nhiem-vu-quy-iii</link>"
        ));
        // Withdrawn: gone from the public, kept with its history.
        assert_eq!(
            step(&mut approver, id, "withdraw", &[]).await.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a withdrawal needs its reason"
        );
        assert_eq!(
            step(&mut approver, id, "withdraw", &[("reason", "Sai ngày họp")])
                .await
                .status,
            StatusCode::SEE_OTHER
        );
        assert_eq!(visitor.get(slug).await.status, StatusCode::NOT_FOUND);
        let history = approver.get(&format!("/bien-tap/{id}/lich-su")).await;
        for seen in [
            "Gửi duyệt",
            "Duyệt đăng",
            "Gỡ bài",
            "Sai ngày họp",
            "hoanhmo",
            "office",
        ] {
            assert!(history.html().contains(seen), "{seen} in the history");
        }
    }
);

on_both_backends!(another_communes_editor_can_change_nothing, |app| {
    with_portal(&app).await;
    let mut own = signed_in(&app, "hoanhmo").await;
    let id = write(&mut own, "hoanh-mo", "Tin của xã Hoành Mô", "Nội dung.").await;
    let mut other = signed_in(&app, "binhlieu").await;
    let csrf = other.csrf().await;
    assert_eq!(
        other.get(&format!("/bien-tap/{id}")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        other
            .post_form(
                &format!("/bien-tap/{id}"),
                &[
                    ("csrf", &csrf),
                    ("revision", "1"),
                    ("title", "Sửa trộm"),
                    ("body", "x")
                ],
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        other
            .post_form(
                &format!("/bien-tap/{id}/buoc"),
                &[("csrf", &csrf), ("revision", "1"), ("action", "submit")],
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        other.get(&format!("/bien-tap/{id}/lich-su")).await.status,
        StatusCode::FORBIDDEN
    );
    let created = other
        .post_form(
            "/bien-tap/moi",
            &[
                ("csrf", &csrf),
                ("portal", "hoanh-mo"),
                ("title", "Bài lạ"),
                ("body", "x"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::FORBIDDEN);
    // A draft is not readable through the public address either.
    let mut visitor = Client::new(&app);
    assert_eq!(
        visitor
            .get("/hoanh-mo/tin/tin-cua-xa-hoanh-mo")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let article = app.store.article(id).await.unwrap().unwrap();
    assert_eq!(article.text.title, "Tin của xã Hoành Mô");
    assert_eq!(article.state, "draft");
    // Asking for the other commune's schedule, visits or library by its address is refused,
    // not answered with one's own.
    for page in [
        "/bien-tap/lich",
        "/bien-tap/truy-cap",
        "/bien-tap/tep",
        "/bien-tap/moi",
    ] {
        let asked = format!("{page}?cong=hoanh-mo");
        assert_eq!(
            other.get(&asked).await.status,
            StatusCode::FORBIDDEN,
            "{asked}"
        );
    }
    // A leader with no grant has no editor's pages at all.
    let mut leader = signed_in(&app, "leader").await;
    assert_eq!(leader.get("/bien-tap").await.status, StatusCode::FORBIDDEN);
});

on_both_backends!(a_refused_article_keeps_what_was_typed, |app| {
    with_portal(&app).await;
    let mut editor = signed_in(&app, "hoanhmo").await;
    let csrf = editor.csrf().await;
    let body = "Đoạn đầu rất dài đã gõ.\n\n![](/anh/hoi-nghi.jpg)";
    let a = editor
        .post_form(
            "/bien-tap/moi",
            &[
                ("csrf", &csrf),
                ("portal", "hoanh-mo"),
                ("title", "   "),
                ("sapo", "Sapo đã gõ"),
                ("body", body),
                ("byline", "Người viết"),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.html().contains("Bài viết cần có tiêu đề"));
    assert!(a.html().contains("Ảnh /anh/hoi-nghi.jpg chưa có mô tả"));
    assert!(
        a.html().contains("Đoạn đầu rất dài đã gõ."),
        "the body stays"
    );
    assert!(a.html().contains("Sapo đã gõ") && a.html().contains("value=\"Người viết\""));
    assert!(
        app.store
            .articles_of(&["hoanh-mo".into()], 100)
            .await
            .unwrap()
            .len()
            == 1
    );
});

on_both_backends!(script_in_an_article_never_reaches_a_page, |app| {
    with_portal(&app).await;
    let mut editor = signed_in(&app, "hoanhmo").await;
    let id = write(
        &mut editor,
        "hoanh-mo",
        "<img src=x onerror=alert(1)> Tin",
        "<script>alert('XSS')</script>\n\n<a href=\"javascript:alert(1)\" onclick=\"alert(2)\">bấm</a>\n\n<IMG SRC=JaVaScRiPt:alert('XSS') alt=\"x\">",
    )
    .await;
    let mut approver = signed_in(&app, "office").await;
    assert_eq!(
        step(&mut approver, id, "publish", &[]).await.status,
        StatusCode::SEE_OTHER
    );
    let article = app.store.article(id).await.unwrap().unwrap();
    let mut visitor = Client::new(&app);
    let page = visitor
        .get(&format!("/hoanh-mo/tin/{}", article.slug))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    // Text that merely shows a vector is harmless (escaped, or inside a quoted attribute
    // value); a tag that carries one is not.
    for tag in tags(&page.body) {
        if tag == "<script src=\"/static/app.js\">" {
            continue;
        }
        for (i, part) in tag.split('"').enumerate() {
            if i % 2 == 0 {
                for banned in ["<script", "onerror=", "onclick=", "onload=", "javascript:"] {
                    assert!(!part.contains(banned), "{banned} in the tag {tag}");
                }
            } else {
                assert!(!part.trim_start().starts_with("javascript:"), "{tag}");
            }
        }
    }
    assert!(page.html().contains("bấm</a>"), "the link's text stays");
    assert!(
        page.html()
            .contains("&lt;img src=x onerror=alert(1)&gt; Tin")
    );
    let home = visitor.get("/hoanh-mo/").await;
    assert!(!home.body.to_ascii_lowercase().contains("<img src=x"));
    let feed = visitor.get("/hoanh-mo/rss.xml").await;
    assert!(
        feed.html()
            .contains("&lt;img src=x onerror=alert(1)&gt; Tin")
    );
});

on_both_backends!(addresses_come_from_titles_and_old_ones_redirect, |app| {
    with_portal(&app).await;
    let mut editor = signed_in(&app, "hoanhmo").await;
    let first = write(&mut editor, "hoanh-mo", "Thông báo lịch tiếp dân", "a").await;
    let second = write(&mut editor, "hoanh-mo", "Thông báo lịch tiếp dân", "b").await;
    let slug = |id| {
        let app = app.clone();
        async move { app.store.article(id).await.unwrap().unwrap().slug }
    };
    assert_eq!(slug(first).await, "thong-bao-lich-tiep-dan");
    assert_eq!(slug(second).await, "thong-bao-lich-tiep-dan-2");
    let csrf = editor.csrf().await;
    let seen = revision(&mut editor, first).await;
    let renamed = editor
        .post_form(
            &format!("/bien-tap/{first}"),
            &[
                ("csrf", &csrf),
                ("revision", &seen),
                ("title", "Lịch tiếp công dân tháng 7"),
                ("body", "a, sửa lại"),
            ],
        )
        .await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER, "{}", renamed.body);
    assert_eq!(slug(first).await, "lich-tiep-cong-dan-thang-7");
    let mut approver = signed_in(&app, "office").await;
    step(&mut approver, first, "publish", &[]).await;
    let mut visitor = Client::new(&app);
    let old = visitor.get("/hoanh-mo/tin/thong-bao-lich-tiep-dan").await;
    assert_eq!(old.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(
        old.location.as_deref(),
        Some("/hoanh-mo/tin/lich-tiep-cong-dan-thang-7")
    );
    // A save over a version someone else has replaced is refused, not lost.
    let stale = editor
        .post_form(
            &format!("/bien-tap/{second}"),
            &[
                ("csrf", &csrf),
                ("revision", "0"),
                ("title", "Cũ"),
                ("body", "c"),
            ],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    // The history shows what changed between two versions.
    let history = editor
        .get(&format!("/bien-tap/{first}/lich-su?tu=1&den=2"))
        .await;
    assert!(history.html().contains("Lịch tiếp công dân tháng 7"));
    assert!(
        history.html().contains("<ins>+ a, sửa lại</ins>"),
        "{}",
        history.body
    );
});

on_both_backends!(a_scheduled_article_waits_for_its_time, |app| {
    with_portal(&app).await;
    let mut editor = signed_in(&app, "hoanhmo").await;
    let id = write(
        &mut editor,
        "hoanh-mo",
        "Thông báo nghỉ Tết",
        "Nghỉ 9 ngày.",
    )
    .await;
    let mut approver = signed_in(&app, "office").await;
    let bad = step(&mut approver, id, "publish", &[("publish_at", "mai nhé")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.html().contains("mai nhé"));
    let later = step(
        &mut approver,
        id,
        "publish",
        &[("publish_at", "2099-01-20T07:00")],
    )
    .await;
    assert_eq!(later.status, StatusCode::SEE_OTHER);
    let mut visitor = Client::new(&app);
    assert_eq!(
        visitor.get("/hoanh-mo/tin/thong-bao-nghi-tet").await.status,
        StatusCode::NOT_FOUND
    );
    assert!(
        !visitor
            .get("/hoanh-mo/")
            .await
            .html()
            .contains("Thông báo nghỉ Tết")
    );
    let page = approver.get(&format!("/bien-tap/{id}")).await;
    assert!(
        page.html().contains("hẹn đăng lúc 20/01/2099 07:00"),
        "{}",
        page.body
    );
});

on_both_backends!(a_visitor_finds_articles_without_diacritics, |app| {
    with_portal(&app).await;
    let mut visitor = Client::new(&app);
    let found = visitor.get("/tim-kiem?q=hop+thuong+ki+thang+6").await;
    assert_eq!(found.status, StatusCode::OK);
    let html = found.html();
    let first = html.find("class=\"card-article hit\"").expect("a result");
    assert!(
        html[first..].find("href=\"/tin/hop-thuong-ki-thang-6-nam-2020\"") < Some(300),
        "the meeting's article first: {}",
        &html[first..]
    );
    assert!(found.html().contains(
        "<mark>Họp</mark> <mark>thường</mark> <mark>kì</mark> <mark>tháng</mark> <mark>6</mark>"
    ));
    let dong_van = visitor.get("/tim-kiem?q=dong+van").await;
    assert!(
        dong_van
            .html()
            .contains("/tin/xa-dong-van-ve-dich-19-tieu-chi-nong-thon-moi")
    );
    assert!(
        dong_van
            .html()
            .contains("/tin/kim-ngach-xuat-nhap-khau-qua-cua-khau-hoanh-mo-dong-van-tang-7-06")
    );
    // The category narrows the search to Nông thôn mới.
    let rural = app
        .store
        .categories("binh-lieu")
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.slug == "nong-thon-moi")
        .unwrap();
    let narrowed = visitor
        .get(&format!("/tim-kiem?q=dong+van&chuyen-muc={}", rural.id))
        .await;
    assert!(
        narrowed
            .html()
            .contains("/tin/xa-dong-van-ve-dich-19-tieu-chi-nong-thon-moi")
    );
    assert!(!narrowed.html().contains("kim-ngach"));
    // Dates narrow it too: 18/06/2020 holds the trade article only.
    let that_day = visitor
        .get("/tim-kiem?q=dong+van&tu=2020-06-18&den=2020-06-18")
        .await;
    assert!(that_day.html().contains("kim-ngach") && !that_day.html().contains("ve-dich"));
    // The article waiting for approval is not found.
    assert!(
        !visitor
            .get("/tim-kiem?q=liet+si")
            .await
            .html()
            .contains("/tin/")
    );
    // Any text at all: a page, never an error.
    for text in [
        "%22%29%28*%3A%3A",
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        &"a".repeat(5000),
    ] {
        let page = visitor.get(&format!("/tim-kiem?q={text}")).await;
        assert_eq!(page.status, StatusCode::OK, "{text}");
        assert!(!page.html().contains("<script>alert(1)"));
    }
});

on_both_backends!(a_published_article_is_found_at_once, |app| {
    with_portal(&app).await;
    let mut editor = signed_in(&app, "hoanhmo").await;
    let id = write(
        &mut editor,
        "hoanh-mo",
        "Lễ hội Soóng cọ",
        "Hát then, hát Soóng cọ của người Sán Chỉ.",
    )
    .await;
    let mut visitor = Client::new(&app);
    assert!(
        !visitor
            .get("/hoanh-mo/tim-kiem?q=soong+co")
            .await
            .html()
            .contains("/tin/")
    );
    let mut approver = signed_in(&app, "office").await;
    step(&mut approver, id, "publish", &[]).await;
    let found = visitor.get("/hoanh-mo/tim-kiem?q=soong+co").await;
    assert!(
        found.html().contains("/hoanh-mo/tin/le-hoi-soong-co"),
        "{}",
        found.body
    );
    // Not on the district's portal.
    assert!(
        !visitor
            .get("/tim-kiem?q=soong+co")
            .await
            .html()
            .contains("le-hoi-soong-co")
    );
    step(&mut approver, id, "withdraw", &[("reason", "Trùng tin")]).await;
    assert!(
        !visitor
            .get("/hoanh-mo/tim-kiem?q=soong+co")
            .await
            .html()
            .contains("le-hoi-soong-co")
    );
});

on_both_backends!(
    readers_are_counted_and_crawlers_and_editors_are_not,
    |app| {
        with_portal(&app).await;
        let mut reader = Client::new(&app);
        reader.headers.push((
            "user-agent".into(),
            "Mozilla/5.0 (Linux; Android 13) Chrome/120 Mobile".into(),
        ));
        let mut crawler = Client::new(&app);
        crawler.headers.push((
            "user-agent".into(),
            "Mozilla/5.0 (compatible; Googlebot/2.1)".into(),
        ));
        let before = reader.get("/").await;
        assert!(
            before.html().contains("Hôm nay: <strong>1</strong>"),
            "the first view counts itself"
        );
        reader.get("/tin/hop-thuong-ki-thang-6-nam-2020").await;
        reader.get("/tin/hop-thuong-ki-thang-6-nam-2020").await;
        crawler.get("/tin/hop-thuong-ki-thang-6-nam-2020").await;
        let mut editor = signed_in(&app, "binhlieu").await;
        editor
            .headers
            .push(("user-agent".into(), "Mozilla/5.0 Firefox/120".into()));
        editor.get("/tin/hop-thuong-ki-thang-6-nam-2020").await;
        // Counted in memory; written in one batch.
        assert_eq!(
            app.store
                .visit_totals("binh-lieu", "2000-01-01")
                .await
                .unwrap(),
            (0, 0)
        );
        app.visits.flush(&app).await.unwrap();
        let today = chrono::Utc::now()
            .with_timezone(&solieu_core::format::vietnam())
            .date_naive()
            .to_string();
        assert_eq!(
            app.store.visit_totals("binh-lieu", &today).await.unwrap(),
            (3, 3)
        );
        let page = reader.get("/").await;
        assert!(page.html().contains("Hôm nay: <strong>4</strong>"));
        assert!(page.html().contains("Đã truy cập: <strong>4</strong>"));
        assert!(page.html().contains("Đang trực tuyến: <strong>1</strong>"));
        // Another portal's counter is its own.
        assert!(
            reader
                .get("/hoanh-mo/")
                .await
                .html()
                .contains("Hôm nay: <strong>1</strong>")
        );
        let report = editor.get("/bien-tap/truy-cap").await;
        assert_eq!(report.status, StatusCode::OK);
        assert!(report.html().contains("Họp thường kì tháng 6 năm 2020"));
        assert!(report.html().contains("2 lượt xem"));
    }
);

on_both_backends!(anonymous_pages_are_cached_and_revalidated, |app| {
    with_portal(&app).await;
    let mut visitor = Client::new(&app);
    let page = visitor.get("/tin/hop-thuong-ki-thang-6-nam-2020").await;
    let tag = page.header("etag").to_string();
    assert!(tag.starts_with('"'), "an ETag: {tag:?}");
    assert_eq!(page.header("cache-control"), "public, max-age=60");
    visitor.headers.push(("if-none-match".into(), tag));
    let again = visitor.get("/tin/hop-thuong-ki-thang-6-nam-2020").await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
    // A reader's views move the counter on the page, not its version: a browser holding it
    // is not sent it again for the counts alone.
    let mut reader = Client::new(&app);
    reader
        .headers
        .push(("user-agent".into(), "Mozilla/5.0 Firefox/120".into()));
    let one = reader.get("/tin/hop-thuong-ki-thang-6-nam-2020").await;
    let two = reader.get("/tin/hop-thuong-ki-thang-6-nam-2020").await;
    assert_ne!(one.body, two.body, "the counter moved");
    assert_eq!(one.header("etag"), two.header("etag"));
    // A signed-in editor's view is never kept.
    let mut editor = signed_in(&app, "binhlieu").await;
    let own = editor.get("/tin/hop-thuong-ki-thang-6-nam-2020").await;
    assert_eq!(own.header("cache-control"), "no-store");
    assert!(own.header("etag").is_empty());
    let mut gzip = Client::new(&app);
    gzip.headers.push(("accept-encoding".into(), "gzip".into()));
    assert_eq!(gzip.get("/").await.header("content-encoding"), "gzip");
    let robots = visitor.get("/robots.txt").await;
    assert!(robots.body.contains("Disallow: /bien-tap"));
    assert!(
        robots
            .body
            .contains("Sitemap: http://localhost/sitemap.xml")
    );
    let sitemap = visitor.get("/sitemap.xml").await;
    assert!(
        sitemap
            .body
            .contains("<loc>http://localhost/tin/hop-thuong-ki-thang-6-nam-2020</loc>")
    );
    assert!(
        sitemap
            .body
            .contains("<loc>http://localhost/hoanh-mo/</loc>")
    );
    assert!(
        !sitemap.body.contains("thuong-binh"),
        "not what waits for approval"
    );
});

on_both_backends!(the_documents_register_is_on_the_portal, |app| {
    with_portal(&app).await;
    // The demo's documents register, as `solieu import` loads it.
    let bytes = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo/programs/documents.csv"),
    )
    .unwrap();
    let read = solieu_io::programs::read_program_csv("documents.csv", &bytes, None);
    assert!(read.problems.is_empty(), "{:?}", read.problems);
    let stored = app.store.stored().await.unwrap();
    let plan = solieu_core::programs::plan(
        &app.store.programs().await.unwrap(),
        &stored.units,
        read.incoming,
    )
    .unwrap();
    app.store
        .apply_with_programs(
            &Default::default(),
            &plan,
            "test",
            "documents.csv",
            false,
            &|_| {},
        )
        .await
        .unwrap();
    let mut visitor = Client::new(&app);
    let all = visitor.get("/van-ban").await;
    assert_eq!(all.status, StatusCode::OK);
    assert!(all.html().contains("4 văn bản"));
    let plans = visitor.get("/van-ban?loai=KH").await;
    assert!(plans.html().contains("256/KH-UBND") && plans.html().contains("887/KH-UBND"));
    assert!(!plans.html().contains("650-KL/HU"));
    // Words without diacritics: "ngân sách" in two summaries.
    let budget = visitor.get("/van-ban?q=ngan+sach").await;
    assert!(budget.html().contains("1354/UBND") && budget.html().contains("650-KL/HU"));
    assert!(budget.html().contains("2 văn bản"));
    let by_party = visitor
        .get("/van-ban?co-quan=Huy%E1%BB%87n+%E1%BB%A7y+B%C3%ACnh+Li%C3%AAu&nam=2020")
        .await;
    assert!(by_party.html().contains("1 văn bản") && by_party.html().contains("650-KL/HU"));
    assert!(visitor.get("/").await.html().contains("href=\"/van-ban\""));
    // Who signed, from when it is in force, its field; filtered by field.
    assert!(
        all.html()
            .contains("Người ký: Chủ tịch UBND huyện · Hiệu lực từ: 15/01/2020")
    );
    let budget = visitor
        .get("/van-ban?linh-vuc=T%C3%A0i+ch%C3%ADnh+-+ng%C3%A2n+s%C3%A1ch")
        .await;
    assert!(budget.html().contains("2 văn bản"), "{}", budget.html());
    assert!(budget.html().contains("1354/UBND") && !budget.html().contains("256/KH-UBND"));
});

on_both_backends!(
    the_leaders_week_is_published_changed_and_in_calendars,
    |app| {
        with_portal(&app).await;
        let mut visitor = Client::new(&app);
        let week = visitor.get("/lich-cong-tac?tuan=2020-06-17").await;
        assert_eq!(week.status, StatusCode::OK);
        let html = week.html();
        assert!(html.contains("Tuần từ 15/06/2020 đến 21/06/2020"));
        assert!(html.contains("Thứ Hai, 15/06/2020") && html.contains("Thứ Sáu, 19/06/2020"));
        assert!(html.contains("Làm việc với xã Đồng Văn về tiến độ xây dựng nông thôn mới"));
        assert!(
            !html.contains("Thứ Bảy, 20/06/2020"),
            "a day with nothing is left out"
        );
        // The office writes next week's engagement; the public sees it once approved.
        let mut editor = signed_in(&app, "binhlieu").await;
        let csrf = editor.csrf().await;
        let bad = editor
            .post_form(
                "/bien-tap/lich",
                &[
                    ("csrf", &csrf),
                    ("cong", "binh-lieu"),
                    ("day", "22/06/2020"),
                    ("start", "8h"),
                    ("content", "Giao ban"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.html().contains("“8h” không đúng dạng giờ:phút"));
        assert!(bad.html().contains("Giao ban"), "what was typed stays");
        let added = editor
            .post_form(
                "/bien-tap/lich",
                &[
                    ("csrf", &csrf),
                    ("cong", "binh-lieu"),
                    ("day", "2020-06-22"),
                    ("start", "07:30"),
                    ("content", "Giao ban đầu tuần"),
                    ("chair", "Nguyễn Thị Tuyết Hạnh, Chủ tịch UBND huyện"),
                    ("place", "Phòng họp tầng 2"),
                ],
            )
            .await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
        assert!(
            !visitor
                .get("/lich-cong-tac?tuan=2020-06-22")
                .await
                .html()
                .contains("Giao ban đầu tuần")
        );
        // Only an approver publishes the week.
        let refused = editor
            .post_form(
                "/bien-tap/lich/dang",
                &[
                    ("csrf", &csrf),
                    ("cong", "binh-lieu"),
                    ("tuan", "2020-06-22"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        let mut approver = signed_in(&app, "office").await;
        let office_csrf = approver.csrf().await;
        let published = approver
            .post_form(
                "/bien-tap/lich/dang",
                &[
                    ("csrf", &office_csrf),
                    ("cong", "binh-lieu"),
                    ("tuan", "2020-06-24"),
                ],
            )
            .await;
        assert_eq!(published.status, StatusCode::SEE_OTHER);
        assert!(
            visitor
                .get("/lich-cong-tac?tuan=2020-06-22")
                .await
                .html()
                .contains("Giao ban đầu tuần")
        );
        // A change after publication is marked as such.
        let item = app
            .store
            .schedule(
                "binh-lieu",
                "2020-06-22".parse().unwrap(),
                "2020-06-22".parse().unwrap(),
            )
            .await
            .unwrap()
            .remove(0);
        let changed = approver
            .post_form(
                &format!("/bien-tap/lich/{}", item.id),
                &[
                    ("csrf", &office_csrf),
                    ("revision", &item.revision.to_string()),
                    ("day", "2020-06-22"),
                    ("start", "08:00"),
                    ("content", "Giao ban đầu tuần"),
                    ("chair", "Nguyễn Thị Tuyết Hạnh, Chủ tịch UBND huyện"),
                    ("place", "Hội trường UBND huyện"),
                ],
            )
            .await;
        assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
        let after = visitor.get("/lich-cong-tac?tuan=2020-06-22").await.html();
        assert!(after.contains("08:00") && after.contains("Hội trường UBND huyện"));
        assert!(after.contains("có thay đổi lúc"), "{after}");
        // The writer cannot change what is public; another commune's editor cannot touch it.
        let mut other = signed_in(&app, "hoanhmo").await;
        let other_csrf = other.csrf().await;
        let stolen = other
            .post_form(
                &format!("/bien-tap/lich/{}/huy", item.id),
                &[("csrf", &other_csrf)],
            )
            .await;
        assert_eq!(stolen.status, StatusCode::FORBIDDEN);
        let by_writer = editor
            .post_form(
                &format!("/bien-tap/lich/{}", item.id),
                &[
                    ("csrf", &csrf),
                    ("day", "2020-06-22"),
                    ("start", "09:00"),
                    ("content", "x"),
                ],
            )
            .await;
        assert_eq!(by_writer.status, StatusCode::FORBIDDEN);
        // The calendar feeds: the portal's, and one leader's.
        let ics = visitor.get("/lich-cong-tac.ics").await;
        assert_eq!(ics.header("content-type"), "text/calendar; charset=utf-8");
        assert!(ics.body.starts_with("BEGIN:VCALENDAR\r\n"));
        let unfolded = ics.body.replace("\r\n ", "");
        assert!(unfolded.contains("SUMMARY:Giao ban đầu tuần"));
        // 08:00 in Hà Nội is 01:00 UTC.
        assert!(unfolded.contains("DTSTART:20200622T010000Z"));
        let hers = visitor
        .get("/lich-cong-tac.ics?chu-tri=Nguy%E1%BB%85n+Th%E1%BB%8B+Tuy%E1%BA%BFt+H%E1%BA%A1nh%2C+Ch%E1%BB%A7+t%E1%BB%8Bch+UBND+huy%E1%BB%87n")
        .await
        .body
        .replace("\r\n ", "");
        assert!(hers.contains("Tiếp công dân định kỳ"));
        assert!(
            !hers.contains("sơ kết công tác đảm bảo an ninh"),
            "another leader's"
        );
    }
);

/// A photograph as a phone sends it: a JPEG with EXIF (the camera's make) and a gradient.
fn phone_photo(width: u32, height: u32) -> Vec<u8> {
    use image::ImageEncoder;
    let pixels = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x * 255 / width) as u8, (y * 255 / height) as u8, 60])
    });
    let mut bytes = Vec::new();
    let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 90);
    let mut exif = b"II\x2a\x00\x08\x00\x00\x00\x01\x00".to_vec();
    exif.extend_from_slice(&[
        0x0f, 0x01, 0x02, 0x00, 0x04, 0, 0, 0, b'C', b'a', b'm', 0, 0, 0, 0, 0,
    ]);
    encoder.set_exif_metadata(exif).unwrap();
    encoder
        .write_image(
            pixels.as_raw(),
            width,
            height,
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    bytes
}

/// Uploads a file to a portal's library as its editor would.
async fn upload(c: &mut Client, portal: &str, alt: &str, file: (&str, &[u8])) -> common::Answer {
    let csrf = c.csrf().await;
    c.post_multipart(
        "/bien-tap/tep",
        &[("csrf", &csrf), ("portal", portal), ("alt", alt)],
        file,
    )
    .await
}

/// The address an upload was given, from where the library sends the editor.
fn fresh_address(location: &str) -> String {
    location
        .split("moi=")
        .nth(1)
        .unwrap_or_else(|| panic!("no upload in {location}"))
        .to_string()
}

on_both_backends!(
    a_picture_goes_into_an_article_and_reaches_a_visitor_at_every_width,
    |app| {
        with_portal(&app).await;
        let mut editor = signed_in(&app, "hoanhmo").await;
        let library = editor.get("/bien-tap/tep?cong=hoanh-mo").await;
        assert_eq!(library.status, StatusCode::OK);
        assert!(library.html().contains("Ảnh và tệp đính kèm"));
        let photo = phone_photo(1400, 700);
        let sent = upload(
            &mut editor,
            "hoanh-mo",
            "Ruộng bậc thang xã Hoành Mô",
            ("ruong.jpg", &photo),
        )
        .await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
        let address = fresh_address(sent.location.as_deref().unwrap());
        let library = editor.get(sent.location.as_deref().unwrap()).await;
        let line = format!("![Ruộng bậc thang xã Hoành Mô](/media/{address}-1400.jpg)");
        assert!(library.html().contains(&line), "{}", library.html());
        assert!(library.html().contains("Đã tải lên"));
        // The same photo sent again is the same upload.
        let again = upload(&mut editor, "hoanh-mo", "Ảnh lần hai", ("lai.jpg", &photo)).await;
        assert_eq!(fresh_address(again.location.as_deref().unwrap()), address);
        assert_eq!(app.store.media_of("hoanh-mo", 10).await.unwrap().len(), 1);

        let news = app.store.categories("hoanh-mo").await.unwrap()[0]
            .id
            .to_string();
        let csrf = editor.csrf().await;
        let body = format!("Toàn cảnh:\n\n{line}\n\nBà con thu hoạch.");
        let written = editor
            .post_form(
                "/bien-tap/moi",
                &[
                    ("csrf", &csrf),
                    ("portal", "hoanh-mo"),
                    ("title", "Mùa lúa chín ở Hoành Mô"),
                    ("body", &body),
                    ("category", &news),
                ],
            )
            .await;
        let id = id_in(written.location.as_deref().unwrap());
        step(&mut editor, id, "submit", &[]).await;
        let mut approver = signed_in(&app, "office").await;
        assert_eq!(
            step(&mut approver, id, "publish", &[]).await.status,
            StatusCode::SEE_OTHER
        );
        let mut visitor = Client::new(&app);
        let page = visitor.get("/hoanh-mo/tin/mua-lua-chin-o-hoanh-mo").await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.html();
        let srcset = format!(
            "srcset=\"/media/{address}-320.jpg 320w, /media/{address}-640.jpg 640w, /media/{address}-1024.jpg 1024w, /media/{address}-1400.jpg 1400w\""
        );
        assert!(html.contains(&srcset), "{html}");
        assert!(html.contains(&format!("src=\"/media/{address}-1024.jpg\"")));
        assert!(html.contains("alt=\"Ruộng bậc thang xã Hoành Mô\""));
        assert!(html.contains("width=\"1400\" height=\"700\""));
        assert!(html.contains(&format!(
            "<meta property=\"og:image\" content=\"http://localhost/media/{address}-1024.jpg\">"
        )));
        // The commune's home shows it beside the article's title.
        let home = visitor.get("/hoanh-mo/").await;
        assert!(
            home.html()
                .contains(&format!("/media/{address}-320.jpg 320w"))
        );

        let file = visitor.get(&format!("/media/{address}-640.jpg")).await;
        assert_eq!(file.status, StatusCode::OK);
        assert_eq!(file.header("content-type"), "image/jpeg");
        assert!(file.header("cache-control").contains("immutable"));
        let picture = image::load_from_memory(&file.bytes).unwrap();
        assert_eq!((picture.width(), picture.height()), (640, 320));
        assert!(!file.bytes.windows(4).any(|w| w == b"Exif"));
        let tag = file.header("etag").to_string();
        let request = axum::http::Request::get(format!("/media/{address}-640.jpg"))
            .header("if-none-match", &tag)
            .body(axum::body::Body::empty())
            .unwrap();
        assert_eq!(visitor.send(request).await.status, StatusCode::NOT_MODIFIED);
        for wrong in [
            format!("/media/{address}-641.jpg"),
            format!("/media/{address}-640.png"),
            "/media/0123456789abcdef0123-640.jpg".to_string(),
            "/media/..%2F..%2Fetc%2Fpasswd".to_string(),
        ] {
            assert_eq!(
                visitor.get(&wrong).await.status,
                StatusCode::NOT_FOUND,
                "{wrong}"
            );
        }
    }
);

on_both_backends!(
    a_bad_upload_is_refused_with_its_reason_and_nothing_is_kept,
    |app| {
        with_portal(&app).await;
        let mut editor = signed_in(&app, "hoanhmo").await;
        let photo = phone_photo(300, 200);
        let mut png = Vec::new();
        image::DynamicImage::new_rgb8(4, 4)
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        // A few dozen bytes whose header declares 60,000 × 60,000 pixels (its checksum made
        // again, as a crafted file would have it).
        let mut bomb = png.clone();
        bomb[16..24].copy_from_slice(&[0, 0, 0xEA, 0x60, 0, 0, 0xEA, 0x60]);
        let crc = bomb[12..29].iter().fold(0xFFFF_FFFFu32, |mut crc, &b| {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = (crc >> 1) ^ (0xEDB8_8320 & (crc & 1).wrapping_neg());
            }
            crc
        });
        bomb[29..33].copy_from_slice(&(!crc).to_be_bytes());
        for (file, alt, said) in [
            (
                ("anh.jpg", png.as_slice()),
                "Ảnh",
                "mang tên đuôi JPEG nhưng nội dung là PNG",
            ),
            (
                ("trang.jpg", b"<script>alert(1)</script>".as_slice()),
                "Ảnh",
                "không phải ảnh JPEG, PNG, WebP hay tệp PDF",
            ),
            (("bom.png", bomb.as_slice()), "Ảnh", "quá lớn"),
            (
                ("dut.jpg", &photo[..photo.len() / 2]),
                "Ảnh",
                "Không đọc được ảnh",
            ),
            (("ruong.jpg", photo.as_slice()), "  ", "Ảnh cần có mô tả"),
            (
                ("kh.pdf", b"%PDF-1.4 cut short".as_slice()),
                "Kế hoạch",
                "không phải tệp PDF hoàn chỉnh",
            ),
        ] {
            let answer = upload(&mut editor, "hoanh-mo", alt, file).await;
            assert_eq!(
                answer.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{}",
                file.0
            );
            assert!(
                answer.html().contains(said),
                "{}: {}",
                file.0,
                answer.html()
            );
            assert!(answer.html().contains(file.0) || file.0 == "ruong.jpg");
        }
        // Another commune's editor cannot put files in Hoành Mô's library; a form without its
        // CSRF token is refused.
        let mut other = signed_in(&app, "binhlieu").await;
        assert_eq!(
            upload(&mut other, "hoanh-mo", "Ảnh", ("a.jpg", &photo))
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            other.get("/bien-tap/tep?cong=hoanh-mo").await.status,
            StatusCode::FORBIDDEN
        );
        let forged = editor
            .post_multipart(
                "/bien-tap/tep",
                &[("portal", "hoanh-mo"), ("alt", "Ảnh")],
                ("a.jpg", &photo),
            )
            .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        // A body larger than any file taken is cut off before it is read.
        let huge = vec![0u8; solieu_web::portal::media::upload_body_limit() + 1];
        let answer = upload(&mut editor, "hoanh-mo", "Ảnh", ("lon.jpg", &huge)).await;
        assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(app.store.media_of("hoanh-mo", 10).await.unwrap().is_empty());
        // An article cannot name a file the library does not hold.
        let csrf = editor.csrf().await;
        let refused = editor
            .post_form(
                "/bien-tap/moi",
                &[
                    ("csrf", &csrf),
                    ("portal", "hoanh-mo"),
                    ("title", "Ảnh lạ"),
                    ("body", "![Ảnh](/media/0123456789abcdef0123-640.jpg)"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.html().contains("không có trong thư viện"));
    }
);

on_both_backends!(a_pdf_is_attached_as_sent, |app| {
    with_portal(&app).await;
    let mut editor = signed_in(&app, "hoanhmo").await;
    let pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
    let sent = upload(
        &mut editor,
        "hoanh-mo",
        "Kế hoạch 256/KH-UBND",
        ("256-KH-UBND.pdf", pdf),
    )
    .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let address = fresh_address(sent.location.as_deref().unwrap());
    let library = editor.get(sent.location.as_deref().unwrap()).await;
    assert!(
        library
            .html()
            .contains(&format!("[Kế hoạch 256/KH-UBND](/media/{address}.pdf)"))
    );
    let file = Client::new(&app)
        .get(&format!("/media/{address}.pdf"))
        .await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.header("content-type"), "application/pdf");
    assert_eq!(file.bytes, pdf.to_vec());
});

on_both_backends!(a_visitors_error_pages_are_the_portals, |app| {
    with_portal(&app).await;
    let mut visitor = Client::new(&app);
    // No such sub-portal: the main portal's layout, its name and menu, and a way home.
    let missing = visitor.get("/khong-co-cong-nay/tin/bai").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let html = missing.html();
    assert!(html.contains("Không tìm thấy trang"), "{html}");
    assert!(
        html.contains("class=\"portal-name\" href=\"/\">Cổng thông tin điện tử huyện Bình Liêu")
    );
    assert!(html.contains("href=\"/chuyen-muc/tin-so-ban-nganh\""));
    // A signed-in official gets the application's page, with the menu of its work.
    let mut editor = signed_in(&app, "hoanhmo").await;
    let theirs = editor.get("/khong-co-cong-nay/tin/bai").await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    assert!(!theirs.html().contains("class=\"portal-name\""));
    // A database that fails: the visitor reads an apology in the portal's layout, not a
    // server's bare error.
    app.store.close().await;
    let failed = visitor.get("/?lan=2").await;
    assert_eq!(failed.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        failed.html().contains("Trang tạm thời chưa hiển thị được"),
        "{}",
        failed.html()
    );
    assert!(failed.html().contains("class=\"portal"));
});

on_both_backends!(headline_figures_appear_once_approved, |app| {
    with_portal(&app).await;
    let mut visitor = Client::new(&app);
    assert!(
        !visitor
            .get("/hoanh-mo/")
            .await
            .html()
            .contains("Số liệu 6 tháng")
    );
    // Hoành Mô's own form approved: its portal shows its figure, the district's does not yet
    // (six communes below it are not approved).
    approve_half_year(&app, &["06841"]).await;
    let commune = visitor.get("/hoanh-mo/?lan=2").await.html();
    assert!(
        commune.contains("Số liệu 6 tháng đầu năm 2020"),
        "{commune}"
    );
    assert!(commune.contains("Lượt khám bệnh tại tuyến xã"));
    assert!(commune.contains("9.215"));
    assert!(
        !visitor
            .get("/?lan=2")
            .await
            .html()
            .contains("Số liệu 6 tháng")
    );
    approve_half_year(
        &app,
        &["06838", "06844", "06847", "06853", "06856", "06859"],
    )
    .await;
    let district = visitor.get("/?lan=3").await.html();
    assert!(
        district.contains("Số liệu 6 tháng đầu năm 2020"),
        "{district}"
    );
    // 12.480 + 9.215 + 6.870 + 7.342 + 8.126 + 9.604 + 5.462, added up by the engine.
    assert!(district.contains("59.099"), "{district}");
    assert!(district.contains("href=\"/so-lieu?ky=2020S1\""));
});

on_both_backends!(
    the_statistics_read_as_the_seed_article_once_approved,
    |app| {
        with_portal(&app).await;
        // A figure approved with more decimals than the indicator shows: printed as approved.
        let exact = "mã chỉ tiêu;đơn vị;kỳ;loại;giá trị;trạng thái\nHS_TRO_LAI_TRUONG;198;2020S1;thực hiện;98,45;sơ bộ\n";
        let read = solieu_io::read_csv("hs.csv", exact.as_bytes(), &Default::default());
        assert!(read.problems.is_empty(), "{:?}", read.problems);
        let plan =
            solieu_core::changes::plan(&app.store.stored().await.unwrap(), read.incoming).unwrap();
        app.store.apply(&plan, "test", false).await.unwrap();
        app.catch_up().await.unwrap();

        let mut visitor = Client::new(&app);
        let files = ["csv", "json", "xlsx"];
        // Nothing approved: nothing on the page, in any file, or on an indicator's page.
        let none = visitor.get("/so-lieu").await.html();
        assert!(
            none.contains("Chưa có số liệu nào được phê duyệt"),
            "{none}"
        );
        for tep in files {
            let a = visitor.get(&format!("/so-lieu?tep={tep}")).await;
            assert!(!String::from_utf8_lossy(&a.bytes).contains("643"), "{tep}");
        }
        assert_eq!(
            visitor.get("/so-lieu?ky=2020S1").await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            visitor.get("/so-lieu/GTSX?ky=2020S1").await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            visitor
                .get("/so-lieu/KHAM_BENH_XA/don-vi.svg?ky=2020S1")
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        // Nor in the open-data catalogue or the CKAN API.
        let catalog = visitor.get("/catalog.jsonld").await;
        assert_eq!(catalog.header("content-type"), "application/ld+json");
        assert_eq!(catalog.json()["dcat:dataset"], serde_json::json!([]));
        let list = visitor.get("/api/3/action/package_list").await.json();
        assert_eq!(list["success"], true);
        assert_eq!(list["result"], serde_json::json!([]));

        // The district's own report approved: its figures, and those computed from them only.
        approve(&app, "BC_HUYEN_6T", "198").await;
        let page = visitor.get("/so-lieu?lan=1").await.html();
        assert!(
            page.contains("<option value=\"2020S1\" selected>6 tháng đầu năm 2020</option>"),
            "{page}"
        );
        for seed in [
            "ước đạt 643,41 tỷ đồng, bằng 39,89% kế hoạch HĐND huyện giao",
            "tăng 11,2% so với cùng kỳ",
            "146,53",
            "37,58%",
            "tăng 8,22%",
            "105,06",
            "31,4%",
            "tăng 16,22%",
            "391,82",
            "44,13%",
            "tăng 11,06%",
            "252,86",
            "37,129",
            "6.668",
            "98,45",
            "sơ bộ",
        ] {
            assert!(page.contains(seed), "{seed} missing: {page}");
        }
        // A share computed by a formula: to its decimals, not a division's 28.
        assert!(
            page.contains("ước đạt 60,9%") && !page.contains("60,8974"),
            "{page}"
        );
        // The communes' visits are not approved yet: neither they nor the district's total.
        assert!(
            !page.contains("59.099") && !page.contains("70.123"),
            "{page}"
        );
        approve_half_year(&app, &common::COMMUNES_2020).await;
        let page = visitor.get("/so-lieu?ky=2020S1&lan=2").await.html();
        assert!(page.contains("59.099") && page.contains("70.123"), "{page}");

        // The same figures as files, exact.
        let csv = visitor.get("/so-lieu?ky=2020S1&tep=csv").await;
        assert_eq!(csv.header("content-type"), "text/csv; charset=utf-8");
        let csv = String::from_utf8(csv.bytes).unwrap();
        assert!(csv.starts_with('\u{feff}'));
        assert!(csv.contains("GTSX,Giá trị sản xuất,Kinh tế,tỷ đồng,198,Huyện Bình Liêu,2020S1,6 tháng đầu năm 2020,643.41,\"39,89%\",\"tăng 11,2%\""), "{csv}");
        let json = visitor.get("/so-lieu?ky=2020S1&tep=json").await.json();
        let gtsx = json
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["indicator"] == "GTSX")
            .unwrap()
            .clone();
        assert_eq!(gtsx["value"], "643.41");
        assert_eq!(gtsx["status"], "estimate");
        let xlsx = visitor.get("/so-lieu?ky=2020S1&tep=xlsx").await;
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx.bytes)).unwrap();
        use calamine::Reader;
        let sheet = book.worksheet_range("So lieu").unwrap();
        let row = sheet
            .rows()
            .find(|r| r[0] == calamine::Data::String("GTSX".into()))
            .unwrap();
        assert_eq!(row[8], calamine::Data::Float(643.41));
        assert_eq!(
            visitor.get("/so-lieu?tep=pdf").await.status,
            StatusCode::BAD_REQUEST
        );

        // An indicator's page: the figure, and the communes compared.
        let visits = visitor.get("/so-lieu/KHAM_BENH_XA?ky=2020S1").await.html();
        assert!(visits.contains("59.099"), "{visits}");
        assert!(
            visits.contains("Xã Hoành Mô") && visits.contains("9.215"),
            "{visits}"
        );
        assert!(visits.contains("<svg class=\"chart\""), "{visits}");
        // Its chart on its own, at the address an article embeds.
        assert!(
            visits.contains("![Lượt khám bệnh tại tuyến xã: So sánh các đơn vị, 6 tháng đầu năm 2020](/so-lieu/KHAM_BENH_XA/don-vi.svg?ky=2020S1)"),
            "{visits}"
        );
        let svg = visitor
            .get("/so-lieu/KHAM_BENH_XA/don-vi.svg?ky=2020S1")
            .await;
        assert_eq!(svg.header("content-type"), "image/svg+xml");
        assert!(
            svg.body.contains("<title id=\"chart-title\">")
                && svg.body.contains("Xã Hoành Mô")
                && svg.body.contains("9.215"),
            "{}",
            svg.body
        );
        assert_eq!(
            visitor
                .get("/so-lieu/KHAM_BENH_XA/khac.svg?ky=2020S1")
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            visitor.get("/so-lieu/NO_SUCH").await.status,
            StatusCode::NOT_FOUND
        );
        // A commune's portal: its own figures only.
        let commune = visitor.get("/hoanh-mo/so-lieu").await.html();
        assert!(
            commune.contains("9.215") && !commune.contains("643,41"),
            "{commune}"
        );

        // Open data: a data set per portal and public period, its files those of the page.
        let list = visitor.get("/api/3/action/package_list").await.json();
        assert_eq!(
            list["result"],
            serde_json::json!(["binh-lieu-2020s1", "hoanh-mo-2020s1"])
        );
        let shown = visitor
            .get("/api/action/package_show?id=binh-lieu-2020s1")
            .await
            .json();
        let csv_url = shown["result"]["resources"][0]["url"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(csv_url.ends_with("/so-lieu?ky=2020S1&tep=csv"), "{csv_url}");
        assert_eq!(
            shown["result"]["organization"]["title"],
            "Cổng thông tin điện tử huyện Bình Liêu"
        );
        let catalog = visitor.get("/catalog.jsonld").await.json();
        let datasets = catalog["dcat:dataset"].as_array().unwrap();
        assert_eq!(datasets.len(), 2);
        assert_eq!(
            datasets[0]["dct:temporal"]["dcat:startDate"]["@value"],
            "2020-01-01"
        );
        // CKAN's errors, in CKAN's envelope.
        let missing = visitor.get("/api/3/action/package_show?id=khong-co").await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        assert_eq!(missing.json()["error"]["__type"], "Not Found Error");
        let bad = visitor.get("/api/3/action/package_search?rows=-1").await;
        assert_eq!(bad.status, StatusCode::CONFLICT);
        assert_eq!(bad.json()["success"], false);
        let unknown = visitor.get("/api/3/action/package_create").await;
        assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
        let searched = visitor
            .get("/api/3/action/package_search?q=hoanh%20mo&fq=organization:hoanh-mo")
            .await
            .json();
        assert_eq!(searched["result"]["count"], 1, "{searched}");
    }
);

/// Two servers on one database, as a province runs them: what one publishes or withdraws
/// reaches the pages the other keeps within seconds, without a request that waits for it.
async fn a_change_on_another_server_reaches_kept_pages(location: solieu_store::Location) {
    let here = common::app(&location).await;
    with_portal(&here).await;
    let store = solieu_store::Store::open(&location).await.unwrap();
    let there = std::sync::Arc::new(solieu_web::App::new(store, false).await.unwrap());
    let slug = "/tin/hop-thuong-ki-thang-6-nam-2020";
    let mut visitor = Client::new(&here);
    let first = visitor.get(slug).await;
    assert_eq!(first.status, StatusCode::OK);
    let id = match here
        .store
        .article_at("binh-lieu", "hop-thuong-ki-thang-6-nam-2020")
        .await
        .unwrap()
    {
        solieu_store::ArticleAt::Found(article) => article.id,
        _ => panic!("the demo's article"),
    };
    let mut approver = signed_in(&there, "office").await;
    assert_eq!(
        step(&mut approver, id, "withdraw", &[("reason", "Sai ngày họp")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let asked = std::time::Instant::now();
    loop {
        let page = visitor.get(slug).await;
        if page.status == StatusCode::NOT_FOUND {
            break;
        }
        assert_eq!(page.status, StatusCode::OK, "the kept page meanwhile");
        assert!(
            asked.elapsed() < std::time::Duration::from_secs(10),
            "the withdrawal never reached the other server's kept page"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

mod a_change_on_another_server_reaches_kept_pages {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        let (location, _dir) = solieu_store::test_support::fresh_sqlite();
        super::a_change_on_another_server_reaches_kept_pages(location).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        let location = solieu_store::test_support::fresh_postgres().await;
        super::a_change_on_another_server_reaches_kept_pages(location.clone()).await;
        solieu_store::test_support::drop_postgres(&location).await;
    }
}

on_both_backends!(an_article_is_drafted_from_a_recorded_report, |app| {
    with_portal(&app).await;
    // The office's printing settings, kept as `solieu demo` keeps the demo's.
    app.store
        .set_meta(
            "report-settings",
            include_str!("../../../demo/report-settings.json"),
        )
        .await
        .unwrap();
    let id = common::record_report(&app, "198", "2020S1").await;
    let mut office = signed_in(&app, "office").await;
    let page = office.get(&format!("/reports/{id}")).await.html();
    assert!(
        page.contains("Soạn tin bài cho Cổng thông tin điện tử huyện Bình Liêu"),
        "{page}"
    );
    let csrf = office.csrf().await;
    // Only a portal of the report's unit.
    let elsewhere = office
        .post_form(
            &format!("/reports/{id}/tin-bai"),
            &[("csrf", &csrf), ("portal", "hoanh-mo")],
        )
        .await;
    assert_eq!(elsewhere.status, StatusCode::FORBIDDEN);
    let drafted = office
        .post_form(
            &format!("/reports/{id}/tin-bai"),
            &[("csrf", &csrf), ("portal", "binh-lieu")],
        )
        .await;
    assert_eq!(drafted.status, StatusCode::SEE_OTHER, "{}", drafted.body);
    let article = office
        .app
        .store
        .article(id_in(drafted.location.as_deref().unwrap()))
        .await
        .unwrap()
        .unwrap();
    assert!(
        article.text.title.contains("6 tháng đầu năm 2020"),
        "{}",
        article.text.title
    );
    // Every headline figure of the seed article, each linked to its statistics page.
    for seed in [
        "[643,41 tỷ đồng](/so-lieu/GTSX?ky=2020S1), bằng 39,89% kế hoạch, tăng 11,2%",
        "[146,53 tỷ đồng](/so-lieu/GTSX_NLTS?ky=2020S1), bằng 37,58% kế hoạch, tăng 8,22%",
        "[105,06 tỷ đồng](/so-lieu/GTSX_CNXD?ky=2020S1), bằng 31,4% kế hoạch, tăng 16,22%",
        "[391,82 tỷ đồng](/so-lieu/GTSX_DV?ky=2020S1), bằng 44,13% kế hoạch, tăng 11,06%",
        "[252,86 ha](/so-lieu/TRONG_RUNG?ky=2020S1), đạt trên 50% kế hoạch, bằng 66,2%",
        "[17,5 ha]",
        "[9,9 tấn](/so-lieu/SL_KHAI_THAC_TS?ky=2020S1), bằng 47,1% kế hoạch",
        "[34,6 tấn](/so-lieu/SL_NUOI_TRONG_TS?ky=2020S1), bằng 43,2% kế hoạch",
        "[37,129 triệu USD]",
        "tăng 7,06%",
        "[6.668 lượt](/so-lieu/KHACH_DL?ky=2020S1), bằng 7,8% kế hoạch, bằng 14,8%",
        "[3.432 triệu đồng](/so-lieu/DOANH_THU_DL?ky=2020S1), bằng 13,2% kế hoạch, bằng 26,8%",
        "[70.123 lượt]",
        "[11.024 lượt]",
        "[59.099 lượt]",
        "[1.810 lượt]",
    ] {
        assert!(
            article.text.body.contains(seed),
            "{seed} missing:\n{}",
            article.text.body
        );
    }
    // A draft: the editor finishes it; no visitor reads it yet.
    assert_eq!(article.state, "draft");
    let editor = office.get(&format!("/bien-tap/{}", article.id)).await;
    assert_eq!(editor.status, StatusCode::OK);
    // A commune's editor reads no district report, so drafts nothing from it.
    let mut commune = signed_in(&app, "hoanhmo").await;
    let theirs = commune.csrf().await;
    let refused = commune
        .post_form(
            &format!("/reports/{id}/tin-bai"),
            &[("csrf", &theirs), ("portal", "binh-lieu")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
});

/// A square of side `side` degrees with its south-west corner at (`lon`, `lat`), as GeoJSON
/// geometry the way the store keeps it.
fn square(lon: f64, lat: f64, side: f64) -> String {
    let ring = [
        [lon, lat],
        [lon + side, lat],
        [lon + side, lat + side],
        [lon, lat + side],
        [lon, lat],
    ];
    serde_json::json!({"type": "MultiPolygon", "coordinates": [[ring]]}).to_string()
}

/// The drawing inside the link to `href` on a map.
fn drawn_at<'a>(svg: &'a str, href: &str) -> &'a str {
    let start = svg
        .find(&format!("<a href=\"{href}\""))
        .unwrap_or_else(|| panic!("no link to {href} on the map: {svg}"));
    let end = svg[start..].find("</a>").unwrap() + start;
    &svg[start..end]
}

on_both_backends!(
    the_map_shades_the_communes_of_the_period_by_their_approved_figures,
    |app| {
        with_portal(&app).await;
        // A commune's figure no approved form holds: on no map, whatever else is approved.
        let entered = "mã chỉ tiêu;đơn vị;kỳ;loại;giá trị;trạng thái\nGTSX_NLTS;06841;2020S1;thực hiện;77,77;ước tính\n";
        let read = solieu_io::read_csv("x.csv", entered.as_bytes(), &Default::default());
        assert!(read.problems.is_empty(), "{:?}", read.problems);
        let plan =
            solieu_core::changes::plan(&app.store.stored().await.unwrap(), read.incoming).unwrap();
        app.store.apply(&plan, "test", false).await.unwrap();
        app.catch_up().await.unwrap();
        let version_2026 = chrono::NaiveDate::from_ymd_opt(2025, 7, 1);
        let shapes: Vec<solieu_store::UnitShape> = [
            ("06838", None, square(107.35, 21.50, 0.05)),
            ("06841", None, square(107.45, 21.60, 0.05)),
            ("06844", None, square(107.40, 21.55, 0.05)),
            ("06847", None, square(107.50, 21.60, 0.05)),
            ("06856", None, square(107.30, 21.52, 0.05)),
            (
                "06859",
                None,
                r#"{"type": "Point", "coordinates": [107.48, 21.45]}"#.to_string(),
            ),
            // Xã Bình Liêu of 2026 is another unit version with the same code: another shape.
            (
                "06838",
                version_2026,
                r#"{"type": "Point", "coordinates": [107.42, 21.50]}"#.to_string(),
            ),
        ]
        .into_iter()
        .map(|(code, valid_from, geometry)| solieu_store::UnitShape {
            code: code.into(),
            valid_from,
            geometry,
        })
        .collect();
        let written = app
            .store
            .write_shapes(&shapes, "test", false)
            .await
            .unwrap();
        assert_eq!(written.added, 7);

        // The district's report approved: its farming output is public, the communes' not.
        approve(&app, "BC_HUYEN_6T", "198").await;
        let mut visitor = Client::new(&app);
        let farming = visitor.get("/so-lieu/GTSX_NLTS?ky=2020S1").await.html();
        let start = farming.find("<svg class=\"chart map\"").expect("the map");
        let svg = &farming[start..start + farming[start..].find("</svg>").unwrap()];
        let hoanh_mo = drawn_at(svg, "/hoanh-mo/so-lieu/GTSX_NLTS?ky=2020S1");
        assert!(
            hoanh_mo.contains("Xã Hoành Mô: chưa có số liệu công bố")
                && hoanh_mo.contains("#d9d9d9"),
            "{hoanh_mo}"
        );
        assert!(!farming.contains("77,77"), "{farming}");
        assert!(svg.contains("chưa có số liệu công bố</text>"), "{svg}");
        // The visits of the communes are not approved: no page, no map.
        assert_eq!(
            visitor
                .get("/so-lieu/KHAM_BENH_XA/ban-do.svg?ky=2020S1")
                .await
                .status,
            StatusCode::NOT_FOUND
        );

        approve_half_year(&app, &common::COMMUNES_2020).await;
        let page = visitor.get("/so-lieu/KHAM_BENH_XA?ky=2020S1").await.html();
        assert!(page.contains("Bản đồ, 6 tháng đầu năm 2020"), "{page}");
        let start = page.find("<svg class=\"chart map\"").expect("the map");
        let svg = &page[start..start + page[start..].find("</svg>").unwrap()];
        // 2020's town is drawn with its 2020 boundary, not as 2026's commune of that code.
        let town = drawn_at(svg, "/so-lieu/KHAM_BENH_XA?ky=2020S1#dv-06838");
        assert!(
            town.contains("<path") && !town.contains("<circle"),
            "{town}"
        );
        assert!(town.contains("Thị trấn Bình Liêu: 12.480 lượt"), "{town}");
        // The most visits, the darkest shade; the fewest, the lightest.
        assert!(town.contains("#08519c"), "{town}");
        // A unit known by its centre only is a point.
        let point = drawn_at(svg, "/so-lieu/KHAM_BENH_XA?ky=2020S1#dv-06859");
        assert!(
            point.contains("<circle") && point.contains("#eff3ff"),
            "{point}"
        );
        // A commune with its own portal links to its figures there.
        let hoanh_mo = drawn_at(svg, "/hoanh-mo/so-lieu/KHAM_BENH_XA?ky=2020S1");
        assert!(hoanh_mo.contains("Xã Hoành Mô: 9.215 lượt"), "{hoanh_mo}");
        // The legend from the fewest to the most, and the same figures as a table, the unit
        // without a place said so.
        assert!(
            svg.contains(">5.462 – ") && svg.contains(" – 12.480<"),
            "{svg}"
        );
        assert!(!svg.contains("chưa có số liệu công bố"), "{svg}");
        assert!(page.contains("<tr id=\"dv-06838\">"), "{page}");
        let vo_ngai = &page[page.find("<tr id=\"dv-06853\">").unwrap()..];
        assert!(
            vo_ngai[..vo_ngai.find("</tr>").unwrap()].contains("chưa có vị trí trên bản đồ"),
            "{vo_ngai}"
        );
        // At the address an article embeds, the same map with its title.
        assert!(
            page.contains("](/so-lieu/KHAM_BENH_XA/ban-do.svg?ky=2020S1)"),
            "{page}"
        );
        let embed = visitor
            .get("/so-lieu/KHAM_BENH_XA/ban-do.svg?ky=2020S1")
            .await;
        assert_eq!(embed.header("content-type"), "image/svg+xml");
        assert!(
            embed
                .body
                .contains("<title id=\"chart-title\">Lượt khám bệnh tại tuyến xã: Bản đồ")
                && embed.body.contains("Xã Hoành Mô: 9.215 lượt"),
            "{}",
            embed.body
        );
    }
);

/// The ask form's fields with the token of the questions page the visitor holds.
fn question<'a>(
    token: &'a str,
    name: &'a str,
    contact: &'a str,
    text: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", token),
        ("ten", name),
        ("lien_he", contact),
        ("cau_hoi", text),
        ("website", ""),
    ]
}

on_both_backends!(
    a_visitor_asks_the_office_answers_and_both_are_published_without_the_contact,
    |app| {
        with_portal(&app).await;
        let mut visitor = Client::new(&app);
        visitor.peer = Some("203.0.113.7:40000".parse().unwrap());
        let page = visitor.get("/hoi-dap").await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.html();
        assert!(html.contains("Chưa có câu hỏi nào được trả lời"), "{html}");
        let token = common::csrf_in(&html);
        let asked = "Xin hỏi thủ tục đăng ký hộ kinh doanh ở xã Hoành Mô cần giấy tờ gì?";

        // A form posted from elsewhere carries no token of this visitor's: refused.
        let mut stranger = Client::new(&app);
        let a = stranger
            .post_form("/hoi-dap", &question("x", "Lê Thị B", "0912345678", asked))
            .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN);
        // A contact that reaches nobody: the form again, what was typed kept.
        let a = visitor
            .post_form(
                "/hoi-dap",
                &question(&token, "Nguyễn Văn An", "an ở xóm", asked),
            )
            .await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(a.html().contains("Hãy ghi thư điện tử"), "{}", a.body);
        assert!(a.html().contains(asked), "{}", a.body);
        let token = common::csrf_in(&a.html());
        let a = visitor
            .post_form(
                "/hoi-dap",
                &question(&token, "Nguyễn Văn An", "an.nguyen@example.vn", asked),
            )
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER);
        assert_eq!(a.location.as_deref(), Some("/hoi-dap?da-gui=1"));
        let thanked = visitor.get("/hoi-dap?da-gui=1").await.html();
        assert!(thanked.contains("Câu hỏi của bạn đã được gửi"), "{thanked}");
        // Not public before it is answered.
        assert!(!thanked.contains(asked), "{thanked}");
        // A robot filling the hidden field is thanked; nothing of it is kept.
        let token = common::csrf_in(&thanked);
        let mut robot = question(
            &token,
            "Robot",
            "spam@example.vn",
            "Mua thuốc giá rẻ tại đây ngay",
        );
        robot[4] = ("website", "http://spam.example");
        let a = visitor.post_form("/hoi-dap", &robot).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER);

        // The office sees the question with its contact; the robot's is not there.
        let mut editor = signed_in(&app, "binhlieu").await;
        let waiting = editor.get("/bien-tap/hoi-dap?cong=binh-lieu").await.html();
        assert!(waiting.contains(asked), "{waiting}");
        assert!(waiting.contains("an.nguyen@example.vn"), "{waiting}");
        assert!(!waiting.contains("Mua thuốc"), "{waiting}");
        let id = app.store.questions_in("binh-lieu", "new").await.unwrap()[0].id;
        let csrf = common::csrf_in(&waiting);
        let answer =
            "Hồ sơ gồm giấy đề nghị đăng ký hộ kinh doanh và bản sao giấy tờ pháp lý của chủ hộ.";
        // An editor keeps an answer; publishing is the approver's.
        let a = editor
            .post_form(
                &format!("/bien-tap/hoi-dap/{id}"),
                &[
                    ("csrf", &csrf),
                    ("revision", "1"),
                    ("answer", answer),
                    ("action", "luu"),
                ],
            )
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
        let a = editor
            .post_form(
                &format!("/bien-tap/hoi-dap/{id}"),
                &[
                    ("csrf", &csrf),
                    ("revision", "2"),
                    ("answer", answer),
                    ("action", "dang"),
                ],
            )
            .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN);
        // Another commune's editor learns nothing of it.
        let mut other = signed_in(&app, "hoanhmo").await;
        let other_csrf = other.csrf().await;
        let a = other
            .post_form(
                &format!("/bien-tap/hoi-dap/{id}"),
                &[
                    ("csrf", &other_csrf),
                    ("revision", "2"),
                    ("answer", "x"),
                    ("action", "luu"),
                ],
            )
            .await;
        assert_eq!(a.status, StatusCode::NOT_FOUND);

        let mut office = signed_in(&app, "office").await;
        let page = office.get("/bien-tap/hoi-dap?cong=binh-lieu").await.html();
        assert!(
            page.contains(answer) && page.contains("binhlieu đã lưu"),
            "{page}"
        );
        let csrf = common::csrf_in(&page);
        // A page open since before the editor's save is refused, nothing lost.
        let a = office
            .post_form(
                &format!("/bien-tap/hoi-dap/{id}"),
                &[
                    ("csrf", &csrf),
                    ("revision", "1"),
                    ("answer", "Khác"),
                    ("action", "dang"),
                ],
            )
            .await;
        assert_eq!(a.status, StatusCode::CONFLICT);
        assert!(a.html().contains("binhlieu vừa thay đổi"), "{}", a.body);
        let a = office
            .post_form(
                &format!("/bien-tap/hoi-dap/{id}"),
                &[
                    ("csrf", &csrf),
                    ("revision", "2"),
                    ("answer", answer),
                    ("action", "dang"),
                ],
            )
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);

        // Published: the question and the answer, the asker's name, never the contact.
        let public = visitor.get("/hoi-dap").await.html();
        assert!(
            public.contains(asked) && public.contains(answer),
            "{public}"
        );
        assert!(public.contains("Nguyễn Văn An hỏi lúc"), "{public}");
        assert!(!public.contains("an.nguyen@example.vn"), "{public}");
        assert!(public.contains("Câu hỏi đã trả lời (1)"), "{public}");
        // Not on another portal's page.
        assert!(
            !visitor
                .get("/hoanh-mo/hoi-dap")
                .await
                .html()
                .contains(asked)
        );
        // A published answer is final.
        let a = office
            .post_form(
                &format!("/bien-tap/hoi-dap/{id}"),
                &[
                    ("csrf", &csrf),
                    ("revision", "3"),
                    ("answer", "Sửa"),
                    ("action", "luu"),
                ],
            )
            .await;
        assert_eq!(a.status, StatusCode::CONFLICT);
        // Every step is kept with who and from where.
        let steps: Vec<(String, String, String)> = app
            .store
            .question_history(id)
            .await
            .unwrap()
            .into_iter()
            .map(|r| (r.action, r.changed_by, r.changed_from))
            .collect();
        let from = |who: &str, at: &str| (who.to_string(), at.to_string());
        assert_eq!(steps.len(), 3, "{steps:?}");
        assert_eq!(steps[0].0, "ask");
        assert_eq!(
            (steps[0].1.clone(), steps[0].2.clone()),
            from("", "web 203.0.113.7")
        );
        assert_eq!(
            (steps[1].0.as_str(), steps[1].1.as_str()),
            ("save", "binhlieu")
        );
        assert_eq!(
            (steps[2].0.as_str(), steps[2].1.as_str()),
            ("publish", "office")
        );

        // A flood from one address is held back: five an hour.
        for n in 0..4 {
            let token = common::csrf_in(&visitor.get("/hoi-dap").await.html());
            let text = format!("Câu hỏi thứ {n} về lịch tiếp công dân của huyện");
            let a = visitor
                .post_form("/hoi-dap", &question(&token, "An", "0912345678", &text))
                .await;
            assert_eq!(a.status, StatusCode::SEE_OTHER, "question {n}: {}", a.body);
        }
        let token = common::csrf_in(&visitor.get("/hoi-dap").await.html());
        let a = visitor
            .post_form(
                "/hoi-dap",
                &question(&token, "An", "0912345678", "Câu hỏi thứ sáu trong một giờ"),
            )
            .await;
        assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(a.html().contains("hãy gửi lại sau"), "{}", a.body);
        // Another address is not held back by it.
        let mut neighbour = Client::new(&app);
        neighbour.peer = Some("198.51.100.9:40000".parse().unwrap());
        let token = common::csrf_in(&neighbour.get("/hoi-dap").await.html());
        let a = neighbour
            .post_form(
                "/hoi-dap",
                &question(
                    &token,
                    "Bình",
                    "0203 3878 247",
                    "Giờ làm việc của bộ phận một cửa?",
                ),
            )
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER);
    }
);

on_both_backends!(
    a_draft_put_to_the_public_takes_comments_until_its_last_day,
    |app| {
        with_portal(&app).await;
        let slug = "hop-thuong-ki-thang-6-nam-2020";
        let solieu_store::ArticleAt::Found(article) =
            app.store.article_at("binh-lieu", slug).await.unwrap()
        else {
            panic!("the demo's article");
        };
        let id = article.id;
        let mut visitor = Client::new(&app);
        visitor.peer = Some("203.0.113.8:40000".parse().unwrap());
        // Never opened: no comments section, no form.
        let page = visitor.get(&format!("/tin/{slug}")).await.html();
        assert!(!page.contains("gop-y"), "{page}");
        assert_eq!(
            visitor.get(&format!("/tin/{slug}/gop-y")).await.status,
            StatusCode::NOT_FOUND
        );

        // Only an approver opens it; an editor of the portal may not.
        let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1))
            .with_timezone(&solieu_core::format::vietnam())
            .date_naive();
        let mut editor = signed_in(&app, "binhlieu").await;
        let csrf = editor.csrf().await;
        let day = tomorrow.to_string();
        let open = [
            ("csrf", csrf.as_str()),
            ("last_day", day.as_str()),
            ("action", "mo"),
        ];
        let a = editor
            .post_form(&format!("/bien-tap/{id}/gop-y"), &open)
            .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN);
        let mut office = signed_in(&app, "office").await;
        let page = office.get(&format!("/bien-tap/{id}")).await.html();
        assert!(page.contains("Lấy ý kiến góp ý"), "{page}");
        let csrf = common::csrf_in(&page);
        let open = [
            ("csrf", csrf.as_str()),
            ("last_day", day.as_str()),
            ("action", "mo"),
        ];
        let a = office
            .post_form(&format!("/bien-tap/{id}/gop-y"), &open)
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
        let until = solieu_core::format::date_vi(tomorrow);

        let page = visitor.get(&format!("/tin/{slug}")).await.html();
        assert!(
            page.contains(&format!("Dự thảo nhận góp ý đến hết ngày {until}")),
            "{page}"
        );
        assert!(
            page.contains(&format!("href=\"/tin/{slug}/gop-y\"")),
            "{page}"
        );
        let form = visitor.get(&format!("/tin/{slug}/gop-y")).await.html();
        let token = common::csrf_in(&form);
        let said = "Đề nghị bổ sung chỉ tiêu về số hộ thoát nghèo vào báo cáo tháng.";
        let a = visitor
            .post_form(
                &format!("/tin/{slug}/gop-y"),
                &question(&token, "Trần Thị Cúc", "cuc@example.vn", said),
            )
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
        // Not public until the office publishes it; not among the questions.
        assert!(
            !visitor
                .get(&format!("/tin/{slug}"))
                .await
                .html()
                .contains(said)
        );
        let waiting = office.get("/bien-tap/hoi-dap?cong=binh-lieu").await.html();
        assert!(
            waiting.contains(said) && waiting.contains("Góp ý dự thảo:"),
            "{waiting}"
        );
        let comment = app.store.questions_in("binh-lieu", "new").await.unwrap()[0].clone();
        assert_eq!(comment.article, Some(id));
        let reply = "Ban soạn thảo tiếp thu, bổ sung vào phụ lục số liệu.";
        let csrf = common::csrf_in(&waiting);
        let a = office
            .post_form(
                &format!("/bien-tap/hoi-dap/{}", comment.id),
                &[
                    ("csrf", &csrf),
                    ("revision", "1"),
                    ("answer", reply),
                    ("action", "dang"),
                ],
            )
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
        let page = visitor.get(&format!("/tin/{slug}")).await.html();
        assert!(page.contains(said) && page.contains(reply), "{page}");
        assert!(page.contains("Góp ý của Trần Thị Cúc"), "{page}");
        assert!(!page.contains("cuc@example.vn"), "{page}");
        assert!(page.contains("Ý kiến góp ý (1)"), "{page}");
        assert!(!visitor.get("/hoi-dap").await.html().contains(said));

        // Closed: the page says so, and a comment sent from a form kept open is refused.
        let form = visitor.get(&format!("/tin/{slug}/gop-y")).await.html();
        let token = common::csrf_in(&form);
        let csrf = common::csrf_in(&office.get(&format!("/bien-tap/{id}")).await.html());
        let a = office
            .post_form(
                &format!("/bien-tap/{id}/gop-y"),
                &[("csrf", &csrf), ("action", "dong")],
            )
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
        let page = visitor.get(&format!("/tin/{slug}")).await.html();
        assert!(
            page.contains("Dự thảo đã hết thời hạn nhận góp ý"),
            "{page}"
        );
        let a = visitor
            .post_form(
                &format!("/tin/{slug}/gop-y"),
                &question(
                    &token,
                    "Lê Văn Dũng",
                    "0912345678",
                    "Góp ý gửi sau khi đã hết hạn.",
                ),
            )
            .await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(a.html().contains("hết thời hạn"), "{}", a.body);
        assert_eq!(
            app.store
                .questions_in("binh-lieu", "new")
                .await
                .unwrap()
                .len(),
            0
        );
        // A day in the past does not open it again.
        let a = office
            .post_form(
                &format!("/bien-tap/{id}/gop-y"),
                &[
                    ("csrf", &csrf),
                    ("last_day", "2020-01-01"),
                    ("action", "mo"),
                ],
            )
            .await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
);
