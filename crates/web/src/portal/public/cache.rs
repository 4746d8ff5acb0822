//! Anonymous pages kept as rendered for a second. Every visitor who is not signed in sees the
//! same home page and article (for a language and a host name), and rendering one asks the
//! store for the portal, its menu, its links and the articles shown: under many readers at
//! once those reads, not the sending, are the cost. A page kept here is served again while
//! this server has begun no write and for [`FRESH_FOR`], so a change made here shows at the
//! next request and one made by another process (or a scheduled publication's time coming)
//! within a second or so. When that second is over, the first request to find it so is still
//! answered with it and has it rendered again off to the side; the others meanwhile get it as
//! it was. Under load, rendering in line would put a render's time on every page's first
//! reader each second, which is the slowest hundredth of all requests.
//!
//! The visit counter is not kept: a page is kept with a mark where each count goes, and every
//! view is counted and sent with the counts of its own moment. Its ETag is the digest of the
//! page with the marks, taken once when it is kept: a browser holding it is told 304 whatever
//! the counts have become (it shows the counts of its last fetch, as it would for the minute
//! it may keep the page anyway).

use base64::Engine as _;
use sha2::Digest as _;
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
    /// The ETag of the page with its marks, quoted.
    tag: Arc<str>,
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
            tag: tag_of(html.as_bytes()).into(),
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

    /// The page's ETag, quoted as the header has it.
    pub fn tag(&self) -> &str {
        &self.tag
    }

    /// Whether the page is due to be rendered again: its second is over and no request is
    /// rendering it (or the one that was has taken too long). The first to find it so is told
    /// yes, and renders it.
    fn due(&mut self) -> bool {
        if self.made.elapsed() < FRESH_FOR {
            return false;
        }
        match self.rendering {
            Some(since) if since.elapsed() < RENDER_WAIT => false,
            _ => {
                self.rendering = Some(Instant::now());
                true
            }
        }
    }
}

/// A strong ETag for `bytes`: the start of their SHA-256, quoted.
pub fn tag_of(bytes: &[u8]) -> String {
    let digest = sha2::Sha256::digest(bytes);
    format!(
        "\"{}\"",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..16])
    )
}

/// A kept page as found.
pub enum Kept {
    /// Served as it is.
    Fresh(Page),
    /// Served as it is, and the one who found it renders it again.
    Due(Page),
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
    /// write since it was read means rendering it again before answering.
    pub fn get(&self, key: &str, writes: u64) -> Option<Kept> {
        let mut pages = self.pages();
        let page = pages.get_mut(key).filter(|p| p.writes == writes)?;
        Some(if page.due() {
            Kept::Due(page.clone())
        } else {
            Kept::Fresh(page.clone())
        })
    }

    /// After a render off to the side: a page it did not replace (the article is gone, the
    /// store failed) is no longer served, so the next request renders it in line.
    pub fn settle(&self, key: &str) {
        let mut pages = self.pages();
        if pages.get(key).is_some_and(|p| p.rendering.is_some()) {
            pages.remove(key);
        }
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
        assert!(matches!(cache.get("k", 3), Some(Kept::Fresh(_))));
        assert!(cache.get("k", 4).is_none(), "a write began since");
        assert!(cache.get("other", 3).is_none());
        std::thread::sleep(FRESH_FOR);
        assert!(
            matches!(cache.get("k", 3), Some(Kept::Due(_))),
            "the first after its second gets it and renders it again"
        );
        assert!(
            matches!(cache.get("k", 3), Some(Kept::Fresh(_))),
            "the others get it meanwhile"
        );
        cache.put("k".into(), page("y", 3));
        cache.settle("k");
        match cache.get("k", 3) {
            Some(Kept::Fresh(page)) => assert_eq!(page.html(&marks()), "y"),
            _ => panic!("the page rendered again is served"),
        }
    }

    #[test]
    fn a_page_not_rendered_again_is_no_longer_served() {
        let cache = PageCache::default();
        cache.put("k".into(), page("x", 0));
        std::thread::sleep(FRESH_FOR);
        assert!(matches!(cache.get("k", 0), Some(Kept::Due(_))));
        cache.settle("k");
        assert!(cache.get("k", 0).is_none());
    }

    #[test]
    fn the_tag_is_the_pages_not_the_counts() {
        let [today, ..] = marks();
        let kept = page(&format!("<b>{today}</b>"), 0);
        assert_eq!(kept.tag(), tag_of(format!("<b>{today}</b>").as_bytes()));
        assert_ne!(kept.tag(), page("<b>other</b>", 0).tag());
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
