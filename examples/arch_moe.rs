//! MoE 路由：Mixtral 的 top-2 softmax 门控、Switch Transformer 的负载均衡损失，以及 DeepSeek-V3 不用辅助损失、只调偏置的均衡方法。
use guide_support::{Table, f4, fixed, int, rng, value};

const D: usize = 16; // 隐藏维度（演示用）
const E: usize = 8; // 专家数
const K: usize = 2; // 每个 token 选几个专家

fn logits(x: &[f64], w: &[f64], skew: f64) -> Vec<f64> {
    (0..E)
        .map(|e| {
            let s: f64 = (0..D).map(|i| x[i] * w[i * E + e]).sum();
            // 给 0 号专家加一个偏移，模拟一个偏心的路由器
            if e == 0 { s + skew } else { s }
        })
        .collect()
}

fn softmax(z: &[f64]) -> Vec<f64> {
    let m = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = z.iter().map(|v| libm::exp(v - m)).collect();
    let s: f64 = e.iter().sum();
    e.iter().map(|v| v / s).collect()
}

/// 分数最高的 k 个下标（分数相同取下标小的，结果与平台无关）。
fn top_k(score: &[f64], k: usize) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..score.len()).collect();
    idx.sort_by(|&a, &b| score[b].total_cmp(&score[a]).then(a.cmp(&b)));
    idx.truncate(k);
    idx
}

// ANCHOR: mixtral
/// Mixtral：取 logits 最大的 k 个专家，门控权重是这 k 个 logits 的 softmax。
fn route_mixtral(z: &[f64]) -> Vec<(usize, f64)> {
    let chosen = top_k(z, K);
    let w = softmax(&chosen.iter().map(|&e| z[e]).collect::<Vec<_>>());
    chosen.into_iter().zip(w).collect()
}

/// Switch Transformer 的负载均衡损失 E · Σ f_i · P_i：f_i 是分到专家 i 的
/// token 份额，P_i 是路由器给专家 i 的平均概率。完全均衡时等于 1。
fn balance_loss(all_logits: &[Vec<f64>]) -> (f64, Vec<f64>) {
    let t = all_logits.len() as f64;
    let mut f = vec![0.0; E];
    let mut p = vec![0.0; E];
    for z in all_logits {
        for (e, _) in route_mixtral(z) {
            f[e] += 1.0 / (t * K as f64);
        }
        for (e, pe) in softmax(z).into_iter().enumerate() {
            p[e] += pe / t;
        }
    }
    let loss = E as f64 * f.iter().zip(&p).map(|(a, b)| a * b).sum::<f64>();
    (loss, f)
}
// ANCHOR_END: mixtral

// ANCHOR: deepseek
/// DeepSeek-V3：亲和度 s = sigmoid(z)；按 s + b 选 k 个专家（b 只影响选择），
/// 门控权重是被选专家的 s 归一化。
fn route_deepseek(z: &[f64], bias: &[f64]) -> Vec<(usize, f64)> {
    let s: Vec<f64> = z.iter().map(|v| 1.0 / (1.0 + libm::exp(-v))).collect();
    let biased: Vec<f64> = s.iter().zip(bias).map(|(a, b)| a + b).collect();
    let chosen = top_k(&biased, K);
    let total: f64 = chosen.iter().map(|&e| s[e]).sum();
    chosen.into_iter().map(|e| (e, s[e] / total)).collect()
}

/// 一批 token 之后：负载高于平均的专家 b 减 γ，低于平均的加 γ。
fn update_bias(bias: &mut [f64], load: &[usize], gamma: f64) {
    let mean = load.iter().sum::<usize>() as f64 / load.len() as f64;
    for (b, &l) in bias.iter_mut().zip(load) {
        if (l as f64) > mean {
            *b -= gamma;
        } else if (l as f64) < mean {
            *b += gamma;
        }
    }
}
// ANCHOR_END: deepseek

fn batch(r: &mut impl rand::Rng, w: &[f64], skew: f64, n: usize) -> Vec<Vec<f64>> {
    (0..n)
        .map(|_| {
            let x: Vec<f64> = (0..D).map(|_| rng::normal(r)).collect();
            logits(&x, w, skew)
        })
        .collect()
}

fn loads(routes: impl Iterator<Item = Vec<(usize, f64)>>) -> Vec<usize> {
    let mut l = vec![0; E];
    for r in routes {
        for (e, _) in r {
            l[e] += 1;
        }
    }
    l
}

fn imbalance(load: &[usize]) -> f64 {
    let mean = load.iter().sum::<usize>() as f64 / load.len() as f64;
    *load.iter().max().unwrap_or(&0) as f64 / mean
}

fn main() {
    let mut r = rng::seeded(2024);
    let w: Vec<f64> = (0..D * E).map(|_| 0.3 * rng::normal(&mut r)).collect();
    const SKEW: f64 = 1.5;

    let tokens = batch(&mut r, &w, 0.0, 3);
    for (i, z) in tokens.iter().enumerate() {
        let picks: Vec<String> = route_mixtral(z)
            .iter()
            .map(|(e, g)| format!("专家 {e}（权重 {}）", f4(*g)))
            .collect();
        println!("token {i}：{}", picks.join("，"));
    }
    println!();

    let fair = batch(&mut r, &w, 0.0, 4096);
    let skewed = batch(&mut r, &w, SKEW, 4096);
    let (loss_fair, f_fair) = balance_loss(&fair);
    let (loss_skew, f_skew) = balance_loss(&skewed);
    let mut t = Table::numeric([
        "路由器",
        "各专家的 token 份额 f_i",
        "E·Σ f_i·P_i",
        "× 0.02（Mixtral 的系数）",
    ]);
    for (name, loss, f) in [
        ("随机初始化", loss_fair, &f_fair),
        ("0 号专家偏移 +1.5", loss_skew, &f_skew),
    ] {
        let shares: Vec<String> = f.iter().map(|v| fixed(*v, 3)).collect();
        t.row([
            name.to_string(),
            shares.join(" "),
            f4(loss),
            f4(0.02 * loss),
        ]);
    }
    print!("{}", t.text());
    println!();

    // ANCHOR: balance
    // 偏心的路由器，DeepSeek-V3 的做法：每批 512 个 token 后按负载调偏置 b
    let mut bias = vec![0.0; E];
    let gamma = 0.01;
    let mut t = Table::numeric(["批次", "各专家负载（token 数）", "最大/平均"]);
    let mut first_last = (0.0, 0.0);
    for step in 0..=300 {
        let z = batch(&mut r, &w, SKEW, 512);
        let load = loads(z.iter().map(|z| route_deepseek(z, &bias)));
        if [0, 10, 50, 100, 300].contains(&step) {
            let l: Vec<String> = load.iter().map(|v| v.to_string()).collect();
            t.row([int(step), l.join(" "), fixed(imbalance(&load), 2)]);
        }
        match step {
            0 => first_last.0 = imbalance(&load),
            300 => first_last.1 = imbalance(&load),
            _ => {}
        }
        update_bias(&mut bias, &load, gamma);
    }
    // ANCHOR_END: balance
    print!("{}", t.text());
    let b: Vec<String> = bias.iter().map(|v| fixed(*v, 2)).collect();
    println!("最终偏置 b = [{}]", b.join(", "));
    value("loss_fair", f4(loss_fair));
    value("loss_skew", f4(loss_skew));
    value("share0_skew", fixed(f_skew[0], 3));
    value("imbalance_start", fixed(first_last.0, 2));
    value("imbalance_end", fixed(first_last.1, 2));
}
