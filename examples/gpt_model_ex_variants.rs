//! 练习：在同样的 d、L、V 下，把小 GPT 换成 Llama 式的各个部件（不共享输出层、RoPE、RMSNorm、SwiGLU、去掉偏置），参数量各变多少。
use guide_support::{Table, int, value};
use tinygpt::artifact;
use tinygpt::bpe::Tokenizer;
use tinygpt::model::Model;
use tinygpt::train::book_model_config;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tokenizer =
        Tokenizer::from_json(&std::fs::read_to_string(artifact::path("tokenizer.json"))?)?;
    let c = book_model_config(tokenizer.vocab_size());
    let (v, p, d, l, f) = (
        c.vocab_size as u64,
        c.n_ctx as u64,
        c.d_model as u64,
        c.n_layer as u64,
        c.d_ff as u64,
    );
    // 本书的模型（GPT-2 式）逐项：注意力 4d² + 4d，MLP 2dF + F + d，两个 LayerNorm 4d
    let block = (4 * d * d + 4 * d) + (2 * d * f + f + d) + 4 * d;
    let ours = v * d + p * d + l * block + 2 * d;
    assert_eq!(ours, Model::new(c.clone(), 1).num_params() as u64);
    // SwiGLU 有三个 d×F' 矩阵；取 F' = ⌊(2/3)·F / 8⌋·8，让它与两矩阵的 MLP 大致同样大
    let f_swiglu = 2 * f / 3 / 8 * 8;
    let variants = [
        ("本书的模型（GPT-2 式）", ours),
        ("输出层不共享（多一个 V×d）", ours + v * d),
        ("RoPE 代替可学习位置（没有参数）", ours - p * d),
        (
            "RMSNorm 代替 LayerNorm（没有偏置 β）",
            ours - (2 * l + 1) * d,
        ),
        (
            "SwiGLU，F' = 168（三个矩阵，有偏置）",
            ours - l * (2 * d * f + f + d) + l * (3 * d * f_swiglu + 2 * f_swiglu + d),
        ),
        // Llama：不共享、RoPE、RMSNorm、SwiGLU、所有线性层无偏置
        (
            "全部换成 Llama 式（F' = 168，无偏置）",
            2 * v * d + l * (4 * d * d + 3 * d * f_swiglu + 2 * d) + d,
        ),
    ];
    let mut t = Table::numeric(["变体", "参数量", "与本书模型相比"]);
    for (name, n) in variants {
        let delta = n as i128 - ours as i128;
        let sign = if delta > 0 { "+" } else { "" };
        t.row([
            name.to_string(),
            int(n),
            if delta == 0 {
                "—".to_string()
            } else {
                format!("{sign}{}", int(delta))
            },
        ]);
    }
    print!("{}", t.text());
    value("untied", int(ours + v * d));
    value(
        "llama_like",
        int(2 * v * d + l * (4 * d * d + 3 * d * f_swiglu + 2 * d) + d),
    );
    Ok(())
}
