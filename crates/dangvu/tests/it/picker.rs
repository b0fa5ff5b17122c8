//! The organization picker through the pages: a unit named by its code or by a name only one
//! unit has is taken; an ambiguous name brings the form back with every candidate (its parent
//! path and code), nothing saved and the typed values kept; a unit outside the scope is neither
//! offered nor accepted (and the refusal does not name it); a transfer destination outside the
//! scope is offered; filters take a typed name too.

use domain::access::{Grant, Role};
use domain::ids::UnitId;

use crate::http_on_both_engines;
use crate::support::{self, App, PASSWORD, create_unit, official_member};

http_on_both_engines!(0; names_and_codes_in_forms, the_scope_decides_the_offer);

/// The tree of the scenarios: two communes with a "Chi bộ khu phố 8" each, and a third one.
pub struct Tree {
    pub loi_trung: i64,
    pub kp8_loi_trung: i64,
    pub kp8_an_phu: i64,
    pub kp4: i64,
    pub tdp2: i64,
    pub thon_kin: i64,
}

pub async fn tree(app: &App) -> Tree {
    let province = create_unit(app, "tinh-uy", "T01", "Tỉnh ủy Bình An", None).await;
    let loi_trung = create_unit(app, "xa-phuong", "T01.X003", "Đảng bộ phường Lợi Trung", Some(province)).await;
    let an_phu = create_unit(app, "xa-phuong", "T01.X004", "Đảng bộ phường An Phú", Some(province)).await;
    let binh_minh = create_unit(app, "xa-phuong", "T01.X009", "Đảng bộ xã Bình Minh", Some(province)).await;
    Tree {
        loi_trung,
        kp8_loi_trung: create_unit(app, "chi-bo-co-so", "X003.C08", "Chi bộ khu phố 8", Some(loi_trung)).await,
        kp4: create_unit(app, "chi-bo-co-so", "X003.C04", "Chi bộ khu phố 4", Some(loi_trung)).await,
        tdp2: create_unit(app, "chi-bo-co-so", "X003.C12", "Chi bộ tổ dân phố 2", Some(loi_trung)).await,
        kp8_an_phu: create_unit(app, "chi-bo-co-so", "X004.C08", "Chi bộ khu phố 8", Some(an_phu)).await,
        thon_kin: create_unit(app, "chi-bo-co-so", "X009.C01", "Chi bộ thôn Kín", Some(binh_minh)).await,
    }
}

async fn members_in(app: &App, unit: i64) -> i64 {
    app.json(&format!("/api/v1/members?unit={unit}")).await.1["total"].as_i64().unwrap()
}

async fn version(app: &App, member: i64) -> String {
    app.json(&format!("/api/v1/members/{member}")).await.1["version"].to_string()
}

/// An internal move (điều chuyển) of `member` on `date` to the unit typed as `text`.
fn move_form<'a>(version: &'a str, date: &'a str, text: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("version", version),
        ("kind", "dieu-chuyen"),
        ("effective_date", date),
        ("to_unit_id", ""),
        ("to_unit_id__text", text),
        ("decision_number", "45-QĐ/ĐU"),
        ("decision_date", date),
        ("issuer", "Đảng ủy phường Lợi Trung"),
    ]
}

async fn names_and_codes_in_forms(app: &App) {
    let t = tree(app).await;
    let m = official_member(app, "Trần Văn Bình", "001075000123", t.tdp2).await;
    let events = format!("/members/{m}/events");

    // A name only one unit has, typed without diacritics.
    let v = version(app, m).await;
    let r = app.post_form(&events, &move_form(&v, "01/02/2026", "chi bo khu pho 4")).await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap_or_default());
    assert_eq!(members_in(app, t.kp4).await, 1);

    // A code.
    let v = version(app, m).await;
    let r = app.post_form(&events, &move_form(&v, "01/03/2026", "x004.c08")).await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap_or_default());
    assert_eq!(members_in(app, t.kp8_an_phu).await, 1);

    // A name two units share: the form comes back with both, their paths and codes.
    let v = version(app, m).await;
    let r = app.post_form(&events, &move_form(&v, "01/04/2026", "Chi bộ khu phố 8")).await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Có 2 tổ chức khớp với “Chi bộ khu phố 8”"), "{html}");
    for needle in [
        "Chi bộ khu phố 8</strong> — Đảng bộ phường Lợi Trung — Tỉnh ủy Bình An",
        "Chi bộ khu phố 8</strong> — Đảng bộ phường An Phú — Tỉnh ủy Bình An",
        "(mã X003.C08)",
        "(mã X004.C08)",
        &format!(r#"type="radio" id="f-to_unit_id-c1" name="to_unit_id" value="{}""#, t.kp8_loi_trung),
    ] {
        assert!(html.contains(needle), "{needle}");
    }
    // What was typed is kept: the name, the date, the decision.
    assert!(html.contains(r#"name="to_unit_id__text" value="Chi bộ khu phố 8""#) && html.contains(r#"value="45-QĐ/ĐU""#));
    assert_eq!(version(app, m).await, v, "nothing saved");
    assert_eq!(members_in(app, t.kp8_an_phu).await, 1);

    // Choosing one of the candidates (the radio button) records the move there.
    let id = t.kp8_loi_trung.to_string();
    let mut chosen = move_form(&v, "01/04/2026", "Chi bộ khu phố 8");
    chosen.push(("to_unit_id", &id));
    let r = app.post_form(&events, &chosen).await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap_or_default());
    assert_eq!(members_in(app, t.kp8_loi_trung).await, 1);

    // Nothing by that name.
    let v = version(app, m).await;
    let r = app.post_form(&events, &move_form(&v, "01/05/2026", "Chi bộ khu phố 99")).await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("Không tìm thấy tổ chức “Chi bộ khu phố 99”"));

    // The form shows a unit by its name and path, never by its number.
    let (_, form) = app.text(&format!("/members?unit={}", t.kp8_loi_trung)).await;
    assert!(
        form.contains(r#"name="unit__text" value="Chi bộ khu phố 8 — Đảng bộ phường Lợi Trung — Tỉnh ủy Bình An""#),
        "the filter shows the unit in words"
    );
    // A filter takes a typed name: the commune's list.
    let (status, list) = app.text("/members?unit__text=Lợi+Trung").await;
    assert_eq!(status, 200);
    assert!(list.contains("Trần Văn Bình"), "{list}");
    assert!(list.contains(&format!(r#"name="unit" value="{}""#, t.loi_trung)));

    // Two rows whose units share a name show each unit's parent.
    official_member(app, "Đỗ Thị Mai", "001175000789", t.kp8_an_phu).await;
    let (_, list) = app.text("/members").await;
    assert!(
        list.contains("Chi bộ khu phố 8 — Đảng bộ phường Lợi Trung") && list.contains("Chi bộ khu phố 8 — Đảng bộ phường An Phú"),
        "{list}"
    );
    // A report's unit filter takes a code.
    let (status, report) = app.text("/reports/counts?unit__text=T01.X003").await;
    assert_eq!(status, 200);
    assert!(report.contains("Thống kê đảng viên: Đảng bộ phường Lợi Trung"), "{report}");
    // An operation on units takes its new parent by name: the chi bộ of tổ dân phố 2 moves to An Phú.
    let (_, form) = app.text(&format!("/units/{}/move", t.tdp2)).await;
    let marker = r#"name="version" value=""#;
    let at = form.find(marker).unwrap() + marker.len();
    let unit_version = form[at..].split('"').next().unwrap().to_owned();
    let r = app
        .post_form(
            &format!("/units/{}/move", t.tdp2),
            &[
                ("version", &unit_version),
                ("parent_id", ""),
                ("parent_id__text", "dang bo phuong an phu"),
                ("effective_date", "01/06/2026"),
                ("decision_number", "50-QĐ/TU"),
                ("decision_date", "01/06/2026"),
                ("issuer", "Ban Thường vụ Tỉnh ủy"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap_or_default());
    let (_, found) = app.text("/units/search?q=t%E1%BB%95+d%C3%A2n+ph%E1%BB%91+2").await;
    assert!(found.contains(r#"data-label="Chi bộ tổ dân phố 2 — Đảng bộ phường An Phú — Tỉnh ủy Bình An""#), "{found}");

    // The suggestions: exact and prefix matches first, each with its path and code.
    let (_, found) = app.text("/units/search?q=khu+ph%E1%BB%91+8&members_only=1").await;
    assert!(found.contains(r#"data-label="Chi bộ khu phố 8 — Đảng bộ phường Lợi Trung — Tỉnh ủy Bình An""#), "{found}");
    assert!(!found.contains("Chi bộ khu phố 4"), "a different number is not a match");
    let (_, found) = app.text("/units/search?q=khu+ph%E1%BB%91").await;
    for code in ["mã X003.C04", "mã X003.C08", "mã X004.C08"] {
        assert!(found.contains(code), "{code} in {found}");
    }
    assert!(!found.contains("Chi bộ tổ dân phố 2"), "{found}");
}

async fn the_scope_decides_the_offer(app: &App) {
    let t = tree(app).await;
    let m = official_member(app, "Lê Thị Hoa", "001175000456", t.tdp2).await;
    support::account(app.store.as_ref(), "canbo", vec![Grant { role: Role::OrgBoardStaff, unit: Some(UnitId(t.loi_trung)) }], None).await;
    let client = support::browser();
    let r = support::login(&app.base, &client, "canbo", PASSWORD).await;
    assert_eq!(r.status().as_u16(), 303);
    let csrf = support::session_csrf(&app.base, &client).await;
    let get = |path: String| {
        let client = client.clone();
        async move { client.get(path).send().await.unwrap().text().await.unwrap() }
    };

    // Within the scope only: one "Chi bộ khu phố 8", no "Chi bộ thôn Kín".
    let found = get(app.url("/units/search?q=khu+pho+8")).await;
    assert!(found.contains(&format!(r#"data-id="{}""#, t.kp8_loi_trung)) && !found.contains(&format!(r#"data-id="{}""#, t.kp8_an_phu)));
    let found = get(app.url("/units/search?q=th%C3%B4n+K%C3%ADn")).await;
    assert!(found.contains("Không tìm thấy tổ chức nào") && !found.contains("Bình Minh"), "{found}");

    // A unit outside the scope typed by its code is not accepted, and not named.
    let v = version(app, m).await;
    let mut form = vec![("_csrf", csrf.as_str())];
    form.extend(move_form(&v, "01/02/2026", "X009.C01"));
    let r = client.post(app.url(&format!("/members/{m}/events"))).form(&form).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Không tìm thấy tổ chức “X009.C01”"), "{html}");
    assert!(!html.contains("thôn Kín") && !html.contains("Bình Minh"), "nothing outside the scope is named");
    // Inside the scope, the same name is no longer ambiguous: only one "Chi bộ khu phố 8" is offered.
    let mut form = vec![("_csrf", csrf.as_str())];
    form.extend(move_form(&v, "01/02/2026", "Chi bộ khu phố 8"));
    let r = client.post(app.url(&format!("/members/{m}/events"))).form(&form).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap_or_default());
    assert_eq!(members_in(app, t.kp8_loi_trung).await, 1);

    // A transfer destination may be anywhere in the tree: offered with its path and code.
    let found = get(app.url("/units/search?offer=transfer&q=th%C3%B4n+K%C3%ADn")).await;
    assert!(found.contains(r#"data-label="Chi bộ thôn Kín — Đảng bộ xã Bình Minh — Tỉnh ủy Bình An""#), "{found}");
    assert!(!found.contains(&format!(r#"href="/units/{}""#, t.thon_kin)), "no link to a page the user cannot open");
    let v = version(app, m).await;
    let form = [
        ("_csrf", csrf.as_str()),
        ("version", v.as_str()),
        ("kind", "chuyen-di"),
        ("effective_date", "01/06/2026"),
        ("unit_id", ""),
        ("unit_id__text", "khu phố 8"),
        ("to_unit_id", ""),
        ("to_unit_id__text", "X009.C01"),
        ("mode", "chinh-thuc"),
        ("decision_number", "46-QĐ/ĐU"),
        ("decision_date", "01/06/2026"),
        ("issuer", "Đảng ủy phường Lợi Trung"),
    ];
    let r = client.post(app.url(&format!("/members/{m}/events"))).form(&form).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap_or_default());
    let (_, detail) = app.json(&format!("/api/v1/members/{m}")).await;
    assert!(detail.to_string().contains(&format!("{}", t.thon_kin)), "in transit to Chi bộ thôn Kín: {detail}");
    // The outside unit's page stays closed to this user.
    let r = client.get(app.url(&format!("/units/{}", t.thon_kin))).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 404);
    assert_ne!(t.kp4, 0);
}
