//! 练习：不用 safetensors 库，按格式规范手工解析 model.safetensors：读出头部，逐个张量核对区间首尾相接，取出 wpe.weight 的前几个数。
use guide_support::{f6, int, value};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let bytes = std::fs::read("book/data/tinygpt/model.safetensors")?;
    // 前 8 字节：头部长度，u64 小端
    let n = u64::from_le_bytes(bytes[..8].try_into()?) as usize;
    let header: serde_json::Value = serde_json::from_slice(&bytes[8..8 + n])?;
    let data = &bytes[8 + n..];
    // 每个张量的 data_offsets 是相对数据区起点的 [起, 止)；规范要求它们恰好铺满数据区、互不重叠
    let mut spans: Vec<(u64, u64, String)> = Vec::new();
    for (name, info) in header.as_object().ok_or("头部不是对象")? {
        if name == "__metadata__" {
            continue;
        }
        let shape: Vec<u64> = info["shape"]
            .as_array()
            .ok_or("缺 shape")?
            .iter()
            .filter_map(|x| x.as_u64())
            .collect();
        let (a, b) = (
            info["data_offsets"][0].as_u64().ok_or("缺起点")?,
            info["data_offsets"][1].as_u64().ok_or("缺终点")?,
        );
        assert_eq!(info["dtype"], "F32");
        assert_eq!(
            b - a,
            4 * shape.iter().product::<u64>(),
            "{name} 的字节数与形状不符"
        );
        spans.push((a, b, name.clone()));
    }
    spans.sort();
    let mut end = 0;
    for (a, b, name) in &spans {
        assert_eq!(*a, end, "{name} 前面有空隙或重叠");
        end = *b;
    }
    assert_eq!(end as usize, data.len(), "数据区末尾有多余字节");
    println!(
        "头部 {} 字节，{} 个张量首尾相接，正好铺满 {} 字节的数据区",
        int(n as u64),
        spans.len(),
        int(data.len() as u64)
    );
    // wpe.weight 的第 0 行前 4 个数：f32 小端
    let wpe = &header["wpe.weight"];
    let start = wpe["data_offsets"][0].as_u64().ok_or("缺起点")? as usize;
    let first: Vec<String> = (0..4)
        .map(|i| {
            f6(f64::from(f32::from_le_bytes(
                data[start + 4 * i..start + 4 * i + 4]
                    .try_into()
                    .unwrap_or([0; 4]),
            )))
        })
        .collect();
    println!("wpe.weight[0, 0..4] = [{}]", first.join(", "));
    // 与库读出的同一个张量比较
    let (_, model) = tinygpt::artifact::load()?;
    let lib = model.tensor("wpe.weight").ok_or("没有 wpe.weight")?;
    let same = (0..4).all(|i| {
        f32::from_le_bytes(
            data[start + 4 * i..start + 4 * i + 4]
                .try_into()
                .unwrap_or([0; 4]),
        ) == lib[i]
    });
    value("same_as_library", if same { "是" } else { "否" });
    Ok(())
}
