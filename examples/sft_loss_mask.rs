//! SFT 的对话模板与损失掩码：把一段诗词问答按 ChatML 模板拼成一条序列，用第六部分小 GPT 的 BPE 分词器切成 token，只在助手回答（含结束标记）上计算损失。

use guide_support::{Align, Table, int, value};
use tinygpt::bpe::Tokenizer;

// ANCHOR: template
/// 对话中的一条消息。
pub(crate) struct Message<'a> {
    pub(crate) role: &'a str,
    pub(crate) content: &'a str,
}

/// 模板拼出的一段：特殊标记，或普通文本；`train` 表示这一段的 token 要不要算损失。
pub(crate) enum Piece<'a> {
    Special(&'static str, bool),
    Text(String, bool),
    Borrowed(&'a str, bool),
}

/// ChatML 模板（Qwen 等模型使用）：每条消息是
/// `<|im_start|>角色\n内容<|im_end|>\n`。只有助手消息的内容和它的 `<|im_end|>` 参与训练：
/// 模型要学会回答，也要学会在答完时输出结束标记；提示部分（系统、用户、助手的开头）只作条件。
pub(crate) fn chatml<'a>(messages: &'a [Message<'a>]) -> Vec<Piece<'a>> {
    let mut out = Vec::new();
    for m in messages {
        let train = m.role == "assistant";
        out.push(Piece::Special("<|im_start|>", false));
        out.push(Piece::Text(format!("{}\n", m.role), false));
        out.push(Piece::Borrowed(m.content, train));
        out.push(Piece::Special("<|im_end|>", train));
        out.push(Piece::Text("\n".to_string(), false));
    }
    out
}
// ANCHOR_END: template

// ANCHOR: tokenizer
/// 第六部分小 GPT 的 BPE 分词器，加上两个新增的特殊标记。
/// 原词表有 1024 个 id（0 是 EOT）；`<|im_start|>`、`<|im_end|>` 取接下来的两个 id。
/// 真要用它们微调，模型的嵌入矩阵和输出层也要各加两行（Hugging Face 里是
/// `add_special_tokens` 之后再 `resize_token_embeddings`），新行从随机初始化开始学。
pub(crate) struct ChatTokenizer {
    bpe: Tokenizer,
}

impl ChatTokenizer {
    /// 读入提交在 book/data/tinygpt/ 下的分词器。
    pub(crate) fn load() -> Result<Self, String> {
        let path = "book/data/tinygpt/tokenizer.json";
        let json = std::fs::read_to_string(path).map_err(|e| format!("读取 {path} 失败：{e}"))?;
        let bpe = Tokenizer::from_json(&json).map_err(|e| e.to_string())?;
        Ok(ChatTokenizer { bpe })
    }

    /// 特殊标记的 id：排在原词表之后。
    fn special_id(&self, s: &str) -> Result<u32, String> {
        let base = self.bpe.vocab_size() as u32;
        match s {
            "<|im_start|>" => Ok(base),
            "<|im_end|>" => Ok(base + 1),
            _ => Err(format!("未知的特殊标记 {s:?}")),
        }
    }

    /// 把模板拼出的各段切成 (id, 显示用的文字, 是否训练)。
    /// 特殊标记直接给 id；普通文本交给 BPE，它永远不会产生特殊标记的 id。
    pub(crate) fn encode(&self, pieces: &[Piece<'_>]) -> Result<Vec<(u32, String, bool)>, String> {
        let mut out = Vec::new();
        for p in pieces {
            match p {
                Piece::Special(s, train) => out.push((self.special_id(s)?, s.to_string(), *train)),
                Piece::Text(t, train) => self.push_text(t, *train, &mut out)?,
                Piece::Borrowed(t, train) => self.push_text(t, *train, &mut out)?,
            }
        }
        Ok(out)
    }

    fn push_text(
        &self,
        text: &str,
        train: bool,
        out: &mut Vec<(u32, String, bool)>,
    ) -> Result<(), String> {
        for id in self.bpe.encode(text).map_err(|e| e.to_string())? {
            let shown = self
                .bpe
                .token(id)
                .ok_or_else(|| format!("未知的 token id {id}"))?;
            out.push((id, shown.to_string(), train));
        }
        Ok(())
    }

    /// 加上两个特殊标记之后的词表大小。
    pub(crate) fn len(&self) -> usize {
        self.bpe.vocab_size() + 2
    }
}
// ANCHOR_END: tokenizer

// ANCHOR: labels
/// 语言模型在位置 t 预测第 t+1 个 token，所以目标是序列左移一位；
/// 不训练的目标记为 −100（PyTorch `cross_entropy` 的 `ignore_index` 默认值）。
pub(crate) fn shifted_labels(tokens: &[(u32, String, bool)]) -> Vec<i64> {
    tokens[1..]
        .iter()
        .map(|(id, _, train)| if *train { *id as i64 } else { -100 })
        .collect()
}
// ANCHOR_END: labels

/// 把换行显示成 ⏎，表格里才看得清。
fn show(s: &str) -> String {
    s.replace('\n', "⏎")
}

fn main() -> Result<(), String> {
    let messages = [
        Message {
            role: "user",
            content: "续写：床前明月光",
        },
        Message {
            role: "assistant",
            content: "疑是地上霜。",
        },
    ];
    let pieces = chatml(&messages);
    let text: String = pieces
        .iter()
        .map(|p| match p {
            Piece::Special(s, _) => s.to_string(),
            Piece::Text(t, _) => t.clone(),
            Piece::Borrowed(t, _) => t.to_string(),
        })
        .collect();
    println!("模板拼出的文本：");
    for line in text.lines() {
        println!("  {line}");
    }
    let tok = ChatTokenizer::load()?;
    let tokens = tok.encode(&pieces)?;
    let labels = shifted_labels(&tokens);
    let user = tok.encode(&[Piece::Borrowed(messages[0].content, false)])?;
    let shown: Vec<&str> = user.iter().map(|(_, s, _)| s.as_str()).collect();
    println!();
    println!(
        "用户消息“{}”切成 {} 个 token：{}",
        messages[0].content,
        user.len(),
        shown.join(" | ")
    );

    println!();
    println!(
        "用小 GPT 的 BPE 分词（词表 {} 个：原有 1024 个 + 2 个特殊标记）；只列出助手消息开始之后的位置：",
        tok.len()
    );
    let mut t = Table::new(["位置 t", "输入 token", "目标（第 t+1 个）", "标签"]).align([
        Align::Right,
        Align::Left,
        Align::Left,
        Align::Right,
    ]);
    // 助手消息的 <|im_start|> 是最后一个 <|im_start|>。
    let start = tokens
        .iter()
        .rposition(|(_, s, _)| s == "<|im_start|>")
        .unwrap_or(0);
    for pos in start..labels.len() {
        t.row([
            pos.to_string(),
            show(&tokens[pos].1),
            show(&tokens[pos + 1].1),
            labels[pos].to_string(),
        ]);
    }
    print!("{}", t.text());
    let trained = labels.iter().filter(|&&l| l != -100).count();
    println!(
        "序列长 {} 个 token，{} 个目标；参与损失的 {} 个，被掩码的 {} 个。",
        tokens.len(),
        labels.len(),
        trained,
        labels.len() - trained
    );
    // 最后一个仍属提示的目标位置，和目标为 <|im_end|> 的位置。
    let first_trained = labels.iter().position(|&l| l != -100).unwrap_or(0);
    let end_pos = (0..labels.len())
        .rev()
        .find(|&p| labels[p] != -100)
        .unwrap_or(0);
    value("pos_prompt_last", first_trained.saturating_sub(1));
    value("pos_end", end_pos);
    value("user_tokens", user.len());
    value("seq_len", int(tokens.len() as i64));
    value("targets", int(labels.len() as i64));
    value("trained", int(trained as i64));
    value("masked", int((labels.len() - trained) as i64));
    Ok(())
}
