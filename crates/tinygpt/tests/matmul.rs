//! The blocked, vectorised matrix product rounds exactly like the plain
//! loop it documents: every output is its old value plus the products in
//! the order kk = 0, 1, 2, …. Whichever version the CPU gets (SSE2 or AVX),
//! a difference in one bit would change the committed weights.
use rand::{RngExt, SeedableRng, rngs::ChaCha8Rng};
use tinygpt::model::{matmul_acc, matmul_tn_acc};

fn random(rng: &mut ChaCha8Rng, n: usize) -> Vec<f32> {
    // Mixed magnitudes, so that a reordered sum would round differently.
    (0..n)
        .map(|_| {
            let x: f32 = rng.random_range(-1.0..1.0);
            let e: i32 = rng.random_range(-8..8);
            x * 2f32.powi(e)
        })
        .collect()
}

fn naive(
    out: &mut [f32],
    a: impl Fn(usize, usize) -> f32,
    b: &[f32],
    m: usize,
    k: usize,
    n: usize,
) {
    for i in 0..m {
        for j in 0..n {
            let mut s = out[i * n + j];
            for kk in 0..k {
                s += a(i, kk) * b[kk * n + j];
            }
            out[i * n + j] = s;
        }
    }
}

fn bits(x: &[f32]) -> Vec<u32> {
    x.iter().map(|v| v.to_bits()).collect()
}

#[test]
fn matmul_is_bitwise_the_sequential_sum() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    // Shapes of the model (64, 256, 1024 wide) and ragged ones: row blocks
    // of 4 with a remainder, column blocks of 8 with a remainder.
    for &(m, k, n) in &[
        (12, 64, 256),
        (7, 64, 1024),
        (5, 3, 13),
        (1, 1, 1),
        (9, 33, 17),
    ] {
        let a = random(&mut rng, m * k);
        let b = random(&mut rng, k * n);
        let start = random(&mut rng, m * n);

        let mut got = start.clone();
        matmul_acc(&mut got, &a, &b, m, k, n);
        let mut want = start.clone();
        naive(&mut want, |i, kk| a[i * k + kk], &b, m, k, n);
        assert_eq!(bits(&got), bits(&want), "matmul_acc {m}×{k}×{n}");

        // aᵀ·b with `a` stored k×m.
        let at = random(&mut rng, k * m);
        let mut got = start.clone();
        matmul_tn_acc(&mut got, &at, &b, m, k, n);
        let mut want = start;
        naive(&mut want, |i, kk| at[kk * m + i], &b, m, k, n);
        assert_eq!(bits(&got), bits(&want), "matmul_tn_acc {m}×{k}×{n}");
    }
}
