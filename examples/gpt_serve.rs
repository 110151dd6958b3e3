//! 全链路实战·服务：axum 0.8 把训练好的小 GPT 包装成 POST /generate，用服务器推送事件（SSE）逐词元返回；用 oneshot 在进程内发请求，演示流式输出、种子决定输出，以及每种错误请求得到的 4xx。

use std::collections::BTreeSet;

use axum::Router;
use tinygpt::serve::{AppState, ClientError, Limits, router, send};
use tinygpt::{artifact, corpus};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // ANCHOR: main
    let artifact::Artifact {
        tokenizer,
        model,
        hash,
    } = artifact::load_checked()?;
    // 读入的正是训练一章记录下来的那份权重
    guide_support::value("weights_blake3", &hash);
    // 训练诗里出现过的字符：模型只见过它们
    let known: BTreeSet<char> = corpus::load_default()?
        .train
        .iter()
        .flat_map(|p| p.text().chars().collect::<Vec<_>>())
        .collect();
    let limits = Limits {
        max_prompt_chars: 32,
        max_new_tokens: 64,
    };
    let app = router(AppState::new(tokenizer, model, known, limits)?);
    let json = Some("application/json");
    // ANCHOR_END: main

    // ANCHOR: requests
    // 正常请求：响应是 text/event-stream，每个词元一个 token 事件，最后一个 done 事件
    let ok = r#"{"prompt": "床前明月光，", "max_new_tokens": 12, "seed": 7}"#;
    show(&app, json, ok).await?;

    // 同一个请求再发一次：种子相同，事件逐字节相同
    let (_, first) = send(&app, "POST", "/generate", json, ok).await?;
    let (_, again) = send(&app, "POST", "/generate", json, ok).await?;
    guide_support::value("same_seed_same_stream", first == again);
    let other = ok.replace("\"seed\": 7", "\"seed\": 8");
    let (_, changed) = send(&app, "POST", "/generate", json, &other).await?;
    guide_support::value("other_seed_differs", first != changed);
    println!();
    // ANCHOR_END: requests

    // ANCHOR: errors
    for body in [
        r#"{"prompt": ""}"#,
        r#"{"prompt": "Hello，"}"#,
        r#"{"prompt": "床前明月光，", "max_new_tokens": 1000}"#,
        r#"{"prompt": "床前明月光，床前明月光，床前明月光，床前明月光，床前明月光，床前明月光，"}"#,
        r#"{"prompt": "床前", "temperature": -1}"#,
        r#"{"prompt": "床前", "top_p": 1.5}"#,
        r#"{"prompt": "床前", "temprature": 0.5}"#,
        r#"{"prompt": "床前""#,
    ] {
        show(&app, json, body).await?;
    }
    show(&app, None, r#"{"prompt": "床前"}"#).await?;
    show(&app, None, "").await?;
    // ANCHOR_END: errors
    Ok(())
}

// ANCHOR: show
/// 发一个请求并打印；SSE 响应体每个事件占一行：事件名，然后是 data。
async fn show(app: &Router, content_type: Option<&str>, body: &str) -> Result<(), ClientError> {
    let method = if body.is_empty() { "GET" } else { "POST" };
    let (status, text) = send(app, method, "/generate", content_type, body).await?;
    if body.is_empty() {
        println!("→ {method} /generate");
    } else {
        println!("→ {method} /generate  {body}");
    }
    if text.starts_with("event:") {
        println!("← {status}  (text/event-stream)");
        for block in text.split("\n\n").filter(|b| !b.is_empty()) {
            let event = block.lines().find_map(|l| l.strip_prefix("event: "));
            let data = block.lines().find_map(|l| l.strip_prefix("data: "));
            println!("   {:<5}  {}", event.unwrap_or(""), data.unwrap_or(""));
        }
    } else {
        println!("← {status}  {text}");
    }
    println!();
    Ok(())
}
// ANCHOR_END: show
