//! Name tables: Vietnamese family, middle and given names, place-name syllables, and the
//! weighted lists of ethnic groups and religions the generator draws from.
//!
//! Family-name frequencies follow the shares published for the Vietnamese population in Lê Trung
//! Hoa, *Họ và tên người Việt Nam* (NXB Khoa học Xã hội, 2005), as also summarised in the
//! domain README ("Nguyễn alone ~38%"): Nguyễn ≈ 38%, Trần 11%, Lê 9.5%, Phạm 7%, Hoàng/Huỳnh 5%,
//! Phan 4.5%, Vũ/Võ 4%, Đặng 2%, Bùi 2%, Đỗ 1.4%, Hồ 1.3%, Ngô 1.3%, Dương 1%, Lý 0.5%; the
//! remaining ≈ 11.5% is spread over the less common names below. Weights are in units of 0.1%.

use domain::member::{Ethnicity, Gender, Religion};
use rand::Rng;
use rand::rngs::StdRng;

/// A list of items drawn with integer weights (cumulative table, binary search: no allocation per draw).
#[derive(Debug, Clone)]
pub(crate) struct Weighted<T> {
    items: Vec<T>,
    cumulative: Vec<u64>,
}

impl<T: Copy> Weighted<T> {
    pub(crate) fn new(pairs: &[(T, u32)]) -> Self {
        let mut total = 0u64;
        let mut items = Vec::with_capacity(pairs.len());
        let mut cumulative = Vec::with_capacity(pairs.len());
        for (item, w) in pairs {
            total += u64::from(*w);
            items.push(*item);
            cumulative.push(total);
        }
        Weighted { items, cumulative }
    }

    /// One item, with probability proportional to its weight. The list must not be empty.
    pub(crate) fn pick(&self, rng: &mut StdRng) -> T {
        let total = self.cumulative.last().copied().unwrap_or(0).max(1);
        let x = rng.random_range(0..total);
        let i = self.cumulative.partition_point(|c| *c <= x).min(self.items.len().saturating_sub(1));
        self.items[i]
    }
}

/// One item of a short weighted list, without building a table (linear scan).
pub(crate) fn pick<T: Copy + Default>(rng: &mut StdRng, list: &[(T, u32)]) -> T {
    let total: u32 = list.iter().map(|(_, w)| *w).sum();
    let mut x = rng.random_range(0..total.max(1));
    for (item, w) in list {
        if x < *w {
            return *item;
        }
        x -= w;
    }
    list.last().map(|(item, _)| *item).unwrap_or_default()
}

/// Family names with weights in 0.1% of the population (Lê Trung Hoa 2005, see the module doc).
pub(crate) const FAMILY_NAMES: &[(&str, u32)] = &[
    ("Nguyễn", 380),
    ("Trần", 110),
    ("Lê", 95),
    ("Phạm", 70),
    ("Hoàng", 30),
    ("Huỳnh", 20),
    ("Phan", 45),
    ("Vũ", 25),
    ("Võ", 15),
    ("Đặng", 20),
    ("Bùi", 20),
    ("Đỗ", 14),
    ("Hồ", 13),
    ("Ngô", 13),
    ("Dương", 10),
    ("Lý", 5),
    ("Đào", 9),
    ("Đinh", 9),
    ("Trương", 8),
    ("Lâm", 7),
    ("Mai", 7),
    ("Trịnh", 7),
    ("Đoàn", 7),
    ("Lương", 6),
    ("Cao", 6),
    ("Hà", 6),
    ("Tô", 4),
    ("Lưu", 4),
    ("Tạ", 4),
    ("Chu", 3),
    ("Kiều", 3),
    ("Thái", 3),
    ("Châu", 3),
    ("Quách", 3),
    ("Phùng", 3),
    ("Văn", 3),
    ("Tăng", 2),
    ("Triệu", 2),
    ("Khúc", 2),
    ("Mạc", 2),
    ("Lại", 2),
    ("Nghiêm", 2),
    ("Lò", 2),
];

/// Family names common among some ethnic minorities (Tày, Nùng, Thái, Mường, Khơ-me, Hoa, Mông, Dao).
pub(crate) fn minority_family_names(e: Ethnicity) -> &'static [&'static str] {
    match e {
        Ethnicity::Tay | Ethnicity::Nung => &["Hoàng", "Nông", "Lương", "Triệu", "Lục", "Bế", "Ma", "Hà"],
        Ethnicity::Thai => &["Lò", "Cầm", "Lường", "Quàng", "Vi", "Hà", "Lộc"],
        Ethnicity::Muong => &["Bùi", "Đinh", "Quách", "Hà", "Xa"],
        Ethnicity::KhoMe => &["Thạch", "Danh", "Sơn", "Kim", "Lâm", "Châu"],
        Ethnicity::Hoa => &["Lý", "Trương", "Lâm", "Quách", "Mã", "Tăng"],
        Ethnicity::Mong => &["Giàng", "Vàng", "Sùng", "Thào", "Lầu", "Hầu"],
        Ethnicity::Dao => &["Triệu", "Bàn", "Lý", "Đặng", "Chảo"],
        _ => &[],
    }
}

/// Middle names: the traditional Văn / Thị, and the others more common in younger cohorts.
pub(crate) const MIDDLE_MALE: &[&str] = &[
    "Đức", "Minh", "Quang", "Hữu", "Công", "Xuân", "Thanh", "Ngọc", "Trọng", "Đình", "Duy", "Mạnh", "Quốc", "Tiến", "Anh", "Thành",
    "Hoàng", "Bảo", "Gia", "Trung", "Viết", "Kim", "Phú", "Đăng",
];
pub(crate) const MIDDLE_FEMALE: &[&str] = &[
    "Ngọc", "Thu", "Thanh", "Minh", "Thùy", "Hồng", "Phương", "Kim", "Mai", "Bảo", "Thúy", "Hải", "Diệu", "Khánh", "Lan", "Tuyết", "Hoài",
    "Bích", "Mỹ", "Quỳnh",
];

pub(crate) const GIVEN_MALE: &[&str] = &[
    "An",
    "Anh",
    "Bảo",
    "Bình",
    "Cường",
    "Chiến",
    "Công",
    "Dũng",
    "Duy",
    "Dương",
    "Đạt",
    "Định",
    "Đông",
    "Đức",
    "Giang",
    "Hải",
    "Hào",
    "Hiếu",
    "Hiệp",
    "Hòa",
    "Hoàng",
    "Hùng",
    "Huy",
    "Hưng",
    "Khang",
    "Khánh",
    "Khoa",
    "Kiên",
    "Lâm",
    "Lộc",
    "Long",
    "Luân",
    "Mạnh",
    "Minh",
    "Nam",
    "Nghĩa",
    "Nhân",
    "Phát",
    "Phong",
    "Phúc",
    "Phương",
    "Quân",
    "Quang",
    "Quý",
    "Sơn",
    "Tài",
    "Tâm",
    "Thắng",
    "Thành",
    "Thịnh",
    "Thông",
    "Tiến",
    "Toàn",
    "Trí",
    "Trung",
    "Trường",
    "Tú",
    "Tuấn",
    "Tùng",
    "Việt",
    "Vinh",
    "Vũ",
    "Xuân",
];
pub(crate) const GIVEN_FEMALE: &[&str] = &[
    "An",
    "Anh",
    "Bích",
    "Chi",
    "Dung",
    "Duyên",
    "Giang",
    "Hà",
    "Hạnh",
    "Hằng",
    "Hiền",
    "Hoa",
    "Hoài",
    "Hồng",
    "Huệ",
    "Hương",
    "Huyền",
    "Lan",
    "Liên",
    "Linh",
    "Loan",
    "Ly",
    "Mai",
    "My",
    "Nga",
    "Ngân",
    "Ngọc",
    "Nhung",
    "Nhi",
    "Oanh",
    "Phương",
    "Phượng",
    "Quyên",
    "Quỳnh",
    "Sen",
    "Tâm",
    "Thảo",
    "Thoa",
    "Thu",
    "Thủy",
    "Thúy",
    "Thư",
    "Trang",
    "Trâm",
    "Tuyết",
    "Uyên",
    "Vân",
    "Vi",
    "Xuân",
    "Yến",
];

/// Syllables for invented place names (communes, villages, districts, enterprises).
pub(crate) const PLACE_SYLLABLES: &[&str] = &[
    "An", "Bình", "Phú", "Tân", "Thạnh", "Long", "Xuân", "Đông", "Tây", "Nam", "Bắc", "Quang", "Minh", "Thuận", "Hưng", "Phước", "Vĩnh",
    "Thanh", "Hải", "Sơn", "Lộc", "Thọ", "Mỹ", "Đức", "Hiệp", "Lợi", "Trung", "Hà", "Kim", "Hòa", "Thịnh", "Phong", "Lạc", "Cẩm", "Yên",
    "Định", "Tiến", "Quý", "Hồng", "Lâm", "Tường", "Khánh", "Vạn", "Thái", "Hợp", "Nghĩa",
];

/// Ethnic groups of members, in 0.1%: mostly Kinh, with the larger minority groups.
pub(crate) const ETHNICITIES: &[(Ethnicity, u32)] = &[
    (Ethnicity::Kinh, 880),
    (Ethnicity::Tay, 25),
    (Ethnicity::Thai, 22),
    (Ethnicity::Muong, 20),
    (Ethnicity::KhoMe, 13),
    (Ethnicity::Nung, 10),
    (Ethnicity::Hoa, 8),
    (Ethnicity::Mong, 5),
    (Ethnicity::Dao, 5),
    (Ethnicity::SanDiu, 3),
    (Ethnicity::Cham, 2),
    (Ethnicity::GiaRai, 2),
    (Ethnicity::EDe, 2),
    (Ethnicity::BaNa, 1),
    (Ethnicity::SanChay, 2),
];

/// Religions of members, in 0.1%: most declare none.
pub(crate) const RELIGIONS: &[(Religion, u32)] = &[
    (Religion::None, 885),
    (Religion::Buddhism, 70),
    (Religion::Catholicism, 25),
    (Religion::HoaHao, 5),
    (Religion::CaoDai, 5),
    (Religion::Protestantism, 5),
    (Religion::Other, 5),
];

/// Draws a full name: family name (by frequency, or a minority family name), one or two middle
/// names (Văn / Thị far more often for older cohorts), a given name.
pub(crate) fn full_name(
    rng: &mut StdRng,
    family: &Weighted<&'static str>,
    gender: Gender,
    birth_year: i32,
    ethnicity: Ethnicity,
) -> String {
    let minority = minority_family_names(ethnicity);
    let family_name =
        if !minority.is_empty() && rng.random_bool(0.7) { minority[rng.random_range(0..minority.len())] } else { family.pick(rng) };
    let traditional = match birth_year {
        ..1970 => 0.75,
        1970..1990 => 0.45,
        _ => 0.22,
    };
    let (trad, middles, givens) = match gender {
        Gender::Male => ("Văn", MIDDLE_MALE, GIVEN_MALE),
        Gender::Female => ("Thị", MIDDLE_FEMALE, GIVEN_FEMALE),
    };
    let mut name = String::with_capacity(32);
    name.push_str(family_name);
    name.push(' ');
    if rng.random_bool(traditional) {
        name.push_str(trad);
        // "Nguyễn Thị Thu Hà": a second middle name after Thị, sometimes.
        if gender == Gender::Female && rng.random_bool(0.12) {
            name.push(' ');
            name.push_str(middles[rng.random_range(0..middles.len())]);
        }
    } else {
        name.push_str(middles[rng.random_range(0..middles.len())]);
    }
    name.push(' ');
    let mut given = givens[rng.random_range(0..givens.len())];
    if name.ends_with(given) {
        given = givens[(rng.random_range(0..givens.len()) + 1) % givens.len()];
    }
    name.push_str(given);
    name
}

/// A two-syllable place name such as "Phú Lộc" (the syllables differ).
pub(crate) fn place(rng: &mut StdRng) -> String {
    let n = PLACE_SYLLABLES.len();
    let a = rng.random_range(0..n);
    let b = (a + rng.random_range(1..n)) % n;
    format!("{} {}", PLACE_SYLLABLES[a], PLACE_SYLLABLES[b])
}
