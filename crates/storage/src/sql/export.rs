//! The statements of an export: the identities, profiles and events of a batch of members, read
//! with one statement per table and chunk of ids.

// The imports and the row helpers of `sql` (decode, fields, lists) every group of statements shares.
use super::*;

/// Ids per statement (well under both engines' limits on bound parameters).
const CHUNK: usize = 500;

/// The identities of `members`, by id.
pub async fn identities(conn: &mut dyn Conn, members: &[MemberId]) -> R<HashMap<MemberId, Identity>> {
    let mut out = HashMap::with_capacity(members.len());
    for chunk in members.chunks(CHUNK) {
        let sql = in_list(
            "SELECT id, full_name, other_names, gender, birth_date, birthplace, hometown, ethnicity, religion, citizen_id, phone, \
             party_card_number, ly_lich_number FROM members WHERE id IN",
            chunk.len(),
            "",
            1,
        );
        for r in conn.query(&sql, ids(chunk)).await? {
            out.insert(MemberId(r.i64("id")?), identity_from_row(&r)?);
        }
    }
    Ok(out)
}

/// The profiles of `members`, each member's sorted as [`profiles`] sorts them.
pub async fn profiles_of(conn: &mut dyn Conn, members: &[MemberId]) -> R<HashMap<MemberId, Vec<DatedProfile>>> {
    let mut rows_of: HashMap<MemberId, Vec<R<DatedProfile>>> = HashMap::with_capacity(members.len());
    for chunk in members.chunks(CHUNK) {
        let sql = in_list(
            "SELECT member_id, valid_from, general_education, professional, academic_title, political_theory, foreign_language, \
             it_level, occupation, youth_union, residence FROM member_profiles WHERE member_id IN",
            chunk.len(),
            " ORDER BY member_id, valid_from, id",
            1,
        );
        for r in conn.query(&sql, ids(chunk)).await? {
            rows_of.entry(MemberId(r.i64("member_id")?)).or_default().push(profile_from_row(&r));
        }
    }
    rows_of.into_iter().map(|(m, rows)| Ok((m, profiles_in_order(rows.into_iter())?))).collect()
}

/// The recorded events of `members` (corrections included), each member's in the order recorded.
pub async fn events_of(conn: &mut dyn Conn, members: &[MemberId]) -> R<HashMap<MemberId, Vec<RecordedEvent>>> {
    let mut out: HashMap<MemberId, Vec<RecordedEvent>> = HashMap::with_capacity(members.len());
    for chunk in members.chunks(CHUNK) {
        let sql = in_list(
            "SELECT id, member_id, kind, effective_date, unit_id, to_unit_id, external_unit, mode, reason, difficult_family, \
             decision_number, decision_date, issuer, note, corrects_event_id, correction_reason, recorded_at, recorded_by, \
             admission_source, target_group FROM membership_events WHERE member_id IN",
            chunk.len(),
            " ORDER BY member_id, id",
            1,
        );
        for r in conn.query(&sql, ids(chunk)).await? {
            out.entry(MemberId(r.i64("member_id")?)).or_default().push(event_from_row(&r)?);
        }
    }
    Ok(out)
}

fn ids(members: &[MemberId]) -> Vec<Value> {
    members.iter().map(|m| Value::from(m.0)).collect()
}
