//! Tasks a chi bộ assigns to its members, over HTTP: the secretary assigns one to two members
//! of the chi bộ (a member of another chi bộ, no one, or a deadline before the day it is given
//! are refused with the field's message, and nothing is saved); the members see it on their
//! handbook home and report it done, once; the secretary sees each member's progress and report;
//! nobody else reads or reports it.

use domain::access::{Grant, Role};
use domain::ids::MemberId;
use storage::prelude::*;

use crate::http_on_both_engines;
use crate::meetings::person;
use crate::support::{self, App, PASSWORD, create_unit, official_member};

http_on_both_engines!(0; a_chi_bo_assigns_tasks_and_members_report_them);

async fn a_chi_bo_assigns_tasks_and_members_report_them(app: &App) {
    let province = create_unit(app, "tinh-uy", "T", "Tỉnh ủy Bình An", None).await;
    let commune = create_unit(app, "xa-phuong", "X", "Đảng bộ xã An Phú", Some(province)).await;
    let east = create_unit(app, "chi-bo-co-so", "X1", "Chi bộ thôn Đông", Some(commune)).await;
    let west = create_unit(app, "chi-bo-co-so", "X2", "Chi bộ thôn Tây", Some(commune)).await;
    let an = official_member(app, "Nguyễn Văn An", "001080000801", east).await;
    let binh = official_member(app, "Trần Thị Bình", "001080000802", east).await;
    let cuong = official_member(app, "Lê Văn Cường", "001080000803", west).await;
    let secretary = person(app, "bithu.dong", Role::CellSecretary, east).await;
    let other_secretary = person(app, "bithu.tay", Role::CellSecretary, west).await;
    let path = format!("/units/{east}/member-tasks");

    // The form offers the chi bộ's own members by name.
    let (status, html) = secretary.page(app, &path).await;
    assert_eq!(status, 200);
    assert!(html.contains("Nguyễn Văn An (sinh năm") && html.contains("Trần Thị Bình (sinh năm"), "{html}");
    assert!(!html.contains("Lê Văn Cường"), "no member of another chi bộ is offered");

    // Refused: nobody named; a deadline before the day it is given; someone of another chi bộ.
    let r = secretary.form(app, &path, &[("title", "Vận động hộ gia đình"), ("due", "01/01/2000")]).await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Chọn ít nhất một đảng viên được giao nhiệm vụ.") && html.contains("Thời hạn phải từ ngày giao"), "{html}");
    assert!(html.contains(r#"value="Vận động hộ gia đình""#), "what was typed is kept");
    let cuong_id = cuong.to_string();
    let r = secretary.form(app, &path, &[("title", "Vận động hộ gia đình"), ("assignees", &cuong_id)]).await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Chỉ giao nhiệm vụ cho đảng viên trong danh sách chi bộ vào ngày giao."), "{html}");
    assert!(!html.contains("Lê Văn Cường"), "the refusal names no one outside");
    let q = storage::AuditQuery { action: Some("member_task.".into()), limit: 10, ..Default::default() };
    assert!(app.store.audit_entries(&q).await.unwrap().is_empty(), "nothing was saved");

    // Assigned to both members of the chi bộ.
    let due = (support::today() + chrono::Duration::days(20)).format("%d/%m/%Y").to_string();
    let (an_id, binh_id) = (an.to_string(), binh.to_string());
    let r = secretary
        .form(
            app,
            &path,
            &[
                ("title", "Vận động hộ gia đình đóng góp xây dựng đường thôn"),
                ("details", "Mỗi đồng chí phụ trách 10 hộ."),
                ("due", &due),
                ("assignees", &an_id),
                ("assignees", &binh_id),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap_or_default());
    let (_, html) = secretary.page(app, &path).await;
    assert!(html.contains("Đã giao nhiệm vụ.") && html.contains("0/2 đảng viên đã hoàn thành"), "{html}");
    let task = app.store.member_tasks(MemberId(an), support::today()).await.unwrap()[0].task.id;

    // Another chi bộ's secretary neither reads nor assigns here.
    assert_eq!(other_secretary.page(app, &path).await.0, 404);
    let r = other_secretary.form(app, &path, &[("title", "Trực"), ("assignees", &an_id)]).await;
    assert_eq!(r.status().as_u16(), 404);

    // The member sees it on the handbook home and reports it done, once.
    let login = |username: &'static str, member: i64| async move {
        support::account(app.store.as_ref(), username, vec![Grant { role: Role::Member, unit: None }], Some(MemberId(member))).await;
        let web = support::browser();
        assert_eq!(support::login(&app.base, &web, username, PASSWORD).await.status().as_u16(), 303);
        web
    };
    let web = login("an.dv", an).await;
    let home = web.get(app.url("/handbook")).send().await.unwrap().text().await.unwrap();
    assert!(home.contains("Nhiệm vụ được giao (1 đang thực hiện)") && home.contains("Vận động hộ gia đình đóng góp"), "{home}");
    let page = web.get(app.url("/handbook/tasks")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Mỗi đồng chí phụ trách 10 hộ.") && page.contains("Đang thực hiện"), "{page}");
    let csrf = support::csrf_of(&page);
    let report = |text: &'static str| {
        let (web, csrf) = (web.clone(), csrf.clone());
        async move {
            web.post(app.url(&format!("/handbook/tasks/{task}/report")))
                .form(&[("_csrf", csrf.as_str()), ("report", text)])
                .send()
                .await
                .unwrap()
        }
    };
    let r = report("   ").await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("Kết quả thực hiện không được để trống."));
    assert_eq!(report("Đã vận động đủ 10 hộ.").await.status().as_u16(), 303);
    let home = web.get(app.url("/handbook")).send().await.unwrap().text().await.unwrap();
    assert!(home.contains("Không có nhiệm vụ đang thực hiện."), "the kept home is read again after the report");
    let r = report("Lần hai").await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("Đồng chí đã báo cáo hoàn thành nhiệm vụ này."));

    // Someone the task does not name cannot report it.
    let stranger = login("cuong.dv", cuong).await;
    let page = stranger.get(app.url("/handbook/tasks")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Chi bộ chưa giao nhiệm vụ nào cho đồng chí."));
    let r = stranger
        .post(app.url(&format!("/handbook/tasks/{task}/report")))
        .form(&[("_csrf", support::csrf_of(&page).as_str()), ("report", "Xong")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);

    // The secretary sees who reported what.
    let (_, html) = secretary.page(app, &path).await;
    assert!(html.contains("1/2 đảng viên đã hoàn thành") && html.contains("Đã vận động đủ 10 hộ."), "{html}");
    let actions: Vec<String> = app.store.audit_entries(&q).await.unwrap().into_iter().map(|e| e.action).collect();
    assert_eq!(actions, vec!["member_task.report", "member_task.assign"]);
}
