//! Linesman in the browser. For now only the emotion-model benchmark API
//! (`www/bench/emotion.html`): the ONNX model run by tract compiled to wasm.
//!
//! The inference below talks to `tract-onnx` directly and stays small on
//! purpose: it is to be replaced by `linesman::OnnxEmotion::from_bytes` and
//! `OnnxEmotion::run_features`. `run` does what `run_features` does (a
//! fresh state per run through `plan.run`); `run_reusing_state` keeps one
//! state, to show what caching it would gain.
//!
//! The page also picks up, when they exist, `feature_ids(text)` /
//! `feature_weights(text)` (the Rust features, fed to both engines) and
//! `run_text(text)` (features + inference in Rust).

use std::sync::Arc;

use tract_onnx::prelude::*;
use wasm_bindgen::prelude::*;

/// The emotion model, loaded, optimised and ready to run.
#[wasm_bindgen]
pub struct EmotionBench {
    plan: Arc<TypedRunnableModel>,
    state: TypedSimpleState,
}

fn js_err(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

fn inputs(ids: &[i64], weights: &[f32]) -> Result<TVec<TValue>, JsError> {
    if ids.is_empty() || ids.len() != weights.len() {
        return Err(JsError::new("ids and weights must be non-empty and of the same length"));
    }
    let n = ids.len();
    let ids = Tensor::from_shape(&[n], ids).map_err(js_err)?;
    let weights = Tensor::from_shape(&[1, n], weights).map_err(js_err)?;
    Ok(tvec![ids.into(), weights.into()])
}

fn probs(out: &TVec<TValue>) -> Result<Vec<f32>, JsError> {
    let view = out[0].try_as_plain_ram().map_err(js_err)?;
    Ok(view.as_slice::<f32>().map_err(js_err)?.to_vec())
}

#[wasm_bindgen]
impl EmotionBench {
    /// Loads the ONNX model from its bytes, fixes the input facts
    /// (`ids`: i64 `[N]`, `weights`: f32 `[1, N]`), optimises it and makes
    /// it runnable. This is what the cold-start figure measures.
    #[wasm_bindgen(constructor)]
    pub fn new(model_bytes: &[u8]) -> Result<EmotionBench, JsError> {
        let mut reader = model_bytes;
        let mut model = tract_onnx::onnx().model_for_read(&mut reader).map_err(js_err)?;
        let n = model.sym("N");
        model.set_input_fact(0, InferenceFact::dt_shape(i64::datum_type(), tvec![n.to_dim()])).map_err(js_err)?;
        model
            .set_input_fact(1, InferenceFact::dt_shape(f32::datum_type(), tvec![1.to_dim(), n.to_dim()]))
            .map_err(js_err)?;
        let plan = model.into_optimized().and_then(|m| m.into_runnable()).map_err(js_err)?;
        let state = plan.spawn().map_err(js_err)?;
        Ok(EmotionBench { plan, state })
    }

    /// Runs the model on one message's features: `ids` (a `BigInt64Array`)
    /// and `weights` (a `Float32Array`) of the same length. Returns the six
    /// probabilities.
    pub fn run(&self, ids: &[i64], weights: &[f32]) -> Result<Vec<f32>, JsError> {
        probs(&self.plan.run(inputs(ids, weights)?).map_err(js_err)?)
    }

    /// As `run`, through one state kept between runs.
    pub fn run_reusing_state(&mut self, ids: &[i64], weights: &[f32]) -> Result<Vec<f32>, JsError> {
        let inputs = inputs(ids, weights)?;
        probs(&self.state.run(inputs).map_err(js_err)?)
    }
}
