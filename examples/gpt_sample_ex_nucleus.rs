//! 练习参考答案：用 top-p 0.9 写一首诗，记录每一步核里有多少个候选词元，看它怎样随分布的形状伸缩。

use guide_support::value;
use tinygpt::artifact;
use tinygpt::bpe::EOT;
use tinygpt::kv::{KvDecoder, Utf8Mask, printable, prompt_ids, text_of};
use tinygpt::sample::{SamplingConfig, draw, probabilities, rng};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let artifact::Artifact {
        tokenizer,
        model,
        hash,
    } = artifact::load_checked()?;
    // 读入的正是训练一章记录下来的那份权重
    guide_support::value("weights_blake3", &hash);
    let cfg = SamplingConfig {
        top_p: Some(0.9),
        ..SamplingConfig::temperature(1.0)
    };
    let prompt = prompt_ids(&tokenizer, "春");
    // 逐步手动解码：每一步先看核的大小，再抽样
    let mut dec = KvDecoder::new(&model);
    let mut logits = Vec::new();
    for &t in &prompt {
        logits = dec.step(t)?;
    }
    let mask = Utf8Mask::new(&tokenizer); // 与 write_poem 一样，只抽能拼成合法 UTF-8 的词元
    let mut pending = Vec::new();
    let mut r = rng(11);
    let mut out: Vec<u32> = Vec::new();
    let mut sizes: Vec<(usize, String)> = Vec::new(); // (核的大小，此前的文本)
    while dec.len < model.config.n_ctx {
        mask.apply(&pending, &mut logits);
        let p = probabilities(&logits, &cfg)?;
        let size = p.iter().filter(|&&x| x > 0.0).count();
        sizes.push((size, printable(&text_of(&tokenizer, &out))));
        let next = draw(&p, &mut r);
        mask.advance(&mut pending, next);
        if next == EOT {
            break;
        }
        out.push(next);
        logits = dec.step(next)?;
    }
    println!("{}", printable(&format!("春{}", text_of(&tokenizer, &out))));
    println!();
    let mut sorted: Vec<usize> = sizes.iter().map(|s| s.0).collect();
    sorted.sort_unstable();
    value("steps", sizes.len());
    value("min", sorted[0]);
    value("median", sorted[sorted.len() / 2]);
    value("max", sorted[sorted.len() - 1]);
    // 候选最少与最多的那一步，此前写到了哪里（只显示最后 6 个字）
    let tail = |s: &str| {
        let cs: Vec<char> = format!("春{s}").chars().collect();
        let start = cs.len().saturating_sub(6);
        let dots = if start > 0 { "…" } else { "" };
        format!("{dots}{}", cs[start..].iter().collect::<String>())
    };
    let fewest = sizes.iter().min_by_key(|s| s.0).map(|s| tail(&s.1));
    let most = sizes.iter().max_by_key(|s| s.0).map(|s| tail(&s.1));
    value("fewest_after", format!("{:?}", fewest.unwrap_or_default()));
    value("most_after", format!("{:?}", most.unwrap_or_default()));
    Ok(())
}
