//! The playbook (v1): a team's rules as JSON, read strictly.
//!
//! Reading walks a `serde_json::Value` by hand instead of deriving
//! `Deserialize`: serde stops at the first problem, while a team fixing a
//! playbook wants every problem at once, each with its JSON path.

use std::collections::HashSet;
use std::fmt;

use serde_json::{Map, Value};

use crate::emotion::EmotionLabel;
use crate::event::Severity;
use crate::normalize::{normalize, Masks};
use crate::pii::PiiKind;

/// A validated playbook.
#[derive(Clone, Debug)]
pub struct Playbook {
    pub(crate) id: String,
    pub(crate) version: String,
    pub(crate) locale: String,
    pub(crate) banned: Vec<BannedRule>,
    pub(crate) required: Vec<RequiredRule>,
    pub(crate) triggers: Vec<TriggerRule>,
    pub(crate) pii: Vec<PiiKind>,
    pub(crate) score: ScoreWeights,
}

/// Who a rule listens to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Speaker {
    Agent,
    Customer,
    Any,
}

#[derive(Clone, Debug)]
pub(crate) struct BannedRule {
    pub id: String,
    pub label: Option<String>,
    pub severity: Severity,
    pub speaker: Speaker,
    pub phrases: Vec<String>,
    pub allow: Vec<String>,
    pub suggest: Vec<String>,
}

#[derive(Clone, Debug)]
pub(crate) struct RequiredRule {
    pub id: String,
    pub label: Option<String>,
    pub speaker: Speaker,
    pub phrases: Vec<String>,
    pub min_similarity: f64,
    /// Customer phrases that start the clock; `None`: it runs from the start.
    pub trigger: Option<Vec<String>>,
    pub deadline: Deadline,
    pub warn_before_seconds: Option<u64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Deadline {
    /// Whichever comes first.
    Within {
        agent_messages: Option<u32>,
        seconds: Option<u64>,
    },
    End,
}

#[derive(Clone, Debug)]
pub(crate) struct TriggerRule {
    pub id: String,
    pub label: Option<String>,
    pub when: Condition,
    pub suggest: Vec<String>,
    pub flag: Option<Severity>,
    pub reason: Option<String>,
    pub cooldown_messages: u32,
    pub cooldown_seconds: u64,
    pub once: bool,
}

#[derive(Clone, Debug)]
pub(crate) enum Condition {
    CustomerSays(Vec<String>),
    Emotion {
        labels: Vec<EmotionLabel>,
        min_intensity: u8,
        consecutive: u32,
        /// Only messages more intense than the customer's previous one count.
        rising: bool,
        /// Only calm messages after an upset one (negative, intensity ≥ 3) count.
        recovered: bool,
    },
    RepeatedQuestion(u32),
    CustomerWaiting(u64),
    BannedSeverity(Severity),
    /// `None`: any required rule.
    RequiredMissed(Option<Vec<String>>),
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct ScoreWeights {
    pub banned: [f64; 3],
    pub required_missed: f64,
}

impl Default for ScoreWeights {
    fn default() -> Self {
        ScoreWeights { banned: [2.0, 5.0, 15.0], required_missed: 10.0 }
    }
}

/// One problem in a playbook, located by its JSON path (RFC 6901 pointer).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlaybookError {
    pub path: String,
    pub message: String,
}

impl fmt::Display for PlaybookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() { "/" } else { &self.path };
        write!(f, "{path}: {}", self.message)
    }
}

/// Every problem found in a playbook; never empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlaybookErrors(pub Vec<PlaybookError>);

impl fmt::Display for PlaybookErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for PlaybookErrors {}

/// Playbooks shipped with Linesman, by id.
pub const BUILTIN: &[(&str, &str)] = &[
    ("retail-zh", include_str!("../playbooks/retail-zh.json")),
    ("bank-zh", include_str!("../playbooks/bank-zh.json")),
    ("telecom-tw", include_str!("../playbooks/telecom-tw.json")),
    ("retail-en", include_str!("../playbooks/retail-en.json")),
];

const LOCALES: &[&str] = &["zh-CN", "zh-TW", "en"];
// Field names, kept in step with `playbook.schema.json` by a test.
const TOP_KEYS: &[&str] = &["playbook", "version", "locale", "banned", "required", "triggers", "pii", "score"];
const BANNED_KEYS: &[&str] = &["id", "label", "category", "severity", "speaker", "phrases", "allow", "suggest"];
const REQUIRED_KEYS: &[&str] =
    &["id", "label", "speaker", "phrases", "min_similarity", "trigger", "deadline", "warn_before_seconds"];
const TRIGGER_KEYS: &[&str] =
    &["id", "label", "when", "suggest", "flag", "reason", "cooldown_messages", "cooldown_seconds", "once"];
/// The first `WHEN_CONDITIONS` of `WHEN_KEYS` are conditions (exactly one
/// per trigger); the rest qualify the emotion condition.
const WHEN_CONDITIONS: usize = 6;
const WHEN_KEYS: &[&str] = &[
    "customer_says",
    "emotion",
    "repeated_question",
    "customer_waiting_seconds",
    "banned_severity",
    "required_missed",
    "min_intensity",
    "consecutive",
    "rising",
    "recovered",
];
const MAX_PHRASE_CHARS: usize = 500;
/// Share of a required phrase's character bigrams a paraphrase must have.
const DEFAULT_SIMILARITY: f64 = 0.75;
/// `min_chars` for [`Reader::strings`]: plain text, a phrase, a statement.
const TEXT: usize = 0;
const PHRASE: usize = 1;
const STATEMENT: usize = 2;

impl Playbook {
    /// Parses and validates a playbook; on failure lists every problem.
    pub fn from_json(json: &str) -> Result<Playbook, PlaybookErrors> {
        let value: Value = serde_json::from_str(json).map_err(|e| {
            PlaybookErrors(vec![PlaybookError {
                path: String::new(),
                message: format!("invalid JSON at line {} column {}: {e}", e.line(), e.column()),
            }])
        })?;
        Playbook::from_value(&value)
    }

    /// Validates an already parsed JSON value.
    pub fn from_value(value: &Value) -> Result<Playbook, PlaybookErrors> {
        let mut r = Reader::default();
        let pb = r.playbook(value);
        match pb {
            Some(pb) if r.errors.is_empty() => Ok(pb),
            _ => {
                if r.errors.is_empty() {
                    r.err("", "not a valid playbook");
                }
                Err(PlaybookErrors(r.errors))
            }
        }
    }

    /// A built-in playbook by id (see [`BUILTIN`]).
    pub fn builtin(id: &str) -> Option<Playbook> {
        let (_, json) = BUILTIN.iter().find(|(name, _)| *name == id)?;
        Playbook::from_json(json).ok()
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn locale(&self) -> &str {
        &self.locale
    }

    /// Every rule's id and label (banned, required, then triggers), for UIs
    /// that name the rule behind an event.
    pub fn labels(&self) -> impl Iterator<Item = (&str, Option<&str>)> {
        let banned = self.banned.iter().map(|r| (r.id.as_str(), r.label.as_deref()));
        let required = self.required.iter().map(|r| (r.id.as_str(), r.label.as_deref()));
        let triggers = self.triggers.iter().map(|r| (r.id.as_str(), r.label.as_deref()));
        banned.chain(required).chain(triggers)
    }
}

#[derive(Default)]
struct Reader {
    errors: Vec<PlaybookError>,
}

fn child(path: &str, key: &str) -> String {
    format!("{path}/{}", key.replace('~', "~0").replace('/', "~1"))
}

fn index(path: &str, i: usize) -> String {
    format!("{path}/{i}")
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl Reader {
    fn err(&mut self, path: &str, message: impl Into<String>) {
        self.errors.push(PlaybookError { path: path.to_string(), message: message.into() });
    }

    fn expected(&mut self, path: &str, what: &str, got: &Value) {
        self.err(path, format!("expected {what}, got {}", type_name(got)));
    }

    /// An object whose keys are all in `known` (annotations `$schema`,
    /// `description`, `comment` and `x-…` keys are always allowed).
    fn object<'v>(&mut self, path: &str, v: &'v Value, known: &[&str]) -> Option<&'v Map<String, Value>> {
        let Value::Object(map) = v else {
            self.expected(path, "an object", v);
            return None;
        };
        for key in map.keys() {
            let annotation = matches!(key.as_str(), "$schema" | "description" | "comment") || key.starts_with("x-");
            if !annotation && !known.contains(&key.as_str()) {
                self.err(&child(path, key), format!("unknown field (expected one of: {})", known.join(", ")));
            }
        }
        Some(map)
    }

    fn required<'v>(&mut self, path: &str, map: &'v Map<String, Value>, key: &str) -> Option<&'v Value> {
        let v = map.get(key);
        if v.is_none() {
            self.err(&child(path, key), "missing required field");
        }
        v
    }

    fn string(&mut self, path: &str, v: &Value) -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            _ => {
                self.expected(path, "a string", v);
                None
            }
        }
    }

    fn opt_string(&mut self, path: &str, map: &Map<String, Value>, key: &str) -> Option<String> {
        map.get(key).and_then(|v| self.string(&child(path, key), v))
    }

    fn id(&mut self, path: &str, map: &Map<String, Value>, seen: &mut HashSet<String>) -> String {
        let Some(v) = self.required(path, map, "id") else {
            return String::new();
        };
        let path = child(path, "id");
        let Some(id) = self.string(&path, v) else {
            return String::new();
        };
        let ok = !id.is_empty()
            && id.len() <= 64
            && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !ok {
            self.err(&path, "expected 1-64 chars of a-z, A-Z, 0-9, '-', '_', '.'");
        } else if !seen.insert(id.clone()) {
            self.err(&path, format!("duplicate rule id {id:?}"));
        }
        id
    }

    /// A list of strings. For phrases (`min_chars` > 0) each one must leave
    /// at least that many chars to match after normalisation.
    fn strings(&mut self, path: &str, v: &Value, non_empty: bool, min_chars: usize) -> Vec<String> {
        let Value::Array(items) = v else {
            self.expected(path, "an array of strings", v);
            return Vec::new();
        };
        if non_empty && items.is_empty() {
            self.err(path, "expected at least one entry");
        }
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let p = index(path, i);
            let Some(s) = self.string(&p, item) else {
                continue;
            };
            if min_chars > 0 {
                if s.chars().count() > MAX_PHRASE_CHARS {
                    self.err(&p, format!("phrase longer than {MAX_PHRASE_CHARS} chars"));
                    continue;
                }
                let len = normalize(&s, Masks::Keep).chars.len();
                if len == 0 {
                    self.err(&p, "phrase has nothing to match once spaces and punctuation are ignored");
                    continue;
                }
                if len < min_chars {
                    self.err(&p, format!("a statement needs at least {min_chars} characters to match"));
                    continue;
                }
            } else if s.trim().is_empty() {
                self.err(&p, "expected a non-empty string");
                continue;
            }
            out.push(s);
        }
        out
    }

    fn opt_strings(&mut self, path: &str, map: &Map<String, Value>, key: &str, min_chars: usize) -> Vec<String> {
        map.get(key).map(|v| self.strings(&child(path, key), v, false, min_chars)).unwrap_or_default()
    }

    fn uint(&mut self, path: &str, v: &Value, min: u64, max: u64) -> Option<u64> {
        match v.as_u64() {
            Some(n) if (min..=max).contains(&n) => Some(n),
            _ => {
                let what = format!("an integer from {min} to {max}");
                match v {
                    Value::Number(_) => self.err(path, format!("expected {what}, got {v}")),
                    _ => self.expected(path, &what, v),
                }
                None
            }
        }
    }

    fn opt_uint(&mut self, path: &str, map: &Map<String, Value>, key: &str, min: u64, max: u64) -> Option<u64> {
        map.get(key).and_then(|v| self.uint(&child(path, key), v, min, max))
    }

    fn number(&mut self, path: &str, v: &Value, min: f64, max: f64) -> Option<f64> {
        match v.as_f64() {
            Some(n) if n >= min && n <= max => Some(n),
            _ => {
                self.err(path, format!("expected a number from {min} to {max}, got {v}"));
                None
            }
        }
    }

    fn one_of<T: Copy>(&mut self, path: &str, v: &Value, options: &[(&str, T)]) -> Option<T> {
        let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
        match v.as_str().and_then(|s| options.iter().find(|(n, _)| *n == s)) {
            Some((_, t)) => Some(*t),
            None => {
                self.err(path, format!("expected one of {}, got {v}", names.join(", ")));
                None
            }
        }
    }

    fn bool(&mut self, path: &str, map: &Map<String, Value>, key: &str) -> bool {
        match map.get(key) {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(v) => {
                self.expected(&child(path, key), "a boolean", v);
                false
            }
        }
    }

    fn list<'v>(&mut self, path: &str, map: &'v Map<String, Value>, key: &str) -> &'v [Value] {
        match map.get(key) {
            None => &[],
            Some(Value::Array(items)) => items,
            Some(v) => {
                self.expected(&child(path, key), "an array", v);
                &[]
            }
        }
    }

    fn playbook(&mut self, v: &Value) -> Option<Playbook> {
        let map = self.object("", v, TOP_KEYS)?;
        let id = self.required("", map, "playbook").and_then(|v| self.string("/playbook", v));
        let version = self.required("", map, "version").and_then(|v| self.string("/version", v));
        let locale = match map.get("locale") {
            None => "zh-CN".to_string(),
            Some(v) => {
                let options: Vec<(&str, &str)> = LOCALES.iter().map(|l| (*l, *l)).collect();
                self.one_of("/locale", v, &options).unwrap_or("zh-CN").to_string()
            }
        };
        let mut ids = HashSet::new();
        let banned = self.list("", map, "banned");
        let banned: Vec<BannedRule> =
            banned.iter().enumerate().filter_map(|(i, v)| self.banned(&index("/banned", i), v, &mut ids)).collect();
        let required = self.list("", map, "required");
        let required: Vec<RequiredRule> = required
            .iter()
            .enumerate()
            .filter_map(|(i, v)| self.required_rule(&index("/required", i), v, &mut ids))
            .collect();
        let required_ids: HashSet<&str> = required.iter().map(|r| r.id.as_str()).collect();
        let triggers = self.list("", map, "triggers");
        let triggers: Vec<TriggerRule> = triggers
            .iter()
            .enumerate()
            .filter_map(|(i, v)| self.trigger(&index("/triggers", i), v, &mut ids, &required_ids))
            .collect();
        let pii = match map.get("pii") {
            None => PiiKind::ALL.to_vec(),
            Some(v) => self.pii(v),
        };
        let score = map.get("score").map(|v| self.score(v)).unwrap_or_default();
        Some(Playbook { id: id?, version: version?, locale, banned, required, triggers, pii, score })
    }

    fn banned(&mut self, path: &str, v: &Value, ids: &mut HashSet<String>) -> Option<BannedRule> {
        let map = self.object(path, v, BANNED_KEYS)?;
        let id = self.id(path, map, ids);
        let label = self.opt_string(path, map, "label");
        if let Some(v) = map.get("category") {
            let categories = ["taboo", "blame", "profanity", "over_promise", "rude", "privacy", "other"];
            let options: Vec<(&str, ())> = categories.iter().map(|c| (*c, ())).collect();
            self.one_of(&child(path, "category"), v, &options);
        }
        let severity = self.severity(path, map, "severity").unwrap_or(Severity::Medium);
        let speaker = self.speaker(path, map, Speaker::Agent);
        let phrases = match self.required(path, map, "phrases") {
            Some(v) => self.strings(&child(path, "phrases"), v, true, PHRASE),
            None => Vec::new(),
        };
        let allow = self.opt_strings(path, map, "allow", PHRASE);
        let suggest = self.opt_strings(path, map, "suggest", TEXT);
        Some(BannedRule { id, label, severity, speaker, phrases, allow, suggest })
    }

    fn severity(&mut self, path: &str, map: &Map<String, Value>, key: &str) -> Option<Severity> {
        let options = [("low", Severity::Low), ("medium", Severity::Medium), ("high", Severity::High)];
        map.get(key).and_then(|v| self.one_of(&child(path, key), v, &options))
    }

    fn speaker(&mut self, path: &str, map: &Map<String, Value>, default: Speaker) -> Speaker {
        let options = [("agent", Speaker::Agent), ("customer", Speaker::Customer), ("any", Speaker::Any)];
        map.get("speaker").and_then(|v| self.one_of(&child(path, "speaker"), v, &options)).unwrap_or(default)
    }

    fn required_rule(&mut self, path: &str, v: &Value, ids: &mut HashSet<String>) -> Option<RequiredRule> {
        let map = self.object(path, v, REQUIRED_KEYS)?;
        let id = self.id(path, map, ids);
        let label = self.opt_string(path, map, "label");
        let speaker = self.speaker(path, map, Speaker::Agent);
        let phrases = match self.required(path, map, "phrases") {
            Some(v) => self.strings(&child(path, "phrases"), v, true, STATEMENT),
            None => Vec::new(),
        };
        let min_similarity = match map.get("min_similarity") {
            Some(v) => self.number(&child(path, "min_similarity"), v, 0.3, 1.0).unwrap_or(DEFAULT_SIMILARITY),
            None => DEFAULT_SIMILARITY,
        };
        let trigger = map.get("trigger").and_then(|v| {
            let tpath = child(path, "trigger");
            let t = self.object(&tpath, v, &["customer_says"])?;
            let says = self.required(&tpath, t, "customer_says")?;
            Some(self.strings(&child(&tpath, "customer_says"), says, true, PHRASE))
        });
        let deadline = match self.required(path, map, "deadline") {
            Some(v) => self.deadline(&child(path, "deadline"), v),
            None => None,
        };
        let warn_before_seconds = self.opt_uint(path, map, "warn_before_seconds", 1, 86_400);
        if let (Some(w), Some(d)) = (warn_before_seconds, deadline) {
            match d {
                Deadline::Within { seconds: Some(s), .. } if w < s => {}
                Deadline::Within { seconds: Some(_), .. } => {
                    self.err(&child(path, "warn_before_seconds"), "must be less than the deadline's seconds")
                }
                _ => self.err(&child(path, "warn_before_seconds"), "only applies to a deadline in seconds"),
            }
        }
        Some(RequiredRule {
            id,
            label,
            speaker,
            phrases,
            min_similarity,
            trigger,
            deadline: deadline.unwrap_or(Deadline::End),
            warn_before_seconds,
        })
    }

    fn deadline(&mut self, path: &str, v: &Value) -> Option<Deadline> {
        if let Value::String(s) = v {
            if s == "end" {
                return Some(Deadline::End);
            }
        }
        let Value::Object(_) = v else {
            self.err(
                path,
                format!(
                    "expected \"end\" or an object like {{\"agent_messages\": 2}} or {{\"seconds\": 60}}, got {}",
                    type_name(v)
                ),
            );
            return None;
        };
        let map = self.object(path, v, &["agent_messages", "seconds"])?;
        let agent_messages = self.opt_uint(path, map, "agent_messages", 1, 10_000).map(|n| n as u32);
        let seconds = self.opt_uint(path, map, "seconds", 1, 7 * 86_400);
        if !map.contains_key("agent_messages") && !map.contains_key("seconds") {
            self.err(path, "expected \"agent_messages\" and/or \"seconds\"");
        }
        Some(Deadline::Within { agent_messages, seconds })
    }

    fn trigger(
        &mut self,
        path: &str,
        v: &Value,
        ids: &mut HashSet<String>,
        required: &HashSet<&str>,
    ) -> Option<TriggerRule> {
        let map = self.object(path, v, TRIGGER_KEYS)?;
        let id = self.id(path, map, ids);
        let label = self.opt_string(path, map, "label");
        let when = self.required(path, map, "when").and_then(|v| self.condition(&child(path, "when"), v, required));
        let suggest = self.opt_strings(path, map, "suggest", TEXT);
        let flag = self.severity(path, map, "flag");
        if suggest.is_empty() && flag.is_none() && !map.contains_key("suggest") && !map.contains_key("flag") {
            self.err(path, "a trigger needs an action: \"suggest\" and/or \"flag\"");
        }
        let reason = self.opt_string(path, map, "reason");
        let cooldown_messages = self.opt_uint(path, map, "cooldown_messages", 0, 100_000).unwrap_or(0) as u32;
        let cooldown_seconds = self.opt_uint(path, map, "cooldown_seconds", 0, 7 * 86_400).unwrap_or(0);
        let once = self.bool(path, map, "once");
        Some(TriggerRule { id, label, when: when?, suggest, flag, reason, cooldown_messages, cooldown_seconds, once })
    }

    fn condition(&mut self, path: &str, v: &Value, required: &HashSet<&str>) -> Option<Condition> {
        let kinds = &WHEN_KEYS[..WHEN_CONDITIONS];
        let map = self.object(path, v, WHEN_KEYS)?;
        let present: Vec<&str> = kinds.iter().copied().filter(|k| map.contains_key(*k)).collect();
        if present.len() != 1 {
            self.err(path, format!("expected exactly one condition of: {}", kinds.join(", ")));
            return None;
        }
        for &extra in &WHEN_KEYS[WHEN_CONDITIONS..] {
            if map.contains_key(extra) && present[0] != "emotion" {
                self.err(&child(path, extra), "only applies to an \"emotion\" condition");
            }
        }
        let key = present[0];
        let p = child(path, key);
        let v = &map[key];
        match key {
            "customer_says" => Some(Condition::CustomerSays(self.strings(&p, v, true, PHRASE))),
            "emotion" => {
                let labels = match v {
                    Value::Array(items) if !items.is_empty() => items
                        .iter()
                        .enumerate()
                        .filter_map(|(i, item)| {
                            let options: Vec<(&str, EmotionLabel)> =
                                EmotionLabel::ALL.iter().map(|l| (l.name(), *l)).collect();
                            self.one_of(&index(&p, i), item, &options)
                        })
                        .collect(),
                    _ => {
                        self.err(&p, "expected a non-empty array of emotion labels");
                        Vec::new()
                    }
                };
                let min_intensity = self.opt_uint(path, map, "min_intensity", 1, 5).unwrap_or(1) as u8;
                let consecutive = self.opt_uint(path, map, "consecutive", 1, 1000).unwrap_or(1) as u32;
                let rising = self.bool(path, map, "rising");
                let recovered = self.bool(path, map, "recovered");
                Some(Condition::Emotion { labels, min_intensity, consecutive, rising, recovered })
            }
            "repeated_question" => self.uint(&p, v, 2, 100).map(|n| Condition::RepeatedQuestion(n as u32)),
            "customer_waiting_seconds" => self.uint(&p, v, 1, 86_400).map(Condition::CustomerWaiting),
            "banned_severity" => {
                let options = [("low", Severity::Low), ("medium", Severity::Medium), ("high", Severity::High)];
                self.one_of(&p, v, &options).map(Condition::BannedSeverity)
            }
            _ => match v {
                Value::Bool(true) => Some(Condition::RequiredMissed(None)),
                Value::Array(_) => {
                    let rules = self.strings(&p, v, true, TEXT);
                    for (i, r) in rules.iter().enumerate() {
                        if !required.contains(r.as_str()) {
                            self.err(&index(&p, i), format!("no required rule has id {r:?}"));
                        }
                    }
                    Some(Condition::RequiredMissed(Some(rules)))
                }
                _ => {
                    self.err(&p, "expected true or an array of required rule ids");
                    None
                }
            },
        }
    }

    fn pii(&mut self, v: &Value) -> Vec<PiiKind> {
        let Some(map) = self.object("/pii", v, &["mask"]) else {
            return PiiKind::ALL.to_vec();
        };
        let Some(mask) = map.get("mask") else {
            return PiiKind::ALL.to_vec();
        };
        let Value::Array(items) = mask else {
            self.expected("/pii/mask", "an array", mask);
            return PiiKind::ALL.to_vec();
        };
        let options: Vec<(&str, PiiKind)> = PiiKind::ALL.iter().map(|k| (k.name(), *k)).collect();
        let mut kinds = Vec::new();
        for (i, item) in items.iter().enumerate() {
            if let Some(k) = self.one_of(&index("/pii/mask", i), item, &options) {
                if !kinds.contains(&k) {
                    kinds.push(k);
                }
            }
        }
        kinds
    }

    fn score(&mut self, v: &Value) -> ScoreWeights {
        let mut w = ScoreWeights::default();
        let Some(map) = self.object("/score", v, &["banned", "required_missed"]) else {
            return w;
        };
        if let Some(b) = map.get("banned") {
            if let Some(bm) = self.object("/score/banned", b, &["low", "medium", "high"]) {
                for (i, key) in ["low", "medium", "high"].iter().enumerate() {
                    if let Some(v) = bm.get(*key) {
                        w.banned[i] = self.number(&child("/score/banned", key), v, 0.0, 100.0).unwrap_or(w.banned[i]);
                    }
                }
            }
        }
        if let Some(v) = map.get("required_missed") {
            w.required_missed = self.number("/score/required_missed", v, 0.0, 100.0).unwrap_or(w.required_missed);
        }
        w
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(json: &str) -> Vec<String> {
        match Playbook::from_json(json) {
            Ok(_) => Vec::new(),
            Err(e) => e.0.iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn builtin_playbooks_are_valid() {
        for (name, json) in BUILTIN {
            let pb = Playbook::from_json(json).unwrap_or_else(|e| panic!("{name}:\n{e}"));
            assert_eq!(pb.id(), *name);
        }
    }

    #[test]
    fn every_problem_is_listed_with_its_path() {
        let json = r#"{
            "playbook": "x", "version": "1",
            "banned": [{"id": "a", "phrases": []}, {"id": "a", "phrases": ["ok", "!!!"], "severity": "extreme"}],
            "required": [{"id": "g", "phrases": ["hi"], "deadline": {"agent_messages": 0}},
                         {"id": "h", "phrases": ["hi"], "deadline": 5, "colour": "red"}],
            "triggers": [{"id": "t", "when": {"emotion": ["furious"]}, "flag": "high"},
                         {"id": "u", "when": {"required_missed": ["nope"]}},
                         {"id": "v", "when": {"repeated_question": 3, "customer_says": ["x"]}, "flag": "low"}],
            "pii": {"mask": ["cn_mobile", "passport"]}
        }"#;
        let got = errors(json);
        let want = [
            "/banned/0/phrases: expected at least one entry",
            "/banned/1/id: duplicate rule id \"a\"",
            "/banned/1/severity: expected one of low, medium, high, got \"extreme\"",
            "/banned/1/phrases/1: phrase has nothing to match once spaces and punctuation are ignored",
            "/required/0/deadline/agent_messages: expected an integer from 1 to 10000, got 0",
            "/required/1/colour: unknown field",
            "/required/1/deadline: expected \"end\" or an object",
            "/triggers/0/when/emotion/0: expected one of angry, anxious, frustrated, confused, neutral, satisfied, got \"furious\"",
            "/triggers/1/when/required_missed/0: no required rule has id \"nope\"",
            "/triggers/1: a trigger needs an action",
            "/triggers/2/when: expected exactly one condition",
            "/pii/mask/1: expected one of cn_mobile",
        ];
        for w in want {
            assert!(got.iter().any(|g| g.starts_with(w)), "missing {w:?} in\n{}", got.join("\n"));
        }
        assert_eq!(got.len(), want.len(), "{}", got.join("\n"));
    }

    #[test]
    fn emotion_qualifiers_only_go_with_an_emotion_condition() {
        let json = r#"{"playbook": "x", "version": "1", "triggers": [
            {"id": "a", "when": {"repeated_question": 2, "rising": true, "consecutive": 2}, "flag": "low"},
            {"id": "b", "when": {"emotion": ["angry"], "rising": "yes"}, "flag": "low"}]}"#;
        let got = errors(json);
        assert_eq!(
            got,
            [
                "/triggers/0/when/consecutive: only applies to an \"emotion\" condition",
                "/triggers/0/when/rising: only applies to an \"emotion\" condition",
                "/triggers/1/when/rising: expected a boolean, got a string",
            ],
            "{}",
            got.join("\n")
        );
    }

    #[test]
    fn syntax_errors_name_line_and_column() {
        let got = errors("{\n  \"playbook\": \"x\",\n  oops\n}");
        assert_eq!(got.len(), 1);
        assert!(got[0].starts_with("/: invalid JSON at line 3 column 3"), "{got:?}");
    }

    #[test]
    fn odd_documents_are_refused_not_panicked_on() {
        for json in ["", "null", "[]", "7", "\"x\"", "{}", "{\"playbook\": 1, \"version\": []}"] {
            assert!(!errors(json).is_empty(), "{json:?}");
        }
    }

    #[test]
    fn the_published_schema_matches_the_reader() {
        let schema: Value = serde_json::from_str(include_str!("../playbook.schema.json")).unwrap();
        let keys = |v: &Value| {
            let mut k: Vec<String> = v["properties"].as_object().unwrap().keys().cloned().collect();
            k.sort();
            k
        };
        let sorted = |k: &[&str]| {
            let mut k: Vec<String> = k.iter().map(|s| s.to_string()).collect();
            k.sort();
            k
        };
        let defs = &schema["$defs"];
        assert_eq!(keys(&schema), sorted(TOP_KEYS));
        assert_eq!(keys(&defs["banned"]), sorted(BANNED_KEYS));
        assert_eq!(keys(&defs["required"]), sorted(REQUIRED_KEYS));
        assert_eq!(keys(&defs["trigger"]), sorted(TRIGGER_KEYS));
        assert_eq!(keys(&defs["trigger"]["properties"]["when"]), sorted(WHEN_KEYS));
        let names = |v: &Value| {
            v["enum"].as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_string()).collect::<Vec<_>>()
        };
        let pii: Vec<String> = PiiKind::ALL.iter().map(|k| k.name().to_string()).collect();
        assert_eq!(names(&defs["piiKind"]), pii);
        let emotions: Vec<String> = EmotionLabel::ALL.iter().map(|l| l.name().to_string()).collect();
        assert_eq!(names(&defs["emotion"]), emotions);
        assert_eq!(names(&schema["properties"]["locale"]), LOCALES);
    }
}
