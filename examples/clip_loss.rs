//! 在同一个带种子的批次上对比 CLIP 的对称对比损失(归一化、可学习温度、双向平均)与大纲的单向固定温度写法。

use guide_support::num::{matrix, vector};
use guide_support::rng::{GuideRng, normal, seeded};
use guide_support::{f4, value};

/// 一批嵌入：每行一个样本。
type Batch = Vec<Vec<f64>>;

/// 生成 n 对"图像-文本"嵌入：图像嵌入 = 放大的(文本嵌入 + 噪声)，
/// 这样配对的两行方向相近，但长度(范数)各不相同。
fn make_batch(rng: &mut GuideRng, n: usize, d: usize) -> (Batch, Batch) {
    let mut images = Vec::new();
    let mut texts = Vec::new();
    for i in 0..n {
        let t: Vec<f64> = (0..d).map(|_| normal(rng)).collect();
        let gain = 1.5 + i as f64; // 每张图像的范数不同
        let img: Vec<f64> = t.iter().map(|&x| gain * (x + 0.8 * normal(rng))).collect();
        texts.push(t);
        images.push(img);
    }
    (images, texts)
}

fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

// ANCHOR: helpers
/// 每行除以自己的 L2 范数(numpy: x / np.linalg.norm(x, axis=1, keepdims=True))。
fn l2_normalize(x: &Batch) -> Batch {
    x.iter()
        .map(|row| {
            let n = norm(row);
            row.iter().map(|v| v / n).collect()
        })
        .collect()
}

/// A·Bᵀ，再乘以 scale:logits[i][j] = scale · <a_i, b_j>。
fn scaled_gram(a: &Batch, b: &Batch, scale: f64) -> Batch {
    a.iter()
        .map(|ai| {
            b.iter()
                .map(|bj| scale * ai.iter().zip(bj).map(|(x, y)| x * y).sum::<f64>())
                .collect()
        })
        .collect()
}

fn transpose(m: &Batch) -> Batch {
    (0..m[0].len())
        .map(|j| m.iter().map(|row| row[j]).collect())
        .collect()
}

/// log Σ_j exp(x_j)，先减去最大值，任何大小的 logits 都不会溢出。
fn log_sum_exp(row: &[f64]) -> f64 {
    let m = row.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    m + libm::log(row.iter().map(|&x| libm::exp(x - m)).sum::<f64>())
}

/// 标签为 0..n(第 i 行的正确答案是第 i 列)时的平均交叉熵，
/// 即 PyTorch 的 cross_entropy(logits, arange(n))。
fn cross_entropy_diag(logits: &Batch) -> f64 {
    let n = logits.len() as f64;
    logits
        .iter()
        .enumerate()
        .map(|(i, row)| log_sum_exp(row) - row[i])
        .sum::<f64>()
        / n
}
// ANCHOR_END: helpers

// ANCHOR: clip
/// CLIP 的缩放上限：exp(t) 不超过 100(训练时把 t 截断在 ln 100 以下)。
const MAX_LOGIT_SCALE: f64 = 100.0;

/// CLIP 的对称损失(Radford et al., 2021，图 3 的伪代码)。
/// `t` 是可学习的对数温度参数，缩放系数为 exp(t)。
/// 返回 (图像→文本，文本→图像，两者平均)。
fn clip_loss(images: &Batch, texts: &Batch, t: f64) -> (f64, f64, f64) {
    let scale = libm::exp(t).min(MAX_LOGIT_SCALE);
    let logits_per_image = scaled_gram(&l2_normalize(images), &l2_normalize(texts), scale);
    let logits_per_text = transpose(&logits_per_image);
    let loss_i = cross_entropy_diag(&logits_per_image); // 每张图像在 n 段文本中找自己的那段
    let loss_t = cross_entropy_diag(&logits_per_text); // 每段文本在 n 张图像中找自己的那张
    (loss_i, loss_t, (loss_i + loss_t) / 2.0)
}
// ANCHOR_END: clip

// ANCHOR: outline
/// 大纲的写法：不归一化，温度固定为 0.1，只算"文本→图像"一个方向。
fn outline_loss(texts: &Batch, images: &Batch, temperature: f64) -> f64 {
    let logits = scaled_gram(texts, images, 1.0 / temperature);
    cross_entropy_diag(&logits)
}
// ANCHOR_END: outline

fn max_abs(m: &Batch) -> f64 {
    m.iter().flatten().fold(0.0, |acc: f64, x| acc.max(x.abs()))
}

/// 每行最大值所在的列(numpy: logits.argmax(axis=1))。
fn argmax_rows(m: &Batch) -> Vec<usize> {
    m.iter()
        .map(|row| (0..row.len()).fold(0, |best, j| if row[j] > row[best] { j } else { best }))
        .collect()
}

fn main() {
    let (n, d) = (4, 6);
    let mut rng = seeded(2021);
    let (images, texts) = make_batch(&mut rng, n, d);

    println!("批大小 N = {n}，嵌入维度 d = {d}");
    let img_norms: Vec<f64> = images.iter().map(|r| norm(r)).collect();
    let txt_norms: Vec<f64> = texts.iter().map(|r| norm(r)).collect();
    println!("图像嵌入的 L2 范数：{}", vector(&img_norms, 4));
    println!("文本嵌入的 L2 范数：{}", vector(&txt_norms, 4));

    let cos = scaled_gram(&l2_normalize(&images), &l2_normalize(&texts), 1.0);
    println!("余弦相似度 I·Tᵀ（行 = 图像，列 = 文本）：");
    println!("{}", matrix(&cos, 4, 2));
    println!();

    // ANCHOR: compare
    let t0 = libm::log(1.0 / 0.07); // CLIP 的初始化：温度 0.07
    let (loss_i, loss_t, loss) = clip_loss(&images, &texts, t0);
    let naive = outline_loss(&texts, &images, 0.1);
    // ANCHOR_END: compare
    println!("CLIP：归一化 + 可学习温度 + 双向平均");
    value("clip_t0", f4(t0));
    value("clip_scale0", f4(libm::exp(t0)));
    value("clip_loss_img2txt", f4(loss_i));
    value("clip_loss_txt2img", f4(loss_t));
    value("clip_loss", f4(loss));
    let clip_logits = scaled_gram(&l2_normalize(&images), &l2_normalize(&texts), libm::exp(t0));
    value("clip_max_logit", f4(max_abs(&clip_logits)));
    // 检索结果：每张图像得分最高的文本、每段文本得分最高的图像(正确答案都是 [0, 1, 2, 3])
    let img2txt = argmax_rows(&clip_logits);
    let txt2img = argmax_rows(&transpose(&clip_logits));
    value("retrieval_clip_img2txt", format!("{img2txt:?}"));
    value("retrieval_clip", format!("{txt2img:?}"));
    println!();

    println!("大纲：不归一化 + 温度 0.1 + 只算文本→图像");
    value("outline_loss", f4(naive));
    let outline_logits = scaled_gram(&texts, &images, 10.0);
    value("outline_max_logit", f4(max_abs(&outline_logits)));
    value(
        "retrieval_outline",
        format!("{:?}", argmax_rows(&outline_logits)),
    );
    println!();

    // ANCHOR: rescale
    // 把第 0 张图像的嵌入整体放大 3 倍：方向不变，只有长度变了。
    let mut scaled = images.clone();
    scaled[0].iter_mut().for_each(|x| *x *= 3.0);
    let (_, _, loss_scaled) = clip_loss(&scaled, &texts, t0);
    let naive_scaled = outline_loss(&texts, &scaled, 0.1);
    // ANCHOR_END: rescale
    println!("把第 0 张图像的嵌入放大 3 倍之后：");
    value("clip_loss_rescaled", f4(loss_scaled));
    value("outline_loss_rescaled", f4(naive_scaled));
    println!();

    println!("对数温度 t 与损失（缩放系数 exp(t) 在 100 处截断）：");
    for (label, t) in [
        ("t = 0", 0.0),
        ("t = ln(1/0.07)", t0),
        ("t = ln 50", libm::log(50.0)),
        ("t = ln 100", libm::log(100.0)),
        ("t = ln 1000", libm::log(1000.0)),
    ] {
        let scale = libm::exp(t).min(MAX_LOGIT_SCALE);
        let (_, _, l) = clip_loss(&images, &texts, t);
        println!("  {label:<15} 缩放 = {:>8}  损失 = {}", f4(scale), f4(l));
    }
}
