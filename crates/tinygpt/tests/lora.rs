//! LoRA: the projected gradients are the gradients of B and A (checked by
//! finite differences), merging starts from the base model, the rank bound.

use tinygpt::lora::{Lora, LoraError};
use tinygpt::model::{Config, Model};

fn model() -> Model {
    Model::new(
        Config {
            vocab_size: 23,
            n_ctx: 16,
            d_model: 16,
            n_head: 2,
            n_layer: 2,
            d_ff: 32,
            norm_eps: 1e-5,
            init_std: 0.2,
        },
        4,
    )
}

const TOKENS: [u32; 10] = [1, 5, 7, 2, 9, 11, 3, 3, 8, 4];
const TARGETS: [u32; 10] = [5, 7, 2, 9, 11, 3, 3, 8, 4, 0];

fn loss(lora: &Lora, base: &Model) -> f64 {
    lora.merge(base).loss(&[(&TOKENS, &TARGETS)]).unwrap()
}

#[test]
fn fresh_adapters_leave_the_model_unchanged_and_count_params() {
    let base = model();
    let lora = Lora::new(&base, &["attn.c_attn.weight", "mlp.c_fc.weight"], 2, 4.0, 1).unwrap();
    assert_eq!(lora.adapters.len(), 4);
    assert_eq!(lora.merge(&base), base, "A = 0: ΔW = 0");
    // c_attn 16×48, c_fc 16×32, per layer; r = 2
    assert_eq!(lora.num_params(), 2 * (2 * (16 + 48) + 2 * (16 + 32)));
    assert_eq!(lora.scale, 2.0);
}

#[test]
fn projected_gradients_match_finite_differences() {
    let base = model();
    let mut lora = Lora::new(
        &base,
        &["attn.c_attn.weight", "mlp.c_proj.weight"],
        2,
        2.0,
        9,
    )
    .unwrap();
    // Move A away from 0 so that both projections are non-trivial.
    let mut p = lora.params();
    for (i, v) in p.iter_mut().enumerate() {
        *v += 0.05 * ((i * 37 % 11) as f32 - 5.0) / 5.0;
    }
    lora.set_params(&p).unwrap();
    let (_, grads) = lora.merge(&base).loss_and_grads(&TOKENS, &TARGETS);
    let g = lora.project(&grads);
    assert_eq!(g.len(), p.len());
    let eps = 1e-2f32;
    let (mut checked, mut nonzero) = (0, 0);
    for i in (0..p.len()).step_by(37) {
        let mut up = lora.clone();
        let mut q = p.clone();
        q[i] += eps;
        up.set_params(&q).unwrap();
        let mut down = lora.clone();
        q[i] -= 2.0 * eps;
        down.set_params(&q).unwrap();
        let fd = (loss(&up, &base) - loss(&down, &base)) / (2.0 * f64::from(eps));
        let err = (fd - f64::from(g[i])).abs();
        assert!(
            err < 2e-3 + 0.05 * fd.abs(),
            "param {i}: fd {fd}, grad {}",
            g[i]
        );
        checked += 1;
        nonzero += usize::from(fd.abs() > 1e-3);
    }
    assert!(
        checked > 10 && nonzero * 2 > checked,
        "{nonzero} of {checked}"
    );
}

#[test]
fn delta_has_rank_at_most_r() {
    let base = model();
    let mut lora = Lora::new(&base, &["attn.c_proj.weight"], 1, 1.0, 2).unwrap();
    let p: Vec<f32> = (0..lora.num_params())
        .map(|i| (i as f32 * 0.37).sin())
        .collect();
    lora.set_params(&p).unwrap();
    let ad = &lora.adapters[0];
    let d = ad.delta(1, 1.0);
    // Rank 1: every 2×2 minor vanishes.
    for (r0, r1) in [(0, 1), (2, 7), (5, 15)] {
        for (c0, c1) in [(0, 1), (3, 9)] {
            let m = d[r0 * 16 + c0] * d[r1 * 16 + c1] - d[r0 * 16 + c1] * d[r1 * 16 + c0];
            assert!(m.abs() < 1e-5);
        }
    }
}

#[test]
fn bad_settings_are_errors() {
    let base = model();
    assert!(matches!(
        Lora::new(&base, &["attn.c_attn.weight"], 0, 1.0, 0),
        Err(LoraError::Rank { rank: 0, .. })
    ));
    assert!(matches!(
        Lora::new(&base, &["attn.c_attn.weight"], 17, 1.0, 0),
        Err(LoraError::Rank { max: 16, .. })
    ));
    assert!(matches!(
        Lora::new(&base, &["nothing.weight"], 2, 1.0, 0),
        Err(LoraError::NoTarget(_))
    ));
    assert!(matches!(
        Lora::new(&base, &["ln_1.weight"], 1, 1.0, 0),
        Err(LoraError::NoTarget(_))
    ));
    assert!(matches!(
        Lora::new(&base, &["attn.c_attn.weight"], 2, f32::NAN, 0),
        Err(LoraError::Alpha(_))
    ));
    let mut lora = Lora::new(&base, &["attn.c_attn.weight"], 2, 1.0, 0).unwrap();
    assert_eq!(
        lora.set_params(&[0.0; 3]),
        Err(LoraError::ParamCount {
            given: 3,
            expected: lora.num_params()
        })
    );
}

#[test]
fn training_lowers_the_loss_and_leaves_the_base_alone() {
    use tinygpt::lora::{LoraTrainConfig, stream, train};
    let base = model();
    let before = base.clone();
    let poems: Vec<Vec<u32>> = (0..12).map(|i| vec![3 + i % 4, 7, 9, 11, 13, 2]).collect();
    let s = stream(&poems);
    assert_eq!(s.len(), 12 * 7 + 1);
    assert_eq!((s[0], s[s.len() - 1]), (0, 0));
    let mut lora = Lora::new(&base, &["attn.c_attn.weight", "mlp.c_fc.weight"], 2, 4.0, 3).unwrap();
    let cfg = LoraTrainConfig {
        steps: 40,
        batch_size: 4,
        seq_len: 12,
        lr: 1e-2,
        warmup: 4,
        clip: 1.0,
        seed: 1,
        eval_every: 20,
    };
    let log = train(&mut lora, &base, &s, &s, &cfg).unwrap();
    assert_eq!(log.iter().map(|p| p.step).collect::<Vec<_>>(), [0, 20, 40]);
    assert!(log[2].val_loss < log[0].val_loss - 0.1, "{log:?}");
    assert!(log[0].train_loss.is_finite());
    assert_eq!(base, before);
    let bad = LoraTrainConfig {
        seq_len: 99,
        ..cfg.clone()
    };
    assert!(matches!(
        train(&mut lora, &base, &s, &s, &bad),
        Err(LoraError::Config(_))
    ));
    assert!(matches!(
        train(&mut lora, &base, &s[..5], &s, &cfg),
        Err(LoraError::StreamTooShort { len: 5, need: 13 })
    ));
}
