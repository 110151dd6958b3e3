//! 步数超过 T_max 后余弦退火的学习率会回升（2·T_max 时回到 η_max）；对比截断与 SGDR 式的有意重启，并画出三者在 0..400 步上的曲线。
use guide_support::plot::{self, Figure};
use guide_support::{Align, Table, sci, value};
use std::f64::consts::PI;

const ETA_MAX: f64 = 1e-3;
const ETA_MIN: f64 = 1e-6;
const T_MAX: u32 = 100;

fn cosine_at(t: f64, period: f64) -> f64 {
    ETA_MIN + 0.5 * (ETA_MAX - ETA_MIN) * (1.0 + libm::cos(PI * t / period))
}

// ANCHOR: variants
/// 闭式照算：cos 是周期函数，t 超过 T_max 后学习率又升回去。
fn closed_form(t: u32) -> f64 {
    cosine_at(f64::from(t), f64::from(T_MAX))
}

/// 截断：t ≥ T_max 以后停在 η_min。
fn clamped(t: u32) -> f64 {
    cosine_at(f64::from(t.min(T_MAX)), f64::from(T_MAX))
}

/// SGDR：第一个周期长 t0，之后每个周期是上一个的 t_mult 倍；每个周期开头跳回 η_max。
/// PyTorch 里对应 CosineAnnealingWarmRestarts(optimizer, T_0=t0, T_mult=t_mult, eta_min)。
fn sgdr(t: u32, t0: u32, t_mult: u32) -> f64 {
    let (mut start, mut len) = (0, t0);
    while t >= start + len {
        start += len;
        len *= t_mult;
    }
    cosine_at(f64::from(t - start), f64::from(len))
}
// ANCHOR_END: variants

fn main() {
    let mut table = Table::new([
        "步 t",
        "闭式照算",
        "截断在 T_max",
        "SGDR(T_0=100, T_mult=2)",
    ])
    .align([Align::Right; 4]);
    for t in [0, 50, 99, 100, 101, 125, 150, 175, 200, 250, 300, 301] {
        table.row([
            t.to_string(),
            sci(closed_form(t), 3),
            sci(clamped(t), 3),
            sci(sgdr(t, 100, 2), 3),
        ]);
    }
    print!("{}", table.text());
    println!();
    value("closed_150", sci(closed_form(150), 3));
    value("closed_200", sci(closed_form(200), 3));

    // 图：三种做法在 0..400 步上的学习率（纵轴以 10⁻³ 为单位）
    let curve = |f: &dyn Fn(u32) -> f64| {
        (0..=400)
            .map(|t| (f64::from(t), f(t) * 1e3))
            .collect::<Vec<_>>()
    };
    let lines = [
        ("闭式照算", curve(&closed_form)),
        ("截断在 T_max", curve(&clamped)),
        ("SGDR(T_0=100, T_mult=2)", curve(&|t| sgdr(t, 100, 2))),
    ];
    let fig = Figure {
        title: "越过 T_max = 100 之后",
        x_label: "步 t",
        y_label: "学习率 η（×10⁻³）",
        ..Figure::default()
    };
    plot::print_figure("beyond", &plot::line_chart(&fig, &plot::series(&lines)));
}
