//! Metrics of the shipped emotion model and the lexicon baseline on the
//! held-out splits, as JSON (run by `models/train.py` for the model card).
//!
//!     cargo run --example eval_emotion -- --model models/emotion.onnx --splits models/.cache/splits

#[path = "../tests/emotion_eval/mod.rs"]
mod emotion_eval;

use std::path::PathBuf;
use std::time::Instant;

use linesman::{EmotionModel, OnnxEmotion};

fn main() {
    let mut model = emotion_eval::repo().join("models/emotion.onnx");
    let mut splits = emotion_eval::repo().join("models/.cache/splits");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--model" => model = PathBuf::from(args.next().expect("--model FILE")),
            "--splits" => splits = PathBuf::from(args.next().expect("--splits DIR")),
            other => {
                eprintln!("unknown argument {other:?}");
                std::process::exit(2);
            }
        }
    }
    let bytes = std::fs::read(&model).unwrap_or_else(|e| panic!("{}: {e}", model.display()));
    let t = Instant::now();
    let onnx = OnnxEmotion::from_bytes(&bytes).unwrap_or_else(|e| panic!("{e}"));
    let load_ms = t.elapsed().as_secs_f64() * 1e3;
    let lexicon = emotion_eval::LexiconBaseline::new();

    // Native latency of classify (features + inference) over the cs test texts.
    let rows = emotion_eval::load(&splits, "cs", "test").unwrap_or_else(|e| panic!("{e}"));
    let mut times: Vec<f64> = Vec::new();
    for _ in 0..5 {
        for r in &rows {
            let t = Instant::now();
            std::hint::black_box(onnx.classify(&r.text, &[]));
            times.push(t.elapsed().as_secs_f64() * 1e6);
        }
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let q = |x: f64| times[((times.len() - 1) as f64 * x) as usize];

    let out = serde_json::json!({
        "model": emotion_eval::evaluate(&onnx, &splits, "test").unwrap_or_else(|e| panic!("{e}")),
        "lexicon": emotion_eval::evaluate(&lexicon, &splits, "test").unwrap_or_else(|e| panic!("{e}")),
        "model_dev": emotion_eval::evaluate(&onnx, &splits, "dev").unwrap_or_else(|e| panic!("{e}")),
        "model_bytes": bytes.len(),
        "native": {"load_and_optimise_ms": (load_ms * 100.0).round() / 100.0,
                    "classify_us_median": (q(0.5) * 10.0).round() / 10.0,
                    "classify_us_p99": (q(0.99) * 10.0).round() / 10.0},
    });
    println!("{}", serde_json::to_string_pretty(&out).unwrap());
}
