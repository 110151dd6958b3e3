//! 练习：同样的可训练参数预算，LoRA 只加在 q、v 上时秩可以开到多大；各线性层在 r = 16 时各占多少参数。

#[allow(dead_code)] // 本例不用 lora_math_params 的 main
#[path = "lora_math_params.rs"]
mod params;
use guide_support::num::percent;
use guide_support::{Table, int, value};
use params::{ALL_LINEAR, linears, load, lora_params};

fn main() -> Result<(), String> {
    let c = load("book/data/configs/qwen2.5-7b.toml")?;
    let budget = lora_params(&c, 16, &ALL_LINEAR);
    println!(
        "{}：r = 16、全部线性层的可训练参数 = {}",
        c.name,
        int(budget as i64)
    );

    let mut t = Table::numeric([
        "线性层",
        "d_in",
        "d_out",
        "r = 16 时的 LoRA 参数（全部层）",
        "占比",
    ]);
    for (name, i, o) in linears(&c) {
        let n = c.num_hidden_layers * 16 * (i + o);
        t.row([
            name.to_string(),
            int(i as i64),
            int(o as i64),
            int(n as i64),
            percent(n as f64 / budget as f64, 1),
        ]);
    }
    print!("{}", t.text());

    // 只加在 q、v 上：每单位秩的参数是 layers·((d_in+d_out)_q + (d_in+d_out)_v)。
    let per_rank = lora_params(&c, 1, &["q_proj", "v_proj"]);
    let r = budget / per_rank;
    println!(
        "只加在 q、v 上、不超过同样预算的最大秩 r = {}（{} 个参数）",
        r,
        int(lora_params(&c, r, &["q_proj", "v_proj"]) as i64)
    );
    value("qwen_budget", int(budget as i64));
    value("qv_rank", r.to_string());
    Ok(())
}
