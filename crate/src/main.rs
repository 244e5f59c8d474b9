//! `linesman`: batch quality inspection of exported chats.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, IsTerminal, Read, Write};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use linesman::{Engine, Event, Message, Playbook, BUILTIN};
use serde::{Deserialize, Serialize};

const HELP: &str = "\
linesman — live-assist rules for customer-service chats, run over exported chats

USAGE:
    linesman check [--playbook P] [--model M.onnx] [--format jsonl|table] [FILE|-]
    linesman validate PLAYBOOK.json
    linesman draft [--playbook P] TEXT
    linesman playbooks
    linesman convert-model MODEL.onnx OUT.model
    linesman --help | --version

COMMANDS:
    check      Inspect every conversation of FILE (or standard input, `-`).
               Input: JSON Lines, one conversation per line:
                 {\"id\": \"c1\", \"messages\": [{\"role\": \"agent\", \"text\": \"您好\", \"ts\": 1700000000000}]}
               role is agent, customer or system; ts (ms since the epoch) is
               optional but needed for deadlines in seconds and waiting times.
               Other fields are ignored.
               Output: one JSON line per conversation (--format jsonl, the
               default): {\"id\", \"score\", \"tags\", \"events\"}, or an aligned
               table for people (--format table). Events carry only masked
               personal data.
               A bad line is reported on stderr with its line number and the
               reason; the other lines are still processed and the exit code
               is 1.
    validate   Check a playbook; prints every problem with its JSON path.
    draft      Check an agent's draft for banned phrases before sending.
    playbooks  List the built-in playbooks.
    convert-model
               Write the tensor form of an ONNX emotion model (its weights
               and metadata; checked to give the ONNX graph's outputs):
               what the browser build loads (scripts/build-wasm.sh).

OPTIONS:
    -p, --playbook P   A playbook file, or the id of a built-in playbook
                       (default: retail-zh).
    -m, --model M      An emotion model (ONNX, e.g. models/emotion.onnx, or its
                       tensor form from convert-model) for
                       customer emotion; without it the built-in lexicon is
                       used (events say which: source \"model\" or \"lexicon\").
    -f, --format F     jsonl (default) or table.
    -q, --quiet        No progress display.
    -h, --help         This text.
    -V, --version      The version.

EXIT CODES:
    0 all good, 1 some input lines were bad (or the playbook is invalid for
    `validate`), 2 usage error or unreadable playbook/input.
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("linesman: {msg}");
            ExitCode::from(2)
        }
    }
}

#[derive(Default)]
struct Options {
    playbook: Option<String>,
    model: Option<String>,
    format: Format,
    quiet: bool,
    positional: Vec<String>,
}

#[derive(Default, Clone, Copy, PartialEq)]
enum Format {
    #[default]
    Jsonl,
    Table,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options::default();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (a.as_str(), None),
        };
        let mut value =
            |name: &str| inline.clone().or_else(|| it.next().cloned()).ok_or(format!("{name} needs a value"));
        match flag {
            "-p" | "--playbook" => o.playbook = Some(value("--playbook")?),
            "-m" | "--model" => o.model = Some(value("--model")?),
            "-f" | "--format" => {
                o.format = match value("--format")?.as_str() {
                    "jsonl" | "json" => Format::Jsonl,
                    "table" => Format::Table,
                    other => return Err(format!("unknown format {other:?} (expected jsonl or table)")),
                }
            }
            "-q" | "--quiet" => o.quiet = true,
            "-" => o.positional.push(a.clone()),
            f if f.starts_with('-') => return Err(format!("unknown option {f:?} (see --help)")),
            _ => o.positional.push(a.clone()),
        }
    }
    Ok(o)
}

fn run(args: &[String]) -> Result<ExitCode, String> {
    let Some(cmd) = args.first() else {
        print!("{HELP}");
        return Ok(ExitCode::from(2));
    };
    match cmd.as_str() {
        "-h" | "--help" | "help" => {
            print!("{HELP}");
            Ok(ExitCode::SUCCESS)
        }
        "-V" | "--version" => {
            println!("linesman {}", env!("CARGO_PKG_VERSION"));
            Ok(ExitCode::SUCCESS)
        }
        "playbooks" => {
            for (id, json) in BUILTIN {
                let pb = Playbook::from_json(json).map_err(|e| format!("built-in {id}: {e}"))?;
                println!("{id}\t{}\t{}", pb.locale(), pb.version());
            }
            Ok(ExitCode::SUCCESS)
        }
        "validate" => {
            let o = parse(&args[1..])?;
            let [path] = &o.positional[..] else {
                return Err("validate takes one playbook file".into());
            };
            let json = read_to_string(path)?;
            match Playbook::from_json(&json) {
                Ok(pb) => {
                    println!("{path}: ok ({} {})", pb.id(), pb.version());
                    Ok(ExitCode::SUCCESS)
                }
                Err(errors) => {
                    for e in &errors.0 {
                        println!("{path}: {e}");
                    }
                    println!("{path}: {} problem(s)", errors.0.len());
                    Ok(ExitCode::from(1))
                }
            }
        }
        "draft" => {
            let o = parse(&args[1..])?;
            let engine = engine(o.playbook.as_deref(), None)?;
            let text = o.positional.join(" ");
            let out = io::stdout();
            let mut out = out.lock();
            for e in engine.check_draft(&text) {
                let line = serde_json::to_string(&e).map_err(|e| e.to_string())?;
                if writeln!(out, "{line}").is_err() {
                    break;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        "check" => {
            let o = parse(&args[1..])?;
            let engine = engine(o.playbook.as_deref(), o.model.as_deref())?;
            let input: Box<dyn Read> = match o.positional.as_slice() {
                [] => Box::new(io::stdin()),
                [p] if p == "-" => Box::new(io::stdin()),
                [p] => Box::new(File::open(p).map_err(|e| format!("{p}: {e}"))?),
                _ => return Err("check takes at most one input file".into()),
            };
            check(&engine, input, o.format, !o.quiet && io::stderr().is_terminal())
        }
        "convert-model" => {
            let o = parse(&args[1..])?;
            let [input, output] = &o.positional[..] else {
                return Err("convert-model takes MODEL.onnx and OUT.model".into());
            };
            let bytes = std::fs::read(input).map_err(|e| format!("{input}: {e}"))?;
            let out = linesman::OnnxEmotion::onnx_to_tensors(&bytes).map_err(|e| format!("{input}: {e}"))?;
            std::fs::write(output, &out).map_err(|e| format!("{output}: {e}"))?;
            println!("{output}: {} bytes (tensor form of {input})", out.len());
            Ok(ExitCode::SUCCESS)
        }
        other => Err(format!("unknown command {other:?} (see --help)")),
    }
}

fn read_to_string(path: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))
}

fn engine(playbook: Option<&str>, model: Option<&str>) -> Result<Engine, String> {
    let name = playbook.unwrap_or("retail-zh");
    let json = if std::path::Path::new(name).exists() || playbook.is_some_and(|p| p.ends_with(".json")) {
        read_to_string(name)?
    } else {
        let (_, json) = BUILTIN
            .iter()
            .find(|(id, _)| *id == name)
            .ok_or(format!("{name}: no such file or built-in playbook (see `linesman playbooks`)"))?;
        json.to_string()
    };
    let playbook = linesman::Playbook::from_json(&json).map_err(|e| format!("{name}: invalid playbook:\n{e}"))?;
    let Some(path) = model else {
        return Ok(Engine::new(playbook));
    };
    let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
    let model = linesman::OnnxEmotion::from_any(&bytes).map_err(|e| format!("{path}: {e}"))?;
    Ok(Engine::with_emotion_model(playbook, Box::new(model)))
}

/// One exported conversation; unknown fields are ignored.
#[derive(Deserialize)]
struct Chat {
    id: Id,
    messages: Vec<Message>,
}

/// Exports use string or numeric ids.
#[derive(Deserialize, Serialize)]
#[serde(untagged)]
enum Id {
    Text(String),
    Number(serde_json::Number),
}

#[derive(Serialize)]
struct Report<'a> {
    id: &'a Id,
    score: u32,
    tags: Vec<String>,
    events: Vec<Event>,
}

fn check(engine: &Engine, input: Box<dyn Read>, format: Format, progress: bool) -> Result<ExitCode, String> {
    let mut reader = BufReader::with_capacity(1 << 16, input);
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut table = Table::default();
    let (mut line_no, mut bad, mut chats, mut messages) = (0usize, 0usize, 0usize, 0usize);
    let started = Instant::now();
    let mut shown = started;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_until(b'\n', &mut buf) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => return Err(format!("reading input: {e}")),
        }
        line_no += 1;
        let Ok(line) = std::str::from_utf8(&buf) else {
            eprintln!("line {line_no}: not valid UTF-8");
            bad += 1;
            continue;
        };
        if line.trim().is_empty() {
            continue;
        }
        let de = &mut serde_json::Deserializer::from_str(line);
        let chat: Chat = match serde_path_to_error::deserialize(de) {
            Ok(c) => c,
            Err(e) => {
                let path = e.path().to_string();
                let at = if path == "." { String::new() } else { format!("{path}: ") };
                eprintln!("line {line_no}: {at}{}", e.inner());
                bad += 1;
                continue;
            }
        };
        let mut conv = engine.conversation();
        let mut events = Vec::new();
        for m in &chat.messages {
            events.extend(conv.observe(m));
        }
        events.extend(conv.end(chat.messages.iter().filter_map(|m| m.ts).max()));
        let summary = conv.summary();
        chats += 1;
        messages += chat.messages.len();
        let report = Report { id: &chat.id, score: summary.score, tags: summary.tags, events };
        let written = match format {
            Format::Jsonl => serde_json::to_string(&report)
                .map_err(|e| io::Error::other(e.to_string()))
                .and_then(|s| writeln!(out, "{s}")),
            Format::Table => {
                table.add(&report);
                Ok(())
            }
        };
        if written.is_err() {
            // The reader went away (`| head`): stop quietly.
            return Ok(ExitCode::from(if bad > 0 { 1 } else { 0 }));
        }
        if progress && shown.elapsed() > Duration::from_millis(200) {
            shown = Instant::now();
            let rate = messages as f64 / started.elapsed().as_secs_f64().max(1e-9);
            eprint!("\r{chats} conversations, {messages} messages, {rate:.0} msg/s, {bad} bad line(s)   ");
        }
    }
    if progress {
        eprint!("\r{}\r", " ".repeat(72));
    }
    if format == Format::Table {
        let _ = table.write(&mut out);
    }
    let _ = out.flush();
    if bad > 0 {
        eprintln!("linesman: {bad} bad line(s) of {line_no}; {chats} conversation(s) checked");
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// The human-readable report.
#[derive(Default)]
struct Table {
    rows: Vec<[String; 6]>,
}

impl Table {
    fn add(&mut self, r: &Report) {
        let count = |k: &str| r.events.iter().filter(|e| e.kind_name() == k).count();
        let id = match r.id {
            Id::Text(s) => s.clone(),
            Id::Number(n) => n.to_string(),
        };
        self.rows.push([
            id,
            r.score.to_string(),
            count("banned").to_string(),
            count("required_missed").to_string(),
            count("flag").to_string(),
            r.tags.join(","),
        ]);
    }

    fn write(&self, out: &mut impl Write) -> io::Result<()> {
        let head = ["id", "score", "banned", "missed", "flags", "tags"];
        let width = |i: usize| self.rows.iter().map(|r| display_width(&r[i])).chain([head[i].len()]).max().unwrap_or(0);
        let widths: Vec<usize> = (0..6).map(width).collect();
        let line = |cells: [&str; 6], out: &mut dyn Write| -> io::Result<()> {
            for (i, c) in cells.iter().enumerate() {
                if i == 5 {
                    writeln!(out, "{c}")?;
                } else {
                    let pad = widths[i].saturating_sub(display_width(c));
                    write!(out, "{c}{}  ", " ".repeat(pad))?;
                }
            }
            Ok(())
        };
        line(head, out)?;
        for r in &self.rows {
            line([&r[0], &r[1], &r[2], &r[3], &r[4], &r[5]], out)?;
        }
        let avg =
            self.rows.iter().filter_map(|r| r[1].parse::<f64>().ok()).sum::<f64>() / self.rows.len().max(1) as f64;
        writeln!(out, "{} conversation(s), average score {avg:.1}", self.rows.len())
    }
}

/// Terminal columns: CJK and full-width chars take two.
fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6
            | 0x20000..=0x3FFFD => 2,
            _ => 1,
        })
        .sum()
}
