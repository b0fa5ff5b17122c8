//! One form per kind of event (ui.md "One form per kind of event"): what each kind is, in one
//! line, and the fields it asks for. What the register already knows (the unit a member leaves)
//! is shown as text, never asked again.

use domain::event::{EventInput, EventKindCode, StrikeOffReason, TransferMode};

use crate::forms::{Field, Section, codes, decision_fields, origin_fields};

/// What a kind of event is, in one line, for the page that lists the kinds.
pub fn explanation(kind: EventKindCode) -> &'static str {
    match kind {
        EventKindCode::Admitted => "Quyết định kết nạp vào Đảng; tuổi đảng tính từ ngày ký quyết định.",
        EventKindCode::Ceremony => "Chi bộ đã tổ chức lễ kết nạp; 12 tháng dự bị tính từ ngày này.",
        EventKindCode::RecognizedOfficial => "Quyết định công nhận đảng viên chính thức khi hết 12 tháng dự bị.",
        EventKindCode::TransferredOut => "Chuyển sinh hoạt (chính thức hoặc tạm thời) đến tổ chức đảng khác, trong hoặc ngoài hệ thống.",
        EventKindCode::TransferredIn => "Nơi đến tiếp nhận sinh hoạt, hoặc đảng viên trở về sau thời gian sinh hoạt tạm thời.",
        EventKindCode::Reassigned => "Sang chi bộ khác theo quyết định của cấp ủy hoặc khi sắp xếp tổ chức.",
        EventKindCode::Exempted => "Được miễn công tác và sinh hoạt đảng (tuổi cao, sức khỏe yếu).",
        EventKindCode::ExemptionEnded => "Trở lại công tác và sinh hoạt đảng sau thời gian được miễn.",
        EventKindCode::StruckOff => "Quyết định xóa tên khỏi danh sách đảng viên, kèm lý do.",
        EventKindCode::Exited => "Đảng viên xin ra khỏi Đảng và được cấp có thẩm quyền chấp thuận.",
        EventKindCode::Expelled => "Quyết định kỷ luật khai trừ ra khỏi Đảng.",
        EventKindCode::Died => "Đảng viên từ trần; không bắt buộc có văn bản.",
        EventKindCode::Readmitted => "Quyết định kết nạp lại người đã ra khỏi Đảng hoặc bị xóa tên.",
    }
}

/// A fact the form shows as text rather than asking for it.
#[derive(Debug, Clone)]
pub struct Fact {
    pub label: &'static str,
    pub value: String,
}

/// The unit a transfer out leaves: known from the register (shown as text) when recording, typed
/// when correcting an event of another day.
pub enum Origin {
    Known,
    Typed,
}

fn mode(e: &EventInput) -> Field {
    Field::select(
        "mode",
        "Hình thức chuyển sinh hoạt",
        &e.mode,
        Some("— Chọn —"),
        codes(TransferMode::ALL, TransferMode::code, TransferMode::label),
    )
    .required()
}

/// The sections of the form for one kind of event.
pub fn sections(kind: EventKindCode, e: &EventInput, origin: Origin) -> Vec<Section> {
    let date = |label: &'static str| Field::date("effective_date", label, &e.effective_date).required();
    let decision_date = || {
        Field::date("effective_date", "Ngày có hiệu lực", &e.effective_date)
            .hint("Để trống thì lấy ngày ký quyết định (tuổi đảng tính từ ngày này).")
    };
    let fields = match kind {
        EventKindCode::Admitted => {
            let mut f = vec![
                Field::unit("unit_id", "Chi bộ kết nạp", &e.unit_id),
                Field::text("external_unit", "Hoặc nơi kết nạp ngoài hệ thống", &e.external_unit)
                    .hint("Chỉ ghi khi nơi kết nạp không thuộc hệ thống này."),
                decision_date(),
            ];
            f.extend(origin_fields("", e));
            f
        }
        EventKindCode::Readmitted => {
            let mut f = vec![Field::unit("unit_id", "Chi bộ kết nạp lại", &e.unit_id).required(), decision_date()];
            f.extend(origin_fields("", e));
            f
        }
        EventKindCode::Ceremony => vec![date("Ngày tổ chức lễ kết nạp")],
        EventKindCode::RecognizedOfficial => vec![date("Ngày công nhận chính thức")],
        EventKindCode::TransferredOut => {
            let mut f = vec![mode(e)];
            if let Origin::Typed = origin {
                f.push(Field::unit("unit_id", "Chuyển đi từ", &e.unit_id).required());
            }
            f.push(Field::unit("to_unit_id", "Đến: tổ chức đảng trong hệ thống", &e.to_unit_id));
            f.push(
                Field::text("external_unit", "Hoặc đến: tổ chức ngoài hệ thống", &e.external_unit)
                    .hint("Ghi tên đầy đủ nơi đến khi nơi đó không thuộc hệ thống này, ví dụ Đảng bộ tỉnh Lào Cai."),
            );
            f.push(date("Ngày chuyển đi"));
            f
        }
        EventKindCode::TransferredIn => {
            vec![mode(e), Field::unit("unit_id", "Nơi tiếp nhận (chi bộ)", &e.unit_id).required(), date("Ngày tiếp nhận")]
        }
        EventKindCode::Reassigned => vec![Field::unit("to_unit_id", "Đến chi bộ", &e.to_unit_id).required(), date("Ngày có hiệu lực")],
        EventKindCode::StruckOff => vec![
            Field::select(
                "reason",
                "Lý do xóa tên",
                &e.reason,
                Some("— Chọn —"),
                codes(StrikeOffReason::ALL, StrikeOffReason::code, StrikeOffReason::label),
            )
            .required(),
            date("Ngày có hiệu lực"),
        ],
        EventKindCode::Exited => vec![
            Field::checkbox("difficult_family", "Xin ra khỏi Đảng vì hoàn cảnh gia đình khó khăn", &e.difficult_family),
            date("Ngày có hiệu lực"),
        ],
        EventKindCode::Died => vec![date("Ngày từ trần")],
        EventKindCode::Exempted | EventKindCode::ExemptionEnded | EventKindCode::Expelled => vec![date("Ngày có hiệu lực")],
    };
    let optional_basis = matches!(kind, EventKindCode::Died | EventKindCode::Ceremony);
    let mut basis = Section::new("Căn cứ (văn bản, quyết định)", decision_fields("", e));
    if optional_basis {
        basis = basis.note("Không bắt buộc: để trống nếu không có văn bản.");
    } else {
        basis.fields = basis.fields.into_iter().map(Field::required).collect();
    }
    vec![Section::new(kind.label(), fields), basis, Section::new("", vec![Field::textarea("note", "Ghi chú", &e.note)])]
}

/// The facts a kind's form shows: the unit a transfer out or a move leaves.
pub fn facts(kind: EventKindCode, current_unit: Option<String>) -> Vec<Fact> {
    let label = match kind {
        EventKindCode::TransferredOut => "Chuyển đi từ",
        EventKindCode::Reassigned => "Từ chi bộ",
        _ => return Vec::new(),
    };
    current_unit.map(|value| Fact { label, value }).into_iter().collect()
}
