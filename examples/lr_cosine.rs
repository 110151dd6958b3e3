//! 余弦退火（T_max = 100，η_min = 1e-6，即大纲的配置）与“线性预热 + 余弦退火”在若干步上的学习率，并画出两条日程曲线。
use guide_support::plot::{self, Figure};
use guide_support::{Align, Table, sci, value};
use std::f64::consts::PI;

const ETA_MAX: f64 = 1e-3; // 优化器的初始学习率：大纲没给，这里假设为 1e-3
const ETA_MIN: f64 = 1e-6;
const T_MAX: u32 = 100;
const WARMUP: u32 = 10;

// ANCHOR: cosine
/// 余弦退火的闭式：η_t = η_min + ½(η_max − η_min)(1 + cos(π·t / T_max))。
fn cosine(t: u32) -> f64 {
    ETA_MIN + 0.5 * (ETA_MAX - ETA_MIN) * (1.0 + libm::cos(PI * f64::from(t) / f64::from(T_MAX)))
}
// ANCHOR_END: cosine

// ANCHOR: warmup
/// 前 WARMUP 步从 η_max/WARMUP 线性升到 η_max，之后在剩下的 T_MAX − WARMUP 步里余弦退火到 η_min。
fn warmup_cosine(t: u32) -> f64 {
    if t < WARMUP {
        return ETA_MAX * f64::from(t + 1) / f64::from(WARMUP);
    }
    let progress = f64::from(t - WARMUP) / f64::from(T_MAX - WARMUP); // 0 → 1
    ETA_MIN + 0.5 * (ETA_MAX - ETA_MIN) * (1.0 + libm::cos(PI * progress))
}
// ANCHOR_END: warmup

fn main() {
    let mut table = Table::new(["步 t", "余弦退火", "预热 + 余弦"]).align([Align::Right; 3]);
    for t in [0, 1, 5, 9, 10, 25, 50, 75, 90, 99, 100] {
        table.row([t.to_string(), sci(cosine(t), 3), sci(warmup_cosine(t), 3)]);
    }
    println!(
        "η_max = {},η_min = {},T_max = {T_MAX},预热 {WARMUP} 步",
        sci(ETA_MAX, 0),
        sci(ETA_MIN, 0)
    );
    print!("{}", table.text());
    println!();
    value("cos_t0", sci(cosine(0), 3));
    value("cos_t50", sci(cosine(50), 3));
    value("cos_t100", sci(cosine(100), 3));
    value("warm_t0", sci(warmup_cosine(0), 3));

    // 图：两种日程的整条曲线（纵轴以 10⁻³ 为单位）
    let curve = |f: fn(u32) -> f64| {
        (0..=T_MAX)
            .map(|t| (f64::from(t), f(t) * 1e3))
            .collect::<Vec<_>>()
    };
    let lines = [
        ("余弦退火", curve(cosine)),
        ("预热 + 余弦", curve(warmup_cosine)),
    ];
    let fig = Figure {
        title: "余弦退火与预热 + 余弦（T_max = 100）",
        x_label: "步 t",
        y_label: "学习率 η（×10⁻³）",
        ..Figure::default()
    };
    plot::print_figure("schedules", &plot::line_chart(&fig, &plot::series(&lines)));
}
