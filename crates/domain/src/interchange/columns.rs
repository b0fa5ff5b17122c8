//! The columns of a register file and how a file's own headers are recognised.
//!
//! Each column has a stable code (the API's field name), the Vietnamese header dangvu writes,
//! and the other ways committees head it in their Excel files (compared folded: without
//! diacritics, case or punctuation, and with any parenthesised hint like "(dd/mm/yyyy)" dropped).

use serde::{Deserialize, Serialize};

use crate::text::fold;

macro_rules! columns {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = ($code:expr, $header:expr, [$($alias:expr),* $(,)?])),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub enum $name {
            $($(#[$vdoc])* $variant),+
        }

        impl $name {
            /// Every column, in the order dangvu writes them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code (API field name, saved mappings).
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The header dangvu writes.
            pub fn header(self) -> &'static str {
                match self { $($name::$variant => $header),+ }
            }

            /// Other headers that mean this column, already folded.
            pub fn aliases(self) -> &'static [&'static str] {
                match self { $($name::$variant => &[$($alias),*]),+ }
            }

            pub fn parse(code: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|c| c.code() == code.trim())
            }

            /// The column a file's header names, if any.
            pub fn recognise(header: &str) -> Option<Self> {
                let folded = fold_header(header);
                if folded.is_empty() {
                    return None;
                }
                Self::ALL.iter().copied().find(|c| fold(c.header()) == folded || c.aliases().contains(&folded.as_str()))
            }
        }
    };
}

columns!(
    /// The member sheet (one row per member): the Phiếu đảng viên's identity and profile fields
    /// (rules.md §12.2) and the dates that make a history (§12.4: the member list book's columns).
    Column {
        Number = ("number", "STT", ["so thu tu", "tt", "so tt"]),
        FullName = ("full_name", "Họ và tên", ["ho ten", "ho va ten dang vien", "ho ten dang vien", "ten dang vien", "ho va ten khai sinh"]),
        OtherNames = ("other_names", "Tên gọi khác", ["bi danh", "ten khac", "ten goi khac bi danh"]),
        Gender = ("gender", "Giới tính", ["gioi", "nam nu", "phai"]),
        BirthDate = ("birth_date", "Ngày sinh", ["ngay thang nam sinh", "sinh ngay", "ngay sinh dd mm yyyy"]),
        Birthplace = ("birthplace", "Nơi sinh", []),
        Hometown = ("hometown", "Quê quán", ["que"]),
        Ethnicity = ("ethnicity", "Dân tộc", []),
        Religion = ("religion", "Tôn giáo", []),
        CitizenId = ("citizen_id", "Số CCCD", ["cccd", "cccd cmnd", "so cccd cmnd", "so cmnd cccd", "so can cuoc", "can cuoc", "so can cuoc cong dan", "so dinh danh", "so dinh danh ca nhan", "cmnd", "so cmnd"]),
        Phone = ("phone", "Số điện thoại", ["dien thoai", "sdt", "so dt"]),
        PartyCardNumber = ("party_card_number", "Số thẻ đảng viên", ["so the", "so the dang", "so the dang vien 8 so", "the dang vien"]),
        LyLichNumber = ("ly_lich_number", "Số lý lịch", ["so ll", "so ly lich dang vien"]),
        AdmissionDate = ("admission_date", "Ngày vào Đảng", ["ngay vao dang cong san viet nam", "vao dang"]),
        DecisionDate = ("decision_date", "Ngày quyết định kết nạp", ["ngay ket nap", "ngay qd ket nap", "ngay quyet dinh"]),
        CeremonyDate = ("ceremony_date", "Ngày lễ kết nạp", ["ngay to chuc le ket nap", "le ket nap"]),
        DecisionNumber = ("decision_number", "Số quyết định kết nạp", ["so quyet dinh", "so qd ket nap", "so qd"]),
        DecisionIssuer = ("decision_issuer", "Cơ quan quyết định kết nạp", ["co quan ban hanh", "cap quyet dinh"]),
        AdmittedIn = ("admitted_in", "Nơi kết nạp", ["chi bo ket nap", "ket nap tai", "noi vao dang"]),
        OfficialDate = ("official_date", "Ngày chính thức", ["ngay cong nhan chinh thuc", "ngay cong nhan dang vien chinh thuc", "chinh thuc"]),
        /// A readmitted member's first admission decision (party age counts from it, rules.md §3).
        FirstAdmission = ("first_admission_date", "Ngày vào Đảng lần đầu", ["ngay ket nap lan dau", "ngay vao dang lan thu nhat", "ngay quyet dinh ket nap lan dau"]),
        /// The day a readmitted member had left the Party before (the time out is not party age).
        EarlierExitDate = ("earlier_exit_date", "Ngày ra khỏi Đảng lần trước", ["ngay ra khoi dang truoc khi ket nap lai", "ngay ra dang lan truoc"]),
        /// How they had left: xóa tên, ra khỏi Đảng, khai trừ.
        EarlierExitForm = ("earlier_exit_form", "Hình thức ra khỏi Đảng lần trước", ["hinh thuc ra khoi dang", "ly do ra khoi dang lan truoc"]),
        Unit = ("unit", "Chi bộ", ["chi bo sinh hoat", "chi bo dang sinh hoat", "ma chi bo", "to chuc dang", "don vi", "chi bo hien nay", "noi sinh hoat"]),
        UnitSince = ("unit_since", "Ngày đến chi bộ", ["ngay chuyen den", "ngay vao chi bo", "sinh hoat tu ngay", "ngay den"]),
        Status = ("status", "Trạng thái", ["tinh trang", "tinh trang dang vien"]),
        StatusDate = ("status_date", "Ngày thay đổi trạng thái", ["ngay chuyen di", "ngay tu tran", "ngay mat", "ngay mien sinh hoat", "ngay ra khoi dang", "ngay xoa ten"]),
        Destination = ("destination", "Nơi chuyển đến", ["chuyen den", "chuyen di dau", "noi chuyen di"]),
        Source = ("source", "Nguồn giới thiệu", ["nguon", "nguon quan chung"]),
        TargetGroup = ("target_group", "Nhóm chỉ tiêu", ["doi tuong", "nhom doi tuong"]),
        GeneralEducation = ("general_education", "Giáo dục phổ thông", ["trinh do gdpt", "gdpt", "trinh do van hoa", "van hoa", "trinh do giao duc pho thong"]),
        Professional = ("professional", "Chuyên môn nghiệp vụ", ["trinh do chuyen mon", "chuyen mon", "cmnv"]),
        AcademicTitle = ("academic_title", "Học hàm", []),
        PoliticalTheory = ("political_theory", "Lý luận chính trị", ["trinh do ly luan chinh tri", "ly luan", "llct", "trinh do llct"]),
        ForeignLanguage = ("foreign_language", "Ngoại ngữ", ["trinh do ngoai ngu"]),
        ItLevel = ("it_level", "Tin học", ["trinh do tin hoc"]),
        Occupation = ("occupation", "Nghề nghiệp", ["nghe nghiep hien nay", "nghe nghiep hien tai", "cong viec"]),
        YouthUnion = ("youth_union", "Đoàn viên", ["doan vien doan tncs", "doan tncs", "doan vien thanh nien"]),
        Residence = ("residence", "Nơi ở hiện nay", ["noi o", "dia chi", "noi cu tru", "cho o hien nay", "thuong tru"]),
        Note = ("note", "Ghi chú", []),
    }
);

columns!(
    /// The unit sheet (one row per organization).
    UnitColumn {
        Code = ("code", "Mã tổ chức", ["ma", "ma don vi", "ma to chuc dang"]),
        Name = ("name", "Tên tổ chức", ["ten", "ten to chuc dang", "ten don vi", "to chuc dang"]),
        Kind = ("kind", "Loại", ["loai to chuc", "cap"]),
        ParentCode = ("parent_code", "Mã tổ chức cấp trên", ["ma cap tren", "ma don vi cap tren"]),
        Parent = ("parent", "Tổ chức cấp trên", ["cap tren", "truc thuoc"]),
        Established = ("established", "Ngày thành lập", ["thanh lap", "ngay thanh lap to chuc"]),
    }
);

/// A header as compared: what lies in parentheses or after a line break is a hint, dropped.
fn fold_header(header: &str) -> String {
    let mut kept = String::with_capacity(header.len());
    let mut depth = 0usize;
    for c in header.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            '\n' | '\r' if depth == 0 => break,
            c if depth == 0 => kept.push(c),
            _ => {}
        }
    }
    fold(&kept)
}

/// Which kind of sheet a header row belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SheetKind {
    Members,
    Units,
}

/// The header row found in a sheet: its index among the rows handed in, and what each column is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderMatch {
    pub kind: SheetKind,
    /// Index into the rows handed to [`find_header`].
    pub row: usize,
    /// The file's header texts, one per column.
    pub headers: Vec<String>,
    pub mapping: Mapping,
}

/// Which file column holds which field; `None` leaves a file column unread.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Mapping {
    /// For a member sheet: the field of each file column.
    #[serde(default)]
    pub members: Vec<Option<Column>>,
    /// For a unit sheet: the field of each file column.
    #[serde(default)]
    pub units: Vec<Option<UnitColumn>>,
}

impl Mapping {
    /// The file column holding `column`, if mapped.
    pub fn member_column(&self, column: Column) -> Option<usize> {
        self.members.iter().position(|c| *c == Some(column))
    }

    /// Fields mapped to more than one file column (each field is read from one place).
    pub fn duplicated(&self) -> Vec<Column> {
        let mut seen = Vec::new();
        let mut twice = Vec::new();
        for c in self.members.iter().flatten() {
            if seen.contains(c) {
                if !twice.contains(c) {
                    twice.push(*c);
                }
            } else {
                seen.push(*c);
            }
        }
        twice
    }
}

/// How many of the first rows a header is looked for in (title rows, merged cells, notes).
pub const HEADER_SEARCH_ROWS: usize = 30;

/// Finds the header row among the first [`HEADER_SEARCH_ROWS`] rows of a sheet: the row that
/// names the most known columns. A member sheet needs "Họ và tên" and at least two more; a unit
/// sheet "Mã tổ chức" (or "Tên tổ chức") and "Loại" or a parent.
pub fn find_header(rows: &[Vec<String>]) -> Option<HeaderMatch> {
    let mut best: Option<(usize, HeaderMatch)> = None;
    for (index, row) in rows.iter().take(HEADER_SEARCH_ROWS).enumerate() {
        let members: Vec<Option<Column>> = row.iter().map(|h| Column::recognise(h)).collect();
        let units: Vec<Option<UnitColumn>> = row.iter().map(|h| UnitColumn::recognise(h)).collect();
        let member_hits = distinct(&members);
        let unit_hits = distinct(&units);
        let is_members = members.contains(&Some(Column::FullName)) && member_hits >= 3;
        let is_units = (units.contains(&Some(UnitColumn::Code)) || units.contains(&Some(UnitColumn::Name)))
            && (units.contains(&Some(UnitColumn::Kind))
                || units.contains(&Some(UnitColumn::ParentCode))
                || units.contains(&Some(UnitColumn::Parent)))
            && !members.contains(&Some(Column::FullName));
        let candidate = if is_members {
            Some((member_hits, SheetKind::Members, Mapping { members, units: Vec::new() }))
        } else if is_units {
            Some((unit_hits, SheetKind::Units, Mapping { members: Vec::new(), units }))
        } else {
            None
        };
        if let Some((hits, kind, mapping)) = candidate
            && best.as_ref().is_none_or(|(b, _)| hits > *b)
        {
            best = Some((hits, HeaderMatch { kind, row: index, headers: row.clone(), mapping: dedupe(mapping) }));
        }
    }
    best.map(|(_, m)| m)
}

fn distinct<T: PartialEq + Copy>(cols: &[Option<T>]) -> usize {
    let mut seen: Vec<T> = Vec::new();
    for c in cols.iter().flatten() {
        if !seen.contains(c) {
            seen.push(*c);
        }
    }
    seen.len()
}

/// Keeps the first file column of a field recognised twice (a second "Ngày sinh" is left unread
/// rather than guessed); the mapping page shows it unassigned.
fn dedupe(mut m: Mapping) -> Mapping {
    let mut seen = Vec::new();
    for c in m.members.iter_mut() {
        if let Some(col) = *c {
            if seen.contains(&col) {
                *c = None;
            } else {
                seen.push(col);
            }
        }
    }
    let mut seen_units = Vec::new();
    for c in m.units.iter_mut() {
        if let Some(col) = *c {
            if seen_units.contains(&col) {
                *c = None;
            } else {
                seen_units.push(col);
            }
        }
    }
    m
}
