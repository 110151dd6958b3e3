//! 练习参考答案：用信号量把同时进行的生成限制为 2 个，超出时立即回 503 和 Retry-After，而不是排队。

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::{
    Router,
    body::Body,
    extract::{Request, State},
    http::{HeaderValue, StatusCode, header},
    middleware::{self, Next},
    response::Response,
};
use http_body_util::BodyExt;
use tinygpt::serve::{AppState, Limits, error_response, router, send};
use tinygpt::{artifact, corpus};
use tokio::sync::Semaphore;

// ANCHOR: limit
/// 中间件：拿不到许可就回 503；拿到了，许可一直持有到响应体（整个事件流）发完。
async fn limit(State(permits): State<Arc<Semaphore>>, req: Request, next: Next) -> Response {
    let Ok(permit) = permits.try_acquire_owned() else {
        let mut resp = error_response(
            StatusCode::SERVICE_UNAVAILABLE,
            "生成任务已满，请稍后重试".to_string(),
            String::new(),
        );
        resp.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return resp;
    };
    let resp = next.run(req).await;
    // 把许可绑在响应体上：流结束（或客户端断开、流被丢弃）时才归还
    let (parts, body) = resp.into_parts();
    let guarded = body.map_frame(move |frame| {
        let _held = &permit;
        frame
    });
    Response::from_parts(parts, Body::new(guarded))
}
// ANCHOR_END: limit

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
    let permits = Arc::new(Semaphore::new(2));
    let app: Router = router(AppState::new(tokenizer, model, known, limits)?)
        .layer(middleware::from_fn_with_state(permits.clone(), limit));
    let json = Some("application/json");
    let body = r#"{"prompt": "春", "max_new_tokens": 4, "seed": 1}"#;
    // 模拟两个正在进行的生成：先把两个许可占住
    let busy = permits.clone().acquire_many_owned(2).await?;
    let (status, text) = send(&app, "POST", "/generate", json, body).await?;
    println!("两个生成在进行时：{status}  {text}");
    drop(busy);
    let (status, _) = send(&app, "POST", "/generate", json, body).await?;
    println!("许可归还之后：{status}");
    println!("空闲许可：{}", permits.available_permits());
    Ok(())
}
