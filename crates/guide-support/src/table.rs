//! Tables printed as Markdown or as aligned plain text.
//!
//! A program whose output a chapter splices with `{{#output-md NAME}}` prints
//! [`Table::markdown`], which renders as an HTML table on the page. A program
//! whose output is shown verbatim prints [`Table::text`], which aligns
//! columns in a monospace font, counting a Hanzi or a full-width character as
//! two columns.
//!
//! ```
//! use guide_support::{Align, Table};
//! let mut t = Table::new(["模型", "参数量"]).align([Align::Left, Align::Right]);
//! t.row(["BERT-base", "109,482,240"]);
//! assert_eq!(
//!     t.markdown(),
//!     "| 模型 | 参数量 |\n| :--- | ---: |\n| BERT-base | 109,482,240 |\n"
//! );
//! assert_eq!(
//!     t.text(),
//!     "模型            参数量\n---------  -----------\nBERT-base  109,482,240\n"
//! );
//! ```

/// How a column's cells are aligned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Align {
    /// Flush left (the default).
    #[default]
    Left,
    /// Flush right: use it for numbers.
    Right,
    /// Centred.
    Center,
}

/// A table with a header row and any number of body rows.
#[derive(Clone, Debug, Default)]
pub struct Table {
    header: Vec<String>,
    align: Vec<Align>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column headers, all columns left-aligned.
    pub fn new<S: Into<String>>(header: impl IntoIterator<Item = S>) -> Self {
        let header: Vec<String> = header.into_iter().map(Into::into).collect();
        let align = vec![Align::Left; header.len()];
        Table {
            header,
            align,
            rows: Vec::new(),
        }
    }

    /// A table whose first column (the row labels) is flush left and every
    /// other column (the numbers) flush right: the common case.
    pub fn numeric<S: Into<String>>(header: impl IntoIterator<Item = S>) -> Self {
        let t = Table::new(header);
        let n = t.header.len();
        let align = std::iter::once(Align::Left)
            .chain(std::iter::repeat_n(Align::Right, n.saturating_sub(1)));
        t.align(align)
    }

    /// Sets each column's alignment.
    ///
    /// # Panics
    /// If the number of alignments differs from the number of columns.
    pub fn align(mut self, align: impl IntoIterator<Item = Align>) -> Self {
        let align: Vec<Align> = align.into_iter().collect();
        assert_eq!(align.len(), self.header.len(), "one alignment per column");
        self.align = align;
        self
    }

    /// Appends a row.
    ///
    /// # Panics
    /// If the row has a different number of cells than the header.
    pub fn row<S: Into<String>>(&mut self, cells: impl IntoIterator<Item = S>) -> &mut Self {
        let cells: Vec<String> = cells.into_iter().map(Into::into).collect();
        assert_eq!(cells.len(), self.header.len(), "one cell per column");
        self.rows.push(cells);
        self
    }

    /// The table as GitHub-flavoured Markdown, ending with a newline. A `|`
    /// inside a cell is escaped so it cannot split the cell.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let line = |cells: &[String]| {
            let cells: Vec<String> = cells.iter().map(|c| c.replace('|', "\\|")).collect();
            format!("| {} |\n", cells.join(" | "))
        };
        out.push_str(&line(&self.header));
        let rule: Vec<String> = self
            .align
            .iter()
            .map(|a| match a {
                Align::Left => ":---",
                Align::Right => "---:",
                Align::Center => ":---:",
            })
            .map(str::to_owned)
            .collect();
        out.push_str(&format!("| {} |\n", rule.join(" | ")));
        for row in &self.rows {
            out.push_str(&line(row));
        }
        out
    }

    /// The table as aligned plain text: columns separated by two spaces, a
    /// dashed rule under the header, no trailing spaces.
    pub fn text(&self) -> String {
        let widths: Vec<usize> = (0..self.header.len())
            .map(|j| {
                std::iter::once(&self.header)
                    .chain(&self.rows)
                    .map(|r| display_width(&r[j]))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut out = String::new();
        let mut line = |cells: &[String]| {
            let mut l = String::new();
            for (j, cell) in cells.iter().enumerate() {
                if j > 0 {
                    l.push_str("  ");
                }
                let pad = widths[j] - display_width(cell);
                let (before, after) = match self.align[j] {
                    Align::Left => (0, pad),
                    Align::Right => (pad, 0),
                    Align::Center => (pad / 2, pad - pad / 2),
                };
                l.push_str(&" ".repeat(before));
                l.push_str(cell);
                l.push_str(&" ".repeat(after));
            }
            out.push_str(l.trim_end());
            out.push('\n');
        };
        line(&self.header);
        let rule: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
        line(&rule);
        for row in &self.rows {
            line(row);
        }
        out
    }
}

/// The number of monospace columns `s` occupies: two for East Asian wide and
/// full-width characters (Hanzi, kana, Hangul, full-width punctuation), one
/// otherwise (`unicode-width`'s wide set, every other character one column).
pub fn display_width(s: &str) -> usize {
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

/// Whether `c` takes two columns in a monospace font (Unicode's East Asian
/// Wide and Fullwidth characters).
pub(crate) fn is_wide(c: char) -> bool {
    unicode_width::UnicodeWidthChar::width(c) == Some(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn width_counts_hanzi_twice() {
        assert_eq!(display_width("abc"), 3);
        assert_eq!(display_width("注意力"), 6);
        assert_eq!(display_width("GPT-3 模型"), 10);
        assert_eq!(display_width("，"), 2);
        // Kana, Hangul, an extension-B ideograph, full-width digits; narrow
        // Latin-1, arrows and box drawing.
        assert_eq!(display_width("かナ한𠀀１"), 10);
        assert_eq!(display_width("é±→─"), 4);
    }

    #[test]
    fn numeric_tables_align_labels_left_and_numbers_right() {
        let t = Table::numeric(["a", "b", "c"]);
        assert_eq!(t.align, [Align::Left, Align::Right, Align::Right]);
    }

    #[test]
    fn pipes_are_escaped() {
        let mut t = Table::new(["a"]);
        t.row(["x|y"]);
        assert!(t.markdown().contains("x\\|y"));
    }

    #[test]
    fn right_and_centre() {
        let mut t = Table::new(["n", "c"]).align([Align::Right, Align::Center]);
        t.row(["1", "ab"]);
        t.row(["100", "abcd"]);
        assert_eq!(t.text(), "  n   c\n---  ----\n  1   ab\n100  abcd\n");
    }
}
