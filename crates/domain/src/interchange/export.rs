//! The other direction: a member's record as of a day written as one row of the register file,
//! in the columns [`super::record::parse_member`] reads (docs/formats/register.md), so that a
//! file written here and read back gives the same record.
//!
//! Pure: storage hands in the events in force and the facts of the day; the writers (xlsx, CSV)
//! turn each [`Cell`] into their own cell type.

use chrono::NaiveDate;

use super::columns::{Column, UnitColumn};
use super::record::{Departure, EarlierMembership, MemberRecord, RecordStatus, UnitKindWord, UnitRecord};
use crate::event::{AdmissionOrigin, EventKind, RecordedEvent, UnitRef};
use crate::history::effective_events;
use crate::unit::LegalBasis;

/// One cell as the exporter writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Empty,
    /// Text, identifiers included (a CCCD keeps its leading zeros).
    Text(String),
    /// A real date cell in a workbook, `dd/mm/yyyy` in a CSV.
    Date(NaiveDate),
    /// The row number ("STT").
    Number(u64),
}

impl Cell {
    fn text(s: &str) -> Cell {
        Cell::Text(s.to_owned())
    }

    fn opt_text(s: Option<&str>) -> Cell {
        s.map_or(Cell::Empty, Cell::text)
    }

    fn opt_date(d: Option<NaiveDate>) -> Cell {
        d.map_or(Cell::Empty, Cell::Date)
    }
}

/// A member's admission as it stands on a day: the latest admission (or readmission) decision
/// in force on or before it, with what followed it up to that day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdmissionOn {
    /// The decision's date: party age counts from it (rules.md §3 "Party age").
    pub decision: NaiveDate,
    /// The ceremony, when recorded on or before the day: probation runs from it (rules.md §3).
    pub ceremony: Option<NaiveDate>,
    /// The recognition as official, when recorded on or before the day.
    pub official: Option<NaiveDate>,
    pub basis: Option<LegalBasis>,
    /// Where the member was admitted.
    pub unit: UnitRef,
    pub origin: AdmissionOrigin,
    /// For a readmission (kết nạp lại): the first admission and how it ended.
    pub earlier: Option<EarlierMembership>,
}

/// The admission behind a member's standing on `on`, from their recorded events (corrections
/// applied). `None` when no admission in force precedes the day.
pub fn admission_on(events: &[RecordedEvent], on: NaiveDate) -> Option<AdmissionOn> {
    let effective = effective_events(events);
    let upto: Vec<&crate::event::EventData> = effective.iter().map(|(_, e)| e).filter(|e| e.effective <= on).collect();
    let at = upto.iter().rposition(|e| matches!(e.kind, EventKind::Admitted { .. } | EventKind::Readmitted { .. }))?;
    let decided = upto.get(at)?;
    let (unit, origin, earlier) = match &decided.kind {
        EventKind::Admitted { unit, origin } => (unit.clone(), *origin, None),
        EventKind::Readmitted { unit, origin } => (unit.clone(), *origin, earlier_membership(upto.get(..at).unwrap_or_default())),
        _ => return None,
    };
    let after = upto.get(at + 1..).unwrap_or_default();
    // The probation's ceremony and recognition (the latest recorded, as the derivation keeps them).
    let ceremony = after.iter().rev().find(|e| matches!(e.kind, EventKind::Ceremony)).map(|e| e.effective);
    let official = after.iter().rev().find(|e| matches!(e.kind, EventKind::RecognizedOfficial)).map(|e| e.effective);
    Some(AdmissionOn { decision: decided.effective, ceremony, official, basis: decided.basis.clone(), unit, origin, earlier })
}

/// The membership before a readmission: the first admission decision and the last departure
/// after it.
fn earlier_membership(before: &[&crate::event::EventData]) -> Option<EarlierMembership> {
    let first_decision = before.iter().find(|e| matches!(e.kind, EventKind::Admitted { .. }))?.effective;
    let (left_on, left_by) = before.iter().rev().find_map(|e| {
        let how = match e.kind {
            EventKind::StruckOff { .. } => Departure::StruckOff,
            EventKind::Exited { .. } => Departure::Exited,
            EventKind::Expelled => Departure::Expelled,
            _ => return None,
        };
        Some((e.effective, how))
    })?;
    Some(EarlierMembership { first_decision, left_on, left_by })
}

/// Where a member went on `day`: the transfer out's destination or the unit they were
/// reassigned to, by the events in force (`None`: no such event that day).
pub fn destination_on(events: &[RecordedEvent], day: NaiveDate) -> Option<UnitRef> {
    effective_events(events).into_iter().rev().filter(|(_, e)| e.effective == day).find_map(|(_, e)| match e.kind {
        EventKind::TransferredOut { to, .. } => Some(to),
        EventKind::Reassigned { to } => Some(UnitRef::Internal(to)),
        _ => None,
    })
}

/// The status word written in "Trạng thái" (one of those the reader knows).
pub fn status_word(status: &RecordStatus) -> &'static str {
    match status {
        RecordStatus::Probationary => "Dự bị",
        RecordStatus::Official => "Chính thức",
        RecordStatus::Exempt { .. } => "Miễn sinh hoạt",
        RecordStatus::Left { departure, .. } => departure_word(*departure),
    }
}

/// The word of a departure, as "Trạng thái" writes it.
pub fn departure_word(departure: Departure) -> &'static str {
    match departure {
        Departure::TransferredOut => "Đã chuyển đi",
        Departure::Died => "Từ trần",
        Departure::Exited => "Ra khỏi Đảng",
        Departure::StruckOff => "Xóa tên",
        Departure::Expelled => "Khai trừ",
    }
}

/// A member's row, one cell per column of [`Column::ALL`]; `number` is the row's "STT".
pub fn member_cells(number: u64, record: &MemberRecord) -> Vec<Cell> {
    Column::ALL.iter().map(|c| member_cell(*c, number, record)).collect()
}

fn member_cell(column: Column, number: u64, r: &MemberRecord) -> Cell {
    let i = &r.identity;
    let p = r.profile.as_ref();
    let profile = |f: &dyn Fn(&crate::member::Profile) -> &'static str| p.map_or(Cell::Empty, |p| Cell::text(f(p)));
    match column {
        Column::Number => Cell::Number(number),
        Column::FullName => Cell::text(i.full_name.as_str()),
        Column::OtherNames => Cell::opt_text(i.other_names.as_deref()),
        Column::Gender => Cell::text(i.gender.label()),
        Column::BirthDate => Cell::Date(i.birth_date),
        Column::Birthplace => Cell::opt_text(i.birthplace.as_deref()),
        Column::Hometown => Cell::opt_text(i.hometown.as_deref()),
        Column::Ethnicity => Cell::text(i.ethnicity.label()),
        Column::Religion => Cell::text(i.religion.label()),
        Column::CitizenId => Cell::text(i.citizen_id.as_str()),
        Column::Phone => Cell::opt_text(i.phone.as_ref().map(|x| x.as_str())),
        Column::PartyCardNumber => Cell::opt_text(i.party_card_number.as_ref().map(|x| x.as_str())),
        Column::LyLichNumber => Cell::opt_text(i.ly_lich_number.as_ref().map(|x| x.as_str())),
        // As on the card: the ceremony when known, else the decision (rules.md §3).
        Column::AdmissionDate => Cell::Date(r.ceremony.unwrap_or(r.decision)),
        Column::DecisionDate => Cell::Date(r.decision),
        Column::CeremonyDate => Cell::opt_date(r.ceremony),
        Column::DecisionNumber => Cell::opt_text(r.basis.as_ref().map(|b| b.number.as_str())),
        Column::DecisionIssuer => Cell::opt_text(r.basis.as_ref().map(|b| b.issuer.as_str())),
        Column::AdmittedIn => Cell::opt_text(r.admitted_in.as_deref()),
        Column::OfficialDate => Cell::opt_date(r.official),
        Column::FirstAdmission => Cell::opt_date(r.earlier.map(|e| e.first_decision)),
        Column::EarlierExitDate => Cell::opt_date(r.earlier.map(|e| e.left_on)),
        Column::EarlierExitForm => r.earlier.map_or(Cell::Empty, |e| Cell::text(departure_word(e.left_by))),
        Column::Unit => Cell::text(&r.unit),
        Column::UnitSince => Cell::opt_date(r.unit_since),
        Column::Status => Cell::text(status_word(&r.status)),
        Column::StatusDate => match &r.status {
            RecordStatus::Exempt { since } => Cell::opt_date(*since),
            RecordStatus::Left { on, .. } => Cell::Date(*on),
            RecordStatus::Probationary | RecordStatus::Official => Cell::Empty,
        },
        Column::Destination => match &r.status {
            RecordStatus::Left { destination, .. } => Cell::opt_text(destination.as_deref()),
            _ => Cell::Empty,
        },
        Column::Source => Cell::opt_text(r.origin.source.map(|s| s.label())),
        Column::TargetGroup => Cell::opt_text(r.origin.target_group.map(|g| g.label())),
        Column::GeneralEducation => profile(&|p| p.general_education.label()),
        Column::Professional => profile(&|p| p.professional.label()),
        Column::AcademicTitle => profile(&|p| p.academic_title.label()),
        Column::PoliticalTheory => profile(&|p| p.political_theory.label()),
        Column::ForeignLanguage => profile(&|p| p.foreign_language.label()),
        Column::ItLevel => profile(&|p| p.it_level.label()),
        Column::Occupation => profile(&|p| p.occupation.label()),
        Column::YouthUnion => profile(&|p| if p.youth_union { "Có" } else { "Không" }),
        Column::Residence => p.map_or(Cell::Empty, |p| Cell::opt_text(p.residence.as_deref())),
        Column::Note => Cell::opt_text(r.note.as_deref()),
    }
}

/// A unit's row, one cell per column of [`UnitColumn::ALL`].
pub fn unit_cells(record: &UnitRecord) -> Vec<Cell> {
    UnitColumn::ALL
        .iter()
        .map(|c| match c {
            UnitColumn::Code => Cell::text(record.code.as_str()),
            UnitColumn::Name => Cell::text(&record.name),
            UnitColumn::Kind => match record.kind {
                UnitKindWord::Exact(k) => Cell::text(k.label()),
                UnitKindWord::AnyCell => Cell::text("Chi bộ"),
            },
            UnitColumn::ParentCode => Cell::opt_text(record.parent_code.as_deref()),
            UnitColumn::Parent => Cell::opt_text(record.parent.as_deref()),
            UnitColumn::Established => Cell::opt_date(record.established),
        })
        .collect()
}

/// The names of the sheets of an exported workbook.
pub const MEMBER_SHEET: &str = "Đảng viên";
pub const UNIT_SHEET: &str = "Tổ chức";
pub const NOTE_SHEET: &str = "Ghi chú";

/// Separator of the names in "Tổ chức cấp trên" (from the top of the tree down to the parent).
pub const PATH_SEPARATOR: &str = " / ";

/// What the file carries, said in the note sheet and in docs/formats/register.md.
pub const CARRIED: &str = "Tệp ghi, cho ngày xuất: danh sách tổ chức đảng của phạm vi xuất (mã, tên, loại, cấp trên, ngày thành lập) \
và mỗi đảng viên với lý lịch tóm tắt (nhận dạng, trình độ tại ngày xuất), ngày quyết định kết nạp, ngày lễ kết nạp, ngày chính thức, \
(với đảng viên kết nạp lại: ngày vào Đảng lần đầu, ngày và hình thức ra khỏi Đảng lần trước), \
số và cơ quan quyết định kết nạp, nơi kết nạp, nguồn giới thiệu và nhóm chỉ tiêu, chi bộ sinh hoạt, ngày đến chi bộ, trạng thái và ngày thay đổi trạng thái.";

/// What does not travel in the file (the histories beyond its columns).
pub const NOT_CARRIED: [&str; 7] = [
    "Các lần chuyển sinh hoạt trước khi đến chi bộ hiện tại (chỉ ghi ngày đến chi bộ hiện tại và nơi kết nạp).",
    "Lịch sử tổ chức: sáp nhập, hợp nhất, chia tách, đổi tên, chuyển cấp trên và các tổ chức đã giải thể (chỉ ghi cây tổ chức tại ngày xuất).",
    "Các sự kiện đã đính chính hoặc hủy và lý do đính chính (chỉ ghi kết quả sau đính chính).",
    "Nơi kết nạp, ngày lễ kết nạp và ngày chính thức của lần vào Đảng đầu tiên của đảng viên được kết nạp lại; các thời kỳ sinh hoạt tạm thời, các lần miễn sinh hoạt đã kết thúc.",
    "Các thay đổi lý lịch theo thời gian (chỉ ghi trình độ, nghề nghiệp, nơi ở tại ngày xuất).",
    "Hồ sơ kết nạp đảng viên (quần chúng ưu tú, các bước xét kết nạp, người giới thiệu), chỉ tiêu và nhiệm kỳ.",
    "Tài khoản, quyền truy cập và nhật ký kiểm tra (audit) của hệ thống.",
];

#[cfg(test)]
mod tests;
