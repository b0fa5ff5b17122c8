//! Statistics over HTTP on a generated province, on both engines: the API, the page with its
//! chart and drill-down links, CSV, and bad parameters.

use crate::http_on_both_engines;
use crate::support::App;

http_on_both_engines!(300; counts_report_over_http);
http_on_both_engines!(300; movement_report_over_http);
http_on_both_engines!(300; admission_report_over_http);

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
    // Every other cell drills down through `facet`, to exactly the members counted.
    let listed = |facet: &'static str| {
        let path = format!("/api/v1/members?unit={province}&as_of=31/12/2024&facet={facet}");
        async move { app.json(&path).await.1["total"].clone() }
    };
    let b = &past["total"];
    assert_eq!(listed("dan-toc-thieu-so").await, b["ethnic_minority"]);
    assert_eq!(listed("ton-giao").await, b["religious"]);
    assert_eq!(listed("doan-vien").await, b["youth_union"]);
    assert_eq!(listed("chua-co-thong-tin").await, b["no_profile"]);
    assert_eq!(listed("tuoi-dang:30").await, b["party_age"][0]);
    let position = |list: &[&str], code: &str| list.iter().position(|c| *c == code).unwrap();
    let ge: Vec<&str> = domain::member::GeneralEducation::ALL.iter().map(|v| v.code()).collect();
    assert_eq!(listed("gdpt:thpt").await, b["general_education"][position(&ge, "thpt")]);
    let pt: Vec<&str> = domain::member::PoliticalTheory::ALL.iter().map(|v| v.code()).collect();
    assert_eq!(listed("llct:trung-cap").await, b["political_theory"][position(&pt, "trung-cap")]);
    assert!(page.contains("facet=doan-vien") && page.contains("facet=tuoi-dang%3A30"), "every table links its cells");
    let (status, v) = app.json(&format!("/api/v1/members?unit={province}&facet=gdpt:khong-co")).await;
    assert_eq!((status, v["error"]["fields"][0]["field"].as_str()), (400, Some("facet")), "{v}");
    // Two drill-downs at once is a rule the document can only describe: 422, naming the parameter.
    let (status, v) = app.json(&format!("/api/v1/members?unit={province}&flow=vao&from=01/01/2025&to=31/12/2025&admitted=ket-nap")).await;
    assert_eq!((status, v["error"]["fields"][0]["code"].as_str()), (422, Some("excluded_by")), "{v}");
    let csv = app.get(&format!("/reports/counts?unit={province}&format=csv")).await;
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let body = csv.text().await.unwrap();
    // CSV for machines: one header row, then data rows only; plain digits, ISO dates, `.` decimals.
    assert!(body.starts_with("\u{feff}Mã tổ chức,Tổ chức,Ngày,Nhóm,Chỉ tiêu,Số lượng,Tỷ lệ (%)\r\n"), "{body}");
    assert!(body.contains(&format!(",2026-11-25,Tổng hợp,Tổng số đảng viên,{total},")), "{body}");
    assert_rectangular(&body);
    // The workbook, read back: the total is a number in the summary sheet.
    let sheet = workbook(app, &format!("/reports/counts?unit={province}&format=xlsx"), "Tổng hợp").await;
    assert_eq!(sheet.get_value((3, 0)), Some(&calamine::Data::String("Tổng hợp".into())));
    assert_eq!(sheet.get_value((4, 0)), Some(&calamine::Data::String("Tổng số đảng viên".into())));
    assert_eq!(sheet.get_value((4, 1)), Some(&calamine::Data::Float(total as f64)));
    // By today's structure: the same province total, rows of today's units.
    let (status, cur) = app.json(&format!("/api/v1/reports/counts?unit={province}&structure=current")).await;
    assert_eq!(status, 200, "{cur}");
    assert_eq!(cur["total"]["total"], r["total"]["total"]);
    assert_eq!(cur["structure"], "current");
    let (status, v) = app.json(&format!("/api/v1/reports/counts?unit={province}&structure=yesterday")).await;
    assert_eq!((status, v["error"]["fields"][0]["field"].as_str()), (400, Some("structure")), "{v}");

    // Bad input: age bands not increasing (a rule the document only describes: 422), a date in the future, a unit that did not exist yet, none.
    let (status, v) = app.json(&format!("/api/v1/reports/counts?unit={province}&age_bands=40,30")).await;
    assert_eq!((status, v["error"]["fields"][0]["field"].as_str()), (422, Some("age_bands")), "{v}");
    let (status, v) = app.json(&format!("/api/v1/reports/counts?unit={province}&date=01/01/2100")).await;
    assert_eq!((status, v["error"]["fields"][0]["code"].as_str()), (422, Some("in_future")), "{v}");
    let (status, v) = app.json(&format!("/api/v1/reports/counts?unit={province}&date=01/01/1900")).await;
    assert_eq!((status, v["error"]["fields"][0]["code"].as_str()), (422, Some("unit_not_on_date")), "{v}");
    assert_eq!(app.json("/api/v1/reports/counts").await.0, 400);
    let (status, page) = app.text(&format!("/reports/counts?unit={province}&age_bands=abc")).await;
    assert_eq!(status, 400);
    assert!(page.contains("Các mốc tuổi phải là số nguyên"));
}

/// A sheet of the workbook at `path`, read back with calamine.
async fn workbook(app: &App, path: &str, name: &str) -> calamine::Range<calamine::Data> {
    use calamine::Reader;
    let response = app.get(path).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    let bytes = response.bytes().await.unwrap();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    book.worksheet_range(name).unwrap()
}

async fn movement_report_over_http(app: &App) {
    let (_, roots) = app.json("/api/v1/units").await;
    let province = roots[0]["id"].as_i64().expect("a province");
    // The year of the 2025 reorganization: the list at the start and the end are the counts of
    // those days, and every row balances.
    let (status, r) = app.json(&format!("/api/v1/reports/movements?unit={province}&from=01/01/2025&to=31/12/2025")).await;
    assert_eq!(status, 200, "{r}");
    let (_, start) = app.json(&format!("/api/v1/reports/counts?unit={province}&date=31/12/2024")).await;
    let (_, end) = app.json(&format!("/api/v1/reports/counts?unit={province}&date=31/12/2025")).await;
    assert_eq!(r["total"]["start"], start["total"]["total"]);
    assert_eq!(r["total"]["end"], end["total"]["total"]);
    let sum = |v: &serde_json::Value| v.as_array().unwrap().iter().map(|x| x.as_u64().unwrap()).sum::<u64>();
    let balances =
        |m: &serde_json::Value| m["start"].as_u64().unwrap() + sum(&m["inflows"]) == m["end"].as_u64().unwrap() + sum(&m["outflows"]);
    assert!(balances(&r["total"]), "{}", r["total"]);
    let rows = r["rows"].as_array().unwrap();
    assert!(rows.len() > 1 && rows.iter().all(|row| balances(&row[1])));
    assert!(rows.iter().any(|row| row[0]["until"].is_string()), "units dissolved in 2025 show their last day");
    assert_eq!(r["kinds"][0]["code"], "ket-nap");
    assert!(sum(&r["total"]["inflows"]) > 0);

    // Every line drills down to exactly the members behind it.
    let kinds: Vec<String> = r["kinds"].as_array().unwrap().iter().map(|k| k["code"].as_str().unwrap().to_owned()).collect();
    for (i, code) in kinds.iter().enumerate() {
        for (direction, array) in [("vao", "inflows"), ("ra", "outflows")] {
            let expected = &r["total"][array][i];
            if expected == 0 {
                continue;
            }
            let path = format!("/api/v1/members?unit={province}&flow={direction}:{code}&from=01/01/2025&to=31/12/2025&per_page=1");
            let (status, list) = app.json(&path).await;
            assert_eq!((status, &list["total"]), (200, expected), "{direction}:{code}");
        }
    }
    let (_, probationary) =
        app.json(&format!("/api/v1/members?unit={province}&flow=ra:xoa-ten&status=du-bi&from=01/01/2025&to=31/12/2025")).await;
    assert_eq!(probationary["total"], r["total"]["struck_off_probationary"]);
    let (_, everyone_out) = app.json(&format!("/api/v1/members?unit={province}&flow=ra&from=01/01/2025&to=31/12/2025")).await;
    assert_eq!(everyone_out["total"].as_u64().unwrap(), sum(&r["total"]["outflows"]));

    // The page in the layout of form 1-BTCTW, CSV and the workbook.
    let (status, page) = app.text(&format!("/reports/movements?unit={province}&from=01/01/2025&to=31/12/2025")).await;
    assert_eq!(status, 200);
    assert!(page.contains("mẫu 1-BTCTW") && page.contains("Đầu kỳ + tăng − giảm = cuối kỳ ở mọi dòng"), "{page}");
    assert!(page.contains("flow=vao%3Aket-nap%2Cket-nap-lai"), "the admitted line links to its members");
    assert!(page.contains(r#"aria-label="Biểu đồ tăng, giảm đảng viên theo loại biến động""#), "an SVG chart of the flows");
    let (status, list) = app.text(&format!("/members?unit={province}&flow=ra:tu-tran&from=01/01/2025&to=31/12/2025")).await;
    assert_eq!(status, 200);
    assert!(list.contains("Biến động: Giảm (Từ trần) từ 01/01/2025 đến 31/12/2025"), "{list}");
    assert!(list.contains(r#"<input type="hidden" name="flow" value="ra:tu-tran">"#));
    let csv = app.get(&format!("/reports/movements?unit={province}&from=01/01/2025&to=31/12/2025&format=csv")).await;
    let body = csv.text().await.unwrap();
    assert!(body.starts_with("\u{feff}Mã tổ chức,Tổ chức,Từ ngày,Đến ngày,Đầu kỳ,Tăng,"), "{body}");
    let total_row = format!(",Tổng cộng,2025-01-01,2025-12-31,{},", r["total"]["start"]);
    assert!(body.lines().last().is_some_and(|l| l.starts_with(&total_row)), "{body}");
    assert_rectangular(&body);
    let sheet =
        workbook(app, &format!("/reports/movements?unit={province}&from=01/01/2025&to=31/12/2025&format=xlsx"), "Biểu 1-BTCTW").await;
    assert_eq!(sheet.get_value((3, 1)), Some(&calamine::Data::String("A".into())));
    assert_eq!(sheet.get_value((3, 2)), Some(&calamine::Data::Float(r["total"]["start"].as_u64().unwrap() as f64)));

    // By today's structure the province's lists at both ends are the same.
    let (status, cur) =
        app.json(&format!("/api/v1/reports/movements?unit={province}&from=01/01/2025&to=31/12/2025&structure=current")).await;
    assert_eq!(status, 200, "{cur}");
    assert_eq!((cur["total"]["start"].clone(), cur["total"]["end"].clone()), (r["total"]["start"].clone(), r["total"]["end"].clone()));

    // Bad input: a reversed period, a future end, a bad date, no unit.
    let (status, v) = app.json(&format!("/api/v1/reports/movements?unit={province}&from=31/12/2025&to=01/01/2025")).await;
    assert_eq!((status, v["error"]["fields"][0]["code"].as_str()), (422, Some("period_reversed")), "{v}");
    let (status, v) = app.json(&format!("/api/v1/reports/movements?unit={province}&to=01/01/2100")).await;
    assert_eq!((status, v["error"]["fields"][0]["code"].as_str()), (422, Some("in_future")), "{v}");
    // A date of the documented shape that is not in the calendar: a 422 on its parameter.
    let (status, v) = app.json(&format!("/api/v1/reports/movements?unit={province}&from=32/01/2025")).await;
    assert_eq!((status, v["error"]["fields"][0]["field"].as_str()), (422, Some("from")), "{v}");
    assert_eq!(app.json("/api/v1/reports/movements").await.0, 400);
    let (status, page) = app.text(&format!("/reports/movements?unit={province}&from=31/12/2025&to=01/01/2025")).await;
    assert_eq!(status, 422);
    assert!(page.contains("Ngày cuối kỳ phải sau hoặc trùng ngày đầu kỳ."));
}

async fn admission_report_over_http(app: &App) {
    let (_, roots) = app.json("/api/v1/units").await;
    let province = roots[0]["id"].as_i64().expect("a province");
    let (status, r) = app.json(&format!("/api/v1/reports/admissions?unit={province}&from=01/01/2025&to=31/12/2025")).await;
    assert_eq!(status, 200, "{r}");
    let admitted = r["total"]["admitted"].as_u64().unwrap();
    assert!(admitted > 0, "{r}");
    let rows: u64 = r["rows"].as_array().unwrap().iter().map(|row| row["tally"]["admitted"].as_u64().unwrap()).sum();
    assert_eq!(rows, admitted, "the rows add up");
    assert_eq!((r["target"]["first_year"].as_i64(), r["target"]["last_year"].as_i64()), (Some(2025), Some(2025)), "{r}");
    // The same admissions as the movement report of the period.
    let (_, m) = app.json(&format!("/api/v1/reports/movements?unit={province}&from=01/01/2025&to=31/12/2025")).await;
    assert_eq!(m["total"]["inflows"][0].as_u64().unwrap() + m["total"]["inflows"][1].as_u64().unwrap(), admitted);

    // The page: the headline, shares in Vietnamese format, the organizations with no admission.
    let (status, page) = app.text(&format!("/reports/admissions?unit={province}&from=01/01/2025&to=31/12/2025")).await;
    assert_eq!(status, 200);
    assert!(page.contains(&format!("Kết nạp {admitted} đảng viên")), "{page}");
    assert!(page.contains("Tổ chức cơ sở đảng chưa kết nạp đảng viên") && page.contains("Từ 18 đến 30 tuổi"));
    assert!(page.contains(r#"<svg class="chart""#), "an SVG chart of the breakdown");
    let women = r["total"]["women"].as_u64().unwrap();
    let share = {
        let tenths = (women * 1000 + admitted / 2) / admitted;
        if tenths % 10 == 0 { format!("{}%", tenths / 10) } else { format!("{},{}%", tenths / 10, tenths % 10) }
    };
    assert!(page.contains(&share), "women {women}/{admitted} shown as {share}");
    let (_, list) = app.json(&format!("/api/v1/members?unit={province}&flow=vao:ket-nap,ket-nap-lai&from=01/01/2025&to=31/12/2025")).await;
    assert_eq!(list["total"].as_u64(), Some(admitted), "the admitted drill down to themselves");
    // Each line of the breakdown drills down to the admitted it counts, read on the admission date.
    let t = &r["total"];
    for (filter, field) in [
        ("&gender=nu", "women"),
        ("&facet=dan-toc-thieu-so", "ethnic_minority"),
        ("&facet=ton-giao", "religious"),
        ("&facet=doan-vien", "youth_union"),
        ("&age=18-30", "up_to_30"),
        ("&facet=cao-dang-tro-len", "college_or_higher"),
        ("&facet=sau-dai-hoc", "postgraduate"),
    ] {
        let path = format!("/api/v1/members?unit={province}&flow=vao:ket-nap,ket-nap-lai&from=01/01/2025&to=31/12/2025{filter}");
        assert_eq!(app.json(&path).await.1["total"], t[field], "{field}");
    }
    let (_, again) = app.json(&format!("/api/v1/members?unit={province}&flow=vao:ket-nap-lai&from=01/01/2025&to=31/12/2025")).await;
    assert_eq!(again["total"], t["readmitted"]);
    let sheet = workbook(app, &format!("/reports/admissions?unit={province}&from=01/01/2025&to=31/12/2025&format=xlsx"), "Tổng hợp").await;
    // The sentence committees publish, the section's title, then the number admitted.
    assert_eq!(sheet.get_value((5, 0)), Some(&calamine::Data::String("Kết nạp".into())));
    assert_eq!(sheet.get_value((5, 1)), Some(&calamine::Data::Float(admitted as f64)));
    let csv = app.get(&format!("/reports/admissions?unit={province}&from=01/01/2025&to=31/12/2025&format=csv")).await;
    let body = csv.text().await.unwrap();
    assert!(
        body.starts_with("\u{feff}Mã tổ chức,Tổ chức,Từ ngày,Đến ngày,Chỉ tiêu kỳ báo cáo,Năm chưa có chỉ tiêu,Đạt chỉ tiêu (%),Kết nạp,"),
        "{body}"
    );
    assert!(body.contains(",Tổng cộng,2025-01-01,2025-12-31,"), "{body}");
    assert_rectangular(&body);
    let (status, v) = app.json(&format!("/api/v1/reports/admissions?unit={province}&from=31/12/2025&to=01/01/2025")).await;
    assert_eq!((status, v["error"]["fields"][0]["code"].as_str()), (422, Some("period_reversed")), "{v}");
}

/// Every record of a CSV body has as many fields as its header (no title or blank rows), read
/// by RFC 4180's rules (fields in double quotes may hold commas and doubled quotes).
fn assert_rectangular(body: &str) {
    let records = csv_records(body.trim_start_matches('\u{feff}'));
    let width = records.first().map_or(0, Vec::len);
    assert!(width > 1 && records.len() > 1, "{body}");
    for r in &records {
        assert_eq!(r.len(), width, "{r:?}");
    }
}

/// The records of a CSV text (CRLF line ends).
pub(crate) fn csv_records(text: &str) -> Vec<Vec<String>> {
    let (mut records, mut record, mut field) = (Vec::new(), Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {
                chars.next();
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(!quoted && field.is_empty() && record.is_empty(), "the CSV ends with a line break");
    records
}
