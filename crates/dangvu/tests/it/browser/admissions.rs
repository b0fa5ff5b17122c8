//! A three-year admission report in the browser: the figures a committee reads add up — the
//! per-unit rows to the total, and every column of the rows by source, sub-target group and
//! occasion to the line of the same name — and the page passes axe-core.

use fantoccini::Client;

use super::Browser;
use crate::support;

async fn js(c: &Client, script: &str) -> serde_json::Value {
    c.execute(script, vec![]).await.unwrap()
}

/// The numbers of a table's body, row by row (`1.234` read as 1234; a dash or text as `null`).
const TABLE_NUMBERS: &str = r#"
    const number = (td) => { const t = td.textContent.trim().replace(/\./g, ''); return /^\d+$/.test(t) ? Number(t) : null; };
    return Array.from(document.querySelectorAll(arguments[0] + ' tbody tr')).map(tr => Array.from(tr.children).map(number));
"#;

async fn table(c: &Client, selector: &str) -> Vec<Vec<Option<u64>>> {
    let v = c.execute(TABLE_NUMBERS, vec![serde_json::Value::String(selector.into())]).await.unwrap();
    serde_json::from_value(v).unwrap()
}

/// The heads of a table's columns.
async fn heads(c: &Client, selector: &str) -> Vec<String> {
    let script = format!("return Array.from(document.querySelectorAll('{selector} thead th')).map(th => th.textContent.trim())");
    serde_json::from_value(js(c, &script).await).unwrap()
}

/// The (label, number) lines of the table under the heading `title`.
async fn lines(c: &Client, title: &str) -> Vec<(String, u64)> {
    let script = format!(
        r#"const h = Array.from(document.querySelectorAll('h2')).find(h => h.textContent.trim() === '{title}');
           let t = h.nextElementSibling; while (t && !t.querySelector('table')) t = t.nextElementSibling;
           return Array.from(t.querySelectorAll('tbody tr')).map(tr => [tr.children[0].textContent.trim(),
               Number(tr.querySelector('a').textContent.trim().replace(/\./g, ''))]);"#
    );
    serde_json::from_value(js(c, &script).await).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_three_year_report_adds_up_to_its_rows() {
    if !super::wanted("a_three_year_report_adds_up_to_its_rows") {
        return;
    }
    let app = support::spawn(conformance::Engine::Sqlite, 1500).await.expect("app");
    let (_, roots) = app.json("/api/v1/units").await;
    let province = roots[0]["id"].as_i64().expect("a province");
    let year = support::today().format("%Y").to_string().parse::<i32>().unwrap();
    let (from, to) = (format!("01/01/{}", year - 3), format!("31/12/{}", year - 1));
    let browser = Browser::start(1280, 900).await;
    let c = &browser.client;
    browser.login(&app, "quantri").await;
    browser.open(&app, &format!("/reports/admissions?unit={province}&from={from}&to={to}")).await;

    let (_, api) = app.json(&format!("/api/v1/reports/admissions?unit={province}&from={from}&to={to}")).await;
    let total = api["total"]["admitted"].as_u64().unwrap();
    assert!(total > 0, "the generated province admitted members in three years");
    let headline = js(c, "return document.querySelector('.headline strong').textContent").await;
    assert!(headline.as_str().unwrap().contains(&format!("Kết nạp {} đảng viên", web::format::number(total))), "{headline}");

    // The rows' admitted add up to the total.
    let rows = table(c, "#theo-to-chuc").await;
    let column = heads(c, "#theo-to-chuc").await.iter().position(|h| h == "Kết nạp").unwrap();
    assert_eq!(rows.iter().map(|r| r[column].unwrap()).sum::<u64>(), total);

    // Each column of the rows by source, group and occasion adds up to its line.
    let by_row = table(c, "#nguon-theo-to-chuc").await;
    let names = heads(c, "#nguon-theo-to-chuc").await;
    let mut checked = 0;
    for title in ["Theo nguồn giới thiệu", "Theo nhóm chỉ tiêu", "Nhân dịp lễ, kỷ niệm"] {
        for (label, n) in lines(c, title).await {
            let head = match label.as_str() {
                "Nhân các dịp lễ, kỷ niệm" => "Nhân dịp lễ, kỷ niệm".to_owned(),
                l if title == "Nhân dịp lễ, kỷ niệm" => format!("Dịp {}", l.rsplit_once('(').unwrap().1.trim_end_matches(')')),
                l => l.to_owned(),
            };
            let i = names.iter().position(|h| *h == head).unwrap_or_else(|| panic!("{head} in {names:?}"));
            assert_eq!(by_row.iter().map(|r| r[i].unwrap()).sum::<u64>(), n, "{title}: {label}");
            checked += 1;
        }
        let sum: u64 = lines(c, title).await.iter().filter(|(l, _)| !l.starts_with("Nhân các")).map(|(_, n)| n).sum();
        if title != "Nhân dịp lễ, kỷ niệm" {
            assert_eq!(sum, total, "{title} adds up to the admitted");
        }
    }
    // Every source and the unknown, every group and none, the total on occasions and each default one.
    let lines_expected = 6 + 1 + 3 + 1 + 1 + 4;
    assert!(checked >= lines_expected, "{checked}");
    let violations = super::phone::axe(&browser).await;
    assert!(violations.is_empty(), "{violations:?}");
    browser.close().await;
}
