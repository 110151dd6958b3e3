//! Speculative decoding (Leviathan, Kalman, Matias, 2023; Chen et al., 2023).
//!
//! A draft model proposes `γ` tokens; the target model checks them in one
//! forward pass and keeps the longest accepted prefix plus one token of its
//! own. If each draft token is accepted independently with probability `α`,
//! one iteration yields `(1 − α^{γ+1}) / (1 − α)` tokens on average, and
//! costs `γ·c + 1` target-forward times, where `c` is the draft's cost
//! relative to the target's.

use crate::{ArchError, Result};

fn check(alpha: f64, c: f64) -> Result<()> {
    if !(0.0..=1.0).contains(&alpha) {
        return Err(ArchError::Argument {
            name: "alpha",
            reason: format!("acceptance rate {alpha} is not in [0, 1]"),
        });
    }
    if c.is_nan() || c < 0.0 || c.is_infinite() {
        return Err(ArchError::Argument {
            name: "c",
            reason: format!("cost ratio {c} is not a finite non-negative number"),
        });
    }
    Ok(())
}

/// Expected tokens produced per iteration with `gamma` draft tokens.
pub fn expected_tokens(alpha: f64, gamma: u32) -> Result<f64> {
    check(alpha, 0.0)?;
    if alpha == 1.0 {
        return Ok(f64::from(gamma) + 1.0);
    }
    Ok((1.0 - libm::pow(alpha, f64::from(gamma) + 1.0)) / (1.0 - alpha))
}

/// Expected wall-time speedup over plain decoding (Leviathan et al., Theorem 3.8).
pub fn speedup(alpha: f64, gamma: u32, c: f64) -> Result<f64> {
    check(alpha, c)?;
    Ok(expected_tokens(alpha, gamma)? / (f64::from(gamma) * c + 1.0))
}

/// The `γ` in `1..=max_gamma` with the largest speedup, and that speedup.
pub fn best_gamma(alpha: f64, c: f64, max_gamma: u32) -> Result<(u32, f64)> {
    let mut best = (0, 1.0);
    for g in 1..=max_gamma {
        let s = speedup(alpha, g, c)?;
        if s > best.1 {
            best = (g, s);
        }
    }
    Ok(best)
}

/// The acceptance rate `α = Σ_x min(p(x), q(x))` of a draft distribution `q`
/// for a target `p` (Leviathan et al., Definition 3.1).
pub fn acceptance_rate(p: &[f64], q: &[f64]) -> Result<f64> {
    if p.len() != q.len() || p.is_empty() {
        return Err(ArchError::Argument {
            name: "p, q",
            reason: format!("distributions of lengths {} and {}", p.len(), q.len()),
        });
    }
    Ok(p.iter().zip(q).map(|(a, b)| a.min(*b)).sum())
}

/// The distribution of the token speculative sampling emits at one
/// position: accept the draft `x ~ q` with probability `min(1, p(x)/q(x))`,
/// otherwise sample from the residual `max(0, p − q)` normalised. Computed
/// exactly; it equals `p`.
pub fn emitted_distribution(p: &[f64], q: &[f64]) -> Result<Vec<f64>> {
    let alpha = acceptance_rate(p, q)?;
    let residual: Vec<f64> = p.iter().zip(q).map(|(a, b)| (a - b).max(0.0)).collect();
    let norm: f64 = residual.iter().sum();
    Ok(p.iter()
        .zip(q)
        .zip(&residual)
        .map(|((pi, qi), ri)| {
            let accepted = qi.min(*pi); // q(x) · min(1, p(x)/q(x))
            let rejected = if norm > 0.0 {
                (1.0 - alpha) * ri / norm
            } else {
                0.0
            };
            accepted + rejected
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_limits() {
        assert!((expected_tokens(0.0, 5).unwrap() - 1.0).abs() < 1e-12);
        assert!((expected_tokens(1.0, 5).unwrap() - 6.0).abs() < 1e-12);
        // α = 0.5, γ = 1: 1 + 0.5
        assert!((expected_tokens(0.5, 1).unwrap() - 1.5).abs() < 1e-12);
        assert!(speedup(1.2, 3, 0.1).is_err());
        assert!(speedup(0.5, 3, f64::NAN).is_err());
    }

    #[test]
    fn speculative_sampling_preserves_the_target() {
        let p = [0.5, 0.3, 0.2];
        let q = [0.2, 0.2, 0.6];
        let out = emitted_distribution(&p, &q).unwrap();
        for (a, b) in out.iter().zip(&p) {
            assert!((a - b).abs() < 1e-12, "{out:?}");
        }
        assert!((acceptance_rate(&p, &q).unwrap() - 0.6).abs() < 1e-12);
    }
}
