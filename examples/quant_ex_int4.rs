//! 练习参考答案：把逐通道对称量化从 8 位降到 4 位(整数范围 [−7, 7])，再试每 16 个权重一组的缩放因子，比较误差与体积。

use guide_support::{Table, fixed, int, value};
use tinygpt::quant::{absmax, dequantize_slice, quantize_slice};

// 权重矩阵来自正文示例 quant_per_channel。
#[allow(dead_code)]
#[path = "quant_per_channel.rs"]
mod per_channel;
use per_channel::{COLS, ROWS, weights};

/// 把 `w` 切成长度为 `group` 的段，每段一个对称缩放因子 S = max|w| / qmax，返回还原值。
fn fake_quant(w: &[f32], group: usize, qmax: i32) -> Vec<f32> {
    w.chunks(group)
        .flat_map(|g| {
            let s = absmax(g) / qmax as f32;
            dequantize_slice(&quantize_slice(g, s, qmax), s)
        })
        .collect()
}

fn main() {
    let w = weights(); // 与正文 quant_per_channel 相同的权重矩阵

    // (名称，位数，组长，整数上限)
    let schemes = [
        ("int8 逐通道", 8, COLS, 127),
        ("int4 逐通道", 4, COLS, 7),
        ("int4 每 16 个一组", 4, 16, 7),
    ];
    let mut t = Table::numeric([
        "方案",
        "相对误差",
        "SNR (dB)",
        "字节（含 f32 缩放因子）",
        "比 f32 小",
    ]);
    let f32_bytes = ROWS * COLS * 4;
    for (name, bits, group, qmax) in schemes {
        let (mut e2, mut s2) = (0.0f64, 0.0f64);
        for row in &w {
            for (&a, &b) in row.iter().zip(&fake_quant(row, group, qmax)) {
                let (a, b) = (f64::from(a), f64::from(b));
                e2 += (a - b) * (a - b);
                s2 += a * a;
            }
        }
        // 两个 4 位整数装进一个字节；每组另存一个 4 字节缩放因子
        let bytes = ROWS * COLS * bits / 8 + ROWS * (COLS / group) * 4;
        t.row([
            name.to_string(),
            fixed((e2 / s2).sqrt(), 4),
            fixed(10.0 * libm::log10(s2 / e2), 1),
            int(bytes as i64),
            format!("{}×", fixed(f32_bytes as f64 / bytes as f64, 2)),
        ]);
    }
    println!("f32 原始体积 {} 字节\n", int(f32_bytes as i64));
    print!("{}", t.text());
    println!();
    // 每少 1 位，均匀量化的 SNR 理论上少 20·log10(2) dB
    value("db_per_bit", fixed(20.0 * libm::log10(2.0), 2));
}
