//! The lexicon baseline: weighted cue phrases (`lexicon.txt`), negation,
//! intensifiers, sarcasm, punctuation and emoji. It needs no model file and
//! is what the engine falls back to when none is supplied.

use super::{carry_context, EmotionLabel, EmotionModel, EmotionReading, Scores};
use crate::phrase::{PhraseMatch, PhraseSet, PhraseSetBuilder, Prepared};

const LEXICON: &str = include_str!("lexicon.txt");

#[derive(Clone, Copy, Debug, PartialEq)]
enum Cue {
    Label(EmotionLabel),
    /// Flips the cue it precedes; a weight above 0 also scales it
    /// (一点都不 = strongly not).
    Negator,
    /// Multiplies the weight of the cue it precedes (intensifiers > 1,
    /// diminishers < 1).
    Scale,
    Sarcasm,
}

pub(crate) struct Lexicon {
    cues: Vec<(Cue, f64)>,
    set: PhraseSet,
}

/// A problem in a lexicon file, by line.
#[derive(Debug, PartialEq)]
pub(crate) struct LexiconError {
    pub line: usize,
    pub message: String,
}

impl Lexicon {
    /// The built-in lexicon.
    /// The built-in lexicon, compiled once and shared by every engine.
    pub fn builtin() -> std::sync::Arc<Lexicon> {
        static BUILTIN: std::sync::OnceLock<std::sync::Arc<Lexicon>> = std::sync::OnceLock::new();
        // Checked by a test; a bad line is skipped rather than fatal here.
        BUILTIN.get_or_init(|| std::sync::Arc::new(Lexicon::parse(LEXICON).0)).clone()
    }

    /// Parses a lexicon: `kind<TAB>weight<TAB>phrase` lines, `#` comments;
    /// `allow<TAB>cue<TAB>innocent phrase` keeps a cue from firing inside a
    /// longer innocent phrase (滚 in 滚动).
    pub fn parse(text: &str) -> (Lexicon, Vec<LexiconError>) {
        let mut cues = Vec::new();
        let mut phrases: Vec<&str> = Vec::new();
        let mut allows = Vec::new();
        let mut errors = Vec::new();
        let mut b = PhraseSetBuilder::default();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let mut err = |m: &str| errors.push(LexiconError { line: i + 1, message: m.to_string() });
            let fields: Vec<&str> = line.split('\t').collect();
            let [kind, weight, phrase] = fields[..] else {
                err("expected kind<TAB>weight<TAB>phrase");
                continue;
            };
            if kind == "allow" {
                allows.push((i + 1, weight, phrase));
                continue;
            }
            let cue = match kind {
                "negator" => Cue::Negator,
                "intensifier" | "diminisher" => Cue::Scale,
                "sarcasm" => Cue::Sarcasm,
                _ => match EmotionLabel::from_name(kind) {
                    Some(EmotionLabel::Neutral) | None => {
                        err("unknown kind");
                        continue;
                    }
                    Some(l) => Cue::Label(l),
                },
            };
            let Ok(weight) = weight.parse::<f64>() else {
                err("weight is not a number");
                continue;
            };
            if !b.add(cues.len() as u32, 0, phrase) {
                err("phrase has nothing to match");
                continue;
            }
            cues.push((cue, weight));
            phrases.push(phrase);
        }
        for (line, cue, innocent) in allows {
            let groups: Vec<usize> = (0..phrases.len()).filter(|g| phrases[*g] == cue).collect();
            if groups.is_empty() {
                errors.push(LexiconError { line, message: format!("allow names an unknown cue {cue:?}") });
            }
            for g in groups {
                b.allow(g as u32, innocent);
            }
        }
        (Lexicon { cues, set: b.build_dfa() }, errors)
    }

    fn weights(&self, p: &Prepared) -> ([f64; 6], f64) {
        let text = p.text;
        let hits = longest_cues(self.set.find(p));
        let mut w = [0.0f64; 6];
        let mut sarcasm = 0.0;
        for (i, h) in hits.iter().enumerate() {
            let (cue, weight) = self.cues[h.group as usize];
            match cue {
                Cue::Label(label) => {
                    let (negated, scale) = self.modifiers(text, &hits[..i], h);
                    let ix = label.index();
                    if !negated {
                        w[ix] += weight * scale;
                    } else if label == EmotionLabel::Satisfied {
                        w[EmotionLabel::Frustrated.index()] += weight * 0.8 * scale;
                    } else {
                        w[EmotionLabel::Neutral.index()] += weight * 0.5;
                    }
                }
                Cue::Sarcasm => sarcasm += weight,
                Cue::Negator | Cue::Scale => {}
            }
        }
        if sarcasm > 0.0 {
            // Praise said through gritted teeth is a complaint.
            let s = std::mem::take(&mut w[EmotionLabel::Satisfied.index()]);
            w[EmotionLabel::Angry.index()] += 0.5 * (s + sarcasm);
            w[EmotionLabel::Frustrated.index()] += 0.5 * (s + sarcasm);
        }
        let total_cues: f64 = w.iter().sum();
        (w, total_cues)
    }

    /// Negators and scales right before a cue (each gap at most a short
    /// word): odd negations flip it, scales multiply.
    fn modifiers(&self, text: &str, before: &[PhraseMatch], cue: &PhraseMatch) -> (bool, f64) {
        let mut negations = 0;
        let mut scale = 1.0;
        let mut at = cue.start;
        // Modifiers sit right before the cue: a few hits back is enough.
        for h in before.iter().rev().take(6) {
            if h.end > at {
                continue;
            }
            let gap = &text[h.end..at];
            // A negation does not reach across a clause ("没发货，太慢了").
            let clause = gap.contains([',', '，', '.', '。', ';', '；', '!', '！', '?', '？', '~', '\n']);
            if clause || gap.chars().filter(|c| c.is_alphanumeric()).count() > 4 {
                break;
            }
            match self.cues[h.group as usize] {
                (Cue::Negator, w) => {
                    negations += 1;
                    if w > 0.0 {
                        scale *= w;
                    }
                }
                (Cue::Scale, s) => scale *= s,
                _ => break,
            }
            at = h.start;
        }
        (negations % 2 == 1, scale)
    }
}

/// Drops cue hits lying inside a longer hit ("满意" inside "不满意"); hits
/// with the very same span (one phrase, two kinds) all stay.
fn longest_cues(mut hits: Vec<PhraseMatch>) -> Vec<PhraseMatch> {
    hits.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end)));
    let mut out: Vec<PhraseMatch> = Vec::with_capacity(hits.len());
    // Furthest end of the hits before the current span, and that span.
    let mut reach = 0;
    let mut span = (usize::MAX, 0);
    for h in hits {
        if (h.start, h.end) != span {
            if let Some(last) = out.last() {
                reach = reach.max(last.end);
            }
            span = (h.start, h.end);
        }
        if !out.is_empty() && h.end <= reach {
            continue;
        }
        out.push(h);
    }
    out
}

/// Emoji and punctuation that carry emotion; the normaliser drops them as
/// separators, so they are read from the original text.
fn surface(text: &str, w: &mut [f64; 6]) {
    use EmotionLabel::*;
    let mut add = |l: EmotionLabel, x: f64| w[l.index()] += x;
    // One pass: emoji, the longest runs of ! and ?, and shouted words
    // (three or more capitals in a row of ASCII letters).
    let (mut bang, mut bangs, mut ask, mut asks) = (0, 0, 0, 0);
    let (mut word, mut upper, mut caps) = (0, true, 0);
    for c in text.chars().chain([' ']) {
        match c {
            '😡' | '🤬' | '💢' | '👿' | '🖕' => add(Angry, 2.5),
            '😭' | '😰' | '😱' | '😨' | '😟' | '🙏' | '🆘' => add(Anxious, 1.5),
            '😤' | '😒' | '🙄' | '😩' | '😫' | '😑' | '😞' | '😔' => add(Frustrated, 1.5),
            '😕' | '🤔' | '❓' | '😵' | '🤷' => add(Confused, 1.0),
            '😊' | '👍' | '❤' | '🎉' | '👏' | '😄' | '😁' | '🥰' | '💯' | '🌹' => {
                add(Satisfied, 1.5)
            }
            _ => {}
        }
        bang = if matches!(c, '!' | '！') { bang + 1 } else { 0 };
        bangs = bangs.max(bang);
        ask = if matches!(c, '?' | '？') { ask + 1 } else { 0 };
        asks = asks.max(ask);
        if c.is_ascii_alphabetic() {
            word += 1;
            upper &= c.is_ascii_uppercase();
        } else {
            if word >= 3 && upper {
                caps += 1;
            }
            (word, upper) = (0, true);
        }
    }
    let negative: f64 = [Angry, Anxious, Frustrated].iter().map(|l| w[l.index()]).sum();
    if bangs >= 2 || caps >= 2 {
        // Shouting raises whatever negative feeling is there, or reads as anger.
        let boost = if bangs >= 3 || caps >= 2 { 1.5 } else { 1.25 };
        if negative > 0.0 {
            for l in [Angry, Anxious, Frustrated] {
                w[l.index()] *= boost;
            }
        } else if w[Satisfied.index()] == 0.0 {
            // Shouting alone must outweigh the calm prior (1.0).
            w[Angry.index()] += if bangs >= 3 || caps >= 2 { 1.5 } else { 1.2 };
        }
    }
    if asks >= 2 {
        if negative > 0.0 {
            w[Anxious.index()] += 0.5;
            w[Angry.index()] += 0.5;
        } else {
            w[Confused.index()] += 1.5;
        }
    }
}

/// Raw evidence → intensity: 1 calm … 5 extreme.
fn intensity(label: EmotionLabel, x: f64) -> u8 {
    if label == EmotionLabel::Neutral {
        return 1;
    }
    match x {
        x if x < 1.5 => 2,
        x if x < 3.0 => 3,
        x if x < 5.0 => 4,
        _ => 5,
    }
}

impl Lexicon {
    fn read(&self, p: &Prepared) -> (EmotionReading, f64) {
        let (mut w, cues) = self.weights(p);
        surface(p.text, &mut w);
        let mut weights = w;
        weights[EmotionLabel::Neutral.index()] += 1.0; // the prior: most messages are calm
        let scores = Scores::from_weights(weights);
        let label = scores.top();
        let reading = EmotionReading { label, intensity: intensity(label, w[label.index()]), scores };
        (reading, cues)
    }
}

impl EmotionModel for Lexicon {
    fn source(&self) -> &str {
        "lexicon"
    }

    fn classify(&self, text: &str, context: &[&str]) -> EmotionReading {
        self.classify_prepared(&Prepared::new(text), context)
    }
}

impl Lexicon {
    /// [`EmotionModel::classify`] on a text the engine already normalised.
    pub(crate) fn classify_prepared(&self, p: &Prepared, context: &[&str]) -> EmotionReading {
        let (reading, cues) = self.read(p);
        // Only a reading with no emotion cue at all may be a follow-up.
        let calm = reading.label == EmotionLabel::Neutral && cues == 0.0;
        carry_context(reading, calm, p.text, context, |prev| self.read(&Prepared::new(prev)).0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_lexicon_parses_cleanly() {
        let (lex, errors) = Lexicon::parse(LEXICON);
        assert_eq!(errors, Vec::new());
        assert!(lex.cues.len() > 400);
    }

    #[test]
    fn reads_the_obvious_cases() {
        let lex = Lexicon::builtin();
        let cases: &[(&str, EmotionLabel)] = &[
            ("你们这是什么垃圾服务，气死我了！！！", EmotionLabel::Angry),
            ("我的账户被盗了怎么办，急死了", EmotionLabel::Anxious),
            ("又坏了，已经第三次了", EmotionLabel::Frustrated),
            ("这个优惠券怎么用？我看不懂", EmotionLabel::Confused),
            ("我的订单号是 20231121", EmotionLabel::Neutral),
            ("问题解决了，太感谢了", EmotionLabel::Satisfied),
            ("不满意", EmotionLabel::Frustrated),
            ("This is ridiculous, worst service ever!!!", EmotionLabel::Angry),
            ("Thank you so much, that worked!", EmotionLabel::Satisfied),
            ("I don't understand what this fee means", EmotionLabel::Confused),
            ("謝謝，問題解決了", EmotionLabel::Satisfied),
        ];
        for (text, want) in cases {
            let r = lex.classify(text, &[]);
            assert_eq!(r.label, *want, "{text:?}: {r:?}");
            assert!((1..=5).contains(&r.intensity));
        }
    }

    #[test]
    fn context_carries_a_complaint_into_a_short_follow_up() {
        let lex = Lexicon::builtin();
        let alone = lex.classify("还没好？", &[]);
        let after = lex.classify("还没好？", &["等了一个星期了还没发货，太慢了"]);
        assert_eq!(alone.label, EmotionLabel::Neutral);
        assert!(after.label.is_negative(), "{after:?}");
    }
}
