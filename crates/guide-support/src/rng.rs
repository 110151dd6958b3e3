//! Portable, seeded randomness.
//!
//! `rand`'s `StdRng` may change algorithm between releases and is documented
//! as not portable; ChaCha8 is a fixed algorithm, and `seed_from_u64` is
//! specified to expand a `u64` the same way on every platform. With the
//! versions pinned by `Cargo.lock`, an example that draws from [`seeded`]
//! prints the same numbers on every machine.
//!
//! The distributions below are written out with `libm` rather than taken from
//! a crate, so that their results do not depend on the platform's maths
//! library either.

use rand::{Rng, RngExt, SeedableRng, rngs::ChaCha8Rng};

/// The generator every example uses.
pub type GuideRng = ChaCha8Rng;

/// A ChaCha8 generator seeded from `seed`.
pub fn seeded(seed: u64) -> GuideRng {
    ChaCha8Rng::seed_from_u64(seed)
}

/// A uniform draw from `[0, 1)` with 53 random bits.
pub fn uniform(rng: &mut impl Rng) -> f64 {
    rng.random::<f64>()
}

/// A standard normal draw (Box–Muller, using `libm` so the result is the
/// same on every platform).
pub fn normal(rng: &mut impl Rng) -> f64 {
    // 1 - u lies in (0, 1], so the logarithm is finite.
    let u1 = 1.0 - uniform(rng);
    let u2 = uniform(rng);
    libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(2.0 * std::f64::consts::PI * u2)
}

/// An index drawn with probability proportional to `weights`.
///
/// # Panics
/// If `weights` is empty or sums to zero.
pub fn weighted_index(rng: &mut impl Rng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    assert!(total > 0.0, "weights must have a positive sum");
    let mut target = uniform(rng) * total;
    for (i, &w) in weights.iter().enumerate() {
        if target < w {
            return i;
        }
        target -= w;
    }
    // Rounding can leave `target` a hair above the last weight.
    weights.len() - 1
}

/// Shuffles `items` in place (Fisher–Yates with this module's uniform draws).
pub fn shuffle<T>(rng: &mut impl Rng, items: &mut [T]) {
    for i in (1..items.len()).rev() {
        let j = rng.random_range(0..=i);
        items.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream() {
        let a: Vec<u64> = (0..4).map(|_| seeded(7).random()).collect();
        let mut r = seeded(7);
        let first: u64 = r.random();
        assert_eq!(a[0], first);
        assert_ne!(seeded(7).random::<u64>(), seeded(8).random::<u64>());
    }

    #[test]
    fn normal_has_plausible_moments() {
        let mut r = seeded(1);
        let xs: Vec<f64> = (0..20_000).map(|_| normal(&mut r)).collect();
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / xs.len() as f64;
        assert!(mean.abs() < 0.03, "mean {mean}");
        assert!((var - 1.0).abs() < 0.05, "var {var}");
    }

    #[test]
    fn weighted_index_respects_zero_weights() {
        let mut r = seeded(3);
        for _ in 0..1000 {
            assert_ne!(weighted_index(&mut r, &[1.0, 0.0, 2.0]), 1);
        }
    }
}
