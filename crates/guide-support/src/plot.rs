//! SVG figures for the book: line charts, heatmaps and histograms
//! ([`line_chart`], [`heatmap`], [`heatmap_with_range`], [`histogram`],
//! [`histograms`]).
//!
//! An example prints a figure with [`print_figure`]; the book's engine takes
//! that region of the program's verified output and shows it where a chapter
//! says `{{#figure NAME:KEY 图注}}` (and hides it from `{{#output NAME}}`):
//!
//! ```
//! use guide_support::plot::{self, Figure, Series};
//!
//! let loss: Vec<(f64, f64)> = (0..50).map(|i| (i as f64, 2.0 / (1.0 + i as f64 / 8.0))).collect();
//! let svg = plot::line_chart(
//!     &Figure { title: "训练损失", x_label: "步数", y_label: "损失", ..Figure::default() },
//!     &[Series { name: "训练集", points: &loss }],
//! );
//! assert!(svg.trim_end().ends_with("</svg>"));
//! plot::print_figure("loss", &svg); // `{{#figure NAME:loss 训练损失曲线}}`
//! ```
//!
//! What the figures promise:
//! - **the same bytes on every run and every machine**: everything is laid
//!   out here in whole pixels, with ticks computed through `libm` and printed
//!   with [`crate::fixed`]; plotters (SVG backend only, no font crate) just
//!   writes the elements;
//! - **no `NaN` in the document**: non-finite values are skipped (a line is
//!   broken, a heatmap cell drawn grey) and an empty input gives empty axes;
//! - **Chinese labels render**: text is SVG `<text>` with a CJK-capable
//!   `font-family` list ([`FONT_FAMILY`]) and margins sized for Hanzi (one em
//!   each, where plotters would estimate three bytes' width);
//! - **colours for a white background** (the site puts figures on a white
//!   card in dark themes too): the Okabe–Ito palette for lines, viridis for
//!   heatmaps;
//! - **documents of a sensible size**: a heatmap's cells take the colours of
//!   the 48 bands of its scale and neighbouring cells of one colour are one
//!   rectangle, so that a 64 × 64 grid of a smooth function is about 150 kB
//!   (keep large grids to a few thousand cells).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::num::fixed;

/// The `font-family` of every text element: system fonts that hold Hanzi
/// first (an SVG shown through `<img>` cannot load web fonts).
pub const FONT_FAMILY: &str = "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, \
     Hiragino Sans GB, Microsoft YaHei, WenQuanYi Micro Hei, sans-serif";

/// Line colours (Okabe–Ito, colour-blind safe, all readable on white; its
/// yellow is left out). Series beyond seven reuse them in order.
pub const PALETTE: [RGBColor; 7] = [
    RGBColor(0x00, 0x72, 0xB2), // blue
    RGBColor(0xD5, 0x5E, 0x00), // vermillion
    RGBColor(0x00, 0x9E, 0x73), // bluish green
    RGBColor(0xCC, 0x79, 0xA7), // reddish purple
    RGBColor(0xE6, 0x9F, 0x00), // orange
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
    RGBColor(0x33, 0x33, 0x33), // near black
];

const INK: RGBColor = RGBColor(0x1F, 0x29, 0x37);
const AXIS: RGBColor = RGBColor(0x4B, 0x55, 0x63);
const GRID: RGBColor = RGBColor(0xE5, 0xE7, 0xEB);
const MISSING: RGBColor = RGBColor(0xD1, 0xD5, 0xDB);

const TITLE_PX: f64 = 17.0;
const LABEL_PX: f64 = 14.0;
const TICK_PX: f64 = 12.0;

/// Size, title and axis titles of a figure. Fields left empty are not drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figure<'a> {
    /// Title, centred above the plot.
    pub title: &'a str,
    /// Title of the horizontal axis (column axis of a heatmap).
    pub x_label: &'a str,
    /// Title of the vertical axis (row axis of a heatmap; `频数` by default
    /// for a histogram).
    pub y_label: &'a str,
    /// Width in pixels (default 720).
    pub width: u32,
    /// Height in pixels (default 420).
    pub height: u32,
}

impl Default for Figure<'_> {
    fn default() -> Self {
        Figure {
            title: "",
            x_label: "",
            y_label: "",
            width: 720,
            height: 420,
        }
    }
}

/// One named line of a [`line_chart`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Series<'a> {
    /// Name shown in the legend (no legend for one unnamed series).
    pub name: &'a str,
    /// `(x, y)` points, drawn in the given order; a non-finite point breaks
    /// the line.
    pub points: &'a [(f64, f64)],
}

/// Axis labels for `n` rows or columns of a [`heatmap`]: `"0"`, then the
/// number every `every` places, `""` between them.
///
/// ```
/// assert_eq!(guide_support::plot::tick_labels(5, 2), ["0", "", "2", "", "4"]);
/// ```
pub fn tick_labels(n: usize, every: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            if i % every.max(1) == 0 {
                i.to_string()
            } else {
                String::new()
            }
        })
        .collect()
}

/// [`Series`] borrowing `(name, points)` pairs, for lines built in a loop:
/// `line_chart(&fig, &plot::series(&lines))`.
pub fn series<'a, N: AsRef<str>>(lines: &'a [(N, Vec<(f64, f64)>)]) -> Vec<Series<'a>> {
    lines
        .iter()
        .map(|(name, points)| Series {
            name: name.as_ref(),
            points,
        })
        .collect()
}

/// Prints a figure where the engine looks for it: a line
/// `<!-- figure: KEY -->`, the SVG document ending with `</svg>`, a newline.
///
/// # Panics
///
/// If `key` is not made of ASCII letters, digits, `_` and `-`, or `svg` does
/// not end with `</svg>`: both are mistakes in the example.
pub fn print_figure(key: &str, svg: &str) {
    assert!(
        !key.is_empty()
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'),
        "figure key {key:?}: use ASCII letters, digits, `_` and `-`"
    );
    let svg = svg.trim();
    assert!(svg.ends_with("</svg>"), "figure {key}: not an SVG document");
    println!("<!-- figure: {key} -->");
    println!("{svg}");
}

/// A chart of one or more lines over numeric axes, with a legend on the
/// right when there is more than one series (or the one has a name).
pub fn line_chart(fig: &Figure<'_>, series: &[Series<'_>]) -> String {
    let finite = |p: &&(f64, f64)| p.0.is_finite() && p.1.is_finite();
    let xs = series
        .iter()
        .flat_map(|s| s.points.iter().filter(finite).map(|p| p.0));
    let ys = series
        .iter()
        .flat_map(|s| s.points.iter().filter(finite).map(|p| p.1));
    let x_axis = Axis::nice(xs, false);
    let y_axis = Axis::nice(ys, false);

    let names: Vec<&str> = series.iter().map(|s| s.name).collect();
    let legend = series.len() > 1 || names.iter().any(|n| !n.is_empty());
    let legend_w = if legend { legend_width(&names) } else { 0 };

    draw(fig, |root| {
        let plot = frame(root, fig, &x_axis, &y_axis, legend_w)?;
        for (i, s) in series.iter().enumerate() {
            let colour = PALETTE[i % PALETTE.len()];
            let style = ShapeStyle::from(colour).stroke_width(2);
            let mut run: Vec<(i32, i32)> = Vec::new();
            for p in s
                .points
                .iter()
                .chain(std::iter::once(&(f64::NAN, f64::NAN)))
            {
                if p.0.is_finite() && p.1.is_finite() {
                    run.push(plot.at(&x_axis, &y_axis, p.0, p.1));
                } else if !run.is_empty() {
                    if run.len() == 1 {
                        root.draw(&Circle::new(run[0], 3, colour.filled()))?;
                    } else {
                        root.draw(&PathElement::new(std::mem::take(&mut run), style))?;
                    }
                    run.clear();
                }
            }
            if s.points.len() <= 24 {
                for p in s.points.iter().filter(finite) {
                    root.draw(&Circle::new(
                        plot.at(&x_axis, &y_axis, p.0, p.1),
                        3,
                        colour.filled(),
                    ))?;
                }
            }
        }
        if legend {
            draw_legend(root, &plot, &names, false)?;
        }
        Ok(())
    })
}

/// A histogram of `values` in `bins` equal bins between their minimum and
/// maximum (non-finite values are left out).
pub fn histogram(fig: &Figure<'_>, values: &[f64], bins: usize) -> String {
    histograms(fig, &[Sample { name: "", values }], bins)
}

/// One named set of values of a [`histograms`] chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample<'a> {
    /// Name shown in the legend (no legend for one unnamed sample).
    pub name: &'a str,
    /// The values; non-finite ones are left out.
    pub values: &'a [f64],
}

/// Histograms of several samples over the same `bins` equal bins (between
/// the smallest and largest value of all of them), overlaid: each sample's
/// bars are a light fill under an outline in its colour, so that a narrow
/// distribution stays visible in front of a wide one. A legend on the right
/// names them.
pub fn histograms(fig: &Figure<'_>, samples: &[Sample<'_>], bins: usize) -> String {
    let bins = bins.max(1);
    let finite: Vec<Vec<f64>> = samples
        .iter()
        .map(|s| s.values.iter().copied().filter(|v| v.is_finite()).collect())
        .collect();
    let (mut lo, mut hi) = min_max(finite.iter().flatten().copied()).unwrap_or((0.0, 1.0));
    if hi - lo <= f64::EPSILON * lo.abs().max(1.0) {
        lo -= 0.5;
        hi += 0.5;
    }
    let width = (hi - lo) / bins as f64;
    let counts: Vec<Vec<u64>> = finite
        .iter()
        .map(|values| {
            let mut counts = vec![0u64; bins];
            for v in values {
                // The maximum falls in the last bin, not one past it.
                let i = (((v - lo) / width) as usize).min(bins - 1);
                counts[i] += 1;
            }
            counts
        })
        .collect();
    let edge = |i: usize| {
        if i == bins { hi } else { lo + width * i as f64 }
    };
    let max_count = counts.iter().flatten().copied().max().unwrap_or(0);
    let x_axis = Axis::nice([lo, hi].into_iter(), false);
    let y_axis = Axis::nice([0.0, max_count.max(1) as f64].into_iter(), true);
    let labelled = Figure {
        y_label: if fig.y_label.is_empty() {
            "频数"
        } else {
            fig.y_label
        },
        ..*fig
    };
    let names: Vec<&str> = samples.iter().map(|s| s.name).collect();
    let legend = samples.len() > 1 || names.iter().any(|n| !n.is_empty());

    draw(&labelled, |root| {
        let plot = frame(
            root,
            &labelled,
            &x_axis,
            &y_axis,
            if legend { legend_width(&names) } else { 0 },
        )?;
        for (k, counts) in counts.iter().enumerate() {
            let colour = PALETTE[k % PALETTE.len()];
            let (fill, edges) = if legend {
                (colour.mix(0.3).filled(), colour.stroke_width(2))
            } else {
                (
                    colour.mix(0.85).filled(),
                    ShapeStyle::from(WHITE).stroke_width(1),
                )
            };
            let mut outline = vec![plot.at(&x_axis, &y_axis, lo, 0.0)];
            for (i, &c) in counts.iter().enumerate() {
                let top_left = plot.at(&x_axis, &y_axis, edge(i), c as f64);
                let bottom_right = plot.at(&x_axis, &y_axis, edge(i + 1), 0.0);
                outline.extend([top_left, (bottom_right.0, top_left.1)]);
                if c == 0 {
                    continue;
                }
                root.draw(&Rectangle::new([top_left, bottom_right], fill))?;
                if !legend {
                    root.draw(&Rectangle::new([top_left, bottom_right], edges))?;
                }
            }
            if legend {
                outline.push(plot.at(&x_axis, &y_axis, hi, 0.0));
                root.draw(&PathElement::new(outline, edges))?;
            }
        }
        if legend {
            draw_legend(root, &plot, &names, true)?;
        }
        Ok(())
    })
}

/// A heatmap of `values` (one slice per row) with a colour scale legend,
/// coloured with viridis between the smallest and largest finite value.
/// Cells are annotated with their value when they are large enough; a
/// non-finite value is a grey cell (e.g. a masked position).
///
/// Cells are square, as large as the figure allows (4 to 64 px), so give a
/// large grid a figure of the right shape; the document ends under the
/// column labels (its height is at most `fig.height`). Cells take the
/// colours of the scale's 48 bands. A label may be `""`: label every
/// tenth row of a 100-row grid, say, and leave the others empty; column
/// labels turn vertical only when they are wider than the cells up to the
/// next label.
pub fn heatmap<R: AsRef<[f64]>, L: AsRef<str>, M: AsRef<str>>(
    fig: &Figure<'_>,
    row_labels: &[L],
    col_labels: &[M],
    values: &[R],
) -> String {
    let range = min_max(
        values
            .iter()
            .flat_map(|r| r.as_ref().iter().copied())
            .filter(|v| v.is_finite()),
    )
    .unwrap_or((0.0, 1.0));
    heatmap_with_range(fig, row_labels, col_labels, values, range)
}

/// [`heatmap`] with a fixed colour range `(low, high)`, e.g. `(0.0, 1.0)`
/// for attention weights, so that several figures share one scale. Values
/// outside the range take the colour of its nearer end.
pub fn heatmap_with_range<R: AsRef<[f64]>, L: AsRef<str>, M: AsRef<str>>(
    fig: &Figure<'_>,
    row_labels: &[L],
    col_labels: &[M],
    values: &[R],
    range: (f64, f64),
) -> String {
    let row_labels: Vec<&str> = row_labels.iter().map(AsRef::as_ref).collect();
    let col_labels: Vec<&str> = col_labels.iter().map(AsRef::as_ref).collect();
    let rows = values.len();
    let cols = values.iter().map(|r| r.as_ref().len()).max().unwrap_or(0);
    let (lo, mut hi) = if range.0.is_finite() && range.1.is_finite() {
        (range.0.min(range.1), range.0.max(range.1))
    } else {
        (0.0, 1.0)
    };
    if hi - lo <= f64::EPSILON * lo.abs().max(1.0) {
        hi = lo + 1.0;
    }
    let decimals = if hi - lo >= 100.0 {
        0
    } else if hi - lo >= 10.0 {
        1
    } else {
        2
    };
    let scale = Axis::nice([lo, hi].into_iter(), false);

    let (w, h) = (fig.width as i32, fig.height as i32);
    let top = 14
        + if fig.title.is_empty() {
            0
        } else {
            px(TITLE_PX) + 14
        };
    let row_w = row_labels
        .iter()
        .map(|l| text_width(l, TICK_PX))
        .max()
        .unwrap_or(0);
    let y_title = if fig.y_label.is_empty() {
        0
    } else {
        px(LABEL_PX) + 10
    };
    let left = 14 + y_title + row_w + 8;
    let tick_w = scale
        .ticks
        .iter()
        .map(|t| text_width(&fixed(*t, scale.decimals), TICK_PX))
        .max()
        .unwrap_or(0);
    let right = 14 + 22 + 14 + 6 + tick_w;
    let col_w_max = col_labels
        .iter()
        .map(|l| text_width(l, TICK_PX))
        .max()
        .unwrap_or(0);
    // Labels may be sparse (`""` for unlabelled columns): a label has the
    // cells up to the next label for its width.
    let col_gap = label_gap(&col_labels, cols);
    let x_title = if fig.x_label.is_empty() {
        0
    } else {
        px(LABEL_PX) + 10
    };

    // Square cells as large as fit (at most 64 px); column labels turn
    // vertical when they are wider than the cells they label.
    let fit = |labels_h: i32| {
        let cw = (w - left - right) / cols.max(1) as i32;
        let ch = (h - top - 6 - labels_h - x_title - 14) / rows.max(1) as i32;
        cw.min(ch).clamp(4, 64)
    };
    let mut labels_h = px(TICK_PX);
    let mut cell = fit(labels_h);
    let vertical = col_w_max > cell * col_gap - 4;
    if vertical {
        labels_h = col_w_max;
        cell = fit(labels_h);
    }
    let grid_w = cell * cols as i32;
    let grid_h = cell * rows as i32;
    // The block of axis title, row labels, grid and colour scale is centred;
    // the figure ends under the column labels and the axis title.
    let x0 = left + ((w - left - right) - grid_w).max(0) / 2;
    let y0 = top;
    let y_title_x = x0 - 8 - row_w - y_title;
    let x_title_y = y0 + grid_h + 6 + labels_h + 10;
    let used_h = x_title_y + x_title + 4;
    let fig = &Figure {
        height: fig.height.min(used_h.max(64) as u32),
        ..*fig
    };
    let annotate = cell >= 30 && rows * cols <= 196;

    let value_at = |r: usize, c: usize| values[r].as_ref().get(c).copied().unwrap_or(f64::NAN);
    let colours: Vec<Vec<RGBColor>> = (0..rows)
        .map(|r| {
            (0..cols)
                .map(|c| {
                    let v = value_at(r, c);
                    if v.is_finite() {
                        band_colour((v - lo) / (hi - lo))
                    } else {
                        MISSING
                    }
                })
                .collect()
        })
        .collect();

    draw(fig, |root| {
        title(root, fig)?;
        // Neighbouring cells of one colour are drawn as one rectangle, along
        // rows or along columns, whichever needs fewer: a large heatmap of a
        // smooth function stays a small document.
        for (r0, c0, r1, c1, colour) in colour_runs(&colours) {
            root.draw(&Rectangle::new(
                [
                    (x0 + cell * c0 as i32, y0 + cell * r0 as i32),
                    (x0 + cell * c1 as i32, y0 + cell * r1 as i32),
                ],
                colour.filled(),
            ))?;
        }
        for (r, row) in colours.iter().enumerate() {
            for (c, &colour) in row.iter().enumerate() {
                let v = value_at(r, c);
                let (cx, cy) = (x0 + cell * c as i32, y0 + cell * r as i32);
                if annotate && v.is_finite() {
                    let ink = if luminance(colour) < 0.45 { WHITE } else { INK };
                    root.draw(&Text::new(
                        fixed(v, decimals),
                        (cx + cell / 2, cy + cell / 2),
                        font(TICK_PX, ink).pos(Pos::new(HPos::Center, VPos::Center)),
                    ))?;
                }
            }
        }
        root.draw(&Rectangle::new(
            [(x0, y0), (x0 + grid_w, y0 + grid_h)],
            ShapeStyle::from(AXIS).stroke_width(1),
        ))?;
        for (r, label) in row_labels.iter().enumerate().take(rows) {
            if label.is_empty() {
                continue;
            }
            root.draw(&Text::new(
                (*label).to_owned(),
                (x0 - 8, y0 + cell * r as i32 + cell / 2),
                font(TICK_PX, INK).pos(Pos::new(HPos::Right, VPos::Center)),
            ))?;
        }
        for (c, label) in col_labels.iter().enumerate().take(cols) {
            if label.is_empty() {
                continue;
            }
            let x = x0 + cell * c as i32 + cell / 2;
            let style = if vertical {
                // Rotated a quarter turn clockwise: reads downwards, as
                // vertical Chinese does, starting just under the grid.
                font(TICK_PX, INK)
                    .pos(Pos::new(HPos::Left, VPos::Center))
                    .transform(FontTransform::Rotate90)
            } else {
                font(TICK_PX, INK).pos(Pos::new(HPos::Center, VPos::Top))
            };
            root.draw(&Text::new((*label).to_owned(), (x, y0 + grid_h + 6), style))?;
        }
        if !fig.x_label.is_empty() {
            root.draw(&Text::new(
                fig.x_label.to_owned(),
                (x0 + grid_w / 2, x_title_y),
                font(LABEL_PX, INK).pos(Pos::new(HPos::Center, VPos::Top)),
            ))?;
        }
        if !fig.y_label.is_empty() {
            root.draw(&Text::new(
                fig.y_label.to_owned(),
                (y_title_x, y0 + grid_h / 2),
                font(LABEL_PX, INK)
                    .pos(Pos::new(HPos::Center, VPos::Top))
                    .transform(FontTransform::Rotate270),
            ))?;
        }

        // Colour scale: the bands, high values on top, with ticks.
        let bx = x0 + grid_w + 14;
        for i in 0..BANDS {
            let ya = y0 + grid_h * i / BANDS;
            let yb = y0 + grid_h * (i + 1) / BANDS;
            let t = 1.0 - (f64::from(i) + 0.5) / f64::from(BANDS);
            root.draw(&Rectangle::new(
                [(bx, ya), (bx + 22, yb)],
                band_colour(t).filled(),
            ))?;
        }
        root.draw(&Rectangle::new(
            [(bx, y0), (bx + 22, y0 + grid_h)],
            ShapeStyle::from(AXIS).stroke_width(1),
        ))?;
        for &t in scale.ticks.iter().filter(|t| **t >= lo && **t <= hi) {
            let y = y0 + ((hi - t) / (hi - lo) * f64::from(grid_h)).round() as i32;
            root.draw(&PathElement::new(vec![(bx + 22, y), (bx + 27, y)], AXIS))?;
            root.draw(&Text::new(
                fixed(t, scale.decimals),
                (bx + 30, y),
                font(TICK_PX, INK).pos(Pos::new(HPos::Left, VPos::Center)),
            ))?;
        }
        Ok(())
    })
}

// ---- Layout -------------------------------------------------------------------

/// The smallest distance, in cells, between two non-empty labels (`n` when
/// there are fewer than two), i.e. how many cells a label may span.
fn label_gap(labels: &[&str], n: usize) -> i32 {
    let at: Vec<usize> = labels
        .iter()
        .take(n)
        .enumerate()
        .filter(|(_, l)| !l.is_empty())
        .map(|(i, _)| i)
        .collect();
    at.windows(2)
        .map(|w| w[1] - w[0])
        .min()
        .unwrap_or(n.max(1))
        .max(1) as i32
}

/// The cells of a colour grid as rectangles `(row0, col0, row1, col1,
/// colour)` (ends exclusive) that merge runs of one colour along rows or
/// along columns, whichever gives fewer rectangles (rows on a tie).
fn colour_runs(colours: &[Vec<RGBColor>]) -> Vec<(usize, usize, usize, usize, RGBColor)> {
    let rows = colours.len();
    let cols = colours.iter().map(Vec::len).max().unwrap_or(0);
    let at = |r: usize, c: usize| colours[r].get(c).copied().unwrap_or(MISSING);
    let mut along_rows = Vec::new();
    for r in 0..rows {
        let mut c = 0;
        while c < cols {
            let start = c;
            while c + 1 < cols && at(r, c + 1) == at(r, start) {
                c += 1;
            }
            along_rows.push((r, start, r + 1, c + 1, at(r, start)));
            c += 1;
        }
    }
    let mut along_cols = Vec::new();
    for c in 0..cols {
        let mut r = 0;
        while r < rows {
            let start = r;
            while r + 1 < rows && at(r + 1, c) == at(start, c) {
                r += 1;
            }
            along_cols.push((start, c, r + 1, c + 1, at(start, c)));
            r += 1;
        }
    }
    if along_cols.len() < along_rows.len() {
        along_cols
    } else {
        along_rows
    }
}

/// A numeric axis: a range rounded out to "nice" ticks.
struct Axis {
    lo: f64,
    hi: f64,
    ticks: Vec<f64>,
    decimals: usize,
}

impl Axis {
    /// Ticks at 1, 2 or 5 × 10ⁿ covering the values, about five of them;
    /// `from_zero` keeps 0 as the lower end (counts).
    fn nice(values: impl Iterator<Item = f64>, from_zero: bool) -> Axis {
        let (mut lo, mut hi) = min_max(values).unwrap_or((0.0, 1.0));
        if from_zero {
            lo = lo.min(0.0);
        }
        if hi - lo <= f64::EPSILON * lo.abs().max(1.0) {
            let pad = lo.abs().max(1.0) * 0.5;
            lo -= pad;
            hi += pad;
        }
        // The smallest step of 1, 2 or 5 × 10ⁿ that needs at most seven
        // ticks (a step of at least a fifth of the range always does).
        let raw = (hi - lo) / 5.0;
        let magnitude = libm::pow(10.0, libm::floor(libm::log10(raw)));
        let span = |step: f64| (libm::floor(lo / step + 1e-9), libm::ceil(hi / step - 1e-9));
        let step = [1.0, 2.0, 5.0, 10.0]
            .into_iter()
            .map(|m| m * magnitude)
            .find(|&step| {
                let (first, last) = span(step);
                last - first <= 6.0
            })
            .unwrap_or(10.0 * magnitude);
        let (first, last) = span(step);
        // Multiples of the step, so that labels come out round.
        let ticks: Vec<f64> = (first as i64..=last as i64)
            .map(|k| k as f64 * step)
            .collect();
        let digits = -libm::floor(libm::log10(step) + 1e-9);
        Axis {
            lo: first * step,
            hi: last * step,
            ticks,
            decimals: digits.clamp(0.0, 8.0) as usize,
        }
    }

    fn labels(&self) -> Vec<String> {
        self.ticks
            .iter()
            .map(|t| fixed(*t, self.decimals))
            .collect()
    }
}

/// Room for a legend right of the plot: a 24 px swatch, a gap, the longest
/// name, margins.
fn legend_width(names: &[&str]) -> i32 {
    names
        .iter()
        .map(|n| text_width(n, LABEL_PX))
        .max()
        .unwrap_or(0)
        + 24
        + 8
        + 16
}

/// The legend in the room [`legend_width`] left right of the plot: a line
/// (or, for `filled`, a filled box) in each series' colour, then its name.
fn draw_legend(
    root: &DrawingArea<SVGBackend<'_>, Shift>,
    plot: &Plot,
    names: &[&str],
    filled: bool,
) -> Result<(), DrawingAreaErrorKind<std::io::Error>> {
    let x = plot.right + 16;
    for (i, name) in names.iter().enumerate() {
        let y = plot.top + 8 + 22 * i as i32;
        let colour = PALETTE[i % PALETTE.len()];
        if filled {
            root.draw(&Rectangle::new(
                [(x, y - 7), (x + 24, y + 7)],
                colour.mix(0.3).filled(),
            ))?;
            root.draw(&Rectangle::new(
                [(x, y - 7), (x + 24, y + 7)],
                colour.stroke_width(2),
            ))?;
        } else {
            root.draw(&PathElement::new(
                vec![(x, y), (x + 24, y)],
                ShapeStyle::from(colour).stroke_width(3),
            ))?;
        }
        root.draw(&Text::new(
            (*name).to_owned(),
            (x + 32, y),
            font(LABEL_PX, INK).pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
    }
    Ok(())
}

/// The plotting rectangle of a chart with axes, in pixels.
struct Plot {
    left: i32,
    right: i32,
    top: i32,
    bottom: i32,
}

impl Plot {
    /// Pixel position of a data point.
    fn at(&self, x_axis: &Axis, y_axis: &Axis, x: f64, y: f64) -> (i32, i32) {
        let fx = (x - x_axis.lo) / (x_axis.hi - x_axis.lo);
        let fy = (y - y_axis.lo) / (y_axis.hi - y_axis.lo);
        (
            self.left + (fx * f64::from(self.right - self.left)).round() as i32,
            self.bottom - (fy * f64::from(self.bottom - self.top)).round() as i32,
        )
    }
}

/// Draws the title, grid, axes, tick labels and axis titles of a chart;
/// returns the plotting rectangle. `reserve_right` pixels are left free on
/// the right (legend).
fn frame(
    root: &DrawingArea<SVGBackend<'_>, Shift>,
    fig: &Figure<'_>,
    x_axis: &Axis,
    y_axis: &Axis,
    reserve_right: i32,
) -> Result<Plot, DrawingAreaErrorKind<std::io::Error>> {
    let (w, h) = (fig.width as i32, fig.height as i32);
    let y_labels = y_axis.labels();
    let x_labels = x_axis.labels();
    let y_tick_w = y_labels
        .iter()
        .map(|l| text_width(l, TICK_PX))
        .max()
        .unwrap_or(0);
    let y_title = if fig.y_label.is_empty() {
        0
    } else {
        px(LABEL_PX) + 10
    };
    let x_title = if fig.x_label.is_empty() {
        0
    } else {
        px(LABEL_PX) + 8
    };
    let last_x_half = x_labels.last().map_or(0, |l| text_width(l, TICK_PX) / 2);
    let plot = Plot {
        left: 14 + y_title + y_tick_w + 10,
        right: w - 16 - reserve_right.max(last_x_half),
        top: 14
            + if fig.title.is_empty() {
                6
            } else {
                px(TITLE_PX) + 16
            },
        bottom: h - 14 - x_title - px(TICK_PX) - 10,
    };

    title(root, fig)?;
    for (t, label) in x_axis.ticks.iter().zip(&x_labels) {
        let (x, _) = plot.at(x_axis, y_axis, *t, y_axis.lo);
        root.draw(&PathElement::new(
            vec![(x, plot.top), (x, plot.bottom)],
            GRID,
        ))?;
        root.draw(&PathElement::new(
            vec![(x, plot.bottom), (x, plot.bottom + 5)],
            AXIS,
        ))?;
        root.draw(&Text::new(
            label.clone(),
            (x, plot.bottom + 8),
            font(TICK_PX, INK).pos(Pos::new(HPos::Center, VPos::Top)),
        ))?;
    }
    for (t, label) in y_axis.ticks.iter().zip(&y_labels) {
        let (_, y) = plot.at(x_axis, y_axis, x_axis.lo, *t);
        root.draw(&PathElement::new(
            vec![(plot.left, y), (plot.right, y)],
            GRID,
        ))?;
        root.draw(&PathElement::new(
            vec![(plot.left - 5, y), (plot.left, y)],
            AXIS,
        ))?;
        root.draw(&Text::new(
            label.clone(),
            (plot.left - 8, y),
            font(TICK_PX, INK).pos(Pos::new(HPos::Right, VPos::Center)),
        ))?;
    }
    root.draw(&PathElement::new(
        vec![
            (plot.left, plot.top),
            (plot.left, plot.bottom),
            (plot.right, plot.bottom),
        ],
        ShapeStyle::from(AXIS).stroke_width(1),
    ))?;
    if !fig.x_label.is_empty() {
        root.draw(&Text::new(
            fig.x_label.to_owned(),
            ((plot.left + plot.right) / 2, h - 12),
            font(LABEL_PX, INK).pos(Pos::new(HPos::Center, VPos::Bottom)),
        ))?;
    }
    if !fig.y_label.is_empty() {
        root.draw(&Text::new(
            fig.y_label.to_owned(),
            (14, (plot.top + plot.bottom) / 2),
            font(LABEL_PX, INK)
                .pos(Pos::new(HPos::Center, VPos::Top))
                .transform(FontTransform::Rotate270),
        ))?;
    }
    Ok(plot)
}

fn title(
    root: &DrawingArea<SVGBackend<'_>, Shift>,
    fig: &Figure<'_>,
) -> Result<(), DrawingAreaErrorKind<std::io::Error>> {
    if !fig.title.is_empty() {
        root.draw(&Text::new(
            fig.title.to_owned(),
            (fig.width as i32 / 2, 14),
            styled(TITLE_PX, INK, FontStyle::Bold).pos(Pos::new(HPos::Center, VPos::Top)),
        ))?;
    }
    Ok(())
}

/// Renders into an SVG string on a white background.
fn draw(
    fig: &Figure<'_>,
    body: impl FnOnce(
        &DrawingArea<SVGBackend<'_>, Shift>,
    ) -> Result<(), DrawingAreaErrorKind<std::io::Error>>,
) -> String {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (fig.width.max(64), fig.height.max(64)))
            .into_drawing_area();
        // Writing into a String cannot fail; an error here is a bug.
        root.fill(&WHITE).expect("drawing into a String");
        body(&root).expect("drawing into a String");
        root.present().expect("drawing into a String");
    }
    svg
}

/// A text style of `size_px` pixels. plotters writes `font-size` as the
/// given size divided by 1.24.
fn font(size_px: f64, colour: RGBColor) -> TextStyle<'static> {
    styled(size_px, colour, FontStyle::Normal)
}

fn styled(size_px: f64, colour: RGBColor, style: FontStyle) -> TextStyle<'static> {
    TextStyle {
        font: FontDesc::new(FontFamily::Name(FONT_FAMILY), size_px * 1.24, style),
        color: colour.to_backend_color(),
        pos: Pos::default(),
    }
}

fn px(size: f64) -> i32 {
    size.round() as i32
}

/// Width of `text` in pixels at `size` px: one em for Hanzi and other wide
/// characters, 0.6 em for the rest (plotters would count UTF-8 bytes).
fn text_width(text: &str, size: f64) -> i32 {
    let ems: f64 = text
        .chars()
        .map(|c| if crate::table::is_wide(c) { 1.0 } else { 0.6 })
        .sum();
    (ems * size).ceil() as i32
}

fn min_max(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values
        .filter(|v| v.is_finite())
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
}

/// Viridis at `t` in [0, 1] (clamped), interpolated between eleven of
/// matplotlib's samples.
fn viridis(t: f64) -> RGBColor {
    const STOPS: [(u8, u8, u8); 11] = [
        (0x44, 0x01, 0x54),
        (0x48, 0x24, 0x75),
        (0x41, 0x44, 0x87),
        (0x35, 0x5F, 0x8D),
        (0x2A, 0x78, 0x8E),
        (0x21, 0x91, 0x8C),
        (0x22, 0xA8, 0x84),
        (0x44, 0xBF, 0x70),
        (0x7A, 0xD1, 0x51),
        (0xBD, 0xDF, 0x26),
        (0xFD, 0xE7, 0x25),
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let x = t * 10.0;
    let i = (x.floor() as usize).min(9);
    let f = x - i as f64;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    let mix = |p: u8, q: u8| (f64::from(p) + (f64::from(q) - f64::from(p)) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// How many colours a heatmap uses: its colour scale has this many bands,
/// and a cell takes the colour of the band its value falls in (the eye
/// cannot tell 48 steps of viridis from a continuous scale, and runs of one
/// colour merge into one rectangle).
const BANDS: i32 = 48;

/// The colour of the band that `t` in [0, 1] (clamped) falls in.
fn band_colour(t: f64) -> RGBColor {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let band = (t * f64::from(BANDS)).floor().min(f64::from(BANDS - 1));
    viridis((band + 0.5) / f64::from(BANDS))
}

/// Relative luminance (0 black … 1 white), to pick the annotation colour.
fn luminance(c: RGBColor) -> f64 {
    (0.2126 * f64::from(c.0) + 0.7152 * f64::from(c.1) + 0.0722 * f64::from(c.2)) / 255.0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Attention-like weights: row i decays with the distance to i and sums to 1.
    fn sample_weights(n: usize) -> Vec<Vec<f64>> {
        (0..n)
            .map(|i| {
                let row: Vec<f64> = (0..n)
                    .map(|j| libm::exp(-((i as f64 - j as f64).abs())))
                    .collect();
                let s: f64 = row.iter().sum();
                row.iter().map(|v| v / s).collect()
            })
            .collect()
    }

    type Points = Vec<(f64, f64)>;

    fn curves() -> (Points, Points) {
        let a = (0..100)
            .map(|i| (i as f64 * 0.1, libm::sin(i as f64 * 0.1)))
            .collect();
        let b = (0..100)
            .map(|i| (i as f64 * 0.1, libm::cos(i as f64 * 0.1) * 0.5))
            .collect();
        (a, b)
    }

    fn check(svg: &str) {
        assert!(svg.starts_with("<svg"), "{}", &svg[..svg.len().min(80)]);
        assert!(svg.trim_end().ends_with("</svg>"));
        assert!(
            !svg.contains("NaN") && !svg.contains("inf"),
            "non-finite number in SVG"
        );
        assert!(svg.contains(FONT_FAMILY) || !svg.contains("<text"));
    }

    #[test]
    fn line_chart_is_deterministic_and_labels_chinese() {
        let (a, b) = curves();
        let fig = Figure {
            title: "正弦与余弦",
            x_label: "时间 t",
            y_label: "幅度",
            ..Figure::default()
        };
        let series = [
            Series {
                name: "sin(t)",
                points: &a,
            },
            Series {
                name: "余弦 × 0.5",
                points: &b,
            },
        ];
        let one = line_chart(&fig, &series);
        let two = line_chart(
            &fig,
            &super::series(&[("sin(t)", a.clone()), ("余弦 × 0.5", b.clone())]),
        );
        assert_eq!(one, two);
        check(&one);
        for text in [
            "正弦与余弦",
            "时间 t",
            "幅度",
            "余弦 × 0.5",
            "\n-1.0\n",
            "\n1.0\n",
        ] {
            assert!(one.contains(text), "missing {text}");
        }
        assert!(one.contains("#0072B2") && one.contains("#D55E00"));
    }

    #[test]
    fn non_finite_points_break_lines_and_never_print() {
        let pts = [
            (0.0, 1.0),
            (1.0, f64::NAN),
            (2.0, 3.0),
            (3.0, f64::INFINITY),
            (4.0, 2.0),
            (5.0, 1.0),
        ];
        let svg = line_chart(
            &Figure::default(),
            &[Series {
                name: "",
                points: &pts,
            }],
        );
        check(&svg);
        let empty = line_chart(&Figure::default(), &[]);
        check(&empty);
        let all_nan = line_chart(
            &Figure::default(),
            &[Series {
                name: "x",
                points: &[(f64::NAN, 1.0)],
            }],
        );
        check(&all_nan);
    }

    #[test]
    fn heatmap_has_cells_labels_and_scale() {
        let tokens = ["我", "爱", "学习", "机器"];
        let w = sample_weights(4);
        let fig = Figure {
            title: "注意力权重",
            x_label: "键",
            y_label: "查询",
            width: 520,
            height: 420,
        };
        let svg = heatmap_with_range(&fig, &tokens, &tokens, &w, (0.0, 1.0));
        assert_eq!(
            svg,
            heatmap_with_range(&fig, &tokens, &tokens, &w, (0.0, 1.0))
        );
        check(&svg);
        for text in ["注意力权重", "学习", "机器", "\n0.0\n", "\n1.0\n"] {
            assert!(svg.contains(text), "missing {text}");
        }
        // 16 cells + 48 bands of the scale at least.
        assert!(svg.matches("<rect").count() >= 16 + 48);
        let auto = heatmap(&fig, &tokens, &tokens, &[vec![1.0, f64::NAN], vec![2.0]]);
        check(&auto);
    }

    #[test]
    fn heatmap_turns_wide_column_labels() {
        let cols = [
            "很长的列标签甲",
            "很长的列标签乙",
            "很长的列标签丙",
            "很长的列标签丁",
            "戊",
        ];
        let svg = heatmap(
            &Figure::default(),
            &["行"],
            &cols,
            &[[0.1, 0.2, 0.3, 0.4, 0.5]],
        );
        check(&svg);
        assert!(svg.contains("rotate(90"));
    }

    #[test]
    fn histogram_counts_every_value() {
        let mut rng = crate::rng::seeded(7);
        let values: Vec<f64> = (0..500).map(|_| crate::rng::normal(&mut rng)).collect();
        let fig = Figure {
            title: "标准正态样本",
            x_label: "取值",
            ..Figure::default()
        };
        let svg = histogram(&fig, &values, 20);
        assert_eq!(svg, histogram(&fig, &values, 20));
        check(&svg);
        assert!(svg.contains("频数"));
        let constant = histogram(&Figure::default(), &[2.0, 2.0, f64::NAN], 5);
        check(&constant);
        check(&histogram(&Figure::default(), &[], 0));
    }

    #[test]
    fn heatmap_merges_cells_of_one_colour() {
        // Columns constant down the rows: one rectangle a column, not a cell.
        let values: Vec<Vec<f64>> = (0..40).map(|_| (0..10).map(f64::from).collect()).collect();
        let labels: Vec<String> = (0..40).map(|i| i.to_string()).collect();
        let rows: Vec<&str> = labels
            .iter()
            .enumerate()
            .map(|(i, l)| if i % 10 == 0 { l.as_str() } else { "" })
            .collect();
        let fig = Figure {
            width: 400,
            height: 600,
            ..Figure::default()
        };
        let svg = heatmap(&fig, &rows, &rows[..10], &values);
        check(&svg);
        // background + 10 columns + 48 bands of the scale + 2 outlines
        assert_eq!(svg.matches("<rect").count(), 1 + 10 + 48 + 2);
        // Empty labels are not drawn: 4 row labels, 1 column label, 5 ticks
        // of the scale (0 to 8).
        assert_eq!(svg.matches("<text").count(), 4 + 1 + 5);

        let c = |v: u8| RGBColor(v, v, v);
        let grid = vec![vec![c(1), c(1), c(2)], vec![c(3), c(3), c(3)]];
        assert_eq!(
            colour_runs(&grid),
            [(0, 0, 1, 2, c(1)), (0, 2, 1, 3, c(2)), (1, 0, 2, 3, c(3))]
        );
        let grid = vec![vec![c(1), c(2)], vec![c(1), c(2)], vec![c(1), c(3)]];
        assert_eq!(
            colour_runs(&grid),
            [(0, 0, 3, 1, c(1)), (0, 1, 2, 2, c(2)), (2, 1, 3, 2, c(3))]
        );
    }

    #[test]
    fn sparse_column_labels_stay_horizontal() {
        let values: Vec<Vec<f64>> = vec![(0..64).map(f64::from).collect(); 8];
        let all: Vec<String> = (0..64).map(|i| i.to_string()).collect();
        let every: Vec<&str> = all.iter().map(String::as_str).collect();
        let sparse: Vec<&str> = every
            .iter()
            .enumerate()
            .map(|(i, l)| if i % 8 == 0 { *l } else { "" })
            .collect();
        assert_eq!(label_gap(&sparse, 64), 8);
        assert_eq!(label_gap(&every, 64), 1);
        assert_eq!(label_gap(&["", "a", ""], 3), 3);
        let fig = Figure::default();
        let no_rows: [&str; 0] = [];
        assert!(heatmap(&fig, &no_rows, &every, &values).contains("rotate(90"));
        assert!(!heatmap(&fig, &no_rows, &sparse, &values).contains("rotate(90"));
        assert!(!heatmap(&fig, &no_rows, &tick_labels(64, 8), &values).contains("rotate(90"));
    }

    #[test]
    fn histograms_share_bins_and_have_a_legend() {
        let mut rng = crate::rng::seeded(3);
        let wide: Vec<f64> = (0..400)
            .map(|_| 3.0 * crate::rng::normal(&mut rng))
            .collect();
        let narrow: Vec<f64> = (0..400).map(|_| crate::rng::normal(&mut rng)).collect();
        let fig = Figure {
            title: "两组样本",
            x_label: "取值",
            ..Figure::default()
        };
        let samples = [
            Sample {
                name: "宽(σ = 3)",
                values: &wide,
            },
            Sample {
                name: "窄(σ = 1)",
                values: &narrow,
            },
        ];
        let svg = histograms(&fig, &samples, 30);
        assert_eq!(svg, histograms(&fig, &samples, 30));
        check(&svg);
        for text in [
            "两组样本",
            "频数",
            "宽(σ = 3)",
            "窄(σ = 1)",
            "#0072B2",
            "#D55E00",
        ] {
            assert!(svg.contains(text), "missing {text}");
        }
        // One outline a sample.
        for colour in ["#0072B2", "#D55E00"] {
            let outline = format!("stroke=\"{colour}\" stroke-width=\"2\"");
            assert_eq!(svg.matches(&outline).count(), 1, "{outline}");
        }
        // A single unnamed sample is the plain histogram: no legend, no outline.
        let one = histogram(&fig, &wide, 30);
        assert_eq!(
            one,
            histograms(
                &fig,
                &samples[..1]
                    .iter()
                    .map(|s| Sample { name: "", ..*s })
                    .collect::<Vec<_>>(),
                30
            )
        );
        assert!(!one.contains("stroke=\"#0072B2\" stroke-width=\"2\""));
    }

    #[test]
    fn nice_axes_are_round() {
        let a = Axis::nice([0.03, 0.97].into_iter(), false);
        assert_eq!((a.lo, a.hi, a.decimals), (0.0, 1.0, 1));
        assert_eq!(a.labels(), ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]);
        let b = Axis::nice([-3.0, 12.5].into_iter(), false);
        assert_eq!(b.labels(), ["-5", "0", "5", "10", "15"]);
        // A step below a fifth of the range when seven ticks still do:
        // −3…3, not −4…4 in steps of 2.
        let d = Axis::nice([-2.85, 2.85].into_iter(), false);
        assert_eq!(d.labels(), ["-3", "-2", "-1", "0", "1", "2", "3"]);
        let c = Axis::nice([7.0, 7.0].into_iter(), true);
        assert!(c.lo <= 0.0 && c.hi >= 7.0);
    }

    #[test]
    fn text_width_counts_hanzi_as_one_em() {
        assert_eq!(text_width("注意力", 10.0), 30);
        assert_eq!(text_width("abc", 10.0), 18);
    }

    /// Writes sample figures for a visual check:
    /// `PLOT_SAMPLES=/tmp/plots cargo test -p guide-support plot -- --ignored`.
    #[test]
    #[ignore]
    fn write_samples() {
        let dir = std::path::PathBuf::from(
            std::env::var("PLOT_SAMPLES").unwrap_or("target/plots".into()),
        );
        std::fs::create_dir_all(&dir).unwrap();
        let (a, b) = curves();
        let fig = Figure {
            title: "正弦与余弦",
            x_label: "时间 t(秒)",
            y_label: "幅度",
            ..Figure::default()
        };
        let svg = line_chart(
            &fig,
            &[
                Series {
                    name: "sin(t)",
                    points: &a,
                },
                Series {
                    name: "余弦 × 0.5",
                    points: &b,
                },
            ],
        );
        std::fs::write(dir.join("line.svg"), svg).unwrap();
        let tokens = ["我", "爱", "学习", "机器", "学习"];
        let w = sample_weights(5);
        let fig = Figure {
            title: "注意力权重",
            x_label: "键(被关注的词)",
            y_label: "查询",
            width: 560,
            height: 440,
        };
        std::fs::write(
            dir.join("heatmap.svg"),
            heatmap_with_range(&fig, &tokens, &tokens, &w, (0.0, 1.0)),
        )
        .unwrap();
        let mut rng = crate::rng::seeded(7);
        let values: Vec<f64> = (0..500).map(|_| crate::rng::normal(&mut rng)).collect();
        let fig = Figure {
            title: "标准正态样本的直方图",
            x_label: "取值",
            ..Figure::default()
        };
        std::fs::write(dir.join("histogram.svg"), histogram(&fig, &values, 24)).unwrap();
    }

    #[test]
    fn viridis_ends() {
        assert_eq!(viridis(0.0), RGBColor(0x44, 0x01, 0x54));
        assert_eq!(viridis(1.0), RGBColor(0xFD, 0xE7, 0x25));
        assert_eq!(viridis(f64::NAN), viridis(0.0));
    }
}
