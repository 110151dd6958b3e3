//! 练习解答：7B、13B、70B 模型在不同精度下的权重大小，以及混合精度 Adam 训练每参数 16 字节时的显存下限。

use guide_support::{Table, fixed, int};

/// 字节数折算成 GB(10⁹ 字节)。
fn gb(bytes: u64) -> String {
    fixed(bytes as f64 / 1e9, 1)
}

fn main() {
    // 每个参数占的位数，依次对应下表的四列。训练一栏按 ZeRO 论文的口径：
    // fp16 权重 2 字节 + fp16 梯度 2 字节 + fp32 的主权重、一阶矩、二阶矩各 4 字节
    // = 16 字节 = 128 位。用位数而不是字节数，int4(半个字节)也能用整数算。
    let bits_per_param: [u64; 4] = [16, 8, 4, 128];
    let mut t = Table::numeric([
        "参数量",
        "bf16 推理",
        "int8 推理",
        "int4 推理",
        "混合精度 Adam 训练",
        "训练至少几张 80 GB 卡",
    ]);
    let card: u64 = 80_000_000_000; // 按 80×10⁹ 字节粗算
    for (name, params) in [
        ("7B", 7_000_000_000_u64),
        ("13B", 13_000_000_000),
        ("70B", 70_000_000_000),
    ] {
        let mut row = vec![name.to_owned()];
        for bits in bits_per_param {
            row.push(format!("{} GB", gb(params * bits / 8)));
        }
        let train_bytes = params * 16;
        row.push(int(train_bytes.div_ceil(card)));
        t.row(row);
    }
    print!("{}", t.text());
    println!("（只算权重与优化器状态；激活值、KV 缓存和框架开销另计）");
}
