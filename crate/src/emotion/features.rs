//! Featuriser of the emotion model: text → hashed feature ids and weights.
//!
//! `models/pipeline/features.py` is the specification and the training
//! pipeline's copy; the two must agree exactly, which a test checks against
//! the golden vectors the Python side writes (`models/features_golden.jsonl`).

use unicode_normalization::UnicodeNormalization;

/// Feature space of the model: ids are `0..BUCKETS`.
pub const BUCKETS: u64 = 1 << 15;
/// Featuriser version, recorded in the model's metadata.
pub const VERSION: u32 = 1;
/// Only the start of a very long message is read (code points).
const MAX_CHARS: usize = 2000;

/// Hashed features of one message: ids in order of first appearance and
/// weights that sum to 1 (the model averages their embeddings).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Features {
    pub ids: Vec<i64>,
    pub weights: Vec<f32>,
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{3000}' | '\u{a0}')
}

fn vanishes(c: char) -> bool {
    matches!(c as u32,
        0x200B..=0x200F | 0x2060 | 0xFEFF | 0xFE0E | 0xFE0F | 0x1F3FB..=0x1F3FF | 0x7F)
        || ((c as u32) < 0x20 && !is_space(c))
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF
        | 0x3040..=0x30FF | 0xAC00..=0xD7AF)
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c as u32, 0xC0..=0x24F | 0x370..=0x4FF) && !matches!(c, '\u{d7}' | '\u{f7}')
}

/// The unit sequence (CJK chars, lowercased words, symbol runs of at most
/// three) and the number of shouted words.
fn units(text: &str) -> (Vec<String>, usize) {
    let s: Vec<char> = text.chars().take(MAX_CHARS).nfkc().filter(|&c| !vanishes(c)).collect();
    let mut out = Vec::new();
    let mut shouted = 0;
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        if is_space(c) {
            i += 1;
        } else if is_cjk(c) {
            out.push(crate::normalize::simplify(c).to_string());
            i += 1;
        } else if is_word(c) {
            let mut j = i + 1;
            while j < s.len() && (is_word(s[j]) || (s[j] == '\'' && j + 1 < s.len() && is_word(s[j + 1]))) {
                j += 1;
            }
            let word = &s[i..j];
            let caps = word.iter().filter(|c| c.is_ascii_uppercase()).count();
            if caps >= 2 && !word.iter().any(|c| c.is_ascii_lowercase()) {
                shouted += 1;
            }
            out.push(word.iter().flat_map(|c| c.to_lowercase()).collect());
            i = j;
        } else {
            let mut j = i + 1;
            while j < s.len() && s[j] == c {
                j += 1;
            }
            out.push(std::iter::repeat_n(c, (j - i).min(3)).collect());
            i = j;
        }
    }
    (out, shouted)
}

fn length_bucket(n: usize) -> usize {
    [2, 5, 10, 20, 40].iter().position(|&limit| n <= limit).unwrap_or(5)
}

/// FNV-1a 64 of a feature built from parts, without allocating it.
struct Fnv(u64);

impl Fnv {
    fn new(prefix: &str) -> Fnv {
        let mut h = Fnv(0xcbf2_9ce4_8422_2325);
        h.write(prefix);
        h
    }
    fn write(&mut self, s: &str) {
        for b in s.bytes() {
            self.0 = (self.0 ^ b as u64).wrapping_mul(0x100_0000_01b3);
        }
    }
    fn id(&self) -> i64 {
        (self.0 % BUCKETS) as i64
    }
}

/// `text` → features, exactly as `features.py` computes them.
pub fn featurize(text: &str) -> Features {
    let (u, shouted) = units(text);
    if u.is_empty() {
        let mut h = Fnv::new("x|empty");
        h.write("");
        return Features { ids: vec![h.id()], weights: vec![1.0] };
    }
    let mut ids: Vec<i64> = Vec::with_capacity(u.len() * 4 + 2);
    let gram = |parts: &[&str], prefix: &str| {
        let mut h = Fnv::new(prefix);
        for (k, p) in parts.iter().enumerate() {
            if k > 0 {
                h.write("\u{1}");
            }
            h.write(p);
        }
        h.id()
    };
    for a in &u {
        ids.push(gram(&[a], "1|"));
    }
    let n = u.len();
    for k in 0..=n {
        let a = if k == 0 { "^" } else { u[k - 1].as_str() };
        let b = if k == n { "$" } else { u[k].as_str() };
        ids.push(gram(&[a, b], "2|"));
    }
    for w in u.windows(3) {
        ids.push(gram(&[&w[0], &w[1], &w[2]], "3|"));
    }
    for w in &u {
        let chars: Vec<char> = w.chars().collect();
        if chars.len() >= 3 && is_word(chars[0]) {
            let padded: Vec<char> = std::iter::once('<').chain(chars).chain(std::iter::once('>')).collect();
            let mut buf = String::new();
            for t in padded.windows(3) {
                buf.clear();
                buf.extend(t);
                ids.push(gram(&[&buf], "c|"));
            }
        }
    }
    for _ in 0..shouted {
        ids.push(gram(&["caps"], "x|"));
    }
    ids.push(gram(&[&length_bucket(n).to_string()], "L|"));

    // Merge repeats in order of first appearance; weight = count / total.
    let total = ids.len();
    let mut merged: Vec<(i64, usize)> = Vec::with_capacity(total);
    let mut slot: std::collections::HashMap<i64, usize> = std::collections::HashMap::with_capacity(total);
    for id in ids {
        match slot.get(&id) {
            Some(&k) => merged[k].1 += 1,
            None => {
                slot.insert(id, merged.len());
                merged.push((id, 1));
            }
        }
    }
    Features {
        ids: merged.iter().map(|m| m.0).collect(),
        weights: merged.iter().map(|m| (m.1 as f64 / total as f64) as f32).collect(),
    }
}

/// What every featurisation must satisfy (tests and the fuzz target).
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn check_invariants(text: &str) {
    let f = featurize(text);
    assert!(!f.ids.is_empty(), "no features for {text:?}");
    assert_eq!(f.ids.len(), f.weights.len());
    assert!(f.ids.iter().all(|&i| (0..BUCKETS as i64).contains(&i)), "id out of range for {text:?}");
    let mut seen = std::collections::HashSet::new();
    assert!(f.ids.iter().all(|i| seen.insert(*i)), "repeated id for {text:?}");
    assert!(f.weights.iter().all(|w| *w > 0.0 && *w <= 1.0));
    assert!((f.weights.iter().sum::<f32>() - 1.0).abs() < 1e-3, "weights of {text:?} do not sum to 1");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Golden vectors written by `python3 -m pipeline.features --golden`.
    #[test]
    fn equals_the_training_pipeline() {
        let golden = include_str!("../../../models/features_golden.jsonl");
        let mut n = 0;
        for line in golden.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let text = v["text"].as_str().unwrap();
            let want_ids: Vec<i64> = v["ids"].as_array().unwrap().iter().map(|x| x.as_i64().unwrap()).collect();
            let want_w: Vec<f32> =
                v["weights"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap() as f32).collect();
            let got = featurize(text);
            assert_eq!(got.ids, want_ids, "ids of {text:?}");
            assert_eq!(got.weights, want_w, "weights of {text:?}");
            n += 1;
        }
        assert!(n >= 20);
    }

    #[test]
    fn never_empty_and_weights_sum_to_one() {
        for t in ["", " \u{200b} ", "a", "？？？？", &"长".repeat(5000), "a'", "'a'b'", "\u{10ffff}\u{0}"] {
            check_invariants(t);
        }
    }

    proptest::proptest! {
        #[test]
        fn invariants_hold_on_messy_text(text in crate::normalize::tests::props::messy()) {
            check_invariants(&text);
        }

        #[test]
        fn invariants_hold_on_any_text(text in "\\PC{0,80}") {
            check_invariants(&text);
        }
    }
}
