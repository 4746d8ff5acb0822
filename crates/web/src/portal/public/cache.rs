//! Anonymous pages kept as rendered for a second. Every visitor who is not signed in sees the
//! same home page and article (for a language and a host name), and rendering one asks the
//! store for the portal, its menu, its links and the articles shown: under many readers at
//! once those reads, not the sending, are the cost. A page kept here is served again while
//! this server has begun no write and for [`FRESH_FOR`], so a change made here shows at the
//! next request and one made by another process (or a scheduled publication's time coming)
//! within a second or so. When that second is over, the first request renders the page again
//! and the others meanwhile get it as it was: a hundred readers at once would otherwise all
//! render it at the same instant.
//!
//! The visit counter is not kept: a page is kept with a mark where each count goes, and every
//! view is counted and sent with the counts of its own moment.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a page is served as rendered.
pub const FRESH_FOR: Duration = Duration::from_secs(1);
/// How long the others wait for the one rendering a page again before one of them tries (a
/// render that failed leaves nothing to wait for).
const RENDER_WAIT: Duration = Duration::from_secs(5);
/// Pages kept at most: with the bodies of 100,000 articles a cache without bound would
/// hold them all.
const PAGES_MAX: usize = 2_000;
/// Where a count goes in a kept page, followed by the count's place in [`Counts`] (a
/// character of Unicode's private use area, which no text of ours holds).
const MARK: char = '\u{E000}';

/// The visit counts a page shows: today, in all, online now, as written on the page.
pub type Counts = [String; 3];

/// What a page is rendered with instead of the counts, to find their places.
pub fn marks() -> Counts {
    ["0", "1", "2"].map(|n| format!("{MARK}{n}"))
}

/// A rendered anonymous page, with what its view counts for.
#[derive(Clone)]
pub struct Page {
    pub portal: String,
    pub article: Option<i64>,
    /// The page cut at the marks: the first piece, then each piece starting with the place
    /// of the count that goes before it.
    pieces: Arc<[String]>,
    made: Instant,
    /// The store's writes begun before the page was read.
    writes: u64,
    /// When a request began to render it again.
    rendering: Option<Instant>,
}

impl Page {
    /// A page rendered with [`marks`] from what the store held after `writes` writes had begun.
    pub fn new(portal: &str, article: Option<i64>, html: &str, writes: u64) -> Page {
        Page {
            portal: portal.to_string(),
            article,
            pieces: html.split(MARK).map(str::to_string).collect(),
            made: Instant::now(),
            writes,
            rendering: None,
        }
    }

    /// The page with `counts` where the marks were.
    pub fn html(&self, counts: &Counts) -> String {
        let mut html =
            String::with_capacity(self.pieces.iter().map(String::len).sum::<usize>() + 64);
        html.push_str(&self.pieces[0]);
        for piece in &self.pieces[1..] {
            let mut chars = piece.chars();
            let place = chars.next().and_then(|c| c.to_digit(10)).unwrap_or(0);
            html.push_str(counts.get(place as usize).map_or("", String::as_str));
            html.push_str(chars.as_str());
        }
        html
    }

    /// Whether the page is served now: fresh, or being rendered again by another request.
    /// The first to find it stale is told no and renders it.
    fn serve(&mut self) -> bool {
        if self.made.elapsed() < FRESH_FOR {
            return true;
        }
        match self.rendering {
            Some(since) if since.elapsed() < RENDER_WAIT => true,
            _ => {
                self.rendering = Some(Instant::now());
                false
            }
        }
    }
}

#[derive(Default)]
pub struct PageCache {
    pages: Mutex<HashMap<String, Page>>,
}

impl PageCache {
    fn pages(&self) -> std::sync::MutexGuard<'_, HashMap<String, Page>> {
        self.pages.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The page kept under `key`, if it is served now that `writes` writes have begun: a
    /// write since it was read means rendering it again.
    pub fn get(&self, key: &str, writes: u64) -> Option<Page> {
        let mut pages = self.pages();
        let page = pages.get_mut(key).filter(|p| p.writes == writes)?;
        page.serve().then(|| page.clone())
    }

    pub fn put(&self, key: String, page: Page) {
        let mut pages = self.pages();
        if pages.len() >= PAGES_MAX {
            pages.retain(|_, p| p.made.elapsed() < FRESH_FOR);
            if pages.len() >= PAGES_MAX {
                pages.clear();
            }
        }
        pages.insert(key, page);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(html: &str, writes: u64) -> Page {
        Page::new("p", None, html, writes)
    }

    #[test]
    fn a_page_is_kept_until_a_write_begins_or_its_second_is_over() {
        let cache = PageCache::default();
        cache.put("k".into(), page("x", 3));
        assert!(cache.get("k", 3).is_some());
        assert!(cache.get("k", 4).is_none(), "a write began since");
        assert!(cache.get("other", 3).is_none());
        std::thread::sleep(FRESH_FOR);
        assert!(
            cache.get("k", 3).is_none(),
            "the first after its second renders it"
        );
        assert!(cache.get("k", 3).is_some(), "the others get it meanwhile");
        cache.put("k".into(), page("y", 3));
        assert_eq!(cache.get("k", 3).unwrap().html(&marks()), "y");
    }

    #[test]
    fn each_view_gets_the_counts_of_its_moment() {
        let [today, total, online] = marks();
        let kept = page(&format!("<b>{today}</b> {total}·{online}"), 0);
        let counts = ["1.204".to_string(), "98.310".into(), "7".into()];
        assert_eq!(kept.html(&counts), "<b>1.204</b> 98.310·7");
    }

    #[test]
    fn the_cache_holds_a_bounded_number_of_pages() {
        let cache = PageCache::default();
        for k in 0..PAGES_MAX * 3 {
            cache.put(k.to_string(), page("", 0));
        }
        assert!(cache.pages().len() <= PAGES_MAX);
    }
}
