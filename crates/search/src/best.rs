//! The best `k` matches of a ranking among the documents a filter admits.
//!
//! A search needs every word, but scoring every document that has them all visits nearly the
//! whole index when the words are common ("dong van" is in 99.8 % of a district's articles).
//! The ranking is therefore asked as a plain union of term clauses, which tantivy walks with
//! block-max WAND: a stretch of documents whose best possible score cannot beat the `k`-th
//! found so far is skipped unread. A document is kept only if the filter (portal, category,
//! dates, every word) admits it, so the pruning threshold only ever comes from real matches
//! and the result is the same `k` as scoring every match. How many match is counted apart,
//! without scores. With few matches the filter leads instead ([`Best::each`]): each one is
//! scored by seeking every clause to it, as the union's own start would cost more (it reads
//! a window of every clause's documents at once).

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::sync::Mutex;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{Scorer, Weight};
use tantivy::{DocAddress, DocId, DocSet, Score, SegmentOrdinal, SegmentReader, TERMINATED};

/// A score as matches are compared. The same clauses can sum to scores that differ in their
/// last bits, with the order tantivy adds them in, which depends on how far it skipped: the
/// `k` asked for would then decide which of two equal matches comes first, and the second
/// page would not continue the first. Rounded (about 1 part in 2,000), equal scores are equal
/// and ties go by address.
fn rank(score: Score) -> Score {
    Score::from_bits(score.to_bits() & !0xFFF)
}

/// The collector: `searcher.search(&ranking, &Best::new(filter, k))` gives the best `k`,
/// best first, ties by address.
pub(crate) struct Best {
    filter: Box<dyn Weight>,
    /// The ranking's clauses, when each admitted document is scored by them instead of
    /// walking the ranking searched.
    each: Option<Vec<Box<dyn Weight>>>,
    k: usize,
    /// The `k` best scores of the segments searched so far, best first: a later segment's
    /// match must beat the last of them to count.
    kept: Mutex<Vec<Score>>,
}

impl Best {
    pub(crate) fn new(filter: Box<dyn Weight>, k: usize) -> Best {
        Best {
            filter,
            each: None,
            k: k.max(1),
            kept: Mutex::new(Vec::new()),
        }
    }

    /// The best `k` of what `filter` admits, each scored as the sum of `clauses` (the query
    /// searched is then not read).
    pub(crate) fn each(filter: Box<dyn Weight>, clauses: Vec<Box<dyn Weight>>, k: usize) -> Best {
        Best {
            each: Some(clauses),
            ..Best::new(filter, k)
        }
    }

    fn kept(&self) -> std::sync::MutexGuard<'_, Vec<Score>> {
        self.kept.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The rank a match must beat before this segment is even read (an equal one comes
    /// after the earlier segment's).
    fn floor(&self) -> Score {
        let kept = self.kept();
        if kept.len() == self.k {
            kept[self.k - 1]
        } else {
            Score::MIN
        }
    }

    fn remember(&self, found: &[(Score, DocAddress)]) {
        let mut kept = self.kept();
        kept.extend(found.iter().map(|(s, _)| rank(*s)));
        kept.sort_by(|a, b| b.total_cmp(a));
        kept.truncate(self.k);
    }
}

/// A match in a segment's heap: the worst on top (higher rank, then lower document, is better).
#[derive(PartialEq)]
struct Candidate {
    rank: Score,
    score: Score,
    doc: DocId,
}

impl Eq for Candidate {}

impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> Ordering {
        self.rank
            .total_cmp(&other.rank)
            .then(other.doc.cmp(&self.doc))
    }
}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

pub(crate) struct BestInSegment {
    filter: Box<dyn Scorer>,
    segment: SegmentOrdinal,
    k: usize,
    heap: BinaryHeap<Reverse<Candidate>>,
}

impl BestInSegment {
    /// Whether the filter admits `doc`; documents come in increasing order.
    fn admits(&mut self, doc: DocId) -> bool {
        let at = self.filter.doc();
        if at < doc {
            self.filter.seek(doc) == doc
        } else {
            at == doc
        }
    }

    /// The rank a match must beat to enter this segment's best: documents come in
    /// increasing order, so an equal one comes after those kept.
    fn threshold(&self) -> Score {
        match self.heap.peek() {
            Some(Reverse(worst)) if self.heap.len() == self.k => worst.rank,
            _ => Score::MIN,
        }
    }
}

impl SegmentCollector for BestInSegment {
    type Fruit = Vec<(Score, DocAddress)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let rank = rank(score);
        if rank <= self.threshold() || !self.admits(doc) {
            return;
        }
        if self.heap.len() == self.k {
            self.heap.pop();
        }
        self.heap.push(Reverse(Candidate { rank, score, doc }));
    }

    fn harvest(self) -> Self::Fruit {
        let segment = self.segment;
        self.heap
            .into_iter()
            .map(|Reverse(c)| (c.score, DocAddress::new(segment, c.doc)))
            .collect()
    }
}

impl Collector for Best {
    type Fruit = Vec<(Score, DocAddress)>;
    type Child = BestInSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<BestInSegment> {
        Ok(BestInSegment {
            filter: self.filter.scorer(reader, 1.0)?,
            segment,
            k: self.k,
            heap: BinaryHeap::with_capacity(self.k + 1),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Self::Fruit>) -> tantivy::Result<Self::Fruit> {
        let mut all: Vec<(Score, DocAddress)> = fruits.into_iter().flatten().collect();
        all.sort_by(|a, b| rank(b.0).total_cmp(&rank(a.0)).then(a.1.cmp(&b.1)));
        all.truncate(self.k);
        Ok(all)
    }

    /// The segment walked with pruning: the callback answers the score a document must beat
    /// to be worth scoring (a score above a rank may still round down to it: the collector's
    /// own test of the rounded score decides).
    fn collect_segment(
        &self,
        weight: &dyn Weight,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Fruit> {
        if let Some(clauses) = &self.each {
            return self.score_each(clauses, segment, reader);
        }
        let mut best = self.for_segment(segment, reader)?;
        let floor = self.floor();
        let alive = reader.alive_bitset();
        weight.for_each_pruning(floor, reader, &mut |doc, score| {
            if alive.is_none_or(|a| a.is_alive(doc)) && rank(score) > floor {
                best.collect(doc, score);
            }
            best.threshold().max(floor)
        })?;
        let found = best.harvest();
        self.remember(&found);
        Ok(found)
    }
}

impl Best {
    /// Every document of the segment the filter admits, scored by seeking each clause to it.
    fn score_each(
        &self,
        clauses: &[Box<dyn Weight>],
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Vec<(Score, DocAddress)>> {
        let mut best = self.for_segment(segment, reader)?;
        let mut scorers = clauses
            .iter()
            .map(|c| c.scorer(reader, 1.0))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let alive = reader.alive_bitset();
        let mut doc = best.filter.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                best.collect(doc, score_at(&mut scorers, doc));
            }
            doc = best.filter.advance();
        }
        Ok(best.harvest())
    }
}

/// The sum of the scores of the clauses holding `doc` (documents asked in increasing order).
fn score_at(scorers: &mut [Box<dyn Scorer>], doc: DocId) -> Score {
    let mut score = 0.0;
    for scorer in scorers {
        if scorer.doc() < doc {
            scorer.seek(doc);
        }
        if scorer.doc() == doc {
            score += scorer.score();
        }
    }
    score
}

#[cfg(test)]
mod tests {
    use super::Best;
    use crate::{Entry, Search, SearchIndex};
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, ConstScoreQuery, EnableScoring, Occur, Query};

    const SYLLABLES: &[&str] = &[
        "đồng", "dong", "Đông", "động", "văn", "vân", "xã", "hội", "kinh", "tế", "nông", "thôn",
        "mới", "họp", "tháng",
    ];

    /// Text of `n` syllables drawn from a fixed sequence.
    fn words(seed: &mut u64, n: usize) -> String {
        (0..n)
            .map(|_| {
                *seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                SYLLABLES[(*seed >> 33) as usize % SYLLABLES.len()]
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// 3,000 articles over several segments, some replaced (deleted documents in between).
    fn index() -> SearchIndex {
        let index = SearchIndex::in_memory().unwrap();
        let mut seed = 7;
        let entry = |id: i64, seed: &mut u64| Entry {
            id,
            portal: "binh-lieu".into(),
            categories: vec![id % 3],
            title: words(seed, 4),
            text: words(seed, 20 + (id as usize % 40)),
            published: chrono::DateTime::from_timestamp(1_600_000_000 + id, 0).unwrap(),
        };
        for batch in 0..3 {
            let entries: Vec<Entry> = (0..1000)
                .map(|i| entry(batch * 1000 + i, &mut seed))
                .collect();
            index.update(&entries, &[]).unwrap();
        }
        let replaced: Vec<Entry> = (0..3000)
            .step_by(30)
            .map(|id| entry(id, &mut seed))
            .collect();
        index.update(&replaced, &[]).unwrap();
        index
    }

    /// Equal within the rounding of `rank`.
    fn close(a: &[f32], b: &[f32]) -> bool {
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|(x, y)| (x - y).abs() <= 1e-3 * x.abs().max(1.0))
    }

    #[test]
    fn the_best_few_begin_the_best_many() {
        let index = index();
        let searcher = index.reader.searcher();
        let search = Search {
            portal: "binh-lieu".into(),
            ..Search::default()
        };
        for text in ["dong van", "thon", "kinh te"] {
            let words = index.words(text);
            let filter = index.filter_query(&search, &words);
            let best = |k| {
                let weight = filter
                    .weight(EnableScoring::disabled_from_searcher(&searcher))
                    .unwrap();
                let found = searcher.search(&index.rank_query(&words), &Best::new(weight, k));
                found
                    .unwrap()
                    .into_iter()
                    .map(|(_, a)| a)
                    .collect::<Vec<_>>()
            };
            let many = best(200);
            for k in [1, 10, 20, 50, 100] {
                assert_eq!(best(k), many[..k], "{text}: the best {k}");
            }
        }
    }

    #[test]
    fn both_ways_find_the_scores_of_scoring_every_match() {
        let index = index();
        let searcher = index.reader.searcher();
        for text in [
            "dong van",
            "đồng văn",
            "kinh te xa hoi",
            "thon",
            "moi hop thang dong",
        ] {
            for category in [None, Some(1)] {
                let search = Search {
                    words: text.into(),
                    portal: "binh-lieu".into(),
                    category,
                    ..Search::default()
                };
                let words = index.words(text);
                let filter = index.filter_query(&search, &words);
                let rank = index.rank_query(&words);
                for k in [1, 10, 35] {
                    let weight = filter
                        .weight(EnableScoring::disabled_from_searcher(&searcher))
                        .unwrap();
                    let pruned: Vec<f32> = searcher
                        .search(&rank, &Best::new(weight, k))
                        .unwrap()
                        .iter()
                        .map(|(s, _)| *s)
                        .collect();
                    // Every match scored: the filter at a score of nothing, and the ranking.
                    let every = BooleanQuery::new(vec![
                        (
                            Occur::Must,
                            Box::new(ConstScoreQuery::new(Box::new(filter.clone()), 0.0))
                                as Box<dyn Query>,
                        ),
                        (Occur::Must, Box::new(rank.clone())),
                    ]);
                    let all: Vec<f32> = searcher
                        .search(&every, &TopDocs::with_limit(k).order_by_score())
                        .unwrap()
                        .iter()
                        .map(|(s, _)| *s)
                        .collect();
                    assert!(
                        close(&pruned, &all),
                        "{text} {category:?} {k}: {pruned:?} against {all:?}"
                    );
                    // Led by the filter, as few matches are searched.
                    let weight = filter
                        .weight(EnableScoring::disabled_from_searcher(&searcher))
                        .unwrap();
                    let clauses = rank
                        .clauses()
                        .iter()
                        .map(|(_, q)| q.weight(EnableScoring::enabled_from_searcher(&searcher)))
                        .collect::<tantivy::Result<Vec<_>>>()
                        .unwrap();
                    let each: Vec<f32> = searcher
                        .search(&filter, &Best::each(weight, clauses, k))
                        .unwrap()
                        .iter()
                        .map(|(s, _)| *s)
                        .collect();
                    assert!(close(&each, &all), "{text} {category:?} {k}: {each:?}");
                }
            }
        }
    }
}
