//! 练习参考答案：按诗的自助法（cluster bootstrap）给格律指标估计区间，与假设各句独立的 Wilson 区间比较。

use guide_support::fixed;
use guide_support::rng::{seeded, uniform};
use guide_support::value;
use tinygpt::artifact;
use tinygpt::eval::{regulated_line, wilson};
use tinygpt::kv::write_poem;
use tinygpt::sample::SamplingConfig;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let artifact::Artifact {
        tokenizer,
        model,
        hash,
    } = artifact::load_checked()?;
    // 读入的正是训练一章记录下来的那份权重
    guide_support::value("weights_blake3", &hash);
    // 与正文 gpt_eval 相同的 60 首诗：同样的采样设置与种子 0..60
    let sampling = SamplingConfig {
        top_p: Some(0.9),
        ..SamplingConfig::temperature(0.8)
    };
    let per_poem: Vec<(usize, usize)> = (0..60)
        .map(|seed| {
            let p = write_poem(
                &model,
                &tokenizer,
                "",
                model.config.n_ctx - 1,
                sampling,
                seed,
            )?;
            let lines: Vec<&str> = p.lines().filter(|l| !l.is_empty()).collect();
            let ok = lines.iter().filter(|l| regulated_line(l).is_some()).count();
            Ok((ok, lines.len()))
        })
        .collect::<Result<_, tinygpt::kv::GenerateError>>()?;
    let (k, n) = per_poem
        .iter()
        .fold((0, 0), |(a, b), &(ok, all)| (a + ok, b + all));
    let (lo, hi) = wilson(k, n, 1.96);

    // 有放回地抽 60 首诗，合格句数 / 总句数
    let mut rng = seeded(2024);
    let mut shares: Vec<f64> = (0..2000)
        .map(|_| {
            let (mut ok, mut all) = (0, 0);
            for _ in 0..per_poem.len() {
                let i = (uniform(&mut rng) * per_poem.len() as f64) as usize;
                ok += per_poem[i].0;
                all += per_poem[i].1;
            }
            ok as f64 / all.max(1) as f64
        })
        .collect();
    shares.sort_by(f64::total_cmp);
    let (b_lo, b_hi) = (shares[49], shares[1949]);
    value("share", fixed(k as f64 / n as f64, 3));
    value("lines", n);
    value("wilson", format!("[{}, {}]", fixed(lo, 3), fixed(hi, 3)));
    value(
        "bootstrap",
        format!("[{}, {}]", fixed(b_lo, 3), fixed(b_hi, 3)),
    );
    value("wilson_width", fixed(hi - lo, 3));
    value("bootstrap_width", fixed(b_hi - b_lo, 3));
    Ok(())
}
