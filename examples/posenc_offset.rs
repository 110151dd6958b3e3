//! 正弦位置编码的两个性质：PE(pos)·PE(pos+k) 只取决于偏移 k；PE(pos+k) 是 PE(pos) 逐对旋转 ω_i·k 的结果。
use guide_support::{Align, Table, f4, fixed, sci, value};

fn omega(i: usize, d: usize) -> f64 {
    1.0 / libm::pow(10000.0, (2 * i) as f64 / d as f64)
}

/// 交错排列的正弦位置编码(与 posenc_sinusoidal 相同)。
fn positional_encoding(pos: f64, d: usize) -> Vec<f64> {
    let mut pe = vec![0.0; d];
    for i in 0..d / 2 {
        pe[2 * i] = libm::sin(pos * omega(i, d));
        pe[2 * i + 1] = libm::cos(pos * omega(i, d));
    }
    pe
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

// ANCHOR: rotate
/// 把 PE(pos) 的每一对 (sin, cos) 旋转角度 ω_i·k。旋转矩阵只依赖 k，不依赖 pos：
/// [sin(a+b), cos(a+b)] = [sin a·cos b + cos a·sin b, cos a·cos b - sin a·sin b]
fn shift(pe: &[f64], k: f64) -> Vec<f64> {
    let d = pe.len();
    let mut out = vec![0.0; d];
    for i in 0..d / 2 {
        let (c, s) = (libm::cos(omega(i, d) * k), libm::sin(omega(i, d) * k));
        let (sin_a, cos_a) = (pe[2 * i], pe[2 * i + 1]);
        out[2 * i] = sin_a * c + cos_a * s;
        out[2 * i + 1] = cos_a * c - sin_a * s;
    }
    out
}
// ANCHOR_END: rotate

fn main() {
    let d = 64;
    let positions = [10.0, 42.0, 100.0, 500.0];
    // ANCHOR: dot
    let mut header = vec!["偏移 k".to_string()];
    header.extend(positions.iter().map(|p| format!("pos={}", fixed(*p, 0))));
    header.push("Σ cos(ω_i·k)".to_string());
    let mut t = Table::new(header).align(vec![Align::Right; positions.len() + 2]);
    for k in [1.0, 5.0, 20.0, -5.0] {
        let mut row = vec![fixed(k, 0)];
        for &pos in &positions {
            row.push(f4(dot(
                &positional_encoding(pos, d),
                &positional_encoding(pos + k, d),
            )));
        }
        // sin a·sin b + cos a·cos b = cos(a - b)：每一对只剩 cos(ω_i·k)
        row.push(f4((0..d / 2).map(|i| libm::cos(omega(i, d) * k)).sum()));
        t.row(row);
    }
    // ANCHOR_END: dot
    println!("维度 d = {d}，PE(pos)·PE(pos+k)：");
    print!("{}", t.text());
    println!();

    let mut worst: f64 = 0.0;
    for &pos in &positions {
        for k in [1.0, 5.0, 20.0] {
            let rotated = shift(&positional_encoding(pos, d), k);
            let direct = positional_encoding(pos + k, d);
            for (a, b) in rotated.iter().zip(&direct) {
                worst = worst.max((a - b).abs());
            }
        }
    }
    println!("旋转 PE(pos) 与直接计算 PE(pos+k) 的最大差：");
    value("rotation_max_error", sci(worst, 1));
    value(
        "dot_k0",
        f4(dot(
            &positional_encoding(42.0, d),
            &positional_encoding(42.0, d),
        )),
    );
}
