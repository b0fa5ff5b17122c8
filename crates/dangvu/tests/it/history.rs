//! Historical reach over HTTP (docs/design/access.md, "Historical reach"): the staff of a commune
//! formed by a merger on 01/07/2025 read the communes it was formed from as of the days before,
//! on pages and in the API; the members who went elsewhere are listed as they were then, but their
//! records stay out of reach; period reports over the new commune open by today's structure with a
//! note; the staff of an unrelated commune see nothing of it.

use domain::access::{Grant, Role};
use domain::dates::parse_date;
use domain::event::{EventData, EventKind, UnitRef};
use domain::ids::{MemberId, UnitId};
use domain::unit::UnitKind::{self, *};
use storage::prelude::*;
use storage::{MergeUnits, MoveUnit, NewUnit, OrgDecision, Successor, UnitSpec};

use crate::http_on_both_engines;
use crate::support::{self, App, PASSWORD};

http_on_both_engines!(0; a_merged_commune_reads_its_predecessors, a_predecessor_committee_is_read_as_it_was);

/// Province → communes An (chi bộ An Đông, An Tây), Bình (chi bộ Bình Nam) and Cát (chi bộ Cát
/// Bắc). On 01/07/2025 chi bộ An Tây moves to Cát, then An and Bình merge into the new commune
/// Hòa Bình.
struct World {
    an: UnitId,
    binh: UnitId,
    hoa_binh: UnitId,
    /// Chi bộ An Tây, under Cát since 01/07/2025.
    an_tay: UnitId,
    /// In An Đông (now under Hòa Bình) and in An Tây (now under Cát).
    stays: MemberId,
    left: MemberId,
}

fn decision(on: &str) -> OrgDecision {
    let on = parse_date(on).unwrap();
    OrgDecision {
        effective: on,
        basis: domain::unit::LegalBasis {
            number: domain::ids::DecisionNumber::parse("7-QĐ/TU").unwrap(),
            date: on,
            issuer: "Ban Thường vụ Tỉnh ủy".into(),
        },
        note: None,
    }
}

fn spec(kind: UnitKind, code: &str, name: &str, parent: Option<UnitId>) -> UnitSpec {
    UnitSpec { kind, code: domain::ids::UnitCode::parse(code).unwrap(), name: name.into(), parent }
}

async fn world(store: &dyn Store) -> World {
    let ctx = storage::WriteContext::new("test", support::now());
    let make = async |kind, code: &str, name: &str, parent| {
        store.create_unit(&ctx, NewUnit { spec: spec(kind, code, name, parent), decision: decision("01/01/2000") }).await.unwrap()
    };
    let p = make(Province, "T", "Tỉnh ủy Thử", None).await;
    let an = make(Commune, "XA", "Đảng bộ xã An", Some(p)).await;
    let binh = make(Commune, "XB", "Đảng bộ xã Bình", Some(p)).await;
    let cat = make(Commune, "XC", "Đảng bộ xã Cát", Some(p)).await;
    let an_dong = make(GrassrootsCell, "A1", "Chi bộ thôn An Đông", Some(an)).await;
    let an_tay = make(GrassrootsCell, "A2", "Chi bộ thôn An Tây", Some(an)).await;
    make(GrassrootsCell, "B1", "Chi bộ thôn Bình Nam", Some(binh)).await;
    make(GrassrootsCell, "C1", "Chi bộ thôn Cát Bắc", Some(cat)).await;
    let mut people = Vec::new();
    for (i, (name, unit)) in [("Nguyễn Văn Ở Lại", an_dong), ("Trần Thị Đi Xa", an_tay)].into_iter().enumerate() {
        let (identity, profile) = support::person(name, &format!("00108000010{i}"));
        let admitted = EventData {
            kind: EventKind::Admitted { unit: UnitRef::Internal(unit), origin: Default::default() },
            effective: parse_date("01/01/2010").unwrap(),
            basis: Some(decision("01/01/2010").basis),
            note: None,
        };
        let new =
            storage::NewMember { identity, profile: domain::member::DatedProfile { valid_from: None, profile }, events: vec![admitted] };
        people.push(store.create_member(&ctx, new).await.unwrap());
    }
    let version = store.unit(an_tay, support::today()).await.unwrap().version;
    store.move_unit(&ctx, an_tay, MoveUnit { expected_version: version, parent: cat, decision: decision("01/07/2025") }).await.unwrap();
    let merged = MergeUnits {
        sources: vec![an, binh],
        target: Successor::New(spec(Commune, "XHB", "Đảng bộ xã Hòa Bình", Some(p))),
        decision: decision("01/07/2025"),
    };
    let hoa_binh = store.merge_units(&ctx, merged).await.unwrap();
    World { an_tay, an, binh, hoa_binh, stays: people[0], left: people[1] }
}

/// A logged-in page client and an API token for an account with this grant.
async fn staff(app: &App, name: &str, unit: UnitId) -> (reqwest::Client, String) {
    let account = support::account(app.store.as_ref(), name, vec![Grant { role: Role::OrgBoardStaff, unit: Some(unit) }], None).await;
    let token = support::token(app.store.as_ref(), account).await;
    let client = support::browser();
    let res = support::login(&app.base, &client, name, PASSWORD).await;
    assert_eq!(res.status().as_u16(), 303, "{name} logs in");
    (client, token)
}

/// Status, `Location` and body of a page.
async fn page(app: &App, client: &reqwest::Client, path: &str) -> (u16, String, String) {
    let res = client.get(app.url(path)).send().await.unwrap();
    let status = res.status().as_u16();
    let location = res.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or_default().to_owned();
    (status, location, res.text().await.unwrap())
}

async fn api(app: &App, token: &str, path: &str) -> (u16, serde_json::Value) {
    let res = app.client.get(app.url(path)).bearer_auth(token).send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(serde_json::Value::Null))
}

/// `?as_of=` (or another parameter) with a date, as the pages write it.
fn on(name: &str, date: &str) -> String {
    format!("{name}={}", date.replace('/', "%2F"))
}

async fn a_merged_commune_reads_its_predecessors(app: &App) {
    let w = world(app.store.as_ref()).await;
    let (client, token) = staff(app, "xa.hoabinh", w.hoa_binh).await;
    let (an, binh, hoa_binh) = (w.an.0, w.binh.0, w.hoa_binh.0);
    let before = on("as_of", "30/06/2025");

    // The predecessor's page as of the day before the merger opens, with its members.
    let (status, _, body) = page(app, &client, &format!("/units/{an}?{before}")).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Đảng bộ xã An") && body.contains("Chi bộ thôn An Tây"), "{body}");
    // The province above it is named but not linked (it is not readable).
    assert!(!body.contains("href=\"/units/1?"), "no link to the province");
    // It is read-only: no operation forms; its committee of the day is read.
    let committee = format!("/units/{an}/committee?{}", on("on", "30/06/2025"));
    assert!(!body.replace(&committee, "").contains(&format!("/units/{an}/")), "no operations offered: {body}");
    assert!(body.contains(&committee), "{body}");
    let (status, _, html) = page(app, &client, &committee).await;
    assert_eq!(status, 200, "{html}");
    assert!(!html.contains("Ghi người giữ chức"), "read-only: {html}");
    // From the merger on (or today) it no longer exists for them: they are sent to its last day.
    for path in [format!("/units/{an}?{}", on("as_of", "02/07/2025")), format!("/units/{an}")] {
        let (status, location, _) = page(app, &client, &path).await;
        assert_eq!((status, location.as_str()), (303, format!("/units/{an}?{before}").as_str()), "{path}");
    }
    // The API answers the day asked, strictly.
    assert_eq!(api(app, &token, &format!("/api/v1/units/{an}?as_of=30/06/2025")).await.0, 200);
    assert_eq!(api(app, &token, &format!("/api/v1/units/{an}?as_of=02/07/2025")).await.0, 404);
    assert_eq!(api(app, &token, &format!("/api/v1/units/{an}")).await.0, 404);

    // The successor's page links its predecessors as of their last day.
    let (status, _, body) = page(app, &client, &format!("/units/{hoa_binh}")).await;
    assert_eq!(status, 200);
    for p in [an, binh] {
        assert!(body.contains(&format!("href=\"/units/{p}?{before}\"")), "link to {p}: {body}");
    }

    // The tree of 30/06/2025 starts from the predecessors.
    let (status, _, body) = page(app, &client, &format!("/units?{before}")).await;
    assert_eq!(status, 200);
    assert!(body.contains("Đảng bộ xã An") && body.contains("Đảng bộ xã Bình"), "{body}");
    assert!(!body.contains("Chưa có tổ chức nào"), "{body}");
    let (status, roots) = api(app, &token, "/api/v1/units?as_of=30/06/2025").await;
    assert_eq!(status, 200);
    let ids: Vec<i64> = roots.as_array().unwrap().iter().map(|n| n["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, vec![an, binh]);

    // The movement report of 2025 over the new commune opens, by today's structure, and says so.
    let year = format!("{}&{}", on("from", "01/01/2025"), on("to", "31/12/2025"));
    let (status, _, body) = page(app, &client, &format!("/reports/movements?unit={hoa_binh}&{year}")).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("được thành lập ngày 01/07/2025") && body.contains("cơ cấu tổ chức hiện nay"), "{body}");
    let (status, _, body) = page(app, &client, &format!("/reports/admissions?unit={hoa_binh}&{year}")).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("cơ cấu tổ chức hiện nay"), "{body}");
    let (status, report) = api(app, &token, &format!("/api/v1/reports/movements?unit={hoa_binh}&from=01/01/2025&to=31/12/2025")).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["structure"], "current", "{report}");
    assert_eq!(report["adjusted"]["asked_structure"], "of_date", "{report}");
    // The member who stayed counts all year in the new commune's chi bộ.
    assert_eq!(report["total"]["end"], 1, "{report}");
    // The predecessor's own report of 2025 covers the part of the year it stood.
    let (status, _, body) = page(app, &client, &format!("/reports/movements?unit={an}&{year}")).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("đến hết ngày 30/06/2025"), "{body}");
    // … and its numbers lead to its members then: the list at the end of that part of the year.
    let end_list = format!("/members?unit={an}&#38;as_of=30%2F06%2F2025");
    assert!(body.contains(&end_list), "{body}");
    let (status, outflows) = api(app, &token, &format!("/api/v1/members?unit={an}&flow=ra&from=01/01/2025&to=30/06/2025")).await;
    assert_eq!(status, 200, "{outflows}");
    assert_eq!(outflows["total"], 0, "nobody left An's list before the merger: {outflows}");
    let (status, _, body) =
        page(app, &client, &format!("/members?unit={an}&flow=vao&{}&{}", on("from", "01/01/2025"), on("to", "30/06/2025"))).await;
    assert_eq!(status, 200, "{body}");
    assert!(!body.contains("Không có tổ chức đảng mã số"), "{body}");

    // The counts report on a day before the new commune stood offers its predecessors.
    let (status, _, body) = page(app, &client, &format!("/reports/counts?unit={hoa_binh}&{}", on("date", "30/06/2025"))).await;
    assert_eq!(status, 422);
    assert!(body.contains(&format!("/reports/counts?unit={an}&#38;date=30%2F06%2F2025")), "{body}");
    let (status, _, body) = page(app, &client, &format!("/reports/counts?unit={an}&{}", on("date", "30/06/2025"))).await;
    assert_eq!(status, 200, "{body}");

    // The predecessor's list of 30/06/2025 has both members; only the one still in scope links.
    let (status, _, body) = page(app, &client, &format!("/members?unit={an}&{before}")).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Nguyễn Văn Ở Lại") && body.contains("Trần Thị Đi Xa"), "{body}");
    assert!(body.contains(&format!("href=\"/members/{}\"", w.stays.0)), "{body}");
    assert!(!body.contains(&format!("/members/{}", w.left.0)), "{body}");
    assert_eq!(page(app, &client, &format!("/members/{}", w.stays.0)).await.0, 200);
    assert_eq!(page(app, &client, &format!("/members/{}", w.left.0)).await.0, 404);
    let (status, list) = api(app, &token, &format!("/api/v1/members?unit={an}&as_of=30/06/2025")).await;
    assert_eq!(status, 200, "{list}");
    let readable: Vec<(i64, bool)> =
        list["items"].as_array().unwrap().iter().map(|m| (m["id"].as_i64().unwrap(), m["readable"].as_bool().unwrap())).collect();
    assert_eq!(readable.len(), 2);
    assert!(readable.contains(&(w.stays.0, true)) && readable.contains(&(w.left.0, false)), "{readable:?}");
    assert_eq!(api(app, &token, &format!("/api/v1/members/{}", w.left.0)).await.0, 404);
    // After the merger the predecessor's list is out of reach.
    let (status, _, body) = page(app, &client, &format!("/members?unit={an}&{}", on("as_of", "01/07/2025"))).await;
    assert_eq!(status, 200);
    assert!(body.contains("Không tìm thấy tổ chức này trong phạm vi được xem.") && !body.contains("Trần Thị Đi Xa"), "{body}");
    assert_eq!(api(app, &token, &format!("/api/v1/members?unit={an}&as_of=01/07/2025")).await.0, 404);

    // Reading the list was audited with the members shown.
    let query = storage::AuditQuery { actor: Some("xa.hoabinh".into()), action: Some("read.members".into()), ..Default::default() };
    let audit = app.store.audit_entries(&query).await.unwrap();
    let shown = |e: &storage::AuditEntry| serde_json::from_str::<serde_json::Value>(&e.details).unwrap()["members"].clone();
    assert!(audit.iter().any(|e| shown(e).as_array().is_some_and(|m| m.contains(&w.left.0.into()))), "the list read is audited");

    // The staff of another commune (even the one that received a chi bộ of An) see nothing of An.
    let found = app.store.find_units("xa cat", support::today(), false, 5, None).await.unwrap();
    let cat = found.iter().find(|u| u.name == "Đảng bộ xã Cát").expect("commune Cát").id;
    let (other, other_token) = staff(app, "xa.cat", cat).await;
    assert_eq!(page(app, &other, &format!("/units/{an}?{before}")).await.0, 404);
    assert_eq!(page(app, &other, &format!("/units/{an}")).await.0, 404);
    let (_, _, body) = page(app, &other, &format!("/members?unit={an}&{before}")).await;
    assert!(body.contains("Không tìm thấy tổ chức này trong phạm vi được xem.") && !body.contains("Nguyễn Văn Ở Lại"), "{body}");
    assert_eq!(api(app, &other_token, &format!("/api/v1/members?unit={an}&as_of=30/06/2025")).await.0, 404);
    assert_eq!(api(app, &other_token, &format!("/api/v1/units/{an}?as_of=30/06/2025")).await.0, 404);
    assert_eq!(api(app, &other_token, &format!("/api/v1/reports/movements?unit={an}&from=01/01/2025&to=30/06/2025")).await.0, 404);
}

/// Hòa Bình's staff read the committee of commune An, merged into theirs, as it was on a day
/// before the merger — its secretary then, not the day the seat ended — but nothing of chi bộ An
/// Tây, now Cát's, whose staff read its committee whole.
async fn a_predecessor_committee_is_read_as_it_was(app: &App) {
    let w = world(app.store.as_ref()).await;
    let ctx = storage::WriteContext::new("test", support::now());
    let before = parse_date("30/06/2025").unwrap();
    let an_dong = app.store.children(Some(w.an), before).await.unwrap().into_iter().find(|n| n.unit.code == "A1").unwrap().unit.id;
    let mut officials = Vec::new();
    for (i, name, unit) in [(7, "Phạm Văn Bí Thư Xã", an_dong), (8, "Đỗ Thị Bí Thư Chi Bộ", w.an_tay)] {
        let (identity, profile) = support::person(name, &format!("00108000010{i}"));
        let event = |kind, on: &str| EventData { kind, effective: parse_date(on).unwrap(), basis: Some(decision(on).basis), note: None };
        let events = vec![
            event(EventKind::Admitted { unit: UnitRef::Internal(unit), origin: Default::default() }, "01/01/2010"),
            event(EventKind::Ceremony, "01/01/2010"),
            event(EventKind::RecognizedOfficial, "01/01/2011"),
        ];
        let new = storage::NewMember { identity, profile: domain::member::DatedProfile { valid_from: None, profile }, events };
        officials.push(app.store.create_member(&ctx, new).await.unwrap());
    }
    let seat = |member, from: &str, until: Option<&str>| {
        let from = parse_date(from).unwrap();
        let until = until.map(|u| parse_date(u).unwrap());
        domain::committees::SeatInput::parse(member, "bi-thu", from, until, "Kết quả bầu").unwrap()
    };
    app.store.add_seat(&ctx, w.an, seat(officials[0], "01/07/2020", Some("01/07/2025"))).await.unwrap();
    app.store.add_seat(&ctx, w.an_tay, seat(officials[1], "01/01/2026", None)).await.unwrap();

    let (client, token) = staff(app, "xa.hoabinh", w.hoa_binh).await;
    let (status, v) = api(app, &token, &format!("/api/v1/units/{}/committee?on=2025-06-30", w.an.0)).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["seated"][0]["full_name"], "Phạm Văn Bí Thư Xã");
    assert!(v["seated"][0]["until"].is_null(), "what came after that day is not told: {v}");
    let (status, _, html) = page(app, &client, &format!("/units/{}/committee?{}", w.an.0, on("on", "30/06/2025"))).await;
    assert_eq!(status, 200);
    assert!(html.contains("Phạm Văn Bí Thư Xã") && !html.contains("Ghi người giữ chức"), "{html}");
    let an_tay = format!("/api/v1/units/{}/committee", w.an_tay.0);
    assert_eq!(api(app, &token, &an_tay).await.0, 404, "An Tây is Cát's");

    let cat = app.store.unit(w.an_tay, support::today()).await.unwrap().as_of.unwrap().parent_id.unwrap();
    let (_, token) = staff(app, "xa.cat", cat).await;
    let (_, v) = api(app, &token, &an_tay).await;
    assert_eq!(v["seated"][0]["full_name"], "Đỗ Thị Bí Thư Chi Bộ", "{v}");
}
