//! 全链路实战·生成：训练好的小 GPT 在提示之后给出的下一个词元分布，温度、top-k、top-p 各保留多少个候选；再用贪心、温度、top-k、top-p 四种策略各写一首诗（种子固定）。

use guide_support::{Table, f4, fixed, value};
use tinygpt::artifact;
use tinygpt::kv::{prompt_ids, text_of, write_poem};
use tinygpt::sample::{SamplingConfig, probabilities};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let artifact::Artifact {
        tokenizer,
        model,
        hash,
    } = artifact::load_checked()?;
    // 读入的正是训练一章记录下来的那份权重
    guide_support::value("weights_blake3", &hash);

    // ANCHOR: distribution
    // “床前明月光，”之后，模型对下一个词元的打分
    let prompt = "床前明月光，";
    let ids = prompt_ids(&tokenizer, prompt);
    let v = model.config.vocab_size;
    let logits = model.forward(&ids);
    let last = &logits[(ids.len() - 1) * v..];
    let settings = [
        ("T = 1", SamplingConfig::temperature(1.0)),
        ("T = 0.7", SamplingConfig::temperature(0.7)),
        (
            "T = 1，top-k = 10",
            SamplingConfig {
                top_k: Some(10),
                ..SamplingConfig::temperature(1.0)
            },
        ),
        (
            "T = 1，top-p = 0.9",
            SamplingConfig {
                top_p: Some(0.9),
                ..SamplingConfig::temperature(1.0)
            },
        ),
    ];
    let dists: Vec<Vec<f64>> = settings
        .iter()
        .map(|(_, c)| probabilities(last, c))
        .collect::<Result<_, _>>()?;
    // ANCHOR_END: distribution

    // 按 T = 1 时的概率从大到小列出前 8 个候选
    let mut order: Vec<usize> = (0..v).collect();
    order.sort_by(|&a, &b| dists[0][b].total_cmp(&dists[0][a]).then(a.cmp(&b)));
    let mut header = vec!["候选".to_string()];
    header.extend(settings.iter().map(|(n, _)| n.to_string()));
    let mut t = Table::numeric(header);
    for &i in &order[..8] {
        let mut row = vec![format!("{:?}", tokenizer.token(i as u32).unwrap_or("?"))];
        row.extend(dists.iter().map(|d| f4(d[i])));
        t.row(row);
    }
    let mut kept = vec!["非零个数".to_string()];
    kept.extend(
        dists
            .iter()
            .map(|d| d.iter().filter(|&&p| p > 0.0).count().to_string()),
    );
    t.row(kept);
    println!("提示 {prompt:?} 之后的下一个词元：");
    print!("{}", t.text());
    value("top1_t1", f4(dists[0][order[0]]));
    value("top1_t07", f4(dists[1][order[0]]));
    value(
        "nucleus_size",
        dists[3].iter().filter(|&&p| p > 0.0).count(),
    );
    let top10: f64 = order[..10].iter().map(|&i| dists[0][i]).sum();
    value("top10_mass", f4(top10));
    println!();

    // ANCHOR: strategies
    let strategies = [
        ("贪心", SamplingConfig::GREEDY),
        ("温度 0.7", SamplingConfig::temperature(0.7)),
        ("温度 1.5", SamplingConfig::temperature(1.5)),
        (
            "top-k 10",
            SamplingConfig {
                top_k: Some(10),
                ..SamplingConfig::temperature(1.0)
            },
        ),
        (
            "top-p 0.9",
            SamplingConfig {
                top_p: Some(0.9),
                ..SamplingConfig::temperature(1.0)
            },
        ),
    ];
    for (name, sampling) in strategies {
        let poem = write_poem(&model, &tokenizer, "春", 60, sampling, 2024)?;
        println!("【{name}】");
        println!("{poem}");
        println!();
    }
    // ANCHOR_END: strategies

    // 贪心不抽随机数：换种子，结果不变
    let a = write_poem(&model, &tokenizer, "春", 60, SamplingConfig::GREEDY, 1)?;
    let b = write_poem(&model, &tokenizer, "春", 60, SamplingConfig::GREEDY, 2)?;
    value("greedy_seed_independent", a == b);
    value("prompt_tokens", ids.len());
    value("prompt_text", text_of(&tokenizer, &ids[1..]));
    value("temperature_ratio", fixed(1.0 / 0.7, 4));
    Ok(())
}
