//! The training loop learns, is deterministic, and refuses bad settings.
use tinygpt::model::{Config, Model};
use tinygpt::train::{TrainConfig, TrainError, book_train_config, evaluate, greedy, train};

fn small() -> Config {
    Config {
        vocab_size: 17,
        n_ctx: 16,
        d_model: 16,
        n_head: 2,
        n_layer: 1,
        d_ff: 32,
        norm_eps: 1e-5,
        init_std: 0.02,
    }
}

/// A stream with structure: the cycle 1..=7 with an occasional 0 between.
fn stream(n: usize, offset: usize) -> Vec<u32> {
    (0..n)
        .map(|i| {
            let j = i + offset;
            if j % 23 == 22 { 0 } else { (j % 7) as u32 + 1 }
        })
        .collect()
}

fn cfg() -> TrainConfig {
    TrainConfig {
        steps: 120,
        batch_size: 4,
        seq_len: 16,
        peak_lr: 1e-2,
        min_lr: 1e-3,
        warmup: 10,
        eval_every: 40,
        ..book_train_config()
    }
}

#[test]
fn learns_a_periodic_stream_deterministically() {
    let (tr, va) = (stream(2000, 0), stream(300, 5));
    let run = || {
        let mut m = Model::new(small(), 5);
        let mut points = 0;
        let log = train(&mut m, &tr, &va, &cfg(), &mut |_, _| points += 1).unwrap();
        (m, log, points)
    };
    let (m1, log1, points) = run();
    let (m2, log2, _) = run();
    assert_eq!(m1, m2);
    assert_eq!(log1, log2);
    assert_eq!(points, 4); // before, after 40, 80, 120
    let first = log1.evals.first().unwrap().val_loss;
    let last = log1.evals.last().unwrap().val_loss;
    assert!(first > 2.5 && last < 0.5, "{first} -> {last}");
    assert!((evaluate(&m1, &va, 16).unwrap() - last).abs() < 1e-12);
    // greedy continues the cycle
    assert_eq!(greedy(&m1, &[3, 4, 5], 4, None).unwrap(), vec![6, 7, 1, 2]);
    // the schedule: warm-up starts at peak/10, ends at min_lr
    assert!((log1.steps[0].lr - 1e-3).abs() < 1e-15);
    assert!((log1.steps[119].lr - 1e-3).abs() < 1e-4);
}

#[test]
fn bad_settings_are_errors() {
    let mut m = Model::new(small(), 5);
    let (tr, va) = (stream(200, 0), stream(50, 0));
    let e = train(&mut m, &tr[..10], &va, &cfg(), &mut |_, _| {}).unwrap_err();
    assert_eq!(
        e,
        TrainError::StreamTooShort {
            which: "训练集",
            len: 10,
            need: 17
        }
    );
    let e = train(
        &mut m,
        &tr,
        &va,
        &TrainConfig {
            seq_len: 17,
            ..cfg()
        },
        &mut |_, _| {},
    )
    .unwrap_err();
    assert!(matches!(e, TrainError::Config(_)));
    let e = train(
        &mut m,
        &tr,
        &va,
        &TrainConfig { steps: 0, ..cfg() },
        &mut |_, _| {},
    )
    .unwrap_err();
    assert!(matches!(e, TrainError::Config(_)));
    assert!(matches!(
        evaluate(&m, &[1], 16),
        Err(TrainError::StreamTooShort { .. })
    ));
    assert!(greedy(&m, &[], 3, None).is_err());
}
