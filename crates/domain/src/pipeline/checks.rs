//! The checks a new step must pass: its order in the file, then the Charter's admission checks
//! (`crate::admission`) on what the file and the facts the storage resolved say.

use super::*;

/// An introducer as the register knows them on the date of their letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntroducerFacts {
    pub name: String,
    pub official_since: Option<NaiveDate>,
    /// Whether they were an active member (in the register, not struck off, …) on the letter's date.
    pub active: bool,
}

/// What storage looked up for the checks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    /// Introducers as named in the step (`None`: no such member within the caller's reach, or a
    /// name and card number that do not match the register).
    pub introducers: Vec<(IntroducerId, Option<IntroducerFacts>)>,
    /// For a former member: the readmission facts the register shows (left on, times readmitted,
    /// barred by the register's reason for leaving).
    pub former: Option<admission::Readmission>,
}

impl Facts {
    fn introducer(&self, who: &IntroducerId) -> Option<&IntroducerFacts> {
        self.introducers.iter().find(|(m, _)| m == who).and_then(|(_, f)| f.as_ref())
    }
}

fn resolve_introduction(data: &StepData, facts: &Facts, out: &mut Vec<Blocker>) -> Option<Introduction> {
    let StepData::Introduction { mode, resolution_on, introducers } = data else { return None };
    let expected = if *mode == IntroductionMode::TwoMembers { 2 } else { 1 };
    if introducers.len() != expected {
        out.push(blocker("introducer_count", "Điều lệ Đảng điều 4", format!("{} cần đúng {expected} đảng viên giới thiệu.", mode.label())));
        return None;
    }
    if introducers.len() == 2 && introducers[0].who == introducers[1].who {
        out.push(blocker("introducer_twice", "Điều lệ Đảng điều 4", "Hai người giới thiệu phải là hai đảng viên khác nhau."));
        return None;
    }
    let mut resolved = Vec::new();
    for r in introducers {
        match facts.introducer(&r.who) {
            None => out.push(blocker(
                "introducer_unknown",
                "Điều lệ Đảng điều 4",
                match &r.who {
                    IntroducerId::Member { member } => format!(
                        "Không tìm thấy đảng viên mã số {} trong phạm vi bạn quản lý; người giới thiệu ở tổ chức khác thì nhập họ tên và số thẻ đảng viên.",
                        member.0
                    ),
                    IntroducerId::Card { .. } => format!("{} không khớp với sổ đảng viên.", r.who.described()),
                },
            )),
            Some(f) if !f.active => out.push(blocker(
                "introducer_not_active",
                "Điều lệ Đảng điều 4",
                format!("{} không còn sinh hoạt đảng vào ngày giới thiệu ({}).", f.name, format_vn(r.introduced_on)),
            )),
            Some(f) => resolved.push(Introducer {
                name: f.name.clone(),
                introduced_on: r.introduced_on,
                official_since: f.official_since,
                together_since: r.together_since,
                together: r.together,
            }),
        }
    }
    if resolved.len() != expected {
        return None;
    }
    let needs_resolution = *mode != IntroductionMode::TwoMembers;
    let resolution_on = match (needs_resolution, resolution_on) {
        (true, None) => {
            out.push(blocker("resolution_missing", "Điều lệ Đảng điều 4", "Nhập ngày nghị quyết giới thiệu của Ban Chấp hành."));
            return None;
        }
        (_, r) => *r,
    };
    let mut it = resolved.into_iter();
    let first = it.next()?;
    Some(match mode {
        IntroductionMode::TwoMembers => Introduction::TwoMembers(first, it.next()?),
        IntroductionMode::YouthUnion => Introduction::YouthUnion { resolution_on: resolution_on?, member: first },
        IntroductionMode::TradeUnion => Introduction::TradeUnion { resolution_on: resolution_on?, member: first },
    })
}

/// The introducers of an introduction step that the register knows and that were active.
fn known_introducers(data: &StepData, facts: &Facts) -> Vec<Introducer> {
    let StepData::Introduction { introducers, .. } = data else { return Vec::new() };
    introducers
        .iter()
        .filter_map(|r| {
            let f = facts.introducer(&r.who).filter(|f| f.active)?;
            Some(Introducer {
                name: f.name.clone(),
                introduced_on: r.introduced_on,
                official_since: f.official_since,
                together_since: r.together_since,
                together: r.together,
            })
        })
        .collect()
}

/// The file the rules of [`admission::check`] read, once the vote is known.
fn admission_file(
    candidate: &Candidate,
    steps: &Steps,
    vote: ChiBoVote,
    introduction: Introduction,
    facts: &Facts,
) -> Option<AdmissionFile> {
    let renewed = steps.0.iter().filter(|s| s.kind() == StepKind::DocumentsRenewed).map(StepData::on).max();
    Some(AdmissionFile {
        birth_date: candidate.identity.birth_date,
        education: candidate.profile.general_education,
        education_exception: candidate.education_exception,
        youth_union_member: candidate.profile.youth_union,
        over_age_consent: candidate.province_consent_on.is_some_and(|d| d <= vote.on),
        certificate_on: candidate.certificate.as_ref().map(|c| c.issued_on),
        file_compiled_on: steps.date_of(StepKind::Application)?,
        documents_renewed_on: renewed,
        introduction,
        vote,
        grassroots_resolution_on: steps.date_of(StepKind::GrassrootsResolution),
        decision_on: steps.decision_on(),
        decision_received_on: steps.date_of(StepKind::DecisionReceived),
        ceremony_on: steps.date_of(StepKind::Ceremony),
        readmission: readmission(candidate, facts, vote.on),
    })
}

fn readmission(candidate: &Candidate, facts: &Facts, vote_on: NaiveDate) -> Option<admission::Readmission> {
    candidate.former_member?;
    let mut r = facts.former?;
    r.barred |= candidate.readmission_barred;
    r.record_expunged_on = candidate.record_expunged_on;
    r.provincial_consent = candidate.province_consent_on.is_some_and(|d| d <= vote_on);
    Some(r)
}

/// Every reason `new` cannot be recorded now, each with its source: order of the steps, dates,
/// the introducers when they are named, and the whole Charter check ([`admission::check`]) when the
/// chi bộ votes. The committee's decision is checked for its order and dates: the file it decides
/// on is the one the chi bộ voted.
pub fn check_step(
    candidate: &Candidate,
    steps: &Steps,
    new: &StepData,
    facts: &Facts,
    config: &AdmissionConfig,
    today: NaiveDate,
) -> Vec<Blocker> {
    let kind = new.kind();
    if let Some(b) = order_problem(steps, kind) {
        return vec![b];
    }
    let mut out = Vec::new();
    let on = new.on();
    if on > today {
        out.push(blocker("step_in_future", SRC_ORDER, format!("Ngày {} sau hôm nay; chỉ ghi những gì đã diễn ra.", format_vn(on))));
    }
    // Dated no earlier than the steps it follows.
    for before in requires(kind) {
        if let Some(d) = steps.date_of(*before)
            && on < d
        {
            out.push(blocker(
                "dates_out_of_order",
                SRC_ORDER,
                format!("Ngày “{}” ({}) trước ngày “{}” ({}).", kind.label(), format_vn(on), before.label(), format_vn(d)),
            ));
        }
    }
    match new {
        StepData::Introduction { .. } => {
            let complete = resolve_introduction(new, facts, &mut out);
            // The letters' own conditions now; the whole file is checked again at the vote.
            let vote_on = on.max(today);
            let found = match complete {
                Some(intro) => admission::check_introduction(&intro, candidate.profile.youth_union, vote_on, config),
                None => known_introducers(new, facts).iter().flat_map(|i| admission::check_introducer(i, vote_on)).collect(),
            };
            out.extend(found.into_iter().filter(|b| b.code != "introduction_after_vote"));
        }
        StepData::ChiBoVote { vote } => {
            let mut intro_problems = Vec::new();
            let intro = steps.introduction().and_then(|s| resolve_introduction(s, facts, &mut intro_problems));
            out.extend(intro_problems);
            if let Some(StepData::VerificationResult { clear: false, summary, .. }) = steps.last_of(StepKind::VerificationResult) {
                out.push(blocker(
                    "verification_not_clear",
                    "Hướng dẫn 12-HD/BTCTW mục 1.5 (thẩm tra, xác minh lý lịch)",
                    format!("Kết quả thẩm tra gần nhất chưa rõ ràng ({summary}): thẩm tra bổ sung trước khi chi bộ xét."),
                ));
            }
            if candidate.former_member.is_some() && facts.former.is_none() {
                out.push(blocker("former_member_unknown", SRC_ORDER, "Không tìm thấy hồ sơ đảng viên cũ của người xin kết nạp lại."));
            }
            if let Some(intro) = intro
                && let Some(file) = admission_file(candidate, steps, *vote, intro, facts)
            {
                out.extend(admission::check(&file, config));
            }
        }
        StepData::RecognitionVote { vote, .. } => {
            out.extend(admission::check_vote(vote));
            if let Some(ceremony) = steps.date_of(StepKind::Ceremony) {
                let end = admission::official_date(ceremony);
                if vote.on < end {
                    out.push(blocker(
                        "probation_not_over",
                        SRC_PROBATION,
                        format!(
                            "Chi bộ chỉ xét công nhận sau khi hết 12 tháng dự bị tính từ lễ kết nạp (đến {}); ngày nghị quyết là {}.",
                            format_vn(end),
                            format_vn(vote.on)
                        ),
                    ));
                }
            }
        }
        StepData::Extension { .. } => {
            // The admission vote is checked through `requires`; a recognition proposal here.
            if let Some((v, _)) = steps.recognition_vote()
                && on < v.on
            {
                out.push(blocker(
                    "dates_out_of_order",
                    SRC_ORDER,
                    format!("Ngày gia hạn ({}) trước nghị quyết đề nghị công nhận ({}).", format_vn(on), format_vn(v.on)),
                ));
            }
        }
        StepData::Closed { .. } => {
            if let Some(d) = steps.0.iter().map(StepData::on).max()
                && on < d
            {
                out.push(blocker(
                    "dates_out_of_order",
                    SRC_ORDER,
                    format!("Ngày ngừng xem xét ({}) trước bước đã ghi gần nhất ({}).", format_vn(on), format_vn(d)),
                ));
            }
        }
        StepData::Decision { .. } => {
            if let Some(d) = steps.date_of(StepKind::GrassrootsResolution)
                && on < d
            {
                out.push(blocker(
                    "dates_out_of_order",
                    SRC_ORDER,
                    format!("Ngày quyết định kết nạp ({}) trước nghị quyết của đảng ủy cơ sở ({}).", format_vn(on), format_vn(d)),
                ));
            }
        }
        StepData::RecognitionDecision { .. } | StepData::StrikeOffDecision { .. } => {
            if let Some(d) = steps.date_of(StepKind::RecognitionResolution)
                && on < d
            {
                out.push(blocker(
                    "dates_out_of_order",
                    SRC_ORDER,
                    format!("Ngày quyết định ({}) trước nghị quyết của đảng ủy cơ sở ({}).", format_vn(on), format_vn(d)),
                ));
            }
        }
        StepData::Ceremony { .. } => {
            if let Some(d) = steps.date_of(StepKind::DecisionReceived)
                && on < d
            {
                out.push(blocker(
                    "dates_out_of_order",
                    SRC_ORDER,
                    format!("Lễ kết nạp ({}) trước ngày chi bộ nhận quyết định ({}).", format_vn(on), format_vn(d)),
                ));
            }
        }
        _ => {}
    }
    out
}

/// Blockers to show on an open case before its vote: what would stop the chi bộ if it voted
/// today with every official member in favour (so a secretary sees an expiring certificate or an
/// applicant still too young before calling the meeting).
pub fn preview_blockers(candidate: &Candidate, steps: &Steps, facts: &Facts, config: &AdmissionConfig, today: NaiveDate) -> Vec<Blocker> {
    if stage(steps) != Stage::File {
        return Vec::new();
    }
    let mut out = Vec::new();
    let vote = ChiBoVote { on: today, official_members: 3, present: 3, in_favour: 3, against: 0 };
    out.extend(admission::check_age(candidate.identity.birth_date, today, candidate.province_consent_on.is_some()));
    out.extend(admission::check_education(candidate.profile.general_education, candidate.education_exception, config));
    out.extend(admission::check_certificate(candidate.certificate.as_ref().map(|c| c.issued_on), today, config));
    if let Some(intro) = steps.introduction().and_then(|s| resolve_introduction(s, facts, &mut out)) {
        out.extend(admission::check_introduction(&intro, candidate.profile.youth_union, today, config));
        if let Some(file) = admission_file(candidate, steps, vote, intro, facts)
            && let Some(r) = &file.readmission
        {
            out.extend(admission::check_readmission(r, today));
        }
    }
    if let Some(app) = steps.date_of(StepKind::Application) {
        let renewed = steps.0.iter().filter(|s| s.kind() == StepKind::DocumentsRenewed).map(StepData::on).max();
        out.extend(admission::check_staleness(app, renewed, today, config));
    }
    out
}
