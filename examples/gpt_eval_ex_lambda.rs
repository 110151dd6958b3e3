//! 练习参考答案：字二元模型的 λ 如果直接在验证集上挑，每字困惑度会低多少——以及为什么这个数字不能报告。

use guide_support::{fixed, value};
use tinygpt::corpus;
use tinygpt::eval::{CharBigram, tune_lambda};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let data = corpus::load_default()?;
    let texts = |poems: &[corpus::Poem]| poems.iter().map(|p| p.text()).collect::<Vec<_>>();
    let (train, valid) = (texts(&data.train), texts(&data.valid));
    let chars: usize = valid.iter().map(|t| t.chars().count() + 1).sum();
    let grid: Vec<f64> = (1..20).map(|k| f64::from(k) * 0.05).collect();
    // 正确的做法（与正文 gpt_eval 相同）：在训练集内部留出 1/10 选 λ
    let (fit, held): (Vec<_>, Vec<_>) = train.iter().enumerate().partition(|(i, _)| i % 10 != 0);
    let fit: Vec<String> = fit.into_iter().map(|(_, t)| t.clone()).collect();
    let held: Vec<String> = held.into_iter().map(|(_, t)| t.clone()).collect();
    let honest = tune_lambda(&fit, &held, &grid);
    // 偷看考卷：用全部训练集计数，在验证集上选 λ
    let peeked = tune_lambda(&train, &valid, &grid);
    let ppl = |lambda| {
        CharBigram::fit(&train, lambda)
            .nll(&valid)
            .perplexity_per(chars)
    };
    value("lambda_honest", fixed(honest, 2));
    value("lambda_peeked", fixed(peeked, 2));
    value("ppl_honest", fixed(ppl(honest), 2));
    value("ppl_peeked", fixed(ppl(peeked), 2));
    value(
        "gain_percent",
        fixed((1.0 - ppl(peeked) / ppl(honest)) * 100.0, 2),
    );
    Ok(())
}
