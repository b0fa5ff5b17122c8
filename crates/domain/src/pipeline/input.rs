//! A step or a candidate as typed into a form or sent to the API, parsed into the pipeline's
//! values with every problem under its field; and refusals as field errors.

use super::*;

/// A step as typed into a form or sent to the API; which fields matter depends on `kind`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct StepInput {
    /// One of the [`StepKind`] codes.
    pub kind: String,
    /// Date of the document (dd/mm/yyyy or yyyy-mm-dd).
    pub on: String,
    /// Number of a resolution or certificate.
    pub number: String,
    /// Free text: to whom a verification went, its result, a note, the reason for closing.
    pub text: String,
    /// Verification result: "co"/"true" when clear.
    pub clear: String,
    /// Introduction mode (an [`IntroductionMode`] code).
    pub mode: String,
    pub resolution_on: String,
    /// An introducer within the caller's scope: their member id.
    pub introducer1_member_id: String,
    /// An introducer of another organization: full name and party card number, both.
    pub introducer1_name: String,
    pub introducer1_card: String,
    pub introducer1_on: String,
    pub introducer1_since: String,
    pub introducer1_together: String,
    pub introducer2_member_id: String,
    pub introducer2_name: String,
    pub introducer2_card: String,
    pub introducer2_on: String,
    pub introducer2_since: String,
    pub introducer2_together: String,
    pub official_members: String,
    pub present: String,
    pub in_favour: String,
    pub against: String,
    /// A [`RecognitionProposal`] code.
    pub proposal: String,
    pub decision_number: String,
    pub decision_date: String,
    pub issuer: String,
    pub signer: String,
}

fn together(raw: &str) -> Result<Together, FieldError> {
    match raw.trim() {
        "cong-tac" | "work" => Ok(Together::Work),
        "hoc-tap" | "study" => Ok(Together::Study),
        "cu-tru" | "residence" => Ok(Together::Residence),
        _ => Err(FieldError::new("", "unknown_value", "Chọn cùng công tác, cùng học tập hoặc cùng cư trú.")),
    }
}

fn count(e: &mut ValidationErrors, field: &str, raw: &str, label: &str) -> Option<u32> {
    let v = raw.trim().parse::<u32>().ok().filter(|v| *v <= 100_000);
    if v.is_none() {
        e.push(field, "invalid_number", format!("{label} phải là số nguyên không âm."));
    }
    v
}

impl StepInput {
    pub fn parse(&self) -> Result<StepData, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let Some(kind) = e.take("kind", StepKind::parse(&self.kind)) else {
            return Err(e);
        };
        let date = |e: &mut ValidationErrors, field: &str, raw: &str| e.take(field, parse_date(raw));
        let text = |e: &mut ValidationErrors, field: &str, raw: &str, label: &str| e.take(field, text::required_lines(raw, 1000, label));
        let vote = |e: &mut ValidationErrors| -> Option<ChiBoVote> {
            let on = date(e, "on", &self.on);
            let official = count(e, "official_members", &self.official_members, "Số đảng viên chính thức");
            let present = count(e, "present", &self.present, "Số có mặt");
            let yes = count(e, "in_favour", &self.in_favour, "Số tán thành");
            let no = count(e, "against", &self.against, "Số không tán thành");
            Some(ChiBoVote { on: on?, official_members: official?, present: present?, in_favour: yes?, against: no? })
        };
        let basis = |e: &mut ValidationErrors| -> Option<(LegalBasis, String)> {
            let number = e.take("decision_number", DecisionNumber::parse(&self.decision_number));
            let d = date(e, "decision_date", &self.decision_date);
            let issuer = e.take("issuer", text::required_text(&self.issuer, 200, "Cơ quan ban hành"));
            let signer = e.take("signer", text::required_text(&self.signer, 200, "Người ký"));
            Some((LegalBasis { number: number?, date: d?, issuer: issuer? }, signer?))
        };
        let number = |e: &mut ValidationErrors| e.take("number", text::required_text(&self.number, 40, "Số văn bản"));
        let data = match kind {
            StepKind::Application => date(&mut e, "on", &self.on).map(|on| StepData::Application { on }),
            StepKind::Autobiography => date(&mut e, "on", &self.on).map(|on| StepData::Autobiography { on }),
            StepKind::VerificationRequest => {
                let on = date(&mut e, "on", &self.on);
                let to = text(&mut e, "text", &self.text, "Nơi gửi thẩm tra");
                on.zip(to).map(|(on, to)| StepData::VerificationRequest { on, to })
            }
            StepKind::VerificationResult => {
                let on = date(&mut e, "on", &self.on);
                let clear = e.take("clear", crate::member::parse_yes_no(&self.clear));
                let summary = text(&mut e, "text", &self.text, "Kết luận thẩm tra");
                match (on, clear, summary) {
                    (Some(on), Some(clear), Some(summary)) => Some(StepData::VerificationResult { on, clear, summary }),
                    _ => None,
                }
            }
            StepKind::Introduction => self.parse_introduction(&mut e),
            StepKind::Opinions => date(&mut e, "on", &self.on).map(|on| StepData::Opinions { on }),
            StepKind::DocumentsRenewed => date(&mut e, "on", &self.on).map(|on| StepData::DocumentsRenewed { on }),
            StepKind::ChiBoVote => vote(&mut e).map(|vote| StepData::ChiBoVote { vote }),
            StepKind::GrassrootsResolution => {
                let on = date(&mut e, "on", &self.on);
                on.zip(number(&mut e)).map(|(on, number)| StepData::GrassrootsResolution { on, number })
            }
            StepKind::Extension => {
                let on = date(&mut e, "on", &self.on);
                let note = text(&mut e, "text", &self.text, "Lý do gia hạn");
                on.zip(note).map(|(on, note)| StepData::Extension { on, note })
            }
            StepKind::Decision => basis(&mut e).map(|(basis, signer)| StepData::Decision { basis, signer }),
            StepKind::DecisionReceived => date(&mut e, "on", &self.on).map(|on| StepData::DecisionReceived { on }),
            StepKind::Ceremony => date(&mut e, "on", &self.on).map(|on| StepData::Ceremony { on }),
            StepKind::NewMemberClass => {
                let on = date(&mut e, "on", &self.on);
                on.zip(number(&mut e)).map(|(on, number)| StepData::NewMemberClass { on, number })
            }
            StepKind::SelfReview => date(&mut e, "on", &self.on).map(|on| StepData::SelfReview { on }),
            StepKind::HelperComment => date(&mut e, "on", &self.on).map(|on| StepData::HelperComment { on }),
            StepKind::ProbationOpinions => date(&mut e, "on", &self.on).map(|on| StepData::ProbationOpinions { on }),
            StepKind::RecognitionVote => {
                let v = vote(&mut e);
                let p = e.take("proposal", RecognitionProposal::parse(&self.proposal));
                v.zip(p).map(|(vote, proposal)| StepData::RecognitionVote { vote, proposal })
            }
            StepKind::RecognitionResolution => {
                let on = date(&mut e, "on", &self.on);
                on.zip(number(&mut e)).map(|(on, number)| StepData::RecognitionResolution { on, number })
            }
            StepKind::RecognitionDecision => basis(&mut e).map(|(basis, signer)| StepData::RecognitionDecision { basis, signer }),
            StepKind::StrikeOffDecision => basis(&mut e).map(|(basis, signer)| StepData::StrikeOffDecision { basis, signer }),
            StepKind::Closed => {
                let on = date(&mut e, "on", &self.on);
                let reason = text(&mut e, "text", &self.text, "Lý do");
                on.zip(reason).map(|(on, reason)| StepData::Closed { on, reason })
            }
        };
        match data {
            Some(d) if e.is_empty() => Ok(d),
            _ => {
                if e.is_empty() {
                    e.push("kind", "invalid", "Dữ liệu của bước không hợp lệ.");
                }
                Err(e)
            }
        }
    }

    fn parse_introduction(&self, e: &mut ValidationErrors) -> Option<StepData> {
        let mode = e.take("mode", IntroductionMode::parse(&self.mode))?;
        let resolution_on = if mode == IntroductionMode::TwoMembers || self.resolution_on.trim().is_empty() {
            None
        } else {
            Some(e.take("resolution_on", parse_date(&self.resolution_on))?)
        };
        if mode != IntroductionMode::TwoMembers && resolution_on.is_none() {
            e.push("resolution_on", "required", "Nhập ngày nghị quyết giới thiệu của Ban Chấp hành.");
        }
        let slots = [
            IntroducerSlot {
                n: 1,
                member_id: &self.introducer1_member_id,
                name: &self.introducer1_name,
                card: &self.introducer1_card,
                on: &self.introducer1_on,
                since: &self.introducer1_since,
                together: &self.introducer1_together,
            },
            IntroducerSlot {
                n: 2,
                member_id: &self.introducer2_member_id,
                name: &self.introducer2_name,
                card: &self.introducer2_card,
                on: &self.introducer2_on,
                since: &self.introducer2_since,
                together: &self.introducer2_together,
            },
        ];
        let wanted = if mode == IntroductionMode::TwoMembers { 2 } else { 1 };
        let mut introducers = Vec::new();
        for slot in slots.into_iter().take(wanted) {
            let f = |name: &str| format!("introducer{}_{name}", slot.n);
            let who = slot.who(e);
            let on = e.take(&f("on"), parse_date(slot.on));
            let since = e.take(&f("since"), parse_date(slot.since));
            let tog = e.take(&f("together"), together(slot.together));
            if let (Some(who), Some(introduced_on), Some(together_since), Some(together)) = (who, on, since, tog) {
                introducers.push(IntroducerRef { who, introduced_on, together_since, together });
            }
        }
        (introducers.len() == wanted && e.is_empty()).then_some(StepData::Introduction { mode, resolution_on, introducers })
    }
}

/// The fields of one introducer as typed.
struct IntroducerSlot<'a> {
    n: usize,
    member_id: &'a str,
    name: &'a str,
    card: &'a str,
    on: &'a str,
    since: &'a str,
    together: &'a str,
}

impl IntroducerSlot<'_> {
    /// A member id, or a full name with a party card number (both), never a mix.
    fn who(&self, e: &mut ValidationErrors) -> Option<IntroducerId> {
        let n = self.n;
        let f = |name: &str| format!("introducer{n}_{name}");
        let by_card = !(self.name.trim().is_empty() && self.card.trim().is_empty());
        if !self.member_id.trim().is_empty() {
            if by_card {
                e.push(&f("member_id"), "ambiguous", "Chọn đảng viên theo mã số hoặc nhập họ tên và số thẻ, không cả hai.");
                return None;
            }
            return match self.member_id.trim().parse::<i64>() {
                Ok(v) if v > 0 => Some(IntroducerId::Member { member: MemberId(v) }),
                _ => {
                    e.push(&f("member_id"), "invalid_format", "Mã số đảng viên là một số nguyên dương.");
                    None
                }
            };
        }
        if !by_card {
            e.push(
                &f("member_id"),
                "required",
                format!("Chọn đảng viên giới thiệu thứ {n}; người ở tổ chức khác thì nhập họ tên và số thẻ đảng viên."),
            );
            return None;
        }
        let name = e.take(&f("name"), crate::text::PersonName::parse(self.name));
        let card = e.take(&f("card"), PartyCardNumber::parse(self.card));
        Some(IntroducerId::Card { full_name: name?.as_str().to_owned(), party_card_number: card? })
    }
}

/// A candidate as typed into the form or sent to the API.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CandidateInput {
    #[serde(flatten)]
    pub identity: IdentityInput,
    #[serde(flatten)]
    pub profile: ProfileInput,
    pub unit_id: String,
    /// A [`CandidateSource`] code.
    pub source: String,
    /// A [`TargetGroup`] code, or empty (students are found from the occupation).
    pub target_group: String,
    pub helper_member_id: String,
    pub tasks: String,
    pub certificate_number: String,
    pub certificate_date: String,
    pub certificate_issuer: String,
    /// `vung-kho-khan`, `gia-lang` or empty.
    pub education_exception: String,
    pub province_consent_on: String,
    pub former_member_id: String,
    pub record_expunged_on: String,
    pub readmission_barred: String,
    pub note: String,
}

fn opt_date(e: &mut ValidationErrors, field: &str, raw: &str) -> Option<NaiveDate> {
    if raw.trim().is_empty() { None } else { e.take(field, parse_date(raw)) }
}

fn opt_member(e: &mut ValidationErrors, field: &str, raw: &str) -> Option<MemberId> {
    if raw.trim().is_empty() {
        return None;
    }
    match raw.trim().parse::<i64>() {
        Ok(v) if v > 0 => Some(MemberId(v)),
        _ => {
            e.push(field, "invalid_format", "Mã số đảng viên không hợp lệ.");
            None
        }
    }
}

impl CandidateInput {
    /// Parses every field, collecting all problems; `today` refuses future dates.
    pub fn parse(&self, today: NaiveDate) -> Result<Candidate, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let identity = self.identity.parse_candidate(today).map_err(|x| e.errors.extend(x.errors)).ok();
        let profile = self.profile.parse().map_err(|x| e.errors.extend(x.errors)).ok();
        let unit = if self.unit_id.trim().is_empty() {
            e.push("unit_id", "required", "Chọn chi bộ theo dõi quần chúng.");
            None
        } else {
            e.take("unit_id", crate::event::parse_unit_id(&self.unit_id))
        };
        let source = e.take("source", CandidateSource::parse(&self.source));
        let target_group =
            if self.target_group.trim().is_empty() { None } else { e.take("target_group", TargetGroup::parse(&self.target_group)) };
        let helper = opt_member(&mut e, "helper_member_id", &self.helper_member_id);
        let tasks = e.take("tasks", text::optional_lines(&self.tasks, 2000, "Nhiệm vụ được giao")).flatten();
        let any_cert = [&self.certificate_number, &self.certificate_date, &self.certificate_issuer].iter().any(|s| !s.trim().is_empty());
        let certificate = if any_cert {
            let number = e.take("certificate_number", text::required_text(&self.certificate_number, 40, "Số giấy chứng nhận"));
            let issued_on = e.take("certificate_date", parse_date(&self.certificate_date));
            let issuer = e.take("certificate_issuer", text::required_text(&self.certificate_issuer, 200, "Nơi cấp giấy chứng nhận"));
            if issued_on.is_some_and(|d| d > today) {
                e.push("certificate_date", "in_future", "Ngày cấp giấy chứng nhận không được sau hôm nay.");
            }
            match (number, issued_on, issuer) {
                (Some(number), Some(issued_on), Some(issuer)) => Some(Certificate { number, issued_on, issuer }),
                _ => None,
            }
        } else {
            None
        };
        let education_exception = match self.education_exception.trim() {
            "" => None,
            "vung-kho-khan" => Some(EducationException::DisadvantagedArea),
            "gia-lang" => Some(EducationException::VillageElder),
            _ => {
                e.push("education_exception", "unknown_value", "Trường hợp ngoại lệ về trình độ không có trong danh mục.");
                None
            }
        };
        let province_consent_on = opt_date(&mut e, "province_consent_on", &self.province_consent_on);
        let former_member = opt_member(&mut e, "former_member_id", &self.former_member_id);
        let record_expunged_on = opt_date(&mut e, "record_expunged_on", &self.record_expunged_on);
        let readmission_barred = if self.readmission_barred.trim().is_empty() {
            Some(false)
        } else {
            e.take("readmission_barred", crate::member::parse_yes_no(&self.readmission_barred))
        };
        let note = e.take("note", text::optional_lines(&self.note, 2000, "Ghi chú")).flatten();
        match (identity, profile, unit, source, readmission_barred) {
            (Some(identity), Some(profile), Some(unit), Some(source), Some(readmission_barred)) if e.is_empty() => {
                let target_group = target_group.or_else(|| default_target_group(&profile));
                Ok(Candidate {
                    unit,
                    identity,
                    profile,
                    source,
                    target_group,
                    helper,
                    tasks,
                    certificate,
                    education_exception,
                    province_consent_on,
                    former_member,
                    record_expunged_on,
                    readmission_barred,
                    note,
                })
            }
            _ => Err(e),
        }
    }

    /// The form filled with a stored candidate (for editing).
    pub fn from_candidate(c: &Candidate) -> Self {
        CandidateInput {
            identity: IdentityInput::from_identity(&c.identity),
            profile: ProfileInput::from_profile(&c.profile),
            unit_id: c.unit.0.to_string(),
            source: c.source.code().to_owned(),
            target_group: c.target_group.map(|g| g.code().to_owned()).unwrap_or_default(),
            helper_member_id: c.helper.map(|m| m.0.to_string()).unwrap_or_default(),
            tasks: c.tasks.clone().unwrap_or_default(),
            certificate_number: c.certificate.as_ref().map(|x| x.number.clone()).unwrap_or_default(),
            certificate_date: c.certificate.as_ref().map(|x| format_vn(x.issued_on)).unwrap_or_default(),
            certificate_issuer: c.certificate.as_ref().map(|x| x.issuer.clone()).unwrap_or_default(),
            education_exception: match c.education_exception {
                None => String::new(),
                Some(EducationException::DisadvantagedArea) => "vung-kho-khan".into(),
                Some(EducationException::VillageElder) => "gia-lang".into(),
            },
            province_consent_on: c.province_consent_on.map(format_vn).unwrap_or_default(),
            former_member_id: c.former_member.map(|m| m.0.to_string()).unwrap_or_default(),
            record_expunged_on: c.record_expunged_on.map(format_vn).unwrap_or_default(),
            readmission_barred: if c.readmission_barred { "co".into() } else { String::new() },
            note: c.note.clone().unwrap_or_default(),
        }
    }
}

/// Turns blockers into the validation errors every write returns.
pub fn blockers_to_errors(blockers: &[Blocker]) -> ValidationErrors {
    let mut e = ValidationErrors::default();
    for b in blockers {
        e.push("step", b.code, format!("{} (Căn cứ: {})", b.message, b.source));
    }
    e
}
