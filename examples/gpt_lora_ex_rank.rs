//! 练习参考答案：LoRA 的秩取 1、2、4、8（α = 2r），比较可训练参数量与宋词验证损失。

use guide_support::{Table, f4, int, value};
use tinygpt::lora::{Lora, LoraTrainConfig, stream, train};
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
    // 比正文短的训练（40 步、每步 4 个窗口），四个秩用同样的窗口
    let cfg = LoraTrainConfig {
        steps: 40,
        batch_size: 4,
        seq_len: 64,
        lr: 5e-3,
        warmup: 5,
        clip: 1.0,
        seed: 7,
        eval_every: 40,
    };
    let mut t = Table::numeric(["秩 r", "可训练参数", "宋词验证损失"]);
    let mut values = Vec::new();
    let mut before = 0.0;
    for r in [1usize, 2, 4, 8] {
        let mut lora = Lora::new(
            &base,
            &["attn.c_attn.weight", "mlp.c_fc.weight"],
            r,
            2.0 * r as f32,
            42,
        )?;
        let log = train(&mut lora, &base, &train_s, &valid_s, &cfg)?;
        before = log[0].val_loss;
        let after = log[log.len() - 1].val_loss;
        t.row([r.to_string(), int(lora.num_params() as i64), f4(after)]);
        values.push((format!("val_r{r}"), f4(after)));
    }
    print!("{}", t.text());
    println!();
    value("val_before", f4(before));
    for (k, v) in values {
        value(&k, v);
    }
    Ok(())
}
