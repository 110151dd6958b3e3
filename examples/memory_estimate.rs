//! 估算训练显存：混合精度 Adam 的模型状态(每参数 16 字节)与各批量下的激活(Korthikanti et al. 2022 的逐层公式)，打印成表。
use guide_support::num::human;
use guide_support::{Align, Table, fixed};

/// GPT 式解码器的形状。
struct Gpt {
    name: &'static str,
    layers: u64,
    d: u64,
    heads: u64,
    n_ctx: u64,
}

const VOCAB: u64 = 50257;

impl Gpt {
    /// 参数量(输出层与词嵌入共享)，公式见“主流模型对比”一节。
    fn params(&self) -> u64 {
        VOCAB * self.d
            + self.n_ctx * self.d
            + self.layers * (12 * self.d * self.d + 13 * self.d)
            + 2 * self.d
    }

    // ANCHOR: activations
    /// 不做重算时，一个批次(b 条长 s 的序列)存下的激活字节数，fp16：
    /// 每层 s·b·h·(34 + 5·a·s/h) = 34·s·b·h + 5·a·s²·b。
    /// 34sbh 来自线性层、LayerNorm、GELU、dropout 掩码的输入；5as²b 来自注意力分数、softmax 输出与其 dropout 掩码。
    fn activations(&self, s: u64, b: u64) -> u64 {
        self.layers * (34 * s * b * self.d + 5 * self.heads * s * s * b)
    }
    // ANCHOR_END: activations
}

/// 字节 → GiB(2^30 字节)，一位小数。
fn gib(bytes: u64) -> String {
    fixed(bytes as f64 / f64::from(1u32 << 30), 1)
}

fn main() {
    let models = [
        Gpt {
            name: "GPT-2",
            layers: 12,
            d: 768,
            heads: 12,
            n_ctx: 1024,
        },
        Gpt {
            name: "GPT-2 medium",
            layers: 24,
            d: 1024,
            heads: 16,
            n_ctx: 1024,
        },
        Gpt {
            name: "GPT-3 2.7B",
            layers: 32,
            d: 2560,
            heads: 32,
            n_ctx: 2048,
        },
        Gpt {
            name: "GPT-3 6.7B",
            layers: 32,
            d: 4096,
            heads: 32,
            n_ctx: 2048,
        },
        Gpt {
            name: "GPT-3 13B",
            layers: 40,
            d: 5140,
            heads: 40,
            n_ctx: 2048,
        },
    ];

    // ANCHOR: states
    // 混合精度 + Adam，每个参数：fp16 权重 2 + fp16 梯度 2 + fp32 主权重 4 + Adam 一阶矩 4 + 二阶矩 4 = 16 字节
    let parts: [(&str, u64); 5] = [
        ("fp16 权重", 2),
        ("fp16 梯度", 2),
        ("fp32 主权重", 4),
        ("Adam m", 4),
        ("Adam v", 4),
    ];
    // ANCHOR_END: states
    let mut header = vec!["模型".to_string(), "参数量 Φ".to_string()];
    header.extend(parts.iter().map(|(n, k)| format!("{n} {k}Φ")));
    header.push("合计 16Φ".to_string());
    let mut t = Table::new(header).align([Align::Left].into_iter().chain([Align::Right; 7]));
    for m in &models {
        let p = m.params();
        let mut row = vec![m.name.to_string(), human(u128::from(p), 2)];
        row.extend(parts.iter().map(|(_, k)| gib(k * p)));
        row.push(gib(16 * p));
        t.row(row);
    }
    println!("**模型状态**（GiB，混合精度 Adam）：");
    println!();
    print!("{}", t.markdown());
    println!();

    let batches = [1, 8, 32];
    let mut header = vec!["模型".to_string(), "序列长度 s".to_string()];
    header.extend(batches.iter().map(|b| format!("b = {b}")));
    header.push("b = 32，全重算（只存每层输入）".to_string());
    let mut t = Table::new(header).align([Align::Left].into_iter().chain([Align::Right; 5]));
    for m in &models {
        let s = m.n_ctx;
        let mut row = vec![m.name.to_string(), s.to_string()];
        row.extend(batches.iter().map(|&b| gib(m.activations(s, b))));
        // 全重算只存每层的输入(2sbh 字节)，反向时逐层重算
        row.push(gib(m.layers * 2 * s * 32 * m.d));
        t.row(row);
    }
    println!("**激活**（GiB，fp16，不含嵌入层与输出层）：");
    println!();
    print!("{}", t.markdown());
}
