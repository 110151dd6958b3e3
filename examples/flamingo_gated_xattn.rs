//! Flamingo 的门控交叉注意力：tanh 门控初始化为 0 时输出与输入逐位相同；按"最近一张图像"做掩码；打印各张量形状。

use guide_support::num::vector;
use guide_support::rng::{GuideRng, normal, seeded};
use guide_support::table::display_width;
use guide_support::{f4, fixed, value};

pub(crate) type Mat = Vec<Vec<f64>>;

pub(crate) fn shape(m: &Mat) -> String {
    format!("({}, {})", m.len(), m[0].len())
}

/// 元素取自 N(0, 1/rows) 的随机矩阵，模拟初始化后的权重。
pub(crate) fn randn(rng: &mut GuideRng, rows: usize, cols: usize) -> Mat {
    let s = 1.0 / (rows as f64).sqrt();
    (0..rows)
        .map(|_| (0..cols).map(|_| s * normal(rng)).collect())
        .collect()
}

pub(crate) fn matmul(a: &Mat, b: &Mat) -> Mat {
    a.iter()
        .map(|row| {
            (0..b[0].len())
                .map(|j| row.iter().zip(b).map(|(x, br)| x * br[j]).sum())
                .collect()
        })
        .collect()
}

/// 逐行 LayerNorm(省略可学习的缩放与平移)。
pub(crate) fn layer_norm(x: &Mat) -> Mat {
    x.iter()
        .map(|row| {
            let n = row.len() as f64;
            let mean = row.iter().sum::<f64>() / n;
            let var = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
            row.iter()
                .map(|v| (v - mean) / (var + 1e-5).sqrt())
                .collect()
        })
        .collect()
}

/// GELU 的 tanh 近似。
fn gelu(x: f64) -> f64 {
    let c = (2.0 / std::f64::consts::PI).sqrt();
    0.5 * x * (1.0 + libm::tanh(c * (x + 0.044715 * x * x * x)))
}

/// 一个 GATED XATTN-DENSE 块的权重：交叉注意力的四个投影和前馈层的两个矩阵。
#[derive(Clone)]
pub(crate) struct Weights {
    pub(crate) wq: Mat,
    pub(crate) wk: Mat,
    pub(crate) wv: Mat,
    pub(crate) wo: Mat,
    pub(crate) w1: Mat,
    pub(crate) w2: Mat,
}

// ANCHOR: mask
/// media_before[i] = 第 i 个文本 token 之前(含自身位置)最近一张图像的编号，
/// 没有图像时为 None。Flamingo 只让 token 看这一张图像的视觉 token。
fn media_mask(
    media_before: &[Option<usize>],
    tokens_per_image: usize,
    n_images: usize,
) -> Vec<Vec<bool>> {
    media_before
        .iter()
        .map(|m| {
            (0..n_images * tokens_per_image)
                .map(|j| *m == Some(j / tokens_per_image))
                .collect()
        })
        .collect()
}
// ANCHOR_END: mask

// ANCHOR: xattn
/// 单头的掩码交叉注意力：查询来自文本，键和值来自视觉 token。
/// 一行全被掩掉(前面还没有图像)时，输出全零，而不是 0/0 得到的 NaN。
fn cross_attention(x: &Mat, visual: &Mat, mask: &[Vec<bool>], w: &Weights) -> Mat {
    let d = x[0].len() as f64;
    let q = matmul(&layer_norm(x), &w.wq); // (文本长度，d)
    let k = matmul(visual, &w.wk); // (视觉 token 数，d)
    let v = matmul(visual, &w.wv); // (视觉 token 数，d)
    let mut out = Vec::new();
    for (i, qi) in q.iter().enumerate() {
        let scores: Vec<f64> = k
            .iter()
            .map(|kj| qi.iter().zip(kj).map(|(a, b)| a * b).sum::<f64>() / d.sqrt())
            .collect();
        let allowed: Vec<usize> = (0..k.len()).filter(|&j| mask[i][j]).collect();
        let mut row = vec![0.0; v[0].len()];
        if !allowed.is_empty() {
            let m = allowed
                .iter()
                .map(|&j| scores[j])
                .fold(f64::NEG_INFINITY, f64::max);
            let z: f64 = allowed.iter().map(|&j| libm::exp(scores[j] - m)).sum();
            for &j in &allowed {
                let p = libm::exp(scores[j] - m) / z;
                for (r, vj) in row.iter_mut().zip(&v[j]) {
                    *r += p * vj;
                }
            }
        }
        out.push(row);
    }
    matmul(&out, &w.wo)
}

fn feed_forward(x: &Mat, w: &Weights) -> Mat {
    let h: Mat = matmul(&layer_norm(x), &w.w1)
        .into_iter()
        .map(|r| r.into_iter().map(gelu).collect())
        .collect();
    matmul(&h, &w.w2)
}

/// 逐元素 x + g·f。
fn add_scaled(x: &Mat, f: &Mat, g: f64) -> Mat {
    x.iter()
        .zip(f)
        .map(|(xr, fr)| xr.iter().zip(fr).map(|(a, b)| a + g * b).collect())
        .collect()
}

/// GATED XATTN-DENSE：插在冻结的语言模型层之前。
/// y = x + tanh(α_attn)·XAttn(x，视觉)；y = y + tanh(α_ff)·FFW(y)
pub(crate) fn gated_xattn_dense(
    x: &Mat,
    visual: &Mat,
    mask: &[Vec<bool>],
    w: &Weights,
    alpha_attn: f64,
    alpha_ff: f64,
) -> Mat {
    let y = add_scaled(
        x,
        &cross_attention(x, visual, mask, w),
        libm::tanh(alpha_attn),
    );
    add_scaled(&y, &feed_forward(&y, w), libm::tanh(alpha_ff))
}
// ANCHOR_END: xattn

fn row_change(x: &Mat, y: &Mat) -> Vec<f64> {
    x.iter()
        .zip(y)
        .map(|(a, b)| {
            a.iter()
                .zip(b)
                .map(|(p, q)| (p - q) * (p - q))
                .sum::<f64>()
                .sqrt()
        })
        .collect()
}

fn main() {
    let d = 8;
    let tokens_per_image = 3; // 论文中重采样器输出 64 个，这里取 3 个便于打印
    let n_images = 2;
    let mut rng = seeded(2022);

    // 交错序列：<BOS> <image> 一只 猫 <image> 一条 狗
    let tokens = ["<BOS>", "<image>", "一只", "猫", "<image>", "一条", "狗"];
    let media_before = [None, Some(0), Some(0), Some(0), Some(1), Some(1), Some(1)];

    let x = randn(&mut rng, tokens.len(), d); // 冻结语言模型某层的隐藏状态
    let visual = randn(&mut rng, n_images * tokens_per_image, d); // 重采样器的输出
    let w = Weights {
        wq: randn(&mut rng, d, d),
        wk: randn(&mut rng, d, d),
        wv: randn(&mut rng, d, d),
        wo: randn(&mut rng, d, d),
        w1: randn(&mut rng, d, 4 * d),
        w2: randn(&mut rng, 4 * d, d),
    };
    let mask = media_mask(&media_before, tokens_per_image, n_images);

    println!("文本隐藏状态 x：{}", shape(&x));
    println!(
        "视觉 token（{n_images} 张图 × {tokens_per_image} 个）：{}",
        shape(&visual)
    );
    println!(
        "Q:{}  K:{}  V:{}  注意力分数：({}, {})",
        shape(&x),
        shape(&visual),
        shape(&visual),
        x.len(),
        visual.len()
    );
    println!("前馈层：W1 {}  W2 {}", shape(&w.w1), shape(&w.w2));
    println!();
    println!("掩码（1 = 可以看；列 0-2 属于图像 0，列 3-5 属于图像 1）：");
    for (tok, row) in tokens.iter().zip(&mask) {
        let bits: Vec<&str> = row.iter().map(|&b| if b { "1" } else { "0" }).collect();
        let pad = " ".repeat(8 - display_width(tok));
        println!("  {tok}{pad} [{}]", bits.join(" "));
    }
    println!();

    // ANCHOR: gate
    let y0 = gated_xattn_dense(&x, &visual, &mask, &w, 0.0, 0.0);
    let identical = y0 == x; // 逐元素精确比较 f64，没有容差
    // ANCHOR_END: gate
    println!("α_attn = 0, α_ff = 0:");
    value("identical_at_init", if identical { "是" } else { "否" });
    println!(
        "  每个 token 的变化 ‖y_i − x_i‖ = {}",
        vector(&row_change(&x, &y0), 4)
    );

    for (a_attn, a_ff) in [(0.5, 0.0), (0.5, 0.5)] {
        let y = gated_xattn_dense(&x, &visual, &mask, &w, a_attn, a_ff);
        println!(
            "α_attn = {}, α_ff = {}(tanh = {}, {}):",
            fixed(a_attn, 1),
            fixed(a_ff, 1),
            f4(libm::tanh(a_attn)),
            f4(libm::tanh(a_ff))
        );
        println!(
            "  每个 token 的变化 ‖y_i − x_i‖ = {}",
            vector(&row_change(&x, &y), 4)
        );
    }
}
