//! 估算图文模型每个样本的训练算力是同样文本纯语言训练的几倍：倍数取决于视觉 token 数、文本长度和编码器是否参与训练。

use guide_support::num::human;
use guide_support::{Align, Table, fixed, int};

// ANCHOR: cost
/// 一个图文训练样本的设定。
struct Sample {
    name: &'static str,
    lm_params: f64,      // 语言模型参数量 N_lm
    encoder_params: f64, // 视觉编码器参数量 N_enc
    encoder_trained: bool,
    patches: u64,       // 视觉编码器处理的 patch 数 P(所有图像/帧合计)
    visual_tokens: u64, // 送进语言模型序列的视觉 token 数 T_vis
    text_tokens: u64,   // 文本 token 数 T_txt
}

/// 同样的文本只训练语言模型：6·N_lm·T_txt。
fn text_only_flops(s: &Sample) -> f64 {
    6.0 * s.lm_params * s.text_tokens as f64
}

/// 图文样本：语言模型处理 T_txt + T_vis 个 token(前向 + 反向，6N/token)；
/// 编码器处理 P 个 patch：参与训练时 6N/patch，冻结时只做前向 2N/patch。
/// 忽略注意力里随序列长度平方增长的项(序列越长，真实倍数越大)。
fn multimodal_flops(s: &Sample) -> f64 {
    let lm = 6.0 * s.lm_params * (s.text_tokens + s.visual_tokens) as f64;
    let per_patch = if s.encoder_trained { 6.0 } else { 2.0 };
    lm + per_patch * s.encoder_params * s.patches as f64
}
// ANCHOR_END: cost

fn main() {
    const LM: f64 = 7e9; // 70 亿参数的语言模型
    const VIT_L: f64 = 0.3e9; // ViT-L/14 量级的编码器
    const VIT_G: f64 = 1.0e9; // ViT-g 量级的编码器
    let samples = [
        Sample {
            name: "576 个 patch 直接进 LM，长回答",
            lm_params: LM,
            encoder_params: VIT_L,
            encoder_trained: false,
            patches: 576,
            visual_tokens: 576,
            text_tokens: 200,
        },
        Sample {
            name: "576 个 patch 直接进 LM，短标题",
            lm_params: LM,
            encoder_params: VIT_L,
            encoder_trained: false,
            patches: 576,
            visual_tokens: 576,
            text_tokens: 20,
        },
        Sample {
            name: "重采样到 64 个 token",
            lm_params: LM,
            encoder_params: VIT_L,
            encoder_trained: false,
            patches: 576,
            visual_tokens: 64,
            text_tokens: 100,
        },
        Sample {
            name: "网页图文交错：每 500 个文本 token 一张图",
            lm_params: LM,
            encoder_params: VIT_L,
            encoder_trained: false,
            patches: 576,
            visual_tokens: 64,
            text_tokens: 500,
        },
        Sample {
            name: "8 帧视频，每帧 64 个 token",
            lm_params: LM,
            encoder_params: VIT_L,
            encoder_trained: false,
            patches: 8 * 576,
            visual_tokens: 8 * 64,
            text_tokens: 100,
        },
        Sample {
            name: "编码器一起训练（1B），64 个 token",
            lm_params: LM,
            encoder_params: VIT_G,
            encoder_trained: true,
            patches: 576,
            visual_tokens: 64,
            text_tokens: 100,
        },
    ];
    let mut t = Table::new([
        "场景",
        "N_lm",
        "N_enc",
        "编码器",
        "P",
        "T_vis",
        "T_txt",
        "相对纯文本的倍数",
    ])
    .align([
        Align::Left,
        Align::Right,
        Align::Right,
        Align::Left,
        Align::Right,
        Align::Right,
        Align::Right,
        Align::Right,
    ]);
    for s in &samples {
        let ratio = multimodal_flops(s) / text_only_flops(s);
        t.row([
            s.name.to_string(),
            human(s.lm_params as u128, 0),
            human(s.encoder_params as u128, 0),
            if s.encoder_trained {
                "训练"
            } else {
                "冻结"
            }
            .to_string(),
            int(s.patches as i64),
            int(s.visual_tokens as i64),
            int(s.text_tokens as i64),
            format!("{}×", fixed(ratio, 2)),
        ]);
    }
    print!("{}", t.markdown());
}
