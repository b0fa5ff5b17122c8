//! Party organizations in private enterprises (domain::enterprises, docs/design/enterprises.md):
//! the register of enterprises under a committee, the founding targets per unit and year, and the
//! report beside the admission targets' private-enterprise sub-target (one source for admissions
//! in enterprises). Each write audited in its transaction.

use async_trait::async_trait;
use chrono::NaiveDate;
use serde_json::json;

use domain::enterprises::{Enterprise, Progress};
use domain::ids::UnitId;
use domain::pipeline::TargetGroup;

use crate::admission::AdmissionStore;
use crate::context::WriteContext;
use crate::db::DbError;
use crate::error::{Result, StoreError};
use crate::model::AuditRecord;
use crate::sql;
pub use crate::sql::enterprises::EnterpriseRow;
use crate::store::SqlStore;

#[async_trait]
pub trait EnterpriseStore: Send + Sync {
    /// Registers an enterprise in `area` (a tax code once: refused as `duplicate`).
    async fn add_enterprise(&self, ctx: &WriteContext, area: UnitId, e: Enterprise) -> Result<i64>;
    /// Replaces an enterprise at `version` (409 when it changed meanwhile).
    async fn update_enterprise(&self, ctx: &WriteContext, id: i64, version: i64, e: Enterprise) -> Result<()>;
    /// An enterprise (404 for none).
    async fn enterprise(&self, id: i64) -> Result<EnterpriseRow>;
    /// The enterprises registered at or under `root`, with their party organization's members.
    async fn enterprises_under(&self, root: UnitId, today: NaiveDate) -> Result<Vec<EnterpriseLine>>;
    /// Sets a unit's target of party organizations to found in a year.
    async fn set_founding_target(&self, ctx: &WriteContext, unit: UnitId, year: i32, target: u32) -> Result<()>;
    /// The year's progress under `root`: founded against the founding target, admitted in
    /// enterprises against the admission targets' sub-target.
    async fn enterprise_report(&self, root: UnitId, year: i32, today: NaiveDate) -> Result<EnterpriseReport>;
}

/// An enterprise on a unit's register.
#[derive(Debug, Clone)]
pub struct EnterpriseLine {
    pub row: EnterpriseRow,
    pub area_name: String,
    /// The party organization's name, when founded.
    pub party_name: Option<String>,
    /// Members on the party organization's lists today (or those recorded without one).
    pub members: u32,
}

/// The year's progress under a unit.
#[derive(Debug, Clone)]
pub struct EnterpriseReport {
    pub unit: UnitId,
    pub unit_name: String,
    pub year: i32,
    pub enterprises: u32,
    pub with_party: u32,
    pub workers: u64,
    pub members: u32,
    pub founded: Progress,
    pub admitted: Progress,
}

impl EnterpriseReport {
    /// The sentence committees write.
    pub fn sentence(&self) -> String {
        domain::enterprises::sentence(self.admitted, self.founded)
    }
}

fn duplicate_or(e: DbError) -> StoreError {
    match e {
        DbError::Unique(_) => StoreError::invalid("tax_code", "duplicate", "Mã số thuế này đã có trong sổ doanh nghiệp."),
        other => other.into(),
    }
}

impl SqlStore {
    /// The party organization named must be a unit of the register standing on its founding day.
    fn check_party_unit(&self, e: &Enterprise) -> Result<()> {
        if let Some(p) = &e.party
            && self.index.read().unit_version_on(p.unit, p.founded_on).is_none()
        {
            return Err(StoreError::invalid("party_unit", "not_standing", "Tổ chức đảng này chưa có vào ngày thành lập đã ghi."));
        }
        Ok(())
    }
}

#[async_trait]
impl EnterpriseStore for SqlStore {
    async fn add_enterprise(&self, ctx: &WriteContext, area: UnitId, e: Enterprise) -> Result<i64> {
        self.refresh_index().await?;
        self.index.read().unit_version_on(area, ctx.today).ok_or(StoreError::NotFound)?;
        self.check_party_unit(&e)?;
        let mut tx = self.db.begin().await?;
        let id = sql::enterprises::insert(tx.as_mut(), area, &e, ctx.now, &ctx.actor).await.map_err(duplicate_or)?;
        let record = AuditRecord::new(
            "enterprise.add",
            "unit",
            area.0,
            json!({ "enterprise": id, "name": e.name, "tax_code": e.tax_code.as_str(), "party_unit": e.party.as_ref().map(|p| p.unit.0) }),
        );
        crate::audit::append(tx.as_mut(), &ctx.audit_actor(), ctx.now, &[record]).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn update_enterprise(&self, ctx: &WriteContext, id: i64, version: i64, e: Enterprise) -> Result<()> {
        self.refresh_index().await?;
        self.check_party_unit(&e)?;
        let mut tx = self.db.begin().await?;
        let before = sql::enterprises::one(tx.as_mut(), id).await?.ok_or(StoreError::NotFound)?;
        if !sql::enterprises::update(tx.as_mut(), id, version, &e, ctx.now, &ctx.actor).await.map_err(duplicate_or)? {
            return Err(StoreError::Conflict { current: before.version });
        }
        let record = AuditRecord::new(
            "enterprise.update",
            "unit",
            before.area.0,
            json!({ "enterprise": id, "name": e.name, "tax_code": e.tax_code.as_str(), "party_unit": e.party.as_ref().map(|p| p.unit.0) }),
        );
        crate::audit::append(tx.as_mut(), &ctx.audit_actor(), ctx.now, &[record]).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn enterprise(&self, id: i64) -> Result<EnterpriseRow> {
        let mut conn = self.db.reader().await?;
        sql::enterprises::one(conn.as_mut(), id).await?.ok_or(StoreError::NotFound)
    }

    async fn enterprises_under(&self, root: UnitId, today: NaiveDate) -> Result<Vec<EnterpriseLine>> {
        self.refresh_index().await?;
        let mut conn = self.db.reader().await?;
        let all = sql::enterprises::all(conn.as_mut()).await?;
        drop(conn);
        let index = self.index.read();
        index.unit_version_on(root, today).ok_or(StoreError::NotFound)?;
        Ok(all
            .into_iter()
            .filter(|r| r.area == root || domain::transfers::Tree::is_within(&*index, r.area, root, today))
            .map(|row| {
                let party = row.enterprise.party.as_ref().map(|p| p.unit);
                let members = match party {
                    Some(u) => index.roster(u, today, None).map_or(0, |r| r.len() as u32),
                    None => row.enterprise.members_without_organization,
                };
                EnterpriseLine {
                    area_name: index.unit_with_parent(row.area, today),
                    party_name: party.map(|u| index.unit_with_parent(u, today)),
                    members,
                    row,
                }
            })
            .collect())
    }

    async fn set_founding_target(&self, ctx: &WriteContext, unit: UnitId, year: i32, target: u32) -> Result<()> {
        let mut tx = self.db.begin().await?;
        sql::enterprises::set_target(tx.as_mut(), unit, year, target, ctx.now, &ctx.actor).await?;
        let record = AuditRecord::new("enterprise.target", "unit", unit.0, json!({ "year": year, "target": target }));
        crate::audit::append(tx.as_mut(), &ctx.audit_actor(), ctx.now, &[record]).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn enterprise_report(&self, root: UnitId, year: i32, today: NaiveDate) -> Result<EnterpriseReport> {
        let lines = self.enterprises_under(root, today).await?;
        let first = NaiveDate::from_ymd_opt(year, 1, 1).ok_or(StoreError::NotFound)?;
        let last = NaiveDate::from_ymd_opt(year, 12, 31).ok_or(StoreError::NotFound)?;
        let mut conn = self.db.reader().await?;
        let targets = sql::enterprises::targets(conn.as_mut(), year).await?;
        drop(conn);
        let target = targets.iter().find(|(u, _)| *u == root).map(|(_, t)| *t);
        let admission = self.targets(root, year, today, None).await?;
        let private = admission.root.groups.iter().find(|(g, _)| *g == TargetGroup::PrivateEnterprise).map(|(_, c)| *c);
        Ok(EnterpriseReport {
            unit: root,
            unit_name: self.index.read().unit_with_parent(root, today),
            year,
            enterprises: lines.len() as u32,
            with_party: lines.iter().filter(|l| l.row.enterprise.party.is_some()).count() as u32,
            workers: lines.iter().map(|l| u64::from(l.row.enterprise.workers)).sum(),
            members: lines.iter().map(|l| l.members).sum(),
            founded: Progress { done: lines.iter().filter(|l| l.row.enterprise.founded_within(first, last)).count() as u32, target },
            admitted: Progress { done: private.map_or(0, |c| c.admitted), target: private.and_then(|c| c.target) },
        })
    }
}
