//! 全链路实战·量化：把训练好的小 GPT 的权重矩阵量化成逐通道 int8 和每 32 个一组的 int4，比较体积、每类矩阵的相对误差、验证集困惑度，以及贪心解码写出的诗。

use guide_support::{Table, fixed, int, value};
use tinygpt::bpe::EOT;
use tinygpt::eval::model_nll;
use tinygpt::kv::write_poem;
use tinygpt::quant::{Scheme, TensorReport, quantize_model};
use tinygpt::sample::SamplingConfig;
use tinygpt::{artifact, corpus};

/// 矩阵按用途归类：名字去掉层号 h.N. 之后的部分。
fn kind(name: &str) -> &str {
    match name.split_once('.') {
        Some(("h", rest)) => rest.split_once('.').map_or(rest, |(_, r)| r),
        _ => name,
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let artifact::Artifact {
        tokenizer,
        model,
        hash,
    } = artifact::load_checked()?;
    // 读入的正是训练一章记录下来的那份权重
    guide_support::value("weights_blake3", &hash);
    let valid: Vec<Vec<u32>> = corpus::load_default()?
        .valid
        .iter()
        .map(|p| {
            let mut ids = tokenizer.encode(&p.text()).unwrap_or_default();
            ids.push(EOT);
            ids
        })
        .collect();

    // ANCHOR: run
    let (int8, rep8, bytes8) = quantize_model(&model, Scheme::Int8PerChannel)?;
    let (int4, rep4, bytes4) = quantize_model(&model, Scheme::Int4Group(32))?;
    let f32_bytes = model.num_params() * 4;
    let ppl = |m| model_nll(m, &valid, EOT).perplexity();
    let (p32, p8, p4) = (ppl(&model), ppl(&int8), ppl(&int4));
    // ANCHOR_END: run

    // 困惑度的相对变化，带正负号
    let change = |p: f64| {
        let pct = (p / p32 - 1.0) * 100.0;
        let sign = if pct >= 0.0 { "+" } else { "" };
        format!("{sign}{}%", fixed(pct, 2))
    };
    let mut t = Table::numeric(["权重", "字节", "比 f32 小", "验证集困惑度", "变化"]);
    let mut values = Vec::new();
    for (name, key, bytes, p) in [
        ("f32", "f32", f32_bytes, p32),
        ("int8 逐通道", "int8", bytes8, p8),
        ("int4 每 32 个一组", "int4", bytes4, p4),
    ] {
        let ratio = fixed(f32_bytes as f64 / bytes as f64, 2);
        t.row([
            name.to_string(),
            int(bytes as i64),
            format!("{ratio}×"),
            fixed(p, 3),
            change(p),
        ]);
        values.push((format!("bytes_{key}"), int(bytes as i64)));
        values.push((format!("ppl_{key}"), fixed(p, 3)));
        values.push((format!("ratio_{key}"), ratio));
        values.push((format!("change_{key}"), change(p)));
    }
    print!("{}", t.text());
    println!();

    // 每类矩阵的平均相对误差 ‖W − Ŵ‖/‖W‖
    let mut kinds: Vec<&str> = rep8.iter().map(|r| kind(&r.name)).collect();
    kinds.dedup();
    kinds.sort_unstable();
    kinds.dedup();
    let mean = |reps: &[TensorReport], k: &str| {
        let errs: Vec<f64> = reps
            .iter()
            .filter(|r| kind(&r.name) == k)
            .map(|r| r.rel_error)
            .collect();
        errs.iter().sum::<f64>() / errs.len() as f64
    };
    let mut t = Table::numeric(["矩阵", "个数", "int8 相对误差", "int4 相对误差"]);
    for k in &kinds {
        let n = rep8.iter().filter(|r| kind(&r.name) == *k).count();
        t.row([
            k.to_string(),
            n.to_string(),
            fixed(mean(&rep8, k), 4),
            fixed(mean(&rep4, k), 4),
        ]);
    }
    print!("{}", t.text());
    println!();

    for (name, m) in [("f32", &model), ("int8", &int8), ("int4", &int4)] {
        let poem = write_poem(m, &tokenizer, "春", 40, SamplingConfig::GREEDY, 0)?;
        println!("【{name}，贪心】{}", poem.replace('\n', " / "));
    }
    println!();
    for (k, v) in values {
        value(&k, v);
    }
    Ok(())
}
