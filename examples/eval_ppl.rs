//! 困惑度与任务指标：同一段文本在两种分词下困惑度不同而每字符比特数相同；多选题按对数似然打分时，归一化方式会改变答案。

use guide_support::{Table, f4, fixed, value};

// ANCHOR: ppl
/// 困惑度 = exp(平均每个 token 的负对数似然)，对数以 e 为底。
pub(crate) fn perplexity(total_nll: f64, tokens: usize) -> f64 {
    libm::exp(total_nll / tokens as f64)
}

/// 每字符比特数：总负对数似然换成以 2 为底，再除以字符数。与分词无关。
pub(crate) fn bits_per_char(total_nll: f64, chars: usize) -> f64 {
    total_nll / std::f64::consts::LN_2 / chars as f64
}
// ANCHOR_END: ppl

// ANCHOR: choice
/// 一个选项：文字，以及模型给它每个 token 的对数概率（条件在题干上）。
struct Choice {
    text: &'static str,
    token_logprobs: &'static [f64],
}

/// 三种打分：对数概率之和、按 token 数平均、按字符数平均。
fn scores(c: &Choice) -> [f64; 3] {
    let sum: f64 = c.token_logprobs.iter().sum();
    [
        sum,
        sum / c.token_logprobs.len() as f64,
        sum / c.text.chars().count() as f64,
    ]
}
// ANCHOR_END: choice

fn main() {
    // 给定：一段 20 个字的文本，模型对整段的负对数似然之和是 30 纳特（设定的数，不是模型算的）。
    // 同一个模型、同一段文本，只是切分不同：逐字切成 20 个 token，或用 BPE 切成 8 个。
    let (nll, chars) = (30.0, 20);
    let mut t = Table::numeric(["分词", "token 数", "困惑度", "每字符比特"]);
    for (name, n) in [("逐字", 20), ("BPE", 8)] {
        t.row([
            name.to_string(),
            n.to_string(),
            fixed(perplexity(nll, n), 2),
            f4(bits_per_char(nll, chars)),
        ]);
    }
    println!("同一段文本、同一个总似然，两种分词：");
    print!("{}", t.text());

    // 给定：题干“床前明月光，下一句是？”，三个选项逐 token 的对数概率（设定的数）。
    let choices = [
        Choice {
            text: "疑是地上霜",
            token_logprobs: &[-1.2, -0.4, -0.9],
        },
        Choice {
            text: "霜",
            token_logprobs: &[-2.0],
        },
        Choice {
            text: "疑是地上霜，举头望明月",
            token_logprobs: &[-1.2, -0.4, -0.9, -0.3, -0.2, -0.3, -0.2],
        },
    ];
    println!();
    println!("多选题按对数似然打分（★ 为该打分方式选中的选项）：");
    let mut t = Table::numeric([
        "选项",
        "token 数",
        "对数概率之和",
        "按 token 平均",
        "按字符平均",
    ]);
    let all: Vec<[f64; 3]> = choices.iter().map(scores).collect();
    let best: Vec<usize> = (0..3)
        .map(|k| {
            (0..choices.len())
                .max_by(|&a, &b| all[a][k].total_cmp(&all[b][k]))
                .expect("有选项")
        })
        .collect();
    for (i, c) in choices.iter().enumerate() {
        let cell = |k: usize| {
            format!(
                "{}{}",
                f4(all[i][k]),
                if best[k] == i { " ★" } else { "  " }
            )
        };
        t.row([
            c.text.to_string(),
            c.token_logprobs.len().to_string(),
            cell(0),
            cell(1),
            cell(2),
        ]);
    }
    print!("{}", t.text());
    value("ppl_char", fixed(perplexity(nll, 20), 2));
    value("ppl_bpe", fixed(perplexity(nll, 8), 2));
    value("bpc", f4(bits_per_char(nll, chars)));
    value("best_sum", choices[best[0]].text);
    value("best_token", choices[best[1]].text);
    value("best_char", choices[best[2]].text);
}
