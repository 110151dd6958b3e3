//! Values that chapters quote in their prose.
//!
//! A chapter writes `{{#value NAME:KEY}}` where it wants a number in a
//! sentence; the engine replaces it with the text after `KEY = ` on the
//! verified output of example `NAME`. Printing those lines through
//! [`value`] keeps their format uniform.

use std::fmt::Display;

/// Prints one `key = value` line.
///
/// # Panics
/// If `key` has a character outside `[A-Za-z0-9_.-]`: such a key could not be
/// named in a `{{#value}}` directive.
#[allow(clippy::print_stdout)]
pub fn value(key: &str, value: impl Display) {
    assert!(
        !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')),
        "value key {key:?} must match [A-Za-z0-9_.-]+"
    );
    println!("{key} = {value}");
}
