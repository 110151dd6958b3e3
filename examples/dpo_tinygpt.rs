//! 在第六部分训练好的小 GPT 上算 DPO：一对回答的序列对数概率、损失与隐式奖励，并用 loss_and_grads 走几步真正的 DPO 梯度下降。

#[allow(dead_code)] // 只用损失与权重函数
#[path = "dpo_loss.rs"]
mod dpo;
use dpo::{dpo_loss, sigmoid};
use guide_support::{Table, f4, value};
use tinygpt::bpe::{EOT, Tokenizer};
use tinygpt::model::Model;

// ANCHOR: seq_logprob
/// 序列对数概率 log π(y | x)：把 EOT、提示、回答拼成一条序列，前向一次，
/// 只把回答部分每个 token 的 log softmax 加起来（提示部分不算，同 SFT 的损失掩码）。
fn seq_logprob(model: &Model, prompt: &[u32], answer: &[u32]) -> f64 {
    let mut tokens = vec![EOT];
    tokens.extend_from_slice(prompt);
    tokens.extend_from_slice(answer);
    let v = model.config.vocab_size;
    let logits = model.forward(&tokens[..tokens.len() - 1]); // 位置 t 预测第 t+1 个 token
    let mut total = 0.0;
    for (k, &target) in answer.iter().enumerate() {
        let t = prompt.len() + k; // 预测 answer[k] 的位置
        let row = &logits[t * v..(t + 1) * v];
        let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max) as f64;
        let lse = max + libm::log(row.iter().map(|&z| libm::exp(z as f64 - max)).sum::<f64>());
        total += row[target as usize] as f64 - lse;
    }
    total
}
// ANCHOR_END: seq_logprob

// ANCHOR: dpo_step
/// 一步 DPO 梯度下降。loss_and_grads 给出整条序列的平均交叉熵 CE 及其梯度；
/// 两条序列共享同一个提示，提示位置上的损失完全相同，在差里抵消，所以
/// ∇[log π(y_w) − log π(y_l)] = −[(n_w − 1)·∇CE_w − (n_l − 1)·∇CE_l]，n 是序列长度。
fn dpo_step(policy: &mut Model, w: &[u32], l: &[u32], weight: f64, lr: f64) {
    let grad = |seq: &[u32]| {
        policy
            .loss_and_grads(&seq[..seq.len() - 1], &seq[1..])
            .1
            .data
    };
    let (gw, gl) = (grad(w), grad(l));
    let (nw, nl) = ((w.len() - 1) as f64, (l.len() - 1) as f64);
    // ∂L/∂θ = −β·σ(−z)·∇[log π(y_w) − log π(y_l)] = weight·[nw·∇CE_w − nl·∇CE_l]，weight = β·σ(−z)。
    for ((p, &a), &b) in policy.params_mut().iter_mut().zip(&gw).zip(&gl) {
        let g = weight * (nw * a as f64 - nl * b as f64);
        *p -= (lr * g) as f32;
    }
}

/// DPO 损失对策略参数的梯度（与 dpo_step 用的是同一个公式），展开成一个向量。
fn dpo_grad_params(policy: &Model, w: &[u32], l: &[u32], weight: f64) -> Vec<f64> {
    let grad = |seq: &[u32]| {
        policy
            .loss_and_grads(&seq[..seq.len() - 1], &seq[1..])
            .1
            .data
    };
    let (gw, gl) = (grad(w), grad(l));
    let (nw, nl) = ((w.len() - 1) as f64, (l.len() - 1) as f64);
    gw.iter()
        .zip(&gl)
        .map(|(&a, &b)| weight * (nw * a as f64 - nl * b as f64))
        .collect()
}
// ANCHOR_END: dpo_step

fn main() -> Result<(), String> {
    let art = tinygpt::artifact::load_checked().map_err(|e| e.to_string())?;
    println!("权重 BLAKE3 = {}（与训练记录一致）", art.hash);
    let (tok, reference): (Tokenizer, Model) = (art.tokenizer, art.model);
    let enc = |s: &str| tok.encode(s).map_err(|e| e.to_string());
    let prompt = enc("床前明月光，")?;
    let (chosen, rejected) = (enc("疑是地上霜，")?, enc("疑是地上雪，")?);
    let seq = |a: &[u32]| [&[EOT][..], &prompt, a].concat();
    let (sw, sl) = (seq(&chosen), seq(&rejected));

    let beta = 0.1;
    let (rw, rl) = (
        seq_logprob(&reference, &prompt, &chosen),
        seq_logprob(&reference, &prompt, &rejected),
    );
    println!("提示“床前明月光，”，y_w = “疑是地上霜，”，y_l = “疑是地上雪，”，β = {beta}");
    println!(
        "参考模型（训练好的小 GPT）：log π_ref(y_w) = {}，log π_ref(y_l) = {}",
        f4(rw),
        f4(rl)
    );

    // 核对：沿一个随机方向 d，解析梯度给出的方向导数 ∇L·d 与中心差分 [L(θ+εd) − L(θ−εd)]/2ε 一致。
    // 在 θ = 参考模型处检查；此时 z = 0，权重 β·σ(0) = β/2。
    let loss_at = |m: &Model| {
        let (pw, pl) = (
            seq_logprob(m, &prompt, &chosen),
            seq_logprob(m, &prompt, &rejected),
        );
        dpo_loss(beta, pw, pl, rw, rl)
    };
    let g = dpo_grad_params(&reference, &sw, &sl, beta * sigmoid(0.0));
    let mut rng = guide_support::rng::seeded(7);
    let d: Vec<f64> = g
        .iter()
        .map(|_| guide_support::rng::normal(&mut rng))
        .collect();
    let norm = libm::sqrt(d.iter().map(|x| x * x).sum::<f64>());
    let eps = 1e-2;
    let shifted = |sign: f64| {
        let mut m = reference.clone();
        for (p, &di) in m.params_mut().iter_mut().zip(&d) {
            *p += (sign * eps * di / norm) as f32;
        }
        loss_at(&m)
    };
    let fd = (shifted(1.0) - shifted(-1.0)) / (2.0 * eps);
    let analytic = g.iter().zip(&d).map(|(a, b)| a * b).sum::<f64>() / norm;
    let rel = (fd - analytic).abs() / analytic.abs().max(1e-12);
    println!(
        "方向导数核对：解析 {}，中心差分 {}，相对误差 {}（< 1e-2：{}）",
        guide_support::sci(analytic, 4),
        guide_support::sci(fd, 4),
        guide_support::sci(rel, 1),
        if rel < 1e-2 { "通过" } else { "不通过" }
    );

    let mut policy = reference.clone();
    let lr = 1e-3;
    // 两个回答共享的前缀“疑是地上”：它在两条序列里的位置和上文都相同，对 z 的贡献正好抵消。
    let shared = chosen
        .iter()
        .zip(&rejected)
        .take_while(|(a, b)| a == b)
        .count();
    let prefix = &chosen[..shared];
    let mut t = Table::numeric([
        "步",
        "log π(y_w)",
        "log π(y_l)",
        "log π(前缀)",
        "隐式奖励差 z",
        "DPO 损失",
        "β·σ(−z)",
    ]);
    let mut rows = Vec::new();
    for step in 0..=5 {
        let (pw, pl) = (
            seq_logprob(&policy, &prompt, &chosen),
            seq_logprob(&policy, &prompt, &rejected),
        );
        let z = beta * ((pw - rw) - (pl - rl));
        let weight = beta * sigmoid(-z);
        let pp = seq_logprob(&policy, &prompt, prefix);
        let loss = dpo_loss(beta, pw, pl, rw, rl);
        t.row([
            step.to_string(),
            f4(pw),
            f4(pl),
            f4(pp),
            f4(z),
            f4(loss),
            f4(weight),
        ]);
        rows.push((pw, pl, pp, loss));
        if step < 5 {
            dpo_step(&mut policy, &sw, &sl, weight, lr);
        }
    }
    println!(
        "策略从参考模型出发，每步学习率 {}：",
        guide_support::sci(lr, 0)
    );
    print!("{}", t.text());
    let (first, last) = (rows[0], rows[5]);
    // 参考模型本身更偏向哪一个，以及 log π(y_w) 在哪一步最高。
    let peak = (0..rows.len())
        .max_by(|&a, &b| rows[a].0.total_cmp(&rows[b].0))
        .unwrap_or(0);
    value("ref_prefers", if rw >= rl { "y_w" } else { "y_l" });
    value("w_peak_step", peak);
    value("ref_w", f4(rw));
    value("ref_l", f4(rl));
    value("prefix_tokens", shared);
    value("dp5", f4(last.2 - first.2));
    value("loss0", f4(first.3));
    value("loss5", f4(last.3));
    value("dw5", f4(last.0 - first.0));
    value("dl5", f4(last.1 - first.1));
    Ok(())
}
