//! 练习参考答案：按 Llama 2 的结构(SwiGLU、RMSNorm、RoPE、无偏置、输入输出嵌入不共享)计算参数量。
use guide_support::num::human;
use guide_support::{Table, int};

/// V 词表，d 隐藏维，f SwiGLU 的中间宽度，l 层数。
fn llama_params(v: u64, d: u64, f: u64, l: u64) -> u64 {
    let embeddings = 2 * v * d; // 输入嵌入与输出层各一份(不共享)
    let attention = 4 * d * d; // Q K V O，无偏置；RoPE 没有参数
    let ffn = 3 * d * f; // SwiGLU：门控、上投影、下投影三个矩阵
    let norms = 2 * d; // 两个 RMSNorm，只有权重
    embeddings + l * (attention + ffn + norms) + d // 末尾一个 RMSNorm
}

fn main() {
    let seven_b = llama_params(32000, 4096, 11008, 32);
    // Hugging Face 上 meta-llama/Llama-2-7b-hf 的参数总数
    assert_eq!(seven_b, 6_738_415_616);
    let thirteen_b = llama_params(32000, 5120, 13824, 40);
    let mut t = Table::numeric(["模型", "参数量", "约合"]);
    t.row([
        "Llama-2-7B".to_string(),
        int(seven_b),
        human(u128::from(seven_b), 2),
    ]);
    t.row([
        "Llama-2-13B".to_string(),
        int(thirteen_b),
        human(u128::from(thirteen_b), 2),
    ]);
    print!("{}", t.text());
    println!("7B 与公开数字 6,738,415,616 一致：ok");
}
