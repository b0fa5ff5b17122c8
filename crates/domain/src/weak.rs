//! Grassroots organizations at risk of being weak (tổ chức cơ sở đảng yếu kém), found from a
//! year's data: meetings not held, low attendance, no admission for years, tasks late, and the
//! year's rating when the evaluation rounds record one. Our sources fix no criteria
//! (rules.md §9 is silent; docs/design/operations.md): each indicator's threshold is a setting
//! with the default below, and every finding says which number crossed it.

use chrono::NaiveDate;

use crate::code_list;
use crate::dates::{format_vn, sub_months};
use crate::error::ValidationErrors;

pub mod plan;

code_list!(
    /// Dấu hiệu yếu kém.
    WeakReason, "Dấu hiệu yếu kém", {
        MissedMeetings = ("khong-sinh-hoat-deu", "Không sinh hoạt thường kỳ đều đặn"),
        NoThematic = ("thieu-sinh-hoat-chuyen-de", "Thiếu sinh hoạt chuyên đề"),
        LowAttendance = ("ty-le-du-hop-thap", "Tỷ lệ đảng viên dự sinh hoạt thấp"),
        NoAdmission = ("nhieu-nam-khong-ket-nap", "Nhiều năm không kết nạp đảng viên"),
        LateTasks = ("nhiem-vu-qua-han", "Nhiều nhiệm vụ cấp trên giao bị quá hạn"),
        NotCompleted = ("khong-hoan-thanh-nhiem-vu", "Xếp loại không hoàn thành nhiệm vụ"),
    }
);

/// The thresholds, a committee's setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeakSettings {
    /// Months of the year that ended without a regular meeting (of 12).
    pub months_without_regular: u32,
    /// Quarters that ended without a thematic meeting (of 4).
    pub quarters_without_thematic: u32,
    /// Attendance below this share of the members expected, in percent.
    pub attendance_below_percent: u32,
    /// Years without an admission, counted back from the end of the year looked at.
    pub years_without_admission: u32,
    /// Tasks from above past their deadline and not done.
    pub late_tasks: u32,
}

impl Default for WeakSettings {
    /// Our defaults (docs/design/operations.md): a quarter of the year's regular meetings missed,
    /// half the thematic ones, fewer than 80 % present, three years without admitting anyone,
    /// three tasks late.
    fn default() -> Self {
        WeakSettings {
            months_without_regular: 3,
            quarters_without_thematic: 2,
            attendance_below_percent: 80,
            years_without_admission: 3,
            late_tasks: 3,
        }
    }
}

impl WeakSettings {
    /// Refuses thresholds that could never fire or always would.
    pub fn check(&self) -> Result<(), ValidationErrors> {
        let mut e = ValidationErrors::default();
        let mut within = |field: &str, value: u32, range: std::ops::RangeInclusive<u32>, what: &str| {
            if !range.contains(&value) {
                e.push(field, "out_of_range", format!("{what} phải từ {} đến {}.", range.start(), range.end()));
            }
        };
        within("months_without_regular", self.months_without_regular, 1..=12, "Số tháng không sinh hoạt thường kỳ");
        within("quarters_without_thematic", self.quarters_without_thematic, 1..=4, "Số quý không sinh hoạt chuyên đề");
        within("attendance_below_percent", self.attendance_below_percent, 1..=100, "Ngưỡng tỷ lệ dự họp (%)");
        within("years_without_admission", self.years_without_admission, 1..=20, "Số năm không kết nạp");
        within("late_tasks", self.late_tasks, 1..=100, "Số nhiệm vụ quá hạn");
        e.into_result()
    }
}

/// What the data says of one organization for one year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct YearFacts {
    pub months_without_regular: u32,
    pub quarters_without_thematic: u32,
    /// Attendances recorded, and the attendances expected (members who count, per meeting).
    pub present: u32,
    pub expected: u32,
    /// The latest admission decision in the organization, ever.
    pub last_admission: Option<NaiveDate>,
    /// The organization itself stands since (no admission is expected before).
    pub since: Option<NaiveDate>,
    pub late_tasks: u32,
    /// The year's rating was "không hoàn thành nhiệm vụ" (recorded by the evaluation rounds).
    pub rated_not_completed: bool,
}

/// One reason an organization is listed, with the number behind it in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub reason: WeakReason,
    pub detail: String,
}

/// The findings for `year` (the year ends on 31/12 or, for the year under way, `today`).
pub fn findings(facts: &YearFacts, settings: &WeakSettings, year: i32, today: NaiveDate) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut add = |reason, detail: String| out.push(Finding { reason, detail });
    if facts.months_without_regular >= settings.months_without_regular {
        add(WeakReason::MissedMeetings, format!("{} tháng trong năm {year} không sinh hoạt thường kỳ.", facts.months_without_regular));
    }
    if facts.quarters_without_thematic >= settings.quarters_without_thematic {
        add(WeakReason::NoThematic, format!("{} quý trong năm {year} không sinh hoạt chuyên đề.", facts.quarters_without_thematic));
    }
    if facts.expected > 0 && facts.present * 100 < settings.attendance_below_percent * facts.expected {
        let percent = facts.present * 100 / facts.expected;
        add(
            WeakReason::LowAttendance,
            format!(
                "Tỷ lệ dự sinh hoạt {percent}% ({}/{} lượt), dưới {}%.",
                facts.present, facts.expected, settings.attendance_below_percent
            ),
        );
    }
    let end = NaiveDate::from_ymd_opt(year, 12, 31).map_or(today, |d| d.min(today));
    let window_start = sub_months(end, 12 * settings.years_without_admission);
    let old_enough = facts.since.is_none_or(|s| s <= window_start);
    let admitted_lately = facts.last_admission.is_some_and(|a| a > window_start);
    if old_enough && !admitted_lately {
        let detail = match facts.last_admission {
            Some(a) => format!("Lần kết nạp gần nhất ngày {}, đã hơn {} năm.", format_vn(a), settings.years_without_admission),
            None => format!("Chưa kết nạp đảng viên nào trong {} năm qua.", settings.years_without_admission),
        };
        add(WeakReason::NoAdmission, detail);
    }
    if facts.late_tasks >= settings.late_tasks {
        add(WeakReason::LateTasks, format!("{} nhiệm vụ cấp trên giao quá hạn chưa hoàn thành.", facts.late_tasks));
    }
    if facts.rated_not_completed {
        add(WeakReason::NotCompleted, format!("Năm {year} xếp loại không hoàn thành nhiệm vụ."));
    }
    out
}

#[cfg(test)]
mod tests;
