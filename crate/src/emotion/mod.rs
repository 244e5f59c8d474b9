//! Customer emotion: the labels, the [`EmotionModel`] trait every
//! classifier implements, and the lexicon baseline.

#[cfg_attr(not(any(feature = "tract", feature = "fuzzing")), allow(dead_code))]
pub(crate) mod features;
mod lexicon;
#[cfg(feature = "tract")]
mod onnx;

use serde::{Deserialize, Serialize};

pub(crate) use lexicon::Lexicon;
#[cfg(feature = "tract")]
pub use onnx::{ModelError, OnnxEmotion};

/// The customer emotions Linesman tells apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmotionLabel {
    Angry,
    Anxious,
    Frustrated,
    Confused,
    Neutral,
    Satisfied,
}

impl EmotionLabel {
    /// Every label, in the order of [`Scores`] and of model outputs.
    pub const ALL: [EmotionLabel; 6] = [
        EmotionLabel::Angry,
        EmotionLabel::Anxious,
        EmotionLabel::Frustrated,
        EmotionLabel::Confused,
        EmotionLabel::Neutral,
        EmotionLabel::Satisfied,
    ];

    pub fn name(self) -> &'static str {
        match self {
            EmotionLabel::Angry => "angry",
            EmotionLabel::Anxious => "anxious",
            EmotionLabel::Frustrated => "frustrated",
            EmotionLabel::Confused => "confused",
            EmotionLabel::Neutral => "neutral",
            EmotionLabel::Satisfied => "satisfied",
        }
    }

    pub fn from_name(name: &str) -> Option<EmotionLabel> {
        EmotionLabel::ALL.into_iter().find(|l| l.name() == name)
    }

    /// Anger, anxiety and frustration: what de-escalation is for.
    pub fn is_negative(self) -> bool {
        matches!(self, EmotionLabel::Angry | EmotionLabel::Anxious | EmotionLabel::Frustrated)
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// Probability of each label (they sum to 1), rounded to three decimals so
/// that events are stable across platforms.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Scores {
    pub angry: f64,
    pub anxious: f64,
    pub frustrated: f64,
    pub confused: f64,
    pub neutral: f64,
    pub satisfied: f64,
}

impl Scores {
    /// From non-negative weights in [`EmotionLabel::ALL`] order.
    pub fn from_weights(w: [f64; 6]) -> Scores {
        let total: f64 = w.iter().filter(|x| x.is_finite() && **x > 0.0).sum();
        let p = |i: usize| {
            if total > 0.0 && w[i].is_finite() && w[i] > 0.0 {
                (w[i] / total * 1000.0).round() / 1000.0
            } else {
                0.0
            }
        };
        Scores { angry: p(0), anxious: p(1), frustrated: p(2), confused: p(3), neutral: p(4), satisfied: p(5) }
    }

    pub fn get(&self, label: EmotionLabel) -> f64 {
        self.to_array()[label.index()]
    }

    pub fn to_array(&self) -> [f64; 6] {
        [self.angry, self.anxious, self.frustrated, self.confused, self.neutral, self.satisfied]
    }

    /// The most probable label (ties go to the earlier label).
    pub fn top(&self) -> EmotionLabel {
        let a = self.to_array();
        let mut best = 4; // neutral when all are zero
        for i in 0..6 {
            if a[i] > a[best] {
                best = i;
            }
        }
        EmotionLabel::ALL[best]
    }
}

/// One customer message, read.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EmotionReading {
    pub label: EmotionLabel,
    /// 1 calm … 5 extreme.
    pub intensity: u8,
    pub scores: Scores,
}

/// A classifier of customer emotion. `context` holds the previous customer
/// messages of the conversation, oldest first (at most two), so that
/// "still nothing?!" after two complaints can read as anger.
pub trait EmotionModel: Send + Sync {
    /// Short name reported in events ("lexicon", "model").
    fn source(&self) -> &str;
    fn classify(&self, text: &str, context: &[&str]) -> EmotionReading;
}

/// The classifier an engine uses: the built-in lexicon gets the text the
/// engine already normalised; any other model gets the raw text.
pub(crate) enum Emotion {
    Lexicon(std::sync::Arc<Lexicon>),
    Model(Box<dyn EmotionModel>),
}

impl Emotion {
    pub fn classify(&self, p: &crate::phrase::Prepared, context: &[&str]) -> EmotionReading {
        match self {
            Emotion::Lexicon(l) => l.classify_prepared(p, context),
            Emotion::Model(m) => m.classify(p.text, context),
        }
    }

    pub fn source(&self) -> &str {
        match self {
            Emotion::Lexicon(l) => l.source(),
            Emotion::Model(m) => m.source(),
        }
    }
}

/// Follow-ups that only make sense after what came before ("还没好？",
/// "still nothing?"): a short message that presses on. Acknowledgements
/// ("好的", "ok") and bare data (an order number) are not follow-ups.
fn is_follow_up(text: &str) -> bool {
    let chars = text.chars().filter(|c| c.is_alphanumeric()).count();
    let lower = text.to_lowercase();
    let markers =
        ["还", "又", "仍", "到底", "呢", "怎么样了", "人呢", "still", "again", "yet", "any update", "anyone", "hello?"];
    chars > 0 && chars <= 20 && markers.iter().any(|m| lower.contains(m))
}

/// Read a message the way a QA reviewer does: a short follow-up that the
/// classifier finds calm ("still nothing?") carries on the complaint of the
/// previous customer message, a notch calmer than the complaint itself.
/// `calm` is the classifier's own judgement that `now` may be such a
/// follow-up; `read` reads the previous message alone.
fn carry_context(
    now: EmotionReading,
    calm: bool,
    text: &str,
    context: &[&str],
    read: impl Fn(&str) -> EmotionReading,
) -> EmotionReading {
    if !calm || !is_follow_up(text) {
        return now;
    }
    let Some(prev) = context.last() else {
        return now;
    };
    let before = read(prev);
    if !before.label.is_negative() {
        return now;
    }
    EmotionReading { label: before.label, intensity: before.intensity.saturating_sub(1).max(2), scores: before.scores }
}

/// Intensity 1–5 from the model's confidence in its label, one notch up for
/// shouting (`!!`, `???`, a word in capitals). Calm is always 1.
#[cfg_attr(not(feature = "tract"), allow(dead_code))]
fn intensity_of(label: EmotionLabel, p: f64, text: &str) -> u8 {
    if label == EmotionLabel::Neutral {
        return 1;
    }
    let base = match p {
        p if p < 0.5 => 2,
        p if p < 0.8 => 3,
        _ => 4,
    };
    base + u8::from(shouts(text))
}

fn shouts(text: &str) -> bool {
    let bangs = text.chars().filter(|c| matches!(c, '!' | '！')).count();
    let ask = |c: char| matches!(c, '?' | '？');
    let asks = text.chars().zip(text.chars().skip(1)).any(|(a, b)| ask(a) && ask(b));
    let caps = text
        .split(|c: char| !c.is_ascii_alphabetic())
        .any(|w| w.len() >= 3 && w.chars().all(|c| c.is_ascii_uppercase()));
    bangs >= 2 || asks || caps
}
