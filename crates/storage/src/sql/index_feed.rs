//! What the in-memory register index reads: members with their profiles, spans and periods of
//! temporary activity, by pages or by id.

// The imports and the row helpers of `sql` (decode, fields, lists) every group of statements shares.
use super::*;

/// What the in-memory index keeps of a member.
#[derive(Debug, Clone)]
pub struct IndexMemberRow {
    pub id: MemberId,
    pub full_name: String,
    pub name_fold: String,
    pub sort_key: String,
    pub gender: Gender,
    pub birth_date: NaiveDate,
    pub citizen_id: String,
    pub party_card_number: Option<String>,
    pub ethnicity: Ethnicity,
    pub religion: Religion,
    pub spans: Vec<IndexSpanRow>,
    /// The dated attributes the statistics read, oldest first (`None`: since always).
    pub profiles: Vec<(Option<NaiveDate>, domain::stats::ProfileFacts)>,
    /// Periods of temporary activity: (host unit, `None` outside the register; from; to).
    pub temporary: Vec<(Option<UnitId>, NaiveDate, Option<NaiveDate>)>,
    /// While a transfer out waits for the receiving side: the unit the letter names.
    pub transit_to: Option<UnitId>,
}

/// One membership span as the index reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexSpanRow {
    /// The chi bộ (`None`: outside the register, or no unit).
    pub unit: Option<UnitId>,
    pub status: Status,
    pub from: NaiveDate,
    /// The first day the span no longer holds (`None`: open).
    pub to: Option<NaiveDate>,
    /// Why it began and ended.
    pub cause: domain::stats::SpanCause,
    /// When an admission or readmission opened it: its ceremony and origin.
    pub admission: Option<domain::history::AdmissionFacts>,
}

/// Members with `after < id <= upto` (a page of at most `limit`), with their spans.
pub async fn index_members(conn: &mut dyn Conn, after: i64, limit: i64) -> R<Vec<IndexMemberRow>> {
    let sql: Sql = "SELECT id, full_name, name_fold, sort_key, gender, birth_date, citizen_id, party_card_number, ethnicity, religion \
                    FROM members WHERE id > $1 ORDER BY id LIMIT $2"
        .into();
    let rows = conn.query(&sql, vec![after.into(), limit.into()]).await?;
    let mut members = rows.iter().map(index_member_from_row).collect::<R<Vec<_>>>()?;
    let (Some(first), Some(last)) = (members.first(), members.last()) else { return Ok(members) };
    let range = vec![Value::from(first.id.0), Value::from(last.id.0)];
    let sql: Sql = "SELECT member_id, unit_id, status, valid_from, valid_to, entered, left_by, transit_to, ceremony, admission_source, target_group FROM membership_spans \
                    WHERE member_id >= $1 AND member_id <= $2 ORDER BY member_id, valid_from"
        .into();
    let spans = conn.query(&sql, range.clone()).await?;
    attach_spans(&mut members, &spans)?;
    let sql: Sql = "SELECT member_id, unit_id, valid_from, valid_to FROM temporary_spans \
                    WHERE member_id >= $1 AND member_id <= $2 ORDER BY member_id, valid_from"
        .into();
    let temporary = conn.query(&sql, range.clone()).await?;
    attach_temporary(&mut members, &temporary)?;
    let sql: Sql = "SELECT member_id, valid_from, general_education, professional, political_theory, occupation, youth_union, id \
                    FROM member_profiles WHERE member_id >= $1 AND member_id <= $2 ORDER BY member_id, id"
        .into();
    let profiles = conn.query(&sql, range).await?;
    attach_profiles(&mut members, &profiles)?;
    Ok(members)
}

/// The given members with their spans (ids that do not exist are skipped).
pub async fn index_members_by_id(conn: &mut dyn Conn, ids: &[MemberId]) -> R<Vec<IndexMemberRow>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(400) {
        let args: Vec<Value> = chunk.iter().map(|m| Value::from(m.0)).collect();
        let sql = in_list(
            "SELECT id, full_name, name_fold, sort_key, gender, birth_date, citizen_id, party_card_number, ethnicity, religion \
             FROM members WHERE id IN",
            chunk.len(),
            " ORDER BY id",
            1,
        );
        let mut members = conn.query(&sql, args.clone()).await?.iter().map(index_member_from_row).collect::<R<Vec<_>>>()?;
        let sql = in_list(
            "SELECT member_id, unit_id, status, valid_from, valid_to, entered, left_by, transit_to, ceremony, admission_source, target_group FROM membership_spans WHERE member_id IN",
            chunk.len(),
            " ORDER BY member_id, valid_from",
            1,
        );
        let spans = conn.query(&sql, args.clone()).await?;
        attach_spans(&mut members, &spans)?;
        let sql = in_list(
            "SELECT member_id, unit_id, valid_from, valid_to FROM temporary_spans WHERE member_id IN",
            chunk.len(),
            " ORDER BY member_id, valid_from",
            1,
        );
        let temporary = conn.query(&sql, args.clone()).await?;
        attach_temporary(&mut members, &temporary)?;
        let sql = in_list(
            "SELECT member_id, valid_from, general_education, professional, political_theory, occupation, youth_union, id \
             FROM member_profiles WHERE member_id IN",
            chunk.len(),
            " ORDER BY member_id, id",
            1,
        );
        let profiles = conn.query(&sql, args).await?;
        attach_profiles(&mut members, &profiles)?;
        out.extend(members);
    }
    Ok(out)
}

fn index_member_from_row(r: &Row) -> R<IndexMemberRow> {
    Ok(IndexMemberRow {
        id: MemberId(r.i64("id")?),
        full_name: r.str("full_name")?,
        name_fold: r.str("name_fold")?,
        sort_key: r.str("sort_key")?,
        gender: field(Gender::parse(&r.str("gender")?))?,
        birth_date: r.date("birth_date")?,
        citizen_id: r.str("citizen_id")?,
        party_card_number: r.opt_str("party_card_number")?,
        ethnicity: field(Ethnicity::parse(&r.str("ethnicity")?))?,
        religion: field(Religion::parse(&r.str("religion")?))?,
        spans: Vec::new(),
        profiles: Vec::new(),
        temporary: Vec::new(),
        transit_to: None,
    })
}

/// Distributes profile rows (sorted by member, then as recorded) onto members (sorted by id),
/// each member's list in the order `domain::member::profile_on` reads (since always first, then
/// by date; on one date the later record wins).
fn attach_profiles(members: &mut [IndexMemberRow], rows: &[Row]) -> R<()> {
    attach(members, rows, |m, r| {
        let facts = domain::stats::ProfileFacts {
            general_education: field(GeneralEducation::parse(&r.str("general_education")?))?,
            professional: field(Professional::parse(&r.str("professional")?))?,
            political_theory: field(PoliticalTheory::parse(&r.str("political_theory")?))?,
            occupation: field(OccupationGroup::parse(&r.str("occupation")?))?,
            youth_union: r.i64("youth_union")? != 0,
        };
        m.profiles.push((r.opt_date("valid_from")?, facts));
        Ok(())
    })?;
    for m in members.iter_mut() {
        // Stable: records on the same date keep their recorded order.
        m.profiles.sort_by_key(|(from, _)| *from);
    }
    Ok(())
}

/// Distributes span rows (sorted by member id) onto members (sorted by id).
fn attach_spans(members: &mut [IndexMemberRow], spans: &[Row]) -> R<()> {
    attach(members, spans, |m, r| {
        // NULL only until the store's first opening after migration 0004 re-derives the member.
        let kind = |v: Option<String>| v.as_deref().and_then(domain::stats::FlowKind::parse);
        let cause = domain::stats::SpanCause {
            entered: kind(r.opt_str("entered")?).unwrap_or(domain::stats::FlowKind::Reorganization),
            left: kind(r.opt_str("left_by")?),
        };
        let admission = match cause.entered {
            domain::stats::FlowKind::Admitted | domain::stats::FlowKind::Readmitted => Some(domain::history::AdmissionFacts {
                ceremony: r.opt_date("ceremony")?,
                origin: domain::event::AdmissionOrigin {
                    source: r.opt_str("admission_source")?.map(|c| field(CandidateSource::parse(&c))).transpose()?,
                    target_group: r.opt_str("target_group")?.map(|c| field(TargetGroup::parse(&c))).transpose()?,
                },
            }),
            _ => None,
        };
        m.spans.push(IndexSpanRow {
            unit: r.opt_i64("unit_id")?.map(UnitId),
            status: field(Status::parse(&r.str("status")?))?,
            from: r.date("valid_from")?,
            to: r.opt_date("valid_to")?,
            cause,
            admission,
        });
        if let Some(to) = r.opt_i64("transit_to")? {
            m.transit_to = Some(UnitId(to));
        }
        Ok(())
    })
}

/// Distributes temporary-activity rows (sorted by member id) onto members (sorted by id).
fn attach_temporary(members: &mut [IndexMemberRow], rows: &[Row]) -> R<()> {
    attach(members, rows, |m, r| {
        m.temporary.push((r.opt_i64("unit_id")?.map(UnitId), r.date("valid_from")?, r.opt_date("valid_to")?));
        Ok(())
    })
}

/// Walks rows sorted by member id (column `member_id`) alongside members sorted by id, handing
/// each row to its member (rows of members not in the list are skipped).
fn attach(members: &mut [IndexMemberRow], rows: &[Row], mut add: impl FnMut(&mut IndexMemberRow, &Row) -> R<()>) -> R<()> {
    let mut i = 0;
    for r in rows {
        let member = MemberId(r.i64("member_id")?);
        while i < members.len() && members[i].id < member {
            i += 1;
        }
        if let Some(m) = members.get_mut(i).filter(|m| m.id == member) {
            add(m, r)?;
        }
    }
    Ok(())
}
