//! Training throughput of tinygpt: tokens per second of forward + backward +
//! gradient clipping + AdamW step, on the configuration of the book's run
//! (`book/data/tinygpt/config.json`, `train::book_train_config`), one thread.
//! Not an example: it prints timings, which no page may show.
//!
//! Run from the workspace root: `cargo bench -p tinygpt --bench train_throughput [-- SAMPLE_JSON]`.
//! With SAMPLE_JSON it also writes, for `benches/tinygpt-torch/bench.py`, the
//! token ids of a validation poem, the committed model's logits for them,
//! and the training settings, so that PyTorch can check its logits and time
//! the same steps.
use std::time::Instant;

use tinygpt::optim::{AdamW, clip_grad_norm};
use tinygpt::train::{book_train_config, token_stream};
use tinygpt::{artifact, corpus, model::Model};

/// CPU time of this thread in seconds (the machine may be shared).
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/self/schedstat")
        .ok()
        .and_then(|s| {
            s.split_whitespace()
                .next()
                .and_then(|x| x.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |ns| ns / 1e9)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // cargo runs benches with the package directory as cwd
    if std::path::Path::new("../../book").exists() {
        std::env::set_current_dir("../..")?;
    }
    let a = artifact::load_checked()?;
    let cfg = book_train_config();
    let (b, t, v) = (cfg.batch_size, cfg.seq_len, a.model.config.vocab_size);

    if let Some(out) = std::env::args().skip(1).find(|x| !x.starts_with('-')) {
        let corpus = corpus::load_default()?;
        let valid = token_stream(&a.tokenizer, &corpus.valid)?;
        let tokens = &valid[..t.min(valid.len())];
        let logits = a.model.forward(tokens);
        let json = serde_json::json!({
            "hash": a.hash,
            "tokens": tokens,
            "logits": logits,
            "train": {
                "batch_size": b, "seq_len": t, "steps": 50, "lr": cfg.peak_lr,
                "beta1": cfg.beta1, "beta2": cfg.beta2, "eps": cfg.eps,
                "weight_decay": cfg.weight_decay, "clip": cfg.clip,
            },
        });
        if let Some(dir) = std::path::Path::new(&out).parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&out, serde_json::to_string(&json)?)?;
        eprintln!("wrote {out}");
    }

    // Fresh weights and random tokens: the speed does not depend on either.
    let mut model = Model::try_new(a.model.config.clone(), 1)?;
    let mut opt = AdamW::new(&model, cfg.beta1, cfg.beta2, cfg.eps, cfg.weight_decay);
    let stream: Vec<u32> = (0..20_000u64)
        .map(|i| ((i * 2_654_435_761) >> 7) as u32 % v as u32)
        .collect();
    let mut step = |s: usize| -> Result<(), Box<dyn std::error::Error>> {
        let batch: Vec<(&[u32], &[u32])> = (0..b)
            .map(|k| {
                let o = (s * b + k) * 97 % (stream.len() - t - 1);
                (&stream[o..o + t], &stream[o + 1..o + t + 1])
            })
            .collect();
        let (_, mut g) = model.try_loss_and_grads_batch(&batch)?;
        clip_grad_norm(&mut g.data, cfg.clip);
        opt.step(model.params_mut(), &g.data, cfg.peak_lr);
        Ok(())
    };
    for s in 0..5 {
        step(s)?;
    }
    let steps = 50;
    let (w0, c0) = (Instant::now(), cpu_seconds());
    for s in 0..steps {
        step(s)?;
    }
    let (wall, cpu) = (w0.elapsed().as_secs_f64(), cpu_seconds() - c0);
    let tokens = (steps * b * t) as f64;
    println!(
        "tinygpt, 1 thread: {} parameters, {steps} steps of {} tokens: {:.1} ms/step wall, {:.1} ms/step CPU; {:.0} tokens/s wall, {:.0} tokens/s CPU",
        model.num_params(),
        b * t,
        wall * 1e3 / steps as f64,
        cpu * 1e3 / steps as f64,
        tokens / wall,
        tokens / cpu
    );
    Ok(())
}
