//! 练习解答：按 numpy 的广播规则(从末维对齐，相等或其一为 1)推算结果形状。

/// 两个形状广播后的形状；不兼容时返回出错的那一维。
fn broadcast_shape(a: &[usize], b: &[usize]) -> Result<Vec<usize>, String> {
    let n = a.len().max(b.len());
    let mut out = vec![0; n];
    // 从末维往前对齐，缺的维度当作 1
    for i in 0..n {
        let da = if i < a.len() { a[a.len() - 1 - i] } else { 1 };
        let db = if i < b.len() { b[b.len() - 1 - i] } else { 1 };
        out[n - 1 - i] = match (da, db) {
            _ if da == db => da,
            (1, _) => db,
            (_, 1) => da,
            _ => {
                return Err(format!(
                    "倒数第 {} 维：{da} 与 {db} 不相等且都不是 1",
                    i + 1
                ));
            }
        };
    }
    Ok(out)
}

fn main() {
    let cases: [(&[usize], &[usize]); 5] = [
        (&[4, 1], &[3]),
        (&[2, 3], &[2]),
        (&[2, 3], &[2, 1]),
        (&[5, 1, 3], &[4, 3]),
        (&[8, 1, 6, 1], &[7, 1, 5]),
    ];
    for (a, b) in cases {
        match broadcast_shape(a, b) {
            Ok(s) => println!("{a:?} 与 {b:?} → {s:?}"),
            Err(e) => println!("{a:?} 与 {b:?} → 不能广播（{e}）"),
        }
    }
}
