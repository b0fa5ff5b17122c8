//! Statements on the organization tree: units, their versions, the closure table, successor
//! links and the operations that changed them.

// The imports and the row helpers of `sql` (decode, fields, lists) every group of statements shares.
use super::*;

fn version_from_row(r: &Row) -> R<(i64, UnitVersion)> {
    Ok((
        r.i64("id")?,
        UnitVersion {
            unit_id: UnitId(r.i64("unit_id")?),
            valid_from: r.date("valid_from")?,
            valid_to: r.opt_date("valid_to")?,
            kind: decode(UnitKind::parse(&r.str("kind")?).map_err(|e| e.message))?,
            code: decode(UnitCode::parse(&r.str("code")?).map_err(|e| e.message))?,
            name: r.str("name")?,
            parent_id: r.opt_i64("parent_id")?.map(UnitId),
        },
    ))
}

pub async fn insert_unit(tx: &mut dyn Conn, now: DateTime<Utc>) -> R<UnitId> {
    let rows = tx.query(&"INSERT INTO units (version, created_at) VALUES (1, $1) RETURNING id".into(), vec![now.into()]).await?;
    Ok(UnitId(rows.first().ok_or_else(|| DbError::Other("no id returned".into()))?.i64("id")?))
}

pub async fn unit_row_version(conn: &mut dyn Conn, unit: UnitId) -> R<Option<i64>> {
    let rows = conn.query(&"SELECT version FROM units WHERE id = $1".into(), vec![unit.0.into()]).await?;
    rows.first().map(|r| r.i64("version")).transpose()
}

/// Bumps the unit's version when it is still `expected`; false when someone saved first.
pub async fn bump_unit_version(tx: &mut dyn Conn, unit: UnitId, expected: Option<i64>) -> R<bool> {
    let n = match expected {
        Some(v) => {
            tx.execute(&"UPDATE units SET version = version + 1 WHERE id = $1 AND version = $2".into(), vec![unit.0.into(), v.into()])
                .await?
        }
        None => tx.execute(&"UPDATE units SET version = version + 1 WHERE id = $1".into(), vec![unit.0.into()]).await?,
    };
    Ok(n == 1)
}

pub async fn insert_operation(tx: &mut dyn Conn, kind: &str, d: &OrgDecision, by: &str, at: DateTime<Utc>) -> R<i64> {
    let rows = tx
        .query(
            &"INSERT INTO unit_operations (kind, effective_date, decision_number, decision_date, issuer, note, recorded_at, recorded_by) \
              VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id"
                .into(),
            operation_values(kind, d, by, at),
        )
        .await?;
    rows.first().ok_or_else(|| DbError::Other("no id returned".into()))?.i64("id")
}

pub fn operation_values(kind: &str, d: &OrgDecision, by: &str, at: DateTime<Utc>) -> Vec<Value> {
    vec![
        kind.into(),
        d.effective.into(),
        d.basis.number.as_str().into(),
        d.basis.date.into(),
        d.basis.issuer.as_str().into(),
        d.note.clone().into(),
        at.into(),
        by.into(),
    ]
}

pub fn unit_version_values(v: &UnitVersion, operation: i64) -> Vec<Value> {
    vec![
        v.unit_id.0.into(),
        v.valid_from.into(),
        v.valid_to.into(),
        v.kind.code().into(),
        v.code.as_str().into(),
        v.name.as_str().into(),
        fold(&v.name).into(),
        v.parent_id.map(|p| p.0).into(),
        operation.into(),
    ]
}

pub const INSERT_UNIT_VERSIONS: &str =
    "INSERT INTO unit_versions (unit_id, valid_from, valid_to, kind, code, name, name_fold, parent_id, operation_id) VALUES";

pub async fn insert_unit_version(tx: &mut dyn Conn, v: &UnitVersion, operation: i64) -> R<()> {
    insert_rows(tx, INSERT_UNIT_VERSIONS, 9, vec![unit_version_values(v, operation)], 1000).await
}

pub async fn close_unit_version(tx: &mut dyn Conn, row_id: i64, to: NaiveDate, operation: i64) -> R<()> {
    tx.execute(
        &"UPDATE unit_versions SET valid_to = $2, ended_by = $3 WHERE id = $1".into(),
        vec![row_id.into(), to.into(), operation.into()],
    )
    .await?;
    Ok(())
}

pub async fn delete_unit_version(tx: &mut dyn Conn, row_id: i64) -> R<()> {
    tx.execute(&"DELETE FROM unit_versions WHERE id = $1".into(), vec![row_id.into()]).await?;
    Ok(())
}

/// Versions (with their row ids) of the given units, sorted by start.
pub async fn unit_versions(conn: &mut dyn Conn, units: &[UnitId]) -> R<HashMap<UnitId, Vec<(i64, UnitVersion)>>> {
    let mut out: HashMap<UnitId, Vec<(i64, UnitVersion)>> = HashMap::new();
    for chunk in units.chunks(500) {
        let sql = in_list(
            "SELECT id, unit_id, valid_from, valid_to, kind, code, name, parent_id FROM unit_versions WHERE unit_id IN",
            chunk.len(),
            " ORDER BY unit_id, valid_from",
            1,
        );
        for r in conn.query(&sql, chunk.iter().map(|u| Value::from(u.0)).collect()).await? {
            let (id, v) = version_from_row(&r)?;
            out.entry(v.unit_id).or_default().push((id, v));
        }
    }
    Ok(out)
}

/// Every version of every unit (for the in-memory index).
pub async fn all_unit_versions(conn: &mut dyn Conn) -> R<Vec<UnitVersion>> {
    let sql: Sql =
        "SELECT id, unit_id, valid_from, valid_to, kind, code, name, parent_id FROM unit_versions ORDER BY unit_id, valid_from".into();
    conn.query(&sql, vec![]).await?.iter().map(|r| version_from_row(r).map(|(_, v)| v)).collect()
}

/// Every successor link of merges and splits: (predecessor, successor).
pub async fn all_unit_links(conn: &mut dyn Conn) -> R<Vec<(UnitId, UnitId)>> {
    let sql: Sql = "SELECT predecessor_id, successor_id FROM unit_links ORDER BY predecessor_id, successor_id".into();
    conn.query(&sql, vec![]).await?.iter().map(|r| Ok((UnitId(r.i64("predecessor_id")?), UnitId(r.i64("successor_id")?)))).collect()
}

/// Versions of children of `parent` valid on `on`.
pub async fn children_on(conn: &mut dyn Conn, parent: UnitId, on: NaiveDate) -> R<Vec<UnitVersion>> {
    let sql: Sql = "SELECT id, unit_id, valid_from, valid_to, kind, code, name, parent_id FROM unit_versions \
                    WHERE parent_id = $1 AND valid_from <= $2 AND (valid_to IS NULL OR valid_to > $2)"
        .into();
    conn.query(&sql, vec![parent.0.into(), on.into()]).await?.iter().map(|r| version_from_row(r).map(|(_, v)| v)).collect()
}

/// Children of `parent` whose versions naming it as parent end after `on` (or never): those an
/// operation at `on` must take care of.
pub async fn children_from(conn: &mut dyn Conn, parent: UnitId, on: NaiveDate) -> R<Vec<UnitId>> {
    let sql: Sql = "SELECT DISTINCT unit_id FROM unit_versions WHERE parent_id = $1 AND (valid_to IS NULL OR valid_to > $2)".into();
    conn.query(&sql, vec![parent.0.into(), on.into()]).await?.iter().map(|r| r.i64("unit_id").map(UnitId)).collect()
}

/// Units with `code` valid on or after `from`, other than `except`.
pub async fn units_with_code(conn: &mut dyn Conn, code: &UnitCode, from: NaiveDate, except: Option<UnitId>) -> R<Vec<UnitId>> {
    let sql: Sql =
        "SELECT DISTINCT unit_id FROM unit_versions WHERE code = $1 AND (valid_to IS NULL OR valid_to > $2) AND unit_id <> $3".into();
    let rows = conn.query(&sql, vec![code.as_str().into(), from.into(), except.map_or(0, |u| u.0).into()]).await?;
    rows.iter().map(|r| r.i64("unit_id").map(UnitId)).collect()
}

pub fn closure_values(r: &ClosureRow) -> Vec<Value> {
    vec![r.ancestor.0.into(), r.descendant.0.into(), i64::from(r.depth).into(), r.valid_from.into(), r.valid_to.into()]
}

pub const INSERT_CLOSURE: &str = "INSERT INTO unit_closure (ancestor_id, descendant_id, depth, valid_from, valid_to) VALUES";

pub async fn replace_closure(tx: &mut dyn Conn, units: &[UnitId], rows: Vec<ClosureRow>, max_params: usize) -> R<()> {
    for chunk in units.chunks(500) {
        let sql = in_list("DELETE FROM unit_closure WHERE descendant_id IN", chunk.len(), "", 1);
        tx.execute(&sql, chunk.iter().map(|u| Value::from(u.0)).collect()).await?;
    }
    insert_rows(tx, INSERT_CLOSURE, 5, rows.iter().map(closure_values).collect(), max_params).await
}

/// Every unit that was ever below one of `ancestors` (themselves included).
pub async fn descendants_ever(conn: &mut dyn Conn, ancestors: &[UnitId]) -> R<Vec<UnitId>> {
    let mut out = Vec::new();
    for chunk in ancestors.chunks(500) {
        let sql = in_list("SELECT DISTINCT descendant_id FROM unit_closure WHERE ancestor_id IN", chunk.len(), "", 1);
        for r in conn.query(&sql, chunk.iter().map(|u| Value::from(u.0)).collect()).await? {
            out.push(UnitId(r.i64("descendant_id")?));
        }
    }
    Ok(out)
}

/// Closure rows whose descendant is one of `units`.
pub async fn closure_of(conn: &mut dyn Conn, units: &[UnitId]) -> R<Vec<ClosureRow>> {
    let mut out = Vec::new();
    for chunk in units.chunks(500) {
        let sql = in_list(
            "SELECT ancestor_id, descendant_id, depth, valid_from, valid_to FROM unit_closure WHERE descendant_id IN",
            chunk.len(),
            "",
            1,
        );
        for r in conn.query(&sql, chunk.iter().map(|u| Value::from(u.0)).collect()).await? {
            out.push(ClosureRow {
                ancestor: UnitId(r.i64("ancestor_id")?),
                descendant: UnitId(r.i64("descendant_id")?),
                depth: r.i64("depth")? as u32,
                valid_from: r.date("valid_from")?,
                valid_to: r.opt_date("valid_to")?,
            });
        }
    }
    Ok(out)
}

/// The units in the subtree of `root` on `on`, nearest first (the time-sliced closure table).
pub async fn subtree_on(conn: &mut dyn Conn, root: UnitId, on: NaiveDate) -> R<Vec<UnitVersion>> {
    let sql: Sql = "SELECT v.id, v.unit_id, v.valid_from, v.valid_to, v.kind, v.code, v.name, v.parent_id \
                    FROM unit_closure c JOIN unit_versions v ON v.unit_id = c.descendant_id \
                    WHERE c.ancestor_id = $1 AND c.valid_from <= $2 AND (c.valid_to IS NULL OR c.valid_to > $2) \
                    AND v.valid_from <= $2 AND (v.valid_to IS NULL OR v.valid_to > $2) \
                    ORDER BY c.depth, v.name"
        .into();
    conn.query(&sql, vec![root.0.into(), on.into()]).await?.iter().map(|r| version_from_row(r).map(|(_, v)| v)).collect()
}

pub async fn is_within(conn: &mut dyn Conn, unit: UnitId, ancestor: UnitId, on: NaiveDate) -> R<bool> {
    let sql: Sql = "SELECT 1 FROM unit_closure WHERE descendant_id = $1 AND ancestor_id = $2 \
                    AND valid_from <= $3 AND (valid_to IS NULL OR valid_to > $3)"
        .into();
    Ok(!conn.query(&sql, vec![unit.0.into(), ancestor.0.into(), on.into()]).await?.is_empty())
}

pub async fn insert_link(tx: &mut dyn Conn, from: UnitId, to: UnitId, operation: i64, on: NaiveDate) -> R<()> {
    insert_rows(tx, INSERT_LINKS, 4, vec![vec![from.0.into(), to.0.into(), operation.into(), on.into()]], 1000).await
}

pub const INSERT_LINKS: &str = "INSERT INTO unit_links (predecessor_id, successor_id, operation_id, effective_date) VALUES";

/// (other unit, date, operation) for links of `unit`; `successors` picks the direction.
pub async fn links(conn: &mut dyn Conn, unit: UnitId, successors: bool) -> R<Vec<(UnitId, NaiveDate, i64)>> {
    let sql: Sql = if successors {
        "SELECT successor_id AS other_id, effective_date, operation_id FROM unit_links WHERE predecessor_id = $1".into()
    } else {
        "SELECT predecessor_id AS other_id, effective_date, operation_id FROM unit_links WHERE successor_id = $1".into()
    };
    let rows = conn.query(&sql, vec![unit.0.into()]).await?;
    rows.iter().map(|r| Ok((UnitId(r.i64("other_id")?), r.date("effective_date")?, r.i64("operation_id")?))).collect()
}

pub async fn operations_of(conn: &mut dyn Conn, unit: UnitId) -> R<Vec<crate::OperationInfo>> {
    let sql: Sql = "SELECT id, kind, effective_date, decision_number, decision_date, issuer, note, recorded_at, recorded_by \
                    FROM unit_operations WHERE id IN (SELECT operation_id FROM unit_versions WHERE unit_id = $1 \
                    UNION SELECT ended_by FROM unit_versions WHERE unit_id = $1 \
                    UNION SELECT operation_id FROM unit_links WHERE predecessor_id = $1 OR successor_id = $1) \
                    ORDER BY effective_date, id"
        .into();
    let rows = conn.query(&sql, vec![unit.0.into()]).await?;
    rows.iter()
        .map(|r| {
            Ok(crate::OperationInfo {
                id: r.i64("id")?,
                kind: r.str("kind")?,
                effective: r.date("effective_date")?,
                basis: LegalBasis {
                    number: decode(DecisionNumber::parse(&r.str("decision_number")?).map_err(|e| e.message))?,
                    date: r.date("decision_date")?,
                    issuer: r.str("issuer")?,
                },
                note: r.opt_str("note")?,
                recorded_at: r.time("recorded_at")?,
                recorded_by: r.str("recorded_by")?,
            })
        })
        .collect()
}
