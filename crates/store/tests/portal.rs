//! The portal's records on SQLite and PostgreSQL: every version of an article kept with who,
//! when and from where; a change over a newer version refused; addresses distinct within a
//! portal, old ones leading to the article; only published articles whose time has come
//! listed for the public; and all of it carried by a backup.

use chrono::{DateTime, Duration, Utc};
use solieu_store::test_support::{drop_postgres, fresh_postgres, fresh_sqlite};
use solieu_store::{
    ArticleAt, ArticleQuery, ArticleStep, ArticleText, Author, MediaFile, NewCategory, NewMedia,
    Portal, PortalLink, Store, StoreError,
};

macro_rules! on_both_backends {
    ($name:ident, |$store:ident| $body:block) => {
        mod $name {
            use super::*;

            async fn run($store: Store) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let (location, _dir) = fresh_sqlite();
                run(Store::create(&location).await.unwrap()).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let location = fresh_postgres().await;
                run(Store::create(&location).await.unwrap()).await;
                drop_postgres(&location).await;
            }
        }
    };
}

const EDITOR: Author<'static> = Author {
    username: "bientap",
    from: "web 10.0.0.7",
};
const APPROVER: Author<'static> = Author {
    username: "duyet",
    from: "web 10.0.0.8",
};

async fn portal(store: &Store) -> i64 {
    let portal = Portal {
        code: "hoanh-mo".into(),
        unit_code: "06841".into(),
        name: "Trang thông tin điện tử xã Hoành Mô".into(),
        is_main: false,
        address: "Hoành Mô".into(),
        phone: String::new(),
        email: String::new(),
        about: String::new(),
        headline: vec!["KHAM_BENH_XA".into()],
    };
    let categories = [
        NewCategory {
            slug: "tin-tuc".into(),
            name: "Tin tức".into(),
            parent: None,
        },
        NewCategory {
            slug: "nong-thon-moi".into(),
            name: "Nông thôn mới".into(),
            parent: Some("tin-tuc".into()),
        },
    ];
    let links = [PortalLink {
        name: "Tỉnh".into(),
        url: "https://www.quangninh.gov.vn".into(),
    }];
    store
        .put_portal(&portal, &categories, &links, "admin")
        .await
        .unwrap();
    store.categories("hoanh-mo").await.unwrap()[0].id
}

fn text(title: &str, category: i64) -> ArticleText {
    ArticleText {
        category: Some(category),
        title: title.into(),
        sapo: "Sapo".into(),
        body: "Nội dung".into(),
        body_html: "<p>Nội dung</p>".into(),
        byline: "Người viết".into(),
        source: String::new(),
        featured: false,
    }
}

async fn publish(store: &Store, id: i64, at: DateTime<Utc>) {
    let article = store.article(id).await.unwrap().unwrap();
    let step = ArticleStep {
        action: "publish",
        state: "published",
        published_at: Some(at),
        reason: "",
    };
    store
        .step_article(id, article.revision, step, APPROVER)
        .await
        .unwrap();
}

on_both_backends!(every_version_of_an_article_is_kept, |store| {
    let news = portal(&store).await;
    let created = store
        .create_article("hoanh-mo", &text("Họp thường kì", news), EDITOR)
        .await
        .unwrap();
    assert_eq!(created.slug, "hop-thuong-ki");
    assert_eq!((created.state.as_str(), created.revision), ("draft", 1));
    let mut changed = text("Họp thường kì", news);
    changed.body = "Nội dung đã sửa".into();
    let edited = store
        .update_article(created.id, 1, &changed, EDITOR)
        .await
        .unwrap();
    assert_eq!(edited.revision, 2);
    // A writer who opened version 1 cannot overwrite version 2.
    let stale = store
        .update_article(created.id, 1, &text("Khác", news), APPROVER)
        .await;
    assert!(matches!(stale, Err(StoreError::Conflict(_))), "{stale:?}");
    publish(&store, created.id, Utc::now()).await;
    let revisions = store.article_revisions(created.id).await.unwrap();
    let seen: Vec<(i64, &str, &str, &str, &str)> = revisions
        .iter()
        .map(|r| {
            (
                r.revision,
                r.action.as_str(),
                r.state.as_str(),
                r.changed_by.as_str(),
                r.changed_from.as_str(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            (1, "create", "draft", "bientap", "web 10.0.0.7"),
            (2, "edit", "draft", "bientap", "web 10.0.0.7"),
            (3, "publish", "published", "duyet", "web 10.0.0.8"),
        ]
    );
    assert_eq!(revisions[0].text.body, "Nội dung");
    assert_eq!(revisions[1].text.body, "Nội dung đã sửa");
});

on_both_backends!(
    a_title_written_many_times_still_gets_a_free_address,
    |store| {
        let news = portal(&store).await;
        let mut slugs = Vec::new();
        // Past the twenty addresses looked up by name, the store reads every one of the prefix.
        for _ in 0..23 {
            let article = store
                .create_article("hoanh-mo", &text("Lịch tiếp dân", news), EDITOR)
                .await
                .unwrap();
            slugs.push(article.slug);
        }
        let expected: Vec<String> = std::iter::once("lich-tiep-dan".to_string())
            .chain((2..=23).map(|n| format!("lich-tiep-dan-{n}")))
            .collect();
        assert_eq!(slugs, expected);
    }
);

on_both_backends!(addresses_are_distinct_and_old_ones_lead_on, |store| {
    let news = portal(&store).await;
    let first = store
        .create_article("hoanh-mo", &text("Thông báo", news), EDITOR)
        .await
        .unwrap();
    let second = store
        .create_article("hoanh-mo", &text("Thông báo", news), EDITOR)
        .await
        .unwrap();
    assert_eq!(
        (first.slug.as_str(), second.slug.as_str()),
        ("thong-bao", "thong-bao-2")
    );
    let renamed = store
        .update_article(first.id, 1, &text("Thông báo lịch tiếp dân", news), EDITOR)
        .await
        .unwrap();
    assert_eq!(renamed.slug, "thong-bao-lich-tiep-dan");
    assert_eq!(
        store.article_at("hoanh-mo", "thong-bao").await.unwrap(),
        ArticleAt::Moved("thong-bao-lich-tiep-dan".into())
    );
    // The freed address stays the renamed article's: a third "Thông báo" does not take it.
    let third = store
        .create_article("hoanh-mo", &text("Thông báo", news), EDITOR)
        .await
        .unwrap();
    assert_eq!(third.slug, "thong-bao-3");
    // Renamed back, the article takes its first address again.
    let back = store
        .update_article(first.id, 2, &text("Thông báo", news), EDITOR)
        .await
        .unwrap();
    assert_eq!(back.slug, "thong-bao");
    assert_eq!(
        store
            .article_at("hoanh-mo", "thong-bao-lich-tiep-dan")
            .await
            .unwrap(),
        ArticleAt::Moved("thong-bao".into())
    );
});

on_both_backends!(
    the_public_sees_published_articles_from_their_time,
    |store| {
        let news = portal(&store).await;
        let child = store.categories("hoanh-mo").await.unwrap()[1].id;
        let now = Utc::now();
        let mut ids = Vec::new();
        for (title, category) in [
            ("Cũ", news),
            ("Mới", child),
            ("Hẹn giờ", news),
            ("Nháp", news),
        ] {
            ids.push(
                store
                    .create_article("hoanh-mo", &text(title, category), EDITOR)
                    .await
                    .unwrap()
                    .id,
            );
        }
        publish(&store, ids[0], now - Duration::days(2)).await;
        publish(&store, ids[1], now - Duration::days(1)).await;
        publish(&store, ids[2], now + Duration::hours(1)).await;
        let all = ArticleQuery {
            limit: 10,
            ..ArticleQuery::default()
        };
        let (seen, total) = store.public_articles("hoanh-mo", &all, now).await.unwrap();
        let titles: Vec<&str> = seen.iter().map(|a| a.text.title.as_str()).collect();
        assert_eq!((titles, total), (vec!["Mới", "Cũ"], 2));
        // An hour later the scheduled one is there, first.
        let (later, _) = store
            .public_articles("hoanh-mo", &all, now + Duration::hours(2))
            .await
            .unwrap();
        assert_eq!(later[0].text.title, "Hẹn giờ");
        let in_child = ArticleQuery {
            categories: vec![child],
            limit: 10,
            ..ArticleQuery::default()
        };
        let (only, total) = store
            .public_articles("hoanh-mo", &in_child, now)
            .await
            .unwrap();
        assert_eq!(
            (only.len(), total, only[0].text.title.as_str()),
            (1, 1, "Mới")
        );
        let paged = ArticleQuery {
            limit: 1,
            offset: 1,
            ..ArticleQuery::default()
        };
        let (page, total) = store
            .public_articles("hoanh-mo", &paged, now)
            .await
            .unwrap();
        assert_eq!((page[0].text.title.as_str(), total), ("Cũ", 2));
    }
);

on_both_backends!(a_backup_carries_the_portal, |store| {
    let news = portal(&store).await;
    let article = store
        .create_article("hoanh-mo", &text("Họp", news), EDITOR)
        .await
        .unwrap();
    publish(&store, article.id, Utc::now()).await;
    store
        .grant("bientap", "hoanh-mo", Some("editor"), "admin")
        .await
        .unwrap();
    // A picture's bytes hold every byte value, NUL included: a blob, not text.
    let data: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    let files = [
        MediaFile {
            width: 320,
            height: 160,
            mime: "image/jpeg".into(),
            extension: "jpg".into(),
            data: data[..1000].to_vec(),
        },
        MediaFile {
            width: 1400,
            height: 700,
            mime: "image/jpeg".into(),
            extension: "jpg".into(),
            data: data.clone(),
        },
    ];
    let upload = NewMedia {
        portal: "hoanh-mo",
        digest: "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
        format: "jpeg",
        name: "ruong.jpg",
        alt: "Ruộng bậc thang",
        width: 1400,
        height: 700,
        size: 123_456,
        files: &files,
    };
    let kept = store.add_media(&upload, EDITOR).await.unwrap();
    assert_eq!(kept.address, "0f1e2d3c4b5a69788796");
    assert_eq!(
        kept.href(320).as_deref(),
        Some("/media/0f1e2d3c4b5a69788796-320.jpg")
    );
    assert_eq!(store.add_media(&upload, EDITOR).await.unwrap(), kept);
    // Two editors sending one new file at the same moment: one upload, both told of it.
    let twice = NewMedia {
        digest: "aa1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
        ..upload.clone()
    };
    let (a, b) = tokio::join!(
        store.add_media(&twice, EDITOR),
        store.add_media(&twice, APPROVER)
    );
    assert_eq!(a.unwrap(), b.unwrap());
    assert_eq!(store.media_of("hoanh-mo", 10).await.unwrap().len(), 2);
    let (location, _dir) = fresh_sqlite();
    let copy = Store::create(&location).await.unwrap();
    store.copy_into(&copy).await.unwrap();
    assert_eq!(
        copy.media_of("hoanh-mo", 10).await.unwrap(),
        store.media_of("hoanh-mo", 10).await.unwrap()
    );
    assert!(copy.media_of("hoanh-mo", 10).await.unwrap().contains(&kept));
    assert_eq!(
        copy.media_file("0f1e2d3c4b5a69788796", 1400)
            .await
            .unwrap()
            .unwrap()
            .data,
        data
    );
    assert!(
        copy.media_file("0f1e2d3c4b5a69788796", 640)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        copy.article(article.id).await.unwrap(),
        store.article(article.id).await.unwrap()
    );
    assert_eq!(
        copy.article_revisions(article.id).await.unwrap(),
        store.article_revisions(article.id).await.unwrap()
    );
    assert_eq!(
        copy.portals().await.unwrap(),
        store.portals().await.unwrap()
    );
    assert_eq!(
        copy.categories("hoanh-mo").await.unwrap(),
        store.categories("hoanh-mo").await.unwrap()
    );
    assert_eq!(copy.links("hoanh-mo").await.unwrap().len(), 1);
    assert_eq!(
        copy.grants_of("bientap").await.unwrap(),
        vec![("hoanh-mo".to_string(), "editor".to_string())]
    );
});
