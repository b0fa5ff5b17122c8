//! The [`HandbookDesk`] handle: the member's own handbook — their chi bộ's meetings (the
//! coming ones to answer, the past ones with their own attendance, the minutes the chi bộ
//! shared), the documents for them with what they read and bookmarked. Only an account linked to
//! a member has one; every meeting and document named is checked to be the member's own before
//! anything is read (404 otherwise), and the reads that show other members are audited.

use std::collections::HashSet;

use super::*;
use crate::documents::DocumentView;
use crate::handbook::StoredReply;
use crate::meetings::{MeetingSummary, MeetingView};
use domain::handbook::Reply;

impl Access {
    pub fn handbook(&self) -> Result<HandbookDesk<'_>> {
        let member = self.principal.member.ok_or(StoreError::Forbidden)?;
        Ok(HandbookDesk { access: self, member })
    }
}

/// The caller's own handbook (see [`Access::handbook`]).
pub struct HandbookDesk<'a> {
    access: &'a Access,
    member: MemberId,
}

/// A document for the member and what they did with it.
#[derive(Debug, Clone)]
pub struct HandbookDocument {
    pub document: DocumentView,
    pub read: bool,
    pub bookmarked: bool,
}

impl HandbookDesk<'_> {
    fn store(&self) -> &dyn Store {
        self.access.store.as_ref()
    }

    pub fn member(&self) -> MemberId {
        self.member
    }

    /// The member's chi bộ today (`None`: on no list, e.g. in transit).
    pub async fn chi_bo(&self) -> Result<Option<UnitId>> {
        self.store().chi_bo_of(self.member, self.access.today()).await
    }

    /// The meetings of the member's chi bộ between two days.
    pub async fn meetings(&self, first: NaiveDate, last: NaiveDate) -> Result<Vec<MeetingSummary>> {
        match self.chi_bo().await? {
            Some(unit) => self.store().unit_meetings(unit, first, last).await,
            None => Ok(Vec::new()),
        }
    }

    /// A meeting of the member's chi bộ today, or one the member is on the list of (404
    /// otherwise); audited as `read.handbook_meeting`.
    pub async fn meeting(&self, id: i64) -> Result<MeetingView> {
        let unit = self.store().meeting_unit(id).await?;
        let view = self.store().meeting(id).await?;
        let listed = view.attendance.iter().any(|a| a.member == self.member);
        if self.chi_bo().await? != Some(unit) && !listed {
            return Err(StoreError::NotFound);
        }
        self.access.record("read.handbook_meeting", "meeting", id, json!({ "member": self.member.0 })).await?;
        Ok(view)
    }

    /// The meetings of the member's chi bộ between two days with the member's own attendance
    /// (`None`: not recorded, or the member was not on the list); one audit entry.
    pub async fn attendance(&self, first: NaiveDate, last: NaiveDate) -> Result<Vec<(MeetingSummary, Option<String>)>> {
        let presence = self.store().member_presence(self.member, first, last).await?;
        let mut out = Vec::new();
        for m in self.meetings(first, last).await? {
            let label = presence.get(&m.id).filter(|_| m.attendance_recorded).map(|p| p.label().to_owned());
            out.push((m, label));
        }
        self.access.record("read.handbook_meetings", "member", self.member, json!({ "first": first, "last": last })).await?;
        Ok(out)
    }

    /// A document of a meeting the member reads.
    pub async fn meeting_document(&self, meeting: i64, document: i64) -> Result<(crate::meetings::MeetingDocumentView, Vec<u8>)> {
        if self.store().meeting_document_meeting(document).await? != meeting {
            return Err(StoreError::NotFound);
        }
        self.meeting(meeting).await?;
        self.store().meeting_document(document).await
    }

    /// Whether the chi bộ shared the minutes of a meeting the member reads.
    pub async fn minutes_shared(&self, id: i64) -> Result<bool> {
        self.store().minutes_shared(id).await
    }

    /// The member answers the invitation of a meeting they are on the list of.
    pub async fn reply(&self, id: i64, reply: Reply) -> Result<()> {
        self.meeting(id).await?;
        self.store().reply_to_meeting(&self.access.write_context(), id, self.member, reply).await
    }

    /// The member's answers to invitations.
    pub async fn replies(&self) -> Result<Vec<StoredReply>> {
        self.store().member_replies(self.member).await
    }

    /// The documents for the member, in force, matching `query`, with what they read and
    /// bookmarked.
    pub async fn documents(&self, query: &str) -> Result<Vec<HandbookDocument>> {
        let account = self.access.principal.account_id;
        let documents = self.access.documents().mine(query).await?;
        let read = self.store().documents_read(account).await?;
        let marked = self.store().bookmarks(account).await?;
        Ok(documents
            .into_iter()
            .map(|d| HandbookDocument { read: read.contains(&d.id), bookmarked: marked.contains(&d.id), document: d })
            .collect())
    }

    /// Bookmarks (or forgets) a document that is for the member (404 otherwise).
    pub async fn bookmark(&self, document: i64, on: bool) -> Result<()> {
        let mine: HashSet<i64> = self.access.documents().mine("").await?.into_iter().map(|d| d.id).collect();
        if !mine.contains(&document) {
            return Err(StoreError::NotFound);
        }
        self.store().set_bookmark(&self.access.write_context(), self.access.principal.account_id, document, on).await
    }
}

impl HandbookDesk<'_> {
    /// The member's own recognition file while in probation (`None` otherwise); audited as
    /// `read.recognition_file` when there is one.
    pub async fn recognition_file(&self) -> Result<Option<domain::pipeline::RecognitionFile>> {
        let file = self.store().recognition_file(self.member).await?;
        if file.is_some() {
            self.access.record("read.recognition_file", "member", self.member, json!({})).await?;
        }
        Ok(file)
    }

    /// The study material for the member (documents of kind "Tài liệu học tập"), read or not.
    pub async fn study(&self) -> Result<Vec<HandbookDocument>> {
        Ok(self.documents("").await?.into_iter().filter(|d| d.document.kind == domain::documents::DocumentKind::Study).collect())
    }
}

impl Access {
    /// A chi bộ's study material and each member's progress, for whoever reads the chi bộ
    /// (404 outside the read scope); audited as `read.study`.
    pub async fn study_progress(&self, unit: UnitId) -> Result<crate::handbook::StudyProgress> {
        let read = self.filter(Capability::ReadRegister)?;
        require(self.store.as_ref(), &read, ScopeTarget::Unit(unit)).await?;
        let progress = self.store.study_progress(unit, self.today()).await?;
        self.record("read.study", "unit", unit, json!({ "members": progress.members.len() })).await?;
        Ok(progress)
    }
}

impl MeetingDesk<'_> {
    /// The members' answers to a meeting's invitation, for those who record it (the secretary
    /// preparing the meeting).
    pub async fn replies(&self, id: i64) -> Result<Vec<StoredReply>> {
        self.writable(id).await?;
        self.store().meeting_replies(id).await
    }

    /// Shares the signed minutes with the chi bộ's members.
    pub async fn share_minutes(&self, id: i64) -> Result<()> {
        self.writable(id).await?;
        self.store().share_minutes(&self.access.write_context(), id).await
    }

    pub async fn minutes_shared(&self, id: i64) -> Result<bool> {
        self.readable(id).await?;
        self.store().minutes_shared(id).await
    }
}
impl HandbookDesk<'_> {
    /// The tasks naming the member, newest first; audited as `read.member_tasks`.
    pub async fn tasks(&self) -> Result<Vec<crate::member_tasks::MemberTask>> {
        let tasks = self.store().member_tasks(self.member, self.access.today()).await?;
        self.access.record("read.member_tasks", "member", self.member, json!({ "tasks": tasks.len() })).await?;
        Ok(tasks)
    }

    /// The member reports a task naming them done (404 for any other task).
    pub async fn report_task(&self, task: i64, report: &str) -> Result<()> {
        self.store().report_task(&self.access.write_context(), task, self.member, report).await
    }
}

impl HandbookDesk<'_> {
    /// The member's own dues over a year (the member's own record: not audited as a read of
    /// another's personal data).
    pub async fn dues(&self, year: i32) -> Result<crate::dues::MemberDues> {
        self.store().member_dues(self.member, year, self.access.today()).await
    }

    /// The member declares the basis of their dues from a month on; the chi bộ confirms it
    /// (01-QĐ/TW: members report their income to the chi bộ honestly).
    pub async fn declare_dues_basis(&self, from: domain::dates::Month, basis: domain::dues::Basis) -> Result<i64> {
        let ctx = self.access.write_context();
        self.store().record_dues_basis(&ctx, self.member, from, basis, crate::dues::BasisSource::Member).await
    }
}

impl HandbookDesk<'_> {
    /// The member's evaluations with their rounds.
    pub async fn evaluations(&self) -> Result<Vec<(crate::evaluation::RoundRow, crate::evaluation::EvaluationRow)>> {
        self.store().member_evaluations(self.member).await
    }

    /// The criteria list of the round of one of the member's evaluations and the points given
    /// (any other evaluation: not found).
    pub async fn evaluation_criteria(&self, id: i64) -> Result<crate::evaluation::OwnCriteria> {
        let (round, e) = self.store().evaluation_of(id).await?;
        if e.subject != crate::evaluation::Subject::Member(self.member) {
            return Err(StoreError::NotFound);
        }
        let criteria = self.store().round_criteria(round.id).await?;
        let points = self.store().evaluation_points(&[id]).await?.remove(&id).unwrap_or_default();
        Ok(crate::evaluation::OwnCriteria { criteria, points })
    }

    /// The member's self-assessment in one of their evaluations (any other: not found).
    pub async fn self_assess(&self, id: i64, version: i64, input: crate::evaluation::StepInput) -> Result<()> {
        let (_, e) = self.store().evaluation_of(id).await?;
        if e.subject != crate::evaluation::Subject::Member(self.member) {
            return Err(StoreError::NotFound);
        }
        let step = domain::evaluation::Step::SelfAssessment;
        self.store().record_evaluation_step(&self.access.write_context(), id, version, step, input).await
    }
}
