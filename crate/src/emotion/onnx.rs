//! The trained emotion model (`models/emotion.onnx`), run by `tract-onnx`.

use std::sync::Arc;

use tract_onnx::prelude::*;

use super::features;
use super::{EmotionLabel, EmotionModel, EmotionReading, Scores};

/// What a Linesman emotion model must declare in its ONNX metadata, so that
/// a model trained for another featuriser is refused instead of misread.
const FEATURES_KEY: &str = "onnx.metadata_props.linesman.features";
const LABELS_KEY: &str = "onnx.metadata_props.linesman.labels";

/// The answer if a run fails after the load-time check (it cannot: ids are
/// in range and N ≥ 1 by construction).
const CALM: [f32; 6] = [0.0, 0.0, 0.0, 0.0, 1.0, 0.0];

fn features_spec() -> String {
    format!("fnv1a64-v{}:{}", features::VERSION, features::BUCKETS)
}

/// Why a model file was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelError(String);

impl std::fmt::Display for ModelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "emotion model: {}", self.0)
    }
}

impl std::error::Error for ModelError {}

fn err(what: impl std::fmt::Display) -> ModelError {
    ModelError(what.to_string())
}

/// The trained classifier: hashed n-gram features (shared with the training
/// pipeline) → mean embedding → small MLP → six probabilities.
pub struct OnnxEmotion {
    plan: Arc<TypedRunnableModel>,
    /// One run state kept between messages: a fresh state per run costs
    /// more than this model's arithmetic. A second caller meanwhile (the
    /// engine is shared) runs with a fresh state instead of waiting.
    state: std::sync::Mutex<TypedSimpleState>,
}

impl std::fmt::Debug for OnnxEmotion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OnnxEmotion").finish_non_exhaustive()
    }
}

impl OnnxEmotion {
    /// Load, check and optimise a model once; `classify` then only runs it.
    pub fn from_bytes(bytes: &[u8]) -> Result<OnnxEmotion, ModelError> {
        let model = tract_onnx::onnx()
            .model_for_read(&mut &bytes[..])
            .map_err(|e| err(format!("not a readable ONNX model ({e})")))?;
        let prop = |key: &str| -> Option<String> {
            let t = model.properties.get(key)?;
            t.try_as_plain_ram().ok()?.to_scalar::<String>().ok().cloned()
        };
        let spec = features_spec();
        match prop(FEATURES_KEY) {
            Some(s) if s == spec => {}
            Some(s) => return Err(err(format!("made for features {s:?}, this build computes {spec:?}"))),
            None => return Err(err("no linesman.features in its metadata: not a Linesman emotion model")),
        }
        let labels: Vec<&str> = EmotionLabel::ALL.iter().map(|l| l.name()).collect();
        match prop(LABELS_KEY) {
            Some(s) if s == labels.join(",") => {}
            other => return Err(err(format!("labels {other:?}, expected {:?}", labels.join(",")))),
        }
        if model.inputs.len() != 2 || model.outputs.len() != 1 {
            return Err(err(format!(
                "expected inputs (ids, weights) and one output (probs), found {} inputs and {} outputs",
                model.inputs.len(),
                model.outputs.len()
            )));
        }
        let n = model.symbols.sym("N");
        let typed = model
            .with_input_fact(0, InferenceFact::dt_shape(i64::datum_type(), tvec!(n.to_dim())))
            .and_then(|m| {
                m.with_input_fact(1, InferenceFact::dt_shape(f32::datum_type(), tvec!(1.to_dim(), n.to_dim())))
            })
            .and_then(|m| m.into_optimized())
            .map_err(|e| err(format!("inputs must be ids: int64 [N] and weights: float32 [1, N] ({e})")))?;
        let out = typed.output_fact(0).map_err(err)?;
        let want: TVec<TDim> = tvec!(1.to_dim(), 6.to_dim());
        if out.datum_type != f32::datum_type() || out.shape.to_tvec() != want {
            return Err(err(format!("output must be probs: float32 [1, 6], found {out:?}")));
        }
        let plan = typed.into_runnable().map_err(err)?;
        let state = std::sync::Mutex::new(plan.spawn().map_err(err)?);
        let model = OnnxEmotion { plan, state };
        // One run on an empty message proves the graph runs and sums to 1.
        let f = features::featurize("");
        let p = model.run(&f.ids, &f.weights).map_err(err)?;
        let total: f32 = p.iter().sum();
        if p.iter().any(|x| !x.is_finite() || *x < 0.0) || (total - 1.0).abs() > 1e-3 {
            return Err(err(format!("output is not a probability distribution: {p:?}")));
        }
        Ok(model)
    }

    fn run(&self, ids: &[i64], weights: &[f32]) -> TractResult<[f32; 6]> {
        let n = ids.len();
        let ids = Tensor::from_shape(&[n], ids)?;
        let weights = Tensor::from_shape(&[1, n], weights)?;
        let inputs = tvec!(ids.into_tvalue(), weights.into_tvalue());
        let out = match self.state.try_lock() {
            Ok(mut state) => state.run(inputs)?,
            Err(_) => self.plan.run(inputs)?,
        };
        let view = out[0].try_as_plain_ram()?;
        let v = view.as_slice::<f32>()?;
        let mut p = [0f32; 6];
        p.copy_from_slice(v.get(..6).ok_or_else(|| tract_onnx::tract_core::internal::format_err!("short output"))?);
        Ok(p)
    }

    /// Features of a text, as the model sees them (for benchmarks and
    /// for checking other runtimes against this one).
    #[doc(hidden)]
    pub fn featurize(&self, text: &str) -> (Vec<i64>, Vec<f32>) {
        let f = features::featurize(text);
        (f.ids, f.weights)
    }

    /// The raw model output for given features.
    #[doc(hidden)]
    pub fn run_features(&self, ids: &[i64], weights: &[f32]) -> [f32; 6] {
        self.run(ids, weights).unwrap_or(CALM)
    }

    /// The message alone, without context.
    fn read(&self, text: &str) -> EmotionReading {
        let f = features::featurize(text);
        let p = self.run_features(&f.ids, &f.weights);
        let scores = Scores::from_weights(p.map(f64::from));
        let label = scores.top();
        EmotionReading { label, intensity: super::intensity_of(label, scores.get(label), text), scores }
    }
}

impl EmotionModel for OnnxEmotion {
    fn source(&self) -> &str {
        "model"
    }

    fn classify(&self, text: &str, context: &[&str]) -> EmotionReading {
        let now = self.read(text);
        let calm = matches!(now.label, EmotionLabel::Neutral | EmotionLabel::Confused);
        super::carry_context(now, calm, text, context, |t| self.read(t))
    }
}
