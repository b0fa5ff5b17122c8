//! Every number of the statistics opens the members behind it (ui.md "Every number is a link"):
//! on a generated province, every member count of the count report (on a date), the movement
//! report and the admission report (over a period) — totals and per-unit rows, by the structure
//! of the date and by today's — links to a member list whose total is that number, and whose
//! rows are those members when they fit a page.

use serde_json::json;

use crate::http_on_both_engines;
use crate::support::{App, create_unit, official_member};

http_on_both_engines!(300; every_report_number_opens_its_members);
http_on_both_engines!(0; a_member_who_moves_twice_counts_twice);

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
        // A movement or admission count counts each movement: the list says how many it makes.
        let counted = list["events"].as_u64().unwrap_or(total);
        if counted != *n {
            failures.push(format!("{query}: the report says {n}, the list makes {counted} ({total} members)"));
        } else if total <= 500 {
            assert_eq!(list["items"].as_array().unwrap().len() as u64, total, "{query}: the rows are the members counted");
        }
    }
    assert!(failures.is_empty(), "{page}: {} of {} numbers differ from their lists:\n{}", failures.len(), links.len(), failures.join("\n"));
    links.len()
}

/// Every count of organizations on `page` (the units under a unit) links to the page listing
/// those units, with as many rows; returns how many were followed.
async fn check_unit_counts(app: &App, page: &str) -> usize {
    let (status, html) = app.text(page).await;
    assert_eq!(status, 200, "{page}");
    let mut followed = 0;
    for piece in html.split("<a href=\"").skip(1) {
        let Some((href, rest)) = piece.split_once("\">") else { continue };
        let Some(target) = href.strip_suffix("#truc-thuoc") else { continue };
        let n: usize = rest.split('<').next().unwrap_or_default().replace('.', "").parse().expect("a count");
        let (status, listed) = app.text(&unescape(target)).await;
        assert_eq!(status, 200, "{target}");
        let table = listed.split("id=\"truc-thuoc\"").nth(1).and_then(|t| t.split("</table>").next()).expect("the units listed");
        assert_eq!(table.matches("<td data-label=\"Tổ chức\">").count(), n, "{page} → {target}");
        followed += 1;
    }
    assert!(followed > 0, "{page} has counts of organizations");
    followed
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
    // The targets of the year, with admissions decided through cases (groups, ceremonies): every
    // cell of the page — total, each sub-target group, anniversaries — opens its members.
    let ctx = storage::WriteContext::new("test", crate::support::now());
    datagen::admission::generate_cases(app.store.as_ref(), 60, 7, crate::support::today(), &ctx).await.unwrap();
    let targets = format!("/admission/targets?unit={province}&year=2026");
    let (_, html) = app.text(&targets).await;
    let groups: u64 = member_links(&html).iter().filter(|(q, _)| q.contains("admitted=chi-tieu%3A")).map(|(_, n)| n).sum();
    assert!(groups > 0, "some admission of the year counts towards a sub-target group: {html}");
    checked += check_page(app, &targets).await;
    checked += check_page(app, "/").await;
    checked += check_unit_counts(app, "/units").await;
    checked += check_unit_counts(app, &format!("/units/{province}")).await;
    // Totals and per-unit rows of three reports, each a few dozen numbers.
    assert!(checked > 300, "{checked} numbers followed");
}

/// A member moved from chi bộ A to B, back, and to B again within the period leaves A's row
/// twice: the report's number is 2, the list shows the one member and says the 2 movements.
async fn a_member_who_moves_twice_counts_twice(app: &App) {
    let province = create_unit(app, "tinh-uy", "T01", "Tỉnh ủy Bình An", None).await;
    let commune = create_unit(app, "xa-phuong", "T01.X001", "Đảng bộ xã An Hòa", Some(province)).await;
    let a = create_unit(app, "chi-bo-co-so", "X001.C01", "Chi bộ thôn 1", Some(commune)).await;
    let b = create_unit(app, "chi-bo-co-so", "X001.C02", "Chi bộ thôn 2", Some(commune)).await;
    let m = official_member(app, "Lê Văn Đi Về", "001075000777", a).await;
    for (to, day) in [(b, "2025-03-01"), (a, "2025-06-01"), (b, "2025-09-01")] {
        let (_, record) = app.json(&format!("/api/v1/members/{m}")).await;
        let event = json!({"kind": "dieu-chuyen", "to_unit_id": to, "effective_date": day,
            "decision_number": "12-QĐ/ĐU", "decision_date": day, "issuer": "Đảng ủy xã An Hòa"});
        let (status, v) =
            app.post_json(&format!("/api/v1/members/{m}/events"), &json!({"version": record["version"], "event": event})).await;
        assert_eq!(status, 201, "{v}");
    }
    let (status, report) = app.json(&format!("/api/v1/reports/movements?unit={commune}&from=01/01/2025&to=31/12/2025")).await;
    assert_eq!(status, 200, "{report}");
    let row_a = report["rows"].as_array().unwrap().iter().find(|r| r[0]["unit"]["id"] == a).expect("row of A")[1].clone();
    let out_of_a = row_a["outflows"].to_string();
    let (_, list) = app.json(&format!("/api/v1/members?unit={commune}&row={a}&flow=ra&from=01/01/2025&to=31/12/2025&status=all")).await;
    assert_eq!((list["total"].as_u64(), list["events"].as_u64()), (Some(1), Some(2)), "{list} / row: {out_of_a}");
    let (status, html) = app.text(&format!("/members?unit={commune}&row={a}&flow=ra&from=01/01/2025&to=31/12/2025&status=all")).await;
    assert_eq!(status, 200);
    assert!(html.contains("với <strong>2</strong> lượt"), "{html}");
    // The page's own link for that number says the same.
    let (_, page) = app.text(&format!("/reports/movements?unit={commune}&from=01/01/2025&to=31/12/2025")).await;
    assert!(member_links(&page).iter().any(|(q, n)| q.contains(&format!("row={a}")) && q.contains("flow=ra&") && *n == 2), "{page}");
}
