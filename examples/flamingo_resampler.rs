//! 感知重采样器(Perceiver Resampler)的思路：固定数量的可学习隐向量去注意任意多帧的视觉特征，输出个数始终不变。

use guide_support::rng::seeded;
use guide_support::{Table, int};

// 矩阵小工具（随机初始化、矩阵乘、LayerNorm）来自同一章的 flamingo_gated_xattn。
#[allow(dead_code)]
#[path = "flamingo_gated_xattn.rs"]
mod xattn;
use xattn::{Mat, layer_norm, matmul, randn, shape};

fn add(a: &Mat, b: &Mat) -> Mat {
    a.iter()
        .zip(b)
        .map(|(x, y)| x.iter().zip(y).map(|(p, q)| p + q).collect())
        .collect()
}

/// 普通的单头注意力：queries 注意 keys_values，返回 (queries 行数，d)。
fn attention(queries: &Mat, keys_values: &Mat, wq: &Mat, wk: &Mat, wv: &Mat) -> Mat {
    let d = queries[0].len() as f64;
    let (q, k, v) = (
        matmul(queries, wq),
        matmul(keys_values, wk),
        matmul(keys_values, wv),
    );
    q.iter()
        .map(|qi| {
            let s: Vec<f64> = k
                .iter()
                .map(|kj| qi.iter().zip(kj).map(|(a, b)| a * b).sum::<f64>() / d.sqrt())
                .collect();
            let m = s.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            let e: Vec<f64> = s.iter().map(|&x| libm::exp(x - m)).collect();
            let z: f64 = e.iter().sum();
            (0..v[0].len())
                .map(|c| e.iter().zip(&v).map(|(p, vj)| p / z * vj[c]).sum())
                .collect()
        })
        .collect()
}

struct Resampler {
    latents: Mat,  // (R, d)：可学习的隐向量，个数 R 决定输出个数
    time_emb: Mat, // (最大帧数，d)：可学习的帧(时间)编码
    wq: Mat,
    wk: Mat,
    wv: Mat,
}

// ANCHOR: resample
impl Resampler {
    /// frames[t] 是第 t 帧的 S 个特征 (S, d)。单张图像就是只有一帧的视频。
    fn forward(&self, frames: &[Mat]) -> Mat {
        // 1. 每帧加上自己的时间编码，再把所有帧压平成 (T·S, d)
        let mut x_flat: Mat = Vec::new();
        for (t, frame) in frames.iter().enumerate() {
            for feat in frame {
                x_flat.push(
                    feat.iter()
                        .zip(&self.time_emb[t])
                        .map(|(a, b)| a + b)
                        .collect(),
                );
            }
        }
        // 2. 键/值 = [视觉特征；隐向量](论文的做法:隐向量也参与被注意)
        let mut kv = x_flat.clone();
        kv.extend(self.latents.iter().cloned());
        let kv = layer_norm(&kv);
        // 3. 查询只来自 R 个隐向量，所以输出恒为 (R, d)
        let update = attention(
            &layer_norm(&self.latents),
            &kv,
            &self.wq,
            &self.wk,
            &self.wv,
        );
        println!(
            "  视觉特征压平 {} + 隐向量 {} → 键/值 {}",
            shape(&x_flat),
            shape(&self.latents),
            shape(&kv)
        );
        add(&self.latents, &update) // 残差连接；真实模型还有前馈层并堆叠多层
    }
}
// ANCHOR_END: resample

fn main() {
    let (d, r, s) = (8, 4, 9); // 维度、隐向量个数、每帧特征数(3×3 网格)
    let mut rng = seeded(64);
    let res = Resampler {
        latents: randn(&mut rng, r, d),
        time_emb: randn(&mut rng, 8, d),
        wq: randn(&mut rng, d, d),
        wk: randn(&mut rng, d, d),
        wv: randn(&mut rng, d, d),
    };
    for n_frames in [1, 4] {
        let frames: Vec<Mat> = (0..n_frames).map(|_| randn(&mut rng, s, d)).collect();
        println!("输入 {n_frames} 帧，每帧 {}：", shape(&frames[0]));
        let out = res.forward(&frames);
        println!("  输出 {}", shape(&out));
    }
    println!();

    // 按论文的规模估算：重采样到 64 个视觉 token 后，
    // 每个文本 token 在交叉注意力里要打分的视觉 token 数。
    let per_frame = 256; // 假设每帧 16×16 = 256 个特征
    let latents = 64;
    let mut t = Table::numeric([
        "输入",
        "视觉特征数 T·S",
        "重采样后",
        "每个文本 token 的打分数减少为",
    ]);
    for (name, frames) in [("1 张图像", 1), ("8 帧视频", 8), ("30 帧视频", 30)] {
        let feats = frames * per_frame;
        t.row([
            name.to_string(),
            int(feats as i64),
            int(latents as i64),
            format!("1/{}", feats / latents),
        ]);
    }
    print!("{}", t.text());
}
