//! Quality evaluation rounds (kiểm điểm, đánh giá, xếp loại chất lượng, rules.md §8;
//! docs/design/evaluation.md): a round a committee opens for its subtree under the regulation in
//! force that day — Quy định 124-QĐ/TW (criteria, four levels) until 29/8/2025, Quy định
//! 366-QĐ/TW (the 100-point scale, art. 11) from 30/8/2025; a round keeps its regulation — the
//! steps of each member's and organization's evaluation (self-assessment, the chi bộ's or
//! superior's proposal, the competent committee's decision), the level a score yields, what
//! blocks "excellent", and the quota of "excellent".
//!
//! Pure: the caller hands in the facts, the group's counts and the day.

use chrono::NaiveDate;

use crate::code_list;
use crate::error::{FieldError, ValidationErrors};

#[cfg(test)]
mod tests;

/// The first day of Quy định 366-QĐ/TW (30/8/2025, rules.md §8).
pub fn first_day_366() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 8, 30).unwrap_or(NaiveDate::MIN)
}

code_list!(
    /// The regulation a round follows, fixed when it is opened.
    Regulation, "Quy định đánh giá, xếp loại", {
        /// Quy định 124-QĐ/TW (2023): criteria, four levels, no score.
        Qd124 = ("124-qd-tw", "Quy định 124-QĐ/TW"),
        /// Quy định 366-QĐ/TW (30/8/2025): the common criteria framework on a 100-point scale.
        Qd366 = ("366-qd-tw", "Quy định 366-QĐ/TW"),
    }
);

impl Regulation {
    /// The regulation in force on the day a round is opened.
    pub fn on(day: NaiveDate) -> Regulation {
        if day >= first_day_366() { Regulation::Qd366 } else { Regulation::Qd124 }
    }

    /// Whether a score is recorded (366-QĐ/TW art. 11).
    pub fn scored(self) -> bool {
        self == Regulation::Qd366
    }

    /// Whether rounds may cover a quarter or a term (366-QĐ/TW: by term, yearly, quarterly or
    /// when needed, rules.md §8; 124-QĐ/TW: yearly).
    pub fn allows_other_periods(self) -> bool {
        self == Regulation::Qd366
    }
}

code_list!(
    /// The four levels, the same for members and organizations (rules.md §8).
    Level, "Mức xếp loại chất lượng", {
        Excellent = ("xuat-sac", "Hoàn thành xuất sắc nhiệm vụ"),
        Good = ("tot", "Hoàn thành tốt nhiệm vụ"),
        Completed = ("hoan-thanh", "Hoàn thành nhiệm vụ"),
        NotCompleted = ("khong-hoan-thanh", "Không hoàn thành nhiệm vụ"),
    }
);

impl Level {
    /// Higher is better: 3 excellent … 0 not completed.
    pub fn rank(self) -> u8 {
        match self {
            Level::Excellent => 3,
            Level::Good => 2,
            Level::Completed => 1,
            Level::NotCompleted => 0,
        }
    }

    /// Rated "good" or better: the base of the quota of "excellent".
    pub fn good_or_better(self) -> bool {
        self.rank() >= 2
    }
}

/// The level a score yields under 366-QĐ/TW art. 11: ≥ 90 excellent, 70 to < 90 good, 50 to
/// < 70 completed, < 50 not completed (rules.md §8).
pub fn level_for_score(score: u8) -> Level {
    match score {
        90.. => Level::Excellent,
        70..=89 => Level::Good,
        50..=69 => Level::Completed,
        _ => Level::NotCompleted,
    }
}

/// The longest term a round may cover: a congress term is five years (rules.md §1.2: one chi bộ
/// congress per five years; the other levels hold theirs every five years).
pub const LONGEST_TERM_YEARS: i32 = 5;

/// The period a round covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Period {
    Year(i32),
    Quarter {
        year: i32,
        quarter: u8,
    },
    /// A term (nhiệm kỳ) from the first year to the last, both whole.
    Term {
        first: i32,
        last: i32,
    },
}

impl Period {
    /// "2026", "2026-Q3" or "2020-2025".
    pub fn code(self) -> String {
        match self {
            Period::Year(y) => y.to_string(),
            Period::Quarter { year, quarter } => format!("{year}-Q{quarter}"),
            Period::Term { first, last } => format!("{first}-{last}"),
        }
    }

    pub fn parse(s: &str) -> Result<Period, FieldError> {
        let s = s.trim();
        let bad =
            || FieldError::new("period", "invalid", "Kỳ đánh giá là một năm (2026), một quý (2026-Q3) hoặc một nhiệm kỳ (2020-2025).");
        let year = |y: &str| y.trim().parse::<i32>().ok().filter(|y| (2000..=2100).contains(y)).ok_or_else(bad);
        if let Some((y, q)) = s.split_once("-Q").or_else(|| s.split_once("-q")) {
            return match q.parse::<u8>() {
                Ok(quarter @ 1..=4) => Ok(Period::Quarter { year: year(y)?, quarter }),
                _ => Err(bad()),
            };
        }
        if let Some((first, last)) = s.split_once('-').or_else(|| s.split_once('–')) {
            let (first, last) = (year(first)?, year(last)?);
            if last <= first {
                return Err(FieldError::new("period", "term_order", "Nhiệm kỳ: năm cuối phải sau năm đầu (2020-2025)."));
            }
            if last - first > LONGEST_TERM_YEARS {
                return Err(FieldError::new("period", "term_length", "Một nhiệm kỳ dài nhiều nhất 5 năm."));
            }
            return Ok(Period::Term { first, last });
        }
        Ok(Period::Year(year(s)?))
    }

    /// The year whose inputs a round reads (the residence's comments, absences from meetings):
    /// the period's own year, a term's last.
    pub fn year(self) -> i32 {
        match self {
            Period::Year(y) | Period::Quarter { year: y, .. } | Period::Term { last: y, .. } => y,
        }
    }

    /// "năm 2026", "quý III/2026", "nhiệm kỳ 2020–2025".
    pub fn label(self) -> String {
        match self {
            Period::Year(y) => format!("năm {y}"),
            Period::Quarter { year, quarter } => {
                let roman = ["I", "II", "III", "IV"].get(usize::from(quarter.saturating_sub(1))).copied().unwrap_or("?");
                format!("quý {roman}/{year}")
            }
            Period::Term { first, last } => format!("nhiệm kỳ {first}–{last}"),
        }
    }

    /// The period before, of the same kind (the report's comparison): last year, last quarter,
    /// the term of the same length that ended the year this one began.
    pub fn previous(self) -> Period {
        match self {
            Period::Year(y) => Period::Year(y - 1),
            Period::Quarter { year, quarter: 1 } => Period::Quarter { year: year - 1, quarter: 4 },
            Period::Quarter { year, quarter } => Period::Quarter { year, quarter: quarter - 1 },
            Period::Term { first, last } => Period::Term { first: first - (last - first), last: first },
        }
    }

    /// The first and last days.
    pub fn days(self) -> (NaiveDate, NaiveDate) {
        let (first_year, first_month, last_year, last_month) = match self {
            Period::Year(y) => (y, 1, y, 12),
            Period::Quarter { year, quarter } => (year, u32::from(quarter) * 3 - 2, year, u32::from(quarter) * 3),
            Period::Term { first, last } => (first, 1, last, 12),
        };
        let start = NaiveDate::from_ymd_opt(first_year, first_month, 1).unwrap_or(NaiveDate::MIN);
        let end = crate::dates::Month { year: last_year, month: last_month }.last_day();
        (start, end)
    }
}

/// One criterion of a committee's own list under the 100-point framework.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Criterion {
    pub name: String,
    /// The most points it gives.
    pub max_points: u8,
}

/// A committee's own criteria list for a round under 366-QĐ/TW: the framework's per-criterion
/// breakdown is not in our sources (rules.md §8), so a committee that has one enters it — each
/// criterion named once and worth at least a point, the points summing to the 100 of the scale
/// (art. 11). A round with a list records each step's points per criterion; the total is their
/// sum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Criteria(Vec<Criterion>);

impl Criteria {
    /// The longest list accepted.
    pub const MOST: usize = 30;

    /// The longest name of a criterion, in characters.
    pub const LONGEST_NAME: usize = 200;

    pub fn new(items: Vec<Criterion>) -> Result<Criteria, ValidationErrors> {
        let items: Vec<Criterion> = items.into_iter().map(|c| Criterion { name: c.name.trim().to_owned(), ..c }).collect();
        let mut e = ValidationErrors::default();
        if items.is_empty() || items.len() > Self::MOST {
            e.push("criteria", "count", format!("Danh sách tiêu chí có từ 1 đến {} tiêu chí.", Self::MOST));
        }
        for (i, c) in items.iter().enumerate() {
            if c.name.is_empty() {
                e.push("criteria", "name_required", format!("Tiêu chí thứ {} chưa có tên.", i + 1));
            } else if c.name.chars().count() > Self::LONGEST_NAME {
                e.push("criteria", "name_long", format!("Tên tiêu chí thứ {} dài quá {} ký tự.", i + 1, Self::LONGEST_NAME));
            } else if items[..i].iter().any(|x| crate::text::collation_key(&x.name) == crate::text::collation_key(&c.name)) {
                e.push("criteria", "name_twice", format!("Tiêu chí “{}” có hai lần.", c.name));
            }
            if c.max_points == 0 {
                e.push("criteria", "points_zero", format!("Tiêu chí “{}” phải có ít nhất 1 điểm.", c.name));
            }
        }
        let sum: u32 = items.iter().map(|c| u32::from(c.max_points)).sum();
        if !items.is_empty() && sum != 100 {
            e.push("criteria", "sum", format!("Tổng điểm các tiêu chí là {sum}, phải bằng 100 (Quy định 366-QĐ/TW, Điều 11)."));
        }
        e.into_result()?;
        Ok(Criteria(items))
    }

    /// Reads a list typed one criterion a line, "name | points" (`;` or a tab also separate);
    /// an empty text is no list.
    pub fn parse_lines(text: &str) -> Result<Option<Criteria>, ValidationErrors> {
        let mut items = Vec::new();
        let mut e = ValidationErrors::default();
        for (i, line) in text.lines().map(str::trim).filter(|l| !l.is_empty()).enumerate() {
            let Some((name, points)) = line.rsplit_once(['|', ';', '\t']) else {
                e.push("criteria", "line", format!("Dòng {}: ghi “tên tiêu chí | số điểm tối đa”.", i + 1));
                continue;
            };
            match points.trim().parse::<u8>() {
                Ok(max_points) => items.push(Criterion { name: name.trim().to_owned(), max_points }),
                Err(_) => e.push("criteria", "points", format!("Dòng {}: số điểm tối đa là một số từ 1 đến 100.", i + 1)),
            }
        }
        e.into_result()?;
        if items.is_empty() { Ok(None) } else { Criteria::new(items).map(Some) }
    }

    pub fn items(&self) -> &[Criterion] {
        &self.0
    }

    /// The list as typed ("name | points" a line).
    pub fn lines(&self) -> String {
        self.0.iter().map(|c| format!("{} | {}", c.name, c.max_points)).collect::<Vec<_>>().join("\n")
    }

    /// Each criterion's points as typed, checked against its most: the points and their sum.
    pub fn score(&self, typed: &[String]) -> Result<(Vec<u8>, u8), ValidationErrors> {
        let mut e = ValidationErrors::default();
        if typed.len() != self.0.len() {
            e.push("points", "count", format!("Chấm điểm từng tiêu chí: đủ {} tiêu chí.", self.0.len()));
            return Err(e);
        }
        let mut points = Vec::with_capacity(typed.len());
        for (c, t) in self.0.iter().zip(typed) {
            match t.trim().replace(',', ".").parse::<f64>() {
                Ok(x) if x >= 0.0 && x <= f64::from(c.max_points) => points.push(x.floor() as u8),
                _ => e.push("points", "range", format!("“{}”: từ 0 đến {} điểm.", c.name, c.max_points)),
            }
        }
        e.into_result()?;
        let total = points.iter().map(|p| u32::from(*p)).sum::<u32>();
        Ok((points, u8::try_from(total).unwrap_or(100)))
    }
}

/// What a committee decides when it opens a round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundPlan {
    pub period: Period,
    /// The share of "excellent" allowed, in percent of those rated good or better.
    pub quota_percent: u32,
    /// The day by which every evaluation of the round is to be decided (the committee's plan;
    /// for the year's round the superior's instruction sets it, e.g. CV 10072-CV/BTCTW for 2025,
    /// rules.md §8). The worklists count down to it; the residence's comments are due by it.
    pub due_on: NaiveDate,
    /// The committee's own criteria list, if it has one (366-QĐ/TW rounds only).
    pub criteria: Option<Criteria>,
}

/// The quota of "excellent" as a share of those rated good or better in a group, in percent:
/// 20 by default — 366-QĐ/TW art. 11 as reports.md §1.4 reads it (rules.md §8 calls its survival
/// under 366 unconfirmed; 124-QĐ/TW had it). A setting of the round.
pub const DEFAULT_QUOTA_PERCENT: u32 = 20;

/// Opening a round: the period must suit the regulation and have begun; the deadline is not
/// before the opening day.
pub fn check_round(regulation: Regulation, plan: &RoundPlan, opened_on: NaiveDate) -> Result<(), ValidationErrors> {
    let mut e = ValidationErrors::default();
    if !matches!(plan.period, Period::Year(_)) && !regulation.allows_other_periods() {
        e.push("period", "yearly_only", "Quy định 124-QĐ/TW đánh giá theo năm.");
    }
    if plan.period.days().0 > opened_on {
        e.push("period", "future", "Chưa đến kỳ đánh giá này.");
    }
    if !(1..=100).contains(&plan.quota_percent) {
        e.push("quota_percent", "range", "Tỷ lệ xuất sắc từ 1 đến 100%.");
    }
    if plan.due_on < opened_on {
        e.push("due_on", "before_opening", "Hạn hoàn thành không được trước ngày mở đợt.");
    }
    if plan.criteria.is_some() && !regulation.scored() {
        e.push("criteria", "not_scored", "Quy định 124-QĐ/TW không chấm điểm theo tiêu chí.");
    }
    e.into_result()
}

/// A rating typed at one step: the level, and the total score or — in a round with a criteria
/// list — each criterion's points.
#[derive(Debug, Clone, Copy)]
pub struct TypedRating<'a> {
    pub level: &'a str,
    pub score: &'a str,
    pub points: &'a [String],
}

/// Checks a typed rating in a round: with a criteria list the points give the total (a total
/// typed beside them must agree), then [`check_rating`]. Returns the rating and the points.
pub fn check_round_rating(
    regulation: Regulation,
    criteria: Option<&Criteria>,
    typed: TypedRating<'_>,
    facts: Facts,
) -> Result<(Rating, Vec<u8>), ValidationErrors> {
    let Some(criteria) = criteria else {
        if !typed.points.is_empty() {
            return Err(ValidationErrors::single("points", "no_criteria", "Đợt đánh giá này không có danh sách tiêu chí: ghi tổng điểm."));
        }
        return check_rating(regulation, typed.level, typed.score, facts).map(|r| (r, Vec::new()));
    };
    let (points, total) = criteria.score(typed.points)?;
    if !typed.score.trim().is_empty() && typed.score.trim().replace(',', ".").parse::<f64>().map(|x| x.floor()) != Ok(f64::from(total)) {
        return Err(ValidationErrors::single("score", "sum", format!("Tổng điểm các tiêu chí là {total}.")));
    }
    let rating = check_rating(regulation, typed.level, &total.to_string(), facts)?;
    Ok((rating, points))
}

/// How far the evaluations of a round (or of its part under a unit) have come: each step
/// counts those that have it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    pub total: u32,
    pub self_assessed: u32,
    pub proposed: u32,
    pub decided: u32,
}

impl Progress {
    pub fn add(&mut self, other: Progress) {
        self.total += other.total;
        self.self_assessed += other.self_assessed;
        self.proposed += other.proposed;
        self.decided += other.decided;
    }

    /// Waiting for their own self-assessment (none is needed once the chi bộ has proposed).
    pub fn awaiting_self(&self) -> u32 {
        self.total.saturating_sub(self.self_assessed.max(self.proposed))
    }

    pub fn awaiting_proposal(&self) -> u32 {
        self.total.saturating_sub(self.proposed.max(self.decided))
    }

    pub fn awaiting_decision(&self) -> u32 {
        self.total.saturating_sub(self.decided)
    }

    pub fn finished(&self) -> bool {
        self.decided >= self.total
    }
}

/// Whether the residence's comment came in time for the round's deadline (Quy định 213-QĐ/TW: the
/// comment feeds the year's evaluation, rules.md §11).
pub fn comment_in_time(commented_on: NaiveDate, due_on: NaiveDate) -> bool {
    commented_on <= due_on
}

/// A level as given at one step, with its score under 366-QĐ/TW.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rating {
    pub level: Level,
    /// 0–100 under 366-QĐ/TW; `None` under 124-QĐ/TW.
    pub score: Option<u8>,
}

/// What the rating of a member checks beside the level.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Facts {
    /// Disciplined within the period: blocks "excellent" (366-QĐ/TW art. 11; 124-QĐ/TW).
    pub disciplined: bool,
}

/// Checks a rating given under `regulation`: under 366 a score 0–100 is required and the level
/// may not be above what the score yields (a lower one records a disqualifying condition); under
/// 124 no score; discipline in the period blocks "excellent".
pub fn check_rating(regulation: Regulation, typed_level: &str, typed_score: &str, facts: Facts) -> Result<Rating, ValidationErrors> {
    let mut e = ValidationErrors::default();
    let level = e.take("level", Level::parse(typed_level));
    let score = match (regulation.scored(), typed_score.trim()) {
        (false, "") => None,
        (false, _) => {
            e.push("score", "not_scored", "Quy định 124-QĐ/TW không chấm điểm.");
            None
        }
        (true, "") => {
            e.push("score", "required", "Quy định 366-QĐ/TW: ghi tổng điểm (0–100).");
            None
        }
        (true, s) => match s.replace(',', ".").parse::<f64>() {
            Ok(x) if (0.0..=100.0).contains(&x) => Some(x.floor() as u8),
            _ => {
                e.push("score", "range", "Điểm từ 0 đến 100.");
                None
            }
        },
    };
    if let (Some(level), Some(score)) = (level, score) {
        let yielded = level_for_score(score);
        if level.rank() > yielded.rank() {
            e.push("level", "above_score", format!("{score} điểm chỉ đạt mức “{}” (Quy định 366-QĐ/TW, Điều 11).", yielded.label()));
        }
    }
    if level == Some(Level::Excellent) && facts.disciplined {
        e.push("level", "disciplined", "Bị kỷ luật trong kỳ đánh giá thì không xếp loại hoàn thành xuất sắc nhiệm vụ.");
    }
    e.into_result()?;
    level.map(|level| Rating { level, score }).ok_or_else(|| ValidationErrors::single("level", "required", "Chọn mức xếp loại."))
}

/// The counts of a group the quota is checked against, once this decision is counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GroupCounts {
    /// Decided (or, before the decision, proposed) good or better.
    pub good_or_better: u32,
    pub excellent: u32,
}

/// The most "excellent" a group may have: `quota_percent` of those good or better, rounded down.
pub fn quota(good_or_better: u32, quota_percent: u32) -> u32 {
    good_or_better * quota_percent / 100
}

/// Checks a decision against the quota of its group (the counts include the decision).
pub fn check_quota(counts: GroupCounts, quota_percent: u32) -> Result<(), FieldError> {
    let most = quota(counts.good_or_better, quota_percent);
    if counts.excellent > most {
        return Err(FieldError::new(
            "level",
            "quota",
            format!(
                "Vượt tỷ lệ: tối đa {most} “hoàn thành xuất sắc” trên {} được xếp loại hoàn thành tốt trở lên ({quota_percent}%).",
                counts.good_or_better
            ),
        ));
    }
    Ok(())
}

/// Share of `part` in `whole` as committees write it: "12,5%".
pub fn percent(part: u32, whole: u32) -> String {
    if whole == 0 {
        return "—".into();
    }
    let tenths = (u64::from(part) * 1000 + u64::from(whole) / 2) / u64::from(whole);
    if tenths % 10 == 0 { format!("{}%", tenths / 10) } else { format!("{},{}%", tenths / 10, tenths % 10) }
}

code_list!(
    /// The step of an evaluation.
    Step, "Bước đánh giá", {
        /// Tự kiểm điểm, tự đánh giá (the member, Mẫu 2A/2B/2C; the organization, Mẫu 01).
        SelfAssessment = ("tu-danh-gia", "Tự đánh giá, xếp loại"),
        /// The chi bộ's appraisal and proposed level (for a member), or the proposal for an
        /// organization.
        Proposal = ("de-xuat", "Chi bộ, cấp ủy đề xuất"),
        /// The competent committee's decision (the standing committee of the direct superior for
        /// an organization, 43-HD/BTCTW).
        Decision = ("quyet-dinh", "Cấp có thẩm quyền quyết định"),
    }
);
