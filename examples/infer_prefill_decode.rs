//! prefill 与 decode 的算术强度：Llama 3 8B 一次处理多少 token、读多少字节，落在 A100 与 H100 屋顶线的哪一侧。
use guide_support::plot::{self, Figure};
use guide_support::{Table, fixed, int, value};
use llm_arch::{Gpu, ModelConfig, kv, params, roofline};

/// 一次前向的计算量与访存量。
struct Pass {
    flops: f64,
    bytes: f64,
}

// ANCHOR: passes
/// prefill：一次处理 p 个提示 token。每个权重读一次、参与 p 次乘加；
/// 第 j 个 token 对前 j 个 token 做注意力（平均 p/2 个）；写入 p 个 token 的 KV。
fn prefill(cfg: &ModelConfig, p: u64) -> Pass {
    let n = params::count(cfg).active_without_embedding() as f64;
    let flops = 2.0 * n * p as f64 + (roofline::attention_flops_per_token(cfg, p / 2) * p) as f64;
    let bytes = 2.0 * params::count(cfg).total() as f64 + (p * kv::bytes_per_token(cfg, 2)) as f64;
    Pass { flops, bytes }
}

/// decode：b 个序列各生成 1 个 token，每个序列已有 c 个 token 的 KV 要读。
fn decode(cfg: &ModelConfig, b: u64, c: u64) -> Pass {
    let n = params::count(cfg).active_without_embedding() as f64;
    let flops = b as f64 * (2.0 * n + roofline::attention_flops_per_token(cfg, c) as f64);
    let bytes =
        2.0 * params::count(cfg).total() as f64 + (b * c * kv::bytes_per_token(cfg, 2)) as f64;
    Pass { flops, bytes }
}
// ANCHOR_END: passes

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cfg = ModelConfig::load("book/data/configs/llama-3-8b.toml")?;
    let gpus = Gpu::load_all("book/data/hardware.toml")?;
    for g in &gpus {
        println!(
            "{}：{} GB/s，{} TFLOPS（BF16 稠密），屋脊点 {} FLOP/字节",
            g.name,
            int(g.bandwidth_gb_s),
            int(g.bf16_dense_tflops),
            fixed(g.ridge(), 1)
        );
    }
    println!();

    // ANCHOR: table
    let mut rows: Vec<(String, Pass)> = Vec::new();
    for p in [128, 512, 2048, 8192] {
        rows.push((format!("prefill {p} token"), prefill(&cfg, p)));
    }
    for b in [1, 8, 64, 256] {
        rows.push((
            format!("decode B = {b}，上下文 2048"),
            decode(&cfg, b, 2048),
        ));
    }
    let mut t = Table::numeric([
        "一次前向",
        "GFLOP",
        "读写 (GB)",
        "FLOP/字节",
        "A100 下限 (ms)",
        "H100 下限 (ms)",
        "H100 上受限于",
    ]);
    for (name, pass) in &rows {
        let intensity = pass.flops / pass.bytes;
        let time = |g: &Gpu| (pass.bytes / g.bandwidth()).max(pass.flops / g.flops()) * 1e3;
        let bound = if intensity < gpus[1].ridge() {
            "带宽"
        } else {
            "算力"
        };
        t.row([
            name.clone(),
            fixed(pass.flops / 1e9, 0),
            fixed(pass.bytes / 1e9, 2),
            fixed(intensity, 1),
            fixed(time(&gpus[0]), 2),
            fixed(time(&gpus[1]), 2),
            bound.to_string(),
        ]);
    }
    print!("{}", t.text());
    // ANCHOR_END: table

    // 屋顶线：可达算力 = min(峰值, 带宽 × 算术强度)；两轴都取 log₂，屋顶是两段直线
    let mut lines: Vec<(String, Vec<(f64, f64)>)> = gpus
        .iter()
        .map(|g| {
            let pts = (0..=56)
                .map(|i| {
                    let x = f64::from(i) / 4.0; // log₂ 强度，0..14
                    let attainable = (g.bandwidth() * libm::exp2(x)).min(g.flops()) / 1e12;
                    (x, libm::log2(attainable))
                })
                .collect();
            (g.name.clone(), pts)
        })
        .collect();
    // 表中的几次前向在 H100 屋顶线上的位置
    let h100 = &gpus[1];
    let on_roof = |p: &Pass| {
        let i = p.flops / p.bytes;
        (
            libm::log2(i),
            libm::log2((h100.bandwidth() * i).min(h100.flops()) / 1e12),
        )
    };
    let decode_pts = [1, 8, 64, 256]
        .iter()
        .map(|&b| on_roof(&decode(&cfg, b, 2048)))
        .collect();
    let prefill_pts = [128, 512, 2048, 8192]
        .iter()
        .map(|&p| on_roof(&prefill(&cfg, p)))
        .collect();
    lines.push(("decode，B = 1…256（H100）".to_string(), decode_pts));
    lines.push(("prefill，128…8192 token（H100）".to_string(), prefill_pts));
    let svg = plot::line_chart(
        &Figure {
            title: "屋顶线：A100 与 H100（BF16 稠密），Llama 3 8B",
            x_label: "log₂(算术强度 / (FLOP/字节))",
            y_label: "log₂(可达 TFLOPS)",
            ..Figure::default()
        },
        &plot::series(&lines),
    );
    plot::print_figure("roofline", &svg);

    let d1 = decode(&cfg, 1, 2048);
    let p2k = prefill(&cfg, 2048);
    value("ridge_a100", fixed(gpus[0].ridge(), 1));
    value("ridge_h100", fixed(gpus[1].ridge(), 1));
    value("decode1_intensity", fixed(d1.flops / d1.bytes, 2));
    value("prefill2k_intensity", fixed(p2k.flops / p2k.bytes, 0));
    let d64 = decode(&cfg, 64, 2048);
    let d256 = decode(&cfg, 256, 2048);
    value("decode64_intensity", fixed(d64.flops / d64.bytes, 0));
    value("decode256_intensity", fixed(d256.flops / d256.bytes, 0));
    value(
        "weights_gb",
        fixed(2.0 * params::count(&cfg).total() as f64 / 1e9, 1),
    );
    value(
        "decode1_h100_ms",
        fixed(d1.bytes / gpus[1].bandwidth() * 1e3, 2),
    );
    value(
        "prefill2k_h100_ms",
        fixed(
            (p2k.flops / gpus[1].flops()).max(p2k.bytes / gpus[1].bandwidth()) * 1e3,
            2,
        ),
    );
    Ok(())
}
