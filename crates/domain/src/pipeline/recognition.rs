//! The recognition file as the probationary member sees it in the handbook: which papers the chi
//! bộ holds, which it still needs, and the days that matter (rules.md §3: "Recognition file:
//! class certificate; self-review (10-KNĐ); helper's comment (11-KNĐ); opinions of the
//! work-place mass organization and the residence chi ủy, summarized (12-KNĐ); chi bộ
//! resolution (13-KNĐ); grassroots committee resolution").

use super::*;

/// One paper of the file, or one step the chi bộ and the committee take after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileItem {
    pub kind: StepKind,
    /// Who provides it, in the member's words.
    pub from: &'static str,
    /// The day it was recorded (`None`: still needed).
    pub done_on: Option<NaiveDate>,
}

/// Where a probationary member's recognition stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecognitionFile {
    pub stage: Stage,
    /// The day of the admission ceremony (probation runs 12 months from it — Charter art. 5 §1).
    pub ceremony_on: NaiveDate,
    /// The day the 12 months end: the official date when recognized (rules.md §3 "Effective date").
    pub probation_ends: NaiveDate,
    /// Last day for the chi bộ to consider the file (30 working days after the probation ends,
    /// Quy định 294-QĐ/TW point 4.2).
    pub proposal_due: NaiveDate,
    /// The papers the member's side of the file holds (class certificate, 10-, 11-, 12-KNĐ).
    pub papers: Vec<FileItem>,
    /// What comes after the papers: the chi bộ's resolution (13-KNĐ), the grassroots committee's
    /// when one was recorded (15-KNĐ), the competent committee's decision.
    pub steps: Vec<FileItem>,
}

impl RecognitionFile {
    /// The papers still needed.
    pub fn missing(&self) -> impl Iterator<Item = &FileItem> {
        self.papers.iter().filter(|p| p.done_on.is_none())
    }
}

/// The papers of the file, in the order rules.md §3 lists them, with who provides each.
const PAPERS: [(StepKind, &str); 4] = [
    (StepKind::NewMemberClass, "Trung tâm chính trị cấp giấy chứng nhận sau lớp bồi dưỡng lý luận chính trị cho đảng viên mới"),
    (StepKind::SelfReview, "Đồng chí tự viết bản tự kiểm điểm và nộp chi bộ"),
    (StepKind::HelperComment, "Đảng viên chính thức được phân công giúp đỡ đồng chí viết nhận xét"),
    (StepKind::ProbationOpinions, "Chi ủy tổng hợp ý kiến của đoàn thể nơi công tác và chi ủy nơi cư trú"),
];

/// The recognition file of a case in probation or awaiting the recognition decision (`None` for
/// any other stage, or before a ceremony is recorded: no date runs yet).
pub fn recognition_file(steps: &Steps, cal: &WorkCalendar) -> Option<RecognitionFile> {
    let stage = stage(steps);
    if !matches!(stage, Stage::Probation | Stage::AwaitingRecognition) {
        return None;
    }
    let ceremony_on = steps.date_of(StepKind::Ceremony)?;
    let item = |kind, from| FileItem { kind, from, done_on: steps.date_of(kind) };
    let papers = PAPERS.iter().map(|(kind, from)| item(*kind, *from)).collect();
    let mut after = vec![item(StepKind::RecognitionVote, "Chi bộ họp xét, biểu quyết đề nghị công nhận đảng viên chính thức")];
    if steps.has(StepKind::RecognitionResolution) {
        after.push(item(StepKind::RecognitionResolution, "Đảng ủy cơ sở xét, đề nghị cấp trên"));
    }
    after.push(item(StepKind::RecognitionDecision, "Cấp ủy có thẩm quyền ra quyết định"));
    Some(RecognitionFile {
        stage,
        ceremony_on,
        probation_ends: admission::official_date(ceremony_on),
        proposal_due: admission::recognition_proposal_deadline(cal, ceremony_on),
        papers,
        steps: after,
    })
}
