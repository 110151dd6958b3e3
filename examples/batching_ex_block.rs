//! 练习参考答案：分页 KV 缓存的块大小从 1 到 2048 token，内部碎片、块表大小、抢占次数与延迟怎样变化（到达率 32 个请求/s）。
use guide_support::{Table, fixed, int};
use llm_arch::sim::{self, Policy, Server, WorkloadSpec};
use llm_arch::{Gpu, ModelConfig};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cfg = ModelConfig::load("book/data/configs/llama-3-8b.toml")?;
    let h100 = Gpu::load_all("book/data/hardware.toml")?
        .into_iter()
        .find(|g| g.key == "h100")
        .ok_or("hardware.toml 里没有 h100")?;
    // 与正文 batching_sim 相同的服务器和请求流
    let server = Server::for_model(&cfg, &h100, 90, 256, 8192)?;
    let spec = WorkloadSpec {
        seed: 2026,
        requests: 1000,
        rate: 32.0,
        prompt: (64, 4096),
        output: (16, 1024),
    };
    let requests = sim::workload(&spec)?;
    let mut t = Table::numeric([
        "块大小",
        "块总数",
        "KV 利用率",
        "峰值批",
        "抢占",
        "吞吐 (token/s)",
        "TTFT p99 (ms)",
    ]);
    for block in [1, 16, 64, 256, 1024, 2048] {
        let r = sim::simulate(&requests, Policy::Paged { block }, &server)?;
        let ttft99 = sim::percentile(&r.ttft, 99).unwrap_or(0) as f64 / 1000.0;
        t.row([
            int(block),
            int(server.kv_tokens / block),
            guide_support::num::percent(r.kv_utilisation, 1),
            int(r.peak_batch),
            int(r.preemptions),
            fixed(r.throughput, 0),
            fixed(ttft99, 1),
        ]);
    }
    print!("{}", t.text());
    // 更紧的显存：只有 40% 给权重和缓存时，块大小对容量的影响更明显
    let tight = Server::for_model(&cfg, &h100, 40, 256, 8192)?;
    println!();
    println!("显存只用 40%：KV 缓存容量 {} token", int(tight.kv_tokens));
    let mut t = Table::numeric([
        "块大小",
        "KV 利用率",
        "峰值批",
        "抢占",
        "吞吐 (token/s)",
        "TTFT p99 (ms)",
    ]);
    for block in [16, 256, 2048] {
        let r = sim::simulate(&requests, Policy::Paged { block }, &tight)?;
        let ttft99 = sim::percentile(&r.ttft, 99).unwrap_or(0) as f64 / 1000.0;
        t.row([
            int(block),
            guide_support::num::percent(r.kv_utilisation, 1),
            int(r.peak_batch),
            int(r.preemptions),
            fixed(r.throughput, 0),
            fixed(ttft99, 1),
        ]);
    }
    print!("{}", t.text());
    Ok(())
}
