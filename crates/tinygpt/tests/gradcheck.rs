//! Finite-difference check of the hand-written backward pass, on a tiny model.
use tinygpt::model::{Config, Model};

fn tiny() -> Config {
    Config {
        vocab_size: 11,
        n_ctx: 6,
        d_model: 8,
        n_head: 2,
        n_layer: 2,
        d_ff: 12,
        norm_eps: 1e-5,
        init_std: 0.3,
    }
}

#[test]
fn every_tensor_matches_central_differences() {
    let model = Model::new(tiny(), 7);
    let tokens = [1u32, 5, 2, 9, 3, 3];
    let targets = [5u32, 2, 9, 3, 3, 0];
    let (_, grads) = model.loss_and_grads(&tokens, &targets);
    let eps = 1e-2f32;
    let mut worst = 0.0f64;
    let mut offset = 0;
    for (name, _, g) in grads.tensors() {
        let (mut num2, mut diff2, mut an2) = (0.0f64, 0.0f64, 0.0f64);
        for (j, &a) in g.iter().enumerate() {
            let mut m = model.clone();
            m.params_mut()[offset + j] += eps;
            let lp = m.loss(&[(&tokens, &targets)]).unwrap();
            m.params_mut()[offset + j] -= 2.0 * eps;
            let lm = m.loss(&[(&tokens, &targets)]).unwrap();
            let n = (lp - lm) / (2.0 * f64::from(eps));
            num2 += n * n;
            an2 += f64::from(a) * f64::from(a);
            diff2 += (n - f64::from(a)).powi(2);
        }
        offset += g.len();
        let rel = diff2.sqrt() / num2.sqrt().max(an2.sqrt()).max(1e-12);
        println!("{name}: {rel:e}  |g| = {:e}", an2.sqrt());
        worst = worst.max(rel);
        assert!(rel < 1e-2, "{name}: {rel}");
    }
    println!("worst {worst:e}");
}
