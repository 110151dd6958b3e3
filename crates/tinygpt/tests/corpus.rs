//! The corpus: the committed slice loads, is cleaned as documented, and is
//! split by poem; bad input is an error, not a panic.
use std::collections::HashSet;

use tinygpt::corpus::{
    self, CorpusError, MAX_CHARS, MIN_CHARS, Poem, dedupe, normalize, parse_ci, parse_mengxue,
    split, strip_notes,
};

fn workspace_root() {
    std::env::set_current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).unwrap();
}

fn poem(lines: &[&str]) -> Poem {
    Poem {
        title: "题".into(),
        author: "佚名".into(),
        lines: lines.iter().map(|l| l.to_string()).collect(),
    }
}

#[test]
fn both_corpora_load_clean_and_split_by_poem() {
    workspace_root();
    for c in [
        corpus::load_default().unwrap(),
        corpus::load_finetune().unwrap(),
    ] {
        let train: HashSet<String> = c.train.iter().map(Poem::text).collect();
        assert!(c.valid.len() * 5 < c.train.len());
        for p in &c.valid {
            assert!(!train.contains(&p.text()), "《{}》 on both sides", p.title);
        }
        let all: Vec<&Poem> = c.train.iter().chain(&c.valid).collect();
        let keys: Vec<String> = all.iter().map(|p| normalize(&p.text())).collect();
        assert_eq!(dedupe(&keys).len(), keys.len(), "a duplicate survived");
        for p in all {
            let text = p.text();
            let n = text.chars().count();
            assert!(
                n > MIN_CHARS && n <= MAX_CHARS,
                "《{}》 has {n} chars",
                p.title
            );
            assert!(
                !text.contains(['(', ')', '（', '）']),
                "a note survived: {text}"
            );
            assert!(p.lines.iter().all(|l| !l.is_empty() && l.trim() == l));
            assert!(!p.author.starts_with('（'), "dynasty left in {}", p.author);
        }
    }
}

#[test]
fn loading_is_deterministic() {
    workspace_root();
    let (a, b) = (
        corpus::load_default().unwrap(),
        corpus::load_default().unwrap(),
    );
    assert_eq!(a.train, b.train);
    assert_eq!(a.valid, b.valid);
}

#[test]
fn sub_poems_become_poems_and_the_dynasty_is_dropped() {
    let json = r#"{"title": "千家诗", "content": [{"type": "五言律诗", "content": [
        {"chapter": "曲江对酒", "author": "（唐）杜甫", "paragraphs": [
            {"subchapter": "其一", "paragraphs": ["一片花飞减却春，风飘万点正愁人。"]},
            {"subchapter": "其二", "paragraphs": ["朝回日日典春衣，每日江头尽醉归。"]}]},
        {"chapter": "杂诗", "subchapter": "杂诗三首·其二", "author": "王维",
         "paragraphs": ["君自故乡来，应知故乡事。"]}]}]}"#;
    let poems = parse_mengxue(json).unwrap();
    let titles: Vec<&str> = poems.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(titles, ["曲江对酒·其一", "曲江对酒·其二", "杂诗三首·其二"]);
    assert_eq!(poems[0].author, "杜甫");
    assert_eq!(poems[2].author, "王维");
}

#[test]
fn notes_are_removed_even_across_lines() {
    assert_eq!(
        strip_notes("春草明年绿，王孙归不归？(明年 一作：年年)"),
        "春草明年绿，王孙归不归？"
    );
    let text = "受降城外月如霜。(回乐\n一作：回乐\n）\n不知何处吹芦管";
    assert_eq!(strip_notes(text), "受降城外月如霜。\n不知何处吹芦管");
    // An unclosed note runs to the end; a stray closing bracket stays.
    assert_eq!(strip_notes("床前明月光（疑是"), "床前明月光");
    assert_eq!(strip_notes("a)b"), "a)b");
}

#[test]
fn cleaning_dedupes_on_the_normalized_text_but_keeps_the_original() {
    // A near-duplicate: the same 绝句 with 楼 → 台, Jaccard of the 3-grams
    // 17 shared of 19 in the union, far above NEAR_DUP.
    let raw = vec![
        poem(&["白日依山尽，黄河入海流。", "欲穷千里目，更上一层楼。"]),
        poem(&["  白日依山尽，黄河入海流。", "欲穷千里目，更上一层楼。 "]),
        poem(&[
            "白日依山尽,黄河入海流。",
            "欲穷千里目,更上一层楼。(一作：上)",
        ]),
        poem(&["白日依山尽，黄河入海流。", "欲穷千里目，更上一层台。"]),
        poem(&["好诗。"]),
        poem(&[&"长".repeat(MAX_CHARS + 1)]),
    ];
    let (kept, report) = corpus::clean(raw);
    assert_eq!(kept.len(), 1);
    assert_eq!(
        kept[0].lines[0], "白日依山尽，黄河入海流。",
        "full-width kept"
    );
    assert_eq!(
        (report.raw, report.with_notes, report.duplicates),
        (6, 1, 2)
    );
    assert_eq!(report.near_duplicates, 1, "one character apart");
    assert_eq!((report.too_short, report.too_long), (1, 1));
}

#[test]
fn bad_input_is_an_error() {
    assert!(parse_mengxue("").is_err());
    assert!(parse_mengxue("{\"content\": [{\"content\": [{\"chapter\": 1}]}]}").is_err());
    assert!(parse_ci("[{\"author\": \"柳永\"}]").is_err());
    let err = split(Vec::new()).unwrap_err();
    assert!(
        matches!(err, CorpusError::Empty { which: "训练集" }),
        "{err}"
    );
    // One poem lands on one side; the other side is empty.
    let one = poem(&["白日依山尽，黄河入海流。"]);
    assert!(matches!(split(vec![one]), Err(CorpusError::Empty { .. })));
}
