//! 量化基础：对称 int8 与仿射(非对称)uint8 量化一个向量，比较误差；演示“四舍六入五成双”为什么是量化的默认舍入。

use guide_support::{Align, Table, f4, fixed, value};
// 量化参数与量化、反量化函数在 tinygpt::quant 里，全链路实战的量化一章也用它们。
use tinygpt::quant::{QParams, affine, dequantize, quantize, symmetric};

fn show(name: &str, key: &str, x: &[f32], p: &QParams) {
    println!(
        "{name}：S = {}，Z = {}，整数范围 [{}, {}]",
        fixed(f64::from(p.scale), 6),
        p.zero_point,
        p.qmin,
        p.qmax
    );
    let mut t = Table::new(["x", "q", "还原值", "误差"]).align([Align::Right; 4]);
    let mut max_err = 0.0f32;
    for &v in x {
        let q = quantize(v, p);
        let back = dequantize(q, p);
        max_err = max_err.max((v - back).abs());
        t.row([
            f4(f64::from(v)),
            q.to_string(),
            f4(f64::from(back)),
            fixed(f64::from((v - back).abs()), 6),
        ]);
    }
    print!("{}", t.text());
    println!(
        "最大误差 {}，S/2 = {}\n",
        fixed(f64::from(max_err), 6),
        fixed(f64::from(p.scale / 2.0), 6)
    );
    value(&format!("{key}_scale"), fixed(f64::from(p.scale), 6));
    value(&format!("{key}_max_err"), fixed(f64::from(max_err), 6));
    println!();
}

// ANCHOR: rounding
/// 两种舍入在 k + 0.5 上的差别，以及在 0.5, 1.5，…，9.5 上的平均偏差。
fn rounding_demo() {
    let mut t = Table::new(["x", "round（远离零）", "round_ties_even"]).align([Align::Right; 3]);
    for x in [0.5f32, 1.5, 2.5, 3.5, -0.5, -2.5] {
        t.row([
            fixed(f64::from(x), 1),
            fixed(f64::from(x.round()), 0),
            fixed(f64::from(x.round_ties_even()), 0),
        ]);
    }
    print!("{}", t.text());
    let halves: Vec<f32> = (0..10).map(|k| k as f32 + 0.5).collect();
    let bias = |f: fn(f32) -> f32| {
        halves.iter().map(|&x| f64::from(f(x) - x)).sum::<f64>() / halves.len() as f64
    };
    value("bias_away", f4(bias(f32::round)));
    value("bias_even", f4(bias(f32::round_ties_even)));
}
// ANCHOR_END: rounding

fn main() {
    // 一组偏向正数的激活值：负值很少、幅度也小
    let x: [f32; 8] = [-0.4, -0.12, 0.0, 0.27, 0.8, 1.35, 2.2, 3.1];
    show("对称 int8", "sym", &x, &symmetric(&x));
    show("仿射 uint8", "affine", &x, &affine(&x));
    rounding_demo();
}
