//! RMSNorm 与 LayerNorm、SwiGLU 与 GELU 前馈层：逐项算一个小例子，再看真实配置的前馈宽度。
use guide_support::num::vector;
use guide_support::{Table, fixed, int, rng, value};
use llm_arch::{ModelConfig, params};

// ANCHOR: norms
/// LayerNorm：减均值、除标准差，再乘 γ 加 β（2d 个参数）。
fn layer_norm(x: &[f64], gamma: &[f64], beta: &[f64], eps: f64) -> Vec<f64> {
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let var = x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
    let inv = 1.0 / libm::sqrt(var + eps);
    x.iter()
        .zip(gamma)
        .zip(beta)
        .map(|((v, g), b)| (v - mean) * inv * g + b)
        .collect()
}

/// RMSNorm（Zhang & Sennrich, 2019）：只除以均方根，再乘 g（d 个参数），不减均值。
fn rms_norm(x: &[f64], g: &[f64], eps: f64) -> Vec<f64> {
    let ms = x.iter().map(|v| v * v).sum::<f64>() / x.len() as f64;
    let inv = 1.0 / libm::sqrt(ms + eps);
    x.iter().zip(g).map(|(v, g)| v * inv * g).collect()
}
// ANCHOR_END: norms

// ANCHOR: swiglu
fn silu(x: f64) -> f64 {
    x / (1.0 + libm::exp(-x))
}

/// x (d) 乘 d×f 矩阵（按行存）。
fn matvec(x: &[f64], w: &[f64], f: usize) -> Vec<f64> {
    (0..f)
        .map(|j| x.iter().enumerate().map(|(i, xi)| xi * w[i * f + j]).sum())
        .collect()
}

/// SwiGLU 前馈层（Shazeer, 2020）：(SiLU(x W_gate) ⊙ x W_up) W_down，三个矩阵。
fn swiglu(x: &[f64], w_gate: &[f64], w_up: &[f64], w_down: &[f64], f: usize) -> Vec<f64> {
    let gate = matvec(x, w_gate, f);
    let up = matvec(x, w_up, f);
    let h: Vec<f64> = gate.iter().zip(&up).map(|(g, u)| silu(*g) * u).collect();
    matvec(&h, w_down, x.len())
}
// ANCHOR_END: swiglu

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let x = [2.0, -1.0, 0.5, 3.5];
    let ones = [1.0; 4];
    let zeros = [0.0; 4];
    println!("x             = {}", vector(&x, 4));
    println!(
        "LayerNorm(x)  = {}",
        vector(&layer_norm(&x, &ones, &zeros, 1e-5), 4)
    );
    println!("RMSNorm(x)    = {}", vector(&rms_norm(&x, &ones, 1e-5), 4));
    // 平移不变性：LayerNorm 对 x + c 的结果不变，RMSNorm 会变
    let shifted: Vec<f64> = x.iter().map(|v| v + 10.0).collect();
    println!(
        "LayerNorm(x+10) = {}",
        vector(&layer_norm(&shifted, &ones, &zeros, 1e-5), 4)
    );
    println!(
        "RMSNorm(x+10)   = {}",
        vector(&rms_norm(&shifted, &ones, 1e-5), 4)
    );
    // 缩放不变性：两者对 3x 的结果都不变
    let scaled: Vec<f64> = x.iter().map(|v| 3.0 * v).collect();
    println!(
        "RMSNorm(3x)     = {}",
        vector(&rms_norm(&scaled, &ones, 1e-5), 4)
    );
    println!();

    let (d, f) = (4, 6);
    let mut r = rng::seeded(11);
    let mut mat = |n: usize| -> Vec<f64> { (0..n).map(|_| 0.5 * rng::normal(&mut r)).collect() };
    let (wg, wu, wd) = (mat(d * f), mat(d * f), mat(f * d));
    let y = swiglu(&x, &wg, &wu, &wd, f);
    println!(
        "SiLU(−2, 0, 2) = {}",
        vector(&[silu(-2.0), silu(0.0), silu(2.0)], 4)
    );
    println!("SwiGLU(x)（d = 4，F = 6）= {}", vector(&y, 4));
    println!();

    // ANCHOR: widths
    // GELU 前馈层 2·d·4d = 8d²；SwiGLU 3·d·F，F = 8d/3 时参数相同
    let configs = ModelConfig::load_all(
        "book/data/configs",
        &[
            "llama-3-8b",
            "llama-3-70b",
            "qwen2.5-7b",
            "mixtral-8x7b",
            "deepseek-v3",
        ],
    )?;
    let mut t = Table::numeric(["模型", "d", "F", "F/d", "SwiGLU 3dF", "GELU 8d²"]);
    for c in &configs {
        let (d, f) = (c.hidden_size, c.intermediate_size);
        t.row([
            c.name.clone(),
            int(d),
            int(f),
            fixed(f as f64 / d as f64, 3),
            int(params::swiglu(d, f)),
            int(8 * d * d),
        ]);
    }
    print!("{}", t.text());
    // ANCHOR_END: widths
    value("eight_thirds", fixed(8.0 / 3.0, 3));
    value(
        "llama_ratio",
        fixed(
            configs[0].intermediate_size as f64 / configs[0].hidden_size as f64,
            3,
        ),
    );
    value(
        "norm_params_llama8b",
        int(2 * configs[0].num_hidden_layers * configs[0].hidden_size + configs[0].hidden_size),
    );
    Ok(())
}
