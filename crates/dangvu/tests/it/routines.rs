//! Member routines over HTTP on both engines (rules.md §5.2, §5.4, §6, §7): the commune's staff
//! records a discipline on the member's page (a refused form keeps what was typed) and an
//! expulsion through the API, which writes the register's event; the chi bộ's secretary records an
//! exemption and the member's return but no discipline; cards are issued and the card check finds
//! what is missing or not recovered; a badge list is opened for the next award day, completed with
//! a member due only early, sent and decided, and the badge reaches the member's page; the 7-BTCTW
//! report counts it all and opens the people behind each line, also as `.xlsx`. Writes audited.

use domain::access::Role;
use reqwest::Method;
use serde_json::json;
use storage::prelude::*;

use crate::http_on_both_engines;
use crate::meetings::person;
use crate::support::{App, create_unit};

http_on_both_engines!(0; discipline_exemptions_cards_and_badges_of_a_commune);

/// A member of `cell` admitted on `admitted` (dd/mm/yyyy), recognized a year later.
async fn member(app: &App, name: &str, cccd: &str, cell: i64, admitted: &str, recognized: &str) -> i64 {
    let body = json!({
        "identity": {"full_name": name, "gender": "nam", "birth_date": "12/03/1950", "ethnicity": "kinh", "religion": "khong", "citizen_id": cccd},
        "profile": {"general_education": "thpt", "occupation": "vien-chuc"},
        "events": [
            {"kind": "ket-nap", "unit_id": cell, "decision_number": "21-QĐ/ĐU", "decision_date": admitted, "issuer": "Đảng ủy xã"},
            {"kind": "le-ket-nap", "effective_date": admitted},
            {"kind": "cong-nhan-chinh-thuc", "effective_date": recognized, "decision_number": "30-QĐ/ĐU", "decision_date": recognized, "issuer": "Đảng ủy xã"}
        ]
    });
    let (status, v) = app.post_json("/api/v1/members", &body).await;
    assert_eq!(status, 201, "{v}");
    v["id"].as_i64().unwrap()
}

async fn discipline_exemptions_cards_and_badges_of_a_commune(app: &App) {
    let province = create_unit(app, "tinh-uy", "T", "Tỉnh ủy Bình An", None).await;
    let commune = create_unit(app, "xa-phuong", "X", "Đảng bộ xã An Phú", Some(province)).await;
    let cell = create_unit(app, "chi-bo-co-so", "X1", "Chi bộ thôn Đông", Some(commune)).await;
    // Admitted 15/01/1997: 30 years before the award day 3/2/2027.
    let an = member(app, "Nguyễn Văn An", "001050000001", cell, "15/01/1997", "15/01/1998").await;
    // 29 years 8 months on 3/2/2027: due only early, when seriously ill.
    let binh = member(app, "Trần Văn Bình", "001050000002", cell, "01/06/1997", "01/06/1998").await;
    let cuong = member(app, "Lê Văn Cường", "001050000003", cell, "01/03/2005", "01/03/2006").await;
    let staff = person(app, "tochuc.xa", Role::OrgBoardStaff, commune).await;
    let secretary = person(app, "bithu.dong", Role::CellSecretary, cell).await;
    let leader = person(app, "lanhdao.tinh", Role::CommitteeLeader, province).await;

    // ── Discipline on the member's page: refused, then recorded ──
    let page = format!("/members/{cuong}/party-work");
    let (status, html) = staff.page(app, &page).await;
    assert_eq!(status, 200);
    assert!(html.contains("Ghi quyết định kỷ luật") && html.contains("Cấp thẻ đảng viên"), "{html}");
    let fields = [
        ("kl_form", "canh-cao"),
        ("kl_body", "Chi bộ thôn Đông"),
        ("kl_decision", "02-QĐ/CB"),
        ("kl_decided_on", "10/06/2026"),
        ("kl_announced_on", "05/06/2026"),
        ("kl_reason", "Vi phạm quy định sinh hoạt"),
    ];
    let r = staff.form(app, &format!("/members/{cuong}/discipline"), &fields).await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Ngày công bố không được trước ngày quyết định") && html.contains("Vi phạm quy định sinh hoạt"), "{html}");
    let mut fields = fields.to_vec();
    fields[4] = ("kl_announced_on", "12/06/2026");
    assert_eq!(staff.form(app, &format!("/members/{cuong}/discipline"), &fields).await.status().as_u16(), 303);
    let (_, html) = staff.page(app, &page).await;
    assert!(html.contains("Kỷ luật cảnh cáo") && html.contains("Còn hiệu lực đến hết 11/06/2027"), "{html}");
    assert!(html.contains("Quy định 69-QĐ/TW, Điều 2.13"), "the restrictions while in force");
    // The secretary reads the record's page but records no discipline: no form, and a post is refused.
    let (_, html) = secretary.page(app, &page).await;
    assert!(!html.contains("Ghi quyết định kỷ luật"), "{html}");
    assert_eq!(secretary.form(app, &format!("/members/{cuong}/discipline"), &fields).await.status().as_u16(), 403);

    // ── Exemption: the chi bộ's resolution, through the secretary's page ──
    let x = [
        ("mien_ground", "tuoi-cao-suc-yeu"),
        ("mien_resolution", "05-NQ/CB"),
        ("mien_resolved_on", "10/01/2026"),
        ("mien_from", "10/01/2026"),
        ("mien_until", "15/12/2026"),
    ];
    assert_eq!(secretary.form(app, &format!("/members/{binh}/exemptions"), &x).await.status().as_u16(), 303);
    let (_, v) = staff.call(app, Method::GET, &format!("/api/v1/members/{binh}"), None).await;
    assert_eq!(v["history"]["spans"].as_array().unwrap().last().unwrap()["status"], "mien-sinh-hoat", "the register's event");
    let (_, v) = staff.call(app, Method::GET, &format!("/api/v1/units/{commune}/exemptions"), None).await;
    assert_eq!(v[0]["standing"]["code"], "sap-het-han", "{v}");
    let (_, html) = staff.page(app, &format!("/units/{commune}/exemptions")).await;
    assert!(html.contains("Trần Văn Bình") && html.contains("còn 20 ngày"), "{html}");

    // ── Cards ──
    let card = json!({"series": "2003", "number": "1234567", "kind": "cap-moi", "issued_on": "2000-03-01", "decision": "15-QĐ/ĐU"});
    let (status, v) = staff.call(app, Method::POST, &format!("/api/v1/members/{an}/cards"), Some(&card)).await;
    assert_eq!((status, v["error"]["fields"][0]["code"].as_str()), (422, Some("length")), "{v}");
    let card = json!({"series": "2003", "number": "12345678", "kind": "cap-moi", "issued_on": "2000-03-01", "decision": "15-QĐ/ĐU"});
    assert_eq!(staff.call(app, Method::POST, &format!("/api/v1/members/{an}/cards"), Some(&card)).await.0, 201);
    let again = json!({"series": "2003", "number": "12345678", "kind": "cap-moi", "issued_on": "2007-03-01", "decision": "16-QĐ/ĐU"});
    let (status, v) = staff.call(app, Method::POST, &format!("/api/v1/members/{cuong}/cards"), Some(&again)).await;
    assert_eq!((status, v["error"]["fields"][0]["code"].as_str()), (422, Some("duplicate")), "{v}");
    let cuong_card = json!({"series": "2003", "number": "22222222", "kind": "cap-moi", "issued_on": "2007-03-01", "decision": "16-QĐ/ĐU"});
    assert_eq!(staff.call(app, Method::POST, &format!("/api/v1/members/{cuong}/cards"), Some(&cuong_card)).await.0, 201);

    // ── Expulsion through the API: the register's event ──
    let expel = json!({"form": "khai-tru", "body": "Ban Thường vụ Đảng ủy xã", "decision": "09-QĐ/ĐU", "decided_on": "2026-11-20",
        "announced_on": "2026-11-21", "reason": "Vi phạm đặc biệt nghiêm trọng"});
    assert_eq!(staff.call(app, Method::POST, &format!("/api/v1/members/{cuong}/disciplines"), Some(&expel)).await.0, 201);
    let (_, v) = staff.call(app, Method::GET, &format!("/api/v1/members/{cuong}"), None).await;
    assert_eq!(v["history"]["spans"].as_array().unwrap().last().unwrap()["status"], "khai-tru");
    let (_, v) = staff.call(app, Method::GET, &format!("/api/v1/units/{commune}/disciplines"), None).await;
    let codes: Vec<&str> = v.as_array().unwrap().iter().map(|d| d["standing"]["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["khai-tru", "con-hieu-luc"]);
    // The card check: Bình (official, exempt) has no card; Cường's card is still to recover.
    let (_, v) = staff.call(app, Method::GET, &format!("/api/v1/units/{commune}/cards/check"), None).await;
    let mut found: Vec<(String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["member_name"].as_str().unwrap().into(), f["finding"].as_str().unwrap().into()))
        .collect();
    found.sort();
    assert_eq!(found, [("Lê Văn Cường".into(), "chua-thu-hoi".into()), ("Trần Văn Bình".into(), "chua-co-the".into())]);
    let (_, html) = staff.page(app, &format!("/units/{commune}/cards/check?finding=chua-thu-hoi")).await;
    assert!(html.contains("Lê Văn Cường") && !html.contains("Trần Văn Bình"), "the count opens its members");
    let (_, v) = staff.call(app, Method::GET, &format!("/api/v1/members/{cuong}/party-work"), None).await;
    let card_id = v["cards"][0]["id"].clone();
    let end = json!({"how": "thu-hoi", "on": "2026-11-24", "note": "Chi bộ đã thu hồi", "version": v["cards"][0]["version"]});
    assert_eq!(staff.call(app, Method::POST, &format!("/api/v1/members/{cuong}/cards/{card_id}/end"), Some(&end)).await.0, 200);
    assert_eq!(staff.call(app, Method::POST, &format!("/api/v1/members/{cuong}/cards/{card_id}/end"), Some(&end)).await.0, 409);

    // ── Badges: the list for 3/2/2027 ──
    let (_, v) = staff.call(app, Method::GET, &format!("/api/v1/units/{commune}/badges"), None).await;
    assert_eq!(v["award_on"], "2027-02-03");
    assert_eq!(v["candidates"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!((v["candidates"][0]["member"].as_i64(), v["candidates"][0]["milestone"].as_u64()), (Some(an), Some(30)));
    assert_eq!(v["early"][0]["member"].as_i64(), Some(binh), "{v}");
    let r = staff.form(app, &format!("/units/{commune}/badges"), &[("award_on", "03/02/2027")]).await;
    assert_eq!(r.status().as_u16(), 303);
    let list_path = r.headers()["location"].to_str().unwrap().to_owned();
    let (_, html) = staff.page(app, &list_path).await;
    assert!(
        html.contains("Nguyễn Văn An")
            && html.contains("Có thể bổ sung (xét sớm khi ốm nặng, truy tặng)")
            && html.contains("Trần Văn Bình"),
        "{html}"
    );
    let list_id = list_path.rsplit('/').next().unwrap().to_owned();
    let add = [("version", "1"), ("member", &*binh.to_string()), ("circumstance", "om-nang")];
    assert_eq!(staff.form(app, &format!("{list_path}/lines"), &add).await.status().as_u16(), 303);
    let stale = staff.form(app, &format!("{list_path}/send"), &[("version", "1")]).await;
    assert_eq!(stale.status().as_u16(), 409, "a stale version");
    assert_eq!(staff.form(app, &format!("{list_path}/send"), &[("version", "2")]).await.status().as_u16(), 303);
    // The province's leader decides; the secretary may not.
    let decision = json!({"decision": "88-QĐ/TU", "decided_on": "2026-11-25", "issuer": "Ban Thường vụ Tỉnh ủy", "version": 3});
    let path = format!("/api/v1/units/{commune}/badge-lists/{list_id}/decision");
    assert_eq!(secretary.call(app, Method::POST, &path, Some(&decision)).await.0, 404, "the commune's list is outside the chi bộ");
    let (status, v) = leader.call(app, Method::POST, &path, Some(&decision)).await;
    assert_eq!(status, 200, "{v}");
    let (_, html) = staff.page(app, &format!("/members/{binh}/party-work")).await;
    assert!(html.contains("Huy hiệu 30 năm tuổi Đảng") && html.contains("Đảng viên ốm nặng"), "{html}");

    // ── The 7-BTCTW report ──
    let (_, v) = staff.call(app, Method::GET, &format!("/api/v1/units/{commune}/member-work?from=2026-01-01&to=2027-12-31"), None).await;
    let count = |code: &str| v["lines"].as_array().unwrap().iter().find(|l| l["code"] == code).map(|l| l["count"].as_u64().unwrap());
    assert_eq!(count("huy-hieu.30"), Some(2), "{v}");
    assert_eq!(count("ky-luat.khai-tru"), Some(1));
    assert_eq!(count("ky-luat.canh-cao"), Some(1));
    assert_eq!(count("mien-sinh-hoat.bat-dau"), Some(1));
    let (_, html) = staff.page(app, &format!("/units/{commune}/member-work?from=01/01/2026&to=31/12/2027&line=huy-hieu.30")).await;
    assert!(html.contains("Nguyễn Văn An") && html.contains("Trần Văn Bình"), "{html}");
    let r = staff.web.get(app.url(&format!("/units/{commune}/member-work.xlsx?from=01/01/2026&to=31/12/2027"))).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.bytes().await.unwrap().starts_with(b"PK"), "a workbook");
    assert_eq!(staff.page(app, &format!("/units/{commune}/member-work?line=huy-hieu.35")).await.0, 400);
    let (status, v) =
        staff.call(app, Method::GET, &format!("/api/v1/units/{commune}/member-work?from=2027-01-01&to=2026-01-01"), None).await;
    assert_eq!((status, v["error"]["fields"][0]["code"].as_str()), (422, Some("before_from")), "a period ending before it begins");

    // ── The rest of each routine through the API ──
    // A complaint within the warning's 12 months keeps it in force; a later decision lifts it.
    let (_, v) = staff.call(app, Method::GET, &format!("/api/v1/members/{cuong}/party-work"), None).await;
    let warning = v["disciplines"].as_array().unwrap().iter().find(|d| d["form"] == "canh-cao").unwrap().clone();
    let path = format!("/api/v1/members/{cuong}/disciplines/{}", warning["id"]);
    let late = json!({"kind": "khieu-nai", "on": "2027-06-12", "note": "Khiếu nại", "version": warning["version"]});
    let (status, v) = staff.call(app, Method::POST, &format!("{path}/interruptions"), Some(&late)).await;
    assert_eq!((status, v["error"]["fields"][0]["code"].as_str()), (422, Some("outside")), "{v}");
    let complaint = json!({"kind": "khieu-nai", "on": "2026-07-01", "note": "Đảng viên khiếu nại", "version": warning["version"]});
    assert_eq!(staff.call(app, Method::POST, &format!("{path}/interruptions"), Some(&complaint)).await.0, 200);
    let (_, v) = staff.call(app, Method::GET, &format!("/api/v1/members/{cuong}/party-work"), None).await;
    let warning = v["disciplines"].as_array().unwrap().iter().find(|d| d["form"] == "canh-cao").unwrap().clone();
    assert_eq!(warning["standing"]["code"], "giu-hieu-luc");
    let lift = json!({"decision": "15-QĐ/ĐU", "on": "2026-11-24", "version": warning["version"]});
    assert_eq!(staff.call(app, Method::POST, &format!("{path}/lift"), Some(&lift)).await.0, 200);
    let (_, v) = staff.call(app, Method::GET, &format!("/api/v1/members/{cuong}/party-work"), None).await;
    let warning = v["disciplines"].as_array().unwrap().iter().find(|d| d["form"] == "canh-cao").unwrap().clone();
    assert_eq!((warning["standing"]["code"].as_str(), warning["standing"]["on"].as_str()), (Some("het-hieu-luc"), Some("2026-11-24")));
    // The exemption renewed, then ended by the chi bộ: the register's status follows.
    let (_, v) = secretary.call(app, Method::GET, &format!("/api/v1/members/{binh}/party-work"), None).await;
    let x = v["exemptions"][0].clone();
    let path = format!("/api/v1/members/{binh}/exemptions/{}", x["id"]);
    let renew = json!({"resolution": "09-NQ/CB", "resolved_on": "2026-11-20", "until": "2027-12-15", "version": x["version"]});
    assert_eq!(secretary.call(app, Method::POST, &format!("{path}/renew"), Some(&renew)).await.0, 200);
    let end = json!({"resolution": "11-NQ/CB", "on": "2026-11-25", "version": x["version"].as_i64().unwrap() + 1});
    assert_eq!(secretary.call(app, Method::POST, &format!("{path}/end"), Some(&end)).await.0, 200);
    let (_, v) = staff.call(app, Method::GET, &format!("/api/v1/members/{binh}"), None).await;
    assert_eq!(v["history"]["spans"].as_array().unwrap().last().unwrap()["status"], "chinh-thuc");
    // A badge held from before, once per milestone; a card lost on the page.
    let dinh = member(app, "Đinh Văn Dũng", "001050000004", cell, "01/05/1980", "01/05/1981").await;
    let badge = json!({"milestone": 50, "awarded_on": "2020-05-19", "decision": "12-QĐ/TU", "issuer": "Ban Thường vụ Tỉnh ủy"});
    let (status, v) = staff.call(app, Method::POST, &format!("/api/v1/members/{dinh}/badges"), Some(&badge)).await;
    assert_eq!((status, v["error"]["fields"][0]["code"].as_str()), (422, Some("not_reached")), "40 years of party age in 2020");
    let badge = json!({"milestone": 40, "awarded_on": "2020-05-19", "decision": "12-QĐ/TU", "issuer": "Ban Thường vụ Tỉnh ủy"});
    let (status, v) = staff.call(app, Method::POST, &format!("/api/v1/members/{dinh}/badges"), Some(&badge)).await;
    assert_eq!(status, 201, "{v}");
    let (status, v) = staff.call(app, Method::POST, &format!("/api/v1/members/{dinh}/badges"), Some(&badge)).await;
    assert_eq!((status, v["error"]["fields"][0]["code"].as_str()), (422, Some("duplicate")));
    let (_, v) = staff.call(app, Method::GET, &format!("/api/v1/members/{an}/party-work"), None).await;
    let card = v["cards"][0].clone();
    let fields = [
        ("version", &*card["version"].to_string()),
        (&*format!("tt{}_how", card["id"]), "mat"),
        (&*format!("tt{}_on", card["id"]), "20/11/2026"),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(a, b)| (*a, *b)).collect();
    assert_eq!(staff.form(app, &format!("/members/{an}/cards/{}/end", card["id"]), &fields).await.status().as_u16(), 303);
    let (_, html) = staff.page(app, &format!("/members/{an}/party-work")).await;
    assert!(html.contains("Mất thẻ từ 20/11/2026") && html.contains("Cấp thẻ đảng viên"), "a new card may now be issued: {html}");

    let q = storage::AuditQuery { limit: 500, ..Default::default() };
    let actions: std::collections::BTreeSet<String> = app.store.audit_entries(&q).await.unwrap().into_iter().map(|e| e.action).collect();
    for a in [
        "discipline.record",
        "exemption.record",
        "card.issue",
        "card.end",
        "badge_list.open",
        "badge_list.add",
        "badge_list.send",
        "badge_list.decide",
        "read.member_work",
    ] {
        assert!(actions.contains(a), "{a} audited");
    }
}
