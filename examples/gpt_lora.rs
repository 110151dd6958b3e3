//! 全链路实战·LoRA：冻结在唐诗上训练好的小 GPT，只训练注意力与 MLP 输入投影上秩为 4 的 B·A，让它学宋词的风格；打印可训练参数量与全量微调之比、损失曲线、微调前后的样例，并用 SVD 验证 ΔW 的秩。

use guide_support::{Table, f4, fixed, int, value};
use nalgebra::DMatrix;
use tinygpt::kv::write_poem;
use tinygpt::lora::{Lora, LoraTrainConfig, stream, train};
use tinygpt::sample::SamplingConfig;
use tinygpt::train::evaluate;
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
    let ci = corpus::load_finetune()?; // 宋词三百首
    let (ci_train, ci_valid) = (stream(&encode(&ci.train)), stream(&encode(&ci.valid)));
    let shi_valid = stream(&encode(&corpus::load_default()?.valid)); // 唐诗的验证集

    // ANCHOR: setup
    let targets = ["attn.c_attn.weight", "mlp.c_fc.weight"];
    let mut lora = Lora::new(&base, &targets, 4, 8.0, 42)?;
    let cfg = LoraTrainConfig {
        steps: 80,
        batch_size: 8,
        seq_len: 64,
        lr: 5e-3,
        warmup: 10,
        clip: 1.0,
        seed: 7,
        eval_every: 20,
    };
    // ANCHOR_END: setup
    value("ci_train_poems", ci.train.len());
    value("ci_train_tokens", int(ci_train.len() as i64));
    value("adapters", lora.adapters.len());
    value("lora_params", int(lora.num_params() as i64));
    value("full_params", int(base.num_params() as i64));
    value(
        "param_percent",
        fixed(
            lora.num_params() as f64 / base.num_params() as f64 * 100.0,
            2,
        ),
    );
    value("scale", fixed(f64::from(lora.scale), 1));
    println!();

    // ANCHOR: train
    let log = train(&mut lora, &base, &ci_train, &ci_valid, &cfg)?;
    let tuned = lora.merge(&base);
    // ANCHOR_END: train
    let mut t = Table::numeric(["步数", "训练损失", "宋词验证损失"]);
    for p in &log {
        t.row([p.step.to_string(), f4(p.train_loss), f4(p.val_loss)]);
    }
    print!("{}", t.text());
    println!();
    let (first, last) = (&log[0], &log[log.len() - 1]);
    value("ci_val_before", f4(first.val_loss));
    value("ci_val_after", f4(last.val_loss));
    let shi_before = evaluate(&base, &shi_valid, 64)?;
    let shi_after = evaluate(&tuned, &shi_valid, 64)?;
    value("shi_val_before", f4(shi_before));
    value("shi_val_after", f4(shi_after));
    println!();

    // ANCHOR: samples
    let sampling = SamplingConfig {
        top_p: Some(0.9),
        ..SamplingConfig::temperature(0.8)
    };
    for (name, m) in [("微调前", &base), ("微调后", &tuned)] {
        for seed in [1, 2] {
            let poem = write_poem(m, &tokenizer, "明月", 60, sampling, seed)?;
            println!("【{name}，种子 {seed}】{}", poem.replace('\n', " / "));
        }
    }
    // ANCHOR_END: samples
    println!();

    // ANCHOR: svd
    // ΔW = s·B·A 的秩不超过 r：看第 0 层 c_attn 的奇异值
    let ad = &lora.adapters[0];
    let delta = ad.delta(lora.rank, lora.scale);
    let m = DMatrix::from_row_slice(ad.rows, ad.cols, &delta).map(f64::from);
    let sv = m.singular_values(); // 从大到小
    let shown: Vec<String> = sv
        .iter()
        .take(lora.rank + 2)
        .map(|&x| fixed(x, 4))
        .collect();
    println!(
        "{} 的 ΔW（{}×{}）的前 {} 个奇异值：",
        ad.name,
        ad.rows,
        ad.cols,
        lora.rank + 2
    );
    println!("{}", shown.join("  "));
    let rank = sv.iter().filter(|&&x| x > 1e-4 * sv[0]).count();
    value("delta_rank", rank);
    // ANCHOR_END: svd
    Ok(())
}
