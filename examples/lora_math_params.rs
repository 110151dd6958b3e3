//! LoRA 的参数账：读 book/data/configs/ 里真实模型的配置，按结构算出总参数量，再算不同秩、不同目标模块下可训练参数的个数与占比。

use guide_support::num::{human, percent};
use guide_support::{Table, int, value};
use serde::Deserialize;

// ANCHOR: config
/// config.json 中与参数量有关的字段（字段名与 Hugging Face 相同）。
#[derive(Deserialize)]
pub(crate) struct ModelConfig {
    pub(crate) name: String,
    pub(crate) hidden_size: u64,
    pub(crate) intermediate_size: u64,
    pub(crate) num_hidden_layers: u64,
    pub(crate) num_attention_heads: u64,
    pub(crate) num_key_value_heads: u64,
    pub(crate) vocab_size: u64,
    pub(crate) tie_word_embeddings: bool,
    #[serde(default)]
    pub(crate) architecture: Architecture,
}

/// config.json 里没有、但结构决定的事实（例如 Qwen2 的 q/k/v 偏置）。
#[derive(Deserialize, Default)]
pub(crate) struct Architecture {
    #[serde(default)]
    pub(crate) qkv_bias: bool,
}

/// 读一个配置文件；出错时说清是哪个文件、错在哪里。
pub(crate) fn load(path: &str) -> Result<ModelConfig, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("读取 {path} 失败：{e}"))?;
    toml::from_str(&text).map_err(|e| format!("解析 {path} 失败：{e}"))
}
// ANCHOR_END: config

// ANCHOR: linears
/// 一层 decoder 里的 7 个线性层（Llama/Qwen2 的命名）：(名字, 输入维, 输出维)。
pub(crate) fn linears(c: &ModelConfig) -> [(&'static str, u64, u64); 7] {
    let h = c.hidden_size;
    let hd = h / c.num_attention_heads; // head_dim 缺省时的约定
    let (q, kv) = (c.num_attention_heads * hd, c.num_key_value_heads * hd);
    let ff = c.intermediate_size;
    [
        ("q_proj", h, q),
        ("k_proj", h, kv),
        ("v_proj", h, kv),
        ("o_proj", q, h),
        ("gate_proj", h, ff),
        ("up_proj", h, ff),
        ("down_proj", ff, h),
    ]
}

/// 参数量分成三份：各层线性层的权重（QLoRA 量化的就是这部分）、嵌入与输出层、其余（范数与偏置）。
pub(crate) struct ParamSplit {
    pub(crate) linear: u64,
    pub(crate) embeddings: u64,
    pub(crate) other: u64,
}

/// 按配置数参数（整数运算）。
pub(crate) fn count_params(c: &ModelConfig) -> ParamSplit {
    let per_layer_linear: u64 = linears(c).iter().map(|(_, i, o)| i * o).sum();
    let l = linears(c);
    let bias = if c.architecture.qkv_bias {
        l[0].2 + l[1].2 + l[2].2
    } else {
        0
    };
    let norms = 2 * c.hidden_size; // 每层两个 RMSNorm
    let embed = c.vocab_size * c.hidden_size;
    let lm_head = if c.tie_word_embeddings { 0 } else { embed };
    ParamSplit {
        linear: c.num_hidden_layers * per_layer_linear,
        embeddings: embed + lm_head,
        other: c.num_hidden_layers * (bias + norms) + c.hidden_size, // 加最后一个 RMSNorm
    }
}
// ANCHOR_END: linears

// ANCHOR: lora
/// LoRA（Hu et al., 2021）把 W (d_out × d_in) 的更新写成 B·A，B 是 d_out × r，A 是 r × d_in：
/// 一个线性层多出 r·(d_in + d_out) 个可训练参数。`targets` 是加 LoRA 的线性层名字。
pub(crate) fn lora_params(c: &ModelConfig, r: u64, targets: &[&str]) -> u64 {
    let per_layer: u64 = linears(c)
        .iter()
        .filter(|(name, _, _)| targets.contains(name))
        .map(|(_, i, o)| r * (i + o))
        .sum();
    c.num_hidden_layers * per_layer
}
// ANCHOR_END: lora

/// 本页用到的配置文件。
pub(crate) const CONFIGS: [&str; 3] = [
    "book/data/configs/llama-3-8b.toml",
    "book/data/configs/qwen2.5-7b.toml",
    "book/data/configs/llama-3-70b.toml",
];

/// 所有 7 个线性层。
pub(crate) const ALL_LINEAR: [&str; 7] = [
    "q_proj",
    "k_proj",
    "v_proj",
    "o_proj",
    "gate_proj",
    "up_proj",
    "down_proj",
];

fn main() -> Result<(), String> {
    let mut t = Table::numeric(["模型", "线性层", "嵌入+输出层", "其余", "合计", "约"]);
    let mut models = Vec::new();
    for path in CONFIGS {
        let c = load(path)?;
        let p = count_params(&c);
        let total = p.linear + p.embeddings + p.other;
        t.row([
            c.name.clone(),
            int(p.linear),
            int(p.embeddings),
            int(p.other),
            int(total),
            human(total as u128, 2),
        ]);
        models.push((c, total));
    }
    println!("按 config.json 数出的参数量：");
    print!("{}", t.text());

    println!();
    println!("LoRA 可训练参数（占原模型参数的比例）：");
    let qv = ["q_proj", "v_proj"];
    let mut t = Table::numeric([
        "模型",
        "r = 8，仅 q、v",
        "r = 16，全部线性层",
        "r = 64，全部线性层",
    ]);
    for (c, total) in &models {
        let cell = |n: u64| {
            format!(
                "{}（{}）",
                human(n as u128, 1),
                percent(n as f64 / *total as f64, 2)
            )
        };
        t.row([
            c.name.clone(),
            cell(lora_params(c, 8, &qv)),
            cell(lora_params(c, 16, &ALL_LINEAR)),
            cell(lora_params(c, 64, &ALL_LINEAR)),
        ]);
    }
    print!("{}", t.text());

    let (c8, total8) = &models[0];
    value("llama8b_total", int(*total8));
    value("llama8b_r16_all", int(lora_params(c8, 16, &ALL_LINEAR)));
    value(
        "llama8b_r16_share",
        percent(lora_params(c8, 16, &ALL_LINEAR) as f64 / *total8 as f64, 2),
    );
    value(
        "llama8b_embed",
        human(count_params(c8).embeddings as u128, 2),
    );
    value("llama70b_total", human(models[2].1 as u128, 2));
    value("qwen_total", human(models[1].1 as u128, 2));
    Ok(())
}
