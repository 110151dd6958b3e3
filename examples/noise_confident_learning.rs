//! 置信学习(cleanlab 背后的方法)找错标样本：k 折交叉验证得到样本外概率、按类阈值、置信联合矩阵的非对角元，与人为植入的翻转对照。

use guide_support::num::{percent, vector};
use guide_support::rng::{GuideRng, normal, seeded, shuffle, uniform};
use guide_support::value;

pub(crate) const K: usize = 3; // 类别数
const FOLDS: usize = 5;

// ANCHOR: data
/// 三个二维高斯团，每类 100 个点；真实标签 y，之后再植入噪声。
pub(crate) fn make_blobs(rng: &mut GuideRng) -> (Vec<[f64; 2]>, Vec<usize>) {
    let centres = [[0.0, 0.0], [3.0, 0.0], [1.5, 2.6]];
    let mut xs = Vec::new();
    let mut ys = Vec::new();
    for (class, c) in centres.iter().enumerate() {
        for _ in 0..100 {
            xs.push([c[0] + normal(rng), c[1] + normal(rng)]);
            ys.push(class);
        }
    }
    (xs, ys)
}

/// 随机挑 rate 比例的样本，把标签改成另外两类之一。返回带噪标签，以及每个样本是否被改动。
pub(crate) fn plant_noise(rng: &mut GuideRng, y: &[usize], rate: f64) -> (Vec<usize>, Vec<bool>) {
    let mut idx: Vec<usize> = (0..y.len()).collect();
    shuffle(rng, &mut idx);
    let n_flip = (y.len() as f64 * rate).round() as usize;
    let mut noisy = y.to_vec();
    let mut flipped = vec![false; y.len()];
    for &i in &idx[..n_flip] {
        let shift = if uniform(rng) < 0.5 { 1 } else { 2 };
        noisy[i] = (y[i] + shift) % K;
        flipped[i] = true;
    }
    (noisy, flipped)
}
// ANCHOR_END: data

/// 多类逻辑回归(softmax 回归)，权重 (K, 3)：两个特征加偏置。
fn predict(w: &[[f64; 3]; K], x: &[f64; 2]) -> [f64; K] {
    let z: Vec<f64> = w.iter().map(|r| r[0] * x[0] + r[1] * x[1] + r[2]).collect();
    let m = z.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = z.iter().map(|v| libm::exp(v - m)).collect();
    let s: f64 = e.iter().sum();
    [e[0] / s, e[1] / s, e[2] / s]
}

fn fit(xs: &[[f64; 2]], ys: &[usize]) -> [[f64; 3]; K] {
    let mut w = [[0.0; 3]; K];
    let n = xs.len() as f64;
    for _ in 0..200 {
        let mut g = [[0.0; 3]; K];
        for (x, &y) in xs.iter().zip(ys) {
            let p = predict(&w, x);
            for k in 0..K {
                let err = p[k] - if k == y { 1.0 } else { 0.0 };
                g[k][0] += err * x[0] / n;
                g[k][1] += err * x[1] / n;
                g[k][2] += err / n;
            }
        }
        for k in 0..K {
            for j in 0..3 {
                w[k][j] -= 0.5 * g[k][j];
            }
        }
    }
    w
}

// ANCHOR: oos
/// k 折交叉验证：每个样本的概率都来自一个没见过它的模型。
pub(crate) fn out_of_sample_probs(
    rng: &mut GuideRng,
    xs: &[[f64; 2]],
    labels: &[usize],
) -> Vec<[f64; K]> {
    let mut order: Vec<usize> = (0..xs.len()).collect();
    shuffle(rng, &mut order);
    let mut probs = vec![[0.0; K]; xs.len()];
    for fold in 0..FOLDS {
        let held_out: Vec<usize> = order.iter().copied().skip(fold).step_by(FOLDS).collect();
        let train: Vec<usize> = order
            .iter()
            .copied()
            .filter(|i| !held_out.contains(i))
            .collect();
        let tx: Vec<[f64; 2]> = train.iter().map(|&i| xs[i]).collect();
        let ty: Vec<usize> = train.iter().map(|&i| labels[i]).collect();
        let w = fit(&tx, &ty);
        for &i in &held_out {
            probs[i] = predict(&w, &xs[i]);
        }
    }
    probs
}
// ANCHOR_END: oos

// ANCHOR: joint
/// 每类阈值 t_j：所有"被标成 j"的样本上，模型给 j 的平均概率。
pub(crate) fn thresholds(probs: &[[f64; K]], labels: &[usize]) -> [f64; K] {
    let mut t = [0.0; K];
    for j in 0..K {
        let (sum, count) = probs
            .iter()
            .zip(labels)
            .filter(|(_, l)| **l == j)
            .fold((0.0, 0), |(s, c), (p, _)| (s + p[j], c + 1));
        t[j] = sum / count as f64;
    }
    t
}

/// 置信联合矩阵 C[给定标签][推测的真标签]。
/// 样本 i 的候选类别是 p̂_ij ≥ t_j 的那些 j；有候选时取其中概率最大的一个计数。
/// 落在非对角线上的样本就是疑似标错的样本。
pub(crate) fn confident_joint(
    probs: &[[f64; K]],
    labels: &[usize],
    t: &[f64; K],
) -> ([[usize; K]; K], Vec<bool>) {
    let mut c = [[0; K]; K];
    let mut suspect = vec![false; labels.len()];
    for (i, (p, &given)) in probs.iter().zip(labels).enumerate() {
        let best =
            (0..K)
                .filter(|&j| p[j] >= t[j])
                .fold(None, |best: Option<usize>, j| match best {
                    Some(b) if p[b] >= p[j] => Some(b),
                    _ => Some(j),
                });
        if let Some(true_guess) = best {
            c[given][true_guess] += 1;
            suspect[i] = true_guess != given;
        }
    }
    (c, suspect)
}

/// cleanlab 的 `find_label_issues` 在置信联合矩阵的非对角元之后还有一步：
/// 若给定标签恰好是样本外概率的 argmax，就撤销这个标记(cleanlab/filter.py)。
/// 只有当给定标签那一类的概率没达到它自己的阈值、而另一类达到了时，两者才会不同。
pub(crate) fn drop_if_given_is_argmax(
    probs: &[[f64; K]],
    labels: &[usize],
    suspect: &[bool],
) -> Vec<bool> {
    probs
        .iter()
        .zip(labels)
        .zip(suspect)
        .map(|((p, &given), &s)| s && (0..K).any(|j| p[j] > p[given]))
        .collect()
}
// ANCHOR_END: joint

fn print_counts(title: &str, columns: &str, m: &[[usize; K]; K]) {
    println!("{title}");
    println!("            {columns} 0  1  2");
    for (g, row) in m.iter().enumerate() {
        println!(
            "  给定标签 {g}：     {:>3}{:>3}{:>3}",
            row[0], row[1], row[2]
        );
    }
}

fn main() {
    let mut rng = seeded(2021);
    let (xs, y_true) = make_blobs(&mut rng);
    let (labels, flipped) = plant_noise(&mut rng, &y_true, 0.10);
    println!(
        "样本数 {}，植入的错标 {} 个",
        xs.len(),
        flipped.iter().filter(|&&f| f).count()
    );

    // ANCHOR: run
    let probs = out_of_sample_probs(&mut rng, &xs, &labels);
    let t = thresholds(&probs, &labels);
    let (joint, suspect) = confident_joint(&probs, &labels, &t);
    // ANCHOR_END: run

    println!("每类阈值 t_j = {}", vector(&t, 4));
    print_counts("置信联合矩阵 C：", "推测真标签", &joint);
    let counted: usize = joint.iter().flatten().sum();
    println!("  计入 C 的样本 {counted} 个（其余样本没有任何一类的概率达到阈值）");
    let mut truth = [[0; K]; K];
    for (&g, &y) in labels.iter().zip(&y_true) {
        truth[g][y] += 1;
    }
    print_counts("对照：真实的（给定标签，真标签）计数", "    真标签", &truth);
    println!();

    // ANCHOR: score
    let flagged = suspect.iter().filter(|&&s| s).count();
    let hits = suspect
        .iter()
        .zip(&flipped)
        .filter(|(s, f)| **s && **f)
        .count();
    let planted = flipped.iter().filter(|&&f| f).count();
    // ANCHOR_END: score
    value("flagged", flagged);
    value("hits", hits);
    value("precision", percent(hits as f64 / flagged as f64, 1));
    value("recall", percent(hits as f64 / planted as f64, 1));
    let cleanlab = drop_if_given_is_argmax(&probs, &labels, &suspect);
    let cl_flagged = cleanlab.iter().filter(|&&s| s).count();
    let cl_hits = cleanlab
        .iter()
        .zip(&flipped)
        .filter(|(s, f)| **s && **f)
        .count();
    value("cleanlab_flagged", cl_flagged);
    value("cleanlab_dropped", flagged - cl_flagged);
    value(
        "cleanlab_precision",
        percent(cl_hits as f64 / cl_flagged as f64, 1),
    );
    value(
        "cleanlab_recall",
        percent(cl_hits as f64 / planted as f64, 1),
    );
    let missed: Vec<usize> = (0..xs.len())
        .filter(|&i| flipped[i] && !suspect[i])
        .collect();
    println!("漏掉的植入错标（下标）：{missed:?}");
    let uncertain = missed
        .iter()
        .filter(|&&i| (0..K).all(|j| probs[i][j] < t[j]))
        .count();
    value("missed", missed.len());
    value("missed_no_class_above_threshold", uncertain);
    if let Some(&i) = missed.first() {
        println!(
            "  例如样本 {i}：真标签 {}，给定 {}，样本外概率 {}",
            y_true[i],
            labels[i],
            vector(&probs[i], 4)
        );
    }
}
