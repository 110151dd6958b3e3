//! 多头注意力的拆头与合头(reshape + 轴置换)，逐步打印形状，核对合头∘拆头是恒等映射，并数投影参数。
use guide_support::num::matrix;
use guide_support::rng::{GuideRng, normal, seeded};
use guide_support::{Table, int, value};
use ndarray::{Array1, Array2, Array3, Array4, ArrayView2, s};

// ANCHOR: split
/// (B, L, D) -> (B, H, L, D/H)。numpy: x.reshape(B, L, H, dk).transpose(0, 2, 1, 3)
fn split_heads(x: &Array3<f64>, heads: usize) -> Array4<f64> {
    let (b, l, d) = x.dim();
    let dk = d / heads;
    x.to_shape((b, l, heads, dk)) // 每个 token 的 D 维切成 H 段
        .expect("D 必须能被 H 整除")
        .permuted_axes([0, 2, 1, 3]) // 交换 L 与 H 两个轴(只改步长，不搬数据)
        .as_standard_layout() // 按新轴顺序真正排好内存，相当于 torch 的 .contiguous()
        .into_owned()
}
// ANCHOR_END: split

// ANCHOR: merge
/// (B, H, L, dk) -> (B, L, H·dk)。numpy: x.transpose(0, 2, 1, 3).reshape(B, L, H * dk)
fn merge_heads(x: &Array4<f64>) -> Array3<f64> {
    let (b, h, l, dk) = x.dim();
    x.view()
        .permuted_axes([0, 2, 1, 3]) // (B, L, H, dk)
        .as_standard_layout()
        .into_owned()
        .into_shape_with_order((b, l, h * dk))
        .expect("元素个数不变")
}
// ANCHOR_END: merge

/// 线性层 x·W + b,x 形状 (B, L, D_in)。
fn linear(x: &Array3<f64>, w: &Array2<f64>, bias: &Array1<f64>) -> Array3<f64> {
    let (b, l, d_in) = x.dim();
    let flat = x.to_shape((b * l, d_in)).expect("连续数组可以直接重排");
    let y = flat.dot(w) + bias;
    let d_out = w.ncols();
    y.into_shape_with_order((b, l, d_out))
        .expect("元素个数不变")
}

/// 单头缩放点积注意力(无掩码)，q/k/v 形状 (L, dk)。
fn attend(q: ArrayView2<'_, f64>, k: ArrayView2<'_, f64>, v: ArrayView2<'_, f64>) -> Array2<f64> {
    let scale = 1.0 / (q.ncols() as f64).sqrt();
    let mut w = q.dot(&k.t()) * scale;
    for mut row in w.rows_mut() {
        let m = row.fold(f64::NEG_INFINITY, |a, &b| a.max(b));
        row.mapv_inplace(|x| libm::exp(x - m));
        let sum = row.sum();
        row /= sum;
    }
    w.dot(&v)
}

fn random_matrix(rng: &mut GuideRng, r: usize, c: usize) -> Array2<f64> {
    Array2::from_shape_fn((r, c), |_| normal(rng) * 0.3)
}

/// 三维数组的第一个样本，按行交给 matrix 打印。
fn rows2(a: ArrayView2<'_, f64>) -> Vec<Vec<f64>> {
    a.outer_iter().map(|r| r.to_vec()).collect()
}

fn main() {
    // ANCHOR: demo
    // 用看得出来源的数：第 t 个 token 的第 c 维 = 10·t + c
    let (l, d, h) = (3, 8, 2);
    let x = Array3::from_shape_fn((1, l, d), |(_, t, c)| (10 * t + c) as f64);
    println!("x（1 个样本，3 个 token，D = 8）：");
    println!("{}", matrix(&rows2(x.slice(s![0, .., ..])), 0, 2));
    let heads = split_heads(&x, h);
    for hi in 0..h {
        println!(
            "正确拆分后的头 {hi}（每个 token 的第 {} 至 {} 维）：",
            hi * 4,
            hi * 4 + 3
        );
        println!("{}", matrix(&rows2(heads.slice(s![0, hi, .., ..])), 0, 2));
    }
    // 常见错误：直接 reshape 成 (B, H, L, dk)，不做轴置换
    let wrong = x.to_shape((1, h, l, d / h)).expect("形状相容").into_owned();
    println!("直接 reshape 的“头 0”（把 token 0 和 token 1 混在一起）：");
    println!("{}", matrix(&rows2(wrong.slice(s![0, 0, .., ..])), 0, 2));
    // ANCHOR_END: demo
    println!();

    // 完整的一次多头注意力，逐步打印形状
    let (b, l, d_model, h) = (2, 5, 8, 2);
    let mut rng = seeded(11);
    let x = Array3::from_shape_fn((b, l, d_model), |_| normal(&mut rng));
    let [wq, wk, wv, wo] = std::array::from_fn(|_| random_matrix(&mut rng, d_model, d_model));
    let bias = Array1::zeros(d_model);
    // ANCHOR: forward
    println!("输入 x                     {:?}", x.shape());
    let q = linear(&x, &wq, &bias);
    println!("查询 Q = x·W_q             {:?}", q.shape());
    let (qh, kh, vh) = (
        split_heads(&q, h),
        split_heads(&linear(&x, &wk, &bias), h),
        split_heads(&linear(&x, &wv, &bias), h),
    );
    println!(
        "拆头 Q                     {:?}  (B, H, L, d_k)",
        qh.shape()
    );
    let mut heads_out = Array4::zeros(qh.dim());
    for bi in 0..b {
        for hi in 0..h {
            let o = attend(
                qh.slice(s![bi, hi, .., ..]),
                kh.slice(s![bi, hi, .., ..]),
                vh.slice(s![bi, hi, .., ..]),
            );
            heads_out.slice_mut(s![bi, hi, .., ..]).assign(&o);
        }
    }
    println!("各头注意力输出             {:?}", heads_out.shape());
    let merged = merge_heads(&heads_out);
    println!("合头                       {:?}  (B, L, D)", merged.shape());
    let y = linear(&merged, &wo, &bias);
    println!("输出 y = 合头·W_o          {:?}", y.shape());
    // ANCHOR_END: forward
    println!();

    // ANCHOR: identity
    let roundtrip = merge_heads(&split_heads(&q, h));
    println!("merge(split(Q)) == Q:{}", roundtrip == q); // 逐元素精确相等
    // 不先排好内存就直接改形状，ndarray 会拒绝(PyTorch 的 .view() 同理)
    let permuted = qh.view().permuted_axes([0, 2, 1, 3]);
    match permuted.into_shape_with_order((b, l, d_model)) {
        Ok(_) => println!("非连续视图直接改形状：成功"),
        Err(e) => println!("非连续视图直接改形状：失败（{e}）"),
    }
    // ANCHOR_END: identity
    println!();

    // ANCHOR: params
    // 四个投影 W_q, W_k, W_v, W_o 各是 D×D 的矩阵加 D 个偏置，与头数 H 无关
    let params = |d: u64| 4 * (d * d + d);
    // ANCHOR_END: params
    let mut t = Table::numeric(["模型", "D", "投影参数量 4(D² + D)"]);
    for (name, d) in [("本例", 8), ("Transformer base", 512), ("BERT-base", 768)] {
        t.row([name.to_string(), d.to_string(), int(params(d))]);
    }
    print!("{}", t.text());
    value("params_512", int(params(512)));
    value("params_768", int(params(768)));
}
