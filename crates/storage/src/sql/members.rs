//! Statements on member records: identities, dated profiles, events and the spans derived
//! from them.

// The imports and the row helpers of `sql` (decode, fields, lists) every group of statements shares.
use super::*;

pub const INSERT_MEMBERS: &str = "INSERT INTO members (id, version, full_name, name_fold, sort_key, other_names, gender, birth_date, \
    birthplace, hometown, ethnicity, religion, citizen_id, phone, party_card_number, ly_lich_number, created_at, updated_at, updated_by) VALUES";

pub fn member_values(id: Option<MemberId>, i: &Identity, at: DateTime<Utc>, by: &str) -> Vec<Value> {
    vec![
        id.map(|m| m.0).into(),
        1i64.into(),
        i.full_name.as_str().into(),
        fold(i.full_name.as_str()).into(),
        sort_key(&i.full_name).into(),
        i.other_names.clone().into(),
        i.gender.code().into(),
        i.birth_date.into(),
        i.birthplace.clone().into(),
        i.hometown.clone().into(),
        i.ethnicity.code().into(),
        i.religion.code().into(),
        i.citizen_id.as_str().into(),
        i.phone.as_ref().map(|p| p.as_str()).into(),
        i.party_card_number.as_ref().map(|p| p.as_str()).into(),
        i.ly_lich_number.as_ref().map(|p| p.as_str()).into(),
        at.into(),
        at.into(),
        by.into(),
    ]
}

pub async fn insert_member(tx: &mut dyn Conn, i: &Identity, at: DateTime<Utc>, by: &str) -> R<MemberId> {
    let sql: Sql = "INSERT INTO members (version, full_name, name_fold, sort_key, other_names, gender, birth_date, birthplace, hometown, \
                    ethnicity, religion, citizen_id, phone, party_card_number, ly_lich_number, created_at, updated_at, updated_by) \
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id"
        .into();
    let mut values = member_values(None, i, at, by);
    values.remove(0);
    let rows = tx.query(&sql, values).await?;
    Ok(MemberId(rows.first().ok_or_else(|| DbError::Other("no id returned".into()))?.i64("id")?))
}

/// Replaces identity data when the version is still `expected`; false when someone saved first.
pub async fn update_member(tx: &mut dyn Conn, id: MemberId, expected: i64, i: &Identity, at: DateTime<Utc>, by: &str) -> R<bool> {
    let sql: Sql = "UPDATE members SET version = version + 1, full_name = $3, name_fold = $4, sort_key = $5, other_names = $6, \
                    gender = $7, birth_date = $8, birthplace = $9, hometown = $10, ethnicity = $11, religion = $12, citizen_id = $13, \
                    phone = $14, party_card_number = $15, ly_lich_number = $16, updated_at = $17, updated_by = $18 \
                    WHERE id = $1 AND version = $2"
        .into();
    let mut values = member_values(Some(id), i, at, by);
    values[1] = expected.into();
    values.remove(17); // created_at
    Ok(tx.execute(&sql, values).await? == 1)
}

/// Bumps the member's version when it is still `expected`; false when someone saved first.
pub async fn touch_member(tx: &mut dyn Conn, id: MemberId, expected: Option<i64>, at: DateTime<Utc>, by: &str) -> R<bool> {
    let n = match expected {
        Some(v) => {
            let sql: Sql =
                "UPDATE members SET version = version + 1, updated_at = $3, updated_by = $4 WHERE id = $1 AND version = $2".into();
            tx.execute(&sql, vec![id.0.into(), v.into(), at.into(), by.into()]).await?
        }
        None => {
            let sql: Sql = "UPDATE members SET version = version + 1, updated_at = $2, updated_by = $3 WHERE id = $1".into();
            tx.execute(&sql, vec![id.0.into(), at.into(), by.into()]).await?
        }
    };
    Ok(n == 1)
}

/// (version, identity, updated_at, updated_by).
pub async fn member_row(conn: &mut dyn Conn, id: MemberId) -> R<Option<(i64, Identity, DateTime<Utc>, String)>> {
    let sql: Sql = "SELECT id, version, full_name, other_names, gender, birth_date, birthplace, hometown, ethnicity, religion, \
                    citizen_id, phone, party_card_number, ly_lich_number, updated_at, updated_by FROM members WHERE id = $1"
        .into();
    let rows = conn.query(&sql, vec![id.0.into()]).await?;
    let Some(r) = rows.first() else { return Ok(None) };
    Ok(Some((r.i64("version")?, identity_from_row(r)?, r.time("updated_at")?, r.str("updated_by")?)))
}

/// The member (id, full name) holding a unique identifier, other than `except`.
pub async fn member_with(
    conn: &mut dyn Conn,
    column: UniqueColumn,
    value: &str,
    except: Option<MemberId>,
) -> R<Option<(MemberId, String)>> {
    let sql: Sql = match column {
        UniqueColumn::CitizenId => "SELECT id, full_name FROM members WHERE citizen_id = $1 AND id <> $2".into(),
        UniqueColumn::CardNumber => "SELECT id, full_name FROM members WHERE party_card_number = $1 AND id <> $2".into(),
        UniqueColumn::LyLich => "SELECT id, full_name FROM members WHERE ly_lich_number = $1 AND id <> $2".into(),
    };
    let rows = conn.query(&sql, vec![value.into(), except.map_or(0, |m| m.0).into()]).await?;
    rows.first().map(|r| Ok((MemberId(r.i64("id")?), r.str("full_name")?))).transpose()
}

#[derive(Debug, Clone, Copy)]
pub enum UniqueColumn {
    CitizenId,
    CardNumber,
    LyLich,
}

pub const INSERT_PROFILES: &str = "INSERT INTO member_profiles (member_id, valid_from, general_education, professional, academic_title, \
    political_theory, foreign_language, it_level, occupation, youth_union, residence, recorded_at, recorded_by) VALUES";

pub fn profile_values(member: MemberId, p: &DatedProfile, at: DateTime<Utc>, by: &str) -> Vec<Value> {
    let q = &p.profile;
    vec![
        member.0.into(),
        p.valid_from.into(),
        q.general_education.code().into(),
        q.professional.code().into(),
        q.academic_title.code().into(),
        q.political_theory.code().into(),
        q.foreign_language.code().into(),
        q.it_level.code().into(),
        q.occupation.code().into(),
        q.youth_union.into(),
        q.residence.clone().into(),
        at.into(),
        by.into(),
    ]
}

pub async fn insert_profile(tx: &mut dyn Conn, member: MemberId, p: &DatedProfile, at: DateTime<Utc>, by: &str) -> R<()> {
    insert_rows(tx, INSERT_PROFILES, 13, vec![profile_values(member, p, at, by)], 1000).await
}

/// Profiles of a member sorted by start (an unknown start first; same start: the later record wins).
pub async fn profiles(conn: &mut dyn Conn, member: MemberId) -> R<Vec<DatedProfile>> {
    let sql: Sql = "SELECT valid_from, general_education, professional, academic_title, political_theory, foreign_language, it_level, \
                    occupation, youth_union, residence FROM member_profiles WHERE member_id = $1 ORDER BY valid_from, id"
        .into();
    let rows = conn.query(&sql, vec![member.0.into()]).await?;
    profiles_in_order(rows.iter().map(profile_from_row))
}

/// A row of `member_profiles` (`valid_from` and the profile's columns).
pub(super) fn profile_from_row(r: &Row) -> R<DatedProfile> {
    Ok(DatedProfile {
        valid_from: r.opt_date("valid_from")?,
        profile: Profile {
            general_education: field(GeneralEducation::parse(&r.str("general_education")?))?,
            professional: field(Professional::parse(&r.str("professional")?))?,
            academic_title: field(AcademicTitle::parse(&r.str("academic_title")?))?,
            political_theory: field(PoliticalTheory::parse(&r.str("political_theory")?))?,
            foreign_language: field(ForeignLanguageLevel::parse(&r.str("foreign_language")?))?,
            it_level: field(ItLevel::parse(&r.str("it_level")?))?,
            occupation: field(OccupationGroup::parse(&r.str("occupation")?))?,
            youth_union: r.i64("youth_union")? != 0,
            residence: r.opt_str("residence")?,
        },
    })
}

/// One member's profiles, read in `valid_from, id` order, sorted by start (an unknown start
/// first; same start: the later record wins).
pub(super) fn profiles_in_order(rows: impl Iterator<Item = R<DatedProfile>>) -> R<Vec<DatedProfile>> {
    let mut out: Vec<DatedProfile> = Vec::new();
    for p in rows {
        let p = p?;
        match out.last_mut() {
            Some(last) if last.valid_from == p.valid_from => *last = p,
            _ => out.push(p),
        }
    }
    // SQL sorts NULL first in SQLite and last in PostgreSQL: put "since always" first on both.
    out.sort_by_key(|p| p.valid_from);
    Ok(out)
}

pub const INSERT_EVENTS: &str = "INSERT INTO membership_events (id, member_id, kind, effective_date, unit_id, to_unit_id, external_unit, \
    mode, reason, difficult_family, decision_number, decision_date, issuer, note, corrects_event_id, correction_reason, recorded_at, recorded_by, \
    admission_source, target_group) VALUES";

pub fn event_values(id: Option<EventId>, member: MemberId, e: &RecordedEvent) -> Vec<Value> {
    let mut unit: Option<i64> = None;
    let mut to_unit: Option<i64> = None;
    let mut external: Option<String> = None;
    let mut mode: Option<&str> = None;
    let mut reason: Option<&str> = None;
    let mut difficult: Option<i64> = None;
    let mut origin = domain::event::AdmissionOrigin::default();
    let (kind, effective, basis, note) = match &e.entry {
        Entry::Void => ("huy", None, None, None),
        Entry::Event(d) => {
            match &d.kind {
                EventKind::Admitted { unit: u, origin: o } => {
                    origin = *o;
                    match u {
                        UnitRef::Internal(id) => unit = Some(id.0),
                        UnitRef::External(n) => external = Some(n.clone()),
                    }
                }
                EventKind::TransferredOut { mode: m, from, to } => {
                    unit = Some(from.0);
                    mode = Some(m.code());
                    match to {
                        UnitRef::Internal(id) => to_unit = Some(id.0),
                        UnitRef::External(n) => external = Some(n.clone()),
                    }
                }
                EventKind::TransferredIn { mode: m, unit: u } => {
                    unit = Some(u.0);
                    mode = Some(m.code());
                }
                EventKind::Reassigned { to } => to_unit = Some(to.0),
                EventKind::StruckOff { reason: r } => reason = Some(r.code()),
                EventKind::Exited { difficult_family } => difficult = Some(i64::from(*difficult_family)),
                EventKind::Readmitted { unit: u, origin: o } => {
                    origin = *o;
                    match u {
                        UnitRef::Internal(id) => unit = Some(id.0),
                        UnitRef::External(n) => external = Some(n.clone()),
                    }
                }
                EventKind::Ceremony
                | EventKind::RecognizedOfficial
                | EventKind::Exempted
                | EventKind::ExemptionEnded
                | EventKind::Expelled
                | EventKind::Died => {}
            }
            (d.kind.code().code(), Some(d.effective), d.basis.as_ref(), d.note.clone())
        }
    };
    vec![
        id.map(|i| i.0).into(),
        member.0.into(),
        kind.into(),
        effective.into(),
        unit.into(),
        to_unit.into(),
        external.into(),
        mode.into(),
        reason.into(),
        difficult.into(),
        basis.map(|b| b.number.as_str()).into(),
        basis.map(|b| b.date).into(),
        basis.map(|b| b.issuer.as_str()).into(),
        note.into(),
        e.corrects.map(|c| c.0).into(),
        e.correction_reason.clone().into(),
        e.recorded_at.into(),
        e.recorded_by.as_str().into(),
        origin.source.map(|c| c.code()).into(),
        origin.target_group.map(|c| c.code()).into(),
    ]
}

pub async fn insert_event(tx: &mut dyn Conn, member: MemberId, e: &RecordedEvent) -> R<EventId> {
    let sql: Sql = "INSERT INTO membership_events (member_id, kind, effective_date, unit_id, to_unit_id, external_unit, mode, reason, \
                    difficult_family, decision_number, decision_date, issuer, note, corrects_event_id, correction_reason, recorded_at, recorded_by, \
                    admission_source, target_group) \
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING id"
        .into();
    let mut values = event_values(None, member, e);
    values.remove(0);
    let rows = tx.query(&sql, values).await?;
    Ok(EventId(rows.first().ok_or_else(|| DbError::Other("no id returned".into()))?.i64("id")?))
}

pub async fn events(conn: &mut dyn Conn, member: MemberId) -> R<Vec<RecordedEvent>> {
    let sql: Sql = "SELECT id, member_id, kind, effective_date, unit_id, to_unit_id, external_unit, mode, reason, difficult_family, \
                    decision_number, decision_date, issuer, note, corrects_event_id, correction_reason, recorded_at, recorded_by, \
                    admission_source, target_group FROM membership_events WHERE member_id = $1 ORDER BY id"
        .into();
    conn.query(&sql, vec![member.0.into()]).await?.iter().map(event_from_row).collect()
}

pub(super) fn event_from_row(r: &Row) -> R<RecordedEvent> {
    let kind = r.str("kind")?;
    let entry = if kind == "huy" {
        Entry::Void
    } else {
        let code = field(EventKindCode::parse(&kind))?;
        let unit = r.opt_i64("unit_id")?.map(UnitId);
        let to_unit = r.opt_i64("to_unit_id")?.map(UnitId);
        let external = r.opt_str("external_unit")?;
        let need = |u: Option<UnitId>| u.ok_or_else(|| DbError::Decode(format!("event {} lacks its unit", kind)));
        let target = |u: Option<UnitId>, ext: Option<String>| match (u, ext) {
            (Some(u), _) => Ok(UnitRef::Internal(u)),
            (None, Some(n)) => Ok(UnitRef::External(n)),
            (None, None) => Err(DbError::Decode("event lacks its unit".into())),
        };
        let origin = || -> R<domain::event::AdmissionOrigin> {
            let source = r.opt_str("admission_source")?.map(|c| field(CandidateSource::parse(&c))).transpose()?;
            let target_group = r.opt_str("target_group")?.map(|c| field(TargetGroup::parse(&c))).transpose()?;
            Ok(domain::event::AdmissionOrigin { source, target_group })
        };
        let mode = || r.opt_str("mode").and_then(|m| field(TransferMode::parse(&m.unwrap_or_default())));
        let event_kind = match code {
            EventKindCode::Admitted => EventKind::Admitted { unit: target(unit, external)?, origin: origin()? },
            EventKindCode::RecognizedOfficial => EventKind::RecognizedOfficial,
            EventKindCode::Ceremony => EventKind::Ceremony,
            EventKindCode::TransferredOut => EventKind::TransferredOut { mode: mode()?, from: need(unit)?, to: target(to_unit, external)? },
            EventKindCode::TransferredIn => EventKind::TransferredIn { mode: mode()?, unit: need(unit)? },
            EventKindCode::Reassigned => EventKind::Reassigned { to: need(to_unit)? },
            EventKindCode::Exempted => EventKind::Exempted,
            EventKindCode::ExemptionEnded => EventKind::ExemptionEnded,
            EventKindCode::StruckOff => EventKind::StruckOff { reason: field(StrikeOffReason::parse(&r.str("reason")?))? },
            EventKindCode::Exited => EventKind::Exited { difficult_family: r.opt_i64("difficult_family")?.unwrap_or(0) != 0 },
            EventKindCode::Expelled => EventKind::Expelled,
            EventKindCode::Died => EventKind::Died,
            EventKindCode::Readmitted => EventKind::Readmitted { unit: target(unit, external)?, origin: origin()? },
        };
        let basis = match (r.opt_str("decision_number")?, r.opt_date("decision_date")?, r.opt_str("issuer")?) {
            (Some(n), Some(d), Some(i)) => Some(LegalBasis { number: field(DecisionNumber::parse(&n))?, date: d, issuer: i }),
            _ => None,
        };
        Entry::Event(EventData { kind: event_kind, effective: r.date("effective_date")?, basis, note: r.opt_str("note")? })
    };
    Ok(RecordedEvent {
        id: EventId(r.i64("id")?),
        entry,
        corrects: r.opt_i64("corrects_event_id")?.map(EventId),
        correction_reason: r.opt_str("correction_reason")?,
        recorded_at: r.time("recorded_at")?,
        recorded_by: r.str("recorded_by")?,
    })
}

pub const INSERT_SPANS: &str = "INSERT INTO membership_spans (member_id, unit_id, external_unit, status, valid_from, valid_to, entered, left_by, transit_to, \
    ceremony, admission_source, target_group) VALUES";
pub const SPAN_COLUMNS: usize = 12;
pub const INSERT_TEMPORARY_SPANS: &str = "INSERT INTO temporary_spans (member_id, unit_id, external_unit, valid_from, valid_to) VALUES";
pub const TEMPORARY_SPAN_COLUMNS: usize = 5;

fn unit_columns(u: &UnitRef) -> (Option<i64>, Option<String>) {
    match u {
        UnitRef::Internal(u) => (Some(u.0), None),
        UnitRef::External(n) => (None, Some(n.clone())),
    }
}

/// The rows of a derived history: its spans, each with why it began and ended, and its periods
/// of temporary activity.
pub fn history_rows(member: MemberId, h: &History) -> (Vec<Vec<Value>>, Vec<Vec<Value>>) {
    let spans = h
        .spans
        .iter()
        .map(|s| {
            let (unit, external) = unit_columns(&s.unit);
            let admission = h.admission_facts(s).unwrap_or_default();
            vec![
                member.0.into(),
                unit.into(),
                external.into(),
                s.status.code().into(),
                s.from.into(),
                s.to.into(),
                s.cause.entered.code().into(),
                s.cause.left.map(|k| k.code()).into(),
                // The destination of a transfer not accepted yet: the open span of the transit.
                h.in_transit_to
                    .as_ref()
                    .and_then(UnitRef::internal)
                    .filter(|_| s.to.is_none() && s.status == Status::TransferredOut)
                    .map(|u| u.0)
                    .into(),
                admission.ceremony.into(),
                admission.origin.source.map(|c| c.code()).into(),
                admission.origin.target_group.map(|c| c.code()).into(),
            ]
        })
        .collect();
    let temporary = h
        .temporary
        .iter()
        .map(|t| {
            let (unit, external) = unit_columns(&t.at);
            vec![member.0.into(), unit.into(), external.into(), t.from.into(), t.to.into()]
        })
        .collect();
    (spans, temporary)
}

/// Replaces the member's derived rows (spans and temporary activity) with those of `h`.
pub async fn replace_spans(tx: &mut dyn Conn, member: MemberId, h: &History) -> R<()> {
    tx.execute(&"DELETE FROM membership_spans WHERE member_id = $1".into(), vec![member.0.into()]).await?;
    tx.execute(&"DELETE FROM temporary_spans WHERE member_id = $1".into(), vec![member.0.into()]).await?;
    let (spans, temporary) = history_rows(member, h);
    insert_rows(tx, INSERT_SPANS, SPAN_COLUMNS, spans, 1000).await?;
    insert_rows(tx, INSERT_TEMPORARY_SPANS, TEMPORARY_SPAN_COLUMNS, temporary, 1000).await
}

/// Members whose spans were written before spans kept their causes (migration 0004).
pub async fn members_without_span_causes(conn: &mut dyn Conn, limit: i64) -> R<Vec<MemberId>> {
    let sql: Sql = "SELECT DISTINCT member_id FROM membership_spans WHERE entered IS NULL ORDER BY member_id LIMIT $1".into();
    conn.query(&sql, vec![limit.into()]).await?.iter().map(|r| Ok(MemberId(r.i64("member_id")?))).collect()
}

/// Members with an active span in one of `units` on or after `on`.
pub async fn members_in_units_from(conn: &mut dyn Conn, units: &[UnitId], on: NaiveDate) -> R<Vec<MemberId>> {
    let mut out = Vec::new();
    for chunk in units.chunks(500) {
        let sql = in_list(
            "SELECT DISTINCT member_id FROM membership_spans WHERE status IN ('du-bi', 'chinh-thuc', 'mien-sinh-hoat') \
             AND (valid_to IS NULL OR valid_to > $1) AND unit_id IN",
            chunk.len(),
            " ORDER BY member_id",
            2,
        );
        let mut args = vec![Value::from(on)];
        args.extend(chunk.iter().map(|u| Value::from(u.0)));
        for r in conn.query(&sql, args).await? {
            out.push(MemberId(r.i64("member_id")?));
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}
