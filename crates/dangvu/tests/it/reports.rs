//! Statistics over HTTP on a generated province, on both engines: the API, the page with its
//! chart and drill-down links, CSV, and bad parameters.

use crate::http_on_both_engines;
use crate::support::App;

http_on_both_engines!(300; counts_report_over_http);

async fn counts_report_over_http(app: &App) {
    let (_, roots) = app.json("/api/v1/units").await;
    let province = roots[0]["id"].as_i64().expect("a province");
    let (status, r) = app.json(&format!("/api/v1/reports/counts?unit={province}")).await;
    assert_eq!(status, 200, "{r}");
    let total = r["total"]["total"].as_u64().unwrap();
    // The same number as the member list of the province today.
    let (_, list) = app.json(&format!("/api/v1/members?unit={province}")).await;
    assert_eq!(total, list["total"].as_u64().unwrap());
    let children_sum: u64 = r["children"].as_array().unwrap().iter().map(|c| c[1]["total"].as_u64().unwrap()).sum();
    assert_eq!(children_sum, total, "every member is in a unit under the province");
    let ages: u64 = r["total"]["age"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).sum();
    assert_eq!(ages, total);
    assert_eq!(r["age_bands"][0], "18–30");

    // The page: tables, the chart, drill-down to the members behind a number, CSV.
    let (status, page) = app.text(&format!("/reports/counts?unit={province}&date=31/12/2024")).await;
    assert_eq!(status, 200);
    assert!(page.contains("Thống kê đảng viên") && page.contains("ngày 31/12/2024") && page.contains("<svg class=\"chart\""));
    let link = page.find("gender=nu").map(|i| &page[i.saturating_sub(80)..i + 9]).unwrap_or("none");
    assert!(page.contains(&format!("/members?unit={province}&#38;as_of=31%2F12%2F2024&#38;gender=nu")), "drill-down link: {link}");
    // The number behind a drill-down link is the number of members the link lists.
    let (_, past) = app.json(&format!("/api/v1/reports/counts?unit={province}&date=31/12/2024")).await;
    let (_, women) = app.json(&format!("/api/v1/members?unit={province}&as_of=31/12/2024&gender=nu")).await;
    assert_eq!(past["total"]["women"], women["total"]);
    let (_, young) = app.json(&format!("/api/v1/members?unit={province}&as_of=31/12/2024&age=18-30")).await;
    assert_eq!(past["total"]["age"][0], young["total"]);
    let csv = app.get(&format!("/reports/counts?unit={province}&format=csv")).await;
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let body = csv.text().await.unwrap();
    assert!(body.starts_with("\u{feff}Chỉ tiêu,Số lượng,Tỷ lệ") && body.contains("Tổng số đảng viên"));

    // Bad input: absurd age bands, a date in the future, a unit that did not exist yet, none.
    let (status, v) = app.json(&format!("/api/v1/reports/counts?unit={province}&age_bands=40,30")).await;
    assert_eq!((status, v["error"]["fields"][0]["field"].as_str()), (400, Some("age_bands")), "{v}");
    let (status, v) = app.json(&format!("/api/v1/reports/counts?unit={province}&date=01/01/2100")).await;
    assert_eq!((status, v["error"]["fields"][0]["code"].as_str()), (422, Some("in_future")), "{v}");
    let (status, v) = app.json(&format!("/api/v1/reports/counts?unit={province}&date=01/01/1900")).await;
    assert_eq!((status, v["error"]["fields"][0]["code"].as_str()), (422, Some("unit_not_on_date")), "{v}");
    assert_eq!(app.json("/api/v1/reports/counts").await.0, 400);
    let (status, page) = app.text(&format!("/reports/counts?unit={province}&age_bands=abc")).await;
    assert_eq!(status, 400);
    assert!(page.contains("Các mốc tuổi phải là số nguyên"));
}
