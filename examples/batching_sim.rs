//! 确定性的离散事件模拟：同一串请求分别用静态批处理、连续批处理、连续批处理加分页 KV 缓存服务，比较吞吐、首 token 延迟与每 token 时间的分位数。
use guide_support::{Table, fixed, int, value};
use llm_arch::sim::{self, Policy, Report, Server, WorkloadSpec};
use llm_arch::{Gpu, ModelConfig};

fn ms(us: f64) -> String {
    fixed(us / 1000.0, 1)
}

fn pct(r: &Report, p: u32) -> (String, String) {
    let ttft = sim::percentile(&r.ttft, p).map_or(0.0, |v| v as f64);
    let tpot = sim::percentile(&r.tpot, p).unwrap_or(0.0);
    (ms(ttft), ms(tpot))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cfg = ModelConfig::load("book/data/configs/llama-3-8b.toml")?;
    let h100 = Gpu::load_all("book/data/hardware.toml")?
        .into_iter()
        .find(|g| g.key == "h100")
        .ok_or("hardware.toml 里没有 h100")?;

    // ANCHOR: cost
    // 一步的耗时 = a + b·新 token 数 + c·读的缓存 token 数（µs），系数来自屋顶线：
    // a 把 bf16 权重读一遍，b 是一个 token 经过全部权重的 2N FLOP，c 读一个 token 的 KV。
    // 显存的 90% 给权重和 KV 缓存（vLLM 的默认比例），每批最多 256 个序列，
    // 每步最多预填充 8192 个提示 token。
    let server = Server::for_model(&cfg, &h100, 90, 256, 8192)?;
    let (cost, kv_tokens) = (server.cost, server.kv_tokens);
    // ANCHOR_END: cost
    println!(
        "Llama 3 8B（bf16）在一张 H100 上：a = {} µs，b = {} µs/token，c = {} µs/缓存 token",
        fixed(cost.base, 1),
        fixed(cost.per_token, 2),
        fixed(cost.per_context, 4)
    );
    println!(
        "KV 缓存容量 {} token；按最长 {} token 预留时最多 {} 个序列",
        int(kv_tokens),
        int(server.max_len),
        int(kv_tokens / server.max_len)
    );
    println!();

    // ANCHOR: run
    let policies = [
        ("静态批处理", Policy::Static),
        ("连续批处理", Policy::Continuous),
        ("连续批处理 + 分页（块 16）", Policy::Paged { block: 16 }),
    ];
    let mut values: Vec<(String, String)> = vec![("slots".into(), int(kv_tokens / server.max_len))];
    for rate in [4.0, 12.0, 32.0] {
        let spec = WorkloadSpec {
            seed: 2026,
            requests: 1000,
            rate,
            prompt: (64, 4096),
            output: (16, 1024),
        };
        let requests = sim::workload(&spec)?;
        // ANCHOR_END: run
        let mut t = Table::numeric([
            "策略",
            "吞吐 (token/s)",
            "TTFT p50",
            "p90",
            "p99",
            "TPOT p50",
            "p90",
            "p99",
            "峰值批",
            "KV 利用率",
            "抢占",
        ]);
        for (name, policy) in policies {
            let r = sim::simulate(&requests, policy, &server)?;
            let (t50, o50) = pct(&r, 50);
            let (t90, o90) = pct(&r, 90);
            let (t99, o99) = pct(&r, 99);
            t.row([
                name.to_string(),
                fixed(r.throughput, 0),
                t50.clone(),
                t90,
                t99.clone(),
                o50.clone(),
                o90,
                o99.clone(),
                int(r.peak_batch),
                guide_support::num::percent(r.kv_utilisation, 1),
                int(r.preemptions),
            ]);
            let key = match policy {
                Policy::Static => "static",
                Policy::Continuous => "continuous",
                Policy::Paged { .. } => "paged",
            };
            let tag = format!("{key}_{}", rate as u32);
            values.push((format!("{tag}_tput"), fixed(r.throughput, 0)));
            values.push((format!("{tag}_ttft50"), t50));
            values.push((format!("{tag}_ttft99"), t99));
            values.push((format!("{tag}_tpot50"), o50));
            values.push((format!("{tag}_tpot99"), o99));
            values.push((
                format!("{tag}_kv"),
                guide_support::num::percent(r.kv_utilisation, 1),
            ));
            values.push((format!("{tag}_peak"), int(r.peak_batch)));
            values.push((format!("{tag}_preempt"), int(r.preemptions)));
        }
        let tokens: u64 = requests.iter().map(|r| r.output).sum();
        println!(
            "到达率 {} 个请求/s，{} 个请求，共 {} 个输出 token（时间单位 ms）",
            fixed(rate, 0),
            int(requests.len() as u64),
            int(tokens)
        );
        print!("{}", t.text());
        println!();
        values.push((
            format!("demand_{}", rate as u32),
            fixed(rate * tokens as f64 / requests.len() as f64, 0),
        ));
    }
    for (k, v) in values {
        value(&k, v);
    }
    Ok(())
}
