//! A deterministic discrete-event simulation of an LLM server's scheduler.
//!
//! Requests arrive at seeded random times (a Poisson process) with seeded
//! random prompt and output lengths. Time is integer microseconds. The server
//! runs one *iteration* at a time; an iteration processes some new tokens
//! (prompts being prefilled, one token per decoding sequence) and reads the
//! KV cache of every decoding sequence. Its cost is the stated linear model
//! [`CostModel`], with coefficients taken from the roofline. Three policies:
//!
//! - [`Policy::Static`]: take the waiting requests (up to the batch limit),
//!   pad their prompts to the longest, decode until the *last* one is done;
//!   finished sequences keep their padded slot. Each request reserves the
//!   maximum length of KV cache.
//! - [`Policy::Continuous`]: iteration-level scheduling (Orca, Yu et al.,
//!   2022): after every iteration finished sequences leave and waiting ones
//!   join, their prefill run in the same iteration. Still reserves the
//!   maximum length per request.
//! - [`Policy::Paged`]: continuous batching with a paged KV cache (vLLM,
//!   Kwon et al., 2023): memory is allocated in blocks of `block` tokens as
//!   a sequence grows; when no block is free the most recently admitted
//!   sequence is preempted (its blocks freed, its tokens recomputed later).

use rand::Rng;

use crate::{ArchError, Result};

/// One request of the workload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Request {
    /// Arrival time, µs.
    pub arrival: u64,
    /// Prompt tokens.
    pub prompt: u64,
    /// Tokens to generate (at least 1).
    pub output: u64,
}

/// Parameters of the request stream.
#[derive(Clone, Copy, Debug)]
pub struct WorkloadSpec {
    /// Seed of the ChaCha generator.
    pub seed: u64,
    /// Number of requests.
    pub requests: usize,
    /// Mean arrival rate, requests per second.
    pub rate: f64,
    /// Prompt lengths are log-uniform in this range (inclusive).
    pub prompt: (u64, u64),
    /// Output lengths are log-uniform in this range (inclusive).
    pub output: (u64, u64),
}

fn log_uniform(rng: &mut impl Rng, (lo, hi): (u64, u64)) -> u64 {
    let u = guide_support::rng::uniform(rng);
    let (a, b) = (libm::log(lo as f64), libm::log(hi as f64));
    (libm::round(libm::exp(a + u * (b - a))) as u64).clamp(lo, hi)
}

/// Draws the requests: exponential gaps, log-uniform lengths.
pub fn workload(spec: &WorkloadSpec) -> Result<Vec<Request>> {
    if spec.rate.is_nan() || spec.rate <= 0.0 || spec.rate.is_infinite() {
        return Err(ArchError::Argument {
            name: "rate",
            reason: format!("{} requests/s", spec.rate),
        });
    }
    for (name, (lo, hi)) in [("prompt", spec.prompt), ("output", spec.output)] {
        if lo == 0 || lo > hi {
            return Err(ArchError::Argument {
                name,
                reason: format!("length range {lo}..={hi}"),
            });
        }
    }
    let mut rng = guide_support::rng::seeded(spec.seed);
    let mut t = 0.0;
    let mut out = Vec::with_capacity(spec.requests);
    for _ in 0..spec.requests {
        // 1 − u lies in (0, 1], so the logarithm is finite.
        let u = guide_support::rng::uniform(&mut rng);
        t += -libm::log(1.0 - u) / spec.rate * 1e6;
        out.push(Request {
            arrival: libm::round(t) as u64,
            prompt: log_uniform(&mut rng, spec.prompt),
            output: log_uniform(&mut rng, spec.output),
        });
    }
    Ok(out)
}

/// The cost of one iteration: `base + per_token · new + per_context · cached`
/// microseconds, rounded up. `base` is reading the weights once,
/// `per_token` the FLOP of one token through the weights at peak,
/// `per_context` reading one cached token's keys and values.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CostModel {
    /// µs per iteration regardless of its size.
    pub base: f64,
    /// µs per new token processed.
    pub per_token: f64,
    /// µs per cached token read.
    pub per_context: f64,
}

impl CostModel {
    /// Duration of an iteration, whole µs.
    pub fn step(&self, new_tokens: u64, context_tokens: u64) -> u64 {
        let us = self.base
            + self.per_token * new_tokens as f64
            + self.per_context * context_tokens as f64;
        libm::ceil(us) as u64
    }
}

/// The scheduler.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Policy {
    /// Request-level batching with max-length reservation.
    Static,
    /// Iteration-level batching with max-length reservation.
    Continuous,
    /// Iteration-level batching with a paged cache of `block`-token blocks.
    Paged {
        /// Tokens per block.
        block: u64,
    },
}

/// Limits of the server.
#[derive(Clone, Copy, Debug)]
pub struct Server {
    /// KV-cache capacity in tokens.
    pub kv_tokens: u64,
    /// Maximum sequence length a reserving policy sets aside per request.
    pub max_len: u64,
    /// Most sequences in one batch.
    pub max_seqs: u64,
    /// Most prompt tokens prefilled in one iteration (continuous policies;
    /// a single longer prompt is still admitted alone).
    pub max_prefill_tokens: u64,
    /// Step cost.
    pub cost: CostModel,
}

impl Server {
    /// A server running `cfg` in bf16 on one `gpu`, its cost model from the
    /// roofline: `base` reads the weights once (2 bytes per parameter),
    /// `per_token` is 2 FLOP per active non-embedding parameter at peak,
    /// `per_context` reads one token's bf16 keys and values. A fraction
    /// `memory_percent`/100 of the memory holds weights and cache; each
    /// request may be as long as the model's `max_position_embeddings`.
    pub fn for_model(
        cfg: &crate::ModelConfig,
        gpu: &crate::Gpu,
        memory_percent: u64,
        max_seqs: u64,
        max_prefill_tokens: u64,
    ) -> Result<Server> {
        let p = crate::params::count(cfg);
        let weights = 2 * p.total();
        let per_token_kv = crate::kv::bytes_per_token(cfg, 2);
        let usable = gpu.memory() / 100 * memory_percent.min(100);
        if usable <= weights {
            return Err(ArchError::Argument {
                name: "memory_percent",
                reason: format!("{usable} bytes do not hold {weights} bytes of weights"),
            });
        }
        Ok(Server {
            kv_tokens: (usable - weights) / per_token_kv,
            max_len: cfg.max_position_embeddings,
            max_seqs,
            max_prefill_tokens,
            cost: CostModel {
                base: weights as f64 / gpu.bandwidth() * 1e6,
                per_token: 2.0 * p.active_without_embedding() as f64 / gpu.flops() * 1e6,
                per_context: per_token_kv as f64 / gpu.bandwidth() * 1e6,
            },
        })
    }
}

/// Results of one simulation.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// Generated tokens per second over the whole run.
    pub throughput: f64,
    /// Completed requests per second.
    pub request_rate: f64,
    /// Time to first token of every request, µs, sorted.
    pub ttft: Vec<u64>,
    /// Time per output token of every request with more than one, µs, sorted.
    pub tpot: Vec<f64>,
    /// Largest number of sequences in one iteration.
    pub peak_batch: u64,
    /// Time-weighted share of the KV memory set aside that held tokens.
    pub kv_utilisation: f64,
    /// Sequences evicted and recomputed (paged only).
    pub preemptions: u64,
    /// Iterations run.
    pub iterations: u64,
}

/// The `p`-th percentile (nearest rank) of sorted values.
pub fn percentile<T: Copy>(sorted: &[T], p: u32) -> Option<T> {
    if sorted.is_empty() || p == 0 || p > 100 {
        return None;
    }
    let rank = (u64::from(p) * sorted.len() as u64).div_ceil(100) as usize;
    Some(sorted[rank - 1])
}

struct Seq {
    id: usize,
    /// Tokens in the cache (prompt plus generated, once prefilled).
    len: u64,
    /// Tokens generated so far.
    generated: u64,
    /// Prefill still to run before decoding (0 once running).
    pending_prefill: u64,
    /// Blocks held (paged) or 0.
    blocks: u64,
}

struct Stats {
    first: Vec<Option<u64>>,
    finish: Vec<Option<u64>>,
    peak: u64,
    used_time: f64,
    reserved_time: f64,
    iterations: u64,
    preemptions: u64,
}

impl Stats {
    fn record(&mut self, dt: u64, used: u64, reserved: u64, batch: u64) {
        self.used_time += used as f64 * dt as f64;
        self.reserved_time += reserved as f64 * dt as f64;
        self.peak = self.peak.max(batch);
        self.iterations += 1;
    }
}

/// Runs the workload through the policy.
pub fn simulate(requests: &[Request], policy: Policy, server: &Server) -> Result<Report> {
    if requests.is_empty() {
        return Err(ArchError::Argument {
            name: "requests",
            reason: "empty workload".into(),
        });
    }
    if requests.windows(2).any(|w| w[0].arrival > w[1].arrival) {
        return Err(ArchError::Argument {
            name: "requests",
            reason: "arrivals must be sorted".into(),
        });
    }
    if let Some(r) = requests
        .iter()
        .find(|r| r.output == 0 || r.prompt + r.output > server.max_len)
    {
        return Err(ArchError::Argument {
            name: "requests",
            reason: format!(
                "a request of {} + {} tokens does not fit max_len {}",
                r.prompt, r.output, server.max_len
            ),
        });
    }
    let slots = (server.kv_tokens / server.max_len).min(server.max_seqs);
    if slots == 0 {
        return Err(ArchError::Argument {
            name: "kv_tokens",
            reason: "the cache holds not one maximum-length sequence".into(),
        });
    }
    if let Policy::Paged { block } = policy
        && (block == 0 || server.kv_tokens / block < server.max_len.div_ceil(block))
    {
        return Err(ArchError::Argument {
            name: "block",
            reason: format!(
                "block of {block} tokens: the cache must hold one maximum-length sequence"
            ),
        });
    }
    let mut st = Stats {
        first: vec![None; requests.len()],
        finish: vec![None; requests.len()],
        peak: 0,
        used_time: 0.0,
        reserved_time: 0.0,
        iterations: 0,
        preemptions: 0,
    };
    match policy {
        Policy::Static => run_static(requests, server, slots, &mut st),
        Policy::Continuous => run_continuous(requests, server, None, slots, &mut st),
        Policy::Paged { block } => {
            run_continuous(requests, server, Some(block), server.max_seqs, &mut st)
        }
    }
    report(requests, st)
}

fn run_static(reqs: &[Request], server: &Server, slots: u64, st: &mut Stats) {
    let mut next = 0; // first request not yet batched
    let mut t = 0;
    while next < reqs.len() {
        t = t.max(reqs[next].arrival);
        let mut batch = Vec::new();
        while next < reqs.len() && reqs[next].arrival <= t && (batch.len() as u64) < slots {
            batch.push(next);
            next += 1;
        }
        let b = batch.len() as u64;
        let pad_prompt = batch.iter().map(|&i| reqs[i].prompt).max().unwrap_or(0);
        let longest = batch.iter().map(|&i| reqs[i].output).max().unwrap_or(0);
        let reserved = b * server.max_len;
        // Prefill, padded to the longest prompt, emits every first token.
        let dt = server.cost.step(b * pad_prompt, 0);
        t += dt;
        st.record(dt, batch.iter().map(|&i| reqs[i].prompt).sum(), reserved, b);
        for &i in &batch {
            st.first[i] = Some(t);
            if reqs[i].output == 1 {
                st.finish[i] = Some(t);
            }
        }
        // Decode steps 2..=longest: every slot computes, finished or not.
        for step in 2..=longest {
            let dt = server.cost.step(b, b * (pad_prompt + step - 1));
            t += dt;
            let used = batch
                .iter()
                .map(|&i| reqs[i].prompt + reqs[i].output.min(step - 1))
                .sum();
            st.record(dt, used, reserved, b);
            for &i in &batch {
                if reqs[i].output == step {
                    st.finish[i] = Some(t);
                }
            }
        }
    }
}

fn run_continuous(
    reqs: &[Request],
    server: &Server,
    block: Option<u64>,
    max_batch: u64,
    st: &mut Stats,
) {
    let total_blocks = block.map(|b| server.kv_tokens / b).unwrap_or(0);
    let mut free_blocks = total_blocks;
    let blocks_for = |tokens: u64| block.map(|b| tokens.div_ceil(b)).unwrap_or(0);
    let mut waiting: std::collections::VecDeque<Seq> = std::collections::VecDeque::new();
    let mut running: Vec<Seq> = Vec::new();
    let mut next = 0;
    let mut t = 0;
    let mut done = 0;
    while done < reqs.len() {
        while next < reqs.len() && reqs[next].arrival <= t {
            waiting.push_back(Seq {
                id: next,
                len: 0,
                generated: 0,
                pending_prefill: reqs[next].prompt,
                blocks: 0,
            });
            next += 1;
        }
        // Admit in arrival order (preempted sequences are at the front).
        let mut prefill = 0;
        while let Some(s) = waiting.front() {
            if running.len() as u64 >= max_batch {
                break;
            }
            if prefill > 0 && prefill + s.pending_prefill > server.max_prefill_tokens {
                break;
            }
            // The prefill writes its tokens and the one it emits.
            let need = blocks_for(s.pending_prefill + 1);
            if block.is_some() && need > free_blocks {
                break;
            }
            let mut s = waiting.pop_front().expect("front exists");
            prefill += s.pending_prefill;
            free_blocks -= need;
            s.blocks = need;
            running.push(s);
        }
        if running.is_empty() {
            if next >= reqs.len() {
                break; // nothing can run: reported as unfinished requests
            }
            t = reqs[next].arrival; // idle until the next arrival
            continue;
        }
        // Decoding sequences may need a block for the token they add.
        if let Some(b) = block {
            loop {
                let need: u64 = running
                    .iter()
                    .filter(|s| s.pending_prefill == 0 && s.len % b == 0)
                    .count() as u64;
                if need <= free_blocks {
                    break;
                }
                // Preempt the most recently admitted sequence: free its
                // blocks, recompute its tokens when it is admitted again.
                let Some(mut s) = running.pop() else { break };
                if s.pending_prefill > 0 {
                    prefill -= s.pending_prefill; // admitted this iteration
                }
                free_blocks += s.blocks;
                s.blocks = 0;
                s.pending_prefill = reqs[s.id].prompt + s.generated;
                s.len = 0;
                st.preemptions += 1;
                waiting.push_front(s);
            }
            for s in running
                .iter_mut()
                .filter(|s| s.pending_prefill == 0 && s.len % b == 0)
            {
                s.blocks += 1;
                free_blocks -= 1;
            }
        }
        let decoding: Vec<&Seq> = running.iter().filter(|s| s.pending_prefill == 0).collect();
        let new_tokens = prefill + decoding.len() as u64;
        let context: u64 = decoding.iter().map(|s| s.len).sum();
        let dt = server.cost.step(new_tokens, context);
        t += dt;
        let batch = running.len() as u64;
        for s in running.iter_mut() {
            if s.pending_prefill > 0 {
                s.len = s.pending_prefill;
                s.pending_prefill = 0;
            }
            s.len += 1;
            s.generated += 1;
            if s.generated == 1 {
                st.first[s.id] = Some(t);
            }
        }
        let used: u64 = running.iter().map(|s| s.len).sum();
        let reserved = match block {
            Some(b) => (total_blocks - free_blocks) * b,
            None => batch * server.max_len,
        };
        st.record(dt, used, reserved, batch);
        let mut i = 0;
        while i < running.len() {
            if running[i].generated == reqs[running[i].id].output {
                let s = running.remove(i);
                st.finish[s.id] = Some(t);
                free_blocks += s.blocks;
                done += 1;
            } else {
                i += 1;
            }
        }
    }
}

fn report(reqs: &[Request], st: Stats) -> Result<Report> {
    let mut ttft = Vec::with_capacity(reqs.len());
    let mut tpot = Vec::new();
    let mut end = 0;
    for (i, r) in reqs.iter().enumerate() {
        let (Some(first), Some(finish)) = (st.first[i], st.finish[i]) else {
            return Err(ArchError::Argument {
                name: "requests",
                reason: format!("request {i} never finished"),
            });
        };
        ttft.push(first - r.arrival);
        if r.output > 1 {
            tpot.push((finish - first) as f64 / (r.output - 1) as f64);
        }
        end = end.max(finish);
    }
    ttft.sort_unstable();
    tpot.sort_by(f64::total_cmp);
    let span = (end - reqs[0].arrival) as f64 / 1e6;
    let tokens: u64 = reqs.iter().map(|r| r.output).sum();
    Ok(Report {
        throughput: tokens as f64 / span,
        request_rate: reqs.len() as f64 / span,
        ttft,
        tpot,
        peak_batch: st.peak,
        kv_utilisation: st.used_time / st.reserved_time,
        preemptions: st.preemptions,
        iterations: st.iterations,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(kv_tokens: u64) -> Server {
        Server {
            kv_tokens,
            max_len: 64,
            max_seqs: 8,
            max_prefill_tokens: 256,
            cost: CostModel {
                base: 100.0,
                per_token: 1.0,
                per_context: 0.0,
            },
        }
    }

    #[test]
    fn one_request_alone_costs_what_the_model_says() {
        let reqs = [Request {
            arrival: 5,
            prompt: 10,
            output: 3,
        }];
        for policy in [
            Policy::Static,
            Policy::Continuous,
            Policy::Paged { block: 4 },
        ] {
            let r = simulate(&reqs, policy, &server(640)).unwrap();
            // prefill 100 + 10 µs, then two decode steps of 101 µs
            assert_eq!(r.ttft, vec![110], "{policy:?}");
            assert_eq!(r.tpot, vec![101.0], "{policy:?}");
        }
    }

    #[test]
    fn continuous_batching_lets_a_short_request_leave_early() {
        let reqs = [
            Request {
                arrival: 0,
                prompt: 4,
                output: 40,
            },
            Request {
                arrival: 0,
                prompt: 4,
                output: 2,
            },
            Request {
                arrival: 1,
                prompt: 4,
                output: 2,
            },
        ];
        let s = simulate(&reqs, Policy::Static, &server(640)).unwrap();
        let c = simulate(&reqs, Policy::Continuous, &server(640)).unwrap();
        // Under static batching the third request waits for the 40-token one.
        assert!(s.ttft[2] > 39 * 100, "{:?}", s.ttft);
        assert!(c.ttft[2] < 3 * 110, "{:?}", c.ttft);
    }

    #[test]
    fn paging_fits_more_sequences_than_reservation() {
        let reqs: Vec<Request> = (0..8)
            .map(|i| Request {
                arrival: i,
                prompt: 8,
                output: 8,
            })
            .collect();
        // 128 tokens of cache: reservation fits 2 sequences of max_len 64, paging all 8.
        let c = simulate(&reqs, Policy::Continuous, &server(128)).unwrap();
        let p = simulate(&reqs, Policy::Paged { block: 4 }, &server(128)).unwrap();
        assert_eq!(c.peak_batch, 2);
        assert_eq!(p.peak_batch, 8);
        assert!(p.kv_utilisation > c.kv_utilisation);
    }

    #[test]
    fn paged_preempts_when_blocks_run_out_and_still_finishes() {
        let reqs: Vec<Request> = (0..4)
            .map(|i| Request {
                arrival: i,
                prompt: 4,
                output: 40,
            })
            .collect();
        let p = simulate(&reqs, Policy::Paged { block: 4 }, &server(64)).unwrap();
        assert!(p.preemptions > 0);
        assert_eq!(p.ttft.len(), 4);
    }

    #[test]
    fn same_seed_same_workload_and_bad_specs_are_errors() {
        let spec = WorkloadSpec {
            seed: 1,
            requests: 50,
            rate: 10.0,
            prompt: (8, 64),
            output: (4, 32),
        };
        assert_eq!(workload(&spec).unwrap(), workload(&spec).unwrap());
        assert!(workload(&WorkloadSpec { rate: 0.0, ..spec }).is_err());
        assert!(
            workload(&WorkloadSpec {
                prompt: (9, 8),
                ..spec
            })
            .is_err()
        );
        let too_long = [Request {
            arrival: 0,
            prompt: 60,
            output: 10,
        }];
        assert!(simulate(&too_long, Policy::Static, &server(640)).is_err());
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let xs: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&xs, 50), Some(50));
        assert_eq!(percentile(&xs, 99), Some(99));
        assert_eq!(percentile(&[7u64], 90), Some(7));
        assert_eq!(percentile::<u64>(&[], 50), None);
    }
}
