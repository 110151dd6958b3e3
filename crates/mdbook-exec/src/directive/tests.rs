use super::*;

fn kinds(src: &str) -> Vec<Kind> {
    let (found, errors) = find(src);
    assert!(errors.is_empty(), "{errors:?}");
    found.into_iter().map(|d| d.kind).collect()
}

#[test]
fn invalid_directives_are_kept_for_replacement() {
    let (found, errors) = find("a {{#exmaple x}} b\n{{#output y\n");
    assert_eq!(errors.len(), 2);
    assert!(matches!(found[0].kind, Kind::Invalid(_)));
    assert!(matches!(found[1].kind, Kind::Invalid(_)));
    assert_eq!(found[1].range, 19..30, "up to the end of the line");
}

fn errors(src: &str) -> Vec<String> {
    find(src)
        .1
        .into_iter()
        .map(|e| format!("{}: {}", e.line, e.message))
        .collect()
}

#[test]
fn every_form_parses() {
    let src = "\
{{#example a}}

{{#example a:body}}

{{#source b_c:x-y}}

{{#output a}}

{{#output-md table}}

{{#figure lr:curve 余弦退火 曲线}}

{{#solution ex_1}}

值是 {{#value opt_gd:x_final}}。

{{#render templates/g.md.tera data/g.toml}}

{{#example-index}}

{{#notes-index}}
";
    assert_eq!(
        kinds(src),
        [
            Kind::Example {
                name: "a".into(),
                anchor: None,
                values: false
            },
            Kind::Example {
                name: "a".into(),
                anchor: Some("body".into()),
                values: false
            },
            Kind::Source {
                name: "b_c".into(),
                anchor: Some("x-y".into())
            },
            Kind::Output {
                name: "a".into(),
                values: false
            },
            Kind::OutputMd {
                name: "table".into(),
                values: false
            },
            Kind::Figure {
                name: "lr".into(),
                key: Some("curve".into()),
                caption: "余弦退火 曲线".into()
            },
            Kind::Solution {
                name: "ex_1".into(),
                values: false
            },
            Kind::Value {
                name: "opt_gd".into(),
                key: "x_final".into()
            },
            Kind::Render {
                template: "templates/g.md.tera".into(),
                data: "data/g.toml".into()
            },
            Kind::ExampleIndex,
            Kind::NotesIndex,
        ]
    );
}

#[test]
fn code_blocks_and_spans_are_untouched() {
    let src = "\
Use `{{#example a}}` to show a.

```markdown
{{#example b}}
```

    {{#example indented_code}}

~~~
{{#value c:d}}
~~~

<!-- {{#example commented}} -->

{{#example real}}
";
    assert_eq!(
        kinds(src),
        [Kind::Example {
            name: "real".into(),
            anchor: None,
            values: false
        }]
    );
}

#[test]
fn escaped_directives_are_left_for_links() {
    assert!(kinds("Write \\{{#example a}} to include a.\n").is_empty());
}

#[test]
fn mdbook_directives_are_not_ours() {
    assert!(
        kinds("{{#include foo.rs:2:5}}\n\n{{#rustdoc_include x.rs}}\n\n{{#title T}}\n").is_empty()
    );
}

#[test]
fn positions_and_lines() {
    let src = "# T\n\nText\n\n{{#example a}}\n";
    let (found, _) = find(src);
    assert_eq!(found[0].line, 5);
    assert_eq!(&src[found[0].range.clone()], "{{#example a}}");
}

#[test]
fn prefixes_in_lists_and_quotes() {
    let src = "- item\n\n  {{#example a}}\n\n> {{#output b}}\n\n1. {{#source c}}\n";
    let (found, errors) = find(src);
    assert!(errors.is_empty(), "{errors:?}");
    let prefixes: Vec<&str> = found.iter().map(|d| d.prefix.as_str()).collect();
    assert_eq!(prefixes, ["  ", "> ", "1. "]);
    assert_eq!(continuation_prefix("1. "), "   ");
    assert_eq!(continuation_prefix("> - "), ">   ");
}

#[test]
fn malformed_directives_are_errors_with_lines() {
    let e = errors("ok\n{{#example a\n");
    assert_eq!(e.len(), 1);
    assert!(e[0].starts_with("2: unterminated directive"), "{e:?}");

    let e = errors("{{#exmaple a}}\n");
    assert!(e[0].contains("did you mean `{{#example}}`"), "{e:?}");

    let e = errors("{{#example}}\n");
    assert!(e[0].contains("needs an example name"), "{e:?}");

    let e = errors("{{#example a b}}\n");
    assert!(e[0].contains("takes one argument"), "{e:?}");

    let e = errors("{{#value a}}\n");
    assert!(e[0].contains("needs a key"), "{e:?}");

    let e = errors("{{#output a:x}}\n");
    assert!(e[0].contains("no `:ANCHOR`"), "{e:?}");

    let e = errors("{{#figure a}}\n");
    assert!(e[0].contains("needs a caption"), "{e:?}");

    let e = errors("{{#example-index now}}\n");
    assert!(e[0].contains("takes no arguments"), "{e:?}");
}

#[test]
fn paths_are_refused() {
    for bad in [
        "../secret",
        "/etc/passwd",
        "examples/a.rs",
        "a.rs",
        "sub/dir",
    ] {
        let e = errors(&format!("{{{{#example {bad}}}}}\n"));
        assert_eq!(e.len(), 1, "{bad}");
        assert!(
            e[0].contains("paths outside `examples/` are never read"),
            "{bad}: {e:?}"
        );
    }
    let e = errors("{{#example ../../etc/passwd}}\n");
    assert!(e[0].contains("write `passwd`"), "{e:?}");
}

#[test]
fn block_directives_must_stand_alone() {
    let e = errors("See {{#example a}} here.\n");
    assert!(e[0].contains("must stand alone"), "{e:?}");
    // Inline values may sit anywhere in text.
    assert_eq!(kinds("x = {{#value a:k}}, y\n").len(), 1);
}

#[test]
fn value_inside_a_table_cell_and_maths() {
    let src = "| a | b |\n| - | - |\n| {{#value e:k}} | 2 |\n\n$x = {{#value e:k}}$\n";
    assert_eq!(kinds(src).len(), 2);
}

#[test]
fn line_index() {
    let idx = LineIndex::new("a\nbc\n\nd");
    assert_eq!(idx.line_of(0), 1);
    assert_eq!(idx.line_of(2), 2);
    assert_eq!(idx.line_of(5), 3);
    assert_eq!(idx.line_of(6), 4);
}

#[test]
fn suggestions() {
    assert_eq!(
        closest("attention_sofmax", ["attention_softmax", "opt_gd"]),
        Some("attention_softmax")
    );
    assert_eq!(closest("zzz", ["attention_softmax"]), None);
}

#[test]
fn code_directive_takes_a_workspace_relative_path() {
    assert_eq!(
        kinds("{{#code crates/tinygpt/src/model.rs:forward}}\n\n{{#code src/lib.rs}}\n"),
        [
            Kind::Code {
                path: "crates/tinygpt/src/model.rs".into(),
                anchor: Some("forward".into()),
            },
            Kind::Code {
                path: "src/lib.rs".into(),
                anchor: None,
            },
        ]
    );
    for (bad, why) in [
        ("/etc/passwd", "absolute path"),
        ("../x.rs", "leads outside the workspace"),
        ("a/../../x.rs", "leads outside the workspace"),
        ("a\\b.rs", "separate directories with `/`"),
        (".", "the workspace root itself"),
        ("a.rs:", "anchor `` must be non-empty"),
        ("a.rs:x y", "takes one argument"),
    ] {
        let e = errors(&format!("{{{{#code {bad}}}}}\n"));
        assert_eq!(e.len(), 1, "{bad}");
        assert!(
            e[0].starts_with("1: ") && e[0].contains(why),
            "{bad}: {e:?}"
        );
    }
    assert_eq!(
        workspace_path("a/./b/../c.rs").unwrap(),
        std::path::Path::new("a/c.rs")
    );
}

#[test]
fn unknown_directives_belong_to_other_preprocessors_unless_strict() {
    let src = "a {{#other-tool x}} b\n\n{{#exmaple demo}}\n\n{{#unclosed y\n\n{{#example demo\n";
    let (found, errors) = crate::directive::find_with(src, false);
    assert_eq!(errors.len(), 1, "only our own unterminated one: {errors:?}");
    assert!(
        errors[0]
            .message
            .contains("unterminated directive `{{#example demo`")
    );
    assert_eq!(found.len(), 1);
    let (_, strict) = crate::directive::find_with(src, true);
    let messages: Vec<&str> = strict.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(strict.len(), 4, "{messages:#?}");
    assert!(
        messages[1].contains("did you mean `{{#example}}`"),
        "{messages:#?}"
    );
    assert_eq!(strict[1].line, 3);
}

#[test]
fn values_word_asks_for_value_lines() {
    let src = "\
{{#example a values}}

{{#example a:body values}}

{{#output a values}}

{{#solution ex_1 values}}

{{#output-md table values}}

{{#example values}}
";
    assert_eq!(
        kinds(src),
        [
            Kind::Example {
                name: "a".into(),
                anchor: None,
                values: true
            },
            Kind::Example {
                name: "a".into(),
                anchor: Some("body".into()),
                values: true
            },
            Kind::Output {
                name: "a".into(),
                values: true
            },
            Kind::Solution {
                name: "ex_1".into(),
                values: true
            },
            Kind::OutputMd {
                name: "table".into(),
                values: true
            },
            // A lone `values` is an example's name.
            Kind::Example {
                name: "values".into(),
                anchor: None,
                values: false
            },
        ]
    );
    // Only those four take it, and only as the last word.
    for bad in [
        "{{#source a values}}\n",
        "{{#value a:k values}}\n",
        "{{#output a value}}\n",
        "{{#output a values values}}\n",
    ] {
        let (_, errors) = find(bad);
        assert_eq!(errors.len(), 1, "{bad}: {errors:?}");
    }
}

#[test]
fn value_lines_are_what_value_directives_read() {
    assert_eq!(value_line("loss = 0.25"), Some(("loss", "0.25")));
    assert_eq!(value_line("a.b-c_1 = x = y"), Some(("a.b-c_1", "x = y")));
    assert_eq!(value_line("k = "), Some(("k", "")));
    // Not a key a directive could name, or not at the line start.
    assert_eq!(value_line("损失 = 0.25"), None);
    assert_eq!(value_line("  loss = 0.25"), None);
    assert_eq!(value_line("two words = 1"), None);
    assert_eq!(value_line("x=1"), None);
    assert_eq!(value_line("| a = b |"), None);
}
