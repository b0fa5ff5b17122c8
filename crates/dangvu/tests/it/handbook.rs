//! The member's handbook over HTTP: a member lands on it, sees their chi bộ's next meeting with
//! its agenda and document, answers the invitation (a reason required to be absent, the answer
//! changed later), which the secretary reads on the meeting page; finds, bookmarks and reads the
//! documents for them; reads the signed minutes once the chi bộ shares them. A member of another
//! chi bộ finds nothing of it. Every handbook page weighs at most 100 KB transferred.

use chrono::NaiveTime;
use domain::access::{Grant, Role};
use domain::ids::{MemberId, UnitId};
use domain::meetings::{MeetingInput, MeetingKind};
use storage::prelude::*;
use storage::{MinutesChange, WriteContext};

use crate::http_on_both_engines;
use crate::meetings::person;
use crate::support::{self, App, PASSWORD, create_unit, official_member};

http_on_both_engines!(0; a_member_reads_and_answers_from_the_handbook);

/// What a first visit of `path` transfers, compressed: the page, its stylesheet and script, the
/// manifest and the icon.
pub(crate) async fn page_weight(app: &App, web: &reqwest::Client, path: &str) -> usize {
    let get = |p: String| {
        let web = web.clone();
        async move {
            let r = web.get(app.url(&p)).header("accept-encoding", "gzip").send().await.unwrap();
            assert_eq!(r.status().as_u16(), 200, "{p}");
            r.bytes().await.unwrap().len()
        }
    };
    let html = web.get(app.url(path)).send().await.unwrap().text().await.unwrap();
    let mut total = get(path.to_owned()).await;
    for marker in [r#"<link rel="stylesheet" href=""#, r#"<script src=""#, r#"<link rel="manifest" href=""#, r#"<link rel="icon" href=""#] {
        let start = html.find(marker).map(|i| i + marker.len()).unwrap_or_else(|| panic!("{path} has {marker}"));
        let asset = html[start..].split('"').next().unwrap().to_owned();
        total += get(asset).await;
    }
    total
}

async fn a_member_reads_and_answers_from_the_handbook(app: &App) {
    let province = create_unit(app, "tinh-uy", "T", "Tỉnh ủy Bình An", None).await;
    let commune = create_unit(app, "xa-phuong", "X", "Đảng bộ xã An Phú", Some(province)).await;
    let east = create_unit(app, "chi-bo-co-so", "X1", "Chi bộ thôn Đông", Some(commune)).await;
    let west = create_unit(app, "chi-bo-co-so", "X2", "Chi bộ thôn Tây", Some(commune)).await;
    let me = official_member(app, "Nguyễn Văn An", "001080000701", east).await;
    let other = official_member(app, "Lê Văn Cường", "001080000703", west).await;
    let secretary = person(app, "bithu.dong", Role::CellSecretary, east).await;
    let ctx = WriteContext::new("test", support::now());
    // The chi bộ's next meeting, ten days on, with its draft resolution.
    let input = MeetingInput {
        kind: MeetingKind::Regular,
        held_on: support::today() + chrono::Duration::days(10),
        starts_at: NaiveTime::from_hms_opt(19, 30, 0).unwrap(),
        length_minutes: None,
        place: "Nhà văn hóa thôn Đông".into(),
        agenda: "Góp ý dự thảo nghị quyết chi bộ".into(),
    };
    let meeting = app.store.create_meeting(&ctx, UnitId(east), input).await.unwrap();
    let file = app.store.add_meeting_document(&ctx, meeting, "du-thao.pdf", "application/pdf", b"%PDF-1.7 du thao").await.unwrap();
    // A study document of the commune for its members.
    let fields = domain::documents::DocumentFields {
        kind: "huong-dan",
        issued_on: "01/11/2026",
        issuer: "Đảng ủy xã An Phú",
        title: "Hướng dẫn học tập nghị quyết",
        ..Default::default()
    };
    let document =
        app.store.create_document(&ctx, UnitId(commune), domain::documents::DocumentInput::parse(&fields).unwrap()).await.unwrap();
    // The year's study topic.
    let topic = domain::documents::DocumentFields {
        kind: "tai-lieu-hoc-tap",
        issued_on: "05/11/2026",
        issuer: "Đảng ủy xã An Phú",
        title: "Chuyên đề học tập năm 2026",
        ..Default::default()
    };
    let study = app.store.create_document(&ctx, UnitId(commune), domain::documents::DocumentInput::parse(&topic).unwrap()).await.unwrap();

    let login = |username: &'static str, member: i64| async move {
        support::account(app.store.as_ref(), username, vec![Grant { role: Role::Member, unit: None }], Some(MemberId(member))).await;
        let web = support::browser();
        assert_eq!(support::login(&app.base, &web, username, PASSWORD).await.status().as_u16(), 303);
        web
    };
    let web = login("an.dv", me).await;
    let stranger = login("cuong.dv", other).await;

    // The member lands on the handbook: their record in plain words, the next meeting.
    let home = web.get(app.url("/")).send().await.unwrap();
    assert_eq!(home.headers().get("location").unwrap(), "/handbook");
    let html = web.get(app.url("/handbook")).send().await.unwrap().text().await.unwrap();
    for expected in [
        "Nguyễn Văn An",
        "Đảng viên chính thức từ",
        "Chi bộ thôn Đông",
        "Góp ý dự thảo nghị quyết chi bộ",
        "du-thao.pdf",
        "Hướng dẫn học tập nghị quyết",
    ] {
        assert!(html.contains(expected), "{expected}");
    }
    let doc_href = format!("/handbook/meetings/{meeting}/documents/{file}");
    assert!(html.contains(&doc_href));
    let pdf = web.get(app.url(&doc_href)).send().await.unwrap();
    assert_eq!(pdf.status().as_u16(), 200);
    assert_eq!(pdf.bytes().await.unwrap().as_ref(), b"%PDF-1.7 du thao");

    // Answering: absent needs a reason; then absent with one; then attending after all.
    let csrf = support::csrf_of(&html);
    let reply = |answer: &'static str, reason: &'static str| {
        let (web, csrf) = (web.clone(), csrf.clone());
        async move {
            web.post(app.url(&format!("/handbook/meetings/{meeting}/reply")))
                .form(&[("_csrf", csrf.as_str()), ("answer", answer), ("reason", reason)])
                .send()
                .await
                .unwrap()
        }
    };
    let refused = reply("absent", " ").await;
    assert_eq!(refused.status().as_u16(), 422);
    assert!(refused.text().await.unwrap().contains("Lý do vắng mặt không được để trống"));
    assert_eq!(reply("absent", "Đi công tác tỉnh").await.status().as_u16(), 303);
    let page = web.get(app.url(&format!("/handbook/meetings/{meeting}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Bạn đã xin vắng mặt: Đi công tác tỉnh"));
    // The secretary preparing the meeting reads the answer.
    let prepared = secretary.web.get(app.url(&format!("/meetings/{meeting}"))).send().await.unwrap().text().await.unwrap();
    assert!(prepared.contains("Xin vắng: Đi công tác tỉnh"));
    assert_eq!(reply("attend", "").await.status().as_u16(), 303);
    let prepared = secretary.web.get(app.url(&format!("/meetings/{meeting}"))).send().await.unwrap().text().await.unwrap();
    assert!(prepared.contains("Báo sẽ dự"));

    // Another chi bộ's member: the meeting and its document do not exist for them.
    assert_eq!(stranger.get(app.url(&format!("/handbook/meetings/{meeting}"))).send().await.unwrap().status().as_u16(), 404);
    assert_eq!(stranger.get(app.url(&doc_href)).send().await.unwrap().status().as_u16(), 404);
    let stranger_home = stranger.get(app.url("/handbook")).send().await.unwrap().text().await.unwrap();
    assert!(!stranger_home.contains("Góp ý dự thảo"));

    // Documents: unread, found without diacritics, bookmarked, then read.
    let list = web.get(app.url("/handbook/documents?q=huong+dan+hoc+tap")).send().await.unwrap().text().await.unwrap();
    assert!(list.contains("Hướng dẫn học tập nghị quyết") && list.contains("chưa đọc"));
    assert!(list.contains(&format!(r#"data-offline-save="/documents/{document}""#)), "each document may be kept offline");
    let none = web.get(app.url("/handbook/documents?q=khong+co+tai+lieu+nay")).send().await.unwrap().text().await.unwrap();
    assert!(none.contains("0 tài liệu"));
    let marked = web
        .post(app.url(&format!("/handbook/documents/{document}/bookmark")))
        .form(&[("_csrf", csrf.as_str()), ("on", "1"), ("back", "/handbook/documents")])
        .send()
        .await
        .unwrap();
    assert_eq!(marked.status().as_u16(), 303);
    let only = web.get(app.url("/handbook/documents?bookmarked=1")).send().await.unwrap().text().await.unwrap();
    assert!(only.contains("Hướng dẫn học tập nghị quyết") && only.contains("Bỏ đánh dấu"));
    assert_eq!(web.get(app.url(&format!("/documents/{document}"))).send().await.unwrap().status().as_u16(), 200);
    let list = web.get(app.url("/handbook/documents")).send().await.unwrap().text().await.unwrap();
    assert!(list.contains("2 tài liệu, 1 chưa đọc."), "opened: read (the study topic is still unread)");
    let foreign = stranger
        .post(app.url(&format!("/handbook/documents/{}/bookmark", document + 1000)))
        .form(&[("_csrf", support::session_csrf(&app.base, &stranger).await.as_str()), ("on", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status().as_u16(), 404);

    // Study: the topic unread, then read; the chi bộ's progress shows it, member by member.
    let mine = web.get(app.url("/handbook/study")).send().await.unwrap().text().await.unwrap();
    assert!(mine.contains("Đã đọc 0/1") && mine.contains("Chuyên đề học tập năm 2026") && !mine.contains("Hướng dẫn học tập nghị quyết"));
    let progress = secretary.web.get(app.url(&format!("/units/{east}/study"))).send().await.unwrap().text().await.unwrap();
    assert!(progress.contains("0/1 đảng viên đã đọc hết 1 tài liệu"), "{progress}");
    assert_eq!(web.get(app.url(&format!("/documents/{study}"))).send().await.unwrap().status().as_u16(), 200);
    let mine = web.get(app.url("/handbook/study")).send().await.unwrap().text().await.unwrap();
    assert!(mine.contains("Đã đọc 1/1"));
    let home = web.get(app.url("/handbook")).send().await.unwrap().text().await.unwrap();
    assert!(home.contains("Học tập: đã đọc 1/1 tài liệu học tập"));
    // The home's data is kept a moment, but each request is audited as the reads behind it.
    let reads = || async {
        let q = storage::AuditQuery { actor: Some("an.dv".into()), action: Some("read.member".into()), limit: 1000, ..Default::default() };
        app.store.audit_entries(&q).await.unwrap().len()
    };
    let before = reads().await;
    for _ in 0..2 {
        assert_eq!(web.get(app.url("/handbook")).send().await.unwrap().status().as_u16(), 200);
    }
    assert_eq!(reads().await, before + 2, "a kept page is audited like a read one");
    let progress = secretary.web.get(app.url(&format!("/units/{east}/study"))).send().await.unwrap().text().await.unwrap();
    assert!(progress.contains("1/1 đảng viên đã đọc hết 1 tài liệu"), "{progress}");
    assert_eq!(member_page_status(&stranger, app, &format!("/units/{east}/study")).await, 404);

    // The minutes: not shown until signed and shared by the chi bộ.
    let held = WriteContext::new("test", support::now() + chrono::Duration::days(10));
    // The attendance taken at the meeting: the member's own list shows it.
    let version = app.store.meeting(meeting).await.unwrap().version;
    let present = storage::AttendanceInput { member: MemberId(me), presence: domain::meetings::Presence::Present, reason: None };
    app.store.record_attendance(&held, meeting, version, vec![present]).await.unwrap();
    let list = web.get(app.url("/handbook/meetings")).send().await.unwrap().text().await.unwrap();
    let label = domain::meetings::Presence::Present.label();
    assert!(list.contains("có mặt 1/1 cuộc sinh hoạt đã điểm danh") && list.contains(label), "{list}");
    let list = stranger.get(app.url("/handbook/meetings")).send().await.unwrap().text().await.unwrap();
    assert!(!list.contains("cuộc sinh hoạt đã điểm danh"), "another chi bộ's member has no attendance here");
    let mut v = app.store.meeting(meeting).await.unwrap().version;
    for change in [
        MinutesChange::Edit("Chi bộ thống nhất thông qua nghị quyết.".into()),
        MinutesChange::Sign(domain::meetings::Signer::Chair, "Bí thư".into()),
        MinutesChange::Sign(domain::meetings::Signer::Secretary, "Thư ký".into()),
    ] {
        app.store.change_minutes(&held, meeting, v, change).await.unwrap();
        v += 1;
    }
    let page = web.get(app.url(&format!("/handbook/meetings/{meeting}"))).send().await.unwrap().text().await.unwrap();
    assert!(!page.contains("Chi bộ thống nhất thông qua nghị quyết."));
    let share = secretary
        .web
        .post(app.url(&format!("/meetings/{meeting}/share-minutes")))
        .form(&[("_csrf", secretary.csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(share.status().as_u16(), 303);
    let page = web.get(app.url(&format!("/handbook/meetings/{meeting}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Chi bộ thống nhất thông qua nghị quyết."));

    // Light: every handbook page, with what it loads, at most 100 KB transferred.
    for path in [
        "/handbook".to_owned(),
        "/handbook/meetings".to_owned(),
        format!("/handbook/meetings/{meeting}"),
        "/handbook/documents".to_owned(),
        "/handbook/study".to_owned(),
        "/handbook/tasks".to_owned(),
        "/handbook/dues".to_owned(),
        format!("/documents/{document}"),
        format!("/members/{me}"),
        "/inbox".to_owned(),
        "/offline".to_owned(),
    ] {
        let weight = page_weight(app, &web, &path).await;
        assert!(weight <= 100 * 1024, "{path}: {weight} bytes");
    }
}

async fn member_page_status(web: &reqwest::Client, app: &App, path: &str) -> u16 {
    web.get(app.url(path)).send().await.unwrap().status().as_u16()
}
