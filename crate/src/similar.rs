//! Fuzzy phrase matching for required statements and repeated questions.
//!
//! Agents rarely say a compliance line word for word ("您好呀，很高兴能为您
//! 服务"), so a required phrase counts as said when most of its character
//! bigrams appear together in a stretch of the message not much longer than
//! the phrase. Bigrams of the normalised skeleton make this robust to width,
//! case, Traditional characters and punctuation. An inverted index keeps the
//! cost per message independent of how many phrases are still pending.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::normalize::Normalized;

/// A bigram of skeleton chars (a unigram for a one-char text).
pub(crate) type Gram = u64;

fn gram(a: char, b: Option<char>) -> Gram {
    match b {
        Some(b) => (a as u64) << 32 | b as u64,
        None => 1 << 63 | a as u64,
    }
}

/// The grams of a skeleton, in order (one per adjacent pair).
pub(crate) fn grams(n: &Normalized) -> Vec<Gram> {
    let chars: Vec<char> = n.text.chars().collect();
    match chars.len() {
        0 => Vec::new(),
        1 => vec![gram(chars[0], None)],
        _ => chars.windows(2).map(|w| gram(w[0], Some(w[1]))).collect(),
    }
}

/// Sorted, de-duplicated grams.
pub(crate) fn gram_set(n: &Normalized) -> Vec<Gram> {
    sorted_set(grams(n))
}

fn sorted_set(mut g: Vec<Gram>) -> Vec<Gram> {
    g.sort_unstable();
    g.dedup();
    g
}

/// |a ∩ b| for sorted sets.
pub(crate) fn common(a: &[Gram], b: &[Gram]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Grams are already well mixed; FxHash-style multiply is plenty.
#[derive(Default)]
struct GramHasher(u64);

impl Hasher for GramHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(5) ^ *b as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

type GramMap<V> = HashMap<Gram, V, BuildHasherDefault<GramHasher>>;

struct Entry {
    /// Caller's id (a rule index).
    group: usize,
    /// Sorted, de-duplicated grams of the phrase.
    grams: Vec<Gram>,
    /// The phrase's grams in order.
    seq: Vec<Gram>,
    /// Phrase length in skeleton chars.
    len: usize,
}

/// Many phrases, each tested for a fuzzy occurrence in a message.
#[derive(Default)]
pub(crate) struct FuzzyIndex {
    entries: Vec<Entry>,
    postings: GramMap<Vec<u32>>,
}

/// The best occurrence of a group's phrases in a message.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct FuzzyHit {
    pub group: usize,
    /// Share of the phrase's bigrams found, 0..=1, rounded to 0.01.
    pub similarity: f64,
    /// Byte range in the original text.
    pub start: usize,
    pub end: usize,
}

impl FuzzyIndex {
    pub fn add(&mut self, group: usize, phrase: &Normalized) {
        let seq = grams(phrase);
        let grams = sorted_set(seq.clone());
        if grams.is_empty() {
            return;
        }
        let id = self.entries.len() as u32;
        for g in &grams {
            self.postings.entry(*g).or_default().push(id);
        }
        self.entries.push(Entry { group, grams, seq, len: phrase.chars.len() });
    }

    /// For every group that `wanted` accepts, the best occurrence with a
    /// similarity of at least `threshold(group)`.
    pub fn find(
        &self,
        msg: &Normalized,
        wanted: impl Fn(usize) -> bool,
        threshold: impl Fn(usize) -> f64,
    ) -> Vec<FuzzyHit> {
        let seq = grams(msg);
        let uniq = sorted_set(seq.clone());
        // Upper bound first: how many of each phrase's grams occur at all.
        let mut counts: GramMap<u32> = GramMap::default();
        for g in &uniq {
            if let Some(ids) = self.postings.get(g) {
                for id in ids {
                    *counts.entry(*id as u64).or_insert(0) += 1;
                }
            }
        }
        let mut best: Vec<FuzzyHit> = Vec::new();
        for (id, n) in counts {
            let e = &self.entries[id as usize];
            if !wanted(e.group) || (n as f64) < threshold(e.group) * e.grams.len() as f64 - 1e-9 {
                continue;
            }
            let Some((sim, first, last)) = window_score(e, &seq) else {
                continue;
            };
            if sim + 1e-9 < threshold(e.group) || drops_a_clause(e, &seq[first..=last]) {
                continue;
            }
            // Gram k covers chars k and k + 1.
            let hit = FuzzyHit {
                group: e.group,
                similarity: (sim * 100.0).round() / 100.0,
                start: msg.chars[first].start,
                end: msg.chars[(last + 1).min(msg.chars.len() - 1)].end,
            };
            match best.iter_mut().find(|h| h.group == e.group) {
                Some(h)
                    if (hit.similarity, std::cmp::Reverse(hit.start)) > (h.similarity, std::cmp::Reverse(h.start)) =>
                {
                    *h = hit
                }
                Some(_) => {}
                None => best.push(hit),
            }
        }
        best.sort_by_key(|h| h.group);
        best
    }
}

/// A paraphrase may change a little everywhere, but not leave out a whole
/// stretch of the phrase ("thanks for contacting us" is not "thanks for
/// contacting us, have a great day").
fn drops_a_clause(e: &Entry, window: &[Gram]) -> bool {
    let found = sorted_set(window.to_vec());
    let (mut run, mut longest) = (0, 0);
    for g in &e.seq {
        run = if found.binary_search(g).is_ok() { 0 } else { run + 1 };
        longest = longest.max(run);
    }
    longest > (e.seq.len() / 4).max(2)
}

/// Best share of the phrase's grams inside one window of the message no
/// longer than the phrase plus half again; returns (share, first gram, last
/// gram) of the hits in that window.
fn window_score(e: &Entry, seq: &[Gram]) -> Option<(f64, usize, usize)> {
    // Phrases are at least two chars (the playbook checks), so they have
    // bigrams; a one-char message has none that could match.
    let hits: Vec<Option<usize>> = seq.iter().map(|g| e.grams.binary_search(g).ok()).collect();
    let width = (e.len - 1 + (e.len / 2).max(2)).min(seq.len().max(1));
    let mut seen = vec![0u32; e.grams.len()];
    let mut distinct = 0usize;
    let mut best: Option<(usize, usize, usize)> = None;
    for end in 0..hits.len() {
        if let Some(k) = hits[end] {
            if seen[k] == 0 {
                distinct += 1;
            }
            seen[k] += 1;
        }
        if end >= width {
            if let Some(k) = hits[end - width] {
                seen[k] -= 1;
                if seen[k] == 0 {
                    distinct -= 1;
                }
            }
        }
        if distinct > 0 && best.is_none_or(|(d, _, _)| distinct > d) {
            let lo = end.saturating_sub(width - 1);
            let first = (lo..=end).find(|i| hits[*i].is_some()).unwrap_or(lo);
            best = Some((distinct, first, end));
        }
    }
    let (d, first, last) = best?;
    let last = (first..=last).rev().find(|i| hits[*i].is_some()).unwrap_or(last);
    Some((d as f64 / e.grams.len() as f64, first, last))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::{normalize, Masks};

    fn hit(phrase: &str, text: &str) -> Option<(f64, String)> {
        let mut idx = FuzzyIndex::default();
        idx.add(0, &normalize(phrase, Masks::Keep));
        let n = normalize(text, Masks::Keep);
        idx.find(&n, |_| true, |_| 0.0).first().map(|h| (h.similarity, text[h.start..h.end].to_string()))
    }

    #[test]
    fn exact_and_paraphrased_statements() {
        assert_eq!(
            hit("您好，很高兴为您服务", "您好，很高兴为您服务！请问有什么可以帮您？").unwrap(),
            (1.0, "您好，很高兴为您服务".into())
        );
        let (sim, _) = hit("您好，很高兴为您服务", "您好呀，很高兴能为您服务").unwrap();
        assert!((0.7..1.0).contains(&sim), "{sim}");
        let (sim, _) = hit("this chat may be recorded", "Please note this chat may be recorded.").unwrap();
        assert_eq!(sim, 1.0);
        // Most of a longer phrase is not the phrase.
        let closing = "Thanks for contacting us, have a great day";
        assert_eq!(hit(closing, "Hi, thanks for contacting us! My name is Amy, how can I help you today?"), None);
        // Scattered words far apart do not add up to the phrase.
        let (sim, _) = hit("七天无理由退货", "七天后我们会看看。无理由的话不行。退货要申请").unwrap();
        assert!(sim < 0.8, "{sim}");
    }

    #[test]
    fn common_counts_shared_grams() {
        assert_eq!(common(&[1, 3, 5, 7], &[3, 4, 5]), 2);
    }
}
