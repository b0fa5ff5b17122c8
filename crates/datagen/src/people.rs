//! Members: identity, dated profiles and a valid history (rules.md §2–§5, §12), drawn one at a
//! time so that millions can be generated in chunks.
//!
//! A history starts with an admission in the member's chi bộ (or, for wartime admissions, members
//! of the army and arrivals from other provinces, an admission elsewhere followed by a transfer in),
//! continues with recognition exactly 12 months later (rules.md §3), and may include internal
//! transfers, exemption of the elderly, and one ending: death, striking off, exit, expulsion, a
//! transfer out of the province, or a transfer still in transit today. Members of a chi bộ closed
//! by the 2025 reorganization are reassigned to its successor on the day it closes.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use domain::dates::{add_months, age_in_years, sub_months};
use domain::event::{Entry, EventData, EventKind, RecordedEvent, StrikeOffReason, TransferMode, UnitRef};
use domain::history::{self, PROBATION_MONTHS, READMISSION_MIN_MONTHS_OUT};
use domain::ids::{CitizenId, EventId, LyLichNumber, MemberId, PartyCardNumber, PhoneNumber};
use domain::member::{
    AcademicTitle, DatedProfile, Ethnicity, ForeignLanguageLevel, Gender, GeneralEducation, Identity, ItLevel, OccupationGroup,
    PoliticalTheory, Professional, Profile, Religion,
};
use domain::text::PersonName;
use domain::unit::LegalBasis;
use rand::Rng;
use rand::rngs::StdRng;
use storage::{BulkMember, StoreError};

use crate::names::{self, Weighted};
use crate::origin::{Admitting, origin};
use crate::tree::{Category, Tree};
use crate::{basis, field_error};

/// CCCD province code of the invented province (an unassigned code, so it never clashes with a
/// real one); other members were born elsewhere (001 Hà Nội, 079 TP. Hồ Chí Minh, …).
const HOME_CCCD: u32 = 97;
const OTHER_CCCD: &[u32] = &[1, 79, 40, 38, 31, 48, 46, 36, 34, 42, 44, 45, 33, 35, 37, 22, 24, 26, 27, 30];
/// Lý lịch codes: the province's own, then others once a million numbers are used.
const LY_LICH_CODES: &[&str] = &["LG", "HN", "HCM", "NA", "TH", "HP", "DNG", "QN"];
const PHONE_PREFIXES: &[&str] = &[
    "090", "091", "093", "094", "096", "097", "098", "032", "033", "034", "035", "036", "037", "038", "039", "081", "082", "083", "084",
    "085", "086", "088", "089",
];
const OTHER_PROVINCES: &[&str] = &[
    "Nghệ An",
    "Thanh Hóa",
    "Hà Tĩnh",
    "Quảng Trị",
    "Ninh Bình",
    "Hưng Yên",
    "Phú Thọ",
    "Lâm Đồng",
    "Đồng Nai",
    "Cần Thơ",
    "Hà Nội",
    "Thành phố Hồ Chí Minh",
];

/// Draws members one by one; owns the counters that keep identifiers unique.
pub(crate) struct People<'t> {
    tree: &'t Tree,
    today: NaiveDate,
    recorded_at: DateTime<Utc>,
    family: Weighted<&'static str>,
    ethnicity: Weighted<Ethnicity>,
    religion: Weighted<Religion>,
    cccd_serials: HashMap<u32, u32>,
    next_event: i64,
}

impl<'t> People<'t> {
    pub(crate) fn new(tree: &'t Tree, today: NaiveDate, recorded_at: DateTime<Utc>, first_event: i64) -> Self {
        People {
            tree,
            today,
            recorded_at,
            family: Weighted::new(names::FAMILY_NAMES),
            ethnicity: Weighted::new(names::ETHNICITIES),
            religion: Weighted::new(names::RELIGIONS),
            cccd_serials: HashMap::new(),
            next_event: first_event,
        }
    }

    /// The `index`-th member (0-based), with id `id`.
    pub(crate) fn member(&mut self, rng: &mut StdRng, index: usize, id: MemberId) -> Result<BulkMember, StoreError> {
        let today = self.today;
        // Admission: most in the last 30 years, some going back to 1960.
        let back_days = match rng.random_range(0..100) {
            0..45 => rng.random_range(0..15 * 365),
            45..75 => rng.random_range(15 * 365..30 * 365),
            75..95 => rng.random_range(30 * 365..45 * 365),
            _ => rng.random_range(45 * 365..64 * 365),
        };
        let admitted = today - Duration::days(back_days);
        // Age at admission: 18–45, mostly 20–35.
        let age_months = match rng.random_range(0..100) {
            0..12 => rng.random_range(18 * 12..20 * 12),
            12..87 => rng.random_range(20 * 12..35 * 12),
            _ => rng.random_range(35 * 12..45 * 12),
        };
        let birth = sub_months(admitted, age_months) - Duration::days(rng.random_range(0..28));
        let male_share = match admitted.year() {
            ..1990 => 0.68,
            1990..2010 => 0.58,
            _ => 0.5,
        };
        let gender = if rng.random_bool(male_share) { Gender::Male } else { Gender::Female };
        let ethnicity = self.ethnicity.pick(rng);
        let religion = match ethnicity {
            Ethnicity::KhoMe if rng.random_bool(0.8) => Religion::Buddhism,
            Ethnicity::Hoa if rng.random_bool(0.4) => Religion::Buddhism,
            _ => self.religion.pick(rng),
        };
        let name = names::full_name(rng, &self.family, gender, birth.year(), ethnicity);
        let death = self.death_date(rng, birth, gender, admitted);

        let home = self.tree.placement.pick(rng);
        let mut life =
            Life { tree: self.tree, today, events: Vec::new(), admissions: Vec::new(), cur: None, last: home, recognized: false };
        let end = self.history(rng, &mut life, home, admitted, birth, death)?;

        let cell = &self.tree.cells[life.last];
        let locality = self.tree.localities.get(cell.locality).cloned();
        let profiles = self.profiles(rng, birth, gender, admitted, end, cell.category, locality.clone());
        let identity = Identity {
            full_name: PersonName::parse(&name).map_err(field_error("full_name"))?,
            other_names: None,
            gender,
            birth_date: birth,
            birthplace: locality.clone(),
            hometown: locality,
            ethnicity,
            religion,
            citizen_id: self.citizen_id(rng, gender, birth)?,
            phone: if rng.random_bool(0.85) {
                let p = PHONE_PREFIXES[rng.random_range(0..PHONE_PREFIXES.len())];
                Some(PhoneNumber::parse(&format!("{p}{:07}", rng.random_range(0..10_000_000))).map_err(field_error("phone"))?)
            } else {
                None
            },
            party_card_number: if life.recognized {
                let serial = (index as u64 * 48_271 + 13_579_113) % 100_000_000;
                Some(PartyCardNumber::parse(&format!("{serial:08}")).map_err(field_error("party_card_number"))?)
            } else {
                None
            },
            ly_lich_number: {
                let serial = ((index % 1_000_000) as u64 * 7_919 + 271_828) % 1_000_000;
                let code = LY_LICH_CODES[(index / 1_000_000) % LY_LICH_CODES.len()];
                Some(LyLichNumber::parse(&format!("{serial:06}{code}")).map_err(field_error("ly_lich_number"))?)
            },
        };
        for a in &life.admissions {
            let event = &mut life.events[a.event];
            let drawn = origin(&Admitting {
                seed: index as u64,
                on: event.effective,
                birth,
                gender,
                profile: profile_on(&profiles, event.effective),
                category: a.cell.map(|c| self.tree.cells[c].category),
            });
            if let EventKind::Admitted { origin, .. } | EventKind::Readmitted { origin, .. } = &mut event.kind {
                *origin = drawn;
            }
        }
        let events = life
            .events
            .into_iter()
            .map(|data| {
                self.next_event += 1;
                RecordedEvent {
                    id: EventId(self.next_event),
                    entry: Entry::Event(data),
                    corrects: None,
                    correction_reason: None,
                    recorded_at: self.recorded_at,
                    recorded_by: crate::RECORDED_BY.to_string(),
                }
            })
            .collect();
        Ok(BulkMember { id, identity, profiles, events })
    }

    /// Death date, if before today and after the admission: lifespans around 73 (men) and 79 (women).
    fn death_date(&self, rng: &mut StdRng, birth: NaiveDate, gender: Gender, admitted: NaiveDate) -> Option<NaiveDate> {
        let mean = if gender == Gender::Male { 73 * 12 } else { 79 * 12 };
        let spread: u32 = (0..3).map(|_| rng.random_range(0..120u32)).sum();
        let months = (mean + spread).saturating_sub(180);
        let death = add_months(birth, months) + Duration::days(rng.random_range(0..28));
        (death <= self.today && death > admitted + Duration::days(60)).then_some(death)
    }

    /// Writes the member's events into `life`; returns the day the member left the register
    /// (or today).
    fn history(
        &self,
        rng: &mut StdRng,
        life: &mut Life<'_>,
        home: usize,
        admitted: NaiveDate,
        birth: NaiveDate,
        mut death: Option<NaiveDate>,
    ) -> Result<NaiveDate, StoreError> {
        let today = self.today;
        let tree = self.tree;
        // The chi bộ holds the ceremony a few weeks after the decision (within 30 working days
        // of receiving it); probation runs 12 months from the ceremony (rules.md §3). The delay
        // is read off the birth date so that the random stream stays as it was.
        let ceremony = ceremony_after(admitted, birth);
        let probation_end = history::probation_end(ceremony);
        let home_from = tree.cells[home].from;
        let arrival = if admitted < home_from || rng.random_bool(0.04) {
            let lower = home_from.max(add_months(admitted, PROBATION_MONTHS + 1));
            let span = if admitted < home_from { 365 } else { (today - lower).num_days() };
            let t = lower + Duration::days(rng.random_range(0..span.max(1)));
            (t <= today - Duration::days(7)).then_some(t)
        } else {
            None
        };
        let start;
        if let Some(t) = arrival {
            // Admitted elsewhere (the army in wartime, another province), then arrives here.
            if death.is_some_and(|d| d <= t) {
                death = None;
            }
            let army = admitted.year() < 1990 && rng.random_bool(0.6);
            let (org, issuer) = if army {
                let r = rng.random_range(1..60) * 2 + 1;
                (
                    format!("Chi bộ Đại đội {}, Tiểu đoàn {}, Trung đoàn {r}", rng.random_range(1..12), rng.random_range(1..9)),
                    format!("Ban Thường vụ Đảng ủy Trung đoàn {r}"),
                )
            } else {
                let p = OTHER_PROVINCES[rng.random_range(0..OTHER_PROVINCES.len())];
                (
                    format!("Chi bộ thôn {}, tỉnh {p}", rng.random_range(1..20)),
                    format!("Ban Thường vụ Huyện ủy {}, tỉnh {p}", names::place(rng)),
                )
            };
            let b = basis(&format!("{}-QĐ/ĐU", rng.random_range(1..400)), admitted, &issuer)?;
            life.admit(EventKind::Admitted { unit: UnitRef::External(org), origin: Default::default() }, admitted, Some(b.clone()), None);
            life.push(EventKind::Ceremony, ceremony, None);
            let rb = basis(&format!("{}-QĐ/ĐU", rng.random_range(1..400)), probation_end, &issuer)?;
            life.push(EventKind::RecognizedOfficial, probation_end, Some(rb));
            life.recognized = true;
            let cell = life.cell_on(home, t);
            let from_province = if army {
                "Cục Chính trị Quân khu 4".to_string()
            } else {
                format!("Ban Tổ chức Tỉnh ủy {}", OTHER_PROVINCES[rng.random_range(0..OTHER_PROVINCES.len())])
            };
            let letter = basis(&format!("{}/GGT", rng.random_range(1..900)), t - Duration::days(rng.random_range(3..25)), &from_province)?;
            life.push(EventKind::TransferredIn { mode: TransferMode::Official, unit: tree.cells[cell].id }, t, Some(letter));
            life.cur = Some(cell);
            life.last = cell;
            start = t;
        } else {
            let cell = life.cell_on(home, admitted);
            life.cur = Some(cell);
            life.last = cell;
            let b = life.decision(rng, "Ban Thường vụ", admitted)?;
            let kind = EventKind::Admitted { unit: UnitRef::Internal(tree.cells[cell].id), origin: Default::default() };
            life.admit(kind, admitted, Some(b), Some(cell));
            if ceremony <= today {
                life.push(EventKind::Ceremony, ceremony, None);
            }
            if let Some(d) = death.filter(|d| *d <= probation_end) {
                life.died(d);
                return Ok(d);
            }
            if probation_end > today {
                life.advance(today)?;
                return Ok(today);
            }
            if rng.random_bool(0.015) {
                // Not recognized: struck off after the chi bộ's review (rules.md §3).
                let on = probation_end + Duration::days(rng.random_range(10..50));
                if on <= today {
                    life.advance(on)?;
                    let b = life.decision(rng, "Ban Thường vụ", on)?;
                    life.push(EventKind::StruckOff { reason: StrikeOffReason::ProbationNotQualified }, on, Some(b));
                    life.cur = None;
                    return Ok(on);
                }
            }
            life.advance(probation_end)?;
            let b = life.decision(rng, "Ban Thường vụ", probation_end)?;
            life.push(EventKind::RecognizedOfficial, probation_end, Some(b));
            life.recognized = true;
            start = probation_end;
        }

        // The ending of this membership, if any.
        let random_date = |rng: &mut StdRng, from: NaiveDate| -> Option<NaiveDate> {
            let days = (today - from).num_days();
            (days > 31).then(|| from + Duration::days(rng.random_range(31..days)))
        };
        let ending = match rng.random_range(0..1000) {
            0..25 => random_date(rng, start).map(|d| (Ending::StruckOff, d)),
            25..29 => random_date(rng, start).map(|d| (Ending::Exited, d)),
            29..32 => random_date(rng, start).map(|d| (Ending::Expelled, d)),
            32..75 => random_date(rng, start).map(|d| (Ending::TransferredAway, d)),
            75..79 => Some((Ending::InTransit, today - Duration::days(rng.random_range(1..25)))).filter(|(_, d)| *d > start),
            _ => None,
        };
        let ending = match (ending, death) {
            (Some((_, d)), Some(dd)) if dd <= d => Some((Ending::Died, dd)),
            (None, Some(dd)) => Some((Ending::Died, dd)),
            (e, _) => e,
        };
        let limit = ending.map_or(today, |(_, d)| d);

        // In between: an internal transfer, an exemption for the elderly.
        let mut transfer = None;
        if rng.random_bool(0.10) {
            transfer = self.plan_transfer(rng, start, limit);
        }
        let mut exemption = None;
        let seventy = add_months(birth, 70 * 12);
        if rng.random_bool(0.35) {
            let on = seventy.max(start + Duration::days(30)) + Duration::days(rng.random_range(0..8 * 365));
            let on = match transfer {
                Some((out, inn, _)) if on >= out && on <= inn => inn + Duration::days(1),
                _ => on,
            };
            if on < limit && on <= today {
                exemption = Some(on);
            }
        }
        let mut steps: Vec<(NaiveDate, u8)> = Vec::with_capacity(2);
        if let Some((out, _, _)) = transfer {
            steps.push((out, 0));
        }
        if let Some(on) = exemption {
            steps.push((on, 1));
        }
        steps.sort();
        for (on, what) in steps {
            if what == 1 {
                life.advance(on)?;
                let cell = life.cur.unwrap_or(life.last);
                let b = basis(&format!("{}-NQ/CB", rng.random_range(1..60)), on, &tree.cells[cell].name)?;
                life.push(EventKind::Exempted, on, Some(b));
            } else if let Some((out, inn, target)) = transfer {
                life.advance(out)?;
                let cur = life.cur.unwrap_or(life.last);
                if cur == target {
                    continue;
                }
                let letter = life.decision_letter(rng, out)?;
                let dest = tree.uppers[tree.cells[target].upper_on(out)].id;
                life.push(
                    EventKind::TransferredOut { mode: TransferMode::Official, from: tree.cells[cur].id, to: UnitRef::Internal(dest) },
                    out,
                    Some(letter.clone()),
                );
                life.cur = None;
                life.push(EventKind::TransferredIn { mode: TransferMode::Official, unit: tree.cells[target].id }, inn, Some(letter));
                life.cur = Some(target);
                life.last = target;
            }
        }

        let Some((ending, on)) = ending else {
            life.advance(today)?;
            return Ok(today);
        };
        life.advance(on)?;
        let cur = life.cur.unwrap_or(life.last);
        match ending {
            Ending::Died => {
                life.died(on);
                return Ok(on);
            }
            Ending::TransferredAway => {
                let p = OTHER_PROVINCES[rng.random_range(0..OTHER_PROVINCES.len())];
                let letter = life.decision_letter(rng, on)?;
                life.push(
                    EventKind::TransferredOut {
                        mode: TransferMode::Official,
                        from: tree.cells[cur].id,
                        to: UnitRef::External(format!("Đảng bộ tỉnh {p}")),
                    },
                    on,
                    Some(letter),
                );
                return Ok(on);
            }
            Ending::InTransit => {
                let target = (0..5).map(|_| life.cell_on(tree.placement.pick(rng), on)).find(|t| *t != cur && tree.cells[*t].exists_on(on));
                if let Some(target) = target {
                    let letter = life.decision_letter(rng, on)?;
                    let dest = tree.uppers[tree.cells[target].upper_on(on)].id;
                    life.push(
                        EventKind::TransferredOut { mode: TransferMode::Official, from: tree.cells[cur].id, to: UnitRef::Internal(dest) },
                        on,
                        Some(letter),
                    );
                    life.cur = None;
                }
                return Ok(today);
            }
            Ending::StruckOff | Ending::Exited | Ending::Expelled => {}
        }
        let b = life.decision(rng, "Ban Thường vụ", on)?;
        let readmittable = match ending {
            Ending::StruckOff => {
                let reasons = [
                    StrikeOffReason::AbandonedActivities,
                    StrikeOffReason::UnpaidDues,
                    StrikeOffReason::DecliningWill,
                    StrikeOffReason::ViolatedTwoYears,
                    StrikeOffReason::ReturnedCard,
                    StrikeOffReason::Other,
                ];
                let reason = reasons[rng.random_range(0..reasons.len())];
                life.push(EventKind::StruckOff { reason }, on, Some(b));
                reason != StrikeOffReason::AbandonedActivities
            }
            Ending::Exited => {
                let difficult_family = rng.random_bool(0.2);
                life.push(EventKind::Exited { difficult_family }, on, Some(b));
                difficult_family
            }
            _ => {
                life.push(EventKind::Expelled, on, Some(b));
                true
            }
        };
        life.cur = None;
        // Rarely readmitted, at least 36 months later (294-QĐ/TW point 3.5), once.
        let back = add_months(on, READMISSION_MIN_MONTHS_OUT + rng.random_range(1..48));
        if !readmittable || !rng.random_bool(0.12) || back > today - Duration::days(14) || death.is_some_and(|d| d <= back) {
            return Ok(on);
        }
        let cell = life.cell_on(life.last, back);
        if !tree.cells[cell].exists_on(back) {
            return Ok(on);
        }
        life.cur = Some(cell);
        life.last = cell;
        let b = life.decision(rng, "Ban Thường vụ", back)?;
        life.admit(
            EventKind::Readmitted { unit: UnitRef::Internal(tree.cells[cell].id), origin: Default::default() },
            back,
            Some(b),
            Some(cell),
        );
        let ceremony = ceremony_after(back, birth);
        if ceremony <= today && death.is_none_or(|d| d > ceremony) {
            life.push(EventKind::Ceremony, ceremony, None);
        }
        let official = history::probation_end(ceremony);
        if let Some(d) = death.filter(|d| *d <= official.min(today)) {
            life.advance(d)?;
            life.died(d);
            return Ok(d);
        }
        if official <= today {
            life.advance(official)?;
            let b = life.decision(rng, "Ban Thường vụ", official)?;
            life.push(EventKind::RecognizedOfficial, official, Some(b));
            life.recognized = true;
        }
        if let Some(d) = death {
            life.advance(d)?;
            life.died(d);
            return Ok(d);
        }
        life.advance(today)?;
        Ok(today)
    }

    /// An internal transfer: out on a date, in 2–7 weeks later, into a chi bộ inside the committee
    /// named on the letter, both dates on the same side of the 2025 reorganization.
    fn plan_transfer(&self, rng: &mut StdRng, start: NaiveDate, limit: NaiveDate) -> Option<(NaiveDate, NaiveDate, usize)> {
        let tree = self.tree;
        let first = start + Duration::days(60);
        let days = (limit.min(self.today) - first).num_days() - 60;
        if days <= 0 {
            return None;
        }
        let mut out = first + Duration::days(rng.random_range(0..days));
        let mut inn = out + Duration::days(rng.random_range(14..50));
        let reorg = crate::tree::reorg_date();
        if out < reorg && inn >= reorg {
            out = reorg + Duration::days(rng.random_range(1..30));
            inn = out + Duration::days(rng.random_range(14..50));
        }
        if inn >= limit || inn > self.today {
            return None;
        }
        for _ in 0..4 {
            let mut t = tree.placement.pick(rng);
            while let (Some(end), Some(next)) = (tree.cells[t].to, tree.cells[t].successor) {
                if end > inn {
                    break;
                }
                t = next;
            }
            let c = &tree.cells[t];
            if c.exists_on(out) && c.exists_on(inn) && c.upper_on(out) == c.upper_on(inn) {
                return Some((out, inn, t));
            }
        }
        None
    }

    /// The dated profiles: at admission; a degree earned later for some; retirement at 60.
    #[allow(clippy::too_many_arguments)]
    fn profiles(
        &self,
        rng: &mut StdRng,
        birth: NaiveDate,
        gender: Gender,
        admitted: NaiveDate,
        end: NaiveDate,
        category: Category,
        residence: Option<String>,
    ) -> Vec<DatedProfile> {
        let age = age_in_years(birth, admitted);
        let young = birth.year() >= 1975;
        let pick = |rng: &mut StdRng, list: &[(u32, u32)]| -> u32 { names::pick(rng, list) };
        let general_education = match birth.year() {
            ..1960 => [GeneralEducation::LowerSecondary, GeneralEducation::UpperSecondary, GeneralEducation::Primary]
                [pick(rng, &[(0, 50), (1, 35), (2, 15)]) as usize],
            1960..1975 => [GeneralEducation::UpperSecondary, GeneralEducation::LowerSecondary][pick(rng, &[(0, 75), (1, 25)]) as usize],
            _ => [GeneralEducation::UpperSecondary, GeneralEducation::LowerSecondary][pick(rng, &[(0, 97), (1, 3)]) as usize],
        };
        use Professional as P;
        let levels = [P::None, P::Elementary, P::Intermediate, P::College, P::University, P::Master];
        let weights: &[(u32, u32)] = match (category, young) {
            (Category::Village, false) => &[(0, 50), (1, 25), (2, 20), (3, 3), (4, 2)],
            (Category::Village, true) => &[(0, 25), (1, 15), (2, 20), (3, 15), (4, 24), (5, 1)],
            (Category::Enterprise, _) => &[(1, 30), (2, 25), (3, 15), (4, 28), (5, 2)],
            (Category::Military | Category::Police, _) => &[(2, 30), (3, 10), (4, 55), (5, 5)],
            (_, false) => &[(2, 35), (3, 15), (4, 45), (5, 5)],
            (_, true) => &[(2, 8), (3, 12), (4, 65), (5, 15)],
        };
        let professional = levels[pick(rng, weights) as usize];
        let theory = [
            PoliticalTheory::None,
            PoliticalTheory::Elementary,
            PoliticalTheory::Intermediate,
            PoliticalTheory::Advanced,
            PoliticalTheory::Bachelor,
        ];
        let political_theory = theory[pick(
            rng,
            match category {
                Category::Village => &[(0, 25), (1, 70), (2, 5)],
                Category::Agency | Category::Military | Category::Police => &[(1, 45), (2, 40), (3, 10), (4, 5)],
                _ => &[(0, 10), (1, 70), (2, 20)],
            },
        ) as usize];
        let foreign_language = if young {
            [
                ForeignLanguageLevel::None,
                ForeignLanguageLevel::CertB,
                ForeignLanguageLevel::Level2,
                ForeignLanguageLevel::Level3,
                ForeignLanguageLevel::Level4,
            ][pick(rng, &[(0, 20), (1, 20), (2, 15), (3, 35), (4, 10)]) as usize]
        } else {
            [ForeignLanguageLevel::None, ForeignLanguageLevel::CertA, ForeignLanguageLevel::CertB]
                [pick(rng, &[(0, 70), (1, 15), (2, 15)]) as usize]
        };
        let it_level = if young {
            [ItLevel::None, ItLevel::CertB, ItLevel::Basic, ItLevel::Advanced, ItLevel::Degree]
                [pick(rng, &[(0, 10), (1, 20), (2, 50), (3, 10), (4, 10)]) as usize]
        } else {
            [ItLevel::None, ItLevel::CertA, ItLevel::CertB][pick(rng, &[(0, 70), (1, 15), (2, 15)]) as usize]
        };
        use OccupationGroup as O;
        let occupation = match category {
            Category::Village if age < 22 && rng.random_bool(0.5) => O::UniversityStudent,
            Category::Village => {
                [O::Agriculture, O::VillageStaff, O::Other, O::EnterpriseWorker][pick(rng, &[(0, 50), (1, 20), (2, 20), (3, 10)]) as usize]
            }
            Category::School | Category::Health => O::PublicServiceEmployee,
            Category::Agency => {
                [O::CommuneCadre, O::StateCivilServant, O::PartyFrontCivilServant][pick(rng, &[(0, 40), (1, 30), (2, 30)]) as usize]
            }
            Category::Military | Category::Police => O::ArmedForces,
            Category::Enterprise => {
                [O::EnterpriseManager, O::EnterpriseStaff, O::EnterpriseWorker][pick(rng, &[(0, 10), (1, 40), (2, 50)]) as usize]
            }
        };
        let academic_title = if professional == P::Master && category == Category::Health && rng.random_bool(0.05) {
            AcademicTitle::AssociateProfessor
        } else {
            AcademicTitle::None
        };
        let first = Profile {
            general_education,
            professional,
            academic_title,
            political_theory,
            foreign_language,
            it_level,
            occupation,
            youth_union: age < 30 && rng.random_bool(0.9),
            residence,
        };
        let mut out = Vec::with_capacity(2);
        let last = end.min(self.today);
        let retire = add_months(birth, if gender == Gender::Male { 60 * 12 } else { 55 * 12 });
        // A degree earned while a member (in-service university courses).
        if professional < P::University && age < 40 && rng.random_bool(0.12) {
            let on = add_months(admitted, rng.random_range(24..96));
            if on < last && on < retire {
                let mut p = first.clone();
                p.professional = P::University;
                p.youth_union = false;
                out.push(DatedProfile { valid_from: Some(on), profile: p });
            }
        }
        out.insert(0, DatedProfile { valid_from: Some(admitted), profile: first });
        if retire > admitted && retire < last {
            let mut p = out.last().map(|d| d.profile.clone()).unwrap_or_else(|| out[0].profile.clone());
            p.occupation = O::Retired;
            p.youth_union = false;
            out.push(DatedProfile { valid_from: Some(retire), profile: p });
        }
        out
    }

    /// A unique 12-digit CCCD: 3-digit province code, gender/century digit, 2-digit birth year,
    /// then a 6-digit serial unique within that prefix.
    fn citizen_id(&mut self, rng: &mut StdRng, gender: Gender, birth: NaiveDate) -> Result<CitizenId, StoreError> {
        let province = if rng.random_bool(0.85) { HOME_CCCD } else { OTHER_CCCD[rng.random_range(0..OTHER_CCCD.len())] };
        let century = if birth.year() >= 2000 { 2 } else { 0 };
        let digit = century + u32::from(gender == Gender::Female);
        let year = birth.year().rem_euclid(100) as u32;
        let prefix = province * 1000 + digit * 100 + year;
        let count = self.cccd_serials.entry(prefix).or_insert(0);
        let serial = (u64::from(*count) * 7_919 + u64::from(prefix) * 104_729) % 1_000_000;
        *count += 1;
        CitizenId::parse(&format!("{province:03}{digit}{year:02}{serial:06}")).map_err(field_error("citizen_id"))
    }
}

/// An admission or readmission among a member's events: its position, and the chi bộ it was
/// decided in (`None`: outside the province).
struct AdmissionAt {
    event: usize,
    cell: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ending {
    Died,
    StruckOff,
    Exited,
    Expelled,
    TransferredAway,
    InTransit,
}

/// One member's events in the making, and where the member is.
struct Life<'t> {
    tree: &'t Tree,
    today: NaiveDate,
    events: Vec<EventData>,
    /// The admission and readmission events, whose origin is drawn once the profiles are known.
    admissions: Vec<AdmissionAt>,
    /// The chi bộ the member is active in (`None`: out, in transit, or elsewhere).
    cur: Option<usize>,
    /// The last chi bộ the member belonged to.
    last: usize,
    recognized: bool,
}

impl Life<'_> {
    fn push(&mut self, kind: EventKind, effective: NaiveDate, basis: Option<LegalBasis>) {
        self.events.push(EventData { kind, effective, basis, note: None });
    }

    /// An admission or readmission `kind` decided in chi bộ `cell` (`None`: outside the province).
    fn admit(&mut self, kind: EventKind, effective: NaiveDate, basis: Option<LegalBasis>, cell: Option<usize>) {
        self.admissions.push(AdmissionAt { event: self.events.len(), cell });
        self.push(kind, effective, basis);
    }

    fn died(&mut self, on: NaiveDate) {
        self.push(EventKind::Died, on, None);
        self.cur = None;
    }

    /// The chi bộ that `cell` has become by `on` (following the successors of closed cells).
    fn cell_on(&self, mut cell: usize, on: NaiveDate) -> usize {
        while let (Some(end), Some(next)) = (self.tree.cells[cell].to, self.tree.cells[cell].successor) {
            if end > on {
                break;
            }
            cell = next;
        }
        cell
    }

    /// Reassigns an active member whose chi bộ closes on or before `on` to its successor, on the
    /// day it closes, under the reorganization decision.
    fn advance(&mut self, on: NaiveDate) -> Result<(), StoreError> {
        let on = on.min(self.today);
        while let Some(cur) = self.cur {
            let c = &self.tree.cells[cur];
            let (Some(end), Some(next)) = (c.to, c.successor) else { break };
            if end > on {
                break;
            }
            let b = self
                .tree
                .reorg_basis
                .clone()
                .ok_or_else(|| StoreError::invalid("members", "no_basis", "Thiếu quyết định sắp xếp tổ chức."))?;
            self.push(EventKind::Reassigned { to: self.tree.cells[next].id }, end, Some(b));
            self.cur = Some(next);
            self.last = next;
        }
        Ok(())
    }

    /// A decision of the superior committee of the member's chi bộ on `on`, dated `on`.
    fn decision(&self, rng: &mut StdRng, body: &str, on: NaiveDate) -> Result<LegalBasis, StoreError> {
        let cell = &self.tree.cells[self.cur.unwrap_or(self.last)];
        let upper = &self.tree.uppers[cell.upper_on(on)];
        basis(&format!("{}-QĐ/{}", rng.random_range(1..1000), upper.suffix), on, &format!("{body} {}", upper.name_on(on)))
    }

    /// A transfer letter (giấy giới thiệu) of the superior committee of the member's chi bộ.
    fn decision_letter(&self, rng: &mut StdRng, on: NaiveDate) -> Result<LegalBasis, StoreError> {
        let cell = &self.tree.cells[self.cur.unwrap_or(self.last)];
        let upper = &self.tree.uppers[cell.upper_on(on)];
        basis(&format!("{}/GGT", rng.random_range(1..1000)), on, &format!("{} {}", upper.office, upper.name_on(on)))
    }
}

/// The day of the admission ceremony after a decision: 10 to 44 days later, read off the birth
/// date (no draw from the random stream).
fn ceremony_after(decided: NaiveDate, birth: NaiveDate) -> NaiveDate {
    decided + Duration::days(10 + i64::from(birth.ordinal() % 35))
}

/// The profile in force on `on` (the first one when `on` is before them all).
fn profile_on(profiles: &[DatedProfile], on: NaiveDate) -> Option<&Profile> {
    profiles.iter().rev().find(|p| p.valid_from.is_none_or(|f| f <= on)).or(profiles.first()).map(|p| &p.profile)
}
