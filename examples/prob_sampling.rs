//! 用带种子的 ChaCha 生成器抽样：样本越多，伯努利与多项(类别)分布的经验频率越接近理论概率。

use guide_support::rng::{seeded, uniform, weighted_index};
use guide_support::{Align, Table, f4, int, value};

// ANCHOR: bernoulli
/// 一次伯努利试验：均匀数落在 [0, p) 内记为 1。
fn bernoulli_draw(rng: &mut impl rand::Rng, p: f64) -> u64 {
    u64::from(uniform(rng) < p)
}
// ANCHOR_END: bernoulli

fn main() {
    let checkpoints = [10_u64, 100, 1_000, 10_000, 100_000, 1_000_000];

    // ANCHOR: run
    let p = 0.7;
    let mut rng = seeded(7);
    let (mut ones, mut drawn) = (0_u64, 0_u64);
    let mut t = Table::new(["n", "1 的频率", "|频率 − p|", "理论标准差 √(p(1−p)/n)"]);
    for &n in &checkpoints {
        while drawn < n {
            ones += bernoulli_draw(&mut rng, p);
            drawn += 1;
        }
        let freq = ones as f64 / n as f64;
        let sd = (p * (1.0 - p) / n as f64).sqrt();
        t.row([int(n), f4(freq), f4((freq - p).abs()), f4(sd)]);
    }
    // ANCHOR_END: run
    println!("伯努利（p = 0.7），同一条随机序列的前 n 个样本：");
    print!("{}", t.align([Align::Right; 4]).text());

    // 类别分布：一次抽一个类别；n 次抽取的计数服从多项分布
    let probs = [0.2, 0.3, 0.5];
    let mut rng = seeded(11);
    let mut counts = [0_u64; 3];
    let mut drawn = 0_u64;
    let mut t = Table::new([
        "n",
        "类别 0 (0.2)",
        "类别 1 (0.3)",
        "类别 2 (0.5)",
        "最大偏差",
    ]);
    for &n in &checkpoints {
        while drawn < n {
            counts[weighted_index(&mut rng, &probs)] += 1;
            drawn += 1;
        }
        let freqs: Vec<f64> = counts.iter().map(|&c| c as f64 / n as f64).collect();
        let worst = freqs
            .iter()
            .zip(&probs)
            .map(|(f, p)| (f - p).abs())
            .fold(0.0, f64::max);
        t.row([int(n), f4(freqs[0]), f4(freqs[1]), f4(freqs[2]), f4(worst)]);
    }
    println!();
    println!("类别分布 p = [0.2, 0.3, 0.5]：");
    print!("{}", t.align([Align::Right; 5]).text());
    value("bern_freq_1e6", f4(ones as f64 / drawn as f64));
    value("sd_1000", f4((p * (1.0 - p) / 1000.0).sqrt()));
}
