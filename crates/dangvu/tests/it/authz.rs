//! The authorization matrix, built from the router's own route table (`web::route_table`): every
//! route × every role × a record in scope and one out of scope → the status the policy promises.
//! A route whose path parameters the matrix cannot fill fails the test, so a new route is
//! covered the day it is added. Also: guessing identifiers never reveals out-of-scope records.

use std::collections::HashMap;

use domain::access::{Capability, Grant, Role};
use domain::ids::{MemberId, UnitId};
use reqwest::Method;
use serde_json::Value;
use storage::prelude::*;
use storage::{MemberQuery, StatusFilter};
use web::policy::Policy;

use crate::http_on_both_engines;
use crate::support::{self, App, PASSWORD};

http_on_both_engines!(0; every_route_every_role, guessed_identifiers_reveal_nothing, units_named_in_bodies);

/// The organization used by both scenarios: province → commune A (chi bộ A1) and commune B (chi bộ B1).
struct Fixture {
    unit_in: UnitId,
    unit_out: UnitId,
    commune_a: UnitId,
    /// Members of A1 (the first has an account with the member role) and of B1.
    self_member: MemberId,
    /// Each member's discipline, exemption and card (the `{item}` of a member's routine paths).
    routine_items: Vec<RoutineItems>,
    /// A1's and B1's badge lists.
    list_in: i64,
    list_out: i64,
    member_in: MemberId,
    member_out: MemberId,
    event_in: i64,
    event_out: i64,
    event_self: i64,
    /// Admission cases of a candidate of A1 and of B1.
    case_in: i64,
    case_out: i64,
    /// Congress terms of A1 and of B1 (each also has occasions on 1/1 to 4/1).
    term_in: i64,
    term_out: i64,
    /// Directives with a task sent by commune A to A1 and by commune B to B1.
    directive_in: i64,
    directive_out: i64,
    /// Meetings of A1 and of B1.
    meeting_in: i64,
    meeting_out: i64,
    /// Consolidation plans of A1 and of B1.
    plan_in: i64,
    plan_out: i64,
    /// Feedback from the member with an account to A1, and from the member of B1 to B1.
    feedback_in: i64,
    feedback_out: i64,
    /// The sender's file of each directive.
    directive_file_in: i64,
    directive_file_out: i64,
    /// A document of each meeting.
    meeting_document_in: i64,
    meeting_document_out: i64,
    /// The secretary's seats on the committees of A1 and of B1.
    seat_in: i64,
    seat_out: i64,
    /// The holder of the seat on A1's committee (an official member of A1).
    seat_holder_in: MemberId,
    /// Temporary transfers of the seat holders of A1 (to commune A) and of B1 (to commune B),
    /// each accepted: both sides of the first lie in commune A.
    transfer_in: i64,
    transfer_out: i64,
    /// Requests to correct the record, each with an attachment: the member with an account's (A1)
    /// and the member of B1's.
    request_in: i64,
    request_out: i64,
    /// Strike-off proposals on the second member of A1 and on the member of B1.
    proposal_in: i64,
    proposal_out: i64,
    /// A notice of the administrator's (no actor's own).
    notice_out: i64,
    /// Tasks A1 assigned the member with an account, and B1 its member.
    task_in: i64,
    task_out: i64,
    /// Documents in the libraries of communes A and B (for everyone under them), each with an attachment.
    document_in: i64,
    document_out: i64,
    attachment_in: i64,
    attachment_out: i64,
    /// A dues payment and a declaration waiting for the chi bộ, of each of the three members.
    dues: Vec<DuesFixture>,
    /// Evaluation rounds opened by A1 and B1.
    round_in: i64,
    round_out: i64,
    /// Enterprises registered under A1 and B1.
    enterprise_in: i64,
    enterprise_out: i64,
}

struct DuesFixture {
    member: MemberId,
    payment: i64,
    basis: i64,
}

struct RoutineItems {
    member: MemberId,
    discipline: i64,
    exemption: i64,
    card: i64,
}

async fn fixture(store: &dyn Store) -> Fixture {
    use domain::unit::UnitKind::*;
    let ctx = storage::WriteContext::new("test", support::now());
    let on = domain::dates::parse_date("01/01/2000").unwrap();
    let decision = storage::OrgDecision {
        effective: on,
        basis: domain::unit::LegalBasis {
            number: domain::ids::DecisionNumber::parse("1-QĐ/TU").unwrap(),
            date: on,
            issuer: "Tỉnh ủy".into(),
        },
        note: None,
    };
    let make = async |kind, code: &str, name: &str, parent| {
        let spec = storage::UnitSpec { kind, code: domain::ids::UnitCode::parse(code).unwrap(), name: name.into(), parent };
        store.create_unit(&ctx, storage::NewUnit { spec, decision: decision.clone() }).await.unwrap()
    };
    let p = make(Province, "T", "Tỉnh ủy", None).await;
    let a = make(Commune, "A", "Đảng bộ xã An", Some(p)).await;
    let b = make(Commune, "B", "Đảng bộ xã Bình", Some(p)).await;
    let a1 = make(GrassrootsCell, "A1", "Chi bộ thôn An", Some(a)).await;
    let b1 = make(GrassrootsCell, "B1", "Chi bộ thôn Bình", Some(b)).await;
    let mut people = Vec::new();
    let person = |i: usize, name: &str| support::person(name, &format!("00108000000{i}"));
    for (i, (name, unit)) in [("Nguyễn Văn Tự", a1), ("Lê Thị Trong", a1), ("Trần Văn Ngoài", b1)].into_iter().enumerate() {
        let (identity, profile) = person(i, name);
        let admitted = domain::event::EventData {
            kind: domain::event::EventKind::Admitted { unit: unit_ref(unit), origin: Default::default() },
            effective: domain::dates::parse_date("01/01/2010").unwrap(),
            basis: Some(decision.basis.clone()),
            note: None,
        };
        // Official members (recognized in 2011), so each can be given a card and an exemption.
        let later = |kind, on: &str| domain::event::EventData {
            kind,
            effective: domain::dates::parse_date(on).unwrap(),
            basis: Some(decision.basis.clone()),
            note: None,
        };
        let events = vec![
            admitted,
            later(domain::event::EventKind::Ceremony, "01/01/2010"),
            later(domain::event::EventKind::RecognizedOfficial, "01/01/2011"),
        ];
        let new = storage::NewMember { identity, profile: domain::member::DatedProfile { valid_from: None, profile }, events };
        let id = store.create_member(&ctx, new).await.unwrap();
        people.push((id, store.member(id).await.unwrap().events[0].id.0));
    }
    let mut cases = Vec::new();
    for (i, (name, unit)) in [(5, ("Phạm Quần Tự", a1)), (6, ("Phạm Quần Ngoài", b1))] {
        let (identity, profile) = person(i, name);
        let candidate = domain::pipeline::Candidate::new(unit, identity, profile, domain::pipeline::CandidateSource::YouthUnion);
        cases.push(store.create_candidate(&ctx, candidate).await.unwrap());
    }
    let mut terms = Vec::new();
    for unit in [a1, b1] {
        let first_day = domain::dates::parse_date("01/07/2020").unwrap();
        let last_day = domain::dates::parse_date("30/06/2025").unwrap();
        terms.push(store.create_term(&ctx, unit, storage::TermInput { first_day, last_day, target: Some(5) }).await.unwrap());
        for day in 1..=4 {
            store.add_occasion(&ctx, unit, &format!("{day}/1"), "Ngày truyền thống").await.unwrap();
        }
    }
    let mut directives = Vec::new();
    let mut directive_files = Vec::new();
    for (sender, to) in [(a, a1), (b, b1)] {
        let draft = domain::directives::Draft {
            kind: domain::directives::DirectiveKind::Letter,
            number: "1-CV/ĐU".into(),
            title: "Báo cáo tình hình".into(),
            body: "Đề nghị báo cáo.".into(),
            reach: domain::directives::Reach { kinds: vec![GrassrootsCell], depth: None },
            task: Some(domain::directives::Task { asks: "Báo cáo".into(), deadline: domain::directives::Deadline::WorkingDays(5) }),
        };
        let id = store.send_directive(&ctx, sender, draft).await.unwrap();
        assert_eq!(store.directive(id, support::today()).await.unwrap().receipts[0].unit, to);
        directives.push(id);
        directive_files.push(store.attach_directive_file(&ctx, id, None, "phu-luc.pdf", "application/pdf", b"%PDF-1.7").await.unwrap());
    }
    let mut meetings = Vec::new();
    let mut meeting_documents = Vec::new();
    for unit in [a1, b1] {
        let input = domain::meetings::MeetingInput {
            kind: domain::meetings::MeetingKind::Regular,
            held_on: domain::dates::parse_date("05/11/2026").unwrap(),
            starts_at: chrono::NaiveTime::from_hms_opt(19, 30, 0).unwrap(),
            length_minutes: Some(90),
            place: "Nhà văn hóa".into(),
            agenda: "Sinh hoạt thường kỳ.".into(),
        };
        let id = store.create_meeting(&ctx, unit, input).await.unwrap();
        meetings.push(id);
        meeting_documents.push(store.add_meeting_document(&ctx, id, "tai-lieu.pdf", "application/pdf", b"%PDF-1.7").await.unwrap());
    }
    let mut seats = Vec::new();
    let mut seat_holders = Vec::new();
    for (i, unit) in [(7, a1), (8, b1)] {
        let (identity, profile) = person(i, "Đỗ Văn Chức");
        let event = |kind, effective: &str| domain::event::EventData {
            kind,
            effective: domain::dates::parse_date(effective).unwrap(),
            basis: Some(decision.basis.clone()),
            note: None,
        };
        let events = vec![
            event(domain::event::EventKind::Admitted { unit: unit_ref(unit), origin: Default::default() }, "01/01/2010"),
            event(domain::event::EventKind::Ceremony, "01/01/2010"),
            event(domain::event::EventKind::RecognizedOfficial, "01/01/2011"),
        ];
        let new = storage::NewMember { identity, profile: domain::member::DatedProfile { valid_from: None, profile }, events };
        let member = store.create_member(&ctx, new).await.unwrap();
        let from = domain::dates::parse_date("01/07/2025").unwrap();
        let seat = domain::committees::SeatInput::parse(member, "bi-thu", from, None, "Kết quả bầu").unwrap();
        seats.push(store.add_seat(&ctx, unit, seat).await.unwrap());
        seat_holders.push(member);
    }
    let mut requests = Vec::new();
    for member in [people[0].0, people[2].0] {
        let input = domain::change_requests::RequestInput {
            field: domain::change_requests::RequestField::Hometown,
            value: "xã An Phú".into(),
            note: "Theo giấy khai sinh".into(),
        };
        let file = storage::RequestFile { name: "khai-sinh.pdf".into(), media_type: "application/pdf".into(), bytes: b"%PDF-1.7".to_vec() };
        requests.push(store.send_change_request(&ctx, member, input, Some(file)).await.unwrap());
    }
    let mut proposals = Vec::new();
    for member in [people[1].0, people[2].0] {
        let input = domain::strike_off::ProposalInput {
            reason: domain::event::StrikeOffReason::AbandonedActivities,
            evidence: "Vắng sinh hoạt không lý do ba tháng".into(),
            resolution: domain::strike_off::Resolution {
                on: domain::dates::parse_date("20/11/2026").unwrap(),
                text: "Nghị quyết đề nghị xóa tên".into(),
                votes_for: 3,
                votes_counted: 4,
            },
        };
        proposals.push(store.propose_strike_off(&ctx, member, input).await.unwrap());
    }
    let mut transfers = Vec::new();
    for (member, (unit, commune)) in seat_holders.iter().zip([(a1, a), (b1, b)]) {
        let letter = domain::dates::parse_date("02/03/2026").unwrap();
        let plan = domain::transfers::TransferPlan {
            mode: domain::event::TransferMode::Temporary,
            temporary_reason: Some(domain::transfers::TemporaryReason::Study),
            from: unit_ref(unit),
            to: unit_ref(commune),
            route: domain::transfers::Route::WithinGrassroots,
            letter: domain::transfers::Letter { number: "3/GTSHĐ".into(), date: letter, issuer: "Đảng ủy xã".into() },
            until: Some(domain::dates::parse_date("31/12/2026").unwrap()),
            cause: "Đi học tập trung".into(),
            cause_on: None,
        };
        let id = store.issue_transfer(&ctx, *member, plan).await.unwrap();
        store.accept_transfer(&ctx, id, 1, unit, domain::dates::parse_date("09/03/2026").unwrap()).await.unwrap();
        transfers.push(id);
    }
    let mut plans = Vec::new();
    for unit in [a1, b1] {
        let measure = domain::weak::plan::Measure {
            text: "Kiện toàn cấp ủy".into(),
            responsible: "Bí thư".into(),
            due: domain::dates::parse_date("31/12/2026").unwrap(),
            done: None,
            note: None,
        };
        plans.push(store.create_plan(&ctx, unit, 2026, vec![measure]).await.unwrap());
    }
    let mut feedback = Vec::new();
    for (member, unit) in [(people[0].0, a1), (people[2].0, b1)] {
        let input = domain::feedback::FeedbackInput::parse("de-xuat", "Đề xuất", "Nội dung đề xuất.").unwrap();
        feedback.push(store.send_feedback(&ctx, storage::Sender::Member(member), unit, input).await.unwrap());
    }
    let mut documents = Vec::new();
    for owner in [a, b] {
        let fields = domain::documents::DocumentFields {
            kind: "huong-dan",
            issued_on: "01/01/2026",
            issuer: "Đảng ủy xã",
            title: "Hướng dẫn sinh hoạt chi bộ",
            ..Default::default()
        };
        let id = store.create_document(&ctx, owner, domain::documents::DocumentInput::parse(&fields).unwrap()).await.unwrap();
        let attachment = store.add_attachment(&ctx, id, 1, "huong-dan.pdf", "application/pdf", b"%PDF-1.7").await.unwrap();
        documents.push((id, attachment));
    }
    let mut tasks = Vec::new();
    for (member, unit) in [(people[0].0, a1), (people[2].0, b1)] {
        let fields =
            domain::member_tasks::TaskFields { title: "Vận động hộ gia đình", assignees: &[member], ..Default::default() };
        let task = domain::member_tasks::TaskInput::parse(&fields, ctx.today).unwrap();
        tasks.push(store.assign_task(&ctx, unit, task).await.unwrap());
    }
    let mut dues = Vec::new();
    for member in [people[0].0, people[1].0, people[2].0] {
        let month = domain::dates::Month::of(ctx.today);
        let paid = domain::dues::PaymentInput { month, amount: 10_000, paid_on: ctx.today, method: domain::dues::PayMethod::Cash };
        let payment = store.record_dues_payment(&ctx, member, paid).await.unwrap();
        let student = domain::dues::Basis::new(domain::dues::BasisKind::Student, None).unwrap();
        let basis = store.record_dues_basis(&ctx, member, month, student, storage::BasisSource::Member).await.unwrap();
        dues.push(DuesFixture { member, payment, basis });
    }
    let mut rounds = Vec::new();
    for cell in [a1, b1] {
        rounds.push(
            store
                .open_round(
                    &ctx,
                    cell,
                    &domain::evaluation::RoundPlan {
                        period: domain::evaluation::Period::Year(2026),
                        quota_percent: 20,
                        due_on: ctx.today,
                        criteria: None,
                    },
                )
                .await
                .unwrap(),
        );
    }
    let mut enterprises = Vec::new();
    for (i, cell) in [a1, b1].into_iter().enumerate() {
        let fields = domain::enterprises::EnterpriseFields {
            name: "Công ty TNHH Thành Công",
            tax_code: ["0101234567", "0101234568"][i],
            ownership: "tu-nhan",
            ..Default::default()
        };
        let e = domain::enterprises::Enterprise::parse(&fields, ctx.today).unwrap();
        enterprises.push(store.add_enterprise(&ctx, cell, e).await.unwrap());
    }
    // Member routines: each of the three members has a discipline, an exemption (ended) and a
    // card; each chi bộ a badge list for the next award day.
    let mut routine_items = Vec::new();
    for (member, _) in &people {
        let on = domain::dates::parse_date("01/06/2026").unwrap();
        let number = domain::ids::DecisionNumber::parse("1-QĐ/CB").unwrap();
        let d = storage::DisciplineInput {
            form: domain::discipline::Form::Reprimand,
            body: "Chi bộ".into(),
            decision: number.clone(),
            decided_on: on,
            announced_on: on,
            reason: "Vi phạm".into(),
            post: None,
        };
        let discipline = store.record_discipline(&ctx, *member, d).await.unwrap();
        let x = domain::exemptions::Exemption {
            ground: domain::exemptions::Ground::Elderly,
            resolved_on: on,
            resolution: "1-NQ/CB".into(),
            from: on,
            until: None,
        };
        let exemption = store.record_exemption(&ctx, *member, x).await.unwrap();
        store.end_exemption(&ctx, exemption, 1, domain::dates::parse_date("01/09/2026").unwrap(), number).await.unwrap();
        let issue = domain::cards::Issue {
            series: domain::cards::Series::S2003,
            number: domain::cards::CardNumber::parse(
                domain::cards::Series::S2003,
                &format!("8000000{}", member.0 % 10),
                Default::default(),
            )
            .unwrap(),
            kind: domain::cards::IssueKind::New,
            issued_on: on,
            decision: "2-QĐ/ĐU".into(),
            round: String::new(),
        };
        let card = store.issue_card(&ctx, *member, issue).await.unwrap();
        routine_items.push(RoutineItems { member: *member, discipline, exemption, card });
    }
    let award_on = domain::badges::AwardDay::next(ctx.today).1;
    let badge_lists = [store.open_badge_list(&ctx, a1, award_on).await.unwrap(), store.open_badge_list(&ctx, b1, award_on).await.unwrap()];
    store.announce(&ctx, &[1], "Thông báo của quản trị", "").await.unwrap();
    let notice_out = store.inbox(1, None, false, 1).await.unwrap().items[0].id;
    Fixture {
        routine_items,
        list_in: badge_lists[0],
        list_out: badge_lists[1],
        dues,
        round_in: rounds[0],
        round_out: rounds[1],
        enterprise_in: enterprises[0],
        enterprise_out: enterprises[1],
        task_in: tasks[0],
        task_out: tasks[1],
        proposal_in: proposals[0],
        proposal_out: proposals[1],
        request_in: requests[0],
        request_out: requests[1],
        transfer_in: transfers[0],
        transfer_out: transfers[1],
        seat_holder_in: seat_holders[0],
        seat_in: seats[0],
        seat_out: seats[1],
        notice_out,
        document_in: documents[0].0,
        document_out: documents[1].0,
        attachment_in: documents[0].1,
        attachment_out: documents[1].1,
        feedback_in: feedback[0],
        feedback_out: feedback[1],
        plan_in: plans[0],
        plan_out: plans[1],
        meeting_in: meetings[0],
        meeting_out: meetings[1],
        directive_in: directives[0],
        directive_out: directives[1],
        directive_file_in: directive_files[0],
        directive_file_out: directive_files[1],
        meeting_document_in: meeting_documents[0],
        meeting_document_out: meeting_documents[1],
        term_in: terms[0],
        term_out: terms[1],
        unit_in: a1,
        unit_out: b1,
        commune_a: a,
        self_member: people[0].0,
        member_in: people[1].0,
        member_out: people[2].0,
        event_self: people[0].1,
        event_in: people[1].1,
        event_out: people[2].1,
        case_in: cases[0],
        case_out: cases[1],
    }
}

fn unit_ref(u: UnitId) -> domain::event::UnitRef {
    domain::event::UnitRef::Internal(u)
}

/// One role: its logged-in client (pages), its token (API) and what it may reach.
struct Actor {
    role: Option<Role>,
    client: reqwest::Client,
    csrf: String,
    token: String,
    /// Its own spare tokens: the targets of the two token routes (revoking them harms nothing).
    spare_tokens: [i64; 2],
    /// A notice in its own inbox.
    notice: i64,
}

impl Actor {
    fn allows(&self, capability: Capability) -> bool {
        self.role.is_some_and(|r| r.allows(capability))
    }
}

async fn actor(app: &App, role: Option<Role>, grant_unit: Option<UnitId>, member: Option<MemberId>, name: &str) -> Actor {
    let client = support::browser();
    let Some(role) = role else {
        // Anonymous: only the pre-login anti-forgery cookie.
        let page = client.get(app.url("/login")).send().await.unwrap().text().await.unwrap();
        return Actor { role: None, client, csrf: support::csrf_of(&page), token: String::new(), spare_tokens: [0, 0], notice: 0 };
    };
    let account = support::account(app.store.as_ref(), name, vec![Grant { role, unit: grant_unit }], member).await;
    let token = support::token(app.store.as_ref(), account).await;
    let ctx = storage::WriteContext::new("test", support::now());
    let mut spare_tokens = [0; 2];
    for (i, t) in spare_tokens.iter_mut().enumerate() {
        *t = app.store.create_token(&ctx, account, "spare", &format!("spare-{name}-{i}")).await.unwrap();
    }
    app.store.announce(&ctx, &[account], "Thông báo riêng", "").await.unwrap();
    let notice = app.store.inbox(account, None, false, 1).await.unwrap().items[0].id;
    let res = support::login(&app.base, &client, name, PASSWORD).await;
    assert_eq!(res.status().as_u16(), 303, "{name} logs in");
    let csrf = support::session_csrf(&app.base, &client).await;
    Actor { role: Some(role), client, csrf, token, spare_tokens, notice }
}

/// What a path parameter's scope depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scoped {
    /// Nothing: both cases are the same request.
    No,
    /// The register (the administrator reaches everything).
    Register,
    /// The caller's own account (nobody reaches another's tokens).
    Own,
}

/// Fills the path's parameters for `who`, in or out of scope.
fn fill(path: &str, f: &Fixture, who: &Actor, in_scope: bool, throwaway_account: i64, grant: i64, admin_token: i64) -> (String, Scoped) {
    let member_role = who.role == Some(Role::Member);
    let (member, event) = match (in_scope, member_role) {
        (true, true) => (f.self_member, f.event_self),
        (true, false) => (f.member_in, f.event_in),
        (false, _) => (f.member_out, f.event_out),
    };
    let unit = if in_scope { f.unit_in } else { f.unit_out };
    let mut scoped = Scoped::No;
    let mut out = String::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let end = rest[start..].find('}').map(|e| start + e).unwrap();
        out.push_str(&rest[..start]);
        let name = &rest[start + 1..end];
        let value = match (name, path) {
            ("id", p) if p.starts_with("/members/") || p.starts_with("/api/v1/members/") => {
                scoped = Scoped::Register;
                member.0.to_string()
            }
            ("event_id", _) => event.to_string(),
            ("id", p) if p.starts_with("/units/") || p.starts_with("/api/v1/units/") => {
                scoped = Scoped::Register;
                unit.0.to_string()
            }
            ("id", p) if p.starts_with("/admission/cases/") || p.starts_with("/api/v1/admission/cases/") => {
                scoped = Scoped::Register;
                (if in_scope { f.case_in } else { f.case_out }).to_string()
            }
            ("id", p) if p.starts_with("/admission/plans/terms/") || p.starts_with("/api/v1/terms/") => {
                scoped = Scoped::Register;
                (if in_scope { f.term_in } else { f.term_out }).to_string()
            }
            ("id", p) if p.starts_with("/directives/files/") || p.starts_with("/api/v1/directives/files/") => {
                scoped = Scoped::Register;
                (if in_scope { f.directive_file_in } else { f.directive_file_out }).to_string()
            }
            ("id", p) if p.starts_with("/directives/") || p.starts_with("/api/v1/directives/") => {
                scoped = Scoped::Register;
                (if in_scope { f.directive_in } else { f.directive_out }).to_string()
            }
            // The member's handbook: a meeting of their own chi bộ (A1) and its document, a
            // document for them; those of B1 are not theirs.
            ("id", p) if p.starts_with("/handbook/meetings/") => {
                scoped = Scoped::Own;
                (if in_scope { f.meeting_in } else { f.meeting_out }).to_string()
            }
            ("document", p) if p.starts_with("/handbook/meetings/") => {
                (if in_scope { f.meeting_document_in } else { f.meeting_document_out }).to_string()
            }
            ("id", p) if p.starts_with("/handbook/tasks/") => {
                scoped = Scoped::Own;
                (if in_scope { f.task_in } else { f.task_out }).to_string()
            }
            ("id", p) if p.starts_with("/handbook/documents/") => {
                scoped = Scoped::Own;
                (if in_scope { f.document_in } else { f.document_out }).to_string()
            }
            ("id", p) if p.starts_with("/meetings/documents/") || p.starts_with("/api/v1/meetings/documents/") => {
                scoped = Scoped::Register;
                (if in_scope { f.meeting_document_in } else { f.meeting_document_out }).to_string()
            }
            ("id", p) if p.starts_with("/meetings/") || p.starts_with("/api/v1/meetings/") => {
                scoped = Scoped::Register;
                (if in_scope { f.meeting_in } else { f.meeting_out }).to_string()
            }
            ("id", p) if p.starts_with("/committee/seats/") || p.starts_with("/api/v1/committee-seats/") => {
                scoped = Scoped::Register;
                (if in_scope { f.seat_in } else { f.seat_out }).to_string()
            }
            ("id", p) if p.starts_with("/strike-off/") || p.starts_with("/api/v1/strike-off/") => {
                scoped = Scoped::Register;
                (if in_scope { f.proposal_in } else { f.proposal_out }).to_string()
            }
            ("id", p) if p.starts_with("/change-requests/") || p.starts_with("/api/v1/change-requests/") => {
                scoped = Scoped::Register;
                (if in_scope { f.request_in } else { f.request_out }).to_string()
            }
            ("id", p) if p.starts_with("/transfers/") || p.starts_with("/api/v1/transfers/") => {
                scoped = Scoped::Register;
                (if in_scope { f.transfer_in } else { f.transfer_out }).to_string()
            }
            ("id", p) if p.starts_with("/weak/plans/") || p.starts_with("/api/v1/weak-plans/") => {
                scoped = Scoped::Register;
                (if in_scope { f.plan_in } else { f.plan_out }).to_string()
            }
            ("seq", _) => "1".into(),
            // The path member's own discipline, exemption or card.
            ("item", p) => {
                let items = f.routine_items.iter().find(|r| r.member == member).unwrap();
                let id = if p.contains("/exemptions/") {
                    items.exemption
                } else if p.contains("/cards/") {
                    items.card
                } else {
                    items.discipline
                };
                id.to_string()
            }
            ("list", _) => (if in_scope { f.list_in } else { f.list_out }).to_string(),
            // The round the unit the path names opened (in scope: A1's).
            ("enterprise", _) => (if in_scope { f.enterprise_in } else { f.enterprise_out }).to_string(),
            ("round", _) => (if in_scope { f.round_in } else { f.round_out }).to_string(),
            // The member's own payment and declaration (the member is checked with the path's id).
            ("payment", _) => f.dues.iter().find(|d| d.member == member).map(|d| d.payment).unwrap_or(0).to_string(),
            ("basis", _) => f.dues.iter().find(|d| d.member == member).map(|d| d.basis).unwrap_or(0).to_string(),
            ("id", p) if p.starts_with("/documents/attachments/") || p.starts_with("/api/v1/documents/attachments/") => {
                scoped = Scoped::Register;
                (if in_scope { f.attachment_in } else { f.attachment_out }).to_string()
            }
            ("id", p) if p.starts_with("/documents/") || p.starts_with("/api/v1/documents/") => {
                scoped = Scoped::Register;
                (if in_scope { f.document_in } else { f.document_out }).to_string()
            }
            ("id", p) if p.starts_with("/feedback/") || p.starts_with("/api/v1/feedback/") => {
                scoped = Scoped::Register;
                (if in_scope { f.feedback_in } else { f.feedback_out }).to_string()
            }
            // The receiving unit of the directive.
            ("unit", _) => unit.0.to_string(),
            // An occasion the unit added, one per role that may remove it (each removes its own).
            ("day_month", _) => match who.role {
                Some(Role::Admin) => "1-1",
                Some(Role::OrgBoardStaff) => "2-1",
                Some(Role::CommitteeLeader) => "3-1",
                _ => "4-1",
            }
            .into(),
            // Any step: the case is checked first, and the body sent carries no version.
            ("step", _) => "1".into(),
            ("year", _) => "2026".into(),
            ("op", _) => "rename".into(),
            ("id", p) if p.starts_with("/admin/accounts/") => throwaway_account.to_string(),
            // An import job nobody here uploaded (each is its uploader's alone: `import.rs`).
            ("id", p) if p.starts_with("/import/") => "khongcoviecnay".into(),
            ("grant", _) => grant.to_string(),
            // Notices: one's own, or the administrator's (nobody reaches another's inbox).
            ("id", p) if p.starts_with("/inbox/") || p.starts_with("/api/v1/inbox/") => {
                scoped = Scoped::Own;
                if in_scope { who.notice.to_string() } else { f.notice_out.to_string() }
            }
            ("id", p) if p.starts_with("/account/tokens/") || p.starts_with("/api/v1/tokens/") => {
                scoped = Scoped::Own;
                let spare = who.spare_tokens[usize::from(p.starts_with("/api/"))];
                if in_scope { spare.to_string() } else { admin_token.to_string() }
            }
            (other, p) => panic!("the authorization matrix cannot fill {{{other}}} in {p}: add a fixture for it"),
        };
        out.push_str(&value);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    (out, scoped)
}

/// What the policy promises for `who` on this request.
#[derive(Debug, PartialEq, Eq)]
enum Expect {
    /// The handler ran (any status but 401, 403, 404 or a redirect to the login page).
    Allowed,
    Status(u16),
    /// A page: 303 to the login page.
    Login,
    /// A public route: anything but 401, 403 or 404 (a login step may send back to the login page).
    Public,
}

/// The admission pipeline's writes are open to every reader by the route table and authorized by
/// `AdmissionDesk` before the body is read: these are the capabilities (any of them) each needs.
/// The matrix's bodies are empty, so a step names no kind and either the chi bộ's or the
/// committee's capability lets it through to the body's errors.
fn admission_write(method: &Method, path: &str) -> Option<&'static [Capability]> {
    use Capability::*;
    if *method == Method::GET {
        return None;
    }
    match path {
        "/admission/cases/{id}/steps/new" | "/api/v1/admission/cases/{id}/steps" => Some(&[WriteRegister, RecordMeetings, Decide]),
        "/admission/cases/{id}/edit"
        | "/api/v1/admission/cases/{id}"
        | "/admission/cases/{id}/steps/{step}/void"
        | "/api/v1/admission/cases/{id}/steps/{step}/void"
        | "/units/{id}/admission/new"
        | "/api/v1/admission/cases" => Some(&[WriteRegister, RecordMeetings]),
        "/admission/targets" | "/api/v1/admission/targets" => Some(&[WriteRegister, Decide]),
        // Terms and occasions: the same as the targets (`PlanDesk`).
        "/admission/plans/terms"
        | "/admission/plans/terms/{id}"
        | "/admission/plans/terms/{id}/delete"
        | "/admission/plans/occasions"
        | "/admission/plans/occasions/remove"
        | "/api/v1/units/{id}/terms"
        | "/api/v1/terms/{id}"
        | "/api/v1/units/{id}/occasions"
        | "/api/v1/units/{id}/occasions/{day_month}" => Some(&[WriteRegister, Decide]),
        _ => None,
    }
}

/// The meeting routes that record (`MeetingDesk::require_recording`, `writable`).
fn meeting_write(method: &Method, path: &str) -> bool {
    match (method.as_str(), path) {
        ("GET", "/meetings/new") | ("POST", "/api/v1/units/{id}/meetings") | ("PUT", "/api/v1/meetings/{id}") => true,
        (_, p) if p.starts_with("/meetings/{id}/") || p.starts_with("/api/v1/meetings/{id}/") => {
            *method != Method::GET || p.ends_with("/edit")
        }
        _ => false,
    }
}

fn expected(policy: Policy, api: bool, method: &Method, who: &Actor, scoped: Scoped, in_scope: bool, member_only_units: bool) -> Expect {
    let in_scope = in_scope || (scoped == Scoped::Register && who.role == Some(Role::Admin));
    let scoped = scoped != Scoped::No;
    match (policy, who.role) {
        (Policy::Public, _) => Expect::Public,
        (_, None) if api => Expect::Status(401),
        (_, None) if *method == Method::GET => Expect::Login,
        (_, None) => Expect::Status(401),
        (Policy::Needs(c), Some(_)) if !who.allows(c) => Expect::Status(403),
        (Policy::Staff, Some(Role::Member)) => Expect::Status(403),
        _ if scoped && (!in_scope || member_only_units) => Expect::Status(404),
        _ => Expect::Allowed,
    }
}

async fn every_route_every_role(app: &App) {
    let f = fixture(app.store.as_ref()).await;
    let admin_token = app.store.tokens_of(1).await.unwrap()[0].id;
    let actors = vec![
        actor(app, None, None, None, "").await,
        actor(app, Some(Role::Admin), None, None, "m.admin").await,
        actor(app, Some(Role::OrgBoardStaff), Some(f.commune_a), None, "m.staff").await,
        actor(app, Some(Role::CommitteeLeader), Some(f.commune_a), None, "m.leader").await,
        actor(app, Some(Role::CellSecretary), Some(f.unit_in), None, "m.secretary").await,
        actor(app, Some(Role::Inspector), Some(f.commune_a), None, "m.inspector").await,
        actor(app, Some(Role::Member), None, Some(f.self_member), "m.member").await,
    ];
    let throwaway =
        support::account(app.store.as_ref(), "m.throwaway", vec![Grant { role: Role::Inspector, unit: Some(f.unit_in) }], None).await;
    let grant = app.store.grants(throwaway, support::today()).await.unwrap()[0].id;
    let table = web::route_table();
    assert!(table.len() > 40, "the route table lists every route");
    let mut checked = 0;
    let mut failures = Vec::new();
    for (method, path, policy) in &table {
        // Logging out would end the session the matrix uses; it is tested in auth.rs.
        if *path == "/logout" {
            continue;
        }
        let api = path.starts_with("/api/");
        for who in &actors {
            for in_scope in [true, false] {
                let (url, scoped) = fill(path, &f, who, in_scope, throwaway, grant, admin_token);
                if scoped == Scoped::No && !in_scope {
                    continue;
                }
                // A member's scope is their own record: no unit, so no admission case either.
                let member_only_units = who.role == Some(Role::Member)
                    && [
                        "/units/",
                        "/api/v1/units/",
                        "/admission/cases/",
                        "/api/v1/admission/cases/",
                        "/admission/plans/terms/",
                        "/api/v1/terms/",
                        "/committee/seats/",
                        "/api/v1/committee-seats/",
                        "/transfers/",
                        "/api/v1/transfers/",
                        "/strike-off/",
                        "/api/v1/strike-off/",
                    ]
                    .iter()
                    .any(|p| path.starts_with(p));
                let method = Method::from_bytes(method.as_str().as_bytes()).unwrap();
                let mut want = expected(*policy, api, &method, who, scoped, in_scope, member_only_units);
                if want == Expect::Allowed && admission_write(&method, path).is_some_and(|needs| !needs.iter().any(|c| who.allows(*c))) {
                    want = Expect::Status(403);
                }
                // A top-level unit is the administrator's to establish (`UnitManager::create_unit`):
                // its form opens for no one else.
                if want == Expect::Allowed && method == Method::GET && *path == "/units/new" && who.role != Some(Role::Admin) {
                    want = Expect::Status(403);
                }
                // Directives: sending needs a staff grant with write or decide on the sending unit
                // itself (no one's is the chi bộ A1 the matrix names); acting for a receiving unit,
                // a grant on that very unit (A1's secretary's).
                if want == Expect::Allowed {
                    let sends = matches!(who.role, Some(Role::OrgBoardStaff | Role::CommitteeLeader));
                    let refused = match *path {
                        "/directives/new" => !sends,
                        "/api/v1/units/{id}/directives" => method == Method::POST,
                        // The sender's files: its staff's (A's, who send for A).
                        "/directives/{id}/files" | "/api/v1/directives/{id}/files" => !sends,
                        "/directives/{id}/receipts/{unit}/files" => who.role != Some(Role::CellSecretary),
                        p if p.starts_with("/api/v1/directives/{id}/receipts/{unit}") => who.role != Some(Role::CellSecretary),
                        _ => false,
                    };
                    if refused {
                        want = Expect::Status(403);
                    }
                }
                // Recording meetings needs `meetings` or `write` on the chi bộ (`MeetingDesk`),
                // checked before the body is read.
                let records_meetings = who.allows(Capability::RecordMeetings) || who.allows(Capability::WriteRegister);
                if want == Expect::Allowed && meeting_write(&method, path) && !records_meetings {
                    want = Expect::Status(403);
                }
                // A committee's seats are the organization board's: `write` on the unit
                // (`CommitteeDesk`), checked before the body is read.
                let committee_write = method == Method::POST
                    && matches!(
                        *path,
                        "/units/{id}/committee"
                            | "/api/v1/units/{id}/committee"
                            | "/committee/seats/{id}/end"
                            | "/api/v1/committee-seats/{id}/end"
                            | "/committee/seats/{id}/remove"
                            | "/api/v1/committee-seats/{id}/remove"
                    );
                if want == Expect::Allowed && committee_write && !who.allows(Capability::WriteRegister) {
                    want = Expect::Status(403);
                }
                // A transfer's steps and a new letter are the organization board's: `write` on
                // the side that takes the step (`TransferDesk`), checked before the body is read.
                let transfer_write = method == Method::POST
                    && (path.starts_with("/transfers/{id}/")
                        || path.starts_with("/api/v1/transfers/{id}/")
                        || *path == "/api/v1/members/{id}/transfers");
                if want == Expect::Allowed && transfer_write && !who.allows(Capability::WriteRegister) {
                    want = Expect::Status(403);
                }
                // A request to correct a record is the member's own to send, the organization
                // board's to answer (`ChangeRequestDesk`), both checked before the body is read.
                if want == Expect::Allowed {
                    let sends = matches!(*path, "/members/{id}/requests/new" | "/api/v1/members/{id}/change-requests")
                        && (method == Method::POST || path.ends_with("/new"));
                    let answers = method == Method::POST
                        && (path.starts_with("/change-requests/{id}/") || path.starts_with("/api/v1/change-requests/{id}/"));
                    if (sends && who.role != Some(Role::Member)) || (answers && !who.allows(Capability::WriteRegister)) {
                        want = Expect::Status(403);
                    }
                }
                // Strike-off: the chi bộ's resolution needs `meetings` or `write`, the committee's
                // decision `decide` or `write` (`StrikeOffDesk`), checked before the body is read.
                if want == Expect::Allowed && method == Method::POST {
                    let proposes = matches!(*path, "/units/{id}/strike-off" | "/api/v1/members/{id}/strike-off");
                    let decides = matches!(*path, "/strike-off/{id}/decide" | "/api/v1/strike-off/{id}/decide");
                    let write = who.allows(Capability::WriteRegister);
                    if (proposes && !write && !who.allows(Capability::RecordMeetings))
                        || (decides && !write && !who.allows(Capability::Decide))
                    {
                        want = Expect::Status(403);
                    }
                }
                // The handbook is a member's own: an account linked to no member has none.
                if matches!(want, Expect::Allowed | Expect::Status(404))
                    && path.starts_with("/handbook")
                    && who.role.is_some_and(|r| r != Role::Member)
                {
                    want = Expect::Status(403);
                }
                // Handbook accounts and their codes need `write` or `meetings` on the unit or the
                // member (`AccountDesk`), checked before anything is read.
                if want == Expect::Allowed
                    && path.contains("/handbook-account")
                    && !who.allows(Capability::WriteRegister)
                    && !who.allows(Capability::RecordMeetings)
                {
                    want = Expect::Status(403);
                }
                // Assigning a chi bộ's tasks to its members needs `write` or `meetings`
                // (`MemberTaskDesk`), checked before the body is read.
                if want == Expect::Allowed
                    && method == Method::POST
                    && *path == "/units/{id}/member-tasks"
                    && !who.allows(Capability::WriteRegister)
                    && !who.allows(Capability::RecordMeetings)
                {
                    want = Expect::Status(403);
                }
                // Dues are kept with `write` or `meetings` on the member or unit (`DuesDesk`),
                // checked before the body is read; the member's own declaration is the handbook's.
                if want == Expect::Allowed
                    && method == Method::POST
                    && path.contains("/dues")
                    && !path.starts_with("/handbook")
                    && !who.allows(Capability::WriteRegister)
                    && !who.allows(Capability::RecordMeetings)
                {
                    want = Expect::Status(403);
                }
                // Residence ties, contacts and comments are recorded with `write` or `meetings`
                // (`ResidenceDesk`), checked before the body is read.
                if want == Expect::Allowed
                    && method != Method::GET
                    && path.contains("/residence")
                    && !who.allows(Capability::WriteRegister)
                    && !who.allows(Capability::RecordMeetings)
                {
                    want = Expect::Status(403);
                }
                // Evaluation: opening and closing need `decide` or `write` on the unit; a step needs
                // `meetings` or `write` (proposal) or `decide` or `write` (decision); the matrix's
                // empty forms name no step (400) — so only opening and closing are refused here.
                if want == Expect::Allowed
                    && method == Method::POST
                    && matches!(
                        *path,
                        "/units/{id}/evaluation"
                            | "/units/{id}/evaluation/{round}/close"
                            | "/api/v1/units/{id}/evaluation-rounds"
                            | "/api/v1/units/{id}/evaluation/{round}/close"
                    )
                    && !who.allows(Capability::WriteRegister)
                    && !who.allows(Capability::Decide)
                {
                    want = Expect::Status(403);
                }
                // Member routines: discipline, cards, badges and badge lists are the organization
                // board's (`write`), an exemption also the chi bộ's (`meetings`); the decision on a
                // badge list `write` or `decide` — each checked before the body is read.
                if want == Expect::Allowed && method == Method::POST {
                    let member_routine = path.starts_with("/members/{id}/") || path.starts_with("/api/v1/members/{id}/");
                    let exemption = member_routine && path.contains("/exemptions");
                    let keeps = member_routine && ["/discipline", "/cards", "/badges"].iter().any(|x| path.contains(x));
                    let list = path.starts_with("/units/{id}/badges") || path.starts_with("/api/v1/units/{id}/badge-lists");
                    let decides = list && path.ends_with("/decision");
                    let write = who.allows(Capability::WriteRegister);
                    let refused = (keeps && !write)
                        || (exemption && !write && !who.allows(Capability::RecordMeetings))
                        || (list && !decides && !write)
                        || (decides && !write && !who.allows(Capability::Decide));
                    if refused {
                        want = Expect::Status(403);
                    }
                }
                // The enterprise register is the organization board's: `write` on the unit.
                let enterprise_write = method != Method::GET
                    && (path.starts_with("/units/{id}/enterprises") || path.starts_with("/api/v1/units/{id}/enterprise"));
                let enterprise_edit_form = method == Method::GET && *path == "/units/{id}/enterprises/{enterprise}";
                if want == Expect::Allowed && (enterprise_write || enterprise_edit_form) && !who.allows(Capability::WriteRegister) {
                    want = Expect::Status(403);
                }
                let takes_steps =
                    who.allows(Capability::WriteRegister) || who.allows(Capability::RecordMeetings) || who.allows(Capability::Decide);
                if want == Expect::Allowed
                    && method == Method::POST
                    && *path == "/api/v1/units/{id}/evaluation/{round}/steps"
                    && !takes_steps
                {
                    want = Expect::Status(403);
                }
                // Consolidation plans need `write` or `decide` on the organization (`WeakDesk`).
                let plans = who.allows(Capability::WriteRegister) || who.allows(Capability::Decide);
                let plan_write = method == Method::POST
                    && (path.starts_with("/weak/plans/{id}/")
                        || path.starts_with("/api/v1/weak-plans/{id}/")
                        || *path == "/api/v1/units/{id}/weak-plans");
                if want == Expect::Allowed && plan_write && !plans {
                    want = Expect::Status(403);
                }
                // Feedback: the form needs someone to send as (a member, or a unit of one's own);
                // an answer, a grant on the addressee itself (A1's secretary's).
                if want == Expect::Allowed {
                    let refused = match (method.as_str(), *path) {
                        ("GET", "/feedback/new") => matches!(who.role, Some(Role::Admin | Role::Inspector)),
                        ("POST", "/feedback/{id}/answer" | "/api/v1/feedback/{id}/answer") => who.role != Some(Role::CellSecretary),
                        _ => false,
                    };
                    if refused {
                        want = Expect::Status(403);
                    }
                }
                // Documents: publishing needs `write` or `decide` on the committee (the chi bộ
                // A1 the API path names, or commune A's library); the secretary and the inspector
                // read but do not publish.
                if want == Expect::Allowed {
                    let publishing = method == Method::POST
                        && matches!(
                            *path,
                            "/documents/{id}/attachments" | "/api/v1/documents/{id}/attachments" | "/api/v1/units/{id}/documents"
                        );
                    if publishing && matches!(who.role, Some(Role::CellSecretary | Role::Inspector)) {
                        want = Expect::Status(403);
                    }
                }
                // An import job is seen by its uploader only: for anyone else, who may import,
                // it does not exist (the owner's side is tested in `import.rs`).
                if want == Expect::Allowed && path.starts_with("/import/") {
                    want = Expect::Status(404);
                }
                let mut req = who.client.request(method.clone(), app.url(&url));
                if api {
                    if !who.token.is_empty() {
                        req = req.bearer_auth(&who.token);
                    }
                    if method != Method::GET {
                        req = req.json(&serde_json::json!({}));
                    }
                } else if method != Method::GET {
                    req = req.form(&[("_csrf", who.csrf.as_str())]);
                }
                let res = req.send().await.unwrap();
                let status = res.status().as_u16();
                let location = res.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or("").to_owned();
                let ok = match &want {
                    Expect::Allowed => ![401, 403, 404].contains(&status) && !location.starts_with("/login"),
                    Expect::Status(s) => status == *s,
                    Expect::Login => status == 303 && location.starts_with("/login"),
                    Expect::Public => ![401, 403, 404].contains(&status),
                };
                if !ok {
                    failures.push(format!(
                        "{method} {url} as {:?} (in scope: {in_scope}): expected {want:?}, got {status} {location}",
                        who.role
                    ));
                }
                checked += 1;
            }
        }
    }
    assert!(failures.is_empty(), "{} of {checked} checks failed:\n{}", failures.len(), failures.join("\n"));
}

async fn guessed_identifiers_reveal_nothing(app: &App) {
    let f = fixture(app.store.as_ref()).await;
    let staff = actor(app, Some(Role::OrgBoardStaff), Some(f.commune_a), None, "g.staff").await;
    let everyone = app.store.find_members(&MemberQuery { status: StatusFilter::All, ..MemberQuery::new(support::today()) }).await.unwrap();
    let visible: Vec<i64> = vec![f.self_member.0, f.member_in.0, f.seat_holder_in.0];
    let mut bodies: HashMap<u16, Vec<String>> = HashMap::new();
    let max_member = everyone.items.iter().map(|m| m.id.0).max().unwrap() + 3;
    for id in 1..=max_member {
        for path in [format!("/api/v1/members/{id}"), format!("/api/v1/members/{id}/events")] {
            let res = staff.client.get(app.url(&path)).bearer_auth(&staff.token).send().await.unwrap();
            let status = res.status().as_u16();
            let body: Value = res.json().await.unwrap();
            if visible.contains(&id) {
                assert_eq!(status, 200, "{path}");
            } else {
                assert_eq!(status, 404, "{path}: {body}");
                assert_eq!(body["error"]["code"], "not_found");
                bodies.entry(status).or_default().push(body["error"]["message"].as_str().unwrap_or_default().to_owned());
            }
        }
        let page = staff.client.get(app.url(&format!("/members/{id}"))).send().await.unwrap();
        let status = page.status().as_u16();
        let html = page.text().await.unwrap();
        if !visible.contains(&id) {
            assert_eq!(status, 404);
            assert!(!html.contains("Ngoài"), "an out-of-scope name leaked");
        }
    }
    // Every refusal reads exactly like a missing record.
    let messages = bodies.remove(&404).unwrap();
    assert!(messages.windows(2).all(|w| w[0] == w[1]));
    // Units and events of another commune; searches never find them.
    for unit in 1..=10 {
        let res = staff.client.get(app.url(&format!("/api/v1/units/{unit}"))).bearer_auth(&staff.token).send().await.unwrap();
        let expected = if [f.commune_a.0, f.unit_in.0].contains(&unit) { 200 } else { 404 };
        assert_eq!(res.status().as_u16(), expected, "unit {unit}");
    }
    let res = staff.client.get(app.url(&format!("/members/{}/events/{}/correct", f.member_out.0, f.event_out))).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 404);
    let (_, v) = get_json(&staff, app, "/api/v1/members?q=ngoai&status=all").await;
    assert_eq!(v["total"], 0);
    let (_, v) = get_json(&staff, app, "/api/v1/members?status=all").await;
    assert_eq!(v["total"], visible.len());
    let (_, v) = get_json(&staff, app, "/api/v1/units/search?q=binh").await;
    assert_eq!(v.as_array().map(Vec::len).unwrap_or(0), 0, "{v}");
}

async fn get_json(who: &Actor, app: &App, path: &str) -> (u16, Value) {
    let res = who.client.get(app.url(path)).bearer_auth(&who.token).send().await.unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

/// Body fields that name a unit, at any depth of a request body (an event's `unit_id`, a new
/// parent, a merge's sources and target, a split's successors, a case's chi bộ, a target's unit).
const UNIT_FIELDS: [&str; 7] = ["unit_id", "to_unit_id", "parent_id", "unit", "source_ids", "target_id", "successors"];

/// Whether a schema of the OpenAPI document has a property naming a unit, following references.
fn names_units(doc: &Value, schema: &Value, depth: usize) -> bool {
    if depth > 8 {
        return false;
    }
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.rsplit('/').next().unwrap_or_default();
        return names_units(doc, &doc["components"]["schemas"][name], depth + 1);
    }
    let nested = |key: &str| schema[key].as_array().is_some_and(|list| list.iter().any(|s| names_units(doc, s, depth + 1)));
    if nested("allOf")
        || nested("oneOf")
        || nested("anyOf")
        || (schema["items"].is_object() && names_units(doc, &schema["items"], depth + 1))
    {
        return true;
    }
    schema["properties"]
        .as_object()
        .is_some_and(|props| props.iter().any(|(k, v)| UNIT_FIELDS.contains(&k.as_str()) || names_units(doc, v, depth + 1)))
}

/// Every write of the API whose body names a unit, as commune A's staff naming chi bộ B1 (outside
/// their scope): refused before anything is written, with a field error (`out_of_scope`) or as
/// a missing record. The operations come from the OpenAPI document, so an operation added with
/// a unit in its body fails here until it has a case below.
async fn units_named_in_bodies(app: &App) {
    let f = fixture(app.store.as_ref()).await;
    let staff = actor(app, Some(Role::OrgBoardStaff), Some(f.commune_a), None, "b.staff").await;
    let (_, doc) = get_json(&staff, app, "/api/openapi.json").await;
    let (out, inside) = (f.unit_out.0, f.unit_in.0);
    let decision = serde_json::json!({"effective_date": "2026-01-05", "decision_number": "1-QĐ/TU", "decision_date": "2026-01-05", "issuer": "Tỉnh ủy"});
    let with_decision = |v: Value| {
        let mut v = v;
        v.as_object_mut().unwrap().extend(decision.as_object().unwrap().clone());
        v
    };
    let member_version = get_json(&staff, app, &format!("/api/v1/members/{}", f.member_in.0)).await.1["version"].as_i64().unwrap();
    let case_version = get_json(&staff, app, &format!("/api/v1/admission/cases/{}", f.case_in)).await.1["version"].as_i64().unwrap();
    let identity = serde_json::json!({"full_name": "Lê Văn Mới", "gender": "nam", "birth_date": "1990-01-01", "ethnicity": "kinh", "religion": "khong", "citizen_id": "001090000077"});
    let profile = serde_json::json!({"general_education": "thpt", "occupation": "vien-chuc"});
    let candidate = serde_json::json!({"identity": identity, "profile": profile, "unit_id": out, "source": "doan-thanh-nien"});
    let admission = with_decision(serde_json::json!({"kind": "ket-nap", "unit_id": out}));
    let cases: Vec<(&str, String, Value)> = vec![
        ("post", "/api/v1/members".into(), serde_json::json!({"identity": identity, "profile": profile, "events": [admission]})),
        (
            "post",
            format!("/api/v1/members/{}/events", f.member_in.0),
            serde_json::json!({"version": member_version, "event": with_decision(serde_json::json!({"kind": "dieu-chuyen", "to_unit_id": out}))}),
        ),
        (
            "post",
            format!("/api/v1/members/{}/events/{}/corrections", f.member_in.0, f.event_in),
            serde_json::json!({"version": member_version, "reason": "nhập sai", "event": admission}),
        ),
        (
            "post",
            "/api/v1/units".into(),
            with_decision(serde_json::json!({"kind": "chi-bo", "code": "Z9", "name": "Chi bộ mới", "parent_id": out})),
        ),
        ("post", format!("/api/v1/units/{inside}/move"), with_decision(serde_json::json!({"version": 1, "parent_id": out}))),
        ("post", "/api/v1/units/merge".into(), with_decision(serde_json::json!({"source_ids": [inside], "target_id": out}))),
        (
            "post",
            format!("/api/v1/units/{inside}/split"),
            with_decision(serde_json::json!({"version": 1, "successors": [
                {"id": out},
                {"kind": "chi-bo", "code": "A9", "name": "Chi bộ tách ra", "parent_id": f.commune_a.0}
            ]})),
        ),
        ("post", "/api/v1/admission/cases".into(), candidate.clone()),
        ("put", format!("/api/v1/admission/cases/{}", f.case_in), serde_json::json!({"version": case_version, "candidate": candidate})),
        ("put", "/api/v1/admission/targets".into(), serde_json::json!({"unit": out, "year": 2026, "group": "", "target": 5})),
        // The chi bộ accepting a transfer (its destination, by design, may be any unit of the tree).
        ("post", format!("/api/v1/transfers/{}/accept", f.transfer_in), serde_json::json!({"version": 2, "unit": out, "on": "2026-11-20"})),
        (
            "post",
            format!("/api/v1/members/{}/transfers/receive", f.member_in.0),
            serde_json::json!({"from_outside": "Chi bộ Đại sứ quán", "route": "nuoc-ngoai", "letter_number": "5/GT", "letter_date": "2026-11-01",
                "letter_issuer": "Đảng ủy ngoài nước", "cause": "Về nước", "unit": out, "on": "2026-11-20"}),
        ),
    ];
    // Every operation whose body names a unit has a case here.
    let mut covered = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let body = &op["requestBody"]["content"]["application/json"]["schema"];
            if body.is_null() || !names_units(&doc, body, 0) {
                continue;
            }
            let matches = |template: &str| {
                let (a, b): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
                a.len() == b.len() && a.iter().zip(&b).all(|(x, y)| y.starts_with('{') || x == y)
            };
            assert!(cases.iter().any(|(m, p, _)| m == method && matches(p)), "{method} {path} names a unit in its body: add a case");
            covered += 1;
        }
    }
    assert_eq!(covered, cases.len(), "each case is an operation of the document");
    let before = app.store.member(f.member_in).await.unwrap();
    for (method, path, body) in &cases {
        let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let res = staff.client.request(method.clone(), app.url(path)).bearer_auth(&staff.token).json(body).send().await.unwrap();
        let status = res.status().as_u16();
        let v: Value = res.json().await.unwrap_or(Value::Null);
        let refused_in_field =
            status == 422 && v["error"]["fields"].as_array().is_some_and(|a| a.iter().any(|f| f["code"] == "out_of_scope"));
        assert!(refused_in_field || status == 404, "{method} {path}: {status} {v}");
    }
    // Nothing was written: the member, the case and chi bộ B1 are as they were.
    let after = app.store.member(f.member_in).await.unwrap();
    assert_eq!((after.version, after.events.len()), (before.version, before.events.len()));
    assert_eq!(get_json(&staff, app, &format!("/api/v1/admission/cases/{}", f.case_in)).await.1["version"].as_i64().unwrap(), case_version);
    let everyone = app.store.find_members(&MemberQuery { unit: Some(f.unit_out), ..MemberQuery::new(support::today()) }).await.unwrap();
    assert_eq!(everyone.total, 2, "only B1's own members (one of them its secretary)");
}
