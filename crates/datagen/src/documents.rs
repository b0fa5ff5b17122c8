//! The generated province's document library (docs/design/operations.md "Documents"): a
//! resolution for the communes, guidance for chi bộ secretaries, study material for everyone,
//! and an expired regulation, each with a small PDF attachment.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use domain::documents::{DocumentFields, DocumentInput};
use domain::unit::UnitKind;
use storage::prelude::*;
use storage::{StoreError, WriteContext};

/// A one-page PDF whose text is `title` (ASCII only: the demo's files are placeholders).
pub(crate) fn pdf(title: &str) -> Vec<u8> {
    let text: String = title.chars().filter(|c| c.is_ascii_alphanumeric() || *c == ' ').collect();
    format!(
        "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n\
         3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>endobj\n\
         4 0 obj<</Length {}>>stream\nBT /F1 14 Tf 60 780 Td ({text}) Tj ET\nendstream endobj\n\
         5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
        text.len() + 35
    )
    .into_bytes()
}

/// One sample document.
struct Sample<'a> {
    kind: &'a str,
    number: &'a str,
    issued_days_ago: i64,
    issuer: &'a str,
    title: &'a str,
    kinds: &'a [String],
    roles: &'a [String],
    /// No longer in force since this many days.
    ended_days_ago: Option<i64>,
    file: &'a str,
}

/// Records the library; returns how many documents.
pub async fn generate_documents(store: &dyn Store, today: NaiveDate) -> Result<usize, StoreError> {
    let Some(root) = store.children(None, today).await?.into_iter().find(|n| n.unit.kind == UnitKind::Province) else {
        return Ok(0);
    };
    let ctx = WriteContext::new("dữ liệu mẫu", Utc.from_utc_datetime(&today.and_hms_opt(2, 0, 0).unwrap_or_default()));
    let day = |days: i64| (today - Duration::days(days)).format("%d/%m/%Y").to_string();
    let communes = vec!["xa-phuong".to_owned()];
    let secretaries = vec!["cell-secretary".to_owned()];
    let samples = [
        Sample {
            kind: "nghi-quyet",
            number: "12-NQ/TU",
            issued_days_ago: 200,
            issuer: "Ban Chấp hành Đảng bộ tỉnh",
            title: "Nghị quyết về nâng cao chất lượng sinh hoạt chi bộ giai đoạn 2026–2030",
            kinds: &communes,
            roles: &[],
            ended_days_ago: None,
            file: "Nghi quyet 12",
        },
        Sample {
            kind: "huong-dan",
            number: "08-HD/BTCTU",
            issued_days_ago: 120,
            issuer: "Ban Tổ chức Tỉnh ủy",
            title: "Hướng dẫn ghi biên bản và sổ nghị quyết của chi bộ",
            kinds: &[],
            roles: &secretaries,
            ended_days_ago: None,
            file: "Huong dan 08",
        },
        Sample {
            kind: "tai-lieu-hoc-tap",
            number: "",
            issued_days_ago: 60,
            issuer: "Ban Tuyên giáo Tỉnh ủy",
            title: "Tài liệu học tập chuyên đề năm 2026: học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
            kinds: &[],
            roles: &[],
            ended_days_ago: None,
            file: "Tai lieu hoc tap 2026",
        },
        Sample {
            kind: "quy-dinh",
            number: "03-QĐ/TU",
            issued_days_ago: 900,
            issuer: "Ban Thường vụ Tỉnh ủy",
            title: "Quy định về chế độ báo cáo công tác tổ chức (đã được thay thế)",
            kinds: &[],
            roles: &[],
            ended_days_ago: Some(100),
            file: "Quy dinh 03",
        },
    ];
    let mut made = 0;
    for d in samples {
        let issued = day(d.issued_days_ago);
        let until = d.ended_days_ago.map(day).unwrap_or_default();
        let fields = DocumentFields {
            kind: d.kind,
            number: d.number,
            issued_on: &issued,
            issuer: d.issuer,
            title: d.title,
            summary: "Các cấp ủy, chi bộ nghiên cứu, quán triệt và tổ chức thực hiện.",
            valid_until: &until,
            reach_kinds: d.kinds,
            reach_depth: "",
            roles: d.roles,
        };
        let input = DocumentInput::parse(&fields).map_err(StoreError::Invalid)?;
        let id = store.create_document(&ctx, root.unit.id, input).await?;
        store.add_attachment(&ctx, id, 1, &format!("{}.pdf", d.file), "application/pdf", &pdf(d.file)).await?;
        made += 1;
    }
    Ok(made)
}
