//! The yearly report of party-member work (báo cáo nghiệp vụ công tác đảng viên, form
//! 7-BTCTW; 10-TCTW in 2012 — reports.md §2.8): its lines, in the form's order, each with a
//! stable code the drill-down names. Transfers by kind and direction, badges awarded by level,
//! cards issued by reason, members disciplined by form, exemptions begun, ended and running.
//! Counts are made by the storage over any period; this module only names the lines.

use crate::badges::MILESTONES;
use crate::cards::IssueKind;
use crate::code_list;
use crate::discipline::Form;
use crate::error::FieldError;

#[cfg(test)]
mod tests;

code_list!(
    /// A transfer line of 7-BTCTW: official or temporary, sent out or received.
    TransferLine, "Dòng chuyển sinh hoạt", {
        OfficialOut = ("chinh-thuc-di", "Chuyển sinh hoạt chính thức đi"),
        OfficialIn = ("chinh-thuc-den", "Tiếp nhận sinh hoạt chính thức"),
        TemporaryOut = ("tam-thoi-di", "Chuyển sinh hoạt tạm thời đi"),
        TemporaryIn = ("tam-thoi-den", "Tiếp nhận sinh hoạt tạm thời"),
    }
);

code_list!(
    /// An exemption line: begun and ended within the period, running on its last day.
    ExemptionLine, "Dòng miễn sinh hoạt", {
        Began = ("bat-dau", "Được miễn công tác và sinh hoạt trong kỳ"),
        Ended = ("thoi-mien", "Thôi miễn công tác và sinh hoạt trong kỳ"),
        Running = ("dang-mien", "Đang miễn công tác và sinh hoạt cuối kỳ"),
    }
);

/// A line of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Line {
    Transfer(TransferLine),
    /// Badges of that many years awarded.
    Badge(u32),
    Card(IssueKind),
    Discipline(Form),
    Exemption(ExemptionLine),
}

/// The report's blocks, in the form's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Block {
    Transfers,
    Badges,
    Cards,
    Discipline,
    Exemptions,
}

impl Block {
    pub const ALL: [Block; 5] = [Block::Transfers, Block::Badges, Block::Cards, Block::Discipline, Block::Exemptions];

    pub fn label(self) -> &'static str {
        match self {
            Block::Transfers => "Chuyển sinh hoạt đảng",
            Block::Badges => "Huy hiệu Đảng đã trao tặng",
            Block::Cards => "Thẻ đảng viên",
            Block::Discipline => "Đảng viên bị kỷ luật",
            Block::Exemptions => "Miễn công tác và sinh hoạt đảng",
        }
    }
}

impl Line {
    /// Every line, in the form's order.
    pub fn all() -> Vec<Line> {
        let mut out: Vec<Line> = TransferLine::ALL.iter().map(|l| Line::Transfer(*l)).collect();
        out.extend(MILESTONES.iter().map(|m| Line::Badge(*m)));
        out.extend(IssueKind::ALL.iter().map(|k| Line::Card(*k)));
        out.extend(Form::ALL.iter().map(|f| Line::Discipline(*f)));
        out.extend(ExemptionLine::ALL.iter().map(|e| Line::Exemption(*e)));
        out
    }

    pub fn block(self) -> Block {
        match self {
            Line::Transfer(_) => Block::Transfers,
            Line::Badge(_) => Block::Badges,
            Line::Card(_) => Block::Cards,
            Line::Discipline(_) => Block::Discipline,
            Line::Exemption(_) => Block::Exemptions,
        }
    }

    /// The code a drill-down names: `chuyen-sinh-hoat.chinh-thuc-di`, `huy-hieu.45`,
    /// `the.cap-lai`, `ky-luat.canh-cao`, `mien-sinh-hoat.dang-mien`.
    pub fn code(self) -> String {
        match self {
            Line::Transfer(t) => format!("chuyen-sinh-hoat.{}", t.code()),
            Line::Badge(m) => format!("huy-hieu.{m}"),
            Line::Card(k) => format!("the.{}", k.code()),
            Line::Discipline(f) => format!("ky-luat.{}", f.code()),
            Line::Exemption(e) => format!("mien-sinh-hoat.{}", e.code()),
        }
    }

    pub fn label(self) -> String {
        match self {
            Line::Transfer(t) => t.label().to_string(),
            Line::Badge(m) => format!("Huy hiệu {m} năm tuổi Đảng"),
            Line::Card(k) => format!("Thẻ đảng viên: {}", k.label().to_lowercase()),
            Line::Discipline(f) => format!("Kỷ luật {}", f.label().to_lowercase()),
            Line::Exemption(e) => e.label().to_string(),
        }
    }

    pub fn parse(code: &str) -> Result<Line, FieldError> {
        let unknown = || FieldError::new("line", "unknown_value", format!("Dòng báo cáo “{code}” không có trong mẫu."));
        let (block, rest) = code.trim().split_once('.').ok_or_else(unknown)?;
        let line = match block {
            "chuyen-sinh-hoat" => TransferLine::parse(rest).map(Line::Transfer).ok(),
            "huy-hieu" => rest.parse::<u32>().ok().filter(|m| MILESTONES.contains(m)).map(Line::Badge),
            "the" => IssueKind::parse(rest).map(Line::Card).ok(),
            "ky-luat" => Form::parse(rest).map(Line::Discipline).ok(),
            "mien-sinh-hoat" => ExemptionLine::parse(rest).map(Line::Exemption).ok(),
            _ => None,
        };
        line.ok_or_else(unknown)
    }
}
