//! Training throughput of tinygpt (tokens per second, forward + backward +
//! AdamW step) on the configuration that `gpt_train` uses, one thread. Not an
//! example: it prints timings. Run: `cargo bench -p tinygpt --bench train_throughput`.
use std::time::Instant;
use tinygpt::model::{Config, Model};
use tinygpt::optim::{AdamW, clip_grad_norm};

fn main() {
    let config = Config {
        vocab_size: 1000,
        n_ctx: 64,
        d_model: 64,
        n_head: 4,
        n_layer: 4,
        d_ff: 256,
        norm_eps: 1e-5,
        init_std: 0.02,
    };
    let batch = 8usize;
    let t = 64usize;
    let mut model = Model::new(config, 1);
    let mut opt = AdamW::new(&model, 0.9, 0.95, 1e-8, 0.1);
    let stream: Vec<u32> = (0..10_000u32).map(|i| (i * 7919 + i / 3) % 1000).collect();
    let steps = 20;
    let start = Instant::now();
    for s in 0..steps {
        let seqs: Vec<(&[u32], &[u32])> = (0..batch)
            .map(|b| {
                let o = (s * batch + b) * 37 % 9000;
                (&stream[o..o + t], &stream[o + 1..o + t + 1])
            })
            .collect();
        let (_, mut g) = model.try_loss_and_grads_batch(&seqs).unwrap();
        clip_grad_norm(&mut g.data, 1.0);
        opt.step(model.params_mut(), &g.data, 1e-3);
    }
    let secs = start.elapsed().as_secs_f64();
    let tokens = (steps * batch * t) as f64;
    println!(
        "params {} ; {:.1} ms/step ; {:.0} tokens/s",
        model.num_params(),
        secs * 1e3 / steps as f64,
        tokens / secs
    );
}
