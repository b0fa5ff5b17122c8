//! Operations on the organization tree. Each one closes versions and opens new ones (nothing is
//! deleted), records its decision, moves children and members where the operation says, keeps the
//! time-sliced closure table in step, and logs what changed — in one transaction.

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use chrono::NaiveDate;

use domain::ValidationErrors;
use domain::dates::format_vn;
use domain::event::{Entry, EventData, EventKind};
use domain::ids::{MemberId, UnitId};
use domain::unit::{UnitVersion, closure_rows};

use crate::audit::json;
use crate::context::WriteContext;
use crate::db::{Conn, Tx};
use crate::error::{Result, StoreError};
use crate::members::{derive_checked, recorded};
use crate::model::{
    AuditRecord, MergeUnits, MoveUnit, NewUnit, OrgDecision, PickFilter, RenameUnit, ScopeFilter, SplitUnit, Successor, UnitChoice,
    UnitDetail, UnitLink, UnitNode, UnitSpec, UnitSummary,
};
use crate::sql;
use crate::store::SqlStore;

/// Everything one operation changed, for the change log.
#[derive(Default)]
struct Touched {
    units: Vec<i64>,
    members: Vec<i64>,
}

/// The organization tree: operations on units and the tree as it stood on a date.
#[async_trait]
pub trait UnitStore: Send + Sync {
    async fn create_unit(&self, ctx: &WriteContext, new: NewUnit) -> Result<UnitId>;
    /// Renames a unit and/or changes its code or kind from a date.
    async fn rename_unit(&self, ctx: &WriteContext, unit: UnitId, change: RenameUnit) -> Result<()>;
    async fn move_unit(&self, ctx: &WriteContext, unit: UnitId, change: MoveUnit) -> Result<()>;
    /// Ends the sources and hands their children and members to the target (returned).
    async fn merge_units(&self, ctx: &WriteContext, merge: MergeUnits) -> Result<UnitId>;
    /// Ends a unit and hands its children and members to several successors (returned in order).
    async fn split_unit(&self, ctx: &WriteContext, unit: UnitId, split: SplitUnit) -> Result<Vec<UnitId>>;
    /// Ends a unit that has no children and no members left.
    async fn dissolve_unit(&self, ctx: &WriteContext, unit: UnitId, decision: OrgDecision) -> Result<()>;
    async fn unit(&self, unit: UnitId, as_of: NaiveDate) -> Result<UnitDetail>;
    /// The units directly under `parent` (the roots when `None`) on `as_of`, with member counts.
    async fn children(&self, parent: Option<UnitId>, as_of: NaiveDate) -> Result<Vec<UnitNode>>;
    /// Every unit in the subtree of `root` on `as_of` (the root first).
    async fn subtree(&self, root: UnitId, as_of: NaiveDate) -> Result<Vec<UnitSummary>>;
    /// The units valid on `today` that a dissolved, merged or split unit lives on in.
    async fn current_successors(&self, unit: UnitId, today: NaiveDate) -> Result<Vec<UnitSummary>>;
    /// Units whose name or code matches `q` (with or without diacritics) on `as_of`.
    async fn find_units(
        &self,
        q: &str,
        as_of: NaiveDate,
        members_only: bool,
        limit: usize,
        scope: Option<&ScopeFilter>,
    ) -> Result<Vec<UnitSummary>>;
    /// The nodes of these units on `as_of` (the starting points of a scoped tree), with counts.
    async fn nodes(&self, units: &[UnitId], as_of: NaiveDate) -> Result<Vec<UnitNode>>;
    /// The organization picker's offer for a typed name or code on `as_of`, best first, each
    /// unit with the names above it.
    async fn pick_units(
        &self,
        q: &str,
        as_of: NaiveDate,
        filter: PickFilter,
        limit: usize,
        scope: Option<&ScopeFilter>,
    ) -> Result<Vec<UnitChoice>>;
    /// One unit with the names above it, as last read (no database round trip: for showing a
    /// chosen unit in a form).
    fn peek_unit(&self, unit: UnitId, as_of: NaiveDate, scope: Option<&ScopeFilter>) -> Option<UnitChoice>;
}

impl SqlStore {
    async fn finish(&self, tx: Box<dyn Tx>, seq: i64, ctx: &WriteContext, record: AuditRecord, touched: Touched) -> Result<()> {
        let mut tx = tx;
        sql::log_changes(tx.as_mut(), seq, "member", &touched.members, self.db.max_params()).await?;
        self.commit_write(tx, seq, ctx, &[record], "unit", &touched.units).await
    }
}

#[async_trait]
impl UnitStore for SqlStore {
    async fn create_unit(&self, ctx: &WriteContext, new: NewUnit) -> Result<UnitId> {
        let (mut tx, seq) = self.begin_write().await?;
        let details = json(&new);
        let d = &new.decision;
        let op = sql::insert_operation(tx.as_mut(), "create", d, &ctx.actor, ctx.now).await?;
        let id = create(tx.as_mut(), ctx, &new.spec, d.effective, op).await?;
        recompute_closure(tx.as_mut(), &[id], self.db.max_params()).await?;
        self.finish(tx, seq, ctx, AuditRecord::new("unit.create", "unit", id.0, details), Touched { units: vec![id.0], members: vec![] })
            .await?;
        Ok(id)
    }

    async fn rename_unit(&self, ctx: &WriteContext, unit: UnitId, change: RenameUnit) -> Result<()> {
        let (mut tx, seq) = self.begin_write().await?;
        let details = json(&change);
        let on = change.decision.effective;
        check_version(tx.as_mut(), unit, change.expected_version).await?;
        let (row, current) = current_version(tx.as_mut(), unit, on).await?;
        let mut next = current.clone();
        if let Some(name) = &change.name {
            next.name = name.clone();
        }
        if let Some(code) = &change.code {
            next.code = code.clone();
            check_code_free(tx.as_mut(), code, on, Some(unit)).await?;
        }
        if let Some(kind) = change.kind {
            next.kind = kind;
            let parent_kind = match current.parent_id {
                Some(p) => Some(version_on(tx.as_mut(), p, on).await?.kind),
                None => None,
            };
            if !kind.may_sit_under(parent_kind) {
                return Err(StoreError::Invalid(ValidationErrors { errors: vec![kind.placement_error(parent_kind)] }));
            }
            for child in sql::children_on(tx.as_mut(), unit, on).await? {
                if !child.kind.may_sit_under(Some(kind)) {
                    return Err(StoreError::invalid(
                        "kind",
                        "children_do_not_fit",
                        format!("{} ({}) không thể trực thuộc {}.", child.name, child.kind.label(), kind.label().to_lowercase()),
                    ));
                }
            }
            if current.kind.holds_members() && !kind.holds_members() {
                let members = sql::members_in_units_from(tx.as_mut(), &[unit], on).await?;
                if !members.is_empty() {
                    return Err(StoreError::invalid(
                        "kind",
                        "has_members",
                        format!("Còn {} đảng viên sinh hoạt ở chi bộ này; chuyển họ sang chi bộ khác trước.", members.len()),
                    ));
                }
            }
        }
        if next == current {
            return Err(StoreError::invalid("name", "unchanged", "Không có gì thay đổi."));
        }
        let op = sql::insert_operation(tx.as_mut(), "rename", &change.decision, &ctx.actor, ctx.now).await?;
        replace_version(tx.as_mut(), row, &current, next, on, op).await?;
        self.finish(
            tx,
            seq,
            ctx,
            AuditRecord::new("unit.rename", "unit", unit.0, details),
            Touched { units: vec![unit.0], members: vec![] },
        )
        .await
    }

    async fn move_unit(&self, ctx: &WriteContext, unit: UnitId, change: MoveUnit) -> Result<()> {
        let (mut tx, seq) = self.begin_write().await?;
        let details = json(&change);
        let on = change.decision.effective;
        check_version(tx.as_mut(), unit, change.expected_version).await?;
        let (row, current) = current_version(tx.as_mut(), unit, on).await?;
        if current.parent_id == Some(change.parent) {
            return Err(StoreError::invalid("parent_id", "unchanged", "Tổ chức đã trực thuộc đơn vị này."));
        }
        let parent = version_on(tx.as_mut(), change.parent, on).await?;
        if !current.kind.may_sit_under(Some(parent.kind)) {
            return Err(StoreError::Invalid(ValidationErrors { errors: vec![current.kind.placement_error(Some(parent.kind))] }));
        }
        if sql::is_within(tx.as_mut(), change.parent, unit, on).await? {
            return Err(StoreError::invalid(
                "parent_id",
                "cycle",
                "Không thể chuyển một tổ chức vào trong chính nó hoặc tổ chức cấp dưới của nó.",
            ));
        }
        let op = sql::insert_operation(tx.as_mut(), "move", &change.decision, &ctx.actor, ctx.now).await?;
        let next = UnitVersion { parent_id: Some(change.parent), ..current.clone() };
        replace_version(tx.as_mut(), row, &current, next, on, op).await?;
        recompute_closure(tx.as_mut(), &[unit], self.db.max_params()).await?;
        self.finish(tx, seq, ctx, AuditRecord::new("unit.move", "unit", unit.0, details), Touched { units: vec![unit.0], members: vec![] })
            .await
    }

    async fn merge_units(&self, ctx: &WriteContext, merge: MergeUnits) -> Result<UnitId> {
        let sources: Vec<UnitId> = dedup(&merge.sources);
        if sources.is_empty() || (sources.len() < 2 && matches!(merge.target, Successor::New(_))) {
            return Err(StoreError::invalid(
                "sources",
                "too_few",
                "Hợp nhất cần ít nhất hai tổ chức (hoặc một tổ chức sáp nhập vào tổ chức khác).",
            ));
        }
        if let Successor::Existing(t) = merge.target
            && sources.contains(&t)
        {
            return Err(StoreError::invalid("target", "is_source", "Tổ chức nhận sáp nhập không thể đồng thời bị sáp nhập."));
        }
        let (mut tx, seq) = self.begin_write().await?;
        let details = json(&merge);
        let d = merge.decision.clone();
        let op = sql::insert_operation(tx.as_mut(), "merge", &d, &ctx.actor, ctx.now).await?;
        let target = successor(tx.as_mut(), ctx, &merge.target, &d, op).await?;
        for s in &sources {
            if sql::is_within(tx.as_mut(), target, *s, d.effective).await? {
                return Err(StoreError::invalid(
                    "target",
                    "inside_source",
                    "Tổ chức nhận sáp nhập đang trực thuộc một tổ chức bị sáp nhập.",
                ));
            }
        }
        let mut children = Vec::new();
        let mut members = Vec::new();
        for s in &sources {
            children.extend(sql::children_from(tx.as_mut(), *s, d.effective).await?.into_iter().map(|c| (c, 0usize)));
            members.extend(sql::members_in_units_from(tx.as_mut(), &[*s], d.effective).await?.into_iter().map(|m| (m, 0usize)));
        }
        let touched = self.hand_over(tx.as_mut(), ctx, &sources, &[target], children, members, &d, op).await?;
        self.finish(tx, seq, ctx, AuditRecord::new("unit.merge", "unit", target.0, details), touched).await?;
        Ok(target)
    }

    async fn split_unit(&self, ctx: &WriteContext, unit: UnitId, split: SplitUnit) -> Result<Vec<UnitId>> {
        if split.successors.len() < 2 {
            return Err(StoreError::invalid("successors", "too_few", "Chia tách cần ít nhất hai tổ chức kế tiếp."));
        }
        let (mut tx, seq) = self.begin_write().await?;
        let details = json(&split);
        check_version(tx.as_mut(), unit, split.expected_version).await?;
        let d = split.decision.clone();
        let op = sql::insert_operation(tx.as_mut(), "split", &d, &ctx.actor, ctx.now).await?;
        let mut targets = Vec::new();
        for s in &split.successors {
            let t = successor(tx.as_mut(), ctx, s, &d, op).await?;
            if t == unit || sql::is_within(tx.as_mut(), t, unit, d.effective).await? {
                return Err(StoreError::invalid(
                    "successors",
                    "inside_source",
                    "Tổ chức kế tiếp không thể là tổ chức bị chia tách hoặc cấp dưới của nó.",
                ));
            }
            targets.push(t);
        }
        let assign = |assigned: &[(i64, usize)], id: i64| assigned.iter().find(|(x, _)| *x == id).map_or(0, |(_, i)| *i);
        let child_plan: Vec<(i64, usize)> = split.children.iter().map(|(u, i)| (u.0, *i)).collect();
        let member_plan: Vec<(i64, usize)> = split.members.iter().map(|(m, i)| (m.0, *i)).collect();
        if let Some((_, i)) = child_plan.iter().chain(member_plan.iter()).find(|(_, i)| *i >= targets.len()) {
            return Err(StoreError::invalid("successors", "unknown_successor", format!("Không có tổ chức kế tiếp số {}.", i + 1)));
        }
        let children: Vec<(UnitId, usize)> =
            sql::children_from(tx.as_mut(), unit, d.effective).await?.into_iter().map(|c| (c, assign(&child_plan, c.0))).collect();
        let members: Vec<(MemberId, usize)> = sql::members_in_units_from(tx.as_mut(), &[unit], d.effective)
            .await?
            .into_iter()
            .map(|m| (m, assign(&member_plan, m.0)))
            .collect();
        let touched = self.hand_over(tx.as_mut(), ctx, &[unit], &targets, children, members, &d, op).await?;
        self.finish(tx, seq, ctx, AuditRecord::new("unit.split", "unit", unit.0, details), touched).await?;
        Ok(targets)
    }

    async fn dissolve_unit(&self, ctx: &WriteContext, unit: UnitId, d: OrgDecision) -> Result<()> {
        let (mut tx, seq) = self.begin_write().await?;
        let details = json(&d);
        let (row, current) = current_version(tx.as_mut(), unit, d.effective).await?;
        let children = sql::children_from(tx.as_mut(), unit, d.effective).await?;
        if !children.is_empty() {
            return Err(StoreError::invalid(
                "unit",
                "has_children",
                format!("Còn {} tổ chức trực thuộc; chuyển, sáp nhập hoặc giải thể chúng trước.", children.len()),
            ));
        }
        let members = sql::members_in_units_from(tx.as_mut(), &[unit], d.effective).await?;
        if !members.is_empty() {
            return Err(StoreError::invalid(
                "unit",
                "has_members",
                format!("Còn {} đảng viên sinh hoạt ở tổ chức này từ ngày {}; chuyển họ đi trước.", members.len(), format_vn(d.effective)),
            ));
        }
        let op = sql::insert_operation(tx.as_mut(), "dissolve", &d, &ctx.actor, ctx.now).await?;
        end_version(tx.as_mut(), row, &current, d.effective, op).await?;
        sql::bump_unit_version(tx.as_mut(), unit, None).await?;
        recompute_closure(tx.as_mut(), &[unit], self.db.max_params()).await?;
        self.finish(
            tx,
            seq,
            ctx,
            AuditRecord::new("unit.dissolve", "unit", unit.0, details),
            Touched { units: vec![unit.0], members: vec![] },
        )
        .await
    }

    async fn unit(&self, unit: UnitId, as_of: NaiveDate) -> Result<UnitDetail> {
        self.refresh_index().await?;
        let mut conn = self.db.reader().await?;
        let versions = sql::unit_versions(conn.as_mut(), &[unit]).await?;
        let list: Vec<domain::unit::UnitVersion> =
            versions.get(&unit).ok_or(StoreError::NotFound)?.iter().map(|(_, v)| v.clone()).collect();
        let latest = list.last().map(UnitSummary::from).ok_or(StoreError::NotFound)?;
        let version = sql::unit_row_version(conn.as_mut(), unit).await?.ok_or(StoreError::NotFound)?;
        let at = list.iter().find(|v| v.covers(as_of)).map(UnitSummary::from);
        let operations = sql::operations_of(conn.as_mut(), unit).await?;
        let mut link_lists = Vec::new();
        for successors in [false, true] {
            let raw = sql::links(conn.as_mut(), unit, successors).await?;
            let ids: Vec<UnitId> = raw.iter().map(|(u, _, _)| *u).collect();
            let named = sql::unit_versions(conn.as_mut(), &ids).await?;
            link_lists.push(
                raw.into_iter()
                    .filter_map(|(u, effective, operation_id)| {
                        let v = named.get(&u)?.last()?;
                        Some(UnitLink { unit: UnitSummary::from(&v.1), effective, operation_id })
                    })
                    .collect::<Vec<_>>(),
            );
        }
        let successors = link_lists.pop().unwrap_or_default();
        let predecessors = link_lists.pop().unwrap_or_default();
        let mut path_rows: Vec<_> = sql::closure_of(conn.as_mut(), &[unit])
            .await?
            .into_iter()
            .filter(|r| r.depth > 0 && r.valid_from <= as_of && r.valid_to.is_none_or(|t| as_of < t))
            .collect();
        path_rows.sort_by_key(|r| std::cmp::Reverse(r.depth));
        let (path, children, member_count) = {
            let index = self.index.read();
            let path = path_rows.iter().filter_map(|r| index.unit_version_on(r.ancestor, as_of).map(UnitSummary::from)).collect();
            let children = if at.is_some() { nodes(index.children(Some(unit), as_of)) } else { Vec::new() };
            let count = if at.is_some() { index.member_count(unit, as_of) } else { 0 };
            (path, children, count)
        };
        Ok(UnitDetail {
            id: unit,
            version,
            as_of: at,
            latest,
            versions: list.iter().map(UnitSummary::from).collect(),
            operations,
            predecessors,
            successors,
            path,
            children,
            member_count,
        })
    }

    async fn children(&self, parent: Option<UnitId>, as_of: NaiveDate) -> Result<Vec<UnitNode>> {
        self.refresh_index().await?;
        Ok(nodes(self.index.read().children(parent, as_of)))
    }

    async fn subtree(&self, root: UnitId, as_of: NaiveDate) -> Result<Vec<UnitSummary>> {
        let mut conn = self.db.reader().await?;
        let list = sql::subtree_on(conn.as_mut(), root, as_of).await?;
        if list.is_empty() {
            return Err(StoreError::NotFound);
        }
        Ok(list.iter().map(UnitSummary::from).collect())
    }

    async fn current_successors(&self, unit: UnitId, today: NaiveDate) -> Result<Vec<UnitSummary>> {
        let mut conn = self.db.reader().await?;
        let mut out: Vec<UnitSummary> = Vec::new();
        let mut queue = vec![unit];
        let mut seen = vec![unit];
        while let Some(u) = queue.pop() {
            let versions = sql::unit_versions(conn.as_mut(), &[u]).await?;
            let list = versions.get(&u).ok_or(StoreError::NotFound)?;
            if let Some((_, v)) = list.iter().find(|(_, v)| v.covers(today)) {
                if !out.iter().any(|o| o.id == u) {
                    out.push(UnitSummary::from(v));
                }
                continue;
            }
            for (next, _, _) in sql::links(conn.as_mut(), u, true).await? {
                if !seen.contains(&next) {
                    seen.push(next);
                    queue.push(next);
                }
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    async fn find_units(
        &self,
        q: &str,
        as_of: NaiveDate,
        members_only: bool,
        limit: usize,
        scope: Option<&ScopeFilter>,
    ) -> Result<Vec<UnitSummary>> {
        self.refresh_index().await?;
        Ok(self.index.read().find_units(q, as_of, members_only, limit, scope))
    }

    async fn nodes(&self, units: &[UnitId], as_of: NaiveDate) -> Result<Vec<UnitNode>> {
        self.refresh_index().await?;
        Ok(nodes(self.index.read().nodes(units, as_of)))
    }

    async fn pick_units(
        &self,
        q: &str,
        as_of: NaiveDate,
        filter: PickFilter,
        limit: usize,
        scope: Option<&ScopeFilter>,
    ) -> Result<Vec<UnitChoice>> {
        self.refresh_index().await?;
        Ok(self.index.read().pick_units(q, as_of, filter, limit, scope))
    }

    fn peek_unit(&self, unit: UnitId, as_of: NaiveDate, scope: Option<&ScopeFilter>) -> Option<UnitChoice> {
        self.index.read().peek_unit(unit, as_of, scope)
    }
}

impl SqlStore {
    /// Moves `children` and `members` (each with the index of its target) to `targets`, ends
    /// `sources`, links them to the targets and refreshes the closure.
    #[allow(clippy::too_many_arguments)]
    async fn hand_over(
        &self,
        tx: &mut dyn Conn,
        ctx: &WriteContext,
        sources: &[UnitId],
        targets: &[UnitId],
        children: Vec<(UnitId, usize)>,
        members: Vec<(MemberId, usize)>,
        d: &OrgDecision,
        op: i64,
    ) -> Result<Touched> {
        let on = d.effective;
        let mut target_kinds = Vec::new();
        for t in targets {
            target_kinds.push(version_on(tx, *t, on).await?.kind);
        }
        let mut ended = Vec::new();
        for s in sources {
            ended.push(current_version(tx, *s, on).await?);
        }
        let mut moved = Vec::new();
        for (child, i) in &children {
            let (row, current) = current_version(tx, *child, on).await?;
            let kind = target_kinds[*i];
            if !current.kind.may_sit_under(Some(kind)) {
                return Err(StoreError::Invalid(ValidationErrors { errors: vec![current.kind.placement_error(Some(kind))] }));
            }
            let next = UnitVersion { parent_id: Some(targets[*i]), ..current.clone() };
            replace_version(tx, row, &current, next, on, op).await?;
            moved.push(*child);
        }
        for (row, current) in &ended {
            end_version(tx, *row, current, on, op).await?;
            sql::bump_unit_version(tx, current.unit_id, None).await?;
            for t in targets {
                sql::insert_link(tx, current.unit_id, *t, op, on).await?;
            }
        }
        for (i, kind) in target_kinds.iter().enumerate() {
            if !kind.holds_members() && members.iter().any(|(_, t)| *t == i) {
                return Err(StoreError::invalid(
                    "target",
                    "not_a_cell",
                    format!("Đảng viên chỉ sinh hoạt ở chi bộ; {} không phải chi bộ.", kind.label().to_lowercase()),
                ));
            }
        }
        let mut touched_members = Vec::new();
        for (member, i) in &members {
            reassign(tx, ctx, *member, targets[*i], d).await?;
            touched_members.push(member.0);
        }
        // The sources' own rows end with them; targets and moved children get their new ancestry.
        let mut roots: Vec<UnitId> = targets.to_vec();
        roots.extend(sources.iter().copied());
        roots.extend(moved.iter().copied());
        recompute_closure(tx, &roots, self.db.max_params()).await?;
        let mut units: Vec<i64> = sources.iter().chain(targets).chain(&moved).map(|u| u.0).collect();
        units.sort();
        units.dedup();
        Ok(Touched { units, members: touched_members })
    }
}

async fn create(tx: &mut dyn Conn, ctx: &WriteContext, spec: &UnitSpec, on: NaiveDate, op: i64) -> Result<UnitId> {
    let parent_kind = match spec.parent {
        Some(p) => Some(version_on(tx, p, on).await?.kind),
        None => None,
    };
    if !spec.kind.may_sit_under(parent_kind) {
        return Err(StoreError::Invalid(ValidationErrors { errors: vec![spec.kind.placement_error(parent_kind)] }));
    }
    check_code_free(tx, &spec.code, on, None).await?;
    let id = sql::insert_unit(tx, ctx.now).await?;
    let v = UnitVersion {
        unit_id: id,
        valid_from: on,
        valid_to: None,
        kind: spec.kind,
        code: spec.code.clone(),
        name: spec.name.clone(),
        parent_id: spec.parent,
    };
    sql::insert_unit_version(tx, &v, op).await?;
    Ok(id)
}

async fn successor(tx: &mut dyn Conn, ctx: &WriteContext, s: &Successor, d: &OrgDecision, op: i64) -> Result<UnitId> {
    match s {
        Successor::Existing(id) => {
            version_on(tx, *id, d.effective).await?;
            sql::bump_unit_version(tx, *id, None).await?;
            Ok(*id)
        }
        Successor::New(spec) => {
            let id = create(tx, ctx, spec, d.effective, op).await?;
            recompute_closure(tx, &[id], 1000).await?;
            Ok(id)
        }
    }
}

/// Records the member's move to `to` caused by the operation, re-deriving the history.
async fn reassign(tx: &mut dyn Conn, ctx: &WriteContext, member: MemberId, to: UnitId, d: &OrgDecision) -> Result<()> {
    let mut events = sql::events(tx, member).await?;
    let provisional = domain::ids::EventId(events.iter().map(|e| e.id.0).max().unwrap_or(0) + 1);
    let data = EventData { kind: EventKind::Reassigned { to }, effective: d.effective, basis: Some(d.basis.clone()), note: d.note.clone() };
    events.push(recorded(provisional, Entry::Event(data), None, None, ctx));
    let history = match derive_checked(tx, &events).await {
        Ok(h) => h,
        Err(StoreError::Invalid(mut e)) => {
            let name = sql::member_row(tx, member).await?.map(|r| r.1.full_name.to_string()).unwrap_or_default();
            for x in &mut e.errors {
                x.message = format!("Đảng viên {name} (mã số {member}): {}", x.message);
            }
            return Err(StoreError::Invalid(e));
        }
        Err(other) => return Err(other),
    };
    let last = events.last().ok_or(StoreError::NotFound)?;
    sql::insert_event(tx, member, last).await?;
    sql::replace_spans(tx, member, &history).await?;
    sql::touch_member(tx, member, None, ctx.now, &ctx.actor).await?;
    Ok(())
}

async fn check_version(tx: &mut dyn Conn, unit: UnitId, expected: i64) -> Result<()> {
    if sql::bump_unit_version(tx, unit, Some(expected)).await? {
        return Ok(());
    }
    match sql::unit_row_version(tx, unit).await? {
        None => Err(StoreError::NotFound),
        Some(current) => Err(StoreError::Conflict { current }),
    }
}

async fn check_code_free(tx: &mut dyn Conn, code: &domain::ids::UnitCode, from: NaiveDate, except: Option<UnitId>) -> Result<()> {
    if sql::units_with_code(tx, code, from, except).await?.is_empty() {
        Ok(())
    } else {
        Err(StoreError::invalid("code", "duplicate", format!("Mã tổ chức {code} đã được dùng cho một tổ chức khác.")))
    }
}

/// The version of `unit` valid on `on`.
async fn version_on(tx: &mut dyn Conn, unit: UnitId, on: NaiveDate) -> Result<UnitVersion> {
    let versions = sql::unit_versions(tx, &[unit]).await?;
    let list = versions.get(&unit).ok_or(StoreError::NotFound)?;
    list.iter().map(|(_, v)| v).find(|v| v.covers(on)).cloned().ok_or_else(|| {
        StoreError::invalid("unit", "not_valid_on_date", format!("Tổ chức {} không tồn tại vào ngày {}.", list[0].1.name, format_vn(on)))
    })
}

/// The open-ended version of `unit`, which an operation at `on` changes: the unit must still
/// exist and have no change recorded after `on`.
async fn current_version(tx: &mut dyn Conn, unit: UnitId, on: NaiveDate) -> Result<(i64, UnitVersion)> {
    let versions = sql::unit_versions(tx, &[unit]).await?;
    let (row, last) = versions.get(&unit).and_then(|l| l.last()).cloned().ok_or(StoreError::NotFound)?;
    if let Some(end) = last.valid_to {
        return Err(StoreError::invalid("unit", "ended", format!("{} không còn từ ngày {}.", last.name, format_vn(end))));
    }
    if last.valid_from > on {
        return Err(StoreError::invalid(
            "effective",
            "before_later_change",
            format!("{} đã có thay đổi từ ngày {}; không ghi được thay đổi trước ngày đó.", last.name, format_vn(last.valid_from)),
        ));
    }
    if on < first_start(&versions, unit) {
        return Err(StoreError::invalid(
            "effective",
            "before_creation",
            format!("{} chưa được thành lập vào ngày {}.", last.name, format_vn(on)),
        ));
    }
    Ok((row, last))
}

fn first_start(versions: &HashMap<UnitId, Vec<(i64, UnitVersion)>>, unit: UnitId) -> NaiveDate {
    versions.get(&unit).and_then(|l| l.first()).map_or(NaiveDate::MIN, |(_, v)| v.valid_from)
}

/// Ends `current` at `on` and opens `next` from `on` (a same-day change replaces the version).
async fn replace_version(tx: &mut dyn Conn, row: i64, current: &UnitVersion, next: UnitVersion, on: NaiveDate, op: i64) -> Result<()> {
    let next = UnitVersion { valid_from: on, valid_to: None, ..next };
    if current.valid_from == on {
        sql::delete_unit_version(tx, row).await?;
    } else {
        sql::close_unit_version(tx, row, on, op).await?;
    }
    sql::insert_unit_version(tx, &next, op).await?;
    Ok(())
}

/// Ends a unit at `on`. A unit created on the same day it ends keeps a one-day-less existence:
/// such a version is closed, never deleted, so the record of the decision stays.
async fn end_version(tx: &mut dyn Conn, row: i64, current: &UnitVersion, on: NaiveDate, op: i64) -> Result<()> {
    if current.valid_from >= on {
        return Err(StoreError::invalid(
            "effective",
            "same_day",
            format!("{} được lập ngày {}; không thể kết thúc cùng ngày.", current.name, format_vn(on)),
        ));
    }
    sql::close_unit_version(tx, row, on, op).await?;
    Ok(())
}

/// Recomputes the closure rows of `roots` and of every unit ever below them.
pub(crate) async fn recompute_closure(tx: &mut dyn Conn, roots: &[UnitId], max_params: usize) -> Result<()> {
    let mut affected: HashSet<UnitId> = roots.iter().copied().collect();
    affected.extend(sql::descendants_ever(tx, roots).await?);
    let affected: Vec<UnitId> = affected.into_iter().collect();
    let mut versions: HashMap<UnitId, Vec<UnitVersion>> = HashMap::new();
    let mut wanted: Vec<UnitId> = affected.clone();
    while !wanted.is_empty() {
        let loaded = sql::unit_versions(tx, &wanted).await?;
        let mut next = Vec::new();
        for (id, list) in loaded {
            for (_, v) in &list {
                if let Some(p) = v.parent_id
                    && !versions.contains_key(&p)
                    && !wanted.contains(&p)
                {
                    next.push(p);
                }
            }
            versions.insert(id, list.into_iter().map(|(_, v)| v).collect());
        }
        for w in &wanted {
            versions.entry(*w).or_default();
        }
        next.sort();
        next.dedup();
        wanted = next;
    }
    let rows = affected.iter().flat_map(|u| closure_rows(*u, &versions)).collect();
    sql::replace_closure(tx, &affected, rows, max_params).await?;
    Ok(())
}

fn dedup(ids: &[UnitId]) -> Vec<UnitId> {
    let mut out = Vec::new();
    for id in ids {
        if !out.contains(id) {
            out.push(*id);
        }
    }
    out
}

fn nodes(list: Vec<(domain::unit::UnitVersion, usize, usize)>) -> Vec<UnitNode> {
    list.into_iter().map(|(v, member_count, child_count)| UnitNode { unit: UnitSummary::from(&v), member_count, child_count }).collect()
}
