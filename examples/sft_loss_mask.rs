//! SFT 的对话模板与损失掩码：把一段诗词问答按 ChatML 模板拼成一条序列、切成 token，只在助手回答（含结束标记）上计算损失。

use guide_support::{Align, Table, int, value};

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
/// 字符级分词器：每个字符一个 token，id 是它在词表中的位置。
/// 特殊标记在词表最前面，各占一个 id，普通文本永远不会被切成它们。
pub(crate) struct CharTokenizer {
    vocab: Vec<String>,
}

impl CharTokenizer {
    /// 两个特殊标记，加上 `texts` 里出现过的全部字符（按 Unicode 码位排序，保证确定）。
    pub(crate) fn new(texts: &[&str]) -> Self {
        let mut chars: Vec<char> = texts.iter().flat_map(|t| t.chars()).collect();
        chars.sort_unstable();
        chars.dedup();
        let mut vocab = vec!["<|im_start|>".to_string(), "<|im_end|>".to_string()];
        vocab.extend(chars.iter().map(|c| c.to_string()));
        CharTokenizer { vocab }
    }

    fn id(&self, token: &str) -> Result<u32, String> {
        self.vocab
            .iter()
            .position(|v| v == token)
            .map(|i| i as u32)
            .ok_or_else(|| format!("词表里没有 {token:?}"))
    }

    /// 把模板拼出的各段切成 (id, 显示用的文字, 是否训练)。
    pub(crate) fn encode(&self, pieces: &[Piece<'_>]) -> Result<Vec<(u32, String, bool)>, String> {
        let mut out = Vec::new();
        for p in pieces {
            match p {
                Piece::Special(s, train) => out.push((self.id(s)?, s.to_string(), *train)),
                Piece::Text(t, train) => self.push_text(t, *train, &mut out)?,
                Piece::Borrowed(t, train) => self.push_text(t, *train, &mut out)?,
            }
        }
        Ok(out)
    }

    fn push_text(&self, text: &str, train: bool, out: &mut Vec<(u32, String, bool)>) -> Result<(), String> {
        for c in text.chars() {
            let s = c.to_string();
            out.push((self.id(&s)?, s, train));
        }
        Ok(())
    }

    /// 词表大小。
    pub(crate) fn len(&self) -> usize {
        self.vocab.len()
    }
}
// ANCHOR_END: tokenizer

// ANCHOR: labels
/// 语言模型在位置 t 预测第 t+1 个 token，所以目标是序列左移一位；
/// 不训练的目标记为 −100（PyTorch `cross_entropy` 的 `ignore_index` 默认值）。
pub(crate) fn shifted_labels(tokens: &[(u32, String, bool)]) -> Vec<i64> {
    tokens[1..].iter().map(|(id, _, train)| if *train { *id as i64 } else { -100 }).collect()
}
// ANCHOR_END: labels

/// 把换行显示成 ⏎，表格里才看得清。
fn show(s: &str) -> String {
    s.replace('\n', "⏎")
}

fn main() -> Result<(), String> {
    let messages = [
        Message { role: "system", content: "你是一位熟读唐诗的助手。" },
        Message { role: "user", content: "续写「床前明月光」" },
        Message { role: "assistant", content: "疑是地上霜。" },
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
    // 词表只从普通文本里收集字符：特殊标记是整体，不拆成 '<'、'|' 这些字符。
    let plain: Vec<&str> = pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Special(..) => None,
            Piece::Text(t, _) => Some(t.as_str()),
            Piece::Borrowed(t, _) => Some(*t),
        })
        .collect();
    let tok = CharTokenizer::new(&plain);
    let tokens = tok.encode(&pieces)?;
    let labels = shifted_labels(&tokens);

    println!();
    println!("字符级分词（词表 {} 个：2 个特殊标记 + 这段文本里的字符）；只列出助手开头之后的位置：", tok.len());
    let mut t = Table::new(["位置 t", "输入 token", "目标（第 t+1 个）", "标签"]).align([
        Align::Right,
        Align::Left,
        Align::Left,
        Align::Right,
    ]);
    let first_assistant = tokens.iter().position(|(_, s, train)| *train && !s.starts_with('<')).unwrap_or(0);
    for pos in first_assistant.saturating_sub(4)..labels.len() {
        t.row([
            pos.to_string(),
            show(&tokens[pos].1),
            show(&tokens[pos + 1].1),
            labels[pos].to_string(),
        ]);
    }
    print!("{}", t.text());
    let trained = labels.iter().filter(|&&l| l != -100).count();
    println!("序列长 {} 个 token，{} 个目标；参与损失的 {} 个，被掩码的 {} 个。", tokens.len(), labels.len(), trained, labels.len() - trained);
    // 最后一个仍属提示的目标位置，和目标为 <|im_end|> 的位置。
    let first_trained = labels.iter().position(|&l| l != -100).unwrap_or(0);
    let end_pos = (0..labels.len()).rev().find(|&p| labels[p] != -100).unwrap_or(0);
    value("pos_prompt_last", first_trained.saturating_sub(1));
    value("pos_end", end_pos);
    value("seq_len", int(tokens.len() as i64));
    value("targets", int(labels.len() as i64));
    value("trained", int(trained as i64));
    value("masked", int((labels.len() - trained) as i64));
    Ok(())
}
