//! 训练第六部分的小 GPT：AdamW、线性预热加余弦退火、梯度裁剪；打印并画出训练/验证损失，在几个检查点上贪心生成，最后核对权重的 BLAKE3 哈希。
use std::error::Error;

use guide_support::plot::{self, Figure};
use guide_support::{Table, fixed, int, sci, value};
use tinygpt::artifact::{self, CONFIG, HASH, WEIGHTS};
use tinygpt::bpe::{EOT, Tokenizer};
use tinygpt::model::Model;
use tinygpt::train::{EvalLog, book_model_config, book_train_config, greedy, token_stream, train};
use tinygpt::{corpus, io};

/// 初始化参数的种子（采样训练窗口的种子在训练配置里）。
const INIT_SEED: u64 = 42;

/// 在哪些检查点上生成样例，以及用哪些开头。
const SAMPLE_AT: [u32; 4] = [0, 100, 400, 800];
const PROMPTS: [&str; 2] = ["春", "明月"];

/// 贪心生成一段，解码成一行文字（诗句之间的换行写成“ / ”）。
fn sample(model: &Model, tokenizer: &Tokenizer, prompt: &str) -> Result<String, Box<dyn Error>> {
    let mut ids = vec![EOT];
    ids.extend(tokenizer.encode(prompt)?);
    let new = greedy(model, &ids, 40, Some(EOT))?;
    let body: Vec<u32> = new.iter().copied().filter(|&t| t != EOT).collect();
    let text = String::from_utf8_lossy(&tokenizer.decode_bytes(&body)?).into_owned();
    let end = if new.last() == Some(&EOT) {
        "⏎"
    } else {
        "…"
    };
    Ok(format!("{prompt}{}{end}", text.replace('\n', " / ")))
}

fn main() -> Result<(), Box<dyn Error>> {
    let write = std::env::args().any(|a| a == "--write");

    // ANCHOR: data
    let corpus = corpus::load_default()?;
    let tokenizer =
        Tokenizer::from_json(&std::fs::read_to_string(artifact::path("tokenizer.json"))?)?;
    let train_stream = token_stream(&tokenizer, &corpus.train)?;
    let valid_stream = token_stream(&tokenizer, &corpus.valid)?;
    // ANCHOR_END: data
    println!(
        "训练集 {} 首诗，{} 个词元；验证集 {} 首，{} 个词元；词表 {}",
        corpus.train.len(),
        int(train_stream.len() as u64),
        corpus.valid.len(),
        int(valid_stream.len() as u64),
        tokenizer.vocab_size()
    );

    // ANCHOR: run
    let config = book_model_config(tokenizer.vocab_size());
    let cfg = book_train_config();
    let mut model = Model::try_new(config, INIT_SEED)?;
    let mut points: Vec<EvalLog> = Vec::new();
    let mut samples: Vec<(u32, Vec<String>)> = Vec::new();
    let log = train(
        &mut model,
        &train_stream,
        &valid_stream,
        &cfg,
        &mut |m, point| {
            if SAMPLE_AT.contains(&point.step) {
                let texts = PROMPTS
                    .iter()
                    .map(|p| sample(m, &tokenizer, p).unwrap_or_else(|e| e.to_string()));
                samples.push((point.step, texts.collect()));
            }
            points.push(point.clone());
        },
    )?;
    // ANCHOR_END: run
    let tokens_seen = u64::from(cfg.steps) * (cfg.batch_size * cfg.seq_len) as u64;
    println!(
        "{} 个参数；{} 步，每步 {} 条 × {} 个词元，共 {} 个词元（约 {} 遍训练集）",
        int(model.num_params() as u64),
        cfg.steps,
        cfg.batch_size,
        cfg.seq_len,
        int(tokens_seen),
        fixed(tokens_seen as f64 / train_stream.len() as f64, 1)
    );
    println!(
        "均匀分布的交叉熵 ln V = {}（困惑度 = 词表大小 {}）",
        fixed(libm::log(tokenizer.vocab_size() as f64), 3),
        tokenizer.vocab_size()
    );
    println!();

    let mut table = Table::numeric(["步", "学习率", "训练损失", "验证损失", "验证困惑度"]);
    for p in &points {
        // 验证点之前最后一步用的学习率
        let lr = match p.step {
            0 => "—".to_string(),
            s => sci(log.steps[s as usize - 1].lr, 2),
        };
        table.row([
            p.step.to_string(),
            lr,
            fixed(p.train_loss, 3),
            fixed(p.val_loss, 3),
            fixed(libm::exp(p.val_loss), 1),
        ]);
    }
    print!("{}", table.text());
    println!("（第 0 步的训练损失是整个训练集上的，之后是两次验证之间各批损失的平均。）");
    println!();

    println!("检查点上的贪心生成（⏎ 表示模型输出了 EOT，… 表示到了 40 个词元的上限）：");
    for (step, texts) in &samples {
        for text in texts {
            println!("  第 {step:>3} 步：{text}");
        }
    }
    println!();

    let clipped = log.steps.iter().filter(|s| s.grad_norm > cfg.clip).count();
    let last = points.last().ok_or("没有验证点")?;
    value("params", int(model.num_params() as u64));
    value("steps", cfg.steps);
    value("tokens_seen", int(tokens_seen));
    value("train_tokens", int(train_stream.len() as u64));
    value("valid_tokens", int(valid_stream.len() as u64));
    value("init_val_loss", fixed(points[0].val_loss, 3));
    value("final_train_loss", fixed(last.train_loss, 3));
    value("final_val_loss", fixed(last.val_loss, 3));
    value("final_val_ppl", fixed(libm::exp(last.val_loss), 1));
    value("clipped_steps", clipped);
    println!();

    // 图：每一步的训练损失和每个验证点的验证损失
    let train_curve: Vec<(f64, f64)> = log
        .steps
        .iter()
        .map(|s| (f64::from(s.step + 1), f64::from(s.loss)))
        .collect();
    let val_curve: Vec<(f64, f64)> = points
        .iter()
        .map(|p| (f64::from(p.step), p.val_loss))
        .collect();
    let lines = [
        ("训练损失（每步一批）", train_curve),
        ("验证损失", val_curve),
    ];
    let fig = Figure {
        title: "小 GPT 的训练曲线",
        x_label: "步",
        y_label: "交叉熵（nat / 词元）",
        ..Figure::default()
    };
    plot::print_figure("loss", &plot::line_chart(&fig, &plot::series(&lines)));

    // ANCHOR: artifact
    // 权重与配置写成文件的字节；与已提交的文件逐字节比较。
    let bytes = io::to_safetensors(&model)?;
    let config_json = io::config_json(&model.config)?;
    let hash = artifact::hash_hex(&bytes);
    if write {
        // 贡献者的显式操作：cargo run --release --example gpt_train -- --write
        std::fs::write(artifact::path(WEIGHTS), &bytes)?;
        std::fs::write(artifact::path(CONFIG), &config_json)?;
        std::fs::write(artifact::path(HASH), format!("{hash}\n"))?;
    }
    let committed = std::fs::read(artifact::path(WEIGHTS)).unwrap_or_default();
    let committed_config = std::fs::read_to_string(artifact::path(CONFIG)).unwrap_or_default();
    let committed_hash = std::fs::read_to_string(artifact::path(HASH)).unwrap_or_default();
    let same =
        committed == bytes && committed_config == config_json && committed_hash.trim() == hash;
    println!("{WEIGHTS}：{} 字节", int(bytes.len() as u64));
    println!("权重哈希（BLAKE3）= {hash}");
    value("weights_hash", &hash);
    println!(
        "与已提交的 {WEIGHTS}、{CONFIG}、{HASH} 一致：{}",
        if same { "是" } else { "否" }
    );
    // ANCHOR_END: artifact
    Ok(())
}
