//! 练习参考答案：MHA、GQA、MQA 的注意力投影参数量与每个 token 的 KV 缓存大小。
use guide_support::{Table, int};

/// 一层注意力投影的参数量(无偏置)：W_q 与 W_o 各 D×(H·dk),W_k 与 W_v 各 D×(H_kv·dk)。
fn attn_params(d: u64, heads: u64, kv_heads: u64, dk: u64) -> u64 {
    2 * d * heads * dk + 2 * d * kv_heads * dk
}

/// 每个 token 在所有层里缓存的 K 和 V(fp16,2 字节)。
fn kv_bytes_per_token(layers: u64, kv_heads: u64, dk: u64) -> u64 {
    layers * 2 * kv_heads * dk * 2
}

fn main() {
    // 与 Llama-2-7B 相同的形状：D = 4096,32 层，32 个查询头，每头 128 维
    let (d, layers, heads, dk, ctx) = (4096, 32, 32, 128, 4096);
    let mut t = Table::numeric([
        "方案",
        "K/V 头数",
        "每层投影参数",
        "KV 缓存/token",
        "4096 token 的缓存",
    ]);
    for (name, kv) in [("MHA", 32), ("GQA", 8), ("MQA", 1)] {
        let per_token = kv_bytes_per_token(layers, kv, dk);
        t.row([
            name.to_string(),
            kv.to_string(),
            int(attn_params(d, heads, kv, dk)),
            format!("{} KiB", int(per_token / 1024)),
            format!("{} MiB", int(per_token * ctx / (1024 * 1024))),
        ]);
    }
    print!("{}", t.text());
}
