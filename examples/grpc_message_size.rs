//! gRPC：同一条消息编码成 JSON 与 protobuf 各占多少字节，逐字节拆解 protobuf 线格式，并验证编解码往返一致。

use guide_support::num::hex;
use guide_support::rng::{normal, seeded};
use guide_support::{Table, fixed, value};
use prost::Message;
use rand::RngExt;
use serde::{Deserialize, Serialize};

// ANCHOR: messages
// 与 classifier.proto 一一对应；prost 的派生宏按 tag 编解码，不需要 protoc。
#[derive(Clone, PartialEq, prost::Message, Serialize, Deserialize)]
struct PredictRequest {
    #[prost(string, tag = "1")]
    text: String,
    #[prost(string, tag = "2")]
    model: String,
}

#[derive(Clone, PartialEq, prost::Message, Serialize, Deserialize)]
struct ClassScore {
    #[prost(string, tag = "1")]
    label: String,
    #[prost(float, tag = "2")]
    score: f32,
}

#[derive(Clone, PartialEq, prost::Message, Serialize, Deserialize)]
struct PredictResponse {
    #[prost(string, tag = "1")]
    label: String,
    #[prost(float, tag = "2")]
    score: f32,
    #[prost(message, repeated, tag = "3")]
    scores: Vec<ClassScore>,
    #[prost(uint32, tag = "4")]
    known_bigrams: u32,
}

#[derive(Clone, PartialEq, prost::Message, Serialize, Deserialize)]
struct Embedding {
    #[prost(string, tag = "1")]
    model: String,
    #[prost(float, repeated, tag = "2")] // proto3 的标量 repeated 默认 packed
    values: Vec<f32>,
}

#[derive(Clone, PartialEq, prost::Message, Serialize, Deserialize)]
struct TokenIds {
    #[prost(uint32, repeated, tag = "1")]
    ids: Vec<u32>,
}
// ANCHOR_END: messages

// ANCHOR: wire
/// 读一个 varint：每字节低 7 位是数据，最高位为 1 表示后面还有字节。
fn read_varint(buf: &[u8], pos: &mut usize) -> u64 {
    let mut x = 0u64;
    let mut shift = 0;
    loop {
        let b = buf[*pos];
        *pos += 1;
        x |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return x;
        }
        shift += 7;
    }
}

/// 按线格式逐个字段拆开一条消息；不是文本的 LEN 字段当作嵌套消息继续拆。
fn dump(buf: &[u8], indent: usize) {
    let mut pos = 0;
    while pos < buf.len() {
        let start = pos;
        let key = read_varint(buf, &mut pos);
        let (field, wire) = (key >> 3, key & 7); // key = 字段号 << 3 | 线类型
        let what = match wire {
            0 => format!("VARINT 值 {}", read_varint(buf, &mut pos)),
            5 => {
                pos += 4;
                let v = f32::from_le_bytes(buf[pos - 4..pos].try_into().unwrap());
                format!("I32 (float) {}", fixed(f64::from(v), 4))
            }
            2 => {
                let len = read_varint(buf, &mut pos) as usize;
                pos += len;
                let payload = &buf[pos - len..pos];
                match std::str::from_utf8(payload) {
                    Ok(s) if !s.chars().any(char::is_control) => format!("LEN {len} 字节 \"{s}\""),
                    _ => {
                        print_field(
                            indent,
                            field,
                            &buf[start..pos],
                            &format!("LEN {len} 字节，嵌套消息："),
                        );
                        dump(payload, indent + 4);
                        continue;
                    }
                }
            }
            _ => unreachable!("本例不出现其他线类型"),
        };
        print_field(indent, field, &buf[start..pos], &what);
    }
}

fn print_field(indent: usize, field: u64, bytes: &[u8], what: &str) {
    let shown = if bytes.len() > 6 {
        format!("{} …", hex(&bytes[..6]))
    } else {
        hex(bytes)
    };
    let pad = " ".repeat(indent);
    println!("{pad}字段 {field}  {shown:<20}  {what}");
}
// ANCHOR_END: wire

// ANCHOR: compare
/// 编码成两种格式，解码回来比较，返回 (JSON 字节数，protobuf 字节数)。
fn both<T>(msg: &T) -> (usize, usize)
where
    T: Message + Default + PartialEq + Serialize + for<'de> Deserialize<'de>,
{
    let json = serde_json::to_vec(msg).unwrap();
    let pb = msg.encode_to_vec();
    assert_eq!(pb.len(), msg.encoded_len());
    let from_json: T = serde_json::from_slice(&json).unwrap();
    let from_pb = T::decode(pb.as_slice()).unwrap();
    assert!(from_json == *msg && from_pb == *msg, "往返不一致");
    (json.len(), pb.len())
}
// ANCHOR_END: compare

fn main() {
    let request = PredictRequest {
        text: "物流很快，质量很好".into(),
        model: "review-nb".into(),
    };
    let response = PredictResponse {
        label: "正面".into(),
        score: 0.9798,
        scores: vec![
            ClassScore {
                label: "正面".into(),
                score: 0.9798,
            },
            ClassScore {
                label: "负面".into(),
                score: 0.0202,
            },
        ],
        known_bigrams: 5,
    };
    let mut rng = seeded(42);
    let embedding = Embedding {
        model: "review-nb".into(),
        values: (0..768).map(|_| (0.05 * normal(&mut rng)) as f32).collect(),
    };
    let tokens = TokenIds {
        ids: (0..512).map(|_| rng.random_range(0..50_257u32)).collect(),
    };

    println!(
        "PredictRequest 的 JSON：{}",
        String::from_utf8(serde_json::to_vec(&request).unwrap()).unwrap()
    );
    println!("PredictRequest 的 protobuf 线格式：");
    dump(&request.encode_to_vec(), 2);
    println!("PredictResponse 的 protobuf 线格式：");
    dump(&response.encode_to_vec(), 2);
    println!();

    let mut table = Table::numeric([
        "消息",
        "JSON 字节",
        "protobuf 字节",
        "JSON/protobuf",
        "gRPC 帧字节",
    ]);
    let rows: [(&str, &str, (usize, usize)); 4] = [
        ("PredictRequest", "request", both(&request)),
        ("PredictResponse", "response", both(&response)),
        ("Embedding(768 个 float)", "embedding", both(&embedding)),
        ("TokenIds(512 个 id)", "tokens", both(&tokens)),
    ];
    for (name, _, (j, p)) in &rows {
        let ratio = *j as f64 / *p as f64;
        // gRPC 给每条消息加 5 字节前缀：1 字节压缩标志 + 4 字节大端长度
        table.row([
            name.to_string(),
            j.to_string(),
            p.to_string(),
            fixed(ratio, 2),
            (p + 5).to_string(),
        ]);
    }
    print!("{}", table.text());
    println!("四种消息经 JSON 与 protobuf 往返后都与原值相等\n");
    for (_, key, (j, p)) in rows {
        value(&format!("{key}_json"), j);
        value(&format!("{key}_pb"), p);
        value(&format!("{key}_ratio"), fixed(j as f64 / p as f64, 2));
    }
}
