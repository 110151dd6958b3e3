//! 练习参考答案：只把嵌入矩阵 wte（它同时是输出层）保留为 int8，其余矩阵用 int4，与全部 int4 比较体积和困惑度。

use guide_support::{fixed, int, value};
use tinygpt::bpe::EOT;
use tinygpt::eval::model_nll;
use tinygpt::quant::{Scheme, quantize_model};
use tinygpt::{artifact, corpus};

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
    let (int8, rep8, _) = quantize_model(&model, Scheme::Int8PerChannel)?;
    let (int4, rep4, bytes4) = quantize_model(&model, Scheme::Int4Group(32))?;
    // 混合：int4 的模型，换上 int8 的 wte
    let mut mixed = int4.clone();
    if let (Some(dst), Some(src)) = (mixed.tensor_mut("wte.weight"), int8.tensor("wte.weight")) {
        dst.copy_from_slice(src);
    }
    let wte_bytes = |reps: &[tinygpt::quant::TensorReport]| {
        reps.iter()
            .find(|r| r.name == "wte.weight")
            .map_or(0, |r| r.bytes)
    };
    let mixed_bytes = bytes4 - wte_bytes(&rep4) + wte_bytes(&rep8);
    let ppl = |m| model_nll(m, &valid, EOT).perplexity();
    let (p32, p4, pm) = (ppl(&model), ppl(&int4), ppl(&mixed));
    value(
        "wte_share",
        fixed(wte_bytes(&rep8) as f64 / (mixed_bytes as f64) * 100.0, 1),
    );
    value("bytes_int4", int(bytes4 as i64));
    value("bytes_mixed", int(mixed_bytes as i64));
    value("ppl_f32", fixed(p32, 3));
    value("ppl_int4", fixed(p4, 3));
    value("ppl_mixed", fixed(pm, 3));
    // int4 比 f32 多出的困惑度里，换回 int8 的 wte 收回了多少
    let recovered = if p4 > p32 {
        (p4 - pm) / (p4 - p32) * 100.0
    } else {
        0.0
    };
    value("recovered_percent", fixed(recovered, 1));
    Ok(())
}
