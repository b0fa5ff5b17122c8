//! Charts as inline SVG, rendered on the server so no chart script is needed.

use crate::format;

/// A horizontal bar chart as inline SVG, rendered here so no chart script is needed. Labels are
/// our own (escaped all the same); `label_width` is the room the labels take, in the chart's units.
pub(super) fn bar_chart(title: &str, label_width: usize, bars: &[(&str, u64)]) -> String {
    let escape = |t: &str| t.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    let max = bars.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let row = 28;
    let height = row * bars.len() + 8;
    let room = (640 - label_width - 90) as f64;
    let mut svg = format!(
        r#"<svg class="chart" viewBox="0 0 640 {height}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        escape(title)
    );
    for (i, (label, n)) in bars.iter().enumerate() {
        let y = 4 + i * row;
        let width = (*n as f64 / max as f64 * room).round() as usize;
        svg.push_str(&format!(
            r#"<text x="0" y="{}" font-size="14">{}</text><rect x="{label_width}" y="{y}" width="{width}" height="20" rx="2"></rect><text x="{}" y="{}" font-size="14">{}</text>"#,
            y + 15,
            escape(label),
            label_width + width + 6,
            y + 15,
            format::number(*n)
        ));
    }
    svg.push_str("</svg>");
    svg
}
