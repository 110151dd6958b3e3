//! REST API：用 axum 0.8 封装程序内训练的朴素贝叶斯中文评论分类器，用 oneshot 在进程内发请求，演示正常响应与 4xx 错误。

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use axum::{
    Json, Router,
    extract::{Path, State, rejection::JsonRejection},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
};
use serde::{Deserialize, Serialize};
// 错误响应的格式和进程内的测试客户端放在 tinygpt::serve 里，
// 全链路实战的服务一章也用它们。
use tinygpt::serve::{ClientError, call, error_response, rejection_parts};

// ANCHOR: data
/// 训练集：(标签，评论)。真实项目里它来自标注平台，这里直接写在源码中。
pub(crate) const TRAIN: &[(&str, &str)] = &[
    ("正面", "送餐很快，味道也很好"),
    ("正面", "包装精致，物流速度快"),
    ("正面", "质量很好，下次还会再买"),
    ("正面", "客服态度热情，问题很快解决了"),
    ("正面", "性价比高，非常满意"),
    ("正面", "菜量足，味道正宗"),
    ("正面", "衣服做工细致，穿着舒服"),
    ("正面", "屏幕清晰，电池耐用"),
    ("正面", "发货及时，东西和描述一致"),
    ("正面", "口感不错，推荐大家购买"),
    ("正面", "快递小哥很客气，送到门口"),
    ("正面", "价格实惠，质量也好"),
    ("正面", "很好用，家人都喜欢"),
    ("正面", "服务周到，环境干净"),
    ("正面", "效果超出预期，值得购买"),
    ("正面", "做工扎实，手感很好"),
    ("正面", "味道鲜美，分量十足"),
    ("正面", "安装简单，说明书清楚"),
    ("正面", "颜色好看，尺码合适"),
    ("正面", "第二次购买了，一如既往的好"),
    ("负面", "送餐太慢，饭菜都凉了"),
    ("负面", "包装破损，东西洒了一半"),
    ("负面", "质量很差，用了两天就坏了"),
    ("负面", "客服态度冷淡，一直不回复"),
    ("负面", "价格贵，不值这个钱"),
    ("负面", "菜量太少，味道很咸"),
    ("负面", "衣服起球，洗一次就变形"),
    ("负面", "屏幕有坏点，电池不耐用"),
    ("负面", "发货太慢，等了一个星期"),
    ("负面", "口感很差，不推荐购买"),
    ("负面", "快递员态度恶劣，放在楼下就走"),
    ("负面", "和描述不一致，感觉被骗了"),
    ("负面", "很难用，退货还很麻烦"),
    ("负面", "服务差，环境也脏"),
    ("负面", "效果很差，完全没用"),
    ("负面", "做工粗糙，有一股异味"),
    ("负面", "味道奇怪，吃完肚子疼"),
    ("负面", "安装复杂，说明书看不懂"),
    ("负面", "颜色发错了，尺码偏小"),
    ("负面", "再也不会买了，太失望了"),
];
// ANCHOR_END: data

// ANCHOR: model
/// 字符二元组：在标点和空白处断开，每段内取相邻两个字符。
fn bigrams(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for run in text.split(|c: char| !c.is_alphanumeric()) {
        let chars: Vec<char> = run.chars().collect();
        for pair in chars.windows(2) {
            out.push(pair.iter().collect());
        }
    }
    out
}

/// 多项式朴素贝叶斯，拉普拉斯平滑。训练后只读，可以放进 Arc 在请求间共享。
pub(crate) struct NaiveBayes {
    /// 类别名（按码位排序）；log_joint 的结果与它一一对应
    pub(crate) labels: Vec<String>,
    log_prior: Vec<f64>,
    /// 每个类别里见过的二元组的 ln P(w|c)
    log_prob: Vec<BTreeMap<String, f64>>,
    /// 词表里有、但该类别没见过的二元组的 ln P(w|c) = ln(α / (N_c + α|V|))
    log_unseen: Vec<f64>,
    pub(crate) vocab: BTreeSet<String>,
}

impl NaiveBayes {
    /// data 是 (标签，文本) 对。
    pub(crate) fn train(data: &[(&str, &str)], alpha: f64) -> Self {
        let labels: Vec<String> = data
            .iter()
            .map(|(l, _)| l.to_string())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let k = labels.len();
        let mut docs = vec![0usize; k];
        let mut counts = vec![BTreeMap::<String, f64>::new(); k];
        let mut vocab = BTreeSet::new();
        for (label, text) in data {
            let c = labels.iter().position(|l| l == label).unwrap();
            docs[c] += 1;
            for w in bigrams(text) {
                *counts[c].entry(w.clone()).or_insert(0.0) += 1.0;
                vocab.insert(w);
            }
        }
        let v = vocab.len() as f64;
        let mut log_prob = Vec::with_capacity(k);
        let mut log_unseen = Vec::with_capacity(k);
        for counts_c in &counts {
            let total: f64 = counts_c.values().sum();
            let denom = total + alpha * v;
            log_prob.push(
                counts_c
                    .iter()
                    .map(|(w, n)| (w.clone(), libm::log((n + alpha) / denom)))
                    .collect(),
            );
            log_unseen.push(libm::log(alpha / denom));
        }
        let n = data.len() as f64;
        let log_prior = docs.iter().map(|&d| libm::log(d as f64 / n)).collect();
        NaiveBayes {
            labels,
            log_prior,
            log_prob,
            log_unseen,
            vocab,
        }
    }

    /// 各类别的对数联合概率 s_c = ln P(c) + Σ ln P（w|c）（顺序同 labels），
    /// 以及命中词表的二元组个数。
    pub(crate) fn log_joint(&self, text: &str) -> (Vec<f64>, usize) {
        let words: Vec<String> = bigrams(text)
            .into_iter()
            .filter(|w| self.vocab.contains(w)) // 词表外的二元组直接忽略
            .collect();
        let scores = (0..self.labels.len())
            .map(|c| {
                let ll: f64 = words
                    .iter()
                    .map(|w| *self.log_prob[c].get(w).unwrap_or(&self.log_unseen[c]))
                    .sum();
                self.log_prior[c] + ll
            })
            .collect();
        (scores, words.len())
    }

    /// 返回 (标签，后验概率，命中词表的二元组个数)。
    pub(crate) fn predict(&self, text: &str) -> (String, f64, usize) {
        let (scores, known) = self.log_joint(text);
        // 后验 = softmax(对数联合概率)，先减最大值防止溢出
        let max = scores.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let exps: Vec<f64> = scores.iter().map(|s| libm::exp(s - max)).collect();
        let z: f64 = exps.iter().sum();
        let best = (0..exps.len())
            .max_by(|&a, &b| exps[a].total_cmp(&exps[b]))
            .unwrap();
        (self.labels[best].clone(), exps[best] / z, known)
    }
}
// ANCHOR_END: model

// ANCHOR: types
#[derive(Deserialize)]
struct PredictRequest {
    text: String,
}

#[derive(Serialize)]
struct PredictResponse {
    label: String,
    /// 只保留 4 位小数：对调用方足够，也让输出稳定
    score: f64,
    known_bigrams: usize,
}

/// 共享状态：模型只训练(加载)一次，每个请求克隆的只是 Arc 指针。
#[derive(Clone)]
struct AppState {
    model_name: &'static str,
    model: Arc<NaiveBayes>,
}
// ANCHOR_END: types

// ANCHOR: errors
/// 服务的所有错误，统一转换成 `{"error": …, "detail": …}` 的 JSON。
enum ApiError {
    BadJson(JsonRejection),
    EmptyText,
    TooLong(usize),
    UnknownModel(String),
    Internal,
}

const MAX_CHARS: usize = 500;

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, error, detail) = match self {
            // 状态码沿用 axum 为这种拒绝选定的 4xx，detail 是底层原因
            ApiError::BadJson(rej) => rejection_parts(&rej, "需要字符串字段 text"),
            ApiError::EmptyText => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "text 不能为空".to_string(),
                String::new(),
            ),
            ApiError::TooLong(n) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("text 过长：{n} 个字符，上限 {MAX_CHARS}"),
                String::new(),
            ),
            ApiError::UnknownModel(name) => (
                StatusCode::NOT_FOUND,
                format!("没有名为 {name} 的模型"),
                String::new(),
            ),
            ApiError::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "推理任务失败".to_string(),
                String::new(),
            ),
        };
        error_response(status, error, detail)
    }
}
// ANCHOR_END: errors

// ANCHOR: handlers
/// 把 Json 提取器写成 Result：解析失败时不用 axum 默认的纯文本回复，而是交给 ApiError。
async fn predict(
    State(state): State<AppState>,
    payload: Result<Json<PredictRequest>, JsonRejection>,
) -> Result<Json<PredictResponse>, ApiError> {
    let Json(req) = payload.map_err(ApiError::BadJson)?;
    let text = req.text.trim().to_string();
    let n = text.chars().count(); // 按字符计数，不是按 UTF-8 字节
    if n == 0 {
        return Err(ApiError::EmptyText);
    }
    if n > MAX_CHARS {
        return Err(ApiError::TooLong(n));
    }
    let model = Arc::clone(&state.model);
    // CPU 密集的推理放到阻塞线程池，不占用异步运行时的工作线程
    let (label, score, known) = tokio::task::spawn_blocking(move || model.predict(&text))
        .await
        .map_err(|_| ApiError::Internal)?;
    Ok(Json(PredictResponse {
        label,
        score: (score * 10_000.0).round() / 10_000.0,
        known_bigrams: known,
    }))
}

#[derive(Serialize)]
struct ModelInfo {
    name: &'static str,
    labels: Vec<String>,
    vocab_size: usize,
}

async fn model_info(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Json<ModelInfo>, ApiError> {
    if name != state.model_name {
        return Err(ApiError::UnknownModel(name));
    }
    Ok(Json(ModelInfo {
        name: state.model_name,
        labels: state.model.labels.clone(),
        vocab_size: state.model.vocab.len(),
    }))
}

fn app(state: AppState) -> Router {
    Router::new()
        .route("/v1/predict", post(predict))
        .route("/v1/models/{name}", get(model_info)) // axum 0.8 写 {name}，不再是 :name
        .with_state(state)
}
// ANCHOR_END: handlers

// ANCHOR: client
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), ClientError> {
    let model = NaiveBayes::train(TRAIN, 1.0);
    guide_support::value("train_size", TRAIN.len());
    guide_support::value("vocab_size", model.vocab.len());
    println!();
    let state = AppState {
        model_name: "review-nb",
        model: Arc::new(model),
    };
    let app = app(state);
    let json = Some("application/json");

    call(
        &app,
        "POST",
        "/v1/predict",
        json,
        r#"{"text": "物流很快，质量很好"}"#,
    )
    .await?;
    call(
        &app,
        "POST",
        "/v1/predict",
        json,
        r#"{"text": "饭菜凉了，客服也不回复"}"#,
    )
    .await?;
    call(&app, "POST", "/v1/predict", json, r#"{"text": "嗯"}"#).await?;
    call(&app, "POST", "/v1/predict", json, r#"{"text": "送餐很快""#).await?;
    call(&app, "POST", "/v1/predict", json, r#"{"txt": "送餐很快"}"#).await?;
    call(&app, "POST", "/v1/predict", json, r#"{"text": 42}"#).await?;
    call(&app, "POST", "/v1/predict", json, r#"{"text": "   "}"#).await?;
    call(&app, "POST", "/v1/predict", None, r#"{"text": "送餐很快"}"#).await?;
    call(&app, "GET", "/v1/models/review-nb", None, "").await?;
    call(&app, "GET", "/v1/models/bert-base-uncased", None, "").await?;
    Ok(())
}
// ANCHOR_END: client
