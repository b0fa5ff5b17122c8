//! One row of a register file read into typed values, every problem collected with its column.
//!
//! The identity and the profile go through the same parsers as the member form
//! ([`IdentityInput::parse`], [`ProfileInput::parse`]); the dates through the same date reader;
//! lists accept labels and the words committees use for them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::columns::{Column, Mapping, UnitColumn};
use super::values::{self, ListReader, Value, Warning};
use crate::error::FieldError;
use crate::event::AdmissionOrigin;
use crate::ids::{DecisionNumber, UnitCode};
use crate::member::{
    AcademicTitle, Ethnicity, ForeignLanguageLevel, Gender, GeneralEducation, Identity, IdentityInput, ItLevel, OccupationGroup,
    PoliticalTheory, Professional, Profile, ProfileInput, Religion,
};
use crate::pipeline::{CandidateSource, TargetGroup};
use crate::text::fold;
use crate::unit::{LegalBasis, UnitKind};

/// What a single "Ngày vào Đảng" column is taken as when the file has no other admission date.
/// On the party card the date is the ceremony's (rules.md §3: probation runs from the ceremony);
/// party age counts from the decision (rules.md §3 "Party age").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum AdmissionDateMeaning {
    /// The ceremony (as on the card); the decision is taken as the same day.
    #[default]
    Ceremony,
    /// The decision; no ceremony date is known.
    Decision,
}

impl AdmissionDateMeaning {
    pub fn label(self) -> &'static str {
        match self {
            AdmissionDateMeaning::Ceremony => "ngày lễ kết nạp (như trên thẻ đảng viên); ngày quyết định lấy bằng ngày này",
            AdmissionDateMeaning::Decision => "ngày quyết định kết nạp; ngày lễ kết nạp để trống",
        }
    }
}

/// A member's standing as the file states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordStatus {
    Probationary,
    Official,
    /// Miễn công tác và sinh hoạt đảng since the date (if the file gives one).
    Exempt {
        since: Option<NaiveDate>,
    },
    /// No longer in the chi bộ: the event that ended it, on its date.
    Left {
        departure: Departure,
        on: NaiveDate,
        destination: Option<String>,
    },
}

/// How a member left, as the file's status says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Departure {
    TransferredOut,
    Died,
    Exited,
    StruckOff,
    Expelled,
}

/// The status words of a file (folded) and what they mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StatusWord {
    Probationary,
    Official,
    Exempt,
    Gone(Departure),
}

const STATUS_WORDS: &[(&str, StatusWord)] = &[
    ("du bi", StatusWord::Probationary),
    ("dang vien du bi", StatusWord::Probationary),
    ("chinh thuc", StatusWord::Official),
    ("dang vien chinh thuc", StatusWord::Official),
    ("dang sinh hoat", StatusWord::Official),
    ("mien sinh hoat", StatusWord::Exempt),
    ("mien", StatusWord::Exempt),
    ("mien cong tac va sinh hoat", StatusWord::Exempt),
    ("mien cong tac va sinh hoat dang", StatusWord::Exempt),
    ("da chuyen di", StatusWord::Gone(Departure::TransferredOut)),
    ("chuyen di", StatusWord::Gone(Departure::TransferredOut)),
    ("chuyen sinh hoat di", StatusWord::Gone(Departure::TransferredOut)),
    ("tu tran", StatusWord::Gone(Departure::Died)),
    ("da tu tran", StatusWord::Gone(Departure::Died)),
    ("da mat", StatusWord::Gone(Departure::Died)),
    ("tu tran tu tran", StatusWord::Gone(Departure::Died)),
    ("ra khoi dang", StatusWord::Gone(Departure::Exited)),
    ("xin ra khoi dang", StatusWord::Gone(Departure::Exited)),
    ("xoa ten", StatusWord::Gone(Departure::StruckOff)),
    ("bi xoa ten", StatusWord::Gone(Departure::StruckOff)),
    ("khai tru", StatusWord::Gone(Departure::Expelled)),
    ("bi khai tru", StatusWord::Gone(Departure::Expelled)),
];

/// A readmitted member's earlier membership (kết nạp lại, 294-QĐ/TW point 3.5): the first
/// admission and how it ended. Party age counts from the first decision less the time out
/// (rules.md §3 "Party age").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EarlierMembership {
    pub first_decision: NaiveDate,
    pub left_on: NaiveDate,
    /// Struck off, exited or expelled.
    pub left_by: Departure,
}

/// The words of "Hình thức ra khỏi Đảng lần trước" (folded).
const EARLIER_EXIT_WORDS: &[(&str, Departure)] = &[
    ("xoa ten", Departure::StruckOff),
    ("bi xoa ten", Departure::StruckOff),
    ("ra khoi dang", Departure::Exited),
    ("xin ra khoi dang", Departure::Exited),
    ("khai tru", Departure::Expelled),
    ("bi khai tru", Departure::Expelled),
];

/// A member row read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRecord {
    pub identity: Identity,
    /// `None` when the file has no profile columns (or they are all empty for this row).
    pub profile: Option<Profile>,
    /// The admission decision's date (party age counts from it).
    pub decision: NaiveDate,
    /// The ceremony's date, when known.
    pub ceremony: Option<NaiveDate>,
    /// The decision was not in the file: it is taken as the ceremony's day.
    pub decision_taken_from_ceremony: bool,
    pub basis: Option<LegalBasis>,
    /// Where the member was admitted, as the file names it.
    pub admitted_in: Option<String>,
    pub origin: AdmissionOrigin,
    pub official: Option<NaiveDate>,
    /// The chi bộ as the file names it (code, name or path).
    pub unit: String,
    /// Since when the member is in that chi bộ, when the file says.
    pub unit_since: Option<NaiveDate>,
    pub status: RecordStatus,
    pub note: Option<String>,
    /// For a readmitted member (the admission columns then hold the readmission).
    pub earlier: Option<EarlierMembership>,
}

/// A problem with one cell of a row (or the row as a whole when `column` is `None`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CellError {
    pub column: Option<Column>,
    pub code: String,
    pub message: String,
}

impl CellError {
    pub fn new(column: Option<Column>, code: &str, message: impl Into<String>) -> Self {
        CellError { column, code: code.to_owned(), message: message.into() }
    }
}

/// The cells of one row with the mapping that names them.
pub struct Row<'a> {
    pub cells: &'a [Value],
    pub mapping: &'a Mapping,
    /// Values for fields the file lacks, typed on the mapping page ("Tôn giáo: Không").
    pub defaults: &'a [(Column, String)],
}

impl Row<'_> {
    fn value(&self, column: Column) -> Value {
        let cell = self.mapping.member_column(column).and_then(|i| self.cells.get(i)).filter(|v| !v.is_empty());
        match cell {
            Some(v) => v.clone(),
            None => self.defaults.iter().find(|(c, _)| *c == column).map(|(_, d)| Value::Text(d.clone())).unwrap_or(Value::Empty),
        }
    }

    /// Whether the row holds nothing in any mapped column (blank rows between blocks).
    pub fn is_blank(&self) -> bool {
        self.mapping
            .members
            .iter()
            .enumerate()
            .all(|(i, c)| c.is_none() || *c == Some(Column::Number) || self.cells.get(i).is_none_or(Value::is_empty))
    }
}

/// Collects cell errors and warnings while a row is read.
struct Reader<'a, 'r> {
    row: &'r Row<'a>,
    errors: Vec<CellError>,
    warnings: Vec<Warning>,
}

impl Reader<'_, '_> {
    fn take<T>(&mut self, column: Column, r: Result<T, FieldError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.errors.push(CellError::new(Some(column), e.code, e.message));
                None
            }
        }
    }

    fn text(&mut self, column: Column) -> Option<String> {
        let v = self.row.value(column);
        self.take(column, values::text(&v)).flatten()
    }

    fn date(&mut self, column: Column) -> Option<NaiveDate> {
        let v = self.row.value(column);
        let r = values::date(&v, &mut self.warnings);
        self.take(column, r).flatten()
    }

    fn digits(&mut self, column: Column, width: usize, label: &str) -> String {
        let v = self.row.value(column);
        let r = values::digits(&v, width, label, &mut self.warnings);
        self.take(column, r).flatten().unwrap_or_default()
    }

    /// A closed list read as its code (empty when absent or unreadable; the error is kept).
    fn list<T: Copy>(&mut self, column: Column, reader: &ListReader<T>) -> String {
        let v = self.row.value(column);
        self.take(column, reader.read(&v)).flatten().map(|x| (reader.code)(x).to_owned()).unwrap_or_default()
    }

    fn mapped(&self, column: Column) -> bool {
        self.row.mapping.member_column(column).is_some() || self.row.defaults.iter().any(|(c, _)| *c == column)
    }
}

mod lists;
use lists::*;

const PROFILE_COLUMNS: &[Column] = &[
    Column::GeneralEducation,
    Column::Professional,
    Column::AcademicTitle,
    Column::PoliticalTheory,
    Column::ForeignLanguage,
    Column::ItLevel,
    Column::Occupation,
    Column::YouthUnion,
    Column::Residence,
];

/// Which column a field of the member form belongs to (for the form's errors).
fn column_of_field(field: &str) -> Option<Column> {
    Column::ALL.iter().copied().find(|c| c.code() == field)
}

/// A member row read: the record, or every problem with its column; and what the readers
/// repaired on the way, either way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRead {
    pub record: Result<MemberRecord, Vec<CellError>>,
    pub warnings: Vec<Warning>,
}

/// Reads a member row. `today` bounds the dates (the import's day).
pub fn parse_member(row: &Row<'_>, meaning: AdmissionDateMeaning, today: NaiveDate) -> MemberRead {
    let mut r = Reader { row, errors: Vec::new(), warnings: Vec::new() };
    let identity_input = IdentityInput {
        full_name: r.text(Column::FullName).unwrap_or_default(),
        other_names: r.text(Column::OtherNames).unwrap_or_default(),
        gender: r.list(Column::Gender, &GENDER),
        birth_date: r.date(Column::BirthDate).map(crate::dates::format_vn).unwrap_or_default(),
        birthplace: r.text(Column::Birthplace).unwrap_or_default(),
        hometown: r.text(Column::Hometown).unwrap_or_default(),
        ethnicity: r.list(Column::Ethnicity, &ETHNICITY),
        religion: r.list(Column::Religion, &RELIGION),
        citizen_id: r.digits(Column::CitizenId, 12, "Số CCCD"),
        phone: r.digits(Column::Phone, 10, "Số điện thoại"),
        party_card_number: r.digits(Column::PartyCardNumber, 8, "Số thẻ đảng viên"),
        ly_lich_number: r.text(Column::LyLichNumber).unwrap_or_default(),
    };
    let already: Vec<Option<Column>> = r.errors.iter().map(|e| e.column).collect();
    let identity = match identity_input.parse(today) {
        Ok(i) => Some(i),
        Err(e) => {
            for fe in e.errors {
                let column = column_of_field(&fe.field);
                // A cell already refused by its reader is not refused twice as "required".
                if !(fe.code == "required" && already.contains(&column)) {
                    r.errors.push(CellError::new(column, fe.code, fe.message));
                }
            }
            None
        }
    };

    let profile = read_profile(&mut r);

    // Admission dates (rules.md §3: probation runs from the ceremony, party age from the
    // decision). "Ngày vào Đảng" alone is what the person importing says it is; beside a
    // decision column it is the card's date, the ceremony; beside a ceremony column, the decision.
    let single = r.date(Column::AdmissionDate);
    let mut decision = r.date(Column::DecisionDate);
    let mut ceremony = r.date(Column::CeremonyDate);
    let (decision_column, ceremony_column) = (r.mapped(Column::DecisionDate), r.mapped(Column::CeremonyDate));
    let mut taken = false;
    if let Some(d) = single {
        match (decision, ceremony) {
            (None, None) if ceremony_column && !decision_column => decision = Some(d),
            (None, None) if decision_column && !ceremony_column => ceremony = Some(d),
            (None, None) => match meaning {
                AdmissionDateMeaning::Ceremony => ceremony = Some(d),
                AdmissionDateMeaning::Decision => decision = Some(d),
            },
            // The file has the decision: "Ngày vào Đảng" is the card's, the ceremony — unless
            // the file has a ceremony column, left empty: then no ceremony is recorded.
            (Some(_), None) if !ceremony_column => ceremony = Some(d),
            (None, Some(_)) if !decision_column => decision = Some(d),
            _ => {}
        }
    }
    if decision.is_none() && ceremony.is_some() {
        decision = ceremony;
        taken = true;
    }
    let official = r.date(Column::OfficialDate);
    if decision.is_none()
        && !r.errors.iter().any(|e| matches!(e.column, Some(Column::AdmissionDate | Column::DecisionDate | Column::CeremonyDate)))
    {
        let column = [Column::AdmissionDate, Column::DecisionDate, Column::CeremonyDate].into_iter().find(|c| r.mapped(*c));
        r.errors.push(CellError::new(column.or(Some(Column::AdmissionDate)), "required", "Thiếu ngày vào Đảng."));
    }
    if let (Some(d), Some(c)) = (decision, ceremony)
        && c < d
    {
        r.errors.push(CellError::new(Some(Column::CeremonyDate), "before_decision", "Ngày lễ kết nạp trước ngày quyết định kết nạp."));
    }
    for (column, date) in [(Column::DecisionDate, decision), (Column::CeremonyDate, ceremony), (Column::OfficialDate, official)] {
        if date.is_some_and(|d| d > today) {
            r.errors.push(CellError::new(Some(column), "in_future", "Ngày sau hôm nay không hợp lệ."));
        }
    }
    if let (Some(d), Some(o)) = (decision, official)
        && o <= d
    {
        r.errors.push(CellError::new(Some(Column::OfficialDate), "before_admission", "Ngày chính thức phải sau ngày vào Đảng."));
    }
    if let (Some(i), Some(d)) = (&identity, decision)
        && crate::dates::age_in_years(i.birth_date, d) < 18
    {
        // Charter art. 1 / 294-QĐ/TW point 1.1 (rules.md §2.1): full 18 years at admission. Old
        // registers do hold such records; they are kept and listed on the data-quality worklist.
        r.warnings.push(Warning {
            code: "admitted_under_18",
            message: "Ngày vào Đảng khi chưa đủ 18 tuổi; kiểm tra lại ngày sinh hoặc ngày vào Đảng.".into(),
        });
    }

    let basis = read_basis(&mut r, decision);
    let admitted_in = r.text(Column::AdmittedIn);
    let source = {
        let v = r.row.value(Column::Source);
        r.take(Column::Source, SOURCE.read(&v)).flatten()
    };
    let target_group = {
        let v = r.row.value(Column::TargetGroup);
        r.take(Column::TargetGroup, TARGET_GROUP.read(&v)).flatten()
    };
    let unit = r.text(Column::Unit);
    if unit.is_none() && !r.errors.iter().any(|e| e.column == Some(Column::Unit)) {
        r.errors.push(CellError::new(Some(Column::Unit), "required", "Thiếu chi bộ đang sinh hoạt."));
    }
    let unit_since = r.date(Column::UnitSince);
    if let (Some(s), Some(d)) = (unit_since, decision)
        && s < d
        && admitted_in.as_ref().is_some_and(|a| unit.as_ref() != Some(a))
    {
        r.errors.push(CellError::new(Some(Column::UnitSince), "before_admission", "Ngày đến chi bộ trước ngày vào Đảng."));
    }
    let status = read_status(&mut r, official);
    let note = r.text(Column::Note);
    let earlier = read_earlier(&mut r, decision);

    let Reader { errors, warnings, .. } = r;
    let record = match (identity, decision, unit, status) {
        (Some(identity), Some(decision), Some(unit), Some(status)) if errors.is_empty() => Ok(MemberRecord {
            identity,
            profile,
            decision,
            ceremony,
            decision_taken_from_ceremony: taken,
            basis,
            admitted_in,
            origin: AdmissionOrigin { source, target_group },
            official,
            unit,
            unit_since,
            status,
            note,
            earlier,
        }),
        _ => Err(errors),
    };
    MemberRead { record, warnings }
}

fn read_profile(r: &mut Reader<'_, '_>) -> Option<Profile> {
    let any = PROFILE_COLUMNS.iter().any(|c| !r.row.value(*c).is_empty());
    if !any {
        return None;
    }
    let input = ProfileInput {
        general_education: {
            let v = r.row.value(Column::GeneralEducation);
            r.take(Column::GeneralEducation, general_education(&v)).flatten().map(|g| g.code().to_owned()).unwrap_or_default()
        },
        professional: r.list(Column::Professional, &PROFESSIONAL),
        academic_title: r.list(Column::AcademicTitle, &ACADEMIC_TITLE),
        political_theory: r.list(Column::PoliticalTheory, &POLITICAL_THEORY),
        foreign_language: r.list(Column::ForeignLanguage, &FOREIGN_LANGUAGE),
        it_level: r.list(Column::ItLevel, &IT_LEVEL),
        occupation: r.list(Column::Occupation, &OCCUPATION),
        youth_union: {
            let v = r.row.value(Column::YouthUnion);
            match r.take(Column::YouthUnion, values::yes_no(&v)).flatten() {
                Some(true) => "true".into(),
                _ => "false".into(),
            }
        },
        residence: r.text(Column::Residence).unwrap_or_default(),
    };
    let already: Vec<Option<Column>> = r.errors.iter().map(|e| e.column).collect();
    match input.parse() {
        Ok(p) => Some(p),
        Err(e) => {
            for fe in e.errors {
                let column = column_of_field(&fe.field);
                if !(fe.code == "required" && already.contains(&column)) {
                    r.errors.push(CellError::new(column, fe.code, fe.message));
                }
            }
            None
        }
    }
}

/// The admission decision's reference, when the file has its number (the date is the
/// decision's; the issuer defaults to "không rõ" when the file leaves it out).
fn read_basis(r: &mut Reader<'_, '_>, decision: Option<NaiveDate>) -> Option<LegalBasis> {
    let number = r.text(Column::DecisionNumber)?;
    let issuer = r.text(Column::DecisionIssuer).unwrap_or_else(|| "Không rõ (theo tệp nạp)".into());
    let number = r.take(Column::DecisionNumber, DecisionNumber::parse(&number))?;
    Some(LegalBasis { number, date: decision?, issuer })
}

fn read_status(r: &mut Reader<'_, '_>, official: Option<NaiveDate>) -> Option<RecordStatus> {
    let word = match r.text(Column::Status) {
        None => None,
        Some(t) => {
            let f = fold(&t);
            match STATUS_WORDS.iter().find(|(w, _)| *w == f) {
                Some((_, s)) => Some(*s),
                None => {
                    r.errors.push(CellError::new(
                        Some(Column::Status),
                        "unknown_value",
                        format!("Trạng thái “{t}” không đọc được (Dự bị, Chính thức, Miễn sinh hoạt, Đã chuyển đi, Từ trần, Ra khỏi Đảng, Xóa tên, Khai trừ)."),
                    ));
                    return None;
                }
            }
        }
    };
    let on = r.date(Column::StatusDate);
    let destination = r.text(Column::Destination);
    match word {
        None if official.is_some() => Some(RecordStatus::Official),
        None => Some(RecordStatus::Probationary),
        Some(StatusWord::Probationary) => {
            if official.is_some() {
                r.errors.push(CellError::new(Some(Column::Status), "status_conflict", "Trạng thái dự bị nhưng có ngày chính thức."));
                return None;
            }
            Some(RecordStatus::Probationary)
        }
        Some(StatusWord::Official) => {
            if official.is_none() {
                r.errors.push(CellError::new(Some(Column::OfficialDate), "required", "Đảng viên chính thức cần ngày chính thức."));
                return None;
            }
            Some(RecordStatus::Official)
        }
        Some(StatusWord::Exempt) => Some(RecordStatus::Exempt { since: on }),
        Some(StatusWord::Gone(departure)) => match on {
            Some(on) => Some(RecordStatus::Left { departure, on, destination }),
            None => {
                r.errors.push(CellError::new(Some(Column::StatusDate), "required", "Trạng thái này cần ngày thay đổi trạng thái."));
                None
            }
        },
    }
}

/// A readmitted member's earlier membership: both dates or neither, the first admission before
/// the exit, the exit before the readmission (the admission columns' decision).
fn read_earlier(r: &mut Reader<'_, '_>, readmission: Option<NaiveDate>) -> Option<EarlierMembership> {
    let first = r.date(Column::FirstAdmission);
    let left = r.date(Column::EarlierExitDate);
    let form = r.text(Column::EarlierExitForm);
    let left_by = match form {
        None => Departure::StruckOff,
        Some(t) => match EARLIER_EXIT_WORDS.iter().find(|(w, _)| *w == fold(&t)) {
            Some((_, d)) => *d,
            None => {
                r.errors.push(CellError::new(
                    Some(Column::EarlierExitForm),
                    "unknown_value",
                    format!("Hình thức ra khỏi Đảng “{t}” không đọc được (Xóa tên, Ra khỏi Đảng, Khai trừ)."),
                ));
                return None;
            }
        },
    };
    match (first, left) {
        (None, None) => {
            if r.mapped(Column::EarlierExitForm) && !r.row.value(Column::EarlierExitForm).is_empty() {
                r.errors.push(CellError::new(
                    Some(Column::EarlierExitDate),
                    "required",
                    "Có hình thức ra khỏi Đảng lần trước nhưng thiếu ngày.",
                ));
            }
            None
        }
        (Some(_), None) => {
            r.errors.push(CellError::new(
                Some(Column::EarlierExitDate),
                "required",
                "Đảng viên kết nạp lại cần cả ngày ra khỏi Đảng lần trước.",
            ));
            None
        }
        (None, Some(_)) => {
            r.errors.push(CellError::new(Some(Column::FirstAdmission), "required", "Đảng viên kết nạp lại cần cả ngày vào Đảng lần đầu."));
            None
        }
        (Some(first), Some(left)) => {
            if left <= first {
                r.errors.push(CellError::new(
                    Some(Column::EarlierExitDate),
                    "before_first_admission",
                    "Ngày ra khỏi Đảng lần trước phải sau ngày vào Đảng lần đầu.",
                ));
                return None;
            }
            if readmission.is_some_and(|d| d <= left) {
                r.errors.push(CellError::new(
                    Some(Column::EarlierExitDate),
                    "after_readmission",
                    "Ngày ra khỏi Đảng lần trước phải trước ngày quyết định kết nạp lại (cột ngày vào Đảng).",
                ));
                return None;
            }
            Some(EarlierMembership { first_decision: first, left_on: left, left_by })
        }
    }
}

/// A unit row read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitRecord {
    pub code: UnitCode,
    pub name: String,
    /// `None`: the kind follows from the parent (a chi bộ under a grassroots committee is a chi bộ
    /// trực thuộc, under a commune a chi bộ cơ sở).
    pub kind: UnitKindWord,
    pub parent_code: Option<String>,
    pub parent: Option<String>,
    pub established: Option<NaiveDate>,
}

/// The kind as a file writes it: exact, or "Chi bộ" (which kind of chi bộ depends on the parent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitKindWord {
    Exact(UnitKind),
    AnyCell,
}

impl UnitKindWord {
    /// The kind under a parent of `parent` kind.
    pub fn resolve(self, parent: Option<UnitKind>) -> UnitKind {
        match self {
            UnitKindWord::Exact(k) => k,
            UnitKindWord::AnyCell => match parent {
                Some(UnitKind::GrassrootsCommittee | UnitKind::SubCommittee) => UnitKind::Cell,
                _ => UnitKind::GrassrootsCell,
            },
        }
    }
}

/// Reads a unit row (`cells` by the mapping's unit columns).
pub fn parse_unit(cells: &[Value], mapping: &Mapping) -> Result<UnitRecord, Vec<(Option<UnitColumn>, FieldError)>> {
    let get = |c: UnitColumn| mapping.units.iter().position(|x| *x == Some(c)).and_then(|i| cells.get(i)).cloned().unwrap_or(Value::Empty);
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut text = |c: UnitColumn| match values::text(&get(c)) {
        Ok(t) => t,
        Err(e) => {
            errors.push((Some(c), e));
            None
        }
    };
    let code_text = text(UnitColumn::Code);
    let name = text(UnitColumn::Name);
    let kind_text = text(UnitColumn::Kind);
    let parent_code = text(UnitColumn::ParentCode);
    let parent = text(UnitColumn::Parent);
    let established = match values::date(&get(UnitColumn::Established), &mut warnings) {
        Ok(d) => d,
        Err(e) => {
            errors.push((Some(UnitColumn::Established), e));
            None
        }
    };
    let code = match code_text.as_deref().map(UnitCode::parse) {
        Some(Ok(c)) => Some(c),
        Some(Err(e)) => {
            errors.push((Some(UnitColumn::Code), e));
            None
        }
        None => {
            errors.push((Some(UnitColumn::Code), FieldError::new("", "required", "Thiếu mã tổ chức.")));
            None
        }
    };
    let name = match name.as_deref().map(crate::unit::parse_unit_name) {
        Some(Ok(n)) => Some(n),
        Some(Err(e)) => {
            errors.push((Some(UnitColumn::Name), e));
            None
        }
        None => {
            errors.push((Some(UnitColumn::Name), FieldError::new("", "required", "Thiếu tên tổ chức.")));
            None
        }
    };
    let kind = match kind_text {
        None => match name.as_deref().map(fold) {
            Some(n) if n.starts_with("chi bo") => Some(UnitKindWord::AnyCell),
            _ => {
                errors.push((Some(UnitColumn::Kind), FieldError::new("", "required", "Thiếu loại tổ chức.")));
                None
            }
        },
        Some(t) => match unit_kind_word(&t) {
            Some(k) => Some(k),
            None => {
                errors.push((
                    Some(UnitColumn::Kind),
                    FieldError::new(
                        "",
                        "unknown_value",
                        format!("Loại tổ chức “{t}” không đọc được (ví dụ: Đảng bộ cơ sở, Chi bộ, Đảng bộ xã)."),
                    ),
                ));
                None
            }
        },
    };
    match (code, name, kind) {
        (Some(code), Some(name), Some(kind)) if errors.is_empty() => Ok(UnitRecord { code, name, kind, parent_code, parent, established }),
        _ => Err(errors),
    }
}

fn unit_kind_word(t: &str) -> Option<UnitKindWord> {
    let f = fold(t);
    if f == "chi bo" {
        return Some(UnitKindWord::AnyCell);
    }
    if let Some(k) = UnitKind::ALL.iter().copied().find(|k| fold(k.label()) == f || fold(&k.code().replace('-', " ")) == f) {
        return Some(UnitKindWord::Exact(k));
    }
    let k = match f.as_str() {
        "tinh uy" | "thanh uy" | "dang bo tinh" => UnitKind::Province,
        "dang bo xa" | "dang bo phuong" | "dang bo dac khu" | "dang uy xa" | "dang uy phuong" => UnitKind::Commune,
        "huyen uy" | "quan uy" | "thi uy" | "dang bo huyen" => UnitKind::District,
        "dang bo co so" | "dang uy co so" | "dbcs" => UnitKind::GrassrootsCommittee,
        "chi bo co so" | "cbcs" => UnitKind::GrassrootsCell,
        "chi bo truc thuoc" => UnitKind::Cell,
        "dang bo bo phan" => UnitKind::SubCommittee,
        "to dang" => UnitKind::Group,
        "dang bo truc thuoc tinh uy" | "dang bo truc thuoc" => UnitKind::UnderProvince,
        _ => return None,
    };
    Some(UnitKindWord::Exact(k))
}
