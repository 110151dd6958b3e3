//! 练习参考答案：int4 的组长取 8、16、32、64，比较体积、每个权重平均占的比特数与验证集困惑度。

use guide_support::{Table, fixed, int, value};
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
    // 矩阵里的权重个数（向量保持 f32，不计入比特数）
    let matrix_params: usize = model
        .tensors()
        .iter()
        .filter(|(_, shape, _)| shape.len() == 2)
        .map(|(_, _, d)| d.len())
        .sum();
    let vector_bytes = (model.num_params() - matrix_params) * 4;
    let base = model_nll(&model, &valid, EOT).perplexity();
    let mut t = Table::numeric(["组长", "字节", "比特/权重", "验证集困惑度"]);
    t.row([
        "f32".to_string(),
        int((model.num_params() * 4) as i64),
        "32.00".to_string(),
        fixed(base, 3),
    ]);
    let mut values = Vec::new();
    for g in [8, 16, 32, 64] {
        let (q, _, bytes) = quantize_model(&model, Scheme::Int4Group(g))?;
        let bits = (bytes - vector_bytes) as f64 * 8.0 / matrix_params as f64;
        let ppl = model_nll(&q, &valid, EOT).perplexity();
        t.row([
            g.to_string(),
            int(bytes as i64),
            fixed(bits, 2),
            fixed(ppl, 3),
        ]);
        values.push((format!("bits_g{g}"), fixed(bits, 2)));
        values.push((format!("ppl_g{g}"), fixed(ppl, 3)));
    }
    print!("{}", t.text());
    println!();
    for (k, v) in values {
        value(&k, v);
    }
    Ok(())
}
