//! Linesman: live assist for customer-service chat agents.
//!
//! An [`Engine`] is compiled once from a [`Playbook`]; each chat gets a
//! [`Conversation`] that takes [`Message`]s one at a time and answers with
//! [`Event`]s: banned phrases, PII, customer emotion, required statements
//! met, due or missed, script suggestions and supervisor flags.
//!
//! ```
//! use linesman::{Engine, Message, Role};
//!
//! let engine = Engine::from_json(r#"{
//!     "playbook": "demo", "version": "1",
//!     "banned": [{"id": "dismissive", "severity": "high", "phrases": ["爱买不买"]}]
//! }"#).unwrap();
//! let mut chat = engine.conversation();
//! let events = chat.observe(&Message::new(Role::Agent, "爱-买-不-买"));
//! assert_eq!(events[0].kind_name(), "banned");
//! assert_eq!((events[0].rule.as_deref()), Some("dismissive"));
//! ```

mod conversation;
mod emotion;
mod engine;
mod event;
mod normalize;
mod phrase;
mod pii;
mod playbook;
mod similar;

pub use conversation::{ChecklistItem, Conversation, EmotionPoint, Message, RequiredState, Role, Summary};
pub use emotion::{EmotionLabel, EmotionModel, EmotionReading, Scores};
#[cfg(feature = "tract")]
pub use emotion::{ModelError, OnnxEmotion};
pub use engine::Engine;
pub use event::{Event, EventKind, Severity, Span};
pub use pii::PiiKind;
pub use playbook::{Playbook, PlaybookError, PlaybookErrors, BUILTIN};

/// Entry points for the fuzz targets (`crate/fuzz`); not a public API.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing {
    /// Normalises `text` both ways and checks the normaliser's invariants.
    pub fn check_normalize(text: &str) {
        crate::normalize::check_invariants(text);
    }

    /// Featurises `text` for the emotion model and checks the result.
    pub fn check_features(text: &str) {
        crate::emotion::features::check_invariants(text);
    }
}
