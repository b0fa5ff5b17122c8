//! Transfers of party activity through the API and the pages, each side acting for itself: one
//! commune issues the letter, the other sees the member arriving and accepts them from its page;
//! a second letter is refused with a reason (the member is back on the sender's list) and a third
//! cancelled from the page; a temporary transfer and its return; the letter and the slip to
//! print; the transfer book and its drill-down; the register's own event form no longer takes a
//! letter's steps; people of other communes find nothing.

use domain::access::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::http_on_both_engines;
use crate::meetings::{field_codes, person};
use crate::support::{App, create_unit, official_member};

http_on_both_engines!(0; one_commune_sends_another_receives);

fn letter(to: i64, number: &str, on: &str) -> Value {
    json!({"mode": "chinh-thuc", "to_unit": to, "letter_number": number, "letter_date": on,
        "letter_issuer": "Đảng ủy xã An Phú", "cause": "Quyết định điều động công tác", "cause_on": on})
}

/// Active members of a unit's subtree on a day, from the counts report.
async fn total(app: &App, unit: i64, on: &str) -> i64 {
    let (status, v) = app.json(&format!("/api/v1/reports/counts?unit={unit}&date={on}")).await;
    assert_eq!(status, 200, "{v}");
    v["total"]["total"].as_i64().unwrap_or_else(|| panic!("no total in {v}"))
}

async fn one_commune_sends_another_receives(app: &App) {
    let province = create_unit(app, "tinh-uy", "T", "Tỉnh ủy Bình An", None).await;
    let sender_commune = create_unit(app, "xa-phuong", "X", "Đảng bộ xã An Phú", Some(province)).await;
    let receiver_commune = create_unit(app, "xa-phuong", "Y", "Đảng bộ xã Bình Minh", Some(province)).await;
    let third = create_unit(app, "xa-phuong", "Z", "Đảng bộ xã Cát Tiên", Some(province)).await;
    let east = create_unit(app, "chi-bo-co-so", "X1", "Chi bộ thôn Đông", Some(sender_commune)).await;
    let north = create_unit(app, "chi-bo-co-so", "Y1", "Chi bộ thôn Bắc", Some(receiver_commune)).await;
    let moving = official_member(app, "Nguyễn Văn An", "001080000301", east).await;
    let staying = official_member(app, "Trần Thị Bình", "001080000302", east).await;
    let studying = official_member(app, "Lê Văn Cường", "001080000303", east).await;
    let sender = person(app, "x.tochuc", Role::OrgBoardStaff, sender_commune).await;
    let receiver = person(app, "y.tochuc", Role::OrgBoardStaff, receiver_commune).await;
    let leader = person(app, "y.lanhdao", Role::CommitteeLeader, receiver_commune).await;
    let stranger = person(app, "z.tochuc", Role::OrgBoardStaff, third).await;
    let before = (total(app, sender_commune, "2026-11-20").await, total(app, receiver_commune, "2026-11-20").await);
    assert_eq!(before, (3, 0));

    // The sender issues the letter through the API; the receiver cannot issue for someone it does not hold.
    let issue = format!("/api/v1/members/{moving}/transfers");
    assert_eq!(receiver.call(app, Method::POST, &issue, Some(&letter(north, "7/GTSHĐ", "2026-11-20"))).await.0, 404);
    let (status, v) = sender.call(app, Method::POST, &issue, Some(&json!({"mode": "chinh-thuc"}))).await;
    assert_eq!((status, v["error"]["code"].as_str()), (400, Some("bad_request")), "{v}");
    let mut both = letter(north, "7/GTSHĐ", "2026-11-20");
    both["to_outside"] = json!("Đảng bộ phường Bến Nghé");
    let (status, v) = sender.call(app, Method::POST, &issue, Some(&both)).await;
    assert_eq!((status, field_codes(&v)), (422, vec!["to_unit:one_destination".to_owned()]));
    let (status, v) = sender.call(app, Method::POST, &issue, Some(&letter(receiver_commune, "7/GTSHĐ", "2026-11-20"))).await;
    assert_eq!(status, 201, "{v}");
    let id = v["id"].as_i64().unwrap();
    let (status, t) = sender.call(app, Method::GET, &format!("/api/v1/transfers/{id}"), None).await;
    assert_eq!(status, 200, "{t}");
    assert_eq!((t["stage"].as_str(), t["route"].as_str()), (Some("da-cap-giay"), Some("trong-tinh")));
    assert_eq!(t["deadlines"]["present_by"], "2027-01-04");
    assert_eq!(stranger.call(app, Method::GET, &format!("/api/v1/transfers/{id}"), None).await.0, 404);
    // In transit: on neither list.
    assert_eq!((total(app, sender_commune, "2026-11-24").await, total(app, receiver_commune, "2026-11-24").await), (2, 0));

    // The receiving side sees the member arriving, with the letter's page to act on.
    let (status, html) = receiver.page(app, &format!("/units/{receiver_commune}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Đang chuyển đến (1)") && html.contains(&format!("/transfers/{id}")), "{html}");
    let (status, html) = receiver.page(app, &format!("/transfers/{id}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Tiếp nhận") && html.contains("Từ chối tiếp nhận") && !html.contains("Hủy giấy giới thiệu"), "{html}");
    // The breadcrumb leads to a book this side reads: its own, never the sender's.
    assert!(html.contains(&format!("/units/{receiver_commune}/transfers")) && !html.contains(&format!("/units/{east}/transfers")));
    let (_, html) = sender.page(app, &format!("/transfers/{id}")).await;
    assert!(html.contains("Hủy giấy giới thiệu") && !html.contains("Từ chối tiếp nhận"));
    // The leader reads but acts on nothing; the sender does not accept for the receiver.
    let accept = format!("/api/v1/transfers/{id}/accept");
    let body = json!({"version": 1, "unit": north, "on": "2026-11-24"});
    assert_eq!(leader.call(app, Method::POST, &accept, Some(&body)).await.0, 403);
    assert_eq!(sender.call(app, Method::POST, &accept, Some(&body)).await.0, 403);
    assert_eq!(stranger.call(app, Method::POST, &accept, Some(&body)).await.0, 404);
    // A chi bộ outside the receiver's scope: refused without a word about it.
    let (status, v) = receiver.call(app, Method::POST, &accept, Some(&json!({"version": 1, "unit": east, "on": "2026-11-24"}))).await;
    assert_eq!((status, field_codes(&v)), (422, vec!["unit:out_of_scope".to_owned()]));
    // The register's event form no longer takes the letter's steps.
    let (status, v) = receiver
        .call(
            app,
            Method::POST,
            &format!("/api/v1/members/{moving}/events"),
            Some(&json!({"version": 2, "event": {"kind": "chuyen-den",
            "mode": "chinh-thuc", "unit_id": north, "effective_date": "2026-11-24", "decision_number": "7/GTSHĐ",
            "decision_date": "2026-11-20", "issuer": "Đảng ủy xã An Phú"}})),
        )
        .await;
    assert_eq!((status, field_codes(&v)), (422, vec!["kind:use_transfer".to_owned()]), "{v}");
    // Accepted from the page, the chi bộ picked by its name.
    let r = receiver
        .form(app, &format!("/transfers/{id}/accept"), &[("version", "1"), ("unit_id__text", "Chi bộ thôn Bắc"), ("on", "24/11/2026")])
        .await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
    let (_, t) = receiver.call(app, Method::GET, &format!("/api/v1/transfers/{id}"), None).await;
    assert_eq!(t["stage"], "da-tiep-nhan");
    assert_eq!((total(app, sender_commune, "2026-11-25").await, total(app, receiver_commune, "2026-11-25").await), (2, 1));
    // The letter and the return slip to print.
    let (status, html) = receiver.page(app, &format!("/transfers/{id}/slip")).await;
    assert_eq!(status, 200);
    assert!(html.contains("PHIẾU BÁO ĐÃ TIẾP NHẬN SINH HOẠT ĐẢNG") && html.contains("Chi bộ thôn Bắc"), "{html}");
    let (status, html) = sender.page(app, &format!("/transfers/{id}/letter")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("GIẤY GIỚI THIỆU SINH HOẠT ĐẢNG CHÍNH THỨC")
            && html.contains("NGUYỄN VĂN AN")
            && html.contains("ngày 4 tháng 1 năm 2027")
    );

    // A second letter, refused by the receiver with a reason: back on the sender's list.
    let (status, v) = sender
        .call(app, Method::POST, &format!("/api/v1/members/{staying}/transfers"), Some(&letter(north, "8/GTSHĐ", "2026-11-23")))
        .await;
    assert_eq!(status, 201, "{v}");
    let refused = v["id"].as_i64().unwrap();
    let refuse = format!("/api/v1/transfers/{refused}/refuse");
    let (status, v) = receiver.call(app, Method::POST, &refuse, Some(&json!({"version": 1, "on": "2026-11-24", "reason": ""}))).await;
    assert_eq!((status, field_codes(&v)), (422, vec!["reason:required".to_owned()]));
    let body = json!({"version": 1, "on": "2026-11-24", "reason": "Đảng viên không cư trú tại địa bàn"});
    assert_eq!(receiver.call(app, Method::POST, &refuse, Some(&body)).await.0, 204);
    assert_eq!(receiver.call(app, Method::POST, &refuse, Some(&body)).await.0, 409, "the version moved on");
    assert_eq!(total(app, sender_commune, "2026-11-25").await, 2, "back on the sender's list");

    // A third letter, cancelled from the sender's page.
    let (status, v) = sender
        .call(app, Method::POST, &format!("/api/v1/members/{staying}/transfers"), Some(&letter(north, "9/GTSHĐ", "2026-11-24")))
        .await;
    assert_eq!(status, 201, "{v}");
    let cancelled = v["id"].as_i64().unwrap();
    let r = sender.form(app, &format!("/transfers/{cancelled}/cancel"), &[("version", "1"), ("on", "24/11/2026"), ("reason", "")]).await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("Lý do hủy"));
    let r =
        sender.form(app, &format!("/transfers/{cancelled}/cancel"), &[("version", "1"), ("on", "25/11/2026"), ("reason", "Ở lại")]).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(
        receiver.form(app, &format!("/transfers/{cancelled}/cancel"), &[("version", "2"), ("on", "25/11/2026")]).await.status().as_u16(),
        403
    );

    // To another province, closed by the return slip; years later the member comes back with the
    // letter of the organization there, and the sender's commune takes them back.
    let mut away = letter(north, "11/GTSHĐ", "2026-11-25");
    away.as_object_mut().unwrap().remove("to_unit");
    away["to_outside"] = json!("Đảng bộ phường Bến Thành, TP. Hồ Chí Minh");
    away["route"] = json!("ngoai-tinh");
    let (status, v) = sender.call(app, Method::POST, &format!("/api/v1/members/{staying}/transfers"), Some(&away)).await;
    assert_eq!(status, 201, "{v}");
    let gone = v["id"].as_i64().unwrap();
    let slip = json!({"version": 1, "on": "2026-11-25", "slip": "Phiếu báo số 3/PB"});
    assert_eq!(sender.call(app, Method::POST, &format!("/api/v1/transfers/{gone}/close"), Some(&slip)).await.0, 204);
    let (_, html) = sender.page(app, &format!("/members/{staying}")).await;
    assert!(html.contains(&format!("/members/{staying}/transfer/receive")), "the return is offered to the sender's commune");
    let back = json!({"from_outside": "Đảng bộ phường Bến Thành", "route": "ngoai-tinh", "letter_number": "9/GT", "letter_date": "2026-11-25",
        "letter_issuer": "Đảng ủy phường Bến Thành", "cause": "Trở về quê", "unit": east, "on": "2026-11-25"});
    let receive = format!("/api/v1/members/{staying}/transfers/receive");
    assert_eq!(receiver.call(app, Method::POST, &receive, Some(&back)).await.0, 404, "another commune does not hold the record");
    let (status, v) = sender.call(app, Method::POST, &receive, Some(&back)).await;
    assert_eq!(status, 201, "{v}");
    let (_, t) = sender.call(app, Method::GET, &format!("/api/v1/transfers/{}", v["id"]), None).await;
    assert_eq!((t["stage"].as_str(), t["from"]["name"].as_str()), (Some("da-tiep-nhan"), Some("Đảng bộ phường Bến Thành")));
    assert_eq!(sender.page(app, &format!("/transfers/{}/slip", v["id"])).await.0, 200, "the slip goes back to the organization there");
    let (status, v) = sender.call(app, Method::POST, &receive, Some(&back)).await;
    assert_eq!(status, 422, "back already: {v}");

    // A temporary transfer issued from the page, hosted and back.
    let (status, html) = sender.page(app, &format!("/members/{studying}/transfer")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Cấp giấy giới thiệu sinh hoạt đảng") && html.contains("Đảng bộ xã An Phú"), "the issuer is the committee above");
    let fields = [
        ("kind", "chuyen-di"),
        ("mode", "tam-thoi"),
        ("temporary_reason", "hoc-tap"),
        ("until", "31/12/2027"),
        ("to_unit_id__text", "Chi bộ thôn Bắc"),
        ("letter_number", "10/GTSHĐ"),
        ("letter_date", "02/03/2026"),
        ("letter_issuer", "Đảng ủy xã An Phú"),
        ("cause", "Đi học tập trung tại trường chính trị"),
    ];
    let r = sender.form(app, &format!("/members/{studying}/transfer"), &fields).await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
    let temporary = r.headers()["location"].to_str().unwrap().trim_start_matches("/transfers/").parse::<i64>().unwrap();
    assert_eq!(total(app, sender_commune, "2026-03-10").await, 3, "counted at home");
    let r = receiver
        .form(app, &format!("/transfers/{temporary}/accept"), &[("version", "1"), ("unit_id", &north.to_string()), ("on", "09/03/2026")])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, t) = sender.call(app, Method::GET, &format!("/api/v1/transfers/{temporary}"), None).await;
    assert_eq!(t["stage"], "dang-sinh-hoat-tam-thoi");
    // Both lists say it: the host's page and API list the guest, the home list says where they are.
    let (_, html) = receiver.page(app, &format!("/units/{receiver_commune}")).await;
    assert!(html.contains("Đảng viên nơi khác đến sinh hoạt tạm thời: 1") && html.contains("Lê Văn Cường"), "{html}");
    let (_, guests) = receiver.call(app, Method::GET, &format!("/api/v1/units/{receiver_commune}/hosted"), None).await;
    assert_eq!(guests.as_array().map(|g| g.len()), Some(1), "{guests}");
    let (_, home) = sender.call(app, Method::GET, &format!("/api/v1/members?unit={sender_commune}&q=cuong"), None).await;
    assert_eq!(home["items"][0]["temporarily_at"], "Chi bộ thôn Bắc", "{home}");
    assert_eq!(
        sender
            .call(app, Method::POST, &format!("/api/v1/transfers/{temporary}/return"), Some(&json!({"version": 2, "on": "2026-11-25"})))
            .await
            .0,
        204
    );

    // The books of both sides, drillable.
    let (status, b) =
        sender.call(app, Method::GET, &format!("/api/v1/units/{sender_commune}/transfers?from=2026-01-01&to=2026-11-25"), None).await;
    assert_eq!(status, 200, "{b}");
    assert_eq!(
        (b["counts"]["sent"].as_i64(), b["counts"]["refused"].as_i64(), b["counts"]["cancelled"].as_i64()),
        (Some(5), Some(1), Some(1))
    );
    let (_, b) = receiver.call(app, Method::GET, &format!("/api/v1/units/{receiver_commune}/transfers?line=tiep-nhan"), None).await;
    assert_eq!(b["counts"]["received"], 2);
    assert_eq!(b["rows"].as_array().unwrap().len(), 2);
    let (status, html) =
        receiver.page(app, &format!("/units/{receiver_commune}/transfers?from=01/01/2026&to=25/11/2026&line=tiep-nhan")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Tiếp nhận") && html.contains("Nguyễn Văn An") && html.contains("Lê Văn Cường"), "{html}");
    assert_eq!(stranger.call(app, Method::GET, &format!("/api/v1/units/{receiver_commune}/transfers"), None).await.0, 404);
    let (status, v) = sender.call(app, Method::GET, &format!("/api/v1/units/{sender_commune}/transfers?line=khac"), None).await;
    assert_eq!((status, field_codes(&v)), (400, vec!["line:unknown_value".to_owned()]), "{v}");
}

conformance::on_both_engines!(the_command_prints_the_book_as_text_and_csv);

// The command runs with the real clock, so the test compares with the store read on the same day
// (clippy.toml `disallowed-methods`).
#[allow(clippy::disallowed_methods)]
async fn the_command_prints_the_book_as_text_and_csv(t: &conformance::TestStore) {
    use crate::cli::{dangvu, database, ok, text};
    use storage::prelude::*;
    let db = database(t);
    let today = storage::vietnam_today(chrono::Utc::now());
    ok(&db, &["generate", "--members", "600", "--seed", "3"], None);
    let root = t.store.children(None, today).await.expect("roots").remove(0).unit;
    let communes: Vec<_> = t.store.children(Some(root.id), today).await.expect("communes").into_iter().map(|n| n.unit).collect();
    let first = chrono::Datelike::with_ordinal(&today, 1).unwrap();
    let mut busiest = None;
    for c in &communes {
        let book = t.store.transfer_book(c.id, first, today, None, today).await.expect("book");
        if book.counts.sent + book.counts.received > 0
            && busiest.as_ref().is_none_or(|(_, b): &(_, storage::TransferBook)| b.rows.len() < book.rows.len())
        {
            busiest = Some((c.clone(), book));
        }
    }
    let (commune, book) = busiest.expect("the generated register has transfers");
    let csv = ok(&db, &["transfers", "--unit", &commune.code.to_lowercase(), "--format", "csv"], None);
    let rows: Vec<&str> = csv.lines().collect();
    assert!(rows[0].starts_with("\u{feff}Mã,Mã đảng viên,Họ và tên,"), "{}", rows[0]);
    let late_only = book.late.iter().filter(|l| !book.rows.iter().any(|r| r.id == l.id)).count();
    assert_eq!(rows.len() - 1, book.rows.len() + late_only);
    let out = ok(&db, &["transfers", "--unit", &commune.code], None);
    assert!(out.starts_with(&format!("Sổ chuyển sinh hoạt đảng: {} — từ", commune.name)), "{out}");
    assert!(out.contains(&format!("{:>6}  Chuyển đi", book.counts.sent)), "{out}");
    let late = ok(&db, &["transfers", "--unit", &commune.code, "--late"], None);
    assert!(late.contains(&format!("Quá hạn hôm nay ({}):", book.late.len())) && !late.contains("Các lượt chuyển trong kỳ"), "{late}");
    let o = dangvu(&db, &["transfers", "--unit", &commune.code, "--line", "sai"], None);
    assert!(!o.status.success() && text(&o).contains("--line"), "{}", text(&o));
    let o = dangvu(&db, &["transfers", "--unit", &commune.code, "--from", "31/12/2026", "--to", "01/01/2026"], None);
    assert!(!o.status.success() && text(&o).contains("--to"), "{}", text(&o));
}
