//! 练习参考答案：给生成服务加一个不流式的 POST /generate/json，复用同一套请求校验，整首诗生成完再一次返回 JSON。

use std::collections::BTreeSet;

use axum::{
    Json, Router,
    extract::{State, rejection::JsonRejection},
    response::{IntoResponse, Response},
    routing::post,
};
use serde::Serialize;
use tinygpt::bpe::EOT;
use tinygpt::kv::{GenerateOptions, generate, text_of};
use tinygpt::sample::rng;
use tinygpt::serve::{AppState, GenerateRequest, Limits, ServeError, call, prepare};
use tinygpt::{artifact, corpus};

// ANCHOR: json
#[derive(Serialize)]
struct Completion {
    text: String,
    tokens: usize,
}

/// 与流式接口相同的校验（prepare），同样在阻塞线程池里生成，只是等生成完再回复。
async fn generate_json(
    State(state): State<AppState>,
    payload: Result<Json<GenerateRequest>, JsonRejection>,
) -> Response {
    let req = match payload {
        Ok(Json(req)) => req,
        Err(rej) => return ServeError::BadJson(rej).into_response(),
    };
    let prompt = match prepare(&state, &req) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let result = tokio::task::spawn_blocking(move || {
        let opts = GenerateOptions {
            max_new_tokens: req.max_new_tokens.unwrap_or(state.limits().max_new_tokens),
            sampling: req.sampling(),
            stop: Some(EOT),
        };
        let g = generate(
            state.model(),
            &prompt,
            &opts,
            &mut rng(req.seed),
            true,
            Some(state.mask()),
            &mut |_| true,
        )?;
        let text = format!("{}{}", req.prompt, text_of(state.tokenizer(), &g.tokens));
        Ok::<_, tinygpt::kv::GenerateError>(Completion {
            text,
            tokens: g.tokens.len(),
        })
    })
    .await;
    match result {
        Ok(Ok(c)) => Json(c).into_response(),
        // prepare 已经检查过输入，到这里只可能是程序自身的错误
        _ => tinygpt::serve::error_response(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "生成失败".to_string(),
            String::new(),
        ),
    }
}
// ANCHOR_END: json

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let artifact::Artifact {
        tokenizer,
        model,
        hash,
    } = artifact::load_checked()?;
    // 读入的正是训练一章记录下来的那份权重
    guide_support::value("weights_blake3", &hash);
    let known: BTreeSet<char> = corpus::load_default()?
        .train
        .iter()
        .flat_map(|p| p.text().chars().collect::<Vec<_>>())
        .collect();
    let limits = Limits {
        max_prompt_chars: 32,
        max_new_tokens: 64,
    };
    let state = AppState::new(tokenizer, model, known, limits)?;
    let app = Router::new()
        .route("/generate/json", post(generate_json))
        .with_state(state);
    let json = Some("application/json");
    let body = r#"{"prompt": "床前明月光，", "max_new_tokens": 12, "seed": 7}"#;
    call(&app, "POST", "/generate/json", json, body).await?;
    call(&app, "POST", "/generate/json", json, r#"{"prompt": ""}"#).await?;
    Ok(())
}
