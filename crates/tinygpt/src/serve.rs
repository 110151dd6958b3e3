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
        JsonRejection::JsonDataError(_) => format!("JSON 结构不对:{expected}"),
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
    #[error("invalid request: {0}")]
    Request(#[from] axum::http::Error),
    /// The response body could not be read.
    #[error("reading the response body: {0}")]
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
