//! The 7-BTCTW report of member work over a period through the API, each line's members by id.

use super::*;

/// The report's period.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct PeriodParams {
    /// First day (default: 1 January of this year).
    #[param(value_type = Option<crate::query::QueryDate>)]
    pub from: String,
    /// Last day (default: 31 December of this year).
    #[param(value_type = Option<crate::query::QueryDate>)]
    pub to: String,
}

/// A line of the report.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkLineBody {
    /// `chuyen-sinh-hoat.chinh-thuc-di`, `huy-hieu.45`, `the.cap-lai`, `ky-luat.canh-cao`, `mien-sinh-hoat.dang-mien`…
    pub code: String,
    pub label: String,
    pub count: u64,
    /// The members behind the count.
    pub members: Vec<i64>,
}

/// The report of member work over a period.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberWorkBody {
    pub unit: i64,
    pub unit_name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub lines: Vec<WorkLineBody>,
}

#[utoipa::path(get, path = "/api/v1/units/{id}/member-work", tag = "party-work", params(("id" = i64, Path, description = "Unit id"), PeriodParams),
    responses((status = 200, description = "Transfers, badges awarded, cards issued, disciplines and exemptions over the period (7-BTCTW)", body = MemberWorkBody)))]
pub(crate) async fn member_work(s: Caller, PathId(unit): PathId<UnitId>, Query(p): Query<PeriodParams>) -> Result<Response, AppError> {
    let from = Some(p.from).filter(|x| !x.is_empty());
    let to = Some(p.to).filter(|x| !x.is_empty());
    let (from, to) = crate::pages::routines::period(&from, &to, s.today())?;
    let r = s.badges()?.work_report(unit, from, to).await?;
    let ids: Vec<i64> = r.lines.iter().flat_map(|l| l.members.iter().map(|m| m.0)).collect();
    s.record("read.member_work", "unit", unit, serde_json::json!({ "members": ids })).await?;
    Ok(axum::Json(MemberWorkBody {
        unit: unit.0,
        unit_name: r.unit_name.clone(),
        from,
        to,
        lines: r
            .lines
            .iter()
            .map(|l| WorkLineBody {
                code: l.line.code(),
                label: l.line.label(),
                count: l.members.len() as u64,
                members: l.members.iter().map(|m| m.0).collect(),
            })
            .collect(),
    })
    .into_response())
}
