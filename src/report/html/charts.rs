//! The HTML report's pictures as inline SVG, drawn with plotters: both sides'
//! distributions of a comparison as empirical CDFs, and a series' history
//! along main with its change points and the head. Axes are in the human unit
//! of `model::units` (one scale per axis); text stays `<text>` for the browser.

use plotters::prelude::*;

use crate::model::history::Series;
use crate::model::units::{format_change, significant, Scale};
use crate::model::Unit;
use crate::report::axis_range;
use crate::verdict::outcome::Distribution;

/// Size of every chart, in CSS pixels (the page scales it down on narrow screens).
const SIZE: (u32, u32) = (720, 320);
const BASE_COLOR: RGBColor = RGBColor(150, 150, 150);
const HEAD_COLOR: RGBColor = RGBColor(31, 111, 235);
const CHANGE_COLOR: RGBColor = RGBColor(207, 34, 46);
const FONT: &str = "sans-serif";

type Drawn = Result<(), Box<dyn std::error::Error>>;

/// Both sides' distributions as CDFs: the baseline (or anchor) in grey, the head in color.
/// `other` names the side the head is compared with (`baseline`, `anchor`).
pub fn distributions(distribution: &Distribution, unit: &Unit, other: &str) -> String {
    svg(|root| draw_distributions(root, distribution, unit, other))
}

/// The series' points along main by commit, change points marked with their change, and `head` last.
pub fn history(series: &Series, head: Option<f64>) -> String {
    svg(|root| draw_history(root, series, head))
}

fn svg(draw: impl FnOnce(&DrawingArea<SVGBackend, plotters::coord::Shift>) -> Drawn) -> String {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, SIZE).into_drawing_area();
        if draw(&root).and_then(|_| Ok(root.present()?)).is_err() {
            return String::new();
        }
    }
    out
}

fn draw_distributions(
    root: &DrawingArea<SVGBackend, plotters::coord::Shift>,
    distribution: &Distribution,
    unit: &Unit,
    other: &str,
) -> Drawn {
    let all = || distribution.base.iter().chain(&distribution.head).copied().filter(|v| v.is_finite());
    let scale = Scale::common(all(), unit);
    let (low, high) = axis_range(all().map(|v| scale.apply(v)));
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(root)
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(56)
        .build_cartesian_2d(low..high, 0f64..1f64)?;
    chart
        .configure_mesh()
        .x_desc(axis_title(quantity(unit), &scale))
        .y_desc("share of values ≤ x")
        .x_label_formatter(&|v| significant(*v))
        .y_label_formatter(&|v| format!("{:.0}%", v * 100.0))
        .light_line_style(WHITE)
        .label_style((FONT, 16))
        .axis_desc_style((FONT, 17))
        .draw()?;
    for (values, color, name) in [(&distribution.base, BASE_COLOR, other), (&distribution.head, HEAD_COLOR, "head")] {
        if values.is_empty() {
            continue;
        }
        let step = 1.0 / (values.len().max(2) - 1) as f64;
        let points = values.iter().enumerate().map(|(i, v)| (scale.apply(*v), i as f64 * step));
        chart
            .draw_series(LineSeries::new(points, color.stroke_width(3)))?
            .label(name)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(3)));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.3))
        .label_font((FONT, 16))
        .draw()?;
    Ok(())
}

fn draw_history(root: &DrawingArea<SVGBackend, plotters::coord::Shift>, series: &Series, head: Option<f64>) -> Drawn {
    let recorded: Vec<f64> = series.points.iter().map(|p| p.value).collect();
    let head = head.filter(|v| v.is_finite());
    let scale = Scale::common(recorded.iter().copied().chain(head), &series.unit);
    let (low, high) = axis_range(recorded.iter().copied().chain(head).map(|v| scale.apply(v)));
    let last = recorded.len() + usize::from(head.is_some());
    let label = |x: &f64| {
        let index = x.round();
        if (x - index).abs() > 1e-6 || index < 0.0 {
            return String::new();
        }
        match series.points.get(index as usize) {
            Some(point) => point.commit.chars().take(7).collect(),
            None if head.is_some() && index as usize == recorded.len() => "head".into(),
            None => String::new(),
        }
    };
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(root)
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(56)
        .build_cartesian_2d(-0.5..(last as f64 - 0.5).max(0.5), low..high)?;
    chart
        .configure_mesh()
        .x_labels(last.min(8))
        .x_label_formatter(&label)
        .y_label_formatter(&|v| significant(*v))
        .x_desc("commit along main (oldest first)")
        .y_desc(axis_title(&series.statistic, &scale))
        .light_line_style(WHITE)
        .label_style((FONT, 16))
        .axis_desc_style((FONT, 17))
        .draw()?;
    let points: Vec<(f64, f64)> = recorded.iter().enumerate().map(|(i, v)| (i as f64, scale.apply(*v))).collect();
    chart.draw_series(LineSeries::new(points.iter().copied(), BASE_COLOR.stroke_width(2)))?;
    chart.draw_series(points.iter().map(|p| Circle::new(*p, 3, BASE_COLOR.filled())))?;
    for change in &series.change_points {
        let x = change.index as f64 - 0.5;
        chart
            .draw_series(std::iter::once(PathElement::new(vec![(x, low), (x, high)], CHANGE_COLOR.stroke_width(2))))?;
        let text = format_change(change.change);
        chart.draw_series(std::iter::once(Text::new(text, (x, high), (FONT, 16).into_font().color(&CHANGE_COLOR))))?;
    }
    if let Some(head) = head {
        let at = (recorded.len() as f64, scale.apply(head));
        if let Some(previous) = points.last() {
            chart.draw_series(LineSeries::new([*previous, at], HEAD_COLOR.stroke_width(2)))?;
        }
        chart.draw_series(std::iter::once(Circle::new(at, 5, HEAD_COLOR.filled())))?;
    }
    Ok(())
}

/// What values in `unit` measure, for an axis of raw values.
fn quantity(unit: &Unit) -> &str {
    match unit {
        Unit::Ns => "time",
        Unit::Bytes => "size",
        Unit::PerSecond | Unit::BytesPerSecond => "rate",
        Unit::Ratio => "share",
        Unit::Count => "count",
        Unit::Other(name) => name,
    }
}

/// `median (ms)`: what is on the axis and its scale's unit word.
fn axis_title(what: &str, scale: &Scale) -> String {
    match scale.word() {
        "" => what.to_string(),
        word => format!("{what} ({word})"),
    }
}
