//! The service, in process: streamed tokens, determinism under a seed, and a
//! clear 4xx for each kind of bad request; start-up errors for parts that do
//! not belong together.

use std::collections::BTreeSet;

use axum::Router;
use axum::http::StatusCode;
use tinygpt::bpe::Tokenizer;
use tinygpt::model::{Config, Model};
use tinygpt::serve::{AppState, Limits, LoadError, router, send};

const POEMS: [&str; 3] = [
    "床前明月光，疑是地上霜。\n举头望明月，低头思故乡。",
    "春眠不觉晓，处处闻啼鸟。\n夜来风雨声，花落知多少。",
    "白日依山尽，黄河入海流。\n欲穷千里目，更上一层楼。",
];

fn parts(n_ctx: usize) -> (Tokenizer, Model, BTreeSet<char>) {
    let texts: Vec<String> = POEMS.iter().map(|s| s.to_string()).collect();
    let tok = Tokenizer::train(&texts, 300).unwrap();
    let config = Config {
        vocab_size: tok.vocab_size(),
        n_ctx,
        d_model: 16,
        n_head: 2,
        n_layer: 1,
        d_ff: 32,
        norm_eps: 1e-5,
        init_std: 0.5,
    };
    let known = texts.iter().flat_map(|t| t.chars()).collect();
    (tok, Model::new(config, 3), known)
}

const LIMITS: Limits = Limits {
    max_prompt_chars: 12,
    max_new_tokens: 20,
};

fn app(n_ctx: usize) -> Router {
    let (tok, model, known) = parts(n_ctx);
    router(AppState::new(tok, model, known, LIMITS).unwrap())
}

async fn post(app: &Router, body: &str) -> (StatusCode, String) {
    send(app, "POST", "/generate", Some("application/json"), body)
        .await
        .unwrap()
}

/// (event name, data) of every event of an SSE body.
fn events(body: &str) -> Vec<(String, serde_json::Value)> {
    body.split("\n\n")
        .filter(|b| !b.is_empty())
        .map(|b| {
            let field = |k: &str| {
                b.lines()
                    .find_map(|l| l.strip_prefix(k))
                    .unwrap_or_default()
                    .to_string()
            };
            let data = serde_json::from_str(&field("data: ")).unwrap();
            (field("event: "), data)
        })
        .collect()
}

#[tokio::test(flavor = "current_thread")]
async fn streams_tokens_then_done_and_is_deterministic() {
    let app = app(64);
    let body = r#"{"prompt": "床前", "max_new_tokens": 10, "seed": 1, "temperature": 1.0}"#;
    let (status, text) = post(&app, body).await;
    assert_eq!(status, StatusCode::OK);
    let ev = events(&text);
    let (last, tokens) = ev.split_last().unwrap();
    assert!(tokens.iter().all(|(name, _)| name == "token"));
    assert_eq!(last.0, "done");
    let n = last.1["tokens"].as_u64().unwrap() as usize;
    assert_eq!(n, tokens.len());
    assert!(n <= 10);
    // The streamed pieces add up to the text of the done event, unless the
    // generation ended inside a character.
    let streamed: String = tokens
        .iter()
        .map(|(_, d)| d["text"].as_str().unwrap())
        .collect();
    let done = last.1["text"].as_str().unwrap();
    assert!(done.starts_with(&streamed));
    assert_eq!(post(&app, body).await.1, text, "same seed, same stream");
    let other = body.replace("\"seed\": 1", "\"seed\": 2");
    assert_ne!(post(&app, &other).await.1, text);
}

#[tokio::test(flavor = "current_thread")]
async fn bad_requests_get_clear_errors() {
    let app = app(64);
    let cases = [
        (
            r#"{"prompt": ""}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "prompt 不能为空",
        ),
        (
            r#"{"prompt": "床前Z"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "训练语料里没有的字符",
        ),
        (
            r#"{"prompt": "床前明月光，疑是地上霜。举头"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "prompt 过长",
        ),
        (
            r#"{"prompt": "床前", "max_new_tokens": 21}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "max_new_tokens",
        ),
        (
            r#"{"prompt": "床前", "max_new_tokens": 0}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "max_new_tokens",
        ),
        (
            r#"{"prompt": "床前", "top_k": 0}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "采样参数无效",
        ),
        (
            r#"{"prompt": "床前", "temperature": -0.5}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "采样参数无效",
        ),
        (
            r#"{"prompt": "床前", "seeed": 1}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "JSON 结构不对",
        ),
        (
            r#"{"prompt": 5}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "JSON 结构不对",
        ),
        (r#"{"prompt": "#, StatusCode::BAD_REQUEST, "不是合法的 JSON"),
    ];
    for (body, status, message) in cases {
        let (s, text) = post(&app, body).await;
        assert_eq!(s, status, "{body}: {text}");
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert!(
            v["error"].as_str().unwrap().contains(message),
            "{body}: {text}"
        );
    }
    let (s, _) = send(&app, "POST", "/generate", None, r#"{"prompt": "床前"}"#)
        .await
        .unwrap();
    assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (s, text) = send(&app, "GET", "/generate", None, "").await.unwrap();
    assert_eq!(s, StatusCode::METHOD_NOT_ALLOWED);
    assert!(text.contains("只接受 POST"));
    let (s, _) = send(&app, "POST", "/nowhere", None, "").await.unwrap();
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "current_thread")]
async fn a_prompt_that_fills_the_context_is_refused_and_generation_slides_past_it() {
    let app = app(8);
    let (s, text) = post(&app, r#"{"prompt": "床前明月光，疑是"}"#).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert!(text.contains("上下文"));
    let (s, text) = post(&app, r#"{"prompt": "床", "max_new_tokens": 20}"#).await;
    assert_eq!(s, StatusCode::OK);
    let ev = events(&text);
    let done = &ev.last().unwrap().1;
    // 20 tokens do not fit in 8 positions: the context slides, and the
    // request runs to its length unless the model ends the poem first.
    match done["reason"].as_str().unwrap() {
        "length" => assert_eq!(done["tokens"], 20),
        reason => assert_eq!(reason, "stop", "{text}"),
    }
}

#[test]
fn parts_that_do_not_belong_together_are_a_start_up_error() {
    let (tok, _, known) = parts(16);
    let (_, other, _) = parts(16);
    let mut config = other.config.clone();
    config.vocab_size += 1;
    let wrong = Model::new(config, 0);
    let vocab = tok.vocab_size();
    assert_eq!(
        AppState::new(tok.clone(), wrong, known.clone(), LIMITS).err(),
        Some(LoadError::VocabMismatch {
            tokenizer: vocab,
            model: vocab + 1
        })
    );
    let zero = Limits {
        max_prompt_chars: 0,
        max_new_tokens: 5,
    };
    assert_eq!(
        AppState::new(tok, other, known, zero).err(),
        Some(LoadError::Limits(zero))
    );
}
