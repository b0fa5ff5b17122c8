//! Phones: the main pages at 360 px, for every role that may open them, in normal and large text.
//! No page scrolls sideways, nor any table inside its frame, and no chart cuts its labels (the
//! failure names the page and the element that sticks out); every visible link, button and menu
//! toggle is a target of at least 44 × 44 px (WCAG 2.5.5), except links inside running text
//! (WCAG 2.5.8's inline exception: a link in a paragraph, list item or definition next to other
//! words). The same pages pass axe-core with no violation, at 360 px and at 1280 px. One server,
//! one phone window (the desk window only for axe), one login per role.
//!
//! axe-core is vendored unmodified as `axe.min.js` (version 4.10.3, MPL-2.0, its licence header
//! kept; <https://github.com/dequelabs/axe-core>).

use domain::access::{Grant, Role};
use domain::ids::{MemberId, UnitId};
use domain::unit::UnitKind;
use serde_json::Value;
use storage::prelude::*;
use storage::{CaseQuery, MemberQuery};

use super::{Browser, switch_to};
use crate::support::{self, App};

const AXE: &str = include_str!("axe.min.js");

/// The smallest target a finger can hit reliably, in CSS pixels (WCAG 2.5.5).
const MIN_TARGET: f64 = 44.0;

/// What the check of one page found: how many targets it measured, and what is wrong.
#[derive(Debug, serde::Deserialize)]
struct Layout {
    targets: usize,
    problems: Vec<String>,
}

/// Measures the page as shown: compares the document's width with the screen's, opens every
/// `details` (the header's menu, folded filters) so their contents are measured too, compares
/// each table's width with its frame's, looks for chart text cut at the chart's edge and
/// measures every link, button and summary. Exempt: what is not shown (zero size, or off the screen's left
/// edge like the skip link until it has focus) and links inside running text.
const MEASURE: &str = r#"
const minTarget = arguments[0];
const problems = [];
const width = document.documentElement.clientWidth;
const describe = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.classList.length ? '.' + [...el.classList].join('.') : '')
    + ' "' + (el.innerText || el.textContent || el.value || el.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ').slice(0, 40) + '"';
const clipped = el => { for (let p = el.parentElement; p; p = p.parentElement) { const o = getComputedStyle(p).overflowX; if (o !== 'visible') return p !== document.documentElement && p !== document.body; } return false; };
// Closed as the page opens, then with every fold open.
const sideways = () => {
  if (document.documentElement.scrollWidth <= width) return;
  const out = [...document.body.querySelectorAll('*')].filter(el => el.getBoundingClientRect().right > width + 0.5 && !clipped(el))
    .filter(el => !el.parentElement || el.parentElement.getBoundingClientRect().right <= width + 0.5);
  problems.push('scrolls sideways: ' + document.documentElement.scrollWidth + ' px > ' + width + ' px; sticking out: '
    + (out.length ? out.slice(0, 3).map(describe).join(', ') : '(none found)'));
};
sideways();
document.querySelectorAll('details').forEach(d => d.open = true);
if (!problems.length) sideways();
// A table's frame scrolls by itself without widening the page: its columns must fit too.
for (const frame of document.querySelectorAll('.table-wrap')) {
  if (frame.getBoundingClientRect().width > 0 && frame.scrollWidth > frame.clientWidth + 1) {
    problems.push('a table scrolls sideways in its frame: ' + frame.scrollWidth + ' px > ' + frame.clientWidth + ' px: ' + describe(frame.querySelector('table') || frame));
  }
}
// A chart's labels and numbers stay inside the chart.
for (const text of document.querySelectorAll('svg.chart text')) {
  const box = text.getBBox();
  if (box.x < -0.5 || box.x + box.width > text.ownerSVGElement.viewBox.baseVal.width + 0.5) {
    problems.push('a chart cuts its text: ' + describe(text));
  }
}
// A link "inside running text": its paragraph, list item or definition has other words too.
const inline = el => {
  if (el.tagName !== 'A' || el.classList.contains('button')) return false;
  const block = el.parentElement.closest('p, li, dd, small');
  if (!block) return false;
  const others = [...block.childNodes].filter(n => !n.contains(el) && n !== el).map(n => n.textContent).join('');
  return /[\p{L}\p{N}]/u.test(others);
};
let targets = 0;
for (const el of document.querySelectorAll('a[href], button, summary, input[type=submit]')) {
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0 || r.right <= 0 || getComputedStyle(el).visibility === 'hidden') continue;
  if (inline(el)) continue;
  targets += 1;
  if (r.width + 0.01 < minTarget || r.height + 0.01 < minTarget) {
    problems.push('small target ' + Math.round(r.width) + '×' + Math.round(r.height) + ' px: ' + describe(el));
  }
}
return { targets, problems };
"#;

/// Runs axe-core on the page (injected once per page) and answers its violations, one line each.
const AXE_RUN: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, { resultTypes: ['violations'] })
  .then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.help + ' — ' + v.nodes.slice(0, 5).map(n => n.target.join(' ')).join(' | '))))
  .catch(e => done(['axe failed: ' + e]));
"#;

/// The units, member and case the pages are opened on, picked like the demo's accounts: the
/// chi bộ with the most open admission cases, its commune, the province, a member of the chi bộ.
struct Picks {
    province: UnitId,
    commune: UnitId,
    cell: UnitId,
    member: MemberId,
    case: i64,
}

async fn picks(app: &App) -> Picks {
    let store = app.store.as_ref();
    let today = support::today();
    let ctx = storage::WriteContext::new("generator", support::now());
    datagen::admission::generate_cases(store, 20, 7, today, &ctx).await.expect("cases");
    let province = store.children(None, today).await.unwrap().into_iter().find(|n| n.unit.kind == UnitKind::Province).unwrap().unit.id;
    let cases = store.cases(&CaseQuery::new(today)).await.unwrap();
    let mut per_cell: Vec<(UnitId, usize)> = Vec::new();
    for c in &cases {
        match per_cell.iter_mut().find(|(u, _)| *u == c.unit) {
            Some(e) => e.1 += 1,
            None => per_cell.push((c.unit, 1)),
        }
    }
    per_cell.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    for (cell, _) in per_cell {
        let detail = store.unit(cell, today).await.unwrap();
        let Some(commune) = detail.path.iter().find(|u| u.kind == UnitKind::Commune) else { continue };
        let page = store.find_members(&MemberQuery { unit: Some(cell), per_page: 1, ..MemberQuery::new(today) }).await.unwrap();
        if let Some(m) = page.items.first() {
            let case = cases.iter().find(|c| c.unit == cell).unwrap().id;
            return Picks { province, commune: commune.id, cell, member: m.id, case };
        }
    }
    panic!("no chi bộ with members and admission cases in the generated data");
}

/// A day `days` before the tests' today.
fn today_minus(days: i64) -> chrono::NaiveDate {
    support::today() - chrono::Duration::days(days)
}

/// One account like the demo's and the pages it may open.
struct Person {
    username: &'static str,
    pages: Vec<String>,
}

async fn people(app: &App, p: &Picks) -> Vec<Person> {
    let store = app.store.as_ref();
    let grant = |role, unit: UnitId| vec![Grant { role, unit: Some(unit) }];
    support::account(store, "tinh.tochuc", grant(Role::OrgBoardStaff, p.province), None).await;
    support::account(store, "xa.tochuc", grant(Role::OrgBoardStaff, p.commune), None).await;
    support::account(store, "bithu", grant(Role::CellSecretary, p.cell), None).await;
    support::account(store, "dangvien", vec![Grant { role: Role::Member, unit: None }], Some(p.member)).await;
    let (province, commune, cell, member, case) = (p.province.0, p.commune.0, p.cell.0, p.member.0, p.case);
    // A directive from the province to the communes, passed on by the commune to every unit under it.
    let ctx = storage::WriteContext::new("tinh.tochuc", support::now());
    let draft = domain::directives::Draft {
        kind: domain::directives::DirectiveKind::Plan,
        number: "25-KH/TU".into(),
        title: "Kế hoạch rà soát chất lượng sinh hoạt chi bộ năm 2026".into(),
        body: "Các đảng ủy xã, phường rà soát việc sinh hoạt chi bộ và báo cáo.".into(),
        reach: domain::directives::Reach { kinds: vec![UnitKind::Commune], depth: None },
        task: Some(domain::directives::Task {
            asks: "Báo cáo kết quả rà soát".into(),
            deadline: domain::directives::Deadline::WorkingDays(10),
        }),
    };
    let directive = store.send_directive(&ctx, p.province, draft).await.unwrap();
    store.pass_on(&ctx, directive, p.commune, domain::directives::Reach::default(), None).await.unwrap();
    // A meeting of the chi bộ, its attendance recorded.
    let input = domain::meetings::MeetingInput {
        kind: domain::meetings::MeetingKind::Combined,
        held_on: today_minus(20),
        starts_at: chrono::NaiveTime::from_hms_opt(19, 30, 0).unwrap(),
        length_minutes: Some(120),
        place: "Nhà văn hóa thôn".into(),
        agenda: "Đánh giá tháng; chuyên đề học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh.".into(),
    };
    let meeting = store.create_meeting(&ctx, p.cell, input).await.unwrap();
    let view = store.meeting(meeting).await.unwrap();
    let rows = view
        .attendance
        .iter()
        .filter(|a| !a.guest)
        .map(|a| storage::AttendanceInput { member: a.member, presence: domain::meetings::Presence::Present, reason: None })
        .collect();
    store.record_attendance(&ctx, meeting, view.version, rows).await.unwrap();
    datagen::documents::generate_documents(store, support::today()).await.unwrap();
    // A temporary transfer of the member to the commune, waiting for its answer (the member stays at home).
    let plan = domain::transfers::TransferPlan {
        mode: domain::event::TransferMode::Temporary,
        temporary_reason: Some(domain::transfers::TemporaryReason::Study),
        from: domain::event::UnitRef::Internal(p.cell),
        to: domain::event::UnitRef::Internal(p.commune),
        route: domain::transfers::Route::WithinGrassroots,
        letter: domain::transfers::Letter { number: "7/GTSHĐ".into(), date: today_minus(5), issuer: "Đảng ủy xã".into() },
        until: Some(today_minus(-200)),
        cause: "Đi học tập trung lớp trung cấp lý luận chính trị".into(),
        cause_on: None,
    };
    let transfer = store.issue_transfer(&ctx, p.member, plan).await.unwrap();
    // The member's request to correct their record, waiting for the staff.
    let ask = domain::change_requests::RequestInput {
        field: domain::change_requests::RequestField::Hometown,
        value: "xã Thanh Hà, tỉnh Lâm Giang".into(),
        note: "Theo giấy khai sinh bản chính".into(),
    };
    store.send_change_request(&ctx, p.member, ask, None).await.unwrap();
    // Dues: the member's salary from January, a month paid, a declaration waiting.
    let salary = domain::dues::Basis::new(domain::dues::BasisKind::SocialInsurance, Some(9_000_000)).unwrap();
    let january = domain::dates::Month { year: 2026, month: 1 };
    store.record_dues_basis(&ctx, p.member, january, salary, storage::BasisSource::Staff).await.unwrap();
    let paid =
        domain::dues::PaymentInput { month: january, amount: 90_000, paid_on: support::today(), method: domain::dues::PayMethod::Cash };
    store.record_dues_payment(&ctx, p.member, paid).await.unwrap();
    let november = domain::dates::Month { year: 2026, month: 11 };
    store.record_dues_basis(&ctx, p.member, november, salary, storage::BasisSource::Member).await.unwrap();
    // A file uploaded by the commune's staff: its dry run's page (the mapping form, the counts).
    let uploader = support::browser();
    assert_eq!(support::login(&app.base, &uploader, "xa.tochuc", support::PASSWORD).await.status().as_u16(), 303);
    let csrf = support::session_csrf(&app.base, &uploader).await;
    let job = crate::import::planned_job(app, &uploader, &csrf, commune).await;
    // The commune's evaluation round of the year, its sheet.
    let round = store
        .open_round(
            &ctx,
            p.commune,
            &domain::evaluation::RoundPlan {
                period: domain::evaluation::Period::Year(2026),
                quota_percent: 20,
                due_on: ctx.today + chrono::Duration::days(5),
                // A committee's own list: the sheet's forms take each criterion's points.
                criteria: domain::evaluation::Criteria::parse_lines(
                    "Phẩm chất chính trị, tư tưởng | 20\nĐạo đức, lối sống, ý thức tổ chức kỷ luật | 20\nKết quả thực hiện nhiệm vụ được giao | 60",
                )
                .unwrap(),
            },
        )
        .await
        .unwrap();
    let round_sheet = format!("/units/{commune}/evaluation/{round}");
    let staff = |unit: i64| -> Vec<String> {
        vec![
            "/".into(),
            "/units".into(),
            format!("/units/{unit}"),
            format!("/members?unit={unit}"),
            format!("/members/{member}"),
            format!("/members/{member}/edit"),
            format!("/members/{member}/events/new"),
            format!("/members/{member}/events/new?kind=chuyen-di"),
            "/units/search?q=chi+bo".into(),
            format!("/reports/counts?unit={unit}"),
            format!("/reports/movements?unit={unit}"),
            format!("/reports/admissions?unit={unit}"),
            format!("/units/{cell}/admission"),
            format!("/admission/worklist?unit={unit}"),
            format!("/admission/cases/{case}"),
            format!("/admission/targets?unit={unit}"),
            format!("/quality?unit={unit}"),
            "/directives".into(),
            "/directives?box=di".into(),
            format!("/meetings?unit={unit}"),
            format!("/meetings/report?unit={unit}"),
            format!("/meetings/{meeting}"),
            format!("/units/{unit}/transfers"),
            format!("/transfers/{transfer}"),
            format!("/transfers/{transfer}/letter"),
            format!("/members/{member}/transfer"),
            "/change-requests".into(),
            format!("/units/{unit}/strike-off"),
            format!("/units/{unit}/dues/ledger"),
            format!("/units/{unit}/dues/arrears"),
            format!("/members/{member}/dues"),
            format!("/members/{member}/residence"),
            format!("/units/{unit}/residence"),
            format!("/units/{unit}/evaluation"),
            format!("/units/{unit}/enterprises"),
            format!("/members/{member}/party-work"),
            format!("/units/{unit}/discipline"),
            format!("/units/{unit}/exemptions"),
            format!("/units/{unit}/cards"),
            format!("/units/{unit}/cards/check"),
            format!("/units/{unit}/badges"),
            format!("/units/{unit}/member-work"),
            "/directives/new".into(),
            format!("/directives/{directive}"),
            "/import".into(),
            "/account".into(),
        ]
    };
    let secretary = vec![
        "/".into(),
        format!("/units/{cell}"),
        format!("/members?unit={cell}"),
        format!("/members/{member}"),
        format!("/reports/counts?unit={cell}"),
        format!("/reports/admissions?unit={cell}"),
        format!("/admission/worklist?unit={cell}"),
        format!("/admission/cases/{case}"),
        format!("/quality?unit={cell}"),
        "/directives".into(),
        format!("/directives/{directive}"),
        "/meetings".into(),
        "/feedback".into(),
        format!("/meetings/new?unit={cell}"),
        format!("/meetings/{meeting}"),
        format!("/units/{cell}/strike-off"),
        format!("/units/{cell}/handbook-accounts"),
        format!("/units/{cell}/study"),
        format!("/units/{cell}/member-tasks"),
        format!("/units/{cell}/dues"),
        format!("/units/{cell}/dues/ledger"),
        format!("/members/{member}/dues"),
        format!("/members/{member}/party-work"),
        format!("/units/{cell}/exemptions"),
        "/inbox".into(),
        "/account".into(),
    ];
    vec![
        Person { username: "tinh.tochuc", pages: staff(province) },
        Person { username: "xa.tochuc", pages: [staff(commune), vec![job, round_sheet]].concat() },
        Person { username: "bithu", pages: secretary },
        Person {
            username: "dangvien",
            pages: vec![
                "/".into(),
                "/handbook".into(),
                "/handbook/meetings".into(),
                "/handbook/documents".into(),
                "/handbook/study".into(),
                "/handbook/tasks".into(),
                "/handbook/dues".into(),
                "/handbook/evaluation".into(),
                "/offline".into(),
                format!("/members/{member}"),
                format!("/members/{member}/requests/new"),
                "/feedback".into(),
                "/feedback/new".into(),
                "/documents".into(),
                "/documents/3".into(),
                "/inbox".into(),
                "/account".into(),
            ],
        },
        Person {
            username: "quantri",
            pages: vec!["/admin/accounts".into(), "/admin/audit".into(), "/admin/calendar".into(), "/account".into()],
        },
    ]
}

/// Opens `path`; answers what is wrong with it as lines naming the page, or a refusal if the
/// page is an error page (the person should be able to open it).
async fn open(browser: &Browser, app: &App, path: &str) -> Result<(), String> {
    browser.open(app, path).await;
    let html = browser.client.source().await.unwrap();
    if html.contains("(mã lỗi ") {
        return Err(format!("{path}: answers an error page"));
    }
    Ok(())
}

async fn layout(browser: &Browser) -> Layout {
    let v = browser.client.execute(MEASURE, vec![Value::from(MIN_TARGET)]).await.unwrap();
    serde_json::from_value(v).unwrap()
}

/// The axe-core violations of the page the browser shows (id, impact, targets), one per line.
pub(super) async fn axe(browser: &Browser) -> Vec<String> {
    browser.client.execute(&format!("{AXE}\nreturn true;"), vec![]).await.unwrap();
    let v = browser.client.execute_async(AXE_RUN, vec![]).await.unwrap();
    serde_json::from_value(v).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn main_pages_fit_a_phone_and_pass_axe() {
    if !super::wanted("main_pages_fit_a_phone_and_pass_axe") {
        return;
    }
    let app = support::spawn(conformance::Engine::Sqlite, 400).await.expect("app");
    let picks = picks(&app).await;
    let people = people(&app, &picks).await;
    let mut failures: Vec<String> = Vec::new();

    let phone = Browser::start(360, 800).await;
    for person in &people {
        switch_to(&phone, &app, person.username).await;
        for size in ["normal", "large"] {
            phone.open(&app, &format!("/prefs/text?size={size}&back=/account")).await;
            for path in &person.pages {
                if let Err(e) = open(&phone, &app, path).await {
                    failures.push(format!("{} {e}", person.username));
                    continue;
                }
                let found = layout(&phone).await;
                assert!(found.targets > 0, "{path}: no link or button measured");
                failures.extend(found.problems.into_iter().map(|p| format!("{} {size} text, 360 px, {path}: {p}", person.username)));
                // axe once per page at 360 px (normal text).
                if size == "normal" && (person.username != "xa.tochuc" && person.username != "bithu") {
                    failures.extend(axe(&phone).await.into_iter().map(|v| format!("{} 360 px, {path}: axe {v}", person.username)));
                }
            }
        }
    }

    // The checks themselves: a page made too wide, with a small button, a table wider than its
    // frame, a chart label past the chart's edge and an image without a text, is reported.
    open(&phone, &app, "/account").await.unwrap();
    phone
        .client
        .execute(
            "const d = document.createElement('div'); d.style.cssText = 'width:600px;height:1em'; d.className = 'control'; \
             const b = document.createElement('button'); b.textContent = 'x'; b.style.cssText = 'min-height:0;min-width:0;padding:0'; \
             const i = document.createElement('img'); i.src = '/favicon.ico'; \
             const w = document.createElement('div'); w.className = 'table-wrap'; \
             const t = document.createElement('table'); t.style.cssText = 'width:800px'; t.textContent = 'x'; w.append(t); \
             const ns = 'http://www.w3.org/2000/svg'; const svg = document.createElementNS(ns, 'svg'); \
             svg.setAttribute('class', 'chart'); svg.setAttribute('viewBox', '0 0 100 20'); \
             const l = document.createElementNS(ns, 'text'); l.setAttribute('x', '60'); l.setAttribute('y', '15'); \
             l.textContent = 'Đoàn TNCS Hồ Chí Minh'; svg.append(l); \
             document.querySelector('main').append(d, b, i, w, svg);",
            vec![],
        )
        .await
        .unwrap();
    let control = layout(&phone).await;
    assert!(control.problems.iter().any(|p| p.starts_with("scrolls sideways") && p.contains("div.control")), "{:?}", control.problems);
    assert!(control.problems.iter().any(|p| p.starts_with("small target") && p.contains("button")), "{:?}", control.problems);
    assert!(control.problems.iter().any(|p| p.starts_with("a table scrolls sideways")), "{:?}", control.problems);
    assert!(control.problems.iter().any(|p| p.starts_with("a chart cuts its text")), "{:?}", control.problems);
    let control = axe(&phone).await;
    assert!(control.iter().any(|v| v.starts_with("image-alt")), "{control:?}");
    phone.close().await;

    // axe at a desk's width.
    let desk = Browser::start(1280, 900).await;
    for person in people.iter().filter(|p| p.username == "tinh.tochuc" || p.username == "quantri") {
        switch_to(&desk, &app, person.username).await;
        for path in &person.pages {
            if let Err(e) = open(&desk, &app, path).await {
                failures.push(format!("{} {e}", person.username));
                continue;
            }
            failures.extend(axe(&desk).await.into_iter().map(|v| format!("{} 1280 px, {path}: axe {v}", person.username)));
        }
    }
    desk.close().await;

    assert!(failures.is_empty(), "{} problems:\n{}", failures.len(), failures.join("\n"));
}
