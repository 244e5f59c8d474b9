//! [`Event`]: the one contract between the core and every UI. It is
//! serialised as flat JSON: `{"kind": "banned", "msg": 3, "rule": "x", …}`.

use serde::{Deserialize, Serialize};

use crate::emotion::{EmotionLabel, Scores};
use crate::pii::PiiKind;

/// Severity tiers, ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Low,
    Medium,
    High,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }
}

/// A range of the original message text. `start`/`end` count UTF-16 code
/// units (usable directly on a JS string); the byte offsets are for Rust.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub byte_start: usize,
    pub byte_end: usize,
}

impl Span {
    /// The span of bytes `start..end` of `text` (both on char boundaries).
    pub(crate) fn of(text: &str, start: usize, end: usize) -> Span {
        Utf16Cursor::new(text).span(start, end)
    }
}

/// Turns byte offsets of one text into UTF-16 offsets. It walks on from
/// its last answer, so a message's many hits (given in order) cost one pass
/// over the text rather than one pass each.
pub(crate) struct Utf16Cursor<'t> {
    text: &'t str,
    byte: usize,
    unit: usize,
}

impl<'t> Utf16Cursor<'t> {
    pub fn new(text: &'t str) -> Self {
        Utf16Cursor { text, byte: 0, unit: 0 }
    }

    fn at(&mut self, byte: usize) -> usize {
        if byte < self.byte {
            (self.byte, self.unit) = (0, 0);
        }
        self.unit += self.text[self.byte..byte].chars().map(char::len_utf16).sum::<usize>();
        self.byte = byte;
        self.unit
    }

    pub fn span(&mut self, start: usize, end: usize) -> Span {
        let s = self.at(start);
        Span { start: s, end: self.at(end), byte_start: start, byte_end: end }
    }
}

/// Something the engine has to say about a conversation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Event {
    /// Index of the message that caused the event (0-based, every role
    /// counted). For a clock tick or the end of the conversation: the last
    /// message, or `None` before any.
    pub msg: Option<usize>,
    /// Id of the playbook rule behind the event (for PII: the PII kind).
    pub rule: Option<String>,
    #[serde(flatten)]
    pub kind: EventKind,
}

/// What happened, with the fields of each kind.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventKind {
    /// A banned phrase in a message (or in a draft, see `draft`).
    Banned {
        severity: Severity,
        /// The rule's human label.
        #[serde(skip_serializing_if = "Option::is_none")]
        label: Option<String>,
        /// The playbook phrase that matched (not the user's text).
        phrase: String,
        #[serde(flatten)]
        span: Span,
        /// Better wording from the rule.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        suggest: Vec<String>,
        /// True when found in an unsent draft.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        draft: bool,
    },
    /// Personal data, with its masked form.
    Pii {
        pii: PiiKind,
        #[serde(flatten)]
        span: Span,
        masked: String,
    },
    /// The customer's emotion in this message.
    Emotion {
        label: EmotionLabel,
        /// 1 calm … 5 extreme.
        intensity: u8,
        scores: Scores,
        /// Which classifier spoke: "lexicon" or "model".
        source: String,
    },
    /// A required statement was made.
    RequiredMet {
        #[serde(flatten)]
        span: Span,
        /// 1.0 for a playbook phrase word for word; less for a paraphrase.
        similarity: f64,
        /// Made after its deadline had passed.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        late: bool,
    },
    /// A required statement is still missing and its deadline is near.
    RequiredDue {
        #[serde(skip_serializing_if = "Option::is_none")]
        remaining_messages: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        remaining_seconds: Option<u64>,
        /// Why now: "last_message", "time", "closing" (the customer is
        /// wrapping up before an end-of-conversation statement).
        reason: String,
    },
    /// A required statement's deadline passed without it.
    RequiredMissed {},
    /// Script lines for the agent.
    Suggestion { text: Vec<String> },
    /// A supervisor flag; `excerpt` is always masked.
    Flag { severity: Severity, reason: String, excerpt: String },
}

impl Event {
    /// The event's kind as its JSON name.
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            EventKind::Banned { .. } => "banned",
            EventKind::Pii { .. } => "pii",
            EventKind::Emotion { .. } => "emotion",
            EventKind::RequiredMet { .. } => "required_met",
            EventKind::RequiredDue { .. } => "required_due",
            EventKind::RequiredMissed {} => "required_missed",
            EventKind::Suggestion { .. } => "suggestion",
            EventKind::Flag { .. } => "flag",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_count_utf16_units() {
        let text = "😀爱买不买";
        let start = text.find('爱').unwrap();
        let s = Span::of(text, start, text.len());
        assert_eq!((s.start, s.end, s.byte_start, s.byte_end), (2, 6, 4, 16));
    }

    #[test]
    fn events_serialise_flat() {
        let e = Event {
            msg: Some(2),
            rule: Some("greeting".into()),
            kind: EventKind::RequiredDue {
                remaining_messages: Some(1),
                remaining_seconds: None,
                reason: "last_message".into(),
            },
        };
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(
            json,
            r#"{"msg":2,"rule":"greeting","kind":"required_due","remaining_messages":1,"reason":"last_message"}"#
        );
    }
}
