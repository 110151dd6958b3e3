//! 读 book/data/models.toml 的配置与说明，按公式算出参数量，用 tera 模板渲染《主流模型对比》表格。
use guide_support::int;
use guide_support::num::human;
use serde::{Deserialize, Serialize};

// ANCHOR: data
/// models.toml 里的一个 [[model]]。
#[derive(Deserialize)]
struct Model {
    name: String,
    arch: String,
    year: u32,
    scenario: String,
    paper: String,
    outline: String,
    config: Config,
}

/// 三种结构的配置，用 `kind` 字段区分。
#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum Config {
    Bert {
        vocab: u64,
        positions: u64,
        d_model: u64,
        d_ff: u64,
        layers: u64,
    },
    Gpt {
        vocab: u64,
        n_ctx: u64,
        d_model: u64,
        layers: u64,
    },
    T5 {
        vocab: u64,
        d_model: u64,
        d_ff: u64,
        heads: u64,
        d_kv: u64,
        encoder_layers: u64,
        decoder_layers: u64,
    },
}

#[derive(Deserialize)]
struct Data {
    model: Vec<Model>,
}

/// 交给模板的一行：说明原样照搬，数字由程序填。
#[derive(Serialize)]
struct Row<'a> {
    name: &'a str,
    arch: &'a str,
    year: u32,
    scenario: &'a str,
    paper: &'a str,
    outline: &'a str,
    params: String,
    approx: String,
}
// ANCHOR_END: data

// 参数量公式来自正文示例 models_params（那里有逐项注释，并用公开数字核对过）。
#[allow(dead_code)]
#[path = "models_params.rs"]
mod params;
use params::{bert_params, gpt_params, t5_params};

impl Config {
    fn params(&self) -> u64 {
        match *self {
            Config::Bert {
                vocab,
                positions,
                d_model,
                d_ff,
                layers,
            } => bert_params(vocab, positions, d_model, d_ff, layers),
            Config::Gpt {
                vocab,
                n_ctx,
                d_model,
                layers,
            } => gpt_params(vocab, n_ctx, d_model, layers),
            Config::T5 {
                vocab,
                d_model,
                d_ff,
                heads,
                d_kv,
                encoder_layers,
                decoder_layers,
            } => t5_params(
                vocab,
                d_model,
                d_ff,
                heads,
                d_kv,
                encoder_layers,
                decoder_layers,
            ),
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // ANCHOR: render
    // 程序以工作区根目录为当前目录运行，路径相对于它
    let data: Data = toml::from_str(&std::fs::read_to_string("book/data/models.toml")?)?;
    let template = std::fs::read_to_string("book/templates/models.md.tera")?;
    let rows: Vec<Row<'_>> = data
        .model
        .iter()
        .map(|m| {
            let n = m.config.params();
            Row {
                name: &m.name,
                arch: &m.arch,
                year: m.year,
                scenario: &m.scenario,
                paper: &m.paper,
                outline: &m.outline,
                params: int(n),
                approx: human(u128::from(n), 1),
            }
        })
        .collect();
    let mut context = tera::Context::new();
    context.insert("models", &rows);
    // 最后一个参数 false：不做 HTML 转义，输出的是 Markdown
    print!("{}", tera::Tera::one_off(&template, &context, false)?);
    // ANCHOR_END: render
    Ok(())
}
