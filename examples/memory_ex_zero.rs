//! 练习参考答案：ZeRO 三个阶段把模型状态切分到 N 张卡后，每张卡的显存(先复现论文图 1 的数字)。
use guide_support::{Align, Table, fixed};

/// 每张卡上模型状态的字节数(混合精度 Adam,K = 12 字节优化器状态/参数)。
fn per_gpu(stage: u8, params: f64, n: f64) -> f64 {
    match stage {
        0 => 16.0 * params,                    // 数据并行：每张卡一整份
        1 => 4.0 * params + 12.0 * params / n, // 切分优化器状态
        2 => 2.0 * params + 14.0 * params / n, // 再切分梯度
        _ => 16.0 * params / n,                // 再切分参数
    }
}

fn main() {
    // 论文图 1:Ψ = 7.5B,N_d = 64，单位 GB(10^9 字节)
    let paper = [120.0, 31.4, 16.6, 1.9];
    for (stage, expect) in paper.into_iter().enumerate() {
        let got = per_gpu(stage as u8, 7.5e9, 64.0) / 1e9;
        assert_eq!(fixed(got, 1), fixed(expect, 1), "阶段 {stage}");
    }
    println!("论文图 1（7.5B 参数，64 卡）：120.0 / 31.4 / 16.6 / 1.9 GB，复现 ok");
    println!();

    let params = 6_658_404_352.0; // GPT-3 6.7B，见 memory_estimate
    let mut t =
        Table::new(["卡数 N", "不切分", "ZeRO-1", "ZeRO-2", "ZeRO-3"]).align([Align::Right; 5]);
    for n in [8.0, 64.0] {
        let mut row = vec![fixed(n, 0)];
        row.extend((0..4).map(|s| fixed(per_gpu(s, params, n) / f64::from(1u32 << 30), 1)));
        t.row(row);
    }
    println!("GPT-3 6.7B 每张卡的模型状态（GiB，不含激活）：");
    print!("{}", t.text());
}
