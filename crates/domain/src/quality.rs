//! The data-quality worklist (chất lượng dữ liệu): what in a register needs fixing, found from
//! plain facts about members and chi bộ. Nothing here is refused at the door (the writes check
//! their own rules); these are records that are probably wrong, incomplete, or overdue, listed so
//! that staff can chase them.
//!
//! The kinds form a closed list, [`ProblemKind`], each with what to do and the rule it rests on.
//! The checks are pure: [`member_problems`] reads one member's identity facts and derived spans,
//! [`cell_problems`] one chi bộ's kind, member count and whether an account holds its secretary
//! role, and [`duplicates`] groups records that probably describe one person. Dates are judged
//! against `today` and, for deadlines in working days, the [`WorkCalendar`].

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::admission::{ceremony_deadline, rules_on};
use crate::code_list;
use crate::dates::{format_vn, full_months_between};
use crate::history::{AdmissionFacts, Status};
use crate::transfers::PRESENT_WORKING_DAYS;
use crate::unit::UnitKind;
use crate::workdays::WorkCalendar;

code_list!(
    /// Loại vấn đề dữ liệu: what the worklist finds, members' records first, then chi bộ.
    ProblemKind, "Loại vấn đề dữ liệu", {
        DuplicateNameBirth = ("trung-ho-ten-ngay-sinh", "Có thể trùng hồ sơ: cùng họ tên và ngày sinh"),
        DuplicateCard = ("trung-so-the", "Trùng số thẻ đảng viên"),
        OfficialBeforeAdmission = ("chinh-thuc-truoc-ket-nap", "Ngày chính thức trước ngày kết nạp"),
        AdmittedUnderAge = ("ket-nap-chua-du-18-tuoi", "Kết nạp khi chưa đủ 18 tuổi"),
        CeremonyMissing = ("chua-ghi-le-ket-nap", "Quá hạn mà chưa ghi lễ kết nạp"),
        NoProfile = ("chua-co-trinh-do-nghe-nghiep", "Chưa có thông tin trình độ, nghề nghiệp"),
        TransitOverdue = ("chuyen-sinh-hoat-qua-han", "Chuyển sinh hoạt quá hạn chưa tiếp nhận"),
        CellWithoutMembers = ("chi-bo-khong-co-dang-vien", "Chi bộ không có đảng viên"),
        CellWithoutSecretary = ("chi-bo-chua-co-tai-khoan-bi-thu", "Chi bộ chưa có tài khoản bí thư chi bộ"),
    }
);

/// What a problem is about: a member's record or a chi bộ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Member,
    Cell,
}

impl ProblemKind {
    /// Whether the problem is found on a member's record or on a chi bộ.
    pub fn subject(self) -> Subject {
        match self {
            ProblemKind::CellWithoutMembers | ProblemKind::CellWithoutSecretary => Subject::Cell,
            _ => Subject::Member,
        }
    }

    /// What to do about it, in the words of the staff who fix it.
    pub fn action(self) -> &'static str {
        match self {
            ProblemKind::DuplicateNameBirth => {
                "Đối chiếu các hồ sơ (CCCD, quê quán, ngày vào Đảng); nếu là một người, giữ một hồ sơ và đính chính hoặc hủy các sự kiện ghi trùng."
            }
            ProblemKind::DuplicateCard => "Đối chiếu với thẻ đảng viên gốc và sửa số thẻ ghi sai trên hồ sơ.",
            ProblemKind::OfficialBeforeAdmission => {
                "Đối chiếu quyết định kết nạp, biên bản lễ kết nạp và quyết định công nhận chính thức; đính chính sự kiện ghi sai ngày."
            }
            ProblemKind::AdmittedUnderAge => "Kiểm tra lại ngày sinh và ngày quyết định kết nạp; sửa ngày ghi sai.",
            ProblemKind::CeremonyMissing => {
                "Ghi lễ kết nạp (ngày chi bộ tổ chức lễ); nếu chưa tổ chức, báo cáo cấp ủy cấp trên trực tiếp về lý do chậm."
            }
            ProblemKind::NoProfile => "Bổ sung trình độ học vấn, chuyên môn, lý luận chính trị và nghề nghiệp từ phiếu đảng viên.",
            ProblemKind::TransitOverdue => {
                "Liên hệ nơi nhận: ghi tiếp nhận nếu đảng viên đã nộp giấy giới thiệu; nếu chưa, yêu cầu đảng viên báo cáo lý do chậm để cấp ủy có thẩm quyền xem xét."
            }
            ProblemKind::CellWithoutMembers => "Chuyển đảng viên về chi bộ, hoặc ghi quyết định giải thể hay sáp nhập chi bộ.",
            ProblemKind::CellWithoutSecretary => {
                "Quản trị hệ thống cấp vai trò bí thư chi bộ cho tài khoản của bí thư (hoặc phó bí thư) chi bộ."
            }
        }
    }

    /// The rule the check rests on.
    pub fn source(self) -> &'static str {
        match self {
            ProblemKind::DuplicateNameBirth | ProblemKind::DuplicateCard => "Mỗi đảng viên có một hồ sơ và một thẻ đảng viên mang số riêng",
            ProblemKind::OfficialBeforeAdmission => {
                "Dự bị 12 tháng tính từ ngày tổ chức lễ kết nạp; công nhận chính thức khi hết 12 tháng (Điều lệ Đảng, Điều 5)"
            }
            ProblemKind::AdmittedUnderAge => "Người vào Đảng đủ 18 tuổi, tính theo tháng (Quy định thi hành Điều lệ Đảng, điểm 1.1)",
            ProblemKind::CeremonyMissing => {
                "Tổ chức lễ kết nạp trong 30 ngày làm việc kể từ khi nhận quyết định (Quy định thi hành Điều lệ Đảng, điểm 4.1)"
            }
            ProblemKind::NoProfile => "Phiếu đảng viên (mẫu 2-HSĐV) ghi trình độ và nghề nghiệp",
            ProblemKind::TransitOverdue => {
                "Trong 30 ngày làm việc kể từ ngày ghi trên giấy giới thiệu, đảng viên phải xuất trình với chi ủy nơi đến (quy định về chuyển sinh hoạt đảng chính thức)"
            }
            ProblemKind::CellWithoutMembers => "Chi bộ có ít nhất 3 đảng viên chính thức (Điều lệ Đảng, Điều 24)",
            ProblemKind::CellWithoutSecretary => {
                "Chi bộ bầu bí thư chi bộ (Điều lệ Đảng, Điều 24); bí thư ghi sinh hoạt chi bộ trên hệ thống"
            }
        }
    }
}

/// One problem found, in words: what exactly is wrong (`detail`), the date it concerns and, for
/// a deadline, the last day that was allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub kind: ProblemKind,
    pub detail: String,
    pub date: Option<NaiveDate>,
    pub deadline: Option<NaiveDate>,
}

/// One span of a member's derived history, as the checks read it: its status, its days and, for
/// a span an admission or readmission decision opened, the ceremony that followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistorySpan {
    pub status: Status,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
    pub admission: Option<AdmissionFacts>,
}

/// What the checks read of one member.
#[derive(Debug, Clone, Copy)]
pub struct MemberFacts<'a> {
    pub birth_date: NaiveDate,
    /// Whether any profile (trình độ, nghề nghiệp) is on the record.
    pub has_profile: bool,
    /// The derived spans, in order.
    pub spans: &'a [HistorySpan],
    /// Whether the latest span is an open "transferred out" to a unit of the register: the
    /// receiving side has an acceptance to record (a transfer out of the register has none).
    pub awaiting_acceptance: bool,
}

/// The problems of one member's record on `today`, in the order of [`ProblemKind::ALL`]
/// (duplicates excepted: they need the other records, see [`duplicates`]).
pub fn member_problems(m: &MemberFacts<'_>, calendar: &WorkCalendar, today: NaiveDate) -> Vec<Finding> {
    let mut out = Vec::new();
    out.extend(official_before_admission(m.spans));
    out.extend(admitted_under_age(m.birth_date, m.spans));
    out.extend(ceremony_missing(m.spans, calendar, today));
    if !m.has_profile {
        out.push(Finding {
            kind: ProblemKind::NoProfile,
            detail:
                "Hồ sơ chưa ghi trình độ và nghề nghiệp: các báo cáo thống kê không tính được đảng viên này theo trình độ, nghề nghiệp."
                    .into(),
            date: None,
            deadline: None,
        });
    }
    out.extend(transit_overdue(m, calendar, today));
    out
}

/// The admission spans: (position, decision date, ceremony).
fn admissions(spans: &[HistorySpan]) -> impl Iterator<Item = (usize, NaiveDate, Option<NaiveDate>)> + '_ {
    spans.iter().enumerate().filter_map(|(i, s)| s.admission.map(|a| (i, s.from, a.ceremony)))
}

/// Recognition as official ends a probation that began with the admission's ceremony, 12 months
/// after it (Charter art. 5 §1; rules.md §3): an official span that begins before the admission
/// decision it follows, or before that admission's ceremony, is impossible. A record whose
/// official span has no admission before it at all is reported too. Once per record: the first
/// such span.
fn official_before_admission(spans: &[HistorySpan]) -> Option<Finding> {
    spans.iter().enumerate().filter(|(_, s)| s.status == Status::Official).find_map(|(i, s)| {
        let finding = |detail: String, date: NaiveDate| Finding {
            kind: ProblemKind::OfficialBeforeAdmission,
            detail,
            date: Some(date),
            deadline: None,
        };
        // The admission this official span follows: the latest one that began no later.
        let before = admissions(spans).filter(|(at, _, _)| *at <= i).last();
        match before {
            None => {
                let later = admissions(spans).map(|(_, d, _)| d).find(|d| *d > s.from);
                Some(match later {
                    Some(decided) => finding(
                        format!("Ngày chính thức {} trước ngày quyết định kết nạp {}.", format_vn(s.from), format_vn(decided)),
                        s.from,
                    ),
                    None => finding(format!("Chính thức từ ngày {} nhưng hồ sơ không có quyết định kết nạp.", format_vn(s.from)), s.from),
                })
            }
            Some((_, decided, _)) if s.from < decided => Some(finding(
                format!("Ngày chính thức {} trước ngày quyết định kết nạp {}.", format_vn(s.from), format_vn(decided)),
                s.from,
            )),
            Some((_, _, Some(ceremony))) if s.from < ceremony => Some(finding(
                format!("Ngày chính thức {} trước ngày tổ chức lễ kết nạp {}.", format_vn(s.from), format_vn(ceremony)),
                s.from,
            )),
            Some(_) => None,
        }
    })
}

/// Full 18 years, counted by month, when the chi bộ considers the applicant (rules.md §2.1;
/// point 1.1 of each implementing regulation, the minimum of the version in force then). The
/// register keeps the decision's date, which comes after the chi bộ's consideration: a person
/// under 18 on the decision's day was under 18 at the consideration too. Readmissions included.
fn admitted_under_age(birth: NaiveDate, spans: &[HistorySpan]) -> impl Iterator<Item = Finding> + '_ {
    admissions(spans).filter_map(move |(_, decided, _)| {
        let min_years = rules_on(decided).min_age_years;
        let months = full_months_between(birth, decided);
        (birth > decided || months < min_years * 12).then(|| Finding {
            kind: ProblemKind::AdmittedUnderAge,
            detail: if birth > decided {
                format!("Ngày sinh {} sau ngày quyết định kết nạp {}.", format_vn(birth), format_vn(decided))
            } else {
                format!(
                    "Ngày quyết định kết nạp {}: mới {} tuổi {} tháng, chưa đủ {min_years} tuổi tính theo tháng (ngày sinh {}).",
                    format_vn(decided),
                    months / 12,
                    months % 12,
                    format_vn(birth)
                )
            },
            date: Some(decided),
            deadline: None,
        })
    })
}

/// The latest admission's probation is under way (no official or exempt span since, and the
/// member is still probationary or in transit), no ceremony is recorded, and the time allowed
/// for holding it has passed. The chi bộ holds the ceremony within 30 working days of receiving
/// the decision (rules.md §2.2 point 11; point 4.1); the register keeps the decision's date,
/// the earliest the chi bộ can have received it, so the deadline is counted from it. Without
/// the ceremony no official date can be computed (rules.md §3).
fn ceremony_missing(spans: &[HistorySpan], calendar: &WorkCalendar, today: NaiveDate) -> Option<Finding> {
    let (at, decided, ceremony) = admissions(spans).last()?;
    if ceremony.is_some() {
        return None;
    }
    let since = spans.get(at..)?;
    let recognized = since.iter().any(|s| matches!(s.status, Status::Official | Status::Exempt));
    let latest = since.last()?;
    let under_way = latest.to.is_none() && matches!(latest.status, Status::Probationary | Status::TransferredOut);
    if recognized || !under_way {
        return None;
    }
    let deadline = ceremony_deadline(calendar, decided);
    (today > deadline).then(|| Finding {
        kind: ProblemKind::CeremonyMissing,
        detail: format!(
            "Quyết định kết nạp ngày {}; lễ kết nạp phải tổ chức chậm nhất {} nhưng hồ sơ chưa ghi, nên chưa tính được ngày chính thức.",
            format_vn(decided),
            format_vn(deadline)
        ),
        date: Some(decided),
        deadline: Some(deadline),
    })
}

/// In transit inside the register after the member's time to present the letter has run out:
/// 30 working days from the letter's date, the transfer out's date (rules.md §4 "Reporting
/// deadline"). After it the member is late, and the receiving side has recorded nothing.
fn transit_overdue(m: &MemberFacts<'_>, calendar: &WorkCalendar, today: NaiveDate) -> Option<Finding> {
    let latest = m.spans.last()?;
    if !m.awaiting_acceptance || latest.status != Status::TransferredOut || latest.to.is_some() {
        return None;
    }
    let deadline = calendar.add_working_days(latest.from, PRESENT_WORKING_DAYS);
    (today > deadline).then(|| Finding {
        kind: ProblemKind::TransitOverdue,
        detail: format!(
            "Giấy giới thiệu ngày {}; hạn xuất trình với nơi đến là {} ({PRESENT_WORKING_DAYS} ngày làm việc) nhưng nơi nhận chưa ghi tiếp nhận.",
            format_vn(latest.from),
            format_vn(deadline)
        ),
        date: Some(latest.from),
        deadline: Some(deadline),
    })
}

/// What the checks read of one chi bộ today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellFacts {
    pub kind: UnitKind,
    /// Members on its list today (probationary, official, exempt).
    pub members: usize,
    /// Whether an account that is not disabled holds the cell-secretary role on it.
    pub secretary_account: bool,
}

/// The problems of one unit today; only a unit that holds members (a chi bộ) has any.
pub fn cell_problems(c: &CellFacts) -> Vec<Finding> {
    let mut out = Vec::new();
    if !c.kind.holds_members() {
        return out;
    }
    // A chi bộ needs at least 3 official members; with fewer the superior committee places
    // them elsewhere (rules.md §1.1 "Size rules"): one with nobody on its list is left over.
    if c.members == 0 {
        out.push(Finding {
            kind: ProblemKind::CellWithoutMembers,
            detail: "Không có đảng viên nào trong danh sách của chi bộ hôm nay.".into(),
            date: None,
            deadline: None,
        });
    }
    // Every chi bộ elects a secretary (rules.md §1.1 "Chi bộ leadership"), who records the chi
    // bộ's meetings and proposals through the cell-secretary role (docs/design/access.md).
    if !c.secretary_account {
        out.push(Finding {
            kind: ProblemKind::CellWithoutSecretary,
            detail: "Không tài khoản đang hoạt động nào giữ vai trò bí thư chi bộ trên chi bộ này.".into(),
            date: None,
            deadline: None,
        });
    }
    out
}

/// What [`duplicates`] reads of one record: a key of the caller's choice (a member id), the name
/// folded as search folds it (`text::fold`: no marks, đ → d, lower case, single spaces), the
/// birth date and the party card number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Identifying<'a, K> {
    pub key: K,
    pub name_fold: &'a str,
    pub birth_date: NaiveDate,
    pub card: Option<&'a str>,
}

/// Records that probably describe one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateGroup<K> {
    /// [`ProblemKind::DuplicateNameBirth`] or [`ProblemKind::DuplicateCard`].
    pub kind: ProblemKind,
    /// Two or more keys, in order.
    pub members: Vec<K>,
}

impl<K: PartialEq> DuplicateGroup<K> {
    /// The finding for one record of the group, whose birth date and card number are given.
    pub fn finding(&self, birth_date: NaiveDate, card: Option<&str>) -> Finding {
        let others = self.members.len().saturating_sub(1);
        let detail = match self.kind {
            ProblemKind::DuplicateCard => format!("Số thẻ đảng viên {} cũng ghi trên {others} hồ sơ khác.", card.unwrap_or_default()),
            _ => format!("Cùng họ tên và ngày sinh ({}) với {others} hồ sơ khác.", format_vn(birth_date)),
        };
        Finding { kind: self.kind, detail, date: None, deadline: None }
    }
}

/// Groups of records sharing the folded name and birth date (the same person typed twice, with
/// or without marks), and groups sharing a party card number (one card belongs to one member):
/// name-and-birth groups first, each kind ordered by its smallest key.
pub fn duplicates<'a, K: Copy + Ord>(people: impl IntoIterator<Item = Identifying<'a, K>>) -> Vec<DuplicateGroup<K>> {
    let mut by_name: BTreeMap<(&str, NaiveDate), Vec<K>> = BTreeMap::new();
    let mut by_card: BTreeMap<&str, Vec<K>> = BTreeMap::new();
    for p in people {
        by_name.entry((p.name_fold.trim(), p.birth_date)).or_default().push(p.key);
        if let Some(card) = p.card.map(str::trim).filter(|c| !c.is_empty()) {
            by_card.entry(card).or_default().push(p.key);
        }
    }
    let groups = |kind: ProblemKind, lists: Vec<Vec<K>>| {
        let mut found: Vec<DuplicateGroup<K>> = lists
            .into_iter()
            .filter(|l| l.len() > 1)
            .map(|mut members| {
                members.sort();
                members.dedup();
                DuplicateGroup { kind, members }
            })
            .filter(|g| g.members.len() > 1)
            .collect();
        found.sort_by(|a, b| a.members.first().cmp(&b.members.first()));
        found
    };
    let mut out = groups(ProblemKind::DuplicateNameBirth, by_name.into_values().collect());
    out.extend(groups(ProblemKind::DuplicateCard, by_card.into_values().collect()));
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests;
