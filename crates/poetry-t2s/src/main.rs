//! `poetry-t2s IN OUT`: converts a file from traditional to simplified
//! characters with OpenCC's `t2s` dictionaries (phrases first, then single
//! characters), the one step of `scripts/fetch-poetry.sh` that needs Rust.
//!
//! The whole file is converted as text. The chinese-poetry files are JSON
//! whose keys and structure are ASCII, and every string value is separated
//! from the next by a quote, a comma and a newline, so no dictionary phrase can
//! match across two values: converting the text is the same as converting
//! each string, and the file keeps its layout byte for byte.
use std::process::ExitCode;

use ferrous_opencc::OpenCC;
use ferrous_opencc::config::BuiltinConfig;

// ANCHOR: convert
/// Traditional → simplified, with OpenCC's phrase table before its character
/// table, so that a phrase such as 乾坤 keeps the 乾 that a character-by-character
/// mapping (乾 → 干) would lose.
fn to_simplified(text: &str) -> Result<String, ferrous_opencc::error::OpenCCError> {
    let t2s = OpenCC::from_config(BuiltinConfig::T2s)?;
    Ok(t2s.convert(text))
}
// ANCHOR_END: convert

fn run(args: &[String]) -> Result<(), String> {
    let [input, output] = args else {
        return Err("usage: poetry-t2s IN OUT".to_string());
    };
    let text = std::fs::read_to_string(input).map_err(|e| format!("{input}: {e}"))?;
    let simplified = to_simplified(&text).map_err(|e| format!("OpenCC t2s: {e}"))?;
    std::fs::write(output, simplified).map_err(|e| format!("{output}: {e}"))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("poetry-t2s: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::to_simplified;

    #[test]
    fn converts_characters_and_keeps_everything_else() {
        let line = "{\"p\": [\"白日依山盡，黃河入海流。\",\n \"欲窮千里目，更上一層樓。\"]}";
        assert_eq!(
            to_simplified(line).unwrap(),
            "{\"p\": [\"白日依山尽，黄河入海流。\",\n \"欲穷千里目，更上一层楼。\"]}"
        );
    }

    #[test]
    fn phrases_win_over_single_characters() {
        // 乾 alone maps to 干, but not inside 乾坤; 後 → 后, 髮 → 发.
        assert_eq!(to_simplified("乾坤日夜浮").unwrap(), "乾坤日夜浮");
        assert_eq!(to_simplified("白髮三千丈").unwrap(), "白发三千丈");
        assert_eq!(
            to_simplified("前不見古人，後不見來者").unwrap(),
            "前不见古人，后不见来者"
        );
    }

    #[test]
    fn simplified_text_is_left_alone() {
        let s = "小山重叠金明灭，鬓云欲度香腮雪。";
        assert_eq!(to_simplified(s).unwrap(), s);
    }
}
