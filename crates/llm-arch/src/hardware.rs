//! GPU figures from NVIDIA's datasheets (`book/data/hardware.toml`).

use serde::Deserialize;
use std::path::Path;

use crate::{ArchError, Result};

/// One GPU.
#[derive(Clone, Debug, Deserialize)]
pub struct Gpu {
    /// Short key, e.g. `h100`.
    pub key: String,
    /// Display name.
    pub name: String,
    /// Memory capacity in GB (10^9 bytes).
    pub memory_gb: u64,
    /// Memory technology.
    pub memory_type: String,
    /// Peak memory bandwidth in GB/s.
    pub bandwidth_gb_s: u64,
    /// Peak dense BF16 Tensor Core throughput in TFLOPS.
    pub bf16_dense_tflops: u64,
    /// The datasheet.
    pub source: String,
}

#[derive(Deserialize)]
struct File {
    gpu: Vec<Gpu>,
}

impl Gpu {
    /// Reads every GPU of a hardware file, checking the figures are positive.
    pub fn load_all(path: impl AsRef<Path>) -> Result<Vec<Gpu>> {
        let path = path.as_ref();
        let file: File =
            toml::from_str(&crate::read(path)?).map_err(|source| ArchError::Parse {
                path: path.to_owned(),
                source,
            })?;
        for g in &file.gpu {
            for (field, v) in [
                ("memory_gb", g.memory_gb),
                ("bandwidth_gb_s", g.bandwidth_gb_s),
                ("bf16_dense_tflops", g.bf16_dense_tflops),
            ] {
                if v == 0 {
                    return Err(ArchError::Invalid {
                        model: g.name.clone(),
                        field,
                        reason: "must be positive".into(),
                    });
                }
            }
        }
        Ok(file.gpu)
    }

    /// Bandwidth in bytes per second.
    pub fn bandwidth(&self) -> f64 {
        self.bandwidth_gb_s as f64 * 1e9
    }

    /// Dense BF16 throughput in FLOP per second.
    pub fn flops(&self) -> f64 {
        self.bf16_dense_tflops as f64 * 1e12
    }

    /// Memory in bytes.
    pub fn memory(&self) -> u64 {
        self.memory_gb * 1_000_000_000
    }

    /// The ridge point of the roofline: FLOP per byte above which a kernel
    /// is compute-bound.
    pub fn ridge(&self) -> f64 {
        self.flops() / self.bandwidth()
    }
}
