//! 余弦退火（T_max = 100，η_min = 1e-6，即大纲的配置）与“线性预热 + 余弦退火”在若干步上的学习率，并画出两条日程曲线。
use guide_support::plot::{self, Figure};
use guide_support::{Align, Table, sci, value};
use tinygpt::optim;

const ETA_MAX: f64 = 1e-3; // 优化器的初始学习率：大纲没给，这里假设为 1e-3
const ETA_MIN: f64 = 1e-6;
const T_MAX: u32 = 100;
const WARMUP: u32 = 10;

// 两种日程的代码在 tinygpt 里（crates/tinygpt/src/optim.rs），第六部分训练模型时用的就是它们。
/// 纯余弦退火：η_max = 1e-3 退火到 η_min = 1e-6，T_max = 100。
fn cosine(t: u32) -> f64 {
    optim::cosine(t, T_MAX, ETA_MAX, ETA_MIN)
}

/// 前 WARMUP 步线性预热，之后余弦退火。
fn warmup_cosine(t: u32) -> f64 {
    optim::warmup_cosine(t, WARMUP, T_MAX, ETA_MAX, ETA_MIN)
}

fn main() {
    let mut table = Table::new(["步 t", "余弦退火", "预热 + 余弦"]).align([Align::Right; 3]);
    for t in [0, 1, 5, 9, 10, 25, 50, 75, 90, 99, 100] {
        table.row([t.to_string(), sci(cosine(t), 3), sci(warmup_cosine(t), 3)]);
    }
    println!(
        "η_max = {}，η_min = {}，T_max = {T_MAX}，预热 {WARMUP} 步",
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
