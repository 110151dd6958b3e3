//! 全链路实战·评估：验证集上模型与三个基线（均匀分布、一元模型、字二元模型）的困惑度，按词元和按字两种口径；再看生成的诗句里有多少是合格的五言、七言句，附 Wilson 95% 置信区间。

use guide_support::{Table, f4, fixed, int, value};
use tinygpt::bpe::EOT;
use tinygpt::eval::{
    CharBigram, Nll, Unigram, model_nll, regulated_line, tune_lambda, uniform_nll, wilson,
};
use tinygpt::kv::write_poem;
use tinygpt::sample::{SamplingConfig, rng};
use tinygpt::{artifact, corpus};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let artifact::Artifact {
        tokenizer,
        model,
        hash,
    } = artifact::load_checked()?;
    // 读入的正是训练一章记录下来的那份权重
    guide_support::value("weights_blake3", &hash);
    let data = corpus::load_default()?;
    let texts = |poems: &[corpus::Poem]| poems.iter().map(|p| p.text()).collect::<Vec<_>>();
    let (train, valid) = (texts(&data.train), texts(&data.valid));

    // ANCHOR: streams
    // 每首诗：它的词元，再加一个 EOT（模型要预测“诗到此结束”）
    let encode = |ts: &[String]| -> Vec<Vec<u32>> {
        ts.iter()
            .map(|t| {
                let mut ids = tokenizer.encode(t).unwrap_or_default();
                ids.push(EOT);
                ids
            })
            .collect()
    };
    let (train_ids, valid_ids) = (encode(&train), encode(&valid));
    // 按字计数：每首诗的字数（含换行），再加 1 个“结束”
    let chars: usize = valid.iter().map(|t| t.chars().count() + 1).sum();
    // ANCHOR_END: streams

    // ANCHOR: baselines
    let v = tokenizer.vocab_size();
    let uniform = uniform_nll(&valid_ids, v);
    let unigram = Unigram::fit(&train_ids, v).nll(&valid_ids);
    // λ 在训练集内部选：每 10 首取 1 首作留出集，其余计数
    let (fit, held): (Vec<_>, Vec<_>) = train.iter().enumerate().partition(|(i, _)| i % 10 != 0);
    let fit: Vec<String> = fit.into_iter().map(|(_, t)| t.clone()).collect();
    let held: Vec<String> = held.into_iter().map(|(_, t)| t.clone()).collect();
    let grid: Vec<f64> = (1..20).map(|k| f64::from(k) * 0.05).collect();
    let lambda = tune_lambda(&fit, &held, &grid);
    let bigram = CharBigram::fit(&train, lambda);
    let bigram_nll = bigram.nll(&valid);
    let gpt = model_nll(&model, &valid_ids, EOT);
    // ANCHOR_END: baselines

    let tokens = uniform.count;
    let mut t = Table::numeric(["模型", "每词元困惑度", "每字困惑度", "每字比特"]);
    let rows: [(&str, &Nll, bool); 4] = [
        ("均匀分布（词元）", &uniform, true),
        ("一元模型（词元，加一平滑）", &unigram, true),
        ("字二元模型（插值平滑）", &bigram_nll, false),
        ("tinygpt", &gpt, true),
    ];
    for (name, nll, per_token) in rows {
        t.row([
            name.to_string(),
            if per_token {
                fixed(nll.perplexity(), 2)
            } else {
                "—".to_string()
            },
            fixed(nll.perplexity_per(chars), 2),
            f4(nll.bits_per(chars)),
        ]);
    }
    println!(
        "验证集：{} 首，{} 个词元，{} 个字（含换行与结尾）",
        valid.len(),
        int(tokens as i64),
        int(chars as i64)
    );
    print!("{}", t.text());
    println!();
    value("valid_tokens", int(tokens as i64));
    value("valid_chars", int(chars as i64));
    value("tokens_per_char", fixed(tokens as f64 / chars as f64, 3));
    value("lambda", fixed(lambda, 2));
    value("ppl_uniform", fixed(uniform.perplexity(), 2));
    value("ppl_unigram", fixed(unigram.perplexity(), 2));
    value("ppl_model", fixed(gpt.perplexity(), 2));
    value("cppl_uniform", fixed(uniform.perplexity_per(chars), 2));
    value("cppl_unigram", fixed(unigram.perplexity_per(chars), 2));
    value("cppl_bigram", fixed(bigram_nll.perplexity_per(chars), 2));
    value("cppl_model", fixed(gpt.perplexity_per(chars), 2));
    let below = gpt.perplexity_per(chars) < bigram_nll.perplexity_per(chars);
    value("model_vs_bigram", if below { "低于" } else { "高于" });
    println!();

    // ANCHOR: form
    // 格律指标：合格的五言、七言句占全部句子的比例
    let form = |poems: &[String]| {
        let lines: Vec<&str> = poems
            .iter()
            .flat_map(|p| p.lines())
            .filter(|l| !l.is_empty())
            .collect();
        let ok = lines.iter().filter(|l| regulated_line(l).is_some()).count();
        (ok, lines.len())
    };
    let n_poems = 60;
    let sampling = SamplingConfig {
        top_p: Some(0.9),
        ..SamplingConfig::temperature(0.8)
    };
    let generated: Vec<String> = (0..n_poems)
        .map(|seed| {
            write_poem(
                &model,
                &tokenizer,
                "",
                model.config.n_ctx - 1,
                sampling,
                seed,
            )
        })
        .collect::<Result<_, _>>()?;
    let mut r = rng(99);
    let from_bigram: Vec<String> = (0..n_poems).map(|_| bigram.generate(&mut r, 120)).collect();
    // ANCHOR_END: form
    let mut t = Table::numeric(["来源", "诗", "句", "合格句", "比例", "95% 区间"]);
    for (name, key, poems) in [
        ("验证集原诗", "valid", &valid),
        ("tinygpt（T = 0.8，top-p 0.9）", "model", &generated),
        ("字二元模型", "bigram", &from_bigram),
    ] {
        let (ok, n) = form(poems);
        let (lo, hi) = wilson(ok, n, 1.96);
        t.row([
            name.to_string(),
            poems.len().to_string(),
            n.to_string(),
            ok.to_string(),
            fixed(ok as f64 / n as f64, 3),
            format!("[{}, {}]", fixed(lo, 3), fixed(hi, 3)),
        ]);
        value(&format!("form_{key}"), fixed(ok as f64 / n as f64, 3));
        value(
            &format!("form_{key}_ci"),
            format!("[{}, {}]", fixed(lo, 3), fixed(hi, 3)),
        );
        value(&format!("form_{key}_lines"), n);
    }
    println!();
    print!("{}", t.text());
    println!();
    println!("tinygpt 写的前三首：");
    for p in &generated[..3] {
        println!("{p}");
        println!();
    }
    println!("字二元模型写的第一首：");
    println!("{}", from_bigram[0]);
    Ok(())
}
