//! The HTTP service: `POST /generate` streams the model's tokens as
//! server-sent events.
//!
//! The error format and the in-process client come from the REST API
//! chapter (its classifier service uses them too): every error is
//! `{"error": …, "detail": …}` with a fitting 4xx status, and tests send
//! requests straight to the `Router` with `tower::ServiceExt::oneshot`,
//! without opening a port.

// ANCHOR: errors
use axum::{
    Json, Router,
    body::Body,
    extract::rejection::JsonRejection,
    http::{Request, StatusCode, header},
    response::{IntoResponse, Response},
};
use http_body_util::BodyExt;
use serde::Serialize;
use tower::ServiceExt;

/// Error response body: fields in a fixed order, `detail` left out when empty.
#[derive(Serialize)]
pub struct ErrorBody {
    /// What is wrong, for a person to read.
    pub error: String,
    /// The underlying cause, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// A JSON error response with the given status.
pub fn error_response(status: StatusCode, error: String, detail: String) -> Response {
    let detail = (!detail.is_empty()).then_some(detail);
    (status, Json(ErrorBody { error, detail })).into_response()
}

/// What to answer when axum's `Json` extractor rejects a request body:
/// axum's own status for that kind of failure (400 bad syntax, 422 wrong
/// structure, 415 no JSON content type, 413 too large), a message, and the
/// underlying cause. `expected` says what the structure should be.
pub fn rejection_parts(rej: &JsonRejection, expected: &str) -> (StatusCode, String, String) {
    let error = match rej {
        JsonRejection::JsonSyntaxError(_) => "请求体不是合法的 JSON".to_string(),
        JsonRejection::JsonDataError(_) => format!("JSON 结构不对：{expected}"),
        JsonRejection::MissingJsonContentType(_) => {
            "缺少 Content-Type: application/json".to_string()
        }
        _ => "无法读取请求体".to_string(),
    };
    (rej.status(), error, rej.body_text())
}
// ANCHOR_END: errors

// ANCHOR: client
/// Why the in-process client could not complete a request.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The method or URI does not form a request.
    #[error("无法构造请求：{0}")]
    Request(#[from] axum::http::Error),
    /// The response body could not be read.
    #[error("读取响应体失败：{0}")]
    Body(#[from] axum::Error),
}

/// Sends one request to `app` in process (the `Router` is a
/// `tower::Service`; `oneshot` is "one request, one response") and returns
/// the status and the whole body as text.
pub async fn send(
    app: &Router,
    method: &str,
    uri: &str,
    content_type: Option<&str>,
    body: &str,
) -> Result<(StatusCode, String), ClientError> {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(ct) = content_type {
        req = req.header(header::CONTENT_TYPE, ct);
    }
    let req = req.body(Body::from(body.to_string()))?;
    let resp = match app.clone().oneshot(req).await {
        Ok(resp) => resp,
        Err(never) => match never {},
    };
    let status = resp.status();
    let bytes = resp.into_body().collect().await?.to_bytes();
    Ok((status, String::from_utf8_lossy(&bytes).into_owned()))
}

/// [`send`], printing the request and the response.
pub async fn call(
    app: &Router,
    method: &str,
    uri: &str,
    content_type: Option<&str>,
    body: &str,
) -> Result<(), ClientError> {
    let (status, text) = send(app, method, uri, content_type, body).await?;
    if body.is_empty() {
        println!("→ {method} {uri}");
    } else {
        println!("→ {method} {uri}  {body}");
    }
    println!("← {status}  {text}");
    println!();
    Ok(())
}
// ANCHOR_END: client

// ANCHOR: state
use std::collections::BTreeSet;
use std::convert::Infallible;
use std::sync::Arc;

use axum::{
    extract::State,
    response::sse::{Event, Sse},
    routing::post,
};
use futures_util::stream::{self, Stream};
use serde::Deserialize;
use tokio::sync::mpsc;

use crate::bpe::{EOT, Tokenizer};
use crate::kv::{GenerateOptions, StopReason, Utf8Mask, generate, prompt_ids, text_of};
use crate::model::Model;
use crate::sample::{SampleError, SamplingConfig, rng};

/// What the service accepts: the limits a request is checked against
/// before any work is done.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Limits {
    /// Longest prompt, in characters (not UTF-8 bytes).
    pub max_prompt_chars: usize,
    /// Most tokens one request may ask for.
    pub max_new_tokens: usize,
}

/// Why the service cannot start with the given parts.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LoadError {
    /// Tokenizer and model have different vocabulary sizes: they do not
    /// belong together.
    #[error("分词器有 {tokenizer} 个词元，模型的词表是 {model}：两者不配套")]
    VocabMismatch {
        /// Vocabulary of the tokenizer.
        tokenizer: usize,
        /// Vocabulary of the model.
        model: usize,
    },
    /// A limit of 0 would reject every request.
    #[error("限额必须为正：{0:?}")]
    Limits(Limits),
}

/// Shared by every request: the model and tokenizer are read-only, so one
/// copy behind an `Arc` serves all of them without a lock.
#[derive(Clone)]
pub struct AppState {
    model: Arc<Model>,
    tokenizer: Arc<Tokenizer>,
    mask: Arc<Utf8Mask>,
    known_chars: Arc<BTreeSet<char>>,
    limits: Limits,
}

impl AppState {
    /// `known_chars` are the characters of the training poems: the byte-level
    /// tokenizer can spell any text, but the model has learnt nothing about a
    /// character it never saw, so a prompt with one is refused.
    ///
    /// Checks that tokenizer and model belong together (the same vocabulary
    /// size) before the service starts, so a mismatched pair of files is an
    /// error at start-up instead of a panic in some request.
    pub fn new(
        tokenizer: Tokenizer,
        model: Model,
        known_chars: BTreeSet<char>,
        limits: Limits,
    ) -> Result<AppState, LoadError> {
        if tokenizer.vocab_size() != model.config.vocab_size {
            return Err(LoadError::VocabMismatch {
                tokenizer: tokenizer.vocab_size(),
                model: model.config.vocab_size,
            });
        }
        if limits.max_new_tokens == 0 || limits.max_prompt_chars == 0 {
            return Err(LoadError::Limits(limits));
        }
        Ok(AppState {
            model: Arc::new(model),
            mask: Arc::new(Utf8Mask::new(&tokenizer)),
            tokenizer: Arc::new(tokenizer),
            known_chars: Arc::new(known_chars),
            limits,
        })
    }

    /// The model every request uses.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The tokenizer every request uses.
    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }

    /// The mask that keeps generated text valid UTF-8.
    pub fn mask(&self) -> &Utf8Mask {
        &self.mask
    }

    /// The limits requests are checked against.
    pub fn limits(&self) -> Limits {
        self.limits
    }
}

/// The body of `POST /generate`. Only `prompt` is required; unknown fields
/// are rejected, so a misspelt `temprature` is an error, not silently ignored.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenerateRequest {
    /// The beginning of the poem.
    pub prompt: String,
    /// How many tokens to generate at most (default: the service's limit).
    #[serde(default)]
    pub max_new_tokens: Option<usize>,
    /// 0 for greedy decoding (default 0.8).
    #[serde(default = "default_temperature")]
    pub temperature: f64,
    /// Keep the k most probable tokens.
    #[serde(default)]
    pub top_k: Option<usize>,
    /// Keep the smallest set reaching this probability.
    #[serde(default)]
    pub top_p: Option<f64>,
    /// The seed of the sampler: the same request gives the same tokens.
    #[serde(default)]
    pub seed: u64,
}

fn default_temperature() -> f64 {
    0.8
}
// ANCHOR_END: state

// ANCHOR: service_errors
/// Everything that can go wrong before generation starts, each with its
/// status and message.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The body is not the JSON we expect (axum's rejection).
    #[error("请求体不是期望的 JSON")]
    BadJson(JsonRejection),
    /// `prompt` is "".
    #[error("prompt 为空")]
    EmptyPrompt,
    /// The prompt is longer than [`Limits::max_prompt_chars`].
    #[error("prompt 过长")]
    PromptTooLong {
        /// Characters in the prompt.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// Characters the tokenizer has never seen.
    #[error("prompt 含有词表外的字符")]
    UnknownChars(Vec<char>),
    /// `max_new_tokens` is 0 or above [`Limits::max_new_tokens`].
    #[error("max_new_tokens 超出范围")]
    MaxNewTokens {
        /// What was asked for.
        requested: usize,
        /// The limit.
        max: usize,
    },
    /// The prompt leaves no room in the context.
    #[error("prompt 占满了上下文")]
    ContextFull {
        /// Tokens of the prompt, the start-of-poem token included.
        tokens: usize,
        /// The model's context length.
        n_ctx: usize,
    },
    /// temperature, top_k or top_p is invalid.
    #[error("采样参数无效")]
    Sampling(SampleError),
}

impl IntoResponse for ServeError {
    fn into_response(self) -> Response {
        let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
        let (status, error, detail) = match self {
            ServeError::BadJson(rej) => rejection_parts(
                &rej,
                "需要字符串字段 prompt，可选 max_new_tokens、temperature、top_k、top_p、seed",
            ),
            ServeError::EmptyPrompt => (unprocessable, "prompt 不能为空".into(), String::new()),
            ServeError::PromptTooLong { chars, max } => (
                unprocessable,
                format!("prompt 过长：{chars} 个字符，上限 {max}"),
                String::new(),
            ),
            ServeError::UnknownChars(cs) => (
                unprocessable,
                "prompt 含有训练语料里没有的字符".into(),
                cs.iter().map(char::to_string).collect::<Vec<_>>().join(" "),
            ),
            ServeError::MaxNewTokens { requested, max } => (
                unprocessable,
                format!("max_new_tokens = {requested} 不在 1..={max} 之内"),
                String::new(),
            ),
            ServeError::ContextFull { tokens, n_ctx } => (
                unprocessable,
                format!("prompt 占了 {tokens} 个位置，上下文只有 {n_ctx} 个，没有生成的余地"),
                String::new(),
            ),
            ServeError::Sampling(e) => (unprocessable, "采样参数无效".into(), e.to_string()),
        };
        error_response(status, error, detail)
    }
}
// ANCHOR_END: service_errors

// ANCHOR: handler
/// Checks a request against the limits and the vocabulary; returns the
/// prompt as token ids, preceded by the end-of-text token that separates
/// poems in training (so the model starts a new poem).
pub fn prepare(state: &AppState, req: &GenerateRequest) -> Result<Vec<u32>, ServeError> {
    let chars = req.prompt.chars().count(); // characters, not UTF-8 bytes
    if chars == 0 {
        return Err(ServeError::EmptyPrompt);
    }
    let limits = state.limits;
    if chars > limits.max_prompt_chars {
        return Err(ServeError::PromptTooLong {
            chars,
            max: limits.max_prompt_chars,
        });
    }
    let requested = req.max_new_tokens.unwrap_or(limits.max_new_tokens);
    if requested == 0 || requested > limits.max_new_tokens {
        return Err(ServeError::MaxNewTokens {
            requested,
            max: limits.max_new_tokens,
        });
    }
    req.sampling().validate().map_err(ServeError::Sampling)?;
    let mut unknown: Vec<char> = Vec::new();
    for c in req.prompt.chars() {
        if !state.known_chars.contains(&c) && !unknown.contains(&c) {
            unknown.push(c);
        }
    }
    if !unknown.is_empty() {
        return Err(ServeError::UnknownChars(unknown));
    }
    let ids = prompt_ids(&state.tokenizer, &req.prompt);
    let n_ctx = state.model.config.n_ctx;
    if ids.len() >= n_ctx {
        return Err(ServeError::ContextFull {
            tokens: ids.len(),
            n_ctx,
        });
    }
    Ok(ids)
}

impl GenerateRequest {
    /// The sampling settings of the request.
    pub fn sampling(&self) -> SamplingConfig {
        SamplingConfig {
            temperature: self.temperature,
            top_k: self.top_k,
            top_p: self.top_p,
        }
    }
}

/// The event for one token: its id and its text.
#[derive(Serialize)]
struct TokenEvent<'a> {
    id: u32,
    text: &'a str,
}

/// The last event: why generation ended and the whole text.
#[derive(Serialize)]
struct DoneEvent {
    reason: &'static str,
    tokens: usize,
    text: String,
}

/// `POST /generate`: validate, then stream. Generation runs on tokio's
/// blocking pool; each token goes through a channel to the response as a
/// server-sent event the moment it is chosen.
async fn generate_handler(
    State(state): State<AppState>,
    payload: Result<Json<GenerateRequest>, JsonRejection>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ServeError> {
    let Json(req) = payload.map_err(ServeError::BadJson)?;
    let prompt = prepare(&state, &req)?;
    let (tx, rx) = mpsc::channel::<Event>(16);
    tokio::task::spawn_blocking(move || run(&state, &req, &prompt, &tx));
    // The stream ends when `run` drops the sender.
    let events = stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|ev| (Ok(ev), rx))
    });
    Ok(Sse::new(events))
}

/// The blocking part: generate with the KV cache, send one `token` event
/// per token, then `done` (or `error`). If the client has gone away, the
/// send fails and generation stops.
fn run(state: &AppState, req: &GenerateRequest, prompt: &[u32], tx: &mpsc::Sender<Event>) {
    let opts = GenerateOptions {
        max_new_tokens: req.max_new_tokens.unwrap_or(state.limits.max_new_tokens),
        sampling: req.sampling(),
        stop: Some(EOT),
    };
    let mut rng = rng(req.seed);
    let tok = &state.tokenizer;
    // A byte-level token can end inside a character: keep the bytes not yet
    // sent, and send only whole UTF-8 characters.
    let mut pending: Vec<u8> = Vec::new();
    let mut on_token = |id: u32| {
        pending.extend(tok.decode_bytes(&[id]).unwrap_or_default());
        let text = take_complete(&mut pending);
        let data = json_text(&TokenEvent { id, text: &text });
        tx.blocking_send(Event::default().event("token").data(data))
            .is_ok()
    };
    let last = match generate(
        &state.model,
        prompt,
        &opts,
        &mut rng,
        true,
        Some(&state.mask),
        &mut on_token,
    ) {
        Ok(g) => {
            let reason = match g.reason {
                StopReason::Stop => "stop",
                StopReason::Length => "length",
                StopReason::Cancelled => return,
            };
            // A generation cut off inside a character ends in U+FFFD.
            let text = text_of(tok, &g.tokens);
            let done = DoneEvent {
                reason,
                tokens: g.tokens.len(),
                text,
            };
            Event::default().event("done").data(json_text(&done))
        }
        Err(e) => {
            let body = ErrorBody {
                error: "生成失败".into(),
                detail: Some(e.to_string()),
            };
            Event::default().event("error").data(json_text(&body))
        }
    };
    // A client that left before the end is no error of ours.
    let _ = tx.blocking_send(last);
}

/// Removes and returns the longest prefix of `bytes` that is whole UTF-8
/// characters; an incomplete character at the end stays for the next token.
fn take_complete(bytes: &mut Vec<u8>) -> String {
    let valid = match std::str::from_utf8(bytes) {
        Ok(s) => s.len(),
        // error_len() is None when the bytes end inside a character
        Err(e) if e.error_len().is_none() => e.valid_up_to(),
        // bytes that can never become UTF-8: send them as U+FFFD now
        Err(_) => bytes.len(),
    };
    let text = String::from_utf8_lossy(&bytes[..valid]).into_owned();
    bytes.drain(..valid);
    text
}

/// JSON text of a value whose serialization cannot fail (plain structs of
/// strings and numbers).
fn json_text<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// The service's routes.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/generate", post(generate_handler))
        .method_not_allowed_fallback(|| async {
            let error = "/generate 只接受 POST".to_string();
            error_response(StatusCode::METHOD_NOT_ALLOWED, error, String::new())
        })
        .fallback(|| async {
            let error = "没有这个路径：接口是 POST /generate".to_string();
            error_response(StatusCode::NOT_FOUND, error, String::new())
        })
        .with_state(state)
}
// ANCHOR_END: handler
