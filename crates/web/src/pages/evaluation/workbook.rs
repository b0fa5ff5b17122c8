//! `/units/{id}/evaluation/{round}/report.xlsx`: a round's report as a workbook.

use axum::response::Response;

use domain::ids::UnitId;
use storage::LevelCounts;

use crate::error::AppError;
use crate::extract::PathIds;
use crate::session::Caller;
use crate::xlsx::{self, Cell, Sheet};

/// `GET /units/{id}/evaluation/{round}/report.xlsx`: the counts by level under the unit and
/// below it, the members and the organizations with each step.
pub(super) async fn workbook(s: Caller, PathIds(unit, round): PathIds<UnitId, i64>) -> Result<Response, AppError> {
    let sh = s.evaluation()?.sheet(round, unit).await?;
    let header = ["Đơn vị", "Xuất sắc", "%", "Tốt", "%", "Hoàn thành", "%", "Không hoàn thành", "%", "Chưa xếp loại"];
    let counts_row = |name: String, c: &LevelCounts| {
        let d = u64::from(c.decided());
        let mut row = vec![Cell::text(name)];
        for n in c.levels {
            row.push(Cell::Count(u64::from(n)));
            row.push(Cell::share(u64::from(n), d));
        }
        row.push(Cell::Count(u64::from(c.undecided)));
        row
    };
    let mut rows: Vec<Vec<Cell>> = sh.by_child.iter().map(|(_, n, c)| counts_row(n.clone(), c)).collect();
    rows.push(counts_row("Tổng số".into(), &sh.member_counts));
    let summary = Sheet {
        name: "Đảng viên theo mức".into(),
        title: format!(
            "Kết quả xếp loại chất lượng đảng viên {} – {} ({})",
            sh.round.period.label(),
            sh.unit_name,
            sh.round.regulation.label()
        ),
        header: xlsx::header(&header),
        bold_rows: vec![rows.len() - 1],
        rows,
    };
    // With a criteria list, each criterion's points of the last step that gave them.
    let criteria: Vec<String> =
        sh.criteria.as_ref().map(|c| c.items().iter().map(|c| format!("{} ({})", c.name, c.max_points)).collect()).unwrap_or_default();
    let mut member_header = xlsx::header(&[
        "Họ và tên",
        "Chi bộ",
        "Tự xếp loại",
        "Chi bộ đề xuất",
        "Quyết định",
        "Điểm",
        "Vắng sinh hoạt (tháng)",
        "Nhận xét nơi cư trú",
    ]);
    member_header.extend(criteria.iter().cloned());
    let members = Sheet {
        name: "Đảng viên".into(),
        title: format!("Đánh giá, xếp loại đảng viên {}", sh.round.period.label()),
        header: member_header,
        rows: sh
            .members
            .iter()
            .map(|m| {
                let mut row = vec![
                    Cell::text(m.full_name.clone()),
                    Cell::text(m.unit_name.clone()),
                    Cell::text(m.row.self_rating.map(|r| r.level.label()).unwrap_or("")),
                    Cell::text(m.row.proposed.map(|r| r.level.label()).unwrap_or("")),
                    Cell::text(m.row.decided.map(|r| r.level.label()).unwrap_or("")),
                    m.row.decided.and_then(|r| r.score).map_or(Cell::Empty, |x| Cell::Count(u64::from(x))),
                    Cell::Count(m.months_absent as u64),
                    Cell::text(m.residence.as_ref().map(|c| c.rating.label()).unwrap_or("")),
                ];
                let last = m.points.last().map(|p| p.points.as_slice()).unwrap_or_default();
                row.extend((0..criteria.len()).map(|i| last.get(i).map_or(Cell::Empty, |x| Cell::Count(u64::from(*x)))));
                row
            })
            .collect(),
        bold_rows: Vec::new(),
    };
    let units = Sheet {
        name: "Tổ chức đảng".into(),
        title: format!("Đánh giá, xếp loại tổ chức đảng {}", sh.round.period.label()),
        header: xlsx::header(&["Tổ chức", "Tự xếp loại", "Đề xuất", "Quyết định"]),
        rows: sh
            .units
            .iter()
            .map(|u| {
                vec![
                    Cell::text(u.name.clone()),
                    Cell::text(u.row.self_rating.map(|r| r.level.label()).unwrap_or("")),
                    Cell::text(u.row.proposed.map(|r| r.level.label()).unwrap_or("")),
                    Cell::text(u.row.decided.map(|r| r.level.label()).unwrap_or("")),
                ]
            })
            .collect(),
        bold_rows: Vec::new(),
    };
    Ok(xlsx::download(&[summary, members, units], &format!("xep-loai-{}-{unit}", sh.round.period.code())))
}
