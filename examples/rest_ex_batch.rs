//! 练习参考答案:给 REST 服务加一个批量预测接口,整批文本一次送进阻塞线程池,并逐条校验输入。

use std::collections::{BTreeMap, BTreeSet};
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

// 训练数据与模型和正文示例 rest_classifier 完全相同。
/// 训练集:(标签, 评论)。真实项目里它来自标注平台,这里直接写在源码中。
const TRAIN: &[(&str, &str)] = &[
    ("正面", "送餐很快,味道也很好"),
    ("正面", "包装精致,物流速度快"),
    ("正面", "质量很好,下次还会再买"),
    ("正面", "客服态度热情,问题很快解决了"),
    ("正面", "性价比高,非常满意"),
    ("正面", "菜量足,味道正宗"),
    ("正面", "衣服做工细致,穿着舒服"),
    ("正面", "屏幕清晰,电池耐用"),
    ("正面", "发货及时,东西和描述一致"),
    ("正面", "口感不错,推荐大家购买"),
    ("正面", "快递小哥很客气,送到门口"),
    ("正面", "价格实惠,质量也好"),
    ("正面", "很好用,家人都喜欢"),
    ("正面", "服务周到,环境干净"),
    ("正面", "效果超出预期,值得购买"),
    ("正面", "做工扎实,手感很好"),
    ("正面", "味道鲜美,分量十足"),
    ("正面", "安装简单,说明书清楚"),
    ("正面", "颜色好看,尺码合适"),
    ("正面", "第二次购买了,一如既往的好"),
    ("负面", "送餐太慢,饭菜都凉了"),
    ("负面", "包装破损,东西洒了一半"),
    ("负面", "质量很差,用了两天就坏了"),
    ("负面", "客服态度冷淡,一直不回复"),
    ("负面", "价格贵,不值这个钱"),
    ("负面", "菜量太少,味道很咸"),
    ("负面", "衣服起球,洗一次就变形"),
    ("负面", "屏幕有坏点,电池不耐用"),
    ("负面", "发货太慢,等了一个星期"),
    ("负面", "口感很差,不推荐购买"),
    ("负面", "快递员态度恶劣,放在楼下就走"),
    ("负面", "和描述不一致,感觉被骗了"),
    ("负面", "很难用,退货还很麻烦"),
    ("负面", "服务差,环境也脏"),
    ("负面", "效果很差,完全没用"),
    ("负面", "做工粗糙,有一股异味"),
    ("负面", "味道奇怪,吃完肚子疼"),
    ("负面", "安装复杂,说明书看不懂"),
    ("负面", "颜色发错了,尺码偏小"),
    ("负面", "再也不会买了,太失望了"),
];

/// 字符二元组:在标点和空白处断开,每段内取相邻两个字符。
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

/// 多项式朴素贝叶斯,拉普拉斯平滑。训练后只读,可以放进 Arc 在请求间共享。
struct NaiveBayes {
    labels: Vec<String>,
    log_prior: Vec<f64>,
    /// 每个类别里见过的二元组的 ln P(w|c)
    log_prob: Vec<BTreeMap<String, f64>>,
    /// 词表里有、但该类别没见过的二元组的 ln P(w|c) = ln(α / (N_c + α|V|))
    log_unseen: Vec<f64>,
    vocab: BTreeSet<String>,
}

impl NaiveBayes {
    fn train(data: &[(&str, &str)], alpha: f64) -> Self {
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

    /// 返回 (标签, 后验概率, 命中词表的二元组个数)。
    fn predict(&self, text: &str) -> (String, f64, usize) {
        let words: Vec<String> = bigrams(text)
            .into_iter()
            .filter(|w| self.vocab.contains(w)) // 词表外的二元组直接忽略
            .collect();
        let scores: Vec<f64> = (0..self.labels.len())
            .map(|c| {
                let ll: f64 = words
                    .iter()
                    .map(|w| *self.log_prob[c].get(w).unwrap_or(&self.log_unseen[c]))
                    .sum();
                self.log_prior[c] + ll
            })
            .collect();
        // 后验 = softmax(对数联合概率),先减最大值防止溢出
        let max = scores.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let exps: Vec<f64> = scores.iter().map(|s| libm::exp(s - max)).collect();
        let z: f64 = exps.iter().sum();
        let best = (0..exps.len())
            .max_by(|&a, &b| exps[a].total_cmp(&exps[b]))
            .unwrap();
        (self.labels[best].clone(), exps[best] / z, words.len())
    }
}

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

/// 批量接口的错误:一律 JSON,状态码各自合适。
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
        let msg = format!("texts 需要 1 到 {MAX_BATCH} 条,收到 {n} 条");
        return error(StatusCode::UNPROCESSABLE_ENTITY, msg);
    }
    // 逐条校验,报告第一条有问题的下标,调用方才知道改哪条
    if let Some(i) = req.texts.iter().position(|t| t.trim().is_empty()) {
        let msg = format!("texts[{i}] 为空");
        return error(StatusCode::UNPROCESSABLE_ENTITY, msg);
    }
    // 整批只进一次阻塞线程池,省掉每条一次的调度开销
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
        r#"{"texts": ["物流很快,质量很好", "饭菜凉了,客服也不回复"]}"#,
    )
    .await;
    call(&app, r#"{"texts": []}"#).await;
    call(&app, r#"{"texts": ["味道不错", " "]}"#).await;
    let many: Vec<String> = (0..17).map(|i| format!("\"第{i}条\"")).collect();
    call(&app, &format!(r#"{{"texts": [{}]}}"#, many.join(", "))).await;
}
