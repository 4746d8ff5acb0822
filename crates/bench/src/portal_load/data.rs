//! The database the load runs on: the demo, built by the real `solieu demo --no-serve` (so the
//! portal, its categories and links are the ones people see), and N generated articles
//! published through the store as an approver publishes them.

use solieu_core::portal::{Action, State};
use solieu_search::Entry;
use solieu_store::{ArticleStep, ArticleText, Author, Location, Store};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The demo's main portal, where the generated articles go.
pub const PORTAL: &str = "binh-lieu";
/// The mark of a finished database: a run interrupted while writing articles builds again.
const MARK_KEY: &str = "bench-portal-load";
/// One article in so many is featured, as editors feature a few a week.
const FEATURED_EVERY: usize = 50;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}

/// The database with the demo and `n` articles, built unless a finished one is there already
/// (building 100,000 articles through the store takes minutes; the load does not change them).
pub fn database(solieu: &Path, n: usize) -> PathBuf {
    let dir = std::env::temp_dir().join("solieu-bench");
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let path = dir.join(format!("portal-{n}.db"));
    let location = Location::parse(&path.display().to_string());
    let mark = format!("{n} articles");
    if path.exists() && runtime().block_on(marked(&location)).as_deref() == Some(mark.as_str()) {
        println!("database: {} (built by an earlier run)", path.display());
        return path;
    }
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let status = Command::new(solieu)
        .args(["--db", &path.display().to_string(), "demo", "--no-serve"])
        .stdout(std::process::Stdio::null())
        .status()
        .expect("solieu runs");
    assert!(status.success(), "solieu demo --no-serve failed");
    runtime().block_on(async {
        let store = Store::open(&location).await.expect("the demo database");
        publish(&store, n).await;
        store.set_meta(MARK_KEY, &mark).await.expect("written");
        store.close().await;
    });
    path
}

async fn marked(location: &Location) -> Option<String> {
    let store = Store::open(location).await.ok()?;
    let mark = store.meta(MARK_KEY).await.ok().flatten();
    store.close().await;
    mark
}

/// Writes the generated articles as drafts and publishes each at its time, one at a time
/// through the store, as the editors' pages do.
async fn publish(store: &Store, n: usize) {
    let categories = store.categories(PORTAL).await.expect("categories");
    assert!(!categories.is_empty(), "the demo portal has categories");
    let author = Author {
        username: "bench",
        from: "solieu-bench",
    };
    let started = Instant::now();
    for (i, entry) in super::super::portal::articles(n).iter().enumerate() {
        let category = categories[i % categories.len()].id;
        let text = text(entry, category, i.is_multiple_of(FEATURED_EVERY));
        let draft = store
            .create_article(PORTAL, &text, author)
            .await
            .expect("a draft");
        let step = ArticleStep {
            action: Action::Publish.code(),
            state: State::Published.code(),
            published_at: Some(entry.published),
            reason: "",
        };
        store
            .step_article(draft.id, draft.revision, step, author)
            .await
            .expect("published");
        if (i + 1).is_multiple_of(10_000) {
            let rate = (i + 1) as f64 / started.elapsed().as_secs_f64();
            println!("  {} articles published ({rate:.0} a second)", i + 1);
        }
    }
    println!(
        "{n} articles written and published through the store in {:.0} s",
        started.elapsed().as_secs_f64()
    );
}

/// A generated entry as an editor writes it: the first paragraph as the sapo, the others as
/// the body.
fn text(entry: &Entry, category: i64, featured: bool) -> ArticleText {
    let mut paragraphs = entry.text.split('\n');
    let sapo = paragraphs.next().unwrap_or("").to_string();
    let paragraphs: Vec<&str> = paragraphs.collect();
    ArticleText {
        category: Some(category),
        title: entry.title.clone(),
        sapo,
        body: paragraphs.join("\n\n"),
        body_html: body_html(&paragraphs),
        byline: "Ban biên tập".into(),
        source: String::new(),
        featured,
    }
}

/// What the portal's Markdown renderer makes of plain paragraphs (`<p>` each, text escaped):
/// the generated words hold no markup, so the HTML is written here rather than by linking the
/// web application into the bench.
fn body_html(paragraphs: &[&str]) -> String {
    paragraphs
        .iter()
        .map(|p| format!("<p>{}</p>\n", escape(p)))
        .collect()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
