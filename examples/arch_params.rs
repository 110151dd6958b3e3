//! 读 book/data/configs 下五个真实模型的 config.json 字段，用整数运算算出参数量（MoE 分总参数与激活参数），并与官方数字核对。
use guide_support::num::human;
use guide_support::{Table, int, value};
use llm_arch::{ModelConfig, params};

/// 配置文件（book/data/configs/NAME.toml）与在输出里用的键。
const MODELS: [(&str, &str); 5] = [
    ("llama-3-8b", "llama3_8b"),
    ("llama-3-70b", "llama3_70b"),
    ("qwen2.5-7b", "qwen25_7b"),
    ("mixtral-8x7b", "mixtral"),
    ("deepseek-v3", "dsv3"),
];

fn b(n: u64) -> String {
    human(u128::from(n), 2)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let stems: Vec<&str> = MODELS.iter().map(|m| m.0).collect();
    let configs = ModelConfig::load_all("book/data/configs", &stems)?;

    // ANCHOR: shapes
    let mut t = Table::numeric([
        "模型",
        "d",
        "L",
        "H",
        "H_kv",
        "注意力",
        "前馈宽度",
        "专家",
        "V",
    ]);
    for c in &configs {
        let experts = match c.moe() {
            Some(m) if m.shared > 0 => format!("{} 选 {} + {} 共享", m.experts, m.top_k, m.shared),
            Some(m) => format!("{} 选 {}", m.experts, m.top_k),
            None => "—".to_string(),
        };
        let ffn = match c.moe() {
            Some(m) if m.expert_width != c.intermediate_size => {
                format!(
                    "{}（专家 {}）",
                    int(c.intermediate_size),
                    int(m.expert_width)
                )
            }
            _ => int(c.intermediate_size),
        };
        t.row([
            c.name.clone(),
            int(c.hidden_size),
            int(c.num_hidden_layers),
            int(c.num_attention_heads),
            int(c.kv_heads()),
            c.attention_kind().label().to_string(),
            ffn,
            experts,
            int(c.vocab_size),
        ]);
    }
    print!("{}", t.text());
    // ANCHOR_END: shapes
    println!();

    // ANCHOR: counts
    let mut t = Table::numeric([
        "模型",
        "嵌入+输出层",
        "注意力",
        "前馈/专家",
        "总参数",
        "激活参数",
        "公布",
    ]);
    for c in &configs {
        let p = params::count(c);
        let ffn = p.dense_ffn + p.routed_experts + p.shared_experts + p.router;
        let published = match &c.source.published_active {
            Some(a) => format!("{} / {}", c.source.published_total, a),
            None => c.source.published_total.clone(),
        };
        t.row([
            c.name.clone(),
            b(p.embedding + p.lm_head),
            b(p.attention),
            b(ffn),
            b(p.total()),
            b(p.active()),
            published,
        ]);
    }
    print!("{}", t.text());
    // ANCHOR_END: counts
    println!();

    for (c, (_, key)) in configs.iter().zip(MODELS) {
        let p = params::count(c);
        value(&format!("{key}_total"), int(p.total()));
        value(&format!("{key}_total_b"), b(p.total()));
        if c.moe().is_some() {
            value(&format!("{key}_active_b"), b(p.active()));
            value(
                &format!("{key}_active_noemb_b"),
                b(p.active_without_embedding()),
            );
        }
    }
    let qwen = params::count(&configs[2]);
    value("qwen25_7b_nonemb_b", b(qwen.non_embedding()));
    println!();

    // ANCHOR: mtp
    // DeepSeek-V3 的检查点里还有一个多 token 预测（MTP）模块：model.layers.61
    let ds = &configs[4];
    let p = params::count(ds);
    let mtp = params::mtp_module(ds).ok_or("DeepSeek-V3 的配置应当带 MTP 模块")?;
    // FP8 检查点给每个量化矩阵的每个 128×128 块存一个 fp32 缩放因子，
    // Hugging Face 统计参数时也把它们算进去
    let scales: u64 = (0..=ds.num_hidden_layers)
        .flat_map(|i| params::layer_linears(ds, i.min(ds.num_hidden_layers - 1)))
        .map(|(inp, out)| params::block_scales(inp, out, 128))
        .sum();
    let checkpoint = p.total() + mtp.unique + mtp.stored_shared + scales;
    // ANCHOR_END: mtp
    let mut t = Table::numeric(["DeepSeek-V3 检查点的组成", "参数", "约合"]);
    for (name, n) in [
        ("主模型（61 层、嵌入、输出层）", p.total()),
        ("MTP 模块独有（1 层 + eh_proj + 3 个 RMSNorm）", mtp.unique),
        ("MTP 模块再存一份的嵌入与输出头", mtp.stored_shared),
        ("FP8 块缩放因子（128×128 块各一个）", scales),
        ("合计", checkpoint),
    ] {
        t.row([name.to_string(), int(n), b(n)]);
    }
    print!("{}", t.text());
    value("dsv3_mtp_unique_b", b(mtp.unique));
    value("dsv3_mtp_shared_b", b(mtp.stored_shared));
    value("dsv3_scales_m", human(u128::from(scales), 1));
    value("dsv3_checkpoint_b", b(checkpoint));
    value("dsv3_lm_head_b", b(p.lm_head));
    Ok(())
}
