//! Searching Vietnamese as people type it: without diacritics, with the other tone placement,
//! decomposed; exact forms first; filters; snippets; any text at all.

use chrono::{DateTime, NaiveDate, Utc};
use proptest::prelude::*;
use solieu_search::{Entry, Search, SearchIndex};

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn entry(id: i64, categories: &[i64], title: &str, text: &str, published: &str) -> Entry {
    Entry {
        id,
        portal: "binh-lieu".into(),
        categories: categories.to_vec(),
        title: title.into(),
        text: text.into(),
        published: at(published),
    }
}

fn index() -> SearchIndex {
    let index = SearchIndex::in_memory().unwrap();
    index
        .rebuild(vec![
            entry(
                1,
                &[1],
                "Họp thường kì tháng 6 năm 2020",
                "UBND huyện họp phiên thường kì, đánh giá kinh tế - xã hội 6 tháng đầu năm.",
                "2020-07-01T08:56:00Z",
            ),
            entry(
                2,
                &[1, 2],
                "Xã Đồng Văn về đích 19 tiêu chí nông thôn mới",
                "Xã Đồng Văn hoàn thành tiêu chí thu nhập.",
                "2020-06-20T02:30:00Z",
            ),
            entry(
                3,
                &[3],
                "Kim ngạch qua cửa khẩu Hoành Mô - Đồng Văn tăng",
                "Tính đến 15/6/2020, kim ngạch đạt 37,129 triệu USD.",
                "2020-06-18T03:15:00Z",
            ),
            entry(
                4,
                &[1],
                "Đông vân trên núi",
                "Mây đông vân phủ kín đỉnh núi.",
                "2020-05-01T03:15:00Z",
            ),
            entry(
                5,
                &[1],
                "Hòa giải ở cơ sở",
                "Tổ hòa giải thôn Khe Mằn.",
                "2020-04-01T03:15:00Z",
            ),
            Entry {
                portal: "hoanh-mo".into(),
                ..entry(
                    6,
                    &[9],
                    "Đồng Văn và Hoành Mô",
                    "Tin của xã.",
                    "2020-06-01T00:00:00Z",
                )
            },
        ])
        .unwrap();
    index
}

fn ids(index: &SearchIndex, search: Search) -> Vec<i64> {
    index
        .search(&Search {
            portal: if search.portal.is_empty() {
                "binh-lieu".into()
            } else {
                search.portal.clone()
            },
            limit: if search.limit == 0 { 10 } else { search.limit },
            ..search
        })
        .unwrap()
        .hits
        .iter()
        .map(|h| h.id)
        .collect()
}

fn words(text: &str) -> Search {
    Search {
        words: text.into(),
        ..Search::default()
    }
}

#[test]
fn words_without_diacritics_find_the_article() {
    let index = index();
    assert_eq!(ids(&index, words("hop thuong ki thang 6"))[0], 1);
    let found = ids(&index, words("dong van"));
    // "Đông vân" folds the same way: found too.
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(found.contains(&2) && found.contains(&3) && found.contains(&4));
    assert!(!found.contains(&6), "another portal's article");
}

#[test]
fn the_exact_form_ranks_above_the_folded_one() {
    let index = index();
    let found = ids(&index, words("đông vân"));
    assert_eq!(found[0], 4, "{found:?}");
    assert!(found.contains(&2));
    let found = ids(&index, words("Đồng Văn"));
    assert_ne!(found[0], 4, "{found:?}");
    assert_eq!(found.last(), Some(&4));
}

#[test]
fn tone_placement_and_decomposed_input_do_not_matter() {
    let index = index();
    assert_eq!(ids(&index, words("hoà giải")), vec![5]);
    assert_eq!(ids(&index, words("ho\u{300}a gia\u{309}i")), vec![5]);
    assert_eq!(ids(&index, words("HÒA GIẢI")), vec![5]);
}

#[test]
fn filters_narrow_by_category_and_date() {
    let index = index();
    let in_child = Search {
        category: Some(2),
        ..words("dong van")
    };
    assert_eq!(ids(&index, in_child), vec![2]);
    // 18/06/2020 in Vietnam's calendar: the article of 10:15 that morning, not the one of the 20th.
    let day = NaiveDate::from_ymd_opt(2020, 6, 18);
    let that_day = Search {
        from: day,
        to: day,
        ..words("dong van")
    };
    assert_eq!(ids(&index, that_day), vec![3]);
    // No words: everything in the range, newest first.
    let june = Search {
        from: NaiveDate::from_ymd_opt(2020, 6, 1),
        to: NaiveDate::from_ymd_opt(2020, 6, 30),
        ..Search::default()
    };
    assert_eq!(ids(&index, june), vec![2, 3]);
    let before = Search {
        now: Some(at("2020-06-19T00:00:00Z")),
        ..words("dong van")
    };
    let mut public = ids(&index, before);
    public.sort();
    assert_eq!(
        public,
        vec![3, 4],
        "the article of 20 June is not public yet"
    );
}

#[test]
fn matches_are_marked_in_the_text_as_written() {
    let index = index();
    let found = index
        .search(&Search {
            portal: "binh-lieu".into(),
            limit: 5,
            ..words("dong van")
        })
        .unwrap();
    // A title is shown whole, the match marked even far into it.
    let far = found.hits.iter().find(|h| h.id == 3).unwrap();
    assert!(
        far.title_html.starts_with("Kim ngạch"),
        "{}",
        far.title_html
    );
    assert!(
        far.title_html
            .contains("<mark>Đồng</mark> <mark>Văn</mark>"),
        "{}",
        far.title_html
    );
    let hit = found.hits.iter().find(|h| h.id == 2).unwrap();
    assert!(
        hit.title_html
            .contains("<mark>Đồng</mark> <mark>Văn</mark>"),
        "{}",
        hit.title_html
    );
    assert!(
        hit.snippet_html.contains("<mark>Đồng</mark>"),
        "{}",
        hit.snippet_html
    );
    assert_eq!(found.total, 3);
}

#[test]
fn markup_in_an_article_comes_back_escaped() {
    let index = SearchIndex::in_memory().unwrap();
    index
        .update(
            &[entry(
                7,
                &[],
                "<script>alert(1)</script> Tin",
                "<img src=x onerror=alert(1)> tin",
                "2020-01-01T00:00:00Z",
            )],
            &[],
        )
        .unwrap();
    let found = index
        .search(&Search {
            portal: "binh-lieu".into(),
            limit: 5,
            ..words("tin")
        })
        .unwrap();
    let hit = &found.hits[0];
    assert!(!hit.title_html.contains("<script") && hit.title_html.contains("&lt;script&gt;"));
    assert!(!hit.snippet_html.contains("<img"));
}

#[test]
fn a_removed_article_is_no_longer_found() {
    let index = index();
    index.update(&[], &[1]).unwrap();
    assert!(ids(&index, words("hop thuong ki")).is_empty());
    let renamed = entry(
        2,
        &[1],
        "Xã Vô Ngại đạt chuẩn",
        "Nội dung mới.",
        "2020-06-20T02:30:00Z",
    );
    index.update(&[renamed], &[]).unwrap();
    assert_eq!(ids(&index, words("vo ngai")), vec![2]);
    assert!(!ids(&index, words("dong van")).contains(&2));
}

#[test]
fn neighbouring_words_rank_above_scattered_ones() {
    let index = SearchIndex::in_memory().unwrap();
    // The same words in each text and each title: only their order differs.
    index
        .rebuild(vec![
            entry(
                1,
                &[1],
                "Đồng bào xem văn nghệ",
                "Người Đồng Hỷ viết văn nghệ ở Hà Nội.",
                "2020-01-01T00:00:00Z",
            ),
            entry(
                2,
                &[1],
                "Đồng bào xem văn nghệ",
                "Người Hỷ viết Đồng Văn nghệ ở Hà Nội.",
                "2020-01-01T00:00:00Z",
            ),
            entry(
                3,
                &[1],
                "Bào xem Đồng Văn nghệ",
                "Người Đồng Hỷ viết văn nghệ ở Hà Nội.",
                "2020-01-01T00:00:00Z",
            ),
        ])
        .unwrap();
    assert_eq!(ids(&index, words("dong van")), vec![3, 2, 1]);
    assert_eq!(ids(&index, words("Đồng Văn")), vec![3, 2, 1]);
}

#[test]
fn pages_follow_one_another_and_each_gives_the_total() {
    let index = SearchIndex::in_memory().unwrap();
    // Many with the same score: pages must still neither repeat nor skip one.
    index
        .rebuild((1..=250).map(|i| {
            let text = format!("{} tin tức", "đồng văn ".repeat((i % 7 + 1) as usize));
            entry(
                i,
                &[1],
                &format!("Tin số {i}"),
                &text,
                "2020-01-01T00:00:00Z",
            )
        }))
        .unwrap();
    let best = ids(
        &index,
        Search {
            limit: 100,
            ..words("dong van")
        },
    );
    let mut paged = Vec::new();
    for page in 0..10 {
        let search = Search {
            portal: "binh-lieu".into(),
            limit: 10,
            offset: page * 10,
            ..words("dong van")
        };
        let found = index.search(&search).unwrap();
        assert_eq!(found.total, 250);
        paged.extend(found.hits.iter().map(|h| h.id));
    }
    assert_eq!(paged, best);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn any_text_gives_results_never_an_error(text in "\\PC{0,400}") {
        let index = index();
        let search = Search { portal: "binh-lieu".into(), limit: 10, ..words(&text) };
        let found = index.search(&search);
        prop_assert!(found.is_ok(), "{:?}", found.err());
    }
}
