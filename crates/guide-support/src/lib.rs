//! Helpers shared by the guide's example programs.
//!
//! Every example under `examples/` prints text that the book compares byte for
//! byte with a committed `.stdout` file, on every machine. That only works if
//! numbers are printed the same way everywhere, random numbers come from a
//! portable, seeded generator and tables are laid out by one piece of code.
//! This crate is that one piece of code, so that examples stay short and read
//! well on the page.
//!
//! - [`num`]: fixed-decimal formatting without `-0.0000`, integers with
//!   thousands separators, vectors and matrices, bytes in hex.
//! - [`rng`]: a seeded ChaCha8 generator and the few distributions the
//!   examples draw from, all portable across platforms.
//! - [`table`]: tables printed as Markdown (for `{{#output-md}}`) or as
//!   aligned plain text that accounts for the double width of Hanzi.
//! - [`value`](mod@value): `KEY = value` lines that chapters quote with `{{#value}}`.
//! - [`plot`]: SVG line charts, heatmaps and histograms that chapters show
//!   with `{{#figure}}`, the same bytes on every run.

pub mod num;
pub mod plot;
pub mod rng;
pub mod table;
pub mod value;

pub use num::{f4, f6, fixed, int, sci};
pub use table::{Align, Table};
pub use value::value;
