//! [`Engine`]: a playbook compiled once, shared by every conversation.

use std::sync::Arc;

use crate::conversation::Conversation;
use crate::emotion::{Emotion, EmotionModel, Lexicon};
use crate::event::{Event, EventKind, Utf16Cursor};
use crate::normalize::{normalize, Masks};
use crate::phrase::{PhraseSet, PhraseSetBuilder, Prepared};
use crate::playbook::{Condition, Playbook, PlaybookErrors, Speaker};
use crate::similar::FuzzyIndex;

/// What a customer phrase in [`Compiled::says`] belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Says {
    /// A `customer_says` trigger.
    Trigger(usize),
    /// The trigger that starts a required rule's clock.
    Required(usize),
    /// The customer is wrapping up: end-of-conversation statements are due.
    Closing,
}

/// Customer phrases that mean the conversation is ending.
const CLOSING_CUES: &[&str] = &[
    "谢谢",
    "多谢",
    "没有了",
    "没别的了",
    "没其他问题",
    "就这样",
    "再见",
    "拜拜",
    "好的谢谢",
    "没问题了",
    "thanks",
    "thank you",
    "bye",
    "goodbye",
    "that's all",
    "that is all",
    "nothing else",
    "have a nice day",
];

pub(crate) struct Compiled {
    pub playbook: Playbook,
    /// Banned phrases; group = banned rule index.
    pub banned: PhraseSet,
    /// Customer phrases; group = index into `says_owner`.
    pub says: PhraseSet,
    pub says_owner: Vec<Says>,
    /// Required statements; group = required rule index.
    pub statements: FuzzyIndex,
    pub emotion: Emotion,
}

/// A compiled playbook (cheap to clone; conversations share it).
#[derive(Clone)]
pub struct Engine {
    pub(crate) inner: Arc<Compiled>,
}

impl Engine {
    /// Compiles a playbook with the built-in lexicon emotion baseline.
    pub fn new(playbook: Playbook) -> Engine {
        Engine::compile(playbook, Emotion::Lexicon(Lexicon::builtin()))
    }

    /// Parses, validates and compiles a playbook.
    pub fn from_json(json: &str) -> Result<Engine, PlaybookErrors> {
        Ok(Engine::new(Playbook::from_json(json)?))
    }

    /// Compiles a playbook with the given emotion classifier.
    pub fn with_emotion_model(playbook: Playbook, emotion: Box<dyn EmotionModel>) -> Engine {
        Engine::compile(playbook, Emotion::Model(emotion))
    }

    fn compile(playbook: Playbook, emotion: Emotion) -> Engine {
        let mut b = PhraseSetBuilder::default();
        for (g, rule) in playbook.banned.iter().enumerate() {
            for (i, p) in rule.phrases.iter().enumerate() {
                b.add(g as u32, i as u32, p);
            }
            for a in &rule.allow {
                b.allow(g as u32, a);
            }
        }
        let banned = b.build();

        let mut b = PhraseSetBuilder::default();
        let mut says_owner = Vec::new();
        let mut add_group = |owner: Says, phrases: &[String], b: &mut PhraseSetBuilder| {
            let g = says_owner.len() as u32;
            says_owner.push(owner);
            for (i, p) in phrases.iter().enumerate() {
                b.add(g, i as u32, p);
            }
        };
        for (t, rule) in playbook.triggers.iter().enumerate() {
            if let Condition::CustomerSays(phrases) = &rule.when {
                add_group(Says::Trigger(t), phrases, &mut b);
            }
        }
        for (r, rule) in playbook.required.iter().enumerate() {
            if let Some(phrases) = &rule.trigger {
                add_group(Says::Required(r), phrases, &mut b);
            }
        }
        let cues: Vec<String> = CLOSING_CUES.iter().map(|s| s.to_string()).collect();
        add_group(Says::Closing, &cues, &mut b);
        let says = b.build();

        let mut statements = FuzzyIndex::default();
        for (r, rule) in playbook.required.iter().enumerate() {
            for p in &rule.phrases {
                statements.add(r, &normalize(p, Masks::Keep));
            }
        }
        Engine { inner: Arc::new(Compiled { playbook, banned, says, says_owner, statements, emotion }) }
    }

    pub fn playbook(&self) -> &Playbook {
        &self.inner.playbook
    }

    /// Who reads customer emotion: "model" or "lexicon" (as in events).
    pub fn emotion_source(&self) -> &str {
        self.inner.emotion.source()
    }

    /// Starts a conversation.
    pub fn conversation(&self) -> Conversation {
        Conversation::new(self.clone())
    }

    /// Banned phrases in an agent's unsent draft, with the better wording,
    /// so the agent can fix it before the customer sees it.
    pub fn check_draft(&self, text: &str) -> Vec<Event> {
        let p = Prepared::new(text);
        self.inner.banned_events(&p, Speaker::Agent, None, true)
    }
}

impl Compiled {
    /// Banned-phrase events for a text said by `speaker`.
    pub(crate) fn banned_events(&self, p: &Prepared, speaker: Speaker, msg: Option<usize>, draft: bool) -> Vec<Event> {
        let mut out = Vec::new();
        let mut utf16 = Utf16Cursor::new(p.text);
        for m in self.banned.find(p) {
            let rule = &self.playbook.banned[m.group as usize];
            if rule.speaker != Speaker::Any && rule.speaker != speaker {
                continue;
            }
            out.push(Event {
                msg,
                rule: Some(rule.id.clone()),
                kind: EventKind::Banned {
                    severity: rule.severity,
                    label: rule.label.clone(),
                    phrase: rule.phrases[m.phrase as usize].clone(),
                    span: utf16.span(m.start, m.end),
                    suggest: rule.suggest.clone(),
                    draft,
                },
            });
        }
        out
    }
}
