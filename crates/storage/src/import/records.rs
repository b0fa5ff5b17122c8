//! [`ImportRecordStore`]: what is kept about imports besides the register they wrote — the list
//! of past imports and the column mappings saved under a name.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;

use domain::ids::UnitId;
use domain::interchange::SavedMapping;

use super::ImportCounts;
use crate::context::WriteContext;
use crate::db::DbError;
use crate::error::{Result, StoreError};
use crate::model::AuditRecord;
use crate::sql::import as q;
use crate::store::SqlStore;

/// The longest name of a saved mapping.
pub const MAPPING_NAME_MAX: usize = 100;

/// A past import as the import page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    pub id: i64,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
    pub file_name: String,
    /// The unit the file went under (`None`: a whole register into an empty tree).
    pub root: Option<UnitId>,
    pub counts: ImportCounts,
}

/// A column mapping saved under a name, with its version (send it back to change or delete it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SavedMappingRecord {
    pub id: i64,
    pub version: i64,
    pub name: String,
    pub mapping: SavedMapping,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
}

impl TryFrom<q::MappingRow> for SavedMappingRecord {
    type Error = StoreError;

    fn try_from(r: q::MappingRow) -> Result<Self> {
        let mapping = serde_json::from_str(&r.mapping).map_err(|e| StoreError::Database(DbError::Decode(e.to_string())))?;
        Ok(SavedMappingRecord { id: r.id, version: r.version, name: r.name, mapping, updated_at: r.updated_at, updated_by: r.updated_by })
    }
}

/// Past imports and saved mappings.
#[async_trait]
pub trait ImportRecordStore: Send + Sync {
    /// The latest `limit` imports, newest first.
    async fn recent_imports(&self, limit: usize) -> Result<Vec<ImportSummary>>;
    /// Every saved mapping, by name.
    async fn saved_mappings(&self) -> Result<Vec<SavedMappingRecord>>;
    async fn saved_mapping(&self, id: i64) -> Result<SavedMappingRecord>;
    /// Saves a mapping under `name`: a new one (`expected_version` `None`; a name in use is
    /// refused), or a new content for the one of that name whose version is still the one given
    /// (`Conflict` otherwise). Answers the mapping's id.
    async fn save_mapping(&self, ctx: &WriteContext, name: &str, expected_version: Option<i64>, mapping: &SavedMapping) -> Result<i64>;
    async fn delete_mapping(&self, ctx: &WriteContext, id: i64, expected_version: i64) -> Result<()>;
}

fn mapping_name(name: &str) -> Result<String> {
    let name = domain::text::clean(name);
    if name.is_empty() {
        return Err(StoreError::invalid("name", "required", "Đặt tên cho cách ghép cột."));
    }
    if name.chars().count() > MAPPING_NAME_MAX {
        return Err(StoreError::invalid("name", "too_long", format!("Tên cách ghép cột dài tối đa {MAPPING_NAME_MAX} ký tự.")));
    }
    Ok(name)
}

fn to_json(mapping: &SavedMapping) -> Result<String> {
    serde_json::to_string(mapping).map_err(|e| StoreError::Database(DbError::Other(e.to_string())))
}

#[async_trait]
impl ImportRecordStore for SqlStore {
    async fn recent_imports(&self, limit: usize) -> Result<Vec<ImportSummary>> {
        let mut conn = self.db.reader().await?;
        let rows = q::recent_imports(conn.as_mut(), i64::try_from(limit).unwrap_or(i64::MAX)).await?;
        Ok(rows
            .into_iter()
            .map(|r| ImportSummary {
                id: r.id,
                recorded_at: r.recorded_at,
                recorded_by: r.recorded_by,
                file_name: r.file_name,
                root: r.root.map(UnitId),
                counts: serde_json::from_str(&r.counts).unwrap_or_default(),
            })
            .collect())
    }

    async fn saved_mappings(&self) -> Result<Vec<SavedMappingRecord>> {
        let mut conn = self.db.reader().await?;
        q::mappings(conn.as_mut()).await?.into_iter().map(SavedMappingRecord::try_from).collect()
    }

    async fn saved_mapping(&self, id: i64) -> Result<SavedMappingRecord> {
        let mut conn = self.db.reader().await?;
        q::mapping(conn.as_mut(), id).await?.ok_or(StoreError::NotFound)?.try_into()
    }

    async fn save_mapping(&self, ctx: &WriteContext, name: &str, expected_version: Option<i64>, mapping: &SavedMapping) -> Result<i64> {
        let name = mapping_name(name)?;
        let text = to_json(mapping)?;
        let (mut tx, seq) = self.begin_write().await?;
        let existing = q::mapping_named(tx.as_mut(), &name).await?;
        let (id, action) = match (existing, expected_version) {
            (None, None) => (q::insert_mapping(tx.as_mut(), &name, &text, ctx.now, &ctx.actor).await?, "import.mapping.save"),
            (Some(_), None) => {
                return Err(StoreError::invalid(
                    "name",
                    "taken",
                    "Đã có cách ghép cột mang tên này; chọn tên khác hoặc ghi đè cách đã lưu.",
                ));
            }
            (None, Some(_)) => return Err(StoreError::NotFound),
            (Some(row), Some(expected)) => {
                if row.version != expected || !q::update_mapping(tx.as_mut(), row.id, expected, &text, ctx.now, &ctx.actor).await? {
                    return Err(StoreError::Conflict { current: row.version });
                }
                (row.id, "import.mapping.update")
            }
        };
        let record = AuditRecord::new(action, "import_mapping", id, json!({ "name": name, "mapping": mapping }));
        self.commit_write(tx, seq, ctx, &[record], "import_mapping", &[id]).await?;
        Ok(id)
    }

    async fn delete_mapping(&self, ctx: &WriteContext, id: i64, expected_version: i64) -> Result<()> {
        let (mut tx, seq) = self.begin_write().await?;
        let before = q::mapping(tx.as_mut(), id).await?.ok_or(StoreError::NotFound)?;
        if before.version != expected_version || !q::delete_mapping(tx.as_mut(), id, expected_version).await? {
            return Err(StoreError::Conflict { current: before.version });
        }
        let record = AuditRecord::new("import.mapping.delete", "import_mapping", id, json!({ "name": before.name }));
        self.commit_write(tx, seq, ctx, &[record], "import_mapping", &[id]).await
    }
}
