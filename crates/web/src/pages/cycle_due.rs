//! The yearly cycle on the worklists (the staff home and a chi bộ's board): each open evaluation
//! round with its deadline and what its evaluations under the unit wait for, the Quy định 213
//! ties still owed (introductions, confirmations, overdue contacts, the year's comments due by
//! the round's deadline), and the dues waiting (declarations to confirm, members owing, months
//! not remitted up), the member routines (badges due at the next award day and the unit's
//! list, exemptions ending, disciplines ending by themselves). Each line links to the page that lists the people behind it, and is shown
//! only when that page would open for this person.

use chrono::Datelike;
use domain::evaluation::Period;
use domain::ids::UnitId;
use domain::pipeline::Urgency;
use storage::{RoundDue, ScopeTarget};

use crate::format;
use crate::session::Caller;

/// One line of the worklist.
pub(crate) struct DueLine {
    pub href: String,
    /// What the line is about ("Đánh giá, xếp loại năm 2026").
    pub title: String,
    /// What waits, in words ("12 chưa tự đánh giá, 3 chờ quyết định").
    pub detail: String,
    /// The deadline's urgency as a badge: its class and words.
    pub badge: Option<(&'static str, String)>,
}

fn badge(due_on: chrono::NaiveDate, today: chrono::NaiveDate) -> (&'static str, String) {
    let words = format!("hạn {}", format::date(due_on));
    match Urgency::of(due_on, today) {
        Urgency::Overdue => ("overdue", format!("Quá {words}")),
        Urgency::Soon => ("soon", format!("Sắp đến {words}")),
        Urgency::Later => ("ok", words.replacen('h', "H", 1)),
    }
}

/// "12 chưa tự đánh giá, 3 chờ quyết định" (the parts that are not zero).
fn parts(items: &[(u32, &str)]) -> String {
    items.iter().filter(|(n, _)| *n > 0).map(|(n, words)| format!("{} {words}", format::count(*n as usize))).collect::<Vec<_>>().join(", ")
}

fn round_line(unit: UnitId, due: &RoundDue, today: chrono::NaiveDate, covers: bool) -> DueLine {
    let r = &due.round;
    let (m, u) = (due.members, due.units);
    let mut detail = parts(&[
        (m.awaiting_self(), "đảng viên chưa tự đánh giá"),
        (m.awaiting_proposal(), "đảng viên chờ chi bộ đề xuất"),
        (m.awaiting_decision(), "đảng viên chờ quyết định"),
        (u.awaiting_decision(), "tổ chức đảng chờ quyết định"),
    ]);
    if detail.is_empty() {
        detail = format!("đã quyết định đủ {} đảng viên và tổ chức; đợt chưa kết thúc", format::count((m.total + u.total) as usize));
    }
    let href_unit = if covers { unit } else { r.unit };
    DueLine {
        href: format!("/units/{href_unit}/evaluation/{}", r.id),
        title: format!("Đánh giá, xếp loại {} ({})", r.period.label(), due.opened_by),
        detail,
        badge: r.due_on.map(|d| badge(d, today)),
    }
}

/// The lines of a unit this person reads (none when they do not).
pub(crate) async fn lines(s: &Caller, unit: UnitId) -> Vec<DueLine> {
    let today = s.today();
    let target = Some(ScopeTarget::Unit(unit));
    let mut out = Vec::new();
    let rounds = match s.evaluation() {
        Ok(desk) => desk.due(unit).await.unwrap_or_default(),
        Err(_) => Vec::new(),
    };
    // Rounds covering the unit, then those its units below opened (at most a few shown; the
    // evaluation page lists them all).
    let (covering, below): (Vec<&RoundDue>, Vec<&RoundDue>) = rounds.iter().partition(|d| d.covers);
    if crate::policy::may_open(s, "/units/{id}/evaluation/{round}", target).await {
        out.extend(covering.iter().map(|d| round_line(unit, d, today, true)));
        const SHOWN_BELOW: usize = 3;
        out.extend(below.iter().take(SHOWN_BELOW).map(|d| round_line(unit, d, today, false)));
        if below.len() > SHOWN_BELOW {
            out.push(DueLine {
                href: format!("/units/{unit}/evaluation#cap-duoi"),
                title: "Các đợt đánh giá do cấp dưới mở".into(),
                detail: format!("còn {} đợt khác đang mở", below.len() - SHOWN_BELOW),
                badge: None,
            });
        }
    }
    // The comments are due by the deadline of this year's round covering the unit.
    let comment_deadline = covering.iter().filter(|d| d.round.period == Period::Year(today.year())).filter_map(|d| d.round.due_on).min();
    if crate::policy::may_open(s, "/units/{id}/residence", target).await
        && let Ok(desk) = s.residence()
        && let Ok(due) = desk.due(unit).await
    {
        let title = "Đảng viên công tác giữ mối liên hệ với nơi cư trú (Quy định 213-QĐ/TW)".to_owned();
        let href = format!("/units/{unit}/residence");
        match due {
            Some(d) if !d.is_clear() => {
                let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
                out.push(DueLine {
                    href,
                    title,
                    detail: parts(&[
                        (count(d.not_registered), "chưa giới thiệu về nơi cư trú"),
                        (count(d.unconfirmed), "chờ nơi cư trú xác nhận"),
                        (count(d.contact_overdue), "quá hạn liên hệ"),
                        (count(d.comments_missing), &format!("chưa có nhận xét năm {}", today.year())),
                    ]),
                    badge: comment_deadline.filter(|_| d.comments_missing > 0).map(|due| badge(due, today)),
                });
            }
            Some(_) => {}
            None => out.push(DueLine {
                href, title, detail: "xem báo cáo của đơn vị và từng đơn vị trực thuộc".into(), badge: None
            }),
        }
    }
    if crate::policy::may_open(s, "/units/{id}/dues/ledger", target).await
        && let Ok(desk) = s.dues()
        && let Ok(due) = desk.due(unit).await
    {
        let mut detail = Vec::new();
        let mut href = format!("/units/{unit}/dues/ledger");
        if let Some(m) = due.members {
            let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
            let members = parts(&[
                (count(m.declarations), "kê khai thu nhập chờ chi bộ xác nhận"),
                (count(m.owing), "đảng viên còn nợ đảng phí"),
                (count(m.flagged), "chậm đóng từ 3 tháng trở lên"),
            ]);
            if !members.is_empty() {
                detail.push(members);
                if m.owing > 0 {
                    href = format!("/units/{unit}/dues/arrears");
                }
            }
        }
        if !due.to_remit.is_empty() {
            let months: Vec<String> = due.to_remit.iter().map(|m| m.short()).collect();
            detail.push(format!("chưa nộp đủ lên cấp trên: {}", months.join(", ")));
        }
        if !detail.is_empty() {
            out.push(DueLine { href, title: "Đảng phí".into(), detail: detail.join("; "), badge: None });
        }
    }
    routine_lines(s, unit, &mut out).await;
    out
}

/// Badges due at the next award day, exemptions ending, disciplines ending by themselves.
async fn routine_lines(s: &Caller, unit: UnitId, out: &mut Vec<DueLine>) {
    let today = s.today();
    let target = Some(ScopeTarget::Unit(unit));
    let Ok(desk) = s.badges() else { return };
    let Ok(due) = desk.due(unit).await else { return };
    let Some(due) = due else {
        if crate::policy::may_open(s, "/units/{id}/badges", target).await {
            out.push(DueLine {
                href: format!("/units/{unit}/badges"),
                title: "Huy hiệu Đảng, miễn sinh hoạt, kỷ luật".into(),
                detail: "xem danh sách của đơn vị và từng đơn vị trực thuộc".into(),
                badge: None,
            });
        }
        return;
    };
    if due.badges_due > 0 || due.list.is_some() {
        let mut detail = parts(&[(due.badges_due, "đảng viên đủ điều kiện")]);
        let href = match due.list {
            Some((id, status)) => {
                detail = format!("{detail}{}danh sách: {}", if detail.is_empty() { "" } else { "; " }, status.label().to_lowercase());
                format!("/units/{unit}/badges/{id}")
            }
            None => {
                detail.push_str("; chưa lập danh sách đề nghị");
                format!("/units/{unit}/badges")
            }
        };
        let decided = matches!(due.list, Some((_, storage::ListStatus::Decided)));
        out.push(DueLine {
            href,
            title: format!("Huy hiệu Đảng dịp {}", format::date(due.award_on)),
            detail,
            badge: (!decided).then(|| badge(due.award_on, today)),
        });
    }
    if due.exemptions_due > 0 {
        out.push(DueLine {
            href: format!("/units/{unit}/exemptions"),
            title: "Miễn công tác và sinh hoạt đảng".into(),
            detail: format!(
                "{} đảng viên sắp hết hoặc đã hết thời hạn miễn: chi bộ gia hạn hoặc cho thôi miễn",
                format::count(due.exemptions_due as usize)
            ),
            badge: None,
        });
    }
    if due.disciplines_ending > 0 {
        out.push(DueLine {
            href: format!("/units/{unit}/discipline?standing=con-hieu-luc"),
            title: "Kỷ luật sắp chấm dứt hiệu lực".into(),
            detail: format!(
                "{} kỷ luật tự chấm dứt hiệu lực trong 30 ngày tới (Quy định 69-QĐ/TW)",
                format::count(due.disciplines_ending as usize)
            ),
            badge: None,
        });
    }
}

/// The open rounds units below `unit` opened, as lines (the evaluation page's list).
pub(crate) fn rounds_below(s: &Caller, unit: UnitId, rounds: Vec<RoundDue>) -> Vec<DueLine> {
    rounds.iter().filter(|d| !d.covers).map(|d| round_line(unit, d, s.today(), false)).collect()
}
