//! 读取已提交的权重：核对 BLAKE3 哈希，拆开 safetensors 的头部，列出 config.json，再演示损坏文件、缺张量、配置不符各自得到的错误。
use guide_support::{Table, int, value};
use tinygpt::artifact::{self, CONFIG, WEIGHTS};
use tinygpt::io;
use tinygpt::model::Config;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // ANCHOR: load
    // 下游每个示例都这样拿到模型：读文件、核对哈希，不重新训练
    let a = artifact::load_checked()?;
    println!("权重哈希（BLAKE3，已核对）= {}", a.hash);
    println!(
        "参数 {} 个，词表 {}",
        int(a.model.num_params() as u64),
        a.tokenizer.vocab_size()
    );
    // ANCHOR_END: load
    println!();

    // ANCHOR: header
    // safetensors = 8 字节小端整数 N + N 字节 JSON 头 + 原始数据
    let bytes = std::fs::read(artifact::path(WEIGHTS))?;
    let n = u64::from_le_bytes(bytes[..8].try_into()?) as usize;
    let header: serde_json::Value = serde_json::from_slice(&bytes[8..8 + n])?;
    println!(
        "文件 {} 字节：头部长度 {} 字节，数据 {} 字节",
        int(bytes.len() as u64),
        int(n as u64),
        int((bytes.len() - 8 - n) as u64)
    );
    println!("__metadata__ = {}", header["__metadata__"]);
    let mut t = Table::numeric(["张量", "dtype", "形状", "数据区间（字节）"]);
    let mut names: Vec<&String> = header
        .as_object()
        .ok_or("头部不是 JSON 对象")?
        .keys()
        .collect();
    names.retain(|k| *k != "__metadata__");
    names.sort_by_key(|k| header[k.as_str()]["data_offsets"][0].as_u64());
    for name in names.iter().take(6) {
        let h = &header[name.as_str()];
        let (o0, o1) = (
            h["data_offsets"][0].as_u64().unwrap_or(0),
            h["data_offsets"][1].as_u64().unwrap_or(0),
        );
        t.row([
            name.to_string(),
            h["dtype"].as_str().unwrap_or("?").to_string(),
            h["shape"].to_string(),
            format!("{}..{}", int(o0), int(o1)),
        ]);
    }
    print!("{}", t.text());
    println!("……共 {} 个张量，按名字排序存放", names.len());
    // ANCHOR_END: header
    value("header_bytes", int(n as u64));
    value("tensors", names.len());
    println!();
    println!("{CONFIG}：");
    print!("{}", std::fs::read_to_string(artifact::path(CONFIG))?);
    println!();

    // ANCHOR: errors
    // 坏输入得到说明原因的错误，而不是 panic
    let config = a.model.config.clone();
    let truncated = io::from_safetensors(config.clone(), &bytes[..bytes.len() / 2]);
    println!(
        "截断一半：{}",
        truncated
            .err()
            .map_or("（竟然成功了）".to_string(), |e| e.to_string())
    );
    let garbage = io::from_safetensors(config.clone(), b"not a safetensors file at all");
    println!(
        "不是 safetensors：{}",
        garbage
            .err()
            .map_or("（竟然成功了）".to_string(), |e| e.to_string())
    );
    let three_layers = Config {
        n_layer: 3,
        ..config.clone()
    };
    let missing = io::from_safetensors(three_layers, &bytes);
    println!(
        "配置要 3 层：{}",
        missing
            .err()
            .map_or("（竟然成功了）".to_string(), |e| e.to_string())
    );
    let wider = Config {
        d_ff: 512,
        ..config.clone()
    };
    let shape = io::from_safetensors(wider, &bytes);
    println!(
        "配置的 d_ff = 512：{}",
        shape
            .err()
            .map_or("（竟然成功了）".to_string(), |e| e.to_string())
    );
    let json = std::fs::read_to_string(artifact::path(CONFIG))?.replace("gelu_new", "relu");
    println!(
        "激活函数写成 relu：{}",
        io::parse_config_json(&json)
            .err()
            .map_or("（竟然成功了）".to_string(), |e| e.to_string())
    );
    // ANCHOR_END: errors
    Ok(())
}
