//! Behaviour of the public API, table-driven: every case runs over every
//! configuration that should not change its outcome.

use linesman::{Engine, Event, EventKind, Message, Playbook, RequiredState, Role};
use serde_json::json;

fn engine(pb: serde_json::Value) -> Engine {
    Engine::new(Playbook::from_value(&pb).unwrap_or_else(|e| panic!("{e}")))
}

fn kinds(events: &[Event]) -> Vec<String> {
    events.iter().map(|e| format!("{}:{}", e.kind_name(), e.rule.as_deref().unwrap_or("-"))).collect()
}

fn utf16_slice(text: &str, start: usize, end: usize) -> String {
    let units: Vec<u16> = text.encode_utf16().collect();
    String::from_utf16(&units[start..end]).unwrap()
}

/// How a dictionary phrase may be written in a playbook: the normaliser
/// must fold it exactly like the text.
fn dictionary_forms(phrase: &str) -> Vec<String> {
    let fullwidth: String = phrase
        .chars()
        .map(|c| if c.is_ascii_graphic() { char::from_u32(c as u32 + 0xFEE0).unwrap() } else { c })
        .collect();
    let traditional = phrase.replace('买', "買").replace('滚', "滾").replace('说', "說");
    vec![phrase.to_string(), phrase.to_uppercase(), fullwidth, traditional]
}

/// (phrase, agent text, expected covered text or None when it must not fire)
const BANNED_CASES: &[(&str, &str, Option<&str>)] = &[
    ("爱买不买", "爱买不买", Some("爱买不买")),
    ("爱买不买", "您爱-买-不-买吧", Some("爱-买-不-买")),
    ("爱买不买", "爱 买 不 买", Some("爱 买 不 买")),
    ("爱买不买", "愛買不買", Some("愛買不買")),
    ("爱买不买", "爱\u{200b}买\u{200b}不\u{200b}买", Some("爱\u{200b}买\u{200b}不\u{200b}买")),
    ("爱买不买", "爱爱爱买不买", Some("爱爱爱买不买")),
    ("滚", "你给我滚", Some("滚")),
    ("滚", "页面往下滚动就能看到", None),
    ("滚", "滚筒洗衣机很好用", None),
    ("fuck", "what the fuck", Some("fuck")),
    ("fuck", "What The FUCK", Some("FUCK")),
    ("fuck", "ｆｕｃｋ", Some("ｆｕｃｋ")),
    ("fuck", "f u c k", Some("f u c k")),
    ("fuck", "f.u.c.k", Some("f.u.c.k")),
    ("fuck", "f*ck", Some("f*ck")),
    ("fuck", "f**k", Some("f**k")),
    ("fuck", "f*u*c*k", Some("f*u*c*k")),
    ("fuck", "fuuuuuck", Some("fuuuuuck")),
    ("fuck", "fuuck", Some("fuuck")),
    ("stupid", "stuupid!", Some("stuupid")),
    ("shit", "shiit", Some("shiit")),
    ("fuck", "ⓕⓤⓒⓚ", Some("ⓕⓤⓒⓚ")),
    ("shit", "sh1t", Some("sh1t")),
    ("shit", "$hit", Some("$hit")),
    ("shit", "5h17", Some("5h17")),
    ("shit", "this hit me", None),
    ("shit", "shiitake", None),
    ("hell", "hello there", None),
    ("hell", "he'll be there", None),
    ("hell", "go to hell!", Some("hell")),
    ("hell", "a hill", None),
    ("ass", "the class assessment", None),
    ("ass", "assassin", None),
    ("ass", "as you like", None),
    ("ass", "a s s", Some("a s s")),
    // Spaced-out letters, then a word starting with the last of them.
    ("idiot", "i d i o t they", Some("i d i o t")),
    ("incompetent", "so i n c o m p e t e n t they", Some("i n c o m p e t e n t")),
    ("smh", "and s m h he", Some("s m h")),
    ("idiot", "i dio t they", None),
    ("kill", "k i l l", Some("k i l l")),
    // A one-letter word before a word with the same (skeleton) letter, and a stutter.
    ("lol", "I lol", Some("lol")),
    ("shut up", "shut u-up", Some("shut u-up")),
    // Multi-word phrases written letter by letter.
    (
        "guaranteed delivery by",
        "g u a r a n t e e d   d e l i v e r y   b y Friday",
        Some("g u a r a n t e e d   d e l i v e r y   b y"),
    ),
    ("guaranteed delivery by", "guaranteed d e l i v e r y by", Some("guaranteed d e l i v e r y by")),
    ("it will never break", "i t w i l l n e v e r b r e a k", Some("i t w i l l n e v e r b r e a k")),
    ("guaranteed delivery by", "g u a r a n t e e d e l i v e r y b y", None),
    ("at ease", "what a tease", None),
    ("cunt", "Scunthorpe", None),
    ("stupid", "st*pid", Some("st*pid")),
    ("stupid", "ѕtupid", Some("ѕtupid")),
    ("not my problem", "that's not my problem!", Some("not my problem")),
    ("not my problem", "NOT MY PROBLEM", Some("NOT MY PROBLEM")),
    ("god", "good job", None),
    ("12315", "我要打12315", Some("12315")),
    ("12315", "单号9123150", None),
    ("12315", "编号abc12315", None),
];

#[test]
fn banned_phrases_over_every_configuration() {
    for (phrase, text, want) in BANNED_CASES {
        for form in dictionary_forms(phrase) {
            for speaker in ["agent", "any"] {
                let e = engine(json!({
                    "playbook": "t", "version": "1",
                    "banned": [{"id": "b", "severity": "high", "speaker": speaker, "phrases": [form], "allow": ["滚动", "滚筒"]}]
                }));
                let observed = e.conversation().observe(&Message::new(Role::Agent, *text));
                let drafted = e.check_draft(text);
                for (how, events) in [("observe", observed), ("draft", drafted)] {
                    let covered: Vec<String> = events
                        .iter()
                        .filter_map(|ev| match &ev.kind {
                            EventKind::Banned { span, .. } => {
                                assert_eq!(
                                    &text[span.byte_start..span.byte_end],
                                    utf16_slice(text, span.start, span.end)
                                );
                                Some(utf16_slice(text, span.start, span.end))
                            }
                            _ => None,
                        })
                        .collect();
                    let want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
                    assert_eq!(covered, want, "phrase {form:?} text {text:?} via {how}, speaker {speaker}");
                }
            }
        }
    }
}

#[test]
fn a_customer_quoting_a_banned_phrase_is_not_the_agents_fault() {
    let e = engine(json!({"playbook": "t", "version": "1", "banned": [{"id": "b", "phrases": ["爱买不买"]}]}));
    let mut c = e.conversation();
    assert!(kinds(&c.observe(&Message::new(Role::Customer, "你们客服说爱买不买？")))
        .iter()
        .all(|k| !k.starts_with("banned")));
    assert!(kinds(&c.observe(&Message::new(Role::Agent, "爱买不买"))).contains(&"banned:b".to_string()));
}

#[test]
fn spans_are_utf16_for_js() {
    let e = engine(json!({"playbook": "t", "version": "1", "banned": [{"id": "b", "phrases": ["爱买不买"]}]}));
    let text = "😀😀 好的，爱买不买";
    let ev = e.check_draft(text);
    let EventKind::Banned { span, .. } = &ev[0].kind else { panic!() };
    assert_eq!((span.start, span.end), (8, 12));
    assert_eq!(utf16_slice(text, span.start, span.end), "爱买不买");
}

fn deadlines_playbook() -> serde_json::Value {
    json!({
        "playbook": "t", "version": "1",
        "required": [
            {"id": "greeting", "phrases": ["您好，很高兴为您服务"], "deadline": {"agent_messages": 1}},
            {"id": "notice", "phrases": ["本次会话可能被记录"], "deadline": {"seconds": 60}, "warn_before_seconds": 20},
            {"id": "refund", "trigger": {"customer_says": ["退款"]}, "phrases": ["七天无理由退货"], "deadline": {"agent_messages": 2}},
            {"id": "closing", "phrases": ["还有什么可以帮您"], "deadline": "end"}
        ],
        "triggers": [{"id": "missed", "when": {"required_missed": true}, "flag": "medium"}]
    })
}

#[test]
fn deadlines_warn_before_they_pass() {
    let e = engine(deadlines_playbook());
    let mut c = e.conversation();
    let t0 = 1_700_000_000_000u64;
    // Before the agent's first message the greeting is due.
    let ev = c.observe(&Message::new(Role::Customer, "在吗").at(t0));
    assert!(kinds(&ev).contains(&"required_due:greeting".to_string()), "{ev:?}");
    let ev = c.observe(&Message::new(Role::Agent, "您好呀，很高兴能为您服务").at(t0 + 5_000));
    assert!(kinds(&ev).contains(&"required_met:greeting".to_string()), "{ev:?}");
    // 40 s in: the recording notice is due (20 s warning), not yet missed.
    let ev = c.tick(t0 + 41_000);
    assert_eq!(kinds(&ev), ["required_due:notice"]);
    let ev = c.tick(t0 + 61_000);
    assert_eq!(kinds(&ev), ["required_missed:notice", "flag:missed"]);
    // Said late: met, marked late.
    let ev = c.observe(&Message::new(Role::Agent, "本次会话可能被记录").at(t0 + 70_000));
    assert!(ev.iter().any(|e| matches!(e.kind, EventKind::RequiredMet { late: true, .. })), "{ev:?}");
    // A refund request starts its own clock: two agent messages.
    let ev = c.observe(&Message::new(Role::Customer, "我要退款").at(t0 + 80_000));
    assert!(!kinds(&ev).iter().any(|k| k.contains("refund")), "{ev:?}");
    let ev = c.observe(&Message::new(Role::Agent, "好的").at(t0 + 85_000));
    assert!(kinds(&ev).contains(&"required_due:refund".to_string()), "{ev:?}");
    let ev = c.observe(&Message::new(Role::Agent, "我看一下").at(t0 + 90_000));
    assert!(kinds(&ev).contains(&"required_missed:refund".to_string()), "{ev:?}");
    // The customer wraps up: the closing line is due before the end.
    let ev = c.observe(&Message::new(Role::Customer, "好的谢谢").at(t0 + 95_000));
    assert!(kinds(&ev).contains(&"required_due:closing".to_string()), "{ev:?}");
    let ev = c.end(Some(t0 + 100_000));
    assert_eq!(kinds(&ev), ["required_missed:closing", "flag:missed"]);
    let states: Vec<RequiredState> = c.checklist().iter().map(|i| i.state).collect();
    use RequiredState::*;
    assert_eq!(states, [Met, Met, Missed, Missed]);
    let s = c.summary();
    assert_eq!(s.score, 70);
    assert!(s.tags.contains(&"missed_required".to_string()));
}

#[test]
fn a_late_message_reveals_a_passed_deadline_first() {
    let e = engine(deadlines_playbook());
    let mut c = e.conversation();
    let t0 = 1_700_000_000_000u64;
    c.observe(&Message::new(Role::Agent, "您好，很高兴为您服务").at(t0));
    let ev = c.observe(&Message::new(Role::Agent, "本次会话可能被记录").at(t0 + 90_000));
    // The miss belongs to the message before; the statement is met late.
    assert_eq!(kinds(&ev)[..2], ["required_missed:notice", "flag:missed"]);
    assert_eq!(ev[0].msg, Some(0));
    assert!(matches!(ev.last().unwrap().kind, EventKind::RequiredMet { late: true, .. }));
}

#[test]
fn triggers_respect_once_and_cooldowns() {
    let e = engine(json!({
        "playbook": "t", "version": "1",
        "triggers": [
            {"id": "legal", "when": {"customer_says": ["投诉", "lawyer"]}, "flag": "high", "once": true},
            {"id": "refund", "when": {"customer_says": ["退款"]}, "suggest": ["退款话术"], "cooldown_messages": 3},
            {"id": "angry", "when": {"emotion": ["angry"], "min_intensity": 3, "consecutive": 2}, "flag": "high"},
            {"id": "repeat", "when": {"repeated_question": 3}, "flag": "medium"},
            {"id": "slow", "when": {"customer_waiting_seconds": 60}, "flag": "low"}
        ]
    }));
    let mut c = e.conversation();
    let t = 1_700_000_000_000u64;
    let said = |c: &mut linesman::Conversation, text: &str, at: u64| {
        kinds(&c.observe(&Message::new(Role::Customer, text).at(at)))
    };
    assert!(said(&mut c, "我要投诉你们", t).contains(&"flag:legal".to_string()));
    assert!(!said(&mut c, "我还要投诉", t + 1).contains(&"flag:legal".to_string()), "once");
    assert!(said(&mut c, "我要退款", t + 2).contains(&"suggestion:refund".to_string()));
    assert!(!said(&mut c, "退款", t + 3).contains(&"suggestion:refund".to_string()), "cooldown");
    assert!(!said(&mut c, "退款啊", t + 4).contains(&"suggestion:refund".to_string()), "cooldown");
    assert!(said(&mut c, "退款！", t + 5).contains(&"suggestion:refund".to_string()), "cooldown over");
    // Waiting since the first unanswered message (t): flagged once.
    assert_eq!(kinds(&c.tick(t + 61_000)), ["flag:slow"]);
    assert!(kinds(&c.tick(t + 120_000)).is_empty());
    c.observe(&Message::new(Role::Agent, "您好").at(t + 121_000));
    let asks = ["我的快递什么时候到？", "快递到底什么时候能到", "什么时候到啊？？？"];
    let got: Vec<bool> =
        asks.iter().map(|q| said(&mut c, q, t + 122_000).contains(&"flag:repeat".to_string())).collect();
    assert_eq!(got, [false, false, true]);
}

#[test]
fn emotion_streaks_fire_once_per_streak() {
    let e = engine(json!({
        "playbook": "t", "version": "1",
        "triggers": [{"id": "angry", "when": {"emotion": ["angry"], "min_intensity": 3, "consecutive": 2}, "flag": "high"}]
    }));
    let mut c = e.conversation();
    let angry = "你们这是什么垃圾服务，气死我了！！！";
    let fired: Vec<bool> = [angry, angry, angry, "好的", angry, angry]
        .iter()
        .map(|t| kinds(&c.observe(&Message::new(Role::Customer, *t))).contains(&"flag:angry".to_string()))
        .collect();
    assert_eq!(fired, [false, true, false, false, false, true]);
}

#[test]
fn flags_never_carry_unmasked_personal_data() {
    let e = engine(json!({
        "playbook": "t", "version": "1",
        "triggers": [{"id": "legal", "when": {"customer_says": ["投诉"]}, "flag": "high"}]
    }));
    let mut c = e.conversation();
    let ev = c.observe(&Message::new(Role::Customer, "我要投诉，电话13800138000，邮箱zhang.san@example.com"));
    let flag = ev.iter().find(|e| e.kind_name() == "flag").unwrap();
    let EventKind::Flag { excerpt, .. } = &flag.kind else { panic!() };
    assert!(!excerpt.contains("13800138000") && !excerpt.contains("zhang.san"), "{excerpt}");
    assert!(excerpt.contains("138****8000"), "{excerpt}");
}

#[test]
fn odd_messages_do_not_panic() {
    let e = Engine::new(Playbook::builtin("retail-zh").unwrap());
    let mut c = e.conversation();
    let long = "爱买不买 f*ck 13800138000 ".repeat(5_000);
    for text in ["", "\u{0}", "💩", "\u{FEFF}\u{200B}", "*#_!!!???", long.as_str()] {
        for role in [Role::Agent, Role::Customer, Role::System] {
            c.observe(&Message::new(role, text).at(u64::MAX));
            c.observe(&Message::new(role, text).at(0));
        }
        e.check_draft(text);
    }
    c.tick(u64::MAX);
    c.end(None);
    c.end(Some(0));
}

#[test]
fn clocks_at_the_end_of_time_do_not_overflow() {
    let e = engine(json!({
        "playbook": "t", "version": "1",
        "required": [{"id": "n", "phrases": ["本次会话可能被记录"], "deadline": {"seconds": 60}, "warn_before_seconds": 20}],
        "triggers": [{"id": "q", "when": {"customer_says": ["退款"]}, "suggest": ["x"], "cooldown_seconds": 600}]
    }));
    let mut c = e.conversation();
    let late = u64::MAX - 30_000;
    c.observe(&Message::new(Role::Customer, "我要退款").at(late));
    c.observe(&Message::new(Role::Customer, "退款").at(late + 1));
    let _ = c.checklist();
    let ev = c.tick(late + 15_000);
    assert_eq!(kinds(&ev), ["required_due:n"]);
    c.tick(u64::MAX);
}
