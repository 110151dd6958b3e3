//! 小 GPT 的结构：配置、每个参数张量的名字与形状，用“主流模型对比”一章的 GPT 公式核对参数量，再跟踪一次前向传播的形状。
use guide_support::{Align, Table, fixed, int, sci, value};
use tinygpt::artifact;
use tinygpt::bpe::Tokenizer;
use tinygpt::model::Model;
use tinygpt::train::book_model_config;

// 参数量公式来自“主流模型对比”一章的 models_params。
#[allow(dead_code)] // models_params 的 main 和其他公式
#[path = "models_params.rs"]
mod models_params;
use models_params::gpt_params;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // ANCHOR: config
    let tokenizer =
        Tokenizer::from_json(&std::fs::read_to_string(artifact::path("tokenizer.json"))?)?;
    let config = book_model_config(tokenizer.vocab_size());
    let model = Model::try_new(config.clone(), 42)?;
    // ANCHOR_END: config
    let mut t =
        Table::new(["配置项", "值", "含义"]).align([Align::Left, Align::Right, Align::Left]);
    let c = &config;
    for (name, v, what) in [
        (
            "vocab_size",
            int(c.vocab_size as u64),
            "词表大小 V（分词器一章训练的 BPE）",
        ),
        (
            "n_ctx",
            int(c.n_ctx as u64),
            "最长上下文，也是位置嵌入的行数",
        ),
        ("d_model", int(c.d_model as u64), "残差流宽度 d"),
        ("n_head", int(c.n_head as u64), "注意力头数 H"),
        ("head_dim", int(c.head_dim() as u64), "每头维度 d / H"),
        ("n_layer", int(c.n_layer as u64), "Transformer 块数 L"),
        ("d_ff", int(c.d_ff as u64), "MLP 隐层宽度 F = 4d"),
        ("norm_eps", sci(f64::from(c.norm_eps), 0), "LayerNorm 的 ε"),
        (
            "init_std",
            fixed(f64::from(c.init_std), 2),
            "权重初始化的标准差",
        ),
    ] {
        t.row([name.to_string(), v, what.to_string()]);
    }
    print!("{}", t.text());
    println!();

    // ANCHOR: tensors
    // 每个参数张量：名字与 Hugging Face 的 GPT-2 相同，线性层的权重按 [输入, 输出] 存放
    let mut t = Table::numeric(["张量", "形状", "参数数"]);
    for (name, shape, data) in model.tensors() {
        // h.1 到 h.3 与 h.0 完全相同，只列一次
        if name.starts_with("h.") && !name.starts_with("h.0.") {
            continue;
        }
        let dims: Vec<String> = shape.iter().map(usize::to_string).collect();
        t.row([
            name,
            format!("[{}]", dims.join(", ")),
            int(data.len() as u64),
        ]);
    }
    // ANCHOR_END: tensors
    print!("{}", t.text());
    println!(
        "（h.1 到 h.{} 与 h.0 相同；输出层与 wte.weight 共享，不另占参数。）",
        c.n_layer - 1
    );
    println!();

    // ANCHOR: count
    let (v, n_ctx, d, l) = (
        c.vocab_size as u64,
        c.n_ctx as u64,
        c.d_model as u64,
        c.n_layer as u64,
    );
    let formula = gpt_params(v, n_ctx, d, l);
    let counted = model.num_params() as u64;
    assert_eq!(formula, counted, "GPT 公式与逐个张量数出的参数量不符");
    // ANCHOR_END: count
    let per_layer = 12 * d * d + 13 * d;
    let mut t = Table::numeric(["部分", "公式", "参数数", "占比"]);
    for (part, f, n) in [
        ("词嵌入（兼输出层）", "V·d", v * d),
        ("位置嵌入", "n_ctx·d", n_ctx * d),
        ("Transformer 块", "L·(12d² + 13d)", l * per_layer),
        ("最后的 LayerNorm", "2d", 2 * d),
    ] {
        let share = format!("{}%", fixed(100.0 * n as f64 / counted as f64, 1));
        t.row([part.to_string(), f.to_string(), int(n), share]);
    }
    t.row([
        "合计".to_string(),
        String::new(),
        int(counted),
        "100.0%".to_string(),
    ]);
    print!("{}", t.text());
    println!();
    value("params", int(counted));
    value("params_formula", int(formula));
    value(
        "embed_share",
        format!(
            "{}%",
            fixed(100.0 * (v * d + n_ctx * d) as f64 / counted as f64, 1)
        ),
    );
    value("per_layer", int(per_layer));
    value("vocab", int(v));

    // ANCHOR: shapes
    // 一次前向传播：一句诗进去，每个位置出一行 V 维的 logits
    let ids = tokenizer.encode("床前明月光")?;
    let logits = model.forward(&ids);
    let pieces: Vec<String> = ids
        .iter()
        .map(|&id| format!("{id}:{:?}", tokenizer.token(id).unwrap_or("?")))
        .collect();
    println!(
        "“床前明月光”编码成 {} 个词元：{}",
        ids.len(),
        pieces.join(" ")
    );
    println!(
        "logits：{} × {}（每个位置一行，预测下一个词元）",
        logits.len() / c.vocab_size,
        c.vocab_size
    );
    // 未训练的模型接近均匀分布：每行的交叉熵约为 ln V
    let row = &mut logits[..c.vocab_size].to_vec();
    let lse = tinygpt::model::softmax(row);
    let max_p = row.iter().copied().fold(0.0f32, f32::max);
    println!(
        "初始化后第一行：log Σ exp = {}，最大概率 {}，均匀分布是 1/V = {}",
        fixed(f64::from(lse), 3),
        fixed(f64::from(max_p), 5),
        fixed(1.0 / c.vocab_size as f64, 5)
    );
    // ANCHOR_END: shapes
    Ok(())
}
