//! [`Conversation`]: the state of one chat, fed a message at a time.
//!
//! For each message: mask PII, run the detectors for the speaker, update
//! deadlines and emotion, then let the triggers turn what happened into
//! suggestions and flags. The clock (message timestamps or [`Conversation::tick`])
//! drives second-based deadlines and waiting times.

use serde::{Deserialize, Serialize};

use crate::emotion::{EmotionLabel, EmotionReading};
use crate::engine::{Compiled, Engine, Says};
use crate::event::{Event, EventKind, Severity, Span, Utf16Cursor};
use crate::phrase::Prepared;
use crate::pii;
use crate::playbook::{Condition, Deadline, RequiredRule, Speaker, TriggerRule};
use crate::similar::{common, gram_set, Gram};

/// Who wrote a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Agent,
    Customer,
    System,
}

/// One chat message.
/// Unknown fields are ignored: exports carry many (agent ids, channels).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub role: Role,
    pub text: String,
    /// Milliseconds since the Unix epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ts: Option<u64>,
}

impl Message {
    pub fn new(role: Role, text: impl Into<String>) -> Message {
        Message { role, text: text.into(), ts: None }
    }

    pub fn at(mut self, ts: u64) -> Message {
        self.ts = Some(ts);
        self
    }
}

/// Where a required statement stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RequiredState {
    /// Waiting for its trigger (e.g. the customer has not asked for a refund).
    Inactive,
    /// Not said yet; the deadline is not near.
    Pending,
    /// Not said yet; the deadline is near.
    Due,
    Met,
    Missed,
}

/// A line of the compliance checklist.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChecklistItem {
    pub rule: String,
    pub label: Option<String>,
    pub state: RequiredState,
    /// Said, but after the deadline.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub late: bool,
    /// When a deadline in seconds passes (ms since the epoch), for a countdown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline_ts: Option<u64>,
    /// Agent messages left before the deadline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remaining_messages: Option<u32>,
}

/// A point of the customer's emotion trajectory.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct EmotionPoint {
    pub msg: usize,
    pub label: EmotionLabel,
    pub intensity: u8,
}

impl EmotionPoint {
    /// Negative at intensity 3 or more: what "recovered" recovers from.
    fn upset(&self) -> bool {
        self.label.is_negative() && self.intensity >= 3
    }
}

/// Escalation level for `rising`: a negative reading's intensity, else 1.
fn escalation(label: EmotionLabel, intensity: u8) -> u8 {
    if label.is_negative() {
        intensity
    } else {
        1
    }
}

/// The outcome of a conversation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    /// 0–100, from the playbook's weights.
    pub score: u32,
    pub tags: Vec<String>,
    pub checklist: Vec<ChecklistItem>,
    pub trajectory: Vec<EmotionPoint>,
    pub messages: usize,
    pub flags: usize,
}

#[derive(Clone, Copy, Debug, Default)]
struct Clock {
    /// Agent messages seen when the rule became active.
    agent_messages: u32,
    /// Time it became active, when known.
    ts: Option<u64>,
}

#[derive(Clone, Debug)]
struct Required {
    state: RequiredState,
    late: bool,
    since: Option<Clock>,
    due_sent: bool,
}

impl Required {
    /// Active and not yet said: its deadline can still pass.
    fn is_open(&self) -> bool {
        matches!(self.state, RequiredState::Pending | RequiredState::Due)
    }
}

#[derive(Clone, Debug, Default)]
struct Trigger {
    fired: u32,
    last_msg: Option<usize>,
    last_ts: Option<u64>,
    /// Emotion triggers: matching customer messages in a row.
    streak: u32,
    /// Waiting triggers: the wait (its start) already flagged.
    wait_fired: Option<u64>,
}

/// A customer question and how many times it has been asked.
struct Question {
    grams: Vec<Gram>,
    cluster: usize,
}

/// A masked message for a flag to quote: which message, its text, and
/// the char to centre the excerpt on.
#[derive(Clone, Debug)]
struct Quote {
    msg: Option<usize>,
    text: String,
    at: usize,
}

/// What happened in one step, for the triggers to read.
#[derive(Default)]
struct Step<'a> {
    says: Vec<(usize, &'a str)>,
    emotion: Option<EmotionReading>,
    repeated: Option<u32>,
    banned: Vec<(Severity, String)>,
    missed: Vec<usize>,
    /// A customer waiting for a reply: (since, waited ms).
    waiting: Option<(u64, u64)>,
    /// What a flag raised in this step quotes.
    excerpt: Option<Quote>,
}

/// One chat, fed a message at a time.
pub struct Conversation {
    engine: Engine,
    messages: usize,
    agent_messages: u32,
    now: Option<u64>,
    required: Vec<Required>,
    triggers: Vec<Trigger>,
    trajectory: Vec<EmotionPoint>,
    /// Last two customer messages, for emotion context.
    recent: Vec<String>,
    questions: Vec<Question>,
    clusters: Vec<u32>,
    /// First customer message still without an agent reply: (ts, masked text).
    waiting: Option<(Option<u64>, Quote)>,
    /// The last message, masked, for flags raised by the clock.
    last_quote: Option<Quote>,
    penalty: f64,
    banned_seen: bool,
    pii_seen: bool,
    flags: usize,
    fired_kinds: Vec<&'static str>,
    ended: bool,
}

const EXCERPT_CHARS: usize = 120;
const MAX_QUESTIONS: usize = 50;

impl Conversation {
    pub(crate) fn new(engine: Engine) -> Conversation {
        let pb = &engine.inner.playbook;
        let required = pb
            .required
            .iter()
            .map(|r| Required {
                state: if r.trigger.is_some() { RequiredState::Inactive } else { RequiredState::Pending },
                late: false,
                since: if r.trigger.is_some() { None } else { Some(Clock::default()) },
                due_sent: false,
            })
            .collect();
        let triggers = vec![Trigger::default(); pb.triggers.len()];
        Conversation {
            engine,
            messages: 0,
            agent_messages: 0,
            now: None,
            required,
            triggers,
            trajectory: Vec::new(),
            recent: Vec::new(),
            questions: Vec::new(),
            clusters: Vec::new(),
            waiting: None,
            last_quote: None,
            penalty: 0.0,
            banned_seen: false,
            pii_seen: false,
            flags: 0,
            fired_kinds: Vec::new(),
            ended: false,
        }
    }

    fn last_msg(&self) -> Option<usize> {
        self.messages.checked_sub(1)
    }

    /// Takes the next message; returns the events it caused, in order:
    /// deadlines that passed before it, PII, banned phrases, emotion,
    /// required statements, then suggestions and flags.
    pub fn observe(&mut self, message: &Message) -> Vec<Event> {
        let engine = self.engine.clone();
        let c: &Compiled = &engine.inner;
        let mut events = Vec::new();
        if let Some(ts) = message.ts {
            // Time passed before this message: deadlines may have gone by.
            events.extend(self.tick(ts));
            for r in &mut self.required {
                if let Some(clock) = &mut r.since {
                    clock.ts.get_or_insert(ts);
                }
            }
        }
        let idx = self.messages;
        self.messages += 1;
        let text = message.text.as_str();
        let hits = pii::scan(text, &c.playbook.pii);
        let masked = pii::mask(text, &hits);
        self.pii_seen |= !hits.is_empty();
        let mut utf16 = Utf16Cursor::new(text);
        for h in &hits {
            events.push(Event {
                msg: Some(idx),
                rule: Some(h.kind.name().to_string()),
                kind: EventKind::Pii { pii: h.kind, span: utf16.span(h.start, h.end), masked: h.masked.clone() },
            });
        }

        let mut step = Step::default();
        let speaker = match message.role {
            Role::Agent => Speaker::Agent,
            Role::Customer => Speaker::Customer,
            Role::System => {
                self.run_triggers(&mut step, Some(idx), &mut events);
                return events;
            }
        };
        // System messages only get their personal data masked.
        let p = Prepared::new(text);

        let banned = c.banned_events(&p, speaker, Some(idx), false);
        for e in &banned {
            if let EventKind::Banned { severity, span, .. } = &e.kind {
                // The score grades the agent: a customer's abuse costs nothing.
                if speaker == Speaker::Agent {
                    self.penalty += c.playbook.score.banned[*severity as usize];
                    self.banned_seen = true;
                }
                let rule = e.rule.clone().unwrap_or_default();
                step.banned.push((*severity, rule));
                step.excerpt.get_or_insert_with(|| Quote {
                    msg: Some(idx),
                    text: masked.clone(),
                    at: text[..span.byte_start].chars().count(),
                });
            }
        }
        events.extend(banned);

        let mut closing = false;
        if message.role == Role::Customer {
            for m in c.says.find(&p) {
                match c.says_owner[m.group as usize] {
                    Says::Trigger(t) => {
                        if let Condition::CustomerSays(list) = &c.playbook.triggers[t].when {
                            step.says.push((t, list[m.phrase as usize].as_str()));
                        }
                    }
                    Says::Required(r) => self.activate(r, message.ts),
                    Says::Closing => closing = true,
                }
            }
            let context: Vec<&str> = self.recent.iter().map(String::as_str).collect();
            let reading = c.emotion.classify(&p, &context);
            events.push(Event {
                msg: Some(idx),
                rule: None,
                kind: EventKind::Emotion {
                    label: reading.label,
                    intensity: reading.intensity,
                    scores: reading.scores,
                    source: c.emotion.source().to_string(),
                },
            });
            self.trajectory.push(EmotionPoint { msg: idx, label: reading.label, intensity: reading.intensity });
            step.emotion = Some(reading);
            step.repeated = self.ask(&p);
            self.recent.push(text.to_string());
            if self.recent.len() > 2 {
                self.recent.remove(0);
            }
            if self.waiting.is_none() {
                self.waiting = Some((message.ts, Quote { msg: Some(idx), text: masked.clone(), at: 0 }));
            }
            // "Thanks for nothing!" is no goodbye.
            closing &= !reading.label.is_negative();
        } else {
            self.agent_messages += 1;
            self.waiting = None;
        }
        // A flag quotes the message that raised it, masked.
        let quote = Quote { msg: Some(idx), text: masked, at: 0 };
        self.last_quote = Some(quote.clone());
        step.excerpt.get_or_insert(quote);

        self.statements(c, &p, speaker, idx, &mut events);
        self.count_deadlines(c, idx, closing, &mut step, &mut events);
        self.run_triggers(&mut step, Some(idx), &mut events);
        events
    }

    /// Required rule `r` missed its deadline.
    fn miss(&mut self, c: &Compiled, r: usize, msg: Option<usize>, step: &mut Step, events: &mut Vec<Event>) {
        self.required[r].state = RequiredState::Missed;
        self.penalty += c.playbook.score.required_missed;
        step.missed.push(r);
        events.push(Event { msg, rule: Some(c.playbook.required[r].id.clone()), kind: EventKind::RequiredMissed {} });
    }

    /// Required rule `r` is due: warned once.
    fn warn(&mut self, r: usize, due: Event, events: &mut Vec<Event>) {
        let req = &mut self.required[r];
        req.state = RequiredState::Due;
        req.due_sent = true;
        events.push(due);
    }

    /// Starts the clock of a triggered required rule (once).
    fn activate(&mut self, r: usize, ts: Option<u64>) {
        let req = &mut self.required[r];
        if req.state == RequiredState::Inactive {
            req.state = RequiredState::Pending;
            req.since = Some(Clock { agent_messages: self.agent_messages, ts });
        }
    }

    /// Required statements made in this message.
    fn statements(&mut self, c: &Compiled, p: &Prepared, speaker: Speaker, idx: usize, events: &mut Vec<Event>) {
        let rules = &c.playbook.required;
        let open = |r: usize| {
            let rule = &rules[r];
            let st = self.required[r].state;
            let listens = rule.speaker == Speaker::Any || rule.speaker == speaker;
            listens
                && matches!(st, RequiredState::Pending | RequiredState::Due | RequiredState::Missed)
                && !self.required[r].late
        };
        if !(0..rules.len()).any(&open) {
            return;
        }
        let hits = c.statements.find(&p.keep, open, |r| rules[r].min_similarity);
        for h in hits {
            let req = &mut self.required[h.group];
            let late = req.state == RequiredState::Missed;
            req.state = RequiredState::Met;
            req.late = late;
            events.push(Event {
                msg: Some(idx),
                rule: Some(rules[h.group].id.clone()),
                kind: EventKind::RequiredMet { span: Span::of(p.text, h.start, h.end), similarity: h.similarity, late },
            });
        }
    }

    /// Deadlines counted in agent messages, and end-of-conversation
    /// statements when the customer is wrapping up.
    fn count_deadlines(&mut self, c: &Compiled, idx: usize, closing: bool, step: &mut Step, events: &mut Vec<Event>) {
        for (r, rule) in c.playbook.required.iter().enumerate() {
            let req = &self.required[r];
            if !req.is_open() {
                continue;
            }
            let Some(clock) = req.since else { continue };
            let due_sent = req.due_sent;
            match rule.deadline {
                Deadline::Within { agent_messages: Some(n), .. } => {
                    let used = self.agent_messages - clock.agent_messages;
                    if used >= n {
                        self.miss(c, r, Some(idx), step, events);
                    } else if n - used == 1 && !due_sent {
                        self.warn(r, due(Some(idx), rule, Some(1), None, "last_message"), events);
                    }
                }
                Deadline::End if closing && !due_sent => {
                    self.warn(r, due(Some(idx), rule, None, None, "closing"), events);
                }
                _ => {}
            }
        }
    }

    /// Advances the clock to `now` (ms): deadlines in seconds and waiting
    /// customers. Returns what became due or was missed.
    pub fn tick(&mut self, now: u64) -> Vec<Event> {
        if self.ended {
            return Vec::new();
        }
        let now = self.now.map_or(now, |t| t.max(now));
        self.now = Some(now);
        let engine = self.engine.clone();
        let c: &Compiled = &engine.inner;
        let idx = self.last_msg();
        let mut events = Vec::new();
        let mut step = Step::default();
        for (r, rule) in c.playbook.required.iter().enumerate() {
            let req = &self.required[r];
            if !req.is_open() {
                continue;
            }
            let (Deadline::Within { seconds: Some(secs), .. }, Some(Clock { ts: Some(start), .. })) =
                (rule.deadline, req.since)
            else {
                continue;
            };
            let deadline = start.saturating_add(secs * 1000);
            let warn = warn_before(rule, secs) * 1000;
            if now >= deadline {
                self.miss(c, r, idx, &mut step, &mut events);
            } else if now.saturating_add(warn) >= deadline && !req.due_sent {
                let left = (deadline - now).div_ceil(1000);
                self.warn(r, due(idx, rule, None, Some(left), "time"), &mut events);
            }
        }
        if let Some((Some(since), quote)) = &self.waiting {
            step.waiting = Some((*since, now.saturating_sub(*since)));
            // A waiting flag quotes, and points at, the unanswered message.
            step.excerpt = Some(quote.clone());
        }
        if !step.missed.is_empty() && step.excerpt.is_none() {
            step.excerpt = self.last_quote.clone();
        }
        // Clock events belong to the last message, not to the one to come.
        self.run_triggers(&mut step, idx, &mut events);
        events
    }

    /// Ends the conversation: statements due "before the end" (and any
    /// other still open) are missed now.
    pub fn end(&mut self, now: Option<u64>) -> Vec<Event> {
        let mut events = now.map(|t| self.tick(t)).unwrap_or_default();
        if self.ended {
            return events;
        }
        self.ended = true;
        let engine = self.engine.clone();
        let c: &Compiled = &engine.inner;
        let idx = self.last_msg();
        let mut step = Step::default();
        for r in 0..self.required.len() {
            if self.required[r].is_open() {
                self.miss(c, r, idx, &mut step, &mut events);
            }
        }
        if !step.missed.is_empty() {
            step.excerpt = self.last_quote.clone();
        }
        self.run_triggers(&mut step, idx, &mut events);
        events
    }

    /// Tracks customer questions; returns how often this one was asked.
    fn ask(&mut self, p: &Prepared) -> Option<u32> {
        if !is_question(p.text) {
            return None;
        }
        let grams = gram_set(&p.keep);
        if grams.len() < 3 {
            return None;
        }
        let similar = self
            .questions
            .iter()
            .map(|q| {
                let shared = common(&q.grams, &grams);
                let overlap = shared as f64 / q.grams.len().min(grams.len()) as f64;
                (overlap, shared, q.cluster)
            })
            .filter(|(overlap, shared, _)| *overlap >= 0.5 && *shared >= 3)
            .max_by(|a, b| a.0.total_cmp(&b.0));
        let cluster = match similar {
            Some((_, _, cl)) => cl,
            None => {
                self.clusters.push(0);
                self.clusters.len() - 1
            }
        };
        self.clusters[cluster] += 1;
        // A repeat is about recent questions; keep the work per message bounded.
        if self.questions.len() == MAX_QUESTIONS {
            self.questions.remove(0);
        }
        self.questions.push(Question { grams, cluster });
        Some(self.clusters[cluster])
    }

    fn run_triggers(&mut self, step: &mut Step, idx: Option<usize>, events: &mut Vec<Event>) {
        let engine = self.engine.clone();
        for (t, rule) in engine.inner.playbook.triggers.iter().enumerate() {
            let Some(reason) = self.condition(t, rule, step) else {
                continue;
            };
            let state = &self.triggers[t];
            let at = idx.unwrap_or(0);
            let cooling_msgs = state.last_msg.is_some_and(|m| at < m.saturating_add(rule.cooldown_messages as usize));
            let cooling_secs = match (state.last_ts, self.now) {
                (Some(last), Some(now)) => now < last.saturating_add(rule.cooldown_seconds * 1000),
                _ => false,
            };
            if (rule.once && state.fired > 0) || cooling_msgs || cooling_secs {
                continue;
            }
            let state = &mut self.triggers[t];
            state.fired += 1;
            state.last_msg = Some(at);
            state.last_ts = self.now;
            // Kinds of trigger that fired, each once: the summary's tags.
            let kind = kind_tag(&rule.when);
            if !self.fired_kinds.contains(&kind) {
                self.fired_kinds.push(kind);
            }
            if !rule.suggest.is_empty() {
                events.push(Event {
                    msg: idx,
                    rule: Some(rule.id.clone()),
                    kind: EventKind::Suggestion { text: rule.suggest.clone() },
                });
            }
            if let Some(severity) = rule.flag {
                self.flags += 1;
                let quote = step.excerpt.as_ref();
                let excerpt = quote.map(|q| excerpt(&q.text, q.at)).unwrap_or_default();
                let reason = match (&rule.reason, &rule.label) {
                    (Some(r), _) => r.clone(),
                    (None, Some(label)) => format!("{label}: {reason}"),
                    (None, None) => reason,
                };
                events.push(Event {
                    msg: quote.and_then(|q| q.msg).or(idx),
                    rule: Some(rule.id.clone()),
                    kind: EventKind::Flag { severity, reason, excerpt },
                });
            }
        }
    }

    /// Whether trigger `t` fires on this step, and a default reason.
    fn condition(&mut self, t: usize, rule: &TriggerRule, step: &Step) -> Option<String> {
        let c = &self.engine.inner;
        match &rule.when {
            Condition::CustomerSays(_) => {
                let (_, phrase) = step.says.iter().find(|(tt, _)| *tt == t)?;
                Some(format!("customer said \"{phrase}\""))
            }
            Condition::Emotion { labels, min_intensity, consecutive, rising, recovered } => {
                let reading = step.emotion?;
                // The trajectory before this message (its last point is this one).
                let earlier = &self.trajectory[..self.trajectory.len().saturating_sub(1)];
                let escalates = !*rising
                    || escalation(reading.label, reading.intensity)
                        > earlier.last().map_or(1, |p| escalation(p.label, p.intensity));
                let recovers = !*recovered || (!reading.label.is_negative() && earlier.iter().any(EmotionPoint::upset));
                let state = &mut self.triggers[t];
                if labels.contains(&reading.label) && reading.intensity >= *min_intensity && escalates && recovers {
                    state.streak += 1;
                } else {
                    state.streak = 0;
                }
                // With a cooldown, fires on every matching message once the
                // streak is long enough (the cooldown paces it); without,
                // only as the streak reaches its length.
                let paced = rule.cooldown_messages > 0 || rule.cooldown_seconds > 0;
                let fire = if paced { state.streak >= *consecutive } else { state.streak == *consecutive };
                fire.then(|| {
                    format!(
                        "customer {} (intensity {}) for {} message(s)",
                        reading.label.name(),
                        reading.intensity,
                        consecutive
                    )
                })
            }
            Condition::RepeatedQuestion(n) => {
                (step.repeated? == *n).then(|| format!("customer asked the same question {n} times"))
            }
            Condition::CustomerWaiting(secs) => {
                let (since, waited) = step.waiting?;
                let state = &mut self.triggers[t];
                if waited < secs * 1000 || state.wait_fired == Some(since) {
                    return None;
                }
                state.wait_fired = Some(since);
                Some(format!("customer waiting {}s for a reply", waited / 1000))
            }
            Condition::BannedSeverity(min) => {
                let (sev, id) = step.banned.iter().filter(|(s, _)| s >= min).max_by_key(|(s, _)| *s)?;
                Some(format!("banned phrase ({id}, {})", sev.name()))
            }
            Condition::RequiredMissed(which) => {
                let r = step.missed.iter().copied().find(|r| {
                    let id = &c.playbook.required[*r].id;
                    which.as_ref().is_none_or(|w| w.contains(id))
                })?;
                Some(format!("required statement missed: {}", c.playbook.required[r].id))
            }
        }
    }

    /// The compliance checklist now.
    pub fn checklist(&self) -> Vec<ChecklistItem> {
        let pb = &self.engine.inner.playbook;
        pb.required
            .iter()
            .zip(&self.required)
            .map(|(rule, req)| {
                let open = req.is_open();
                let (deadline_ts, remaining_messages) = match (rule.deadline, req.since) {
                    (Deadline::Within { agent_messages, seconds }, Some(clock)) if open => (
                        seconds.and_then(|s| clock.ts.map(|t| t.saturating_add(s * 1000))),
                        agent_messages.map(|n| n.saturating_sub(self.agent_messages - clock.agent_messages)),
                    ),
                    _ => (None, None),
                };
                ChecklistItem {
                    rule: rule.id.clone(),
                    label: rule.label.clone(),
                    state: req.state,
                    late: req.late,
                    deadline_ts,
                    remaining_messages,
                }
            })
            .collect()
    }

    /// Score, tags, checklist and emotion trajectory so far.
    pub fn summary(&self) -> Summary {
        let checklist = self.checklist();
        let mut tags = Vec::new();
        let mut tag = |t: &str, on: bool| {
            if on {
                tags.push(t.to_string());
            }
        };
        tag("banned_phrase", self.banned_seen);
        tag("missed_required", checklist.iter().any(|i| i.state == RequiredState::Missed || i.late));
        let angry = self.trajectory.iter().any(|p| p.label == EmotionLabel::Angry && p.intensity >= 3);
        tag("customer_angry", angry);
        let upset = self.trajectory.iter().any(EmotionPoint::upset);
        let calm_end =
            self.trajectory.last().is_some_and(|p| matches!(p.label, EmotionLabel::Neutral | EmotionLabel::Satisfied));
        tag("recovered", upset && calm_end);
        tag("pii", self.pii_seen);
        tag("flagged", self.flags > 0);
        tag("repeated_question", self.fired_kinds.contains(&"repeated_question"));
        tag("slow_reply", self.fired_kinds.contains(&"slow_reply"));
        Summary {
            score: (100.0 - self.penalty).clamp(0.0, 100.0).round() as u32,
            tags,
            checklist,
            trajectory: self.trajectory.clone(),
            messages: self.messages,
            flags: self.flags,
        }
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }
}

fn kind_tag(c: &Condition) -> &'static str {
    match c {
        Condition::CustomerSays(_) => "customer_says",
        Condition::Emotion { .. } => "emotion",
        Condition::RepeatedQuestion(_) => "repeated_question",
        Condition::CustomerWaiting(_) => "slow_reply",
        Condition::BannedSeverity(_) => "banned",
        Condition::RequiredMissed(_) => "missed",
    }
}

/// How long before a deadline in seconds to warn: the rule's setting, or a
/// quarter of the window (at least five seconds).
fn warn_before(rule: &RequiredRule, secs: u64) -> u64 {
    rule.warn_before_seconds.unwrap_or((secs / 4).max(5).min(secs))
}

fn due(idx: Option<usize>, rule: &RequiredRule, msgs: Option<u32>, secs: Option<u64>, reason: &str) -> Event {
    Event {
        msg: idx,
        rule: Some(rule.id.clone()),
        kind: EventKind::RequiredDue { remaining_messages: msgs, remaining_seconds: secs, reason: reason.to_string() },
    }
}

/// Up to [`EXCERPT_CHARS`] chars of `text` around char `at`.
/// At most [`EXCERPT_CHARS`] chars of `text` (ellipses included), centred
/// on char `at`.
fn excerpt(text: &str, at: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= EXCERPT_CHARS {
        return text.to_string();
    }
    let room = EXCERPT_CHARS - 2; // for the two ellipses
    let start = at.saturating_sub(room / 2).min(chars.len() - room);
    let end = start + room;
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.extend(&chars[start..end]);
    if end < chars.len() {
        out.push('…');
    }
    out
}

/// Whether a customer message asks something.
fn is_question(text: &str) -> bool {
    if text.contains(['?', '？']) {
        return true;
    }
    let lower = text.to_lowercase();
    let trimmed = lower.trim_end_matches(|c: char| !c.is_alphanumeric());
    const ZH: &[&str] = &[
        "怎么",
        "什么",
        "为什么",
        "为啥",
        "多久",
        "几天",
        "哪里",
        "何时",
        "能不能",
        "可不可以",
        "是不是",
        "有没有",
        "怎麼",
        "什麼",
        "為什麼",
    ];
    const EN: &[&str] =
        &["how ", "what ", "when ", "where ", "why ", "which ", "can you", "could you", "is it", "did you", "will it"];
    trimmed.ends_with(['吗', '嗎', '呢', '么'])
        || ZH.iter().any(|w| lower.contains(w))
        || EN.iter().any(|w| lower.starts_with(w) || lower.contains(&format!(" {w}")))
}
