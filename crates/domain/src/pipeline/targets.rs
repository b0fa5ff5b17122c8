//! Targets (chỉ tiêu): the anniversaries admissions are held on, progress, and the group an
//! admission counts towards.

use super::*;

/// The anniversaries on which admissions are customarily held (the occasions of rules.md §6:
/// 3/2 founding of the Party, 19/5 President Hồ Chí Minh's birthday, 2/9 National Day, 7/11 the
/// October Revolution), as (day, month, name).
pub const ANNIVERSARIES: [(u32, u32, &str); 4] = [
    (3, 2, "Ngày thành lập Đảng (3/2)"),
    (19, 5, "Ngày sinh Chủ tịch Hồ Chí Minh (19/5)"),
    (2, 9, "Quốc khánh (2/9)"),
    (7, 11, "Cách mạng Tháng Mười Nga (7/11)"),
];

/// The anniversary `on` falls on, by its name.
pub fn anniversary(on: NaiveDate) -> Option<&'static str> {
    ANNIVERSARIES.iter().find(|(d, m, _)| *d == on.day() && *m == on.month()).map(|(_, _, name)| *name)
}

/// Progress in percent, one decimal; `None` without a target.
pub fn progress_percent(admitted: u32, target: u32) -> Option<f64> {
    (target > 0).then(|| (f64::from(admitted) * 1000.0 / f64::from(target)).round() / 10.0)
}

/// Which sub-target an admission counts towards when the case does not say: students by
/// occupation; otherwise none (a private enterprise or a residential area is a property of the
/// chi bộ that the register does not hold, so the case names it).
pub fn default_target_group(profile: &Profile) -> Option<TargetGroup> {
    use crate::member::OccupationGroup as O;
    match profile.occupation {
        O::Pupil | O::UniversityStudent => Some(TargetGroup::Student),
        _ => None,
    }
}
