//! Phrase sets: every phrase of a group of rules, found in one pass.
//!
//! A [`PhraseSet`] compiles normalised phrases into one Aho-Corasick
//! automaton. A raw automaton hit is only a candidate; [`PhraseSet::find`]
//! keeps it when
//! - the exact letters and repeat counts agree (`hill` is not `hell`,
//!   `good` is not `god`, but `fuuuuck` is `fuck`);
//! - a phrase that starts or ends with a Latin letter stands as whole words
//!   in the original text (`hello` does not hold `hell`, `Scunthorpe` does
//!   not hold its four letters);
//! - separators inside a Latin word look like an evasion (`f u c k`), not
//!   like two innocent words (`this hit` is not `shit`);
//! - no allow-list phrase of the same group covers it (`滚动` for `滚`).

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

/// Largest phrase set compiled to a DFA (see [`PhraseSetBuilder::build`]).
const DFA_MAX_PATTERNS: usize = 1_000;

use crate::normalize::{
    normalize, normalize_stutters, Masks, NChar, Normalized, BREAK, DIGIT, LATIN, LEET, MASK, MASKED, SPACED, WORD_GAP,
};

/// A text normalised once for every phrase set that looks at it.
pub(crate) struct Prepared<'t> {
    pub text: &'t str,
    pub keep: Normalized,
    /// The same text with self-censoring marks read as separators; only
    /// built when the text has such marks.
    pub dropped: Option<Normalized>,
    /// The same text with a lone letter before a word that starts with it
    /// read as a stutter (`shut u-up`); only built when the text has one.
    pub stutters: Option<Normalized>,
}

impl<'t> Prepared<'t> {
    pub fn new(text: &'t str) -> Self {
        let keep = normalize(text, Masks::Keep);
        let dropped = keep.has_masks().then(|| normalize(text, Masks::Drop));
        let stutters = keep.has_stutters().then(|| normalize_stutters(text, Masks::Keep));
        Prepared { text, keep, dropped, stutters }
    }
}

/// Which reading of a text a skeleton is.
#[derive(Clone, Copy)]
enum Reading {
    Keep,
    Drop,
    Stutters,
}

impl Reading {
    fn normalize(self, text: &str) -> Normalized {
        match self {
            Reading::Keep => normalize(text, Masks::Keep),
            Reading::Drop => normalize(text, Masks::Drop),
            Reading::Stutters => normalize_stutters(text, Masks::Keep),
        }
    }
}

/// A phrase found in a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PhraseMatch {
    /// The caller's group id (usually a rule index).
    pub group: u32,
    /// Index of the phrase within its group, as added.
    pub phrase: u32,
    /// Byte range in the original text.
    pub start: usize,
    pub end: usize,
}

struct Pattern {
    group: u32,
    phrase: u32,
    allow: bool,
    norm: Normalized,
}

#[derive(Default)]
pub(crate) struct PhraseSetBuilder {
    patterns: Vec<Pattern>,
}

impl PhraseSetBuilder {
    /// Adds a phrase that should be found. Returns false when the phrase
    /// normalises to nothing (only separators), which callers report.
    pub fn add(&mut self, group: u32, phrase: u32, text: &str) -> bool {
        self.add_forms(group, phrase, text, false)
    }

    /// Adds an allow-list phrase: a hit of `group` inside it is dropped.
    pub fn allow(&mut self, group: u32, text: &str) -> bool {
        self.add_forms(group, u32::MAX, text, true)
    }

    fn add_forms(&mut self, group: u32, phrase: u32, text: &str, allow: bool) -> bool {
        let norm = normalize(text, Masks::Keep);
        if norm.chars.is_empty() {
            return false;
        }
        // "don't" is often typed "dont": both spellings are the phrase.
        if text.contains(['\'', '’']) {
            let bare: String = text.chars().filter(|c| !matches!(c, '\'' | '’')).collect();
            self.add_norm(group, phrase, normalize(&bare, Masks::Keep), allow);
        }
        self.add_norm(group, phrase, norm, allow);
        true
    }

    fn add_norm(&mut self, group: u32, phrase: u32, norm: Normalized, allow: bool) {
        if !allow {
            for v in mask_variants(&norm) {
                self.patterns.push(Pattern { group, phrase, allow, norm: v });
            }
            for v in spaced_variants(&norm) {
                self.patterns.push(Pattern { group, phrase, allow, norm: v });
            }
        }
        self.patterns.push(Pattern { group, phrase, allow, norm });
    }

    /// Compiles the set; small sets become a DFA (about twice as fast to
    /// scan as the NFA, but slower to build and bigger as sets grow).
    pub fn build(self) -> PhraseSet {
        let dfa = self.patterns.len() <= DFA_MAX_PATTERNS;
        self.compile(dfa)
    }

    /// Compiles the set to a DFA whatever its size: for sets built once per
    /// process and scanned for every message (the emotion lexicon).
    pub fn build_dfa(self) -> PhraseSet {
        self.compile(true)
    }

    fn compile(self, dfa: bool) -> PhraseSet {
        let ac = if self.patterns.is_empty() {
            None
        } else {
            // Overlapping search needs standard semantics; every candidate is
            // verified anyway, so leftmost-longest would only hide some.
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::Standard)
                .kind(dfa.then_some(AhoCorasickKind::DFA))
                .build(self.patterns.iter().map(|p| p.norm.text.as_bytes()))
                .ok()
        };
        PhraseSet { ac, patterns: self.patterns }
    }
}

/// `f*ck`, `f**k`, `a**hole`: the phrase with one to three inner letters of
/// a Latin word hidden behind marks (one mark per hidden letter).
fn mask_variants(norm: &Normalized) -> Vec<Normalized> {
    let chars = &norm.chars;
    let mut out = Vec::new();
    let mut word_start = 0;
    for i in 0..=chars.len() {
        let ends_word = i == chars.len() || !chars[i].is(LATIN) || chars[i].is(BREAK);
        if !ends_word {
            continue;
        }
        let (a, b) = (word_start, i);
        word_start = if i < chars.len() && chars[i].is(LATIN) { i } else { i + 1 };
        if b < a + 3 {
            continue;
        }
        for width in 1..=3 {
            for s in a + 1..b.saturating_sub(width) {
                let hidden: u32 = chars[s..s + width].iter().map(|c| c.run).sum();
                if hidden <= 4 {
                    out.push(with_mask(norm, s, s + width));
                }
            }
        }
    }
    out
}

/// Most word gaps a phrase may have for [`spaced_variants`]
/// (2^n - 1 variants).
const SPACED_MAX_GAPS: usize = 3;

/// `g u a r a n t e e d   d e l i v e r y`: written letter by letter, the
/// last letter of one word and the equal first letter of the next squeeze
/// into one (the text cannot tell a word gap from a letter gap), where the
/// phrase keeps them apart with a [`WORD_GAP`]. One variant per non-empty
/// set of word gaps, with those gaps squeezed as the text would be (some
/// words may be spaced out and others not).
fn spaced_variants(norm: &Normalized) -> Vec<Normalized> {
    let gaps: Vec<usize> = (0..norm.chars.len()).filter(|&i| norm.chars[i].sk == WORD_GAP).collect();
    if gaps.is_empty() || gaps.len() > SPACED_MAX_GAPS {
        return Vec::new();
    }
    (1..1u32 << gaps.len())
        .map(|set| {
            let squeezed = |i: usize| gaps.iter().enumerate().any(|(b, &g)| g == i && set & (1 << b) != 0);
            let mut out = Normalized::default();
            let mut skip = false;
            for (i, c) in norm.chars.iter().enumerate() {
                if std::mem::take(&mut skip) {
                    continue;
                }
                if squeezed(i) {
                    // The letters on both sides are equal: one char, both runs.
                    if let (Some(last), Some(next)) = (out.chars.last_mut(), norm.chars.get(i + 1)) {
                        last.run += next.run;
                        last.flags |= next.flags & LEET;
                        skip = true;
                        continue;
                    }
                }
                out.chars.push(NChar { at: out.text.len(), ..*c });
                out.text.push(c.sk);
            }
            out
        })
        .collect()
}

fn with_mask(norm: &Normalized, from: usize, to: usize) -> Normalized {
    let mut out = Normalized::default();
    let mut push = |c: NChar, ch: char| {
        out.chars.push(NChar { at: out.text.len(), ..c });
        out.text.push(ch);
    };
    for (i, c) in norm.chars.iter().enumerate() {
        if (from..to).contains(&i) {
            for _ in 0..c.run {
                push(NChar { run: 1, exact: MASK, sk: MASK, flags: LATIN | MASKED, ..*c }, MASK);
            }
        } else {
            push(*c, c.sk);
        }
    }
    out
}

pub(crate) struct PhraseSet {
    ac: Option<AhoCorasick>,
    patterns: Vec<Pattern>,
}

impl PhraseSet {
    /// Every verified hit, ordered by start; for one group, a hit inside a
    /// longer hit of the same group is dropped.
    pub fn find(&self, p: &Prepared) -> Vec<PhraseMatch> {
        let Some(ac) = &self.ac else {
            return Vec::new();
        };
        let mut hits = Vec::new();
        self.scan(ac, p.text, &p.keep, Reading::Keep, &mut hits);
        if let Some(dropped) = &p.dropped {
            self.scan(ac, p.text, dropped, Reading::Drop, &mut hits);
        }
        if let Some(stutters) = &p.stutters {
            self.scan(ac, p.text, stutters, Reading::Stutters, &mut hits);
        }
        // Sorted so that a hit's container, if any, comes before it: a hit
        // lies inside an earlier one of its group iff it ends no later than
        // the furthest end seen in the group so far.
        hits.sort_by_key(|h| (h.group, h.start, std::cmp::Reverse(h.end), h.phrase));
        let mut kept: Vec<PhraseMatch> = Vec::with_capacity(hits.len());
        let mut reach: Option<(u32, usize)> = None;
        for h in hits {
            match reach {
                Some((g, end)) if g == h.group && h.end <= end => continue,
                Some((g, end)) if g == h.group => reach = Some((g, end.max(h.end))),
                _ => reach = Some((h.group, h.end)),
            }
            kept.push(h);
        }
        kept.sort_by_key(|h| (h.start, h.end, h.group));
        kept
    }

    fn scan(&self, ac: &AhoCorasick, original: &str, n: &Normalized, reading: Reading, hits: &mut Vec<PhraseMatch>) {
        // (group, first char, last char) of allow-list hits.
        let mut allowed: Vec<(u32, usize, usize)> = Vec::new();
        let mut found: Vec<(u32, u32, usize, usize)> = Vec::new();
        for m in ac.find_overlapping_iter(n.text.as_str()) {
            let pat = &self.patterns[m.pattern().as_usize()];
            let first = n.char_at(m.start());
            let last = first + pat.norm.chars.len() - 1;
            if last >= n.chars.len() {
                continue;
            }
            if pat.allow {
                // An allow phrase covers only text written as it is: 滚滚
                // (滚滚长江) must not excuse a lone 滚 or an emphatic 滚滚滚.
                if verify(&pat.norm, n, first, Runs::Exact) {
                    allowed.push((pat.group, first, last));
                }
            } else if verify(&pat.norm, n, first, Runs::Loose) && stands_alone(&pat.norm, n, first, original) {
                // The covered text must read as the phrase on its own too: a
                // `1` made a letter only by context outside the hit does not count.
                let covered = &original[n.chars[first].start..n.chars[last].end];
                let leet = n.chars[first..=last].iter().any(|c| c.is(LEET));
                if !leet || reading.normalize(covered).text == pat.norm.text {
                    found.push((pat.group, pat.phrase, first, last));
                }
            }
        }
        // Sweep both in (group, first) order: a hit is covered iff an allow
        // hit of its group starting no later reaches at least as far.
        allowed.sort_unstable();
        found.sort_unstable_by_key(|&(g, _, first, last)| (g, first, last));
        let mut next = 0;
        let mut reach: Option<(u32, usize)> = None;
        for (group, phrase, first, last) in found {
            while next < allowed.len() && (allowed[next].0, allowed[next].1) <= (group, first) {
                let (g, _, b) = allowed[next];
                reach = match reach {
                    Some((rg, rb)) if rg == g => Some((g, rb.max(b))),
                    _ => Some((g, b)),
                };
                next += 1;
            }
            if !matches!(reach, Some((g, b)) if g == group && b >= last) {
                hits.push(PhraseMatch { group, phrase, start: n.chars[first].start, end: n.chars[last].end });
            }
        }
    }
}

/// How repeat counts must agree.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Runs {
    /// As typed: for allow-list phrases.
    Exact,
    /// Emphasis allowed: three or more of a letter, any repeat of a CJK char.
    Loose,
}

/// Exact letters and repeat counts agree.
fn verify(pat: &Normalized, n: &Normalized, first: usize, runs: Runs) -> bool {
    // In a short word a doubled letter is another word (`good` is not `god`);
    // in a longer one it is a stretch (`fuuck`, `stuupid`).
    let doubling = pat.chars.iter().filter(|c| c.is(LATIN)).count() >= 4;
    pat.chars.iter().zip(&n.chars[first..]).all(|(p, t)| {
        if p.is(MASKED) {
            return true;
        }
        let runs = if runs == Runs::Exact {
            t.run == p.run
        } else if p.is(LATIN) {
            t.run == p.run || (t.run >= p.run && (doubling || t.run >= 3))
        } else {
            t.run >= p.run
        };
        let letters = !p.is(LATIN) || p.is(LEET) || t.is(LEET) || p.exact == t.exact;
        runs && letters
    })
}

/// Whole words for Latin ends, and no innocent word gaps inside.
fn stands_alone(pat: &Normalized, n: &Normalized, first: usize, original: &str) -> bool {
    let (Some(p0), Some(pn)) = (pat.chars.first(), pat.chars.last()) else {
        return false;
    };
    let last = first + pat.chars.len() - 1;
    let before = original[..n.chars[first].start].chars().next_back();
    let after = original[n.chars[last].end..].chars().next();
    if !boundary(p0, before) || !boundary(pn, after) {
        return false;
    }
    // A dropped separator between two Latin letters where the phrase has
    // none: fine for `f u c k` (every piece one or two letters), not for
    // `this hit` (which would read `shit`). Checked per word of the phrase,
    // so that `guaranteed d e l i v e r y` is the phrase, but a piece that
    // runs into a word with such a gap counts whole (`a tease` ≠ `at ease`).
    let span = &n.chars[first..=last];
    let odd_gap = |k: usize| span[k].is(BREAK) && span[k].is(LATIN) && span[k - 1].is(LATIN) && !pat.chars[k].is(BREAK);
    if !(1..span.len()).any(odd_gap) {
        return true;
    }
    // Latin letters in the text's piece of each char of the span; a run
    // squeezed across gaps is spaced-out letters (`w i l l`), one a piece.
    let letters = |c: &NChar| if c.is(SPACED) { 1 } else { c.run };
    let mut pieces = vec![0u32; span.len()];
    let mut from = 0;
    for k in 1..=span.len() {
        if k == span.len() || span[k].is(BREAK) {
            let letters = span[from..k].iter().filter(|c| c.is(LATIN)).map(letters).sum();
            pieces[from..k].fill(letters);
            from = k;
        }
    }
    // The phrase's words (a break in the phrase starts one).
    let mut from = 0;
    for k in 1..=span.len() {
        if k == span.len() || pat.chars[k].is(BREAK) {
            if (from + 1..k).any(odd_gap) && pieces[from..k].iter().any(|&p| p > 2) {
                return false;
            }
            from = k;
        }
    }
    true
}

/// Whether the char next to a hit ends a word for the phrase's end `p`.
fn boundary(p: &NChar, next: Option<char>) -> bool {
    let Some(c) = next else { return true };
    let folded = crate::normalize::fold_first(c).unwrap_or(' ');
    if p.is(LATIN) {
        !(folded.is_ascii_alphanumeric())
    } else if p.is(DIGIT) {
        // `12315` is the hotline, `abc12315` a serial number.
        !folded.is_ascii_alphanumeric()
    } else {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(phrases: &[&str], allow: &[&str]) -> PhraseSet {
        let mut b = PhraseSetBuilder::default();
        for (i, p) in phrases.iter().enumerate() {
            assert!(b.add(0, i as u32, p));
        }
        for a in allow {
            b.allow(0, a);
        }
        b.build()
    }

    fn found<'a>(s: &PhraseSet, text: &'a str) -> Vec<&'a str> {
        s.find(&Prepared::new(text)).iter().map(|m| &text[m.start..m.end]).collect()
    }

    #[test]
    fn finds_disguised_phrases_and_spares_innocent_words() {
        let en = set(&["fuck", "shit", "hell", "ass", "stupid", "not my problem", "don't care", "cunt"], &[]);
        let zh = set(&["爱买不买", "滚"], &["滚动", "滚筒", "滚轮"]);
        let cases: &[(&PhraseSet, &str, &[&str])] = &[
            (&en, "what the FUCK", &["FUCK"]),
            (&en, "f u c k this", &["f u c k"]),
            (&en, "f*ck", &["f*ck"]),
            (&en, "f**k off", &["f**k"]),
            (&en, "f*u*c*k", &["f*u*c*k"]),
            (&en, "sh1t happens", &["sh1t"]),
            (&en, "$hit", &["$hit"]),
            (&en, "fuuuuuck", &["fuuuuuck"]),
            (&en, "fuuck", &["fuuck"]),
            (&en, "ｓｔｕｐｉｄ", &["ｓｔｕｐｉｄ"]),
            (&en, "st*pid", &["st*pid"]),
            (&en, "That's not my problem.", &["not my problem"]),
            (&en, "I dont care", &["dont care"]),
            (&en, "hello there", &[]),
            (&en, "shell script", &[]),
            (&en, "the assessment in class", &[]),
            (&en, "an assassin in Scunthorpe", &[]),
            (&en, "this hit me hard", &[]),
            (&en, "he'll call you", &[]),
            (&en, "a hill", &[]),
            (&en, "go to hell", &["hell"]),
            (&en, "you a s s", &["a s s"]),
            (&en, "as you wish", &[]),
            (&zh, "爱-买-不-买", &["爱-买-不-买"]),
            (&zh, "愛買不買", &["愛買不買"]),
            (&zh, "爱 买 不 买！", &["爱 买 不 买"]),
            (&zh, "你给我滚", &["滚"]),
            (&zh, "滚滚滚", &["滚滚滚"]),
            (&zh, "页面可以滚动查看", &[]),
            (&zh, "滚筒洗衣机", &[]),
        ];
        for (s, text, want) in cases {
            assert_eq!(found(s, text), *want, "text {text:?}");
        }
    }

    /// Regression: `i d i o t they` was missed, the `t` squeezed into `they`.
    #[test]
    fn spaced_letters_before_a_word_with_the_same_letter() {
        let s = set(&["idiot", "smh", "will", "kill"], &[]);
        let cases: &[(&str, &[&str])] = &[
            ("i d i o t they", &["i d i o t"]),
            ("i d i o t ok", &["i d i o t"]),
            ("i d i o t t they", &["i d i o t t"]),
            ("and s m h he", &["s m h"]),
            ("s m h okay", &["s m h"]),
            // `i l l`: three spaced-out letters in one run, one a piece.
            ("w i l l", &["w i l l"]),
            ("k i l l them", &["k i l l"]),
            ("idiotic", &[]),
            ("i dio t they", &[]),
            ("k i ll", &["k i ll"]),
            // A letter, then a word: `ill` is no spaced-out letter.
            ("w ill", &[]),
        ];
        for (text, want) in cases {
            assert_eq!(found(&s, text), *want, "text {text:?}");
        }
    }

    /// A lone letter before a word that starts with it: a word of its own
    /// (`I love`) or a stutter (`u-up`); both readings are searched.
    #[test]
    fn one_letter_words_and_stutters() {
        let s = set(&["shut up", "calm down", "love", "lol", "fuck"], &[]);
        let cases: &[(&str, &[&str])] = &[
            ("I love it", &["love"]),
            ("I lol", &["lol"]),
            ("shut u-up", &["shut u-up"]),
            ("calm d-down please", &["calm d-down"]),
            ("f-fuck", &["f-fuck"]),
            ("shut u pup", &[]),
            ("i lost it", &[]),
        ];
        for (text, want) in cases {
            assert_eq!(found(&s, text), *want, "text {text:?}");
        }
    }

    /// Multi-word phrases written letter by letter, also where one word ends
    /// with the letter the next one starts with (`guaranteed delivery`), and
    /// with only some words spaced out.
    #[test]
    fn spaced_multi_word_phrases() {
        let s = set(&["guaranteed delivery by", "it will never break", "at ease"], &[]);
        let cases: &[(&str, &[&str])] = &[
            ("guaranteed delivery by Friday", &["guaranteed delivery by"]),
            ("g u a r a n t e e d   d e l i v e r y   b y", &["g u a r a n t e e d   d e l i v e r y   b y"]),
            ("g u a r a n t e e d d e l i v e r y b y", &["g u a r a n t e e d d e l i v e r y b y"]),
            ("guaranteed d e l i v e r y by", &["guaranteed d e l i v e r y by"]),
            ("g u a r a n t e e d delivery by", &["g u a r a n t e e d delivery by"]),
            ("i t   w i l l   n e v e r   b r e a k", &["i t   w i l l   n e v e r   b r e a k"]),
            ("it w i l l never break", &["it w i l l never break"]),
            ("a t e a s e", &["a t e a s e"]),
            // One d where the phrase has two is another text.
            ("g u a r a n t e e d e l i v e r y b y", &[]),
            ("guarantee delivery by", &[]),
            ("guaranteed delivery bypass", &[]),
            // A piece of three letters is a word, not spaced-out letters.
            ("a tease", &[]),
            ("it will nev erb reak", &[]),
        ];
        for (text, want) in cases {
            assert_eq!(found(&s, text), *want, "text {text:?}");
        }
    }

    #[test]
    fn spaced_variants_squeeze_word_gaps() {
        let n = normalize("bad dog good", Masks::Keep);
        let v: Vec<String> = spaced_variants(&n).into_iter().map(|v| v.text).collect();
        assert_eq!(v, ["badog\u{1f}god", "bad\u{1f}dogod", "badogod"]);
        assert!(spaced_variants(&normalize("not my problem", Masks::Keep)).is_empty());
    }

    #[test]
    fn digits_need_digit_boundaries() {
        let s = set(&["12315"], &[]);
        assert_eq!(found(&s, "我要打12315投诉"), ["12315"]);
        assert_eq!(found(&s, "单号9123150"), Vec::<&str>::new());
        assert_eq!(found(&s, "编号abc12315"), Vec::<&str>::new());
    }

    #[test]
    fn mask_variants_hide_inner_letters_only() {
        let n = normalize("fuck", Masks::Keep);
        let v: Vec<String> = mask_variants(&n).into_iter().map(|v| v.text).collect();
        assert!(v.contains(&"f*ck".to_string()) && v.contains(&"f**k".to_string()));
        assert!(!v.iter().any(|s| s.starts_with('*') || s.ends_with('*')));
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        /// `a` equals `b` where `b` has no self-censoring mark.
        fn same_modulo_masks(a: &str, b: &str) -> bool {
            a.chars().count() == b.chars().count() && a.chars().zip(b.chars()).all(|(x, y)| x == y || x == MASK)
        }

        proptest! {
            #[test]
            fn every_hit_covers_text_that_normalises_to_its_phrase(
                phrases in prop::collection::vec("[a-z爱买滚1]{2,6}", 1..6),
                text in crate::normalize::tests::props::messy(),
            ) {
                let mut b = PhraseSetBuilder::default();
                for (i, p) in phrases.iter().enumerate() {
                    b.add(i as u32, 0, p);
                }
                let set = b.build();
                // Plant one phrase in noise so hits are not all accidental.
                let text = format!("{text} {} {text}", phrases[0]);
                for m in set.find(&Prepared::new(&text)) {
                    prop_assert!(text.is_char_boundary(m.start) && text.is_char_boundary(m.end));
                    let covered = &text[m.start..m.end];
                    let want = normalize(&phrases[m.group as usize], Masks::Keep).text;
                    let keep = normalize(covered, Masks::Keep).text;
                    let drop = normalize(covered, Masks::Drop).text;
                    // The reading of `l i1` as a stutter (`l-i1`): `i` three times.
                    let stutters = normalize_stutters(covered, Masks::Keep).text;
                    prop_assert!(
                        same_modulo_masks(&keep, &want) || drop == want || same_modulo_masks(&stutters, &want),
                        "{:?} covers {:?} ({:?}), phrase {:?}", text, covered, keep, want
                    );
                }
            }
        }
    }
}
