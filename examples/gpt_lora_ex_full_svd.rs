//! 练习参考答案：对同一个基础模型做全量微调，看第 0 层 c_attn 的权重变化 ΔW 的奇异值有多集中——按 Eckart–Young 定理，这就是秩 r 近似能保留的比例。

use guide_support::{Table, f4, fixed, value};
use nalgebra::DMatrix;
use tinygpt::lora::stream;
use tinygpt::train::{TrainConfig, train};
use tinygpt::{artifact, corpus};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let artifact::Artifact {
        tokenizer,
        model: base,
        hash,
    } = artifact::load_checked()?;
    // 读入的正是训练一章记录下来的那份权重
    guide_support::value("weights_blake3", &hash);
    let encode = |poems: &[corpus::Poem]| -> Vec<Vec<u32>> {
        poems
            .iter()
            .map(|p| tokenizer.encode(&p.text()).unwrap_or_default())
            .collect()
    };
    let ci = corpus::load_finetune()?;
    let (train_s, valid_s) = (stream(&encode(&ci.train)), stream(&encode(&ci.valid)));
    // 全部参数都训练；不做权重衰减，ΔW 就只来自梯度
    let cfg = TrainConfig {
        steps: 40,
        batch_size: 8,
        seq_len: 64,
        peak_lr: 1e-3,
        min_lr: 1e-4,
        warmup: 5,
        beta1: 0.9,
        beta2: 0.999,
        eps: 1e-8,
        weight_decay: 0.0,
        clip: 1.0,
        seed: 7,
        eval_every: 40,
    };
    let mut tuned = base.clone();
    let log = train(&mut tuned, &train_s, &valid_s, &cfg, &mut |_, _| {})?;

    let name = "h.0.attn.c_attn.weight";
    let (w0, w1) = (base.tensor(name), tuned.tensor(name));
    let (Some(w0), Some(w1)) = (w0, w1) else {
        return Err(format!("没有张量 {name}").into());
    };
    let (rows, cols) = (base.config.d_model, 3 * base.config.d_model);
    let delta: Vec<f64> = w1.iter().zip(w0).map(|(a, b)| f64::from(a - b)).collect();
    let sv = DMatrix::from_row_slice(rows, cols, &delta).singular_values();
    let total: f64 = sv.iter().map(|s| s * s).sum();
    let shown: Vec<String> = sv.iter().take(8).map(|&s| fixed(s, 4)).collect();
    println!("{name} 的 ΔW 的前 8 个奇异值：{}", shown.join("  "));
    println!();
    let mut t = Table::numeric(["秩 r", "前 r 个奇异值的能量占比", "r(m+n) / mn"]);
    let mut values = Vec::new();
    for r in [1usize, 2, 4, 8, 16] {
        let kept: f64 = sv.iter().take(r).map(|s| s * s).sum();
        let share = kept / total;
        t.row([
            r.to_string(),
            fixed(share, 4),
            fixed((r * (rows + cols)) as f64 / (rows * cols) as f64, 4),
        ]);
        values.push((format!("energy_r{r}"), fixed(share, 4)));
    }
    print!("{}", t.text());
    println!();
    value("val_before", f4(log.evals[0].val_loss));
    value("val_after", f4(log.evals[log.evals.len() - 1].val_loss));
    for (k, v) in values {
        value(&k, v);
    }
    Ok(())
}
