//! Linesman in the browser. For now the emotion-model benchmark API
//! (`www/bench/emotion.html`): `linesman::OnnxEmotion` — the same
//! featuriser and tract plan as the native engine — compiled to wasm.

use linesman::{EmotionModel, OnnxEmotion};
use wasm_bindgen::prelude::*;

/// The emotion model, loaded, checked, optimised and ready to run.
#[wasm_bindgen]
pub struct EmotionBench {
    model: OnnxEmotion,
}

#[wasm_bindgen]
impl EmotionBench {
    /// Loads the ONNX model from its bytes, checks it and optimises it: what
    /// the cold-start figure measures. A wrong or corrupt model is a JS
    /// `Error` with the engine's message.
    #[wasm_bindgen(constructor)]
    pub fn new(model_bytes: &[u8]) -> Result<EmotionBench, JsError> {
        OnnxEmotion::from_bytes(model_bytes)
            .map(|model| EmotionBench { model })
            .map_err(|e| JsError::new(&e.to_string()))
    }

    /// The six probabilities for one message's features: `ids` (a
    /// `BigInt64Array`) and `weights` (a `Float32Array`) of the same length.
    pub fn run(&self, ids: &[i64], weights: &[f32]) -> Result<Vec<f32>, JsError> {
        if ids.is_empty() || ids.len() != weights.len() {
            return Err(JsError::new("ids and weights must be non-empty and of the same length"));
        }
        Ok(self.model.run_features(ids, weights).to_vec())
    }

    /// The model's feature ids for `text` (the Rust featuriser).
    pub fn feature_ids(&self, text: &str) -> Vec<i64> {
        self.model.featurize(text).0
    }

    /// The weights that go with [`EmotionBench::feature_ids`].
    pub fn feature_weights(&self, text: &str) -> Vec<f32> {
        self.model.featurize(text).1
    }

    /// What the engine pays per customer message: features + inference +
    /// intensity; returns the six probabilities.
    pub fn run_text(&self, text: &str) -> Vec<f32> {
        self.model.classify(text, &[]).scores.to_array().map(|p| p as f32).to_vec()
    }
}
