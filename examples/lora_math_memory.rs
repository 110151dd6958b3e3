//! 微调一个真实模型要多少显存（只算模型状态，不含激活）：全参数微调、bf16 底座上的 LoRA、NF4 底座上的 QLoRA，Llama 3 8B 与 70B。

#[allow(dead_code)] // 本例只用 bits_per_param
#[path = "lora_math_nf4.rs"]
mod nf4;
#[allow(dead_code)] // 本例不用 lora_math_params 的 main 与常量
#[path = "lora_math_params.rs"]
mod params;
use guide_support::{Align, Table, fixed, value};
use params::{ALL_LINEAR, count_params, load, lora_params};

// ANCHOR: budget
/// 可训练参数每个 16 字节：bf16 权重与梯度各 2、fp32 主权重 4、Adam 的 m 与 v 各 4
/// （《批量大小与显存》一章的 16Φ）。冻结的参数只存权重本身。
const TRAINABLE_BYTES: f64 = 16.0;

/// 三种做法的模型状态（字节）：(全参数, LoRA, QLoRA)。
fn budgets(linear: u64, embeddings: u64, other: u64, adapters: u64) -> (f64, f64, f64) {
    let total = (linear + embeddings + other) as f64;
    let full = TRAINABLE_BYTES * total;
    let lora = 2.0 * total + TRAINABLE_BYTES * adapters as f64;
    // QLoRA 只把各层的线性层量化成 NF4（含双重量化的常数）；
    // 嵌入、输出层和范数保持 bf16，bitsandbytes 默认不量化它们。
    let nf4_bytes = nf4::bits_per_param(64.0, true) / 8.0;
    let qlora = nf4_bytes * linear as f64
        + 2.0 * (embeddings + other) as f64
        + TRAINABLE_BYTES * adapters as f64;
    (full, lora, qlora)
}
// ANCHOR_END: budget

fn main() -> Result<(), String> {
    let gb = |b: f64| fixed(b / 1e9, 1);
    let gpus = |b: f64| libm::ceil(b / 80e9) as u64;
    println!("模型状态的显存（GB = 10⁹ 字节；LoRA 与 QLoRA 均为 r = 16、全部 7 个线性层）：");
    let mut t = Table::new([
        "模型",
        "做法",
        "冻结部分",
        "可训练部分",
        "合计 GB",
        "80 GB 卡数",
    ])
    .align([
        Align::Left,
        Align::Left,
        Align::Right,
        Align::Right,
        Align::Right,
        Align::Right,
    ]);
    let mut values = Vec::new();
    for path in [
        "book/data/configs/llama-3-8b.toml",
        "book/data/configs/llama-3-70b.toml",
    ] {
        let c = load(path)?;
        let p = count_params(&c);
        let adapters = lora_params(&c, 16, &ALL_LINEAR);
        let (full, lora, qlora) = budgets(p.linear, p.embeddings, p.other, adapters);
        let adapter_bytes = TRAINABLE_BYTES * adapters as f64;
        for (name, frozen, trainable, total) in [
            ("全参数（混合精度 Adam）", 0.0, full, full),
            (
                "LoRA（bf16 底座）",
                lora - adapter_bytes,
                adapter_bytes,
                lora,
            ),
            (
                "QLoRA（NF4 底座）",
                qlora - adapter_bytes,
                adapter_bytes,
                qlora,
            ),
        ] {
            t.row([
                c.name.clone(),
                name.to_string(),
                gb(frozen),
                gb(trainable),
                gb(total),
                gpus(total).to_string(),
            ]);
        }
        let key = if c.hidden_size == 4096 { "8b" } else { "70b" };
        values.push((format!("full_{key}"), gb(full)));
        values.push((format!("lora_{key}"), gb(lora)));
        values.push((format!("qlora_{key}"), gb(qlora)));
        let emb = 2.0 * (p.embeddings + p.other) as f64;
        values.push((format!("qlora_bf16_part_{key}"), gb(emb)));
        values.push((
            format!("qlora_bf16_share_{key}"),
            guide_support::num::percent(emb / qlora, 0),
        ));
        values.push((format!("bf16_base_{key}"), gb(lora - adapter_bytes)));
        values.push((format!("full_gpus_{key}"), gpus(full).to_string()));
    }
    print!("{}", t.text());
    for (k, v) in values {
        value(&k, v);
    }
    Ok(())
}
