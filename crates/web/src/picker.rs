//! The organization picker (ui.md "Pick by name, never by number"): every form field and filter
//! that takes a unit shows a text input for a name or a code (the suggestions come from
//! `GET /units/search`, see `static/app.js`) and carries the chosen unit's id in a hidden input of
//! the field's own name; the typed text travels as `{name}__text`.
//!
//! Without scripts the server reads what was typed: [`resolve`] runs in the [`Form`] and
//! [`Query`] extractors before the handler sees the values, so every form and filter is served
//! the same way. A code, or a name only one offered unit has, becomes that unit's id; several
//! candidates or none leave a value no parser accepts and the reason (with the candidates) for
//! the form to show again, the typed text kept. Which units are offered depends on what the field
//! is for ([`purpose`]): the read scope, or the whole tree for a transfer destination; whatever
//! is chosen is checked again by the handle that writes it.
//!
//! The outcome lives for one request in a task-local set up by [`scope`] (a middleware inside
//! `authenticate`), where [`crate::forms::Field`] reads it when the form is drawn again.
//!
//! [`Form`]: crate::extract::Form
//! [`Query`]: crate::extract::Query

use std::collections::HashMap;
use std::sync::Mutex;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use domain::event::EventKindCode;
use domain::ids::UnitId;
use domain::unit::pick::PickQuery;
use storage::access::{Access, Offer, Resolved};
use storage::{PickFilter, UnitChoice};

/// The suffix of the visible text input's name.
pub const TEXT_SUFFIX: &str = "__text";
/// The separator between a unit's name and the names above it.
pub const PATH_SEPARATOR: &str = " — ";
/// Candidates listed when a typed name is ambiguous.
const CANDIDATES: usize = 12;
/// The value left for a field whose text named no single unit: every unit parser refuses it.
const UNRESOLVED: &str = "?";

tokio::task_local! {
    static PICKS: Picks;
}

/// One request's picker state.
struct Picks {
    access: Option<Access>,
    outcomes: Mutex<HashMap<String, Outcome>>,
}

/// What the server made of one field's typed text.
#[derive(Debug, Clone, Default)]
struct Outcome {
    text: String,
    chosen: Option<UnitChoice>,
    candidates: Vec<UnitChoice>,
    error: Option<String>,
}

/// Middleware: the picker state of one request (after `authenticate`, which names the caller).
pub async fn scope(req: Request, next: Next) -> Response {
    let picks = Picks { access: req.extensions().get::<Access>().cloned(), outcomes: Mutex::default() };
    PICKS.scope(picks, next.run(req)).await
}

/// What a unit field is for: which units it offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Purpose {
    pub offer: Offer,
    pub filter: PickFilter,
}

/// The purpose of the unit field `field` of a form whose event kind (if any) is `kind`: where a
/// member is recorded (an event's unit, the unit of an internal move, of a new record's
/// admission or transfer in, of an admission case) only units that hold members; the destination
/// of a transfer out (`chuyen-di`) anywhere in the tree; everything else (filters, grants,
/// the parent or target of a unit operation) any unit within the read scope; the unit an import
/// goes under (`root`) within the write scope.
pub fn purpose(field: &str, kind: Option<&str>) -> Purpose {
    let members = Purpose { offer: Offer::Register, filter: PickFilter { members_only: true } };
    match field {
        "to_unit_id" if kind == Some(EventKindCode::TransferredOut.code()) => {
            Purpose { offer: Offer::TransferDestination, filter: PickFilter::default() }
        }
        "unit_id" | "adm_unit_id" | "in_unit_id" | "to_unit_id" => members,
        // Where a working member lives: any chi bộ of the tree.
        "residence_cell" => Purpose { offer: Offer::Residence, filter: PickFilter { members_only: true } },
        // The unit an import goes under: within the write scope.
        "root" => Purpose { offer: Offer::Write, filter: PickFilter::default() },
        _ => Purpose { offer: Offer::Register, filter: PickFilter::default() },
    }
}

/// The offer as the field's `data-offer` and the search page's `offer=` name it.
pub fn offer_code(offer: Offer) -> &'static str {
    match offer {
        Offer::Register => "register",
        Offer::TransferDestination => "transfer",
        Offer::Write => "write",
        Offer::Residence => "residence",
    }
}

/// The offer a search asks for (`register` when the text is anything else).
pub fn parse_offer(code: &str) -> Offer {
    [Offer::TransferDestination, Offer::Write, Offer::Residence].into_iter().find(|o| offer_code(*o) == code).unwrap_or(Offer::Register)
}

/// A unit as the field shows it: its name and the names above it.
pub fn label(c: &UnitChoice) -> String {
    std::iter::once(c.unit.name.as_str()).chain(c.path.iter().map(String::as_str)).collect::<Vec<_>>().join(PATH_SEPARATOR)
}

/// Replaces the typed texts of unit fields (`{name}__text`) by the ids they name, recording the
/// outcome for the form; pairs without such texts pass unchanged.
pub async fn resolve(pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    if !pairs.iter().any(|(k, _)| k.ends_with(TEXT_SUFFIX)) {
        return pairs;
    }
    let Some(access) = PICKS.try_with(|p| p.access.clone()).ok().flatten() else { return pairs };
    let kind = pairs.iter().find(|(k, _)| k == "kind").map(|(_, v)| v.clone());
    let (texts, mut out): (Vec<_>, Vec<_>) = pairs.into_iter().partition(|(k, _)| k.ends_with(TEXT_SUFFIX));
    for (key, text) in texts {
        let field = key.trim_end_matches(TEXT_SUFFIX).to_owned();
        // The hidden input and, after an ambiguity, the radio buttons share the name: the last
        // value given wins.
        let given = out.iter().rev().find(|(k, v)| *k == field && !v.trim().is_empty()).map(|(_, v)| v.clone());
        out.retain(|(k, _)| *k != field);
        let outcome = decide(&access, purpose(&field, kind.as_deref()), given.as_deref(), &text).await;
        let value = match (&outcome.chosen, &outcome.error) {
            (Some(c), _) => c.unit.id.to_string(),
            (None, Some(_)) => UNRESOLVED.to_owned(),
            (None, None) => String::new(),
        };
        out.push((field.clone(), value));
        // A poisoned lock only means another field's outcome was being written: keep going.
        PICKS.try_with(|p| p.outcomes.lock().unwrap_or_else(|e| e.into_inner()).insert(field, outcome)).ok();
    }
    out
}

fn not_found(text: &str) -> String {
    format!("Không tìm thấy tổ chức “{text}”. Gõ tên hoặc mã tổ chức rồi chọn trong danh sách gợi ý, hoặc dùng trang “Tìm tổ chức”.")
}

fn ambiguous(text: &str, n: usize) -> String {
    if n >= CANDIDATES {
        format!("Có nhiều tổ chức khớp với “{text}”. Chọn một tổ chức bên dưới, hoặc gõ đầy đủ tên hay mã tổ chức.")
    } else {
        format!("Có {n} tổ chức khớp với “{text}”. Chọn đúng tổ chức bên dưới (xem tổ chức cấp trên và mã).")
    }
}

async fn decide(access: &Access, purpose: Purpose, given: Option<&str>, text: &str) -> Outcome {
    let text = text.trim();
    let failed =
        |error: String, candidates: Vec<UnitChoice>| Outcome { text: text.to_owned(), chosen: None, candidates, error: Some(error) };
    if text.is_empty() {
        return Outcome::default();
    }
    let Ok(picker) = access.picker(purpose.offer) else { return failed(not_found(text), Vec::new()) };
    let offered = |id: &str| id.trim().parse::<i64>().ok().filter(|i| *i > 0).and_then(|i| picker.peek(UnitId(i)));
    let chosen = |c: UnitChoice| Outcome { text: label(&c), chosen: Some(c), candidates: Vec::new(), error: None };
    // A unit chosen from the suggestions or the candidates, which the text still describes.
    if let Some(c) = given.and_then(offered)
        && (text == label(&c) || PickQuery::new(text).rank(&c.unit.name, &c.unit.code).is_some())
    {
        return chosen(c);
    }
    // A bare id typed by hand (accepted, never asked for).
    if text.chars().all(|c| c.is_ascii_digit()) {
        return offered(text).map_or_else(|| failed(not_found(text), Vec::new()), chosen);
    }
    // A label as the field shows it ("name — parent — …"): the unit whose label it is.
    let name = text.split(PATH_SEPARATOR).next().unwrap_or(text);
    let resolved = match picker.resolve(name, purpose.filter, CANDIDATES).await {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(error = %e, "unit picker lookup failed");
            return failed(not_found(text), Vec::new());
        }
    };
    match resolved {
        Resolved::Empty => Outcome::default(),
        Resolved::One(c) if name == text || label(&c) == text => chosen(c),
        Resolved::Several(list) if name != text && list.iter().filter(|c| label(c) == text).count() == 1 => {
            list.into_iter().find(|c| label(c) == text).map_or_else(|| failed(not_found(text), Vec::new()), chosen)
        }
        Resolved::One(_) | Resolved::None => failed(not_found(text), Vec::new()),
        Resolved::Several(list) => failed(ambiguous(text, list.len()), list),
    }
}

/// The message for a unit field the server could not resolve (it replaces the parser's).
pub fn error(field: &str) -> Option<String> {
    PICKS.try_with(|p| p.outcomes.lock().unwrap_or_else(|e| e.into_inner()).get(field).and_then(|o| o.error.clone())).ok().flatten()
}

/// A unit field as drawn.
#[derive(Debug, Clone, Default)]
pub struct PickerView {
    /// The name of the visible input.
    pub text_name: String,
    /// What the visible input shows: the chosen unit's name and path, or what was typed.
    pub text: String,
    /// The chosen unit's id (the hidden input).
    pub id: String,
    /// `register` or `transfer` (what the suggestions offer).
    pub offer: &'static str,
    pub members_only: bool,
    /// The field offers the whole tree when the form's event is a transfer out.
    pub transfer_kind: Option<&'static str>,
    /// After an ambiguous text: the units to choose from.
    pub candidates: Vec<CandidateView>,
    /// The search page for this field.
    pub search_href: String,
}

/// One unit to choose from after an ambiguous text.
#[derive(Debug, Clone)]
pub struct CandidateView {
    pub id: String,
    pub name: String,
    pub path: String,
    pub code: String,
}

/// How the unit field `field` holding `value` (an id, or what came back) is drawn.
pub fn view(field: &str, value: &str) -> PickerView {
    let display = if field == "to_unit_id" { purpose(field, Some(EventKindCode::TransferredOut.code())) } else { purpose(field, None) };
    let mut v = PickerView {
        text_name: format!("{field}{TEXT_SUFFIX}"),
        offer: offer_code(display.offer),
        members_only: display.filter.members_only,
        transfer_kind: (field == "to_unit_id").then(|| EventKindCode::TransferredOut.code()),
        search_href: format!(
            "/units/search{}",
            crate::format::query_string(&[("members_only", if display.filter.members_only { "1" } else { "" })])
        ),
        ..PickerView::default()
    };
    let outcome = PICKS.try_with(|p| p.outcomes.lock().unwrap_or_else(|e| e.into_inner()).get(field).cloned()).ok().flatten();
    if let Some(o) = outcome {
        v.text = o.text;
        v.id = o.chosen.map(|c| c.unit.id.to_string()).unwrap_or_default();
        v.candidates = o
            .candidates
            .iter()
            .map(|c| CandidateView {
                id: c.unit.id.to_string(),
                name: c.unit.name.clone(),
                path: c.path.join(PATH_SEPARATOR),
                code: c.unit.code.clone(),
            })
            .collect();
        return v;
    }
    let value = value.trim();
    let access = PICKS.try_with(|p| p.access.clone()).ok().flatten();
    let shown = value.parse::<i64>().ok().filter(|i| *i > 0).zip(access.as_ref()).and_then(|(id, a)| {
        // A unit already chosen (a stored event's, a transfer destination) is shown in words to
        // those who may see the whole tree's names (writers, who are offered any transfer
        // destination); to readers only within their scope.
        a.picker(Offer::TransferDestination)
            .or_else(|_| a.picker(Offer::Residence))
            .or_else(|_| a.picker(Offer::Register))
            .ok()
            .and_then(|p| p.peek(UnitId(id)))
    });
    match shown {
        Some(c) => {
            v.text = label(&c);
            v.id = value.to_owned();
        }
        None => v.text = value.to_owned(),
    }
    v
}

/// The names of units shown together (the rows of a table): a name that more than one of them
/// has is followed by " — " and the parent's name (ui.md: "Lists and exports show the parent
/// beside a duplicate name"). Rows without a unit keep their label.
pub fn distinct_names<'a>(rows: impl IntoIterator<Item = (Option<UnitId>, &'a str)>) -> Vec<String> {
    let rows: Vec<(Option<UnitId>, &str)> = rows.into_iter().collect();
    let mut units_by_name: HashMap<&str, Vec<UnitId>> = HashMap::new();
    for (unit, name) in &rows {
        if let Some(u) = unit {
            let ids = units_by_name.entry(name).or_default();
            if !ids.contains(u) {
                ids.push(*u);
            }
        }
    }
    let access = PICKS.try_with(|p| p.access.clone()).ok().flatten();
    let picker = access.as_ref().and_then(|a| a.picker(Offer::Register).ok());
    rows.iter()
        .map(|(unit, name)| {
            let parent = unit
                .filter(|_| units_by_name.get(name).is_some_and(|ids| ids.len() > 1))
                .and_then(|u| picker.as_ref()?.peek(u))
                .and_then(|c| c.path.first().cloned());
            match parent {
                Some(p) => format!("{name}{PATH_SEPARATOR}{p}"),
                None => (*name).to_owned(),
            }
        })
        .collect()
}
