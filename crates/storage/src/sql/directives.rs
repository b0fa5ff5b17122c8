//! Directives sent down the tree (`directives`) and each receiving unit's receipt
//! (`directive_receipts`); docs/design/operations.md.

use chrono::{DateTime, NaiveDate, Utc};

use domain::directives::{Deadline, DirectiveKind, Draft, Reach, Receipt, Task};
use domain::ids::UnitId;
use domain::unit::UnitKind;

use crate::db::{Conn, DbError, Row, Sql};

type R<T> = Result<T, DbError>;

/// A directive as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDirective {
    pub id: i64,
    pub sender: UnitId,
    pub sent_on: NaiveDate,
    pub draft: Draft,
    pub created_by: String,
}

/// One receiving unit's receipt, with its version (concurrent steps conflict).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredReceipt {
    pub directive: i64,
    pub unit: UnitId,
    /// The receiving unit that passed the task on (`None`: reached by the sender).
    pub via: Option<UnitId>,
    /// A last day set by `via`, earlier than the directive's.
    pub due_on: Option<NaiveDate>,
    pub version: i64,
    pub receipt: Receipt,
    pub opened_by: Option<String>,
    pub report: Option<String>,
    pub reported_by: Option<String>,
    pub reminded_on: Option<NaiveDate>,
    pub reminders: i64,
}

/// The columns of a directive (`d`) and of a receipt (`r`), for `concat!`.
macro_rules! directive_columns {
    () => {
        "d.id, d.sender_unit, d.kind, d.number, d.title, d.body, d.sent_on, d.reach_kinds, d.reach_depth, d.task, d.deadline_days, \
         d.deadline_date, d.created_by"
    };
}
macro_rules! receipt_columns {
    () => {
        "r.directive_id, r.unit_id, r.via_unit, r.due_on, r.version, r.opened_on, r.opened_by, r.started_on, r.done_on, r.report, \
         r.reported_by, r.reminded_on, r.reminders"
    };
}

fn decode(what: &str) -> DbError {
    DbError::Decode(format!("directives: {what}"))
}

fn directive_from_row(r: &Row) -> R<StoredDirective> {
    let kind = DirectiveKind::parse(&r.str("kind")?).map_err(|_| decode("kind"))?;
    let kinds = r
        .str("reach_kinds")?
        .split_whitespace()
        .map(|c| UnitKind::parse(c).map_err(|_| decode("reach_kinds")))
        .collect::<R<Vec<UnitKind>>>()?;
    let depth = r.opt_i64("reach_depth")?.map(|d| u32::try_from(d).map_err(|_| decode("reach_depth"))).transpose()?;
    let deadline = match (r.opt_i64("deadline_days")?, r.opt_date("deadline_date")?) {
        (Some(n), None) => Some(Deadline::WorkingDays(u32::try_from(n).map_err(|_| decode("deadline_days"))?)),
        (None, Some(d)) => Some(Deadline::Date(d)),
        (None, None) => None,
        (Some(_), Some(_)) => return Err(decode("two deadlines")),
    };
    let task = match (r.opt_str("task")?, deadline) {
        (Some(asks), Some(deadline)) => Some(Task { asks, deadline }),
        (None, None) => None,
        _ => return Err(decode("a task without a deadline")),
    };
    Ok(StoredDirective {
        id: r.i64("id")?,
        sender: UnitId(r.i64("sender_unit")?),
        sent_on: r.date("sent_on")?,
        draft: Draft { kind, number: r.str("number")?, title: r.str("title")?, body: r.str("body")?, reach: Reach { kinds, depth }, task },
        created_by: r.str("created_by")?,
    })
}

fn receipt_from_row(r: &Row) -> R<StoredReceipt> {
    Ok(StoredReceipt {
        directive: r.i64("directive_id")?,
        unit: UnitId(r.i64("unit_id")?),
        via: r.opt_i64("via_unit")?.map(UnitId),
        due_on: r.opt_date("due_on")?,
        version: r.i64("version")?,
        receipt: Receipt { opened: r.opt_date("opened_on")?, started: r.opt_date("started_on")?, done: r.opt_date("done_on")? },
        opened_by: r.opt_str("opened_by")?,
        report: r.opt_str("report")?,
        reported_by: r.opt_str("reported_by")?,
        reminded_on: r.opt_date("reminded_on")?,
        reminders: r.i64("reminders")?,
    })
}

/// Records a directive; returns its id.
pub async fn insert_directive(tx: &mut dyn Conn, sender: UnitId, sent_on: NaiveDate, d: &Draft, now: DateTime<Utc>, actor: &str) -> R<i64> {
    let sql: Sql = "INSERT INTO directives (sender_unit, kind, number, title, body, sent_on, reach_kinds, reach_depth, task, \
                    deadline_days, deadline_date, created_at, created_by) \
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id"
        .into();
    let kinds: Vec<&str> = d.reach.kinds.iter().map(|k| k.code()).collect();
    let (days, date) = match d.task.as_ref().map(|t| t.deadline) {
        Some(Deadline::WorkingDays(n)) => (Some(i64::from(n)), None),
        Some(Deadline::Date(day)) => (None, Some(day)),
        None => (None, None),
    };
    let args = vec![
        sender.0.into(),
        d.kind.code().into(),
        d.number.as_str().into(),
        d.title.as_str().into(),
        d.body.as_str().into(),
        sent_on.into(),
        kinds.join(" ").into(),
        d.reach.depth.map(i64::from).into(),
        d.task.as_ref().map(|t| t.asks.as_str()).into(),
        days.into(),
        date.into(),
        now.into(),
        actor.into(),
    ];
    tx.query(&sql, args).await?.first().ok_or_else(|| DbError::Other("insert returned no id".into()))?.i64("id")
}

/// A new receipt: nothing done yet.
pub async fn insert_receipt(
    tx: &mut dyn Conn,
    directive: i64,
    unit: UnitId,
    via: Option<UnitId>,
    due_on: Option<NaiveDate>,
    now: DateTime<Utc>,
    actor: &str,
) -> R<()> {
    let sql: Sql = "INSERT INTO directive_receipts (directive_id, unit_id, via_unit, due_on, version, reminders, updated_at, updated_by) \
                    VALUES ($1, $2, $3, $4, 1, 0, $5, $6)"
        .into();
    let args = vec![directive.into(), unit.0.into(), via.map(|u| u.0).into(), due_on.into(), now.into(), actor.into()];
    tx.execute(&sql, args).await?;
    Ok(())
}

pub async fn directive(conn: &mut dyn Conn, id: i64) -> R<Option<StoredDirective>> {
    let sql: Sql = concat!("SELECT ", directive_columns!(), " FROM directives d WHERE d.id = $1").into();
    conn.query(&sql, vec![id.into()]).await?.first().map(directive_from_row).transpose()
}

/// Every receipt of a directive, in the order the units were reached.
pub async fn receipts_of(conn: &mut dyn Conn, directive: i64) -> R<Vec<StoredReceipt>> {
    let sql: Sql = concat!("SELECT ", receipt_columns!(), " FROM directive_receipts r WHERE r.directive_id = $1 ORDER BY r.unit_id").into();
    conn.query(&sql, vec![directive.into()]).await?.iter().map(receipt_from_row).collect()
}

/// The receipts `via` passed on, of these directives (the counts in a unit's lists: one query
/// whatever the number of directives, each answered from the `via_unit` index).
pub async fn forwards_from(conn: &mut dyn Conn, via: UnitId, directives: &[i64]) -> R<Vec<StoredReceipt>> {
    let mut out = Vec::new();
    for chunk in directives.chunks(500) {
        let sql = Sql::in_list(
            concat!("SELECT ", receipt_columns!(), " FROM directive_receipts r WHERE r.via_unit = $1 AND r.directive_id IN"),
            chunk.len(),
            "",
            2,
        );
        let mut args: Vec<crate::db::Value> = vec![via.0.into()];
        args.extend(chunk.iter().map(|d| (*d).into()));
        for row in conn.query(&sql, args).await? {
            out.push(receipt_from_row(&row)?);
        }
    }
    Ok(out)
}

pub async fn receipt(conn: &mut dyn Conn, directive: i64, unit: UnitId) -> R<Option<StoredReceipt>> {
    let sql: Sql = concat!("SELECT ", receipt_columns!(), " FROM directive_receipts r WHERE r.directive_id = $1 AND r.unit_id = $2").into();
    conn.query(&sql, vec![directive.into(), unit.0.into()]).await?.first().map(receipt_from_row).transpose()
}

/// Writes a receipt's steps, report and reminders if its version is still `r.version`; false
/// when it is not (someone recorded a step since).
pub async fn update_receipt(tx: &mut dyn Conn, r: &StoredReceipt, now: DateTime<Utc>, actor: &str) -> R<bool> {
    let sql: Sql = "UPDATE directive_receipts SET version = version + 1, opened_on = $3, opened_by = $4, started_on = $5, \
                    done_on = $6, report = $7, reported_by = $8, reminded_on = $9, reminders = $10, updated_at = $11, updated_by = $12 \
                    WHERE directive_id = $1 AND unit_id = $2 AND version = $13"
        .into();
    let args = vec![
        r.directive.into(),
        r.unit.0.into(),
        r.receipt.opened.into(),
        r.opened_by.clone().into(),
        r.receipt.started.into(),
        r.receipt.done.into(),
        r.report.clone().into(),
        r.reported_by.clone().into(),
        r.reminded_on.into(),
        r.reminders.into(),
        now.into(),
        actor.into(),
        r.version.into(),
    ];
    Ok(tx.execute(&sql, args).await? == 1)
}

/// The directives a unit sent in `[first, last]`, newest first.
pub async fn sent_by(conn: &mut dyn Conn, unit: UnitId, first: NaiveDate, last: NaiveDate) -> R<Vec<StoredDirective>> {
    let sql: Sql = concat!(
        "SELECT ",
        directive_columns!(),
        " FROM directives d WHERE d.sender_unit = $1 AND d.sent_on BETWEEN $2 AND $3 \
         ORDER BY d.sent_on DESC, d.id DESC"
    )
    .into();
    conn.query(&sql, vec![unit.0.into(), first.into(), last.into()]).await?.iter().map(directive_from_row).collect()
}

/// A directive with one unit's receipt of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub directive: StoredDirective,
    pub receipt: StoredReceipt,
}

/// The directives a unit received that were sent in `[first, last]`, newest first.
pub async fn received_by(conn: &mut dyn Conn, unit: UnitId, first: NaiveDate, last: NaiveDate) -> R<Vec<Received>> {
    let sql: Sql = concat!(
        "SELECT ",
        directive_columns!(),
        ", ",
        receipt_columns!(),
        " FROM directive_receipts r JOIN directives d ON d.id = r.directive_id \
         WHERE r.unit_id = $1 AND d.sent_on BETWEEN $2 AND $3 ORDER BY d.sent_on DESC, d.id DESC"
    )
    .into();
    conn.query(&sql, vec![unit.0.into(), first.into(), last.into()])
        .await?
        .iter()
        .map(|r| Ok(Received { directive: directive_from_row(r)?, receipt: receipt_from_row(r)? }))
        .collect()
}

/// The receipts of a unit not yet done (or, for information, not yet opened), with their
/// directives: what the unit's staff still have to do, for the badge and the home page.
pub async fn open_receipts(conn: &mut dyn Conn, unit: UnitId) -> R<Vec<Received>> {
    let sql: Sql = concat!(
        "SELECT ",
        directive_columns!(),
        ", ",
        receipt_columns!(),
        " FROM directive_receipts r JOIN directives d ON d.id = r.directive_id \
         WHERE r.unit_id = $1 AND r.done_on IS NULL AND (d.task IS NOT NULL OR r.opened_on IS NULL) ORDER BY d.sent_on, d.id"
    )
    .into();
    conn.query(&sql, vec![unit.0.into()])
        .await?
        .iter()
        .map(|r| Ok(Received { directive: directive_from_row(r)?, receipt: receipt_from_row(r)? }))
        .collect()
}

/// A directive's file, its content apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDirectiveFile {
    pub id: i64,
    pub directive: i64,
    /// `None`: the sender's; else the receiving unit whose report it belongs to.
    pub unit: Option<UnitId>,
    pub name: String,
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
}

fn file_from_row(r: &Row) -> R<StoredDirectiveFile> {
    Ok(StoredDirectiveFile {
        id: r.i64("id")?,
        directive: r.i64("directive_id")?,
        unit: r.opt_i64("unit_id")?.map(UnitId),
        name: r.str("name")?,
        media_type: r.str("media_type")?,
        size: r.i64("size")?,
        sha256: r.str("sha256")?,
    })
}

/// The files of a directive, in the order they were added.
pub async fn files_of(conn: &mut dyn Conn, directive: i64) -> R<Vec<StoredDirectiveFile>> {
    let sql: Sql = "SELECT id, directive_id, unit_id, name, media_type, size, sha256 FROM directive_attachments \
                    WHERE directive_id = $1 ORDER BY id"
        .into();
    conn.query(&sql, vec![directive.into()]).await?.iter().map(file_from_row).collect()
}

/// A file with its content (base64 as stored).
pub async fn file(conn: &mut dyn Conn, id: i64) -> R<Option<(StoredDirectiveFile, String)>> {
    let sql: Sql =
        "SELECT id, directive_id, unit_id, name, media_type, size, sha256, content FROM directive_attachments WHERE id = $1".into();
    conn.query(&sql, vec![id.into()]).await?.first().map(|r| Ok((file_from_row(r)?, r.str("content")?))).transpose()
}

/// The directive and unit of a file (for the scope check before its content is read).
pub async fn file_owner(conn: &mut dyn Conn, id: i64) -> R<Option<(i64, Option<UnitId>)>> {
    let sql: Sql = "SELECT directive_id, unit_id FROM directive_attachments WHERE id = $1".into();
    conn.query(&sql, vec![id.into()]).await?.first().map(|r| Ok((r.i64("directive_id")?, r.opt_i64("unit_id")?.map(UnitId)))).transpose()
}

/// What a new file is: where it goes, its name and type, and its bytes as stored.
pub struct NewFile<'a> {
    pub directive: i64,
    pub unit: Option<UnitId>,
    pub name: &'a str,
    pub media_type: &'a str,
    pub size: i64,
    pub sha256: &'a str,
    pub content: &'a str,
}

pub async fn insert_file(tx: &mut dyn Conn, f: &NewFile<'_>, now: DateTime<Utc>, actor: &str) -> R<i64> {
    let sql: Sql = "INSERT INTO directive_attachments (directive_id, unit_id, name, media_type, size, sha256, content, created_at, \
                    created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id"
        .into();
    let args = vec![
        f.directive.into(),
        f.unit.map(|u| u.0).into(),
        f.name.into(),
        f.media_type.into(),
        f.size.into(),
        f.sha256.into(),
        f.content.into(),
        now.into(),
        actor.into(),
    ];
    tx.query(&sql, args).await?.first().ok_or_else(|| DbError::Other("insert returned no id".into()))?.i64("id")
}
