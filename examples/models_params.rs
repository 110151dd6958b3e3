//! 用整数运算按配置计算 BERT、GPT、T5 的参数量，先用小型号的公开数字核对公式，再算 BERT-large、GPT-3、T5-11B。
use guide_support::num::human;
use guide_support::{Table, int, value};

// ANCHOR: bert
/// BERT(编码器)：V 词表，P 位置数，d 隐藏维，f 前馈宽度，l 层数。
pub(crate) fn bert_params(v: u64, p: u64, d: u64, f: u64, l: u64) -> u64 {
    let embeddings = (v + p + 2) * d + 2 * d; // 词、位置、两种句段嵌入 + LayerNorm
    let attention = 4 * (d * d + d) + 2 * d; // Q K V O 四个投影 + LayerNorm
    let ffn = (d * f + f) + (f * d + d) + 2 * d; // 两层全连接 + LayerNorm
    let pooler = d * d + d; // [CLS] 上的全连接
    embeddings + l * (attention + ffn) + pooler
}
// ANCHOR_END: bert

// ANCHOR: gpt
/// GPT(解码器，输出层与词嵌入共享)：n_ctx 位置数，前馈宽度固定为 4d。
pub(crate) fn gpt_params(v: u64, n_ctx: u64, d: u64, l: u64) -> u64 {
    let per_layer = 12 * d * d + 13 * d; // 注意力 4d²+4d，前馈 8d²+5d，两个 LayerNorm 4d
    v * d + n_ctx * d + l * per_layer + 2 * d // 末尾还有一个 LayerNorm
}
// ANCHOR_END: gpt

// ANCHOR: t5
/// T5 v1.0(编码器-解码器，无偏置，RMSNorm 只有权重，输入输出嵌入共享)。
/// h 头数，k 每头维度(d_kv)，le/ld 编码器/解码器层数。
pub(crate) fn t5_params(v: u64, d: u64, f: u64, h: u64, k: u64, le: u64, ld: u64) -> u64 {
    let attn = 4 * d * h * k; // Q K V O，内部维度 h·k 不一定等于 d
    let ffn = 2 * d * f;
    let encoder = le * (attn + ffn + 2 * d); // 自注意力 + 前馈 + 两个 RMSNorm
    let decoder = ld * (2 * attn + ffn + 3 * d); // 多一个交叉注意力和一个 RMSNorm
    let rel_bias = 2 * 32 * h; // 每个栈一张 32 桶 × h 头的相对位置偏置表
    v * d + encoder + decoder + 2 * d + rel_bias // 2d：两个栈末尾的 RMSNorm
}
// ANCHOR_END: t5

fn main() {
    // ANCHOR: check
    // 先用能在 Hugging Face 上数出来的小型号核对公式
    let checks = [
        (
            "BERT-base",
            bert_params(30522, 512, 768, 3072, 12),
            109_482_240,
        ),
        (
            "GPT-2 (124M)",
            gpt_params(50257, 1024, 768, 12),
            124_439_808,
        ),
        (
            "t5-small",
            t5_params(32128, 512, 2048, 8, 64, 6, 6),
            60_506_624,
        ),
        (
            "t5-base",
            t5_params(32128, 768, 3072, 12, 64, 12, 12),
            222_903_552,
        ),
    ];
    for (name, computed, published) in checks {
        assert_eq!(computed, published, "{name} 的公式与公开数字不符");
    }
    // ANCHOR_END: check
    let mut t = Table::numeric(["型号", "公式计算", "公开数字"]);
    for (name, computed, published) in checks {
        t.row([name.to_string(), int(computed), int(published)]);
    }
    print!("{}", t.text());
    println!("ok");
    println!();

    // ANCHOR: big
    let bert_large = bert_params(30522, 512, 1024, 4096, 24);
    let gpt3 = gpt_params(50257, 2048, 12288, 96);
    let t5_11b = t5_params(32128, 1024, 65536, 128, 128, 24, 24);
    // ANCHOR_END: big
    let mut t = Table::numeric(["模型", "大纲所写", "按配置计算", "约合"]);
    for (name, typed, n) in [
        ("BERT-large", "340M", bert_large),
        ("GPT-3", "175B", gpt3),
        ("T5-11B", "11B", t5_11b),
    ] {
        t.row([
            name.to_string(),
            typed.to_string(),
            int(n),
            human(u128::from(n), 1),
        ]);
    }
    print!("{}", t.text());
    println!();

    // GPT-3 的参数几乎全在 96 层里；词嵌入只占很小一部分
    let gpt3_embed = 50257 * 12288 + 2048 * 12288;
    value("bert_large", int(bert_large));
    value("gpt3", int(gpt3));
    value("t5_11b", int(t5_11b));
    value("bert_large_h", human(u128::from(bert_large), 1));
    value("gpt3_h", human(u128::from(gpt3), 1));
    value("t5_11b_h", human(u128::from(t5_11b), 1));
    value(
        "gpt3_embed_share",
        guide_support::num::percent(gpt3_embed as f64 / gpt3 as f64, 2),
    );
}
