//! Linesman in the browser: the core's [`Engine`] and [`Conversation`]
//! behind `wasm-bindgen` (`--target web`). `www/src/worker.js` drives it in
//! a Web Worker and `www/src/linesman.js` is the typed, promise-based API
//! over that; this layer stays thin.
//!
//! Events, summaries and the playbook info cross the boundary as JSON text
//! (one `JSON.parse` on the JS side): the exact shape `linesman check`
//! prints and the golden tests expect, `null`s included.

use linesman::{Message, OnnxEmotion, Playbook, Role};
use wasm_bindgen::prelude::*;

/// A JS `Error` with the core's message; for an invalid playbook also a
/// `problems` array of `{path, message}`, every problem with its JSON path.
fn playbook_error(e: &linesman::PlaybookErrors) -> JsValue {
    let err = js_sys::Error::new(&format!("invalid playbook:\n{e}"));
    let problems = js_sys::Array::new();
    for p in &e.0 {
        let o = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&o, &"path".into(), &p.path.as_str().into());
        let _ = js_sys::Reflect::set(&o, &"message".into(), &p.message.as_str().into());
        problems.push(&o);
    }
    let _ = js_sys::Reflect::set(&err, &"problems".into(), &problems);
    err.into()
}

fn json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    // Our types always serialise (no maps with non-string keys, no NaN).
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

/// Milliseconds from JS (a double) as the core's u64; negative or not
/// finite is refused rather than wrapped.
fn millis(what: &str, v: f64) -> Result<u64, JsError> {
    if (0.0..=9_007_199_254_740_991.0).contains(&v) {
        Ok(v as u64)
    } else {
        Err(JsError::new(&format!("{what} must be milliseconds since the epoch, got {v}")))
    }
}

/// Ids of the built-in playbooks.
#[wasm_bindgen(js_name = builtinPlaybooks)]
pub fn builtin_playbooks() -> Vec<String> {
    linesman::BUILTIN.iter().map(|(id, _)| id.to_string()).collect()
}

/// A built-in playbook's JSON, or `undefined`.
#[wasm_bindgen(js_name = builtinPlaybook)]
pub fn builtin_playbook(id: &str) -> Option<String> {
    linesman::BUILTIN.iter().find(|(n, _)| *n == id).map(|(_, j)| j.to_string())
}

/// A playbook compiled once, with its emotion model; shared by every
/// conversation it opens.
#[wasm_bindgen]
pub struct Engine {
    inner: linesman::Engine,
}

#[wasm_bindgen]
impl Engine {
    /// `playbook`: the JSON text. `model`: the emotion model's tensor form
    /// (`emotion.model`, from `linesman convert-model`), or nothing for the
    /// lexicon.
    #[wasm_bindgen(constructor)]
    pub fn new(playbook: &str, model: Option<Vec<u8>>) -> Result<Engine, JsValue> {
        let playbook = Playbook::from_json(playbook).map_err(|e| playbook_error(&e))?;
        let inner = match model {
            None => linesman::Engine::new(playbook),
            Some(bytes) => {
                let model = OnnxEmotion::from_any(&bytes).map_err(|e| JsError::new(&e.to_string()))?;
                linesman::Engine::with_emotion_model(playbook, Box::new(model))
            }
        };
        Ok(Engine { inner })
    }

    /// `{playbook, version, locale, required: [{id, label}], labels: {id: label}}`
    /// as JSON: `labels` names every rule (banned, required, trigger) that
    /// has a label, so a UI can show the rule behind an event.
    pub fn info(&self) -> String {
        let pb = self.inner.playbook();
        let required: Vec<_> = (self.inner.conversation().checklist().into_iter())
            .map(|i| serde_json::json!({"id": i.rule, "label": i.label}))
            .collect();
        let labels: serde_json::Map<String, serde_json::Value> =
            pb.labels().filter_map(|(id, label)| Some((id.to_string(), label?.into()))).collect();
        json(&serde_json::json!({
            "playbook": pb.id(),
            "version": pb.version(),
            "locale": pb.locale(),
            "required": required,
            "labels": labels,
        }))
    }

    /// "model" or "lexicon".
    #[wasm_bindgen(js_name = emotionSource)]
    pub fn emotion_source(&self) -> String {
        self.inner.emotion_source().to_string()
    }

    pub fn conversation(&self) -> Conversation {
        Conversation { inner: self.inner.conversation() }
    }

    /// Banned phrases in an unsent draft, as a JSON array of events.
    #[wasm_bindgen(js_name = checkDraft)]
    pub fn check_draft(&self, text: &str) -> String {
        json(&self.inner.check_draft(text))
    }
}

/// One chat's state.
#[wasm_bindgen]
pub struct Conversation {
    inner: linesman::Conversation,
}

#[wasm_bindgen]
impl Conversation {
    /// One message; returns its events as a JSON array.
    pub fn observe(&mut self, role: &str, text: &str, ts: Option<f64>) -> Result<String, JsError> {
        let role = match role {
            "agent" => Role::Agent,
            "customer" => Role::Customer,
            "system" => Role::System,
            other => return Err(JsError::new(&format!("role must be agent, customer or system, got {other:?}"))),
        };
        let mut m = Message::new(role, text);
        if let Some(ts) = ts {
            m = m.at(millis("ts", ts)?);
        }
        Ok(json(&self.inner.observe(&m)))
    }

    /// The clock moved on (ms since the epoch); returns events as JSON.
    pub fn tick(&mut self, now: f64) -> Result<String, JsError> {
        Ok(json(&self.inner.tick(millis("now", now)?)))
    }

    /// The conversation is over; returns events as JSON.
    pub fn end(&mut self, now: Option<f64>) -> Result<String, JsError> {
        let now = now.map(|n| millis("now", n)).transpose()?;
        Ok(json(&self.inner.end(now)))
    }

    /// Score, tags, checklist and trajectory as JSON.
    pub fn summary(&self) -> String {
        json(&self.inner.summary())
    }
}

/// The emotion model alone, for the benchmark page (www/bench/emotion.html).
#[wasm_bindgen]
pub struct EmotionBench {
    model: OnnxEmotion,
}

#[wasm_bindgen]
impl EmotionBench {
    /// Loads the model (tensor form), checks it and optimises it: what the
    /// cold-start figure measures.
    #[wasm_bindgen(constructor)]
    pub fn new(model_bytes: &[u8]) -> Result<EmotionBench, JsError> {
        OnnxEmotion::from_any(model_bytes).map(|model| EmotionBench { model }).map_err(|e| JsError::new(&e.to_string()))
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
        use linesman::EmotionModel;
        self.model.classify(text, &[]).scores.to_array().map(|p| p as f32).to_vec()
    }
}
