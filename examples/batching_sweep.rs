//! 把到达率从每秒 2 个请求扫到 40 个，画出三种调度策略的吞吐与首 token 延迟中位数（与 batching_sim 相同的服务器和请求分布）。
use guide_support::plot::{self, Figure};
use guide_support::{Table, fixed, value};
use llm_arch::sim::{self, Policy, Server, WorkloadSpec};
use llm_arch::{Gpu, ModelConfig};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cfg = ModelConfig::load("book/data/configs/llama-3-8b.toml")?;
    let h100 = Gpu::load_all("book/data/hardware.toml")?
        .into_iter()
        .find(|g| g.key == "h100")
        .ok_or("hardware.toml 里没有 h100")?;
    let server = Server::for_model(&cfg, &h100, 90, 256, 8192)?;
    let policies = [
        ("静态批处理", Policy::Static),
        ("连续批处理", Policy::Continuous),
        ("连续 + 分页", Policy::Paged { block: 16 }),
    ];
    let rates = [2.0, 4.0, 8.0, 12.0, 16.0, 20.0, 24.0, 28.0, 32.0, 40.0];
    let mut throughput: Vec<(String, Vec<(f64, f64)>)> = Vec::new();
    let mut ttft: Vec<(String, Vec<(f64, f64)>)> = Vec::new();
    let mut t = Table::numeric(["到达率（请求/s）", "静态", "连续", "连续 + 分页"]);
    let mut rows: Vec<Vec<String>> = rates.iter().map(|r| vec![fixed(*r, 0)]).collect();
    for (name, policy) in policies {
        let (mut tp, mut tt) = (Vec::new(), Vec::new());
        for (i, &rate) in rates.iter().enumerate() {
            let spec = WorkloadSpec {
                seed: 2026,
                requests: 1000,
                rate,
                prompt: (64, 4096),
                output: (16, 1024),
            };
            let r = sim::simulate(&sim::workload(&spec)?, policy, &server)?;
            let p50 = sim::percentile(&r.ttft, 50).unwrap_or(0) as f64 / 1e6;
            tp.push((rate, r.throughput));
            tt.push((rate, p50));
            rows[i].push(format!(
                "{}（TTFT p50 {} s）",
                fixed(r.throughput, 0),
                fixed(p50, 2)
            ));
        }
        throughput.push((name.to_string(), tp));
        ttft.push((name.to_string(), tt));
    }
    for row in rows {
        t.row(row);
    }
    print!("{}", t.text());
    let svg = plot::line_chart(
        &Figure {
            title: "吞吐随到达率的变化",
            x_label: "到达率（请求/s）",
            y_label: "吞吐（token/s）",
            ..Figure::default()
        },
        &plot::series(&throughput),
    );
    plot::print_figure("throughput", &svg);
    // 首 token 延迟只画连续批处理的两种：静态批处理的几十到几百秒会把纵轴压平
    let svg = plot::line_chart(
        &Figure {
            title: "首 token 延迟中位数",
            x_label: "到达率（请求/s）",
            y_label: "TTFT p50（s）",
            ..Figure::default()
        },
        &plot::series(&ttft[1..]),
    );
    plot::print_figure("ttft", &svg);
    let at =
        |series: &[(f64, f64)], rate: f64| series.iter().find(|p| p.0 == rate).map_or(0.0, |p| p.1);
    value("paged_40", fixed(at(&throughput[2].1, 40.0), 0));
    value("continuous_40", fixed(at(&throughput[1].1, 40.0), 0));
    value(
        "static_max",
        fixed(throughput[0].1.iter().map(|p| p.1).fold(0.0, f64::max), 0),
    );
    Ok(())
}
