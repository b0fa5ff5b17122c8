//! The admission pipeline through the pages: a candidate added through the form appears on the
//! chi bộ's board; the application is recorded through the step form; an out-of-order step is
//! refused with the rule and its source; the worklist, overview and targets pages; voiding and
//! editing with a stale version; a secretary of another chi bộ who finds nothing; a case taken to
//! probation as its page, the board and the targets show it; and the calendar corrections.

use domain::access::{Grant, Role};
use domain::admission::{ChiBoVote, Together};
use domain::ids::{DecisionNumber, MemberId, UnitId};
use domain::pipeline::{IntroducerId, IntroducerRef, IntroductionMode, StepData};
use domain::unit::LegalBasis;
use serde_json::json;
use storage::prelude::*;

use crate::http_on_both_engines;
use crate::support::{self, App, PASSWORD};

http_on_both_engines!(0; a_candidate_through_the_pages, a_case_to_probation_as_the_pages_show_it, the_calendar_corrections);

async fn create_unit(app: &App, kind: &str, code: &str, name: &str, parent: Option<i64>) -> i64 {
    let body = json!({
        "kind": kind, "code": code, "name": name, "parent_id": parent,
        "effective_date": "01/01/1980", "decision_number": "15-QĐ/TU", "decision_date": "01/01/1980", "issuer": "Ban Thường vụ Tỉnh ủy"
    });
    let (status, v) = app.post_json("/api/v1/units", &body).await;
    assert_eq!(status, 201, "{v}");
    v["id"].as_i64().unwrap()
}

fn as_refs<'a>(f: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    f.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// The value of the hidden field `name` in a page.
fn hidden(html: &str, name: &str) -> String {
    let marker = format!(r#"name="{name}" value=""#);
    let start = html.find(&marker).unwrap_or_else(|| panic!("{name} in {html}")) + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

fn location(r: &reqwest::Response) -> String {
    r.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or_default().to_owned()
}

const CANDIDATE: &[(&str, &str)] = &[
    ("full_name", "Phạm Thị Lan"),
    ("gender", "nu"),
    ("birth_date", "12/05/2001"),
    ("ethnicity", "kinh"),
    ("religion", "khong"),
    ("citizen_id", "001301012345"),
    ("general_education", "thpt"),
    ("occupation", "vien-chuc"),
    ("youth_union", "true"),
    ("source", "doan-thanh-nien"),
    ("tasks", "Phụ trách phong trào thanh niên của thôn"),
    // Issued 02/01/2021: valid 60 months, until 02/01/2026 — expired on 25/11/2026.
    ("certificate_number", "125/GCN"),
    ("certificate_date", "02/01/2021"),
    ("certificate_issuer", "Trung tâm Chính trị huyện An Phú"),
];

async fn a_candidate_through_the_pages(app: &App) {
    let province = create_unit(app, "tinh-uy", "T", "Tỉnh ủy Bình An", None).await;
    let commune = create_unit(app, "xa-phuong", "X", "Đảng bộ xã An Phú", Some(province)).await;
    let cell = create_unit(app, "chi-bo-co-so", "X1", "Chi bộ thôn Đông", Some(commune)).await;
    let other = create_unit(app, "chi-bo-co-so", "X2", "Chi bộ thôn Tây", Some(commune)).await;

    // The add form; an incomplete one keeps what was typed and says what is missing.
    let (status, html) = app.text(&format!("/units/{cell}/admission/new")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Thêm quần chúng: Chi bộ thôn Đông") && html.contains("Giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng"));
    let r = app.post_form(&format!("/units/{cell}/admission/new"), &[("full_name", "Phạm Thị Lan"), ("birth_date", "31/02/2001")]).await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"value="Phạm Thị Lan""#), "typed value kept");
    assert!(html.contains("không có trong lịch") && html.contains("Nguồn quần chúng"), "{html}");

    let r = app.post_form(&format!("/units/{cell}/admission/new"), CANDIDATE).await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap_or_default());
    let case = location(&r);
    assert!(case.starts_with("/admission/cases/"), "{case}");

    // The chi bộ's board shows the card with its due date and urgency.
    let (status, board) = app.text(&format!("/units/{cell}/admission")).await;
    assert_eq!(status, 200);
    for needle in
        ["Phạm Thị Lan", "Sinh ngày 12/05/2001", "Quần chúng ưu tú", "Hạn <strong>02/01/2026</strong>", "Quá hạn", "Thêm quần chúng"]
    {
        assert!(board.contains(needle), "{needle} on the board");
    }
    assert!(board.contains(&format!(r#"href="{case}""#)));

    // The case: the certificate's validity, the step buttons.
    let (status, page) = app.text(&case).await;
    assert_eq!(status, 200);
    assert!(page.contains("còn giá trị đến 02/01/2026"), "{page}");
    assert!(page.contains("Đơn xin vào Đảng (1-KNĐ)") && page.contains("Chưa ghi bước nào"));

    // The application through the step form.
    let (status, form) = app.text(&format!("{case}/steps/new?kind=don")).await;
    assert_eq!(status, 200);
    assert!(form.contains("Ngày đơn xin vào Đảng") && !form.contains(r#"name="official_members""#), "only the kind's fields");
    let version = hidden(&form, "version");
    let r = app.post_form(&format!("{case}/steps/new?kind=don"), &[("kind", "don"), ("on", "05/11/2026"), ("version", &version)]).await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap_or_default());
    let (_, page) = app.text(&case).await;
    assert!(page.contains("05/11/2026") && page.contains("Đang hoàn thiện hồ sơ"));
    // The file stage previews what would stop the chi bộ today: the expired certificate, with its source.
    assert!(page.contains("Cần lưu ý trước khi chi bộ xét") && page.contains("Căn cứ: "), "{page}");
    assert!(page.contains("Hủy bước cuối"));

    // The chi bộ's resolution before the autobiography is refused with the rule and its source.
    let (status, form) = app.text(&format!("{case}/steps/new?kind=nghi-quyet-chi-bo")).await;
    assert_eq!(status, 200);
    assert!(form.contains("chưa ghi được lúc này") && form.contains(r#"name="in_favour""#));
    let version = hidden(&form, "version");
    let vote = [
        ("kind", "nghi-quyet-chi-bo"),
        ("on", "20/11/2026"),
        ("official_members", "9"),
        ("present", "8"),
        ("in_favour", "8"),
        ("against", "0"),
        ("version", version.as_str()),
    ];
    let r = app.post_form(&format!("{case}/steps/new?kind=nghi-quyet-chi-bo"), &vote).await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Cần ghi “Lý lịch người xin vào Đảng (2-KNĐ)” trước"), "{html}");
    assert!(html.contains("Căn cứ: Hướng dẫn 12-HD/BTCTW"), "{html}");
    assert!(html.contains(r#"name="official_members" value="9""#), "typed values kept");
    // A field the kind needs, missing: the message is next to the field.
    let r = app.post_form(&format!("{case}/steps/new"), &[("kind", "ly-lich"), ("on", ""), ("version", &version)]).await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains(r##"<a href="#f-on">Ngày hoàn thành lý lịch</a>"##));

    // The worklist: counts, the overdue certificate, filters.
    let (status, list) = app.text(&format!("/admission/worklist?unit={commune}")).await;
    assert_eq!(status, 200);
    for needle in [
        "Việc cần làm: Đảng bộ xã An Phú",
        "Phạm Thị Lan",
        "Chi bộ thôn Đông",
        "Giấy chứng nhận lớp nhận thức về Đảng hết giá trị",
        "02/01/2026",
        "Quá hạn",
        "Đến hạn trong 7 ngày",
        "Chưa đến hạn",
        "05/11/2027",
    ] {
        assert!(list.contains(needle), "{needle} in the worklist");
    }
    let (status, soon) = app.text(&format!("/admission/worklist?unit={commune}&urgency=soon")).await;
    assert_eq!(status, 200);
    assert!(!soon.contains("Phạm Thị Lan") && soon.contains("Không có việc nào ở mức này"));
    assert_eq!(app.text("/admission/worklist?urgency=mai").await.0, 400);

    // The overview of the commune.
    let (status, overview) = app.text(&format!("/admission?unit={commune}")).await;
    assert_eq!(status, 200);
    assert!(overview.contains("Phát triển đảng viên: Đảng bộ xã An Phú") && overview.contains("Đang hoàn thiện hồ sơ"));
    assert!(overview.contains("urgency=overdue"));
    let (status, commune_board) = app.text(&format!("/units/{commune}/admission")).await;
    assert_eq!(status, 200);
    assert!(commune_board.contains("Phạm Thị Lan") && !commune_board.contains("Thêm quần chúng"), "a commune lists its subtree");

    // Targets: the commune and its chi bộ, set through the form, then the progress.
    let (status, targets) = app.text(&format!("/admission/targets?unit={commune}&year=2026")).await;
    assert_eq!(status, 200);
    for needle in [
        "Chỉ tiêu kết nạp đảng viên năm 2026: Đảng bộ xã An Phú",
        "Chi bộ thôn Đông",
        "Chi bộ thôn Tây",
        "Tổ chức chưa kết nạp được đảng viên",
        "Đoàn Thanh niên Cộng sản Hồ Chí Minh",
        "Giao chỉ tiêu năm 2026",
    ] {
        assert!(targets.contains(needle), "{needle} on the targets page");
    }
    let r = app
        .post_form(
            "/admission/targets",
            &[
                ("unit", &cell.to_string()),
                ("year", "2026"),
                ("back", &commune.to_string()),
                ("target", "4"),
                ("target_hoc-sinh-sinh-vien", "1"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(location(&r), format!("/admission/targets?unit={commune}&year=2026&saved={cell}"));
    let (_, targets) = app.text(&location(&r)).await;
    assert!(targets.contains("Đã lưu chỉ tiêu") && targets.contains("0%"), "{targets}");
    let r = app.post_form("/admission/targets", &[("unit", &cell.to_string()), ("year", "2026"), ("target", "bốn")]).await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("chỉ tiêu phải là số nguyên không âm"));
    assert_eq!(app.text(&format!("/admission/targets?unit={commune}&year=1990")).await.0, 400);

    // Editing with a stale version shows what differs; voiding the last step keeps it struck through.
    let (status, edit) = app.text(&format!("{case}/edit")).await;
    assert_eq!(status, 200);
    assert!(edit.contains(r#"value="Phạm Thị Lan""#) && edit.contains(r#"value="125/GCN""#));
    let unit_id = cell.to_string();
    let edited = |version: &'static str| {
        let mut f: Vec<(&str, String)> = CANDIDATE.iter().filter(|(k, _)| *k != "tasks").map(|(k, v)| (*k, (*v).to_owned())).collect();
        f.extend([("tasks", "Bí thư chi đoàn".to_owned()), ("unit_id", unit_id.clone()), ("version", version.to_owned())]);
        f
    };
    let stale = edited("1");
    let r = app.post_form(&format!("{case}/edit"), &as_refs(&stale)).await;
    assert_eq!(r.status().as_u16(), 409);
    let html = r.text().await.unwrap();
    assert!(html.contains("Người khác đã lưu hồ sơ này trước bạn") && html.contains("Bí thư chi đoàn"), "{html}");
    let mut fresh = edited("");
    fresh.retain(|(k, _)| *k != "version");
    fresh.push(("version", hidden(&html, "version")));
    let r = app.post_form(&format!("{case}/edit"), &as_refs(&fresh)).await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap_or_default());

    let (_, page) = app.text(&case).await;
    assert!(page.contains("Bí thư chi đoàn"));
    let start = page.find(r#"<li id="step-"#).unwrap() + r#"<li id="step-"#.len();
    let step: String = page[start..].chars().take_while(char::is_ascii_digit).collect();
    let version = hidden(&page, "version");
    let r = app.post_form(&format!("{case}/steps/{step}/void"), &[("version", &version), ("reason", "")]).await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("Nhập lý do hủy bước"));
    let r = app.post_form(&format!("{case}/steps/{step}/void"), &[("version", &version), ("reason", "Ghi nhầm ngày làm đơn")]).await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, page) = app.text(&case).await;
    assert!(page.contains("đã hủy") && page.contains("Ghi nhầm ngày làm đơn") && page.contains("Quần chúng ưu tú"));

    // A secretary of the other chi bộ finds nothing of this one, and works on their own.
    support::account(app.store.as_ref(), "bt.tay", vec![Grant { role: Role::CellSecretary, unit: Some(UnitId(other)) }], None).await;
    let c = support::browser();
    assert_eq!(support::login(&app.base, &c, "bt.tay", PASSWORD).await.status().as_u16(), 303);
    let status = |path: String| {
        let c = c.clone();
        let url = app.url(&path);
        async move { c.get(url).send().await.unwrap().status().as_u16() }
    };
    assert_eq!(status(case.clone()).await, 404);
    assert_eq!(status(format!("{case}/steps/new?kind=ly-lich")).await, 404);
    assert_eq!(status(format!("/units/{cell}/admission")).await, 404);
    let own = c.get(app.url(&format!("/units/{other}/admission"))).send().await.unwrap().text().await.unwrap();
    assert!(own.contains("Thêm quần chúng") && !own.contains("Phạm Thị Lan"));
    let list = c.get(app.url("/admission/worklist")).send().await.unwrap().text().await.unwrap();
    assert!(!list.contains("Phạm Thị Lan"));
    let overview = c.get(app.url("/admission")).send().await.unwrap().text().await.unwrap();
    assert!(overview.contains("Phát triển đảng viên: Chi bộ thôn Tây"), "the secretary's own chi bộ is chosen");
    // The secretary's home is the board of their chi bộ; the unit page shows its admission block.
    let home = c.get(app.url("/")).send().await.unwrap();
    assert_eq!(home.headers()["location"], format!("/units/{other}/admission").as_str());
    let (_, unit_page) = app.text(&format!("/units/{cell}")).await;
    assert!(unit_page.contains("Phát triển đảng viên") && unit_page.contains(&format!("/units/{cell}/admission")), "{unit_page}");
}

/// An official member of `cell` since 2016, through the API.
async fn official_member(app: &App, name: &str, cccd: &str, cell: i64) -> MemberId {
    let body = json!({
        "identity": {"full_name": name, "gender": "nam", "birth_date": "12/03/1975", "ethnicity": "kinh", "religion": "khong", "citizen_id": cccd},
        "profile": {"general_education": "thpt", "professional": "dai-hoc", "occupation": "vien-chuc", "youth_union": false},
        "events": [
            {"kind": "ket-nap", "unit_id": cell, "decision_number": "21-QĐ/ĐU", "decision_date": "10/03/2015", "issuer": "Đảng ủy xã"},
            {"kind": "le-ket-nap", "effective_date": "10/03/2015"},
            {"kind": "cong-nhan-chinh-thuc", "effective_date": "10/03/2016", "decision_number": "30-QĐ/ĐU", "decision_date": "20/03/2016", "issuer": "Đảng ủy xã"}
        ]
    });
    let (status, v) = app.post_json("/api/v1/members", &body).await;
    assert_eq!(status, 201, "{v}");
    MemberId(v["id"].as_i64().unwrap())
}

fn day(d: u32, m: u32, y: i32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

async fn a_case_to_probation_as_the_pages_show_it(app: &App) {
    let province = create_unit(app, "tinh-uy", "T", "Tỉnh ủy Bình An", None).await;
    let commune = create_unit(app, "xa-phuong", "X", "Đảng bộ xã An Phú", Some(province)).await;
    let cell = create_unit(app, "chi-bo-co-so", "X1", "Chi bộ thôn Đông", Some(commune)).await;
    let a = official_member(app, "Nguyễn Văn An", "001075000001", cell).await;
    let b = official_member(app, "Trần Văn Bình", "001075000002", cell).await;
    let mut fields: Vec<(&str, &str)> =
        CANDIDATE.iter().copied().filter(|(k, _)| !matches!(*k, "youth_union" | "certificate_date")).collect();
    fields.push(("certificate_date", "10/01/2026"));
    let r = app.post_form(&format!("/units/{cell}/admission/new"), &fields).await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap_or_default());
    let case = location(&r);
    let id: i64 = case.rsplit('/').next().unwrap().parse().unwrap();

    // The file through the store, as the API or another secretary would record it.
    let ctx = storage::WriteContext::new("bí thư", support::now());
    let introducers = [a, b]
        .into_iter()
        .map(|m| IntroducerRef {
            who: IntroducerId::Member { member: m },
            introduced_on: day(5, 3, 2026),
            together_since: day(1, 1, 2020),
            together: Together::Residence,
        })
        .collect();
    let basis = LegalBasis {
        number: DecisionNumber::parse("9-QĐ/ĐU").unwrap(),
        date: day(15, 4, 2026),
        issuer: "Ban Thường vụ Đảng ủy xã An Phú".into(),
    };
    let steps = [
        StepData::Application { on: day(1, 2, 2026) },
        StepData::Autobiography { on: day(5, 2, 2026) },
        StepData::VerificationRequest { on: day(10, 2, 2026), to: "Ủy ban nhân dân xã An Phú".into() },
        StepData::VerificationResult { on: day(1, 3, 2026), clear: true, summary: "Lý lịch rõ ràng".into() },
        StepData::Introduction { mode: IntroductionMode::TwoMembers, resolution_on: None, introducers },
        StepData::Opinions { on: day(10, 3, 2026) },
        StepData::ChiBoVote { vote: ChiBoVote { on: day(20, 3, 2026), official_members: 2, present: 2, in_favour: 2, against: 0 } },
        StepData::GrassrootsResolution { on: day(25, 3, 2026), number: "15-NQ/ĐU".into() },
        StepData::Decision { basis, signer: "Lê Văn Cường".into() },
        StepData::DecisionReceived { on: day(20, 4, 2026) },
        StepData::Ceremony { on: day(19, 5, 2026) },
    ];
    for (i, step) in steps.into_iter().enumerate() {
        let kind = step.kind();
        app.store.record_step(&ctx, id, i as i64 + 1, step).await.unwrap_or_else(|e| panic!("{kind:?}: {e:?}"));
    }
    let member = app.store.case(id, support::today()).await.unwrap().member.unwrap();

    let (status, page) = app.text(&case).await;
    assert_eq!(status, 200);
    for needle in [
        "Đảng viên dự bị",
        &format!(r#"href="/members/{}">Xem hồ sơ đảng viên"#, member.0),
        // Twelve months from the ceremony (Charter art. 5 §1), not from the decision.
        "công nhận chính thức từ ngày <strong>19/05/2027</strong>",
        "Gửi đến: Ủy ban nhân dân xã An Phú",
        "Kết quả: lý lịch rõ ràng",
        "Hình thức: Hai đảng viên chính thức (3-KNĐ)",
        &format!("Người giới thiệu: Nguyễn Văn An (mã số {}); giấy giới thiệu ngày 05/03/2026; cùng cư trú từ 01/01/2020", a.0),
        "tán thành: 2 (100% số đảng viên chính thức)",
        "Số nghị quyết: 15-NQ/ĐU",
        "Quyết định số 9-QĐ/ĐU, ngày 15/04/2026, Ban Thường vụ Đảng ủy xã An Phú; người ký: Lê Văn Cường",
        "Nhân dịp Ngày sinh Chủ tịch Hồ Chí Minh (19/5)",
        "Chi bộ xét, đề nghị công nhận đảng viên chính thức",
        "Lớp bồi dưỡng lý luận chính trị cho đảng viên mới",
        "Ghi bởi bí thư",
    ] {
        assert!(page.contains(needle), "{needle} on the case page");
    }
    // The ceremony went on the member's record: it is corrected there, not undone here.
    assert!(!page.contains("Hủy bước cuối (Lễ kết nạp"), "no void of a step that wrote the register");
    let (_, record) = app.text(&format!("/members/{}", member.0)).await;
    assert!(record.contains("<dt>Lễ kết nạp</dt><dd>19/05/2026</dd>") && record.contains("Dự kiến 19/05/2027"), "{record}");
    // On the board, the card sits in the probation column with its next deadline.
    let (status, board) = app.text(&format!("/units/{cell}/admission")).await;
    assert_eq!(status, 200);
    let probation = &board[board.find(r#"id="stage-probation""#).unwrap()..];
    assert!(probation.contains("Phạm Thị Lan") && probation.contains("Hạn <strong>"), "the card is in the probation column");

    // The new member, in probation, sees in the handbook what the recognition file still needs.
    support::account(app.store.as_ref(), "lan.dv", vec![Grant { role: Role::Member, unit: None }], Some(member)).await;
    let web = support::browser();
    assert_eq!(support::login(&app.base, &web, "lan.dv", PASSWORD).await.status().as_u16(), 303);
    let home = web.get(app.url("/handbook")).send().await.unwrap().text().await.unwrap();
    assert!(home.contains("Hồ sơ công nhận đảng viên chính thức còn thiếu 4 giấy tờ."), "{home}");
    let study = web.get(app.url("/handbook/study")).send().await.unwrap().text().await.unwrap();
    assert!(study.contains("kết thúc ngày <strong>19/05/2027</strong>"), "{study}");
    assert!(study.contains("Lớp bồi dưỡng lý luận chính trị cho đảng viên mới <span class=\"badge soon\">còn thiếu</span>"), "{study}");
    app.store.record_step(&ctx, id, 12, StepData::NewMemberClass { on: day(30, 6, 2026), number: "12-GCN".into() }).await.unwrap();
    let study = web.get(app.url("/handbook/study")).send().await.unwrap().text().await.unwrap();
    assert!(
        study.contains("Lớp bồi dưỡng lý luận chính trị cho đảng viên mới <span class=\"badge ok\">đã có, ngày 30/06/2026</span>"),
        "{study}"
    );
    assert!(study.contains("Hồ sơ còn thiếu 3 giấy tờ"), "{study}");
    let audited = storage::AuditQuery { action: Some("read.recognition_file".into()), limit: 10, ..Default::default() };
    assert!(!app.store.audit_entries(&audited).await.unwrap().is_empty(), "the member's read of the file is audited");

    // The targets count the admission, its group and the anniversary.
    app.store.set_target(&ctx, UnitId(commune), 2026, None, Some(3)).await.unwrap();
    let (status, targets) = app.text(&format!("/admission/targets?unit={commune}&year=2026")).await;
    assert_eq!(status, 200);
    assert!(targets.contains("33,3%") && targets.contains("Ngày sinh Chủ tịch Hồ Chí Minh (19/5): <a href="), "{targets}");
    // The occasion's count opens the one member admitted on it.
    let (_, list) = app.json(&format!("/api/v1/members?unit={commune}&admitted=chi-tieu:ky-niem:19-5&from=01/01/2026&to=31/12/2026")).await;
    assert_eq!(list["total"], 1, "{list}");
    assert!(!targets[targets.find("chưa kết nạp được").unwrap()..].contains("Chi bộ thôn Đông</a></li>"));
}

async fn the_calendar_corrections(app: &App) {
    let (status, html) = app.text("/admin/calendar?year=2026").await;
    assert_eq!(status, 200);
    assert!(html.contains("Lịch ngày làm việc năm 2026") && html.contains("Quốc khánh (2/9)") && html.contains("Thứ Tư"));
    let r = app
        .post_form("/admin/calendar", &[("year", "2026"), ("days_off", "31/02/2026 Sai ngày\n24/11/2026"), ("extra_working_days", "")])
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Dòng 1:") && html.contains("Dòng 2: thiếu tên ngày"), "{html}");
    assert!(html.contains("31/02/2026 Sai ngày"), "typed lines kept");
    let r = app
        .post_form("/admin/calendar", &[("year", "2026"), ("days_off", "24/11/2026 Ngày Văn hóa Việt Nam"), ("extra_working_days", "")])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, html) = app.text(&location(&r)).await;
    assert!(
        html.contains("Đã lưu điều chỉnh lịch năm 2026") && html.contains(r#"<td data-label="Lý do">Ngày Văn hóa Việt Nam</td>"#),
        "{html}"
    );
    assert_eq!(app.text("/admin/calendar?year=3000").await.0, 400);
}
