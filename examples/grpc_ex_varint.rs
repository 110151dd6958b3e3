//! 练习参考答案：protobuf 整数字段各占几个字节——varint 随数值增长，负的 int32 要 10 字节，sint32 的 zigzag 编码和定长 fixed32 各有适用场合。

use guide_support::num::hex;
use guide_support::{Align, Table};
use prost::Message;

// 每个消息只有一个字段，字段号 1，便于看清单个值的编码长度。
#[derive(Clone, PartialEq, prost::Message)]
struct I32 {
    #[prost(int32, tag = "1")]
    v: i32,
}

#[derive(Clone, PartialEq, prost::Message)]
struct S32 {
    #[prost(sint32, tag = "1")]
    v: i32,
}

#[derive(Clone, PartialEq, prost::Message)]
struct F32 {
    #[prost(sfixed32, tag = "1")]
    v: i32,
}

fn main() {
    let mut t = Table::new([
        "值",
        "int32 字节",
        "sint32 字节",
        "sfixed32 字节",
        "int32 编码",
    ])
    .align([
        Align::Right,
        Align::Right,
        Align::Right,
        Align::Right,
        Align::Left,
    ]);
    for v in [0, 1, 127, 128, 300, 16_383, 16_384, 50_256, -1, -300] {
        let a = I32 { v }.encode_to_vec();
        let b = S32 { v }.encode_to_vec();
        let c = F32 { v }.encode_to_vec();
        t.row([
            v.to_string(),
            a.len().to_string(),
            b.len().to_string(),
            c.len().to_string(),
            hex(&a),
        ]);
    }
    print!("{}", t.text());
    println!(
        "（proto3 里取默认值 0 的字段不写入线格式，所以 0 占 0 字节；其余长度都含 1 字节的字段键）"
    );
}
