//! The register export over HTTP on a generated province, on both engines: a commune on a past
//! day as `.xlsx`, read back with calamine and with the importer's own row reader; the CSV; the
//! members who left; the scope (a commune's staff cannot export another commune).

use std::collections::HashMap;

use calamine::{Data, Reader};
use chrono::NaiveDate;
use domain::access::{Grant, Role};
use domain::history::Status;
use domain::ids::UnitId;
use domain::interchange::columns::find_header;
use domain::interchange::record::{AdmissionDateMeaning, RecordStatus, Row, parse_member, parse_unit};
use domain::interchange::{Column, Mapping, SheetKind, UnitColumn, Value};
use domain::unit::UnitKind;
use storage::MemberQuery;
use storage::prelude::*;

use crate::http_on_both_engines;
use crate::support::{App, account, today, token};

http_on_both_engines!(400; export_of_a_commune_on_a_past_day);

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// A calamine cell as the importer's readers take it.
fn value(cell: &Data) -> Value {
    match cell {
        Data::Empty => Value::Empty,
        Data::String(s) => Value::Text(s.clone()),
        Data::Float(f) => Value::Number(*f),
        Data::Int(i) => Value::Number(*i as f64),
        Data::Bool(b) => Value::Bool(*b),
        // Serials from 61 on (1900-03-01): days after 1899-12-30.
        Data::DateTime(x) => Value::Date(d(1899, 12, 30) + chrono::Days::new(x.as_f64() as u64)),
        other => Value::Text(other.to_string()),
    }
}

/// The sheets of a workbook: (name, rows of values).
fn sheets(bytes: &[u8]) -> Vec<(String, Vec<Vec<Value>>)> {
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let names = book.sheet_names().to_vec();
    names
        .into_iter()
        .map(|n| {
            let range = book.worksheet_range(&n).unwrap();
            let rows = range.rows().map(|r| r.iter().map(value).collect()).collect();
            (n, rows)
        })
        .collect()
}

fn texts(row: &[Value]) -> Vec<String> {
    row.iter().map(Value::display).collect()
}

/// The mapping of a sheet's first row, which must be its header.
fn header(rows: &[Vec<Value>], kind: SheetKind) -> Mapping {
    let found = find_header(&[texts(&rows[0])]).expect("a header row");
    assert_eq!((found.kind, found.row), (kind, 0));
    found.mapping
}

async fn export_of_a_commune_on_a_past_day(app: &App) {
    let on = d(2024, 12, 31);
    let store = app.store.as_ref();
    let province = store.children(None, on).await.unwrap()[0].unit.id;
    // The commune with the most members on the day.
    let mut communes = Vec::new();
    for u in store
        .subtree(province, on)
        .await
        .unwrap()
        .into_iter()
        .filter(|u| matches!(u.kind, UnitKind::Commune | UnitKind::GrassrootsCommittee))
    {
        let mut q = MemberQuery::new(on);
        q.unit = Some(u.id);
        q.per_page = 500;
        let page = store.find_members(&q).await.unwrap();
        communes.push((page.total, u, page.items));
    }
    communes.sort_by_key(|(n, _, _)| std::cmp::Reverse(*n));
    let (total, commune, listed) = communes.first().cloned().expect("a commune");
    assert!(total > 0 && total <= 500);
    let subtree = store.subtree(commune.id, on).await.unwrap();
    let code_of: HashMap<UnitId, String> = subtree.iter().map(|u| (u.id, u.code.clone())).collect();

    let res = app.get(&format!("/api/v1/export?unit={}&date=31/12/2024", commune.id)).await;
    assert_eq!(res.status().as_u16(), 200);
    assert!(res.headers()["content-disposition"].to_str().unwrap().contains(".xlsx"));
    let bytes = res.bytes().await.unwrap();
    let book = sheets(&bytes);
    let names: Vec<&str> = book.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Đảng viên", "Tổ chức", "Ghi chú"]);

    // Every member active in the subtree on the day, once, in register order, with their unit,
    // status and dates; every row read back by the importer's reader to the same identity.
    let members = &book[0].1;
    let mapping = header(members, SheetKind::Members);
    assert_eq!(mapping.members.len(), Column::ALL.len());
    let rows = &members[1..];
    assert_eq!(rows.len(), listed.len(), "one row per member on the lists");
    let column = |c: Column| Column::ALL.iter().position(|x| *x == c).unwrap();
    for (i, (row, item)) in rows.iter().zip(&listed).enumerate() {
        let cells = Row { cells: row, mapping: &mapping, defaults: &[] };
        let record = parse_member(&cells, AdmissionDateMeaning::Decision, today())
            .record
            .unwrap_or_else(|e| panic!("row {} does not read: {e:?}", i + 2));
        let detail = store.member(item.id).await.unwrap();
        assert_eq!(record.identity, detail.identity, "row {}", i + 2);
        assert_eq!(row[column(Column::Number)], Value::Number((i + 1) as f64));
        assert_eq!(Some(&record.unit), item.unit_id.and_then(|u| code_of.get(&u)), "the chi bộ's code");
        let expected = match item.status {
            Status::Probationary => RecordStatus::Probationary,
            Status::Official => RecordStatus::Official,
            Status::Exempt => RecordStatus::Exempt { since: detail.history.status_since(on) },
            other => panic!("{other:?} is not on a list"),
        };
        assert_eq!(record.status, expected);
        let h = &detail.history;
        let probation = h.probations.iter().rev().find(|p| p.decided <= on).unwrap();
        assert_eq!(record.decision, probation.decided);
        assert_eq!(record.ceremony, probation.ceremony.filter(|c| *c <= on));
        assert_eq!(record.official, probation.recognized.map(|r| r.on).filter(|o| *o <= on));
        assert_eq!(row[column(Column::AdmissionDate)], Value::Date(record.ceremony.unwrap_or(record.decision)), "as on the card");
        // Since the start of the uninterrupted stay in that chi bộ.
        let at = h.spans.iter().position(|s| s.covers(on)).unwrap();
        let mut since = h.spans[at].from;
        for s in h.spans[..at].iter().rev() {
            if s.unit != h.spans[at].unit || s.to != Some(since) {
                break;
            }
            since = s.from;
        }
        assert_eq!(record.unit_since, Some(since));
        assert!(matches!(row[column(Column::CitizenId)], Value::Text(_)), "the CCCD as text");
    }

    // The unit sheet: the subtree on the day, the commune first without a parent.
    let units = &book[1].1;
    let unit_mapping = header(units, SheetKind::Units);
    let records: Vec<_> = units[1..].iter().map(|r| parse_unit(r, &unit_mapping).unwrap()).collect();
    let mut codes: Vec<&str> = records.iter().map(|u| u.code.as_str()).collect();
    let mut expected: Vec<&str> = subtree.iter().map(|u| u.code.as_str()).collect();
    assert_eq!(codes[0], commune.code);
    assert_eq!(records[0].parent_code, None);
    assert!(records[1..].iter().all(|u| u.parent_code.is_some()));
    codes.sort_unstable();
    expected.sort_unstable();
    assert_eq!(codes, expected);
    assert_eq!(unit_mapping.units.len(), UnitColumn::ALL.len());
    let note: Vec<String> = book[2].1.iter().map(|r| r[0].display()).collect();
    assert!(note.iter().any(|l| l.contains("31/12/2024")) && note.iter().any(|l| l.contains(&commune.code)));
    assert!(note.iter().any(|l| l.contains("quantri")), "who made it");

    // The CSV: the same rows, dates dd/mm/yyyy, CCCD with its zeros.
    let csv = app.get(&format!("/api/v1/export?unit={}&date=31/12/2024&format=csv", commune.id)).await;
    assert_eq!(csv.status().as_u16(), 200);
    let text = csv.text().await.unwrap();
    assert!(text.starts_with("\u{feff}STT,Họ và tên,"));
    assert_eq!(text.lines().count(), listed.len() + 1);
    assert!(text.contains(&format!(",{},", listed[0].citizen_id)));
    let units_csv = app.get(&format!("/api/v1/export?unit={}&date=31/12/2024&format=csv&sheet=units", commune.id)).await;
    assert_eq!(units_csv.text().await.unwrap().lines().count(), subtree.len() + 1);

    // Those who left, with `departed`: a status of departure and its day, before the day.
    let with = sheets(&app.get(&format!("/api/v1/export?unit={}&date=31/12/2024&departed=1", commune.id)).await.bytes().await.unwrap());
    let all = &with[0].1[1..];
    assert!(all.len() >= rows.len());
    for row in all {
        let record = parse_member(&Row { cells: row, mapping: &mapping, defaults: &[] }, AdmissionDateMeaning::Decision, today())
            .record
            .unwrap_or_else(|e| panic!("{e:?}"));
        if let RecordStatus::Left { on: left, .. } = record.status {
            assert!(left <= on);
        }
    }

    // The audit trail has the read.
    let entries =
        store.audit_entries(&storage::AuditQuery { action: Some("read.export".into()), limit: 10, ..Default::default() }).await.unwrap();
    assert!(entries.iter().any(|e| e.action == "read.export"));

    // Bad parameters and a day the commune did not stand.
    assert_eq!(app.get(&format!("/api/v1/export?unit={}&format=ods", commune.id)).await.status().as_u16(), 400);
    assert_eq!(app.get(&format!("/api/v1/export?unit={}&date=01/01/1900", commune.id)).await.status().as_u16(), 422);

    // Scope: a commune's staff export their commune, never another one (404 as elsewhere).
    let now: Vec<_> = store.subtree(province, today()).await.unwrap().into_iter().filter(|u| u.kind == UnitKind::Commune).collect();
    let (mine, other) = (now[0].id, now[1].id);
    let staff = account(store, "xuatso", vec![Grant { role: Role::OrgBoardStaff, unit: Some(mine) }], None).await;
    let bearer = token(store, staff).await;
    let get = |unit: UnitId| {
        let url = app.url(&format!("/api/v1/export?unit={unit}&format=csv"));
        let bearer = bearer.clone();
        async move { reqwest::Client::new().get(url).bearer_auth(bearer).send().await.unwrap().status().as_u16() }
    };
    assert_eq!(get(mine).await, 200);
    assert_eq!(get(other).await, 404);

    // The page and its download.
    let (status, page) = app.text(&format!("/export?unit={}", commune.id)).await;
    assert_eq!(status, 200);
    assert!(page.contains("Xuất sổ đảng viên") && page.contains("action=\"/export/file\""));
    let file = app.client.get(app.url(&format!("/export/file?unit={}&date=31/12/2024&format=csv", commune.id))).send().await.unwrap();
    assert_eq!(file.status().as_u16(), 200);
    let (status, page) = app.text(&format!("/export/file?unit={}&date=01/01/2999", commune.id)).await;
    assert_eq!(status, 400);
    assert!(page.contains("không được sau hôm nay"));
    let (_, unit_page) = app.text(&format!("/units/{}?as_of=31/12/2024", commune.id)).await;
    assert!(unit_page.contains(&format!("/export?unit={}&#38;date=31%2F12%2F2024", commune.id)), "the unit page links its export");
}
