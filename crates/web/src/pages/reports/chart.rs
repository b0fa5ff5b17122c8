//! Charts as inline SVG, rendered on the server so no chart script is needed.

use crate::format;

/// The chart's width in its own units; the stylesheet scales it to the page, so at 360 px a
/// 14-unit label is about 13 px tall.
const WIDTH: usize = 360;
/// Room right of the longest bar for its number.
const NUMBER_ROOM: usize = 72;

/// A horizontal bar chart as inline SVG, rendered here so no chart script is needed: each label
/// on its own line over its bar, so a long label ("Đoàn viên Đoàn TNCS Hồ Chí Minh") is never cut
/// and the chart stays readable on a phone. Labels are our own (escaped all the same).
pub(super) fn bar_chart(title: &str, bars: &[(&str, u64)]) -> String {
    let escape = |t: &str| t.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    let max = bars.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let row = 40;
    let height = row * bars.len() + 4;
    let room = (WIDTH - NUMBER_ROOM) as f64;
    let mut svg = format!(
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        escape(title)
    );
    for (i, (label, n)) in bars.iter().enumerate() {
        let y = 2 + i * row;
        let width = (*n as f64 / max as f64 * room).round() as usize;
        svg.push_str(&format!(
            r#"<text x="2" y="{}" font-size="14">{}</text><rect x="0" y="{}" width="{width}" height="14" rx="2"></rect><text x="{}" y="{}" font-size="14">{}</text>"#,
            y + 14,
            escape(label),
            y + 20,
            width + 6,
            y + 32,
            format::number(*n)
        ));
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_sit_over_their_bars_and_are_escaped() {
        let svg = bar_chart("Biểu đồ <thử>", &[("Đoàn viên Đoàn TNCS Hồ Chí Minh", 30), ("Nữ", 60)]);
        assert!(svg.contains(r#"aria-label="Biểu đồ &lt;thử&gt;""#));
        assert!(svg.contains(r#"<text x="2" y="16" font-size="14">Đoàn viên Đoàn TNCS Hồ Chí Minh</text>"#));
        // The largest bar takes the whole room left of its number.
        assert!(svg.contains(&format!(r#"width="{}""#, WIDTH - NUMBER_ROOM)));
    }
}
