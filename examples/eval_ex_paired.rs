//! 练习：两个模型在同一批题目上的分差，配对自助法与把两份成绩当作独立样本的自助法对比。

#[allow(dead_code)] // 本例不用 eval_bootstrap 的 main
#[path = "eval_bootstrap.rs"]
mod bootstrap;
use bootstrap::{accuracy, bootstrap_ci, simulate_benchmark};
use guide_support::num::percent;
use guide_support::rng::seeded;
use guide_support::value;
use rand::RngExt;

fn main() {
    let n = 200;
    // 模型 A 的能力 0.6，模型 B 的能力 0.0：真实差距不大，但同一道题的难度对二者是同一个。
    let (ra, rb) = simulate_benchmark(11, n, 0.6, 0.0);
    let diff = accuracy(&ra) - accuracy(&rb);
    println!(
        "A 准确率 {}，B 准确率 {}，分差 {}",
        percent(accuracy(&ra), 1),
        percent(accuracy(&rb), 1),
        percent(diff, 1)
    );

    // 配对：两个模型用同一组被抽中的题号。
    let (lo_p, hi_p) = bootstrap_ci(n, 2_000, 42, 0.05, |idx| {
        let a = idx.iter().filter(|&&i| ra[i]).count() as f64;
        let b = idx.iter().filter(|&&i| rb[i]).count() as f64;
        (a - b) / idx.len() as f64
    });

    // 不配对：对 B 另抽一组独立的题号（用另一个种子），相当于假装两份成绩来自不同的题目。
    let (lo_u, hi_u) = {
        let mut rng = seeded(43);
        bootstrap_ci(n, 2_000, 42, 0.05, |idx| {
            let a = idx.iter().filter(|&&i| ra[i]).count() as f64;
            let b = (0..n).filter(|_| rb[rng_index(&mut rng, n)]).count() as f64;
            (a - b) / n as f64
        })
    };
    let fmt = |lo: f64, hi: f64| format!("[{}, {}]", percent(lo, 1), percent(hi, 1));
    println!(
        "配对自助法 95% 区间：  {}，宽度 {}",
        fmt(lo_p, hi_p),
        percent(hi_p - lo_p, 1)
    );
    println!(
        "不配对自助法 95% 区间：{}，宽度 {}",
        fmt(lo_u, hi_u),
        percent(hi_u - lo_u, 1)
    );
    println!(
        "配对区间{}包含 0；不配对区间{}包含 0。",
        if lo_p <= 0.0 && hi_p >= 0.0 {
            ""
        } else {
            "不"
        },
        if lo_u <= 0.0 && hi_u >= 0.0 {
            ""
        } else {
            "不"
        }
    );
    value("paired_width", percent(hi_p - lo_p, 1));
    value("unpaired_width", percent(hi_u - lo_u, 1));
}

/// 独立抽一个题号。闭包里要可变地借用 rng，所以单独写成函数。
fn rng_index(rng: &mut guide_support::rng::GuideRng, n: usize) -> usize {
    rng.random_range(0..n)
}
