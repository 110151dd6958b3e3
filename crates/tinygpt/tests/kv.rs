//! KV-cached generation gives the uncached loop's logits bit for bit, and
//! the multiply-add counts add up.

use tinygpt::kv::{
    GenerateError, GenerateOptions, KvDecoder, StopReason, cache_bytes, forward_macs, generate,
    step_macs,
};
use tinygpt::model::{Config, Model};
use tinygpt::sample::{SamplingConfig, rng};

fn model() -> Model {
    Model::new(
        Config {
            vocab_size: 37,
            n_ctx: 24,
            d_model: 16,
            n_head: 4,
            n_layer: 2,
            d_ff: 48,
            norm_eps: 1e-5,
            init_std: 0.3,
        },
        11,
    )
}

#[test]
fn cached_logits_equal_forward_bit_for_bit() {
    let m = model();
    let tokens: Vec<u32> = (0..20).map(|i| (i * 7 + 3) % 37).collect();
    let full = m.forward(&tokens);
    let mut dec = KvDecoder::new(&m);
    for (i, &t) in tokens.iter().enumerate() {
        let row = dec.step(t).unwrap();
        let expect = &full[i * 37..(i + 1) * 37];
        let same = row
            .iter()
            .zip(expect)
            .all(|(a, b)| a.to_bits() == b.to_bits());
        assert!(same, "position {i}");
    }
    assert_eq!(dec.len, 20);
    assert_eq!(dec.cache_bytes() as u64, cache_bytes(2, 20, 16, 4));
    // Prefilling t tokens one at a time costs what one forward pass costs.
    assert_eq!(dec.macs, forward_macs(2, 16, 48, 37, 20));
}

#[test]
fn macs_formulas_agree() {
    let total: u64 = (1..=9).map(|t| step_macs(3, 8, 32, 50, t)).sum();
    assert_eq!(total, forward_macs(3, 8, 32, 50, 9));
}

#[test]
fn same_tokens_with_and_without_cache_for_every_strategy() {
    let m = model();
    let strategies = [
        SamplingConfig::GREEDY,
        SamplingConfig::temperature(0.8),
        SamplingConfig {
            temperature: 1.0,
            top_k: Some(5),
            top_p: None,
        },
        SamplingConfig {
            temperature: 1.2,
            top_k: None,
            top_p: Some(0.9),
        },
    ];
    for s in strategies {
        let opts = GenerateOptions {
            max_new_tokens: 15,
            sampling: s,
            stop: None,
        };
        let run = |cache| {
            generate(&m, &[1, 2, 3], &opts, &mut rng(5), cache, None, &mut |_| {
                true
            })
            .unwrap()
        };
        let (a, b) = (run(false), run(true));
        assert_eq!(a.tokens, b.tokens, "{s:?}");
        assert_eq!(a.tokens.len(), 15);
        assert!(b.macs < a.macs);
    }
}

#[test]
fn slides_past_the_context_identically_with_and_without_cache() {
    let m = model(); // n_ctx 24
    for s in [SamplingConfig::GREEDY, SamplingConfig::temperature(1.0)] {
        let opts = GenerateOptions {
            max_new_tokens: 60,
            sampling: s,
            stop: None,
        };
        let run = |cache| {
            generate(&m, &[1, 2, 3], &opts, &mut rng(9), cache, None, &mut |_| {
                true
            })
            .unwrap()
        };
        let (a, b) = (run(false), run(true));
        assert_eq!(a.tokens.len(), 60);
        assert_eq!(a.tokens, b.tokens);
        // 59 of the 60 tokens enter the context (the last is only returned):
        // it holds 3 + 21 = 24, then slides to 12 at the 22nd, 35th and 48th.
        assert_eq!((a.slides, b.slides), (3, 3));
        assert!(b.macs < a.macs);
    }
}

#[test]
fn stops_at_stop_token_and_callback() {
    let m = model();
    let greedy = GenerateOptions {
        max_new_tokens: 10,
        sampling: SamplingConfig::GREEDY,
        stop: None,
    };
    let g = generate(
        &m,
        &[1, 2, 3],
        &greedy,
        &mut rng(0),
        true,
        None,
        &mut |_| true,
    )
    .unwrap();
    assert_eq!((g.tokens.len(), g.reason), (10, StopReason::Length));
    let first = g.tokens[0];
    let stop = GenerateOptions {
        stop: Some(first),
        ..greedy
    };
    let s = generate(&m, &[1, 2, 3], &stop, &mut rng(0), true, None, &mut |_| {
        true
    })
    .unwrap();
    assert_eq!((s.tokens.len(), s.reason), (0, StopReason::Stop));
    let mut seen = Vec::new();
    let c = generate(
        &m,
        &[1, 2, 3],
        &greedy,
        &mut rng(0),
        false,
        None,
        &mut |t| {
            seen.push(t);
            seen.len() < 4
        },
    )
    .unwrap();
    assert_eq!((c.tokens.len(), c.reason), (4, StopReason::Cancelled));
    assert_eq!(seen, g.tokens[..4]);
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let m = model();
    let opts = GenerateOptions {
        max_new_tokens: 3,
        sampling: SamplingConfig::GREEDY,
        stop: None,
    };
    let mut r = rng(0);
    assert_eq!(
        generate(&m, &[], &opts, &mut r, true, None, &mut |_| true),
        Err(GenerateError::EmptyPrompt)
    );
    assert!(matches!(
        generate(&m, &[99], &opts, &mut r, true, None, &mut |_| true),
        Err(GenerateError::Model(_))
    ));
    let long = vec![1u32; 25];
    assert!(matches!(
        generate(&m, &long, &opts, &mut r, false, None, &mut |_| true),
        Err(GenerateError::Model(_))
    ));
    let bad = GenerateOptions {
        sampling: SamplingConfig::temperature(-1.0),
        ..opts
    };
    assert!(matches!(
        generate(&m, &[1], &bad, &mut r, true, None, &mut |_| true),
        Err(GenerateError::Sample(_))
    ));
    let mut dec = KvDecoder::new(&m);
    for _ in 0..24 {
        dec.step(1).unwrap();
    }
    assert_eq!(dec.step(1), Err(GenerateError::ContextFull { n_ctx: 24 }));
}

#[test]
fn the_utf8_mask_keeps_byte_level_generation_valid() {
    use tinygpt::bpe::Tokenizer;
    use tinygpt::kv::{Utf8Mask, text_of};
    let texts = vec!["床前明月光，疑是地上霜。\n举头望明月，低头思故乡。".to_string()];
    let tok = Tokenizer::train(&texts, 280).unwrap();
    let m = Model::new(
        Config {
            vocab_size: tok.vocab_size(),
            n_ctx: 32,
            d_model: 16,
            n_head: 2,
            n_layer: 1,
            d_ff: 32,
            norm_eps: 1e-5,
            init_std: 0.5,
        },
        5,
    );
    let mask = Utf8Mask::new(&tok);
    let opts = GenerateOptions {
        max_new_tokens: 40,
        sampling: SamplingConfig::temperature(1.0),
        stop: None,
    };
    let prompt = tok.encode("床前").unwrap();
    let mut invalid_without = 0;
    for seed in 0..8 {
        let masked = generate(
            &m,
            &prompt,
            &opts,
            &mut rng(seed),
            true,
            Some(&mask),
            &mut |_| true,
        )
        .unwrap();
        // Valid UTF-8, except possibly an unfinished last character.
        let bytes = tok.decode_bytes(&masked.tokens).unwrap();
        match std::str::from_utf8(&bytes) {
            Ok(_) => {}
            Err(e) => assert!(
                e.error_len().is_none(),
                "seed {seed}: {:?}",
                text_of(&tok, &masked.tokens)
            ),
        }
        let plain = generate(&m, &prompt, &opts, &mut rng(seed), true, None, &mut |_| {
            true
        })
        .unwrap();
        let b = tok.decode_bytes(&plain.tokens).unwrap();
        invalid_without +=
            usize::from(std::str::from_utf8(&b).is_err_and(|e| e.error_len().is_some()));
    }
    assert!(
        invalid_without > 0,
        "the unmasked model should produce invalid bytes"
    );
}
