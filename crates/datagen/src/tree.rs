//! The organization tree of one invented province on the 2025 model (rules.md §1.1–1.2).
//!
//! Before 1 July 2025: province → districts (huyện ủy, thị ủy) → commune committees (đảng bộ
//! xã/thị trấn, grassroots committees) with village cells, plus district agency, school and
//! enterprise grassroots organizations; and committees directly under the province (military,
//! police, the agencies bloc) with their own grassroots organizations, some with sub-committees.
//! On 1 July 2025 the districts are dissolved: old communes merge in groups of 2–4 into new
//! commune-level committees (xã, phường, đặc khu) directly under the province, village and school
//! cells move under them, the commune and district agency, military and police cells merge into new
//! cells, and district-level grassroots organizations move under a new commune or a committee of
//! the province. Every change closes one version and opens the next; merges record successor links.

use std::collections::HashMap;

use chrono::NaiveDate;
use domain::ids::{UnitCode, UnitId};
use domain::unit::{LegalBasis, UnitKind, UnitVersion};
use rand::Rng;
use rand::rngs::StdRng;
use storage::{BulkOperation, OrgDecision, StoreError};

use crate::names::{self, Weighted};
use crate::{basis, date};

/// The invented province.
pub(crate) const PROVINCE_NAME: &str = "Lam Giang";
/// Members per chi bộ the tree is sized for (rules.md §1.1: a chi bộ under 30 members).
const MEMBERS_PER_CELL: usize = 28;

/// The day the district level was abolished and communes merged (Quy định 294-QĐ/TW, rules.md §1.2).
pub(crate) fn reorg_date() -> NaiveDate {
    date(2025, 7, 1)
}

/// What kind of chi bộ a cell is: drives occupations and education of its members.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Category {
    Village,
    School,
    Agency,
    Military,
    Police,
    Health,
    Enterprise,
}

/// A chi bộ (member-holding unit) and what members' histories need to know about it.
#[derive(Debug, Clone)]
pub(crate) struct Cell {
    pub id: UnitId,
    pub name: String,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
    /// The cell that takes its members over on `to` (members get a `Reassigned` event).
    pub successor: Option<usize>,
    /// The direct superior committee (district, commune, committee under the province) from a date.
    pub uppers: Vec<(NaiveDate, usize)>,
    pub category: Category,
    /// Where its members live (index into [`Tree::localities`]).
    pub locality: usize,
}

impl Cell {
    pub(crate) fn exists_on(&self, d: NaiveDate) -> bool {
        self.from <= d && self.to.is_none_or(|t| d < t)
    }

    /// The superior committee on `d` (index into [`Tree::uppers`]).
    pub(crate) fn upper_on(&self, d: NaiveDate) -> usize {
        self.uppers.iter().rev().find(|(from, _)| *from <= d).or(self.uppers.first()).map_or(0, |(_, u)| *u)
    }
}

/// A committee that decides admissions and issues transfer letters for the cells below it.
#[derive(Debug, Clone)]
pub(crate) struct Upper {
    pub id: UnitId,
    /// Its name from a date ("Huyện ủy Phú Lộc", then "Thị ủy Phú Lộc").
    pub names: Vec<(NaiveDate, String)>,
    /// Suffix of its decision numbers: HU (huyện ủy), ĐU (đảng ủy).
    pub suffix: &'static str,
    /// The body that signs transfer letters: "Ban Tổ chức" of a district, "Ban Xây dựng Đảng" of a
    /// commune since 2025 (298-QĐ/TW), else the standing committee.
    pub office: &'static str,
}

impl Upper {
    pub(crate) fn name_on(&self, d: NaiveDate) -> &str {
        self.names.iter().rev().find(|(from, _)| *from <= d).or(self.names.first()).map_or("", |(_, n)| n.as_str())
    }
}

/// The generated tree: bulk rows for storage plus the lookup tables member generation needs.
pub(crate) struct Tree {
    pub operations: Vec<BulkOperation>,
    pub versions: Vec<(UnitVersion, i64)>,
    pub links: Vec<(UnitId, UnitId, i64, NaiveDate)>,
    pub cells: Vec<Cell>,
    pub uppers: Vec<Upper>,
    /// Cells members are first placed in, weighted by expected size.
    pub placement: Weighted<usize>,
    pub localities: Vec<String>,
    /// The decision of the 2025 reorganization, when `today` is on or after it.
    pub reorg_basis: Option<LegalBasis>,
    pub unit_count: usize,
}

/// Unit versions and operations in the making.
struct Builder {
    today: NaiveDate,
    next_unit: i64,
    next_op: i64,
    versions: Vec<(UnitVersion, i64)>,
    open: HashMap<UnitId, usize>,
    operations: Vec<BulkOperation>,
    links: Vec<(UnitId, UnitId, i64, NaiveDate)>,
    cells: Vec<Cell>,
    uppers: Vec<Upper>,
    weights: Vec<(usize, u32)>,
    localities: Vec<String>,
    decision_no: u32,
}

impl Builder {
    fn op(&mut self, kind: &'static str, effective: NaiveDate, basis: LegalBasis, note: Option<String>) -> i64 {
        self.next_op += 1;
        self.operations.push(BulkOperation { id: self.next_op, kind, decision: OrgDecision { effective, basis, note } });
        self.next_op
    }

    /// A decision of `issuer` numbered "N-QĐ/suffix", dated `on`.
    fn decision(&mut self, on: NaiveDate, suffix: &str, issuer: &str) -> Result<LegalBasis, StoreError> {
        self.decision_no = self.decision_no % 997 + 1;
        basis(&format!("{}-QĐ/{suffix}", 100 + self.decision_no), on, issuer)
    }

    fn create(
        &mut self,
        kind: UnitKind,
        code: &str,
        name: String,
        parent: Option<UnitId>,
        from: NaiveDate,
        issuer: (&str, &'static str),
    ) -> Result<UnitId, StoreError> {
        let b = self.decision(from, issuer.1, issuer.0)?;
        let op = self.op("create", from, b, None);
        self.next_unit += 1;
        let id = UnitId(self.next_unit);
        let code = UnitCode::parse(code).map_err(|e| StoreError::invalid("code", "invalid_format", e.message))?;
        self.open.insert(id, self.versions.len());
        self.versions.push((UnitVersion { unit_id: id, valid_from: from, valid_to: None, kind, code, name, parent_id: parent }, op));
        Ok(id)
    }

    /// Closes the open version of `unit` on `on` and opens a changed copy (rename or move), unless
    /// `on` is after today (then nothing happens yet).
    fn change(&mut self, unit: UnitId, on: NaiveDate, op: i64, f: impl FnOnce(&mut UnitVersion)) {
        if on > self.today {
            return;
        }
        let Some(&i) = self.open.get(&unit) else { return };
        let mut next = self.versions[i].0.clone();
        self.versions[i].0.valid_to = Some(on);
        next.valid_from = on;
        f(&mut next);
        self.open.insert(unit, self.versions.len());
        self.versions.push((next, op));
    }

    fn end(&mut self, unit: UnitId, on: NaiveDate) {
        if let Some(i) = self.open.remove(&unit) {
            self.versions[i].0.valid_to = Some(on);
        }
    }

    fn add_upper(&mut self, id: UnitId, name: String, from: NaiveDate, suffix: &'static str, office: &'static str) -> usize {
        self.uppers.push(Upper { id, names: vec![(from, name)], suffix, office });
        self.uppers.len() - 1
    }

    #[allow(clippy::too_many_arguments)]
    fn add_cell(
        &mut self,
        id: UnitId,
        name: String,
        from: NaiveDate,
        upper: usize,
        category: Category,
        locality: usize,
        weight: u32,
    ) -> usize {
        self.cells.push(Cell { id, name, from, to: None, successor: None, uppers: vec![(from, upper)], category, locality });
        if weight > 0 {
            self.weights.push((self.cells.len() - 1, weight));
        }
        self.cells.len() - 1
    }
}

/// A grassroots organization as built: its unit and its cells.
struct Org {
    unit: UnitId,
    cells: Vec<usize>,
}

/// Where a grassroots organization goes and who decides.
struct Place<'a> {
    parent: UnitId,
    code: &'a str,
    upper: usize,
    issuer: (&'a str, &'static str),
    locality: usize,
}

/// Builds a grassroots organization with `cell_names.len()` chi bộ: a chi bộ cơ sở when there is
/// one, else a đảng bộ cơ sở with chi bộ trực thuộc, with đảng bộ bộ phận layers when it has 9 or more.
fn grassroots(
    b: &mut Builder,
    rng: &mut StdRng,
    at: &Place<'_>,
    name: &str,
    cell_names: &[String],
    category: Category,
    from: NaiveDate,
) -> Result<Org, StoreError> {
    let weight = |rng: &mut StdRng| rng.random_range(18..40);
    if cell_names.len() <= 1 {
        let cell_name = format!("Chi bộ {name}");
        let id = b.create(UnitKind::GrassrootsCell, at.code, cell_name.clone(), Some(at.parent), from, at.issuer)?;
        let w = weight(rng);
        let c = b.add_cell(id, cell_name, from, at.upper, category, at.locality, w);
        return Ok(Org { unit: id, cells: vec![c] });
    }
    let unit = b.create(UnitKind::GrassrootsCommittee, at.code, format!("Đảng bộ {name}"), Some(at.parent), from, at.issuer)?;
    let layers = if cell_names.len() >= 9 { cell_names.len().div_ceil(5) } else { 1 };
    let mut cells = Vec::new();
    for (layer, chunk) in cell_names.chunks(cell_names.len().div_ceil(layers)).enumerate() {
        let parent = if layers > 1 {
            let code = format!("{}.B{}", at.code, layer + 1);
            b.create(UnitKind::SubCommittee, &code, format!("Đảng bộ bộ phận {} – {name}", layer + 1), Some(unit), from, at.issuer)?
        } else {
            unit
        };
        for (i, cell_name) in chunk.iter().enumerate() {
            let code = format!("{}.{}{}", at.code, if layers > 1 { format!("B{}.", layer + 1) } else { String::new() }, i + 1);
            let full = format!("Chi bộ {cell_name}");
            let id = b.create(UnitKind::Cell, &code, full.clone(), Some(parent), from, at.issuer)?;
            let w = weight(rng);
            cells.push(b.add_cell(id, full, from, at.upper, category, at.locality, w));
        }
    }
    Ok(Org { unit, cells })
}

/// `n` names from `base`, numbered when the list runs out ("Phòng Kỹ thuật", …, "Tổ 7").
fn names_from(base: &[&str], n: usize, fallback: &str) -> Vec<String> {
    (0..n).map(|i| base.get(i).map_or_else(|| format!("{fallback} {}", i + 1 - base.len()), |s| (*s).to_string())).collect()
}

/// A commune before 2025: its committee, its village cells, its agency cells by kind.
struct OldCommune {
    unit: UnitId,
    name: String,
    ward: bool,
    moved: Vec<usize>,
    merged: [Vec<usize>; 3],
}

/// A district before 2025 and what happens to its parts in 2025.
struct District {
    unit: UnitId,
    upper: usize,
    name: String,
    island: bool,
    communes: Vec<OldCommune>,
    /// Cells of the district party and government agencies: merged into the new commune hosting
    /// the district seat.
    agency_cells: Vec<usize>,
    agency_orgs: Vec<UnitId>,
    /// Military and police committees: moved under the province's military and police committees.
    armed: Vec<(Org, usize)>,
    /// Schools, health centre, enterprises: moved under a new commune or the province government committee.
    others: Vec<Org>,
}

const KHOI_DANG: &[&str] = &[
    "Văn phòng Huyện ủy",
    "Ban Tổ chức Huyện ủy",
    "Ban Tuyên giáo Huyện ủy",
    "Ủy ban Kiểm tra Huyện ủy",
    "Ủy ban Mặt trận Tổ quốc huyện",
    "Huyện đoàn",
    "Hội Nông dân huyện",
    "Hội Liên hiệp Phụ nữ huyện",
];
const UBND_HUYEN: &[&str] = &[
    "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện",
    "Phòng Tài chính – Kế hoạch",
    "Phòng Giáo dục và Đào tạo",
    "Phòng Nội vụ",
    "Phòng Tài nguyên và Môi trường",
    "Phòng Nông nghiệp và Phát triển nông thôn",
    "Phòng Y tế",
    "Phòng Tư pháp",
    "Phòng Kinh tế – Hạ tầng",
    "Phòng Văn hóa và Thông tin",
    "Phòng Lao động – Thương binh và Xã hội",
];
const QUAN_SU: &[&str] = &["Ban Chỉ huy", "Cơ quan Tham mưu", "Cơ quan Chính trị – Hậu cần"];
const CONG_AN: &[&str] =
    &["Đội Cảnh sát hình sự", "Đội An ninh", "Đội Tham mưu – Tổng hợp", "Đội Cảnh sát giao thông", "Đội Cảnh sát quản lý hành chính"];
const DOANH_NGHIEP: &[&str] =
    &["Phòng Kỹ thuật", "Phòng Kế toán – Tài vụ", "Phòng Kinh doanh", "Phân xưởng Sản xuất", "Phân xưởng Cơ điện", "Đội Thi công"];
const LOAI_CONG_TY: &[&str] = &[
    "Công ty Cổ phần Xây dựng",
    "Công ty TNHH Thương mại",
    "Công ty Cổ phần Chế biến Nông sản",
    "Công ty TNHH May",
    "Công ty Cổ phần Vật liệu",
    "Hợp tác xã Dịch vụ Nông nghiệp",
];

/// Builds the whole tree for about `members` members.
pub(crate) fn build(rng: &mut StdRng, members: usize, today: NaiveDate, first_unit: i64, first_op: i64) -> Result<Tree, StoreError> {
    let mut b = Builder {
        today,
        next_unit: first_unit,
        next_op: first_op,
        versions: Vec::new(),
        open: HashMap::new(),
        operations: Vec::new(),
        links: Vec::new(),
        cells: Vec::new(),
        uppers: Vec::new(),
        weights: Vec::new(),
        localities: Vec::new(),
        decision_no: rng.random_range(0..900),
    };
    let cells_wanted = (members / MEMBERS_PER_CELL).max(40);
    let founded = date(1976, 1, 1);
    let tw = ("Ban Bí thư Trung ương Đảng", "TW");
    let province_name = format!("Tỉnh ủy {PROVINCE_NAME}");
    let province = b.create(UnitKind::Province, "T01", province_name.clone(), None, founded, tw)?;
    let province_locality = push_locality(&mut b, format!("thành phố {PROVINCE_NAME}, tỉnh {PROVINCE_NAME}"));

    let province_cells = cells_wanted * 12 / 100;
    let under = province_committees(&mut b, rng, province, province_cells.max(8), province_locality)?;

    let district_count = (cells_wanted / 90).clamp(3, 15);
    let per_district = (cells_wanted - province_cells.min(cells_wanted)) / district_count;
    let mut districts = Vec::new();
    for d in 0..district_count {
        let island = district_count >= 4 && d == district_count - 1;
        districts.push(district(&mut b, rng, province, d, per_district.max(12), island)?);
    }

    let mut reorg_basis = None;
    if today >= reorg_date() {
        let decided = date(2025, 6, 27);
        let rb = basis(&format!("{}-QĐ/TU", rng.random_range(1200..1400)), decided, "Ban Thường vụ Tỉnh ủy")?;
        reorganize(&mut b, rng, province, &under, districts, &rb)?;
        reorg_basis = Some(rb);
    }
    let unit_count = usize::try_from(b.next_unit - first_unit).unwrap_or(0);
    Ok(Tree {
        placement: Weighted::new(&b.weights),
        operations: b.operations,
        versions: b.versions,
        links: b.links,
        cells: b.cells,
        uppers: b.uppers,
        localities: b.localities,
        reorg_basis,
        unit_count,
    })
}

fn push_locality(b: &mut Builder, s: String) -> usize {
    b.localities.push(s);
    b.localities.len() - 1
}

/// The committees directly under the province, as built.
struct UnderProvince {
    military: usize,
    police: usize,
    government: usize,
    government_unit: UnitId,
}

/// Military, police and the agencies bloc with their grassroots organizations; on 1 February 2025
/// the bloc becomes the province government's committee and the party agencies move to a new
/// committee of the party agencies (the early-2025 restructuring before the July reorganization).
fn province_committees(
    b: &mut Builder,
    rng: &mut StdRng,
    province: UnitId,
    cells: usize,
    locality: usize,
) -> Result<UnderProvince, StoreError> {
    let tu = ("Ban Thường vụ Tỉnh ủy", "TU");
    let founded = date(1976, 1, 1);
    let mut out = Vec::new();
    for (i, (name, from)) in
        [("Đảng bộ Quân sự tỉnh", founded), ("Đảng bộ Công an tỉnh", founded), ("Đảng bộ Khối các cơ quan tỉnh", date(1990, 3, 1))]
            .into_iter()
            .enumerate()
    {
        let id = b.create(UnitKind::UnderProvince, &format!("T01.P{}", i + 1), name.to_string(), Some(province), from, tu)?;
        let committee = name.replacen("Đảng bộ", "Đảng ủy", 1);
        let upper = b.add_upper(id, committee, from, "ĐU", "Ban Thường vụ");
        out.push((id, upper, from));
    }
    let share = cells / 3;
    // Military: a headquarters committee and regiments with battalion sub-committees.
    let (mil, mil_upper, _) = out[0];
    let mut used = 0;
    let mut n = 0;
    while used < share.max(3) {
        n += 1;
        let k = (share - used.min(share)).clamp(3, 12);
        let (name, cell_names) = if n == 1 {
            (
                "Cơ quan Bộ Chỉ huy Quân sự tỉnh".to_string(),
                names_from(&["Phòng Tham mưu", "Phòng Chính trị", "Phòng Hậu cần – Kỹ thuật"], 3, "Ban"),
            )
        } else {
            (format!("Trung đoàn {}", 700 + n), (1..=k).map(|j| format!("Đại đội {j}")).collect())
        };
        let code = format!("T01.P1.{n}");
        let at = Place {
            parent: mil, code: &code, upper: mil_upper, issuer: ("Ban Thường vụ Đảng ủy Quân sự tỉnh", "ĐU"), locality
        };
        used += grassroots(b, rng, &at, &name, &cell_names, Category::Military, founded)?.cells.len();
    }
    // Police: departments with teams.
    let (pol, pol_upper, _) = out[1];
    let departments = [
        "Phòng Cảnh sát hình sự",
        "Phòng An ninh chính trị nội bộ",
        "Phòng Cảnh sát giao thông",
        "Phòng Tham mưu",
        "Phòng Cảnh sát cơ động",
        "Phòng Cảnh sát phòng cháy, chữa cháy",
    ];
    used = 0;
    n = 0;
    while used < share.max(3) {
        let k = rng.random_range(1..6).min(share.saturating_sub(used).max(1));
        let name = departments.get(n).map_or_else(|| format!("Phòng {}", n + 1), |s| (*s).to_string());
        n += 1;
        let code = format!("T01.P2.{n}");
        let at = Place {
            parent: pol, code: &code, upper: pol_upper, issuer: ("Ban Thường vụ Đảng ủy Công an tỉnh", "ĐU"), locality
        };
        used += grassroots(b, rng, &at, &name, &names_from(&[], k, "Đội"), Category::Police, founded)?.cells.len();
    }
    // Agencies bloc: departments (chi bộ cơ sở), the provincial hospital with sub-committees,
    // the education department with its schools, and the party agencies.
    let (khoi, khoi_upper, khoi_from) = out[2];
    let issuer = ("Ban Thường vụ Đảng ủy Khối các cơ quan tỉnh", "ĐU");
    let mut party_orgs = Vec::new();
    let hospital_cells = (share / 4).max(2);
    let mut org_no = 0;
    let next_code = |org_no: &mut usize| {
        *org_no += 1;
        format!("T01.P3.{org_no}")
    };
    let code = next_code(&mut org_no);
    let at = Place { parent: khoi, code: &code, upper: khoi_upper, issuer, locality };
    let wards = [
        "Khoa Nội tổng hợp",
        "Khoa Ngoại",
        "Khoa Sản",
        "Khoa Nhi",
        "Khoa Hồi sức cấp cứu",
        "Khoa Xét nghiệm",
        "Khoa Chẩn đoán hình ảnh",
        "Khoa Dược",
        "Phòng Kế hoạch tổng hợp",
        "Phòng Điều dưỡng",
    ];
    used = grassroots(b, rng, &at, "Bệnh viện Đa khoa tỉnh", &names_from(&wards, hospital_cells, "Khoa"), Category::Health, khoi_from)?
        .cells
        .len();
    let code = next_code(&mut org_no);
    let at = Place { parent: khoi, code: &code, upper: khoi_upper, issuer, locality };
    let schools = [format!("Trường THPT Chuyên {PROVINCE_NAME}"), "Văn phòng Sở".to_string(), "Trường Cao đẳng Sư phạm".to_string()];
    used += grassroots(b, rng, &at, "Sở Giáo dục và Đào tạo", &schools, Category::School, khoi_from)?.cells.len();
    for name in ["Ban Tổ chức Tỉnh ủy", "Ban Tuyên giáo Tỉnh ủy", "Ủy ban Kiểm tra Tỉnh ủy", "Văn phòng Tỉnh ủy"]
    {
        let code = next_code(&mut org_no);
        let at = Place { parent: khoi, code: &code, upper: khoi_upper, issuer, locality };
        let org = grassroots(b, rng, &at, name, &[], Category::Agency, khoi_from)?;
        used += org.cells.len();
        party_orgs.push(org);
    }
    let sở = [
        "Sở Tư pháp",
        "Sở Tài chính",
        "Sở Nội vụ",
        "Sở Xây dựng",
        "Sở Y tế",
        "Sở Công Thương",
        "Sở Nông nghiệp và Môi trường",
        "Sở Văn hóa, Thể thao và Du lịch",
        "Thanh tra tỉnh",
        "Sở Khoa học và Công nghệ",
    ];
    let mut i = 0;
    while used < share.max(8) {
        let name = sở.get(i).map_or_else(|| format!("Ban Quản lý dự án {}", i + 1 - sở.len()), |s| (*s).to_string());
        i += 1;
        let code = next_code(&mut org_no);
        let at = Place { parent: khoi, code: &code, upper: khoi_upper, issuer, locality };
        let k = if rng.random_bool(0.7) { 1 } else { rng.random_range(2..5) };
        used += grassroots(
            b,
            rng,
            &at,
            &name,
            &names_from(&["Văn phòng", "Phòng Nghiệp vụ", "Phòng Kế hoạch", "Trung tâm"], k, "Phòng"),
            Category::Agency,
            khoi_from,
        )?
        .cells
        .len();
    }
    // 1 February 2025: the bloc is renamed the province government committee; the party agencies
    // move to the new committee of the party agencies.
    let feb = date(2025, 2, 1);
    let (government, government_unit) = (khoi_upper, khoi);
    if feb <= b.today {
        let rb = basis(&format!("{}-QĐ/TU", rng.random_range(300..400)), date(2025, 1, 24), "Ban Chấp hành Đảng bộ tỉnh")?;
        let rename =
            b.op("rename", feb, rb.clone(), Some("Kết thúc hoạt động Đảng bộ Khối, thành lập Đảng bộ Ủy ban nhân dân tỉnh".into()));
        b.change(khoi, feb, rename, |v| {
            v.name = "Đảng bộ Ủy ban nhân dân tỉnh".into();
        });
        b.uppers[khoi_upper].names.push((feb, "Đảng ủy Ủy ban nhân dân tỉnh".into()));
        let party = b.create(UnitKind::UnderProvince, "T01.P4", "Đảng bộ các cơ quan Đảng tỉnh".into(), Some(province), feb, tu)?;
        let party_upper = b.add_upper(party, "Đảng ủy các cơ quan Đảng tỉnh".into(), feb, "ĐU", "Ban Thường vụ");
        let mv = b.op("move", feb, rb, None);
        for org in party_orgs {
            b.change(org.unit, feb, mv, |v| v.parent_id = Some(party));
            for c in org.cells {
                b.cells[c].uppers.push((feb, party_upper));
            }
        }
    }
    Ok(UnderProvince { military: mil_upper, police: pol_upper, government, government_unit })
}

/// One district with its communes and district-level organizations (about `cells` chi bộ).
fn district(b: &mut Builder, rng: &mut StdRng, province: UnitId, index: usize, cells: usize, island: bool) -> Result<District, StoreError> {
    let founded = date(1976, 1, 1);
    let tu = ("Ban Thường vụ Tỉnh ủy", "TU");
    let place = names::place(rng);
    let dcode = format!("T01.H{:02}", index + 1);
    let (name, committee) = if island {
        (format!("Huyện ủy huyện đảo {place}"), format!("Huyện ủy huyện đảo {place}"))
    } else {
        (format!("Huyện ủy {place}"), format!("Huyện ủy {place}"))
    };
    let unit = b.create(UnitKind::District, &dcode, name, Some(province), founded, tu)?;
    let upper = b.add_upper(unit, committee, founded, "HU", "Ban Tổ chức");
    let issuer_owned = format!("Ban Thường vụ Huyện ủy {place}");
    let issuer = (issuer_owned.as_str(), "HU");
    // A district that became a town (thị xã): renamed between 2008 and 2020.
    let town = !island && rng.random_bool(0.3);
    if town {
        let on = date(rng.random_range(2008..2021), 1, 1);
        let rb = basis(&format!("{}-QĐ/TU", rng.random_range(100..999)), on, "Ban Thường vụ Tỉnh ủy")?;
        let op = b.op("rename", on, rb, Some("Thành lập thị xã".into()));
        b.change(unit, on, op, |v| v.name = format!("Thị ủy {place}"));
        if on <= b.today {
            b.uppers[upper].names.push((on, format!("Thị ủy {place}")));
        }
    }
    let district_locality = push_locality(b, format!("{} {place}, tỉnh {PROVINCE_NAME}", if town { "thị xã" } else { "huyện" }));

    let agency_share = cells * 22 / 100;
    let commune_share = cells - agency_share;
    let n_communes = if island { (commune_share / 12).clamp(2, 6) } else { (commune_share / 12).clamp(3, 40) };
    let per_commune = (commune_share / n_communes).max(5);
    let mut communes = Vec::new();
    for c in 0..n_communes {
        communes.push(commune(b, rng, unit, upper, &dcode, c, per_commune, town, &place, issuer)?);
    }

    let mut out = District {
        unit,
        upper,
        name: place.clone(),
        island,
        communes,
        agency_cells: Vec::new(),
        agency_orgs: Vec::new(),
        armed: Vec::new(),
        others: Vec::new(),
    };
    let mut org_no = 0;
    let code = |org_no: &mut usize| {
        *org_no += 1;
        format!("{dcode}.D{org_no}")
    };
    let mut used = 0;
    for (name, list, k) in [
        ("Khối Đảng – Đoàn thể huyện", KHOI_DANG, (agency_share / 4).clamp(2, 8)),
        ("Cơ quan Ủy ban nhân dân huyện", UBND_HUYEN, (agency_share / 4).clamp(2, 11)),
    ] {
        let c = code(&mut org_no);
        let at = Place { parent: unit, code: &c, upper, issuer, locality: district_locality };
        let org = grassroots(b, rng, &at, name, &names_from(list, k, "Chi bộ"), Category::Agency, founded)?;
        used += org.cells.len();
        out.agency_cells.extend(org.cells.iter().copied());
        out.agency_orgs.push(org.unit);
    }
    for (name, list, category) in [("Quân sự huyện", QUAN_SU, Category::Military), ("Công an huyện", CONG_AN, Category::Police)] {
        let c = code(&mut org_no);
        let at = Place { parent: unit, code: &c, upper, issuer, locality: district_locality };
        let org = grassroots(b, rng, &at, name, &names_from(list, list.len().min(3 + agency_share / 40), "Đội"), category, founded)?;
        used += org.cells.len();
        out.armed.push((org, if category == Category::Military { 0 } else { 1 }));
    }
    let c = code(&mut org_no);
    let at = Place { parent: unit, code: &c, upper, issuer, locality: district_locality };
    let org = grassroots(b, rng, &at, "Trung tâm Y tế huyện", &[], Category::Health, date(1995, 1, 1))?;
    used += org.cells.len();
    out.others.push(org);
    let mut school = 0;
    while used < agency_share.max(8) {
        let c = code(&mut org_no);
        let at = Place { parent: unit, code: &c, upper, issuer, locality: district_locality };
        let org = if school < 2 || rng.random_bool(0.3) {
            school += 1;
            let from = date(rng.random_range(1980..2010), 9, 1);
            let name = format!("Trường THPT {}", names::place(rng));
            grassroots(b, rng, &at, &name, &[], Category::School, from)?
        } else {
            let from = date(rng.random_range(1995..2016), rng.random_range(1..13), 1);
            let kind = LOAI_CONG_TY[rng.random_range(0..LOAI_CONG_TY.len())];
            let k = if rng.random_bool(0.4) { 1 } else { rng.random_range(2..11) };
            let name = format!("{kind} {}", names::place(rng));
            grassroots(b, rng, &at, &name, &names_from(DOANH_NGHIEP, k, "Tổ"), Category::Enterprise, from)?
        };
        used += org.cells.len();
        out.others.push(org);
    }
    Ok(out)
}

/// One commune committee (xã, or thị trấn/phường in a town) with village cells, a school and
/// agency, military and police cells.
#[allow(clippy::too_many_arguments)]
fn commune(
    b: &mut Builder,
    rng: &mut StdRng,
    district: UnitId,
    upper: usize,
    dcode: &str,
    index: usize,
    cells: usize,
    town: bool,
    district_name: &str,
    issuer: (&str, &'static str),
) -> Result<OldCommune, StoreError> {
    let founded = date(1976, 1, 1);
    let place = names::place(rng);
    let ward = town && rng.random_bool(0.6);
    let level = if ward { "phường" } else { "xã" };
    let code = format!("{dcode}.X{:02}", index + 1);
    let unit = b.create(UnitKind::GrassrootsCommittee, &code, format!("Đảng bộ {level} {place}"), Some(district), founded, issuer)?;
    // A few communes became townships (thị trấn).
    if !ward && rng.random_bool(0.08) {
        let on = date(rng.random_range(1995..2020), 1, 1);
        let rb = basis(&format!("{}-QĐ/TU", rng.random_range(100..999)), on, "Ban Thường vụ Tỉnh ủy")?;
        let op = b.op("rename", on, rb, Some("Thành lập thị trấn".into()));
        b.change(unit, on, op, |v| v.name = format!("Đảng bộ thị trấn {place}"));
    }
    let locality =
        push_locality(b, format!("{level} {place}, {} {district_name}, tỉnh {PROVINCE_NAME}", if town { "thị xã" } else { "huyện" }));
    let mut out = OldCommune { unit, name: place.clone(), ward, moved: Vec::new(), merged: [Vec::new(), Vec::new(), Vec::new()] };
    let mut n = 0;
    let mut add = |b: &mut Builder, name: String, category: Category, from: NaiveDate, weight: u32| -> Result<usize, StoreError> {
        n += 1;
        let id = b.create(UnitKind::Cell, &format!("{code}.{n}"), name.clone(), Some(unit), from, issuer)?;
        Ok(b.add_cell(id, name, from, upper, category, locality, weight))
    };
    for (i, (name, category)) in
        [("Chi bộ Cơ quan", Category::Agency), ("Chi bộ Quân sự", Category::Military), ("Chi bộ Công an", Category::Police)]
            .into_iter()
            .enumerate()
    {
        let w = rng.random_range(10..25);
        let c = add(b, format!("{name} {level} {place}"), category, founded, w)?;
        out.merged[i].push(c);
    }
    let w = rng.random_range(12..30);
    let school = add(b, format!("Chi bộ Trường THCS {place}"), Category::School, date(rng.random_range(1980..2000), 9, 1), w)?;
    out.moved.push(school);
    let villages = cells.saturating_sub(4).max(2);
    let (prefix, named) = if ward { ("khu phố", false) } else { ("thôn", rng.random_bool(0.5)) };
    for v in 0..villages {
        let label = if named { names::place(rng) } else { (v + 1).to_string() };
        let from = if rng.random_bool(0.85) { founded } else { date(rng.random_range(1985..2016), rng.random_range(1..13), 1) };
        let w = rng.random_range(20..45);
        let c = add(b, format!("Chi bộ {prefix} {label}"), Category::Village, from, w)?;
        // Villages renamed when hamlets were reorganized (2019–2020).
        if !named && rng.random_bool(0.1) {
            let on = date(rng.random_range(2019..2021), rng.random_range(1..13), 1);
            if on > from {
                let rb = b.decision(on, issuer.1, issuer.0)?;
                let op = b.op("rename", on, rb, None);
                let new_name = format!("Chi bộ {prefix} {}", names::place(rng));
                let id = b.cells[c].id;
                b.change(id, on, op, |v| v.name = new_name.clone());
                if on <= b.today {
                    b.cells[c].name = new_name;
                }
            }
        }
        out.moved.push(c);
    }
    Ok(out)
}

/// The 1 July 2025 reorganization of every district (see the module doc).
fn reorganize(
    b: &mut Builder,
    rng: &mut StdRng,
    province: UnitId,
    under: &UnderProvince,
    districts: Vec<District>,
    rb: &LegalBasis,
) -> Result<(), StoreError> {
    let on = reorg_date();
    let mut new_no = 0;
    for d in districts {
        // Group the old communes in 2–4 (an island district becomes one special zone).
        let mut groups: Vec<Vec<OldCommune>> = Vec::new();
        let mut rest = d.communes;
        rest.reverse();
        while !rest.is_empty() {
            let k = if d.island { rest.len() } else { rng.random_range(2..5).min(rest.len()) };
            let mut g: Vec<OldCommune> = (0..k).filter_map(|_| rest.pop()).collect();
            if rest.len() == 1 && !d.island {
                g.extend(rest.pop());
            }
            groups.push(g);
        }
        let mut new_communes = Vec::new();
        for (gi, group) in groups.into_iter().enumerate() {
            new_no += 1;
            let ward = group.iter().filter(|c| c.ward).count() * 2 > group.len();
            let level = if d.island {
                "đặc khu"
            } else if ward {
                "phường"
            } else {
                "xã"
            };
            let new_name = if d.island {
                d.name.clone()
            } else if rng.random_bool(0.5) {
                group[0].name.clone()
            } else {
                names::place(rng)
            };
            let sources: Vec<UnitId> = group.iter().map(|c| c.unit).collect();
            let note = format!("Hợp nhất {} đảng bộ cấp xã thành Đảng bộ {level} {new_name}", sources.len());
            let merge = b.op("merge", on, rb.clone(), Some(note));
            let code = format!("T01.X{new_no:03}");
            b.next_unit += 1;
            let id = UnitId(b.next_unit);
            let unit_code = UnitCode::parse(&code).map_err(|e| StoreError::invalid("code", "invalid_format", e.message))?;
            b.open.insert(id, b.versions.len());
            b.versions.push((
                UnitVersion {
                    unit_id: id,
                    valid_from: on,
                    valid_to: None,
                    kind: UnitKind::Commune,
                    code: unit_code,
                    name: format!("Đảng bộ {level} {new_name}"),
                    parent_id: Some(province),
                },
                merge,
            ));
            let upper = b.add_upper(id, format!("Đảng ủy {level} {new_name}"), on, "ĐU", "Ban Xây dựng Đảng");
            let locality = push_locality(b, format!("{level} {new_name}, tỉnh {PROVINCE_NAME}"));
            // Village and school cells move under the new commune.
            for c in group.iter().flat_map(|c| c.moved.iter().copied()) {
                let cid = b.cells[c].id;
                b.change(cid, on, merge, |v| v.parent_id = Some(id));
                b.cells[c].uppers.push((on, upper));
            }
            // Agency, military and police cells merge by kind into new cells; the new commune hosting
            // the district seat also takes the district agencies' cells.
            let host = gi == 0;
            for (k, label) in ["Chi bộ Cơ quan Đảng ủy", "Chi bộ Quân sự", "Chi bộ Công an"].into_iter().enumerate() {
                let mut sources: Vec<usize> = group.iter().flat_map(|c| c.merged[k].iter().copied()).collect();
                if host && k == 0 {
                    sources.extend(d.agency_cells.iter().copied());
                }
                let name = format!("{label} {level} {new_name}");
                let cell_id = {
                    b.next_unit += 1;
                    let cid = UnitId(b.next_unit);
                    let cc = UnitCode::parse(&format!("{code}.{}", k + 1))
                        .map_err(|e| StoreError::invalid("code", "invalid_format", e.message))?;
                    b.open.insert(cid, b.versions.len());
                    b.versions.push((
                        UnitVersion {
                            unit_id: cid,
                            valid_from: on,
                            valid_to: None,
                            kind: UnitKind::Cell,
                            code: cc,
                            name: name.clone(),
                            parent_id: Some(id),
                        },
                        merge,
                    ));
                    cid
                };
                let category = b.cells.get(sources.first().copied().unwrap_or(0)).map_or(Category::Agency, |c| c.category);
                let new_cell = b.add_cell(cell_id, name, on, upper, category, locality, 0);
                for s in sources {
                    let sid = b.cells[s].id;
                    b.end(sid, on);
                    b.cells[s].to = Some(on);
                    b.cells[s].successor = Some(new_cell);
                    b.links.push((sid, cell_id, merge, on));
                }
            }
            for c in &group {
                b.end(c.unit, on);
                b.links.push((c.unit, id, merge, on));
            }
            new_communes.push((id, upper));
        }
        // District agency committees are dissolved (their cells were merged above).
        b.op("dissolve", on, rb.clone(), Some(format!("Kết thúc hoạt động {}", b.uppers[d.upper].name_on(date(2025, 6, 30)))));
        for org in &d.agency_orgs {
            let subs: Vec<UnitId> =
                b.versions.iter().filter(|(v, _)| v.parent_id == Some(*org) && v.valid_to.is_none()).map(|(v, _)| v.unit_id).collect();
            for s in subs {
                b.end(s, on);
            }
            b.end(*org, on);
        }
        // Military and police committees move to the province's; schools, the health centre and
        // enterprises move under a new commune or the province government committee.
        let mv = b.op("move", on, rb.clone(), Some("Chuyển các tổ chức cơ sở đảng cấp huyện về trực thuộc cấp mới".into()));
        let armed_uppers = [under.military, under.police];
        for (org, which) in &d.armed {
            let target_upper = armed_uppers[*which];
            let target = b.uppers[target_upper].id;
            b.change(org.unit, on, mv, |v| v.parent_id = Some(target));
            for c in &org.cells {
                b.cells[*c].uppers.push((on, target_upper));
            }
        }
        for org in &d.others {
            let (target, target_upper) = if new_communes.is_empty() || rng.random_bool(0.25) {
                (under.government_unit, under.government)
            } else {
                new_communes[rng.random_range(0..new_communes.len())]
            };
            b.change(org.unit, on, mv, |v| v.parent_id = Some(target));
            for c in &org.cells {
                b.cells[*c].uppers.push((on, target_upper));
            }
        }
        b.end(d.unit, on);
    }
    Ok(())
}
