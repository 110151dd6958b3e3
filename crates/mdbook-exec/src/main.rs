//! `mdbook-exec`: the preprocessor as a program, for `mdbook build`.
//! Stdout belongs to mdBook's protocol; everything else goes to stderr.

use std::process::ExitCode;

use mdbook_exec::Exec;
use mdbook_preprocessor::Preprocessor as _;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [cmd, renderer] = &args[..]
        && cmd == "supports"
    {
        let ok = Exec::new().supports_renderer(renderer).unwrap_or(false);
        return if ok {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        };
    }
    match mdbook_exec::handle_preprocessing(&Exec::new()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
