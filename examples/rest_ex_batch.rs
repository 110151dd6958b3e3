//! 练习参考答案：给 REST 服务加一个批量预测接口，整批文本一次送进阻塞线程池，并逐条校验输入。

use std::sync::Arc;

use axum::{
    Json, Router,
    body::Body,
    extract::{State, rejection::JsonRejection},
    http::{Request, StatusCode, header},
    response::{IntoResponse, Response},
    routing::post,
};
use http_body_util::BodyExt;
use serde::{Deserialize, Serialize};
use tower::ServiceExt;

// 训练数据与朴素贝叶斯模型来自正文示例 rest_classifier。
#[allow(dead_code)]
#[path = "rest_classifier.rs"]
mod classifier;
use classifier::{NaiveBayes, TRAIN};

// ANCHOR: batch
const MAX_BATCH: usize = 16;

#[derive(Deserialize)]
struct BatchRequest {
    texts: Vec<String>,
}

#[derive(Serialize)]
struct Item {
    label: String,
    score: f64,
    known_bigrams: usize,
}

#[derive(Serialize)]
struct BatchResponse {
    results: Vec<Item>,
}

#[derive(Serialize)]
struct ErrorBody {
    error: String,
}

/// 批量接口的错误：一律 JSON，状态码各自合适。
fn error(status: StatusCode, msg: String) -> Response {
    (status, Json(ErrorBody { error: msg })).into_response()
}

async fn predict_batch(
    State(model): State<Arc<NaiveBayes>>,
    payload: Result<Json<BatchRequest>, JsonRejection>,
) -> Response {
    let Json(req) = match payload {
        Ok(p) => p,
        Err(rej) => return error(rej.status(), rej.body_text()),
    };
    let n = req.texts.len();
    if n == 0 || n > MAX_BATCH {
        let msg = format!("texts 需要 1 到 {MAX_BATCH} 条，收到 {n} 条");
        return error(StatusCode::UNPROCESSABLE_ENTITY, msg);
    }
    // 逐条校验，报告第一条有问题的下标，调用方才知道改哪条
    if let Some(i) = req.texts.iter().position(|t| t.trim().is_empty()) {
        let msg = format!("texts[{i}] 为空");
        return error(StatusCode::UNPROCESSABLE_ENTITY, msg);
    }
    // 整批只进一次阻塞线程池，省掉每条一次的调度开销
    let texts = req.texts;
    let joined = tokio::task::spawn_blocking(move || {
        texts
            .iter()
            .map(|t| model.predict(t.trim()))
            .collect::<Vec<_>>()
    })
    .await;
    let Ok(preds) = joined else {
        return error(StatusCode::INTERNAL_SERVER_ERROR, "推理任务失败".into());
    };
    let results = preds
        .into_iter()
        .map(|(label, score, known)| Item {
            label,
            score: (score * 10_000.0).round() / 10_000.0,
            known_bigrams: known,
        })
        .collect();
    Json(BatchResponse { results }).into_response()
}
// ANCHOR_END: batch

async fn call(app: &Router, body: &str) {
    let req = Request::builder()
        .method("POST")
        .uri("/v1/predict/batch")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    println!("→ POST /v1/predict/batch  {body}");
    println!("← {status}  {}", String::from_utf8_lossy(&bytes));
    println!();
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let model = Arc::new(NaiveBayes::train(TRAIN, 1.0));
    let app = Router::new()
        .route("/v1/predict/batch", post(predict_batch))
        .with_state(model);

    call(
        &app,
        r#"{"texts": ["物流很快，质量很好", "饭菜凉了，客服也不回复"]}"#,
    )
    .await;
    call(&app, r#"{"texts": []}"#).await;
    call(&app, r#"{"texts": ["味道不错", " "]}"#).await;
    let many: Vec<String> = (0..17).map(|i| format!("\"第{i}条\"")).collect();
    call(&app, &format!(r#"{{"texts": [{}]}}"#, many.join(", "))).await;
}
