//! `solieu-bench --portal N`: the portal's search on N generated articles, beside SQLite's
//! FTS5 (the full-text search an embedded database offers, with `remove_diacritics 2`) on the
//! same texts in the same run. Reports the index build, search latency per query (p50, p99),
//! the time from a publication to its being found, what each finds, and memory.

use chrono::{DateTime, Duration as Days, Utc};
use solieu_search::{Entry, Search, SearchIndex};
use std::time::{Duration, Instant};

/// Words of the generated articles: the vocabulary of a district's news.
const WORDS: &[&str] = &[
    "huyện",
    "xã",
    "thị",
    "trấn",
    "Bình",
    "Liêu",
    "Hoành",
    "Mô",
    "Đồng",
    "Văn",
    "Tâm",
    "Vô",
    "Ngại",
    "Lục",
    "Hồn",
    "Húc",
    "Động",
    "kinh",
    "tế",
    "xã",
    "hội",
    "nông",
    "thôn",
    "mới",
    "tiêu",
    "chí",
    "họp",
    "thường",
    "kì",
    "tháng",
    "năm",
    "kế",
    "hoạch",
    "báo",
    "cáo",
    "sản",
    "xuất",
    "giá",
    "trị",
    "tăng",
    "trưởng",
    "du",
    "lịch",
    "khách",
    "dịch",
    "vụ",
    "công",
    "nghiệp",
    "xây",
    "dựng",
    "rừng",
    "trồng",
    "học",
    "sinh",
    "trường",
    "y",
    "tế",
    "khám",
    "bệnh",
    "an",
    "ninh",
    "trật",
    "tự",
    "biên",
    "giới",
    "cửa",
    "khẩu",
    "xuất",
    "nhập",
    "hàng",
    "hóa",
    "ngân",
    "sách",
    "đầu",
    "tư",
    "dự",
    "án",
    "hỗ",
    "trợ",
    "chăn",
    "nuôi",
    "lợn",
    "bò",
    "gà",
    "sản",
    "phẩm",
    "OCOP",
    "miến",
    "dong",
    "hoa",
    "lan",
    "hội",
    "chợ",
    "nhân",
    "dân",
    "cán",
    "bộ",
    "đảng",
    "viên",
    "tuyên",
    "truyền",
    "văn",
    "hóa",
    "thể",
    "thao",
    "lễ",
    "hội",
];

/// The queries timed: as visitors type them, mostly without diacritics.
const QUERIES: &[&str] = &[
    "hop thuong ki thang 6",
    "dong van",
    "nong thon moi",
    "Đồng Văn",
    "kinh te xa hoi",
    "san pham ocop",
];

pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        // xorshift64*: the same articles on every run.
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in 0..1.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// `n` words of a text: two-syllable words of a vocabulary of about 10,000, the frequent
    /// ones often and the rare ones rarely (ranks drawn log-uniformly, close to Zipf's law).
    fn words(&mut self, n: usize) -> String {
        let v = (WORDS.len() * WORDS.len()) as f64;
        (0..n)
            .map(|_| {
                let rank = (v.powf(self.unit()) as usize).min(WORDS.len() * WORDS.len() - 1);
                // Ranks spread over both syllables so that rank 1 is not always "huyện …".
                let spread = rank.wrapping_mul(7919) % (WORDS.len() * WORDS.len());
                format!(
                    "{} {}",
                    WORDS[spread / WORDS.len()],
                    WORDS[spread % WORDS.len()]
                )
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Phrases a district's news carries now and then, with how often (one article in so many).
const PHRASES: &[(&str, usize)] = &[
    ("xã Đồng Văn", 40),
    ("xây dựng nông thôn mới", 12),
    ("tình hình kinh tế - xã hội", 15),
    ("sản phẩm OCOP", 30),
];

/// `n` generated articles: the same on every run (fixed seed).
pub(crate) fn articles(n: usize) -> Vec<Entry> {
    let mut rng = Rng(20_200_630);
    let start: DateTime<Utc> = "2015-01-01T00:00:00Z".parse().expect("a date");
    (0..n)
        .map(|i| {
            let title = if i % 1000 == 7 {
                format!(
                    "Họp thường kì tháng {} năm {}",
                    i / 1000 % 12 + 1,
                    2015 + i % 10
                )
            } else {
                rng.words(5)
            };
            let mut paragraphs: Vec<String> = (0..6).map(|_| rng.words(30)).collect();
            for (phrase, every) in PHRASES {
                if rng.next().is_multiple_of(*every as u64) {
                    paragraphs[(rng.next() % 6) as usize].push_str(&format!(" {phrase}."));
                }
            }
            Entry {
                id: i as i64 + 1,
                portal: "binh-lieu".into(),
                categories: vec![(i % 8) as i64],
                title,
                text: paragraphs.join("\n"),
                published: start + Days::minutes(i as i64 * 47),
            }
        })
        .collect()
}

pub(crate) fn percentile(times: &mut [Duration], p: f64) -> f64 {
    times.sort();
    let at = ((times.len() as f64 * p).ceil() as usize).clamp(1, times.len()) - 1;
    times[at].as_secs_f64() * 1000.0
}

fn fts_words(query: &str) -> String {
    query
        .split_whitespace()
        .map(|w| format!("\"{}\"", w.replace('"', "")))
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn run(n: usize, runs: usize) {
    println!("portal search: {n} generated articles (about 400 words each)");
    let entries = articles(n);
    let rss_before = super::rss_kib();
    let index = SearchIndex::in_memory().expect("an index");
    let started = Instant::now();
    index.rebuild(entries.iter().cloned()).expect("indexed");
    let build = started.elapsed();
    let rss_after = super::rss_kib();
    println!("solieu (tantivy) index build: {:.1} s", build.as_secs_f64());
    if let (Some(a), Some(b)) = (rss_before, rss_after) {
        println!(
            "  resident memory grew by {} MiB",
            b.saturating_sub(a) / 1024
        );
    }

    let fts = rusqlite::Connection::open_in_memory().expect("sqlite");
    fts.execute_batch(
        "CREATE VIRTUAL TABLE a USING fts5(title, text, tokenize = 'unicode61 remove_diacritics 2')",
    )
    .expect("fts5");
    let started = Instant::now();
    {
        let tx = fts.unchecked_transaction().expect("tx");
        let mut insert = tx
            .prepare("INSERT INTO a (rowid, title, text) VALUES (?1, ?2, ?3)")
            .expect("insert");
        for e in &entries {
            insert
                .execute(rusqlite::params![e.id, e.title, e.text])
                .expect("row");
        }
        drop(insert);
        tx.commit().expect("commit");
    }
    println!(
        "SQLite FTS5 index build: {:.1} s",
        started.elapsed().as_secs_f64()
    );

    println!("| query | solieu p50 | solieu p99 | found | FTS5 p50 | FTS5 p99 | FTS5 found |");
    println!("|---|---|---|---|---|---|---|");
    for query in QUERIES {
        let search = Search {
            words: query.to_string(),
            portal: "binh-lieu".into(),
            limit: 10,
            ..Search::default()
        };
        let mut ours = Vec::with_capacity(runs);
        let mut found = 0;
        for _ in 0..runs {
            let t = Instant::now();
            found = index.search(&search).expect("search").total;
            ours.push(t.elapsed());
        }
        let mut theirs = Vec::with_capacity(runs);
        let mut their_found = 0i64;
        let mut statement = fts
            .prepare(
                "SELECT rowid, snippet(a, 1, '<mark>', '</mark>', '…', 24) FROM a WHERE a MATCH ?1 ORDER BY rank LIMIT 10",
            )
            .expect("query");
        let mut count = fts
            .prepare("SELECT count(*) FROM a WHERE a MATCH ?1")
            .expect("count");
        for _ in 0..runs {
            let t = Instant::now();
            let rows: Vec<i64> = statement
                .query_map([fts_words(query)], |r| r.get(0))
                .expect("rows")
                .map(|r| r.expect("row"))
                .collect();
            their_found = count
                .query_row([fts_words(query)], |r| r.get(0))
                .expect("count");
            std::hint::black_box(rows);
            theirs.push(t.elapsed());
        }
        println!(
            "| {query} | {:.2} ms | {:.2} ms | {found} | {:.2} ms | {:.2} ms | {their_found} |",
            percentile(&mut ours, 0.5),
            percentile(&mut ours, 0.99),
            percentile(&mut theirs, 0.5),
            percentile(&mut theirs, 0.99),
        );
    }

    // A publication on the full index: from the call to the article being found.
    let mut visible = Vec::new();
    for k in 0..20 {
        let entry = Entry {
            id: (n + 1 + k) as i64,
            portal: "binh-lieu".into(),
            categories: vec![1],
            title: format!("Lễ hội Soóng cọ lần thứ {k}"),
            text: "Hát then, hát Soóng cọ của người Sán Chỉ.".into(),
            published: Utc::now(),
        };
        let t = Instant::now();
        index.update(&[entry], &[]).expect("update");
        let found = index
            .search(&Search {
                words: format!("soong co lan thu {k}"),
                portal: "binh-lieu".into(),
                limit: 1,
                ..Search::default()
            })
            .expect("search");
        assert_eq!(found.total, 1, "the published article is found");
        visible.push(t.elapsed());
    }
    println!(
        "a published article found by a search: p50 {:.0} ms, p99 {:.0} ms (20 publications on the full index)",
        percentile(&mut visible, 0.5),
        percentile(&mut visible, 0.99)
    );
}
