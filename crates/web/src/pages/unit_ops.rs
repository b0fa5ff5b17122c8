//! Forms for the operations on units, each recorded with its decision: thành lập (a root or a
//! child unit), đổi tên, chuyển trực thuộc, sáp nhập / hợp nhất, chia tách, giải thể. The typed
//! values are parsed by [`crate::unit_input`], the same code as the API.
//!
//! Every form posts its values as a flat map (the split form has one select per child unit and
//! member), is shown again with inline errors and the typed values when refused, and on success
//! goes to the unit on the effective date.

use std::collections::HashMap;

use askama::Template;
use axum::response::Response;
use chrono::NaiveDate;
use domain::ValidationErrors;
use domain::event::parse_unit_id;
use domain::ids::{MemberId, UnitId};
use domain::unit::UnitKind;
use storage::{
    MemberQuery, MergeUnits, MoveUnit, NewUnit, RenameUnit, ScopeTarget, SplitUnit, StoreError, Successor, UnitDetail, UnitSummary,
};

use super::Link;
use crate::chrome::Chrome;
use crate::error::AppError;
use crate::extract::{Form, FromPathSegment, PathId, PathIds, Query};
use crate::format;
use crate::forms::{self, Field, Opt, Section, SummaryItem, attach_errors};
use crate::policy::{self, Policy, Route};
use crate::query::{AsOfParams, parse_as_of, parse_optional_unit};
use crate::respond::{page, render, see_other};
use crate::session::Caller;
use crate::unit_input::{DecisionInput, UnitSpecInput, merge_sources, merge_target, new_parent, rename_changes};
use domain::access::Capability;
use storage::access::Access;

/// Most members listed on the split form.
const SPLIT_MEMBERS: usize = 500;
/// A split creates two or three successors (the third may be left empty).
const SPLIT_SUCCESSORS: usize = 3;
const SUCCESSOR_LEGENDS: [&str; SPLIT_SUCCESSORS] =
    ["Tổ chức kế tiếp số 1", "Tổ chức kế tiếp số 2", "Tổ chức kế tiếp số 3 (không bắt buộc)"];

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/units/new", Policy::Needs(Capability::ManageUnits), root_form),
        Route::post("/units/new", Policy::Needs(Capability::ManageUnits), root_submit),
        Route::get("/units/{id}/children/new", Policy::Needs(Capability::ManageUnits), child_form),
        Route::post("/units/{id}/children/new", Policy::Needs(Capability::ManageUnits), child_submit),
        Route::get("/units/{id}/{op}", Policy::Needs(Capability::ManageUnits), op_form),
        Route::post("/units/{id}/{op}", Policy::Needs(Capability::ManageUnits), op_submit),
    ]
}

/// The form values as posted.
type Values = HashMap<String, String>;

fn val<'a>(v: &'a Values, key: &str) -> &'a str {
    v.get(key).map_or("", String::as_str)
}

/// An operation on units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    CreateRoot,
    CreateChild,
    Rename,
    Move,
    Merge,
    Split,
    Dissolve,
}

impl Op {
    /// The operations with a `/units/{id}/{slug}` form.
    const ON_UNIT: [Op; 5] = [Op::Rename, Op::Move, Op::Merge, Op::Split, Op::Dissolve];

    fn slug(self) -> &'static str {
        match self {
            Op::CreateRoot => "new",
            Op::CreateChild => "children/new",
            Op::Rename => "rename",
            Op::Move => "move",
            Op::Merge => "merge",
            Op::Split => "split",
            Op::Dissolve => "dissolve",
        }
    }

    fn heading(self) -> &'static str {
        match self {
            Op::CreateRoot => "Thành lập tỉnh ủy, thành ủy",
            Op::CreateChild => "Thành lập tổ chức trực thuộc",
            Op::Rename => "Đổi tên, mã hoặc loại tổ chức",
            Op::Move => "Chuyển trực thuộc",
            Op::Merge => "Sáp nhập vào tổ chức khác / hợp nhất",
            Op::Split => "Chia tách",
            Op::Dissolve => "Giải thể",
        }
    }

    fn submit(self) -> &'static str {
        match self {
            Op::CreateRoot | Op::CreateChild => "Ghi nhận thành lập",
            Op::Rename => "Ghi nhận đổi tên",
            Op::Move => "Ghi nhận chuyển trực thuộc",
            Op::Merge => "Ghi nhận sáp nhập, hợp nhất",
            Op::Split => "Ghi nhận chia tách",
            Op::Dissolve => "Ghi nhận giải thể",
        }
    }

    fn intro(self) -> &'static [&'static str] {
        match self {
            Op::CreateRoot => &["Tổ chức cao nhất của cây tổ chức, thành lập theo quyết định của cấp có thẩm quyền."],
            Op::CreateChild => &["Tổ chức mới trực thuộc tổ chức này từ ngày quyết định có hiệu lực."],
            Op::Rename => &[
                "Sửa những mục thay đổi theo quyết định; mục giữ nguyên thì không đổi. Tên, mã, loại mới áp dụng từ ngày có hiệu lực, lịch sử cũ vẫn được giữ.",
            ],
            Op::Move => {
                &["Tổ chức cùng các tổ chức trực thuộc và đảng viên chuyển sang trực thuộc tổ chức cấp trên mới từ ngày có hiệu lực."]
            }
            Op::Merge => &[
                "Các tổ chức trực thuộc và đảng viên của các tổ chức bị sáp nhập, hợp nhất chuyển sang tổ chức nhận; các tổ chức bị sáp nhập, hợp nhất chấm dứt hoạt động từ ngày có hiệu lực.",
                "Sáp nhập: chọn tổ chức nhận đã có (gõ tên hoặc mã). Hợp nhất: để trống ô đó và mô tả tổ chức mới được thành lập.",
            ],
            Op::Split => &[
                "Tổ chức này chấm dứt hoạt động từ ngày có hiệu lực; các tổ chức kế tiếp được thành lập và nhận các tổ chức trực thuộc, đảng viên theo lựa chọn ở từng dòng (mặc định tổ chức kế tiếp số 1).",
            ],
            Op::Dissolve => &[
                "Chỉ giải thể được tổ chức không còn tổ chức trực thuộc và không còn đảng viên sinh hoạt. Nếu còn, hệ thống sẽ từ chối và nêu lý do: hãy chuyển trực thuộc, sáp nhập hoặc chia tách trước.",
            ],
        }
    }

    /// Whether the form carries the unit's version (the store checks it).
    fn versioned(self) -> bool {
        matches!(self, Op::Rename | Op::Move | Op::Split)
    }

    fn action(self, unit: Option<UnitId>) -> String {
        match unit {
            Some(id) => format!("/units/{id}/{}", self.slug()),
            None => format!("/units/{}", self.slug()),
        }
    }
}

/// The links of the "Thao tác" section of a unit page (`suffix` keeps the date shown).
pub async fn links(s: &Caller, id: UnitId, suffix: &str) -> Vec<Link> {
    let mut out = Vec::new();
    for (pattern, link) in all_links(id, suffix) {
        if policy::may_open(s, pattern, Some(ScopeTarget::Unit(id))).await {
            out.push(link);
        }
    }
    out
}

/// Every operation on the unit: its route's pattern and its link.
fn all_links(id: UnitId, suffix: &str) -> Vec<(&'static str, Link)> {
    std::iter::once(Op::CreateChild)
        .chain(Op::ON_UNIT)
        .map(|op| {
            let pattern = if op == Op::CreateChild { "/units/{id}/children/new" } else { "/units/{id}/{op}" };
            (pattern, Link { href: format!("{}{suffix}", op.action(Some(id))), label: op.heading().to_owned() })
        })
        .collect()
}

/// Whether this person may establish a top-level unit: the route's policy and the unit
/// manager's rule (an administrator's scope).
pub async fn may_create_root(s: &Caller) -> bool {
    policy::may_open(s, "/units/new", None).await && s.unit_manager().is_ok_and(|m| m.may_create_root())
}

/// The unit page on a date.
fn unit_href(id: UnitId, on: NaiveDate) -> String {
    format!("/units/{id}{}", format::query_string(&[("as_of", &format::date(on))]))
}

// --- handlers --------------------------------------------------------------------------------

/// The operation a path names (`/units/{id}/rename`…); any other word is a 404.
impl FromPathSegment for Op {
    fn from_segment(segment: &str) -> Option<Op> {
        Op::ON_UNIT.into_iter().find(|op| op.slug() == segment)
    }
}

/// `GET /units/new`.
async fn root_form(s: Caller, chrome: Chrome, Query(q): Query<AsOfParams>) -> Result<Response, AppError> {
    if !may_create_root(&s).await {
        return Err(AppError::forbidden());
    }
    show(&s, chrome, Op::CreateRoot, None, &q.as_of).await
}

/// `POST /units/new`.
async fn root_submit(s: Caller, chrome: Chrome, Form(v): Form<Values>) -> Result<Response, AppError> {
    submit(&s, chrome, Op::CreateRoot, None, v).await
}

/// `GET /units/{id}/children/new`.
async fn child_form(s: Caller, chrome: Chrome, PathId(id): PathId<UnitId>, Query(q): Query<AsOfParams>) -> Result<Response, AppError> {
    show(&s, chrome, Op::CreateChild, Some(id), &q.as_of).await
}

/// `POST /units/{id}/children/new`.
async fn child_submit(s: Caller, chrome: Chrome, PathId(id): PathId<UnitId>, Form(v): Form<Values>) -> Result<Response, AppError> {
    submit(&s, chrome, Op::CreateChild, Some(id), v).await
}

/// `GET /units/{id}/{rename|move|merge|split|dissolve}`.
async fn op_form(
    s: Caller,
    chrome: Chrome,
    PathIds(id, op): PathIds<UnitId, Op>,
    Query(q): Query<AsOfParams>,
) -> Result<Response, AppError> {
    show(&s, chrome, op, Some(id), &q.as_of).await
}

/// `POST /units/{id}/{rename|move|merge|split|dissolve}`.
async fn op_submit(s: Caller, chrome: Chrome, PathIds(id, op): PathIds<UnitId, Op>, Form(v): Form<Values>) -> Result<Response, AppError> {
    submit(&s, chrome, op, Some(id), v).await
}

async fn load(s: &Access, unit: Option<UnitId>, on: NaiveDate) -> Result<Option<UnitDetail>, AppError> {
    match unit {
        Some(id) => Ok(Some(s.reader()?.unit(id, on).await?)),
        None => Ok(None),
    }
}

/// The unit as shown: its version on the form's date, or its last one.
fn shown(d: &UnitDetail) -> &UnitSummary {
    d.as_of.as_ref().unwrap_or(&d.latest)
}

/// The empty form (prefilled from the unit where that helps).
async fn show(s: &Access, chrome: Chrome, op: Op, unit: Option<UnitId>, as_of: &str) -> Result<Response, AppError> {
    let today = s.today();
    let date = parse_as_of(as_of, today).unwrap_or(today);
    let d = load(s, unit, date).await?;
    let mut v = prefill(op, d.as_ref());
    v.insert("as_of".into(), format::date(date));
    page(&view(s, chrome, op, d.as_ref(), &v, &ValidationErrors::default(), false).await?)
}

/// Records the operation; on success goes to the resulting unit on the effective date.
async fn submit(s: &Access, chrome: Chrome, op: Op, unit: Option<UnitId>, v: Values) -> Result<Response, AppError> {
    let today = s.today();
    let date = parse_as_of(val(&v, "as_of"), today).unwrap_or(today);
    let d = load(s, unit, date).await?;
    let err = match execute(s, op, unit, d.as_ref(), &v).await {
        Ok((id, on)) => return Ok(see_other(&unit_href(id, on))),
        Err(err) => err,
    };
    let refused = forms::refusal(err)?;
    let (status, conflict) = (refused.status(), refused.is_conflict());
    // After a conflict the form carries the version now stored.
    let d = if conflict { load(s, unit, date).await? } else { d };
    render(status, &view(s, chrome, op, d.as_ref(), &v, &refused.errors(), conflict).await?)
}

// --- parsing the form ------------------------------------------------------------------------

fn decision(v: &Values) -> DecisionInput {
    DecisionInput {
        effective_date: val(v, "effective_date").to_owned(),
        decision_number: val(v, "decision_number").to_owned(),
        decision_date: val(v, "decision_date").to_owned(),
        issuer: val(v, "issuer").to_owned(),
        note: val(v, "note").to_owned(),
    }
}

/// An optional unit id field: `None` when it does not parse (the error is recorded).
fn unit_field(e: &mut ValidationErrors, v: &Values, name: &str) -> Option<Option<i64>> {
    e.take(name, parse_optional_unit(val(v, name))).map(|u| u.map(|u| u.0))
}

/// A new unit typed under `prefix` (`target.`, `successors[0].`).
fn spec(e: &mut ValidationErrors, v: &Values, prefix: &str) -> UnitSpecInput {
    UnitSpecInput {
        kind: val(v, &format!("{prefix}kind")).to_owned(),
        code: val(v, &format!("{prefix}code")).to_owned(),
        name: val(v, &format!("{prefix}name")).to_owned(),
        parent_id: unit_field(e, v, &format!("{prefix}parent_id")).flatten(),
    }
}

fn version(e: &mut ValidationErrors, v: &Values) -> Option<i64> {
    let parsed = val(v, "version").trim().parse().ok();
    if parsed.is_none() {
        e.push("version", "required", "Thiếu phiên bản của bản ghi; hãy mở lại biểu mẫu từ trang tổ chức.");
    }
    parsed
}

/// The other units a merge takes in, each its own organization picker.
const SOURCE_LABELS: [&str; 3] = [
    "Tổ chức khác cùng sáp nhập, hợp nhất",
    "Tổ chức khác cùng sáp nhập, hợp nhất (thứ hai)",
    "Tổ chức khác cùng sáp nhập, hợp nhất (thứ ba)",
];

fn source_field(i: usize) -> String {
    format!("source_id_{}", i + 1)
}

/// Unit ids separated by commas, semicolons or spaces.
fn id_list(e: &mut ValidationErrors, field: &str, raw: &str) -> Vec<i64> {
    raw.split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .filter_map(|s| match parse_unit_id(s) {
            Ok(id) => Some(id.0),
            Err(_) => {
                e.push(field, "invalid_format", format!("Mã số tổ chức không hợp lệ: {s}."));
                None
            }
        })
        .collect()
}

/// The split's `child.{id}` / `member.{id}` selects: (id, successor index from 0).
fn assignments(e: &mut ValidationErrors, v: &Values, prefix: &str) -> Vec<(i64, usize)> {
    let mut out: Vec<(i64, usize)> = v
        .iter()
        .filter_map(|(k, x)| Some((k.strip_prefix(prefix)?.parse::<i64>().ok()?, x)))
        .filter_map(|(id, x)| match x.trim().parse::<usize>() {
            Ok(n) if (1..=SPLIT_SUCCESSORS).contains(&n) => Some((id, n - 1)),
            _ => {
                e.push("successors", "out_of_range", "Chọn tổ chức kế tiếp số 1, 2 hoặc 3 cho từng dòng.");
                None
            }
        })
        .collect();
    out.sort_unstable();
    out
}

/// A validated command, or the form's errors as the store would report them.
fn parsed<T>(e: ValidationErrors, value: Option<T>) -> Result<T, StoreError> {
    match value {
        Some(v) if e.is_empty() => Ok(v),
        _ => Err(StoreError::Invalid(e)),
    }
}

/// Parses the form and performs the operation: the unit to show next and from which date.
async fn execute(s: &Access, op: Op, unit: Option<UnitId>, d: Option<&UnitDetail>, v: &Values) -> Result<(UnitId, NaiveDate), StoreError> {
    let mut e = ValidationErrors::default();
    let decision = decision(v).parse(&mut e);
    let id = || unit.ok_or(StoreError::NotFound);
    match (op, d) {
        (Op::CreateRoot | Op::CreateChild, _) => {
            let input = UnitSpecInput {
                kind: val(v, "kind").to_owned(),
                code: val(v, "code").to_owned(),
                name: val(v, "name").to_owned(),
                parent_id: unit.map(|u| u.0),
            };
            let spec = input.parse(&mut e, "");
            let new = parsed(e, spec.zip(decision).map(|(spec, decision)| NewUnit { spec, decision }))?;
            let on = new.decision.effective;
            Ok((s.unit_manager()?.create_unit(new).await?, on))
        }
        (Op::Rename, Some(d)) => {
            let current = shown(d);
            let changed = |key: &str, now: &str| Some(val(v, key)).filter(|typed| typed.trim() != now);
            let (name, code, kind) = rename_changes(
                &mut e,
                changed("name", &current.name),
                changed("code", &current.code),
                changed("kind", current.kind.code()),
            );
            let expected_version = version(&mut e, v);
            let change = parsed(
                e,
                expected_version.zip(decision).map(|(expected_version, decision)| RenameUnit {
                    expected_version,
                    name,
                    code,
                    kind,
                    decision,
                }),
            )?;
            let on = change.decision.effective;
            s.unit_manager()?.rename_unit(id()?, change).await?;
            Ok((id()?, on))
        }
        (Op::Move, _) => {
            let parent = unit_field(&mut e, v, "parent_id").and_then(|p| new_parent(&mut e, p));
            let expected_version = version(&mut e, v);
            let change = parsed(
                e,
                expected_version.zip(parent).zip(decision).map(|((expected_version, parent), decision)| MoveUnit {
                    expected_version,
                    parent,
                    decision,
                }),
            )?;
            let on = change.decision.effective;
            s.unit_manager()?.move_unit(id()?, change).await?;
            Ok((id()?, on))
        }
        (Op::Merge, _) => {
            let mut ids = vec![id()?.0];
            ids.extend((0..SOURCE_LABELS.len()).filter_map(|i| unit_field(&mut e, v, &source_field(i)).flatten()));
            // Ids typed in one field, as earlier versions of the form sent them.
            ids.extend(id_list(&mut e, "source_ids", val(v, "source_ids")));
            let sources = merge_sources(&mut e, &ids);
            let new = spec(&mut e, v, "target.");
            let target = unit_field(&mut e, v, "target_id").and_then(|t| merge_target(&mut e, t, Some(&new).filter(|n| !n.is_blank())));
            let merge = parsed(e, target.zip(decision).map(|(target, decision)| MergeUnits { sources, target, decision }))?;
            let on = merge.decision.effective;
            Ok((s.unit_manager()?.merge_units(merge).await?, on))
        }
        (Op::Split, _) => {
            let specs: Vec<UnitSpecInput> = (0..SPLIT_SUCCESSORS).map(|i| spec(&mut e, v, &successor_prefix(i))).collect();
            // The third successor is optional: left empty, it is not created.
            let successors: Option<Vec<Successor>> = specs
                .iter()
                .enumerate()
                .filter(|(i, x)| *i < 2 || !x.is_blank())
                .map(|(i, x)| x.parse(&mut e, &successor_prefix(i)).map(Successor::New))
                .collect();
            let children = assignments(&mut e, v, "child.").into_iter().map(|(c, i)| (UnitId(c), i)).collect();
            let members = assignments(&mut e, v, "member.").into_iter().map(|(m, i)| (MemberId(m), i)).collect();
            let expected_version = version(&mut e, v);
            let split = parsed(
                e,
                expected_version.zip(successors).zip(decision).map(|((expected_version, successors), decision)| SplitUnit {
                    expected_version,
                    successors,
                    children,
                    members,
                    decision,
                }),
            )?;
            let on = split.decision.effective;
            let ids = s.unit_manager()?.split_unit(id()?, split).await?;
            Ok((ids.first().copied().unwrap_or(id()?), on))
        }
        (Op::Dissolve, _) => {
            let decision = parsed(e, decision)?;
            let on = decision.effective;
            s.unit_manager()?.dissolve_unit(id()?, decision).await?;
            Ok((id()?, on))
        }
        (Op::Rename, None) => Err(StoreError::NotFound),
    }
}

fn successor_prefix(i: usize) -> String {
    format!("successors[{i}].")
}

// --- showing the form ------------------------------------------------------------------------

/// The values an empty form starts with.
fn prefill(op: Op, d: Option<&UnitDetail>) -> Values {
    let mut v = Values::new();
    let mut set = |k: &str, x: &str| {
        v.insert(k.to_owned(), x.to_owned());
    };
    let Some(d) = d else {
        set("kind", UnitKind::Province.code());
        return v;
    };
    let u = shown(d);
    let parent = u.parent_id.map(|p| p.to_string()).unwrap_or_default();
    match op {
        Op::Rename => {
            set("name", &u.name);
            set("code", &u.code);
            set("kind", u.kind.code());
        }
        Op::Merge => set("target.parent_id", &parent),
        Op::Split => {
            // The optional third successor starts without a kind, so that left alone it stays blank.
            for i in 0..SPLIT_SUCCESSORS {
                if i < 2 {
                    set(&format!("{}kind", successor_prefix(i)), u.kind.code());
                }
                set(&format!("{}parent_id", successor_prefix(i)), &parent);
            }
        }
        Op::CreateRoot | Op::CreateChild | Op::Move | Op::Dissolve => {}
    }
    v
}

fn kind_field(name: String, v: &Values) -> Field {
    let value = val(v, &name).to_owned();
    Field::select(name, "Loại tổ chức", &value, Some("— Chọn —"), UnitKind::ALL.iter().map(|k| (k.code(), k.label()))).required()
}

/// Kind, code and name of a new unit (and its parent, when it is typed) under `prefix`.
fn spec_fields(v: &Values, prefix: &str, with_parent: bool) -> Vec<Field> {
    let name = |f: &str| format!("{prefix}{f}");
    let mut fields = vec![
        kind_field(name("kind"), v),
        Field::text(name("code"), "Mã tổ chức", val(v, &name("code"))).required().hint("Mã duy nhất trong hệ thống, ví dụ 01.02.03."),
        Field::text(name("name"), "Tên tổ chức", val(v, &name("name"))).required().hint("Ghi đầy đủ, có dấu, ví dụ Chi bộ Khu phố 3."),
    ];
    if with_parent {
        fields.push(Field::unit(name("parent_id"), "Trực thuộc tổ chức", val(v, &name("parent_id"))).required());
    }
    fields
}

fn decision_section(v: &Values) -> Section {
    Section::new(
        "Quyết định",
        vec![
            Field::date("effective_date", "Ngày có hiệu lực", val(v, "effective_date")).required(),
            Field::text("decision_number", "Quyết định số", val(v, "decision_number")).required().hint("Ví dụ 123-QĐ/TU."),
            Field::date("decision_date", "Ngày ký", val(v, "decision_date")).required(),
            Field::text("issuer", "Cơ quan ban hành", val(v, "issuer")).required().hint("Ví dụ Ban Thường vụ Tỉnh ủy."),
            Field::textarea("note", "Ghi chú", val(v, "note")),
        ],
    )
}

/// The sections before the decision.
fn op_sections(op: Op, v: &Values) -> Vec<Section> {
    match op {
        Op::CreateRoot | Op::CreateChild => vec![Section::new("Tổ chức mới", spec_fields(v, "", false))],
        Op::Rename => vec![Section::new("Tên, mã, loại mới", spec_fields(v, "", false))],
        Op::Move => {
            vec![Section::new("Trực thuộc mới", vec![Field::unit("parent_id", "Tổ chức cấp trên mới", val(v, "parent_id")).required()])]
        }
        Op::Merge => vec![
            Section::new(
                "Các tổ chức bị sáp nhập, hợp nhất",
                SOURCE_LABELS
                    .iter()
                    .enumerate()
                    .map(|(i, label)| {
                        let name = source_field(i);
                        let field = Field::unit(name.clone(), label, val(v, &name));
                        if i == 0 {
                            field.hint("Tổ chức này luôn được sáp nhập; thêm các tổ chức khác cùng sáp nhập, hợp nhất (nếu có).")
                        } else {
                            field
                        }
                    })
                    .collect(),
            ),
            Section::new("Sáp nhập vào tổ chức đã có", vec![Field::unit("target_id", "Tổ chức nhận", val(v, "target_id"))]),
            Section::new("Hoặc hợp nhất thành tổ chức mới", spec_fields(v, "target.", true))
                .note("Chỉ điền khi không nhập tổ chức nhận ở trên."),
        ],
        Op::Split => {
            (0..SPLIT_SUCCESSORS).map(|i| Section::new(SUCCESSOR_LEGENDS[i], spec_fields(v, &successor_prefix(i), true))).collect()
        }
        Op::Dissolve => Vec::new(),
    }
}

/// A table of the split form: one select per child unit or member.
struct AssignTable {
    caption: &'static str,
    column: &'static str,
    rows: Vec<AssignRow>,
}

struct AssignRow {
    id: String,
    name: String,
    label: String,
    meta: String,
    options: Vec<Opt>,
}

fn assign_row(v: &Values, name: String, label: String, meta: String) -> AssignRow {
    let chosen = v.get(&name).map_or("1", |x| x.trim());
    let options = (1..=SPLIT_SUCCESSORS)
        .map(|n| Opt { value: n.to_string(), label: format!("đến tổ chức kế tiếp số {n}"), selected: n.to_string() == chosen })
        .collect();
    AssignRow { id: format!("f-{name}"), name, label, meta, options }
}

/// The split tables: the unit's children and the members directly in it, on the form's date.
async fn split_tables(s: &Access, d: &UnitDetail, v: &Values, on: NaiveDate) -> Result<Vec<AssignTable>, AppError> {
    let children = d
        .children
        .iter()
        .map(|c| assign_row(v, format!("child.{}", c.unit.id), c.unit.name.clone(), format!("(số {}, {})", c.unit.id, c.unit.kind.label())))
        .collect();
    let query = MemberQuery { unit: Some(d.id), per_page: SPLIT_MEMBERS, ..MemberQuery::new(on) };
    let members = s
        .reader()?
        .find_members(&query)
        .await?
        .items
        .iter()
        .filter(|m| m.unit_id == Some(d.id))
        .map(|m| assign_row(v, format!("member.{}", m.id.0), m.full_name.clone(), format!("(sinh ngày {})", format::date(m.birth_date))))
        .collect();
    Ok(vec![
        AssignTable { caption: "Tổ chức trực thuộc chuyển đến", column: "Tổ chức trực thuộc", rows: children },
        AssignTable { caption: "Đảng viên chuyển đến", column: "Đảng viên", rows: members },
    ])
}

#[derive(Template)]
#[template(path = "unit_op_form.html")]
struct OpPage {
    chrome: Chrome,
    heading: &'static str,
    unit: Option<Link>,
    intro: &'static [&'static str],
    action: String,
    version: Option<i64>,
    as_of: String,
    sections: Vec<Section>,
    assignments: Vec<AssignTable>,
    after: Vec<Section>,
    summary: Vec<SummaryItem>,
    conflict: bool,
    submit: &'static str,
    cancel_href: String,
}

async fn view(
    s: &Access,
    chrome: Chrome,
    op: Op,
    d: Option<&UnitDetail>,
    v: &Values,
    errors: &ValidationErrors,
    conflict: bool,
) -> Result<OpPage, AppError> {
    let today = s.today();
    let date = parse_as_of(val(v, "as_of"), today).unwrap_or(today);
    let mut sections = op_sections(op, v);
    let before = sections.len();
    sections.push(decision_section(v));
    let summary = attach_errors(&mut sections, errors);
    let after = sections.split_off(before);
    let assignments = match d {
        Some(d) if op == Op::Split => split_tables(s, d, v, date).await?,
        _ => Vec::new(),
    };
    let unit = d.map(|d| Link { href: unit_href(d.id, date), label: shown(d).name.clone() });
    Ok(OpPage {
        chrome: chrome.titled(op.heading()),
        heading: op.heading(),
        cancel_href: unit.as_ref().map_or_else(|| "/units".to_owned(), |u| u.href.clone()),
        unit,
        intro: op.intro(),
        action: op.action(d.map(|d| d.id)),
        version: d.filter(|_| op.versioned()).map(|d| d.version),
        as_of: format::date(date),
        sections,
        assignments,
        after,
        summary,
        conflict,
        submit: op.submit(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(&str, &str)]) -> Values {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn id_lists_accept_commas_and_spaces() {
        let mut e = ValidationErrors::default();
        assert_eq!(id_list(&mut e, "source_ids", " 12, 13 ;14  15"), vec![12, 13, 14, 15]);
        assert!(e.is_empty());
        assert_eq!(id_list(&mut e, "source_ids", "12 x"), vec![12]);
        assert!(e.message_for("source_ids").is_some_and(|m| m.contains('x')));
    }

    #[test]
    fn split_selects_become_zero_based_assignments() {
        let mut e = ValidationErrors::default();
        let v = values(&[("child.7", "2"), ("member.3", "1"), ("member.4", "3"), ("name", "x")]);
        assert_eq!(assignments(&mut e, &v, "member."), vec![(3, 0), (4, 2)]);
        assert_eq!(assignments(&mut e, &v, "child."), vec![(7, 1)]);
        assert!(e.is_empty());
        assignments(&mut e, &values(&[("member.3", "9")]), "member.");
        assert!(!e.is_empty());
    }

    #[test]
    fn every_unit_operation_has_a_link() {
        let l = all_links(UnitId(5), "?as_of=01%2F01%2F2020");
        assert_eq!(l.len(), 6);
        assert_eq!(l[0].1.href, "/units/5/children/new?as_of=01%2F01%2F2020");
        // Each pattern is a route of the table.
        let table = crate::route_table();
        assert!(l.iter().all(|(p, _)| table.iter().any(|(m, path, _)| m == axum::http::Method::GET && path == p)));
        assert!(Op::ON_UNIT.iter().all(|op| Op::from_segment(op.slug()).is_some()));
        assert!(Op::from_segment("children").is_none());
    }
}
