//! 读 book/data/models.toml 的配置与说明,按公式算出参数量,用 tera 模板渲染《主流模型对比》表格。
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

/// 三种结构的配置,用 `kind` 字段区分。
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

/// 交给模板的一行:说明原样照搬,数字由程序填。
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

// 与 models_params 相同的三个公式(那里有逐项注释)。
fn bert_params(v: u64, p: u64, d: u64, f: u64, l: u64) -> u64 {
    (v + p + 2) * d + 2 * d + l * (4 * (d * d + d) + 2 * d * f + f + d + 4 * d) + d * d + d
}

fn gpt_params(v: u64, n_ctx: u64, d: u64, l: u64) -> u64 {
    v * d + n_ctx * d + l * (12 * d * d + 13 * d) + 2 * d
}

fn t5_params(v: u64, d: u64, f: u64, h: u64, k: u64, le: u64, ld: u64) -> u64 {
    v * d
        + le * (4 * d * h * k + 2 * d * f + 2 * d)
        + ld * (8 * d * h * k + 2 * d * f + 3 * d)
        + 2 * d
        + 2 * 32 * h
}

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
    // 公式先过一遍小型号的公开数字,与 models_params 相同
    assert_eq!(bert_params(30522, 512, 768, 3072, 12), 109_482_240);
    assert_eq!(gpt_params(50257, 1024, 768, 12), 124_439_808);
    assert_eq!(t5_params(32128, 512, 2048, 8, 64, 6, 6), 60_506_624);
    assert_eq!(t5_params(32128, 768, 3072, 12, 64, 12, 12), 222_903_552);

    // ANCHOR: render
    // 程序以工作区根目录为当前目录运行,路径相对于它
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
    // 最后一个参数 false:不做 HTML 转义,输出的是 Markdown
    print!("{}", tera::Tera::one_off(&template, &context, false)?);
    // ANCHOR_END: render
    Ok(())
}
