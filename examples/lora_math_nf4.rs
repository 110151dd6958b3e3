//! QLoRA 的 4 位 NormalFloat（NF4）：由标准正态分位数构造 16 个码值，块大小 64 的分块量化误差，以及双重量化后每个参数占多少位。

use guide_support::rng::{normal, seeded};
use guide_support::{Table, f4, f6, fixed, sci, value};

// ANCHOR: ppf
/// 标准正态的分布函数 Φ(x) = ½·erfc(−x/√2)。
fn normal_cdf(x: f64) -> f64 {
    0.5 * libm::erfc(-x / std::f64::consts::SQRT_2)
}

/// Φ 的反函数（分位数函数），用二分法求：Φ 单调，100 次二分把区间缩到远小于 f64 的分辨率。
fn normal_ppf(p: f64) -> f64 {
    let (mut lo, mut hi) = (-10.0, 10.0);
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if normal_cdf(mid) < p {
            lo = mid
        } else {
            hi = mid
        }
    }
    0.5 * (lo + hi)
}
// ANCHOR_END: ppf

// ANCHOR: nf4
/// NF4 的 16 个码值（Dettmers et al., 2023）：正半轴取 8 个、负半轴取 7 个正态分位数，再加上精确的 0，
/// 最后除以最大绝对值归一化到 [−1, 1]。不对称是为了让 0 恰好可表示（填充和 padding 的权重常为 0）。
/// 两端的概率 offset 取 1 − 1/(2·15) 与 1 − 1/(2·16) 的平均，避开 Φ⁻¹(1) = ∞。
pub(crate) fn nf4_levels() -> [f64; 16] {
    let offset = 0.5 * ((1.0 - 1.0 / 30.0) + (1.0 - 1.0 / 32.0));
    let linspace = |n: usize, i: usize| offset + (0.5 - offset) * i as f64 / (n - 1) as f64;
    let mut v = Vec::with_capacity(16);
    for i in 0..8 {
        v.push(normal_ppf(linspace(9, i))); // 正半轴：在 [offset, 0.5] 上 9 个等分点去掉最后一个
    }
    v.push(0.0);
    for i in 0..7 {
        v.push(-normal_ppf(linspace(8, i))); // 负半轴：8 个等分点去掉最后一个
    }
    let max = v.iter().fold(0.0_f64, |m, x| m.max(x.abs()));
    let mut out: Vec<f64> = v.iter().map(|x| x / max).collect();
    out.sort_by(f64::total_cmp);
    out.try_into().expect("正好 16 个码值")
}
// ANCHOR_END: nf4

/// bitsandbytes 中的 NF4 码表（float32 值，QLoRA 论文附录列出同一张表），用来核对上面的构造。
const PUBLISHED: [f64; 16] = [
    -1.0,
    -0.696_192_800_998_687_7,
    -0.525_073_051_452_636_7,
    -0.394_917_488_098_144_5,
    -0.284_441_381_692_886_35,
    -0.184_773_430_228_233_34,
    -0.091_050_036_251_544_95,
    0.0,
    0.079_580_299_556_255_34,
    0.160_930_201_411_247_25,
    0.246_112_301_945_686_34,
    0.337_915_241_718_292_24,
    0.440_709_829_330_444_34,
    0.562_617_003_917_694_1,
    0.722_956_836_223_602_3,
    1.0,
];

// ANCHOR: blockwise
/// 分块 absmax 量化再反量化：每 `block` 个权重共用一个尺度 max|w|，
/// 归一化后取码表里最近的值。返回均方根误差。
fn blockwise_rmse(w: &[f64], block: usize, levels: &[f64]) -> f64 {
    let mut sq = 0.0;
    for chunk in w.chunks(block) {
        let scale = chunk.iter().fold(0.0_f64, |m, x| m.max(x.abs()));
        for &x in chunk {
            let y = x / scale;
            let q = levels
                .iter()
                .copied()
                .min_by(|a, b| (a - y).abs().total_cmp(&(b - y).abs()))
                .expect("码表非空");
            sq += (q * scale - x) * (q * scale - x);
        }
    }
    libm::sqrt(sq / w.len() as f64)
}
// ANCHOR_END: blockwise

// ANCHOR: bits
/// 每个参数占的位数：4 位码值 + 分摊的量化常数。
/// 不做双重量化：每 64 个参数一个 fp32 尺度，32/64 = 0.5 位。
/// 双重量化：尺度本身再量化成 8 位，每 256 个尺度共用一个 fp32 二级尺度。
pub(crate) fn bits_per_param(block: f64, double_quant: bool) -> f64 {
    if double_quant {
        4.0 + 8.0 / block + 32.0 / (block * 256.0)
    } else {
        4.0 + 32.0 / block
    }
}
// ANCHOR_END: bits

fn main() {
    let nf4 = nf4_levels();
    let max_diff = nf4
        .iter()
        .zip(PUBLISHED)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    println!("NF4 的 16 个码值：");
    for row in nf4.chunks(8) {
        println!(
            "  {}",
            row.iter()
                .map(|&x| fixed(x, 4))
                .collect::<Vec<_>>()
                .join("  ")
        );
    }
    println!(
        "与 bitsandbytes 码表的最大差：{}（< 1e-6：{}）",
        sci(max_diff, 1),
        if max_diff < 1e-6 {
            "一致"
        } else {
            "不一致"
        }
    );

    // 均匀的对称 int4：−7..=7 除以 7，共 15 个值（对称量化用不到 −8）。
    let int4: Vec<f64> = (-7..=7).map(|k| k as f64 / 7.0).collect();
    let mut rng = seeded(2023);
    let w: Vec<f64> = (0..65_536).map(|_| 0.02 * normal(&mut rng)).collect();
    let (e_nf4, e_int4) = (blockwise_rmse(&w, 64, &nf4), blockwise_rmse(&w, 64, &int4));
    println!();
    println!("65,536 个 N(0, 0.02²) 权重、块大小 64 的 absmax 量化：");
    let mut t = Table::numeric(["码表", "均方根误差", "相对权重标准差"]);
    t.row(["NF4".to_string(), sci(e_nf4, 3), f4(e_nf4 / 0.02)]);
    t.row([
        "int4（对称、均匀）".to_string(),
        sci(e_int4, 3),
        f4(e_int4 / 0.02),
    ]);
    print!("{}", t.text());

    println!();
    println!("每个参数的存储（块大小 64，二级块大小 256）：");
    let mut t = Table::numeric(["格式", "位/参数", "字节/参数"]);
    for (name, bits) in [
        ("bf16", 16.0),
        ("NF4，fp32 尺度", bits_per_param(64.0, false)),
        ("NF4 + 双重量化", bits_per_param(64.0, true)),
    ] {
        t.row([name.to_string(), f6(bits), f6(bits / 8.0)]);
    }
    print!("{}", t.text());

    value("nf4_max_diff", sci(max_diff, 1));
    value("rmse_ratio", f4(e_int4 / e_nf4));
    value("bits_plain", fixed(bits_per_param(64.0, false), 3));
    value("bits_dq", fixed(bits_per_param(64.0, true), 3));
    value("const_bits_dq", fixed(bits_per_param(64.0, true) - 4.0, 3));
    value("bytes_dq", f6(bits_per_param(64.0, true) / 8.0));
}
