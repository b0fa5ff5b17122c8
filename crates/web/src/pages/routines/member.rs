//! `/members/{id}/party-work`: a member's discipline (with where each stands and what it holds
//! back), exemptions with their periods and renewals, party cards and badges, and for whoever
//! keeps them the forms that record each — a form appears only where posting it can succeed
//! (an exemption for an official member, a card's end for the card in use…).

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;

use domain::ValidationErrors;
use domain::access::Capability;
use domain::badges::{Circumstance, MILESTONES};
use domain::cards::{CardEnd, CardNumber, Issue, IssueKind, Series};
use domain::discipline::{Form as DisciplineForm, Interruption, Standing};
use domain::exemptions::{Exemption, Ground, Renewal};
use domain::history::Status;
use domain::ids::{DecisionNumber, MemberId};
use storage::{BadgeRow, DisciplineInput, verdict_words};

use super::{FormBlock, Posted, date_in, get, version_in};
use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::{Form, PathId, PathIds};
use crate::format;
use crate::forms::{self, Field, Section};
use crate::policy::{Policy, Route};
use crate::respond::{page, render, see_other};
use crate::session::Caller;

pub fn routes() -> Vec<Route> {
    let read = Policy::Needs(Capability::ReadRegister);
    vec![
        Route::get("/members/{id}/party-work", read, show),
        Route::post("/members/{id}/discipline", read, add_discipline),
        Route::post("/members/{id}/discipline/{item}/interruptions", read, add_interruption),
        Route::post("/members/{id}/discipline/{item}/lift", read, lift),
        Route::post("/members/{id}/exemptions", read, add_exemption),
        Route::post("/members/{id}/exemptions/{item}/renew", read, renew),
        Route::post("/members/{id}/exemptions/{item}/end", read, end_exemption),
        Route::post("/members/{id}/cards", read, issue_card),
        Route::post("/members/{id}/cards/{item}/end", read, end_card),
        Route::post("/members/{id}/badges", read, record_badge),
    ]
}

/// One recorded item (a discipline, an exemption, a card, a badge) with its actions.
pub(crate) struct Item {
    pub title: String,
    pub lines: Vec<String>,
    /// `(class, text)` of its standing.
    pub badge: Option<(&'static str, String)>,
    pub forms: Vec<FormBlock>,
}

#[derive(Template)]
#[template(path = "party_work.html")]
struct PartyWorkPage {
    chrome: Chrome,
    member: MemberId,
    name: String,
    status: String,
    restriction: Option<&'static str>,
    discipline: Vec<Item>,
    discipline_form: Option<FormBlock>,
    exemptions: Vec<Item>,
    exemption_form: Option<FormBlock>,
    cards: Vec<Item>,
    card_form: Option<FormBlock>,
    badges: Vec<Item>,
    badge_next: String,
    badge_form: Option<FormBlock>,
}

/// A standing as the item's badge: the registers' words and colours.
fn badge_of(cell: super::Cell) -> (&'static str, String) {
    (cell.class.unwrap_or("later"), cell.text)
}

fn standing_badge(s: Standing) -> (&'static str, String) {
    badge_of(super::discipline::standing_cell(s))
}

fn exemption_badge(s: domain::exemptions::Standing) -> (&'static str, String) {
    badge_of(super::exemptions::standing_cell(Some(s), None))
}

fn decision_field(prefix: &str, posted: Option<&Posted<'_>>, label: &'static str) -> Field {
    Field::text(format!("{prefix}decision"), label, &Posted::value(posted, prefix, "decision", "")).required()
}

async fn party_work_page(s: &Caller, chrome: Chrome, member: MemberId, posted: Option<Posted<'_>>) -> Result<PartyWorkPage, AppError> {
    let today = s.today();
    let detail = s.reader()?.member(member).await?;
    let name = detail.identity.full_name.to_string();
    let status = detail.history.spans.last().map(|sp| sp.status);
    let active = status.is_some_and(Status::is_active);
    let official = matches!(status, Some(Status::Official));
    let p = posted.as_ref();
    let v = |prefix: &str, name: &str| Posted::value(p, prefix, name, "");
    let refuse = |block: &mut FormBlock, prefix: &str| {
        if let Some(x) = p.filter(|x| x.prefix == prefix) {
            block.refused(&x.errors);
        }
    };

    // Discipline.
    let desk = s.discipline()?;
    let keeps_discipline = desk.may_record(member).await;
    let mut restriction = None;
    let mut discipline = Vec::new();
    for d in desk.member(member).await? {
        let id = d.row.id;
        if d.standing.in_force() && d.row.form.expires() {
            restriction = Some(domain::discipline::RESTRICTIONS);
        }
        let mut lines = vec![
            format!(
                "{}: quyết định số {} ngày {}, công bố ngày {}",
                d.row.body,
                d.row.decision,
                format::date(d.row.decided_on),
                format::date(d.row.announced_on)
            ),
            format!("Nội dung vi phạm: {}", d.row.reason),
        ];
        if let Some(post) = &d.row.post {
            lines.push(format!("Chức vụ bị cách: {post}"));
        }
        lines.extend(d.interruptions.iter().map(|i| format!("{} ngày {}: {}", i.kind.label(), format::date(i.on), i.note)));
        if let (Some(on), Some(dec)) = (d.row.lifted_on, &d.row.lift_decision) {
            lines.push(format!("Chấm dứt hiệu lực theo quyết định số {dec} ngày {}", format::date(on)));
        }
        let mut forms = Vec::new();
        let open_window = d.row.form.expires() && d.row.lifted_on.is_none();
        if keeps_discipline && open_window && today < domain::discipline::ends_on(d.row.announced_on) {
            let prefix = format!("kn{id}_");
            let mut block = FormBlock::new(
                "Ghi khiếu nại hoặc vi phạm mới trong thời hạn",
                format!("/members/{member}/discipline/{id}/interruptions"),
                "Ghi",
                vec![Section::new(
                    "",
                    vec![
                        Field::select(
                            format!("{prefix}kind"),
                            "Sự việc",
                            &v(&prefix, "kind"),
                            None,
                            forms::codes(Interruption::ALL, Interruption::code, Interruption::label),
                        ),
                        Field::date(format!("{prefix}on"), "Ngày", &v(&prefix, "on")).required(),
                        Field::text(format!("{prefix}note"), "Nội dung", &v(&prefix, "note")).required(),
                    ],
                )],
            )
            .at(d.row.version);
            refuse(&mut block, &prefix);
            forms.push(block);
        }
        if keeps_discipline && open_window && d.standing.in_force() {
            let prefix = format!("cd{id}_");
            let mut block = FormBlock::new(
                "Ghi quyết định chấm dứt hiệu lực",
                format!("/members/{member}/discipline/{id}/lift"),
                "Ghi quyết định",
                vec![Section::new(
                    "",
                    vec![
                        decision_field(&prefix, p, "Số quyết định (giải quyết khiếu nại, chấm dứt kỷ luật)"),
                        Field::date(format!("{prefix}on"), "Ngày chấm dứt hiệu lực", &v(&prefix, "on")).required(),
                    ],
                )],
            )
            .at(d.row.version);
            refuse(&mut block, &prefix);
            forms.push(block);
        }
        discipline.push(Item {
            title: format!("Kỷ luật {}", d.row.form.label().to_lowercase()),
            lines,
            badge: Some(standing_badge(d.standing)),
            forms,
        });
    }
    let discipline_form = (keeps_discipline && active).then(|| {
        let prefix = "kl_";
        let forms_allowed: &[DisciplineForm] =
            if status == Some(Status::Probationary) { &[DisciplineForm::Reprimand, DisciplineForm::Warning] } else { DisciplineForm::ALL };
        let mut block = FormBlock::new(
            "Ghi quyết định kỷ luật",
            format!("/members/{member}/discipline"),
            "Ghi quyết định kỷ luật",
            vec![Section::new(
                "",
                vec![
                    Field::select("kl_form", "Hình thức", &v(prefix, "form"), Some("— Chọn —"), forms_allowed.iter().map(|f| (f.code(), f.label())))
                        .required(),
                    Field::text("kl_body", "Cấp quyết định", &v(prefix, "body")).required().hint("Ví dụ: Chi bộ 1; Ban Thường vụ Đảng ủy xã."),
                    decision_field(prefix, p, "Số quyết định"),
                    Field::date("kl_decided_on", "Ngày quyết định", &v(prefix, "decided_on")).required(),
                    Field::date("kl_announced_on", "Ngày công bố", &v(prefix, "announced_on"))
                        .required()
                        .hint("Kỷ luật có hiệu lực từ ngày công bố; tự chấm dứt sau 12 tháng nếu không có khiếu nại hay vi phạm mới (trừ khai trừ)."),
                    Field::textarea("kl_reason", "Nội dung vi phạm", &v(prefix, "reason")),
                    Field::text("kl_post", "Chức vụ bị cách (khi cách chức)", &v(prefix, "post")),
                ],
            )
            .note("Khai trừ ghi luôn sự kiện “Khai trừ” vào sổ đảng viên từ ngày công bố.")],
        );
        refuse(&mut block, prefix);
        block
    });

    // Exemptions.
    let xdesk = s.exemptions()?;
    let keeps_exemptions = xdesk.may_keep(member).await;
    let mut exemptions = Vec::new();
    for x in xdesk.member(member).await? {
        let id = x.row.id;
        let mut lines = vec![
            format!("{} — nghị quyết chi bộ số {} ngày {}", x.row.ground.label(), x.row.resolution, format::date(x.row.resolved_on)),
            format!(
                "Từ {}{}",
                format::date(x.row.from),
                x.row.until.map(|u| format!(" đến {}", format::date(u))).unwrap_or_else(|| ", không thời hạn".into())
            ),
        ];
        lines.extend(x.renewals.iter().map(|r| {
            format!(
                "Gia hạn theo nghị quyết số {} ngày {}: đến {}",
                r.resolution,
                format::date(r.resolved_on),
                r.until.map(format::date).unwrap_or_else(|| "không thời hạn".into())
            )
        }));
        if let Some(end) = x.row.ended_on {
            lines.push(format!("Thôi miễn từ {}", format::date(end)));
        }
        let running = x.row.ended_on.is_none() && status == Some(Status::Exempt);
        let mut forms = Vec::new();
        if keeps_exemptions && running && x.row.until.is_some() {
            let prefix = format!("gh{id}_");
            let mut block = FormBlock::new(
                "Gia hạn",
                format!("/members/{member}/exemptions/{id}/renew"),
                "Gia hạn",
                vec![Section::new(
                    "",
                    vec![
                        Field::text(format!("{prefix}resolution"), "Số nghị quyết của chi bộ", &v(&prefix, "resolution")).required(),
                        Field::date(format!("{prefix}resolved_on"), "Ngày nghị quyết", &v(&prefix, "resolved_on")).required(),
                        Field::date(format!("{prefix}until"), "Miễn đến ngày", &v(&prefix, "until")).hint("Để trống: không thời hạn."),
                    ],
                )],
            )
            .at(x.row.version);
            refuse(&mut block, &prefix);
            forms.push(block);
        }
        if keeps_exemptions && running {
            let prefix = format!("tm{id}_");
            let mut block = FormBlock::new(
                "Thôi miễn sinh hoạt (đảng viên sinh hoạt trở lại)",
                format!("/members/{member}/exemptions/{id}/end"),
                "Ghi thôi miễn",
                vec![Section::new(
                    "",
                    vec![
                        Field::text(format!("{prefix}resolution"), "Số nghị quyết của chi bộ", &v(&prefix, "resolution")).required(),
                        Field::date(format!("{prefix}on"), "Sinh hoạt trở lại từ ngày", &v(&prefix, "on")).required(),
                    ],
                )],
            )
            .at(x.row.version);
            refuse(&mut block, &prefix);
            forms.push(block);
        }
        exemptions.push(Item {
            title: "Miễn công tác và sinh hoạt đảng".into(),
            lines,
            badge: x
                .standing
                .filter(|_| running)
                .map(exemption_badge)
                .or_else(|| x.row.ended_on.map(|_| ("ok", "Đã thôi miễn".to_string()))),
            forms,
        });
    }
    let exemption_form = (keeps_exemptions && official).then(|| {
        let prefix = "mien_";
        let mut block = FormBlock::new(
            "Ghi nghị quyết miễn công tác và sinh hoạt",
            format!("/members/{member}/exemptions"),
            "Ghi miễn sinh hoạt",
            vec![
                Section::new(
                    "",
                    vec![
                        Field::select(
                            "mien_ground",
                            "Lý do",
                            &v(prefix, "ground"),
                            Some("— Chọn —"),
                            forms::codes(Ground::ALL, Ground::code, Ground::label),
                        )
                        .required(),
                        Field::text("mien_resolution", "Số nghị quyết của chi bộ", &v(prefix, "resolution")).required(),
                        Field::date("mien_resolved_on", "Ngày nghị quyết", &v(prefix, "resolved_on")).required(),
                        Field::date("mien_from", "Miễn từ ngày", &v(prefix, "from")).required(),
                        Field::date("mien_until", "Miễn đến ngày", &v(prefix, "until"))
                            .hint("Theo nghị quyết; để trống nếu không thời hạn."),
                    ],
                )
                .note("Ghi luôn sự kiện “Miễn công tác và sinh hoạt đảng” vào sổ đảng viên (Quy định 24-QĐ/TW, điểm 7.1)."),
            ],
        );
        refuse(&mut block, prefix);
        block
    });

    // Cards.
    let cdesk = s.cards()?;
    let keeps_cards = cdesk.may_keep(member).await;
    let mut cards = Vec::new();
    let mut has_card = false;
    for c in cdesk.member(member).await? {
        let id = c.id;
        let mut lines = vec![format!(
            "{} · {} ngày {} · quyết định {}{}",
            c.series.label(),
            c.kind.label(),
            format::date(c.issued_on),
            c.decision,
            if c.round.is_empty() { String::new() } else { format!(" · {}", c.round) }
        )];
        if let (Some(on), Some(how)) = (c.ended_on, c.end) {
            lines.push(format!(
                "{} từ {}{}",
                how.label(),
                format::date(on),
                c.end_note.as_ref().filter(|n| !n.is_empty()).map(|n| format!(": {n}")).unwrap_or_default()
            ));
        }
        let in_use = c.ended_on.is_none();
        has_card |= in_use;
        let mut forms = Vec::new();
        if keeps_cards && in_use {
            let prefix = format!("tt{id}_");
            let ends: Vec<CardEnd> = match status {
                Some(Status::Deceased) => vec![CardEnd::KeptByFamily],
                Some(Status::Expelled | Status::StruckOff | Status::Exited) => vec![CardEnd::Returned],
                _ => vec![CardEnd::Lost, CardEnd::Damaged],
            };
            let mut block = FormBlock::new(
                "Thẻ thôi sử dụng (mất, hỏng, thu hồi)",
                format!("/members/{member}/cards/{id}/end"),
                "Ghi",
                vec![Section::new(
                    "",
                    vec![
                        Field::select(
                            format!("{prefix}how"),
                            "Trường hợp",
                            &v(&prefix, "how"),
                            None,
                            ends.iter().map(|e| (e.code(), e.label())),
                        ),
                        Field::date(format!("{prefix}on"), "Ngày", &v(&prefix, "on")).required(),
                        Field::text(format!("{prefix}note"), "Ghi chú (lý do)", &v(&prefix, "note")),
                    ],
                )],
            )
            .at(c.version);
            refuse(&mut block, &prefix);
            forms.push(block);
        }
        cards.push(Item {
            title: format!("Thẻ số {}", c.number.as_str()),
            lines,
            badge: Some(if in_use { ("ok", "Đang sử dụng".to_string()) } else { ("later", "Thôi sử dụng".to_string()) }),
            forms,
        });
    }
    let card_form = (keeps_cards && matches!(status, Some(Status::Official | Status::Exempt))).then(|| {
        let prefix = "the_";
        let kinds: Vec<IssueKind> = if has_card {
            vec![IssueKind::AfterLoss, IssueKind::AfterDamage, IssueKind::Renewal]
        } else {
            vec![IssueKind::New, IssueKind::AfterLoss]
        };
        let mut block = FormBlock::new(
            if has_card { "Cấp lại, đổi thẻ" } else { "Cấp thẻ đảng viên" },
            format!("/members/{member}/cards"),
            "Ghi cấp thẻ",
            vec![Section::new(
                "",
                vec![
                    Field::select("the_kind", "Lý do cấp", &v(prefix, "kind"), None, kinds.iter().map(|k| (k.code(), k.label()))),
                    Field::select(
                        "the_series",
                        "Loại thẻ",
                        &v(prefix, "series"),
                        None,
                        forms::codes(Series::ALL, Series::code, Series::label),
                    ),
                    Field::text("the_number", "Số thẻ", &v(prefix, "number")).required().hint("Thẻ mẫu 2003: 8 chữ số."),
                    Field::date("the_issued_on", "Ngày cấp", &v(prefix, "issued_on")).required(),
                    decision_field(prefix, p, "Số quyết định cấp thẻ"),
                    Field::text("the_round", "Đợt cấp", &v(prefix, "round")).hint("Ví dụ: Đợt 7/11/2026."),
                ],
            )],
        );
        refuse(&mut block, prefix);
        block
    });

    // Badges.
    let bdesk = s.badges()?;
    let held = bdesk.member(member).await?;
    let badges = held
        .iter()
        .map(|b| Item {
            title: format!("Huy hiệu {} năm tuổi Đảng", b.milestone),
            lines: vec![format!(
                "Trao tặng dịp {} · quyết định {} của {}{}",
                format::date(b.awarded_on),
                b.decision,
                b.issuer,
                if b.circumstance == Circumstance::Ordinary { String::new() } else { format!(" · {}", b.circumstance.label()) }
            )],
            badge: None,
            forms: Vec::new(),
        })
        .collect();
    let (day, award_on) = domain::badges::AwardDay::next(today);
    let badge_next = match bdesk.verdict(member, award_on).await {
        Ok(v) => format!("Đợt {} ({}): {}", day.label(), format::date(award_on), verdict_words(&v)),
        Err(_) => String::new(),
    };
    let badge_form = bdesk.may_keep_member(member).await.then(|| {
        let prefix = "hh_";
        let milestones: Vec<(String, String)> = MILESTONES.iter().map(|m| (m.to_string(), format!("{m} năm"))).collect();
        let mut block = FormBlock::new(
            "Ghi Huy hiệu đã được tặng trước đây",
            format!("/members/{member}/badges"),
            "Ghi huy hiệu",
            vec![Section::new(
                "",
                vec![
                    Field::select(
                        "hh_milestone",
                        "Mốc",
                        &v(prefix, "milestone"),
                        Some("— Chọn —"),
                        milestones.iter().map(|(a, b)| (a.as_str(), b.as_str())),
                    )
                    .required(),
                    Field::date("hh_awarded_on", "Ngày trao tặng", &v(prefix, "awarded_on")).required(),
                    decision_field(prefix, p, "Số quyết định"),
                    Field::text("hh_issuer", "Cấp quyết định", &v(prefix, "issuer")).required().hint("Ví dụ: Ban Thường vụ Tỉnh ủy."),
                ],
            )],
        );
        refuse(&mut block, prefix);
        block
    });

    Ok(PartyWorkPage {
        chrome: chrome.titled(format!("Huy hiệu, thẻ đảng, kỷ luật, miễn sinh hoạt: {name}")),
        member,
        name,
        status: status.map(|s| s.label().to_string()).unwrap_or_default(),
        restriction,
        discipline,
        discipline_form,
        exemptions,
        exemption_form,
        cards,
        card_form,
        badges,
        badge_next,
        badge_form,
    })
}

/// `GET /members/{id}/party-work`.
async fn show(s: Caller, chrome: Chrome, PathId(member): PathId<MemberId>) -> Result<Response, AppError> {
    page(&party_work_page(&s, chrome, member, None).await?)
}

/// Back to the page after a post, or the page again with the refused form unfolded.
async fn answer(
    s: Caller,
    chrome: Chrome,
    member: MemberId,
    prefix: &str,
    f: &[(String, String)],
    result: Result<(), storage::StoreError>,
) -> Result<Response, AppError> {
    let errors = match result {
        Ok(()) => return Ok(see_other(&format!("/members/{member}/party-work"))),
        Err(e) => match forms::refusal(e)? {
            forms::Refusal::Conflict { .. } => {
                ValidationErrors::single("", "conflict", "Thông tin vừa được người khác cập nhật; xem lại rồi ghi lại.")
            }
            forms::Refusal::Invalid(errors) => errors,
        },
    };
    let posted = Posted { prefix, fields: f, errors: forms::prefixed(errors, prefix) };
    render(StatusCode::UNPROCESSABLE_ENTITY, &party_work_page(&s, chrome, member, Some(posted)).await?)
}

fn invalid(e: ValidationErrors) -> Result<(), storage::StoreError> {
    Err(storage::StoreError::Invalid(e))
}

fn decision_in(e: &mut ValidationErrors, f: &[(String, String)], name: &str) -> Option<DecisionNumber> {
    match DecisionNumber::parse(get(f, name)) {
        Ok(n) => Some(n),
        Err(err) => {
            e.push(name.rsplit('_').next().unwrap_or(name), err.code, err.message);
            None
        }
    }
}

/// `POST /members/{id}/discipline`.
async fn add_discipline(
    s: Caller,
    chrome: Chrome,
    PathId(member): PathId<MemberId>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let desk = s.discipline()?;
    desk.require_record(member).await?;
    let mut e = ValidationErrors::default();
    let form = DisciplineForm::parse(get(&f, "kl_form")).map_err(|x| e.push("form", x.code, "Chọn hình thức kỷ luật.")).ok();
    let decision = decision_in(&mut e, &f, "kl_decision");
    let decided_on = date_in(&mut e, &f, "kl_decided_on", true);
    let announced_on = date_in(&mut e, &f, "kl_announced_on", true);
    let result = match (form, decision, decided_on, announced_on, e.errors.is_empty()) {
        (Some(form), Some(decision), Some(decided_on), Some(announced_on), true) => {
            let post = Some(get(&f, "kl_post").trim().to_owned()).filter(|p| !p.is_empty());
            let input = DisciplineInput {
                form,
                body: get(&f, "kl_body").to_owned(),
                decision,
                decided_on,
                announced_on,
                reason: get(&f, "kl_reason").to_owned(),
                post,
            };
            desk.record(member, input).await.map(|_| ())
        }
        _ => invalid(strip(e, "kl_")),
    };
    answer(s, chrome, member, "kl_", &f, result).await
}

/// Field names of errors found on the prefixed form, back to the use case's names.
fn strip(e: ValidationErrors, prefix: &str) -> ValidationErrors {
    ValidationErrors {
        errors: e
            .errors
            .into_iter()
            .map(|mut x| {
                if let Some(rest) = x.field.strip_prefix(prefix) {
                    x.field = rest.to_owned();
                }
                x
            })
            .collect(),
    }
}

/// `POST /members/{id}/discipline/{item}/interruptions`.
async fn add_interruption(
    s: Caller,
    chrome: Chrome,
    PathIds(member, id): PathIds<MemberId, i64>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let desk = s.discipline()?;
    desk.require_write_on(member, id).await?;
    let prefix = format!("kn{id}_");
    let version = version_in(&f)?;
    let mut e = ValidationErrors::default();
    let kind = Interruption::parse(get(&f, &format!("{prefix}kind"))).map_err(|x| e.push("kind", x.code, x.message)).ok();
    let on = date_in(&mut e, &f, &format!("{prefix}on"), true);
    let result = match (kind, on, e.errors.is_empty()) {
        (Some(kind), Some(on), true) => {
            desk.interruption(member, id, version, kind, on, get(&f, &format!("{prefix}note")).to_owned()).await
        }
        _ => invalid(strip(e, &prefix)),
    };
    answer(s, chrome, member, &prefix, &f, result).await
}

/// `POST /members/{id}/discipline/{item}/lift`.
async fn lift(
    s: Caller,
    chrome: Chrome,
    PathIds(member, id): PathIds<MemberId, i64>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let desk = s.discipline()?;
    desk.require_write_on(member, id).await?;
    let prefix = format!("cd{id}_");
    let version = version_in(&f)?;
    let mut e = ValidationErrors::default();
    let decision = decision_in(&mut e, &f, &format!("{prefix}decision"));
    let on = date_in(&mut e, &f, &format!("{prefix}on"), true);
    let result = match (decision, on, e.errors.is_empty()) {
        (Some(decision), Some(on), true) => desk.lift(member, id, version, on, decision).await,
        _ => invalid(strip(e, &prefix)),
    };
    answer(s, chrome, member, &prefix, &f, result).await
}

/// `POST /members/{id}/exemptions`.
async fn add_exemption(
    s: Caller,
    chrome: Chrome,
    PathId(member): PathId<MemberId>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let desk = s.exemptions()?;
    desk.require_keep(member).await?;
    let mut e = ValidationErrors::default();
    let ground = Ground::parse(get(&f, "mien_ground")).map_err(|x| e.push("ground", x.code, "Chọn lý do.")).ok();
    let resolved_on = date_in(&mut e, &f, "mien_resolved_on", true);
    let from = date_in(&mut e, &f, "mien_from", true);
    let until = date_in(&mut e, &f, "mien_until", false);
    let result = match (ground, resolved_on, from, e.errors.is_empty()) {
        (Some(ground), Some(resolved_on), Some(from), true) => {
            let x = Exemption { ground, resolved_on, resolution: get(&f, "mien_resolution").trim().to_owned(), from, until };
            desk.record(member, x).await.map(|_| ())
        }
        _ => invalid(strip(e, "mien_")),
    };
    answer(s, chrome, member, "mien_", &f, result).await
}

/// `POST /members/{id}/exemptions/{item}/renew`.
async fn renew(
    s: Caller,
    chrome: Chrome,
    PathIds(member, id): PathIds<MemberId, i64>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let desk = s.exemptions()?;
    desk.require_write_on(member, id).await?;
    let prefix = format!("gh{id}_");
    let version = version_in(&f)?;
    let mut e = ValidationErrors::default();
    let resolved_on = date_in(&mut e, &f, &format!("{prefix}resolved_on"), true);
    let until = date_in(&mut e, &f, &format!("{prefix}until"), false);
    let result = match (resolved_on, e.errors.is_empty()) {
        (Some(resolved_on), true) => {
            let r = Renewal { resolved_on, resolution: get(&f, &format!("{prefix}resolution")).trim().to_owned(), until };
            desk.renew(member, id, version, r).await
        }
        _ => invalid(strip(e, &prefix)),
    };
    answer(s, chrome, member, &prefix, &f, result).await
}

/// `POST /members/{id}/exemptions/{item}/end`.
async fn end_exemption(
    s: Caller,
    chrome: Chrome,
    PathIds(member, id): PathIds<MemberId, i64>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let desk = s.exemptions()?;
    desk.require_write_on(member, id).await?;
    let prefix = format!("tm{id}_");
    let version = version_in(&f)?;
    let mut e = ValidationErrors::default();
    let resolution = decision_in(&mut e, &f, &format!("{prefix}resolution"));
    let on = date_in(&mut e, &f, &format!("{prefix}on"), true);
    let result = match (resolution, on, e.errors.is_empty()) {
        (Some(resolution), Some(on), true) => desk.end(member, id, version, on, resolution).await,
        _ => invalid(strip(e, &prefix)),
    };
    answer(s, chrome, member, &prefix, &f, result).await
}

/// `POST /members/{id}/cards`.
async fn issue_card(
    s: Caller,
    chrome: Chrome,
    PathId(member): PathId<MemberId>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let desk = s.cards()?;
    desk.require_keep(member).await?;
    let settings = desk.settings();
    let mut e = ValidationErrors::default();
    let kind = IssueKind::parse(get(&f, "the_kind")).map_err(|x| e.push("kind", x.code, x.message)).ok();
    let series = Series::parse(get(&f, "the_series")).map_err(|x| e.push("series", x.code, x.message)).ok();
    let number = series.and_then(|series| {
        CardNumber::parse(series, get(&f, "the_number"), settings).map_err(|x| e.push("number", x.code, x.message)).ok()
    });
    let issued_on = date_in(&mut e, &f, "the_issued_on", true);
    let result = match (kind, series, number, issued_on, e.errors.is_empty()) {
        (Some(kind), Some(series), Some(number), Some(issued_on), true) => {
            let issue = Issue {
                series,
                number,
                kind,
                issued_on,
                decision: get(&f, "the_decision").trim().to_owned(),
                round: get(&f, "the_round").trim().to_owned(),
            };
            desk.issue(member, issue).await.map(|_| ())
        }
        _ => invalid(strip(e, "the_")),
    };
    answer(s, chrome, member, "the_", &f, result).await
}

/// `POST /members/{id}/cards/{item}/end`.
async fn end_card(
    s: Caller,
    chrome: Chrome,
    PathIds(member, id): PathIds<MemberId, i64>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let desk = s.cards()?;
    desk.require_write_on(member, id).await?;
    let prefix = format!("tt{id}_");
    let version = version_in(&f)?;
    let mut e = ValidationErrors::default();
    let how = CardEnd::parse(get(&f, &format!("{prefix}how"))).map_err(|x| e.push("how", x.code, x.message)).ok();
    let on = date_in(&mut e, &f, &format!("{prefix}on"), true);
    let result = match (how, on, e.errors.is_empty()) {
        (Some(how), Some(on), true) => desk.end(member, id, version, on, how, get(&f, &format!("{prefix}note")).to_owned()).await,
        _ => invalid(strip(e, &prefix)),
    };
    answer(s, chrome, member, &prefix, &f, result).await
}

/// `POST /members/{id}/badges`: a badge held from before the register kept them.
async fn record_badge(
    s: Caller,
    chrome: Chrome,
    PathId(member): PathId<MemberId>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let desk = s.badges()?;
    desk.require_keep_member(member).await?;
    let mut e = ValidationErrors::default();
    let milestone = get(&f, "hh_milestone").trim().parse::<u32>().ok().filter(|m| MILESTONES.contains(m));
    if milestone.is_none() {
        e.push("milestone", "required", "Chọn mốc huy hiệu.");
    }
    let decision = decision_in(&mut e, &f, "hh_decision");
    let awarded_on = date_in(&mut e, &f, "hh_awarded_on", true);
    let result = match (milestone, decision, awarded_on, e.errors.is_empty()) {
        (Some(milestone), Some(decision), Some(awarded_on), true) => {
            let badge = BadgeRow {
                id: 0,
                member,
                milestone,
                awarded_on,
                decision: decision.as_str().to_owned(),
                issuer: get(&f, "hh_issuer").trim().to_owned(),
                circumstance: Circumstance::Ordinary,
                list: None,
            };
            desk.record(member, badge).await.map(|_| ())
        }
        _ => invalid(strip(e, "hh_")),
    };
    answer(s, chrome, member, "hh_", &f, result).await
}
