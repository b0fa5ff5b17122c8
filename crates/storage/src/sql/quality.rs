//! What the data-quality worklist reads besides the register index: which chi bộ an account
//! holds the cell-secretary role on.

use domain::access::Role;
use domain::ids::UnitId;

use crate::db::{Conn, DbError, Value};

type R<T> = Result<T, DbError>;

/// The units on which a grant in force gives an account that is not disabled the
/// cell-secretary role, each once, in order.
pub async fn secretary_units(conn: &mut dyn Conn) -> R<Vec<UnitId>> {
    let rows = conn
        .query(
            &"SELECT DISTINCT g.unit_id FROM grants g JOIN accounts a ON a.id = g.account_id \
              WHERE g.revoked_at IS NULL AND g.role = $1 AND a.disabled = 0 AND g.unit_id IS NOT NULL ORDER BY g.unit_id"
                .into(),
            vec![Value::from(Role::CellSecretary.code())],
        )
        .await?;
    rows.iter().map(|r| Ok(UnitId(r.i64("unit_id")?))).collect()
}
