//! 练习参考答案：改变每个 token 选的专家数 k，Mixtral 与 DeepSeek-V3 的总参数不变，激活参数按 k 线性变化。
use guide_support::num::human;
use guide_support::{Table, int};
use llm_arch::{ModelConfig, params};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut t = Table::numeric(["模型", "k", "总参数", "激活参数", "激活占比"]);
    for (stem, ks) in [
        ("mixtral-8x7b", vec![1, 2, 4, 8]),
        ("deepseek-v3", vec![4, 8, 16]),
    ] {
        let base = ModelConfig::load(format!("book/data/configs/{stem}.toml"))?;
        for k in ks {
            let mut c = base.clone();
            c.num_experts_per_tok = Some(k);
            c.validate()?; // k 不能超过专家数
            let p = params::count(&c);
            t.row([
                c.name.clone(),
                int(k),
                human(u128::from(p.total()), 2),
                human(u128::from(p.active()), 2),
                guide_support::num::percent(p.active() as f64 / p.total() as f64, 1),
            ]);
        }
    }
    print!("{}", t.text());
    // 每多选一个专家，每个 MoE 层多 3·d·F 个激活参数
    let mix = ModelConfig::load("book/data/configs/mixtral-8x7b.toml")?;
    let ds = ModelConfig::load("book/data/configs/deepseek-v3.toml")?;
    let per_expert = |c: &ModelConfig| {
        let m = c.moe().expect("MoE 模型");
        let layers = (0..c.num_hidden_layers)
            .filter(|&i| c.is_moe_layer(i))
            .count() as u64;
        layers * params::swiglu(c.hidden_size, m.expert_width)
    };
    println!("Mixtral 每多选一个专家：+{}", int(per_expert(&mix)));
    println!("DeepSeek-V3 每多选一个专家：+{}", int(per_expert(&ds)));
    Ok(())
}
