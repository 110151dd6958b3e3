use std::collections::BTreeMap;
use std::path::Path;

use super::*;
use crate::directive::find;

const SRC: &str = "//! 示例\n// ANCHOR: f\nfn f() -> u32 { 1 }\n// ANCHOR_END: f\nfn main() {\n    println!(\"{}\", f());\n}\n";

fn env_with(out: Result<&str, &str>) -> BTreeMap<String, ExampleView> {
    let mut m = BTreeMap::new();
    m.insert(
        "demo".to_owned(),
        ExampleView {
            source: SRC.to_owned(),
            output: out.map(str::to_owned).map_err(str::to_owned),
        },
    );
    m
}

fn run(src: &str, examples: &BTreeMap<String, ExampleView>) -> (String, Vec<String>) {
    run_with(src, examples, Config::default())
}

/// An environment with `examples` and nothing else: no code files, no
/// index rows, no notes.
fn env<'a>(examples: &'a BTreeMap<String, ExampleView>, config: &'a Config) -> Env<'a> {
    const NO_CODE_FILES: &BTreeMap<String, Result<String, String>> = &BTreeMap::new();
    Env {
        examples,
        code_files: NO_CODE_FILES,
        book_root: Path::new("."),
        example_rows: &[],
        notes: &[],
        config,
    }
}

fn run_with(
    src: &str,
    examples: &BTreeMap<String, ExampleView>,
    mut config: Config,
) -> (String, Vec<String>) {
    config.labels.excerpt = "片段 {anchor}".into();
    config.labels.solution = "参考答案".into();
    let env = env(examples, &config);
    let (directives, parse_errors) = find(src);
    assert!(parse_errors.is_empty(), "{parse_errors:?}");
    let (out, errors) = expand(src, &directives, &[], &env, Path::new("ch.md"));
    (
        out,
        errors
            .into_iter()
            .map(|e| format!("{}: {}", e.line, e.message))
            .collect(),
    )
}

#[test]
fn anchors_are_inserted_not_parsed_and_precede_a_directive_at_their_offset() {
    let ex = env_with(Ok("1\n"));
    let config = Config::default();
    let env = env(&ex, &config);
    let src = "前文 {{#value demo:k}} 中间 **勘误:x** 后文\n";
    let (directives, _) = find(src);
    let at_value = src.find("{{#value").unwrap();
    let at_note = src.find("**勘误").unwrap();
    let anchors = [
        Anchor {
            offset: at_note,
            id: "note-2".into(),
        },
        Anchor {
            offset: at_value,
            id: "a\"b".into(),
        },
    ];
    let (out, errors) = expand(src, &directives, &anchors, &env, Path::new("ch.md"));
    assert_eq!(errors.len(), 1, "the value line is missing: {errors:?}");
    let marker = out.find("exec-error").expect("error marker");
    let first = out
        .find(r#"<a class="exec-anchor-target" id="a&quot;b"></a>"#)
        .expect("escaped id");
    assert!(
        first < marker,
        "anchor before the directive's expansion: {out}"
    );
    assert!(
        out.contains(r#"中间 <a class="exec-anchor-target" id="note-2"></a>**勘误:x** 后文"#),
        "{out}"
    );
    assert!(out.starts_with("前文 <a"), "{out}");
    // With no directive at all, anchors alone still land.
    let one = [Anchor {
        offset: 1,
        id: "z".into(),
    }];
    let (out, _) = expand("ab", &[], &one, &env, Path::new("ch.md"));
    assert_eq!(out, r#"a<a class="exec-anchor-target" id="z"></a>b"#);
}

#[test]
fn bytes_outside_directives_are_kept() {
    let ex = env_with(Ok("1\n"));
    let src = "# 标题\n\n前文,`code` 与 *强调*。\n\n{{#example demo}}\n\n后文 \\{{#example x}}\n";
    let (out, errors) = run(src, &ex);
    assert!(errors.is_empty(), "{errors:?}");
    assert!(
        out.starts_with("# 标题\n\n前文,`code` 与 *强调*。\n\n"),
        "{out}"
    );
    assert!(out.ends_with("\n\n后文 \\{{#example x}}\n"), "{out}");
    assert!(!out.contains("{{#example demo}}"));
}

#[test]
fn example_shows_source_without_anchors_and_output() {
    let ex = env_with(Ok("1\n"));
    let (out, _) = run("{{#example demo}}\n", &ex);
    assert!(
        out.contains("<pre class=\"exec-source\"><code class=\"language-rust\">//! 示例\nfn f()"),
        "{out}"
    );
    assert!(!out.contains("ANCHOR"), "{out}");
    assert!(
        out.contains("<code class=\"language-text\">1</code>"),
        "{out}"
    );
}

#[test]
fn anchored_example() {
    let ex = env_with(Ok("1\n"));
    let (out, _) = run("{{#example demo:f}}\n", &ex);
    assert!(
        out.contains("<code class=\"language-rust\">fn f() -&gt; u32 &#123; 1 &#125;</code>"),
        "{out}"
    );
    assert!(out.contains("片段 f"), "{out}");
    assert!(
        out.contains("language-text\">1</code>"),
        "the whole program's output"
    );
}

#[test]
fn unknown_anchor_names_the_line() {
    let ex = env_with(Ok("1\n"));
    let (out, errors) = run("x\n\n{{#example demo:g}}\n", &ex);
    assert_eq!(errors.len(), 1);
    assert!(errors[0].starts_with("3: no anchor `g`"), "{errors:?}");
    assert!(errors[0].contains("the file has: `f`"), "{errors:?}");
    assert!(
        out.contains("exec-error"),
        "replaced by an error box, not left raw"
    );
    assert!(!out.contains("{{#example"), "{out}");
}

#[test]
fn unknown_example_suggests() {
    let ex = env_with(Ok("1\n"));
    let (_, errors) = run("{{#output dmeo}}\n", &ex);
    assert!(
        errors[0].contains("unknown example `dmeo` (did you mean `demo`?)"),
        "{errors:?}"
    );
}

#[test]
fn failing_example_renders_an_error_box() {
    let ex = env_with(Err("does not compile:\nerror[E0308]"));
    let (out, errors) = run("{{#example demo}}\n", &ex);
    assert!(
        errors.is_empty(),
        "example failures are reported once, by the book pass"
    );
    assert!(out.contains("class=\"exec-error\""), "{out}");
    assert!(
        out.contains("error&#91;E0308&#93;") || out.contains("error[E0308]"),
        "{out}"
    );
}

#[test]
fn values() {
    let ex = env_with(Ok("x_final = 2.7332\nsteps = 100\n"));
    let (out, errors) = run(
        "停在 {{#value demo:x_final}},共 {{#value demo:steps}} 步。\n",
        &ex,
    );
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(out, "停在 2.7332,共 100 步。\n");
    let (_, errors) = run("{{#value demo:x_fnal}}\n", &ex);
    assert!(
        errors[0].contains("no line `x_fnal = …` (did you mean `x_final`?)"),
        "{errors:?}"
    );
}

#[test]
fn output_md_splices_markdown_with_caption() {
    let ex = env_with(Ok("| a | b |\n| - | - |\n| 1 | <i>2</i> |\n"));
    let (out, _) = run("前\n\n{{#output-md demo}}\n\n后\n", &ex);
    assert!(out.contains("\n| a | b |\n| - | - |\n| 1 | &lt;i&gt;2&lt;/i&gt; |\n\n<div class=\"exec-md-caption\">"), "{out}");
}

#[test]
fn figure_and_output_split() {
    let ex = env_with(Ok(
        "text\n<!-- figure: f -->\n<svg><script>x</script></svg>\nmore\n",
    ));
    let (out, errors) = run("{{#output demo}}\n\n{{#figure demo 图一}}\n", &ex);
    assert!(errors.is_empty(), "{errors:?}");
    assert!(
        out.contains("language-text\">text\nmore</code>"),
        "figure removed from text: {out}"
    );
    assert!(
        out.contains("<img src=\"data:image/svg+xml;base64,"),
        "{out}"
    );
    assert!(!out.contains("<script>"), "the SVG is inside a data URI");
    let (_, errors) = run("{{#figure demo:g 图}}\n", &ex);
    assert!(
        errors[0].contains("no figure `g`; it has `f`"),
        "{errors:?}"
    );
}

#[test]
fn solution_is_folded() {
    let ex = env_with(Ok("1\n"));
    let (out, _) = run("{{#solution demo}}\n", &ex);
    assert!(out.contains("<details class=\"exec-solution\">"), "{out}");
    assert!(out.contains("参考答案"), "{out}");
}

#[test]
fn blocks_inside_list_items_stay_inside() {
    let ex = env_with(Ok("1\n\n2\n"));
    let src = "1. 第一步\n\n   {{#output demo}}\n\n2. 第二步\n";
    let (out, _) = run(src, &ex);
    for line in out.lines().skip(2) {
        if line.starts_with("2.") {
            break;
        }
        assert!(
            line.is_empty() || line.starts_with("   "),
            "line left the list item: {line:?}\n{out}"
        );
    }
    let html = render_markdown(&out);
    assert!(
        html.contains("<li>\n<p>第一步</p>\n<div class=\"exec exec-output-only\""),
        "{html}"
    );
    assert_eq!(html.matches("<ol>").count(), 1, "one list: {html}");
}

#[test]
fn block_after_a_list_marker() {
    let ex = env_with(Ok("1\n"));
    let (out, _) = run("- {{#output demo}}\n- next\n", &ex);
    let html = render_markdown(&out);
    assert!(
        html.contains("<li><div class=\"exec exec-output-only\""),
        "{html}"
    );
    assert_eq!(html.matches("<ul>").count(), 1, "{html}");
}

#[test]
fn blocks_inside_block_quotes() {
    let ex = env_with(Ok("a\n\nb\n"));
    let (out, _) = run("> 引文\n>\n> {{#output demo}}\n>\n> 结束\n", &ex);
    let html = render_markdown(&out);
    assert_eq!(html.matches("<blockquote>").count(), 1, "{html}");
    assert!(
        html.contains("a\n&#10;b</code>") || html.contains("a\n\nb</code>"),
        "{html}"
    );
    assert!(html.contains("<p>结束</p>\n</blockquote>"), "{html}");
}

#[test]
fn html_block_survives_markdown_parsing_whole() {
    // A blank line inside the output must not end the HTML block.
    let ex = env_with(Ok("line 1\n\n\nline 4\n"));
    let (out, _) = run("{{#output demo}}\n\n段落\n", &ex);
    let html = render_markdown(&out);
    assert!(
        html.contains("line 1\n&#10;\nline 4</code></pre>"),
        "{html}"
    );
    assert!(html.contains("<p>段落</p>"), "{html}");
}

fn render_markdown(md: &str) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(md));
    html
}

fn hiding() -> Config {
    let mut c = Config::default();
    c.value_lines = crate::config::ValueLines::Hide;
    c
}

const WITH_VALUES: &str =
    "损失下降了。\nloss = 0.25\nstep.count = 10\n\n表格\n| a = b |\n  x = 1\n";

#[test]
fn value_lines_are_shown_by_default() {
    let ex = env_with(Ok(WITH_VALUES));
    let (out, errors) = run("{{#output demo}}\n", &ex);
    assert!(errors.is_empty(), "{errors:?}");
    assert!(out.contains("loss = 0.25\nstep.count = 10"), "{out}");
}

#[test]
fn hidden_value_lines_leave_the_rest() {
    let ex = env_with(Ok(WITH_VALUES));
    let src = "{{#output demo}}\n\n{{#example demo}}\n\n{{#solution demo}}\n\n值 {{#value demo:loss}}。\n";
    let (out, errors) = run_with(src, &ex, hiding());
    assert!(errors.is_empty(), "{errors:?}");
    assert!(!out.contains("loss = "), "{out}");
    assert!(!out.contains("step.count"), "{out}");
    // The gap they leave closes; what is not a value line stays.
    assert_eq!(
        out.matches("损失下降了。\n&#10;表格\n| a = b |\n  x = 1</code>")
            .count(),
        3,
        "{out}"
    );
    // `{{#value}}` still reads them.
    assert!(out.contains("值 0.25。"), "{out}");
}

#[test]
fn values_word_shows_them_in_a_hiding_book() {
    let ex = env_with(Ok(WITH_VALUES));
    let src = "{{#output demo values}}\n\n{{#example demo values}}\n\n{{#solution demo values}}\n";
    let (out, errors) = run_with(src, &ex, hiding());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        out.matches("loss = 0.25\nstep.count = 10").count(),
        3,
        "{out}"
    );
}

#[test]
fn nothing_but_values_is_no_output_box() {
    let ex = env_with(Ok("a = 1\n\nb = 2\n"));
    let (out, errors) = run_with("前\n\n{{#output demo}}\n\n后\n", &ex, hiding());
    assert!(errors.is_empty(), "{errors:?}");
    assert!(!out.contains("exec"), "{out}");
    assert!(out.starts_with("前\n") && out.ends_with("后\n"), "{out}");
    let (out, _) = run_with("{{#example demo}}\n", &ex, hiding());
    assert!(
        out.contains("exec-source") && !out.contains("exec-output"),
        "{out}"
    );
    let (out, _) = run_with("{{#solution demo}}\n", &ex, hiding());
    assert!(
        out.contains("exec-source") && !out.contains("exec-output"),
        "{out}"
    );
    // With `values` the lines are there.
    let (out, _) = run_with("{{#output demo values}}\n", &ex, hiding());
    assert!(out.contains("a = 1\n&#10;b = 2"), "{out}");
    // A program that prints nothing at all still gets its (empty) box.
    let ex = env_with(Ok(""));
    let (out, _) = run_with("{{#output demo}}\n", &ex, hiding());
    assert!(out.contains("exec-output"), "{out}");
}

#[test]
fn removing_value_lines_keeps_the_authors_blank_lines() {
    assert_eq!(without_value_lines("a\n\n\nb\n"), "a\n\n\nb\n");
    assert_eq!(without_value_lines("k = 1\n\na\n"), "a\n");
    assert_eq!(without_value_lines("a\n\nk = 1\n\nb"), "a\n\nb");
    assert_eq!(without_value_lines("a\nk = 1\nb\n"), "a\nb\n");
    assert_eq!(without_value_lines("a\n\nk = 1\n"), "a\n");
    assert_eq!(without_value_lines("k = 1\n"), "");
}

#[test]
fn output_md_hides_value_lines_too() {
    let ex = env_with(Ok("| a | b |\n| --- | --- |\n| 1 | 2 |\n\nrows = 1\n"));
    let (out, errors) = run_with("{{#output-md demo}}\n", &ex, hiding());
    assert!(errors.is_empty(), "{errors:?}");
    assert!(
        out.contains("| 1 | 2 |") && !out.contains("rows = 1"),
        "{out}"
    );
    let (out, _) = run_with("{{#output-md demo values}}\n", &ex, hiding());
    assert!(out.contains("rows = 1"), "{out}");
    let (out, _) = run("{{#output-md demo}}\n", &ex);
    assert!(out.contains("rows = 1"), "{out}");
}
