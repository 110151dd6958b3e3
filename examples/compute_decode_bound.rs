//! 估算 7B 模型单路解码速度的显存带宽上限：量化带来的加速倍数取决于拿哪种精度作基线。

use guide_support::{Table, fixed, int};

// ANCHOR: bound
/// 批大小为 1 的自回归解码：每生成一个 token，所有权重都要从显存读一遍，
/// 所以 token/s 不可能超过 带宽 / 权重字节数(忽略 KV 缓存和激活)。
fn decode_tokens_per_s_upper(params: f64, bytes_per_param: f64, bandwidth: f64) -> f64 {
    bandwidth / (params * bytes_per_param)
}
// ANCHOR_END: bound

fn main() {
    let params = 7e9;
    let bandwidth = 2039e9; // A100 80GB SXM 的显存带宽：2,039 GB/s
    let formats = [("fp32", 4.0), ("bf16", 2.0), ("int8", 1.0), ("int4", 0.5)];
    let base_fp32 = decode_tokens_per_s_upper(params, 4.0, bandwidth);
    let base_bf16 = decode_tokens_per_s_upper(params, 2.0, bandwidth);
    let mut t = Table::numeric([
        "权重格式",
        "权重大小 (GB)",
        "token/s 上限",
        "相对 fp32",
        "相对 bf16",
    ]);
    for (name, bytes) in formats {
        let tps = decode_tokens_per_s_upper(params, bytes, bandwidth);
        t.row([
            name.to_string(),
            fixed(params * bytes / 1e9, 1),
            fixed(tps, 1),
            format!("{}×", fixed(tps / base_fp32, 1)),
            format!("{}×", fixed(tps / base_bf16, 1)),
        ]);
    }
    print!("{}", t.markdown());
    println!();
    println!(
        "假设：7B 参数，A100 80GB SXM，显存带宽 {} GB/s，批大小 1；真实吞吐低于上限。",
        int(libm::round(bandwidth / 1e9) as i64)
    );
}
