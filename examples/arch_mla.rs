//! DeepSeek-V3 的多头潜在注意力（MLA）：每层投影的参数、每个 token 只缓存 d_c + d_R 个数，以及把 W_UK 吸收进查询的恒等式。
use guide_support::num::human;
use guide_support::{Table, f6, fixed, int, rng, sci, value};
use llm_arch::{ModelConfig, kv, params};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let ds = ModelConfig::load("book/data/configs/deepseek-v3.toml")?;
    let m = ds.mla().ok_or("DeepSeek-V3 的配置应当有 MLA 字段")?;
    let (d, h) = (ds.hidden_size, ds.num_attention_heads);
    let q_r = m.q_lora_rank.ok_or("DeepSeek-V3 压缩查询")?;
    let qk = m.qk_nope_head_dim + m.qk_rope_head_dim;

    // ANCHOR: params
    let parts = [
        ("W_DQ：h → c_Q", d, q_r),
        ("W_UQ 与 W_QR：c_Q → 各头的 q", q_r, h * qk),
        (
            "W_DKV 与 W_KR：h → c_KV 与共享的 k_R",
            d,
            m.kv_lora_rank + m.qk_rope_head_dim,
        ),
        (
            "W_UK 与 W_UV：c_KV → 各头的 k_C、v",
            m.kv_lora_rank,
            h * (m.qk_nope_head_dim + m.v_head_dim),
        ),
        ("W_O：各头输出 → h", h * m.v_head_dim, d),
    ];
    // ANCHOR_END: params
    let mut t = Table::numeric(["矩阵", "输入", "输出", "参数"]);
    let mut sum = 0;
    for (name, i, o) in parts {
        t.row([name.to_string(), int(i), int(o), int(i * o)]);
        sum += i * o;
    }
    let norms = q_r + m.kv_lora_rank; // c_Q 与 c_KV 上的 RMSNorm
    t.row([
        "c_Q、c_KV 上的 RMSNorm".to_string(),
        String::new(),
        String::new(),
        int(norms),
    ]);
    t.row([
        "每层合计".to_string(),
        String::new(),
        String::new(),
        int(sum + norms),
    ]);
    print!("{}", t.text());
    assert_eq!(
        sum + norms,
        params::attention_layer(&ds),
        "与 llm-arch 的计数不一致"
    );
    println!();

    // ANCHOR: cache
    let per_layer_mla = m.kv_lora_rank + m.qk_rope_head_dim;
    let per_layer_mha = h * (qk + m.v_head_dim);
    // ANCHOR_END: cache
    let others = ModelConfig::load_all("book/data/configs", &["llama-3-8b", "llama-3-70b"])?;
    let mut t = Table::numeric([
        "方案",
        "每层每 token 缓存的数",
        "全部层（bf16）",
        "128k token",
    ]);
    let row = |t: &mut Table, name: String, per_layer: u64, layers: u64| {
        let bytes = per_layer * layers * 2;
        t.row([
            name,
            int(per_layer),
            format!("{} KiB", fixed(bytes as f64 / 1024.0, 1)),
            format!("{} GB", fixed((bytes * 131_072) as f64 / 1e9, 1)),
        ]);
    };
    row(
        &mut t,
        "DeepSeek-V3，MLA：d_c + d_R".to_string(),
        per_layer_mla,
        ds.num_hidden_layers,
    );
    row(
        &mut t,
        "DeepSeek-V3 若用 MHA：H·(192 + 128)".to_string(),
        per_layer_mha,
        ds.num_hidden_layers,
    );
    for c in &others {
        row(
            &mut t,
            format!("{}，GQA：2·{}·{}", c.name, c.kv_heads(), c.head_dim()),
            2 * c.kv_heads() * c.head_dim(),
            c.num_hidden_layers,
        );
    }
    print!("{}", t.text());
    assert_eq!(
        per_layer_mla * ds.num_hidden_layers * 2,
        kv::bytes_per_token(&ds, 2)
    );
    println!();

    // ANCHOR: absorb
    // 推理时不必把 c_KV 展开成 k_C：q_C·(W_UK c) = (W_UKᵀ q_C)·c，
    // 把 W_UK 乘进查询，注意力就直接对缓存的潜向量 c 计算
    let (dc, dn) = (4, 3);
    let mut r = rng::seeded(5);
    let w_uk: Vec<f64> = (0..dn * dc).map(|_| rng::normal(&mut r)).collect(); // dn × dc
    let c: Vec<f64> = (0..dc).map(|_| rng::normal(&mut r)).collect();
    let q: Vec<f64> = (0..dn).map(|_| rng::normal(&mut r)).collect();
    let k: Vec<f64> = (0..dn)
        .map(|i| (0..dc).map(|j| w_uk[i * dc + j] * c[j]).sum())
        .collect();
    let q_absorbed: Vec<f64> = (0..dc)
        .map(|j| (0..dn).map(|i| w_uk[i * dc + j] * q[i]).sum())
        .collect();
    let direct: f64 = q.iter().zip(&k).map(|(a, b)| a * b).sum();
    let absorbed: f64 = q_absorbed.iter().zip(&c).map(|(a, b)| a * b).sum();
    // ANCHOR_END: absorb
    println!("先展开 k_C 再点积：{}", f6(direct));
    println!("吸收 W_UK 后对 c 点积：{}", f6(absorbed));
    println!("两者之差：{}", sci((direct - absorbed).abs(), 1));

    value("q_rank", int(q_r));
    value("kv_rank", int(m.kv_lora_rank));
    value("rope_dim", int(m.qk_rope_head_dim));
    value("per_layer_mla", int(per_layer_mla));
    value("per_layer_mha", int(per_layer_mha));
    value(
        "ratio",
        fixed(per_layer_mha as f64 / per_layer_mla as f64, 1),
    );
    value("bytes_per_token", int(kv::bytes_per_token(&ds, 2)));
    value(
        "attn_layer_m",
        human(u128::from(params::attention_layer(&ds)), 1),
    );
    let l70 = &others[1];
    value(
        "vs_llama70b",
        fixed(
            kv::bytes_per_token(l70, 2) as f64 / kv::bytes_per_token(&ds, 2) as f64,
            2,
        ),
    );
    Ok(())
}
