//! The emotion model per customer message: features, inference, both (what
//! the engine pays), beside the lexicon baseline on the same texts; and the
//! cold start (read + check + optimise the ONNX file).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use linesman::{EmotionModel, Engine, Message, OnnxEmotion, Playbook, Role};

const TEXTS: [&str; 4] = [
    "你们这是什么破店？发的货跟图片完全是两样东西，骗子！",
    "請問我的訂單什麼時候會出貨？已經等了一個禮拜了",
    "I've been waiting for three weeks and still no refund, this is ridiculous!!!",
    "Thanks, that fixed it. Have a nice day 😊",
];

fn bench(c: &mut Criterion) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/emotion.onnx");
    let bytes = std::fs::read(&path).unwrap();
    let model = OnnxEmotion::from_bytes(&bytes).unwrap();
    let lexicon = Engine::new(Playbook::builtin("retail-zh").unwrap());

    let mut g = c.benchmark_group("emotion");
    for (i, text) in TEXTS.iter().enumerate() {
        let n = text.chars().count();
        g.bench_function(format!("model_classify/{i}/{n}chars"), |b| b.iter(|| black_box(model.classify(text, &[]))));
        g.bench_function(format!("features/{i}/{n}chars"), |b| b.iter(|| black_box(model.featurize(text))));
        let (ids, w) = model.featurize(text);
        g.bench_function(format!("inference/{i}/{n}chars"), |b| b.iter(|| black_box(model.run_features(&ids, &w))));
        // The lexicon through a one-message conversation: the nearest public way in.
        g.bench_function(format!("lexicon_observe/{i}/{n}chars"), |b| {
            b.iter(|| black_box(lexicon.conversation().observe(&Message::new(Role::Customer, *text))))
        });
    }
    g.bench_function("cold_start/load_check_optimise", |b| {
        b.iter(|| black_box(OnnxEmotion::from_bytes(&bytes).unwrap()))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
