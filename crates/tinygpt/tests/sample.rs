//! Sampling: the distributions top-k/top-p produce, greedy ties, errors, and
//! determinism under a seed.

use tinygpt::sample::{SampleError, SamplingConfig, argmax, draw, probabilities, rng, sample};

const LOGITS: [f32; 5] = [3.0, 2.5, 1.0, 0.5, -1.0];

fn cfg(t: f64, k: Option<usize>, p: Option<f64>) -> SamplingConfig {
    SamplingConfig {
        temperature: t,
        top_k: k,
        top_p: p,
    }
}

#[test]
fn softmax_sums_to_one_and_keeps_order() {
    let p = probabilities(&LOGITS, &SamplingConfig::temperature(1.0)).unwrap();
    let s: f64 = p.iter().sum();
    assert!((s - 1.0).abs() < 1e-12);
    assert!(p.windows(2).all(|w| w[0] > w[1]));
    // p0 / p1 = e^{0.5}
    assert!((p[0] / p[1] - libm::exp(0.5)).abs() < 1e-12);
}

#[test]
fn top_k_keeps_k_tokens() {
    let p = probabilities(&LOGITS, &cfg(1.0, Some(2), None)).unwrap();
    assert_eq!(p.iter().filter(|&&x| x > 0.0).count(), 2);
    assert!((p[0] + p[1] - 1.0).abs() < 1e-12);
    let full = probabilities(&LOGITS, &cfg(1.0, Some(99), None)).unwrap();
    assert_eq!(full.iter().filter(|&&x| x > 0.0).count(), 5);
}

#[test]
fn top_p_keeps_smallest_prefix_reaching_p() {
    let base = probabilities(&LOGITS, &SamplingConfig::temperature(1.0)).unwrap();
    // p0 + p1 ≈ 0.80, p0 + p1 + p2 ≈ 0.93
    assert!(base[0] + base[1] < 0.9 && base[0] + base[1] + base[2] >= 0.9);
    let p = probabilities(&LOGITS, &cfg(1.0, None, Some(0.9))).unwrap();
    assert_eq!(p.iter().filter(|&&x| x > 0.0).count(), 3);
    let tiny = probabilities(&LOGITS, &cfg(1.0, None, Some(1e-9))).unwrap();
    assert_eq!(tiny, vec![1.0, 0.0, 0.0, 0.0, 0.0]);
}

#[test]
fn greedy_takes_first_maximum_and_uses_no_randomness() {
    assert_eq!(argmax(&[1.0, 5.0, 5.0, 2.0]).unwrap(), 1);
    // After greedy steps the generator still yields its first number.
    let mut r = rng(1);
    for _ in 0..3 {
        assert_eq!(sample(&LOGITS, &SamplingConfig::GREEDY, &mut r).unwrap(), 0);
    }
    let p = [0.5, 0.5];
    let mut fresh = rng(1);
    let firsts: Vec<u32> = (0..20).map(|_| draw(&p, &mut fresh)).collect();
    let after: Vec<u32> = (0..20).map(|_| draw(&p, &mut r)).collect();
    assert_eq!(firsts, after);
}

#[test]
fn low_temperature_approaches_greedy_high_flattens() {
    let cold = probabilities(&LOGITS, &SamplingConfig::temperature(0.05)).unwrap();
    assert!(cold[0] > 0.99);
    let hot = probabilities(&LOGITS, &SamplingConfig::temperature(1000.0)).unwrap();
    assert!(hot.iter().all(|&x| (x - 0.2).abs() < 0.01));
}

#[test]
fn same_seed_same_tokens_and_frequencies_follow_p() {
    let c = cfg(1.0, None, Some(0.9));
    let draws = |seed| {
        let mut r = rng(seed);
        (0..2000)
            .map(|_| sample(&LOGITS, &c, &mut r).unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(draws(7), draws(7));
    assert_ne!(draws(7), draws(8));
    let p = probabilities(&LOGITS, &c).unwrap();
    let d = draws(7);
    for (i, &pi) in p.iter().enumerate() {
        let f = d.iter().filter(|&&t| t == i as u32).count() as f64 / d.len() as f64;
        assert!((f - pi).abs() < 0.04, "token {i}: {f} vs {pi}");
    }
}

#[test]
fn draw_never_returns_a_zero_probability_index() {
    let mut r = rng(3);
    for _ in 0..1000 {
        let i = draw(&[0.0, 0.5, 0.0, 0.5, 0.0], &mut r);
        assert!(i == 1 || i == 3);
    }
}

#[test]
fn bad_parameters_and_logits_are_errors() {
    assert_eq!(
        probabilities(&LOGITS, &cfg(-1.0, None, None)),
        Err(SampleError::Temperature(-1.0))
    );
    assert!(matches!(
        probabilities(&LOGITS, &cfg(f64::NAN, None, None)),
        Err(SampleError::Temperature(_))
    ));
    assert_eq!(
        probabilities(&LOGITS, &cfg(1.0, Some(0), None)),
        Err(SampleError::TopK)
    );
    assert_eq!(
        probabilities(&LOGITS, &cfg(1.0, None, Some(0.0))),
        Err(SampleError::TopP(0.0))
    );
    assert_eq!(
        probabilities(&LOGITS, &cfg(1.0, None, Some(1.5))),
        Err(SampleError::TopP(1.5))
    );
    assert_eq!(argmax(&[]), Err(SampleError::Empty));
    assert_eq!(
        sample(&[0.0, f32::NAN], &SamplingConfig::GREEDY, &mut rng(0)),
        Err(SampleError::NotFinite { index: 1 })
    );
}

#[test]
fn minus_infinity_masks_a_token_and_a_full_mask_is_an_error() {
    let logits = [5.0, f32::NEG_INFINITY, 1.0];
    assert_eq!(argmax(&[f32::NEG_INFINITY, 0.0]).unwrap(), 1);
    let p = probabilities(&logits, &SamplingConfig::temperature(1.0)).unwrap();
    assert_eq!(p[1], 0.0);
    let mut r = rng(4);
    for _ in 0..500 {
        assert_ne!(
            sample(&logits, &SamplingConfig::temperature(2.0), &mut r).unwrap(),
            1
        );
    }
    assert_eq!(argmax(&[f32::NEG_INFINITY; 3]), Err(SampleError::AllMasked));
    assert_eq!(
        argmax(&[0.0, f32::INFINITY]),
        Err(SampleError::NotFinite { index: 1 })
    );
}
