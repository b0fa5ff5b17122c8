//! Every number of the statistics opens the members behind it (ui.md "Every number is a link"):
//! on a generated province, every member count of the count report (on a date), the movement
//! report and the admission report (over a period) — totals and per-unit rows, by the structure
//! of the date and by today's — links to a member list whose total is that number, and whose
//! rows are those members when they fit a page.

use crate::http_on_both_engines;
use crate::support::App;

http_on_both_engines!(300; every_report_number_opens_its_members);

/// `&#38;` back to `&` (askama escapes attribute values).
fn unescape(s: &str) -> String {
    s.replace("&#38;", "&").replace("&amp;", "&")
}

/// Every (link to the member list, number shown) of a page.
fn member_links(html: &str) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    for piece in html.split("<a href=\"/members?").skip(1) {
        let Some((query, rest)) = piece.split_once("\">") else { continue };
        let Some((text, _)) = rest.split_once("</a>") else { continue };
        // Numbers are written 1.234; other links (names) are not numbers.
        let digits = text.replace('.', "");
        if let Ok(n) = digits.parse::<u64>() {
            out.push((unescape(query), n));
        }
    }
    out
}

/// Follows every number's link of `page` through the API and compares; returns how many.
async fn check_page(app: &App, page: &str) -> usize {
    let (status, html) = app.text(page).await;
    assert_eq!(status, 200, "{page}");
    let links = member_links(&html);
    let mut failures = Vec::new();
    for (query, n) in &links {
        let (status, list) = app.json(&format!("/api/v1/members?{query}&per_page=500")).await;
        assert_eq!(status, 200, "{query}: {list}");
        let total = list["total"].as_u64().unwrap();
        if total != *n {
            failures.push(format!("{query}: the report says {n}, the list has {total}"));
        } else if total <= 500 {
            assert_eq!(list["items"].as_array().unwrap().len() as u64, total, "{query}: the rows are the members counted");
        }
    }
    assert!(failures.is_empty(), "{page}: {} of {} numbers differ from their lists:\n{}", failures.len(), links.len(), failures.join("\n"));
    links.len()
}

async fn every_report_number_opens_its_members(app: &App) {
    let (_, roots) = app.json("/api/v1/units").await;
    let province = roots[0]["id"].as_i64().expect("a province");
    // A unit one level down too, so that chi bộ make the rows.
    let (_, detail) = app.json(&format!("/api/v1/units/{province}")).await;
    let child = detail["children"]
        .as_array()
        .and_then(|c| c.iter().find(|u| u["child_count"].as_u64().unwrap_or(0) > 0))
        .map(|u| u["id"].as_i64().unwrap());
    // The province over a year that spans the 2025 reorganization; a commune (formed on
    // 1 July 2025) since it stands.
    let mut units = vec![(province, vec!["from=01/01/2025&to=31/12/2025", "from=01/07/2025&to=25/11/2026"])];
    units.extend(child.map(|c| (c, vec!["from=01/07/2025&to=25/11/2026"])));
    let mut checked = 0;
    for (unit, periods) in units {
        for structure in ["of_date", "current"] {
            for period in &periods {
                checked += check_page(app, &format!("/reports/movements?unit={unit}&{period}&structure={structure}")).await;
                checked += check_page(app, &format!("/reports/admissions?unit={unit}&{period}&structure={structure}")).await;
            }
            checked += check_page(app, &format!("/reports/counts?unit={unit}&date=31/12/2025&structure={structure}")).await;
        }
    }
    checked += check_page(app, &format!("/admission/targets?unit={province}&year=2026")).await;
    checked += check_page(app, "/").await;
    // Totals and per-unit rows of three reports, each a few dozen numbers.
    assert!(checked > 300, "{checked} numbers followed");
}
