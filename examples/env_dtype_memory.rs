//! 常见数值类型(f32、f16、bf16、int8、int4)的位布局、范围与精度，以及 70 亿参数的模型仅权重要占多少字节。

use guide_support::{Table, fixed, int, sci, value};

// ANCHOR: format
/// 一种浮点格式：符号 1 位 + 指数位 + 尾数位(IEEE 754 式的布局)。
struct FloatFormat {
    name: &'static str,
    exponent_bits: i32,
    mantissa_bits: i32,
}

impl FloatFormat {
    fn bits(&self) -> i32 {
        1 + self.exponent_bits + self.mantissa_bits
    }
    /// 最大有限值 (2 − 2^−m) · 2^bias,bias = 2^(e−1) − 1。
    fn max(&self) -> f64 {
        let bias = (1 << (self.exponent_bits - 1)) - 1;
        (2.0 - libm::exp2(-f64::from(self.mantissa_bits))) * libm::exp2(f64::from(bias))
    }
    /// 最小正规数 2^(1 − bias)。
    fn min_normal(&self) -> f64 {
        let bias = (1 << (self.exponent_bits - 1)) - 1;
        libm::exp2(f64::from(1 - bias))
    }
    /// 机器精度：1 与下一个可表示数之差 2^−m。
    fn epsilon(&self) -> f64 {
        libm::exp2(-f64::from(self.mantissa_bits))
    }
}
// ANCHOR_END: format

// ANCHOR: bf16
/// f32 → bf16：保留 f32 的高 16 位，按“就近舍入、平局取偶”处理被丢掉的低 16 位。
fn to_bf16(x: f32) -> f32 {
    let bits = x.to_bits();
    let round = 0x7FFF + ((bits >> 16) & 1);
    f32::from_bits((bits + round) & 0xFFFF_0000)
}
// ANCHOR_END: bf16

fn main() {
    let formats = [
        FloatFormat {
            name: "f32",
            exponent_bits: 8,
            mantissa_bits: 23,
        },
        FloatFormat {
            name: "f16",
            exponent_bits: 5,
            mantissa_bits: 10,
        },
        FloatFormat {
            name: "bf16",
            exponent_bits: 8,
            mantissa_bits: 7,
        },
    ];
    // 与 Rust 标准库的 f32 常量核对
    let f32_ok = formats[0].max() == f64::from(f32::MAX)
        && formats[0].epsilon() == f64::from(f32::EPSILON)
        && formats[0].bits() as usize == 8 * size_of::<f32>();
    println!(
        "f32 的布局与 std 常量一致：{}",
        if f32_ok { "是" } else { "否" }
    );

    let mut t = Table::numeric([
        "类型",
        "位数",
        "指数位",
        "尾数位",
        "最大值",
        "最小正规数",
        "机器精度",
    ]);
    for f in &formats {
        t.row([
            f.name.to_owned(),
            f.bits().to_string(),
            f.exponent_bits.to_string(),
            f.mantissa_bits.to_string(),
            sci(f.max(), 4),
            sci(f.min_normal(), 4),
            sci(f.epsilon(), 4),
        ]);
    }

    print!("{}", t.text());
    println!(
        "int8：{} 位整数，取值 {}..={}，相邻两值相差 1（量化时要配一个缩放因子）",
        i8::BITS,
        i8::MIN,
        i8::MAX
    );

    println!();
    println!("f32 → bf16 的舍入：");
    for x in [0.1_f32, 1.0 / 3.0, std::f32::consts::PI, 65_504.0 * 2.0] {
        println!(
            "  {} → {}",
            fixed(f64::from(x), 8),
            fixed(f64::from(to_bf16(x)), 8)
        );
    }

    // ANCHOR: memory
    let params: u64 = 7_000_000_000;
    let mut t = Table::numeric(["类型", "每参数字节", "权重总字节", "GB (10⁹)", "GiB (2³⁰)"]);
    for (name, bits) in [
        ("f32", 32_u64),
        ("f16 / bf16", 16),
        ("int8", 8),
        ("int4", 4),
    ] {
        let bytes = params * bits / 8;
        let gb = bytes as f64 / 1e9;
        let gib = bytes as f64 / (1u64 << 30) as f64;
        t.row([
            name.to_owned(),
            fixed(bits as f64 / 8.0, 1),
            int(bytes),
            fixed(gb, 1),
            fixed(gib, 2),
        ]);
    }
    // ANCHOR_END: memory
    println!();
    println!("7B 参数模型仅权重所占空间：");
    print!("{}", t.text());

    value("f16_max", fixed(formats[1].max(), 0));
    value("bf16_eps", sci(formats[2].epsilon(), 4));
    value("f16_eps", sci(formats[1].epsilon(), 4));
    value("bf16_0_1", fixed(f64::from(to_bf16(0.1)), 8));
    value("gb_7b_f16", fixed(params as f64 * 2.0 / 1e9, 1));
    value(
        "gib_7b_f16",
        fixed(params as f64 * 2.0 / (1u64 << 30) as f64, 2),
    );
}
