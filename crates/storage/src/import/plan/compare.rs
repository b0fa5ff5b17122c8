//! A row against the member the register holds: proposed changes, new events, differences kept.

use super::*;

fn change(column: Column, register: impl Into<String>, file: impl Into<String>, kind: ChangeKind) -> Change {
    Change { column: column.code().to_owned(), label: column.header().to_owned(), register: register.into(), file: file.into(), kind }
}

fn shown<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(|x| x.to_string()).unwrap_or_default()
}

/// Compares a row with the member the register holds: the proposed changes (identity, profile,
/// new events) and the differences the register keeps (its events' dates).
#[allow(clippy::too_many_arguments)]
pub(super) fn compare(
    record: &MemberRecord,
    placement: Placement,
    member: &RegisterMember,
    existing: &[RecordedEvent],
    history: &History,
    profile: Option<&Profile>,
    tree: &Tree,
    units: &LoadedUnits,
    accept: bool,
    today: NaiveDate,
    updates: &mut Vec<Update>,
) -> MemberAction {
    let mut changes = Vec::new();
    let mut differences = Vec::new();

    // Identity: a value the file leaves empty never clears the register's.
    let (reg, file) = (&member.identity, &record.identity);
    let mut identity = reg.clone();
    macro_rules! same {
        ($field:ident, $column:expr) => {
            if reg.$field != file.$field {
                changes.push(change($column, reg.$field.to_string(), file.$field.to_string(), ChangeKind::Identity));
                identity.$field = file.$field.clone();
            }
        };
    }
    macro_rules! optional {
        ($field:ident, $column:expr) => {
            if file.$field.is_some() && reg.$field != file.$field {
                changes.push(change($column, shown(&reg.$field), shown(&file.$field), ChangeKind::Identity));
                identity.$field = file.$field.clone();
            }
        };
    }
    same!(full_name, Column::FullName);
    same!(gender, Column::Gender);
    if reg.birth_date != file.birth_date {
        changes.push(change(
            Column::BirthDate,
            domain::dates::format_vn(reg.birth_date),
            domain::dates::format_vn(file.birth_date),
            ChangeKind::Identity,
        ));
        identity.birth_date = file.birth_date;
    }
    same!(ethnicity, Column::Ethnicity);
    same!(religion, Column::Religion);
    same!(citizen_id, Column::CitizenId);
    optional!(other_names, Column::OtherNames);
    optional!(birthplace, Column::Birthplace);
    optional!(hometown, Column::Hometown);
    optional!(phone, Column::Phone);
    optional!(party_card_number, Column::PartyCardNumber);
    optional!(ly_lich_number, Column::LyLichNumber);

    // Profile: the file's, from the import's day.
    let mut new_profile = None;
    if let Some(p) = &record.profile
        && profile != Some(p)
    {
        let before = profile.map(domain::member::ProfileInput::from_profile);
        let after = domain::member::ProfileInput::from_profile(p);
        let pairs = [
            (Column::GeneralEducation, before.as_ref().map(|b| b.general_education.clone()), after.general_education.clone()),
            (Column::Professional, before.as_ref().map(|b| b.professional.clone()), after.professional.clone()),
            (Column::AcademicTitle, before.as_ref().map(|b| b.academic_title.clone()), after.academic_title.clone()),
            (Column::PoliticalTheory, before.as_ref().map(|b| b.political_theory.clone()), after.political_theory.clone()),
            (Column::ForeignLanguage, before.as_ref().map(|b| b.foreign_language.clone()), after.foreign_language.clone()),
            (Column::ItLevel, before.as_ref().map(|b| b.it_level.clone()), after.it_level.clone()),
            (Column::Occupation, before.as_ref().map(|b| b.occupation.clone()), after.occupation.clone()),
            (Column::YouthUnion, before.as_ref().map(|b| b.youth_union.clone()), after.youth_union.clone()),
            (Column::Residence, before.as_ref().map(|b| b.residence.clone()), after.residence.clone()),
        ];
        for (column, b, a) in pairs {
            if b.as_deref() != Some(a.as_str()) {
                changes.push(change(column, b.unwrap_or_default(), a, ChangeKind::Profile));
            }
        }
        new_profile = Some(p.clone());
    }

    // The admission's dates: the latest admission's (the file's admission columns hold a
    // readmission), and a readmitted member's first decision.
    if let (Some(earlier), Some(first)) = (&record.earlier, history.first_admission())
        && earlier.first_decision != first
    {
        differences.push(change(Column::FirstAdmission, fmt(first), fmt(earlier.first_decision), ChangeKind::Kept));
    }
    if let Some(first) = history.probations.last() {
        if first.decided != record.decision {
            differences.push(change(Column::DecisionDate, fmt(first.decided), fmt(record.decision), ChangeKind::Kept));
        }
        if record.ceremony.is_some() && first.ceremony != record.ceremony {
            differences.push(change(Column::CeremonyDate, shown_date(first.ceremony), shown_date(record.ceremony), ChangeKind::Kept));
        }
        let recognized = first.recognized.map(|r| r.on);
        if recognized.is_some() && record.official.is_some() && recognized != record.official {
            differences.push(change(Column::OfficialDate, shown_date(recognized), shown_date(record.official), ChangeKind::Kept));
        }
    }

    // Standing: new events for what happened since the register was last told.
    let mut events = Vec::new();
    let last = history.spans.last();
    let reg_status = last.map(|s| s.status);
    let reg_unit = last.and_then(|s| s.unit.internal());
    let note = Some("Cập nhật từ tệp nạp.".to_owned());
    let event = |kind: EventKind, effective: NaiveDate| EventData { kind, effective, basis: None, note: note.clone() };
    match (reg_status, &record.status) {
        (Some(s), file_status) if s.is_active() && history.in_transit_to.is_none() => {
            if reg_unit != Some(placement.unit) {
                let on = record.unit_since.unwrap_or(today);
                changes.push(change(
                    Column::Unit,
                    reg_unit.map(|u| tree.path(u)).unwrap_or_default(),
                    tree.path(placement.unit),
                    ChangeKind::Event,
                ));
                events.push(event(EventKind::Reassigned { to: placement.unit }, on));
            }
            match file_status {
                RecordStatus::Official if s == Status::Probationary => {
                    if let Some(o) = record.official {
                        changes.push(change(Column::Status, s.label(), "Chính thức", ChangeKind::Event));
                        events.push(event(EventKind::RecognizedOfficial, o));
                    }
                }
                RecordStatus::Probationary if s != Status::Probationary => {
                    differences.push(change(Column::Status, s.label(), "Dự bị", ChangeKind::Kept));
                }
                RecordStatus::Exempt { since } if s != Status::Exempt => {
                    changes.push(change(Column::Status, s.label(), "Miễn sinh hoạt", ChangeKind::Event));
                    events.push(event(EventKind::Exempted, since.unwrap_or(today)));
                }
                RecordStatus::Official | RecordStatus::Probationary if s == Status::Exempt => {
                    changes.push(change(Column::Status, s.label(), "Thôi miễn sinh hoạt", ChangeKind::Event));
                    events.push(event(
                        EventKind::ExemptionEnded,
                        record.unit_since.filter(|d| last.is_some_and(|l| *d > l.from)).unwrap_or(today),
                    ));
                }
                RecordStatus::Left { departure, on, destination } => {
                    let kind = match departure {
                        Departure::TransferredOut => EventKind::TransferredOut {
                            mode: TransferMode::Official,
                            from: reg_unit.unwrap_or(placement.unit),
                            to: domain::event::UnitRef::External(destination.clone().unwrap_or_else(|| "Không rõ (theo tệp nạp)".into())),
                        },
                        Departure::Died => EventKind::Died,
                        Departure::Exited => EventKind::Exited { difficult_family: false },
                        Departure::StruckOff => EventKind::StruckOff { reason: domain::event::StrikeOffReason::Other },
                        Departure::Expelled => EventKind::Expelled,
                    };
                    changes.push(change(Column::Status, s.label(), departure_label(*departure), ChangeKind::Event));
                    events.push(event(kind, *on));
                }
                _ => {}
            }
        }
        (s, file_status) => {
            let file_label = match file_status {
                RecordStatus::Probationary => "Dự bị",
                RecordStatus::Official => "Chính thức",
                RecordStatus::Exempt { .. } => "Miễn sinh hoạt",
                RecordStatus::Left { departure, .. } => departure_label(*departure),
            };
            let same = matches!(
                (s, file_status),
                (Some(Status::Deceased), RecordStatus::Left { departure: Departure::Died, .. })
                    | (Some(Status::TransferredOut), RecordStatus::Left { departure: Departure::TransferredOut, .. })
                    | (Some(Status::Exited), RecordStatus::Left { departure: Departure::Exited, .. })
                    | (Some(Status::StruckOff), RecordStatus::Left { departure: Departure::StruckOff, .. })
                    | (Some(Status::Expelled), RecordStatus::Left { departure: Departure::Expelled, .. })
            );
            if !same {
                differences.push(change(Column::Status, s.map(|x| x.label()).unwrap_or_default(), file_label, ChangeKind::Kept));
            }
        }
    }
    if !events.is_empty() {
        let h = history::derive(&as_recorded(existing, &events), units);
        let first_new = existing.iter().map(|e| e.id.0).max().unwrap_or(0) + 1;
        let ids: Vec<EventId> = (0..events.len() as i64).map(|i| EventId(first_new + i)).collect();
        let problems = history::new_entry_problems(&h, &ids);
        if !problems.is_empty() {
            return MemberAction::Refused { errors: problems.into_iter().map(|p| LineError::row(p.code, p.message)).collect() };
        }
    }
    if changes.is_empty() && differences.is_empty() {
        return MemberAction::Unchanged { member: member.id };
    }
    if accept && !changes.is_empty() {
        let identity_changed = changes.iter().any(|c| c.kind == ChangeKind::Identity);
        updates.push(Update {
            member: member.id,
            version: member.version,
            identity: identity_changed.then_some(identity),
            profile: new_profile,
            events,
        });
    }
    MemberAction::Update { member: member.id, changes, differences, accepted: accept }
}

fn departure_label(d: Departure) -> &'static str {
    match d {
        Departure::TransferredOut => "Đã chuyển đi",
        Departure::Died => "Từ trần",
        Departure::Exited => "Ra khỏi Đảng",
        Departure::StruckOff => "Xóa tên",
        Departure::Expelled => "Khai trừ",
    }
}

fn fmt(d: NaiveDate) -> String {
    domain::dates::format_vn(d)
}

fn shown_date(d: Option<NaiveDate>) -> String {
    d.map(fmt).unwrap_or_default()
}
