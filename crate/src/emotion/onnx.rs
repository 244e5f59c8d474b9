//! The trained emotion model (`models/emotion.onnx`), run by tract.
//!
//! Two ways in, one tract plan out:
//! - the ONNX file itself (feature `onnx`: `tract-onnx`), natively;
//! - its *tensor form* (feature `tract`: `tract-core` only), for the browser:
//!   the same weights and metadata in a small container
//!   ([`OnnxEmotion::onnx_to_tensors`], run at build time), from which the
//!   graph is rebuilt with tract-core operators. An ONNX or NNEF reader in
//!   wasm registers every operator tract has and kept the build at
//!   3.2 MB gzip; this way only the five operators the model uses are
//!   linked. The conversion refuses an ONNX graph whose outputs the rebuilt
//!   graph does not reproduce.

use std::sync::Arc;

use tract_core::internal::*;

use super::features;
use super::{EmotionLabel, EmotionModel, EmotionReading, Scores};

/// What a Linesman emotion model must declare in its metadata, so that a
/// model trained for another featuriser is refused instead of misread.
/// (ONNX `metadata_props`, carried over as tract properties into NNEF.)
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
    /// Load, check and optimise an ONNX model once; `classify` then only runs it.
    #[cfg(feature = "onnx")]
    pub fn from_bytes(bytes: &[u8]) -> Result<OnnxEmotion, ModelError> {
        OnnxEmotion::from_typed(onnx_typed(read_onnx(bytes)?)?)
    }

    /// Load, check and optimise the tensor form of the model (see
    /// [`OnnxEmotion::onnx_to_tensors`]): what the browser build reads.
    pub fn from_tensors(bytes: &[u8]) -> Result<OnnxEmotion, ModelError> {
        OnnxEmotion::from_typed(tensor_form::graph(&tensor_form::read(bytes)?)?)
    }

    /// Either form: the tensor form by its magic bytes, else ONNX.
    pub fn from_any(bytes: &[u8]) -> Result<OnnxEmotion, ModelError> {
        if bytes.starts_with(tensor_form::MAGIC) {
            return OnnxEmotion::from_tensors(bytes);
        }
        #[cfg(feature = "onnx")]
        return OnnxEmotion::from_bytes(bytes);
        #[cfg(not(feature = "onnx"))]
        Err(err(
            "this build reads the tensor form of the model (emotion.model, made by `linesman convert-model`), not ONNX",
        ))
    }

    /// The tensor form of an ONNX emotion model: its weights and metadata,
    /// checked to give the ONNX graph's outputs when rebuilt.
    #[cfg(feature = "onnx")]
    pub fn onnx_to_tensors(onnx: &[u8]) -> Result<Vec<u8>, ModelError> {
        let model = read_onnx(onnx)?;
        let bytes = tensor_form::from_onnx(&model)?;
        let reference = OnnxEmotion::from_typed(onnx_typed(model)?)?;
        let rebuilt = OnnxEmotion::from_tensors(&bytes)?;
        for text in tensor_form::PROBES {
            let (ids, weights) = reference.featurize(text);
            let (want, got) = (reference.run_features(&ids, &weights), rebuilt.run_features(&ids, &weights));
            if want.iter().zip(&got).any(|(a, b)| (a - b).abs() > 1e-5) {
                return Err(err(format!(
                    "the ONNX graph is not the architecture the tensor form rebuilds (on {text:?}: {want:?} vs {got:?})"
                )));
            }
        }
        Ok(bytes)
    }

    fn from_typed(model: TypedModel) -> Result<OnnxEmotion, ModelError> {
        let prop = |key: &str| string_property(&model.properties, key);
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
        let inputs: Vec<_> = (0..model.inputs.len()).filter_map(|i| model.input_fact(i).ok()).collect();
        let shapes_ok = inputs.len() == 2
            && inputs[0].datum_type == i64::datum_type()
            && inputs[0].rank() == 1
            && inputs[1].datum_type == f32::datum_type()
            && inputs[1].rank() == 2;
        if !shapes_ok || model.outputs.len() != 1 {
            return Err(err(format!(
                "inputs must be ids: int64 [N] and weights: float32 [1, N] with one output (probs), found inputs {inputs:?} and {} outputs",
                model.outputs.len()
            )));
        }
        let typed = model.into_optimized().map_err(|e| err(format!("cannot optimise the graph ({e})")))?;
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
        p.copy_from_slice(v.get(..6).ok_or_else(|| format_err!("short output"))?);
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

/// The tensor form: `MAGIC`, a little-endian u32 header length, a JSON
/// header `{"features", "labels", "tensors": [[name, [dims…]], …]}`, then
/// each tensor's f32 values, little-endian, in header order.
mod tensor_form {
    use super::*;

    pub const MAGIC: &[u8] = b"LSEMO\x001\n";
    /// The ONNX initializers, in the order the graph uses them.
    #[cfg(feature = "onnx")]
    const NAMES: [&str; 5] = ["E", "W1", "b1", "W2", "b2"];
    /// Texts the conversion checks the rebuilt graph on (every script and
    /// label kind; the featuriser adds length and shape features).
    #[cfg(feature = "onnx")]
    pub const PROBES: [&str; 6] =
        ["", "你们这是什么破店？骗子！", "謝謝你，問題解決了", "WHERE IS MY REFUND?!", "ok", "how do I reset it"];
    /// Far above the model's 32768×16 embedding: a corrupt header must not
    /// make us allocate gigabytes.
    const MAX_VALUES: usize = 1 << 22;

    pub struct Tensors {
        pub features: String,
        pub labels: String,
        pub tensors: Vec<(String, Vec<usize>, Vec<f32>)>,
    }

    #[derive(serde::Serialize, serde::Deserialize)]
    struct Header {
        features: String,
        labels: String,
        tensors: Vec<(String, Vec<usize>)>,
    }

    pub fn read(bytes: &[u8]) -> Result<Tensors, ModelError> {
        let rest = bytes.strip_prefix(MAGIC).ok_or_else(|| err("not the tensor form of a Linesman emotion model"))?;
        let (len, rest) = rest.split_first_chunk::<4>().ok_or_else(|| err("tensor form: truncated header"))?;
        let len = u32::from_le_bytes(*len) as usize;
        let header = rest.get(..len).ok_or_else(|| err("tensor form: truncated header"))?;
        let header: Header =
            serde_json::from_slice(header).map_err(|e| err(format!("tensor form: unreadable header ({e})")))?;
        let mut data = &rest[len..];
        let mut tensors = Vec::new();
        for (name, dims) in header.tensors {
            let n = dims
                .iter()
                .try_fold(1usize, |n, d| n.checked_mul(*d))
                .filter(|n| *n <= MAX_VALUES)
                .ok_or_else(|| err(format!("tensor form: {name} has an impossible shape {dims:?}")))?;
            let raw = data.get(..n * 4).ok_or_else(|| err(format!("tensor form: {name} is truncated")))?;
            let values = raw.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
            data = &data[n * 4..];
            tensors.push((name, dims, values));
        }
        if !data.is_empty() {
            return Err(err(format!("tensor form: {} bytes after the last tensor", data.len())));
        }
        Ok(Tensors { features: header.features, labels: header.labels, tensors })
    }

    fn tensor<'t>(t: &'t Tensors, name: &str, rank: usize) -> Result<(&'t [usize], &'t [f32]), ModelError> {
        let (_, dims, values) =
            t.tensors.iter().find(|(n, ..)| n == name).ok_or_else(|| err(format!("tensor form: no tensor {name}")))?;
        if dims.len() != rank || dims.contains(&0) {
            return Err(err(format!(
                "tensor form: {name} must have rank {rank} and no empty axis, has shape {dims:?}"
            )));
        }
        Ok((dims, values))
    }

    /// The model's graph, as the ONNX file has it:
    /// probs = softmax(relu((weights · E[ids]) · W1 + b1) · W2 + b2).
    pub fn graph(t: &Tensors) -> Result<TypedModel, ModelError> {
        let (e_dims, e) = tensor(t, "E", 2)?;
        let (w1_dims, w1) = tensor(t, "W1", 2)?;
        let (b1_dims, b1) = tensor(t, "b1", 1)?;
        let (w2_dims, w2) = tensor(t, "W2", 2)?;
        let (b2_dims, b2) = tensor(t, "b2", 1)?;
        let (dim, hidden, labels) = (e_dims[1], w1_dims[1], w2_dims[1]);
        if w1_dims[0] != dim || b1_dims[0] != hidden || w2_dims[0] != hidden || b2_dims[0] != labels {
            return Err(err(format!(
                "tensor form: shapes do not chain: E {e_dims:?}, W1 {w1_dims:?}, b1 {b1_dims:?}, W2 {w2_dims:?}, b2 {b2_dims:?}"
            )));
        }
        build(t, (e_dims, e), (w1_dims, w1), b1, (w2_dims, w2), b2)
            .map_err(|e| err(format!("tensor form: cannot build the graph ({e})")))
    }

    fn build(
        t: &Tensors,
        e: (&[usize], &[f32]),
        w1: (&[usize], &[f32]),
        b1: &[f32],
        w2: (&[usize], &[f32]),
        b2: &[f32],
    ) -> TractResult<TypedModel> {
        use tract_core::ops::{array::Gather, einsum::EinSum, math, nn::Softmax};
        let mut m = TypedModel::default();
        let n = m.symbols.sym("N");
        let ids = m.add_source("ids", i64::fact([n.to_dim()]))?;
        let weights = m.add_source("weights", f32::fact([1.to_dim(), n.to_dim()]))?;
        let konst =
            |m: &mut TypedModel, name: &str, dims: &[usize], v: &[f32]| m.add_const(name, Tensor::from_shape(dims, v)?);
        let e = konst(&mut m, "E", e.0, e.1)?;
        let w1 = konst(&mut m, "W1", w1.0, w1.1)?;
        let b1 = konst(&mut m, "b1", &[1, b1.len()], b1)?;
        let w2 = konst(&mut m, "W2", w2.0, w2.1)?;
        let b2 = konst(&mut m, "b2", &[1, b2.len()], b2)?;
        let zero = m.add_const("zero", tensor2(&[[0f32]]))?;
        let matmul = || EinSum::new("ik,kj->ij".parse().unwrap(), f32::datum_type());
        let rows = m.wire_node("rows", Gather { axis: 0, output_type: None }, &[e, ids])?;
        let mean = m.wire_node("mean", matmul(), &[weights, rows[0]])?;
        let z1a = m.wire_node("z1a", matmul(), &[mean[0], w1])?;
        let z1 = m.wire_node("z1", math::add(), &[z1a[0], b1])?;
        let h1 = m.wire_node("h1", math::max(), &[z1[0], zero])?;
        let z2a = m.wire_node("z2a", matmul(), &[h1[0], w2])?;
        let logits = m.wire_node("logits", math::add(), &[z2a[0], b2])?;
        let probs = m.wire_node("probs", Softmax { axes: tvec!(1), ..Softmax::default() }, &logits)?;
        m.select_output_outlets(&probs)?;
        for (key, value) in [(FEATURES_KEY, &t.features), (LABELS_KEY, &t.labels)] {
            m.properties.insert(key.to_string(), Arc::new(tensor0(value.clone())));
        }
        Ok(m)
    }

    /// The weights and metadata of an ONNX emotion model, in the tensor form.
    #[cfg(feature = "onnx")]
    pub fn from_onnx(model: &tract_onnx::prelude::InferenceModel) -> Result<Vec<u8>, ModelError> {
        let prop =
            |key: &str| string_property(&model.properties, key).ok_or_else(|| err(format!("no {key} in its metadata")));
        let mut header = Header { features: prop(FEATURES_KEY)?, labels: prop(LABELS_KEY)?, tensors: vec![] };
        let mut data = Vec::new();
        for name in NAMES {
            let node = model.node_by_name(name).map_err(|_| err(format!("no initializer {name}")))?;
            let konst = node
                .op_as::<tract_core::ops::konst::Const>()
                .ok_or_else(|| err(format!("{name} is not a constant")))?;
            let t = konst.val().cast_to::<f32>().map_err(err)?;
            let plain = t.try_as_plain_ram().map_err(err)?;
            for v in plain.as_slice::<f32>().map_err(err)? {
                data.extend_from_slice(&v.to_le_bytes());
            }
            header.tensors.push((name.to_string(), t.shape().to_vec()));
        }
        let header = serde_json::to_vec(&header).map_err(err)?;
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&(header.len() as u32).to_le_bytes());
        out.extend_from_slice(&header);
        out.extend_from_slice(&data);
        Ok(out)
    }
}

/// A string-valued model property (ONNX `metadata_props`).
fn string_property(properties: &std::collections::HashMap<String, Arc<Tensor>>, key: &str) -> Option<String> {
    properties.get(key)?.try_as_plain_ram().ok()?.to_scalar::<String>().ok().cloned()
}

#[cfg(feature = "onnx")]
fn read_onnx(bytes: &[u8]) -> Result<tract_onnx::prelude::InferenceModel, ModelError> {
    use tract_onnx::prelude::Framework as _;
    tract_onnx::onnx().model_for_read(&mut &bytes[..]).map_err(|e| err(format!("not a readable ONNX model ({e})")))
}

/// The ONNX model as a typed graph with the input shapes fixed
/// (ids: int64 [N], weights: float32 [1, N]).
#[cfg(feature = "onnx")]
fn onnx_typed(model: tract_onnx::prelude::InferenceModel) -> Result<TypedModel, ModelError> {
    use tract_onnx::prelude::{InferenceFact, InferenceModelExt as _};
    if model.inputs.len() != 2 || model.outputs.len() != 1 {
        return Err(err(format!(
            "expected inputs (ids, weights) and one output (probs), found {} inputs and {} outputs",
            model.inputs.len(),
            model.outputs.len()
        )));
    }
    let n = model.symbols.sym("N");
    model
        .with_input_fact(0, InferenceFact::dt_shape(i64::datum_type(), tvec!(n.to_dim())))
        .and_then(|m| m.with_input_fact(1, InferenceFact::dt_shape(f32::datum_type(), tvec!(1.to_dim(), n.to_dim()))))
        .and_then(|m| m.into_typed())
        .map_err(|e| err(format!("inputs must be ids: int64 [N] and weights: float32 [1, N] ({e})")))
}
