//! Golden conversations: `tests/golden/<case>/` holds a playbook
//! (`playbook.json`, or `builtin` naming a built-in one), a transcript and
//! the events expected for each of its lines.
//!
//! `transcript.jsonl`, one step a line:
//! - a message: `{"role": "agent", "text": "…", "ts": 1700000000000}`
//! - a clock tick: `{"tick": 1700000060000}`
//! - an agent's unsent draft: `{"draft": "…"}`
//! - the end of the conversation: `{"end": 1700000090000}` (or `null`)
//!
//! Any line may carry a `"note"` saying what it is there to test.
//! `expected.jsonl` has, for each step, the JSON array of its events, then a
//! last line `{"summary": {"score", "tags", "checklist"}}`.
//!
//! `BLESS=1 cargo test --test golden` rewrites the expected files; review
//! the diff before committing it.

use std::fs;
use std::path::{Path, PathBuf};

use linesman::{Engine, Message, Playbook};
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize)]
#[serde(untagged)]
enum Step {
    Tick { tick: u64 },
    Draft { draft: String },
    Message(Message),
    // `Value`, not `Option`: a missing "end" must not match every line.
    End { end: Value },
}

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/golden")
}

fn engine_for(dir: &Path) -> Engine {
    let json = match fs::read_to_string(dir.join("playbook.json")) {
        Ok(json) => json,
        Err(_) => {
            let id = fs::read_to_string(dir.join("builtin")).expect("playbook.json or builtin");
            let id = id.trim();
            let (_, json) = linesman::BUILTIN.iter().find(|(n, _)| *n == id).expect("known built-in");
            json.to_string()
        }
    };
    Engine::new(Playbook::from_json(&json).unwrap_or_else(|e| panic!("{}: {e}", dir.display())))
}

/// Runs a case; returns one JSON line per step plus the summary line.
fn run(dir: &Path) -> Vec<Value> {
    let engine = engine_for(dir);
    let mut conv = engine.conversation();
    let transcript = fs::read_to_string(dir.join("transcript.jsonl")).expect("transcript.jsonl");
    let mut out = Vec::new();
    for (i, line) in transcript.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let step: Step = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("{}/transcript.jsonl line {}: {e}", dir.display(), i + 1));
        let events = match step {
            Step::Tick { tick } => conv.tick(tick),
            Step::Draft { draft } => engine.check_draft(&draft),
            Step::End { end } => conv.end(end.as_u64()),
            Step::Message(m) => conv.observe(&m),
        };
        out.push(serde_json::to_value(&events).unwrap());
    }
    let s = conv.summary();
    out.push(json!({"summary": {"score": s.score, "tags": s.tags, "checklist": s.checklist}}));
    out
}

#[test]
fn golden_conversations() {
    let bless = std::env::var_os("BLESS").is_some();
    let mut cases: Vec<PathBuf> = fs::read_dir(golden_dir())
        .expect("tests/golden")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("transcript.jsonl").exists())
        .collect();
    cases.sort();
    assert!(cases.len() >= 30, "expected at least 30 golden conversations, found {}", cases.len());
    let mut failures = Vec::new();
    for dir in &cases {
        let got = run(dir);
        let path = dir.join("expected.jsonl");
        if bless {
            let text: String = got.iter().map(|v| format!("{v}\n")).collect();
            fs::write(&path, text).unwrap();
            continue;
        }
        let want: Vec<Value> = fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("{} missing; run with BLESS=1", path.display()))
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        if got.len() != want.len() {
            failures.push(format!("{name}: {} steps, expected {}", got.len(), want.len()));
            continue;
        }
        for (i, (g, w)) in got.iter().zip(&want).enumerate() {
            if g != w {
                failures.push(format!("{name} step {}:\n  got  {g}\n  want {w}", i + 1));
            }
        }
    }
    assert!(failures.is_empty(), "{} mismatch(es):\n{}", failures.len(), failures.join("\n"));
}
