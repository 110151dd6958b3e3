//! Chinese text in the programs' documented outputs follows the book's
//! typography rule (CONTRIBUTING, "Chinese typography"): full-width
//! punctuation in Chinese sentences, ASCII punctuation in code, maths and
//! between ASCII words and numbers. This reads every `examples/*.stdout`
//! and names each half-width `, : ; ! ? ( )` that stands in Chinese text.
//!
//! The rule, precisely. A *Chinese character* is a Han ideograph or a
//! full-width/CJK punctuation mark (U+3000–U+303F, U+FF00–U+FFEF). Lines
//! without one, and value lines (`KEY = value`, read by `{{#value}}` and
//! not shown on the page), are outside the rule. On the other lines:
//! - `,` `:` `;` `!` `?` is wrong when the nearest non-space character on
//!   its left or on its right is Chinese (`损失:0.25`, `A: 大模型`); between
//!   ASCII characters it stays (`(2, 3)`, `1,024`, `x: 1`). A `;` that ends
//!   an HTML entity (`&lt;` in an SVG figure) is not punctuation.
//! - A pair `( … )` on one line is wrong when it encloses a Chinese
//!   character, or `(` directly follows a Han character, or `)` is directly
//!   followed by one (`权重(缩放)`, `版本 1(关键词规则)`); an unpaired
//!   parenthesis is wrong when it touches a Han character. A tuple after a
//!   full-width colon stays (`分数：(7, 6)`).
//! - Function and maths notation keeps ASCII: a pair whose `(` directly
//!   follows a Latin or Greek letter, `_`, a prime, `√` or a
//!   sub/superscript (`f(x)`, `P(猫)`, `π(疑是地上霜)`, `log₂(…)`, `√(…)`)
//!   is exempt, with all it encloses.
//! - A string printed as data between ASCII double quotes (`"价格:199元"`,
//!   a `{:?}` or a JSON value) is exempt: it is the program's data as it
//!   is, such as what NFKC made of a full-width comma.

use std::fs;
use std::path::Path;

use mdbook_exec::directive::value_line;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Han ideographs.
fn is_han(c: char) -> bool {
    matches!(u32::from(c), 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
}

/// Han ideographs and full-width or CJK punctuation.
fn is_chinese(c: char) -> bool {
    is_han(c) || matches!(u32::from(c), 0x3000..=0x303F | 0xFF00..=0xFFEF)
}

/// A character after which `(` opens an argument list: `f(x)`, `P(猫)`.
fn is_notation(c: char) -> bool {
    c.is_ascii_alphabetic()
        || matches!(c, '_' | '\'' | '′' | '″' | '√')
        || ('\u{0370}'..='\u{03FF}').contains(&c)
        || ('\u{2070}'..='\u{209F}').contains(&c)
}

/// One half-width mark in Chinese text: its column (in characters, from 1)
/// and the mark.
#[derive(Debug, PartialEq, Eq)]
struct Offence {
    column: usize,
    mark: char,
}

/// The offences on one line of output (none for value lines and lines
/// without Chinese).
fn offences(line: &str) -> Vec<Offence> {
    if value_line(line).is_some() || !line.chars().any(is_chinese) {
        return Vec::new();
    }
    let chars: Vec<char> = line.chars().collect();
    let n = chars.len();
    let chinese_at = |i: Option<usize>| i.is_some_and(|i| i < n && is_chinese(chars[i]));
    let han_at = |i: Option<usize>| i.is_some_and(|i| i < n && is_han(chars[i]));
    let nearest = |i: usize, step: isize| -> Option<usize> {
        let mut j = i as isize + step;
        while j >= 0 && (j as usize) < n && chars[j as usize] == ' ' {
            j += step;
        }
        (j >= 0 && (j as usize) < n).then_some(j as usize)
    };
    // Parentheses paired on this line.
    let mut partner = vec![None; n];
    let mut open = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '(' => open.push(i),
            ')' => {
                if let Some(o) = open.pop() {
                    partner[o] = Some(i);
                    partner[i] = Some(o);
                }
            }
            _ => {}
        }
    }
    // Notation: `f(…)` and everything in it.
    let mut exempt = vec![false; n];
    for o in 0..n {
        if chars[o] == '('
            && o > 0
            && is_notation(chars[o - 1])
            && let Some(c) = partner[o]
        {
            exempt[o..=c].iter_mut().for_each(|e| *e = true);
        }
    }
    let entity_end = |i: usize| {
        let start = chars[..i].iter().rposition(|&c| c == '&');
        start.is_some_and(|s| {
            i > s + 1
                && chars[s + 1..i]
                    .iter()
                    .all(|c| c.is_ascii_alphanumeric() || *c == '#')
        })
    };
    // A string shown as data, between ASCII double quotes (`{n:?}`, JSON),
    // is the program's input as it is, not its prose.
    let mut quoted = false;
    for (i, &c) in chars.iter().enumerate() {
        if c == '"' {
            quoted = !quoted;
        } else if quoted {
            exempt[i] = true;
        }
    }
    if quoted {
        // An unpaired quote opens nothing.
        let last = chars.iter().rposition(|&c| c == '"').expect("a quote");
        exempt[last..].iter_mut().for_each(|e| *e = false);
    }
    let mut found = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        if exempt[i] {
            continue;
        }
        let wrong = match c {
            ',' | ':' | ';' | '!' | '?' => {
                !(c == ';' && entity_end(i))
                    && (chinese_at(nearest(i, -1)) || chinese_at(nearest(i, 1)))
            }
            '(' | ')' => match partner[i] {
                Some(p) => {
                    let (o, e) = (i.min(p), i.max(p));
                    chars[o + 1..e].iter().any(|&c| is_chinese(c))
                        || han_at(o.checked_sub(1))
                        || han_at(Some(e + 1))
                }
                None => han_at(i.checked_sub(1)) || han_at(Some(i + 1)),
            },
            _ => false,
        };
        if wrong {
            found.push(Offence {
                column: i + 1,
                mark: c,
            });
        }
    }
    found
}

fn marks(line: &str) -> String {
    offences(line).iter().map(|o| o.mark).collect()
}

#[test]
fn the_rule_on_examples() {
    // Wrong: next to Chinese, or a parenthesis around or against it.
    assert_eq!(marks("损失:0.25"), ":");
    assert_eq!(marks("A: 大模型训练"), ":");
    assert_eq!(marks("输出形状 [2, 5],权重形状 [2, 5]"), ",");
    assert_eq!(marks("最大权重(不缩放)"), "()");
    assert_eq!(marks("版本 1(关键词规则)"), "()");
    assert_eq!(marks("GPT-3(实际)"), "()");
    assert_eq!(marks("近重复?"), "?");
    assert_eq!(marks("就已溢出!"), "!");
    assert_eq!(marks("只算权重;激活另计"), ";");
    assert_eq!(marks("(只算权重)"), "()");
    assert_eq!(marks("多行括号(开头"), "(");
    // Right: full-width, or ASCII between ASCII.
    assert_eq!(marks("损失：0.25，形状 (2, 3)"), "");
    assert_eq!(marks("吞吐 (token/s)  TTFT p99 (ms)"), "");
    assert_eq!(marks("1,024 个 token"), "");
    assert_eq!(marks("分量独立同分布于 N(0, 1)。"), "");
    assert_eq!(marks("注意力分数：(7, 6)，形状 (2, 3)"), "");
    assert_eq!(marks("余弦相似度 I·Tᵀ(行 = 图像)"), "()");
    // Notation keeps ASCII, with what it encloses.
    assert_eq!(marks("P(猫)  π(疑是地上霜)  log₂(可达 TFLOPS)"), "");
    assert_eq!(marks("工具 send_email(收件人, 正文)"), "");
    assert_eq!(marks("√(被丢弃的 s² 之和)"), "");
    // Data in quotes is shown as it is; an unpaired quote opens nothing.
    assert_eq!(marks("规范化后 \"价格:199元,很高\"  保留"), "");
    assert_eq!(marks("说明\" 价格:199元"), ":");
    // An HTML entity's `;` is not punctuation.
    assert_eq!(marks("key 位置（0 是 &lt;pad&gt;），灰色"), "");
    // Outside the rule: value lines and lines without Chinese.
    assert_eq!(marks("label = 正常,可疑"), "");
    assert_eq!(marks("x: 1, y: (2)!"), "");
    // Columns count characters.
    assert_eq!(
        offences("损失:0"),
        [Offence {
            column: 3,
            mark: ':'
        }]
    );
}

#[test]
fn outputs_use_full_width_punctuation_in_chinese() {
    let dir = Path::new(ROOT).join("examples");
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("examples/ is readable")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "stdout"))
        .collect();
    files.sort();
    assert!(files.len() > 100, "only {} outputs found", files.len());
    let mut bad = Vec::new();
    let mut files_bad = 0;
    for f in &files {
        let text = fs::read_to_string(f).expect("output is UTF-8");
        let before = bad.len();
        for (n, line) in text.lines().enumerate() {
            for o in offences(line) {
                bad.push(format!(
                    "examples/{}:{}:{}: half-width `{}` in Chinese text: {}",
                    f.file_name().expect("file name").to_string_lossy(),
                    n + 1,
                    o.column,
                    o.mark,
                    line.chars().take(100).collect::<String>()
                ));
            }
        }
        files_bad += usize::from(bad.len() > before);
    }
    assert!(
        bad.is_empty(),
        "{} half-width marks in Chinese text in {files_bad} outputs \
         (use ，：；！？（）; change the program's strings and bless it):\n{}",
        bad.len(),
        bad.join("\n")
    );
}
