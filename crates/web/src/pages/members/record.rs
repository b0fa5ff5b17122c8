//! `/members/{id}`: the member record with its event timeline, corrections and the actions the
//! caller may take.

use std::collections::HashMap;

use askama::Template;
use axum::response::Response;
use chrono::NaiveDate;
use domain::event::{AdmissionOrigin, Entry, EventData, EventKind, UnitRef};
use domain::ids::{EventId, MemberId};
use storage::MemberDetail;

use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::PathId;
use crate::format;
use crate::pages::Link;
use crate::respond::page;
use crate::session::Caller;

/// One correction shown under the event it corrects.
struct CorrectionView {
    void: bool,
    summary: String,
    reason: String,
    recorded: String,
}

/// One event of the timeline, with its corrections.
struct TimelineItem {
    id: i64,
    date: String,
    kind: &'static str,
    details: String,
    basis: String,
    note: String,
    recorded: String,
    /// `""`, `"corrected"` or `"void"`.
    state: &'static str,
    corrections: Vec<CorrectionView>,
    correct_href: String,
}

/// What this caller may do on the record, so that the page offers only what would succeed.
#[derive(Default)]
struct MemberActions {
    /// Edit the identity, record events, correct them.
    edit: bool,
    /// Record an event: some kind can still follow the status (`History::next_kinds`).
    record: bool,
    /// The member is in transit: the receiving side (or the sender, for a return from outside
    /// the register) records the acceptance.
    accept: bool,
    /// The sender cancels the pending transfer: the correction form of the transfer out.
    cancel_href: Option<String>,
    /// Where the member is bound while in transit.
    bound_for: Option<String>,
    /// Issue a transfer letter (the sending side, the member not in transit).
    issue_href: Option<String>,
    /// The transfer the member is on the way by: its page holds the steps of both sides.
    pending_href: Option<String>,
    /// The member left the register: record their return with the outside organization's letter.
    receive_href: Option<String>,
}

async fn member_actions(s: &Caller, d: &MemberDetail, transfers: &[storage::TransferView]) -> MemberActions {
    let reach = match s.register_writer() {
        Ok(w) => w.reach(d.id).await.ok(),
        Err(_) => None,
    };
    let bound_for = d.history.in_transit_to.as_ref().map(|r| unit_ref_name(r, d));
    let pending_href = transfers.iter().find(|t| t.stage.pending()).map(|t| format!("/transfers/{}", t.id));
    let Some(reach) = reach else { return MemberActions { bound_for, pending_href, ..Default::default() } };
    if !reach.in_transit {
        let record = reach.home && !d.history.next_kinds(s.today()).is_empty();
        let issue_href = crate::pages::transfers::issue_href(s, d.id).await;
        return MemberActions { edit: reach.home, record, bound_for, issue_href, pending_href, ..Default::default() };
    }
    if pending_href.is_some() {
        // The letter's page takes both sides' steps: acceptance, refusal, cancellation.
        return MemberActions { bound_for, pending_href, ..Default::default() };
    }
    let to_outside = matches!(d.history.in_transit_to, Some(UnitRef::External(_)));
    // Back from outside the register: the letter of the organization there (docs/design/transfers.md).
    let receive_href = (to_outside && reach.home).then(|| format!("/members/{}/transfer/receive", d.id.0));
    let pending = d
        .history
        .effective
        .iter()
        .rev()
        .find(|(_, e)| matches!(e.kind, EventKind::TransferredOut { mode: domain::event::TransferMode::Official, .. }))
        .map(|(id, _)| *id);
    MemberActions {
        edit: false,
        record: false,
        accept: reach.arriving && !to_outside,
        cancel_href: pending.filter(|_| reach.home).map(|e| format!("/members/{}/events/{}/correct?action=void", d.id.0, e.0)),
        bound_for,
        issue_href: None,
        pending_href: None,
        receive_href,
    }
}

struct ProfileRow {
    from: String,
    education: String,
    theory: &'static str,
    occupation: &'static str,
    youth_union: &'static str,
    residence: String,
}

#[derive(Template)]
#[template(path = "member.html")]
struct MemberView {
    chrome: Chrome,
    id: i64,
    name: String,
    identity: Vec<(&'static str, String)>,
    profile: Vec<(&'static str, String)>,
    profile_from: String,
    profiles: Vec<ProfileRow>,
    status: String,
    unit: Option<Link>,
    party_age: String,
    ceremony: String,
    actions: MemberActions,
    admitted: String,
    official: String,
    problems: Vec<String>,
    timeline: Vec<TimelineItem>,
    temporary: Vec<String>,
    updated: String,
    /// The member's transfers of party activity: (page, in words).
    transfers: Vec<(String, String)>,
    /// Requests to correct the record, and the member's own link to send one.
    requests: crate::pages::change_requests::RequestsSection,
    /// The member's dues (for those who read them; the member reads theirs in the handbook).
    dues_href: Option<String>,
    /// The member's ties to their residence (Quy định 213-QĐ/TW), for those who read them.
    residence_href: Option<String>,
    /// Discipline, exemptions, cards and badges.
    party_work_href: Option<String>,
    /// The member's handbook account, for those who issue its codes.
    handbook: Option<crate::pages::handbook_accounts::AccountSection>,
}

fn transfer_rows(list: &[storage::TransferView]) -> Vec<(String, String)> {
    list.iter()
        .map(|t| {
            let late = t.late.map(|l| format!(" — quá hạn: {}", l.kind.label())).unwrap_or_default();
            (
                format!("/transfers/{}", t.id),
                format!(
                    "{} · giấy số {} ngày {} → {}: {}{late}",
                    t.mode_label,
                    t.letter_number,
                    format::date(t.letter_date),
                    t.to.name,
                    t.stage_label
                ),
            )
        })
        .collect()
}

fn unit_ref_name(r: &UnitRef, d: &MemberDetail) -> String {
    match r {
        UnitRef::Internal(id) => d.unit_name(*id),
        UnitRef::External(name) => format!("{name} (ngoài hệ thống)"),
    }
}

/// The units and particulars of an event, in words.
fn event_details(kind: &EventKind, d: &MemberDetail) -> String {
    match kind {
        EventKind::Admitted { unit, origin } => format!("Tại {}{}", unit_ref_name(unit, d), origin_details(origin)),
        EventKind::TransferredOut { mode, from, to } => {
            format!("{}: từ {} đến {}", mode.label(), d.unit_name(*from), unit_ref_name(to, d))
        }
        EventKind::TransferredIn { mode, unit } => format!("{}: vào {}", mode.label(), d.unit_name(*unit)),
        EventKind::Reassigned { to } => format!("Đến {}", d.unit_name(*to)),
        EventKind::StruckOff { reason } => format!("Lý do: {}", reason.label()),
        EventKind::Exited { difficult_family: true } => "Vì hoàn cảnh gia đình khó khăn".to_owned(),
        EventKind::Readmitted { unit, origin } => format!("Tại {}{}", unit_ref_name(unit, d), origin_details(origin)),
        _ => String::new(),
    }
}

/// Who introduced an admitted member and the sub-target group, when known ("; nguồn: …").
fn origin_details(origin: &AdmissionOrigin) -> String {
    let source = origin.source.map(|s| format!("; nguồn: {}", s.label()));
    let group = origin.target_group.map(|g| format!("; nhóm chỉ tiêu: {}", g.label()));
    source.into_iter().chain(group).collect()
}

fn basis_text(data: &EventData) -> String {
    data.basis
        .as_ref()
        .map_or_else(|| "Không có văn bản".to_owned(), |b| format!("Số {}, ngày {}, {}", b.number, format::date(b.date), b.issuer))
}

/// The timeline: original events in effective order, each with its corrections.
fn timeline(d: &MemberDetail) -> Vec<TimelineItem> {
    let by_id: HashMap<EventId, &domain::event::RecordedEvent> = d.events.iter().map(|e| (e.id, e)).collect();
    // A correction may correct a correction: attach it to the original at the root of the chain.
    let root = |mut id: EventId| {
        for _ in 0..d.events.len() {
            match by_id.get(&id).and_then(|e| e.corrects) {
                Some(t) => id = t,
                None => break,
            }
        }
        id
    };
    let mut items: Vec<(NaiveDate, i64, TimelineItem)> = Vec::new();
    for e in d.events.iter().filter(|e| e.corrects.is_none()) {
        let Entry::Event(data) = &e.entry else { continue };
        let corrections: Vec<&domain::event::RecordedEvent> =
            d.events.iter().filter(|c| c.corrects.is_some_and(|t| root(t) == e.id)).collect();
        let state = match corrections.last().map(|c| &c.entry) {
            Some(Entry::Void) => "void",
            Some(Entry::Event(_)) => "corrected",
            None => "",
        };
        let sort_date = match corrections.last().map(|c| &c.entry) {
            Some(Entry::Event(latest)) => latest.effective,
            _ => data.effective,
        };
        let item = TimelineItem {
            id: e.id.0,
            date: format::date(data.effective),
            kind: data.kind.code().label(),
            details: event_details(&data.kind, d),
            basis: basis_text(data),
            note: data.note.clone().unwrap_or_default(),
            recorded: format!("{}, {}", e.recorded_by, format::instant(e.recorded_at)),
            state,
            corrections: corrections
                .iter()
                .map(|c| CorrectionView {
                    void: matches!(c.entry, Entry::Void),
                    summary: match &c.entry {
                        Entry::Void => "Hủy sự kiện".to_owned(),
                        Entry::Event(n) => {
                            let details = event_details(&n.kind, d);
                            let sep = if details.is_empty() { "" } else { " — " };
                            format!("{} ngày {}{sep}{details}. Căn cứ: {}", n.kind.code().label(), format::date(n.effective), basis_text(n))
                        }
                    },
                    reason: c.correction_reason.clone().unwrap_or_default(),
                    recorded: format!("{}, {}", c.recorded_by, format::instant(c.recorded_at)),
                })
                .collect(),
            correct_href: format!("/members/{}/events/{}/correct", d.id.0, e.id.0),
        };
        items.push((sort_date, e.id.0, item));
    }
    items.sort_by_key(|(date, id, _)| (*date, *id));
    items.into_iter().map(|(_, _, i)| i).collect()
}

fn opt(s: Option<&str>) -> String {
    s.unwrap_or("").to_owned()
}

/// `GET /members/{id}`: the record, status, party age and the event timeline.
pub(super) async fn detail(s: Caller, chrome: Chrome, PathId(id): PathId<MemberId>) -> Result<Response, AppError> {
    let d = s.reader()?.member(id).await?;
    let today = s.today();
    let i = &d.identity;
    let identity = vec![
        ("Họ và tên", i.full_name.to_string()),
        ("Tên gọi khác", opt(i.other_names.as_deref())),
        ("Giới tính", i.gender.label().to_owned()),
        ("Ngày sinh", format::date(i.birth_date)),
        ("Nơi sinh", opt(i.birthplace.as_deref())),
        ("Quê quán", opt(i.hometown.as_deref())),
        ("Dân tộc", i.ethnicity.label().to_owned()),
        ("Tôn giáo", i.religion.label().to_owned()),
        ("Số CCCD", i.citizen_id.to_string()),
        ("Số điện thoại", i.phone.as_ref().map(|p| p.to_string()).unwrap_or_default()),
        ("Số thẻ đảng viên", i.party_card_number.as_ref().map(|p| p.to_string()).unwrap_or_default()),
        ("Số lý lịch", i.ly_lich_number.as_ref().map(|p| p.to_string()).unwrap_or_default()),
    ];
    let yes_no = |b: bool| if b { "Có" } else { "Không" };
    let current = d.profiles.last();
    let profile = current
        .map(|p| {
            let p = &p.profile;
            vec![
                ("Giáo dục phổ thông", p.general_education.label().to_owned()),
                ("Chuyên môn nghiệp vụ", p.professional.label().to_owned()),
                ("Học hàm", p.academic_title.label().to_owned()),
                ("Lý luận chính trị", p.political_theory.label().to_owned()),
                ("Ngoại ngữ", p.foreign_language.label().to_owned()),
                ("Tin học", p.it_level.label().to_owned()),
                ("Nghề nghiệp", p.occupation.label().to_owned()),
                ("Đoàn viên", yes_no(p.youth_union).to_owned()),
                ("Nơi ở hiện nay", opt(p.residence.as_deref())),
            ]
        })
        .unwrap_or_default();
    let from_text = |f: Option<NaiveDate>| f.map_or_else(|| "Từ đầu".to_owned(), format::date);
    let span = d.history.span_on(today);
    let transfers = match s.transfers() {
        Ok(desk) => desk.member_transfers(id).await.unwrap_or_default(),
        Err(_) => Vec::new(),
    };
    let view = MemberView {
        chrome: chrome.titled(i.full_name.to_string()),
        id: id.0,
        name: i.full_name.to_string(),
        identity,
        profile,
        profile_from: current.map(|p| from_text(p.valid_from)).unwrap_or_default(),
        profiles: d
            .profiles
            .iter()
            .map(|p| ProfileRow {
                from: from_text(p.valid_from),
                education: format!("{}; {}", p.profile.general_education.label(), p.profile.professional.label()),
                theory: p.profile.political_theory.label(),
                occupation: p.profile.occupation.label(),
                youth_union: yes_no(p.profile.youth_union),
                residence: opt(p.profile.residence.as_deref()),
            })
            .collect(),
        status: span.map_or_else(
            || "Chưa có trong danh sách".to_owned(),
            |s| {
                // The status's own start, not the latest span's: a move keeps the status (issue §6).
                let since = d.history.status_since(today).unwrap_or(s.from);
                format!("{} (từ {})", s.status.label(), format::date(since))
            },
        ),
        unit: match span.map(|s| &s.unit) {
            Some(UnitRef::Internal(u)) => Some(Link::unit(&s, *u, "", d.unit_name(*u)).await),
            Some(UnitRef::External(name)) => Some(Link { href: String::new(), label: name.clone() }),
            None => None,
        },
        party_age: d.history.party_age_months(today).map(format::years_months).unwrap_or_default(),
        admitted: format::opt_date(d.history.first_admission()),
        ceremony: ceremony_text(&d.history, today),
        actions: member_actions(&s, &d, &transfers).await,
        transfers: transfer_rows(&transfers),
        requests: crate::pages::change_requests::requests_section(&s, id).await,
        handbook: crate::pages::handbook_accounts::account_section(&s, id).await,
        residence_href: crate::policy::may_open(&s, "/members/{id}/residence", Some(storage::ScopeTarget::Member(id)))
            .await
            .then(|| format!("/members/{id}/residence")),
        party_work_href: crate::policy::may_open(&s, "/members/{id}/party-work", Some(storage::ScopeTarget::Member(id)))
            .await
            .then(|| format!("/members/{id}/party-work")),
        dues_href: crate::policy::may_open(&s, "/members/{id}/dues", Some(storage::ScopeTarget::Member(id)))
            .await
            .then(|| format!("/members/{id}/dues")),
        official: match d.history.probation_on(today) {
            // Probation runs 12 months from the ceremony (Charter art. 5 §1 — rules.md §3).
            Some(p) => match p.official_due() {
                Some(due) => format!("Dự kiến {} (hết 12 tháng dự bị)", format::date(due)),
                None => "Chưa xác định: chưa tổ chức lễ kết nạp".to_owned(),
            },
            None => format::opt_date(d.history.official_since()),
        },
        problems: d.history.problems.iter().map(|p| p.message.clone()).collect(),
        timeline: timeline(&d),
        temporary: d
            .history
            .temporary
            .iter()
            .map(|t| {
                let to = t.to.map_or_else(|| "nay".to_owned(), format::date);
                format!("{}: {} – {}", unit_ref_name(&t.at, &d), format::date(t.from), to)
            })
            .collect(),
        updated: format!("{}, {}", d.updated_by, format::instant(d.updated_at)),
    };
    page(&view)
}

/// The admission ceremony of the latest probation: its date, or that it has not been held yet
/// while the member is probationary.
fn ceremony_text(h: &domain::history::History, today: chrono::NaiveDate) -> String {
    match (h.probations.last(), h.probation_on(today)) {
        (_, Some(p)) if p.ceremony.is_none() => "Chưa tổ chức lễ kết nạp".to_owned(),
        (Some(p), _) => format::opt_date(p.ceremony),
        (None, _) => String::new(),
    }
}
