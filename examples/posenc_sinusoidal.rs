//! 正弦位置编码（论文的交错排列：偶数维 sin、奇数维 cos），打印各维频率与若干位置的编码值，并画出 d = 64 的热力图。
use guide_support::plot::{self, Figure};
use guide_support::{Align, Table, f4, fixed, value};
use std::f64::consts::PI;

// ANCHOR: pe
/// 第 i 对维度的角频率 ω_i = 1 / 10000^(2i/d)。
fn omega(i: usize, d: usize) -> f64 {
    1.0 / libm::pow(10000.0, (2 * i) as f64 / d as f64)
}

/// 位置 pos 的编码，交错排列：PE[2i] = sin(pos·ω_i),PE[2i+1] = cos(pos·ω_i)。
fn positional_encoding(pos: usize, d: usize) -> Vec<f64> {
    let mut pe = vec![0.0; d];
    for i in 0..d / 2 {
        let angle = pos as f64 * omega(i, d);
        pe[2 * i] = libm::sin(angle);
        pe[2 * i + 1] = libm::cos(angle);
    }
    pe
}
// ANCHOR_END: pe

fn main() {
    let d = 8;
    let mut freq = Table::new(["对 i", "维度", "ω_i", "波长 2π/ω_i"]).align([Align::Right; 4]);
    for i in 0..d / 2 {
        let w = omega(i, d);
        freq.row([
            i.to_string(),
            format!("{}, {}", 2 * i, 2 * i + 1),
            fixed(w, 4),
            fixed(2.0 * PI / w, 1),
        ]);
    }
    print!("{}", freq.text());
    println!();

    let mut header = vec!["pos".to_string()];
    for j in 0..d {
        header.push(format!("{}:{}", j, if j % 2 == 0 { "sin" } else { "cos" }));
    }
    let mut t = Table::new(header).align(vec![Align::Right; d + 1]);
    for pos in [0, 1, 2, 3, 10, 50] {
        let mut row = vec![pos.to_string()];
        row.extend(positional_encoding(pos, d).into_iter().map(f4));
        t.row(row);
    }
    print!("{}", t.text());
    println!();
    // 每个位置的编码长度都是 √(d/2)：每对 sin² + cos² = 1
    let norm = positional_encoding(50, d)
        .iter()
        .map(|x| x * x)
        .sum::<f64>()
        .sqrt();
    value("norm_pos50", f4(norm));
    value(
        "longest_wavelength",
        fixed(2.0 * PI / omega(d / 2 - 1, d), 1),
    );

    // 图：d = 64 时位置 0..63 的编码，每 8 个位置、每 8 维标一个刻度
    let (d, n) = (64, 64);
    let pe: Vec<Vec<f64>> = (0..n).map(|pos| positional_encoding(pos, d)).collect();
    let fig = Figure {
        title: "正弦位置编码（d = 64）",
        x_label: "维度 j",
        y_label: "位置 pos",
        width: 640,
        height: 640,
    };
    let (rows, cols) = (plot::tick_labels(n, 8), plot::tick_labels(d, 8));
    let svg = plot::heatmap_with_range(&fig, &rows, &cols, &pe, (-1.0, 1.0));
    plot::print_figure("heatmap", &svg);
}
