//! Search of a portal's articles (and, later, documents): Vietnamese found with or without its
//! diacritics ("hop thuong ki" finds "Họp thường kì", "dong van" finds "Đồng Văn"), tone
//! placement and decomposed input equal to their usual forms, exact forms ranked above folded
//! ones, snippets with the matches marked.
//!
//! Each text is indexed twice: as written (lower case, NFC, tones placed one way) and folded
//! (diacritics off, `đ` → `d`). A query needs every word, in either form; a word matching as
//! written scores more, and words next to each other more again (each two neighbouring words
//! are indexed as one term, so that this costs no reading of positions). The best results are
//! found without scoring every match ([`best`]) and the matches are counted apart. The index
//! is tantivy's, rebuilt from the database at start-up and kept current as articles change;
//! the database stays the record.

mod best;

use best::Best;
use chrono::{DateTime, NaiveDate, Utc};
use solieu_core::text::normalize_tones;
use std::ops::Bound;
use std::sync::Mutex;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    BooleanQuery, BoostQuery, EnableScoring, Occur, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, TokenStream,
    WhitespaceTokenizer,
};
use tantivy::{
    DateTime as TantivyDate, DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy,
    Searcher, TantivyDocument, Term,
};

const EXACT: &str = "vi_exact";
const FOLDED: &str = "vi_folded";
/// Pairs of neighbouring words, made by [`pairs`]: the text is already split.
const PAIRS: &str = "vi_pairs";

/// Words a query keeps: a pasted page searches for its first words, in bounded time.
pub const QUERY_WORDS: usize = 32;
/// Matches scored one by one at most; above, the best are found by skipping ([`best`]).
const SCORE_EACH_MAX: usize = 10_000;
/// The longest word indexed (longer runs are not words a person types).
const WORD_MAX: usize = 40;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("search index: {0}")]
    Open(#[from] tantivy::directory::error::OpenDirectoryError),
}

pub type Result<T> = std::result::Result<T, SearchError>;

/// What is searched for: a portal's article.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: i64,
    pub portal: String,
    /// The article's category and every category above it, so that a search in a category
    /// finds what is below it.
    pub categories: Vec<i64>,
    pub title: String,
    /// Sapo and body as plain text.
    pub text: String,
    pub published: DateTime<Utc>,
}

/// A search: words (any text), within a portal, optionally a category and a date range (both
/// days included, in Vietnam's calendar as the caller gives them).
#[derive(Debug, Clone, Default)]
pub struct Search {
    pub words: String,
    pub portal: String,
    pub category: Option<i64>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Only what is public at this instant (a scheduled article is indexed before its time).
    pub now: Option<DateTime<Utc>>,
    pub limit: usize,
    pub offset: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub id: i64,
    /// The title, HTML-escaped, matches in `<mark>`.
    pub title_html: String,
    /// A passage of the text, HTML-escaped, matches in `<mark>`.
    pub snippet_html: String,
    pub published: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Found {
    pub hits: Vec<Hit>,
    pub total: usize,
}

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    key: Field,
    portal: Field,
    category: Field,
    published: Field,
    title_exact: Field,
    title: Field,
    text_exact: Field,
    text: Field,
    /// Each two neighbouring words as one term: in titles as written and folded, in the
    /// text folded (as written there it adds little to the folded pair).
    title_pairs_exact: Field,
    title_pairs: Field,
    text_pairs: Field,
}

pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
}

/// Words with their frequencies, no positions: neighbouring words are their own terms.
fn text_field(tokenizer: &str, stored: bool) -> TextOptions {
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(tokenizer)
        .set_index_option(IndexRecordOption::WithFreqs);
    let options = TextOptions::default().set_indexing_options(indexing);
    if stored { options | STORED } else { options }
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let fields = Fields {
        id: b.add_i64_field("id", STORED | FAST),
        key: b.add_text_field("key", STRING),
        portal: b.add_text_field("portal", STRING),
        category: b.add_i64_field("category", INDEXED),
        published: b.add_date_field("published", INDEXED | STORED | FAST),
        title_exact: b.add_text_field("title_exact", text_field(EXACT, false)),
        title: b.add_text_field("title", text_field(FOLDED, true)),
        text_exact: b.add_text_field("text_exact", text_field(EXACT, false)),
        text: b.add_text_field("text", text_field(FOLDED, true)),
        title_pairs_exact: b.add_text_field("title_pairs_exact", text_field(PAIRS, false)),
        title_pairs: b.add_text_field("title_pairs", text_field(PAIRS, false)),
        text_pairs: b.add_text_field("text_pairs", text_field(PAIRS, false)),
    };
    (b.build(), fields)
}

fn analyzer(folded: bool) -> TextAnalyzer {
    let builder = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(WORD_MAX))
        .filter(LowerCaser);
    if folded {
        builder.filter(AsciiFoldingFilter).build()
    } else {
        builder.build()
    }
}

/// A pair of neighbouring words as one term (a word never holds `_`: the tokenizer splits there).
fn pair(first: &str, second: &str) -> String {
    format!("{first}_{second}")
}

/// Every two neighbouring words of `words`, as [`PAIRS`] splits them again.
fn pairs(words: &[String]) -> String {
    let mut pairs = String::with_capacity(words.iter().map(|w| 2 * w.len() + 2).sum());
    for w in words.windows(2) {
        if !pairs.is_empty() {
            pairs.push(' ');
        }
        pairs.push_str(&w[0]);
        pairs.push('_');
        pairs.push_str(&w[1]);
    }
    pairs
}

fn key(id: i64) -> String {
    format!("article:{id}")
}

fn date(at: DateTime<Utc>) -> TantivyDate {
    TantivyDate::from_timestamp_secs(at.timestamp())
}

/// A word in a field, scored by its frequency there.
fn boosted(field: Field, word: &str, boost: f32) -> (Occur, Box<dyn Query>) {
    let term = TermQuery::new(
        Term::from_field_text(field, word),
        IndexRecordOption::WithFreqs,
    );
    (
        Occur::Should,
        Box::new(BoostQuery::new(Box::new(term), boost)),
    )
}

/// A word in a field, present or not.
fn plain(field: Field, word: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, word),
        IndexRecordOption::Basic,
    ))
}

impl SearchIndex {
    /// An empty index in memory.
    pub fn in_memory() -> Result<SearchIndex> {
        let (schema, fields) = schema();
        let index = Index::create_in_ram(schema);
        index.tokenizers().register(EXACT, analyzer(false));
        index.tokenizers().register(FOLDED, analyzer(true));
        index
            .tokenizers()
            .register(PAIRS, TextAnalyzer::from(WhitespaceTokenizer::default()));
        // One indexing thread and a small arena: articles come a few at a time.
        let writer = index.writer_with_num_threads(1, 15_000_000)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            index,
            reader,
            writer: Mutex::new(writer),
            fields,
        })
    }

    fn writer(&self) -> std::sync::MutexGuard<'_, IndexWriter> {
        self.writer.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn document(&self, entry: &Entry) -> TantivyDocument {
        let f = self.fields;
        let title = normalize_tones(&entry.title);
        let text = normalize_tones(&entry.text);
        let mut doc = TantivyDocument::default();
        doc.add_i64(f.id, entry.id);
        doc.add_text(f.key, key(entry.id));
        doc.add_text(f.portal, &entry.portal);
        for c in &entry.categories {
            doc.add_i64(f.category, *c);
        }
        doc.add_date(f.published, date(entry.published));
        doc.add_text(f.title_exact, &title);
        doc.add_text(f.title, &title);
        doc.add_text(f.text_exact, &text);
        doc.add_text(f.text, &text);
        doc.add_text(
            f.title_pairs_exact,
            pairs(&self.tokens(&title, false, usize::MAX)),
        );
        doc.add_text(f.title_pairs, pairs(&self.tokens(&title, true, usize::MAX)));
        doc.add_text(f.text_pairs, pairs(&self.tokens(&text, true, usize::MAX)));
        doc
    }

    /// Adds or replaces entries and removes others (`remove`: ids no longer public), then makes
    /// the change searchable.
    pub fn update(&self, put: &[Entry], remove: &[i64]) -> Result<()> {
        let mut writer = self.writer();
        for id in remove.iter().chain(put.iter().map(|e| &e.id)) {
            writer.delete_term(Term::from_field_text(self.fields.key, &key(*id)));
        }
        for entry in put {
            writer.add_document(self.document(entry))?;
        }
        writer.commit()?;
        drop(writer);
        self.reader.reload()?;
        Ok(())
    }

    /// Replaces the whole index with `entries`.
    pub fn rebuild(&self, entries: impl IntoIterator<Item = Entry>) -> Result<usize> {
        let mut writer = self.writer();
        writer.delete_all_documents()?;
        let mut count = 0;
        for entry in entries {
            writer.add_document(self.document(&entry))?;
            count += 1;
        }
        writer.commit()?;
        drop(writer);
        self.reader.reload()?;
        Ok(count)
    }

    /// The first `max` words of `text` (already tone-normalised) as written or folded.
    fn tokens(&self, text: &str, folded: bool, max: usize) -> Vec<String> {
        let mut analyzer = self
            .index
            .tokenizers()
            .get(if folded { FOLDED } else { EXACT })
            .unwrap_or_else(|| analyzer(folded));
        let mut stream = analyzer.token_stream(text);
        let mut words = Vec::new();
        while words.len() < max && stream.advance() {
            words.push(stream.token().text.clone());
        }
        words
    }

    /// Words of `text` as the index holds them, exact and folded side by side.
    fn words(&self, text: &str) -> Vec<(String, String)> {
        let text = normalize_tones(text);
        let exact = self.tokens(&text, false, QUERY_WORDS);
        exact
            .into_iter()
            .zip(self.tokens(&text, true, QUERY_WORDS))
            .collect()
    }

    /// What ranks a match: each word as written and folded, in the title and the text, and
    /// each two neighbouring words, as written in titles and folded in titles and text. One
    /// union of term clauses, which tantivy can walk without scoring every match ([`best`]);
    /// a match's score is the sum of its clauses', as nested clauses would sum them.
    fn rank_query(&self, words: &[(String, String)]) -> BooleanQuery {
        let f = self.fields;
        let mut clauses = Vec::new();
        for (exact, folded) in words {
            clauses.push(boosted(f.title_exact, exact, 6.0));
            clauses.push(boosted(f.text_exact, exact, 3.0));
            clauses.push(boosted(f.title, folded, 1.5));
            clauses.push(boosted(f.text, folded, 0.75));
        }
        for w in words.windows(2) {
            let folded = pair(&w[0].1, &w[1].1);
            clauses.push(boosted(f.title_pairs_exact, &pair(&w[0].0, &w[1].0), 6.0));
            clauses.push(boosted(f.title_pairs, &folded, 1.5));
            clauses.push(boosted(f.text_pairs, &folded, 0.75));
        }
        BooleanQuery::new(clauses)
    }

    /// What a match must be: in the portal, the category and the dates, with every word in
    /// the title or the text (folded: a word as written is there folded too).
    fn filter_query(&self, search: &Search, words: &[(String, String)]) -> BooleanQuery {
        let f = self.fields;
        let mut clauses = self.filters(search);
        for (_, folded) in words {
            let either: Vec<(Occur, Box<dyn Query>)> = [f.title, f.text]
                .into_iter()
                .map(|field| (Occur::Should, plain(field, folded)))
                .collect();
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(either))));
        }
        BooleanQuery::new(clauses)
    }

    /// The words to mark in titles and snippets.
    fn marks_query(&self, words: &[(String, String)]) -> BooleanQuery {
        let f = self.fields;
        let clauses = words
            .iter()
            .flat_map(|(_, folded)| [(f.title, folded), (f.text, folded)])
            .map(|(field, word)| (Occur::Should, plain(field, word)))
            .collect();
        BooleanQuery::new(clauses)
    }

    fn filters(&self, search: &Search) -> Vec<(Occur, Box<dyn Query>)> {
        let f = self.fields;
        let mut filters: Vec<(Occur, Box<dyn Query>)> = vec![(
            Occur::Must,
            Box::new(TermQuery::new(
                Term::from_field_text(f.portal, &search.portal),
                IndexRecordOption::Basic,
            )),
        )];
        if let Some(category) = search.category {
            filters.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_i64(f.category, category),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        let day_start = |d: NaiveDate| {
            d.and_hms_opt(0, 0, 0)?
                .and_local_timezone(solieu_core::format::vietnam())
                .single()
                .map(|t| t.with_timezone(&Utc))
        };
        let lower = search
            .from
            .and_then(day_start)
            .map_or(Bound::Unbounded, |t| {
                Bound::Included(Term::from_field_date(f.published, date(t)))
            });
        let end = search
            .to
            .and_then(|d| d.succ_opt())
            .and_then(day_start)
            .into_iter()
            // The index keeps whole seconds: what was published during the current second is
            // public already.
            .chain(search.now.map(|now| now + chrono::Duration::seconds(1)))
            .min();
        let upper = end.map_or(Bound::Unbounded, |t| {
            Bound::Excluded(Term::from_field_date(f.published, date(t)))
        });
        if !matches!((&lower, &upper), (Bound::Unbounded, Bound::Unbounded)) {
            filters.push((Occur::Must, Box::new(RangeQuery::new(lower, upper))));
        }
        filters
    }

    /// What matches `search`, best first (newest first when no words are given), and how many
    /// match in all.
    pub fn search(&self, search: &Search) -> Result<Found> {
        let words = self.words(&search.words);
        let searcher = self.reader.searcher();
        let filter = self.filter_query(search, &words);
        let limit = search.limit.clamp(1, 100);
        let offset = search.offset.min(10_000);
        let (addresses, total) = if words.is_empty() {
            let top = TopDocs::with_limit(limit).and_offset(offset);
            let by_date = top.order_by_fast_field::<TantivyDate>("published", Order::Desc);
            let (docs, total) = searcher.search(&filter, &(by_date, Count))?;
            (docs.into_iter().map(|(_, a)| a).collect(), total)
        } else {
            let total = searcher.search(&filter, &Count)?;
            let best = self.best(&searcher, filter, &words, total, offset + limit)?;
            (best.into_iter().skip(offset).collect(), total)
        };
        let hits = self.hits(&searcher, &self.marks_query(&words), addresses)?;
        Ok(Found { hits, total })
    }

    /// The best `k` of the `total` documents `filter` admits. Few: each is scored, the
    /// filter leading. Many: the ranking's terms lead, skipping what cannot enter the best
    /// ([`best`]); with fewer matches than `k` that skipping would never start, and every
    /// document holding any of the words would be scored.
    fn best(
        &self,
        searcher: &Searcher,
        filter: BooleanQuery,
        words: &[(String, String)],
        total: usize,
        k: usize,
    ) -> Result<Vec<DocAddress>> {
        let admits = filter.weight(EnableScoring::disabled_from_searcher(searcher))?;
        let rank = self.rank_query(words);
        let found = if total <= SCORE_EACH_MAX {
            let clauses = rank
                .clauses()
                .iter()
                .map(|(_, clause)| clause.weight(EnableScoring::enabled_from_searcher(searcher)))
                .collect::<tantivy::Result<Vec<_>>>()?;
            searcher.search(&filter, &Best::each(admits, clauses, k))?
        } else {
            searcher.search(&rank, &Best::new(admits, k))?
        };
        Ok(found.into_iter().map(|(_, a)| a).collect())
    }

    /// The documents at `addresses`, their matches marked.
    fn hits(
        &self,
        searcher: &Searcher,
        marks: &BooleanQuery,
        addresses: Vec<DocAddress>,
    ) -> Result<Vec<Hit>> {
        let mut title_marks = SnippetGenerator::create(searcher, marks, self.fields.title)?;
        title_marks.set_max_num_chars(400);
        let mut text_marks = SnippetGenerator::create(searcher, marks, self.fields.text)?;
        text_marks.set_max_num_chars(240);
        let mut hits = Vec::with_capacity(addresses.len());
        for address in addresses {
            let doc: TantivyDocument = searcher.doc(address)?;
            hits.push(self.hit(&doc, &title_marks, &text_marks));
        }
        Ok(hits)
    }

    fn hit(
        &self,
        doc: &TantivyDocument,
        titles: &SnippetGenerator,
        texts: &SnippetGenerator,
    ) -> Hit {
        let f = self.fields;
        let text_of = |field: Field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string()
        };
        // The title whole, every match marked; the text as its best passage.
        let title_text = text_of(f.title);
        let title_snippet = titles.snippet(&title_text);
        let offset = title_snippet.fragment_range().start;
        let ranges: Vec<std::ops::Range<usize>> = title_snippet
            .highlighted()
            .iter()
            .map(|r| r.start + offset..r.end + offset)
            .collect();
        let title = marked_html(&title_text, &ranges);
        let mut passage = texts.snippet_from_doc(doc);
        passage.set_snippet_prefix_postfix("<mark>", "</mark>");
        let mut snippet = passage.to_html();
        if snippet.is_empty() {
            snippet = solieu_core::text::escape_markup(
                &text_of(f.text).chars().take(240).collect::<String>(),
            );
        }
        let published = doc
            .get_first(f.published)
            .and_then(|v| v.as_datetime())
            .map(|d| d.into_timestamp_secs())
            .and_then(|s| DateTime::from_timestamp(s, 0))
            .unwrap_or_default();
        Hit {
            id: doc.get_first(f.id).and_then(|v| v.as_i64()).unwrap_or(0),
            title_html: title,
            snippet_html: snippet,
            published,
        }
    }

    /// How many entries the index holds.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// `text` HTML-escaped with the byte ranges `marks` in `<mark>`.
fn marked_html(text: &str, marks: &[std::ops::Range<usize>]) -> String {
    let mut html = String::with_capacity(text.len() + marks.len() * 13);
    let mut at = 0;
    for r in marks {
        if r.start < at
            || r.end > text.len()
            || !text.is_char_boundary(r.start)
            || !text.is_char_boundary(r.end)
        {
            continue;
        }
        html.push_str(&solieu_core::text::escape_markup(&text[at..r.start]));
        html.push_str("<mark>");
        html.push_str(&solieu_core::text::escape_markup(&text[r.start..r.end]));
        html.push_str("</mark>");
        at = r.end;
    }
    html.push_str(&solieu_core::text::escape_markup(&text[at..]));
    html
}
