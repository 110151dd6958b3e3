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
    /// 现代模型：配置在 book/data/configs 下，字段与 Hugging Face 的 config.json 相同。
    Hf { file: String },
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
    active: String,
}
// ANCHOR_END: data

// 参数量公式来自正文示例 models_params（那里有逐项注释，并用公开数字核对过）。
#[allow(dead_code)]
#[path = "models_params.rs"]
mod params;
use params::{bert_params, gpt_params, t5_params};

impl Config {
    /// 总参数量，以及 MoE 模型每个 token 的激活参数量。
    fn params(&self) -> Result<(u64, Option<u64>), llm_arch::ArchError> {
        Ok(match self {
            &Config::Bert {
                vocab,
                positions,
                d_model,
                d_ff,
                layers,
            } => (bert_params(vocab, positions, d_model, d_ff, layers), None),
            &Config::Gpt {
                vocab,
                n_ctx,
                d_model,
                layers,
            } => (gpt_params(vocab, n_ctx, d_model, layers), None),
            &Config::T5 {
                vocab,
                d_model,
                d_ff,
                heads,
                d_kv,
                encoder_layers,
                decoder_layers,
            } => (
                t5_params(
                    vocab,
                    d_model,
                    d_ff,
                    heads,
                    d_kv,
                    encoder_layers,
                    decoder_layers,
                ),
                None,
            ),
            Config::Hf { file } => {
                // 现代模型的参数量由 llm-arch 按配置计算（第七部分《现代架构》一章逐项讲解）
                let cfg = llm_arch::ModelConfig::load(file)?;
                let p = llm_arch::params::count(&cfg);
                (p.total(), cfg.moe().map(|_| p.active()))
            }
        })
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // ANCHOR: render
    // 程序以工作区根目录为当前目录运行，路径相对于它
    let data: Data = toml::from_str(&std::fs::read_to_string("book/data/models.toml")?)?;
    let template = std::fs::read_to_string("book/templates/models.md.tera")?;
    let mut rows: Vec<Row<'_>> = Vec::new();
    for m in &data.model {
        let (n, active) = m.config.params()?;
        rows.push(Row {
            name: &m.name,
            arch: &m.arch,
            year: m.year,
            scenario: &m.scenario,
            paper: &m.paper,
            outline: &m.outline,
            params: int(n),
            approx: human(u128::from(n), 1),
            active: active.map_or_else(|| "—".to_string(), |a| human(u128::from(a), 1)),
        });
    }
    let mut context = tera::Context::new();
    context.insert("models", &rows);
    // 最后一个参数 false：不做 HTML 转义，输出的是 Markdown
    print!("{}", tera::Tera::one_off(&template, &context, false)?);
    // ANCHOR_END: render
    Ok(())
}
