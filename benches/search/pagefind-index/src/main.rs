//! `pagefind-index SITE OUT`: indexes every chapter page of a rendered mdBook
//! site (`<main>` only, as `data-pagefind-body`; not print.html, toc.html or
//! 404.html) with Pagefind's Rust API, forced to Chinese, and writes the
//! bundle to OUT. Prints the page count and the seconds it took to stderr.

use std::path::{Path, PathBuf};
use std::time::Instant;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, site, out] = args.as_slice() else {
        eprintln!("usage: pagefind-index SITE OUT");
        std::process::exit(2);
    };
    let started = Instant::now();
    let options = pagefind::options::PagefindServiceConfig::builder()
        .force_language("zh".to_string())
        .build();
    let mut index = pagefind::api::PagefindIndex::new(Some(options)).expect("pagefind options");
    let mut pages = 0;
    for path in html_files(Path::new(site)) {
        let rel = path.strip_prefix(site).unwrap().to_string_lossy().replace('\\', "/");
        if matches!(rel.as_str(), "print.html" | "toc.html" | "404.html") {
            continue;
        }
        let html = std::fs::read_to_string(&path).expect("reading a page");
        // Index the chapter, not the menu bar and navigation around it.
        let html = html.replacen("<main>", "<main data-pagefind-body>", 1);
        index
            .add_html_file(Some(rel), None, html)
            .await
            .expect("indexing a page");
        pages += 1;
    }
    index.write_files(Some(out.clone())).await.expect("writing the bundle");
    eprintln!(
        "pagefind: {pages} pages indexed into {out} in {:.3} s",
        started.elapsed().as_secs_f64()
    );
}

fn html_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("reading the site") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "pagefind") {
                out.extend(html_files(&path));
            }
        } else if path.extension().is_some_and(|e| e == "html") {
            out.push(path);
        }
    }
    out.sort();
    out
}
