//! Evaluation: baselines are proper distributions, the line-form rule, the
//! Wilson interval.

use tinygpt::eval::{CharBigram, Nll, Unigram, is_hanzi, regulated_line, uniform_nll, wilson};
use tinygpt::sample::rng;

fn texts() -> Vec<String> {
    vec![
        "床前明月光，疑是地上霜。\n举头望明月，低头思故乡。".to_string(),
        "春眠不觉晓，处处闻啼鸟。".to_string(),
    ]
}

#[test]
fn nll_arithmetic() {
    let mut n = Nll::default();
    n.add(0.5);
    n.add(0.5);
    assert!((n.perplexity() - 2.0).abs() < 1e-12);
    assert!((n.bits_per(2) - 1.0).abs() < 1e-12);
    assert!((n.perplexity_per(1) - 4.0).abs() < 1e-12);
}

#[test]
fn uniform_perplexity_is_the_vocabulary_size() {
    let seqs = vec![vec![1, 2, 3], vec![4]];
    let n = uniform_nll(&seqs, 512);
    assert_eq!(n.count, 4);
    assert!((n.perplexity() - 512.0).abs() < 1e-9);
}

#[test]
fn unigram_is_a_distribution_and_smooths_unseen_tokens() {
    let u = Unigram::fit(&[vec![1, 1, 2, 0]], 5);
    let s: f64 = (0..5).map(|t| u.prob(t)).sum();
    assert!((s - 1.0).abs() < 1e-12);
    assert!((u.prob(1) - 3.0 / 9.0).abs() < 1e-12);
    assert!(u.prob(4) > 0.0);
    assert_eq!(u.prob(99), 0.0);
    // Fewer bits than uniform on its own training data.
    let seqs = vec![vec![1, 1, 2, 0]];
    assert!(u.nll(&seqs).perplexity() < uniform_nll(&seqs, 5).perplexity());
}

#[test]
fn bigram_rows_sum_to_one_and_it_beats_the_unigram_part() {
    let t = texts();
    for lambda in [0.0, 0.5, 0.99] {
        let b = CharBigram::fit(&t, lambda);
        for prev in 0..b.symbol_count() as u32 {
            let s: f64 = (0..b.symbol_count() as u32).map(|c| b.prob(prev, c)).sum();
            assert!((s - 1.0).abs() < 1e-9, "λ {lambda}, prev {prev}: {s}");
        }
    }
    let strong = CharBigram::fit(&t, 0.9).nll(&t).perplexity();
    let weak = CharBigram::fit(&t, 0.0).nll(&t).perplexity();
    assert!(strong < weak);
    // An unseen character costs something finite.
    let n = CharBigram::fit(&t, 0.9).nll(&["夜来风雨声".to_string()]);
    assert!(n.nats.is_finite() && n.count == 6);
}

#[test]
fn bigram_generation_is_seeded_and_uses_training_characters() {
    let t = texts();
    let b = CharBigram::fit(&t, 0.9);
    let a = b.generate(&mut rng(3), 40);
    assert_eq!(a, b.generate(&mut rng(3), 40));
    assert!(a.chars().all(|c| t.iter().any(|s| s.contains(c))));
}

#[test]
fn line_form() {
    assert_eq!(regulated_line("床前明月光，疑是地上霜。"), Some(5));
    assert_eq!(regulated_line("黄河远上白云间，一片孤城万仞山。"), Some(7));
    assert_eq!(regulated_line("借问酒家何处有？"), None);
    assert_eq!(regulated_line("床前明月光，疑是地上霜"), None);
    assert_eq!(regulated_line("床前明月光，疑是地上霜，"), None);
    assert_eq!(regulated_line("床前明月光，疑是地上霜？"), Some(5));
    assert_eq!(regulated_line("床前明月，光疑是地上霜。"), None);
    assert_eq!(
        regulated_line("床前明月光,疑是地上霜。"),
        None,
        "half-width comma"
    );
    assert!(is_hanzi('霜') && !is_hanzi('，') && !is_hanzi('a'));
}

#[test]
fn wilson_interval() {
    let (lo, hi) = wilson(0, 10, 1.96);
    assert_eq!(lo, 0.0);
    assert!((hi - 0.2775).abs() < 1e-3, "{hi}");
    let (lo, hi) = wilson(50, 100, 1.96);
    assert!((lo - 0.4038).abs() < 1e-3 && (hi - 0.5962).abs() < 1e-3);
    let (lo, hi) = wilson(10, 10, 1.96);
    assert!(hi == 1.0 && (lo - 0.7225).abs() < 1e-3);
    assert_eq!(wilson(0, 0, 1.96), (0.0, 1.0));
}
