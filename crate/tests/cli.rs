//! The `linesman` binary, end to end: what a user typing the commands sees.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn linesman(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_linesman"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn check_reports_bad_lines_and_processes_the_rest() {
    let input = concat!(
        "{\"id\": \"a\", \"messages\": [{\"role\": \"agent\", \"text\": \"爱买不买\", \"ts\": 1700000000000}]}\n",
        "{\"id\": \"b\", \"messages\": [{\"role\": \"bot\", \"text\": \"hi\"}]}\n",
        "not json\n",
        "\n",
        "{\"id\": 7, \"messages\": [{\"role\": \"customer\", \"text\": \"我的电话13800138000\", \"channel\": \"web\"}], \"agent\": \"x\"}\n",
    );
    let out = linesman(&["check", "-"], input);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let lines: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert_eq!(lines[0]["id"], "a");
    assert!(lines[0]["events"].as_array().unwrap().iter().any(|e| e["kind"] == "banned"));
    assert!(lines[0]["score"].as_u64().unwrap() < 100);
    assert_eq!(lines[1]["id"], 7);
    assert!(!stdout.contains("13800138000"), "unmasked number in output: {stdout}");
    let stderr = text(&out.stderr);
    assert!(stderr.contains("line 2: messages[0].role: unknown variant `bot`"), "{stderr}");
    assert!(stderr.contains("line 3: expected ident at line 1 column 2"), "{stderr}");
    assert!(!stderr.contains("line 4"), "{stderr}");
}

#[test]
fn check_table_and_builtin_playbooks() {
    let input = "{\"id\": \"c1\", \"messages\": [{\"role\": \"agent\", \"text\": \"That's not my problem.\"}]}\n";
    let out = linesman(&["check", "--format", "table", "--playbook", "retail-en"], input);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("id"), "{stdout}");
    assert!(stdout.contains("c1") && stdout.contains("banned_phrase"), "{stdout}");
}

#[test]
fn validate_lists_every_problem_with_its_path() {
    let dir = std::env::temp_dir().join(format!("linesman-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"{"playbook": "x", "version": "1", "banned": [{"id": "a"}], "required": [{"id": "a", "phrases": ["hi there"], "deadline": "soon"}]}"#).unwrap();
    let out = linesman(&["validate", bad.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("/banned/0/phrases: missing required field"), "{stdout}");
    assert!(stdout.contains("/required/0/id: duplicate rule id"), "{stdout}");
    assert!(stdout.contains("/required/0/deadline: expected \"end\""), "{stdout}");
    let good = dir.join("good.json");
    std::fs::write(&good, linesman::BUILTIN[0].1).unwrap();
    assert_eq!(linesman(&["validate", good.to_str().unwrap()], "").status.code(), Some(0));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn usage_errors_exit_2_and_help_documents_everything() {
    assert_eq!(linesman(&["frobnicate"], "").status.code(), Some(2));
    assert_eq!(linesman(&["check", "--format", "xml"], "").status.code(), Some(2));
    assert_eq!(linesman(&["check", "--playbook", "nope"], "").status.code(), Some(2));
    let help = text(&linesman(&["--help"], "").stdout);
    for word in ["check", "validate", "draft", "playbooks", "--playbook", "--format", "EXIT CODES"] {
        assert!(help.contains(word), "help lacks {word}");
    }
}

#[test]
fn draft_warns_before_sending() {
    let out = linesman(&["draft", "--playbook", "retail-zh", "亲，爱-买-不-买哦"], "");
    let line = text(&out.stdout);
    let e: serde_json::Value = serde_json::from_str(line.lines().next().unwrap()).unwrap();
    assert_eq!(e["kind"], "banned");
    assert_eq!(e["draft"], true);
}

#[test]
fn invalid_utf8_is_a_bad_line_not_a_crash() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_linesman"))
        .args(["check"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"\xff\xfe\n{\"id\":\"x\",\"messages\":[]}\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("line 1: not valid UTF-8"));
    assert_eq!(text(&out.stdout).lines().count(), 1);
}

#[test]
fn check_with_the_emotion_model_and_a_bad_model() {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let model = repo.join("models/emotion.onnx");
    let input = "{\"id\": \"m\", \"messages\": [{\"role\": \"customer\", \"text\": \"你们这是什么破店？骗子！\"}]}\n";
    let out = linesman(&["check", "--model", model.to_str().unwrap()], input);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let line: serde_json::Value = serde_json::from_str(text(&out.stdout).trim()).unwrap();
    let emotion = line["events"].as_array().unwrap().iter().find(|e| e["kind"] == "emotion").cloned().unwrap();
    assert_eq!(emotion["source"], "model", "{emotion}");

    let bad = repo.join("crate/tests/data/emotion_five_outputs.onnx");
    let out = linesman(&["check", "--model", bad.to_str().unwrap()], input);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("emotion_five_outputs.onnx: emotion model: output must be probs"), "{stderr}");
}
