//! The enterprise register over HTTP: the commune's staff registers an enterprise (a wrong tax
//! code refused with what was typed kept), records its party organization once founded, sets the
//! founding target; the page and the API give the year's sentence; a chi bộ secretary reads but
//! does not write; the writes are audited.

use domain::access::Role;
use reqwest::Method;
use serde_json::json;
use storage::prelude::*;

use crate::http_on_both_engines;
use crate::meetings::person;
use crate::support::{App, create_unit};

http_on_both_engines!(0; a_commune_keeps_its_register_of_enterprises);

async fn a_commune_keeps_its_register_of_enterprises(app: &App) {
    let province = create_unit(app, "tinh-uy", "T", "Tỉnh ủy Bình An", None).await;
    let commune = create_unit(app, "xa-phuong", "X", "Đảng bộ xã An Phú", Some(province)).await;
    let cell = create_unit(app, "chi-bo-co-so", "X9", "Chi bộ Công ty May Thành Công", Some(commune)).await;
    let staff = person(app, "tochuc.xa", Role::OrgBoardStaff, commune).await;
    let secretary = person(app, "bithu.cty", Role::CellSecretary, cell).await;
    let path = format!("/units/{commune}/enterprises");

    let fields = [
        ("name", "Công ty TNHH May Thành Công"),
        ("tax_code", "01012345"),
        ("ownership", "tu-nhan"),
        ("workers", "1.250"),
        ("trade_union", "1"),
    ];
    let r = staff.form(app, &path, &fields).await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Mã số thuế gồm 10 chữ số") && html.contains("Công ty TNHH May Thành Công"), "{html}");
    let mut fields = fields.to_vec();
    fields[1] = ("tax_code", "0101234567");
    assert_eq!(staff.form(app, &path, &fields).await.status().as_u16(), 303);
    assert_eq!(staff.form(app, &format!("{path}/target"), &[("target", "8")]).await.status().as_u16(), 303);

    // Its party organization, through the API.
    let (_, v) = staff.call(app, Method::GET, &format!("/api/v1/units/{commune}/enterprises"), None).await;
    let e = v["enterprises"][0].clone();
    let body = json!({"name": "Công ty TNHH May Thành Công", "tax_code": "0101234567", "ownership": "tu-nhan", "workers": 1250,
        "trade_union": true, "party_unit": cell, "founded_on": "2026-03-15", "decision": "125-QĐ/ĐU", "version": e["version"]});
    let (status, v) = staff.call(app, Method::PUT, &format!("/api/v1/units/{commune}/enterprises/{}", e["id"]), Some(&body)).await;
    assert_eq!(status, 200, "{v}");
    let (status, _) = staff.call(app, Method::PUT, &format!("/api/v1/units/{commune}/enterprises/{}", e["id"]), Some(&body)).await;
    assert_eq!(status, 409, "a stale version");
    let (_, v) = staff.call(app, Method::GET, &format!("/api/v1/units/{commune}/enterprises?year=2026"), None).await;
    assert_eq!(v["sentence"], "kết nạp 0 đảng viên trong doanh nghiệp tư nhân (chưa giao chỉ tiêu); thành lập 1 / 8 tổ chức đảng");
    let (_, html) = staff.page(app, &path).await;
    assert!(
        html.contains("thành lập 1 / 8 tổ chức đảng")
            && html.contains("Chi bộ Công ty May Thành Công — Đảng bộ xã An Phú (thành lập 15/03/2026, QĐ 125-QĐ/ĐU)"),
        "{html}"
    );

    // The chi bộ's secretary reads its own unit's register (empty: the enterprise is the commune's) and writes nothing.
    assert_eq!(secretary.page(app, &format!("/units/{cell}/enterprises")).await.0, 200);
    assert_eq!(secretary.form(app, &format!("/units/{cell}/enterprises/target"), &[("target", "1")]).await.status().as_u16(), 403);
    assert_eq!(secretary.page(app, &path).await.0, 404);

    let q = storage::AuditQuery { action: Some("enterprise.".into()), limit: 10, ..Default::default() };
    let mut actions: Vec<String> = app.store.audit_entries(&q).await.unwrap().into_iter().map(|e| e.action).collect();
    actions.sort();
    assert_eq!(actions, ["enterprise.add", "enterprise.target", "enterprise.update"]);
}
