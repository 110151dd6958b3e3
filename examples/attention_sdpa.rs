//! 批量缩放点积注意力：(B, H, L, d) 张量、因果掩码，以及整行被掩码时输出定义为 0 而不是 NaN，并画出权重热力图。
use guide_support::num::{matrix, vector};
use guide_support::plot::{self, Figure};
use guide_support::rng::{normal, seeded};
use ndarray::{Array2, Array4, ArrayView2, Axis, s};

// ANCHOR: softmax
/// 带掩码的稳定 softmax。`allowed[j] == false` 的位置权重为 0。
/// 整行都被掩码时返回全 0：这一行没有任何可看的位置，0/0 没有意义。
fn masked_softmax(scores: &[f64], allowed: &[bool]) -> Vec<f64> {
    let max = scores
        .iter()
        .zip(allowed)
        .filter(|&(_, &ok)| ok)
        .map(|(&s, _)| s)
        .fold(f64::NEG_INFINITY, f64::max);
    if max == f64::NEG_INFINITY {
        return vec![0.0; scores.len()]; // 整行被掩码
    }
    let exps: Vec<f64> = scores
        .iter()
        .zip(allowed)
        .map(|(&s, &ok)| if ok { libm::exp(s - max) } else { 0.0 })
        .collect();
    let sum: f64 = exps.iter().sum(); // 至少有一项是 exp(0) = 1
    exps.iter().map(|e| e / sum).collect()
}
// ANCHOR_END: softmax

// ANCHOR: attention
/// Q, K, V 形状 (B, H, L, d)；mask 形状 (L, L),mask[[i, j]] 表示第 i 个 query 能否看第 j 个 key。
/// 返回 (输出 (B, H, L, d)，权重 (B, H, L, L))。
fn attention(
    q: &Array4<f64>,
    k: &Array4<f64>,
    v: &Array4<f64>,
    mask: &Array2<bool>,
) -> (Array4<f64>, Array4<f64>) {
    let (b, h, l, d) = q.dim();
    let scale = 1.0 / (d as f64).sqrt();
    let mut out = Array4::zeros((b, h, l, d));
    let mut weights = Array4::zeros((b, h, l, l));
    for bi in 0..b {
        for hi in 0..h {
            let qh: ArrayView2<'_, f64> = q.slice(s![bi, hi, .., ..]); // (L, d)
            let kh = k.slice(s![bi, hi, .., ..]);
            let vh = v.slice(s![bi, hi, .., ..]);
            // 二维切片上 .t() 就是交换最后两个轴，这里用它是对的
            let scores = qh.dot(&kh.t()) * scale; // (L, L)
            for i in 0..l {
                let row = scores.row(i).to_vec();
                let allowed = mask.row(i).to_vec();
                let w = masked_softmax(&row, &allowed);
                for j in 0..l {
                    weights[[bi, hi, i, j]] = w[j];
                }
            }
            let wh = weights.slice(s![bi, hi, .., ..]);
            out.slice_mut(s![bi, hi, .., ..]).assign(&wh.dot(&vh)); // (L, d)
        }
    }
    (out, weights)
}
// ANCHOR_END: attention

/// 二维数组转成按行的 Vec，交给 guide_support 打印。
fn rows(a: ArrayView2<'_, f64>) -> Vec<Vec<f64>> {
    a.outer_iter().map(|r| r.to_vec()).collect()
}

fn main() {
    let mut rng = seeded(2024);
    let (b, h, l, d) = (2, 2, 5, 4);
    let q = Array4::from_shape_fn((b, h, l, d), |_| normal(&mut rng));
    let k = Array4::from_shape_fn((b, h, l, d), |_| normal(&mut rng));
    let v = Array4::from_shape_fn((b, h, l, d), |_| normal(&mut rng));
    println!("Q, K, V 形状 {:?}", q.shape());

    // ANCHOR: causal
    // 因果掩码：第 i 个位置只能看 0..=i
    let causal = Array2::from_shape_fn((l, l), |(i, j)| j <= i);
    // ANCHOR_END: causal
    let (out, w) = attention(&q, &k, &v, &causal);
    println!("输出形状 {:?}，权重形状 {:?}", out.shape(), w.shape());
    println!("样本 0、头 0 的注意力权重（因果掩码，上三角为 0）：");
    println!("{}", matrix(&rows(w.slice(s![0, 0, .., ..])), 4, 2));
    let row_sums: Vec<f64> = w.slice(s![0, 0, .., ..]).sum_axis(Axis(1)).to_vec();
    println!("每行之和 {}", vector(&row_sums, 4));
    println!();

    // ANCHOR: padding
    // 左侧填充：位置 0 是 <pad>，任何 query 都不许看它。
    // 与因果掩码合起来，query 0 只能看 key 0，而 key 0 又被禁止：整行被掩码。
    let pad = [true, false, false, false, false]; // true 表示是填充
    let mask = Array2::from_shape_fn((l, l), |(i, j)| j <= i && !pad[j]);
    // ANCHOR_END: padding
    let (out, w) = attention(&q, &k, &v, &mask);
    println!("因果 + 左侧填充的权重（样本 0、头 0）：");
    println!("{}", matrix(&rows(w.slice(s![0, 0, .., ..])), 4, 2));
    println!(
        "query 0 的输出 {}",
        vector(&out.slice(s![0, 0, 0, ..]).to_vec(), 4)
    );
    // 对照：把被掩码的分数设成 -inf，不加判断地做 softmax
    let row0 = [-f64::INFINITY; 5]; // query 0 的五个分数全被掩码
    let exps: Vec<f64> = row0.iter().map(|&x| libm::exp(x)).collect(); // 全是 0
    let sum: f64 = exps.iter().sum();
    let naive: Vec<f64> = exps.iter().map(|e| e / sum).collect(); // 0/0
    println!("不加判断的 exp/sum：{}", vector(&naive, 4));
    let max = row0.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let shifted: Vec<f64> = row0.iter().map(|&x| x - max).collect(); // -inf - (-inf)
    println!("减最大值但不判断：s - max = {}", vector(&shifted, 4));

    // 图：上面第二个权重矩阵，被掩码的位置（权重按定义为 0）画成灰色
    let cells: Vec<Vec<f64>> = (0..l)
        .map(|i| {
            (0..l)
                .map(|j| {
                    if mask[[i, j]] {
                        w[[0, 0, i, j]]
                    } else {
                        f64::NAN
                    }
                })
                .collect()
        })
        .collect();
    let labels = plot::tick_labels(l, 1);
    let fig = Figure {
        title: "因果 + 左侧填充掩码下的注意力权重",
        x_label: "key 位置（0 是 <pad>），灰色：被掩码",
        y_label: "query 位置",
        width: 560,
        height: 480,
    };
    let svg = plot::heatmap_with_range(&fig, &labels, &labels, &cells, (0.0, 1.0));
    plot::print_figure("weights", &svg);
}
