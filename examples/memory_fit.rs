//! “批量 32–256”折合多少 token；一张 80 GiB 显卡上 GPT-3 2.7B 的微批次能开多大，需要几步梯度累积。
use guide_support::{Align, Table, fixed, int, value};

const GIB: u64 = 1 << 30;

// ANCHOR: tokens
/// 一个批次里的 token 数 = 序列条数 × 序列长度。
fn tokens(batch: u64, seq: u64) -> u64 {
    batch * seq
}
// ANCHOR_END: tokens

fn main() {
    let mut t = Table::new(["批量（条）", "s = 512", "s = 2048"]).align([Align::Right; 3]);
    for b in [32, 64, 128, 256] {
        t.row([b.to_string(), int(tokens(b, 512)), int(tokens(b, 2048))]);
    }
    println!("每个批次的 token 数：");
    print!("{}", t.text());
    value("tokens_32_512", int(tokens(32, 512)));
    value("tokens_256_2048", int(tokens(256, 2048)));
    // GPT-3 175B 的批量是 320 万 token(论文表 2.1)
    value("gpt3_batch_seqs", int(3_200_000 / 2048));
    println!();

    // ANCHOR: fit
    // GPT-3 2.7B:32 层，h = 2560,a = 32,s = 2048
    let (layers, h, a, s) = (32u64, 2560u64, 32u64, 2048u64);
    let params = 50257 * h + 2048 * h + layers * (12 * h * h + 13 * h) + 2 * h;
    let gpu = 80 * GIB;
    let states = 16 * params; // 混合精度 Adam
    let free = gpu - states;
    let layer_full = 34 * s * h + 5 * a * s * s; // 一条序列在一层里的激活(字节)
    let layer_selective = 34 * s * h; // 选择性重算：注意力分数那部分不存，反向时重算
    let layer_input = 2 * s * h; // 全重算：只存每层输入
    // 每条序列需要的激活。重算时，反向传播过程中仍要把一层的激活完整算出来放着。
    let strategies = [
        ("不重算", layers * layer_full),
        ("选择性重算", layers * layer_selective + layer_full),
        ("全重算", layers * layer_input + layer_full),
    ];
    // ANCHOR_END: fit
    println!(
        "GPT-3 2.7B，参数 {}，模型状态 {} GiB，80 GiB 显卡剩余 {} GiB",
        int(params),
        fixed(states as f64 / GIB as f64, 1),
        fixed(free as f64 / GIB as f64, 1)
    );
    let global = 256; // 目标全局批量：256 条 × 2048 = 524,288 token
    let mut t = Table::numeric([
        "策略",
        "每条序列的激活 GiB",
        "最大微批次",
        "取 2 的幂",
        "累积步数",
    ]);
    let mut quoted = Vec::new(); // 正文引用的数
    for (name, per_seq) in strategies {
        let max_micro = free / per_seq;
        // ANCHOR: accum
        // 微批次取不超过上限、能整除全局批量的 2 的幂；累积步数 = 全局批量 / 微批次
        let micro = (0..=8)
            .map(|k| 1u64 << k)
            .filter(|&m| m <= max_micro && global % m == 0)
            .max()
            .unwrap_or(0);
        let steps = global
            .checked_div(micro) // micro 为 0 表示一条都放不下
            .map_or_else(|| "放不下".to_string(), |k| k.to_string());
        // ANCHOR_END: accum
        t.row([
            name.to_string(),
            fixed(per_seq as f64 / GIB as f64, 2),
            max_micro.to_string(),
            micro.to_string(),
            steps.clone(),
        ]);
        quoted.push((per_seq, micro, steps));
    }
    print!("{}", t.text());
    println!();
    value("states_gib", fixed(states as f64 / GIB as f64, 1));
    value(
        "per_seq_none_gib",
        fixed(quoted[0].0 as f64 / GIB as f64, 1),
    );
    value("micro_none", quoted[0].1);
    value("steps_none", &quoted[0].2);
    value("micro_full", quoted[2].1);
    value("steps_full", &quoted[2].2);
}
